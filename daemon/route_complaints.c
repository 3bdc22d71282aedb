/*
 * route_complaints: complaints and their actions.
 *
 *	POST /api/v1/complaints			register (a write)
 *	GET  /api/v1/complaints			the list (the inbox), filtered
 *						and paged
 *	GET  /api/v1/workload			open complaints per official
 *	GET  /api/v1/complaints/{ref}		one complaint with its events
 *	POST /api/v1/complaints/{ref}/actions	an action (a write)
 */
#include <string.h>

#include "daemon/httpd_int.h"

enum MHD_Result
route_register(struct req *r)
{
	struct complaints_error e;

	return httpd_write(r,
	    complaints_register_begin(
		r->h->cx, r->who, httpd_body(r), r->body.len, &e),
	    201, &e);
}

int
httpd_arg_list(
    struct req *r, struct complaints_list_query *q, struct complaints_error *e)
{
	long long v;
	int rc;

	memset(q, 0, sizeof(*q));
	q->overdue = -1;
	q->body = httpd_arg(r, "body");
	q->state = httpd_arg(r, "state");
	q->institution = httpd_arg(r, "institution");
	q->q = httpd_arg(r, "q");
	if ((rc = httpd_arg_ll(r, "service", 1, 11, &v, e)) == -1)
		return -1;
	if (rc)
		q->service = (int)v;
	if ((rc = httpd_arg_ll(r, "overdue", 0, 1, &v, e)) == -1)
		return -1;
	if (rc)
		q->overdue = (int)v;
	if (httpd_arg_page(r, &q->after, &q->limit, e) == -1 ||
	    httpd_arg_date(r, "from", &q->from, e) == -1 ||
	    httpd_arg_date(r, "to", &q->to, e) == -1)
		return -1;
	if (q->to)
		q->to += 86400; /* to the end of that day */
	return 0;
}

enum MHD_Result
route_list(struct req *r)
{
	struct complaints_list_query q;
	struct complaints_error e;
	struct buf b;

	if (httpd_arg_list(r, &q, &e) == -1)
		return httpd_respond_error(r, &e);
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer(
	    r, complaints_list(r->h->cx, r->who, &q, &b, &e), 200, &b, &e);
}

enum MHD_Result
route_workload(struct req *r)
{
	struct complaints_error e;
	const char *body = httpd_arg(r, "body");
	struct buf b;

	buf_init(&b, 1024 * 1024);
	return httpd_answer(r,
	    complaints_workload(
		r->h->cx, r->who, body ? body : r->who->body, &b, &e),
	    200, &b, &e);
}

enum MHD_Result
route_record(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 8 * 1024 * 1024);
	return httpd_answer(r,
	    complaints_get(r->h->cx, r->who, r->seg[3], &b, NULL, &e), 200, &b,
	    &e);
}

enum MHD_Result
route_action(struct req *r)
{
	struct complaints_error e;

	return httpd_write(r,
	    complaints_act_begin(
		r->h->cx, r->who, r->seg[3], httpd_body(r), r->body.len, &e),
	    200, &e);
}
