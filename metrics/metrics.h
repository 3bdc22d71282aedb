/*
 * metrics: the daemon's counters and histograms, process-wide and
 * lock-free (atomics), written in the Prometheus text exposition format
 * (version 0.0.4) for GET /metrics.  Any thread may count; the names and
 * meanings are listed in complaintsd(8), "METRICS".
 */
#ifndef METRICS_H
#define METRICS_H

#include "util/util.h"

enum metrics_hist {
	METRICS_REGISTER_SECONDS, /* a registration, request to answer */
	METRICS_LOOKUP_SECONDS,	  /* a status lookup */
	METRICS_BATCH_SIZE,	  /* jobs in one writer transaction */
	METRICS_COMMIT_SECONDS,	  /* one writer COMMIT */
	METRICS__HIST
};

enum metrics_counter {
	METRICS_REGISTRATIONS, /* complaints registered (201) */
	METRICS_LOOKUPS,       /* status lookups answered */
	METRICS_RATE_LIMITED,  /* answers 429 */
	METRICS_POOL_WAITS,    /* a reader was asked for, none free */
	METRICS__COUNTER
};

/* Seconds on the monotonic clock, for measuring spans. */
double metrics_now(void);
void metrics_count(enum metrics_counter);
void metrics_observe(enum metrics_hist, double value);
/*
 * One answered request: route is the route's pattern ("/api/v1/talons/
 * *"), a string that lives as long as the process, or NULL for none.
 */
void metrics_request(const char *method, const char *route, unsigned status);
/* Appends every counter and histogram; -1 when out does not fit. */
int metrics_write(struct buf *out);
/* Appends the HELP and TYPE lines of a metric. */
int metrics_head(
    struct buf *out, const char *name, const char *type, const char *help);

#endif /* METRICS_H */
