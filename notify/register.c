/*
 * The postal register's PDF: the list of letters a body hands to the
 * post office on a day, with outgoing number, addressee, address and
 * talon, to print and sign (its labels and its CSV: documents.c).
 */
#include <stdio.h>
#include <string.h>

#include "notify/draw_int.h"

#define REG_W	   210.0 /* A4 portrait, mm */
#define REG_H	   297.0
#define REG_X	   15.0
#define REG_TOP	   15.0
#define REG_BOTTOM 277.0
#define REG_SIZE   8.5 /* pt, the rows */
#define REG_PAD	   1.2 /* mm inside a cell */
#define REG_COLS   5

/* Column widths in mm: №, outgoing number, addressee, address, talon. */
static const double col_w[REG_COLS] = { 10, 22, 45, 69, 34 };

/*
 * The labels: register.* texts of the Kazakh and Russian catalogues,
 * one above the other (in the title and the column heads) or side by
 * side; once where both say the same.
 */
enum {
	L_TITLE,
	L_NO,
	L_OUT,
	L_TO,
	L_ADDRESS,
	L_TALON,
	L_TOTAL,
	L_HANDED,
	L_RECEIVED,
	L_SIGNATURE
};
_Static_assert(L_SIGNATURE + 1 == NOTIFY_REG_LABELS, "a key a label");
_Static_assert(L_TOTAL == NOTIFY_REG_LABELS - 4, "the last four on a line");

/*
 * Lays out one row of cells; draws it at y when draw is set.  Returns
 * its height in points.
 */
static double
table_row(
    cairo_t *cr, const char *const cell[REG_COLS], double y, int bold, int draw)
{
	PangoLayout *lay[REG_COLS];
	double h = 0, x = REG_X * MM;

	for (int i = 0; i < REG_COLS; i++) {
		double ch;

		lay[i] = notify_layout(cr, cell[i] ? cell[i] : "", REG_SIZE,
		    bold, (col_w[i] - 2 * REG_PAD) * MM);
		ch = notify_layout_height(lay[i]) + 2 * REG_PAD * MM;
		if (ch > h)
			h = ch;
	}
	for (int i = 0; i < REG_COLS; i++) {
		if (draw) {
			if (bold) {
				cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
				cairo_rectangle(cr, x, y, col_w[i] * MM, h);
				cairo_fill(cr);
				cairo_set_source_rgb(cr, 0, 0, 0);
			}
			cairo_rectangle(cr, x, y, col_w[i] * MM, h);
			cairo_stroke(cr);
			notify_show(
			    cr, lay[i], x + REG_PAD * MM, y + REG_PAD * MM);
		}
		x += col_w[i] * MM;
		g_object_unref(lay[i]);
	}
	return h;
}

static void
page_footer(cairo_t *cr, int page)
{
	char s[32];

	snprintf(s, sizeof(s), "%d", page);
	notify_text_at(
	    cr, s, REG_X * MM, 285 * MM, 7.5, 0, 180 * MM, PANGO_ALIGN_RIGHT);
}

int
notify_register_draw(const struct notify_register_row *rows, size_t n,
    const char *body_name, const char *date, const char *const *label,
    struct buf *pdf, char *err, size_t errlen)
{
	const double w = 180 * MM;
	const char *col_title[REG_COLS] = { label[L_NO], label[L_OUT],
		label[L_TO], label[L_ADDRESS], label[L_TALON] };
	struct notify_pdf p;
	struct buf t;
	char dmy[11], num[24];
	double y, hh;
	int rc = -1, page = 1;

	buf_init(&t, 4096);
	for (size_t i = 0; i < n; i++)
		if (!notify_register_row_ok(&rows[i])) {
			errf(err, errlen,
			    "notify: register: row %zu is "
			    "not UTF-8 text or too long",
			    i + 1);
			goto out;
		}
	if (notify_dmy(date, dmy) == -1) {
		errf(err, errlen,
		    "notify: register: not a date: "
		    "%.20s",
		    date ? date : "(null)");
		goto out;
	}
	if (notify_pdf_begin(
		&p, pdf, REG_W, REG_H, label[L_TITLE], err, errlen) == -1)
		goto out;
	cairo_set_line_width(p.cr, 0.5);

	y = REG_TOP * MM;
	if (body_name != NULL)
		y += notify_text_at(p.cr, body_name, REG_X * MM, y, 10, 1, w,
			 PANGO_ALIGN_CENTER) +
		    2 * MM;
	buf_printf(&t, "%s\n%s", label[L_TITLE], dmy);
	y += notify_text_at(
		 p.cr, t.data, REG_X * MM, y, 11, 1, w, PANGO_ALIGN_CENTER) +
	    4 * MM;

	hh = table_row(p.cr, col_title, y, 1, 1);
	y += hh;
	for (size_t i = 0; i < n; i++) {
		const char *cell[REG_COLS];
		double h;

		snprintf(num, sizeof(num), "%zu", i + 1);
		cell[0] = num;
		cell[1] = rows[i].out_number;
		cell[2] = rows[i].addressee;
		cell[3] = rows[i].address;
		cell[4] = rows[i].talon;
		h = table_row(p.cr, cell, y, 0, 0);
		if (y + h > REG_BOTTOM * MM) {
			page_footer(p.cr, page++);
			cairo_show_page(p.cr);
			y = REG_TOP * MM;
			y += table_row(p.cr, col_title, y, 1, 1);
		}
		table_row(p.cr, cell, y, 0, 1);
		y += h;
	}

	/* The total and the signatures, on a new page when they must. */
	if (y + 30 * MM > REG_BOTTOM * MM) {
		page_footer(p.cr, page++);
		cairo_show_page(p.cr);
		y = REG_TOP * MM;
	}
	buf_reset(&t);
	buf_printf(&t,
	    "%s: %zu\n\n"
	    "%s: ______________________  (%s)\n\n"
	    "%s: ______________________  (%s)",
	    label[L_TOTAL], n, label[L_HANDED], label[L_SIGNATURE],
	    label[L_RECEIVED], label[L_SIGNATURE]);
	notify_text_at(
	    p.cr, t.data, REG_X * MM, y + 5 * MM, 9, 0, w, PANGO_ALIGN_LEFT);
	page_footer(p.cr, page);
	rc = notify_pdf_finish(&p, err, errlen);
out:
	buf_free(&t);
	return rc;
}
