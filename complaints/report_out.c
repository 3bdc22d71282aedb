/*
 * complaints: the reports as a workbook (libxlsxwriter) and as charts
 * (SVG written with libxml2's writer).
 *
 * The workbook has one sheet per grouping: the period and the body in
 * title rows, headers in Kazakh and Russian, the header frozen, numbers
 * as numbers and months as dates.  libxlsxwriter writes every text cell
 * as a string, never as a formula, whatever it begins with.
 *
 * The charts are drawn for people who cannot tell colours apart and for
 * screen readers: each series has its own pattern, every bar carries its
 * number as text, and the title and description say what is shown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "complaints/complaints_int.h"

static const struct {
	const char *group, *sheet;
} sheets[] = {
	{ "body", "Органдар - Органы" },
	{ "service", "Қызметтер - Услуги" },
	{ "institution", "Ұйымдар - Организации" },
	{ "month", "Айлар - Месяцы" },
	{ "channel", "Арналар - Каналы" },
};

struct xfmt {
	lxw_format *title, *head, *date, *month, *num, *dec, *bold;
};

static lxw_datetime
to_datetime(const char *iso)
{
	struct date d;
	lxw_datetime t;

	memset(&t, 0, sizeof(t));
	if (date_parse(iso, &d) == 0) {
		t.year = d.y;
		t.month = d.m;
		t.day = d.d;
	}
	return t;
}

static void
xlsx_key(lxw_worksheet *ws, int row, const struct report *r,
    const struct report_group *g, const struct xfmt *f)
{
	char month[140];
	lxw_datetime t;

	if (strcmp(r->group, "month") == 0) {
		snprintf(month, sizeof(month), "%s-01", g->key);
		t = to_datetime(month);
		worksheet_write_datetime(ws, (lxw_row_t)row, 0, &t, f->month);
	} else if (strcmp(r->group, "service") == 0)
		worksheet_write_number(
		    ws, (lxw_row_t)row, 0, atoi(g->key), NULL);
	else
		worksheet_write_string(ws, (lxw_row_t)row, 0, g->key, NULL);
}

static void
xlsx_sheet(lxw_workbook *wb, const char *name, const struct report *r,
    const struct xfmt *f)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_datetime t;
	char line[600];
	int row = 5;

	worksheet_write_string(ws, 0, 0,
	    "Шағымдар бойынша есеп - "
	    "Отчёт по жалобам",
	    f->title);
	worksheet_write_string(ws, 1, 0, "Кезең - Период", f->bold);
	t = to_datetime(r->from);
	worksheet_write_datetime(ws, 1, 1, &t, f->date);
	t = to_datetime(r->to);
	worksheet_write_datetime(ws, 1, 2, &t, f->date);
	worksheet_write_string(ws, 2, 0, "Орган - Орган", f->bold);
	if (r->body.id)
		snprintf(line, sizeof(line), "%s - %s (%s)", r->body.name_kk,
		    r->body.name_ru, r->body.code);
	else
		snprintf(line, sizeof(line), "Барлық органдар - Все органы");
	worksheet_write_string(ws, 2, 1, line, NULL);
	if (r->service) {
		worksheet_write_string(ws, 2, 3, "Қызмет - Услуга", f->bold);
		worksheet_write_number(ws, 2, 4, r->service, NULL);
	}
	/* Constant memory: row by row, a row's height before its cells. */
	worksheet_set_row(ws, 3, 45, NULL);
	worksheet_write_string(ws, 3, 0, "Кілт", f->head);
	worksheet_write_string(ws, 3, 1, "Атауы", f->head);
	for (size_t i = 0; i < report_nfigures; i++)
		worksheet_write_string(
		    ws, 3, (lxw_col_t)(2 + i), report_figures[i].kk, f->head);
	worksheet_set_row(ws, 4, 45, NULL);
	worksheet_write_string(ws, 4, 0, "Ключ", f->head);
	worksheet_write_string(ws, 4, 1, "Наименование", f->head);
	for (size_t i = 0; i < report_nfigures; i++)
		worksheet_write_string(
		    ws, 4, (lxw_col_t)(2 + i), report_figures[i].ru, f->head);
	for (size_t i = 0; i <= r->n; i++, row++) {
		const struct report_group *g = i < r->n ? &r->g[i] : &r->total;

		if (i < r->n)
			xlsx_key(ws, row, r, g, f);
		if (strcmp(g->name_kk, g->name_ru) == 0)
			snprintf(line, sizeof(line), "%s", g->name_kk);
		else
			snprintf(line, sizeof(line), "%s - %s", g->name_kk,
			    g->name_ru);
		worksheet_write_string(
		    ws, (lxw_row_t)row, 1, line, i < r->n ? NULL : f->bold);
		for (size_t k = 0; k < report_nfigures; k++)
			worksheet_write_number(ws, (lxw_row_t)row,
			    (lxw_col_t)(2 + k),
			    report_value(g, report_figures[k].idx),
			    report_figures[k].idx == RF_DAYS_AVERAGE ? f->dec :
								       f->num);
	}
	worksheet_set_column(ws, 0, 0, 16, NULL);
	worksheet_set_column(ws, 1, 1, 48, NULL);
	worksheet_set_column(ws, 2, (lxw_col_t)(1 + report_nfigures), 16, NULL);
	worksheet_freeze_panes(ws, 5, 2);
}

/* Reads the whole file into out; -1 when it does not fit. */
static int
slurp(int fd, struct buf *out)
{
	char chunk[16384];
	ssize_t n;
	int rc = 0;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if ((rc = buf_add(out, chunk, (size_t)n)) == -1)
			break;
	return n < 0 ? -1 : rc;
}

static void
xlsx_formats(lxw_workbook *wb, struct xfmt *f)
{
	f->title = workbook_add_format(wb);
	format_set_bold(f->title);
	format_set_font_size(f->title, 14);
	f->bold = workbook_add_format(wb);
	format_set_bold(f->bold);
	f->head = workbook_add_format(wb);
	format_set_bold(f->head);
	format_set_text_wrap(f->head);
	format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
	format_set_bottom(f->head, LXW_BORDER_THIN);
	f->date = workbook_add_format(wb);
	format_set_num_format(f->date, "yyyy-mm-dd");
	f->month = workbook_add_format(wb);
	format_set_num_format(f->month, "yyyy-mm");
	f->num = workbook_add_format(wb);
	format_set_num_format(f->num, "0");
	f->dec = workbook_add_format(wb);
	format_set_num_format(f->dec, "0.0");
}

/*
 * The workbook in libxlsxwriter's constant-memory mode (each row goes
 * to a temporary file as the next begins), one grouping at a time: the
 * memory it takes is that of one grouping's figures, whatever the size
 * of the journal.  The file is unlinked; *fd reads it from the start.
 */
static int
report_xlsx(struct complaints *cx, struct db *db,
    const struct complaints_actor *a, const struct complaints_report_query *q,
    int *fd, struct complaints_error *e)
{
	struct complaints_report_query one = *q;
	lxw_workbook_options opt;
	lxw_workbook *wb = NULL;
	struct report r;
	struct xfmt f;
	const char *tmp = getenv("TMPDIR");
	char path[600], dir[513];
	int rc = -1;

	*fd = -1;
	snprintf(dir, sizeof(dir), "%s",
	    tmp && *tmp && strlen(tmp) < 512 ? tmp : "/tmp");
	snprintf(path, sizeof(path), "%.512s/complaints-report-XXXXXX", dir);
	if ((*fd = mkstemp(path)) == -1) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "a temporary file for the workbook: %s", strerror(errno));
		return -1;
	}
	memset(&opt, 0, sizeof(opt));
	opt.constant_memory = LXW_TRUE;
	opt.tmpdir = dir;
	if ((wb = workbook_new_opt(path, &opt)) == NULL)
		goto fail;
	xlsx_formats(wb, &f);
	for (size_t i = 0; i < sizeof(sheets) / sizeof(sheets[0]); i++) {
		one.group = sheets[i].group;
		if (report_make(cx, db, a, &one, &r, e) == -1) {
			report_free(&r);
			goto out;
		}
		xlsx_sheet(wb, sheets[i].sheet, &r, &f);
		report_free(&r);
	}
	rc = workbook_close(wb) == LXW_NO_ERROR ? 0 : -1;
	wb = NULL;
	if (rc == 0 && lseek(*fd, 0, SEEK_SET) == 0)
		goto out;
fail:
	rc = -1;
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the workbook cannot be written");
out:
	if (wb)
		workbook_close(wb);
	unlink(path);
	if (rc == -1) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

/* ---- Charts ---------------------------------------------------------- */

/*
 * A narrow chart, each label on its own line above its bar, so that on
 * a phone's screen, scaled to its width, the text stays readable.
 */
#define SVG_W		440
#define SVG_BARS	370 /* the width of the longest bar */
#define SVG_LABEL_CHARS 56  /* longer labels are cut, with an ellipsis */
#define SVG_TITLE_CHARS 46  /* a title's lines are wrapped at a space */
#define SVG_ROW		18  /* the height of a bar */
#define SVG_STEP	42  /* from one bar's label to the next */
#define SVG_MAX_ROWS	400

/* The series a chart can show, each with its pattern and legend. */
enum series {
	S_RECEIVED,
	S_UPHELD,
	S_PARTLY,
	S_REJECTED,
	S_EXPLAINED,
	S_ON_TIME,
	S_LATE,
	S_OVERDUE,
	S__MAX
};
static const struct {
	const char *id, *kk, *ru;
} series[S__MAX] = {
	[S_RECEIVED] = { "p-received", "Түскені", "Поступило" },
	[S_UPHELD] = { "p-upheld", "Қанағаттандырылды", "Удовлетворено" },
	[S_PARTLY] = { "p-partly", "Ішінара", "Частично" },
	[S_REJECTED] = { "p-rejected", "Бас тартылды", "Отказано" },
	[S_EXPLAINED] = { "p-explained", "Түсіндірілді", "Разъяснено" },
	[S_ON_TIME] = { "p-on-time", "Мерзімінде", "В срок" },
	[S_LATE] = { "p-late", "Мерзімі өтіп", "С нарушением срока" },
	[S_OVERDUE] = { "p-overdue", "Қазір мерзімі өткен",
	    "Просрочено сейчас" },
};

#define W(x) \
	if ((x) < 0) \
	return -1

static int
svg_attrf(xmlTextWriterPtr w, const char *name, double v)
{
	return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%.1f", v);
}

static int
svg_attr(xmlTextWriterPtr w, const char *name, const char *v)
{
	return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);
}

/* The patterns: each series is told apart by its texture, not a hue. */
static int
svg_defs(xmlTextWriterPtr w)
{
	static const struct {
		enum series s;
		const char *path; /* drawn on an 8x8 white tile */
		int solid;
	} p[] = {
		{ S_RECEIVED, "M0,4 H8", 0 },
		{ S_UPHELD, NULL, 1 },
		{ S_PARTLY, "M0,8 L8,0", 0 },
		{ S_REJECTED, "M0,0 L8,8 M0,8 L8,0", 0 },
		{ S_EXPLAINED, "M4,0 V8", 0 },
		{ S_ON_TIME, NULL, 1 },
		{ S_LATE, "M0,0 L8,8", 0 },
		{ S_OVERDUE, "M0,0 L8,8 M0,8 L8,0", 0 },
	};

	W(xmlTextWriterStartElement(w, BAD_CAST "defs"));
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++) {
		W(xmlTextWriterStartElement(w, BAD_CAST "pattern"));
		W(svg_attr(w, "id", series[p[i].s].id));
		W(svg_attr(w, "width", "8"));
		W(svg_attr(w, "height", "8"));
		W(svg_attr(w, "patternUnits", "userSpaceOnUse"));
		W(xmlTextWriterStartElement(w, BAD_CAST "rect"));
		W(svg_attr(w, "width", "8"));
		W(svg_attr(w, "height", "8"));
		W(svg_attr(w, "fill", p[i].solid ? "#555555" : "#ffffff"));
		W(xmlTextWriterEndElement(w));
		if (p[i].path) {
			W(xmlTextWriterStartElement(w, BAD_CAST "path"));
			W(svg_attr(w, "d", p[i].path));
			W(svg_attr(w, "stroke", "#000000"));
			W(svg_attr(w, "stroke-width", "1.5"));
			W(xmlTextWriterEndElement(w));
		}
		W(xmlTextWriterEndElement(w));
	}
	return xmlTextWriterEndElement(w);
}

static int
svg_text(xmlTextWriterPtr w, double x, double y, const char *anchor,
    const char *cls, const char *text)
{
	W(xmlTextWriterStartElement(w, BAD_CAST "text"));
	W(svg_attrf(w, "x", x));
	W(svg_attrf(w, "y", y));
	if (anchor)
		W(svg_attr(w, "text-anchor", anchor));
	if (cls)
		W(svg_attr(w, "class", cls));
	W(xmlTextWriterWriteString(w, BAD_CAST text));
	return xmlTextWriterEndElement(w);
}

static int
svg_rect(xmlTextWriterPtr w, double x, double y, double wd, double h,
    enum series s, const char *title)
{
	char fill[48];

	snprintf(fill, sizeof(fill), "url(#%s)", series[s].id);
	W(xmlTextWriterStartElement(w, BAD_CAST "rect"));
	W(svg_attrf(w, "x", x));
	W(svg_attrf(w, "y", y));
	W(svg_attrf(w, "width", wd));
	W(svg_attrf(w, "height", h));
	W(svg_attr(w, "fill", fill));
	W(svg_attr(w, "stroke", "#000000"));
	W(xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST title));
	return xmlTextWriterEndElement(w);
}

/* One bar of a chart: stacked segments of some series (n 0: a heading). */
struct svg_bar {
	char label[300];
	int n;
	enum series s[4];
	int64_t v[4];
};

struct svg_chart {
	const char *title, *desc;
	struct svg_bar *bars;
	size_t nbars;
	int used[S__MAX];
};

/* Copies at most SVG_LABEL_CHARS characters of label, then an ellipsis. */
static void
label_cut(char *dst, size_t size, const char *label)
{
	const unsigned char *p = (const unsigned char *)label;
	size_t chars = 0, n = 0;

	while (p[n] != '\0' && chars < SVG_LABEL_CHARS) {
		n++;
		while ((p[n] & 0xc0) == 0x80)
			n++;
		chars++;
	}
	snprintf(dst, size, "%.*s%s", (int)n, label, p[n] ? "…" : "");
}

static int
bar_add(struct svg_chart *c, const char *label, int n, const enum series *s,
    const int64_t *v)
{
	struct svg_bar *b;

	if (c->nbars >= SVG_MAX_ROWS)
		return -1;
	b = &c->bars[c->nbars++];
	memset(b, 0, sizeof(*b));
	label_cut(b->label, sizeof(b->label), label);
	b->n = n;
	for (int i = 0; i < n; i++) {
		b->s[i] = s[i];
		b->v[i] = v[i];
		c->used[s[i]] = 1;
	}
	return 0;
}

/*
 * Writes text as lines of at most SVG_TITLE_CHARS characters, cut at
 * spaces, from y down (w NULL: only counts); the y below the last.
 */
static double
svg_lines(xmlTextWriterPtr w, double y, const char *cls, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	char line[400];
	size_t n, cut, chars;

	while (*p) {
		n = cut = chars = 0;
		while (p[n] != '\0' && chars < SVG_TITLE_CHARS) {
			if (p[n] == ' ')
				cut = n;
			n++;
			while ((p[n] & 0xc0) == 0x80)
				n++;
			chars++;
		}
		if (p[n] == '\0' || cut == 0)
			cut = n;
		snprintf(line, sizeof(line), "%.*s", (int)cut, (const char *)p);
		if (w != NULL && svg_text(w, 10, y, NULL, cls, line) < 0)
			return -1;
		y += 19;
		p += cut;
		while (*p == ' ')
			p++;
	}
	return y;
}

/* Horizontal bars, each under its label, with its total as text. */
static int
svg_draw(xmlTextWriterPtr w, const struct svg_chart *c)
{
	char num[32], tip[400], part[300];
	const char *sep;
	int64_t max = 1, tot;
	double y, x, wd, h;
	int nlegend = 0;

	for (size_t i = 0; i < c->nbars; i++) {
		tot = 0;
		for (int k = 0; k < c->bars[i].n; k++)
			tot += c->bars[i].v[k];
		if (tot > max)
			max = tot;
	}
	for (int s = 0; s < S__MAX; s++)
		nlegend += c->used[s];
	/* The height: the title's lines, the legend's, the bars'. */
	sep = strstr(c->title, " / ");
	snprintf(part, sizeof(part), "%.*s",
	    sep ? (int)(sep - c->title) : (int)strlen(c->title), c->title);
	h = svg_lines(NULL, 22, NULL, part);
	if (sep)
		h = svg_lines(NULL, h, NULL, sep + 3);
	h += 2 + 20.0 * nlegend + 12 + (double)c->nbars * SVG_STEP;
	W(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	W(xmlTextWriterStartElement(w, BAD_CAST "svg"));
	W(svg_attr(w, "xmlns", "http://www.w3.org/2000/svg"));
	W(svg_attrf(w, "width", SVG_W));
	W(svg_attrf(w, "height", h));
	W(xmlTextWriterWriteFormatAttribute(
	    w, BAD_CAST "viewBox", "0 0 %d %.0f", SVG_W, h));
	W(svg_attr(w, "role", "img"));
	W(svg_attr(w, "aria-labelledby", "title desc"));
	W(xmlTextWriterStartElement(w, BAD_CAST "title"));
	W(svg_attr(w, "id", "title"));
	W(xmlTextWriterWriteString(w, BAD_CAST c->title));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterStartElement(w, BAD_CAST "desc"));
	W(svg_attr(w, "id", "desc"));
	W(xmlTextWriterWriteString(w, BAD_CAST c->desc));
	W(xmlTextWriterEndElement(w));
	W(xmlTextWriterStartElement(w, BAD_CAST "style"));
	W(xmlTextWriterWriteString(w,
	    BAD_CAST
	    "text{font-family:'DejaVu "
	    "Sans',sans-serif;font-size:13px;fill:#000}.h{font-size:15px;"
	    "font-weight:bold}.s{font-weight:bold}.v{font-size:12px}"));
	W(xmlTextWriterEndElement(w));
	W(svg_defs(w));
	/* The title: Kazakh, then Russian, each wrapped. */
	if ((y = svg_lines(w, 22, "h", part)) < 0 ||
	    (sep && (y = svg_lines(w, y, "h", sep + 3)) < 0))
		return -1;
	/* The legend: a swatch and a name per series shown, one a line. */
	y += 2;
	for (int s = 0; s < S__MAX; s++) {
		if (!c->used[s])
			continue;
		snprintf(
		    tip, sizeof(tip), "%s / %s", series[s].kk, series[s].ru);
		W(svg_rect(w, 10, y, 14, 14, (enum series)s, tip));
		W(svg_text(w, 30, y + 12, NULL, "v", tip));
		y += 20;
	}
	y += 12;
	for (size_t i = 0; i < c->nbars; i++, y += SVG_STEP) {
		const struct svg_bar *b = &c->bars[i];

		W(svg_text(w, 10, y + 13, NULL, b->n ? NULL : "s", b->label));
		if (b->n == 0)
			continue;
		x = 10;
		tot = 0;
		for (int k = 0; k < b->n; k++) {
			tot += b->v[k];
			if (b->v[k] == 0)
				continue;
			wd = (double)SVG_BARS * (double)b->v[k] / (double)max;
			snprintf(tip, sizeof(tip), "%s: %s / %s: %lld",
			    b->label, series[b->s[k]].kk, series[b->s[k]].ru,
			    (long long)b->v[k]);
			W(svg_rect(w, x, y + 18, wd, SVG_ROW, b->s[k], tip));
			/* The number inside when it fits, on white. */
			snprintf(num, sizeof(num), "%lld", (long long)b->v[k]);
			if (wd >= 8.0 * (double)strlen(num) + 6) {
				W(xmlTextWriterStartElement(
				    w, BAD_CAST "rect"));
				W(svg_attrf(w, "x",
				    x + wd / 2 - 4.0 * (double)strlen(num) -
					2));
				W(svg_attrf(w, "y", y + 20));
				W(svg_attrf(
				    w, "width", 8.0 * (double)strlen(num) + 4));
				W(svg_attrf(w, "height", SVG_ROW - 4));
				W(svg_attr(w, "fill", "#ffffff"));
				W(xmlTextWriterEndElement(w));
				W(svg_text(
				    w, x + wd / 2, y + 32, "middle", "v", num));
			}
			x += wd;
		}
		snprintf(num, sizeof(num), "%lld", (long long)tot);
		W(svg_text(w, x + 6, y + 32, NULL, NULL, num));
	}
	W(xmlTextWriterEndElement(w));
	return xmlTextWriterEndDocument(w);
}

static void
row_label(const struct report *r, const struct report_group *g, char *out,
    size_t size, const char *suffix)
{
	if (strcmp(r->group, "month") == 0 || strcmp(r->group, "service") == 0)
		snprintf(out, size, "%s%s",
		    strcmp(r->group, "service") == 0 ? g->name_ru : g->key,
		    suffix);
	else
		snprintf(out, size, "%s%s", g->name_ru, suffix);
}

static int
chart_monthly(struct svg_chart *c, const struct report *r)
{
	static const enum series dec[] = { S_UPHELD, S_PARTLY, S_REJECTED,
		S_EXPLAINED };
	static const enum series rec[] = { S_RECEIVED };
	char label[300];
	int64_t v[4];

	c->title = "Түскені және шешімдер, айлар бойынша / Поступило и "
		   "решено по месяцам";
	c->desc = "Per month two bars: complaints received, and decisions "
		  "stacked by outcome (upheld, partly upheld, rejected, "
		  "explained); each segment carries its number.";
	for (size_t i = 0; i < r->n; i++) {
		const struct report_group *g = &r->g[i];

		v[0] = g->v[DB_RF_RECEIVED];
		row_label(r, g, label, sizeof(label), " түсті / поступило");
		if (bar_add(c, label, 1, rec, v) == -1)
			return -1;
		v[0] = g->v[DB_RF_UPHELD];
		v[1] = g->v[DB_RF_PARTLY_UPHELD];
		v[2] = g->v[DB_RF_REJECTED];
		v[3] = g->v[DB_RF_EXPLAINED];
		row_label(r, g, label, sizeof(label), " шешім / решено");
		if (bar_add(c, label, 4, dec, v) == -1)
			return -1;
	}
	return 0;
}

static int
chart_timeliness(struct svg_chart *c, const struct report *r)
{
	static const enum series s[] = { S_ON_TIME, S_LATE };
	char label[300];
	int64_t v[2];

	c->title = "Мерзімінде және кешігіп берілген жауаптар / Ответы в "
		   "срок и с нарушением срока";
	c->desc = "Per body, answers sent within the term and after it, "
		  "stacked; each segment carries its number.";
	for (size_t i = 0; i < r->n; i++) {
		v[0] = r->g[i].v[DB_RF_ANSWERED_ON_TIME];
		v[1] = r->g[i].v[DB_RF_ANSWERED_LATE];
		row_label(r, &r->g[i], label, sizeof(label), "");
		if (bar_add(c, label, 2, s, v) == -1)
			return -1;
	}
	return 0;
}

static int
chart_overdue(struct svg_chart *c, const struct report *r)
{
	static const enum series s[] = { S_OVERDUE };
	char label[300];
	int64_t v[1];

	for (size_t i = 0; i < r->n; i++) {
		v[0] = r->g[i].overdue;
		row_label(r, &r->g[i], label, sizeof(label), "");
		if (bar_add(c, label, 1, s, v) == -1)
			return -1;
	}
	return 0;
}

static int
report_svg(struct complaints *cx, struct db *db,
    const struct complaints_actor *a, const char *name,
    const struct complaints_report_query *q, struct buf *out,
    struct complaints_error *e)
{
	struct complaints_report_query one = *q;
	struct report r[2];
	struct svg_chart c;
	xmlBufferPtr xb = NULL;
	xmlTextWriterPtr w = NULL;
	int made = 0, rc = -1;

	memset(&c, 0, sizeof(c));
	if (strcmp(name, "monthly") == 0)
		one.group = "month";
	else if (strcmp(name, "timeliness") == 0 ||
	    strcmp(name, "overdue") == 0)
		one.group = "body";
	else {
		complaints_error_set(e, COMPLAINTS_ENOENT, "no-such-chart",
		    "the charts are monthly, timeliness and overdue");
		return -1;
	}
	if (report_make(cx, db, a, &one, &r[made++], e) == -1)
		goto out;
	if (strcmp(name, "overdue") == 0) {
		one.group = "service";
		if (report_make(cx, db, a, &one, &r[made++], e) == -1)
			goto out;
	}
	if ((c.bars = calloc(SVG_MAX_ROWS, sizeof(*c.bars))) == NULL)
		goto oom;
	if (strcmp(name, "monthly") == 0)
		rc = chart_monthly(&c, &r[0]);
	else if (strcmp(name, "timeliness") == 0)
		rc = chart_timeliness(&c, &r[0]);
	else {
		c.title =
		    "Қазір мерзімі өткен шағымдар: органдар мен "
		    "қызметтер / Просроченные сейчас: по органам и услугам";
		c.desc = "Complaints received in the period that are open "
			 "and overdue now: first per body, then per service.";
		rc = bar_add(
		    &c, "Органдар бойынша / По органам", 0, NULL, NULL);
		if (rc == 0)
			rc = chart_overdue(&c, &r[0]);
		if (rc == 0)
			rc = bar_add(&c, "Қызметтер бойынша / По услугам", 0,
			    NULL, NULL);
		if (rc == 0)
			rc = chart_overdue(&c, &r[1]);
	}
	if (rc == -1) {
		complaints_error_set(e, COMPLAINTS_ELIMIT, "too-many-groups",
		    "a chart shows at most %d bars", SVG_MAX_ROWS);
		goto out;
	}
	rc = -1;
	if ((xb = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(xb, 0)) == NULL)
		goto oom;
	if (svg_draw(w, &c) < 0)
		goto oom;
	xmlFreeTextWriter(w);
	w = NULL;
	if (buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb)) ==
	    -1) {
		complaints_error_set(e, COMPLAINTS_ELIMIT, "report-too-large",
		    "the chart does not fit in %zu bytes", out->cap);
		goto out;
	}
	rc = 0;
	goto out;
oom:
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "out of "
	    "memory");
out:
	if (w)
		xmlFreeTextWriter(w);
	if (xb)
		xmlBufferFree(xb);
	free(c.bars);
	for (int i = 0; i < made; i++)
		report_free(&r[i]);
	return rc;
}

/* ---- The entry points ------------------------------------------------ */

int
complaints_report(struct complaints *cx, const struct complaints_actor *a,
    const struct complaints_report_query *q, enum complaints_report_format fmt,
    struct buf *out, struct complaints_error *e)
{
	struct report r;
	struct db *db;
	int rc = -1, fd;

	if (fmt == COMPLAINTS_REPORT_XLSX) {
		if (complaints_report_xlsx(cx, a, q, &fd, e) == -1)
			return -1;
		if ((rc = slurp(fd, out)) == -1)
			complaints_error_set(e, COMPLAINTS_ELIMIT,
			    "report-too-large",
			    "the workbook does not fit in %zu bytes", out->cap);
		close(fd);
		return rc;
	}
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	if (report_make(cx, db, a, q, &r, e) == 0) {
		if ((rc = report_write(&r, fmt, out)) == -1)
			complaints_error_set(e, COMPLAINTS_ELIMIT,
			    "report-too-large",
			    "the report does not fit in "
			    "%zu bytes",
			    out->cap);
		report_free(&r);
	}
	db_reset(db);
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_report_xlsx(struct complaints *cx, const struct complaints_actor *a,
    const struct complaints_report_query *q, int *fd,
    struct complaints_error *e)
{
	struct db *db;
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = report_xlsx(cx, db, a, q, fd, e);
	db_reset(db);
	db_pool_put(cx->readers, db);
	return rc;
}

int
complaints_report_chart(struct complaints *cx, const struct complaints_actor *a,
    const char *name, const struct complaints_report_query *q, struct buf *svg,
    struct complaints_error *e)
{
	struct db *db;
	int rc;

	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = report_svg(cx, db, a, name, q, svg, e);

	db_reset(db);
	db_pool_put(cx->readers, db);
	return rc;
}
