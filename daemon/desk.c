/*
 * desk: the plumbing of the staff desk.  Who a desk request is (a
 * session cookie, HttpOnly, SameSite=Strict, and Secure with the
 * __Host- prefix under TLS), the Origin check of every POST, the CSRF
 * token of every form (a keyed hash of the session, or the sign-in
 * form's own cookie before there is a session), the forms, and the
 * answer of a page with its headers.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "daemon/desk.h"

#define PAGE_CAP (2 * 1024 * 1024) /* a rendered page */

static const char page_csp[] =
    "default-src 'none'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

static uint8_t csrf_key[crypto_generichash_KEYBYTES];
static pthread_once_t csrf_once = PTHREAD_ONCE_INIT;

static void
csrf_init(void)
{
	randombytes_buf(csrf_key, sizeof(csrf_key));
}

static int
tls(struct req *r)
{
	return r->h->conf->tls_cert != NULL && r->h->conf->tls_cert[0];
}

/* A cookie's name: __Host- before it under TLS. */
static void
cookie_name(struct req *r, const char *base, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s", tls(r) ? "__Host-" : "", base);
}

static const char *
cookie(struct req *r, const char *base)
{
	char name[64];

	cookie_name(r, base, name, sizeof(name));
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

static void
set_cookie(struct req *r, const char *base, const char *value, int max_age,
    char *out, size_t outlen)
{
	char name[64];

	cookie_name(r, base, name, sizeof(name));
	snprintf(out, outlen, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	    name, value, tls(r) ? "; Secure" : "",
	    max_age == 0 ? "; Max-Age=0" : "");
}

void
desk_session_cookie(struct req *r, const char *token, char *out, size_t outlen)
{
	set_cookie(r, "desk", token ? token : "", token ? -1 : 0, out, outlen);
}

/* The CSRF token of a session token: hex of a keyed BLAKE2b. */
static void
csrf_of(const char *token, char out[DESK_CSRF_LEN + 1])
{
	uint8_t h[DESK_CSRF_LEN / 2];

	pthread_once(&csrf_once, csrf_init);
	crypto_generichash(h, sizeof(h), (const uint8_t *)token, strlen(token),
	    csrf_key, sizeof(csrf_key));
	sodium_bin2hex(out, DESK_CSRF_LEN + 1, h, sizeof(h));
}

/* The CSRF token this request's forms must carry, or "" when none. */
static void
csrf_expected(struct req *r, char out[DESK_CSRF_LEN + 1])
{
	const char *c;

	out[0] = '\0';
	if (r->who != NULL && (c = cookie(r, "desk")) != NULL)
		csrf_of(c, out);
	else if ((c = cookie(r, "desk-login")) != NULL &&
	    strlen(c) == DESK_CSRF_LEN)
		strlcpy_chk(out, c, DESK_CSRF_LEN + 1);
}

int
desk_csrf_ok(struct req *r, const struct desk_form *f)
{
	char want[DESK_CSRF_LEN + 1];
	const char *got = desk_form_get(f, "csrf");

	csrf_expected(r, want);
	return want[0] && got != NULL && strlen(got) == DESK_CSRF_LEN &&
	    sodium_memcmp(want, got, DESK_CSRF_LEN) == 0;
}

int
desk_access(struct req *r)
{
	struct complaints_error e;
	const char *origin, *host, *c;
	char want[300];

	if (strcmp(r->route->method, "POST") == 0) {
		/* A form posted from another site's page: refused whole. */
		origin = httpd_header(r, "Origin");
		host = httpd_header(r, MHD_HTTP_HEADER_HOST);
		snprintf(want, sizeof(want), "%s://%s",
		    tls(r) ? "https" : "http", host ? host : "");
		if (origin == NULL || host == NULL ||
		    strcmp(origin, want) != 0) {
			r->access_rc = httpd_fail(r, 403, "bad-origin",
			    "a "
			    "desk form is posted from the desk's own pages "
			    "only (Origin %s)",
			    origin ? origin : "missing");
			return -1;
		}
	}
	if (r->route->access != DESK)
		return 0;
	c = cookie(r, "desk");
	if (c == NULL ||
	    complaints_authenticate(r->h->cx, c, &r->actor, &e) == -1) {
		r->access_rc = desk_redirect(r, "/desk/login", NULL);
		return -1;
	}
	r->who = &r->actor;
	return 0;
}

enum web_lang
desk_lang(struct req *r)
{
	const char *p = httpd_arg(r, "lang");

	if (p == NULL)
		p = cookie(r, "desk-lang");
	return web_lang_pick(
	    p, httpd_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
}

/* --- Forms -------------------------------------------------------------- */

/* The part of a form being read: a file, or a hidden "attached". */
struct desk_part {
	int file;		      /* 1: a file, 0: "attached" */
	int idx;		      /* in f->files; -1: skipped */
	crypto_hash_sha256_state sha; /* a file's bytes */
	char line[512];		      /* an "attached" value */
	size_t len;
};

/* The next entry of f->files, or NULL (f->files_over set when full). */
static struct desk_file *
file_new(struct desk_form *f)
{
	if (f->files == NULL &&
	    (f->files = calloc(DESK_FILES, sizeof(*f->files))) == NULL) {
		f->bad = 1;
		return NULL;
	}
	if (f->nfiles == DESK_FILES) {
		f->files_over = 1;
		return NULL;
	}
	memset(&f->files[f->nfiles], 0, sizeof(f->files[0]));
	return &f->files[f->nfiles++];
}

/* type/subtype as the schema's media-type has it, else -1. */
static int
media_type(const char *in, char *out, size_t outlen)
{
	size_t n = strcspn(in, "; "), i;
	const char *slash = memchr(in, '/', n);

	if (n == 0 || n >= outlen || slash == NULL || slash == in ||
	    slash == in + n - 1)
		return -1;
	for (i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)in[i]);

		if (!isalnum((unsigned char)c) && strchr("/.+-", c) == NULL)
			return -1;
		if (c == '/' && in + i != slash)
			return -1;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

/* Ends the part being read: a file's hash, or an "attached" parsed. */
static void
part_end(struct desk_form *f)
{
	struct desk_part *p = f->part;
	struct desk_file *d;
	uint8_t h[crypto_hash_sha256_BYTES];
	char *type, *name;

	if (p == NULL || p->idx < 0)
		return;
	d = &f->files[p->idx];
	if (p->file) {
		crypto_hash_sha256_final(&p->sha, h);
		sodium_bin2hex(d->sha256, sizeof(d->sha256), h, sizeof(h));
		p->idx = -1;
		return;
	}
	/* "SHA256 TYPE NAME", as desk-register.xsl writes it. */
	p->line[p->len] = '\0';
	type = strchr(p->line, ' ');
	name = type ? strchr(type + 1, ' ') : NULL;
	if (type == NULL || name == NULL || type - p->line != 64 ||
	    strspn(p->line, "0123456789abcdef") != 64 || name[1] == '\0' ||
	    !utf8_text(name + 1, strlen(name + 1), NULL)) {
		f->bad = 1;
		p->idx = -1;
		return;
	}
	*type++ = *name++ = '\0';
	memcpy(d->sha256, p->line, 65);
	if (media_type(type, d->type, sizeof(d->type)) == -1 ||
	    strlen(name) >= sizeof(d->name))
		f->bad = 1;
	strlcpy_chk(d->name, name, sizeof(d->name));
	d->size = -1;
	p->idx = -1;
}

/* A piece of a file, or of an "attached" value. */
static void
part_data(struct desk_form *f, int file, const char *key, const char *filename,
    const char *content_type, const char *data, uint64_t off, size_t size)
{
	struct desk_part *p;
	struct desk_file *d;
	const char *base;

	if (f->part == NULL) {
		if ((f->part = calloc(1, sizeof(*f->part))) == NULL) {
			f->bad = 1;
			return;
		}
		f->part->idx = -1;
	}
	p = f->part;
	if (off == 0) {
		part_end(f);
		p->file = file;
		p->idx = -1;
		p->len = 0;
		/* An empty file input: no file chosen. */
		if (file && filename[0] == '\0')
			return;
		if ((d = file_new(f)) == NULL)
			return;
		p->idx = (int)(d - f->files);
		if (file) {
			/* The name without a folder (old browsers send it). */
			base = filename + strlen(filename);
			while (base > filename && base[-1] != '/' &&
			    base[-1] != '\\')
				base--;
			if (web_clean(base, d->name, sizeof(d->name)) == 1 ||
			    d->name[0] == '\0')
				f->bad = 1;
			if (content_type == NULL ||
			    media_type(
				content_type, d->type, sizeof(d->type)) == -1)
				strlcpy_chk(d->type, "application/octet-stream",
				    sizeof(d->type));
			crypto_hash_sha256_init(&p->sha);
		}
	}
	(void)key;
	if (p->idx < 0)
		return;
	if (file) {
		crypto_hash_sha256_update(
		    &p->sha, (const unsigned char *)data, size);
		f->files[p->idx].size += (int64_t)size;
	} else if (p->len + size >= sizeof(p->line))
		f->bad = 1;
	else {
		memcpy(p->line + p->len, data, size);
		p->len += size;
	}
}

static enum MHD_Result
form_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	struct desk_form *f = cls;
	char *v;
	int i;

	if (filename != NULL || strcmp(key, DESK_ATTACHED) == 0) {
		part_data(f, filename != NULL, key, filename, content_type,
		    data, off, size);
		return MHD_YES;
	}
	part_end(f);

	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], key) == 0)
			break;
	if (i == f->n) {
		if (f->n == DESK_FIELDS) {
			f->bad = 1;
			return MHD_YES;
		}
		if ((f->name[i] = strdup(key)) == NULL) {
			f->bad = 1;
			return MHD_YES;
		}
		f->value[i] = NULL;
		f->len[i] = 0;
		f->n++;
	}
	if (f->len[i] + size > DESK_FIELD_MAX) {
		f->bad = 1;
		return MHD_YES;
	}
	if ((v = malloc(f->len[i] + size + 1)) == NULL) {
		f->bad = 1;
		return MHD_YES;
	}
	if (f->value[i] != NULL) {
		memcpy(v, f->value[i], f->len[i]);
		sodium_memzero(f->value[i], f->len[i]);
		free(f->value[i]);
	}
	memcpy(v + f->len[i], data, size);
	f->len[i] += size;
	v[f->len[i]] = '\0';
	f->value[i] = v;
	return MHD_YES;
}

int
desk_form_read(struct req *r, struct desk_form *f)
{
	struct MHD_PostProcessor *pp;
	int ok;

	memset(f, 0, sizeof(*f));
	pp = MHD_create_post_processor(r->conn, 4096, form_field, f);
	if (pp == NULL) {
		f->bad = 1;
		return -1;
	}
	ok = MHD_post_process(pp, httpd_body(r), r->body.len) == MHD_YES;
	if (MHD_destroy_post_processor(pp) != MHD_YES)
		ok = 0;
	part_end(f);
	free(f->part);
	f->part = NULL;
	for (int i = 0; i < f->n; i++)
		if (f->value[i] != NULL &&
		    (strlen(f->value[i]) != f->len[i] ||
			!utf8_valid(f->value[i], f->len[i], NULL)))
			f->bad = 1;
	if (!ok)
		f->bad = 1;
	return f->bad ? -1 : 0;
}

const char *
desk_form_get(const struct desk_form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0)
			return f->value[i] &&
				f->value[i][strspn(f->value[i], " \t\r\n")] ?
			    f->value[i] :
			    NULL;
	return NULL;
}

void
desk_form_free(struct desk_form *f)
{
	for (int i = 0; i < f->n; i++) {
		if (f->value[i] != NULL)
			sodium_memzero(f->value[i], f->len[i]);
		free(f->value[i]);
		free(f->name[i]);
	}
	f->n = 0;
	free(f->files);
	f->files = NULL;
	f->nfiles = 0;
	free(f->part);
	f->part = NULL;
}

/* --- The page's document ------------------------------------------------ */

static int
prop(xmlNodePtr n, const char *name, const char *v)
{
	char clean[1024];

	web_clean(v ? v : "", clean, sizeof(clean));
	return xmlSetProp(n, BAD_CAST name, BAD_CAST clean) ? 0 : -1;
}

xmlDocPtr
desk_doc(struct req *r)
{
	char csrf[DESK_CSRF_LEN + 1], remind[24];
	xmlDocPtr d;
	xmlNodePtr root, me;

	if ((d = xmlNewDoc(BAD_CAST "1.0")) == NULL)
		return NULL;
	if ((root = xmlNewDocNode(d, NULL, BAD_CAST "desk", NULL)) == NULL)
		goto fail;
	xmlDocSetRootElement(d, root);
	csrf_expected(r, csrf);
	snprintf(remind, sizeof(remind), "%lld", r->h->conf->remind_days);
	if (prop(root, "csrf", csrf) == -1 ||
	    prop(root, "remind-days", remind) == -1)
		goto fail;
	if (r->who != NULL) {
		if ((me = xmlNewChild(root, NULL, BAD_CAST "me", NULL)) ==
			NULL ||
		    prop(me, "login", r->who->login) == -1 ||
		    prop(me, "name", r->who->name) == -1 ||
		    prop(me, "position", r->who->position) == -1 ||
		    prop(me, "body", r->who->body) == -1 ||
		    prop(me, "role", complaints_role_name(r->who->role)) == -1)
			goto fail;
	}
	return d;
fail:
	xmlFreeDoc(d);
	return NULL;
}

int
desk_doc_add(xmlNodePtr parent, const char *xml, size_t len)
{
	xmlDocPtr d;
	xmlNodePtr n;

	d = xmlReadMemory(xml, (int)len, NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (d == NULL)
		return -1;
	n = xmlDocCopyNode(xmlDocGetRootElement(d), parent->doc, 1);
	xmlFreeDoc(d);
	if (n == NULL)
		return -1;
	xmlAddChild(parent, n);
	return 0;
}

int
desk_doc_form(xmlNodePtr parent, const struct desk_form *f)
{
	xmlNodePtr form, fld;
	char size[24];

	if ((form = xmlNewChild(parent, NULL, BAD_CAST "form", NULL)) == NULL)
		return -1;
	for (int i = 0; f != NULL && i < f->nfiles; i++) {
		if ((fld = xmlNewChild(
			 form, NULL, BAD_CAST "attachment", NULL)) == NULL ||
		    prop(fld, "name", f->files[i].name) == -1 ||
		    prop(fld, "media-type", f->files[i].type) == -1 ||
		    prop(fld, "sha256", f->files[i].sha256) == -1)
			return -1;
		snprintf(
		    size, sizeof(size), "%lld", (long long)f->files[i].size);
		if (f->files[i].size >= 0 && prop(fld, "size", size) == -1)
			return -1;
	}
	for (int i = 0; f != NULL && i < f->n; i++) {
		char *clean;
		size_t cap;

		if (strcmp(f->name[i], "password") == 0 ||
		    strcmp(f->name[i], "csrf") == 0 || f->value[i] == NULL)
			continue;
		cap = f->len[i] * 3 + 1;
		if ((clean = malloc(cap)) == NULL)
			return -1;
		web_clean(f->value[i], clean, cap);
		fld = xmlNewChild(form, NULL, BAD_CAST "field", NULL);
		if (fld == NULL || prop(fld, "name", f->name[i]) == -1) {
			free(clean);
			return -1;
		}
		xmlNodeAddContent(fld, BAD_CAST clean);
		free(clean);
	}
	return 0;
}

/* The field of a form an error of the domain is about, by its code. */
static const struct {
	const char *code, *field;
} error_fields[] = {
	{ "extension-too-long", "until" },
	{ "extension-too-short", "until" },
	{ "unknown-body", "to" },
	{ "same-body", "to" },
	{ "no-higher-body", "to" },
	{ "unknown-service", "service" },
	{ "unknown-institution", "q" },
	{ "no-route", "q" },
	{ "weak-password", "password" },
	{ "login-taken", "login" },
	{ "bad-login", "login" },
	{ "bad-name", "surname" },
	{ "bad-role", "role" },
	{ "body-ended", "body" },
	{ "not-anonymous", "ground" },
	{ "not-repeated", "ground" },
	{ "too-many-attachments", "attachment" },
};

/*
 * The element a schema's message names ("Element 'until': ...",
 * "Expected is ( reasoning )", "until: not a date"), into out; "" when
 * none.  The form's fields are named as the document's elements.
 */
static void
error_element(const char *msg, char *out, size_t outlen)
{
	const char *p;
	size_t n;

	out[0] = '\0';
	if ((p = strstr(msg, "Expected is ( ")) != NULL)
		p += 14;
	else if ((p = strstr(msg, "Expected is one of ( ")) != NULL)
		p += 21;
	else if ((p = strstr(msg, "Element '")) != NULL)
		p += 9;
	else
		p = msg;
	n = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
	if (n == 0 || n >= outlen || (p == msg && p[n] != ':'))
		return;
	memcpy(out, p, n);
	out[n] = '\0';
}

int
desk_doc_error(xmlNodePtr parent, const struct complaints_error *e)
{
	char status[8], field[64], date[11];
	const char *d;
	xmlNodePtr n;

	snprintf(status, sizeof(status), "%u", httpd_status(e->errc));
	if ((n = xmlNewChild(parent, NULL, BAD_CAST "error", NULL)) == NULL ||
	    prop(n, "code", e->code) == -1 || prop(n, "status", status) == -1)
		return -1;
	/* Which field, so the page shows it there, in the page's words. */
	field[0] = '\0';
	for (size_t i = 0; i < sizeof(error_fields) / sizeof(error_fields[0]);
	     i++)
		if (strcmp(e->code, error_fields[i].code) == 0)
			strlcpy_chk(field, error_fields[i].field, sizeof(field));
	if (strcmp(e->code, "invalid-document") == 0)
		error_element(e->message, field, sizeof(field));
	if (field[0] && prop(n, "field", field) == -1)
		return -1;
	/* A day the message names (the latest extension allowed). */
	for (d = e->message; (d = strpbrk(d, "0123456789")) != NULL; d++)
		if (strspn(d, "0123456789") == 4 && d[4] == '-' &&
		    strspn(d + 5, "0123456789") == 2 && d[7] == '-' &&
		    strspn(d + 8, "0123456789") >= 2) {
			memcpy(date, d, 10);
			date[10] = '\0';
			if (prop(n, "date", date) == -1)
				return -1;
			break;
		}
	xmlNodeAddContent(n, BAD_CAST e->message);
	return 0;
}

/* --- Answers ------------------------------------------------------------ */

struct MHD_Response *
desk_html(const struct buf *b, enum web_lang lang, const char *referrer)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(
	    b->len, b->data, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return NULL;
	MHD_add_response_header(resp, "Content-Language", web_lang_code(lang));
	MHD_add_response_header(resp, "Content-Security-Policy", page_csp);
	MHD_add_response_header(resp, "Referrer-Policy", referrer);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	return resp;
}

enum MHD_Result
desk_page(struct req *r, unsigned status, const char *page, xmlDocPtr doc,
    const char *set_cookie_value)
{
	struct MHD_Response *resp;
	enum web_lang lang = desk_lang(r);
	const char *p;
	char lc[128];
	struct buf b;
	int rc;

	buf_init(&b, PAGE_CAP);
	rc = doc != NULL ? web_view(page, doc, lang, NULL, &b) : -1;
	xmlFreeDoc(doc);
	if (rc == -1) {
		buf_free(&b);
		return httpd_respond(r, 500, "text/plain; charset=utf-8",
		    "internal error: the page cannot be shown\n", 41);
	}
	/*
	 * same-origin, not no-referrer: under no-referrer a browser sends
	 * "Origin: null" with the forms, and the Origin check needs ours.
	 */
	resp = desk_html(&b, lang, "same-origin");
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	if (set_cookie_value != NULL)
		MHD_add_response_header(resp, "Set-Cookie", set_cookie_value);
	if ((p = httpd_arg(r, "lang")) != NULL &&
	    web_lang_pick(p, NULL) == lang &&
	    strcmp(p, web_lang_code(lang)) == 0) {
		/* The language chosen stays for the next pages. */
		set_cookie(
		    r, "desk-lang", web_lang_code(lang), -1, lc, sizeof(lc));
		MHD_add_response_header(resp, "Set-Cookie", lc);
	}
	return httpd_queue(r, status, resp, "text/html; charset=utf-8");
}

enum MHD_Result
desk_redirect(struct req *r, const char *location, const char *set_cookie)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(
	    0, (void *)(uintptr_t) "", MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Location", location);
	if (set_cookie != NULL)
		MHD_add_response_header(resp, "Set-Cookie", set_cookie);
	return httpd_queue(r, 303, resp, "text/plain; charset=utf-8");
}
