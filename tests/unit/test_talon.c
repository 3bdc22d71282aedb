/* Unit tests: talon numbers (Damm check digit) and access codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "complaints/complaints.h"

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

/* Known values of the Damm algorithm. */
static void
damm_known_values(void **state)
{
	(void)state;
	assert_int_equal(complaints_talon_damm("572", 3), 4);
	assert_int_equal(complaints_talon_damm("5724", 4), 0);
	assert_int_equal(complaints_talon_damm("", 0), 0);
}

/* Every single-digit error in every position of many numbers is caught. */
static void
every_single_digit_error_is_caught(void **state)
{
	char t[TALON_LEN + 1], bad[TALON_LEN + 1], out[TALON_LEN + 1];

	(void)state;
	for (int k = 0; k < 200; k++) {
		complaints_talon_generate(2026, t);
		assert_int_equal(complaints_talon_parse(t, out), TALON_OK);
		for (int i = 0; i < TALON_LEN; i++) {
			if (t[i] == '-')
				continue;
			for (char c = '0'; c <= '9'; c++) {
				if (c == t[i])
					continue;
				memcpy(bad, t, sizeof(bad));
				bad[i] = c;
				assert_int_equal(
				    complaints_talon_parse(bad, out),
				    TALON_BAD_CHECK);
			}
		}
	}
}

/* Every swap of two adjacent different digits is caught. */
static void
every_adjacent_swap_is_caught(void **state)
{
	char t[TALON_LEN + 1], d[TALON_DIGITS + 1], out[TALON_LEN + 1];
	char tmp;
	int n;

	(void)state;
	for (int k = 0; k < 200; k++) {
		complaints_talon_generate(2026, t);
		n = 0;
		for (int i = 0; t[i]; i++)
			if (t[i] != '-')
				d[n++] = t[i];
		d[n] = '\0';
		for (int i = 0; i + 1 < n; i++) {
			if (d[i] == d[i + 1])
				continue;
			tmp = d[i];
			d[i] = d[i + 1];
			d[i + 1] = tmp;
			assert_int_equal(
			    complaints_talon_parse(d, out), TALON_BAD_CHECK);
			d[i + 1] = d[i];
			d[i] = tmp;
		}
		assert_int_equal(complaints_talon_parse(d, out), TALON_OK);
		assert_string_equal(out, t);
	}
}

static void
talon_form(void **state)
{
	char t[TALON_LEN + 1], out[TALON_LEN + 1];

	(void)state;
	complaints_talon_generate(2027, t);
	assert_int_equal(strlen(t), 16);
	assert_memory_equal(t, "2027-", 5);
	assert_int_equal(t[14], '-');
	for (int i = 0; t[i]; i++)
		assert_true((t[i] >= '0' && t[i] <= '9') || t[i] == '-');
	/* Typed without hyphens, or with spaces. */
	char plain[TALON_DIGITS + 1], spaced[40];
	int n = 0;

	for (int i = 0; t[i]; i++)
		if (t[i] != '-')
			plain[n++] = t[i];
	plain[n] = '\0';
	assert_int_equal(complaints_talon_parse(plain, out), TALON_OK);
	assert_string_equal(out, t);
	snprintf(spaced, sizeof(spaced), "%.4s %.9s %c", plain, plain + 4,
	    plain[13]);
	assert_int_equal(complaints_talon_parse(spaced, out), TALON_OK);
	assert_string_equal(out, t);
}

static void
talon_malformed(void **state)
{
	char out[TALON_LEN + 1];

	(void)state;
	assert_int_equal(complaints_talon_parse("", out), TALON_MALFORMED);
	assert_int_equal(
	    complaints_talon_parse("2026-12345678-0", out), TALON_MALFORMED);
	assert_int_equal(
	    complaints_talon_parse("2026-1234567890-0", out), TALON_MALFORMED);
	assert_int_equal(
	    complaints_talon_parse("2026-12345678x-0", out), TALON_MALFORMED);
	assert_int_equal(
	    complaints_talon_parse("../../etc/passwd", out), TALON_MALFORMED);
	assert_int_equal(complaints_talon_parse(
			     "1111111111111111111111111111111111111", out),
	    TALON_MALFORMED);
}

static void
access_codes(void **state)
{
	char a[ACCESS_CODE_LEN + 1], b[ACCESS_CODE_LEN + 1];
	char n[ACCESS_CODE_LEN + 1], typed[20];
	uint8_t key[32] = { 1 }, h1[32], h2[32];
	int same = 0;

	(void)state;
	for (int k = 0; k < 1000; k++) {
		complaints_access_code_generate(a);
		complaints_access_code_generate(b);
		assert_int_equal(strlen(a), 8);
		assert_null(strpbrk(a, "ILOU"));
		if (strcmp(a, b) == 0)
			same++;
		assert_int_equal(complaints_access_code_normalise(a, n), 0);
		assert_string_equal(n, a);
	}
	assert_true(same < 2);
	/* Lower case, hyphen, and the letters people confuse. */
	assert_int_equal(complaints_access_code_normalise("ab1o-il2z", n), 0);
	assert_string_equal(n, "AB10112Z");
	snprintf(typed, sizeof(typed), "%s", "AB10112");
	assert_int_equal(complaints_access_code_normalise(typed, n), -1);
	assert_int_equal(complaints_access_code_normalise("AB10112ZZ", n), -1);
	assert_int_equal(complaints_access_code_normalise("AB1011U2", n), -1);
	complaints_access_code_hash(key, "AB10112Z", h1);
	complaints_access_code_hash(key, "AB10112Z", h2);
	assert_memory_equal(h1, h2, 32);
	key[0] = 2;
	complaints_access_code_hash(key, "AB10112Z", h2);
	assert_memory_not_equal(h1, h2, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(damm_known_values),
		cmocka_unit_test(every_single_digit_error_is_caught),
		cmocka_unit_test(every_adjacent_swap_is_caught),
		cmocka_unit_test(talon_form),
		cmocka_unit_test(talon_malformed),
		cmocka_unit_test(access_codes),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
