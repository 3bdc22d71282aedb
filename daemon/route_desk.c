/*
 * route_desk: the staff desk, pages for people beside the XML API.
 *
 *	GET  /desk/login			the sign-in form
 *	POST /desk/login			sign in (a write): the cookie
 *	POST /desk/logout			sign out (a write)
 *	GET  /desk/				the inbox of the user's body
 *	GET  /desk/complaints/{id}		a case and its actions
 *	POST /desk/complaints/{id}/{action}	an action (a write)
 *	GET  /desk/register			the register form
 *	POST /desk/register			the preview (routing, due date;
 *						nothing written), the form again
 *						(find, change), or with confirm
 *						register (a write): the talon
 *	POST /desk/talons/{number}/slip		the talon's slip (PDF)
 *	GET  /desk/post				the letters waiting for the post
 *	GET  /desk/post/letters/{id}		a letter (PDF)
 *	POST /desk/post/letters/{id}/posted	posted, with its tracking number
 *	GET  /desk/post/register		the day's register (PDF, CSV)
 *	GET  /desk/escalation			the ministry's escalation desk
 *	GET  /desk/admin			accounts, tokens, verify
 *	POST /desk/admin/users[/{login}/{change}]	open, disable, password
 *
 * Each page is the document of the matching /api/v1 call, from the same
 * function of complaints/ with the session's actor, in a <desk> with who
 * is signed in, the form as typed and the error, turned into HTML by
 * web/xsl/desk-*.xsl.  A POST checks its CSRF token (the Origin was
 * checked before its body was read); an error of the domain shows the
 * page again with everything typed and the error beside its field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <sodium.h>

#include "daemon/desk.h"
#include "xmlio/xmlio.h"

#define DOC_CAP	    (8 * 1024 * 1024) /* an API document */
#define ACTIONS_MAX 16

/* What a POST keeps until its write has an answer. */
struct post {
	struct desk_form f;
	char *xml; /* the document written */
	char ref[HTTPD_SEGMENT_LEN];
};

static void
post_free(void *p)
{
	struct post *x = p;

	if (x == NULL)
		return;
	desk_form_free(&x->f);
	if (x->xml != NULL) {
		sodium_memzero(x->xml, strlen(x->xml));
		free(x->xml);
	}
	free(x);
}

/* Reads the form into a new struct post kept by r; NULL: answered. */
static struct post *
post_read(struct req *r, enum MHD_Result *rc)
{
	struct post *x;
	struct complaints_error e;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		*rc = MHD_NO;
		return NULL;
	}
	r->page = x;
	r->page_free = post_free;
	if (desk_form_read(r, &x->f) == -1) {
		*rc = httpd_fail(r, 400, "bad-form",
		    "the form cannot be read "
		    "(too many or too long fields, or not UTF-8)");
		return NULL;
	}
	if (!desk_csrf_ok(r, &x->f)) {
		complaints_error_set(&e, COMPLAINTS_EPERM, "bad-csrf-token",
		    "the form's token is not this session's: load the page "
		    "again");
		*rc = httpd_respond_error(r, &e);
		return NULL;
	}
	return x;
}

/* The first child element of n called name, or NULL. */
static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	for (n = n ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

/* Adds days-left="N" (working days) beside every <due> under n. */
static void
mark_days_left(struct req *r, xmlNodePtr n)
{
	xmlChar *due;
	char v[16];
	int left;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)n->name, "due") == 0 &&
		    (due = xmlNodeGetContent(n)) != NULL) {
			if (complaints_working_days_left(
				r->h->cx, (const char *)due, &left) == 0) {
				snprintf(v, sizeof(v), "%d", left);
				xmlSetProp(n, BAD_CAST "days-left", BAD_CAST v);
			}
			xmlFree(due);
		}
		mark_days_left(r, n->children);
	}
}

/* --- Sign in and out ---------------------------------------------------- */

static enum MHD_Result
login_page(struct req *r, unsigned status, const struct desk_form *f,
    const struct complaints_error *e)
{
	char tok[DESK_CSRF_LEN + 1], cookie[160];
	uint8_t raw[DESK_CSRF_LEN / 2];
	xmlDocPtr d;
	xmlChar *have;
	const char *set = NULL;

	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	have = xmlGetProp(xmlDocGetRootElement(d), BAD_CAST "csrf");
	if (have == NULL || *have == '\0') {
		/* The sign-in form's own token, until there is a session. */
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2hex(tok, sizeof(tok), raw, sizeof(raw));
		xmlSetProp(
		    xmlDocGetRootElement(d), BAD_CAST "csrf", BAD_CAST tok);
		snprintf(cookie, sizeof(cookie),
		    "%sdesk-login=%s; Path=/; "
		    "HttpOnly; SameSite=Strict%s",
		    r->h->conf->tls_cert && r->h->conf->tls_cert[0] ?
			"__Host-" :
			"",
		    tok,
		    r->h->conf->tls_cert && r->h->conf->tls_cert[0] ?
			"; Secure" :
			"");
		set = cookie;
	}
	xmlFree(have);
	if ((f != NULL && desk_doc_form(xmlDocGetRootElement(d), f) == -1) ||
	    (e != NULL && desk_doc_error(xmlDocGetRootElement(d), e) == -1)) {
		xmlFreeDoc(d);
		return MHD_NO;
	}
	return desk_page(r, status, "desk-login", d, set);
}

enum MHD_Result
route_desk_login_form(struct req *r)
{
	return login_page(r, 200, NULL, NULL);
}

static enum MHD_Result
login_done(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	struct post *x = r->page;
	char cookie[512];
	xmlDocPtr d;
	xmlChar *tok;

	if (rc == -1)
		return login_page(r, httpd_status(e->errc), &x->f, e);
	d = xmlReadMemory(b->data, (int)b->len, NULL, "UTF-8", XML_PARSE_NONET);
	tok = d ? xmlNodeGetContent(child(xmlDocGetRootElement(d), "token")) :
		  NULL;
	xmlFreeDoc(d);
	if (tok == NULL)
		return httpd_fail(r, 500, "internal",
		    "the session has no "
		    "token");
	desk_session_cookie(r, (const char *)tok, cookie, sizeof(cookie));
	sodium_memzero(tok, (size_t)xmlStrlen(tok));
	xmlFree(tok);
	return desk_redirect(r, "/desk/", cookie);
}

enum MHD_Result
route_desk_login(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;
	struct post *x;

	if ((x = post_read(r, &rc)) == NULL)
		return rc;
	c = complaints_sign_in_begin(r->h->cx, desk_form_get(&x->f, "login"),
	    desk_form_get(&x->f, "password"), r->client, &e);
	if (c == NULL)
		return login_page(r, httpd_status(e.errc), &x->f, &e);
	r->after = login_done;
	return httpd_write(r, c, 303, &e);
}

static enum MHD_Result
logout_done(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	char cookie[160];

	desk_session_cookie(r, NULL, cookie, sizeof(cookie));
	return desk_redirect(r, "/desk/login", cookie);
}

enum MHD_Result
route_desk_logout(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;

	if (post_read(r, &rc) == NULL)
		return rc;
	if ((c = complaints_sign_out_begin(r->h->cx, r->who, &e)) == NULL)
		return logout_done(r, -1, NULL, &e);
	r->after = logout_done;
	return httpd_write(r, c, 303, &e);
}

/* --- The inbox ---------------------------------------------------------- */

/* Adds <query> with the filters as given, for the form to show them. */
static int
query_node(struct req *r, xmlNodePtr root)
{
	static const char *const names[] = { "state", "service", "from", "to",
		"overdue", "after", NULL };
	xmlNodePtr q;
	const char *v;
	char clean[128];

	if ((q = xmlNewChild(root, NULL, BAD_CAST "query", NULL)) == NULL)
		return -1;
	for (int i = 0; names[i]; i++)
		if ((v = httpd_arg(r, names[i])) != NULL) {
			web_clean(v, clean, sizeof(clean));
			xmlSetProp(q, BAD_CAST names[i], BAD_CAST clean);
		}
	return 0;
}

enum MHD_Result
route_desk_inbox(struct req *r)
{
	struct complaints_list_query q;
	struct complaints_error e;
	struct buf b;
	xmlDocPtr d;
	xmlNodePtr root;
	long long v;
	unsigned status = 200;
	int rc = 0;

	/* An administrator works on accounts, the ministry on escalations. */
	if (r->who->role == COMPLAINTS_ROLE_ADMIN)
		return desk_redirect(r, "/desk/admin", NULL);
	if (r->who->role == COMPLAINTS_ROLE_DESK)
		return desk_redirect(r, "/desk/escalation", NULL);
	memset(&q, 0, sizeof(q));
	q.overdue = -1;
	q.limit = 50;
	q.body = r->who->role == COMPLAINTS_ROLE_DESK ? NULL : r->who->body;
	if (r->who->role == COMPLAINTS_ROLE_DESK)
		q.overdue = 1;
	q.state = httpd_arg(r, "state");
	if (httpd_arg_ll(r, "service", 1, 11, &v, &e) == 1)
		q.service = (int)v;
	else if (httpd_arg(r, "service") != NULL)
		rc = -1;
	if (rc == 0 && httpd_arg_ll(r, "overdue", 0, 1, &v, &e) == 1)
		q.overdue = (int)v;
	if (rc == 0 && httpd_arg_ll(r, "after", 0, INT64_MAX, &v, &e) == 1)
		q.after = v;
	if (rc == 0 &&
	    (httpd_arg_date(r, "from", &q.from, &e) == -1 ||
		httpd_arg_date(r, "to", &q.to, &e) == -1))
		rc = -1;
	if (q.to)
		q.to += 86400;
	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	root = xmlDocGetRootElement(d);
	query_node(r, root);
	buf_init(&b, DOC_CAP);
	if (rc == 0)
		rc = complaints_list(r->h->cx, r->who, &q, &b, &e);
	if (rc == 0) {
		desk_doc_add(root, b.data, b.len);
		mark_days_left(r, root->children);
	} else {
		desk_doc_error(root, &e);
		status = httpd_status(e.errc);
	}
	buf_free(&b);
	return desk_page(r, status, "desk-inbox", d, NULL);
}

/* --- A case ------------------------------------------------------------- */

static enum MHD_Result
case_page(struct req *r, unsigned status, const char *ref,
    const struct desk_form *f, const char *action,
    const struct complaints_error *err)
{
	const char *names[ACTIONS_MAX], *v;
	struct complaints_error e;
	xmlNodePtr root, rec, acts, n;
	xmlChar *body = NULL, *state = NULL;
	struct buf b;
	xmlDocPtr d;
	int na;

	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	root = xmlDocGetRootElement(d);
	/* The body the routing rules proposed at registration (the talon
	 * page links here with it): the forward form starts with it. */
	if ((v = httpd_arg(r, "forward")) != NULL && strlen(v) < 32 &&
	    v[strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-")] == '\0')
		xmlSetProp(root, BAD_CAST "proposed", BAD_CAST v);
	buf_init(&b, DOC_CAP);
	if (complaints_get(r->h->cx, r->who, ref, &b, NULL, &e) == -1) {
		buf_free(&b);
		desk_doc_error(root, &e);
		return desk_page(r, httpd_status(e.errc), "desk-case", d, NULL);
	}
	desk_doc_add(root, b.data, b.len);
	buf_free(&b);
	rec = child(root, "complaint-record");
	mark_days_left(r, rec ? rec->children : NULL);
	if ((n = child(rec, "body")) != NULL)
		body = xmlGetProp(n, BAD_CAST "code");
	if ((n = child(rec, "state")) != NULL)
		state = xmlNodeGetContent(n);
	na = complaints_actions_allowed(r->who, body ? (char *)body : "",
	    state ? (char *)state : "", names, ACTIONS_MAX);
	xmlFree(body);
	xmlFree(state);
	acts = xmlNewChild(root, NULL, BAD_CAST "actions", NULL);
	for (int i = 0; acts != NULL && i < na; i++) {
		n = xmlNewChild(acts, NULL, BAD_CAST "action", NULL);
		if (n != NULL)
			xmlSetProp(n, BAD_CAST "name", BAD_CAST names[i]);
	}
	if (f != NULL && desk_doc_form(root, f) == 0 && action != NULL)
		xmlSetProp(
		    child(root, "form"), BAD_CAST "action", BAD_CAST action);
	if (err != NULL)
		desk_doc_error(root, err);
	return desk_page(r, status, "desk-case", d, NULL);
}

enum MHD_Result
route_desk_case(struct req *r)
{
	return case_page(r, 200, r->seg[2], NULL, NULL, NULL);
}

/* The fields of each action's form: its document's elements, in order. */
static const struct act_form {
	const char *action;
	const char *fields[4];
} act_forms[] = {
	{ "assign", { "assignee", "note" } },
	{ "forward", { "to", "reason" } },
	{ "extend", { "reason", "until" } },
	{ "decide", { "outcome", "reasoning" } },
	{ "answer", { "channel", "note" } },
	{ "appeal", { "channel", "reasons", "demands" } },
	{ "withdraw", { "reason" } },
	{ "leave-without-consideration", { "ground", "reason" } },
	{ "note", { "text" } },
	{ "close", { "reason" } },
};

/* The document written as a string (caller frees); NULL when !ok. */
static char *
out_string(struct xmlio_out *o, int ok)
{
	struct buf b;

	if (!ok) {
		xmlio_out_free(o);
		return NULL;
	}
	buf_init(&b, DOC_CAP);
	if (xmlio_out_finish(o, &b) == -1) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

/* The action's document from its form; caller frees. */
static char *
act_doc(const struct act_form *af, const struct desk_form *f)
{
	struct xmlio_out o;
	const char *v;
	int ok = 1;

	if (xmlio_out_begin(&o, af->action) == -1)
		return NULL;
	for (int i = 0; ok && i < 4 && af->fields[i] != NULL; i++)
		if ((v = desk_form_get(f, af->fields[i])) != NULL)
			ok = xmlio_out_elem(&o, af->fields[i], v) == 0;
	return out_string(&o, ok);
}

static enum MHD_Result
act_done(struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	struct post *x = r->page;
	char loc[HTTPD_SEGMENT_LEN + 32];

	if (rc == -1)
		return case_page(
		    r, httpd_status(e->errc), x->ref, &x->f, r->seg[3], e);
	snprintf(loc, sizeof(loc), "/desk/complaints/%s", x->ref);
	return desk_redirect(r, loc, NULL);
}

enum MHD_Result
route_desk_act(struct req *r)
{
	const struct act_form *af = NULL;
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;
	struct post *x;

	if ((x = post_read(r, &rc)) == NULL)
		return rc;
	strlcpy_chk(x->ref, r->seg[2], sizeof(x->ref));
	for (size_t i = 0; i < sizeof(act_forms) / sizeof(act_forms[0]); i++)
		if (strcmp(act_forms[i].action, r->seg[3]) == 0)
			af = &act_forms[i];
	if (af == NULL)
		return httpd_fail(r, 404, "not-found", "no such action");
	if ((x->xml = act_doc(af, &x->f)) == NULL)
		return httpd_fail(r, 500, "internal",
		    "the action's document "
		    "cannot be written");
	c = complaints_act_begin(
	    r->h->cx, r->who, x->ref, x->xml, strlen(x->xml), &e);
	if (c == NULL)
		return case_page(
		    r, httpd_status(e.errc), x->ref, &x->f, r->seg[3], &e);
	r->after = act_done;
	return httpd_write(r, c, 303, &e);
}

/* --- Registering -------------------------------------------------------- */

static enum MHD_Result
register_page(struct req *r, unsigned status, const struct desk_form *f,
    const struct complaints_error *err)
{
	struct complaints_error e;
	const char *q = NULL;
	xmlNodePtr root;
	struct buf b;
	xmlDocPtr d;
	char now[32];
	struct moment m;

	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	root = xmlDocGetRootElement(d);
	if (tz_local(r->h->conf->timezone, clock_now(), &m) == 0) {
		snprintf(now, sizeof(now), "%04d-%02d-%02dT%02d:%02d", m.y, m.m,
		    m.d, m.hh, m.mm);
		xmlSetProp(root, BAD_CAST "now", BAD_CAST now);
	}
	/* The search step: institutions by part of a name or number. */
	q = f != NULL ? desk_form_get(f, "q") : httpd_arg(r, "q");
	if (q != NULL) {
		buf_init(&b, DOC_CAP);
		if (complaints_directory_search(r->h->cx, q, 20, &b, &e) == 0)
			desk_doc_add(root, b.data, b.len);
		buf_free(&b);
	}
	if (f != NULL)
		desk_doc_form(root, f);
	else if (q != NULL) {
		xmlNodePtr form = xmlNewChild(
		    root, NULL, BAD_CAST "form", NULL);
		char clean[256];

		web_clean(q, clean, sizeof(clean));
		xmlSetProp(xmlNewTextChild(
			       form, NULL, BAD_CAST "field", BAD_CAST clean),
		    BAD_CAST "name", BAD_CAST "q");
	}
	if (err != NULL)
		desk_doc_error(root, err);
	return desk_page(r, status, "desk-register", d, NULL);
}

enum MHD_Result
route_desk_register_form(struct req *r)
{
	return register_page(r, 200, NULL, NULL);
}

/* "2026-12-07T10:30" from the form, with seconds and the offset. */
static int
received_at(struct req *r, const char *local, char *out, size_t outlen)
{
	struct moment m;

	if (strlen(local) != 16 || local[10] != 'T' ||
	    tz_local(r->h->conf->timezone, clock_now(), &m) == -1)
		return -1;
	snprintf(out, outlen, "%s:00%c%02d:%02d", local,
	    m.utcoff < 0 ? '-' : '+', (int)(labs(m.utcoff) / 3600),
	    (int)(labs(m.utcoff) % 3600 / 60));
	return 0;
}

/* The <complaint> of the register form; caller frees. */
static char *
complaint_doc(struct req *r, const struct desk_form *f)
{
	static const char *const applicant[] = { "surname", "name",
		"patronymic", "address", "email", "phone", NULL };
	static const char *const intake[] = { "identity-document",
		"legal-representative", "service-documents", "handwritten",
		"date", NULL };
	struct xmlio_out o;
	const char *v;
	char at[40];
	int ok;

	if (xmlio_out_begin(&o, "complaint") == -1)
		return NULL;
	ok = xmlio_out_elem(&o, "service",
		 desk_form_get(f, "service") ? desk_form_get(f, "service") :
					       "") == 0 &&
	    xmlio_out_start(&o, "subject") == 0 &&
	    (!(v = desk_form_get(f, "institution")) ||
		xmlio_out_elem(&o, "institution", v) == 0) &&
	    xmlio_out_elem(&o, "name",
		desk_form_get(f, "subject") ? desk_form_get(f, "subject") :
					      "") == 0 &&
	    (!(v = desk_form_get(f, "official")) ||
		xmlio_out_elem(&o, "official", v) == 0) &&
	    xmlio_out_end(&o) == 0 &&
	    (!(v = desk_form_get(f, "ground")) ||
		xmlio_out_elem(&o, "ground", v) == 0) &&
	    xmlio_out_elem(&o, "channel",
		desk_form_get(f, "channel") ? desk_form_get(f, "channel") :
					      "") == 0;
	if (ok && (v = desk_form_get(f, "received-at")) != NULL)
		ok = received_at(r, v, at, sizeof(at)) == 0 ?
		    xmlio_out_elem(&o, "received-at", at) == 0 :
		    xmlio_out_elem(&o, "received-at", v) == 0;
	ok = ok && xmlio_out_start(&o, "applicant") == 0;
	for (int i = 0; ok && applicant[i]; i++)
		if ((v = desk_form_get(f, applicant[i])) != NULL)
			ok = xmlio_out_elem(&o, applicant[i], v) == 0;
	ok = ok && xmlio_out_end(&o) == 0 &&
	    xmlio_out_elem(&o, "signed",
		desk_form_get(f, "signed") ? "true" : "false") == 0 &&
	    xmlio_out_elem(&o, "reasons",
		desk_form_get(f, "reasons") ? desk_form_get(f, "reasons") :
					      "") == 0 &&
	    xmlio_out_elem(&o, "demands",
		desk_form_get(f, "demands") ? desk_form_get(f, "demands") :
					      "") == 0;
	/* The intake marks: what the registrar checked is there. */
	for (int i = 0, open = 0; ok && intake[i]; i++) {
		char key[48];

		snprintf(key, sizeof(key), "intake-%s", intake[i]);
		if (desk_form_get(f, key) == NULL)
			continue;
		if (!open++)
			ok = xmlio_out_start(&o, "intake") == 0;
		ok = ok && xmlio_out_start(&o, "checked") == 0 &&
		    xmlio_out_attr(&o, "what", intake[i]) == 0 &&
		    xmlio_out_attr(&o, "present", "true") == 0 &&
		    xmlio_out_end(&o) == 0;
	}
	/* The last element: finishing the document closes <intake>. */
	return out_string(&o, ok);
}

static enum MHD_Result
register_done(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	struct post *x = r->page;
	xmlDocPtr d;

	if (rc == -1)
		return register_page(r, httpd_status(e->errc), &x->f, e);
	/* The talon page: the access code is shown this once. */
	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	desk_doc_add(xmlDocGetRootElement(d), b->data, b->len);
	return desk_page(r, 201, "desk-talon", d, NULL);
}

/* The preview: routing and due date as registration would give them. */
static enum MHD_Result
register_preview(struct req *r, struct post *x)
{
	struct complaints_error e;
	xmlNodePtr root;
	struct buf b;
	xmlDocPtr d;

	buf_init(&b, DOC_CAP);
	if (complaints_register_preview(
		r->h->cx, r->who, x->xml, strlen(x->xml), &b, &e) == -1) {
		buf_free(&b);
		return register_page(r, httpd_status(e.errc), &x->f, &e);
	}
	if ((d = desk_doc(r)) == NULL) {
		buf_free(&b);
		return MHD_NO;
	}
	root = xmlDocGetRootElement(d);
	desk_doc_add(root, b.data, b.len);
	buf_free(&b);
	mark_days_left(r, root->children);
	desk_doc_form(root, &x->f);
	return desk_page(r, 200, "desk-register-preview", d, NULL);
}

enum MHD_Result
route_desk_register(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;
	struct post *x;

	if ((x = post_read(r, &rc)) == NULL)
		return rc;
	/* The search step, or back to the form from the preview. */
	if (desk_form_get(&x->f, "find") != NULL ||
	    desk_form_get(&x->f, "change") != NULL)
		return register_page(r, 200, &x->f, NULL);
	if ((x->xml = complaint_doc(r, &x->f)) == NULL)
		return httpd_fail(r, 500, "internal",
		    "the complaint's "
		    "document cannot be written");
	/* Where it would go and by when, before anything is written. */
	if (desk_form_get(&x->f, "confirm") == NULL)
		return register_preview(r, x);
	c = complaints_register_begin(
	    r->h->cx, r->who, x->xml, strlen(x->xml), &e);
	if (c == NULL)
		return register_page(r, httpd_status(e.errc), &x->f, &e);
	r->after = register_done;
	return httpd_write(r, c, 201, &e);
}

enum MHD_Result
route_desk_slip(struct req *r)
{
	struct complaints_error e;
	enum MHD_Result rc;
	struct post *x;
	struct buf b;

	if ((x = post_read(r, &rc)) == NULL)
		return rc;
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer_as(r,
	    complaints_talon_slip(r->h->cx, r->who, r->seg[2],
		desk_form_get(&x->f, "code"), 0, web_lang_code(desk_lang(r)),
		&b, &e),
	    "application/pdf", &b, &e);
}

/* --- Administration ----------------------------------------------------- */

static enum MHD_Result
admin_page(struct req *r, unsigned status, const struct desk_form *f,
    const char *action, const struct complaints_error *err)
{
	struct complaints_error e;
	xmlNodePtr root;
	struct buf b;
	xmlDocPtr d;
	int ok;

	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	root = xmlDocGetRootElement(d);
	if (r->who->role != COMPLAINTS_ROLE_ADMIN) {
		complaints_error_set(&e, COMPLAINTS_EPERM, "forbidden",
		    "only "
		    "an administrator manages accounts");
		desk_doc_error(root, &e);
		return desk_page(r, 403, "desk-admin", d, NULL);
	}
	buf_init(&b, DOC_CAP);
	if (complaints_staff_list(r->h->cx, &b, &e) == 0)
		desk_doc_add(root, b.data, b.len);
	buf_free(&b);
	buf_init(&b, DOC_CAP);
	if (complaints_token_list(r->h->cx, r->who, &b, &e) == 0)
		desk_doc_add(root, b.data, b.len);
	buf_free(&b);
	/* verify reads every row: only when asked for. */
	if (httpd_arg(r, "verify") != NULL) {
		buf_init(&b, DOC_CAP);
		if (complaints_verify(r->h->cx, r->who, &b, &ok, &e) == 0)
			desk_doc_add(root, b.data, b.len);
		else
			desk_doc_error(root, &e);
		buf_free(&b);
	}
	if (f != NULL && desk_doc_form(root, f) == 0 && action != NULL)
		xmlSetProp(
		    child(root, "form"), BAD_CAST "action", BAD_CAST action);
	if (err != NULL)
		desk_doc_error(root, err);
	return desk_page(r, status, "desk-admin", d, NULL);
}

enum MHD_Result
route_desk_admin(struct req *r)
{
	return admin_page(r, 200, NULL, NULL, NULL);
}

static enum MHD_Result
admin_done(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	struct post *x = r->page;

	if (rc == -1)
		return admin_page(r, httpd_status(e->errc), &x->f, x->ref, e);
	return desk_redirect(r, "/desk/admin", NULL);
}

/*
 * POST /desk/admin/users (open an account), /desk/admin/users/{login}/
 * disable and /desk/admin/users/{login}/password.
 */
enum MHD_Result
route_desk_admin_act(struct req *r)
{
	struct complaints_name parts;
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;
	const char *act;
	struct post *x;

	if ((x = post_read(r, &rc)) == NULL)
		return rc;
	act = r->nseg > 4 ? r->seg[4] : "add";
	strlcpy_chk(x->ref, act, sizeof(x->ref));
	memset(&parts, 0, sizeof(parts));
	parts.surname = desk_form_get(&x->f, "surname");
	parts.given = desk_form_get(&x->f, "given");
	parts.patronymic = desk_form_get(&x->f, "patronymic");
	if (strcmp(act, "add") == 0)
		c = complaints_staff_add_begin(r->h->cx, r->who,
		    desk_form_get(&x->f, "login"), NULL, &parts,
		    desk_form_get(&x->f, "position"),
		    desk_form_get(&x->f, "body"), desk_form_get(&x->f, "role"),
		    desk_form_get(&x->f, "password"), &e);
	else if (strcmp(act, "disable") == 0)
		c = complaints_staff_disable_begin(
		    r->h->cx, r->who, r->seg[3], &e);
	else if (strcmp(act, "password") == 0)
		c = complaints_staff_passwd_begin(r->h->cx, r->who, r->seg[3],
		    desk_form_get(&x->f, "password"), &e);
	else
		return httpd_fail(r, 404, "not-found",
		    "no such change of an "
		    "account");
	if (c == NULL)
		return admin_page(r, httpd_status(e.errc), &x->f, act, &e);
	r->after = admin_done;
	return httpd_write(r, c, 303, &e);
}

/* --- The ministry's escalation desk ------------------------------------- */

/* Adds <list kind="..."> with the <complaints> of a query, or its error. */
static void
add_list(struct req *r, xmlNodePtr root, const char *kind,
    const struct complaints_list_query *q)
{
	struct complaints_error e;
	xmlNodePtr list;
	struct buf b;

	if ((list = xmlNewChild(root, NULL, BAD_CAST "list", NULL)) == NULL)
		return;
	xmlSetProp(list, BAD_CAST "kind", BAD_CAST kind);
	buf_init(&b, DOC_CAP);
	if (complaints_list(r->h->cx, r->who, q, &b, &e) == 0) {
		desk_doc_add(list, b.data, b.len);
		mark_days_left(r, list->children);
	} else
		desk_doc_error(list, &e);
	buf_free(&b);
}

enum MHD_Result
route_desk_escalation(struct req *r)
{
	struct complaints_list_query q;
	struct complaints_error e;
	xmlNodePtr root;
	xmlDocPtr d;

	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	root = xmlDocGetRootElement(d);
	if (r->who->role != COMPLAINTS_ROLE_DESK) {
		complaints_error_set(&e, COMPLAINTS_EPERM, "forbidden",
		    "the "
		    "escalation desk is the ministry's");
		desk_doc_error(root, &e);
		return desk_page(r, 403, "desk-escalation", d, NULL);
	}
	/* Overdue complaints of every body, then those of the ministry. */
	memset(&q, 0, sizeof(q));
	q.overdue = 1;
	q.limit = 100;
	add_list(r, root, "overdue", &q);
	memset(&q, 0, sizeof(q));
	q.overdue = -1;
	q.limit = 100;
	q.body = r->who->body;
	add_list(r, root, "ministry", &q);
	return desk_page(r, 200, "desk-escalation", d, NULL);
}

/* --- The post ----------------------------------------------------------- */

static enum MHD_Result
post_page(struct req *r, unsigned status, const struct desk_form *f,
    const char *id, const struct complaints_error *err)
{
	struct complaints_error e;
	struct moment m;
	xmlNodePtr root;
	struct buf b;
	xmlDocPtr d;
	char today[11];

	if ((d = desk_doc(r)) == NULL)
		return MHD_NO;
	root = xmlDocGetRootElement(d);
	if (tz_local(r->h->conf->timezone, clock_now(), &m) == 0) {
		snprintf(today, sizeof(today), "%04d-%02d-%02d", m.y, m.m, m.d);
		xmlSetProp(root, BAD_CAST "today", BAD_CAST today);
	}
	/* The letters waiting for the post, then those posted. */
	buf_init(&b, DOC_CAP);
	if (complaints_notifications(
		r->h->cx, r->who, "ready", r->who->body, 0, 200, &b, &e) == 0)
		desk_doc_add(root, b.data, b.len);
	else {
		desk_doc_error(root, &e);
		status = httpd_status(e.errc);
	}
	buf_free(&b);
	if (f != NULL && desk_doc_form(root, f) == 0 && id != NULL)
		xmlSetProp(child(root, "form"), BAD_CAST "action", BAD_CAST id);
	if (err != NULL)
		desk_doc_error(root, err);
	return desk_page(r, status, "desk-post", d, NULL);
}

enum MHD_Result
route_desk_post(struct req *r)
{
	return post_page(r, 200, NULL, NULL, NULL);
}

/* The letter's PDF (GET /desk/post/letters/{id}). */
enum MHD_Result
route_desk_letter(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	long long id;

	if (parse_ll(r->seg[3], 1, INT64_MAX, &id) == -1)
		return httpd_fail(r, 404, "no-such-notification",
		    "no "
		    "notification %s",
		    r->seg[3]);
	buf_init(&b, 8 * 1024 * 1024);
	return httpd_answer_as(r,
	    complaints_notification_letter(r->h->cx, r->who, id, &b, &e),
	    "application/pdf", &b, &e);
}

/* The day's postal register (GET /desk/post/register?date=&format=). */
enum MHD_Result
route_desk_register_of_post(struct req *r)
{
	struct complaints_error e;
	struct buf b;
	int csv = httpd_wants(r, "csv", "text/csv");

	buf_init(&b, 8 * 1024 * 1024);
	return httpd_answer_as(r,
	    complaints_post_register(r->h->cx, r->who, r->who->body,
		httpd_arg(r, "date"), csv, &b, &e),
	    csv ? "text/csv; charset=utf-8" : "application/pdf", &b, &e);
}

static enum MHD_Result
posted_done(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	struct post *x = r->page;

	if (rc == -1)
		return post_page(r, httpd_status(e->errc), &x->f, x->ref, e);
	return desk_redirect(r, "/desk/post", NULL);
}

/* POST /desk/post/letters/{id}/posted with its tracking number. */
enum MHD_Result
route_desk_posted(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;
	struct post *x;
	long long id;
	const char *tracking;

	if ((x = post_read(r, &rc)) == NULL)
		return rc;
	strlcpy_chk(x->ref, r->seg[3], sizeof(x->ref));
	if (parse_ll(r->seg[3], 1, INT64_MAX, &id) == -1)
		return httpd_fail(r, 404, "no-such-notification",
		    "no "
		    "notification %s",
		    r->seg[3]);
	tracking = desk_form_get(&x->f, "tracking");
	if (tracking != NULL && strlen(tracking) > 64) {
		complaints_error_set(&e, COMPLAINTS_EINVAL, "bad-parameter",
		    "tracking: at most 64 characters");
		return post_page(r, 400, &x->f, x->ref, &e);
	}
	c = complaints_post_sent_begin(r->h->cx, r->who, id, tracking, &e);
	if (c == NULL)
		return post_page(r, httpd_status(e.errc), &x->f, x->ref, &e);
	r->after = posted_done;
	return httpd_write(r, c, 303, &e);
}
