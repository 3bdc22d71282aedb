/*
 * complaints: delivering the outbox.
 *
 * Notifications are rows written in the transaction of the change that
 * causes them.  A worker thread takes those that are due, claims each
 * (state "sending", the attempt counted, an outgoing journal number given
 * once) in a commit of its own, renders and sends it outside any
 * transaction, and records the result in another commit.  A crash
 * between the two leaves the row "sending": it is sent again with the
 * same Message-ID, so a receiver that has it already can tell.
 *
 * Email goes by SMTP (notify/); a letter for the post is prepared
 * ("ready") and waits for the registrar's daily batch; a notice to a body
 * ("internal") is delivered by showing it in the body's list.  Temporary
 * failures are retried with exponential back-off and jitter up to
 * notify_attempts; permanent ones are marked failed for the registrar,
 * who can resend or switch to post.  When a decision has gone out, the
 * complaint becomes "answered".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "complaints/complaints_int.h"
#include "notify/notify.h"

#define OUTBOX_BATCH	16
#define PDF_CAP		NOTIFY_PDF_MAX
#define MAIL_CAP	(12 * 1024 * 1024)
#define TEXT_CAP	(256 * 1024)

/* One notification with everything its letter shows; owned strings. */
struct ob_item {
	int64_t		 id, complaint_id;
	char		*uid, *kind, *channel, *recipient, *lang, *state;
	char		*letter_date, *prev_due;
	int		 attempts, out_year;
	int64_t		 out_no;
	char		*body_code;
	/* The complaint. */
	char		*talon, *surname, *name, *patronymic, *address, *email;
	char		*cstate, *due, *rules, *extended_reason, *outcome;
	char		*reasoning, *decided_by, *subject_institution;
	int		 service, journal_year;
	int64_t		 journal_no, accepted_at;
	/* The bodies. */
	struct db_body	 body;
	char		*body_address, *body_phones;
	char		*forwarded_to, *forward_reason, *appeal_to;
	char		 court_clause[ROUTING_CLAUSE_MAX];
};

static char *
dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
item_free(struct ob_item *it)
{
	char **s[] = { &it->uid, &it->kind, &it->channel, &it->recipient,
	    &it->lang, &it->state, &it->letter_date, &it->body_code, &it->talon, &it->surname,
	    &it->name, &it->patronymic, &it->address, &it->email, &it->cstate,
	    &it->due, &it->rules, &it->extended_reason, &it->outcome,
	    &it->reasoning, &it->decided_by, &it->subject_institution,
	    &it->body_address, &it->body_phones, &it->forwarded_to,
	    &it->forward_reason, &it->appeal_to, &it->prev_due };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		free(*s[i]);
		*s[i] = NULL;
	}
}

static int
row_copy(void *arg, const struct db_outbox_row *r)
{
	struct ob_item *it = arg;

	it->id = r->id;
	it->complaint_id = r->complaint_id;
	it->uid = dup(r->uid);
	it->kind = dup(r->kind);
	it->channel = dup(r->channel);
	it->recipient = dup(r->recipient);
	it->lang = dup(r->lang);
	it->state = dup(r->state);
	it->letter_date = dup(r->letter_date);
	it->prev_due = dup(r->prev_due);
	it->attempts = r->attempts;
	it->out_year = r->out_year;
	it->out_no = r->out_no;
	it->body_code = dup(r->body_code);
	return 1;
}

struct fwd {
	int64_t	 parent;
	char	*to;
};

static int
find_forward(void *arg, const struct db_case_row *r)
{
	struct fwd *f = arg;

	if (r->parent_id == f->parent && r->link &&
	    strcmp(r->link, "forwarded-from") == 0 && f->to == NULL)
		f->to = dup(r->body_name);
	return 0;
}

static int
body_detail(void *arg, const struct db_body_row *r)
{
	struct ob_item *it = arg;

	it->body_address = dup(r->address);
	it->body_phones = dup(r->phones);
	return 1;
}

/* Reads a notification and what its letter needs; -1 when gone. */
static int
item_load(struct complaints *cx, struct db *db, int64_t id,
    struct ob_item *it)
{
	struct db_complaint c;
	struct db_body b, next;
	struct routing_chain ch;
	struct fwd f = { 0, NULL };
	const char *n;
	int64_t root;

	memset(it, 0, sizeof(*it));
	if (db_outbox_get(db, id, row_copy, it) != DB_OK || it->id == 0)
		return -1;
	if (db_complaint_get(db, it->complaint_id, &c, &b) != DB_OK)
		return -1;
	it->talon = dup(c.talon);
	it->surname = dup(c.surname);
	it->name = dup(c.name);
	it->patronymic = dup(c.patronymic);
	it->address = dup(c.address);
	it->email = dup(c.email);
	it->cstate = dup(c.state);
	it->due = dup(c.due);
	it->rules = dup(c.rules);
	it->extended_reason = dup(c.extended_reason);
	it->outcome = dup(c.outcome);
	it->reasoning = dup(c.reasoning);
	it->decided_by = dup(c.decided_by);
	it->subject_institution = dup(c.subject_institution);
	it->service = c.service;
	it->journal_year = c.journal_year;
	it->journal_no = c.journal_no;
	it->accepted_at = c.accepted_at;
	it->body = b;
	root = c.case_id ? c.case_id : c.id;
	db_body_detail(db, b.code, body_detail, it);
	f.parent = it->complaint_id;
	db_case_of(db, root, find_forward, &f);
	it->forwarded_to = f.to;
	/* The next level, or the court. */
	{
		struct db_body inst;
		int has = it->subject_institution && db_body_by_code(db,
		    it->subject_institution, &inst) == DB_OK;

		if (routing_chain(cx->routing, it->service, has ? inst.code :
		    NULL, has && inst.parent_code[0] ? inst.parent_code : NULL,
		    &ch) == ROUTING_OK) {
			strlcpy_chk(it->court_clause, ch.court_clause,
			    sizeof(it->court_clause));
			if ((n = routing_next(&ch, b.code)) != NULL &&
			    db_body_by_code(db, n, &next) == DB_OK)
				it->appeal_to = dup(next.name_kk);
		}
	}
	return 0;
}

static void
local_date(struct complaints *cx, const struct db_body *b, time_t t,
    char out[11])
{
	date_iso(complaints_today(cx, b, t), out);
}

/* The letter's fields from an item; the strings stay the item's. */
static void
letter_of(struct complaints *cx, const struct ob_item *it, const char *lang,
    char out_no[32], char journal[32], char accepted[11], char today[11],
    char url[512], struct notify_letter *l)
{
	memset(l, 0, sizeof(*l));
	snprintf(out_no, 32, "%lld/%d", (long long)it->out_no, it->out_year);
	snprintf(journal, 32, "%lld/%d", (long long)it->journal_no,
	    it->journal_year);
	local_date(cx, &it->body, (time_t)it->accepted_at, accepted);
	/* The letter is dated the day it was numbered, as the register. */
	if (it->letter_date)
		strlcpy_chk(today, it->letter_date, 11);
	else
		local_date(cx, &it->body, clock_now(), today);
	url[0] = '\0';
	if (cx->status_url && *cx->status_url)
		snprintf(url, 512, "%s%s", cx->status_url, it->talon);
	l->kind = it->kind;
	l->lang = lang;
	l->uid = it->uid;
	l->surname = it->surname;
	l->name = it->name;
	l->patronymic = it->patronymic;
	l->address = it->address;
	l->email = it->email;
	l->body_code = it->body.code;
	l->body_name_kk = it->body.name_kk;
	l->body_name_ru = it->body.name_ru;
	l->body_address = it->body_address;
	l->body_phones = it->body_phones;
	l->out_number = it->out_no ? out_no : NULL;
	l->date = today;
	l->talon = it->talon;
	l->journal_number = journal;
	l->accepted_on = accepted;
	l->service = it->service;
	/* An extension: the term as it was set, then the new one. */
	l->due = it->prev_due ? it->prev_due : it->due;
	l->new_due = it->due;
	l->extension_reason = it->extended_reason;
	l->forwarded_to_name = it->forwarded_to;
	l->outcome = it->outcome;
	l->reasoning = it->reasoning;
	l->decided_by = it->decided_by;
	l->appeal_to_name = it->appeal_to;
	l->court_clause = it->court_clause[0] ? it->court_clause : NULL;
	l->status_url = url[0] ? url : NULL;
}

/*
 * The first of the applicant's fields a notice would print that holds a
 * character the door now refuses (stored before it was refused), or
 * NULL.  Such a notice is refused with its reason, never a 500.
 */
static const char *
item_unprintable(const struct ob_item *it)
{
	const char *name[] = { "surname", "name", "patronymic", "address",
	    "outcome", "reasoning", "extension reason" };
	const char *v[] = { it->surname, it->name, it->patronymic,
	    it->address, it->outcome, it->reasoning, it->extended_reason };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i] != NULL && !utf8_text(v[i], strlen(v[i]), NULL))
			return name[i];
	return NULL;
}

int
complaints_letter_pdf(struct complaints *cx, struct db *db, int64_t id,
    struct buf *pdf, struct complaints_error *e)
{
	struct ob_item it;
	struct notify_letter l;
	struct buf subject, text;
	char o[32], j[32], a[11], t[11], url[512], err[256];
	const char *bad;
	int rc = -1;

	if (item_load(cx, db, id, &it) == -1) {
		item_free(&it);
		complaints_error_set(e, COMPLAINTS_ENOENT,
		    "no-such-notification", "no notification "
		    "%lld", (long long)id);
		return -1;
	}
	if ((bad = item_unprintable(&it)) != NULL) {
		complaints_error_set(e, COMPLAINTS_ECONFLICT,
		    "unprintable-text", "notification %lld: the applicant's "
		    "%s holds a control character a letter cannot print",
		    (long long)id, bad);
		item_free(&it);
		return -1;
	}
	buf_init(&subject, 1024);
	buf_init(&text, TEXT_CAP);
	letter_of(cx, &it, it.lang ? it.lang : "kk", o, j, a, t, url, &l);
	if (notify_render(cx->template_dir, &l, &subject, &text, err,
	    sizeof(err)) != 0 || (rc = notify_letter_pdf(&l, text.data, pdf,
	    err, sizeof(err))) != 0)
		complaints_error_set(e, rc == NOTIFY_RENDERER ?
		    COMPLAINTS_EUNAVAIL : COMPLAINTS_EINTERNAL, rc ==
		    NOTIFY_RENDERER ? "renderer-failed" : "letter-failed", "%s",
		    err);
	rc = rc == 0 ? 0 : -1;
	buf_free(&subject);
	buf_free(&text);
	item_free(&it);
	return rc;
}

/* What a delivery came to. */
struct ob_result {
	struct complaints *cx;
	int64_t		 id;
	const char	*state;		/* sent, ready, failed, pending */
	const char	*result;	/* the attempt's word */
	char		 detail[512];
	int64_t		 next_at;
	const char	*answered_by;	/* channel, when the complaint is
					   answered now */
	struct complaints_error	 err;
};

static int
claim_run(struct db *db, void *arg)
{
	struct ob_result *r = arg;
	struct db_outbox_row row;
	struct ob_item it;
	struct date d;
	char date[11];
	int numbered;

	memset(&it, 0, sizeof(it));
	memset(&row, 0, sizeof(row));
	if (db_outbox_get(db, r->id, row_copy, &it) != DB_OK || it.id == 0) {
		item_free(&it);
		return DB_NOTFOUND;
	}
	/* A notice to a body, or a letter with nowhere to go, takes no
	 * number of the outgoing journal. */
	numbered = strcmp(it.channel, "internal") != 0 &&
	    !(strcmp(it.channel, "post") == 0 && (it.recipient == NULL ||
	    *it.recipient == '\0'));
	d = complaints_today(r->cx, NULL, clock_now());
	date_iso(d, date);
	item_free(&it);
	return db_outbox_claim(db, r->id, numbered, d.y, date);
}

/* The applicant's notice: email where given and allowed, else post. */
int
complaints_notify(struct db *db, struct complaints *cx,
    const struct db_complaint *c, const struct db_body *b, const char *kind,
    const char *due_by)
{
	return complaints_notify_prev(db, cx, c, b, kind, due_by, NULL);
}

int
complaints_notify_prev(struct db *db, struct complaints *cx,
    const struct db_complaint *c, const struct db_body *b, const char *kind,
    const char *due_by, const char *prev_due)
{
	struct db_notification n;
	char uid[40];
	int internal = strcmp(kind, "overdue") == 0 ||
	    strcmp(kind, "reminder") == 0;

	complaints_uid(uid);
	memset(&n, 0, sizeof(n));
	n.uid = uid;
	n.complaint_id = c->id;
	n.kind = kind;
	n.lang = "kk";
	n.created_at = clock_now();
	n.due_by = due_by;
	n.prev_due = prev_due;
	if (internal) {
		n.channel = "internal";
		n.recipient = b->code;
	} else if (c->email && *c->email && routing_answer_channel_allowed(
	    cx->routing, c->service, "email")) {
		n.channel = "email";
		n.recipient = c->email;
	} else {
		n.channel = "post";
		n.recipient = c->address;	/* NULL: no address */
	}
	return db_notification_insert(db, &n);
}

/* Marks the complaint answered when its decision has gone out. */
static int
answer_complaint(struct db *db, struct complaints *cx, int64_t cid,
    const char *channel, const char *how)
{
	struct db_complaint c;
	struct db_body b;
	struct db_event ev;
	enum complaints_state from, to;
	char before[32], detail[256];
	int rc;

	if ((rc = db_complaint_get(db, cid, &c, &b)) != DB_OK)
		return rc;
	if (complaints_state_parse(c.state, &from) == -1 ||
	    complaints_transition(ACT_ANSWER, from, &to) == -1 ||
	    from != STATE_DECIDED)
		return DB_OK;	/* answered already, or moved on */
	strlcpy_chk(before, c.state, sizeof(before));
	snprintf(detail, sizeof(detail), "the answer went out by %s%s%.150s",
	    channel, how ? ": " : "", how ? how : "");
	c.state = complaints_state_name(to);
	c.answered_at = clock_now();
	c.answer_channel = channel;
	c.open = 0;
	memset(&ev, 0, sizeof(ev));
	ev.body_id = b.id;
	ev.complaint_id = c.id;
	ev.at = c.answered_at;
	ev.actor = "outbox";
	ev.action = "answer";
	ev.state_before = before;
	ev.state_after = "answered";
	ev.detail = detail;
	(void)cx;
	return db_complaint_change(db, &c, &ev);
}

static int
record_run(struct db *db, void *arg)
{
	struct ob_result *r = arg;
	struct ob_item it;
	time_t now = clock_now();
	int rc;

	if ((rc = db_outbox_attempt(db, r->id, now, r->result,
	    r->detail[0] ? r->detail : NULL)) != DB_OK)
		return rc;
	if ((rc = db_outbox_set(db, r->id, r->state, r->next_at,
	    strcmp(r->state, "sent") == 0 || strcmp(r->state, "ready") == 0 ?
	    NULL : r->detail, strcmp(r->state, "sent") == 0 ? now : 0, 0,
	    NULL)) != DB_OK)
		return rc;
	if (r->answered_by == NULL)
		return DB_OK;
	memset(&it, 0, sizeof(it));
	if (db_outbox_get(db, r->id, row_copy, &it) != DB_OK) {
		item_free(&it);
		return DB_ERROR;
	}
	rc = strcmp(it.kind, "decision") == 0 ? answer_complaint(db, r->cx,
	    it.complaint_id, r->answered_by, r->detail) : DB_OK;
	item_free(&it);
	return rc;
}

/* 1 the first time a kind is named: for logging a problem once. */
static int
warn_once(const char *kind)
{
	static const char *const kinds[] = { "forwarded", "extended",
	    "decision", "overdue", "reminder" };
	static int warned[6];
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(kinds[i], kind) == 0)
			break;
	return __atomic_exchange_n(&warned[i], 1, __ATOMIC_RELAXED) == 0;
}

/* Sends one email; fills r.  The transport handle is the worker's. */
static void
send_email(struct complaints *cx, struct ob_item *it,
    const struct notify_smtp_conf *sc, void **smtp, struct ob_result *r)
{
	struct notify_letter l;
	struct notify_mime_in m;
	struct buf subj_kk, subj_ru, kk, ru, pdf, msg;
	char o[32], j[32], a[11], t[11], url[512], err[256];
	const struct notify_transport *tr;
	int res;

	buf_init(&subj_kk, 1024);
	buf_init(&subj_ru, 1024);
	buf_init(&kk, TEXT_CAP);
	buf_init(&ru, TEXT_CAP);
	buf_init(&pdf, PDF_CAP);
	buf_init(&msg, MAIL_CAP);
	if (it->recipient == NULL || !notify_email_valid(it->recipient)) {
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail), "not an email address: "
		    "%.200s", it->recipient ? it->recipient : "(none)");
		goto out;
	}
	tr = cx->mail_capture && *cx->mail_capture ?
	    &notify_transport_capture : &notify_transport_smtp;
	if (tr == &notify_transport_smtp && (cx->smtp_url == NULL ||
	    *cx->smtp_url == '\0')) {
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail), "no mail server is "
		    "configured (smtp_url); send it by post");
		goto out;
	}
	letter_of(cx, it, "kk", o, j, a, t, url, &l);
	if ((res = notify_render(cx->template_dir, &l, &subj_kk, &kk, err,
	    sizeof(err))) != 0 || (res = notify_letter_pdf(&l, kk.data, &pdf,
	    err, sizeof(err))) != 0) {
		if (res == NOTIFY_RENDERER) {
			/* The renderer, not the letter: later, again. */
			r->result = "temporary";
			snprintf(r->detail, sizeof(r->detail), "%s", err);
			log_warnx("outbox: %lld: %s", (long long)it->id, err);
			goto out;
		}
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail), "the letter cannot be "
		    "written: %s", err);
		log_warnx("outbox: %lld: %s", (long long)it->id, r->detail);
		goto out;
	}
	l.lang = "ru";
	if (notify_render(cx->template_dir, &l, &subj_ru, &ru, err,
	    sizeof(err)) != 0) {
		/* Once a kind for the daemon's life, not once a message. */
		if (warn_once(it->kind))
			log_warnx("outbox: %s: no Russian text, sent in Kazakh "
			    "only: %s", it->kind, err);
		buf_reset(&ru);
	}
	memset(&m, 0, sizeof(m));
	m.from = cx->smtp_from;
	m.from_name = it->body.name_kk;
	m.to = it->recipient;
	m.subject = subj_kk.data;
	m.date = clock_now();
	m.uid = it->uid;
	m.host = cx->mail_host;
	m.text_kk = kk.data;
	m.text_ru = ru.len ? ru.data : NULL;
	m.pdf = &pdf;
	m.pdf_name = "letter.pdf";
	if (notify_mime(&m, &msg) == -1) {
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail), "the message cannot be "
		    "built (check smtp_from and the address)");
		goto out;
	}
	if (*smtp == NULL)
		*smtp = tr->open(sc);
	res = *smtp ? tr->send(*smtp, cx->smtp_from, it->recipient, &msg,
	    r->detail, sizeof(r->detail)) : NOTIFY_TEMPFAIL;
	if (res == NOTIFY_SENT) {
		r->state = "sent";
		r->result = "sent";
		r->answered_by = "email";
	} else if (res == NOTIFY_PERMFAIL) {
		r->state = "failed";
		r->result = "permanent";
	} else {
		r->result = "temporary";
		/* The connection may be broken: open a new one next time. */
		tr->close(*smtp);
		*smtp = NULL;
	}
out:
	buf_free(&subj_kk);
	buf_free(&subj_ru);
	buf_free(&kk);
	buf_free(&ru);
	buf_free(&pdf);
	buf_free(&msg);
}

/*
 * The worker waits for a reader as long as it takes (it holds no client),
 * but gives up when the daemon stops.
 */
static struct db *
worker_reader(struct complaints *cx)
{
	struct db *db;

	while ((db = db_pool_get(cx->readers)) == NULL)
		if (__atomic_load_n(&cx->outbox_stop, __ATOMIC_RELAXED))
			return NULL;
	return db;
}

static void
deliver(struct complaints *cx, int64_t id,
    const struct notify_smtp_conf *sc, void **smtp)
{
	struct ob_result r;
	struct ob_item it;
	struct complaints_error e;
	struct db *db;
	long delay;

	memset(&r, 0, sizeof(r));
	r.cx = cx;
	r.id = id;
	if (complaints_run(cx, claim_run, &r, &e, &r.err) == -1) {
		log_warnx("outbox: %lld: claim: %s", (long long)id, e.message);
		return;
	}
	/* Stopping: a claimed row is retried as after a crash. */
	if ((db = worker_reader(cx)) == NULL)
		return;
	if (item_load(cx, db, id, &it) == -1) {
		db_pool_put(cx->readers, db);
		item_free(&it);
		return;
	}
	db_pool_put(cx->readers, db);
	r.state = "pending";
	if (strcmp(it.channel, "internal") == 0) {
		r.state = "sent";
		r.result = "sent";
		snprintf(r.detail, sizeof(r.detail), "shown to %s",
		    it.body.code);
	} else if (strcmp(it.channel, "post") == 0) {
		if (it.recipient == NULL || *it.recipient == '\0') {
			r.state = "failed";
			r.result = "permanent";
			snprintf(r.detail, sizeof(r.detail), "the applicant "
			    "gave no postal address");
		} else {
			r.state = "ready";
			r.result = "ready";
			snprintf(r.detail, sizeof(r.detail), "letter %lld/%d "
			    "ready for the post", (long long)it.out_no,
			    it.out_year);
		}
	} else
		send_email(cx, &it, sc, smtp, &r);
	if (strcmp(r.state, "pending") == 0) {
		if (it.attempts >= cx->notify_attempts) {
			r.state = "failed";
			snprintf(r.detail + strlen(r.detail), sizeof(r.detail) -
			    strlen(r.detail), " (gave up after %d attempts)",
			    it.attempts);
		} else {
			delay = (long)cx->notify_backoff << (it.attempts > 1 ?
			    (it.attempts - 1 > 16 ? 16 : it.attempts - 1) : 0);
			delay += (long)randombytes_uniform(
			    (uint32_t)(delay / 4 + 1));
			r.next_at = clock_now() + delay;
		}
	}
	if (strcmp(r.state, "failed") == 0)
		log_warnx("outbox: notification %lld (%s to %s): failed: %s",
		    (long long)id, it.kind, it.channel, r.detail);
	if (complaints_run(cx, record_run, &r, &e, &r.err) == -1)
		log_warnx("outbox: %lld: record: %s", (long long)id, e.message);
	item_free(&it);
}

struct due_ids {
	int64_t	ids[OUTBOX_BATCH];
	int	n;
};

static int
collect(void *arg, const struct db_outbox_row *r)
{
	struct due_ids *d = arg;

	if (d->n < OUTBOX_BATCH)
		d->ids[d->n++] = r->id;
	return d->n == OUTBOX_BATCH;
}


/* The transport's configuration from the service's (outbox, filing). */
void
complaints_smtp_conf(struct complaints *cx, struct notify_smtp_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->url = cx->smtp_url;
	sc->tls = (enum notify_tls)cx->smtp_tls;
	sc->user = cx->smtp_user;
	sc->password = cx->smtp_password;
	sc->ca_file = cx->smtp_ca;
	sc->capture_dir = cx->mail_capture;
	sc->connect_timeout = 10;
	sc->timeout = cx->smtp_timeout;
}

int
complaints_outbox_once(struct complaints *cx, int *done)
{
	struct notify_smtp_conf sc;	/* outlives the handle, as it must */
	struct due_ids d;
	struct db *db;
	void *smtp = NULL;
	int rc;

	complaints_smtp_conf(cx, &sc);
	*done = 0;
	do {
		memset(&d, 0, sizeof(d));
		if ((db = worker_reader(cx)) == NULL) {
			rc = DB_SHUTDOWN;
			break;
		}
		rc = db_outbox_due(db, clock_now(), OUTBOX_BATCH, collect, &d);
		db_pool_put(cx->readers, db);
		if (rc != DB_OK)
			break;
		/* Stop between messages, so SIGTERM waits for one at most. */
		for (int i = 0; i < d.n && !__atomic_load_n(&cx->outbox_stop,
		    __ATOMIC_RELAXED); i++)
			deliver(cx, d.ids[i], &sc, &smtp);
		*done += d.n;
	} while (d.n == OUTBOX_BATCH && !cx->outbox_stop);
	if (smtp != NULL)
		(cx->mail_capture && *cx->mail_capture ?
		    &notify_transport_capture : &notify_transport_smtp)->close(
		    smtp);
	return rc == DB_OK ? 0 : -1;
}

static void *
outbox_main(void *arg)
{
	struct complaints *cx = arg;
	struct timespec ts;
	int n;

	pthread_mutex_lock(&cx->outbox_lock);
	while (!cx->outbox_stop) {
		pthread_mutex_unlock(&cx->outbox_lock);
		if (complaints_outbox_once(cx, &n) == 0 && n > 0)
			log_debug("outbox: %d handled", n);
		pthread_mutex_lock(&cx->outbox_lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += cx->notify_interval;
		while (!cx->outbox_stop && !cx->outbox_kick &&
		    pthread_cond_timedwait(&cx->outbox_cond, &cx->outbox_lock,
		    &ts) != ETIMEDOUT)
			;
		cx->outbox_kick = 0;
	}
	pthread_mutex_unlock(&cx->outbox_lock);
	return NULL;
}

int
complaints_outbox_start(struct complaints *cx)
{
	if (cx->notify_interval <= 0 || cx->outbox_running)
		return 0;
	pthread_mutex_init(&cx->outbox_lock, NULL);
	pthread_cond_init(&cx->outbox_cond, NULL);
	if (pthread_create(&cx->outbox, NULL, outbox_main, cx) != 0)
		return -1;
	cx->outbox_running = 1;
	return 0;
}

void
complaints_outbox_kick(struct complaints *cx)
{
	if (!cx->outbox_running)
		return;
	pthread_mutex_lock(&cx->outbox_lock);
	cx->outbox_kick = 1;
	pthread_cond_signal(&cx->outbox_cond);
	pthread_mutex_unlock(&cx->outbox_lock);
}

void
complaints_outbox_stop(struct complaints *cx)
{
	if (!cx->outbox_running)
		return;
	pthread_mutex_lock(&cx->outbox_lock);
	cx->outbox_stop = 1;
	pthread_cond_signal(&cx->outbox_cond);
	pthread_mutex_unlock(&cx->outbox_lock);
	pthread_join(cx->outbox, NULL);
	pthread_mutex_destroy(&cx->outbox_lock);
	pthread_cond_destroy(&cx->outbox_cond);
	cx->outbox_running = 0;
}

/* --- What the registrar sees and does with notifications --- */

struct nt_list {
	struct complaints	*cx;
	struct xmlio_out	*o;
	int			 failed, n;
	int64_t			 last;
};

static int
nt_out(void *arg, const struct db_outbox_row *r)
{
	struct nt_list *l = arg;
	char id[24], no[32];

	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	if (xmlio_out_start(l->o, "notification") == -1 ||
	    xmlio_out_attr(l->o, "id", id) == -1 ||
	    xmlio_out_attr(l->o, "kind", r->kind) == -1 ||
	    xmlio_out_attr(l->o, "channel", r->channel) == -1 ||
	    xmlio_out_attr(l->o, "state", r->state) == -1 ||
	    xmlio_out_elemf(l->o, "complaint", "%lld",
	    (long long)r->complaint_id) == -1 ||
	    xmlio_out_elem(l->o, "body", r->body_code) == -1 ||
	    (r->recipient && xmlio_out_elem(l->o, "recipient",
	    r->recipient) == -1) ||
	    complaints_out_time(l->o, "created", l->cx->timezone,
	    (time_t)r->created_at) == -1 ||
	    (r->due_by && xmlio_out_elem(l->o, "due-by", r->due_by) == -1) ||
	    xmlio_out_elemf(l->o, "attempts", "%d", r->attempts) == -1 ||
	    (r->last_error && xmlio_out_elem(l->o, "last-error",
	    r->last_error) == -1))
		l->failed = 1;
	if (!l->failed && r->out_no) {
		snprintf(no, sizeof(no), "%lld/%d", (long long)r->out_no,
		    r->out_year);
		if (xmlio_out_elem(l->o, "outgoing-number", no) == -1)
			l->failed = 1;
	}
	if (!l->failed && ((r->letter_date && xmlio_out_elem(l->o,
	    "letter-date", r->letter_date) == -1) ||
	    (r->sent_at && complaints_out_time(l->o, "sent", l->cx->timezone,
	    (time_t)r->sent_at) == -1) ||
	    (r->tracking && xmlio_out_elem(l->o, "tracking",
	    r->tracking) == -1) || xmlio_out_end(l->o) == -1))
		l->failed = 1;
	l->n++;
	l->last = r->id;
	return l->failed;
}

int
complaints_notifications(struct complaints *cx,
    const struct complaints_actor *a,
    const char *state, const char *body, int64_t after, int limit,
    struct buf *out, struct complaints_error *e)
{
	struct nt_list l;
	struct xmlio_out o;
	struct db_body b;
	struct db *db;
	int rc = -1;

	if (limit <= 0 || limit > 500)
		limit = 100;
	memset(&b, 0, sizeof(b));
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	/* A body's notifications: an administrator sees no complaint. */
	if (complaints_actor_check(a, e) == -1)
		goto out;
	if (a->role == COMPLAINTS_ROLE_ADMIN) {
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden", "an "
		    "administrator does not "
		    "see complaints or their notifications");
		goto out;
	}
	if (a->role != COMPLAINTS_ROLE_SYSTEM && body == NULL)
		body = a->body;
	if (body != NULL) {
		if (db_body_by_code(db, body, &b) != DB_OK) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "unknown-body", "no body with the "
			    "code \"%s\"", body);
			goto out;
		}
		if (complaints_may_read(db, a, &b, 0, e) == -1)
			goto out;
	}
	memset(&l, 0, sizeof(l));
	l.cx = cx;
	l.o = &o;
	if (xmlio_out_begin(&o, "notifications") == -1 ||
	    db_outbox_list(db, state, b.id, after, limit, nt_out, &l) !=
	    DB_OK || l.failed ||
	    (l.n == limit && xmlio_out_elemf(&o, "next-after", "%lld",
	    (long long)l.last) == -1) ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal", "the "
		    "notifications cannot be "
		    "listed");
		goto out;
	}
	rc = 0;
out:
	db_pool_put(cx->readers, db);
	return rc;
}

/* Loads a notification and checks the actor may act on its body. */
static int
nt_check(struct complaints *cx, struct db *db, const struct complaints_actor *a,
    int64_t id, struct ob_item *it, int act, struct complaints_error *e)
{
	if (item_load(cx, db, id, it) == -1) {
		complaints_error_set(e, COMPLAINTS_ENOENT,
		    "no-such-notification", "no notification "
		    "%lld", (long long)id);
		return -1;
	}
	if (act)
		return complaints_may_act(a, "note", &it->body, NULL, e);
	return complaints_may_read(db, a, &it->body, 0, e);
}

struct nt_job {
	struct complaints_call call;	/* first: the call frees the whole */
	int64_t		 id;
	char		*channel, *recipient;
	const char	*tracking;
	int		 op;	/* 0 reset, 1 posted */
	struct complaints *cx;
	struct complaints_error	 err;
};

static int
nt_run(struct db *db, void *arg)
{
	struct nt_job *j = arg;
	struct ob_item it;
	int rc;

	if (j->op == 0)
		return db_outbox_reset(db, j->id, clock_now(), j->channel,
		    j->recipient);
	if ((rc = db_outbox_set(db, j->id, "sent", 0, NULL, clock_now(),
	    clock_now(), j->tracking)) != DB_OK)
		return rc;
	if ((rc = db_outbox_attempt(db, j->id, clock_now(), "posted",
	    j->tracking)) != DB_OK)
		return rc;
	memset(&it, 0, sizeof(it));
	if (db_outbox_get(db, j->id, row_copy, &it) != DB_OK) {
		item_free(&it);
		return DB_ERROR;
	}
	rc = strcmp(it.kind, "decision") == 0 ? answer_complaint(db, j->cx,
	    it.complaint_id, "post", j->tracking) : DB_OK;
	item_free(&it);
	return rc;
}

static void
nt_cleanup(struct complaints_call *c)
{
	struct nt_job *j = (struct nt_job *)(void *)c;

	free(j->channel);
	free(j->recipient);
	free(j);
}

/* After the commit: a letter to send again wakes the worker. */
static int
nt_finish(struct complaints_call *c, struct buf *out,
    struct complaints_error *e)
{
	(void)out;
	(void)e;
	complaints_outbox_kick(c->cx);
	return 0;
}

static struct nt_job *
nt_job_new(struct complaints *cx, int64_t id, int op,
    struct complaints_error *e)
{
	struct nt_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal", "out "
		    "of memory");
		return NULL;
	}
	complaints_call_init(&j->call, cx, nt_run, j, &j->err);
	j->call.cleanup = nt_cleanup;
	j->id = id;
	j->cx = cx;
	j->op = op;
	return j;
}

struct complaints_call *
complaints_notification_reset_begin(struct complaints *cx,
    const struct complaints_actor *a, int64_t id, int to_post,
    struct complaints_error *e)
{
	struct complaints_call *c = NULL;
	struct ob_item it;
	struct nt_job *j;
	struct db *db;
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return NULL;
	rc = nt_check(cx, db, a, id, &it, 1, e);
	db_pool_put(cx->readers, db);
	if (rc == -1)
		goto out;
	if (strcmp(it.state, "failed") != 0 && !(to_post &&
	    strcmp(it.state, "pending") == 0)) {
		complaints_error_set(e, COMPLAINTS_ECONFLICT, "not-failed",
		    "notification %lld is %s; "
		    "only a failed one is sent again", (long long)id, it.state);
		goto out;
	}
	if (to_post && (it.address == NULL || *it.address == '\0')) {
		complaints_error_set(e, COMPLAINTS_ECONFLICT, "no-address",
		    "the applicant gave no "
		    "postal address");
		goto out;
	}
	if ((j = nt_job_new(cx, id, 0, e)) == NULL)
		goto out;
	j->call.finish = nt_finish;
	j->channel = strdup(to_post ? "post" : it.channel);
	if ((to_post ? it.address : it.recipient) != NULL)
		j->recipient = strdup(to_post ? it.address : it.recipient);
	c = &j->call;
	if (j->channel == NULL || ((to_post ? it.address : it.recipient) !=
	    NULL && j->recipient == NULL)) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal", "out "
		    "of memory");
		complaints_call_free(c);
		c = NULL;
	}
out:
	item_free(&it);
	return c;
}

int
complaints_notification_reset(struct complaints *cx,
    const struct complaints_actor *a, int64_t id, int to_post,
    struct complaints_error *e)
{
	return complaints_call_wait(complaints_notification_reset_begin(cx, a,
	    id, to_post, e), NULL, e);
}

struct complaints_call *
complaints_post_sent_begin(struct complaints *cx,
    const struct complaints_actor *a,
    int64_t id, const char *tracking, struct complaints_error *e)
{
	struct complaints_call *c = NULL;
	struct ob_item it;
	struct nt_job *j;
	struct db *db;
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return NULL;
	rc = nt_check(cx, db, a, id, &it, 1, e);
	db_pool_put(cx->readers, db);
	if (rc == -1)
		goto out;
	if (strcmp(it.channel, "post") != 0 || strcmp(it.state, "ready") != 0) {
		complaints_error_set(e, COMPLAINTS_ECONFLICT, "not-ready",
		    "notification %lld is a %s "
		    "one, %s; only a letter ready for the post can be sent",
		    (long long)id, it.channel, it.state);
		goto out;
	}
	if ((j = nt_job_new(cx, id, 1, e)) == NULL)
		goto out;
	j->tracking = tracking;
	c = &j->call;
out:
	item_free(&it);
	return c;
}

int
complaints_post_sent(struct complaints *cx, const struct complaints_actor *a,
    int64_t id, const char *tracking, struct complaints_error *e)
{
	return complaints_call_wait(complaints_post_sent_begin(cx, a, id,
	    tracking, e), NULL, e);
}

int
complaints_notification_letter(struct complaints *cx,
    const struct complaints_actor *a, int64_t id, struct buf *pdf,
    struct complaints_error *e)
{
	struct ob_item it;
	struct db *db;
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = nt_check(cx, db, a, id, &it, 0, e);
	item_free(&it);
	if (rc == 0)
		rc = complaints_letter_pdf(cx, db, id, pdf, e);
	db_pool_put(cx->readers, db);
	return rc;
}

#define REGISTER_MAX	2000

struct reg_rows {
	struct complaints		*cx;
	struct db			*db;
	struct notify_register_row	 rows[REGISTER_MAX];
	char				*own[REGISTER_MAX][4];
	size_t				 n;
	int				 left_out;	/* unprintable */
};

static int
reg_collect(void *arg, const struct db_outbox_row *r)
{
	struct reg_rows *rr = arg;
	struct ob_item it;
	struct buf name;
	char no[32];
	char **own;

	if (rr->n == REGISTER_MAX)
		return 1;
	if (item_load(rr->cx, rr->db, r->id, &it) == -1) {
		item_free(&it);
		return 0;
	}
	/* One letter that cannot be printed never stops the day's post. */
	if (item_unprintable(&it) != NULL) {
		log_warnx("outbox: %lld: left out of the post register: the "
		    "applicant's %s cannot be printed", (long long)r->id,
		    item_unprintable(&it));
		rr->left_out++;
		item_free(&it);
		return 0;
	}
	snprintf(no, sizeof(no), "%lld/%d", (long long)r->out_no,
	    r->out_year);
	buf_init(&name, 1024);
	buf_printf(&name, "%s %s%s%s", it.surname, it.name,
	    it.patronymic ? " " : "", it.patronymic ? it.patronymic : "");
	own = rr->own[rr->n];
	own[0] = strdup(no);
	own[1] = buf_release(&name, NULL);
	own[2] = dup(it.address ? it.address : "");
	own[3] = dup(it.talon);
	rr->rows[rr->n].out_number = own[0];
	rr->rows[rr->n].addressee = own[1];
	rr->rows[rr->n].address = own[2];
	rr->rows[rr->n].talon = own[3];
	rr->n++;
	item_free(&it);
	return 0;
}

int
complaints_post_register(struct complaints *cx,
    const struct complaints_actor *a,
    const char *body, const char *date, int csv, struct buf *out,
    struct complaints_error *e)
{
	struct reg_rows *rr;
	struct db_body b;
	struct date d;
	char err[256];
	int rc = -1;

	if (body == NULL || date == NULL || date_parse(date, &d) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "give body=CODE and "
		    "date=YYYY-MM-DD");
		return -1;
	}
	if ((rr = calloc(1, sizeof(*rr))) == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal", "out "
		    "of memory");
		return -1;
	}
	rr->cx = cx;
	if ((rr->db = complaints_reader(cx, e)) == NULL) {
		free(rr);
		return -1;
	}
	if (db_body_by_code(rr->db, body, &b) != DB_OK) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "unknown-body", "no "
		    "body with the code "
		    "\"%s\"", body);
		goto out;
	}
	if (complaints_may_read(rr->db, a, &b, 0, e) == -1)
		goto out;
	if (db_outbox_post_ready(rr->db, b.id, date, reg_collect, rr) !=
	    DB_OK) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal", "the "
		    "letters cannot be read");
		goto out;
	}
	if ((rc = csv ? notify_register_csv(rr->rows, rr->n, out) :
	    notify_register_pdf(rr->rows, rr->n, b.name_kk, date, out, err,
	    sizeof(err))) != 0) {
		if (rc == NOTIFY_RENDERER)
			complaints_error_set(e, COMPLAINTS_EUNAVAIL, "renderer-failed", "%s", err);
		else
			complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal", "the register cannot "
			    "be written");
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	db_pool_put(cx->readers, rr->db);
	for (size_t i = 0; i < rr->n; i++)
		for (int k = 0; k < 4; k++)
			free(rr->own[i][k]);
	free(rr);
	return rc;
}

int
complaints_talon_slip(struct complaints *cx, const struct complaints_actor *a,
    const char *number, const char *code, int text, const char *lang,
    struct buf *out, struct complaints_error *e)
{
	struct notify_talon t;
	struct complaints_talon_status st;
	struct db_status s;
	struct db_body b;
	struct db *db;
	char journal[32], url[512], err[256], received[32], rule[160];
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = complaints_lookup_talon(cx, db, number, &s, e);
	if (rc == 0)
		complaints_slip_law(cx, db, &s, received, sizeof(received),
		    rule, sizeof(rule));
	if (rc == 0) {
		if (db_body_by_code(db, s.body_code, &b) != DB_OK)
			rc = complaints_db_error(e, DB_ERROR, "the body cannot "
			    "be read");
		else
			rc = complaints_may_read(db, a, &b, 0, e);
	}
	db_pool_put(cx->readers, db);
	if (rc == -1)
		return -1;
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
	if ((rc = text ? notify_talon_text(&t, out) : notify_talon_pdf(&t,
	    out, err, sizeof(err))) != 0) {
		if (rc == NOTIFY_RENDERER)
			complaints_error_set(e, COMPLAINTS_EUNAVAIL, "renderer-failed", "%s", err);
		else
			complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal", "the talon cannot be "
			    "written");
		return -1;
	}
	return 0;
}
