/*
 * complaints: the service.  Opens the store, the key, the schemas, the
 * calendar and the routing rules, starts the writer, the deadline watch
 * and the delivery worker, and stops them in the reverse order.  Nothing
 * in complaints/ calls this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "complaints/complaints_int.h"
#include "util/limit.h"

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
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) ==
		-1) {
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

	snprintf(cal, sizeof(cal), "%s",
	    conf->calendar_xml ? conf->calendar_xml : "");
	snprintf(
	    rules, sizeof(rules), "%s", conf->rules_xml ? conf->rules_xml : "");
	if (cal[0] == '\0')
		snprintf(cal, sizeof(cal), "%s/data/calendar-kz.xml",
		    conf->schema_dir);
	if (rules[0] == '\0')
		snprintf(rules, sizeof(rules), "%s/data/rules.xml",
		    conf->schema_dir);
	if (access(cal, R_OK) == -1 && conf->calendar_xml == NULL &&
	    access(rules, R_OK) == -1 && conf->rules_xml == NULL) {
		log_warnx("calendar: no calendar data in %s/data: weekends "
			  "and Law No. 221 only",
		    conf->schema_dir);
		cx->cal = cal_builtin();
		return cx->cal ? 0 : -1;
	}
	cx->cal = cal_load_with_overrides(cal,
	    conf->calendar_local && *conf->calendar_local ?
		conf->calendar_local :
		NULL,
	    rules, conf->schema_dir, err, errlen);
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

/* The delivery worker of notify/, with its settings and defaults. */
static int
open_outbox(struct complaints *cx, const struct complaints_conf *conf)
{
	struct notify_outbox_conf oc;
	oc = conf->delivery;
	oc.readers = cx->readers;
	oc.writer = cx->writer;
	oc.routing = cx->routing;
	oc.timezone = cx->timezone;
	oc.delivered = complaints_delivered;
	oc.arg = cx;
	if ((cx->outbox = notify_outbox_new(&oc)) == NULL)
		return -1;
	cx->mail = notify_outbox_settings(cx->outbox);
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
	if ((cx->schemas = xmlio_schemas_load(conf->schema_dir, err, errlen)) ==
	    NULL)
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
	if (conf->delivery.status_url && *conf->delivery.status_url &&
	    (cx->status_url = strdup(conf->delivery.status_url)) == NULL)
		goto oom;
	if ((cx->signin = limit_new(4096, 1, 1)) == NULL)
		goto oom;
	if ((cx->wdb = db_open(conf->db_path, DB_OPEN_WRITE, err, errlen)) ==
	    NULL)
		goto fail;
	if ((cx->readers = db_pool_open(conf->db_path,
		 conf->readers > 0 ? conf->readers : 4,
		 conf->reader_wait_ms > 0 ? conf->reader_wait_ms : 2000, err,
		 errlen)) == NULL)
		goto fail;
	if ((cx->writer = db_writer_start(
		 cx->wdb, conf->queue_max, conf->batch_max)) == NULL)
		goto oom;
	if (report_open(cx, err, errlen) == -1)
		goto fail;
	if (conf->test_write_hold && *conf->test_write_hold)
		db_writer_hold(cx->writer, conf->test_write_hold);
	if (open_outbox(cx, conf) == -1 ||
	    notify_outbox_start(cx->outbox) == -1 ||
	    complaints_watch_start(cx) == -1 ||
	    complaints_filing_start(cx) == -1)
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
	complaints_filing_stop(cx);
	notify_outbox_free(cx->outbox);
	db_writer_stop(cx->writer);
	db_pool_close(cx->readers);
	db_close(cx->wdb);
	cal_free(cx->cal);
	routing_free(cx->routing);
	limit_free(cx->signin);
	free(cx->status_url);
	xmlio_schemas_free(cx->schemas);
	free(cx->timezone);
	free(cx->rules);
	sodium_memzero(cx->secret, sizeof(cx->secret));
	free(cx);
}
