/*
 * web: loading the page's files once at start.  Everything is checked
 * here so that a request never finds a text or a part missing: English
 * has every text, each placeholder is closed, each part is there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

#define FILE_MAX	(256 * 1024)	/* each file */
#define KEYS_MAX	1024		/* texts in a language */
#define KEY_MAX		64
#define PARTS_MAX	64

struct text {
	const char	*key;
	const char	*val;
};

struct table {
	char		*blob;		/* the file, cut in place */
	struct text	*t;
	size_t		 n;
	int		 missing;	/* English keys this one lacks */
	char		 first_missing[KEY_MAX];
};

static struct {
	int		 loaded;
	struct table	 lang[WEB_NLANG];
	char		*page;
	struct web_part	 parts[PARTS_MAX];
	size_t		 nparts;
	char		*css;
	size_t		 css_len;
} W;

static const char *const files[WEB_NLANG] = { "kk.txt", "ru.txt", "en.txt" };

/* Reads a whole text file of at most FILE_MAX bytes; caller frees. */
static char *
slurp(const char *path, size_t *lenp, char *err, size_t errlen)
{
	size_t len;
	char *p;

	if ((p = read_whole_file(path, FILE_MAX, &len, err, errlen)) == NULL)
		return NULL;
	if (lenp)
		*lenp = len;
	if (strlen(p) != len) {
		snprintf(err, errlen, "%s: has a NUL byte", path);
		free(p);
		return NULL;
	}
	return p;
}

/* Whether s is well-formed UTF-8; *line gets the line of a fault. */
static int
utf8_ok(const char *s, int *line)
{
	size_t bad = 0;

	*line = 1;
	if (utf8_valid(s, strlen(s), &bad))
		return 1;
	for (size_t i = 0; i < bad; i++)
		if (s[i] == '\n')
			(*line)++;
	return 0;
}

static int
key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n >= KEY_MAX)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') ||
		    *k == '.' || *k == '-' || *k == '_'))
			return 0;
	return 1;
}

static int
text_cmp(const void *a, const void *b)
{
	return strcmp(((const struct text *)a)->key,
	    ((const struct text *)b)->key);
}

static const char *
table_get(const struct table *t, const char *key)
{
	struct text k = { key, NULL }, *r;

	if (t->t == NULL)
		return NULL;
	r = bsearch(&k, t->t, t->n, sizeof(k), text_cmp);
	return r ? r->val : NULL;
}

static void
table_free(struct table *t)
{
	free(t->blob);
	free(t->t);
	memset(t, 0, sizeof(*t));
}

/* Parses "key = text" lines of a language file, in place. */
static int
table_load(struct table *t, const char *dir, const char *name, char *err,
    size_t errlen)
{
	char path[1024], *line, *next, *eq, *k, *v;
	int lineno = 0, bad;

	memset(t, 0, sizeof(*t));
	if ((size_t)snprintf(path, sizeof(path), "%s/lang/%s", dir, name) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if ((t->blob = slurp(path, NULL, err, errlen)) == NULL)
		return -1;
	if (!utf8_ok(t->blob, &bad)) {
		snprintf(err, errlen, "%s:%d: not UTF-8", path, bad);
		goto fail;
	}
	if ((t->t = calloc(KEYS_MAX, sizeof(*t->t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (line = t->blob; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line = str_trim(line);
		if (*line == '\0' || *line == '#')
			continue;
		if ((eq = strchr(line, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected key = text",
			    path, lineno);
			goto fail;
		}
		*eq = '\0';
		k = str_trim(line);
		v = str_trim(eq + 1);
		if (!key_ok(k)) {
			snprintf(err, errlen, "%s:%d: a key is a-z, 0-9, '.', "
			    "'-' and '_', under %d characters", path, lineno,
			    KEY_MAX);
			goto fail;
		}
		if (*v == '\0') {
			snprintf(err, errlen, "%s:%d: %s: empty text", path,
			    lineno, k);
			goto fail;
		}
		if (t->n == KEYS_MAX) {
			snprintf(err, errlen, "%s:%d: more than %d texts", path,
			    lineno, KEYS_MAX);
			goto fail;
		}
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(t->t[i].key, k) == 0) {
				snprintf(err, errlen, "%s:%d: %s: given twice",
				    path, lineno, k);
				goto fail;
			}
		t->t[t->n].key = k;
		t->t[t->n].val = v;
		t->n++;
	}
	qsort(t->t, t->n, sizeof(*t->t), text_cmp);
	return 0;
fail:
	table_free(t);
	return -1;
}

/*
 * Checks the placeholders of a part: each closed, each text in English.
 */
static int
part_check(const struct web_part *p, const struct table *en,
    const char *path, char *err, size_t errlen)
{
	const char *s = p->s, *e = p->s + p->len, *o, *c;
	char key[KEY_MAX];
	size_t n;

	while ((o = memmem(s, (size_t)(e - s), "{{", 2)) != NULL) {
		c = memmem(o + 2, (size_t)(e - o - 2), "}}", 2);
		if (c == NULL || c - o - 2 >= KEY_MAX + 2 ||
		    memchr(o + 2, '\n', (size_t)(c - o - 2)) != NULL) {
			snprintf(err, errlen, "%s: part %.*s: a {{ without }}",
			    path, (int)p->name_len, p->name);
			return -1;
		}
		if (c - o > 4 && o[2] == 't' && o[3] == ':') {
			n = (size_t)(c - o - 4);
			memcpy(key, o + 4, n);
			key[n] = '\0';
			if (table_get(en, key) == NULL) {
				snprintf(err, errlen, "%s: part %.*s: en.txt "
				    "has no text \"%s\"", path,
				    (int)p->name_len, p->name, key);
				return -1;
			}
		}
		s = c + 2;
	}
	return 0;
}

/* Cuts page.html at its "<!-- part: name -->" lines. */
static int
page_load(const char *dir, const struct table *en, char *err,
    size_t errlen)
{
	static const char mark[] = "<!-- part: ";
	char path[1024];
	char *s, *e, *end;
	struct web_part *p = NULL;
	size_t len;
	int bad;

	if ((size_t)snprintf(path, sizeof(path), "%s/page.html", dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if ((W.page = slurp(path, &len, err, errlen)) == NULL)
		return -1;
	if (!utf8_ok(W.page, &bad)) {
		snprintf(err, errlen, "%s:%d: not UTF-8", path, bad);
		return -1;
	}
	end = W.page + len;
	for (s = W.page; s < end; s = e) {
		e = strchr(s, '\n');
		e = e ? e + 1 : end;
		if (strncmp(s, mark, sizeof(mark) - 1) != 0)
			continue;
		if (p != NULL)
			p->len = (size_t)(s - p->s);
		if (W.nparts == PARTS_MAX) {
			snprintf(err, errlen, "%s: more than %d parts", path,
			    PARTS_MAX);
			return -1;
		}
		p = &W.parts[W.nparts++];
		p->name = s + sizeof(mark) - 1;
		p->name_len = strcspn(p->name, " \n");
		if (p->name_len == 0 || strncmp(p->name + p->name_len,
		    " -->", 4) != 0) {
			snprintf(err, errlen, "%s: a part line is \"<!-- part: "
			    "name -->\"", path);
			return -1;
		}
		p->s = e;
	}
	if (p != NULL)
		p->len = (size_t)(end - p->s);
	for (size_t i = 0; i < W.nparts; i++)
		if (part_check(&W.parts[i], en, path, err, errlen) == -1)
			return -1;
	for (size_t i = 0; web_parts[i] != NULL; i++)
		if (web_part(web_parts[i]) == NULL) {
			snprintf(err, errlen, "%s: no part \"%s\"", path,
			    web_parts[i]);
			return -1;
		}
	return 0;
}

const struct web_part *
web_part(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < W.nparts; i++)
		if (W.parts[i].name_len == n &&
		    memcmp(W.parts[i].name, name, n) == 0)
			return &W.parts[i];
	return NULL;
}

int
web_loaded(void)
{
	return W.loaded;
}

void
web_cleanup(void)
{
	for (int i = 0; i < WEB_NLANG; i++)
		table_free(&W.lang[i]);
	free(W.page);
	free(W.css);
	memset(&W, 0, sizeof(W));
}

int
web_init(const char *dir, char *err, size_t errlen)
{
	struct table *en = &W.lang[WEB_EN];
	char path[1024];
	int bad;

	web_cleanup();
	for (int i = 0; i < WEB_NLANG; i++)
		if (table_load(&W.lang[i], dir, files[i], err, errlen) == -1)
			goto fail;
	for (size_t i = 0; web_keys[i] != NULL; i++)
		if (table_get(en, web_keys[i]) == NULL) {
			snprintf(err, errlen, "%s/lang/en.txt: no text \"%s\"",
			    dir, web_keys[i]);
			goto fail;
		}
	for (int l = 0; l < WEB_NLANG; l++) {
		struct table *t = &W.lang[l];

		if (l == WEB_EN)
			continue;
		for (size_t i = 0; i < t->n; i++)
			if (table_get(en, t->t[i].key) == NULL) {
				snprintf(err, errlen, "%s/lang/%s: \"%s\" is "
				    "not in en.txt", dir, files[l],
				    t->t[i].key);
				goto fail;
			}
		for (size_t i = 0; i < en->n; i++)
			if (table_get(t, en->t[i].key) == NULL &&
			    t->missing++ == 0)
				strlcpy_chk(t->first_missing, en->t[i].key,
				    sizeof(t->first_missing));
		if (t->missing)
			log_warnx("web: %s/lang/%s: %d texts missing, English "
			    "shown instead (the first: %s)", dir, files[l],
			    t->missing, t->first_missing);
	}
	if (page_load(dir, en, err, errlen) == -1)
		goto fail;
	if ((size_t)snprintf(path, sizeof(path), "%s/status.css", dir) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		goto fail;
	}
	if ((W.css = slurp(path, &W.css_len, err, errlen)) == NULL)
		goto fail;
	if (!utf8_ok(W.css, &bad)) {
		snprintf(err, errlen, "%s:%d: not UTF-8", path, bad);
		goto fail;
	}
	W.loaded = 1;
	return 0;
fail:
	web_cleanup();
	return -1;
}

int
web_missing(enum web_lang l, char *first, size_t firstlen)
{
	if ((unsigned)l >= WEB_NLANG)
		return 0;
	if (first != NULL && firstlen > 0)
		strlcpy_chk(first, W.lang[l].first_missing, firstlen);
	return W.lang[l].missing;
}

const char *
web_text(enum web_lang l, const char *key, int *own)
{
	const char *v = NULL;

	if (own != NULL)
		*own = 0;
	if ((unsigned)l >= WEB_NLANG)
		l = WEB_EN;
	if ((v = table_get(&W.lang[l], key)) != NULL) {
		if (own != NULL)
			*own = 1;
		return v;
	}
	return table_get(&W.lang[WEB_EN], key);
}

const char *
web_css(size_t *len)
{
	if (len != NULL)
		*len = W.css_len;
	return W.css;
}
