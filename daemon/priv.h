/*
 * priv: who the daemon runs as.  Started as root it binds, reads its
 * keys and opens the database as root, then becomes conf.user for good;
 * started as anyone else it stays who it is.  Return convention: 0, or
 * -1 with a message in err.
 */
#ifndef PRIV_H
#define PRIV_H

#include <stddef.h>
#include <sys/types.h>

#include "daemon/conf.h"

struct priv {
	int drop;  /* 1: started as root, becomes uid/gid */
	uid_t uid; /* (uid_t)-1 when not dropping */
	gid_t gid;
	char name[64]; /* the user's name, for messages */
};

/*
 * Decides from the configuration and who we are: a user to become, or
 * none.  Refuses root without "user" unless test_keep_root is set, or
 * check is 1 (complaintsd -n: the names are checked, not who runs).
 */
int
priv_resolve(const struct conf *, int check, struct priv *, char *err, size_t);
/*
 * Makes data_dir (mode 0700) when missing; as root, gives it and the
 * database files already in it to the user.
 */
int priv_data_dir(const struct priv *, const char *data_dir, char *err, size_t);
/* Becomes the user for good, all threads; checks root cannot return. */
int priv_drop(const struct priv *, char *err, size_t);

#endif /* PRIV_H */
