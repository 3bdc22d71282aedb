/*
 * route_notify: notifications and the post, for the registrar.
 *
 *	GET  /api/v1/notifications			the list
 *	POST /api/v1/notifications/{id}/resend		a write
 *	POST /api/v1/notifications/{id}/to-post		a write
 *	GET  /api/v1/notifications/{id}/letter		the letter, PDF
 *	POST /api/v1/notifications/{id}/posted		a write
 *	GET  /api/v1/post/register			the day's register
 */
#include <string.h>

#include "daemon/httpd_int.h"

enum MHD_Result
route_notifications(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	long long after = 0, limit = 100;

	if (httpd_arg_ll(r, "after", 0, INT64_MAX, &after, &e) == -1 ||
	    httpd_arg_ll(r, "limit", 1, 500, &limit, &e) == -1)
		return httpd_respond_error(r, &e);
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer(r,
	    complaints_notifications(r->h->cx, r->who, httpd_arg(r, "state"),
		httpd_arg(r, "body"), after, (int)limit, &b, &e),
	    200, &b, &e);
}

/* The notification of the path; -1 when it is not a number. */
static int
nt_id(struct req *r, int64_t *id)
{
	long long v;

	if (parse_ll(r->seg[3], 1, INT64_MAX, &v) == -1)
		return -1;
	*id = v;
	return 0;
}

static enum MHD_Result
no_such(struct req *r)
{
	return httpd_fail(r, 404, "no-such-notification",
	    "no notification "
	    "%s",
	    r->seg[3]);
}

static enum MHD_Result
nt_reset(struct req *r, int to_post)
{
	struct complaints_error e;
	int64_t id;

	if (nt_id(r, &id) == -1)
		return no_such(r);
	return httpd_write(r,
	    complaints_notification_reset_begin(
		r->h->cx, r->who, id, to_post, &e),
	    204, &e);
}

enum MHD_Result
route_nt_resend(struct req *r)
{
	return nt_reset(r, 0);
}

enum MHD_Result
route_nt_to_post(struct req *r)
{
	return nt_reset(r, 1);
}

enum MHD_Result
route_nt_posted(struct req *r)
{
	struct complaints_error e;
	const char *tracking = httpd_arg(r, "tracking");
	int64_t id;

	if (nt_id(r, &id) == -1)
		return no_such(r);
	if (tracking && strlen(tracking) > 64)
		return httpd_fail(r, 400, "bad-parameter",
		    "tracking: at most "
		    "64 characters");
	return httpd_write(r,
	    complaints_post_sent_begin(r->h->cx, r->who, id, tracking, &e), 204,
	    &e);
}

enum MHD_Result
route_nt_letter(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	int64_t id;

	if (nt_id(r, &id) == -1)
		return no_such(r);
	buf_init(&b, 8 * 1024 * 1024);
	return httpd_answer_as(r,
	    complaints_notification_letter(r->h->cx, r->who, id, &b, &e),
	    "application/pdf", &b, &e);
}

enum MHD_Result
route_post_register(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	int csv = httpd_wants(r, "csv", "text/csv");

	buf_init(&b, 8 * 1024 * 1024);
	return httpd_answer_as(r,
	    complaints_post_register(r->h->cx, r->who, httpd_arg(r, "body"),
		httpd_arg(r, "date"), csv, &b, &e),
	    csv ? "text/csv; charset=utf-8" : "application/pdf", &b, &e);
}
