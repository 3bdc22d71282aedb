/*
 * notify: what the module's own files share.  Not for callers.
 */
#ifndef NOTIFY_INT_H
#define NOTIFY_INT_H

#include <stddef.h>

#include <cairo.h>
#include <pango/pangocairo.h>

#include "notify/notify.h"

#define NOTIFY_FONT "DejaVu Sans"
#define NOTIFY_MONO "DejaVu Sans Mono"
/* Points per millimetre. */
#define MM (72.0 / 25.4)

/*
 * The letterhead's texts of a letter (web/xsl/notice.xsl, part "letter"):
 * written into out, which the three pointers then point into.  0, or -1
 * with a message (a text the catalogues lack, no catalogues loaded).
 */
int notify_letter_labels(const struct notify_letter *, struct buf *out,
    const char **head_line, const char **reference, const char **qr_caption,
    char *err, size_t errlen);

/* 1 when s[0..n) is well-formed UTF-8 without C0 controls but \n \t. */
int notify_utf8_text(const char *s, size_t n);
/* YYYY-MM-DD as DD.MM.YYYY; -1 when s is not a date. */
int notify_dmy(const char *s, char out[11]);

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
 * The renderer process, when one is started (notify/renderer.c): 1 when
 * the PDF functions must hand their documents over to it, and the
 * functions that do; they return what the public ones do.
 */
int notify_renderer_active(void);
int notify_renderer_letter(const struct notify_letter *, const char *text,
    struct buf *pdf, char *err, size_t errlen);
int notify_renderer_talon(
    const struct notify_talon *, struct buf *pdf, char *err, size_t errlen);
int notify_renderer_register(const struct notify_register_row *, size_t n,
    const char *body_name, const char *date, const char *const *label,
    struct buf *pdf, char *err, size_t errlen);

/*
 * The postal register's labels, made from the catalogues' register.*
 * texts (Kazakh and Russian) by notify_register_pdf in the daemon, and
 * the drawing with them, which the renderer process runs.
 */
#define NOTIFY_REG_LABELS 10
int notify_register_draw(const struct notify_register_row *, size_t n,
    const char *body_name, const char *date, const char *const *label,
    struct buf *pdf, char *err, size_t errlen);

/*
 * What a libcurl result and the server's last reply code (0: none) mean
 * for the message: enum notify_result.  Here so that the tests can check
 * the table without a network.
 */
int notify_smtp_classify(int curl_code, long reply);

#endif /* NOTIFY_INT_H */
