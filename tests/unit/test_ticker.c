/*
 * Unit tests: util/ticker.c, the periodic worker thread.  A ticker runs
 * its function at once, again when kicked (long before its interval),
 * and stop waits for the run in hand, which sees ticker_stopping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "util/ticker.h"

struct count {
	int runs;
	int saw_stop;
	struct ticker *t;
	int linger; /* ms a run takes */
};

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
tick(void *arg)
{
	struct count *c = arg;

	__atomic_add_fetch(&c->runs, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < c->linger / 5; i++) {
		if (c->t != NULL && ticker_stopping(c->t)) {
			__atomic_store_n(&c->saw_stop, 1, __ATOMIC_SEQ_CST);
			return;
		}
		sleep_ms(5);
	}
}

/* Waits up to a second for the count to reach n. */
static int
reaches(struct count *c, int n)
{
	for (int i = 0; i < 200; i++) {
		if (__atomic_load_n(&c->runs, __ATOMIC_SEQ_CST) >= n)
			return 1;
		sleep_ms(5);
	}
	return 0;
}

static void
runs_at_once_and_when_kicked(void **state)
{
	struct count c = { 0, 0, NULL, 0 };
	struct ticker *t;

	(void)state;
	assert_non_null(t = ticker_start(3600, tick, &c));
	assert_true(reaches(&c, 1));
	sleep_ms(50);
	assert_int_equal(__atomic_load_n(&c.runs, __ATOMIC_SEQ_CST), 1);
	ticker_kick(t);
	assert_true(reaches(&c, 2));
	ticker_kick(t);
	assert_true(reaches(&c, 3));
	ticker_stop(t);
	assert_int_equal(c.runs, 3);
	/* NULL is nothing, as free(NULL). */
	ticker_kick(NULL);
	ticker_stop(NULL);
	assert_false(ticker_stopping(NULL));
}

static void
stop_waits_for_the_run_in_hand(void **state)
{
	struct count c = { 0, 0, NULL, 2000 };

	(void)state;
	assert_non_null(c.t = ticker_start(3600, tick, &c));
	assert_true(reaches(&c, 1));
	/* The run would take 2 s; it sees the stop and ends early. */
	ticker_stop(c.t);
	assert_int_equal(c.saw_stop, 1);
	assert_int_equal(c.runs, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_at_once_and_when_kicked),
		cmocka_unit_test(stop_waits_for_the_run_in_hand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
