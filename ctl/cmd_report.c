/*
 * complaintctl report: the figures of a period, as a table, or the
 * report downloaded as CSV, XLSX or XML.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

#define REPORT_QUERY_MAX	2048

static void
report_usage(void)
{
	fprintf(stderr, "usage: complaintctl report [--from YYYY-MM-DD] "
	    "[--to YYYY-MM-DD] [--body CODE]\n"
	    "           [--service N] [--group body|service|institution|"
	    "month|channel]\n"
	    "           [--format text|csv|xlsx|xml] [-o FILE]\n");
}

int
cmd_report(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "body", required_argument, NULL, 'b' },
		{ "service", required_argument, NULL, 's' },
		{ "group", required_argument, NULL, 'g' },
		{ "format", required_argument, NULL, 'F' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *v[6] = { NULL, NULL, NULL, NULL, NULL, "text" };
	static const char *const names[6] = { "from", "to", "body",
	    "service", "group", "format" };
	const char *file = NULL;
	struct buf q, err;
	long status = 0;
	FILE *f = stdout;
	int ch, r, rc = CTL_USAGE;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", lo, NULL)) != -1) {
		switch (ch) {
		case 'f': v[0] = optarg; break;
		case 't': v[1] = optarg; break;
		case 'b': v[2] = optarg; break;
		case 's': v[3] = optarg; break;
		case 'g': v[4] = optarg; break;
		case 'F': v[5] = optarg; break;
		case 'o':
			file = optarg;
			break;
		case 'h':
			report_usage();
			return CTL_OK;
		default:
			ctl_bad_option("report", ch, argv);
			report_usage();
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "complaintctl: report: unexpected argument\n");
		report_usage();
		return CTL_USAGE;
	}
	buf_init(&q, REPORT_QUERY_MAX);
	buf_init(&err, 0);
	rc = buf_puts(&q, "/api/v1/reports/summary");
	for (int i = 0; i < 6 && rc == 0; i++)
		rc = ctl_query_add(&q, names[i], v[i]);
	if (rc == -1) {
		fprintf(stderr, "complaintctl: report: the query is too long\n");
		rc = CTL_USAGE;
		goto out;
	}
	if (file != NULL && strcmp(file, "-") != 0 &&
	    (f = fopen(file, "wb")) == NULL) {
		fprintf(stderr, "complaintctl: report: %s: %s\n", file,
		    strerror(errno));
		rc = CTL_REFUSED;
		goto out;
	}
	r = ctl_http_stream(q.data, "*/*", f, &err, &status);
	if (r == -2)
		fprintf(stderr, "complaintctl: report: %s: %s\n",
		    f == stdout ? "standard output" : file, strerror(errno));
	if (r == 0 && status != 200)
		rc = ctl_report(status, &err);
	else
		rc = r == 0 ? CTL_OK : r == -2 ? CTL_REFUSED :
		    CTL_UNAVAILABLE;
	if (f != stdout && fclose(f) == EOF && rc == CTL_OK) {
		fprintf(stderr, "complaintctl: report: %s: %s\n", file,
		    strerror(errno));
		rc = CTL_REFUSED;
	}
	if (f != stdout && rc != CTL_OK)
		remove(file);
out:
	buf_free(&q);
	buf_free(&err);
	return rc;
}
