/*
 * complaints: the directory of bodies and institutions.
 *
 * schemas/data/directory.xml (written by complaints-import from the
 * regulations) is loaded into the body table in one transaction: the
 * bodies and every institution, each with its parent body, so that
 * routing can find an institution's district office and an institution
 * can receive complaints itself.  A file already loaded (same SHA-256)
 * is not loaded again.  Search runs on SQLite FTS5 (unicode61), which
 * folds case in Kazakh and Russian Cyrillic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "complaints/complaints_int.h"

#define DIRECTORY_MAX (32 * 1024 * 1024)
#define LIST_TEXT_MAX 4096

struct dir_load {
	struct complaints *cx;
	xmlDocPtr doc;
	char sha[65];
	int force;
	void (*progress)(void *, size_t, size_t);
	void *parg;
	size_t total, done;
	struct complaints_directory_stats *stats;
	struct complaints_error err;
};

/* The text of every child called name, joined with "; ". */
static char *
join(xmlNodePtr n, const char *name)
{
	struct buf b;
	char *t;

	buf_init(&b, LIST_TEXT_MAX);
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, name) != 0)
			continue;
		if ((t = xmlio_child_text(c, NULL)) == NULL)
			continue;
		if (b.len)
			buf_puts(&b, "; ");
		buf_puts(&b, t);
		free(t);
	}
	if (b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_release(&b, NULL);
}

static char *
name_in(xmlNodePtr n, const char *lang)
{
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		char *l;
		int match;

		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "name") != 0)
			continue;
		l = xmlio_prop(c, "lang");
		match = l && strcmp(l, lang) == 0;
		free(l);
		if (match)
			return xmlio_child_text(c, NULL);
	}
	return NULL;
}

/* The calendar's hours type for a kind of body. */
static const char *
hours_type(const char *kind)
{
	if (strcmp(kind, "ministry") == 0 ||
	    strcmp(kind, "city-department") == 0 ||
	    strcmp(kind, "district-office") == 0)
		return "office";
	if (strcmp(kind, "special-school") == 0)
		return "special-school";
	if (strcmp(kind, "tvet") == 0)
		return "tvet";
	return "institution";
}

static int
load_one(struct db *db, struct dir_load *l, xmlNodePtr n, int institution)
{
	struct db_body_in in;
	char *code, *kind, *kk, *ru, *parent, *tz, *district, *address;
	char *phones, *emails, *sites, *schedule, services[64];
	size_t off = 0;
	int rc;

	code = xmlio_prop(n, "code");
	kind = xmlio_prop(n, "kind");
	parent = xmlio_prop(n, "parent");
	district = xmlio_prop(n, "district");
	kk = name_in(n, "kk");
	ru = name_in(n, "ru");
	tz = xmlio_child_text(n, "time-zone");
	address = xmlio_child_text(n, "address");
	schedule = xmlio_child_text(n, "schedule");
	phones = join(n, "phone");
	emails = join(n, "email");
	sites = join(n, "web");
	services[0] = '\0';
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		char *s;

		if (c->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)c->name, "provides") != 0 ||
		    (s = xmlio_prop(c, "service")) == NULL)
			continue;
		off += (size_t)snprintf(services + off, sizeof(services) - off,
		    "%s%s", off ? " " : "", s);
		if (off >= sizeof(services))
			off = sizeof(services) - 1;
		free(s);
	}
	memset(&in, 0, sizeof(in));
	in.code = code;
	in.kind = kind;
	in.name_kk = kk ? kk : "";
	in.name_ru = ru;
	in.parent_code = parent;
	in.tz = tz;
	in.district = district;
	in.address = address;
	in.phones = phones;
	in.emails = emails;
	in.sites = sites;
	in.schedule = schedule;
	in.hours = kind ? hours_type(kind) : "institution";
	in.services = services[0] ? services : NULL;
	if (code == NULL || kind == NULL) {
		complaints_error_set(&l->err, COMPLAINTS_EINVAL,
		    "invalid-directory",
		    "line %ld: a "
		    "body without code or kind",
		    xmlGetLineNo(n));
		rc = DB_CONSTRAINT;
	} else
		rc = db_body_upsert(db, &in);
	if (rc == DB_OK && l->stats)
		(institution ? &l->stats->institutions :
			       &l->stats->bodies)[0]++;
	free(code);
	free(kind);
	free(parent);
	free(district);
	free(kk);
	free(ru);
	free(tz);
	free(address);
	free(schedule);
	free(phones);
	free(emails);
	free(sites);
	return rc;
}

static int
load_run(struct db *db, void *arg)
{
	struct dir_load *l = arg;
	xmlNodePtr root = xmlDocGetRootElement(l->doc), sect, n;
	static const char *const sects[] = { "bodies", "institutions" };
	char prev[80];
	int rc;

	if (!l->force &&
	    db_meta_get(db, "directory-sha256", prev, sizeof(prev)) == DB_OK &&
	    strcmp(prev, l->sha) == 0) {
		if (l->stats)
			l->stats->unchanged = 1;
		return DB_OK;
	}
	for (int s = 0; s < 2; s++) {
		if ((sect = xmlio_child(root, sects[s])) == NULL)
			continue;
		for (n = sect->children; n != NULL; n = n->next) {
			if (n->type != XML_ELEMENT_NODE)
				continue;
			if ((rc = load_one(db, l, n, s == 1)) != DB_OK)
				return rc;
			l->done++;
			if (l->progress &&
			    (l->done % 25 == 0 || l->done == l->total))
				l->progress(l->parg, l->done, l->total);
		}
	}
	return db_meta_set(db, "directory-sha256", l->sha);
}

/* 1 when the store says the directory of this hash is loaded. */
static int
loaded_already(struct complaints *cx, const char *sha)
{
	struct complaints_error e;
	struct db *db;
	char prev[80];
	int same;

	if ((db = complaints_reader(cx, &e)) == NULL)
		return 0;
	same = db_meta_get(db, "directory-sha256", prev, sizeof(prev)) ==
		DB_OK &&
	    strcmp(prev, sha) == 0;
	db_pool_put(cx->readers, db);
	return same;
}

int
complaints_directory_load(struct complaints *cx, const char *path, int force,
    void (*progress)(void *, size_t, size_t), void *parg,
    struct complaints_directory_stats *stats, struct complaints_error *e)
{
	struct dir_load l;
	struct xmlio_err xe;
	uint8_t h[32];
	xmlNodePtr root, sect;
	char *text;
	size_t len = 0;
	int rc = -1;

	memset(&l, 0, sizeof(l));
	if (stats)
		memset(stats, 0, sizeof(*stats));
	if ((text = read_whole_file(path, DIRECTORY_MAX, &len, e->message,
		 sizeof(e->message))) == NULL) {
		e->errc = COMPLAINTS_EINVAL;
		e->retry_after = 0;
		strlcpy_chk(e->code, "no-directory", sizeof(e->code));
		return -1;
	}
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	sodium_bin2hex(l.sha, sizeof(l.sha), h, sizeof(h));
	/*
	 * The file loaded already (checked again in the writer's job): no
	 * parse, whose tree is megabytes at every start of the daemon.
	 */
	if (!force && loaded_already(cx, l.sha)) {
		if (stats)
			stats->unchanged = 1;
		rc = 0;
		goto out;
	}
	if (xmlio_parse(cx->schemas, "directory", text, len, &l.doc, &xe) ==
	    -1) {
		complaints_xml_error(e, &xe);
		snprintf(e->message + strlen(e->message),
		    sizeof(e->message) - strlen(e->message), " (%s)", path);
		goto out;
	}
	root = xmlDocGetRootElement(l.doc);
	for (int s = 0; s < 2; s++)
		if ((sect = xmlio_child(root, s ? "institutions" : "bodies")))
			for (xmlNodePtr c = sect->children; c; c = c->next)
				l.total += c->type == XML_ELEMENT_NODE;
	l.cx = cx;
	l.force = force;
	l.progress = progress;
	l.parg = parg;
	l.stats = stats;
	if (complaints_run(cx, load_run, &l, e, &l.err) == -1)
		goto out;
	rc = 0;
out:
	xmlFreeDoc(l.doc);
	free(text);
	return rc;
}

struct search_ctx {
	struct xmlio_out *o;
	int failed, n;
};

static int
opt(struct xmlio_out *o, const char *name, const char *v)
{
	return v && *v ? xmlio_out_elem(o, name, v) : 0;
}

static int
body_out(void *arg, const struct db_body_row *r)
{
	struct search_ctx *c = arg;

	if (xmlio_out_start(c->o, "entry") == -1 ||
	    xmlio_out_attr(c->o, "code", r->code) == -1 ||
	    xmlio_out_attr(c->o, "kind", r->kind) == -1 ||
	    (r->parent_code &&
		xmlio_out_attr(c->o, "parent", r->parent_code) == -1) ||
	    (r->district &&
		xmlio_out_attr(c->o, "district", r->district) == -1) ||
	    xmlio_out_elem(c->o, "name", r->name_kk) == -1 ||
	    opt(c->o, "name-ru", r->name_ru) == -1 ||
	    opt(c->o, "address", r->address) == -1 ||
	    opt(c->o, "phones", r->phones) == -1 ||
	    opt(c->o, "emails", r->emails) == -1 ||
	    opt(c->o, "sites", r->sites) == -1 ||
	    opt(c->o, "schedule", r->schedule) == -1 ||
	    opt(c->o, "services", r->services) == -1 ||
	    xmlio_out_end(c->o) == -1)
		c->failed = 1;
	c->n++;
	return c->failed;
}

int
complaints_directory_search(struct complaints *cx, const char *text, int limit,
    struct buf *out, struct complaints_error *e)
{
	struct search_ctx c;
	struct xmlio_out o;
	struct db *db;
	char q[1024], exact[1024];
	int rc;

	if (strlen(text) > 200 ||
	    complaints_fts_query(text, 1, q, sizeof(q)) == -1 ||
	    complaints_fts_query(text, 0, exact, sizeof(exact)) == -1) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-query",
		    "give "
		    "one or more words of "
		    "a name or an address, at most 200 characters");
		return -1;
	}
	memset(&c, 0, sizeof(c));
	c.o = &o;
	if (xmlio_out_begin(&o, "directory-result") == -1)
		goto fail;
	if ((db = complaints_reader(cx, e)) == NULL) {
		xmlio_out_free(&o);
		return -1;
	}
	rc = db_body_search(db, q, exact, limit, body_out, &c);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK || c.failed || xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the search "
	    "failed");
	return -1;
}

int
complaints_directory_body(struct complaints *cx, const char *code,
    struct buf *out, struct complaints_error *e)
{
	struct search_ctx c;
	struct xmlio_out o;
	struct db *db;
	int rc;

	memset(&c, 0, sizeof(c));
	c.o = &o;
	if (xmlio_out_begin(&o, "directory-result") == -1)
		goto fail;
	if ((db = complaints_reader(cx, e)) == NULL) {
		xmlio_out_free(&o);
		return -1;
	}
	rc = db_body_detail(db, code, body_out, &c);
	db_pool_put(cx->readers, db);
	if (rc != DB_OK || c.failed)
		goto fail;
	if (c.n == 0) {
		xmlio_out_free(&o);
		complaints_error_set(e, COMPLAINTS_ENOENT, "body-not-found",
		    "no body or "
		    "institution with the code \"%s\"",
		    code);
		return -1;
	}
	if (xmlio_out_finish(&o, out) == -1)
		goto fail;
	return 0;
fail:
	xmlio_out_free(&o);
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "the "
	    "directory cannot be read");
	return -1;
}

const char *
complaints_body_today(struct complaints *cx, const char *code)
{
	return routing_body_at(
	    cx->routing, code, complaints_today(cx, NULL, clock_now()));
}
