/*
 * metrics: see metrics.h.  Counters are 64-bit atomics; a histogram is
 * an array of bucket counters (not cumulative; summed when written) and
 * a sum kept in microunits.  Requests are counted in a fixed table of
 * (method, route, status) slots filled on first use.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "metrics/metrics.h"

#define NBUCKETS  12
#define REQ_SLOTS 512

struct hist_def {
	const char *name;
	const char *help;
	double le[NBUCKETS]; /* upper bounds; +Inf after */
};

static const struct hist_def hist_defs[METRICS__HIST] = {
	[METRICS_REGISTER_SECONDS] = { "complaintsd_registration_seconds",
	    "Time from a registration's request to its answer.",
	    { .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10 } },
	[METRICS_LOOKUP_SECONDS] = { "complaintsd_lookup_seconds",
	    "Time from a status lookup's request to its answer.",
	    { .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5 } },
	[METRICS_BATCH_SIZE] = { "complaintsd_writer_batch_size",
	    "Jobs the writer ran in one transaction.",
	    { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096 } },
	[METRICS_COMMIT_SECONDS] = { "complaintsd_writer_commit_seconds",
	    "Time of one COMMIT of the writer (its fsync).",
	    { .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5 } },
};

static const struct {
	const char *name;
	const char *help;
} counter_defs[METRICS__COUNTER] = {
	[METRICS_REGISTRATIONS] = { "complaintsd_registrations_total",
	    "Complaints registered (answered 201)." },
	[METRICS_LOOKUPS] = { "complaintsd_lookups_total",
	    "Status lookups answered, by the API or the status page." },
	[METRICS_RATE_LIMITED] = { "complaintsd_rate_limited_total",
	    "Requests answered 429 Too Many Requests." },
	[METRICS_POOL_WAITS] = { "complaintsd_reader_pool_waits_total",
	    "Times a request waited for a free database reader." },
};

static uint64_t counters[METRICS__COUNTER];
static struct {
	uint64_t bucket[NBUCKETS + 1];
	uint64_t count;
	uint64_t sum_micro; /* the sum, in millionths */
} hists[METRICS__HIST];

static struct {
	const char *method; /* NULL: a free slot */
	const char *route;
	unsigned status;
	uint64_t n;
} reqs[REQ_SLOTS];
static uint64_t reqs_lost; /* the table was full */

double
metrics_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
metrics_count(enum metrics_counter c)
{
	__atomic_add_fetch(&counters[c], 1, __ATOMIC_RELAXED);
}

void
metrics_observe(enum metrics_hist h, double v)
{
	int i;

	for (i = 0; i < NBUCKETS; i++)
		if (v <= hist_defs[h].le[i])
			break;
	__atomic_add_fetch(&hists[h].bucket[i], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&hists[h].count, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(
	    &hists[h].sum_micro, (uint64_t)(v * 1e6 + .5), __ATOMIC_RELAXED);
}

void
metrics_request(const char *method, const char *route, unsigned status)
{
	static const char none[] = "none";
	const char *m;
	size_t i;

	if (route == NULL)
		route = none;
	for (i = 0; i < REQ_SLOTS; i++) {
		m = __atomic_load_n(&reqs[i].method, __ATOMIC_ACQUIRE);
		if (m == NULL) {
			/* Claim the slot: the method goes in last. */
			const char *expect = NULL;

			if (!__atomic_compare_exchange_n(&reqs[i].route,
				&expect, route, 0, __ATOMIC_ACQ_REL,
				__ATOMIC_ACQUIRE)) {
				/* Another thread is filling it: wait. */
				while ((m = __atomic_load_n(&reqs[i].method,
					    __ATOMIC_ACQUIRE)) == NULL)
					;
			} else {
				reqs[i].status = status;
				__atomic_store_n(
				    &reqs[i].method, method, __ATOMIC_RELEASE);
				m = method;
			}
		}
		if (m == method && reqs[i].route == route &&
		    reqs[i].status == status) {
			__atomic_add_fetch(&reqs[i].n, 1, __ATOMIC_RELAXED);
			return;
		}
	}
	__atomic_add_fetch(&reqs_lost, 1, __ATOMIC_RELAXED);
}

int
metrics_head(
    struct buf *out, const char *name, const char *type, const char *help)
{
	return buf_printf(
	    out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int
write_hist(struct buf *out, enum metrics_hist h)
{
	const struct hist_def *d = &hist_defs[h];
	uint64_t cum = 0, sum;
	int i;

	if (metrics_head(out, d->name, "histogram", d->help) == -1)
		return -1;
	for (i = 0; i <= NBUCKETS; i++) {
		cum += __atomic_load_n(&hists[h].bucket[i], __ATOMIC_RELAXED);
		if (i < NBUCKETS ?
			buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", d->name,
			    d->le[i], (unsigned long long)cum) :
			buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n",
			    d->name, (unsigned long long)cum))
			return -1;
	}
	sum = __atomic_load_n(&hists[h].sum_micro, __ATOMIC_RELAXED);
	/* The count is the +Inf bucket, so that the two always agree. */
	return buf_printf(out, "%s_sum %llu.%06llu\n%s_count %llu\n", d->name,
	    (unsigned long long)(sum / 1000000),
	    (unsigned long long)(sum % 1000000), d->name,
	    (unsigned long long)cum);
}

int
metrics_write(struct buf *out)
{
	const char *m;
	size_t i;
	int c, h;

	if (metrics_head(out, "complaintsd_requests_total", "counter",
		"HTTP requests answered, by method, route and status.") == -1)
		return -1;
	for (i = 0; i < REQ_SLOTS; i++) {
		if ((m = __atomic_load_n(&reqs[i].method, __ATOMIC_ACQUIRE)) ==
		    NULL)
			break;
		if (buf_printf(out,
			"complaintsd_requests_total{method=\"%s\","
			"route=\"%s\",status=\"%u\"} %llu\n",
			m, reqs[i].route, reqs[i].status,
			(unsigned long long)__atomic_load_n(
			    &reqs[i].n, __ATOMIC_RELAXED)) == -1)
			return -1;
	}
	if (metrics_head(out, "complaintsd_requests_uncounted_total", "counter",
		"Requests not counted by route: the table was full.") == -1 ||
	    buf_printf(out,
		"complaintsd_requests_uncounted_total "
		"%llu\n",
		(unsigned long long)__atomic_load_n(
		    &reqs_lost, __ATOMIC_RELAXED)) == -1)
		return -1;
	for (c = 0; c < METRICS__COUNTER; c++)
		if (metrics_head(out, counter_defs[c].name, "counter",
			counter_defs[c].help) == -1 ||
		    buf_printf(out, "%s %llu\n", counter_defs[c].name,
			(unsigned long long)__atomic_load_n(
			    &counters[c], __ATOMIC_RELAXED)) == -1)
			return -1;
	for (h = 0; h < METRICS__HIST; h++)
		if (write_hist(out, (enum metrics_hist)h) == -1)
			return -1;
	return 0;
}
