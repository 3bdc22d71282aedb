/*
 * mailgate: reading a message with GMime.
 *
 * The text is the first text/plain part that is not an attachment, or
 * else the first text/html part's text (libxml2's HTML parser, no
 * network, scripts and styles left out); charsets are converted to
 * UTF-8 by GLib.  Attachments are kept by what their bytes are (PDF,
 * JPEG, PNG), with the names GMime decodes (RFC 2047, RFC 2231).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <sodium.h>

#include "mailgate/mailgate.h"

struct walk {
	struct mailgate_msg *m;
	GByteArray *plain, *html;
	const char *plain_cs, *html_cs;
	char *err;
	size_t errlen;
	int failed;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s ? strdup(s) : NULL;
}

/* The decoded content of a part (transfer encoding undone). */
static GByteArray *
part_bytes(GMimePart *p)
{
	GMimeDataWrapper *w = g_mime_part_get_content(p);
	GMimeStream *out;
	GByteArray *ba, *copy;

	if (w == NULL)
		return NULL;
	out = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(w, out) < 0) {
		g_object_unref(out);
		return NULL;
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	copy = g_byte_array_sized_new(ba->len);
	g_byte_array_append(copy, ba->data, ba->len);
	g_object_unref(out);
	return copy;
}

static const char *
sniff(const unsigned char *d, size_t n)
{
	if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return "application/pdf";
	if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
		return "image/jpeg";
	if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	return NULL;
}

static void
visit(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct walk *w = data;
	struct mailgate_msg *m = w->m;
	GMimeContentType *ct;
	GByteArray *ba;
	const char *type, *name;
	unsigned char h[32];
	int att;

	if (w->failed || !GMIME_IS_PART(part))
		return;
	ct = g_mime_object_get_content_type(part);
	att = g_mime_part_is_attachment(GMIME_PART(part));
	name = g_mime_part_get_filename(GMIME_PART(part));
	if (!att && name == NULL &&
	    g_mime_content_type_is_type(ct, "text", "plain") &&
	    w->plain == NULL) {
		w->plain = part_bytes(GMIME_PART(part));
		w->plain_cs = g_mime_content_type_get_parameter(ct, "charset");
		return;
	}
	if (!att && name == NULL &&
	    g_mime_content_type_is_type(ct, "text", "html") &&
	    w->html == NULL) {
		w->html = part_bytes(GMIME_PART(part));
		w->html_cs = g_mime_content_type_get_parameter(ct, "charset");
		return;
	}
	if ((ba = part_bytes(GMIME_PART(part))) == NULL)
		return;
	type = sniff(ba->data, ba->len);
	if (type == NULL || m->natt == MAILGATE_MAX_ATT) {
		if (name != NULL || att)
			m->left_out++;
		g_byte_array_unref(ba);
		return;
	}
	crypto_hash_sha256(h, ba->data, ba->len);
	sodium_bin2hex(
	    m->att[m->natt].sha256, sizeof(m->att[0].sha256), h, sizeof(h));
	m->att[m->natt].media_type = type;
	m->att[m->natt].size = ba->len;
	m->att[m->natt].name = strdup(name && *name  ? name :
		strcmp(type, "application/pdf") == 0 ? "attachment.pdf" :
		strcmp(type, "image/png") == 0	     ? "attachment.png" :
						       "attachment.jpg");
	if (m->att[m->natt].name == NULL)
		w->failed = 1;
	m->natt++;
	g_byte_array_unref(ba);
}

/*
 * Appends bytes in charset cs (NULL: UTF-8 or ASCII) as UTF-8 text:
 * CR and controls other than tab and newline dropped, bytes that are not
 * UTF-8 replaced.
 */
/*
 * Appends valid UTF-8 s without what the daemon refuses in text: C0
 * controls but tab and newline (newline too when oneline, as a space),
 * DEL, the C1 controls, U+FFFE and U+FFFF.
 */
static int
add_clean(struct buf *b, const char *s, int oneline)
{
	const char *p, *next;
	gunichar c;

	for (p = s; *p; p = next) {
		c = g_utf8_get_char(p);
		next = g_utf8_next_char(p);
		if (oneline && (c == '\n' || c == '\t')) {
			if (buf_puts(b, " ") == -1)
				return -1;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n') ||
		    (c >= 0x7f && c <= 0x9f) || c == 0xfffe || c == 0xffff)
			continue;
		if (buf_add(b, p, (size_t)(next - p)) == -1)
			return -1;
	}
	return 0;
}

/* A header's value on one line, cleaned; g_free it (NULL: memory). */
static char *
clean_line(const char *s)
{
	struct buf c;
	char *r;

	if (s == NULL)
		return NULL;
	buf_init(&c, 64 * 1024);
	r = add_clean(&c, s, 1) == 0 ? g_strdup(c.data ? c.data : "") : NULL;
	buf_free(&c);
	return r;
}

static int
add_text(struct buf *b, const unsigned char *d, size_t n, const char *cs)
{
	gchar *u = NULL, *valid;
	gsize wr = 0;
	int rc = 0;

	if (cs != NULL && g_ascii_strcasecmp(cs, "utf-8") != 0 &&
	    g_ascii_strcasecmp(cs, "us-ascii") != 0)
		u = g_convert(
		    (const gchar *)d, (gssize)n, "UTF-8", cs, NULL, &wr, NULL);
	valid = g_utf8_make_valid(
	    u ? u : (const gchar *)d, u ? (gssize)wr : (gssize)n);
	rc = add_clean(b, valid, 0);
	g_free(valid);
	g_free(u);
	return rc;
}

static int
is_block(const xmlChar *n)
{
	static const char *const blocks[] = { "p", "br", "div", "li", "tr",
		"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul",
		"ol", "pre", NULL };

	for (int i = 0; blocks[i]; i++)
		if (xmlStrcasecmp(n, BAD_CAST blocks[i]) == 0)
			return 1;
	return 0;
}

static int
html_text(xmlNodePtr n, struct buf *b)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE && n->content != NULL) {
			if (buf_puts(b, (const char *)n->content) == -1)
				return -1;
		} else if (n->type == XML_ELEMENT_NODE) {
			if (xmlStrcasecmp(n->name, BAD_CAST "script") == 0 ||
			    xmlStrcasecmp(n->name, BAD_CAST "style") == 0 ||
			    xmlStrcasecmp(n->name, BAD_CAST "head") == 0)
				continue;
			if (html_text(n->children, b) == -1)
				return -1;
			if (is_block(n->name) && buf_puts(b, "\n") == -1)
				return -1;
		}
	}
	return 0;
}

/* The text of an HTML part, through libxml2's HTML parser. */
static int
add_html(struct buf *b, const GByteArray *html, const char *cs)
{
	struct buf raw;
	htmlDocPtr doc;
	int rc = -1;

	buf_init(&raw, MAILGATE_MAX_BYTES);
	if (add_text(&raw, html->data, html->len, cs) == -1)
		goto out;
	doc = htmlReadMemory(raw.data ? raw.data : "", (int)raw.len, NULL,
	    "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_RECOVER | HTML_PARSE_NOBLANKS);
	if (doc == NULL)
		goto out;
	rc = html_text(xmlDocGetRootElement(doc), b);
	xmlFreeDoc(doc);
out:
	buf_free(&raw);
	return rc;
}

/* Whether a reply may go (RFC 3834 section 2; RFC 2369, RFC 3464). */
static const char *
no_reply(GMimeMessage *msg, const char *sender, const char *from)
{
	GMimeObject *o = GMIME_OBJECT(msg);
	GMimeContentType *ct;
	const char *v;

	if (sender != NULL && (*sender == '\0' || strcmp(sender, "<>") == 0))
		return "bounce";
	v = g_mime_object_get_header(o, "Return-Path");
	if (v != NULL && strstr(v, "<>") != NULL)
		return "bounce";
	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) != NULL) {
		while (*v == ' ' || *v == '\t')
			v++;
		if (g_ascii_strncasecmp(v, "no", 2) != 0)
			return "auto-submitted";
	}
	ct = msg->mime_part ? g_mime_object_get_content_type(msg->mime_part) :
			      NULL;
	if (ct != NULL &&
	    g_mime_content_type_is_type(ct, "multipart", "report"))
		return "bounce";
	if (g_mime_object_get_header(o, "List-Id") != NULL ||
	    g_mime_object_get_header(o, "List-Unsubscribe") != NULL)
		return "list";
	if ((v = g_mime_object_get_header(o, "Precedence")) != NULL &&
	    (strcasestr(v, "bulk") || strcasestr(v, "list") ||
		strcasestr(v, "junk")))
		return "list";
	if (g_mime_object_get_header(o, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(o, "X-Autorespond") != NULL)
		return "auto-submitted";
	if (from == NULL ||
	    g_ascii_strncasecmp(from, "mailer-daemon@", 14) == 0 ||
	    g_ascii_strncasecmp(from, "postmaster@", 11) == 0)
		return "bounce";
	return NULL;
}

/*
 * A header's value with its RFC 2047 words decoded one by one.  GMime
 * joins adjacent words of one charset before decoding them, and a
 * base64 word that ends in padding then cuts off the words after it
 * (a long Kazakh subject split by Python's email package is cut so);
 * RFC 2047 forbids splitting a character between words, so decoding
 * each alone is right.  NULL when the header is absent; g_free it.
 */
static char *
header_words(GMimeObject *o, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(o);
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	const char *p, *ws, *tok;
	GString *out;
	char *t, *d, *valid;
	int enc, prev = 0;

	if (raw == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (p = raw; *p;) {
		for (ws = p; *p && g_ascii_isspace(*p); p++)
			;
		for (tok = p; *p && !g_ascii_isspace(*p); p++)
			;
		if (tok == p)
			break;
		t = g_strndup(tok, (gsize)(p - tok));
		enc = strncmp(t, "=?", 2) == 0 && p - tok > 4 &&
		    strcmp(t + (p - tok) - 2, "?=") == 0;
		if (ws != tok && out->len > 0 && !(enc && prev))
			g_string_append_c(out, ' ');
		d = enc ? g_mime_utils_header_decode_text(NULL, t) : NULL;
		g_string_append(out, d ? d : t);
		g_free(d);
		g_free(t);
		prev = enc;
	}
	valid = g_utf8_make_valid(out->str, (gssize)out->len);
	g_string_free(out, TRUE);
	{
		char *r = clean_line(valid);

		g_free(valid);
		return r;
	}
}

/* The display name from the decoded From header: before the <addr>. */
static char *
from_name(GMimeObject *o, const char *fallback)
{
	char *v = header_words(o, "From"), *lt, *s, *name = NULL;
	size_t n;

	if (v == NULL || strstr(v, "=?") != NULL ||
	    (lt = strrchr(v, '<')) == NULL) {
		g_free(v);
		v = clean_line(fallback);
		name = dup_or_null(v);
		g_free(v);
		return name;
	}
	*lt = '\0';
	s = g_strstrip(v);
	n = strlen(s);
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = '\0';
		s++;
	}
	name = dup_or_null(s);
	g_free(v);
	return name;
}

int
mailgate_parse(const char *data, size_t len, const char *sender,
    struct mailgate_msg *m, char *err, size_t errlen)
{
	GMimeStream *st;
	GMimeParser *pr;
	GMimeMessage *msg = NULL;
	InternetAddressList *from;
	InternetAddress *ia;
	struct walk w;
	const char *v;
	int rc = -1;

	memset(m, 0, sizeof(*m));
	buf_init(&m->text, MAILGATE_TEXT_MAX * 4 + 1024);
	memset(&w, 0, sizeof(w));
	w.m = m;
	w.err = err;
	w.errlen = errlen;
	st = g_mime_stream_mem_new_with_buffer(data, len);
	pr = g_mime_parser_new_with_stream(st);
	msg = g_mime_parser_construct_message(pr, NULL);
	g_object_unref(pr);
	g_object_unref(st);
	if (msg == NULL || msg->mime_part == NULL) {
		snprintf(err, errlen,
		    "not an RFC 5322 message: no headers "
		    "and body could be read");
		goto out;
	}
	from = g_mime_message_get_from(msg);
	ia = from && internet_address_list_length(from) > 0 ?
	    internet_address_list_get_address(from, 0) :
	    NULL;
	if (ia == NULL || !INTERNET_ADDRESS_IS_MAILBOX(ia) ||
	    (v = internet_address_mailbox_get_addr(
		 INTERNET_ADDRESS_MAILBOX(ia))) == NULL ||
	    strchr(v, '@') == NULL) {
		snprintf(err, errlen, "the message has no From address");
		goto out;
	}
	m->from = strdup(v);
	m->from_name = from_name(
	    GMIME_OBJECT(msg), internet_address_get_name(ia));
	{
		char *subj = header_words(GMIME_OBJECT(msg), "Subject");

		m->subject = dup_or_null(subj);
		g_free(subj);
	}
	if ((v = g_mime_message_get_message_id(msg)) != NULL && *v &&
	    strlen(v) < 250)
		m->message_id = strdup(v);
	else {
		/* None: the content names it, so a redelivery is known. */
		unsigned char h[32];
		char hex[65], id[100];

		crypto_hash_sha256(h, (const unsigned char *)data, len);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		snprintf(id, sizeof(id), "sha256-%s@complaints-mailgate", hex);
		m->message_id = strdup(id);
	}
	m->no_reply = no_reply(msg, sender, m->from);
	g_mime_message_foreach(msg, visit, &w);
	if (w.failed || m->from == NULL || m->message_id == NULL)
		goto oom;
	if (w.plain != NULL) {
		if (add_text(&m->text, w.plain->data, w.plain->len,
			w.plain_cs) == -1)
			goto toolong;
	} else if (w.html != NULL) {
		if (add_html(&m->text, w.html, w.html_cs) == -1)
			goto toolong;
	}
	if (m->text.len > 0 &&
	    g_utf8_strlen(m->text.data, -1) > MAILGATE_TEXT_MAX)
		goto toolong;
	rc = 0;
	goto out;
toolong:
	snprintf(err, errlen, "the text is longer than %d characters",
	    MAILGATE_TEXT_MAX);
	goto out;
oom:
	snprintf(err, errlen, "out of memory");
out:
	if (w.plain)
		g_byte_array_unref(w.plain);
	if (w.html)
		g_byte_array_unref(w.html);
	if (msg)
		g_object_unref(msg);
	return rc;
}

void
mailgate_msg_free(struct mailgate_msg *m)
{
	free(m->message_id);
	free(m->from);
	free(m->from_name);
	free(m->subject);
	buf_free(&m->text);
	for (int i = 0; i < m->natt; i++)
		free(m->att[i].name);
	memset(m, 0, sizeof(*m));
}
