/*
 * notify: what the module's own files share.  Not for callers.
 */
#ifndef NOTIFY_INT_H
#define NOTIFY_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "notify/notify.h"

/*
 * The letterhead's texts of a letter (web/xsl/notice.xsl, part "letter"):
 * written into out, which the three pointers then point into.  0, or -1
 * with a message (a text the catalogues lack, no catalogues loaded).
 */
int notify_letter_labels(const struct notify_letter *, struct buf *out,
    const char **head_line, const char **reference, const char **qr_caption,
    char *err, size_t errlen);

/* 1 when s[0..n) is well-formed UTF-8 without C0 controls but \n \t. */
int notify_utf8_text(const char *s, size_t n);
/* YYYY-MM-DD as DD.MM.YYYY; -1 when s is not a date. */
int notify_dmy(const char *s, char out[11]);

/*
 * The postal register's labels, made from the catalogues' register.*
 * texts (Kazakh and Russian) by notify_register_pdf; the last four
 * (total, handed, received, signature) Kazakh and Russian on one line.
 */
#define NOTIFY_REG_LABELS 10
/* 1 when a register row's fields are text a register may hold. */
int notify_register_row_ok(const struct notify_register_row *);

/*
 * Drawing in this process (the drawing library's notify_draw_here()):
 * documents already labelled.  They return what the public PDF
 * functions do.
 */
struct notify_drawer {
	int (*letter)(const struct notify_letter *, const char *text,
	    struct buf *pdf, char *err, size_t errlen);
	int (*talon)(const struct notify_talon *, struct buf *pdf, char *err,
	    size_t errlen);
	int (*reg)(const struct notify_register_row *, size_t n,
	    const char *body_name, const char *date, const char *const *label,
	    struct buf *pdf, char *err, size_t errlen);
};
void notify_drawer_set(const struct notify_drawer *);
/*
 * The renderer process, when one is started (renderer.c): 1 when the PDF
 * functions must hand their documents over to it, and the drawer that
 * does.
 */
int notify_renderer_active(void);
extern const struct notify_drawer notify_renderer_drawer;

/*
 * The renderer's wire format (wire.c), both ends of the socketpair: the
 * daemon's (renderer.c) and the renderer program's (render.c).
 */
#define NOTIFY_RD_FD	    3		       /* the child's end, after exec */
#define NOTIFY_RD_REQ_MAX   (16 * 1024 * 1024) /* a request's body */
#define NOTIFY_RD_ERR_MAX   1024	       /* an error answer's body */
#define NOTIFY_RD_ROWS_MAX  100000	       /* rows of one postal register */
#define NOTIFY_RD_FAULT_MAX 64		       /* the test marker */
#define NOTIFY_RD_TIMEOUT   30 /* seconds, when not configured */

enum notify_rd_type {
	NOTIFY_RD_HELLO = 1, /* daemon -> child: uid, gid, test marker */
	NOTIFY_RD_READY,     /* child -> daemon: fonts loaded, confined */
	NOTIFY_RD_LETTER,
	NOTIFY_RD_TALON,
	NOTIFY_RD_REGISTER,
	NOTIFY_RD_OK,	/* the PDF */
	NOTIFY_RD_ERROR /* a message: the document itself is wrong */
};

struct notify_rd_head {
	uint32_t type;
	uint32_t len;
};

/* A cursor over a request's body; strings point into it. */
struct notify_rd_in {
	char *p;
	size_t left;
	int bad;
};
int notify_rd_put_u32(struct buf *, uint32_t);
int notify_rd_put_str(struct buf *, const char *); /* NULL travels too */
/* 0 or NULL, and in->bad set, past the end or on a malformed string. */
uint32_t notify_rd_get_u32(struct notify_rd_in *);
const char *notify_rd_get_str(struct notify_rd_in *);
/* A document's string members, in the order they travel. */
int notify_rd_put_letter(struct buf *, const struct notify_letter *);
void notify_rd_get_letter(struct notify_rd_in *, struct notify_letter *);
int notify_rd_put_talon(struct buf *, const struct notify_talon *);
void notify_rd_get_talon(struct notify_rd_in *, struct notify_talon *);
/*
 * One message each way, within deadline (NULL: for ever): 0, or -1 with
 * errno (ETIMEDOUT; EPIPE for the other end gone; EMSGSIZE past max).
 * notify_rd_recv resets body first; head_deadline bounds the wait for
 * the header.
 */
int notify_rd_send(int fd, uint32_t type, const void *body, size_t len,
    const struct timespec *deadline);
int
notify_rd_recv(int fd, struct notify_rd_head *, struct buf *body, size_t max,
    const struct timespec *head_deadline, const struct timespec *deadline);
/* d = now + seconds, on the monotonic clock. */
void notify_rd_deadline(struct timespec *d, int seconds);

/*
 * What a libcurl result and the server's last reply code (0: none) mean
 * for the message: enum notify_result.  Here so that the tests can check
 * the table without a network.
 */
int notify_smtp_classify(int curl_code, long reply);

#endif /* NOTIFY_INT_H */
