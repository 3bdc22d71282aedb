/*
 * db: drafts of complaints filed online, before the applicant confirms
 * them by email.  A draft holds no journal number; it is deleted when it
 * is confirmed (db_draft_take, in the transaction that registers it) or
 * once it has expired (db_draft_purge).
 */
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"

/* Runs a change of one row: DB_NOTFOUND when it changed none. */
static int
one_row(struct db *db, sqlite3_stmt *st)
{
	int rc = db_step(db, st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_rc_from_sqlite(db, rc);
	return sqlite3_changes(db->h) == 1 ? DB_OK : DB_NOTFOUND;
}

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
db_draft_get(
    struct db *db, const uint8_t token_hash[32], int64_t now, char **doc)
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
		    DB_OK :
		    DB_ERROR;
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

	sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return one_row(db, st);
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

int
db_filing_mail_insert(struct db *db, const char *kind, int64_t now,
    const uint8_t *sealed, size_t len)
{
	sqlite3_stmt *st = db_stmt(db, ST_FMAIL_INSERT);
	int rc;

	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_blob(st, 3, sealed, (int)len, SQLITE_STATIC);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

static const struct db_col fmail_cols[] = {
	DB_COL(I64, struct db_filing_mail, id),
	DB_COL(TEXT, struct db_filing_mail, kind),
	DB_COL(INT, struct db_filing_mail, attempts),
};

int
db_filing_mail_due(struct db *db, int64_t now, int limit,
    int (*cb)(void *, const struct db_filing_mail *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_FMAIL_DUE);
	struct db_filing_mail m;
	int rc;

	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_row_read(
		    st, fmail_cols, DB_NCOLS(fmail_cols), &m, sizeof(m));
		/* The blob after the columns of the table. */
		m.sealed = sqlite3_column_blob(st, (int)DB_NCOLS(fmail_cols));
		m.sealed_len = (size_t)sqlite3_column_bytes(
		    st, (int)DB_NCOLS(fmail_cols));
		if (cb(arg, &m))
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_filing_mail_done(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, ST_FMAIL_DONE);

	sqlite3_bind_int64(st, 1, id);
	return one_row(db, st);
}

int
db_filing_mail_retry(
    struct db *db, int64_t id, int64_t next_at, const char *error)
{
	sqlite3_stmt *st = db_stmt(db, ST_FMAIL_RETRY);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, next_at);
	db_bind_opt(st, 3, error);
	return one_row(db, st);
}

int
db_filing_mail_count(struct db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_FMAIL_COUNT);
	int rc;

	*n = 0;
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = DB_OK;
	} else
		rc = db_rc_from_sqlite(db, rc);
	sqlite3_reset(st);
	return rc;
}

int
db_mail_insert(struct db *db, const struct db_mail *m,
    const struct db_mail_att *att, int natt, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, ST_MAIL_INSERT);
	int rc;

	sqlite3_bind_int64(st, 1, m->body_id);
	sqlite3_bind_text(st, 2, m->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->sender, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, m->sender_name);
	db_bind_opt(st, 5, m->subject);
	sqlite3_bind_text(st, 6, m->text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, m->received_at);
	db_bind_opt(st, 8, m->no_reply);
	if (m->replied_at)
		sqlite3_bind_int64(st, 9, m->replied_at);
	else
		sqlite3_bind_null(st, 9);
	sqlite3_bind_int(st, 10, m->left_out);
	rc = db_step(db, st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_rc_from_sqlite(db, rc);
	if (sqlite3_changes(db->h) == 0)
		return DB_CONSTRAINT;
	*id = sqlite3_last_insert_rowid(db->h);
	st = db_stmt(db, ST_MAIL_ATT_INSERT);
	for (int i = 0; i < natt; i++) {
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_int(st, 2, i + 1);
		sqlite3_bind_text(st, 3, att[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, att[i].media_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, att[i].size);
		sqlite3_bind_text(st, 6, att[i].sha256, -1, SQLITE_STATIC);
		rc = db_step(db, st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_rc_from_sqlite(db, rc);
	}
	return DB_OK;
}

int
db_mail_replied(struct db *db, const char *sender, int64_t since, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_MAIL_REPLIED);
	int rc;

	*n = 0;
	sqlite3_bind_text(st, 1, sender, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_mail_list(struct db *db, int64_t body_id, int64_t after, int limit,
    int (*fn)(void *, const struct db_mail *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_MAIL_LIST);
	struct db_mail m;
	int rc;

	sqlite3_bind_int64(st, 1, body_id);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&m, 0, sizeof(m));
		m.id = sqlite3_column_int64(st, 0);
		m.body_id = body_id;
		m.message_id = db_col_opt(st, 1);
		m.sender = db_col_opt(st, 2);
		m.sender_name = db_col_opt(st, 3);
		m.subject = db_col_opt(st, 4);
		m.received_at = sqlite3_column_int64(st, 5);
		m.no_reply = db_col_opt(st, 6);
		m.natt = sqlite3_column_int(st, 7);
		m.text = db_col_opt(st, 8);
		if (fn(arg, &m) == -1)
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_mail_get(struct db *db, int64_t id, int64_t *complaint,
    int (*fn)(void *, const struct db_mail *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_MAIL_GET);
	struct db_mail m;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		memset(&m, 0, sizeof(m));
		m.id = id;
		m.body_id = sqlite3_column_int64(st, 0);
		m.message_id = db_col_opt(st, 1);
		m.sender = db_col_opt(st, 2);
		m.sender_name = db_col_opt(st, 3);
		m.subject = db_col_opt(st, 4);
		m.text = db_col_opt(st, 5);
		m.received_at = sqlite3_column_int64(st, 6);
		m.no_reply = db_col_opt(st, 7);
		*complaint = sqlite3_column_int64(st, 8);
		rc = fn(arg, &m) == 0 ? DB_OK : DB_ERROR;
	} else
		rc = rc == SQLITE_DONE ? DB_NOTFOUND :
					 db_rc_from_sqlite(db, rc);
	sqlite3_reset(st);
	return rc;
}

int
db_mail_registered(struct db *db, int64_t id)
{
	sqlite3_stmt *st = db_stmt(db, ST_MAIL_REGISTERED);

	sqlite3_bind_int64(st, 1, id);
	return one_row(db, st);
}
