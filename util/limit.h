/*
 * limit: per-key rate limits in memory, with a cap on the keys kept.
 * A token bucket (lookups per client address) and a failure counter with
 * a growing delay (sign-in attempts per login and per address).  Thread-
 * safe; when full, the key used longest ago is forgotten.
 */
#ifndef LIMIT_H
#define LIMIT_H

#include <time.h>

struct limit;

/* burst tokens at most, refilled at rate per second. */
struct limit *limit_new(int cap, double burst, double rate);
void limit_free(struct limit *);

/* Takes a token: 0 when allowed, else the seconds to wait (>= 1). */
int limit_take(struct limit *, const char *key, time_t now);

/* Forgets the key. */
void limit_clear(struct limit *, const char *key);

/* A key and its failure rule, for limit_attempt. */
struct limit_rule {
	const char *key;
	int free;     /* failures before the waits start */
	int max_wait; /* seconds */
};

/*
 * Checks every key and, when none must wait, counts the attempt as a
 * failure of each, in one step: attempts sent at once cannot all pass the
 * check before any is counted.  0 when the attempt may go on, else the
 * longest wait in seconds (nothing counted).  A success takes its count
 * back with limit_forgive (or limit_clear).
 */
int limit_attempt(struct limit *, const struct limit_rule *, int n, time_t now);
/* Takes back one failure of key; its wait ends when within the free. */
void limit_forgive(struct limit *, const struct limit_rule *);

#endif /* LIMIT_H */
