/*
 * complaints: the forwarding watch.  A complaint registered at a body the
 * routing rules do not name must be forwarded within the rule set's
 * period (3 working days), stored at registration as forward_due.  While
 * it is still "registered" there, the watch reminds the body (within
 * remind_days working days of that day) and marks it overdue after it,
 * each once, with an event in the body's audit chain and an internal
 * notice to the body, as for the main deadline.  Taking the
 * complaint up (assigning it) ends the watch: the body keeps it.
 */
#include <stdio.h>
#include <string.h>

#include "complaints/complaints_int.h"

int
complaints_watch_intact(struct db *db, int64_t id, int *intact)
{
	int rc;

	if ((rc = db_row_intact(db, id, intact)) == DB_OK && !*intact)
		log_warnx("watch: complaint %lld does not match its audit "
			  "trail; not marked",
		    (long long)id);
	return rc;
}

int
complaints_forward_run(struct db *db, void *arg)
{
	struct complaints_watch_job *w = arg;
	struct db_complaint c;
	struct db_body b;
	struct db_event ev;
	struct db_law law;
	int64_t ids[COMPLAINTS_FORWARD_BATCH];
	struct date limit;
	char date[11], detail[128], state[32];
	uint8_t rowhash[32];
	time_t now = clock_now();
	int n, rc, intact;

	limit = complaints_today(w->cx, NULL, now);
	if (w->remind)
		limit = cal_add_working_days(
		    w->cx->cal, limit, w->cx->remind_days, CAL_WEEK_MON_FRI);
	date_iso(limit, date);
	w->marked = 0;
	if ((rc = db_forward_watch(db, w->remind, date,
		 COMPLAINTS_FORWARD_BATCH, ids, &n)) != DB_OK)
		return rc;
	for (int i = 0; i < n; i++) {
		if ((rc = complaints_watch_intact(db, ids[i], &intact)) !=
		    DB_OK)
			return rc;
		if (!intact)
			continue;
		if ((rc = db_complaint_get(db, ids[i], &c, &b)) != DB_OK ||
		    (rc = db_law_get(db, ids[i], &law)) != DB_OK ||
		    (rc = db_forward_mark(db, ids[i], w->remind, now)) != DB_OK)
			return rc;
		strlcpy_chk(state, c.state, sizeof(state));
		snprintf(detail, sizeof(detail), "%s: forward by %s",
		    w->remind ? "not yet forwarded" : "was not forwarded",
		    law.forward_due);
		memset(&ev, 0, sizeof(ev));
		ev.body_id = b.id;
		ev.complaint_id = ids[i];
		ev.at = now;
		ev.actor = "deadline watch";
		ev.action = w->remind ? "forward-remind" : "forward-overdue";
		ev.state_before = state;
		ev.state_after = state;
		ev.detail = detail;
		/* As for the main deadline, the body is told (internal);
		   due_by names the forwarding deadline. */
		if ((rc = complaints_notify(db, w->cx, &c, &b,
			 w->remind ? "reminder" : "overdue",
			 law.forward_due)) != DB_OK ||
		    (rc = db_complaint_row_hash(db, ids[i], rowhash)) !=
			DB_OK ||
		    (rc = db_event_append(db, &ev, rowhash)) != DB_OK)
			return rc;
		w->marked++;
	}
	return DB_OK;
}
