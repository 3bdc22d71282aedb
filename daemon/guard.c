/*
 * guard: total deadlines for a request's headers and body, and the
 * framings refused.  See guard.h.
 *
 * Each connection libmicrohttpd opens gets an entry (its socket context)
 * with a deadline; a thread of the guard looks every GUARD_TICK_MS and
 * shuts down the socket of each entry past its deadline.  libmicrohttpd
 * then sees the connection end and closes it itself, in its own thread.
 * The entry leaves the list, under the lock, before libmicrohttpd closes
 * the descriptor (its "closed" notice comes first), so the guard never
 * touches a descriptor that has been reused.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "daemon/guard.h"
#include "util/util.h"

#define GUARD_TICK_MS 200

enum phase { WAIT_HEADERS, WAIT_BODY, SERVING };

struct entry {
	struct entry *prev, *next;
	MHD_socket fd;
	enum phase phase;
	int64_t deadline; /* ms, monotonic; 0: none */
	int cut;
};

struct guard {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int started, stop;
	int64_t header_ms, body_ms;
	struct entry *head;
	unsigned long cuts;
};

static void *
watch(void *arg)
{
	struct guard *g = arg;
	struct timespec until;
	int64_t now;

	pthread_mutex_lock(&g->lock);
	while (!g->stop) {
		now = mono_ms();
		for (struct entry *e = g->head; e != NULL; e = e->next) {
			if (e->cut || e->deadline == 0 || now < e->deadline)
				continue;
			/* libmicrohttpd sees the end and closes it. */
			shutdown(e->fd, SHUT_RDWR);
			e->cut = 1;
			g->cuts++;
			log_debug("http: a client missed its deadline for the "
				  "%s; connection cut",
			    e->phase == WAIT_HEADERS ? "headers" : "body");
		}
		mono_deadline(&until, GUARD_TICK_MS);
		pthread_cond_timedwait(&g->cond, &g->lock, &until);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

struct guard *
guard_new(int header_s, int body_s)
{
	struct guard *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->header_ms = (int64_t)header_s * 1000;
	g->body_ms = (int64_t)body_s * 1000;
	pthread_mutex_init(&g->lock, NULL);
	mono_cond_init(&g->cond);
	if (pthread_create(&g->thread, NULL, watch, g) != 0) {
		guard_free(g);
		return NULL;
	}
	g->started = 1;
	return g;
}

void
guard_free(struct guard *g)
{
	struct entry *e;

	if (g == NULL)
		return;
	if (g->started) {
		pthread_mutex_lock(&g->lock);
		g->stop = 1;
		pthread_cond_signal(&g->cond);
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->thread, NULL);
	}
	/* Left only when the daemon never closed them; not ours to close. */
	while ((e = g->head) != NULL) {
		g->head = e->next;
		free(e);
	}
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->cond);
	free(g);
}

/* Moves the connection's entry to phase, with its deadline from now. */
static void
set_phase(struct guard *g, struct MHD_Connection *conn, enum phase p)
{
	const union MHD_ConnectionInfo *ci;
	struct entry *e;

	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (g == NULL || ci == NULL || (e = ci->socket_context) == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	e->phase = p;
	e->deadline = p == WAIT_HEADERS ? mono_ms() + g->header_ms :
	    p == WAIT_BODY		? mono_ms() + g->body_ms :
					  0;
	pthread_mutex_unlock(&g->lock);
}

void
guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	const union MHD_ConnectionInfo *ci;
	struct guard *g = cls;
	struct entry *e;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(
		    conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		/* Out of memory: this connection has the idle timeout only. */
		if (ci == NULL || (e = calloc(1, sizeof(*e))) == NULL)
			return;
		e->fd = ci->connect_fd;
		e->phase = WAIT_HEADERS;
		e->deadline = mono_ms() + g->header_ms;
		pthread_mutex_lock(&g->lock);
		e->next = g->head;
		if (g->head != NULL)
			g->head->prev = e;
		g->head = e;
		pthread_mutex_unlock(&g->lock);
		*socket_context = e;
		return;
	}
	if ((e = *socket_context) == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		g->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	pthread_mutex_unlock(&g->lock);
	free(e);
	*socket_context = NULL;
}

void
guard_body(struct guard *g, struct MHD_Connection *conn)
{
	set_phase(g, conn, WAIT_BODY);
}

void
guard_served(struct guard *g, struct MHD_Connection *conn)
{
	set_phase(g, conn, SERVING);
}

void
guard_next(struct guard *g, struct MHD_Connection *conn)
{
	set_phase(g, conn, WAIT_HEADERS);
}

unsigned long
guard_cut_count(struct guard *g)
{
	unsigned long n;

	pthread_mutex_lock(&g->lock);
	n = g->cuts;
	pthread_mutex_unlock(&g->lock);
	return n;
}

struct count {
	const char *name;
	int n;
};

static enum MHD_Result
count_one(
    void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct count *c = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, c->name) == 0)
		c->n++;
	return MHD_YES;
}

int
guard_header_count(struct MHD_Connection *conn, const char *name)
{
	struct count c = { name, 0 };

	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_one, &c);
	return c.n;
}

const char *
guard_framing(struct MHD_Connection *conn)
{
	const char *te, *cl;
	size_t n;

	te = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (te == NULL)
		return NULL;
	cl = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL)
		return "Transfer-Encoding and Content-Length together";
	while (*te == ' ' || *te == '\t')
		te++;
	n = strlen(te);
	while (n > 0 && (te[n - 1] == ' ' || te[n - 1] == '\t'))
		n--;
	if (guard_header_count(conn, MHD_HTTP_HEADER_TRANSFER_ENCODING) != 1 ||
	    n != 7 || strncasecmp(te, "chunked", 7) != 0)
		return "a Transfer-Encoding other than chunked";
	return NULL;
}
