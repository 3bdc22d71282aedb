/*
 * mailgate: complaints-mailgate, the door from an MTA into complaintsd.
 * An MTA hands it one RFC 5322 message; GMime reads it (MIME structure,
 * transfer encodings, RFC 2047 and RFC 2231 names, charsets); the text,
 * the sender and the attachments go to the daemon as a <mail> document
 * (schemas/mail.xsd).
 *
 * mailgate_parse returns 0, or -1 with the reason in err (a message that
 * cannot be read: the caller exits EX_DATAERR).
 */
#ifndef MAILGATE_H
#define MAILGATE_H

#include <stddef.h>

#include "util/util.h"

#define MAILGATE_MAX_BYTES (10 * 1024 * 1024) /* a whole message */
#define MAILGATE_TEXT_MAX  100000	      /* characters of text */
#define MAILGATE_MAX_ATT   20		      /* attachments kept */

/*
 * Why no automatic reply may go to a message (RFC 3834 section 2 and
 * common practice): NULL when one may.
 */
struct mailgate_msg {
	char *message_id;     /* without < >; made up when absent */
	char *from;	      /* the sender's address */
	char *from_name;      /* UTF-8, or NULL */
	char *subject;	      /* UTF-8, or NULL */
	struct buf text;      /* UTF-8: the text, or the HTML's text */
	const char *no_reply; /* "auto-submitted", "bounce", "list", ...;
				   NULL: a reply may go */
	int natt;
	struct {
		char *name;		/* UTF-8 file name */
		const char *media_type; /* application/pdf, image/jpeg,
					   image/png: from the content */
		size_t size;
		char sha256[65];
	} att[MAILGATE_MAX_ATT];
	int left_out; /* parts of other types, not kept */
};

/*
 * Reads the message in data.  sender is the envelope sender as the MTA
 * gives it ("" or "<>" for a bounce; NULL when not given).  Fills m
 * (free it with mailgate_msg_free).
 */
int mailgate_parse(const char *data, size_t len, const char *sender,
    struct mailgate_msg *m, char *err, size_t errlen);
void mailgate_msg_free(struct mailgate_msg *);

/* The <mail> document for body (a directory code). */
int
mailgate_xml(const struct mailgate_msg *, const char *body, struct buf *out);

#endif /* MAILGATE_H */
