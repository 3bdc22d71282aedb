/*
 * importer: reads the regulations seed (Almaty akimat resolution 4/1097,
 * Kazakh text) and builds the directory of services, bodies and provider
 * institutions, written as schemas/data/directory.xml.
 *
 * The parser is a pure function over a memory buffer: no files, no
 * globals, no logging, so a fuzzer can call importer_parse() directly.
 * Rows it cannot read are kept as problems with their line numbers.
 *
 * Functions return an enum importer_err; importer_strerror() names it.
 */
#ifndef IMPORTER_H
#define IMPORTER_H

#include <stddef.h>

/* Caps: the seed is about 600 KB. */
#define IMPORTER_MAX_INPUT (16u * 1024 * 1024)

enum importer_err {
	IMPORTER_OK = 0,
	IMPORTER_EROWS, /* parsed, but some rows were unreadable */
	IMPORTER_ENOMEM,
	IMPORTER_ELIMIT, /* input or a table exceeds a cap */
	IMPORTER_EXML,	 /* libxml2 writer failed */
	IMPORTER_EIO
};

const char *importer_strerror(enum importer_err);

/* A list of strings owned by the directory. */
struct importer_strs {
	size_t n;
	char **v;
};

/* Read-only views; valid until importer_free(). */
struct importer_service {
	int number;	      /* 1..11 */
	const char *title_kk; /* from the seed */
	const char *title_en;
	const char *provider; /* provider type */
	const char *deadline;
	const char *hours;
	int source_line; /* line of the title */
};

struct importer_body {
	const char *code; /* almaty-edu, mes, ... */
	const char *kind; /* city-department, ... */
	const char *name_kk;
	const char *name_ru;
	const char *parent; /* NULL for mes */
	const char *address;
	struct importer_strs phones;
	const char *schedule;
	const char *tz;
	int source_line; /* 0: not from a table */
	/* When it existed (YYYY-MM-DD or NULL) and who took its place. */
	const char *valid_from, *valid_until, *successor;
};

struct importer_sighting {
	int service, appendix, list, row, line;
};

struct importer_institution {
	char *code;
	char *kind;	      /* school, preschool, ... */
	char *name;	      /* first form seen */
	const char *district; /* alatau ... turksib, NULL */
	const char *parent;   /* body code */
	char *address;
	char *schedule;
	unsigned services;	     /* bit n: service n */
	struct importer_strs phones; /* +7 727 ... or raw */
	struct importer_strs emails;
	struct importer_strs webs;
	struct importer_strs name_variants;
	struct importer_strs address_variants;
	size_t nseen;
	struct importer_sighting *seen;
};

struct importer_problem {
	int line;
	int error; /* 1: row lost or unreadable */
	char *msg;
};

struct importer_dir;

/*
 * Parses the seed text in buf[0..len).  On IMPORTER_OK or IMPORTER_EROWS
 * *dirp is set and the caller frees it with importer_free(); EROWS means
 * importer_problem_at() lists at least one error.  Other codes leave *dirp
 * NULL.
 */
enum importer_err
importer_parse(const char *buf, size_t len, struct importer_dir **dirp);
void importer_free(struct importer_dir *);

size_t importer_problem_count(const struct importer_dir *);
const struct importer_problem *
importer_problem_at(const struct importer_dir *, size_t);
size_t importer_error_count(const struct importer_dir *);

/* Rows read in list `list' (1-based) of appendix `app' of service `svc'. */
int importer_list_rows(const struct importer_dir *, int svc, int app, int list);

size_t importer_service_count(const struct importer_dir *);
const struct importer_service *
importer_service_at(const struct importer_dir *, size_t);
size_t importer_body_count(const struct importer_dir *);
const struct importer_body *
importer_body_at(const struct importer_dir *, size_t);
const struct importer_body *
importer_body_find(const struct importer_dir *, const char *code);
size_t importer_institution_count(const struct importer_dir *);
const struct importer_institution *
importer_institution_at(const struct importer_dir *, size_t);
const struct importer_institution *
importer_institution_find(const struct importer_dir *, const char *code);

/*
 * Writes the directory as pretty-printed UTF-8 XML with xmlTextWriter.
 * importer_xml() hands a NUL-terminated buffer to the caller, who frees
 * it with free(); importer_write_xml() writes a file.
 */
enum importer_err
importer_xml(const struct importer_dir *, char **out, size_t *lenp);
enum importer_err
importer_write_xml(const struct importer_dir *, const char *path);

/* Normalisation rules, exported for the tools that read user input. */
/* District code (alatau, almaly, ...) for a Kazakh district name or NULL. */
const char *importer_district(const char *name);
/*
 * Normalises a phone cell into numbers "+7 727 227 62 96"; a part it
 * cannot read is kept as written and counted in *nbad.  Caller frees the
 * strings with importer_strs_free().
 */
int importer_phones(const char *cell, struct importer_strs *out, int *nbad);
void importer_strs_free(struct importer_strs *);

#endif /* IMPORTER_H */
