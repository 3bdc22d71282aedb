/* Unit tests: metrics (counters, histograms, requests, the text format). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "metrics/metrics.h"

/* The value of the line that starts with name (labels included). */
static double
sample(const char *text, const char *name)
{
	const char *p = text;
	size_t n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == ' ')
			return strtod(p + n + 1, NULL);
		p += n;
	}
	return -1;
}

struct want {
	const char *line; /* the sample's name and labels */
	double value;
};

static void
expect_samples(const char *text, const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (sample(text, w[i].line) != w[i].value)
			fail_msg("%s: %g, not %g", w[i].line,
			    sample(text, w[i].line), w[i].value);
	}
}

#define H "complaintsd_registration_seconds_"
static const struct want hist_want[] = {
	{ H "bucket{le=\"0.0025\"}", 0 },
	{ H "bucket{le=\"0.005\"}", 1 },
	{ H "bucket{le=\"0.25\"}", 2 },
	{ H "bucket{le=\"10\"}", 2 },
	{ H "bucket{le=\"+Inf\"}", 3 },
	{ H "count", 3 },
};

#define R "complaintsd_requests_total{method="
static const struct want req_want[] = {
	{ R "\"GET\",route=\"/api/v1/complaints\",status=\"404\"}", 4000 },
	{ R "\"GET\",route=\"/api/v1/complaints\",status=\"200\"}", 4000 },
	{ R "\"GET\",route=\"/api/v1/talons/*\",status=\"404\"}", 8000 },
	{ R "\"GET\",route=\"/api/v1/talons/*\",status=\"200\"}", 8000 },
	{ R "\"POST\",route=\"/api/v1/complaints\",status=\"201\"}", 1 },
	{ R "\"POST\",route=\"none\",status=\"404\"}", 1 },
};

static void
write_all(struct buf *b)
{
	buf_init(b, 1024 * 1024);
	assert_int_equal(metrics_write(b), 0);
}

static void
counters_and_histograms(void **state)
{
	struct buf b;

	(void)state;
	metrics_count(METRICS_REGISTRATIONS);
	metrics_count(METRICS_REGISTRATIONS);
	metrics_observe(METRICS_REGISTER_SECONDS, 0.003);
	metrics_observe(METRICS_REGISTER_SECONDS, 0.2);
	metrics_observe(METRICS_REGISTER_SECONDS, 99); /* past every bound */
	write_all(&b);
	assert_int_equal(sample(b.data, "complaintsd_registrations_total"), 2);
	assert_non_null(strstr(b.data,
	    "# TYPE complaintsd_registration_"
	    "seconds histogram\n"));
	/* Cumulative buckets: 0.003 is above 0.0025, within 0.005. */
	expect_samples(
	    b.data, hist_want, sizeof(hist_want) / sizeof(hist_want[0]));
	assert_true(
	    sample(b.data, "complaintsd_registration_seconds_sum") > 99.2029 &&
	    sample(b.data, "complaintsd_registration_seconds_sum") < 99.2031);
	/* Untouched ones are there, at zero. */
	assert_int_equal(
	    sample(b.data, "complaintsd_reader_pool_waits_total"), 0);
	buf_free(&b);
}

static const char route_a[] = "/api/v1/complaints";
static const char route_b[] = "/api/v1/talons/*";

struct worker {
	int n;
};

static void *
hammer(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < w->n; i++)
		metrics_request(
		    "GET", i % 3 ? route_b : route_a, i % 2 ? 200 : 404);
	return NULL;
}

static void
requests_from_threads(void **state)
{
	struct worker w = { 6000 };
	pthread_t t[4];
	struct buf b;
	double sum;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, &w), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	metrics_request("POST", route_a, 201);
	metrics_request("POST", NULL, 404);
	write_all(&b);
	/* Worked out by hand: i % 3 == 0 and i % 2 == 0 is i % 6 == 0. */
	expect_samples(
	    b.data, req_want, sizeof(req_want) / sizeof(req_want[0]));
	sum = sample(b.data, "complaintsd_requests_uncounted_total");
	assert_int_equal(sum, 0);
	buf_free(&b);
}

static void
too_small_a_buffer(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	assert_int_equal(metrics_write(&b), -1);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters_and_histograms),
		cmocka_unit_test(requests_from_threads),
		cmocka_unit_test(too_small_a_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
