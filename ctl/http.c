/* complaintctl: HTTP with libcurl, and printing the answers. */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define CTL_MAX_RESPONSE	(16 * 1024 * 1024)

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_add(b, p, size * n) == -1)
		return 0;	/* over the cap: abort the transfer */
	return size * n;
}

int
ctl_http(const char *method, const char *path, const char *type,
    const char *body, size_t len, struct buf *out, long *status)
{
	struct curl_slist *hdr = NULL;
	char url[2048], h[256];
	CURLcode rc;
	CURL *c;

	buf_init(out, CTL_MAX_RESPONSE);
	snprintf(url, sizeof(url), "%s%s", ctl_opts.url, path);
	if ((c = curl_easy_init()) == NULL)
		return -1;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	hdr = curl_slist_append(hdr, "Accept: application/xml");
	if (body != NULL) {
		snprintf(h, sizeof(h), "Content-Type: %s", type);
		hdr = curl_slist_append(hdr, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	else
		fprintf(stderr, "complaintctl: %s: %s\n", url,
		    curl_easy_strerror(rc));
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

int
ctl_report(long status, const struct buf *out)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	char *code = NULL, *msg = NULL;

	doc = xmlReadMemory(out->data ? out->data : "", (int)out->len,
	    "response.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root && strcmp((const char *)root->name, "error") == 0) {
		code = xmlio_child_text(root, "code");
		msg = xmlio_child_text(root, "message");
	}
	fprintf(stderr, "complaintctl: %ld %s: %s\n", status,
	    code ? code : "error", msg ? msg : "the server gave no reason");
	free(code);
	free(msg);
	xmlFreeDoc(doc);
	return status >= 500 ? CTL_UNAVAILABLE : CTL_REFUSED;
}
