/* complaintctl: HTTP with libcurl, and printing the answers. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "complaints/complaints.h"
#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define CTL_MAX_RESPONSE (16 * 1024 * 1024)
#define CTL_MAX_ERROR	 (64 * 1024) /* an <error> while streaming */
#define CTL_MAX_URL	 2048

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_add(b, p, size * n) == -1)
		return 0; /* over the cap: abort the transfer */
	return size * n;
}

/* The options every exchange has; -1 when the URL is too long. */
static int
setup(CURL *c, const char *method, const char *path, char *url, size_t len)
{
	const char *ca;

	if ((size_t)snprintf(url, len, "%s%s", ctl_opts.url, path) >= len) {
		fprintf(stderr, "complaintctl: %s%s: URL too long\n",
		    ctl_opts.url, path);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	/* A private CA, such as a district office's self-signed one. */
	if ((ca = getenv("COMPLAINTS_CACERT")) != NULL && *ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	return 0;
}

int
ctl_http(const char *method, const char *path, const char *type,
    const char *body, size_t len, struct buf *out, long *status)
{
	struct curl_slist *hdr = NULL;
	char url[CTL_MAX_URL], h[256];
	CURLcode rc;
	CURL *c;

	buf_init(out, CTL_MAX_RESPONSE);
	if ((c = curl_easy_init()) == NULL)
		return -1;
	if (setup(c, method, path, url, sizeof(url)) == -1) {
		curl_easy_cleanup(c);
		return -1;
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	hdr = curl_slist_append(hdr, "Accept: application/xml");
	hdr = ctl_auth(hdr);
	if (body != NULL) {
		snprintf(h, sizeof(h), "Content-Type: %s", type);
		hdr = curl_slist_append(hdr, h);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(
		    c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
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

struct stream {
	CURL *c;
	FILE *out;
	struct buf *err;
	long status;
	int write_failed;
	int saved_errno; /* why the write failed */
};

/*
 * A 2xx answer goes to the file as it arrives; anything else is an
 * <error> document, kept (capped) for ctl_report.
 */
static size_t
on_stream(char *p, size_t size, size_t n, void *arg)
{
	struct stream *s = arg;
	size_t len = size * n;

	if (s->status == 0)
		curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, &s->status);
	if (s->status >= 200 && s->status < 300) {
		if (fwrite(p, 1, len, s->out) != len) {
			s->saved_errno = errno;
			s->write_failed = 1;
			return 0;
		}
		return len;
	}
	if (buf_add(s->err, p, len) == -1)
		return 0;
	return len;
}

int
ctl_http_stream(const char *path, const char *accept, FILE *out,
    struct buf *err, long *status)
{
	struct curl_slist *hdr = NULL;
	struct stream s;
	char url[CTL_MAX_URL], h[256];
	CURLcode rc;
	int ret = 0;

	buf_init(err, CTL_MAX_ERROR);
	memset(&s, 0, sizeof(s));
	s.out = out;
	s.err = err;
	if ((s.c = curl_easy_init()) == NULL)
		return -1;
	if (setup(s.c, "GET", path, url, sizeof(url)) == -1) {
		curl_easy_cleanup(s.c);
		return -1;
	}
	curl_easy_setopt(s.c, CURLOPT_WRITEFUNCTION, on_stream);
	curl_easy_setopt(s.c, CURLOPT_WRITEDATA, &s);
	/* A year's journal may take a while: give up only when it stalls. */
	curl_easy_setopt(s.c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(s.c, CURLOPT_LOW_SPEED_TIME, 60L);
	snprintf(h, sizeof(h), "Accept: %s", accept);
	hdr = curl_slist_append(hdr, h);
	hdr = ctl_auth(hdr);
	curl_easy_setopt(s.c, CURLOPT_HTTPHEADER, hdr);
	rc = curl_easy_perform(s.c);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(s.c, CURLINFO_RESPONSE_CODE, status);
		if (fflush(out) == EOF) {
			s.saved_errno = errno;
			s.write_failed = 1;
		}
	} else if (!s.write_failed)
		fprintf(stderr, "complaintctl: %s: %s\n", url,
		    curl_easy_strerror(rc));
	if (s.write_failed)
		ret = -2;
	else if (rc != CURLE_OK)
		ret = -1;
	curl_slist_free_all(hdr);
	curl_easy_cleanup(s.c);
	if (ret == -2)
		errno = s.saved_errno;
	return ret;
}

int
ctl_report(long status, const struct buf *out)
{
	xmlDocPtr doc;
	xmlNodePtr root;
	char *code = NULL, *msg = NULL;

	doc = xmlReadMemory(out->data ? out->data : "", (int)out->len,
	    "response.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
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

xmlDocPtr
ctl_parse(const struct buf *b)
{
	if (b->data == NULL || b->len == 0 || b->len > INT_MAX)
		return NULL;
	return xmlReadMemory(b->data, (int)b->len, "response.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

void
ctl_print_value(const char *name, const char *text)
{
	const char *p = text ? text : "", *nl;

	printf("%s: ", name);
	/* A text of several lines: the following ones indented. */
	while ((nl = strchr(p, '\n')) != NULL) {
		printf("%.*s\n  ", (int)(nl - p), p);
		p = nl + 1;
	}
	printf("%s\n", p);
}

xmlDocPtr
ctl_parse_or_dump(const char *cmd, const struct buf *b)
{
	xmlDocPtr doc = NULL;

	if (!ctl_opts.raw && (doc = ctl_parse(b)) == NULL)
		fprintf(stderr,
		    "complaintctl: %s: the answer is not "
		    "well-formed XML; printed as received\n",
		    cmd);
	if (doc == NULL && b->len > 0)
		fwrite(b->data, 1, b->len, stdout);
	return doc;
}

int
ctl_usage(const char *text)
{
	fputs(text, stderr);
	return CTL_USAGE;
}

const char *
ctl_verb_args(int *argc, char ***argv)
{
	(*argc)--;
	(*argv)++;
	optind = 0; /* getopt_long afresh: see main() */
	return (*argv)[0];
}

char *
ctl_attr(xmlNodePtr n, const char *name)
{
	char *s = xmlio_prop(n, name);

	if (s == NULL && xmlHasProp(n, BAD_CAST name) != NULL)
		fatalx("out of memory");
	return s != NULL ? s : xstrdup("");
}

void
ctl_print_leaf(const char *name, xmlNodePtr n)
{
	xmlChar *code = xmlGetProp(n, BAD_CAST "code");
	xmlChar *year = xmlGetProp(n, BAD_CAST "year");
	char *t = xmlio_child_text(n, NULL);

	if (code != NULL || year != NULL)
		printf("%s: %s%s%s%s%s%s\n", name, t ? t : "", code ? " (" : "",
		    code ? (const char *)code : "", code ? ")" : "",
		    year ? "/" : "", year ? (const char *)year : "");
	else
		ctl_print_value(name, t);
	free(t);
	xmlFree(code);
	xmlFree(year);
}

/*
 * Prints each element of a document as "name: text" lines, the elements
 * within elements as "outer inner: text".
 */
static void
print_tree(const char *prefix, xmlNodePtr n)
{
	char name[256];
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		snprintf(name, sizeof(name), "%s%s%s", prefix,
		    *prefix ? " " : "", (const char *)c->name);
		if (xmlio_child(c, NULL) != NULL)
			print_tree(name, c);
		else
			ctl_print_leaf(name, c);
	}
}

void
ctl_print_doc(const struct buf *b)
{
	xmlDocPtr doc;
	xmlNodePtr root;

	if (ctl_opts.raw || (doc = ctl_parse(b)) == NULL) {
		if (b->len > 0)
			fwrite(b->data, 1, b->len, stdout);
		return;
	}
	if ((root = xmlDocGetRootElement(doc)) != NULL)
		print_tree("", root);
	xmlFreeDoc(doc);
}

void
ctl_print_tree(const char *prefix, xmlNodePtr n)
{
	print_tree(prefix, n);
}

int
ctl_exchange(
    const char *method, const char *path, const struct buf *body, long expect)
{
	struct buf out;
	long status = 0;
	int rc;

	if (ctl_http(method, path, "application/xml", body ? body->data : NULL,
		body ? body->len : 0, &out, &status) == -1) {
		buf_free(&out);
		return CTL_UNAVAILABLE;
	}
	if (status == expect) {
		ctl_print_doc(&out);
		rc = CTL_OK;
	} else
		rc = ctl_report(status, &out);
	buf_free(&out);
	return rc;
}

/* Percent-encoded; caller frees with curl_free(). */
static char *
escape(const char *s)
{
	CURL *c;
	char *e;

	/* Older libcurl wants a handle, though it does not use it. */
	if ((c = curl_easy_init()) == NULL)
		return NULL;
	e = curl_easy_escape(c, s, 0);
	curl_easy_cleanup(c);
	return e;
}

int
ctl_escape(const char *s, char *out, size_t len)
{
	char *e;
	int rc = 0;

	if ((e = escape(s)) == NULL)
		return -1;
	if (strlcpy_chk(out, e, len) == -1)
		rc = -1;
	curl_free(e);
	return rc;
}

int
ctl_query_add(struct buf *q, const char *name, const char *value)
{
	char *e;
	int rc;

	if (value == NULL)
		return 0;
	if ((e = escape(value)) == NULL)
		return -1;
	rc = buf_printf(
	    q, "%c%s=%s", q->data && strchr(q->data, '?') ? '&' : '?', name, e);
	curl_free(e);
	return rc;
}

int
ctl_ref(const char *cmd, const char *in, char *out, size_t len)
{
	char t[TALON_LEN + 1];
	long long id;

	/* A complaint's id is a short number; a talon has 14 digits. */
	if (strlen(in) < 14 && parse_ll(in, 1, INT64_MAX, &id) == 0) {
		snprintf(out, len, "%lld", id);
		return 0;
	}
	switch (complaints_talon_parse(in, t)) {
	case TALON_MALFORMED:
		fprintf(stderr,
		    "complaintctl: %s: %s: neither a complaint's "
		    "id nor a talon number (14 digits, such as "
		    "2026-123456789-0)\n",
		    cmd, in);
		return -1;
	case TALON_BAD_CHECK:
		fprintf(stderr,
		    "complaintctl: %s: %s: check digit does not "
		    "match: the number was mistyped\n",
		    cmd, in);
		return -1;
	case TALON_OK:
		break;
	}
	return strlcpy_chk(out, t, len);
}

/*
 * A temporary file beside path, so that a failed download leaves path as
 * it was.  *f gets it opened; tmp its name.
 */
static int
download_tmp(const char *cmd, const char *path, char *tmp, size_t len,
    mode_t mode, FILE **f)
{
	int fd;

	if ((size_t)snprintf(tmp, len, "%s.XXXXXX", path) >= len) {
		fprintf(
		    stderr, "complaintctl: %s: %s: name too long\n", cmd, path);
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "complaintctl: %s: %s: %s\n", cmd, path,
		    strerror(errno));
		return -1;
	}
	fchmod(fd, mode);
	if ((*f = fdopen(fd, "wb")) == NULL) {
		fprintf(stderr, "complaintctl: %s: %s: %s\n", cmd, tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
ctl_download(
    const char *cmd, const char *path, const char *accept, const char *file)
{
	mode_t um = umask(0);

	umask(um);
	return ctl_download_mode(cmd, path, accept, file, 0666 & ~um);
}

int
ctl_download_mode(const char *cmd, const char *path, const char *accept,
    const char *file, mode_t mode)
{
	char tmp[1024];
	struct buf err;
	long status = 0;
	FILE *f = stdout;
	int r, rc;

	if (file != NULL && strcmp(file, "-") != 0 &&
	    download_tmp(cmd, file, tmp, sizeof(tmp), mode, &f) == -1)
		return CTL_REFUSED;
	buf_init(&err, 0);
	r = ctl_http_stream(path, accept, f, &err, &status);
	if (r == -2)
		fprintf(stderr, "complaintctl: %s: %s: %s\n", cmd,
		    f == stdout ? "standard output" : file, strerror(errno));
	if (r == 0 && status != 200)
		rc = ctl_report(status, &err);
	else
		rc = r == 0 ? CTL_OK : r == -2 ? CTL_REFUSED : CTL_UNAVAILABLE;
	buf_free(&err);
	if (f == stdout)
		return rc;
	if (fclose(f) == EOF && rc == CTL_OK) {
		fprintf(stderr, "complaintctl: %s: %s: %s\n", cmd, file,
		    strerror(errno));
		rc = CTL_REFUSED;
	}
	if (rc == CTL_OK && rename(tmp, file) == -1) {
		fprintf(stderr, "complaintctl: %s: %s: %s\n", cmd, file,
		    strerror(errno));
		rc = CTL_REFUSED;
	}
	if (rc != CTL_OK)
		unlink(tmp);
	return rc;
}
