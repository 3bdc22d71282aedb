/*
 * db: a capped pool of read connections.  A request that finds none free
 * waits a bounded time and then gives up, so a web thread never waits
 * for ever on a reader held by someone else.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "db/db_int.h"
#include "metrics/metrics.h"

struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct db *free;
	int wait_ms;
};

struct db_pool *
db_pool_open(const char *path, int n, int wait_ms, char *err, size_t errlen)
{
	struct db_pool *p;
	struct db *db;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->wait_ms = wait_ms > 0 ? wait_ms : 1;
	pthread_mutex_init(&p->lock, NULL);
	mono_cond_init(&p->cond);
	for (int i = 0; i < n; i++) {
		if ((db = db_open(path, 0, err, errlen)) == NULL) {
			db_pool_close(p);
			return NULL;
		}
		db->pool_next = p->free;
		p->free = db;
	}
	return p;
}

struct db *
db_pool_get(struct db_pool *p)
{
	struct timespec until;
	struct db *db = NULL;

	mono_deadline(&until, p->wait_ms);
	pthread_mutex_lock(&p->lock);
	if (p->free == NULL)
		metrics_count(METRICS_POOL_WAITS);
	while (p->free == NULL)
		if (pthread_cond_timedwait(&p->cond, &p->lock, &until) ==
		    ETIMEDOUT)
			break;
	if ((db = p->free) != NULL)
		p->free = db->pool_next;
	pthread_mutex_unlock(&p->lock);
	return db;
}

void
db_pool_put(struct db_pool *p, struct db *db)
{
	if (db == NULL)
		return;
	/* A read left open would pin the WAL; end it. */
	db_reset(db);
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_lock(&p->lock);
	db->pool_next = p->free;
	p->free = db;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

void
db_pool_close(struct db_pool *p)
{
	struct db *db;

	if (p == NULL)
		return;
	while ((db = p->free) != NULL) {
		p->free = db->pool_next;
		db_close(db);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
