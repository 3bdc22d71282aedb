/*
 * Unit tests: web (the view layer and the citizens' status page).
 * Language negotiation; the catalogues (every language has every key,
 * every key a stylesheet names is in them, a broken catalogue or
 * stylesheet stops the start and a reload keeps the pages it had); the
 * sandbox of the stylesheets; the status page from <status> documents
 * of every state, escaping included.  Run from the repository root (the
 * files are read from web/).
 */
#include <dirent.h>
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
#include <libxml/parser.h>

#include "util/util.h"
#include "web/web.h"

#define WEB_DIR "web"

static const char *const states[] = { "registered", "in-review", "extended",
	"decided", "answered", "closed", "forwarded",
	"left-without-consideration" };
static const char *const outcomes[] = { "upheld", "partly-upheld", "rejected",
	"explained" };
static const char *const channels[] = { "post", "email", "in-person" };
static const char *const errors[] = { "bad-check-digit",
	"malformed-talon-number", "missing-talon-number", "talon-not-found",
	"wrong-access-code", "too-many-lookups" };
#define N(a) (sizeof(a) / sizeof((a)[0]))

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

/* A <status> document as GET /api/v1/talons/{number} writes it. */
static char *
status_doc(const char *state, const char *body, const char *extra)
{
	char *s;

	assert_true(
	    asprintf(&s,
		"<status><number>2026-306816159-1</number>"
		"<state>%s</state><body code=\"almaty-auezov\" name-ru=\"Отдел "
		"образования Ауэзовского района\">%s</body>"
		"<accepted-at>2026-11-26T14:27:17+05:00</accepted-at>"
		"<due>2026-12-17</due>%s</status>",
		state, body, extra) > 0);
	return s;
}

/* Renders the status page into a string; caller frees. */
static char *
render(const struct web_page *p)
{
	struct buf b;

	buf_init(&b, 1024 * 1024);
	assert_int_equal(web_status_page(p, &b), 0);
	assert_non_null(b.data);
	return buf_release(&b, NULL);
}

static char *
render_status(enum web_lang l, const char *doc, int code_given)
{
	struct web_page p;

	memset(&p, 0, sizeof(p));
	p.lang = l;
	p.status = doc;
	p.status_len = strlen(doc);
	p.code_given = code_given;
	return render(&p);
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
		const char *param, *accept;
		enum web_lang want;
	} t[] = {
		{ NULL, NULL, WEB_KK },
		{ NULL, "", WEB_KK },
		{ "ru", NULL, WEB_RU },
		{ "EN", "ru", WEB_EN },
		{ "kk", "en, ru", WEB_KK },
		{ "de", "ru", WEB_RU }, /* not ours: the header */
		{ "", "en", WEB_EN },
		{ NULL, "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", WEB_RU },
		{ NULL, "en-US,en;q=0.9,ru;q=0.8", WEB_EN },
		{ NULL, "de-DE,de;q=0.9,ru;q=0.5,en;q=0.6", WEB_EN },
		{ NULL, "kk-KZ,kk;q=0.9,ru-KZ;q=0.8,ru;q=0.7", WEB_KK },
		{ NULL, "ru;q=0.5, kk;q=0.8", WEB_KK },
		{ NULL, "en;q=0.8, ru;q=0.8", WEB_EN }, /* tie: first */
		{ NULL, "ru;q=0, en;q=0.1", WEB_EN },
		{ NULL, "ru;q=0", WEB_KK },
		{ NULL, "fr, de", WEB_KK },
		{ NULL, "*", WEB_KK },
		{ NULL, "kk;q=0, *", WEB_RU }, /* any but Kazakh */
		{ NULL, "en, *;q=0.5", WEB_EN },
		{ NULL, "kz", WEB_KK },
		{ NULL, "RU", WEB_RU },
		{ NULL, "en;q=1.0", WEB_EN },
		{ NULL, "en;q=2, ru;q=0.3", WEB_RU }, /* bad q: ignored */
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

/* --- The catalogues ------------------------------------------------------ */

static char *
read_all(const char *path)
{
	char err[256], *s;
	size_t len;

	s = read_whole_file(path, 1024 * 1024, &len, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	return s;
}

/*
 * Every key a stylesheet names literally (<xsl:with-param name="k"
 * select="'KEY'"/>) has a text in every language.  The keys a page makes
 * from data (state.X, error.X.title) are checked by rendering every
 * value below, since a missing text fails the page.
 */
static void
every_key_a_stylesheet_names_has_a_text(void **state)
{
	static const char pat[] = "name=\"k\" select=\"'";
	char path[512], key[128];
	struct dirent *de;
	const char *p, *e;
	int keys = 0;
	DIR *d;

	(void)state;
	assert_non_null(d = opendir(WEB_DIR "/xsl"));
	while ((de = readdir(d)) != NULL) {
		char *s;

		if (strstr(de->d_name, ".xsl") == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/xsl/%s", WEB_DIR, de->d_name);
		s = read_all(path);
		for (p = strstr(s, pat); p != NULL; p = strstr(p, pat)) {
			p += sizeof(pat) - 1;
			assert_non_null(e = strchr(p, '\''));
			assert_true((size_t)(e - p) < sizeof(key));
			memcpy(key, p, (size_t)(e - p));
			key[e - p] = '\0';
			for (int l = 0; l < WEB_NLANG; l++)
				if (web_text((enum web_lang)l, key) == NULL)
					fail_msg("%s: %s has no text in %s",
					    path, key, web_lang_code(l));
			keys++;
		}
		free(s);
	}
	closedir(d);
	assert_true(keys > 30);
}

static void
languages_differ(void **state)
{
	static const char *const k[] = { "site.title", "state.registered",
		"form.submit", "month.5" };

	(void)state;
	assert_string_equal(web_text(WEB_KK, "lang.name"), "Қазақша");
	assert_string_equal(web_text(WEB_RU, "lang.name"), "Русский");
	assert_string_equal(web_text(WEB_EN, "lang.name"), "English");
	for (size_t i = 0; i < N(k); i++) {
		assert_string_not_equal(
		    web_text(WEB_KK, k[i]), web_text(WEB_RU, k[i]));
		assert_string_not_equal(
		    web_text(WEB_RU, k[i]), web_text(WEB_EN, k[i]));
	}
	assert_null(web_text(WEB_EN, "no.such.key"));
}

/* --- The status page ----------------------------------------------------- */

static void
every_state_outcome_and_channel_renders(void **state)
{
	char extra[512], *doc, *html, want[256];

	(void)state;
	for (int l = 0; l < WEB_NLANG; l++)
		for (size_t i = 0; i < N(states); i++) {
			snprintf(extra, sizeof(extra),
			    "<decision><outcome>%s"
			    "</outcome><decided-on>2026-12-01</decided-on>"
			    "<answered-on>2026-12-02</answered-on>"
			    "<answer-channel>%s</answer-channel></decision>"
			    "<case><talon number=\"2026-000000001-3\" "
			    "body=\"almaty\" state=\"%s\"/><talon number="
			    "\"2026-000000002-7\" body=\"x\" state=\"%s\" "
			    "link=\"appeal-of\"/></case>",
			    outcomes[i % N(outcomes)],
			    channels[i % N(channels)], states[i],
			    states[(i + 1) % N(states)]);
			doc = status_doc(states[i], "Бөлім", extra);
			html = render_status((enum web_lang)l, doc, 1);
			snprintf(want, sizeof(want), "class=\"state state-%s\"",
			    states[i]);
			assert_non_null(strstr(html, want));
			snprintf(want, sizeof(want), "outcome-%s\">",
			    outcomes[i % N(outcomes)]);
			assert_non_null(strstr(html, want));
			free(html);
			free(doc);
		}
}

static void
status_page_in_words(void **state)
{
	char *doc, *html;

	(void)state;
	doc = status_doc("in-review", "Әуезов ауданының білім бөлімі",
	    "<overdue>true</overdue><handled-by><body-ref code=\"almaty\">"
	    "Алматы қаласының білім басқармасы</body-ref><state>extended"
	    "</state><due>2027-01-20</due></handled-by>");
	html = render_status(WEB_RU, doc, 0);
	assert_non_null(strstr(html, "<html lang=\"ru\" dir=\"ltr\">"));
	/* The Russian name where there is one; dates in words. */
	assert_non_null(strstr(html,
	    "<dd>Отдел образования Ауэзовского "
	    "района</dd>"));
	assert_non_null(strstr(html,
	    "<time datetime=\"2026-11-26T14:27:17"
	    "+05:00\">26 ноября 2026 г., 14:27</time>"));
	assert_non_null(strstr(html,
	    "17 декабря 2026 г.</time> <strong "
	    "class=\"overdue\">(срок истёк)</strong>"));
	assert_non_null(strstr(html, "20 января 2027 г."));
	assert_non_null(strstr(html, "Алматы қаласының білім басқармасы"));
	/* Without the code, a hint and no decision. */
	assert_non_null(strstr(html, "class=\"hint code-hint\""));
	assert_null(strstr(html, "id=\"decision\""));
	free(html);
	html = render_status(WEB_KK, doc, 0);
	assert_non_null(strstr(html,
	    "<dd>Әуезов ауданының білім бөлімі"
	    "</dd>"));
	assert_non_null(strstr(html, "2026 жылғы 26 қараша, 14:27"));
	free(html);
	/* With the code and no decision yet. */
	html = render_status(WEB_EN, doc, 1);
	assert_non_null(strstr(html, "There is no decision yet."));
	assert_non_null(strstr(html,
	    "href=\"/status/2026-306816159-1?"
	    "lang=kk\""));
	free(html);
	free(doc);
	/* Answered: the due date is no longer worth a word. */
	doc = status_doc("answered", "Бөлім", "");
	html = render_status(WEB_EN, doc, 0);
	assert_null(strstr(html, "class=\"ontime\""));
	assert_null(strstr(html, "class=\"overdue\""));
	free(html);
	free(doc);
}

static void
error_pages(void **state)
{
	struct web_page p;
	char *html, want[512];

	(void)state;
	for (int l = 0; l < WEB_NLANG; l++)
		for (size_t i = 0; i <= N(errors); i++) {
			const char *code = i < N(errors) ? errors[i] :
							   "something-else";
			char key[96];

			memset(&p, 0, sizeof(p));
			p.lang = (enum web_lang)l;
			p.number = "2026-1";
			p.error = code;
			p.retry_after = 61;
			html = render(&p);
			snprintf(key, sizeof(key), "error.%s.title",
			    i < N(errors) ? code : "internal");
			snprintf(want, sizeof(want),
			    "role=\"alert\"><h2>%s"
			    "</h2>",
			    web_text(p.lang, key));
			assert_non_null(strstr(html, want));
			assert_null(strstr(html, "id=\"state\""));
			free(html);
		}
	memset(&p, 0, sizeof(p));
	p.lang = WEB_EN;
	p.error = "too-many-lookups";
	p.retry_after = 61;
	html = render(&p);
	assert_non_null(strstr(html, "come back in 2 min"));
	free(html);
}

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
		assert_null(strstr(html, "\xff"));
		assert_null(strstr(html, "\x01"));
		assert_non_null(strstr(html,
		    "value=\"&lt;script&gt;alert("
		    "&quot;x&quot;)&lt;/script&gt;' onfocus='x'&amp;amp;"
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\""));
		free(html);
	}
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
	char *doc, *html;

	(void)state;
	doc = status_doc("registered",
	    "&lt;i&gt;Бөлім&lt;/i&gt; &amp; "
	    "\"Ко\"",
	    "<case><talon number=\"2026-1&lt;2&gt;3\" body=\"x&quot;"
	    "y\" state=\"closed\"/></case>");
	html = render_status(WEB_KK, doc, 0);
	assert_null(strstr(html, "<i>"));
	assert_non_null(strstr(html,
	    "&lt;i&gt;Бөлім&lt;/i&gt; &amp; "
	    "\"Ко\""));
	assert_non_null(strstr(html, "/status/2026-1&lt;2&gt;3?lang=kk"));
	free(html);
	free(doc);
}

static void
page_has_no_script_and_no_inline_style(void **state)
{
	struct web_page p;
	char *doc, *html;

	(void)state;
	doc = status_doc("registered", "Бөлім", "");
	for (int l = 0; l < WEB_NLANG; l++) {
		memset(&p, 0, sizeof(p));
		p.lang = (enum web_lang)l;
		if (l != WEB_EN) {
			p.status = doc;
			p.status_len = strlen(doc);
		}
		html = render(&p);
		assert_true(
		    strncmp(html, "<!DOCTYPE html>\n<html lang=\"", 27) == 0);
		assert_null(strstr(html, "<script"));
		assert_null(strstr(html, "<style"));
		assert_null(strstr(html, "style="));
		assert_null(strstr(html, "http-equiv"));
		assert_false(has_event_attribute(html));
		assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
		assert_non_null(strstr(html,
		    "<link rel=\"stylesheet\" "
		    "href=\"/status.css\">"));
		assert_non_null(strstr(html,
		    "<form class=\"lookup\" "
		    "method=\"post\" action=\"/status\">"));
		free(html);
	}
	free(doc);
}

static void
buffer_cap_is_an_error(void **state)
{
	struct web_page p;
	struct buf b;

	(void)state;
	memset(&p, 0, sizeof(p));
	buf_init(&b, 100);
	assert_int_equal(web_status_page(&p, &b), -1);
	buf_free(&b);
}

/* --- Loading, reloading, the sandbox -------------------------------------- */

struct copy {
	char dir[64];
	char files[64][512];
	int n;
};

static void
write_all(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_true(fputs(s, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void
copy_dir(struct copy *c, const char *sub)
{
	char src[256], dir[128], to[512];
	struct dirent *de;
	DIR *d;

	snprintf(src, sizeof(src), "%s/%s", WEB_DIR, sub);
	assert_non_null(d = opendir(src));
	snprintf(dir, sizeof(dir), "%s/%s", c->dir, sub);
	assert_int_equal(mkdir(dir, 0700), 0);
	while ((de = readdir(d)) != NULL) {
		char from[512], *s;

		if (de->d_name[0] == '.')
			continue;
		assert_true(c->n < (int)N(c->files));
		snprintf(from, sizeof(from), "%s/%s", src, de->d_name);
		snprintf(to, sizeof(to), "%s/%s", dir, de->d_name);
		s = read_all(from);
		write_all(to, s);
		memcpy(c->files[c->n++], to, sizeof(to));
		free(s);
	}
	closedir(d);
}

/* A copy of web/ in a temporary folder, for a test to spoil. */
static void
copy_web(struct copy *c)
{
	static const char *const top[] = { "status.css", "desk.css" };

	memset(c, 0, sizeof(*c));
	snprintf(c->dir, sizeof(c->dir), "/tmp/test-web-XXXXXX");
	assert_non_null(mkdtemp(c->dir));
	for (size_t i = 0; i < N(top); i++) {
		char from[256], to[512], *s;

		snprintf(from, sizeof(from), "%s/%s", WEB_DIR, top[i]);
		snprintf(to, sizeof(to), "%s/%s", c->dir, top[i]);
		s = read_all(from);
		write_all(to, s);
		memcpy(c->files[c->n++], to, sizeof(to));
		free(s);
	}
	copy_dir(c, "lang");
	copy_dir(c, "xsl");
}

static void
remove_copy(struct copy *c)
{
	char sub[128];

	for (int i = 0; i < c->n; i++)
		unlink(c->files[i]);
	snprintf(sub, sizeof(sub), "%s/lang", c->dir);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/xsl", c->dir);
	rmdir(sub);
	rmdir(c->dir);
}

/* Replaces the first "from" in a file of the copy with "to". */
static void
edit(struct copy *c, const char *file, const char *from, const char *to)
{
	char path[256], *s, *p, *out;

	snprintf(path, sizeof(path), "%s/%s", c->dir, file);
	s = read_all(path);
	assert_non_null(p = strstr(s, from));
	assert_true(asprintf(&out, "%.*s%s%s", (int)(p - s), s, to,
			p + strlen(from)) > 0);
	write_all(path, out);
	free(out);
	free(s);
}

static void
expect_refused(struct copy *c, const char *want)
{
	char err[512];

	err[0] = '\0';
	if (web_init(c->dir, err, sizeof(err)) != -1)
		fail_msg("web_init took what should say \"%s\"", want);
	if (strstr(err, want) == NULL)
		fail_msg("web_init said \"%s\", not \"%s\"", err, want);
}

static void
broken_files_are_refused(void **state)
{
	struct copy c;
	char *html;
	struct web_page p;

	(void)state;
	/* A language without a text English has. */
	copy_web(&c);
	edit(&c, "lang/kk.xml", "<text key=\"state.closed\">",
	    "<text key=\"state.closed-typo\">");
	expect_refused(&c, "lang/kk.xml lacks the text \"state.closed\"");
	remove_copy(&c);
	/* A text English lacks. */
	copy_web(&c);
	edit(&c, "lang/ru.xml", "</catalogue>",
	    "<text key=\"extra\">x</text></catalogue>");
	expect_refused(&c, "lang/en.xml lacks the text \"extra\"");
	remove_copy(&c);
	/* A key twice, markup in a text, the wrong language, bad XML. */
	copy_web(&c);
	edit(&c, "lang/en.xml", "</catalogue>",
	    "<text key=\"lang.name\">x</text></catalogue>");
	expect_refused(&c, "lang.name is there twice");
	remove_copy(&c);
	copy_web(&c);
	edit(&c, "lang/en.xml", ">English<", "><b>English</b><");
	expect_refused(&c, "the text of lang.name is not plain text");
	remove_copy(&c);
	copy_web(&c);
	edit(&c, "lang/ru.xml", "lang=\"ru\"", "lang=\"en\"");
	expect_refused(&c, "lang is not \"ru\"");
	remove_copy(&c);
	copy_web(&c);
	edit(&c, "lang/en.xml", "</catalogue>", "");
	expect_refused(&c, "lang/en.xml: not well-formed XML");
	remove_copy(&c);
	/* A stylesheet that does not compile. */
	copy_web(&c);
	edit(&c, "xsl/status.xsl", "<xsl:template match=\"/\">",
	    "<xsl:template match=\"/\"><xsl:value-of select=\"((\"/>");
	expect_refused(&c, "xsl/status.xsl");
	remove_copy(&c);
	/* The pages loaded before stay. */
	memset(&p, 0, sizeof(p));
	p.lang = WEB_EN;
	html = render(&p);
	assert_non_null(strstr(html, "Check by talon number"));
	free(html);
}

/* A page that names a key the catalogues lack fails, never a blank. */
static void
missing_text_fails_the_page(void **state)
{
	struct copy c;
	struct web_page p;
	struct buf b;
	char err[512];

	(void)state;
	copy_web(&c);
	edit(&c, "xsl/status.xsl", "select=\"'form.submit'\"",
	    "select=\"'form.submit-typo'\"");
	assert_int_equal(web_init(c.dir, err, sizeof(err)), 0);
	memset(&p, 0, sizeof(p));
	buf_init(&b, 1024 * 1024);
	assert_int_equal(web_status_page(&p, &b), -1);
	buf_free(&b);
	remove_copy(&c);
	assert_int_equal(web_init(WEB_DIR, err, sizeof(err)), 0);
}

/* A stylesheet cannot read, write or fetch anything but the texts. */
static void
stylesheets_are_sandboxed(void **state)
{
	static const char *const bad[] = {
		"<xsl:value-of select=\"document('/etc/passwd')\"/></main>",
		"<xsl:value-of select=\"document('../status.css')\"/></main>",
		"<xsl:value-of "
		"select=\"document('http://127.0.0.1:9/x.xml')\"/>"
		"</main>",
		"<xsl:document href=\"/tmp/test-web-written\">x</xsl:document>"
		"</main>",
	};
	struct copy c;
	struct web_page p;
	struct buf b;
	char err[512];

	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		copy_web(&c);
		edit(&c, "xsl/status.xsl", "</main>", bad[i]);
		if (web_init(c.dir, err, sizeof(err)) == -1)
			fail_msg("%s", err);
		memset(&p, 0, sizeof(p));
		buf_init(&b, 1024 * 1024);
		if (web_status_page(&p, &b) != -1)
			fail_msg("the page with %s was made", bad[i]);
		buf_free(&b);
		remove_copy(&c);
	}
	assert_int_equal(access("/tmp/test-web-written", F_OK), -1);
	assert_int_equal(web_init(WEB_DIR, err, sizeof(err)), 0);
}

static void
css_is_loaded(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1024 * 1024);
	assert_int_equal(web_css(WEB_CSS_STATUS, &b), 0);
	assert_true(b.len > 100);
	assert_non_null(
	    memmem(b.data, b.len, "prefers-color-scheme: dark", 26));
	b.len = 0;
	assert_int_equal(web_css(WEB_CSS_DESK, &b), 0);
	assert_true(b.len > 10);
	buf_free(&b);
}

/* Every line of text ends in '\n' and has at most cols characters. */
static void
assert_lines_fit(const char *text, size_t cols, struct buf *joined)
{
	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t c;

		assert_non_null(nl);
		c = utf8_chars(p, (size_t)(nl - p));
		if (c > cols)
			fail_msg("%zu characters: %.*s", c, (int)(nl - p), p);
		buf_add(joined, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

/*
 * The receipt (receipt.xsl, GET /api/v1/talons/{number}/slip?format=text
 * and the desk's talon page): 42 columns in every language, the number,
 * the journal number, the times as on the slip, the access code in two
 * groups when given, the status page's address cut over lines.
 */
static void
receipt_fits_42_columns(void **state)
{
	static const char talon[] =
	    "<talon><number>2026-483920175-4</number>"
	    "<journal-number year=\"2026\">2318</journal-number>"
	    "<body code=\"almaty-auezov\" name-ru=\"Отдел образования "
	    "Ауэзовского района города Алматы\">Алматы қаласы Әуезов "
	    "ауданының білім бөлімі</body>"
	    "<received-at>2026-11-13T17:30:00+05:00</received-at>"
	    "<accepted-at>2026-11-16T15:42:07+05:00</accepted-at>"
	    "<accepted-by><name>Нұрланова Әйгерім Бақытжанқызы</name>"
	    "<position>кеңсе меңгерушісі</position></accepted-by>"
	    "<due>2026-12-01</due>"
	    "<clause>state-services-2013, art. 25 p. 2</clause></talon>";
	const char *params[] = { "code", "7KQ2M9XD", "status-url",
		"https://shagym.almaty.kz/status/", NULL };
	const char *nocode[] = { "status-url", "", NULL };
	const enum web_lang langs[] = { WEB_KK, WEB_RU, WEB_EN };
	xmlDocPtr d;

	(void)state;
	assert_non_null(d = xmlReadMemory(talon, (int)strlen(talon), NULL,
			    "UTF-8", XML_PARSE_NONET));
	for (size_t i = 0; i < N(langs); i++) {
		struct buf b, joined;

		buf_init(&b, 65536);
		buf_init(&joined, 65536);
		assert_int_equal(
		    web_view("receipt", d, langs[i], params, &b), 0);
		assert_lines_fit(b.data, 42, &joined);
		assert_non_null(strstr(b.data, "2026-483920175-4"));
		assert_non_null(strstr(b.data, "2318/2026"));
		assert_non_null(strstr(b.data, "13.11.2026 17:30"));
		assert_non_null(strstr(b.data, "16.11.2026 15:42"));
		assert_true(strstr(b.data, "13.11.2026 17:30") <
		    strstr(b.data, "16.11.2026 15:42"));
		assert_non_null(strstr(b.data, "01.12.2026"));
		assert_non_null(strstr(b.data, "7KQ2-M9XD"));
		assert_non_null(strstr(b.data, "Нұрланова Әйгерім"));
		assert_non_null(strstr(joined.data,
		    "https://shagym.almaty.kz/status/2026-483920175-4"));
		assert_non_null(strstr(
		    b.data, langs[i] == WEB_RU ? "Ауэзовского" : "Әуезов"));
		buf_free(&b);
		buf_free(&joined);
	}
	/* Without the code, no code and no address. */
	{
		struct buf b;

		buf_init(&b, 65536);
		assert_int_equal(web_view("receipt", d, WEB_KK, nocode, &b), 0);
		assert_null(strstr(b.data, "7KQ2"));
		assert_null(strstr(b.data, "https://"));
		buf_free(&b);
	}
	xmlFreeDoc(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lang_negotiation),
		cmocka_unit_test(receipt_fits_42_columns),
		cmocka_unit_test(long_accept_language),
		cmocka_unit_test(every_key_a_stylesheet_names_has_a_text),
		cmocka_unit_test(languages_differ),
		cmocka_unit_test(every_state_outcome_and_channel_renders),
		cmocka_unit_test(status_page_in_words),
		cmocka_unit_test(error_pages),
		cmocka_unit_test(hostile_number_is_escaped),
		cmocka_unit_test(values_from_the_store_are_escaped),
		cmocka_unit_test(page_has_no_script_and_no_inline_style),
		cmocka_unit_test(buffer_cap_is_an_error),
		cmocka_unit_test(broken_files_are_refused),
		cmocka_unit_test(missing_text_fails_the_page),
		cmocka_unit_test(stylesheets_are_sandboxed),
		cmocka_unit_test(css_is_loaded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
