/*
 * complaints: which actions an actor may take on a complaint now, for a
 * page that offers only those.  The state machine and the scope answer,
 * as they do when the action is taken.
 */
#include <string.h>

#include "complaints/complaints_int.h"

int
complaints_actions_allowed(const struct complaints_actor *a,
    const char *body_code, const char *state, const char **names, int max)
{
	struct complaints_error e;
	enum complaints_state from, to;
	struct db_body b;
	int n = 0;

	if (a == NULL || complaints_state_parse(state, &from) == -1)
		return 0;
	memset(&b, 0, sizeof(b));
	strlcpy_chk(b.code, body_code, sizeof(b.code));
	for (int i = 0; i < ACT__MAX && n < max; i++) {
		const char *name = complaints_action_name(
		    (enum complaints_action)i);

		if (complaints_transition(
			(enum complaints_action)i, from, &to) == 0 &&
		    complaints_may_act(a, name, &b, NULL, &e) == 0)
			names[n++] = name;
	}
	return n;
}

int
complaints_extend_bound(struct complaints *cx, const char *body,
    const char *rules, const char *due, char out[11])
{
	struct complaints_error e;
	struct date d, bound;
	struct db_body b;
	struct db *db;
	int rc;

	if (date_parse(due, &d) == -1 ||
	    (db = complaints_reader(cx, &e)) == NULL)
		return -1;
	rc = db_body_by_code(db, body, &b);
	db_pool_put(cx->readers, db);
	/* The same calendar and week as the extend action's. */
	if (rc != DB_OK ||
	    cal_extend(cx->cal, rules, d, complaints_hours(cx, &b)->week,
		&bound) == -1)
		return -1;
	date_iso(bound, out);
	return 0;
}

int
complaints_working_days_left(struct complaints *cx, const char *due, int *left)
{
	struct moment m;
	struct date today, d, end;
	int n = 0, sign = 1;

	if (date_parse(due, &end) == -1 ||
	    tz_local(cx->timezone, clock_now(), &m) == -1)
		return -1;
	today.y = m.y;
	today.m = m.m;
	today.d = m.d;
	d = today;
	if (date_cmp(end, today) < 0) {
		/* Overdue: the working days since the due date, negative. */
		d = end;
		end = today;
		sign = -1;
	}
	/* Bounded: a due date years away is counted up to a year. */
	for (int i = 0; date_cmp(d, end) < 0 && i < 366; i++) {
		d = date_add(d, 1);
		if (cal_is_working_day(cx->cal, d, CAL_WEEK_MON_FRI))
			n++;
	}
	*left = sign * n;
	return 0;
}
