/*
 * complaintctl report: the figures of a period, as a table, or the
 * report downloaded as CSV, XLSX or XML.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"

#define REPORT_QUERY_MAX 2048

static void
report_usage(void)
{
	fprintf(stderr,
	    "usage: complaintctl report [--from YYYY-MM-DD] "
	    "[--to YYYY-MM-DD] [--body CODE]\n"
	    "           [--service N] [--group body|service|institution|"
	    "month|channel]\n"
	    "           [--format text|csv|xlsx|xml] [-o FILE]\n");
}

int
cmd_report(int argc, char **argv)
{
	/* The options that pass into the query, by their names there. */
	static const char *const names[] = { "from", "to", "body", "service",
		"group", "format" };
#define NQ (sizeof(names) / sizeof(names[0]))
	struct option lo[NQ + 3];
	const char *v[NQ] = { NULL, NULL, NULL, NULL, NULL, "text" };
	const char *file = NULL;
	struct buf q;
	int ch, rc = CTL_USAGE;

	memset(lo, 0, sizeof(lo));
	for (size_t i = 0; i < NQ; i++)
		lo[i] = (struct option){ names[i], required_argument, NULL,
			256 + (int)i };
	lo[NQ] = (struct option){ "output", required_argument, NULL, 'o' };
	lo[NQ + 1] = (struct option){ "help", no_argument, NULL, 'h' };
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", lo, NULL)) != -1) {
		if (ch >= 256 && ch < 256 + (int)NQ) {
			v[ch - 256] = optarg;
			continue;
		}
		switch (ch) {
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
	rc = buf_puts(&q, "/api/v1/reports/summary");
	for (size_t i = 0; i < NQ && rc == 0; i++)
		rc = ctl_query_add(&q, names[i], v[i]);
	if (rc == -1) {
		fprintf(
		    stderr, "complaintctl: report: the query is too long\n");
		rc = CTL_USAGE;
		goto out;
	}
	rc = ctl_download("report", q.data, "*/*", file);
out:
	buf_free(&q);
	return rc;
#undef NQ
}
