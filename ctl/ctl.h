/*
 * complaintctl: the registrars' command-line client.  Each subcommand is
 * a function taking its own argv (argv[0] is the subcommand's name) and
 * returning the process's exit status.
 */
#ifndef CTL_H
#define CTL_H

#include "util/util.h"

/* Exit statuses, documented in complaintctl(1). */
#define CTL_OK		0
#define CTL_REFUSED	1	/* the server refused the request (4xx) */
#define CTL_USAGE	2
#define CTL_UNAVAILABLE	3	/* unreachable, or a server error (5xx) */

/* Global options, set before a subcommand runs. */
struct ctl_opts {
	const char	*url;	/* http://127.0.0.1:8080 */
	int		 raw;	/* print the XML as it came */
};
extern struct ctl_opts ctl_opts;

/*
 * One HTTP exchange with the daemon.  body may be NULL for a GET.  The
 * response goes into out (capped); *status gets the HTTP status.
 * Returns -1 when the daemon cannot be reached.
 */
int	ctl_http(const char *method, const char *path, const char *type,
	    const char *body, size_t len, struct buf *out, long *status);
/* Prints an <error> document's code and message to stderr. */
int	ctl_report(long status, const struct buf *out);

int	cmd_register(int, char **);
int	cmd_talon(int, char **);
int	cmd_status(int, char **);
int	cmd_deadline(int, char **);

#endif /* CTL_H */
