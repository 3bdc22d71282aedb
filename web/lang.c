/*
 * web: the page's language, from the lang parameter or Accept-Language
 * (RFC 9110, 12.5.4).
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "web/web.h"

#define ITEMS_MAX 32 /* Accept-Language items looked at */

static const char *const codes[WEB_NLANG] = { "kk", "ru", "en" };

const char *
web_lang_code(enum web_lang l)
{
	return (unsigned)l < WEB_NLANG ? codes[l] : codes[WEB_KK];
}

/* The language of a primary subtag of n bytes; -1 when not served. */
static int
lang_of(const char *s, size_t n)
{
	for (int i = 0; i < WEB_NLANG; i++)
		if (n == 2 && strncasecmp(s, codes[i], 2) == 0)
			return i;
	/* "kz" is the country, but people send it for Kazakh. */
	if (n == 2 && strncasecmp(s, "kz", 2) == 0)
		return WEB_KK;
	return -1;
}

/* A q-value, in thousandths: "1", "1.000", "0", "0.8", "0.125"; -1 else. */
static int
qvalue(const char *s, size_t n)
{
	int q, scale = 100;
	size_t i;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	for (i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9' || (s[0] == '1' && s[i] != '0'))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Reads "tag;q=0.8" between s and e: the language it names (-1: none we
 * serve, -2: "*") and its q in thousandths (-1: malformed).
 */
static void
item(const char *s, const char *e, int *lang, int *q)
{
	const char *t, *p;
	size_t n;

	*lang = -1;
	*q = 1000;
	while (s < e && is_space(*s))
		s++;
	t = s;
	while (s < e && *s != ';' && !is_space(*s))
		s++;
	n = (size_t)(s - t);
	if (n == 1 && *t == '*')
		*lang = -2;
	else {
		p = memchr(t, '-', n);
		*lang = lang_of(t, p ? (size_t)(p - t) : n);
	}
	while (s < e) {
		while (s < e && (is_space(*s) || *s == ';'))
			s++;
		if (e - s >= 2 && (s[0] == 'q' || s[0] == 'Q') && s[1] == '=') {
			s += 2;
			p = s;
			while (s < e && *s != ';' && !is_space(*s))
				s++;
			*q = qvalue(p, (size_t)(s - p));
			return;
		}
		while (s < e && *s != ';')
			s++;
	}
}

enum web_lang
web_lang_pick(const char *param, const char *accept)
{
	const char *s, *e;
	int best = -1, bestq = 0, starq = 0, lang, q, items = 0;
	int listed[WEB_NLANG] = { 0 };

	if (param != NULL)
		for (int i = 0; i < WEB_NLANG; i++)
			if (strcasecmp(param, codes[i]) == 0)
				return (enum web_lang)i;
	if (accept == NULL)
		return WEB_KK;
	for (s = accept; *s && items < ITEMS_MAX; s = *e ? e + 1 : e) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		items++;
		item(s, e, &lang, &q);
		if (lang == -1 || q < 0)
			continue;
		if (lang == -2) {
			if (q > starq)
				starq = q;
			continue;
		}
		listed[lang] = 1;
		if (q > bestq) {
			best = lang;
			bestq = q;
		}
	}
	/* "*" stands for the languages not named, ours first. */
	if (starq > bestq)
		for (int i = 0; i < WEB_NLANG; i++)
			if (!listed[i])
				return (enum web_lang)i;
	return best == -1 ? WEB_KK : (enum web_lang)best;
}
