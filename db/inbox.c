/*
 * db: the inbox, a body's complaints as the desk and GET
 * /api/v1/complaints list them, and the workload of a body's officials.
 *
 * A page is at most two ranges of an index: the open entries by due
 * date from the key (due, id) of the last row seen, then the others from
 * the latest due date down (db/db.c names the indexes).  Neither reads a
 * row it does not return unless a filter drops it, so the thousandth
 * page costs what the first does (no OFFSET).  A search is its own
 * order, the newest registration first: the words' matches in the
 * full-text index from the last row seen down, each joined to its row
 * for the filters, so a page reads the matches once and stops at its
 * last row.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "db/db_int.h"

/* The key of the last row seen: its part and (due, id). */
struct list_key {
	int open;
	char due[16];
	int64_t id;
};

static int
list_key(struct db *db, int64_t id, struct list_key *k)
{
	sqlite3_stmt *st = db_stmt(db, ST_LIST_KEY);
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		k->open = sqlite3_column_int(st, 0) == 1;
		db_col_text(st, 1, k->due, sizeof(k->due));
		k->id = id;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return rc == SQLITE_ROW ? DB_OK : db_rc_from_sqlite(db, rc);
}

/* The columns of LIST_COLS (db/db.c), in order. */
#define R(kind, field) DB_COL(kind, struct db_list_row, field)
static const struct db_col list_cols[] = {
	R(I64, id),
	R(TEXT, talon),
	R(TEXT, state),
	R(TEXT, body_code),
	R(INT, service),
	R(I64, accepted_at),
	R(TEXT, due),
	R(I64, overdue_at),
	R(INT, journal_year),
	R(I64, journal_no),
	R(TEXT, assignee),
	R(TEXT, forward_due),
	R(I64, forward_overdue_at),
	R(TEXT, surname),
	R(TEXT, name),
	R(TEXT, patronymic),
	R(TEXT, institution),
};
#undef R

/* One part of a page: at most f->limit - *n rows; DB_OK or an error. */
static int
list_part(struct db *db, const struct db_list_filter *f, int open,
    const struct list_key *from, int *n,
    int (*cb)(void *, const struct db_list_row *), void *arg, int *stop)
{
	enum db_stmt which;
	sqlite3_stmt *st;
	struct db_list_row r;
	int rc;

	if (f->search != NULL)
		which = ST_LIST_SEARCH;
	else if (f->body_id == 0 && f->overdue == 1)
		which = ST_LIST_OVERDUE;
	else if (f->body_id)
		which = open ? ST_LIST_OPEN_BODY : ST_LIST_DONE_BODY;
	else
		which = open ? ST_LIST_OPEN_ALL : ST_LIST_DONE_ALL;
	st = db_stmt(db, which);
	if (f->body_id)
		sqlite3_bind_int64(st, 1, f->body_id);
	db_bind_opt(st, 2, f->state);
	if (f->service)
		sqlite3_bind_int(st, 3, f->service);
	if (f->from)
		sqlite3_bind_int64(st, 4, f->from);
	if (f->to)
		sqlite3_bind_int64(st, 5, f->to);
	if (f->search != NULL)
		sqlite3_bind_int64(st, 7, from != NULL ? from->id : INT64_MAX);
	else if (from != NULL) {
		sqlite3_bind_text(st, 6, from->due, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 7, from->id);
	} else if (open) {
		sqlite3_bind_text(st, 6, "", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, 0);
	} else {
		sqlite3_bind_text(st, 6, "\x7f", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 7, INT64_MAX);
	}
	if (f->overdue >= 0)
		sqlite3_bind_int(st, 8, f->overdue);
	sqlite3_bind_int(st, 9, f->limit - *n);
	db_bind_opt(st, 10, f->institution);
	db_bind_opt(st, 11, f->search);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_row_read(st, list_cols, DB_NCOLS(list_cols), &r, sizeof(r));
		(*n)++;
		if (cb(arg, &r)) {
			*stop = 1;
			break;
		}
	}
	return db_rows_end(db, st, rc);
}

int
db_list(struct db *db, const struct db_list_filter *f,
    int (*cb)(void *, const struct db_list_row *), void *arg)
{
	struct list_key k, *from = NULL;
	int n = 0, stop = 0, rc, parts = f->parts;

	if (f->limit <= 0)
		return DB_OK;
	if (parts == 0)
		parts = DB_LIST_OPEN | DB_LIST_DONE;
	if (f->overdue == 1)
		parts &= DB_LIST_OPEN;
	if (f->after_id) {
		if ((rc = list_key(db, f->after_id, &k)) != DB_OK)
			return rc;
		from = &k;
		if (!k.open)
			parts &= DB_LIST_DONE;
	}
	/* A search is one part, newest first: open or not is a filter. */
	if (f->search != NULL)
		return list_part(db, f, 1, from, &n, cb, arg, &stop);
	if (parts & DB_LIST_OPEN) {
		rc = list_part(db, f, 1, from, &n, cb, arg, &stop);
		if (rc != DB_OK || stop || n >= f->limit)
			return rc;
		from = NULL;
	}
	if (parts & DB_LIST_DONE)
		return list_part(db, f, 0,
		    from != NULL && !from->open ? from : NULL, &n, cb, arg,
		    &stop);
	return DB_OK;
}

int
db_workload(struct db *db, int64_t body_id,
    int (*cb)(void *, const char *, int64_t, int64_t), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_WORKLOAD);
	int rc;

	sqlite3_bind_int64(st, 1, body_id);
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb(arg, db_col_opt(st, 0), sqlite3_column_int64(st, 1),
			sqlite3_column_int64(st, 2)))
			break;
	return db_rows_end(db, st, rc);
}
