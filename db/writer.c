/*
 * db: the writer thread and group commit.
 *
 * Request threads queue jobs; the writer takes every job that is waiting
 * (up to batch_max), runs each inside a savepoint of one transaction and
 * commits once, so one fsync serves the whole batch.  Only after the
 * commit returns are the jobs told their result: nothing is answered
 * before it is durable.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db_int.h"
#include "metrics/metrics.h"
#include "util/util.h"

struct db_writer {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct db_job *head, *tail;
	size_t queued, queue_cap, batch_max;
	int stopping;
	uint64_t batches, jobs;
	uint64_t submitted; /* jobs accepted by db_writer_submit */
	char *hold;	    /* tests: no batch while it exists */
};

/* Waits, the lock released, while the hold file exists. */
static void
hold_wait(struct db_writer *w)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	while (w->hold != NULL && !w->stopping && access(w->hold, F_OK) == 0) {
		pthread_mutex_unlock(&w->lock);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&w->lock);
	}
}

static void
run_batch(struct db_writer *w, struct db_job *batch)
{
	struct db_job *j, *next;
	size_t n;
	int rc, crc;

	rc = db_begin(w->db);
	if (rc != DB_OK)
		log_warnx("db: writer: begin: %s", db_strerror(rc));
	for (j = batch; j != NULL; j = j->next) {
		if (rc != DB_OK) {
			j->rc = rc;
			continue;
		}
		if ((j->rc = db_savepoint(w->db)) != DB_OK)
			continue;
		j->rc = j->run(w->db, j->arg);
		if (j->rc == DB_OK)
			j->rc = db_release(w->db);
		else if (db_rollback_savepoint(w->db) != DB_OK)
			rc = DB_ERROR; /* the transaction is unusable */
	}
	if (rc == DB_OK) {
		double t0 = metrics_now();

		crc = db_commit(w->db);
		metrics_observe(METRICS_COMMIT_SECONDS, metrics_now() - t0);
		if (crc != DB_OK) {
			log_warnx("db: writer: commit: %s", db_strerror(crc));
			db_rollback(w->db);
			for (j = batch; j != NULL; j = j->next)
				if (j->rc == DB_OK)
					j->rc = crc;
		}
	} else {
		db_rollback(w->db);
		for (j = batch; j != NULL; j = j->next)
			if (j->rc == DB_OK)
				j->rc = rc;
	}
	/* No statement may keep a read open between batches: it would pin
	 * an old snapshot and the next BEGIN IMMEDIATE would be refused once
	 * another process has written. */
	db_reset(w->db);
	w->batches++;
	for (j = batch, n = 0; j != NULL; j = j->next)
		n++;
	metrics_observe(METRICS_BATCH_SIZE, (double)n);
	for (j = batch; j != NULL; j = next) {
		next = j->next; /* done() may free the job */
		__atomic_add_fetch(&w->jobs, 1, __ATOMIC_RELAXED);
		j->done(j->arg, j->rc);
	}
}

static void *
writer_main(void *arg)
{
	struct db_writer *w = arg;
	struct db_job *batch, *last;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->head == NULL) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		hold_wait(w);
		batch = last = w->head;
		for (n = 1; n < w->batch_max && last->next != NULL; n++)
			last = last->next;
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
		w->queued -= n;
		pthread_mutex_unlock(&w->lock);
		run_batch(w, batch);
	}
	return NULL;
}

struct db_writer *
db_writer_start(struct db *db, size_t queue_cap, size_t batch_max)
{
	struct db_writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->db = db;
	w->queue_cap = queue_cap;
	w->batch_max = batch_max ? batch_max : 1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		free(w);
		return NULL;
	}
	return w;
}

int
db_writer_submit(struct db_writer *w, struct db_job *j)
{
	int rc = DB_OK;

	j->next = NULL;
	j->rc = DB_OK;
	pthread_mutex_lock(&w->lock);
	if (w->stopping)
		rc = DB_SHUTDOWN;
	else if (w->queued >= w->queue_cap)
		rc = DB_QUEUE_FULL;
	else {
		if (w->tail)
			w->tail->next = j;
		else
			w->head = j;
		w->tail = j;
		w->queued++;
		w->submitted++;
		pthread_cond_signal(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void
db_writer_stop(struct db_writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w->hold);
	free(w);
}

struct wait_job {
	struct db_job job;
	int (*run)(struct db *, void *);
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done, rc;
};

static int
wait_run(struct db *db, void *arg)
{
	struct wait_job *wj = arg;

	return wj->run(db, wj->arg);
}

static void
wait_done(void *arg, int rc)
{
	struct wait_job *wj = arg;

	pthread_mutex_lock(&wj->lock);
	wj->rc = rc;
	wj->done = 1;
	pthread_cond_signal(&wj->cond);
	pthread_mutex_unlock(&wj->lock);
}

int
db_writer_run(struct db_writer *w, int (*run)(struct db *, void *), void *arg)
{
	struct wait_job wj;
	int rc;

	memset(&wj, 0, sizeof(wj));
	wj.run = run;
	wj.arg = arg;
	wj.job.run = wait_run;
	wj.job.arg = &wj;
	wj.job.done = wait_done;
	pthread_mutex_init(&wj.lock, NULL);
	pthread_cond_init(&wj.cond, NULL);
	if ((rc = db_writer_submit(w, &wj.job)) == DB_OK) {
		pthread_mutex_lock(&wj.lock);
		while (!wj.done)
			pthread_cond_wait(&wj.cond, &wj.lock);
		pthread_mutex_unlock(&wj.lock);
		rc = wj.rc;
	}
	pthread_mutex_destroy(&wj.lock);
	pthread_cond_destroy(&wj.cond);
	return rc;
}

void
db_writer_hold(struct db_writer *w, const char *path)
{
	pthread_mutex_lock(&w->lock);
	free(w->hold);
	w->hold = path ? strdup(path) : NULL;
	pthread_mutex_unlock(&w->lock);
}

void
db_writer_stats(struct db_writer *w, uint64_t *batches, uint64_t *jobs)
{
	pthread_mutex_lock(&w->lock);
	*batches = w->batches;
	*jobs = w->jobs;
	pthread_mutex_unlock(&w->lock);
}

void
db_writer_progress(struct db_writer *w, uint64_t *done, uint64_t *pending)
{
	pthread_mutex_lock(&w->lock);
	*done = __atomic_load_n(&w->jobs, __ATOMIC_RELAXED);
	*pending = w->submitted - *done;
	pthread_mutex_unlock(&w->lock);
}
