/*
 * xmlio: safe parsing and schema validation of XML documents, and the
 * writing of responses.  Parsing never substitutes entities, never loads
 * a DTD, never touches the network, and refuses any document that has a
 * DTD at all.  Functions return 0 on success and -1 on failure.
 */
#ifndef XMLIO_H
#define XMLIO_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "util/util.h"

/* Call once at start-up, before any thread parses. */
void xmlio_init(void);
void xmlio_cleanup(void);

struct xmlio_schemas;

/*
 * Loads every NAME.xsd in dir.  Caller frees with xmlio_schemas_free.
 * Each is compiled there to check it, and again at its first use; the
 * set is shared between threads.
 */
struct xmlio_schemas *xmlio_schemas_load(const char *dir, char *err, size_t);
void xmlio_schemas_free(struct xmlio_schemas *);
/* Whether a schema of that name (without .xsd) was loaded. */
int xmlio_schemas_has(const struct xmlio_schemas *, const char *name);

enum xmlio_fail {
	XMLIO_MALFORMED,      /* not well-formed, or not UTF-8 */
	XMLIO_FORBIDDEN,      /* a DTD or an entity */
	XMLIO_INVALID,	      /* fails the schema */
	XMLIO_WRONG_DOCUMENT, /* the root is not the one expected */
	XMLIO_INTERNAL
};

struct xmlio_err {
	enum xmlio_fail kind;
	char message[512]; /* names the element and the line */
};

/*
 * Parses buf and validates it against the schema called name (also the
 * root element expected).  *out gets the document; caller frees it with
 * xmlFreeDoc.
 */
int xmlio_parse(const struct xmlio_schemas *, const char *name, const char *buf,
    size_t len, xmlDocPtr *out, struct xmlio_err *);

/* Validates a document against a schema (for the responses, in tests). */
int xmlio_validate(const struct xmlio_schemas *, const char *name, xmlDocPtr,
    struct xmlio_err *);

/* Reading: the first child element of that name (NULL: any), or NULL. */
xmlNodePtr xmlio_child(xmlNodePtr, const char *name);
/*
 * The text of the named child, whitespace-trimmed, copied into a new
 * string; NULL when absent.  Caller frees with free().
 */
char *xmlio_child_text(xmlNodePtr, const char *name);

/*
 * The value of an attribute in a new string (caller frees with free()),
 * or NULL when the attribute is absent or memory ran out.
 */
char *xmlio_prop(xmlNodePtr, const char *name);

/*
 * The loader context for configuration and data files: the file, and
 * where its one error message goes, as "path: line N: message" (with
 * "prefix: " before it when prefix is set).
 */
struct xmlio_ld {
	const char *prefix; /* NULL: none */
	const char *path;
	char *err;
	size_t errlen;
};
void xmlio_ld_err(struct xmlio_ld *, xmlNodePtr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * Reads the file (at most cap bytes), parses it and validates it against
 * the schema called name.  NULL (reported) on failure; caller frees the
 * document with xmlFreeDoc.
 */
xmlDocPtr xmlio_ld_doc(struct xmlio_ld *, const struct xmlio_schemas *,
    const char *name, size_t cap);
/*
 * Attributes.  xmlio_ld_attr: 1 with the value when present, 0 (out is
 * "") when absent, -1 (reported) when longer than len - 1 bytes.  The
 * typed ones: 0 when set, 1 when absent (out gets dflt), -1 (reported)
 * when malformed.
 */
int xmlio_ld_attr(
    struct xmlio_ld *, xmlNodePtr, const char *name, char *out, size_t len);
int xmlio_ld_int(struct xmlio_ld *, xmlNodePtr, const char *name, int min,
    int max, int dflt, int *out);
int xmlio_ld_bool(
    struct xmlio_ld *, xmlNodePtr, const char *name, int dflt, int *out);
/* A date (YYYY-MM-DD); when absent out is all zero, or -1 if required. */
int xmlio_ld_date(struct xmlio_ld *, xmlNodePtr, const char *name, int required,
    struct date *out);
/* Whether n is an element called name. */
int xmlio_is_elem(xmlNodePtr, const char *name);

/* Writing into a capped buffer. */
struct xmlio_out {
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
};
int xmlio_out_begin(struct xmlio_out *, const char *root);
int xmlio_out_elem(struct xmlio_out *, const char *name, const char *text);
int xmlio_out_elemf(struct xmlio_out *, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int xmlio_out_start(struct xmlio_out *, const char *name);
int xmlio_out_attr(struct xmlio_out *, const char *name, const char *value);
int xmlio_out_end(struct xmlio_out *);
/* Closes every element and moves the text into b. */
int xmlio_out_finish(struct xmlio_out *, struct buf *b);
void xmlio_out_free(struct xmlio_out *);

#endif /* XMLIO_H */
