/*
 * The email: an RFC 5322 message with MIME (RFC 2045-2047) parts, and
 * the check of an address.
 *
 * Everything is base64 (the texts are mostly Cyrillic, for which
 * quoted-printable would triple the size), so no line of the body can
 * start with "--" or contain the boundary, which holds "=_" that base64
 * never does.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "notify/notify_int.h"

#define LINE_MAX_MIME NOTIFY_MIME_LINE
#define WORD_MAX      75 /* an encoded word, RFC 2047 2. */
#define WORD_HEAD     "=?UTF-8?B?"
#define WORD_TAIL     "?="
#define B64_CHUNK     57 /* raw bytes in a 76-character line */
#define ID_MAX	      64 /* uid of a Message-ID */
#define HOST_MAX      253
#define FILE_MAX      100

static const char *const wday[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	"Sun" };
static const char *const month[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* The column the buffer's last line has reached. */
static size_t
column(const struct buf *b)
{
	size_t i = b->len;

	while (i > 0 && b->data[i - 1] != '\n')
		i--;
	return b->len - i;
}

static int
b64_add(struct buf *out, const unsigned char *p, size_t n)
{
	char enc[sodium_base64_ENCODED_LEN(
	    B64_CHUNK, sodium_base64_VARIANT_ORIGINAL)];

	if (n > B64_CHUNK)
		return -1;
	sodium_bin2base64(
	    enc, sizeof(enc), p, n, sodium_base64_VARIANT_ORIGINAL);
	return buf_puts(out, enc);
}

/* Base64 in lines of 76 characters, each ending in CRLF. */
static int
b64_lines(struct buf *out, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i += B64_CHUNK) {
		size_t k = n - i < B64_CHUNK ? n - i : B64_CHUNK;

		if (b64_add(out, p + i, k) == -1 || buf_puts(out, "\r\n") == -1)
			return -1;
	}
	return 0;
}

static int
plain_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

/* The length of the longest run of whole characters within max bytes. */
static size_t
utf8_fit(const char *s, size_t max)
{
	size_t i = 0, k, n = strlen(s);

	if (n <= max)
		return n;
	while (i < n) {
		if ((k = utf8_dec(s + i, n - i, NULL)) == 0)
			k = 1;
		if (i + k > max)
			break;
		i += k;
	}
	return i;
}

/* Encoded words from where the buffer's line is, at most 76 a line. */
static int
encode_words(const char *v, struct buf *out)
{
	size_t n = strlen(v);

	if (!notify_utf8_text(v, n) || strpbrk(v, "\r\n") != NULL)
		return -1;
	if (n == 0)
		return 0;
	while (*v != '\0') {
		size_t col = column(out), room, raw, k;

		room = LINE_MAX_MIME - col;
		if (room > WORD_MAX)
			room = WORD_MAX;
		if (room < sizeof(WORD_HEAD) + sizeof(WORD_TAIL) + 4 + 1) {
			if (buf_puts(out, "\r\n ") == -1)
				return -1;
			continue;
		}
		/* 4 characters of base64 carry 3 bytes. */
		raw = (room - (sizeof(WORD_HEAD) - 1) -
			  (sizeof(WORD_TAIL) - 1)) /
		    4 * 3;
		if ((k = utf8_fit(v, raw)) == 0)
			return -1;
		/*
		 * Cut after a blank, which stays inside the word: decoders
		 * that wrongly keep the space between two words (Python's
		 * address parser does) then show two blanks, not a blank in
		 * the middle of a word.
		 */
		if (v[k] != '\0') {
			size_t b = k;

			while (b > 0 && v[b - 1] != ' ')
				b--;
			if (b > 0)
				k = b;
		}
		if (buf_puts(out, WORD_HEAD) == -1)
			return -1;
		for (size_t i = 0; i < k; i += B64_CHUNK)
			if (b64_add(out, (const unsigned char *)v + i,
				k - i < B64_CHUNK ? k - i : B64_CHUNK) == -1)
				return -1;
		if (buf_puts(out, WORD_TAIL) == -1)
			return -1;
		v += k;
		if (*v != '\0' && buf_puts(out, "\r\n ") == -1)
			return -1;
	}
	return 0;
}

int
notify_mime_encode_header(const char *v, struct buf *out)
{
	if (plain_ascii(v) && strstr(v, "=?") == NULL &&
	    column(out) + strlen(v) <= LINE_MAX_MIME)
		return buf_puts(out, v);
	return encode_words(v, out);
}

/* A header with an address: "Name" <addr>, or the address alone. */
static int
address_header(
    struct buf *out, const char *field, const char *name, const char *addr)
{
	if (!notify_email_valid(addr))
		return -1;
	if (buf_printf(out, "%s: ", field) == -1)
		return -1;
	if (name != NULL && *name != '\0') {
		if (plain_ascii(name) && strstr(name, "=?") == NULL) {
			if (buf_puts(out, "\"") == -1)
				return -1;
			for (const char *p = name; *p != '\0'; p++)
				if ((*p == '"' || *p == '\\') &&
				    buf_puts(out, "\\") == -1)
					return -1;
				else if (buf_add(out, p, 1) == -1)
					return -1;
			if (buf_puts(out, "\"") == -1)
				return -1;
		} else if (encode_words(name, out) == -1)
			return -1;
		if (buf_puts(out,
			column(out) + strlen(addr) + 3 > LINE_MAX_MIME ?
			    "\r\n " :
			    " ") == -1)
			return -1;
		return buf_printf(out, "<%s>\r\n", addr);
	}
	return buf_printf(out, "%s\r\n", addr);
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

static int
date_header(struct buf *out, time_t t, const char *tz)
{
	struct moment m;
	long off;

	if (tz_local(tz, t, &m) == -1)
		return -1;
	off = m.utcoff / 60;
	return buf_printf(out,
	    "Date: %s, %d %s %04d %02d:%02d:%02d %c%02ld"
	    "%02ld\r\n",
	    wday[date_weekday((struct date){ m.y, m.m, m.d })], m.d,
	    month[m.m - 1], m.y, m.hh, m.mm, m.ss, off < 0 ? '-' : '+',
	    (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
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

/* The texts in canonical form (CRLF), one after the other, as base64. */
static int
text_part(struct buf *out, const struct notify_mime_in *in)
{
	static const char sep[] = "\n\n----------------------------------"
				  "------\n\n";
	const char *t[2] = { in->text_kk, in->text_ru };
	struct buf c;
	int rc = -1, first = 1;

	buf_init(&c, out->cap);
	for (int i = 0; i < 2; i++) {
		if (t[i] == NULL)
			continue;
		if (!notify_utf8_text(t[i], strlen(t[i])))
			goto out;
		if (!first && crlf_add(&c, sep) == -1)
			goto out;
		first = 0;
		if (crlf_add(&c, t[i]) == -1)
			goto out;
	}
	if (first)
		goto out;
	if (c.len < 2 || memcmp(c.data + c.len - 2, "\r\n", 2) != 0)
		if (buf_puts(&c, "\r\n") == -1)
			goto out;
	if (buf_puts(out,
		"Content-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n") == -1 ||
	    b64_lines(out, c.data, c.len) == -1)
		goto out;
	rc = 0;
out:
	buf_free(&c);
	return rc;
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

int
notify_mime(const struct notify_mime_in *in, struct buf *out)
{
	char boundary[ID_MAX + 16];

	if (!token_ok(in->uid, ID_MAX, "-._") ||
	    !token_ok(in->host, HOST_MAX, "-.") || in->subject == NULL ||
	    (in->pdf != NULL && !token_ok(in->pdf_name, FILE_MAX, "-._")) ||
	    (in->in_reply_to != NULL && !msgid_ok(in->in_reply_to)))
		return -1;
	snprintf(boundary, sizeof(boundary), "=_notify_%s", in->uid);

	if (address_header(out, "From", in->from_name, in->from) == -1 ||
	    address_header(out, "To", in->to_name, in->to) == -1 ||
	    buf_puts(out, "Subject: ") == -1 ||
	    notify_mime_encode_header(in->subject, out) == -1 ||
	    buf_puts(out, "\r\n") == -1 ||
	    date_header(out, in->date, in->tz) == -1 ||
	    buf_printf(out, "Message-ID: <%s@%s>\r\n", in->uid, in->host) ==
		-1 ||
	    (in->in_reply_to != NULL &&
		buf_printf(out,
		    "In-Reply-To: <%s>\r\n"
		    "References: <%s>\r\n",
		    in->in_reply_to, in->in_reply_to) == -1) ||
	    buf_printf(out,
		"MIME-Version: 1.0\r\n"
		"Auto-Submitted: %s\r\n"
		"Content-Language: kk, ru\r\n",
		in->in_reply_to != NULL ? "auto-replied" : "auto-generated") ==
		-1 ||
	    buf_printf(out,
		"Content-Type: multipart/mixed;\r\n"
		" boundary=\"%s\"\r\n\r\n",
		boundary) == -1 ||
	    buf_puts(out, "This is a message in MIME format.\r\n") == -1)
		return -1;

	if (buf_printf(out, "\r\n--%s\r\n", boundary) == -1 ||
	    text_part(out, in) == -1)
		return -1;
	if (in->pdf != NULL) {
		if (buf_printf(out, "\r\n--%s\r\n", boundary) == -1 ||
		    buf_printf(out,
			"Content-Type: application/pdf; "
			"name=\"%s\"\r\n"
			"Content-Disposition: attachment; filename=\"%s\"\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\n",
			in->pdf_name, in->pdf_name) == -1 ||
		    b64_lines(out, in->pdf->data, in->pdf->len) == -1)
			return -1;
	}
	return buf_printf(out, "\r\n--%s--\r\n", boundary);
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
