/*
 * Talon numbers and access codes.
 *
 * A talon number is YYYY-NNNNNNNNN-C: the year of registration, nine
 * random digits and a Damm check digit over the thirteen before it.  The
 * Damm algorithm detects every single-digit error and every transposition
 * of adjacent digits, so a mistyped number is told apart from an unknown
 * one.  Random rather than sequential digits keep the numbers from
 * telling how many complaints a body received or from being guessed.
 */
#include <string.h>

#include <sodium.h>

#include "complaints/complaints.h"

/* The totally anti-symmetric quasigroup of order 10 (Damm, 2004). */
static const unsigned char damm_table[10][10] = {
	{ 0, 3, 1, 7, 5, 9, 8, 6, 4, 2 },
	{ 7, 0, 9, 2, 1, 5, 4, 8, 6, 3 },
	{ 4, 2, 0, 6, 8, 7, 1, 3, 5, 9 },
	{ 1, 7, 5, 0, 9, 8, 3, 4, 2, 6 },
	{ 6, 1, 2, 3, 0, 4, 5, 9, 7, 8 },
	{ 3, 6, 7, 4, 2, 0, 9, 5, 8, 1 },
	{ 5, 8, 6, 9, 7, 2, 0, 1, 3, 4 },
	{ 8, 9, 4, 5, 3, 6, 2, 0, 1, 7 },
	{ 9, 4, 3, 8, 6, 1, 7, 2, 0, 5 },
	{ 2, 5, 8, 1, 4, 3, 6, 7, 9, 0 },
};

int
complaints_talon_damm(const char *digits, size_t n)
{
	int interim = 0;

	for (size_t i = 0; i < n; i++)
		interim = damm_table[interim][digits[i] - '0'];
	return interim;
}

static void
talon_format(const char d[TALON_DIGITS], char out[TALON_LEN + 1])
{
	memcpy(out, d, 4);
	out[4] = '-';
	memcpy(out + 5, d + 4, 9);
	out[14] = '-';
	out[15] = d[13];
	out[16] = '\0';
}

enum complaints_talon_check
complaints_talon_parse(const char *in, char out[TALON_LEN + 1])
{
	char d[TALON_DIGITS];
	size_t n = 0, len = strlen(in);

	if (len > 32)
		return TALON_MALFORMED;
	for (size_t i = 0; i < len; i++) {
		if (in[i] >= '0' && in[i] <= '9') {
			if (n == TALON_DIGITS)
				return TALON_MALFORMED;
			d[n++] = in[i];
		} else if (in[i] != '-' && in[i] != ' ')
			return TALON_MALFORMED;
	}
	if (n != TALON_DIGITS)
		return TALON_MALFORMED;
	if (complaints_talon_damm(d, TALON_DIGITS - 1) !=
	    d[TALON_DIGITS - 1] - '0')
		return TALON_BAD_CHECK;
	talon_format(d, out);
	return TALON_OK;
}

void
complaints_talon_generate(int year, char out[TALON_LEN + 1])
{
	uint8_t r[32];
	char d[TALON_DIGITS];
	int i, k = 0;

	for (i = 3; i >= 0; i--, year /= 10)
		d[i] = (char)('0' + year % 10);
	/*
	 * One draw for all nine digits: bytes under 250 taken modulo 10 are
	 * uniform; 32 bytes run short of nine such bytes with a chance far
	 * below 1e-40, and then the rest are drawn one at a time.
	 */
	randombytes_buf(r, sizeof(r));
	for (i = 4; i < 13; i++) {
		while (k < (int)sizeof(r) && r[k] >= 250)
			k++;
		d[i] = (char)('0' +
		    (k < (int)sizeof(r) ? r[k++] % 10 :
					  randombytes_uniform(10)));
	}
	d[13] = (char)('0' + complaints_talon_damm(d, 13));
	talon_format(d, out);
}

/* Crockford's base32: no I, L, O or U. */
static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void
complaints_access_code_generate(char out[ACCESS_CODE_LEN + 1])
{
	uint8_t r[5];
	uint64_t v = 0;

	randombytes_buf(r, sizeof(r));
	for (int i = 0; i < 5; i++)
		v = (v << 8) | r[i];
	for (int i = ACCESS_CODE_LEN - 1; i >= 0; i--, v >>= 5)
		out[i] = crockford[v & 31];
	out[ACCESS_CODE_LEN] = '\0';
	sodium_memzero(r, sizeof(r));
}

int
complaints_access_code_normalise(const char *in, char out[ACCESS_CODE_LEN + 1])
{
	size_t n = 0;
	char c;

	for (; *in; in++) {
		c = *in;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c == 'O')
			c = '0';
		else if (c == 'I' || c == 'L')
			c = '1';
		if (strchr(crockford, c) == NULL || c == '\0' ||
		    n == ACCESS_CODE_LEN)
			return -1;
		out[n++] = c;
	}
	if (n != ACCESS_CODE_LEN)
		return -1;
	out[n] = '\0';
	return 0;
}

void
complaints_access_code_hash(
    const uint8_t key[32], const char *code, uint8_t out[32])
{
	crypto_generichash(
	    out, 32, (const unsigned char *)code, strlen(code), key, 32);
}
