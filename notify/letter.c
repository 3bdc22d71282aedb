/*
 * The letter to the applicant as an A4 PDF.
 *
 * Page one: the body's letterhead in Kazakh and Russian; the address
 * block inside the window of a DL envelope (window 20 mm from the left
 * and 45 mm from the top, 90 x 45 mm) with the outgoing number, date,
 * talon and a QR code of the status page beside it; fold marks for the
 * two folds that bring the address to the window (99 and 198 mm); then
 * the text.  Later pages carry the text on.  Every page is numbered.
 */
#include <stdio.h>
#include <string.h>

#include "notify/draw_int.h"

#define PAGE_W	    210.0
#define PAGE_H	    297.0
#define TEXT_X	    25.0 /* mm: the text column */
#define TEXT_W	    170.0
#define TEXT_SIZE   10.5  /* pt */
#define TEXT_TOP1   100.0 /* mm: the text on page one, below window */
#define TEXT_TOP    20.0  /* mm: on the pages after */
#define TEXT_BOTTOM 272.0 /* mm: no text line below this */
#define HEAD_MAX    30.0  /* mm: the letterhead ends above this */

#define WIN_X	20.0 /* the window of a DL envelope */
#define WIN_Y	45.0
#define WIN_W	90.0
#define WIN_H	45.0
#define WIN_PAD 5.0 /* what shifts in the envelope */

#define REF_X 120.0 /* the reference block beside the window */
#define REF_W 75.0

static void
letterhead(cairo_t *cr, const struct notify_letter *l)
{
	const char *line = l->head_line ? l->head_line : "";
	double size, y, h1, h2, h3;

	/* The largest size at which the letterhead fits above the window. */
	for (size = 10;; size -= 0.5) {
		PangoLayout *a = notify_layout(cr,
		    l->body_name_kk ? l->body_name_kk : "", size, 1, 80 * MM);
		PangoLayout *b = notify_layout(cr,
		    l->body_name_ru ? l->body_name_ru : "", size, 1, 80 * MM);
		PangoLayout *c = notify_layout(cr, line, size - 2, 0, 170 * MM);

		h1 = notify_layout_height(a);
		h2 = notify_layout_height(b);
		h3 = notify_layout_height(c);
		g_object_unref(a);
		g_object_unref(b);
		g_object_unref(c);
		if (12 * MM + (h1 > h2 ? h1 : h2) + h3 + 3 * MM <=
			HEAD_MAX * MM ||
		    size <= 6)
			break;
	}
	y = 12 * MM;
	notify_text_at(cr, l->body_name_kk, 15 * MM, y, size, 1, 85 * MM,
	    PANGO_ALIGN_CENTER);
	notify_text_at(cr, l->body_name_ru, 110 * MM, y, size, 1, 85 * MM,
	    PANGO_ALIGN_CENTER);
	y += (h1 > h2 ? h1 : h2) + 1.5 * MM;
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	notify_text_at(
	    cr, line, 20 * MM, y, size - 2, 0, 170 * MM, PANGO_ALIGN_CENTER);
	y += h3 + 1.5 * MM;
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, 15 * MM, y);
	cairo_line_to(cr, 195 * MM, y);
	cairo_stroke(cr);
	cairo_set_line_width(cr, 0.3);
	cairo_move_to(cr, 15 * MM, y + 1.2);
	cairo_line_to(cr, 195 * MM, y + 1.2);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
}

/*
 * The addressee inside the window: the largest size at which every line
 * of the address stays whole; failing that, the largest that fits.
 */
static void
address_block(cairo_t *cr, const struct notify_letter *l, const char *full_name)
{
	const double w = (WIN_W - 2 * WIN_PAD) * MM;
	const double h = (WIN_H - 2 * WIN_PAD) * MM;
	struct buf t;
	PangoLayout *lay;
	double size, fit = 0;
	int paras = 1;

	buf_init(&t, 2 * NOTIFY_VALUE_MAX);
	buf_puts(&t, full_name);
	if (l->address != NULL) {
		buf_puts(&t, "\n");
		buf_puts(&t, l->address);
	}
	for (const char *p = t.data; *p != '\0'; p++)
		paras += *p == '\n';
	for (size = 10.5; size >= 6; size -= 0.5) {
		lay = notify_layout(cr, t.data, size, 0, w);
		if (notify_layout_height(lay) <= h) {
			if (fit == 0)
				fit = size;
			if (pango_layout_get_line_count(lay) == paras) {
				g_object_unref(lay);
				fit = size;
				break;
			}
		}
		g_object_unref(lay);
		if (size < 8 && fit > 0)
			break;
	}
	lay = notify_layout(cr, t.data, fit > 0 ? fit : 6, 0, w);
	/* Whatever is still too long stays inside the window. */
	cairo_save(cr);
	cairo_rectangle(
	    cr, (WIN_X + WIN_PAD) * MM, (WIN_Y + WIN_PAD) * MM, w, h);
	cairo_clip(cr);
	notify_show(cr, lay, (WIN_X + WIN_PAD) * MM, (WIN_Y + WIN_PAD) * MM);
	cairo_restore(cr);
	g_object_unref(lay);
	buf_free(&t);
}

/* The reference block beside the window: its text is the caller's. */
static void
reference_block(cairo_t *cr, const struct notify_letter *l)
{
	double y = WIN_Y * MM;

	if (l->reference != NULL && *l->reference != '\0')
		y += notify_text_at(cr, l->reference, REF_X * MM, y, 9, 0,
		    REF_W * MM, PANGO_ALIGN_LEFT);
	if (l->status_url != NULL && y + 26 * MM < TEXT_TOP1 * MM &&
	    notify_qr_draw(cr, l->status_url, REF_X * MM - 1.5 * MM, y + 1 * MM,
		24 * MM) == 0)
		notify_text_at(cr, l->qr_caption, REF_X * MM + 24 * MM,
		    y + 4 * MM, 7, 0, 45 * MM, PANGO_ALIGN_LEFT);
}

static void
fold_marks(cairo_t *cr)
{
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
	cairo_set_line_width(cr, 0.4);
	cairo_move_to(cr, 4 * MM, 99 * MM);
	cairo_line_to(cr, 9 * MM, 99 * MM);
	cairo_move_to(cr, 4 * MM, 198 * MM);
	cairo_line_to(cr, 9 * MM, 198 * MM);
	cairo_stroke(cr);
	cairo_restore(cr);
}

static void
footer(cairo_t *cr, const struct notify_letter *l, int page, int pages)
{
	char s[64];

	cairo_save(cr);
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	if (l->talon != NULL)
		notify_text_at(cr, l->talon, TEXT_X * MM, 280 * MM, 7.5, 0,
		    80 * MM, PANGO_ALIGN_LEFT);
	snprintf(s, sizeof(s), "%d / %d", page, pages);
	notify_text_at(cr, s, (TEXT_X + TEXT_W - 40) * MM, 280 * MM, 7.5, 0,
	    40 * MM, PANGO_ALIGN_RIGHT);
	cairo_restore(cr);
}

/*
 * Lays the text out over pages; draws when draw is set.  Returns the
 * number of pages.
 */
static int
paginate(cairo_t *cr, const struct notify_letter *l, PangoLayout *lay, int draw,
    int pages)
{
	PangoLayoutIter *it;
	double shift = -TEXT_TOP1 * MM; /* page y = layout y - shift */
	int page = 1;

	it = pango_layout_get_iter(lay);
	do {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		PangoRectangle ink, logical;
		int y0, y1;
		double base;

		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		pango_layout_iter_get_line_extents(it, &ink, &logical);
		if ((double)y1 / PANGO_SCALE - shift > TEXT_BOTTOM * MM) {
			if (draw) {
				footer(cr, l, page, pages);
				cairo_show_page(cr);
			}
			page++;
			shift = (double)y0 / PANGO_SCALE - TEXT_TOP * MM;
		}
		if (draw) {
			base = (double)pango_layout_iter_get_baseline(it) /
				PANGO_SCALE -
			    shift;
			cairo_move_to(cr,
			    TEXT_X * MM + (double)logical.x / PANGO_SCALE,
			    base);
			pango_cairo_show_layout_line(cr, line);
		}
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (draw)
		footer(cr, l, page, pages);
	return page;
}

int
notify_letter_draw(const struct notify_letter *l, const char *text,
    struct buf *pdf, char *err, size_t errlen)
{
	struct notify_pdf p;
	struct buf name;
	PangoLayout *lay = NULL;
	int rc = -1, pages;

	buf_init(&name, 3 * NOTIFY_VALUE_MAX);
	if (notify_full_name(l, &name) == -1) {
		errf(err, errlen, "notify: letter: no addressee name");
		goto out;
	}
	if (text == NULL || !notify_utf8_text(text, strlen(text))) {
		errf(err, errlen,
		    "notify: letter: the text is not "
		    "UTF-8 text");
		goto out;
	}
	if (notify_pdf_begin(
		&p, pdf, PAGE_W, PAGE_H, l->out_number, err, errlen) == -1)
		goto out;

	letterhead(p.cr, l);
	address_block(p.cr, l, name.data);
	reference_block(p.cr, l);
	fold_marks(p.cr);

	lay = notify_layout(p.cr, text, TEXT_SIZE, 0, TEXT_W * MM);
	pango_layout_set_spacing(lay, (int)(2.0 * PANGO_SCALE));
	pages = paginate(p.cr, l, lay, 0, 0);
	paginate(p.cr, l, lay, 1, pages);
	g_object_unref(lay);

	rc = notify_pdf_finish(&p, err, errlen);
out:
	buf_free(&name);
	return rc;
}
