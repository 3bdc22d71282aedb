/*
 * complaints: reports for heads and the ministry.
 *
 * The figures of a period, by one grouping, summed from the per-day
 * counters that the database keeps in the transaction of every event
 * (db/report_sql.h defines each figure once, by the events it counts).
 * Written as XML (schemas/report.xsd), CSV or a text table here; as a
 * workbook and as charts in report_out.c.  Every cell of the XML links
 * to the trace, which lists the complaints behind it from the same
 * definition.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/uri.h>

#include "complaints/complaints_int.h"

#define TRACE_MAX 500

const struct report_figure report_figures[] = {
	{ "received", DB_RF_RECEIVED, "Түскені", "Поступило" },
	{ "registered-on-time", DB_RF_REGISTERED_ON_TIME,
	    "Мерзімінде тіркелгені", "Зарегистрировано в срок" },
	{ "forwarded-in", DB_RF_FORWARDED_IN, "Басқа органнан келгені",
	    "Поступило из другого органа" },
	{ "appeals-in", DB_RF_APPEALS_IN, "Түскен шағымдар (жоғары саты)",
	    "Поступившие жалобы (вышестоящий)" },
	{ "forwarded-out", DB_RF_FORWARDED_OUT, "Басқа органға жіберілгені",
	    "Направлено в другой орган" },
	{ "decided", DB_RF_DECIDED, "Шешім қабылданғаны", "Принято решений" },
	{ "upheld", DB_RF_UPHELD, "Қанағаттандырылды", "Удовлетворено" },
	{ "partly-upheld", DB_RF_PARTLY_UPHELD, "Ішінара қанағаттандырылды",
	    "Удовлетворено частично" },
	{ "rejected", DB_RF_REJECTED, "Бас тартылды", "Отказано" },
	{ "explained", DB_RF_EXPLAINED, "Түсіндірілді", "Разъяснено" },
	{ "lwc-anonymous", DB_RF_LWC_ANONYMOUS, "Қараусыз: жасырын",
	    "Без рассмотрения: анонимное" },
	{ "lwc-repeated", DB_RF_LWC_REPEATED, "Қараусыз: қайталанған",
	    "Без рассмотрения: повторное" },
	{ "withdrawn", DB_RF_WITHDRAWN, "Кері қайтарылды", "Отозвано" },
	{ "answered-on-time", DB_RF_ANSWERED_ON_TIME,
	    "Мерзімінде жауап берілді", "Отвечено в срок" },
	{ "answered-late", DB_RF_ANSWERED_LATE, "Мерзімі өткен соң жауап",
	    "Отвечено с нарушением срока" },
	{ "overdue-now", RF_OVERDUE_NOW, "Қазір мерзімі өткен",
	    "Просрочено сейчас" },
	{ "became-overdue", DB_RF_BECAME_OVERDUE, "Мерзімі өтті",
	    "Стало просроченным" },
	{ "extended", DB_RF_EXTENDED, "Мерзімі ұзартылды", "Срок продлён" },
	{ "days-to-decision-average", RF_DAYS_AVERAGE,
	    "Шешімге дейін жұмыс күні (орташа)",
	    "Рабочих дней до решения (среднее)" },
	{ "days-to-decision-p90", RF_DAYS_P90, "Шешімге дейін жұмыс күні (90%)",
	    "Рабочих дней до решения (90%)" },
	{ "appealed", DB_RF_APPEALED, "Шағым жасалды", "Обжаловано" },
	{ "appeal-decided", DB_RF_APPEAL_DECIDED,
	    "Шағым бойынша шешім (жоғары саты)",
	    "Решения по жалобам (вышестоящий)" },
	{ "appeal-upheld", DB_RF_APPEAL_UPHELD, "Шағым қанағаттандырылды",
	    "Жалоба удовлетворена" },
	{ "appeal-partly-upheld", DB_RF_APPEAL_PARTLY_UPHELD,
	    "Шағым ішінара қанағаттандырылды",
	    "Жалоба удовлетворена частично" },
	{ "appeal-rejected", DB_RF_APPEAL_REJECTED, "Шағымнан бас тартылды",
	    "В жалобе отказано" },
	{ "appeal-explained", DB_RF_APPEAL_EXPLAINED, "Шағым түсіндірілді",
	    "По жалобе разъяснено" },
	{ "repeated", DB_RF_REPEATED, "Қайталанған", "Повторные" },
};
const size_t report_nfigures = sizeof(report_figures) /
    sizeof(report_figures[0]);

static const char *const groupings[] = { "body", "service", "institution",
	"month", "channel", NULL };

/*
 * The working-day table: local days with their first second (UTC), from
 * the first year of the calendar data to the end of next year.  Days to
 * come are added as they enter the range; the counters are counted again
 * only when a day gone by was missing or has changed (a correction of
 * the calendar).
 */
int
complaints_report_calendar(struct db *db, const struct cal *cal, const char *tz)
{
	struct date d = { REPORT_FIRST_YEAR, 1, 1 };
	struct moment m;
	char day[11];
	long first = date_to_days(d), last, today;
	int64_t cum = 0, start, old_start, old_cum;
	int rc, wd, old_wd, recount = 0;

	if (tz_local(tz, clock_now(), &m) == -1)
		return DB_ERROR;
	today = date_to_days((struct date){ m.y, m.m, m.d });
	last = date_to_days((struct date){ m.y + 1, 12, 31 });
	for (long i = first; i <= last; i++) {
		d = date_from_days(i);
		/* Local midnight: guess with the offset, then correct it. */
		start = (int64_t)i * 86400;
		for (int k = 0; k < 2; k++) {
			if (tz_local(tz, (time_t)start, &m) == -1)
				return DB_ERROR;
			start = (int64_t)i * 86400 - m.utcoff;
		}
		wd = cal_is_working_day(cal, d, CAL_WEEK_MON_FRI) ? 1 : 0;
		cum += wd;
		date_iso(d, day);
		rc = db_report_workday_get(
		    db, day, &old_start, &old_cum, &old_wd);
		if (rc == DB_OK && old_start == start && old_cum == cum &&
		    old_wd == wd)
			continue;
		if (rc != DB_OK && rc != DB_NOTFOUND)
			return rc;
		/*
		 * A day gone by that was missing or is now another: the
		 * events of the journal may have been counted with it.
		 */
		if (i <= today)
			recount = 1;
		if ((rc = db_report_workday_put(db, day, start, cum, wd)) !=
		    DB_OK)
			return rc;
	}
	return recount ? db_report_recount(db) : DB_OK;
}

static int
valid_grouping(const char *g)
{
	for (int i = 0; groupings[i]; i++)
		if (strcmp(groupings[i], g) == 0)
			return 1;
	return 0;
}

/*
 * Who sees which bodies: the caller's own and those below it (a city
 * department's head sees its district offices), or any for desk and admin.
 */
static int
report_scope(struct db *db, const struct complaints_actor *a, const char *body,
    struct db_body *b, struct complaints_error *e)
{
	int all;

	memset(b, 0, sizeof(*b));
	if (complaints_actor_check(a, e) == -1)
		return -1;
	all = a->role == COMPLAINTS_ROLE_SYSTEM ||
	    a->role == COMPLAINTS_ROLE_DESK || a->role == COMPLAINTS_ROLE_ADMIN;
	if (body == NULL || *body == '\0') {
		if (all)
			return 0;
		body = a->body;
	}
	if (complaints_body_named(db, body, b, COMPLAINTS_EINVAL, e) != DB_OK)
		return -1;
	if (!all && !complaints_within(db, a->body, b)) {
		complaints_error_set(e, COMPLAINTS_EPERM, "other-body",
		    "%s (%s of %s) sees the reports of %s and the bodies "
		    "below it only",
		    a->login, complaints_role_name(a->role), a->body, a->body);
		return -1;
	}
	return 0;
}

struct bodies_ctx {
	struct xmlio_out *o;
	int failed;
};

static int
bodies_row(void *arg, const struct db_body_row *r)
{
	struct bodies_ctx *c = arg;

	if (xmlio_out_start(c->o, "body") == -1 ||
	    xmlio_out_attr(c->o, "code", r->code) == -1 ||
	    xmlio_out_attr(c->o, "name-kk", r->name_kk) == -1 ||
	    xmlio_out_attr(c->o, "name-ru", r->name_ru ? r->name_ru : "") ==
		-1 ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
}

int
complaints_report_bodies(struct complaints *cx,
    const struct complaints_actor *a, struct buf *xml,
    struct complaints_error *e)
{
	struct bodies_ctx c;
	struct xmlio_out o;
	struct db *db;
	int rc = DB_OK;

	if (complaints_actor_check(a, e) == -1)
		return -1;
	memset(&c, 0, sizeof(c));
	c.o = &o;
	if (xmlio_out_begin(&o, "report-bodies") == -1)
		goto fail;
	if (a->role == COMPLAINTS_ROLE_REGISTRAR ||
	    a->role == COMPLAINTS_ROLE_HEAD) {
		if ((db = complaints_reader(cx, e)) == NULL) {
			xmlio_out_free(&o);
			return -1;
		}
		rc = db_body_subtree(db, a->body, bodies_row, &c);
		db_pool_put(cx->readers, db);
	}
	if (rc != DB_OK || c.failed || xmlio_out_finish(&o, xml) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	complaints_error_set(
	    e, COMPLAINTS_EINTERNAL, "internal", "the bodies cannot be read");
	return -1;
}

static int
period(struct complaints *cx, const struct complaints_report_query *q,
    struct report *r, struct complaints_error *e)
{
	struct date f, t;
	struct moment m;

	if (tz_local(cx->timezone, clock_now(), &m) == -1) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "unknown time zone %s", cx->timezone);
		return -1;
	}
	t = (struct date){ m.y, m.m, m.d };
	f = (struct date){ m.y, 1, 1 };
	if (q->from && *q->from && date_parse(q->from, &f) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "from: a date such as 2026-01-01");
		return -1;
	}
	if (q->to && *q->to && date_parse(q->to, &t) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "to: a date such as 2026-12-31");
		return -1;
	}
	if (date_cmp(f, t) > 0 || f.y < 2000 || t.y > 2100) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-period",
		    "the period runs from a day to the same or a later one, "
		    "between 2000 and 2100");
		return -1;
	}
	date_iso(f, r->from);
	date_iso(t, r->to);
	return 0;
}

static struct report_group *
group_find(struct report *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->g[i].key, key) == 0)
			return &r->g[i];
	return NULL;
}

/* The group of key, added when new; NULL past the cap. */
static struct report_group *
group_get(struct report *r, const char *key)
{
	struct report_group *g;

	if ((g = group_find(r, key)) != NULL)
		return g;
	if (r->n % 64 == 0) {
		if (r->n >= REPORT_GROUPS_MAX)
			return NULL;
		g = realloc(r->g, (r->n + 64) * sizeof(*g));
		if (g == NULL)
			return NULL;
		r->g = g;
	}
	g = &r->g[r->n++];
	memset(g, 0, sizeof(*g));
	g->p90 = -1;
	strlcpy_chk(g->key, key, sizeof(g->key));
	return g;
}

struct collect {
	struct report *r;
	int full;
	/* The distribution of the days to decision. */
	const char *cur;
	int64_t seen;
	int64_t *hist; /* REPORT_WD_MAX + 1, all groups */
};

static int
sum_cb(void *arg, const char *key, const int64_t v[DB_RF__MAX])
{
	struct collect *c = arg;
	struct report_group *g = group_get(c->r, key);

	if (g == NULL)
		return c->full = 1;
	for (int i = 0; i < DB_RF__MAX; i++) {
		g->v[i] += v[i];
		c->r->total.v[i] += v[i];
	}
	return 0;
}

static int
overdue_cb(void *arg, const char *key, int64_t n)
{
	struct collect *c = arg;
	struct report_group *g = group_get(c->r, key);

	if (g == NULL)
		return c->full = 1;
	g->overdue += n;
	c->r->total.overdue += n;
	return 0;
}

/*
 * The 90th percentile, nearest rank: the least number of working days
 * within which at least 90% of the decisions were taken.
 */
static int
p90_rank(int64_t n)
{
	return (int)((n * 9 + 9) / 10);
}

static int
wd_cb(void *arg, const char *key, int wd, int64_t n)
{
	struct collect *c = arg;
	struct report_group *g = group_find(c->r, key);

	if (wd > REPORT_WD_MAX)
		wd = REPORT_WD_MAX;
	if (wd < 0)
		wd = 0;
	c->hist[wd] += n;
	if (g == NULL)
		return 0;
	if (c->cur == NULL || strcmp(c->cur, g->key) != 0) {
		c->cur = g->key;
		c->seen = 0;
	}
	if (g->p90 < 0 && c->seen + n >= p90_rank(g->v[DB_RF_WD_N]))
		g->p90 = wd;
	c->seen += n;
	return 0;
}

static void
label(struct db *db, const struct report *r, struct report_group *g)
{
	struct db_body b;
	const char *key = g->key;

	if (strcmp(r->group, "service") == 0) {
		snprintf(
		    g->name_kk, sizeof(g->name_kk), "%d-қызмет", atoi(key));
		snprintf(
		    g->name_ru, sizeof(g->name_ru), "Услуга %d", atoi(key));
		snprintf(g->key, sizeof(g->key), "%d", atoi(key));
		return;
	}
	if ((strcmp(r->group, "body") == 0 ||
		strcmp(r->group, "institution") == 0) &&
	    *key && db_body_by_code(db, key, &b) == DB_OK) {
		strlcpy_chk(g->name_kk, b.name_kk, sizeof(g->name_kk));
		strlcpy_chk(g->name_ru, b.name_ru, sizeof(g->name_ru));
		return;
	}
	if (*key == '\0') {
		strlcpy_chk(g->name_kk, "(көрсетілмеген)", sizeof(g->name_kk));
		strlcpy_chk(g->name_ru, "(не указано)", sizeof(g->name_ru));
		return;
	}
	strlcpy_chk(g->name_kk, key, sizeof(g->name_kk));
	strlcpy_chk(g->name_ru, key, sizeof(g->name_ru));
}

void
report_free(struct report *r)
{
	free(r->g);
	r->g = NULL;
	r->n = 0;
}

int
report_make(struct complaints *cx, struct db *db,
    const struct complaints_actor *a, const struct complaints_report_query *q,
    struct report *r, struct complaints_error *e)
{
	struct db_report_q dq;
	struct collect c;
	int64_t rank, seen;
	int rc;

	memset(r, 0, sizeof(*r));
	r->total.p90 = -1;
	strlcpy_chk(r->group, q->group && *q->group ? q->group : "body",
	    sizeof(r->group));
	if (!valid_grouping(r->group)) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "group: body, service, institution, month or channel");
		return -1;
	}
	if (q->service < 0 || q->service > 11) {
		complaints_error_set(
		    e, COMPLAINTS_EINVAL, "bad-parameter", "service: 1 to 11");
		return -1;
	}
	r->service = q->service;
	if (period(cx, q, r, e) == -1 ||
	    report_scope(db, a, q->body, &r->body, e) == -1)
		return -1;
	memset(&dq, 0, sizeof(dq));
	dq.group = r->group;
	dq.from = r->from;
	dq.to = r->to;
	dq.body_id = r->body.id;
	dq.service = r->service;
	memset(&c, 0, sizeof(c));
	c.r = r;
	if ((c.hist = calloc(REPORT_WD_MAX + 1, sizeof(*c.hist))) == NULL) {
		complaints_error_set(
		    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
		return -1;
	}
	rc = db_report_sum(db, &dq, sum_cb, &c);
	if (rc == DB_OK && !c.full)
		rc = db_report_overdue(db, &dq, overdue_cb, &c);
	if (rc == DB_OK && !c.full)
		rc = db_report_wd(db, &dq, wd_cb, &c);
	if (rc != DB_OK) {
		free(c.hist);
		return complaints_db_error(e, rc, "the report cannot be read");
	}
	if (c.full) {
		free(c.hist);
		complaints_error_set(e, COMPLAINTS_ELIMIT, "too-many-groups",
		    "more than %d groups: choose a body, a service or a "
		    "shorter period",
		    REPORT_GROUPS_MAX);
		return -1;
	}
	rank = p90_rank(r->total.v[DB_RF_WD_N]);
	seen = 0;
	for (int i = 0; i <= REPORT_WD_MAX && r->total.v[DB_RF_WD_N]; i++)
		if ((seen += c.hist[i]) >= rank) {
			r->total.p90 = i;
			break;
		}
	free(c.hist);
	for (size_t i = 0; i < r->n; i++)
		label(db, r, &r->g[i]);
	strlcpy_chk(r->total.key, "", sizeof(r->total.key));
	strlcpy_chk(r->total.name_kk, "Барлығы", sizeof(r->total.name_kk));
	strlcpy_chk(r->total.name_ru, "Итого", sizeof(r->total.name_ru));
	return 0;
}

double
report_value(const struct report_group *g, int idx)
{
	switch (idx) {
	case RF_OVERDUE_NOW:
		return (double)g->overdue;
	case RF_DAYS_AVERAGE:
		return g->v[DB_RF_WD_N] ?
		    (double)g->v[DB_RF_WD_SUM] / (double)g->v[DB_RF_WD_N] :
		    0.0;
	case RF_DAYS_P90:
		return g->p90 < 0 ? 0.0 : (double)g->p90;
	}
	return (double)g->v[idx];
}

/* The value as text: whole numbers, the average with one decimal. */
static void
value_text(const struct report_group *g, int idx, char *out, size_t size)
{
	if (idx == RF_DAYS_AVERAGE)
		snprintf(out, size, "%.1f", report_value(g, idx));
	else
		snprintf(out, size, "%.0f", report_value(g, idx));
}

/* The query string of the trace of a cell (key NULL: the total). */
static void
trace_href(const struct report *r, const char *figure, const char *key,
    char *out, size_t size)
{
	char *enc = key ? (char *)xmlURIEscapeStr(BAD_CAST key, BAD_CAST "") :
			  NULL;
	int n;

	n = snprintf(out, size,
	    "/api/v1/reports/complaints?figure=%s&from=%s"
	    "&to=%s",
	    figure, r->from, r->to);
	if (r->body.id && n > 0 && (size_t)n < size)
		n += snprintf(
		    out + n, size - (size_t)n, "&body=%s", r->body.code);
	if (r->service && n > 0 && (size_t)n < size)
		n += snprintf(
		    out + n, size - (size_t)n, "&service=%d", r->service);
	if (key && n > 0 && (size_t)n < size &&
	    !(strcmp(r->group, "body") == 0 && r->body.id))
		snprintf(out + n, size - (size_t)n, "&%s=%s", r->group,
		    enc ? enc : "");
	xmlFree(enc);
}

static int
xml_group(struct xmlio_out *o, const struct report *r,
    const struct report_group *g, int total)
{
	char v[32], href[512];

	if (xmlio_out_start(o, total ? "total" : "group") == -1 ||
	    (!total && xmlio_out_attr(o, "key", g->key) == -1) ||
	    xmlio_out_attr(o, "name-kk", g->name_kk) == -1 ||
	    xmlio_out_attr(o, "name-ru", g->name_ru) == -1)
		return -1;
	for (size_t i = 0; i < report_nfigures; i++) {
		const struct report_figure *f = &report_figures[i];

		value_text(g, f->idx, v, sizeof(v));
		trace_href(r,
		    f->idx == RF_DAYS_AVERAGE || f->idx == RF_DAYS_P90 ?
			"days-to-decision" :
			f->name,
		    total ? NULL : g->key, href, sizeof(href));
		if (xmlio_out_start(o, "figure") == -1 ||
		    xmlio_out_attr(o, "name", f->name) == -1 ||
		    xmlio_out_attr(o, "href", href) == -1 ||
		    xmlTextWriterWriteString(o->w, BAD_CAST v) < 0 ||
		    xmlio_out_end(o) == -1)
			return -1;
	}
	return xmlio_out_end(o);
}

static int
write_xml(const struct report *r, struct buf *out)
{
	struct xmlio_out o;
	char svc[8];
	int rc = -1;

	if (xmlio_out_begin(&o, "report") == -1)
		return -1;
	snprintf(svc, sizeof(svc), "%d", r->service);
	if (xmlio_out_attr(&o, "from", r->from) == -1 ||
	    xmlio_out_attr(&o, "to", r->to) == -1 ||
	    xmlio_out_attr(&o, "group", r->group) == -1 ||
	    (r->body.id && xmlio_out_attr(&o, "body", r->body.code) == -1) ||
	    (r->service && xmlio_out_attr(&o, "service", svc) == -1))
		goto out;
	for (size_t i = 0; i < r->n; i++)
		if (xml_group(&o, r, &r->g[i], 0) == -1)
			goto out;
	if (xml_group(&o, r, &r->total, 1) == -1)
		goto out;
	rc = xmlio_out_finish(&o, out);
out:
	xmlio_out_free(&o);
	return rc;
}

static int
write_csv(const struct report *r, struct buf *out)
{
	char v[32];
	int rc;

	rc = buf_csv_field(out, "key", 0) || buf_csv_field(out, "name_kk", 0) ||
	    buf_csv_field(out, "name_ru", 0);
	for (size_t i = 0; rc == 0 && i < report_nfigures; i++)
		rc = buf_csv_field(
		    out, report_figures[i].name, i + 1 == report_nfigures);
	for (size_t i = 0; rc == 0 && i <= r->n; i++) {
		const struct report_group *g = i < r->n ? &r->g[i] : &r->total;

		rc = buf_csv_field(out, i < r->n ? g->key : "total", 0) ||
		    buf_csv_field(out, g->name_kk, 0) ||
		    buf_csv_field(out, g->name_ru, 0);
		for (size_t f = 0; rc == 0 && f < report_nfigures; f++) {
			value_text(g, report_figures[f].idx, v, sizeof(v));
			rc = buf_printf(out, "%s%s", v,
			    f + 1 == report_nfigures ? "\r\n" : ",");
		}
	}
	return rc ? -1 : 0;
}

/* A table for a terminal: one line per figure, one column per group. */
static int
write_text(const struct report *r, struct buf *out)
{
	char v[32];
	int rc;

	rc = buf_printf(out, "period: %s .. %s\nbody: %s\ngroup: %s\n", r->from,
	    r->to, r->body.id ? r->body.code : "all", r->group);
	for (size_t i = 0; rc == 0 && i <= r->n; i++) {
		const struct report_group *g = i < r->n ? &r->g[i] : &r->total;

		rc = buf_printf(out, "\n%s%s%s\n", i < r->n ? g->key : "total",
		    i < r->n ? "  " : "", i < r->n ? g->name_ru : "");
		for (size_t f = 0; rc == 0 && f < report_nfigures; f++) {
			value_text(g, report_figures[f].idx, v, sizeof(v));
			rc = buf_printf(
			    out, "  %-26s %10s\n", report_figures[f].name, v);
		}
	}
	return rc ? -1 : 0;
}

int
report_write(
    const struct report *r, enum complaints_report_format fmt, struct buf *out)
{
	switch (fmt) {
	case COMPLAINTS_REPORT_CSV:
		return write_csv(r, out);
	case COMPLAINTS_REPORT_TEXT:
		return write_text(r, out);
	default:
		return write_xml(r, out);
	}
}

static int
valid_figure(const char *name)
{
	if (strcmp(name, "days-to-decision") == 0)
		return 1;
	for (size_t i = 0; i < report_nfigures; i++)
		if (report_figures[i].idx != RF_DAYS_AVERAGE &&
		    report_figures[i].idx != RF_DAYS_P90 &&
		    strcmp(report_figures[i].name, name) == 0)
			return 1;
	return 0;
}

struct trace_out {
	struct xmlio_out *o;
	struct db *db;
	const struct complaints_actor *a;
	const char *tz;
	int n, err;
	int64_t last;
	/* Whether a may read the last (body, overdue) asked: rows come in
	 * runs of one body, and its scope is a walk up the body tree. */
	char may_body[sizeof(((struct db_body *)0)->code)];
	int may_overdue, may; /* may: -1 not asked yet */
};

static int
trace_cb(void *arg, const struct db_report_trace_row *t)
{
	struct trace_out *x = arg;
	struct xmlio_out *o = x->o;
	struct complaints_error e;
	struct db_body b;
	struct moment m;
	char at[32], svc[8];
	const char *code = t->body_code ? t->body_code : "";

	at[0] = '\0';
	if (tz_local(x->tz, (time_t)t->at, &m) == 0)
		moment_iso(&m, at);
	snprintf(svc, sizeof(svc), "%d", t->service);
	/* A figure may count complaints its reader may not open (the
	 * escalation desk sees every body's figures, and the cases only of
	 * the overdue): say so, so that the page links only the others. */
	if (x->may == -1 || x->may_overdue != t->overdue ||
	    strcmp(x->may_body, code) != 0) {
		memset(&b, 0, sizeof(b));
		strlcpy_chk(b.code, code, sizeof(b.code));
		x->may = complaints_may_read(x->db, x->a, &b, t->overdue, &e) ==
		    0;
		x->may_overdue = t->overdue;
		strlcpy_chk(x->may_body, b.code, sizeof(x->may_body));
	}
	if (xmlio_out_start(o, "complaint") == -1 ||
	    xmlio_out_attr(o, "talon", t->talon ? t->talon : "") == -1 ||
	    xmlio_out_attr(o, "body", code) == -1 ||
	    xmlio_out_attr(o, "service", svc) == -1 ||
	    xmlio_out_attr(o, "day", t->day ? t->day : "") == -1 ||
	    xmlio_out_attr(o, "at", at) == -1 ||
	    xmlio_out_attr(o, "event", t->action ? t->action : "") == -1 ||
	    xmlio_out_attr(o, "state", t->state ? t->state : "") == -1 ||
	    (!x->may && xmlio_out_attr(o, "readable", "false") == -1) ||
	    xmlio_out_end(o) == -1)
		return x->err = 1;
	x->n++;
	x->last = t->id;
	return 0;
}

int
complaints_report_trace(struct complaints *cx, const struct complaints_actor *a,
    const struct complaints_trace_query *q, struct buf *xml,
    struct complaints_error *e)
{
	struct db *db;
	struct report r;
	struct db_report_q dq;
	struct xmlio_out o;
	struct trace_out x;
	char num[24];
	int rc = -1, dbrc;

	memset(&r, 0, sizeof(r));
	memset(&o, 0, sizeof(o));
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	if (q->figure == NULL || !valid_figure(q->figure)) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-parameter",
		    "figure: the name of a figure of the report, such as "
		    "received");
		goto out;
	}
	if (q->r.service < 0 || q->r.service > 11) {
		complaints_error_set(
		    e, COMPLAINTS_EINVAL, "bad-parameter", "service: 1 to 11");
		goto out;
	}
	if (period(cx, &q->r, &r, e) == -1 ||
	    report_scope(db, a, q->r.body, &r.body, e) == -1)
		goto out;
	memset(&dq, 0, sizeof(dq));
	dq.from = r.from;
	dq.to = r.to;
	dq.body_id = r.body.id;
	dq.service = q->r.service;
	dq.figure = q->figure;
	dq.channel = q->channel;
	dq.institution = q->institution;
	dq.month = q->month;
	dq.after = q->after;
	dq.limit = q->limit > 0 && q->limit <= TRACE_MAX ? q->limit : TRACE_MAX;
	if (xmlio_out_begin(&o, "report-complaints") == -1 ||
	    xmlio_out_attr(&o, "figure", q->figure) == -1 ||
	    xmlio_out_attr(&o, "from", r.from) == -1 ||
	    xmlio_out_attr(&o, "to", r.to) == -1 ||
	    (r.body.id && xmlio_out_attr(&o, "body", r.body.code) == -1))
		goto oom;
	memset(&x, 0, sizeof(x));
	x.o = &o;
	x.db = db;
	x.a = a;
	x.tz = cx->timezone;
	x.may = -1;
	dbrc = db_report_trace(db, &dq, trace_cb, &x);
	if (dbrc != DB_OK) {
		complaints_db_error(e, dbrc, "the journal cannot be read");
		goto out;
	}
	if (x.err)
		goto oom;
	if (x.n == dq.limit) {
		snprintf(num, sizeof(num), "%lld", (long long)x.last);
		if (xmlio_out_start(&o, "more") == -1 ||
		    xmlio_out_attr(&o, "after", num) == -1 ||
		    xmlio_out_end(&o) == -1)
			goto oom;
	}
	if (xmlio_out_finish(&o, xml) == -1)
		goto oom;
	rc = 0;
	goto out;
oom:
	/* The writer's memory, or the answer's cap. */
	complaints_error_set(e, COMPLAINTS_ELIMIT, "list-too-large",
	    "the "
	    "list of complaints does not fit in %zu bytes: ask for fewer "
	    "(limit)",
	    xml->cap);
out:
	xmlio_out_free(&o);
	db_reset(db);
	db_pool_put(cx->readers, db);
	return rc;
}

static int
calendar_run(struct db *db, void *arg)
{
	struct complaints *cx = arg;

	return complaints_report_calendar(db, cx->cal, cx->timezone);
}

int
report_open(struct complaints *cx, char *err, size_t errlen)
{
	struct complaints_error e, je;

	memset(&je, 0, sizeof(je));
	if (complaints_run(cx, calendar_run, cx, &e, &je) == -1) {
		snprintf(err, errlen, "reports: the working-day table: %s",
		    je.message[0] ? je.message : e.message);
		return -1;
	}
	return 0;
}
