/*
 * db: what GET /metrics reads from the store, at the moment it asks.
 * Run once a scrape, so prepared where they are used.
 */
#include <stdio.h>

#include "db/db_int.h"

static int
rows(struct db *db, const char *sql,
    int (*cb)(void *, const char *, int64_t, int64_t), void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		return db_rc_from_sqlite(db, sqlite3_errcode(db->h));
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
			sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2)) == -1) {
			rc = SQLITE_DONE;
			break;
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from_sqlite(db, rc);
}

int
db_gauge_outbox(struct db *db,
    int (*cb)(void *, const char *state, int64_t n, int64_t oldest), void *arg)
{
	return rows(db,
	    "SELECT state, count(*), min(created_at) FROM "
	    "notification GROUP BY state ORDER BY state",
	    cb, arg);
}

int
db_gauge_overdue(struct db *db,
    int (*cb)(void *, const char *body, int64_t n, int64_t unused), void *arg)
{
	return rows(db,
	    "SELECT b.code, count(*), 0 FROM complaint c JOIN "
	    "body b ON b.id = c.body_id WHERE c.open = 1 AND c.overdue_at IS "
	    "NOT NULL GROUP BY b.code ORDER BY b.code",
	    cb, arg);
}

int
db_gauge_size(struct db *db, int64_t *bytes)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*bytes = 0;
	if (sqlite3_prepare_v2(db->h,
		"SELECT page_count * page_size FROM "
		"pragma_page_count(), pragma_page_size()",
		-1, &st, NULL) != SQLITE_OK)
		return db_rc_from_sqlite(db, sqlite3_errcode(db->h));
	if ((rc = db_step(db, st)) == SQLITE_ROW)
		*bytes = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? DB_OK : db_rc_from_sqlite(db, rc);
}
