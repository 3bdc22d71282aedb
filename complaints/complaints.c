/*
 * complaints: the service object and what its parts share.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include <sodium.h>

#include "complaints/complaints_int.h"
#include "util/limit.h"

void
cx_error_set(struct cx_error *e, int status, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	e->retry_after = 0;
	strlcpy_chk(e->code, code, sizeof(e->code));
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	utf8_trim(e->message);
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

static int
open_routing(struct complaints *cx, const struct complaints_conf *conf,
    char *err, size_t errlen)
{
	char path[1024];

	if (conf->routing_xml && *conf->routing_xml)
		snprintf(path, sizeof(path), "%s", conf->routing_xml);
	else
		snprintf(path, sizeof(path), "%s/data/routing.xml",
		    conf->schema_dir);
	cx->routing = routing_load(path, conf->schema_dir, err, errlen);
	return cx->routing ? 0 : -1;
}

static int
copy_opt(char **dst, const char *src, const char *def)
{
	const char *v = src && *src ? src : def;

	*dst = NULL;
	if (v == NULL)
		return 0;
	return (*dst = strdup(v)) ? 0 : -1;
}

/* The delivery settings, with their defaults. */
static int
copy_delivery(struct complaints *cx, const struct complaints_conf *conf)
{
	char tdir[1024];

	snprintf(tdir, sizeof(tdir), "%s/../notify/templates",
	    conf->schema_dir);
	cx->smtp_tls = conf->smtp_tls;
	cx->smtp_timeout = conf->smtp_timeout > 0 ? conf->smtp_timeout : 60;
	cx->notify_interval = conf->notify_interval;
	cx->notify_attempts = conf->notify_attempts > 0 ?
	    conf->notify_attempts : 8;
	cx->notify_backoff = conf->notify_backoff > 0 ?
	    conf->notify_backoff : 60;
	if (copy_opt(&cx->smtp_url, conf->smtp_url, NULL) == -1 ||
	    copy_opt(&cx->smtp_from, conf->smtp_from,
	    "complaints@complaints.local") == -1 ||
	    copy_opt(&cx->smtp_user, conf->smtp_user, NULL) == -1 ||
	    copy_opt(&cx->smtp_password, conf->smtp_password, NULL) == -1 ||
	    copy_opt(&cx->smtp_ca, conf->smtp_ca, NULL) == -1 ||
	    copy_opt(&cx->mail_capture, conf->mail_capture, NULL) == -1 ||
	    copy_opt(&cx->template_dir, conf->template_dir, tdir) == -1 ||
	    copy_opt(&cx->mail_host, conf->mail_host, "complaints.local") ==
	    -1 ||
	    copy_opt(&cx->status_url, conf->status_url, NULL) == -1)
		return -1;
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
	if (open_routing(cx, conf, err, errlen) == -1)
		goto fail;
	cx->remind_days = conf->remind_days;
	cx->repeat_days = conf->repeat_days > 0 ? conf->repeat_days : 365;
	cx->watch_interval = conf->watch_interval;
	cx->session_hours = conf->session_hours > 0 ? conf->session_hours : 12;
	cx->session_idle = conf->session_idle > 0 ? conf->session_idle : 30;
	cx->token_days = conf->token_days > 0 ? conf->token_days : 365;
	if (copy_delivery(cx, conf) == -1)
		goto oom;
	if ((cx->signin = limit_new(4096, 1, 1)) == NULL)
		goto oom;
	if ((cx->wdb = db_open(conf->db_path, DB_OPEN_WRITE, err,
	    errlen)) == NULL)
		goto fail;
	if ((cx->readers = db_pool_open(conf->db_path,
	    conf->readers > 0 ? conf->readers : 4, err, errlen)) == NULL)
		goto fail;
	if ((cx->writer = db_writer_start(cx->wdb, conf->queue_max,
	    conf->batch_max)) == NULL)
		goto oom;
	if (conf->test_write_hold && *conf->test_write_hold)
		db_writer_hold(cx->writer, conf->test_write_hold);
	if (complaints_watch_start(cx) == -1 || cx_outbox_start(cx) == -1)
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
	complaints_watch_stop(cx);
	cx_outbox_stop(cx);
	db_writer_stop(cx->writer);
	db_pool_close(cx->readers);
	db_close(cx->wdb);
	cal_free(cx->cal);
	routing_free(cx->routing);
	limit_free(cx->signin);
	free(cx->smtp_url);
	free(cx->smtp_from);
	free(cx->smtp_user);
	if (cx->smtp_password)
		sodium_memzero(cx->smtp_password, strlen(cx->smtp_password));
	free(cx->smtp_password);
	free(cx->smtp_ca);
	free(cx->mail_capture);
	free(cx->template_dir);
	free(cx->mail_host);
	free(cx->status_url);
	xmlio_schemas_free(cx->schemas);
	free(cx->timezone);
	free(cx->rules);
	sodium_memzero(cx->secret, sizeof(cx->secret));
	free(cx);
}


int
cx_db_error(struct cx_error *e, int rc, const char *what)
{
	if (rc == DB_FULL || rc == DB_READONLY || rc == DB_BUSY)
		cx_error_set(e, 503, "storage-unavailable", "%s: the journal "
		    "cannot be written now (%s); nothing was changed, try "
		    "again later", what, db_strerror(rc));
	else if (rc == DB_QUEUE_FULL || rc == DB_SHUTDOWN)
		cx_error_set(e, 503, rc == DB_SHUTDOWN ? "shutting-down" :
		    "overloaded", "%s; try again later", db_strerror(rc));
	else
		cx_error_set(e, 500, "internal", "%s: %s", what,
		    db_strerror(rc));
	return -1;
}

int
cx_xml_error(struct cx_error *e, const struct xmlio_err *xe)
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

const struct cal_hours *
cx_hours(struct complaints *cx, const struct db_body *b)
{
	const struct cal_hours *h = NULL;

	if (b->hours[0])
		h = cal_hours_for(cx->cal, b->hours);
	else if (strcmp(b->kind, "institution") != 0)
		h = cal_hours_for(cx->cal, "office");
	return h ? h : &cal_hours_office;
}

struct date
cx_today(struct complaints *cx, const struct db_body *b, time_t t)
{
	struct moment m;
	struct date d = { 1970, 1, 1 };

	if (tz_local(b && b->tz[0] ? b->tz : cx->timezone, t, &m) == 0) {
		d.y = m.y;
		d.m = m.m;
		d.d = m.d;
	}
	return d;
}

int
cx_out_body(struct xmlio_out *o, const struct db_body *b)
{
	if (xmlio_out_start(o, "body") == -1 ||
	    xmlio_out_attr(o, "code", b->code) == -1 ||
	    (b->name_ru[0] && xmlio_out_attr(o, "name-ru", b->name_ru) == -1) ||
	    xmlTextWriterWriteString(o->w, BAD_CAST b->name_kk) < 0 ||
	    xmlio_out_end(o) == -1)
		return -1;
	return 0;
}

int
cx_out_time(struct xmlio_out *o, const char *name, const char *tz, time_t t)
{
	struct moment m;
	char iso[32];

	if (tz_local(tz, t, &m) == -1)
		return -1;
	moment_iso(&m, iso);
	return xmlio_out_elem(o, name, iso);
}

static locale_t
utf8_locale(void)
{
	static locale_t loc;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&lock);
	if (loc == (locale_t)0)
		loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	pthread_mutex_unlock(&lock);
	return loc;
}

/*
 * Lower case, letters and digits only, one space between words, in the
 * C.UTF-8 locale of this thread only (uselocale), so Kazakh and Russian
 * letters fold as they should.
 */
static void
key_part(crypto_generichash_state *hs, const char *s)
{
	locale_t loc = utf8_locale(), old = (locale_t)0;
	mbstate_t ps;
	char out[MB_LEN_MAX], norm[2048];
	size_t n, len = 0, k;
	wchar_t wc;
	int space = 0;

	if (loc != (locale_t)0)
		old = uselocale(loc);
	memset(&ps, 0, sizeof(ps));
	for (; s && *s && len + MB_LEN_MAX + 1 < sizeof(norm); s += n) {
		n = mbrtowc(&wc, s, MB_LEN_MAX, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			break;
		if (!iswalnum((wint_t)wc)) {
			space = 1;
			continue;
		}
		if (space && len > 0)
			norm[len++] = ' ';
		space = 0;
		k = wcrtomb(out, (wchar_t)towlower((wint_t)wc), &ps);
		if (k != (size_t)-1) {
			memcpy(norm + len, out, k);
			len += k;
		}
	}
	if (loc != (locale_t)0)
		uselocale(old);
	crypto_generichash_update(hs, (const unsigned char *)norm, len);
	crypto_generichash_update(hs, (const unsigned char *)"|", 1);
}

void
cx_applicant_key(const char *surname, const char *name, const char *address,
    const char *institution, const char *subject, uint8_t out[32])
{
	crypto_generichash_state hs;

	crypto_generichash_init(&hs, NULL, 0, 32);
	key_part(&hs, surname);
	key_part(&hs, name);
	key_part(&hs, address);
	/* The institution's code when known, else the name as written. */
	key_part(&hs, institution && *institution ? institution : subject);
	crypto_generichash_final(&hs, out, 32);
}

void
cx_uid(char out[40])
{
	uint8_t r[16];

	randombytes_buf(r, sizeof(r));
	r[6] = (uint8_t)((r[6] & 0x0f) | 0x40);	/* a version 4 UUID */
	r[8] = (uint8_t)((r[8] & 0x3f) | 0x80);
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

int
complaints_read_doc(struct complaints *cx, const char *name, const char *xml,
    size_t len, const char *const names[], char *values[], int n,
    struct cx_error *e)
{
	struct xmlio_err xe;
	xmlDocPtr doc;
	xmlNodePtr root;

	for (int i = 0; i < n; i++)
		values[i] = NULL;
	if (xmlio_parse(cx->schemas, name, xml, len, &doc, &xe) == -1)
		return cx_xml_error(e, &xe);
	root = xmlDocGetRootElement(doc);
	for (int i = 0; i < n; i++)
		values[i] = xmlio_child_text(root, names[i]);
	xmlFreeDoc(doc);
	return 0;
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
