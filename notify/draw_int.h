/*
 * notify: the drawing library's own (libcomplaints-draw.a: pdf.c,
 * letter.c, talon.c, register.c), which cairo, pango and libqrencode
 * draw; linked by the renderer program (render.c) and by the tools and
 * tests that draw in their own process, never by the daemon.
 */
#ifndef NOTIFY_DRAW_INT_H
#define NOTIFY_DRAW_INT_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "notify/notify_int.h"

#define NOTIFY_FONT "DejaVu Sans"
#define NOTIFY_MONO "DejaVu Sans Mono"
/* Points per millimetre. */
#define MM (72.0 / 25.4)

/*
 * A PDF surface writing into pdf (the cairo write callback): sets up the
 * context, fonts and metadata.  notify_pdf_finish() flushes and checks,
 * destroying both; returns 0 or -1 with a message.
 */
struct notify_pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	struct buf *out;
	int overflow;
};
int notify_pdf_begin(struct notify_pdf *, struct buf *out, double width_mm,
    double height_mm, const char *title, char *err, size_t errlen);
int notify_pdf_finish(struct notify_pdf *, char *err, size_t errlen);

/*
 * A Pango layout of text in the font at size points, width in points
 * (0: no wrapping).  Caller unrefs.
 */
PangoLayout *
notify_layout(cairo_t *, const char *text, double size, int bold, double width);
/* Draws the layout with its top left corner at x, y (points). */
void notify_show(cairo_t *, PangoLayout *, double x, double y);
/* The layout's height in points. */
double notify_layout_height(PangoLayout *);
/* Draws text and returns its height; NULL text draws nothing. */
double notify_text_at(cairo_t *, const char *text, double x, double y,
    double size, int bold, double width, PangoAlignment);

/*
 * Draws a QR code of text (ECC level M, with its quiet zone) in a square
 * of side points at x, y.  Returns 0 or -1.
 */
int
notify_qr_draw(cairo_t *, const char *text, double x, double y, double side);

/*
 * The documents, labelled already (by notify/documents.c, in the
 * caller's process): append the PDF to pdf.  0, or -1 with a message.
 */
int notify_letter_draw(const struct notify_letter *, const char *text,
    struct buf *pdf, char *err, size_t errlen);
int notify_talon_draw(
    const struct notify_talon *, struct buf *pdf, char *err, size_t errlen);
int notify_register_draw(const struct notify_register_row *, size_t n,
    const char *body_name, const char *date, const char *const *label,
    struct buf *pdf, char *err, size_t errlen);

#endif /* NOTIFY_DRAW_INT_H */
