/*
 * The working-day calendar and the deadline rule sets.
 *
 * The calendar is data: holidays (a day every year, or a date per year),
 * the carry-over of a holiday that falls on a day off, and the
 * government's transfers.  At load time every day from CAL_YEAR_MIN to
 * CAL_YEAR_MAX is worked out once, for each kind of week, into a bitmap;
 * a lookup is then one bit test and never allocates.  Days outside that
 * range know weekends only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

#include "calendar/calendar.h"
#include "xmlio/xmlio.h"

#define NWEEKS		  2
#define SRC_FIXED_MAX	  256  /* holidays on a fixed day */
#define SRC_DATED_MAX	  2048 /* holidays on a date per year */
#define SRC_TRANSFERS_MAX 4096
#define HOURS_MAX	  32
#define RULES_MAX	  32

/* Transfer applies to: a bit per enum cal_week. */
#define WEEK_BIT(w) (1 << (w))
#define WEEK_ALL    (WEEK_BIT(CAL_WEEK_MON_FRI) | WEEK_BIT(CAL_WEEK_MON_SAT))

/* Per-day flags while building. */
#define F_WEEKEND 0x01
#define F_HOLIDAY 0x02
#define F_CARRY	  0x04 /* a holiday that moves when off */
#define F_CARRIED 0x08 /* the day a holiday moved to */

const struct cal_hours cal_hours_office = { CAL_WEEK_MON_FRI, 9 * 60, 18 * 60,
	13 * 60, 14 * 60 };

struct hours_def {
	char type[CAL_NAME_MAX];
	struct cal_hours h;
};

struct cal {
	long base;		    /* days of CAL_YEAR_MIN-01-01 */
	long ndays;		    /* 0: weekends only */
	unsigned char *off[NWEEKS]; /* a set bit is a day off */
	struct cal_rules *rules;
	int nrules;
	struct hours_def *hours;
	int nhours;
	struct cal_choice *choices;
	int nchoices;
};

/* What the calendar files say, before the days are worked out. */
struct src_fixed {
	int m, d, from, to, carry;
};

struct src_dated {
	long day;
	int carry;
};

struct src_transfer {
	long day;
	int off;   /* 1: becomes a day off; 0: a working day */
	int weeks; /* WEEK_BIT mask */
};

struct src {
	struct src_fixed fixed[SRC_FIXED_MAX];
	int nfixed;
	struct src_dated dated[SRC_DATED_MAX];
	int ndated;
	struct src_transfer tr[SRC_TRANSFERS_MAX];
	int ntr;
};

static int
week_index(enum cal_week w)
{
	return w == CAL_WEEK_MON_SAT ? 1 : 0;
}

static int
weekend(int wd, int w)
{
	return wd == 6 || (wd == 5 && w == CAL_WEEK_MON_FRI);
}

static struct cal *
cal_alloc(void)
{
	struct cal *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->rules = calloc(RULES_MAX, sizeof(*c->rules));
	c->hours = calloc(HOURS_MAX, sizeof(*c->hours));
	c->choices = calloc(CAL_CHOICES_MAX, sizeof(*c->choices));
	if (c->rules == NULL || c->hours == NULL || c->choices == NULL) {
		cal_free(c);
		return NULL;
	}
	return c;
}

static void
add_hours(struct cal *c, const char *type, const struct cal_hours *h)
{
	int i;

	for (i = 0; i < c->nhours; i++)
		if (strcmp(c->hours[i].type, type) == 0)
			break;
	if (i == HOURS_MAX)
		return;
	if (i == c->nhours) {
		(void)strlcpy_chk(
		    c->hours[i].type, type, sizeof(c->hours[i].type));
		c->nhours++;
	}
	c->hours[i].h = *h;
}

struct cal *
cal_builtin(void)
{
	struct cal_rules *r;
	struct cal *c;

	if ((c = cal_alloc()) == NULL)
		return NULL;
	r = &c->rules[c->nrules++];
	(void)strlcpy_chk(r->name, "law-221", sizeof(r->name));
	(void)strlcpy_chk(r->title,
	    "Law No. 221-III of 12 January 2007 "
	    "(built in)",
	    sizeof(r->title));
	/* Open-ended both ways: the only rule set there is. */
	r->by_date = 1;
	r->count = CAL_COUNT_NEXT_DAY;
	r->roll_forward = 1;
	r->event = CAL_EVENT_REGISTRATION;
	r->consider = (struct cal_span){ 15, CAL_UNIT_CALENDAR, "art. 8 p. 1" };
	r->extra_study = (struct cal_span){ 30, CAL_UNIT_CALENDAR,
		"art. 8 p. 1" };
	r->extension = (struct cal_span){ 30, CAL_UNIT_CALENDAR,
		"art. 8 p. 2" };
	r->notify_extension = (struct cal_span){ 3, CAL_UNIT_CALENDAR,
		"art. 8 p. 2" };
	r->forward = (struct cal_span){ 3, CAL_UNIT_WORKING, "art. 7" };
	add_hours(c, "office", &cal_hours_office);
	return c;
}

void
cal_free(struct cal *c)
{
	if (c == NULL)
		return;
	for (int w = 0; w < NWEEKS; w++)
		free(c->off[w]);
	free(c->rules);
	free(c->hours);
	free(c->choices);
	free(c);
}

int
cal_is_working_day(const struct cal *c, struct date d, enum cal_week w)
{
	int wi = week_index(w);
	long i;

	if (c != NULL && c->ndays > 0) {
		i = date_to_days(d) - c->base;
		if (i >= 0 && i < c->ndays)
			return !(c->off[wi][i >> 3] & (1u << (i & 7)));
	}
	return !weekend(date_weekday(d), w);
}

struct date
cal_roll_forward(const struct cal *c, struct date d, enum cal_week w)
{
	while (!cal_is_working_day(c, d, w))
		d = date_add(d, 1);
	return d;
}

struct date
cal_add_working_days(const struct cal *c, struct date d, int n, enum cal_week w)
{
	while (n > 0) {
		d = date_add(d, 1);
		if (cal_is_working_day(c, d, w))
			n--;
	}
	return d;
}

struct date
cal_add_calendar_days(
    const struct cal *c, struct date d, int n, enum cal_week w)
{
	return cal_roll_forward(c, date_add(d, n), w);
}

static struct date
add_months(struct date d, int n)
{
	long mi = d.y * 12L + (d.m - 1) + n;
	struct date r;

	r.y = (int)(mi / 12);
	r.m = (int)(mi % 12) + 1;
	/* 31 January plus a month ends on the last day of February. */
	r.d = d.d;
	if (r.d > date_days_in_month(r.y, r.m))
		r.d = date_days_in_month(r.y, r.m);
	return r;
}

int
cal_span_end(const struct cal *c, const struct cal_rules *r, struct cal_span s,
    struct date from, enum cal_week w, struct date *out)
{
	int same = r->count == CAL_COUNT_SAME_DAY;
	struct date d;

	if (s.n <= 0)
		return -1;
	switch (s.unit) {
	case CAL_UNIT_CALENDAR:
		d = date_add(from, same ? s.n - 1 : s.n);
		break;
	case CAL_UNIT_WORKING:
		/* Counting from the day itself makes it day one. */
		if (same && cal_is_working_day(c, from, w))
			d = cal_add_working_days(c, from, s.n - 1, w);
		else
			d = cal_add_working_days(c, from, s.n, w);
		break;
	case CAL_UNIT_MONTHS:
		d = add_months(from, s.n);
		if (same)
			d = date_add(d, -1);
		break;
	default:
		return -1;
	}
	if (r->roll_forward)
		d = cal_roll_forward(c, d, w);
	*out = d;
	return 0;
}

const struct cal_rules *
cal_rules_find(const struct cal *c, const char *name)
{
	if (c == NULL || name == NULL)
		return NULL;
	for (int i = 0; i < c->nrules; i++)
		if (strcmp(c->rules[i].name, name) == 0)
			return &c->rules[i];
	return NULL;
}

static int
in_force(const struct cal_rules *r, struct date d)
{
	if (r->from.y != 0 && date_cmp(d, r->from) < 0)
		return 0;
	if (r->until.y != 0 && date_cmp(d, r->until) > 0)
		return 0;
	return 1;
}

const struct cal_rules *
cal_rules_at(const struct cal *c, struct date d)
{
	if (c == NULL)
		return NULL;
	for (int i = 0; i < c->nrules; i++)
		if (c->rules[i].by_date && in_force(&c->rules[i], d))
			return &c->rules[i];
	return NULL;
}

/* The level names of a choice, in the order of its mask's bits. */
static const char *const level_names[] = { "institution", "district", "city",
	"ministry", "quality-control" };

const char *
cal_level_name(int i)
{
	if (i < 0 || (size_t)i >= sizeof(level_names) / sizeof(level_names[0]))
		return NULL;
	return level_names[i];
}

static int
level_index(const char *name)
{
	for (int i = 0; cal_level_name(i) != NULL; i++)
		if (strcmp(cal_level_name(i), name) == 0)
			return i;
	return -1;
}

const char *
cal_event_name(enum cal_event e)
{
	return e == CAL_EVENT_RECEIPT ? "receipt" : "registration";
}

const struct cal_choice *
cal_choose(const struct cal *c, struct date d, int service, const char *level)
{
	const struct cal_choice *ch;
	int li = level != NULL ? level_index(level) : -1;

	if (c == NULL)
		return NULL;
	for (int i = 0; i < c->nchoices; i++) {
		ch = &c->choices[i];
		if ((ch->from.y != 0 && date_cmp(d, ch->from) < 0) ||
		    (ch->until.y != 0 && date_cmp(d, ch->until) > 0))
			continue;
		if (ch->services != 0 &&
		    (service < 1 || service > 31 ||
			(ch->services & (1u << service)) == 0))
			continue;
		if (ch->levels != 0 &&
		    (li < 0 || (ch->levels & (1u << li)) == 0))
			continue;
		return ch;
	}
	return NULL;
}

static int
valid_moment(const struct moment *m)
{
	return m->m >= 1 && m->m <= 12 && m->d >= 1 &&
	    m->d <= date_days_in_month(m->y, m->m);
}

int
cal_due(
    const struct cal *c, const struct cal_due_in *in, struct cal_due_out *out)
{
	const struct cal_hours *h = in->hours ? in->hours : &cal_hours_office;
	const struct cal_choice *ch = NULL;
	const struct cal_rules *r;
	const struct cal_span *span;
	const struct moment *ev;
	const char *target = in->target, *basis;
	struct date reg = { in->registered.y, in->registered.m,
		in->registered.d },
		    day;
	int minute;

	if (!valid_moment(&in->registered) ||
	    (in->has_received && !valid_moment(&in->received)))
		return -1;
	if (in->rules != NULL) {
		r = cal_rules_find(c, in->rules);
		basis = "pinned by the configuration";
	} else if ((ch = cal_choose(c, reg, in->service, in->level)) != NULL) {
		r = cal_rules_find(c, ch->rules); /* checked at load */
		basis = ch->basis;
		if (target == NULL && ch->target[0] != '\0')
			target = ch->target;
	} else {
		r = cal_rules_at(c, reg);
		basis = "in force on the registration date";
	}
	if (r == NULL)
		return -1;

	memset(out, 0, sizeof(*out));
	out->rules = r->name;
	out->title = r->title;
	out->basis = basis;
	out->event = r->event;
	/* Received after it was registered is a typing error: ignore it. */
	ev = &in->registered;
	if (r->event == CAL_EVENT_RECEIPT && in->has_received) {
		struct date rd = { in->received.y, in->received.m,
			in->received.d };

		if (date_cmp(rd, reg) <= 0)
			ev = &in->received;
	}
	day = (struct date){ ev->y, ev->m, ev->d };
	minute = ev->hh * 60 + ev->mm;
	out->start = day;
	if (r->after_hours_next_day) {
		if (!cal_is_working_day(c, day, h->week)) {
			out->start = cal_roll_forward(c, day, h->week);
			out->moved = 1;
		} else if (minute >= h->close) {
			out->start = cal_add_working_days(c, day, 1, h->week);
			out->moved = 1;
		}
	}

	span = &r->consider;
	if (target != NULL)
		for (int i = 0; i < r->ntargets; i++)
			if (strcmp(r->targets[i].name, target) == 0) {
				span = &r->targets[i].consider;
				out->target = r->targets[i].name;
			}
	if (in->extra_study && r->extra_study.unit != CAL_UNIT_NONE) {
		span = &r->extra_study;
		out->extra_study = 1;
	}
	out->clause = span->source;
	return cal_span_end(c, r, *span, out->start, h->week, &out->due);
}

static int
period(const struct cal *c, const char *rules, size_t off, struct date d,
    enum cal_week w, struct date *out)
{
	const struct cal_rules *r;
	struct cal_span s;

	if ((r = cal_rules_find(c, rules)) == NULL)
		return -1;
	memcpy(&s, (const char *)r + off, sizeof(s));
	return cal_span_end(c, r, s, d, w, out);
}

int
cal_extend(const struct cal *c, const char *rules, struct date due,
    enum cal_week w, struct date *out)
{
	return period(
	    c, rules, offsetof(struct cal_rules, extension), due, w, out);
}

int
cal_notify_due(const struct cal *c, const char *rules, struct date decided,
    enum cal_week w, struct date *out)
{
	return period(c, rules, offsetof(struct cal_rules, notify_extension),
	    decided, w, out);
}

int
cal_forward_due(const struct cal *c, const char *rules, struct date registered,
    enum cal_week w, struct date *out)
{
	return period(
	    c, rules, offsetof(struct cal_rules, forward), registered, w, out);
}

int
cal_appeal_forward_due(const struct cal *c, const char *rules,
    struct date registered, enum cal_week w, struct date *out)
{
	return period(c, rules, offsetof(struct cal_rules, appeal_forward),
	    registered, w, out);
}

const struct cal_hours *
cal_hours_for(const struct cal *c, const char *type)
{
	if (c == NULL || type == NULL)
		return NULL;
	for (int i = 0; i < c->nhours; i++)
		if (strcmp(c->hours[i].type, type) == 0)
			return &c->hours[i].h;
	return NULL;
}

/*
 * Loading.
 */

static int
attr_time(struct xmlio_ld *ld, xmlNodePtr n, const char *name, int *out)
{
	char v[8];
	int rc;

	*out = -1;
	if ((rc = xmlio_ld_attr(ld, n, name, v, sizeof(v))) <= 0)
		return rc;
	if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' ||
	    v[1] < '0' || v[1] > '9' || v[3] < '0' || v[3] > '5' ||
	    v[4] < '0' || v[4] > '9' || (v[0] - '0') * 10 + v[1] - '0' > 23) {
		xmlio_ld_err(
		    ld, n, "attribute %s: \"%s\" is not HH:MM", name, v);
		return -1;
	}
	*out = ((v[0] - '0') * 10 + v[1] - '0') * 60 + (v[3] - '0') * 10 +
	    v[4] - '0';
	return 0;
}

static int
in_range(long day)
{
	return day >= date_to_days((struct date){ CAL_YEAR_MIN, 1, 1 }) &&
	    day <= date_to_days((struct date){ CAL_YEAR_MAX, 12, 31 });
}

static int
read_fixed(struct xmlio_ld *ld, xmlNodePtr n, struct src *s)
{
	struct src_fixed f;

	if (xmlio_ld_int(ld, n, "month", 1, 12, 0, &f.m) != 0 ||
	    xmlio_ld_int(ld, n, "day", 1, 31, 0, &f.d) != 0 ||
	    xmlio_ld_int(ld, n, "from-year", 1900, 2999, 1900, &f.from) == -1 ||
	    xmlio_ld_int(ld, n, "to-year", 1900, 2999, 2999, &f.to) == -1 ||
	    xmlio_ld_bool(ld, n, "carry", 1, &f.carry) == -1) {
		if (ld->err[0] == '\0')
			xmlio_ld_err(ld, n, "a holiday needs month and day");
		return -1;
	}
	/* 29 February only in leap years: checked against 2000. */
	if (f.d > date_days_in_month(2000, f.m)) {
		xmlio_ld_err(ld, n, "month %d has no day %d", f.m, f.d);
		return -1;
	}
	if (f.from > f.to) {
		xmlio_ld_err(
		    ld, n, "from-year %d is after to-year %d", f.from, f.to);
		return -1;
	}
	if (s->nfixed == SRC_FIXED_MAX) {
		xmlio_ld_err(ld, n, "more than %d holidays", SRC_FIXED_MAX);
		return -1;
	}
	s->fixed[s->nfixed++] = f;
	return 0;
}

static int
read_dated(struct xmlio_ld *ld, xmlNodePtr n, struct src *s)
{
	struct date d;
	int carry;

	if (xmlio_ld_bool(ld, n, "carry", 1, &carry) == -1)
		return -1;
	for (xmlNodePtr k = n->children; k != NULL; k = k->next) {
		if (!xmlio_is_elem(k, "on"))
			continue;
		if (xmlio_ld_date(ld, k, "date", 1, &d) == -1)
			return -1;
		if (!in_range(date_to_days(d)))
			continue;
		if (s->ndated == SRC_DATED_MAX) {
			xmlio_ld_err(ld, k, "more than %d dated holidays",
			    SRC_DATED_MAX);
			return -1;
		}
		s->dated[s->ndated].day = date_to_days(d);
		s->dated[s->ndated].carry = carry;
		s->ndated++;
	}
	return 0;
}

static int
read_transfers(struct xmlio_ld *ld, xmlNodePtr n, struct src *s)
{
	struct src_transfer t;
	struct date d;
	char week[16];

	for (xmlNodePtr k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (xmlio_is_elem(k, "off"))
			t.off = 1;
		else if (xmlio_is_elem(k, "working"))
			t.off = 0;
		else
			continue;
		if (xmlio_ld_date(ld, k, "date", 1, &d) == -1 ||
		    xmlio_ld_attr(ld, k, "week", week, sizeof(week)) == -1)
			return -1;
		if (week[0] == '\0' || strcmp(week, "mon-fri") == 0)
			t.weeks = WEEK_BIT(CAL_WEEK_MON_FRI);
		else if (strcmp(week, "mon-sat") == 0)
			t.weeks = WEEK_BIT(CAL_WEEK_MON_SAT);
		else if (strcmp(week, "all") == 0)
			t.weeks = WEEK_ALL;
		else {
			xmlio_ld_err(ld, k,
			    "week \"%s\" is not mon-fri, mon-sat "
			    "or all",
			    week);
			return -1;
		}
		t.day = date_to_days(d);
		if (!in_range(t.day))
			continue;
		if (s->ntr == SRC_TRANSFERS_MAX) {
			xmlio_ld_err(
			    ld, k, "more than %d transfers", SRC_TRANSFERS_MAX);
			return -1;
		}
		s->tr[s->ntr++] = t;
	}
	return 0;
}

static int
read_hours(struct xmlio_ld *ld, xmlNodePtr n, struct cal *c)
{
	struct cal_hours h;
	char type[CAL_NAME_MAX], week[16];

	memset(&h, 0, sizeof(h));
	if (xmlio_ld_attr(ld, n, "type", type, sizeof(type)) != 1 ||
	    xmlio_ld_attr(ld, n, "week", week, sizeof(week)) == -1 ||
	    attr_time(ld, n, "open", &h.open) == -1 ||
	    attr_time(ld, n, "close", &h.close) == -1 ||
	    attr_time(ld, n, "lunch-from", &h.lunch_from) == -1 ||
	    attr_time(ld, n, "lunch-to", &h.lunch_to) == -1) {
		if (ld->err[0] == '\0')
			xmlio_ld_err(ld, n, "hours need a type");
		return -1;
	}
	if (week[0] == '\0' || strcmp(week, "mon-fri") == 0)
		h.week = CAL_WEEK_MON_FRI;
	else if (strcmp(week, "mon-sat") == 0)
		h.week = CAL_WEEK_MON_SAT;
	else {
		xmlio_ld_err(
		    ld, n, "week \"%s\" is not mon-fri or mon-sat", week);
		return -1;
	}
	if ((h.lunch_from == -1) != (h.lunch_to == -1)) {
		xmlio_ld_err(ld, n,
		    "hours %s: lunch-from and lunch-to go together", type);
		return -1;
	}
	if (h.lunch_from == -1) {
		h.lunch_from = h.close;
		h.lunch_to = h.close;
	}
	if (h.open < 0 || h.open >= h.close || h.lunch_from < h.open ||
	    h.lunch_from > h.lunch_to || h.lunch_to > h.close) {
		xmlio_ld_err(ld, n,
		    "hours %s: need open <= lunch-from <= lunch-to "
		    "<= close and open < close",
		    type);
		return -1;
	}
	if (cal_hours_for(c, type) == NULL && c->nhours == HOURS_MAX) {
		xmlio_ld_err(ld, n, "more than %d kinds of hours", HOURS_MAX);
		return -1;
	}
	add_hours(c, type, &h);
	return 0;
}

static int
read_calendar(const struct xmlio_schemas *set, struct xmlio_ld *ld,
    struct cal *c, struct src *s)
{
	xmlDocPtr doc;
	xmlNodePtr root, n;
	int rc = -1;

	if ((doc = xmlio_ld_doc(ld, set, "calendar", CAL_FILE_MAX)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlio_is_elem(n, "fixed")) {
			if (read_fixed(ld, n, s) == -1)
				goto out;
		} else if (xmlio_is_elem(n, "dated")) {
			if (read_dated(ld, n, s) == -1)
				goto out;
		} else if (xmlio_is_elem(n, "transfers")) {
			if (read_transfers(ld, n, s) == -1)
				goto out;
		} else if (xmlio_is_elem(n, "hours")) {
			if (read_hours(ld, n, c) == -1)
				goto out;
		}
	}
	rc = 0;
out:
	xmlFreeDoc(doc);
	return rc;
}

static int
read_span(struct xmlio_ld *ld, xmlNodePtr n, const char *lname,
    const char *uname, struct cal_span *s)
{
	char unit[32];
	int rc;

	if (xmlio_ld_int(ld, n, lname, 1, 366, 0, &s->n) != 0 ||
	    (rc = xmlio_ld_attr(ld, n, uname, unit, sizeof(unit))) != 1) {
		if (ld->err[0] == '\0')
			xmlio_ld_err(
			    ld, n, "%s needs %s and %s", n->name, lname, uname);
		return -1;
	}
	if (xmlio_ld_attr(ld, n, "source", s->source, sizeof(s->source)) == -1)
		return -1;
	if (strcmp(unit, "calendar-days") == 0)
		s->unit = CAL_UNIT_CALENDAR;
	else if (strcmp(unit, "working-days") == 0)
		s->unit = CAL_UNIT_WORKING;
	else if (strcmp(unit, "months") == 0 && s->n <= 24)
		s->unit = CAL_UNIT_MONTHS;
	else {
		xmlio_ld_err(ld, n,
		    "%s: unit \"%s\" is not calendar-days, "
		    "working-days or months (at most 24)",
		    n->name, unit);
		return -1;
	}
	return 0;
}

/* An attribute of two values: absent or first 0, second 1, else -1. */
static int
two_way(const char *v, const char *first, const char *second)
{
	if (v[0] == '\0' || strcmp(v, first) == 0)
		return 0;
	return strcmp(v, second) == 0 ? 1 : -1;
}

static int
read_counting(struct xmlio_ld *ld, xmlNodePtr n, struct cal_rules *r)
{
	char start[16], after[24], dayoff[24], event[16];
	int c, a, ev, k;

	if (xmlio_ld_attr(ld, n, "from", event, sizeof(event)) == -1 ||
	    xmlio_ld_attr(ld, n, "start", start, sizeof(start)) == -1 ||
	    xmlio_ld_attr(ld, n, "after-hours", after, sizeof(after)) == -1 ||
	    xmlio_ld_attr(ld, n, "due-on-day-off", dayoff, sizeof(dayoff)) ==
		-1)
		return -1;
	if ((c = two_way(start, "next-day", "same-day")) == -1 ||
	    (a = two_way(after, "same-day", "next-working-day")) == -1 ||
	    (ev = two_way(event, "registration", "receipt")) == -1 ||
	    (k = two_way(dayoff, "next-working-day", "keep")) == -1)
		goto bad;
	r->count = c ? CAL_COUNT_SAME_DAY : CAL_COUNT_NEXT_DAY;
	r->after_hours_next_day = a;
	r->event = ev ? CAL_EVENT_RECEIPT : CAL_EVENT_REGISTRATION;
	r->roll_forward = !k;
	return 0;
bad:
	xmlio_ld_err(ld, n, "unknown counting convention");
	return -1;
}

static int
read_consideration(
    struct xmlio_ld *ld, xmlNodePtr n, struct cal_rules *r, int *have_default)
{
	struct cal_target *t;
	char to[CAL_NAME_MAX];
	int rc;

	if ((rc = xmlio_ld_attr(ld, n, "to", to, sizeof(to))) == -1)
		return -1;
	if (rc == 0) {
		if ((*have_default)++) {
			xmlio_ld_err(ld, n,
			    "rule set %s: two consideration periods "
			    "without \"to\"",
			    r->name);
			return -1;
		}
		return read_span(ld, n, "length", "unit", &r->consider);
	}
	for (int i = 0; i < r->ntargets; i++)
		if (strcmp(r->targets[i].name, to) == 0) {
			xmlio_ld_err(ld, n,
			    "rule set %s: two consideration periods "
			    "to %s",
			    r->name, to);
			return -1;
		}
	if (r->ntargets == CAL_TARGETS_MAX) {
		xmlio_ld_err(ld, n, "rule set %s: more than %d targets",
		    r->name, CAL_TARGETS_MAX);
		return -1;
	}
	t = &r->targets[r->ntargets++];
	(void)strlcpy_chk(t->name, to, sizeof(t->name));
	return read_span(ld, n, "length", "unit", &t->consider);
}

static int
read_ruleset(struct xmlio_ld *ld, xmlNodePtr n, struct cal *c)
{
	struct cal_rules *r;
	xmlNodePtr k;
	char *title;
	int have_default = 0;

	if (c->nrules == RULES_MAX) {
		xmlio_ld_err(ld, n, "more than %d rule sets", RULES_MAX);
		return -1;
	}
	r = &c->rules[c->nrules];
	memset(r, 0, sizeof(*r));
	r->roll_forward = 1;
	if (xmlio_ld_attr(ld, n, "name", r->name, sizeof(r->name)) != 1 ||
	    xmlio_ld_date(ld, n, "from", 0, &r->from) == -1 ||
	    xmlio_ld_date(ld, n, "until", 0, &r->until) == -1 ||
	    xmlio_ld_bool(ld, n, "by-date", 1, &r->by_date) == -1) {
		if (ld->err[0] == '\0')
			xmlio_ld_err(ld, n, "a rule set needs a name");
		return -1;
	}
	if (cal_rules_find(c, r->name) != NULL) {
		xmlio_ld_err(ld, n, "rule set %s defined twice", r->name);
		return -1;
	}
	if (r->from.y != 0 && r->until.y != 0 &&
	    date_cmp(r->from, r->until) > 0) {
		xmlio_ld_err(
		    ld, n, "rule set %s: from is after until", r->name);
		return -1;
	}
	for (k = n->children; k != NULL; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (xmlio_is_elem(k, "title")) {
			if ((title = xmlio_child_text(k, NULL)) == NULL) {
				xmlio_ld_err(ld, k, "out of memory");
				return -1;
			}
			if (strlcpy_chk(r->title, title, sizeof(r->title)) ==
			    -1) {
				free(title);
				xmlio_ld_err(ld, k, "title too long");
				return -1;
			}
			free(title);
		} else if (xmlio_is_elem(k, "counting")) {
			if (read_counting(ld, k, r) == -1)
				return -1;
		} else if (xmlio_is_elem(k, "consideration")) {
			if (read_consideration(ld, k, r, &have_default) == -1)
				return -1;
		} else if (xmlio_is_elem(k, "extra-study")) {
			if (read_span(
				ld, k, "length", "unit", &r->extra_study) == -1)
				return -1;
		} else if (xmlio_is_elem(k, "extension")) {
			if (read_span(ld, k, "length", "unit", &r->extension) ==
				-1 ||
			    read_span(ld, k, "notify", "notify-unit",
				&r->notify_extension) == -1)
				return -1;
		} else if (xmlio_is_elem(k, "forward")) {
			if (read_span(ld, k, "length", "unit", &r->forward) ==
			    -1)
				return -1;
		} else if (xmlio_is_elem(k, "appeal-forward")) {
			if (read_span(ld, k, "length", "unit",
				&r->appeal_forward) == -1)
				return -1;
		}
	}
	if (!have_default) {
		xmlio_ld_err(ld, n,
		    "rule set %s: no consideration period without "
		    "\"to\"",
		    r->name);
		return -1;
	}
	c->nrules++;
	return 0;
}

/* Two rule sets chosen by date must never both be in force. */
static int
check_overlap(struct xmlio_ld *ld, const struct cal *c)
{
	const struct cal_rules *a, *b;
	long af, au, bf, bu;

	for (int i = 0; i < c->nrules; i++)
		for (int j = i + 1; j < c->nrules; j++) {
			a = &c->rules[i];
			b = &c->rules[j];
			if (!a->by_date || !b->by_date)
				continue;
			af = a->from.y ? date_to_days(a->from) : -1000000L;
			au = a->until.y ? date_to_days(a->until) : 1000000L;
			bf = b->from.y ? date_to_days(b->from) : -1000000L;
			bu = b->until.y ? date_to_days(b->until) : 1000000L;
			if (af <= bu && bf <= au) {
				xmlio_ld_err(ld, NULL,
				    "rule sets %s and %s are both "
				    "in force on some day; set until, or "
				    "by-date=\"false\" on one",
				    a->name, b->name);
				return -1;
			}
		}
	return 0;
}

/*
 * A space-separated list as a mask: level names (levels), or numbers and
 * ranges from 1 to 31 ("1-11", "2 4 9").
 */
static int
parse_mask(const char *v, int levels, unsigned *mask)
{
	char buf[128], *p, *tok, *dash, *save = NULL;
	long long a, b;

	*mask = 0;
	if (strlcpy_chk(buf, v, sizeof(buf)) == -1)
		return -1;
	for (p = buf; (tok = strtok_r(p, " ", &save)) != NULL; p = NULL) {
		if (levels) {
			if ((a = level_index(tok)) == -1)
				return -1;
			b = a;
		} else {
			if ((dash = strchr(tok, '-')) != NULL)
				*dash++ = '\0';
			if (parse_ll(tok, 1, 31, &a) == -1 ||
			    parse_ll(dash ? dash : tok, 1, 31, &b) == -1 ||
			    a > b)
				return -1;
		}
		for (long long i = a; i <= b; i++)
			*mask |= 1u << i;
	}
	return *mask != 0 ? 0 : -1;
}

static int
read_choice(struct xmlio_ld *ld, xmlNodePtr n, struct cal *c)
{
	const struct cal_rules *r;
	struct cal_choice *ch;
	char v[128];
	int rc, found;

	if (c->nchoices == CAL_CHOICES_MAX) {
		xmlio_ld_err(ld, n, "more than %d choices", CAL_CHOICES_MAX);
		return -1;
	}
	ch = &c->choices[c->nchoices];
	memset(ch, 0, sizeof(*ch));
	if (xmlio_ld_attr(ld, n, "rules", ch->rules, sizeof(ch->rules)) != 1 ||
	    xmlio_ld_attr(ld, n, "to", ch->target, sizeof(ch->target)) == -1 ||
	    xmlio_ld_attr(ld, n, "basis", ch->basis, sizeof(ch->basis)) == -1 ||
	    xmlio_ld_date(ld, n, "from", 0, &ch->from) == -1 ||
	    xmlio_ld_date(ld, n, "until", 0, &ch->until) == -1) {
		if (ld->err[0] == '\0')
			xmlio_ld_err(ld, n, "<use> needs rules");
		return -1;
	}
	if ((r = cal_rules_find(c, ch->rules)) == NULL) {
		xmlio_ld_err(ld, n, "<use>: no rule set %s", ch->rules);
		return -1;
	}
	if (ch->target[0] != '\0') {
		found = 0;
		for (int i = 0; i < r->ntargets; i++)
			found |= strcmp(r->targets[i].name, ch->target) == 0;
		if (!found) {
			xmlio_ld_err(ld, n,
			    "<use>: rule set %s has no "
			    "consideration period to %s",
			    ch->rules, ch->target);
			return -1;
		}
	}
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "levels" : "services";

		if ((rc = xmlio_ld_attr(ld, n, name, v, sizeof(v))) == -1)
			return -1;
		if (rc == 1 &&
		    parse_mask(v, k, k ? &ch->levels : &ch->services) == -1) {
			xmlio_ld_err(ld, n, "%s \"%s\": %s", name, v,
			    k ? "each must be institution, district, city, "
				"ministry or quality-control" :
				"not a list of "
				"numbers or ranges from 1 to 31");
			return -1;
		}
	}
	c->nchoices++;
	return 0;
}

static int
read_rules(const struct xmlio_schemas *set, struct xmlio_ld *ld, struct cal *c)
{
	xmlDocPtr doc;
	xmlNodePtr n;
	int rc = -1;

	if ((doc = xmlio_ld_doc(ld, set, "rules", CAL_FILE_MAX)) == NULL)
		return -1;
	for (n = xmlDocGetRootElement(doc)->children; n != NULL; n = n->next)
		if (xmlio_is_elem(n, "ruleset") && read_ruleset(ld, n, c) == -1)
			goto out;
	/* After every rule set, so that a choice can name any of them. */
	for (n = xmlDocGetRootElement(doc)->children; n != NULL; n = n->next) {
		if (!xmlio_is_elem(n, "choose"))
			continue;
		for (xmlNodePtr k = n->children; k != NULL; k = k->next)
			if (xmlio_is_elem(k, "use") &&
			    read_choice(ld, k, c) == -1)
				goto out;
	}
	if (c->nrules == 0) {
		xmlio_ld_err(ld, NULL, "no rule set");
		goto out;
	}
	rc = check_overlap(ld, c);
out:
	xmlFreeDoc(doc);
	return rc;
}

static void
mark(unsigned char *fl, long i, long ndays, int carry)
{
	if (i < 0 || i >= ndays)
		return;
	fl[i] |= F_HOLIDAY;
	if (carry)
		fl[i] |= F_CARRY;
}

/* Works out every day of the range for one kind of week. */
static void
build_week(const struct cal *c, const struct src *s, int w, unsigned char *fl,
    unsigned char *bits)
{
	const struct src_fixed *f;
	long i, j;
	int wd, y;

	memset(fl, 0, (size_t)c->ndays);
	/* c->base is a Saturday: 2000-01-01. */
	wd = date_weekday(date_from_days(c->base));
	for (i = 0; i < c->ndays; i++, wd = (wd + 1) % 7)
		if (weekend(wd, w))
			fl[i] |= F_WEEKEND;
	for (int k = 0; k < s->nfixed; k++) {
		f = &s->fixed[k];
		for (y = f->from < CAL_YEAR_MIN ? CAL_YEAR_MIN : f->from;
		     y <= f->to && y <= CAL_YEAR_MAX; y++)
			if (f->d <= date_days_in_month(y, f->m))
				mark(fl,
				    date_to_days(
					(struct date){ y, f->m, f->d }) -
					c->base,
				    c->ndays, f->carry);
	}
	for (int k = 0; k < s->ndated; k++)
		mark(
		    fl, s->dated[k].day - c->base, c->ndays, s->dated[k].carry);

	/*
	 * A holiday on a day off gives the next day that is neither a day
	 * off, a holiday nor already given; in date order, so two holidays
	 * on a weekend give two days.
	 */
	for (i = 0; i < c->ndays; i++) {
		if ((fl[i] & (F_CARRY | F_WEEKEND)) != (F_CARRY | F_WEEKEND))
			continue;
		for (j = i + 1; j < c->ndays; j++)
			if (!(fl[j] & (F_WEEKEND | F_HOLIDAY | F_CARRIED))) {
				fl[j] |= F_CARRIED;
				break;
			}
	}

	for (i = 0; i < c->ndays; i++)
		if (fl[i] & (F_WEEKEND | F_HOLIDAY | F_CARRIED))
			bits[i >> 3] |= (unsigned char)(1u << (i & 7));
	/* The government's transfers, in file order, have the last word. */
	for (int k = 0; k < s->ntr; k++) {
		if (!(s->tr[k].weeks & WEEK_BIT(w)))
			continue;
		i = s->tr[k].day - c->base;
		if (i < 0 || i >= c->ndays)
			continue;
		if (s->tr[k].off)
			bits[i >> 3] |= (unsigned char)(1u << (i & 7));
		else
			bits[i >> 3] &= (unsigned char)~(1u << (i & 7));
	}
}

static int
build_days(struct cal *c, const struct src *s)
{
	unsigned char *fl;

	c->base = date_to_days((struct date){ CAL_YEAR_MIN, 1, 1 });
	c->ndays = date_to_days((struct date){ CAL_YEAR_MAX + 1, 1, 1 }) -
	    c->base;
	if ((fl = malloc((size_t)c->ndays)) == NULL)
		return -1;
	for (int w = 0; w < NWEEKS; w++) {
		if ((c->off[w] = calloc((size_t)(c->ndays + 7) / 8, 1)) ==
		    NULL) {
			free(fl);
			c->ndays = 0;
			return -1;
		}
		build_week(c, s, w, fl, c->off[w]);
	}
	free(fl);
	return 0;
}

struct cal *
cal_load_with_overrides(const char *calendar_xml_path,
    const char *local_xml_path, const char *rules_xml_path,
    const char *schema_dir, char *err, size_t errlen)
{
	struct xmlio_schemas *set = NULL;
	struct cal *c = NULL, *ret = NULL;
	struct src *s = NULL;
	struct xmlio_ld ld = { NULL, schema_dir, err, errlen };

	err[0] = '\0';
	if (calendar_xml_path == NULL || rules_xml_path == NULL ||
	    schema_dir == NULL) {
		snprintf(err, errlen, "calendar: a data file is not named");
		goto out;
	}
	if ((set = xmlio_schemas_load(schema_dir, err, errlen)) == NULL)
		goto out;
	if (!xmlio_schemas_has(set, "calendar") ||
	    !xmlio_schemas_has(set, "rules")) {
		xmlio_ld_err(&ld, NULL, "calendar.xsd or rules.xsd is missing");
		goto out;
	}
	if ((c = cal_alloc()) == NULL || (s = calloc(1, sizeof(*s))) == NULL) {
		xmlio_ld_err(&ld, NULL, "out of memory");
		goto out;
	}
	ld.path = calendar_xml_path;
	if (read_calendar(set, &ld, c, s) == -1)
		goto out;
	if (local_xml_path != NULL) {
		ld.path = local_xml_path;
		if (read_calendar(set, &ld, c, s) == -1)
			goto out;
	}
	ld.path = rules_xml_path;
	if (read_rules(set, &ld, c) == -1)
		goto out;
	if (build_days(c, s) == -1) {
		xmlio_ld_err(&ld, NULL, "out of memory");
		goto out;
	}
	ret = c;
	c = NULL;
out:
	cal_free(c);
	free(s);
	xmlio_schemas_free(set);
	return ret;
}

struct cal *
cal_load(const char *calendar_xml_path, const char *rules_xml_path,
    const char *schema_dir, char *err, size_t errlen)
{
	return cal_load_with_overrides(
	    calendar_xml_path, NULL, rules_xml_path, schema_dir, err, errlen);
}
