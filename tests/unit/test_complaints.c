/* Unit tests: complaints (registration and status through the service). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include <libxml/xpath.h>

#include "complaints/complaints.h"
#include "xmlio/xmlio.h"

/* The test's own access to the stored hash of a login. */
static void
stored_hash(
    const char *dir, const char *login, const char *set, char *out, size_t len)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char path[128];

	snprintf(path, sizeof(path), "%s/c.db", dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	if (set != NULL) {
		assert_int_equal(sqlite3_prepare_v2(h,
				     "UPDATE staff SET pw_hash = ?2 "
				     "WHERE login = ?1",
				     -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(st, 2, set, -1, SQLITE_STATIC);
	} else
		assert_int_equal(sqlite3_prepare_v2(h,
				     "SELECT pw_hash FROM staff WHERE "
				     "login = ?1",
				     -1, &st, NULL),
		    SQLITE_OK);
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	if (set != NULL)
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	else {
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(
		    out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

struct fx {
	char dir[64];
	struct complaints *cx;
	struct xmlio_schemas *schemas;
};

static const char doc_fmt[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<complaint>\n"
    "  <body>%s</body>\n"
    "  <service>%s</service>\n"
    "  <subject><name>№ 12 мектеп-гимназия</name></subject>\n"
    "  <channel>post</channel>\n"
    "  <applicant>\n"
    "    <surname>%s</surname>\n"
    "    <name>Гүлнұр</name>\n"
    "    <address>Алматы қ., Әуезов ауданы, 5 ш.а., 12 үй</address>\n"
    "  </applicant>\n"
    "  <signed>true</signed>\n"
    "  <reasons>Баламды мектепке қабылдамады.</reasons>\n"
    "  <demands>Қайта қарауды сұраймын.</demands>\n"
    "  <attachments><attachment name=\"scan.pdf\" "
    "media-type=\"application/pdf\" sha256=\"%064d\"/></attachments>\n"
    "  <registrar><name>Серікбаева Айгүл</name>"
    "<position>бас маман</position></registrar>\n"
    "</complaint>\n";

static char *
doc(const char *body, const char *service, const char *surname)
{
	static char b[4096];

	snprintf(b, sizeof(b), doc_fmt, body, service, surname, 0);
	return b;
}

static int
setup(void **state)
{
	struct complaints_conf c;
	struct fx *f = calloc(1, sizeof(*f));
	char db[128], key[128], err[256];

	xmlio_init();
	tz_init("Asia/Almaty");
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_cx.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(db, sizeof(db), "%s/c.db", f->dir);
	snprintf(key, sizeof(key), "%s/secret.key", f->dir);
	memset(&c, 0, sizeof(c));
	c.db_path = db;
	c.secret_path = key;
	c.schema_dir = "schemas";
	c.timezone = "Asia/Almaty";
	c.readers = 2;
	c.queue_max = 100;
	c.batch_max = 16;
	if ((f->cx = complaints_open(&c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	f->schemas = xmlio_schemas_load("schemas", err, sizeof(err));
	*state = f;
	return f->schemas ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	complaints_close(f->cx);
	xmlio_schemas_free(f->schemas);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static char *
text_of(struct fx *f, const struct buf *b, const char *root, const char *el)
{
	struct xmlio_err e;
	xmlDocPtr d;
	char *t;

	if (xmlio_parse(f->schemas, root, b->data, b->len, &d, &e) == -1)
		fail_msg("%s does not validate: %s", root, e.message);
	t = xmlio_child_text(xmlDocGetRootElement(d), el);
	xmlFreeDoc(d);
	return t;
}

static void
register_then_status(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	char *number, *jn, *code, *t;
	char wrong[TALON_LEN + 1];
	char unknown[TALON_LEN + 1];
	struct stat st;
	char key[128];
	const char *d = doc("almaty-auezov", "5", "Әбдіхалықова");

	buf_init(&b, 65536);
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    0);
	number = text_of(f, &b, "talon", "number");
	jn = text_of(f, &b, "talon", "journal-number");
	code = text_of(f, &b, "talon", "access-code");
	assert_string_equal(jn, "1");
	assert_int_equal(strlen(code), 8);
	buf_reset(&b);
	assert_int_equal(complaints_status(f->cx, number, NULL, &b, &e), 0);
	t = text_of(f, &b, "status", "state");
	assert_string_equal(t, "registered");
	free(t);
	/* No personal data in the status. */
	assert_null(strstr(b.data, "Әбдіхалықова"));
	assert_null(strstr(b.data, "Гүлнұр"));
	assert_null(strstr(b.data, "мектепке"));
	/* The talon again has no access code. */
	buf_reset(&b);
	assert_int_equal(
	    complaints_talon(f->cx, &complaints_system, number, &b, &e), 0);
	assert_null(strstr(b.data, "access-code"));
	assert_null(strstr(b.data, code));
	/* A mistyped number is told apart from an unknown one. */
	memcpy(wrong, number, sizeof(wrong));
	wrong[8] = wrong[8] == '9' ? '0' : (char)(wrong[8] + 1);
	assert_int_equal(complaints_status(f->cx, wrong, NULL, &b, &e), -1);
	assert_int_equal(e.errc, COMPLAINTS_EINVAL);
	assert_string_equal(e.code, "bad-check-digit");
	assert_non_null(strstr(e.message, "check digit does not match"));
	complaints_talon_generate(2026, unknown);
	assert_int_equal(complaints_status(f->cx, unknown, NULL, &b, &e), -1);
	assert_int_equal(e.errc, COMPLAINTS_ENOENT);
	/* The key for access codes is the owner's only. */
	snprintf(key, sizeof(key), "%s/secret.key", f->dir);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	free(number);
	free(jn);
	free(code);
	buf_free(&b);
}

static void
journal_numbers_gap_free_across_failures(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	char *jn;
	const char *d;
	int64_t n;

	buf_init(&b, 65536);
	for (int i = 1; i <= 5; i++) {
		buf_reset(&b);
		d = doc("almaty-medeu", "3", "Абаев");
		assert_int_equal(complaints_register(f->cx, &complaints_system,
				     d, strlen(d), &b, &e),
		    0);
		/* A refused one in between takes no number. */
		d = doc("no-such-body", "3", "Абаев");
		assert_int_equal(complaints_register(f->cx, &complaints_system,
				     d, strlen(d), &b, &e),
		    -1);
		assert_int_equal(e.errc, COMPLAINTS_EINVAL);
		assert_string_equal(e.code, "unknown-body");
	}
	buf_reset(&b);
	d = doc("almaty-medeu", "3", "Абаев");
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    0);
	jn = text_of(f, &b, "talon", "journal-number");
	assert_string_equal(jn, "6");
	free(jn);
	assert_int_equal(complaints_count(f->cx, &n), 0);
	assert_int_equal(n, 6);
	buf_free(&b);
}

static void
bad_documents_store_nothing(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	const char *d;
	int64_t n;

	buf_init(&b, 65536);
	d = doc("almaty-medeu", "12", "Абаев");
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    -1);
	assert_int_equal(e.errc, COMPLAINTS_EINVAL);
	assert_non_null(strstr(e.message, "service"));
	d = doc("almaty-medeu", "3", "");
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    -1);
	assert_int_equal(e.errc, COMPLAINTS_EINVAL);
	assert_non_null(strstr(e.message, "surname"));
	d = doc("almaty-medeu", "3", "   ");
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    -1);
	d = "<complaint><body>x</body>";
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    -1);
	assert_string_equal(e.code, "malformed-xml");
	assert_int_equal(complaints_count(f->cx, &n), 0);
	assert_int_equal(n, 0);
	/* The error document validates. */
	buf_reset(&b);
	assert_int_equal(complaints_error_xml(&e, &b), 0);
	free(text_of(f, &b, "error", "code"));
	buf_free(&b);
}

static void
time_shown_in_almaty(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	char *at;
	const char *d = doc("almaty-edu", "8", "Абаев");

	buf_init(&b, 65536);
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    0);
	at = text_of(f, &b, "talon", "accepted-at");
	assert_non_null(strstr(at, "+05:00"));
	free(at);
	buf_free(&b);
}

/* Nobody signed in is nobody trusted: every call refuses NULL. */
static void
no_actor_fails_closed(void **state)
{
	struct fx *f = *state;
	struct complaints_list_query q;
	struct complaints_error e;
	struct complaints_journal *j;
	struct buf b;
	char *number;
	int64_t n0, n1;
	int ok;
	const char *d = doc("almaty-auezov", "5", "Сейітов");
	const char *note =
	    "<note><by><name>x</name><position>y</position>"
	    "<body>almaty-auezov</body></by><text>t</text></note>";

	buf_init(&b, 65536);
	assert_int_equal(complaints_register(
			     f->cx, &complaints_system, d, strlen(d), &b, &e),
	    0);
	number = text_of(f, &b, "talon", "number");
	buf_reset(&b);
	assert_int_equal(complaints_count(f->cx, &n0), 0);
#define REFUSED(call) \
	do { \
		memset(&e, 0, sizeof(e)); \
		assert_int_equal((call), -1); \
		assert_int_equal(e.errc, COMPLAINTS_EAUTH); \
	} while (0)
	REFUSED(complaints_register(f->cx, NULL, d, strlen(d), &b, &e));
	REFUSED(
	    complaints_act(f->cx, NULL, number, note, strlen(note), &b, &e));
	REFUSED(complaints_talon(f->cx, NULL, number, &b, &e));
	REFUSED(complaints_get(f->cx, NULL, number, &b, NULL, &e));
	memset(&q, 0, sizeof(q));
	q.overdue = -1;
	q.body = "almaty-auezov";
	REFUSED(complaints_list(f->cx, NULL, &q, &b, &e));
	REFUSED(complaints_verify(f->cx, NULL, &b, &ok, &e));
	REFUSED(complaints_staff_disable(f->cx, NULL, "nobody", &e));
	REFUSED(complaints_token_list(f->cx, NULL, &b, &e));
	REFUSED(complaints_notifications(
	    f->cx, NULL, NULL, "almaty-auezov", 0, 10, &b, &e));
	j = complaints_journal_open(f->cx, NULL, "almaty-auezov", 2026, 0, &e);
	assert_null(j);
	assert_int_equal(e.errc, COMPLAINTS_EAUTH);
#undef REFUSED
	/* The refused registration stored nothing; the system may act. */
	assert_int_equal(complaints_count(f->cx, &n1), 0);
	assert_int_equal(n1, n0);
	assert_int_equal(complaints_act(f->cx, &complaints_system, number, note,
			     strlen(note), &b, &e),
	    0);
	free(number);
	buf_free(&b);
}

/*
 * A password hashed with larger settings (libsodium's "interactive" 64
 * MiB, the daemon's first) is hashed again at the next sign-in, so that
 * its sign-ins cost the daemon's bound from then on; the password still
 * signs in, and a wrong one still does not.
 */
static void
sign_in_rehashes_larger_hashes(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	struct buf b;
	static const char pw[] = "correct horse battery";
	char old[crypto_pwhash_STRBYTES], now[crypto_pwhash_STRBYTES];

	assert_int_equal(complaints_staff_add(f->cx, &complaints_system,
			     "registrar.auezov", "Серікбаева Айгүл", NULL,
			     "бас маман", "almaty-auezov", "registrar", pw, &e),
	    0);
	stored_hash(f->dir, "registrar.auezov", NULL, now, sizeof(now));
	assert_non_null(strstr(now, "$m=7168,t=5,p=1$")); /* 7 MiB, 5 passes */
	assert_int_equal(crypto_pwhash_str(old, pw, strlen(pw),
			     crypto_pwhash_OPSLIMIT_INTERACTIVE,
			     crypto_pwhash_MEMLIMIT_INTERACTIVE),
	    0);
	stored_hash(f->dir, "registrar.auezov", old, NULL, 0);
	buf_init(&b, 64 * 1024);
	assert_int_equal(complaints_sign_in(f->cx, "registrar.auezov",
			     "wrong password 1", "192.0.2.1", &b, &e),
	    -1);
	stored_hash(f->dir, "registrar.auezov", NULL, now, sizeof(now));
	assert_string_equal(now, old); /* a failed sign-in changes nothing */
	buf_reset(&b);
	assert_int_equal(complaints_sign_in(f->cx, "registrar.auezov", pw,
			     "192.0.2.2", &b, &e),
	    0);
	stored_hash(f->dir, "registrar.auezov", NULL, now, sizeof(now));
	assert_string_not_equal(now, old);
	assert_int_equal(crypto_pwhash_str_verify(now, pw, strlen(pw)), 0);
	assert_non_null(strstr(now, "$m=7168,t=5,p=1$"));
	buf_reset(&b);
	assert_int_equal(complaints_sign_in(f->cx, "registrar.auezov", pw,
			     "192.0.2.2", &b, &e),
	    0);
	buf_free(&b);
}

/* Whether routing.xml, read here, gives service s the electronic channel. */
static int
routing_electronic(int s)
{
	char xp[128];
	xmlDocPtr d = xmlReadFile(
	    "schemas/data/routing.xml", NULL, XML_PARSE_NONET);
	xmlXPathContextPtr x;
	xmlXPathObjectPtr o;
	int n;

	assert_non_null(d);
	x = xmlXPathNewContext(d);
	snprintf(xp, sizeof(xp),
	    "//service[@number='%d']/channels/channel[@type='electronic']", s);
	o = xmlXPathEvalExpression(BAD_CAST xp, x);
	n = o && o->nodesetval ? o->nodesetval->nodeNr : 0;
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(x);
	xmlFreeDoc(d);
	return n > 0;
}

/* The services offered for filing are those routing.xml allows. */
static void
filing_services_follow_routing(void **state)
{
	struct fx *f = *state;
	struct complaints_error e;
	xmlNodePtr n;
	xmlDocPtr d;
	struct buf b;
	int seen = 0;

	buf_init(&b, 65536);
	assert_int_equal(complaints_filing_services(f->cx, &b, &e), 0);
	d = xmlReadMemory(b.data, (int)b.len, NULL, "UTF-8", XML_PARSE_NONET);
	assert_non_null(d);
	for (n = xmlDocGetRootElement(d)->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *code = xmlGetProp(n, BAD_CAST "code");
		xmlChar *el = xmlGetProp(n, BAD_CAST "electronic");
		int s = atoi((const char *)code);

		assert_int_equal(s, ++seen);
		assert_string_equal(
		    (const char *)el, routing_electronic(s) ? "true" : "false");
		assert_int_equal(complaints_filing_electronic(f->cx, s),
		    routing_electronic(s));
		xmlFree(code);
		xmlFree(el);
	}
	assert_int_equal(seen, 11);
	xmlFreeDoc(d);
	buf_free(&b);
}

static const char draft_doc[] =
    "<draft lang=\"ru\"><service>11</service>"
    "<institution>school-10</institution><applicant>"
    "<surname>Нұрланова</surname><name>Әйгерім</name>"
    "<address>Алматы, Абай даңғылы 1</address>"
    "<email>a@example.kz</email></applicant>"
    "<reasons>Тегін тамақ берілмеді.</reasons>"
    "<demands>Тамақ берілсін.</demands></draft>";

/*
 * Only a partner registers a draft at once: at the school's district
 * office (service 11's first level), the partner recorded as registrar.
 */
static void
partner_registers_a_draft(void **state)
{
	struct fx *f = *state;
	struct complaints_directory_stats ds;
	struct complaints_actor p;
	struct complaints_error e;
	struct complaints_call *c;
	struct buf b;
	char *body;

	assert_int_equal(
	    complaints_directory_load(
		f->cx, "schemas/data/directory.xml", 0, NULL, NULL, &ds, &e),
	    0);
	c = complaints_draft_register_begin(
	    f->cx, &complaints_system, draft_doc, strlen(draft_doc), &e);
	assert_null(c);
	assert_int_equal(e.errc, COMPLAINTS_EPERM);
	memset(&p, 0, sizeof(p));
	snprintf(p.login, sizeof(p.login), "fixmystreet");
	snprintf(p.name, sizeof(p.name), "FixMyStreet Almaty");
	snprintf(p.position, sizeof(p.position), "Open311 partner");
	p.role = COMPLAINTS_ROLE_REGISTRAR;
	assert_null(complaints_draft_register_begin(
	    f->cx, &p, draft_doc, strlen(draft_doc), &e));
	assert_int_equal(e.errc, COMPLAINTS_EPERM);
	p.role = COMPLAINTS_ROLE_PARTNER;
	c = complaints_draft_register_begin(
	    f->cx, &p, draft_doc, strlen(draft_doc), &e);
	assert_non_null(c);
	buf_init(&b, 65536);
	assert_int_equal(complaints_call_wait(c, &b, &e), 0);
	body = text_of(f, &b, "talon", "body");
	assert_non_null(body);
	free(body);
	assert_non_null(strstr(b.data, "almaty-bostandyk"));
	assert_non_null(strstr(b.data, "FixMyStreet Almaty"));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    register_then_status, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    journal_numbers_gap_free_across_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    bad_documents_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    time_shown_in_almaty, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    no_actor_fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    sign_in_rehashes_larger_hashes, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    filing_services_follow_routing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    partner_registers_a_draft, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
