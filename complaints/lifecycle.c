/*
 * complaints: the life of a complaint.
 *
 * The state machine (machine.c) says which action is allowed in which
 * state and where it leads; each action is a row of actions[] here: its
 * name, the elements of its document it reads and the function that
 * runs it.  Every action
 * runs in the writer thread, inside the batch's transaction, and
 * changes the row and appends its event in one call
 * (db_complaint_change), so no change is ever unrecorded.  Forwarding
 * and appeals write a new journal entry at the receiving body, linked
 * to the case.  Notifications are outbox rows in the same transaction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints_int.h"

#define ACT_FIELDS 3

/* An action as parsed, then as done. */
struct act_job {
	struct complaints_call call; /* first: the call frees the whole */
	struct complaints *cx;
	const struct complaints_actor *actor;
	enum complaints_action kind;
	const char *ref;
	char *by_name, *by_position, *by_body;
	char *v[ACT_FIELDS]; /* the row's fields, in order */
	time_t received_at;
	/* Results. */
	struct complaints_error err;
	char before[32], after[32], due[11];
	int64_t id;
	struct complaints_entry ent; /* forward and appeal */
	int has_ent;
};

/* What an action's function works on, in the writer's transaction. */
struct act_ctx {
	struct act_job *a;
	struct db *db;
	struct complaints *cx;
	struct db_complaint c; /* the row, changed by the function */
	struct db_body b;      /* its body */
	const struct cal_hours *h;
	struct date today;
	time_t now;
	char detail[1024];
	char due_by[11];
};

static int act_assign(struct act_ctx *);
static int act_forward(struct act_ctx *);
static int act_extend(struct act_ctx *);
static int act_decide(struct act_ctx *);
static int act_appeal(struct act_ctx *);
static int act_withdraw(struct act_ctx *);
static int act_lwc(struct act_ctx *);
static int act_note(struct act_ctx *);
static int act_answer(struct act_ctx *);
static int act_close(struct act_ctx *);

/*
 * Every action: its name (the root element of its document and the
 * event's action), the elements of its document that its function reads
 * (val(x, "name")), the function, and whether the complaint's being open
 * follows the new state (else it stays as it was).
 */
static const struct action {
	const char *name;
	const char *fields[ACT_FIELDS];
	int (*run)(struct act_ctx *);
	int sets_open;
} actions[ACT__MAX] = {
	[ACT_ASSIGN] = { "assign", { "assignee", "note" }, act_assign, 0 },
	[ACT_FORWARD] = { "forward", { "to", "reason" }, act_forward, 1 },
	[ACT_EXTEND] = { "extend", { "reason", "until" }, act_extend, 0 },
	[ACT_DECIDE] = { "decide", { "outcome", "reasoning" }, act_decide, 1 },
	[ACT_APPEAL] = { "appeal", { "channel", "reasons", "demands" },
	    act_appeal, 0 },
	[ACT_WITHDRAW] = { "withdraw", { "reason" }, act_withdraw, 1 },
	[ACT_LWC] = { "leave-without-consideration", { "ground", "reason" },
	    act_lwc, 1 },
	[ACT_NOTE] = { "note", { "text" }, act_note, 0 },
	[ACT_ANSWER] = { "answer", { "channel", "note" }, act_answer, 1 },
	[ACT_CLOSE] = { "close", { "reason" }, act_close, 1 },
};

const char *
complaints_action_name(enum complaints_action k)
{
	return (unsigned)k < ACT__MAX ? actions[k].name : "?";
}

/* The value of the action's element name (one of its row's fields). */
static const char *
val(const struct act_ctx *x, const char *name)
{
	const struct action *row = &actions[x->a->kind];

	for (int i = 0; i < ACT_FIELDS && row->fields[i] != NULL; i++)
		if (strcmp(row->fields[i], name) == 0)
			return x->a->v[i];
	return NULL;
}

static void
act_free(struct act_job *a)
{
	free(a->by_name);
	free(a->by_position);
	free(a->by_body);
	for (int i = 0; i < ACT_FIELDS; i++)
		free(a->v[i]);
}

static int
refuse(struct act_ctx *x, enum complaints_errc errc, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Refuses the action: the error for the caller, a rollback for the job. */
static int
refuse(struct act_ctx *x, enum complaints_errc errc, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complaints_error_vset(&x->a->err, errc, code, fmt, ap);
	va_end(ap);
	return DB_CONSTRAINT;
}

/* A copy of an entry's content for a new entry at another body. */
static void
copy_content(struct db_complaint *n, const struct db_complaint *c)
{
	memset(n, 0, sizeof(*n));
	n->channel = c->channel;
	n->service = c->service;
	n->subject_institution = c->subject_institution;
	n->subject_name = c->subject_name;
	n->subject_official = c->subject_official;
	n->surname = c->surname;
	n->name = c->name;
	n->patronymic = c->patronymic;
	n->address = c->address;
	n->email = c->email;
	n->phone = c->phone;
	n->representative_of = c->representative_of;
	n->is_signed = c->is_signed;
	n->reasons = c->reasons;
	n->demands = c->demands;
	n->case_id = c->case_id ? c->case_id : c->id;
	n->parent_id = c->id;
}

struct att_copy {
	struct db_attachment a[MAX_ATTACHMENTS];
	char *s[MAX_ATTACHMENTS * 3];
	int n;
};

static int
att_collect(void *arg, const struct db_attachment_row *r)
{
	struct att_copy *ac = arg;

	if (ac->n == MAX_ATTACHMENTS)
		return 1;
	ac->s[ac->n * 3] = strdup(r->name);
	ac->s[ac->n * 3 + 1] = strdup(r->media_type);
	ac->s[ac->n * 3 + 2] = strdup(r->sha256);
	ac->a[ac->n].name = ac->s[ac->n * 3] ? ac->s[ac->n * 3] : "";
	ac->a[ac->n].media_type = ac->s[ac->n * 3 + 1] ? ac->s[ac->n * 3 + 1] :
							 "";
	ac->a[ac->n].sha256 = ac->s[ac->n * 3 + 2] ? ac->s[ac->n * 3 + 2] : "";
	ac->n++;
	return 0;
}

static void
att_free(struct att_copy *ac)
{
	for (int i = 0; i < ac->n * 3; i++)
		free(ac->s[i]);
}

/*
 * The chain of the complaint's service and ground, for its institution,
 * with the bodies that exist on the action's day (a successor for a body
 * that has ended).
 */
static int
chain_of(struct act_ctx *x, struct routing_chain *ch)
{
	struct db_body inst;
	struct db_law law;
	const struct db_complaint *c = &x->c;
	int has = 0, quality;

	memset(&inst, 0, sizeof(inst));
	if (c->subject_institution && *c->subject_institution &&
	    db_body_by_code(x->db, c->subject_institution, &inst) == DB_OK)
		has = 1;
	quality = db_law_get(x->db, c->id, &law) == DB_OK &&
	    strcmp(law.ground, "quality") == 0;
	return routing_chain_at(x->cx->routing, c->service,
	    quality ? ROUTING_GROUND_QUALITY : ROUTING_GROUND_GENERAL, x->today,
	    has ? inst.code : NULL,
	    has && inst.parent_code[0] ? inst.parent_code : NULL, ch);
}

/* "text" or "text: more", when more is given. */
static void
detail_with(struct act_ctx *x, const char *text, const char *more)
{
	snprintf(x->detail, sizeof(x->detail), "%s%s%s", text, more ? ": " : "",
	    more ? more : "");
}

static int
act_assign(struct act_ctx *x)
{
	char text[512];

	x->c.assignee = val(x, "assignee");
	snprintf(text, sizeof(text), "assigned to %s", x->c.assignee);
	detail_with(x, text, val(x, "note"));
	return DB_OK;
}

static int
act_forward(struct act_ctx *x)
{
	struct act_job *a = x->a;
	struct db_complaint n;
	struct db_body to;
	struct routing_chain ch;
	struct att_copy ac;
	struct date d;
	const char *code = val(x, "to"), *reason = val(x, "reason");
	const char *state = x->c.state;
	int rc, level;

	if ((rc = db_body_by_code(x->db, code, &to)) == DB_NOTFOUND)
		return refuse(x, COMPLAINTS_EINVAL, "unknown-body",
		    "no body "
		    "with the code \"%s\"",
		    code);
	if (rc != DB_OK)
		return rc;
	if (to.id == x->b.id)
		return refuse(x, COMPLAINTS_ECONFLICT, "same-body",
		    "a "
		    "complaint cannot be forwarded to its own body");
	copy_content(&n, &x->c);
	n.link = "forwarded-from";
	n.level = x->c.level;
	if (chain_of(x, &ch) == ROUTING_OK &&
	    (level = routing_level_of(&ch, to.code)) >= 0)
		n.level = level;
	n.registrar_name = a->by_name;
	n.registrar_position = a->by_position;
	memset(&ac, 0, sizeof(ac));
	db_attachments_of(x->db, x->c.id, att_collect, &ac);
	snprintf(x->detail, sizeof(x->detail),
	    "forwarded from %s (talon %s): "
	    "%s",
	    x->b.code, x->c.talon, reason);
	rc = complaints_entry_insert(x->db, x->cx, &n, &to, ac.a, ac.n,
	    a->by_name, "register-forwarded", x->detail, &a->ent, &a->err);
	att_free(&ac);
	if (rc != DB_OK)
		return rc;
	a->has_ent = 1;
	/* The original: its own statement was reset: read again. */
	if ((rc = db_complaint_get(x->db, a->id, &x->c, &x->b)) != DB_OK)
		return rc;
	x->c.state = state;
	x->c.open = 0;
	snprintf(x->detail, sizeof(x->detail), "forwarded to %s, talon %s: %s",
	    to.code, a->ent.talon, reason);
	if (cal_forward_due(x->cx->cal, x->c.rules,
		date_from_days(date_to_days(x->today)), x->h->week, &d) == 0)
		date_iso(d, x->due_by);
	else
		date_iso(x->today, x->due_by);
	return complaints_notify(
	    x->db, x->cx, &x->c, &x->b, "forwarded", x->due_by);
}

static int
act_extend(struct act_ctx *x)
{
	struct act_job *a = x->a;
	struct date d, bound, want;
	const char *until = val(x, "until"), *reason = val(x, "reason");
	char bs[11], text[64], prev_due[11];

	if (date_parse(x->c.due, &d) == -1 ||
	    cal_extend(x->cx->cal, x->c.rules, d, x->h->week, &bound) == -1)
		return refuse(x, COMPLAINTS_ECONFLICT, "no-extension",
		    "the "
		    "rule set %s allows no extension",
		    x->c.rules);
	if (until != NULL) {
		if (date_parse(until, &want) == -1)
			return refuse(x, COMPLAINTS_EINVAL, "invalid-document",
			    "until: not a date");
		if (date_cmp(want, d) <= 0)
			return refuse(x, COMPLAINTS_EINVAL,
			    "extension-too-short",
			    "the new due date must be "
			    "after %s",
			    x->c.due);
		if (date_cmp(want, bound) > 0) {
			date_iso(bound, bs);
			return refuse(x, COMPLAINTS_EINVAL,
			    "extension-too-long",
			    "under %s the deadline can "
			    "be extended to %s at the latest",
			    x->c.rules, bs);
		}
		bound = want;
	}
	date_iso(bound, a->due);
	/* The notice gives the term as it was set, then the new one. */
	strlcpy_chk(prev_due, x->c.due, sizeof(prev_due));
	x->c.due = a->due;
	x->c.extended_reason = reason;
	x->c.overdue_at = 0;
	x->c.reminded_at = 0;
	snprintf(text, sizeof(text), "extended to %s", a->due);
	detail_with(x, text, reason);
	if (cal_notify_due(x->cx->cal, x->c.rules, x->today, x->h->week, &d) ==
	    0)
		date_iso(d, x->due_by);
	else
		date_iso(x->today, x->due_by);
	return complaints_notify_prev(
	    x->db, x->cx, &x->c, &x->b, "extended", x->due_by, prev_due);
}

static int
act_decide(struct act_ctx *x)
{
	struct routing_chain ch;

	x->c.outcome = val(x, "outcome");
	x->c.reasoning = val(x, "reasoning");
	x->c.decided_by = x->a->by_name;
	x->c.decided_at = x->now;
	/* At the last level the applicant is told of the court. */
	if (chain_of(x, &ch) == ROUTING_OK &&
	    routing_next(&ch, x->b.code) == NULL)
		x->c.court_told = 1;
	snprintf(x->detail, sizeof(x->detail), "%s%s", x->c.outcome,
	    x->c.court_told ? "; the applicant is told of the right to go to "
			      "court" :
			      "");
	return complaints_notify(x->db, x->cx, &x->c, &x->b, "decision", NULL);
}

static int
act_appeal(struct act_ctx *x)
{
	struct act_job *a = x->a;
	struct db_complaint n;
	struct db_body to;
	struct routing_chain ch;
	const char *next, *state = x->c.state;
	int rc, level;

	if (chain_of(x, &ch) != ROUTING_OK)
		return refuse(x, COMPLAINTS_ECONFLICT, "no-route",
		    "the "
		    "routing rules give no chain for service %d",
		    x->c.service);
	if ((next = routing_next(&ch, x->b.code)) == NULL)
		return refuse(x, COMPLAINTS_ECONFLICT, "no-higher-body",
		    "%s "
		    "is the last level for service %d: the applicant may go "
		    "to court (%s)",
		    x->b.code, x->c.service, ch.court_clause);
	if ((rc = db_body_by_code(x->db, next, &to)) != DB_OK)
		return rc == DB_NOTFOUND ?
		    refuse(x, COMPLAINTS_EINTERNAL, "internal",
			"the routing rules name %s, which is not in "
			"the directory",
			next) :
		    rc;
	if (strcmp(a->by_body, x->b.code) != 0 &&
	    strcmp(a->by_body, to.code) != 0)
		return refuse(x, COMPLAINTS_EPERM, "other-body",
		    "an appeal is "
		    "registered by %s or %s",
		    x->b.code, to.code);
	copy_content(&n, &x->c);
	n.link = "appeal-of";
	n.level = (level = routing_level_of(&ch, to.code)) >= 0 ?
	    level :
	    x->c.level + 1;
	n.channel = val(x, "channel");
	n.received_at = a->received_at;
	n.reasons = val(x, "reasons");
	n.demands = val(x, "demands") ? val(x, "demands") : x->c.demands;
	n.registrar_name = a->by_name;
	n.registrar_position = a->by_position;
	snprintf(x->detail, sizeof(x->detail),
	    "appeal of the decision of %s "
	    "(talon %s)",
	    x->b.code, x->c.talon);
	rc = complaints_entry_insert(x->db, x->cx, &n, &to, NULL, 0, a->by_name,
	    "register-appeal", x->detail, &a->ent, &a->err);
	if (rc != DB_OK)
		return rc;
	a->has_ent = 1;
	if ((rc = db_complaint_get(x->db, a->id, &x->c, &x->b)) != DB_OK)
		return rc;
	x->c.state = state;
	snprintf(x->detail, sizeof(x->detail), "appealed to %s, talon %s",
	    to.code, a->ent.talon);
	return DB_OK;
}

static int
act_withdraw(struct act_ctx *x)
{
	x->c.lwc_reason = "withdrawn";
	detail_with(x, "withdrawn by the applicant", val(x, "reason"));
	return DB_OK;
}

static int
act_lwc(struct act_ctx *x)
{
	const char *ground = val(x, "ground");

	if (strcmp(ground, "anonymous") == 0 && x->c.is_signed &&
	    x->c.address && *x->c.address)
		return refuse(x, COMPLAINTS_ECONFLICT, "not-anonymous",
		    "the "
		    "complaint is signed and gives a postal address");
	if (strcmp(ground, "repeated") == 0 && x->c.repeat_of == 0)
		return refuse(x, COMPLAINTS_ECONFLICT, "not-repeated",
		    "no "
		    "earlier complaint of this applicant on this subject is "
		    "on record");
	x->c.lwc_reason = ground;
	detail_with(x, ground, val(x, "reason"));
	return DB_OK;
}

static int
act_note(struct act_ctx *x)
{
	snprintf(x->detail, sizeof(x->detail), "%s", val(x, "text"));
	return DB_OK;
}

static int
act_answer(struct act_ctx *x)
{
	char text[64];

	x->c.answered_at = x->now;
	x->c.answer_channel = val(x, "channel");
	snprintf(text, sizeof(text), "answer sent by %s", x->c.answer_channel);
	detail_with(x, text, val(x, "note"));
	return DB_OK;
}

static int
act_close(struct act_ctx *x)
{
	detail_with(x, "closed", val(x, "reason"));
	return DB_OK;
}

/*
 * In the writer: loads the complaint, checks who acts and whether the
 * state allows the action, runs the action's row, and writes the change
 * with its event.
 */
static int
act_run(struct db *db, void *arg)
{
	struct act_job *a = arg;
	const struct action *row = &actions[a->kind];
	struct act_ctx x;
	struct db_event ev;
	enum complaints_state from, to;
	int rc;

	memset(&x, 0, sizeof(x));
	x.a = a;
	x.db = db;
	x.cx = a->cx;
	x.now = clock_now();
	if ((rc = db_complaint_get(db, a->id, &x.c, &x.b)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			return refuse(&x, COMPLAINTS_ENOENT,
			    "complaint-not-found", "no complaint %s", a->ref);
		return rc;
	}
	strlcpy_chk(a->before, x.c.state, sizeof(a->before));
	if (complaints_state_parse(x.c.state, &from) == -1)
		return refuse(&x, COMPLAINTS_EINTERNAL, "internal",
		    "the "
		    "complaint is in an unknown state, %s",
		    x.c.state);
	/* The role may do this; the body is checked below. */
	if (complaints_may_act(
		a->actor, row->name, &x.b, a->by_body, &a->err) == -1)
		return DB_CONSTRAINT;
	/* A body acts on its own complaints; an appeal also at the next. */
	if (strcmp(a->by_body, x.b.code) != 0 && a->kind != ACT_APPEAL)
		return refuse(&x, COMPLAINTS_EPERM, "other-body",
		    "the "
		    "complaint is %s's; %s cannot act on it",
		    x.b.code, a->by_body);
	if (complaints_transition(a->kind, from, &to) == -1) {
		if (a->kind == ACT_EXTEND && from == STATE_EXTENDED)
			return refuse(&x, COMPLAINTS_ECONFLICT,
			    "already-extended",
			    "the deadline was extended "
			    "once already; it cannot be extended again");
		return refuse(&x, COMPLAINTS_ECONFLICT,
		    "transition-not-allowed",
		    "%s is not allowed when the "
		    "complaint is %s",
		    row->name, x.c.state);
	}
	x.h = complaints_hours(x.cx, &x.b);
	x.today = complaints_today(x.cx, &x.b, x.now);
	x.c.state = complaints_state_name(to);
	if ((rc = row->run(&x)) != DB_OK)
		return rc;
	if (row->sets_open)
		x.c.open = complaints_state_open(to);
	memset(&ev, 0, sizeof(ev));
	ev.body_id = x.b.id;
	ev.complaint_id = x.c.id;
	ev.at = x.now;
	ev.actor = a->by_name;
	ev.action = row->name;
	/* Copies: c's strings live in a statement that later calls reset. */
	ev.state_before = a->before;
	ev.state_after = x.c.state;
	ev.detail = x.detail[0] ? x.detail : NULL;
	if ((rc = db_complaint_change(db, &x.c, &ev)) != DB_OK)
		return rc;
	strlcpy_chk(a->after, x.c.state, sizeof(a->after));
	strlcpy_chk(a->due, x.c.due, sizeof(a->due));
	return DB_OK;
}

static char *
by_part(xmlNodePtr root, const char *name)
{
	return xmlio_child_text(xmlio_child(root, "by"), name);
}

static void
act_cleanup(struct complaints_call *c)
{
	struct act_job *a = (struct act_job *)(void *)c;

	act_free(a);
	free(a);
}

/* After the commit: the <action-result>. */
static int
act_finish(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	const struct act_job *ap = (const struct act_job *)(void *)c;
	struct complaints *cx = ap->cx;
	struct xmlio_out o;

	notify_outbox_kick(cx->outbox);
	if (xmlio_out_begin(&o, "action-result") == -1 ||
	    xmlio_out_elemf(&o, "id", "%lld", (long long)ap->id) == -1 ||
	    xmlio_out_elem(&o, "action", complaints_action_name(ap->kind)) ==
		-1 ||
	    xmlio_out_elem(&o, "state-before", ap->before) == -1 ||
	    xmlio_out_elem(&o, "state", ap->after) == -1 ||
	    xmlio_out_elem(&o, "due", ap->due) == -1)
		goto fail;
	if (ap->has_ent &&
	    (xmlio_out_start(&o, "new-talon") == -1 ||
		xmlio_out_elemf(&o, "id", "%lld", (long long)ap->ent.id) ==
		    -1 ||
		complaints_out_talon(&o,
		    ap->ent.body.tz[0] ? ap->ent.body.tz : cx->timezone,
		    ap->ent.talon, ap->ent.access_code, ap->ent.year,
		    ap->ent.no, &ap->ent.body, ap->ent.accepted_at) == -1 ||
		xmlio_out_elem(&o, "due", ap->ent.due) == -1 ||
		xmlio_out_end(&o) == -1))
		goto fail;
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the result "
	    "could not be written");
	return -1;
}

struct complaints_call *
complaints_act_begin(struct complaints *cx,
    const struct complaints_actor *actor, const char *ref, const char *xml,
    size_t len, struct complaints_error *e)
{
	struct xmlio_err xe;
	struct act_job *ap;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	struct db *db;
	char *s;
	int rc, k;

	if (complaints_actor_check(actor, e) == -1)
		return NULL;
	if ((ap = calloc(1, sizeof(*ap))) == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory");
		return NULL;
	}
	ap->cx = cx;
	ap->actor = actor;
	ap->ref = ref;
	complaints_call_init(&ap->call, cx, act_run, ap, &ap->err);
	ap->call.finish = act_finish;
	ap->call.cleanup = act_cleanup;
	if ((db = complaints_reader(cx, e)) == NULL)
		goto out;
	rc = complaints_resolve(cx, db, ref, &ap->id, e);
	db_pool_put(cx->readers, db);
	if (rc == -1)
		goto out;
	/* Which action: the root element names it. */
	{
		const char *p = xml, *end = xml + len;
		char name[40];
		size_t n;

		k = -1;
		while (p < end && (p = memchr(p, '<', (size_t)(end - p)))) {
			p++;
			if (p < end && (*p == '?' || *p == '!'))
				continue;
			n = strcspn(p, " \t\r\n/>");
			if (n > 0 && n < sizeof(name) && p + n <= end) {
				memcpy(name, p, n);
				name[n] = '\0';
				for (int i = 0; i < ACT__MAX; i++)
					if (strcmp(actions[i].name, name) == 0)
						k = i;
			}
			break;
		}
		if (k < 0) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "unknown-action",
			    "the document "
			    "must be one of assign, forward, extend, decide, "
			    "appeal, withdraw, leave-without-consideration, "
			    "note, answer, close");
			goto out;
		}
	}
	ap->kind = (enum complaints_action)k;
	if (xmlio_parse(cx->schemas, actions[k].name, xml, len, &doc, &xe) ==
	    -1) {
		complaints_xml_error(e, &xe);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	/* Who acts: the session's staff member, else the document's. */
	if (actor->role != COMPLAINTS_ROLE_SYSTEM) {
		ap->by_name = strdup(actor->name);
		ap->by_position = strdup(actor->position);
		ap->by_body = strdup(actor->body);
	} else {
		ap->by_name = by_part(root, "name");
		ap->by_position = by_part(root, "position");
		ap->by_body = by_part(root, "body");
		if (xmlio_child(root, "by") == NULL) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "invalid-document",
			    "say <by> "
			    "whom, or sign in");
			goto out;
		}
	}
	/* The action's own elements, in the order of its row. */
	for (int i = 0; i < ACT_FIELDS && actions[k].fields[i] != NULL; i++)
		ap->v[i] = xmlio_child_text(root, actions[k].fields[i]);
	if (ap->kind == ACT_APPEAL &&
	    (s = xmlio_child_text(root, "received-at")) != NULL) {
		if (iso_parse(s, &ap->received_at) == -1 ||
		    ap->received_at > clock_now() + 3600) {
			free(s);
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "invalid-document",
			    "received-at: "
			    "give a date and time with a zone, not in the "
			    "future");
			goto out;
		}
		free(s);
	}
	if (ap->by_name == NULL || ap->by_position == NULL ||
	    ap->by_body == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory");
		goto out;
	}
	xmlFreeDoc(doc);
	return &ap->call;
out:
	xmlFreeDoc(doc);
	act_cleanup(&ap->call);
	return NULL;
}

int
complaints_act(struct complaints *cx, const struct complaints_actor *actor,
    const char *ref, const char *xml, size_t len, struct buf *out,
    struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_act_begin(cx, actor, ref, xml, len, e), out, e);
}
