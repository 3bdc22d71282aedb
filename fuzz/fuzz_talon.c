/*
 * fuzz_talon: complaints_talon_parse and complaints_access_code_normalise
 * on what a person might type.
 *
 * Invariants: a parsed number is canonical (YYYY-NNNNNNNNN-C), parses
 * again to itself, and its check digit verifies; changing any one of its
 * digits, or swapping two different neighbours, is caught as a bad check
 * digit (what the Damm algorithm promises).  A normalised access code is
 * 8 characters of Crockford's base32 and normalises to itself.
 */
#include <string.h>

#include "complaints/complaints.h"
#include "fuzz/fuzz_common.h"

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void
check_number(const char *in)
{
	char out[TALON_LEN + 1], again[TALON_LEN + 1], d[TALON_DIGITS];
	char typo[TALON_LEN + 1];
	enum complaints_talon_check rc;
	size_t n = 0;

	memset(out, 0x55, sizeof(out));
	rc = complaints_talon_parse(in, out);
	FUZZ_CHECK(
	    rc == TALON_OK || rc == TALON_MALFORMED || rc == TALON_BAD_CHECK);
	if (rc != TALON_OK)
		return;
	FUZZ_CHECK(strlen(out) == TALON_LEN);
	FUZZ_CHECK(out[4] == '-' && out[14] == '-');
	for (size_t i = 0; i < TALON_LEN; i++) {
		if (i == 4 || i == 14)
			continue;
		FUZZ_CHECK(out[i] >= '0' && out[i] <= '9');
		d[n++] = out[i];
	}
	FUZZ_CHECK(n == TALON_DIGITS);
	FUZZ_CHECK(complaints_talon_damm(d, TALON_DIGITS - 1) ==
	    d[TALON_DIGITS - 1] - '0');
	FUZZ_CHECK(complaints_talon_damm(d, TALON_DIGITS) == 0);
	FUZZ_CHECK(complaints_talon_parse(out, again) == TALON_OK);
	FUZZ_CHECK(strcmp(out, again) == 0);
	/* Every single-digit typo is caught. */
	for (size_t i = 0; i < TALON_LEN; i++) {
		if (i == 4 || i == 14)
			continue;
		for (char c = '0'; c <= '9'; c++) {
			if (c == out[i])
				continue;
			memcpy(typo, out, sizeof(typo));
			typo[i] = c;
			FUZZ_CHECK(complaints_talon_parse(typo, again) ==
			    TALON_BAD_CHECK);
		}
	}
	/* Every swap of two different neighbouring digits is caught. */
	for (size_t i = 0; i + 1 < TALON_DIGITS; i++) {
		char sw[TALON_DIGITS];

		if (d[i] == d[i + 1])
			continue;
		memcpy(sw, d, sizeof(sw));
		sw[i] = d[i + 1];
		sw[i + 1] = d[i];
		FUZZ_CHECK(complaints_talon_damm(sw, TALON_DIGITS) != 0);
	}
}

static void
check_code(const char *in)
{
	char out[ACCESS_CODE_LEN + 1], again[ACCESS_CODE_LEN + 1];

	memset(out, 0x55, sizeof(out));
	if (complaints_access_code_normalise(in, out) == -1)
		return;
	FUZZ_CHECK(strlen(out) == ACCESS_CODE_LEN);
	for (size_t i = 0; i < ACCESS_CODE_LEN; i++)
		FUZZ_CHECK(out[i] != '\0' && strchr(crockford, out[i]) != NULL);
	FUZZ_CHECK(complaints_access_code_normalise(out, again) == 0);
	FUZZ_CHECK(strcmp(out, again) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);

	check_number(s);
	check_code(s);
	free(s);
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
