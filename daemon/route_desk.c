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
 *	POST /desk/talons/{number}/receipt	the receipt (42 columns, text)
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

#include <curl/curl.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "daemon/desk.h"
#include "xmlio/xmlio.h"

#define DOC_CAP	    (8 * 1024 * 1024) /* an API document */
#define ACTIONS_MAX 16

/*
 * What a POST keeps until its write has an answer, and how it answers:
 * again, the page with the form as typed and the error (a refusal
 * before or after the commit); once committed, ok when the page has its
 * own answer, else a 303 to loc.  post_done is every form's answer.
 */
struct post;
typedef enum MHD_Result (*post_again)(struct req *, unsigned status,
    struct post *, const struct complaints_error *);
typedef enum MHD_Result (*post_ok)(struct req *, struct post *, struct buf *);
struct post {
	struct desk_form f;
	char *xml; /* the document written */
	char ref[HTTPD_SEGMENT_LEN];
	post_again again;
	post_ok ok;
	char loc[HTTPD_SEGMENT_LEN + 32];
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

/*
 * Reads the form into a new struct post kept by r, answered by again on
 * a refusal and by a 303 to loc (or ok) once written; NULL: answered.
 */
static struct post *
post_read(struct req *r, post_again again, const char *loc, enum MHD_Result *rc)
{
	struct post *x;
	struct complaints_error e;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		*rc = MHD_NO;
		return NULL;
	}
	r->page = x;
	r->page_free = post_free;
	x->again = again;
	if (loc != NULL)
		strlcpy_chk(x->loc, loc, sizeof(x->loc));
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

/* The answer of every form's write, after its commit. */
static enum MHD_Result
post_done(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	struct post *x = r->page;

	if (rc == -1)
		return x->again(r, httpd_status(e->errc), x, e);
	if (x->ok != NULL)
		return x->ok(r, x, b);
	return desk_redirect(r, x->loc, NULL);
}

/*
 * Hands the write c to the writer, answered by post_done; c NULL (the
 * domain refused it, e says why): the page again.
 */
static enum MHD_Result
post_write(struct req *r, struct post *x, struct complaints_call *c,
    unsigned status, struct complaints_error *e)
{
	if (c == NULL)
		return x->again(r, httpd_status(e->errc), x, e);
	r->after = post_done;
	return httpd_write(r, c, status, e);
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
login_page(struct req *r, unsigned status, struct post *x,
    const struct complaints_error *e)
{
	const struct desk_form *f = x != NULL ? &x->f : NULL;
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

/* Signed in: the session's cookie, and the inbox. */
static enum MHD_Result
login_ok(struct req *r, struct post *x, struct buf *b)
{
	char cookie[512];
	xmlDocPtr d;
	xmlChar *tok;

	(void)x;
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

	if ((x = post_read(r, login_page, NULL, &rc)) == NULL)
		return rc;
	x->ok = login_ok;
	c = complaints_sign_in_begin(r->h->cx, desk_form_get(&x->f, "login"),
	    desk_form_get(&x->f, "password"), r->client, COMPLAINTS_DOOR_DESK,
	    &e);
	return post_write(r, x, c, 303, &e);
}

/* Signed out, or not (the session had ended): the cookie goes. */
static enum MHD_Result
logout_page(struct req *r, unsigned status, struct post *x,
    const struct complaints_error *e)
{
	char cookie[160];

	(void)status;
	(void)x;
	(void)e;
	desk_session_cookie(r, NULL, cookie, sizeof(cookie));
	return desk_redirect(r, "/desk/login", cookie);
}

static enum MHD_Result
logout_ok(struct req *r, struct post *x, struct buf *b)
{
	(void)b;
	return logout_page(r, 303, x, NULL);
}

enum MHD_Result
route_desk_logout(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;
	struct post *x;

	if ((x = post_read(r, logout_page, NULL, &rc)) == NULL)
		return rc;
	x->ok = logout_ok;
	c = complaints_sign_out_begin(r->h->cx, r->who, &e);
	return post_write(r, x, c, 303, &e);
}

/* --- The inbox ---------------------------------------------------------- */

/* Adds <query> with the filters as given, for the form to show them. */
static int
query_node(struct req *r, xmlNodePtr root)
{
	static const char *const names[] = { "state", "service", "institution",
		"q", "from", "to", "overdue", "after", "body", NULL };
	xmlNodePtr q;
	const char *v;
	char clean[256];

	struct buf link;
	char *esc;
	int rc = 0;

	if ((q = xmlNewChild(root, NULL, BAD_CAST "query", NULL)) == NULL)
		return -1;
	/* link: the filters as a query string, for the pages' links. */
	buf_init(&link, 4096);
	for (int i = 0; names[i]; i++)
		if ((v = httpd_arg(r, names[i])) != NULL) {
			web_clean(v, clean, sizeof(clean));
			xmlSetProp(q, BAD_CAST names[i], BAD_CAST clean);
			if (strcmp(names[i], "after") == 0)
				continue;
			if ((esc = curl_easy_escape(NULL, clean, 0)) == NULL ||
			    buf_printf(&link, "%s%s=%s", link.len ? "&" : "",
				names[i], esc) == -1)
				rc = -1;
			curl_free(esc);
		}
	if (rc == 0 && link.len > 0)
		xmlSetProp(q, BAD_CAST "link", BAD_CAST link.data);
	buf_free(&link);
	return rc;
}

/*
 * The inbox: the list of GET /api/v1/complaints with its arguments, of
 * the user's body unless body= names another it may read.
 */
enum MHD_Result
route_desk_inbox(struct req *r)
{
	struct complaints_list_query q;
	struct complaints_error e;
	struct buf b;
	xmlDocPtr d;
	xmlNodePtr root;
	unsigned status = 200;
	int rc;

	/* An administrator works on accounts, the ministry on escalations. */
	if (r->who->role == COMPLAINTS_ROLE_ADMIN)
		return desk_redirect(r, "/desk/admin", NULL);
	if (r->who->role == COMPLAINTS_ROLE_DESK)
		return desk_redirect(r, "/desk/escalation", NULL);
	rc = httpd_arg_list(r, &q, &e);
	if (q.body == NULL)
		q.body = r->who->body;
	if (httpd_arg(r, "limit") == NULL)
		q.limit = 50;
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
	/* A head sees how the work is shared out. */
	if (status == 200 && r->who->role == COMPLAINTS_ROLE_HEAD) {
		buf_init(&b, DOC_CAP);
		if (complaints_workload(r->h->cx, r->who, q.body, &b, &e) == 0)
			desk_doc_add(root, b.data, b.len);
		buf_free(&b);
	}
	return desk_page(r, status, "desk-inbox", d, NULL);
}

/* --- A case ------------------------------------------------------------- */

/*
 * When extend is allowed: the latest due date the law lets it set, as
 * root's extend-until, so that the head sees the new date (the form's
 * default) before confirming.
 */
static void
extend_bound(struct req *r, xmlNodePtr root, xmlNodePtr rec, const char *body,
    const char *const *names, int na)
{
	xmlChar *rules = NULL, *due = NULL;
	xmlNodePtr n;
	char until[11];
	int i;

	for (i = 0; i < na && strcmp(names[i], "extend") != 0; i++)
		;
	if (i == na || rec == NULL)
		return;
	if ((n = child(rec, "rules")) != NULL)
		rules = xmlNodeGetContent(n);
	if ((n = child(rec, "due")) != NULL)
		due = xmlNodeGetContent(n);
	if (*body && rules && due &&
	    complaints_extend_bound(
		r->h->cx, body, (char *)rules, (char *)due, until) == 0)
		xmlSetProp(root, BAD_CAST "extend-until", BAD_CAST until);
	xmlFree(rules);
	xmlFree(due);
}

/* The case; x: the action's form as typed (its name in the path). */
static enum MHD_Result
case_page(struct req *r, unsigned status, struct post *x,
    const struct complaints_error *err)
{
	const char *ref = x != NULL ? x->ref : r->seg[2];
	const char *action = x != NULL ? r->seg[3] : NULL;
	const struct desk_form *f = x != NULL ? &x->f : NULL;
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
	extend_bound(r, root, rec, body ? (char *)body : "", names, na);
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
	return case_page(r, 200, NULL, NULL);
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

enum MHD_Result
route_desk_act(struct req *r)
{
	const struct act_form *af = NULL;
	struct complaints_error e;
	struct complaints_call *c;
	enum MHD_Result rc;
	struct post *x;

	if ((x = post_read(r, case_page, NULL, &rc)) == NULL)
		return rc;
	strlcpy_chk(x->ref, r->seg[2], sizeof(x->ref));
	snprintf(x->loc, sizeof(x->loc), "/desk/complaints/%s", x->ref);
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
	return post_write(r, x, c, 303, &e);
}

/* --- Registering -------------------------------------------------------- */

static enum MHD_Result
register_page(struct req *r, unsigned status, struct post *x,
    const struct complaints_error *err)
{
	const struct desk_form *f = x != NULL ? &x->f : NULL;
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
	/* The files attached: what the API's <attachments> takes. */
	for (int i = 0; ok && i < f->nfiles; i++)
		ok = (i > 0 || xmlio_out_start(&o, "attachments") == 0) &&
		    xmlio_out_start(&o, "attachment") == 0 &&
		    xmlio_out_attr(&o, "name", f->files[i].name) == 0 &&
		    xmlio_out_attr(&o, "media-type", f->files[i].type) == 0 &&
		    xmlio_out_attr(&o, "sha256", f->files[i].sha256) == 0 &&
		    xmlio_out_end(&o) == 0 &&
		    (i < f->nfiles - 1 || xmlio_out_end(&o) == 0);
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

/* Registered: the talon page, with the access code this once. */
static enum MHD_Result
register_ok(struct req *r, struct post *x, struct buf *b)
{
	xmlDocPtr d;

	(void)x;
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
		return register_page(r, httpd_status(e.errc), x, &e);
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

	if ((x = post_read(r, register_page, NULL, &rc)) == NULL)
		return rc;
	x->ok = register_ok;
	if (x->f.files_over) {
		complaints_error_set(&e, COMPLAINTS_EINVAL,
		    "too-many-attachments", "at most %d attachments",
		    DESK_FILES);
		return register_page(r, 400, x, &e);
	}
	/* The search step, or back to the form from the preview. */
	if (desk_form_get(&x->f, "find") != NULL ||
	    desk_form_get(&x->f, "change") != NULL)
		return register_page(r, 200, x, NULL);
	if ((x->xml = complaint_doc(r, &x->f)) == NULL)
		return httpd_fail(r, 500, "internal",
		    "the complaint's "
		    "document cannot be written");
	/* Where it would go and by when, before anything is written. */
	if (desk_form_get(&x->f, "confirm") == NULL)
		return register_preview(r, x);
	c = complaints_register_begin(
	    r->h->cx, r->who, x->xml, strlen(x->xml), &e);
	return post_write(r, x, c, 201, &e);
}

enum MHD_Result
route_desk_slip(struct req *r)
{
	struct complaints_error e;
	enum MHD_Result rc;
	struct post *x;
	struct buf b;

	/* Nothing is written: no page again, no answer after a commit. */
	if ((x = post_read(r, NULL, NULL, &rc)) == NULL)
		return rc;
	buf_init(&b, 4 * 1024 * 1024);
	return httpd_answer_as(r,
	    complaints_talon_slip(r->h->cx, r->who, r->seg[2],
		desk_form_get(&x->f, "code"), web_lang_code(desk_lang(r)), &b,
		&e),
	    "application/pdf", &b, &e);
}

/* The talon's receipt for a 42-column printer (text/plain). */
enum MHD_Result
route_desk_receipt(struct req *r)
{
	enum MHD_Result rc;
	struct post *x;

	if ((x = post_read(r, NULL, NULL, &rc)) == NULL)
		return rc;
	return httpd_talon_receipt(
	    r, r->seg[2], desk_form_get(&x->f, "code"), desk_lang(r));
}

/* --- Administration ----------------------------------------------------- */

/* Accounts; x: a change's form as typed (x->ref names the change). */
static enum MHD_Result
admin_page(struct req *r, unsigned status, struct post *x,
    const struct complaints_error *err)
{
	const struct desk_form *f = x != NULL ? &x->f : NULL;
	const char *action = x != NULL ? x->ref : NULL;
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
	return admin_page(r, 200, NULL, NULL);
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

	if ((x = post_read(r, admin_page, "/desk/admin", &rc)) == NULL)
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
	return post_write(r, x, c, 303, &e);
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

/* The post; x: a letter's form as typed (x->ref its id). */
static enum MHD_Result
post_page(struct req *r, unsigned status, struct post *x,
    const struct complaints_error *err)
{
	const struct desk_form *f = x != NULL ? &x->f : NULL;
	const char *id = x != NULL ? x->ref : NULL;
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
	return post_page(r, 200, NULL, NULL);
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

	if ((x = post_read(r, post_page, "/desk/post", &rc)) == NULL)
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
		return post_page(r, 400, x, &e);
	}
	c = complaints_post_sent_begin(r->h->cx, r->who, id, tracking, &e);
	return post_write(r, x, c, 303, &e);
}
