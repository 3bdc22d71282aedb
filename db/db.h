/*
 * db: the storage of complaintsd.  SQLite in WAL mode with
 * synchronous=FULL; every statement is prepared once per connection;
 * SQLITE_BUSY is retried in one place (db_step in db.c).
 *
 * Functions return a DB_* code: DB_OK (0) on success.  db_strerror()
 * names a code.  No SQL lives outside this folder.
 *
 * Connections: one writer, owned by the writer thread (db_writer_*), which
 * runs jobs in batches that share one transaction and one fsync (group
 * commit); and a pool of readers for lookups.
 */
#ifndef DB_H
#define DB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum db_rc {
	DB_OK = 0,
	DB_ERROR,		/* anything unexpected; logged */
	DB_NOTFOUND,
	DB_CONSTRAINT,		/* a uniqueness or check constraint */
	DB_FULL,		/* disk full */
	DB_READONLY,		/* the file or the folder is read-only */
	DB_BUSY,		/* still locked after the retries */
	DB_QUEUE_FULL,		/* the writer queue is at its cap */
	DB_SHUTDOWN		/* the writer is stopping */
};
const char	*db_strerror(int);

struct db;

#define DB_OPEN_WRITE	0x1	/* may write; runs the migrations */

/* Opens the database at path; *err gets a message on failure. */
struct db	*db_open(const char *path, int flags, char *err, size_t);
void		 db_close(struct db *);
/* The schema version (PRAGMA user_version) this build migrates to. */
int		 db_schema_version(void);

/* Transactions on a writing connection. */
int	db_begin(struct db *);
int	db_commit(struct db *);
int	db_rollback(struct db *);
int	db_savepoint(struct db *);
int	db_release(struct db *);
int	db_rollback_savepoint(struct db *);

/* Bodies. */
struct db_body {
	int64_t	id;
	char	code[32];
	char	kind[24];
	char	name_kk[256];
	char	name_ru[256];
	char	tz[48];
};
int	db_body_by_code(struct db *, const char *code, struct db_body *);
int	db_body_by_id(struct db *, int64_t id, struct db_body *);

/* The next number of a body's journal for a year; in the caller's txn. */
int	db_journal_next(struct db *, int64_t body_id, int year, int64_t *no);

/* One journal entry as stored. */
struct db_complaint {
	int64_t		 id;
	const char	*talon;
	const uint8_t	*access_hash;	/* 32 bytes */
	int64_t		 body_id;
	int		 journal_year;
	int64_t		 journal_no;
	int64_t		 accepted_at;	/* UTC seconds */
	int64_t		 received_at;
	const char	*channel;
	int		 service;
	const char	*subject_institution;	/* may be NULL */
	const char	*subject_name;
	const char	*subject_official;	/* may be NULL */
	const char	*surname, *name, *patronymic;
	const char	*address, *email, *phone, *representative_of;
	int		 is_signed;
	const char	*reasons, *demands;
	const char	*registrar_name, *registrar_position;
	const char	*rules;
	const char	*due;		/* YYYY-MM-DD */
	const char	*state;
};
/*
 * Inserts; DB_CONSTRAINT when the talon number is taken.  hash gets the
 * BLAKE2b-256 of the entry's fixed content (everything but the state and
 * the due date, which change), which the audit trail chains.
 */
int	db_complaint_insert(struct db *, const struct db_complaint *,
	    int64_t *id, uint8_t hash[32]);

struct db_attachment {
	const char	*name;
	const char	*media_type;
	const char	*sha256;
};
int	db_attachment_insert(struct db *, int64_t complaint_id, int seq,
	    const struct db_attachment *);

/* An event of the audit trail, chained per body. */
struct db_event {
	int64_t		 body_id;
	int64_t		 complaint_id;
	int64_t		 at;
	const char	*actor;
	const char	*action;
	const char	*state_before;	/* may be NULL */
	const char	*state_after;
	const char	*detail;	/* may be NULL */
};
/* Computes the chained hash and inserts; in the caller's transaction. */
int	db_event_append(struct db *, const struct db_event *,
	    const uint8_t content_hash[32]);

/* What the status lookup returns: no personal data. */
struct db_status {
	int64_t	id;
	char	talon[20];
	char	state[32];
	char	body_code[32];
	char	body_name_kk[256];
	char	body_name_ru[256];
	char	body_tz[48];
	int64_t	accepted_at;
	char	due[11];
	int	journal_year;
	int64_t	journal_no;
	int	service;
	char	registrar_name[256];
	char	registrar_position[256];
	uint8_t	access_hash[32];
	char	rules[32];
};
int	db_status_by_talon(struct db *, const char *talon, struct db_status *);

/* Counts for the tests and the operator. */
int	db_count_complaints(struct db *, int64_t *);

/*
 * A pool of read connections with a cap.  db_pool_get blocks until one is
 * free.
 */
struct db_pool;
struct db_pool	*db_pool_open(const char *path, int n, char *err, size_t);
struct db	*db_pool_get(struct db_pool *);
void		 db_pool_put(struct db_pool *, struct db *);
void		 db_pool_close(struct db_pool *);

/*
 * The writer: one thread that owns the writing connection and runs jobs in
 * batches, each job inside a savepoint of the batch's transaction, so a
 * failing job fails alone.  done() is called for every job after the
 * batch's commit is on disk (or failed), with the job's result, from the
 * writer thread.
 */
struct db_job {
	int		(*run)(struct db *, void *arg);
	void		(*done)(void *arg, int rc);
	void		 *arg;
	int		  rc;
	struct db_job	 *next;
};
struct db_writer;
struct db_writer *db_writer_start(struct db *, size_t queue_cap,
		    size_t batch_max);
/* Queues a job; DB_QUEUE_FULL or DB_SHUTDOWN when it cannot. */
int		 db_writer_submit(struct db_writer *, struct db_job *);
/* Finishes the queued jobs, stops the thread. */
void		 db_writer_stop(struct db_writer *);
/* Batches committed and jobs run, for the statistics. */
void		 db_writer_stats(struct db_writer *, uint64_t *batches,
		    uint64_t *jobs);

#endif /* DB_H */
