/*
 * db: the outbox of notifications.  Rows are written by the lifecycle in
 * the transaction of the change that causes them; the delivery worker
 * claims, sends and records them here.
 */
#include <string.h>

#include "db/db_int.h"

static const struct db_col outbox_cols[] = {
	DB_COL(I64, struct db_outbox_row, id),
	DB_COL(TEXT, struct db_outbox_row, uid),
	DB_COL(I64, struct db_outbox_row, complaint_id),
	DB_COL(TEXT, struct db_outbox_row, kind),
	DB_COL(TEXT, struct db_outbox_row, channel),
	DB_COL(TEXT, struct db_outbox_row, recipient),
	DB_COL(TEXT, struct db_outbox_row, lang),
	DB_COL(TEXT, struct db_outbox_row, state),
	DB_COL(I64, struct db_outbox_row, created_at),
	DB_COL(TEXT, struct db_outbox_row, due_by),
	DB_COL(INT, struct db_outbox_row, attempts),
	DB_COL(I64, struct db_outbox_row, next_attempt_at),
	DB_COL(TEXT, struct db_outbox_row, last_error),
	DB_COL(I64, struct db_outbox_row, sent_at),
	DB_COL(INT, struct db_outbox_row, out_year),
	DB_COL(I64, struct db_outbox_row, out_no),
	DB_COL(TEXT, struct db_outbox_row, tracking),
	DB_COL(TEXT, struct db_outbox_row, letter_date),
	DB_COL(I64, struct db_outbox_row, posted_at),
	DB_COL(TEXT, struct db_outbox_row, body_code),
	DB_COL(I64, struct db_outbox_row, body_id),
	DB_COL(TEXT, struct db_outbox_row, prev_due),
};

static int
rows(struct db *db, sqlite3_stmt *st, db_outbox_cb cb, void *arg)
{
	struct db_outbox_row r;
	int rc;

	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_row_read(
		    st, outbox_cols, DB_NCOLS(outbox_cols), &r, sizeof(r));
		if (cb(arg, &r))
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_outbox_due(struct db *db, int64_t now, int limit, db_outbox_cb cb, void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_DUE);

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	return rows(db, st, cb, arg);
}

int
db_outbox_get(struct db *db, int64_t id, db_outbox_cb cb, void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_GET);

	sqlite3_bind_int64(st, 1, id);
	return rows(db, st, cb, arg);
}

struct claim_row {
	int found;
	int64_t out_no, body_id;
};

static int
claim_row(void *arg, const struct db_outbox_row *r)
{
	struct claim_row *c = arg;

	c->found = 1;
	c->out_no = r->out_no;
	c->body_id = r->body_id;
	return 1;
}

int
db_outbox_claim(
    struct db *db, int64_t id, int numbered, int year, const char *date)
{
	struct claim_row c = { 0, 0, 0 };
	sqlite3_stmt *st;
	int64_t no = 0;
	int rc;

	if ((rc = db_outbox_get(db, id, claim_row, &c)) != DB_OK)
		return rc;
	if (!c.found)
		return DB_NOTFOUND;
	if (numbered && c.out_no == 0) {
		st = db_stmt(db, ST_OUTGOING_NEXT);
		sqlite3_bind_int64(st, 1, c.body_id);
		sqlite3_bind_int(st, 2, year);
		rc = db_step(db, st);
		if (rc == SQLITE_ROW) {
			no = sqlite3_column_int64(st, 0);
			rc = db_step(db, st);
		}
		sqlite3_reset(st);
		if ((rc = db_rc_from_sqlite(db, rc)) != DB_OK)
			return rc;
	}
	st = db_stmt(db, ST_OUTBOX_CLAIM);
	sqlite3_bind_int64(st, 1, id);
	if (no) {
		sqlite3_bind_int(st, 2, year);
		sqlite3_bind_int64(st, 3, no);
	}
	db_bind_opt(st, 4, date);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_outbox_set(struct db *db, int64_t id, const char *state, int64_t next_at,
    const char *error, int64_t sent_at, int64_t posted_at, const char *tracking)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_SET);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	if (next_at)
		sqlite3_bind_int64(st, 3, next_at);
	db_bind_opt(st, 4, error);
	if (sent_at)
		sqlite3_bind_int64(st, 5, sent_at);
	if (posted_at)
		sqlite3_bind_int64(st, 6, posted_at);
	db_bind_opt(st, 7, tracking);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_outbox_attempt(struct db *db, int64_t id, int64_t at, const char *result,
    const char *detail)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_ATTEMPT);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, result, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, detail);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_outbox_list(struct db *db, const char *state, int64_t body_id, int64_t after,
    int limit, db_outbox_cb cb, void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_LIST);

	db_bind_opt(st, 1, state);
	if (body_id)
		sqlite3_bind_int64(st, 2, body_id);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int(st, 4, limit);
	return rows(db, st, cb, arg);
}

int
db_outbox_post_ready(struct db *db, int64_t body_id, const char *date,
    db_outbox_cb cb, void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_POST_READY);

	sqlite3_bind_int64(st, 1, body_id);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	return rows(db, st, cb, arg);
}

int
db_outbox_reset(struct db *db, int64_t id, int64_t next_at, const char *channel,
    const char *recipient)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_RESET);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, next_at);
	sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, recipient);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_outbox_count(struct db *db, const char *state, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_OUTBOX_COUNT_STATE);
	int rc;

	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : db_rc_from_sqlite(db, rc);
}
