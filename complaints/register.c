/*
 * complaints: registration.
 *
 * Registration runs in two halves: parsing and schema validation in the
 * request's thread, and the journal entry in the writer thread, inside
 * the batch transaction that group commit shares between requests.  The
 * entry itself (complaints_entry_insert) also serves forwarding and appeals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "complaints/complaints_int.h"
#include "notify/notify.h"

#define TALON_TRIES 8

struct reg_att {
	char *name, *media_type, *sha256;
};

/* One complaint as parsed, then as stored. */
struct reg_job {
	struct complaints_call call; /* first: the call frees the whole */
	struct complaints *cx;
	/* From the document. */
	char *body, *subject_institution, *subject_name;
	char *subject_official, *channel;
	char *surname, *name, *patronymic, *address, *email;
	char *phone, *representative_of, *reasons, *demands;
	char *registrar_name, *registrar_position;
	char *ground, *intake_checked;
	int service, is_signed, has_received_at;
	time_t received_at;
	struct reg_att att[MAX_ATTACHMENTS];
	int natt;
	/* From the writer. */
	struct complaints_error err;
	struct complaints_entry ent;
};

static void
register_free(struct reg_job *r)
{
	if (r == NULL)
		return;
	free(r->body);
	free(r->subject_institution);
	free(r->subject_name);
	free(r->subject_official);
	free(r->channel);
	free(r->surname);
	free(r->name);
	free(r->patronymic);
	free(r->address);
	free(r->email);
	free(r->phone);
	free(r->representative_of);
	free(r->reasons);
	free(r->demands);
	free(r->registrar_name);
	free(r->registrar_position);
	free(r->ground);
	free(r->intake_checked);
	for (int i = 0; i < r->natt; i++) {
		free(r->att[i].name);
		free(r->att[i].media_type);
		free(r->att[i].sha256);
	}
	sodium_memzero(r->ent.access_code, sizeof(r->ent.access_code));
	free(r);
}

static int register_run(struct db *, void *);
static void register_fill(
    const struct reg_job *, struct db_complaint *, struct db_attachment *);
static int register_finish(
    struct complaints_call *, struct buf *, struct complaints_error *);

static void
register_cleanup(struct complaints_call *c)
{
	register_free((struct reg_job *)(void *)c);
}

const struct complaints_entry *
complaints_register_entry(const struct complaints_call *c)
{
	return &((const struct reg_job *)(const void *)c)->ent;
}

struct complaints_call *
complaints_register_begin(struct complaints *cx,
    const struct complaints_actor *who, const char *xml, size_t len,
    struct complaints_error *e)
{
	struct xmlio_err xe;
	struct reg_job *r = NULL;
	xmlNodePtr root, n, a;
	xmlDocPtr doc;
	long long v;
	char *s;

	if (complaints_actor_check(who, e) == -1)
		return NULL;
	if (xmlio_parse(cx->schemas, "complaint", xml, len, &doc, &xe) == -1) {
		complaints_xml_error(e, &xe);
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		goto oom;
	r->cx = cx;
	complaints_call_init(&r->call, cx, register_run, r, &r->err);
	r->call.what = "the complaint";
	r->call.finish = register_finish;
	r->call.cleanup = register_cleanup;
	root = xmlDocGetRootElement(doc);
	r->body = xmlio_child_text(root, "body");
	s = xmlio_child_text(root, "service");
	if (s == NULL || parse_ll(s, 1, 11, &v) == -1) {
		free(s);
		complaints_error_set(e, COMPLAINTS_EINVAL, "unknown-service",
		    "the service number must be 1 to 11");
		goto fail;
	}
	free(s);
	r->service = (int)v;
	n = xmlio_child(root, "subject");
	r->subject_institution = xmlio_child_text(n, "institution");
	r->subject_name = xmlio_child_text(n, "name");
	r->subject_official = xmlio_child_text(n, "official");
	r->channel = xmlio_child_text(root, "channel");
	if ((s = xmlio_child_text(root, "received-at")) != NULL) {
		if (iso_parse(s, &r->received_at) == -1) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "invalid-document",
			    "received-at: "
			    "give a date and time with a zone, such as "
			    "2026-11-26T10:15:00+05:00");
			free(s);
			goto fail;
		}
		r->has_received_at = 1;
		free(s);
		if (r->received_at > clock_now() + 3600) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "invalid-document",
			    "received-at: "
			    "the complaint cannot be received in the future");
			goto fail;
		}
	}
	n = xmlio_child(root, "applicant");
	r->surname = xmlio_child_text(n, "surname");
	r->name = xmlio_child_text(n, "name");
	r->patronymic = xmlio_child_text(n, "patronymic");
	r->address = xmlio_child_text(n, "address");
	r->email = xmlio_child_text(n, "email");
	r->phone = xmlio_child_text(n, "phone");
	r->representative_of = xmlio_child_text(n, "representative-of");
	s = xmlio_child_text(root, "signed");
	r->is_signed = s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
	free(s);
	r->reasons = xmlio_child_text(root, "reasons");
	r->demands = xmlio_child_text(root, "demands");
	if ((n = xmlio_child(root, "attachments")) != NULL) {
		for (a = n->children; a != NULL; a = a->next) {
			if (a->type != XML_ELEMENT_NODE)
				continue;
			if (r->natt == MAX_ATTACHMENTS) {
				complaints_error_set(e, COMPLAINTS_EINVAL,
				    "too-many-attachments",
				    "at most %d attachments", MAX_ATTACHMENTS);
				goto fail;
			}
			r->att[r->natt].name = xmlio_prop(a, "name");
			r->att[r->natt].media_type = xmlio_prop(
			    a, "media-type");
			r->att[r->natt].sha256 = xmlio_prop(a, "sha256");
			r->natt++;
		}
	}
	r->ground = xmlio_child_text(root, "ground");
	if (complaints_intake_marks(
		xmlio_child(root, "intake"), &r->intake_checked) == -1)
		goto oom;
	n = xmlio_child(root, "registrar");
	r->registrar_name = xmlio_child_text(n, "name");
	r->registrar_position = xmlio_child_text(n, "position");
	/* The address the answer will go to must be one the sender takes. */
	if (r->email != NULL && !notify_email_valid(r->email)) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "invalid-document",
		    "email: \"%.100s\" is "
		    "not an address mail can be sent to",
		    r->email);
		goto fail;
	}
	/* The registrar and the body come from the session. */
	if (who->role != COMPLAINTS_ROLE_SYSTEM) {
		if (who->role == COMPLAINTS_ROLE_ADMIN) {
			complaints_error_set(e, COMPLAINTS_EPERM, "forbidden",
			    "an administrator "
			    "does not register complaints");
			goto fail;
		}
		if (r->body != NULL && strcmp(r->body, who->body) != 0) {
			complaints_error_set(e, COMPLAINTS_EPERM, "other-body",
			    "you register for "
			    "%s, not %s",
			    who->body, r->body);
			goto fail;
		}
		free(r->body);
		free(r->registrar_name);
		free(r->registrar_position);
		r->body = strdup(who->body);
		r->registrar_name = strdup(who->name);
		r->registrar_position = strdup(who->position);
	} else if (r->body == NULL || r->registrar_name == NULL) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "invalid-document",
		    "name the <body> and "
		    "the <registrar>, or sign in");
		goto fail;
	}
	/* The schema guarantees these; a failed copy is memory. */
	if (r->body == NULL || r->subject_name == NULL || r->channel == NULL ||
	    r->surname == NULL || r->name == NULL || r->reasons == NULL ||
	    r->demands == NULL || r->registrar_name == NULL ||
	    r->registrar_position == NULL)
		goto oom;
	for (int i = 0; i < r->natt; i++)
		if (!r->att[i].name || !r->att[i].media_type ||
		    !r->att[i].sha256)
			goto oom;
	xmlFreeDoc(doc);
	return &r->call;
oom:
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "out of "
	    "memory");
fail:
	xmlFreeDoc(doc);
	register_free(r);
	return NULL;
}

/*
 * What the law and the routing rules give a new entry at body b, read
 * only: the due date and its rule set and clause, the competent body when
 * it is not b and the forwarding deadline, the ground and the intake
 * check.  Registration and its preview both come through here.
 */
static int
entry_law(struct db *db, struct complaints *cx, const struct db_complaint *c,
    const struct db_body *b, const char *action, struct moment *mp,
    struct complaints_entry *out, struct complaints_error *e)
{
	struct cal_due_out dout;
	struct routing_chain chain;
	struct db_law parent_law;
	struct date day;
	struct db_body inst;
	struct moment m;
	int rc;

	memset(out, 0, sizeof(*out));
	out->body = *b;
	out->accepted_at = clock_now();
	if (tz_local(b->tz[0] ? b->tz : cx->timezone, out->accepted_at, &m) ==
	    -1) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "unknown time zone %s", b->tz);
		return DB_ERROR;
	}
	if (complaints_law_due(cx, b, &m, out->accepted_at, c->received_at,
		c->service, &dout) == -1) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "no "
		    "deadline rule set for "
		    "%04d-%02d-%02d",
		    m.y, m.m, m.d);
		return DB_ERROR;
	}
	date_iso(dout.due, out->due);
	out->rules = dout.rules;
	out->year = m.y;

	/* Who is competent, from the routing rules. */
	memset(&inst, 0, sizeof(inst));
	if (c->subject_institution != NULL && *c->subject_institution) {
		rc = db_body_by_code(db, c->subject_institution, &inst);
		if (rc == DB_NOTFOUND) {
			complaints_error_set(e, COMPLAINTS_EINVAL,
			    "unknown-institution",
			    "no "
			    "institution with the code \"%s\" in the directory",
			    c->subject_institution);
			return rc;
		}
		if (rc != DB_OK)
			return rc;
	}
	/* The chain for its ground, with the bodies of the day. */
	day = (struct date){ m.y, m.m, m.d };
	if (strcmp(action, "register") == 0 &&
	    routing_chain_at(cx->routing, c->service,
		c->ground && strcmp(c->ground, "quality") == 0 ?
		    ROUTING_GROUND_QUALITY :
		    ROUTING_GROUND_GENERAL,
		day, inst.code[0] ? inst.code : NULL,
		inst.parent_code[0] ? inst.parent_code : NULL,
		&chain) == ROUTING_OK &&
	    chain.n > 0 && strcmp(chain.body[0], b->code) != 0) {
		strlcpy_chk(
		    out->proposal, chain.body[0], sizeof(out->proposal));
		/* Not competent: forwarded within the rule set's period. */
		if (cal_forward_due(cx->cal, dout.rules, dout.start,
			complaints_hours(cx, b)->week, &day) == 0)
			date_iso(day, out->law.forward_due);
	}
	strlcpy_chk(out->law.clause, dout.clause, sizeof(out->law.clause));
	strlcpy_chk(out->law.basis, dout.basis, sizeof(out->law.basis));
	strlcpy_chk(out->law.count_from, cal_event_name(dout.event),
	    sizeof(out->law.count_from));
	if (c->ground != NULL)
		strlcpy_chk(
		    out->law.ground, c->ground, sizeof(out->law.ground));
	else if (c->parent_id == 0 ||
	    db_law_get(db, c->parent_id, &parent_law) != DB_OK ||
	    parent_law.ground[0] == '\0')
		strlcpy_chk(
		    out->law.ground, "decision", sizeof(out->law.ground));
	else /* forwarded or appealed: the same ground */
		strlcpy_chk(out->law.ground, parent_law.ground,
		    sizeof(out->law.ground));
	if (strcmp(action, "register") == 0)
		(void)complaints_law_intake(cx, c, c->intake_checked, &out->law,
		    out->intake_missing, sizeof(out->intake_missing));
	*mp = m;
	return DB_OK;
}

int
complaints_entry_insert(struct db *db, struct complaints *cx,
    struct db_complaint *c, const struct db_body *b,
    const struct db_attachment *att, int natt, const char *actor,
    const char *action, const char *detail, struct complaints_entry *out,
    struct complaints_error *e)
{
	struct db_event ev;
	struct moment m;
	uint8_t ahash[32], key[32], chash[32], rowhash[32];
	char note[512];
	int64_t rid = 0, rcase = 0;
	int rc, i;

	if ((rc = entry_law(db, cx, c, b, action, &m, out, e)) != DB_OK)
		return rc;

	/* A repeat: the same applicant, institution and service. */
	complaints_applicant_key(c->surname, c->name, c->address,
	    c->subject_institution, c->subject_name, key);
	c->applicant_key = key;
	if (strcmp(action, "register") == 0 && c->repeat_of == 0 &&
	    db_repeat_find(db, key, c->service,
		(int64_t)out->accepted_at - (int64_t)cx->repeat_days * 86400, 0,
		&rid, &rcase) == DB_OK)
		c->repeat_of = rid;

	if ((rc = db_journal_next(db, b->id, m.y, &out->no)) != DB_OK)
		return rc;
	complaints_access_code_generate(out->access_code);
	complaints_access_code_hash(cx->secret, out->access_code, ahash);
	c->talon = out->talon;
	c->access_hash = ahash;
	c->body_id = b->id;
	c->journal_year = out->year;
	c->journal_no = out->no;
	c->accepted_at = out->accepted_at;
	if (c->received_at == 0)
		c->received_at = out->accepted_at;
	out->received_at = c->received_at;
	c->rules = out->rules;
	c->due = out->due;
	c->state = "registered";
	c->law = &out->law;
	for (i = 0; i < TALON_TRIES; i++) {
		complaints_talon_generate(out->year, out->talon);
		rc = db_complaint_insert(db, c, &out->id, chash);
		if (rc != DB_CONSTRAINT)
			break;
	}
	if (rc != DB_OK)
		return rc;
	c->id = out->id;
	for (i = 0; i < natt; i++)
		if ((rc = db_attachment_insert(db, out->id, i + 1, &att[i])) !=
		    DB_OK)
			return rc;

	note[0] = '\0';
	if (detail)
		snprintf(note, sizeof(note), "%s", detail);
	if (out->proposal[0])
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
		    "%snot competent: the routing rules name %s; forwarding "
		    "is proposed%s%s",
		    note[0] ? "; " : "", out->proposal,
		    out->law.forward_due[0] ? ", by " : "",
		    out->law.forward_due);
	if (c->repeat_of)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
		    "%srepeat of complaint %lld", note[0] ? "; " : "",
		    (long long)c->repeat_of);
	if (out->intake_missing[0])
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
		    "%sthe regulation asks for, not checked present: %.300s",
		    note[0] ? "; " : "", out->intake_missing);
	utf8_trim(note);
	memset(&ev, 0, sizeof(ev));
	ev.body_id = b->id;
	ev.complaint_id = out->id;
	ev.at = out->accepted_at;
	ev.actor = actor;
	ev.action = action;
	ev.state_after = "registered";
	ev.detail = note[0] ? note : NULL;
	if ((rc = db_complaint_row_hash_new(
		 db, c, out->id, chash, att, natt, rowhash)) != DB_OK)
		return rc;
	return db_event_append(db, &ev, rowhash);
}

/* In the writer thread, inside a savepoint of the batch. */
static int
register_run(struct db *db, void *arg)
{
	struct reg_job *r = arg;
	struct db_attachment att[MAX_ATTACHMENTS];
	struct db_complaint c;
	struct db_body b;
	int rc;

	rc = complaints_body_named(db, r->body, &b, COMPLAINTS_EINVAL, &r->err);
	if (rc != DB_OK)
		return rc;
	if (!routing_channel_allowed(r->cx->routing, r->service, r->channel))
		log_debug("complaints: service %d does not list the channel "
			  "%s; registered all the same",
		    r->service, r->channel);
	register_fill(r, &c, att);
	return complaints_entry_insert(db, r->cx, &c, &b, att, r->natt,
	    r->registrar_name, "register", NULL, &r->ent, &r->err);
}

/* The stored form of the parsed complaint r (its strings stay r's). */
static void
register_fill(
    const struct reg_job *r, struct db_complaint *cp, struct db_attachment *att)
{
	struct db_complaint c;

	memset(&c, 0, sizeof(c));
	c.received_at = r->has_received_at ? r->received_at : 0;
	c.channel = r->channel;
	c.service = r->service;
	c.subject_institution = r->subject_institution;
	c.subject_name = r->subject_name;
	c.subject_official = r->subject_official;
	c.surname = r->surname;
	c.name = r->name;
	c.patronymic = r->patronymic;
	c.address = r->address;
	c.email = r->email;
	c.phone = r->phone;
	c.representative_of = r->representative_of;
	c.is_signed = r->is_signed;
	c.reasons = r->reasons;
	c.demands = r->demands;
	c.registrar_name = r->registrar_name;
	c.registrar_position = r->registrar_position;
	c.ground = r->ground;
	c.intake_checked = r->intake_checked;
	for (int i = 0; i < r->natt; i++) {
		att[i].name = r->att[i].name;
		att[i].media_type = r->att[i].media_type;
		att[i].sha256 = r->att[i].sha256;
	}
	*cp = c;
}

/* Writes a <talon>; the access code only when given. */
int
complaints_talon_xml(const char *tz, const char *talon, const char *access_code,
    int year, int64_t journal_no, const struct db_body *b, time_t accepted,
    const char *name, const char *position, const char *due, const char *rules,
    int service, const char *proposal, const struct complaints_talon_law *tl,
    struct buf *out, struct complaints_error *e)
{
	struct xmlio_out o;
	struct moment m;
	char riso[32] = "";

	/* Received earlier than registered: both, received first. */
	if (tl != NULL && tl->received_at != 0 && tl->received_at < accepted &&
	    tz_local(tz, tl->received_at, &m) == 0)
		moment_iso(&m, riso);
	if (xmlio_out_begin(&o, "talon") == -1 ||
	    complaints_out_talon(&o, tz, talon, access_code, year, journal_no,
		b, accepted) == -1 ||
	    xmlio_out_start(&o, "accepted-by") == -1 ||
	    xmlio_out_elem(&o, "name", name) == -1 ||
	    xmlio_out_elem(&o, "position", position) == -1 ||
	    xmlio_out_end(&o) == -1 || xmlio_out_elem(&o, "due", due) == -1 ||
	    xmlio_out_elem(&o, "rules", rules) == -1 ||
	    xmlio_out_elemf(&o, "service", "%d", service) == -1 ||
	    (proposal && *proposal &&
		xmlio_out_elem(&o, "forward-proposed", proposal) == -1) ||
	    (riso[0] && xmlio_out_elem(&o, "received-at", riso) == -1) ||
	    complaints_talon_law_xml(&o, tl) == -1 ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "the "
		    "talon could not be written");
		return -1;
	}
	return 0;
}

/* After the commit: the <talon>, with the access code. */
static int
register_finish(
    struct complaints_call *c, struct buf *out, struct complaints_error *e)
{
	struct reg_job *r = (struct reg_job *)(void *)c;
	struct complaints_talon_law tl = { &r->ent.law, r->ent.received_at,
		r->ent.intake_missing };

	return complaints_talon_xml(
	    r->ent.body.tz[0] ? r->ent.body.tz : r->cx->timezone, r->ent.talon,
	    r->ent.access_code, r->ent.year, r->ent.no, &r->ent.body,
	    r->ent.accepted_at, r->registrar_name, r->registrar_position,
	    r->ent.due, r->ent.rules, r->service, r->ent.proposal, &tl, out, e);
}

int
complaints_register(struct complaints *cx, const struct complaints_actor *a,
    const char *xml, size_t len, struct buf *out, struct complaints_error *e)
{
	return complaints_call_wait(
	    complaints_register_begin(cx, a, xml, len, e), out, e);
}

int
complaints_register_preview(struct complaints *cx,
    const struct complaints_actor *a, const char *xml, size_t len,
    struct buf *out, struct complaints_error *e)
{
	struct db_attachment att[MAX_ATTACHMENTS];
	struct complaints_talon_law tl;
	struct complaints_call *call;
	struct complaints_entry ent;
	struct db_complaint c;
	struct xmlio_out o;
	struct reg_job *r;
	struct db_body b, pb;
	struct moment m;
	struct db *db;
	int rc;

	if ((call = complaints_register_begin(cx, a, xml, len, e)) == NULL)
		return -1;
	r = (struct reg_job *)(void *)call;
	if ((db = complaints_reader(cx, e)) == NULL) {
		complaints_call_free(call);
		return -1;
	}
	register_fill(r, &c, att);
	memset(&pb, 0, sizeof(pb));
	e->errc = COMPLAINTS_OK;
	if ((rc = complaints_body_named(
		 db, r->body, &b, COMPLAINTS_EINVAL, e)) == DB_OK &&
	    (rc = entry_law(db, cx, &c, &b, "register", &m, &ent, e)) !=
		DB_OK &&
	    e->errc == COMPLAINTS_OK)
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "the directory cannot be read");
	/* The competent body's name, when it is not this one. */
	if (rc == DB_OK && ent.proposal[0])
		(void)db_body_by_code(db, ent.proposal, &pb);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK) {
		complaints_call_free(call);
		return -1;
	}
	tl = (struct complaints_talon_law){ &ent.law, 0, ent.intake_missing };
	if (xmlio_out_begin(&o, "registration-preview") == -1 ||
	    complaints_out_body(&o, &b) == -1 ||
	    xmlio_out_elem(&o, "due", ent.due) == -1 ||
	    xmlio_out_elem(&o, "rules", ent.rules) == -1 ||
	    xmlio_out_elemf(&o, "service", "%d", r->service) == -1 ||
	    (ent.proposal[0] &&
		(xmlio_out_start(&o, "forward-proposed") == -1 ||
		    (pb.name_kk[0] &&
			xmlio_out_attr(&o, "name", pb.name_kk) == -1) ||
		    (pb.name_ru[0] &&
			xmlio_out_attr(&o, "name-ru", pb.name_ru) == -1) ||
		    xmlTextWriterWriteString(o.w, BAD_CAST ent.proposal) < 0 ||
		    xmlio_out_end(&o) == -1)) ||
	    complaints_talon_law_xml(&o, &tl) == -1 ||
	    xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		complaints_call_free(call);
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "the "
		    "preview could not be written");
		return -1;
	}
	complaints_call_free(call);
	return 0;
}
