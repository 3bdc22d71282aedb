/*
 * calendar: the working-day calendar and the deadline rule sets.
 *
 * A struct cal is immutable once built and may be shared between threads.
 * Functions return 0 on success and -1 on failure unless stated otherwise.
 * Pointers into a struct cal (rule sets, hours, names) are valid until
 * cal_free().
 */
#ifndef CALENDAR_H
#define CALENDAR_H

#include <stddef.h>

#include "util/util.h"

struct cal;

enum cal_week {
	CAL_WEEK_MON_FRI, /* Saturday and Sunday off */
	CAL_WEEK_MON_SAT  /* only Sunday off (TVET institutions) */
};

/* Working hours in minutes after midnight, local time. */
struct cal_hours {
	enum cal_week week;
	int open, close;
	int lunch_from, lunch_to;
};
/* District offices and the city department: 9:00-18:00, lunch 13-14. */
extern const struct cal_hours cal_hours_office;

/*
 * The calendar with weekends only and the single rule set of Law No. 221:
 * what the daemon uses when no calendar data is configured.  Caller frees.
 */
struct cal *cal_builtin(void);
void cal_free(struct cal *);

int cal_is_working_day(const struct cal *, struct date, enum cal_week);
/* The day itself when it is a working day, else the next one. */
struct date cal_roll_forward(const struct cal *, struct date, enum cal_week);
/* N working days after the given day (N >= 0). */
struct date
cal_add_working_days(const struct cal *, struct date, int, enum cal_week);
/* N calendar days after the given day, rolled forward to a working day. */
struct date
cal_add_calendar_days(const struct cal *, struct date, int, enum cal_week);

/* What starts a rule set's count. */
enum cal_event {
	CAL_EVENT_REGISTRATION = 0, /* the State Services Law, Law 221 */
	CAL_EVENT_RECEIPT	    /* the APPK: the day it arrived */
};
/* "registration" or "receipt". */
const char *cal_event_name(enum cal_event);

/* What a deadline is computed from. */
struct cal_due_in {
	struct moment registered; /* local time at the body */
	/* When it arrived, if before registration; else ignored. */
	struct moment received;
	int has_received;
	const struct cal_hours *hours; /* NULL: cal_hours_office */
	const char *rules;	       /* pinned rule set, or NULL */
	int extra_study;	       /* the longer period applies */
	/*
	 * The kind of body the complaint is addressed to, for rule sets
	 * whose period depends on it ("provider", "quality-control" under
	 * state-services-2013); NULL or unknown: the rule set's default.
	 * A choice (below) sets it when this is NULL.
	 */
	const char *target;
	/*
	 * For the choice of rule set: the service (1..11, 0 unknown) and
	 * the level of the body hearing the complaint ("institution",
	 * "district", "city", "ministry", "quality-control"; NULL unknown).
	 */
	int service;
	const char *level;
};

struct cal_due_out {
	struct date start; /* the day the period counts from */
	struct date due;
	const char *rules; /* name of the rule set used */
	const char *title; /* the rule set's title, or "" */
	/* The clause the period comes from ("art. 25 p. 2"), or "". */
	const char *clause;
	const char *target;   /* the period's "to", or NULL */
	enum cal_event event; /* what the count started from */
	/* Why this rule set: the choice's basis, "pinned" or "by date". */
	const char *basis;
	/* 1 when an after-hours or day-off arrival moved start. */
	int moved;
	/* 1 when extra_study was asked and the rule set has that period. */
	int extra_study;
};

/*
 * The due date of a complaint registered at the given moment.  The rule
 * set is the pinned one; else the first choice (rules.xml <choose>) that
 * matches the registration date, the service and the level; else the
 * rule set chosen by date in force on the registration date.  The count
 * starts at the rule set's event: registration, or receipt (received
 * when given, else registered).  Under a rule set that counts arrivals
 * after hours or on a day off from the next working day, start is that
 * day; the period runs from the day after start when the rule set counts
 * from the next day (the civil-law rule).  Pointers in out are valid
 * until cal_free().
 */
int
cal_due(const struct cal *, const struct cal_due_in *, struct cal_due_out *);

/*
 * Loading from data.  Documents are parsed without entities, DTDs or
 * network access (a DTD is refused), each at most CAL_FILE_MAX bytes, and
 * validated against calendar.xsd and rules.xsd in schema_dir.  On failure
 * NULL is returned and err says which file, which line and why.  Caller
 * frees with cal_free().
 */
#define CAL_FILE_MAX (1024 * 1024)
#define CAL_YEAR_MIN 2000 /* days outside: weekends only */
#define CAL_YEAR_MAX 2099

struct cal *cal_load(const char *calendar_xml_path, const char *rules_xml_path,
    const char *schema_dir, char *err, size_t errlen);
/*
 * As cal_load, adding the local calendar file (holidays, transfers and
 * hours a registrar adds without a rebuild; same schema) after the base
 * one.  local_xml_path NULL: none.
 */
struct cal *cal_load_with_overrides(const char *calendar_xml_path,
    const char *local_xml_path, const char *rules_xml_path,
    const char *schema_dir, char *err, size_t errlen);

/* Working hours of a body type ("office", "special-school", ...). */
const struct cal_hours *cal_hours_for(const struct cal *, const char *type);

/* Rule sets. */
#define CAL_NAME_MAX	32
#define CAL_TITLE_MAX	200
#define CAL_TARGETS_MAX 4
#define CAL_SOURCE_MAX	96 /* "art. 25 p. 2" and a note */
#define CAL_CHOICES_MAX 32

enum cal_unit {
	CAL_UNIT_NONE,	   /* the rule set has no such period */
	CAL_UNIT_CALENDAR, /* calendar days */
	CAL_UNIT_WORKING,  /* working days */
	CAL_UNIT_MONTHS
};

struct cal_span {
	int n;
	enum cal_unit unit;
	char source[CAL_SOURCE_MAX]; /* the clause, or "" */
};

enum cal_count {
	CAL_COUNT_NEXT_DAY, /* the period runs from the day after */
	CAL_COUNT_SAME_DAY  /* the day of the event is day one */
};

struct cal_target {
	char name[CAL_NAME_MAX];
	struct cal_span consider;
};

struct cal_rules {
	char name[CAL_NAME_MAX];
	char title[CAL_TITLE_MAX];
	struct date from, until; /* in force; y == 0: open-ended */
	int by_date;		 /* chosen by date when not pinned */
	enum cal_count count;
	int after_hours_next_day;	  /* APPK art. 64 */
	int roll_forward;		  /* a due date on a day off moves on */
	enum cal_event event;		  /* what starts the count */
	struct cal_span consider;	  /* the ordinary period */
	struct cal_span extra_study;	  /* when extra study is needed */
	struct cal_span extension;	  /* at most, from the current due */
	struct cal_span notify_extension; /* tell the applicant within */
	struct cal_span forward;	  /* send on when not competent */
	struct cal_span appeal_forward;	  /* send an appeal up within */
	int ntargets;
	struct cal_target targets[CAL_TARGETS_MAX];
};

/*
 * One row of the choice: which rule set, and which of its periods
 * (target, "" for the default), applies to a complaint registered
 * within [from, until] about a service in services, heard at a level in
 * levels.  A zero mask matches anything.
 */
struct cal_choice {
	char rules[CAL_NAME_MAX];
	char target[CAL_NAME_MAX];
	struct date from, until; /* y == 0: open-ended */
	unsigned services;	 /* bit n: service n */
	unsigned levels;	 /* bit per cal_level_name() index */
	char basis[CAL_TITLE_MAX];
};
/* The level names a choice knows; NULL past the last. */
const char *cal_level_name(int i);
/* The first choice that matches, or NULL. */
const struct cal_choice *
cal_choose(const struct cal *, struct date, int service, const char *level);

/* The rule set of that name, or NULL. */
const struct cal_rules *cal_rules_find(const struct cal *, const char *name);
/* The rule set chosen by date on that day, or NULL when none is. */
const struct cal_rules *cal_rules_at(const struct cal *, struct date);

/*
 * The end of a period of the rule set counted from the given day, with
 * its counting convention and roll-forward rule.  -1 when the span is
 * CAL_UNIT_NONE.
 */
int cal_span_end(const struct cal *, const struct cal_rules *, struct cal_span,
    struct date from, enum cal_week, struct date *out);

/*
 * For the lifecycle, by rule set name (as in cal_due_out.rules); each
 * returns -1 when the rule set is unknown or has no such period.
 *
 * cal_extend: the latest due date an extension may set, given the
 * current due date.  cal_notify_due: by when the applicant must be told
 * of an extension decided on the given day.  cal_forward_due: by when a
 * complaint that is not the body's must be sent on, counted from its
 * registration day (cal_due_out.start).  cal_appeal_forward_due: by when
 * an appeal must be sent to the higher body, from its registration day.
 */
int cal_extend(const struct cal *, const char *rules, struct date due,
    enum cal_week, struct date *out);
int cal_notify_due(const struct cal *, const char *rules, struct date decided,
    enum cal_week, struct date *out);
int cal_forward_due(const struct cal *, const char *rules,
    struct date registered, enum cal_week, struct date *out);
int cal_appeal_forward_due(const struct cal *, const char *rules,
    struct date registered, enum cal_week, struct date *out);

#endif /* CALENDAR_H */
