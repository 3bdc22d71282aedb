/* Unit tests: xmlio (safe parsing, validation messages, writing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "xmlio/xmlio.h"

static struct xmlio_schemas *schemas;

static int
setup(void **state)
{
	char err[256];

	(void)state;
	xmlio_init();
	schemas = xmlio_schemas_load("schemas", err, sizeof(err));
	return schemas ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	xmlio_schemas_free(schemas);
	xmlio_cleanup();
	return 0;
}

static int
parse(const char *doc, const char *name, struct xmlio_err *e)
{
	xmlDocPtr d;
	int rc = xmlio_parse(schemas, name, doc, strlen(doc), &d, e);

	xmlFreeDoc(d);
	return rc;
}

static void
refuses_dtd_and_entities(void **state)
{
	struct xmlio_err e;

	(void)state;
	assert_int_equal(
	    parse("<?xml version=\"1.0\"?><!DOCTYPE error "
		  "[<!ENTITY x SYSTEM \"file:///etc/passwd\">]><error><code>a"
		  "</code><message>&x;</message></error>",
		"error", &e),
	    -1);
	assert_int_equal(e.kind, XMLIO_FORBIDDEN);
	assert_null(strstr(e.message, "root:"));
	assert_int_equal(
	    parse(
		"<?xml version=\"1.0\"?><!DOCTYPE lolz ["
		"<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
		"<error><code>a</code><message>&lol2;</message></error>",
		"error", &e),
	    -1);
	assert_int_equal(e.kind, XMLIO_FORBIDDEN);
	assert_int_equal(parse("<error><code>a</code><message>&undefined;"
			       "</message></error>",
			     "error", &e),
	    -1);
	assert_true(e.kind == XMLIO_FORBIDDEN || e.kind == XMLIO_MALFORMED);
}

static void
refuses_bad_bytes(void **state)
{
	struct xmlio_err e;
	xmlDocPtr d;
	const char nul[] = "<error><code>a</code><message>x\0y</message>"
			   "</error>";

	(void)state;
	assert_int_equal(parse("<error><code>a</code><message>\xff\xfe"
			       "</message></error>",
			     "error", &e),
	    -1);
	assert_int_equal(e.kind, XMLIO_MALFORMED);
	assert_int_equal(
	    xmlio_parse(schemas, "error", nul, sizeof(nul) - 1, &d, &e), -1);
	assert_int_equal(e.kind, XMLIO_MALFORMED);
	assert_int_equal(parse("<error><code>a</code>", "error", &e), -1);
	assert_int_equal(e.kind, XMLIO_MALFORMED);
	assert_non_null(strstr(e.message, "line 1"));
}

static void
names_element_and_line(void **state)
{
	struct xmlio_err e;

	(void)state;
	assert_int_equal(parse("<error>\n<code>a</code>\n<mess>x</mess>\n"
			       "</error>",
			     "error", &e),
	    -1);
	assert_int_equal(e.kind, XMLIO_INVALID);
	assert_non_null(strstr(e.message, "line 3"));
	assert_non_null(strstr(e.message, "mess"));
	assert_int_equal(parse("<status/>", "error", &e), -1);
	assert_int_equal(e.kind, XMLIO_WRONG_DOCUMENT);
	assert_int_equal(parse("<error><code>a</code><message>ok</message>"
			       "</error>",
			     "error", &e),
	    0);
}

static void
writes_and_reads(void **state)
{
	struct xmlio_out o;
	struct xmlio_err e;
	struct buf b;
	xmlDocPtr d;
	char *t;

	(void)state;
	buf_init(&b, 4096);
	assert_int_equal(xmlio_out_begin(&o, "error"), 0);
	assert_int_equal(xmlio_out_elem(&o, "code", "x-y"), 0);
	assert_int_equal(
	    xmlio_out_elem(&o, "message", "Шағым <тіркелді> & \"ok\""), 0);
	assert_int_equal(xmlio_out_finish(&o, &b), 0);
	assert_int_equal(
	    xmlio_parse(schemas, "error", b.data, b.len, &d, &e), 0);
	t = xmlio_child_text(xmlDocGetRootElement(d), "message");
	assert_string_equal(t, "Шағым <тіркелді> & \"ok\"");
	free(t);
	assert_null(xmlio_child_text(xmlDocGetRootElement(d), "absent"));
	xmlFreeDoc(d);
	buf_free(&b);
}

/* Writes text to a new file in a private folder; returns its path. */
static const char *
write_tmp(char *dir, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cal.xml", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	return path;
}

static void
loader_reads_attributes_and_names_lines(void **state)
{
	char dir[] = "/tmp/xmlio-ld-XXXXXX", err[256], want[256], s[8];
	struct xmlio_ld ld = { "cal", NULL, err, sizeof(err) };
	struct date d;
	xmlDocPtr doc;
	xmlNodePtr n, on;
	int v;

	(void)state;
	assert_non_null(mkdtemp(dir));
	ld.path = write_tmp(dir,
	    "<?xml version=\"1.0\"?>\n"
	    "<calendar name=\"kz\" version=\"t\">\n"
	    "  <fixed name=\"Long name\" month=\"3\" day=\"15\" "
	    "carry=\"false\"/>\n"
	    "  <dated name=\"d\">\n"
	    "    <on date=\"2026-02-30\"/><on date=\"2026-03-16\"/>\n"
	    "  </dated>\n"
	    "</calendar>\n");
	assert_non_null(doc = xmlio_ld_doc(&ld, schemas, "calendar", 4096));
	n = xmlio_child(xmlDocGetRootElement(doc), "fixed");
	assert_true(xmlio_is_elem(n, "fixed"));
	assert_false(xmlio_is_elem(n, "dated"));
	assert_int_equal(xmlio_ld_int(&ld, n, "month", 1, 12, 0, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(xmlio_ld_int(&ld, n, "day", 1, 10, 0, &v), -1);
	snprintf(want, sizeof(want),
	    "cal: %s: line 3: attribute day: "
	    "\"15\" is not a number from 1 to 10",
	    ld.path);
	assert_string_equal(err, want);
	assert_int_equal(
	    xmlio_ld_int(&ld, n, "from-year", 1900, 2999, 1900, &v), 1);
	assert_int_equal(v, 1900);
	assert_int_equal(xmlio_ld_bool(&ld, n, "carry", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(xmlio_ld_bool(&ld, n, "absent", 1, &v), 1);
	assert_int_equal(v, 1);
	assert_int_equal(xmlio_ld_attr(&ld, n, "name", s, sizeof(s)), -1);
	snprintf(want, sizeof(want),
	    "cal: %s: line 3: attribute name is "
	    "longer than 7 bytes",
	    ld.path);
	assert_string_equal(err, want);
	assert_int_equal(xmlio_ld_attr(&ld, n, "absent", s, sizeof(s)), 0);
	assert_string_equal(s, "");
	assert_null(xmlio_prop(n, "absent"));
	{
		char *p = xmlio_prop(n, "name");

		assert_string_equal(p, "Long name");
		free(p);
	}
	on = xmlio_child(xmlio_child(xmlDocGetRootElement(doc), "dated"), "on");
	assert_int_equal(xmlio_ld_date(&ld, on, "date", 1, &d), -1);
	snprintf(want, sizeof(want),
	    "cal: %s: line 5: attribute date: "
	    "\"2026-02-30\" is not a date",
	    ld.path);
	assert_string_equal(err, want);
	assert_int_equal(xmlio_ld_date(&ld, on->next, "date", 1, &d), 0);
	assert_true(d.y == 2026 && d.m == 3 && d.d == 16);
	assert_int_equal(xmlio_ld_date(&ld, on, "absent", 0, &d), 0);
	assert_int_equal(d.y, 0);
	assert_int_equal(xmlio_ld_date(&ld, on, "absent", 1, &d), -1);
	xmlFreeDoc(doc);

	/* A document that is not well-formed: the path, then the parser. */
	write_tmp(dir, "<calendar name=\"kz\"\n");
	ld.prefix = NULL;
	assert_null(xmlio_ld_doc(&ld, schemas, "calendar", 4096));
	snprintf(want, sizeof(want), "%s: line ", ld.path);
	assert_memory_equal(err, want, strlen(want));
	/* Past the cap: refused before parsing. */
	assert_null(xmlio_ld_doc(&ld, schemas, "calendar", 4));
	assert_non_null(strstr(err, ld.path));
	unlink(ld.path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_dtd_and_entities),
		cmocka_unit_test(refuses_bad_bytes),
		cmocka_unit_test(names_element_and_line),
		cmocka_unit_test(writes_and_reads),
		cmocka_unit_test(loader_reads_attributes_and_names_lines),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
