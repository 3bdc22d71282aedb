/*
 * complaintctl case, list, overdue, journal, verify: reading the
 * complaints back.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "complaints/complaints.h"
#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define CASE_REF_LEN 64
#define QUERY_MAX    4096 /* a path with its query string */

/* A child's text, or "" (never NULL).  Caller frees. */
static char *
text(xmlNodePtr n, const char *name)
{
	char *t = xmlio_child_text(n, name);

	return t ? t : xstrdup("");
}

/* Line ends and tabs as spaces, for one-line output. */
static void
flatten(char *s)
{
	for (; s != NULL && *s; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

static void
print_record(xmlNodePtr root)
{
	char *a[8], *name;
	xmlNodePtr c, g;
	size_t i;

	for (c = root->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		name = (char *)c->name;
		if (strcmp(name, "attachments") == 0) {
			for (g = c->children; g != NULL; g = g->next) {
				if (g->type != XML_ELEMENT_NODE)
					continue;
				a[0] = ctl_attr(g, "name");
				a[1] = ctl_attr(g, "media-type");
				a[2] = ctl_attr(g, "sha256");
				printf("attachment: %s (%s) sha256 %s\n", a[0],
				    a[1], a[2]);
				for (i = 0; i < 3; i++)
					free(a[i]);
			}
		} else if (strcmp(name, "case") == 0 ||
		    strcmp(name, "events") == 0) {
			continue; /* below, after the fields */
		} else if (xmlio_child(c, NULL) != NULL)
			ctl_print_tree(name, c);
		else
			ctl_print_leaf(name, c);
	}
	if ((c = xmlio_child(root, "case")) != NULL) {
		printf("\ncase:\n");
		for (g = c->children; g != NULL; g = g->next) {
			if (g->type != XML_ELEMENT_NODE)
				continue;
			a[0] = ctl_attr(g, "number");
			a[1] = ctl_attr(g, "body");
			a[2] = ctl_attr(g, "state");
			a[3] = ctl_attr(g, "link");
			a[4] = ctl_attr(g, "id");
			printf("  %-16s  %-18s  %-26s  id %s%s%s\n", a[0], a[1],
			    a[2], a[4], *a[3] ? "  " : "", a[3]);
			for (i = 0; i < 5; i++)
				free(a[i]);
		}
	}
	if ((c = xmlio_child(root, "events")) != NULL) {
		printf("\nevents:\n");
		for (g = c->children; g != NULL; g = g->next) {
			if (g->type != XML_ELEMENT_NODE)
				continue;
			a[0] = text(g, "at");
			a[1] = ctl_attr(g, "body");
			a[2] = text(g, "actor");
			a[3] = text(g, "action");
			a[4] = text(g, "state-before");
			a[5] = text(g, "state-after");
			a[6] = text(g, "detail");
			for (i = 0; i < 7; i++)
				flatten(a[i]);
			printf("  %s  %s  %s  %s  %s \xe2\x86\x92 %s%s%s\n",
			    a[0], a[1], a[2], a[3], *a[4] ? a[4] : "-", a[5],
			    *a[6] ? "  " : "", a[6]);
			for (i = 0; i < 7; i++)
				free(a[i]);
		}
	}
}

int
cmd_case(int argc, char **argv)
{
	char ref[CASE_REF_LEN], path[128];
	struct buf out;
	xmlDocPtr doc;
	xmlNodePtr root;
	long status = 0;
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: complaintctl case ID|TALON\n");
		return CTL_USAGE;
	}
	if (ctl_ref("case", argv[1], ref, sizeof(ref)) == -1)
		return CTL_USAGE;
	snprintf(path, sizeof(path), "/api/v1/complaints/%s", ref);
	if (ctl_http("GET", path, NULL, NULL, 0, &out, &status) == -1) {
		buf_free(&out);
		return CTL_UNAVAILABLE;
	}
	if (status != 200) {
		rc = ctl_report(status, &out);
		buf_free(&out);
		return rc;
	}
	if ((doc = ctl_parse_or_dump("case", &out)) == NULL) {
		buf_free(&out);
		return CTL_OK;
	}
	if ((root = xmlDocGetRootElement(doc)) != NULL)
		print_record(root);
	xmlFreeDoc(doc);
	buf_free(&out);
	return CTL_OK;
}

/* --- list, overdue --- */

struct list_opts {
	const char *body, *state, *service, *from, *to, *limit, *after;
	const char *institution, *search;
	int overdue;
};

static void
list_usage(const char *cmd)
{
	if (strcmp(cmd, "overdue") == 0)
		fprintf(stderr,
		    "usage: complaintctl overdue [--body CODE] "
		    "[--limit N] [--after ID]\n");
	else
		fprintf(stderr,
		    "usage: complaintctl list [--body CODE] "
		    "[--state STATE] [--service N] [--overdue]\n"
		    "\t[--institution CODE] [--search WORDS] "
		    "[--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
		    "\t[--limit N] [--after ID]\n");
}

static int
list_check(const char *cmd, const struct list_opts *o)
{
	struct date d;
	long long v;

	if (o->service && parse_ll(o->service, 1, 11, &v) == -1) {
		fprintf(stderr,
		    "complaintctl: %s: --service: a number from 1 "
		    "to 11\n",
		    cmd);
		return -1;
	}
	if (o->limit && parse_ll(o->limit, 1, 500, &v) == -1) {
		fprintf(stderr,
		    "complaintctl: %s: --limit: a number from 1 "
		    "to 500\n",
		    cmd);
		return -1;
	}
	if (o->after && parse_ll(o->after, 0, INT64_MAX, &v) == -1) {
		fprintf(stderr,
		    "complaintctl: %s: --after: the id of the "
		    "last complaint seen\n",
		    cmd);
		return -1;
	}
	if ((o->from && date_parse(o->from, &d) == -1) ||
	    (o->to && date_parse(o->to, &d) == -1)) {
		fprintf(stderr, "complaintctl: %s: --%s: a date YYYY-MM-DD\n",
		    cmd,
		    o->from && date_parse(o->from, &d) == -1 ? "from" : "to");
		return -1;
	}
	return 0;
}

static void
print_list(xmlNodePtr root)
{
	char *a[6];
	xmlNodePtr c;
	size_t i;

	for (c = root->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "item") != 0)
			continue;
		a[0] = text(c, "number");
		a[1] = text(c, "journal-number");
		a[2] = text(c, "body");
		a[3] = text(c, "state");
		a[4] = text(c, "due");
		a[5] = text(c, "overdue");
		printf("%-16s  %-10s  %-18s  %-26s  %s%s\n", a[0], a[1], a[2],
		    a[3], a[4], strcmp(a[5], "true") == 0 ? "  OVERDUE" : "");
		for (i = 0; i < 6; i++)
			free(a[i]);
	}
	if ((c = xmlio_child(root, "next-after")) != NULL) {
		char *t = text(c, NULL);

		printf("next-after: %s\n", t);
		free(t);
	}
}

static int
list_run(const char *cmd, const struct list_opts *o)
{
	struct buf q, out;
	xmlDocPtr doc;
	xmlNodePtr root;
	long status = 0;
	int rc = CTL_UNAVAILABLE;

	buf_init(&q, QUERY_MAX);
	buf_init(&out, 0);
	if (buf_puts(&q, "/api/v1/complaints") == -1 ||
	    ctl_query_add(&q, "body", o->body) == -1 ||
	    ctl_query_add(&q, "state", o->state) == -1 ||
	    ctl_query_add(&q, "service", o->service) == -1 ||
	    ctl_query_add(&q, "institution", o->institution) == -1 ||
	    ctl_query_add(&q, "q", o->search) == -1 ||
	    ctl_query_add(&q, "overdue", o->overdue ? "1" : NULL) == -1 ||
	    ctl_query_add(&q, "from", o->from) == -1 ||
	    ctl_query_add(&q, "to", o->to) == -1 ||
	    ctl_query_add(&q, "limit", o->limit) == -1 ||
	    ctl_query_add(&q, "after", o->after) == -1) {
		fprintf(
		    stderr, "complaintctl: %s: the query is too long\n", cmd);
		rc = CTL_USAGE;
		goto out;
	}
	if (ctl_http("GET", q.data, NULL, NULL, 0, &out, &status) == -1)
		goto out;
	if (status != 200) {
		rc = ctl_report(status, &out);
		goto out;
	}
	rc = CTL_OK;
	if ((doc = ctl_parse_or_dump(cmd, &out)) == NULL)
		goto out;
	if ((root = xmlDocGetRootElement(doc)) != NULL)
		print_list(root);
	xmlFreeDoc(doc);
out:
	buf_free(&q);
	buf_free(&out);
	return rc;
}

static int
list_main(int argc, char **argv, int overdue_only)
{
	static const struct option lo[] = { { "body", required_argument, NULL,
						'b' },
		{ "state", required_argument, NULL, 's' },
		{ "service", required_argument, NULL, 'S' },
		{ "institution", required_argument, NULL, 'i' },
		{ "search", required_argument, NULL, 'q' },
		{ "overdue", no_argument, NULL, 'o' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "limit", required_argument, NULL, 'l' },
		{ "after", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	struct list_opts o;
	int ch;

	memset(&o, 0, sizeof(o));
	o.overdue = overdue_only;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		/* overdue takes --body and paging, nothing else */
		if (overdue_only && ch != 'b' && ch != 'l' && ch != 'a' &&
		    ch != 'h' && ch != '?' && ch != ':') {
			fprintf(stderr,
			    "complaintctl: overdue: %s is for "
			    "list\n",
			    argv[optind - 1]);
			list_usage(argv[0]);
			return CTL_USAGE;
		}
		switch (ch) {
		case 'b':
			o.body = optarg;
			break;
		case 's':
			o.state = optarg;
			break;
		case 'S':
			o.service = optarg;
			break;
		case 'i':
			o.institution = optarg;
			break;
		case 'q':
			o.search = optarg;
			break;
		case 'o':
			o.overdue = 1;
			break;
		case 'f':
			o.from = optarg;
			break;
		case 't':
			o.to = optarg;
			break;
		case 'l':
			o.limit = optarg;
			break;
		case 'a':
			o.after = optarg;
			break;
		case 'h':
			list_usage(argv[0]);
			return CTL_OK;
		default:
			ctl_bad_option(argv[0], ch, argv);
			list_usage(argv[0]);
			return CTL_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr,
		    "complaintctl: %s: unexpected argument "
		    "\"%s\"\n",
		    argv[0], argv[optind]);
		list_usage(argv[0]);
		return CTL_USAGE;
	}
	if (list_check(argv[0], &o) == -1)
		return CTL_USAGE;
	return list_run(argv[0], &o);
}

int
cmd_list(int argc, char **argv)
{
	return list_main(argc, argv, 0);
}

int
cmd_overdue(int argc, char **argv)
{
	return list_main(argc, argv, 1);
}

/* --- journal --- */

static void
journal_usage(void)
{
	fprintf(stderr,
	    "usage: complaintctl journal --body CODE --year YYYY "
	    "[--csv] [-o FILE]\n");
}

int
cmd_journal(int argc, char **argv)
{
	static const struct option lo[] = { { "body", required_argument, NULL,
						'b' },
		{ "year", required_argument, NULL, 'y' },
		{ "csv", no_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	const char *body = NULL, *year = NULL, *file = NULL;
	struct buf q;
	long long y;
	int ch, csv = 0, rc = CTL_USAGE;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", lo, NULL)) != -1) {
		switch (ch) {
		case 'b':
			body = optarg;
			break;
		case 'y':
			year = optarg;
			break;
		case 'c':
			csv = 1;
			break;
		case 'o':
			file = optarg;
			break;
		case 'h':
			journal_usage();
			return CTL_OK;
		default:
			ctl_bad_option("journal", ch, argv);
			journal_usage();
			return CTL_USAGE;
		}
	}
	if (optind != argc || body == NULL || year == NULL) {
		fprintf(stderr, "complaintctl: journal: %s\n",
		    optind != argc ? "unexpected argument" :
				     "--body and --year are needed");
		journal_usage();
		return CTL_USAGE;
	}
	if (parse_ll(year, 1990, 9999, &y) == -1) {
		fprintf(stderr,
		    "complaintctl: journal: --year: such as "
		    "2026\n");
		return CTL_USAGE;
	}
	buf_init(&q, QUERY_MAX);
	if (buf_puts(&q, "/api/v1/journal") == -1 ||
	    ctl_query_add(&q, "body", body) == -1 ||
	    ctl_query_add(&q, "year", year) == -1 ||
	    ctl_query_add(&q, "format", csv ? "csv" : NULL) == -1) {
		fprintf(stderr,
		    "complaintctl: journal: the query is too "
		    "long\n");
		goto out;
	}
	rc = ctl_download(
	    "journal", q.data, csv ? "text/csv" : "application/xml", file);
out:
	buf_free(&q);
	return rc;
}

/* --- verify --- */

int
cmd_verify(int argc, char **argv)
{
	struct buf out;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	char *result = NULL;
	long status = 0;
	int rc;

	if (argc != 1) {
		fprintf(stderr, "usage: complaintctl verify\n");
		return CTL_USAGE;
	}
	if (ctl_http("GET", "/api/v1/verify", NULL, NULL, 0, &out, &status) ==
	    -1) {
		buf_free(&out);
		return CTL_UNAVAILABLE;
	}
	if (status != 200) {
		rc = ctl_report(status, &out);
		buf_free(&out);
		return rc;
	}
	if ((doc = ctl_parse(&out)) != NULL &&
	    (root = xmlDocGetRootElement(doc)) != NULL &&
	    strcmp((const char *)root->name, "verify") == 0)
		result = xmlio_child_text(root, "result");
	ctl_print_doc(&out);
	if (result == NULL) {
		fprintf(stderr,
		    "complaintctl: verify: the answer has no "
		    "<result>\n");
		rc = CTL_UNAVAILABLE;
	} else if (strcmp(result, "ok") == 0)
		rc = CTL_OK;
	else {
		fprintf(stderr,
		    "complaintctl: verify: %s: the journal or "
		    "the audit trail was changed\n",
		    result);
		rc = CTL_REFUSED;
	}
	free(result);
	xmlFreeDoc(doc);
	buf_free(&out);
	return rc;
}
