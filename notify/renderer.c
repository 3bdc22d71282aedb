/*
 * The daemon's side of the renderer process (the program itself:
 * complaints-render, notify/render.c).
 *
 * The daemon starts it with notify_renderer_start() before it opens the
 * database: a fork and an exec of the renderer program, opened once at
 * start, so that the child begins with a clean address space (no key, no
 * database page, no session in memory) and with one descriptor, its end
 * of a socketpair, as fd 3.  The daemon itself never maps cairo, pango
 * or libqrencode.
 *
 * Messages both ways are a header (type, length) and a body, each capped
 * (NOTIFY_RD_REQ_MAX, the caller's buffer cap; notify/wire.c); the
 * daemon gives each exchange rd.timeout seconds in all.  A renderer that
 * dies, hangs, or answers nonsense is killed, reaped and started again;
 * the document it was drawing fails with NOTIFY_RENDERER and a message
 * naming the renderer, and the daemon goes on.  One exchange at a time:
 * callers queue on a mutex for at most the same timeout.
 *
 * Without notify_renderer_start() (the tools, the unit tests) the notify
 * functions draw in their own process when it links the drawing and has
 * called notify_draw_here() (notify/documents.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notify/notify_int.h"

#define RD_PROGRAM "complaints-render"
#ifndef NOTIFY_RENDERER_DIR
#define NOTIFY_RENDERER_DIR "/usr/local/libexec/complaints"
#endif

static struct {
	pthread_mutex_t lock;
	int active; /* notify_renderer_start() was called */
	int fd;	    /* -1: none running */
	pid_t pid;
	int exe; /* the program, opened at start */
	uid_t uid;
	gid_t gid;
	int timeout;
	char fault[NOTIFY_RD_FAULT_MAX];
	unsigned long restarts;
} rd = { PTHREAD_MUTEX_INITIALIZER, 0, -1, 0, -1, (uid_t)-1, (gid_t)-1,
	NOTIFY_RD_TIMEOUT, "", 0 };

static void
rd_errf(char *err, size_t errlen, const char *what)
{
	errf(err, errlen,
	    "renderer: %s; the document was not "
	    "written",
	    what);
}

/* Ends the child, whatever state it is in, and says how it ended. */
static void
rd_reap(const char *why)
{
	int st;

	if (rd.fd != -1)
		close(rd.fd);
	rd.fd = -1;
	if (rd.pid <= 0)
		return;
	kill(rd.pid, SIGKILL);
	while (waitpid(rd.pid, &st, 0) == -1 && errno == EINTR)
		;
	if (why != NULL) {
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL)
			log_warnx("renderer: pid %d: %s: killed by signal %d",
			    (int)rd.pid, why, WTERMSIG(st));
		else if (WIFEXITED(st))
			log_warnx("renderer: pid %d: %s: exited with %d",
			    (int)rd.pid, why, WEXITSTATUS(st));
		else
			log_warnx(
			    "renderer: pid %d: %s: killed", (int)rd.pid, why);
	}
	rd.pid = 0;
}

/* Starts a child and waits for it to be ready.  Called locked. */
static int
rd_spawn(char *err, size_t errlen)
{
	static char *const argv[] = { RD_PROGRAM, NULL };
	extern char **environ;
	struct timespec deadline;
	struct notify_rd_head h;
	struct buf hello;
	sigset_t all, old;
	int sv[2], e;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		errf(err, errlen, "renderer: socketpair: %s", strerror(errno));
		return -1;
	}
	/* No signal handler may run in the child before exec. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls from here to exec. */
		int s = fcntl(sv[1], F_DUPFD, 10);
		int x = fcntl(rd.exe, F_DUPFD, 10);

		if (s == -1 || x == -1 || dup2(s, NOTIFY_RD_FD) == -1 ||
		    dup2(x, NOTIFY_RD_FD + 1) == -1 ||
		    fcntl(NOTIFY_RD_FD + 1, F_SETFD, FD_CLOEXEC) == -1)
			_exit(127);
		closefrom(NOTIFY_RD_FD + 2);
		fexecve(NOTIFY_RD_FD + 1, argv, environ);
		_exit(127);
	}
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(sv[1]);
	if (pid == -1) {
		close(sv[0]);
		errf(err, errlen, "renderer: fork: %s", strerror(e));
		return -1;
	}
	rd.fd = sv[0];
	rd.pid = pid;
	buf_init(&hello, NOTIFY_RD_FAULT_MAX + 64);
	notify_rd_put_u32(&hello, (uint32_t)rd.uid);
	notify_rd_put_u32(&hello, (uint32_t)rd.gid);
	notify_rd_put_str(&hello, rd.fault[0] ? rd.fault : NULL);
	notify_rd_deadline(&deadline, rd.timeout);
	if (notify_rd_send(rd.fd, NOTIFY_RD_HELLO, hello.data, hello.len,
		&deadline) == -1 ||
	    notify_rd_recv(rd.fd, &h, &hello, 0, &deadline, &deadline) == -1 ||
	    h.type != NOTIFY_RD_READY) {
		e = errno;
		buf_free(&hello);
		rd_reap("start");
		errf(
		    err, errlen, "renderer: it did not start: %s", strerror(e));
		return -1;
	}
	buf_free(&hello);
	log_info("renderer: started, pid %d", (int)pid);
	return 0;
}

/*
 * Opens the renderer program: path when given; else complaints-render
 * beside this process's own program (a build folder), else the one
 * installed in NOTIFY_RENDERER_DIR.  The descriptor, opened once while
 * the files are there to open, is what every later start executes.
 */
static int
rd_open(const char *path, char *err, size_t errlen)
{
	char self[PATH_MAX], beside[PATH_MAX + 32];
	ssize_t n;
	char *slash;
	int fd;

	if (path != NULL) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			errf(err, errlen, "renderer: %s: %s", path,
			    strerror(errno));
		return fd;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0 && (self[n] = '\0', slash = strrchr(self, '/')) != NULL) {
		*slash = '\0';
		snprintf(beside, sizeof(beside), "%s/%s", self, RD_PROGRAM);
		if ((fd = open(beside, O_RDONLY | O_CLOEXEC)) != -1)
			return fd;
	}
	path = NOTIFY_RENDERER_DIR "/" RD_PROGRAM;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		errf(err, errlen, "renderer: %s: %s (and none beside %s)", path,
		    strerror(errno), n > 0 ? self : "this program");
	return fd;
}

int
notify_renderer_start(
    const struct notify_renderer_conf *c, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&rd.lock);
	if (rd.exe == -1 && (rd.exe = rd_open(c->exe, err, errlen)) == -1) {
		pthread_mutex_unlock(&rd.lock);
		return -1;
	}
	rd.uid = c->uid;
	rd.gid = c->gid;
	rd.timeout = c->timeout > 0 ? c->timeout : NOTIFY_RD_TIMEOUT;
	snprintf(rd.fault, sizeof(rd.fault), "%s",
	    c->test_fault ? c->test_fault : "");
	rd.active = 1;
	rc = rd.fd == -1 ? rd_spawn(err, errlen) : 0;
	pthread_mutex_unlock(&rd.lock);
	return rc;
}

void
notify_renderer_stop(void)
{
	pthread_mutex_lock(&rd.lock);
	rd_reap(NULL);
	if (rd.exe != -1)
		close(rd.exe);
	rd.exe = -1;
	rd.active = 0;
	pthread_mutex_unlock(&rd.lock);
}

int
notify_renderer_pid(void)
{
	int pid;

	pthread_mutex_lock(&rd.lock);
	pid = (int)rd.pid;
	pthread_mutex_unlock(&rd.lock);
	return pid;
}

int
notify_renderer_active(void)
{
	int a;

	pthread_mutex_lock(&rd.lock);
	a = rd.active;
	pthread_mutex_unlock(&rd.lock);
	return a;
}

/*
 * One exchange: the request in req (after its first four bytes, which
 * this fills with the room left in out), the PDF appended to out.
 */
static int
rd_call(
    uint32_t type, struct buf *req, struct buf *out, char *err, size_t errlen)
{
	struct timespec deadline;
	struct notify_rd_head h;
	struct buf ans;
	uint32_t room;
	int rc = NOTIFY_RENDERER, locked;
	char what[128];

	notify_rd_deadline(&deadline, rd.timeout);
	locked = pthread_mutex_timedlock(
	    &rd.lock, &(struct timespec){ time(NULL) + rd.timeout, 0 });
	if (locked != 0) {
		rd_errf(err, errlen, "busy with other documents");
		return NOTIFY_RENDERER;
	}
	if (rd.fd == -1 && rd_spawn(err, errlen) == -1)
		goto out;
	room = out->cap - out->len > UINT32_MAX ?
	    UINT32_MAX :
	    (uint32_t)(out->cap - out->len);
	memcpy(req->data, &room, sizeof(room));
	buf_init(
	    &ans, (size_t)room > NOTIFY_RD_ERR_MAX ? room : NOTIFY_RD_ERR_MAX);
	if (notify_rd_send(rd.fd, type, req->data, req->len, &deadline) == -1 ||
	    notify_rd_recv(rd.fd, &h, &ans, ans.cap, &deadline, &deadline) ==
		-1) {
		int e = errno;

		if (e == ETIMEDOUT)
			snprintf(what, sizeof(what), "no answer in %d s",
			    rd.timeout);
		else if (e == EPIPE || e == ECONNRESET)
			snprintf(what, sizeof(what), "it died");
		else
			snprintf(what, sizeof(what), "%s", strerror(e));
		rd_reap(what);
		rd_errf(err, errlen, what);
		/* Ready for the next document. */
		if (rd_spawn(what, sizeof(what)) == -1)
			log_warnx("%s", what);
		else
			rd.restarts++;
	} else if (h.type == NOTIFY_RD_OK) {
		rc = buf_add(out, ans.data, ans.len) == -1 ? -1 : 0;
		if (rc == -1)
			errf(err, errlen,
			    "renderer: the PDF is larger "
			    "than %zu bytes",
			    out->cap);
	} else if (h.type == NOTIFY_RD_ERROR) {
		errf(err, errlen, "%.*s", (int)ans.len,
		    ans.data ? ans.data : "");
		rc = -1;
	} else {
		rd_reap("a message of an unknown type");
		rd_errf(err, errlen, "it answered nonsense");
	}
	buf_free(&ans);
out:
	pthread_mutex_unlock(&rd.lock);
	return rc;
}

static void
req_init(struct buf *req)
{
	buf_init(req, NOTIFY_RD_REQ_MAX);
	notify_rd_put_u32(req, 0); /* the room for the answer, set by rd_call */
}

static int
rd_letter(const struct notify_letter *l, const char *text, struct buf *pdf,
    char *err, size_t errlen)
{
	struct buf req;
	int rc;

	req_init(&req);
	if (notify_rd_put_letter(&req, l) == -1 ||
	    notify_rd_put_u32(&req, (uint32_t)l->service) == -1 ||
	    notify_rd_put_str(&req, text) == -1) {
		errf(err, errlen,
		    "renderer: the letter is larger than "
		    "%d bytes",
		    NOTIFY_RD_REQ_MAX);
		rc = -1;
	} else
		rc = rd_call(NOTIFY_RD_LETTER, &req, pdf, err, errlen);
	buf_free(&req);
	return rc;
}

static int
rd_talon(
    const struct notify_talon *t, struct buf *pdf, char *err, size_t errlen)
{
	struct buf req;
	int rc;

	req_init(&req);
	if (notify_rd_put_talon(&req, t) == -1) {
		errf(err, errlen,
		    "renderer: the talon is larger than "
		    "%d bytes",
		    NOTIFY_RD_REQ_MAX);
		rc = -1;
	} else
		rc = rd_call(NOTIFY_RD_TALON, &req, pdf, err, errlen);
	buf_free(&req);
	return rc;
}

static int
rd_register(const struct notify_register_row *rows, size_t n,
    const char *body_name, const char *date, const char *const *label,
    struct buf *pdf, char *err, size_t errlen)
{
	struct buf req;
	int rc = 0;

	req_init(&req);
	if (n > NOTIFY_RD_ROWS_MAX ||
	    notify_rd_put_u32(&req, (uint32_t)n) == -1)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (notify_rd_put_str(&req, rows[i].out_number) == -1 ||
		    notify_rd_put_str(&req, rows[i].addressee) == -1 ||
		    notify_rd_put_str(&req, rows[i].address) == -1 ||
		    notify_rd_put_str(&req, rows[i].talon) == -1)
			rc = -1;
	if (rc == 0 &&
	    (notify_rd_put_str(&req, body_name) == -1 ||
		notify_rd_put_str(&req, date) == -1))
		rc = -1;
	for (int i = 0; rc == 0 && i < NOTIFY_REG_LABELS; i++)
		if (notify_rd_put_str(&req, label[i]) == -1)
			rc = -1;
	if (rc == -1)
		errf(err, errlen,
		    "renderer: the register is larger "
		    "than %d rows or %d bytes",
		    NOTIFY_RD_ROWS_MAX, NOTIFY_RD_REQ_MAX);
	else
		rc = rd_call(NOTIFY_RD_REGISTER, &req, pdf, err, errlen);
	buf_free(&req);
	return rc;
}

const struct notify_drawer notify_renderer_drawer = { rd_letter, rd_talon,
	rd_register };
