/*
 * complaintctl backup, restore: verified copies of the server's store,
 * made on the server with --data-dir (the daemon may run) or by the
 * daemon for its administrator over HTTP, and put back into the data
 * folder of a stopped daemon.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backup/backup.h"
#include "ctl/ctl.h"

static int
backup_usage(const char *cmd)
{
	if (strcmp(cmd, "backup") == 0)
		fprintf(stderr,
		    "usage: complaintctl backup [--data-dir DIR] "
		    "[--with-keys] FILE\n");
	else
		fprintf(stderr,
		    "usage: complaintctl restore --data-dir DIR "
		    "[--force] FILE\n");
	return CTL_USAGE;
}

static void
print_info(const char *file, const struct backup_info *info)
{
	printf("file: %s\n", file);
	printf("complaints: %lld\n", (long long)info->complaints);
	printf("events: %lld\n", (long long)info->events);
	printf("journals: %lld\n", (long long)info->journals);
	printf("access-code key: %s\n",
	    info->with_key ? "included" : "not included");
}

/*
 * Through the API, as the administrator: the daemon makes the copy and
 * checks it (integrity_check, verify) before it sends it; the file is
 * written 0600, appears only when the whole copy came, and is checked
 * again here on arrival.
 */
static int
backup_http(const char *file, int with_keys)
{
	struct backup_info info;
	char err[1024];
	int rc;

	if (strcmp(file, "-") == 0) {
		fprintf(stderr,
		    "complaintctl: backup: name a file (it is "
		    "checked once written)\n");
		return CTL_USAGE;
	}
	rc = ctl_download_mode("backup",
	    with_keys ? "/api/v1/backup?keys=1" : "/api/v1/backup",
	    "application/vnd.sqlite3", file, 0600);
	if (rc != CTL_OK)
		return rc;
	log_init("complaintctl", 1, LOG_LVL_WARN);
	if (backup_check(file, &info, err, sizeof(err)) == -1) {
		fprintf(stderr, "complaintctl: backup: %s\n", err);
		return CTL_UNAVAILABLE;
	}
	print_info(file, &info);
	printf("ok\n");
	return CTL_OK;
}

/* backup and restore: argv[0] says which. */
int
cmd_backup(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data-dir", required_argument, NULL, 'd' },
		{ "with-keys", no_argument, NULL, 'k' },
		{ "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 }
	};
	const char *cmd = argv[0], *data_dir, *file;
	struct backup_info info;
	char err[1024];
	int ch, with_keys = 0, force = 0, restore;

	restore = strcmp(cmd, "restore") == 0;
	data_dir = getenv("COMPLAINTS_DATA_DIR");
	while ((ch = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			data_dir = optarg;
			break;
		case 'k':
			if (restore)
				return backup_usage(cmd);
			with_keys = 1;
			break;
		case 'f':
			if (!restore)
				return backup_usage(cmd);
			force = 1;
			break;
		default:
			ctl_bad_option(cmd, ch, argv);
			return backup_usage(cmd);
		}
	}
	if (optind != argc - 1 ||
	    (restore && (data_dir == NULL || *data_dir == '\0')))
		return backup_usage(cmd);
	file = argv[optind];
	if (!restore && (data_dir == NULL || *data_dir == '\0'))
		return backup_http(file, with_keys);
	log_init("complaintctl", 1, LOG_LVL_WARN);
	if ((restore ? backup_restore(
			   file, data_dir, force, &info, err, sizeof(err)) :
		       backup_make(data_dir, file, with_keys, &info, err,
			   sizeof(err))) == -1) {
		fprintf(stderr, "complaintctl: %s: %s\n", cmd, err);
		return restore ? CTL_REFUSED : CTL_UNAVAILABLE;
	}
	print_info(file, &info);
	if (restore && info.old_kept)
		printf("replaced: %s/complaints.db.old\n", data_dir);
	if (restore && !info.with_key)
		printf("warning: the copy holds no access-code key: access "
		       "codes handed out before need the data folder's own "
		       "secret.key\n");
	printf("ok\n");
	return CTL_OK;
}
