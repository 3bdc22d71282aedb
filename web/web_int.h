/*
 * web: what its files share.  load.c keeps the loaded files, render.c
 * names what it needs from them.
 */
#ifndef WEB_INT_H
#define WEB_INT_H

#include "web/web.h"

/* A part of page.html; s is not NUL-terminated at len. */
struct web_part {
	const char	*name;
	size_t		 name_len;
	const char	*s;
	size_t		 len;
};

/* The part of that name, or NULL. */
const struct web_part	*web_part(const char *name);
/* 1 once web_init has loaded everything. */
int			 web_loaded(void);

/*
 * What render.c looks up, NULL-terminated: the texts English must have
 * beyond those page.html names, and the parts page.html must have.
 */
extern const char *const web_keys[];
extern const char *const web_parts[];

#endif /* WEB_INT_H */
