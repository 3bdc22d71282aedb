/*
 * service: sd_notify(3) for complaintsd.  See service.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "complaints/complaints.h"
#include "daemon/service.h"
#include "util/util.h"

int
service_supervised(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s != NULL && *s != '\0';
}

void
service_ready(const char *fmt, ...)
{
	char status[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(status, sizeof(status), fmt, ap);
	va_end(ap);
	utf8_trim(status);
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
service_reloading(void)
{
	struct timespec ts;

	/* systemd 253 and later want the moment of the reload. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
		(unsigned long long)ts.tv_nsec / 1000ULL);
}

void
service_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=finishing requests in flight");
}

static uint64_t now_usec(void);

/*
 * A migration of a large journal (an index made over every complaint)
 * can take minutes, longer than the start timeout: each call, at most
 * every five seconds, gives two more minutes from now.
 */
void
service_migrating(void)
{
	static uint64_t last;
	uint64_t now = now_usec();

	if (last != 0 && now - last < 5000000)
		return;
	last = now;
	sd_notify(0,
	    "EXTEND_TIMEOUT_USEC=120000000\n"
	    "STATUS=migrating the database");
}

static uint64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Whether the writer moved within the last interval (or has no work). */
static int
writer_moves(struct complaints *cx, uint64_t interval)
{
	static uint64_t last_done, since;
	static int stalled;
	uint64_t done, pending, now = now_usec();

	if (cx == NULL)
		return 1;
	complaints_writer_progress(cx, &done, &pending);
	if (pending == 0 || done != last_done || since == 0) {
		if (stalled)
			log_warnx("writer: moving again; telling the "
				  "watchdog");
		last_done = done;
		since = now;
		stalled = 0;
		return 1;
	}
	if (now - since < interval)
		return 1;
	if (!stalled)
		log_warnx("writer: %llu jobs waiting, none finished for %llu "
			  "ms: the watchdog is no longer told",
		    (unsigned long long)pending,
		    (unsigned long long)((now - since) / 1000));
	stalled = 1;
	return 0;
}

int
service_sigwait(const sigset_t *set, int *sig, struct complaints *cx)
{
	struct timespec ts;
	uint64_t usec = 0, half;
	int s;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return sigwait(set, sig) == 0 ? 0 : -1;
	half = usec / 2;
	for (;;) {
		if (writer_moves(cx, usec))
			sd_notify(0, "WATCHDOG=1");
		ts.tv_sec = (time_t)(half / 1000000);
		ts.tv_nsec = (long)(half % 1000000) * 1000;
		if ((s = sigtimedwait(set, NULL, &ts)) > 0) {
			*sig = s;
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}
