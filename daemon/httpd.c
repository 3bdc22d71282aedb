/*
 * httpd: the plumbing of the HTTP face.
 *
 * The access handler finds the route in the table (routes.c), checks who
 * calls it before any body is read, caps the body, and calls the route's
 * handler (route_*.c) once the body is in.  Every answer is built here.
 * Every write goes one way, httpd_write: the connection is suspended
 * while the writer thread puts the change on disk with others in one
 * commit, and the writer's completion resumes it; no request thread
 * waits on the disk.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "daemon/guard.h"
#include "daemon/httpd_int.h"
#include "util/limit.h"

#define MAX_SEGMENTS HTTPD_MAX_SEGMENTS

/* --- Answers --------------------------------------------------------- */

enum MHD_Result
httpd_queue(
    struct req *r, unsigned status, struct MHD_Response *resp, const char *type)
{
	enum MHD_Result rc;

	r->responded = 1;
	r->status = status;
	MHD_add_response_header(resp, "Content-Type", type);
	if (MHD_get_response_header(resp, "Cache-Control") == NULL)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (r->close)
		MHD_add_response_header(
		    resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (r->hold && status >= 400) {
		/* Sent once the body is in: see struct req. */
		r->held = resp;
		r->held_status = status;
		return MHD_YES;
	}
	/* Counted before the client can read the answer, so a scrape that
	 * follows it sees it. */
	route_metrics_done(r);
	rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

enum MHD_Result
httpd_respond(struct req *r, unsigned status, const char *type,
    const char *data, size_t len)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(
	    len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	return httpd_queue(r, status, resp, type);
}

enum MHD_Result
httpd_download(struct req *r, struct MHD_Response *resp, const char *type,
    const char *name)
{
	char disp[128];

	if (resp == NULL)
		return MHD_NO;
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	if (MHD_add_response_header(resp, "Content-Disposition", disp) !=
	    MHD_YES) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	return httpd_queue(r, 200, resp, type);
}

enum MHD_Result
httpd_respond_xml(struct req *r, unsigned status, const struct buf *b)
{
	return httpd_respond(r, status, "application/xml; charset=utf-8",
	    b->data ? b->data : "", b->len);
}

enum MHD_Result
httpd_no_content(struct req *r)
{
	return httpd_respond(r, 204, "text/plain", "", 0);
}

unsigned
httpd_status(enum complaints_errc errc)
{
	switch (errc) {
	case COMPLAINTS_OK:
		return 200;
	case COMPLAINTS_EINVAL:
		return 400;
	case COMPLAINTS_EAUTH:
		return 401;
	case COMPLAINTS_EPERM:
		return 403;
	case COMPLAINTS_ENOENT:
		return 404;
	case COMPLAINTS_ECONFLICT:
		return 409;
	case COMPLAINTS_ELIMIT:
		return 429;
	case COMPLAINTS_EUNAVAIL:
		return 503;
	case COMPLAINTS_EINTERNAL:
	default:
		return 500;
	}
}

/* An <error> with its status and headers; allow: the 405's methods. */
static enum MHD_Result
respond_error_allow(struct req *r, unsigned status,
    const struct complaints_error *e, const char *allow)
{
	struct MHD_Response *resp;
	struct buf b;
	char ra[16];

	if (r->route != NULL && r->route->answer == ANSWER_OPEN311 &&
	    allow == NULL)
		return route_open311_error(r, status, e);
	buf_init(&b, 64 * 1024);
	if (complaints_error_xml(e, &b) == -1) {
		buf_free(&b);
		return httpd_respond(r, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	}
	if (status >= 500)
		log_warnx("http: %s: %s", e->code, e->message);
	resp = MHD_create_response_from_buffer(
	    b.len, b.data, MHD_RESPMEM_MUST_COPY);
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	if (status == 401)
		MHD_add_response_header(
		    resp, "WWW-Authenticate", "Bearer realm=\"complaintsd\"");
	if (e->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", e->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	if (allow != NULL)
		MHD_add_response_header(resp, "Allow", allow);
	return httpd_queue(r, status, resp, "application/xml; charset=utf-8");
}

enum MHD_Result
httpd_respond_error(struct req *r, const struct complaints_error *e)
{
	return respond_error_allow(r, httpd_status(e->errc), e, NULL);
}

enum MHD_Result
httpd_fail(struct req *r, int status, const char *code, const char *fmt, ...)
{
	struct complaints_error e;
	va_list ap;

	va_start(ap, fmt);
	complaints_error_vset(&e,
	    status >= 500 ? COMPLAINTS_EINTERNAL : COMPLAINTS_EINVAL, code, fmt,
	    ap);
	va_end(ap);
	return respond_error_allow(r, (unsigned)status, &e, NULL);
}

enum MHD_Result
httpd_answer(struct req *r, int rc, unsigned status, struct buf *b,
    const struct complaints_error *e)
{
	enum MHD_Result mrc;

	mrc = rc == -1 ? httpd_respond_error(r, e) :
			 httpd_respond_xml(r, status, b);
	buf_free(b);
	return mrc;
}

enum MHD_Result
httpd_answer_as(struct req *r, int rc, const char *type, struct buf *b,
    const struct complaints_error *e)
{
	enum MHD_Result mrc;

	mrc = rc == -1 ?
	    httpd_respond_error(r, e) :
	    httpd_respond(r, 200, type, b->data ? b->data : "", b->len);
	buf_free(b);
	return mrc;
}

/* --- The one write path ---------------------------------------------- */

/* In the writer thread, once the change is on disk or has failed. */
static void
write_done(void *arg)
{
	struct req *r = arg;

	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&r->h->waiting, 1, __ATOMIC_RELAXED);
	MHD_resume_connection(r->conn);
}

enum MHD_Result
httpd_write(struct req *r, struct complaints_call *c, unsigned status,
    const struct complaints_error *e)
{
	struct complaints_error qe;

	if (c == NULL)
		return httpd_respond_error(r, e);
	r->call = c;
	r->ok_status = status;
	r->phase = PH_WAIT;
	__atomic_add_fetch(&r->h->waiting, 1, __ATOMIC_RELAXED);
	MHD_suspend_connection(r->conn);
	if (complaints_call_submit(r->h->cx, c, write_done, r, &qe) == -1) {
		__atomic_sub_fetch(&r->h->waiting, 1, __ATOMIC_RELAXED);
		MHD_resume_connection(r->conn);
		r->phase = PH_BODY;
		return httpd_respond_error(r, &qe);
	}
	return MHD_YES;
}

/* Resumed: the answer of the write. */
static enum MHD_Result
write_answer(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	enum MHD_Result rc;

	if (!__atomic_load_n(&r->finished, __ATOMIC_ACQUIRE))
		return MHD_YES;
	buf_init(&b, 64 * 1024);
	if (r->after != NULL) {
		rc = r->after(
		    r, complaints_call_result(r->call, &b, &e), &b, &e);
		buf_free(&b);
		return rc;
	}
	if (complaints_call_result(r->call, &b, &e) == -1)
		rc = httpd_respond_error(r, &e);
	else if (b.len == 0)
		rc = httpd_respond(r, r->ok_status, "text/plain", "", 0);
	else
		rc = httpd_respond_xml(r, r->ok_status, &b);
	buf_free(&b);
	return rc;
}

/* --- The request ----------------------------------------------------- */

const char *
httpd_arg(struct req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(
	    r->conn, MHD_GET_ARGUMENT_KIND, name);

	return v && *v ? v : NULL;
}

const char *
httpd_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
httpd_body(struct req *r)
{
	return r->body.data ? r->body.data : "";
}

int
httpd_arg_ll(struct req *r, const char *name, long long lo, long long hi,
    long long *v, struct complaints_error *e)
{
	const char *s = httpd_arg(r, name);

	if (s == NULL)
		return 0;
	if (parse_ll(s, lo, hi, v) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "%s: a number from %lld "
		    "to %lld",
		    name, lo, hi);
		return -1;
	}
	return 1;
}

int
httpd_arg_page(
    struct req *r, int64_t *after, int *limit, struct complaints_error *e)
{
	long long v;
	int rc;

	if ((rc = httpd_arg_ll(r, "after", 0, INT64_MAX, &v, e)) == -1)
		return -1;
	if (rc)
		*after = v;
	if ((rc = httpd_arg_ll(r, "limit", 1, 500, &v, e)) == -1)
		return -1;
	if (rc)
		*limit = (int)v;
	return 0;
}

int
httpd_arg_date(
    struct req *r, const char *name, int64_t *t, struct complaints_error *e)
{
	const char *s = httpd_arg(r, name);
	struct date d;

	if (s == NULL)
		return 0;
	if (date_parse(s, &d) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "%s: a date such as "
		    "2026-11-26",
		    name);
		return -1;
	}
	/* Midnight in Almaty's zone (UTC+5). */
	*t = date_to_days(d) * 86400LL - 5 * 3600;
	return 1;
}

int
httpd_wants(struct req *r, const char *format, const char *type)
{
	const char *f = httpd_arg(r, "format"), *acc;

	if (f != NULL)
		return strcmp(f, format) == 0;
	acc = httpd_header(r, MHD_HTTP_HEADER_ACCEPT);
	return acc != NULL && strstr(acc, type) != NULL;
}

static void
free_values(struct req *r)
{
	for (int i = 0; i < r->nv; i++) {
		if (r->v[i])
			sodium_memzero(r->v[i], strlen(r->v[i]));
		free(r->v[i]);
		r->v[i] = NULL;
	}
	r->nv = 0;
}

int
httpd_read_doc(struct req *r, const char *name, const char *const names[],
    int n, enum MHD_Result *rc)
{
	struct complaints_error e;

	free_values(r);
	if (n > HTTPD_DOC_VALUES) {
		*rc = httpd_fail(
		    r, 500, "internal", "%s: too many values", name);
		return -1;
	}
	if (complaints_read_doc(r->h->cx, name, httpd_body(r), r->body.len,
		names, r->v, n, &e) == -1) {
		*rc = httpd_respond_error(r, &e);
		return -1;
	}
	r->nv = n;
	return 0;
}

/* --- Routes ---------------------------------------------------------- */

/* Splits a path into segments; -1 when it has too many or too long. */
static int
split(const char *url, char seg[MAX_SEGMENTS][64], int *nseg)
{
	const char *p = url, *e;
	size_t n;

	*nseg = 0;
	if (*p != '/')
		return -1;
	while (*p == '/') {
		p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (*nseg == MAX_SEGMENTS || n >= 64 || n == 0)
			return -1;
		memcpy(seg[*nseg], p, n);
		seg[*nseg][n] = '\0';
		(*nseg)++;
		p += n;
	}
	return *p == '\0' ? 0 : -1;
}

static int
match(const char *pattern, char seg[MAX_SEGMENTS][64], int nseg)
{
	char pseg[MAX_SEGMENTS][64];
	int n;

	if (split(pattern, pseg, &n) == -1 || n != nseg)
		return 0;
	for (int i = 0; i < n; i++)
		if (strcmp(pseg[i], "*") != 0 && strcmp(pseg[i], seg[i]) != 0)
			return 0;
	return 1;
}

/* Finds the route; *allowed lists the methods when only those differ. */
static const struct route *
route_find(const char *method, char seg[MAX_SEGMENTS][64], int nseg,
    char *allowed, size_t alen)
{
	size_t n = 0;

	allowed[0] = '\0';
	for (size_t i = 0; i < httpd_nroutes; i++) {
		if (!match(httpd_routes[i].pattern, seg, nseg))
			continue;
		if (strcmp(httpd_routes[i].method, method) == 0)
			return &httpd_routes[i];
		if (strcmp(method, "HEAD") == 0 &&
		    strcmp(httpd_routes[i].method, "GET") == 0)
			return &httpd_routes[i];
		n += (size_t)snprintf(allowed + n, alen - n, "%s%s",
		    n ? ", " : "", httpd_routes[i].method);
		if (n >= alen)
			n = alen - 1;
	}
	return NULL;
}

int
httpd_route_match(const char *method, const char *url,
    char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN], int *nseg, char *allowed,
    size_t alen)
{
	const struct route *rt;

	allowed[0] = '\0';
	if (split(url, seg, nseg) == -1)
		return -1;
	rt = route_find(method, seg, *nseg, allowed, alen);
	return rt != NULL ? (int)(rt - httpd_routes) : -1;
}

/* application/xml or text/xml, in UTF-8 when a charset is named. */
static int
xml_content_type(const char *ct)
{
	const char *p;
	size_t n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if (!((n == 15 && strncasecmp(ct, "application/xml", 15) == 0) ||
		(n == 8 && strncasecmp(ct, "text/xml", 8) == 0)))
		return 0;
	for (p = strchr(ct, ';'); p != NULL; p = strchr(p + 1, ';')) {
		const char *q = p + 1;

		while (*q == ' ')
			q++;
		if (strncasecmp(q, "charset=", 8) == 0) {
			q += 8;
			if (*q == '"')
				q++;
			if (strncasecmp(q, "utf-8", 5) != 0 ||
			    (q[5] != '\0' && q[5] != ';' && q[5] != ' ' &&
				q[5] != '"'))
				return 0;
		}
	}
	return 1;
}

/* application/x-www-form-urlencoded, in UTF-8 when a charset is named. */
static int
form_content_type(const char *ct)
{
	static const char form[] = "application/x-www-form-urlencoded";
	const char *q;
	size_t n;

	if (ct == NULL)
		return 0;
	n = strcspn(ct, ";");
	while (n > 0 && ct[n - 1] == ' ')
		n--;
	if (n != sizeof(form) - 1 || strncasecmp(ct, form, n) != 0)
		return 0;
	if ((q = strcasestr(ct, "charset=")) != NULL) {
		q += 8;
		if (*q == '"')
			q++;
		if (strncasecmp(q, "utf-8", 5) != 0)
			return 0;
	}
	return 1;
}

/* multipart/form-data with a boundary (the post processor reads it). */
static int
multipart_content_type(const char *ct)
{
	static const char mp[] = "multipart/form-data";

	return ct != NULL && strncasecmp(ct, mp, sizeof(mp) - 1) == 0 &&
	    (ct[sizeof(mp) - 1] == ';' || ct[sizeof(mp) - 1] == ' ') &&
	    strcasestr(ct, "boundary=") != NULL;
}

static void
client_address(struct req *r)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	strlcpy_chk(r->client, "-", sizeof(r->client));
	ci = MHD_get_connection_info(
	    r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    r->client, sizeof(r->client));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    r->client, sizeof(r->client));
}

/*
 * Who is calling, checked before any body is read: the lookup limit per
 * address for LIMITED routes, a valid token for STAFF ones; a route
 * without a rule is refused.  -1 when the request was answered
 * (r->access_rc).
 */
static int
check_access(struct req *r)
{
	struct complaints_error e;
	const char *auth;
	int wait;

	client_address(r);
	switch (r->route->access) {
	case PUBLIC:
		if (r->route->answer == ANSWER_DESK)
			return desk_access(r);
		return 0;
	case LIMITED:
		if ((wait = limit_take(r->h->lookups, r->client, time(NULL))) <=
		    0)
			return r->route->answer == ANSWER_DESK ?
			    desk_access(r) :
			    0;
		if (r->route->answer == ANSWER_HTML) {
			r->access_rc = route_page_too_many(r, wait);
			return -1;
		}
		complaints_error_set(&e, COMPLAINTS_ELIMIT, "too-many-lookups",
		    "too many lookups "
		    "from your address; try again in %d s",
		    wait);
		e.retry_after = wait;
		r->access_rc = httpd_respond_error(r, &e);
		return -1;
	case STAFF:
		break;
	case DESK:
		return desk_access(r);
	default:
		log_warnx("http: %s %s: the route has no access rule",
		    r->route->method, r->route->pattern);
		r->access_rc = httpd_fail(r, 500, "internal",
		    "this route "
		    "has no access rule");
		return -1;
	}
	auth = httpd_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0)
		auth += 7;
	else
		auth = NULL;
	if (complaints_authenticate(r->h->cx, auth, &r->actor, &e) == -1) {
		r->access_rc = httpd_respond_error(r, &e);
		return -1;
	}
	r->who = &r->actor;
	return 0;
}

/* 413 with the route's cap. */
static enum MHD_Result
too_large(struct req *r)
{
	if (r->route->body == BODY_UPLOAD)
		return httpd_fail(r, 413, "body-too-large",
		    "the form and its files are larger than %d bytes",
		    HTTPD_UPLOAD_MAX);
	if (r->route->body == BODY_FORM)
		return httpd_fail(r, 413, "body-too-large",
		    "the form is "
		    "larger than %d bytes",
		    HTTPD_FORM_MAX);
	return httpd_fail(r, 413, "body-too-large",
	    "the document is larger "
	    "than %lld bytes",
	    r->h->conf->max_body);
}

/* The body's type and announced length, before any of it is read. */
static enum MHD_Result
body_begin(struct req *r)
{
	const char *cl, *ct;
	long long len, cap;

	/* Two lengths are how requests are smuggled past proxies. */
	if (guard_header_count(r->conn, MHD_HTTP_HEADER_CONTENT_LENGTH) > 1)
		return httpd_fail(r, 400, "bad-request",
		    "more than one "
		    "Content-Length");
	ct = httpd_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (r->route->body == BODY_UPLOAD) {
		if (!form_content_type(ct) && !multipart_content_type(ct))
			return httpd_fail(r, 415, "unsupported-media-type",
			    "send the form as multipart/form-data or "
			    "application/x-www-form-urlencoded");
		cap = HTTPD_UPLOAD_MAX;
		buf_free(&r->body);
		buf_init(&r->body, (size_t)cap);
	} else if (r->route->body == BODY_FORM || r->route->body == BODY_PAGE) {
		if (!form_content_type(ct))
			return httpd_fail(r, 415, "unsupported-media-type",
			    "send the form as "
			    "application/x-www-form-urlencoded");
		cap = r->route->body == BODY_FORM ? HTTPD_FORM_MAX :
						    r->h->conf->max_body;
		buf_free(&r->body);
		buf_init(&r->body, (size_t)cap);
	} else {
		if (!xml_content_type(ct))
			return httpd_fail(r, 415, "unsupported-media-type",
			    "send the document as application/xml in UTF-8");
		cap = r->h->conf->max_body;
	}
	cl = httpd_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && (parse_ll(cl, 0, INT64_MAX, &len) == -1 || len > cap))
		return too_large(r);
	return MHD_YES;
}

/* Bytes of a body read and dropped, at most, before a held answer. */
static size_t
drain_max(const struct req *r)
{
	return 4 * (size_t)r->h->conf->max_body;
}

/*
 * Whether an error answered now should wait for the body: a body is on
 * its way (chunked, or a length within what we would drain anyway) and
 * the client did not ask to hear first (Expect: 100-continue).
 */
static int
body_announced(struct req *r)
{
	const char *cl = httpd_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *expect = httpd_header(r, MHD_HTTP_HEADER_EXPECT);
	long long len;

	if (expect != NULL && strcasestr(expect, "100-continue") != NULL)
		return 0;
	if (httpd_header(r, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
		return 1;
	return cl != NULL && parse_ll(cl, 1, INT64_MAX, &len) == 0 &&
	    (unsigned long long)len <= drain_max(r);
}

/* Sends the answer held while the body was read and dropped. */
static enum MHD_Result
release_held(struct req *r)
{
	struct MHD_Response *resp = r->held;
	enum MHD_Result rc;

	r->held = NULL;
	guard_served(r->h->guard, r->conn);
	route_metrics_done(r);
	rc = MHD_queue_response(r->conn, r->held_status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/*
 * Whether the signed-in caller's role may call the route.  The staff's
 * routes are for the four roles that work on complaints and accounts; a
 * monitor has its own session and tokens only (it reads /metrics with
 * one, route_metrics.c); any other role, one this code does not know,
 * is refused at every STAFF and DESK route: it fails closed.
 */
static int
role_may(const struct req *r)
{
	httpd_handler f = r->route->fn;

	switch (r->who->role) {
	case COMPLAINTS_ROLE_REGISTRAR:
	case COMPLAINTS_ROLE_HEAD:
	case COMPLAINTS_ROLE_DESK:
	case COMPLAINTS_ROLE_ADMIN:
	case COMPLAINTS_ROLE_SYSTEM:
		return 1;
	case COMPLAINTS_ROLE_MONITOR:
	case COMPLAINTS_ROLE_PARTNER: /* its token is Open311's api_key */
		return f == route_me || f == route_sign_out ||
		    f == route_token_new || f == route_token_list ||
		    f == route_token_revoke;
	default:
		return 0;
	}
}

static enum MHD_Result
first_call(struct req *r, const char *url, const char *method)
{
	char allowed[128];
	struct complaints_error e;
	int i;

	i = httpd_route_match(
	    method, url, r->seg, &r->nseg, allowed, sizeof(allowed));
	r->route = i >= 0 ? &httpd_routes[i] : NULL;
	if (r->route == NULL && allowed[0]) {
		complaints_error_set(&e, COMPLAINTS_EINVAL,
		    "method-not-allowed",
		    "%s is "
		    "not allowed here; allowed: %s",
		    method, allowed);
		return respond_error_allow(r, 405, &e, allowed);
	}
	if (r->route == NULL)
		return httpd_fail(r, 404, "not-found", "no such resource");
	if (check_access(r) == -1)
		return r->access_rc;
	if (r->who != NULL && !role_may(r))
		return httpd_fail(r, 403, "forbidden",
		    "a %s account may "
		    "not call this route",
		    complaints_role_name(r->who->role));
	if (r->route->body == BODY_NONE)
		return MHD_YES;
	return body_begin(r);
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct httpd *h = cls;
	struct req *r = *con_cls;
	enum MHD_Result rc;
	const char *why;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		r->h = h;
		r->conn = conn;
		if (!__atomic_exchange_n(&h->first, 1, __ATOMIC_RELAXED))
			log_debug("http: first request, served as uid %d",
			    (int)geteuid());
		route_metrics_begin(r, method);
		buf_init(&r->body, (size_t)h->conf->max_body);
		*con_cls = r;
		__atomic_add_fetch(&h->inflight, 1, __ATOMIC_RELAXED);
		guard_body(h->guard, conn);
		if ((why = guard_framing(conn)) != NULL) {
			/* Read as a proxy might not: answer and close. */
			r->close = 1;
			guard_served(h->guard, conn);
			return httpd_fail(r, 400, "bad-request",
			    "%s: not "
			    "accepted",
			    why);
		}
		/* Only an answer before the body is read is held. */
		r->hold = body_announced(r);
		rc = first_call(r, url, method);
		r->hold = 0;
		if (!r->responded)
			r->phase = PH_BODY;
		else if (r->held == NULL)
			guard_served(h->guard, conn);
		return rc;
	}
	if (r->phase == PH_WAIT)
		return write_answer(r);
	if (r->held != NULL) {
		/* Read and drop the body, then answer (struct req). */
		r->dropped += *upload_data_size;
		if (*upload_data_size > 0 && r->dropped <= drain_max(r)) {
			*upload_data_size = 0;
			return MHD_YES;
		}
		*upload_data_size = 0;
		return release_held(r);
	}
	if (r->responded) {
		/* Answered already (413, 415, 405): drop what follows. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (r->route->body == BODY_NONE) {
			/* Answered once the body is read. */
			r->unexpected_body = 1;
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (!r->too_large &&
		    buf_add(&r->body, upload_data, *upload_data_size) == -1) {
			r->too_large = 1;
			buf_free(&r->body);
		}
		if (r->too_large) {
			/*
			 * A body of unannounced length past the cap: read and
			 * drop a little more, so that a client that sends it
			 * all before reading still gets its 413; past four
			 * times the cap, answer at once and close.
			 */
			r->dropped += *upload_data_size;
			if (r->dropped > 4 * (size_t)r->h->conf->max_body) {
				*upload_data_size = 0;
				return too_large(r);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	guard_served(h->guard, conn);
	if (r->unexpected_body)
		return httpd_fail(
		    r, 400, "unexpected-body", "this request takes no body");
	if (r->too_large)
		return too_large(r);
	return r->route->fn(r);
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd *h = cls;
	struct req *r = *con_cls;

	(void)toe;
	guard_next(h->guard, conn);
	if (r == NULL)
		return;
	if (r->held != NULL)
		MHD_destroy_response(r->held);
	if (r->route != NULL &&
	    (r->route->body == BODY_FORM || r->route->body == BODY_PAGE ||
		r->route->body == BODY_UPLOAD) &&
	    r->body.data != NULL)
		sodium_memzero(r->body.data, r->body.len);
	if (r->page_free != NULL)
		r->page_free(r->page);
	buf_free(&r->body);
	complaints_call_free(r->call);
	free_values(r);
	free(r);
	*con_cls = NULL;
	__atomic_sub_fetch(&h->inflight, 1, __ATOMIC_RELAXED);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("http: %s", msg);
}

static void
free_pem(char *p)
{
	if (p != NULL) {
		sodium_memzero(p, strlen(p));
		free(p);
	}
}

/* A PEM file, at most 64 KiB; caller frees with free_pem. */
static char *
read_pem(const char *path, char *err, size_t errlen)
{
	char *p;

	if ((p = read_whole_file(path, 64 * 1024, NULL, err, errlen)) == NULL)
		return NULL;
	if (strstr(p, "-----BEGIN ") == NULL) {
		snprintf(err, errlen, "%s: not a PEM file", path);
		free_pem(p);
		return NULL;
	}
	return p;
}

/*
 * The listening socket, bound by the caller's user (root may bind below
 * 1024) before it drops.  SO_REUSEADDR lets a restart bind while the old
 * connections linger in TIME_WAIT; it never lets a second daemon listen
 * on the same port (that would be SO_REUSEPORT, which is not set).
 */
static int
listen_socket(const struct conf *conf, char *err, size_t errlen)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)conf->port);
	if (inet_pton(AF_INET, conf->listen, &sin.sin_addr) != 1) {
		snprintf(err, errlen, "listen: \"%s\" is not an IPv4 address",
		    conf->listen);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		snprintf(err, errlen, "cannot listen on %s:%lld: %s",
		    conf->listen, conf->port, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct httpd *
httpd_open(
    const struct conf *conf, struct complaints *cx, char *err, size_t errlen)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct httpd *h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->cx = cx;
	h->conf = conf;
	h->fd = -1;
	if ((h->lookups = limit_new(8192, (double)conf->lookup_burst,
		 (double)conf->lookup_rate / 60.0)) == NULL ||
	    (h->guard = guard_new(
		 (int)conf->header_timeout, (int)conf->body_timeout)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (conf->tls_cert[0] || conf->tls_key[0]) {
		if (!conf->tls_cert[0] || !conf->tls_key[0]) {
			snprintf(err, errlen,
			    "tls_cert and tls_key go "
			    "together");
			goto fail;
		}
		if ((h->tls_cert = read_pem(conf->tls_cert, err, errlen)) ==
			NULL ||
		    (h->tls_key = read_pem(conf->tls_key, err, errlen)) == NULL)
			goto fail;
	}
	if ((h->fd = listen_socket(conf, err, errlen)) == -1)
		goto fail;
	if (getsockname(h->fd, (struct sockaddr *)&sin, &slen) == -1) {
		snprintf(err, errlen, "getsockname: %s", strerror(errno));
		goto fail;
	}
	h->port = ntohs(sin.sin_port);
	return h;
fail:
	httpd_stop(h);
	return NULL;
}

void
httpd_set_complaints(struct httpd *h, struct complaints *cx)
{
	h->cx = cx;
}

int
httpd_serve(struct httpd *h, char *err, size_t errlen)
{
	const struct conf *conf = h->conf;
	struct MHD_OptionItem tls[4];
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG;

	memset(tls, 0, sizeof(tls));
	for (int i = 0; i < 4; i++)
		tls[i].option = MHD_OPTION_END;
	if (h->tls_cert) {
		tls[0].option = MHD_OPTION_HTTPS_MEM_CERT;
		tls[0].ptr_value = h->tls_cert;
		tls[1].option = MHD_OPTION_HTTPS_MEM_KEY;
		tls[1].ptr_value = h->tls_key;
		tls[2].option = MHD_OPTION_HTTPS_PRIORITIES;
		tls[2].ptr_value =
		    (void *)(uintptr_t) "SECURE192:+SECURE128:-VERS-ALL:+VERS-"
					"TLS1.3:+VERS-TLS1.2";
		flags |= MHD_USE_TLS;
	}
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, h,
	    MHD_OPTION_ARRAY, tls, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)h->fd,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)conf->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)conf->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)conf->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)conf->connection_timeout,
	    /* libmicrohttpd's default: its read buffer takes the whole
	     * pool, which it clears for every request (bodies are read
	     * in pieces, never whole, so a larger one buys nothing). */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
	    MHD_OPTION_NOTIFY_CONNECTION, guard_notify, h->guard,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (h->mhd == NULL) {
		snprintf(err, errlen, "cannot serve on %s:%u%s", conf->listen,
		    h->port,
		    h->tls_cert ? " with TLS (check the certificate "
				  "and the key)" :
				  "");
		return -1;
	}
	h->fd = -1; /* MHD's now */
	return 0;
}

uint16_t
httpd_port(struct httpd *h)
{
	return h->port;
}

int
httpd_drain(struct httpd *h, int grace)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int waited = 0;

	MHD_quiesce_daemon(h->mhd);
	while (__atomic_load_n(&h->inflight, __ATOMIC_RELAXED) > 0 &&
	    waited < grace * 20) {
		nanosleep(&ts, NULL);
		waited++;
	}
	return __atomic_load_n(&h->waiting, __ATOMIC_RELAXED);
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	guard_free(h->guard);
	if (h->fd != -1)
		close(h->fd);
	limit_free(h->lookups);
	free_pem(h->tls_cert);
	free_pem(h->tls_key);
	free(h);
}
