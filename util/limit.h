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
struct limit	*limit_new(int cap, double burst, double rate);
void		 limit_free(struct limit *);

/* Takes a token: 0 when allowed, else the seconds to wait (>= 1). */
int		 limit_take(struct limit *, const char *key, time_t now);

/*
 * Failures: limit_wait says how many seconds the key must still wait
 * (0: may try), limit_fail counts a failure: after the first free ones
 * the wait doubles from 1 s up to max_wait; limit_clear forgets the key.
 */
int		 limit_wait(struct limit *, const char *key, time_t now);
void		 limit_fail(struct limit *, const char *key, time_t now,
		    int free, int max_wait);
void		 limit_clear(struct limit *, const char *key);

#endif /* LIMIT_H */
