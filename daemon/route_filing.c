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
#include "daemon/httpd_int.h"

enum MHD_Result
route_draft(struct req *r)
{
	struct complaints_error e;

	return httpd_write(r, complaints_draft_begin(r->h->cx, httpd_body(r),
	    r->body.len, r->client, &e), 202, &e);
}

enum MHD_Result
route_draft_confirm(struct req *r)
{
	static const char *const names[] = { "token" };
	struct complaints_error e;
	enum MHD_Result rc;

	if (httpd_read_doc(r, "confirm", names, 1, &rc) == -1)
		return rc;
	return httpd_write(r, complaints_draft_confirm_begin(r->h->cx,
	    r->v[0], &e), 201, &e);
}
