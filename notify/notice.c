/*
 * Notice texts: the facts of a notice as an XML document, turned into
 * its subject and text by web/xsl/notice.xsl with the texts of the
 * language's catalogue (web/lang/LANG.xml), the same way a page is made
 * (web/view.c: compiled at start and on SIGHUP, sandboxed).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "notify/notify_int.h"
#include "web/web.h"

/* The facts a notice may show: element name and member. */
struct fact {
	const char *name;
	size_t off;
};

#define FACT(n, f) \
	{ \
		n, offsetof(struct notify_letter, f) \
	}

static const struct fact facts[] = {
	FACT("talon", talon),
	FACT("journal-number", journal_number),
	FACT("accepted-on", accepted_on),
	FACT("date", date),
	FACT("out-number", out_number),
	FACT("service-title", service_title),
	FACT("due", due),
	FACT("new-due", new_due),
	FACT("extension-reason", extension_reason),
	FACT("forwarded-to", forwarded_to_name),
	FACT("forward-reason", forward_reason),
	FACT("outcome", outcome),
	FACT("reasoning", reasoning),
	FACT("decided-by", decided_by),
	FACT("appeal-to", appeal_to_name),
	FACT("court-clause", court_clause),
	FACT("status-url", status_url),
	FACT("confirm-url", confirm_url),
	FACT("body-address", body_address),
	FACT("body-phones", body_phones),
};

static int
lang_of(const char *code, enum web_lang *out)
{
	for (int l = 0; code != NULL && l < WEB_NLANG; l++)
		if (strcmp(code, web_lang_code((enum web_lang)l)) == 0) {
			*out = (enum web_lang)l;
			return 0;
		}
	return -1;
}

/* Adds <name>v</name> when v is set; -1 when it cannot be a fact. */
static int
add_fact(
    xmlNodePtr root, const char *name, const char *v, char *err, size_t errlen)
{
	xmlNodePtr n;
	size_t len;

	if (v == NULL || *v == '\0')
		return 0;
	len = strlen(v);
	if (len > NOTIFY_VALUE_MAX || !notify_utf8_text(v, len)) {
		errf(err, errlen,
		    "notify: notice: %s is too long or not "
		    "UTF-8 text",
		    name);
		return -1;
	}
	/*
	 * The text node takes the value as it is (no entity is expanded),
	 * without carriage returns: a line ends in LF in a notice.
	 */
	if ((n = xmlNewChild(root, NULL, BAD_CAST name, NULL)) == NULL)
		goto oom;
	for (const char *p = v; *p != '\0';) {
		size_t k = strcspn(p, "\r");

		if (k > 0)
			xmlNodeAddContentLen(n, BAD_CAST p, (int)k);
		p += k;
		if (*p == '\r')
			p++;
	}
	return 0;
oom:
	errf(err, errlen, "notify: notice: out of memory");
	return -1;
}

/* The body's name in the notice's language; Russian for English. */
static const char *
body_name(const struct notify_letter *l)
{
	if (strcmp(l->lang, "kk") == 0)
		return l->body_name_kk ? l->body_name_kk : l->body_name_ru;
	return l->body_name_ru ? l->body_name_ru : l->body_name_kk;
}

/* The document of the notice's facts; NULL with a message. */
static xmlDocPtr
facts_doc(const struct notify_letter *l, char *err, size_t errlen)
{
	xmlDocPtr d;
	xmlNodePtr root;
	struct buf name;
	const char *v;
	char svc[16];
	int rc = -1;

	buf_init(&name, 3 * NOTIFY_VALUE_MAX + 2);
	if ((d = xmlNewDoc(BAD_CAST "1.0")) == NULL ||
	    (root = xmlNewDocNode(d, NULL, BAD_CAST "notice", NULL)) == NULL) {
		errf(err, errlen, "notify: notice: out of memory");
		goto out;
	}
	xmlDocSetRootElement(d, root);
	if (xmlNewProp(root, BAD_CAST "kind", BAD_CAST l->kind) == NULL) {
		errf(err, errlen, "notify: notice: out of memory");
		goto out;
	}
	if (notify_full_name(l, &name) == 0 &&
	    add_fact(root, "full-name", name.data, err, errlen) == -1)
		goto out;
	if (add_fact(root, "body-name", body_name(l), err, errlen) == -1)
		goto out;
	if (l->service > 0) {
		snprintf(svc, sizeof(svc), "%d", l->service);
		if (add_fact(root, "service", svc, err, errlen) == -1)
			goto out;
	}
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		memcpy(&v, (const char *)l + facts[i].off, sizeof(v));
		if (add_fact(root, facts[i].name, v, err, errlen) == -1)
			goto out;
	}
	rc = 0;
out:
	buf_free(&name);
	if (rc == -1) {
		xmlFreeDoc(d);
		d = NULL;
	}
	return d;
}

int
notify_text(const struct notify_letter *l, struct buf *subject,
    struct buf *text, char *err, size_t errlen)
{
	enum web_lang lang;
	xmlDocPtr d = NULL;
	struct buf out;
	const char *s, *sep;
	int rc = -1;

	buf_init(&out, text->cap + subject->cap);
	if (l->kind == NULL || lang_of(l->lang, &lang) == -1) {
		errf(err, errlen, "notify: no such language: %.8s",
		    l->lang ? l->lang : "(null)");
		goto out;
	}
	if ((d = facts_doc(l, err, errlen)) == NULL)
		goto out;
	if (web_render("notice", d, lang, NULL, &out, err, errlen) == -1)
		goto out;
	s = out.data ? out.data : "";
	/* The subject, a blank line, the text. */
	if ((sep = strstr(s, "\n\n")) == NULL ||
	    strcspn(s, "\t\n") < (size_t)(sep - s)) {
		errf(err, errlen,
		    "notify: notice %s.%s: no subject line "
		    "and text",
		    l->kind, l->lang);
		goto out;
	}
	if (buf_add(subject, s, (size_t)(sep - s)) == -1 ||
	    buf_puts(text, sep + 2) == -1) {
		errf(err, errlen, "notify: notice %s.%s: too long", l->kind,
		    l->lang);
		goto out;
	}
	rc = 0;
out:
	xmlFreeDoc(d);
	buf_free(&out);
	return rc;
}

int
notify_letter_labels(const struct notify_letter *l, struct buf *out,
    const char **head_line, const char **reference, const char **qr_caption,
    char *err, size_t errlen)
{
	static const char *const params[] = { "part", "letter", NULL };
	const char **part[3] = { head_line, reference, qr_caption };
	enum web_lang lang;
	xmlDocPtr d = NULL;
	char *p;
	int rc = -1;

	if (lang_of(l->lang, &lang) == -1)
		lang = WEB_KK;
	if ((d = facts_doc(l, err, errlen)) == NULL)
		goto out;
	/* Three texts, a CR between (facts and catalogues hold none). */
	if (web_render("notice", d, lang, params, out, err, errlen) == -1 ||
	    buf_add(out, "", 1) == -1)
		goto out;
	p = out->data;
	for (int i = 0; i < 3; i++) {
		if (p == NULL) {
			errf(
			    err, errlen, "notify: letter: no letterhead texts");
			goto out;
		}
		*part[i] = p;
		if ((p = strchr(p, '\r')) != NULL)
			*p++ = '\0';
		/* No blank line at the end of a block. */
		for (char *e = strchr(*part[i], '\0');
		     e > *part[i] && e[-1] == '\n';)
			*--e = '\0';
	}
	rc = 0;
out:
	xmlFreeDoc(d);
	return rc;
}
