/*
 * complaints: the law as it applies to a new entry.  Which rule set and
 * clause give its due date (the calendar's choice by date, service and
 * the level of the body hearing it), what starts the count (registration
 * or receipt), the ground it is about, what its service's regulation asks
 * a complaint to carry and what of that the registrar checked, and by
 * when a complaint that is not the body's must be forwarded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints_int.h"

int
complaints_law_due(struct complaints *cx, const struct db_body *b,
    const struct moment *reg, time_t accepted, time_t received, int service,
    struct cal_due_out *out)
{
	struct cal_due_in din;

	memset(&din, 0, sizeof(din));
	din.registered = *reg;
	din.rules = cx->rules;
	din.hours = complaints_hours(cx, b);
	din.service = service;
	din.level = routing_level(cx->routing, b->code);
	/* Received before it was registered: the APPK counts from then. */
	if (received != 0 && received < accepted &&
	    tz_local(
		b->tz[0] ? b->tz : cx->timezone, received, &din.received) == 0)
		din.has_received = 1;
	return cal_due(cx->cal, &din, out);
}

/* Whether the registrar marked what as present: 1, 0, or -1 unmarked. */
static int
checked(const char *list, const char *what)
{
	size_t n = strlen(what);

	for (const char *p = list; p != NULL && *p;) {
		if (strncmp(p, what, n) == 0 && p[n] == '=')
			return p[n + 1] == '1';
		if ((p = strchr(p, ';')) != NULL)
			p++;
	}
	return -1;
}

/* What the document itself shows, for the requirements it can show. */
static int
shown(const struct db_complaint *c, const char *what)
{
	if (strcmp(what, "full-name") == 0)
		return c->surname != NULL && c->name != NULL;
	if (strcmp(what, "postal-address") == 0)
		return c->address != NULL && *c->address;
	if (strcmp(what, "signature") == 0)
		return c->is_signed;
	if (strcmp(what, "subject") == 0)
		return c->subject_name != NULL || c->subject_official != NULL;
	if (strcmp(what, "reasons-and-demands") == 0)
		return c->reasons != NULL && c->demands != NULL;
	if (strcmp(what, "legal-representative") == 0)
		return c->representative_of != NULL && *c->representative_of;
	return 0;
}

int
complaints_law_intake(struct complaints *cx, const struct db_complaint *c,
    const char *checked_list, struct db_law *l, char *missing, size_t len)
{
	struct routing_requirement q[ROUTING_INTAKE_MAX];
	size_t at = 0, mat = 0;
	int n, nmissing = 0;

	l->intake[0] = '\0';
	if (len > 0)
		missing[0] = '\0';
	n = routing_intake(cx->routing, c->service, q, ROUTING_INTAKE_MAX);
	for (int i = 0; i < n; i++) {
		int mark = checked(checked_list, q[i].what);
		int ok = mark == 1 || (mark == -1 && shown(c, q[i].what));
		int w;

		/* The record keeps what was checked, and against which
		   clause; a cut record still ends on a whole entry. */
		w = snprintf(l->intake + at, sizeof(l->intake) - at,
		    "%s%s: %s (%s)", at ? "; " : "", q[i].what,
		    ok		  ? "yes" :
			mark == 0 ? "no" :
				    "not checked",
		    q[i].clause);
		if (w > 0 && (size_t)w < sizeof(l->intake) - at)
			at += (size_t)w;
		else
			l->intake[at] = '\0';
		if (ok)
			continue;
		nmissing++;
		w = snprintf(missing + mat, len - mat, "%s%s (%s)",
		    mat ? "; " : "", q[i].what, q[i].clause);
		if (w > 0 && (size_t)w < len - mat)
			mat += (size_t)w;
		else if (mat < len)
			missing[mat] = '\0';
	}
	return nmissing;
}

int
complaints_intake_marks(xmlNodePtr intake, char **out)
{
	struct buf b;
	char *what, *present;

	*out = NULL;
	if (intake == NULL)
		return 0;
	buf_init(&b, 1024);
	for (xmlNodePtr k = intake->children; k != NULL; k = k->next) {
		if (!xmlio_is_elem(k, "checked"))
			continue;
		what = xmlio_prop(k, "what");
		present = xmlio_prop(k, "present");
		/* The schema allows the names; true or 1 is present. */
		if (what == NULL || present == NULL ||
		    buf_printf(&b, "%s=%d;", what,
			strcmp(present, "true") == 0 ||
			    strcmp(present, "1") == 0) == -1) {
			free(what);
			free(present);
			buf_free(&b);
			return -1;
		}
		free(what);
		free(present);
	}
	if (b.len > 0)
		*out = buf_release(&b, NULL);
	buf_free(&b);
	return 0;
}

int
complaints_talon_law_xml(
    struct xmlio_out *o, const struct complaints_talon_law *tl)
{
	const struct db_law *l;

	if (tl == NULL || (l = tl->law) == NULL)
		return 0;
	if ((l->clause[0] && xmlio_out_elem(o, "clause", l->clause) == -1) ||
	    (l->count_from[0] &&
		xmlio_out_elem(o, "counted-from", l->count_from) == -1) ||
	    (l->basis[0] && xmlio_out_elem(o, "basis", l->basis) == -1) ||
	    (l->ground[0] && xmlio_out_elem(o, "ground", l->ground) == -1) ||
	    (l->forward_due[0] &&
		xmlio_out_elem(o, "forward-by", l->forward_due) == -1) ||
	    (l->intake[0] && xmlio_out_elem(o, "intake", l->intake) == -1) ||
	    (tl->intake_missing && tl->intake_missing[0] &&
		xmlio_out_elem(o, "intake-missing", tl->intake_missing) == -1))
		return -1;
	return 0;
}

int
complaints_law_of(struct db *db, int64_t id, struct db_law *law,
    struct complaints_talon_law *tl)
{
	memset(tl, 0, sizeof(*tl));
	if (db_law_get(db, id, law) != DB_OK)
		return -1;
	tl->law = law;
	if (law->received_at != 0 && law->received_at < law->accepted_at)
		tl->received_at = (time_t)law->received_at;
	return 0;
}

int
complaints_record_law_xml(
    struct xmlio_out *o, struct db *db, int64_t id, const char *tz)
{
	struct db_law l;

	if (db_law_get(db, id, &l) != DB_OK ||
	    (l.clause[0] == '\0' && l.forward_due[0] == '\0' &&
		l.ground[0] == '\0'))
		return 0; /* registered before the law was recorded */
	if (xmlio_out_start(o, "law") == -1 ||
	    (l.clause[0] && xmlio_out_elem(o, "clause", l.clause) == -1) ||
	    (l.count_from[0] &&
		xmlio_out_elem(o, "counted-from", l.count_from) == -1) ||
	    (l.basis[0] && xmlio_out_elem(o, "basis", l.basis) == -1) ||
	    (l.ground[0] && xmlio_out_elem(o, "ground", l.ground) == -1) ||
	    (l.intake[0] && xmlio_out_elem(o, "intake", l.intake) == -1) ||
	    (l.forward_due[0] &&
		xmlio_out_elem(o, "forward-by", l.forward_due) == -1) ||
	    (l.forward_reminded_at &&
		complaints_out_time(o, "forward-reminded-at", tz,
		    (time_t)l.forward_reminded_at) == -1) ||
	    (l.forward_overdue_at &&
		complaints_out_time(o, "forward-overdue-since", tz,
		    (time_t)l.forward_overdue_at) == -1) ||
	    xmlio_out_end(o) == -1)
		return -1;
	return 0;
}

void
complaints_slip_law(struct complaints *cx, struct db *db,
    const struct db_status *s, char *received, size_t rlen, char *rule,
    size_t len)
{
	struct db_law law;
	struct complaints_talon_law tl;
	struct moment m;

	received[0] = rule[0] = '\0';
	if (complaints_law_of(db, s->id, &law, &tl) == -1)
		return;
	if (tl.received_at != 0 && rlen >= 32 &&
	    tz_local(s->body_tz[0] ? s->body_tz : cx->timezone, tl.received_at,
		&m) == 0)
		moment_iso(&m, received);
	if (law.clause[0] != '\0')
		snprintf(rule, len, "%s, %s", s->rules, law.clause);
}

int
complaints_full_name(const char *surname, const char *given,
    const char *patronymic, char *out, size_t len)
{
	const char *part[3] = { surname, given, patronymic };
	size_t at = 0;

	if (len == 0)
		return -1;
	out[0] = '\0';
	for (int i = 0; i < 3; i++) {
		size_t n;
		int w;

		if (part[i] == NULL)
			continue;
		/* Each part a single trimmed word group, never empty. */
		while (*part[i] == ' ' || *part[i] == '\t')
			part[i]++;
		n = strlen(part[i]);
		while (
		    n > 0 && (part[i][n - 1] == ' ' || part[i][n - 1] == '\t'))
			n--;
		if (n == 0 || memchr(part[i], '\n', n) != NULL)
			return i == 2 ? 0 : -1;
		w = snprintf(out + at, len - at, "%s%.*s", at ? " " : "",
		    (int)n, part[i]);
		if (w < 0 || (size_t)w >= len - at)
			return -1;
		at += (size_t)w;
	}
	return at > 0 ? 0 : -1;
}
