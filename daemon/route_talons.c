/*
 * route_talons: talons, for staff and for citizens.
 *
 *	GET  /api/v1/talons/{number}[?code=]	the public status (limited)
 *	GET  /api/v1/talons/{number}/talon	the talon again, staff
 *	GET  /api/v1/talons/{number}/slip	the slip, PDF or text (the
 *						42-column receipt), staff
 *
 * and the citizens' status page: HTML for people, beside the XML API:
 * the form (GET /status), a talon's status (GET /status/{number}, and
 * POST /status with the number and the access code in the body, never
 * in the URL), and the stylesheet.  The page has no script and no
 * inline style, so the policy below can forbid both.
 */
#include <string.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "daemon/desk.h"

enum MHD_Result
route_status(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 64 * 1024);
	return httpd_answer(r,
	    complaints_status(
		r->h->cx, r->seg[3], httpd_arg(r, "code"), &b, &e),
	    200, &b, &e);
}

enum MHD_Result
route_talon(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 64 * 1024);
	return httpd_answer(r,
	    complaints_talon(r->h->cx, r->who, r->seg[3], &b, &e), 200, &b, &e);
}

enum MHD_Result
httpd_talon_receipt(
    struct req *r, const char *number, const char *code, enum web_lang lang)
{
	struct complaints_talon_status st;
	struct complaints_error e;
	const char *params[] = { "code", code != NULL ? code : "", "status-url",
		r->h->conf->status_url != NULL ? r->h->conf->status_url : "",
		NULL };
	xmlDocPtr d = NULL;
	struct buf b, out;
	int rc = -1;

	buf_init(&b, 64 * 1024);
	buf_init(&out, 64 * 1024);
	/* The code is printed only when right, as on the slip. */
	if (complaints_talon(r->h->cx, r->who, number, &b, &e) == -1 ||
	    (code != NULL &&
		complaints_status_info(r->h->cx, number, code, &st, &e) == -1))
		goto out;
	if ((d = xmlReadMemory(
		 b.data, (int)b.len, NULL, "UTF-8", XML_PARSE_NONET)) == NULL ||
	    web_view("receipt", d, lang, params, &out) == -1) {
		complaints_error_set(&e, COMPLAINTS_EINTERNAL, "internal",
		    "the receipt cannot be written");
		goto out;
	}
	rc = 0;
out:
	xmlFreeDoc(d);
	buf_free(&b);
	return httpd_answer_as(r, rc, "text/plain; charset=utf-8", &out, &e);
}

enum MHD_Result
route_slip(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	if (httpd_wants(r, "text", "text/plain"))
		return httpd_talon_receipt(r, r->seg[3], httpd_arg(r, "code"),
		    web_lang_pick(httpd_arg(r, "lang"), NULL));
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer_as(r,
	    complaints_talon_slip(r->h->cx, r->who, r->seg[3],
		httpd_arg(r, "code"), httpd_arg(r, "lang"), &b, &e),
	    "application/pdf", &b, &e);
}

/* --- The status page -------------------------------------------------- */

#define PAGE_CAP (256 * 1024) /* a rendered page */

static enum web_lang
page_lang(struct req *r, const char *param)
{
	return web_lang_pick(
	    param, httpd_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
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
	resp = desk_html(&b, p->lang, "no-referrer");
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Vary", "Accept-Language");
	if (p->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", p->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	return httpd_queue(r, status, resp, "text/html; charset=utf-8");
}

/* The status of a number (and code), or the page of its error. */
static enum MHD_Result
page_lookup(
    struct req *r, enum web_lang lang, const char *number, const char *code)
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
			log_warnx(
			    "http: status page: %s: %s", e.code, e.message);
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

enum MHD_Result
route_page_post(struct req *r)
{
	struct desk_form f;
	struct web_page p;
	const char *number, *code, *lg;
	char shown[WEB_FIELD_MAX + 1];
	enum MHD_Result rc;
	int ok;

	ok = desk_form_read(r, &f) == 0;
	if (r->body.data != NULL)
		sodium_memzero(r->body.data, r->body.len);
	number = desk_form_get(&f, "number"); /* NULL: blank */
	code = desk_form_get(&f, "code");
	lg = desk_form_get(&f, "lang");
	memset(&p, 0, sizeof(p));
	p.lang = page_lang(r, lg != NULL && strlen(lg) < 8 ? lg : NULL);
	/* What fits is shown again in the field. */
	web_clean(number ? number : "", shown, sizeof(shown));
	p.number = shown;
	if (!ok || (number != NULL && strlen(number) > WEB_FIELD_MAX) ||
	    (code != NULL && strlen(code) > WEB_FIELD_MAX)) {
		p.error = "malformed-talon-number";
		rc = page_answer(r, 400, &p);
	} else if (number == NULL) {
		p.error = "missing-talon-number";
		rc = page_answer(r, 400, &p);
	} else
		rc = page_lookup(r, p.lang, number, code);
	desk_form_free(&f);
	sodium_memzero(shown, sizeof(shown));
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
	return page_lookup(
	    r, page_lang(r, httpd_arg(r, "lang")), r->seg[1], NULL);
}

enum MHD_Result
route_page_css(struct req *r)
{
	struct MHD_Response *resp;
	struct buf b;

	buf_init(&b, 256 * 1024);
	if (web_css(strcmp(r->seg[0], "desk.css") == 0 ? WEB_CSS_DESK :
							 WEB_CSS_STATUS,
		&b) == -1) {
		buf_free(&b);
		return httpd_fail(r, 500, "internal",
		    "the style sheet is "
		    "not loaded");
	}
	resp = MHD_create_response_from_buffer(
	    b.len, b.data, MHD_RESPMEM_MUST_COPY);
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Cache-Control", "public, max-age=3600");
	return httpd_queue(r, 200, resp, "text/css; charset=utf-8");
}
