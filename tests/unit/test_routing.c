/*
 * Unit tests: routing (the chain of every service with an institution in
 * a district, a city-level institution and none; channels; next level
 * and court; moves; malformed rules files).  Run from the top of the
 * tree: the data files are read from schemas/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "routing/routing.h"
#include "util/util.h"
#include "xmlio/xmlio.h"

#define ROUTING_XML "schemas/data/routing.xml"
#define SCHEMAS	    "schemas"
#define TEXT_MAX    (256 * 1024)

static struct routing *rt;
static char tmpdir[64];
static char badpath[128];
static char *good; /* the text of routing.xml */

/* Institutions as the importer names them. */
#define SCHOOL	 "school-14"	  /* Almaly district */
#define SPECIAL	 "special-9"	  /* city department's */
#define COLLEGE	 "tvet-5-college" /* city department's */
#define DISTRICT "almaty-almaly"
#define CITY	 "almaty-edu"

static char *
slurp(const char *path)
{
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b, TEXT_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) == -1) {
			buf_free(&b);
			fclose(f);
			return NULL;
		}
	fclose(f);
	return buf_release(&b, NULL);
}

static int
setup(void **state)
{
	char err[512];

	(void)state;
	xmlio_init();
	rt = routing_load(ROUTING_XML, SCHEMAS, err, sizeof(err));
	if (rt == NULL) {
		fprintf(stderr, "routing_load: %s\n", err);
		return -1;
	}
	if ((good = slurp(ROUTING_XML)) == NULL)
		return -1;
	(void)strlcpy_chk(tmpdir, "/tmp/test_routing.XXXXXX", sizeof(tmpdir));
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(badpath, sizeof(badpath), "%s/routing.xml", tmpdir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	routing_free(rt);
	rt = NULL;
	free(good);
	good = NULL;
	(void)unlink(badpath);
	if (rmdir(tmpdir) == -1)
		return -1;
	xmlio_cleanup();
	return 0;
}

/* "a > b" for the bodies of a chain, or the error's number. */
static const char *
route_g(
    int service, enum routing_ground g, const char *inst, const char *parent)
{
	static char out[256];
	struct routing_chain c;
	int rc;

	if ((rc = routing_chain_ground(rt, service, g, inst, parent, &c)) !=
	    ROUTING_OK) {
		snprintf(out, sizeof(out), "error %d", rc);
		return out;
	}
	out[0] = '\0';
	for (int i = 0, len = 0; i < c.n; i++)
		len += snprintf(out + len, sizeof(out) - (size_t)len, "%s%s",
		    i > 0 ? " > " : "", c.body[i]);
	return out;
}

static const char *
route(int service, const char *inst, const char *parent)
{
	return route_g(service, ROUTING_GROUND_GENERAL, inst, parent);
}

static void
every_service(void **state)
{
	static const struct {
		int service;
		const char *inst, *parent, *want;
	} t[] = {
		/* 1: authorised body of appendix 2, then the ministry. */
		{ 1, SCHOOL, DISTRICT, "almaty-almaly > mes" },
		{ 1, SPECIAL, CITY, "almaty-edu > mes" },
		{ 1, NULL, NULL, "almaty-edu > mes" },
		/* 2: district office, then the higher body. */
		{ 2, SCHOOL, DISTRICT, "almaty-almaly > almaty-edu" },
		{ 2, SPECIAL, CITY, "almaty-edu" },
		{ 2, NULL, NULL, "almaty-edu" },
		{ 3, "preschool-1", DISTRICT, "almaty-almaly" },
		{ 3, SPECIAL, CITY, "almaty-edu" },
		{ 3, NULL, NULL, "almaty-edu" },
		{ 4, SCHOOL, DISTRICT, "almaty-almaly" },
		{ 4, SPECIAL, CITY, "almaty-edu" },
		{ 4, NULL, NULL, "almaty-edu" },
		{ 5, SCHOOL, DISTRICT, "almaty-almaly > mes" },
		{ 5, SPECIAL, CITY, "almaty-edu > mes" },
		{ 5, NULL, NULL, "almaty-edu > mes" },
		{ 6, SCHOOL, DISTRICT, "almaty-almaly" },
		{ 6, SPECIAL, CITY, "almaty-edu" },
		{ 6, NULL, NULL, "almaty-edu" },
		{ 7, SCHOOL, DISTRICT, "almaty-almaly" },
		{ 7, SPECIAL, CITY, "almaty-edu" },
		{ 7, NULL, NULL, "almaty-edu" },
		/* 8: the institution, then the city department. */
		{ 8, "tvet-x", DISTRICT, "tvet-x > almaty-edu" },
		{ 8, COLLEGE, CITY, "tvet-5-college > almaty-edu" },
		{ 8, NULL, NULL, "almaty-edu" },
		/* 9: the head of the institution only. */
		{ 9, "tvet-x", DISTRICT, "tvet-x" },
		{ 9, COLLEGE, CITY, "tvet-5-college" },
		{ 9, NULL, NULL, "error -3" },
		/* 10: the institution, then its parent body. */
		{ 10, SCHOOL, DISTRICT, "school-14 > almaty-almaly" },
		{ 10, COLLEGE, CITY, "tvet-5-college > almaty-edu" },
		{ 10, NULL, NULL, "almaty-edu" },
		{ 11, SCHOOL, DISTRICT, "almaty-almaly" },
		{ 11, SPECIAL, CITY, "almaty-edu" },
		{ 11, NULL, NULL, "almaty-edu" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *got = route(t[i].service, t[i].inst, t[i].parent);

		if (strcmp(got, t[i].want) != 0)
			fail_msg("service %d, %s/%s: got \"%s\", want \"%s\"",
			    t[i].service, t[i].inst ? t[i].inst : "-",
			    t[i].parent ? t[i].parent : "-", got, t[i].want);
	}
}

static void
parent_without_institution(void **state)
{
	(void)state;
	/* The caller may know the district but not the institution. */
	assert_string_equal(route(3, NULL, "almaty-medeu"), "almaty-medeu");
	assert_string_equal(
	    route(10, NULL, "almaty-turksib"), "almaty-turksib");
	/* Empty strings count as not known. */
	assert_string_equal(route(11, "", ""), "almaty-edu");
	assert_string_equal(route(9, "", DISTRICT), "error -3");
}

static void
clauses(void **state)
{
	static const struct {
		int service;
		const char *first, *court;
	} t[] = {
		{ 1, "Регламент 1, 17-тармақ", "Регламент 1, 20-тармақ" },
		{ 2, "Регламент 2, 18-тармақ", "Регламент 2, 19-тармақ" },
		{ 3, "Регламент 3, 19-тармақ", "Регламент 3, 21-тармақ" },
		{ 4, "Регламент 4, 18-тармақ", "Регламент 4, 19-тармақ" },
		{ 5, "Регламент 5, 30-тармақ", "Регламент 5, 32-тармақ" },
		{ 6, "Регламент 6, 17-тармақ", "Регламент 6, 19-тармақ" },
		{ 7, "Регламент 7, 17-тармақ", "Регламент 7, 19-тармақ" },
		{ 8, "Регламент 8, 16-тармақ", "Регламент 8, 18-тармақ" },
		{ 9, "Регламент 9, 21-тармақ", "Регламент 9, 22-тармақ" },
		{ 10, "Регламент 10, 21-тармақ", "Регламент 10, 20-тармақ" },
		{ 11, "Регламент 11, 17-тармақ", "Регламент 11, 18-тармақ" },
	};
	struct routing_chain c;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(
		    routing_chain(rt, t[i].service, "inst-1", DISTRICT, &c),
		    ROUTING_OK);
		assert_string_equal(c.clause[0], t[i].first);
		assert_string_equal(c.court_clause, t[i].court);
	}
	assert_int_equal(
	    routing_chain(rt, 1, SCHOOL, DISTRICT, &c), ROUTING_OK);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.clause[1], "Регламент 1, 19-тармақ");
	assert_int_equal(c.kind[0], ROUTING_KIND_PARENT_BODY);
	assert_int_equal(c.kind[1], ROUTING_KIND_BODY);
	assert_int_equal(routing_chain(rt, 8, COLLEGE, CITY, &c), ROUTING_OK);
	assert_int_equal(c.kind[0], ROUTING_KIND_INSTITUTION);
	assert_string_equal(c.clause[1], "Регламент 8, 17-тармақ");
	assert_int_equal(
	    routing_chain(rt, 10, SCHOOL, DISTRICT, &c), ROUTING_OK);
	assert_string_equal(c.clause[1], "Регламент 10, 19-тармақ");
}

static void
quality_ground(void **state)
{
	struct routing_chain c;

	(void)state;
	/* Service 5: to the head of the city department (clause 31). */
	assert_string_equal(
	    route_g(5, ROUTING_GROUND_QUALITY, SCHOOL, DISTRICT),
	    "almaty-edu > mes");
	assert_int_equal(
	    routing_chain_ground(rt, 5, ROUTING_GROUND_QUALITY, NULL, NULL, &c),
	    ROUTING_OK);
	assert_string_equal(c.clause[0], "Регламент 5, 31-тармақ");
	assert_string_equal(c.court_clause, "Регламент 5, 32-тармақ");
	/* Without a chain of its own, the general one. */
	assert_string_equal(
	    route_g(1, ROUTING_GROUND_QUALITY, SCHOOL, DISTRICT),
	    "almaty-almaly > mes");
	assert_string_equal(route_g(9, ROUTING_GROUND_QUALITY, COLLEGE, CITY),
	    "tvet-5-college");
	assert_int_equal(
	    routing_chain_ground(rt, 5, (enum routing_ground)7, NULL, NULL, &c),
	    ROUTING_EINVAL);
}

/* "a > b" for the chain resolved on a day. */
static const char *
route_on(int service, enum routing_ground g, const char *day, const char *inst,
    const char *parent)
{
	static char out[256];
	struct routing_chain c;
	struct date d;

	if (date_parse(day, &d) == -1)
		fail_msg("bad date in test: %s", day);
	if (routing_chain_at(rt, service, g, d, inst, parent, &c) != ROUTING_OK)
		return "error";
	out[0] = '\0';
	for (int i = 0, len = 0; i < c.n; i++)
		len += snprintf(out + len, sizeof(out) - (size_t)len, "%s%s",
		    i > 0 ? " > " : "", c.body[i]);
	return out;
}

static void
bodies_over_time(void **state)
{
	struct date d;

	(void)state;
	/* The ministry of the regulations until its division in 2022. */
	assert_string_equal(
	    route_on(5, ROUTING_GROUND_GENERAL, "2013-05-06", SCHOOL, DISTRICT),
	    "almaty-almaly > mes");
	assert_string_equal(
	    route_on(5, ROUTING_GROUND_GENERAL, "2022-06-10", SCHOOL, DISTRICT),
	    "almaty-almaly > mes");
	assert_string_equal(
	    route_on(5, ROUTING_GROUND_GENERAL, "2022-06-11", SCHOOL, DISTRICT),
	    "almaty-almaly > mop");
	assert_string_equal(
	    route_on(1, ROUTING_GROUND_GENERAL, "2026-12-07", NULL, NULL),
	    "almaty-edu > mop");
	/* A quality complaint under service 5: the city department's head,
	   then the ministry of the day. */
	assert_string_equal(
	    route_on(5, ROUTING_GROUND_QUALITY, "2026-12-07", SCHOOL, DISTRICT),
	    "almaty-edu > mop");
	/* No day: as the regulations name them. */
	assert_string_equal(route(5, SCHOOL, DISTRICT), "almaty-almaly > mes");
	(void)date_parse("2026-12-07", &d);
	assert_string_equal(routing_body_at(rt, "mes", d), "mop");
	assert_string_equal(routing_body_at(rt, "mop", d), "mop");
	assert_string_equal(routing_body_at(rt, SCHOOL, d), SCHOOL);
	assert_false(routing_body_valid(rt, "mes", d));
	assert_true(routing_body_valid(rt, "mop", d));
	(void)date_parse("2013-05-06", &d);
	assert_true(routing_body_valid(rt, "mes", d));
	assert_false(routing_body_valid(rt, "mop", d));
	/* Levels, for the choice of deadline rule set. */
	assert_string_equal(routing_level(rt, SCHOOL), "institution");
	assert_string_equal(routing_level(rt, DISTRICT), "district");
	assert_string_equal(routing_level(rt, CITY), "city");
	assert_string_equal(routing_level(rt, "mop"), "ministry");
	assert_null(routing_level(rt, NULL));
}

static void
quality_chains(void **state)
{
	struct routing_chain c;

	(void)state;
	/* Services 2 and 4, clause 18: quality of service, rudeness. */
	assert_int_equal(routing_chain_ground(rt, 2, ROUTING_GROUND_QUALITY,
			     SCHOOL, DISTRICT, &c),
	    ROUTING_OK);
	assert_string_equal(c.body[0], DISTRICT);
	assert_string_equal(c.clause[0], "Регламент 2, 18-тармақ");
	assert_int_equal(routing_chain_ground(rt, 4, ROUTING_GROUND_QUALITY,
			     SCHOOL, DISTRICT, &c),
	    ROUTING_OK);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.clause[0], "Регламент 4, 18-тармақ");
	assert_string_equal(c.court_clause, "Регламент 4, 19-тармақ");
}

static void
intake(void **state)
{
	struct routing_requirement q[ROUTING_INTAKE_MAX];
	int n;

	(void)state;
	/* Written from the seed's clauses, not from the data file. */
	assert_int_equal(routing_intake(rt, 3, q, ROUTING_INTAKE_MAX), 1);
	assert_string_equal(q[0].what, "identity-document");
	assert_string_equal(q[0].clause, "Регламент 3, 22-тармақ");
	for (int s = 1; s <= 6; s += 5) {
		assert_int_equal(
		    routing_intake(rt, s, q, ROUTING_INTAKE_MAX), 1);
		assert_string_equal(q[0].what, "legal-representative");
	}
	assert_int_equal(routing_intake(rt, 11, q, ROUTING_INTAKE_MAX), 2);
	assert_string_equal(q[0].what, "service-documents");
	assert_string_equal(q[0].clause, "Регламент 11, 17-тармақ");
	assert_string_equal(q[1].what, "handwritten");
	assert_string_equal(q[1].clause, "Регламент 11, 19-тармақ");
	n = routing_intake(rt, 4, q, ROUTING_INTAKE_MAX);
	assert_int_equal(n, 6);
	assert_string_equal(q[0].what, "full-name");
	assert_string_equal(q[5].what, "reasons-and-demands");
	assert_string_equal(q[3].clause, "Регламент 4, 20-тармақ");
	/* Handwritten: 2 (cl. 20), 9 (cl. 23), 10 (cl. 21). */
	assert_int_equal(routing_intake(rt, 2, q, ROUTING_INTAKE_MAX), 1);
	assert_string_equal(q[0].clause, "Регламент 2, 20-тармақ");
	assert_int_equal(routing_intake(rt, 9, q, ROUTING_INTAKE_MAX), 1);
	assert_string_equal(q[0].clause, "Регламент 9, 23-тармақ");
	assert_int_equal(routing_intake(rt, 10, q, ROUTING_INTAKE_MAX), 1);
	assert_string_equal(q[0].clause, "Регламент 10, 21-тармақ");
	/* None listed; an unknown service; the cap. */
	assert_int_equal(routing_intake(rt, 5, q, ROUTING_INTAKE_MAX), 0);
	assert_int_equal(routing_intake(rt, 12, q, ROUTING_INTAKE_MAX), 0);
	assert_int_equal(routing_intake(rt, 4, q, 2), 2);
}

static void
bad_arguments(void **state)
{
	char longcode[64];
	struct routing_chain c;

	(void)state;
	memset(longcode, 'x', sizeof(longcode) - 1);
	longcode[sizeof(longcode) - 1] = '\0';
	assert_int_equal(
	    routing_chain(rt, 0, NULL, NULL, &c), ROUTING_ESERVICE);
	assert_int_equal(
	    routing_chain(rt, 12, NULL, NULL, &c), ROUTING_ESERVICE);
	assert_int_equal(c.n, 0);
	assert_int_equal(
	    routing_chain(rt, 1, SCHOOL, "mes", &c), ROUTING_EPARENT);
	assert_int_equal(
	    routing_chain(rt, 1, SCHOOL, "nowhere", &c), ROUTING_EPARENT);
	assert_int_equal(
	    routing_chain(rt, 9, longcode, NULL, &c), ROUTING_ETOOLONG);
	assert_int_equal(
	    routing_chain(rt, 1, NULL, NULL, NULL), ROUTING_EINVAL);
	assert_int_equal(
	    routing_chain(NULL, 1, NULL, NULL, &c), ROUTING_EINVAL);
	for (int e = ROUTING_ETOOLONG; e <= ROUTING_OK; e++)
		assert_non_null(routing_strerror(e));
	assert_string_equal(routing_strerror(-99), "unknown routing error");
	assert_string_equal(routing_version(rt), "2012-4-1097.2");
}

static void
channels(void **state)
{
	static const char *names[] = { "post", "in-person", "electronic",
		"phone", "oral" };
	/* Bits in the order of names[], from the table. */
	static const unsigned want[ROUTING_NSERVICES + 1] = {
		0, 0x03, /* 1 post, in person */
		0x07,	 /* 2 post, electronic, in person */
		0x02,	 /* 3 in person */
		0x07,	 /* 4 */
		0x03,	 /* 5 */
		0x03,	 /* 6 */
		0x03,	 /* 7 */
		0x1b,	 /* 8 oral, phone, post, in person */
		0x1b,	 /* 9 */
		0x1b,	 /* 10 */
		0x07,	 /* 11 post, electronic, in person */
	};

	(void)state;
	for (int s = 1; s <= ROUTING_NSERVICES; s++)
		for (int i = 0; i < 5; i++) {
			int w = (want[s] >> i) & 1;

			if (routing_channel_allowed(rt, s, names[i]) != w)
				fail_msg("service %d channel %s: want %d", s,
				    names[i], w);
		}
	assert_int_equal(routing_channel_allowed(rt, 1, "fax"), 0);
	assert_int_equal(routing_channel_allowed(rt, 0, "post"), 0);
	assert_int_equal(routing_channel_allowed(rt, 12, "post"), 0);
	assert_int_equal(routing_channel_allowed(rt, 1, NULL), 0);
}

static void
answers(void **state)
{
	(void)state;
	for (int s = 1; s <= ROUTING_NSERVICES; s++) {
		assert_true(routing_answer_channel_allowed(rt, s, "post"));
		assert_int_equal(
		    routing_answer_channel_allowed(rt, s, "email"), s == 11);
	}
	assert_false(routing_answer_channel_allowed(rt, 11, "phone"));
	assert_false(routing_answer_channel_allowed(rt, 0, "post"));
	assert_false(routing_answer_channel_allowed(rt, 11, NULL));
}

static void
next_and_court(void **state)
{
	struct routing_chain c;

	(void)state;
	assert_int_equal(
	    routing_chain(rt, 1, SCHOOL, DISTRICT, &c), ROUTING_OK);
	assert_int_equal(routing_level_of(&c, DISTRICT), 0);
	assert_int_equal(routing_level_of(&c, "mes"), 1);
	assert_string_equal(routing_next(&c, DISTRICT), "mes");
	/* The ministry is the last body: next is the court. */
	assert_null(routing_next(&c, "mes"));
	assert_null(routing_next(&c, NULL));
	assert_int_equal(routing_level_of(&c, "nowhere"), -1);
	assert_null(routing_next(&c, "nowhere"));
	assert_int_equal(routing_level_of(NULL, DISTRICT), -1);
	/* Moved by a registrar: held at the parent-body level. */
	assert_int_equal(c.holder_level, 0);
	assert_int_equal(c.nholders, 8);
	assert_int_equal(routing_level_of(&c, CITY), 0);
	assert_string_equal(routing_next(&c, CITY), "mes");
	assert_int_equal(routing_level_of(&c, "almaty-medeu"), 0);
	assert_string_equal(routing_next(&c, "almaty-medeu"), "mes");

	/* Service 2: the city department is a level of its own. */
	assert_int_equal(
	    routing_chain(rt, 2, SCHOOL, DISTRICT, &c), ROUTING_OK);
	assert_int_equal(routing_level_of(&c, "almaty-medeu"), 0);
	assert_string_equal(routing_next(&c, "almaty-medeu"), CITY);
	assert_int_equal(routing_level_of(&c, CITY), 1);
	assert_null(routing_next(&c, CITY));

	/* Service 10: the institution, then its parent, then court. */
	assert_int_equal(
	    routing_chain(rt, 10, SCHOOL, DISTRICT, &c), ROUTING_OK);
	assert_string_equal(routing_next(&c, SCHOOL), DISTRICT);
	assert_int_equal(routing_level_of(&c, CITY), 1);
	assert_null(routing_next(&c, CITY));

	assert_int_equal(routing_chain(rt, 8, COLLEGE, CITY, &c), ROUTING_OK);
	assert_string_equal(routing_next(&c, COLLEGE), CITY);
	assert_null(routing_next(&c, CITY));

	/* Service 9: the head decides; then only the court. */
	assert_int_equal(routing_chain(rt, 9, COLLEGE, CITY, &c), ROUTING_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.holder_level, -1);
	assert_int_equal(routing_level_of(&c, CITY), -1);
	assert_int_equal(routing_level_of(&c, COLLEGE), 0);
	assert_null(routing_next(&c, COLLEGE));
	assert_string_equal(c.court_clause, "Регламент 9, 22-тармақ");

	/* Service 3 in a district: one level, then the court. */
	assert_int_equal(
	    routing_chain(rt, 3, "preschool-1", DISTRICT, &c), ROUTING_OK);
	assert_int_equal(c.n, 1);
	assert_null(routing_next(&c, DISTRICT));
}

static void
moves(void **state)
{
	struct routing_chain c;

	(void)state;
	assert_int_equal(
	    routing_chain(rt, 1, SCHOOL, DISTRICT, &c), ROUTING_OK);
	assert_true(routing_may_move(rt, &c, DISTRICT, CITY));
	assert_true(routing_may_move(rt, &c, DISTRICT, "almaty-medeu"));
	assert_false(routing_may_move(rt, &c, DISTRICT, DISTRICT));
	assert_false(routing_may_move(rt, &c, DISTRICT, "mes"));
	assert_false(routing_may_move(rt, &c, DISTRICT, "nowhere"));
	assert_false(routing_may_move(rt, &c, "mes", CITY));
	assert_false(routing_may_move(rt, &c, CITY, DISTRICT));
	/* Moved once, again: from a district office it had been moved to. */
	assert_true(routing_may_move(rt, &c, "almaty-medeu", CITY));

	assert_int_equal(routing_chain(rt, 1, SPECIAL, CITY, &c), ROUTING_OK);
	assert_false(routing_may_move(rt, &c, CITY, DISTRICT));

	/* A named institution or body keeps what it receives. */
	assert_int_equal(routing_chain(rt, 8, COLLEGE, CITY, &c), ROUTING_OK);
	assert_false(routing_may_move(rt, &c, COLLEGE, CITY));
	assert_false(routing_may_move(rt, &c, CITY, DISTRICT));
	assert_int_equal(routing_chain_ground(rt, 5, ROUTING_GROUND_QUALITY,
			     SCHOOL, DISTRICT, &c),
	    ROUTING_OK);
	assert_false(routing_may_move(rt, &c, CITY, "almaty-medeu"));
}

/* Writes text to the scratch file and loads it; err gets the message. */
static struct routing *
load_text(const char *text, char *err, size_t errlen)
{
	FILE *f;

	if ((f = fopen(badpath, "wb")) == NULL)
		fail_msg("cannot write %s", badpath);
	fputs(text, f);
	fclose(f);
	return routing_load(badpath, SCHEMAS, err, errlen);
}

/* The good file with the first "from" replaced by "to".  Caller frees. */
static char *
edit(const char *from, const char *to)
{
	const char *p = strstr(good, from);
	struct buf b;

	if (p == NULL)
		fail_msg("not in routing.xml: %s", from);
	buf_init(&b, TEXT_MAX);
	if (buf_add(&b, good, (size_t)(p - good)) == -1 ||
	    buf_puts(&b, to) == -1 || buf_puts(&b, p + strlen(from)) == -1)
		fail_msg("edit: out of room");
	return buf_release(&b, NULL);
}

static void
expect_error(const char *text, const char *want)
{
	char err[512];
	struct routing *r;

	r = load_text(text, err, sizeof(err));
	if (r != NULL) {
		routing_free(r);
		fail_msg("loaded, want an error with \"%s\"", want);
	}
	if (strstr(err, want) == NULL)
		fail_msg("error \"%s\" does not say \"%s\"", err, want);
	if (strstr(err, badpath) == NULL)
		fail_msg("error \"%s\" does not name the file", err);
}

static void
expect_edit_error(const char *from, const char *to, const char *want)
{
	char *t = edit(from, to);

	expect_error(t, want);
	free(t);
}

static void
malformed(void **state)
{
	char err[512];
	struct routing *r;

	(void)state;
	/* The good file loads from the scratch path too. */
	r = load_text(good, err, sizeof(err));
	if (r == NULL)
		fail_msg("%s", err);
	routing_free(r);

	expect_error("<routing version=\"1\"><bodies>", "line");
	expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE routing [\n"
		     "<!ENTITY x \"y\">]>\n<routing version=\"1\"/>\n",
	    "DTD");
	expect_error("<rules version=\"1\"/>", "expected a <routing>");
	expect_error("", "line");
	/* Fails the schema: the message names the line. */
	expect_edit_error("<channel type=\"post\" clause=\"18\"/>",
	    "<channel type=\"fax\" clause=\"18\"/>", "line");
	expect_edit_error("<body code=\"mes\" clause=\"19\">",
	    "<body code=\"moe\" clause=\"19\">", "line");
	expect_edit_error(
	    "<service number=\"11\">", "<service number=\"12\">", "line");
	expect_edit_error(
	    "<service number=\"11\">", "<service number=\"10\">", "line");
	/* What the schema cannot say. */
	expect_edit_error(
	    "<service number=\"7\">", "<service number=\"6\">", "line");
	expect_edit_error(
	    "<chain ground=\"quality\">", "<chain>", "two chains");
	expect_edit_error("<answer type=\"email\" clause=\"20\"/>",
	    "<answer type=\"fax\" clause=\"20\"/>", "line");
	expect_edit_error("<body code=\"mes\" clause=\"19\">\n        "
			  "<quote>",
	    "<parent-body default=\"almaty-edu\" clause=\"19\">"
	    "<quote>q</quote></parent-body><body code=\"mes\" "
	    "clause=\"19\"><quote>",
	    "one <parent-body> at most");
	expect_edit_error("<parent-body default=\"almaty-edu\" clause=\"17\" "
			  "appendix=\"2\">",
	    "<parent-body default=\"mes\" clause=\"17\" "
	    "appendix=\"2\">",
	    "not a district office");

	/* Bodies over time. */
	expect_edit_error("successor=\"mop\"", "successor=\"nobody\"", "line");
	expect_edit_error("until=\"2022-06-10\" successor", "successor",
	    "has a successor and no until");
	expect_edit_error("<body code=\"mop\" tier=\"ministry\"",
	    "<body code=\"mop\" tier=\"ministry\" until=\"2030-01-01\" "
	    "successor=\"mes\"",
	    "successors loop");
	expect_edit_error("<body code=\"mop\" tier=\"ministry\"",
	    "<body code=\"mop\" tier=\"city\"", "same tier");
	expect_edit_error("<require what=\"handwritten\" clause=\"20\"/>",
	    "<require what=\"fingerprint\" clause=\"20\"/>", "line");

	/* A file without service 7. */
	{
		const char *a = strstr(good, "<service number=\"7\">");
		const char *b = strstr(good, "<service number=\"8\">");
		struct buf t;

		assert_non_null(a);
		assert_non_null(b);
		buf_init(&t, TEXT_MAX);
		assert_int_equal(buf_add(&t, good, (size_t)(a - good)), 0);
		assert_int_equal(buf_puts(&t, b), 0);
		expect_error(t.data, "service 7 has no rule");
		buf_free(&t);
	}

	/* No such file; no schema folder. */
	assert_null(routing_load(
	    "/nonexistent/routing.xml", SCHEMAS, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open"));
	assert_null(
	    routing_load(ROUTING_XML, "/nonexistent", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent"));
	assert_null(routing_load(NULL, SCHEMAS, err, sizeof(err)));
	routing_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_service),
		cmocka_unit_test(parent_without_institution),
		cmocka_unit_test(clauses),
		cmocka_unit_test(quality_ground),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(bodies_over_time),
		cmocka_unit_test(quality_chains),
		cmocka_unit_test(intake),
		cmocka_unit_test(channels),
		cmocka_unit_test(answers),
		cmocka_unit_test(next_and_court),
		cmocka_unit_test(moves),
		cmocka_unit_test(malformed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
