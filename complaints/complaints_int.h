/* complaints: what the files of complaints/ share; not for callers. */
#ifndef COMPLAINTS_INT_H
#define COMPLAINTS_INT_H

#include <pthread.h>
#include <stdint.h>

#include "calendar/calendar.h"
#include "complaints/complaints.h"
#include "db/db.h"
#include "routing/routing.h"
#include "xmlio/xmlio.h"

#define MAX_ATTACHMENTS	100

struct complaints {
	struct db		*wdb;
	struct db_writer	*writer;
	struct db_pool		*readers;
	struct xmlio_schemas	*schemas;
	struct cal		*cal;
	struct routing		*routing;
	char			*timezone;
	char			*rules;
	uint8_t			 secret[32];
	int			 remind_days;
	int			 repeat_days;
	int			 watch_interval;
	int			 session_hours, session_idle, token_days;
	struct limit		*signin;	/* failed sign-ins */
	/* Delivery (outbox.c). */
	char			*smtp_url, *smtp_from, *smtp_user;
	char			*smtp_password, *smtp_ca, *mail_capture;
	char			*template_dir, *mail_host, *status_url;
	int			 smtp_tls, notify_interval;
	int			 notify_attempts, notify_backoff;
	int			 smtp_timeout;
	pthread_t		 outbox;
	pthread_mutex_t		 outbox_lock;
	pthread_cond_t		 outbox_cond;
	int			 outbox_running, outbox_stop, outbox_kick;
	/* The deadline watch. */
	pthread_t		 watch;
	pthread_mutex_t		 watch_lock;
	pthread_cond_t		 watch_cond;
	int			 watch_running, watch_stop;
};

/* What a new journal entry was given. */
struct cx_entry {
	int64_t		id;
	char		talon[TALON_LEN + 1];
	char		access_code[ACCESS_CODE_LEN + 1];
	char		due[11];
	const char	*rules;		/* static: from the calendar */
	int		year;
	int64_t		no;
	time_t		accepted_at;
	struct db_body	body;
	char		proposal[32];	/* the competent body, if not this */
};

/*
 * Writes a new journal entry at body b, in the writer's transaction: the
 * journal number, talon, access code, due date, attachments, the event,
 * and the repeat link.  c holds the content (and the case links); the
 * rest is filled here.  Errors go into e.
 */
int	cx_entry_insert(struct db *, struct complaints *, struct db_complaint *c,
	    const struct db_body *b, const struct db_attachment *att,
	    int natt, const char *actor, const char *action,
	    const char *detail, struct cx_entry *out, struct cx_error *e);

/* Finds by talon number; cx_resolve also takes an id. */
int	cx_lookup_talon(struct complaints *, struct db *, const char *number,
	    struct db_status *, struct cx_error *);
int	cx_resolve(struct complaints *, struct db *, const char *ref,
	    int64_t *id, struct cx_error *);

/* The deadline watch thread (watch.c). */
int	complaints_watch_start(struct complaints *);
void	complaints_watch_stop(struct complaints *);

/* Where an action leads from a state; NULL when it is not allowed. */
const char *cx_transition(const char *action, const char *state);

/* Scope (scope.c); a NULL actor is trusted.  -1 with a 403 in e. */
int	cx_may_read(struct db *, const struct cx_actor *,
	    const struct db_body *, int overdue, struct cx_error *);
/* also: a second body that may act (the next level, for an appeal). */
int	cx_may_act(const struct cx_actor *, const char *action,
	    const struct db_body *, const char *also, struct cx_error *);
int	cx_may_list(struct db *, const struct cx_actor *, const char *body,
	    int overdue, struct cx_error *);

/* The delivery worker (outbox.c). */
int	cx_outbox_start(struct complaints *);
void	cx_outbox_kick(struct complaints *);
void	cx_outbox_stop(struct complaints *);
/* The letter of a notification as a PDF. */
int	cx_letter_pdf(struct complaints *, struct db *, int64_t id,
	    struct buf *pdf, struct cx_error *);

/* Maps a storage failure to an answer. */
int	cx_db_error(struct cx_error *, int rc, const char *what);
int	cx_xml_error(struct cx_error *, const struct xmlio_err *);

/*
 * A write in flight (call.c).  A call is the first member of the
 * structure of its job, so that complaints_call_free frees the whole:
 * cleanup, when set, frees what the job holds and the job itself.
 */
struct complaints_call {
	struct db_job		 job;
	struct complaints	*cx;
	int			(*run)(struct db *, void *);	/* writer */
	void			*arg;
	struct cx_error		*err;	/* where run puts its error */
	const char		*what;	/* "the change": for messages */
	/* After the commit, in the caller's thread; NULL: nothing. */
	int			(*finish)(struct complaints_call *,
				    struct buf *, struct cx_error *);
	void			(*cleanup)(struct complaints_call *);
	int			 rc;
	void			(*done)(void *);
	void			*done_arg;
};
void	cx_call_init(struct complaints_call *, struct complaints *,
	    int (*run)(struct db *, void *), void *arg, struct cx_error *err);
/* Submits, waits for the commit, takes the result; does not free. */
int	cx_call_wait(struct complaints_call *, struct buf *out,
	    struct cx_error *);
/*
 * Runs a job on the writer and waits for its commit: for the service's
 * own threads (the watch, the outbox) and tools, never a request's.
 */
int	cx_run(struct complaints *, int (*run)(struct db *, void *), void *arg,
	    struct cx_error *e, struct cx_error *job_err);

/* A body's working hours and week. */
const struct cal_hours *cx_hours(struct complaints *, const struct db_body *);
/* Today at the body, as a date. */
struct date	cx_today(struct complaints *, const struct db_body *, time_t);

/* XML helpers shared by the documents. */
int	cx_out_body(struct xmlio_out *, const struct db_body *);
int	cx_out_time(struct xmlio_out *, const char *name, const char *tz,
	    time_t);

/* Writes a <talon>; the access code and proposal only when given. */
int	cx_talon_xml(const char *tz, const char *talon, const char *access_code,
	    int year, int64_t journal_no, const struct db_body *b,
	    time_t accepted, const char *name, const char *position,
	    const char *due, const char *rules, int service,
	    const char *proposal, struct buf *out, struct cx_error *e);

/* The key that finds repeated complaints: applicant and subject. */
void	cx_applicant_key(const char *surname, const char *name,
	    const char *address, const char *institution, const char *subject,
	    uint8_t out[32]);

/* A stable id for a notification (the email's Message-ID). */
void	cx_uid(char out[40]);

/* Queues a notification row of kind for complaint c, in the txn. */
int	cx_notify(struct db *, struct complaints *, const struct db_complaint *c,
	    const struct db_body *b, const char *kind, const char *due_by);

#endif /* COMPLAINTS_INT_H */
