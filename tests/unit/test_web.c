/*
 * Unit tests: web (the citizens' status page).  Language negotiation,
 * the texts of every language, escaping, the error pages and the status
 * page; run from the repository root (the files are read from web/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "web/web.h"

#define WEB_DIR	"web"

static const char *const langs[] = { "kk", "ru", "en" };
static const char *const states[] = {
	"registered", "in-review", "extended", "decided", "answered",
	"closed", "forwarded", "left-without-consideration"
};
static const char *const outcomes[] = {
	"upheld", "partly-upheld", "rejected", "explained"
};
static const char *const channels[] = { "post", "email", "in-person" };
static const char *const errors[] = {
	"bad-check-digit", "malformed-talon-number", "missing-talon-number",
	"talon-not-found", "wrong-access-code", "too-many-lookups"
};
#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define SET(d, s)	strlcpy_chk((d), (s), sizeof(d))

static int
setup(void **state)
{
	char err[512];

	(void)state;
	if (web_init(WEB_DIR, err, sizeof(err)) == -1) {
		fprintf(stderr, "web_init: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	web_cleanup();
	return 0;
}

/* Renders a page into a string; caller frees. */
static char *
render(const struct web_page *p)
{
	struct buf b;

	buf_init(&b, 1024 * 1024);
	assert_int_equal(web_render(p, &b), 0);
	assert_non_null(b.data);
	return buf_release(&b, NULL);
}

static void
status_fixture(struct complaints_talon_status *st)
{
	memset(st, 0, sizeof(*st));
	SET(st->number, "2026-306816159-1");	/* fixture */
	SET(st->state, "in-review");
	SET(st->body_code, "almaty-auezov");
	SET(st->body_kk, "Әуезов ауданының білім бөлімі");
	SET(st->body_ru, "Отдел образования Ауэзовского района");
	SET(st->accepted_at, "2026-11-26T14:27:17+05:00");
	SET(st->accepted_on, "2026-11-26");
	SET(st->due, "2026-12-17");
}

/* Whether the page has an attribute such as onclick= or onload=. */
static int
has_event_attribute(const char *html)
{
	const char *p;

	for (p = strstr(html, " on"); p != NULL; p = strstr(p + 1, " on")) {
		const char *q = p + 3;

		while (*q >= 'a' && *q <= 'z')
			q++;
		if (q > p + 3 && *q == '=')
			return 1;
	}
	return 0;
}

/* --- Language ------------------------------------------------------------ */

static void
lang_negotiation(void **state)
{
	static const struct {
		const char	*param, *accept;
		enum web_lang	 want;
	} t[] = {
		{ NULL, NULL, WEB_KK },
		{ NULL, "", WEB_KK },
		{ "ru", NULL, WEB_RU },
		{ "EN", "ru", WEB_EN },
		{ "kk", "en, ru", WEB_KK },
		{ "de", "ru", WEB_RU },		/* not ours: the header */
		{ "", "en", WEB_EN },
		{ NULL, "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", WEB_RU },
		{ NULL, "en-US,en;q=0.9,ru;q=0.8", WEB_EN },
		{ NULL, "de-DE,de;q=0.9,ru;q=0.5,en;q=0.6", WEB_EN },
		{ NULL, "kk-KZ,kk;q=0.9,ru-KZ;q=0.8,ru;q=0.7", WEB_KK },
		{ NULL, "ru;q=0.5, kk;q=0.8", WEB_KK },
		{ NULL, "en;q=0.8, ru;q=0.8", WEB_EN },	/* tie: first */
		{ NULL, "ru;q=0, en;q=0.1", WEB_EN },
		{ NULL, "ru;q=0", WEB_KK },
		{ NULL, "fr, de", WEB_KK },
		{ NULL, "*", WEB_KK },
		{ NULL, "kk;q=0, *", WEB_RU },	/* any but Kazakh */
		{ NULL, "en, *;q=0.5", WEB_EN },
		{ NULL, "kz", WEB_KK },
		{ NULL, "RU", WEB_RU },
		{ NULL, "en;q=1.0", WEB_EN },
		{ NULL, "en;q=2, ru;q=0.3", WEB_RU },	/* bad q: ignored */
		{ NULL, "en;q=abc, ru", WEB_RU },
		{ NULL, "en ; q = 0.5", WEB_EN },
		{ NULL, "en;level=1;q=0.4, ru;q=0.3", WEB_EN },
		{ NULL, ",,,;;;==,", WEB_KK },
		{ NULL, "ru;q=0.", WEB_KK },
		{ NULL, "en-GB-oxendict", WEB_EN },
	};

	(void)state;
	for (size_t i = 0; i < N(t); i++) {
		enum web_lang got = web_lang_pick(t[i].param, t[i].accept);

		if (got != t[i].want)
			fail_msg("lang=%s Accept-Language=%s: got %s, want %s",
			    t[i].param ? t[i].param : "(none)",
			    t[i].accept ? t[i].accept : "(none)",
			    web_lang_code(got), web_lang_code(t[i].want));
	}
	assert_string_equal(web_lang_code(WEB_KK), "kk");
	assert_string_equal(web_lang_code(WEB_RU), "ru");
	assert_string_equal(web_lang_code(WEB_EN), "en");
}

static void
long_accept_language(void **state)
{
	char h[8192];
	size_t n = 0;

	(void)state;
	while (n + 16 < sizeof(h))
		n += (size_t)snprintf(h + n, sizeof(h) - n, "de;q=0.9, ");
	strlcpy_chk(h + n, "en", sizeof(h) - n);
	/* Only the first items are read: a long header costs little. */
	assert_int_equal(web_lang_pick(NULL, h), WEB_KK);
}

/* --- Texts --------------------------------------------------------------- */

/* A text missing in kk.txt or ru.txt falls back to English: named here. */
static void
no_text_missing(void **state)
{
	char first[64];

	(void)state;
	for (int l = 0; l < WEB_NLANG; l++) {
		int n = web_missing((enum web_lang)l, first, sizeof(first));

		if (n != 0)
			fail_msg("web/lang/%s.txt lacks %d texts that en.txt "
			    "has (English is shown instead); the first: %s",
			    langs[l], n, first);
	}
}

static void
own_text(enum web_lang l, const char *prefix, const char *name)
{
	char key[128];
	const char *t;
	int own;

	snprintf(key, sizeof(key), "%s.%s", prefix, name);
	t = web_text(l, key, &own);
	if (t == NULL || !own || *t == '\0')
		fail_msg("web/lang/%s.txt: no text for %s", langs[l], key);
}

static void
every_state_and_outcome_has_a_text(void **state)
{
	char key[128];

	(void)state;
	for (int l = 0; l < WEB_NLANG; l++) {
		for (size_t i = 0; i < N(states); i++) {
			own_text((enum web_lang)l, "state", states[i]);
			snprintf(key, sizeof(key), "%s.note", states[i]);
			own_text((enum web_lang)l, "state", key);
		}
		for (size_t i = 0; i < N(outcomes); i++)
			own_text((enum web_lang)l, "outcome", outcomes[i]);
		for (size_t i = 0; i < N(channels); i++)
			own_text((enum web_lang)l, "channel", channels[i]);
		for (size_t i = 0; i < N(errors); i++) {
			snprintf(key, sizeof(key), "%s.title", errors[i]);
			own_text((enum web_lang)l, "error", key);
			snprintf(key, sizeof(key), "%s.text", errors[i]);
			own_text((enum web_lang)l, "error", key);
		}
	}
	/* The words the brief of the page names. */
	assert_string_equal(web_text(WEB_KK, "state.registered", NULL),
	    "Тіркелді");
	assert_string_equal(web_text(WEB_RU, "state.registered", NULL),
	    "Зарегистрирована");
	assert_string_equal(web_text(WEB_EN, "state.registered", NULL),
	    "Registered");
	/* Each language in its own words, not a copy of another's. */
	for (size_t i = 0; i < N(states); i++) {
		char k[96];

		snprintf(k, sizeof(k), "state.%s", states[i]);
		assert_string_not_equal(web_text(WEB_KK, k, NULL),
		    web_text(WEB_RU, k, NULL));
		assert_string_not_equal(web_text(WEB_RU, k, NULL),
		    web_text(WEB_EN, k, NULL));
	}
}

/* --- Pages --------------------------------------------------------------- */

static void
hostile_number_is_escaped(void **state)
{
	struct web_page p;
	char *html;

	(void)state;
	for (size_t i = 0; i < N(errors); i++) {
		memset(&p, 0, sizeof(p));
		p.lang = WEB_EN;
		p.number = "<script>alert(\"x\")</script>' onfocus='x'&amp;\x01"
		    "\xff\xc3x";
		p.error = errors[i];
		html = render(&p);
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "onfocus='"));
		assert_null(strstr(html, "\xff"));
		assert_null(strstr(html, "\x01"));
		assert_non_null(strstr(html, "value=\"&lt;script&gt;alert("
		    "&quot;x&quot;)&lt;/script&gt;&#39; onfocus=&#39;x&#39;"
		    "&amp;amp;\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\""));
		free(html);
	}
	/* In the text of the not-found message too. */
	p.error = "talon-not-found";
	p.number = "<b>2026</b>";
	html = render(&p);
	assert_null(strstr(html, "<b>"));
	assert_non_null(strstr(html, "number &lt;b&gt;2026&lt;/b&gt;. Check"));
	free(html);
}

static void
values_from_the_store_are_escaped(void **state)
{
	struct complaints_talon_status st;
	struct web_page p;
	char *html;

	(void)state;
	status_fixture(&st);
	SET(st.body_kk, "<i>Бөлім</i> & \"Ко\"");
	SET(st.state, "<bad>");
	SET(st.cases[0].number, "2026-1<2>3");
	SET(st.cases[0].body, "x\"y");
	SET(st.cases[0].state, "closed");
	st.ncase = 1;
	memset(&p, 0, sizeof(p));
	p.lang = WEB_KK;
	p.st = &st;
	html = render(&p);
	assert_null(strstr(html, "<i>"));
	assert_null(strstr(html, "<bad>"));
	assert_non_null(strstr(html, "&lt;i&gt;Бөлім&lt;/i&gt; &amp; "
	    "&quot;Ко&quot;"));
	assert_non_null(strstr(html, "/status/2026-1&lt;2&gt;3?lang=kk"));
	free(html);
}

static void
page_has_no_script_and_no_inline_style(void **state)
{
	struct complaints_talon_status st;
	struct web_page p;
	char *html;

	(void)state;
	status_fixture(&st);
	for (int l = 0; l < WEB_NLANG; l++) {
		memset(&p, 0, sizeof(p));
		p.lang = (enum web_lang)l;
		p.st = l == WEB_EN ? NULL : &st;
		html = render(&p);
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<style"));
		assert_null(strstr(html, "style="));
		assert_false(has_event_attribute(html));
		assert_null(strstr(html, "{{"));
		assert_non_null(strstr(html, "<!DOCTYPE html>"));
		assert_non_null(strstr(html, "name=\"viewport\""));
		assert_non_null(strstr(html, "<link rel=\"stylesheet\" "
		    "href=\"/status.css\">"));
		assert_non_null(strstr(html, "<form class=\"lookup\" "
		    "method=\"post\" action=\"/status\">"));
		assert_non_null(strstr(html, "<label for=\"number\">"));
		assert_non_null(strstr(html, "<label for=\"code\">"));
		assert_non_null(strstr(html, "inputmode=\"numeric\""));
		assert_non_null(strstr(html, "autocomplete=\"off\""));
		assert_non_null(strstr(html, "pattern=\""));
		assert_null(strstr(html, "href=\"?lang"));
		free(html);
	}
}

static void
html_lang_and_switch(void **state)
{
	static const char *const want[] = {
		"<html lang=\"kk\"", "<html lang=\"ru\"", "<html lang=\"en\""
	};
	struct complaints_talon_status st;
	struct web_page p;
	char *html;

	(void)state;
	status_fixture(&st);
	for (int l = 0; l < WEB_NLANG; l++) {
		memset(&p, 0, sizeof(p));
		p.lang = (enum web_lang)l;
		html = render(&p);
		assert_non_null(strstr(html, want[l]));
		assert_non_null(strstr(html, "href=\"/status?lang=kk\""));
		assert_non_null(strstr(html, "href=\"/status?lang=ru\""));
		assert_non_null(strstr(html, "href=\"/status?lang=en\""));
		assert_non_null(strstr(html, "aria-current=\"page\""));
		assert_non_null(strstr(html, ">Қазақша</a>"));
		assert_non_null(strstr(html, ">Русский</a>"));
		assert_non_null(strstr(html, ">English</a>"));
		free(html);
		/* With a status, the links keep the number, never a code. */
		p.st = &st;
		p.code_given = 1;
		html = render(&p);
		assert_non_null(strstr(html,
		    "href=\"/status/2026-306816159-1?lang=ru\""));
		assert_null(strstr(html, "code="));
		free(html);
	}
}

static void
error_pages(void **state)
{
	static const char *const titles[][WEB_NLANG] = {
		{ "Цифрларды тексеріңіз", "Проверьте цифры",
		    "Check the digits" },
		{ "Бұл талон нөмірі емес", "Это не номер талона",
		    "This is not a talon number" },
		{ "Талон нөмірін енгізіңіз", "Введите номер талона",
		    "Enter the talon number" },
		{ "Мұндай нөмірлі шағым жоқ", "Жалобы с таким номером нет",
		    "No complaint has this number" },
		{ "Қол жеткізу коды сәйкес келмейді", "Код доступа не подходит",
		    "The access code does not match" },
		{ "Тексеру тым көп", "Слишком много проверок",
		    "Too many lookups" },
	};
	struct web_page p;
	char *html, want[256];

	(void)state;
	for (size_t i = 0; i < N(errors); i++)
		for (int l = 0; l < WEB_NLANG; l++) {
			memset(&p, 0, sizeof(p));
			p.lang = (enum web_lang)l;
			p.number = "2026-306816159-2";
			p.error = errors[i];
			p.retry_after = 150;
			html = render(&p);
			assert_non_null(strstr(html, "role=\"alert\""));
			snprintf(want, sizeof(want), "<h2>%s</h2>",
			    titles[i][l]);
			if (strstr(html, want) == NULL)
				fail_msg("%s in %s: no %s", errors[i],
				    langs[l], want);
			/* No status without a lookup that succeeded. */
			assert_null(strstr(html, "class=\"status\""));
			/* The number stays in the field, to be corrected. */
			assert_non_null(strstr(html,
			    "value=\"2026-306816159-2\""));
			if (strcmp(errors[i], "too-many-lookups") == 0)
				assert_non_null(strstr(html, " 3 "));
			if (strcmp(errors[i], "wrong-access-code") == 0)
				assert_non_null(strstr(html, "maxlength=\"16\" "
				    "aria-describedby=\"error code-hint\" "
				    "aria-invalid=\"true\">"));
			if (strcmp(errors[i], "bad-check-digit") == 0)
				assert_non_null(strstr(html,
				    "aria-describedby=\"error number-hint\" "
				    "value=\"2026-306816159-2\" "
				    "aria-invalid=\"true\">"));
			free(html);
		}
	/* An error the page does not know: the service's fault. */
	memset(&p, 0, sizeof(p));
	p.lang = WEB_EN;
	p.error = "internal";
	html = render(&p);
	assert_non_null(strstr(html, "The service cannot answer now"));
	free(html);
	p.error = "something-new";
	html = render(&p);
	assert_non_null(strstr(html, "The service cannot answer now"));
	free(html);
}

static void
status_page(void **state)
{
	struct complaints_talon_status st;
	struct web_page p;
	char *html;

	(void)state;
	status_fixture(&st);
	memset(&p, 0, sizeof(p));
	p.lang = WEB_RU;
	p.st = &st;
	html = render(&p);
	assert_non_null(strstr(html, "<title>Талон 2026-306816159-1: "
	    "статус</title>"));
	assert_non_null(strstr(html, ">На рассмотрении</p>"));
	assert_non_null(strstr(html, "Отдел образования Ауэзовского района"));
	assert_non_null(strstr(html, "<time datetime=\"2026-11-26T14:27:17"
	    "+05:00\">26 ноября 2026 г., 14:27</time>"));
	assert_non_null(strstr(html, "<time datetime=\"2026-12-17\">17 "
	    "декабря 2026 г.</time> <span class=\"ontime\">(в пределах "
	    "срока)</span>"));
	assert_non_null(strstr(html, "<dl class=\"facts\">"));
	/* No code: a hint, no decision. */
	assert_non_null(strstr(html, "code-hint"));
	assert_null(strstr(html, "id=\"decision\""));
	/* The form keeps the number. */
	assert_non_null(strstr(html, "value=\"2026-306816159-1\""));
	free(html);

	/* Overdue, in Kazakh. */
	st.overdue = 1;
	p.lang = WEB_KK;
	html = render(&p);
	assert_non_null(strstr(html, ">Қаралуда</p>"));
	assert_non_null(strstr(html, "Әуезов ауданының білім бөлімі"));
	assert_non_null(strstr(html, "2026 жылғы 17 желтоқсан"));
	assert_non_null(strstr(html, "(мерзімі өтті)"));
	free(html);

	/* A code, no decision yet. */
	p.code_given = 1;
	p.lang = WEB_EN;
	html = render(&p);
	assert_non_null(strstr(html, "There is no decision yet."));
	assert_non_null(strstr(html, "(overdue)"));
	free(html);

	/* Decided and answered, with the code. */
	SET(st.state, "answered");
	st.has_decision = 1;
	SET(st.outcome, "partly-upheld");
	SET(st.decided_on, "2026-12-10");
	SET(st.answered_on, "2026-12-11");
	SET(st.answer_channel, "email");
	html = render(&p);
	assert_non_null(strstr(html, ">Answered</p>"));
	assert_non_null(strstr(html, "Partly upheld"));
	assert_non_null(strstr(html, "<time datetime=\"2026-12-10\">10 "
	    "December 2026</time>"));
	assert_non_null(strstr(html, "<time datetime=\"2026-12-11\">11 "
	    "December 2026</time>, by e-mail"));
	/* Answered: the due date is no longer a worry. */
	assert_null(strstr(html, "(overdue)"));
	assert_null(strstr(html, "(within the deadline)"));
	free(html);

	/* The same status without the code shows no outcome. */
	p.code_given = 0;
	st.has_decision = 0;
	html = render(&p);
	assert_null(strstr(html, "Partly upheld"));
	free(html);
}

static void
case_and_handler(void **state)
{
	struct complaints_talon_status st;
	struct web_page p;
	char *html;

	(void)state;
	status_fixture(&st);
	SET(st.state, "forwarded");
	st.has_handler = 1;
	SET(st.handler_code, "almaty-medeu");
	SET(st.handler_kk, "Медеу ауданының білім бөлімі");
	SET(st.handler_state, "registered");
	SET(st.handler_due, "2027-01-05");
	st.ncase = 2;
	SET(st.cases[0].number, "2026-111111111-4");
	SET(st.cases[0].body, "almaty-medeu");
	SET(st.cases[0].state, "registered");
	SET(st.cases[0].link, "forwarded-from");
	SET(st.cases[1].number, "2026-222222222-0");
	SET(st.cases[1].body, "almaty-edu");
	SET(st.cases[1].state, "in-review");
	SET(st.cases[1].link, "appeal-of");
	memset(&p, 0, sizeof(p));
	p.lang = WEB_EN;
	p.st = &st;
	html = render(&p);
	assert_non_null(strstr(html, ">Forwarded to another body</p>"));
	assert_non_null(strstr(html, "<h3>Now handled by</h3>"));
	assert_non_null(strstr(html, "Медеу ауданының білім бөлімі"));
	assert_non_null(strstr(html, "5 January 2027"));
	assert_non_null(strstr(html, "<h3>Other talons of this case</h3>"));
	assert_non_null(strstr(html, "<li>Forwarded: <a href=\"/status/"
	    "2026-111111111-4?lang=en\">2026-111111111-4</a>, almaty-medeu: "
	    "Registered</li>"));
	assert_non_null(strstr(html, "<li>Appeal: <a href=\"/status/"
	    "2026-222222222-0?lang=en\">"));
	/* Forwarded: no deadline word for this talon. */
	assert_null(strstr(html, "(within the deadline)"));
	free(html);
}

static void
every_state_renders(void **state)
{
	struct complaints_talon_status st;
	struct web_page p;
	char *html, want[512];

	(void)state;
	status_fixture(&st);
	memset(&p, 0, sizeof(p));
	p.st = &st;
	for (size_t i = 0; i < N(states); i++)
		for (int l = 0; l < WEB_NLANG; l++) {
			char key[96];

			SET(st.state, states[i]);
			p.lang = (enum web_lang)l;
			snprintf(key, sizeof(key), "state.%s", states[i]);
			html = render(&p);
			snprintf(want, sizeof(want), "state-%s\" id=\"state\">"
			    "%s</p>", states[i],
			    web_text((enum web_lang)l, key, NULL));
			if (strstr(html, want) == NULL)
				fail_msg("%s in %s: no %s", states[i], langs[l],
				    want);
			free(html);
		}
}

static void
buffer_cap_is_an_error(void **state)
{
	struct web_page p;
	struct buf b;

	(void)state;
	memset(&p, 0, sizeof(p));
	buf_init(&b, 512);
	assert_int_equal(web_render(&p, &b), -1);
	buf_free(&b);
}

/* --- Loading ------------------------------------------------------------- */

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	assert_non_null(f);
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	fclose(f);
	return buf_release(&b, NULL);
}

static void
write_all(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fputs(s, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* Drops the line that starts with key from s (in place). */
static void
drop_line(char *s, const char *key)
{
	char *p = strstr(s, key), *e;

	assert_non_null(p);
	e = strchr(p, '\n');
	assert_non_null(e);
	memmove(p, e + 1, strlen(e + 1) + 1);
}

struct copy {
	char	dir[64];
	char	path[5][128];
};

/* A copy of web/ in a temp folder; which files, as edited by the test. */
static void
copy_web(struct copy *c)
{
	static const char *const f[] = { "lang/kk.txt", "lang/ru.txt",
	    "lang/en.txt", "page.html", "status.css" };
	char src[128], sub[96];

	SET(c->dir, "/tmp/test-web-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	snprintf(sub, sizeof(sub), "%s/lang", c->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	for (int i = 0; i < 5; i++) {
		char *s;

		snprintf(src, sizeof(src), "%s/%s", WEB_DIR, f[i]);
		snprintf(c->path[i], sizeof(c->path[i]), "%s/%s", c->dir,
		    f[i]);
		s = read_all(src);
		write_all(c->path[i], s);
		free(s);
	}
}

static void
remove_copy(struct copy *c)
{
	char sub[96];

	for (int i = 0; i < 5; i++)
		unlink(c->path[i]);
	snprintf(sub, sizeof(sub), "%s/lang", c->dir);
	rmdir(sub);
	rmdir(c->dir);
}

static void
missing_text_falls_back_to_english(void **state)
{
	struct copy c;
	char err[512], first[64], *s;
	const char *t;
	struct web_page p;
	int own;

	(void)state;
	copy_web(&c);
	s = read_all(c.path[0]);
	drop_line(s, "state.closed = ");
	drop_line(s, "error.bad-check-digit.title = ");
	write_all(c.path[0], s);
	free(s);
	assert_int_equal(web_init(c.dir, err, sizeof(err)), 0);
	assert_int_equal(web_missing(WEB_KK, first, sizeof(first)), 2);
	assert_string_equal(first, "error.bad-check-digit.title");
	assert_int_equal(web_missing(WEB_RU, NULL, 0), 0);
	t = web_text(WEB_KK, "state.closed", &own);
	assert_string_equal(t, "Closed");
	assert_int_equal(own, 0);
	t = web_text(WEB_KK, "state.answered", &own);
	assert_string_equal(t, "Жауап жіберілді");
	assert_int_equal(own, 1);
	memset(&p, 0, sizeof(p));
	p.lang = WEB_KK;
	p.error = "bad-check-digit";
	s = render(&p);
	assert_non_null(strstr(s, "<h2>Check the digits</h2>"));
	assert_non_null(strstr(s, "<html lang=\"kk\""));
	free(s);
	remove_copy(&c);
	/* Back to the real files for the tests that follow. */
	assert_int_equal(web_init(WEB_DIR, err, sizeof(err)), 0);
}

static void
broken_files_stop_the_start(void **state)
{
	struct copy c;
	char err[512], *s, *orig;

	(void)state;
	/* No folder. */
	assert_int_equal(web_init("/nonexistent/web", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/web/lang/kk.txt"));
	assert_int_equal(web_render(&(struct web_page){ 0 },
	    &(struct buf){ 0 }), -1);

	copy_web(&c);
	/* English must have every text. */
	orig = read_all(c.path[2]);
	s = strdup(orig);
	drop_line(s, "state.closed = ");
	write_all(c.path[2], s);
	free(s);
	assert_int_equal(web_init(c.dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "en.txt: no text \"state.closed\""));
	/* A typo of a key in kk.txt is named, not silently unused. */
	write_all(c.path[2], orig);
	free(orig);
	orig = read_all(c.path[0]);
	s = malloc(strlen(orig) + 64);
	assert_non_null(s);
	snprintf(s, strlen(orig) + 64, "%sstate.closd = Жабылды\n", orig);
	write_all(c.path[0], s);
	free(s);
	assert_int_equal(web_init(c.dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"state.closd\" is not in en.txt"));
	/* A line that is not key = text, with its number. */
	s = malloc(strlen(orig) + 64);
	assert_non_null(s);
	snprintf(s, strlen(orig) + 64, "%sjust words\n", orig);
	write_all(c.path[0], s);
	free(s);
	assert_int_equal(web_init(c.dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "kk.txt:"));
	assert_non_null(strstr(err, "expected key = text"));
	write_all(c.path[0], orig);
	free(orig);
	/* A part missing from page.html. */
	orig = read_all(c.path[3]);
	s = strdup(orig);
	*strstr(s, "<!-- part: code-hint -->") = '\0';
	write_all(c.path[3], s);
	free(s);
	assert_int_equal(web_init(c.dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no part \"code-hint\""));
	/* A text page.html names that English lacks. */
	s = malloc(strlen(orig) + 64);
	assert_non_null(s);
	snprintf(s, strlen(orig) + 64, "%s<p>{{t:no.such}}</p>\n", orig);
	write_all(c.path[3], s);
	free(s);
	assert_int_equal(web_init(c.dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "has no text \"no.such\""));
	free(orig);
	/* No stylesheet. */
	unlink(c.path[4]);
	orig = read_all("web/page.html");
	write_all(c.path[3], orig);
	free(orig);
	assert_int_equal(web_init(c.dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "status.css"));
	remove_copy(&c);
	assert_int_equal(web_init(WEB_DIR, err, sizeof(err)), 0);
}

static void
css_is_loaded(void **state)
{
	size_t len;
	const char *css = web_css(&len);

	(void)state;
	assert_non_null(css);
	assert_true(len > 100);
	assert_non_null(strstr(css, "prefers-color-scheme: dark"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lang_negotiation),
		cmocka_unit_test(long_accept_language),
		cmocka_unit_test(no_text_missing),
		cmocka_unit_test(every_state_and_outcome_has_a_text),
		cmocka_unit_test(hostile_number_is_escaped),
		cmocka_unit_test(values_from_the_store_are_escaped),
		cmocka_unit_test(page_has_no_script_and_no_inline_style),
		cmocka_unit_test(html_lang_and_switch),
		cmocka_unit_test(error_pages),
		cmocka_unit_test(status_page),
		cmocka_unit_test(case_and_handler),
		cmocka_unit_test(every_state_renders),
		cmocka_unit_test(buffer_cap_is_an_error),
		cmocka_unit_test(css_is_loaded),
		cmocka_unit_test(missing_text_falls_back_to_english),
		cmocka_unit_test(broken_files_stop_the_start),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
