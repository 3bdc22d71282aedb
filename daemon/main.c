/*
 * complaintsd: the complaint and appeal tracking daemon.
 *
 * Start-up in a fixed order: parse the configuration; lock the data
 * folder and bind the listening socket (before going to the background,
 * so a refusal reaches the terminal); start the renderer process (before
 * the database, the keys and any thread exist, and before the outbox
 * worker could draw a letter itself); open the storage; drop privileges;
 * serve.  SIGTERM and SIGINT drain the
 * requests in flight and exit; SIGHUP is reserved for reloading
 * reference data.  The renderer is a program of its own,
 * complaints-render (notify/render.c), so that this process maps none
 * of the PDF libraries.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "complaints/complaints.h"
#include "daemon/conf.h"
#include "daemon/httpd.h"
#include "daemon/priv.h"
#include "daemon/service.h"
#include "db/db.h"
#include "notify/notify.h"
#include "util/util.h"
#include "web/web.h"
#include "xmlio/xmlio.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/usr/local/etc"
#endif
#ifndef DATADIR
#define DATADIR "/usr/local/share/complaints"
#endif

static void
usage(void)
{
	fprintf(stderr, "usage: complaintsd [-dnv] [-f file]\n");
	exit(2);
}

static int
write_port_file(const char *path, unsigned port)
{
	char tmp[1024];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		return -1;
	return 0;
}

/* The first line of a file readable by its owner only. */
static int
read_secret(const char *path, char *out, size_t size)
{
	struct stat st;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077) != 0)
		log_warnx("%s: readable by others; chmod 600 it", path);
	if (fgets(out, (int)size, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

/* The directory of bodies and institutions; a failure is logged, the
 * daemon goes on with what the store already has. */
static void
load_directory(struct complaints *cx, const struct conf *conf)
{
	struct complaints_directory_stats st;
	struct complaints_error e;
	char path[1024];

	if (conf->directory[0])
		snprintf(path, sizeof(path), "%s", conf->directory);
	else
		snprintf(path, sizeof(path), "%s/data/directory.xml",
		    conf->schema_dir);
	if (complaints_directory_load(cx, path, 0, NULL, NULL, &st, &e) == -1)
		log_warnx("directory: %s: %s", e.code, e.message);
	else if (st.unchanged)
		log_debug("directory: %s is loaded already", path);
	else
		log_info("directory: %s: %d bodies, %d institutions loaded",
		    path, st.bodies, st.institutions);
}

/*
 * The pages' stylesheets, texts and style sheets, from web_dir.  Left at its
 * default and missing there (a source tree), the folder beside
 * schema_dir is used.  -1 with the reason in err.
 */
static int
load_web(const struct conf *conf, char *err, size_t errlen)
{
	char dir[1024], err2[512];

	if (web_init(conf->web_dir, err, errlen) == 0)
		return 0;
	if (strcmp(conf->web_dir, DATADIR "/web") != 0 ||
	    (size_t)snprintf(dir, sizeof(dir), "%s/../web", conf->schema_dir) >=
		sizeof(dir) ||
	    access(dir, F_OK) == -1)
		return -1;
	if (web_init(dir, err2, sizeof(err2)) == -1) {
		snprintf(err, errlen, "%s", err2);
		return -1;
	}
	log_info("web_dir: %s is missing; using %s", conf->web_dir, dir);
	return 0;
}

/*
 * Bounds the stop: whatever still waits (a client, a mail server) when
 * shutdown_grace and a second have passed, the process ends, as a stop
 * asked for (status 0).  Everything answered is already on disk, so
 * nothing acknowledged is lost; a mail cut in flight goes again after the
 * restart with its Message-ID.
 */
static void *
stop_watchdog(void *arg)
{
	int grace = *(const int *)arg;

	sleep((unsigned)grace + 1);
	log_warnx(
	    "complaintsd: still stopping after %d s; exiting now", grace + 1);
	_exit(0);
	return NULL;
}

/*
 * The start-up's work (the pages compiled to check them, the schemas'
 * and the data's parse trees, the report's calendar) leaves megabytes
 * freed inside the heap that malloc keeps: give their pages back.
 * M_TRIM_THRESHOLD is how malloc.h says malloc_trim is there.
 */
static void
give_back(void)
{
#ifdef M_TRIM_THRESHOLD
	malloc_trim(0);
#endif
}

/*
 * Allocations of a megabyte or more (a search's merged full-text matches,
 * a request body) are mapped on their own and unmapped when freed.  By
 * default glibc raises that threshold after the first such free, so the
 * threads' heaps grow to hold the next ones and keep them: at ten million
 * complaints, sixteen searches for a common surname left the daemon at
 * 129 MiB for good; with the threshold fixed, 45 MiB after them (77 at the
 * peak), for about a fifth of the searches' rate (the pages mapped anew).
 */
static void
malloc_bounded(void)
{
#ifdef M_MMAP_THRESHOLD
	(void)mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
#endif
}

int
main(int argc, char *argv[])
{
	const char *conffile = SYSCONFDIR "/complaintsd.conf";
	struct notify_renderer_conf rc;
	struct complaints_conf cc;
	struct complaints *cx;
	struct httpd *h;
	struct conf conf;
	struct priv priv;
	char err[1024], dbpath[1024], secret[1024], smtp_password[256];
	sigset_t set;
	int ch, debug = 0, check = 0, verbose = 0, sig, grace;
	pthread_t watchdog;
	enum log_level lvl;

	while ((ch = getopt(argc, argv, "df:nv")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			conffile = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	malloc_bounded();
	log_init("complaintsd", 1, LOG_LVL_INFO);
	if (conf_load(&conf,
		access(conffile, F_OK) == 0 || check ? conffile : NULL, err,
		sizeof(err)) == -1)
		fatalx("%s", err);
	if (tz_init(conf.timezone) == -1)
		fatalx("timezone: \"%s\" is not in the time-zone database",
		    conf.timezone);
	if (priv_resolve(&conf, check, &priv, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (check) {
		struct xmlio_schemas *s;

		xmlio_init();
		if ((s = xmlio_schemas_load(
			 conf.schema_dir, err, sizeof(err))) == NULL)
			fatalx("schema_dir: %s", err);
		xmlio_schemas_free(s);
		if (load_web(&conf, err, sizeof(err)) == -1)
			fatalx("web_dir: %s", err);
		if (verbose)
			conf_dump(&conf);
		fprintf(stderr, "configuration OK\n");
		web_cleanup();
		conf_free(&conf);
		xmlio_cleanup();
		return 0;
	}
	if (load_web(&conf, err, sizeof(err)) == -1)
		fatalx("web_dir: %s", err);
	lvl = strcmp(conf.log_level, "debug") == 0 ? LOG_LVL_DEBUG :
	    strcmp(conf.log_level, "warning") == 0 ? LOG_LVL_WARN :
						     LOG_LVL_INFO;
	if (verbose)
		lvl = LOG_LVL_DEBUG;
	/* To the terminal until in the background (below). */
	log_init("complaintsd", 1, lvl);
	clock_set_offset(conf.test_clock_offset);
	if (conf.test_clock_offset != 0)
		log_warnx("test_clock_offset is %lld s: the clock is not "
			  "real; never use this in production",
		    conf.test_clock_offset);

	if (conf.test_keep_root && geteuid() == 0 && !priv.drop)
		log_warnx("test_keep_root: running as root; never use this "
			  "in production");
	snprintf(dbpath, sizeof(dbpath), "%s/complaints.db", conf.data_dir);
	snprintf(secret, sizeof(secret), "%s/secret.key", conf.data_dir);

	/* The threads inherit this mask; main takes the signals. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	/*
	 * Before going to the background, so that a refusal reaches the
	 * terminal of whoever started it: the data folder's lock (flock,
	 * kept by the child of daemon()) and the listening socket, bound
	 * as root for a port below 1024 but not served until the drop.
	 */
	if (priv_data_dir(&priv, conf.data_dir, err, sizeof(err)) == -1)
		fatalx("data_dir: %s", err);
	if (dir_lock(conf.data_dir, err, sizeof(err)) == -1)
		fatalx("data_dir: %s", err);
	if ((h = httpd_open(&conf, NULL, err, sizeof(err))) == NULL)
		fatalx("http: %s", err);
	if (!debug && !service_supervised() && daemon(1, 0) == -1)
		fatal("daemon");
	log_init("complaintsd", debug, lvl);

	memset(&rc, 0, sizeof(rc));
	rc.exe = conf.renderer[0] ? conf.renderer : NULL;
	rc.uid = priv.uid;
	rc.gid = priv.gid;
	rc.timeout = (int)conf.renderer_timeout;
	rc.test_fault = conf.test_renderer_fault[0] ? conf.test_renderer_fault :
						      NULL;
	if (notify_renderer_start(&rc, err, sizeof(err)) == -1)
		fatalx("%s", err);

	xmlio_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	smtp_password[0] = '\0';
	if (conf.smtp_password_file[0] &&
	    read_secret(conf.smtp_password_file, smtp_password,
		sizeof(smtp_password)) == -1)
		fatal("smtp_password_file: %s", conf.smtp_password_file);
	memset(&cc, 0, sizeof(cc));
	cc.db_path = dbpath;
	cc.secret_path = secret;
	cc.schema_dir = conf.schema_dir;
	cc.calendar_xml = conf.calendar[0] ? conf.calendar : NULL;
	cc.calendar_local = conf.calendar_local[0] ? conf.calendar_local : NULL;
	cc.rules_xml = conf.rules_file[0] ? conf.rules_file : NULL;
	cc.timezone = conf.timezone;
	cc.rules = conf.rules;
	cc.routing_xml = conf.routing_file[0] ? conf.routing_file : NULL;
	cc.remind_days = (int)conf.remind_days;
	cc.repeat_days = (int)conf.repeat_days;
	cc.watch_interval = (int)conf.watch_interval;
	cc.session_hours = (int)conf.session_hours;
	cc.session_idle = (int)conf.session_idle;
	cc.token_days = (int)conf.token_days;
	cc.delivery.smtp_url = conf.smtp_url;
	cc.delivery.smtp_from = conf.smtp_from;
	cc.delivery.smtp_user = conf.smtp_user;
	cc.delivery.smtp_password = smtp_password;
	cc.delivery.smtp_tls = strcmp(conf.smtp_tls, "none") == 0 ? 0 :
	    strcmp(conf.smtp_tls, "try") == 0			  ? 1 :
								    2;
	cc.delivery.smtp_ca = conf.smtp_ca;
	cc.delivery.smtp_timeout = (int)conf.smtp_timeout;
	cc.delivery.mail_capture = conf.mail_capture;
	cc.delivery.mail_host = conf.mail_host;
	cc.delivery.status_url = conf.status_url;
	cc.delivery.interval = (int)conf.notify_interval;
	cc.delivery.attempts = (int)conf.notify_attempts;
	cc.delivery.backoff = (int)conf.notify_backoff;
	cc.readers = (int)conf.readers;
	cc.reader_wait_ms = (int)conf.reader_wait_ms;
	cc.queue_max = (size_t)conf.queue_max;
	cc.batch_max = (size_t)conf.batch_max;
	cc.test_write_hold = conf.test_write_hold;
	if (conf.test_write_hold[0])
		log_warnx("test_write_hold is %s: writes wait while it "
			  "exists; never use this in production",
		    conf.test_write_hold);
	if (service_supervised())
		db_set_migrate_tick(service_migrating);
	if ((cx = complaints_open(&cc, err, sizeof(err))) == NULL)
		fatalx("storage: %s", err);
	if (priv_data_dir(&priv, conf.data_dir, err, sizeof(err)) == -1)
		fatalx("data_dir: %s", err);
	load_directory(cx, &conf);
	httpd_set_complaints(h, cx);
	if (conf.port_file[0] &&
	    write_port_file(conf.port_file, httpd_port(h)) == -1)
		fatal("port_file: %s", conf.port_file);
	/* Connections made until now wait in the socket's backlog: the
	 * first request is read by the user the daemon becomes. */
	if (priv_drop(&priv, err, sizeof(err)) == -1)
		fatalx("%s", err);
	give_back();
	if (httpd_serve(h, err, sizeof(err)) == -1)
		fatalx("http: %s", err);
	log_info("complaintsd: listening on %s:%u, data in %s, as uid %d",
	    conf.listen, httpd_port(h), conf.data_dir, (int)geteuid());
	service_ready("listening on %s:%u", conf.listen, httpd_port(h));

	for (;;) {
		if (service_sigwait(&set, &sig, cx) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("complaintsd: SIGHUP: loading the directory");
			service_reloading();
			load_directory(cx, &conf);
			if (load_web(&conf, err, sizeof(err)) == -1)
				log_warnx("web_dir: %s; the pages loaded "
					  "before stay",
				    err);
			else
				log_info("web_dir: pages and texts loaded");
			give_back();
			service_ready(
			    "listening on %s:%u", conf.listen, httpd_port(h));
			continue;
		}
		break;
	}
	log_info("complaintsd: signal %d: finishing requests in flight", sig);
	service_stopping();
	grace = (int)conf.shutdown_grace;
	if (pthread_create(&watchdog, NULL, stop_watchdog, &grace) == 0)
		pthread_detach(watchdog);
	if (httpd_drain(h, (int)conf.shutdown_grace) > 0) {
		/*
		 * Changes still wait for the disk past the grace: their
		 * clients were told nothing, and the connections, suspended,
		 * cannot be closed; end as the stop watchdog would.
		 */
		log_warnx("complaintsd: changes still wait for the disk after "
			  "%d s; exiting now",
		    grace);
		_exit(0);
	}
	httpd_stop(h);
	complaints_close(cx);
	notify_renderer_stop();
	sodium_memzero(smtp_password, sizeof(smtp_password));
	curl_global_cleanup();
	xmlio_cleanup();
	web_cleanup();
	conf_free(&conf);
	log_info("complaintsd: stopped");
	return 0;
}
