/*
 * Unit tests: complaints_actions_allowed, what a case page offers: the
 * actions of the state machine from the state that the actor's role and
 * body may take, in the order of enum complaints_action.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "complaints/complaints.h"

static struct complaints_actor
actor(enum complaints_role role, const char *body)
{
	struct complaints_actor a;

	memset(&a, 0, sizeof(a));
	a.staff_id = 1;
	a.role = role;
	snprintf(a.login, sizeof(a.login), "someone");
	snprintf(a.body, sizeof(a.body), "%s", body);
	return a;
}

/* The names offered, joined by spaces. */
static void
offered(const struct complaints_actor *a, const char *body, const char *state,
    char *out, size_t outlen)
{
	const char *names[16];
	int n = complaints_actions_allowed(a, body, state, names, 16);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		strncat(out, names[i], outlen - strlen(out) - 1);
		if (i + 1 < n)
			strncat(out, " ", outlen - strlen(out) - 1);
	}
}

static void
by_role_and_state(void **state)
{
	static const struct {
		enum complaints_role role;
		const char *state, *want;
	} t[] = {
		/* The regulations: a registrar registers, forwards, notes;
		 * assigning, extending and deciding are the head's. */
		{ COMPLAINTS_ROLE_REGISTRAR, "registered",
		    "forward withdraw leave-without-consideration note" },
		{ COMPLAINTS_ROLE_HEAD, "registered",
		    "assign forward "
		    "withdraw leave-without-consideration note" },
		{ COMPLAINTS_ROLE_HEAD, "in-review",
		    "assign forward extend "
		    "decide withdraw leave-without-consideration note" },
		{ COMPLAINTS_ROLE_HEAD, "extended",
		    "assign decide withdraw "
		    "leave-without-consideration note" },
		{ COMPLAINTS_ROLE_REGISTRAR, "decided", "appeal note answer" },
		{ COMPLAINTS_ROLE_REGISTRAR, "answered", "appeal note close" },
		{ COMPLAINTS_ROLE_HEAD, "closed", "" },
		{ COMPLAINTS_ROLE_HEAD, "forwarded", "" },
		{ COMPLAINTS_ROLE_ADMIN, "in-review", "" },
		{ COMPLAINTS_ROLE_HEAD, "no-such-state", "" },
	};
	char got[256];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct complaints_actor a = actor(t[i].role, "almaty-alatau");

		offered(&a, "almaty-alatau", t[i].state, got, sizeof(got));
		if (strcmp(got, t[i].want) != 0)
			fail_msg("%s in %s: \"%s\", not \"%s\"",
			    complaints_role_name(t[i].role), t[i].state, got,
			    t[i].want);
	}
}

static void
another_body_and_no_actor(void **state)
{
	struct complaints_actor a = actor(COMPLAINTS_ROLE_HEAD, "almaty-medeu");
	char got[256];

	(void)state;
	offered(&a, "almaty-alatau", "in-review", got, sizeof(got));
	assert_string_equal(got, "");
	assert_int_equal(complaints_actions_allowed(NULL, "almaty-alatau",
			     "in-review", (const char *[16]){ 0 }, 16),
	    0);
	/* At most max. */
	a = actor(COMPLAINTS_ROLE_HEAD, "almaty-alatau");
	assert_int_equal(complaints_actions_allowed(&a, "almaty-alatau",
			     "in-review", (const char *[2]){ 0 }, 2),
	    2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(by_role_and_state),
		cmocka_unit_test(another_body_and_no_actor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
