/*
 * xmlio: the loader context for configuration and data files (the
 * calendar, the routing rules): one place that reads, validates and
 * reports "path: line N: message".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmlio/xmlio.h"

char *
xmlio_prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

int
xmlio_is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

void
xmlio_ld_err(struct xmlio_ld *ld, xmlNodePtr n, const char *fmt, ...)
{
	char msg[256], line[32] = "";
	va_list ap;

	va_start(ap, fmt);
	verrf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n != NULL)
		snprintf(line, sizeof(line), "line %ld: ", xmlGetLineNo(n));
	errf(ld->err, ld->errlen, "%s%s%s: %s%s", ld->prefix ? ld->prefix : "",
	    ld->prefix ? ": " : "", ld->path, line, msg);
}

xmlDocPtr
xmlio_ld_doc(struct xmlio_ld *ld, const struct xmlio_schemas *set,
    const char *name, size_t cap)
{
	struct xmlio_err xe;
	xmlDocPtr doc = NULL;
	size_t len = 0;
	char *buf;

	if ((buf = read_whole_file(ld->path, cap, &len, ld->err, ld->errlen)) ==
	    NULL)
		return NULL;
	if (xmlio_parse(set, name, buf, len, &doc, &xe) == -1) {
		xmlio_ld_err(ld, NULL, "%s", xe.message);
		doc = NULL;
	}
	free(buf);
	return doc;
}

int
xmlio_ld_attr(
    struct xmlio_ld *ld, xmlNodePtr n, const char *name, char *out, size_t len)
{
	xmlChar *v;
	int rc = 1;

	out[0] = '\0';
	if ((v = xmlGetProp(n, BAD_CAST name)) == NULL)
		return 0;
	if (strlcpy_chk(out, (const char *)v, len) == -1) {
		xmlio_ld_err(ld, n, "attribute %s is longer than %zu bytes",
		    name, len - 1);
		rc = -1;
	}
	xmlFree(v);
	return rc;
}

int
xmlio_ld_int(struct xmlio_ld *ld, xmlNodePtr n, const char *name, int min,
    int max, int dflt, int *out)
{
	char v[32];
	long long x;
	int rc;

	*out = dflt;
	if ((rc = xmlio_ld_attr(ld, n, name, v, sizeof(v))) <= 0)
		return rc == 0 ? 1 : -1;
	if (parse_ll(v, min, max, &x) == -1) {
		xmlio_ld_err(ld, n,
		    "attribute %s: \"%s\" is not a number "
		    "from %d to %d",
		    name, v, min, max);
		return -1;
	}
	*out = (int)x;
	return 0;
}

int
xmlio_ld_bool(
    struct xmlio_ld *ld, xmlNodePtr n, const char *name, int dflt, int *out)
{
	char v[8];
	int rc;

	*out = dflt;
	if ((rc = xmlio_ld_attr(ld, n, name, v, sizeof(v))) <= 0)
		return rc == 0 ? 1 : -1;
	if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else {
		xmlio_ld_err(
		    ld, n, "attribute %s: \"%s\" is not a boolean", name, v);
		return -1;
	}
	return 0;
}

int
xmlio_ld_date(struct xmlio_ld *ld, xmlNodePtr n, const char *name, int required,
    struct date *out)
{
	char v[16];
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = xmlio_ld_attr(ld, n, name, v, sizeof(v))) == -1)
		return -1;
	if (rc == 0) {
		if (!required)
			return 0;
		xmlio_ld_err(ld, n, "attribute %s is missing", name);
		return -1;
	}
	if (date_parse(v, out) == -1) {
		xmlio_ld_err(
		    ld, n, "attribute %s: \"%s\" is not a date", name, v);
		return -1;
	}
	return 0;
}
