/*
 * complaints: who may see and do what.
 *
 * A registrar or head of a body works on that body's complaints and sees
 * those of the bodies below it (the city department: its district offices
 * and their institutions).  The ministry's escalation desk sees every
 * complaint at ministry level and every overdue one.  An administrator
 * manages accounts and data and sees no complaint.  complaints_system,
 * the server's own tools, may everything; a NULL actor nothing; a role
 * not named here (a monitor, a role added later) nothing either.
 */
#include <string.h>

#include "complaints/complaints_int.h"

#define SCOPE_DEPTH 6

/* Whether ancestor is body b or above it in the parent chain. */
int
complaints_within(struct db *db, const char *ancestor, const struct db_body *b)
{
	struct db_body cur;

	/* The whole row: a body read with a complaint lacks its parent. */
	if (db_body_by_code(db, b->code, &cur) != DB_OK)
		return 0;
	for (int i = 0; i < SCOPE_DEPTH; i++) {
		if (strcmp(cur.code, ancestor) == 0)
			return 1;
		if (cur.parent_code[0] == '\0' ||
		    db_body_by_code(db, cur.parent_code, &cur) != DB_OK)
			return 0;
	}
	return 0;
}

int
complaints_may_read(struct db *db, const struct complaints_actor *a,
    const struct db_body *b, int overdue, struct complaints_error *e)
{
	if (complaints_actor_check(a, e) == -1)
		return -1;
	if (a->role == COMPLAINTS_ROLE_SYSTEM)
		return 0;
	switch (a->role) {
	case COMPLAINTS_ROLE_ADMIN:
		break;
	case COMPLAINTS_ROLE_DESK:
		if (strcmp(b->code, a->body) == 0 || overdue)
			return 0;
		break;
	case COMPLAINTS_ROLE_REGISTRAR:
	case COMPLAINTS_ROLE_HEAD:
		if (complaints_within(db, a->body, b))
			return 0;
		break;
	default:
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
		    "%s "
		    "(%s) may see no complaint",
		    a->login, complaints_role_name(a->role));
		return -1;
	}
	complaints_error_set(e, COMPLAINTS_EPERM, "other-body",
	    "this "
	    "complaint is %s's; %s (%s "
	    "of %s) may not see it",
	    b->code, a->login, complaints_role_name(a->role), a->body);
	return -1;
}

int
complaints_may_act(const struct complaints_actor *a, const char *action,
    const struct db_body *b, const char *also, struct complaints_error *e)
{
	static const char *const head_only[] = { "assign", "extend", "decide",
		NULL };

	if (complaints_actor_check(a, e) == -1)
		return -1;
	if (a->role == COMPLAINTS_ROLE_SYSTEM)
		return 0;
	if (a->role == COMPLAINTS_ROLE_ADMIN) {
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
		    "an "
		    "administrator does not "
		    "act on complaints");
		return -1;
	}
	if (a->role != COMPLAINTS_ROLE_REGISTRAR &&
	    a->role != COMPLAINTS_ROLE_HEAD &&
	    a->role != COMPLAINTS_ROLE_DESK) {
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
		    "%s "
		    "(%s) does not act on complaints",
		    a->login, complaints_role_name(a->role));
		return -1;
	}
	if (a->role == COMPLAINTS_ROLE_REGISTRAR)
		for (int i = 0; head_only[i]; i++)
			if (strcmp(action, head_only[i]) == 0) {
				complaints_error_set(e, COMPLAINTS_EPERM,
				    "forbidden",
				    "%s is for "
				    "the head of the body, not a registrar",
				    action);
				return -1;
			}
	if (strcmp(b->code, a->body) != 0 &&
	    (also == NULL || strcmp(also, a->body) != 0)) {
		complaints_error_set(e, COMPLAINTS_EPERM, "other-body",
		    "the "
		    "complaint is %s's; %s "
		    "cannot act on it",
		    b->code, a->body);
		return -1;
	}
	return 0;
}

int
complaints_may_list(struct db *db, const struct complaints_actor *a,
    const char *body, int overdue, struct complaints_error *e)
{
	struct db_body b;

	if (complaints_actor_check(a, e) == -1)
		return -1;
	if (a->role == COMPLAINTS_ROLE_SYSTEM)
		return 0;
	if (a->role == COMPLAINTS_ROLE_DESK && body == NULL && overdue == 1)
		return 0;
	if (body == NULL) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "body: whose complaints "
		    "to list (yours is %s)",
		    a->body);
		return -1;
	}
	if (complaints_body_named(db, body, &b, COMPLAINTS_EINVAL, e) != DB_OK)
		return -1;
	if (a->role == COMPLAINTS_ROLE_DESK && overdue == 1)
		return 0;
	return complaints_may_read(db, a, &b, 0, e);
}
