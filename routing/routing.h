/*
 * routing: who receives a complaint about a service and where an appeal
 * goes next, from the rules in schemas/data/routing.xml (the complaint
 * section, "Шағымдану тәртібі", of each of the eleven regulations).
 *
 * A chain is the bodies that consider a complaint, lowest first; the
 * first one receives it.  The court is never routed to: every chain ends
 * with the clause that tells the applicant of the right to go to court
 * (court_clause), which the caller records.
 *
 * The handle is immutable after routing_load() and may be shared by any
 * number of threads without locking.
 *
 * Return conventions: routing_load() returns NULL and a message in err;
 * routing_chain() and routing_chain_ground() return ROUTING_OK (0) or a
 * negative enum routing_err, named by routing_strerror(); the queries
 * return what their comment says.
 */
#ifndef ROUTING_H
#define ROUTING_H

#include <stddef.h>

#include "util/util.h"

#define ROUTING_NSERVICES  11
#define ROUTING_MAX_LEVELS 4
#define ROUTING_CODE_MAX   40 /* a body or institution code + NUL */
#define ROUTING_CLAUSE_MAX 64 /* "Регламент 11, 17-тармақ" + NUL */
#define ROUTING_MAX_HOLDERS \
	16		      /* bodies that may hold a parent-body
					   level: district offices, city */
#define ROUTING_INTAKE_MAX 16 /* requirements of one service */

struct routing;

enum routing_err {
	ROUTING_OK = 0,
	ROUTING_EINVAL = -1,	   /* NULL handle or chain, bad ground */
	ROUTING_ESERVICE = -2,	   /* service is not 1..11 */
	ROUTING_EINSTITUTION = -3, /* only the institution receives it,
					   and none was named */
	ROUTING_EPARENT = -4,	   /* parent is not a district office or
					   the city department */
	ROUTING_ETOOLONG = -5	   /* institution code too long */
};

/* What a complaint is about; a chain may depend on it (service 5). */
enum routing_ground {
	ROUTING_GROUND_GENERAL = 0, /* actions, inaction, the result */
	ROUTING_GROUND_QUALITY	    /* poor quality of the service */
};

/* What one level of a chain is. */
enum routing_kind {
	ROUTING_KIND_INSTITUTION = 0, /* the institution itself (its head) */
	ROUTING_KIND_PARENT_BODY,     /* the institution's parent body */
	ROUTING_KIND_BODY	      /* a body named by the regulation */
};

struct routing_chain {
	int n; /* levels, first = receiving body */
	char body[ROUTING_MAX_LEVELS][ROUTING_CODE_MAX];
	/* e.g. "Регламент 1, 17-тармақ" */
	char clause[ROUTING_MAX_LEVELS][ROUTING_CLAUSE_MAX];
	enum routing_kind kind[ROUTING_MAX_LEVELS];
	/* where the right to go to court is stated */
	char court_clause[ROUTING_CLAUSE_MAX];
	/*
	 * The level of kind ROUTING_KIND_PARENT_BODY, or -1, and the bodies
	 * that may hold it after a registrar's move (every district office
	 * and the city department): routing_level_of() finds them there.
	 */
	int holder_level;
	int nholders;
	char holder[ROUTING_MAX_HOLDERS][ROUTING_CODE_MAX];
};

/*
 * Reads and validates routing_xml against routing.xsd in schema_dir (no
 * network, no entities, a DTD is refused) and checks that all eleven
 * services are there.  Call xmlio_init() first.  Returns NULL with a
 * message naming the file and the line in err.  Caller frees with
 * routing_free().
 */
struct routing *routing_load(
    const char *routing_xml, const char *schema_dir, char *err, size_t errlen);
/* NULL is a no-op. */
void routing_free(struct routing *);
/* The version attribute of the rules file; valid until routing_free(). */
const char *routing_version(const struct routing *);

/*
 * The chain for a complaint about service (1..11) concerning an
 * institution whose parent body is parent; either may be NULL when not
 * known.  A parent-body level resolves to parent, or to the rule's
 * default (the city department) when parent is NULL.  An institution
 * level is left out when institution is NULL; if nothing is left,
 * ROUTING_EINSTITUTION.  A level that resolves to the same body as the
 * one below it is left out.  Fills *out; returns ROUTING_OK or a
 * negative enum routing_err (then *out is empty).
 */
int
routing_chain_ground(const struct routing *, int service, enum routing_ground,
    const char *institution, const char *parent, struct routing_chain *out);
/*
 * As routing_chain_ground(), with every body resolved on the day on: a
 * body whose "until" is before on is replaced by its successor (the
 * Ministry of Education and Science by the Ministry of Enlightenment
 * after 2022), so an appeal routed today reaches the body that exists
 * today and a record of 2013 still names the body of its day.  on.y == 0:
 * no resolution (the bodies as the regulations name them).
 */
int routing_chain_at(const struct routing *, int service, enum routing_ground,
    struct date on, const char *institution, const char *parent,
    struct routing_chain *out);
/*
 * The body that stands for code on the day on (its successor's successor
 * ...), or code itself when it is not a declared body, has no successor
 * or is still in force; on.y == 0: code.  Points into the handle or is
 * code.
 */
const char *
routing_body_at(const struct routing *, const char *code, struct date on);
/* 0 when the declared body was not in force on that day; else 1. */
int
routing_body_valid(const struct routing *, const char *code, struct date on);
/*
 * The level of a body, for the choice of deadline rule set: its tier
 * ("district", "city", "ministry", "quality-control"), or "institution"
 * for a code that is not a declared body.  NULL for a NULL handle or
 * code.  Static storage.
 */
const char *routing_level(const struct routing *, const char *code);

/*
 * What a complaint about the service must carry under its regulation:
 * at most max requirements into out; returns how many (0 for none or an
 * unknown service).  what is "identity-document", "legal-representative",
 * "service-documents", "handwritten", "full-name", "postal-address",
 * "date", "signature", "subject" or "reasons-and-demands" (static
 * storage); clause is "Регламент 3, 22-тармақ".
 */
struct routing_requirement {
	const char *what;
	char clause[ROUTING_CLAUSE_MAX];
};
int routing_intake(const struct routing *, int service,
    struct routing_requirement *out, int max);

/* routing_chain_ground() with ROUTING_GROUND_GENERAL. */
int routing_chain(const struct routing *, int service, const char *institution,
    const char *parent, struct routing_chain *out);
/* A static English message for an enum routing_err value. */
const char *routing_strerror(int);

/*
 * 1 if the channel ("post", "in-person", "electronic", "phone", "oral")
 * is allowed for the service; 0 otherwise, also for an unknown service
 * or channel.
 */
int routing_channel_allowed(
    const struct routing *, int service, const char *channel);

/*
 * 1 if the outcome may be sent to the applicant by the channel ("post",
 * "email") for the service; 0 otherwise, also for an unknown service or
 * channel.  Every service answers by post; service 11 also by email.
 */
int routing_answer_channel_allowed(
    const struct routing *, int service, const char *channel);

/*
 * The 0-based level of body in the chain, or -1.  A body named by the
 * chain is found at its own level; otherwise a district office or the
 * city department is found at the parent-body level, where a registrar's
 * move puts it (service 1: the city department, handed a complaint by a
 * district office, is at level 0 and the ministry is next).
 */
int routing_level_of(const struct routing_chain *, const char *body);
/*
 * The body a complaint held by body goes to next, or NULL when the next
 * step is the court or body is not in the chain (routing_level_of tells
 * them apart).  Points into the chain.
 */
const char *routing_next(const struct routing_chain *, const char *body);

/*
 * 1 if a registrar may move a complaint held by from to the body to: from
 * is at a parent-body level of the chain (the regulation names the
 * district offices and the city department together), to is another
 * district office or the city department, and not below from (a district
 * office may hand it to another district office or to the city
 * department; the city department keeps it).  0 otherwise.  The same
 * chain still answers routing_level_of() and routing_next() for to.
 */
int routing_may_move(const struct routing *, const struct routing_chain *,
    const char *from, const char *to);

#endif /* ROUTING_H */
