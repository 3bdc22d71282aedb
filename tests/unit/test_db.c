/* Unit tests: db (migrations, journal numbers, group commit, triggers). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "db/db_int.h"

struct fx {
	char dir[64];
	char path[128];
	struct db *db;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	if (sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_db.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/c.db", f->dir);
	if ((f->db = db_open(f->path, DB_OPEN_WRITE, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[256];

	db_close(f->db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int
raw_exec(const char *path, const char *sql)
{
	sqlite3 *h;
	int rc;

	if (sqlite3_open(path, &h) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc;
}

static void
migrated_with_bodies(void **state)
{
	struct fx *f = *state;
	struct db_body b;
	char err[256];
	struct db *again;

	assert_int_equal(db_body_by_code(f->db, "almaty-auezov", &b), DB_OK);
	assert_string_equal(b.kind, "district-office");
	assert_string_equal(b.tz, "Asia/Almaty");
	assert_int_equal(db_body_by_code(f->db, "nowhere", &b), DB_NOTFOUND);
	/* Opening again runs no migration twice. */
	again = db_open(f->path, DB_OPEN_WRITE, err, sizeof(err));
	assert_non_null(again);
	db_close(again);
	assert_true(db_schema_version() >= 1);
}

static void
journal_numbers_per_body_and_year(void **state)
{
	struct fx *f = *state;
	struct db_body a, b;
	int64_t no;

	assert_int_equal(db_body_by_code(f->db, "almaty-alatau", &a), DB_OK);
	assert_int_equal(db_body_by_code(f->db, "almaty-medeu", &b), DB_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	for (int i = 1; i <= 5; i++) {
		assert_int_equal(
		    db_journal_next(f->db, a.id, 2026, &no), DB_OK);
		assert_int_equal(no, i);
	}
	assert_int_equal(db_journal_next(f->db, b.id, 2026, &no), DB_OK);
	assert_int_equal(no, 1);
	assert_int_equal(db_journal_next(f->db, a.id, 2027, &no), DB_OK);
	assert_int_equal(no, 1);
	/* A number taken in a rolled-back savepoint is given again. */
	assert_int_equal(db_savepoint(f->db), DB_OK);
	assert_int_equal(db_journal_next(f->db, a.id, 2026, &no), DB_OK);
	assert_int_equal(no, 6);
	assert_int_equal(db_rollback_savepoint(f->db), DB_OK);
	assert_int_equal(db_journal_next(f->db, a.id, 2026, &no), DB_OK);
	assert_int_equal(no, 6);
	assert_int_equal(db_commit(f->db), DB_OK);
	/* And a rolled-back transaction gives its numbers back too. */
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_journal_next(f->db, a.id, 2026, &no), DB_OK);
	assert_int_equal(no, 7);
	assert_int_equal(db_rollback(f->db), DB_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_journal_next(f->db, a.id, 2026, &no), DB_OK);
	assert_int_equal(no, 7);
	assert_int_equal(db_commit(f->db), DB_OK);
}

static void
fill(struct db_complaint *c, const char *talon, int64_t body, int64_t no)
{
	static const uint8_t zero[32];

	memset(c, 0, sizeof(*c));
	c->talon = talon;
	c->access_hash = zero;
	c->body_id = body;
	c->journal_year = 2026;
	c->journal_no = no;
	c->accepted_at = 1795670100;
	c->received_at = 1795670100;
	c->channel = "post";
	c->service = 5;
	c->subject_name = "School No 12";
	c->surname = "Абаев";
	c->name = "Ерлан";
	c->reasons = "reasons";
	c->demands = "demands";
	c->registrar_name = "Registrar";
	c->registrar_position = "clerk";
	c->rules = "law-221";
	c->due = "2026-12-11";
	c->state = "registered";
}

/* The register event of entry id, made from c. */
static void
register_event(struct db_event *ev, const struct db_complaint *c, int64_t id)
{
	memset(ev, 0, sizeof(*ev));
	ev->body_id = c->body_id;
	ev->complaint_id = id;
	ev->at = c->accepted_at;
	ev->actor = "Registrar";
	ev->action = "register";
	ev->state_after = "registered";
}

static void
complaint_insert_and_status(void **state)
{
	struct fx *f = *state;
	struct db_complaint c;
	struct db_status s;
	struct db_event ev;
	struct db_body b;
	uint8_t h1[32], h2[32];
	int64_t id, n;

	assert_int_equal(db_body_by_code(f->db, "almaty-almaly", &b), DB_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	fill(&c, "2026-000000001-5", b.id, 1);
	assert_int_equal(db_complaint_insert(f->db, &c, &id, h1), DB_OK);
	register_event(&ev, &c, id);
	assert_int_equal(db_event_append(f->db, &ev, h1), DB_OK);
	/* The same talon again is a constraint error, nothing else. */
	fill(&c, "2026-000000001-5", b.id, 2);
	assert_int_equal(
	    db_complaint_insert(f->db, &c, &id, h2), DB_CONSTRAINT);
	/* Different content, different hash. */
	fill(&c, "2026-000000002-1", b.id, 2);
	c.surname = "Абаева";
	assert_int_equal(db_complaint_insert(f->db, &c, &id, h2), DB_OK);
	assert_memory_not_equal(h1, h2, 32);
	assert_int_equal(db_commit(f->db), DB_OK);

	assert_int_equal(
	    db_status_by_talon(f->db, "2026-000000001-5", &s), DB_OK);
	assert_string_equal(s.state, "registered");
	assert_string_equal(s.body_code, "almaty-almaly");
	assert_string_equal(s.due, "2026-12-11");
	assert_int_equal(s.journal_no, 1);
	assert_int_equal(
	    db_status_by_talon(f->db, "2026-999999999-9", &s), DB_NOTFOUND);
	assert_int_equal(db_count_complaints(f->db, &n), DB_OK);
	assert_int_equal(n, 2);

	/* The trail and the journal refuse edits through SQL. */
	assert_int_not_equal(
	    raw_exec(f->path, "UPDATE event SET actor='x'"), SQLITE_OK);
	assert_int_not_equal(raw_exec(f->path, "DELETE FROM event"), SQLITE_OK);
	assert_int_not_equal(
	    raw_exec(f->path, "DELETE FROM complaint"), SQLITE_OK);
}

/* Inserts c with its attachments and checks the row hash computed from
 * the values against the one read back from the stored row. */
static void
row_hash_check(struct db *db, struct db_complaint *c,
    const struct db_attachment *att, int natt)
{
	uint8_t chash[32], mine[32], stored[32];
	int64_t id;

	assert_int_equal(db_complaint_insert(db, c, &id, chash), DB_OK);
	for (int i = 0; i < natt; i++)
		assert_int_equal(
		    db_attachment_insert(db, id, i + 1, &att[i]), DB_OK);
	assert_int_equal(
	    db_complaint_row_hash_new(db, c, id, chash, att, natt, mine),
	    DB_OK);
	assert_int_equal(db_complaint_row_hash(db, id, stored), DB_OK);
	assert_memory_equal(mine, stored, 32);
}

static void
row_hash_from_values(void **state)
{
	static const uint8_t key[32] = { 1, 2, 3 };
	static const struct db_attachment att[2] = {
		{ "a.pdf", "application/pdf",
		    "00112233445566778899aabbccddeeff"
		    "00112233445566778899aabbccddeeff" },
		{ "b.jpg", "image/jpeg",
		    "ffeeddccbbaa99887766554433221100"
		    "ffeeddccbbaa99887766554433221100" },
	};
	struct fx *f = *state;
	struct db_complaint c;
	struct db_law law;
	struct db_body b;
	struct db *again;
	char err[256];

	assert_int_equal(db_body_by_code(f->db, "almaty-almaly", &b), DB_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	/* The fewest fields: the optional ones NULL, "" stored as NULL. */
	fill(&c, "2026-000000001-5", b.id, 1);
	c.patronymic = "";
	row_hash_check(f->db, &c, NULL, 0);
	/* Every field, the law and attachments. */
	fill(&c, "2026-000000002-1", b.id, 2);
	c.subject_institution = "almaty-edu";
	c.subject_official = "Директор";
	c.patronymic = "Серікұлы";
	c.address = "Алматы қ.";
	c.email = "a@example.kz";
	c.phone = "+7 701 000-00-00";
	c.representative_of = "Әбілқасымова Ә.";
	c.is_signed = 1;
	c.case_id = 1;
	c.parent_id = 1;
	c.link = "forwarded-from";
	c.level = 1;
	c.repeat_of = 1;
	c.applicant_key = key;
	memset(&law, 0, sizeof(law));
	snprintf(law.clause, sizeof(law.clause), "art. 25 p. 2");
	snprintf(law.basis, sizeof(law.basis), "the rule set of the day");
	snprintf(law.count_from, sizeof(law.count_from), "registration");
	snprintf(law.ground, sizeof(law.ground), "decision");
	snprintf(law.intake, sizeof(law.intake), "handwritten=no");
	snprintf(law.forward_due, sizeof(law.forward_due), "2026-12-01");
	c.law = &law;
	row_hash_check(f->db, &c, att, 2);
	/* A law with some parts empty. */
	fill(&c, "2026-000000003-8", b.id, 3);
	law.forward_due[0] = law.intake[0] = '\0';
	c.law = &law;
	row_hash_check(f->db, &c, att, 1);
	assert_int_equal(db_commit(f->db), DB_OK);

	/*
	 * A column the insert does not know, with a default, is in the
	 * stored row: the hash must still be the stored row's.
	 */
	assert_int_equal(raw_exec(f->path,
			     "ALTER TABLE complaint ADD COLUMN x TEXT "
			     "DEFAULT 'x'"),
	    SQLITE_OK);
	again = db_open(f->path, DB_OPEN_WRITE, err, sizeof(err));
	assert_non_null(again);
	assert_int_equal(db_begin(again), DB_OK);
	fill(&c, "2026-000000004-2", b.id, 4);
	row_hash_check(again, &c, NULL, 0);
	assert_int_equal(db_rollback(again), DB_OK);
	db_close(again);
}

/*
 * Every index a registration writes is used by a query: its statement's
 * plan names it (EXPLAIN QUERY PLAN on the migrated schema).  An index no
 * statement uses costs every registration for nothing.
 */
static void
index_plans(void **state)
{
	static const struct {
		enum db_stmt st;
		const char *index;
	} uses[] = {
		{ ST_STATUS_BY_TALON, "sqlite_autoindex_complaint_1" },
		{ ST_JOURNAL_EXPORT, "sqlite_autoindex_complaint_2" },
		{ ST_CASE_OF, "complaint_case" },
		{ ST_CASE_MEMBERS, "complaint_case" },
		/* A lookup reads the index alone, never the row. */
		{ ST_LOOKUP, "COVERING INDEX complaint_lookup" },
		{ ST_LOOKUP, "COVERING INDEX complaint_case" },
		{ ST_REPEAT_FIND, "complaint_applicant" },
		{ ST_WATCH_OVERDUE, "complaint_watch_overdue" },
		{ ST_WATCH_REMIND, "complaint_watch_remind" },
		{ ST_REPORT_TRACE_OVERDUE, "complaint_overdue" },
		{ ST_LIST_OVERDUE, "complaint_overdue_due" },
		{ ST_LIST_OPEN_BODY, "complaint_inbox" },
		{ ST_FORWARD_OVERDUE, "complaint_watch_forward" },
		{ ST_EVENT_LAST_HASH, "event_body" },
		{ ST_EVENTS_OF, "event_complaint" },
		{ ST_VERIFY_LAST_EVENT, "event_complaint" },
		{ ST_REPORT_TRACE, "event_at" },
	};
	struct fx *f = *state;
	char plan[4096], want[128];
	sqlite3 *h;
	sqlite3_stmt *st;
	int n = 0;

	for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
		assert_int_equal(
		    db_plan(f->db, uses[i].st, plan, sizeof(plan)), DB_OK);
		snprintf(want, sizeof(want), "%s%s ",
		    strchr(uses[i].index, ' ') ? "" : "INDEX ", uses[i].index);
		if (strstr(plan, want) == NULL)
			fail_msg("%s is not used by statement %d: %s",
			    uses[i].index, (int)uses[i].st, plan);
	}
	/* The case index is partial: only the entries of a case. */
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h,
			     "SELECT sql FROM sqlite_master WHERE name = "
			     "'complaint_case'",
			     -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_non_null(strstr((const char *)sqlite3_column_text(st, 0),
	    "WHERE case_id IS NOT NULL"));
	sqlite3_finalize(st);
	/* No index of complaint or event that the list above leaves out. */
	assert_int_equal(sqlite3_prepare_v2(h,
			     "SELECT name FROM sqlite_master WHERE type = "
			     "'index' AND tbl_name IN ('complaint', 'event')",
			     -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int found = 0;

		for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
			const char *u = strrchr(uses[i].index, ' ');

			found |= strcmp(name, u ? u + 1 : uses[i].index) == 0;
		}
		if (!found)
			fail_msg(
			    "index %s: no statement shown to use it", name);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	assert_true(n > 0);
}

static int ticks;

static void
tick(void)
{
	ticks++;
}

/* The migration tick: called while a database migrates, never after. */
static void
migrate_ticks(void **state)
{
	struct fx *f = *state;
	char path[160], err[256];
	struct db *db;

	snprintf(path, sizeof(path), "%s/new.db", f->dir);
	db_set_migrate_tick(tick);
	ticks = 0;
	assert_non_null(db = db_open(path, DB_OPEN_WRITE, err, sizeof(err)));
	db_close(db);
	assert_true(ticks > 1); /* at the start and during */
	ticks = 0;
	assert_non_null(db = db_open(path, DB_OPEN_WRITE, err, sizeof(err)));
	db_close(db);
	assert_int_equal(ticks, 0); /* nothing to migrate */
	db_set_migrate_tick(NULL);
}

/* The reports' counters: kept by the trigger, summed, recounted, traced. */
struct sums {
	int n;
	char key[32];
	int64_t v[DB_RF__MAX];
};

static int
sum_cb(void *arg, const char *key, const int64_t v[DB_RF__MAX])
{
	struct sums *s = arg;

	s->n++;
	snprintf(s->key, sizeof(s->key), "%s", key);
	memcpy(s->v, v, sizeof(s->v));
	return 0;
}

static int
trace_cb(void *arg, const struct db_report_trace_row *r)
{
	int *n = arg;

	assert_string_equal(r->action, "decide");
	assert_string_equal(r->day, "2026-11-30");
	(*n)++;
	return 0;
}

static void
sums_of(struct db *db, const char *from, const char *to, struct sums *s)
{
	struct db_report_q q;

	memset(&q, 0, sizeof(q));
	memset(s, 0, sizeof(*s));
	q.group = "body";
	q.from = from;
	q.to = to;
	assert_int_equal(db_report_sum(db, &q, sum_cb, s), DB_OK);
}

/* The working days 2026-11-23 (a Monday) to 2026-12-13 at UTC+5; no
 * holiday; in the caller's transaction. */
static void
workdays(struct db *db)
{
	int64_t cum = 0;

	for (int64_t d = 20780; d <= 20800; d++) {
		char day[11];
		int wd = (d + 3) % 7 < 5; /* 1970-01-01 was a Thursday */
		time_t t = (time_t)(d * 86400);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		cum += wd;
		assert_int_equal(
		    db_report_workday_put(db, day, d * 86400 - 18000, cum, wd),
		    DB_OK);
	}
}

static void
report_counters(void **state)
{
	struct fx *f = *state;
	struct db_complaint c;
	struct db_report_q q;
	struct db_event ev;
	struct db_body b;
	struct sums s;
	uint8_t h[32];
	int64_t id;
	int n = 0;

	assert_int_equal(db_body_by_code(f->db, "almaty-almaly", &b), DB_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	workdays(f->db);
	/* Accepted on Thursday 26 November, decided on Monday 30th. */
	fill(&c, "2026-000000001-5", b.id, 1);
	assert_int_equal(db_complaint_insert(f->db, &c, &id, h), DB_OK);
	register_event(&ev, &c, id);
	assert_int_equal(db_event_append(f->db, &ev, h), DB_OK);
	c.id = id;
	c.state = "decided";
	c.outcome = "upheld";
	c.decided_at = 20787 * 86400LL - 18000 + 11 * 3600;
	ev.at = c.decided_at;
	ev.action = "decide";
	ev.state_before = "registered";
	ev.state_after = "decided";
	assert_int_equal(db_complaint_change(f->db, &c, &ev), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);

	sums_of(f->db, "2026-11-01", "2026-11-30", &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.key, "almaty-almaly");
	assert_int_equal(s.v[DB_RF_RECEIVED], 1);
	assert_int_equal(s.v[DB_RF_REGISTERED_ON_TIME], 1);
	assert_int_equal(s.v[DB_RF_DECIDED], 1);
	assert_int_equal(s.v[DB_RF_UPHELD], 1);
	assert_int_equal(s.v[DB_RF_REJECTED], 0);
	assert_int_equal(s.v[DB_RF_WD_SUM], 2); /* Thursday to Monday */
	assert_int_equal(s.v[DB_RF_WD_N], 1);
	/* The decision falls on the 30th, outside a period ending on 29th. */
	sums_of(f->db, "2026-11-01", "2026-11-29", &s);
	assert_int_equal(s.v[DB_RF_RECEIVED], 1);
	assert_int_equal(s.v[DB_RF_DECIDED], 0);
	/* Counting the journal again gives the same counters. */
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_report_recount(f->db), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	sums_of(f->db, "2026-11-01", "2026-11-30", &s);
	assert_int_equal(s.v[DB_RF_RECEIVED], 1);
	assert_int_equal(s.v[DB_RF_UPHELD], 1);
	assert_int_equal(s.v[DB_RF_WD_SUM], 2);
	/* The trace lists the event behind the figure. */
	memset(&q, 0, sizeof(q));
	q.from = "2026-11-01";
	q.to = "2026-11-30";
	q.figure = "upheld";
	q.limit = 10;
	assert_int_equal(db_report_trace(f->db, &q, trace_cb, &n), DB_OK);
	assert_int_equal(n, 1);
}

/*
 * Counting at the commit.  Every row of the four counter tables as text,
 * in key order (malloc'd), to compare the counters kept commit by commit
 * with a count of the whole journal.
 */
static char *
counters_text(sqlite3 *h)
{
	static const char *const q[] = {
		"SELECT * FROM report_day ORDER BY 1, 2, 3, 4, 5",
		"SELECT * FROM report_wd ORDER BY 1, 2, 3, 4, 5, 6",
		"SELECT * FROM report_month ORDER BY 1, 2, 3, 4, 5",
		"SELECT * FROM report_wd_month ORDER BY 1, 2, 3, 4, 5, 6",
	};
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	sqlite3_stmt *st;

	assert_non_null(out);
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		assert_int_equal(
		    sqlite3_prepare_v2(h, q[i], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st); c++) {
				const char *v = (const char *)
				    sqlite3_column_text(st, c);

				n += (size_t)snprintf(
				    out + n, cap - n, "%s,", v ? v : "NULL");
				assert_true(n < cap);
			}
			out[n - 1] = '\n';
		}
		sqlite3_finalize(st);
		n += (size_t)snprintf(out + n, cap - n, "--\n");
	}
	return out;
}

/* The counters again from the whole journal, in a transaction. */
static void
recount(struct db *db)
{
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(db_report_recount(db), DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
}

/* Asserts that counting the whole journal gives the counters as kept. */
static void
counters_as_recounted(struct db *db)
{
	char *kept = counters_text(db->h), *again;
	int64_t mark, last;

	recount(db);
	again = counters_text(db->h);
	assert_string_equal(kept, again);
	assert_int_equal(db_report_pending(db, &mark, &last), DB_OK);
	assert_true(last > 0);
	assert_int_equal(mark, last);
	free(kept);
	free(again);
}

/* The one number statement sql gives, ?1 bound to text, ?2 to num. */
static int64_t
sql_number(struct db *db, const char *sql, const char *text, int64_t num)
{
	sqlite3_stmt *st;
	int64_t n;

	assert_int_equal(
	    sqlite3_prepare_v2(db->h, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, num);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The number received at body on day, as the counters have it. */
static int64_t
received_on(struct db *db, int64_t body, const char *day)
{
	return sql_number(db,
	    "SELECT total(received) FROM report_day WHERE day = ?1 AND "
	    "body_id = ?2",
	    day, body);
}

/* Registers entry no at body, accepted on local day d (UTC+5) at 10:00,
 * with its event; the entry's id in *id. */
static void
register_at(struct db *db, int64_t body, int no, int64_t d, int64_t *id)
{
	struct db_complaint c;
	struct db_event ev;
	char talon[24];
	uint8_t h[32];

	snprintf(talon, sizeof(talon), "2026-%09d-%d", no + 1000 * (int)body,
	    no % 10);
	fill(&c, talon, body, no);
	c.service = 1 + no % 3;
	c.accepted_at = c.received_at = d * 86400 - 18000 + 10 * 3600;
	assert_int_equal(db_complaint_insert(db, &c, id, h), DB_OK);
	register_event(&ev, &c, *id);
	assert_int_equal(db_event_append(db, &ev, h), DB_OK);
}

/* The decision (upheld) of entry id at body, on local day d at 11:00. */
static void
decide_at(struct db *db, int64_t body, int64_t id, int no, int64_t d)
{
	struct db_complaint c;
	struct db_event ev;
	char talon[24];

	snprintf(talon, sizeof(talon), "2026-%09d-%d", no + 1000 * (int)body,
	    no % 10);
	fill(&c, talon, body, no);
	c.service = 1 + no % 3;
	c.id = id;
	c.state = "decided";
	c.outcome = "upheld";
	c.decided_at = d * 86400 - 18000 + 11 * 3600;
	memset(&ev, 0, sizeof(ev));
	ev.body_id = body;
	ev.complaint_id = id;
	ev.at = c.decided_at;
	ev.actor = "Head";
	ev.action = "decide";
	ev.state_before = "registered";
	ev.state_after = "decided";
	assert_int_equal(db_complaint_change(db, &c, &ev), DB_OK);
}

/*
 * Each write transaction counts its own events before it commits, grouped;
 * a transaction rolled back counts nothing; one committed by a path that
 * does not count (a plain COMMIT) is counted by the next commit, or when
 * the journal is opened for writing; and the counters kept so equal a
 * count of the whole journal.
 */
static void
report_counted_per_commit(void **state)
{
	struct fx *f = *state;
	struct db_body a, b;
	int64_t id[8], mark, last, mark0;
	char err[256];
	int no = 0;

	assert_int_equal(db_body_by_code(f->db, "almaty-almaly", &a), DB_OK);
	assert_int_equal(db_body_by_code(f->db, "almaty-medeu", &b), DB_OK);
	/* Five at one body on Thursday 26th, two at another on the 27th,
	 * one decided on Monday 30th: one transaction. */
	assert_int_equal(db_begin(f->db), DB_OK);
	workdays(f->db);
	for (int i = 0; i < 5; i++)
		register_at(f->db, a.id, ++no, 20783, &id[i]);
	register_at(f->db, b.id, ++no, 20784, &id[5]);
	register_at(f->db, b.id, ++no, 20784, &id[6]);
	decide_at(f->db, a.id, id[0], 1, 20787);
	/* Nothing is counted before the commit. */
	assert_int_equal(received_on(f->db, a.id, "2026-11-26"), 0);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(received_on(f->db, a.id, "2026-11-26"), 5);
	assert_int_equal(received_on(f->db, b.id, "2026-11-27"), 2);
	assert_int_equal(db_report_pending(f->db, &mark0, &last), DB_OK);
	assert_int_equal(mark0, last);
	assert_int_equal(mark0, 8); /* seven registrations and a decision */

	/* Rolled back: nothing counted, the mark where it was. */
	assert_int_equal(db_begin(f->db), DB_OK);
	register_at(f->db, a.id, ++no, 20787, &id[7]);
	assert_int_equal(db_rollback(f->db), DB_OK);
	no--;
	assert_int_equal(db_report_pending(f->db, &mark, &last), DB_OK);
	assert_int_equal(mark, mark0);
	assert_int_equal(last, mark0);

	/* Committed by a path that does not count: left above the mark. */
	assert_int_equal(db_begin(f->db), DB_OK);
	register_at(f->db, a.id, ++no, 20788, &id[7]);
	assert_int_equal(
	    sqlite3_exec(f->db->h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(received_on(f->db, a.id, "2026-12-01"), 0);
	assert_int_equal(db_report_pending(f->db, &mark, &last), DB_OK);
	assert_int_equal(mark, mark0);
	assert_int_equal(last, mark0 + 1);
	/* The next commit counts it with its own. */
	assert_int_equal(db_begin(f->db), DB_OK);
	register_at(f->db, b.id, ++no, 20788, &id[7]);
	decide_at(f->db, b.id, id[5], 6, 20788);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(received_on(f->db, a.id, "2026-12-01"), 1);
	assert_int_equal(received_on(f->db, b.id, "2026-12-01"), 1);
	assert_int_equal(received_on(f->db, a.id, "2026-11-26"), 5);
	counters_as_recounted(f->db);

	/* Left uncounted again, then the journal opened for writing. */
	assert_int_equal(db_begin(f->db), DB_OK);
	register_at(f->db, b.id, ++no, 20789, &id[7]);
	assert_int_equal(
	    sqlite3_exec(f->db->h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	db_close(f->db);
	f->db = db_open(f->path, DB_OPEN_WRITE, err, sizeof(err));
	assert_non_null(f->db);
	assert_int_equal(db_report_pending(f->db, &mark, &last), DB_OK);
	assert_int_equal(mark, last);
	assert_int_equal(received_on(f->db, b.id, "2026-12-02"), 1);
	counters_as_recounted(f->db);
}

/*
 * Schema 17 to 18 on a journal whose counters the trigger kept: the mark
 * starts at the last event, the trigger is gone, and the counters then
 * kept by the commits equal a count of the whole journal.
 */
static void
report_counted_migration(void **state)
{
	struct fx *f = *state;
	const char *trig = strstr(
	    REPORT_MIGRATION, "CREATE TRIGGER report_count");
	char err[256], *sql;
	struct db_body a;
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t id, mark, last;

	assert_non_null(trig);
	assert_int_equal(db_body_by_code(f->db, "almaty-almaly", &a), DB_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	workdays(f->db);
	for (int i = 1; i <= 3; i++)
		register_at(f->db, a.id, i, 20783, &id);
	decide_at(f->db, a.id, id, 3, 20787);
	assert_int_equal(db_commit(f->db), DB_OK);
	db_close(f->db);
	f->db = NULL;
	/* Back to schema 17: the trigger of migration 7, no mark. */
	assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
	assert_non_null(
	    sql = sqlite3_mprintf("BEGIN; DROP TABLE report_counted;"
				  " %s PRAGMA user_version = 17; "
				  "COMMIT;",
		trig));
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	/* Events written under schema 17, counted by the trigger: the
	 * journal's events again, a day later. */
	assert_int_equal(sqlite3_exec(h,
			     "INSERT INTO event(body_id, complaint_id, at, "
			     "actor, action, state_before, state_after, "
			     "content_hash, prev_hash, hash) SELECT body_id, "
			     "complaint_id, at + 86400, actor, action, "
			     "state_before, state_after, content_hash, "
			     "prev_hash, hash FROM event ORDER BY id",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	f->db = db_open(f->path, DB_OPEN_WRITE, err, sizeof(err));
	assert_non_null(f->db);
	assert_int_equal(db_report_pending(f->db, &mark, &last), DB_OK);
	assert_int_equal(last, 8);
	assert_int_equal(mark, last);
	assert_int_equal(received_on(f->db, a.id, "2026-11-26"), 3);
	assert_int_equal(received_on(f->db, a.id, "2026-11-27"), 3);
	assert_int_equal(sqlite3_prepare_v2(f->db->h,
			     "SELECT count(*) FROM sqlite_master WHERE name = "
			     "'report_count'",
			     -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	counters_as_recounted(f->db);
	/* A registration after: counted once. */
	assert_int_equal(db_begin(f->db), DB_OK);
	register_at(f->db, a.id, 4, 20784, &id);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(received_on(f->db, a.id, "2026-11-27"), 4);
	counters_as_recounted(f->db);
}

/*
 * The counting statements read the new events by a range of their ids
 * in both parts of the view, never the whole journal.
 */
static void
report_count_plans(void **state)
{
	static const enum db_stmt sts[] = { ST_REPORT_COUNT_DAY,
		ST_REPORT_COUNT_WD };
	struct fx *f = *state;
	char plan[4096];
	const char *p;

	for (size_t i = 0; i < sizeof(sts) / sizeof(sts[0]); i++) {
		int n = 0;

		assert_int_equal(
		    db_plan(f->db, sts[i], plan, sizeof(plan)), DB_OK);
		for (p = plan; (p = strstr(p,
				    "SEARCH e USING INTEGER PRIMARY "
				    "KEY (rowid>? AND rowid<?)")) != NULL;
		     p++)
			n++;
		if (n != 2)
			fail_msg("statement %d: the new events by their ids in "
				 "%d parts of 2: %s",
			    (int)sts[i], n, plan);
		if (strstr(plan, "SCAN e") != NULL ||
		    strstr(plan, "SCAN c") != NULL)
			fail_msg("statement %d reads the whole journal: %s",
			    (int)sts[i], plan);
	}
}

/* Group commit: many jobs from many threads, few commits. */
struct wctx {
	struct db_writer *w;
	int64_t body;
	int n;
	int fail_every;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done, ok, failed;
};

struct wjob {
	struct db_job job;
	struct wctx *ctx;
	int k;
	int64_t no;
};

static int
wjob_run(struct db *db, void *arg)
{
	struct wjob *j = arg;
	int rc = db_journal_next(db, j->ctx->body, 2030, &j->no);

	if (rc == DB_OK && j->ctx->fail_every && j->k % j->ctx->fail_every == 0)
		return DB_ERROR; /* this one fails alone */
	return rc;
}

static void
wjob_done(void *arg, int rc)
{
	struct wjob *j = arg;
	struct wctx *c = j->ctx;

	pthread_mutex_lock(&c->lock);
	c->done++;
	if (rc == DB_OK)
		c->ok++;
	else
		c->failed++;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static void *
submitter(void *arg)
{
	struct wjob *jobs = arg;
	int n = jobs[0].ctx->n / 4;

	for (int i = 0; i < n; i++)
		while (db_writer_submit(jobs[0].ctx->w, &jobs[i].job) ==
		    DB_QUEUE_FULL)
			usleep(100);
	return NULL;
}

static void
group_commit(void **state)
{
	struct fx *f = *state;
	struct wctx c;
	struct wjob *jobs;
	struct db_body b;
	pthread_t t[4];
	uint64_t batches, njobs;
	int64_t no;

	memset(&c, 0, sizeof(c));
	pthread_mutex_init(&c.lock, NULL);
	pthread_cond_init(&c.cond, NULL);
	assert_int_equal(db_body_by_code(f->db, "almaty-turksib", &b), DB_OK);
	c.body = b.id;
	c.n = 2000;
	c.fail_every = 10;
	jobs = calloc((size_t)c.n, sizeof(*jobs));
	for (int i = 0; i < c.n; i++) {
		jobs[i].job.run = wjob_run;
		jobs[i].job.done = wjob_done;
		jobs[i].job.arg = &jobs[i];
		jobs[i].ctx = &c;
		jobs[i].k = i + 1;
	}
	c.w = db_writer_start(f->db, 64, 256);
	assert_non_null(c.w);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, submitter, jobs + i * (c.n / 4));
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_mutex_lock(&c.lock);
	while (c.done < c.n)
		pthread_cond_wait(&c.cond, &c.lock);
	pthread_mutex_unlock(&c.lock);
	db_writer_stats(c.w, &batches, &njobs);
	db_writer_stop(c.w);
	assert_int_equal(c.ok, 1800);
	assert_int_equal(c.failed, 200);
	assert_int_equal(njobs, 2000);
	assert_true(batches < njobs);
	/* The failed jobs' numbers were given back: 1800 numbers, no gap. */
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_journal_next(f->db, b.id, 2030, &no), DB_OK);
	assert_int_equal(no, 1801);
	assert_int_equal(db_rollback(f->db), DB_OK);
	free(jobs);
}

static void
reader_pool(void **state)
{
	struct fx *f = *state;
	struct db_pool *p;
	struct db *r;
	struct db_body b;
	char err[256];

	struct db *r2;
	struct timespec t0, t1;
	long ms;

	p = db_pool_open(f->path, 2, 150, err, sizeof(err));
	assert_non_null(p);
	r = db_pool_get(p);
	assert_int_equal(db_body_by_code(r, "mes", &b), DB_OK);
	assert_string_equal(b.kind, "ministry");
	/* Readers cannot write. */
	assert_int_not_equal(db_begin(r), DB_OK);
	/* Both taken: the third waits its 150 ms, then gives up. */
	r2 = db_pool_get(p);
	assert_non_null(r2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_null(db_pool_get(p));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 140 && ms < 2000);
	/* One given back is taken at once. */
	db_pool_put(p, r2);
	r2 = db_pool_get(p);
	assert_non_null(r2);
	db_pool_put(p, r2);
	db_pool_put(p, NULL);
	db_pool_put(p, r);
	db_pool_close(p);
}

/*
 * The inbox's statements read ranges of their indexes in the order they
 * return (no sort, no scan of the table), so that a page costs the same
 * at a million complaints; a search reads the full-text index's matches
 * newest first (the index gives them in rowid order: no sort), each
 * joined to its row by the primary key, never a scan.
 */
static void
inbox_plans(void **state)
{
	static const struct {
		enum db_stmt st;
		const char *uses;
	} want[] = {
		{ ST_LIST_KEY, "USING INTEGER PRIMARY KEY" },
		{ ST_LIST_OPEN_BODY,
		    "INDEX complaint_inbox (body_id=? AND "
		    "open=? AND due>?)" },
		{ ST_LIST_DONE_BODY,
		    "INDEX complaint_inbox (body_id=? AND "
		    "open=? AND due<?)" },
		{ ST_LIST_OVERDUE, "INDEX complaint_overdue_due (due>?)" },
		{ ST_LIST_SEARCH, "SCAN f VIRTUAL TABLE INDEX" },
		{ ST_LIST_SEARCH, "SEARCH c USING INTEGER PRIMARY KEY" },
		{ ST_WORKLOAD, "INDEX complaint_inbox (body_id=? AND open=?)" },
	};
	struct fx *f = *state;
	char plan[2048];

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(
		    db_plan(f->db, want[i].st, plan, sizeof(plan)), DB_OK);
		if (strstr(plan, want[i].uses) == NULL)
			fail_msg("statement %d: \"%s\" not in the plan: %s",
			    (int)want[i].st, want[i].uses, plan);
		/* Only the workload sorts (its officials, a few). */
		if (want[i].st != ST_WORKLOAD &&
		    strstr(plan, "TEMP B-TREE") != NULL)
			fail_msg(
			    "statement %d sorts: %s", (int)want[i].st, plan);
		if (strstr(plan, "SCAN c ") != NULL ||
		    strstr(plan, "SCAN c;") != NULL)
			fail_msg("statement %d reads the whole table: %s",
			    (int)want[i].st, plan);
	}
}

/* How many complaints the full-text index finds for query q. */
static int
fts_hits(struct db *db, const char *q)
{
	return (int)sql_number(db,
	    "SELECT count(*) FROM complaint_fts WHERE complaint_fts MATCH ?1",
	    q, 0);
}

/* The full-text index folds the case of Kazakh and Russian letters and
 * keeps their own letters apart (ү is not у). */
static void
inbox_search_folds_case(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *q;
		int hits;
	} cases[] = {
		{ "\"әлиева\"", 1 },
		{ "\"ӘЛИЕВА\"", 1 },
		{ "\"гүлн\"*", 1 },
		{ "\"гулн\"*", 0 },
		{ "\"ҚАБЫЛДАМАДЫ\"", 1 },
		{ "\"ёлка\"", 1 },
		{ "\"ИВАНОВ\"", 0 },
	};

	assert_int_equal(sqlite3_exec(f->db->h,
			     "INSERT INTO complaint_fts(rowid, applicant, "
			     "reasons) VALUES (7, 'Әлиева Гүлнар Қанатқызы', "
			     "'Мектепке қабылдамады, ЁЛКА')",
			     NULL, NULL, NULL),
	    SQLITE_OK);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = fts_hits(f->db, cases[i].q);

		if (n != cases[i].hits)
			fail_msg("%s: %d hits", cases[i].q, n);
	}
}

/*
 * The full-text index is brought up to date once a transaction, when it
 * commits: a complaint is found from its commit on, one written outside
 * db_commit at the next commit, a name corrected before the commit is
 * indexed as corrected, and one corrected after as well (no stale word).
 */
static void
fts_at_commit(void **state)
{
	struct fx *f = *state;
	struct db_complaint c;
	struct db_body b;
	uint8_t h[32];
	int64_t id, id2;
	char sql[160];

	assert_int_equal(db_body_by_code(f->db, "almaty-almaly", &b), DB_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	fill(&c, "2026-000000001-5", b.id, 1);
	c.surname = "Жұмабаева";
	assert_int_equal(db_complaint_insert(f->db, &c, &id, h), DB_OK);
	fill(&c, "2026-000000002-1", b.id, 2);
	c.surname = "Оспанов";
	assert_int_equal(db_complaint_insert(f->db, &c, &id2, h), DB_OK);
	/* Corrected in the same transaction, before it is indexed. */
	snprintf(sql, sizeof(sql),
	    "UPDATE complaint SET surname = 'Оспанова' WHERE id = %lld",
	    (long long)id2);
	assert_int_equal(
	    sqlite3_exec(f->db->h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(fts_hits(f->db, "\"жұмабаева\""), 0);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(fts_hits(f->db, "\"жұмабаева\""), 1);
	assert_int_equal(fts_hits(f->db, "\"оспанова\""), 1);
	assert_int_equal(fts_hits(f->db, "\"оспанов\""), 0);
	assert_int_equal(fts_hits(f->db, "\"абаев\""), 0);

	/* Corrected after its commit: the entry is replaced at once. */
	snprintf(sql, sizeof(sql),
	    "UPDATE complaint SET surname = 'Абаева' WHERE id = %lld",
	    (long long)id);
	assert_int_equal(
	    sqlite3_exec(f->db->h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(fts_hits(f->db, "\"жұмабаева\""), 0);
	assert_int_equal(fts_hits(f->db, "\"абаева\""), 1);

	/* Written with no db_commit (autocommit): found from the next. */
	fill(&c, "2026-000000003-8", b.id, 3);
	c.surname = "Сейітқали";
	assert_int_equal(db_complaint_insert(f->db, &c, &id, h), DB_OK);
	assert_int_equal(fts_hits(f->db, "\"сейітқали\""), 0);
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(fts_hits(f->db, "\"сейітқали\""), 1);
	/* Nothing new: a commit indexes nothing twice. */
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_commit(f->db), DB_OK);
	assert_int_equal(fts_hits(f->db, "\"сейітқали\""), 1);
	assert_int_equal(fts_hits(f->db, "\"ерлан\""), 3);
}

/*
 * A migration's references are checked where it wrote: a row it orphans
 * in a table referring to one it changed fails the migration, and a
 * migration that writes elsewhere does not read the rest (an orphan left
 * behind the daemon's back does not stop it).
 */
static void
migration_checks_what_it_wrote(void **state)
{
	struct fx *f = *state;
	struct db_complaint c;
	struct db_body b;
	uint8_t h[32];
	int64_t id;
	char sql[128], *msg = NULL;

	assert_int_equal(db_body_by_code(f->db, "almaty-almaly", &b), DB_OK);
	fill(&c, "2026-000000001-5", b.id, 1);
	assert_int_equal(db_complaint_insert(f->db, &c, &id, h), DB_OK);
	assert_int_equal(sqlite3_exec(f->db->h, "PRAGMA foreign_keys = OFF",
			     NULL, NULL, NULL),
	    SQLITE_OK);

	/* The complaint's body taken away: the complaint refers to it. */
	assert_int_equal(db_begin(f->db), DB_OK);
	snprintf(sql, sizeof(sql), "DELETE FROM body WHERE id = %lld",
	    (long long)b.id);
	assert_int_equal(
	    db_migrate_sql(f->db, sql, &msg), SQLITE_CONSTRAINT_FOREIGNKEY);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "a row of complaint refers"));
	sqlite3_free(msg);
	msg = NULL;
	assert_int_equal(db_rollback(f->db), DB_OK);

	/* An orphan made outside any migration, then a migration that adds
	 * a table: only the new table is checked, and it passes; one that
	 * writes the orphan's table finds it. */
	snprintf(sql, sizeof(sql),
	    "UPDATE complaint SET body_id = 999999 WHERE id = %lld",
	    (long long)id);
	assert_int_equal(
	    sqlite3_exec(f->db->h, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_begin(f->db), DB_OK);
	assert_int_equal(db_migrate_sql(f->db,
			     "CREATE TABLE added (x INTEGER NOT NULL);"
			     "INSERT INTO added VALUES (1);",
			     &msg),
	    SQLITE_OK);
	assert_null(msg);
	assert_int_equal(db_migrate_sql(f->db,
			     "UPDATE complaint SET state = state "
			     "WHERE id < 0;",
			     &msg),
	    SQLITE_CONSTRAINT_FOREIGNKEY);
	sqlite3_free(msg);
	assert_int_equal(db_rollback(f->db), DB_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    migrated_with_bodies, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    journal_numbers_per_body_and_year, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    complaint_insert_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    row_hash_from_values, setup, teardown),
		cmocka_unit_test_setup_teardown(index_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(migrate_ticks, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    report_counters, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    report_counted_per_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    report_counted_migration, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    report_count_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(group_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(reader_pool, setup, teardown),
		cmocka_unit_test_setup_teardown(inbox_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    inbox_search_folds_case, setup, teardown),
		cmocka_unit_test_setup_teardown(fts_at_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    migration_checks_what_it_wrote, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
