/* Unit tests: backup (a verified copy, restore and what it refuses). */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "backup/backup.h"
#include "db/db.h"
#include "util/util.h"

struct fx {
	char dir[64];
	char data[128]; /* a data folder with a store and a key */
	uint8_t key[32];
};

static void
path(char *out, size_t len, const struct fx *f, const char *name)
{
	snprintf(out, len, "%s/%s", f->dir, name);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct db *db;
	char p[256], err[256];
	FILE *kf;

	if (f == NULL || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_backup.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
	mkdir(f->data, 0700);
	snprintf(p, sizeof(p), "%s/complaints.db", f->data);
	if ((db = db_open(p, DB_OPEN_WRITE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	db_close(db);
	randombytes_buf(f->key, sizeof(f->key));
	snprintf(p, sizeof(p), "%s/secret.key", f->data);
	if ((kf = fopen(p, "wb")) == NULL || fwrite(f->key, 1, 32, kf) != 32 ||
	    fclose(kf) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The fixture's folder and all in it, without a shell. */
static int
teardown(void **state)
{
	struct fx *f = *state;
	int rc = nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);

	free(f);
	return rc == 0 ? 0 : -1;
}

static int
exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static void
backup_with_key_restores_it(void **state)
{
	struct fx *f = *state;
	struct backup_info info;
	struct stat st;
	char file[256], to[256], p[300], err[512];
	uint8_t key[32];
	FILE *kf;

	path(file, sizeof(file), f, "b.db");
	assert_int_equal(
	    backup_make(f->data, file, 1, &info, err, sizeof(err)), 0);
	assert_int_equal(info.with_key, 1);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	path(to, sizeof(to), f, "restored");
	assert_int_equal(
	    backup_restore(file, to, 0, &info, err, sizeof(err)), 0);
	assert_int_equal(info.with_key, 1);
	assert_int_equal(info.old_kept, 0);
	snprintf(p, sizeof(p), "%s/secret.key", to);
	assert_non_null(kf = fopen(p, "rb"));
	assert_int_equal(fread(key, 1, sizeof(key), kf), 32);
	fclose(kf);
	assert_memory_equal(key, f->key, 32);
	snprintf(p, sizeof(p), "%s/complaints.db", to);
	assert_true(exists(p));
	snprintf(p, sizeof(p), "%s/complaints.db.restoring", to);
	assert_false(exists(p));
}

static void
backup_without_key(void **state)
{
	struct fx *f = *state;
	struct backup_info info;
	char file[256], to[256], p[300], err[512];

	path(file, sizeof(file), f, "b.db");
	assert_int_equal(
	    backup_make(f->data, file, 0, &info, err, sizeof(err)), 0);
	assert_int_equal(info.with_key, 0);
	path(to, sizeof(to), f, "restored");
	assert_int_equal(
	    backup_restore(file, to, 0, &info, err, sizeof(err)), 0);
	assert_int_equal(info.with_key, 0);
	snprintf(p, sizeof(p), "%s/secret.key", to);
	assert_false(exists(p));
}

static void
backup_fails_cleanly(void **state)
{
	struct fx *f = *state;
	struct backup_info info;
	char file[256], empty[256], store[256], sql[64], err[512];
	sqlite3 *h;

	/* No folder for the copy: nothing left behind, a reason given. */
	path(file, sizeof(file), f, "no/such/b.db");
	assert_int_equal(
	    backup_make(f->data, file, 0, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no/such"));
	/* No store in the data folder. */
	path(empty, sizeof(empty), f, "empty");
	mkdir(empty, 0700);
	path(file, sizeof(file), f, "b.db");
	assert_int_equal(
	    backup_make(empty, file, 0, &info, err, sizeof(err)), -1);
	assert_false(exists(file));
	/* A store of another version than this build's: said so. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    db_schema_version() - 1);
	snprintf(store, sizeof(store), "%s/complaints.db", f->data);
	assert_int_equal(sqlite3_open(store, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(
	    backup_make(f->data, file, 0, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is at schema"));
	assert_false(exists(file));
}

static void
restore_refuses(void **state)
{
	struct fx *f = *state;
	struct backup_info info;
	char file[256], bad[256], to[256], p[300], err[512];
	sqlite3 *h;
	FILE *out;
	int lock;

	path(file, sizeof(file), f, "b.db");
	assert_int_equal(
	    backup_make(f->data, file, 1, &info, err, sizeof(err)), 0);
	path(to, sizeof(to), f, "restored");
	snprintf(p, sizeof(p), "%s/complaints.db", to);

	/* A file that is not a store. */
	path(bad, sizeof(bad), f, "junk.db");
	assert_non_null(out = fopen(bad, "w"));
	fputs("not a database\n", out);
	fclose(out);
	assert_int_equal(
	    backup_restore(bad, to, 0, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an SQLite database"));
	assert_false(exists(p));

	/* A store of a newer schema than this build knows. */
	path(bad, sizeof(bad), f, "newer.db");
	assert_int_equal(
	    backup_make(f->data, bad, 0, &info, err, sizeof(err)), 0);
	assert_int_equal(sqlite3_open(bad, &h), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(h, "PRAGMA user_version = 9999", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(
	    backup_restore(bad, to, 0, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "newer"));
	assert_false(exists(p));

	/* A running daemon holds the folder. */
	assert_true((lock = dir_lock(to, err, sizeof(err))) >= 0);
	assert_int_equal(
	    backup_restore(file, to, 0, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "stop it first"));
	close(lock);

	/* A store is there: only with force, the old one kept. */
	assert_int_equal(
	    backup_restore(file, to, 0, &info, err, sizeof(err)), 0);
	assert_int_equal(
	    backup_restore(file, to, 0, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--force"));
	assert_int_equal(
	    backup_restore(file, to, 1, &info, err, sizeof(err)), 0);
	assert_int_equal(info.old_kept, 1);
	snprintf(p, sizeof(p), "%s/complaints.db.old", to);
	assert_true(exists(p));
	snprintf(p, sizeof(p), "%s/secret.key.old", to);
	assert_true(exists(p));
}

/* A copy that arrived over HTTP: checked where it lies, only read. */
static void
check_copy_as_received(void **state)
{
	struct fx *f = *state;
	struct backup_info info;
	struct stat before, after;
	char file[256], bad[256], err[512];
	sqlite3 *h;
	FILE *out;

	path(file, sizeof(file), f, "with.db");
	assert_int_equal(
	    backup_make(f->data, file, 1, &info, err, sizeof(err)), 0);
	assert_int_equal(stat(file, &before), 0);
	memset(&info, 0xff, sizeof(info));
	assert_int_equal(backup_check(file, &info, err, sizeof(err)), 0);
	assert_int_equal(info.with_key, 1);
	assert_int_equal(info.complaints, 0);
	assert_int_equal(stat(file, &after), 0);
	assert_int_equal(after.st_size, before.st_size);
	assert_int_equal(after.st_mtime, before.st_mtime);

	path(file, sizeof(file), f, "without.db");
	assert_int_equal(
	    backup_make(f->data, file, 0, &info, err, sizeof(err)), 0);
	assert_int_equal(backup_check(file, &info, err, sizeof(err)), 0);
	assert_int_equal(info.with_key, 0);

	/* Another version's copy: refused, named. */
	assert_int_equal(sqlite3_open(file, &h), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(h, "PRAGMA user_version = 9999", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	assert_int_equal(backup_check(file, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "schema 9999"));

	/* Not a store: a page of an error, say. */
	path(bad, sizeof(bad), f, "junk.db");
	assert_non_null(out = fopen(bad, "w"));
	fputs("<error/>\n", out);
	fclose(out);
	assert_int_equal(backup_check(bad, &info, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an SQLite database"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    backup_with_key_restores_it, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    backup_without_key, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    backup_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    restore_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    check_copy_as_received, setup, teardown),
	};

	log_init("test_backup", 1, LOG_LVL_ERR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
