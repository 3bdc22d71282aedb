/*
 * complaints: what the files of the domain share, at the bottom of the
 * module: errors, the pieces of documents, the applicant's key.  This
 * calls no other file of complaints/.
 */
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <sodium.h>

#include "complaints/complaints_int.h"

const char *
complaints_strerror(enum complaints_errc errc)
{
	static const char *const names[] = {
		[COMPLAINTS_OK] = "no error",
		[COMPLAINTS_EINVAL] = "the request is wrong",
		[COMPLAINTS_EAUTH] = "not signed in",
		[COMPLAINTS_EPERM] = "not allowed",
		[COMPLAINTS_ENOENT] = "not found",
		[COMPLAINTS_ECONFLICT] = "not in this state",
		[COMPLAINTS_ELIMIT] = "too many attempts",
		[COMPLAINTS_EINTERNAL] = "internal error",
		[COMPLAINTS_EUNAVAIL] = "unavailable now",
	};

	if ((size_t)errc >= sizeof(names) / sizeof(names[0]) ||
	    names[errc] == NULL)
		return "unknown error";
	return names[errc];
}

void
complaints_error_vset(struct complaints_error *e, enum complaints_errc errc,
    const char *code, const char *fmt, va_list ap)
{
	e->errc = errc;
	e->retry_after = 0;
	strlcpy_chk(e->code, code, sizeof(e->code));
	verrf(e->message, sizeof(e->message), fmt, ap);
}

void
complaints_error_set(struct complaints_error *e, enum complaints_errc errc,
    const char *code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	complaints_error_vset(e, errc, code, fmt, ap);
	va_end(ap);
}

int
complaints_body_named(struct db *db, const char *code, struct db_body *b,
    enum complaints_errc errc, struct complaints_error *e)
{
	int rc = db_body_by_code(db, code ? code : "", b);

	if (rc == DB_NOTFOUND)
		complaints_error_set(e, errc, "unknown-body",
		    "no body with the code \"%.40s\"", code ? code : "");
	else if (rc != DB_OK)
		complaints_db_error(e, rc, "the body was not read");
	return rc;
}

int
complaints_db_error(struct complaints_error *e, int rc, const char *what)
{
	if (rc == DB_FULL || rc == DB_READONLY || rc == DB_BUSY)
		complaints_error_set(e, COMPLAINTS_EUNAVAIL,
		    "storage-unavailable",
		    "%s: the journal "
		    "cannot be written now (%s); nothing was changed, try "
		    "again later",
		    what, db_strerror(rc));
	else if (rc == DB_QUEUE_FULL || rc == DB_SHUTDOWN)
		complaints_error_set(e, COMPLAINTS_EUNAVAIL,
		    rc == DB_SHUTDOWN ? "shutting-down" : "overloaded",
		    "%s; try again later", db_strerror(rc));
	else
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "%s: "
		    "%s",
		    what, db_strerror(rc));
	return -1;
}

int
complaints_xml_error(struct complaints_error *e, const struct xmlio_err *xe)
{
	switch (xe->kind) {
	case XMLIO_MALFORMED:
		complaints_error_set(
		    e, COMPLAINTS_EINVAL, "malformed-xml", "%s", xe->message);
		break;
	case XMLIO_FORBIDDEN:
		complaints_error_set(
		    e, COMPLAINTS_EINVAL, "forbidden-xml", "%s", xe->message);
		break;
	case XMLIO_INVALID:
		complaints_error_set(e, COMPLAINTS_EINVAL, "invalid-document",
		    "%s", xe->message);
		break;
	case XMLIO_WRONG_DOCUMENT:
		complaints_error_set(
		    e, COMPLAINTS_EINVAL, "wrong-document", "%s", xe->message);
		break;
	default:
		complaints_error_set(
		    e, COMPLAINTS_EINTERNAL, "internal", "%s", xe->message);
		break;
	}
	return -1;
}

/* A reader of the pool, or EUNAVAIL when none frees in time. */
struct db *
complaints_reader(struct complaints *cx, struct complaints_error *e)
{
	struct db *db;

	if ((db = db_pool_get(cx->readers)) == NULL) {
		complaints_error_set(e, COMPLAINTS_EUNAVAIL, "busy",
		    "every "
		    "reader of the journal is in use; try again in a moment");
		e->retry_after = 1;
	}
	return db;
}

const struct cal_hours *
complaints_hours(struct complaints *cx, const struct db_body *b)
{
	const struct cal_hours *h = NULL;

	if (b->hours[0])
		h = cal_hours_for(cx->cal, b->hours);
	else if (strcmp(b->kind, "institution") != 0)
		h = cal_hours_for(cx->cal, "office");
	return h ? h : &cal_hours_office;
}

struct date
complaints_today(struct complaints *cx, const struct db_body *b, time_t t)
{
	struct moment m;
	struct date d = { 1970, 1, 1 };

	if (tz_local(b && b->tz[0] ? b->tz : cx->timezone, t, &m) == 0) {
		d.y = m.y;
		d.m = m.m;
		d.d = m.d;
	}
	return d;
}

int
complaints_out_body(struct xmlio_out *o, const struct db_body *b)
{
	if (xmlio_out_start(o, "body") == -1 ||
	    xmlio_out_attr(o, "code", b->code) == -1 ||
	    (b->name_ru[0] && xmlio_out_attr(o, "name-ru", b->name_ru) == -1) ||
	    xmlTextWriterWriteString(o->w, BAD_CAST b->name_kk) < 0 ||
	    xmlio_out_end(o) == -1)
		return -1;
	return 0;
}

int
complaints_out_time(
    struct xmlio_out *o, const char *name, const char *tz, time_t t)
{
	struct moment m;
	char iso[32];

	if (tz_local(tz, t, &m) == -1)
		return -1;
	moment_iso(&m, iso);
	return xmlio_out_elem(o, name, iso);
}

int
complaints_out_talon(struct xmlio_out *o, const char *tz, const char *talon,
    const char *access_code, int year, int64_t journal_no,
    const struct db_body *b, time_t accepted)
{
	char y[16], no[24];

	snprintf(y, sizeof(y), "%d", year);
	snprintf(no, sizeof(no), "%lld", (long long)journal_no);
	if (xmlio_out_elem(o, "number", talon) == -1 ||
	    (access_code &&
		xmlio_out_elem(o, "access-code", access_code) == -1) ||
	    xmlio_out_start(o, "journal-number") == -1 ||
	    xmlio_out_attr(o, "year", y) == -1 ||
	    xmlTextWriterWriteString(o->w, BAD_CAST no) < 0 ||
	    xmlio_out_end(o) == -1 || complaints_out_body(o, b) == -1 ||
	    complaints_out_time(o, "accepted-at", tz, accepted) == -1)
		return -1;
	return 0;
}

static locale_t
utf8_locale(void)
{
	static locale_t loc;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&lock);
	if (loc == (locale_t)0)
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	pthread_mutex_unlock(&lock);
	return loc;
}

/*
 * Lower case, letters and digits only, one space between words, in the
 * C.UTF-8 locale of this thread only (uselocale), so Kazakh and Russian
 * letters fold as they should.
 */
static void
key_part(crypto_generichash_state *hs, const char *s)
{
	locale_t loc = utf8_locale(), old = (locale_t)0;
	mbstate_t ps;
	char out[MB_LEN_MAX], norm[2048];
	size_t n, len = 0, k, rest = s ? strlen(s) : 0;
	uint32_t cp;
	wint_t wc;
	int space = 0;

	if (loc != (locale_t)0)
		old = uselocale(loc);
	memset(&ps, 0, sizeof(ps));
	for (; rest > 0 && len + MB_LEN_MAX + 1 < sizeof(norm);
	     s += n, rest -= n) {
		if ((n = utf8_dec(s, rest, &cp)) == 0)
			break;
		wc = (wint_t)cp;
		if (!iswalnum(wc)) {
			space = 1;
			continue;
		}
		if (space && len > 0)
			norm[len++] = ' ';
		space = 0;
		k = wcrtomb(out, (wchar_t)towlower(wc), &ps);
		if (k != (size_t)-1) {
			memcpy(norm + len, out, k);
			len += k;
		}
	}
	if (loc != (locale_t)0)
		uselocale(old);
	crypto_generichash_update(hs, (const unsigned char *)norm, len);
	crypto_generichash_update(hs, (const unsigned char *)"|", 1);
}

void
complaints_applicant_key(const char *surname, const char *name,
    const char *address, const char *institution, const char *subject,
    uint8_t out[32])
{
	crypto_generichash_state hs;

	crypto_generichash_init(&hs, NULL, 0, 32);
	key_part(&hs, surname);
	key_part(&hs, name);
	key_part(&hs, address);
	/* The institution's code when known, else the name as written. */
	key_part(&hs, institution && *institution ? institution : subject);
	crypto_generichash_final(&hs, out, 32);
}

void
complaints_uid(char out[40])
{
	uint8_t r[16];

	randombytes_buf(r, sizeof(r));
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40); /* a version 4 UUID */
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
	snprintf(out, 40,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
	    r[11], r[12], r[13], r[14], r[15]);
}

int
complaints_read_doc(struct complaints *cx, const char *name, const char *xml,
    size_t len, const char *const names[], char *values[], int n,
    struct complaints_error *e)
{
	struct xmlio_err xe;
	xmlDocPtr doc;
	xmlNodePtr root;

	for (int i = 0; i < n; i++)
		values[i] = NULL;
	if (xmlio_parse(cx->schemas, name, xml, len, &doc, &xe) == -1)
		return complaints_xml_error(e, &xe);
	root = xmlDocGetRootElement(doc);
	for (int i = 0; i < n; i++)
		values[i] = xmlio_child_text(root, names[i]);
	xmlFreeDoc(doc);
	return 0;
}

int
complaints_error_xml(const struct complaints_error *e, struct buf *out)
{
	struct xmlio_out o;

	if (xmlio_out_begin(&o, "error") == -1 ||
	    xmlio_out_elem(&o, "code", e->code) == -1 ||
	    xmlio_out_elem(&o, "message", e->message) == -1 ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		return -1;
	}
	return 0;
}

/* The length of a separator at p (ASCII punctuation, « »), or 0. */
static size_t
separator(const unsigned char *p)
{
	if (p[0] == 0xc2 && (p[1] == 0xab || p[1] == 0xbb))
		return 2;
	if (p[0] < 0x80 && p[0] != '\0' &&
	    strchr(" \t\r\n,.;:\"'()*-^+{}[]", p[0]) != NULL)
		return 1;
	return 0;
}

/*
 * Each word quoted (a prefix when prefix is set), all of them required,
 * so punctuation and FTS5's own syntax lose their meaning.
 */
int
complaints_fts_query(const char *text, int prefix, char *q, size_t size)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = 0, k;
	int words = 0;

	while (*p) {
		if ((k = separator(p)) > 0) {
			p += k;
			continue;
		}
		if (n + 4 >= size)
			return -1;
		if (words++)
			q[n++] = ' ';
		q[n++] = '"';
		while (*p && separator(p) == 0) {
			if (n + 3 >= size)
				return -1;
			q[n++] = (char)*p++;
		}
		q[n++] = '"';
		if (prefix)
			q[n++] = '*';
	}
	q[n] = '\0';
	return words ? 0 : -1;
}
