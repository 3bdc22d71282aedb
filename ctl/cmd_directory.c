/*
 * complaintctl directory: search and show the bodies and institutions
 * over HTTP; load directory.xml into the daemon's own store directly,
 * through the complaints library, as the daemon does at start-up.
 */
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

#define DATA_DIR   "/var/lib/complaints" /* complaintsd.conf(5) */
#define SEARCH_MAX 1024			 /* the words, joined */
#define PATH_LEN   1024
#define BAR_WIDTH  30

static void
dir_usage(void)
{
	fprintf(stderr,
	    "usage: complaintctl directory search [--limit N] "
	    "TEXT ...\n"
	    "       complaintctl directory show CODE\n"
	    "       complaintctl directory load [--force] [--data-dir DIR] "
	    "[--schema-dir DIR] [FILE]\n");
}

/*
 * One entry: "code  kind  name", then the address and the phones, or
 * with all every element and the parent and district.
 */
static void
print_entry(xmlNodePtr e, int all)
{
	static const char *const brief[] = { "address", "phones", NULL };
	char *code = ctl_attr(e, "code"), *kind = ctl_attr(e, "kind");
	char *parent = ctl_attr(e, "parent"),
	     *district = ctl_attr(e, "district");
	char *name = xmlio_child_text(e, "name"), *t, label[80];
	xmlNodePtr c;

	printf("%s  %s  %s\n", code, kind, name ? name : "");
	if (all) {
		if (*parent)
			printf("  parent: %s\n", parent);
		if (*district)
			printf("  district: %s\n", district);
		for (c = e->children; c != NULL; c = c->next) {
			if (c->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)c->name, "name") == 0)
				continue;
			t = xmlio_child_text(c, NULL);
			snprintf(label, sizeof(label), "  %s", c->name);
			ctl_print_value(label, t);
			free(t);
		}
	} else
		for (int i = 0; brief[i]; i++) {
			if ((t = xmlio_child_text(e, brief[i])) == NULL)
				continue;
			snprintf(label, sizeof(label), "  %s", brief[i]);
			ctl_print_value(label, t);
			free(t);
		}
	free(code);
	free(kind);
	free(parent);
	free(district);
	free(name);
}

/* GETs path and prints the <directory-result>'s entries. */
static int
dir_get(const char *path, int all)
{
	struct buf out;
	xmlDocPtr doc;
	xmlNodePtr root, e;
	long status = 0;
	int rc = CTL_OK, n = 0;

	if (ctl_http("GET", path, NULL, NULL, 0, &out, &status) == -1) {
		buf_free(&out);
		return CTL_UNAVAILABLE;
	}
	if (status != 200)
		rc = ctl_report(status, &out);
	else if ((doc = ctl_parse_or_dump("directory", &out)) != NULL) {
		root = xmlDocGetRootElement(doc);
		for (e = root ? root->children : NULL; e; e = e->next) {
			if (e->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)e->name, "entry") != 0)
				continue;
			if (n++ && all)
				printf("\n");
			print_entry(e, all);
		}
		if (n == 0)
			fprintf(stderr,
			    "complaintctl: directory: nothing "
			    "found\n");
		xmlFreeDoc(doc);
	}
	buf_free(&out);
	return rc;
}

static int
dir_search(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "limit", required_argument, NULL, 'l' }, { NULL, 0, NULL, 0 }
	};
	const char *limit = NULL;
	struct buf words, q;
	long long v;
	int ch, rc = CTL_USAGE;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		if (ch != 'l') {
			ctl_bad_option("directory search", ch, argv);
			dir_usage();
			return CTL_USAGE;
		}
		limit = optarg;
	}
	if (optind == argc) {
		fprintf(stderr,
		    "complaintctl: directory search: what to "
		    "find?\n");
		dir_usage();
		return CTL_USAGE;
	}
	if (limit && parse_ll(limit, 1, 200, &v) == -1) {
		fprintf(stderr,
		    "complaintctl: directory search: --limit: a "
		    "number from 1 to 200\n");
		return CTL_USAGE;
	}
	buf_init(&words, SEARCH_MAX);
	buf_init(&q, 4 * SEARCH_MAX);
	for (int i = optind; i < argc; i++)
		if ((i > optind && buf_puts(&words, " ") == -1) ||
		    buf_puts(&words, argv[i]) == -1) {
			fprintf(stderr,
			    "complaintctl: directory search: at "
			    "most %d characters\n",
			    SEARCH_MAX);
			goto out;
		}
	if (buf_puts(&q, "/api/v1/directory") == -1 ||
	    ctl_query_add(&q, "q", words.data) == -1 ||
	    ctl_query_add(&q, "limit", limit) == -1) {
		fprintf(stderr,
		    "complaintctl: directory search: the query is "
		    "too long\n");
		goto out;
	}
	rc = dir_get(q.data, 0);
out:
	buf_free(&words);
	buf_free(&q);
	return rc;
}

static int
dir_show(int argc, char **argv)
{
	char code[200], path[256];

	if (argc != 2 || argv[1][0] == '-') {
		dir_usage();
		return CTL_USAGE;
	}
	/* One path segment: "/" and friends encoded. */
	if (ctl_escape(argv[1], code, sizeof(code)) == -1) {
		fprintf(stderr,
		    "complaintctl: directory show: %s: too "
		    "long\n",
		    argv[1]);
		return CTL_USAGE;
	}
	snprintf(path, sizeof(path), "/api/v1/directory/%s", code);
	return dir_get(path, 1);
}

/* --- load --- */

struct bar {
	int tty;
	int drawn;
};

static void
progress(void *arg, size_t done, size_t total)
{
	struct bar *b = arg;
	char bar[BAR_WIDTH + 1];
	size_t fill;

	if (!b->tty || total == 0)
		return;
	fill = done >= total ? BAR_WIDTH : done * BAR_WIDTH / total;
	memset(bar, '#', fill);
	memset(bar + fill, '.', BAR_WIDTH - fill);
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r[%s]  %zu/%zu", bar, done, total);
	fflush(stderr);
	b->drawn = 1;
}

/* $COMPLAINTS_SHARE_DIR/schemas or DATADIR/schemas, else ./schemas. */
static void
default_schemas(char *out, size_t len)
{
	const char *dir = ctl_share_dir();
	struct stat st;

	if ((size_t)snprintf(out, len, "%s/schemas", dir) < len &&
	    stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return;
	snprintf(out, len, "./schemas");
}

static int
dir_load(int argc, char **argv)
{
	static const struct option lo[] = { { "force", no_argument, NULL, 'f' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "schema-dir", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 } };
	char schemas[PATH_LEN], file[PATH_LEN], db[PATH_LEN], key[PATH_LEN];
	char err[600];
	const char *data = getenv("COMPLAINTS_DATA_DIR"), *sdir = NULL;
	struct complaints_directory_stats st;
	struct complaints_conf cc;
	struct complaints *cx = NULL;
	struct complaints_error e;
	struct bar bar;
	struct stat sb;
	int ch, force = 0, rc = CTL_USAGE;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		switch (ch) {
		case 'f':
			force = 1;
			break;
		case 'd':
			data = optarg;
			break;
		case 's':
			sdir = optarg;
			break;
		default:
			ctl_bad_option("directory load", ch, argv);
			dir_usage();
			return CTL_USAGE;
		}
	}
	if (argc - optind > 1) {
		dir_usage();
		return CTL_USAGE;
	}
	if (data == NULL || *data == '\0')
		data = DATA_DIR;
	if (sdir == NULL)
		default_schemas(schemas, sizeof(schemas));
	else if (strlcpy_chk(schemas, sdir, sizeof(schemas)) == -1)
		goto toolong;
	if (optind < argc) {
		if (strlcpy_chk(file, argv[optind], sizeof(file)) == -1)
			goto toolong;
	} else if ((size_t)snprintf(file, sizeof(file), "%s/data/directory.xml",
		       schemas) >= sizeof(file))
		goto toolong;
	if ((size_t)snprintf(db, sizeof(db), "%s/complaints.db", data) >=
		sizeof(db) ||
	    (size_t)snprintf(key, sizeof(key), "%s/secret.key", data) >=
		sizeof(key))
		goto toolong;
	/*
	 * The store is the daemon's: made by the daemon (as its user), never
	 * here, so that a missing folder is a mistyped one.
	 */
	if (stat(data, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr,
		    "complaintctl: directory load: %s: no such "
		    "folder (--data-dir, $COMPLAINTS_DATA_DIR)\n",
		    data);
		return CTL_USAGE;
	}

	xmlio_init();
	if (tz_init(NULL) == -1) {
		fprintf(stderr,
		    "complaintctl: directory load: no time zone "
		    "data\n");
		return CTL_UNAVAILABLE;
	}
	memset(&cc, 0, sizeof(cc));
	cc.db_path = db;
	cc.secret_path = key;
	cc.schema_dir = schemas;
	cc.watch_interval = 0;
	cc.readers = 1;
	cc.queue_max = 16;
	cc.batch_max = 16;
	if ((cx = complaints_open(&cc, err, sizeof(err))) == NULL) {
		fprintf(stderr, "complaintctl: directory load: %s\n", err);
		rc = CTL_UNAVAILABLE;
		goto out;
	}
	memset(&bar, 0, sizeof(bar));
	bar.tty = isatty(STDERR_FILENO);
	if (complaints_directory_load(
		cx, file, force, progress, &bar, &st, &e) == -1) {
		if (bar.drawn)
			fprintf(stderr, "\n");
		fprintf(stderr, "complaintctl: directory load: %s: %s\n",
		    e.code, e.message);
		rc = (e.errc == COMPLAINTS_EINTERNAL ||
			 e.errc == COMPLAINTS_EUNAVAIL) ?
		    CTL_UNAVAILABLE :
		    CTL_REFUSED;
		goto out;
	}
	if (bar.drawn)
		fprintf(stderr, "\n");
	if (st.unchanged)
		printf("%s: already loaded (--force to load it again)\n", file);
	else
		printf("%d entries loaded: %d bodies, %d institutions\n",
		    st.bodies + st.institutions, st.bodies, st.institutions);
	rc = CTL_OK;
	if (fflush(stdout) == EOF)
		rc = CTL_REFUSED;
out:
	complaints_close(cx);
	xmlio_cleanup();
	return rc;
toolong:
	fprintf(stderr, "complaintctl: directory load: a path is too long\n");
	return CTL_USAGE;
}

int
cmd_directory(int argc, char **argv)
{
	if (argc < 2) {
		dir_usage();
		return CTL_USAGE;
	}
	ctl_verb_args(&argc, &argv);
	if (strcmp(argv[0], "search") == 0)
		return dir_search(argc, argv);
	if (strcmp(argv[0], "show") == 0)
		return dir_show(argc, argv);
	if (strcmp(argv[0], "load") == 0)
		return dir_load(argc, argv);
	if (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0) {
		dir_usage();
		return CTL_OK;
	}
	fprintf(stderr,
	    "complaintctl: directory: unknown subcommand "
	    "\"%s\"\n",
	    argv[0]);
	dir_usage();
	return CTL_USAGE;
}
