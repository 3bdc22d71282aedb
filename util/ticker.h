/*
 * ticker: a thread that runs a function every so many seconds, at once
 * when kicked, and stops on request after the run in hand.  The deadline
 * watch and the outbox worker are tickers.
 */
#ifndef TICKER_H
#define TICKER_H

struct ticker;

/* Starts the thread; the first run is at once.  NULL when it cannot. */
struct ticker *ticker_start(int interval, void (*fn)(void *), void *arg);
/* Runs fn again as soon as the run in hand ends.  NULL: nothing. */
void ticker_kick(struct ticker *);
/* Whether ticker_stop has been called: a long run stops between items. */
int ticker_stopping(struct ticker *);
/* Asks the thread to stop, waits for it and frees.  NULL: nothing. */
void ticker_stop(struct ticker *);

#endif /* TICKER_H */
