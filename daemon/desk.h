/*
 * desk: what the staff desk's handlers (route_desk.c) share with its
 * plumbing (desk.c): the session cookie, the CSRF token of a session,
 * the forms, and the answer of a page.
 */
#ifndef DESK_H
#define DESK_H

#include <libxml/tree.h>

#include "daemon/httpd_int.h"
#include "web/web.h"

#define DESK_FIELDS    32	   /* fields of a form */
#define DESK_FIELD_MAX (16 * 1024) /* bytes of a field */
#define DESK_CSRF_LEN  32	   /* hex characters */

/*
 * The attachments of a form, at most DESK_FILES (the API's cap,
 * complaint.xsd): files posted as multipart/form-data (any field with a
 * file name), of which only the name, the media type, the size and the
 * SHA-256 are kept, as the API takes them; and those a page carried on
 * in hidden fields "attached" ("SHA256 TYPE NAME").
 */
#define DESK_FILES    100
#define DESK_ATTACHED "attached"
struct desk_file {
	char name[256]; /* UTF-8, no control characters */
	char type[128]; /* type/subtype, lower case */
	char sha256[65];
	int64_t size; /* -1: carried in a hidden field */
};

/* A POSTed form: names and values, NUL-terminated, wiped when freed. */
struct desk_form {
	int n;
	char *name[DESK_FIELDS];
	char *value[DESK_FIELDS];
	size_t len[DESK_FIELDS];
	int bad;		 /* too many fields, too long, not UTF-8 */
	int nfiles;		 /* files[0 .. nfiles - 1] */
	int files_over;		 /* more than DESK_FILES were posted */
	struct desk_file *files; /* NULL until the first */
	struct desk_part *part;	 /* the file being read */
};

/*
 * Reads r's body, URL-encoded or multipart/form-data; 0, or -1 when it is
 * not a form (f->bad set too).
 */
int desk_form_read(struct req *, struct desk_form *);
/* The value of a field, NULL when absent or empty. */
const char *desk_form_get(const struct desk_form *, const char *name);
void desk_form_free(struct desk_form *);
/* Whether the form's csrf field is the session's (or the sign-in's). */
int desk_csrf_ok(struct req *, const struct desk_form *);

/* The page's language: ?lang=, then the cookie, then Accept-Language. */
enum web_lang desk_lang(struct req *);

/*
 * A new page document: <desk csrf="" lang="" path=""> with <me> of the
 * signed-in actor when there is one.  Caller frees with xmlFreeDoc.
 */
xmlDocPtr desk_doc(struct req *);
/* Parses xml (an API document) and adds its root under parent. */
int desk_doc_add(xmlNodePtr parent, const char *xml, size_t len);
/*
 * Adds <form> with the form's fields (never the password, csrf) and an
 * <attachment name="" media-type="" sha256=""/> per attachment.
 */
int desk_doc_form(xmlNodePtr parent, const struct desk_form *);
/* Adds <error code="" status="">message</error>. */
int desk_doc_error(xmlNodePtr parent, const struct complaints_error *);

/*
 * Answers with the page rendered from doc (frees doc): the headers of a
 * page (CSP without inline script or style, no referrer, no frames) and
 * cookie (a Set-Cookie value, or NULL).
 */
enum MHD_Result desk_page(struct req *, unsigned status, const char *page,
    xmlDocPtr doc, const char *cookie);
/*
 * A page's response with the headers every page has: its language, a
 * Content-Security-Policy without inline script or style, the referrer
 * policy given, no frames.  NULL when out of memory.
 */
struct MHD_Response *
desk_html(const struct buf *, enum web_lang, const char *referrer);
/* 303 to location, with cookie (or NULL). */
enum MHD_Result
desk_redirect(struct req *, const char *location, const char *cookie);
/* The Set-Cookie value of the session (token) or its removal (NULL). */
void
desk_session_cookie(struct req *, const char *token, char *out, size_t outlen);

#endif /* DESK_H */
