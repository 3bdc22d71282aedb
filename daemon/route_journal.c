/*
 * route_journal: the incoming-correspondence journal and the audit.
 *
 *	GET /api/v1/journal?body=&year=[&format=csv]	streamed export
 *	GET /api/v1/verify				the hash chains
 */
#include <string.h>

#include "daemon/httpd_int.h"

enum MHD_Result
route_verify(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	int ok;

	buf_init(&b, 64 * 1024);
	return httpd_answer(
	    r, complaints_verify(r->h->cx, r->who, &b, &ok, &e), 200, &b, &e);
}

static ssize_t
journal_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	ssize_t n = complaints_journal_read(cls, buf, max);

	(void)pos;
	if (n == 0)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (n < 0)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return n;
}

static void
journal_free(void *cls)
{
	complaints_journal_close(cls);
}

enum MHD_Result
route_journal(struct req *r)
{
	struct MHD_Response *resp;
	struct complaints_journal *j;
	struct complaints_error e;
	const char *accept, *fmt = httpd_arg(r, "format");
	long long year = 0;
	int csv;

	accept = httpd_header(r, MHD_HTTP_HEADER_ACCEPT);
	csv = (fmt && strcmp(fmt, "csv") == 0) ||
	    (accept && strstr(accept, "text/csv") != NULL);
	if (httpd_arg(r, "body") == NULL)
		return httpd_fail(r, 400, "bad-parameter",
		    "body: the code of "
		    "the body whose journal to export");
	if (httpd_arg_ll(r, "year", 1990, 9999, &year, &e) != 1)
		return httpd_fail(r, 400, "bad-parameter",
		    "year: such as "
		    "2026");
	if ((j = complaints_journal_open(r->h->cx, r->who, httpd_arg(r, "body"),
		 (int)year, csv, &e)) == NULL)
		return httpd_respond_error(r, &e);
	resp = MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, 32 * 1024, journal_reader, j, journal_free);
	if (resp == NULL) {
		complaints_journal_close(j);
		return MHD_NO;
	}
	return httpd_queue(r, 200, resp,
	    csv ? "text/csv; charset=utf-8" : "application/xml; charset=utf-8");
}
