/*
 * fuzz_complaint: the <complaint> document as the daemon receives it,
 * through complaints_register_begin (xmlio_parse with the complaint
 * schema, then the reading of every field) with no one signed in, on a
 * service opened once on a temporary folder.  Nothing is written: a
 * registration is never submitted.
 *
 * Invariants: every refusal is a client error (4xx), never a 500; an
 * accepted document is one libxml2 also reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complaints/complaints.h"
#include "fuzz/fuzz_common.h"
#include "xmlio/xmlio.h"

static struct complaints *cx;
static char dir[64];

static void
done(void)
{
	char path[128];

	complaints_close(cx);
	cx = NULL;
	xmlio_cleanup();
	snprintf(path, sizeof(path), "%s/c.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/c.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/c.db-shm", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/secret.key", dir);
	unlink(path);
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct complaints_conf c;
	char db[128], key[128], err[512];

	(void)argc;
	(void)argv;
	xmlio_init();
	tz_init("Asia/Almaty");
	snprintf(dir, sizeof(dir), "/tmp/fuzz_complaint.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(db, sizeof(db), "%s/c.db", dir);
	snprintf(key, sizeof(key), "%s/secret.key", dir);
	memset(&c, 0, sizeof(c));
	c.db_path = db;
	c.secret_path = key;
	c.schema_dir = fuzz_schema_dir();
	c.timezone = "Asia/Almaty";
	c.readers = 1;
	c.queue_max = 16;
	c.batch_max = 16;
	c.remind_days = 3;
	c.repeat_days = 365;
	c.session_hours = 12;
	c.session_idle = 30;
	c.token_days = 365;
	if ((cx = complaints_open(&c, err, sizeof(err))) == NULL) {
		fprintf(stderr, "fuzz_complaint: %s\n", err);
		exit(2);
	}
	atexit(done);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct complaints_error e;
	struct complaints_call *r;

	memset(&e, 0, sizeof(e));
	r = complaints_register_begin(
	    cx, &complaints_system, (const char *)data, size, &e);
	if (r != NULL) {
		complaints_call_free(r);
		return 0;
	}
	/* A bad document is the request's fault, never the server's. */
	if (e.errc != COMPLAINTS_EINVAL)
		fprintf(stderr, "fuzz_complaint: %s %s: %s\n",
		    complaints_strerror(e.errc), e.code, e.message);
	FUZZ_CHECK(e.errc == COMPLAINTS_EINVAL);
	FUZZ_CHECK(e.code[0] != '\0');
	FUZZ_CHECK(memchr(e.message, '\0', sizeof(e.message)) != NULL);
	return 0;
}
