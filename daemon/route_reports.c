/*
 * route_reports: the reports for heads and the ministry.
 *
 *	GET /api/v1/reports/summary?from=&to=&body=&service=&group=
 *	    [&format=xml|csv|xlsx|text]	the figures (report.xsd)
 *	GET /api/v1/reports/complaints?figure=&from=&to=&body=&service=
 *	    [&channel=&institution=&month=&after=&limit=]
 *					the complaints behind a figure
 *	GET /api/v1/reports/chart/{monthly,timeliness,overdue}.svg?from=
 *	    &to=&body=&service=		a chart
 *
 * The desk's chart and files (/desk/reports/chart/NAME.svg and
 * /desk/reports/download) are these handlers with the session's actor.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/httpd_int.h"

#define REPORT_CAP (16 * 1024 * 1024)
#define XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The query every report route shares; -1 with e on a bad value. */
static int
report_query(struct req *r, struct complaints_report_query *q,
    struct complaints_error *e)
{
	long long v;
	int rc;

	memset(q, 0, sizeof(*q));
	q->group = httpd_arg(r, "group");
	q->from = httpd_arg(r, "from");
	q->to = httpd_arg(r, "to");
	q->body = httpd_arg(r, "body");
	if ((rc = httpd_arg_ll(r, "service", 1, 11, &v, e)) == -1)
		return -1;
	if (rc)
		q->service = (int)v;
	return 0;
}

/* The workbook, sent from its temporary file as the client reads it. */
static enum MHD_Result
download_xlsx(struct req *r, const struct complaints_report_query *q)
{
	struct complaints_error e;
	struct stat st;
	int fd;

	if (complaints_report_xlsx(r->h->cx, r->who, q, &fd, &e) == -1)
		return httpd_respond_error(r, &e);
	if (fstat(fd, &st) == -1) {
		close(fd);
		return httpd_fail(
		    r, 500, "internal", "the workbook cannot be read");
	}
	/* libmicrohttpd closes fd with the response. */
	return httpd_download(r,
	    MHD_create_response_from_fd((uint64_t)st.st_size, fd), XLSX_TYPE,
	    "report.xlsx");
}

enum MHD_Result
route_report_summary(struct req *r)
{
	static const struct {
		const char *name, *type, *file;
		enum complaints_report_format fmt;
	} formats[] = {
		{ "xml", "application/xml; charset=utf-8", NULL,
		    COMPLAINTS_REPORT_XML },
		{ "csv", "text/csv; charset=utf-8", "report.csv",
		    COMPLAINTS_REPORT_CSV },
		{ "xlsx", XLSX_TYPE, "report.xlsx", COMPLAINTS_REPORT_XLSX },
		{ "text", "text/plain; charset=utf-8", NULL,
		    COMPLAINTS_REPORT_TEXT },
	};
	struct complaints_report_query q;
	struct complaints_error e;
	struct MHD_Response *resp;
	const char *f = httpd_arg(r, "format");
	struct buf b;
	size_t i = 0;

	if (f != NULL)
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(formats[i].name, f) == 0)
				break;
	if (i == sizeof(formats) / sizeof(formats[0]))
		return httpd_fail(r, 400, "bad-parameter",
		    "format: xml, csv, "
		    "xlsx or text");
	if (report_query(r, &q, &e) == -1)
		return httpd_respond_error(r, &e);
	if (formats[i].fmt == COMPLAINTS_REPORT_XLSX)
		return download_xlsx(r, &q);
	buf_init(&b, REPORT_CAP);
	if (complaints_report(r->h->cx, r->who, &q, formats[i].fmt, &b, &e) ==
	    -1) {
		buf_free(&b);
		return httpd_respond_error(r, &e);
	}
	if (formats[i].file) {
		resp = MHD_create_response_from_buffer(b.len,
		    b.data ? b.data : (char *)(uintptr_t) "",
		    MHD_RESPMEM_MUST_COPY);
		buf_free(&b);
		return httpd_download(
		    r, resp, formats[i].type, formats[i].file);
	}
	return httpd_answer_as(r, 0, formats[i].type, &b, &e);
}

enum MHD_Result
route_report_complaints(struct req *r)
{
	struct complaints_trace_query q;
	struct complaints_error e;
	struct buf b;

	memset(&q, 0, sizeof(q));
	if (report_query(r, &q.r, &e) == -1)
		return httpd_respond_error(r, &e);
	q.figure = httpd_arg(r, "figure");
	q.channel = httpd_arg(r, "channel");
	q.institution = httpd_arg(r, "institution");
	q.month = httpd_arg(r, "month");
	if (httpd_arg_page(r, &q.after, &q.limit, &e) == -1)
		return httpd_respond_error(r, &e);
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer(r,
	    complaints_report_trace(r->h->cx, r->who, &q, &b, &e), 200, &b, &e);
}

enum MHD_Result
route_report_chart(struct req *r)
{
	struct complaints_report_query q;
	struct complaints_error e;
	char name[64];
	const char *file = r->seg[r->nseg - 1]; /* the API's or the desk's */
	size_t n = strlen(file);
	struct buf b;

	if (n <= 4 || n >= sizeof(name) || strcmp(file + n - 4, ".svg") != 0)
		return httpd_fail(r, 404, "no-such-chart",
		    "the charts are "
		    "monthly.svg, timeliness.svg and overdue.svg");
	memcpy(name, file, n - 4);
	name[n - 4] = '\0';
	if (report_query(r, &q, &e) == -1)
		return httpd_respond_error(r, &e);
	buf_init(&b, REPORT_CAP);
	return httpd_answer_as(r,
	    complaints_report_chart(r->h->cx, r->who, name, &q, &b, &e),
	    "image/svg+xml; charset=utf-8", &b, &e);
}
