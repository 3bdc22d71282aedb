/* db: staff accounts, their tokens, and what administrators do. */
#include <string.h>

#include "db/db_int.h"

static int64_t
i64_opt(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ?
	    0 :
	    sqlite3_column_int64(st, i);
}

/* Reads the STAFF_COLS starting at column i. */
static void
staff_row(sqlite3_stmt *st, int i, struct db_staff *s)
{
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, i);
	db_col_text(st, i + 1, s->login, sizeof(s->login));
	db_col_text(st, i + 2, s->full_name, sizeof(s->full_name));
	db_col_text(st, i + 3, s->position, sizeof(s->position));
	db_col_text(st, i + 4, s->body_code, sizeof(s->body_code));
	db_col_text(st, i + 5, s->role, sizeof(s->role));
	s->active = sqlite3_column_int(st, i + 6);
	db_col_text(st, i + 7, s->pw_hash, sizeof(s->pw_hash));
	s->created_at = sqlite3_column_int64(st, i + 8);
	s->body_id = sqlite3_column_int64(st, i + 9);
}

static int
done(struct db *db, sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_staff_insert(struct db *db, const struct db_staff *s)
{
	sqlite3_stmt *st = db_stmt(db, ST_STAFF_INSERT);

	sqlite3_bind_text(st, 1, s->login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->full_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->position, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, s->body_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, s->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, s->pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, s->created_at);
	db_bind_opt(st, 8, s->surname[0] ? s->surname : NULL);
	db_bind_opt(st, 9, s->given_name[0] ? s->given_name : NULL);
	db_bind_opt(st, 10, s->patronymic[0] ? s->patronymic : NULL);
	return done(db, st, db_step(db, st));
}

int
db_staff_by_login(struct db *db, const char *login, struct db_staff *s)
{
	sqlite3_stmt *st = db_stmt(db, ST_STAFF_BY_LOGIN);
	int rc;

	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		staff_row(st, 0, s);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_rc_from_sqlite(db, rc);
}

int
db_staff_update(
    struct db *db, const char *login, int active, const char *pw_hash)
{
	sqlite3_stmt *st = db_stmt(db, ST_STAFF_UPDATE);
	int rc;

	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	if (active >= 0)
		sqlite3_bind_int(st, 2, active);
	db_bind_opt(st, 3, pw_hash);
	rc = db_step(db, st);
	if (rc == SQLITE_DONE && sqlite3_changes(db->h) == 0) {
		sqlite3_reset(st);
		return DB_NOTFOUND;
	}
	return done(db, st, rc);
}

int
db_staff_rehash(
    struct db *db, const char *login, const char *old, const char *pw_hash)
{
	sqlite3_stmt *st = db_stmt(db, ST_STAFF_REHASH);

	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pw_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, old, -1, SQLITE_STATIC);
	return done(db, st, db_step(db, st));
}

int
db_staff_list(
    struct db *db, int (*cb)(void *, const struct db_staff *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_STAFF_LIST);
	struct db_staff s;
	int rc;

	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		staff_row(st, 0, &s);
		if (cb(arg, &s))
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_token_insert(struct db *db, const uint8_t hash[32], int64_t staff_id,
    const char *kind, const char *label, int64_t now, int64_t expires_at,
    int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, ST_TOKEN_INSERT);
	int rc;

	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, staff_id);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, label);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_int64(st, 6, expires_at);
	rc = db_step(db, st);
	if (rc == SQLITE_DONE && id)
		*id = sqlite3_last_insert_rowid(db->h);
	return done(db, st, rc);
}

int
db_token_by_hash(struct db *db, const uint8_t hash[32], struct db_token *t)
{
	sqlite3_stmt *st = db_stmt(db, ST_TOKEN_BY_HASH);
	int rc;

	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, t->kind, sizeof(t->kind));
		t->expires_at = sqlite3_column_int64(st, 2);
		t->last_used = sqlite3_column_int64(st, 3);
		t->revoked_at = i64_opt(st, 4);
		staff_row(st, 5, &t->staff);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_rc_from_sqlite(db, rc);
}

int
db_token_touch(struct db *db, int64_t id, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, ST_TOKEN_TOUCH);

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	return done(db, st, db_step(db, st));
}

int
db_token_revoke(
    struct db *db, int64_t id, int64_t staff_id, int64_t now, int *changed)
{
	sqlite3_stmt *st = db_stmt(db, ST_TOKEN_REVOKE);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	if (staff_id)
		sqlite3_bind_int64(st, 3, staff_id);
	rc = db_step(db, st);
	if (changed)
		*changed = sqlite3_changes(db->h);
	return done(db, st, rc);
}

int
db_token_revoke_login(struct db *db, const char *login, int64_t now)
{
	sqlite3_stmt *st = db_stmt(db, ST_TOKEN_REVOKE_STAFF);

	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return done(db, st, db_step(db, st));
}

int
db_token_list(struct db *db, int64_t staff_id,
    int (*cb)(void *, const struct db_token_row *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_TOKEN_LIST);
	struct db_token_row r;
	int rc;

	sqlite3_bind_int64(st, 1, staff_id);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.kind = db_col_opt(st, 1);
		r.label = db_col_opt(st, 2);
		r.created_at = sqlite3_column_int64(st, 3);
		r.expires_at = sqlite3_column_int64(st, 4);
		r.last_used = sqlite3_column_int64(st, 5);
		r.revoked_at = i64_opt(st, 6);
		if (cb(arg, &r))
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_staff_event(struct db *db, int64_t at, const char *actor, const char *action,
    const char *target, const char *detail)
{
	sqlite3_stmt *st = db_stmt(db, ST_STAFF_EVENT);

	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	db_bind_opt(st, 4, target);
	db_bind_opt(st, 5, detail);
	return done(db, st, db_step(db, st));
}
