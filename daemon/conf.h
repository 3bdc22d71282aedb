/*
 * conf: complaintsd.conf, parsed once into an immutable struct from one
 * table of options with types, defaults and bounds.
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>

struct conf {
	char *listen;
	char *tls_cert;
	char *tls_key;
	long long port;
	char *data_dir;
	char *user;
	char *group;
	char *renderer; /* the renderer program; "": found (notify/) */
	long long renderer_timeout;
	char *schema_dir;
	char *web_dir;
	char *calendar;
	char *calendar_local;
	char *rules_file;
	char *routing_file;
	char *directory;
	char *timezone;
	char *rules;
	char *port_file;
	char *log_level;
	long long threads;
	long long readers;
	long long reader_wait_ms;
	long long max_connections;
	long long max_connections_per_ip;
	long long max_body;
	long long connection_timeout;
	long long header_timeout;
	long long body_timeout;
	long long queue_max;
	long long batch_max;
	long long shutdown_grace;
	long long test_clock_offset;
	char *test_write_hold;
	long long test_keep_root;
	char *test_renderer_fault;
	long long watch_interval;
	char *smtp_url;
	char *smtp_from;
	char *smtp_user;
	char *smtp_password_file;
	char *smtp_tls;
	char *smtp_ca;
	char *mail_capture;
	char *mail_host;
	char *status_url;
	long long notify_interval;
	long long smtp_timeout;
	long long notify_attempts;
	long long notify_backoff;
	long long lookup_burst;
	long long lookup_rate;
	long long session_hours;
	long long session_idle;
	long long token_days;
	long long remind_days;
	long long repeat_days;
};

/* Defaults, then the file (NULL: none).  -1 with a message on error. */
int conf_load(struct conf *, const char *path, char *err, size_t);
void conf_free(struct conf *);
/* Writes every option with its value, for -n -v. */
void conf_dump(const struct conf *);

#endif /* CONF_H */
