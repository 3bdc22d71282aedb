/*
 * routing: the routing rules per service, read once from routing.xml into
 * fixed arrays, then answered from those without allocating.
 *
 * The rules file is validated against routing.xsd first, so the walk
 * below meets only well-formed elements; it still checks every copy
 * against its buffer, and checks what the schema cannot say: all eleven
 * services present, one chain per ground, and parent-body defaults that
 * are a district office or the city department.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

#include "routing/routing.h"
#include "util/util.h"
#include "xmlio/xmlio.h"

#define ROUTING_FILE_MAX (1024 * 1024)
#define BODIES_MAX	 32
#define VERSION_MAX	 41
#define NGROUNDS	 2

enum tier {
	TIER_NONE = 0, /* not a declared body: an institution */
	TIER_DISTRICT,
	TIER_CITY,
	TIER_MINISTRY,
	TIER_QUALITY_CONTROL
};

/* By enum tier; TIER_NONE is the institution itself. */
static const char *const tier_names[] = { "institution", "district", "city",
	"ministry", "quality-control" };

/* What a complaint must carry (routing.xsd requirementT). */
static const char *const requirement_names[] = { "identity-document",
	"legal-representative", "service-documents", "handwritten", "full-name",
	"postal-address", "date", "signature", "subject",
	"reasons-and-demands" };

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	unsigned bit;
} channel_tab[] = {
	{ "post", 0x01 },
	{ "in-person", 0x02 },
	{ "electronic", 0x04 },
	{ "phone", 0x08 },
	{ "oral", 0x10 },
};

static const struct {
	const char *name;
	unsigned bit;
} answer_tab[] = {
	{ "post", 0x01 },
	{ "email", 0x02 },
};

struct level {
	enum routing_kind kind;
	/* The body; for a parent-body level, the default body. */
	char code[ROUTING_CODE_MAX];
	char clause[ROUTING_CLAUSE_MAX];
};

struct chain_rule {
	int present;
	int n;
	struct level lv[ROUTING_MAX_LEVELS];
	char court_clause[ROUTING_CLAUSE_MAX];
};

struct requirement {
	int what; /* index in requirement_names */
	char clause[ROUTING_CLAUSE_MAX];
};

struct service_rule {
	int present;
	unsigned channels; /* channel_tab bits */
	unsigned answers;  /* answer_tab bits */
	struct chain_rule chain[NGROUNDS];
	int nintake;
	struct requirement intake[ROUTING_INTAKE_MAX];
};

struct body_decl {
	char code[ROUTING_CODE_MAX];
	enum tier tier;
	struct date from, until;	  /* y == 0: open-ended */
	char successor[ROUTING_CODE_MAX]; /* "" none */
};

struct routing {
	char version[VERSION_MAX];
	struct body_decl bodies[BODIES_MAX];
	int nbodies;
	struct service_rule svc[ROUTING_NSERVICES + 1]; /* 1-based */
};

static const struct body_decl *
body_find(const struct routing *r, const char *code)
{
	for (int i = 0; i < r->nbodies; i++)
		if (strcmp(r->bodies[i].code, code) == 0)
			return &r->bodies[i];
	return NULL;
}

static enum tier
tier_of(const struct routing *r, const char *code)
{
	const struct body_decl *b = body_find(r, code);

	return b != NULL ? b->tier : TIER_NONE;
}

/* "Регламент 1, 17-тармақ" from the clause attribute. */
static int
read_clause(
    struct xmlio_ld *ld, xmlNodePtr n, int service, char *out, size_t len)
{
	char num[8];
	int w;

	if (xmlio_ld_attr(ld, n, "clause", num, sizeof(num)) != 1) {
		xmlio_ld_err(ld, n, "<%s> has no usable clause", n->name);
		return -1;
	}
	w = snprintf(out, len, "Регламент %d, %s-тармақ", service, num);
	if (w < 0 || (size_t)w >= len) {
		xmlio_ld_err(ld, n, "clause reference too long");
		return -1;
	}
	return 0;
}

static int
read_bodies(struct xmlio_ld *ld, struct routing *r, xmlNodePtr bodies)
{
	char tier[16];
	struct body_decl *b;
	int holders = 0;

	for (xmlNodePtr c = bodies->children; c != NULL; c = c->next) {
		if (!xmlio_is_elem(c, "body"))
			continue;
		if (r->nbodies == BODIES_MAX) {
			xmlio_ld_err(ld, c, "more than %d bodies", BODIES_MAX);
			return -1;
		}
		b = &r->bodies[r->nbodies];
		if (xmlio_ld_attr(ld, c, "code", b->code, sizeof(b->code)) !=
			1 ||
		    xmlio_ld_attr(ld, c, "tier", tier, sizeof(tier)) != 1) {
			xmlio_ld_err(ld, c, "<body> needs code and tier");
			return -1;
		}
		for (b->tier = TIER_DISTRICT;
		     (size_t)b->tier < NELEM(tier_names); b->tier++)
			if (strcmp(tier_names[b->tier], tier) == 0)
				break;
		if ((size_t)b->tier == NELEM(tier_names)) {
			xmlio_ld_err(ld, c, "unknown tier %s", tier);
			return -1;
		}
		if (xmlio_ld_date(ld, c, "from", 0, &b->from) == -1 ||
		    xmlio_ld_date(ld, c, "until", 0, &b->until) == -1 ||
		    xmlio_ld_attr(ld, c, "successor", b->successor,
			sizeof(b->successor)) == -1)
			return -1;
		if (b->successor[0] != '\0' && b->until.y == 0) {
			xmlio_ld_err(ld, c,
			    "body %s has a successor and no "
			    "until",
			    b->code);
			return -1;
		}
		if ((b->tier == TIER_DISTRICT || b->tier == TIER_CITY) &&
		    ++holders > ROUTING_MAX_HOLDERS) {
			xmlio_ld_err(ld, c,
			    "more than %d district offices and city "
			    "departments",
			    ROUTING_MAX_HOLDERS);
			return -1;
		}
		r->nbodies++;
	}
	return 0;
}

/* The <channel> or <answer> children of list, as bits of tab. */
static int
read_kinds(struct xmlio_ld *ld, xmlNodePtr list, const char *elem,
    const char *const *names, const unsigned *bits, size_t n, unsigned *out)
{
	char type[16];
	size_t i;

	for (xmlNodePtr c = list->children; c != NULL; c = c->next) {
		if (!xmlio_is_elem(c, elem))
			continue;
		if (xmlio_ld_attr(ld, c, "type", type, sizeof(type)) != 1) {
			xmlio_ld_err(ld, c, "<%s> needs a type", elem);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (strcmp(names[i], type) == 0)
				break;
		if (i == n) {
			xmlio_ld_err(ld, c, "unknown %s %s", elem, type);
			return -1;
		}
		*out |= bits[i];
	}
	return 0;
}

static int
read_channels(struct xmlio_ld *ld, struct service_rule *s, xmlNodePtr list)
{
	const char *names[NELEM(channel_tab)];
	unsigned bits[NELEM(channel_tab)];

	for (size_t i = 0; i < NELEM(channel_tab); i++) {
		names[i] = channel_tab[i].name;
		bits[i] = channel_tab[i].bit;
	}
	return read_kinds(
	    ld, list, "channel", names, bits, NELEM(names), &s->channels);
}

static int
read_answers(struct xmlio_ld *ld, struct service_rule *s, xmlNodePtr list)
{
	const char *names[NELEM(answer_tab)];
	unsigned bits[NELEM(answer_tab)];

	for (size_t i = 0; i < NELEM(answer_tab); i++) {
		names[i] = answer_tab[i].name;
		bits[i] = answer_tab[i].bit;
	}
	return read_kinds(
	    ld, list, "answer", names, bits, NELEM(names), &s->answers);
}

static int
read_chain(struct xmlio_ld *ld, const struct routing *r, int service,
    struct service_rule *s, xmlNodePtr chain)
{
	struct chain_rule *cr;
	struct level *lv;
	char ground[16];
	enum tier t;
	int g, court = 0, parents = 0;

	if (xmlio_ld_attr(ld, chain, "ground", ground, sizeof(ground)) == -1)
		return -1;
	if (ground[0] == '\0' || strcmp(ground, "general") == 0)
		g = ROUTING_GROUND_GENERAL;
	else if (strcmp(ground, "quality") == 0)
		g = ROUTING_GROUND_QUALITY;
	else {
		xmlio_ld_err(ld, chain, "unknown ground %s", ground);
		return -1;
	}
	cr = &s->chain[g];
	if (cr->present) {
		xmlio_ld_err(ld, chain,
		    "service %d has two chains for ground %s", service,
		    ground[0] ? ground : "general");
		return -1;
	}
	cr->present = 1;
	for (xmlNodePtr c = chain->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (court) {
			xmlio_ld_err(ld, c, "<court> must end the chain");
			return -1;
		}
		if (xmlio_is_elem(c, "court")) {
			if (read_clause(ld, c, service, cr->court_clause,
				sizeof(cr->court_clause)) == -1)
				return -1;
			court = 1;
			continue;
		}
		if (cr->n == ROUTING_MAX_LEVELS) {
			xmlio_ld_err(
			    ld, c, "more than %d levels", ROUTING_MAX_LEVELS);
			return -1;
		}
		lv = &cr->lv[cr->n];
		if (xmlio_is_elem(c, "institution"))
			lv->kind = ROUTING_KIND_INSTITUTION;
		else if (xmlio_is_elem(c, "parent-body")) {
			lv->kind = ROUTING_KIND_PARENT_BODY;
			if (parents++ > 0) {
				xmlio_ld_err(ld, c,
				    "a chain has one <parent-body> "
				    "at most");
				return -1;
			}
			if (xmlio_ld_attr(ld, c, "default", lv->code,
				sizeof(lv->code)) != 1) {
				xmlio_ld_err(
				    ld, c, "<parent-body> needs a default");
				return -1;
			}
			t = tier_of(r, lv->code);
			if (t != TIER_DISTRICT && t != TIER_CITY) {
				xmlio_ld_err(ld, c,
				    "default %s is not a district "
				    "office or the city department",
				    lv->code);
				return -1;
			}
		} else if (xmlio_is_elem(c, "body")) {
			lv->kind = ROUTING_KIND_BODY;
			if (xmlio_ld_attr(ld, c, "code", lv->code,
				sizeof(lv->code)) != 1) {
				xmlio_ld_err(ld, c, "<body> needs a code");
				return -1;
			}
			if (tier_of(r, lv->code) == TIER_NONE) {
				xmlio_ld_err(
				    ld, c, "body %s is not declared", lv->code);
				return -1;
			}
		} else {
			xmlio_ld_err(ld, c, "unexpected <%s>", c->name);
			return -1;
		}
		if (read_clause(
			ld, c, service, lv->clause, sizeof(lv->clause)) == -1)
			return -1;
		cr->n++;
	}
	if (!court || cr->n == 0) {
		xmlio_ld_err(ld, chain,
		    "service %d: a chain needs a level and a "
		    "<court>",
		    service);
		return -1;
	}
	return 0;
}

static int
read_intake(
    struct xmlio_ld *ld, int service, struct service_rule *s, xmlNodePtr list)
{
	struct requirement *q;
	char what[32];
	size_t i;

	for (xmlNodePtr c = list->children; c != NULL; c = c->next) {
		if (!xmlio_is_elem(c, "require"))
			continue;
		if (s->nintake == ROUTING_INTAKE_MAX) {
			xmlio_ld_err(ld, c, "more than %d requirements",
			    ROUTING_INTAKE_MAX);
			return -1;
		}
		q = &s->intake[s->nintake];
		if (xmlio_ld_attr(ld, c, "what", what, sizeof(what)) != 1) {
			xmlio_ld_err(ld, c, "<require> needs what");
			return -1;
		}
		for (i = 0; i < NELEM(requirement_names); i++)
			if (strcmp(requirement_names[i], what) == 0)
				break;
		if (i == NELEM(requirement_names)) {
			xmlio_ld_err(ld, c, "unknown requirement %s", what);
			return -1;
		}
		q->what = (int)i;
		if (read_clause(ld, c, service, q->clause, sizeof(q->clause)) ==
		    -1)
			return -1;
		s->nintake++;
	}
	return 0;
}

static int
read_service(struct xmlio_ld *ld, struct routing *r, xmlNodePtr n)
{
	struct service_rule *s;
	char num[8];
	long long v;

	if (xmlio_ld_attr(ld, n, "number", num, sizeof(num)) != 1 ||
	    parse_ll(num, 1, ROUTING_NSERVICES, &v) == -1) {
		xmlio_ld_err(
		    ld, n, "<service> number must be 1..%d", ROUTING_NSERVICES);
		return -1;
	}
	s = &r->svc[v];
	if (s->present) {
		xmlio_ld_err(ld, n, "service %lld appears twice", v);
		return -1;
	}
	s->present = 1;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next) {
		if (xmlio_is_elem(c, "channels")) {
			if (read_channels(ld, s, c) == -1)
				return -1;
		} else if (xmlio_is_elem(c, "answers")) {
			if (read_answers(ld, s, c) == -1)
				return -1;
		} else if (xmlio_is_elem(c, "chain")) {
			if (read_chain(ld, r, (int)v, s, c) == -1)
				return -1;
		} else if (xmlio_is_elem(c, "intake")) {
			if (read_intake(ld, (int)v, s, c) == -1)
				return -1;
		}
	}
	if (s->channels == 0 || s->answers == 0 ||
	    !s->chain[ROUTING_GROUND_GENERAL].present) {
		xmlio_ld_err(ld, n,
		    "service %lld needs channels, answers and a "
		    "general chain",
		    v);
		return -1;
	}
	return 0;
}

static int
read_routing(struct xmlio_ld *ld, struct routing *r, xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int i;

	if (xmlio_ld_attr(
		ld, root, "version", r->version, sizeof(r->version)) != 1) {
		xmlio_ld_err(ld, root, "<routing> needs a version");
		return -1;
	}
	for (xmlNodePtr c = root->children; c != NULL; c = c->next) {
		if (xmlio_is_elem(c, "bodies")) {
			if (read_bodies(ld, r, c) == -1)
				return -1;
		} else if (xmlio_is_elem(c, "service")) {
			if (read_service(ld, r, c) == -1)
				return -1;
		}
	}
	for (i = 1; i <= ROUTING_NSERVICES; i++)
		if (!r->svc[i].present) {
			xmlio_ld_err(ld, NULL, "service %d has no rule", i);
			return -1;
		}
	/* Successors are declared, of the same tier, and never loop. */
	for (i = 0; i < r->nbodies; i++) {
		const struct body_decl *b = &r->bodies[i], *n;
		int steps = 0;

		for (n = b; n->successor[0] != '\0'; steps++) {
			const struct body_decl *next = body_find(
			    r, n->successor);

			if (next == NULL || next->tier != n->tier ||
			    steps >= r->nbodies) {
				xmlio_ld_err(ld, NULL,
				    "body %s: successor %s is not "
				    "a declared body of the same tier, or "
				    "successors loop",
				    n->code, n->successor);
				return -1;
			}
			n = next;
		}
	}
	return 0;
}

struct routing *
routing_load(
    const char *routing_xml, const char *schema_dir, char *err, size_t errlen)
{
	struct xmlio_schemas *set = NULL;
	struct routing *r = NULL, *ret = NULL;
	struct xmlio_ld ld = { "routing", routing_xml, err, errlen };
	xmlDocPtr doc = NULL;

	if (errlen > 0)
		err[0] = '\0';
	if (routing_xml == NULL || schema_dir == NULL) {
		snprintf(err, errlen, "routing: a file or folder is not named");
		goto out;
	}
	if ((set = xmlio_schemas_load(schema_dir, err, errlen)) == NULL)
		goto out;
	if (!xmlio_schemas_has(set, "routing")) {
		snprintf(err, errlen, "routing: %s/routing.xsd is missing",
		    schema_dir);
		goto out;
	}
	if ((doc = xmlio_ld_doc(&ld, set, "routing", ROUTING_FILE_MAX)) == NULL)
		goto out;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		xmlio_ld_err(&ld, NULL, "out of memory");
		goto out;
	}
	if (read_routing(&ld, r, doc) == -1)
		goto out;
	ret = r;
	r = NULL;
out:
	free(r);
	xmlFreeDoc(doc);
	xmlio_schemas_free(set);
	return ret;
}

void
routing_free(struct routing *r)
{
	free(r);
}

const char *
routing_version(const struct routing *r)
{
	return r->version;
}

const char *
routing_strerror(int e)
{
	switch (e) {
	case ROUTING_OK:
		return "no error";
	case ROUTING_EINVAL:
		return "invalid argument";
	case ROUTING_ESERVICE:
		return "no such service";
	case ROUTING_EINSTITUTION:
		return "the institution receives complaints about this "
		       "service, and none was named";
	case ROUTING_EPARENT:
		return "the parent body is not a district education office "
		       "or the city education department";
	case ROUTING_ETOOLONG:
		return "institution code too long";
	}
	return "unknown routing error";
}

/* Every district office and the city department may hold level. */
static void
set_holders(const struct routing *r, struct routing_chain *c, int level)
{
	c->holder_level = level;
	c->nholders = 0;
	for (int i = 0; i < r->nbodies; i++) {
		if (r->bodies[i].tier != TIER_DISTRICT &&
		    r->bodies[i].tier != TIER_CITY)
			continue;
		if (c->nholders == ROUTING_MAX_HOLDERS)
			break; /* cannot happen: capped at load */
		(void)strlcpy_chk(c->holder[c->nholders], r->bodies[i].code,
		    sizeof(c->holder[0]));
		c->nholders++;
	}
}

const char *
routing_body_at(const struct routing *r, const char *code, struct date on)
{
	const struct body_decl *b;
	int steps = 0;

	if (r == NULL || code == NULL)
		return code;
	if (on.y == 0 || (b = body_find(r, code)) == NULL)
		return code;
	/* Acyclic: checked at load. */
	while (b->successor[0] != '\0' && b->until.y != 0 &&
	    date_cmp(on, b->until) > 0 && steps++ < r->nbodies) {
		const struct body_decl *n = body_find(r, b->successor);

		if (n == NULL)
			break;
		b = n;
	}
	return b->code;
}

int
routing_body_valid(const struct routing *r, const char *code, struct date on)
{
	const struct body_decl *b;

	if (r == NULL || code == NULL || (b = body_find(r, code)) == NULL)
		return 1; /* institutions: the directory's business */
	if (b->from.y != 0 && date_cmp(on, b->from) < 0)
		return 0;
	if (b->until.y != 0 && date_cmp(on, b->until) > 0)
		return 0;
	return 1;
}

const char *
routing_level(const struct routing *r, const char *code)
{
	if (r == NULL || code == NULL)
		return NULL;
	return tier_names[tier_of(r, code)];
}

int
routing_intake(const struct routing *r, int service,
    struct routing_requirement *out, int max)
{
	const struct service_rule *s;
	int n = 0;

	if (r == NULL || service < 1 || service > ROUTING_NSERVICES)
		return 0;
	s = &r->svc[service];
	for (int i = 0; i < s->nintake && n < max; i++, n++) {
		out[n].what = requirement_names[s->intake[i].what];
		(void)strlcpy_chk(
		    out[n].clause, s->intake[i].clause, sizeof(out[n].clause));
	}
	return n;
}

int
routing_chain_ground(const struct routing *r, int service,
    enum routing_ground ground, const char *institution, const char *parent,
    struct routing_chain *out)
{
	struct date none = { 0, 0, 0 };

	return routing_chain_at(
	    r, service, ground, none, institution, parent, out);
}

int
routing_chain_at(const struct routing *r, int service,
    enum routing_ground ground, struct date on, const char *institution,
    const char *parent, struct routing_chain *out)
{
	const struct chain_rule *cr;
	const struct level *lv;
	struct routing_chain c;
	const char *code;
	enum tier t;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (r == NULL || out == NULL ||
	    (ground != ROUTING_GROUND_GENERAL &&
		ground != ROUTING_GROUND_QUALITY))
		return ROUTING_EINVAL;
	if (service < 1 || service > ROUTING_NSERVICES)
		return ROUTING_ESERVICE;
	if (institution != NULL && institution[0] == '\0')
		institution = NULL;
	if (parent != NULL && parent[0] == '\0')
		parent = NULL;
	if (institution != NULL && strlen(institution) >= ROUTING_CODE_MAX)
		return ROUTING_ETOOLONG;
	if (parent != NULL) {
		t = tier_of(r, parent);
		if (t != TIER_DISTRICT && t != TIER_CITY)
			return ROUTING_EPARENT;
	}
	cr = &r->svc[service].chain[ground];
	if (!cr->present)
		cr = &r->svc[service].chain[ROUTING_GROUND_GENERAL];

	memset(&c, 0, sizeof(c));
	c.holder_level = -1;
	for (int i = 0; i < cr->n; i++) {
		lv = &cr->lv[i];
		switch (lv->kind) {
		case ROUTING_KIND_INSTITUTION:
			code = institution;
			break;
		case ROUTING_KIND_PARENT_BODY:
			code = parent != NULL ? parent : lv->code;
			break;
		default:
			code = lv->code;
			break;
		}
		if (code == NULL)
			continue; /* no institution: the next level */
		code = routing_body_at(r, code, on);
		/* A city-level institution's parent is already above. */
		if (c.n > 0 && strcmp(c.body[c.n - 1], code) == 0)
			continue;
		/* Both fit: checked above and at load. */
		(void)strlcpy_chk(c.body[c.n], code, sizeof(c.body[c.n]));
		(void)strlcpy_chk(
		    c.clause[c.n], lv->clause, sizeof(c.clause[c.n]));
		c.kind[c.n] = lv->kind;
		if (lv->kind == ROUTING_KIND_PARENT_BODY)
			set_holders(r, &c, c.n);
		c.n++;
	}
	if (c.n == 0)
		return ROUTING_EINSTITUTION;
	(void)strlcpy_chk(
	    c.court_clause, cr->court_clause, sizeof(c.court_clause));
	*out = c;
	return ROUTING_OK;
}

int
routing_chain(const struct routing *r, int service, const char *institution,
    const char *parent, struct routing_chain *out)
{
	return routing_chain_ground(
	    r, service, ROUTING_GROUND_GENERAL, institution, parent, out);
}

int
routing_channel_allowed(
    const struct routing *r, int service, const char *channel)
{
	if (r == NULL || channel == NULL || service < 1 ||
	    service > ROUTING_NSERVICES)
		return 0;
	for (size_t i = 0; i < NELEM(channel_tab); i++)
		if (strcmp(channel_tab[i].name, channel) == 0)
			return (r->svc[service].channels &
				   channel_tab[i].bit) != 0;
	return 0;
}

int
routing_answer_channel_allowed(
    const struct routing *r, int service, const char *channel)
{
	if (r == NULL || channel == NULL || service < 1 ||
	    service > ROUTING_NSERVICES)
		return 0;
	for (size_t i = 0; i < NELEM(answer_tab); i++)
		if (strcmp(answer_tab[i].name, channel) == 0)
			return (r->svc[service].answers & answer_tab[i].bit) !=
			    0;
	return 0;
}

int
routing_level_of(const struct routing_chain *c, const char *body)
{
	if (c == NULL || body == NULL)
		return -1;
	for (int i = 0; i < c->n && i < ROUTING_MAX_LEVELS; i++)
		if (strcmp(c->body[i], body) == 0)
			return i;
	if (c->holder_level < 0 || c->holder_level >= c->n)
		return -1;
	for (int i = 0; i < c->nholders && i < ROUTING_MAX_HOLDERS; i++)
		if (strcmp(c->holder[i], body) == 0)
			return c->holder_level;
	return -1;
}

const char *
routing_next(const struct routing_chain *c, const char *body)
{
	int i;

	if ((i = routing_level_of(c, body)) == -1 || i + 1 >= c->n ||
	    i + 1 >= ROUTING_MAX_LEVELS)
		return NULL;
	return c->body[i + 1];
}

int
routing_may_move(const struct routing *r, const struct routing_chain *c,
    const char *from, const char *to)
{
	enum tier tf, tt;
	int i;

	if (r == NULL || to == NULL || (i = routing_level_of(c, from)) == -1)
		return 0;
	if (c->kind[i] != ROUTING_KIND_PARENT_BODY || strcmp(from, to) == 0)
		return 0;
	tf = tier_of(r, from);
	tt = tier_of(r, to);
	if (tt != TIER_DISTRICT && tt != TIER_CITY)
		return 0;
	return tt >= tf;
}
