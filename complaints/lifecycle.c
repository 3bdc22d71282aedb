/*
 * complaints: the life of a complaint.
 *
 * One table says which action is allowed in which state and where it
 * leads; every action runs in the writer thread, inside the batch's
 * transaction, and changes the row and appends its event in one call
 * (db_complaint_change), so no change is ever unrecorded.  Forwarding
 * and appeals write a new journal entry at the receiving body, linked
 * to the case.  Notifications are outbox rows in the same transaction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints_int.h"

enum act {
	ACT_ASSIGN,
	ACT_FORWARD,
	ACT_EXTEND,
	ACT_DECIDE,
	ACT_APPEAL,
	ACT_WITHDRAW,
	ACT_LWC,
	ACT_NOTE,
	ACT_ANSWER,
	ACT_CLOSE,
	ACT__MAX
};

/*
 * The state machine: one row per allowed (action, state); to is where it
 * leads.  An action in a state without a row is refused with 409.
 */
static const struct transition {
	enum act	 act;
	const char	*from;
	const char	*to;
} machine[] = {
	{ ACT_ASSIGN, "registered", "in-review" },
	{ ACT_ASSIGN, "in-review", "in-review" },
	{ ACT_ASSIGN, "extended", "extended" },
	{ ACT_FORWARD, "registered", "forwarded" },
	{ ACT_FORWARD, "in-review", "forwarded" },
	{ ACT_EXTEND, "in-review", "extended" },
	{ ACT_DECIDE, "in-review", "decided" },
	{ ACT_DECIDE, "extended", "decided" },
	{ ACT_APPEAL, "decided", "decided" },
	{ ACT_APPEAL, "answered", "answered" },
	{ ACT_WITHDRAW, "registered", "left-without-consideration" },
	{ ACT_WITHDRAW, "in-review", "left-without-consideration" },
	{ ACT_WITHDRAW, "extended", "left-without-consideration" },
	{ ACT_LWC, "registered", "left-without-consideration" },
	{ ACT_LWC, "in-review", "left-without-consideration" },
	{ ACT_LWC, "extended", "left-without-consideration" },
	{ ACT_NOTE, "registered", "registered" },
	{ ACT_NOTE, "in-review", "in-review" },
	{ ACT_NOTE, "extended", "extended" },
	{ ACT_NOTE, "decided", "decided" },
	{ ACT_NOTE, "answered", "answered" },
	{ ACT_ANSWER, "decided", "answered" },
	{ ACT_CLOSE, "answered", "closed" },
};

static const char *const act_names[ACT__MAX] = {
	[ACT_ASSIGN] = "assign",
	[ACT_FORWARD] = "forward",
	[ACT_EXTEND] = "extend",
	[ACT_DECIDE] = "decide",
	[ACT_APPEAL] = "appeal",
	[ACT_WITHDRAW] = "withdraw",
	[ACT_LWC] = "leave-without-consideration",
	[ACT_NOTE] = "note",
	[ACT_ANSWER] = "answer",
	[ACT_CLOSE] = "close",
};

/* The elements of each action that act_run reads as a, b and c. */
static const char *const act_fields[ACT__MAX][3] = {
	[ACT_ASSIGN] = { "assignee", "note", NULL },
	[ACT_FORWARD] = { "to", "reason", NULL },
	[ACT_EXTEND] = { "reason", "until", NULL },
	[ACT_DECIDE] = { "outcome", "reasoning", NULL },
	[ACT_APPEAL] = { "channel", "reasons", "demands" },
	[ACT_WITHDRAW] = { "reason", NULL, NULL },
	[ACT_LWC] = { "ground", "reason", NULL },
	[ACT_NOTE] = { "text", NULL, NULL },
	[ACT_ANSWER] = { "channel", "note", NULL },
	[ACT_CLOSE] = { "reason", NULL, NULL },
};

const char *
cx_transition(const char *action, const char *state)
{
	for (size_t i = 0; i < sizeof(machine) / sizeof(machine[0]); i++)
		if (strcmp(act_names[machine[i].act], action) == 0 &&
		    strcmp(machine[i].from, state) == 0)
			return machine[i].to;
	return NULL;
}

/* An action as parsed. */
struct cx_act {
	struct complaints_call	 call;	/* first: the call frees the whole */
	struct complaints	*cx;
	const struct cx_actor	*actor;
	enum act		 kind;
	const char		*ref;
	char			*by_name, *by_position, *by_body;
	char			*a, *b, *c, *d;	/* per action, see parse */
	time_t			 received_at;
	/* Results. */
	struct cx_error		 err;
	char			 before[32], after[32], due[11];
	int64_t			 id;
	struct cx_entry		 ent;	/* forward and appeal */
	int			 has_ent;
};

static void
act_free(struct cx_act *a)
{
	free(a->by_name);
	free(a->by_position);
	free(a->by_body);
	free(a->a);
	free(a->b);
	free(a->c);
	free(a->d);
}

static int
state_is_open(const char *s)
{
	return strcmp(s, "registered") == 0 || strcmp(s, "in-review") == 0 ||
	    strcmp(s, "extended") == 0;
}

/* The applicant's notice: email where given and allowed, else post. */
int
cx_notify(struct db *db, struct complaints *cx, const struct db_complaint *c,
    const struct db_body *b, const char *kind, const char *due_by)
{
	struct db_notification n;
	char uid[40];
	int internal = strcmp(kind, "overdue") == 0 ||
	    strcmp(kind, "reminder") == 0;

	cx_uid(uid);
	memset(&n, 0, sizeof(n));
	n.uid = uid;
	n.complaint_id = c->id;
	n.kind = kind;
	n.lang = "kk";
	n.created_at = clock_now();
	n.due_by = due_by;
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

static int
refuse(struct cx_act *a, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
refuse(struct cx_act *a, int status, const char *code, const char *fmt, ...)
{
	va_list ap;

	a->err.status = status;
	a->err.retry_after = 0;
	strlcpy_chk(a->err.code, code, sizeof(a->err.code));
	va_start(ap, fmt);
	vsnprintf(a->err.message, sizeof(a->err.message), fmt, ap);
	va_end(ap);
	utf8_trim(a->err.message);
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
	struct db_attachment	 a[MAX_ATTACHMENTS];
	char			*s[MAX_ATTACHMENTS * 3];
	int			 n;
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
	ac->a[ac->n].media_type = ac->s[ac->n * 3 + 1] ?
	    ac->s[ac->n * 3 + 1] : "";
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

/* The chain of the complaint's service, for its institution. */
static int
chain_of(struct db *db, struct complaints *cx, const struct db_complaint *c,
    struct routing_chain *ch)
{
	struct db_body inst;
	int has = 0;

	memset(&inst, 0, sizeof(inst));
	if (c->subject_institution && *c->subject_institution &&
	    db_body_by_code(db, c->subject_institution, &inst) == DB_OK)
		has = 1;
	return routing_chain(cx->routing, c->service, has ? inst.code : NULL,
	    has && inst.parent_code[0] ? inst.parent_code : NULL, ch);
}

static int
act_run(struct db *db, void *arg)
{
	struct cx_act *a = arg;
	struct complaints *cx = a->cx;
	struct db_complaint c, n;
	struct db_body b, to;
	struct db_event ev;
	struct routing_chain ch;
	struct att_copy ac;
	struct date d, bound, today;
	const struct cal_hours *h;
	const char *next;
	char detail[1024], due_by[11];
	time_t now = clock_now();
	int rc, level;

	if ((rc = db_complaint_get(db, a->id, &c, &b)) != DB_OK) {
		if (rc == DB_NOTFOUND)
			return refuse(a, 404, "complaint-not-found",
			    "no complaint %s", a->ref);
		return rc;
	}
	strlcpy_chk(a->before, c.state, sizeof(a->before));
	/* The role may do this; the body is checked below. */
	if (cx_may_act(a->actor, act_names[a->kind], &b, a->by_body,
	    &a->err) == -1)
		return DB_CONSTRAINT;
	/* A body acts on its own complaints; an appeal also at the next. */
	if (strcmp(a->by_body, b.code) != 0 && a->kind != ACT_APPEAL)
		return refuse(a, 403, "other-body", "the complaint is %s's; "
		    "%s cannot act on it", b.code, a->by_body);
	next = cx_transition(act_names[a->kind], c.state);
	if (next == NULL) {
		if (a->kind == ACT_EXTEND && strcmp(c.state, "extended") == 0)
			return refuse(a, 409, "already-extended", "the deadline "
			    "was extended once already; it cannot be "
			    "extended again");
		return refuse(a, 409, "transition-not-allowed", "%s is not "
		    "allowed when the complaint is %s", act_names[a->kind],
		    c.state);
	}
	h = cx_hours(cx, &b);
	today = cx_today(cx, &b, now);
	memset(&ev, 0, sizeof(ev));
	ev.body_id = b.id;
	ev.complaint_id = c.id;
	ev.at = now;
	ev.actor = a->by_name;
	ev.action = act_names[a->kind];
	/* Copies: c's strings live in a statement that later calls reset. */
	ev.state_before = a->before;
	ev.state_after = next;
	detail[0] = '\0';
	c.state = next;

	switch (a->kind) {
	case ACT_ASSIGN:
		c.assignee = a->a;
		snprintf(detail, sizeof(detail), "assigned to %s%s%s", a->a,
		    a->b ? ": " : "", a->b ? a->b : "");
		break;
	case ACT_FORWARD:
		if ((rc = db_body_by_code(db, a->a, &to)) == DB_NOTFOUND)
			return refuse(a, 400, "unknown-body", "no body with "
			    "the code \"%s\"", a->a);
		if (rc != DB_OK)
			return rc;
		if (to.id == b.id)
			return refuse(a, 409, "same-body", "a complaint cannot "
			    "be forwarded to its own body");
		copy_content(&n, &c);
		n.link = "forwarded-from";
		n.level = c.level;
		if (chain_of(db, cx, &c, &ch) == ROUTING_OK &&
		    (level = routing_level_of(&ch, to.code)) >= 0)
			n.level = level;
		n.registrar_name = a->by_name;
		n.registrar_position = a->by_position;
		memset(&ac, 0, sizeof(ac));
		db_attachments_of(db, c.id, att_collect, &ac);
		snprintf(detail, sizeof(detail), "forwarded from %s "
		    "(talon %s): %s", b.code, c.talon, a->b);
		rc = cx_entry_insert(db, cx, &n, &to, ac.a, ac.n, a->by_name,
		    "register-forwarded", detail, &a->ent, &a->err);
		att_free(&ac);
		if (rc != DB_OK)
			return rc;
		a->has_ent = 1;
		/* The original: its own statement was reset: read again. */
		if ((rc = db_complaint_get(db, a->id, &c, &b)) != DB_OK)
			return rc;
		c.state = next;
		c.open = 0;
		snprintf(detail, sizeof(detail), "forwarded to %s, talon %s: "
		    "%s", to.code, a->ent.talon, a->b);
		if (cal_forward_due(cx->cal, c.rules, date_from_days(
		    date_to_days(today)), h->week, &d) == 0)
			date_iso(d, due_by);
		else
			date_iso(today, due_by);
		if ((rc = cx_notify(db, cx, &c, &b, "forwarded", due_by)) !=
		    DB_OK)
			return rc;
		break;
	case ACT_EXTEND:
		if (date_parse(c.due, &d) == -1 ||
		    cal_extend(cx->cal, c.rules, d, h->week, &bound) == -1)
			return refuse(a, 409, "no-extension", "the rule set %s "
			    "allows no extension", c.rules);
		if (a->b != NULL) {
			struct date want;

			if (date_parse(a->b, &want) == -1)
				return refuse(a, 400, "invalid-document",
				    "until: not a date");
			if (date_cmp(want, d) <= 0)
				return refuse(a, 400, "extension-too-short",
				    "the new due date must be after %s", c.due);
			if (date_cmp(want, bound) > 0) {
				char bs[11];

				date_iso(bound, bs);
				return refuse(a, 400, "extension-too-long",
				    "under %s the deadline can be extended to "
				    "%s at the latest", c.rules, bs);
			}
			bound = want;
		}
		date_iso(bound, a->due);
		c.due = a->due;
		c.extended_reason = a->a;
		c.overdue_at = 0;
		c.reminded_at = 0;
		snprintf(detail, sizeof(detail), "extended to %s: %s", a->due,
		    a->a);
		if (cal_notify_due(cx->cal, c.rules, today, h->week, &d) == 0)
			date_iso(d, due_by);
		else
			date_iso(today, due_by);
		if ((rc = cx_notify(db, cx, &c, &b, "extended", due_by)) !=
		    DB_OK)
			return rc;
		break;
	case ACT_DECIDE:
		c.outcome = a->a;
		c.reasoning = a->b;
		c.decided_by = a->by_name;
		c.decided_at = now;
		/* At the last level the applicant is told of the court. */
		if (chain_of(db, cx, &c, &ch) == ROUTING_OK &&
		    routing_next(&ch, b.code) == NULL)
			c.court_told = 1;
		snprintf(detail, sizeof(detail), "%s%s", a->a, c.court_told ?
		    "; the applicant is told of the right to go to court" : "");
		if ((rc = cx_notify(db, cx, &c, &b, "decision", NULL)) != DB_OK)
			return rc;
		break;
	case ACT_APPEAL:
		if (chain_of(db, cx, &c, &ch) != ROUTING_OK)
			return refuse(a, 409, "no-route", "the routing rules "
			    "give no chain for service %d", c.service);
		if ((next = routing_next(&ch, b.code)) == NULL)
			return refuse(a, 409, "no-higher-body", "%s is the "
			    "last level for service %d: the applicant may go "
			    "to court (%s)", b.code, c.service,
			    ch.court_clause);
		if ((rc = db_body_by_code(db, next, &to)) != DB_OK)
			return rc == DB_NOTFOUND ? refuse(a, 500, "internal",
			    "the routing rules name %s, which is not in the "
			    "directory", next) : rc;
		if (strcmp(a->by_body, b.code) != 0 &&
		    strcmp(a->by_body, to.code) != 0)
			return refuse(a, 403, "other-body", "an appeal is "
			    "registered by %s or %s", b.code, to.code);
		copy_content(&n, &c);
		n.link = "appeal-of";
		n.level = (level = routing_level_of(&ch, to.code)) >= 0 ?
		    level : c.level + 1;
		n.channel = a->a;
		n.received_at = a->received_at;
		n.reasons = a->b;
		n.demands = a->c ? a->c : c.demands;
		n.registrar_name = a->by_name;
		n.registrar_position = a->by_position;
		snprintf(detail, sizeof(detail), "appeal of the decision of "
		    "%s (talon %s)", b.code, c.talon);
		rc = cx_entry_insert(db, cx, &n, &to, NULL, 0, a->by_name,
		    "register-appeal", detail, &a->ent, &a->err);
		if (rc != DB_OK)
			return rc;
		a->has_ent = 1;
		if ((rc = db_complaint_get(db, a->id, &c, &b)) != DB_OK)
			return rc;
		snprintf(detail, sizeof(detail), "appealed to %s, talon %s",
		    to.code, a->ent.talon);
		break;
	case ACT_WITHDRAW:
		c.lwc_reason = "withdrawn";
		c.open = 0;
		snprintf(detail, sizeof(detail), "withdrawn by the applicant%s"
		    "%s", a->a ? ": " : "", a->a ? a->a : "");
		break;
	case ACT_LWC:
		if (strcmp(a->a, "anonymous") == 0 && c.is_signed &&
		    c.address && *c.address)
			return refuse(a, 409, "not-anonymous", "the complaint "
			    "is signed and gives a postal address");
		if (strcmp(a->a, "repeated") == 0 && c.repeat_of == 0)
			return refuse(a, 409, "not-repeated", "no earlier "
			    "complaint of this applicant on this subject is "
			    "on record");
		c.lwc_reason = a->a;
		c.open = 0;
		snprintf(detail, sizeof(detail), "%s%s%s", a->a,
		    a->b ? ": " : "", a->b ? a->b : "");
		break;
	case ACT_NOTE:
		snprintf(detail, sizeof(detail), "%s", a->a);
		break;
	case ACT_ANSWER:
		c.answered_at = now;
		c.answer_channel = a->a;
		c.open = 0;
		snprintf(detail, sizeof(detail), "answer sent by %s%s%s", a->a,
		    a->b ? ": " : "", a->b ? a->b : "");
		break;
	case ACT_CLOSE:
		c.open = 0;
		snprintf(detail, sizeof(detail), "closed%s%s", a->a ? ": " : "",
		    a->a ? a->a : "");
		break;
	default:
		return DB_ERROR;
	}
	if (a->kind == ACT_DECIDE || a->kind == ACT_ANSWER ||
	    a->kind == ACT_CLOSE || a->kind == ACT_FORWARD ||
	    a->kind == ACT_WITHDRAW || a->kind == ACT_LWC)
		c.open = state_is_open(c.state);
	ev.state_after = c.state;
	ev.detail = detail[0] ? detail : NULL;
	if ((rc = db_complaint_change(db, &c, &ev)) != DB_OK)
		return rc;
	strlcpy_chk(a->after, c.state, sizeof(a->after));
	strlcpy_chk(a->due, c.due, sizeof(a->due));
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
	struct cx_act *a = (struct cx_act *)(void *)c;

	act_free(a);
	free(a);
}

/* After the commit: the <action-result>. */
static int
act_finish(struct complaints_call *c, struct buf *out, struct cx_error *e)
{
	const struct cx_act *ap = (const struct cx_act *)(void *)c;
	struct complaints *cx = ap->cx;
	struct xmlio_out o;
	enum act k = ap->kind;

	cx_outbox_kick(cx);
	if (xmlio_out_begin(&o, "action-result") == -1 ||
	    xmlio_out_elemf(&o, "id", "%lld", (long long)ap->id) == -1 ||
	    xmlio_out_elem(&o, "action", act_names[k]) == -1 ||
	    xmlio_out_elem(&o, "state-before", ap->before) == -1 ||
	    xmlio_out_elem(&o, "state", ap->after) == -1 ||
	    xmlio_out_elem(&o, "due", ap->due) == -1)
		goto fail;
	if (ap->has_ent) {
		char no[24], y[8];

		snprintf(no, sizeof(no), "%lld", (long long)ap->ent.no);
		snprintf(y, sizeof(y), "%d", ap->ent.year % 10000);
		if (xmlio_out_start(&o, "new-talon") == -1 ||
		    xmlio_out_elemf(&o, "id", "%lld", (long long)ap->ent.id) ==
		    -1 ||
		    xmlio_out_elem(&o, "number", ap->ent.talon) == -1 ||
		    xmlio_out_elem(&o, "access-code",
		    ap->ent.access_code) == -1 ||
		    xmlio_out_start(&o, "journal-number") == -1 ||
		    xmlio_out_attr(&o, "year", y) == -1 ||
		    xmlTextWriterWriteString(o.w, BAD_CAST no) < 0 ||
		    xmlio_out_end(&o) == -1 ||
		    cx_out_body(&o, &ap->ent.body) == -1 ||
		    cx_out_time(&o, "accepted-at", ap->ent.body.tz[0] ?
		    ap->ent.body.tz : cx->timezone,
		    ap->ent.accepted_at) == -1 ||
		    xmlio_out_elem(&o, "due", ap->ent.due) == -1 ||
		    xmlio_out_end(&o) == -1)
			goto fail;
	}
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	cx_error_set(e, 500, "internal", "the result could not be written");
	return -1;
}

struct complaints_call *
complaints_act_begin(struct complaints *cx, const struct cx_actor *actor,
    const char *ref, const char *xml, size_t len, struct cx_error *e)
{
	struct xmlio_err xe;
	struct cx_act *ap;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	struct db *db;
	char *s;
	int rc, k;

	if ((ap = calloc(1, sizeof(*ap))) == NULL) {
		cx_error_set(e, 500, "internal", "out of memory");
		return NULL;
	}
	ap->cx = cx;
	ap->actor = actor;
	ap->ref = ref;
	cx_call_init(&ap->call, cx, act_run, ap, &ap->err);
	ap->call.finish = act_finish;
	ap->call.cleanup = act_cleanup;
	db = db_pool_get(cx->readers);
	rc = cx_resolve(cx, db, ref, &ap->id, e);
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
					if (strcmp(act_names[i], name) == 0)
						k = i;
			}
			break;
		}
		if (k < 0) {
			cx_error_set(e, 400, "unknown-action", "the document "
			    "must be one of assign, forward, extend, decide, "
			    "appeal, withdraw, leave-without-consideration, "
			    "note, answer, close");
			goto out;
		}
	}
	ap->kind = (enum act)k;
	if (xmlio_parse(cx->schemas, act_names[k], xml, len, &doc,
	    &xe) == -1) {
		cx_xml_error(e, &xe);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	/* Who acts: the session's staff member, else the document's. */
	if (actor != NULL) {
		ap->by_name = strdup(actor->name);
		ap->by_position = strdup(actor->position);
		ap->by_body = strdup(actor->body);
	} else {
		ap->by_name = by_part(root, "name");
		ap->by_position = by_part(root, "position");
		ap->by_body = by_part(root, "body");
		if (xmlio_child(root, "by") == NULL) {
			cx_error_set(e, 400, "invalid-document", "say <by> "
			    "whom, or sign in");
			goto out;
		}
	}
	/* The action's own elements, in the order of act_fields. */
	ap->a = xmlio_child_text(root, act_fields[k][0]);
	if (act_fields[k][1])
		ap->b = xmlio_child_text(root, act_fields[k][1]);
	if (act_fields[k][2])
		ap->c = xmlio_child_text(root, act_fields[k][2]);
	if (ap->kind == ACT_APPEAL &&
	    (s = xmlio_child_text(root, "received-at")) != NULL) {
		if (iso_parse(s, &ap->received_at) == -1 ||
		    ap->received_at > clock_now() + 3600) {
			free(s);
			cx_error_set(e, 400, "invalid-document", "received-at: "
			    "give a date and time with a zone, not in the "
			    "future");
			goto out;
		}
		free(s);
	}
	if (ap->by_name == NULL || ap->by_position == NULL ||
	    ap->by_body == NULL) {
		cx_error_set(e, 500, "internal", "out of memory");
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
complaints_act(struct complaints *cx, const struct cx_actor *actor,
    const char *ref, const char *xml, size_t len, struct buf *out,
    struct cx_error *e)
{
	return complaints_call_wait(complaints_act_begin(cx, actor, ref, xml,
	    len, e), out, e);
}
