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

#define LIST_MAX	500

int
cx_lookup_talon(struct complaints *cx, struct db *db, const char *number,
    struct db_status *s, struct cx_error *e)
{
	char talon[TALON_LEN + 1];
	int rc;

	switch (talon_parse(number, talon)) {
	case TALON_MALFORMED:
		cx_error_set(e, 400, "malformed-talon-number", "a talon number "
		    "has 14 digits, such as 2026-123456789-0");
		return -1;
	case TALON_BAD_CHECK:
		cx_error_set(e, 400, "bad-check-digit", "check digit does not "
		    "match: the number was mistyped");
		return -1;
	case TALON_OK:
		break;
	}
	rc = db_status_by_talon(db, talon, s);
	if (rc == DB_NOTFOUND) {
		cx_error_set(e, 404, "talon-not-found", "no complaint has the "
		    "talon number %s", talon);
		return -1;
	}
	if (rc != DB_OK)
		return cx_db_error(e, rc, "the journal cannot be read");
	(void)cx;
	return 0;
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
	struct xmlio_out	*o;
	int64_t			 self;
	int			 n, failed;
	/* The one handling the case now: the last still open, else last. */
	char			 cur_talon[TALON_LEN + 1];
	char			 cur_body[32], cur_name[256], cur_state[32];
	char			 cur_due[11];
	int			 cur_open;
};

static int
case_collect(void *arg, const struct db_case_row *r)
{
	struct case_ctx *c = arg;
	int open = strcmp(r->state, "registered") == 0 ||
	    strcmp(r->state, "in-review") == 0 ||
	    strcmp(r->state, "extended") == 0 ||
	    strcmp(r->state, "decided") == 0;

	c->n++;
	if (open || !c->cur_open) {
		strlcpy_chk(c->cur_talon, r->talon, sizeof(c->cur_talon));
		strlcpy_chk(c->cur_body, r->body_code, sizeof(c->cur_body));
		strlcpy_chk(c->cur_name, r->body_name ? r->body_name : "",
		    sizeof(c->cur_name));
		strlcpy_chk(c->cur_state, r->state, sizeof(c->cur_state));
		strlcpy_chk(c->cur_due, r->due, sizeof(c->cur_due));
		c->cur_open = open;
	}
	return 0;
}

static int
case_write(void *arg, const struct db_case_row *r)
{
	struct case_ctx *c = arg;

	if (r->id == c->self)
		return 0;
	if (xmlio_out_start(c->o, "talon") == -1 ||
	    xmlio_out_attr(c->o, "number", r->talon) == -1 ||
	    xmlio_out_attr(c->o, "body", r->body_code) == -1 ||
	    xmlio_out_attr(c->o, "state", r->state) == -1 ||
	    (r->link && xmlio_out_attr(c->o, "link", r->link) == -1) ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
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

int
complaints_status(struct complaints *cx, const char *number,
    const char *code, struct buf *out, struct cx_error *e)
{
	struct db_status s;
	struct db_complaint c;
	struct db_body b;
	struct xmlio_out o;
	struct case_ctx cc;
	char norm[ACCESS_CODE_LEN + 1], d1[11], d2[11];
	uint8_t h[32];
	int64_t root;
	struct db *db;
	int rc = -1, show = 0;
	const char *tz;

	db = db_pool_get(cx->readers);
	if (cx_lookup_talon(cx, db, number, &s, e) == -1)
		goto out;
	if (code != NULL && *code) {
		access_code_hash(cx->secret, "", h);	/* constant work */
		if (access_code_normalise(code, norm) == 0)
			access_code_hash(cx->secret, norm, h);
		if (access_code_normalise(code, norm) == -1 ||
		    sodium_memcmp(h, s.access_hash, 32) != 0) {
			cx_error_set(e, 403, "wrong-access-code", "the access "
			    "code does not match this talon");
			goto out;
		}
		show = 1;
	}
	if (db_complaint_get(db, s.id, &c, &b) != DB_OK) {
		cx_db_error(e, DB_ERROR, "the journal cannot be read");
		goto out;
	}
	tz = b.tz[0] ? b.tz : cx->timezone;
	status_body(&s, &b);
	root = c.case_id ? c.case_id : c.id;
	memset(&cc, 0, sizeof(cc));
	cc.self = c.id;
	if (xmlio_out_begin(&o, "status") == -1 ||
	    xmlio_out_elem(&o, "number", s.talon) == -1 ||
	    xmlio_out_elem(&o, "state", c.state) == -1 ||
	    cx_out_body(&o, &b) == -1 ||
	    cx_out_time(&o, "accepted-at", tz, s.accepted_at) == -1 ||
	    xmlio_out_elem(&o, "due", c.due) == -1 ||
	    (c.overdue_at && c.open &&
	    xmlio_out_elem(&o, "overdue", "true") == -1))
		goto fail;
	if (db_case_of(db, root, case_collect, &cc) != DB_OK)
		goto fail;
	if (cc.n > 1 && strcmp(cc.cur_talon, s.talon) != 0) {
		if (xmlio_out_start(&o, "handled-by") == -1 ||
		    xmlio_out_start(&o, "body-ref") == -1 ||
		    xmlio_out_attr(&o, "code", cc.cur_body) == -1 ||
		    xmlTextWriterWriteString(o.w, BAD_CAST cc.cur_name) < 0 ||
		    xmlio_out_end(&o) == -1 ||
		    xmlio_out_elem(&o, "state", cc.cur_state) == -1 ||
		    xmlio_out_elem(&o, "due", cc.cur_due) == -1 ||
		    xmlio_out_end(&o) == -1)
			goto fail;
	}
	/* db_case_of reset the statement: read c again for the decision. */
	if (db_complaint_get(db, s.id, &c, NULL) != DB_OK)
		goto fail;
	if (show && c.outcome != NULL && c.decided_at) {
		if (date_of(tz, c.decided_at, d1) == -1 ||
		    xmlio_out_start(&o, "decision") == -1 ||
		    xmlio_out_elem(&o, "outcome", c.outcome) == -1 ||
		    xmlio_out_elem(&o, "decided-on", d1) == -1)
			goto fail;
		if (c.answered_at && (date_of(tz, c.answered_at, d2) == -1 ||
		    xmlio_out_elem(&o, "answered-on", d2) == -1 ||
		    xmlio_out_elem(&o, "answer-channel", c.answer_channel ?
		    c.answer_channel : "post") == -1))
			goto fail;
		if (xmlio_out_end(&o) == -1)
			goto fail;
	}
	if (cc.n > 1) {
		cc.o = &o;
		if (xmlio_out_start(&o, "case") == -1 ||
		    db_case_of(db, root, case_write, &cc) != DB_OK ||
		    cc.failed || xmlio_out_end(&o) == -1)
			goto fail;
	}
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	xmlio_out_free(&o);
	cx_error_set(e, 500, "internal", "the status could not be written");
out:
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_talon(struct complaints *cx, const struct cx_actor *a,
    const char *number, struct buf *out, struct cx_error *e)
{
	struct db_status s;
	struct db_body b, full;
	struct db *db;
	int rc;

	db = db_pool_get(cx->readers);
	rc = cx_lookup_talon(cx, db, number, &s, e);
	if (rc == 0 && a != NULL) {
		if (db_body_by_code(db, s.body_code, &full) != DB_OK)
			rc = cx_db_error(e, DB_ERROR, "the body cannot be read");
		else
			rc = cx_may_read(db, a, &full, 0, e);
	}
	db_pool_put(cx->readers, db);
	if (rc == -1)
		return -1;
	status_body(&s, &b);
	return cx_talon_xml(s.body_tz[0] ? s.body_tz : cx->timezone, s.talon,
	    NULL, s.journal_year, s.journal_no, &b, s.accepted_at,
	    s.registrar_name, s.registrar_position, s.due, s.rules, s.service,
	    NULL, out, e);
}

/* Finds a complaint by id or talon number. */
int
cx_resolve(struct complaints *cx, struct db *db, const char *ref,
    int64_t *id, struct cx_error *e)
{
	struct db_status s;
	long long v;

	if (parse_ll(ref, 1, INT64_MAX, &v) == 0 && strlen(ref) < 14) {
		*id = v;
		return 0;
	}
	if (cx_lookup_talon(cx, db, ref, &s, e) == -1)
		return -1;
	*id = s.id;
	return 0;
}

struct rec_ctx {
	struct xmlio_out	*o;
	const char		*tz;
	int			 failed;
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
	    cx_out_time(c->o, "at", c->tz, r->at) == -1 ||
	    xmlio_out_elem(c->o, "actor", r->actor) == -1 ||
	    xmlio_out_elem(c->o, "action", r->action) == -1 ||
	    (r->state_before && xmlio_out_elem(c->o, "state-before",
	    r->state_before) == -1) ||
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
complaints_get(struct complaints *cx, const struct cx_actor *a,
    const char *ref, struct buf *out, int64_t *body_id, struct cx_error *e)
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
	db = db_pool_get(cx->readers);
	if (cx_resolve(cx, db, ref, &id, e) == -1)
		goto out;
	if ((rc = db_complaint_get(db, id, &c, &b)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			cx_error_set(e, 404, "complaint-not-found", "no "
			    "complaint %s", ref);
		else
			cx_db_error(e, rc, "the journal cannot be read");
		rc = -1;
		goto out;
	}
	rc = -1;
	if (cx_may_read(db, a, &b, c.overdue_at && c.open, e) == -1)
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
	    xmlio_out_end(&o) == -1 ||
	    cx_out_body(&o, &b) == -1 ||
	    xmlio_out_elem(&o, "state", c.state) == -1 ||
	    xmlio_out_elemf(&o, "service", "%d", c.service) == -1 ||
	    xmlio_out_start(&o, "subject") == -1 ||
	    opt_elem(&o, "institution", c.subject_institution) == -1 ||
	    xmlio_out_elem(&o, "name", c.subject_name) == -1 ||
	    opt_elem(&o, "official", c.subject_official) == -1 ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_elem(&o, "channel", c.channel) == -1 ||
	    cx_out_time(&o, "received-at", tz, c.received_at) == -1 ||
	    cx_out_time(&o, "accepted-at", tz, c.accepted_at) == -1 ||
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
	if (c.outcome && (xmlio_out_start(&o, "decision") == -1 ||
	    xmlio_out_elem(&o, "outcome", c.outcome) == -1 ||
	    xmlio_out_elem(&o, "reasoning", c.reasoning ? c.reasoning : "") ==
	    -1 ||
	    xmlio_out_elem(&o, "decided-by", c.decided_by ? c.decided_by :
	    "") == -1 ||
	    cx_out_time(&o, "decided-at", tz, c.decided_at) == -1 ||
	    (c.answered_at && cx_out_time(&o, "answered-at", tz,
	    c.answered_at) == -1) ||
	    opt_elem(&o, "answer-channel", c.answer_channel) == -1 ||
	    (c.court_told && xmlio_out_elem(&o, "court-rights-told",
	    "true") == -1) ||
	    xmlio_out_end(&o) == -1))
		goto fail;
	if ((c.overdue_at && cx_out_time(&o, "overdue-since", tz,
	    c.overdue_at) == -1) ||
	    opt_elem(&o, "left-without-consideration", c.lwc_reason) == -1)
		goto fail;
	if (c.repeat_of && xmlio_out_elemf(&o, "repeat-of", "%lld",
	    (long long)c.repeat_of) == -1)
		goto fail;
	if (xmlio_out_start(&o, "attachments") == -1 ||
	    db_attachments_of(db, c.id, rec_attachment, &r) != DB_OK ||
	    r.failed || xmlio_out_end(&o) == -1 ||
	    xmlio_out_start(&o, "case") == -1 ||
	    db_case_of(db, root, rec_case, &r) != DB_OK || r.failed ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_start(&o, "events") == -1 ||
	    db_events_of(db, c.id, rec_event, &r) != DB_OK || r.failed ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_finish(&o, out) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	xmlio_out_free(&o);
	cx_error_set(e, 500, "internal", "the record could not be written");
out:
	db_pool_put(cx->readers, db);
	return rc;
}

struct list_ctx {
	struct complaints	*cx;
	struct xmlio_out	*o;
	int			 n, failed;
	int64_t			 last;
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
	    cx_out_time(c->o, "accepted-at", c->cx->timezone,
	    r->accepted_at) == -1 ||
	    xmlio_out_elem(c->o, "due", r->due) == -1 ||
	    (r->overdue_at && xmlio_out_elem(c->o, "overdue", "true") == -1) ||
	    opt_elem(c->o, "assignee", r->assignee) == -1 ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	c->n++;
	c->last = r->id;
	return c->failed;
}

int
complaints_list(struct complaints *cx, const struct cx_actor *a,
    const struct cx_list_query *q, struct buf *out, struct cx_error *e)
{
	struct db_list_filter f;
	struct xmlio_out o;
	struct list_ctx c;
	struct db_body b;
	struct db *db;
	char next[24];
	int rc = -1;

	memset(&f, 0, sizeof(f));
	f.state = q->state;
	f.service = q->service;
	f.from = q->from;
	f.to = q->to;
	f.overdue = q->overdue;
	f.after_id = q->after;
	f.limit = q->limit > 0 && q->limit <= LIST_MAX ? q->limit : 100;
	db = db_pool_get(cx->readers);
	if (cx_may_list(db, a, q->body, q->overdue, e) == -1)
		goto out;
	if (q->body && *q->body) {
		if (db_body_by_code(db, q->body, &b) != DB_OK) {
			cx_error_set(e, 400, "unknown-body", "no body with the "
			    "code \"%s\"", q->body);
			goto out;
		}
		f.body_id = b.id;
	}
	memset(&c, 0, sizeof(c));
	c.cx = cx;
	c.o = &o;
	if (xmlio_out_begin(&o, "complaints") == -1 ||
	    db_list(db, &f, list_row, &c) != DB_OK || c.failed)
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
	xmlio_out_free(&o);
	cx_error_set(e, 500, "internal", "the list could not be written");
out:
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_verify(struct complaints *cx, const struct cx_actor *a,
    struct buf *out, int *ok, struct cx_error *e)
{
	struct db_verify v;
	struct xmlio_out o;
	struct db *db;
	int rc;

	if (a != NULL && a->role != CX_ROLE_ADMIN && a->role != CX_ROLE_DESK) {
		cx_error_set(e, 403, "forbidden", "verify is for the "
		    "administrator and the escalation desk");
		return -1;
	}
	db = db_pool_get(cx->readers);
	rc = db_verify(db, &v);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK)
		return cx_db_error(e, rc, "the journal cannot be read");
	*ok = v.bad[0] == '\0';
	if (xmlio_out_begin(&o, "verify") == -1 ||
	    xmlio_out_elem(&o, "result", *ok ? "ok" : "tampered") == -1 ||
	    xmlio_out_elemf(&o, "complaints", "%lld",
	    (long long)v.complaints) == -1 ||
	    xmlio_out_elemf(&o, "events", "%lld", (long long)v.events) == -1 ||
	    xmlio_out_elemf(&o, "journals", "%lld",
	    (long long)v.journals) == -1 ||
	    (!*ok && xmlio_out_elem(&o, "first-bad", v.bad) == -1) ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		cx_error_set(e, 500, "internal", "the result could not be "
		    "written");
		return -1;
	}
	return 0;
}
