/* complaintctl register, talon, status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints.h"
#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define CTL_MAX_DOCUMENT (64 * 1024 * 1024)

static int
read_file(const char *path, struct buf *b)
{
	char chunk[65536];
	size_t n;
	FILE *f;

	buf_init(b, CTL_MAX_DOCUMENT);
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "complaintctl: %s: cannot open\n", path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			fprintf(stderr, "complaintctl: %s: too large\n", path);
			if (f != stdin)
				fclose(f);
			return -1;
		}
	if (f != stdin)
		fclose(f);
	return 0;
}

int
cmd_register(int argc, char **argv)
{
	struct buf doc;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: complaintctl register FILE.xml\n");
		return CTL_USAGE;
	}
	if (read_file(argv[1], &doc) == -1) {
		buf_free(&doc);
		return CTL_USAGE;
	}
	rc = ctl_exchange("POST", "/api/v1/complaints", &doc, 201);
	buf_free(&doc);
	return rc;
}

/* Checks the number here first, so a typo is named without a lookup. */
static int
talon_arg(int argc, char **argv, char out[TALON_LEN + 1])
{
	if (argc != 2) {
		fprintf(stderr, "usage: complaintctl %s NUMBER\n", argv[0]);
		return CTL_USAGE;
	}
	switch (complaints_talon_parse(argv[1], out)) {
	case TALON_MALFORMED:
		fprintf(stderr,
		    "complaintctl: %s: a talon number has 14 "
		    "digits, such as 2026-123456789-0\n",
		    argv[1]);
		return CTL_USAGE;
	case TALON_BAD_CHECK:
		fprintf(stderr,
		    "complaintctl: %s: check digit does not "
		    "match: the number was mistyped\n",
		    argv[1]);
		return CTL_USAGE;
	case TALON_OK:
		break;
	}
	return CTL_OK;
}

int
cmd_talon(int argc, char **argv)
{
	char t[TALON_LEN + 1], path[64];
	int rc;

	/* talon NUMBER --pdf FILE, --text: the slip. */
	for (int i = 2; i < argc; i++)
		if (strncmp(argv[i], "--pdf", 5) == 0 ||
		    strcmp(argv[i], "--text") == 0 ||
		    strncmp(argv[i], "--code", 6) == 0)
			return cmd_slip(argc, argv);
	if ((rc = talon_arg(argc, argv, t)) != CTL_OK)
		return rc;
	snprintf(path, sizeof(path), "/api/v1/talons/%s/talon", t);
	return ctl_exchange("GET", path, NULL, 200);
}

int
cmd_status(int argc, char **argv)
{
	char t[TALON_LEN + 1], path[64];
	int rc;

	if ((rc = talon_arg(argc, argv, t)) != CTL_OK)
		return rc;
	snprintf(path, sizeof(path), "/api/v1/talons/%s", t);
	return ctl_exchange("GET", path, NULL, 200);
}
