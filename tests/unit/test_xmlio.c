/* Unit tests: xmlio (safe parsing, validation messages, writing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	assert_int_equal(parse("<?xml version=\"1.0\"?><!DOCTYPE error "
	    "[<!ENTITY x SYSTEM \"file:///etc/passwd\">]><error><code>a"
	    "</code><message>&x;</message></error>", "error", &e), -1);
	assert_int_equal(e.kind, XMLIO_FORBIDDEN);
	assert_null(strstr(e.message, "root:"));
	assert_int_equal(parse("<?xml version=\"1.0\"?><!DOCTYPE lolz ["
	    "<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
	    "<error><code>a</code><message>&lol2;</message></error>",
	    "error", &e), -1);
	assert_int_equal(e.kind, XMLIO_FORBIDDEN);
	assert_int_equal(parse("<error><code>a</code><message>&undefined;"
	    "</message></error>", "error", &e), -1);
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
	    "</message></error>", "error", &e), -1);
	assert_int_equal(e.kind, XMLIO_MALFORMED);
	assert_int_equal(xmlio_parse(schemas, "error", nul, sizeof(nul) - 1,
	    &d, &e), -1);
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
	    "</error>", "error", &e), -1);
	assert_int_equal(e.kind, XMLIO_INVALID);
	assert_non_null(strstr(e.message, "line 3"));
	assert_non_null(strstr(e.message, "mess"));
	assert_int_equal(parse("<status/>", "error", &e), -1);
	assert_int_equal(e.kind, XMLIO_WRONG_DOCUMENT);
	assert_int_equal(parse("<error><code>a</code><message>ok</message>"
	    "</error>", "error", &e), 0);
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
	assert_int_equal(xmlio_out_elem(&o, "message",
	    "Шағым <тіркелді> & \"ok\""), 0);
	assert_int_equal(xmlio_out_finish(&o, &b), 0);
	assert_int_equal(xmlio_parse(schemas, "error", b.data, b.len, &d, &e),
	    0);
	t = xmlio_child_text(xmlDocGetRootElement(d), "message");
	assert_string_equal(t, "Шағым <тіркелді> & \"ok\"");
	free(t);
	assert_null(xmlio_child_text(xmlDocGetRootElement(d), "absent"));
	xmlFreeDoc(d);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refuses_dtd_and_entities),
		cmocka_unit_test(refuses_bad_bytes),
		cmocka_unit_test(names_element_and_line),
		cmocka_unit_test(writes_and_reads),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
