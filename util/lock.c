/*
 * One daemon per data folder: an exclusive lock on a file in it, held
 * for the life of the process (and of its children, which share it).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/util.h"

int
dir_lock(const char *dir, char *err, size_t errlen)
{
	char path[1024];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, DIR_LOCK_FILE) >=
	    sizeof(path)) {
		snprintf(err, errlen, "%s: the path is too long", dir);
		return -1;
	}
	/* Read-only, and readable by all (it is empty): a flock needs no
	 * more, so a file root made before dropping to the daemon's user
	 * can still be locked by that user. */
	if ((fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen,
			    "%s is in use by another "
			    "complaintsd (%s is locked): one daemon per data "
			    "folder",
			    dir, DIR_LOCK_FILE);
		else
			snprintf(err, errlen, "%s: flock: %s", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
