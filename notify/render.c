/*
 * Notice texts from template files.
 *
 * A template is notify/templates/KIND.LANG.txt: a "Subject:" line, then
 * the text with {{field}} placeholders and {{#field}}..{{/field}}
 * sections.  The grammar is small on purpose: the texts are written by
 * people who write letters, and every template is checked whole on every
 * use, so a typo is an error the first time it is rendered, not a blank in
 * a letter that has already gone out.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "notify/notify_int.h"

#define TAG_MAX	  128 /* the inside of one {{...}} */
#define DEPTH_MAX 8   /* nested sections */
#define FNAME_MAX 64  /* "reminder.kk.txt" */

enum field_kind {
	F_STR,	     /* a const char * member */
	F_SERVICE,   /* the service number */
	F_FULL_NAME, /* surname name patronymic */
	F_BODY_NAME  /* the body's name in the letter's language */
};

struct field {
	const char *name;
	enum field_kind kind;
	size_t off;
};

#define STR(f) \
	{ \
#f, F_STR, offsetof(struct notify_letter, f) \
	}

/* Every placeholder there is: anything else in a template is an error. */
static const struct field fields[] = {
	STR(kind),
	STR(lang),
	STR(uid),
	STR(surname),
	STR(name),
	STR(patronymic),
	STR(address),
	STR(email),
	STR(body_code),
	STR(body_name_kk),
	STR(body_name_ru),
	STR(body_address),
	STR(body_phones),
	STR(out_number),
	STR(date),
	STR(talon),
	STR(journal_number),
	STR(accepted_on),
	{ "service", F_SERVICE, 0 },
	STR(service_title),
	STR(due),
	STR(new_due),
	STR(extension_reason),
	STR(forwarded_to_name),
	STR(forward_reason),
	STR(outcome),
	STR(reasoning),
	STR(decided_by),
	STR(appeal_to_name),
	STR(court_clause),
	STR(status_url),
	STR(confirm_url),
	{ "full_name", F_FULL_NAME, 0 },
	{ "body_name", F_BODY_NAME, 0 },
};

static const char *const kinds[] = { "forwarded", "extended", "decision",
	"overdue", "reminder", "confirm", "talon", "received" };
static const char *const langs[] = { "kk", "ru" };
static const char *const outcomes[] = { "upheld", "partly-upheld", "rejected",
	"explained" };

/* Where rendering is: for the messages. */
struct render {
	const struct notify_letter *letter;
	const char *fname;
	int line;
	int subject; /* one line, no
							   controls */
	char *err;
	size_t errlen;
};

static const struct field *
field_find(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i].name) == len &&
		    memcmp(fields[i].name, name, len) == 0)
			return &fields[i];
	return NULL;
}

/*
 * The field's value, or NULL when it is absent or empty.  Derived values
 * are written into tmp.
 */
static const char *
field_value(
    const struct notify_letter *l, const struct field *f, struct buf *tmp)
{
	const char *v = NULL;

	buf_reset(tmp);
	switch (f->kind) {
	case F_STR:
		memcpy(&v, (const char *)l + f->off, sizeof(v));
		break;
	case F_SERVICE:
		if (l->service > 0 && buf_printf(tmp, "%d", l->service) == 0)
			v = tmp->data;
		break;
	case F_FULL_NAME:
		if (notify_full_name(l, tmp) == 0)
			v = tmp->data;
		break;
	case F_BODY_NAME:
		if (l->lang != NULL && strcmp(l->lang, "ru") == 0)
			v = l->body_name_ru ? l->body_name_ru : l->body_name_kk;
		else
			v = l->body_name_kk ? l->body_name_kk : l->body_name_ru;
		break;
	}
	if (v != NULL && *v == '\0')
		v = NULL;
	return v;
}

int
notify_full_name(const struct notify_letter *l, struct buf *out)
{
	const char *part[3] = { l->surname, l->name, l->patronymic };
	int n = 0;

	for (int i = 0; i < 3; i++) {
		if (part[i] == NULL || *part[i] == '\0')
			continue;
		if ((n++ && buf_puts(out, " ") == -1) ||
		    buf_puts(out, part[i]) == -1)
			return -1;
	}
	return n ? 0 : -1;
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

/* Appends a value verbatim, without carriage returns. */
static int
emit_value(struct render *r, const char *name, const char *v, struct buf *out)
{
	size_t n = strlen(v);

	if (n > NOTIFY_VALUE_MAX || !notify_utf8_text(v, n)) {
		errf(r->err, r->errlen,
		    "%s:%d: {{%s}}: the value is "
		    "too long or not UTF-8 text",
		    r->fname, r->line, name);
		return -1;
	}
	if (r->subject && strpbrk(v, "\r\n\t") != NULL) {
		errf(r->err, r->errlen,
		    "%s:%d: {{%s}}: a line break "
		    "in the subject",
		    r->fname, r->line, name);
		return -1;
	}
	for (const char *p = v; *p != '\0';) {
		size_t k = strcspn(p, "\r");

		if (buf_add(out, p, k) == -1)
			goto full;
		p += k;
		if (*p == '\r')
			p++;
	}
	return 0;
full:
	errf(r->err, r->errlen,
	    "%s:%d: the text is longer than %zu "
	    "bytes",
	    r->fname, r->line, out->cap);
	return -1;
}

struct section {
	const struct field *f;
	int keep;
};

/*
 * One {{...}} tag, its inside in t[0..n).  Updates the section stack;
 * emits a value when every enclosing section is kept.
 */
static int
do_tag(struct render *r, const char *t, size_t n, struct section *st,
    int *depth, struct buf *out, struct buf *tmp)
{
	const struct field *f;
	const char *v, *arg = NULL;
	char sigil = 0, ev[11];
	size_t k, argn = 0;
	int keep = 1;

	while (n > 0 && (*t == ' ' || *t == '\t'))
		t++, n--;
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	if (n > 0 && *t == '!')
		return 0;
	if (n > 0 && (*t == '#' || *t == '^' || *t == '/'))
		sigil = *t++, n--;
	for (k = 0; k < n && is_name_char(t[k]); k++)
		;
	if (k < n && (t[k] == '=' || t[k] == '|') && sigil != '/' &&
	    (t[k] == '|') == (sigil == 0)) {
		arg = t + k + 1;
		argn = n - k - 1;
	} else if (k != n)
		goto bad;
	if (k == 0 || (f = field_find(t, k)) == NULL) {
		errf(r->err, r->errlen,
		    "%s:%d: unknown placeholder "
		    "{{%.*s}}",
		    r->fname, r->line, (int)n, t);
		return -1;
	}
	for (int i = 0; i < *depth; i++)
		keep = keep && st[i].keep;

	switch (sigil) {
	case '#':
	case '^':
		if (*depth == DEPTH_MAX) {
			errf(r->err, r->errlen,
			    "%s:%d: sections nested "
			    "deeper than %d",
			    r->fname, r->line, DEPTH_MAX);
			return -1;
		}
		v = field_value(r->letter, f, tmp);
		if (arg != NULL)
			keep = v != NULL && strlen(v) == argn &&
			    memcmp(v, arg, argn) == 0;
		else
			keep = v != NULL;
		if (sigil == '^')
			keep = !keep;
		st[*depth].f = f;
		st[*depth].keep = keep;
		(*depth)++;
		return 0;
	case '/':
		if (*depth == 0 || st[*depth - 1].f != f) {
			errf(r->err, r->errlen,
			    "%s:%d: {{/%s}} closes "
			    "no section",
			    r->fname, r->line, f->name);
			return -1;
		}
		(*depth)--;
		return 0;
	default:
		break;
	}
	if (arg != NULL && !(argn == 3 && memcmp(arg, "dmy", 3) == 0)) {
		errf(r->err, r->errlen,
		    "%s:%d: unknown filter "
		    "{{%.*s}}",
		    r->fname, r->line, (int)n, t);
		return -1;
	}
	if (!keep)
		return 0;
	if ((v = field_value(r->letter, f, tmp)) == NULL) {
		errf(r->err, r->errlen, "%s:%d: {{%s}} has no value", r->fname,
		    r->line, f->name);
		return -1;
	}
	if (arg != NULL) {
		if (notify_dmy(v, ev) == -1) {
			errf(r->err, r->errlen,
			    "%s:%d: {{%s}} is not "
			    "a date: %.32s",
			    r->fname, r->line, f->name, v);
			return -1;
		}
		v = ev;
	}
	return emit_value(r, f->name, v, out);
bad:
	errf(r->err, r->errlen, "%s:%d: malformed tag {{%.*s}}", r->fname,
	    r->line, (int)n, t);
	return -1;
}

/* A line that holds one section tag or comment and blanks: dropped. */
static int
standalone(const char *p, size_t n, const char **tag, size_t *tagn)
{
	const char *e = p + n, *close;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - p < 5 || memcmp(p, "{{", 2) != 0 ||
	    memcmp(e - 2, "}}", 2) != 0 || strchr("#^/!", p[2]) == NULL)
		return 0;
	close = memmem(p + 2, (size_t)(e - p - 2), "}}", 2);
	if (close != e - 2)
		return 0;
	*tag = p + 2;
	*tagn = (size_t)(e - 2 - (p + 2));
	return 1;
}

/* Renders src[0..len), whose first line is line0 of the file. */
static int
render_part(
    struct render *r, const char *src, size_t len, int line0, struct buf *out)
{
	struct section st[DEPTH_MAX];
	struct buf tmp;
	const char *p = src, *end = src + len;
	int depth = 0, rc = -1;

	buf_init(&tmp, NOTIFY_VALUE_MAX);
	r->line = line0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *tag;
		size_t tagn;

		if (standalone(p, (size_t)(eol - p), &tag, &tagn)) {
			if (tagn > TAG_MAX)
				goto toolong;
			if (do_tag(r, tag, tagn, st, &depth, out, &tmp) == -1)
				goto out;
			goto next;
		}
		while (p < eol) {
			const char *open = memmem(
				       p, (size_t)(eol - p), "{{", 2),
				   *close;
			const char *lit = open ? open : eol;
			int keep = 1;

			for (int i = 0; i < depth; i++)
				keep = keep && st[i].keep;
			if (keep && buf_add(out, p, (size_t)(lit - p)) == -1)
				goto full;
			if (open == NULL)
				break;
			close = memmem(
			    open + 2, (size_t)(eol - open - 2), "}}", 2);
			if (close == NULL) {
				errf(r->err, r->errlen,
				    "%s:%d: {{ "
				    "without }}",
				    r->fname, r->line);
				goto out;
			}
			if (close - open - 2 > TAG_MAX)
				goto toolong;
			if (do_tag(r, open + 2, (size_t)(close - open - 2), st,
				&depth, out, &tmp) == -1)
				goto out;
			p = close + 2;
		}
		if (nl != NULL) {
			int keep = 1;

			for (int i = 0; i < depth; i++)
				keep = keep && st[i].keep;
			if (keep && buf_add(out, "\n", 1) == -1)
				goto full;
		}
next:
		p = nl ? nl + 1 : end;
		r->line++;
	}
	if (depth > 0) {
		errf(r->err, r->errlen, "%s: {{%c%s}} is never closed",
		    r->fname, '#', st[depth - 1].f->name);
		goto out;
	}
	rc = 0;
	goto out;
toolong:
	errf(r->err, r->errlen, "%s:%d: a tag longer than %d bytes", r->fname,
	    r->line, TAG_MAX);
	goto out;
full:
	errf(r->err, r->errlen,
	    "%s:%d: the %s is longer than %zu "
	    "bytes",
	    r->fname, r->line, r->subject ? "subject" : "text", out->cap);
out:
	buf_free(&tmp);
	return rc;
}

static int
one_of(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

/* Reads the whole file into b; NOTIFY_NOTEMPLATE when it is not there. */
static int
read_template(const char *path, const char *fname, struct buf *b, char *err,
    size_t errlen)
{
	char chunk[4096];
	FILE *f;
	size_t n;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		errf(err, errlen, "notify: template %s: %s", path,
		    strerror(errno));
		return errno == ENOENT ? NOTIFY_NOTEMPLATE : -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			errf(err, errlen,
			    "notify: template %s: longer "
			    "than %d bytes",
			    fname, NOTIFY_TEMPLATE_MAX);
			goto out;
		}
	if (ferror(f)) {
		errf(err, errlen, "notify: template %s: read error", path);
		goto out;
	}
	if (!notify_utf8_text(b->data ? b->data : "", b->len)) {
		errf(err, errlen,
		    "notify: template %s: not UTF-8 "
		    "text",
		    fname);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

int
notify_render(const char *template_dir, const struct notify_letter *l,
    struct buf *subject, struct buf *text, char *err, size_t errlen)
{
	static const char prefix[] = "Subject:";
	char fname[FNAME_MAX], path[4096];
	struct render r;
	struct buf tpl;
	const char *s, *nl, *body;
	size_t slen;
	int rc = -1, n;

	buf_init(&tpl, NOTIFY_TEMPLATE_MAX);
	if (!one_of(l->kind, kinds, sizeof(kinds) / sizeof(kinds[0])) ||
	    !one_of(l->lang, langs, sizeof(langs) / sizeof(langs[0]))) {
		errf(err, errlen,
		    "notify: no such notice kind or "
		    "language: %.20s.%.8s",
		    l->kind ? l->kind : "(null)", l->lang ? l->lang : "(null)");
		goto out;
	}
	/* The templates choose the words by it: an unknown one is a gap. */
	if (l->outcome != NULL &&
	    !one_of(
		l->outcome, outcomes, sizeof(outcomes) / sizeof(outcomes[0]))) {
		errf(err, errlen, "notify: no such outcome: %.20s", l->outcome);
		goto out;
	}
	snprintf(fname, sizeof(fname), "%s.%s.txt", l->kind, l->lang);
	n = snprintf(path, sizeof(path), "%s/%s", template_dir, fname);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		errf(err, errlen,
		    "notify: template folder name too "
		    "long");
		goto out;
	}
	if ((rc = read_template(path, fname, &tpl, err, errlen)) != 0)
		goto out;
	rc = -1;

	s = tpl.data ? tpl.data : "";
	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0) {
		errf(err, errlen,
		    "notify: %s:1: the first line must "
		    "be \"Subject: ...\"",
		    fname);
		goto out;
	}
	s += sizeof(prefix) - 1;
	while (*s == ' ' || *s == '\t')
		s++;
	nl = strchr(s, '\n');
	slen = nl ? (size_t)(nl - s) : strlen(s);
	while (slen > 0 && strchr(" \t\r", s[slen - 1]) != NULL)
		slen--;
	body = nl ? nl + 1 : s + slen;
	/* One blank line between the subject and the text is for the eye. */
	if (*body == '\n')
		body++;
	else if (body[0] == '\r' && body[1] == '\n')
		body += 2;

	memset(&r, 0, sizeof(r));
	r.letter = l;
	r.fname = fname;
	r.err = err;
	r.errlen = errlen;
	r.subject = 1;
	if (render_part(&r, s, slen, 1, subject) == -1)
		goto out;
	r.subject = 0;
	n = 1;
	for (const char *q = tpl.data; q != NULL && q < body; q++)
		n += *q == '\n';
	if (render_part(&r, body, strlen(body), n, text) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&tpl);
	return rc;
}
