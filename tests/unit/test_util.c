/* Unit tests: util (buffers, numbers, dates, time zones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_respects_cap),
		cmocka_unit_test(parse_ll_is_strict),
		cmocka_unit_test(dates_round_trip),
		cmocka_unit_test(iso_parse_needs_a_zone),
		cmocka_unit_test(almaty_moved_to_utc5),
		cmocka_unit_test(clock_offset_moves_the_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
