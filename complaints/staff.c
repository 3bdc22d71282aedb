/*
 * complaints: staff accounts, sign-in and tokens.
 *
 * A token is 32 random bytes, shown once as "cs_" and base64url; the
 * store keeps its SHA-256 only.  Sessions end after session_hours or
 * session_idle minutes without use; API tokens after token_days.
 * Sign-in attempts are limited per login and per client address with a
 * delay that doubles after each failure.  Argon2id needs 19 MiB a hash,
 * so at most two run at once.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "complaints/complaints_int.h"
#include "util/limit.h"

#define TOKEN_PREFIX	"cs_"
#define TOKEN_BYTES	32
#define TOKEN_TEXT	(3 + 43) /* prefix and base64url of 32 bytes */
#define PASSWORD_MIN	10
#define PASSWORD_MAX	256
#define SIGNIN_MAX_WAIT 900
/*
 * Argon2id with 7 MiB and five passes: one of the settings OWASP's
 * password storage guide gives as equal in strength (with 19 MiB and two
 * passes, 12 MiB and three, 9 MiB and four), the one that costs the
 * least memory, so that a sign-in lifts the daemon's memory by 7 MiB
 * where the journal's readers use the rest.  A hash made with other
 * settings verifies at its own cost once and is made again with these
 * (complaints_sign_in_begin).
 */
#define PW_OPSLIMIT 5
#define PW_MEMLIMIT (7U * 1024 * 1024)
/*
 * Failed sign-ins: a login from one address waits from its first failure
 * (doubling up to SIGNIN_MAX_WAIT); an address (an office behind one
 * router) after SIGNIN_ADDR_FREE failures, so one guesser cannot lock a
 * whole office out; a login from every address together only after
 * SIGNIN_LOGIN_FREE, so a guesser elsewhere cannot keep its owner out,
 * while guessing spread over many addresses still meets a wall.
 */
#define SIGNIN_ADDR_FREE  10
#define SIGNIN_LOGIN_FREE 100

static const char *const role_names[] = {
	[COMPLAINTS_ROLE_REGISTRAR] = "registrar",
	[COMPLAINTS_ROLE_HEAD] = "head",
	[COMPLAINTS_ROLE_DESK] = "desk",
	[COMPLAINTS_ROLE_ADMIN] = "admin",
	[COMPLAINTS_ROLE_MONITOR] = "monitor",
	[COMPLAINTS_ROLE_PARTNER] = "partner",
	[COMPLAINTS_ROLE_SYSTEM] = "server",
};

const struct complaints_actor complaints_system = {
	.login = "server",
	.name = "server",
	.position = "server",
	.role = COMPLAINTS_ROLE_SYSTEM,
};

const char *
complaints_role_name(enum complaints_role r)
{
	return (unsigned)r <= COMPLAINTS_ROLE_SYSTEM ? role_names[r] : "?";
}

int
complaints_actor_check(
    const struct complaints_actor *a, struct complaints_error *e)
{
	if (a != NULL)
		return 0;
	complaints_error_set(e, COMPLAINTS_EAUTH, "unauthenticated",
	    "sign in "
	    "first");
	return -1;
}

int
complaints_role_parse(const char *s, enum complaints_role *r)
{
	/* An account has one of the four roles; never the server's. */
	for (int i = 0; i < COMPLAINTS_ROLE_SYSTEM; i++)
		if (strcmp(role_names[i], s) == 0) {
			*r = (enum complaints_role)i;
			return 0;
		}
	return -1;
}

/*
 * One Argon2id hash at a time in the whole daemon: each takes PW_MEMLIMIT
 * (7 MiB) while it runs, so a burst of sign-ins raises the memory
 * high-water mark by one hash's memory, never by several.
 */
static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void
hash_init(void)
{
	sem_init(&hash_slots, 0, 1);
}

static int
pw_hash(const char *pw, char out[crypto_pwhash_STRBYTES])
{
	int rc;

	pthread_once(&hash_once, hash_init);
	sem_wait(&hash_slots);
	rc = crypto_pwhash_str(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT);
	sem_post(&hash_slots);
	return rc;
}

static int
pw_verify(const char *hash, const char *pw)
{
	char h[crypto_pwhash_STRBYTES];
	int rc;

	memset(h, 0, sizeof(h));
	strlcpy_chk(h, hash, sizeof(h));

	pthread_once(&hash_once, hash_init);
	sem_wait(&hash_slots);
	rc = crypto_pwhash_str_verify(h, pw, strlen(pw));
	sem_post(&hash_slots);
	return rc;
}

/* A real hash of a random password: the work done for unknown logins. */
static char dummy[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
dummy_init(void)
{
	char pw[33];
	uint8_t r[16];

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(pw, sizeof(pw), r, sizeof(r));
	if (pw_hash(pw, dummy) != 0)
		dummy[0] = '\0';
}

static const char *
dummy_hash(void)
{
	pthread_once(&dummy_once, dummy_init);
	return dummy;
}

static int
password_ok(const char *pw, struct complaints_error *e)
{
	size_t n = strlen(pw);

	if (n < PASSWORD_MIN || n > PASSWORD_MAX) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "weak-password",
		    "a "
		    "password has %d to "
		    "%d characters",
		    PASSWORD_MIN, PASSWORD_MAX);
		return -1;
	}
	return 0;
}

static int
login_ok(const char *login, struct complaints_error *e)
{
	size_t n = strlen(login);

	for (size_t i = 0; i < n; i++)
		if (!((login[i] >= 'a' && login[i] <= 'z') ||
			(login[i] >= '0' && login[i] <= '9') ||
			login[i] == '.' || login[i] == '-' || login[i] == '_'))
			n = 0;
	if (n == 0 || n > 60) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-login",
		    "a "
		    "login is 1 to 60 lower-"
		    "case letters, digits, dots, hyphens or underscores");
		return -1;
	}
	return 0;
}

static int
admin_only(const struct complaints_actor *by, struct complaints_error *e)
{
	if (complaints_actor_check(by, e) == -1)
		return -1;
	if (by->role != COMPLAINTS_ROLE_ADMIN &&
	    by->role != COMPLAINTS_ROLE_SYSTEM) {
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
		    "only "
		    "an administrator "
		    "manages accounts");
		return -1;
	}
	return 0;
}

struct staff_job {
	struct complaints_call call; /* first: the call frees the whole */
	struct complaints *cx;
	const struct complaints_actor *by;
	const char *login, *name, *position, *body, *role;
	struct complaints_name parts;
	char full[512]; /* made from parts */
	char hash[crypto_pwhash_STRBYTES];
	int op; /* 0 add, 1 passwd, 2 disable */
	struct complaints_error err;
};

static int
staff_run(struct db *db, void *arg)
{
	struct staff_job *j = arg;
	struct db_staff s;
	struct db_body b;
	const char *actor = j->by->login;
	int rc;

	switch (j->op) {
	case 0:
		if ((rc = complaints_body_named(
			 db, j->body, &b, COMPLAINTS_EINVAL, &j->err)) != DB_OK)
			return rc;
		memset(&s, 0, sizeof(s));
		strlcpy_chk(s.login, j->login, sizeof(s.login));
		strlcpy_chk(s.full_name, j->name, sizeof(s.full_name));
		if (j->parts.surname != NULL) {
			strlcpy_chk(
			    s.surname, j->parts.surname, sizeof(s.surname));
			strlcpy_chk(
			    s.given_name, j->parts.given, sizeof(s.given_name));
			if (j->parts.patronymic != NULL)
				strlcpy_chk(s.patronymic, j->parts.patronymic,
				    sizeof(s.patronymic));
		}
		strlcpy_chk(s.position, j->position, sizeof(s.position));
		strlcpy_chk(s.body_code, j->body, sizeof(s.body_code));
		strlcpy_chk(s.role, j->role, sizeof(s.role));
		strlcpy_chk(s.pw_hash, j->hash, sizeof(s.pw_hash));
		s.created_at = clock_now();
		if ((rc = db_staff_insert(db, &s)) == DB_CONSTRAINT) {
			complaints_error_set(&j->err, COMPLAINTS_ECONFLICT,
			    "login-taken",
			    "the login "
			    "\"%s\" is taken",
			    j->login);
			return rc;
		}
		break;
	case 1:
		rc = db_staff_update(db, j->login, -1, j->hash);
		if (rc == DB_OK)
			rc = db_token_revoke_login(db, j->login, clock_now());
		break;
	default:
		rc = db_staff_update(db, j->login, 0, NULL);
		if (rc == DB_OK)
			rc = db_token_revoke_login(db, j->login, clock_now());
		break;
	}
	if (rc == DB_NOTFOUND) {
		complaints_error_set(&j->err, COMPLAINTS_ENOENT,
		    "no-such-login", "no account \"%s\"", j->login);
		return rc;
	}
	if (rc != DB_OK)
		return rc;
	return db_staff_event(db, clock_now(), actor,
	    j->op == 0	   ? "add" :
		j->op == 1 ? "passwd" :
			     "disable",
	    j->login, j->op == 0 ? j->role : NULL);
}

static void
staff_cleanup(struct complaints_call *c)
{
	struct staff_job *j = (struct staff_job *)(void *)c;

	sodium_memzero(j->hash, sizeof(j->hash));
	free(j);
}

/* A staff job, hashing the password when there is one. */
static struct complaints_call *
staff_call(struct complaints *cx, const struct complaints_actor *by, int op,
    const char *login, const char *password, struct staff_job **jp,
    struct complaints_error *e)
{
	struct staff_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory");
		return NULL;
	}
	complaints_call_init(&j->call, cx, staff_run, j, &j->err);
	j->call.cleanup = staff_cleanup;
	j->cx = cx;
	j->by = by;
	j->login = login;
	j->op = op;
	if (password != NULL && pw_hash(password, j->hash) != 0) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory for the hash");
		staff_cleanup(&j->call);
		return NULL;
	}
	if (jp != NULL)
		*jp = j;
	return &j->call;
}

struct complaints_call *
complaints_staff_add_begin(struct complaints *cx,
    const struct complaints_actor *by, const char *login, const char *name,
    const struct complaints_name *parts, const char *position, const char *body,
    const char *role, const char *password, struct complaints_error *e)
{
	struct complaints_call *c;
	struct staff_job *j;
	enum complaints_role r;
	const char *now;
	char full[512];

	if (name == NULL &&
	    (parts == NULL ||
		complaints_full_name(parts->surname, parts->given,
		    parts->patronymic, full, sizeof(full)) == -1)) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-name",
		    "give "
		    "the full name, or the surname and the name");
		return NULL;
	}
	if (name == NULL)
		name = full;

	if (admin_only(by, e) == -1 || login_ok(login, e) == -1 ||
	    password_ok(password, e) == -1)
		return NULL;
	if (complaints_role_parse(role, &r) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-role",
		    "a role "
		    "is registrar, head, "
		    "desk or admin");
		return NULL;
	}
	/* A body that has ended takes no new staff: its successor does. */
	if (body != NULL &&
	    strcmp(now = routing_body_at(cx->routing, body,
		       complaints_today(cx, NULL, clock_now())),
		body) != 0) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "body-ended",
		    "the body %s has ended; %s took its place: open the "
		    "account there",
		    body, now);
		return NULL;
	}
	if (name[0] == '\0' || position[0] == '\0' || strlen(name) > 200 ||
	    strlen(position) > 200) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-name",
		    "give "
		    "the full name and the "
		    "position, at most 200 characters each");
		return NULL;
	}
	if ((c = staff_call(cx, by, 0, login, password, &j, e)) == NULL)
		return NULL;
	if (name == full) {
		strlcpy_chk(j->full, full, sizeof(j->full));
		name = j->full;
		j->parts = *parts;
	}
	j->name = name;
	j->position = position;
	j->body = body;
	j->role = role;
	return c;
}

int
complaints_staff_add(struct complaints *cx, const struct complaints_actor *by,
    const char *login, const char *name, const struct complaints_name *parts,
    const char *position, const char *body, const char *role,
    const char *password, struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_staff_add_begin(
		cx, by, login, name, parts, position, body, role, password, e),
	    NULL, e);
}

struct complaints_call *
complaints_staff_passwd_begin(struct complaints *cx,
    const struct complaints_actor *by, const char *login, const char *password,
    struct complaints_error *e)
{
	if (complaints_actor_check(by, e) == -1 ||
	    ((by->role == COMPLAINTS_ROLE_SYSTEM ||
		 strcmp(by->login, login) != 0) &&
		admin_only(by, e) == -1))
		return NULL;
	if (password_ok(password, e) == -1)
		return NULL;
	return staff_call(cx, by, 1, login, password, NULL, e);
}

int
complaints_staff_passwd(struct complaints *cx,
    const struct complaints_actor *by, const char *login, const char *password,
    struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_staff_passwd_begin(cx, by, login, password, e), NULL, e);
}

struct complaints_call *
complaints_staff_disable_begin(struct complaints *cx,
    const struct complaints_actor *by, const char *login,
    struct complaints_error *e)
{
	if (admin_only(by, e) == -1)
		return NULL;
	return staff_call(cx, by, 2, login, NULL, NULL, e);
}

int
complaints_staff_disable(struct complaints *cx,
    const struct complaints_actor *by, const char *login,
    struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_staff_disable_begin(cx, by, login, e), NULL, e);
}

struct list_ctx {
	struct xmlio_out *o;
	int failed;
};

static int
staff_out(void *arg, const struct db_staff *s)
{
	struct list_ctx *c = arg;

	if (xmlio_out_start(c->o, "account") == -1 ||
	    xmlio_out_attr(c->o, "login", s->login) == -1 ||
	    xmlio_out_attr(c->o, "role", s->role) == -1 ||
	    xmlio_out_attr(c->o, "body", s->body_code) == -1 ||
	    xmlio_out_attr(c->o, "active", s->active ? "true" : "false") ==
		-1 ||
	    xmlio_out_elem(c->o, "name", s->full_name) == -1 ||
	    xmlio_out_elem(c->o, "position", s->position) == -1 ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
}

int
complaints_staff_list(
    struct complaints *cx, struct buf *out, struct complaints_error *e)
{
	struct xmlio_out o;
	struct list_ctx c = { &o, 0 };
	struct db *db;
	int rc;

	if (xmlio_out_begin(&o, "accounts") == -1)
		goto fail;
	if ((db = complaints_reader(cx, e)) == NULL) {
		xmlio_out_free(&o);
		return -1;
	}
	rc = db_staff_list(db, staff_out, &c);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK || c.failed || xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the "
	    "accounts cannot be listed");
	return -1;
}

static void
token_new(char text[TOKEN_TEXT + 1], uint8_t hash[32])
{
	uint8_t raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	memcpy(text, TOKEN_PREFIX, 3);
	sodium_bin2base64(text + 3, TOKEN_TEXT - 3 + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_hash_sha256(hash, (const unsigned char *)text, strlen(text));
	sodium_memzero(raw, sizeof(raw));
}

struct token_job {
	struct complaints_call call; /* first: the call frees the whole */
	int64_t staff_id, id;
	const char *kind, *label;
	uint8_t hash[32];
	int64_t now, expires;
	int64_t revoke_id, revoke_staff;
	int changed, want_change;
	struct complaints_error err;
	/* For the answer: the token, once, and whose it is. */
	const char *root; /* session, api-token; NULL: none */
	char text[TOKEN_TEXT + 1];
	struct db_staff s;
	char client[64];
	/* A sign-in whose hash has other settings: the hash again. */
	char old_hash[crypto_pwhash_STRBYTES], rehash[crypto_pwhash_STRBYTES];
};

static void
token_cleanup(struct complaints_call *c)
{
	struct token_job *j = (struct token_job *)(void *)c;

	sodium_memzero(j->text, sizeof(j->text));
	sodium_memzero(j->old_hash, sizeof(j->old_hash));
	sodium_memzero(j->rehash, sizeof(j->rehash));
	free(j);
}

static int token_run(struct db *, void *);
static int
token_finish(struct complaints_call *, struct buf *, struct complaints_error *);

static struct token_job *
token_job_new(struct complaints *cx, struct complaints_error *e)
{
	struct token_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory");
		return NULL;
	}
	complaints_call_init(&j->call, cx, token_run, j, &j->err);
	j->call.finish = token_finish;
	j->call.cleanup = token_cleanup;
	j->now = clock_now();
	return j;
}

static int
token_run(struct db *db, void *arg)
{
	struct token_job *j = arg;
	int rc;

	if (j->rehash[0] &&
	    (rc = db_staff_rehash(db, j->s.login, j->old_hash, j->rehash)) !=
		DB_OK)
		return rc;
	if (j->revoke_id)
		return db_token_revoke(
		    db, j->revoke_id, j->revoke_staff, j->now, &j->changed);
	return db_token_insert(db, j->hash, j->staff_id, j->kind, j->label,
	    j->now, j->expires, &j->id);
}

static int
token_out(struct complaints *cx, const char *root, const char *text,
    const struct db_staff *s, int64_t id, int64_t expires, struct buf *out,
    struct complaints_error *e)
{
	struct xmlio_out o;

	if (xmlio_out_begin(&o, root) == -1 ||
	    xmlio_out_elem(&o, "token", text) == -1 ||
	    xmlio_out_elemf(&o, "id", "%lld", (long long)id) == -1 ||
	    complaints_out_time(&o, "expires", cx->timezone, (time_t)expires) ==
		-1 ||
	    xmlio_out_start(&o, "staff") == -1 ||
	    xmlio_out_attr(&o, "login", s->login) == -1 ||
	    xmlio_out_attr(&o, "role", s->role) == -1 ||
	    xmlio_out_attr(&o, "body", s->body_code) == -1 ||
	    xmlio_out_elem(&o, "name", s->full_name) == -1 ||
	    xmlio_out_elem(&o, "position", s->position) == -1 ||
	    xmlio_out_end(&o) == -1 || xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "the "
		    "token could not be "
		    "written");
		return -1;
	}
	return 0;
}

/* After the commit: the new token, or that a revocation found it. */
static int
token_finish(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	struct token_job *j = (struct token_job *)(void *)c;

	if (j->want_change && !j->changed) {
		complaints_error_set(e, COMPLAINTS_ENOENT, "no-such-token",
		    "no active token %lld "
		    "of yours",
		    (long long)j->revoke_id);
		return -1;
	}
	if (j->root == NULL)
		return 0;
	if (strcmp(j->root, "session") == 0)
		log_info("staff: %s signed in from %s", j->s.login, j->client);
	return token_out(
	    c->cx, j->root, j->text, &j->s, j->id, j->expires, out, e);
}

/* Takes back an attempt that did not fail: the pair starts afresh. */
static void
signin_forgive(struct complaints *cx, const struct limit_rule rules[3])
{
	limit_clear(cx->signin, rules[0].key);
	limit_forgive(cx->signin, &rules[1]);
	limit_forgive(cx->signin, &rules[2]);
}

struct complaints_call *
complaints_sign_in_begin(struct complaints *cx, const char *login,
    const char *password, const char *client, enum complaints_door door,
    struct complaints_error *e)
{
	struct token_job *j;
	struct db_staff s;
	struct db *db;
	char pkey[96], lkey[80], ckey[80];
	const struct limit_rule rules[] = {
		{ pkey, 0, SIGNIN_MAX_WAIT },
		{ lkey, SIGNIN_LOGIN_FREE, SIGNIN_MAX_WAIT },
		{ ckey, SIGNIN_ADDR_FREE, SIGNIN_MAX_WAIT },
	};
	time_t now = clock_now();
	int wait, rc;

	snprintf(pkey, sizeof(pkey), "pair:%.40s %.48s", client ? client : "-",
	    login);
	snprintf(lkey, sizeof(lkey), "login:%.60s", login);
	snprintf(ckey, sizeof(ckey), "addr:%.60s", client ? client : "-");
	/*
	 * The attempt is counted as a failure before the password is
	 * checked, in the same step as the check of the waits, and taken
	 * back when it succeeds: guesses sent at once cannot all reach
	 * the password check.
	 */
	if ((wait = limit_attempt(cx->signin, rules, 3, now)) > 0) {
		complaints_error_set(e, COMPLAINTS_ELIMIT, "too-many-attempts",
		    "too many failed "
		    "sign-ins; try again in %d s",
		    wait);
		e->retry_after = wait;
		return NULL;
	}
	if ((db = complaints_reader(cx, e)) == NULL) {
		signin_forgive(cx, rules);
		return NULL;
	}
	rc = db_staff_by_login(db, login, &s);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK && rc != DB_NOTFOUND) {
		signin_forgive(cx, rules);
		complaints_db_error(e, rc, "the accounts cannot be read");
		return NULL;
	}
	/* The same work whether the login exists or not. */
	if (pw_verify(rc == DB_OK ? s.pw_hash : dummy_hash(), password) != 0 ||
	    rc != DB_OK || !s.active) {
		/* Counted already, by limit_attempt. */
		log_info("staff: sign-in refused for %.60s from %s", login,
		    client ? client : "-");
		complaints_error_set(e, COMPLAINTS_EAUTH, "bad-credentials",
		    "the login or the "
		    "password is wrong, or the account is disabled");
		return NULL;
	}
	signin_forgive(cx, rules);
	/* The monitoring system and Open311 partners are programs. */
	if (door == COMPLAINTS_DOOR_DESK &&
	    (strcmp(s.role, "monitor") == 0 ||
		strcmp(s.role, "partner") == 0)) {
		sodium_memzero(s.pw_hash, sizeof(s.pw_hash));
		complaints_error_set(e, COMPLAINTS_EPERM, "no-desk",
		    "a %s account is a program's: it has no desk", s.role);
		return NULL;
	}
	if ((j = token_job_new(cx, e)) == NULL)
		return NULL;
	token_new(j->text, j->hash);
	/*
	 * A hash made with other settings (an older, larger memory) is made
	 * again with these, in the same job as the session: from then on a
	 * sign-in of this account costs PW_MEMLIMIT.
	 */
	if (crypto_pwhash_str_needs_rehash(
		s.pw_hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0 &&
	    pw_hash(password, j->rehash) == 0)
		strlcpy_chk(j->old_hash, s.pw_hash, sizeof(j->old_hash));
	else
		j->rehash[0] = '\0';
	j->s = s;
	sodium_memzero(s.pw_hash, sizeof(s.pw_hash));
	sodium_memzero(j->s.pw_hash, sizeof(j->s.pw_hash));
	strlcpy_chk(j->client, client ? client : "-", sizeof(j->client));
	j->root = "session";
	j->staff_id = s.id;
	j->kind = "session";
	j->now = now;
	j->expires = now + (int64_t)cx->session_hours * 3600;
	return &j->call;
}

int
complaints_sign_in(struct complaints *cx, const char *login,
    const char *password, const char *client, struct buf *out,
    struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_sign_in_begin(
		cx, login, password, client, COMPLAINTS_DOOR_API, e),
	    out, e);
}

/* Records a use now and then, off the request's path. */
struct touch_job {
	struct db_job job;
	int64_t id, now;
};

static int
touch_run(struct db *db, void *arg)
{
	struct touch_job *t = arg;

	return db_token_touch(db, t->id, t->now);
}

static void
touch_done(void *arg, int rc)
{
	(void)rc;
	free(arg);
}

int
complaints_authenticate(struct complaints *cx, const char *token,
    struct complaints_actor *a, struct complaints_error *e)
{
	struct db_token t;
	struct touch_job *tj;
	struct db *db;
	uint8_t h[32];
	time_t now = clock_now();
	int rc;

	if (token == NULL || strncmp(token, TOKEN_PREFIX, 3) != 0 ||
	    strlen(token) != TOKEN_TEXT) {
		complaints_error_set(e, COMPLAINTS_EAUTH, "unauthenticated",
		    "sign in first: send "
		    "Authorization: Bearer TOKEN");
		return -1;
	}
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = db_token_by_hash(db, h, &t);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK && rc != DB_NOTFOUND)
		return complaints_db_error(e, rc,
		    "the sessions cannot be "
		    "read");
	if (rc == DB_NOTFOUND || t.revoked_at || !t.staff.active ||
	    t.expires_at <= now ||
	    (strcmp(t.kind, "session") == 0 &&
		now - t.last_used > (int64_t)cx->session_idle * 60)) {
		complaints_error_set(e, COMPLAINTS_EAUTH, "unauthenticated",
		    "the session has "
		    "ended or the token is not valid: sign in again");
		return -1;
	}
	memset(a, 0, sizeof(*a));
	a->staff_id = t.staff.id;
	a->token_id = t.id;
	strlcpy_chk(a->login, t.staff.login, sizeof(a->login));
	strlcpy_chk(a->name, t.staff.full_name, sizeof(a->name));
	strlcpy_chk(a->position, t.staff.position, sizeof(a->position));
	strlcpy_chk(a->body, t.staff.body_code, sizeof(a->body));
	a->body_id = t.staff.body_id;
	complaints_role_parse(t.staff.role, &a->role);
	if (now - t.last_used >= 30 && (tj = calloc(1, sizeof(*tj)))) {
		tj->id = t.id;
		tj->now = now;
		tj->job.run = touch_run;
		tj->job.done = touch_done;
		tj->job.arg = tj;
		if (db_writer_submit(cx->writer, &tj->job) != DB_OK)
			free(tj);
	}
	return 0;
}

struct complaints_call *
complaints_sign_out_begin(struct complaints *cx,
    const struct complaints_actor *a, struct complaints_error *e)
{
	struct token_job *j;

	if (complaints_actor_check(a, e) == -1)
		return NULL;
	if ((j = token_job_new(cx, e)) == NULL)
		return NULL;
	j->revoke_id = a->token_id;
	j->revoke_staff = a->staff_id;
	return &j->call;
}

int
complaints_sign_out(struct complaints *cx, const struct complaints_actor *a,
    struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_sign_out_begin(cx, a, e), NULL, e);
}

struct complaints_call *
complaints_token_create_begin(struct complaints *cx,
    const struct complaints_actor *a, const char *label, int days,
    struct complaints_error *e)
{
	struct token_job *j;

	if (complaints_actor_check(a, e) == -1)
		return NULL;
	if (days <= 0 || days > cx->token_days)
		days = cx->token_days;
	if ((j = token_job_new(cx, e)) == NULL)
		return NULL;
	token_new(j->text, j->hash);
	j->root = "api-token";
	j->staff_id = a->staff_id;
	j->kind = "api";
	j->label = label;
	j->expires = j->now + (int64_t)days * 86400;
	strlcpy_chk(j->s.login, a->login, sizeof(j->s.login));
	strlcpy_chk(
	    j->s.role, complaints_role_name(a->role), sizeof(j->s.role));
	strlcpy_chk(j->s.body_code, a->body, sizeof(j->s.body_code));
	strlcpy_chk(j->s.full_name, a->name, sizeof(j->s.full_name));
	strlcpy_chk(j->s.position, a->position, sizeof(j->s.position));
	return &j->call;
}

int
complaints_token_create(struct complaints *cx, const struct complaints_actor *a,
    const char *label, int days, struct buf *out, struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_token_create_begin(cx, a, label, days, e), out, e);
}

struct complaints_call *
complaints_token_revoke_begin(struct complaints *cx,
    const struct complaints_actor *a, int64_t id, struct complaints_error *e)
{
	struct token_job *j;

	if (complaints_actor_check(a, e) == -1)
		return NULL;
	if ((j = token_job_new(cx, e)) == NULL)
		return NULL;
	j->revoke_id = id;
	j->revoke_staff = a->role == COMPLAINTS_ROLE_ADMIN ? 0 : a->staff_id;
	j->want_change = 1;
	return &j->call;
}

int
complaints_token_revoke(struct complaints *cx, const struct complaints_actor *a,
    int64_t id, struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_token_revoke_begin(cx, a, id, e), NULL, e);
}

struct tok_ctx {
	struct complaints *cx;
	struct xmlio_out *o;
	int failed;
};

static int
token_row_out(void *arg, const struct db_token_row *r)
{
	struct tok_ctx *c = arg;
	char id[24];

	snprintf(id, sizeof(id), "%lld", (long long)r->id);
	if (xmlio_out_start(c->o, "token") == -1 ||
	    xmlio_out_attr(c->o, "id", id) == -1 ||
	    xmlio_out_attr(c->o, "kind", r->kind) == -1 ||
	    xmlio_out_attr(c->o, "active", r->revoked_at ? "false" : "true") ==
		-1 ||
	    (r->label && xmlio_out_elem(c->o, "label", r->label) == -1) ||
	    complaints_out_time(c->o, "created", c->cx->timezone,
		(time_t)r->created_at) == -1 ||
	    complaints_out_time(c->o, "expires", c->cx->timezone,
		(time_t)r->expires_at) == -1 ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	return c->failed;
}

int
complaints_token_list(struct complaints *cx, const struct complaints_actor *a,
    struct buf *out, struct complaints_error *e)
{
	struct xmlio_out o;
	struct tok_ctx c = { cx, &o, 0 };
	struct db *db;
	int rc;

	if (complaints_actor_check(a, e) == -1)
		return -1;
	if (xmlio_out_begin(&o, "tokens") == -1)
		goto fail;
	if ((db = complaints_reader(cx, e)) == NULL) {
		xmlio_out_free(&o);
		return -1;
	}
	rc = db_token_list(db, a->staff_id, token_row_out, &c);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK || c.failed || xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the tokens "
	    "cannot be listed");
	return -1;
}

int
complaints_whoami(const struct complaints_actor *a, struct buf *out,
    struct complaints_error *e)
{
	struct xmlio_out o;

	if (complaints_actor_check(a, e) == -1)
		return -1;
	if (xmlio_out_begin(&o, "me") == -1 ||
	    xmlio_out_attr(&o, "login", a->login) == -1 ||
	    xmlio_out_attr(&o, "role", complaints_role_name(a->role)) == -1 ||
	    xmlio_out_attr(&o, "body", a->body) == -1 ||
	    xmlio_out_elem(&o, "name", a->name) == -1 ||
	    xmlio_out_elem(&o, "position", a->position) == -1 ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory");
		return -1;
	}
	return 0;
}
