/*
 * complaints-import: reads the regulations seed and writes the directory
 * XML.  Exit 0 when every row was read, 1 when some were not (nothing is
 * written unless -k), 2 on a usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importer/importer.h"
#include "util/util.h"

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
	    "usage: complaints-import [-kv] [-o out.xml] "
	    "seed.txt\n");
	exit(2);
}

/* Reads a whole file, at most IMPORTER_MAX_INPUT bytes.  Caller frees. */
static char *
read_file(const char *path, size_t *lenp)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		log_warn("import: %s: fopen", path);
		return NULL;
	}
	buf_init(&b, IMPORTER_MAX_INPUT);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) == -1) {
			log_warnx("import: %s: larger than %u bytes", path,
			    IMPORTER_MAX_INPUT);
			buf_free(&b);
			fclose(f);
			return NULL;
		}
	if (ferror(f)) {
		log_warn("import: %s: fread", path);
		buf_free(&b);
		fclose(f);
		return NULL;
	}
	fclose(f);
	return buf_release(&b, lenp);
}

int
main(int argc, char *argv[])
{
	struct importer_dir *d = NULL;
	const struct importer_problem *pr;
	enum importer_err e;
	const char *out = NULL;
	char *text = NULL, *xml = NULL;
	size_t len, i, n;
	int ch, keep = 0, verbose = 0, rc = 1;

	log_init("complaints-import", 1, LOG_LVL_INFO);
	while ((ch = getopt(argc, argv, "ko:v")) != -1) {
		switch (ch) {
		case 'k':
			keep = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();

	if ((text = read_file(argv[0], &len)) == NULL)
		goto out;
	e = importer_parse(text, len, &d);
	if (e != IMPORTER_OK && e != IMPORTER_EROWS) {
		log_warnx("import: %s: %s", argv[0], importer_strerror(e));
		goto out;
	}
	for (i = 0; i < importer_problem_count(d); i++) {
		pr = importer_problem_at(d, i);
		if (pr->error || verbose)
			fprintf(stderr, "%s:%d: %s: %s\n", argv[0], pr->line,
			    pr->error ? "error" : "warning", pr->msg);
	}
	if (e == IMPORTER_EROWS && !keep) {
		log_warnx("import: %s: %zu rows not read; nothing written "
			  "(-k writes what was read)",
		    argv[0], importer_error_count(d));
		goto out;
	}
	if (out != NULL)
		e = importer_write_xml(d, out);
	else if ((e = importer_xml(d, &xml, &n)) == IMPORTER_OK &&
	    fwrite(xml, 1, n, stdout) != n)
		e = IMPORTER_EIO;
	if (e != IMPORTER_OK) {
		log_warnx("import: %s: %s", out ? out : "stdout",
		    importer_strerror(e));
		goto out;
	}
	rc = 0;
out:
	free(xml);
	free(text);
	importer_free(d);
	return rc;
}
