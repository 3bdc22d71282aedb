/*
 * The talon: the slip an applicant gets when a complaint is accepted
 * (the regulation's "талон": date and time of acceptance, who accepted
 * it; later law adds a number and the employee's position).  An A6 PDF
 * for posting or handing over, and plain text for an 80 mm receipt
 * printer.
 */
#include <stdio.h>
#include <string.h>

#include "notify/draw_int.h"

#define TALON_W 105.0 /* A6, mm */
#define TALON_H 148.0
#define TALON_M 8.0 /* margin */

struct labels {
	const char *title;
	const char *subtitle;
	const char *number;
	const char *journal;
	const char *accepted;
	const char *registered;
	const char *registrar;
	const char *due;
	const char *code;
	const char *check;
	const char *keep;
};

/* The labels by name. */
static void
labels_of(const struct notify_talon *t, struct labels *lb)
{
	const char **f[NOTIFY_TALON_LABELS] = { &lb->title, &lb->subtitle,
		&lb->number, &lb->journal, &lb->accepted, &lb->registered,
		&lb->registrar, &lb->due, &lb->code, &lb->check, &lb->keep };

	for (int i = 0; i < NOTIFY_TALON_LABELS; i++)
		*f[i] = t->label[i] != NULL ? t->label[i] : "";
}

/* "2026-11-26T14:05:00+05:00" as "26.11.2026 14:05", the time as given. */
static int
when(const char *iso, char out[17])
{
	time_t t;

	if (iso == NULL || strlen(iso) < 19 || iso_parse(iso, &t) == -1)
		return -1;
	snprintf(out, 17, "%.2s.%.2s.%.4s %.2s:%.2s", iso + 8, iso + 5, iso,
	    iso + 11, iso + 14);
	return 0;
}

/* An 8-character access code as ABCD-EFGH, easier to copy by hand. */
static void
code_grouped(const char *code, char out[32])
{
	if (strlen(code) == 8)
		snprintf(out, 32, "%.4s-%.4s", code, code + 4);
	else
		snprintf(out, 32, "%s", code);
}

/*
 * What the talon shows, worked out once for the text and the PDF: the
 * time it was received (the regulation's "date and time of acceptance"),
 * the registration time beside it where they differ, who accepted it,
 * and the due date with the rule and clause that gave it.
 */
struct talon_view {
	char at[17], reg[17], code[32];
	char due[11 + NOTIFY_VALUE_MAX + 4];
	struct buf who;
};

static int
talon_view(const struct notify_talon *t, struct talon_view *v)
{
	char d[11];

	memset(v, 0, sizeof(*v));
	buf_init(&v->who, 2 * NOTIFY_VALUE_MAX + 8);
	if (t->received_at != NULL &&
	    strcmp(t->received_at, t->accepted_at) != 0) {
		if (when(t->received_at, v->at) == -1 ||
		    when(t->accepted_at, v->reg) == -1)
			return -1;
	} else if (when(t->accepted_at, v->at) == -1)
		return -1;
	if (t->registrar_position != NULL)
		buf_printf(&v->who, "%s, ", t->registrar_position);
	if (t->registrar_name != NULL)
		buf_puts(&v->who, t->registrar_name);
	if (t->due != NULL)
		snprintf(v->due, sizeof(v->due), "%s%s%s",
		    notify_dmy(t->due, d) == 0 ? d : t->due,
		    t->due_rule ? " — " : "", t->due_rule ? t->due_rule : "");
	if (t->access_code != NULL)
		code_grouped(t->access_code, v->code);
	return 0;
}

static int
check_talon(const struct notify_talon *t)
{
	const char *s[] = { t->number, t->access_code, t->journal_number,
		t->body_name_kk, t->body_name_ru, t->accepted_at,
		t->registrar_name, t->registrar_position, t->due, t->status_url,
		t->received_at, t->due_rule };

	if (t->number == NULL || t->accepted_at == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] != NULL &&
		    (strlen(s[i]) > NOTIFY_VALUE_MAX ||
			!notify_utf8_text(s[i], strlen(s[i])) ||
			strpbrk(s[i], "\r\t") != NULL))
			return -1;
	return 0;
}

/* A label in small grey and its value below; returns the new y. */
static double
pdf_field(cairo_t *cr, double y, const char *label, const char *value,
    double size, int bold)
{
	const double x = TALON_M * MM, w = (TALON_W - 2 * TALON_M) * MM;

	if (value == NULL || *value == '\0')
		return y;
	cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
	y += notify_text_at(cr, label, x, y, 6.5, 0, w, PANGO_ALIGN_LEFT);
	cairo_set_source_rgb(cr, 0, 0, 0);
	y += notify_text_at(cr, value, x, y, size, bold, w, PANGO_ALIGN_LEFT);
	return y + 1.6 * MM;
}

int
notify_talon_draw(
    const struct notify_talon *t, struct buf *pdf, char *err, size_t errlen)
{
	const double x = TALON_M * MM, w = (TALON_W - 2 * TALON_M) * MM;
	struct labels l1;
	const struct labels *lb = &l1;
	struct notify_pdf p;
	struct talon_view v;
	double y, qr = 30 * MM;
	int rc = -1;

	memset(&v, 0, sizeof(v));
	labels_of(t, &l1);
	if (check_talon(t) == -1 || talon_view(t, &v) == -1) {
		errf(err, errlen,
		    "notify: talon: no number, or the "
		    "time of acceptance or a field is malformed");
		goto out;
	}
	if (notify_pdf_begin(
		&p, pdf, TALON_W, TALON_H, t->number, err, errlen) == -1)
		goto out;

	y = TALON_M * MM;
	y += notify_text_at(
	    p.cr, lb->title, x, y, 15, 1, w, PANGO_ALIGN_CENTER);
	y += notify_text_at(
		 p.cr, lb->subtitle, x, y, 8, 0, w, PANGO_ALIGN_CENTER) +
	    2 * MM;
	y += notify_text_at(
	    p.cr, t->body_name_kk, x, y, 7.5, 1, w, PANGO_ALIGN_CENTER);
	y += notify_text_at(
		 p.cr, t->body_name_ru, x, y, 7.5, 1, w, PANGO_ALIGN_CENTER) +
	    1.5 * MM;
	cairo_set_line_width(p.cr, 0.6);
	cairo_move_to(p.cr, x, y);
	cairo_line_to(p.cr, x + w, y);
	cairo_stroke(p.cr);
	y += 2 * MM;

	y = pdf_field(p.cr, y, lb->number, t->number, 13, 1);
	y = pdf_field(p.cr, y, lb->journal, t->journal_number, 9.5, 0);
	y = pdf_field(p.cr, y, lb->accepted, v.at, 9.5, 0);
	y = pdf_field(p.cr, y, lb->registered, v.reg, 9, 0);
	y = pdf_field(p.cr, y, lb->registrar, v.who.data, 9, 0);
	y = pdf_field(p.cr, y, lb->due, v.due, 9.5, 0);
	y = pdf_field(p.cr, y, lb->code, v.code, 12, 1);

	/* The QR code at the foot, the address beside it. */
	if (t->status_url != NULL) {
		double qy = TALON_H * MM - TALON_M * MM - qr;

		if (qy < y)
			qy = y;
		if (notify_qr_draw(p.cr, t->status_url, x - 2 * MM, qy, qr) ==
		    -1) {
			errf(err, errlen,
			    "notify: talon: the status "
			    "address does not fit a QR code");
			notify_pdf_finish(&p, NULL, 0);
			goto out;
		}
		qy += 2 * MM;
		qy += notify_text_at(p.cr, lb->check, x + qr, qy, 7, 0,
			  w - qr + 2 * MM, PANGO_ALIGN_LEFT) +
		    1 * MM;
		qy += notify_text_at(p.cr, t->status_url, x + qr, qy, 7, 1,
			  w - qr + 2 * MM, PANGO_ALIGN_LEFT) +
		    1.5 * MM;
		cairo_set_source_rgb(p.cr, 0.35, 0.35, 0.35);
		notify_text_at(p.cr, lb->keep, x + qr, qy, 6.5, 0,
		    w - qr + 2 * MM, PANGO_ALIGN_LEFT);
	} else {
		cairo_set_source_rgb(p.cr, 0.35, 0.35, 0.35);
		notify_text_at(
		    p.cr, lb->keep, x, y, 6.5, 0, w, PANGO_ALIGN_LEFT);
	}
	rc = notify_pdf_finish(&p, err, errlen);
out:
	buf_free(&v.who);
	return rc;
}
