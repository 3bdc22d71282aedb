/*
 * The documents on paper (letters, talon slips, the postal register),
 * this process's side: their labels from the catalogues, then the
 * drawing, which happens in the renderer process when one is started
 * (renderer.c: the daemon), else in this process through the drawer
 * that notify_draw_here() sets (the tools and tests that link the
 * drawing, libcomplaints-draw.a with cairo, pango and libqrencode).  A
 * program that has neither fails every PDF with NOTIFY_RENDERER.  The
 * postal register as CSV, which needs no drawing, is here too.
 */
#include <stdio.h>
#include <string.h>

#include "notify/notify_int.h"
#include "web/web.h"

static const struct notify_drawer *drawer;

void
notify_drawer_set(const struct notify_drawer *d)
{
	drawer = d;
}

/* The renderer when one is started, else this process's drawer. */
static const struct notify_drawer *
where(char *err, size_t errlen)
{
	if (notify_renderer_active())
		return &notify_renderer_drawer;
	if (drawer == NULL)
		errf(err, errlen,
		    "renderer: none started, and this program does not draw; "
		    "the document was not written");
	return drawer;
}

/* --- Letters --- */

int
notify_letter_pdf(const struct notify_letter *l, const char *text,
    struct buf *pdf, char *err, size_t errlen)
{
	const struct notify_drawer *d;
	int rc;

	if (l->reference == NULL) {
		/* The letterhead's texts, from the catalogues, first. */
		struct notify_letter c = *l;
		struct buf labels;

		buf_init(&labels, 4 * NOTIFY_VALUE_MAX);
		rc = notify_letter_labels(l, &labels, &c.head_line,
			 &c.reference, &c.qr_caption, err, errlen) == -1 ?
		    -1 :
		    notify_letter_pdf(&c, text, pdf, err, errlen);
		buf_free(&labels);
		return rc;
	}
	return (d = where(err, errlen)) == NULL ?
	    NOTIFY_RENDERER :
	    d->letter(l, text, pdf, err, errlen);
}

/* --- Talon slips --- */

/* The catalogue's texts of the labels, in the order of talon.c's labels. */
static const char *const talon_keys[NOTIFY_TALON_LABELS] = { "talon.title",
	"talon.subtitle", "talon.number", "talon.journal", "talon.accepted",
	"talon.registered", "talon.registrar", "talon.due", "talon.code",
	"talon.check", "talon.keep" };

/*
 * The talon with its labels: t itself when it has them, else a copy
 * labelled from the catalogue of its language, the copies in store.  -1
 * with a message.
 */
static int
labelled(const struct notify_talon *t, struct notify_talon *c,
    struct buf *store, char *err, size_t errlen)
{
	enum web_lang lang = WEB_KK;
	const char *p;

	*c = *t;
	if (t->label[0] != NULL)
		return 0;
	for (int l = 0; t->lang != NULL && l < WEB_NLANG; l++)
		if (strcmp(t->lang, web_lang_code((enum web_lang)l)) == 0)
			lang = (enum web_lang)l;
	if (web_texts(lang, talon_keys, NOTIFY_TALON_LABELS, store, err,
		errlen) == -1)
		return -1;
	p = store->data;
	for (int i = 0; i < NOTIFY_TALON_LABELS; i++, p += strlen(p) + 1)
		c->label[i] = p;
	return 0;
}
int
notify_talon_pdf(
    const struct notify_talon *given, struct buf *pdf, char *err, size_t errlen)
{
	const struct notify_drawer *d;
	struct notify_talon t;
	struct buf store;
	int rc = -1;

	buf_init(&store, 4 * NOTIFY_VALUE_MAX);
	if (labelled(given, &t, &store, err, errlen) == -1)
		rc = -1;
	else if ((d = where(err, errlen)) == NULL)
		rc = NOTIFY_RENDERER;
	else
		rc = d->talon(&t, pdf, err, errlen);
	buf_free(&store);
	return rc;
}

/* --- The postal register --- */

static const char *const reg_keys[NOTIFY_REG_LABELS] = { "register.title",
	"register.no", "register.out-number", "register.addressee",
	"register.address", "register.talon", "register.total",
	"register.handed", "register.received", "register.signature" };

/*
 * The labels from the catalogues into store, label[] pointing there.
 * -1 with the missing key named.
 */
static int
labels_from_catalogues(
    const char **label, struct buf *store, char *err, size_t errlen)
{
	struct buf kk, ru;
	const char *a, *b;
	size_t off[NOTIFY_REG_LABELS];
	int rc = -1;

	buf_init(&kk, 16384);
	buf_init(&ru, 16384);
	if (web_texts(WEB_KK, reg_keys, NOTIFY_REG_LABELS, &kk, err, errlen) ==
		-1 ||
	    web_texts(WEB_RU, reg_keys, NOTIFY_REG_LABELS, &ru, err, errlen) ==
		-1)
		goto out;
	a = kk.data;
	b = ru.data;
	for (int i = 0; i < NOTIFY_REG_LABELS; i++) {
		int one_line = i >= NOTIFY_REG_LABELS - 4;

		off[i] = store->len;
		if (buf_puts(store, a) == -1 ||
		    (strcmp(a, b) != 0 &&
			buf_printf(store, "%s%s", one_line ? " / " : "\n", b) ==
			    -1) ||
		    buf_add(store, "", 1) == -1) {
			errf(err, errlen, "notify: register: labels too long");
			goto out;
		}
		a += strlen(a) + 1;
		b += strlen(b) + 1;
	}
	for (int i = 0; i < NOTIFY_REG_LABELS; i++)
		label[i] = store->data + off[i];
	rc = 0;
out:
	buf_free(&kk);
	buf_free(&ru);
	return rc;
}

int
notify_register_pdf(const struct notify_register_row *rows, size_t n,
    const char *body_name, const char *date, struct buf *pdf, char *err,
    size_t errlen)
{
	const char *label[NOTIFY_REG_LABELS];
	const struct notify_drawer *d;
	struct buf store;
	int rc = -1;

	buf_init(&store, 16384);
	if (labels_from_catalogues(label, &store, err, errlen) == -1)
		rc = -1;
	else if ((d = where(err, errlen)) == NULL)
		rc = NOTIFY_RENDERER;
	else
		rc = d->reg(rows, n, body_name, date, label, pdf, err, errlen);
	buf_free(&store);
	return rc;
}

/* One CSV field, quoted when it must be. */
static int
csv_field(struct buf *out, const char *s)
{
	int rc = 0;

	if (s == NULL)
		s = "";
	if (strchr("=+-@", *s) != NULL && *s != '\0')
		rc |= buf_puts(out, "\"'");
	else if (strpbrk(s, ",\"\r\n") != NULL)
		rc |= buf_puts(out, "\"");
	else
		return buf_puts(out, s);
	for (const char *p = s; *p != '\0'; p++)
		rc |= *p == '"' ? buf_puts(out, "\"\"") : buf_add(out, p, 1);
	rc |= buf_puts(out, "\"");
	return rc ? -1 : 0;
}

int
notify_register_csv(
    const struct notify_register_row *rows, size_t n, struct buf *csv)
{
	int rc = buf_puts(csv, "out_number,addressee,address,talon\r\n");

	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!notify_register_row_ok(&rows[i]))
			return -1;
		rc |= csv_field(csv, rows[i].out_number);
		rc |= buf_puts(csv, ",");
		rc |= csv_field(csv, rows[i].addressee);
		rc |= buf_puts(csv, ",");
		rc |= csv_field(csv, rows[i].address);
		rc |= buf_puts(csv, ",");
		rc |= csv_field(csv, rows[i].talon);
		rc |= buf_puts(csv, "\r\n");
	}
	return rc ? -1 : 0;
}
