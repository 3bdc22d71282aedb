/* Unit tests: util (buffers, numbers, dates, time zones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/limit.h"
#include "util/util.h"

static void
buf_respects_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "0123456789"), 0);
	assert_int_equal(buf_puts(&b, "x"), -1);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "0123456789");
	buf_reset(&b);
	assert_int_equal(buf_printf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal(b.data, "42-ab");
	assert_int_equal(buf_printf(&b, "%s", "too long!"), -1);
	assert_string_equal(b.data, "42-ab");
	buf_free(&b);
}

/* A cell a spreadsheet would run as a formula is written as text. */
static void
csv_field_defuses_formulas(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "=SUM(A1)", "\"'=SUM(A1)\"," },
		{ "+7 701", "\"'+7 701\"," },
		{ "-1", "\"'-1\"," },
		{ "@cmd", "\"'@cmd\"," },
		{ "\tx", "\"'\tx\"," },
		{ "a=b", "\"a=b\"," },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"," },
		{ "", "\"\"," },
	};
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_init(&b, 64);
		assert_int_equal(buf_csv_field(&b, cases[i].in, 0), 0);
		assert_int_equal(buf_add(&b, "", 1), 0);
		assert_string_equal(b.data, cases[i].out);
		buf_free(&b);
	}
	buf_init(&b, 64);
	assert_int_equal(buf_csv_field(&b, "x", 1), 0);
	assert_int_equal(buf_add(&b, "", 1), 0);
	assert_string_equal(b.data, "\"x\"\r\n");
	buf_free(&b);
	buf_init(&b, 4);
	assert_int_equal(buf_csv_field(&b, "=abcdef", 0), -1);
	buf_free(&b);
}

static void
parse_ll_is_strict(void **state)
{
	long long v;

	(void)state;
	assert_int_equal(parse_ll("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(parse_ll("101", 0, 100, &v), -1);
	assert_int_equal(parse_ll("4x", 0, 100, &v), -1);
	assert_int_equal(parse_ll("", 0, 100, &v), -1);
	assert_int_equal(parse_ll(" 4", 0, 100, &v), -1);
	assert_int_equal(parse_ll("99999999999999999999", 0, 100, &v), -1);
}

static void
dates_round_trip(void **state)
{
	struct date d = { 2024, 2, 29 }, e;
	char s[11];

	(void)state;
	for (long z = -1000; z < 30000; z += 7) {
		e = date_from_days(z);
		assert_int_equal(date_to_days(e), z);
	}
	assert_int_equal(date_weekday((struct date){ 2026, 11, 26 }), 3);
	e = date_add(d, 1);
	date_iso(e, s);
	assert_string_equal(s, "2024-03-01");
	assert_int_equal(date_parse("2023-02-29", &e), -1);
	assert_int_equal(date_parse("2024-13-01", &e), -1);
	assert_int_equal(date_parse("2024-02-29", &e), 0);
	assert_int_equal(date_cmp(d, e), 0);
	assert_int_equal(date_cmp(d, date_add(e, 1)), -1);
}

static void
iso_parse_needs_a_zone(void **state)
{
	time_t t;

	(void)state;
	assert_int_equal(iso_parse("2026-11-26T10:15:00+05:00", &t), 0);
	assert_int_equal((long long)t, 1795670100LL);
	assert_int_equal(iso_parse("2026-11-26T05:15:00Z", &t), 0);
	assert_int_equal((long long)t, 1795670100LL);
	assert_int_equal(iso_parse("2026-11-26T10:15:00", &t), -1);
	assert_int_equal(iso_parse("2026-11-26T25:15:00Z", &t), -1);
	assert_int_equal(iso_parse("yesterday", &t), -1);
}

/* Kazakhstan moved to one zone, UTC+5, on 1 March 2024. */
static void
almaty_moved_to_utc5(void **state)
{
	struct moment m;
	char s[32];

	(void)state;
	assert_int_equal(tz_init("Asia/Almaty"), 0);
	assert_int_equal(tz_local(NULL, 1704067200, &m), 0); /* 2024-01-01 */
	assert_int_equal(m.utcoff, 6 * 3600);
	assert_int_equal(tz_local(NULL, 1710000000, &m), 0); /* 2024-03-09 */
	assert_int_equal(m.utcoff, 5 * 3600);
	moment_iso(&m, s);
	assert_string_equal(s, "2024-03-09T21:00:00+05:00");
	assert_int_equal(tz_local("UTC", 1710000000, &m), 0);
	assert_int_equal(m.hh, 16);
	assert_int_equal(tz_local("Nowhere/Atlantis", 0, &m), -1);
	assert_int_equal(tz_local("../../etc/passwd", 0, &m), -1);
}

static void
clock_offset_moves_the_clock(void **state)
{
	time_t a;

	(void)state;
	a = clock_now();
	clock_set_offset(86400);
	assert_true(clock_now() - a >= 86400);
	clock_set_offset(0);
	assert_true(clock_now() - a < 10);
}

static void
utf8_decoder_is_strict(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_dec("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(utf8_dec("\xd2\x9b", 2, &cp), 2); /* қ */
	assert_int_equal(cp, 0x49b);
	assert_int_equal(utf8_dec("\xe2\x82\xb8", 3, &cp), 3); /* ₸ */
	assert_int_equal(cp, 0x20b8);
	assert_int_equal(utf8_dec("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	/* Cut short, overlong, a surrogate, past U+10FFFF, a lone tail. */
	assert_int_equal(utf8_dec("\xd2\x9b", 1, &cp), 0);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(utf8_dec("\xc0\x80", 2, NULL), 0);
	assert_int_equal(utf8_dec("\xe0\x80\xaf", 3, NULL), 0);
	assert_int_equal(utf8_dec("\xed\xa0\x80", 3, NULL), 0);
	assert_int_equal(utf8_dec("\xf4\x90\x80\x80", 4, NULL), 0);
	assert_int_equal(utf8_dec("\x80", 1, NULL), 0);
	assert_int_equal(utf8_dec("", 0, NULL), 0);
}

static void
utf8_valid_and_chars(void **state)
{
	const char *s = "Шағым \xff ok";
	size_t bad = 99;

	(void)state;
	assert_true(utf8_valid("Шағым", strlen("Шағым"), &bad));
	assert_false(utf8_valid(s, strlen(s), &bad));
	assert_int_equal(bad, 11); /* five letters of two bytes, a space */
	assert_int_equal(utf8_chars("Шағым", strlen("Шағым")), 5);
	assert_int_equal(utf8_chars("abc", 3), 3);
}

static void
errf_cuts_whole_characters(void **state)
{
	char m[7];

	(void)state;
	/* "x: " then Ш (2 bytes) twice: 6 bytes fit, the second Ш is cut. */
	errf(m, sizeof(m), "%s: %s", "x", "ШШ");
	assert_string_equal(m, "x: Ш");
	errf(m, sizeof(m), "%d", 42);
	assert_string_equal(m, "42");
	errf(NULL, 0, "%d", 1); /* nowhere to write: nothing */
}

static void
trim_both_ends(void **state)
{
	char a[] = " \t key = value \t\r\n", b[] = "", c[] = "  \t";

	(void)state;
	assert_string_equal(str_trim(a), "key = value");
	assert_string_equal(str_trim(b), "");
	assert_string_equal(str_trim(c), "");
}

static void
days_in_month_knows_leap_years(void **state)
{
	(void)state;
	assert_int_equal(date_days_in_month(2026, 1), 31);
	assert_int_equal(date_days_in_month(2026, 2), 28);
	assert_int_equal(date_days_in_month(2028, 2), 29);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2000, 2), 29);
	assert_int_equal(date_days_in_month(2026, 4), 30);
	assert_int_equal(date_days_in_month(2026, 12), 31);
}

/* The one rule for text: every code point below U+00A0 checked. */
static void
utf8_text_refuses_controls(void **state)
{
	char s[8];
	size_t n, bad;

	(void)state;
	for (unsigned cp = 1; cp < 0xa0; cp++) {
		int want = cp == '\t' || cp == '\n' || cp == '\r' ||
		    (cp >= 0x20 && cp < 0x7f);

		s[0] = 'a';
		if (cp < 0x80) {
			s[1] = (char)cp;
			n = 2;
		} else {
			s[1] = (char)(0xc0 | cp >> 6);
			s[2] = (char)(0x80 | (cp & 0x3f));
			n = 3;
		}
		bad = 99;
		assert_int_equal(utf8_text(s, n, &bad), want);
		if (!want)
			assert_int_equal(bad, 1);
	}
	assert_true(utf8_text("Әбілқасымова\xc2\xa0Ә", 26, NULL));
	assert_false(utf8_text("a\xef\xbf\xbe", 4, &bad)); /* U+FFFE */
	assert_int_equal(bad, 1);
	assert_false(utf8_text("a\xc0\xaf", 3, &bad)); /* overlong */
	assert_int_equal(bad, 1);
	assert_true(utf8_text("\xf0\x9f\x98\x80", 4, NULL));
}

/* Check and count in one step; a success takes its count back. */
static void
limit_attempt_counts_before_the_check(void **state)
{
	struct limit *l = limit_new(64, 1, 1);
	const struct limit_rule pair[] = {
		{ "pair:a", 0, 900 },
		{ "login", 3, 900 },
	};
	const struct limit_rule other[] = {
		{ "pair:b", 0, 900 },
		{ "login", 3, 900 },
	};
	time_t t = 1000000;

	(void)state;
	assert_non_null(l);
	/* The first is let through and counted; the next waits at once. */
	assert_int_equal(limit_attempt(l, pair, 2, t), 0);
	assert_true(limit_attempt(l, pair, 2, t) > 0);
	/* Another pair shares only the login, whose free is 3. */
	assert_int_equal(limit_attempt(l, other, 2, t), 0);
	assert_int_equal(limit_attempt(l, other, 2, t + 2), 0);
	/* The fourth failure of the login makes every pair wait. */
	assert_int_equal(limit_attempt(l, pair, 2, t + 5), 0);
	assert_true(limit_attempt(l, other, 2, t + 6) > 0);
	/* A success forgives one: the login is within its free again. */
	limit_clear(l, pair[0].key);
	limit_forgive(l, &pair[1]);
	assert_int_equal(limit_attempt(l, pair, 2, t + 6), 0);
	limit_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_text_refuses_controls),
		cmocka_unit_test(limit_attempt_counts_before_the_check),
		cmocka_unit_test(buf_respects_cap),
		cmocka_unit_test(csv_field_defuses_formulas),
		cmocka_unit_test(parse_ll_is_strict),
		cmocka_unit_test(dates_round_trip),
		cmocka_unit_test(iso_parse_needs_a_zone),
		cmocka_unit_test(almaty_moved_to_utc5),
		cmocka_unit_test(clock_offset_moves_the_clock),
		cmocka_unit_test(utf8_decoder_is_strict),
		cmocka_unit_test(utf8_valid_and_chars),
		cmocka_unit_test(errf_cuts_whole_characters),
		cmocka_unit_test(trim_both_ends),
		cmocka_unit_test(days_in_month_knows_leap_years),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
