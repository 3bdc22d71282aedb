/*
 * complaintctl deadline: the due date under a rule set, worked out
 * offline from the calendar and rule set files, so that anyone can check
 * the daemon's arithmetic.  Prints YYYY-MM-DD and nothing else.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar/calendar.h"
#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define CAL_FILE   "schemas/data/calendar-kz.xml"
#define LOCAL_FILE "schemas/data/calendar-local.xml"
#define RULES_FILE "schemas/data/rules.xml"
#define SCHEMA_DIR "schemas"

struct dl_opts {
	const char *rules, *from, *at, *hours, *target;
	const char *service, *level, *received;
	const char *calendar, *local, *rules_file, *schemas;
	int extended, extra_study;
};

static void
dl_usage(void)
{
	fprintf(stderr,
	    "usage: complaintctl deadline [--rules NAME] "
	    "--from YYYY-MM-DD [--at HH:MM]\n"
	    "\t[--extended] [--extra-study] [--hours TYPE] [--to KIND]\n"
	    "\t[--service N] [--level LEVEL] [--received YYYY-MM-DD[THH:MM]]\n"
	    "\t[--calendar FILE] [--local FILE] [--rules-file FILE] "
	    "[--schemas DIR]\n");
}

/*
 * Where a data file is: under $COMPLAINTS_SHARE_DIR or DATADIR when it
 * is there, else relative to the working directory.
 */
static int
dl_find(const char *rel, char *out, size_t len)
{
	const char *dir = ctl_share_dir();

	if ((size_t)snprintf(out, len, "%s/%s", dir, rel) >= len)
		return -1;
	if (access(out, R_OK) == 0)
		return 0;
	if ((size_t)snprintf(out, len, "./%s", rel) >= len)
		return -1;
	return access(out, R_OK) == 0 ? 0 : -1;
}

static int
dl_time(const char *s, int *hh, int *mm)
{
	long long h, m;
	char b[3];

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	memcpy(b, s, 2);
	b[2] = '\0';
	if (parse_ll(b, 0, 23, &h) == -1 || parse_ll(s + 3, 0, 59, &m) == -1)
		return -1;
	*hh = (int)h;
	*mm = (int)m;
	return 0;
}

static int
dl_level_known(const char *level)
{
	for (int i = 0; cal_level_name(i) != NULL; i++)
		if (strcmp(cal_level_name(i), level) == 0)
			return 1;
	return 0;
}

/* YYYY-MM-DD, or YYYY-MM-DDTHH:MM (*hh stays -1 without a time). */
static int
dl_received(const char *s, struct date *d, int *hh, int *mm)
{
	char day[11];

	if (strlen(s) < 10)
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (date_parse(day, d) == -1)
		return -1;
	if (s[10] == '\0')
		return 0;
	if (s[10] != 'T')
		return -1;
	return dl_time(s + 11, hh, mm);
}

/* The lines after the date: which rule and clause, from what, and why. */
static void
dl_explain(const struct cal *c, const struct cal_due_out *d, int extended)
{
	const struct cal_rules *r = cal_rules_find(c, d->rules);
	char start[11];

	printf("rules: %s", d->rules);
	if (d->title[0] != '\0')
		printf(" (%s)", d->title);
	printf("\nclause: %s", d->clause[0] ? d->clause : "not given");
	if (d->target != NULL)
		printf(" (to %s)", d->target);
	if (extended && r != NULL)
		printf("; extended under %s",
		    r->extension.source[0] ? r->extension.source :
					     "the rule set");
	date_iso(d->start, start);
	printf("\ncounted from: %s, %s%s\n", cal_event_name(d->event), start,
	    d->moved ? " (after hours or on a day off: the next working day)" :
		       "");
	printf("chosen: %s\n", d->basis);
}

/* Parses the options; -1 on a usage error (already reported). */
static int
dl_parse(int argc, char **argv, struct dl_opts *o)
{
	const struct {
		const char *name;
		const char **val; /* an option with a value */
		int *flag;	  /* or a flag */
	} tab[] = {
		{ "rules", &o->rules, NULL },
		{ "from", &o->from, NULL },
		{ "at", &o->at, NULL },
		{ "hours", &o->hours, NULL },
		{ "to", &o->target, NULL },
		{ "service", &o->service, NULL },
		{ "level", &o->level, NULL },
		{ "received", &o->received, NULL },
		{ "calendar", &o->calendar, NULL },
		{ "local", &o->local, NULL },
		{ "rules-file", &o->rules_file, NULL },
		{ "schemas", &o->schemas, NULL },
		{ "extended", NULL, &o->extended },
		{ "extra-study", NULL, &o->extra_study },
	};
	const char *arg, *val, *eq;
	size_t nlen, k;
	int i;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strncmp(arg, "--", 2) != 0) {
			fprintf(stderr,
			    "complaintctl: deadline: unexpected "
			    "argument \"%s\"\n",
			    arg);
			return -1;
		}
		arg += 2;
		eq = strchr(arg, '=');
		nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		for (k = 0; k < sizeof(tab) / sizeof(tab[0]); k++)
			if (strlen(tab[k].name) == nlen &&
			    strncmp(tab[k].name, arg, nlen) == 0)
				break;
		if (k == sizeof(tab) / sizeof(tab[0])) {
			fprintf(stderr,
			    "complaintctl: deadline: unknown "
			    "option \"%s\"\n",
			    argv[i]);
			return -1;
		}
		if (tab[k].flag != NULL) {
			if (eq != NULL) {
				fprintf(stderr,
				    "complaintctl: deadline: "
				    "--%s takes no value\n",
				    tab[k].name);
				return -1;
			}
			*tab[k].flag = 1;
			continue;
		}
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			fprintf(stderr,
			    "complaintctl: deadline: --%s needs a "
			    "value\n",
			    tab[k].name);
			return -1;
		}
		*tab[k].val = val;
	}
	if (o->from == NULL) {
		fprintf(stderr, "complaintctl: deadline: --from is needed\n");
		return -1;
	}
	return 0;
}

int
cmd_deadline(int argc, char **argv)
{
	char cal_path[1024], local_path[1024], rules_path[1024];
	char schemas[1024], err[512], out[11];
	const struct cal_hours *h = &cal_hours_office;
	struct cal_due_in in;
	struct cal_due_out due;
	struct dl_opts o;
	struct cal *c = NULL;
	struct date from, rcv;
	long long service = 0;
	int hh = 0, mm = 0, rhh = -1, rmm = 0, rc = CTL_REFUSED;

	memset(&o, 0, sizeof(o));
	if (dl_parse(argc, argv, &o) == -1) {
		dl_usage();
		return CTL_USAGE;
	}
	if (date_parse(o.from, &from) == -1) {
		fprintf(stderr,
		    "complaintctl: deadline: --from \"%s\" is not "
		    "a date YYYY-MM-DD\n",
		    o.from);
		return CTL_USAGE;
	}
	if (o.at != NULL && dl_time(o.at, &hh, &mm) == -1) {
		fprintf(stderr,
		    "complaintctl: deadline: --at \"%s\" is not "
		    "a time HH:MM\n",
		    o.at);
		return CTL_USAGE;
	}
	if (o.service != NULL && parse_ll(o.service, 1, 31, &service) == -1) {
		fprintf(stderr,
		    "complaintctl: deadline: --service \"%s\" is "
		    "not a service number\n",
		    o.service);
		return CTL_USAGE;
	}
	if (o.level != NULL && !dl_level_known(o.level)) {
		fprintf(stderr,
		    "complaintctl: deadline: --level \"%s\" is not "
		    "institution, district, city, ministry or "
		    "quality-control\n",
		    o.level);
		return CTL_USAGE;
	}
	if (o.received != NULL &&
	    dl_received(o.received, &rcv, &rhh, &rmm) == -1) {
		fprintf(stderr,
		    "complaintctl: deadline: --received \"%s\" is "
		    "not YYYY-MM-DD or YYYY-MM-DDTHH:MM\n",
		    o.received);
		return CTL_USAGE;
	}

	/* The local additions that go with the installed calendar. */
	if (o.local == NULL && o.calendar == NULL &&
	    dl_find(LOCAL_FILE, local_path, sizeof(local_path)) == 0)
		o.local = local_path;
	if (o.calendar == NULL &&
	    dl_find(CAL_FILE, cal_path, sizeof(cal_path)) == 0)
		o.calendar = cal_path;
	if (o.rules_file == NULL &&
	    dl_find(RULES_FILE, rules_path, sizeof(rules_path)) == 0)
		o.rules_file = rules_path;
	if (o.schemas == NULL &&
	    dl_find(SCHEMA_DIR "/calendar.xsd", schemas, sizeof(schemas)) ==
		0) {
		/* The folder of the schema found. */
		schemas[strlen(schemas) - strlen("/calendar.xsd")] = '\0';
		o.schemas = schemas;
	}
	if (o.calendar == NULL || o.rules_file == NULL || o.schemas == NULL) {
		fprintf(stderr,
		    "complaintctl: deadline: cannot find %s under "
		    "%s or .\n",
		    o.calendar == NULL	     ? CAL_FILE :
			o.rules_file == NULL ? RULES_FILE :
					       SCHEMA_DIR,
		    ctl_share_dir());
		return CTL_REFUSED;
	}

	xmlio_init();
	if ((c = cal_load_with_overrides(o.calendar, o.local, o.rules_file,
		 o.schemas, err, sizeof(err))) == NULL) {
		fprintf(stderr, "complaintctl: deadline: %s\n", err);
		goto out;
	}
	if (o.hours != NULL && (h = cal_hours_for(c, o.hours)) == NULL) {
		fprintf(stderr,
		    "complaintctl: deadline: no hours of type "
		    "\"%s\" in %s\n",
		    o.hours, o.calendar);
		goto out;
	}
	if (o.rules != NULL && cal_rules_find(c, o.rules) == NULL) {
		fprintf(stderr,
		    "complaintctl: deadline: no rule set \"%s\" "
		    "in %s\n",
		    o.rules, o.rules_file);
		goto out;
	}

	memset(&in, 0, sizeof(in));
	in.registered.y = from.y;
	in.registered.m = from.m;
	in.registered.d = from.d;
	/* Without --at, a time within working hours. */
	in.registered.hh = o.at ? hh : h->open / 60;
	in.registered.mm = o.at ? mm : h->open % 60;
	in.hours = h;
	in.rules = o.rules;
	in.extra_study = o.extra_study;
	in.target = o.target;
	in.service = (int)service;
	in.level = o.level;
	if (o.received != NULL) {
		in.has_received = 1;
		in.received.y = rcv.y;
		in.received.m = rcv.m;
		in.received.d = rcv.d;
		/* Without a time, within working hours. */
		in.received.hh = rhh >= 0 ? rhh : h->open / 60;
		in.received.mm = rhh >= 0 ? rmm : h->open % 60;
	}
	if (cal_due(c, &in, &due) == -1) {
		fprintf(stderr,
		    "complaintctl: deadline: no rule set in force "
		    "on %s\n",
		    o.from);
		goto out;
	}
	if (o.extended &&
	    cal_extend(c, due.rules, due.due, h->week, &due.due) == -1) {
		fprintf(stderr,
		    "complaintctl: deadline: rule set %s has no "
		    "extension\n",
		    due.rules);
		goto out;
	}
	date_iso(due.due, out);
	printf("%s\n", out);
	dl_explain(c, &due, o.extended);
	if (fflush(stdout) == EOF) {
		perror("complaintctl: deadline: stdout");
		goto out;
	}
	rc = CTL_OK;
out:
	cal_free(c);
	return rc;
}
