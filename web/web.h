/*
 * web: the pages people read, and the one way they are made.  A page is
 * an XSLT stylesheet (web/xsl/NAME.xsl) over an XML document, the one
 * the matching /api/v1/... call returns; its texts come from one
 * catalogue per language (web/lang/kk.xml, ru.xml, en.xml) that a
 * translator edits without reading code.  web_init loads the catalogues
 * (every language has exactly the keys English has) and compiles the
 * stylesheets, at start and again on SIGHUP; any thread may render
 * meanwhile.  Stylesheets run sandboxed: no file written, no network, no
 * document read but the catalogues.
 *
 * Functions return 0 on success and -1 on failure.
 */
#ifndef WEB_H
#define WEB_H

#include <stddef.h>

#include <libxml/tree.h>

#include "complaints/complaints.h"
#include "util/util.h"

enum web_lang { WEB_KK, WEB_RU, WEB_EN };
#define WEB_NLANG 3

/* The form's fields are capped at this many bytes each. */
#define WEB_FIELD_MAX 64

/*
 * The page's language: an explicit lang parameter (kk, ru or en) wins,
 * else the best of kk, ru and en in Accept-Language by its q-values
 * (ties: the one listed first), else Kazakh.  Either may be NULL.
 */
enum web_lang
web_lang_pick(const char *lang_param, const char *accept_language);
/* "kk", "ru" or "en". */
const char *web_lang_code(enum web_lang);

/*
 * Loads dir/lang/{kk,ru,en}.xml, dir/status.css, dir/desk.css and
 * compiles every dir/xsl/NAME.xsl.  Called again (SIGHUP), it replaces
 * what was loaded once the new set is whole, and keeps the old one when
 * it fails.  -1 with a message naming the file (and line) in err.
 */
int web_init(const char *dir, char *err, size_t errlen);
void web_cleanup(void);

/*
 * The text of a key in a language, NULL when unknown; valid until the
 * next web_init or web_cleanup (for tests and tools, not for pages).
 */
const char *web_text(enum web_lang, const char *key);

enum web_css { WEB_CSS_STATUS, WEB_CSS_DESK };
#define WEB_NCSS 2
/* Appends a style sheet as loaded to out. */
int web_css(enum web_css, struct buf *out);

/*
 * Transforms doc with the stylesheet called page, the parameter lang set
 * to the language's code and params (NULL, or name, value, ... NULL:
 * plain strings, quoted here), and appends the result to out.  -1 (and a
 * log line naming the page and the reason) when the page has no
 * stylesheet, a text is missing from the catalogue, a document() names
 * anything but a catalogue, or out is full.  The caller keeps doc.
 */
int web_view(const char *page, xmlDocPtr doc, enum web_lang,
    const char *const *params, struct buf *out);

/*
 * The texts of keys[0..n) in a language, each appended to out with its
 * NUL, under the lock a reload takes (a document drawn elsewhere, such
 * as the talon slip, carries copies).  -1 with the first key missing,
 * or no catalogues loaded, named in err.
 */
int web_texts(enum web_lang, const char *const *keys, size_t n, struct buf *out,
    char *err, size_t errlen);

/*
 * web_view for a caller that reports the failure itself (the notices):
 * no log line; the page and the reason in err instead.
 */
int web_render(const char *page, xmlDocPtr doc, enum web_lang,
    const char *const *params, struct buf *out, char *err, size_t errlen);

/*
 * Copies s into out (outlen bytes with the NUL) for a document: control
 * characters and bytes that are not UTF-8 become U+FFFD, and it is cut
 * back to a whole character.  1 when it was cut, 0 when whole.
 */
int web_clean(const char *s, char *out, size_t outlen);

/* What the status page shows. */
struct web_page {
	enum web_lang lang;
	const char *number; /* as typed; NULL: none */
	int code_given;	    /* an access code was sent */
	const char *status; /* the <status> document, or NULL */
	size_t status_len;
	const char *error; /* a domain error code */
	int retry_after;   /* seconds, for a 429 */
};

/*
 * The citizens' status page (web/xsl/status.xsl) into html.  Error codes
 * it explains: bad-check-digit, malformed-talon-number, talon-not-found,
 * wrong-access-code, too-many-lookups, missing-talon-number; any other
 * is shown as a fault of the service.
 */
int web_status_page(const struct web_page *, struct buf *html);

#endif /* WEB_H */
