/*
 * db: the life of a complaint in storage — reading an entry whole,
 * changing it with its event, the audit hash of a row, cases, repeats,
 * the deadline watch, the outbox, lists, the journal export and verify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

void
db_reset(struct db *db)
{
	for (int i = 0; i < ST__MAX; i++)
		if (sqlite3_stmt_busy(db->st[i]))
			sqlite3_reset(db->st[i]);
}

int
db_complaint_get(
    struct db *db, int64_t id, struct db_complaint *c, struct db_body *b)
{
	sqlite3_stmt *st = db_stmt(db, ST_COMPLAINT_GET);
	int rc, i = 0;

	sqlite3_bind_int64(st, 1, id);
	rc = db_step(db, st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_rc_from_sqlite(db, rc);
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, i++);
	c->talon = db_col_opt(st, i++);
	c->body_id = sqlite3_column_int64(st, i++);
	c->journal_year = sqlite3_column_int(st, i++);
	c->journal_no = sqlite3_column_int64(st, i++);
	c->accepted_at = sqlite3_column_int64(st, i++);
	c->received_at = sqlite3_column_int64(st, i++);
	c->channel = db_col_opt(st, i++);
	c->service = sqlite3_column_int(st, i++);
	c->subject_institution = db_col_opt(st, i++);
	c->subject_name = db_col_opt(st, i++);
	c->subject_official = db_col_opt(st, i++);
	c->surname = db_col_opt(st, i++);
	c->name = db_col_opt(st, i++);
	c->patronymic = db_col_opt(st, i++);
	c->address = db_col_opt(st, i++);
	c->email = db_col_opt(st, i++);
	c->phone = db_col_opt(st, i++);
	c->representative_of = db_col_opt(st, i++);
	c->is_signed = sqlite3_column_int(st, i++);
	c->reasons = db_col_opt(st, i++);
	c->demands = db_col_opt(st, i++);
	c->registrar_name = db_col_opt(st, i++);
	c->registrar_position = db_col_opt(st, i++);
	c->rules = db_col_opt(st, i++);
	c->due = db_col_opt(st, i++);
	c->state = db_col_opt(st, i++);
	c->case_id = db_col_i64_opt(st, i++);
	c->parent_id = db_col_i64_opt(st, i++);
	c->link = db_col_opt(st, i++);
	c->level = sqlite3_column_int(st, i++);
	c->repeat_of = db_col_i64_opt(st, i++);
	c->assignee = db_col_opt(st, i++);
	c->extended_reason = db_col_opt(st, i++);
	c->outcome = db_col_opt(st, i++);
	c->reasoning = db_col_opt(st, i++);
	c->decided_by = db_col_opt(st, i++);
	c->decided_at = db_col_i64_opt(st, i++);
	c->answered_at = db_col_i64_opt(st, i++);
	c->answer_channel = db_col_opt(st, i++);
	c->overdue_at = db_col_i64_opt(st, i++);
	c->reminded_at = db_col_i64_opt(st, i++);
	c->lwc_reason = db_col_opt(st, i++);
	c->court_told = sqlite3_column_int(st, i++);
	c->open = sqlite3_column_int(st, i++);
	if (b != NULL) {
		memset(b, 0, sizeof(*b));
		b->id = c->body_id;
		db_col_text(st, i++, b->code, sizeof(b->code));
		db_col_text(st, i++, b->kind, sizeof(b->kind));
		db_col_text(st, i++, b->name_kk, sizeof(b->name_kk));
		db_col_text(st, i++, b->name_ru, sizeof(b->name_ru));
		db_col_text(st, i++, b->tz, sizeof(b->tz));
	}
	/* Left stepped on purpose: the strings live in the statement. */
	return DB_OK;
}

int
db_complaint_id_by_talon(struct db *db, const char *talon, int64_t *id)
{
	sqlite3_stmt *st = db_stmt(db, ST_COMPLAINT_ID_BY_TALON);
	int rc;

	sqlite3_bind_text(st, 1, talon, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_rc_from_sqlite(db, rc);
}

/* Hashes every non-NULL column with its name: new nullable columns
 * leave the hash of old rows as it was. */
static int
hash_rows(struct db *db, sqlite3_stmt *st, crypto_generichash_state *hs)
{
	int rc, n;

	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		n = sqlite3_column_count(st);
		for (int i = 0; i < n; i++) {
			int t = sqlite3_column_type(st, i);

			if (t == SQLITE_NULL)
				continue;
			db_hash_str(hs, sqlite3_column_name(st, i));
			if (t == SQLITE_INTEGER)
				db_hash_i64(hs, sqlite3_column_int64(st, i));
			else if (t == SQLITE_BLOB)
				db_hash_field(hs, sqlite3_column_blob(st, i),
				    (size_t)sqlite3_column_bytes(st, i));
			else
				db_hash_field(hs, sqlite3_column_text(st, i),
				    (size_t)sqlite3_column_bytes(st, i));
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? DB_OK : db_rc_from_sqlite(db, rc);
}

int
db_complaint_row_hash(struct db *db, int64_t id, uint8_t out[32])
{
	crypto_generichash_state hs;
	sqlite3_stmt *st;
	int rc;

	crypto_generichash_init(&hs, NULL, 0, 32);
	st = db_stmt(db, ST_ROW_COMPLAINT);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = hash_rows(db, st, &hs)) != DB_OK)
		return rc;
	db_hash_str(&hs, "attachments");
	st = db_stmt(db, ST_ROW_ATTACHMENTS);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = hash_rows(db, st, &hs)) != DB_OK)
		return rc;
	crypto_generichash_final(&hs, out, 32);
	return DB_OK;
}

static void
bind_i64_opt(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int
db_complaint_change(
    struct db *db, const struct db_complaint *c, const struct db_event *e)
{
	sqlite3_stmt *st = db_stmt(db, ST_COMPLAINT_UPDATE);
	uint8_t h[32];
	int rc;

	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, c->state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, c->due, -1, SQLITE_TRANSIENT);
	if (c->assignee && *c->assignee)
		sqlite3_bind_text(st, 4, c->assignee, -1, SQLITE_TRANSIENT);
	if (c->extended_reason && *c->extended_reason)
		sqlite3_bind_text(
		    st, 5, c->extended_reason, -1, SQLITE_TRANSIENT);
	if (c->outcome && *c->outcome)
		sqlite3_bind_text(st, 6, c->outcome, -1, SQLITE_TRANSIENT);
	if (c->reasoning && *c->reasoning)
		sqlite3_bind_text(st, 7, c->reasoning, -1, SQLITE_TRANSIENT);
	if (c->decided_by && *c->decided_by)
		sqlite3_bind_text(st, 8, c->decided_by, -1, SQLITE_TRANSIENT);
	bind_i64_opt(st, 9, c->decided_at);
	bind_i64_opt(st, 10, c->answered_at);
	if (c->answer_channel && *c->answer_channel)
		sqlite3_bind_text(
		    st, 11, c->answer_channel, -1, SQLITE_TRANSIENT);
	bind_i64_opt(st, 12, c->overdue_at);
	bind_i64_opt(st, 13, c->reminded_at);
	if (c->lwc_reason && *c->lwc_reason)
		sqlite3_bind_text(st, 14, c->lwc_reason, -1, SQLITE_TRANSIENT);
	bind_i64_opt(st, 15, c->court_told);
	bind_i64_opt(st, 16, c->open);
	bind_i64_opt(st, 17, c->case_id);
	rc = db_step(db, st);
	sqlite3_reset(st);
	if ((rc = db_rc_from_sqlite(db, rc)) != DB_OK)
		return rc;
	if ((rc = db_complaint_row_hash(db, c->id, h)) != DB_OK)
		return rc;
	return db_event_append(db, e, h);
}

static const struct db_col event_cols[] = {
	DB_COL(I64, struct db_event_row, id),
	DB_COL(TEXT, struct db_event_row, body_code),
	DB_COL(I64, struct db_event_row, at),
	DB_COL(TEXT, struct db_event_row, actor),
	DB_COL(TEXT, struct db_event_row, action),
	DB_COL(TEXT, struct db_event_row, state_before),
	DB_COL(TEXT, struct db_event_row, state_after),
	DB_COL(TEXT, struct db_event_row, detail),
};

int
db_events_of(struct db *db, int64_t id,
    int (*cb)(void *, const struct db_event_row *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_EVENTS_OF);
	struct db_event_row r;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_row_read(
		    st, event_cols, DB_NCOLS(event_cols), &r, sizeof(r));
		if (cb(arg, &r))
			break;
	}
	return db_rows_end(db, st, rc);
}

static int
case_rows(struct db *db, sqlite3_stmt *st, int64_t case_id,
    int (*cb)(void *, const struct db_case_row *), void *arg)
{
	struct db_case_row r;
	int rc;

	sqlite3_bind_int64(st, 1, case_id);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.talon = db_col_opt(st, 1);
		r.state = db_col_opt(st, 2);
		r.body_code = db_col_opt(st, 3);
		r.body_name = db_col_opt(st, 4);
		r.link = db_col_opt(st, 5);
		r.parent_id = db_col_i64_opt(st, 6);
		r.due = db_col_opt(st, 7);
		r.level = sqlite3_column_int(st, 8);
		r.accepted_at = sqlite3_column_int64(st, 9);
		if (cb(arg, &r))
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_case_of(struct db *db, int64_t case_id,
    int (*cb)(void *, const struct db_case_row *), void *arg)
{
	return case_rows(db, db_stmt(db, ST_CASE_OF), case_id, cb, arg);
}

int
db_case_members(struct db *db, int64_t case_id,
    int (*cb)(void *, const struct db_case_row *), void *arg)
{
	return case_rows(db, db_stmt(db, ST_CASE_MEMBERS), case_id, cb, arg);
}

int
db_attachments_of(struct db *db, int64_t id,
    int (*cb)(void *, const struct db_attachment_row *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_ROW_ATTACHMENTS);
	struct db_attachment_row r;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		/* complaint_id, seq, name, media_type, sha256 */
		r.seq = sqlite3_column_int(st, 1);
		r.name = db_col_opt(st, 2);
		r.media_type = db_col_opt(st, 3);
		r.sha256 = db_col_opt(st, 4);
		if (cb(arg, &r))
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_repeat_find(struct db *db, const uint8_t key[32], int service, int64_t since,
    int64_t not_id, int64_t *id, int64_t *case_id)
{
	sqlite3_stmt *st = db_stmt(db, ST_REPEAT_FIND);
	int rc;

	sqlite3_bind_blob(st, 1, key, 32, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, service);
	sqlite3_bind_int64(st, 3, since);
	sqlite3_bind_int64(st, 4, not_id);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*case_id = db_col_i64_opt(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_rc_from_sqlite(db, rc);
}

int
db_watch(struct db *db, int remind, const char *date, int limit, int64_t *ids,
    int *n)
{
	return db_ids_by_date(db, remind ? ST_WATCH_REMIND : ST_WATCH_OVERDUE,
	    date, limit, ids, n);
}

int
db_notification_insert(struct db *db, const struct db_notification *nt)
{
	sqlite3_stmt *st = db_stmt(db, ST_NOTIFY_INSERT);
	int rc;

	sqlite3_bind_text(st, 1, nt->uid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, nt->complaint_id);
	sqlite3_bind_text(st, 3, nt->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, nt->channel, -1, SQLITE_STATIC);
	db_bind_opt(st, 5, nt->recipient);
	sqlite3_bind_text(st, 6, nt->lang ? nt->lang : "kk", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, nt->created_at);
	db_bind_opt(st, 8, nt->due_by);
	db_bind_opt(st, 9, nt->prev_due);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

struct db_cursor {
	struct db *db;
	sqlite3_stmt *st;
};

struct db_cursor *
db_journal_open(
    struct db *db, int64_t body_id, int year, int64_t after, int limit)
{
	struct db_cursor *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->db = db;
	c->st = db_stmt(db, ST_JOURNAL_EXPORT);
	sqlite3_bind_int64(c->st, 1, body_id);
	sqlite3_bind_int(c->st, 2, year);
	sqlite3_bind_int64(c->st, 3, after);
	sqlite3_bind_int(c->st, 4, limit);
	return c;
}

int
db_journal_next_row(struct db_cursor *c, struct db_journal_row *r)
{
	sqlite3_stmt *st = c->st;
	int rc = db_step(c->db, st);

	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	r->no = sqlite3_column_int64(st, 0);
	r->accepted_at = sqlite3_column_int64(st, 1);
	r->surname = db_col_opt(st, 2);
	r->name = db_col_opt(st, 3);
	r->patronymic = db_col_opt(st, 4);
	r->address = db_col_opt(st, 5);
	r->subject = db_col_opt(st, 6);
	r->summary = db_col_opt(st, 7);
	r->assignee = db_col_opt(st, 8);
	r->due = db_col_opt(st, 9);
	r->outcome = db_col_opt(st, 10);
	r->answered_at = db_col_i64_opt(st, 11);
	r->talon = db_col_opt(st, 12);
	r->state = db_col_opt(st, 13);
	r->service = sqlite3_column_int(st, 14);
	return 1;
}

void
db_journal_close(struct db_cursor *c)
{
	if (c == NULL)
		return;
	sqlite3_reset(c->st);
	free(c);
}

static int
verify_rows(struct db *db, struct db_verify *v)
{
	sqlite3_stmt *st;
	uint8_t h[32];
	int64_t last = 0, id;
	char talon[24];
	int rc;

	for (;;) {
		st = db_stmt(db, ST_VERIFY_NEXT_COMPLAINT);
		sqlite3_bind_int64(st, 1, last);
		rc = db_step(db, st);
		if (rc != SQLITE_ROW) {
			sqlite3_reset(st);
			return rc == SQLITE_DONE ? DB_OK :
						   db_rc_from_sqlite(db, rc);
		}
		id = last = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, talon, sizeof(talon));
		sqlite3_reset(st);
		v->complaints++;
		if ((rc = db_complaint_row_hash(db, id, h)) != DB_OK)
			return rc;
		st = db_stmt(db, ST_VERIFY_LAST_EVENT);
		sqlite3_bind_int64(st, 1, id);
		rc = db_step(db, st);
		if (rc != SQLITE_ROW) {
			sqlite3_reset(st);
			snprintf(v->bad, sizeof(v->bad),
			    "complaint %lld "
			    "(talon %s) has no event",
			    (long long)id, talon);
			return DB_OK;
		}
		if (sqlite3_column_bytes(st, 1) != 32 ||
		    memcmp(sqlite3_column_blob(st, 1), h, 32) != 0) {
			snprintf(v->bad, sizeof(v->bad),
			    "complaint %lld "
			    "(talon %s) was changed outside the daemon: it "
			    "differs from its event %lld",
			    (long long)id, talon,
			    (long long)sqlite3_column_int64(st, 0));
			sqlite3_reset(st);
			return DB_OK;
		}
		sqlite3_reset(st);
	}
}

static int
verify_chain(struct db *db, struct db_verify *v)
{
	sqlite3_stmt *st = db_stmt(db, ST_VERIFY_EVENTS);
	struct db_event e;
	uint8_t prev[32], h[32];
	int64_t body = -1, id;
	int rc;

	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		e.body_id = sqlite3_column_int64(st, 1);
		if (e.body_id != body) {
			body = e.body_id;
			memset(prev, 0, sizeof(prev));
		}
		e.complaint_id = sqlite3_column_int64(st, 2);
		e.at = sqlite3_column_int64(st, 3);
		e.actor = db_col_opt(st, 4);
		e.action = db_col_opt(st, 5);
		e.state_before = db_col_opt(st, 6);
		e.state_after = db_col_opt(st, 7);
		e.detail = db_col_opt(st, 8);
		v->events++;
		if (sqlite3_column_bytes(st, 9) != 32 ||
		    sqlite3_column_bytes(st, 10) != 32 ||
		    sqlite3_column_bytes(st, 11) != 32 ||
		    memcmp(sqlite3_column_blob(st, 10), prev, 32) != 0) {
			snprintf(v->bad, sizeof(v->bad),
			    "body %s: event %lld "
			    "does not follow the one before it (an event was "
			    "removed or inserted)",
			    db_col_opt(st, 12), (long long)id);
			break;
		}
		db_event_hash(prev, &e, sqlite3_column_blob(st, 9), h);
		if (memcmp(h, sqlite3_column_blob(st, 11), 32) != 0) {
			snprintf(v->bad, sizeof(v->bad),
			    "body %s: event %lld "
			    "was changed outside the daemon",
			    db_col_opt(st, 12), (long long)id);
			break;
		}
		memcpy(prev, h, 32);
	}
	return db_rows_end(db, st, rc);
}

static int
verify_gaps(struct db *db, struct db_verify *v)
{
	sqlite3_stmt *st = db_stmt(db, ST_VERIFY_GAPS);
	int64_t n, lo, hi;
	int rc;

	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		v->journals++;
		n = sqlite3_column_int64(st, 2);
		lo = sqlite3_column_int64(st, 3);
		hi = sqlite3_column_int64(st, 4);
		if (lo != 1 || hi != n) {
			snprintf(v->bad, sizeof(v->bad),
			    "journal of %s for "
			    "%d: %lld entries numbered %lld to %lld: an entry "
			    "is missing",
			    db_col_opt(st, 0), sqlite3_column_int(st, 1),
			    (long long)n, (long long)lo, (long long)hi);
			break;
		}
	}
	return db_rows_end(db, st, rc);
}

int
db_verify(struct db *db, struct db_verify *v)
{
	int rc;

	memset(v, 0, sizeof(*v));
	if (sqlite3_exec(db->h, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return DB_BUSY;
	rc = verify_chain(db, v);
	if (rc == DB_OK && v->bad[0] == '\0')
		rc = verify_rows(db, v);
	if (rc == DB_OK && v->bad[0] == '\0')
		rc = verify_gaps(db, v);
	sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);
	return rc;
}

int
db_body_upsert(struct db *db, const struct db_body_in *b)
{
	sqlite3_stmt *st = db_stmt(db, ST_BODY_UPSERT);
	int rc;

	sqlite3_bind_text(st, 1, b->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, b->name_kk, -1, SQLITE_STATIC);
	sqlite3_bind_text(
	    st, 4, b->name_ru ? b->name_ru : "", -1, SQLITE_STATIC);
	db_bind_opt(st, 5, b->parent_code);
	sqlite3_bind_text(
	    st, 6, b->tz && *b->tz ? b->tz : "Asia/Almaty", -1, SQLITE_STATIC);
	db_bind_opt(st, 7, b->district);
	db_bind_opt(st, 8, b->address);
	db_bind_opt(st, 9, b->phones);
	db_bind_opt(st, 10, b->emails);
	db_bind_opt(st, 11, b->sites);
	db_bind_opt(st, 12, b->schedule);
	db_bind_opt(st, 13, b->hours);
	db_bind_opt(st, 14, b->services);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

static const struct db_col body_cols[] = {
	DB_COL(I64, struct db_body_row, id),
	DB_COL(TEXT, struct db_body_row, code),
	DB_COL(TEXT, struct db_body_row, kind),
	DB_COL(TEXT, struct db_body_row, name_kk),
	DB_COL(TEXT, struct db_body_row, name_ru),
	DB_COL(TEXT, struct db_body_row, address),
	DB_COL(TEXT, struct db_body_row, phones),
	DB_COL(TEXT, struct db_body_row, district),
	DB_COL(TEXT, struct db_body_row, services),
	DB_COL(TEXT, struct db_body_row, parent_code),
	DB_COL(TEXT, struct db_body_row, emails),
	DB_COL(TEXT, struct db_body_row, sites),
	DB_COL(TEXT, struct db_body_row, schedule),
};

static int
body_rows(struct db *db, sqlite3_stmt *st,
    int (*cb)(void *, const struct db_body_row *), void *arg)
{
	struct db_body_row r;
	int rc;

	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_row_read(st, body_cols, DB_NCOLS(body_cols), &r, sizeof(r));
		if (cb(arg, &r))
			break;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return DB_OK;
	/* A query FTS5 cannot read is the caller's, not the store's. */
	return (rc & 0xff) == SQLITE_ERROR ? DB_NOTFOUND :
					     db_rc_from_sqlite(db, rc);
}

int
db_body_search(struct db *db, const char *query, const char *exact, int limit,
    int (*cb)(void *, const struct db_body_row *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_BODY_SEARCH);

	sqlite3_bind_text(st, 1, query, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_text(st, 3, exact, -1, SQLITE_STATIC);
	return body_rows(db, st, cb, arg);
}

/* The rows of statement which, whose one parameter is a body's code. */
static int
body_rows_of(struct db *db, enum db_stmt which, const char *code,
    int (*cb)(void *, const struct db_body_row *), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, which);

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	return body_rows(db, st, cb, arg);
}

int
db_body_detail(struct db *db, const char *code,
    int (*cb)(void *, const struct db_body_row *), void *arg)
{
	return body_rows_of(db, ST_BODY_DETAIL, code, cb, arg);
}

int
db_body_subtree(struct db *db, const char *code,
    int (*cb)(void *, const struct db_body_row *), void *arg)
{
	return body_rows_of(db, ST_BODY_SUBTREE, code, cb, arg);
}

int
db_meta_get(struct db *db, const char *key, char *value, size_t size)
{
	sqlite3_stmt *st = db_stmt(db, ST_META_GET);
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW)
		db_col_text(st, 0, value, size);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return db_rc_from_sqlite(db, rc);
}

int
db_meta_set(struct db *db, const char *key, const char *value)
{
	sqlite3_stmt *st = db_stmt(db, ST_META_SET);
	int rc;

	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}
