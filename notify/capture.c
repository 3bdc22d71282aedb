/*
 * The capture transport: each message becomes a file in a folder, as a
 * local delivery would leave it.  For tests, and for a trial run of a
 * new installation before it is allowed to send mail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notify/notify_int.h"

struct capture {
	const char *dir;
};

/* Shared by every handle of the process: names never collide. */
static atomic_uint capture_seq;

static void *
capture_open(const struct notify_smtp_conf *conf)
{
	struct capture *c;
	struct stat st;

	if (conf == NULL || conf->capture_dir == NULL ||
	    stat(conf->capture_dir, &st) == -1 || !S_ISDIR(st.st_mode))
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->dir = conf->capture_dir;
	return c;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
capture_send(void *arg, const char *from, const char *to, const struct buf *msg,
    char *detail, size_t dlen)
{
	struct capture *c = arg;
	char tmp[4096], path[4096];
	struct buf head;
	unsigned seq;
	int fd, rc = NOTIFY_TEMPFAIL, n;

	buf_init(&head, 1024);
	if (!notify_email_valid(to)) {
		errf(detail, dlen, "bad recipient address");
		rc = NOTIFY_PERMFAIL;
		goto out;
	}
	if (!notify_email_valid(from)) {
		errf(detail, dlen, "bad sender address");
		goto out;
	}
	seq = atomic_fetch_add(&capture_seq, 1) + 1;
	n = snprintf(
	    path, sizeof(path), "%s/%06u-%ld.eml", c->dir, seq, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errf(detail, dlen, "capture folder name too long");
		goto out;
	}
	if (buf_printf(&head, "Return-Path: <%s>\r\nDelivered-To: %s\r\n", from,
		to) == -1)
		goto out;
	/* Written aside and renamed: a reader never sees half a message. */
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
	    -1) {
		errf(detail, dlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write_all(fd, head.data, head.len) == -1 ||
	    write_all(fd, msg->data, msg->len) == -1) {
		errf(detail, dlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) == -1) {
		errf(detail, dlen, "%s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) == -1) {
		errf(detail, dlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	errf(detail, dlen, "captured as %s", path);
	rc = NOTIFY_SENT;
out:
	buf_free(&head);
	return rc;
}

static void
capture_close(void *arg)
{
	free(arg);
}

const struct notify_transport notify_transport_capture = {
	"capture",
	capture_open,
	capture_send,
	capture_close,
};
