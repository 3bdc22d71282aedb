/*
 * route_metrics: GET /metrics, the Prometheus text exposition format
 * (version 0.0.4), answered to the loopback address, or elsewhere to an
 * API token of a monitor account (complaintctl user add --role monitor);
 * never to the public.  Also the
 * request hook that counts every answered request.
 *
 * Every metric and its meaning: complaintsd(8), "METRICS".
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "daemon/httpd_int.h"
#include "metrics/metrics.h"

#define METRICS_MAX   (1024 * 1024) /* the whole answer */
#define OUTBOX_STATES 16

struct scrape {
	struct buf *out;
	int failed;
	struct {
		char state[16];
		int64_t n, oldest;
	} st[OUTBOX_STATES];
	int nst;
	int overdue_head;
};

static int
outbox_row(void *arg, const char *state, int64_t n, int64_t oldest)
{
	struct scrape *s = arg;

	if (s->nst == OUTBOX_STATES || state == NULL)
		return 0;
	strlcpy_chk(s->st[s->nst].state, state, sizeof(s->st[0].state));
	s->st[s->nst].n = n;
	s->st[s->nst].oldest = oldest;
	s->nst++;
	return 0;
}

static int
overdue_row(void *arg, const char *body, int64_t n, int64_t unused)
{
	struct scrape *s = arg;

	(void)unused;
	if (body == NULL)
		return 0;
	if (buf_printf(s->out,
		"complaintsd_overdue_complaints{body=\"%s\"} "
		"%lld\n",
		body, (long long)n) == -1) {
		s->failed = 1;
		return -1;
	}
	return 0;
}

static void
size_row(void *arg, int64_t bytes)
{
	struct scrape *s = arg;

	if (metrics_head(s->out, "complaintsd_database_bytes", "gauge",
		"Size of the database file (pages in use and free).") == -1 ||
	    buf_printf(s->out, "complaintsd_database_bytes %lld\n",
		(long long)bytes) == -1)
		s->failed = 1;
}

/* The outbox's families, written once all its rows are in. */
static int
write_outbox(struct scrape *s)
{
	time_t now = clock_now();
	int i;

	if (metrics_head(s->out, "complaintsd_outbox_messages", "gauge",
		"Notifications in the outbox, by state.") == -1)
		return -1;
	for (i = 0; i < s->nst; i++)
		if (buf_printf(s->out,
			"complaintsd_outbox_messages{state="
			"\"%s\"} %lld\n",
			s->st[i].state, (long long)s->st[i].n) == -1)
			return -1;
	if (metrics_head(s->out, "complaintsd_outbox_oldest_age_seconds",
		"gauge", "Age of the oldest notification in each state.") == -1)
		return -1;
	for (i = 0; i < s->nst; i++)
		if (buf_printf(s->out,
			"complaintsd_outbox_oldest_age_seconds"
			"{state=\"%s\"} %lld\n",
			s->st[i].state,
			(long long)(now > s->st[i].oldest ?
				now - s->st[i].oldest :
				0)) == -1)
			return -1;
	return 0;
}

int
httpd_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	    strncmp(addr, "::ffff:127.", 11) == 0;
}

/*
 * Away from loopback: a bearer token of a monitor account, or nothing.
 * -1 when the request was answered (r->access_rc).
 */
static int
monitor(struct req *r)
{
	struct complaints_error e;
	const char *auth;

	auth = httpd_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0) {
		r->access_rc = httpd_fail(r, 403, "metrics-loopback-only",
		    "/metrics is answered to the loopback address, or to a "
		    "monitor account's token");
		return -1;
	}
	if (complaints_authenticate(r->h->cx, auth + 7, &r->actor, &e) == -1) {
		r->access_rc = httpd_respond_error(r, &e);
		return -1;
	}
	if (r->actor.role != COMPLAINTS_ROLE_MONITOR) {
		r->access_rc = httpd_fail(r, 403, "forbidden",
		    "/metrics is "
		    "for a monitor account, not a %s",
		    complaints_role_name(r->actor.role));
		return -1;
	}
	return 0;
}

enum MHD_Result
route_metrics(struct req *r)
{
	static const struct complaints_gauges g = { outbox_row, overdue_row,
		size_row };
	struct complaints_error e;
	struct scrape s;
	struct buf out;
	struct stat st;
	char wal[1100];

	if (!httpd_loopback(r->client) && monitor(r) == -1)
		return r->access_rc;
	buf_init(&out, METRICS_MAX);
	memset(&s, 0, sizeof(s));
	s.out = &out;
	if (metrics_write(&out) == -1 ||
	    metrics_head(&out, "complaintsd_overdue_complaints", "gauge",
		"Open complaints past their due date, by body.") == -1) {
		buf_free(&out);
		return httpd_fail(r, 500, "metrics-too-large",
		    "the metrics "
		    "do not fit in %d bytes",
		    METRICS_MAX);
	}
	if (complaints_gauges(r->h->cx, &g, &s, &e) == -1) {
		buf_free(&out);
		return httpd_respond_error(r, &e);
	}
	snprintf(
	    wal, sizeof(wal), "%s/complaints.db-wal", r->h->conf->data_dir);
	if (s.failed || write_outbox(&s) == -1 ||
	    metrics_head(&out, "complaintsd_database_wal_bytes", "gauge",
		"Size of the write-ahead log.") == -1 ||
	    buf_printf(&out, "complaintsd_database_wal_bytes %lld\n",
		stat(wal, &st) == 0 ? (long long)st.st_size : 0LL) == -1) {
		buf_free(&out);
		return httpd_fail(r, 500, "metrics-too-large",
		    "the metrics "
		    "do not fit in %d bytes",
		    METRICS_MAX);
	}
	return httpd_answer_as(r, 0,
	    "text/plain; version=0.0.4; "
	    "charset=utf-8",
	    &out, NULL);
}

void
route_metrics_begin(struct req *r, const char *method)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT",
		"DELETE", "PATCH", "OPTIONS" };

	r->started = metrics_now();
	/* A name that lives as long as the process: the counters keep it. */
	r->method = "other";
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(method, known[i]) == 0)
			r->method = known[i];
}

void
route_metrics_done(struct req *r)
{
	double took = metrics_now() - r->started;

	if (r->status == 0)
		return; /* never answered: the client went away */
	metrics_request(
	    r->method, r->route ? r->route->pattern : NULL, r->status);
	if (r->status == 429)
		metrics_count(METRICS_RATE_LIMITED);
	if (r->route == NULL)
		return;
	if (r->route->fn == route_register) {
		metrics_observe(METRICS_REGISTER_SECONDS, took);
		if (r->status == 201)
			metrics_count(METRICS_REGISTRATIONS);
	} else if ((r->route->fn == route_status ||
		       r->route->fn == route_page_status ||
		       r->route->fn == route_page_post) &&
	    (r->status == 200 || r->status == 404)) {
		metrics_observe(METRICS_LOOKUP_SECONDS, took);
		metrics_count(METRICS_LOOKUPS);
	}
}
