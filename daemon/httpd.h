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

struct httpd	*httpd_start(const struct conf *, struct complaints *,
		    char *err, size_t);
/* The port actually bound (for port = 0). */
uint16_t	 httpd_port(struct httpd *);
/* Stops accepting, waits up to grace seconds for requests in flight. */
void		 httpd_drain(struct httpd *, int grace);
void		 httpd_stop(struct httpd *);

#endif /* HTTPD_H */
