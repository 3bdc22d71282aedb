/* Small helpers the notify files share: messages, UTF-8, dates. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "notify/notify_int.h"

void
notify_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF), no
 * NUL and no C0 controls but tab, line feed and carriage return.
 */
int
notify_utf8_text(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;

	while (p < e) {
		unsigned c = *p;
		size_t k;
		unsigned cp, min;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return 0;
			if (c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, cp = c & 0x1f, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, cp = c & 0x0f, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		if ((size_t)(e - p) <= k)
			return 0;
		for (size_t i = 1; i <= k; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 &&
		    cp <= 0xdfff))
			return 0;
		p += k + 1;
	}
	return 1;
}

size_t
notify_utf8_chars(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

int
notify_dmy(const char *s, char out[11])
{
	struct date d;

	if (s == NULL || strlen(s) != 10 || date_parse(s, &d) == -1)
		return -1;
	snprintf(out, 11, "%02d.%02d.%04d", d.d, d.m, d.y);
	return 0;
}

const char *
notify_result_str(enum notify_result r)
{
	switch (r) {
	case NOTIFY_SENT:
		return "sent";
	case NOTIFY_TEMPFAIL:
		return "temporary failure";
	case NOTIFY_PERMFAIL:
		return "permanent failure";
	}
	return "unknown";
}
