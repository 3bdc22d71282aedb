/*
 * db: online copies of the store.  These statements run once per backup
 * or restore, so they are prepared where they are used rather than kept
 * in the connection's statement table.
 */
#include <stdio.h>
#include <string.h>

#include "db/db_int.h"

int
db_backup_into(struct db *db, const char *path)
{
	sqlite3_stmt *st = NULL;
	int rc;

	/* One read transaction: a consistent copy while the writer goes
	 * on (WAL), compacted, in rollback-journal mode. */
	if (sqlite3_prepare_v2(db->h, "VACUUM INTO ?1", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_rc_from_sqlite(db, sqlite3_errcode(db->h));
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	/* query_only refuses VACUUM INTO, though it writes only the copy. */
	sqlite3_exec(db->h, "PRAGMA query_only = OFF", NULL, NULL, NULL);
	rc = db_step(db, st);
	sqlite3_finalize(st);
	if (!(db->flags & DB_OPEN_WRITE))
		sqlite3_exec(db->h, "PRAGMA query_only = ON", NULL, NULL, NULL);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from_sqlite(db, rc);
}

int
db_integrity(struct db *db, char *bad, size_t badlen)
{
	sqlite3_stmt *st = NULL;
	const char *r;
	int rc;

	bad[0] = '\0';
	if (sqlite3_prepare_v2(db->h, "PRAGMA integrity_check(1)", -1, &st,
		NULL) != SQLITE_OK) {
		snprintf(bad, badlen, "%s", sqlite3_errmsg(db->h));
		return DB_OK;
	}
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		r = (const char *)sqlite3_column_text(st, 0);
		if (r == NULL || strcmp(r, "ok") != 0)
			snprintf(bad, badlen, "%s", r ? r : "no answer");
	} else /* a file that is not a database fails here */
		snprintf(bad, badlen, "%s", sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return DB_OK;
}

int
db_backup_note_put(
    struct db *db, const char *name, const void *value, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_exec(db->h,
		"CREATE TABLE IF NOT EXISTS backup_note "
		"(name TEXT PRIMARY KEY, value BLOB NOT NULL)",
		NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->h,
		"INSERT OR REPLACE INTO backup_note "
		"(name, value) VALUES (?1, ?2)",
		-1, &st, NULL) != SQLITE_OK)
		return db_rc_from_sqlite(db, sqlite3_errcode(db->h));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, value, (int)len, SQLITE_STATIC);
	rc = db_step(db, st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from_sqlite(db, rc);
}

int
db_backup_note_get(
    struct db *db, const char *name, void *value, size_t size, size_t *len)
{
	sqlite3_stmt *st = NULL;
	int rc, n;

	*len = 0;
	if (sqlite3_prepare_v2(db->h,
		"SELECT value FROM backup_note "
		"WHERE name = ?1",
		-1, &st, NULL) != SQLITE_OK)
		return DB_NOTFOUND; /* no notes in this copy */
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		n = sqlite3_column_bytes(st, 0);
		if ((size_t)n > size) {
			sqlite3_finalize(st);
			return DB_ERROR;
		}
		memcpy(value, sqlite3_column_blob(st, 0), (size_t)n);
		*len = (size_t)n;
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NOTFOUND :
					 db_rc_from_sqlite(db, rc);
	sqlite3_finalize(st);
	return rc;
}

int
db_backup_notes_drop(struct db *db)
{
	if (sqlite3_exec(db->h, "DROP TABLE IF EXISTS backup_note", NULL, NULL,
		NULL) != SQLITE_OK)
		return db_rc_from_sqlite(db, sqlite3_errcode(db->h));
	return DB_OK;
}

int
db_file_version(const char *path, int *version, char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int rc = DB_ERROR;

	/* Through SQLite, not the header: in WAL mode the header on disk
	 * lags behind what the log holds. */
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) !=
		SQLITE_OK ||
	    sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) !=
		SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "%s: %s", path,
		    h ? sqlite3_errmsg(h) : "cannot open");
		goto out;
	}
	*version = sqlite3_column_int(st, 0);
	rc = DB_OK;
out:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return rc;
}
