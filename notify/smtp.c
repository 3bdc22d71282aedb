/*
 * The SMTP transport, by libcurl.
 *
 * One easy handle per transport handle: libcurl keeps the connection in
 * the handle's cache, so the messages of one run of the outbox worker go
 * over one connection (one TLS handshake, one AUTH).  The server's reply
 * lines are caught through the debug callback, so that the detail an
 * operator sees is the server's own words ("550 5.1.1 <x@y>: Recipient
 * address rejected"), not only libcurl's summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "notify/notify_int.h"

#define REPLY_MAX 512
#define ADDR_MAX  260 /* <address> + NUL */

struct smtp {
	const struct notify_smtp_conf *conf;
	CURL *curl;
	char errbuf[CURL_ERROR_SIZE];
	char reply[REPLY_MAX]; /* last */
	char bad[REPLY_MAX];   /* 4xx, 5xx */
	const struct buf *msg;
	size_t off;
};

int
notify_smtp_classify(int cc, long reply)
{
	switch (cc) {
	case CURLE_OK:
		return NOTIFY_SENT;
	/*
	 * Our login, our TLS settings, the server's certificate: nothing to
	 * do with this message, and every message would fail the same way
	 * until someone fixes the configuration.  Keep the messages.
	 */
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return NOTIFY_TEMPFAIL;
	default:
		break;
	}
	/* The server refused the sender, the recipient or the message. */
	if (reply >= 500 && reply <= 599)
		return NOTIFY_PERMFAIL;
	/* Connection refused, lost, timed out, a 4xx: later. */
	return NOTIFY_TEMPFAIL;
}

/* Keeps the server's reply lines: the last, and the last refusal. */
static int
smtp_debug(CURL *c, curl_infotype type, char *data, size_t n, void *arg)
{
	struct smtp *s = arg;
	size_t k;

	if (type != CURLINFO_HEADER_IN)
		return 0;
	/* One call may hold several lines of a multi-line reply. */
	while (n > 0) {
		for (k = 0; k < n && data[k] != '\r' && data[k] != '\n'; k++)
			;
		if (k > 0) {
			if (k >= REPLY_MAX)
				k = REPLY_MAX - 1;
			memcpy(s->reply, data, k);
			s->reply[k] = '\0';
			if (data[0] == '4' || data[0] == '5')
				memcpy(s->bad, s->reply, k + 1);
		}
		while (k < n && (data[k] == '\r' || data[k] == '\n'))
			k++;
		data += k;
		n -= k;
	}
	return 0;
}

static size_t
smtp_read(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct smtp *s = arg;
	size_t room = size * nmemb, left = s->msg->len - s->off;

	if (left < room)
		room = left;
	if (room > 0)
		memcpy(ptr, s->msg->data + s->off, room);
	s->off += room;
	return room;
}

static void
smtp_close(void *arg)
{
	struct smtp *s = arg;

	if (s == NULL)
		return;
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl); /* says QUIT */
	free(s);
}

static void *
smtp_open(const struct notify_smtp_conf *conf)
{
	struct smtp *s = NULL;
	CURL *c;
	long tls;
	int ok = 1;

	if (conf == NULL || conf->url == NULL ||
	    (strncmp(conf->url, "smtp://", 7) != 0 &&
		strncmp(conf->url, "smtps://", 8) != 0))
		goto fail;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->curl = curl_easy_init()) == NULL)
		goto fail;
	s->conf = conf;
	c = s->curl;
	switch (conf->tls) {
	case NOTIFY_TLS_TRY:
		tls = CURLUSESSL_TRY;
		break;
	case NOTIFY_TLS_REQUIRED:
		tls = CURLUSESSL_ALL;
		break;
	default:
		tls = CURLUSESSL_NONE;
		break;
	}
	ok &= curl_easy_setopt(c, CURLOPT_URL, conf->url) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps") ==
	    CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_USE_SSL, tls) == CURLE_OK;
	if (conf->user != NULL) {
		ok &= curl_easy_setopt(c, CURLOPT_USERNAME, conf->user) ==
		    CURLE_OK;
		ok &= curl_easy_setopt(c, CURLOPT_PASSWORD,
			  conf->password ? conf->password : "") == CURLE_OK;
	}
	if (conf->ca_file != NULL)
		ok &= curl_easy_setopt(c, CURLOPT_CAINFO, conf->ca_file) ==
		    CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
		  conf->connect_timeout > 0 ? conf->connect_timeout : 30L) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_TIMEOUT,
		  conf->timeout > 0 ? conf->timeout : 120L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_READFUNCTION, smtp_read) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_READDATA, s) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf) == CURLE_OK;
	/* The debug callback only sees anything with VERBOSE on. */
	ok &= curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, smtp_debug) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_DEBUGDATA, s) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_VERBOSE, 1L) == CURLE_OK;
	if (!ok)
		goto fail;
	return s;
fail:
	smtp_close(s);
	return NULL;
}

static int
smtp_send(void *arg, const char *from, const char *to, const struct buf *msg,
    char *detail, size_t dlen)
{
	struct smtp *s = arg;
	struct curl_slist *rcpt = NULL;
	char addr[ADDR_MAX];
	CURLcode cc;
	long reply = 0;
	int rc;

	if (!notify_email_valid(to)) {
		errf(detail, dlen, "bad recipient address");
		return NOTIFY_PERMFAIL;
	}
	if (!notify_email_valid(from)) {
		/* The configuration's, not the message's. */
		errf(detail, dlen, "bad sender address");
		return NOTIFY_TEMPFAIL;
	}
	snprintf(addr, sizeof(addr), "<%s>", to);
	if ((rcpt = curl_slist_append(NULL, addr)) == NULL) {
		errf(detail, dlen, "out of memory");
		return NOTIFY_TEMPFAIL;
	}
	snprintf(addr, sizeof(addr), "<%s>", from);
	s->msg = msg;
	s->off = 0;
	s->errbuf[0] = s->reply[0] = s->bad[0] = '\0';
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(
	    s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);

	cc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &reply);

	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	s->msg = NULL;

	rc = notify_smtp_classify(cc, reply);
	if (rc == NOTIFY_SENT)
		errf(detail, dlen, "%s", s->reply);
	else if (reply >= 400 && s->bad[0] != '\0' &&
	    strtol(s->bad, NULL, 10) == reply)
		errf(detail, dlen, "%s", s->bad);
	else
		errf(detail, dlen, "%s",
		    s->errbuf[0] ? s->errbuf : curl_easy_strerror(cc));
	return rc;
}

const struct notify_transport notify_transport_smtp = {
	"smtp",
	smtp_open,
	smtp_send,
	smtp_close,
};
