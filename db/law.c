/*
 * db: the law as it applies to an entry: the clause and basis of its due
 * date, what started the count, its ground, the intake the registrar
 * checked, and the forwarding deadline with its watch.  The columns are
 * nullable (migration 5), so the audit hash of an older row is the same.
 */
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

static void
copy_col(sqlite3_stmt *st, int i, char *out, size_t len)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	out[0] = '\0';
	if (v != NULL)
		(void)strlcpy_chk(out, (const char *)v, len);
}

int
db_law_get(struct db *db, int64_t id, struct db_law *l)
{
	sqlite3_stmt *st = db_stmt(db, ST_LAW_GET);
	int rc;

	memset(l, 0, sizeof(*l));
	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		copy_col(st, 0, l->clause, sizeof(l->clause));
		copy_col(st, 1, l->basis, sizeof(l->basis));
		copy_col(st, 2, l->count_from, sizeof(l->count_from));
		copy_col(st, 3, l->ground, sizeof(l->ground));
		copy_col(st, 4, l->intake, sizeof(l->intake));
		copy_col(st, 5, l->forward_due, sizeof(l->forward_due));
		l->forward_reminded_at = sqlite3_column_int64(st, 6);
		l->forward_overdue_at = sqlite3_column_int64(st, 7);
		l->received_at = sqlite3_column_int64(st, 8);
		l->accepted_at = sqlite3_column_int64(st, 9);
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NOTFOUND :
					 db_rc_from_sqlite(db, rc);
	sqlite3_reset(st);
	return rc;
}

int
db_ids_by_date(
    struct db *db, int stmt, const char *date, int limit, int64_t *ids, int *n)
{
	sqlite3_stmt *st = db_stmt(db, stmt);
	int rc = SQLITE_DONE;

	*n = 0;
	sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	while (*n < limit && (rc = db_step(db, st)) == SQLITE_ROW)
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    DB_OK :
	    db_rc_from_sqlite(db, rc);
}

int
db_forward_watch(struct db *db, int remind, const char *date, int limit,
    int64_t *ids, int *n)
{
	return db_ids_by_date(db,
	    remind ? ST_FORWARD_REMIND : ST_FORWARD_OVERDUE, date, limit, ids,
	    n);
}

int
db_forward_mark(struct db *db, int64_t id, int remind, int64_t at)
{
	sqlite3_stmt *st = db_stmt(
	    db, remind ? ST_FORWARD_MARK_REMIND : ST_FORWARD_MARK_OVERDUE);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_row_intact(struct db *db, int64_t id, int *intact)
{
	sqlite3_stmt *st = db_stmt(db, ST_VERIFY_LAST_EVENT);
	uint8_t now[32], last[32];
	int rc, have = 0;

	*intact = 0;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step(db, st)) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 1) == 32) {
		memcpy(last, sqlite3_column_blob(st, 1), 32);
		have = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_rc_from_sqlite(db, rc);
	if ((rc = db_complaint_row_hash(db, id, now)) != DB_OK)
		return rc;
	*intact = have && memcmp(now, last, 32) == 0;
	return DB_OK;
}
