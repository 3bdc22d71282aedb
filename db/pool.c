/* db: a capped pool of read connections. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/db_int.h"

struct db_pool {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct db	*free;
};

struct db_pool *
db_pool_open(const char *path, int n, char *err, size_t errlen)
{
	struct db_pool *p;
	struct db *db;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
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
	struct db *db;

	pthread_mutex_lock(&p->lock);
	while (p->free == NULL)
		pthread_cond_wait(&p->cond, &p->lock);
	db = p->free;
	p->free = db->pool_next;
	pthread_mutex_unlock(&p->lock);
	return db;
}

void
db_pool_put(struct db_pool *p, struct db *db)
{
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
