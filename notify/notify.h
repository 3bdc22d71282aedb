/*
 * notify: what applicants and staff are told, and how it reaches them.
 *
 * Rendering (the notice texts through web/xsl/notice.xsl, the letter PDF, the
 * talon slip, the postal register), the MIME message, and the transports
 * that carry it (SMTP by libcurl, and a capture backend for tests), and
 * the outbox worker that takes the notification rows from the store,
 * fills these structs from them, sends and records the attempts.  Only
 * the worker (outbox.c) touches the store.
 *
 * Every function is thread-safe and keeps no state between calls except
 * in a transport handle, which one thread uses at a time.  The PDF
 * writers use Pango's default font map, one per thread: a thread that
 * writes PDFs keeps its fonts (a few hundred KiB) until it exits, so make
 * them on a long-lived worker thread, not a thread per letter.
 *
 * Return convention: 0 on success, -1 on failure with a message in err
 * (when the function takes one); a transport's send() returns enum notify_result.
 * Output buffers are the caller's, initialised with their cap; running
 * into the cap is an error, and the buffer is then left in an
 * unspecified state (reset it before reuse).
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "util/util.h"

/*
 * A notice: everything a letter or an email shows.  All strings UTF-8,
 * NULL when absent; dates YYYY-MM-DD (local), journal and outgoing
 * numbers "N/YYYY".  The struct only points: the caller owns the strings.
 */
struct notify_letter {
	const char *kind; /* "forwarded", "extended", "decision",
					   "overdue", "reminder"; "confirm"
					   and "talon" for online filing */
	const char *lang; /* "kk", "ru" or "en" */
	const char *uid;  /* UUID: the stable id of the notice,
					   Message-ID <uid@host> */
	/* The applicant. */
	const char *surname;
	const char *name;
	const char *patronymic;
	const char *address; /* postal, lines split by '\n' */
	const char *email;
	/* The body that writes. */
	const char *body_code;
	const char *body_name_kk;
	const char *body_name_ru;
	const char *body_address;
	const char *body_phones;
	const char *out_number; /* outgoing journal number */
	const char *date;	/* of the letter */
	/* The complaint. */
	const char *talon;
	const char *journal_number;
	const char *accepted_on;
	int service; /* 1..11, 0 when unknown */
	const char *service_title;
	const char *due;
	/* extended */
	const char *new_due;
	const char *extension_reason;
	/* forwarded */
	const char *forwarded_to_name;
	const char *forward_reason;
	/* decision */
	const char *outcome; /* "upheld", "partly-upheld",
					   "rejected", "explained" */
	const char *reasoning;
	const char *decided_by;
	const char *appeal_to_name; /* next level; NULL: court */
	const char *court_clause; /* "Регламент 5, 32-тармақ" */
	const char *status_url;	  /* the talon's public status page */
	/* confirm: the one-time link of a complaint filed online */
	const char *confirm_url;
	/*
	 * The letterhead's own texts (the address and phones line, the
	 * reference block beside the window, the QR code's caption), made
	 * by notify_letter_pdf from the catalogues: callers leave them
	 * NULL.  They travel to the renderer process with the letter.
	 */
	const char *head_line;
	const char *reference;
	const char *qr_caption;
};

/* Caps of what the renderers accept and produce. */
#define NOTIFY_VALUE_MAX (16 * 1024)	   /* one field of a letter */
#define NOTIFY_PDF_MAX	 (8 * 1024 * 1024) /* a PDF we write */

/*
 * The notice's subject and text in its language (kk, ru or en): its
 * facts as a document, through the stylesheet web/xsl/notice.xsl with
 * the texts of that language's catalogue (web/lang/LANG.xml), which
 * web_init() must have loaded.  A text the catalogue lacks, a fact a
 * text names and the notice lacks, an unknown kind or outcome: an error,
 * never a blank.  Appends the subject (one line, no newline) to subject
 * and the text to text.  Returns 0, or -1 with a message.
 */
int notify_text(const struct notify_letter *, struct buf *subject,
    struct buf *text, char *err, size_t errlen);

/*
 * The letter as an A4 PDF: the body's letterhead (kk and ru), the
 * outgoing number, date and talon beside the address block (labelled in
 * Kazakh and Russian from the catalogues' letter.* texts, through
 * web/xsl/notice.xsl), which sits
 * in a DL window envelope's window (20 mm from the left, 45 mm from the
 * top, 90 x 45 mm); then text, wrapped, on as many pages as it needs,
 * numbered.  Appends to pdf.  Returns 0 or -1 with a message.
 */
int notify_letter_pdf(const struct notify_letter *, const char *text,
    struct buf *pdf, char *err, size_t errlen);

#define NOTIFY_TALON_LABELS 11

/* The slip handed or posted to the applicant when a complaint is taken. */
struct notify_talon {
	const char *number; /* YYYY-NNNNNNNNN-C */
	const char *access_code;
	const char *journal_number;
	const char *body_name_kk;
	const char *body_name_ru;
	const char *accepted_at; /* ISO 8601 with offset */
	const char *registrar_name;
	const char *registrar_position;
	const char *due; /* YYYY-MM-DD */
	const char *status_url;
	const char *lang; /* "kk", "ru" or "en": the labels */
	/*
	 * When it was received, if not at accepted_at (ISO 8601 with
	 * offset; NULL: at registration): shown as the time of acceptance,
	 * with the registration time beside it.  The rule and clause that
	 * gave the due date ("state-services-2013, art. 25 p. 2"), or NULL.
	 */
	const char *received_at;
	const char *due_rule;
	/*
	 * The slip's labels, the talon.* texts of the catalogue of lang
	 * (NOTIFY_TALON_LABELS of them, in the order of talon.c), filled in
	 * by notify_talon_pdf(): callers leave them
	 * NULL.  They travel to the renderer process with the talon.
	 */
	const char *label[NOTIFY_TALON_LABELS];
};

/*
 * The talon as an A6 PDF with a QR code of the status page address.
 * Appends to pdf.  Returns 0 or -1 with a message.
 */
int notify_talon_pdf(
    const struct notify_talon *, struct buf *pdf, char *err, size_t errlen);

/* An email: headers from the fields, the texts, the letter attached. */
struct notify_mime_in {
	const char *from;      /* envelope and header address */
	const char *from_name; /* UTF-8 display name, or NULL */
	const char *to;
	const char *to_name; /* UTF-8 display name, or NULL */
	const char *subject; /* UTF-8, one line */
	time_t date;
	const char *tz;	 /* zone of the Date header; NULL: the
					   process default (tz_init) */
	const char *uid; /* Message-ID <uid@host> */
	const char *host;
	const char *text_kk;	 /* the texts, one after the other; */
	const char *text_ru;	 /* either may be NULL, not both */
	const char *in_reply_to; /* a reply (RFC 3834): the Message-ID
					   answered, without < >; then
					   Auto-Submitted: auto-replied */
	const struct buf *pdf;	 /* NULL: no attachment */
	const char *pdf_name;	 /* ASCII file name of the attachment */
};

/*
 * Writes an RFC 5322 message with CRLF line endings, composed by GMime:
 * From, To (display names RFC 2047-encoded when not plain ASCII),
 * Subject (likewise), Date, Message-ID <uid@host> (the same on every
 * resend), MIME-Version, Auto-Submitted: auto-generated; a
 * multipart/mixed body with a text/plain UTF-8 part (the texts, CRLF,
 * base64 or quoted-printable as is shorter) and the PDF (base64) as an
 * attachment.  Appends to out.  Returns 0, or -1 on a bad field (an
 * address notify_email_valid() refuses, CR or LF in a header value, a
 * uid or host that cannot be a Message-ID) or when out is full.
 */
int notify_mime(const struct notify_mime_in *, struct buf *out);

/*
 * A practical check of an email address: one '@'; a local part of
 * dot-separated atoms (no quoted strings, spaces, controls or non-ASCII)
 * of at most 64 bytes; a domain of at least two letter-digit-hyphen
 * labels whose last is not all digits; at most 254 bytes in all.
 * Returns 1 when it looks deliverable, 0 otherwise.
 */
int notify_email_valid(const char *);

/* --- Transports --- */

enum notify_result {
	NOTIFY_SENT = 0,
	NOTIFY_TEMPFAIL = 1, /* try again later: connection refused or
				   lost, timeout, a 4xx reply, the server
				   refusing our login or TLS */
	NOTIFY_PERMFAIL = 2  /* never again: a 5xx reply to the sender,
				   the recipient or the message, a bad
				   address */
};
const char *notify_result_str(enum notify_result);

enum notify_tls {
	NOTIFY_TLS_NONE = 0, /* smtp:// in the clear */
	NOTIFY_TLS_TRY,	     /* STARTTLS when offered */
	NOTIFY_TLS_REQUIRED  /* STARTTLS or fail (smtps:// is always TLS) */
};

struct notify_smtp_conf {
	const char *url; /* smtp://host[:port] or smtps:// */
	enum notify_tls tls;
	const char *user; /* AUTH; NULL: none */
	const char *password;
	const char *ca_file;	 /* NULL: the system's */
	long connect_timeout;	 /* seconds, 0: 30 */
	long timeout;		 /* seconds a message, 0: 120 */
	const char *capture_dir; /* the capture backend's folder */
};

/*
 * A transport: open() makes a handle from the configuration (which must
 * outlive it) or returns NULL; send() sends one message to one
 * recipient and writes the server's last reply or the error into detail;
 * close(NULL) is a no-op.  A handle is for one thread at a time.
 */
struct notify_transport {
	const char *name;
	void *(*open)(const struct notify_smtp_conf *);
	int (*send)(void *, const char *from, const char *to,
	    const struct buf *msg, char *detail, size_t);
	void (*close)(void *);
};

/*
 * libcurl SMTP; the connection stays open between messages.  Call
 * curl_global_init() once at start-up.
 */
extern const struct notify_transport notify_transport_smtp;
/*
 * Writes each message as capture_dir/NNNNNN-PID.eml, with Return-Path
 * and Delivered-To headers in front as a local delivery would add.
 */
extern const struct notify_transport notify_transport_capture;

/* --- The postal register --- */

struct notify_register_row {
	const char *out_number;
	const char *addressee; /* full name */
	const char *address;
	const char *talon;
};

/*
 * The day's register of posted letters as an A4 PDF (numbered rows, the
 * header repeated on every page, the total and lines for signatures).
 * Appends to pdf.  Returns 0 or -1 with a message.
 */
int notify_register_pdf(const struct notify_register_row *, size_t n,
    const char *body_name, const char *date, struct buf *pdf, char *err,
    size_t errlen);
/*
 * The same as CSV (RFC 4180: CRLF, fields quoted when needed, quotes
 * doubled), UTF-8 without a BOM, with a header line.  A field that
 * begins with = + - @ gets a leading apostrophe so that a spreadsheet
 * does not run it as a formula.  Appends to csv.  Returns 0 or -1.
 */
int notify_register_csv(
    const struct notify_register_row *, size_t n, struct buf *csv);

/* --- The renderer process --- */

/*
 * notify_letter_pdf(), notify_talon_pdf(), notify_register_pdf(): the
 * renderer process failed (died, hung, answered nonsense) and was
 * restarted.  The document itself may be fine: try again later.
 */
#define NOTIFY_RENDERER (-3)

struct notify_renderer_conf {
	const char *exe;	/* the renderer program; NULL:
					   complaints-render beside this
					   program, else the installed one */
	uid_t uid;		/* the child's user and group when */
	gid_t gid;		/* started by root; -1: keep */
	int timeout;		/* seconds an exchange may take in
					   all; 0: 30 */
	const char *test_fault; /* tests: a request containing this
					   text makes the child hang */
};

/*
 * From now on this process's PDF functions draw in a child process (see
 * notify/renderer.c): starts it and waits until it is ready.  Call it
 * once, at start-up, before the threads that draw exist and before the
 * database and keys are opened.  Returns 0, or -1 with a message.
 */
int notify_renderer_start(
    const struct notify_renderer_conf *, char *err, size_t errlen);
/* Ends the child; the PDF functions draw in this process again. */
void notify_renderer_stop(void);
/* The child's pid, 0 when none is running. */
int notify_renderer_pid(void);
/*
 * From now on, without a renderer process, this process's PDF functions
 * draw here: for the tools and tests.  Defined in the drawing library
 * (libcomplaints-draw.a: cairo, pango, libqrencode), which the daemon
 * never links; it draws in the renderer program, complaints-render.
 */
void notify_draw_here(void);

/* --- The outbox worker (outbox.c) --- */

/*
 * Delivers the notification rows the domain writes: claims, renders,
 * sends (or prepares for the post), records, on a thread of its own; it
 * reads and writes the store through db/ (a reader pool, the writer).
 * The registrar's letter and the day's postal register are made here
 * too, from the same rows.
 */
struct db;
struct db_pool;
struct db_writer;
struct routing;
struct notify_outbox;

struct notify_outbox_conf {
	struct db_pool *readers;
	struct db_writer *writer;
	const struct routing *routing; /* the court and the next
						   level, in decisions */
	const char *timezone;	       /* of bodies without their own */
	const char *status_url;	       /* ends in /; NULL: none */
	const char *smtp_url;	       /* NULL: no email */
	const char *smtp_from, *smtp_user, *smtp_password, *smtp_ca;
	int smtp_tls;		  /* enum notify_tls */
	int smtp_timeout;	  /* seconds a message may take */
	const char *mail_capture; /* a folder: capture, do not send */
	const char *mail_host;	  /* the right side of Message-IDs */
	int interval;		  /* seconds between rounds; 0: no
					   thread (notify_outbox_once only) */
	int attempts;		  /* temporary failures, then failed */
	int backoff;		  /* seconds before the first retry */
	/*
	 * Called by the writer, in the commit that records a notification
	 * of complaint_id as gone out (by email, or posted): the domain's
	 * consequences (a decision sent makes the complaint answered).
	 * Returns a DB_ code; not DB_OK rolls the record back.
	 */
	int (*delivered)(void *arg, struct db *, int64_t complaint_id,
	    const char *kind, const char *channel, const char *detail);
	void *arg;
};

/* Copies the settings; NULL when out of memory.  No thread yet. */
struct notify_outbox *notify_outbox_new(const struct notify_outbox_conf *);
/* Starts the worker thread when interval > 0; -1 when it cannot. */
int notify_outbox_start(struct notify_outbox *);
/* Wakes the worker: a notification is due now. */
void notify_outbox_kick(struct notify_outbox *);
/* Delivers what is due now; *done: how many were handled. */
int notify_outbox_once(struct notify_outbox *, int *done);
/* Stops the thread (after the message in hand) and frees. */
void notify_outbox_free(struct notify_outbox *);
/* The settings in use, defaults filled in; valid until the free. */
const struct notify_outbox_conf *
notify_outbox_settings(const struct notify_outbox *);
/* The mail transport's configuration from the settings. */
void
notify_outbox_smtp(const struct notify_outbox *, struct notify_smtp_conf *);

/* notify_outbox_letter(): no such notification. */
#define NOTIFY_NOTFOUND (-4)
/*
 * notify_outbox_letter(): the applicant's text holds a character a
 * letter cannot print (stored before the rule that refuses it).
 */
#define NOTIFY_UNPRINTABLE (-5)
/*
 * The letter of notification id as a PDF, read on db.  0, NOTIFY_NOTFOUND,
 * NOTIFY_UNPRINTABLE, NOTIFY_RENDERER, or -1; the reason in err.
 */
int notify_outbox_letter(struct notify_outbox *, struct db *, int64_t id,
    struct buf *pdf, char *err, size_t errlen);
/*
 * The postal register of a body for a day (YYYY-MM-DD): the letters
 * ready for the post, as a PDF (body_name in its title) or CSV; a letter
 * that cannot be printed is left out and logged.  0,
 * NOTIFY_RENDERER, or -1 with the reason in err.
 */
int notify_outbox_register(struct notify_outbox *, struct db *, int64_t body_id,
    const char *body_name, const char *date, int csv, struct buf *out,
    char *err, size_t errlen);

/*
 * The applicant's full name, "Surname Name Patronymic", skipping absent
 * parts.  Appends to out.  Returns 0, or -1 when no part is set or out
 * is full.
 */
int notify_full_name(const struct notify_letter *, struct buf *out);

#endif /* NOTIFY_H */
