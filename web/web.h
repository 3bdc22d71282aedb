/*
 * web: the citizens' status page.  The texts of the three languages and
 * the page's skeleton are files (web/lang/kk.txt, ru.txt, en.txt,
 * web/page.html, web/status.css), loaded once at start by web_init and
 * read-only afterwards, so any thread may render.  The page has no
 * script and no inline style; every value put into it is HTML-escaped.
 *
 * Functions return 0 on success and -1 on failure.
 */
#ifndef WEB_H
#define WEB_H

#include <stddef.h>

#include "complaints/complaints.h"
#include "util/util.h"

enum web_lang { WEB_KK, WEB_RU, WEB_EN };
#define WEB_NLANG	3

/* The form's fields are capped at this many bytes each. */
#define WEB_FIELD_MAX	64

/*
 * The page's language: an explicit lang parameter (kk, ru or en) wins,
 * else the best of kk, ru and en in Accept-Language by its q-values
 * (ties: the one listed first), else Kazakh.  Either may be NULL.
 */
enum web_lang	 web_lang_pick(const char *lang_param,
		    const char *accept_language);
/* "kk", "ru" or "en". */
const char	*web_lang_code(enum web_lang);

/*
 * Loads dir/lang/{kk,ru,en}.txt ("key = text" lines), dir/page.html and
 * dir/status.css.  English must have every text the page uses; a text
 * missing in kk or ru falls back to English and is counted (see
 * web_missing).  Called again, it replaces what was loaded; not while
 * another thread renders.  -1 with a message naming the file and line.
 */
int		 web_init(const char *dir, char *err, size_t errlen);
void		 web_cleanup(void);

/*
 * How many texts of a language fell back to English; first (when not
 * NULL) gets the first such key.
 */
int		 web_missing(enum web_lang, char *first, size_t firstlen);

/*
 * The text of a key in a language, falling back to English; NULL when
 * unknown.  *own (when not NULL) is 1 when the language's own file has it.
 * Valid until web_cleanup.
 */
const char	*web_text(enum web_lang, const char *key, int *own);

/* The stylesheet as loaded; valid until web_cleanup. */
const char	*web_css(size_t *len);

/* What one page shows. */
struct web_page {
	enum web_lang		 lang;
	const char		*number;	/* as typed; NULL: none */
	int			 code_given;	/* an access code was sent */
	const struct complaints_talon_status	*st;		/* NULL: the form or an error */
	const char		*error;		/* a domain error code */
	int			 retry_after;	/* seconds, for a 429 */
};

/*
 * Writes the whole HTML page into html (whose cap the caller sets).
 * Error codes: bad-check-digit, malformed-talon-number, talon-not-found,
 * wrong-access-code, too-many-lookups, missing-talon-number; any other
 * is shown as a fault of the service.  -1 when html is full or web_init
 * has not run.
 */
int		 web_render(const struct web_page *, struct buf *html);

#endif /* WEB_H */
