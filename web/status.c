/*
 * web: the citizens' status page's document: <page> with what the person
 * typed and the error, around the <status> of GET /api/v1/talons/{n}.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "web/web.h"

#define NUMBER_SHOWN (4 * WEB_FIELD_MAX) /* of the number as typed */

int
web_status_page(const struct web_page *p, struct buf *html)
{
	char number[NUMBER_SHOWN], minutes[16];
	xmlDocPtr doc, st = NULL;
	xmlNodePtr root, n;
	int rc = -1;

	if ((doc = xmlNewDoc(BAD_CAST "1.0")) == NULL ||
	    (root = xmlNewDocNode(doc, NULL, BAD_CAST "page", NULL)) == NULL)
		goto out;
	xmlDocSetRootElement(doc, root);
	if (p->number != NULL) {
		web_clean(p->number, number, sizeof(number));
		if (xmlSetProp(root, BAD_CAST "number", BAD_CAST number) ==
		    NULL)
			goto out;
	}
	if (p->code_given &&
	    xmlSetProp(root, BAD_CAST "code-given", BAD_CAST "1") == NULL)
		goto out;
	if (p->error != NULL) {
		snprintf(minutes, sizeof(minutes), "%d",
		    p->retry_after > 0 ? (p->retry_after + 59) / 60 : 1);
		if (xmlSetProp(root, BAD_CAST "error", BAD_CAST p->error) ==
			NULL ||
		    xmlSetProp(root, BAD_CAST "minutes", BAD_CAST minutes) ==
			NULL)
			goto out;
	}
	if (p->status != NULL) {
		st = xmlReadMemory(p->status, (int)p->status_len, NULL, "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (st == NULL ||
		    (n = xmlDocCopyNode(xmlDocGetRootElement(st), doc, 1)) ==
			NULL)
			goto out;
		xmlAddChild(root, n);
	}
	rc = web_view("status", doc, p->lang, NULL, html);
out:
	xmlFreeDoc(st);
	xmlFreeDoc(doc);
	return rc;
}
