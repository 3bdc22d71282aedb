/*
 * complaints: the deadline watch.
 *
 * A thread wakes every watch_interval seconds and asks the writer to
 * mark, in batches, the open complaints whose due date has passed
 * (overdue: an event, and a notice to the body's head) and those due
 * within remind_days working days (a reminder).  Both scans walk partial
 * indexes on the due date of the open complaints not yet marked, so the
 * cost follows the complaints to mark, not the size of the journal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "complaints/complaints_int.h"
#include "util/ticker.h"

#define WATCH_BATCH 256

static int
watch_run(struct db *db, void *arg)
{
	struct complaints_watch_job *w = arg;
	struct complaints *cx = w->cx;
	struct db_complaint c;
	struct db_body b;
	struct db_event ev;
	int64_t ids[WATCH_BATCH];
	struct date today, limit;
	char date[11], detail[128], state[32];
	time_t now = clock_now();
	int n, rc, intact;

	today = complaints_today(cx, NULL, now);
	limit = today;
	if (w->remind)
		limit = cal_add_working_days(
		    cx->cal, today, cx->remind_days, CAL_WEEK_MON_FRI);
	date_iso(limit, date);
	w->marked = 0;
	if ((rc = db_watch(db, w->remind, date, WATCH_BATCH, ids, &n)) != DB_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = complaints_watch_intact(db, ids[i], &intact)) !=
		    DB_OK)
			return rc;
		if (!intact)
			continue;
		if ((rc = db_complaint_get(db, ids[i], &c, &b)) != DB_OK)
			return rc;
		/* A copy: c's strings live in the statement. */
		strlcpy_chk(state, c.state, sizeof(state));
		memset(&ev, 0, sizeof(ev));
		ev.body_id = b.id;
		ev.complaint_id = c.id;
		ev.at = now;
		ev.actor = "deadline watch";
		ev.state_before = state;
		ev.state_after = state;
		if (w->remind) {
			c.reminded_at = now;
			ev.action = "remind";
			snprintf(detail, sizeof(detail), "due on %s", c.due);
		} else {
			c.overdue_at = now;
			ev.action = "overdue";
			snprintf(detail, sizeof(detail),
			    "was due on %s; on "
			    "the escalation desk",
			    c.due);
		}
		ev.detail = detail;
		if ((rc = complaints_notify(db, cx, &c, &b,
			 w->remind ? "reminder" : "overdue", NULL)) != DB_OK)
			return rc;
		if ((rc = db_complaint_change(db, &c, &ev)) != DB_OK)
			return rc;
		w->marked++;
	}
	return DB_OK;
}

int
complaints_watch_once(struct complaints *cx, int *overdue, int *reminded,
    struct complaints_error *e)
{
	struct complaints_watch_job w;

	*overdue = *reminded = 0;
	for (int pass = 0; pass < 2; pass++) {
		memset(&w, 0, sizeof(w));
		w.cx = cx;
		w.remind = pass;
		if (pass == 1 && cx->remind_days <= 0)
			break;
		do {
			if (complaints_run(cx, watch_run, &w, e, &w.err) == -1)
				return -1;
			*(pass ? reminded : overdue) += w.marked;
		} while (w.marked == WATCH_BATCH);
		/* The forwarding deadlines, with events only. */
		do {
			if (complaints_run(cx, complaints_forward_run, &w, e,
				&w.err) == -1)
				return -1;
		} while (w.marked == COMPLAINTS_FORWARD_BATCH);
	}
	if (*overdue || *reminded)
		notify_outbox_kick(cx->outbox);
	return 0;
}

static void
watch_tick(void *arg)
{
	struct complaints *cx = arg;
	struct complaints_error e;
	int o, r;

	if (complaints_watch_once(cx, &o, &r, &e) == -1)
		log_warnx("watch: %s: %s", e.code, e.message);
	else if (o || r)
		log_info("watch: %d overdue, %d reminded", o, r);
}

int
complaints_watch_start(struct complaints *cx)
{
	if (cx->watch_interval <= 0 || cx->watch != NULL)
		return 0;
	cx->watch = ticker_start(cx->watch_interval, watch_tick, cx);
	return cx->watch != NULL ? 0 : -1;
}

void
complaints_watch_stop(struct complaints *cx)
{
	ticker_stop(cx->watch);
	cx->watch = NULL;
}
