/*
 * Unit tests: notify (notice texts, MIME, the talon slip, PDFs, the
 * capture transport, addresses).  Run from the repository root: the
 * notices' stylesheet and catalogues are read from web/.  No network.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <fontconfig/fontconfig.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <pango/pangocairo.h>
#include <sodium.h>

#include "notify/notify.h"
#include "notify/notify_int.h"
#include "web/web.h"

#define WEB    "web"
#define N(a)   (sizeof(a) / sizeof((a)[0]))
#define KAZAKH "ӘҒҚҢӨҰҮҺІ"

static struct notify_letter
sample(const char *kind, const char *lang)
{
	struct notify_letter l = {
		.kind = kind,
		.lang = lang,
		.uid = "6f1c2a9e-3b7d-4e15-9a0c-2d8e5f4b7a13",
		.surname = "Әбілқасымова",
		.name = "Гүлнұр",
		.patronymic = "Серікқызы",
		.address = "050046, Алматы қаласы, Әуезов ауданы,\n"
			   "Жетісу-1 ықшамауданы, 14-үй, 27-пәтер",
		.email = "gulnur@example.kz",
		.body_code = "almaty-auezov",
		.body_name_kk = "Алматы қаласы Әуезов ауданының білім бөлімі",
		.body_name_ru = "Отдел образования Ауэзовского района "
				"города Алматы",
		.body_address = "050062, Алматы қаласы, Жандосов көшесі, 51",
		.body_phones = "+7 727 376 52 10, +7 727 376 52 11",
		.out_number = "1042/2026",
		.date = "2026-12-03",
		.talon = "2026-483920175-4",
		.journal_number = "2318/2026",
		.accepted_on = "2026-11-16",
		.service = 5,
		.service_title = "Мектепке дейінгі балалар ұйымдарына жіберу "
				 "үшін кезекке қою",
		.due = "2026-12-01",
		.new_due = "2026-12-31",
		.extension_reason = "Мектепке дейінгі ұйымның құжаттарын "
				    "қосымша тексеру қажет.",
		.forwarded_to_name = "Алматы қаласы Білім басқармасы",
		.forward_reason = "Мәселе қалалық органның құзыретінде.",
		.outcome = "partly-upheld",
		.reasoning = "Тексеру барысында кезектің дұрыс жүргізілмегені "
			     "анықталды; " KAZAKH " әріптері де дұрыс шығады.",
		.decided_by = "Бөлім басшысы Д. Қ. Ахметов",
		.appeal_to_name = "Алматы қаласы Білім басқармасы",
		.court_clause = "Регламент 5, 32-тармақ",
		.status_url = "https://shagym.almaty.kz/t/2026-483920175-4",
	};
	return l;
}

static int
group_setup(void **state)
{
	char err[512];

	(void)state;
	if (web_init(WEB, err, sizeof(err)) == -1) {
		fprintf(stderr, "web_init: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	web_cleanup();
	/* So that valgrind sees only what the code under test leaks. */
	pango_cairo_font_map_set_default(NULL);
	FcFini();
	return 0;
}

/* --- Notice texts (web/xsl/notice.xsl over the catalogues) --- */

static const char *const all_kinds[] = { "forwarded", "extended", "decision",
	"overdue", "reminder", "received", "confirm", "talon" };
static const char *const all_langs[] = { "kk", "ru", "en" };

/*
 * The expected texts are made here from the catalogue files themselves,
 * read with libxml2 apart from the daemon's loader, and the letter's
 * facts: which texts a notice of each kind holds, in which order, is the
 * specification below.
 */
static char *
cat_text(const char *lang, const char *key)
{
	char path[128], xp[256];
	xmlDocPtr d;
	xmlXPathContextPtr x;
	xmlXPathObjectPtr o;
	char *s = NULL;

	snprintf(path, sizeof(path), WEB "/lang/%s.xml", lang);
	assert_non_null(d = xmlReadFile(path, NULL, XML_PARSE_NONET));
	x = xmlXPathNewContext(d);
	snprintf(xp, sizeof(xp), "/catalogue/text[@key='%s']", key);
	o = xmlXPathEvalExpression(BAD_CAST xp, x);
	if (o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr == 1) {
		xmlChar *c = xmlNodeGetContent(o->nodesetval->nodeTab[0]);

		s = strdup((char *)c);
		xmlFree(c);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(x);
	xmlFreeDoc(d);
	if (s == NULL)
		fail_msg("%s: no text %s", path, key);
	return s;
}

/* The value the notice shows for {name}. */
static void
expect_fact(const struct notify_letter *l, const char *name, struct buf *out)
{
	const char *date = NULL, *v = NULL;

	if (strcmp(name, "full-name") == 0) {
		const char *p[] = { l->surname, l->name, l->patronymic };
		int n = 0;

		for (int i = 0; i < 3; i++)
			if (p[i] != NULL && *p[i] != '\0')
				buf_printf(out, "%s%s", n++ ? " " : "", p[i]);
		return;
	}
	if (strcmp(name, "body-name") == 0)
		v = strcmp(l->lang, "kk") == 0 ? l->body_name_kk :
						 l->body_name_ru;
	else if (strcmp(name, "service") == 0) {
		buf_printf(out, "%d", l->service);
		return;
	} else if (strcmp(name, "outcome") == 0) {
		char key[64], *t;

		snprintf(key, sizeof(key), "notice.outcome.%s", l->outcome);
		t = cat_text(l->lang, key);
		buf_puts(out, t);
		free(t);
		return;
	} else if (strcmp(name, "accepted-on") == 0)
		date = l->accepted_on;
	else if (strcmp(name, "due") == 0)
		date = l->due;
	else if (strcmp(name, "new-due") == 0)
		date = l->new_due;
	else if (strcmp(name, "talon") == 0)
		v = l->talon;
	else if (strcmp(name, "journal-number") == 0)
		v = l->journal_number;
	else if (strcmp(name, "service-title") == 0)
		v = l->service_title;
	else if (strcmp(name, "extension-reason") == 0)
		v = l->extension_reason;
	else if (strcmp(name, "forwarded-to") == 0)
		v = l->forwarded_to_name;
	else if (strcmp(name, "forward-reason") == 0)
		v = l->forward_reason;
	else if (strcmp(name, "reasoning") == 0)
		v = l->reasoning;
	else if (strcmp(name, "decided-by") == 0)
		v = l->decided_by;
	else if (strcmp(name, "appeal-to") == 0)
		v = l->appeal_to_name;
	else if (strcmp(name, "court-clause") == 0)
		v = l->court_clause;
	else if (strcmp(name, "status-url") == 0)
		v = l->status_url;
	else if (strcmp(name, "confirm-url") == 0)
		v = l->confirm_url;
	else
		fail_msg("the catalogue names an unknown fact {%s}", name);
	if (date != NULL) {
		/* notice.date with {day}, {month}, {year} of YYYY-MM-DD. */
		char *f = cat_text(l->lang, "notice.date"), *p = f;

		while (*p != '\0') {
			if (strncmp(p, "{day}", 5) == 0)
				buf_add(out, date + 8, 2), p += 5;
			else if (strncmp(p, "{month}", 7) == 0)
				buf_add(out, date + 5, 2), p += 7;
			else if (strncmp(p, "{year}", 6) == 0)
				buf_add(out, date, 4), p += 6;
			else
				buf_add(out, p++, 1);
		}
		free(f);
		return;
	}
	if (v == NULL)
		fail_msg("{%s}: the sample has no such fact", name);
	buf_puts(out, v);
}

/* Appends the text of key in the letter's language, filled in. */
static void
expect_text(const struct notify_letter *l, const char *key, struct buf *out)
{
	char *all = cat_text(l->lang, key), *t = all, *p, *e;

	while ((p = strchr(t, '{')) != NULL && (e = strchr(p, '}')) != NULL) {
		*p = *e = '\0';
		buf_puts(out, t);
		expect_fact(l, p + 1, out);
		t = e + 1;
	}
	buf_puts(out, t);
	free(all);
}

static int
set(const char *s)
{
	return s != NULL && *s != '\0';
}

/* Paragraph (blank line before) and line (line break before). */
#define P(k) \
	do { \
		buf_puts(t, "\n\n"); \
		expect_text(l, k, t); \
	} while (0)
#define BR(k) \
	do { \
		buf_puts(t, "\n"); \
		expect_text(l, k, t); \
	} while (0)

/* What a notice of the letter's kind says, by the catalogue's texts. */
static void
expect_notice(const struct notify_letter *l, struct buf *s, struct buf *t)
{
	const char *k = l->kind;
	char key[64];

	snprintf(key, sizeof(key), "notice.%s.subject", k);
	expect_text(l, key, s);
	if (strcmp(k, "decision") == 0) {
		P("notice.greeting");
		P(set(l->service_title) ? "notice.decision.intro.service" :
					  "notice.decision.intro");
		P("notice.decision.outcome");
		P("notice.decision.reasoning");
		snprintf(key, sizeof(key), "notice.decision.%s%s",
		    set(l->appeal_to_name) ? "appeal" : "court",
		    set(l->court_clause) ? ".clause" : "");
		P(key);
		if (set(l->status_url))
			P("notice.status-url");
		P(set(l->decided_by) ? "notice.sign-off.decided" :
				       "notice.sign-off");
	} else if (strcmp(k, "extended") == 0) {
		P("notice.greeting");
		P("notice.extended.intro");
		if (set(l->extension_reason))
			P("notice.extended.reason");
		P("notice.extended.later");
		if (set(l->status_url))
			P("notice.status-url");
		P("notice.sign-off");
	} else if (strcmp(k, "forwarded") == 0) {
		P("notice.greeting");
		P("notice.forwarded.intro");
		P("notice.forwarded.to");
		if (set(l->forward_reason))
			P("notice.forwarded.reason");
		P("notice.forwarded.term");
		if (set(l->status_url))
			P("notice.status-url");
		P("notice.sign-off");
	} else if (strcmp(k, "overdue") == 0 || strcmp(k, "reminder") == 0) {
		P("notice.staff.to-head");
		snprintf(key, sizeof(key), "notice.%s.intro", k);
		P(key);
		P("notice.staff.applicant");
		if (set(l->service_title))
			BR(l->service > 0 ? "notice.staff.service" :
					    "notice.staff.service-title");
		BR("notice.staff.talon");
		snprintf(key, sizeof(key), "notice.%s.ask", k);
		P(key);
		if (set(l->status_url))
			P("notice.staff.status-url");
		P("notice.staff.auto");
	} else if (strcmp(k, "received") == 0) {
		P("notice.received.hello");
		P("notice.received.intro");
		P("notice.received.auto");
	} else if (strcmp(k, "confirm") == 0) {
		P("notice.greeting");
		P("notice.confirm.intro");
		P("notice.confirm.url");
		P("notice.confirm.note");
	} else if (strcmp(k, "talon") == 0) {
		P("notice.greeting");
		P("notice.talon.intro");
		P("notice.talon.facts");
		P("notice.talon.attached");
		if (set(l->status_url))
			P("notice.status-url");
	} else
		fail_msg("no such kind %s", k);
	buf_puts(t, "\n");
}

static void
check_notice(const struct notify_letter *l)
{
	struct buf s, t, es, et;
	char err[256];

	buf_init(&s, 4096);
	buf_init(&t, 64 * 1024);
	buf_init(&es, 4096);
	buf_init(&et, 64 * 1024);
	if (notify_text(l, &s, &t, err, sizeof(err)) != 0)
		fail_msg("%s.%s: %s", l->kind, l->lang, err);
	expect_notice(l, &es, &et);
	/* The subject, a blank line, the paragraphs a blank line apart. */
	assert_true(strncmp(et.data, "\n\n", 2) == 0);
	assert_string_equal(s.data, es.data);
	assert_string_equal(t.data, et.data + 2);
	/* Every placeholder filled in; the facts are there. */
	assert_null(strchr(s.data, '{'));
	assert_null(strchr(t.data, '{'));
	assert_null(strchr(s.data, '\n'));
	assert_null(strstr(t.data, "\n\n\n"));
	buf_free(&s);
	buf_free(&t);
	buf_free(&es);
	buf_free(&et);
}

static struct notify_talon sample_talon(const char *lang);

static void
notice_every_kind_and_language(void **state)
{
	(void)state;
	for (size_t k = 0; k < N(all_kinds); k++)
		for (size_t g = 0; g < N(all_langs); g++) {
			struct notify_letter l = sample(
			    all_kinds[k], all_langs[g]);

			l.confirm_url = "https://shagym.almaty.kz/file/c/"
					"Zm9vYmFy";
			check_notice(&l);
			/* And with every optional fact left out. */
			l.service_title = NULL;
			l.status_url = NULL;
			l.extension_reason = NULL;
			l.forward_reason = NULL;
			l.decided_by = NULL;
			l.appeal_to_name = NULL;
			l.court_clause = NULL;
			l.patronymic = NULL;
			check_notice(&l);
		}
}

/* The buffers a notice test renders into (cmocka's state). */
struct fx {
	struct buf s, t;
	char err[256];
};

static int
fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	buf_init(&f->s, 1024);
	buf_init(&f->t, 64 * 1024);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	buf_free(&f->s);
	buf_free(&f->t);
	free(f);
	return 0;
}

static void
notice_says_what_it_must(void **state)
{
	struct fx *f = *state;
	struct notify_letter l = sample("decision", "kk");
	struct buf *s = &f->s, *t = &f->t;
	char *err = f->err;
	const size_t errlen = sizeof(f->err);

	assert_int_equal(notify_text(&l, s, t, err, errlen), 0);
	/* Spot checks by hand, beside the catalogue-made comparison. */
	assert_string_equal(s->data,
	    "Шағымыңызды қарау нәтижесі туралы "
	    "(талон № 2026-483920175-4)");
	assert_non_null(strstr(t->data, "16.11.2026"));
	assert_non_null(strstr(t->data, "ішінара қанағаттандырылды"));
	assert_non_null(strstr(t->data, l.reasoning));
	assert_non_null(strstr(t->data, "Әбілқасымова Гүлнұр Серікқызы"));
	assert_non_null(strstr(t->data, "(Регламент 5, 32-тармақ)"));

	/* In Russian, the body's Russian name; an unknown outcome fails. */
	l.lang = "ru";
	buf_reset(s);
	buf_reset(t);
	assert_int_equal(notify_text(&l, s, t, err, errlen), 0);
	assert_non_null(strstr(t->data, l.body_name_ru));
	assert_null(strstr(t->data, l.body_name_kk));
	l.outcome = "maybe";
	buf_reset(s);
	buf_reset(t);
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
	assert_non_null(strstr(err, "notice.outcome.maybe"));

	/* A fact a text needs and the notice lacks: an error, no blank. */
	l = sample("extended", "en");
	l.new_due = NULL;
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
	assert_non_null(strstr(err, "{new-due}"));
	/* No such kind or language. */
	l = sample("appeal", "kk");
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
	l = sample("decision", "de");
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
}

static void
notice_values_are_verbatim(void **state)
{
	struct fx *f = *state;
	struct notify_letter l = sample("decision", "kk");
	struct buf *s = &f->s, *t = &f->t;
	char *err = f->err;
	const size_t errlen = sizeof(f->err);

	/* A value is never read as a placeholder, markup or entity. */
	l.reasoning = "{talon} {nope} <b>&amp; ]]> &#10;\nline 2 }";
	assert_int_equal(notify_text(&l, s, t, err, errlen), 0);
	assert_non_null(strstr(t->data, l.reasoning));
	/* Not UTF-8, or a control character: refused. */
	l.reasoning = "\xff\xfe";
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
	l.reasoning = "a\x01b";
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
	/* A line ends in LF. */
	l.reasoning = "line 1\r\nline 2";
	buf_reset(t);
	assert_int_equal(notify_text(&l, s, t, err, errlen), 0);
	assert_non_null(strstr(t->data, "line 1\nline 2"));
	assert_null(strchr(t->data, '\r'));
	/* A line break cannot reach the subject. */
	l = sample("decision", "kk");
	l.talon = "1\nBcc: x@example.com";
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
	/* The output's cap is kept. */
	l = sample("decision", "kk");
	buf_free(t);
	buf_init(t, 10);
	assert_int_equal(notify_text(&l, s, t, err, errlen), -1);
}

/* Copies the folder src into dst, one level of sub-folders. */
static void
copy_tree(const char *src, const char *dst)
{
	char a[512], b[512];
	struct dirent *e;
	struct stat st;
	DIR *d;

	assert_int_equal(mkdir(dst, 0700), 0);
	assert_non_null(d = opendir(src));
	while ((e = readdir(d)) != NULL) {
		size_t n;
		char *s;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(a, sizeof(a), "%s/%s", src, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", dst, e->d_name);
		assert_int_equal(stat(a, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			copy_tree(a, b);
			continue;
		}
		assert_non_null(s = read_whole_file(a, 1 << 20, &n, NULL, 0));
		assert_non_null(f = fopen(b, "w"));
		assert_int_equal(fwrite(s, 1, n, f), n);
		assert_int_equal(fclose(f), 0);
		free(s);
	}
	closedir(d);
}

/* Takes the <text key="key"> element out of a catalogue file. */
static void
drop_key(const char *path, const char *key)
{
	char pat[128], *s, *p, *e;
	size_t n;
	FILE *f;

	assert_non_null(s = read_whole_file(path, 1 << 20, &n, NULL, 0));
	snprintf(pat, sizeof(pat), "<text key=\"%s\">", key);
	assert_non_null(p = strstr(s, pat));
	assert_non_null(e = strstr(p, "</text>"));
	memmove(p, e + 7, strlen(e + 7) + 1);
	assert_non_null(f = fopen(path, "w"));
	fputs(s, f);
	assert_int_equal(fclose(f), 0);
	free(s);
}

static void
remove_tree(const char *dir)
{
	char path[512];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * A text missing from the catalogues fails the notice that needs it (and
 * no other), with the key named.
 */
static void
notice_missing_key_fails(void **state)
{
	char dir[] = "/tmp/test_notify.XXXXXX", web[600], path[700], err[256];
	struct notify_letter l = sample("extended", "ru");
	struct buf s, t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(web, sizeof(web), "%s/web", dir);
	copy_tree(WEB, web);
	for (size_t g = 0; g < N(all_langs); g++) {
		snprintf(
		    path, sizeof(path), "%s/lang/%s.xml", web, all_langs[g]);
		drop_key(path, "notice.extended.later");
		drop_key(path, "letter.talon");
		drop_key(path, "talon.code");
		drop_key(path, "register.total");
	}
	assert_int_equal(web_init(web, err, sizeof(err)), 0);
	buf_init(&s, 1024);
	buf_init(&t, 64 * 1024);
	assert_int_equal(notify_text(&l, &s, &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "notice.extended.later"));
	l = sample("forwarded", "ru");
	assert_int_equal(notify_text(&l, &s, &t, err, sizeof(err)), 0);
	/* The letter's letterhead needs its labels as the text does. */
	buf_free(&s);
	buf_init(&s, NOTIFY_PDF_MAX);
	assert_int_equal(
	    notify_letter_pdf(&l, t.data, &s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "letter.talon"));
	{
		struct notify_talon tl = sample_talon("en");

		buf_reset(&s);
		assert_int_equal(
		    notify_talon_pdf(&tl, &s, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "talon.code"));
	}
	{
		struct notify_register_row row = { "1/2026", "Ким Ен", "Алматы",
			"2026-483920175-4" };

		buf_reset(&s);
		assert_int_equal(notify_register_pdf(&row, 1, "x", "2026-12-03",
				     &s, err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "register.total"));
	}
	/* Missing in one language only: the catalogues are refused. */
	snprintf(path, sizeof(path), "%s/lang/kk.xml", web);
	drop_key(path, "notice.forwarded.term");
	assert_int_equal(web_init(web, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "notice.forwarded.term"));
	assert_int_equal(web_init(WEB, err, sizeof(err)), 0);
	buf_free(&s);
	buf_free(&t);
	remove_tree(dir);
}

/* --- MIME --- */

/* Decodes base64 text (line breaks allowed) into out. */
static void
b64_decode(const char *s, size_t n, struct buf *out)
{
	size_t len;
	unsigned char *bin = malloc(n + 1);

	assert_non_null(bin);
	assert_int_equal(sodium_base642bin(bin, n + 1, s, n, "\r\n", &len, NULL,
			     sodium_base64_VARIANT_ORIGINAL),
	    0);
	assert_int_equal(buf_add(out, bin, len), 0);
	free(bin);
}

/* Every line of a message: CRLF, and at most max characters. */
static void
check_lines(const char *m, size_t len, size_t max)
{
	const char *p = m, *e = m + len;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));

		assert_non_null(nl);
		assert_true(nl > p && nl[-1] == '\r');
		if ((size_t)(nl - 1 - p) > max)
			fail_msg("line over %zu: %.*s", max, (int)(nl - p), p);
		p = nl + 1;
	}
}

/* Decodes RFC 2047 Q text (underscore a blank) into out. */
static void
q_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int c;

		if (s[i] == '_')
			buf_add(out, " ", 1);
		else if (s[i] == '=' && i + 2 < n &&
		    sscanf(s + i + 1, "%2x", &c) == 1) {
			unsigned char b = (unsigned char)c;

			buf_add(out, &b, 1);
			i += 2;
		} else
			buf_add(out, s + i, 1);
	}
}

/*
 * Decodes an unfolded header value into out: encoded words (UTF-8, B or
 * Q) and the plain text between them; the blanks between two adjacent
 * encoded words are dropped (RFC 2047, 6.2).
 */
static void
decode_words(const char *v, struct buf *out)
{
	const char *p = v, *pending = NULL;
	int after_word = 0;

	while (*p != '\0') {
		if (strncasecmp(p, "=?UTF-8?", 8) == 0 &&
		    strchr("BbQq", p[8]) != NULL && p[9] == '?') {
			const char *e = strstr(p + 10, "?=");

			assert_non_null(e);
			if (pending != NULL && !after_word)
				buf_add(out, pending, (size_t)(p - pending));
			if (p[8] == 'B' || p[8] == 'b')
				b64_decode(p + 10, (size_t)(e - p - 10), out);
			else
				q_decode(p + 10, (size_t)(e - p - 10), out);
			p = e + 2;
			pending = NULL;
			after_word = 1;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			if (pending == NULL)
				pending = p;
			p++;
			continue;
		}
		if (pending != NULL)
			buf_add(out, pending, (size_t)(p - pending));
		pending = NULL;
		after_word = 0;
		buf_add(out, p++, 1);
	}
	buf_add(out, "", 0);
}

/* The value of a header in a header block, unfolded. */
static void
header(const char *head, const char *name, struct buf *out)
{
	char key[64];
	const char *p, *e;

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	buf_reset(out);
	/* Header names are not case-sensitive (RFC 5322, 1.2.2). */
	if ((p = strcasestr(head, key)) == NULL)
		fail_msg("no %s header", name);
	p += strlen(key);
	for (;;) {
		e = strstr(p, "\r\n");
		assert_int_equal(buf_add(out, p, (size_t)(e - p)), 0);
		if (e[2] != ' ' && e[2] != '\t')
			break;
		p = e + 3;
	}
}

static void
mime_structure(void **state)
{
	struct buf pdf, m, h, d, part;
	struct notify_mime_in in;
	const char *body, *b, *p;
	char boundary[128], delim[140];
	int parts = 0;

	(void)state;
	buf_init(&pdf, 4096);
	for (int i = 0; i < 300; i++)
		buf_add(&pdf, "%PDF-\x01\x02\xff", 8);
	buf_init(&m, 1 << 20);
	buf_init(&h, 4096);
	buf_init(&d, 1 << 20);
	buf_init(&part, 1 << 20);
	memset(&in, 0, sizeof(in));
	in.from = "noreply@auezov-edu.almaty.kz";
	in.from_name = "Әуезов ауданының білім бөлімі";
	in.to = "gulnur@example.kz";
	in.to_name = "Әбілқасымова Гүлнұр";
	in.subject = "Шағымыңызды қарау нәтижесі туралы";
	in.date = 1795670100; /* 2026-11-26T10:15:00+05:00 */
	in.tz = "Asia/Almaty";
	in.uid = "6f1c2a9e-3b7d-4e15-9a0c-2d8e5f4b7a13";
	in.host = "complaints.almaty.kz";
	in.text_kk = "Құрметті Гүлнұр!\nМәтін " KAZAKH ".\n";
	in.text_ru = "Уважаемая Гүлнұр!\r\nТекст.";
	in.pdf = &pdf;
	in.pdf_name = "letter-1042-2026.pdf";
	/* A line break before the message, so that header() finds the first. */
	buf_puts(&m, "\r\n");
	assert_int_equal(notify_mime(&in, &m), 0);
	check_lines(m.data + 2, m.len - 2, 998);

	/* Headers: folded at 78 (RFC 5322, 2.1.1). */
	assert_non_null(body = strstr(m.data + 2, "\r\n\r\n"));
	check_lines(m.data + 2, (size_t)(body + 2 - m.data - 2), 78);
	header(m.data, "Subject", &h);
	decode_words(h.data, &d);
	assert_string_equal(d.data, in.subject);
	header(m.data, "From", &h);
	buf_reset(&d);
	decode_words(h.data, &d);
	assert_non_null(strstr(d.data, in.from_name));
	assert_non_null(strstr(d.data, "<noreply@auezov-edu.almaty.kz>"));
	header(m.data, "Content-Language", &h);
	assert_string_equal(h.data, "kk, ru");
	header(m.data, "Message-ID", &h);
	assert_string_equal(h.data,
	    "<6f1c2a9e-3b7d-4e15-9a0c-2d8e5f4b7a13@"
	    "complaints.almaty.kz>");
	header(m.data, "Date", &h);
	assert_string_equal(h.data, "Thu, 26 Nov 2026 10:15:00 +0500");
	header(m.data, "Auto-Submitted", &h);
	assert_string_equal(h.data, "auto-generated");
	header(m.data, "MIME-Version", &h);
	assert_string_equal(h.data, "1.0");
	header(m.data, "To", &h);
	assert_non_null(strstr(h.data, "<gulnur@example.kz>"));
	buf_reset(&d);
	decode_words(h.data, &d);
	assert_non_null(strstr(d.data, in.to_name));
	assert_null(strcasestr(m.data, "\r\nIn-Reply-To:"));
	header(m.data, "Content-Type", &h);
	assert_true(strncasecmp(h.data, "multipart/mixed;", 16) == 0);
	assert_non_null(p = strstr(h.data, "boundary=\""));
	p += 10;
	snprintf(boundary, sizeof(boundary), "%.*s", (int)strcspn(p, "\""), p);
	snprintf(delim, sizeof(delim), "\r\n--%s", boundary);

	/* Parts: text, then the PDF, then the close delimiter. */
	b = strstr(body, delim);
	while (b != NULL) {
		const char *next, *pb;

		b += strlen(delim);
		if (strncmp(b, "--\r\n", 4) == 0)
			break;
		assert_true(strncmp(b, "\r\n", 2) == 0);
		assert_non_null(next = strstr(b, delim));
		assert_non_null(pb = strstr(b, "\r\n\r\n"));
		buf_reset(&part);
		b64_decode(pb + 4, (size_t)(next - pb - 4), &part);
		/* The part's headers, with a line break in front. */
		buf_reset(&h);
		buf_puts(&h, "\r\n");
		buf_add(&h, b, (size_t)(pb + 2 - b));
		header(h.data, "Content-Transfer-Encoding", &d);
		assert_string_equal(d.data, "base64");
		header(h.data, "Content-Type", &d);
		if (parts == 0) {
			assert_non_null(strcasestr(d.data, "text/plain"));
			assert_non_null(strcasestr(d.data, "charset=utf-8"));
			assert_non_null(strstr(part.data,
			    "Құрметті Гүлнұр!"
			    "\r\nМәтін " KAZAKH ".\r\n"));
			assert_non_null(strstr(part.data,
			    "Уважаемая Гүлнұр!"
			    "\r\nТекст.\r\n"));
			assert_true(strstr(part.data, "Құрметті") <
			    strstr(part.data, "Уважаемая"));
		} else {
			assert_non_null(strcasestr(d.data, "application/pdf"));
			header(h.data, "Content-Disposition", &d);
			assert_true(
			    strncasecmp(d.data, "attachment;", 11) == 0);
			assert_non_null(strstr(d.data, "letter-1042-2026.pdf"));
			assert_int_equal(part.len, pdf.len);
			assert_memory_equal(part.data, pdf.data, pdf.len);
			check_lines(pb + 4, (size_t)(next + 2 - pb - 4), 76);
		}
		parts++;
		b = next;
	}
	assert_int_equal(parts, 2);
	assert_non_null(b);

	/* A reply without attachment; the same Message-ID every time. */
	buf_reset(&m);
	buf_puts(&m, "\r\n");
	in.in_reply_to = "abc.123@mail.example.kz";
	in.pdf = NULL;
	assert_int_equal(notify_mime(&in, &m), 0);
	header(m.data, "In-Reply-To", &h);
	assert_string_equal(h.data, "<abc.123@mail.example.kz>");
	header(m.data, "References", &h);
	assert_string_equal(h.data, "<abc.123@mail.example.kz>");
	header(m.data, "Auto-Submitted", &h);
	assert_string_equal(h.data, "auto-replied");
	header(m.data, "Message-ID", &h);
	assert_string_equal(h.data,
	    "<6f1c2a9e-3b7d-4e15-9a0c-2d8e5f4b7a13@"
	    "complaints.almaty.kz>");
	assert_null(strcasestr(m.data, "application/pdf"));
	in.in_reply_to = "a b@c";
	buf_reset(&m);
	assert_int_equal(notify_mime(&in, &m), -1);
	in.in_reply_to = NULL;
	in.pdf = &pdf;

	/* Refused: a bad address, a line break in the subject. */
	buf_reset(&m);
	in.to = "not an address";
	assert_int_equal(notify_mime(&in, &m), -1);
	in.to = "gulnur@example.kz";
	in.subject = "x\r\nBcc: y@example.com";
	buf_reset(&m);
	assert_int_equal(notify_mime(&in, &m), -1);
	in.subject = "x";
	in.uid = "a>b";
	buf_reset(&m);
	assert_int_equal(notify_mime(&in, &m), -1);

	buf_free(&pdf);
	buf_free(&m);
	buf_free(&h);
	buf_free(&d);
	buf_free(&part);
}

static void
email_validation(void **state)
{
	const char *good[] = {
		"a@b.kz",
		"gulnur.abilkasymova@mail.kz",
		"user+tag@sub.example.com",
		"x_y-z@xn--80ao21a.xn--80ao21a",
	};
	const char *bad[] = {
		"",
		"a",
		"@b.kz",
		"a@",
		"a@b",
		"a@@b.kz",
		"a@b@c.kz",
		"a b@c.kz",
		"a@b .kz",
		"a@b..kz",
		".a@b.kz",
		"a.@b.kz",
		"a..b@c.kz",
		"a@-b.kz",
		"a@b-.kz",
		"a@1.2.3.4",
		"a\n@b.kz",
		"<a@b.kz>",
		"a@b.kz\r\nRCPT TO:<x@y.z>",
		"\"a\"@b.kz",
		"гүлнұр@mail.kz",
		"a@.kz",
		"a@b.kz.",
	};
	char longlocal[80], longaddr[300];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!notify_email_valid(good[i]))
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (notify_email_valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
	assert_false(notify_email_valid(NULL));
	memset(longlocal, 'a', 65);
	snprintf(longlocal + 65, sizeof(longlocal) - 65, "@b.kz");
	assert_false(notify_email_valid(longlocal));
	memset(longaddr, 'a', 250);
	snprintf(longaddr + 250, sizeof(longaddr) - 250, "@b.kz");
	assert_false(notify_email_valid(longaddr));
}

static void
smtp_classification(void **state)
{
	(void)state;
	assert_int_equal(notify_smtp_classify(CURLE_OK, 250), NOTIFY_SENT);
	assert_int_equal(
	    notify_smtp_classify(CURLE_COULDNT_CONNECT, 0), NOTIFY_TEMPFAIL);
	assert_int_equal(
	    notify_smtp_classify(CURLE_OPERATION_TIMEDOUT, 0), NOTIFY_TEMPFAIL);
	assert_int_equal(
	    notify_smtp_classify(CURLE_SEND_ERROR, 550), NOTIFY_PERMFAIL);
	assert_int_equal(
	    notify_smtp_classify(CURLE_RECV_ERROR, 553), NOTIFY_PERMFAIL);
	assert_int_equal(
	    notify_smtp_classify(CURLE_SEND_ERROR, 451), NOTIFY_TEMPFAIL);
	assert_int_equal(notify_smtp_classify(CURLE_WEIRD_SERVER_REPLY, 554),
	    NOTIFY_PERMFAIL);
	assert_int_equal(notify_smtp_classify(CURLE_WEIRD_SERVER_REPLY, 421),
	    NOTIFY_TEMPFAIL);
	/* Our login or TLS is wrong: not the message's fault. */
	assert_int_equal(
	    notify_smtp_classify(CURLE_LOGIN_DENIED, 535), NOTIFY_TEMPFAIL);
	assert_int_equal(
	    notify_smtp_classify(CURLE_USE_SSL_FAILED, 0), NOTIFY_TEMPFAIL);
	/* The connection dropped after DATA's 354. */
	assert_int_equal(
	    notify_smtp_classify(CURLE_SEND_ERROR, 354), NOTIFY_TEMPFAIL);
	assert_string_equal(
	    notify_result_str(NOTIFY_PERMFAIL), "permanent failure");
}

static void
smtp_open_checks_the_url(void **state)
{
	struct notify_smtp_conf c;
	void *h;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.url = "http://localhost/";
	assert_null(notify_transport_smtp.open(&c));
	c.url = NULL;
	assert_null(notify_transport_smtp.open(&c));
	c.url = "smtp://127.0.0.1:1";
	assert_non_null(h = notify_transport_smtp.open(&c));
	notify_transport_smtp.close(h);
	notify_transport_smtp.close(NULL);
}

/* --- The capture transport --- */

static void
capture_transport(void **state)
{
	char dir[] = "/tmp/test_notify.XXXXXX", detail[512], path[600];
	const struct notify_transport *t = &notify_transport_capture;
	struct notify_smtp_conf c;
	struct buf msg, got;
	struct dirent *e;
	DIR *d;
	FILE *f;
	void *h;
	int files = 0;
	size_t n;
	char chunk[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	memset(&c, 0, sizeof(c));
	c.capture_dir = "/nonexistent/folder";
	assert_null(t->open(&c));
	c.capture_dir = dir;
	assert_non_null(h = t->open(&c));
	assert_string_equal(t->name, "capture");

	buf_init(&msg, 1024);
	buf_puts(&msg, "Subject: x\r\n\r\nbody\r\n");
	assert_int_equal(t->send(h, "noreply@edu.kz", "a@b.kz", &msg, detail,
			     sizeof(detail)),
	    NOTIFY_SENT);
	assert_non_null(strstr(detail, "captured as"));
	assert_int_equal(t->send(h, "noreply@edu.kz", "a@b.kz", &msg, detail,
			     sizeof(detail)),
	    NOTIFY_SENT);
	assert_int_equal(t->send(h, "noreply@edu.kz", "nobody", &msg, detail,
			     sizeof(detail)),
	    NOTIFY_PERMFAIL);
	assert_string_equal(detail, "bad recipient address");
	t->close(h);
	t->close(NULL);

	buf_init(&got, 4096);
	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		files++;
		assert_non_null(strstr(e->d_name, ".eml"));
		assert_null(strstr(e->d_name, ".tmp"));
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_non_null(f = fopen(path, "rb"));
		buf_reset(&got);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(&got, chunk, n);
		fclose(f);
		assert_string_equal(got.data,
		    "Return-Path: <noreply@edu.kz>"
		    "\r\nDelivered-To: a@b.kz\r\nSubject: x\r\n\r\nbody\r\n");
	}
	closedir(d);
	assert_int_equal(files, 2);
	buf_free(&msg);
	buf_free(&got);
	remove_tree(dir);
}

/* --- The talon slip --- */

static struct notify_talon
sample_talon(const char *lang)
{
	struct notify_talon t = {
		.number = "2026-483920175-4",
		.access_code = "7KQ2M9XD",
		.journal_number = "2318/2026",
		.body_name_kk = "Алматы қаласы Әуезов ауданының білім бөлімі",
		.body_name_ru = "Отдел образования Ауэзовского района "
				"города Алматы",
		.accepted_at = "2026-11-16T15:42:07+05:00",
		.registrar_name = "Нұрланова Әйгерім Бақытжанқызы",
		.registrar_position = "кеңсе меңгерушісі",
		.due = "2026-12-01",
		.status_url = "https://shagym.almaty.kz/t/2026-483920175-4",
		.lang = lang,
	};
	return t;
}

/* --- PDFs --- */

static int
have_pdftotext(void)
{
	return system("command -v pdftotext >/dev/null 2>&1") == 0;
}

/* The text pdftotext finds in a PDF, into out. */
static void
pdf_text(const struct buf *pdf, struct buf *out)
{
	char path[] = "/tmp/test_notify.XXXXXX", cmd[128], chunk[4096];
	FILE *p;
	size_t n;
	int fd;

	assert_true(pdf->len > 5 && memcmp(pdf->data, "%PDF-", 5) == 0);
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, pdf->data, pdf->len), (ssize_t)pdf->len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 %s -", path);
	assert_non_null(p = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		assert_int_equal(buf_add(out, chunk, n), 0);
	assert_int_equal(pclose(p), 0);
	unlink(path);
}

/* Keeps a copy for a look by eye, when tests/output exists. */
static void
keep(const struct buf *pdf, const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "tests/output/%s", name);
	if ((f = fopen(path, "wb")) == NULL)
		return;
	fwrite(pdf->data, 1, pdf->len, f);
	fclose(f);
}

static void
letter_pdf(void **state)
{
	struct notify_letter l = sample("decision", "kk");
	struct buf s, t, pdf, txt;
	char err[256];

	(void)state;
	buf_init(&s, 1024 * 16);
	buf_init(&t, 256 * 1024);
	buf_init(&pdf, NOTIFY_PDF_MAX);
	buf_init(&txt, 1 << 20);
	/* Long reasoning: the text goes over two pages at least. */
	for (int i = 0; i < 40; i++)
		buf_puts(&s,
		    "Тексеру барысында анықталған мән-жайлар "
		    "егжей-тегжейлі сипатталды. ");
	buf_puts(&s, KAZAKH);
	l.reasoning = s.data;
	{
		struct buf subj;

		buf_init(&subj, 1024);
		assert_int_equal(
		    notify_text(&l, &subj, &t, err, sizeof(err)), 0);
		buf_free(&subj);
	}
	if (notify_letter_pdf(&l, t.data, &pdf, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(memcmp(pdf.data, "%PDF-", 5) == 0);
	keep(&pdf, "letter.pdf");
	if (!have_pdftotext()) {
		buf_free(&s);
		buf_free(&t);
		buf_free(&pdf);
		buf_free(&txt);
		skip();
	}
	pdf_text(&pdf, &txt);
	assert_non_null(strstr(txt.data,
	    "050046, Алматы қаласы, Әуезов "
	    "ауданы,"));
	assert_non_null(strstr(txt.data,
	    "Жетісу-1 ықшамауданы, 14-үй, "
	    "27-пәтер"));
	assert_non_null(strstr(txt.data, "1042/2026"));
	assert_non_null(strstr(txt.data, "2026-483920175-4"));
	assert_non_null(strstr(txt.data, KAZAKH));
	assert_non_null(strstr(txt.data, "Әбілқасымова Гүлнұр Серікқызы"));
	assert_non_null(strstr(txt.data, "03.12.2026"));
	/* The letterhead's labels, Kazakh and Russian, as the catalogues say. */
	{
		const char *k[] = { "letter.out-number", "letter.date",
			"letter.journal-number", "letter.status" };

		for (size_t i = 0; i < N(k); i++)
			for (size_t g = 0; g < 2; g++) {
				char *want = cat_text(all_langs[g], k[i]);

				if (strstr(txt.data, want) == NULL)
					fail_msg("the letter lacks %s", want);
				free(want);
			}
	}
	/* Numbered pages; pdftotext may eat the blanks around "/". */
	assert_true(strstr(txt.data, "2 / 2") != NULL ||
	    strstr(txt.data, "2/2") != NULL);

	/* Too small a buffer is an error, not a truncated file. */
	buf_free(&pdf);
	buf_init(&pdf, 1000);
	assert_int_equal(
	    notify_letter_pdf(&l, t.data, &pdf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));

	buf_free(&s);
	buf_free(&t);
	buf_free(&pdf);
	buf_free(&txt);
}

static void
talon_pdf(void **state)
{
	struct notify_talon t = sample_talon("kk");
	struct buf pdf, txt;
	char err[256];

	(void)state;
	buf_init(&pdf, NOTIFY_PDF_MAX);
	buf_init(&txt, 1 << 20);
	if (notify_talon_pdf(&t, &pdf, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(memcmp(pdf.data, "%PDF-", 5) == 0);
	keep(&pdf, "talon.pdf");
	if (!have_pdftotext()) {
		buf_free(&pdf);
		buf_free(&txt);
		skip();
	}
	pdf_text(&pdf, &txt);
	assert_non_null(strstr(txt.data, "2026-483920175-4"));
	assert_non_null(strstr(txt.data, "7KQ2-M9XD"));
	assert_non_null(strstr(txt.data, "16.11.2026 15:42"));
	assert_non_null(strstr(txt.data, "Қол жеткізу коды"));
	assert_non_null(strstr(txt.data, "Нұрланова Әйгерім"));
	buf_free(&pdf);
	buf_free(&txt);
}

static void
register_csv_and_pdf(void **state)
{
	struct notify_register_row rows[60];
	struct buf csv, pdf, txt;
	char err[256];

	(void)state;
	for (size_t i = 0; i < 60; i++) {
		rows[i].out_number = "1042/2026";
		rows[i].addressee = "Әбілқасымова Гүлнұр Серікқызы";
		rows[i].address = "050046, Алматы қаласы, Әуезов ауданы, "
				  "Жетісу-1, 14-үй, 27-пәтер";
		rows[i].talon = "2026-483920175-4";
	}
	rows[1].addressee = "Ким \"Ли\" Ен";
	rows[1].address = "=HYPERLINK(\"x\")";
	rows[2].address = NULL;

	buf_init(&csv, 1 << 20);
	assert_int_equal(notify_register_csv(rows, 3, &csv), 0);
	assert_string_equal(csv.data,
	    "out_number,addressee,address,talon\r\n"
	    "1042/2026,Әбілқасымова Гүлнұр Серікқызы,\"050046, Алматы "
	    "қаласы, Әуезов ауданы, Жетісу-1, 14-үй, 27-пәтер\","
	    "2026-483920175-4\r\n"
	    "1042/2026,\"Ким \"\"Ли\"\" Ен\",\"'=HYPERLINK(\"\"x\"\")\","
	    "2026-483920175-4\r\n"
	    "1042/2026,Әбілқасымова Гүлнұр Серікқызы,,2026-483920175-4\r\n");

	buf_init(&pdf, NOTIFY_PDF_MAX);
	buf_init(&txt, 1 << 20);
	if (notify_register_pdf(rows, 60,
		"Алматы қаласы Әуезов ауданының "
		"білім бөлімі",
		"2026-12-03", &pdf, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	keep(&pdf, "register.pdf");
	assert_int_equal(notify_register_pdf(rows, 1, "x", "03.12.2026", &txt,
			     err, sizeof(err)),
	    -1);
	buf_reset(&txt);
	if (!have_pdftotext()) {
		buf_free(&csv);
		buf_free(&pdf);
		buf_free(&txt);
		skip();
	}
	pdf_text(&pdf, &txt);
	assert_non_null(strstr(txt.data, "Реестр почтовых отправлений"));
	assert_non_null(strstr(txt.data, "03.12.2026"));
	assert_non_null(strstr(txt.data, "Всего: 60"));
	/* The labels, Kazakh and Russian, as the catalogues word them. */
	for (size_t g = 0; g < 2; g++) {
		const char *k[] = { "register.title", "register.addressee",
			"register.total", "register.signature" };

		for (size_t i = 0; i < N(k); i++) {
			char *want = cat_text(all_langs[g], k[i]);

			if (strstr(txt.data, want) == NULL)
				fail_msg("the register lacks %s", want);
			free(want);
		}
	}
	assert_non_null(strstr(txt.data, "Ким \"Ли\" Ен"));
	buf_free(&csv);
	buf_free(&pdf);
	buf_free(&txt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(notice_every_kind_and_language),
		cmocka_unit_test_setup_teardown(
		    notice_says_what_it_must, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(
		    notice_values_are_verbatim, fx_setup, fx_teardown),
		cmocka_unit_test(notice_missing_key_fails),
		cmocka_unit_test(mime_structure),
		cmocka_unit_test(email_validation),
		cmocka_unit_test(smtp_classification),
		cmocka_unit_test(smtp_open_checks_the_url),
		cmocka_unit_test(capture_transport),
		cmocka_unit_test(letter_pdf),
		cmocka_unit_test(talon_pdf),
		cmocka_unit_test(register_csv_and_pdf),
	};

	if (sodium_init() < 0)
		return 1;
	if (tz_init("Asia/Almaty") == -1)
		return 1;
	notify_draw_here();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	{
		int rc = cmocka_run_group_tests_name(
		    "notify", tests, group_setup, group_teardown);

		curl_global_cleanup();
		return rc;
	}
}
