/*
 * httpd: the HTTP face of complaintsd, on libmicrohttpd.  Routes requests
 * to complaints/, caps every body, answers every failure with an <error>
 * document and the right status.
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct conf;
struct complaints;
struct httpd;

/*
 * Binds and listens on conf's address and reads the TLS certificate and
 * key, as whoever calls it (root, before it drops, for a port below 1024
 * and keys only root reads); nothing is served yet.  cx may be NULL
 * until httpd_set_complaints.  NULL with the reason in err.
 */
struct httpd *
httpd_open(const struct conf *, struct complaints *, char *err, size_t);
void httpd_set_complaints(struct httpd *, struct complaints *);
/* Starts serving on the socket httpd_open bound: 0, or -1 and err. */
int httpd_serve(struct httpd *, char *err, size_t);
/* The port actually bound (for port = 0). */
uint16_t httpd_port(struct httpd *);
/*
 * Stops accepting, waits up to grace seconds for requests in flight.
 * Returns how many still wait for the writer: then httpd_stop must not
 * be called (libmicrohttpd cannot stop with connections suspended).
 */
int httpd_drain(struct httpd *, int grace);
void httpd_stop(struct httpd *);

/*
 * The route table's match, as the access handler uses it: the index of
 * the route for method and url (HEAD finds GET), or -1; then allowed
 * lists the methods the path has, empty when it has none (404).  seg
 * and nseg get the path's segments.  Pure: fuzz/fuzz_router.c calls it.
 */
#define HTTPD_MAX_SEGMENTS 8
#define HTTPD_SEGMENT_LEN  64
int httpd_route_match(const char *method, const char *url,
    char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN], int *nseg, char *allowed,
    size_t alen);

#endif /* HTTPD_H */
