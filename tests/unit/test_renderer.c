/*
 * Unit tests: the renderer process (notify/renderer.c).  The child is
 * the renderer program, so BUILD/complaints-render must be built (make
 * all does).  A PDF drawn by the child must be the one this
 * process draws itself from the same document, creation date aside.
 * Run from the repository root: a letter's letterhead texts come from
 * the catalogues in web/, loaded here, in the parent, as the daemon does.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "notify/notify.h"
#include "notify/notify_int.h"
#include "web/web.h"

#define MARKER "RENDERER-TEST-HANG"

static char exe[1024];

static struct notify_letter
letter(const char *surname)
{
	struct notify_letter l = {
		.kind = "decision",
		.lang = "kk",
		.uid = "6f1c2a9e-3b7d-4e15-9a0c-2d8e5f4b7a13",
		.surname = surname,
		.name = "Гүлнұр",
		.patronymic = NULL,
		.address = "050046, Алматы қаласы,\nЖетісу-1, 14-үй",
		.body_name_kk = "Әуезов ауданының білім бөлімі",
		.body_name_ru = "Отдел образования Ауэзовского района",
		.out_number = "1042/2026",
		.date = "2026-12-03",
		.talon = "2026-483920175-4",
		.service = 5,
		.status_url = "https://example.kz/status/2026-483920175-4",
	};

	return l;
}

/* The PDF with its /CreationDate and /ModDate values blanked. */
static void
undate(struct buf *b)
{
	static const char *const keys[] = { "/CreationDate (", "/ModDate (" };

	for (size_t k = 0; k < 2; k++) {
		char *p = b->data;

		while ((p = memmem(p, b->len - (size_t)(p - b->data), keys[k],
			    strlen(keys[k]))) != NULL) {
			p += strlen(keys[k]);
			for (; p < b->data + b->len && *p != ')'; p++)
				*p = 'x';
		}
	}
}

static void
draw_both(int (*draw)(struct buf *, char *, size_t))
{
	struct notify_renderer_conf c = { exe, (uid_t)-1, (gid_t)-1, 10,
		MARKER };
	struct buf here, there;
	char err[512];

	buf_init(&here, NOTIFY_PDF_MAX);
	buf_init(&there, NOTIFY_PDF_MAX);
	assert_int_equal(draw(&here, err, sizeof(err)), 0);
	assert_int_equal(notify_renderer_start(&c, err, sizeof(err)), 0);
	assert_true(notify_renderer_pid() > 0);
	assert_int_not_equal(notify_renderer_pid(), getpid());
	assert_int_equal(draw(&there, err, sizeof(err)), 0);
	notify_renderer_stop();
	assert_int_equal(notify_renderer_pid(), 0);
	assert_true(here.len > 1000);
	assert_memory_equal(there.data, "%PDF-", 5);
	undate(&here);
	undate(&there);
	assert_int_equal(there.len, here.len);
	assert_memory_equal(there.data, here.data, here.len);
	buf_free(&here);
	buf_free(&there);
}

static int
draw_letter(struct buf *out, char *err, size_t errlen)
{
	struct notify_letter l = letter("Әбілқасымова");

	return notify_letter_pdf(
	    &l, "Шағымыңыз қаралды.\nЖауап: иә.", out, err, errlen);
}

static int
draw_talon(struct buf *out, char *err, size_t errlen)
{
	struct notify_talon t = {
		.number = "2026-483920175-4",
		.access_code = "K7QM-2XRP",
		.journal_number = "2318/2026",
		.body_name_kk = "Әуезов ауданының білім бөлімі",
		.body_name_ru = "Отдел образования Ауэзовского района",
		.accepted_at = "2026-11-16T10:15:00+05:00",
		.registrar_name = "Жұмабекова Динара",
		.registrar_position = "маман",
		.due = "2026-12-07",
		.status_url = "https://example.kz/status/2026-483920175-4",
		.lang = "ru",
	};

	return notify_talon_pdf(&t, out, err, errlen);
}

static int
draw_register(struct buf *out, char *err, size_t errlen)
{
	struct notify_register_row r[2] = {
		{ "1/2026", "Әбілқасымова Гүлнұр", "Алматы, Абай 1",
		    "2026-483920175-4" },
		{ "2/2026", "Иванов Иван", "Алматы, Достық 5",
		    "2026-000000017-3" },
	};

	return notify_register_pdf(r, 2, "Әуезов ауданының білім бөлімі",
	    "2026-12-03", out, err, errlen);
}

static void
same_letter(void **state)
{
	(void)state;
	draw_both(draw_letter);
}

static void
same_talon(void **state)
{
	(void)state;
	draw_both(draw_talon);
}

static void
same_register(void **state)
{
	(void)state;
	draw_both(draw_register);
}

/* A bad document is its own error; the renderer stays. */
static void
bad_document_is_not_a_crash(void **state)
{
	struct notify_renderer_conf c = { exe, (uid_t)-1, (gid_t)-1, 10, NULL };
	struct notify_letter l = letter("Әбілқасымова");
	struct buf pdf;
	char err[512];
	int pid;

	(void)state;
	assert_int_equal(notify_renderer_start(&c, err, sizeof(err)), 0);
	pid = notify_renderer_pid();
	buf_init(&pdf, NOTIFY_PDF_MAX);
	l.surname = l.name = l.patronymic = NULL;
	assert_int_equal(
	    notify_letter_pdf(&l, "text", &pdf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "addressee"));
	/* Too small a buffer: the child's PDF does not fit. */
	l = letter("Әбілқасымова");
	buf_free(&pdf);
	buf_init(&pdf, 500);
	assert_int_equal(
	    notify_letter_pdf(&l, "text", &pdf, err, sizeof(err)), -1);
	assert_int_equal(notify_renderer_pid(), pid);
	notify_renderer_stop();
	buf_free(&pdf);
}

/*
 * A hang, then a kill: each fails its document with NOTIFY_RENDERER
 * and a message naming the renderer, and the next document is drawn by
 * a new child.
 */
static void
hang_and_kill_restart(void **state)
{
	struct notify_renderer_conf c = { exe, (uid_t)-1, (gid_t)-1, 1,
		MARKER };
	struct notify_letter hang = letter(MARKER);
	struct buf pdf;
	char err[512];
	time_t t0;
	int pid, pid2;

	(void)state;
	assert_int_equal(notify_renderer_start(&c, err, sizeof(err)), 0);
	pid = notify_renderer_pid();
	buf_init(&pdf, NOTIFY_PDF_MAX);
	t0 = time(NULL);
	assert_int_equal(
	    notify_letter_pdf(&hang, "text", &pdf, err, sizeof(err)),
	    NOTIFY_RENDERER);
	assert_true(time(NULL) - t0 <= 3);
	assert_non_null(strstr(err, "renderer"));
	assert_non_null(strstr(err, "no answer in 1 s"));
	pid2 = notify_renderer_pid();
	assert_true(pid2 > 0);
	assert_int_not_equal(pid2, pid);
	assert_int_equal(draw_letter(&pdf, err, sizeof(err)), 0);

	/* Killed between documents: the next one finds it dead. */
	kill(pid2, SIGKILL);
	usleep(100000);
	buf_reset(&pdf);
	assert_int_equal(draw_talon(&pdf, err, sizeof(err)), NOTIFY_RENDERER);
	assert_non_null(strstr(err, "it died"));
	buf_reset(&pdf);
	assert_int_equal(draw_talon(&pdf, err, sizeof(err)), 0);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	assert_int_not_equal(notify_renderer_pid(), pid2);
	notify_renderer_stop();
	buf_free(&pdf);
}

/*
 * Confined: a glyph DejaVu lacks (the fallback font would be opened now)
 * still gives a PDF; a file the renderer's user could read is refused.
 */
static void
confined_but_drawing(void **state)
{
	struct notify_renderer_conf c = { exe, (uid_t)-1, (gid_t)-1, 10, NULL };
	struct notify_letter l = letter("Әбілқасымова 漢字");
	struct buf pdf;
	char err[512];
	int pid;

	(void)state;
	assert_int_equal(notify_renderer_start(&c, err, sizeof(err)), 0);
	pid = notify_renderer_pid();
	buf_init(&pdf, NOTIFY_PDF_MAX);
	assert_int_equal(
	    notify_letter_pdf(&l, "Мәтін ⌘ 漢字 ∰ ☃", &pdf, err, sizeof(err)),
	    0);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	assert_int_equal(notify_renderer_pid(), pid);
	notify_renderer_stop();
	buf_free(&pdf);
}

/*
 * A program that neither started a renderer nor draws here (the daemon
 * links no drawing) fails every PDF as a renderer failure, with a
 * message, and writes nothing.
 */
static void
no_renderer_no_drawing(void **state)
{
	struct buf pdf;
	char err[512];

	(void)state;
	notify_drawer_set(NULL);
	buf_init(&pdf, NOTIFY_PDF_MAX);
	assert_int_equal(draw_letter(&pdf, err, sizeof(err)), NOTIFY_RENDERER);
	assert_non_null(strstr(err, "renderer"));
	assert_int_equal(draw_talon(&pdf, err, sizeof(err)), NOTIFY_RENDERER);
	assert_int_equal(
	    draw_register(&pdf, err, sizeof(err)), NOTIFY_RENDERER);
	assert_int_equal(pdf.len, 0);
	notify_draw_here();
	assert_int_equal(draw_letter(&pdf, err, sizeof(err)), 0);
	assert_memory_equal(pdf.data, "%PDF-", 5);
	buf_free(&pdf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_letter),
		cmocka_unit_test(same_talon),
		cmocka_unit_test(same_register),
		cmocka_unit_test(bad_document_is_not_a_crash),
		cmocka_unit_test(hang_and_kill_restart),
		cmocka_unit_test(confined_but_drawing),
		cmocka_unit_test(no_renderer_no_drawing),
	};
	const char *build = getenv("BUILD");
	char err[512];
	int rc;

	snprintf(exe, sizeof(exe), "%s/complaints-render",
	    build && *build ? build : "build");
	if (access(exe, X_OK) == -1) {
		fprintf(stderr, "test_renderer: %s: not built\n", exe);
		return 1;
	}
	if (web_init("web", err, sizeof(err)) == -1) {
		fprintf(stderr, "test_renderer: %s\n", err);
		return 1;
	}
	notify_draw_here();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	web_cleanup();
	return rc;
}
