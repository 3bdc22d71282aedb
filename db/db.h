/*
 * db: the storage of complaintsd.  SQLite in WAL mode with
 * synchronous=FULL; every statement is prepared once per connection;
 * SQLITE_BUSY is retried in one place (db_step in db.c).
 *
 * Functions return a DB_* code: DB_OK (0) on success.  db_strerror()
 * names a code.  No SQL lives outside this folder.
 *
 * Connections: one writer, owned by the writer thread (db_writer_*), which
 * runs jobs in batches that share one transaction and one fsync (group
 * commit); and a pool of readers for lookups.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum db_rc {
	DB_OK = 0,
	DB_ERROR, /* anything unexpected; logged */
	DB_NOTFOUND,
	DB_CONSTRAINT, /* a uniqueness or check constraint */
	DB_FULL,       /* disk full */
	DB_READONLY,   /* the file or the folder is read-only */
	DB_BUSY,       /* still locked after the retries */
	DB_QUEUE_FULL, /* the writer queue is at its cap */
	DB_SHUTDOWN    /* the writer is stopping */
};
const char *db_strerror(int);

struct db;

#define DB_OPEN_WRITE 0x1 /* may write; runs the migrations */

/* Opens the database at path; *err gets a message on failure. */
struct db *db_open(const char *path, int flags, char *err, size_t);
void db_close(struct db *);
/* The schema version (PRAGMA user_version) this build migrates to. */
int db_schema_version(void);
/*
 * fn is called when db_open begins to migrate a database and then every
 * thousand steps of SQLite's machine while it does (a service
 * manager's start timeout extended while a large journal migrates).
 * NULL: nothing.  Set it before the first db_open.
 */
void db_set_migrate_tick(void (*fn)(void));

/* Transactions on a writing connection. */
int db_begin(struct db *);
int db_commit(struct db *);
int db_rollback(struct db *);
int db_savepoint(struct db *);
int db_release(struct db *);
int db_rollback_savepoint(struct db *);

/* Bodies. */
struct db_body {
	int64_t id;
	char code[32];
	char kind[24];
	char name_kk[256];
	char name_ru[256];
	char tz[48];
	char parent_code[32];
	char hours[24]; /* the calendar's hours type */
};
int db_body_by_code(struct db *, const char *code, struct db_body *);
int db_body_by_id(struct db *, int64_t id, struct db_body *);

/* The next number of a body's journal for a year; in the caller's txn. */
int db_journal_next(struct db *, int64_t body_id, int year, int64_t *no);

/* One journal entry as stored. */
struct db_law;
struct db_case_row;

struct db_complaint {
	int64_t id;
	const char *talon;
	const uint8_t *access_hash; /* 32 bytes */
	int64_t body_id;
	int journal_year;
	int64_t journal_no;
	int64_t accepted_at; /* UTC seconds */
	int64_t received_at;
	const char *channel;
	int service;
	const char *subject_institution; /* may be NULL */
	const char *subject_name;
	const char *subject_official; /* may be NULL */
	const char *surname, *name, *patronymic;
	const char *address, *email, *phone, *representative_of;
	int is_signed;
	const char *reasons, *demands;
	const char *registrar_name, *registrar_position;
	const char *rules;
	const char *due; /* YYYY-MM-DD */
	const char *state;
	/* The life of the complaint (all may be NULL / 0). */
	int64_t case_id;   /* the first complaint of the case */
	int64_t parent_id; /* forwarded from, or appeal of */
	const char *link;  /* "forwarded-from", "appeal-of" */
	int level;	   /* in the service's chain, from 0 */
	int64_t repeat_of;
	const uint8_t *applicant_key; /* 32 bytes, for repeats */
	const char *assignee;
	const char *extended_reason;
	const char *outcome;
	const char *reasoning;
	const char *decided_by;
	int64_t decided_at;
	int64_t answered_at;
	const char *answer_channel;
	int64_t overdue_at;
	int64_t reminded_at;
	const char *lwc_reason;
	int court_told;
	int open; /* the body must still act */
	/*
	 * Given at registration: the ground ("decision", "quality"; NULL
	 * decision) and the intake the registrar checked ("what=1;what=0;",
	 * NULL none), from which the domain makes the entry's law.
	 */
	const char *ground;
	const char *intake_checked;
	/* The entry's law, written with the row (NULL: none). */
	const struct db_law *law;
};
/*
 * Inserts; DB_CONSTRAINT when the talon number is taken.  hash gets the
 * BLAKE2b-256 of the entry's fixed content (everything but the state and
 * the due date, which change), which the audit trail chains.
 */
int db_complaint_insert(
    struct db *, const struct db_complaint *, int64_t *id, uint8_t hash[32]);

struct db_attachment {
	const char *name;
	const char *media_type;
	const char *sha256;
};
int db_attachment_insert(
    struct db *, int64_t complaint_id, int seq, const struct db_attachment *);

/* An event of the audit trail, chained per body. */
struct db_event {
	int64_t body_id;
	int64_t complaint_id;
	int64_t at;
	const char *actor;
	const char *action;
	const char *state_before; /* may be NULL */
	const char *state_after;
	const char *detail; /* may be NULL */
};
/* Computes the chained hash and inserts; in the caller's transaction. */
int db_event_append(
    struct db *, const struct db_event *, const uint8_t content_hash[32]);

/* What the status lookup returns: no personal data. */
struct db_status {
	int64_t id;
	char talon[20];
	char state[32];
	char body_code[32];
	char body_name_kk[256];
	char body_name_ru[256];
	char body_tz[48];
	int64_t accepted_at;
	char due[11];
	int journal_year;
	int64_t journal_no;
	int service;
	char registrar_name[256];
	char registrar_position[256];
	uint8_t access_hash[32];
	char rules[32];
};
int db_status_by_talon(struct db *, const char *talon, struct db_status *);

/*
 * What a public status lookup shows of a talon, read from the lookup
 * index (complaint_lookup) alone, never from the complaint's row with
 * the applicant's texts.  The strings (NULL when NULL) point into the
 * statement: valid until the next db_lookup_talon on this connection or
 * its return to the pool.  DB_NOTFOUND when no entry has the talon.
 */
struct db_lookup {
	int64_t id;
	int64_t case_id; /* 0: not in another's case */
	const char *talon, *state;
	const char *body_code, *body_name_kk, *body_name_ru, *body_tz;
	int64_t accepted_at;
	const char *due;
	int64_t overdue_at;
	int open;
	const char *link;
	int64_t parent_id;
	int level;
	const char *outcome;
	int64_t decided_at, answered_at;
	const char *answer_channel;
	const uint8_t *access_hash; /* 32 bytes, or NULL */
	int has_members;	    /* later entries have it as their case */
};
int db_lookup_talon(struct db *, const char *talon, struct db_lookup *);
/*
 * The entries whose case is case_id (not case_id itself), by id: the
 * rest of a case whose first complaint is already known.
 */
int db_case_members(struct db *, int64_t case_id,
    int (*cb)(void *, const struct db_case_row *), void *arg);

/*
 * The whole entry with its body.  The strings point into the statement
 * and are valid until the next db_complaint_get on this connection or
 * db_reset.
 */
int db_complaint_get(
    struct db *, int64_t id, struct db_complaint *, struct db_body *);
int db_complaint_id_by_talon(struct db *, const char *talon, int64_t *id);
/*
 * Writes the fields that change (state, due, assignee, decision, answer,
 * watch marks, case), then appends the event with the hash of the whole
 * row after the change: one call per change, so no change goes
 * unrecorded.
 */
int db_complaint_change(
    struct db *, const struct db_complaint *, const struct db_event *);
/* The audit hash of a stored row: its non-NULL columns and attachments. */
int db_complaint_row_hash(struct db *, int64_t id, uint8_t out[32]);
/*
 * The same hash of the row db_complaint_insert has just written from c
 * (id, content hash chash) and its attachments att[0..natt), computed
 * from those values instead of read back; it reads the row back only
 * when the table has a column the insert does not write that has a
 * default.
 */
int db_complaint_row_hash_new(struct db *, const struct db_complaint *c,
    int64_t id, const uint8_t chash[32], const struct db_attachment *att,
    int natt, uint8_t out[32]);

/* Callbacks for rows; return non-zero to stop. */
struct db_event_row {
	int64_t id;
	const char *body_code;
	int64_t at;
	const char *actor, *action, *state_before, *state_after;
	const char *detail;
};
int db_events_of(struct db *, int64_t complaint_id,
    int (*cb)(void *, const struct db_event_row *), void *arg);

struct db_case_row {
	int64_t id;
	const char *talon, *state, *body_code, *body_name, *link;
	int64_t parent_id;
	const char *due;
	int level;
	int64_t accepted_at;
};
int db_case_of(struct db *, int64_t case_id,
    int (*cb)(void *, const struct db_case_row *), void *arg);

struct db_attachment_row {
	int seq;
	const char *name, *media_type, *sha256;
};
int db_attachments_of(struct db *, int64_t complaint_id,
    int (*cb)(void *, const struct db_attachment_row *), void *arg);

/* The latest complaint with this applicant key and service since then. */
int db_repeat_find(struct db *, const uint8_t key[32], int service,
    int64_t since, int64_t not_id, int64_t *id, int64_t *case_id);

/* Open complaints due before (overdue) or on/before (remind) a date. */
int db_watch(
    struct db *, int remind, const char *date, int limit, int64_t *ids, int *n);

/* A notification in the outbox, in the caller's transaction. */
struct db_notification {
	const char *uid;
	int64_t complaint_id;
	const char *kind;
	const char *channel; /* email, post, internal */
	const char *recipient;
	const char *lang;
	int64_t created_at;
	const char *due_by; /* YYYY-MM-DD or NULL */
	/* An extension notice: the due date it replaces; else NULL. */
	const char *prev_due;
};
int db_notification_insert(struct db *, const struct db_notification *);

/*
 * The law as it applies to an entry (db/law.c): written with the row at
 * registration (db_complaint.law), so that its hash covers it.  Empty
 * strings are stored as NULL.
 */
struct db_law {
	char clause[96];      /* "art. 25 p. 2" */
	char basis[200];      /* why that rule set */
	char count_from[16];  /* "registration", "receipt" */
	char ground[16];      /* "decision", "quality" */
	char intake[512];     /* "handwritten=no (Регламент ...)" */
	char forward_due[11]; /* YYYY-MM-DD or "" */
	int64_t forward_reminded_at, forward_overdue_at;
	/* Read only: when it arrived and when it was registered. */
	int64_t received_at, accepted_at;
};
/* DB_NOTFOUND when there is no such entry. */
int db_law_get(struct db *, int64_t id, struct db_law *);
/*
 * The forwarding watch: entries still "registered" whose forwarding
 * deadline is before date (overdue) or at most date (remind) and not yet
 * marked, at most limit.  db_forward_mark sets the mark; the caller then
 * appends the event.
 */
int db_forward_watch(
    struct db *, int remind, const char *date, int limit, int64_t *ids, int *n);
int db_forward_mark(struct db *, int64_t id, int remind, int64_t at);
/*
 * *intact: 1 when the entry's row still hashes to what its latest event
 * recorded, 0 when it does not (changed behind the daemon's back: a
 * watch must not bless it with a new event).
 */
int db_row_intact(struct db *, int64_t id, int *intact);

/*
 * The inbox (db/inbox.c): open entries first by due date, then the
 * others, the latest due first; a page starts after the entry after_id
 * (0: the first page), so each page is a range of an index, however far
 * in.  search: words a person typed (complaints_fts_query), matched
 * against the applicant's name and the reasons; a search lists the
 * newest registration first (and pages from after_id down).
 */
struct db_list_filter {
	int64_t body_id;	 /* 0: all */
	const char *state;	 /* NULL: all */
	int service;		 /* 0: all */
	const char *institution; /* NULL: all */
	const char *search;	 /* an FTS5 query; NULL: none */
	int64_t from, to;	 /* accepted_at; 0: open */
	int overdue;		 /* -1 all, 0 not overdue, 1 overdue */
	int parts;		 /* DB_LIST_OPEN | DB_LIST_DONE */
	int64_t after_id;
	int limit;
};
#define DB_LIST_OPEN 1
#define DB_LIST_DONE 2
struct db_list_row {
	int64_t id;
	const char *talon, *state, *body_code;
	int service;
	int64_t accepted_at;
	const char *due;
	int64_t overdue_at;
	int journal_year;
	int64_t journal_no;
	const char *assignee;
	const char *forward_due; /* NULL: nothing to forward */
	int64_t forward_overdue_at;
	const char *surname, *name, *patronymic, *institution;
};
/* DB_NOTFOUND when after_id names no entry.  Valid in cb only. */
int db_list(struct db *, const struct db_list_filter *,
    int (*cb)(void *, const struct db_list_row *), void *arg);
/*
 * The open entries of a body per assignee (NULL: not assigned), with
 * how many are overdue, and the body's active officials who have none;
 * the most overdue first.
 */
int db_workload(struct db *, int64_t body_id,
    int (*cb)(void *, const char *assignee, int64_t open, int64_t overdue),
    void *arg);

/* The incoming-correspondence journal of a body and year, streamed. */
struct db_journal_row {
	int64_t no;
	int64_t accepted_at;
	const char *surname, *name, *patronymic, *address;
	const char *subject, *summary, *assignee, *due, *outcome;
	int64_t answered_at;
	const char *talon, *state;
	int service;
};
struct db_cursor;
/*
 * Opens a cursor on the connection over at most limit entries numbered
 * after `after'; it holds the connection until closed, so a long export
 * reads a page at a time and gives the connection back between pages.
 */
struct db_cursor *db_journal_open(
    struct db *, int64_t body_id, int year, int64_t after, int limit);
/* 1 and a row, 0 at the end, -1 on error. */
int db_journal_next_row(struct db_cursor *, struct db_journal_row *);
void db_journal_close(struct db_cursor *);

/*
 * Checks the whole store: every complaint's row against the hash of its
 * last event, every body's event chain, every journal's numbers.  The
 * first problem is described in bad (empty when all is well).
 */
struct db_verify {
	int64_t complaints, events, journals;
	char bad[512];
};
int db_verify(struct db *, struct db_verify *);

/* Resets every statement of the connection: ends any read. */
void db_reset(struct db *);

/* Bodies from the directory, in the caller's transaction. */
struct db_body_in {
	const char *code, *kind, *name_kk, *name_ru, *parent_code, *tz;
	const char *district, *address, *phones, *emails, *sites;
	const char *schedule, *hours, *services;
};
int db_body_upsert(struct db *, const struct db_body_in *);
struct db_body_row {
	int64_t id;
	const char *code, *kind, *name_kk, *name_ru, *address, *phones;
	const char *district, *services, *parent_code;
	const char *emails, *sites, *schedule;
};
/*
 * Full-text search over names and addresses (FTS5 queries): the bodies
 * matching query, those matching exact too first (the words typed whole:
 * "school 14" puts No. 14 before No. 149), then by rank, a word in the
 * name weighing ten times one in the address.
 */
int db_body_search(struct db *, const char *query, const char *exact, int limit,
    int (*cb)(void *, const struct db_body_row *), void *arg);

/* One body with everything the directory says of it. */
int db_body_detail(struct db *, const char *code,
    int (*cb)(void *, const struct db_body_row *), void *arg);

/* The body code and the offices below it (city department, district
 * offices), the body first; institutions are not listed. */
int db_body_subtree(struct db *, const char *code,
    int (*cb)(void *, const struct db_body_row *), void *arg);

/* Small named values (the directory's version); NOTFOUND when unset. */
int db_meta_get(struct db *, const char *key, char *value, size_t);
int db_meta_set(struct db *, const char *key, const char *value);

/* The outbox (db/outbox.c). */
struct db_outbox_row {
	int64_t id;
	const char *uid;
	int64_t complaint_id;
	const char *kind, *channel, *recipient, *lang, *state;
	int64_t created_at;
	const char *due_by;
	int attempts;
	int64_t next_attempt_at;
	const char *last_error;
	int64_t sent_at;
	int out_year;
	int64_t out_no;
	const char *tracking, *letter_date;
	int64_t posted_at;
	const char *body_code;
	int64_t body_id;
	const char *prev_due; /* an extension's original due date */
};
typedef int (*db_outbox_cb)(void *, const struct db_outbox_row *);
/* Pending (and interrupted) notifications due by now, oldest first. */
int db_outbox_due(struct db *, int64_t now, int limit, db_outbox_cb, void *);
int db_outbox_get(struct db *, int64_t id, db_outbox_cb, void *);
/*
 * Marks a notification as being sent and counts the attempt; when
 * numbered, gives it the next number of its body's outgoing journal for
 * the year (once: a retry keeps its number) and the letter's date.
 */
int db_outbox_claim(
    struct db *, int64_t id, int numbered, int year, const char *date);
/* Sets the state and what goes with it; NULL/0 leaves a field as is. */
int db_outbox_set(struct db *, int64_t id, const char *state, int64_t next_at,
    const char *error, int64_t sent_at, int64_t posted_at,
    const char *tracking);
int db_outbox_attempt(struct db *, int64_t id, int64_t at, const char *result,
    const char *detail);
int db_outbox_list(struct db *, const char *state, int64_t body_id,
    int64_t after, int limit, db_outbox_cb, void *);
/* The letters of a body dated that day, by outgoing number. */
int db_outbox_post_ready(
    struct db *, int64_t body_id, const char *date, db_outbox_cb, void *);
/* Back to pending, on another channel if given (resend, switch). */
int db_outbox_reset(struct db *, int64_t id, int64_t next_at,
    const char *channel, const char *recipient);
int db_outbox_count(struct db *, const char *state, int64_t *);

/* Staff and their tokens (db/staff.c). */
struct db_staff {
	int64_t id;
	char login[64];
	char full_name[256];
	/* The parts, when the account was given them ("" otherwise). */
	char surname[128], given_name[128], patronymic[128];
	char position[256];
	char body_code[32];
	int64_t body_id;
	char role[16];
	int active;
	char pw_hash[160]; /* crypto_pwhash_str */
	int64_t created_at;
};
int db_staff_insert(struct db *, const struct db_staff *);
int db_staff_by_login(struct db *, const char *login, struct db_staff *);
/* active < 0 and pw_hash NULL leave those as they are. */
int db_staff_update(
    struct db *, const char *login, int active, const char *pw_hash);
/* The password's hash again, unless it changed from old meanwhile. */
int db_staff_rehash(
    struct db *, const char *login, const char *old, const char *pw_hash);
int
db_staff_list(struct db *, int (*cb)(void *, const struct db_staff *), void *);
struct db_token {
	int64_t id;
	char kind[8];
	int64_t expires_at, last_used, revoked_at;
	struct db_staff staff;
};
int db_token_insert(struct db *, const uint8_t hash[32], int64_t staff_id,
    const char *kind, const char *label, int64_t now, int64_t expires_at,
    int64_t *id);
int db_token_by_hash(struct db *, const uint8_t hash[32], struct db_token *);
int db_token_touch(struct db *, int64_t id, int64_t now);
/* Revokes one token (of that staff member when staff_id != 0). */
int db_token_revoke(
    struct db *, int64_t id, int64_t staff_id, int64_t now, int *changed);
int db_token_revoke_login(struct db *, const char *login, int64_t now);
struct db_token_row {
	int64_t id;
	const char *kind, *label;
	int64_t created_at, expires_at, last_used, revoked_at;
};
int db_token_list(struct db *, int64_t staff_id,
    int (*cb)(void *, const struct db_token_row *), void *);
int db_staff_event(struct db *, int64_t at, const char *actor,
    const char *action, const char *target, const char *detail);

/*
 * Drafts of complaints filed online (filing.c).  A draft is the
 * applicant's document kept until they confirm it; token_hash is the
 * hash of the confirmation token (the token itself is never stored).
 * db_draft_take deletes the draft of a token that has not expired:
 * DB_NOTFOUND when there is none (used, expired or never made).
 * db_draft_get reads its document (caller frees).  db_draft_counts
 * gives the drafts not yet expired of an email address, those made by a
 * client in the last hour, and all drafts stored.
 */
struct db_draft {
	const uint8_t *token_hash; /* 32 bytes */
	const char *email_key;	   /* the address, lower case */
	const char *client_key;	   /* the client's address, or NULL */
	const char *doc;
	int64_t created_at, expires_at;
};
int db_draft_insert(struct db *, const struct db_draft *);
int db_draft_get(
    struct db *, const uint8_t token_hash[32], int64_t now, char **doc);
int db_draft_take(struct db *, const uint8_t token_hash[32], int64_t now);
int db_draft_counts(struct db *, const char *email_key, const char *client_key,
    int64_t now, int64_t *by_email, int64_t *by_client, int64_t *all);
/* Deletes the expired drafts; *n gets how many. */
int db_draft_purge(struct db *, int64_t now, int *n);

/*
 * The mails of filing online waiting to go (db/filing.c): stored sealed
 * in the caller's transaction, read when due (oldest first, at most
 * limit; the row's fields valid during the callback), deleted once sent
 * or given up, or put off to next_at with the attempt counted.
 */
struct db_filing_mail {
	int64_t id;
	const char *kind;
	int attempts;
	const uint8_t *sealed;
	size_t sealed_len;
};
int db_filing_mail_insert(struct db *, const char *kind, int64_t now,
    const uint8_t *sealed, size_t len);
int db_filing_mail_due(struct db *, int64_t now, int limit,
    int (*cb)(void *, const struct db_filing_mail *), void *);
int db_filing_mail_done(struct db *, int64_t id);
int db_filing_mail_retry(
    struct db *, int64_t id, int64_t next_at, const char *error);
int db_filing_mail_count(struct db *, int64_t *n);

/*
 * Complaints by email (mail.c).  db_mail_insert stores one with its
 * attachments; DB_CONSTRAINT when its Message-ID is there already (a
 * delivery again: nothing is stored).  db_mail_replied counts the
 * replies to sender since a time.  db_mail_list calls fn for a body's
 * incomplete ones after id after, at most limit.
 */
struct db_mail {
	int64_t id;
	int64_t body_id;
	const char *message_id, *sender, *sender_name, *subject, *text;
	const char *no_reply;
	int64_t received_at, replied_at; /* replied: 0 none */
	int left_out;
	int natt; /* the list: how many attachments */
};
struct db_mail_att {
	const char *name, *media_type, *sha256;
	int64_t size;
};
int db_mail_insert(struct db *, const struct db_mail *,
    const struct db_mail_att *, int natt, int64_t *id);
int db_mail_replied(struct db *, const char *sender, int64_t since, int64_t *n);
int db_mail_list(struct db *, int64_t body_id, int64_t after, int limit,
    int (*fn)(void *, const struct db_mail *), void *arg);
/*
 * One mail by id: fn gets it (its strings valid during the call);
 * *complaint the journal entry it became, 0 while incomplete.
 */
int db_mail_get(struct db *, int64_t id, int64_t *complaint,
    int (*fn)(void *, const struct db_mail *), void *arg);
/*
 * Links the mail to the entry just registered in this savepoint;
 * DB_NOTFOUND when it is registered already (or is no mail).
 */
int db_mail_registered(struct db *, int64_t id);

/* Counts for the tests and the operator. */
int db_count_complaints(struct db *, int64_t *);

/*
 * The reports (db/report.c).  The figures are defined once, in SQL (the
 * view report_event in db/report_sql.h), and counted per day by every
 * write transaction, for its events, just before it commits (db_commit).
 * Days are local days of the
 * service's time zone, given by the working-day table that
 * db_report_workday_put fills (in the caller's transaction).
 */
enum db_report_figure {
	DB_RF_RECEIVED,
	DB_RF_REGISTERED_ON_TIME,
	DB_RF_FORWARDED_IN,
	DB_RF_APPEALS_IN,
	DB_RF_FORWARDED_OUT,
	DB_RF_DECIDED,
	DB_RF_UPHELD,
	DB_RF_PARTLY_UPHELD,
	DB_RF_REJECTED,
	DB_RF_EXPLAINED,
	DB_RF_LWC_ANONYMOUS,
	DB_RF_LWC_REPEATED,
	DB_RF_WITHDRAWN,
	DB_RF_EXTENDED,
	DB_RF_ANSWERED_ON_TIME,
	DB_RF_ANSWERED_LATE,
	DB_RF_BECAME_OVERDUE,
	DB_RF_REPEATED,
	DB_RF_APPEALED,
	DB_RF_APPEAL_DECIDED,
	DB_RF_APPEAL_UPHELD,
	DB_RF_APPEAL_PARTLY_UPHELD,
	DB_RF_APPEAL_REJECTED,
	DB_RF_APPEAL_EXPLAINED,
	DB_RF_WD_SUM,
	DB_RF_WD_N,
	DB_RF__MAX
};
struct db_report_q {
	const char *group;     /* body service institution month channel */
	const char *from, *to; /* YYYY-MM-DD, both included */
	int64_t body_id;       /* 0: all */
	int service;	       /* 0: all */
	/* The trace only: */
	const char *figure;
	const char *channel, *institution, *month; /* NULL: all */
	int64_t after;
	int limit;
};
/* One group: its key (valid during the call) and its counters. */
typedef int (*db_report_sum_cb)(
    void *, const char *key, const int64_t v[DB_RF__MAX]);
int db_report_sum(
    struct db *, const struct db_report_q *, db_report_sum_cb, void *);
/* Decisions by working days taken, per group, by key then days. */
int db_report_wd(struct db *, const struct db_report_q *,
    int (*cb)(void *, const char *key, int wd, int64_t n), void *);
/* Complaints received in the period that are open and overdue now. */
int db_report_overdue(struct db *, const struct db_report_q *,
    int (*cb)(void *, const char *key, int64_t n), void *);
/* The events (complaints, for overdue-now) behind a figure. */
struct db_report_trace_row {
	int64_t id; /* event id; complaint id for overdue */
	const char *talon, *body_code;
	int service;
	int64_t at;
	const char *action, *state, *day;
	int overdue; /* open and past its due date now */
};
int db_report_trace(struct db *, const struct db_report_q *,
    int (*cb)(void *, const struct db_report_trace_row *), void *);
/* A day of the working-day table; DB_NOTFOUND when it has none. */
int db_report_workday_get(
    struct db *, const char *day, int64_t *start, int64_t *cum, int *wd);
/* A day of the working-day table; start is its first second (UTC). */
int db_report_workday_put(
    struct db *, const char *day, int64_t start, int64_t cum, int wd);
/* Counts the whole journal again into the counters (after a change of
 * the calendar) and sets their mark; in the caller's transaction. */
int db_report_recount(struct db *);

/*
 * A pool of n read connections.  db_pool_get waits at most wait_ms for a
 * free one and returns NULL when none came free in time; the caller
 * answers "busy" (503).  db_pool_put(p, NULL) is a no-op.
 */
struct db_pool;
struct db_pool *
db_pool_open(const char *path, int n, int wait_ms, char *err, size_t);
struct db *db_pool_get(struct db_pool *);
void db_pool_put(struct db_pool *, struct db *);
void db_pool_close(struct db_pool *);

/*
 * The writer: one thread that owns the writing connection and runs jobs in
 * batches, each job inside a savepoint of the batch's transaction, so a
 * failing job fails alone.  done() is called for every job after the
 * batch's commit is on disk (or failed), with the job's result, from the
 * writer thread.
 */
struct db_job {
	int (*run)(struct db *, void *arg);
	void (*done)(void *arg, int rc);
	void *arg;
	int rc;
	struct db_job *next;
};
struct db_writer;
struct db_writer *
db_writer_start(struct db *, size_t queue_cap, size_t batch_max);
/* Queues a job; DB_QUEUE_FULL or DB_SHUTDOWN when it cannot. */
int db_writer_submit(struct db_writer *, struct db_job *);
/*
 * For tests only: while the file path exists, the writer takes no batch
 * (the jobs wait in the queue), so a test can stall every write.
 */
void db_writer_hold(struct db_writer *, const char *path);
/*
 * Runs run(db, arg) as a job of the writer and waits for its commit; its
 * DB_ code.  For the service's own threads, never a request's.
 */
int
db_writer_run(struct db_writer *, int (*run)(struct db *, void *), void *arg);
/* Finishes the queued jobs, stops the thread. */
void db_writer_stop(struct db_writer *);
/* Batches committed and jobs run, for the statistics. */
void db_writer_stats(struct db_writer *, uint64_t *batches, uint64_t *jobs);
/* Jobs finished so far, and those submitted and not finished yet. */
void db_writer_progress(struct db_writer *, uint64_t *done, uint64_t *pending);

/*
 * Online copies (backup.c).  db_backup_into writes a consistent, compact
 * copy of the store to path (VACUUM INTO) while others go on writing.
 * db_integrity runs PRAGMA integrity_check: bad gets the first problem,
 * empty when the file is sound.  Notes are named values kept in a copy
 * (the access-code key of a backup); _get answers DB_NOTFOUND when there
 * is none.
 */
int db_backup_into(struct db *, const char *path);
int db_integrity(struct db *, char *bad, size_t badlen);
int db_backup_note_put(struct db *, const char *name, const void *, size_t);
int db_backup_note_get(
    struct db *, const char *name, void *, size_t size, size_t *len);
int db_backup_notes_drop(struct db *);
/* The schema version of the store at path, opened read-only. */
int db_file_version(const char *path, int *version, char *err, size_t errlen);

/*
 * What GET /metrics reads (gauges.c): notifications by state with the
 * creation time of the oldest; open overdue complaints by body code; the
 * database's size in bytes (pages in use and free, not the WAL).  The
 * callbacks return -1 to stop.
 */
int db_gauge_outbox(struct db *,
    int (*)(void *, const char *state, int64_t n, int64_t oldest), void *);
int db_gauge_overdue(struct db *,
    int (*)(void *, const char *body, int64_t n, int64_t unused), void *);
int db_gauge_size(struct db *, int64_t *bytes);

#endif /* DB_H */
