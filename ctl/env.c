/*
 * complaintctl: where the installed files are.  One environment name for
 * each folder: COMPLAINTS_SHARE_DIR for the installed schemas and data
 * files, COMPLAINTS_DATA_DIR for the daemon's data folder (the store).
 * The old name of the first, COMPLAINTS_DATADIR, one underscore away
 * from the second, still works with a warning.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctl/ctl.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share/complaints"
#endif

const char *
ctl_share_dir(void)
{
	static int warned;
	const char *dir;

	if ((dir = getenv("COMPLAINTS_SHARE_DIR")) != NULL && *dir != '\0')
		return dir;
	if ((dir = getenv("COMPLAINTS_DATADIR")) != NULL && *dir != '\0') {
		if (!warned)
			fprintf(stderr,
			    "complaintctl: COMPLAINTS_DATADIR is "
			    "an old name; use COMPLAINTS_SHARE_DIR\n");
		warned = 1;
		return dir;
	}
	return DATADIR;
}
