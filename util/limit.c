/* limit: token buckets and failure delays, keyed, capped. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/limit.h"
#include "util/util.h"

#define KEY_MAX 96

struct slot {
	char key[KEY_MAX];
	double tokens;
	time_t seen; /* last use, for eviction and refill */
	int fails;
	time_t until; /* no attempt before this */
};

struct limit {
	pthread_mutex_t lock;
	struct slot *slots;
	int cap, n;
	double burst, rate;
};

struct limit *
limit_new(int cap, double burst, double rate)
{
	struct limit *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	if ((l->slots = calloc((size_t)cap, sizeof(*l->slots))) == NULL) {
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	l->cap = cap;
	l->burst = burst;
	l->rate = rate;
	return l;
}

void
limit_free(struct limit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l->slots);
	free(l);
}

/* The key's slot, made (evicting the oldest) when new.  Under lock. */
static struct slot *
find(struct limit *l, const char *key, time_t now, int make)
{
	int i, oldest = 0;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->slots[i].key, key) == 0)
			return &l->slots[i];
	if (!make)
		return NULL;
	if (l->n < l->cap)
		i = l->n++;
	else {
		for (i = 1; i < l->n; i++)
			if (l->slots[i].seen < l->slots[oldest].seen)
				oldest = i;
		i = oldest;
	}
	memset(&l->slots[i], 0, sizeof(l->slots[i]));
	strlcpy_chk(l->slots[i].key, key, KEY_MAX);
	l->slots[i].tokens = l->burst;
	l->slots[i].seen = now;
	return &l->slots[i];
}

int
limit_take(struct limit *l, const char *key, time_t now)
{
	struct slot *s;
	int wait = 0;

	pthread_mutex_lock(&l->lock);
	s = find(l, key, now, 1);
	s->tokens += (double)(now - s->seen) * l->rate;
	if (s->tokens > l->burst)
		s->tokens = l->burst;
	s->seen = now;
	if (s->tokens >= 1.0)
		s->tokens -= 1.0;
	else
		wait = (int)((1.0 - s->tokens) / l->rate) + 1;
	pthread_mutex_unlock(&l->lock);
	return wait;
}

/* Whole seconds: a try is allowed only once until has passed.  Locked. */
static int
wait_of(struct limit *l, const char *key, time_t now)
{
	struct slot *s;

	if ((s = find(l, key, now, 0)) != NULL && s->until >= now &&
	    s->until != 0)
		return (int)(s->until - now) + 1;
	return 0;
}

/* Counts a failure; after the free ones the wait doubles.  Locked. */
static void
fail_locked(
    struct limit *l, const char *key, time_t now, int free, int max_wait)
{
	struct slot *s;
	long wait;

	s = find(l, key, now, 1);
	s->seen = now;
	if (s->fails < 60)
		s->fails++;
	if (s->fails <= free)
		return;
	wait = s->fails - free > 20 ? max_wait : 1L << (s->fails - free - 1);
	if (wait > max_wait)
		wait = max_wait;
	s->until = now + wait;
}

int
limit_attempt(struct limit *l, const struct limit_rule *r, int n, time_t now)
{
	int wait = 0, w;

	pthread_mutex_lock(&l->lock);
	for (int i = 0; i < n; i++)
		if ((w = wait_of(l, r[i].key, now)) > wait)
			wait = w;
	if (wait == 0)
		for (int i = 0; i < n; i++)
			fail_locked(l, r[i].key, now, r[i].free, r[i].max_wait);
	pthread_mutex_unlock(&l->lock);
	return wait;
}

void
limit_forgive(struct limit *l, const struct limit_rule *r)
{
	struct slot *s;

	pthread_mutex_lock(&l->lock);
	if ((s = find(l, r->key, 0, 0)) != NULL && s->fails > 0 &&
	    --s->fails <= r->free)
		s->until = 0;
	pthread_mutex_unlock(&l->lock);
}

void
limit_clear(struct limit *l, const char *key)
{
	struct slot *s;

	pthread_mutex_lock(&l->lock);
	if ((s = find(l, key, 0, 0)) != NULL) {
		*s = l->slots[l->n - 1];
		l->n--;
	}
	pthread_mutex_unlock(&l->lock);
}
