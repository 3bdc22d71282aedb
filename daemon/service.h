/*
 * service: complaintsd under a service manager.  systemd's notification
 * protocol (libsystemd's sd_notify): READY once the store is open and the
 * port bound, RELOADING around SIGHUP, STOPPING on drain, and watchdog
 * pings from the main thread.  Every call is a no-op when the daemon was
 * not started by systemd with Type=notify.
 */
#ifndef SERVICE_H
#define SERVICE_H

#include <signal.h>

/* Whether a service manager waits for our notifications (no fork then). */
int service_supervised(void);
/* "READY=1" with a status line. */
void service_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void service_reloading(void);
void service_stopping(void);
/* Still starting: a migration runs (db_set_migrate_tick). */
void service_migrating(void);
/*
 * sigwait(3) for the main loop that also pings the watchdog at half its
 * interval while it waits, as long as the writer of cx (may be NULL)
 * moves: when jobs wait and none finished for a whole interval the pings
 * stop, and the service manager restarts the daemon.  Returns 0 with
 * *sig set.
 */
struct complaints;
int service_sigwait(const sigset_t *, int *sig, struct complaints *cx);

#endif /* SERVICE_H */
