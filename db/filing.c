/*
 * db: drafts of complaints filed online, before the applicant confirms
 * them by email.  A draft holds no journal number; it is deleted when it
 * is confirmed (db_draft_take, in the transaction that registers it) or
 * once it has expired (db_draft_purge).
 */
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"

int
db_draft_insert(struct db *db, const struct db_draft *d)
{
	sqlite3_stmt *st = db_stmt(db, ST_DRAFT_INSERT);
	int rc;

	sqlite3_bind_blob(st, 1, d->token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->email_key, -1, SQLITE_STATIC);
	db_bind_opt(st, 3, d->client_key);
	sqlite3_bind_text(st, 4, d->doc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, d->created_at);
	sqlite3_bind_int64(st, 6, d->expires_at);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_draft_get(struct db *db, const uint8_t token_hash[32], int64_t now,
    char **doc)
{
	sqlite3_stmt *st = db_stmt(db, ST_DRAFT_GET);
	const unsigned char *v;
	int rc;

	*doc = NULL;
	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		rc = v != NULL && (*doc = strdup((const char *)v)) != NULL ?
		    DB_OK : DB_ERROR;
	} else
		rc = rc == SQLITE_DONE ? DB_NOTFOUND :
		    db_rc_from_sqlite(db, rc);
	sqlite3_reset(st);
	return rc;
}

int
db_draft_take(struct db *db, const uint8_t token_hash[32], int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, ST_DRAFT_TAKE);
	int rc;

	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = db_step(db, st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_rc_from_sqlite(db, rc);
	return sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
}

int
db_draft_counts(struct db *db, const char *email_key, const char *client_key,
    int64_t now, int64_t *by_email, int64_t *by_client, int64_t *all)
{
	sqlite3_stmt *st = db_stmt(db, ST_DRAFT_COUNT);
	int rc;

	*by_email = *by_client = *all = 0;
	sqlite3_bind_text(st, 1, email_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	db_bind_opt(st, 3, client_key);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		*by_email = sqlite3_column_int64(st, 0);
		*by_client = sqlite3_column_int64(st, 1);
		*all = sqlite3_column_int64(st, 2);
		rc = DB_OK;
	} else
		rc = db_rc_from_sqlite(db, rc);
	sqlite3_reset(st);
	return rc;
}

int
db_draft_purge(struct db *db, int64_t now, int *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_DRAFT_PURGE);
	int rc;

	*n = 0;
	sqlite3_bind_int64(st, 1, now);
	rc = db_step(db, st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_rc_from_sqlite(db, rc);
	*n = sqlite3_changes(db->h);
	return DB_OK;
}
