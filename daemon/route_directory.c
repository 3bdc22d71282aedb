/*
 * route_directory: the directory of bodies and institutions, public.
 *
 *	GET /api/v1/directory?q=[&limit=]	search by words
 *	GET /api/v1/directory/{code}		one body
 */
#include "daemon/httpd_int.h"

enum MHD_Result
route_dir_search(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	long long limit = 20;

	if (httpd_arg(r, "q") == NULL)
		return httpd_fail(r, 400, "bad-parameter",
		    "q: the text to "
		    "find");
	if (httpd_arg_ll(r, "limit", 1, 200, &limit, &e) == -1)
		return httpd_respond_error(r, &e);
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer(r,
	    complaints_directory_search(
		r->h->cx, httpd_arg(r, "q"), (int)limit, &b, &e),
	    200, &b, &e);
}

enum MHD_Result
route_dir_body(struct req *r)
{
	struct complaints_error e;
	struct buf b;

	buf_init(&b, 256 * 1024);
	return httpd_answer(r,
	    complaints_directory_body(r->h->cx, r->seg[3], &b, &e), 200, &b,
	    &e);
}
