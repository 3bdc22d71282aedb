/* Small helpers the notify files share: messages, UTF-8, dates. */
#include <stdio.h>
#include <string.h>

#include "notify/notify_int.h"

/*
 * Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF), no
 * NUL and no C0 controls but tab, line feed and carriage return.
 */
int
notify_utf8_text(const char *s, size_t n)
{
	if (!utf8_valid(s, n, NULL))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f)
			return 0;
	}
	return 1;
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
