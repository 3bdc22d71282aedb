/*
 * complaintctl: the registrars' command-line client.  Each subcommand is
 * a function taking its own argv (argv[0] is the subcommand's name) and
 * returning the process's exit status.
 */
#ifndef CTL_H
#define CTL_H

#include <stdio.h>
#include <sys/types.h>

#include <libxml/tree.h>

#include <curl/curl.h>

#include "util/util.h"

/* Exit statuses, documented in complaintctl(1). */
#define CTL_OK		0
#define CTL_REFUSED	1 /* the server refused the request (4xx) */
#define CTL_USAGE	2
#define CTL_UNAVAILABLE 3 /* unreachable, or a server error (5xx) */

/* Global options, set before a subcommand runs. */
struct ctl_opts {
	const char *url; /* http://127.0.0.1:8080 */
	int raw;	 /* print the XML as it came */
};
extern struct ctl_opts ctl_opts;

/*
 * One HTTP exchange with the daemon.  body may be NULL for a GET.  The
 * response goes into out (capped); *status gets the HTTP status.
 * Returns -1 when the daemon cannot be reached.
 */
int ctl_http(const char *method, const char *path, const char *type,
    const char *body, size_t len, struct buf *out, long *status);
/*
 * A GET whose 2xx answer is written to out as it arrives, never held in
 * memory; any other answer goes into err (capped) for ctl_report.
 * Returns 0, -1 when the daemon cannot be reached or the transfer broke
 * off (reported), -2 when out cannot be written (errno says why).
 */
int ctl_http_stream(const char *path, const char *accept, FILE *out,
    struct buf *err, long *status);
/*
 * A GET streamed into file (NULL or "-": the standard output) through a
 * temporary file beside it, renamed when the whole answer came; errors
 * reported naming cmd.  Returns the exit status.
 */
int ctl_download(
    const char *cmd, const char *path, const char *accept, const char *file);
/* The same, the file made with mode (0600: none but its owner reads). */
int ctl_download_mode(const char *cmd, const char *path, const char *accept,
    const char *file, mode_t mode);
/*
 * Prints an <error> document's code and message to stderr; returns the
 * exit status for that HTTP status.
 */
int ctl_report(long status, const struct buf *out);
/*
 * One exchange: the answer printed as "name: value" lines when its
 * status is expect, else reported.  Returns the exit status.
 */
int ctl_exchange(
    const char *method, const char *path, const struct buf *body, long expect);
/* An answer parsed, or NULL.  Caller frees with xmlFreeDoc. */
xmlDocPtr ctl_parse(const struct buf *);
/*
 * The same, but with -x, or when the answer is not XML (said on
 * stderr), prints it as received and returns NULL.
 */
xmlDocPtr ctl_parse_or_dump(const char *cmd, const struct buf *);
/*
 * Prints a document as "name: value" lines, nested elements as "outer
 * inner: value" (-x: as received).
 */
void ctl_print_doc(const struct buf *);
/* The elements below n so, each name after prefix. */
void ctl_print_tree(const char *prefix, xmlNodePtr n);
/* A leaf element: "name: text (code)/year", code and year attributes. */
void ctl_print_leaf(const char *name, xmlNodePtr n);
/* Prints a usage message on stderr; returns CTL_USAGE. */
int ctl_usage(const char *text);
/*
 * For "complaintctl CMD VERB [options]": moves argv on by one so that the
 * verb stands where getopt_long expects the program's name, makes
 * getopt_long start afresh, and returns the verb.
 */
const char *ctl_verb_args(int *argc, char ***argv);
/* An attribute's value, or "" (never NULL); dies out of memory. */
char *ctl_attr(xmlNodePtr, const char *name);
/* "name: text", the text's further lines indented. */
void ctl_print_value(const char *name, const char *text);
/* Percent-encodes s into out; -1 when it does not fit. */
int ctl_escape(const char *s, char *out, size_t len);
/* Appends ?name=value or &name=value, encoded; value NULL: nothing. */
int ctl_query_add(struct buf *, const char *name, const char *value);
/*
 * A complaint's id, or a talon number in its canonical form, as typed;
 * -1 (reported, naming cmd) when it is neither or mistyped.
 */
int ctl_ref(const char *cmd, const char *in, char *out, size_t len);

/*
 * Reports a getopt_long error (optstring starting with ':'): ch is what
 * it returned.  Returns CTL_USAGE.
 */
int ctl_bad_option(const char *cmd, int ch, char **argv);

/*
 * Adds "Authorization: Bearer TOKEN" when a token is known: from
 * $COMPLAINTS_TOKEN, else the file complaintctl login wrote.
 */
struct curl_slist *ctl_auth(struct curl_slist *);
/*
 * The folder of the installed schemas and data files:
 * $COMPLAINTS_SHARE_DIR, else $COMPLAINTS_DATADIR (its old name, with a
 * warning on stderr), else the folder set at build time.  Never NULL.
 */
const char *ctl_share_dir(void);

int cmd_login(int, char **);
int cmd_notify(int, char **);
int cmd_post(int, char **);
int cmd_slip(int, char **);
int cmd_logout(int, char **);
int cmd_token(int, char **);
int cmd_user(int, char **);
int cmd_register(int, char **);
int cmd_report(int, char **);
int cmd_talon(int, char **);
int cmd_status(int, char **);
int cmd_deadline(int, char **);

/* The actions on a complaint: argv[0] names which (cmd_action.c). */
int cmd_action(int, char **);

int cmd_case(int, char **);
int cmd_list(int, char **);
int cmd_overdue(int, char **);
int cmd_journal(int, char **);
int cmd_verify(int, char **);
int cmd_directory(int, char **);
/* backup and restore: argv[0] names which (cmd_backup.c). */
int cmd_backup(int, char **);

#endif /* CTL_H */
