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

int
service_sigwait(const sigset_t *set, int *sig)
{
	struct timespec ts;
	uint64_t usec = 0;
	int s;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return sigwait(set, sig) == 0 ? 0 : -1;
	usec /= 2;
	for (;;) {
		sd_notify(0, "WATCHDOG=1");
		ts.tv_sec = (time_t)(usec / 1000000);
		ts.tv_nsec = (long)(usec % 1000000) * 1000;
		if ((s = sigtimedwait(set, NULL, &ts)) > 0) {
			*sig = s;
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
	}
}
