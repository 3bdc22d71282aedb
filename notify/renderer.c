/*
 * The renderer process: the PDFs of citizens' text (letters, talon
 * slips, the postal register) are drawn by cairo, pango and libqrencode
 * in a process of their own, which holds nothing worth stealing.
 *
 * The daemon starts it with notify_renderer_start() before it opens the
 * database: a fork and an exec of the daemon's own program with "-R",
 * so that the child begins with a clean address space (no key, no
 * database page, no session in memory) and with one descriptor, its end
 * of a socketpair, as fd 3.  The child drops to the daemon's user, draws
 * one of each document to load its fonts, confines itself with seccomp
 * to the system calls drawing needs (HAVE_SECCOMP), says it is ready,
 * and then answers one request at a time.
 *
 * Messages both ways are a header (type, length) and a body, each capped
 * (RD_REQ_MAX, the caller's buffer cap); the daemon gives each exchange
 * rd.timeout seconds in all.  A renderer that dies, hangs, or answers
 * nonsense is killed, reaped and started again; the document it was
 * drawing fails with NOTIFY_RENDERER and a message naming the renderer,
 * and the daemon goes on.  One exchange at a time: callers queue on a
 * mutex for at most the same timeout.
 *
 * Without notify_renderer_start() (the tools, the unit tests) the notify
 * functions draw in their own process as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include <seccomp.h>
#endif

#include "notify/notify_int.h"

#define RD_FD	     3			/* the child's end, after exec */
#define RD_REQ_MAX   (16 * 1024 * 1024) /* a request's body */
#define RD_ERR_MAX   1024		/* an error answer's body */
#define RD_ROWS_MAX  100000		/* rows of one postal register */
#define RD_FAULT_MAX 64			/* the test marker */
#define RD_TIMEOUT   30			/* seconds, when not configured */

enum rd_type {
	RD_HELLO = 1, /* daemon -> child: uid, gid, test marker */
	RD_READY,     /* child -> daemon: fonts loaded, confined */
	RD_LETTER,
	RD_TALON,
	RD_REGISTER,
	RD_OK,	 /* the PDF */
	RD_ERROR /* a message: the document itself is wrong */
};

struct rd_head {
	uint32_t type;
	uint32_t len;
};

/* The daemon's side: one renderer for the process. */
static struct {
	pthread_mutex_t lock;
	int active; /* notify_renderer_start() was called */
	int fd;	    /* -1: none running */
	pid_t pid;
	int exe; /* the program, opened at start */
	uid_t uid;
	gid_t gid;
	int timeout;
	char fault[RD_FAULT_MAX];
	unsigned long restarts;
} rd = { PTHREAD_MUTEX_INITIALIZER, 0, -1, 0, -1, (uid_t)-1, (gid_t)-1,
	RD_TIMEOUT, "", 0 };

/* --- Encoding: strings as length, bytes, NUL; NULL as UINT32_MAX --- */

static int
put_u32(struct buf *b, uint32_t v)
{
	return buf_add(b, &v, sizeof(v));
}

static int
put_str(struct buf *b, const char *s)
{
	size_t n;

	if (s == NULL)
		return put_u32(b, UINT32_MAX);
	n = strlen(s);
	if (n >= UINT32_MAX || put_u32(b, (uint32_t)n) == -1)
		return -1;
	return buf_add(b, s, n + 1);
}

/* A cursor over a request's body; strings point into it. */
struct rd_in {
	char *p;
	size_t left;
	int bad;
};

static uint32_t
get_u32(struct rd_in *in)
{
	uint32_t v = 0;

	if (in->bad || in->left < sizeof(v)) {
		in->bad = 1;
		return 0;
	}
	memcpy(&v, in->p, sizeof(v));
	in->p += sizeof(v);
	in->left -= sizeof(v);
	return v;
}

static const char *
get_str(struct rd_in *in)
{
	uint32_t n = get_u32(in);
	const char *s;

	if (in->bad || n == UINT32_MAX)
		return NULL;
	if ((size_t)n >= in->left || in->p[n] != '\0') {
		in->bad = 1;
		return NULL;
	}
	s = in->p;
	in->p += (size_t)n + 1;
	in->left -= (size_t)n + 1;
	return s;
}

/* The string members of the documents, in the order they travel. */
#define LF(m) offsetof(struct notify_letter, m)
static const size_t letter_fields[] = { LF(kind), LF(lang), LF(uid),
	LF(surname), LF(name), LF(patronymic), LF(address), LF(email),
	LF(body_code), LF(body_name_kk), LF(body_name_ru), LF(body_address),
	LF(body_phones), LF(out_number), LF(date), LF(talon),
	LF(journal_number), LF(accepted_on), LF(service_title), LF(due),
	LF(new_due), LF(extension_reason), LF(forwarded_to_name),
	LF(forward_reason), LF(outcome), LF(reasoning), LF(decided_by),
	LF(appeal_to_name), LF(court_clause), LF(status_url), LF(head_line),
	LF(reference), LF(qr_caption) };
#undef LF
#define TF(m) offsetof(struct notify_talon, m)
static const size_t talon_fields[] = { TF(number), TF(access_code),
	TF(journal_number), TF(body_name_kk), TF(body_name_ru), TF(accepted_at),
	TF(registrar_name), TF(registrar_position), TF(due), TF(status_url),
	TF(lang), TF(received_at), TF(due_rule), TF(label[0]), TF(label[1]),
	TF(label[2]), TF(label[3]), TF(label[4]), TF(label[5]), TF(label[6]),
	TF(label[7]), TF(label[8]), TF(label[9]), TF(label[10]) };
#undef TF
_Static_assert(NOTIFY_TALON_LABELS == 11, "talon_fields lists every label");
#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

static int
put_fields(struct buf *b, const void *doc, const size_t *off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (put_str(b,
			*(const char *const *)(const void *)((const char *)doc +
			    off[i])) == -1)
			return -1;
	return 0;
}

static void
get_fields(struct rd_in *in, void *doc, const size_t *off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		*(const char **)(void *)((char *)doc + off[i]) = get_str(in);
}

/* --- Moving whole messages, within a deadline --- */

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	if (deadline == NULL)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

/*
 * Moves len bytes, waiting at most until deadline (NULL: for ever).
 * Returns 0, or -1 with errno: ETIMEDOUT, EPIPE for the other end gone.
 */
static int
xfer(int fd, void *p, size_t len, int out, const struct timespec *deadline)
{
	struct pollfd pfd;
	ssize_t n;
	int r;

	while (len > 0) {
		pfd.fd = fd;
		pfd.events = out ? POLLOUT : POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)ms_left(deadline));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : read(fd, p, len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EPIPE;
			return -1;
		}
		p = (char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_msg(int fd, uint32_t type, const void *body, size_t len,
    const struct timespec *deadline)
{
	struct rd_head h;

	h.type = type;
	h.len = (uint32_t)len;
	if (xfer(fd, &h, sizeof(h), 1, deadline) == -1)
		return -1;
	return len ? xfer(fd, (void *)(uintptr_t)body, len, 1, deadline) : 0;
}

/*
 * Reads one message of at most max bytes into body (reset first).
 * head_deadline bounds the wait for the header, deadline the rest.
 */
static int
recv_msg(int fd, struct rd_head *h, struct buf *body, size_t max,
    const struct timespec *head_deadline, const struct timespec *deadline)
{
	char chunk[16384];
	size_t left;

	buf_reset(body);
	if (xfer(fd, h, sizeof(*h), 0, head_deadline) == -1)
		return -1;
	if (h->len > max) {
		errno = EMSGSIZE;
		return -1;
	}
	for (left = h->len; left > 0;) {
		size_t n = left < sizeof(chunk) ? left : sizeof(chunk);

		if (xfer(fd, chunk, n, 0, deadline) == -1)
			return -1;
		if (buf_add(body, chunk, n) == -1) {
			errno = EMSGSIZE;
			return -1;
		}
		left -= n;
	}
	return 0;
}

static void
deadline_in(struct timespec *d, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, d);
	d->tv_sec += seconds;
}

/* --- The child --- */

static void
rd_die(const char *what)
{
	char msg[256];
	int n;

	n = snprintf(msg, sizeof(msg), "complaintsd: renderer: %s: %s\n", what,
	    strerror(errno));
	if (n > 0)
		(void)!write(2, msg,
		    (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
	_exit(1);
}

/* Draws one of each document, so that fonts and modules are loaded. */
static void
warm_up(void)
{
	struct notify_letter l;
	struct notify_talon t;
	struct notify_register_row row;
	const char *reg_label[NOTIFY_REG_LABELS];
	struct buf pdf;
	char err[256];

	memset(&l, 0, sizeof(l));
	l.kind = "decision";
	l.lang = "kk";
	l.surname = "Әбенова";
	l.name = "Жанар";
	l.address = "Алматы қ.\nАбай даңғылы, 1";
	l.body_name_kk = "Білім басқармасы";
	l.body_name_ru = "Управление образования";
	l.out_number = "1/2026";
	l.date = "2026-01-05";
	l.talon = "2026-000000001-0";
	l.status_url = "https://complaints.local/status/2026-000000001-0";
	l.head_line = "Алматы қ.   тел.: 1";
	l.reference = "Шығыс № / Исх. №: 1/2026";
	l.qr_caption = "Шағымның мәртебесі\nСтатус обращения";
	buf_init(&pdf, NOTIFY_PDF_MAX);
	if (notify_letter_pdf(
		&l, "Мәтін. Текст. Text.", &pdf, err, sizeof(err)) == -1)
		rd_die(err);
	memset(&t, 0, sizeof(t));
	t.number = l.talon;
	t.access_code = "ABCD-EFGH";
	t.journal_number = "1/2026";
	t.body_name_kk = l.body_name_kk;
	t.body_name_ru = l.body_name_ru;
	t.accepted_at = "2026-01-05T10:00:00+05:00";
	t.registrar_name = "Тіркеуші";
	t.registrar_position = "маман";
	t.due = "2026-01-26";
	t.status_url = l.status_url;
	t.lang = "ru";
	for (int i = 0; i < NOTIFY_TALON_LABELS; i++)
		t.label[i] = "Талон ТАЛОН талон";
	buf_reset(&pdf);
	if (notify_talon_pdf(&t, &pdf, err, sizeof(err)) == -1)
		rd_die(err);
	row.out_number = "1/2026";
	row.addressee = "Әбенова Жанар";
	row.address = l.address;
	row.talon = l.talon;
	for (int i = 0; i < NOTIFY_REG_LABELS; i++)
		reg_label[i] = "Тізілім\nРеестр";
	buf_reset(&pdf);
	if (notify_register_draw(&row, 1, l.body_name_kk, l.date, reg_label,
		&pdf, err, sizeof(err)) == -1)
		rd_die(err);
	buf_free(&pdf);
}

#ifdef HAVE_SECCOMP
/* A system call outside the list: say which, for the daemon's log. */
static void
forbidden(int sig, siginfo_t *si, void *ctx)
{
	char msg[96], num[16];
	size_t n = 0, k = 0;
	unsigned v = (unsigned)si->si_syscall;

	(void)sig;
	(void)ctx;
	do
		num[k++] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && k < sizeof(num));
	memcpy(msg, "complaintsd: renderer: system call ", 35);
	n = 35;
	while (k > 0)
		msg[n++] = num[--k];
	memcpy(msg + n, " refused\n", 9);
	(void)!write(2, msg, n + 9);
	_exit(2);
}

/*
 * What drawing needs once the fonts are loaded: memory, time, reading
 * and writing the descriptors it has, threads.  Opening a file fails
 * with EACCES; anything else ends the process (exit status 2, the
 * call's number on stderr), which the daemon sees as a crash.
 */
static void
confine(void)
{
	struct sigaction sa;

	static const int allowed[] = { SCMP_SYS(read), SCMP_SYS(write),
		SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
		SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat),
		SCMP_SYS(statx), SCMP_SYS(lseek), SCMP_SYS(fcntl),
		SCMP_SYS(getdents64), SCMP_SYS(access), SCMP_SYS(faccessat),
		SCMP_SYS(readlink), SCMP_SYS(mmap), SCMP_SYS(munmap),
		SCMP_SYS(mremap), SCMP_SYS(mprotect), SCMP_SYS(brk),
		SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(poll),
		SCMP_SYS(ppoll), SCMP_SYS(sendto), SCMP_SYS(recvfrom),
		SCMP_SYS(getpeername), SCMP_SYS(clock_gettime),
		SCMP_SYS(gettimeofday), SCMP_SYS(clock_nanosleep),
		SCMP_SYS(nanosleep), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
		SCMP_SYS(getegid), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
		SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
		SCMP_SYS(restart_syscall), SCMP_SYS(pause), SCMP_SYS(exit),
		SCMP_SYS(exit_group),
		/* Pango and GLib start threads of their own. */
		SCMP_SYS(set_robust_list), SCMP_SYS(rseq),
		SCMP_SYS(sched_getaffinity), SCMP_SYS(sigaltstack),
		SCMP_SYS(rt_sigaction) };
	scmp_filter_ctx ctx;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = forbidden;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL) == -1)
		rd_die("sigaction");
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL)
		rd_die("seccomp_init");
	for (i = 0; i < NFIELDS(allowed); i++)
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0) < 0)
			rd_die("seccomp_rule_add");
	/*
	 * Threads, not processes: clone with CLONE_THREAD; clone3, whose
	 * flags a filter cannot see, says ENOSYS and glibc falls back to
	 * clone.  Naming a thread, nothing else of prctl.
	 */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
		SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0) <
		0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
		SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME)) < 0)
		rd_die("seccomp_rule_add clone");
	/* GLib asks whether stderr is a terminal before it warns. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
		SCMP_A1(SCMP_CMP_EQ, TCGETS)) < 0)
		rd_die("seccomp_rule_add ioctl");
	/*
	 * No file is opened once the fonts are loaded: not the key, not the
	 * database, though they belong to the same user.  A glyph that only
	 * another font has (fontconfig would open it now) is drawn as a box.
	 */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0) <
		0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0) <
		0 ||
	    seccomp_rule_add(
		ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat2), 0) < 0)
		rd_die("seccomp_rule_add open");
	if (seccomp_load(ctx) < 0)
		rd_die("seccomp_load");
	seccomp_release(ctx);
}
#else
static void
confine(void)
{
}
#endif

/* Draws what one request asks into out; -1 with a message in err. */
static int
draw(uint32_t type, struct rd_in *in, struct buf *out, char *err, size_t errlen)
{
	struct notify_register_row *rows = NULL;
	struct notify_letter l;
	struct notify_talon t;
	const char *text, *body_name, *date, *label[NOTIFY_REG_LABELS];
	uint32_t n;
	int rc = -1;

	switch (type) {
	case RD_LETTER:
		memset(&l, 0, sizeof(l));
		get_fields(in, &l, letter_fields, NFIELDS(letter_fields));
		l.service = (int)get_u32(in);
		text = get_str(in);
		if (in->bad)
			break;
		rc = notify_letter_pdf(&l, text, out, err, errlen);
		break;
	case RD_TALON:
		memset(&t, 0, sizeof(t));
		get_fields(in, &t, talon_fields, NFIELDS(talon_fields));
		if (in->bad)
			break;
		rc = notify_talon_pdf(&t, out, err, errlen);
		break;
	case RD_REGISTER:
		n = get_u32(in);
		if (in->bad || n > RD_ROWS_MAX)
			break;
		if ((rows = calloc(n ? n : 1, sizeof(*rows))) == NULL) {
			errf(err, errlen, "renderer: out of memory");
			return -1;
		}
		for (uint32_t i = 0; i < n; i++) {
			rows[i].out_number = get_str(in);
			rows[i].addressee = get_str(in);
			rows[i].address = get_str(in);
			rows[i].talon = get_str(in);
		}
		body_name = get_str(in);
		date = get_str(in);
		for (int i = 0; i < NOTIFY_REG_LABELS; i++)
			label[i] = get_str(in);
		if (in->bad)
			break;
		rc = notify_register_draw(
		    rows, n, body_name, date, label, out, err, errlen);
		break;
	}
	free(rows);
	if (rc == -1 && in->bad)
		errf(err, errlen, "renderer: a malformed request");
	return rc;
}

int
notify_renderer_serve(void)
{
	struct timespec deadline;
	struct rd_head h;
	struct buf req, out;
	struct rd_in in;
	uint32_t uid, gid, cap;
	const char *fault;
	char err[RD_ERR_MAX], marker[RD_FAULT_MAX];
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	buf_init(&req, RD_REQ_MAX);
	deadline_in(&deadline, RD_TIMEOUT);
	if (recv_msg(RD_FD, &h, &req, RD_FAULT_MAX + 64, &deadline,
		&deadline) == -1 ||
	    h.type != RD_HELLO)
		rd_die("hello");
	in.p = req.data;
	in.left = req.len;
	in.bad = 0;
	uid = get_u32(&in);
	gid = get_u32(&in);
	fault = get_str(&in);
	if (in.bad)
		rd_die("hello");
	snprintf(marker, sizeof(marker), "%s", fault ? fault : "");
	/* Started by root: become the daemon's user before anything else. */
	if (geteuid() == 0 && uid != UINT32_MAX) {
		gid_t g = (gid_t)gid;

		if (setgroups(1, &g) == -1 || setgid(g) == -1 ||
		    setuid((uid_t)uid) == -1)
			rd_die("dropping privileges");
		if (setuid(0) != -1)
			rd_die("root could be regained");
	}
	warm_up();
	confine();
	if (send_msg(RD_FD, RD_READY, NULL, 0, &deadline) == -1)
		rd_die("ready");

	for (;;) {
		/* Idle for ever between requests; a request in time. */
		if (recv_msg(RD_FD, &h, &req, RD_REQ_MAX, NULL, NULL) == -1) {
			if (errno == EPIPE)
				_exit(0); /* the daemon has gone */
			rd_die("request");
		}
		in.p = req.data;
		in.left = req.len;
		in.bad = 0;
		cap = get_u32(&in);
		if (marker[0] &&
		    memmem(req.data, req.len, marker, strlen(marker)) != NULL) {
			static const char msg[] =
			    "complaintsd: renderer: "
			    "test_renderer_fault: hanging\n";

			(void)!write(2, msg, sizeof(msg) - 1);
			for (;;)
				pause();
		}
		buf_init(&out, cap ? cap : 1);
		err[0] = '\0';
		deadline_in(&deadline, RD_TIMEOUT);
		if (in.bad || draw(h.type, &in, &out, err, sizeof(err)) == -1)
			send_msg(RD_FD, RD_ERROR, err, strlen(err), &deadline);
		else
			send_msg(RD_FD, RD_OK, out.data, out.len, &deadline);
		buf_free(&out);
	}
}

/* --- The daemon's side --- */

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
	static char *const argv[] = { "complaintsd", "-R", NULL };
	extern char **environ;
	struct timespec deadline;
	struct rd_head h;
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

		if (s == -1 || x == -1 || dup2(s, RD_FD) == -1 ||
		    dup2(x, RD_FD + 1) == -1 ||
		    fcntl(RD_FD + 1, F_SETFD, FD_CLOEXEC) == -1)
			_exit(127);
		closefrom(RD_FD + 2);
		fexecve(RD_FD + 1, argv, environ);
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
	buf_init(&hello, RD_FAULT_MAX + 64);
	put_u32(&hello, (uint32_t)rd.uid);
	put_u32(&hello, (uint32_t)rd.gid);
	put_str(&hello, rd.fault[0] ? rd.fault : NULL);
	deadline_in(&deadline, rd.timeout);
	if (send_msg(rd.fd, RD_HELLO, hello.data, hello.len, &deadline) == -1 ||
	    recv_msg(rd.fd, &h, &hello, 0, &deadline, &deadline) == -1 ||
	    h.type != RD_READY) {
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

int
notify_renderer_start(
    const struct notify_renderer_conf *c, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&rd.lock);
	if (rd.exe == -1 &&
	    (rd.exe = open(c->exe ? c->exe : "/proc/self/exe",
		 O_RDONLY | O_CLOEXEC)) == -1) {
		errf(err, errlen, "renderer: %s: %s",
		    c->exe ? c->exe : "/proc/self/exe", strerror(errno));
		pthread_mutex_unlock(&rd.lock);
		return -1;
	}
	rd.uid = c->uid;
	rd.gid = c->gid;
	rd.timeout = c->timeout > 0 ? c->timeout : RD_TIMEOUT;
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
	struct rd_head h;
	struct buf ans;
	uint32_t room;
	int rc = NOTIFY_RENDERER, locked;
	char what[128];

	deadline_in(&deadline, rd.timeout);
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
	buf_init(&ans, (size_t)room > RD_ERR_MAX ? room : RD_ERR_MAX);
	if (send_msg(rd.fd, type, req->data, req->len, &deadline) == -1 ||
	    recv_msg(rd.fd, &h, &ans, ans.cap, &deadline, &deadline) == -1) {
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
	} else if (h.type == RD_OK) {
		rc = buf_add(out, ans.data, ans.len) == -1 ? -1 : 0;
		if (rc == -1)
			errf(err, errlen,
			    "renderer: the PDF is larger "
			    "than %zu bytes",
			    out->cap);
	} else if (h.type == RD_ERROR) {
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
	buf_init(req, RD_REQ_MAX);
	put_u32(req, 0); /* the room for the answer, set by rd_call */
}

int
notify_renderer_letter(const struct notify_letter *l, const char *text,
    struct buf *pdf, char *err, size_t errlen)
{
	struct buf req;
	int rc;

	req_init(&req);
	if (put_fields(&req, l, letter_fields, NFIELDS(letter_fields)) == -1 ||
	    put_u32(&req, (uint32_t)l->service) == -1 ||
	    put_str(&req, text) == -1) {
		errf(err, errlen,
		    "renderer: the letter is larger than "
		    "%d bytes",
		    RD_REQ_MAX);
		rc = -1;
	} else
		rc = rd_call(RD_LETTER, &req, pdf, err, errlen);
	buf_free(&req);
	return rc;
}

int
notify_renderer_talon(
    const struct notify_talon *t, struct buf *pdf, char *err, size_t errlen)
{
	struct buf req;
	int rc;

	req_init(&req);
	if (put_fields(&req, t, talon_fields, NFIELDS(talon_fields)) == -1) {
		errf(err, errlen,
		    "renderer: the talon is larger than "
		    "%d bytes",
		    RD_REQ_MAX);
		rc = -1;
	} else
		rc = rd_call(RD_TALON, &req, pdf, err, errlen);
	buf_free(&req);
	return rc;
}

int
notify_renderer_register(const struct notify_register_row *rows, size_t n,
    const char *body_name, const char *date, const char *const *label,
    struct buf *pdf, char *err, size_t errlen)
{
	struct buf req;
	int rc = 0;

	req_init(&req);
	if (n > RD_ROWS_MAX || put_u32(&req, (uint32_t)n) == -1)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (put_str(&req, rows[i].out_number) == -1 ||
		    put_str(&req, rows[i].addressee) == -1 ||
		    put_str(&req, rows[i].address) == -1 ||
		    put_str(&req, rows[i].talon) == -1)
			rc = -1;
	if (rc == 0 &&
	    (put_str(&req, body_name) == -1 || put_str(&req, date) == -1))
		rc = -1;
	for (int i = 0; rc == 0 && i < NOTIFY_REG_LABELS; i++)
		if (put_str(&req, label[i]) == -1)
			rc = -1;
	if (rc == -1)
		errf(err, errlen,
		    "renderer: the register is larger "
		    "than %d rows or %d bytes",
		    RD_ROWS_MAX, RD_REQ_MAX);
	else
		rc = rd_call(RD_REGISTER, &req, pdf, err, errlen);
	buf_free(&req);
	return rc;
}
