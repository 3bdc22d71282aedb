/* Small helpers the notify files share: messages, UTF-8, dates, names, a register's row. */
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

int
notify_full_name(const struct notify_letter *l, struct buf *out)
{
	const char *part[3] = { l->surname, l->name, l->patronymic };
	int n = 0;

	for (int i = 0; i < 3; i++) {
		if (part[i] == NULL || *part[i] == '\0')
			continue;
		if ((n++ && buf_puts(out, " ") == -1) ||
		    buf_puts(out, part[i]) == -1)
			return -1;
	}
	return n ? 0 : -1;
}

int
notify_register_row_ok(const struct notify_register_row *r)
{
	const char *s[] = { r->out_number, r->addressee, r->address, r->talon };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] != NULL &&
		    (strlen(s[i]) > NOTIFY_VALUE_MAX ||
			!notify_utf8_text(s[i], strlen(s[i]))))
			return 0;
	return 1;
}
