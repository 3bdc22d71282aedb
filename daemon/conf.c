/*
 * conf: the option table.  Every option has a name, a type, a default and
 * bounds; complaintsd.conf(5) documents each.  The file has one
 * "name = value" a line; '#' starts a comment.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conf.h"
#include "util/util.h"

#ifndef DATADIR
#define DATADIR "/usr/local/share/complaints"
#endif

enum opt_type { OPT_STR, OPT_INT };

struct opt {
	const char *name;
	enum opt_type type;
	const char *def;
	long long min, max;
	size_t off;
};

#define S(n, d) \
	{ \
#n, OPT_STR, d, 0, 0, offsetof(struct conf, n) \
	}
#define I(n, d, lo, hi) \
	{ \
#n, OPT_INT, #d, lo, hi, offsetof(struct conf, n) \
	}

static const struct opt opts[] = {
	S(listen, "127.0.0.1"),
	S(tls_cert, ""),
	S(tls_key, ""),
	I(port, 8080, 0, 65535),
	S(data_dir, "/var/lib/complaints"),
	S(user, ""),
	S(group, ""),
	S(renderer, ""),
	I(renderer_timeout, 30, 1, 600),
	S(schema_dir, DATADIR "/schemas"),
	S(web_dir, DATADIR "/web"),
	S(calendar, ""),
	S(calendar_local, ""),
	S(rules_file, ""),
	S(routing_file, ""),
	S(directory, ""),
	S(timezone, "Asia/Almaty"),
	S(rules, ""),
	S(port_file, ""),
	S(log_level, "info"),
	I(threads, 4, 1, 64),
	I(readers, 4, 1, 64),
	I(reader_wait_ms, 2000, 10, 60000),
	I(max_connections, 512, 4, 100000),
	I(max_connections_per_ip, 64, 0, 100000),
	I(max_body, 1048576, 4096, 67108864),
	I(connection_timeout, 30, 1, 3600),
	I(header_timeout, 10, 1, 3600),
	I(body_timeout, 120, 1, 86400),
	I(queue_max, 10000, 1, 1000000),
	I(batch_max, 512, 1, 100000),
	I(shutdown_grace, 10, 0, 600),
	I(watch_interval, 60, 0, 86400),
	S(smtp_url, ""),
	S(smtp_from, "complaints@complaints.local"),
	S(smtp_user, ""),
	S(smtp_password_file, ""),
	S(smtp_tls, "try"),
	S(smtp_ca, ""),
	S(mail_capture, ""),
	S(mail_host, "complaints.local"),
	S(status_url, ""),
	I(notify_interval, 5, 0, 3600),
	I(smtp_timeout, 60, 5, 3600),
	I(notify_attempts, 8, 1, 100),
	I(notify_backoff, 60, 1, 86400),
	I(lookup_burst, 30, 1, 10000000),
	I(lookup_rate, 60, 1, 600000000),
	I(session_hours, 12, 1, 720),
	I(session_idle, 30, 1, 1440),
	I(token_days, 365, 1, 3650),
	I(remind_days, 3, 0, 60),
	I(repeat_days, 365, 1, 3650),
	I(test_clock_offset, 0, -3153600000LL, 3153600000LL),
	S(test_write_hold, ""),
	I(test_keep_root, 0, 0, 1),
	S(test_renderer_fault, ""),
};

static int
set(struct conf *c, const struct opt *o, const char *value, char *err,
    size_t errlen)
{
	char **sp;
	long long v;

	if (o->type == OPT_INT) {
		if (parse_ll(value, o->min, o->max, &v) == -1) {
			snprintf(err, errlen,
			    "%s: \"%s\" is not a number from "
			    "%lld to %lld",
			    o->name, value, o->min, o->max);
			return -1;
		}
		*(long long *)(void *)((char *)c + o->off) = v;
		return 0;
	}
	sp = (char **)(void *)((char *)c + o->off);
	free(*sp);
	if ((*sp = strdup(value)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Options a release removed.  A configuration that still sets one starts
 * with a warning instead of stopping: an upgrade must not leave the
 * service down over a line that no longer means anything.
 */
static const struct {
	const char *name;
	const char *why;
} gone[] = {
	{ "template_dir",
	    "notices are rendered by the view layer's "
	    "stylesheets in web_dir" },
};

static int
conf_gone(const char *path, int lineno, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		if (strcmp(gone[i].name, name) == 0) {
			log_warnx("%s:%d: option \"%s\" is no longer used "
				  "(%s); ignored",
			    path, lineno, name, gone[i].why);
			return 1;
		}
	return 0;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	char line[1024], *p, *eq, *name, *value;
	size_t i, n = sizeof(opts) / sizeof(opts[0]);
	int lineno = 0, rc = -1;
	FILE *f = NULL;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++)
		if (set(c, &opts[i], opts[i].def, err, errlen) == -1)
			return -1;
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(
			    err, errlen, "%s:%d: line too long", path, lineno);
			goto out;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = str_trim(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected name = value",
			    path, lineno);
			goto out;
		}
		*eq = '\0';
		name = str_trim(p);
		value = str_trim(eq + 1);
		for (i = 0; i < n; i++)
			if (strcmp(opts[i].name, name) == 0)
				break;
		if (i == n && conf_gone(path, lineno, name))
			continue;
		if (i == n) {
			snprintf(err, errlen, "%s:%d: unknown option \"%s\"",
			    path, lineno, name);
			goto out;
		}
		if (set(c, &opts[i], value, line, sizeof(line)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, line);
			goto out;
		}
		if (strcmp(c->smtp_tls, "none") && strcmp(c->smtp_tls, "try") &&
		    strcmp(c->smtp_tls, "required")) {
			snprintf(err, errlen,
			    "%s:%d: smtp_tls: none, try or "
			    "required",
			    path, lineno);
			goto out;
		}
		if (strcmp(c->log_level, "debug") &&
		    strcmp(c->log_level, "info") &&
		    strcmp(c->log_level, "warning")) {
			snprintf(err, errlen,
			    "%s:%d: log_level: debug, info "
			    "or warning",
			    path, lineno);
			goto out;
		}
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

void
conf_free(struct conf *c)
{
	size_t n = sizeof(opts) / sizeof(opts[0]);

	for (size_t i = 0; i < n; i++)
		if (opts[i].type == OPT_STR)
			free(*(char **)(void *)((char *)c + opts[i].off));
	memset(c, 0, sizeof(*c));
}

void
conf_dump(const struct conf *c)
{
	size_t n = sizeof(opts) / sizeof(opts[0]);

	for (size_t i = 0; i < n; i++) {
		const void *p = (const char *)c + opts[i].off;

		if (opts[i].type == OPT_INT)
			printf(
			    "%s = %lld\n", opts[i].name, *(const long long *)p);
		else
			printf("%s = %s\n", opts[i].name, *(char *const *)p);
	}
}
