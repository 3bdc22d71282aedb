/*
 * backup: verified copies of a data folder's store, and restoring one
 * into the folder of a stopped daemon.  A copy is made online (the
 * daemon keeps registering), then checked with PRAGMA integrity_check
 * and the journal's verify before it is trusted; a copy that fails
 * either is never written or restored.  Functions return 0, or -1 with
 * the reason in err.
 */
#ifndef BACKUP_H
#define BACKUP_H

#include <stddef.h>
#include <stdint.h>

/* What a check found in a copy. */
struct backup_info {
	int64_t complaints, events, journals;
	int with_key; /* holds the access-code key */
	int old_kept; /* restore: the replaced store is *.old */
};

/*
 * Copies the store of data_dir (complaints.db) to file, mode 0600,
 * with the access-code key (secret.key) when with_key is set, and checks
 * the copy; file appears only when it passed.
 */
int backup_make(const char *data_dir, const char *file, int with_key,
    struct backup_info *, char *err, size_t errlen);
/*
 * Checks a copy made elsewhere (complaintctl backup over HTTP, on
 * arrival): of this version's schema, integrity_check and verify; info
 * gets its counts and whether it holds the key.  The file is only read.
 */
int
backup_check(const char *file, struct backup_info *, char *err, size_t errlen);
/*
 * Restores file into data_dir, whose daemon must be stopped (its lock is
 * taken for the time of the restore).  A copy that fails the checks is
 * refused and nothing changes.  An existing store is replaced only with
 * force, and kept as complaints.db.old (and secret.key.old when the
 * copy brings a key).  A copy made by an older version is migrated.
 */
int backup_restore(const char *file, const char *data_dir, int force,
    struct backup_info *, char *err, size_t errlen);

#endif /* BACKUP_H */
