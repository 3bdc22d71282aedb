/*
 * route_file: the citizens' filing form, without JavaScript.
 *
 *	GET  /file			the services: those whose regulation
 *					takes complaints electronically, and
 *					how and where to complain about the
 *					others
 *	GET  /file?service=N&q=		the institution, found by part of its
 *					name or number (the directory's search)
 *	GET  /file?service=N&institution=CODE
 *					the form (electronic services), or
 *					where to write or go (the others)
 *	POST /file			the form, multipart/form-data with
 *					files or urlencoded: a draft through
 *					complaints_draft_begin, as POST
 *					/api/v1/drafts; "check your email"
 *
 * The page is web/xsl/file-form.xsl over a <file> document: the step,
 * the services, the search results or the institution chosen, the form
 * as typed with an error beside each field that has one, the domain's
 * error.  The form carries a token that must match the cookie the page
 * set (the form has no session); its Origin was checked before its body
 * was read (check_access).  Files: at most FILE_COUNT, each at most
 * FILE_SIZE bytes, PDF, JPEG or PNG by their first bytes (the type the
 * browser declares must agree); they are kept as every complaint's are,
 * by name, type, size and SHA-256, and their bytes go no further than
 * this request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <sodium.h>

#include "daemon/desk.h"
#include "notify/notify.h"
#include "web/web.h"
#include "xmlio/xmlio.h"

#define FILE_COUNT     COMPLAINTS_DRAFT_FILES
#define FILE_SIZE      (2 * 1024 * 1024)
#define FILE_TEXT_MAX  (96 * 1024) /* bytes of reasons, demands */
#define FILE_LINE_MAX  2048	   /* bytes of a one-line field */
#define FILE_SEARCH_N  20	   /* institutions a search shows */
#define FILE_DOC_CAP   (256 * 1024)
#define FILE_TOKEN_LEN 32 /* hex */

/* One attached file, seen as it streams past. */
struct upload {
	char name[256];
	const char *type; /* from its first bytes; NULL: none of ours */
	char declared[64];
	uint64_t size;
	unsigned char head[8];
	crypto_hash_sha256_state sha;
	char sha256[65];
};

/* The form as read: its text fields (a desk_form) and its files. */
struct upform {
	struct desk_form f;
	struct upload up[FILE_COUNT];
	int nup;
	int too_many, too_big; /* files past the caps */
	int not_file;	       /* a files part without a file name */
	int bad;
	char big_name[256];
};

static const char *const line_fields[] = { "surname", "name", "patronymic",
	"address", "email", "phone", "official" };
static const char *const text_fields[] = { "reasons", "demands" };

static int
is_text_field(const char *k)
{
	for (size_t i = 0; i < sizeof(text_fields) / sizeof(*text_fields); i++)
		if (strcmp(k, text_fields[i]) == 0)
			return 1;
	return 0;
}

/* The type a file's first bytes say, NULL when none of ours. */
static const char *
magic_type(const unsigned char *h, uint64_t n)
{
	if (n >= 5 && memcmp(h, "%PDF-", 5) == 0)
		return "application/pdf";
	if (n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && memcmp(h, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	return NULL;
}

static enum MHD_Result
upload_part(struct upform *u, const char *filename, const char *ctype,
    const char *data, uint64_t off, size_t size)
{
	struct upload *f;

	if (filename[0] == '\0')
		return MHD_YES; /* a file input left empty */
	if (off == 0) {
		if (u->nup == FILE_COUNT) {
			u->too_many = 1;
			return MHD_YES;
		}
		f = &u->up[u->nup++];
		memset(f, 0, sizeof(*f));
		web_clean(filename, f->name, sizeof(f->name));
		str_trim(f->name);
		if (f->name[0] == '\0')
			strlcpy_chk(f->name, "file", sizeof(f->name));
		strlcpy_chk(
		    f->declared, ctype ? ctype : "", sizeof(f->declared));
		crypto_hash_sha256_init(&f->sha);
	} else if (u->nup == 0 || u->too_many) {
		return MHD_YES;
	}
	f = &u->up[u->nup - 1];
	if (f->size + size > FILE_SIZE) {
		if (!u->too_big)
			strlcpy_chk(u->big_name, f->name, sizeof(u->big_name));
		u->too_big = 1;
		f->size = FILE_SIZE + 1;
		return MHD_YES;
	}
	for (size_t i = 0; i < size && f->size + i < sizeof(f->head); i++)
		f->head[f->size + i] = (unsigned char)data[i];
	crypto_hash_sha256_update(&f->sha, (const unsigned char *)data, size);
	f->size += size;
	return MHD_YES;
}

static enum MHD_Result
form_part(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	struct upform *u = cls;
	struct desk_form *f = &u->f;
	size_t cap;
	char *v;
	int i;

	(void)kind;
	(void)transfer_encoding;
	if (filename != NULL)
		return upload_part(u, filename, content_type, data, off, size);
	if (strcmp(key, "files") == 0) {
		/* A file's part whose header was not read as one. */
		u->not_file |= size > 0;
		return MHD_YES;
	}
	cap = is_text_field(key) ? FILE_TEXT_MAX : FILE_LINE_MAX;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->name[i], key) == 0)
			break;
	if (i == f->n) {
		if (f->n == DESK_FIELDS || (f->name[i] = strdup(key)) == NULL) {
			u->bad = 1;
			return MHD_YES;
		}
		f->value[i] = NULL;
		f->len[i] = 0;
		f->n++;
	}
	if (f->len[i] + size > cap ||
	    (v = realloc(f->value[i], f->len[i] + size + 1)) == NULL) {
		u->bad = 1;
		return MHD_YES;
	}
	memcpy(v + f->len[i], data, size);
	f->len[i] += size;
	v[f->len[i]] = '\0';
	f->value[i] = v;
	return MHD_YES;
}

static void
upform_free(void *p)
{
	struct upform *u = p;

	if (u == NULL)
		return;
	desk_form_free(&u->f);
	sodium_memzero(u, sizeof(*u));
	free(u);
}

/* Reads the body into a new upform kept by r; NULL: out of memory. */
static struct upform *
upform_read(struct req *r)
{
	struct MHD_PostProcessor *pp;
	struct upform *u;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	r->page = u;
	r->page_free = upform_free;
	pp = MHD_create_post_processor(r->conn, 16 * 1024, form_part, u);
	if (pp == NULL ||
	    MHD_post_process(pp, httpd_body(r), r->body.len) != MHD_YES)
		u->bad = 1;
	if (pp != NULL && MHD_destroy_post_processor(pp) != MHD_YES)
		u->bad = 1;
	for (int i = 0; i < u->f.n; i++)
		if (u->f.value[i] != NULL &&
		    (strlen(u->f.value[i]) != u->f.len[i] ||
			!utf8_valid(u->f.value[i], u->f.len[i], NULL)))
			u->bad = 1;
	for (int i = 0; i < u->nup; i++) {
		uint8_t h[crypto_hash_sha256_BYTES];

		u->up[i].type = magic_type(u->up[i].head, u->up[i].size);
		crypto_hash_sha256_final(&u->up[i].sha, h);
		sodium_bin2hex(
		    u->up[i].sha256, sizeof(u->up[i].sha256), h, sizeof(h));
	}
	return u;
}

/* --- The form's token ---------------------------------------------------- */

static int
tls(struct req *r)
{
	return r->h->conf->tls_cert != NULL && r->h->conf->tls_cert[0];
}

static const char *
token_cookie(struct req *r)
{
	const char *c = MHD_lookup_connection_value(
	    r->conn, MHD_COOKIE_KIND, tls(r) ? "__Host-file" : "file");

	return c != NULL && strlen(c) == FILE_TOKEN_LEN &&
		strspn(c, "0123456789abcdef") == FILE_TOKEN_LEN ?
	    c :
	    NULL;
}

/*
 * The token the page's form carries into tok; the cookie to set into
 * set (empty when the browser has one already).
 */
static void
token_for_page(
    struct req *r, char tok[FILE_TOKEN_LEN + 1], char *set, size_t setlen)
{
	const char *have = token_cookie(r);
	uint8_t raw[FILE_TOKEN_LEN / 2];

	set[0] = '\0';
	if (have != NULL) {
		strlcpy_chk(tok, have, FILE_TOKEN_LEN + 1);
		return;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(tok, FILE_TOKEN_LEN + 1, raw, sizeof(raw));
	snprintf(set, setlen, "%sfile=%s; Path=/; HttpOnly; SameSite=Strict%s",
	    tls(r) ? "__Host-" : "", tok, tls(r) ? "; Secure" : "");
}

static int
token_ok(struct req *r, const struct desk_form *f)
{
	const char *want = token_cookie(r), *got = desk_form_get(f, "csrf");

	return want != NULL && got != NULL && strlen(got) == FILE_TOKEN_LEN &&
	    sodium_memcmp(want, got, FILE_TOKEN_LEN) == 0;
}

/* --- The page's document ------------------------------------------------- */

struct page {
	xmlDocPtr doc;
	xmlNodePtr root;
	char set_cookie[160];
};

static int
attr(xmlNodePtr n, const char *name, const char *v)
{
	char clean[1024];

	web_clean(v ? v : "", clean, sizeof(clean));
	return xmlSetProp(n, BAD_CAST name, BAD_CAST clean) ? 0 : -1;
}

/* A new page at step, with the services and the form's token; -1: out of memory. */
static int
page_new(struct req *r, struct page *p, const char *step)
{
	char tok[FILE_TOKEN_LEN + 1];
	struct complaints_error e;
	struct buf b;

	memset(p, 0, sizeof(*p));
	if ((p->doc = xmlNewDoc(BAD_CAST "1.0")) == NULL ||
	    (p->root = xmlNewDocNode(p->doc, NULL, BAD_CAST "file", NULL)) ==
		NULL)
		goto fail;
	xmlDocSetRootElement(p->doc, p->root);
	token_for_page(r, tok, p->set_cookie, sizeof(p->set_cookie));
	if (attr(p->root, "step", step) == -1 ||
	    attr(p->root, "csrf", tok) == -1)
		goto fail;
	buf_init(&b, FILE_DOC_CAP);
	if (complaints_filing_services(r->h->cx, &b, &e) == -1 ||
	    desk_doc_add(p->root, b.data, b.len) == -1) {
		buf_free(&b);
		goto fail;
	}
	buf_free(&b);
	return 0;
fail:
	xmlFreeDoc(p->doc);
	p->doc = NULL;
	return -1;
}

static enum MHD_Result
page_send(struct req *r, struct page *p, unsigned status)
{
	if (p->doc == NULL)
		return httpd_fail(r, 500, "internal", "out of memory");
	return desk_page(r, status, "file-form", p->doc,
	    p->set_cookie[0] ? p->set_cookie : NULL);
}

/* Adds <field-error name="" code=""/>. */
static void
field_error(struct page *p, const char *name, const char *code)
{
	xmlNodePtr n;

	if ((n = xmlNewChild(p->root, NULL, BAD_CAST "field-error", NULL)) !=
	    NULL) {
		attr(n, "name", name);
		attr(n, "code", code);
	}
}

/* Adds a directory document under the page (a search, an entry). */
static int
add_directory(struct req *r, struct page *p, const char *code,
    const char *search, const char *as, struct complaints_error *e)
{
	xmlNodePtr n;
	struct buf b;
	int rc;

	buf_init(&b, FILE_DOC_CAP);
	rc = code != NULL ?
	    complaints_directory_body(r->h->cx, code, &b, e) :
	    complaints_directory_search(r->h->cx, search, FILE_SEARCH_N, &b, e);
	if (rc == 0) {
		n = xmlNewChild(p->root, NULL, BAD_CAST as, NULL);
		rc = n != NULL ? desk_doc_add(n, b.data, b.len) : -1;
	}
	buf_free(&b);
	return rc;
}

/* The service in ?service= or the form, 0 when none or not a number. */
static int
service_of(const char *s)
{
	long long v;

	return s != NULL && parse_ll(s, 1, 11, &v) == 0 ? (int)v : 0;
}

/*
 * The page for service and institution (either 0/NULL): the step the
 * citizen has reached.  q: a search typed.
 */
static int
page_steps(struct req *r, struct page *p, int service, const char *institution,
    const char *q)
{
	struct complaints_error e;
	char sv[8], body[32];
	const char *step = "service";

	if (service == 0) {
		/* nothing chosen yet */
	} else if (institution != NULL &&
	    complaints_filing_where(r->h->cx, service, institution, body, &e) ==
		0) {
		step = complaints_filing_electronic(r->h->cx, service) ?
		    "form" :
		    "paper";
		if (add_directory(r, p, institution, NULL, "institution", &e) ==
			-1 ||
		    (strcmp(step, "paper") == 0 &&
			add_directory(r, p, body, NULL, "where", &e) == -1))
			return -1;
	} else {
		step = "institution";
		if (institution != NULL)
			field_error(p, "q", "unknown-institution");
		else if (q != NULL &&
		    add_directory(r, p, NULL, q, "found", &e) == -1) {
			if (e.errc != COMPLAINTS_EINVAL)
				return -1;
			field_error(p, "q", "bad-query");
		}
	}
	snprintf(sv, sizeof(sv), "%d", service);
	if (attr(p->root, "step", step) == -1 ||
	    (service && attr(p->root, "service", sv) == -1) ||
	    (q != NULL && attr(p->root, "q", q) == -1))
		return -1;
	return 0;
}

enum MHD_Result
route_file_page(struct req *r)
{
	struct page p;
	const char *q = httpd_arg(r, "q"), *inst = httpd_arg(r, "institution");
	char qq[256];

	if (q != NULL) {
		web_clean(q, qq, sizeof(qq));
		q = str_trim(qq);
		if (*q == '\0')
			q = NULL;
	}
	if (inst != NULL && *inst == '\0')
		inst = NULL;
	if (page_new(r, &p, "service") == -1 ||
	    page_steps(r, &p, service_of(httpd_arg(r, "service")), inst, q) ==
		-1) {
		xmlFreeDoc(p.doc);
		return httpd_fail(
		    r, 500, "internal", "the filing page cannot be made");
	}
	return page_send(r, &p, 200);
}

/* --- The form posted ------------------------------------------------------ */

/* Blanks (tabs, line ends) in a one-line field become spaces; trimmed. */
static char *
one_line(char *s)
{
	for (char *c = s; *c; c++)
		if (*c == '\t' || *c == '\r' || *c == '\n')
			*c = ' ';
	return str_trim(s);
}

/* Carriage returns out of a text (a browser sends CRLF); trimmed. */
static char *
text_of(char *s)
{
	char *w = s;

	for (char *c = s; *c; c++)
		if (*c != '\r')
			*w++ = *c;
	*w = '\0';
	return str_trim(s);
}

static char *
field(struct desk_form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->name[i], name) == 0 && f->value[i] != NULL)
			return f->value[i];
	return NULL;
}

/* The error code of a field's value, or NULL when it is good. */
static const char *
check_field(const char *name, const char *v, int required)
{
	size_t n = v ? strlen(v) : 0;
	size_t chars = n ? utf8_chars(v, n) : 0;

	if (n == 0)
		return required ? "required" : NULL;
	if (!utf8_text(v, n, NULL))
		return "bad-characters";
	if (chars > (is_text_field(name) ? 20000u : 500u))
		return "too-long";
	if (strcmp(name, "email") == 0 && (n > 254 || !notify_email_valid(v)))
		return "email";
	if (strcmp(name, "phone") == 0 &&
	    (chars < 5 || chars > 25 || strspn(v, "+0123456789 ()-") != n ||
		strchr(v + 1, '+')))
		return "phone";
	return NULL;
}

/*
 * Checks every field, adds an error beside each bad one, and writes the
 * <draft> when all are good.  0: xml written; 1: errors added; -1: out
 * of memory.
 */
static int
form_check(struct upform *u, struct page *p, int service, const char *lang,
    struct buf *xml)
{
	static const struct {
		const char *name;
		int required;
	} want[] = { { "surname", 1 }, { "name", 1 }, { "patronymic", 0 },
		{ "address", 1 }, { "email", 1 }, { "phone", 0 },
		{ "official", 0 }, { "reasons", 1 }, { "demands", 1 } };
	struct xmlio_out o;
	const char *code, *inst = field(&u->f, "institution");
	int errors = 0, ok;
	char *v;

	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		v = field(&u->f, want[i].name);
		if (v != NULL)
			v = is_text_field(want[i].name) ? text_of(v) :
							  one_line(v);
		if ((code = check_field(want[i].name, v, want[i].required)) !=
		    NULL) {
			field_error(p, want[i].name, code);
			errors++;
		}
	}
	if (u->too_many || u->too_big) {
		field_error(p, "files", u->too_many ? "too-many" : "too-big");
		errors++;
	}
	if (u->not_file && !u->too_many && !u->too_big) {
		field_error(p, "files", "file-type");
		errors++;
	}
	for (int i = 0; i < u->nup && !u->too_big && !u->not_file; i++) {
		const char *d = u->up[i].declared;

		if (u->up[i].size == 0 || u->up[i].type == NULL ||
		    (strcmp(d, "application/octet-stream") != 0 &&
			strncasecmp(d, u->up[i].type, strlen(u->up[i].type)) !=
			    0)) {
			field_error(p, "files", "file-type");
			errors++;
			break;
		}
	}
	if (errors)
		return 1;
	if (xmlio_out_begin(&o, "draft") == -1)
		return -1;
	ok = xmlio_out_attr(&o, "lang", lang) == 0 &&
	    xmlio_out_elemf(&o, "service", "%d", service) == 0 &&
	    xmlio_out_elem(&o, "institution", inst) == 0;
	if (ok && (v = field(&u->f, "official")) && *v)
		ok = xmlio_out_elem(&o, "official", v) == 0;
	ok = ok && xmlio_out_start(&o, "applicant") == 0;
	for (size_t i = 0; ok && i < sizeof(line_fields) / sizeof(*line_fields);
	     i++)
		if (strcmp(line_fields[i], "official") != 0 &&
		    (v = field(&u->f, line_fields[i])) && *v)
			ok = xmlio_out_elem(&o, line_fields[i], v) == 0;
	ok = ok && xmlio_out_end(&o) == 0 &&
	    xmlio_out_elem(&o, "reasons", field(&u->f, "reasons")) == 0 &&
	    xmlio_out_elem(&o, "demands", field(&u->f, "demands")) == 0;
	if (ok && u->nup > 0) {
		ok = xmlio_out_start(&o, "attachments") == 0;
		for (int i = 0; ok && i < u->nup; i++) {
			char size[24];

			snprintf(size, sizeof(size), "%llu",
			    (unsigned long long)u->up[i].size);
			ok = xmlio_out_start(&o, "attachment") == 0 &&
			    xmlio_out_attr(&o, "name", u->up[i].name) == 0 &&
			    xmlio_out_attr(&o, "media-type", u->up[i].type) ==
				0 &&
			    xmlio_out_attr(&o, "size", size) == 0 &&
			    xmlio_out_attr(&o, "sha256", u->up[i].sha256) ==
				0 &&
			    xmlio_out_end(&o) == 0;
		}
		ok = ok && xmlio_out_end(&o) == 0;
	}
	if (!ok || xmlio_out_finish(&o, xml) == -1) {
		xmlio_out_free(&o);
		return -1;
	}
	return 0;
}

/* The page with the form as typed and what is wrong with it. */
static enum MHD_Result
form_again(struct req *r, struct upform *u, int service, unsigned status,
    struct page *p, const struct complaints_error *e)
{
	if (p->doc == NULL &&
	    (page_new(r, p, "form") == -1 ||
		page_steps(r, p, service, field(&u->f, "institution"), NULL) ==
		    -1))
		goto fail;
	if (desk_doc_form(p->root, &u->f) == -1 ||
	    (e != NULL && desk_doc_error(p->root, e) == -1))
		goto fail;
	return page_send(r, p, status);
fail:
	xmlFreeDoc(p->doc);
	p->doc = NULL;
	return httpd_fail(r, 500, "internal", "the filing page cannot be made");
}

static enum MHD_Result
file_sent(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	struct upform *u = r->page;
	struct page p;

	memset(&p, 0, sizeof(p));
	if (rc == -1)
		return form_again(r, u, service_of(field(&u->f, "service")),
		    httpd_status(e->errc), &p, e);
	if (page_new(r, &p, "sent") == -1 ||
	    desk_doc_add(p.root, b->data, b->len) == -1) {
		xmlFreeDoc(p.doc);
		return httpd_fail(
		    r, 500, "internal", "the filing page cannot be made");
	}
	return page_send(r, &p, 202);
}

enum MHD_Result
route_file_post(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	struct upform *u;
	struct page p;
	struct buf xml;
	const char *lang;
	int service, rc;

	memset(&p, 0, sizeof(p));
	if ((u = upform_read(r)) == NULL)
		return httpd_fail(r, 500, "internal", "out of memory");
	if (r->body.data != NULL)
		sodium_memzero(r->body.data, r->body.len);
	if (u->bad) {
		complaints_error_set(&e, COMPLAINTS_EINVAL, "bad-form",
		    "the form cannot be read (too many or too long fields, "
		    "or not UTF-8)");
		return form_again(r, u, 0, 400, &p, &e);
	}
	service = service_of(field(&u->f, "service"));
	if (!token_ok(r, &u->f)) {
		complaints_error_set(&e, COMPLAINTS_EPERM, "bad-csrf-token",
		    "the form's token is not the page's: load the page "
		    "again");
		return form_again(r, u, service, 403, &p, &e);
	}
	if (service == 0 || field(&u->f, "institution") == NULL) {
		complaints_error_set(&e, COMPLAINTS_EINVAL, "no-institution",
		    "choose the service and the institution first");
		return form_again(r, u, service, 400, &p, &e);
	}
	if (page_new(r, &p, "form") == -1 ||
	    page_steps(r, &p, service, field(&u->f, "institution"), NULL) == -1)
		return form_again(r, u, service, 500, &p, NULL);
	lang = web_lang_code(desk_lang(r));
	buf_init(&xml, FILE_TEXT_MAX * 3);
	rc = form_check(u, &p, service, lang, &xml);
	if (rc != 0) {
		buf_free(&xml);
		if (rc == 1)
			return form_again(r, u, service, 400, &p, NULL);
		xmlFreeDoc(p.doc);
		return httpd_fail(r, 500, "internal", "out of memory");
	}
	xmlFreeDoc(p.doc);
	p.doc = NULL;
	c = complaints_draft_begin(r->h->cx, xml.data, xml.len, r->client, &e);
	sodium_memzero(xml.data, xml.len);
	buf_free(&xml);
	if (c == NULL)
		return form_again(r, u, service, httpd_status(e.errc), &p, &e);
	r->after = file_sent;
	return httpd_write(r, c, 202, &e);
}
