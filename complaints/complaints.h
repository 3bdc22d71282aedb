/*
 * complaints: the domain.  The journal, the talon, registration and the
 * status of a complaint.  The daemon and the client call this; this calls
 * db/, calendar/ and xmlio/.
 *
 * Functions return 0 (or a pointer) on success and -1 (or NULL) on
 * failure, with a struct complaints_error that says what kind of failure (an
 * enum complaints_errc: the daemon alone maps it to an HTTP status), a
 * machine-readable code for the <error> document, and a message.
 */
#ifndef COMPLAINTS_H
#define COMPLAINTS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "notify/notify.h"
#include "util/util.h"

enum complaints_errc {
	COMPLAINTS_OK,
	COMPLAINTS_EINVAL,    /* the request is wrong: document, parameter */
	COMPLAINTS_EAUTH,     /* who asks is not known: sign in */
	COMPLAINTS_EPERM,     /* who asks may not do this */
	COMPLAINTS_ENOENT,    /* no such complaint, talon, body, account */
	COMPLAINTS_ECONFLICT, /* not in this state, or taken already */
	COMPLAINTS_ELIMIT,    /* too many attempts: wait retry_after */
	COMPLAINTS_EINTERNAL, /* a fault of the server */
	COMPLAINTS_EUNAVAIL   /* cannot be done now: try again later */
};
/* What a kind of failure is, in a few words. */
const char *complaints_strerror(enum complaints_errc);

struct complaints_error {
	enum complaints_errc errc;
	int retry_after; /* seconds, for ELIMIT and EUNAVAIL; 0: none */
	char code[40];	 /* machine-readable: "talon-not-found" */
	char message[600];
};
void complaints_error_set(struct complaints_error *, enum complaints_errc,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void complaints_error_vset(struct complaints_error *, enum complaints_errc,
    const char *code, const char *fmt, va_list)
    __attribute__((format(printf, 4, 0)));

/* --- Talon numbers and access codes (talon.c) --- */

/* The Damm check digit of a string of decimal digits. */
int complaints_talon_damm(const char *digits, size_t n);

#define TALON_LEN    16 /* YYYY-NNNNNNNNN-C */
#define TALON_DIGITS 14

enum complaints_talon_check {
	TALON_OK,
	TALON_MALFORMED, /* not 14 digits with optional hyphens */
	TALON_BAD_CHECK	 /* the check digit does not match */
};
/*
 * Reads a talon number as a person types it (digits, hyphens, spaces)
 * and writes the canonical form.
 */
enum complaints_talon_check
complaints_talon_parse(const char *in, char out[TALON_LEN + 1]);
/* A new random talon number for the year. */
void complaints_talon_generate(int year, char out[TALON_LEN + 1]);

#define ACCESS_CODE_LEN 8
/* A new access code: 8 Crockford base32 characters, 40 random bits. */
void complaints_access_code_generate(char out[ACCESS_CODE_LEN + 1]);
/*
 * Normalises a typed access code (case, hyphens, spaces, O/I/L) and
 * checks it; -1 when it is not 8 valid characters.
 */
int
complaints_access_code_normalise(const char *in, char out[ACCESS_CODE_LEN + 1]);
/* The keyed BLAKE2b-256 of a normalised code; the key is the secret. */
void complaints_access_code_hash(
    const uint8_t key[32], const char *code, uint8_t out[32]);

/* --- Staff (staff.c) --- */

enum complaints_role {
	COMPLAINTS_ROLE_REGISTRAR, /* registers, forwards, notes,
	    answers */
	COMPLAINTS_ROLE_HEAD,	   /* also assigns, extends, decides */
	COMPLAINTS_ROLE_DESK,	   /* the ministry's escalation desk */
	COMPLAINTS_ROLE_ADMIN,	   /* accounts and data, no complaints */
	COMPLAINTS_ROLE_MONITOR,   /* reads /metrics, nothing else */
	COMPLAINTS_ROLE_PARTNER,   /* an Open311 client that registers
				      citizens' complaints at once */
	COMPLAINTS_ROLE_SYSTEM	   /* the server's own tools: trusted */
};

/*
 * Who is asking: from a session or an API token, or complaints_system.
 * Every function that takes an actor refuses NULL (EAUTH), so that a
 * route that forgets to sign its caller in fails closed.
 */
struct complaints_actor {
	int64_t staff_id, token_id;
	char login[64];
	char name[256];
	char position[256];
	char body[32];
	int64_t body_id;
	enum complaints_role role;
};
/*
 * The server's own tools on its database (complaintctl --data-dir, the
 * deadline watch, tests): trusted with everything, recorded as
 * "server"; takes the body and the registrar from the documents.
 */
extern const struct complaints_actor complaints_system;
const char *complaints_role_name(enum complaints_role);
int complaints_role_parse(const char *, enum complaints_role *);

/* --- The service (service.c) --- */

struct complaints;

struct complaints_conf {
	const char *db_path;
	const char *secret_path; /* the key for access-code hashes */
	const char *schema_dir;
	const char *calendar_xml;   /* NULL: schema_dir/data/... */
	const char *calendar_local; /* a registrar's additions, or NULL */
	const char *rules_xml;	    /* NULL: schema_dir/data/rules.xml */
	const char *timezone;	    /* default zone of bodies */
	const char *rules;	    /* pin a rule set; NULL: by date */
	const char *routing_xml;    /* NULL: schema_dir/data/... */
	int remind_days;	    /* working days before the due date */
	int repeat_days;	    /* a repeat within this many days */
	int watch_interval;	    /* seconds; 0: no deadline watch */
	int session_hours;	    /* a session lasts at most */
	int session_idle;	    /* minutes without use end it */
	int token_days;		    /* an API token lasts at most */
	/*
	 * Delivery of notifications: the outbox worker's settings (its
	 * store, routing and hook are the service's own); status_url is
	 * printed on talon slips too.  The notices' texts are the views'
	 * (web_init() loads them).
	 */
	struct notify_outbox_conf delivery;
	int readers;
	const char *test_write_hold; /* tests: a file that stalls writes */
	int reader_wait_ms;	     /* a request waits for a reader */
	size_t queue_max;
	size_t batch_max;
};

struct complaints *
complaints_open(const struct complaints_conf *, char *err, size_t);
/* Finishes the registrations in flight, then closes. */
void complaints_close(struct complaints *);

/*
 * A write in flight.  Every change of the store has a _begin function
 * that parses, validates and checks in the caller's thread and returns
 * a call (NULL with e set when it fails there); complaints_call_submit
 * queues it for the writer thread, and done(arg) is called from that
 * thread once the change is on disk or has failed; then
 * complaints_call_result writes the answer into out (nothing for a
 * change that answers nothing) or the error.  The strings and the actor
 * given to a _begin function must stay valid until the call is freed.
 * The functions without _begin do all of it and wait: for tools and
 * tests, never for a request's thread.
 */
struct complaints_call;
int complaints_call_submit(struct complaints *, struct complaints_call *,
    void (*done)(void *), void *arg, struct complaints_error *);
int complaints_call_result(
    struct complaints_call *, struct buf *out, struct complaints_error *);
void complaints_call_free(struct complaints_call *);
/* Submits, waits, takes the result and frees the call (NULL: -1). */
int complaints_call_wait(
    struct complaints_call *, struct buf *out, struct complaints_error *);

/*
 * Registration: the <complaint> is parsed and validated by _begin; the
 * result is the <talon>.
 */
struct complaints_call *
complaints_register_begin(struct complaints *, const struct complaints_actor *,
    const char *xml, size_t len, struct complaints_error *);
int complaints_register(struct complaints *, const struct complaints_actor *,
    const char *xml, size_t len, struct buf *talon_xml,
    struct complaints_error *);
/*
 * What registering the <complaint> would give, written nowhere: a
 * <registration-preview> with the receiving body, the due date and rule
 * set, the competent body when it is not this one (forward-proposed,
 * with the forwarding deadline), the clause and the intake warnings.
 * The same computation as registration's, on a reader.
 */
int complaints_register_preview(struct complaints *,
    const struct complaints_actor *, const char *xml, size_t len,
    struct buf *out, struct complaints_error *);

/*
 * Filing online (filing.c).  A <draft> (draft.xsd) from a citizen is
 * checked (the service must take complaints electronically, the
 * institution must be in the directory and routed) and stored without a
 * journal number; the answer is a <draft-accepted>, and a mail with a
 * one-time link (a 256-bit token; only its hash is stored) goes to the
 * applicant's address.  Limits per address and per client (client: the
 * caller's network address) answer ELIMIT, a full store EUNAVAIL.
 * Confirming with the token registers the draft as
 * complaints_register_begin does, at the body the routing rules choose,
 * with the channel electronic, and deletes the draft in the same
 * transaction; the result is the <talon> with its access code, which is
 * also mailed with the slip.  A used or expired token is ENOENT (seen
 * before the write) or ECONFLICT (taken meanwhile).  Both are EUNAVAIL
 * when the daemon has no mail server or no status_url.
 */
struct complaints_call *complaints_draft_begin(struct complaints *,
    const char *xml, size_t len, const char *client, struct complaints_error *);
struct complaints_call *complaints_draft_confirm_begin(
    struct complaints *, const char *token, struct complaints_error *);
/*
 * A <draft> from a partner (an actor of the role partner, an Open311
 * client with its key) registered at once, as a confirmed draft is: the
 * <talon>, also mailed to the applicant; the registrar recorded is the
 * partner's account.  EPERM for any other actor.
 */
struct complaints_call *complaints_draft_register_begin(struct complaints *,
    const struct complaints_actor *, const char *xml, size_t len,
    struct complaints_error *);
/* Files a draft may name (draft.xsd: by name, type, size and hash). */
#define COMPLAINTS_DRAFT_FILES 5
/*
 * The services and the channels their regulations take complaints by:
 * <services><service code="N" electronic="true|false"><channel
 * type="post"/>...</service>...</services>.
 */
int complaints_filing_services(
    struct complaints *, struct buf *out, struct complaints_error *);
/* 1 when the regulation of service takes complaints electronically. */
int complaints_filing_electronic(struct complaints *, int service);
/*
 * The code of the body the routing rules choose today for a complaint
 * about service at institution (a directory code): where a complaint on
 * paper goes.  EINVAL for an unknown service, institution or route.
 */
int complaints_filing_where(struct complaints *, int service,
    const char *institution, char body[32], struct complaints_error *);

/*
 * Complaints by email (mail.c).  complaints_mail_begin takes the
 * <mail> of complaints-mailgate (mail.xsd): stored once per Message-ID
 * at its body with the time received, in the body's incomplete list;
 * answers a <mail-received> (duplicate="true" for a delivery again,
 * nothing stored).  The sender is answered once (RFC 3834) unless the
 * message says it is automatic, a bounce or list mail, or the sender
 * was answered within the hour.  complaints_mail_list: the incomplete
 * list of a body (NULL: the actor's) as <incomplete>.  The actor
 * posting a mail is complaints_system (the daemon's loopback) or a
 * registrar or head of the mail's body (EPERM otherwise).
 */
struct complaints_call *
complaints_mail_begin(struct complaints *, const struct complaints_actor *,
    const char *xml, size_t len, struct complaints_error *);
/*
 * The registrar completes a mail (complete.xsd: service, institution,
 * the applicant's name): it is registered at its body with the channel
 * email and the time it was received, as complaints_register_begin
 * does, and the talon goes to the sender unless the letter was
 * automatic; 409 when it was registered before.
 */
struct complaints_call *complaints_mail_register_begin(struct complaints *,
    const struct complaints_actor *, int64_t id, const char *xml, size_t len,
    struct complaints_error *);
int complaints_mail_list(struct complaints *, const struct complaints_actor *,
    const char *body, int64_t after, int limit, struct buf *xml,
    struct complaints_error *);

/* The public status of a talon, for the status page. */
#define COMPLAINTS_CASE_MAX 16
struct complaints_talon_status {
	char number[TALON_LEN + 1];
	char state[32];
	int open; /* the body must still act */
	char body_code[32], body_kk[256], body_ru[256];
	char accepted_at[32]; /* local, ISO 8601 with offset */
	char accepted_on[11]; /* local date */
	char due[11];
	int overdue;
	/* The body handling the case now, when another one. */
	int has_handler;
	char handler_code[32], handler_kk[256], handler_state[32];
	char handler_due[11];
	/* The case's other talons. */
	int ncase;
	struct {
		char number[TALON_LEN + 1];
		char body[32], state[32], link[24];
	} cases[COMPLAINTS_CASE_MAX];
	/* With the access code only. */
	int has_decision;
	char outcome[24], decided_on[11], answered_on[11];
	char answer_channel[16];
};
int complaints_status_info(struct complaints *, const char *number,
    const char *access_code, struct complaints_talon_status *,
    struct complaints_error *);

/* The service (1 to 11) a talon's complaint is about; -1 with e set. */
int complaints_talon_service(struct complaints *, const char *number,
    int *service, struct complaints_error *);
/*
 * The public status of a talon, as a <status> document: state, body, due
 * date, the body handling the case now and its other talons.  With the
 * right access code (NULL: none) also the decision's outcome and the
 * answer's date and channel; a wrong one is 403.
 */
int complaints_status(struct complaints *, const char *number,
    const char *access_code, struct buf *xml, struct complaints_error *);

/* A complaint by id or talon number, with its events and case. */
int complaints_get(struct complaints *, const struct complaints_actor *,
    const char *ref, struct buf *xml, int64_t *body_id,
    struct complaints_error *);

struct complaints_list_query {
	const char *body;	 /* NULL: all */
	const char *state;	 /* NULL: all */
	int service;		 /* 0: all */
	const char *institution; /* its code; NULL: all */
	const char *q;		 /* words of the applicant or reasons */
	int64_t from, to;	 /* accepted, UTC seconds; 0: open */
	int overdue;		 /* -1 all, 0 no, 1 yes */
	int64_t after;		 /* paging: the last id seen */
	int limit;		 /* at most 500 */
};
int complaints_list(struct complaints *, const struct complaints_actor *,
    const struct complaints_list_query *, struct buf *xml,
    struct complaints_error *);

/*
 * The workload of a body's officials: <workload body=""> with an
 * <official open="" overdue="">name</official> per assignee of its open
 * complaints and per registrar or head who has none, <unassigned> for
 * those not yet assigned; the most overdue first.
 */
int complaints_workload(struct complaints *, const struct complaints_actor *,
    const char *body, struct buf *xml, struct complaints_error *);

/*
 * An action on a complaint (by id or talon number): the document's root
 * names it (assign, forward, extend, decide, appeal, withdraw,
 * leave-without-consideration, note, answer, close).  Writes an
 * <action-result>; 409 when the state does not allow the action.
 */
int complaints_act(struct complaints *, const struct complaints_actor *,
    const char *ref, const char *xml, size_t len, struct buf *out,
    struct complaints_error *);
struct complaints_call *
complaints_act_begin(struct complaints *, const struct complaints_actor *,
    const char *ref, const char *xml, size_t len, struct complaints_error *);

/*
 * The actions (their names, static) the actor may take now on a
 * complaint of body_code in state: those the state machine allows from
 * the state and the actor's role and body allow.  Returns how many, at
 * most max.
 */
int complaints_actions_allowed(const struct complaints_actor *,
    const char *body_code, const char *state, const char **names, int max);

/*
 * The working days from today (in the service's time zone) to the due
 * date (YYYY-MM-DD): 0 on the day, negative once past.  -1 when the date
 * is not one.
 */
int
complaints_working_days_left(struct complaints *, const char *due, int *left);
/*
 * The latest due date an extension of a complaint at body under rules,
 * due on due, may set (YYYY-MM-DD into out): what the extend action sets
 * when no date is given.  -1 when the rule set allows none.
 */
int complaints_extend_bound(struct complaints *, const char *body,
    const char *rules, const char *due, char out[11]);

/*
 * Marks the overdue complaints and sends the reminders now (the watch
 * thread does this every watch_interval seconds).
 */
int complaints_watch_once(struct complaints *, int *overdue, int *reminded,
    struct complaints_error *);

/*
 * The incoming-correspondence journal of a body for a year, as XML
 * (journal.xsd) or CSV, streamed: open, read until 0, close.  The cursor
 * holds a reader connection until closed.
 */
struct complaints_journal;
struct complaints_journal *
complaints_journal_open(struct complaints *, const struct complaints_actor *,
    const char *body, int year, int csv, struct complaints_error *);
/* Bytes written into dst, 0 at the end, -1 on error. */
ssize_t
complaints_journal_read(struct complaints_journal *, char *dst, size_t max);
void complaints_journal_close(struct complaints_journal *);

/*
 * Reports for heads and the ministry (report.c, report_out.c): the
 * figures of a period by one grouping, every figure defined once by the
 * journal events it counts (db/report_sql.h; complaintsd(8)).  A
 * registrar or head gets their own body only (EPERM for another); the
 * escalation desk and administrators any body, or all of them.
 */
struct complaints_report_query {
	const char *group;     /* body (default), service, institution,
					   month, channel */
	const char *from, *to; /* YYYY-MM-DD; default: the year so far */
	const char *body;      /* NULL: the caller's scope */
	int service;	       /* 0: all */
};
enum complaints_report_format {
	COMPLAINTS_REPORT_XML,	/* report.xsd */
	COMPLAINTS_REPORT_CSV,	/* the grouping asked for */
	COMPLAINTS_REPORT_XLSX, /* one sheet per grouping */
	COMPLAINTS_REPORT_TEXT	/* a table for a terminal */
};
int complaints_report(struct complaints *, const struct complaints_actor *,
    const struct complaints_report_query *, enum complaints_report_format,
    struct buf *out, struct complaints_error *);
/*
 * The workbook (as COMPLAINTS_REPORT_XLSX) in an unlinked temporary
 * file, written in constant memory: *fd reads it from its start, and the
 * caller closes it.
 */
int complaints_report_xlsx(struct complaints *,
    const struct complaints_actor *, const struct complaints_report_query *,
    int *fd, struct complaints_error *);
/* A chart as SVG: "monthly", "timeliness" or "overdue". */
int
complaints_report_chart(struct complaints *, const struct complaints_actor *,
    const char *name, const struct complaints_report_query *, struct buf *svg,
    struct complaints_error *);
/*
 * The bodies a registrar or head may ask reports of, for a form:
 * <report-bodies><body code= name-kk= name-ru=/>...</report-bodies>, the
 * actor's own first, then the offices below it.  Empty for the roles
 * that see every body (they choose from the report by body).
 */
int complaints_report_bodies(struct complaints *,
    const struct complaints_actor *, struct buf *xml,
    struct complaints_error *);
/* The complaints behind a figure of a report, paged by after. */
struct complaints_trace_query {
	struct complaints_report_query r;
	const char *figure;
	const char *channel, *institution, *month;
	int64_t after;
	int limit;
};
int complaints_report_trace(struct complaints *,
    const struct complaints_actor *, const struct complaints_trace_query *,
    struct buf *xml, struct complaints_error *);

/* The directory (directory.c). */
struct complaints_directory_stats {
	int bodies, institutions, unchanged;
};
/*
 * Loads directory.xml into the store, unless that very file is loaded
 * already (force: load all the same); progress(arg, done, total) as it
 * goes, when given.
 */
int complaints_directory_load(struct complaints *, const char *path, int force,
    void (*progress)(void *, size_t, size_t), void *arg,
    struct complaints_directory_stats *, struct complaints_error *);
/* Bodies and institutions whose name or address has every word given. */
int complaints_directory_search(struct complaints *, const char *text,
    int limit, struct buf *xml, struct complaints_error *);
int complaints_directory_body(struct complaints *, const char *code,
    struct buf *xml, struct complaints_error *);
/*
 * The body that stands for code today (its successor once it has ended,
 * as the routing rules declare), or code itself.
 */
const char *complaints_body_today(struct complaints *, const char *code);

/*
 * A person's name in full from its parts, as a talon prints it:
 * surname, name and, for those who have one, patronymic (NULL or empty:
 * none).  -1 when the surname or the name is missing or it does not fit.
 */
int complaints_full_name(const char *surname, const char *given,
    const char *patronymic, char *out, size_t len);

/*
 * Accounts.  by is the administrator acting (NULL: the server's own
 * tools, on its database); every change is recorded with who made it.
 * Passwords are hashed with Argon2id (crypto_pwhash_str), never logged.
 */
/*
 * The parts of a Kazakh name, as an account may be given them: surname,
 * name and, for those who have one, patronymic (NULL: none).
 */
struct complaints_name {
	const char *surname, *given, *patronymic;
};
/*
 * name: the full name; or NULL with parts, and the full name is made
 * from them (complaints_full_name) and the parts are kept too.
 */
int complaints_staff_add(struct complaints *, const struct complaints_actor *by,
    const char *login, const char *name, const struct complaints_name *parts,
    const char *position, const char *body, const char *role,
    const char *password, struct complaints_error *);
int
complaints_staff_passwd(struct complaints *, const struct complaints_actor *by,
    const char *login, const char *password, struct complaints_error *);
/* Disables the account and revokes its tokens. */
int
complaints_staff_disable(struct complaints *, const struct complaints_actor *by,
    const char *login, struct complaints_error *);
struct complaints_call *complaints_staff_add_begin(struct complaints *,
    const struct complaints_actor *by, const char *login, const char *name,
    const struct complaints_name *parts, const char *position, const char *body,
    const char *role, const char *password, struct complaints_error *);
struct complaints_call *complaints_staff_passwd_begin(struct complaints *,
    const struct complaints_actor *by, const char *login, const char *password,
    struct complaints_error *);
struct complaints_call *complaints_staff_disable_begin(struct complaints *,
    const struct complaints_actor *by, const char *login,
    struct complaints_error *);
int complaints_staff_list(
    struct complaints *, struct buf *xml, struct complaints_error *);

/*
 * Sign-in: checks the password, limited per login and per client
 * address with a delay that doubles after each failure (429 meanwhile).
 * Writes a <session> with a new token (256 random bits; only its hash is
 * kept), its expiry and who signed in.
 */
int
complaints_sign_in(struct complaints *, const char *login, const char *password,
    const char *client, struct buf *xml, struct complaints_error *);
/*
 * door: COMPLAINTS_DOOR_API, or COMPLAINTS_DOOR_DESK, which refuses a
 * monitor's or a partner's account once its password is right (403
 * no-desk): programs (the metrics, Open311) with nothing a page shows.
 */
enum complaints_door { COMPLAINTS_DOOR_API, COMPLAINTS_DOOR_DESK };
struct complaints_call *complaints_sign_in_begin(struct complaints *,
    const char *login, const char *password, const char *client,
    enum complaints_door, struct complaints_error *);
/* The actor of a token; 401 when unknown, expired, idle or revoked. */
int complaints_authenticate(struct complaints *, const char *token,
    struct complaints_actor *, struct complaints_error *);
int complaints_sign_out(struct complaints *, const struct complaints_actor *,
    struct complaints_error *);
struct complaints_call *complaints_sign_out_begin(struct complaints *,
    const struct complaints_actor *, struct complaints_error *);
/* A <me> document: who the actor is. */
int complaints_whoami(const struct complaints_actor *, struct buf *xml,
    struct complaints_error *);
/* A long-lived API token for scripts; revocable. */
int
complaints_token_create(struct complaints *, const struct complaints_actor *,
    const char *label, int days, struct buf *xml, struct complaints_error *);
struct complaints_call *complaints_token_create_begin(struct complaints *,
    const struct complaints_actor *, const char *label, int days,
    struct complaints_error *);
int complaints_token_revoke(struct complaints *,
    const struct complaints_actor *, int64_t id, struct complaints_error *);
struct complaints_call *complaints_token_revoke_begin(struct complaints *,
    const struct complaints_actor *, int64_t id, struct complaints_error *);
int complaints_token_list(struct complaints *, const struct complaints_actor *,
    struct buf *xml, struct complaints_error *);

/*
 * Delivers the notifications that are due now (the worker does this
 * every notify_interval seconds); *done gets how many were handled.
 */
int complaints_outbox_once(struct complaints *, int *done);

/*
 * Notifications, for the registrar: the list (state NULL: all; body
 * NULL: the actor's), resend a failed one or switch it to post, the
 * letter as a PDF, a letter recorded as posted (with the post office's
 * tracking number, or NULL), and the day's postal register (PDF or CSV)
 * of a body.
 */
int complaints_notifications(struct complaints *,
    const struct complaints_actor *, const char *state, const char *body,
    int64_t after, int limit, struct buf *xml, struct complaints_error *);
int complaints_notification_reset(struct complaints *,
    const struct complaints_actor *, int64_t id, int to_post,
    struct complaints_error *);
struct complaints_call *complaints_notification_reset_begin(struct complaints *,
    const struct complaints_actor *, int64_t id, int to_post,
    struct complaints_error *);
int complaints_notification_letter(struct complaints *,
    const struct complaints_actor *, int64_t id, struct buf *pdf,
    struct complaints_error *);
int complaints_post_sent(struct complaints *, const struct complaints_actor *,
    int64_t id, const char *tracking, struct complaints_error *);
struct complaints_call *
complaints_post_sent_begin(struct complaints *, const struct complaints_actor *,
    int64_t id, const char *tracking, struct complaints_error *);
int complaints_post_register(struct complaints *,
    const struct complaints_actor *, const char *body, const char *date,
    int csv, struct buf *out, struct complaints_error *);
/*
 * The talon slip, an A6 PDF.  The access code is printed only when given
 * and right (the store keeps only its hash): the registrar's client
 * prints the slip right after registering.  (The receipt-printer text
 * is a view of the <talon>: web/xsl/receipt.xsl.)
 */
int complaints_talon_slip(struct complaints *, const struct complaints_actor *,
    const char *number, const char *access_code, const char *lang,
    struct buf *out, struct complaints_error *);

/* Checks the journal and the audit trail; *ok is 0 when tampered. */
int complaints_verify(struct complaints *, const struct complaints_actor *,
    struct buf *xml, int *ok, struct complaints_error *);
/* The talon again, without the access code, as a <talon> document. */
int complaints_talon(struct complaints *, const struct complaints_actor *,
    const char *number, struct buf *xml, struct complaints_error *);

/*
 * Reads a small document (sign-in, account, ...) validated against the
 * schema of its name: values[i] gets the text of the root's child
 * names[i] (NULL when absent).  Caller frees the values.
 */
int complaints_read_doc(struct complaints *, const char *name, const char *xml,
    size_t len, const char *const names[], char *values[], int n,
    struct complaints_error *);

/* Writes an <error> document. */
int complaints_error_xml(const struct complaints_error *, struct buf *);

/* For health checks and statistics. */
int complaints_count(struct complaints *, int64_t *);

/*
 * The store's state for GET /metrics (gauges.c): notifications by state
 * with the creation time of the oldest (UTC seconds), open overdue
 * complaints by body code, the database's size in bytes.  The callbacks
 * return -1 to stop.
 */
struct complaints_gauges {
	int (*outbox)(void *, const char *state, int64_t n, int64_t oldest);
	int (*overdue)(void *, const char *body, int64_t n, int64_t unused);
	void (*size)(void *, int64_t bytes);
};
int complaints_gauges(struct complaints *, const struct complaints_gauges *,
    void *arg, struct complaints_error *);
/* The writer's jobs finished so far and those waiting or running. */
void complaints_writer_progress(
    struct complaints *, uint64_t *done, uint64_t *pending);

#endif /* COMPLAINTS_H */
