/*
 * ticker: a periodic worker thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util/ticker.h"

struct ticker {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int interval, stop, kick;
	void (*fn)(void *);
	void *arg;
};

static void *
ticker_main(void *p)
{
	struct ticker *t = p;
	struct timespec ts;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		pthread_mutex_unlock(&t->lock);
		t->fn(t->arg);
		pthread_mutex_lock(&t->lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += t->interval;
		while (!t->stop && !t->kick &&
		    pthread_cond_timedwait(&t->cond, &t->lock, &ts) !=
			ETIMEDOUT)
			;
		t->kick = 0;
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct ticker *
ticker_start(int interval, void (*fn)(void *), void *arg)
{
	struct ticker *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->interval = interval;
	t->fn = fn;
	t->arg = arg;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	if (pthread_create(&t->thread, NULL, ticker_main, t) != 0) {
		pthread_mutex_destroy(&t->lock);
		pthread_cond_destroy(&t->cond);
		free(t);
		return NULL;
	}
	return t;
}

void
ticker_kick(struct ticker *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->kick = 1;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

int
ticker_stopping(struct ticker *t)
{
	return t != NULL && __atomic_load_n(&t->stop, __ATOMIC_RELAXED);
}

void
ticker_stop(struct ticker *t)
{
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
}
