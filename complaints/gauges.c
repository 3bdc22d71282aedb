/*
 * complaints: the store's state for GET /metrics, read on a reader of the
 * pool at the moment of the scrape, and the writer's progress for the
 * service manager's watchdog.
 */
#include <stdio.h>

#include "complaints/complaints_int.h"
#include "db/db.h"

int
complaints_gauges(struct complaints *cx, const struct complaints_gauges *g,
    void *arg, struct complaints_error *e)
{
	struct db *db = db_pool_get(cx->readers);
	int64_t bytes;
	int rc;

	if ((rc = db_gauge_outbox(db, g->outbox, arg)) == DB_OK &&
	    (rc = db_gauge_overdue(db, g->overdue, arg)) == DB_OK &&
	    (rc = db_gauge_size(db, &bytes)) == DB_OK)
		g->size(arg, bytes);
	db_reset(db);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK) {
		complaints_error_set(e, COMPLAINTS_EUNAVAIL,
		    "store-unavailable", "the store cannot be read: %s",
		    db_strerror(rc));
		return -1;
	}
	return 0;
}

void
complaints_writer_progress(
    struct complaints *cx, uint64_t *done, uint64_t *pending)
{
	db_writer_progress(cx->writer, done, pending);
}
