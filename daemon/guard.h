/*
 * guard: what a client may make the daemon wait for.  libmicrohttpd's
 * connection_timeout counts idle time only, so a client that trickles a
 * byte now and then would keep its connection (and, a few hundred times
 * over, the daemon) for ever.  The guard gives each request a total
 * deadline for its headers and one for its body, whatever arrives in
 * between, and cuts the connection that misses one; and it refuses
 * request framings a proxy in front could read otherwise.
 *
 * Thread-safe: libmicrohttpd's threads report, one thread of the guard's
 * own watches the deadlines.
 */
#ifndef GUARD_H
#define GUARD_H

#include <microhttpd.h>

struct guard;

/*
 * Starts the watch: headers within header_s seconds of the connection
 * (or of the previous answer), a body within body_s of its headers.
 * NULL when out of memory or no thread.
 */
struct guard *guard_new(int header_s, int body_s);
/* Stops the watch; after MHD_stop_daemon. */
void guard_free(struct guard *);

/* The MHD_OPTION_NOTIFY_CONNECTION callback; cls is the guard. */
void guard_notify(void *cls, struct MHD_Connection *, void **socket_context,
    enum MHD_ConnectionNotificationCode);
/* The headers are in: the body's deadline starts. */
void guard_body(struct guard *, struct MHD_Connection *);
/* The request is in (or answered early): no deadline while it is served. */
void guard_served(struct guard *, struct MHD_Connection *);
/* The answer went out: the next request's headers have their deadline. */
void guard_next(struct guard *, struct MHD_Connection *);
/* How many times the request has a header of that name. */
int guard_header_count(struct MHD_Connection *, const char *name);
/* How many connections the guard has cut, for the log and the tests. */
unsigned long guard_cut_count(struct guard *);

/*
 * The request's framing: NULL when it is one we read the same way as any
 * proxy would, else why not (RFC 9112 section 6: Transfer-Encoding with
 * Content-Length, or a Transfer-Encoding other than chunked).  Such a
 * request is answered 400 and its connection closed.
 */
const char *guard_framing(struct MHD_Connection *);

#endif /* GUARD_H */
