/* complaints: what the files of complaints/ share; not for callers. */
#ifndef COMPLAINTS_INT_H
#define COMPLAINTS_INT_H

#include <pthread.h>
#include <stdint.h>

#include "calendar/calendar.h"
#include "complaints/complaints.h"
#include "db/db.h"
#include "notify/notify.h"
#include "routing/routing.h"
#include "xmlio/xmlio.h"

#define MAX_ATTACHMENTS 100

struct complaints {
	struct db *wdb;
	struct db_writer *writer;
	struct db_pool *readers;
	struct xmlio_schemas *schemas;
	struct cal *cal;
	struct routing *routing;
	char *timezone;
	char *rules;
	uint8_t secret[32];
	int remind_days;
	int repeat_days;
	int watch_interval;
	int session_hours, session_idle, token_days;
	struct limit *signin;		       /* failed sign-ins */
	char *status_url;		       /* on talon slips */
	struct notify_outbox *outbox;	       /* the delivery worker */
	const struct notify_outbox_conf *mail; /* its settings */
	struct ticker *watch;		       /* the deadline watch */
	/* Online filing's mailer and limits (filing.c); NULL: off. */
	struct filing *filing;
};

/* What a new journal entry was given. */
struct complaints_entry {
	int64_t id;
	char talon[TALON_LEN + 1];
	char access_code[ACCESS_CODE_LEN + 1];
	char due[11];
	const char *rules; /* static: from the calendar */
	int year;
	int64_t no;
	time_t accepted_at;
	struct db_body body;
	char proposal[32]; /* the competent body, if not this */
	/* The law as it applied (complaints/law.c). */
	struct db_law law;
	time_t received_at; /* when it arrived, if earlier */
	/* What the service's regulation asks and was not checked. */
	char intake_missing[512];
};

/*
 * Writes a new journal entry at body b, in the writer's transaction: the
 * journal number, talon, access code, due date, attachments, the event,
 * and the repeat link.  c holds the content (and the case links); the
 * rest is filled here.  Errors go into e.
 */
int complaints_entry_insert(struct db *, struct complaints *,
    struct db_complaint *c, const struct db_body *b,
    const struct db_attachment *att, int natt, const char *actor,
    const char *action, const char *detail, struct complaints_entry *out,
    struct complaints_error *e);

/* Finds by talon number; complaints_resolve also takes an id. */
int complaints_lookup_talon(struct complaints *, struct db *,
    const char *number, struct db_status *, struct complaints_error *);
int complaints_resolve(struct complaints *, struct db *, const char *ref,
    int64_t *id, struct complaints_error *);

/* The deadline watch thread (watch.c). */
int complaints_watch_start(struct complaints *);
void complaints_watch_stop(struct complaints *);

/* The states of a complaint and the actions on it (lifecycle.c). */
enum complaints_state {
	STATE_REGISTERED,
	STATE_IN_REVIEW,
	STATE_EXTENDED,
	STATE_DECIDED,
	STATE_ANSWERED,
	STATE_CLOSED,
	STATE_FORWARDED,
	STATE_LWC, /* left without consideration */
	STATE__MAX
};
enum complaints_action {
	ACT_ASSIGN,
	ACT_FORWARD,
	ACT_EXTEND,
	ACT_DECIDE,
	ACT_APPEAL,
	ACT_WITHDRAW,
	ACT_LWC, /* leave without consideration */
	ACT_NOTE,
	ACT_ANSWER,
	ACT_CLOSE,
	ACT__MAX
};
/* The names stored and shown: "in-review", "leave-without-...". */
const char *complaints_state_name(enum complaints_state);
int complaints_state_parse(const char *, enum complaints_state *);
/* Whether the state waits on the body (the column open, the inbox). */
int complaints_state_open(enum complaints_state);
/*
 * An FTS5 query from what a person typed: each word quoted, a prefix
 * when prefix is set, all of them required.  -1 when no word is left or
 * q is too short.
 */
int complaints_fts_query(const char *text, int prefix, char *q, size_t size);
const char *complaints_action_name(enum complaints_action);
/* Where an action leads from a state; -1 when it is not allowed. */
int complaints_transition(enum complaints_action, enum complaints_state from,
    enum complaints_state *to);

/* -1 with EAUTH when a is NULL: nobody signed in. */
int complaints_actor_check(
    const struct complaints_actor *a, struct complaints_error *);

/*
 * Scope (scope.c): -1 with EPERM in e when the actor may not; EAUTH for
 * NULL; complaints_system may everything.
 */
/* Whether b is the body ancestor or below it (scope.c). */
int
complaints_within(struct db *, const char *ancestor, const struct db_body *b);
int complaints_may_read(struct db *, const struct complaints_actor *,
    const struct db_body *, int overdue, struct complaints_error *);
/* also: a second body that may act (the next level, for an appeal). */
int complaints_may_act(const struct complaints_actor *, const char *action,
    const struct db_body *, const char *also, struct complaints_error *);
int complaints_may_list(struct db *, const struct complaints_actor *,
    const char *body, int overdue, struct complaints_error *);

/*
 * The outbox worker's hook (notices.c): a notification of complaint_id
 * has gone out by channel; a decision makes the complaint answered.  In
 * the writer's transaction; a DB_ code.
 */
int complaints_delivered(void *arg, struct db *, int64_t complaint_id,
    const char *kind, const char *channel, const char *detail);
/* The mail transport's configuration, the outbox worker's (filing). */
struct notify_smtp_conf;
void complaints_smtp_conf(struct complaints *, struct notify_smtp_conf *);
/*
 * Ends a document written into o: ok 1, its text into out; ok 0 (or a
 * full out), o freed and e says the answer could not be written.
 */
int complaints_out_answer(
    struct xmlio_out *o, int ok, struct buf *out, struct complaints_error *e);
/* Online filing's mailer (filing.c); off without mail. */
int complaints_filing_start(struct complaints *);
/*
 * Registers the <complaint> xml as complaints_register_begin does and,
 * in the same savepoint, links mail mail_id to the new entry (409 when
 * it is linked already); after the commit the talon goes to to (NULL:
 * nobody) with the slip.
 */
struct complaints_call *complaints_filing_register(struct complaints *,
    const struct complaints_actor *, const char *xml, size_t len,
    int64_t mail_id, const char *to, const char *surname, const char *name,
    const char *patronymic, struct complaints_error *);
/*
 * Stores, in the caller's transaction, the automatic answer (RFC 3834)
 * to a complaint by email that body b received at: DB_OK, DB_NOTFOUND
 * when there is no mail or too many wait, or the store's error.
 */
int complaints_filing_received(struct db *, struct complaints *, const char *to,
    const char *message_id, const struct db_body *b, time_t at);
/* Wakes the mailer of filing.c: a mail was stored. */
void complaints_filing_kick(struct complaints *);
/* The entry a registration call wrote, once its job has run. */
const struct complaints_entry *
complaints_register_entry(const struct complaints_call *);
void complaints_filing_stop(struct complaints *);

/* Maps a storage failure to an answer. */
/*
 * A reader of the pool, or NULL with "busy" (EUNAVAIL, Retry-After) in e
 * when none came free in time.  Give it back with db_pool_put.
 */
struct db *complaints_reader(struct complaints *, struct complaints_error *);
int complaints_db_error(struct complaints_error *, int rc, const char *what);
/*
 * The body of that code into *b: DB_OK; else the store's code, with e
 * saying why: "unknown-body" (as errc: EINVAL for a code the caller gave,
 * ENOENT where the code names a resource) when there is none.
 */
int complaints_body_named(struct db *, const char *code, struct db_body *b,
    enum complaints_errc errc, struct complaints_error *e);
int complaints_xml_error(struct complaints_error *, const struct xmlio_err *);

/*
 * A write in flight (call.c).  A call is the first member of the
 * structure of its job, so that complaints_call_free frees the whole:
 * cleanup, when set, frees what the job holds and the job itself.
 */
struct complaints_call {
	struct db_job job;
	struct complaints *cx;
	int (*run)(struct db *, void *); /* writer */
	void *arg;
	struct complaints_error *err; /* where run puts its error */
	const char *what;	      /* "the change": for messages */
	/* After the commit, in the caller's thread; NULL: nothing. */
	int (*finish)(
	    struct complaints_call *, struct buf *, struct complaints_error *);
	void (*cleanup)(struct complaints_call *);
	int rc;
	void (*done)(void *);
	void *done_arg;
};
void complaints_call_init(struct complaints_call *, struct complaints *,
    int (*run)(struct db *, void *), void *arg, struct complaints_error *err);
/*
 * Runs a job on the writer and waits for its commit: for the service's
 * own threads (the watch, the outbox) and tools, never a request's.
 */
int complaints_run(struct complaints *, int (*run)(struct db *, void *),
    void *arg, struct complaints_error *e, struct complaints_error *job_err);

/* A body's working hours and week. */
const struct cal_hours *
complaints_hours(struct complaints *, const struct db_body *);
/* Today at the body, as a date. */
struct date
complaints_today(struct complaints *, const struct db_body *, time_t);

/* XML helpers shared by the documents. */
int complaints_out_body(struct xmlio_out *, const struct db_body *);
int complaints_out_time(
    struct xmlio_out *, const char *name, const char *tz, time_t);

/*
 * The elements every talon has, in every document that shows one:
 * number, access code (only when given), journal number and year, body,
 * when it was accepted.
 */
int complaints_out_talon(struct xmlio_out *, const char *tz, const char *talon,
    const char *access_code, int year, int64_t journal_no,
    const struct db_body *, time_t accepted);

/*
 * The law as it applies to a new entry (complaints/law.c).  complaints_law_due:
 * the due date under the rule set the rule data chooses for the service
 * and the level of body b, counted from registration (reg) or from
 * receipt (received, when earlier than accepted) as the rule set says.
 * complaints_law_intake: checks the service's intake requirements against the
 * complaint and the registrar's marks (checked: "what=1;what=0;"), fills
 * l->intake with the record of what was checked, missing with what is
 * missing; returns how many are missing.
 */
int complaints_law_due(struct complaints *, const struct db_body *b,
    const struct moment *reg, time_t accepted, time_t received, int service,
    struct cal_due_out *);
int complaints_law_intake(struct complaints *, const struct db_complaint *c,
    const char *checked, struct db_law *l, char *missing, size_t len);
/*
 * The registrar's marks of an <intake> element (NULL: none) as
 * "what=1;what=0;" into *out (NULL when there are none); caller frees.
 * -1 out of memory.
 */
int complaints_intake_marks(xmlNodePtr intake, char **out);

/*
 * What the law adds to a talon (NULL: nothing): the clause, basis and
 * start of the due date, the ground, the forwarding deadline, when the
 * complaint was received (0: at registration), and what the intake
 * lacked (NULL or "": nothing).
 */
struct complaints_talon_law {
	const struct db_law *law;
	time_t received_at;
	const char *intake_missing;
};
int complaints_talon_law_xml(
    struct xmlio_out *, const struct complaints_talon_law *);
/*
 * For the talon slip: when it was received, if before the registration
 * (ISO 8601, rlen at least 32; "" otherwise), and the rule and clause of
 * its due date ("state-services-2013, art. 25 p. 2"; "" for an older
 * entry).
 */
void
complaints_slip_law(struct complaints *, struct db *, const struct db_status *,
    char *received, size_t rlen, char *rule, size_t len);
/* The <law> of a complaint's record (nothing for an older entry). */
int complaints_record_law_xml(
    struct xmlio_out *, struct db *, int64_t id, const char *tz);
/* The law of a stored entry, for its talon; -1 when it cannot be read. */
int complaints_law_of(
    struct db *, int64_t id, struct db_law *, struct complaints_talon_law *);

/* One pass of a deadline watch, in the writer (complaints/watch.c). */
struct complaints_watch_job {
	struct complaints *cx;
	int remind; /* 1: remind; 0: overdue */
	int marked; /* how many this batch */
	struct complaints_error err;
};
/*
 * The forwarding watch's batch (complaints/forward_watch.c): marks at
 * most COMPLAINTS_FORWARD_BATCH entries still "registered" at a body
 * that must forward them, reminded or overdue as w->remind says.
 */
#define COMPLAINTS_FORWARD_BATCH 256
int complaints_forward_run(struct db *, void *w);
/*
 * For the watches: *intact 0 (and a warning logged) when the entry's row
 * was changed behind the daemon's back; a watch leaves it unmarked, so
 * that verify still names it.
 */
int complaints_watch_intact(struct db *, int64_t id, int *intact);

/* Writes a <talon>; the access code and proposal only when given. */
int
complaints_talon_xml(const char *tz, const char *talon, const char *access_code,
    int year, int64_t journal_no, const struct db_body *b, time_t accepted,
    const char *name, const char *position, const char *due, const char *rules,
    int service, const char *proposal, const struct complaints_talon_law *,
    struct buf *out, struct complaints_error *e);

/* The key that finds repeated complaints: applicant and subject. */
void complaints_applicant_key(const char *surname, const char *name,
    const char *address, const char *institution, const char *subject,
    uint8_t out[32]);

/* A stable id for a notification (the email's Message-ID). */
void complaints_uid(char out[40]);

/* Queues a notification row of kind for complaint c, in the txn. */
int complaints_notify(struct db *, struct complaints *,
    const struct db_complaint *c, const struct db_body *b, const char *kind,
    const char *due_by);
/* As complaints_notify, for an extension: prev_due is the due date it
   replaces, which the notice gives first. */
int complaints_notify_prev(struct db *, struct complaints *,
    const struct db_complaint *c, const struct db_body *b, const char *kind,
    const char *due_by, const char *prev_due);

/*
 * Reports (report.c computes, report_out.c writes XLSX and SVG).  A
 * figure is a counter of db/report_sql.h or one computed here.
 */
enum report_special {
	RF_OVERDUE_NOW = DB_RF__MAX, /* open and overdue, received in the
					   period */
	RF_DAYS_AVERAGE,	     /* working days to decision: mean */
	RF_DAYS_P90		     /* and 90th percentile */
};
struct report_figure {
	const char *name;    /* in the XML, the trace, the CSV */
	int idx;	     /* enum db_report_figure or special */
	const char *kk, *ru; /* column headers */
};
extern const struct report_figure report_figures[];
extern const size_t report_nfigures;

#define REPORT_GROUPS_MAX 5000
#define REPORT_WD_MAX	  1000 /* working days; longer ones here */

struct report_group {
	char key[128]; /* body code, service, month, ... */
	char name_kk[256], name_ru[256];
	int64_t v[DB_RF__MAX];
	int64_t overdue;
	int p90; /* -1: no decision */
};
struct report {
	char group[16], from[11], to[11];
	struct db_body body; /* id 0: every body */
	int service;
	size_t n;
	struct report_group *g;
	struct report_group total;
};
/* Checks the scope and computes; report_free after either result. */
int report_make(struct complaints *, struct db *,
    const struct complaints_actor *, const struct complaints_report_query *,
    struct report *, struct complaints_error *);
void report_free(struct report *);
/* A figure's value as a number (the average with a decimal). */
double report_value(const struct report_group *, int idx);
/* Writes the report as XML, CSV or a text table; -1 when out is full. */
int report_write(
    const struct report *, enum complaints_report_format, struct buf *);
/*
 * Brings the working-day table of the reports up to the calendar (local
 * days of zone tz from REPORT_FIRST_YEAR to the end of next year), and
 * counts the journal again when a day gone by was missing or changed; in
 * the caller's transaction.
 */
#define REPORT_FIRST_YEAR 2012
int complaints_report_calendar(struct db *, const struct cal *, const char *tz);
/* The same through the writer, when the service opens. */
int report_open(struct complaints *, char *err, size_t);

#endif /* COMPLAINTS_INT_H */
