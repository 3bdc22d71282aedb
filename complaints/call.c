/*
 * complaints: a write in flight.
 *
 * Every change of the store is a job of the writer thread.  A call is
 * made in the caller's thread (parsed, validated, checked against what
 * can be read), queued to the writer, and finished after the commit:
 * done(arg) is called from the writer thread, then the caller takes the
 * result.  The daemon suspends the connection in between, so no request
 * thread waits on the disk; tools and the service's own threads wait
 * with complaints_call_wait.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints_int.h"

void
complaints_call_init(struct complaints_call *c, struct complaints *cx,
    int (*run)(struct db *, void *), void *arg, struct complaints_error *err)
{
	memset(c, 0, sizeof(*c));
	c->cx = cx;
	c->run = run;
	c->arg = arg;
	c->err = err;
	c->what = "the change";
	err->errc = COMPLAINTS_OK;
}

static int
call_run(struct db *db, void *arg)
{
	struct complaints_call *c = arg;

	return c->run(db, c->arg);
}

/* In the writer thread, after the commit (or the rollback). */
static void
call_done(void *arg, int rc)
{
	struct complaints_call *c = arg;

	c->rc = rc;
	c->done(c->done_arg);
}

int
complaints_call_submit(struct complaints *cx, struct complaints_call *c,
    void (*done)(void *), void *arg, struct complaints_error *e)
{
	char what[64];
	int rc;

	c->done = done;
	c->done_arg = arg;
	c->job.run = call_run;
	c->job.done = call_done;
	c->job.arg = c;
	if ((rc = db_writer_submit(cx->writer, &c->job)) != DB_OK) {
		snprintf(what, sizeof(what), "%s was not queued", c->what);
		return complaints_db_error(e, rc, what);
	}
	return 0;
}

int
complaints_call_result(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	char what[64];

	if (c->rc != DB_OK) {
		if (c->err->errc != COMPLAINTS_OK) {
			*e = *c->err;
			return -1;
		}
		snprintf(what, sizeof(what), "%s was not saved", c->what);
		return complaints_db_error(e, c->rc, what);
	}
	return c->finish ? c->finish(c, out, e) : 0;
}

void
complaints_call_free(struct complaints_call *c)
{
	if (c == NULL)
		return;
	if (c->cleanup)
		c->cleanup(c);
	else
		free(c);
}

struct waiter {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int finished;
};

static void
wake(void *arg)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->lock);
	w->finished = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static int
call_wait(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	struct waiter w;
	int rc = -1;

	memset(&w, 0, sizeof(w));
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	if (complaints_call_submit(c->cx, c, wake, &w, e) == 0) {
		pthread_mutex_lock(&w.lock);
		while (!w.finished)
			pthread_cond_wait(&w.cond, &w.lock);
		pthread_mutex_unlock(&w.lock);
		rc = complaints_call_result(c, out, e);
	}
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	return rc;
}

int
complaints_call_wait(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	int rc;

	if (c == NULL)
		return -1;
	rc = call_wait(c, out, e);
	complaints_call_free(c);
	return rc;
}

int
complaints_run(struct complaints *cx, int (*run)(struct db *, void *),
    void *arg, struct complaints_error *e, struct complaints_error *job_err)
{
	struct complaints_call c;

	complaints_call_init(&c, cx, run, arg, job_err);
	return call_wait(&c, NULL, e);
}
