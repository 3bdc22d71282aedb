/*
 * backup: see backup.h.  The copy is VACUUM INTO a temporary file beside
 * the target, checked there, then renamed into place.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "backup/backup.h"
#include "db/db.h"
#include "util/util.h"

#define STORE_FILE "complaints.db"
#define KEY_FILE   "secret.key"
#define KEY_NOTE   "secret.key"
#define KEY_LEN	   32

static int
path_in(char *out, size_t len, const char *dir, const char *name)
{
	return (size_t)snprintf(out, len, "%s/%s", dir, name) < len ? 0 : -1;
}

/* Makes the rename of a file in path's folder durable. */
static void
sync_dir_of(const char *path)
{
	char tmp[1024];
	int fd;

	if (strlcpy_chk(tmp, path, sizeof(tmp)) == -1)
		return;
	if ((fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		fsync(fd);
		close(fd);
	}
}

static int
sync_file(const char *path)
{
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Removes a store file that is not wanted, with its -wal and -shm. */
static void
unlink_store(const char *path)
{
	char side[1200];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

/*
 * Checks an open copy: integrity, then the journal's verify.  -1 with
 * the first problem in err.
 */
static int
check_copy(struct db *db, const char *name, struct backup_info *info, char *err,
    size_t errlen)
{
	struct db_verify v;
	char bad[512];
	int rc;

	if ((rc = db_integrity(db, bad, sizeof(bad))) != DB_OK) {
		snprintf(err, errlen, "%s: integrity_check: %s", name,
		    db_strerror(rc));
		return -1;
	}
	if (bad[0]) {
		snprintf(err, errlen, "%s: integrity_check: %s", name, bad);
		return -1;
	}
	if ((rc = db_verify(db, &v)) != DB_OK) {
		snprintf(err, errlen, "%s: verify: %s", name, db_strerror(rc));
		return -1;
	}
	if (v.bad[0]) {
		snprintf(err, errlen, "%s: verify: %s", name, v.bad);
		return -1;
	}
	info->complaints = v.complaints;
	info->events = v.events;
	info->journals = v.journals;
	return 0;
}

/* The 32-byte key of data_dir; -1 with err. */
static int
read_key(const char *path, uint8_t key[KEY_LEN], char *err, size_t errlen)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, key, KEY_LEN);
	close(fd);
	if (n != KEY_LEN) {
		snprintf(err, errlen, "%s: not a %d-byte key", path, KEY_LEN);
		return -1;
	}
	return 0;
}

static int
write_new(
    const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
		-1 ||
	    write(fd, data, len) != (ssize_t)len || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Whether path is a store of ours before SQLite touches it (opened for
 * writing, an empty or foreign file would become a new store): the
 * SQLite header, and a schema version (user_version, at byte 60) this
 * build knows.
 */
static int
check_header(const char *path, long *version, char *err, size_t errlen)
{
	unsigned char h[100];
	ssize_t n;
	long v;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0) {
		snprintf(err, errlen, "%s: not an SQLite database", path);
		return -1;
	}
	v = (long)h[60] << 24 | (long)h[61] << 16 | (long)h[62] << 8 | h[63];
	if (v <= 0) {
		snprintf(err, errlen,
		    "%s: not a complaintsd store (schema "
		    "version %ld)",
		    path, v);
		return -1;
	}
	if (v > db_schema_version()) {
		snprintf(err, errlen,
		    "%s: made by a newer complaintsd "
		    "(schema %ld; this one knows up to %d)",
		    path, v, db_schema_version());
		return -1;
	}
	*version = v;
	return 0;
}

int
backup_make(const char *data_dir, const char *file, int with_key,
    struct backup_info *info, char *err, size_t errlen)
{
	struct db *src = NULL, *copy = NULL;
	uint8_t key[KEY_LEN];
	char store[1024], keyp[1024], tmp[1100];
	int fd, rc, ret = -1, version;

	memset(info, 0, sizeof(*info));
	tmp[0] = '\0';
	if (path_in(store, sizeof(store), data_dir, STORE_FILE) == -1 ||
	    path_in(keyp, sizeof(keyp), data_dir, KEY_FILE) == -1 ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file) >=
		sizeof(tmp)) {
		snprintf(err, errlen, "%s: the path is too long", file);
		tmp[0] = '\0';
		goto out;
	}
	if (with_key && read_key(keyp, key, err, errlen) == -1)
		goto out;
	if (access(store, F_OK) == -1) {
		snprintf(err, errlen, "%s: %s", store, strerror(errno));
		goto out;
	}
	if (db_file_version(store, &version, err, errlen) != DB_OK)
		goto out;
	/* The checks of the copy speak this version's schema. */
	if (version != db_schema_version()) {
		snprintf(err, errlen,
		    "%s is at schema %d, this complaintctl "
		    "at %d: back it up with the complaintctl of its version, "
		    "or start this version's daemon first (it migrates)",
		    store, version, db_schema_version());
		goto out;
	}
	if ((src = db_open(store, 0, err, errlen)) == NULL)
		goto out;
	/* An empty file of our own, 0600, that VACUUM INTO fills. */
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	fchmod(fd, 0600);
	close(fd);
	if ((rc = db_backup_into(src, tmp)) != DB_OK) {
		snprintf(
		    err, errlen, "%s: copying: %s", store, db_strerror(rc));
		goto out;
	}
	db_close(src);
	src = NULL;
	if ((copy = db_open(tmp, DB_OPEN_WRITE, err, errlen)) == NULL)
		goto out;
	if (with_key &&
	    (rc = db_backup_note_put(copy, KEY_NOTE, key, KEY_LEN)) != DB_OK) {
		snprintf(err, errlen, "%s: the key: %s", tmp, db_strerror(rc));
		goto out;
	}
	if (check_copy(copy, file, info, err, errlen) == -1)
		goto out;
	db_close(copy);
	copy = NULL;
	if (sync_file(tmp) == -1 || rename(tmp, file) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	sync_dir_of(file);
	info->with_key = with_key;
	ret = 0;
out:
	sodium_memzero(key, sizeof(key));
	db_close(copy);
	db_close(src);
	if (tmp[0])
		unlink_store(tmp);
	return ret;
}

int
backup_check(
    const char *file, struct backup_info *info, char *err, size_t errlen)
{
	struct db *db;
	uint8_t key[KEY_LEN];
	size_t klen = 0;
	long version;
	int rc, ret = -1;

	memset(info, 0, sizeof(*info));
	if (check_header(file, &version, err, errlen) == -1)
		return -1;
	if (version != db_schema_version()) {
		snprintf(err, errlen,
		    "%s is at schema %ld, this complaintctl "
		    "at %d: check it with the complaintctl of the daemon's "
		    "version",
		    file, version, db_schema_version());
		return -1;
	}
	if ((db = db_open(file, 0, err, errlen)) == NULL)
		return -1;
	if (check_copy(db, file, info, err, errlen) == -1)
		goto out;
	rc = db_backup_note_get(db, KEY_NOTE, key, sizeof(key), &klen);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		snprintf(err, errlen, "%s: the key: %s", file, db_strerror(rc));
		goto out;
	}
	info->with_key = rc == DB_OK && klen == KEY_LEN;
	ret = 0;
out:
	sodium_memzero(key, sizeof(key));
	db_close(db);
	return ret;
}

/* Copies src to a new file dst, 0600, synced. */
static int
copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
	char b[65536];
	ssize_t n;
	int in, out = -1, ret = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		goto out;
	}
	while ((n = read(in, b, sizeof(b))) > 0)
		if (write(out, b, (size_t)n) != n) {
			snprintf(err, errlen, "%s: %s", dst, strerror(errno));
			goto out;
		}
	if (n == -1 || fsync(out) == -1) {
		snprintf(err, errlen, "%s: %s", n == -1 ? src : dst,
		    strerror(errno));
		goto out;
	}
	ret = 0;
out:
	close(in);
	if (out != -1)
		close(out);
	return ret;
}

/* Moves name to name.old (with its -wal and -shm); ENOENT is no error. */
static int
keep_old(const char *dir, const char *name, char *err, size_t errlen)
{
	static const char *const side[] = { "", "-wal", "-shm" };
	char from[1100], to[1100];

	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s%s", dir, name, side[i]);
		snprintf(to, sizeof(to), "%s/%s.old%s", dir, name, side[i]);
		if (rename(from, to) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "%s: %s", from, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Root restoring for the daemon's user: the files become the folder's. */
static void
own_like_dir(const char *dir, const char *path)
{
	struct stat st;

	if (geteuid() == 0 && stat(dir, &st) == 0 &&
	    chown(path, st.st_uid, st.st_gid) == -1)
		log_warn("%s: chown", path);
}

int
backup_restore(const char *file, const char *data_dir, int force,
    struct backup_info *info, char *err, size_t errlen)
{
	struct db *db = NULL;
	uint8_t key[KEY_LEN];
	char store[1024], keyp[1024], work[1100], keywork[1100];
	size_t klen = 0;
	long version;
	int lock = -1, rc, ret = -1, have_store;

	memset(info, 0, sizeof(*info));
	work[0] = keywork[0] = '\0';
	if (path_in(store, sizeof(store), data_dir, STORE_FILE) == -1 ||
	    path_in(keyp, sizeof(keyp), data_dir, KEY_FILE) == -1) {
		snprintf(err, errlen, "%s: the path is too long", data_dir);
		goto out;
	}
	if (mkdir(data_dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", data_dir, strerror(errno));
		goto out;
	}
	if ((lock = dir_lock(data_dir, err, errlen)) == -1) {
		if (strstr(err, "in use") != NULL)
			snprintf(err, errlen,
			    "%s is in use by a running "
			    "complaintsd: stop it first",
			    data_dir);
		goto out;
	}
	have_store = access(store, F_OK) == 0;
	if (have_store && !force) {
		snprintf(err, errlen,
		    "%s already holds a journal; --force "
		    "replaces it (kept as %s.old)",
		    data_dir, STORE_FILE);
		goto out;
	}
	if (check_header(file, &version, err, errlen) == -1)
		goto out;
	snprintf(work, sizeof(work), "%s.restoring", store);
	snprintf(keywork, sizeof(keywork), "%s.restoring", keyp);
	if (copy_file(file, work, err, errlen) == -1) {
		unlink(work);
		goto out;
	}
	/* Writable: a copy made by an older version is migrated here. */
	if ((db = db_open(work, DB_OPEN_WRITE, err, errlen)) == NULL)
		goto out;
	if (check_copy(db, file, info, err, errlen) == -1)
		goto out;
	rc = db_backup_note_get(db, KEY_NOTE, key, sizeof(key), &klen);
	if (rc == DB_OK && klen == KEY_LEN) {
		if (write_new(keywork, key, KEY_LEN, err, errlen) == -1)
			goto out;
		info->with_key = 1;
	} else if (rc != DB_NOTFOUND) {
		snprintf(err, errlen, "%s: the key: %s", file,
		    rc == DB_OK ? "not 32 bytes" : db_strerror(rc));
		goto out;
	}
	if ((rc = db_backup_notes_drop(db)) != DB_OK) {
		snprintf(err, errlen, "%s: %s", work, db_strerror(rc));
		goto out;
	}
	db_close(db); /* checkpoints: the store is one file again */
	db = NULL;
	if (have_store) {
		if (keep_old(data_dir, STORE_FILE, err, errlen) == -1)
			goto out;
		info->old_kept = 1;
	}
	if (info->with_key && access(keyp, F_OK) == 0 &&
	    keep_old(data_dir, KEY_FILE, err, errlen) == -1)
		goto out;
	if (sync_file(work) == -1 || rename(work, store) == -1) {
		snprintf(err, errlen, "%s: %s", store, strerror(errno));
		goto out;
	}
	work[0] = '\0';
	own_like_dir(data_dir, store);
	if (info->with_key) {
		if (rename(keywork, keyp) == -1) {
			snprintf(err, errlen, "%s: %s", keyp, strerror(errno));
			goto out;
		}
		keywork[0] = '\0';
		own_like_dir(data_dir, keyp);
	}
	sync_dir_of(store);
	ret = 0;
out:
	sodium_memzero(key, sizeof(key));
	db_close(db);
	if (work[0])
		unlink_store(work);
	if (keywork[0])
		unlink(keywork);
	if (lock != -1)
		close(lock);
	return ret;
}
