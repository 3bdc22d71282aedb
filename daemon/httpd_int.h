/*
 * httpd: what the files of daemon/ that answer requests share.
 *
 * httpd.c is the plumbing: the access handler, the route table's match,
 * who may call a route, body caps, the one write path and the one place
 * that builds responses.  routes.c is the table; each route_*.c answers
 * the routes of one resource.  A handler reads the request (r->seg, the
 * query, r->body), calls complaints/ and answers through the httpd_*
 * functions below; a write hands its call to httpd_write.
 */
#ifndef HTTPD_INT_H
#define HTTPD_INT_H

#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "complaints/complaints.h"
#include "daemon/conf.h"
#include "daemon/httpd.h"
#include "util/util.h"
#include "web/web.h"

struct limit;

struct httpd {
	struct MHD_Daemon *mhd;
	struct complaints *cx;
	const struct conf *conf;
	uint16_t port;
	int fd;	   /* listening, until served */
	int first; /* a request came */
	int inflight;
	int waiting;		  /* suspended for the writer */
	struct limit *lookups;	  /* per client address */
	char *tls_cert, *tls_key; /* PEM, while serving */
	struct guard *guard;	  /* deadlines per request */
};

/* Who may call a route; the domain checks the body and the role. */
enum httpd_access {
	ACCESS_UNSET, /* a row that forgot: refused (500), see tests */
	PUBLIC,	      /* anyone */
	LIMITED,      /* anyone, within the per-address lookup limit */
	STAFF,	      /* a session or an API token */
	DESK	      /* the desk's session cookie; a page without one
			   sends the browser to /desk/login (desk.c) */
};

/* What a route reads: its content type and cap. */
enum httpd_body {
	BODY_NONE,  /* a body is refused (400) */
	BODY_XML,   /* application/xml, at most max_body */
	BODY_FORM,  /* a urlencoded form, at most HTTPD_FORM_MAX */
	BODY_PAGE,  /* a desk's urlencoded form, at most max_body */
	BODY_UPLOAD /* a form with files (multipart/form-data, or
		       urlencoded), at most HTTPD_UPLOAD_MAX */
};

/* How a route's refusals before its handler are written. */
enum httpd_answer {
	ANSWER_XML,    /* an <error> document */
	ANSWER_HTML,   /* the status page with the error */
	ANSWER_DESK,   /* a desk page: a POST must come from our Origin */
	ANSWER_OPEN311 /* Open311's <errors>, or its JSON (route_open311.c) */
};

#define HTTPD_FORM_MAX	 4096		   /* a POSTed form */
#define HTTPD_DOC_VALUES 9		   /* values of a small document */
#define HTTPD_UPLOAD_MAX (8 * 1024 * 1024) /* a form with files */

struct req;
typedef enum MHD_Result (*httpd_handler)(struct req *);

struct route {
	const char *method;
	const char *pattern; /* "*" matches one segment */
	enum httpd_access access;
	httpd_handler fn;
	enum httpd_body body;
	enum httpd_answer answer;
};

/* routes.c: every route with who may call it. */
extern const struct route httpd_routes[];
extern const size_t httpd_nroutes;

enum httpd_phase { PH_NEW, PH_BODY, PH_WAIT };

struct req {
	struct httpd *h;
	struct MHD_Connection *conn;
	const struct route *route;
	char seg[HTTPD_MAX_SEGMENTS][HTTPD_SEGMENT_LEN];
	int nseg;
	enum httpd_phase phase;
	struct buf body;
	int too_large;
	size_t dropped; /* bytes past the cap */
	/*
	 * An error answered before the body is read waits, held, until the
	 * body is in (read and dropped, up to HTTPD_DRAIN_MAX): a client
	 * still sending would otherwise see a reset, not the answer.
	 */
	int hold;
	struct MHD_Response *held;
	unsigned held_status;
	int close; /* Connection: close */
	int unexpected_body;
	int responded;
	char client[48];
	enum MHD_Result access_rc;
	struct complaints_actor actor;
	const struct complaints_actor *who; /* NULL: not signed in */
	/* A write in flight (httpd_write). */
	struct complaints_call *call;
	unsigned ok_status;
	int finished;
	/* A desk page's answer after its write, and its state (desk.c). */
	enum MHD_Result (*after)(struct req *, int rc, struct buf *,
	    const struct complaints_error *);
	void *page;
	void (*page_free)(void *);
	/* A small document's values (httpd_read_doc), kept for the call. */
	char *v[HTTPD_DOC_VALUES];
	int nv;
	/* For GET /metrics (route_metrics.c). */
	double started;
	const char *method;
	unsigned status; /* 0: not answered */
};

/*
 * Answers.  Each queues the response and returns what the access handler
 * returns.  httpd_queue adds the headers every answer has; the others
 * build on it.
 */
enum MHD_Result httpd_queue(
    struct req *, unsigned status, struct MHD_Response *, const char *type);
enum MHD_Result httpd_respond(struct req *, unsigned status, const char *type,
    const char *data, size_t len);
enum MHD_Result
httpd_respond_xml(struct req *, unsigned status, const struct buf *);
/* A 200 for the browser to save as name (resp NULL: MHD_NO). */
enum MHD_Result httpd_download(
    struct req *, struct MHD_Response *resp, const char *type, const char *name);
/* The HTTP status of a kind of failure of the domain: the one map. */
unsigned httpd_status(enum complaints_errc);
enum MHD_Result
httpd_respond_error(struct req *, const struct complaints_error *);
enum MHD_Result httpd_fail(struct req *, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The document a domain call wrote (rc 0), or its error; frees b. */
enum MHD_Result httpd_answer(struct req *, int rc, unsigned status,
    struct buf *b, const struct complaints_error *);
/* The same for a PDF, CSV or text answer. */
enum MHD_Result httpd_answer_as(struct req *, int rc, const char *type,
    struct buf *b, const struct complaints_error *);
/* 204, nothing in the body. */
enum MHD_Result httpd_no_content(struct req *);

/*
 * The one write path: suspends the connection and queues the call to
 * the writer; the writer's completion resumes the connection and the
 * answer is status with the call's document (or its error).  c NULL:
 * the call could not be made and e says why.  No request thread waits.
 */
enum MHD_Result httpd_write(struct req *, struct complaints_call *c,
    unsigned status, const struct complaints_error *e);

/* The request. */
const char *httpd_arg(struct req *, const char *name); /* NULL: none */
/* 1 when given and in range, 0 when absent, -1 with e set. */
int httpd_arg_ll(struct req *, const char *name, long long lo, long long hi,
    long long *, struct complaints_error *);
/* The paging arguments after= (an id) and limit= (1 to 500). */
int httpd_arg_page(
    struct req *, int64_t *after, int *limit, struct complaints_error *);
int httpd_arg_date(
    struct req *, const char *name, int64_t *, struct complaints_error *);
/*
 * The list's arguments, the API's and the desk inbox's alike: body=,
 * state=, service=, institution=, q=, overdue=, from=, to= (days),
 * after=, limit=.  0, or -1 with e set.
 */
int httpd_arg_list(
    struct req *, struct complaints_list_query *, struct complaints_error *);
/* Whether ?format= says format, or Accept names type. */
int httpd_wants(struct req *, const char *format, const char *type);
const char *httpd_header(struct req *, const char *name);
/* The body, never NULL. */
const char *httpd_body(struct req *);
/*
 * Reads a small document of the request into r->v (validated against
 * the schema of its name; r->v[i] the text of the root's child names[i]
 * or NULL), kept until the request ends.  -1 answered in *rc.
 */
int httpd_read_doc(struct req *, const char *name, const char *const names[],
    int n, enum MHD_Result *rc);

/* The status page's 429, written before any body is read (talons). */
enum MHD_Result route_page_too_many(struct req *, int wait);

/*
 * The desk (desk.c): who a desk request is (the session cookie, checked
 * by check_access for DESK routes), and whether a POST to a desk page
 * comes from this server's own pages (Origin).  -1: answered in
 * r->access_rc.
 */
int desk_access(struct req *);

/* The handlers, one file per resource. */
/* route_health.c */
enum MHD_Result route_health(struct req *);
/* route_complaints.c: complaints and their actions */
enum MHD_Result route_register(struct req *);
enum MHD_Result route_list(struct req *);
enum MHD_Result route_workload(struct req *);
enum MHD_Result route_record(struct req *);
enum MHD_Result route_action(struct req *);
/* route_talons.c: talons and the citizens' status page */
enum MHD_Result route_status(struct req *);
enum MHD_Result route_talon(struct req *);
enum MHD_Result route_slip(struct req *);
/*
 * The talon as text for a 42-column receipt printer (web/xsl/receipt.xsl
 * over the talon of GET /api/v1/talons/{number}/talon); the access code
 * printed only when given and right (403 otherwise).
 */
enum MHD_Result httpd_talon_receipt(
    struct req *, const char *number, const char *code, enum web_lang);
enum MHD_Result route_page_form(struct req *);
enum MHD_Result route_page_status(struct req *);
enum MHD_Result route_page_post(struct req *);
enum MHD_Result route_page_css(struct req *);
/* route_staff.c: sessions, tokens and accounts */
enum MHD_Result route_sign_in(struct req *);
enum MHD_Result route_me(struct req *);
enum MHD_Result route_sign_out(struct req *);
enum MHD_Result route_token_new(struct req *);
enum MHD_Result route_token_list(struct req *);
enum MHD_Result route_token_revoke(struct req *);
enum MHD_Result route_users(struct req *);
enum MHD_Result route_user_add(struct req *);
enum MHD_Result route_user_disable(struct req *);
enum MHD_Result route_user_password(struct req *);
/* route_notify.c: notifications and the post */
enum MHD_Result route_notifications(struct req *);
enum MHD_Result route_nt_resend(struct req *);
enum MHD_Result route_nt_to_post(struct req *);
enum MHD_Result route_nt_letter(struct req *);
enum MHD_Result route_nt_posted(struct req *);
enum MHD_Result route_post_register(struct req *);
/* route_directory.c */
enum MHD_Result route_dir_search(struct req *);
enum MHD_Result route_dir_body(struct req *);
/* route_metrics.c: GET /metrics; the count of every request, from
 * its first call (begin) to its end (done) */
enum MHD_Result route_metrics(struct req *);
void route_metrics_begin(struct req *, const char *method);
void route_metrics_done(struct req *);
/* route_desk.c: the staff desk's pages */
enum MHD_Result route_desk_login_form(struct req *);
enum MHD_Result route_desk_login(struct req *);
enum MHD_Result route_desk_logout(struct req *);
enum MHD_Result route_desk_inbox(struct req *);
enum MHD_Result route_desk_case(struct req *);
enum MHD_Result route_desk_act(struct req *);
enum MHD_Result route_desk_register_form(struct req *);
enum MHD_Result route_desk_register(struct req *);
enum MHD_Result route_desk_slip(struct req *);
enum MHD_Result route_desk_receipt(struct req *);
enum MHD_Result route_desk_post(struct req *);
enum MHD_Result route_desk_letter(struct req *);
enum MHD_Result route_desk_posted(struct req *);
enum MHD_Result route_desk_register_of_post(struct req *);
enum MHD_Result route_desk_escalation(struct req *);
enum MHD_Result route_desk_admin(struct req *);
enum MHD_Result route_desk_admin_act(struct req *);
/* route_filing.c: citizens filing online */
enum MHD_Result route_draft(struct req *);
enum MHD_Result route_draft_confirm(struct req *);
enum MHD_Result route_file_confirm_page(struct req *);
enum MHD_Result route_file_confirm(struct req *);
enum MHD_Result route_file_slip(struct req *);
enum MHD_Result route_mail(struct req *);
enum MHD_Result route_mail_list(struct req *);
enum MHD_Result route_mail_register(struct req *);
/* route_open311.c: Open311 GeoReport v2, and its errors */
enum MHD_Result route_open311_get(struct req *);
enum MHD_Result route_open311_service(struct req *);
enum MHD_Result route_open311_post(struct req *);
enum MHD_Result route_open311_error(
    struct req *, unsigned status, const struct complaints_error *);
/* route_file.c: the citizens' filing form */
enum MHD_Result route_file_page(struct req *);
enum MHD_Result route_file_post(struct req *);
/* Whether a client address is the loopback (route_metrics.c). */
int httpd_loopback(const char *addr);
/* route_journal.c: the journal export and verify */
enum MHD_Result route_journal(struct req *);
enum MHD_Result route_verify(struct req *);
/* route_backup.c: a verified copy of the store, for the administrator */
enum MHD_Result route_backup(struct req *);
/* route_reports.c: reports, their traces and charts */
enum MHD_Result route_report_summary(struct req *);
enum MHD_Result route_report_complaints(struct req *);
enum MHD_Result route_report_chart(struct req *);
/* route_desk_reports.c: the reports on the desk */
enum MHD_Result route_desk_reports(struct req *);
enum MHD_Result route_desk_report_trace(struct req *);

#endif /* HTTPD_INT_H */
