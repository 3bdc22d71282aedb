/*
 * route_desk_reports: the reports on the staff desk.
 *
 *	GET /desk/reports?from=&to=&group=&body=&service=
 *				the form, the figures of the period as a
 *				table (each cell a link to its complaints),
 *				the charts each with its table, the downloads
 *	GET /desk/reports/complaints?figure=&from=&to=&body=&service=
 *	    [&channel=&institution=&month=&after=]
 *				the complaints behind a figure, a page at a
 *				time, each linking to its case
 *	GET /desk/reports/chart/{monthly,timeliness,overdue}.svg?...
 *	GET /desk/reports/download?format=csv|xlsx&...
 *				the API's chart and files, with the session
 *
 * The documents are the API's (GET /api/v1/reports/...), from the same
 * functions of complaints/ with the session's actor, so the desk shows
 * what the API answers and its scope: a registrar or head sees their
 * body (403 for another), the escalation desk and the administrator
 * every body and the total.  Nothing here changes anything.
 */
#include <stdio.h>
#include <string.h>

#include "daemon/desk.h"

#define REPORT_DOC_CAP (8 * 1024 * 1024)
#define TRACE_PAGE     100

/* The query of the page; an empty field of the form is no filter. */
struct desk_rq {
	struct complaints_report_query q;
	char from[11], to[11];
};

static const char *
arg(struct req *r, const char *name)
{
	const char *v = httpd_arg(r, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* The period defaults to the current month in the service's zone. */
static int
page_query(struct req *r, struct desk_rq *p, struct complaints_error *e)
{
	const char *s;
	struct moment m;
	long long v;

	memset(p, 0, sizeof(*p));
	if (tz_local(r->h->conf->timezone, clock_now(), &m) == 0) {
		snprintf(p->from, sizeof(p->from), "%04d-%02d-01", m.y, m.m);
		snprintf(p->to, sizeof(p->to), "%04d-%02d-%02d", m.y, m.m,
		    date_days_in_month(m.y, m.m));
	}
	p->q.from = arg(r, "from") ? arg(r, "from") : p->from;
	p->q.to = arg(r, "to") ? arg(r, "to") : p->to;
	p->q.group = arg(r, "group");
	p->q.body = arg(r, "body");
	if ((s = arg(r, "service")) != NULL) {
		if (parse_ll(s, 1, 11, &v) == -1) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "bad-parameter", "service: 1 to 11");
			return -1;
		}
		p->q.service = (int)v;
	}
	return 0;
}

/* Adds <query> with the page's arguments as given (cleaned). */
static void
query_node(struct req *r, xmlNodePtr root, const struct desk_rq *p)
{
	static const char *const names[] = { "group", "body", "service",
		"figure", "channel", "institution", "month", "after", NULL };
	char clean[256];
	xmlNodePtr q;
	const char *v;

	if ((q = xmlNewChild(root, NULL, BAD_CAST "query", NULL)) == NULL)
		return;
	web_clean(p->q.from, clean, sizeof(clean));
	xmlSetProp(q, BAD_CAST "from", BAD_CAST clean);
	web_clean(p->q.to, clean, sizeof(clean));
	xmlSetProp(q, BAD_CAST "to", BAD_CAST clean);
	for (int i = 0; names[i]; i++)
		if ((v = httpd_arg(r, names[i])) != NULL) {
			web_clean(v, clean, sizeof(clean));
			xmlSetProp(q, BAD_CAST names[i], BAD_CAST clean);
		}
}

/*
 * A new page's document with the query (NULL: out of memory); *rc -1
 * with e when the query is bad.
 */
static xmlDocPtr
page_doc(struct req *r, struct desk_rq *p, int *rc, struct complaints_error *e)
{
	xmlDocPtr d;

	if ((d = desk_doc(r)) == NULL)
		return NULL;
	*rc = page_query(r, p, e);
	query_node(r, xmlDocGetRootElement(d), p);
	return d;
}

/* Answers with the page, and with e's status and error when rc is -1. */
static enum MHD_Result
page_end(struct req *r, const char *page, xmlDocPtr d, int rc,
    const struct complaints_error *e)
{
	if (rc == 0)
		return desk_page(r, 200, page, d, NULL);
	desk_doc_error(xmlDocGetRootElement(d), e);
	return desk_page(r, httpd_status(e->errc), page, d, NULL);
}

/* Adds <NAME> holding the <report> of q; -1 with e when there is none. */
static int
add_report(struct req *r, xmlNodePtr root, const char *name,
    const struct complaints_report_query *q, struct complaints_error *e)
{
	xmlNodePtr n;
	struct buf b;
	int rc;

	buf_init(&b, REPORT_DOC_CAP);
	rc = complaints_report(
	    r->h->cx, r->who, q, COMPLAINTS_REPORT_XML, &b, e);
	if (rc == 0 &&
	    ((n = xmlNewChild(root, NULL, BAD_CAST name, NULL)) == NULL ||
		xmlSetProp(n, BAD_CAST "group", BAD_CAST q->group) == NULL ||
		desk_doc_add(n, b.data, b.len) == -1)) {
		complaints_error_set(
		    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
		rc = -1;
	}
	buf_free(&b);
	return rc;
}

enum MHD_Result
route_desk_reports(struct req *r)
{
	static const char *const charts[] = { "month", "body", "service",
		NULL };
	struct complaints_error e;
	struct complaints_report_query one;
	struct desk_rq p;
	xmlNodePtr root;
	xmlDocPtr d;
	struct buf b;
	int rc;

	if ((d = page_doc(r, &p, &rc, &e)) == NULL)
		return MHD_NO;
	root = xmlDocGetRootElement(d);
	if (rc == 0) {
		one = p.q;
		if (one.group == NULL)
			one.group = "body";
		rc = add_report(r, root, "summary", &one, &e);
	}
	/* The data of the charts: by month, by body, by service. */
	for (int i = 0; rc == 0 && charts[i]; i++) {
		one = p.q;
		one.group = charts[i];
		rc = add_report(r, root, "chart-data", &one, &e);
	}
	/* The bodies to choose from: those of the period, for who sees all. */
	if (rc == 0 &&
	    (r->who->role == COMPLAINTS_ROLE_DESK ||
		r->who->role == COMPLAINTS_ROLE_ADMIN)) {
		memset(&one, 0, sizeof(one));
		one.group = "body";
		one.from = p.q.from;
		one.to = p.q.to;
		rc = add_report(r, root, "bodies", &one, &e);
	} else if (rc == 0) {
		/* Theirs and the offices below it (a city department's). */
		buf_init(&b, REPORT_DOC_CAP);
		rc = complaints_report_bodies(r->h->cx, r->who, &b, &e);
		if (rc == 0 && desk_doc_add(root, b.data, b.len) == -1) {
			complaints_error_set(&e, COMPLAINTS_EINTERNAL,
			    "internal", "out of memory");
			rc = -1;
		}
		buf_free(&b);
	}
	return page_end(r, "desk-reports", d, rc, &e);
}

enum MHD_Result
route_desk_report_trace(struct req *r)
{
	struct complaints_trace_query q;
	struct complaints_error e;
	struct desk_rq p;
	xmlDocPtr d;
	struct buf b;
	long long after = 0;
	int rc;

	if ((d = page_doc(r, &p, &rc, &e)) == NULL)
		return MHD_NO;
	memset(&q, 0, sizeof(q));
	q.r = p.q;
	q.figure = arg(r, "figure");
	q.channel = arg(r, "channel");
	q.institution = httpd_arg(r, "institution"); /* "": none named */
	q.month = arg(r, "month");
	q.limit = TRACE_PAGE;
	if (rc == 0 && arg(r, "after") != NULL &&
	    parse_ll(arg(r, "after"), 0, INT64_MAX, &after) == -1) {
		complaints_error_set(&e, COMPLAINTS_EINVAL, "bad-parameter",
		    "after: a number from the page before");
		rc = -1;
	}
	q.after = after;
	buf_init(&b, REPORT_DOC_CAP);
	if (rc == 0)
		rc = complaints_report_trace(r->h->cx, r->who, &q, &b, &e);
	if (rc == 0 &&
	    desk_doc_add(xmlDocGetRootElement(d), b.data, b.len) == -1) {
		complaints_error_set(
		    &e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
		rc = -1;
	}
	buf_free(&b);
	return page_end(r, "desk-report-trace", d, rc, &e);
}
