/*
 * complaints-render, the renderer program: the PDFs of citizens' text
 * (letters, talon slips, the postal register) are drawn by cairo, pango
 * and libqrencode in a process of their own, which holds nothing worth
 * stealing, so that the daemon's own address space maps none of them.
 *
 * complaintsd starts it (notify/renderer.c) before it opens the
 * database: a fork and an exec of this program, opened at the daemon's
 * start, with one descriptor, its end of a socketpair, as fd 3.  It
 * reads its orders from there, drops to the daemon's user, draws one of
 * each document to load its fonts, confines itself with seccomp to the
 * system calls drawing needs (HAVE_SECCOMP), says it is ready, and then
 * answers one request at a time (the wire format: notify/wire.c).  It
 * is never run by hand.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

#include <seccomp.h>
#endif

#include "notify/draw_int.h"

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
	if (notify_letter_draw(
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
	if (notify_talon_draw(&t, &pdf, err, sizeof(err)) == -1)
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
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
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
draw(uint32_t type, struct notify_rd_in *in, struct buf *out, char *err,
    size_t errlen)
{
	struct notify_register_row *rows = NULL;
	struct notify_letter l;
	struct notify_talon t;
	const char *text, *body_name, *date, *label[NOTIFY_REG_LABELS];
	uint32_t n;
	int rc = -1;

	switch (type) {
	case NOTIFY_RD_LETTER:
		memset(&l, 0, sizeof(l));
		notify_rd_get_letter(in, &l);
		l.service = (int)notify_rd_get_u32(in);
		text = notify_rd_get_str(in);
		if (in->bad)
			break;
		rc = notify_letter_draw(&l, text, out, err, errlen);
		break;
	case NOTIFY_RD_TALON:
		memset(&t, 0, sizeof(t));
		notify_rd_get_talon(in, &t);
		if (in->bad)
			break;
		rc = notify_talon_draw(&t, out, err, errlen);
		break;
	case NOTIFY_RD_REGISTER:
		n = notify_rd_get_u32(in);
		if (in->bad || n > NOTIFY_RD_ROWS_MAX)
			break;
		if ((rows = calloc(n ? n : 1, sizeof(*rows))) == NULL) {
			errf(err, errlen, "renderer: out of memory");
			return -1;
		}
		for (uint32_t i = 0; i < n; i++) {
			rows[i].out_number = notify_rd_get_str(in);
			rows[i].addressee = notify_rd_get_str(in);
			rows[i].address = notify_rd_get_str(in);
			rows[i].talon = notify_rd_get_str(in);
		}
		body_name = notify_rd_get_str(in);
		date = notify_rd_get_str(in);
		for (int i = 0; i < NOTIFY_REG_LABELS; i++)
			label[i] = notify_rd_get_str(in);
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
main(int argc, char *argv[])
{
	struct timespec deadline;
	struct notify_rd_head h;
	struct buf req, out;
	struct notify_rd_in in;
	uint32_t uid, gid, cap;
	const char *fault;
	char err[NOTIFY_RD_ERR_MAX], marker[NOTIFY_RD_FAULT_MAX];
	sigset_t none;

	if (argc != 1) {
		fprintf(stderr, "usage: %s (started by complaintsd only)\n",
		    argv[0]);
		return 64;
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	buf_init(&req, NOTIFY_RD_REQ_MAX);
	notify_rd_deadline(&deadline, NOTIFY_RD_TIMEOUT);
	if (notify_rd_recv(NOTIFY_RD_FD, &h, &req, NOTIFY_RD_FAULT_MAX + 64,
		&deadline, &deadline) == -1 ||
	    h.type != NOTIFY_RD_HELLO)
		rd_die("hello");
	in.p = req.data;
	in.left = req.len;
	in.bad = 0;
	uid = notify_rd_get_u32(&in);
	gid = notify_rd_get_u32(&in);
	fault = notify_rd_get_str(&in);
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
	if (notify_rd_send(NOTIFY_RD_FD, NOTIFY_RD_READY, NULL, 0, &deadline) ==
	    -1)
		rd_die("ready");

	for (;;) {
		/* Idle for ever between requests; a request in time. */
		if (notify_rd_recv(NOTIFY_RD_FD, &h, &req, NOTIFY_RD_REQ_MAX,
			NULL, NULL) == -1) {
			if (errno == EPIPE)
				_exit(0); /* the daemon has gone */
			rd_die("request");
		}
		in.p = req.data;
		in.left = req.len;
		in.bad = 0;
		cap = notify_rd_get_u32(&in);
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
		notify_rd_deadline(&deadline, NOTIFY_RD_TIMEOUT);
		if (in.bad || draw(h.type, &in, &out, err, sizeof(err)) == -1)
			notify_rd_send(NOTIFY_RD_FD, NOTIFY_RD_ERROR, err,
			    strlen(err), &deadline);
		else
			notify_rd_send(NOTIFY_RD_FD, NOTIFY_RD_OK, out.data,
			    out.len, &deadline);
		buf_free(&out);
	}
}
