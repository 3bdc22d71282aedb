/*
 * The renderer's wire format, both ends of the socketpair (the daemon's
 * side in renderer.c, the renderer program's in render.c): a header
 * (type, length) and a body; strings as length, bytes, NUL, and NULL as
 * UINT32_MAX; whole messages moved within a deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "notify/notify_int.h"

/* --- Encoding: strings as length, bytes, NUL; NULL as UINT32_MAX --- */

int
notify_rd_put_u32(struct buf *b, uint32_t v)
{
	return buf_add(b, &v, sizeof(v));
}

int
notify_rd_put_str(struct buf *b, const char *s)
{
	size_t n;

	if (s == NULL)
		return notify_rd_put_u32(b, UINT32_MAX);
	n = strlen(s);
	if (n >= UINT32_MAX || notify_rd_put_u32(b, (uint32_t)n) == -1)
		return -1;
	return buf_add(b, s, n + 1);
}

uint32_t
notify_rd_get_u32(struct notify_rd_in *in)
{
	uint32_t v = 0;

	if (in->bad || in->left < sizeof(v)) {
		in->bad = 1;
		return 0;
	}
	memcpy(&v, in->p, sizeof(v));
	in->p += sizeof(v);
	in->left -= sizeof(v);
	return v;
}

const char *
notify_rd_get_str(struct notify_rd_in *in)
{
	uint32_t n = notify_rd_get_u32(in);
	const char *s;

	if (in->bad || n == UINT32_MAX)
		return NULL;
	if ((size_t)n >= in->left || in->p[n] != '\0') {
		in->bad = 1;
		return NULL;
	}
	s = in->p;
	in->p += (size_t)n + 1;
	in->left -= (size_t)n + 1;
	return s;
}

/* The string members of the documents, in the order they travel. */
#define LF(m) offsetof(struct notify_letter, m)
static const size_t notify_rd_letter_fields[] = { LF(kind), LF(lang), LF(uid),
	LF(surname), LF(name), LF(patronymic), LF(address), LF(email),
	LF(body_code), LF(body_name_kk), LF(body_name_ru), LF(body_address),
	LF(body_phones), LF(out_number), LF(date), LF(talon),
	LF(journal_number), LF(accepted_on), LF(service_title), LF(due),
	LF(new_due), LF(extension_reason), LF(forwarded_to_name),
	LF(forward_reason), LF(outcome), LF(reasoning), LF(decided_by),
	LF(appeal_to_name), LF(court_clause), LF(status_url), LF(head_line),
	LF(reference), LF(qr_caption) };
#undef LF
#define TF(m) offsetof(struct notify_talon, m)
static const size_t notify_rd_talon_fields[] = { TF(number), TF(access_code),
	TF(journal_number), TF(body_name_kk), TF(body_name_ru), TF(accepted_at),
	TF(registrar_name), TF(registrar_position), TF(due), TF(status_url),
	TF(lang), TF(received_at), TF(due_rule), TF(label[0]), TF(label[1]),
	TF(label[2]), TF(label[3]), TF(label[4]), TF(label[5]), TF(label[6]),
	TF(label[7]), TF(label[8]), TF(label[9]), TF(label[10]) };
#undef TF
_Static_assert(
    NOTIFY_TALON_LABELS == 11, "notify_rd_talon_fields lists every label");
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static int
notify_rd_put_fields(
    struct buf *b, const void *doc, const size_t *off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (notify_rd_put_str(b,
			*(const char *const *)(const void *)((const char *)doc +
			    off[i])) == -1)
			return -1;
	return 0;
}

static void
notify_rd_get_fields(
    struct notify_rd_in *in, void *doc, const size_t *off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*(const char **)(void *)((char *)doc +
		    off[i]) = notify_rd_get_str(in);
}

/* --- Moving whole messages, within a deadline --- */

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	if (deadline == NULL)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

/*
 * Moves len bytes, waiting at most until deadline (NULL: for ever).
 * Returns 0, or -1 with errno: ETIMEDOUT, EPIPE for the other end gone.
 */
static int
xfer(int fd, void *p, size_t len, int out, const struct timespec *deadline)
{
	struct pollfd pfd;
	ssize_t n;
	int r;

	while (len > 0) {
		pfd.fd = fd;
		pfd.events = out ? POLLOUT : POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)ms_left(deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EPIPE;
			return -1;
		}
		p = (char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

int
notify_rd_send(int fd, uint32_t type, const void *body, size_t len,
    const struct timespec *deadline)
{
	struct notify_rd_head h;

	h.type = type;
	h.len = (uint32_t)len;
	if (xfer(fd, &h, sizeof(h), 1, deadline) == -1)
		return -1;
	return len ? xfer(fd, (void *)(uintptr_t)body, len, 1, deadline) : 0;
}

/*
 * Reads one message of at most max bytes into body (reset first).
 * head_deadline bounds the wait for the header, deadline the rest.
 */
int
notify_rd_recv(int fd, struct notify_rd_head *h, struct buf *body, size_t max,
    const struct timespec *head_deadline, const struct timespec *deadline)
{
	char chunk[16384];
	size_t left;

	buf_reset(body);
	if (xfer(fd, h, sizeof(*h), 0, head_deadline) == -1)
		return -1;
	if (h->len > max) {
		errno = EMSGSIZE;
		return -1;
	}
	for (left = h->len; left > 0;) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		if (xfer(fd, chunk, n, 0, deadline) == -1)
			return -1;
		if (buf_add(body, chunk, n) == -1) {
			errno = EMSGSIZE;
			return -1;
		}
		left -= n;
	}
	return 0;
}

void
notify_rd_deadline(struct timespec *d, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += seconds;
}

int
notify_rd_put_letter(struct buf *b, const struct notify_letter *l)
{
	return notify_rd_put_fields(
	    b, l, notify_rd_letter_fields, NFIELDS(notify_rd_letter_fields));
}

void
notify_rd_get_letter(struct notify_rd_in *in, struct notify_letter *l)
{
	notify_rd_get_fields(
	    in, l, notify_rd_letter_fields, NFIELDS(notify_rd_letter_fields));
}

int
notify_rd_put_talon(struct buf *b, const struct notify_talon *t)
{
	return notify_rd_put_fields(
	    b, t, notify_rd_talon_fields, NFIELDS(notify_rd_talon_fields));
}

void
notify_rd_get_talon(struct notify_rd_in *in, struct notify_talon *t)
{
	notify_rd_get_fields(
	    in, t, notify_rd_talon_fields, NFIELDS(notify_rd_talon_fields));
}
