/*
 * priv: the daemon's identity.  See daemon/priv.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/priv.h"
#include "util/util.h"

/* What complaints_open() makes in data_dir. */
static const char *const data_files[] = { "complaints.db", "complaints.db-wal",
	"complaints.db-shm", "secret.key", DIR_LOCK_FILE };

int
priv_resolve(
    const struct conf *c, int check, struct priv *p, char *err, size_t errlen)
{
	struct passwd *pw;
	struct group *gr;

	memset(p, 0, sizeof(*p));
	p->uid = (uid_t)-1;
	p->gid = (gid_t)-1;
	if (geteuid() != 0 && !check)
		return 0;
	if (c->user[0] == '\0') {
		if (c->test_keep_root || check)
			return 0;
		snprintf(err, errlen,
		    "started as root without \"user\": set "
		    "user in complaintsd.conf to the daemon's own user");
		return -1;
	}
	if ((pw = getpwnam(c->user)) == NULL) {
		snprintf(err, errlen, "user: %s: no such user", c->user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user: %s is root", c->user);
		return -1;
	}
	p->drop = !check;
	p->uid = pw->pw_uid;
	p->gid = pw->pw_gid;
	snprintf(p->name, sizeof(p->name), "%s", c->user);
	if (c->group[0] != '\0') {
		if ((gr = getgrnam(c->group)) == NULL) {
			snprintf(
			    err, errlen, "group: %s: no such group", c->group);
			return -1;
		}
		p->gid = gr->gr_gid;
	}
	if (p->gid == 0) {
		snprintf(err, errlen, "group: the daemon's group is root's");
		return -1;
	}
	return 0;
}

int
priv_data_dir(const struct priv *p, const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!p->drop)
		return 0;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) == -1 ||
	    fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if ((st.st_uid != p->uid || st.st_gid != p->gid) &&
	    fchown(fd, p->uid, p->gid) == -1) {
		snprintf(err, errlen, "%s: chown %s: %s", dir, p->name,
		    strerror(errno));
		close(fd);
		return -1;
	}
	/* Files root made here on an earlier start, or just now. */
	for (size_t i = 0; i < sizeof(data_files) / sizeof(data_files[0]);
	     i++) {
		if (fstatat(fd, data_files[i], &st, AT_SYMLINK_NOFOLLOW) ==
			-1 ||
		    !S_ISREG(st.st_mode) || st.st_uid == p->uid)
			continue;
		if (fchownat(fd, data_files[i], p->uid, p->gid,
			AT_SYMLINK_NOFOLLOW) == -1) {
			snprintf(err, errlen, "%s/%s: chown %s: %s", dir,
			    data_files[i], p->name, strerror(errno));
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

int
priv_drop(const struct priv *p, char *err, size_t errlen)
{
	if (!p->drop)
		return 0;
	/* glibc applies these to every thread of the process. */
	if (setgroups(1, &p->gid) == -1 ||
	    setresgid(p->gid, p->gid, p->gid) == -1 ||
	    setresuid(p->uid, p->uid, p->uid) == -1) {
		snprintf(err, errlen, "cannot become %s: %s", p->name,
		    strerror(errno));
		return -1;
	}
	if (setuid(0) != -1 || geteuid() == 0) {
		snprintf(err, errlen,
		    "root could be regained after becoming "
		    "%s",
		    p->name);
		return -1;
	}
	return 0;
}
