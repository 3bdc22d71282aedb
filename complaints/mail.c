/*
 * complaints: complaints that arrive by email.
 *
 * complaints-mailgate reads the message and posts a <mail> (mail.xsd).
 * It is stored once per Message-ID at the body the MTA named, with the
 * time it was received, in the body's list of incomplete complaints:
 * the journal needs the service, which the registrar reads from the
 * letter.  The sender gets one automatic answer (RFC 3834), unless the
 * message is itself automatic, a bounce or list mail, or the sender was
 * answered within the hour.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints_int.h"
#include "notify/notify.h"

#define MAIL_ATT_MAX   20
#define MAIL_REPLY_GAP 3600 /* one answer an hour per sender */
#define MAIL_LIST_MAX  500

struct mail_job {
	struct complaints_call call; /* first */
	struct complaints *cx;
	struct complaints_error err;
	struct db_body body;
	char *message_id, *from, *from_name, *subject;
	char *text, *no_reply;
	int left_out, natt;
	struct {
		char *name, *media_type, *sha256;
		int64_t size;
	} att[MAIL_ATT_MAX];
	/* From the writer. */
	int64_t id;
	time_t received_at;
	int duplicate, reply, queued;
	const char *why; /* no reply: why */
};

static void
mail_cleanup(struct complaints_call *c)
{
	struct mail_job *j = (struct mail_job *)(void *)c;

	free(j->message_id);
	free(j->from);
	free(j->from_name);
	free(j->subject);
	free(j->text);
	free(j->no_reply);
	for (int i = 0; i < j->natt; i++) {
		free(j->att[i].name);
		free(j->att[i].media_type);
		free(j->att[i].sha256);
	}
	free(j);
}

static int
mail_run(struct db *db, void *arg)
{
	struct mail_job *j = arg;
	struct db_mail_att att[MAIL_ATT_MAX];
	struct db_mail m;
	int64_t n = 0;
	int rc;

	j->received_at = clock_now();
	j->why = j->no_reply;
	if (j->why == NULL) {
		if ((rc = db_mail_replied(db, j->from,
			 (int64_t)j->received_at - MAIL_REPLY_GAP, &n)) !=
		    DB_OK)
			return rc;
		if (n > 0)
			j->why = "answered-within-the-hour";
	}
	j->reply = j->why == NULL;
	memset(&m, 0, sizeof(m));
	m.body_id = j->body.id;
	m.message_id = j->message_id;
	m.sender = j->from;
	m.sender_name = j->from_name;
	m.subject = j->subject;
	m.text = j->text;
	m.received_at = j->received_at;
	m.no_reply = j->why;
	m.replied_at = j->reply ? j->received_at : 0;
	m.left_out = j->left_out;
	for (int i = 0; i < j->natt; i++) {
		att[i].name = j->att[i].name;
		att[i].media_type = j->att[i].media_type;
		att[i].sha256 = j->att[i].sha256;
		att[i].size = j->att[i].size;
	}
	rc = db_mail_insert(db, &m, att, j->natt, &j->id);
	if (rc == DB_CONSTRAINT) {
		/* Delivered again: stored once, answered once. */
		j->duplicate = 1;
		j->reply = 0;
		j->why = "duplicate";
		return DB_OK;
	}
	if (rc != DB_OK || !j->reply)
		return rc;
	/* The answer, in this transaction. */
	rc = complaints_filing_received(
	    db, j->cx, j->from, j->message_id, &j->body, j->received_at);
	j->queued = rc == DB_OK;
	return rc == DB_NOTFOUND ? DB_OK : rc;
}

static int
mail_finish(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	struct mail_job *j = (struct mail_job *)(void *)c;
	struct xmlio_out o;
	const char *tz = j->body.tz[0] ? j->body.tz : j->cx->timezone;
	int queued = j->queued;

	if (queued)
		complaints_filing_kick(j->cx);
	if (xmlio_out_begin(&o, "mail-received") == -1)
		return complaints_out_answer(&o, 0, out, e);
	return complaints_out_answer(&o,
	    xmlio_out_attr(&o, "duplicate", j->duplicate ? "true" : "false") ==
		    0 &&
		(j->duplicate ||
		    (xmlio_out_elemf(&o, "id", "%lld", (long long)j->id) == 0 &&
			complaints_out_time(
			    &o, "received-at", tz, j->received_at) == 0)) &&
		complaints_out_body(&o, &j->body) == 0 &&
		xmlio_out_elem(&o, "reply", queued ? "queued" : "none") == 0 &&
		(!j->why || xmlio_out_elem(&o, "no-reply", j->why) == 0),
	    out, e);
}

struct complaints_call *
complaints_mail_begin(struct complaints *cx, const struct complaints_actor *who,
    const char *xml, size_t len, struct complaints_error *e)
{
	struct xmlio_err xe;
	struct mail_job *j;
	xmlNodePtr root, n, a;
	xmlDocPtr doc;
	struct db *db;
	char *body, *s;
	int rc;

	if (complaints_actor_check(who, e) == -1)
		return NULL;
	if (xmlio_parse(cx->schemas, "mail", xml, len, &doc, &xe) == -1) {
		complaints_xml_error(e, &xe);
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		xmlFreeDoc(doc);
		goto oom;
	}
	j->cx = cx;
	complaints_call_init(&j->call, cx, mail_run, j, &j->err);
	j->call.what = "the mail";
	j->call.finish = mail_finish;
	j->call.cleanup = mail_cleanup;
	root = xmlDocGetRootElement(doc);
	body = xmlio_child_text(root, "body");
	j->message_id = xmlio_child_text(root, "message-id");
	j->from = xmlio_child_text(root, "from");
	j->from_name = xmlio_child_text(root, "from-name");
	j->subject = xmlio_child_text(root, "subject");
	j->text = xmlio_child_text(root, "text");
	j->no_reply = xmlio_child_text(root, "no-reply");
	if (j->text == NULL)
		j->text = strdup("");
	if ((n = xmlio_child(root, "attachments")) != NULL) {
		if ((s = xmlio_prop(n, "left-out")) != NULL)
			j->left_out = atoi(s) > 0 ? 1 : 0;
		free(s);
		for (a = n->children; a != NULL; a = a->next) {
			if (a->type != XML_ELEMENT_NODE ||
			    j->natt == MAIL_ATT_MAX)
				continue;
			j->att[j->natt].name = xmlio_prop(a, "name");
			j->att[j->natt].media_type = xmlio_prop(
			    a, "media-type");
			j->att[j->natt].sha256 = xmlio_prop(a, "sha256");
			s = xmlio_prop(a, "size");
			j->att[j->natt].size = s ? strtoll(s, NULL, 10) : 0;
			free(s);
			if (!j->att[j->natt].name ||
			    !j->att[j->natt].media_type ||
			    !j->att[j->natt].sha256) {
				j->natt++;
				free(body);
				xmlFreeDoc(doc);
				mail_cleanup(&j->call);
				goto oom;
			}
			j->natt++;
		}
	}
	xmlFreeDoc(doc);
	if (body == NULL || j->message_id == NULL || j->from == NULL ||
	    j->text == NULL) {
		free(body);
		mail_cleanup(&j->call);
		goto oom;
	}
	db = db_pool_get(cx->readers);
	rc = db_body_by_code(db, body, &j->body);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK) {
		if (rc == DB_NOTFOUND)
			complaints_error_set(e, COMPLAINTS_ENOENT,
			    "unknown-body",
			    "no body with the code \"%.40s\": "
			    "check the mailgate's argument",
			    body);
		else
			complaints_db_error(e, rc, "the body was not read");
		free(body);
		mail_cleanup(&j->call);
		return NULL;
	}
	if (who->role != COMPLAINTS_ROLE_SYSTEM &&
	    ((who->role != COMPLAINTS_ROLE_REGISTRAR &&
		 who->role != COMPLAINTS_ROLE_HEAD) ||
		strcmp(who->body, j->body.code) != 0)) {
		complaints_error_set(e, COMPLAINTS_EPERM, "other-body",
		    "a token of %.40s's registrar takes its mail, not %.40s's",
		    who->body, j->body.code);
		free(body);
		mail_cleanup(&j->call);
		return NULL;
	}
	free(body);
	return &j->call;
oom:
	complaints_error_set(
	    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
	return NULL;
}

struct list_out {
	struct xmlio_out *o;
	const char *tz;
	int n;
};

static int
list_one(void *arg, const struct db_mail *m)
{
	struct list_out *l = arg;
	struct xmlio_out *o = l->o;

	l->n++;
	return xmlio_out_start(o, "mail") == -1 ||
		xmlio_out_elemf(o, "id", "%lld", (long long)m->id) == -1 ||
		complaints_out_time(o, "received-at", l->tz, m->received_at) ==
		    -1 ||
		xmlio_out_elem(o, "from", m->sender) == -1 ||
		(m->sender_name &&
		    xmlio_out_elem(o, "from-name", m->sender_name) == -1) ||
		(m->subject &&
		    xmlio_out_elem(o, "subject", m->subject) == -1) ||
		xmlio_out_elem(o, "excerpt", m->text ? m->text : "") == -1 ||
		xmlio_out_elemf(o, "attachments", "%d", m->natt) == -1 ||
		xmlio_out_end(o) == -1 ?
	    -1 :
	    0;
}

int
complaints_mail_list(struct complaints *cx, const struct complaints_actor *a,
    const char *body, int64_t after, int limit, struct buf *xml,
    struct complaints_error *e)
{
	struct xmlio_out o;
	struct list_out l;
	struct db_body b;
	struct db *db;
	int rc = -1;

	if (complaints_actor_check(a, e) == -1)
		return -1;
	if (body == NULL)
		body = a->body;
	db = db_pool_get(cx->readers);
	if (complaints_may_list(db, a, body, 0, e) == -1)
		goto out;
	if (complaints_body_named(db, body, &b, COMPLAINTS_ENOENT, e) != DB_OK)
		goto out;
	memset(&l, 0, sizeof(l));
	l.o = &o;
	l.tz = b.tz[0] ? b.tz : cx->timezone;
	if (xmlio_out_begin(&o, "incomplete") == -1 ||
	    xmlio_out_attr(&o, "body", b.code) == -1 ||
	    db_mail_list(db, b.id, after,
		limit > 0 && limit <= MAIL_LIST_MAX ? limit : 100, list_one,
		&l) != DB_OK ||
	    xmlio_out_finish(&o, xml) == -1) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "the list could not be written");
		goto out;
	}
	rc = 0;
out:
	db_pool_put(cx->readers, db);
	return rc;
}

/* --- Completing a complaint by email ---------------------------------- */

struct mail_row {
	int64_t body_id;
	time_t received_at;
	char *sender, *subject, *text, *no_reply;
};

static int
mail_copy(void *arg, const struct db_mail *m)
{
	struct mail_row *r = arg;

	r->body_id = m->body_id;
	r->received_at = (time_t)m->received_at;
	r->sender = strdup(m->sender ? m->sender : "");
	r->subject = m->subject ? strdup(m->subject) : NULL;
	r->text = strdup(m->text ? m->text : "");
	r->no_reply = m->no_reply ? strdup(m->no_reply) : NULL;
	return r->sender && r->text ? 0 : -1;
}

/* The letter as the complaint's reasons: its subject, then its text. */
static int
reasons_of(const struct mail_row *m, struct buf *b)
{
	char *c = strdup(m->text), *t;
	int rc;

	if (c == NULL)
		return -1;
	t = str_trim(c);
	rc = buf_printf(b, "%s%s%s", m->subject ? m->subject : "",
	    m->subject && *t ? "\n\n" : "",
	    *t || m->subject ? t : "(the letter has no text)");
	free(c);
	return rc;
}

struct complaints_call *
complaints_mail_register_begin(struct complaints *cx,
    const struct complaints_actor *who, int64_t id, const char *xml, size_t len,
    struct complaints_error *e)
{
	static const char *const names[] = { "service", "institution",
		"surname", "name", "patronymic", "address", "demands" };
	char *v[7] = { NULL };
	struct complaints_call *c = NULL;
	struct mail_row m;
	struct db_body b, inst;
	struct xmlio_out o;
	struct moment mo;
	struct buf doc, reasons;
	struct db *db;
	int64_t complaint = 0;
	char at[32];
	int rc, ok;

	memset(&m, 0, sizeof(m));
	buf_init(&doc, 512 * 1024);
	buf_init(&reasons, 256 * 1024);
	if (complaints_actor_check(who, e) == -1 ||
	    complaints_read_doc(cx, "complete", xml, len, names, v, 7, e) == -1)
		goto out;
	db = db_pool_get(cx->readers);
	rc = db_mail_get(db, id, &complaint, mail_copy, &m);
	if (rc == DB_OK && (rc = db_body_by_id(db, m.body_id, &b)) == DB_OK)
		rc = db_body_by_code(db, v[1], &inst);
	db_pool_put(cx->readers, db);
	if (rc == DB_NOTFOUND) {
		if (m.sender == NULL)
			complaints_error_set(e, COMPLAINTS_ENOENT,
			    "mail-not-found", "no mail %lld", (long long)id);
		else
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "unknown-institution",
			    "no institution with the "
			    "code \"%.40s\" in the directory",
			    v[1]);
		goto out;
	}
	if (rc != DB_OK) {
		complaints_db_error(e, rc, "the mail was not read");
		goto out;
	}
	if (complaint != 0) {
		complaints_error_set(e, COMPLAINTS_ECONFLICT,
		    "registered-already",
		    "this mail has been registered "
		    "already");
		goto out;
	}
	if (tz_local(b.tz[0] ? b.tz : cx->timezone, m.received_at, &mo) == -1 ||
	    reasons_of(&m, &reasons) == -1)
		goto oom;
	moment_iso(&mo, at);
	/* The complaint as the API takes it: received when it arrived. */
	ok = xmlio_out_begin(&o, "complaint") == 0 &&
	    xmlio_out_elem(&o, "body", b.code) == 0 &&
	    xmlio_out_elem(&o, "service", v[0]) == 0 &&
	    xmlio_out_start(&o, "subject") == 0 &&
	    xmlio_out_elem(&o, "institution", inst.code) == 0 &&
	    xmlio_out_elem(&o, "name",
		inst.name_ru[0] ? inst.name_ru : inst.name_kk) == 0 &&
	    xmlio_out_end(&o) == 0 &&
	    xmlio_out_elem(&o, "channel", "email") == 0 &&
	    xmlio_out_elem(&o, "received-at", at) == 0 &&
	    xmlio_out_start(&o, "applicant") == 0 &&
	    xmlio_out_elem(&o, "surname", v[2]) == 0 &&
	    xmlio_out_elem(&o, "name", v[3]) == 0 &&
	    (!v[4] || xmlio_out_elem(&o, "patronymic", v[4]) == 0) &&
	    (!v[5] || xmlio_out_elem(&o, "address", v[5]) == 0) &&
	    (!notify_email_valid(m.sender) ||
		xmlio_out_elem(&o, "email", m.sender) == 0) &&
	    xmlio_out_end(&o) == 0 &&
	    xmlio_out_elem(&o, "signed", "false") == 0 &&
	    xmlio_out_elem(&o, "reasons", reasons.data) == 0 &&
	    xmlio_out_elem(&o, "demands",
		v[6] ? v[6] :
		       "Хатта жазылған / "
		       "Изложены в письме") == 0;
	if (ok && who->role == COMPLAINTS_ROLE_SYSTEM)
		ok = xmlio_out_start(&o, "registrar") == 0 &&
		    xmlio_out_elem(&o, "name", "server") == 0 &&
		    xmlio_out_elem(&o, "position", "server") == 0 &&
		    xmlio_out_end(&o) == 0;
	if (complaints_out_answer(&o, ok, &doc, e) == -1)
		goto out;
	/* The talon to the sender, unless the letter was automatic. */
	c = complaints_filing_register(cx, who, doc.data, doc.len, id,
	    m.no_reply == NULL ||
		    strcmp(m.no_reply, "answered-within-the-hour") == 0 ?
		m.sender :
		NULL,
	    v[2], v[3], v[4], e);
	goto out;
oom:
	complaints_error_set(
	    e, COMPLAINTS_EINTERNAL, "internal", "out of memory");
out:
	for (int i = 0; i < 7; i++)
		free(v[i]);
	free(m.sender);
	free(m.subject);
	free(m.text);
	free(m.no_reply);
	buf_free(&doc);
	buf_free(&reasons);
	return c;
}
