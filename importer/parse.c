/*
 * importer: the layout rules.  The seed is a text export of Word tables:
 * cells are separated by tabs, one table row a line, except where the
 * export broke it.  Each way it broke is one rule below; the comment of
 * each rule cites seed lines that show it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importer/importer_int.h"

#define LINECAP 65536

struct pstate {
	struct imp_parse *p;
	int service, appendix;
	int in_appendix;
	int list; /* -1: not in a table */
	int district;
	int expected; /* next row number */
	int cur;      /* last row, -1: none */
	struct imp_frag pending;
	int has_pending;
	struct imp_frag expl;
	int exploding, expl_col, expl_number;
	struct buf block;
	int block_line;
};

int
imp_problem(struct imp_parse *p, int line, int error, const char *fmt, ...)
{
	struct importer_problem *np;
	struct buf b;
	va_list ap;
	char tmp[1024];
	size_t i, n, k;
	unsigned cp;

	if (p->nproblems >= IMP_MAXPROBLEMS)
		return -1;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	np = realloc(p->problems, (p->nproblems + 1) * sizeof(*np));
	if (np == NULL) {
		p->oom = 1;
		return -1;
	}
	p->problems = np;
	/* %.80s may have cut a letter in two: keep whole letters only. */
	buf_init(&b, sizeof(tmp));
	if (buf_add(&b, "", 0) == -1) {
		p->oom = 1;
		return -1;
	}
	for (i = 0, n = strlen(tmp); i < n; i += k) {
		k = imp_utf8_dec(tmp + i, n - i, &cp);
		if (cp == 0xfffd && k == 1)
			continue;
		if (buf_add(&b, tmp + i, k) == -1) {
			buf_free(&b);
			p->oom = 1;
			return -1;
		}
	}
	np[p->nproblems].line = line;
	np[p->nproblems].error = error;
	np[p->nproblems].msg = buf_release(&b, NULL);
	p->nproblems++;
	if (error)
		p->nerrors++;
	return 0;
}

void
imp_frag_free(struct imp_frag *f)
{
	int i;

	for (i = 0; i < IMP_MAXCELLS; i++)
		buf_free(&f->cell[i]);
	memset(f, 0, sizeof(*f));
}

static void
frag_init(struct imp_frag *f, int line)
{
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < IMP_MAXCELLS; i++)
		buf_init(&f->cell[i], IMP_CELLCAP);
	f->line = line;
}

static const char *
cell(const struct imp_frag *f, int c)
{
	if (c < 0 || c >= f->ncells || f->cell[c].data == NULL)
		return "";
	return f->cell[c].data;
}

/* Appends text to a cell with one space between; -1 past the cap. */
static int
cell_append(struct buf *b, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (b->len > 0 && buf_add(b, " ", 1) == -1)
		return -1;
	return buf_add(b, s, n);
}

/* Splits a tab-separated line; cells past the cap join the last one. */
int
imp_frag_from_line(struct imp_frag *f, const char *s, size_t n, int line)
{
	size_t i = 0, start;
	int c = 0;

	frag_init(f, line);
	for (;;) {
		start = i;
		while (i < n && s[i] != '\t')
			i++;
		if (c >= IMP_MAXCELLS) {
			if (cell_append(&f->cell[IMP_MAXCELLS - 1], s + start,
				i - start) == -1)
				return -1;
		} else {
			if (buf_add(&f->cell[c], s + start, i - start) == -1)
				return -1;
			imp_trim(&f->cell[c]);
			c++;
		}
		if (i >= n)
			break;
		i++;
	}
	f->ncells = c;
	return 0;
}

/* Copies src's cells onto dst's, before them when src_first. */
int
imp_frag_merge(struct imp_frag *dst, const struct imp_frag *src, int src_first)
{
	struct buf tmp;
	int c;

	for (c = 0; c < src->ncells && c < IMP_MAXCELLS; c++) {
		const struct buf *s = &src->cell[c];

		if (s->len == 0)
			continue;
		if (!src_first || dst->cell[c].len == 0) {
			if (cell_append(&dst->cell[c], s->data, s->len) == -1)
				return -1;
			continue;
		}
		buf_init(&tmp, IMP_CELLCAP);
		if (buf_add(&tmp, s->data, s->len) == -1 ||
		    cell_append(&tmp, dst->cell[c].data, dst->cell[c].len) ==
			-1) {
			buf_free(&tmp);
			return -1;
		}
		buf_free(&dst->cell[c]);
		dst->cell[c] = tmp;
	}
	if (src->ncells > dst->ncells)
		dst->ncells = src->ncells;
	return 0;
}

static void
frag_drop_cell(struct imp_frag *f, int c)
{
	struct buf gone = f->cell[c];
	int i;

	for (i = c; i + 1 < f->ncells; i++)
		f->cell[i] = f->cell[i + 1];
	f->cell[f->ncells - 1] = gone;
	buf_reset(&f->cell[f->ncells - 1]);
	f->ncells--;
}

/*
 * Rule "area code in the next column": the export put «(727)» in the
 * column after the phone («8 2547710 ¦ (727) ¦ Аптаның ...», l. 1555;
 * «8 293-91-61, 291-73-01 ¦ (727) ¦ ...», l. 743; «(727) Аптаның ...»
 * glued to the schedule, l. 1552).  It goes back into the phone, after
 * the trunk prefix 8, and the cells after it move left.
 */
int
imp_rule_area_code(struct imp_frag *f, int col_phone)
{
	const char *s, *q;
	char digits[8], rest[IMP_CELLCAP];
	struct buf nb;
	size_t nd = 0;
	const char *ph;

	if (col_phone < 0 || col_phone + 1 >= f->ncells)
		return 0;
	s = cell(f, col_phone + 1);
	while (*s == ' ')
		s++;
	if (*s != '(')
		return 0;
	for (q = s + 1; *q && *q != ')'; q++) {
		if (*q == ' ')
			continue;
		if (*q < '0' || *q > '9' || nd + 1 >= sizeof(digits))
			return 0;
		digits[nd++] = *q;
	}
	digits[nd] = '\0';
	if (*q != ')' || strcmp(digits, "727") != 0)
		return 0;
	q++;
	while (*q == ' ')
		q++;
	if (strlcpy_chk(rest, q, sizeof(rest)) == -1)
		return 0;

	ph = cell(f, col_phone);
	buf_init(&nb, IMP_CELLCAP);
	if (ph[0] == '8' && (ph[1] == '\0' || ph[1] == ' ')) {
		if (buf_puts(&nb, "8 (727)") == -1 ||
		    cell_append(&nb, ph + 1 + (ph[1] == ' '),
			strlen(ph + 1 + (ph[1] == ' '))) == -1)
			goto fail;
	} else if (buf_puts(&nb, "(727)") == -1 ||
	    cell_append(&nb, ph, strlen(ph)) == -1)
		goto fail;
	buf_free(&f->cell[col_phone]);
	f->cell[col_phone] = nb;
	if (rest[0] == '\0')
		frag_drop_cell(f, col_phone + 1);
	else {
		buf_reset(&f->cell[col_phone + 1]);
		if (buf_puts(&f->cell[col_phone + 1], rest) == -1)
			return -1;
	}
	return 1;
fail:
	buf_free(&nb);
	return -1;
}

/*
 * Rule "phone spills into the schedule column": the last digits of a
 * phone landed in the next column and the schedule one further
 * («279 38 279 33 41 ¦ 63 ¦ сайын сағат ...», l. 2409).
 */
int
imp_rule_phone_overflow(struct imp_frag *f, const struct imp_list *l)
{
	const char *s;
	size_t i, n;

	if (l->col_phone < 0 || l->col_sched != l->col_phone + 1 ||
	    f->ncells <= l->ncols || f->ncells <= l->col_sched + 1)
		return 0;
	s = cell(f, l->col_sched);
	n = strlen(s);
	if (n == 0 || n > 4)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	if (cell_append(&f->cell[l->col_phone], s, n) == -1)
		return -1;
	frag_drop_cell(f, l->col_sched);
	return 1;
}

/*
 * Rule "more cells than the header": the export added empty columns
 * («school_79@edualmaty.kz ¦  ¦ Аптаның ...», l. 903; l. 2265).  Text
 * past the last header column joins the last column.
 */
int
imp_rule_extra_cells(struct imp_frag *f, int ncols)
{
	int c;

	if (ncols <= 0 || f->ncells <= ncols)
		return 0;
	for (c = ncols; c < f->ncells; c++) {
		if (f->cell[c].len > 0 &&
		    cell_append(&f->cell[ncols - 1], f->cell[c].data,
			f->cell[c].len) == -1)
			return -1;
		buf_reset(&f->cell[c]);
	}
	f->ncells = ncols;
	return 1;
}

/*
 * Rule "cells before their row number": a line with no number belongs
 * to the row before it («continued on the next line after a blank
 * line», l. 310-312), unless it starts the next row, whose numbered
 * line only carries the rest: «... «№ 1 Жас ¦ ...» l. 334 then «25 ¦
 * туристер станциясы» ...» l. 336; l. 1027-1029; l. 1944-1946;
 * l. 1407-1409 (address); l. 2852-2866 (schedule).  The evidence is
 * weighed cell by cell: for the next row, a fragment there (twice when
 * the line's own cell is left open); for the previous row, an open cell
 * there and a fragment in the line itself.  Columns in the mask skip
 * (phones, mail: small letters there mean nothing) are not weighed.
 * Returns 1 for the next row, 0 for the previous.
 */
int
imp_rule_prefix_cells(const struct imp_frag *prev,
    const struct imp_frag *pending, const struct imp_frag *next, unsigned skip)
{
	int c, fwd = 0, back = 0;

	if (prev == NULL)
		return 1;
	if (next == NULL)
		return 0;
	for (c = 1; c < pending->ncells; c++) {
		const char *pc = cell(pending, c);

		if (*pc == '\0' || (skip & (1u << c)))
			continue;
		if (imp_is_fragment(cell(next, c)))
			fwd += imp_is_open(pc) ? 2 : 1;
		if (imp_is_open(cell(prev, c)))
			back++;
		if (imp_is_fragment(pc))
			back++;
	}
	return fwd > back;
}

/* Rule "separator rows": «-- ¦ -- ¦ --» (l. 884, 1482, 2000, 2141). */
int
imp_rule_separator(const struct imp_frag *f)
{
	int c, any = 0;
	size_t i;

	for (c = 0; c < f->ncells; c++)
		for (i = 0; i < f->cell[c].len; i++) {
			if (f->cell[c].data[i] != '-')
				return 0;
			any = 1;
		}
	return any;
}

/* Rule "column-number rows": «1 ¦ 2 ¦ 3 ¦ 4 ¦ 5» under a header (l. 164). */
int
imp_rule_column_numbers(const struct imp_frag *f)
{
	char want[16];
	int c;

	if (f->ncells < 3)
		return 0;
	for (c = 0; c < f->ncells; c++) {
		snprintf(want, sizeof(want), "%d", c + 1);
		if (strcmp(cell(f, c), want) != 0)
			return 0;
	}
	return 1;
}

static int
is_number(const char *s, int *n)
{
	long long v;

	if (parse_ll(s, 1, 100000, &v) == -1)
		return 0;
	*n = (int)v;
	return 1;
}

static int
is_complete_schedule(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.'))
		n--;
	return n > 0 && s[n - 1] == ')';
}

/*
 * Rule "schedule given once for many rows": the schedule column is a
 * merged cell, printed at one row of the span (l. 310, 863) and at
 * times split over two rows (l. 160 and 169; l. 736 and 743).  A row
 * without a schedule takes the one above it (the first one below for
 * the rows before it); a cell starting with a small letter continues
 * the open schedule above, or repeats the tail of a closed one.
 */
int
imp_rule_schedule_span(struct imp_parse *p, int li)
{
	const struct imp_list *l = &p->lists[li];
	struct buf span[64];
	int nspan = 0, cur = -1, r, i, rc = -1;
	int *which = NULL;

	if (l->col_sched < 0)
		return 0;
	if ((which = calloc((size_t)p->nrows + 1, sizeof(*which))) == NULL)
		return -1;
	for (r = 0; r < p->nrows; r++) {
		const char *s;

		if (p->rows[r].list != li)
			continue;
		s = cell(&p->rows[r].f, l->col_sched);
		if (*s == '\0') {
			which[r] = cur;
		} else if (cur >= 0 && imp_is_fragment(s)) {
			if (!is_complete_schedule(span[cur].data) &&
			    cell_append(&span[cur], s, strlen(s)) == -1)
				goto out;
			which[r] = cur;
		} else if (nspan < 64) {
			cur = nspan++;
			buf_init(&span[cur], IMP_CELLCAP);
			if (buf_puts(&span[cur], s) == -1)
				goto out;
			which[r] = cur;
		} else
			which[r] = cur;
	}
	for (r = 0; r < p->nrows; r++) {
		char *c;

		if (p->rows[r].list != li || nspan == 0)
			continue;
		i = which[r] < 0 ? 0 : which[r];
		if ((c = imp_collapse_spaced(span[i].data)) == NULL)
			goto out;
		free(p->rows[r].schedule);
		p->rows[r].schedule = c;
	}
	rc = 0;
out:
	for (i = 0; i < nspan; i++)
		buf_free(&span[i]);
	free(which);
	return rc;
}

static int
row_push(struct pstate *st, struct imp_frag *f, int number)
{
	struct imp_parse *p = st->p;
	struct imp_row *nr;

	if (p->nrows >= IMP_MAXROWS)
		return -1;
	if (p->nrows == p->rowcap) {
		int ncap = p->rowcap ? p->rowcap * 2 : 512;

		if ((nr = realloc(p->rows, (size_t)ncap * sizeof(*nr))) == NULL)
			return -1;
		p->rows = nr;
		p->rowcap = ncap;
	}
	nr = &p->rows[p->nrows];
	memset(nr, 0, sizeof(*nr));
	nr->list = st->list;
	nr->number = number;
	nr->line = f->line;
	nr->district = st->district;
	nr->f = *f; /* The row owns the cells now. */
	memset(f, 0, sizeof(*f));
	st->cur = p->nrows++;
	p->lists[st->list].nrows++;
	return 0;
}

static int
frag_rules(struct pstate *st, struct imp_frag *f)
{
	const struct imp_list *l = &st->p->lists[st->list];
	char *c;
	int i;

	if (imp_rule_area_code(f, l->col_phone) == -1 ||
	    imp_rule_phone_overflow(f, l) == -1 ||
	    imp_rule_extra_cells(f, l->ncols) == -1)
		return -1;
	/*
	 * Spaced letters are joined line by line, before lines are merged,
	 * so digits of two numbers never run together (l. 2841-2842).
	 */
	for (i = 0; i < f->ncells; i++) {
		if (f->cell[i].len == 0)
			continue;
		if ((c = imp_collapse_spaced(f->cell[i].data)) == NULL)
			return -1;
		buf_reset(&f->cell[i]);
		if (buf_puts(&f->cell[i], c) == -1) {
			free(c);
			return -1;
		}
		free(c);
	}
	return 0;
}

static int
flush_pending(struct pstate *st)
{
	int rc = 0;

	if (!st->has_pending)
		return 0;
	if (st->cur >= 0)
		rc = imp_frag_merge(&st->p->rows[st->cur].f, &st->pending, 0);
	else
		imp_problem(st->p, st->pending.line, 1,
		    "cells with no row to belong to: \"%.80s\"",
		    cell(&st->pending, 1));
	imp_frag_free(&st->pending);
	st->has_pending = 0;
	return rc;
}

static int
add_pending(struct pstate *st, struct imp_frag *f)
{
	int rc;

	if (!st->has_pending) {
		st->pending = *f;
		memset(f, 0, sizeof(*f));
		st->has_pending = 1;
		return 0;
	}
	rc = imp_frag_merge(&st->pending, f, 0);
	imp_frag_free(f);
	return rc;
}

static int
new_row(struct pstate *st, struct imp_frag *f, int n)
{
	const struct imp_list *l = &st->p->lists[st->list];
	struct imp_row *a;
	unsigned skip = 0;

	if (frag_rules(st, f) == -1)
		return -1;
	if (n != st->expected)
		imp_problem(st->p, f->line, 1,
		    "row number %d out of sequence (expected %d)", n,
		    st->expected);
	st->expected = n + 1;
	if (st->has_pending) {
		a = st->cur >= 0 && st->p->rows[st->cur].list == st->list ?
		    &st->p->rows[st->cur] :
		    NULL;
		if (l->col_phone >= 0)
			skip |= 1u << l->col_phone;
		if (l->col_web >= 0)
			skip |= 1u << l->col_web;
		if (imp_rule_prefix_cells(
			a ? &a->f : NULL, &st->pending, f, skip)) {
			if (imp_frag_merge(f, &st->pending, 1) == -1)
				return -1;
			imp_frag_free(&st->pending);
			st->has_pending = 0;
		} else if (flush_pending(st) == -1)
			return -1;
	}
	return row_push(st, f, n);
}

/*
 * Rule "rows exploded one cell a line": a row number alone on a line
 * starts a row whose cells follow one a paragraph, blank lines between
 * them (l. 999-1016, l. 2854-2866).  It ends at the next tabbed line.
 */
static int
finish_exploded(struct pstate *st)
{
	int n;

	if (!st->exploding)
		return 0;
	st->exploding = 0;
	st->expl.ncells = st->expl_col + 1;
	while (
	    st->expl.ncells > 1 && st->expl.cell[st->expl.ncells - 1].len == 0)
		st->expl.ncells--;
	n = st->expl_number;
	return new_row(st, &st->expl, n);
}

static int
start_list(struct pstate *st, const struct imp_frag *h)
{
	struct imp_parse *p = st->p;
	struct imp_list *l;
	int c, i, idx = 1;

	if (p->nlists >= IMP_MAXLISTS)
		return -1;
	for (i = 0; i < p->nlists; i++)
		if (p->lists[i].service == st->service &&
		    p->lists[i].appendix == st->appendix)
			idx++;
	l = &p->lists[p->nlists];
	memset(l, 0, sizeof(*l));
	l->service = st->service;
	l->appendix = st->appendix;
	l->index = idx;
	l->ncols = h->ncells;
	l->col_phone = l->col_web = l->col_sched = -1;
	l->header_line = h->line;
	l->kind = IMP_LIST_INSTITUTIONS;
	for (c = 0; c < h->ncells; c++) {
		const char *s = cell(h, c);

		if (strstr(s, "органның") != NULL)
			l->kind = IMP_LIST_BODIES;
		if (l->col_phone < 0 && strstr(s, "елефон") != NULL)
			l->col_phone = c;
		else if (l->col_web < 0 && strstr(s, "Сайт") != NULL)
			l->col_web = c;
		else if (l->col_sched < 0 &&
		    (strstr(s, "кесте") != NULL || strstr(s, "уақыты") != NULL))
			l->col_sched = c;
	}
	st->list = p->nlists++;
	st->expected = 1;
	st->cur = -1;
	st->district = -1;
	return 0;
}

static int
flush_block(struct pstate *st)
{
	struct imp_frag f;
	const char *t;
	int d, sc;

	if (st->block.len == 0)
		return 0;
	t = st->block.data;
	while (*t == '*' || *t == ' ')
		t++;
	sc = st->p->lists[st->list].col_sched;
	if (imp_heading_district(st->block.data, &d)) {
		if (flush_pending(st) == -1)
			return -1;
		st->district = d;
	} else if (sc >= 0 && imp_is_schedule_text(t)) {
		/* A schedule on its own line: a cell of an unnumbered row. */
		frag_init(&f, st->block_line);
		f.ncells = sc + 1;
		if (buf_puts(&f.cell[sc], t) == -1 ||
		    add_pending(st, &f) == -1) {
			imp_frag_free(&f);
			return -1;
		}
	} else if (*t >= '0' && *t <= '9' && strstr(t, ". ") != NULL &&
	    strstr(t, "ұйым") != NULL) {
		/* A sub-title inside the table (l. 2136-2138). */
		st->district = -1;
		imp_problem(st->p, st->block_line, 0,
		    "sub-title inside a table: \"%.80s\"", t);
	} else
		imp_problem(st->p, st->block_line, 1,
		    "unreadable text in a table: \"%.80s\"", t);
	buf_reset(&st->block);
	return 0;
}

static int
end_table(struct pstate *st)
{
	int rc = 0;

	if (st->list < 0)
		return 0;
	if (finish_exploded(st) == -1 || flush_block(st) == -1 ||
	    flush_pending(st) == -1)
		rc = -1;
	if (imp_rule_schedule_span(st->p, st->list) == -1)
		rc = -1;
	st->list = -1;
	st->cur = -1;
	st->district = -1;
	return rc;
}

static int
is_header(const struct imp_frag *f)
{
	const char *s = cell(f, 0);

	return strcmp(s, "№") == 0 || strncmp(s, "№ р/с", 7) == 0 ||
	    strcmp(s, "р/с") == 0;
}

/* «N-қосымша», «N қосымша», «... регламентіне 1-қосымша». */
static int
appendix_marker(const char *s, size_t n, int *num)
{
	static const char kw[] = "қосымша";
	size_t k = sizeof(kw) - 1, i;
	int v = 0, mul = 1;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	if (n < k || memcmp(s + n - k, kw, k) != 0)
		return 0;
	i = n - k;
	while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '-'))
		i--;
	if (i == 0 || s[i - 1] < '0' || s[i - 1] > '9')
		return 0;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' && mul < 1000) {
		v += (s[i - 1] - '0') * mul;
		mul *= 10;
		i--;
	}
	*num = v;
	return 1;
}

/* «N) «Title» мемлекеттік қызмет регламенті;» in the resolution. */
static int
service_title(struct imp_parse *p, const char *s, size_t n, int line)
{
	const char *o, *c, *q;
	char tmp[1024];
	int num = 0;
	size_t i = 0, len;

	while (i < n && s[i] >= '0' && s[i] <= '9' && num < 100)
		num = num * 10 + (s[i++] - '0');
	if (i == 0 || i >= n || s[i] != ')' || num < 1 || num > IMP_NSERVICES ||
	    p->titles[num] != NULL)
		return 0;
	/* memmem: the line is not NUL-terminated (buf[0..len) only). */
	if ((o = memmem(s, n, "«", strlen("«"))) == NULL)
		return 0;
	o += strlen("«");
	c = NULL;
	for (q = o; q < s + n &&
	     (q = memmem(q, (size_t)(s + n - q), "»", strlen("»"))) != NULL;
	     q++)
		c = q;
	if (c == NULL)
		return 0;
	len = (size_t)(c - o);
	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, o, len);
	tmp[len] = '\0';
	if ((p->titles[num] = imp_collapse_spaced(tmp)) == NULL)
		return -1;
	p->title_line[num] = line;
	return 0;
}

static int
do_tabbed(struct pstate *st, const char *s, size_t n, int ln)
{
	struct imp_frag f;
	int num, d, c, nonempty = 0, which = -1;

	if (imp_frag_from_line(&f, s, n, ln) == -1)
		goto fail;
	if (imp_rule_separator(&f) || imp_rule_column_numbers(&f)) {
		imp_frag_free(&f);
		if (finish_exploded(st) == -1 || flush_block(st) == -1)
			return -1;
		return 0;
	}
	if (is_header(&f)) {
		if (end_table(st) == -1 || start_list(st, &f) == -1)
			goto fail;
		imp_frag_free(&f);
		return 0;
	}
	if (finish_exploded(st) == -1 || flush_block(st) == -1)
		goto fail;
	for (c = 0; c < f.ncells; c++)
		if (f.cell[c].len > 0) {
			nonempty++;
			which = c;
		}
	if (nonempty == 0) {
		imp_frag_free(&f);
		return 0;
	}
	if (nonempty == 1 && which <= 1 &&
	    imp_heading_district(cell(&f, which), &d)) {
		imp_frag_free(&f);
		if (flush_pending(st) == -1)
			return -1;
		st->district = d;
		return 0;
	}
	if (is_number(cell(&f, 0), &num)) {
		/* The row owns the cells, unless it could not be made. */
		if (new_row(st, &f, num) == -1)
			goto fail;
		return 0;
	}
	if (f.cell[0].len == 0) {
		if (frag_rules(st, &f) == -1 || add_pending(st, &f) == -1)
			goto fail;
		return 0;
	}
	imp_problem(
	    st->p, ln, 1, "unreadable table line: \"%.80s\"", cell(&f, 0));
	imp_frag_free(&f);
	return 0;
fail:
	imp_frag_free(&f);
	return -1;
}

static int
do_bare(struct pstate *st, const char *s, size_t n, int ln)
{
	char tmp[32];
	int num;

	if (n < sizeof(tmp)) {
		memcpy(tmp, s, n);
		tmp[n] = '\0';
	} else
		tmp[0] = '\0';
	if (st->exploding) {
		if (is_number(tmp, &num) && num == st->expl_number + 1) {
			if (finish_exploded(st) == -1)
				return -1;
		} else {
			struct buf *b = &st->expl.cell[st->expl_col];

			return cell_append(b, s, n);
		}
	}
	if (is_number(tmp, &num) && num == st->expected) {
		if (flush_block(st) == -1)
			return -1;
		frag_init(&st->expl, ln);
		if (buf_add(&st->expl.cell[0], s, n) == -1)
			return -1;
		st->exploding = 1;
		st->expl_col = 0;
		st->expl_number = num;
		return 0;
	}
	if (n >= 2 &&
	    (strncmp(s, "«", 2) == 0 || s[0] == '"' ||
		strncmp(s, "©", 2) == 0 ||
		strncmp(s, "А л м а т ы", strlen("А л м а т ы")) == 0))
		return end_table(st);
	if (strncmp(s, "Мемлекеттік емес білім беру ұйымдары",
		strlen("Мемлекеттік емес білім беру ұйымдары")) == 0) {
		/* The non-state list follows with its own header. */
		return end_table(st);
	}
	if (st->block.len == 0)
		st->block_line = ln;
	return cell_append(&st->block, s, n);
}

int
imp_parse_text(const char *buf, size_t len, struct imp_parse *p)
{
	struct pstate st;
	const char *s, *e, *end = buf + len;
	size_t n;
	int ln = 0, num, rc = -1;

	memset(&st, 0, sizeof(st));
	st.p = p;
	st.list = -1;
	st.cur = -1;
	st.district = -1;
	buf_init(&st.block, IMP_CELLCAP);
	for (s = buf; s < end; s = e + 1) {
		if ((e = memchr(s, '\n', (size_t)(end - s))) == NULL)
			e = end;
		ln++;
		n = (size_t)(e - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		if (n > LINECAP) {
			imp_problem(p, ln, 1, "line too long, skipped");
			continue;
		}
		while (n > 0 && s[0] == ' ' && memchr(s, '\t', n) == NULL) {
			s++;
			n--;
		}
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (n == 0) {
			if (st.exploding && st.expl.cell[st.expl_col].len > 0 &&
			    st.expl_col + 1 < IMP_MAXCELLS)
				st.expl_col++;
			if (e == end)
				break;
			continue;
		}
		if (memmem(s, n, "қаулысымен бекітілді",
			strlen("қаулысымен бекітілді")) != NULL &&
		    memchr(s, '\t', n) == NULL) {
			if (end_table(&st) == -1)
				goto out;
			st.service++;
			st.appendix = 0;
			st.in_appendix = 0;
			goto next;
		}
		if (st.service == 0) {
			if (service_title(p, s, n, ln) == -1)
				goto out;
			goto next;
		}
		if (p->mes_line == 0 &&
		    memmem(s, n,
			"Орынбор көшесі, 8, "
			"11-кіреберіс",
			strlen("Орынбор көшесі, 8, "
			       "11-кіреберіс")) != NULL)
			p->mes_line = ln;
		if (memchr(s, '\t', n) == NULL && appendix_marker(s, n, &num)) {
			if (end_table(&st) == -1)
				goto out;
			st.appendix = num;
			st.in_appendix = 1;
			goto next;
		}
		if (st.list < 0) {
			if (st.in_appendix && memchr(s, '\t', n) != NULL) {
				struct imp_frag h;

				if (imp_frag_from_line(&h, s, n, ln) == -1) {
					imp_frag_free(&h);
					goto out;
				}
				if (is_header(&h) &&
				    start_list(&st, &h) == -1) {
					imp_frag_free(&h);
					goto out;
				}
				imp_frag_free(&h);
			}
			goto next;
		}
		if (memchr(s, '\t', n) != NULL) {
			if (do_tabbed(&st, s, n, ln) == -1)
				goto out;
		} else if (do_bare(&st, s, n, ln) == -1)
			goto out;
next:
		if (e == end)
			break;
	}
	if (end_table(&st) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		p->oom = 1;
	imp_frag_free(&st.pending);
	imp_frag_free(&st.expl);
	buf_free(&st.block);
	return rc;
}

void
imp_parse_free(struct imp_parse *p)
{
	size_t i;
	int r;

	for (r = 0; r < p->nrows; r++) {
		imp_frag_free(&p->rows[r].f);
		free(p->rows[r].schedule);
	}
	free(p->rows);
	for (i = 0; i <= IMP_NSERVICES; i++)
		free(p->titles[i]);
	for (i = 0; i < p->nproblems; i++)
		free(p->problems[i].msg);
	free(p->problems);
	memset(p, 0, sizeof(*p));
}
