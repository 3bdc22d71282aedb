/*
 * route_filing: complaints filed online by citizens.
 *
 *	POST /api/v1/drafts		a <draft>: stored, a confirmation
 *					mailed (202 <draft-accepted>)
 *	POST /api/v1/drafts/confirm	a <confirm> with the mailed token:
 *					registered (201 <talon>)
 *
 * Both are limited per client address like the status lookups; the
 * domain adds its own limits per email address and on drafts stored.
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "daemon/desk.h"
#include "daemon/httpd_int.h"
#include "web/web.h"

enum MHD_Result
route_draft(struct req *r)
{
	struct complaints_error e;

	return httpd_write(r,
	    complaints_draft_begin(
		r->h->cx, httpd_body(r), r->body.len, r->client, &e),
	    202, &e);
}

enum MHD_Result
route_draft_confirm(struct req *r)
{
	static const char *const names[] = { "token" };
	struct complaints_error e;
	enum MHD_Result rc;

	if (httpd_read_doc(r, "confirm", names, 1, &rc) == -1)
		return rc;
	return httpd_write(
	    r, complaints_draft_confirm_begin(r->h->cx, r->v[0], &e), 201, &e);
}

/*
 * The pages behind the mailed link (web/xsl/file.xsl):
 *
 *	GET  /file/confirm?token=	a button that confirms: a mail
 *					scanner following links confirms
 *					nothing
 *	POST /file/confirm		registers; the talon, its access
 *					code and Download slip
 *	POST /file/slip			the slip (PDF) of a number and its
 *					access code
 */

/* The page's document: <file step=".."> with an attribute or two. */
static xmlDocPtr
file_doc(const char *step, const char *name, const char *value)
{
	xmlDocPtr d;
	xmlNodePtr root;

	if ((d = xmlNewDoc(BAD_CAST "1.0")) == NULL)
		return NULL;
	if ((root = xmlNewDocNode(d, NULL, BAD_CAST "file", NULL)) == NULL) {
		xmlFreeDoc(d);
		return NULL;
	}
	xmlDocSetRootElement(d, root);
	if (xmlSetProp(root, BAD_CAST "step", BAD_CAST step) == NULL ||
	    (name != NULL &&
		xmlSetProp(root, BAD_CAST name, BAD_CAST value) == NULL)) {
		xmlFreeDoc(d);
		return NULL;
	}
	return d;
}

static enum MHD_Result
file_error(struct req *r, unsigned status, const char *code)
{
	return desk_page(
	    r, status, "file", file_doc("error", "error", code), NULL);
}

/* The page's word for a failure of the domain. */
static enum MHD_Result
file_failed(struct req *r, const struct complaints_error *e)
{
	unsigned status = httpd_status(e->errc);

	if (status >= 500)
		log_warnx("http: filing: %s: %s", e->code, e->message);
	return file_error(r, status,
	    e->errc == COMPLAINTS_EINVAL ? "invalid" :
		e->errc == COMPLAINTS_ENOENT ||
		    e->errc == COMPLAINTS_ECONFLICT ?
					   "used" :
					   "unavailable");
}

enum MHD_Result
route_file_confirm_page(struct req *r)
{
	const char *t = httpd_arg(r, "token");
	size_t i, n = t ? strlen(t) : 0;

	for (i = 0; i < n && strchr("0123456789abcdef", t[i]); i++)
		;
	if (n != 64 || i != n)
		return file_error(r, 400, "invalid");
	return desk_page(r, 200, "file", file_doc("confirm", "token", t), NULL);
}

static enum MHD_Result
confirm_done(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	xmlDocPtr d;

	if (rc == -1)
		return file_failed(r, e);
	if ((d = file_doc("done", NULL, NULL)) == NULL)
		return MHD_NO;
	desk_doc_add(xmlDocGetRootElement(d), b->data, b->len);
	sodium_memzero(b->data, b->len);
	return desk_page(r, 201, "file", d, NULL);
}

enum MHD_Result
route_file_confirm(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	struct desk_form f;
	enum MHD_Result rc;

	if (desk_form_read(r, &f) == -1) {
		desk_form_free(&f);
		return file_error(r, 400, "invalid");
	}
	c = complaints_draft_confirm_begin(
	    r->h->cx, desk_form_get(&f, "token"), &e);
	desk_form_free(&f);
	if (c == NULL)
		return file_failed(r, &e);
	r->after = confirm_done;
	rc = httpd_write(r, c, 201, &e);
	return rc;
}

enum MHD_Result
route_file_slip(struct req *r)
{
	struct complaints_error e;
	struct desk_form f;
	enum MHD_Result rc;
	const char *number, *code;
	char name[64];
	struct buf b;

	if (desk_form_read(r, &f) == -1) {
		desk_form_free(&f);
		return file_error(r, 400, "invalid");
	}
	number = desk_form_get(&f, "number");
	code = desk_form_get(&f, "code");
	buf_init(&b, 64 * 1024);
	/* The slip only to whoever holds the right access code. */
	if (number == NULL || code == NULL ||
	    complaints_status(r->h->cx, number, code, &b, &e) == -1) {
		if (number == NULL || code == NULL)
			complaints_error_set(&e, COMPLAINTS_EINVAL,
			    "invalid-document",
			    "the number and the access "
			    "code are needed");
		buf_free(&b);
		desk_form_free(&f);
		return httpd_respond_error(r, &e);
	}
	buf_free(&b);
	buf_init(&b, 4 * 1024 * 1024);
	/* Download slip: saved as a file named by the talon. */
	if (complaints_talon_slip(r->h->cx, &complaints_system, number, code,
		web_lang_code(desk_lang(r)), &b, &e) == -1)
		rc = httpd_respond_error(r, &e);
	else {
		size_t n = 0;

		/* Its digits and dashes: a name no header can misread. */
		for (const char *p = number; *p && n < 40; p++)
			if ((*p >= '0' && *p <= '9') || *p == '-')
				name[n++] = *p;
		snprintf(name + n, sizeof(name) - n, ".pdf");
		rc = httpd_download(r,
		    MHD_create_response_from_buffer(
			b.len, b.data, MHD_RESPMEM_MUST_COPY),
		    "application/pdf", name);
	}
	buf_free(&b);
	desk_form_free(&f);
	return rc;
}

/*
 * Complaints by email:
 *
 *	POST /api/v1/mail	a <mail> from complaints-mailgate: from the
 *				loopback (the MTA runs it on this host), or
 *				with an API token of the body's registrar
 *	GET  /api/v1/mail?body=	the body's incomplete list, staff
 */
enum MHD_Result
route_mail(struct req *r)
{
	const struct complaints_actor *who = &complaints_system;
	struct complaints_error e;
	const char *auth;

	if (!httpd_loopback(r->client)) {
		/* Elsewhere: an API token of the body's registrar or head. */
		auth = httpd_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
		if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
			return httpd_fail(r, 401, "unauthorized",
			    "complaints "
			    "by email come from the loopback address or with "
			    "an API token of the body's registrar");
		if (complaints_authenticate(
			r->h->cx, auth + 7, &r->actor, &e) == -1)
			return httpd_respond_error(r, &e);
		who = r->who = &r->actor;
	}
	return httpd_write(r,
	    complaints_mail_begin(
		r->h->cx, who, httpd_body(r), r->body.len, &e),
	    201, &e);
}

enum MHD_Result
route_mail_register(struct req *r)
{
	struct complaints_error e;
	long long id;

	if (parse_ll(r->seg[3], 1, INT64_MAX, &id) == -1)
		return httpd_fail(r, 404, "mail-not-found", "no such mail");
	return httpd_write(r,
	    complaints_mail_register_begin(
		r->h->cx, r->who, id, httpd_body(r), r->body.len, &e),
	    201, &e);
}

enum MHD_Result
route_mail_list(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	int64_t after = 0;
	int limit = 100;

	if (httpd_arg_page(r, &after, &limit, &e) == -1)
		return httpd_respond_error(r, &e);
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer(r,
	    complaints_mail_list(
		r->h->cx, r->who, httpd_arg(r, "body"), after, limit, &b, &e),
	    200, &b, &e);
}
