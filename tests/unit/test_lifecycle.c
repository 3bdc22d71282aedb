/*
 * Unit tests: the life of a complaint — the state machine (every action
 * in every state), actions through the service, the hash chain and
 * verify, the deadline watch, repeats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "complaints/complaints_int.h"

static const char *const states[] = {
	"registered",
	"in-review",
	"extended",
	"decided",
	"answered",
	"closed",
	"forwarded",
	"left-without-consideration",
};
#define NSTATES 8

/* The expected table, written out independently of lifecycle.c. */
static const struct {
	const char *action;
	const char *to[NSTATES]; /* per state above; NULL refused */
} expect[] = {
	{ "assign", { "in-review", "in-review", "extended" } },
	{ "forward", { "forwarded", "forwarded" } },
	{ "extend", { NULL, "extended" } },
	{ "decide", { NULL, "decided", "decided" } },
	{ "appeal", { NULL, NULL, NULL, "decided", "answered" } },
	{ "withdraw",
	    { "left-without-consideration", "left-without-consideration",
		"left-without-consideration" } },
	{ "leave-without-consideration",
	    { "left-without-consideration", "left-without-consideration",
		"left-without-consideration" } },
	{ "note",
	    { "registered", "in-review", "extended", "decided", "answered" } },
	{ "answer", { NULL, NULL, NULL, "answered" } },
	{ "close", { NULL, NULL, NULL, NULL, "closed" } },
	{ "no-such-action", { NULL } },
};

/* Where the action of that name leads from the state of that name. */
static const char *
transition(const char *action, const char *state)
{
	enum complaints_state from, to;

	if (complaints_state_parse(state, &from) == -1)
		fail_msg("%s: not a state", state);
	for (int k = 0; k < ACT__MAX; k++)
		if (strcmp(complaints_action_name(k), action) == 0)
			return complaints_transition(k, from, &to) == 0 ?
			    complaints_state_name(to) :
			    NULL;
	return NULL;
}

static void
every_transition(void **state)
{
	(void)state;
	for (size_t a = 0; a < sizeof(expect) / sizeof(expect[0]); a++)
		for (int s = 0; s < NSTATES; s++) {
			const char *got = transition(
			    expect[a].action, states[s]);

			if (expect[a].to[s] == NULL && got != NULL)
				fail_msg("%s from %s: allowed, to %s",
				    expect[a].action, states[s], got);
			if (expect[a].to[s] != NULL &&
			    (got == NULL || strcmp(got, expect[a].to[s]) != 0))
				fail_msg("%s from %s: %s, expected %s",
				    expect[a].action, states[s],
				    got ? got : "refused", expect[a].to[s]);
		}
}

struct fx {
	char dir[64];
	char db[128];
	struct complaints *cx;
};

static struct complaints *
open_cx(struct fx *f)
{
	struct complaints_conf c;
	char key[128], err[512];
	struct complaints *cx;

	snprintf(key, sizeof(key), "%s/secret.key", f->dir);
	memset(&c, 0, sizeof(c));
	c.db_path = f->db;
	c.secret_path = key;
	c.schema_dir = "schemas";
	c.timezone = "Asia/Almaty";
	c.readers = 2;
	c.queue_max = 100;
	c.batch_max = 16;
	c.remind_days = 3;
	c.repeat_days = 365;
	if ((cx = complaints_open(&c, err, sizeof(err))) == NULL)
		fprintf(stderr, "%s\n", err);
	return cx;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct complaints_directory_stats st;
	struct complaints_error e;

	xmlio_init();
	tz_init("Asia/Almaty");
	clock_set_offset(0);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_lc.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->db, sizeof(f->db), "%s/c.db", f->dir);
	if ((f->cx = open_cx(f)) == NULL)
		return -1;
	if (complaints_directory_load(f->cx, "schemas/data/directory.xml", 0,
		NULL, NULL, &st, &e) == -1) {
		fprintf(stderr, "%s\n", e.message);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	complaints_close(f->cx);
	clock_set_offset(0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Registers and returns the talon number (static buffer). */
static const char *
reg(struct fx *f, const char *body, int service, const char *inst,
    const char *surname)
{
	static char talon[TALON_LEN + 1];
	char doc[4096], *p;
	struct complaints_error e;
	struct buf b;

	snprintf(doc, sizeof(doc),
	    "<complaint><body>%s</body>"
	    "<service>%d</service><subject>%s%s%s<name>Мектеп</name>"
	    "</subject><channel>post</channel><applicant><surname>%s"
	    "</surname><name>Асель</name><address>Алматы, Абай 1</address>"
	    "<email>asel@example.kz</email></applicant><signed>true</signed>"
	    "<reasons>Себеп</reasons><demands>Талап</demands><registrar>"
	    "<name>Тіркеуші</name><position>маман</position></registrar>"
	    "</complaint>",
	    body, service, inst ? "<institution>" : "", inst ? inst : "",
	    inst ? "</institution>" : "", surname);
	buf_init(&b, 65536);
	if (complaints_register(
		f->cx, &complaints_system, doc, strlen(doc), &b, &e) == -1)
		fail_msg("register: %s: %s", e.code, e.message);
	p = strstr(b.data, "<number>");
	assert_non_null(p);
	memcpy(talon, p + 8, TALON_LEN);
	talon[TALON_LEN] = '\0';
	buf_free(&b);
	return talon;
}

/* Runs an action; returns the kind of failure (COMPLAINTS_OK: done). */
static int
act(struct fx *f, const char *ref, const char *body, const char *fmt, ...)
{
	char inner[2048], doc[4096], name[64];
	struct complaints_error e;
	struct buf b;
	va_list ap;
	const char *sp;
	int rc;

	va_start(ap, fmt);
	vsnprintf(inner, sizeof(inner), fmt, ap);
	va_end(ap);
	/* fmt starts with the action's name, then a space. */
	sp = strchr(inner, ' ');
	snprintf(name, sizeof(name), "%.*s", (int)(sp - inner), inner);
	snprintf(doc, sizeof(doc),
	    "<%s><by><name>Басшы</name><position>"
	    "басшы</position><body>%s</body></by>%s</%s>",
	    name, body, sp + 1, name);
	buf_init(&b, 65536);
	rc = complaints_act(
	    f->cx, &complaints_system, ref, doc, strlen(doc), &b, &e);
	buf_free(&b);
	return rc == 0 ? COMPLAINTS_OK : e.errc;
}

/* body rejects the complaint, and the applicant appeals. */
static void
reject_and_appeal(struct fx *f, const char *t, const char *body)
{
	assert_int_equal(
	    act(f, t, body,
		"decide <outcome>rejected</outcome><reasoning>Негізсіз."
		"</reasoning>"),
	    COMPLAINTS_OK);
	assert_int_equal(
	    act(f, t, body,
		"appeal <channel>post</channel><reasons>Келіспеймін</reasons>"),
	    COMPLAINTS_OK);
}

static void
walk_forward_extend_decide_appeal(void **state)
{
	struct fx *f = *state;
	char t[TALON_LEN + 1], t2[TALON_LEN + 1];
	struct complaints_error e;
	struct buf b;
	char *p;
	int ok;

	/* Service 5, a school in Alatau, registered at Auezov. */
	strcpy(t, reg(f, "almaty-auezov", 5, "school-14", "Абаева"));
	assert_int_equal(
	    act(f, t, "almaty-medeu", "assign <assignee>x</assignee>"),
	    COMPLAINTS_EPERM);
	assert_int_equal(
	    act(f, t, "almaty-auezov",
		"decide <outcome>upheld</outcome><reasoning>r</reasoning>"),
	    COMPLAINTS_ECONFLICT);
	assert_int_equal(act(f, t, "almaty-auezov",
			     "forward <to>nowhere</to><reason>r</reason>"),
	    COMPLAINTS_EINVAL);
	assert_int_equal(
	    act(f, t, "almaty-auezov",
		"forward <to>almaty-auezov</to><reason>r</reason>"),
	    COMPLAINTS_ECONFLICT);
	assert_int_equal(
	    act(f, t, "almaty-auezov",
		"forward <to>almaty-alatau</to><reason>not ours</reason>"),
	    COMPLAINTS_OK);
	assert_int_equal(act(f, t, "almaty-auezov", "note <text>after</text>"),
	    COMPLAINTS_ECONFLICT);

	/* The forwarded entry is the case's current one. */
	buf_init(&b, 65536);
	assert_int_equal(complaints_status(f->cx, t, NULL, &b, &e), 0);
	assert_non_null(strstr(b.data, "<state>forwarded</state>"));
	assert_non_null(strstr(b.data, "almaty-alatau"));
	p = strstr(b.data, "<talon number=\"");
	assert_non_null(p);
	memcpy(t2, p + 15, TALON_LEN);
	t2[TALON_LEN] = '\0';
	buf_free(&b);

	assert_int_equal(
	    act(f, t2, "almaty-alatau", "extend <reason>r</reason>"),
	    COMPLAINTS_ECONFLICT); /* not in review */
	assert_int_equal(
	    act(f, t2, "almaty-alatau", "assign <assignee>Иванова</assignee>"),
	    COMPLAINTS_OK);
	assert_int_equal(
	    act(f, t2, "almaty-alatau",
		"extend <reason>r</reason><until>2099-01-01</until>"),
	    COMPLAINTS_EINVAL);
	assert_int_equal(
	    act(f, t2, "almaty-alatau", "extend <reason>more study</reason>"),
	    COMPLAINTS_OK);
	assert_int_equal(
	    act(f, t2, "almaty-alatau", "extend <reason>again</reason>"),
	    COMPLAINTS_ECONFLICT);
	assert_int_equal(
	    act(f, t2, "almaty-alatau",
		"appeal <channel>post</channel><reasons>r</reasons>"),
	    COMPLAINTS_ECONFLICT);
	/*
	 * Appeal: Alatau -> the ministry of the day (the Ministry of
	 * Enlightenment since 11 June 2022), then no higher body.
	 */
	reject_and_appeal(f, t2, "almaty-alatau");
	buf_init(&b, 65536);
	assert_int_equal(complaints_status(f->cx, t2, NULL, &b, &e), 0);
	assert_non_null(strstr(b.data, "link=\"appeal-of\""));
	p = strstr(b.data, "body=\"mop\"");
	assert_non_null(p);
	while (p > b.data && strncmp(p, "<talon number=\"", 15) != 0)
		p--;
	memcpy(t, p + 15, TALON_LEN);
	t[TALON_LEN] = '\0';
	buf_free(&b);
	assert_int_equal(act(f, t, "mop", "assign <assignee>desk</assignee>"),
	    COMPLAINTS_OK);
	assert_int_equal(act(f, t, "mop",
			     "decide <outcome>explained"
			     "</outcome><reasoning>Түсіндірілді.</reasoning>"),
	    COMPLAINTS_OK);
	assert_int_equal(
	    act(f, t, "mop",
		"appeal <channel>post</channel><reasons>r</reasons>"),
	    COMPLAINTS_ECONFLICT);
	assert_int_equal(
	    act(f, t, "mop", "answer <channel>post</channel>"), COMPLAINTS_OK);
	assert_int_equal(
	    act(f, t, "mop", "close <reason>done</reason>"), COMPLAINTS_OK);
	assert_int_equal(
	    act(f, t, "mop", "note <text>x</text>"), COMPLAINTS_ECONFLICT);

	buf_init(&b, 65536);
	assert_int_equal(
	    complaints_verify(f->cx, &complaints_system, &b, &ok, &e), 0);
	assert_true(ok);
	buf_free(&b);
}

static int
raw(struct fx *f, const char *sql)
{
	sqlite3 *h;
	int rc;

	if (sqlite3_open(f->db, &h) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc;
}

static void
verify_names_the_edited_row(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	char sql[256];
	int ok;

	reg(f, "almaty-medeu", 3, NULL, "Бірінші");
	reg(f, "almaty-medeu", 3, NULL, "Екінші");
	buf_init(&b, 65536);
	assert_int_equal(
	    complaints_verify(f->cx, &complaints_system, &b, &ok, &e), 0);
	assert_true(ok);
	/* An edited row. */
	assert_int_equal(raw(f,
			     "UPDATE complaint SET reasons = 'x' "
			     "WHERE id = 2"),
	    SQLITE_OK);
	buf_reset(&b);
	assert_int_equal(
	    complaints_verify(f->cx, &complaints_system, &b, &ok, &e), 0);
	assert_false(ok);
	assert_non_null(strstr(b.data, "complaint 2"));
	/* An edited event: the trigger refuses, so drop it first. */
	assert_int_equal(raw(f,
			     "UPDATE complaint SET reasons = 'Себеп' "
			     "WHERE id = 2"),
	    SQLITE_OK);
	assert_int_not_equal(raw(f, "UPDATE event SET actor = 'x'"), SQLITE_OK);
	snprintf(sql, sizeof(sql),
	    "DROP TRIGGER event_no_update; "
	    "UPDATE event SET actor = 'Someone' WHERE id = 1");
	assert_int_equal(raw(f, sql), SQLITE_OK);
	buf_reset(&b);
	assert_int_equal(
	    complaints_verify(f->cx, &complaints_system, &b, &ok, &e), 0);
	assert_false(ok);
	assert_non_null(strstr(b.data, "event 1"));
	buf_free(&b);
}

/* A decision gone out does not make an edited row answered: the row keeps
 * its state, and verify still names it. */
static void
answer_leaves_an_edited_row(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	struct db *db;
	char err[256];
	const char *t;
	sqlite3 *h;
	sqlite3_stmt *st;
	int ok;

	t = reg(f, "almaty-medeu", 3, NULL, "Жауап");
	assert_int_equal(
	    act(f, t, "almaty-medeu", "assign <assignee>Иванова</assignee>"),
	    COMPLAINTS_OK);
	assert_int_equal(act(f, t, "almaty-medeu",
			     "decide <outcome>rejected</outcome>"
			     "<reasoning>Негізсіз.</reasoning>"),
	    COMPLAINTS_OK);
	assert_int_equal(raw(f,
			     "UPDATE complaint SET reasons = 'x' "
			     "WHERE id = 1"),
	    SQLITE_OK);
	db = db_open(f->db, DB_OPEN_WRITE, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(db_begin(db), DB_OK);
	assert_int_equal(
	    complaints_delivered(NULL, db, 1, "decision", "email", NULL),
	    DB_OK);
	assert_int_equal(db_commit(db), DB_OK);
	db_close(db);

	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(
		h, "SELECT state FROM complaint WHERE id = 1", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(
	    (const char *)sqlite3_column_text(st, 0), "decided");
	sqlite3_finalize(st);
	sqlite3_close(h);

	buf_init(&b, 65536);
	assert_int_equal(
	    complaints_verify(f->cx, &complaints_system, &b, &ok, &e), 0);
	assert_false(ok);
	assert_non_null(strstr(b.data, "complaint 1"));
	buf_free(&b);
}

static void
watch_marks_overdue_and_reminds(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	const char *t;
	int o, r;

	struct date due, today;
	long days;
	char *p;

	t = reg(f, "almaty-bostandyk", 4, NULL, "Уақыт");
	assert_int_equal(complaints_watch_once(f->cx, &o, &r, &e), 0);
	assert_int_equal(o, 0);
	assert_int_equal(r, 0);
	buf_init(&b, 65536);
	assert_int_equal(complaints_status(f->cx, t, NULL, &b, &e), 0);
	p = strstr(b.data, "<due>");
	assert_non_null(p);
	p[15] = '\0';
	assert_int_equal(date_parse(p + 5, &due), 0);
	buf_free(&b);
	today = complaints_today(f->cx, NULL, clock_now());
	days = date_to_days(due) - date_to_days(today);
	/* The day before the due date: within three working days of it. */
	clock_set_offset((long long)(days - 1) * 86400);
	assert_int_equal(complaints_watch_once(f->cx, &o, &r, &e), 0);
	assert_int_equal(o, 0);
	assert_int_equal(r, 1);
	assert_int_equal(complaints_watch_once(f->cx, &o, &r, &e), 0);
	assert_int_equal(r, 0); /* once only */
	/* Past due. */
	clock_set_offset((long long)(days + 1) * 86400);
	assert_int_equal(complaints_watch_once(f->cx, &o, &r, &e), 0);
	assert_int_equal(o, 1);
	assert_int_equal(complaints_watch_once(f->cx, &o, &r, &e), 0);
	assert_int_equal(o, 0);
	buf_init(&b, 65536);
	assert_int_equal(complaints_status(f->cx, t, NULL, &b, &e), 0);
	assert_non_null(strstr(b.data, "<overdue>true</overdue>"));
	buf_reset(&b);
	{
		struct complaints_list_query q;

		memset(&q, 0, sizeof(q));
		q.overdue = 1;
		assert_int_equal(
		    complaints_list(f->cx, &complaints_system, &q, &b, &e), 0);
		assert_non_null(strstr(b.data, t));
	}
	buf_free(&b);
	clock_set_offset(0);
}

/*
 * The same appeal decided and appealed in March 2021, before the
 * Ministry of Education and Science was divided: it goes to that
 * ministry, and the record keeps naming it after the clock passes
 * June 2022.
 */
static void
appeal_reaches_the_ministry_of_its_day(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	struct tm tm;
	char t[TALON_LEN + 1];

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2021 - 1900;
	tm.tm_mon = 2;
	tm.tm_mday = 1;
	tm.tm_hour = 5; /* 11:00 in Almaty, a Monday */
	clock_set_offset((long long)timegm(&tm) - (long long)time(NULL));
	strcpy(t, reg(f, "almaty-alatau", 5, "school-14", "Ертеде"));
	assert_int_equal(
	    act(f, t, "almaty-alatau", "assign <assignee>x</assignee>"),
	    COMPLAINTS_OK);
	reject_and_appeal(f, t, "almaty-alatau");
	clock_set_offset(0);
	buf_init(&b, 65536);
	assert_int_equal(complaints_status(f->cx, t, NULL, &b, &e), 0);
	assert_non_null(strstr(b.data, "body=\"mes\""));
	assert_null(strstr(b.data, "body=\"mop\""));
	buf_free(&b);
}

static void
repeats_are_linked(void **state)
{
	struct fx *f = *state;
	char t[TALON_LEN + 1];
	struct complaints_error e;
	struct buf b;

	strcpy(t, reg(f, "almaty-zhetysu", 11, NULL, "Қайталау"));
	/* A different applicant is not a repeat. */
	reg(f, "almaty-zhetysu", 11, NULL, "Басқа");
	assert_int_equal(
	    act(f, t, "almaty-zhetysu",
		"leave-without-consideration <ground>repeated</ground>"),
	    COMPLAINTS_ECONFLICT);
	assert_int_equal(
	    act(f, t, "almaty-zhetysu",
		"leave-without-consideration <ground>anonymous</ground>"),
	    COMPLAINTS_ECONFLICT);
	/* The same applicant, written in capitals. */
	strcpy(t, reg(f, "almaty-zhetysu", 11, NULL, "ҚАЙТАЛАУ"));
	buf_init(&b, 65536);
	assert_int_equal(
	    complaints_get(f->cx, &complaints_system, t, &b, NULL, &e), 0);
	assert_non_null(strstr(b.data, "<repeat-of>1</repeat-of>"));
	assert_non_null(strstr(b.data, "repeat of complaint 1"));
	buf_free(&b);
	assert_int_equal(
	    act(f, t, "almaty-zhetysu",
		"leave-without-consideration <ground>repeated</ground>"),
	    COMPLAINTS_OK);
	assert_int_equal(
	    act(f, t, "almaty-zhetysu", "withdraw <reason>x</reason>"),
	    COMPLAINTS_ECONFLICT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_transition),
		cmocka_unit_test_setup_teardown(
		    walk_forward_extend_decide_appeal, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    verify_names_the_edited_row, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    answer_leaves_an_edited_row, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    watch_marks_overdue_and_reminds, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    appeal_reaches_the_ministry_of_its_day, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    repeats_are_linked, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
