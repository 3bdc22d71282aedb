/*
 * complaintctl notify, post and slip: what the registrar does with
 * notifications every day — sees the failed ones and sends them again
 * or by post, prints the day's letters and the postal register, records
 * the letters posted — and prints talon slips.
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

/* Writes a GET's answer into a file (made then renamed); exit status. */
static const char notify_usage_text[] =
    "usage: complaintctl notify list [--state S] "
    "[--body B]\n"
    "       complaintctl notify failed [--body B]\n"
    "       complaintctl notify resend ID\n"
    "       complaintctl notify to-post ID\n"
    "       complaintctl notify letter ID -o FILE.pdf\n";

static int
fetch(const char *path, const char *accept, const char *file)
{
	char tmp[1100];
	struct buf err;
	long status = 0;
	FILE *f;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.part", file);
	if ((f = fopen(tmp, "wb")) == NULL) {
		fprintf(stderr, "complaintctl: %s: %s\n", tmp, strerror(errno));
		return CTL_USAGE;
	}
	rc = ctl_http_stream(path, accept, f, &err, &status);
	if (fclose(f) != 0 && rc == 0)
		rc = -2;
	if (rc == 0 && (status < 200 || status > 299)) {
		unlink(tmp);
		rc = ctl_report(status, &err);
		buf_free(&err);
		return rc;
	}
	buf_free(&err);
	if (rc != 0 || rename(tmp, file) == -1) {
		if (rc == -2 || rc == 0)
			fprintf(stderr, "complaintctl: %s: %s\n", file,
			    strerror(errno));
		unlink(tmp);
		return rc == -1 ? CTL_UNAVAILABLE : CTL_USAGE;
	}
	return CTL_OK;
}

struct list_opts {
	const char *state, *body;
};

/*
 * One page of notifications after the id in after (empty: the first);
 * after gets the next page's, or empty at the end.
 */
static int
list_page(const struct list_opts *o, int (*each)(void *, xmlNodePtr), void *arg,
    char after[24])
{
	struct buf q, out;
	xmlDocPtr doc;
	xmlNodePtr n;
	char *next;
	long status = 0;
	int rc = CTL_OK;

	buf_init(&q, 1024);
	buf_puts(&q, "/api/v1/notifications");
	if (ctl_query_add(&q, "state", o->state) == -1 ||
	    ctl_query_add(&q, "body", o->body) == -1 ||
	    ctl_query_add(&q, "after", after[0] ? after : NULL) == -1 ||
	    ctl_query_add(&q, "limit", "500") == -1) {
		buf_free(&q);
		return CTL_USAGE;
	}
	after[0] = '\0';
	if (ctl_http("GET", q.data, NULL, NULL, 0, &out, &status) == -1) {
		buf_free(&q);
		buf_free(&out);
		return CTL_UNAVAILABLE;
	}
	buf_free(&q);
	if (status != 200) {
		rc = ctl_report(status, &out);
		buf_free(&out);
		return rc;
	}
	if ((doc = ctl_parse_or_dump("notify", &out)) == NULL) {
		buf_free(&out);
		return CTL_OK;
	}
	for (n = xmlDocGetRootElement(doc)->children; n; n = n->next) {
		char *id, *kind, *ch, *st, *to, *err, *no;

		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "notification") != 0)
			continue;
		if (each) {
			if ((rc = each(arg, n)) != CTL_OK)
				break;
			continue;
		}
		id = xmlio_prop(n, "id");
		kind = xmlio_prop(n, "kind");
		ch = xmlio_prop(n, "channel");
		st = xmlio_prop(n, "state");
		to = xmlio_child_text(n, "recipient");
		err = xmlio_child_text(n, "last-error");
		no = xmlio_child_text(n, "outgoing-number");
		printf("%-6s %-10s %-8s %-8s %-10s %s%s%s\n", id ? id : "",
		    kind ? kind : "", ch ? ch : "", st ? st : "", no ? no : "-",
		    to ? to : "", err ? "  " : "", err ? err : "");
		free(id);
		free(kind);
		free(ch);
		free(st);
		free(to);
		free(err);
		free(no);
	}
	if ((next = xmlio_child_text(
		 xmlDocGetRootElement(doc), "next-after")) != NULL) {
		strlcpy_chk(after, next, 24);
		free(next);
	}
	xmlFreeDoc(doc);
	buf_free(&out);
	return rc;
}

static int
list(const struct list_opts *o, int (*each)(void *, xmlNodePtr), void *arg)
{
	char after[24] = "";
	int rc;

	/* Page by page: a day may have more letters than a page holds. */
	do {
		rc = list_page(o, each, arg, after);
	} while (rc == CTL_OK && after[0] != '\0');
	return rc;
}

static int
id_arg(const char *s, char out[24])
{
	long long v;

	if (parse_ll(s, 1, INT64_MAX, &v) == -1) {
		fprintf(stderr, "complaintctl: %s: not a notification id\n", s);
		return -1;
	}
	snprintf(out, 24, "%lld", v);
	return 0;
}

int
cmd_notify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "body", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 }
	};
	struct list_opts o;
	const char *verb, *file = NULL;
	char id[24], path[128];
	int ch;

	if (argc < 2)
		return ctl_usage(notify_usage_text);
	memset(&o, 0, sizeof(o));
	verb = ctl_verb_args(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.state = optarg;
			break;
		case 'b':
			o.body = optarg;
			break;
		case 'o':
			file = optarg;
			break;
		default:
			return ctl_usage(notify_usage_text);
		}
	}
	if (strcmp(verb, "list") == 0 || strcmp(verb, "failed") == 0) {
		if (optind != argc)
			return ctl_usage(notify_usage_text);
		if (strcmp(verb, "failed") == 0)
			o.state = "failed";
		return list(&o, NULL, NULL);
	}
	if (optind != argc - 1 || id_arg(argv[optind], id) == -1)
		return ctl_usage(notify_usage_text);
	if (strcmp(verb, "resend") == 0 || strcmp(verb, "to-post") == 0) {
		snprintf(path, sizeof(path), "/api/v1/notifications/%s/%s", id,
		    verb);
		return ctl_exchange("POST", path, NULL, 204);
	}
	if (strcmp(verb, "letter") == 0 && file != NULL) {
		snprintf(
		    path, sizeof(path), "/api/v1/notifications/%s/letter", id);
		return fetch(path, "application/pdf", file);
	}
	return ctl_usage(notify_usage_text);
}

struct batch {
	const char *date, *dir;
	int letters, failed;
};

static int
batch_letter(void *arg, xmlNodePtr n)
{
	struct batch *b = arg;
	char *id = xmlio_prop(n, "id"),
	     *date = xmlio_child_text(n, "letter-date");
	char *no = xmlio_child_text(n, "outgoing-number");
	char path[128], file[1100], safe[40];
	int rc = CTL_OK;

	if (id && date && strcmp(date, b->date) == 0) {
		snprintf(safe, sizeof(safe), "%s", no ? no : id);
		for (char *p = safe; *p; p++)
			if (*p == '/')
				*p = '-';
		snprintf(
		    path, sizeof(path), "/api/v1/notifications/%s/letter", id);
		snprintf(file, sizeof(file), "%s/letter-%s.pdf", b->dir, safe);
		if ((rc = fetch(path, "application/pdf", file)) == CTL_OK) {
			printf("%s\n", file);
			b->letters++;
		} else
			b->failed++;
	}
	free(id);
	free(date);
	free(no);
	return rc == CTL_UNAVAILABLE ? rc : CTL_OK;
}

static const char post_usage_text[] =
    "usage: complaintctl post batch --body B --date "
    "YYYY-MM-DD [-o DIR]\n"
    "       complaintctl post sent ID [--tracking N]\n";

int
cmd_post(int argc, char **argv)
{
	static const struct option longopts[] = { { "body", required_argument,
						      NULL, 'b' },
		{ "date", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "tracking", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 } };
	const char *verb, *body = NULL, *dir = ".", *tracking = NULL;
	struct list_opts o;
	struct batch b;
	struct date d;
	const char *date = NULL;
	char id[24], file[1100];
	struct buf q;
	int ch, rc;

	if (argc < 2)
		return ctl_usage(post_usage_text);
	verb = ctl_verb_args(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			body = optarg;
			break;
		case 'd':
			date = optarg;
			break;
		case 'o':
			dir = optarg;
			break;
		case 't':
			tracking = optarg;
			break;
		default:
			return ctl_usage(post_usage_text);
		}
	}
	if (strcmp(verb, "sent") == 0) {
		if (optind != argc - 1 || id_arg(argv[optind], id) == -1)
			return ctl_usage(post_usage_text);
		buf_init(&q, 512);
		buf_printf(&q, "/api/v1/notifications/%s/posted", id);
		if (ctl_query_add(&q, "tracking", tracking) == -1) {
			buf_free(&q);
			return ctl_usage(post_usage_text);
		}
		rc = ctl_exchange("POST", q.data, NULL, 204);
		buf_free(&q);
		return rc;
	}
	if (strcmp(verb, "batch") != 0 || optind != argc || body == NULL ||
	    date == NULL || date_parse(date, &d) == -1)
		return ctl_usage(post_usage_text);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "complaintctl: %s: %s\n", dir, strerror(errno));
		return CTL_USAGE;
	}
	memset(&o, 0, sizeof(o));
	o.state = "ready";
	o.body = body;
	memset(&b, 0, sizeof(b));
	b.date = date;
	b.dir = dir;
	if ((rc = list(&o, batch_letter, &b)) != CTL_OK)
		return rc;
	/* The register of the day, for the post office. */
	for (int csv = 0; csv < 2; csv++) {
		buf_init(&q, 512);
		buf_puts(&q, "/api/v1/post/register");
		ctl_query_add(&q, "body", body);
		ctl_query_add(&q, "date", date);
		ctl_query_add(&q, "format", csv ? "csv" : "pdf");
		snprintf(file, sizeof(file), "%s/register-%s-%s.%s", dir, body,
		    date, csv ? "csv" : "pdf");
		rc = fetch(q.data, csv ? "text/csv" : "application/pdf", file);
		buf_free(&q);
		if (rc == CTL_UNAVAILABLE && b.letters == 0 && b.failed == 0)
			return rc; /* no daemon: nothing was done */
		/* A register that fails is reported like a letter. */
		if (rc != CTL_OK) {
			b.failed++;
			continue;
		}
		printf("%s\n", file);
	}
	if (b.failed)
		fprintf(stderr,
		    "%d letters for %s on %s; %d documents could "
		    "not be fetched (said above)\n",
		    b.letters, body, date, b.failed);
	else
		fprintf(
		    stderr, "%d letters for %s on %s\n", b.letters, body, date);
	return b.failed ? CTL_UNAVAILABLE : CTL_OK;
}

static const char slip_usage_text[] =
    "usage: complaintctl slip NUMBER [--code CODE] "
    "[--text | -o FILE.pdf] [--lang kk|ru]\n";

int
cmd_slip(int argc, char **argv)
{
	static const struct option longopts[] = { { "code", required_argument,
						      NULL, 'c' },
		{ "text", no_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		{ "pdf", required_argument, NULL, 'o' }, { NULL, 0, NULL, 0 } };
	const char *code = NULL, *file = NULL, *lang = NULL;
	char t[TALON_LEN + 1];
	struct buf q;
	long status = 0;
	int ch, text = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			code = optarg;
			break;
		case 't':
			text = 1;
			break;
		case 'o':
			file = optarg;
			break;
		case 'l':
			lang = optarg;
			break;
		default:
			return ctl_usage(slip_usage_text);
		}
	}
	if (optind != argc - 1 || (!text && file == NULL) ||
	    ctl_ref("slip", argv[optind], t, sizeof(t)) == -1 ||
	    strchr(t, '-') == NULL)
		return ctl_usage(slip_usage_text);
	buf_init(&q, 512);
	buf_printf(&q, "/api/v1/talons/%s/slip", t);
	ctl_query_add(&q, "code", code);
	ctl_query_add(&q, "lang", lang);
	ctl_query_add(&q, "format", text ? "text" : "pdf");
	if (text) {
		struct buf out;

		if (ctl_http("GET", q.data, NULL, NULL, 0, &out, &status) == -1)
			rc = CTL_UNAVAILABLE;
		else if (status != 200)
			rc = ctl_report(status, &out);
		else {
			fwrite(out.data, 1, out.len, stdout);
			rc = CTL_OK;
		}
		buf_free(&out);
	} else
		rc = fetch(q.data, "application/pdf", file);
	buf_free(&q);
	return rc;
}
