/*
 * test_mailgate: reading messages with GMime (mailgate/parse.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "mailgate/mailgate.h"

static int
parse(const char *msg, const char *sender, struct mailgate_msg *m)
{
	char err[256];

	return mailgate_parse(msg, strlen(msg), sender, m, err, sizeof(err));
}

/*
 * "Шағым: мектеп қабылдамады" as Python's email package folds it: two
 * base64 words, the first ending in padding.  GMime alone cuts it after
 * the first word.
 */
static void
split_words_decoded_whole(void **state)
{
	struct mailgate_msg m;

	(void)state;
	assert_int_equal(
	    parse("From: =?utf-8?b?05jQu9C40Y8=?= "
		  "<a@example.kz>\r\n"
		  "Subject: "
		  "=?utf-8?b?0KjQsNKT0YvQvDog0LzQtdC60YLQtdC/INKb0LDQsdGL"
		  "0LvQtNCw0Lw=?=\r\n =?utf-8?b?0LDQtNGL?=\r\n"
		  "Message-ID: <w@example.kz>\r\n\r\ntext\r\n",
		"a@example.kz", &m),
	    0);
	assert_string_equal(m.subject, "Шағым: мектеп қабылдамады");
	assert_string_equal(m.from_name, "Әлия");
	assert_string_equal(m.message_id, "w@example.kz");
	assert_null(m.no_reply);
	mailgate_msg_free(&m);
}

static void
automatic_mail_gets_no_reply(void **state)
{
	static const struct {
		const char *headers, *sender, *why;
	} t[] = {
		{ "Auto-Submitted: auto-replied\r\n", "a@x.kz",
		    "auto-submitted" },
		{ "Auto-Submitted: no\r\n", "a@x.kz", NULL },
		{ "Precedence: junk\r\n", "a@x.kz", "list" },
		{ "List-Id: <l.x.kz>\r\n", "a@x.kz", "list" },
		{ "", "", "bounce" },
		{ "Content-Type: multipart/report; report-type=delivery-status;"
		  " boundary=b\r\n",
		    "a@x.kz", "bounce" },
	};
	struct mailgate_msg m;
	char msg[1024];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(msg, sizeof(msg),
		    "From: a@x.kz\r\nSubject: s\r\n%s"
		    "\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n",
		    t[i].headers);
		assert_int_equal(parse(msg, t[i].sender, &m), 0);
		if (t[i].why == NULL)
			assert_null(m.no_reply);
		else
			assert_string_equal(m.no_reply, t[i].why);
		mailgate_msg_free(&m);
	}
}

static void
html_only_and_sniffed_attachments(void **state)
{
	struct mailgate_msg m;

	(void)state;
	assert_int_equal(
	    parse("From: a@x.kz\r\nMIME-Version: 1.0\r\n"
		  "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
		  "--b\r\nContent-Type: text/html; charset=windows-1251\r\n\r\n"
		  "<p>\xcf\xf0\xe8\xe2\xe5\xf2<script>x()</script></p><p>2</"
		  "p>\r\n"
		  "--b\r\nContent-Type: application/pdf\r\n"
		  "Content-Disposition: attachment; filename=scan.pdf\r\n"
		  "Content-Transfer-Encoding: base64\r\n\r\n"
		  "iVBORw0KGgoAAAAN\r\n"
		  "--b\r\nContent-Type: application/octet-stream\r\n"
		  "Content-Disposition: attachment; filename=run.exe\r\n\r\n"
		  "MZ\r\n--b--\r\n",
		"a@x.kz", &m),
	    0);
	assert_string_equal(m.text.data, "Привет\n2\n");
	assert_int_equal(m.natt, 1);
	assert_string_equal(m.att[0].name, "scan.pdf");
	/* What the bytes are, not what the part says. */
	assert_string_equal(m.att[0].media_type, "image/png");
	assert_int_equal(m.left_out, 1);
	mailgate_msg_free(&m);
}

static void
unreadable(void **state)
{
	struct mailgate_msg m;

	(void)state;
	assert_int_equal(parse("no header at all\r\n", "a@x.kz", &m), -1);
	mailgate_msg_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_words_decoded_whole),
		cmocka_unit_test(automatic_mail_gets_no_reply),
		cmocka_unit_test(html_only_and_sniffed_attachments),
		cmocka_unit_test(unreadable),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
