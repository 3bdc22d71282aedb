/*
 * complaints: the service object, registration and status.
 *
 * Registration runs in two halves: parsing and schema validation in the
 * request's thread, and the journal entry in the writer thread, inside
 * the batch transaction that group commit shares between requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "calendar/calendar.h"
#include "complaints/complaints.h"
#include "db/db.h"
#include "xmlio/xmlio.h"

#define MAX_ATTACHMENTS	100
#define TALON_TRIES	8

struct complaints {
	struct db		*wdb;
	struct db_writer	*writer;
	struct db_pool		*readers;
	struct xmlio_schemas	*schemas;
	struct cal		*cal;
	char			*timezone;
	char			*rules;
	uint8_t			 secret[32];
};

struct cx_att {
	char	*name, *media_type, *sha256;
};

/* One complaint as parsed, then as stored. */
struct cx_reg {
	struct complaints *cx;
	/* From the document. */
	char		*body, *subject_institution, *subject_name;
	char		*subject_official, *channel;
	char		*surname, *name, *patronymic, *address, *email;
	char		*phone, *representative_of, *reasons, *demands;
	char		*registrar_name, *registrar_position;
	int		 service, is_signed, has_received_at;
	time_t		 received_at;
	struct cx_att	 att[MAX_ATTACHMENTS];
	int		 natt;
	/* From the writer. */
	struct db_job	 job;
	int		 rc;
	struct cx_error	 err;
	struct db_body	 b;
	char		 talon[TALON_LEN + 1];
	char		 access_code[ACCESS_CODE_LEN + 1];
	char		 due[11];
	const char	*rules_used;
	int		 journal_year;
	int64_t		 journal_no, id;
	time_t		 accepted_at;
	/* For the synchronous wrapper. */
	pthread_mutex_t	*wait_lock;
	pthread_cond_t	*wait_cond;
	int		 finished;
	void		(*done)(void *);
	void		*done_arg;
};

void
cx_error_set(struct cx_error *e, int status, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	strlcpy_chk(e->code, code, sizeof(e->code));
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
}

/* Reads the secret key, or makes one readable by the owner only. */
static int
load_secret(const char *path, uint8_t key[32], char *err, size_t errlen)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, key, 32);
		close(fd);
		if (n != 32) {
			snprintf(err, errlen, "%s: not a 32-byte key", path);
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	randombytes_buf(key, 32);
	if (write(fd, key, 32) != 32 || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * The calendar and the rule sets: the configured files, else those beside
 * the schemas; weekends and Law No. 221 only when there are none.
 */
static int
open_calendar(struct complaints *cx, const struct complaints_conf *conf,
    char *err, size_t errlen)
{
	char cal[1024], rules[1024];

	snprintf(cal, sizeof(cal), "%s", conf->calendar_xml ?
	    conf->calendar_xml : "");
	snprintf(rules, sizeof(rules), "%s", conf->rules_xml ?
	    conf->rules_xml : "");
	if (cal[0] == '\0')
		snprintf(cal, sizeof(cal), "%s/data/calendar-kz.xml",
		    conf->schema_dir);
	if (rules[0] == '\0')
		snprintf(rules, sizeof(rules), "%s/data/rules.xml",
		    conf->schema_dir);
	if (access(cal, R_OK) == -1 && conf->calendar_xml == NULL &&
	    access(rules, R_OK) == -1 && conf->rules_xml == NULL) {
		log_warnx("calendar: no calendar data in %s/data: weekends "
		    "and Law No. 221 only", conf->schema_dir);
		cx->cal = cal_builtin();
		return cx->cal ? 0 : -1;
	}
	cx->cal = cal_load_with_overrides(cal, conf->calendar_local &&
	    *conf->calendar_local ? conf->calendar_local : NULL, rules,
	    conf->schema_dir, err, errlen);
	if (cx->cal == NULL)
		return -1;
	if (cx->rules != NULL && cal_rules_find(cx->cal, cx->rules) == NULL) {
		snprintf(err, errlen, "rules: no rule set \"%s\"", cx->rules);
		return -1;
	}
	return 0;
}

struct complaints *
complaints_open(const struct complaints_conf *conf, char *err, size_t errlen)
{
	struct complaints *cx;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return NULL;
	}
	if ((cx = calloc(1, sizeof(*cx))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cx->timezone = strdup(conf->timezone ? conf->timezone : "Asia/Almaty");
	cx->rules = conf->rules && *conf->rules ? strdup(conf->rules) : NULL;
	if (cx->timezone == NULL)
		goto oom;
	if (load_secret(conf->secret_path, cx->secret, err, errlen) == -1)
		goto fail;
	if ((cx->schemas = xmlio_schemas_load(conf->schema_dir, err,
	    errlen)) == NULL)
		goto fail;
	if (!xmlio_schemas_has(cx->schemas, "complaint")) {
		snprintf(err, errlen, "%s: no complaint.xsd", conf->schema_dir);
		goto fail;
	}
	if (open_calendar(cx, conf, err, errlen) == -1)
		goto fail;
	if ((cx->wdb = db_open(conf->db_path, DB_OPEN_WRITE, err,
	    errlen)) == NULL)
		goto fail;
	if ((cx->readers = db_pool_open(conf->db_path,
	    conf->readers > 0 ? conf->readers : 4, err, errlen)) == NULL)
		goto fail;
	if ((cx->writer = db_writer_start(cx->wdb, conf->queue_max,
	    conf->batch_max)) == NULL)
		goto oom;
	return cx;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	complaints_close(cx);
	return NULL;
}

void
complaints_close(struct complaints *cx)
{
	if (cx == NULL)
		return;
	db_writer_stop(cx->writer);
	db_pool_close(cx->readers);
	db_close(cx->wdb);
	cal_free(cx->cal);
	xmlio_schemas_free(cx->schemas);
	free(cx->timezone);
	free(cx->rules);
	sodium_memzero(cx->secret, sizeof(cx->secret));
	free(cx);
}

void
complaints_register_free(struct cx_reg *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->subject_institution);
	free(r->subject_name);
	free(r->subject_official);
	free(r->channel);
	free(r->surname);
	free(r->name);
	free(r->patronymic);
	free(r->address);
	free(r->email);
	free(r->phone);
	free(r->representative_of);
	free(r->reasons);
	free(r->demands);
	free(r->registrar_name);
	free(r->registrar_position);
	for (int i = 0; i < r->natt; i++) {
		free(r->att[i].name);
		free(r->att[i].media_type);
		free(r->att[i].sha256);
	}
	sodium_memzero(r->access_code, sizeof(r->access_code));
	free(r);
}

static char *
attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static int
xml_error(struct cx_error *e, const struct xmlio_err *xe)
{
	switch (xe->kind) {
	case XMLIO_MALFORMED:
		cx_error_set(e, 400, "malformed-xml", "%s", xe->message);
		break;
	case XMLIO_FORBIDDEN:
		cx_error_set(e, 400, "forbidden-xml", "%s", xe->message);
		break;
	case XMLIO_INVALID:
		cx_error_set(e, 400, "invalid-document", "%s", xe->message);
		break;
	case XMLIO_WRONG_DOCUMENT:
		cx_error_set(e, 400, "wrong-document", "%s", xe->message);
		break;
	default:
		cx_error_set(e, 500, "internal", "%s", xe->message);
		break;
	}
	return -1;
}

struct cx_reg *
complaints_register_begin(struct complaints *cx, const char *xml,
    size_t len, struct cx_error *e)
{
	struct xmlio_err xe;
	struct cx_reg *r = NULL;
	xmlNodePtr root, n, a;
	xmlDocPtr doc;
	long long v;
	char *s;

	if (xmlio_parse(cx->schemas, "complaint", xml, len, &doc, &xe) == -1) {
		xml_error(e, &xe);
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto oom;
	r->cx = cx;
	root = xmlDocGetRootElement(doc);
	r->body = xmlio_child_text(root, "body");
	s = xmlio_child_text(root, "service");
	if (s == NULL || parse_ll(s, 1, 11, &v) == -1) {
		free(s);
		cx_error_set(e, 400, "unknown-service",
		    "the service number must be 1 to 11");
		goto fail;
	}
	free(s);
	r->service = (int)v;
	n = xmlio_child(root, "subject");
	r->subject_institution = xmlio_child_text(n, "institution");
	r->subject_name = xmlio_child_text(n, "name");
	r->subject_official = xmlio_child_text(n, "official");
	r->channel = xmlio_child_text(root, "channel");
	if ((s = xmlio_child_text(root, "received-at")) != NULL) {
		if (iso_parse(s, &r->received_at) == -1) {
			cx_error_set(e, 400, "invalid-document", "received-at: "
			    "give a date and time with a zone, such as "
			    "2026-11-26T10:15:00+05:00");
			free(s);
			goto fail;
		}
		r->has_received_at = 1;
		free(s);
	}
	n = xmlio_child(root, "applicant");
	r->surname = xmlio_child_text(n, "surname");
	r->name = xmlio_child_text(n, "name");
	r->patronymic = xmlio_child_text(n, "patronymic");
	r->address = xmlio_child_text(n, "address");
	r->email = xmlio_child_text(n, "email");
	r->phone = xmlio_child_text(n, "phone");
	r->representative_of = xmlio_child_text(n, "representative-of");
	s = xmlio_child_text(root, "signed");
	r->is_signed = s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
	free(s);
	r->reasons = xmlio_child_text(root, "reasons");
	r->demands = xmlio_child_text(root, "demands");
	if ((n = xmlio_child(root, "attachments")) != NULL) {
		for (a = n->children; a != NULL; a = a->next) {
			if (a->type != XML_ELEMENT_NODE)
				continue;
			if (r->natt == MAX_ATTACHMENTS) {
				cx_error_set(e, 400, "too-many-attachments",
				    "at most %d attachments", MAX_ATTACHMENTS);
				goto fail;
			}
			r->att[r->natt].name = attr(a, "name");
			r->att[r->natt].media_type = attr(a, "media-type");
			r->att[r->natt].sha256 = attr(a, "sha256");
			r->natt++;
		}
	}
	n = xmlio_child(root, "registrar");
	r->registrar_name = xmlio_child_text(n, "name");
	r->registrar_position = xmlio_child_text(n, "position");
	/* The schema guarantees these; a failed copy is memory. */
	if (r->body == NULL || r->subject_name == NULL || r->channel == NULL ||
	    r->surname == NULL || r->name == NULL || r->reasons == NULL ||
	    r->demands == NULL || r->registrar_name == NULL ||
	    r->registrar_position == NULL)
		goto oom;
	for (int i = 0; i < r->natt; i++)
		if (!r->att[i].name || !r->att[i].media_type ||
		    !r->att[i].sha256)
			goto oom;
	xmlFreeDoc(doc);
	return r;
oom:
	cx_error_set(e, 500, "internal", "out of memory");
fail:
	xmlFreeDoc(doc);
	complaints_register_free(r);
	return NULL;
}

/* In the writer thread, inside a savepoint of the batch. */
static int
register_run(struct db *db, void *arg)
{
	struct cx_reg *r = arg;
	struct complaints *cx = r->cx;
	struct cal_due_in din;
	struct cal_due_out dout;
	struct db_complaint c;
	struct db_event ev;
	struct moment m;
	uint8_t ahash[32], chash[32];
	int rc, i;

	rc = db_body_by_code(db, r->body, &r->b);
	if (rc == DB_NOTFOUND) {
		cx_error_set(&r->err, 400, "unknown-body",
		    "no body with the code \"%s\"", r->body);
		return rc;
	}
	if (rc != DB_OK)
		goto dberr;
	r->accepted_at = clock_now();
	if (tz_local(r->b.tz[0] ? r->b.tz : cx->timezone, r->accepted_at,
	    &m) == -1) {
		cx_error_set(&r->err, 500, "internal",
		    "unknown time zone %s", r->b.tz);
		return DB_ERROR;
	}
	memset(&din, 0, sizeof(din));
	din.registered = m;
	din.rules = cx->rules;
	if (cal_due(cx->cal, &din, &dout) == -1) {
		cx_error_set(&r->err, 500, "internal", "no deadline rule set "
		    "for %04d-%02d-%02d", m.y, m.m, m.d);
		return DB_ERROR;
	}
	date_iso(dout.due, r->due);
	r->rules_used = dout.rules;
	r->journal_year = m.y;
	if ((rc = db_journal_next(db, r->b.id, m.y, &r->journal_no)) != DB_OK)
		goto dberr;

	access_code_generate(r->access_code);
	access_code_hash(cx->secret, r->access_code, ahash);
	memset(&c, 0, sizeof(c));
	c.talon = r->talon;
	c.access_hash = ahash;
	c.body_id = r->b.id;
	c.journal_year = r->journal_year;
	c.journal_no = r->journal_no;
	c.accepted_at = r->accepted_at;
	c.received_at = r->has_received_at ? r->received_at : r->accepted_at;
	c.channel = r->channel;
	c.service = r->service;
	c.subject_institution = r->subject_institution;
	c.subject_name = r->subject_name;
	c.subject_official = r->subject_official;
	c.surname = r->surname;
	c.name = r->name;
	c.patronymic = r->patronymic;
	c.address = r->address;
	c.email = r->email;
	c.phone = r->phone;
	c.representative_of = r->representative_of;
	c.is_signed = r->is_signed;
	c.reasons = r->reasons;
	c.demands = r->demands;
	c.registrar_name = r->registrar_name;
	c.registrar_position = r->registrar_position;
	c.rules = r->rules_used;
	c.due = r->due;
	c.state = "registered";
	for (i = 0; i < TALON_TRIES; i++) {
		talon_generate(r->journal_year, r->talon);
		rc = db_complaint_insert(db, &c, &r->id, chash);
		if (rc != DB_CONSTRAINT)
			break;
	}
	if (rc != DB_OK)
		goto dberr;
	for (i = 0; i < r->natt; i++) {
		struct db_attachment a = { r->att[i].name,
		    r->att[i].media_type, r->att[i].sha256 };

		if ((rc = db_attachment_insert(db, r->id, i + 1, &a)) != DB_OK)
			goto dberr;
	}
	memset(&ev, 0, sizeof(ev));
	ev.body_id = r->b.id;
	ev.complaint_id = r->id;
	ev.at = r->accepted_at;
	ev.actor = r->registrar_name;
	ev.action = "register";
	ev.state_after = "registered";
	if ((rc = db_event_append(db, &ev, chash)) != DB_OK)
		goto dberr;
	return DB_OK;
dberr:
	if (rc == DB_FULL || rc == DB_READONLY || rc == DB_BUSY)
		cx_error_set(&r->err, 503, "storage-unavailable", "the journal "
		    "cannot be written now (%s); nothing was registered, "
		    "try again later", db_strerror(rc));
	else
		cx_error_set(&r->err, 500, "internal", "the journal entry "
		    "could not be written (%s)", db_strerror(rc));
	return rc;
}

/* In the writer thread, after the commit. */
static void
register_done(void *arg, int rc)
{
	struct cx_reg *r = arg;

	r->rc = rc;
	if (rc != DB_OK && r->err.status == 0) {
		if (rc == DB_FULL || rc == DB_READONLY || rc == DB_BUSY)
			cx_error_set(&r->err, 503, "storage-unavailable",
			    "the journal cannot be written now (%s); nothing "
			    "was registered, try again later", db_strerror(rc));
		else
			cx_error_set(&r->err, 500, "internal", "the journal "
			    "entry could not be written (%s)", db_strerror(rc));
	}
	r->done(r->done_arg);
}

int
complaints_register_submit(struct complaints *cx, struct cx_reg *r,
    void (*done)(void *), void *arg, struct cx_error *e)
{
	int rc;

	r->done = done;
	r->done_arg = arg;
	r->job.run = register_run;
	r->job.done = register_done;
	r->job.arg = r;
	if ((rc = db_writer_submit(cx->writer, &r->job)) != DB_OK) {
		cx_error_set(e, 503, rc == DB_SHUTDOWN ? "shutting-down" :
		    "overloaded", "%s; try again later", db_strerror(rc));
		return -1;
	}
	return 0;
}

static int
out_body(struct xmlio_out *o, const struct db_body *b)
{
	if (xmlio_out_start(o, "body") == -1 ||
	    xmlio_out_attr(o, "code", b->code) == -1 ||
	    (b->name_ru[0] && xmlio_out_attr(o, "name-ru", b->name_ru) == -1) ||
	    xmlTextWriterWriteString(o->w, BAD_CAST b->name_kk) < 0 ||
	    xmlio_out_end(o) == -1)
		return -1;
	return 0;
}

/* Writes a <talon>; the access code only when given. */
static int
talon_xml(const char *tz, const char *talon, const char *access_code,
    int year, int64_t journal_no, const struct db_body *b, time_t accepted,
    const char *name, const char *position, const char *due,
    const char *rules, int service, struct buf *out, struct cx_error *e)
{
	struct xmlio_out o;
	struct moment m;
	char iso[32], num[24];

	if (tz_local(tz, accepted, &m) == -1)
		goto fail;
	moment_iso(&m, iso);
	if (xmlio_out_begin(&o, "talon") == -1 ||
	    xmlio_out_elem(&o, "number", talon) == -1 ||
	    (access_code && xmlio_out_elem(&o, "access-code",
	    access_code) == -1) ||
	    xmlio_out_start(&o, "journal-number") == -1)
		goto fail_out;
	snprintf(num, sizeof(num), "%d", year);
	if (xmlio_out_attr(&o, "year", num) == -1)
		goto fail_out;
	snprintf(num, sizeof(num), "%lld", (long long)journal_no);
	if (xmlTextWriterWriteString(o.w, BAD_CAST num) < 0 ||
	    xmlio_out_end(&o) == -1 || out_body(&o, b) == -1 ||
	    xmlio_out_elem(&o, "accepted-at", iso) == -1 ||
	    xmlio_out_start(&o, "accepted-by") == -1 ||
	    xmlio_out_elem(&o, "name", name) == -1 ||
	    xmlio_out_elem(&o, "position", position) == -1 ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_elem(&o, "due", due) == -1 ||
	    xmlio_out_elem(&o, "rules", rules) == -1 ||
	    xmlio_out_elemf(&o, "service", "%d", service) == -1 ||
	    xmlio_out_finish(&o, out) == -1)
		goto fail_out;
	return 0;
fail_out:
	xmlio_out_free(&o);
fail:
	cx_error_set(e, 500, "internal", "the talon could not be written");
	return -1;
}

int
complaints_register_result(struct complaints *cx, struct cx_reg *r,
    struct buf *out, struct cx_error *e)
{
	if (r->rc != DB_OK) {
		*e = r->err;
		return -1;
	}
	return talon_xml(r->b.tz[0] ? r->b.tz : cx->timezone, r->talon,
	    r->access_code, r->journal_year, r->journal_no, &r->b,
	    r->accepted_at, r->registrar_name, r->registrar_position, r->due,
	    r->rules_used, r->service, out, e);
}

static void
sync_done(void *arg)
{
	struct cx_reg *r = arg;

	pthread_mutex_lock(r->wait_lock);
	r->finished = 1;
	pthread_cond_signal(r->wait_cond);
	pthread_mutex_unlock(r->wait_lock);
}

int
complaints_register(struct complaints *cx, const char *xml, size_t len,
    struct buf *out, struct cx_error *e)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
	struct cx_reg *r;
	int rc;

	if ((r = complaints_register_begin(cx, xml, len, e)) == NULL)
		return -1;
	r->wait_lock = &lock;
	r->wait_cond = &cond;
	if (complaints_register_submit(cx, r, sync_done, r, e) == -1) {
		complaints_register_free(r);
		return -1;
	}
	pthread_mutex_lock(&lock);
	while (!r->finished)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	rc = complaints_register_result(cx, r, out, e);
	complaints_register_free(r);
	return rc;
}

static int
lookup(struct complaints *cx, const char *number, struct db_status *s,
    struct cx_error *e)
{
	char talon[TALON_LEN + 1];
	struct db *db;
	int rc;

	switch (talon_parse(number, talon)) {
	case TALON_MALFORMED:
		cx_error_set(e, 400, "malformed-talon-number", "a talon number "
		    "has 14 digits, such as 2026-123456789-0");
		return -1;
	case TALON_BAD_CHECK:
		cx_error_set(e, 400, "bad-check-digit", "check digit does not "
		    "match: the number was mistyped");
		return -1;
	case TALON_OK:
		break;
	}
	db = db_pool_get(cx->readers);
	rc = db_status_by_talon(db, talon, s);
	db_pool_put(cx->readers, db);
	if (rc == DB_NOTFOUND) {
		cx_error_set(e, 404, "talon-not-found", "no complaint has the "
		    "talon number %s", talon);
		return -1;
	}
	if (rc != DB_OK) {
		cx_error_set(e, 503, "storage-unavailable", "%s",
		    db_strerror(rc));
		return -1;
	}
	return 0;
}

int
complaints_status(struct complaints *cx, const char *number, struct buf *out,
    struct cx_error *e)
{
	struct db_status s;
	struct db_body b;
	struct xmlio_out o;
	struct moment m;
	char iso[32];

	if (lookup(cx, number, &s, e) == -1)
		return -1;
	if (tz_local(s.body_tz[0] ? s.body_tz : cx->timezone, s.accepted_at,
	    &m) == -1)
		goto fail;
	moment_iso(&m, iso);
	memset(&b, 0, sizeof(b));
	strlcpy_chk(b.code, s.body_code, sizeof(b.code));
	strlcpy_chk(b.name_kk, s.body_name_kk, sizeof(b.name_kk));
	strlcpy_chk(b.name_ru, s.body_name_ru, sizeof(b.name_ru));
	if (xmlio_out_begin(&o, "status") == -1 ||
	    xmlio_out_elem(&o, "number", s.talon) == -1 ||
	    xmlio_out_elem(&o, "state", s.state) == -1 ||
	    out_body(&o, &b) == -1 ||
	    xmlio_out_elem(&o, "accepted-at", iso) == -1 ||
	    xmlio_out_elem(&o, "due", s.due) == -1 ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		goto fail;
	}
	return 0;
fail:
	cx_error_set(e, 500, "internal", "the status could not be written");
	return -1;
}

int
complaints_talon(struct complaints *cx, const char *number, struct buf *out,
    struct cx_error *e)
{
	struct db_status s;
	struct db_body b;

	if (lookup(cx, number, &s, e) == -1)
		return -1;
	memset(&b, 0, sizeof(b));
	strlcpy_chk(b.code, s.body_code, sizeof(b.code));
	strlcpy_chk(b.name_kk, s.body_name_kk, sizeof(b.name_kk));
	strlcpy_chk(b.name_ru, s.body_name_ru, sizeof(b.name_ru));
	return talon_xml(s.body_tz[0] ? s.body_tz : cx->timezone, s.talon,
	    NULL, s.journal_year, s.journal_no, &b, s.accepted_at,
	    s.registrar_name, s.registrar_position, s.due, s.rules, s.service,
	    out, e);
}

int
complaints_error_xml(const struct cx_error *e, struct buf *out)
{
	struct xmlio_out o;

	if (xmlio_out_begin(&o, "error") == -1 ||
	    xmlio_out_elem(&o, "code", e->code) == -1 ||
	    xmlio_out_elem(&o, "message", e->message) == -1 ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		return -1;
	}
	return 0;
}

int
complaints_count(struct complaints *cx, int64_t *n)
{
	struct db *db = db_pool_get(cx->readers);
	int rc = db_count_complaints(db, n);

	db_pool_put(cx->readers, db);
	return rc == DB_OK ? 0 : -1;
}
