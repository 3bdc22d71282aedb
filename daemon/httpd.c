/*
 * httpd: requests, routes and responses.
 *
 * A registration is parsed in the connection's thread, then the
 * connection is suspended while the writer thread puts the entry on disk
 * with others in one commit; the writer resumes it and the talon is sent.
 * No thread waits on the disk but the writer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "complaints/complaints.h"
#include "daemon/conf.h"
#include "daemon/httpd.h"
#include "util/limit.h"
#include "util/util.h"
#include "web/web.h"

#define MAX_SEGMENTS	HTTPD_MAX_SEGMENTS

struct httpd {
	struct MHD_Daemon	*mhd;
	struct complaints	*cx;
	const struct conf	*conf;
	uint16_t		 port;
	int			 inflight;
	struct limit		*lookups;	/* per client address */
	char			*tls_cert, *tls_key;	/* PEM, while serving */
};

enum phase { PH_NEW, PH_BODY, PH_WAIT };

struct req {
	struct httpd		*h;
	struct MHD_Connection	*conn;
	const struct route	*route;
	char			 seg[MAX_SEGMENTS][64];
	int			 nseg;
	enum phase		 phase;
	struct buf		 body;
	int			 too_large;
	size_t			 dropped;	/* bytes past the cap */
	int			 unexpected_body;
	struct cx_reg		*reg;
	int			 finished;
	int			 responded;
	char			 client[48];
	enum MHD_Result		 access_rc;
	struct cx_actor		 actor;
	const struct cx_actor	*who;		/* NULL: not signed in */
};

typedef enum MHD_Result (*handler)(struct req *);

/* Who may call a route; the domain checks the body and the role. */
enum access {
	PUBLIC,		/* anyone */
	LIMITED,	/* anyone, within the per-address lookup limit */
	STAFF		/* a session or an API token */
};

struct route {
	const char	*method;
	const char	*pattern;	/* "*" matches one segment */
	handler		 fn;
	int		 takes_body;
	enum access	 access;
};

static enum MHD_Result h_health(struct req *);
static enum MHD_Result h_register(struct req *);
static enum MHD_Result h_status(struct req *);
static enum MHD_Result h_talon(struct req *);
static enum MHD_Result h_list(struct req *);
static enum MHD_Result h_record(struct req *);
static enum MHD_Result h_action(struct req *);
static enum MHD_Result h_journal(struct req *);
static enum MHD_Result h_verify(struct req *);
static enum MHD_Result h_dir_search(struct req *);
static enum MHD_Result h_dir_body(struct req *);
static enum MHD_Result h_sign_in(struct req *);
static enum MHD_Result h_me(struct req *);
static enum MHD_Result h_sign_out(struct req *);
static enum MHD_Result h_token_new(struct req *);
static enum MHD_Result h_token_list(struct req *);
static enum MHD_Result h_token_revoke(struct req *);
static enum MHD_Result h_users(struct req *);
static enum MHD_Result h_user_add(struct req *);
static enum MHD_Result h_user_disable(struct req *);
static enum MHD_Result h_user_password(struct req *);
static enum MHD_Result h_notifications(struct req *);
static enum MHD_Result h_nt_resend(struct req *);
static enum MHD_Result h_nt_to_post(struct req *);
static enum MHD_Result h_nt_letter(struct req *);
static enum MHD_Result h_nt_posted(struct req *);
static enum MHD_Result h_post_register(struct req *);
static enum MHD_Result h_slip(struct req *);
/* The citizens' status page (web/). */
static enum MHD_Result h_page_form(struct req *);
static enum MHD_Result h_page_status(struct req *);
static enum MHD_Result h_page_post(struct req *);
static enum MHD_Result h_page_css(struct req *);

/*
 * Every route with who may call it.  tests/integration/test_access.py
 * holds the expected answer of every route for every role, so a route
 * added here without a rule there fails the tests.
 */
static const struct route routes[] = {
	{ "GET", "/healthz", h_health, 0, PUBLIC },
	{ "POST", "/api/v1/complaints", h_register, 1, STAFF },
	{ "GET", "/api/v1/complaints", h_list, 0, STAFF },
	{ "GET", "/api/v1/complaints/*", h_record, 0, STAFF },
	{ "POST", "/api/v1/complaints/*/actions", h_action, 1, STAFF },
	{ "GET", "/api/v1/talons/*", h_status, 0, LIMITED },
	{ "GET", "/api/v1/talons/*/talon", h_talon, 0, STAFF },
	{ "GET", "/api/v1/journal", h_journal, 0, STAFF },
	{ "GET", "/api/v1/verify", h_verify, 0, STAFF },
	{ "GET", "/api/v1/directory", h_dir_search, 0, PUBLIC },
	{ "GET", "/api/v1/directory/*", h_dir_body, 0, PUBLIC },
	{ "POST", "/api/v1/session", h_sign_in, 1, PUBLIC },
	{ "GET", "/api/v1/session", h_me, 0, STAFF },
	{ "DELETE", "/api/v1/session", h_sign_out, 0, STAFF },
	{ "POST", "/api/v1/tokens", h_token_new, 1, STAFF },
	{ "GET", "/api/v1/tokens", h_token_list, 0, STAFF },
	{ "DELETE", "/api/v1/tokens/*", h_token_revoke, 0, STAFF },
	{ "GET", "/api/v1/users", h_users, 0, STAFF },
	{ "POST", "/api/v1/users", h_user_add, 1, STAFF },
	{ "POST", "/api/v1/users/*/disable", h_user_disable, 0, STAFF },
	{ "POST", "/api/v1/users/*/password", h_user_password, 1, STAFF },
	{ "GET", "/api/v1/notifications", h_notifications, 0, STAFF },
	{ "POST", "/api/v1/notifications/*/resend", h_nt_resend, 0, STAFF },
	{ "POST", "/api/v1/notifications/*/to-post", h_nt_to_post, 0, STAFF },
	{ "GET", "/api/v1/notifications/*/letter", h_nt_letter, 0, STAFF },
	{ "POST", "/api/v1/notifications/*/posted", h_nt_posted, 0, STAFF },
	{ "GET", "/api/v1/post/register", h_post_register, 0, STAFF },
	{ "GET", "/api/v1/talons/*/slip", h_slip, 0, STAFF },
	{ "GET", "/status", h_page_form, 0, PUBLIC },
	{ "GET", "/status/*", h_page_status, 0, LIMITED },
	{ "POST", "/status", h_page_post, 1, LIMITED },
	{ "GET", "/status.css", h_page_css, 0, PUBLIC },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

static enum MHD_Result
respond(struct req *r, unsigned status, const char *type, const char *data,
    size_t len)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;

	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	r->responded = 1;
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
respond_xml(struct req *r, unsigned status, struct buf *b)
{
	return respond(r, status, "application/xml; charset=utf-8", b->data,
	    b->len);
}

static enum MHD_Result
respond_error(struct req *r, const struct cx_error *e)
{
	struct buf b;
	enum MHD_Result rc;

	struct MHD_Response *resp;
	char ra[16];

	buf_init(&b, 64 * 1024);
	if (complaints_error_xml(e, &b) == -1) {
		buf_free(&b);
		return respond(r, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	}
	if (e->status >= 500)
		log_warnx("http: %s: %s", e->code, e->message);
	resp = MHD_create_response_from_buffer(b.len, b.data,
	    MHD_RESPMEM_MUST_COPY);
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	r->responded = 1;
	MHD_add_response_header(resp, "Content-Type",
	    "application/xml; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (e->status == 401)
		MHD_add_response_header(resp, "WWW-Authenticate",
		    "Bearer realm=\"complaintsd\"");
	if (e->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", e->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	rc = MHD_queue_response(r->conn, (unsigned)e->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
fail(struct req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum MHD_Result
fail(struct req *r, int status, const char *code, const char *fmt, ...)
{
	struct cx_error e;
	va_list ap;

	e.status = status;
	e.retry_after = 0;
	strlcpy_chk(e.code, code, sizeof(e.code));
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	utf8_trim(e.message);
	return respond_error(r, &e);
}

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
	for (size_t i = 0; i < NROUTES; i++) {
		if (!match(routes[i].pattern, seg, nseg))
			continue;
		if (strcmp(routes[i].method, method) == 0)
			return &routes[i];
		if (strcmp(method, "HEAD") == 0 &&
		    strcmp(routes[i].method, "GET") == 0)
			return &routes[i];
		n += (size_t)snprintf(allowed + n, alen - n, "%s%s",
		    n ? ", " : "", routes[i].method);
		if (n >= alen)
			n = alen - 1;
	}
	return NULL;
}

int
httpd_route_match(const char *method, const char *url,
    char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN], int *nseg,
    char *allowed, size_t alen)
{
	const struct route *rt;

	allowed[0] = '\0';
	if (split(url, seg, nseg) == -1)
		return -1;
	rt = route_find(method, seg, *nseg, allowed, alen);
	return rt != NULL ? (int)(rt - routes) : -1;
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
			if (strncasecmp(q, "utf-8", 5) != 0 || (q[5] != '\0' &&
			    q[5] != ';' && q[5] != ' ' && q[5] != '"'))
				return 0;
		}
	}
	return 1;
}

static enum MHD_Result
h_health(struct req *r)
{
	return respond(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

static void
register_done(void *arg)
{
	struct req *r = arg;

	__atomic_store_n(&r->finished, 1, __ATOMIC_RELEASE);
	MHD_resume_connection(r->conn);
}

static enum MHD_Result
h_register(struct req *r)
{
	struct cx_error e;
	struct buf b;
	enum MHD_Result rc;

	if (r->phase == PH_WAIT) {
		if (!__atomic_load_n(&r->finished, __ATOMIC_ACQUIRE))
			return MHD_YES;
		buf_init(&b, 64 * 1024);
		if (complaints_register_result(r->h->cx, r->reg, &b, &e) == -1)
			rc = respond_error(r, &e);
		else
			rc = respond_xml(r, 201, &b);
		buf_free(&b);
		return rc;
	}
	if (r->too_large)
		return fail(r, 413, "body-too-large", "the document is larger "
		    "than %lld bytes", r->h->conf->max_body);
	r->reg = complaints_register_begin(r->h->cx, r->who, r->body.data ?
	    r->body.data : "", r->body.len, &e);
	if (r->reg == NULL)
		return respond_error(r, &e);
	r->phase = PH_WAIT;
	MHD_suspend_connection(r->conn);
	if (complaints_register_submit(r->h->cx, r->reg, register_done, r,
	    &e) == -1) {
		MHD_resume_connection(r->conn);
		r->phase = PH_BODY;
		return respond_error(r, &e);
	}
	return MHD_YES;
}

static const char *
arg(struct req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn,
	    MHD_GET_ARGUMENT_KIND, name);

	return v && *v ? v : NULL;
}

/* Answers with the document a domain call wrote, or its error. */
static enum MHD_Result
answer(struct req *r, int rc, unsigned status, struct buf *b,
    const struct cx_error *e)
{
	enum MHD_Result mrc;

	mrc = rc == -1 ? respond_error(r, e) : respond_xml(r, status, b);
	buf_free(b);
	return mrc;
}

static enum MHD_Result
h_status(struct req *r)
{
	struct cx_error e;
	struct buf b;

	buf_init(&b, 64 * 1024);
	return answer(r, complaints_status(r->h->cx, r->seg[3], arg(r, "code"),
	    &b, &e), 200, &b, &e);
}

static int
arg_ll(struct req *r, const char *name, long long lo, long long hi,
    long long *v, struct cx_error *e)
{
	const char *s = arg(r, name);

	if (s == NULL)
		return 0;
	if (parse_ll(s, lo, hi, v) == -1) {
		cx_error_set(e, 400, "bad-parameter", "%s: a number from %lld "
		    "to %lld", name, lo, hi);
		return -1;
	}
	return 1;
}

static int
arg_date(struct req *r, const char *name, int64_t *t, struct cx_error *e)
{
	const char *s = arg(r, name);
	struct date d;

	if (s == NULL)
		return 0;
	if (date_parse(s, &d) == -1) {
		cx_error_set(e, 400, "bad-parameter", "%s: a date such as "
		    "2026-11-26", name);
		return -1;
	}
	/* Midnight in Almaty's zone (UTC+5). */
	*t = date_to_days(d) * 86400LL - 5 * 3600;
	return 1;
}

static enum MHD_Result
h_list(struct req *r)
{
	struct cx_list_query q;
	struct cx_error e;
	struct buf b;
	long long v;
	int rc;

	memset(&q, 0, sizeof(q));
	q.overdue = -1;
	q.body = arg(r, "body");
	q.state = arg(r, "state");
	if ((rc = arg_ll(r, "service", 1, 11, &v, &e)) == -1)
		return respond_error(r, &e);
	if (rc)
		q.service = (int)v;
	if ((rc = arg_ll(r, "overdue", 0, 1, &v, &e)) == -1)
		return respond_error(r, &e);
	if (rc)
		q.overdue = (int)v;
	if ((rc = arg_ll(r, "after", 0, INT64_MAX, &v, &e)) == -1)
		return respond_error(r, &e);
	if (rc)
		q.after = v;
	if ((rc = arg_ll(r, "limit", 1, 500, &v, &e)) == -1)
		return respond_error(r, &e);
	if (rc)
		q.limit = (int)v;
	if (arg_date(r, "from", &q.from, &e) == -1 ||
	    arg_date(r, "to", &q.to, &e) == -1)
		return respond_error(r, &e);
	if (q.to)
		q.to += 86400;	/* to the end of that day */
	buf_init(&b, 4 * 1024 * 1024);
	return answer(r, complaints_list(r->h->cx, r->who, &q, &b, &e), 200,
	    &b, &e);
}

static enum MHD_Result
h_record(struct req *r)
{
	struct cx_error e;
	struct buf b;

	buf_init(&b, 8 * 1024 * 1024);
	return answer(r, complaints_get(r->h->cx, r->who, r->seg[3], &b, NULL,
	    &e), 200, &b, &e);
}

static enum MHD_Result
h_action(struct req *r)
{
	struct cx_error e;
	struct buf b;

	if (r->too_large)
		return fail(r, 413, "body-too-large", "the document is larger "
		    "than %lld bytes", r->h->conf->max_body);
	buf_init(&b, 64 * 1024);
	return answer(r, complaints_act(r->h->cx, r->who, r->seg[3],
	    r->body.data ?
	    r->body.data : "", r->body.len, &b, &e), 200, &b, &e);
}

static enum MHD_Result
h_verify(struct req *r)
{
	struct cx_error e;
	struct buf b;
	int ok;

	buf_init(&b, 64 * 1024);
	return answer(r, complaints_verify(r->h->cx, r->who, &b, &ok, &e), 200,
	    &b, &e);
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

static enum MHD_Result
h_journal(struct req *r)
{
	struct MHD_Response *resp;
	struct cx_journal *j;
	struct cx_error e;
	const char *accept, *fmt = arg(r, "format");
	enum MHD_Result rc;
	long long year = 0;
	int csv;

	accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);
	csv = (fmt && strcmp(fmt, "csv") == 0) ||
	    (accept && strstr(accept, "text/csv") != NULL);
	if (arg(r, "body") == NULL)
		return fail(r, 400, "bad-parameter", "body: the code of the "
		    "body whose journal to export");
	if (arg_ll(r, "year", 1990, 9999, &year, &e) != 1)
		return fail(r, 400, "bad-parameter", "year: such as 2026");
	if ((j = complaints_journal_open(r->h->cx, r->who, arg(r, "body"),
	    (int)year, csv, &e)) == NULL)
		return respond_error(r, &e);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024,
	    journal_reader, j, journal_free);
	if (resp == NULL) {
		complaints_journal_close(j);
		return MHD_NO;
	}
	r->responded = 1;
	MHD_add_response_header(resp, "Content-Type", csv ?
	    "text/csv; charset=utf-8" : "application/xml; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

static enum MHD_Result
h_dir_search(struct req *r)
{
	struct cx_error e;
	struct buf b;
	long long limit = 20;

	if (arg(r, "q") == NULL)
		return fail(r, 400, "bad-parameter", "q: the text to find");
	if (arg_ll(r, "limit", 1, 200, &limit, &e) == -1)
		return respond_error(r, &e);
	buf_init(&b, 4 * 1024 * 1024);
	return answer(r, complaints_directory_search(r->h->cx, arg(r, "q"),
	    (int)limit, &b, &e), 200, &b, &e);
}

static enum MHD_Result
h_dir_body(struct req *r)
{
	struct cx_error e;
	struct buf b;

	buf_init(&b, 256 * 1024);
	return answer(r, complaints_directory_body(r->h->cx, r->seg[3], &b,
	    &e), 200, &b, &e);
}

static enum MHD_Result
h_talon(struct req *r)
{
	struct cx_error e;
	struct buf b;
	enum MHD_Result rc;

	buf_init(&b, 64 * 1024);
	if (complaints_talon(r->h->cx, r->who, r->seg[3], &b, &e) == -1)
		rc = respond_error(r, &e);
	else
		rc = respond_xml(r, 200, &b);
	buf_free(&b);
	return rc;
}

/* --- The citizens' status page (web/) --------------------------------
 *
 * HTML for people, beside the XML API: the form (GET /status), a talon's
 * status (GET /status/{number}, and POST /status with the number and
 * the access code in the body, never in the URL), and the stylesheet.
 * The page has no script and no inline style, so the policy below can
 * forbid both.
 */

#define PAGE_CAP	(256 * 1024)	/* a rendered page */
#define FORM_MAX	4096		/* a POSTed form */

static const char page_csp[] = "default-src 'none'; style-src 'self'; "
    "img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'";

static int
page_route(const struct route *rt)
{
	return rt != NULL && (rt->fn == h_page_form ||
	    rt->fn == h_page_status || rt->fn == h_page_post);
}

static enum web_lang
page_lang(struct req *r, const char *param)
{
	return web_lang_pick(param, MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
}

/* Renders the page and answers with it and its headers. */
static enum MHD_Result
page_answer(struct req *r, unsigned status, const struct web_page *p)
{
	struct MHD_Response *resp;
	struct buf b;
	char ra[16];
	enum MHD_Result rc;

	buf_init(&b, PAGE_CAP);
	if (web_render(p, &b) == -1) {
		buf_free(&b);
		log_warnx("http: status page: cannot render the page");
		return respond(r, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	}
	resp = MHD_create_response_from_buffer(b.len, b.data,
	    MHD_RESPMEM_MUST_COPY);
	buf_free(&b);
	if (resp == NULL)
		return MHD_NO;
	r->responded = 1;
	MHD_add_response_header(resp, "Content-Type",
	    "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Content-Language",
	    web_lang_code(p->lang));
	MHD_add_response_header(resp, "Vary", "Accept-Language");
	MHD_add_response_header(resp, "Content-Security-Policy", page_csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (p->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%d", p->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* The status of a number (and code), or the page of its error. */
static enum MHD_Result
page_lookup(struct req *r, enum web_lang lang, const char *number,
    const char *code)
{
	struct web_page p;
	struct cx_status st;
	struct cx_error e;
	unsigned status = 200;

	memset(&p, 0, sizeof(p));
	p.lang = lang;
	p.number = number;
	p.code_given = code != NULL;
	if (complaints_status_info(r->h->cx, number, code, &st, &e) == 0)
		p.st = &st;
	else {
		if (e.status >= 500)
			log_warnx("http: status page: %s: %s", e.code,
			    e.message);
		p.error = e.code;
		p.retry_after = e.retry_after;
		status = (unsigned)e.status;
	}
	return page_answer(r, status, &p);
}

/* 429 as a page, from check_access, before any body is read. */
static enum MHD_Result
page_too_many(struct req *r, int wait)
{
	struct web_page p;

	memset(&p, 0, sizeof(p));
	p.lang = page_lang(r, arg(r, "lang"));
	p.number = r->route->fn == h_page_status ? r->seg[1] : NULL;
	p.error = "too-many-lookups";
	p.retry_after = wait;
	return page_answer(r, 429, &p);
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

/* The form's first call (from first_call): its type and a small cap. */
static enum MHD_Result
page_form_begin(struct req *r, const char *ct)
{
	const char *cl;
	long long len;

	if (!form_content_type(ct))
		return fail(r, 415, "unsupported-media-type", "send the form "
		    "as application/x-www-form-urlencoded");
	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && (parse_ll(cl, 0, INT64_MAX, &len) == -1 ||
	    len > FORM_MAX))
		return fail(r, 413, "body-too-large", "the form is larger "
		    "than %d bytes", FORM_MAX);
	buf_free(&r->body);
	buf_init(&r->body, FORM_MAX);
	return MHD_YES;
}

struct form {
	char	number[WEB_FIELD_MAX + 1];
	char	code[WEB_FIELD_MAX + 1];
	char	lang[8];
	int	too_long;
};

static enum MHD_Result
form_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct form *f = cls;
	char *dst;
	size_t cap;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	if (strcmp(key, "number") == 0) {
		dst = f->number;
		cap = sizeof(f->number);
	} else if (strcmp(key, "code") == 0) {
		dst = f->code;
		cap = sizeof(f->code);
	} else if (strcmp(key, "lang") == 0) {
		dst = f->lang;
		cap = sizeof(f->lang);
	} else
		return MHD_YES;		/* not ours: ignored */
	if (off >= cap - 1 || size > cap - 1 - off) {
		/* Keep what fits, for the page to show. */
		if (off < cap - 1) {
			memcpy(dst + off, data, cap - 1 - off);
			dst[cap - 1] = '\0';
		}
		f->too_long = dst != f->lang;
		return MHD_YES;
	}
	memcpy(dst + off, data, size);
	dst[off + size] = '\0';
	return MHD_YES;
}

/* Whether s is empty but for spaces. */
static int
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

static enum MHD_Result
h_page_post(struct req *r)
{
	struct MHD_PostProcessor *pp;
	struct web_page p;
	struct form f;
	enum web_lang lang;
	enum MHD_Result rc;
	int ok;

	if (r->too_large)
		return fail(r, 413, "body-too-large", "the form is larger "
		    "than %d bytes", FORM_MAX);
	memset(&f, 0, sizeof(f));
	pp = MHD_create_post_processor(r->conn, 1024, form_field, &f);
	if (pp == NULL)
		return fail(r, 415, "unsupported-media-type", "send the form "
		    "as application/x-www-form-urlencoded");
	ok = MHD_post_process(pp, r->body.data ? r->body.data : "",
	    r->body.len) == MHD_YES;
	/* The last field is handed over when the processor ends. */
	if (MHD_destroy_post_processor(pp) != MHD_YES)
		ok = 0;
	if (r->body.data != NULL)
		sodium_memzero(r->body.data, r->body.len);
	lang = page_lang(r, f.lang[0] ? f.lang : NULL);
	memset(&p, 0, sizeof(p));
	p.lang = lang;
	p.number = f.number;
	if (!ok || f.too_long) {
		p.error = "malformed-talon-number";
		rc = page_answer(r, 400, &p);
	} else if (blank(f.number)) {
		p.error = "missing-talon-number";
		rc = page_answer(r, 400, &p);
	} else
		rc = page_lookup(r, lang, f.number, blank(f.code) ? NULL :
		    f.code);
	sodium_memzero(&f, sizeof(f));
	return rc;
}

static enum MHD_Result
h_page_form(struct req *r)
{
	struct web_page p;

	memset(&p, 0, sizeof(p));
	p.lang = page_lang(r, arg(r, "lang"));
	return page_answer(r, 200, &p);
}

static enum MHD_Result
h_page_status(struct req *r)
{
	/* No code here: it would stay in logs and in the history. */
	return page_lookup(r, page_lang(r, arg(r, "lang")), r->seg[1], NULL);
}

static enum MHD_Result
h_page_css(struct req *r)
{
	struct MHD_Response *resp;
	enum MHD_Result rc;
	const char *css;
	size_t len;

	css = web_css(&len);
	resp = MHD_create_response_from_buffer(len, (void *)(uintptr_t)css,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	r->responded = 1;
	MHD_add_response_header(resp, "Content-Type",
	    "text/css; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "public, max-age=3600");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	rc = MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* --- End of the status page ------------------------------------------ */

static void
client_address(struct req *r)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	strlcpy_chk(r->client, "-", sizeof(r->client));
	ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, r->client, sizeof(r->client));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, r->client,
		    sizeof(r->client));
}

/*
 * Who is calling, checked before any body is read: the lookup limit per
 * address for LIMITED routes, a valid token for STAFF ones.  -1 when the
 * request was answered (r->access_rc).
 */
static int
check_access(struct req *r)
{
	struct cx_error e;
	const char *auth;
	int wait;

	client_address(r);
	if (r->route->access == LIMITED &&
	    (wait = limit_take(r->h->lookups, r->client, time(NULL))) > 0) {
		if (page_route(r->route)) {
			r->access_rc = page_too_many(r, wait);
			return -1;
		}
		cx_error_set(&e, 429, "too-many-lookups", "too many lookups "
		    "from your address; try again in %d s", wait);
		e.retry_after = wait;
		r->access_rc = respond_error(r, &e);
		return -1;
	}
	if (r->route->access != STAFF)
		return 0;
	auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0)
		auth += 7;
	else
		auth = NULL;
	if (complaints_authenticate(r->h->cx, auth, &r->actor, &e) == -1) {
		r->access_rc = respond_error(r, &e);
		return -1;
	}
	r->who = &r->actor;
	return 0;
}

/* --- Notifications and the post --- */

static enum MHD_Result
h_notifications(struct req *r)
{
	struct cx_error e;
	struct buf b;
	long long after = 0, limit = 100;

	if (arg_ll(r, "after", 0, INT64_MAX, &after, &e) == -1 ||
	    arg_ll(r, "limit", 1, 500, &limit, &e) == -1)
		return respond_error(r, &e);
	buf_init(&b, 4 * 1024 * 1024);
	return answer(r, complaints_notifications(r->h->cx, r->who,
	    arg(r, "state"), arg(r, "body"), after, (int)limit, &b, &e), 200,
	    &b, &e);
}

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
nt_reset(struct req *r, int to_post)
{
	struct cx_error e;
	int64_t id;

	if (nt_id(r, &id) == -1)
		return fail(r, 404, "no-such-notification", "no notification "
		    "%s", r->seg[3]);
	if (complaints_notification_reset(r->h->cx, r->who, id, to_post,
	    &e) == -1)
		return respond_error(r, &e);
	return respond(r, 204, "text/plain", "", 0);
}

static enum MHD_Result
h_nt_resend(struct req *r)
{
	return nt_reset(r, 0);
}

static enum MHD_Result
h_nt_to_post(struct req *r)
{
	return nt_reset(r, 1);
}

static enum MHD_Result
h_nt_posted(struct req *r)
{
	struct cx_error e;
	const char *tracking = arg(r, "tracking");
	int64_t id;

	if (nt_id(r, &id) == -1)
		return fail(r, 404, "no-such-notification", "no notification "
		    "%s", r->seg[3]);
	if (tracking && strlen(tracking) > 64)
		return fail(r, 400, "bad-parameter", "tracking: at most 64 "
		    "characters");
	if (complaints_post_sent(r->h->cx, r->who, id, tracking, &e) == -1)
		return respond_error(r, &e);
	return respond(r, 204, "text/plain", "", 0);
}

/* A PDF, CSV or text answer from a domain call. */
static enum MHD_Result
answer_as(struct req *r, int rc, const char *type, struct buf *b,
    const struct cx_error *e)
{
	enum MHD_Result mrc;

	mrc = rc == -1 ? respond_error(r, e) : respond(r, 200, type,
	    b->data ? b->data : "", b->len);
	buf_free(b);
	return mrc;
}

static enum MHD_Result
h_nt_letter(struct req *r)
{
	struct cx_error e;
	struct buf b;
	int64_t id;

	if (nt_id(r, &id) == -1)
		return fail(r, 404, "no-such-notification", "no notification "
		    "%s", r->seg[3]);
	buf_init(&b, 8 * 1024 * 1024);
	return answer_as(r, complaints_notification_letter(r->h->cx, r->who,
	    id, &b, &e), "application/pdf", &b, &e);
}

static int
wants(struct req *r, const char *format, const char *type)
{
	const char *f = arg(r, "format"), *acc;

	if (f != NULL)
		return strcmp(f, format) == 0;
	acc = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);
	return acc != NULL && strstr(acc, type) != NULL;
}

static enum MHD_Result
h_post_register(struct req *r)
{
	struct cx_error e;
	struct buf b;
	int csv = wants(r, "csv", "text/csv");

	buf_init(&b, 8 * 1024 * 1024);
	return answer_as(r, complaints_post_register(r->h->cx, r->who,
	    arg(r, "body"), arg(r, "date"), csv, &b, &e), csv ?
	    "text/csv; charset=utf-8" : "application/pdf", &b, &e);
}

static enum MHD_Result
h_slip(struct req *r)
{
	struct cx_error e;
	struct buf b;
	int text = wants(r, "text", "text/plain");

	buf_init(&b, 4 * 1024 * 1024);
	return answer_as(r, complaints_talon_slip(r->h->cx, r->who, r->seg[3],
	    arg(r, "code"), text, arg(r, "lang"), &b, &e), text ?
	    "text/plain; charset=utf-8" : "application/pdf", &b, &e);
}

/* Reads a small document of the request into values; -1 answered. */
static int
read_doc(struct req *r, const char *name, const char *const names[],
    char *values[], int n, enum MHD_Result *rc)
{
	struct cx_error e;

	if (r->too_large) {
		*rc = fail(r, 413, "body-too-large", "the document is too "
		    "large");
		return -1;
	}
	if (complaints_read_doc(r->h->cx, name, r->body.data ? r->body.data :
	    "", r->body.len, names, values, n, &e) == -1) {
		*rc = respond_error(r, &e);
		return -1;
	}
	return 0;
}

static void
free_values(char *v[], int n)
{
	for (int i = 0; i < n; i++) {
		if (v[i])
			sodium_memzero(v[i], strlen(v[i]));
		free(v[i]);
	}
}

static enum MHD_Result
h_sign_in(struct req *r)
{
	static const char *const names[] = { "login", "password" };
	char *v[2];
	struct cx_error e;
	struct buf b;
	enum MHD_Result rc;

	if (read_doc(r, "sign-in", names, v, 2, &rc) == -1)
		return rc;
	buf_init(&b, 16 * 1024);
	rc = answer(r, complaints_sign_in(r->h->cx, v[0], v[1], r->client, &b,
	    &e), 201, &b, &e);
	free_values(v, 2);
	return rc;
}

static enum MHD_Result
h_me(struct req *r)
{
	struct cx_error e;
	struct buf b;

	buf_init(&b, 16 * 1024);
	return answer(r, complaints_whoami(r->who, &b, &e), 200, &b, &e);
}

static enum MHD_Result
h_sign_out(struct req *r)
{
	struct cx_error e;

	if (complaints_sign_out(r->h->cx, r->who, &e) == -1)
		return respond_error(r, &e);
	return respond(r, 204, "text/plain", "", 0);
}

static enum MHD_Result
h_token_new(struct req *r)
{
	static const char *const names[] = { "label", "days" };
	char *v[2];
	struct cx_error e;
	struct buf b;
	long long days = 0;
	enum MHD_Result rc;

	if (read_doc(r, "token-request", names, v, 2, &rc) == -1)
		return rc;
	if (v[1])
		parse_ll(v[1], 1, 3650, &days);
	buf_init(&b, 16 * 1024);
	rc = answer(r, complaints_token_create(r->h->cx, r->who, v[0],
	    (int)days, &b, &e), 201, &b, &e);
	free_values(v, 2);
	return rc;
}

static enum MHD_Result
h_token_list(struct req *r)
{
	struct cx_error e;
	struct buf b;

	buf_init(&b, 256 * 1024);
	return answer(r, complaints_token_list(r->h->cx, r->who, &b, &e), 200,
	    &b, &e);
}

static enum MHD_Result
h_token_revoke(struct req *r)
{
	struct cx_error e;
	long long id;

	if (parse_ll(r->seg[3], 1, INT64_MAX, &id) == -1)
		return fail(r, 404, "no-such-token", "no token %s", r->seg[3]);
	if (complaints_token_revoke(r->h->cx, r->who, id, &e) == -1)
		return respond_error(r, &e);
	return respond(r, 204, "text/plain", "", 0);
}

static enum MHD_Result
h_users(struct req *r)
{
	struct cx_error e;
	struct buf b;

	if (r->who->role != CX_ROLE_ADMIN)
		return fail(r, 403, "forbidden", "only an administrator lists "
		    "accounts");
	buf_init(&b, 4 * 1024 * 1024);
	return answer(r, complaints_staff_list(r->h->cx, &b, &e), 200, &b, &e);
}

static enum MHD_Result
h_user_add(struct req *r)
{
	static const char *const names[] = { "login", "name", "position",
	    "body", "role", "password" };
	char *v[6];
	struct cx_error e;
	enum MHD_Result rc;

	if (r->who->role != CX_ROLE_ADMIN)
		return fail(r, 403, "forbidden", "only an administrator opens "
		    "accounts");
	if (read_doc(r, "account", names, v, 6, &rc) == -1)
		return rc;
	if (complaints_staff_add(r->h->cx, r->who, v[0], v[1], v[2], v[3],
	    v[4], v[5], &e) == -1)
		rc = respond_error(r, &e);
	else
		rc = respond(r, 201, "text/plain", "", 0);
	free_values(v, 6);
	return rc;
}

static enum MHD_Result
h_user_disable(struct req *r)
{
	struct cx_error e;

	if (complaints_staff_disable(r->h->cx, r->who, r->seg[3], &e) == -1)
		return respond_error(r, &e);
	return respond(r, 204, "text/plain", "", 0);
}

static enum MHD_Result
h_user_password(struct req *r)
{
	static const char *const names[] = { "password" };
	char *v[1];
	struct cx_error e;
	enum MHD_Result rc;

	if (read_doc(r, "password-change", names, v, 1, &rc) == -1)
		return rc;
	if (complaints_staff_passwd(r->h->cx, r->who, r->seg[3], v[0],
	    &e) == -1)
		rc = respond_error(r, &e);
	else
		rc = respond(r, 204, "text/plain", "", 0);
	free_values(v, 1);
	return rc;
}

static enum MHD_Result
count_length(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	int *n = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		(*n)++;
	return MHD_YES;
}

static enum MHD_Result
first_call(struct req *r, const char *url, const char *method)
{
	int nlen = 0;
	char allowed[128];
	const char *cl, *ct;
	long long len;
	int i;

	i = httpd_route_match(method, url, r->seg, &r->nseg, allowed,
	    sizeof(allowed));
	r->route = i >= 0 ? &routes[i] : NULL;
	if (r->route == NULL && allowed[0]) {
		struct cx_error e;
		struct MHD_Response *resp;
		struct buf b;
		enum MHD_Result rc;

		cx_error_set(&e, 405, "method-not-allowed", "%s is not "
		    "allowed here; allowed: %s", method, allowed);
		buf_init(&b, 4096);
		complaints_error_xml(&e, &b);
		resp = MHD_create_response_from_buffer(b.len, b.data,
		    MHD_RESPMEM_MUST_COPY);
		buf_free(&b);
		if (resp == NULL)
			return MHD_NO;
		r->responded = 1;
		MHD_add_response_header(resp, "Allow", allowed);
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		MHD_add_response_header(resp, "X-Content-Type-Options",
		    "nosniff");
		MHD_add_response_header(resp, "Content-Type",
		    "application/xml; charset=utf-8");
		rc = MHD_queue_response(r->conn, 405, resp);
		MHD_destroy_response(resp);
		return rc;
	}
	if (r->route == NULL)
		return fail(r, 404, "not-found", "no such resource");
	if (check_access(r) == -1)
		return r->access_rc;
	if (!r->route->takes_body)
		return MHD_YES;
	/* Two lengths are how requests are smuggled past proxies. */
	if (MHD_get_connection_values(r->conn, MHD_HEADER_KIND, count_length,
	    &nlen) >= 0 && nlen > 1)
		return fail(r, 400, "bad-request", "more than one "
		    "Content-Length");
	ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	if (page_route(r->route))
		return page_form_begin(r, ct);
	if (!xml_content_type(ct))
		return fail(r, 415, "unsupported-media-type", "send the "
		    "document as application/xml in UTF-8");
	cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && (parse_ll(cl, 0, INT64_MAX, &len) == -1 ||
	    len > r->h->conf->max_body))
		return fail(r, 413, "body-too-large", "the document is larger "
		    "than %lld bytes", r->h->conf->max_body);
	return MHD_YES;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct httpd *h = cls;
	struct req *r = *con_cls;
	enum MHD_Result rc;

	(void)version;
	if (r == NULL) {
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return MHD_NO;
		r->h = h;
		r->conn = conn;
		buf_init(&r->body, (size_t)h->conf->max_body);
		*con_cls = r;
		__atomic_add_fetch(&h->inflight, 1, __ATOMIC_RELAXED);
		rc = first_call(r, url, method);
		if (!r->responded)
			r->phase = PH_BODY;
		return rc;
	}
	if (r->responded && r->phase != PH_WAIT) {
		/* Answered already (413, 415, 405): drop what follows. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!r->route->takes_body) {
			/* Answered once the body is read. */
			r->unexpected_body = 1;
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (!r->too_large && buf_add(&r->body, upload_data,
		    *upload_data_size) == -1) {
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
				return fail(r, 413, "body-too-large", "the "
				    "document is larger than %lld bytes",
				    r->h->conf->max_body);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->unexpected_body)
		return fail(r, 400, "unexpected-body",
		    "this request takes no body");
	return r->route->fn(r);
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd *h = cls;
	struct req *r = *con_cls;

	(void)conn;
	(void)toe;
	if (r == NULL)
		return;
	buf_free(&r->body);
	complaints_register_free(r->reg);
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


struct httpd *
httpd_start(const struct conf *conf, struct complaints *cx, char *err,
    size_t errlen)
{
	struct sockaddr_in sin;
	const union MHD_DaemonInfo *info;
	struct httpd *h;
	struct MHD_OptionItem tls[4];
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_ERROR_LOG;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->cx = cx;
	h->conf = conf;
	memset(tls, 0, sizeof(tls));
	for (int i = 0; i < 4; i++)
		tls[i].option = MHD_OPTION_END;
	if ((h->lookups = limit_new(8192, (double)conf->lookup_burst,
	    (double)conf->lookup_rate / 60.0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)conf->port);
	if (inet_pton(AF_INET, conf->listen, &sin.sin_addr) != 1) {
		snprintf(err, errlen, "listen: \"%s\" is not an IPv4 address",
		    conf->listen);
		goto fail;
	}
	if (conf->tls_cert[0] || conf->tls_key[0]) {
		if (!conf->tls_cert[0] || !conf->tls_key[0]) {
			snprintf(err, errlen, "tls_cert and tls_key go "
			    "together");
			goto fail;
		}
		if ((h->tls_cert = read_pem(conf->tls_cert, err,
		    errlen)) == NULL || (h->tls_key = read_pem(conf->tls_key,
		    err, errlen)) == NULL)
			goto fail;
		tls[0].option = MHD_OPTION_HTTPS_MEM_CERT;
		tls[0].ptr_value = h->tls_cert;
		tls[1].option = MHD_OPTION_HTTPS_MEM_KEY;
		tls[1].ptr_value = h->tls_key;
		tls[2].option = MHD_OPTION_HTTPS_PRIORITIES;
		tls[2].ptr_value = (void *)(uintptr_t)
		    "SECURE192:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
		flags |= MHD_USE_TLS;
	}
	h->mhd = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, h,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_SOCK_ADDR, &sin,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)conf->threads,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)conf->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned)conf->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)conf->connection_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, h,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
	    MHD_OPTION_END);
	if (h->mhd == NULL) {
		snprintf(err, errlen, "cannot listen on %s:%lld%s",
		    conf->listen, conf->port, h->tls_cert ? " with TLS (check "
		    "the certificate and the key)" : "");
		goto fail;
	}
	info = MHD_get_daemon_info(h->mhd, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info ? info->port : (uint16_t)conf->port;
	return h;
fail:
	httpd_stop(h);
	return NULL;
}

uint16_t
httpd_port(struct httpd *h)
{
	return h->port;
}

void
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
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	if (h->mhd)
		MHD_stop_daemon(h->mhd);
	limit_free(h->lookups);
	free_pem(h->tls_cert);
	free_pem(h->tls_key);
	free(h);
}
