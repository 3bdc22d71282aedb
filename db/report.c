/*
 * db: the reports.  The summary sums the per-day counters that every
 * write transaction brings up to date before it commits
 * (db_report_count_new, db/report_sql.h); the trace reads the view that
 * defines them.  Both take the same query structure.
 */
#include <string.h>

#include "db/db_int.h"
#include "util/util.h"

/* ?1 the grouping (or the trace's figure), ?2 to ?5 the query. */
static void
bind_q(sqlite3_stmt *st, const char *first, const struct db_report_q *q)
{
	sqlite3_bind_text(st, 1, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, q->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->to, -1, SQLITE_STATIC);
	if (q->body_id)
		sqlite3_bind_int64(st, 4, q->body_id);
	if (q->service)
		sqlite3_bind_int(st, 5, q->service);
}

/*
 * The period in parts for the counters: ?2, ?3 the days before its first
 * whole month, ?6, ?7 the days after its last, ?8, ?9 the whole months
 * (YYYY-MM).  An empty part is a range that holds nothing.
 */
static void
bind_parts(sqlite3_stmt *st, const char *group, const struct db_report_q *q)
{
	struct date f, t, mf, ml, d;
	char b[4][11], mon[2][8];

	bind_q(st, group, q);
	if (date_parse(q->from, &f) == -1 || date_parse(q->to, &t) == -1)
		return; /* then the days of ?2, ?3 are the period */
	/* The first and the last whole month. */
	mf = f.d == 1 ?
	    f :
	    date_add(
		(struct date){ f.y, f.m, date_days_in_month(f.y, f.m) }, 1);
	ml = t.d == date_days_in_month(t.y, t.m) ?
	    t :
	    date_add((struct date){ t.y, t.m, 1 }, -1);
	mf.d = 1;
	ml.d = date_days_in_month(ml.y, ml.m);
	if (date_cmp(mf, ml) > 0) {
		/* No whole month: every day is in the head. */
		sqlite3_bind_text(st, 6, "9999-12-31", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, "0000-01-01", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, "9999-12", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, "0000-01", -1, SQLITE_STATIC);
		return;
	}
	date_iso(f, b[0]);
	d = date_add(mf, -1);
	date_iso(d, b[1]);
	d = date_add(ml, 1);
	date_iso(d, b[2]);
	date_iso(t, b[3]);
	snprintf(mon[0], sizeof(mon[0]), "%04d-%02d", mf.y, mf.m);
	snprintf(mon[1], sizeof(mon[1]), "%04d-%02d", ml.y, ml.m);
	for (int i = 0; i < 4; i++)
		sqlite3_bind_text(
		    st, i < 2 ? 2 + i : 4 + i, b[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, mon[0], -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, mon[1], -1, SQLITE_TRANSIENT);
}

static const char *
col_key(sqlite3_stmt *st)
{
	const char *k = db_col_opt(st, 0);

	return k ? k : "";
}

int
db_report_sum(
    struct db *db, const struct db_report_q *q, db_report_sum_cb cb, void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_REPORT_SUM);
	int64_t v[DB_RF__MAX];
	int rc;

	bind_parts(st, q->group ? q->group : "body", q);
	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		for (int i = 0; i < DB_RF__MAX; i++)
			v[i] = sqlite3_column_int64(st, 1 + i);
		if (cb(arg, col_key(st), v))
			break;
	}
	return db_rows_end(db, st, rc);
}

int
db_report_wd(struct db *db, const struct db_report_q *q,
    int (*cb)(void *, const char *, int, int64_t), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_REPORT_WD);
	int rc;

	bind_parts(st, q->group ? q->group : "body", q);
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb(arg, col_key(st), sqlite3_column_int(st, 1),
			sqlite3_column_int64(st, 2)))
			break;
	return db_rows_end(db, st, rc);
}

int
db_report_overdue(struct db *db, const struct db_report_q *q,
    int (*cb)(void *, const char *, int64_t), void *arg)
{
	sqlite3_stmt *st = db_stmt(db, ST_REPORT_OVERDUE);
	int rc;

	bind_q(st, q->group ? q->group : "body", q);
	while ((rc = db_step(db, st)) == SQLITE_ROW)
		if (cb(arg, col_key(st), sqlite3_column_int64(st, 1)))
			break;
	return db_rows_end(db, st, rc);
}

static const struct db_col trace_cols[] = {
	DB_COL(I64, struct db_report_trace_row, id),
	DB_COL(TEXT, struct db_report_trace_row, talon),
	DB_COL(TEXT, struct db_report_trace_row, body_code),
	DB_COL(INT, struct db_report_trace_row, service),
	DB_COL(I64, struct db_report_trace_row, at),
	DB_COL(TEXT, struct db_report_trace_row, action),
	DB_COL(TEXT, struct db_report_trace_row, state),
	DB_COL(TEXT, struct db_report_trace_row, day),
	DB_COL(INT, struct db_report_trace_row, overdue),
};

/* Binds the trace's query but its window (?9, ?10, ?11, ?12). */
static void
bind_trace(sqlite3_stmt *st, const struct db_report_q *q)
{
	bind_q(st, q->figure ? q->figure : "", q);
	db_bind_opt(st, 6, q->channel);
	if (q->institution) /* "" is a group: no institution named */
		sqlite3_bind_text(st, 7, q->institution, -1, SQLITE_STATIC);
	db_bind_opt(st, 8, q->month);
}

static int
trace_rows(struct db *db, sqlite3_stmt *st, int *left,
    int (*cb)(void *, const struct db_report_trace_row *), void *arg)
{
	struct db_report_trace_row r;
	int rc;

	while ((rc = db_step(db, st)) == SQLITE_ROW) {
		db_row_read(
		    st, trace_cols, DB_NCOLS(trace_cols), &r, sizeof(r));
		(*left)--;
		if (cb(arg, &r)) {
			*left = 0;
			break;
		}
	}
	return db_rows_end(db, st, rc);
}

/*
 * The events behind a figure, a day of the period at a time, each day's
 * in the order of their ids: only the days whose counters hold the
 * figure, and the view is read and sorted one day at a time, so the
 * memory and the time of a page are those of the days it spans, never
 * of the whole period.  The page after an event begins on its day.
 */
int
db_report_trace(struct db *db, const struct db_report_q *q,
    int (*cb)(void *, const struct db_report_trace_row *), void *arg)
{
	sqlite3_stmt *st, *days;
	char first[11], day[11], aday[11];
	int64_t lo = 0, hi = 0;
	int rc = SQLITE_DONE, src, drc = DB_OK, left = q->limit;

	if (q->figure && strcmp(q->figure, "overdue-now") == 0) {
		/* Open complaints, not events: one query, paged by id. */
		st = db_stmt(db, ST_REPORT_TRACE_OVERDUE);
		bind_trace(st, q);
		sqlite3_bind_int64(st, 9, q->after);
		sqlite3_bind_int(st, 10, q->limit);
		return trace_rows(db, st, &left, cb, arg);
	}
	/* The page after an event begins on the event's day. */
	aday[0] = '\0';
	if (q->after > 0) {
		st = db_stmt(db, ST_REPORT_EVENT_DAY);
		sqlite3_bind_int64(st, 1, q->after);
		if ((rc = db_step(db, st)) == SQLITE_ROW && db_col_opt(st, 0))
			strlcpy_chk(aday, db_col_opt(st, 0), sizeof(aday));
		if ((rc = db_rows_end(db, st, rc)) != DB_OK)
			return rc;
	}
	strlcpy_chk(
	    first, strcmp(aday, q->from) > 0 ? aday : q->from, sizeof(first));
	days = db_stmt(db, ST_REPORT_TRACE_DAYS);
	bind_trace(days, q);
	sqlite3_bind_text(days, 2, first, -1, SQLITE_STATIC);
	while (left > 0 && (rc = db_step(db, days)) == SQLITE_ROW) {
		strlcpy_chk(day, db_col_opt(days, 0) ? db_col_opt(days, 0) : "",
		    sizeof(day));
		/* The day's first moment and the next day's. */
		st = db_stmt(db, ST_REPORT_BOUNDS);
		sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
		if ((src = db_step(db, st)) == SQLITE_ROW) {
			lo = sqlite3_column_int64(st, 0);
			hi = sqlite3_column_int64(st, 1);
		}
		if ((drc = db_rows_end(db, st, src)) != DB_OK)
			break;
		st = db_stmt(db, ST_REPORT_TRACE);
		bind_trace(st, q);
		sqlite3_bind_int64(
		    st, 9, strcmp(day, aday) == 0 ? q->after : 0);
		sqlite3_bind_int(st, 10, left);
		sqlite3_bind_int64(st, 11, lo);
		sqlite3_bind_int64(st, 12, hi);
		if ((drc = trace_rows(db, st, &left, cb, arg)) != DB_OK)
			break;
	}
	if (drc != DB_OK) {
		sqlite3_reset(days);
		return drc;
	}
	return db_rows_end(db, days, left > 0 ? rc : SQLITE_DONE);
}

int
db_report_workday_get(
    struct db *db, const char *day, int64_t *start, int64_t *cum, int *wd)
{
	sqlite3_stmt *st = db_stmt(db, ST_REPORT_WORKDAY_GET);
	int rc;

	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		*start = sqlite3_column_int64(st, 0);
		*cum = sqlite3_column_int64(st, 1);
		*wd = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return DB_NOTFOUND;
	return rc == SQLITE_ROW ? DB_OK : db_rc_from_sqlite(db, rc);
}

int
db_report_workday_put(
    struct db *db, const char *day, int64_t start, int64_t cum, int wd)
{
	sqlite3_stmt *st = db_stmt(db, ST_REPORT_WORKDAY_PUT);
	int rc;

	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, cum);
	sqlite3_bind_int(st, 4, wd);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_report_pending(struct db *db, int64_t *mark, int64_t *last)
{
	sqlite3_stmt *st = db_stmt(db, ST_REPORT_PENDING);
	int rc;

	*mark = *last = 0;
	if ((rc = db_step(db, st)) == SQLITE_ROW) {
		*mark = sqlite3_column_int64(st, 0);
		*last = sqlite3_column_int64(st, 1);
	}
	return db_rows_end(db, st, rc);
}

int
db_report_count_new(struct db *db)
{
	sqlite3_stmt *st;
	int64_t mark, last;
	int rc;

	if ((rc = db_report_pending(db, &mark, &last)) != DB_OK || last <= mark)
		return rc;
	for (int i = 0; i < 2; i++) {
		st = db_stmt(
		    db, i == 0 ? ST_REPORT_COUNT_DAY : ST_REPORT_COUNT_WD);
		sqlite3_bind_int64(st, 1, mark);
		sqlite3_bind_int64(st, 2, last);
		rc = db_step(db, st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_rc_from_sqlite(db, rc);
	}
	st = db_stmt(db, ST_REPORT_COUNTED_SET);
	sqlite3_bind_int64(st, 1, last);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_report_recount(struct db *db)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, REPORT_CLEAR, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("db: report recount: %s",
		    msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return db_rc_from_sqlite(db, sqlite3_errcode(db->h));
	}
	return db_report_count_new(db);
}
