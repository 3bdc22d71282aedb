/*
 * xmlio: parsing with the dangerous parts of XML turned off, validation
 * against the loaded schemas, and a thin layer over xmlTextWriter.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "xmlio/xmlio.h"

#define XMLIO_MAX_SCHEMAS 64

/*
 * Every schema is compiled at load, so that a broken one stops the
 * start, and then freed: the 37 compiled take 2.3 MB, and a daemon that
 * answers lookups validates nothing.  A schema is compiled again at its
 * first use and kept until the set is freed; the set stays read-only to
 * its callers, the compiled schemas being a cache behind one mutex.
 */
struct xmlio_schema {
	char name[64];
	char path[1024];
	xmlSchemaPtr schema; /* NULL until its first use */
};

struct xmlio_schemas {
	struct xmlio_schema s[XMLIO_MAX_SCHEMAS];
	int n;
	pthread_mutex_t compiling;
};

static xmlSchemaPtr
compile(const char *path)
{
	xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
	xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;

	xmlSchemaFreeParserCtxt(pc);
	return schema;
}

/* Quiet libxml2: errors are collected per call, never printed. */
static void
silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void
xmlio_init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent);
}

void
xmlio_cleanup(void)
{
	xmlCleanupParser();
}

static const int parse_opts = XML_PARSE_NONET | XML_PARSE_NOCDATA |
    XML_PARSE_NOWARNING | XML_PARSE_NOERROR;

struct xmlio_schemas *
xmlio_schemas_load(const char *dir, char *err, size_t errlen)
{
	struct xmlio_schemas *set;
	xmlSchemaPtr schema;
	struct dirent *de;
	char path[1024];
	size_t n;
	DIR *d;

	if ((set = calloc(1, sizeof(*set))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&set->compiling, NULL);
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: cannot open the schema folder", dir);
		xmlio_schemas_free(set);
		return NULL;
	}
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || n - 4 >= sizeof(set->s[0].name) ||
		    strcmp(de->d_name + n - 4, ".xsd") != 0)
			continue;
		if (set->n == XMLIO_MAX_SCHEMAS) {
			snprintf(err, errlen, "%s: more than %d schemas", dir,
			    XMLIO_MAX_SCHEMAS);
			goto fail;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((schema = compile(path)) == NULL) {
			snprintf(err, errlen, "%s: not a valid schema", path);
			goto fail;
		}
		xmlSchemaFree(schema);
		snprintf(set->s[set->n].path, sizeof(set->s[set->n].path), "%s",
		    path);
		memcpy(set->s[set->n].name, de->d_name, n - 4);
		set->s[set->n].name[n - 4] = '\0';
		set->n++;
	}
	closedir(d);
	return set;
fail:
	closedir(d);
	xmlio_schemas_free(set);
	return NULL;
}

void
xmlio_schemas_free(struct xmlio_schemas *set)
{
	if (set == NULL)
		return;
	for (int i = 0; i < set->n; i++)
		xmlSchemaFree(set->s[i].schema);
	pthread_mutex_destroy(&set->compiling);
	free(set);
}

static struct xmlio_schema *
find(const struct xmlio_schemas *set, const char *name)
{
	for (int i = 0; i < set->n; i++)
		if (strcmp(set->s[i].name, name) == 0)
			return (struct xmlio_schema *)&set->s[i];
	return NULL;
}

/* The schema compiled, at its first use; NULL without one or memory. */
static xmlSchemaPtr
compiled(const struct xmlio_schemas *set, const char *name)
{
	struct xmlio_schema *sc = find(set, name);
	pthread_mutex_t *mu = (pthread_mutex_t *)&set->compiling;
	xmlSchemaPtr schema;

	if (sc == NULL)
		return NULL;
	pthread_mutex_lock(mu);
	if (sc->schema == NULL)
		sc->schema = compile(sc->path);
	schema = sc->schema;
	pthread_mutex_unlock(mu);
	return schema;
}

int
xmlio_schemas_has(const struct xmlio_schemas *set, const char *name)
{
	return find(set, name) != NULL;
}

static void
set_err(struct xmlio_err *e, enum xmlio_fail kind, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	e->kind = kind;
	va_start(ap, fmt);
	verrf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	/* libxml2 messages end in a newline. */
	n = strlen(e->message);
	while (n > 0 && (e->message[n - 1] == '\n' || e->message[n - 1] == ' '))
		e->message[--n] = '\0';
}

struct verr {
	struct xmlio_err *e;
	int seen;
};

static void
schema_error(void *ctx, xmlErrorPtr xe)
{
	struct verr *v = ctx;

	if (v->seen++)
		return; /* the first error is the one to fix */
	set_err(v->e, XMLIO_INVALID, "line %d: %s", xe->line,
	    xe->message ? xe->message : "invalid");
}

int
xmlio_validate(const struct xmlio_schemas *set, const char *name, xmlDocPtr doc,
    struct xmlio_err *e)
{
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	struct verr v = { e, 0 };
	int rc;

	if ((schema = compiled(set, name)) == NULL) {
		set_err(e, XMLIO_INTERNAL, "no schema %s", name);
		return -1;
	}
	if ((vc = xmlSchemaNewValidCtxt(schema)) == NULL) {
		set_err(e, XMLIO_INTERNAL, "out of memory");
		return -1;
	}
	xmlSchemaSetValidStructuredErrors(vc, schema_error, &v);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	if (rc != 0) {
		if (!v.seen)
			set_err(e, XMLIO_INVALID,
			    "the document does not "
			    "match the %s schema",
			    name);
		return -1;
	}
	return 0;
}

/* -1 with the error when s holds a character utf8_text refuses. */
static int
text_ok(
    xmlNodePtr where, const char *elem, const xmlChar *s, struct xmlio_err *e)
{
	size_t bad, n = s ? strlen((const char *)s) : 0;
	uint32_t cp;

	if (n == 0 || utf8_text((const char *)s, n, &bad))
		return 0;
	utf8_dec((const char *)s + bad, n - bad, &cp);
	set_err(e, XMLIO_INVALID,
	    "line %ld: <%s>: the control character "
	    "U+%04X is not accepted in text",
	    xmlGetLineNo(where), elem, (unsigned)cp);
	return -1;
}

/*
 * Refuses control characters (DEL, C1; XML 1.0 already refuses C0 but
 * tab and line ends) in every text and attribute, whatever the schema
 * says, so nothing stored can later stop a notice from being printed.
 */
static int
doc_text_ok(xmlNodePtr n, struct xmlio_err *e)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) {
			if (text_ok(n,
				n->parent && n->parent->name ?
				    (const char *)n->parent->name :
				    "?",
				n->content, e) == -1)
				return -1;
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlAttrPtr a = n->properties; a != NULL; a = a->next)
			if (a->children &&
			    text_ok(n, (const char *)n->name,
				a->children->content, e) == -1)
				return -1;
		if (doc_text_ok(n->children, e) == -1)
			return -1;
	}
	return 0;
}

int
xmlio_parse(const struct xmlio_schemas *set, const char *name, const char *buf,
    size_t len, xmlDocPtr *out, struct xmlio_err *e)
{
	xmlParserCtxtPtr pc;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	const xmlError *xe;

	*out = NULL;
	if (buf == NULL)
		buf = "";
	if (len > INT32_MAX || (len > 0 && memchr(buf, '\0', len) != NULL)) {
		set_err(e, XMLIO_MALFORMED, "the document contains a NUL byte");
		return -1;
	}
	if ((pc = xmlNewParserCtxt()) == NULL) {
		set_err(e, XMLIO_INTERNAL, "out of memory");
		return -1;
	}
	doc = xmlCtxtReadMemory(
	    pc, buf, (int)len, "request.xml", "UTF-8", parse_opts);
	if (doc == NULL || !pc->wellFormed) {
		xe = xmlCtxtGetLastError(pc);
		if (xe &&
		    (xe->code == XML_ERR_ENTITY_LOOP ||
			xe->code == XML_ERR_UNDECLARED_ENTITY ||
			xe->code == XML_WAR_UNDECLARED_ENTITY))
			set_err(e, XMLIO_FORBIDDEN,
			    "line %d: entities are "
			    "not accepted",
			    xe->line);
		else
			set_err(e, XMLIO_MALFORMED, "line %d: %s",
			    xe ? xe->line : 0,
			    xe && xe->message ? xe->message :
						"not well-formed XML");
		goto fail;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		set_err(e, XMLIO_FORBIDDEN,
		    "a document type declaration "
		    "(DTD) is not accepted");
		goto fail;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || root->ns != NULL ||
	    strcmp((const char *)root->name, name) != 0) {
		set_err(
		    e, XMLIO_WRONG_DOCUMENT, "expected a <%s> document", name);
		goto fail;
	}
	if (doc_text_ok(root, e) == -1 ||
	    xmlio_validate(set, name, doc, e) == -1)
		goto fail;
	xmlFreeParserCtxt(pc);
	*out = doc;
	return 0;
fail:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(pc);
	return -1;
}

xmlNodePtr
xmlio_child(xmlNodePtr n, const char *name)
{
	if (n == NULL)
		return NULL;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    (name == NULL || strcmp((const char *)c->name, name) == 0))
			return c;
	return NULL;
}

char *
xmlio_child_text(xmlNodePtr n, const char *name)
{
	xmlNodePtr c = name ? xmlio_child(n, name) : n;
	xmlChar *t;
	char *s, *p, *end;

	if (c == NULL || (t = xmlNodeGetContent(c)) == NULL)
		return NULL;
	p = (char *)t;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	end = p + strlen(p);
	while (end > p &&
	    (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' ||
		end[-1] == '\r'))
		end--;
	if ((s = malloc((size_t)(end - p) + 1)) != NULL) {
		memcpy(s, p, (size_t)(end - p));
		s[end - p] = '\0';
	}
	xmlFree(t);
	return s;
}

int
xmlio_out_begin(struct xmlio_out *o, const char *root)
{
	memset(o, 0, sizeof(*o));
	if ((o->buf = xmlBufferCreate()) == NULL)
		return -1;
	if ((o->w = xmlNewTextWriterMemory(o->buf, 0)) == NULL) {
		xmlBufferFree(o->buf);
		o->buf = NULL;
		return -1;
	}
	xmlTextWriterSetIndent(o->w, 1);
	xmlTextWriterSetIndentString(o->w, BAD_CAST "  ");
	if (xmlTextWriterStartDocument(o->w, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(o->w, BAD_CAST root) < 0)
		return -1;
	return 0;
}

int
xmlio_out_elem(struct xmlio_out *o, const char *name, const char *text)
{
	return xmlTextWriterWriteElement(
		   o->w, BAD_CAST name, BAD_CAST(text ? text : "")) < 0 ?
	    -1 :
	    0;
}

int
xmlio_out_elemf(struct xmlio_out *o, const char *name, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return xmlio_out_elem(o, name, text);
}

int
xmlio_out_start(struct xmlio_out *o, const char *name)
{
	return xmlTextWriterStartElement(o->w, BAD_CAST name) < 0 ? -1 : 0;
}

int
xmlio_out_attr(struct xmlio_out *o, const char *name, const char *value)
{
	return xmlTextWriterWriteAttribute(
		   o->w, BAD_CAST name, BAD_CAST value) < 0 ?
	    -1 :
	    0;
}

int
xmlio_out_end(struct xmlio_out *o)
{
	return xmlTextWriterEndElement(o->w) < 0 ? -1 : 0;
}

int
xmlio_out_finish(struct xmlio_out *o, struct buf *b)
{
	int rc = 0;

	if (xmlTextWriterEndDocument(o->w) < 0)
		rc = -1;
	xmlFreeTextWriter(o->w);
	o->w = NULL;
	if (rc == 0 &&
	    buf_add(b, xmlBufferContent(o->buf),
		(size_t)xmlBufferLength(o->buf)) == -1)
		rc = -1;
	xmlBufferFree(o->buf);
	o->buf = NULL;
	return rc;
}

void
xmlio_out_free(struct xmlio_out *o)
{
	if (o->w)
		xmlFreeTextWriter(o->w);
	if (o->buf)
		xmlBufferFree(o->buf);
	o->w = NULL;
	o->buf = NULL;
}
