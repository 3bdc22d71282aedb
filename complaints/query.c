/*
 * complaints: what is read — a talon's status, the talon again, a
 * complaint with its events, lists, the journal export, verify, and the
 * directory search.  All of it on reader connections, never the writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "complaints/complaints_int.h"
#include "notify/notify.h"

#define LIST_MAX 500

/* A document given up half written: freed, and e says so. */
static void
write_failed(struct xmlio_out *o, struct complaints_error *e, const char *what)
{
	xmlio_out_free(o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "%s could not be written", what);
}

/* The talon of number, checked; -1 with e set when it is not one. */
static int
talon_of(
    const char *number, char talon[TALON_LEN + 1], struct complaints_error *e)
{
	switch (complaints_talon_parse(number, talon)) {
	case TALON_MALFORMED:
		complaints_error_set(e, COMPLAINTS_EINVAL,
		    "malformed-talon-number",
		    "a talon number "
		    "has 14 digits, such as 2026-123456789-0");
		return -1;
	case TALON_BAD_CHECK:
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-check-digit",
		    "check digit does not "
		    "match: the number was mistyped");
		return -1;
	case TALON_OK:
		break;
	}
	return 0;
}

/* The answer to a database result rc of a talon's lookup. */
static int
talon_found(int rc, const char *talon, struct complaints_error *e)
{
	if (rc == DB_NOTFOUND) {
		complaints_error_set(e, COMPLAINTS_ENOENT, "talon-not-found",
		    "no complaint has the "
		    "talon number %s",
		    talon);
		return -1;
	}
	if (rc != DB_OK)
		return complaints_db_error(e, rc, "the journal cannot be read");
	return 0;
}

int
complaints_lookup_talon(struct complaints *cx, struct db *db,
    const char *number, struct db_status *s, struct complaints_error *e)
{
	char talon[TALON_LEN + 1];

	(void)cx;
	if (talon_of(number, talon, e) == -1)
		return -1;
	return talon_found(db_status_by_talon(db, talon, s), talon, e);
}

static void
status_body(const struct db_status *s, struct db_body *b)
{
	memset(b, 0, sizeof(*b));
	strlcpy_chk(b->code, s->body_code, sizeof(b->code));
	strlcpy_chk(b->name_kk, s->body_name_kk, sizeof(b->name_kk));
	strlcpy_chk(b->name_ru, s->body_name_ru, sizeof(b->name_ru));
	strlcpy_chk(b->tz, s->body_tz, sizeof(b->tz));
}

struct case_ctx {
	struct complaints_talon_status *st;
	int64_t self;
	int n, cur_open;
};

static int
state_open(const char *s)
{
	return strcmp(s, "registered") == 0 || strcmp(s, "in-review") == 0 ||
	    strcmp(s, "extended") == 0 || strcmp(s, "decided") == 0;
}

/* Collects the case: the other talons, and the one handling it now
 * (the last still open, else the last). */
static int
case_collect(void *arg, const struct db_case_row *r)
{
	struct case_ctx *c = arg;
	struct complaints_talon_status *st = c->st;
	int open = state_open(r->state);

	c->n++;
	if (open || !c->cur_open) {
		strlcpy_chk(
		    st->handler_code, r->body_code, sizeof(st->handler_code));
		strlcpy_chk(st->handler_kk, r->body_name ? r->body_name : "",
		    sizeof(st->handler_kk));
		strlcpy_chk(
		    st->handler_state, r->state, sizeof(st->handler_state));
		strlcpy_chk(st->handler_due, r->due, sizeof(st->handler_due));
		st->has_handler = r->id != c->self;
		c->cur_open = open;
	}
	if (r->id != c->self && st->ncase < COMPLAINTS_CASE_MAX) {
		strlcpy_chk(st->cases[st->ncase].number, r->talon,
		    sizeof(st->cases[0].number));
		strlcpy_chk(st->cases[st->ncase].body, r->body_code,
		    sizeof(st->cases[0].body));
		strlcpy_chk(st->cases[st->ncase].state, r->state,
		    sizeof(st->cases[0].state));
		strlcpy_chk(st->cases[st->ncase].link, r->link ? r->link : "",
		    sizeof(st->cases[0].link));
		st->ncase++;
	}
	return 0;
}

static int
date_of(const char *tz, int64_t t, char out[11])
{
	struct moment m;
	struct date d;

	if (tz_local(tz, (time_t)t, &m) == -1)
		return -1;
	d.y = m.y;
	d.m = m.m;
	d.d = m.d;
	date_iso(d, out);
	return 0;
}

/*
 * From the lookup index alone (db_lookup_talon), one statement; the rows
 * of the case are read only when the complaint is in one.
 */
int
complaints_talon_service(struct complaints *cx, const char *number,
    int *service, struct complaints_error *e)
{
	struct db_complaint c;
	struct db_body b;
	struct db *db;
	int64_t id;
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = db_complaint_id_by_talon(db, number, &id);
	if (rc == DB_OK)
		rc = db_complaint_get(db, id, &c, &b);
	if (rc == DB_OK)
		*service = c.service;
	db_pool_put(cx->readers, db);
	if (rc != DB_OK) {
		complaints_db_error(e, rc, "the journal cannot be read");
		return -1;
	}
	return 0;
}

int
complaints_status_info(struct complaints *cx, const char *number,
    const char *code, struct complaints_talon_status *st,
    struct complaints_error *e)
{
	struct db_lookup l;
	struct db_case_row self;
	struct case_ctx cc;
	struct moment m;
	char talon[TALON_LEN + 1], norm[ACCESS_CODE_LEN + 1];
	uint8_t h[32];
	struct db *db;
	int rc = -1, show = 0;
	const char *tz;

	memset(st, 0, sizeof(*st));
	if (talon_of(number, talon, e) == -1)
		return -1;
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	if (talon_found(db_lookup_talon(db, talon, &l), talon, e) == -1)
		goto out;
	if (code != NULL && *code) {
		/* The same work for a malformed code as for a wrong one. */
		complaints_access_code_hash(cx->secret, "", h);
		if (complaints_access_code_normalise(code, norm) == 0)
			complaints_access_code_hash(cx->secret, norm, h);
		if (complaints_access_code_normalise(code, norm) == -1 ||
		    l.access_hash == NULL ||
		    sodium_memcmp(h, l.access_hash, 32) != 0) {
			complaints_error_set(e, COMPLAINTS_EPERM,
			    "wrong-access-code",
			    "the access "
			    "code does not match this talon");
			goto out;
		}
		show = 1;
	}
	tz = l.body_tz && *l.body_tz ? l.body_tz : cx->timezone;
	strlcpy_chk(st->number, l.talon, sizeof(st->number));
	strlcpy_chk(st->state, l.state, sizeof(st->state));
	st->open = l.open;
	strlcpy_chk(st->body_code, l.body_code, sizeof(st->body_code));
	strlcpy_chk(st->body_kk, l.body_name_kk, sizeof(st->body_kk));
	strlcpy_chk(st->body_ru, l.body_name_ru, sizeof(st->body_ru));
	strlcpy_chk(st->due, l.due, sizeof(st->due));
	st->overdue = l.overdue_at && l.open;
	if (tz_local(tz, (time_t)l.accepted_at, &m) == 0)
		moment_iso(&m, st->accepted_at);
	date_of(tz, l.accepted_at, st->accepted_on);
	if (show && l.outcome != NULL && l.decided_at) {
		st->has_decision = 1;
		strlcpy_chk(st->outcome, l.outcome, sizeof(st->outcome));
		date_of(tz, l.decided_at, st->decided_on);
		if (l.answered_at) {
			date_of(tz, l.answered_at, st->answered_on);
			strlcpy_chk(st->answer_channel,
			    l.answer_channel ? l.answer_channel : "post",
			    sizeof(st->answer_channel));
		}
	}
	memset(&cc, 0, sizeof(cc));
	cc.st = st;
	cc.self = l.id;
	if (l.case_id) /* the first complaint of its case and the rest */
		rc = db_case_of(db, l.case_id, case_collect, &cc);
	else { /* the first of its case, if any: itself, then the rest */
		self = (struct db_case_row){ l.id, l.talon, l.state,
			l.body_code, l.body_name_kk, l.link, l.parent_id, l.due,
			l.level, l.accepted_at };
		case_collect(&cc, &self);
		rc = l.has_members ?
		    db_case_members(db, l.id, case_collect, &cc) :
		    DB_OK;
	}
	if (rc != DB_OK) {
		complaints_db_error(e, DB_ERROR, "the journal cannot be read");
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_status(struct complaints *cx, const char *number, const char *code,
    struct buf *out, struct complaints_error *e)
{
	struct complaints_talon_status st;
	struct xmlio_out o;
	struct db_body b;

	if (complaints_status_info(cx, number, code, &st, e) == -1)
		return -1;
	memset(&b, 0, sizeof(b));
	strlcpy_chk(b.code, st.body_code, sizeof(b.code));
	strlcpy_chk(b.name_kk, st.body_kk, sizeof(b.name_kk));
	strlcpy_chk(b.name_ru, st.body_ru, sizeof(b.name_ru));
	if (xmlio_out_begin(&o, "status") == -1 ||
	    xmlio_out_elem(&o, "number", st.number) == -1 ||
	    xmlio_out_elem(&o, "state", st.state) == -1 ||
	    complaints_out_body(&o, &b) == -1 ||
	    xmlio_out_elem(&o, "accepted-at", st.accepted_at) == -1 ||
	    xmlio_out_elem(&o, "due", st.due) == -1 ||
	    (st.overdue && xmlio_out_elem(&o, "overdue", "true") == -1))
		goto fail;
	if (st.has_handler &&
	    (xmlio_out_start(&o, "handled-by") == -1 ||
		xmlio_out_start(&o, "body-ref") == -1 ||
		xmlio_out_attr(&o, "code", st.handler_code) == -1 ||
		xmlTextWriterWriteString(o.w, BAD_CAST st.handler_kk) < 0 ||
		xmlio_out_end(&o) == -1 ||
		xmlio_out_elem(&o, "state", st.handler_state) == -1 ||
		xmlio_out_elem(&o, "due", st.handler_due) == -1 ||
		xmlio_out_end(&o) == -1))
		goto fail;
	if (st.has_decision &&
	    (xmlio_out_start(&o, "decision") == -1 ||
		xmlio_out_elem(&o, "outcome", st.outcome) == -1 ||
		xmlio_out_elem(&o, "decided-on", st.decided_on) == -1 ||
		(st.answered_on[0] &&
		    (xmlio_out_elem(&o, "answered-on", st.answered_on) == -1 ||
			xmlio_out_elem(
			    &o, "answer-channel", st.answer_channel) == -1)) ||
		xmlio_out_end(&o) == -1))
		goto fail;
	if (st.ncase > 0) {
		if (xmlio_out_start(&o, "case") == -1)
			goto fail;
		for (int i = 0; i < st.ncase; i++)
			if (xmlio_out_start(&o, "talon") == -1 ||
			    xmlio_out_attr(&o, "number", st.cases[i].number) ==
				-1 ||
			    xmlio_out_attr(&o, "body", st.cases[i].body) ==
				-1 ||
			    xmlio_out_attr(&o, "state", st.cases[i].state) ==
				-1 ||
			    (st.cases[i].link[0] &&
				xmlio_out_attr(&o, "link", st.cases[i].link) ==
				    -1) ||
			    xmlio_out_end(&o) == -1)
				goto fail;
		if (xmlio_out_end(&o) == -1)
			goto fail;
	}
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the status "
	    "could not be written");
	return -1;
}

/* The talon of number, when the actor may read its complaint. */
static int
talon_readable(struct complaints *cx, const struct complaints_actor *a,
    const char *number, struct db_status *s, struct complaints_error *e)
{
	struct db_body full;
	struct db *db;
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = complaints_lookup_talon(cx, db, number, s, e);
	if (rc == 0) {
		if (db_body_by_code(db, s->body_code, &full) != DB_OK)
			rc = complaints_db_error(e, DB_ERROR,
			    "the body cannot "
			    "be read");
		else
			rc = complaints_may_read(db, a, &full, 0, e);
	}
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_talon(struct complaints *cx, const struct complaints_actor *a,
    const char *number, struct buf *out, struct complaints_error *e)
{
	struct db_status s;
	struct db_body b;
	struct db_law law;
	struct complaints_talon_law tl;
	struct db *db;
	int has_law;

	if (talon_readable(cx, a, number, &s, e) == -1 ||
	    (db = complaints_reader(cx, e)) == NULL)
		return -1;
	has_law = complaints_law_of(db, s.id, &law, &tl) == 0;
	db_pool_put(cx->readers, db);
	status_body(&s, &b);
	return complaints_talon_xml(s.body_tz[0] ? s.body_tz : cx->timezone,
	    s.talon, NULL, s.journal_year, s.journal_no, &b, s.accepted_at,
	    s.registrar_name, s.registrar_position, s.due, s.rules, s.service,
	    NULL, has_law ? &tl : NULL, out, e);
}

/* Finds a complaint by id or talon number. */
int
complaints_resolve(struct complaints *cx, struct db *db, const char *ref,
    int64_t *id, struct complaints_error *e)
{
	struct db_status s;
	long long v;

	if (parse_ll(ref, 1, INT64_MAX, &v) == 0 && strlen(ref) < 14) {
		*id = v;
		return 0;
	}
	if (complaints_lookup_talon(cx, db, ref, &s, e) == -1)
		return -1;
	*id = s.id;
	return 0;
}

struct rec_ctx {
	struct xmlio_out *o;
	const char *tz;
	int failed;
};

static int
rec_attachment(void *arg, const struct db_attachment_row *r)
{
	struct rec_ctx *c = arg;

	if (xmlio_out_start(c->o, "attachment") == -1 ||
	    xmlio_out_attr(c->o, "name", r->name) == -1 ||
	    xmlio_out_attr(c->o, "media-type", r->media_type) == -1 ||
	    xmlio_out_attr(c->o, "sha256", r->sha256) == -1 ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
}

static int
rec_event(void *arg, const struct db_event_row *r)
{
	struct rec_ctx *c = arg;
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	if (xmlio_out_start(c->o, "event") == -1 ||
	    xmlio_out_attr(c->o, "id", id) == -1 ||
	    xmlio_out_attr(c->o, "body", r->body_code) == -1 ||
	    complaints_out_time(c->o, "at", c->tz, r->at) == -1 ||
	    xmlio_out_elem(c->o, "actor", r->actor) == -1 ||
	    xmlio_out_elem(c->o, "action", r->action) == -1 ||
	    (r->state_before &&
		xmlio_out_elem(c->o, "state-before", r->state_before) == -1) ||
	    xmlio_out_elem(c->o, "state-after", r->state_after) == -1 ||
	    (r->detail && xmlio_out_elem(c->o, "detail", r->detail) == -1) ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
}

static int
rec_case(void *arg, const struct db_case_row *r)
{
	struct rec_ctx *c = arg;
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	if (xmlio_out_start(c->o, "talon") == -1 ||
	    xmlio_out_attr(c->o, "id", id) == -1 ||
	    xmlio_out_attr(c->o, "number", r->talon) == -1 ||
	    xmlio_out_attr(c->o, "body", r->body_code) == -1 ||
	    xmlio_out_attr(c->o, "state", r->state) == -1 ||
	    (r->link && xmlio_out_attr(c->o, "link", r->link) == -1) ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
}

static int
opt_elem(struct xmlio_out *o, const char *name, const char *v)
{
	return v && *v ? xmlio_out_elem(o, name, v) : 0;
}

int
complaints_get(struct complaints *cx, const struct complaints_actor *a,
    const char *ref, struct buf *out, int64_t *body_id,
    struct complaints_error *e)
{
	struct db_complaint c;
	struct db_body b;
	struct xmlio_out o;
	struct rec_ctx r;
	struct db *db;
	int64_t id, root;
	char y[8], num[24];
	int rc = -1;
	const char *tz;

	memset(&o, 0, sizeof(o));
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	if (complaints_resolve(cx, db, ref, &id, e) == -1)
		goto out;
	if ((rc = db_complaint_get(db, id, &c, &b)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			complaints_error_set(e, COMPLAINTS_ENOENT,
			    "complaint-not-found",
			    "no "
			    "complaint %s",
			    ref);
		else
			complaints_db_error(e, rc,
			    "the journal cannot be "
			    "read");
		rc = -1;
		goto out;
	}
	rc = -1;
	if (complaints_may_read(db, a, &b, c.overdue_at && c.open, e) == -1)
		goto out;
	if (body_id)
		*body_id = c.body_id;
	tz = b.tz[0] ? b.tz : cx->timezone;
	root = c.case_id ? c.case_id : c.id;
	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.tz = tz;
	snprintf(y, sizeof(y), "%d", c.journal_year % 10000);
	snprintf(num, sizeof(num), "%lld", (long long)c.journal_no);
	if (xmlio_out_begin(&o, "complaint-record") == -1 ||
	    xmlio_out_elemf(&o, "id", "%lld", (long long)c.id) == -1 ||
	    xmlio_out_elem(&o, "number", c.talon) == -1 ||
	    xmlio_out_start(&o, "journal-number") == -1 ||
	    xmlio_out_attr(&o, "year", y) == -1 ||
	    xmlTextWriterWriteString(o.w, BAD_CAST num) < 0 ||
	    xmlio_out_end(&o) == -1 || complaints_out_body(&o, &b) == -1 ||
	    xmlio_out_elem(&o, "state", c.state) == -1 ||
	    xmlio_out_elemf(&o, "service", "%d", c.service) == -1 ||
	    xmlio_out_start(&o, "subject") == -1 ||
	    opt_elem(&o, "institution", c.subject_institution) == -1 ||
	    xmlio_out_elem(&o, "name", c.subject_name) == -1 ||
	    opt_elem(&o, "official", c.subject_official) == -1 ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_elem(&o, "channel", c.channel) == -1 ||
	    complaints_out_time(&o, "received-at", tz, c.received_at) == -1 ||
	    complaints_out_time(&o, "accepted-at", tz, c.accepted_at) == -1 ||
	    xmlio_out_start(&o, "applicant") == -1 ||
	    xmlio_out_elem(&o, "surname", c.surname) == -1 ||
	    xmlio_out_elem(&o, "name", c.name) == -1 ||
	    opt_elem(&o, "patronymic", c.patronymic) == -1 ||
	    opt_elem(&o, "address", c.address) == -1 ||
	    opt_elem(&o, "email", c.email) == -1 ||
	    opt_elem(&o, "phone", c.phone) == -1 ||
	    opt_elem(&o, "representative-of", c.representative_of) == -1 ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_elem(&o, "signed", c.is_signed ? "true" : "false") ==
		-1 ||
	    xmlio_out_elem(&o, "reasons", c.reasons) == -1 ||
	    xmlio_out_elem(&o, "demands", c.demands) == -1 ||
	    xmlio_out_start(&o, "accepted-by") == -1 ||
	    xmlio_out_elem(&o, "name", c.registrar_name) == -1 ||
	    xmlio_out_elem(&o, "position", c.registrar_position) == -1 ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_elem(&o, "rules", c.rules) == -1 ||
	    xmlio_out_elem(&o, "due", c.due) == -1 ||
	    opt_elem(&o, "assignee", c.assignee) == -1 ||
	    opt_elem(&o, "extension-reason", c.extended_reason) == -1)
		goto fail;
	if (c.outcome &&
	    (xmlio_out_start(&o, "decision") == -1 ||
		xmlio_out_elem(&o, "outcome", c.outcome) == -1 ||
		xmlio_out_elem(
		    &o, "reasoning", c.reasoning ? c.reasoning : "") == -1 ||
		xmlio_out_elem(
		    &o, "decided-by", c.decided_by ? c.decided_by : "") == -1 ||
		complaints_out_time(&o, "decided-at", tz, c.decided_at) == -1 ||
		(c.answered_at &&
		    complaints_out_time(&o, "answered-at", tz, c.answered_at) ==
			-1) ||
		opt_elem(&o, "answer-channel", c.answer_channel) == -1 ||
		(c.court_told &&
		    xmlio_out_elem(&o, "court-rights-told", "true") == -1) ||
		xmlio_out_end(&o) == -1))
		goto fail;
	if ((c.overdue_at &&
		complaints_out_time(&o, "overdue-since", tz, c.overdue_at) ==
		    -1) ||
	    opt_elem(&o, "left-without-consideration", c.lwc_reason) == -1 ||
	    complaints_record_law_xml(&o, db, c.id, tz) == -1)
		goto fail;
	if (c.repeat_of &&
	    xmlio_out_elemf(&o, "repeat-of", "%lld", (long long)c.repeat_of) ==
		-1)
		goto fail;
	if (xmlio_out_start(&o, "attachments") == -1 ||
	    db_attachments_of(db, c.id, rec_attachment, &r) != DB_OK ||
	    r.failed || xmlio_out_end(&o) == -1 ||
	    xmlio_out_start(&o, "case") == -1 ||
	    db_case_of(db, root, rec_case, &r) != DB_OK || r.failed ||
	    xmlio_out_end(&o) == -1 || xmlio_out_start(&o, "events") == -1 ||
	    db_events_of(db, c.id, rec_event, &r) != DB_OK || r.failed ||
	    xmlio_out_end(&o) == -1 || xmlio_out_finish(&o, out) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	write_failed(&o, e, "the record");
out:
	db_pool_put(cx->readers, db);
	return rc;
}

struct list_ctx {
	struct complaints *cx;
	struct xmlio_out *o;
	int n, failed;
	int64_t last;
};

static int
list_row(void *arg, const struct db_list_row *r)
{
	struct list_ctx *c = arg;
	char id[24], no[48];

	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	snprintf(no, sizeof(no), "%lld/%d", (long long)r->journal_no,
	    r->journal_year);
	if (xmlio_out_start(c->o, "item") == -1 ||
	    xmlio_out_attr(c->o, "id", id) == -1 ||
	    xmlio_out_elem(c->o, "number", r->talon) == -1 ||
	    xmlio_out_elem(c->o, "journal-number", no) == -1 ||
	    xmlio_out_elem(c->o, "body", r->body_code) == -1 ||
	    xmlio_out_elem(c->o, "state", r->state) == -1 ||
	    xmlio_out_elemf(c->o, "service", "%d", r->service) == -1 ||
	    complaints_out_time(
		c->o, "accepted-at", c->cx->timezone, r->accepted_at) == -1 ||
	    xmlio_out_elemf(c->o, "applicant", "%s %s%s%s", r->surname,
		r->name ? r->name : "", r->patronymic ? " " : "",
		r->patronymic ? r->patronymic : "") == -1 ||
	    opt_elem(c->o, "institution", r->institution) == -1 ||
	    xmlio_out_elem(c->o, "due", r->due) == -1 ||
	    (r->overdue_at && xmlio_out_elem(c->o, "overdue", "true") == -1) ||
	    opt_elem(c->o, "assignee", r->assignee) == -1 ||
	    ((r->forward_due && strcmp(r->state, "registered") == 0) &&
		(xmlio_out_elem(c->o, "forward-by", r->forward_due) == -1 ||
		    (r->forward_overdue_at &&
			xmlio_out_elem(c->o, "forward-overdue", "true") ==
			    -1))) ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	c->n++;
	c->last = r->id;
	return c->failed;
}

int
complaints_list(struct complaints *cx, const struct complaints_actor *a,
    const struct complaints_list_query *q, struct buf *out,
    struct complaints_error *e)
{
	struct db_list_filter f;
	enum complaints_state st;
	struct xmlio_out o;
	struct list_ctx c;
	struct db_body b;
	struct db *db;
	char next[24], search[1024];
	int rc = -1, dbrc;

	memset(&f, 0, sizeof(f));
	f.state = q->state;
	f.service = q->service;
	f.institution = q->institution;
	f.from = q->from;
	f.to = q->to;
	f.overdue = q->overdue;
	f.after_id = q->after;
	f.limit = q->limit > 0 && q->limit <= LIST_MAX ? q->limit : 100;
	/* A state is open or not: the other part of the order is skipped. */
	if (q->state != NULL) {
		if (complaints_state_parse(q->state, &st) == -1) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "bad-parameter", "state: no state \"%s\"",
			    q->state);
			return -1;
		}
		f.parts = complaints_state_open(st) ? DB_LIST_OPEN :
						      DB_LIST_DONE;
	}
	if (q->q != NULL) {
		if (strlen(q->q) > 200 ||
		    complaints_fts_query(q->q, 1, search, sizeof(search)) ==
			-1) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "bad-parameter",
			    "q: one or more words of the applicant's name "
			    "or the reasons, at most 200 characters");
			return -1;
		}
		f.search = search;
	}
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	if (complaints_may_list(db, a, q->body, q->overdue, e) == -1)
		goto out;
	if (q->body && *q->body) {
		if (complaints_body_named(
			db, q->body, &b, COMPLAINTS_EINVAL, e) != DB_OK)
			goto out;
		f.body_id = b.id;
	}
	memset(&c, 0, sizeof(c));
	c.cx = cx;
	c.o = &o;
	if (xmlio_out_begin(&o, "complaints") == -1)
		goto fail;
	if ((dbrc = db_list(db, &f, list_row, &c)) == DB_NOTFOUND) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "after: no complaint %lld", (long long)q->after);
		goto out;
	}
	if (dbrc != DB_OK || c.failed)
		goto fail;
	if (c.n == f.limit) {
		snprintf(next, sizeof(next), "%lld", (long long)c.last);
		if (xmlio_out_elem(&o, "next-after", next) == -1)
			goto fail;
	}
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	write_failed(&o, e, "the list");
out:
	db_pool_put(cx->readers, db);
	return rc;
}

static int
workload_row(void *arg, const char *assignee, int64_t open, int64_t overdue)
{
	struct rec_ctx *c = arg;
	char n[24], late[24];

	snprintf(n, sizeof(n), "%lld", (long long)open);
	snprintf(late, sizeof(late), "%lld", (long long)overdue);
	if (xmlio_out_start(c->o, assignee ? "official" : "unassigned") == -1 ||
	    xmlio_out_attr(c->o, "open", n) == -1 ||
	    xmlio_out_attr(c->o, "overdue", late) == -1 ||
	    (assignee &&
		xmlTextWriterWriteString(c->o->w, BAD_CAST assignee) < 0) ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
}

int
complaints_workload(struct complaints *cx, const struct complaints_actor *a,
    const char *body, struct buf *out, struct complaints_error *e)
{
	struct rec_ctx c;
	struct xmlio_out o;
	struct db_body b;
	struct db *db;
	int rc = -1;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	if (complaints_may_list(db, a, body, -1, e) == -1)
		goto out;
	if (db_body_by_code(db, body, &b) != DB_OK) {
		complaints_db_error(e, DB_ERROR, "the body cannot be read");
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.o = &o;
	if (xmlio_out_begin(&o, "workload") == -1)
		goto fail;
	if (xmlio_out_attr(&o, "body", b.code) == -1 ||
	    db_workload(db, b.id, workload_row, &c) != DB_OK || c.failed ||
	    xmlio_out_finish(&o, out) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	write_failed(&o, e, "the workload");
out:
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_verify(struct complaints *cx, const struct complaints_actor *a,
    struct buf *out, int *ok, struct complaints_error *e)
{
	struct db_verify v;
	struct xmlio_out o;
	struct db *db;
	int rc;

	if (complaints_actor_check(a, e) == -1)
		return -1;
	if (a->role != COMPLAINTS_ROLE_ADMIN &&
	    a->role != COMPLAINTS_ROLE_DESK &&
	    a->role != COMPLAINTS_ROLE_SYSTEM) {
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
		    "verify "
		    "is for the "
		    "administrator and the escalation desk");
		return -1;
	}
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = db_verify(db, &v);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK)
		return complaints_db_error(e, rc, "the journal cannot be read");
	*ok = v.bad[0] == '\0';
	if (xmlio_out_begin(&o, "verify") == -1 ||
	    xmlio_out_elem(&o, "result", *ok ? "ok" : "tampered") == -1 ||
	    xmlio_out_elemf(
		&o, "complaints", "%lld", (long long)v.complaints) == -1 ||
	    xmlio_out_elemf(&o, "events", "%lld", (long long)v.events) == -1 ||
	    xmlio_out_elemf(&o, "journals", "%lld", (long long)v.journals) ==
		-1 ||
	    (!*ok && xmlio_out_elem(&o, "first-bad", v.bad) == -1) ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "the "
		    "result could not be "
		    "written");
		return -1;
	}
	return 0;
}

int
complaints_count(struct complaints *cx, int64_t *n)
{
	struct db *db = db_pool_get(cx->readers);
	int rc = db ? db_count_complaints(db, n) : DB_BUSY;

	db_pool_put(cx->readers, db);
	return rc == DB_OK ? 0 : -1;
}

int
complaints_talon_slip(struct complaints *cx, const struct complaints_actor *a,
    const char *number, const char *code, const char *lang, struct buf *out,
    struct complaints_error *e)
{
	struct notify_talon t;
	struct complaints_talon_status st;
	struct db_status s;
	struct db *db;
	char journal[32], url[512], err[256], received[32], rule[160];
	int rc;

	if (talon_readable(cx, a, number, &s, e) == -1 ||
	    (db = complaints_reader(cx, e)) == NULL)
		return -1;
	complaints_slip_law(
	    cx, db, &s, received, sizeof(received), rule, sizeof(rule));
	db_pool_put(cx->readers, db);
	/* Checks the code, when given, the way the status page does. */
	if (complaints_status_info(cx, number, code, &st, e) == -1)
		return -1;
	memset(&t, 0, sizeof(t));
	snprintf(journal, sizeof(journal), "%lld/%d", (long long)s.journal_no,
	    s.journal_year);
	url[0] = '\0';
	if (cx->status_url && *cx->status_url)
		snprintf(url, sizeof(url), "%s%s", cx->status_url, s.talon);
	t.number = s.talon;
	t.access_code = code && *code ? code : NULL;
	t.journal_number = journal;
	t.body_name_kk = s.body_name_kk;
	t.body_name_ru = s.body_name_ru;
	t.accepted_at = st.accepted_at;
	t.registrar_name = s.registrar_name;
	t.registrar_position = s.registrar_position;
	t.due = st.due;
	t.received_at = received[0] ? received : NULL;
	t.due_rule = rule[0] ? rule : NULL;
	t.status_url = url[0] ? url : NULL;
	t.lang = lang && strcmp(lang, "ru") == 0 ? "ru" : "kk";
	if ((rc = notify_talon_pdf(&t, out, err, sizeof(err))) != 0) {
		if (rc == NOTIFY_RENDERER)
			complaints_error_set(e, COMPLAINTS_EUNAVAIL,
			    "renderer-failed", "%s", err);
		else
			complaints_error_set(e, COMPLAINTS_EINTERNAL,
			    "internal",
			    "the talon cannot be "
			    "written");
		return -1;
	}
	return 0;
}
