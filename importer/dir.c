/*
 * importer: folds the parsed rows into the directory: services, bodies
 * and one record per institution.
 *
 * Institution codes are a function of the institution's own row, so the
 * same seed always gives the same codes:
 *   - a state institution («Алматы қаласы Білім басқармасының ...») of a
 *     school, preschool, special-school or TVET list with a number «№ N»
 *     (the last one in its name) is <kind>-<N>, with -boarding for a
 *     boarding school and -lyceum or -college for TVET: school-14,
 *     school-17-boarding, preschool-1, special-9, tvet-5-lyceum;
 *   - any other is <kind>-<h>, h the eight hex digits of the 32-bit
 *     FNV-1a hash of its name key (imp_name_key());
 *   - <kind> is that of the list it is first seen in; a code already
 *     taken by another institution gets -2, -3, ... in seed order.
 * Two rows are the same institution when their keys (the numbered key
 * above, else the kind and the name key) are equal and they come from
 * different lists.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importer/importer_int.h"

static const struct importer_service service_tab[IMP_NSERVICES] = {
	/* Deadlines and hours: the regulation's own paragraph, l. cited. */
	{ 1, NULL,
	    "Admission of documents of children with disabilities "
	    "and admission to special education organisations",
	    "special-school", "3 working days from the application (l. 105)",
	    "08:00-18:00, lunch 13:00-14:00, days off and holidays excepted "
	    "(l. 109)",
	    0 },
	{ 2, NULL,
	    "Admission of documents and enrolment in additional "
	    "education organisations for children",
	    "additional-education",
	    "3 working days; 15 days for music, art and sports schools "
	    "(l. 229-231)",
	    "the organisation's working schedule (l. 241)", 0 },
	{ 3, NULL,
	    "Admission of documents and of children to preschool "
	    "organisations",
	    "preschool",
	    "at least 30 minutes to hand in documents; no overall term "
	    "(l. 392-396)",
	    "the organisation's working schedule", 0 },
	{ 4, NULL,
	    "Admission of documents for rest in out-of-town and "
	    "school camps for children of low-income families",
	    "school", "10 calendar days from the application (l. 786-788)",
	    "the organisation's working schedule", 0 },
	{ 5, NULL,
	    "Admission of documents and enrolment in primary, basic "
	    "secondary and general secondary education",
	    "school", "1 working day from the documents (l. 1184)",
	    "09:00-18:00, lunch 13:00-14:00, days off and holidays excepted "
	    "(l. 1240)",
	    0 },
	{ 6, NULL,
	    "Admission of documents for free individual home "
	    "schooling of children unable to attend school for health "
	    "reasons",
	    "school", "3 working days from the documents (l. 1695)",
	    "09:00-18:00, lunch 13:00-14:00, days off and holidays excepted "
	    "(l. 1693)",
	    0 },
	{ 7, NULL,
	    "Permission for external study in basic secondary and "
	    "general secondary education",
	    "school", "15 working days from the documents (l. 2057)",
	    "the organisation's schedule: Monday-Friday 09:00-18:00 "
	    "(appendix 1)",
	    0 },
	{ 8, NULL,
	    "Provision of dormitories to students of technical and "
	    "vocational education organisations",
	    "tvet",
	    "at most 7 calendar days from the application (l. 2197-2200)",
	    "the study department's working schedule (l. 2201)", 0 },
	{ 9, NULL,
	    "Admission of documents and enrolment in technical and "
	    "vocational education organisations",
	    "tvet",
	    "admission until 30 August (full-time), 30 September (part-time) "
	    "(l. 2318-2322)",
	    "the organisation's working schedule", 0 },
	{ 10, NULL, "Issue of duplicates of education documents",
	    "education-organisation",
	    "10 calendar days from the application (l. 2536-2538)",
	    "09:00-18:30, lunch 13:00-14:30, days off and holidays excepted "
	    "(l. 2530)",
	    0 },
	{ 11, NULL,
	    "Admission of documents for free meals for certain "
	    "categories of pupils of general education schools",
	    "school", "5 working days from the application (l. 3051-3053)",
	    "during the school year 09:00-18:00, lunch 13:00-14:00, days off "
	    "and holidays excepted (l. 3059-3061)",
	    0 },
};

/*
 * The bodies: the ministry first (its address is in the text), then
 * those of the appendices' tables (district: -1 the city department,
 * 0.. the district offices), then the bodies that came after the
 * regulations (district -3: never in a table).
 */
static const struct {
	const char *code, *kind, *kk, *ru, *parent;
	int district;
} body_tab[] = {
	{ "mes", "ministry",
	    "Қазақстан Республикасы Білім және ғылым министрлігі",
	    "Министерство образования и науки Республики Казахстан", NULL, -2 },
	{ "almaty-edu", "city-department", "Алматы қаласы Білім басқармасы",
	    "Управление образования города Алматы", "mes", -1 },
	{ "almaty-alatau", "district-office", "Алатау ауданының білім бөлімі",
	    "Отдел образования Алатауского района", "almaty-edu", 0 },
	{ "almaty-almaly", "district-office", "Алмалы ауданының білім бөлімі",
	    "Отдел образования Алмалинского района", "almaty-edu", 1 },
	{ "almaty-auezov", "district-office", "Әуезов ауданының білім бөлімі",
	    "Отдел образования Ауэзовского района", "almaty-edu", 2 },
	{ "almaty-bostandyk", "district-office",
	    "Бостандық ауданының білім бөлімі",
	    "Отдел образования Бостандыкского района", "almaty-edu", 3 },
	{ "almaty-zhetysu", "district-office", "Жетісу ауданының білім бөлімі",
	    "Отдел образования Жетысуского района", "almaty-edu", 4 },
	{ "almaty-medeu", "district-office", "Медеу ауданының білім бөлімі",
	    "Отдел образования Медеуского района", "almaty-edu", 5 },
	{ "almaty-turksib", "district-office", "Түрксіб ауданының білім бөлімі",
	    "Отдел образования Турксибского района", "almaty-edu", 6 },
	/*
	 * Not in the regulations: the President's decree of 11 June 2022
	 * (No. 917, UNSURE) divided the ministry; school, preschool,
	 * additional and vocational education went to this one.  Its
	 * address is not given here: none was read from a source.
	 */
	{ "mop", "ministry", "Қазақстан Республикасы Оқу-ағарту министрлігі",
	    "Министерство просвещения Республики Казахстан", NULL, -3 },
};

/* When a body existed, and who took its place (routing.xml agrees). */
static const struct {
	const char *code, *from, *until, *successor;
} body_life[] = {
	{ "mes", NULL, "2022-06-10", "mop" },
	{ "mop", "2022-06-11", NULL, NULL },
};
#define NBODIES (sizeof(body_tab) / sizeof(body_tab[0]))

/* The kind of institution a list holds, by service and appendix. */
static const char *
list_kind(int svc, int app)
{
	switch (svc) {
	case 1:
		return "special-school";
	case 2:
		return "additional-education";
	case 3:
		return "preschool";
	case 6:
		return app == 1 ? "special-school" : "school";
	case 8:
	case 9:
		return "tvet";
	case 10:
		return app == 2 ? "tvet" : "school";
	default:
		return "school";
	}
}

static const char *
kind_prefix(const char *kind)
{
	if (strcmp(kind, "special-school") == 0)
		return "special";
	if (strcmp(kind, "additional-education") == 0)
		return "extra";
	return kind;
}

static unsigned
fnv1a(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The last «№ N» in a name; 0 when none. */
static int
name_number(const char *name)
{
	const char *p = name, *q;
	int n = 0, v;

	while ((q = strstr(p, "№")) != NULL) {
		q += strlen("№");
		while (*q == ' ')
			q++;
		v = 0;
		while (*q >= '0' && *q <= '9' && v < 100000)
			v = v * 10 + (*q++ - '0');
		if (v > 0)
			n = v;
		p = q;
	}
	return n;
}

struct instx {
	char *key;
	int district; /* -2: unknown */
};

static struct importer_institution *
inst_find_key(struct importer_dir *d, struct instx *x, const char *key)
{
	size_t i;

	for (i = 0; i < d->ninst; i++)
		if (strcmp(x[i].key, key) == 0)
			return &d->inst[i];
	return NULL;
}

static int
code_taken(const struct importer_dir *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->ninst; i++)
		if (strcmp(d->inst[i].code, code) == 0)
			return 1;
	return 0;
}

static int
add_phones(
    struct imp_parse *p, struct importer_strs *ph, const char *cell, int line)
{
	int nbad;

	if (*cell == '\0')
		return 0;
	if (importer_phones(cell, ph, &nbad) == -1)
		return -1;
	if (nbad > 0)
		imp_problem(
		    p, line, 0, "phone kept as written: \"%.60s\"", cell);
	return 0;
}

static char *
cell_text(const struct imp_row *r, int c)
{
	if (c < 0 || c >= r->f.ncells || r->f.cell[c].data == NULL)
		return imp_strdup("");
	return imp_collapse_spaced(r->f.cell[c].data);
}

static int
build_bodies(struct importer_dir *d)
{
	struct imp_parse *p = &d->p;
	struct importer_body *b;
	size_t i;
	int r, rc = -1;
	char *name = NULL, *addr = NULL, *ph = NULL;

	if ((d->bodies = calloc(NBODIES, sizeof(*d->bodies))) == NULL)
		return -1;
	d->nbodies = NBODIES;
	for (i = 0; i < NBODIES; i++) {
		b = &d->bodies[i];
		b->code = body_tab[i].code;
		b->kind = body_tab[i].kind;
		b->name_kk = body_tab[i].kk;
		b->name_ru = body_tab[i].ru;
		b->parent = body_tab[i].parent;
		b->tz = "Asia/Almaty";
		for (size_t k = 0; k < sizeof(body_life) / sizeof(body_life[0]);
		     k++)
			if (strcmp(body_life[k].code, b->code) == 0) {
				b->valid_from = body_life[k].from;
				b->valid_until = body_life[k].until;
				b->successor = body_life[k].successor;
			}
	}
	/* The ministry's address is in the text, not in a table (l. 141). */
	d->bodies[0].address = "Астана қаласы, Орынбор көшесі, 8, "
			       "11-кіреберіс";
	d->bodies[0].source_line = p->mes_line;
	if (p->mes_line == 0)
		imp_problem(p, 0, 1, "the ministry's address was not found");

	for (r = 0; r < p->nrows; r++) {
		const struct imp_row *row = &p->rows[r];
		const struct imp_list *l = &p->lists[row->list];
		const char *w;
		int dist = -2;
		char word[64];
		size_t n;

		if (l->kind != IMP_LIST_BODIES)
			continue;
		free(name);
		free(addr);
		free(ph);
		addr = ph = NULL;
		if ((name = cell_text(row, 1)) == NULL ||
		    (addr = cell_text(row, 2)) == NULL ||
		    (ph = cell_text(row, l->col_phone)) == NULL)
			goto out;
		if (strcmp(name, "Алматы қаласы Білім басқармасы") == 0)
			dist = -1;
		else if ((w = strstr(name, " ауданының")) != NULL &&
		    (n = (size_t)(w - name)) < sizeof(word)) {
			memcpy(word, name, n);
			word[n] = '\0';
			dist = imp_district_index(word);
			if (dist < 0)
				dist = -2;
		}
		for (i = 1; i < NBODIES; i++)
			if (body_tab[i].district == dist)
				break;
		if (i == NBODIES) {
			imp_problem(
			    p, row->line, 1, "unknown body \"%.80s\"", name);
			continue;
		}
		b = &d->bodies[i];
		if (b->source_line == 0) {
			b->source_line = row->line;
			b->address = addr; /* Owned by the directory. */
			addr = NULL;
			b->schedule = row->schedule;
		}
		if (add_phones(p, &b->phones, ph, row->line) == -1)
			goto out;
	}
	rc = 0;
out:
	free(name);
	free(addr);
	free(ph);
	return rc;
}

static int
add_variant(struct importer_strs *v, const char *canon, const char *s)
{
	if (*s == '\0' || strcmp(canon, s) == 0 || imp_strs_has(v, s))
		return 0;
	return imp_strs_add(v, s);
}

static int
add_inst_row(struct importer_dir *d, struct instx *x, const struct imp_row *row)
{
	struct imp_parse *p = &d->p;
	const struct imp_list *l = &p->lists[row->list];
	struct importer_institution *in;
	struct importer_sighting *ns;
	const char *kind = list_kind(l->service, l->appendix);
	char *name = NULL, *addr = NULL, *key = NULL, *nk = NULL, *web = NULL;
	char *ph = NULL;
	char code[96], kb[160];
	size_t i;
	int num, rc = -1, other;

	if ((name = cell_text(row, 1)) == NULL ||
	    (addr = cell_text(row, 2)) == NULL ||
	    (ph = cell_text(row, l->col_phone)) == NULL ||
	    (web = cell_text(row, l->col_web)) == NULL)
		goto out;
	if (*name == '\0') {
		imp_problem(p, row->line, 1, "row %d has no name", row->number);
		rc = 0;
		goto out;
	}
	if ((nk = imp_name_key(name)) == NULL)
		goto out;
	num = name_number(name);
	if (num > 0 && strstr(name, "Білім басқармасының") != NULL &&
	    strcmp(kind, "additional-education") != 0) {
		const char *sub = "";

		if (strcmp(kind, "school") == 0 &&
		    strstr(name, "интернат") != NULL)
			sub = "-boarding";
		else if (strcmp(kind, "tvet") == 0)
			sub = strstr(name, "лицей") != NULL ? "-lyceum" :
							      "-college";
		snprintf(
		    kb, sizeof(kb), "%s-%d%s", kind_prefix(kind), num, sub);
		key = imp_strdup(kb);
	} else {
		struct buf b;

		buf_init(&b, strlen(nk) + 64);
		if (buf_printf(&b, "n:%s:", kind) == -1 ||
		    buf_puts(&b, nk) == -1) {
			buf_free(&b);
			goto out;
		}
		key = buf_release(&b, NULL);
	}
	if (key == NULL)
		goto out;

	in = inst_find_key(d, x, key);
	if (in != NULL) {
		for (i = 0; i < in->nseen; i++)
			if (l->service == in->seen[i].service &&
			    l->appendix == in->seen[i].appendix &&
			    l->index == in->seen[i].list)
				break;
		if (i < in->nseen) {
			/* Twice in one list: two institutions. */
			struct buf b;

			imp_problem(p, row->line, 0,
			    "row %d repeats key %s "
			    "of line %d in the same list; kept apart",
			    row->number, key, in->seen[i].line);
			buf_init(&b, strlen(key) + 16);
			if (buf_printf(&b, "%s#%d", key, row->line) == -1) {
				buf_free(&b);
				goto out;
			}
			free(key);
			key = buf_release(&b, NULL);
			in = NULL;
		}
	}
	if (in == NULL) {
		struct importer_institution *ni;

		if (d->ninst >= IMP_MAXINST)
			goto out;
		if ((ni = realloc(d->inst, (d->ninst + 1) * sizeof(*ni))) ==
		    NULL)
			goto out;
		d->inst = ni;
		if (strncmp(key, "n:", 2) == 0)
			snprintf(code, sizeof(code), "%s-%08x",
			    kind_prefix(kind), fnv1a(nk));
		else
			strlcpy_chk(code, key, sizeof(code));
		if (code_taken(d, code)) {
			size_t base = strlen(code);
			int k;

			for (k = 2; k < 1000; k++) {
				snprintf(
				    code + base, sizeof(code) - base, "-%d", k);
				if (!code_taken(d, code))
					break;
			}
		}
		in = &d->inst[d->ninst];
		memset(in, 0, sizeof(*in));
		x[d->ninst].key = key;
		x[d->ninst].district = -2;
		key = NULL;
		d->ninst++;
		if ((in->code = imp_strdup(code)) == NULL ||
		    (in->kind = imp_strdup(kind)) == NULL)
			goto out;
		in->name = name;
		name = NULL;
		in->address = addr;
		addr = NULL;
	} else {
		if (add_variant(&in->name_variants, in->name, name) == -1 ||
		    add_variant(&in->address_variants, in->address, addr) == -1)
			goto out;
		if (*in->address == '\0' && *addr) {
			free(in->address);
			in->address = addr;
			addr = NULL;
		}
	}
	i = (size_t)(in - d->inst);
	if (row->district >= 0 && x[i].district < 0)
		x[i].district = row->district;
	else if (row->district >= 0 && x[i].district != row->district)
		imp_problem(p, row->line, 0, "%s: district %s here, %s before",
		    in->code, imp_district_code(row->district),
		    imp_district_code(x[i].district));
	else if (x[i].district == -2)
		x[i].district = -1;
	in->district = imp_district_code(x[i].district);
	in->services |= 1u << l->service;
	if (in->schedule == NULL && row->schedule != NULL &&
	    (in->schedule = imp_strdup(row->schedule)) == NULL)
		goto out;
	if (add_phones(p, &in->phones, ph, row->line) == -1)
		goto out;
	if (*web != '\0') {
		other = imp_split_web(web, &in->emails, &in->webs);
		if (other == -1)
			goto out;
		if (other > 0)
			imp_problem(p, row->line, 0,
			    "words that are neither "
			    "mail nor site: \"%.60s\"",
			    web);
	}
	if ((ns = realloc(in->seen, (in->nseen + 1) * sizeof(*ns))) == NULL)
		goto out;
	in->seen = ns;
	ns[in->nseen].service = l->service;
	ns[in->nseen].appendix = l->appendix;
	ns[in->nseen].list = l->index;
	ns[in->nseen].row = row->number;
	ns[in->nseen].line = row->line;
	in->nseen++;
	rc = 0;
out:
	free(name);
	free(addr);
	free(key);
	free(nk);
	free(web);
	free(ph);
	return rc;
}

/*
 * A site that is only the domain of one of the institution's mailboxes
 * is what is left of a broken address («edualmaty.kz; tl165.kz»,
 * l. 1017): dropped.
 */
static void
drop_mail_domains(struct importer_institution *in)
{
	size_t i, j;
	const char *at;

	for (i = 0; i < in->webs.n;) {
		for (j = 0; j < in->emails.n; j++)
			if ((at = strchr(in->emails.v[j], '@')) != NULL &&
			    strcmp(at + 1, in->webs.v[i]) == 0)
				break;
		if (j == in->emails.n) {
			i++;
			continue;
		}
		free(in->webs.v[i]);
		memmove(&in->webs.v[i], &in->webs.v[i + 1],
		    (in->webs.n - i - 1) * sizeof(in->webs.v[0]));
		in->webs.n--;
	}
}

static int
build_institutions(struct importer_dir *d)
{
	struct imp_parse *p = &d->p;
	struct instx *x;
	size_t i;
	int r, rc = -1;

	if ((x = calloc(IMP_MAXINST, sizeof(*x))) == NULL)
		return -1;
	for (r = 0; r < p->nrows; r++) {
		if (p->lists[p->rows[r].list].kind != IMP_LIST_INSTITUTIONS)
			continue;
		if (add_inst_row(d, x, &p->rows[r]) == -1)
			goto out;
	}
	for (i = 0; i < d->ninst; i++) {
		int di = x[i].district;

		d->inst[i].parent = di >= 0 ? body_tab[2 + di].code :
					      "almaty-edu";
		drop_mail_domains(&d->inst[i]);
	}
	rc = 0;
out:
	for (i = 0; i < d->ninst; i++)
		free(x[i].key);
	free(x);
	return rc;
}

const char *
importer_strerror(enum importer_err e)
{
	switch (e) {
	case IMPORTER_OK:
		return "ok";
	case IMPORTER_EROWS:
		return "rows that could not be read";
	case IMPORTER_ENOMEM:
		return "out of memory";
	case IMPORTER_ELIMIT:
		return "input exceeds a limit";
	case IMPORTER_EXML:
		return "XML writer failed";
	case IMPORTER_EIO:
		return "input/output error";
	}
	return "unknown error";
}

enum importer_err
importer_parse(const char *buf, size_t len, struct importer_dir **dirp)
{
	struct importer_dir *d;
	size_t bad = 0;
	int i, line = 1;

	*dirp = NULL;
	if (len > IMPORTER_MAX_INPUT)
		return IMPORTER_ELIMIT;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return IMPORTER_ENOMEM;
	/*
	 * Text that is not UTF-8, or has a control character (C0 but tab
	 * and line ends, DEL, C1) or U+FFFE, U+FFFF, would reach the
	 * directory and the notices: refuse it whole, naming the line.
	 */
	if (!utf8_text(buf, len, &bad)) {
		for (size_t k = 0; k < bad; k++)
			line += buf[k] == '\n';
		imp_problem(&d->p, line, 1,
		    "not UTF-8 text without control "
		    "characters, at byte %zu",
		    bad);
		*dirp = d;
		return IMPORTER_EROWS;
	}
	if (imp_parse_text(buf, len, &d->p) == -1 || d->p.oom)
		goto nomem;
	for (i = 0; i < IMP_NSERVICES; i++) {
		d->services[i] = service_tab[i];
		d->services[i].title_kk = d->p.titles[i + 1];
		d->services[i].source_line = d->p.title_line[i + 1];
		if (d->services[i].title_kk == NULL)
			imp_problem(&d->p, 0, 1,
			    "title of service %d not "
			    "found",
			    i + 1);
	}
	if (build_bodies(d) == -1 || build_institutions(d) == -1 || d->p.oom)
		goto nomem;
	*dirp = d;
	return d->p.nerrors > 0 ? IMPORTER_EROWS : IMPORTER_OK;
nomem:
	importer_free(d);
	return IMPORTER_ENOMEM;
}

void
importer_free(struct importer_dir *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nbodies; i++) {
		if (i > 0 && d->bodies[i].source_line != 0)
			free((char *)d->bodies[i].address);
		importer_strs_free(&d->bodies[i].phones);
	}
	free(d->bodies);
	for (i = 0; i < d->ninst; i++) {
		struct importer_institution *in = &d->inst[i];

		free(in->code);
		free(in->kind);
		free(in->name);
		free(in->address);
		free(in->schedule);
		importer_strs_free(&in->phones);
		importer_strs_free(&in->emails);
		importer_strs_free(&in->webs);
		importer_strs_free(&in->name_variants);
		importer_strs_free(&in->address_variants);
		free(in->seen);
	}
	free(d->inst);
	imp_parse_free(&d->p);
	free(d);
}

size_t
importer_problem_count(const struct importer_dir *d)
{
	return d->p.nproblems;
}

size_t
importer_error_count(const struct importer_dir *d)
{
	return d->p.nerrors;
}

const struct importer_problem *
importer_problem_at(const struct importer_dir *d, size_t i)
{
	return i < d->p.nproblems ? &d->p.problems[i] : NULL;
}

int
importer_list_rows(const struct importer_dir *d, int svc, int app, int list)
{
	int i;

	for (i = 0; i < d->p.nlists; i++)
		if (d->p.lists[i].service == svc &&
		    d->p.lists[i].appendix == app &&
		    d->p.lists[i].index == list)
			return d->p.lists[i].nrows;
	return -1;
}

size_t
importer_service_count(const struct importer_dir *d)
{
	(void)d;
	return IMP_NSERVICES;
}

const struct importer_service *
importer_service_at(const struct importer_dir *d, size_t i)
{
	return i < IMP_NSERVICES ? &d->services[i] : NULL;
}

size_t
importer_body_count(const struct importer_dir *d)
{
	return d->nbodies;
}

const struct importer_body *
importer_body_at(const struct importer_dir *d, size_t i)
{
	return i < d->nbodies ? &d->bodies[i] : NULL;
}

/*
 * The index of the entry with that code among n entries of sz bytes each
 * whose code (a string pointer) is off bytes in; n when there is none.
 */
static size_t
find_code(const void *base, size_t n, size_t sz, size_t off, const char *code)
{
	const char *p = base;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *c;

		memcpy(&c, p + i * sz + off, sizeof(c));
		if (strcmp(c, code) == 0)
			break;
	}
	return i;
}

const struct importer_body *
importer_body_find(const struct importer_dir *d, const char *code)
{
	return importer_body_at(d,
	    find_code(d->bodies, d->nbodies, sizeof(d->bodies[0]),
		offsetof(struct importer_body, code), code));
}

size_t
importer_institution_count(const struct importer_dir *d)
{
	return d->ninst;
}

const struct importer_institution *
importer_institution_at(const struct importer_dir *d, size_t i)
{
	return i < d->ninst ? &d->inst[i] : NULL;
}

const struct importer_institution *
importer_institution_find(const struct importer_dir *d, const char *code)
{
	return importer_institution_at(d,
	    find_code(d->inst, d->ninst, sizeof(d->inst[0]),
		offsetof(struct importer_institution, code), code));
}
