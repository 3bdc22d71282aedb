/*
 * complaints: notifications, the domain's side.
 *
 * A change that must be told queues a notification row in its own
 * transaction (complaints_notify); the outbox worker of notify/ delivers
 * it and, in the commit that records it gone out, calls back
 * complaints_delivered (a decision sent makes the complaint answered).
 * Here too: what the registrar sees and does with notifications (the
 * list, resend, switch to post, the letter, recorded as posted, the
 * day's postal register), each checked against the actor's scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints_int.h"
#include "notify/notify.h"

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
	} else if (c->email && *c->email &&
	    routing_answer_channel_allowed(cx->routing, c->service, "email")) {
		n.channel = "email";
		n.recipient = c->email;
	} else {
		n.channel = "post";
		n.recipient = c->address; /* NULL: no address */
	}
	return db_notification_insert(db, &n);
}

/* Marks the complaint answered when its decision has gone out. */
static int
answer_complaint(
    struct db *db, int64_t cid, const char *channel, const char *how)
{
	struct db_complaint c;
	struct db_body b;
	struct db_event ev;
	enum complaints_state from, to;
	char before[32], detail[256];
	int rc, intact;

	/* A row changed behind the daemon's back keeps its state, so that
	 * verify still names it (as the watches do). */
	if ((rc = complaints_watch_intact(db, cid, &intact)) != DB_OK ||
	    !intact)
		return rc;
	if ((rc = db_complaint_get(db, cid, &c, &b)) != DB_OK)
		return rc;
	if (complaints_state_parse(c.state, &from) == -1 ||
	    complaints_transition(ACT_ANSWER, from, &to) == -1 ||
	    from != STATE_DECIDED)
		return DB_OK; /* answered already, or moved on */
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
	return db_complaint_change(db, &c, &ev);
}

int
complaints_delivered(void *arg, struct db *db, int64_t complaint_id,
    const char *kind, const char *channel, const char *detail)
{
	(void)arg;
	if (strcmp(kind, "decision") != 0)
		return DB_OK;
	return answer_complaint(db, complaint_id, channel, detail);
}

/* --- What the registrar sees and does with notifications --- */

struct nt_list {
	struct complaints *cx;
	struct xmlio_out *o;
	int failed, n;
	int64_t last;
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
	    xmlio_out_elemf(
		l->o, "complaint", "%lld", (long long)r->complaint_id) == -1 ||
	    xmlio_out_elem(l->o, "body", r->body_code) == -1 ||
	    (r->recipient &&
		xmlio_out_elem(l->o, "recipient", r->recipient) == -1) ||
	    complaints_out_time(l->o, "created", l->cx->timezone,
		(time_t)r->created_at) == -1 ||
	    (r->due_by && xmlio_out_elem(l->o, "due-by", r->due_by) == -1) ||
	    xmlio_out_elemf(l->o, "attempts", "%d", r->attempts) == -1 ||
	    (r->last_error &&
		xmlio_out_elem(l->o, "last-error", r->last_error) == -1))
		l->failed = 1;
	if (!l->failed && r->out_no) {
		snprintf(no, sizeof(no), "%lld/%d", (long long)r->out_no,
		    r->out_year);
		if (xmlio_out_elem(l->o, "outgoing-number", no) == -1)
			l->failed = 1;
	}
	if (!l->failed &&
	    ((r->letter_date &&
		 xmlio_out_elem(l->o, "letter-date", r->letter_date) == -1) ||
		(r->sent_at &&
		    complaints_out_time(l->o, "sent", l->cx->timezone,
			(time_t)r->sent_at) == -1) ||
		(r->tracking &&
		    xmlio_out_elem(l->o, "tracking", r->tracking) == -1) ||
		xmlio_out_end(l->o) == -1))
		l->failed = 1;
	l->n++;
	l->last = r->id;
	return l->failed;
}

int
complaints_notifications(struct complaints *cx,
    const struct complaints_actor *a, const char *state, const char *body,
    int64_t after, int limit, struct buf *out, struct complaints_error *e)
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
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
		    "an "
		    "administrator does not "
		    "see complaints or their notifications");
		goto out;
	}
	if (a->role != COMPLAINTS_ROLE_SYSTEM && body == NULL)
		body = a->body;
	if (body != NULL) {
		if (complaints_body_named(db, body, &b, COMPLAINTS_EINVAL, e) !=
		    DB_OK)
			goto out;
		if (complaints_may_read(db, a, &b, 0, e) == -1)
			goto out;
	}
	memset(&l, 0, sizeof(l));
	l.cx = cx;
	l.o = &o;
	if (xmlio_out_begin(&o, "notifications") == -1 ||
	    db_outbox_list(db, state, b.id, after, limit, nt_out, &l) !=
		DB_OK ||
	    l.failed ||
	    (l.n == limit &&
		xmlio_out_elemf(&o, "next-after", "%lld", (long long)l.last) ==
		    -1) ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "the "
		    "notifications cannot be "
		    "listed");
		goto out;
	}
	rc = 0;
out:
	db_pool_put(cx->readers, db);
	return rc;
}

/* A notification as the registrar's operations see it. */
struct nt_item {
	int64_t complaint_id;
	char kind[24], channel[16], state[16];
	char *recipient, *address;
	struct db_body body;
};

static void
nt_item_free(struct nt_item *it)
{
	free(it->recipient);
	free(it->address);
	it->recipient = it->address = NULL;
}

static int
nt_row(void *arg, const struct db_outbox_row *r)
{
	struct nt_item *it = arg;

	it->complaint_id = r->complaint_id;
	strlcpy_chk(it->kind, r->kind, sizeof(it->kind));
	strlcpy_chk(it->channel, r->channel, sizeof(it->channel));
	strlcpy_chk(it->state, r->state, sizeof(it->state));
	it->recipient = r->recipient ? strdup(r->recipient) : NULL;
	return 1;
}

/* Reads notification id, its complaint's address and body; -1: none. */
static int
nt_load(struct db *db, int64_t id, struct nt_item *it)
{
	struct db_complaint c;

	memset(it, 0, sizeof(*it));
	if (db_outbox_get(db, id, nt_row, it) != DB_OK ||
	    it->complaint_id == 0 ||
	    db_complaint_get(db, it->complaint_id, &c, &it->body) != DB_OK)
		return -1;
	it->address = c.address ? strdup(c.address) : NULL;
	return 0;
}

/* Loads a notification and checks the actor may act on its body. */
static int
nt_check(struct db *db, const struct complaints_actor *a, int64_t id,
    struct nt_item *it, int act, struct complaints_error *e)
{
	if (nt_load(db, id, it) == -1) {
		complaints_error_set(e, COMPLAINTS_ENOENT,
		    "no-such-notification",
		    "no notification "
		    "%lld",
		    (long long)id);
		return -1;
	}
	if (act)
		return complaints_may_act(a, "note", &it->body, NULL, e);
	return complaints_may_read(db, a, &it->body, 0, e);
}

/* nt_check for acting, on a reader of its own; it is zeroed first. */
static int
nt_checked(struct complaints *cx, const struct complaints_actor *a, int64_t id,
    struct nt_item *it, struct complaints_error *e)
{
	struct db *db;
	int rc;

	memset(it, 0, sizeof(*it));
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = nt_check(db, a, id, it, 1, e);
	db_pool_put(cx->readers, db);
	return rc;
}

struct nt_job {
	struct complaints_call call; /* first: the call frees the whole */
	int64_t id;
	char *channel, *recipient;
	const char *tracking;
	int op; /* 0 reset, 1 posted */
	struct complaints *cx;
	struct complaints_error err;
};

static int
nt_run(struct db *db, void *arg)
{
	struct nt_job *j = arg;
	struct nt_item it;
	int rc;

	if (j->op == 0)
		return db_outbox_reset(
		    db, j->id, clock_now(), j->channel, j->recipient);
	if ((rc = db_outbox_set(db, j->id, "sent", 0, NULL, clock_now(),
		 clock_now(), j->tracking)) != DB_OK)
		return rc;
	if ((rc = db_outbox_attempt(
		 db, j->id, clock_now(), "posted", j->tracking)) != DB_OK)
		return rc;
	memset(&it, 0, sizeof(it));
	if (db_outbox_get(db, j->id, nt_row, &it) != DB_OK) {
		nt_item_free(&it);
		return DB_ERROR;
	}
	rc = complaints_delivered(
	    j->cx, db, it.complaint_id, it.kind, "post", j->tracking);
	nt_item_free(&it);
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
nt_finish(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	(void)out;
	(void)e;
	notify_outbox_kick(c->cx->outbox);
	return 0;
}

static struct nt_job *
nt_job_new(
    struct complaints *cx, int64_t id, int op, struct complaints_error *e)
{
	struct nt_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
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
	struct nt_item it;
	struct nt_job *j;
	if (nt_checked(cx, a, id, &it, e) == -1)
		goto out;
	if (strcmp(it.state, "failed") != 0 &&
	    !(to_post && strcmp(it.state, "pending") == 0)) {
		complaints_error_set(e, COMPLAINTS_ECONFLICT, "not-failed",
		    "notification %lld is %s; "
		    "only a failed one is sent again",
		    (long long)id, it.state);
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
	if (j->channel == NULL ||
	    ((to_post ? it.address : it.recipient) != NULL &&
		j->recipient == NULL)) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory");
		complaints_call_free(c);
		c = NULL;
	}
out:
	nt_item_free(&it);
	return c;
}

int
complaints_notification_reset(struct complaints *cx,
    const struct complaints_actor *a, int64_t id, int to_post,
    struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_notification_reset_begin(cx, a, id, to_post, e), NULL,
	    e);
}

struct complaints_call *
complaints_post_sent_begin(struct complaints *cx,
    const struct complaints_actor *a, int64_t id, const char *tracking,
    struct complaints_error *e)
{
	struct complaints_call *c = NULL;
	struct nt_item it;
	struct nt_job *j;
	if (nt_checked(cx, a, id, &it, e) == -1)
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
	nt_item_free(&it);
	return c;
}

int
complaints_post_sent(struct complaints *cx, const struct complaints_actor *a,
    int64_t id, const char *tracking, struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_post_sent_begin(cx, a, id, tracking, e), NULL, e);
}

int
complaints_notification_letter(struct complaints *cx,
    const struct complaints_actor *a, int64_t id, struct buf *pdf,
    struct complaints_error *e)
{
	struct nt_item it;
	struct db *db;
	char err[256];
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = nt_check(db, a, id, &it, 0, e);
	nt_item_free(&it);
	if (rc == 0 &&
	    (rc = notify_outbox_letter(
		 cx->outbox, db, id, pdf, err, sizeof(err))) != 0) {
		if (rc == NOTIFY_NOTFOUND)
			complaints_error_set(e, COMPLAINTS_ENOENT,
			    "no-such-notification", "%s", err);
		else if (rc == NOTIFY_UNPRINTABLE)
			complaints_error_set(e, COMPLAINTS_ECONFLICT,
			    "unprintable-text", "%s", err);
		else if (rc == NOTIFY_RENDERER)
			complaints_error_set(e, COMPLAINTS_EUNAVAIL,
			    "renderer-failed", "%s", err);
		else
			complaints_error_set(e, COMPLAINTS_EINTERNAL,
			    "letter-failed", "%s", err);
		rc = -1;
	}
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_post_register(struct complaints *cx,
    const struct complaints_actor *a, const char *body, const char *date,
    int csv, struct buf *out, struct complaints_error *e)
{
	struct db_body b;
	struct date d;
	struct db *db;
	char err[256];
	int rc = -1;

	if (body == NULL || date == NULL || date_parse(date, &d) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "give body=CODE and date=YYYY-MM-DD");
		return -1;
	}
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	if (complaints_body_named(db, body, &b, COMPLAINTS_EINVAL, e) != DB_OK)
		goto out;
	if (complaints_may_read(db, a, &b, 0, e) == -1)
		goto out;
	if ((rc = notify_outbox_register(cx->outbox, db, b.id, b.name_kk, date,
		 csv, out, err, sizeof(err))) != 0) {
		if (rc == NOTIFY_RENDERER)
			complaints_error_set(e, COMPLAINTS_EUNAVAIL,
			    "renderer-failed", "%s", err);
		else
			complaints_error_set(
			    e, COMPLAINTS_EINTERNAL, "internal", "%s", err);
		rc = -1;
	}
out:
	db_pool_put(cx->readers, db);
	return rc;
}

void
complaints_smtp_conf(struct complaints *cx, struct notify_smtp_conf *sc)
{
	notify_outbox_smtp(cx->outbox, sc);
}

int
complaints_outbox_once(struct complaints *cx, int *done)
{
	return notify_outbox_once(cx->outbox, done);
}
