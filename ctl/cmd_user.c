/*
 * complaintctl login, logout, token and user.
 *
 * login keeps the session token in a file readable by its owner only
 * ($COMPLAINTS_TOKEN_FILE, else ~/.config/complaintctl/token); every
 * request then carries it.  user works over HTTP with an administrator's
 * session, or with --data-dir directly on the server's own database:
 * that is how the first administrator is made.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "complaints/complaints.h"
#include "ctl/ctl.h"
#include "xmlio/xmlio.h"

#define TOKEN_MAX 128

static const char user_usage_text[] =
    "usage: complaintctl user add LOGIN NAME "
    "--position POS --body CODE --role ROLE\n"
    "       complaintctl user add LOGIN --admin NAME "
    "--position POS [--body CODE]\n"
    "  NAME: --surname S --given-name N [--patronymic P], or --name "
    "\"FULL NAME\"\n"
    "       complaintctl user passwd LOGIN\n"
    "       complaintctl user disable LOGIN\n"
    "       complaintctl user list\n"
    "  options: --data-dir DIR (the server's own database), "
    "--schema-dir DIR, --password-stdin\n";

static int
token_path(char *out, size_t size)
{
	const char *p = getenv("COMPLAINTS_TOKEN_FILE"), *home;

	if (p && *p)
		return snprintf(out, size, "%s", p) < (int)size ? 0 : -1;
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		return -1;
	return snprintf(out, size, "%s/.config/complaintctl/token", home) <
		(int)size ?
	    0 :
	    -1;
}

static int
token_read(char tok[TOKEN_MAX])
{
	const char *env = getenv("COMPLAINTS_TOKEN");
	char path[1024];
	ssize_t n;
	int fd;

	if (env && *env)
		return strlcpy_chk(tok, env, TOKEN_MAX);
	if (token_path(path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, tok, TOKEN_MAX - 1);
	close(fd);
	if (n <= 0)
		return -1;
	tok[n] = '\0';
	tok[strcspn(tok, "\r\n")] = '\0';
	return tok[0] ? 0 : -1;
}

struct curl_slist *
ctl_auth(struct curl_slist *hdr)
{
	char tok[TOKEN_MAX], h[TOKEN_MAX + 32];

	if (token_read(tok) == -1)
		return hdr;
	snprintf(h, sizeof(h), "Authorization: Bearer %s", tok);
	hdr = curl_slist_append(hdr, h);
	sodium_memzero(tok, sizeof(tok));
	sodium_memzero(h, sizeof(h));
	return hdr;
}

/* Reads a password from the terminal without echo, or a line of stdin. */
static int
read_password(const char *prompt, int from_stdin, char *pw, size_t size)
{
	struct termios t, saved;
	FILE *in = stdin;
	int tty = !from_stdin && isatty(STDIN_FILENO);

	if (tty) {
		fprintf(stderr, "%s", prompt);
		tcgetattr(STDIN_FILENO, &saved);
		t = saved;
		t.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	}
	if (fgets(pw, (int)size, in) == NULL)
		pw[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fprintf(stderr, "\n");
	}
	pw[strcspn(pw, "\r\n")] = '\0';
	if (pw[0] == '\0') {
		fprintf(stderr, "complaintctl: no password given\n");
		return -1;
	}
	return 0;
}

/* A document with one level of text children, escaped properly. */
static int
doc(struct buf *b, const char *root, const char *const names[],
    const char *const values[], int n)
{
	struct xmlio_out o;

	if (xmlio_out_begin(&o, root) == -1)
		return -1;
	for (int i = 0; i < n; i++)
		if (values[i] &&
		    xmlio_out_elem(&o, names[i], values[i]) == -1) {
			xmlio_out_free(&o);
			return -1;
		}
	buf_init(b, 64 * 1024);
	return xmlio_out_finish(&o, b);
}

/* The text of a child of the answer's root; caller frees. */
static char *
answer_text(const struct buf *b, const char *name)
{
	xmlDocPtr d = xmlReadMemory(b->data ? b->data : "", (int)b->len,
	    "answer.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR);
	char *t = d ? xmlio_child_text(xmlDocGetRootElement(d), name) : NULL;

	xmlFreeDoc(d);
	return t;
}

static int
exchange(const char *method, const char *path, const struct buf *body,
    long expect, struct buf *out)
{
	long status = 0;

	if (ctl_http(method, path, "application/xml", body ? body->data : NULL,
		body ? body->len : 0, out, &status) == -1)
		return CTL_UNAVAILABLE;
	if (status != expect)
		return ctl_report(status, out);
	return CTL_OK;
}

int
cmd_login(int argc, char **argv)
{
	static const char *const names[] = { "login", "password" };
	const char *values[2];
	char pw[300], path[1024], *tok = NULL, *dir;
	struct buf body, out;
	int rc, fd, from_stdin = 0;

	if (argc == 3 && strcmp(argv[2], "--password-stdin") == 0)
		from_stdin = 1;
	else if (argc != 2) {
		fprintf(stderr,
		    "usage: complaintctl login LOGIN "
		    "[--password-stdin]\n");
		return CTL_USAGE;
	}
	if (read_password("Password: ", from_stdin, pw, sizeof(pw)) == -1)
		return CTL_USAGE;
	values[0] = argv[1];
	values[1] = pw;
	if (doc(&body, "sign-in", names, values, 2) == -1) {
		sodium_memzero(pw, sizeof(pw));
		return CTL_UNAVAILABLE;
	}
	sodium_memzero(pw, sizeof(pw));
	rc = exchange("POST", "/api/v1/session", &body, 201, &out);
	sodium_memzero(body.data, body.len);
	buf_free(&body);
	if (rc == CTL_OK && (tok = answer_text(&out, "token")) == NULL)
		rc = CTL_UNAVAILABLE;
	if (rc == CTL_OK && token_path(path, sizeof(path)) == -1) {
		fprintf(stderr,
		    "complaintctl: no place for the token: set "
		    "HOME or COMPLAINTS_TOKEN_FILE\n");
		rc = CTL_USAGE;
	}
	if (rc == CTL_OK) {
		if ((dir = strrchr(path, '/')) != NULL && dir != path) {
			*dir = '\0';
			if (getenv("COMPLAINTS_TOKEN_FILE") == NULL) {
				char parent[1024];
				char *s;

				snprintf(parent, sizeof(parent), "%s", path);
				if ((s = strrchr(parent, '/')) != NULL) {
					*s = '\0';
					mkdir(parent, 0700);
				}
			}
			mkdir(path, 0700);
			*dir = '/';
		}
		unlink(path);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			 0600)) == -1 ||
		    write(fd, tok, strlen(tok)) != (ssize_t)strlen(tok) ||
		    write(fd, "\n", 1) != 1) {
			fprintf(stderr, "complaintctl: %s: %s\n", path,
			    strerror(errno));
			rc = CTL_USAGE;
		}
		if (fd != -1)
			close(fd);
	}
	if (rc == CTL_OK) {
		char *ex = answer_text(&out, "expires");

		printf("signed in; the session ends by %s\n", ex ? ex : "?");
		free(ex);
	}
	if (tok) {
		sodium_memzero(tok, strlen(tok));
		free(tok);
	}
	buf_free(&out);
	return rc;
}

int
cmd_logout(int argc, char **argv)
{
	struct buf out;
	char path[1024];
	int rc;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: complaintctl logout\n");
		return CTL_USAGE;
	}
	rc = exchange("DELETE", "/api/v1/session", NULL, 204, &out);
	buf_free(&out);
	if (token_path(path, sizeof(path)) == 0)
		unlink(path);
	return rc;
}

int
cmd_token(int argc, char **argv)
{
	static const char *const names[] = { "label", "days" };
	const char *values[2];
	struct buf body, out;
	char path[64];
	int rc;

	if (argc >= 3 && strcmp(argv[1], "new") == 0 && argc <= 4) {
		values[0] = argv[2];
		values[1] = argc == 4 ? argv[3] : NULL;
		if (doc(&body, "token-request", names, values, 2) == -1)
			return CTL_UNAVAILABLE;
		rc = exchange("POST", "/api/v1/tokens", &body, 201, &out);
		buf_free(&body);
		if (rc == CTL_OK) {
			char *t = answer_text(&out, "token");
			char *id = answer_text(&out, "id");
			char *ex = answer_text(&out, "expires");

			printf("%s\nid: %s, valid until %s; it is not shown "
			       "again\n",
			    t ? t : "", id ? id : "?", ex ? ex : "?");
			free(t);
			free(id);
			free(ex);
		}
		buf_free(&out);
		return rc;
	}
	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		rc = exchange("GET", "/api/v1/tokens", NULL, 200, &out);
		if (rc == CTL_OK)
			fwrite(out.data, 1, out.len, stdout);
		buf_free(&out);
		return rc;
	}
	if (argc == 3 && strcmp(argv[1], "revoke") == 0) {
		snprintf(path, sizeof(path), "/api/v1/tokens/%.20s", argv[2]);
		rc = exchange("DELETE", path, NULL, 204, &out);
		buf_free(&out);
		return rc;
	}
	fprintf(stderr,
	    "usage: complaintctl token new LABEL [DAYS] | list | "
	    "revoke ID\n");
	return CTL_USAGE;
}

struct user_opts {
	const char *name, *position, *body, *role, *data_dir, *schema_dir;
	const char *surname, *given, *patronymic;
	int admin, from_stdin;
};

/* The server's own database, for the first administrator. */
static struct complaints *
open_local(const struct user_opts *o)
{
	struct complaints_conf cc;
	struct complaints *cx;
	char db[1024], key[1024], schemas[1024], err[1024];
	const char *share = ctl_share_dir();
	struct stat st;

	if (o->schema_dir)
		snprintf(schemas, sizeof(schemas), "%s", o->schema_dir);
	else
		snprintf(schemas, sizeof(schemas), "%s/schemas", share);
	if (o->schema_dir == NULL && stat(schemas, &st) == -1)
		snprintf(schemas, sizeof(schemas), "schemas");
	snprintf(db, sizeof(db), "%s/complaints.db", o->data_dir);
	snprintf(key, sizeof(key), "%s/secret.key", o->data_dir);
	if (mkdir(o->data_dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "complaintctl: %s: %s\n", o->data_dir,
		    strerror(errno));
		return NULL;
	}
	memset(&cc, 0, sizeof(cc));
	cc.db_path = db;
	cc.secret_path = key;
	cc.schema_dir = schemas;
	cc.timezone = "Asia/Almaty";
	cc.readers = 1;
	cc.queue_max = 16;
	cc.batch_max = 16;
	xmlio_init();
	tz_init(NULL);
	log_init("complaintctl", 1, LOG_LVL_WARN);
	if ((cx = complaints_open(&cc, err, sizeof(err))) == NULL)
		fprintf(stderr, "complaintctl: %s\n", err);
	return cx;
}

int
cmd_user(int argc, char **argv)
{
	static const struct option longopts[] = { { "name", required_argument,
						      NULL, 'n' },
		{ "position", required_argument, NULL, 'p' },
		{ "body", required_argument, NULL, 'b' },
		{ "role", required_argument, NULL, 'r' },
		{ "admin", no_argument, NULL, 'a' },
		{ "data-dir", required_argument, NULL, 'd' },
		{ "schema-dir", required_argument, NULL, 's' },
		{ "password-stdin", no_argument, NULL, 'i' },
		{ "surname", required_argument, NULL, 'S' },
		{ "given-name", required_argument, NULL, 'G' },
		{ "patronymic", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 } };
	struct user_opts o;
	struct complaints_name parts = { NULL, NULL, NULL };
	char full[512];
	struct complaints *cx = NULL;
	struct complaints_error e;
	struct buf body, out;
	const char *verb, *login = NULL, *ministry = NULL;
	char pw[300], path[256];
	int ch, rc = CTL_OK;

	if (argc < 2)
		return ctl_usage(user_usage_text);
	memset(&o, 0, sizeof(o));
	o.data_dir = getenv("COMPLAINTS_DATA_DIR");
	verb = ctl_verb_args(&argc, &argv);
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			o.name = optarg;
			break;
		case 'p':
			o.position = optarg;
			break;
		case 'b':
			o.body = optarg;
			break;
		case 'r':
			o.role = optarg;
			break;
		case 'a':
			o.admin = 1;
			break;
		case 'd':
			o.data_dir = optarg;
			break;
		case 's':
			o.schema_dir = optarg;
			break;
		case 'i':
			o.from_stdin = 1;
			break;
		case 'S':
			o.surname = optarg;
			break;
		case 'G':
			o.given = optarg;
			break;
		case 'P':
			o.patronymic = optarg;
			break;
		default:
			return ctl_usage(user_usage_text);
		}
	}
	if (strcmp(verb, "list") != 0) {
		if (optind != argc - 1)
			return ctl_usage(user_usage_text);
		login = argv[optind];
	} else if (optind != argc)
		return ctl_usage(user_usage_text);
	/*
	 * The first administrator belongs by default to the ministry: the
	 * one the regulations name, or the body that took its place, on
	 * the day (resolved once the database is open).
	 */
	if (o.admin) {
		o.role = "admin";
		if (o.body == NULL)
			o.body = ministry = "mes";
	}
	/*
	 * The parts of a Kazakh name (the patronymic where the person has
	 * one), as the talon prints them: surname, name, patronymic.
	 */
	if (o.surname != NULL || o.given != NULL || o.patronymic != NULL) {
		if (o.name != NULL || o.surname == NULL || o.given == NULL ||
		    complaints_full_name(o.surname, o.given, o.patronymic, full,
			sizeof(full)) == -1)
			return ctl_usage(user_usage_text);
		parts.surname = o.surname;
		parts.given = o.given;
		parts.patronymic = o.patronymic;
	}
	if (strcmp(verb, "add") == 0 &&
	    ((o.name == NULL && o.surname == NULL) || o.position == NULL ||
		o.body == NULL || o.role == NULL))
		return ctl_usage(user_usage_text);
	if (ministry != NULL && (o.data_dir == NULL || *o.data_dir == '\0')) {
		fprintf(stderr,
		    "complaintctl: --admin over HTTP needs "
		    "--body\n");
		return CTL_USAGE;
	}
	if ((strcmp(verb, "add") == 0 || strcmp(verb, "passwd") == 0) &&
	    read_password("New password: ", o.from_stdin, pw, sizeof(pw)) == -1)
		return CTL_USAGE;

	if (o.data_dir != NULL && *o.data_dir) {
		/* Directly on the server's database. */
		if ((cx = open_local(&o)) == NULL)
			return CTL_UNAVAILABLE;
		if (ministry != NULL)
			o.body = complaints_body_today(cx, ministry);
		if (strcmp(verb, "add") == 0)
			rc = complaints_staff_add(cx, &complaints_system, login,
			    o.name, o.surname ? &parts : NULL, o.position,
			    o.body, o.role, pw, &e);
		else if (strcmp(verb, "passwd") == 0)
			rc = complaints_staff_passwd(
			    cx, &complaints_system, login, pw, &e);
		else if (strcmp(verb, "disable") == 0)
			rc = complaints_staff_disable(
			    cx, &complaints_system, login, &e);
		else if (strcmp(verb, "list") == 0) {
			buf_init(&out, 4 * 1024 * 1024);
			rc = complaints_staff_list(cx, &out, &e);
			if (rc == 0)
				fwrite(out.data, 1, out.len, stdout);
			buf_free(&out);
		} else
			rc = -1,
			complaints_error_set(&e, COMPLAINTS_EINVAL, "usage",
			    "unknown verb "
			    "%s",
			    verb);
		sodium_memzero(pw, sizeof(pw));
		complaints_close(cx);
		xmlio_cleanup();
		if (rc == -1) {
			fprintf(stderr, "complaintctl: %s: %s\n", e.code,
			    e.message);
			return (e.errc == COMPLAINTS_EINTERNAL ||
				   e.errc == COMPLAINTS_EUNAVAIL) ?
			    CTL_UNAVAILABLE :
			    CTL_REFUSED;
		}
		return CTL_OK;
	}

	/* Over HTTP, as the signed-in administrator. */
	if (strcmp(verb, "add") == 0) {
		static const char *const with_name[] = { "login", "name",
			"position", "body", "role", "password" };
		static const char *const with_parts[] = { "login", "surname",
			"given-name", "patronymic", "position", "body", "role",
			"password" };
		const char *v[8] = { login, o.name, o.position, o.body, o.role,
			pw };
		const char *vp[8] = { login, o.surname, o.given, o.patronymic,
			o.position, o.body, o.role, pw };

		if ((o.surname ? doc(&body, "account", with_parts, vp, 8) :
				 doc(&body, "account", with_name, v, 6)) == -1)
			return CTL_UNAVAILABLE;
		rc = exchange("POST", "/api/v1/users", &body, 201, &out);
	} else if (strcmp(verb, "passwd") == 0) {
		static const char *const names[] = { "password" };
		const char *v[1] = { pw };

		if (doc(&body, "password-change", names, v, 1) == -1)
			return CTL_UNAVAILABLE;
		snprintf(
		    path, sizeof(path), "/api/v1/users/%.60s/password", login);
		rc = exchange("POST", path, &body, 204, &out);
	} else if (strcmp(verb, "disable") == 0) {
		buf_init(&body, 16);
		snprintf(
		    path, sizeof(path), "/api/v1/users/%.60s/disable", login);
		rc = exchange("POST", path, NULL, 204, &out);
	} else if (strcmp(verb, "list") == 0) {
		buf_init(&body, 16);
		rc = exchange("GET", "/api/v1/users", NULL, 200, &out);
		if (rc == CTL_OK)
			fwrite(out.data, 1, out.len, stdout);
	} else
		return ctl_usage(user_usage_text);
	sodium_memzero(pw, sizeof(pw));
	if (body.data)
		sodium_memzero(body.data, body.len);
	buf_free(&body);
	buf_free(&out);
	return rc;
}
