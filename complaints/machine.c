/*
 * complaints: the state machine.  The states of a complaint, with the
 * one table of their names, and which action leads where from which
 * state.  Pure: no storage, no other file of complaints/.
 */
#include <string.h>

#include "complaints/complaints_int.h"

static const char *const state_names[STATE__MAX] = {
	[STATE_REGISTERED] = "registered",
	[STATE_IN_REVIEW] = "in-review",
	[STATE_EXTENDED] = "extended",
	[STATE_DECIDED] = "decided",
	[STATE_ANSWERED] = "answered",
	[STATE_CLOSED] = "closed",
	[STATE_FORWARDED] = "forwarded",
	[STATE_LWC] = "left-without-consideration",
};

const char *
complaints_state_name(enum complaints_state s)
{
	return (unsigned)s < STATE__MAX ? state_names[s] : "?";
}

int
complaints_state_open(enum complaints_state s)
{
	return s == STATE_REGISTERED || s == STATE_IN_REVIEW ||
	    s == STATE_EXTENDED;
}

int
complaints_state_parse(const char *name, enum complaints_state *s)
{
	for (int i = 0; i < STATE__MAX; i++)
		if (name != NULL && strcmp(state_names[i], name) == 0) {
			*s = (enum complaints_state)i;
			return 0;
		}
	return -1;
}

/*
 * The state machine: one row per allowed (action, state); to is where it
 * leads.  An action in a state without a row is refused (ECONFLICT).
 */
static const struct transition {
	enum complaints_action act;
	enum complaints_state from, to;
} machine[] = {
	{ ACT_ASSIGN, STATE_REGISTERED, STATE_IN_REVIEW },
	{ ACT_ASSIGN, STATE_IN_REVIEW, STATE_IN_REVIEW },
	{ ACT_ASSIGN, STATE_EXTENDED, STATE_EXTENDED },
	{ ACT_FORWARD, STATE_REGISTERED, STATE_FORWARDED },
	{ ACT_FORWARD, STATE_IN_REVIEW, STATE_FORWARDED },
	{ ACT_EXTEND, STATE_IN_REVIEW, STATE_EXTENDED },
	{ ACT_DECIDE, STATE_IN_REVIEW, STATE_DECIDED },
	{ ACT_DECIDE, STATE_EXTENDED, STATE_DECIDED },
	{ ACT_APPEAL, STATE_DECIDED, STATE_DECIDED },
	{ ACT_APPEAL, STATE_ANSWERED, STATE_ANSWERED },
	{ ACT_WITHDRAW, STATE_REGISTERED, STATE_LWC },
	{ ACT_WITHDRAW, STATE_IN_REVIEW, STATE_LWC },
	{ ACT_WITHDRAW, STATE_EXTENDED, STATE_LWC },
	{ ACT_LWC, STATE_REGISTERED, STATE_LWC },
	{ ACT_LWC, STATE_IN_REVIEW, STATE_LWC },
	{ ACT_LWC, STATE_EXTENDED, STATE_LWC },
	{ ACT_NOTE, STATE_REGISTERED, STATE_REGISTERED },
	{ ACT_NOTE, STATE_IN_REVIEW, STATE_IN_REVIEW },
	{ ACT_NOTE, STATE_EXTENDED, STATE_EXTENDED },
	{ ACT_NOTE, STATE_DECIDED, STATE_DECIDED },
	{ ACT_NOTE, STATE_ANSWERED, STATE_ANSWERED },
	{ ACT_ANSWER, STATE_DECIDED, STATE_ANSWERED },
	{ ACT_CLOSE, STATE_ANSWERED, STATE_CLOSED },
};

int
complaints_transition(enum complaints_action act, enum complaints_state from,
    enum complaints_state *to)
{
	for (size_t i = 0; i < sizeof(machine) / sizeof(machine[0]); i++)
		if (machine[i].act == act && machine[i].from == from) {
			*to = machine[i].to;
			return 0;
		}
	return -1;
}
