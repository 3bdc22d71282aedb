/*
 * complaintctl assign, forward, extend, decide, appeal, withdraw, leave,
 * note, answer, close: the actions on a complaint.  Each builds its
 * action document with xmlTextWriter (so every text is escaped by the
 * writer, never pasted) and POSTs it, with the session's token when
 * signed in, to
 * /api/v1/complaints/{id-or-talon}/actions.  One table says which
 * elements each action has, in the schema's order.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "complaints/complaints.h"
#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define ACT_FIELDS   4
#define ACT_MAX_TEXT (1024 * 1024) /* a --NAME-file, in bytes */
#define ACT_MAX_DOC  (4 * 1024 * 1024)
#define ACT_REF_LEN  64

enum fkind {
	F_LINE,	  /* one line: types.xsd "line" */
	F_TEXT,	  /* free text, several lines; also --NAME-file */
	F_CODE,	  /* a body's code */
	F_CHOICE, /* one of choices */
	F_DATE,	  /* YYYY-MM-DD */
	F_TIME	  /* ISO 8601 with an offset */
};

struct field {
	const char *name; /* the option and the element */
	enum fkind kind;
	int required;
	const char *const *choices;
};

struct action {
	const char *cmd;
	const char *root;
	struct field f[ACT_FIELDS];
};

static const char *const outcomes[] = { "upheld", "partly-upheld", "rejected",
	"explained", NULL };
static const char *const appeal_channels[] = { "post", "in-person",
	"electronic", "phone", "oral", NULL };
static const char *const answer_channels[] = { "post", "email", "in-person",
	NULL };
static const char *const grounds[] = { "anonymous", "repeated", NULL };

/* In each, the elements after <by> in the order the schema wants. */
static const struct action actions[] = {
	{ "assign", "assign",
	    { { "assignee", F_LINE, 1, NULL }, { "note", F_TEXT, 0, NULL } } },
	{ "forward", "forward",
	    { { "to", F_CODE, 1, NULL }, { "reason", F_TEXT, 1, NULL } } },
	{ "extend", "extend",
	    { { "reason", F_TEXT, 1, NULL }, { "until", F_DATE, 0, NULL } } },
	{ "decide", "decide",
	    { { "outcome", F_CHOICE, 1, outcomes },
		{ "reasoning", F_TEXT, 1, NULL } } },
	{ "appeal", "appeal",
	    { { "channel", F_CHOICE, 1, appeal_channels },
		{ "received-at", F_TIME, 0, NULL },
		{ "reasons", F_TEXT, 1, NULL },
		{ "demands", F_TEXT, 0, NULL } } },
	{ "withdraw", "withdraw", { { "reason", F_TEXT, 0, NULL } } },
	{ "leave", "leave-without-consideration",
	    { { "ground", F_CHOICE, 1, grounds },
		{ "reason", F_TEXT, 0, NULL } } },
	{ "note", "note", { { "text", F_TEXT, 1, NULL } } },
	{ "answer", "answer",
	    { { "channel", F_CHOICE, 1, answer_channels },
		{ "note", F_TEXT, 0, NULL } } },
	{ "close", "close", { { "reason", F_TEXT, 0, NULL } } },
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

/* getopt_long values: the fields are OPT_FIELD + i, their files + 16. */
enum {
	OPT_BY_NAME = 256,
	OPT_BY_POSITION,
	OPT_BY_BODY,
	OPT_FIELD = 300,
	OPT_FILE = OPT_FIELD + 16
};

struct who {
	const char *name, *position, *body;
};

static void
act_usage(const struct action *a)
{
	const struct field *f;
	const char *const *c;

	fprintf(stderr, "usage: complaintctl %s [-n] ID|TALON", a->cmd);
	for (int i = 0; i < ACT_FIELDS && a->f[i].name; i++) {
		f = &a->f[i];
		fprintf(stderr, " %s--%s ", f->required ? "" : "[", f->name);
		switch (f->kind) {
		case F_CHOICE:
			for (c = f->choices; *c; c++)
				fprintf(stderr, "%s%s",
				    c == f->choices ? "" : "|", *c);
			break;
		case F_DATE:
			fprintf(stderr, "YYYY-MM-DD");
			break;
		case F_TIME:
			fprintf(stderr, "ISO8601");
			break;
		case F_CODE:
			fprintf(stderr, "CODE");
			break;
		default:
			fprintf(stderr, "TEXT");
			break;
		}
		if (!f->required)
			fprintf(stderr, "]");
	}
	fprintf(stderr,
	    "\n\t[--by-name NAME] [--by-position POSITION] "
	    "[--by-body CODE]\n");
	fprintf(stderr,
	    "  a TEXT option --NAME may be given as --NAME-file "
	    "FILE (- for standard input)\n");
}

/*
 * Whether s can go into an XML text: well-formed UTF-8 without control
 * characters (tab and, where several lines are allowed, line ends
 * aside).  Returns a reason, or NULL when it can.
 */
static const char *
bad_text(const char *s, int lines)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;
	int n;

	while (*p) {
		if (*p < 0x80) {
			if (*p < 0x20 && *p != '\t' &&
			    !(lines && (*p == '\n' || *p == '\r')))
				return *p == '\n' || *p == '\r' ?
				    "must be one line" :
				    "has a control character";
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
		} else
			return "is not UTF-8";
		p++;
		for (int i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return "is not UTF-8";
			cp = (cp << 6) | (*p & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe ||
		    cp == 0xffff)
			return "is not UTF-8 that XML allows";
	}
	return NULL;
}

static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* Reads a --NAME-file into b, NUL-terminated. */
static int
read_text(const char *cmd, const char *opt, const char *path, struct buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f;
	int rc = -1;

	buf_init(b, ACT_MAX_TEXT);
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr,
		    "complaintctl: %s: --%s-file: %s: cannot "
		    "open\n",
		    cmd, opt, path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			fprintf(stderr,
			    "complaintctl: %s: --%s-file: %s: more "
			    "than %d bytes\n",
			    cmd, opt, path, ACT_MAX_TEXT);
			goto out;
		}
	if (ferror(f)) {
		fprintf(stderr,
		    "complaintctl: %s: --%s-file: %s: read "
		    "error\n",
		    cmd, opt, path);
		goto out;
	}
	if (memchr(b->data ? b->data : "", '\0', b->len) != NULL) {
		fprintf(stderr,
		    "complaintctl: %s: --%s-file: %s: not a "
		    "text\n",
		    cmd, opt, path);
		goto out;
	}
	if (buf_add(b, "", 0) == -1) /* data non-NULL, terminated */
		goto out;
	rc = 0;
out:
	if (f != stdin)
		fclose(f);
	return rc;
}

/* Checks one value against its field; -1 when reported. */
static int
check_field(const struct action *a, const struct field *f, const char *v)
{
	const char *const *c, *why;
	struct date d;
	time_t t;

	switch (f->kind) {
	case F_CHOICE:
		for (c = f->choices; *c; c++)
			if (strcmp(*c, v) == 0)
				return 0;
		fprintf(stderr,
		    "complaintctl: %s: --%s must be one of:", a->cmd, f->name);
		for (c = f->choices; *c; c++)
			fprintf(stderr, " %s", *c);
		fprintf(stderr, "\n");
		return -1;
	case F_DATE:
		if (date_parse(v, &d) == -1) {
			fprintf(stderr,
			    "complaintctl: %s: --%s \"%s\" is not "
			    "a date YYYY-MM-DD\n",
			    a->cmd, f->name, v);
			return -1;
		}
		return 0;
	case F_TIME:
		if (iso_parse(v, &t) == -1) {
			fprintf(stderr,
			    "complaintctl: %s: --%s \"%s\" is not "
			    "a time such as 2026-11-26T14:05:00+05:00\n",
			    a->cmd, f->name, v);
			return -1;
		}
		return 0;
	default:
		break;
	}
	if ((why = bad_text(v, f->kind == F_TEXT)) != NULL) {
		fprintf(stderr, "complaintctl: %s: --%s %s\n", a->cmd, f->name,
		    why);
		return -1;
	}
	if (blank(v)) {
		fprintf(stderr, "complaintctl: %s: --%s is empty\n", a->cmd,
		    f->name);
		return -1;
	}
	return 0;
}

/* Whether a session or API token is at hand (see ctl_auth). */
static int
signed_in(void)
{
	struct curl_slist *h = ctl_auth(NULL);

	curl_slist_free_all(h);
	return h != NULL;
}

/*
 * Who acts: the options, else the environment.  Signed in, the daemon
 * takes the session's staff member and <by> may be left out: it is
 * written only when all three are known.  Without a session all three
 * are needed.
 */
static int
check_who(const struct action *a, struct who *w)
{
	const struct {
		const char **v;
		const char *opt, *env;
	} tab[] = {
		{ &w->name, "by-name", "COMPLAINTS_NAME" },
		{ &w->position, "by-position", "COMPLAINTS_POSITION" },
		{ &w->body, "by-body", "COMPLAINTS_BODY" },
	};
	const char *why;
	size_t i, known = 0, n = sizeof(tab) / sizeof(tab[0]);

	for (i = 0; i < n; i++) {
		if (*tab[i].v != NULL && blank(*tab[i].v)) {
			fprintf(stderr, "complaintctl: %s: --%s is empty\n",
			    a->cmd, tab[i].opt);
			return -1;
		}
		if (*tab[i].v == NULL)
			*tab[i].v = getenv(tab[i].env);
		if (*tab[i].v != NULL && blank(*tab[i].v))
			*tab[i].v = NULL;
		if (*tab[i].v == NULL)
			continue;
		if ((why = bad_text(*tab[i].v, 0)) != NULL) {
			fprintf(stderr, "complaintctl: %s: --%s %s\n", a->cmd,
			    tab[i].opt, why);
			return -1;
		}
		known++;
	}
	if (known == n)
		return 0;
	if (signed_in()) {
		w->name = w->position = w->body = NULL;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (*tab[i].v == NULL)
			break;
	fprintf(stderr,
	    "complaintctl: %s: who acts is not known: sign in "
	    "(complaintctl login), or give --%s or set %s\n",
	    a->cmd, tab[i].opt, tab[i].env);
	return -1;
}

/* The action document; out gets it.  -1 when it cannot be written. */
static int
build(const struct action *a, const struct who *w,
    const char *const v[ACT_FIELDS], struct buf *out)
{
	struct xmlio_out o;
	struct date d;
	char iso[11];

	if (xmlio_out_begin(&o, a->root) == -1)
		goto fail;
	if (w->name != NULL &&
	    (xmlio_out_start(&o, "by") == -1 ||
		xmlio_out_elem(&o, "name", w->name) == -1 ||
		xmlio_out_elem(&o, "position", w->position) == -1 ||
		xmlio_out_elem(&o, "body", w->body) == -1 ||
		xmlio_out_end(&o) == -1))
		goto fail;
	for (int i = 0; i < ACT_FIELDS && a->f[i].name; i++) {
		if (v[i] == NULL)
			continue;
		if (a->f[i].kind == F_DATE && date_parse(v[i], &d) == 0) {
			date_iso(d, iso);
			if (xmlio_out_elem(&o, a->f[i].name, iso) == -1)
				goto fail;
		} else if (xmlio_out_elem(&o, a->f[i].name, v[i]) == -1)
			goto fail;
	}
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	fprintf(stderr, "complaintctl: %s: the document cannot be written\n",
	    a->cmd);
	return -1;
}

int
cmd_action(int argc, char **argv)
{
	struct option lo[2 * ACT_FIELDS + 8];
	char fnames[ACT_FIELDS][48], ref[ACT_REF_LEN], path[128];
	const char *v[ACT_FIELDS], *file[ACT_FIELDS];
	struct buf text[ACT_FIELDS], doc;
	const struct action *a = NULL;
	struct who w;
	int ch, i, n = 0, nf, dry = 0, stdin_used = 0, rc = CTL_USAGE;

	for (size_t k = 0; k < NACTIONS; k++)
		if (strcmp(actions[k].cmd, argv[0]) == 0)
			a = &actions[k];
	if (a == NULL)
		return CTL_USAGE;
	memset(&w, 0, sizeof(w));
	memset(v, 0, sizeof(v));
	memset(file, 0, sizeof(file));
	buf_init(&doc, ACT_MAX_DOC);
	for (i = 0; i < ACT_FIELDS; i++)
		buf_init(&text[i], ACT_MAX_TEXT);

	for (nf = 0; nf < ACT_FIELDS && a->f[nf].name; nf++) {
		lo[n++] = (struct option){ a->f[nf].name, required_argument,
			NULL, OPT_FIELD + nf };
		if (a->f[nf].kind != F_TEXT)
			continue;
		snprintf(
		    fnames[nf], sizeof(fnames[nf]), "%s-file", a->f[nf].name);
		lo[n++] = (struct option){ fnames[nf], required_argument, NULL,
			OPT_FILE + nf };
	}
	lo[n++] = (struct option){ "by-name", required_argument, NULL,
		OPT_BY_NAME };
	lo[n++] = (struct option){ "by-position", required_argument, NULL,
		OPT_BY_POSITION };
	lo[n++] = (struct option){ "by-body", required_argument, NULL,
		OPT_BY_BODY };
	lo[n++] = (struct option){ "dry-run", no_argument, NULL, 'n' };
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n] = (struct option){ NULL, 0, NULL, 0 };

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":hn", lo, NULL)) != -1) {
		if (ch >= OPT_FIELD && ch < OPT_FIELD + nf)
			v[ch - OPT_FIELD] = optarg;
		else if (ch >= OPT_FILE && ch < OPT_FILE + nf)
			file[ch - OPT_FILE] = optarg;
		else if (ch == OPT_BY_NAME)
			w.name = optarg;
		else if (ch == OPT_BY_POSITION)
			w.position = optarg;
		else if (ch == OPT_BY_BODY)
			w.body = optarg;
		else if (ch == 'n')
			dry = 1;
		else if (ch == 'h') {
			act_usage(a);
			rc = CTL_OK;
			goto out;
		} else {
			ctl_bad_option(a->cmd, ch, argv);
			act_usage(a);
			goto out;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "complaintctl: %s: %s\n", a->cmd,
		    argc == optind ? "which complaint? give its id or talon "
				     "number" :
				     "one complaint at a time");
		act_usage(a);
		goto out;
	}
	if (ctl_ref(a->cmd, argv[optind], ref, sizeof(ref)) == -1)
		goto out;
	for (i = 0; i < nf; i++) {
		if (file[i] != NULL) {
			if (v[i] != NULL) {
				fprintf(stderr,
				    "complaintctl: %s: --%s or "
				    "--%s-file, not both\n",
				    a->cmd, a->f[i].name, a->f[i].name);
				goto out;
			}
			if (strcmp(file[i], "-") == 0 && stdin_used++) {
				fprintf(stderr,
				    "complaintctl: %s: standard "
				    "input can be read only once\n",
				    a->cmd);
				goto out;
			}
			if (read_text(
				a->cmd, a->f[i].name, file[i], &text[i]) == -1)
				goto out;
			v[i] = text[i].data;
		}
		if (v[i] == NULL) {
			if (!a->f[i].required)
				continue;
			fprintf(stderr, "complaintctl: %s: --%s is needed\n",
			    a->cmd, a->f[i].name);
			act_usage(a);
			goto out;
		}
		if (check_field(a, &a->f[i], v[i]) == -1)
			goto out;
	}
	if (check_who(a, &w) == -1)
		goto out;
	if (build(a, &w, v, &doc) == -1) {
		rc = CTL_REFUSED;
		goto out;
	}
	if (dry) {
		fwrite(doc.data, 1, doc.len, stdout);
		rc = CTL_OK;
		goto out;
	}
	snprintf(path, sizeof(path), "/api/v1/complaints/%s/actions", ref);
	rc = ctl_exchange("POST", path, &doc, 200);
out:
	for (i = 0; i < ACT_FIELDS; i++)
		buf_free(&text[i]);
	buf_free(&doc);
	return rc;
}
