/*
 * Unit tests: calendar (holidays, carry-over, transfers, rule sets,
 * loading) and complaintctl deadline.  Run from the top of the tree: the
 * data files are read from schemas/.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "calendar/calendar.h"
#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define CAL_XML	  "schemas/data/calendar-kz.xml"
#define RULES_XML "schemas/data/rules.xml"
#define SCHEMAS	  "schemas"

static struct cal *kz;
static char tmpdir[64];

static struct date
D(const char *s) {
	struct date d;

	if (date_parse(s, &d) == -1)
		fail_msg("bad date in test: %s", s);
	return d;
}

static int
off(const char *s)
{
	return !cal_is_working_day(kz, D(s), CAL_WEEK_MON_FRI);
}

static int
off6(const char *s)
{
	return !cal_is_working_day(kz, D(s), CAL_WEEK_MON_SAT);
}

#define assert_date(d, s) \
	do { \
		char b_[11]; \
		date_iso((d), b_); \
		assert_string_equal(b_, (s)); \
	} while (0)

/* The due date under a rule set (NULL: by date) at a local time. */
static const char *
due(const char *rules, const char *day, int hh, int mm, int extra,
    const char *target)
{
	static char out[11];
	struct cal_due_in in;
	struct cal_due_out o;
	struct date d = D(day);

	memset(&in, 0, sizeof(in));
	in.registered.y = d.y;
	in.registered.m = d.m;
	in.registered.d = d.d;
	in.registered.hh = hh;
	in.registered.mm = mm;
	in.rules = rules;
	in.extra_study = extra;
	in.target = target;
	if (cal_due(kz, &in, &o) == -1)
		return "error";
	date_iso(o.due, out);
	return out;
}

static const char *
rules_on(const char *day)
{
	const struct cal_rules *r = cal_rules_at(kz, D(day));

	return r ? r->name : "none";
}

static int
setup(void **state)
{
	char err[512];

	(void)state;
	xmlio_init();
	kz = cal_load(CAL_XML, RULES_XML, SCHEMAS, err, sizeof(err));
	if (kz == NULL) {
		fprintf(stderr, "cal_load: %s\n", err);
		return -1;
	}
	(void)strlcpy_chk(tmpdir, "/tmp/test_calendar.XXXXXX", sizeof(tmpdir));
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	cal_free(kz);
	kz = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	xmlio_cleanup();
	return 0;
}

static void
builtin_weekends_and_law_221(void **state)
{
	struct cal *c = cal_builtin();
	struct cal_due_in in;
	struct cal_due_out o;

	(void)state;
	assert_non_null(c);
	assert_true(cal_is_working_day(c, D("2024-03-08"), CAL_WEEK_MON_FRI));
	assert_false(cal_is_working_day(c, D("2024-03-09"), CAL_WEEK_MON_FRI));
	assert_true(cal_is_working_day(c, D("2024-03-09"), CAL_WEEK_MON_SAT));
	assert_false(cal_is_working_day(c, D("2024-03-10"), CAL_WEEK_MON_SAT));
	assert_date(
	    cal_add_working_days(c, D("2024-03-08"), 1, CAL_WEEK_MON_FRI),
	    "2024-03-11");
	assert_date(
	    cal_add_calendar_days(c, D("2024-03-01"), 15, CAL_WEEK_MON_FRI),
	    "2024-03-18");
	memset(&in, 0, sizeof(in));
	in.registered = (struct moment){ 2030, 1, 10, 12, 0, 0, 18000 };
	assert_int_equal(cal_due(c, &in, &o), 0);
	assert_string_equal(o.rules, "law-221");
	assert_date(o.due, "2030-01-25");
	in.extra_study = 1;
	assert_int_equal(cal_due(c, &in, &o), 0);
	assert_date(o.due, "2030-02-11"); /* 9 Feb is a Saturday */
	in.rules = "appc-2020";
	assert_int_equal(cal_due(c, &in, &o), -1);
	assert_non_null(cal_hours_for(c, "office"));
	cal_free(c);
	cal_free(NULL);
}

static void
fixed_holidays(void **state)
{
	(void)state;
	/* New Year. */
	assert_true(off("2024-01-01"));
	assert_true(off("2024-01-02"));
	assert_false(off("2024-01-03"));
	/* Orthodox Christmas, from 2006, never carried. */
	assert_true(off("2025-01-07"));
	assert_true(off("2024-01-07")); /* a Sunday */
	assert_false(off("2024-01-08"));
	assert_false(off("2005-01-07")); /* a Friday, before 2006 */
	/* 8 March. */
	assert_true(off("2024-03-08"));
	/* Nauryz: 21-23 March from 2010, 22 alone before. */
	assert_true(off("2024-03-21"));
	assert_true(off("2024-03-22"));
	assert_false(off("2008-03-21")); /* a Friday */
	assert_true(off("2011-03-21"));
	/* 1 May. */
	assert_true(off("2024-05-01"));
	/* 7 May from 2013. */
	assert_true(off("2024-05-07"));
	assert_false(off("2012-05-07")); /* a Monday */
	/* 9 May. */
	assert_true(off("2024-05-09"));
	/* Capital Day from 2009. */
	assert_true(off("2023-07-06"));
	assert_false(off("2008-07-07")); /* a Monday */
	/* Constitution Day: 30 August to 2025, 15 March from 2027. */
	assert_true(off("2023-08-30"));
	assert_false(off("2026-08-31")); /* 30 Aug 2026 a Sunday */
	assert_true(off("2027-03-15"));
	assert_false(off("2026-03-16")); /* 15 Mar 2026 a Sunday */
	/* Republic Day from 2022. */
	assert_true(off("2023-10-25"));
	assert_false(off("2021-10-25")); /* a Monday */
	/* First President Day 2012-2021. */
	assert_true(off("2020-12-01"));
	assert_false(off("2022-12-01"));
	assert_false(off("2011-12-01")); /* a Thursday */
	/* Independence Day: 16 December; 17 up to 2021. */
	assert_true(off("2024-12-16"));
	assert_true(off("2020-12-17"));
	assert_false(off("2024-12-17"));
	/* Kurban Ait, a date per year, never carried. */
	assert_true(off("2025-06-06"));
	assert_true(off("2023-06-28"));
	assert_true(off("2024-06-16")); /* a Sunday */
	assert_false(off("2024-06-17"));
	assert_false(off("2025-06-05"));
	/* Outside the computed years: weekends only. */
	assert_true(cal_is_working_day(kz, D("1999-01-01"), CAL_WEEK_MON_FRI));
	assert_false(cal_is_working_day(kz, D("2100-01-02"), CAL_WEEK_MON_FRI));
}

static void
weekend_carry_over(void **state)
{
	(void)state;
	/* 8 March 2025 a Saturday: Monday 10 off. */
	assert_true(off("2025-03-10"));
	assert_false(off("2025-03-11"));
	/* Nauryz 2024: 23 a Saturday gives Monday 25. */
	assert_true(off("2024-03-25"));
	assert_false(off("2024-03-26"));
	/* Nauryz 2015: 21 and 22 on the weekend give 24 and 25. */
	assert_true(off("2015-03-23"));
	assert_true(off("2015-03-24"));
	assert_true(off("2015-03-25"));
	assert_false(off("2015-03-26"));
	/* New Year 2022 on the weekend: 3 and 4 January. */
	assert_true(off("2022-01-03"));
	assert_true(off("2022-01-04"));
	assert_false(off("2022-01-05"));
	/* 7 May 2022 a Saturday; 9 May a holiday: Tuesday 10 May. */
	assert_true(off("2022-05-09"));
	assert_true(off("2022-05-10"));
	assert_false(off("2022-05-11"));
	/* 16-17 December 2017 on the weekend. */
	assert_true(off("2017-12-18"));
	assert_true(off("2017-12-19"));
	assert_false(off("2017-12-20"));
	/* Capital Day 2024 a Saturday; Constitution Day 2025 a Saturday. */
	assert_true(off("2024-07-08"));
	assert_true(off("2025-09-01"));
	/* Republic Day 2025 a Saturday. */
	assert_true(off("2025-10-27"));
	/* Exceptions: Christmas and Kurban Ait on a Sunday do not move. */
	assert_false(off("2024-01-08"));
	assert_false(off("2019-08-12")); /* Kurban Ait 2019 Sunday */

	/* The six-day week: a Saturday holiday is off but not carried. */
	assert_true(off6("2024-07-06"));
	assert_false(off6("2024-07-08"));
	assert_true(off6("2024-03-23"));
	assert_false(off6("2024-03-25"));
	/* A Sunday holiday is carried for both weeks. */
	assert_true(off6("2025-03-10") == 0); /* 8 Mar 2025 a Saturday */
	assert_true(off6("2026-03-09"));      /* 8 Mar 2026 a Sunday */
	assert_true(off("2026-03-09"));
}

static void
transfers_2024(void **state)
{
	(void)state;
	assert_false(off("2024-05-04")); /* a working Saturday */
	assert_true(off("2024-05-08"));
	assert_true(off("2024-05-11")); /* other Saturdays stay */
	assert_false(off("2024-05-10"));
	/* A moved Saturday binds the five-day week only. */
	assert_false(off6("2024-05-04"));
	assert_false(off6("2024-05-08"));
	/* A moved Sunday binds both: 2025. */
	assert_true(off("2025-01-03"));
	assert_false(off("2025-01-05"));
	assert_true(off6("2025-01-03"));
	assert_false(off6("2025-01-05"));
	/* 2018, from the government's announcement. */
	assert_false(off("2018-03-03"));
	assert_true(off("2018-03-09"));
	assert_true(off("2018-12-31"));
	assert_false(off("2018-12-29"));
	/* 2020: Victory Day's carry-over moved from Monday to Friday. */
	assert_true(off("2020-05-08"));
	assert_false(off("2020-05-11"));
}

static void
deadline_crossing_nauryz(void **state)
{
	(void)state;
	/* appc-2020, 15 working days across 21-25 March 2024. */
	assert_string_equal(
	    due(NULL, "2024-03-18", 10, 0, 0, NULL), "2024-04-11");
	/* law-221: 22 March 2019 a holiday, 23 Saturday, 25 carried. */
	assert_string_equal(
	    due(NULL, "2019-03-07", 10, 0, 0, NULL), "2019-03-26");
}

static void
deadline_crossing_new_year(void **state)
{
	(void)state;
	/* appc-2020: 1-3 and 7 January off, Sunday 5 January working. */
	assert_string_equal(
	    due(NULL, "2024-12-20", 10, 0, 0, NULL), "2025-01-15");
	/* law-221: 2 January 2018 a holiday. */
	assert_string_equal(
	    due(NULL, "2017-12-18", 10, 0, 0, NULL), "2018-01-03");
}

static void
rule_set_by_date(void **state)
{
	(void)state;
	assert_string_equal(rules_on("2021-06-30"), "law-221");
	assert_string_equal(rules_on("2021-07-01"), "appc-2020");
	assert_string_equal(rules_on("2015-01-01"), "law-221");
	assert_string_equal(rules_on("2006-12-31"), "none");
	/* 15 calendar days; 15 working days (3 July working; 5, 6, 20 off). */
	assert_string_equal(
	    due(NULL, "2021-06-30", 17, 0, 0, NULL), "2021-07-15");
	assert_string_equal(
	    due(NULL, "2021-07-01", 10, 0, 0, NULL), "2021-07-26");
	assert_string_equal(due(NULL, "2006-12-31", 10, 0, 0, NULL), "error");
	assert_string_equal(
	    due("no-such-rules", "2024-01-10", 10, 0, 0, NULL), "error");
	assert_non_null(cal_rules_find(kz, "state-services-2013"));
	assert_null(cal_rules_find(kz, "nope"));
}

static void
law_221(void **state)
{
	const struct cal_rules *r = cal_rules_find(kz, "law-221");
	struct date d;

	(void)state;
	assert_non_null(r);
	assert_int_equal(r->consider.n, 15);
	assert_int_equal(r->consider.unit, CAL_UNIT_CALENDAR);
	assert_int_equal(r->count, CAL_COUNT_NEXT_DAY);
	/* From the day after: 1 March + 15 = 16 March, a Saturday. */
	assert_string_equal(
	    due("law-221", "2024-03-01", 10, 0, 0, NULL), "2024-03-18");
	/* After hours changes nothing under Law No. 221. */
	assert_string_equal(
	    due("law-221", "2024-03-01", 18, 30, 0, NULL), "2024-03-18");
	/* Extra study: 30 days; 31 March a Sunday. */
	assert_string_equal(
	    due("law-221", "2024-03-01", 10, 0, 1, NULL), "2024-04-01");
	/* Extension: at most 30 calendar days more. */
	assert_int_equal(
	    cal_extend(kz, "law-221", D("2024-03-18"), CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-04-17");
	/* Applicant told within 3 days. */
	assert_int_equal(cal_notify_due(kz, "law-221", D("2024-03-15"),
			     CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-03-18");
	/* Forwarding within 3 working days. */
	assert_int_equal(cal_forward_due(kz, "law-221", D("2019-03-20"),
			     CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2019-03-28");
	/* No appeal forwarding rule in that law. */
	assert_int_equal(cal_appeal_forward_due(kz, "law-221", D("2019-03-20"),
			     CAL_WEEK_MON_FRI, &d),
	    -1);
}

static void
state_services_2013(void **state)
{
	(void)state;
	/* Only when pinned. */
	assert_string_equal(rules_on("2016-01-10"), "law-221");
	/* 4 May 2024 a working Saturday; 7-9 May off. */
	assert_string_equal(
	    due("state-services-2013", "2024-05-03", 10, 0, 0, NULL),
	    "2024-05-14");
	assert_string_equal(
	    due("state-services-2013", "2024-05-03", 10, 0, 0, "provider"),
	    "2024-05-14");
	assert_string_equal(due("state-services-2013", "2024-05-03", 10, 0, 0,
				"quality-control"),
	    "2024-05-28");
	assert_string_equal(
	    due("state-services-2013", "2024-05-03", 10, 0, 0, "elsewhere"),
	    "2024-05-14");
	{
		struct date d;

		/* 10 working days more (art. 25 p. 4, UNSURE). */
		assert_int_equal(cal_extend(kz, "state-services-2013",
				     D("2024-05-14"), CAL_WEEK_MON_FRI, &d),
		    0);
		assert_true(date_cmp(d, D("2024-05-28")) == 0);
	}
}

/*
 * The choice of rule set, per rule and level, with the due dates worked
 * out by hand from the laws' text and a wall calendar (not by the code
 * under test): State Services Law art. 25, 5 working days from
 * registration at the provider or the body responsible, 15 at the
 * quality-control body; APPK art. 76, 15 working days from receipt (art.
 * 64: after 18:00 from the next working day); Law 221 art. 8, 15
 * calendar days from registration.  Holidays by the Law on holidays: 16
 * December; 1-2 January (2 January 2027 a Saturday: Monday 4 January
 * off); 7 January; 21-23 March (23 March 2019 a Saturday: Monday 25 March
 * off); from 2027, 15 March; from 2026, no 30 August.
 */
struct rule_case {
	int service;
	const char *level;
	const char *registered; /* YYYY-MM-DD HH:MM */
	const char *received;	/* or NULL */
	const char *pinned;
	const char *due, *rules, *clause, *event;
};

static const struct rule_case rule_cases[] = {
	/* Mon 7 Dec 2026: Tue 8 .. Fri 11 (4), Mon 14 (5). */
	{ 9, "institution", "2026-12-07 10:00", NULL, NULL, "2026-12-14",
	    "state-services-2013", "art. 25 p. 2", "registration" },
	{ 3, "district", "2026-12-07 10:00", NULL, NULL, "2026-12-14",
	    "state-services-2013", "art. 25 p. 2", "registration" },
	/* Received Friday 4 December 17:30: the State Services Law still
	   counts from Monday's registration. */
	{ 5, "district", "2026-12-07 10:00", "2026-12-04 17:30", NULL,
	    "2026-12-14", "state-services-2013", "art. 25 p. 2",
	    "registration" },
	/* Thu 10 Dec: 11, 14, 15, (16 off), 17, 18. */
	{ 5, "city", "2026-12-10 11:00", NULL, NULL, "2026-12-18",
	    "state-services-2013", "art. 25 p. 2", "registration" },
	/* Fri 25 Dec: 28, 29, 30, 31, (1 Jan, 4 Jan off), 5 Jan. */
	{ 1, "ministry", "2026-12-25 09:30", NULL, NULL, "2027-01-05",
	    "state-services-2013", "art. 25 p. 2", "registration" },
	/* Mon 7 Dec, 15 working days: 8-11 (4), 14-15 (6), 17-18 (8),
	   21-25 (13), 28-29 (15). */
	{ 2, "quality-control", "2026-12-07 10:00", NULL, NULL, "2026-12-29",
	    "state-services-2013", "art. 25 p. 3", "registration" },
	/* No service: the APPK by date, from receipt on Friday 4 Dec at
	   17:30: 7-11 (5), 14-15 (7), 17-18 (9), 21-25 (14), 28 (15). */
	{ 0, "district", "2026-12-07 10:00", "2026-12-04 17:30", NULL,
	    "2026-12-28", "appc-2020", "art. 76", "receipt" },
	/* Received at 18:30: counts from Monday 7 Dec, ends a day later. */
	{ 0, NULL, "2026-12-07 10:00", "2026-12-04 18:30", NULL, "2026-12-29",
	    "appc-2020", "art. 76", "receipt" },
	/* Pinned: the APPK even for a state service. */
	{ 5, "district", "2026-12-07 10:00", "2026-12-04 17:30", "appc-2020",
	    "2026-12-28", "appc-2020", "art. 76", "receipt" },
	/* Before the State Services Law: Law 221, 15 calendar days from
	   Fri 1 Mar 2013 end Sat 16 Mar, moved to Mon 18 Mar. */
	{ 5, "district", "2013-03-01 10:00", NULL, NULL, "2013-03-18",
	    "law-221", "art. 8 p. 1", "registration" },
	/* Wed 20 Mar 2019: (21, 22, 25 off), 26, 27, 28, 29, 1 Apr. */
	{ 7, "district", "2019-03-20 10:00", NULL, NULL, "2019-04-01",
	    "state-services-2013", "art. 25 p. 2", "registration" },
	/* Thu 27 Aug 2026: 28, 31 (no longer off), 1, 2, 3 Sep. */
	{ 7, "district", "2026-08-27 10:00", NULL, NULL, "2026-09-03",
	    "state-services-2013", "art. 25 p. 2", "registration" },
	/* Wed 10 Mar 2027: 11, 12, (15 Constitution Day), 16, 17, 18. */
	{ 11, "district", "2027-03-10 10:00", NULL, NULL, "2027-03-18",
	    "state-services-2013", "art. 25 p. 2", "registration" },
};

static struct moment
M(const char *s) {
	struct moment m;
	struct date d;
	char day[11];

	memset(&m, 0, sizeof(m));
	memcpy(day, s, 10);
	day[10] = '\0';
	d = D(day);
	m.y = d.y;
	m.m = d.m;
	m.d = d.d;
	m.hh = (s[11] - '0') * 10 + s[12] - '0';
	m.mm = (s[14] - '0') * 10 + s[15] - '0';
	return m;
}

static void
rule_choice_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rule_cases) / sizeof(rule_cases[0]);
	     i++) {
		const struct rule_case *t = &rule_cases[i];
		struct cal_due_in in;
		struct cal_due_out o;
		char got[11];

		memset(&in, 0, sizeof(in));
		in.registered = M(t->registered);
		if (t->received != NULL) {
			in.received = M(t->received);
			in.has_received = 1;
		}
		in.service = t->service;
		in.level = t->level;
		in.rules = t->pinned;
		if (cal_due(kz, &in, &o) == -1)
			fail_msg("case %zu: no due date", i);
		date_iso(o.due, got);
		if (strcmp(got, t->due) != 0 ||
		    strcmp(o.rules, t->rules) != 0 ||
		    strcmp(o.clause, t->clause) != 0 ||
		    strcmp(cal_event_name(o.event), t->event) != 0)
			fail_msg(
			    "case %zu (%s): got %s %s \"%s\" from %s, want "
			    "%s %s \"%s\" from %s",
			    i, t->registered, got, o.rules, o.clause,
			    cal_event_name(o.event), t->due, t->rules,
			    t->clause, t->event);
	}
	/* The basis names the law, so that a talon can say why. */
	{
		const struct cal_choice *ch = cal_choose(
		    kz, D("2026-12-07"), 5, "district");

		assert_non_null(ch);
		assert_string_equal(ch->rules, "state-services-2013");
		assert_non_null(strstr(ch->basis, "art. 25"));
		assert_null(cal_choose(kz, D("2026-12-07"), 12, "district"));
		assert_null(cal_choose(kz, D("2026-12-07"), 5, "court"));
		assert_null(cal_choose(kz, D("2013-04-14"), 5, "district"));
	}
}

static void
appc_2020(void **state)
{
	struct cal_due_in in;
	struct cal_due_out o;
	struct date d;

	(void)state;
	/* Before close: counts from 1 March (a Friday). */
	assert_string_equal(
	    due("appc-2020", "2024-03-01", 17, 59, 0, NULL), "2024-03-28");
	/* After 18:00: from Monday 4 March. */
	assert_string_equal(
	    due("appc-2020", "2024-03-01", 18, 0, 0, NULL), "2024-03-29");
	/* On a Saturday: from Monday. */
	assert_string_equal(
	    due("appc-2020", "2024-03-02", 10, 0, 0, NULL), "2024-03-29");
	/* Before opening on a working day: that day. */
	assert_string_equal(
	    due("appc-2020", "2024-03-01", 7, 30, 0, NULL), "2024-03-28");
	/* No longer period for extra study: the ordinary one. */
	memset(&in, 0, sizeof(in));
	in.registered = (struct moment){ 2024, 3, 1, 18, 30, 0, 18000 };
	in.extra_study = 1;
	assert_int_equal(cal_due(kz, &in, &o), 0);
	assert_string_equal(o.rules, "appc-2020");
	assert_date(o.start, "2024-03-04");
	assert_int_equal(o.moved, 1);
	assert_int_equal(o.extra_study, 0);
	assert_date(o.due, "2024-03-29");
	/* Hours of service 10 close at 18:30. */
	in.hours = cal_hours_for(kz, "service-10");
	assert_non_null(in.hours);
	in.registered.hh = 18;
	in.registered.mm = 20;
	assert_int_equal(cal_due(kz, &in, &o), 0);
	assert_int_equal(o.moved, 0);
	assert_date(o.due, "2024-03-28");

	/* Extension: at most two months from the current due date. */
	assert_int_equal(
	    cal_extend(kz, "appc-2020", D("2024-03-29"), CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-05-29");
	/* 29 February in a leap year; the end of a shorter month. */
	assert_int_equal(
	    cal_extend(kz, "appc-2020", D("2023-12-29"), CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-02-29");
	assert_int_equal(
	    cal_extend(kz, "appc-2020", D("2024-12-31"), CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2025-02-28");
	/* Rolled forward: 8 March 2024 is a holiday. */
	assert_int_equal(
	    cal_extend(kz, "appc-2020", D("2024-01-08"), CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-03-11"); /* 8 March a Friday off */
	/* Applicant told within 3 working days. */
	assert_int_equal(cal_notify_due(kz, "appc-2020", D("2024-03-20"),
			     CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-03-28");
	/* Forwarding (art. 65) and appeals (art. 91): 3 working days. */
	assert_int_equal(cal_forward_due(kz, "appc-2020", D("2024-05-03"),
			     CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-05-10");
	assert_int_equal(cal_appeal_forward_due(kz, "appc-2020",
			     D("2024-05-03"), CAL_WEEK_MON_FRI, &d),
	    0);
	assert_date(d, "2024-05-10");
	assert_int_equal(
	    cal_extend(kz, "nope", D("2024-05-03"), CAL_WEEK_MON_FRI, &d), -1);
}

static void
hours_by_type(void **state)
{
	const struct cal_hours *h;

	(void)state;
	h = cal_hours_for(kz, "office");
	assert_non_null(h);
	assert_int_equal(h->open, 9 * 60);
	assert_int_equal(h->close, 18 * 60);
	assert_int_equal(h->lunch_from, 13 * 60);
	assert_int_equal(h->lunch_to, 14 * 60);
	h = cal_hours_for(kz, "special-school");
	assert_non_null(h);
	assert_int_equal(h->open, 8 * 60);
	h = cal_hours_for(kz, "service-10");
	assert_non_null(h);
	assert_int_equal(h->close, 18 * 60 + 30);
	assert_int_equal(h->lunch_to, 14 * 60 + 30);
	h = cal_hours_for(kz, "tvet");
	assert_non_null(h);
	assert_int_equal(h->week, CAL_WEEK_MON_SAT);
	assert_null(cal_hours_for(kz, "nope"));
	assert_null(cal_hours_for(kz, NULL));
}

/* Writes a file in the test's folder; returns its path (static). */
static const char *
write_tmp(const char *name, const char *text)
{
	static char path[2][128];
	static int which;
	FILE *f;
	char *p = path[which++ % 2];

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return p;
}

/* Loading the given calendar (and rules) fails with a message. */
static void
load_fails(const char *cal, const char *rules, const char *want)
{
	char err[512];
	struct cal *c;

	c = cal_load(cal, rules ? rules : RULES_XML, SCHEMAS, err, sizeof(err));
	if (c != NULL)
		fail_msg("loaded, expected \"%s\"", want);
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
}

static void
malformed_data(void **state)
{
	const char *p;

	(void)state;
	p = write_tmp("a.xml",
	    "<calendar name=\"x\"><fixed name=\"a\" "
	    "month=\"1\" day=\"1\"></calendar>\n");
	load_fails(p, NULL, "a.xml: line 2: Premature end of data");
	p = write_tmp("b.xml",
	    "<calendar name=\"x\">\n<fixed name=\"a\" "
	    "month=\"13\" day=\"1\"/></calendar>\n");
	load_fails(p, NULL, "b.xml: line 2");
	load_fails(p, NULL, "month");
	p = write_tmp("c.xml",
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE calendar "
	    "[<!ENTITY e \"x\">]>\n<calendar name=\"x\"/>\n");
	load_fails(p, NULL, "c.xml: a document type declaration (DTD)");
	p = write_tmp("d.xml",
	    "<calendar name=\"x\">\n\n<fixed name=\"a\" "
	    "month=\"2\" day=\"30\"/></calendar>\n");
	load_fails(p, NULL, "d.xml: line 3: month 2 has no day 30");
	p = write_tmp("e.xml",
	    "<calendar name=\"x\"><hours type=\"t\" "
	    "open=\"18:00\" close=\"09:00\"/></calendar>\n");
	load_fails(p, NULL, "hours t");
	p = write_tmp("f.xml",
	    "<rules><ruleset name=\"a\">"
	    "<counting/><consideration length=\"5\" unit=\"working-days\"/>"
	    "</ruleset><ruleset name=\"b\" from=\"2020-01-01\">"
	    "<counting/><consideration length=\"5\" unit=\"working-days\"/>"
	    "</ruleset></rules>\n");
	load_fails(CAL_XML, p, "rule sets a and b are both in force");
	p = write_tmp("g.xml",
	    "<rules><ruleset name=\"a\"><counting/>"
	    "<consideration to=\"x\" length=\"5\" unit=\"working-days\"/>"
	    "</ruleset></rules>\n");
	load_fails(CAL_XML, p, "no consideration period without");
	load_fails("/nonexistent/calendar.xml", NULL,
	    "/nonexistent/calendar.xml: cannot open");
	p = write_tmp("h.xml", "<rules/>\n");
	load_fails(CAL_XML, p, "h.xml: ");
	/* The choice: a rule set, a period, services and levels it knows. */
	{
		static const struct {
			const char *use, *want;
		} bad[] = {
			{ "rules=\"nope\"", "no rule set nope" },
			{ "rules=\"a\" to=\"nowhere\"",
			    "has no consideration period to nowhere" },
			{ "rules=\"a\" services=\"0-3\"", "services \"0-3\"" },
			{ "rules=\"a\" services=\"7-2\"", "services \"7-2\"" },
			{ "rules=\"a\" levels=\"court\"", "line 2" },
		};
		char doc[512];

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(doc, sizeof(doc),
			    "<rules><ruleset name=\"a\" "
			    "by-date=\"false\"><counting/><consideration "
			    "length=\"5\" "
			    "unit=\"working-days\"/><consideration "
			    "to=\"p\" length=\"5\" unit=\"working-days\"/>"
			    "</ruleset><ruleset name=\"b\"><counting/>"
			    "<consideration length=\"5\" "
			    "unit=\"working-days\"/>"
			    "</ruleset><choose>\n<use %s/></choose></rules>\n",
			    bad[i].use);
			p = write_tmp("i.xml", doc);
			load_fails(CAL_XML, p, bad[i].want);
		}
	}
	p = write_tmp("i.xml", "<calendar name=\"x\"/>\n");
	{
		char err[512];
		struct cal *c = cal_load(
		    p, RULES_XML, "/nonexistent", err, sizeof(err));

		assert_null(c);
		assert_non_null(strstr(err, "/nonexistent"));
	}
}

static void
local_additions(void **state)
{
	const char *p;
	char err[512];
	struct cal *c;

	(void)state;
	p = write_tmp("local.xml",
	    "<?xml version=\"1.0\"?>\n"
	    "<calendar name=\"local\">\n"
	    "  <transfers year=\"2026\" source=\"test\">\n"
	    "    <off date=\"2026-01-09\"/>\n"
	    "    <working date=\"2026-01-10\"/>\n"
	    "  </transfers>\n"
	    "  <hours type=\"office\" open=\"08:30\" close=\"17:30\"/>\n"
	    "</calendar>\n");
	c = cal_load_with_overrides(
	    CAL_XML, p, RULES_XML, SCHEMAS, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_false(cal_is_working_day(c, D("2026-01-09"), CAL_WEEK_MON_FRI));
	assert_true(cal_is_working_day(c, D("2026-01-10"), CAL_WEEK_MON_FRI));
	assert_true(cal_is_working_day(kz, D("2026-01-09"), CAL_WEEK_MON_FRI));
	assert_int_equal(cal_hours_for(c, "office")->open, 8 * 60 + 30);
	assert_int_equal(cal_hours_for(c, "special-school")->open, 8 * 60);
	/* The base data is still there. */
	assert_false(cal_is_working_day(c, D("2024-05-08"), CAL_WEEK_MON_FRI));
	cal_free(c);
}

/* Runs complaintctl deadline; its stdout goes into out. */
static int
run_deadline(char *out, size_t len, ...)
{
	char *argv[32];
	char path[128];
	va_list ap;
	int argc = 0, fd, nul, o1, o2, rc;
	ssize_t n;

	argv[argc++] = "deadline";
	va_start(ap, len);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;

	snprintf(path, sizeof(path), "%s/stdout", tmpdir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	fflush(stderr);
	o1 = dup(1);
	o2 = dup(2);
	dup2(fd, 1);
	nul = open("/dev/null", O_WRONLY);
	dup2(nul, 2);
	close(nul);
	rc = cmd_deadline(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(o1, 1);
	dup2(o2, 2);
	close(o1);
	close(o2);
	n = pread(fd, out, len - 1, 0);
	out[n < 0 ? 0 : n] = '\0';
	close(fd);
	return rc;
}

static void
ctl_deadline(void **state)
{
	char out[256];

	(void)state;
	/* The files are found under ./schemas/data. */
	setenv("COMPLAINTS_SHARE_DIR", "/nonexistent", 1);
	assert_int_equal(run_deadline(out, sizeof(out), "--rules", "appc-2020",
			     "--from", "2024-03-01", "--at", "18:30", NULL),
	    0);
	assert_memory_equal(out, "2024-03-29\n", 11);
	assert_int_equal(run_deadline(out, sizeof(out), "--rules=law-221",
			     "--from=2024-03-01", "--extended", NULL),
	    0);
	assert_memory_equal(out, "2024-04-17\n", 11);
	assert_int_equal(run_deadline(out, sizeof(out), "--rules", "law-221",
			     "--from", "2024-03-01", "--extra-study", NULL),
	    0);
	assert_memory_equal(out, "2024-04-01\n", 11);
	assert_int_equal(
	    run_deadline(out, sizeof(out), "--from", "2021-07-01", NULL), 0);
	assert_memory_equal(out, "2021-07-26\n", 11);
	assert_int_equal(
	    run_deadline(out, sizeof(out), "--rules", "state-services-2013",
		"--to", "quality-control", "--from", "2024-05-03", NULL),
	    0);
	assert_memory_equal(out, "2024-05-28\n", 11);
	assert_int_equal(
	    run_deadline(out, sizeof(out), "--rules", "appc-2020", "--from",
		"2024-03-01", "--at", "18:20", "--hours", "service-10",
		"--calendar", CAL_XML, "--rules-file", RULES_XML, NULL),
	    0);
	assert_memory_equal(out, "2024-03-28\n", 11);

	/* Which rule and clause, from what, and why. */
	assert_int_equal(
	    run_deadline(out, sizeof(out), "--from", "2026-12-07", "--at",
		"10:00", "--service", "5", "--level", "district", "--received",
		"2026-12-04T17:30", NULL),
	    0);
	assert_memory_equal(out, "2026-12-14\nrules: state-services-2013 ",
	    strlen("2026-12-14\nrules: state-services-2013 "));
	assert_non_null(strstr(out, "\nclause: art. 25 p. 2 (to provider)\n"));
	assert_non_null(strstr(out,
	    "\ncounted from: registration, "
	    "2026-12-07\n"));
	assert_non_null(strstr(out, "\nchosen: a state service"));
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2026-12-07",
			     "--received", "2026-12-04T17:30", NULL),
	    0);
	assert_memory_equal(out, "2026-12-28\nrules: appc-2020 ", 26);
	assert_non_null(strstr(out, "\nclause: art. 76\n"));
	assert_non_null(strstr(out, "\ncounted from: receipt, 2026-12-04\n"));
	assert_int_equal(
	    run_deadline(out, sizeof(out), "--from", "2026-12-07", "--service",
		"2", "--level", "quality-control", NULL),
	    0);
	assert_memory_equal(out, "2026-12-29\n", 11);
	assert_non_null(strstr(out, "\nclause: art. 25 p. 3 "));

	/* Usage errors: 2, nothing on stdout. */
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2026-12-07",
			     "--level", "court", NULL),
	    2);
	assert_string_equal(out, "");
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2026-12-07",
			     "--service", "0", NULL),
	    2);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2026-12-07",
			     "--received", "2026-12-04 17:30", NULL),
	    2);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2026-12-07",
			     "--received", "2026-12-04T25:30", NULL),
	    2);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", NULL), 2);
	assert_string_equal(out, "");
	assert_int_equal(
	    run_deadline(out, sizeof(out), "--rules", "x", NULL), 2);
	assert_int_equal(
	    run_deadline(out, sizeof(out), "--from", "2024-02-30", NULL), 2);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2024-02-01",
			     "--at", "25:00", NULL),
	    2);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2024-02-01",
			     "--bogus", NULL),
	    2);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2024-02-01",
			     "--extended=1", NULL),
	    2);
	/* Other errors: 1. */
	assert_int_equal(run_deadline(out, sizeof(out), "--rules", "nope",
			     "--from", "2024-02-01", NULL),
	    1);
	assert_int_equal(run_deadline(out, sizeof(out), "--rules", "appc-2020",
			     "--from", "2024-02-01", "--extra-study",
			     "--rules-file", "/nonexistent.xml", NULL),
	    1);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2024-02-01",
			     "--hours", "nope", NULL),
	    1);
	assert_int_equal(run_deadline(out, sizeof(out), "--from", "2024-02-01",
			     "--calendar", "/nonexistent.xml", NULL),
	    1);
	assert_string_equal(out, "");
	unsetenv("COMPLAINTS_SHARE_DIR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_weekends_and_law_221),
		cmocka_unit_test(fixed_holidays),
		cmocka_unit_test(weekend_carry_over),
		cmocka_unit_test(transfers_2024),
		cmocka_unit_test(deadline_crossing_nauryz),
		cmocka_unit_test(deadline_crossing_new_year),
		cmocka_unit_test(rule_set_by_date),
		cmocka_unit_test(law_221),
		cmocka_unit_test(state_services_2013),
		cmocka_unit_test(appc_2020),
		cmocka_unit_test(hours_by_type),
		cmocka_unit_test(malformed_data),
		cmocka_unit_test(local_additions),
		cmocka_unit_test(ctl_deadline),
		cmocka_unit_test(rule_choice_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
