/*
 * notify: the outbox worker.
 *
 * Notifications are rows written in the transaction of the change that
 * causes them (complaints/).  The worker takes those that are due,
 * claims each (state "sending", the attempt counted, an outgoing journal
 * number given once) in a commit of its own, renders and sends it
 * outside any transaction, and records the result in another commit.  A
 * crash between the two leaves the row "sending": it is sent again with
 * the same Message-ID, so a receiver that has it already can tell.
 *
 * Email goes by SMTP (smtp.c); a letter for the post is prepared
 * ("ready") and waits for the registrar's daily batch (the postal
 * register, below); a notice to a body ("internal") is delivered by
 * showing it in the body's list.  Temporary failures are retried with
 * exponential back-off and jitter up to the attempts configured;
 * permanent ones are marked failed for the registrar, who can resend or
 * switch to post.  When a message has gone out, the domain's delivered
 * hook runs in the same commit (a decision makes the complaint
 * "answered").
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db/db.h"
#include "notify/notify.h"
#include "routing/routing.h"
#include "util/ticker.h"

struct notify_outbox {
	/* A copy of the settings; its strings are the outbox's own. */
	struct notify_outbox_conf c;
	struct ticker *ticker; /* the worker thread */
};

/* The strings of the settings, copied and freed as a set. */
static const size_t conf_strings[] = {
	offsetof(struct notify_outbox_conf, timezone),
	offsetof(struct notify_outbox_conf, status_url),
	offsetof(struct notify_outbox_conf, smtp_url),
	offsetof(struct notify_outbox_conf, smtp_from),
	offsetof(struct notify_outbox_conf, smtp_user),
	offsetof(struct notify_outbox_conf, smtp_password),
	offsetof(struct notify_outbox_conf, smtp_ca),
	offsetof(struct notify_outbox_conf, mail_capture),
	offsetof(struct notify_outbox_conf, mail_host),
};
#define NSTRINGS (sizeof(conf_strings) / sizeof(conf_strings[0]))

static const char **
conf_string(struct notify_outbox_conf *c, size_t i)
{
	return (const char **)(void *)((char *)c + conf_strings[i]);
}

#define OUTBOX_BATCH 16
#define PDF_CAP	     NOTIFY_PDF_MAX
#define MAIL_CAP     (12 * 1024 * 1024)
#define TEXT_CAP     (256 * 1024)

/* One notification with everything its letter shows; owned strings. */
struct ob_item {
	int64_t id, complaint_id;
	char *uid, *kind, *channel, *recipient, *lang, *state;
	char *letter_date, *prev_due;
	int attempts, out_year;
	int64_t out_no;
	char *body_code;
	/* The complaint. */
	char *talon, *surname, *name, *patronymic, *address, *email;
	char *cstate, *due, *rules, *extended_reason, *outcome;
	char *reasoning, *decided_by, *subject_institution;
	int service, journal_year;
	int64_t journal_no, accepted_at;
	/* The bodies. */
	struct db_body body;
	char *body_address, *body_phones;
	char *forwarded_to, *forward_reason, *appeal_to;
	char court_clause[ROUTING_CLAUSE_MAX];
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
		&it->lang, &it->state, &it->letter_date, &it->body_code,
		&it->talon, &it->surname, &it->name, &it->patronymic,
		&it->address, &it->email, &it->cstate, &it->due, &it->rules,
		&it->extended_reason, &it->outcome, &it->reasoning,
		&it->decided_by, &it->subject_institution, &it->body_address,
		&it->body_phones, &it->forwarded_to, &it->forward_reason,
		&it->appeal_to, &it->prev_due };

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
	int64_t parent;
	char *to;
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
item_load(
    struct notify_outbox *ob, struct db *db, int64_t id, struct ob_item *it)
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
		int has = it->subject_institution &&
		    db_body_by_code(db, it->subject_institution, &inst) ==
			DB_OK;

		if (routing_chain(ob->c.routing, it->service,
			has ? inst.code : NULL,
			has && inst.parent_code[0] ? inst.parent_code : NULL,
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

/* The day at the body (its zone, else the service's), as YYYY-MM-DD. */
static struct date
ob_today(const struct notify_outbox *ob, const struct db_body *b, time_t t)
{
	struct moment m;
	struct date d = { 1970, 1, 1 };

	if (tz_local(b && b->tz[0] ? b->tz : ob->c.timezone, t, &m) == 0) {
		d.y = m.y;
		d.m = m.m;
		d.d = m.d;
	}
	return d;
}

static void
local_date(const struct notify_outbox *ob, const struct db_body *b, time_t t,
    char out[11])
{
	date_iso(ob_today(ob, b, t), out);
}

/* The letter's fields from an item; the strings stay the item's. */
static void
letter_of(struct notify_outbox *ob, const struct ob_item *it, const char *lang,
    char out_no[32], char journal[32], char accepted[11], char today[11],
    char url[512], struct notify_letter *l)
{
	memset(l, 0, sizeof(*l));
	snprintf(out_no, 32, "%lld/%d", (long long)it->out_no, it->out_year);
	snprintf(journal, 32, "%lld/%d", (long long)it->journal_no,
	    it->journal_year);
	local_date(ob, &it->body, (time_t)it->accepted_at, accepted);
	/* The letter is dated the day it was numbered, as the register. */
	if (it->letter_date)
		strlcpy_chk(today, it->letter_date, 11);
	else
		local_date(ob, &it->body, clock_now(), today);
	url[0] = '\0';
	if (ob->c.status_url && *ob->c.status_url)
		snprintf(url, 512, "%s%s", ob->c.status_url, it->talon);
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
	const char *v[] = { it->surname, it->name, it->patronymic, it->address,
		it->outcome, it->reasoning, it->extended_reason };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i] != NULL && !utf8_text(v[i], strlen(v[i]), NULL))
			return name[i];
	return NULL;
}

int
notify_outbox_letter(struct notify_outbox *ob, struct db *db, int64_t id,
    struct buf *pdf, char *err, size_t errlen)
{
	struct ob_item it;
	struct notify_letter l;
	struct buf subject, text;
	char o[32], j[32], a[11], t[11], url[512];
	const char *bad;
	int rc;

	if (item_load(ob, db, id, &it) == -1) {
		item_free(&it);
		snprintf(err, errlen, "no notification %lld", (long long)id);
		return NOTIFY_NOTFOUND;
	}
	if ((bad = item_unprintable(&it)) != NULL) {
		snprintf(err, errlen,
		    "notification %lld: the applicant's %s "
		    "holds a control character a letter cannot print",
		    (long long)id, bad);
		item_free(&it);
		return NOTIFY_UNPRINTABLE;
	}
	buf_init(&subject, 1024);
	buf_init(&text, TEXT_CAP);
	letter_of(ob, &it, it.lang ? it.lang : "kk", o, j, a, t, url, &l);
	if ((rc = notify_text(&l, &subject, &text, err, errlen)) == 0)
		rc = notify_letter_pdf(&l, text.data, pdf, err, errlen);
	if (rc != 0 && rc != NOTIFY_RENDERER)
		rc = -1;
	buf_free(&subject);
	buf_free(&text);
	item_free(&it);
	return rc;
}
/* What a delivery came to. */
struct ob_result {
	struct notify_outbox *ob;
	int64_t id;
	const char *state;  /* sent, ready, failed, pending */
	const char *result; /* the attempt's word */
	char detail[512];
	int64_t next_at;
	const char *answered_by; /* channel, when the complaint is
					   answered now */
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
	    !(strcmp(it.channel, "post") == 0 &&
		(it.recipient == NULL || *it.recipient == '\0'));
	d = ob_today(r->ob, NULL, clock_now());
	date_iso(d, date);
	item_free(&it);
	return db_outbox_claim(db, r->id, numbered, d.y, date);
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
		 strcmp(r->state, "sent") == 0 ||
			 strcmp(r->state, "ready") == 0 ?
		     NULL :
		     r->detail,
		 strcmp(r->state, "sent") == 0 ? now : 0, 0, NULL)) != DB_OK)
		return rc;
	if (r->answered_by == NULL)
		return DB_OK;
	memset(&it, 0, sizeof(it));
	if (db_outbox_get(db, r->id, row_copy, &it) != DB_OK) {
		item_free(&it);
		return DB_ERROR;
	}
	rc = r->ob->c.delivered != NULL ?
	    r->ob->c.delivered(r->ob->c.arg, db, it.complaint_id, it.kind,
		r->answered_by, r->detail) :
	    DB_OK;
	item_free(&it);
	return rc;
}

/* Sends one email; fills r.  The transport handle is the worker's. */
static void
send_email(struct notify_outbox *ob, struct ob_item *it,
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
		snprintf(r->detail, sizeof(r->detail),
		    "not an email address: "
		    "%.200s",
		    it->recipient ? it->recipient : "(none)");
		goto out;
	}
	tr = ob->c.mail_capture && *ob->c.mail_capture ?
	    &notify_transport_capture :
	    &notify_transport_smtp;
	if (tr == &notify_transport_smtp &&
	    (ob->c.smtp_url == NULL || *ob->c.smtp_url == '\0')) {
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail),
		    "no mail server is "
		    "configured (smtp_url); send it by post");
		goto out;
	}
	letter_of(ob, it, "kk", o, j, a, t, url, &l);
	if ((res = notify_text(&l, &subj_kk, &kk, err, sizeof(err))) != 0 ||
	    (res = notify_letter_pdf(&l, kk.data, &pdf, err, sizeof(err))) !=
		0) {
		if (res == NOTIFY_RENDERER) {
			/* The renderer, not the letter: later, again. */
			r->result = "temporary";
			snprintf(r->detail, sizeof(r->detail), "%s", err);
			log_warnx("outbox: %lld: %s", (long long)it->id, err);
			goto out;
		}
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail),
		    "the letter cannot be "
		    "written: %s",
		    err);
		log_warnx("outbox: %lld: %s", (long long)it->id, r->detail);
		goto out;
	}
	l.lang = "ru";
	if (notify_text(&l, &subj_ru, &ru, err, sizeof(err)) != 0) {
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail),
		    "the letter cannot be written: %s", err);
		log_warnx("outbox: %lld: %s", (long long)it->id, r->detail);
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.from = ob->c.smtp_from;
	m.from_name = it->body.name_kk;
	m.to = it->recipient;
	m.subject = subj_kk.data;
	m.date = clock_now();
	m.uid = it->uid;
	m.host = ob->c.mail_host;
	m.text_kk = kk.data;
	m.text_ru = ru.data;
	m.pdf = &pdf;
	m.pdf_name = "letter.pdf";
	if (notify_mime(&m, &msg) == -1) {
		r->state = "failed";
		r->result = "permanent";
		snprintf(r->detail, sizeof(r->detail),
		    "the message cannot be "
		    "built (check smtp_from and the address)");
		goto out;
	}
	if (*smtp == NULL)
		*smtp = tr->open(sc);
	res = *smtp ? tr->send(*smtp, ob->c.smtp_from, it->recipient, &msg,
			  r->detail, sizeof(r->detail)) :
		      NOTIFY_TEMPFAIL;
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
worker_reader(struct notify_outbox *ob)
{
	struct db *db;

	while ((db = db_pool_get(ob->c.readers)) == NULL)
		if (ticker_stopping(ob->ticker))
			return NULL;
	return db;
}

static void
deliver(struct notify_outbox *ob, int64_t id, const struct notify_smtp_conf *sc,
    void **smtp)
{
	struct ob_result r;
	struct ob_item it;
	struct db *db;
	long delay;
	int rc;

	memset(&r, 0, sizeof(r));
	r.ob = ob;
	r.id = id;
	if ((rc = db_writer_run(ob->c.writer, claim_run, &r)) != DB_OK) {
		log_warnx(
		    "outbox: %lld: claim: %s", (long long)id, db_strerror(rc));
		return;
	}
	/* Stopping: a claimed row is retried as after a crash. */
	if ((db = worker_reader(ob)) == NULL)
		return;
	if (item_load(ob, db, id, &it) == -1) {
		db_pool_put(ob->c.readers, db);
		item_free(&it);
		return;
	}
	db_pool_put(ob->c.readers, db);
	r.state = "pending";
	if (strcmp(it.channel, "internal") == 0) {
		r.state = "sent";
		r.result = "sent";
		snprintf(
		    r.detail, sizeof(r.detail), "shown to %s", it.body.code);
	} else if (strcmp(it.channel, "post") == 0) {
		if (it.recipient == NULL || *it.recipient == '\0') {
			r.state = "failed";
			r.result = "permanent";
			snprintf(r.detail, sizeof(r.detail),
			    "the applicant "
			    "gave no postal address");
		} else {
			r.state = "ready";
			r.result = "ready";
			snprintf(r.detail, sizeof(r.detail),
			    "letter %lld/%d "
			    "ready for the post",
			    (long long)it.out_no, it.out_year);
		}
	} else
		send_email(ob, &it, sc, smtp, &r);
	if (strcmp(r.state, "pending") == 0) {
		if (it.attempts >= ob->c.attempts) {
			r.state = "failed";
			snprintf(r.detail + strlen(r.detail),
			    sizeof(r.detail) - strlen(r.detail),
			    " (gave up after %d attempts)", it.attempts);
		} else {
			delay = (long)ob->c.backoff
			    << (it.attempts > 1 ? (it.attempts - 1 > 16 ?
							  16 :
							  it.attempts - 1) :
						  0);
			delay += (long)randombytes_uniform(
			    (uint32_t)(delay / 4 + 1));
			r.next_at = clock_now() + delay;
		}
	}
	if (strcmp(r.state, "failed") == 0)
		log_warnx("outbox: notification %lld (%s to %s): failed: %s",
		    (long long)id, it.kind, it.channel, r.detail);
	if ((rc = db_writer_run(ob->c.writer, record_run, &r)) != DB_OK)
		log_warnx(
		    "outbox: %lld: record: %s", (long long)id, db_strerror(rc));
	item_free(&it);
}

struct due_ids {
	int64_t ids[OUTBOX_BATCH];
	int n;
};

static int
collect(void *arg, const struct db_outbox_row *r)
{
	struct due_ids *d = arg;

	if (d->n < OUTBOX_BATCH)
		d->ids[d->n++] = r->id;
	return d->n == OUTBOX_BATCH;
}

const struct notify_outbox_conf *
notify_outbox_settings(const struct notify_outbox *ob)
{
	return &ob->c;
}

void
notify_outbox_smtp(const struct notify_outbox *ob, struct notify_smtp_conf *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->url = ob->c.smtp_url;
	sc->tls = (enum notify_tls)ob->c.smtp_tls;
	sc->user = ob->c.smtp_user;
	sc->password = ob->c.smtp_password;
	sc->ca_file = ob->c.smtp_ca;
	sc->capture_dir = ob->c.mail_capture;
	sc->connect_timeout = 10;
	sc->timeout = ob->c.smtp_timeout;
}

int
notify_outbox_once(struct notify_outbox *ob, int *done)
{
	struct notify_smtp_conf sc; /* outlives the handle, as it must */
	struct due_ids d;
	struct db *db;
	void *smtp = NULL;
	int rc;

	notify_outbox_smtp(ob, &sc);
	*done = 0;
	do {
		memset(&d, 0, sizeof(d));
		if ((db = worker_reader(ob)) == NULL) {
			rc = DB_SHUTDOWN;
			break;
		}
		rc = db_outbox_due(db, clock_now(), OUTBOX_BATCH, collect, &d);
		db_pool_put(ob->c.readers, db);
		if (rc != DB_OK)
			break;
		/* Stop between messages, so SIGTERM waits for one at most. */
		for (int i = 0; i < d.n && !ticker_stopping(ob->ticker); i++)
			deliver(ob, d.ids[i], &sc, &smtp);
		*done += d.n;
	} while (d.n == OUTBOX_BATCH && !ticker_stopping(ob->ticker));
	if (smtp != NULL)
		(ob->c.mail_capture && *ob->c.mail_capture ?
			&notify_transport_capture :
			&notify_transport_smtp)
		    ->close(smtp);
	return rc == DB_OK ? 0 : -1;
}

static void
outbox_tick(void *arg)
{
	int n;

	if (notify_outbox_once(arg, &n) == 0 && n > 0)
		log_debug("outbox: %d handled", n);
}

int
notify_outbox_start(struct notify_outbox *ob)
{
	if (ob->c.interval <= 0 || ob->ticker != NULL)
		return 0;
	ob->ticker = ticker_start(ob->c.interval, outbox_tick, ob);
	return ob->ticker != NULL ? 0 : -1;
}

void
notify_outbox_kick(struct notify_outbox *ob)
{
	ticker_kick(ob->ticker);
}

#define REGISTER_MAX 2000

struct reg_rows {
	struct notify_outbox *ob;
	struct db *db;
	struct notify_register_row rows[REGISTER_MAX];
	char *own[REGISTER_MAX][4];
	size_t n;
	int left_out; /* unprintable */
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
	if (item_load(rr->ob, rr->db, r->id, &it) == -1) {
		item_free(&it);
		return 0;
	}
	/* One letter that cannot be printed never stops the day's post. */
	if (item_unprintable(&it) != NULL) {
		log_warnx("outbox: %lld: left out of the post register: the "
			  "applicant's %s cannot be printed",
		    (long long)r->id, item_unprintable(&it));
		rr->left_out++;
		item_free(&it);
		return 0;
	}
	snprintf(no, sizeof(no), "%lld/%d", (long long)r->out_no, r->out_year);
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
notify_outbox_register(struct notify_outbox *ob, struct db *db, int64_t body_id,
    const char *body_name, const char *date, int csv, struct buf *out,
    char *err, size_t errlen)
{
	struct reg_rows *rr;
	int rc = -1;

	if ((rr = calloc(1, sizeof(*rr))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rr->ob = ob;
	rr->db = db;
	if (db_outbox_post_ready(db, body_id, date, reg_collect, rr) != DB_OK) {
		snprintf(err, errlen, "the letters cannot be read");
		goto out;
	}
	if ((rc = csv ? notify_register_csv(rr->rows, rr->n, out) :
			notify_register_pdf(rr->rows, rr->n, body_name, date,
			    out, err, errlen)) != 0 &&
	    rc != NOTIFY_RENDERER) {
		snprintf(err, errlen, "the register cannot be written");
		rc = -1;
	}
out:
	for (size_t i = 0; i < rr->n; i++)
		for (int k = 0; k < 4; k++)
			free(rr->own[i][k]);
	free(rr);
	return rc;
}

struct notify_outbox *
notify_outbox_new(const struct notify_outbox_conf *c)
{
	struct notify_outbox *ob;
	const char **v;

	if ((ob = calloc(1, sizeof(*ob))) == NULL)
		return NULL;
	ob->c = *c;
	for (size_t i = 0; i < NSTRINGS; i++) {
		v = conf_string(&ob->c, i);
		if (*v != NULL && **v == '\0')
			*v = NULL; /* empty: not set */
		if (*v != NULL && (*v = strdup(*v)) == NULL) {
			while (++i < NSTRINGS)
				*conf_string(&ob->c, i) = NULL;
			notify_outbox_free(ob);
			return NULL;
		}
	}
	if (ob->c.timezone == NULL)
		ob->c.timezone = strdup("Asia/Almaty");
	if (ob->c.smtp_from == NULL)
		ob->c.smtp_from = strdup("complaints@complaints.local");
	if (ob->c.mail_host == NULL)
		ob->c.mail_host = strdup("complaints.local");
	if (ob->c.timezone == NULL || ob->c.smtp_from == NULL ||
	    ob->c.mail_host == NULL) {
		notify_outbox_free(ob);
		return NULL;
	}
	if (ob->c.smtp_timeout <= 0)
		ob->c.smtp_timeout = 60;
	if (ob->c.attempts <= 0)
		ob->c.attempts = 8;
	if (ob->c.backoff <= 0)
		ob->c.backoff = 60;
	return ob;
}

void
notify_outbox_free(struct notify_outbox *ob)
{
	const char **v;

	if (ob == NULL)
		return;
	ticker_stop(ob->ticker);
	for (size_t i = 0; i < NSTRINGS; i++) {
		v = conf_string(&ob->c, i);
		if (*v != NULL)
			sodium_memzero((void *)(uintptr_t)*v, strlen(*v));
		free((void *)(uintptr_t)*v);
	}
	free(ob);
}
