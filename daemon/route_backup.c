/*
 * route_backup: GET /api/v1/backup, a verified copy of the store for the
 * administrator (complaintctl backup FILE).  The copy is made by
 * backup/ exactly as complaintctl backup --data-dir makes it (VACUUM
 * INTO a file of its own under data_dir, then integrity_check and the
 * journal's verify); only a copy that passed is sent.  The file is
 * unlinked as soon as it is open, so a client that goes away leaves
 * nothing behind, and the answer streams from its descriptor: no reader
 * of the store is held while the client reads.  One backup at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup/backup.h"
#include "daemon/conf.h"
#include "daemon/httpd_int.h"

static int backup_running;

/* The copy's counts as headers, for complaintctl to print. */
static int
add_info(struct MHD_Response *resp, const struct backup_info *info)
{
	char v[32];

	snprintf(v, sizeof(v), "%lld", (long long)info->complaints);
	if (MHD_add_response_header(resp, "X-Backup-Complaints", v) != MHD_YES)
		return -1;
	snprintf(v, sizeof(v), "%lld", (long long)info->events);
	if (MHD_add_response_header(resp, "X-Backup-Events", v) != MHD_YES)
		return -1;
	snprintf(v, sizeof(v), "%lld", (long long)info->journals);
	if (MHD_add_response_header(resp, "X-Backup-Journals", v) != MHD_YES)
		return -1;
	if (MHD_add_response_header(resp, "X-Backup-Key",
		info->with_key ? "yes" : "no") != MHD_YES ||
	    MHD_add_response_header(resp, "Content-Disposition",
		"attachment; filename=\"complaints-backup.db\"") != MHD_YES)
		return -1;
	return 0;
}

enum MHD_Result
route_backup(struct req *r)
{
	struct MHD_Response *resp;
	struct backup_info info;
	struct stat st;
	const char *keys = httpd_arg(r, "keys");
	char file[1100], err[1024];
	int fd = -1, with_key;
	enum MHD_Result rc;

	if (r->who->role != COMPLAINTS_ROLE_ADMIN)
		return httpd_fail(r, 403, "forbidden",
		    "only an administrator "
		    "takes backups");
	if (keys != NULL && strcmp(keys, "0") != 0 && strcmp(keys, "1") != 0)
		return httpd_fail(r, 400, "bad-parameter", "keys: 0 or 1");
	with_key = keys != NULL && strcmp(keys, "1") == 0;
	if (__atomic_exchange_n(&backup_running, 1, __ATOMIC_ACQ_REL))
		return httpd_fail(r, 409, "backup-running",
		    "a backup is "
		    "being made; try again when it is done");
	if ((size_t)snprintf(file, sizeof(file), "%s/backup.%ld.tmp",
		r->h->conf->data_dir, (long)getpid()) >= sizeof(file)) {
		rc = httpd_fail(r, 500, "internal",
		    "data_dir: the path is "
		    "too long");
		goto out;
	}
	if (backup_make(r->h->conf->data_dir, file, with_key, &info, err,
		sizeof(err)) == -1) {
		rc = httpd_fail(r, 503, "backup-failed", "%s", err);
		goto out;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	unlink(file);
	if (fd == -1 || fstat(fd, &st) == -1) {
		rc = httpd_fail(
		    r, 503, "backup-failed", "%s: %s", file, strerror(errno));
		goto out;
	}
	/* MHD owns fd from here, and closes it with the response. */
	if ((resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd)) ==
	    NULL) {
		rc = httpd_fail(r, 500, "internal", "out of memory");
		goto out;
	}
	fd = -1;
	if (add_info(resp, &info) == -1) {
		MHD_destroy_response(resp);
		rc = httpd_fail(r, 500, "internal", "out of memory");
		goto out;
	}
	log_info("backup: %lld complaints, %lld events%s, for %s",
	    (long long)info.complaints, (long long)info.events,
	    with_key ? ", with the key" : "", r->who->login);
	rc = httpd_queue(r, 200, resp, "application/vnd.sqlite3");
out:
	if (fd != -1)
		close(fd);
	__atomic_store_n(&backup_running, 0, __ATOMIC_RELEASE);
	return rc;
}
