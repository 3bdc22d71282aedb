/* db: what the files of db/ share; not for callers. */
#ifndef DB_INT_H
#define DB_INT_H

#include <stddef.h>

#include <sqlite3.h>

#include "db/db.h"
#include "db/report_sql.h"

enum db_stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_FTS_CATCH_UP,
	ST_FTS_MARK,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_BODY_BY_CODE,
	ST_BODY_BY_ID,
	ST_JOURNAL_NEXT,
	ST_COMPLAINT_INSERT,
	ST_ATTACHMENT_INSERT,
	ST_EVENT_LAST_HASH,
	ST_EVENT_INSERT,
	ST_STATUS_BY_TALON,
	ST_COUNT_COMPLAINTS,
	ST_COMPLAINT_GET,
	ST_COMPLAINT_ID_BY_TALON,
	ST_COMPLAINT_UPDATE,
	ST_ROW_COMPLAINT,
	ST_ROW_ATTACHMENTS,
	ST_EVENTS_OF,
	ST_CASE_OF,
	ST_REPEAT_FIND,
	ST_WATCH_OVERDUE,
	ST_WATCH_REMIND,
	ST_NOTIFY_INSERT,
	ST_LIST_KEY,
	ST_LIST_OPEN_BODY,
	ST_LIST_DONE_BODY,
	ST_LIST_OVERDUE,
	ST_LIST_OPEN_ALL,
	ST_LIST_DONE_ALL,
	ST_LIST_SEARCH,
	ST_WORKLOAD,
	ST_JOURNAL_EXPORT,
	ST_VERIFY_NEXT_COMPLAINT,
	ST_VERIFY_LAST_EVENT,
	ST_VERIFY_EVENTS,
	ST_VERIFY_GAPS,
	ST_BODY_UPSERT,
	ST_BODY_SEARCH,
	ST_BODY_DETAIL,
	ST_BODY_SUBTREE,
	ST_META_GET,
	ST_META_SET,
	ST_OUTBOX_DUE,
	ST_OUTBOX_GET,
	ST_OUTBOX_CLAIM,
	ST_OUTBOX_SET,
	ST_OUTBOX_ATTEMPT,
	ST_OUTGOING_NEXT,
	ST_OUTBOX_LIST,
	ST_OUTBOX_POST_READY,
	ST_OUTBOX_RESET,
	ST_OUTBOX_COUNT_STATE,
	ST_STAFF_INSERT,
	ST_STAFF_BY_LOGIN,
	ST_STAFF_BY_ID,
	ST_STAFF_UPDATE,
	ST_STAFF_REHASH,
	ST_STAFF_LIST,
	ST_TOKEN_INSERT,
	ST_TOKEN_BY_HASH,
	ST_TOKEN_TOUCH,
	ST_TOKEN_REVOKE,
	ST_TOKEN_REVOKE_STAFF,
	ST_TOKEN_LIST,
	ST_STAFF_EVENT,
	ST_LAW_GET,
	ST_FORWARD_OVERDUE,
	ST_FORWARD_REMIND,
	ST_FORWARD_MARK_OVERDUE,
	ST_FORWARD_MARK_REMIND,
	ST_DRAFT_INSERT,
	ST_DRAFT_GET,
	ST_DRAFT_TAKE,
	ST_DRAFT_COUNT,
	ST_DRAFT_PURGE,
	ST_FMAIL_INSERT,
	ST_FMAIL_DUE,
	ST_FMAIL_DONE,
	ST_FMAIL_RETRY,
	ST_FMAIL_COUNT,
	ST_REPORT_SUM,
	ST_REPORT_WD,
	ST_REPORT_OVERDUE,
	ST_REPORT_TRACE,
	ST_REPORT_TRACE_OVERDUE,
	ST_REPORT_WORKDAY_PUT,
	ST_REPORT_BOUNDS,
	ST_REPORT_EVENT_DAY,
	ST_REPORT_TRACE_DAYS,
	ST_MAIL_INSERT,
	ST_MAIL_ATT_INSERT,
	ST_MAIL_REPLIED,
	ST_MAIL_LIST,
	ST_REPORT_WORKDAY_GET,
	ST_MAIL_GET,
	ST_MAIL_REGISTERED,
	ST_LOOKUP,
	ST_CASE_MEMBERS,
	ST_REPORT_PENDING,
	ST_REPORT_COUNT_DAY,
	ST_REPORT_COUNT_WD,
	ST_REPORT_COUNTED_SET,
	ST__MAX
};

#define DB_ROWMAP_MAX 128

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[ST__MAX];
	int flags;
	int wal_frames; /* in the WAL after the last commit (writing) */
	struct db *pool_next;
	/* db_complaint_row_hash_new: 0 not loaded, -1 read back. */
	int rowmap_n;
	short rowmap[DB_ROWMAP_MAX];
};

#include <sodium.h>

int db_step(struct db *, sqlite3_stmt *);
/*
 * The query plan of statement i (EXPLAIN QUERY PLAN, its details joined
 * by "; "), for the tests that prove each index is used.
 */
int db_plan(struct db *, enum db_stmt i, char *out, size_t len);
void db_hash_field(crypto_generichash_state *, const void *, size_t);
void db_hash_str(crypto_generichash_state *, const char *);
void db_hash_i64(crypto_generichash_state *, int64_t);
/* Binds NULL for NULL or an empty string. */
void db_bind_opt(sqlite3_stmt *, int, const char *);
/*
 * Runs statement stmt with ?1 = date, ?2 = limit and collects the ids of
 * its first column (the watches).
 */
int db_ids_by_date(
    struct db *, int stmt, const char *date, int limit, int64_t *ids, int *n);
void db_col_text(sqlite3_stmt *, int, char *, size_t);
void db_event_hash(const uint8_t prev[32], const struct db_event *,
    const uint8_t content_hash[32], uint8_t out[32]);
/*
 * Ends a loop over rows: resets the statement; DB_OK when the loop
 * stopped at a row (the callback's choice) or at the end.
 */
int db_rows_end(struct db *, sqlite3_stmt *, int rc);
/* The text of a column, or NULL when it is NULL. */
const char *db_col_opt(sqlite3_stmt *, int);
/* An integer column, 0 when it is NULL. */
int64_t db_col_i64_opt(sqlite3_stmt *, int);

/*
 * How the columns of a statement fill a row structure: entry i reads
 * column i into the field at off.  A reader of rows is a table of these
 * and one call of db_row_read per row, not a line per field.
 */
enum db_col_kind {
	DB_COL_TEXT, /* const char *, NULL when NULL; valid until the
			 * next step of the statement */
	DB_COL_I64,  /* int64_t, 0 when NULL */
	DB_COL_INT   /* int, 0 when NULL */
};
struct db_col {
	enum db_col_kind kind;
	size_t off;
};
#define DB_COL(kind, type, field) \
	{ \
		DB_COL_##kind, offsetof(type, field) \
	}
#define DB_NCOLS(t) (sizeof(t) / sizeof((t)[0]))
/* Fills row (zeroed first, size bytes) from the statement's current row. */
void db_row_read(sqlite3_stmt *, const struct db_col *, size_t ncols, void *row,
    size_t size);
int db_rc_from_sqlite(struct db *, int);
sqlite3_stmt *db_stmt(struct db *, enum db_stmt);
/*
 * Adds the events above the reports' mark to their counters and moves
 * the mark (db/report.c); db_commit runs it in every write transaction.
 */
int db_report_count_new(struct db *);
/* The reports' mark and the last event: none left to count if equal. */
int db_report_pending(struct db *, int64_t *mark, int64_t *last);

/*
 * Runs one migration's SQL in the caller's transaction (foreign keys
 * off), then checks the references of the tables it wrote and of those
 * referring to them; an SQLite code, *msg (sqlite3_free) saying why.
 */
int db_migrate_sql(struct db *, const char *sql, char **msg);

#endif /* DB_INT_H */
