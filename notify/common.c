/* Small helpers the notify files share: messages, UTF-8, dates. */
#include <stdio.h>
#include <string.h>

#include "notify/notify_int.h"

/* Text a notice may print: the rule of utf8_text, as at the door. */
int
notify_utf8_text(const char *s, size_t n)
{
	return utf8_text(s, n, NULL);
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
