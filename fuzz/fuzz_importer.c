/*
 * fuzz_importer: importer_parse over text shaped like the regulations
 * seed, then importer_xml on what it read.
 *
 * Invariants: the result code is one importer_parse documents; a
 * directory comes with OK and EROWS only, and EROWS has an error among
 * its problems; the XML is NUL-terminated, of the length given, and
 * well-formed.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "fuzz/fuzz_common.h"
#include "importer/importer.h"

static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct importer_dir *dir = NULL;
	enum importer_err rc;
	xmlDocPtr doc;
	char *xml = NULL;
	size_t len = 0;

	rc = importer_parse((const char *)data, size, &dir);
	FUZZ_CHECK(importer_strerror(rc) != NULL);
	if (rc != IMPORTER_OK && rc != IMPORTER_EROWS) {
		FUZZ_CHECK(dir == NULL);
		return 0;
	}
	FUZZ_CHECK(dir != NULL);
	if (rc == IMPORTER_EROWS)
		FUZZ_CHECK(importer_error_count(dir) > 0);
	for (size_t i = 0; i < importer_problem_count(dir); i++)
		FUZZ_CHECK(importer_problem_at(dir, i)->msg != NULL);
	for (size_t i = 0; i < importer_institution_count(dir); i++) {
		const struct importer_institution *in = importer_institution_at(
		    dir, i);

		FUZZ_CHECK(in->code != NULL);
		FUZZ_CHECK(importer_institution_find(dir, in->code) != NULL);
	}
	rc = importer_xml(dir, &xml, &len);
	if (rc == IMPORTER_OK) {
		FUZZ_CHECK(xml != NULL && xml[len] == '\0');
		FUZZ_CHECK(strlen(xml) == len);
		doc = xmlReadMemory(xml, (int)len, "directory.xml", "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (doc == NULL)
			fprintf(stderr,
			    "fuzz_importer: importer_xml wrote "
			    "XML libxml2 cannot read:\n%.2000s\n",
			    xml);
		FUZZ_CHECK(doc != NULL);
		xmlFreeDoc(doc);
	} else
		FUZZ_CHECK(rc == IMPORTER_ENOMEM || rc == IMPORTER_EXML ||
		    rc == IMPORTER_ELIMIT);
	free(xml);
	importer_free(dir);
	return 0;
}
