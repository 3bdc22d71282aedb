/*
 * complaints-mailgate: one message from the MTA on standard input, the
 * body's code as the argument; posts the message to complaintsd.  Exit
 * codes are sysexits(3) so that the MTA retries what may succeed later
 * and returns the rest to the sender with the reason written here.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <curl/curl.h>
#include <gmime/gmime.h>

#include "mailgate/mailgate.h"
#include "xmlio/xmlio.h"

#define ANSWER_MAX (64 * 1024)

static void
usage(void)
{
	fprintf(stderr,
	    "usage: complaints-mailgate [-f sender] [-u url] "
	    "[-t token-file] [-T seconds] body\n");
	exit(EX_USAGE);
}

int
mailgate_xml(const struct mailgate_msg *m, const char *body, struct buf *out)
{
	struct xmlio_out o;
	char size[32];

	if (xmlio_out_begin(&o, "mail") == -1 ||
	    xmlio_out_elem(&o, "body", body) == -1 ||
	    xmlio_out_elem(&o, "message-id", m->message_id) == -1 ||
	    xmlio_out_elem(&o, "from", m->from) == -1 ||
	    (m->from_name &&
		xmlio_out_elem(&o, "from-name", m->from_name) == -1) ||
	    (m->subject && xmlio_out_elem(&o, "subject", m->subject) == -1) ||
	    xmlio_out_elem(&o, "text", m->text.len ? m->text.data : "") == -1 ||
	    (m->no_reply && xmlio_out_elem(&o, "no-reply", m->no_reply) == -1))
		goto fail;
	if (m->natt > 0 || m->left_out > 0) {
		if (xmlio_out_start(&o, "attachments") == -1)
			goto fail;
		if (m->left_out > 0) {
			snprintf(size, sizeof(size), "%d", m->left_out);
			if (xmlio_out_attr(&o, "left-out", size) == -1)
				goto fail;
		}
		for (int i = 0; i < m->natt; i++) {
			snprintf(size, sizeof(size), "%zu", m->att[i].size);
			if (xmlio_out_start(&o, "attachment") == -1 ||
			    xmlio_out_attr(&o, "name", m->att[i].name) == -1 ||
			    xmlio_out_attr(
				&o, "media-type", m->att[i].media_type) == -1 ||
			    xmlio_out_attr(&o, "size", size) == -1 ||
			    xmlio_out_attr(&o, "sha256", m->att[i].sha256) ==
				-1 ||
			    xmlio_out_end(&o) == -1)
				goto fail;
		}
		if (xmlio_out_end(&o) == -1)
			goto fail;
	}
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	return -1;
}

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;

	if (buf_add(b, p, size * n) == -1)
		return 0; /* past the cap: the transfer fails */
	return size * n;
}

/* The message of an <error> answer, for stderr. */
static void
error_message(const struct buf *b, char *out, size_t len)
{
	const char *s, *e;

	out[0] = '\0';
	if (b->len == 0 || (s = strstr(b->data, "<message>")) == NULL ||
	    (e = strstr(s, "</message>")) == NULL)
		return;
	s += strlen("<message>");
	snprintf(out, len, "%.*s", (int)(e - s) < 400 ? (int)(e - s) : 400, s);
}

static int
post(const char *url, const char *token, long timeout, const struct buf *doc)
{
	struct curl_slist *h = NULL;
	struct buf answer;
	char auth[600], msg[420];
	CURLcode cc;
	CURL *c;
	long status = 0;
	int rc;

	buf_init(&answer, ANSWER_MAX);
	if ((c = curl_easy_init()) == NULL) {
		fprintf(stderr, "complaints-mailgate: curl: cannot start\n");
		return EX_TEMPFAIL;
	}
	h = curl_slist_append(h,
	    "Content-Type: application/xml; "
	    "charset=utf-8");
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, doc->data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)doc->len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	error_message(&answer, msg, sizeof(msg));
	if (cc != CURLE_OK) {
		fprintf(stderr, "complaints-mailgate: %s: %s\n", url,
		    curl_easy_strerror(cc));
		rc = EX_TEMPFAIL;
	} else if (status == 200 || status == 201) {
		rc = EX_OK;
	} else if (status == 401 || status == 403) {
		fprintf(stderr, "complaints-mailgate: %s: %ld: %s\n", url,
		    status, msg[0] ? msg : "refused");
		rc = EX_NOPERM;
	} else if (status == 429 || status >= 500) {
		fprintf(stderr, "complaints-mailgate: %s: %ld: %s\n", url,
		    status, msg[0] ? msg : "try again later");
		rc = EX_TEMPFAIL;
	} else {
		fprintf(stderr,
		    "complaints-mailgate: the message was refused: "
		    "%s\n",
		    msg[0] ? msg : "bad request");
		rc = status == 404 ? EX_NOUSER : EX_DATAERR;
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	buf_free(&answer);
	return rc;
}

static char *
read_token(const char *path)
{
	char line[512];
	FILE *f;
	size_t n;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "complaints-mailgate: %s: %s\n", path,
		    strerror(errno));
		exit(EX_CONFIG);
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0) {
		fprintf(stderr, "complaints-mailgate: %s: empty\n", path);
		exit(EX_CONFIG);
	}
	return strdup(line);
}

int
main(int argc, char *argv[])
{
	const char *sender = NULL, *base = "http://127.0.0.1:8080";
	char *token = NULL, err[512], url[1024];
	struct mailgate_msg m;
	struct buf in, doc;
	long timeout = 60;
	char chunk[65536];
	size_t n;
	int ch, rc;

	while ((ch = getopt(argc, argv, "f:u:t:T:")) != -1) {
		switch (ch) {
		case 'f':
			sender = optarg;
			break;
		case 'u':
			base = optarg;
			break;
		case 't':
			token = read_token(optarg);
			break;
		case 'T':
			timeout = strtol(optarg, NULL, 10);
			if (timeout < 1 || timeout > 3600)
				usage();
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || strlen(argv[optind]) > 31)
		usage();
	snprintf(url, sizeof(url), "%s/api/v1/mail", base);
	memset(&m, 0, sizeof(m));
	buf_init(&in, MAILGATE_MAX_BYTES);
	buf_init(&doc, MAILGATE_TEXT_MAX * 8 + 64 * 1024);
	g_mime_init();
	rc = EX_DATAERR;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (buf_add(&in, chunk, n) == -1) {
			fprintf(stderr,
			    "complaints-mailgate: the message is "
			    "larger than %d MiB; send the complaint with "
			    "smaller attachments, or by post\n",
			    MAILGATE_MAX_BYTES / (1024 * 1024));
			goto out;
		}
	if (ferror(stdin)) {
		fprintf(stderr, "complaints-mailgate: stdin: %s\n",
		    strerror(errno));
		rc = EX_IOERR;
		goto out;
	}
	if (mailgate_parse(in.data ? in.data : "", in.len, sender, &m, err,
		sizeof(err)) == -1) {
		fprintf(stderr, "complaints-mailgate: unreadable message: %s\n",
		    err);
		goto out;
	}
	buf_free(&in);
	if (mailgate_xml(&m, argv[optind], &doc) == -1) {
		fprintf(stderr,
		    "complaints-mailgate: the message cannot be "
		    "written as a document\n");
		goto out;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = post(url, token, timeout, &doc);
	curl_global_cleanup();
out:
	buf_free(&in);
	mailgate_msg_free(&m);
	buf_free(&doc);
	free(token);
	g_mime_shutdown();
	return rc;
}
