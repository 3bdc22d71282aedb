/*
 * The email: an RFC 5322 message with MIME parts, composed by GMime
 * (the library complaints-mailgate reads mail with), and the check of
 * an address.
 *
 * GMime encodes the headers (RFC 2047 words for the Subject and the
 * names), chooses the text's transfer encoding (base64 for Cyrillic,
 * quoted-printable or 7bit when that is shorter), folds the lines and
 * writes CRLF.  This file checks what it is given, puts the parts
 * together, and copies the result into the caller's buffer.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "notify/notify_int.h"

#define ID_MAX	 64 /* uid of a Message-ID */
#define HOST_MAX 253
#define FILE_MAX 100

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

/* GMime's tables, once for the process; never shut down (threads). */
static void
gmime_start(void)
{
	g_mime_init();
}

static int
token_ok(const char *s, size_t max, const char *extra)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > max)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

/* A Message-ID's inside (between < and >) as a header may carry it. */
static int
msgid_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 250)
		return 0;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 0x7f || *s == '<' || *s == '>')
			return 0;
	return 1;
}

/* A header value: UTF-8 text on one line (NULL and "" pass). */
static int
line_ok(const char *s)
{
	return s == NULL ||
	    (notify_utf8_text(s, strlen(s)) && strpbrk(s, "\r\n\t") == NULL);
}

/* Appends s with every line ending as CRLF; a lone CR is dropped. */
static int
crlf_add(struct buf *b, const char *s)
{
	while (*s != '\0') {
		size_t k = strcspn(s, "\r\n");

		if (buf_add(b, s, k) == -1)
			return -1;
		s += k;
		if (*s == '\r')
			s++;
		else if (*s == '\n') {
			if (buf_puts(b, "\r\n") == -1)
				return -1;
			s++;
		}
	}
	return 0;
}

/*
 * The texts in canonical form (CRLF), one after the other, into c.
 * -1 when neither is there or one is not text.
 */
static int
texts(struct buf *c, const struct notify_mime_in *in)
{
	static const char sep[] = "\n\n----------------------------------"
				  "------\n\n";
	const char *t[2] = { in->text_kk, in->text_ru };
	int first = 1;

	for (int i = 0; i < 2; i++) {
		if (t[i] == NULL)
			continue;
		if (!notify_utf8_text(t[i], strlen(t[i])))
			return -1;
		if (!first && crlf_add(c, sep) == -1)
			return -1;
		first = 0;
		if (crlf_add(c, t[i]) == -1)
			return -1;
	}
	if (first)
		return -1;
	if (c->len < 2 || memcmp(c->data + c->len - 2, "\r\n", 2) != 0)
		return buf_puts(c, "\r\n");
	return 0;
}

/* A part holding data in base64; NULL when out of memory. */
static GMimePart *
data_part(const char *type, const char *subtype, const void *data, size_t n)
{
	GMimePart *part;
	GMimeStream *s;
	GMimeDataWrapper *w;

	if ((part = g_mime_part_new_with_type(type, subtype)) == NULL)
		return NULL;
	s = g_mime_stream_mem_new_with_buffer(data, n);
	w = g_mime_data_wrapper_new_with_stream(
	    s, GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, w);
	g_object_unref(w);
	g_object_unref(s);
	return part;
}

/* The Date header's time: t in the zone (NULL: the process's). */
static GDateTime *
date_of(time_t t, const char *tz)
{
	struct moment m;
	GTimeZone *z;
	GDateTime *utc, *local;

	if (tz_local(tz, t, &m) == -1)
		return NULL;
	z = g_time_zone_new_offset((gint32)m.utcoff);
	utc = g_date_time_new_from_unix_utc((gint64)t);
	local = utc != NULL ? g_date_time_to_timezone(utc, z) : NULL;
	if (utc != NULL)
		g_date_time_unref(utc);
	g_time_zone_unref(z);
	return local;
}

int
notify_mime(const struct notify_mime_in *in, struct buf *out)
{
	GMimeMessage *msg = NULL;
	GMimeMultipart *mixed = NULL;
	GMimePart *text = NULL, *pdf = NULL;
	GMimeFormatOptions *fo = NULL;
	GMimeStream *ms = NULL;
	GDateTime *date = NULL;
	GByteArray *ba;
	struct buf c;
	char id[ID_MAX + HOST_MAX + 2], ref[256];
	int rc = -1;

	buf_init(&c, out->cap);
	if (!token_ok(in->uid, ID_MAX, "-._") ||
	    !token_ok(in->host, HOST_MAX, "-.") || in->subject == NULL ||
	    !line_ok(in->subject) || !line_ok(in->from_name) ||
	    !line_ok(in->to_name) || !notify_email_valid(in->from) ||
	    !notify_email_valid(in->to) ||
	    (in->pdf != NULL && !token_ok(in->pdf_name, FILE_MAX, "-._")) ||
	    (in->in_reply_to != NULL && !msgid_ok(in->in_reply_to)) ||
	    texts(&c, in) == -1 || (date = date_of(in->date, in->tz)) == NULL)
		goto out;
	pthread_once(&gmime_once, gmime_start);

	msg = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM,
	    in->from_name != NULL ? in->from_name : "", in->from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO,
	    in->to_name != NULL ? in->to_name : "", in->to);
	g_mime_message_set_subject(msg, in->subject, "utf-8");
	g_mime_message_set_date(msg, date);
	snprintf(id, sizeof(id), "%s@%s", in->uid, in->host);
	g_mime_message_set_message_id(msg, id);
	if (in->in_reply_to != NULL) {
		snprintf(ref, sizeof(ref), "<%s>", in->in_reply_to);
		g_mime_object_set_header(
		    GMIME_OBJECT(msg), "In-Reply-To", ref, NULL);
		g_mime_object_set_header(
		    GMIME_OBJECT(msg), "References", ref, NULL);
	}
	g_mime_object_set_header(
	    GMIME_OBJECT(msg), "MIME-Version", "1.0", NULL);
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted",
	    in->in_reply_to != NULL ? "auto-replied" : "auto-generated", NULL);
	g_mime_object_set_header(
	    GMIME_OBJECT(msg), "Content-Language", "kk, ru", NULL);

	mixed = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_set_prologue(
	    mixed, "This is a message in MIME format.");
	if ((text = data_part("text", "plain", c.data, c.len)) == NULL)
		goto out;
	g_mime_object_set_content_type_parameter(
	    GMIME_OBJECT(text), "charset", "utf-8");
	g_mime_part_set_content_encoding(text,
	    g_mime_part_get_best_content_encoding(
		text, GMIME_ENCODING_CONSTRAINT_7BIT));
	g_mime_multipart_add(mixed, GMIME_OBJECT(text));
	if (in->pdf != NULL) {
		if ((pdf = data_part("application", "pdf", in->pdf->data,
			 in->pdf->len)) == NULL)
			goto out;
		g_mime_part_set_filename(pdf, in->pdf_name);
		g_mime_part_set_content_encoding(
		    pdf, GMIME_CONTENT_ENCODING_BASE64);
		g_mime_multipart_add(mixed, GMIME_OBJECT(pdf));
	}
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));

	fo = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	ms = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, ms) == -1)
		goto out;
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(ms));
	rc = buf_add(out, ba->data, ba->len);
out:
	if (ms != NULL)
		g_object_unref(ms);
	if (fo != NULL)
		g_mime_format_options_free(fo);
	if (pdf != NULL)
		g_object_unref(pdf);
	if (text != NULL)
		g_object_unref(text);
	if (mixed != NULL)
		g_object_unref(mixed);
	if (msg != NULL)
		g_object_unref(msg);
	if (date != NULL)
		g_date_time_unref(date);
	buf_free(&c);
	return rc;
}

static int
atext(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

int
notify_email_valid(const char *s)
{
	const char *at, *p, *label;
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 254)
		return 0;
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return 0;
	/* The local part: dot-atoms only, no quoted strings. */
	if (at == s || at - s > 64 || *s == '.' || at[-1] == '.')
		return 0;
	for (p = s; p < at; p++)
		if (!(atext(*p) || (*p == '.' && p[1] != '.')))
			return 0;
	/* The domain: LDH labels, at least two, none empty. */
	if (strchr(at + 1, '.') == NULL)
		return 0;
	for (label = p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t len = (size_t)(p - label);

			if (len == 0 || len > 63 || *label == '-' ||
			    p[-1] == '-')
				return 0;
			if (*p == '\0')
				break;
			label = p + 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	}
	/* The top-level domain is not all digits: no bare IP addresses. */
	for (p = label; *p != '\0'; p++)
		if (!(*p >= '0' && *p <= '9'))
			return 1;
	return 0;
}
