/*
 * complaints: filing online.
 *
 * A citizen's complaint first becomes a draft: no journal number, only
 * the document, kept at most FILING_TTL seconds.  A confirmation mail
 * carries a one-time link with a 256-bit token; the store keeps only its
 * BLAKE2b hash.  Following the link registers the draft through the
 * same call as every registration (complaints_register_begin), at the
 * body the routing rules choose for the service and the institution,
 * and the draft is deleted in the same transaction, so a token works
 * once.  The talon then goes to the same address with the slip attached.
 *
 * The mails (the link, the talon with its slip, the automatic answer to
 * a complaint by email) are rows of filing_mail written in the
 * transaction of the draft, the registration or the mail, so that a
 * mail survives a restart and is tried again with back-off; each row is
 * sealed (crypto_secretbox) with a key derived from secret.key, as it
 * carries a one-time token or an access code, and is deleted once sent
 * or given up.  A thread of this file sends them.
 *
 * Limits: drafts waiting per email address, drafts per client address
 * an hour, all drafts stored, and draft writes in the writer's queue at
 * once (so a flood of drafts delays desk registrations by a few jobs at
 * most); the document's size is the route's body cap and the schema's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "complaints/complaints_int.h"
#include "notify/notify.h"

#define FILING_TTL	   (24 * 3600) /* a draft waits */
#define FILING_PER_EMAIL   3	       /* drafts waiting per address */
#define FILING_PER_CLIENT  10	       /* drafts a client makes an hour */
#define FILING_DRAFTS_MAX  10000       /* drafts stored in all */
#define FILING_INFLIGHT	   4	       /* draft writes queued at once */
#define FILING_STORED_MAX  20000       /* mails waiting to be sent */
#define FILING_TRIES	   8	       /* sending a mail */
#define FILING_BATCH	   8	       /* mails read at once */
#define FILING_PURGE_EVERY 600	       /* seconds between purges */
#define FILING_PDF_CAP	   (1024 * 1024)
#define FILING_TEXT_CAP	   (64 * 1024)
#define FILING_MAIL_CAP	   (2 * 1024 * 1024)

enum filing_kind { MAIL_CONFIRM, MAIL_TALON, MAIL_RECEIVED };

/* A mail as sealed into its row: fixed size, no pointers. */
struct filing_mail {
	enum filing_kind kind;
	char uid[40]; /* its Message-ID, kept across attempts */
	char to[256];
	char lang[4];
	char surname[512], name[512], patronymic[512];
	char token[65];
	char talon[TALON_LEN + 1];
	char code[ACCESS_CODE_LEN + 1];
	/* received: the message answered, the body, the day */
	char in_reply_to[256];
	char body_kk[256], body_ru[256];
	char day[11];
};

struct filing {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int running, stop, kicked;
	int inflight; /* draft writes queued */
	uint8_t key[crypto_secretbox_KEYBYTES];
	char confirm_base[600];
};

static const char *const kind_names[] = { "confirm", "talon", "received" };

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

static void
copy(char *dst, size_t len, const char *src)
{
	(void)strlcpy_chk(dst, src ? src : "", len);
}

void
complaints_filing_kick(struct complaints *cx)
{
	struct filing *f = cx->filing;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->kicked = 1;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

/*
 * Stores a mail in the caller's transaction, sealed; DB_FULL (nothing
 * stored) when FILING_STORED_MAX wait already.
 */
static int
mail_store(struct db *db, struct complaints *cx, struct filing_mail *m)
{
	uint8_t sealed[crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
	    sizeof(*m)];
	int64_t n;
	int rc;

	if ((rc = db_filing_mail_count(db, &n)) != DB_OK)
		return rc;
	if (n >= FILING_STORED_MAX) {
		log_warnx("filing: %lld mails wait to be sent; a %s mail to %s "
			  "is not kept",
		    (long long)n, kind_names[m->kind], m->to);
		return DB_FULL;
	}
	complaints_uid(m->uid);
	randombytes_buf(sealed, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(sealed + crypto_secretbox_NONCEBYTES,
	    (const uint8_t *)m, sizeof(*m), sealed, cx->filing->key);
	rc = db_filing_mail_insert(
	    db, kind_names[m->kind], clock_now(), sealed, sizeof(sealed));
	sodium_memzero(sealed, sizeof(sealed));
	return rc;
}

/* Opens a sealed row into m; -1 when it is not one this daemon sealed. */
static int
mail_open(struct complaints *cx, const struct db_filing_mail *r,
    struct filing_mail *m)
{
	size_t over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;

	if (r->sealed == NULL || r->sealed_len != over + sizeof(*m) ||
	    crypto_secretbox_open_easy((uint8_t *)m,
		r->sealed + crypto_secretbox_NONCEBYTES,
		r->sealed_len - crypto_secretbox_NONCEBYTES, r->sealed,
		cx->filing->key) != 0 ||
	    (unsigned)m->kind > MAIL_RECEIVED)
		return -1;
	m->to[sizeof(m->to) - 1] = m->token[sizeof(m->token) - 1] = '\0';
	return 0;
}

static int
ready(struct complaints *cx, struct complaints_error *e)
{
	if (cx->filing == NULL || cx->filing->confirm_base[0] == '\0') {
		complaints_error_set(e, COMPLAINTS_EUNAVAIL,
		    "filing-unavailable",
		    "online filing needs a mail server (smtp_url) and the "
		    "status page's address (status_url, ending in /status/)");
		return -1;
	}
	return 0;
}

/* --- A draft ---------------------------------------------------------- */

struct draft_job {
	struct complaints_call call; /* first */
	struct complaints *cx;
	struct complaints_error err;
	uint8_t hash[32];
	char *doc, *client;
	char email_key[256];
	time_t now;
	struct filing_mail mail;
};

static int
draft_run(struct db *db, void *arg)
{
	struct draft_job *d = arg;
	struct db_draft row;
	int64_t by_email, by_client, all;
	int rc, n;

	if ((rc = db_draft_purge(db, d->now, &n)) != DB_OK ||
	    (rc = db_draft_counts(db, d->email_key, d->client, d->now,
		 &by_email, &by_client, &all)) != DB_OK)
		return rc;
	{
		const struct {
			int64_t n, max;
			enum complaints_errc errc;
			const char *code, *msg;
			int wait;
		} lim[] = {
			{ by_email, FILING_PER_EMAIL, COMPLAINTS_ELIMIT,
			    "too-many-drafts",
			    "complaints to this address "
			    "wait for confirmation: follow the links mailed, "
			    "or wait until they expire",
			    3600 },
			{ by_client, FILING_PER_CLIENT, COMPLAINTS_ELIMIT,
			    "too-many-drafts",
			    "complaints were filed from "
			    "this address in the last hour",
			    3600 },
			{ all, FILING_DRAFTS_MAX, COMPLAINTS_EUNAVAIL,
			    "drafts-full",
			    "complaints wait for confirmation "
			    "in all; try again later",
			    600 },
		};

		for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
			if (lim[i].n < lim[i].max)
				continue;
			complaints_error_set(&d->err, lim[i].errc, lim[i].code,
			    "%lld %s", (long long)lim[i].max, lim[i].msg);
			d->err.retry_after = lim[i].wait;
			return DB_CONSTRAINT;
		}
	}
	memset(&row, 0, sizeof(row));
	row.token_hash = d->hash;
	row.email_key = d->email_key;
	row.client_key = d->client;
	row.doc = d->doc;
	row.created_at = d->now;
	row.expires_at = d->now + FILING_TTL;
	if ((rc = db_draft_insert(db, &row)) != DB_OK)
		return rc;
	if ((rc = mail_store(db, d->cx, &d->mail)) == DB_FULL) {
		complaints_error_set(&d->err, COMPLAINTS_EUNAVAIL,
		    "mail-queue-full",
		    "the confirmation mail cannot be sent now; try again "
		    "later");
		d->err.retry_after = 60;
		return DB_CONSTRAINT;
	}
	return rc;
}

int
complaints_out_answer(
    struct xmlio_out *o, int ok, struct buf *out, struct complaints_error *e)
{
	if (ok && xmlio_out_finish(o, out) == 0)
		return 0;
	xmlio_out_free(o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the answer could not be written");
	return -1;
}

static int
draft_finish(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	struct draft_job *d = (struct draft_job *)(void *)c;
	struct xmlio_out o;

	complaints_filing_kick(d->cx);
	if (xmlio_out_begin(&o, "draft-accepted") == -1)
		return complaints_out_answer(&o, 0, out, e);
	return complaints_out_answer(&o,
	    xmlio_out_elem(&o, "email", d->mail.to) == 0 &&
		complaints_out_time(&o, "expires-at", d->cx->timezone,
		    d->now + FILING_TTL) == 0,
	    out, e);
}

static void
draft_cleanup(struct complaints_call *c)
{
	struct draft_job *d = (struct draft_job *)(void *)c;

	__atomic_sub_fetch(&d->cx->filing->inflight, 1, __ATOMIC_RELAXED);
	sodium_memzero(&d->mail, sizeof(d->mail));
	free(d->doc);
	free(d->client);
	free(d);
}

/* The draft's fields that decide where it goes. */
struct draft_fields {
	int service;
	char *institution, *official, *surname, *name, *patronymic;
	char *address, *email, *phone, *reasons, *demands, *lang;
	int natt;
	struct {
		char *name, *media_type, *sha256;
	} att[COMPLAINTS_DRAFT_FILES];
};

static void
fields_free(struct draft_fields *df)
{
	free(df->institution);
	free(df->official);
	free(df->surname);
	free(df->name);
	free(df->patronymic);
	free(df->address);
	free(df->email);
	free(df->phone);
	free(df->reasons);
	free(df->demands);
	free(df->lang);
	for (int i = 0; i < df->natt; i++) {
		free(df->att[i].name);
		free(df->att[i].media_type);
		free(df->att[i].sha256);
	}
	memset(df, 0, sizeof(*df));
}

/* The body the routing rules choose today for service at inst. */
static int
receiving_body(struct complaints *cx, int service, const struct db_body *inst,
    char body[32], struct complaints_error *e)
{
	struct routing_chain chain;
	struct date day;

	day = complaints_today(cx, inst, clock_now());
	if (routing_chain_at(cx->routing, service, ROUTING_GROUND_GENERAL, day,
		inst->code, inst->parent_code[0] ? inst->parent_code : NULL,
		&chain) != ROUTING_OK ||
	    chain.n == 0) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "no-route",
		    "the routing rules name no body for service %d and "
		    "\"%.40s\"",
		    service, inst->code);
		return -1;
	}
	if (body != NULL)
		copy(body, 32, chain.body[0]);
	return 0;
}

/*
 * Reads and checks a draft document: the schema, the electronic
 * channel of the service, the address, the institution and the body
 * the routing rules choose (into body, when given).
 */
static int
draft_read(struct complaints *cx, const char *xml, size_t len,
    struct draft_fields *df, struct db_body *inst, char body[32],
    struct complaints_error *e)
{
	struct xmlio_err xe;
	xmlNodePtr root, n;
	xmlDocPtr doc;
	long long v;
	struct db *db;
	char *s;
	int rc, bad = 0;

	memset(df, 0, sizeof(*df));
	if (xmlio_parse(cx->schemas, "draft", xml, len, &doc, &xe) == -1) {
		complaints_xml_error(e, &xe);
		return -1;
	}
	root = xmlDocGetRootElement(doc);
	s = xmlio_child_text(root, "service");
	v = s ? strtoll(s, NULL, 10) : 0;
	free(s);
	df->service = (int)v;
	df->institution = xmlio_child_text(root, "institution");
	df->official = xmlio_child_text(root, "official");
	n = xmlio_child(root, "applicant");
	df->surname = xmlio_child_text(n, "surname");
	df->name = xmlio_child_text(n, "name");
	df->patronymic = xmlio_child_text(n, "patronymic");
	df->address = xmlio_child_text(n, "address");
	df->email = xmlio_child_text(n, "email");
	df->phone = xmlio_child_text(n, "phone");
	df->reasons = xmlio_child_text(root, "reasons");
	df->demands = xmlio_child_text(root, "demands");
	{
		xmlChar *l = xmlGetProp(root, BAD_CAST "lang");

		df->lang = strdup(l ? (const char *)l : "kk");
		xmlFree(l);
	}
	for (n = xmlio_child(root, "attachments"), n = n ? n->children : NULL;
	     n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    df->natt == COMPLAINTS_DRAFT_FILES)
			continue; /* the schema allows no more */
		df->att[df->natt].name = xmlio_prop(n, "name");
		df->att[df->natt].media_type = xmlio_prop(n, "media-type");
		df->att[df->natt].sha256 = xmlio_prop(n, "sha256");
		if (df->att[df->natt++].sha256 == NULL)
			bad = 1;
	}
	xmlFreeDoc(doc);
	if (bad || df->institution == NULL || df->surname == NULL ||
	    df->name == NULL || df->address == NULL || df->email == NULL ||
	    df->reasons == NULL || df->demands == NULL || df->lang == NULL) {
		complaints_error_set(
		    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
		goto fail;
	}
	if (!routing_channel_allowed(cx->routing, df->service, "electronic")) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "not-electronic",
		    "the regulation of service %d does not take complaints "
		    "electronically: write to the body by post or bring the "
		    "complaint to its office (GET /api/v1/directory/{code} "
		    "gives its address)",
		    df->service);
		goto fail;
	}
	if (!notify_email_valid(df->email)) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "invalid-document",
		    "email: \"%.100s\" is not an address mail can be sent to",
		    df->email);
		goto fail;
	}
	db = db_pool_get(cx->readers);
	rc = db_body_by_code(db, df->institution, inst);
	db_pool_put(cx->readers, db);
	if (rc == DB_NOTFOUND) {
		complaints_error_set(e, COMPLAINTS_EINVAL,
		    "unknown-institution",
		    "no institution with the code "
		    "\"%.40s\" in the directory",
		    df->institution);
		goto fail;
	}
	if (rc != DB_OK) {
		complaints_db_error(e, rc, "the directory was not read");
		goto fail;
	}
	if (receiving_body(cx, df->service, inst, body, e) == -1)
		goto fail;
	return 0;
fail:
	fields_free(df);
	return -1;
}

/* The applicant a mail goes to. */
static void
mail_to(struct filing_mail *m, const struct draft_fields *df)
{
	copy(m->to, sizeof(m->to), df->email);
	copy(m->lang, sizeof(m->lang), df->lang);
	copy(m->surname, sizeof(m->surname), df->surname);
	copy(m->name, sizeof(m->name), df->name);
	copy(m->patronymic, sizeof(m->patronymic), df->patronymic);
}

struct complaints_call *
complaints_draft_begin(struct complaints *cx, const char *xml, size_t len,
    const char *client, struct complaints_error *e)
{
	struct draft_fields df;
	struct db_body inst;
	struct draft_job *d;
	uint8_t token[32];

	if (ready(cx, e) == -1)
		return NULL;
	if (draft_read(cx, xml, len, &df, &inst, NULL, e) == -1)
		return NULL;
	if (__atomic_add_fetch(&cx->filing->inflight, 1, __ATOMIC_RELAXED) >
	    FILING_INFLIGHT) {
		__atomic_sub_fetch(&cx->filing->inflight, 1, __ATOMIC_RELAXED);
		fields_free(&df);
		complaints_error_set(e, COMPLAINTS_EUNAVAIL, "busy",
		    "too many complaints are being filed at once; try again "
		    "in a few seconds");
		e->retry_after = 5;
		return NULL;
	}
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->doc = strndup(xml, len)) == NULL ||
	    (client && (d->client = strdup(client)) == NULL)) {
		if (d != NULL)
			free(d->doc);
		free(d);
		__atomic_sub_fetch(&cx->filing->inflight, 1, __ATOMIC_RELAXED);
		fields_free(&df);
		complaints_error_set(
		    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
		return NULL;
	}
	d->cx = cx;
	complaints_call_init(&d->call, cx, draft_run, d, &d->err);
	d->call.what = "the draft";
	d->call.finish = draft_finish;
	d->call.cleanup = draft_cleanup;
	d->now = clock_now();
	randombytes_buf(token, sizeof(token));
	sodium_bin2hex(
	    d->mail.token, sizeof(d->mail.token), token, sizeof(token));
	crypto_generichash(
	    d->hash, sizeof(d->hash), token, sizeof(token), NULL, 0);
	sodium_memzero(token, sizeof(token));
	copy(d->email_key, sizeof(d->email_key), df.email);
	lower(d->email_key);
	d->mail.kind = MAIL_CONFIRM;
	mail_to(&d->mail, &df);
	fields_free(&df);
	return &d->call;
}

/* --- What the form and Open311 offer ------------------------------------ */

int
complaints_filing_services(
    struct complaints *cx, struct buf *out, struct complaints_error *e)
{
	static const char *const channels[] = { "electronic", "post",
		"in-person", "phone", "oral" };
	struct xmlio_out o;
	int ok;

	if (xmlio_out_begin(&o, "services") == -1)
		return complaints_out_answer(&o, 0, out, e);
	ok = 1;
	for (int s = 1; ok && s <= ROUTING_NSERVICES; s++) {
		char code[8];

		snprintf(code, sizeof(code), "%d", s);
		ok = xmlio_out_start(&o, "service") == 0 &&
		    xmlio_out_attr(&o, "code", code) == 0 &&
		    xmlio_out_attr(&o, "electronic",
			routing_channel_allowed(cx->routing, s, "electronic") ?
			    "true" :
			    "false") == 0;
		for (size_t i = 0;
		     ok && i < sizeof(channels) / sizeof(*channels); i++)
			if (routing_channel_allowed(
				cx->routing, s, channels[i]))
				ok = xmlio_out_start(&o, "channel") == 0 &&
				    xmlio_out_attr(&o, "type", channels[i]) ==
					0 &&
				    xmlio_out_end(&o) == 0;
		ok = ok && xmlio_out_end(&o) == 0;
	}
	return complaints_out_answer(&o, ok, out, e);
}

int
complaints_filing_electronic(struct complaints *cx, int service)
{
	return routing_channel_allowed(cx->routing, service, "electronic");
}

int
complaints_filing_where(struct complaints *cx, int service,
    const char *institution, char body[32], struct complaints_error *e)
{
	struct db_body inst;
	struct db *db;
	int rc;

	if (service < 1 || service > ROUTING_NSERVICES) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "unknown-service",
		    "services are numbered 1 to %d", ROUTING_NSERVICES);
		return -1;
	}
	if ((db = complaints_reader(cx, e)) == NULL)
		return -1;
	rc = db_body_by_code(db, institution, &inst);
	db_pool_put(cx->readers, db);
	if (rc == DB_NOTFOUND) {
		complaints_error_set(e, COMPLAINTS_EINVAL,
		    "unknown-institution",
		    "no institution with the code \"%.40s\" in the directory",
		    institution);
		return -1;
	}
	if (rc != DB_OK) {
		complaints_db_error(e, rc, "the directory was not read");
		return -1;
	}
	return receiving_body(cx, service, &inst, body, e);
}

/* --- Confirmation ----------------------------------------------------- */

struct confirm_job {
	struct complaints_call call; /* first */
	struct complaints *cx;
	struct complaints_error err;
	struct complaints_call *reg; /* the registration it runs */
	struct buf xml;		     /* the complaint given to it */
	uint8_t hash[32];	     /* a draft's token */
	int64_t mail_id;	     /* or a mail's id */
	int direct;		     /* or a partner's: no draft */
	struct filing_mail mail;
};

static int
confirm_run(struct db *db, void *arg)
{
	struct confirm_job *j = arg;
	int rc;

	rc = j->mail_id || j->direct ? DB_OK :
				       db_draft_take(db, j->hash, clock_now());
	if (rc == DB_NOTFOUND) {
		complaints_error_set(&j->err, COMPLAINTS_ECONFLICT,
		    "draft-taken",
		    "this link has been used already or has "
		    "expired");
		return rc;
	}
	if (rc != DB_OK)
		return rc;
	if ((rc = j->reg->run(db, j->reg->arg)) != DB_OK) {
		if (j->reg->err->errc != COMPLAINTS_OK)
			j->err = *j->reg->err;
		return rc;
	}
	/* A mail: linked to its entry, once. */
	if (j->mail_id &&
	    (rc = db_mail_registered(db, j->mail_id)) == DB_NOTFOUND) {
		complaints_error_set(&j->err, COMPLAINTS_ECONFLICT,
		    "registered-already",
		    "this mail has been registered "
		    "already");
		return rc;
	}
	if (rc != DB_OK || j->mail.to[0] == '\0')
		return rc; /* no answer to this sender */
	/* The talon to the applicant, in this transaction. */
	{
		const struct complaints_entry *ent = complaints_register_entry(
		    j->reg);

		j->mail.kind = MAIL_TALON;
		copy(j->mail.talon, sizeof(j->mail.talon), ent->talon);
		copy(j->mail.code, sizeof(j->mail.code), ent->access_code);
		rc = mail_store(db, j->cx, &j->mail);
		sodium_memzero(&j->mail, sizeof(j->mail));
	}
	return rc == DB_FULL ? DB_OK : rc;
}

static int
confirm_finish(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	struct confirm_job *j = (struct confirm_job *)(void *)c;

	j->reg->rc = DB_OK;
	if (j->reg->finish(j->reg, out, e) == -1)
		return -1;
	complaints_filing_kick(j->cx);
	return 0;
}

static void
confirm_cleanup(struct complaints_call *c)
{
	struct confirm_job *j = (struct confirm_job *)(void *)c;

	complaints_call_free(j->reg);
	buf_free(&j->xml);
	free(j);
}

/* The files named in a draft, by name, type and hash, as a complaint's. */
static int
attachments_out(struct xmlio_out *o, const struct draft_fields *df)
{
	if (xmlio_out_start(o, "attachments") == -1)
		return -1;
	for (int i = 0; i < df->natt; i++)
		if (xmlio_out_start(o, "attachment") == -1 ||
		    xmlio_out_attr(o, "name", df->att[i].name) == -1 ||
		    xmlio_out_attr(o, "media-type", df->att[i].media_type) ==
			-1 ||
		    xmlio_out_attr(o, "sha256", df->att[i].sha256) == -1 ||
		    xmlio_out_end(o) == -1)
			return -1;
	return xmlio_out_end(o);
}

/* The <complaint> a draft becomes, at body, as the API takes it. */
static int
complaint_doc(const struct draft_fields *df, const struct db_body *inst,
    const char *body, const char *registrar, const char *position,
    struct buf *out)
{
	struct xmlio_out o;

	if (xmlio_out_begin(&o, "complaint") == -1 ||
	    xmlio_out_elem(&o, "body", body) == -1 ||
	    xmlio_out_elemf(&o, "service", "%d", df->service) == -1 ||
	    xmlio_out_start(&o, "subject") == -1 ||
	    xmlio_out_elem(&o, "institution", inst->code) == -1 ||
	    xmlio_out_elem(&o, "name",
		inst->name_ru[0] ? inst->name_ru : inst->name_kk) == -1 ||
	    (df->official &&
		xmlio_out_elem(&o, "official", df->official) == -1) ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_elem(&o, "channel", "electronic") == -1 ||
	    xmlio_out_start(&o, "applicant") == -1 ||
	    xmlio_out_elem(&o, "surname", df->surname) == -1 ||
	    xmlio_out_elem(&o, "name", df->name) == -1 ||
	    (df->patronymic &&
		xmlio_out_elem(&o, "patronymic", df->patronymic) == -1) ||
	    xmlio_out_elem(&o, "address", df->address) == -1 ||
	    xmlio_out_elem(&o, "email", df->email) == -1 ||
	    (df->phone && xmlio_out_elem(&o, "phone", df->phone) == -1) ||
	    xmlio_out_end(&o) == -1 ||
	    xmlio_out_elem(&o, "signed", "false") == -1 ||
	    xmlio_out_elem(&o, "reasons", df->reasons) == -1 ||
	    xmlio_out_elem(&o, "demands", df->demands) == -1 ||
	    (df->natt > 0 && attachments_out(&o, df) == -1) ||
	    xmlio_out_start(&o, "registrar") == -1 ||
	    xmlio_out_elem(&o, "name", registrar) == -1 ||
	    xmlio_out_elem(&o, "position", position) == -1 ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		return -1;
	}
	return 0;
}

/*
 * The job that registers a draft's fields (df, freed here) at body, the
 * registrar recorded as named; the talon goes to the applicant when
 * there is a mailer.  NULL with e set.
 */
static struct confirm_job *
draft_job(struct complaints *cx, struct draft_fields *df,
    const struct db_body *inst, const char *body, const char *registrar,
    const char *position, struct complaints_error *e)
{
	struct confirm_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto oom;
	j->cx = cx;
	buf_init(&j->xml, 256 * 1024);
	if (complaint_doc(df, inst, body, registrar, position, &j->xml) == -1)
		goto oom;
	if ((j->reg = complaints_register_begin(
		 cx, &complaints_system, j->xml.data, j->xml.len, e)) == NULL)
		goto fail;
	complaints_call_init(&j->call, cx, confirm_run, j, &j->err);
	j->call.what = "the complaint";
	j->call.finish = confirm_finish;
	j->call.cleanup = confirm_cleanup;
	if (cx->filing != NULL)
		mail_to(&j->mail, df);
	fields_free(df);
	return j;
oom:
	complaints_error_set(
	    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
fail:
	if (j != NULL)
		buf_free(&j->xml);
	free(j);
	fields_free(df);
	return NULL;
}

struct complaints_call *
complaints_draft_confirm_begin(
    struct complaints *cx, const char *token, struct complaints_error *e)
{
	struct draft_fields df;
	struct confirm_job *j = NULL;
	struct db_body inst;
	uint8_t bin[32], hash[32];
	char body[32], *doc = NULL;
	size_t n = 0;
	struct db *db;
	int rc;

	if (ready(cx, e) == -1)
		return NULL;
	if (token == NULL || strlen(token) != 64 ||
	    sodium_hex2bin(bin, sizeof(bin), token, 64, NULL, &n, NULL) != 0 ||
	    n != 32) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "invalid-token",
		    "the link is not whole: copy all of it from the mail");
		return NULL;
	}
	crypto_generichash(hash, sizeof(hash), bin, sizeof(bin), NULL, 0);
	db = db_pool_get(cx->readers);
	rc = db_draft_get(db, hash, clock_now(), &doc);
	db_pool_put(cx->readers, db);
	if (rc == DB_NOTFOUND) {
		complaints_error_set(e, COMPLAINTS_ENOENT, "draft-not-found",
		    "this link has been used already, has expired (after 24 "
		    "hours) or was never given: file the complaint again");
		return NULL;
	}
	if (rc != DB_OK) {
		complaints_db_error(e, rc, "the draft was not read");
		return NULL;
	}
	rc = draft_read(cx, doc, strlen(doc), &df, &inst, body, e);
	free(doc);
	if (rc == -1)
		return NULL;
	j = draft_job(cx, &df, &inst, body,
	    "Электрондық қабылдау / Электронный приём",
	    "email арқылы расталды / подтверждено по электронной почте", e);
	if (j == NULL)
		return NULL;
	memcpy(j->hash, hash, sizeof(hash));
	return &j->call;
}

struct complaints_call *
complaints_draft_register_begin(struct complaints *cx,
    const struct complaints_actor *who, const char *xml, size_t len,
    struct complaints_error *e)
{
	struct draft_fields df;
	struct confirm_job *j;
	struct db_body inst;
	char body[32], position[600];

	if (who == NULL || who->role != COMPLAINTS_ROLE_PARTNER) {
		complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
		    "only a partner's key registers a complaint at once; "
		    "without one the applicant confirms it by email");
		return NULL;
	}
	if (draft_read(cx, xml, len, &df, &inst, body, e) == -1)
		return NULL;
	snprintf(position, sizeof(position), "%s (Open311: %s)", who->position,
	    who->login);
	if ((j = draft_job(cx, &df, &inst, body, who->name, position, e)) ==
	    NULL)
		return NULL;
	j->direct = 1;
	return &j->call;
}

struct complaints_call *
complaints_filing_register(struct complaints *cx,
    const struct complaints_actor *who, const char *xml, size_t len,
    int64_t mail_id, const char *to, const char *surname, const char *name,
    const char *patronymic, struct complaints_error *e)
{
	struct confirm_job *j;

	if (mail_id <= 0 || (j = calloc(1, sizeof(*j))) == NULL) {
		complaints_error_set(
		    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
		return NULL;
	}
	j->cx = cx;
	buf_init(&j->xml, 256 * 1024);
	if (buf_add(&j->xml, xml, len) == -1 || buf_add(&j->xml, "", 1) == -1) {
		buf_free(&j->xml);
		free(j);
		complaints_error_set(
		    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
		return NULL;
	}
	if ((j->reg = complaints_register_begin(
		 cx, who, j->xml.data, len, e)) == NULL) {
		buf_free(&j->xml);
		free(j);
		return NULL;
	}
	complaints_call_init(&j->call, cx, confirm_run, j, &j->err);
	j->call.what = "the complaint";
	j->call.finish = confirm_finish;
	j->call.cleanup = confirm_cleanup;
	j->mail_id = mail_id;
	if (to != NULL && cx->filing != NULL) {
		copy(j->mail.to, sizeof(j->mail.to), to);
		copy(j->mail.lang, sizeof(j->mail.lang), "kk");
		copy(j->mail.surname, sizeof(j->mail.surname), surname);
		copy(j->mail.name, sizeof(j->mail.name), name);
		copy(
		    j->mail.patronymic, sizeof(j->mail.patronymic), patronymic);
	}
	return &j->call;
}

/* --- The answer to a complaint by email ---------------------------- */

int
complaints_filing_received(struct db *db, struct complaints *cx, const char *to,
    const char *message_id, const struct db_body *b, time_t at)
{
	struct filing_mail m;
	struct date d;
	int rc;

	if (cx->filing == NULL)
		return DB_NOTFOUND;
	memset(&m, 0, sizeof(m));
	m.kind = MAIL_RECEIVED;
	copy(m.to, sizeof(m.to), to);
	copy(m.lang, sizeof(m.lang), "kk");
	copy(m.in_reply_to, sizeof(m.in_reply_to), message_id);
	copy(m.body_kk, sizeof(m.body_kk), b->name_kk);
	copy(m.body_ru, sizeof(m.body_ru), b->name_ru);
	d = complaints_today(cx, b, at);
	date_iso(d, m.day);
	rc = mail_store(db, cx, &m);
	return rc == DB_FULL ? DB_NOTFOUND : rc;
}

/* --- The mailer ------------------------------------------------------- */

static const struct notify_transport *
transport(struct complaints *cx)
{
	if (cx->mail->mail_capture && *cx->mail->mail_capture)
		return &notify_transport_capture;
	if (cx->mail->smtp_url && *cx->mail->smtp_url)
		return &notify_transport_smtp;
	return NULL;
}

/* Builds and sends one mail: enum notify_result, or -1 for a bad one. */
static int
mail_send(struct complaints *cx, const struct filing_mail *m,
    const struct notify_smtp_conf *sc, void **h, char *detail, size_t dlen)
{
	const struct notify_transport *tr = transport(cx);
	struct complaints_talon_status st;
	struct complaints_error e;
	struct notify_letter l;
	struct notify_mime_in mi;
	struct buf subj_kk, subj_ru, kk, ru, pdf, msg;
	struct buf *const bufs[] = { &subj_kk, &subj_ru, &kk, &ru, &pdf, &msg };
	char url[700];
	int rc = -1, ru_first = strcmp(m->lang, "kk") != 0;

	buf_init(&subj_kk, 1024);
	buf_init(&subj_ru, 1024);
	buf_init(&kk, FILING_TEXT_CAP);
	buf_init(&ru, FILING_TEXT_CAP);
	buf_init(&pdf, FILING_PDF_CAP);
	buf_init(&msg, FILING_MAIL_CAP);
	memset(&l, 0, sizeof(l));
	l.kind = m->kind == MAIL_CONFIRM ? "confirm" :
	    m->kind == MAIL_TALON	 ? "talon" :
					   "received";
	l.lang = "kk";
	l.uid = m->uid;
	l.surname = m->surname;
	l.name = m->name;
	l.patronymic = m->patronymic[0] ? m->patronymic : NULL;
	l.email = m->to;
	l.status_url = cx->status_url;
	if (m->kind == MAIL_CONFIRM) {
		snprintf(url, sizeof(url), "%s%s", cx->filing->confirm_base,
		    m->token);
		l.confirm_url = url;
	} else if (m->kind == MAIL_RECEIVED) {
		l.surname = l.name = NULL;
		l.body_name_kk = m->body_kk;
		l.body_name_ru = m->body_ru;
		l.accepted_on = m->day;
	} else {
		if (complaints_status_info(cx, m->talon, NULL, &st, &e) == -1) {
			snprintf(detail, dlen, "talon %s: %.200s", m->talon,
			    e.message);
			goto out;
		}
		l.talon = m->talon;
		l.accepted_on = st.accepted_on;
		l.due = st.due;
		l.body_code = st.body_code;
		l.body_name_kk = st.body_kk;
		l.body_name_ru = st.body_ru;
		if (complaints_talon_slip(cx, &complaints_system, m->talon,
			m->code, ru_first ? "ru" : "kk", &pdf, &e) == -1) {
			snprintf(detail, dlen, "the slip: %.200s", e.message);
			rc = e.errc == COMPLAINTS_EUNAVAIL ? NOTIFY_TEMPFAIL :
							     -1;
			goto out;
		}
	}
	if (notify_text(&l, &subj_kk, &kk, detail, dlen) != 0)
		goto out;
	l.lang = "ru";
	if (notify_text(&l, &subj_ru, &ru, detail, dlen) != 0)
		goto out;
	memset(&mi, 0, sizeof(mi));
	mi.from = cx->mail->smtp_from;
	mi.to = m->to;
	mi.subject = ru_first ? subj_ru.data : subj_kk.data;
	mi.date = clock_now();
	mi.uid = m->uid;
	mi.host = cx->mail->mail_host;
	mi.text_kk = kk.data;
	mi.text_ru = ru.data;
	if (m->kind == MAIL_RECEIVED)
		mi.in_reply_to = m->in_reply_to;
	if (m->kind == MAIL_TALON) {
		mi.pdf = &pdf;
		mi.pdf_name = "talon.pdf";
	}
	if (notify_mime(&mi, &msg) == -1) {
		snprintf(detail, dlen,
		    "the message cannot be built (check "
		    "smtp_from and the address)");
		goto out;
	}
	if (*h == NULL)
		*h = tr->open(sc);
	rc = *h ? tr->send(*h, cx->mail->smtp_from, m->to, &msg, detail, dlen) :
		  NOTIFY_TEMPFAIL;
	if (rc == NOTIFY_TEMPFAIL) {
		tr->close(*h);
		*h = NULL;
	}
out:
	for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
		buf_free(bufs[i]);
	return rc;
}

static int
purge_run(struct db *db, void *arg)
{
	return db_draft_purge(db, clock_now(), arg);
}

/* The mails due now, read on a reader and opened; how many. */
struct due {
	struct complaints *cx;
	struct filing_mail m[FILING_BATCH];
	int64_t id[FILING_BATCH];
	int attempts[FILING_BATCH];
	int n, bad;
	int64_t bad_id[FILING_BATCH];
};

static int
due_one(void *arg, const struct db_filing_mail *r)
{
	struct due *d = arg;

	if (mail_open(d->cx, r, &d->m[d->n]) == 0) {
		d->id[d->n] = r->id;
		d->attempts[d->n++] = r->attempts;
	} else
		d->bad_id[d->bad++] = r->id;
	return d->n + d->bad == FILING_BATCH;
}

/* What became of one mail: deleted, or put off to next_at. */
struct outcome {
	int64_t id;
	time_t next_at; /* 0: done (sent or given up) */
	const char *error;
};

static int
outcome_run(struct db *db, void *arg)
{
	const struct outcome *o = arg;
	int rc = o->next_at ?
	    db_filing_mail_retry(db, o->id, o->next_at, o->error) :
	    db_filing_mail_done(db, o->id);

	return rc == DB_NOTFOUND ? DB_OK : rc;
}

static void
outcome_record(
    struct complaints *cx, int64_t id, time_t next_at, const char *error)
{
	struct complaints_error e, je;
	struct outcome o = { id, next_at, error };

	if (complaints_run(cx, outcome_run, &o, &e, &je) == -1)
		log_warnx("filing: mail %lld: %s", (long long)id, e.message);
}

/* Sends what is due; 1 when a batch was full (more may wait). */
static int
mail_round(struct complaints *cx, const struct notify_smtp_conf *sc, void **h)
{
	struct due *d;
	struct db *db;
	char detail[300];
	int rc, full;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return 0;
	d->cx = cx;
	if ((db = db_pool_get(cx->readers)) == NULL) {
		free(d);
		return 0;
	}
	rc = db_filing_mail_due(db, clock_now(), FILING_BATCH, due_one, d);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK)
		log_warnx("filing: the mails waiting: %s", db_strerror(rc));
	full = d->n + d->bad == FILING_BATCH;
	for (int i = 0; i < d->bad; i++) {
		log_warnx("filing: mail %lld cannot be opened (another key or "
			  "version): dropped",
		    (long long)d->bad_id[i]);
		outcome_record(cx, d->bad_id[i], 0, NULL);
	}
	for (int i = 0; i < d->n; i++) {
		struct filing_mail *m = &d->m[i];

		detail[0] = '\0';
		rc = transport(cx) ?
		    mail_send(cx, m, sc, h, detail, sizeof(detail)) :
		    -1;
		if (rc == NOTIFY_TEMPFAIL && d->attempts[i] + 1 < FILING_TRIES)
			outcome_record(cx, d->id[i],
			    clock_now() + (30L << d->attempts[i]) +
				(time_t)randombytes_uniform(30),
			    detail[0] ? detail : "not sent");
		else {
			if (rc != NOTIFY_SENT)
				log_warnx("filing: %s mail to %s not sent: %s",
				    kind_names[m->kind], m->to,
				    detail[0] ? detail : "no mail transport");
			outcome_record(cx, d->id[i], 0, NULL);
		}
		sodium_memzero(m, sizeof(*m));
	}
	sodium_memzero(d, sizeof(*d));
	free(d);
	return full;
}

static void *
filing_main(void *arg)
{
	struct complaints *cx = arg;
	struct filing *f = cx->filing;
	struct notify_smtp_conf sc;
	struct complaints_error e, je;
	struct timespec ts;
	time_t last_purge = 0, now;
	void *h = NULL;
	int n, more = 1;

	complaints_smtp_conf(cx, &sc);
	pthread_mutex_lock(&f->lock);
	while (!f->stop) {
		if (!more && !f->kicked) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 5;
			(void)pthread_cond_timedwait(&f->cond, &f->lock, &ts);
			if (f->stop)
				break;
		}
		f->kicked = 0;
		pthread_mutex_unlock(&f->lock);
		more = mail_round(cx, &sc, &h);
		now = clock_now();
		if (now - last_purge >= FILING_PURGE_EVERY) {
			last_purge = now;
			if (complaints_run(cx, purge_run, &n, &e, &je) == 0 &&
			    n > 0)
				log_info("filing: %d unconfirmed drafts "
					 "deleted",
				    n);
		}
		pthread_mutex_lock(&f->lock);
	}
	pthread_mutex_unlock(&f->lock);
	if (h != NULL)
		transport(cx)->close(h);
	return NULL;
}

int
complaints_filing_start(struct complaints *cx)
{
	struct filing *f;
	const char *s = cx->status_url;
	size_t n;

	if (cx->mail->interval <= 0 || transport(cx) == NULL)
		return 0; /* no mail: no online filing */
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	/* The key that seals the mails waiting, from secret.key. */
	crypto_generichash(f->key, sizeof(f->key),
	    (const uint8_t *)"complaints filing mail", 22, cx->secret,
	    sizeof(cx->secret));
	/* The link: the site of the status page, /file/confirm?token=. */
	n = s ? strlen(s) : 0;
	if (n >= 8 && strcmp(s + n - 8, "/status/") == 0 &&
	    n < sizeof(f->confirm_base) - 32)
		snprintf(f->confirm_base, sizeof(f->confirm_base),
		    "%.*s/file/confirm?token=", (int)(n - 8), s);
	else
		log_warnx("filing: status_url does not end in /status/: "
			  "online filing is off");
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	cx->filing = f;
	if (pthread_create(&f->thread, NULL, filing_main, cx) != 0) {
		cx->filing = NULL;
		sodium_memzero(f->key, sizeof(f->key));
		free(f);
		return -1;
	}
	f->running = 1;
	return 0;
}

void
complaints_filing_stop(struct complaints *cx)
{
	struct filing *f = cx->filing;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = 1;
	pthread_cond_signal(&f->cond);
	pthread_mutex_unlock(&f->lock);
	if (f->running)
		pthread_join(f->thread, NULL);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	sodium_memzero(f->key, sizeof(f->key));
	free(f);
	cx->filing = NULL;
}
