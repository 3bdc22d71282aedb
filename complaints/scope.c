/*
 * complaints: who may see and do what.
 *
 * A registrar or head of a body works on that body's complaints and sees
 * those of the bodies below it (the city department: its district offices
 * and their institutions).  The ministry's escalation desk sees every
 * complaint at ministry level and every overdue one.  An administrator
 * manages accounts and data and sees no complaint.  A NULL actor is the
 * server's own tools, trusted.
 */
#include <string.h>

#include "complaints/complaints_int.h"

#define SCOPE_DEPTH	6

/* Whether ancestor is body b or above it in the parent chain. */
static int
above(struct db *db, const char *ancestor, const struct db_body *b)
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
cx_may_read(struct db *db, const struct cx_actor *a, const struct db_body *b,
    int overdue, struct cx_error *e)
{
	if (a == NULL)
		return 0;
	switch (a->role) {
	case CX_ROLE_ADMIN:
		break;
	case CX_ROLE_DESK:
		if (strcmp(b->code, a->body) == 0 || overdue)
			return 0;
		break;
	default:
		if (above(db, a->body, b))
			return 0;
		break;
	}
	cx_error_set(e, 403, "other-body", "this complaint is %s's; %s (%s "
	    "of %s) may not see it", b->code, a->login, cx_role_name(a->role),
	    a->body);
	return -1;
}

int
cx_may_act(const struct cx_actor *a, const char *action,
    const struct db_body *b, const char *also, struct cx_error *e)
{
	static const char *const head_only[] = { "assign", "extend",
	    "decide", NULL };

	if (a == NULL)
		return 0;
	if (a->role == CX_ROLE_ADMIN) {
		cx_error_set(e, 403, "forbidden", "an administrator does not "
		    "act on complaints");
		return -1;
	}
	if (a->role == CX_ROLE_REGISTRAR)
		for (int i = 0; head_only[i]; i++)
			if (strcmp(action, head_only[i]) == 0) {
				cx_error_set(e, 403, "forbidden", "%s is for "
				    "the head of the body, not a registrar",
				    action);
				return -1;
			}
	if (strcmp(b->code, a->body) != 0 && (also == NULL ||
	    strcmp(also, a->body) != 0)) {
		cx_error_set(e, 403, "other-body", "the complaint is %s's; %s "
		    "cannot act on it", b->code, a->body);
		return -1;
	}
	return 0;
}

int
cx_may_list(struct db *db, const struct cx_actor *a, const char *body,
    int overdue, struct cx_error *e)
{
	struct db_body b;

	if (a == NULL)
		return 0;
	if (a->role == CX_ROLE_DESK && body == NULL && overdue == 1)
		return 0;
	if (body == NULL) {
		cx_error_set(e, 400, "bad-parameter", "body: whose complaints "
		    "to list (yours is %s)", a->body);
		return -1;
	}
	if (db_body_by_code(db, body, &b) != DB_OK) {
		cx_error_set(e, 400, "unknown-body", "no body with the code "
		    "\"%s\"", body);
		return -1;
	}
	if (a->role == CX_ROLE_DESK && overdue == 1)
		return 0;
	return cx_may_read(db, a, &b, 0, e);
}
