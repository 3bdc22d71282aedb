/*
 * fuzz_action: every action document (assign, forward, extend, decide,
 * appeal, withdraw, leave-without-consideration, note, answer, close)
 * through xmlio_parse with its schema, as complaints_act parses it.
 * The first byte of the input picks the schema; the rest is the
 * document.  An accepted document is read the way lifecycle.c reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_common.h"
#include "xmlio/xmlio.h"

static const char *const actions[] = {
	"assign",
	"forward",
	"extend",
	"decide",
	"appeal",
	"withdraw",
	"leave-without-consideration",
	"note",
	"answer",
	"close",
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

/* The children lifecycle.c reads, whichever the action. */
static const char *const fields[] = {
	"assignee",
	"note",
	"to",
	"reason",
	"until",
	"outcome",
	"reasoning",
	"channel",
	"reasons",
	"demands",
	"received-at",
	"text",
	"by",
};

static struct xmlio_schemas *schemas;

static void
done(void)
{
	xmlio_schemas_free(schemas);
	xmlio_cleanup();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];

	(void)argc;
	(void)argv;
	xmlio_init();
	if ((schemas = xmlio_schemas_load(
		 fuzz_schema_dir(), err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_action: %s\n", err);
		exit(2);
	}
	for (size_t i = 0; i < NACTIONS; i++)
		if (!xmlio_schemas_has(schemas, actions[i])) {
			fprintf(
			    stderr, "fuzz_action: no schema %s\n", actions[i]);
			exit(2);
		}
	atexit(done);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xmlio_err e;
	xmlDocPtr doc;
	xmlNodePtr root, by;
	const char *name;
	char *s;

	if (size < 1)
		return 0;
	name = actions[data[0] % NACTIONS];
	memset(&e, 0, sizeof(e));
	if (xmlio_parse(schemas, name, (const char *)data + 1, size - 1, &doc,
		&e) == -1) {
		FUZZ_CHECK(doc == NULL);
		FUZZ_CHECK(e.kind != XMLIO_INTERNAL);
		FUZZ_CHECK(memchr(e.message, '\0', sizeof(e.message)) != NULL);
		return 0;
	}
	root = xmlDocGetRootElement(doc);
	FUZZ_CHECK(root != NULL && strcmp((const char *)root->name, name) == 0);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		s = xmlio_child_text(root, fields[i]);
		if (s != NULL)
			FUZZ_CHECK(strlen(s) <= size);
		free(s);
	}
	if ((by = xmlio_child(root, "by")) != NULL) {
		free(xmlio_child_text(by, "name"));
		free(xmlio_child_text(by, "position"));
		free(xmlio_child_text(by, "body"));
	}
	xmlFreeDoc(doc);
	return 0;
}
