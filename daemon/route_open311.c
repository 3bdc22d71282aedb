/*
 * route_open311: the filing door of Open311 GeoReport v2, the interface
 * civic issue systems and their mobile clients speak.
 *
 *	GET  /open311/v2/discovery.{xml,json}		the endpoint
 *	GET  /open311/v2/services.{xml,json}		the services whose
 *							regulation takes
 *							complaints electronically
 *	GET  /open311/v2/services/{code}.{xml,json}	their attributes
 *	POST /open311/v2/requests.{xml,json}		a complaint: a draft the
 *							applicant confirms by
 *							email, as /file makes;
 *							with a partner's api_key
 *							registered at once
 *	GET  /open311/v2/requests/{talon}.{xml,json}	its status
 *	GET  /open311/v2/requests.{xml,json}?service_request_id=a,b
 *
 * service_request_id is the talon number; the status is the journal's:
 * open while the body must act, closed after; agency_responsible the
 * body holding it, expected_datetime the due date.  A request shows
 * what the status page shows and nothing of the applicant.  Every
 * answer is built as a Jansson value and written as JSON or, by one
 * walk, as Open311's XML; every error is Open311's <errors> (or its
 * JSON array) with the HTTP status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "daemon/desk.h"
#include "web/web.h"
#include "xmlio/xmlio.h"

#define O311_SPEC	"http://wiki.open311.org/GeoReport_v2"
#define O311_IDS_MAX	20	  /* service_request_id values in one call */
#define O311_DESC_MAX	4000	  /* characters, as the specification says */
#define O311_ANSWER_CAP (1 << 20) /* bytes of an answer */

/* The element of each item of an XML list, by the list's name. */
static const struct {
	const char *list, *item;
} o311_items[] = {
	{ "services", "service" },
	{ "service_requests", "request" },
	{ "attributes", "attribute" },
	{ "values", "value" },
	{ "endpoints", "endpoint" },
	{ "formats", "format" },
	{ "errors", "error" },
};

/* Whether the last segment asks for JSON; "name" gets its stem. */
static int
o311_json(const char *seg, char *stem, size_t len)
{
	const char *dot = strrchr(seg, '.');
	size_t n = dot ? (size_t)(dot - seg) : strlen(seg);

	if (stem != NULL)
		snprintf(stem, len, "%.*s", (int)n, seg);
	return dot != NULL && strcmp(dot, ".json") == 0;
}

/* The format suffix: .xml or .json; 0 for anything else. */
static int
o311_suffix_ok(const char *seg)
{
	const char *dot = strrchr(seg, '.');

	return dot != NULL &&
	    (strcmp(dot, ".xml") == 0 || strcmp(dot, ".json") == 0);
}

static const char *
item_of(const char *list)
{
	for (size_t i = 0; i < sizeof(o311_items) / sizeof(*o311_items); i++)
		if (strcmp(o311_items[i].list, list) == 0)
			return o311_items[i].item;
	return "item";
}

/* Writes v as the element name (Open311's XML of the same value). */
static int
xml_value(struct xmlio_out *o, const char *name, json_t *v)
{
	const char *key;
	json_t *it;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (xmlio_out_start(o, name) == -1)
			return -1;
		json_object_foreach(
		    v, key, it) if (xml_value(o, key, it) == -1) return -1;
		return xmlio_out_end(o);
	case JSON_ARRAY:
		if (xmlio_out_start(o, name) == -1)
			return -1;
		json_array_foreach(v, i,
		    it) if (xml_value(o, item_of(name), it) == -1) return -1;
		return xmlio_out_end(o);
	case JSON_STRING:
		return xmlio_out_elem(o, name, json_string_value(v));
	case JSON_INTEGER:
		return xmlio_out_elemf(
		    o, name, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_TRUE:
		return xmlio_out_elem(o, name, "true");
	case JSON_FALSE:
		return xmlio_out_elem(o, name, "false");
	default:
		return xmlio_out_elem(o, name, "");
	}
}

/* The answer's bytes with its type; Retry-After when wait > 0. */
static enum MHD_Result
o311_send(struct req *r, unsigned status, const char *type, const char *data,
    size_t len, int wait)
{
	struct MHD_Response *resp;
	char ra[16];

	resp = MHD_create_response_from_buffer(
	    len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	if (wait > 0) {
		snprintf(ra, sizeof(ra), "%d", wait);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	return httpd_queue(r, status, resp, type);
}

/*
 * Answers with v (taken) as JSON, or as XML under root, by the request's
 * suffix; Retry-After when wait > 0.
 */
static enum MHD_Result
o311_answer_wait(
    struct req *r, unsigned status, const char *root, json_t *v, int wait)
{
	struct xmlio_out o;
	enum MHD_Result rc;
	const char *key;
	json_t *it;
	struct buf b;
	size_t i;
	char *s;
	int bad = 0;

	if (v == NULL)
		return httpd_respond(r, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	if (r->nseg > 0 && o311_json(r->seg[r->nseg - 1], NULL, 0)) {
		s = json_dumps(v, JSON_COMPACT);
		json_decref(v);
		if (s == NULL)
			return httpd_respond(r, 500,
			    "text/plain; charset=utf-8", "internal error\n",
			    15);
		rc = o311_send(r, status, "application/json; charset=utf-8", s,
		    strlen(s), wait);
		free(s);
		return rc;
	}
	buf_init(&b, O311_ANSWER_CAP);
	if (xmlio_out_begin(&o, root) == -1)
		bad = 1;
	/* The root's content: an object's members or a list's items. */
	else if (json_is_array(v)) {
		json_array_foreach(v, i, it)
		    bad |= xml_value(&o, item_of(root), it);
	} else {
		json_object_foreach(v, key, it) bad |= xml_value(&o, key, it);
	}
	json_decref(v);
	if (bad || xmlio_out_finish(&o, &b) == -1) {
		xmlio_out_free(&o);
		buf_free(&b);
		return httpd_respond(r, 500, "text/plain; charset=utf-8",
		    "internal error\n", 15);
	}
	rc = o311_send(
	    r, status, "text/xml; charset=utf-8", b.data, b.len, wait);
	buf_free(&b);
	return rc;
}

static enum MHD_Result
o311_answer(struct req *r, unsigned status, const char *root, json_t *v)
{
	return o311_answer_wait(r, status, root, v, 0);
}

enum MHD_Result
route_open311_error(
    struct req *r, unsigned status, const struct complaints_error *e)
{
	json_t *v;

	if (status >= 500)
		log_warnx("http: open311: %s: %s", e->code, e->message);
	v = json_pack(
	    "[{s:i, s:s}]", "code", (int)status, "description", e->message);
	return o311_answer_wait(r, status, "errors", v, e->retry_after);
}

static enum MHD_Result
o311_fail(struct req *r, unsigned status, const char *code, const char *msg)
{
	struct complaints_error e;

	complaints_error_set(&e,
	    status >= 500     ? COMPLAINTS_EINTERNAL :
		status == 404 ? COMPLAINTS_ENOENT :
				COMPLAINTS_EINVAL,
	    code, "%s", msg);
	return route_open311_error(r, status, &e);
}

static enum web_lang
o311_lang(struct req *r)
{
	return web_lang_pick(httpd_arg(r, "lang"),
	    httpd_header(r, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
}

/* The site's address: status_url's, or the Host the client named. */
static void
o311_base(struct req *r, char *out, size_t len)
{
	const char *s = r->h->conf->status_url, *host;
	size_t n = s ? strlen(s) : 0;

	if (n >= 8 && strcmp(s + n - 8, "/status/") == 0) {
		snprintf(out, len, "%.*s/open311/v2", (int)(n - 8), s);
		return;
	}
	host = httpd_header(r, MHD_HTTP_HEADER_HOST);
	snprintf(out, len, "%s://%s/open311/v2",
	    r->h->conf->tls_cert && r->h->conf->tls_cert[0] ? "https" : "http",
	    host &&
		    strspn(host,
			"abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
			strlen(host) ?
		host :
		"localhost");
}

/* --- Discovery and services ------------------------------------------- */

static time_t o311_started;

static void
iso_utc(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static enum MHD_Result
o311_discovery(struct req *r)
{
	char base[600], changed[32];

	if (o311_started == 0)
		o311_started = time(NULL);
	iso_utc(o311_started, changed);
	o311_base(r, base, sizeof(base));
	return o311_answer(r, 200, "discovery",
	    json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}",
		"changeset", changed, "contact",
		"The registrar of the body that holds a complaint; its status: "
		"/status",
		"key_service",
		"A partner's api_key is the API token of an account of the "
		"role "
		"partner, opened by the administrator on the desk",
		"endpoints", "specification", O311_SPEC, "url", base,
		"changeset", changed, "type", "production", "formats",
		"text/xml", "application/json"));
}

static const char *
service_name(enum web_lang lang, int code)
{
	char key[16];
	const char *s;

	snprintf(key, sizeof(key), "service.%d", code);
	s = web_text(lang, key);
	return s ? s : "";
}

static enum MHD_Result
o311_services(struct req *r)
{
	enum web_lang lang = o311_lang(r);
	json_t *list = json_array();

	for (int s = 1; list != NULL && s <= 11; s++) {
		char code[8];

		if (!complaints_filing_electronic(r->h->cx, s))
			continue;
		snprintf(code, sizeof(code), "%d", s);
		if (json_array_append_new(list,
			json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}",
			    "service_code", code, "service_name",
			    service_name(lang, s), "description",
			    service_name(lang, s), "metadata", 1, "type",
			    "blackbox", "keywords", "complaint, education",
			    "group", "education")) == -1) {
			json_decref(list);
			list = NULL;
		}
	}
	return o311_answer(r, 200, "services", list);
}

/* The attributes beyond Open311's own fields: what the schema needs. */
static const struct {
	const char *code, *datatype, *description;
	int required;
} o311_attrs[] = {
	{ "institution", "string",
	    "The institution complained about: its code in the directory "
	    "(GET /api/v1/directory?q=part of its name or number)",
	    1 },
	{ "postal_address", "string",
	    "Your postal address: without it a complaint is anonymous and is "
	    "not considered",
	    1 },
	{ "patronymic", "string", "Your patronymic, if your ID has one", 0 },
	{ "demands", "text", "What you ask for", 1 },
	{ "official", "string",
	    "The employee complained about (name or position), if one", 0 },
};

static int
service_of(const char *s)
{
	long long v;

	return s != NULL && parse_ll(s, 1, 11, &v) == 0 ? (int)v : 0;
}

static enum MHD_Result
o311_definition(struct req *r)
{
	char stem[HTTPD_SEGMENT_LEN];
	json_t *attrs;
	int s;

	o311_json(r->seg[3], stem, sizeof(stem));
	s = service_of(stem);
	if (!o311_suffix_ok(r->seg[3]) || s == 0 ||
	    !complaints_filing_electronic(r->h->cx, s))
		return o311_fail(r, 404, "service-not-found",
		    "no service with this service_code takes complaints "
		    "electronically (GET services.xml lists those that do)");
	if ((attrs = json_array()) == NULL)
		return o311_answer(r, 500, "service_definition", NULL);
	for (size_t i = 0; i < sizeof(o311_attrs) / sizeof(*o311_attrs); i++)
		json_array_append_new(attrs,
		    json_pack("{s:b, s:s, s:s, s:b, s:s, s:i, s:s}", "variable",
			1, "code", o311_attrs[i].code, "datatype",
			o311_attrs[i].datatype, "required",
			o311_attrs[i].required, "datatype_description", "",
			"order", (int)i + 1, "description",
			o311_attrs[i].description));
	return o311_answer(r, 200, "service_definition",
	    json_pack("{s:s, s:o}", "service_code", stem, "attributes", attrs));
}

/* --- Requests ---------------------------------------------------------- */

/* One request's public status; NULL with e set. */
static json_t *
o311_request(struct req *r, const char *talon, struct complaints_error *e)
{
	struct complaints_talon_status st;
	enum web_lang lang = o311_lang(r);
	char expected[40], code[8];
	const char *off;
	int handled, service;

	if (complaints_status_info(r->h->cx, talon, NULL, &st, e) == -1 ||
	    complaints_talon_service(r->h->cx, st.number, &service, e) == -1)
		return NULL;
	handled = st.has_handler;
	/* The due date's end of the working day, in the body's zone. */
	off = strlen(st.accepted_at) > 19 ? st.accepted_at + 19 : "Z";
	snprintf(expected, sizeof(expected), "%.10sT18:00:00%.6s",
	    handled ? st.handler_due : st.due, off);
	snprintf(code, sizeof(code), "%d", service);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
			 "s:s, s:s, s:s, s:s}",
	    "service_request_id", st.number, "status",
	    st.open ? "open" : "closed", "status_notes",
	    handled ? st.handler_state : st.state, "service_name",
	    service_name(lang, service), "service_code", code, "description",
	    "", "agency_responsible",
	    handled	       ? st.handler_kk :
		lang == WEB_KK ? st.body_kk :
				 (st.body_ru[0] ? st.body_ru : st.body_kk),
	    "service_notice", "", "requested_datetime", st.accepted_at,
	    "expected_datetime", expected, "address", "", "address_id", "",
	    "zipcode", "", "media_url", "");
}

static enum MHD_Result
o311_request_one(struct req *r)
{
	struct complaints_error e;
	char stem[HTTPD_SEGMENT_LEN];
	json_t *v;

	o311_json(r->seg[3], stem, sizeof(stem));
	if (!o311_suffix_ok(r->seg[3]))
		return o311_fail(
		    r, 404, "not-found", "ask for requests/{id}.xml or .json");
	if ((v = o311_request(r, stem, &e)) == NULL)
		return route_open311_error(r, httpd_status(e.errc), &e);
	return o311_answer(r, 200, "service_requests", json_pack("[o]", v));
}

static enum MHD_Result
o311_request_list(struct req *r)
{
	const char *ids = httpd_arg(r, "service_request_id");
	struct complaints_error e;
	char id[64];
	json_t *list, *v;
	size_t n;
	int count = 0;

	if (ids == NULL)
		return o311_fail(r, 400, "service_request_id-required",
		    "give service_request_id (talon numbers, comma "
		    "separated): requests are not listed by date or service");
	if ((list = json_array()) == NULL)
		return o311_answer(r, 500, "service_requests", NULL);
	for (const char *p = ids; *p; p += n + (p[n] == ',')) {
		n = strcspn(p, ",");
		if (n == 0)
			continue;
		if (++count > O311_IDS_MAX || n >= sizeof(id)) {
			json_decref(list);
			return o311_fail(r, 400, "too-many-ids",
			    "at most 20 service_request_id values of at most "
			    "63 characters");
		}
		snprintf(id, sizeof(id), "%.*s", (int)n, p);
		if ((v = o311_request(r, id, &e)) != NULL)
			json_array_append_new(list, v);
		else if (e.errc != COMPLAINTS_ENOENT &&
		    e.errc != COMPLAINTS_EINVAL) {
			json_decref(list);
			return route_open311_error(r, httpd_status(e.errc), &e);
		}
	}
	return o311_answer(r, 200, "service_requests", list);
}

enum MHD_Result
route_open311_get(struct req *r)
{
	char stem[HTTPD_SEGMENT_LEN];

	o311_json(r->seg[2], stem, sizeof(stem));
	if (!o311_suffix_ok(r->seg[2]))
		return o311_fail(r, 404, "not-found",
		    "Open311 resources end in .xml or .json");
	if (strcmp(stem, "discovery") == 0)
		return o311_discovery(r);
	if (strcmp(stem, "services") == 0)
		return o311_services(r);
	if (strcmp(stem, "requests") == 0)
		return o311_request_list(r);
	return o311_fail(r, 404, "not-found", "no such Open311 resource");
}

enum MHD_Result
route_open311_service(struct req *r)
{
	if (strcmp(r->seg[2], "services") == 0)
		return o311_definition(r);
	if (strcmp(r->seg[2], "requests") == 0)
		return o311_request_one(r);
	return o311_fail(r, 404, "not-found", "no such Open311 resource");
}

/* --- POST requests ----------------------------------------------------- */

static const char *
o311_field(const struct desk_form *f, const char *name)
{
	return desk_form_get(f, name);
}

/* Adds <name>v</name> when v is given; ok stays 0 once a write failed. */
static void
opt_elem(struct xmlio_out *o, const char *name, const char *v, int *ok)
{
	if (*ok && v != NULL)
		*ok = xmlio_out_elem(o, name, v) == 0;
}

/* The <draft> of an Open311 request; NULL with why when a field lacks. */
static int
o311_draft(
    struct req *r, const struct desk_form *f, struct buf *out, const char **why)
{
	static const char *const need[] = { "service_code", "last_name",
		"first_name", "email", "description", "attribute[institution]",
		"attribute[postal_address]", "attribute[demands]" };
	const char *d = o311_field(f, "description");
	struct xmlio_out o;
	int ok;

	for (size_t i = 0; i < sizeof(need) / sizeof(*need); i++)
		if (o311_field(f, need[i]) == NULL) {
			*why = need[i];
			return 1;
		}
	if (utf8_chars(d, strlen(d)) > O311_DESC_MAX) {
		*why = "description (at most 4000 characters)";
		return 1;
	}
	if (service_of(o311_field(f, "service_code")) == 0) {
		*why = "service_code (GET services.xml lists them)";
		return 1;
	}
	if (xmlio_out_begin(&o, "draft") == -1)
		return -1;
	ok = xmlio_out_attr(&o, "lang", web_lang_code(o311_lang(r))) == 0;
	opt_elem(&o, "service", o311_field(f, "service_code"), &ok);
	opt_elem(
	    &o, "institution", o311_field(f, "attribute[institution]"), &ok);
	opt_elem(&o, "official", o311_field(f, "attribute[official]"), &ok);
	ok = ok && xmlio_out_start(&o, "applicant") == 0;
	opt_elem(&o, "surname", o311_field(f, "last_name"), &ok);
	opt_elem(&o, "name", o311_field(f, "first_name"), &ok);
	opt_elem(&o, "patronymic", o311_field(f, "attribute[patronymic]"), &ok);
	opt_elem(
	    &o, "address", o311_field(f, "attribute[postal_address]"), &ok);
	opt_elem(&o, "email", o311_field(f, "email"), &ok);
	opt_elem(&o, "phone", o311_field(f, "phone"), &ok);
	ok = ok && xmlio_out_end(&o) == 0;
	opt_elem(&o, "reasons", d, &ok);
	opt_elem(&o, "demands", o311_field(f, "attribute[demands]"), &ok);
	if (!ok || xmlio_out_finish(&o, out) == -1) {
		xmlio_out_free(&o);
		return -1;
	}
	return 0;
}

/* After the write: the request created (a talon) or the draft stored. */
static enum MHD_Result
o311_posted(
    struct req *r, int rc, struct buf *b, const struct complaints_error *e)
{
	xmlDocPtr d;
	xmlChar *num = NULL;
	xmlNodePtr n;
	json_t *v;

	if (rc == -1)
		return route_open311_error(r, httpd_status(e->errc), e);
	if (r->who == NULL)
		return o311_answer(r, 202, "service_requests",
		    json_pack("[{s:s, s:n}]", "service_notice",
			"A link has gone to the applicant's email address: "
			"the complaint is registered, and its talon number "
			"mailed, when the applicant follows it within 24 "
			"hours. Confirming proves control of the address "
			"only.",
			"account_id"));
	d = xmlReadMemory(b->data, (int)b->len, NULL, "UTF-8", XML_PARSE_NONET);
	for (n = d ? xmlDocGetRootElement(d)->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(n->name, BAD_CAST "number") == 0)
			num = xmlNodeGetContent(n);
	sodium_memzero(b->data, b->len); /* the access code */
	xmlFreeDoc(d);
	if (num == NULL)
		return o311_fail(r, 500, "internal", "the talon has no number");
	v = json_pack("[{s:s, s:s, s:n}]", "service_request_id",
	    (const char *)num, "service_notice",
	    "Registered; the talon with its access code goes to the "
	    "applicant's email address.",
	    "account_id");
	xmlFree(num);
	return o311_answer(r, 201, "service_requests", v);
}

enum MHD_Result
route_open311_post(struct req *r)
{
	struct complaints_error e;
	struct complaints_call *c;
	struct desk_form f;
	const char *key, *why = NULL;
	char stem[HTTPD_SEGMENT_LEN], msg[160];
	struct buf xml;
	int rc;

	o311_json(r->seg[2], stem, sizeof(stem));
	if (!o311_suffix_ok(r->seg[2]) || strcmp(stem, "requests") != 0)
		return o311_fail(
		    r, 404, "not-found", "POST requests.xml or requests.json");
	if (desk_form_read(r, &f) == -1) {
		desk_form_free(&f);
		return o311_fail(r, 400, "bad-form",
		    "the parameters cannot be read (too many or too long, "
		    "or not UTF-8)");
	}
	if ((key = desk_form_get(&f, "api_key")) != NULL) {
		if (complaints_authenticate(r->h->cx, key, &r->actor, &e) ==
		    -1) {
			desk_form_free(&f);
			complaints_error_set(&e, COMPLAINTS_EPERM,
			    "invalid-api-key",
			    "the api_key is not a valid partner's key; "
			    "without one the applicant confirms by email");
			return route_open311_error(r, 403, &e);
		}
		r->who = &r->actor;
	}
	buf_init(&xml, 256 * 1024);
	rc = o311_draft(r, &f, &xml, &why);
	desk_form_free(&f);
	if (rc != 0) {
		buf_free(&xml);
		if (rc == -1)
			return o311_fail(r, 500, "internal", "out of memory");
		snprintf(msg, sizeof(msg), "missing or bad: %s", why);
		return o311_fail(r, 400, "missing-field", msg);
	}
	c = r->who != NULL ?
	    complaints_draft_register_begin(
		r->h->cx, r->who, xml.data, xml.len, &e) :
	    complaints_draft_begin(r->h->cx, xml.data, xml.len, r->client, &e);
	sodium_memzero(xml.data, xml.len);
	buf_free(&xml);
	if (c == NULL)
		return route_open311_error(r, httpd_status(e.errc), &e);
	r->after = o311_posted;
	return httpd_write(r, c, 201, &e);
}
