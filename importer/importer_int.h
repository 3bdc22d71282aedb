/*
 * importer internals: the rows the parser assembles, the rules that
 * assemble them, and the directory they are folded into.  Only the
 * importer's own files and its unit test include this header.
 */
#ifndef IMPORTER_INT_H
#define IMPORTER_INT_H

#include "importer/importer.h"
#include "util/util.h"

#define IMP_MAXCELLS	8    /* cells kept per row */
#define IMP_CELLCAP	4096 /* bytes per cell */
#define IMP_MAXROWS	8192 /* rows in the whole seed */
#define IMP_MAXLISTS	128
#define IMP_MAXPROBLEMS 4096
#define IMP_MAXINST	4096
#define IMP_MAXSTRS	64 /* strings per list field */
#define IMP_NSERVICES	11
#define IMP_NDISTRICTS	7

/* What a table holds. */
enum imp_listkind { IMP_LIST_INSTITUTIONS, IMP_LIST_BODIES };

struct imp_list {
	int service, appendix, index;
	enum imp_listkind kind;
	int ncols;     /* header columns */
	int col_phone; /* -1: none */
	int col_web;
	int col_sched;
	int nrows;
	int header_line;
};

/* A row or a fragment of one: cells with the line they came from. */
struct imp_frag {
	int ncells;
	int line;
	struct buf cell[IMP_MAXCELLS];
};

struct imp_row {
	int list; /* index into lists */
	int number;
	int line;
	int district; /* -1: none (city level) */
	struct imp_frag f;
	char *schedule; /* after the schedule-span rule */
};

struct imp_parse {
	struct imp_list lists[IMP_MAXLISTS];
	int nlists;
	struct imp_row *rows;
	int nrows;
	int rowcap;
	char *titles[IMP_NSERVICES + 1];
	int title_line[IMP_NSERVICES + 1];
	int mes_line; /* line naming the ministry's address */
	struct importer_problem *problems;
	size_t nproblems;
	size_t nerrors;
	int oom;
};

/* text.c: string rules. */
size_t imp_utf8_dec(const char *, size_t, unsigned *cp);
int imp_is_lower_start(const char *);
int imp_quote_balance(const char *);
int imp_is_fragment(const char *);
int imp_is_open(const char *);
void imp_trim(struct buf *);
char *imp_collapse_spaced(const char *);
int imp_district_index(const char *word);
const char *imp_district_code(int);
const char *imp_district_kk(int);
int imp_heading_district(const char *text, int *district);
int imp_is_schedule_text(const char *);
int imp_split_web(
    const char *, struct importer_strs *emails, struct importer_strs *webs);
char *imp_name_key(const char *);
int imp_strs_add(struct importer_strs *, const char *);
int imp_strs_has(const struct importer_strs *, const char *);
char *imp_strdup(const char *);

/* parse.c: layout rules, each named in the seed comments. */
int imp_frag_from_line(struct imp_frag *, const char *, size_t, int line);
void imp_frag_free(struct imp_frag *);
int
imp_frag_merge(struct imp_frag *dst, const struct imp_frag *src, int src_first);
int imp_rule_area_code(struct imp_frag *, int col_phone);
int imp_rule_phone_overflow(struct imp_frag *, const struct imp_list *);
int imp_rule_extra_cells(struct imp_frag *, int ncols);
int imp_rule_prefix_cells(const struct imp_frag *prev,
    const struct imp_frag *pending, const struct imp_frag *next, unsigned skip);
int imp_rule_separator(const struct imp_frag *);
int imp_rule_column_numbers(const struct imp_frag *);
int imp_rule_schedule_span(struct imp_parse *, int list);
int imp_parse_text(const char *, size_t, struct imp_parse *);
void imp_parse_free(struct imp_parse *);
int imp_problem(struct imp_parse *, int line, int error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* dir.c */
struct importer_dir {
	struct imp_parse p;
	struct importer_service services[IMP_NSERVICES];
	struct importer_body *bodies;
	size_t nbodies;
	struct importer_institution *inst;
	size_t ninst;
};

#endif /* IMPORTER_INT_H */
