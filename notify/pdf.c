/*
 * What the PDF writers share: a cairo PDF surface that writes into a
 * capped buffer, Pango layouts in DejaVu Sans, and QR codes.
 *
 * Sizes are in PDF points (1/72 inch); a cairo PDF surface's user space
 * is points, so fonts are set with an absolute size: Pango's own
 * resolution (96 dpi) would make them a third larger.
 */
#include <string.h>

#include <cairo-pdf.h>
#include <qrencode.h>

#include "notify/draw_int.h"

#define QR_QUIET 4 /* modules of white around the code */

static cairo_status_t
pdf_write(void *arg, const unsigned char *data, unsigned int len)
{
	struct notify_pdf *p = arg;

	if (buf_add(p->out, data, len) == -1) {
		p->overflow = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

int
notify_pdf_begin(struct notify_pdf *p, struct buf *out, double width_mm,
    double height_mm, const char *title, char *err, size_t errlen)
{
	cairo_status_t st;

	memset(p, 0, sizeof(*p));
	p->out = out;
	p->surface = cairo_pdf_surface_create_for_stream(
	    pdf_write, p, width_mm * MM, height_mm * MM);
	if ((st = cairo_surface_status(p->surface)) != CAIRO_STATUS_SUCCESS) {
		errf(
		    err, errlen, "notify: pdf: %s", cairo_status_to_string(st));
		cairo_surface_destroy(p->surface);
		p->surface = NULL;
		return -1;
	}
	if (title != NULL)
		cairo_pdf_surface_set_metadata(
		    p->surface, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(
	    p->surface, CAIRO_PDF_METADATA_CREATOR, "complaintsd");
	p->cr = cairo_create(p->surface);
	if ((st = cairo_status(p->cr)) != CAIRO_STATUS_SUCCESS) {
		errf(
		    err, errlen, "notify: pdf: %s", cairo_status_to_string(st));
		cairo_destroy(p->cr);
		cairo_surface_destroy(p->surface);
		p->cr = NULL;
		p->surface = NULL;
		return -1;
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	return 0;
}

int
notify_pdf_finish(struct notify_pdf *p, char *err, size_t errlen)
{
	cairo_status_t st = CAIRO_STATUS_SUCCESS;
	int rc = -1;

	if (p->cr != NULL) {
		st = cairo_status(p->cr);
		cairo_destroy(p->cr);
		p->cr = NULL;
	}
	if (p->surface != NULL) {
		cairo_surface_finish(p->surface);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_status(p->surface);
		cairo_surface_destroy(p->surface);
		p->surface = NULL;
	}
	if (p->overflow)
		errf(err, errlen, "notify: pdf: larger than %zu bytes",
		    p->out->cap);
	else if (st != CAIRO_STATUS_SUCCESS)
		errf(
		    err, errlen, "notify: pdf: %s", cairo_status_to_string(st));
	else
		rc = 0;
	return rc;
}

PangoLayout *
notify_layout(
    cairo_t *cr, const char *text, double size, int bold, double width)
{
	PangoFontDescription *fd;
	PangoLayout *l;

	l = pango_cairo_create_layout(cr);
	fd = pango_font_description_new();
	pango_font_description_set_family(fd, NOTIFY_FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(
	    fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	}
	pango_layout_set_text(l, text, -1);
	return l;
}

void
notify_show(cairo_t *cr, PangoLayout *l, double x, double y)
{
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
}

double
notify_layout_height(PangoLayout *l)
{
	int w, h;

	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

double
notify_text_at(cairo_t *cr, const char *text, double x, double y, double size,
    int bold, double width, PangoAlignment align)
{
	PangoLayout *l;
	double h;

	if (text == NULL || *text == '\0')
		return 0;
	l = notify_layout(cr, text, size, bold, width);
	pango_layout_set_alignment(l, align);
	notify_show(cr, l, x, y);
	h = notify_layout_height(l);
	g_object_unref(l);
	return h;
}

int
notify_qr_draw(cairo_t *cr, const char *text, double x, double y, double side)
{
	QRcode *qr;
	double m;
	int w;

	if (text == NULL || *text == '\0')
		return -1;
	if ((qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) ==
	    NULL)
		return -1;
	w = qr->width;
	m = side / (w + 2 * QR_QUIET);
	cairo_save(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, side, side);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	/* Runs of dark modules, one rectangle each: no seams between. */
	for (int r = 0; r < w; r++) {
		for (int c = 0; c < w;) {
			int c0;

			if (!(qr->data[r * w + c] & 1)) {
				c++;
				continue;
			}
			for (c0 = c; c < w && (qr->data[r * w + c] & 1); c++)
				;
			cairo_rectangle(cr, x + (QR_QUIET + c0) * m,
			    y + (QR_QUIET + r) * m, (c - c0) * m, m);
		}
	}
	cairo_fill(cr);
	cairo_restore(cr);
	QRcode_free(qr);
	return 0;
}
