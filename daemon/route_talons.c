/*
 * route_talons: talons, for staff and for citizens.
 *
 *	GET  /api/v1/talons/{number}[?code=]	the public status (limited)
 *	GET  /api/v1/talons/{number}/talon	the talon again, staff
 *	GET  /api/v1/talons/{number}/slip	the slip, PDF or text, staff
 *
 * and the citizens' status page: HTML for people, beside the XML API:
 * the form (GET /status), a talon's status (GET /status/{number}, and
 * POST /status with the number and the access code in the body, never
 * in the URL), and the stylesheet.  The page has no script and no
 * inline style, so the policy below can forbid both.
 */
#include <string.h>

#include <sodium.h>

#include "daemon/httpd_int.h"
#include "web/web.h"

enum MHD_Result
route_status(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 64 * 1024);
	return httpd_answer(r, complaints_status(r->h->cx, r->seg[3],
	    httpd_arg(r, "code"), &b, &e), 200, &b, &e);
}

enum MHD_Result
route_talon(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 64 * 1024);
	return httpd_answer(r, complaints_talon(r->h->cx, r->who, r->seg[3], &b,
	    &e), 200, &b, &e);
}

enum MHD_Result
route_slip(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	int text = httpd_wants(r, "text", "text/plain");

	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer_as(r, complaints_talon_slip(r->h->cx, r->who,
	    r->seg[3], httpd_arg(r, "code"), text, httpd_arg(r, "lang"), &b,
	    &e), text ? "text/plain; charset=utf-8" : "application/pdf", &b,
	    &e);
}

/* --- The status page -------------------------------------------------- */

#define PAGE_CAP	(256 * 1024)	/* a rendered page */

static const char page_csp[] = "default-src 'none'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

static enum web_lang
page_lang(struct req *r, const char *param)
{
	return web_lang_pick(param, httpd_header(r,
	    MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
}

/* Renders the page and answers with it and its headers. */
static enum MHD_Result
page_answer(struct req *r, unsigned status, const struct web_page *p)
{
	struct MHD_Response *resp;
	struct buf b;
	char ra[16];

	buf_init(&b, PAGE_CAP);
	if (web_status_page(p, &b) == -1) {
		buf_free(&b);
		log_warnx("http: status page: cannot render the page");
		return httpd_respond(r, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	}
	resp = MHD_create_response_from_buffer(b.len, b.data,
	    MHD_RESPMEM_MUST_COPY);
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Language",
	    web_lang_code(p->lang));
	MHD_add_response_header(resp, "Vary", "Accept-Language");
	MHD_add_response_header(resp, "Content-Security-Policy", page_csp);
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (p->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", p->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	return httpd_queue(r, status, resp, "text/html; charset=utf-8");
}

/* The status of a number (and code), or the page of its error. */
static enum MHD_Result
page_lookup(struct req *r, enum web_lang lang, const char *number,
    const char *code)
{
	struct web_page p;
	struct complaints_error e;
	struct buf st;
	enum MHD_Result rc;
	unsigned status = 200;

	memset(&p, 0, sizeof(p));
	p.lang = lang;
	p.number = number;
	p.code_given = code != NULL;
	buf_init(&st, 64 * 1024);
	if (complaints_status(r->h->cx, number, code, &st, &e) == 0) {
		p.status = st.data;
		p.status_len = st.len;
	} else {
		status = httpd_status(e.errc);
		if (status >= 500)
			log_warnx("http: status page: %s: %s", e.code,
			    e.message);
		p.error = e.code;
		p.retry_after = e.retry_after;
	}
	rc = page_answer(r, status, &p);
	buf_free(&st);
	return rc;
}

/* 429 as a page, from check_access, before any body is read. */
enum MHD_Result
route_page_too_many(struct req *r, int wait)
{
	struct web_page p;

	memset(&p, 0, sizeof(p));
	p.lang = page_lang(r, httpd_arg(r, "lang"));
	p.number = r->route->fn == route_page_status ? r->seg[1] : NULL;
	p.error = "too-many-lookups";
	p.retry_after = wait;
	return page_answer(r, 429, &p);
}

struct form {
	char	number[WEB_FIELD_MAX + 1];
	char	code[WEB_FIELD_MAX + 1];
	char	lang[8];
	int	too_long;
};

static enum MHD_Result
form_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct form *f = cls;
	char *dst;
	size_t cap;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	if (strcmp(key, "number") == 0) {
		dst = f->number;
		cap = sizeof(f->number);
	} else if (strcmp(key, "code") == 0) {
		dst = f->code;
		cap = sizeof(f->code);
	} else if (strcmp(key, "lang") == 0) {
		dst = f->lang;
		cap = sizeof(f->lang);
	} else
		return MHD_YES;		/* not ours: ignored */
	if (off >= cap - 1 || size > cap - 1 - off) {
		/* Keep what fits, for the page to show. */
		if (off < cap - 1) {
			memcpy(dst + off, data, cap - 1 - off);
			dst[cap - 1] = '\0';
		}
		f->too_long = dst != f->lang;
		return MHD_YES;
	}
	memcpy(dst + off, data, size);
	dst[off + size] = '\0';
	return MHD_YES;
}

/* Whether s is empty but for spaces. */
static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

enum MHD_Result
route_page_post(struct req *r)
{
	struct MHD_PostProcessor *pp;
	struct web_page p;
	struct form f;
	enum web_lang lang;
	enum MHD_Result rc;
	int ok;

	memset(&f, 0, sizeof(f));
	pp = MHD_create_post_processor(r->conn, 1024, form_field, &f);
	if (pp == NULL)
		return httpd_fail(r, 415, "unsupported-media-type", "send the "
		    "form as application/x-www-form-urlencoded");
	ok = MHD_post_process(pp, r->body.data ? r->body.data : "",
	    r->body.len) == MHD_YES;
	/* The last field is handed over when the processor ends. */
	if (MHD_destroy_post_processor(pp) != MHD_YES)
		ok = 0;
	if (r->body.data != NULL)
		sodium_memzero(r->body.data, r->body.len);
	lang = page_lang(r, f.lang[0] ? f.lang : NULL);
	memset(&p, 0, sizeof(p));
	p.lang = lang;
	p.number = f.number;
	if (!ok || f.too_long) {
		p.error = "malformed-talon-number";
		rc = page_answer(r, 400, &p);
	} else if (blank(f.number)) {
		p.error = "missing-talon-number";
		rc = page_answer(r, 400, &p);
	} else
		rc = page_lookup(r, lang, f.number, blank(f.code) ? NULL :
		    f.code);
	sodium_memzero(&f, sizeof(f));
	return rc;
}

enum MHD_Result
route_page_form(struct req *r)
{
	struct web_page p;

	memset(&p, 0, sizeof(p));
	p.lang = page_lang(r, httpd_arg(r, "lang"));
	return page_answer(r, 200, &p);
}

enum MHD_Result
route_page_status(struct req *r)
{
	/* No code here: it would stay in logs and in the history. */
	return page_lookup(r, page_lang(r, httpd_arg(r, "lang")), r->seg[1],
	    NULL);
}

enum MHD_Result
route_page_css(struct req *r)
{
	struct MHD_Response *resp;
	struct buf b;

	buf_init(&b, 256 * 1024);
	if (web_css(strcmp(r->seg[0], "desk.css") == 0 ? WEB_CSS_DESK :
	    WEB_CSS_STATUS, &b) == -1) {
		buf_free(&b);
		return httpd_fail(r, 500, "internal", "the style sheet is "
		    "not loaded");
	}
	resp = MHD_create_response_from_buffer(b.len, b.data,
	    MHD_RESPMEM_MUST_COPY);
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Cache-Control", "public, max-age=3600");
	return httpd_queue(r, 200, resp, "text/css; charset=utf-8");
}
