/*
 * importer: one test per layout rule on a few lines shaped like the seed
 * lines they cite (seed/000_89969151b77fa563.txt), then the real seed:
 * rows per appendix, deduplication, districts, phones, the schema and
 * the committed schemas/data/directory.xml.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "importer/importer_int.h"

#define SEED_DEFAULT "../shared/seed/000_89969151b77fa563.txt"
#define XSD	     "schemas/directory.xsd"
#define COMMITTED    "schemas/data/directory.xml"

/* A seed with one service whose appendix 1 holds the given rows. */
static const char head5[] =
    "1) «Сынақ қызметі» мемлекеттік қызмет регламенті;\n"
    "№ 4/1097 қаулысымен бекітілді\n"
    "\n"
    "1-қосымша\n"
    "\n"
    "№\tБілім беру ұйымының атауы\tОрналасқан мекенжайы\t"
    "Байланыс телефондары\tЖұмыс кестесі\n"
    "1\t2\t3\t4\t5\n";

static char *
slurp(const char *path, size_t *lenp)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	buf_init(&b, IMPORTER_MAX_INPUT);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		assert_int_equal(buf_add(&b, chunk, n), 0);
	fclose(f);
	return buf_release(&b, lenp);
}

static struct importer_dir *
parse_rows(const char *rows)
{
	struct importer_dir *d = NULL;
	struct buf b;
	enum importer_err e;

	buf_init(&b, 1 << 16);
	assert_int_equal(buf_puts(&b, head5), 0);
	assert_int_equal(buf_puts(&b, rows), 0);
	e = importer_parse(b.data, b.len, &d);
	assert_true(e == IMPORTER_OK || e == IMPORTER_EROWS);
	assert_non_null(d);
	buf_free(&b);
	return d;
}

/* Errors tied to a line: the missing titles of services 2-11 are not. */
static size_t
row_errors(const struct importer_dir *d)
{
	const struct importer_problem *p;
	size_t i, n = 0;

	for (i = 0; i < importer_problem_count(d); i++) {
		p = importer_problem_at(d, i);
		if (p->error && p->line > 0) {
			print_message("line %d: %s\n", p->line, p->msg);
			n++;
		}
	}
	return n;
}

static const struct importer_institution *
inst(const struct importer_dir *d, size_t i)
{
	const struct importer_institution *in;

	in = importer_institution_at(d, i);
	assert_non_null(in);
	return in;
}

/* DEL or a C1 control anywhere: the whole text refused, the line named. */
static void
test_control_character_refused(void **state)
{
	const char *bad[] = { "\x7f", "\xc2\x85", "\xc2\x9f" };
	const struct importer_problem *p;
	struct importer_dir *d = NULL;
	struct buf b;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_init(&b, 1 << 16);
		assert_int_equal(buf_puts(&b, head5), 0);
		assert_int_equal(buf_printf(&b, "1 Мектеп%s\n", bad[i]), 0);
		assert_int_equal(
		    importer_parse(b.data, b.len, &d), IMPORTER_EROWS);
		assert_non_null(d);
		p = importer_problem_at(d, 0);
		assert_non_null(p);
		assert_true(p->error);
		assert_non_null(strstr(p->msg, "control characters"));
		importer_free(d);
		d = NULL;
		buf_free(&b);
	}
}

/* Rule "spaced letters and digits", l. 151, 1012, 2841, 888, 1409. */
static void
test_rule_collapse_spaced(void **state)
{
	static const char *cases[][2] = {
		{ "т а л о н", "талон" },
		{ "«Гагарин көшесі, 1 9 3 а", "«Гагарин көшесі, 193а" },
		{ "8 (727) 3 0 3 6 5 9 3", "8 (727) 3036593" },
		{ "Шәріпов көшесі, 2 6 / 2 7", "Шәріпов көшесі, 26/27" },
		{ "Сәдуақасов көшесі, 2 9", "Сәдуақасов көшесі, 29" },
		{ "«№ 1 Жас  туристер", "«№ 1 Жас туристер" },
		{ "«Орбита-3» шағынауданы, 5 г",
		    "«Орбита-3» шағынауданы, 5 г" },
		{ "« № 8 хал-ахуал", "« № 8 хал-ахуал" },
		{ "А п т а н ы ң 1-5 күндері", "Аптаның 1-5 күндері" },
	};
	size_t i;
	char *c;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = imp_collapse_spaced(cases[i][0]);
		assert_non_null(c);
		assert_string_equal(c, cases[i][1]);
		free(c);
	}
}

/* Rule "phone numbers": l. 160, 305, 307, 337, 743, 950, 2409, 2424. */
static void
test_rule_phones(void **state)
{
	struct importer_strs s = { 0, NULL };
	int bad;

	(void)state;
	assert_int_equal(importer_phones("8 (727) 227-62-96", &s, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0], "+7 727 227 62 96");
	importer_strs_free(&s);

	assert_int_equal(importer_phones("2642695, 2647896", &s, &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[1], "+7 727 264 78 96");
	importer_strs_free(&s);

	assert_int_equal(
	    importer_phones("8 (727) 293-91-61, 291-73-01", &s, &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[1], "+7 727 291 73 01");
	importer_strs_free(&s);

	assert_int_equal(
	    importer_phones("8(727) 3033863 8(727) 3024233", &s, &bad), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0], "+7 727 303 38 63");
	importer_strs_free(&s);

	assert_int_equal(importer_phones("267 59 05", &s, &bad), 0);
	assert_string_equal(s.v[0], "+7 727 267 59 05");
	importer_strs_free(&s);

	assert_int_equal(importer_phones("8777 212 56 07", &s, &bad), 0);
	assert_string_equal(s.v[0], "+7 777 212 56 07");
	importer_strs_free(&s);

	/* Unreadable parts are kept as written and counted. */
	assert_int_equal(importer_phones("38-83-82", &s, &bad), 0);
	assert_int_equal(bad, 1);
	assert_string_equal(s.v[0], "38-83-82");
	importer_strs_free(&s);
	assert_int_equal(importer_phones("279 38 279 33 41 63", &s, &bad), 0);
	assert_int_equal(bad, 1);
	importer_strs_free(&s);
}

/* District names and their misspellings, l. 700, 744, 1453, 1564, 2872. */
static void
test_rule_district_names(void **state)
{
	(void)state;
	assert_string_equal(importer_district("Түркісіб ауданы"), "turksib");
	assert_string_equal(importer_district("Түрксіб"), "turksib");
	assert_string_equal(importer_district("Алматы ауданы"), "almaly");
	assert_string_equal(importer_district("Алмалы"), "almaly");
	assert_string_equal(importer_district("Жерісу ауданы"), "zhetysu");
	assert_string_equal(importer_district("Жегісу ауданы"), "zhetysu");
	assert_string_equal(importer_district("Өуезов ауданы"), "auezov");
	assert_string_equal(importer_district("Әуезов"), "auezov");
	assert_string_equal(importer_district("Бостандық"), "bostandyk");
	assert_string_equal(importer_district("Медеу"), "medeu");
	assert_string_equal(importer_district("Алатау"), "alatau");
	assert_null(importer_district("Астана"));
}

/* Rule "district heading", l. 449, 855-861, 1312, 1766, 1825. */
static void
test_rule_heading(void **state)
{
	int d = 99;

	(void)state;
	assert_true(imp_heading_district("Алатау ауданы", &d));
	assert_int_equal(d, 0);
	assert_true(imp_heading_district("Алматы қаласы Алатау ауданы", &d));
	assert_int_equal(d, 0);
	assert_true(imp_heading_district("**Әуезов ауданы**", &d));
	assert_int_equal(d, 2);
	assert_true(imp_heading_district("Алматы қаласы", &d));
	assert_int_equal(d, -1);
	assert_false(imp_heading_district("Алматы қаласы, Шолохов көшесі", &d));
	assert_false(
	    imp_heading_district("Бостандық ауданының білім бөлімі", &d));

	/* One word a line, in a table (l. 855-861). */
	{
		struct importer_dir *dir = parse_rows(
		    "\nАлматы\n\nқаласы\n\nЖерісу\n\nауданы\n\n"
		    "1\tА «№ 1 мектеп»\tМекенжай 1\t2642695\t\n");

		assert_int_equal(importer_institution_count(dir), 1);
		assert_string_equal(inst(dir, 0)->district, "zhetysu");
		assert_string_equal(inst(dir, 0)->parent, "almaty-zhetysu");
		assert_int_equal(row_errors(dir), 0);
		importer_free(dir);
	}
}

/* Rule "sites and mail", l. 950, 1017, 1391, 1513, 1783. */
static void
test_rule_web(void **state)
{
	struct importer_strs em = { 0, NULL }, web = { 0, NULL };

	(void)state;
	assert_int_equal(imp_split_web("school_116@ edualmaty.kz ; "
				       "school117. freenit.kz",
			     &em, &web),
	    0);
	assert_int_equal(em.n, 1);
	assert_string_equal(em.v[0], "school_116@edualmaty.kz");
	assert_int_equal(web.n, 1);
	assert_string_equal(web.v[0], "school117.freenit.kz");
	importer_strs_free(&em);
	importer_strs_free(&web);

	assert_int_equal(imp_split_web("scoolint 17@mail.ru", &em, &web), 0);
	assert_string_equal(em.v[0], "scoolint17@mail.ru");
	importer_strs_free(&em);

	assert_int_equal(imp_split_web("school_160@edualmaty.kz ; "
				       "edualmaty.kz/ school-160",
			     &em, &web),
	    0);
	assert_string_equal(web.v[0], "edualmaty.kz/school-160");
	importer_strs_free(&em);
	importer_strs_free(&web);

	assert_int_equal(imp_split_web("school_172@edualmaty.kz "
				       "172-mektep@mail.ru",
			     &em, &web),
	    0);
	assert_int_equal(em.n, 2);
	importer_strs_free(&em);
	importer_strs_free(&web);
}

static void
frag(struct imp_frag *f, const char *line)
{
	assert_int_equal(imp_frag_from_line(f, line, strlen(line), 1), 0);
}

/* Rule "area code in the next column", l. 743, 1552, 1555. */
static void
test_rule_area_code(void **state)
{
	struct imp_frag f;

	(void)state;
	frag(&f, "2\tА\tБ\t8 2547710\t(727)\tАптаның 1-5 күндері");
	assert_int_equal(imp_rule_area_code(&f, 3), 1);
	assert_int_equal(f.ncells, 5);
	assert_string_equal(f.cell[3].data, "8 (727) 2547710");
	assert_string_equal(f.cell[4].data, "Аптаның 1-5 күндері");
	imp_frag_free(&f);

	frag(&f, "1\tА\tБ\t8 3984263\t(727) Аптаның");
	assert_int_equal(imp_rule_area_code(&f, 3), 1);
	assert_string_equal(f.cell[3].data, "8 (727) 3984263");
	assert_string_equal(f.cell[4].data, "Аптаның");
	imp_frag_free(&f);

	frag(&f, "7\tМедеу\tБ\t8 293-91-61, 291-73-01\t(7 2 7)\tжексенбі");
	assert_int_equal(imp_rule_area_code(&f, 3), 1);
	assert_string_equal(f.cell[3].data, "8 (727) 293-91-61, 291-73-01");
	imp_frag_free(&f);

	frag(&f, "1\tА\tБ\t8 (727) 2547710\tschool@x.kz");
	assert_int_equal(imp_rule_area_code(&f, 3), 0);
	imp_frag_free(&f);
}

/* Rules "phone spills" (l. 2409) and "more cells than the header" (903). */
static void
test_rule_overflow_and_extra(void **state)
{
	struct imp_list l;
	struct imp_frag f;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.ncols = 5;
	l.col_phone = 3;
	l.col_web = -1;
	l.col_sched = 4;
	frag(&f, "7\tА\tБ\t279 38 279 33 41\t63\tсайын сағат");
	assert_int_equal(imp_rule_phone_overflow(&f, &l), 1);
	assert_string_equal(f.cell[3].data, "279 38 279 33 41 63");
	assert_string_equal(f.cell[4].data, "сайын сағат");
	imp_frag_free(&f);

	frag(&f, "35\tА\tБ\tТ\tschool_79@edualmaty.kz\t\tАптаның");
	assert_int_equal(imp_rule_extra_cells(&f, 6), 1);
	assert_int_equal(f.ncells, 6);
	assert_string_equal(f.cell[5].data, "Аптаның");
	imp_frag_free(&f);
}

/* Rules "separator rows" (l. 884) and "column-number rows" (l. 164). */
static void
test_rule_separator_and_columns(void **state)
{
	struct imp_frag f;
	struct importer_dir *d;

	(void)state;
	frag(&f, "-----\t--\t------\t--");
	assert_true(imp_rule_separator(&f));
	assert_false(imp_rule_column_numbers(&f));
	imp_frag_free(&f);
	frag(&f, "1\t2\t3\t4\t5");
	assert_true(imp_rule_column_numbers(&f));
	assert_false(imp_rule_separator(&f));
	imp_frag_free(&f);

	d = parse_rows("1\tА «№ 1»\tМ\t2642695\t\n"
		       "-- \t--\t--\t--\t--\n"
		       "\n"
		       "2\tБ «№ 2»\tМ\t2642696\t\n");
	assert_int_equal(importer_list_rows(d, 1, 1, 1), 2);
	assert_int_equal(row_errors(d), 0);
	importer_free(d);
}

/* Rule "continued on the next line after a blank line", l. 310-312. */
static void
test_rule_continuation(void **state)
{
	struct importer_dir *d;

	(void)state;
	d = parse_rows(
	    "1\tАлматы қаласы Білім басқармасының «№ 5\tАлматы қаласы, "
	    "Оренбургская көшесі, 17\t2436965\tДемалыс ... сағат 13:00-ден\n"
	    "\n"
	    "\tОқушылар үйі» мемлекеттік коммуналдық қазыналық кәсіпорны\t\t"
	    "\t14:00-ге дейін (сенбі және жексенбі – демалыс күндері)\n"
	    "2\tАлматы қаласы Білім басқармасының «№ 6 Оқушылар үйі»\t"
	    "Алматы қаласы, Сейфуллин даңғылы, 13\t2365632\t\n");
	assert_int_equal(importer_institution_count(d), 2);
	assert_string_equal(inst(d, 0)->name,
	    "Алматы қаласы Білім "
	    "басқармасының «№ 5 Оқушылар үйі» мемлекеттік коммуналдық "
	    "қазыналық кәсіпорны");
	assert_string_equal(inst(d, 0)->schedule,
	    "Демалыс ... сағат "
	    "13:00-ден 14:00-ге дейін (сенбі және жексенбі – демалыс "
	    "күндері)");
	/* Given once: row 7 has the same schedule. */
	assert_string_equal(inst(d, 1)->schedule, inst(d, 0)->schedule);
	assert_int_equal(row_errors(d), 0);
	importer_free(d);
}

/* Rule "cells before their row number", l. 334-337 and 1944-1946. */
static void
test_rule_prefix_cells(void **state)
{
	struct importer_dir *d;

	(void)state;
	d = parse_rows(
	    "1\tАлматы қаласы Білім басқармасының «Жас натуралистер "
	    "станциясы» кәсіпорны\tАлматы қаласы, Мұстафин көшесі, 27\t"
	    "3096644\t\n"
	    "\tАлматы қаласы Білім басқармасының «№ 1 Жас\tАлматы қаласы, "
	    "«Айнабұлақ-3» шағынауданы, 167\t\t\n"
	    "\n"
	    "2\tтуристер станциясы» мемлекеттік коммуналдық қазыналық "
	    "кәсіпорны\t\t8777 212 56 07\t\n"
	    "3\tАлматы қаласы Білім басқармасының «Медеу» жас туристер "
	    "станциясы»\tАлматы қаласы, Горная көшесі, 8\t2642695\t\n");
	assert_int_equal(importer_institution_count(d), 3);
	assert_string_equal(inst(d, 1)->name,
	    "Алматы қаласы Білім "
	    "басқармасының «№ 1 Жас туристер станциясы» мемлекеттік "
	    "коммуналдық қазыналық кәсіпорны");
	assert_string_equal(inst(d, 1)->address,
	    "Алматы қаласы, "
	    "«Айнабұлақ-3» шағынауданы, 167");
	assert_string_equal(inst(d, 0)->address,
	    "Алматы қаласы, Мұстафин "
	    "көшесі, 27");
	assert_int_equal(row_errors(d), 0);
	importer_free(d);

	/* The previous row's address ends with a comma (l. 1943). */
	d = parse_rows(
	    "1\tА «№ 29 мектеп»\tАлматы қаласы, Бөгенбай батыр көшесі 42,\t"
	    "2916154\t\n"
	    "\tАлматы қаласы Білім басқармасының «Д.\tАлматы қаласы, Достық "
	    "даңғылы,\t\t\n"
	    "\n"
	    "2\tСнегин атындағы № 30 мектеп - гимназия»\t2 2 6 - а\t"
	    "2621074\t\n");
	assert_string_equal(inst(d, 1)->name,
	    "Алматы қаласы Білім "
	    "басқармасының «Д. Снегин атындағы № 30 мектеп - гимназия»");
	assert_string_equal(
	    inst(d, 1)->address, "Алматы қаласы, Достық даңғылы, 226-а");
	importer_free(d);
}

/* Rule "row number on another line than its name", l. 513-516. */
static void
test_rule_number_apart(void **state)
{
	struct importer_dir *d;

	(void)state;
	d = parse_rows(
	    "1\tАлматы қаласы Білім басқармасының «№ 34 бөбекжай»\t"
	    "Алматы қаласы, «Ақсай-5» шағынауданы, 4\t2642695\t\n"
	    "2\t\t\t228-28-47\t\n"
	    "\n"
	    "\tАлматы қаласы Білім басқармасының «№ 35 бөбекжай»\tАлматы "
	    "қаласы, 6 шағынаудан, 52\t\t\n"
	    "3\tАлматы қаласы Білім басқармасының «№ 36 бөбекжай»\tАлматы "
	    "қаласы, 7 шағынаудан, 2\t2642696\t\n");
	assert_int_equal(importer_institution_count(d), 3);
	assert_string_equal(inst(d, 1)->name,
	    "Алматы қаласы Білім "
	    "басқармасының «№ 35 бөбекжай»");
	assert_int_equal(inst(d, 1)->phones.n, 1);
	assert_string_equal(inst(d, 1)->phones.v[0], "+7 727 228 28 47");
	assert_int_equal(inst(d, 1)->seen[0].row, 2);
	importer_free(d);
}

/* Rule "rows exploded one cell a line", l. 999-1017 and 2852-2868. */
static void
test_rule_exploded(void **state)
{
	struct importer_dir *d;

	(void)state;
	d = parse_rows(
	    "1\tА «№ 1 мектеп»\tАлматы қаласы, Б көшесі, 1\t8 2471778\t(7 2 7)"
	    "\t\n"
	    "\t\t\t\t\tАптаның 1-5 күндері\n"
	    "\n"
	    "2\n"
	    "\n"
	    "Алматы қаласы Білім\n"
	    "басқармасының\n"
	    "«Тұран» мекемесі\n"
	    "\n"
	    "Алматы қаласы,\n"
	    "«Гагарин көшесі,\n"
	    "1 9 3\n"
	    "\n"
	    "8\n"
	    "\n"
	    "(7 2 7) аралығында, сағат\n"
	    "9.00-ден -18.00-ге\n"
	    "д е й і н\n"
	    "\n"
	    "\t\t\t2 4 6 8 8 5 9\t\n"
	    "3\tВ «№ 3 мектеп»\tМ\t8 2268110\t(7 2 7)\n");
	assert_int_equal(importer_list_rows(d, 1, 1, 1), 3);
	assert_int_equal(importer_institution_count(d), 3);
	assert_string_equal(inst(d, 1)->name,
	    "Алматы қаласы Білім басқармасының «Тұран» мекемесі");
	assert_string_equal(
	    inst(d, 1)->address, "Алматы қаласы, «Гагарин көшесі, 193");
	assert_int_equal(inst(d, 1)->phones.n, 1);
	assert_string_equal(inst(d, 1)->phones.v[0], "+7 727 246 88 59");
	assert_string_equal(inst(d, 1)->schedule,
	    "Аптаның 1-5 күндері "
	    "аралығында, сағат 9.00-ден -18.00-ге дейін");
	assert_string_equal(inst(d, 0)->phones.v[0], "+7 727 247 17 78");
	assert_int_equal(row_errors(d), 0);
	importer_free(d);
}

/* Rule "schedule given once" split over two rows, l. 160 and 169. */
static void
test_rule_schedule_span(void **state)
{
	struct importer_dir *d;

	(void)state;
	d = parse_rows(
	    "1\tА «№ 1»\tМ\t2642695\tДемалыс күндерін қоспағанда, күн "
	    "сайын сағат 8:00-ден 18:00-ге дейін (сенбі және жексенбі)\n"
	    "2\tБ «№ 2»\tМ\t2642696\t\n"
	    "3\tВ «№ 3»\tМ\t2642697\tсайын сағат 8:00-ден 18:00-ге дейін "
	    "(сенбі және жексенбі)\n"
	    "4\tД «№ 4»\tМ\t2642699\t\n"
	    "\n"
	    "Демалыс және мереке күндерін қоспағанда, күн сайын сағат 9:00-ден "
	    "18:00-ге дейін (жексенбі – демалыс күні)\n"
	    "\n"
	    "5\tГ «№ 5»\tМ\t2642698\t\n");
	assert_string_equal(inst(d, 1)->schedule, inst(d, 0)->schedule);
	assert_string_equal(inst(d, 2)->schedule, inst(d, 0)->schedule);
	/* The line on its own starts a span at the row above it (l. 2457). */
	assert_string_equal(inst(d, 4)->schedule, inst(d, 3)->schedule);
	assert_string_equal(inst(d, 3)->schedule,
	    "Демалыс және мереке "
	    "күндерін қоспағанда, күн сайын сағат 9:00-ден 18:00-ге дейін "
	    "(жексенбі – демалыс күні)");
	assert_int_equal(row_errors(d), 0);
	importer_free(d);
}

/* Rows it cannot read are reported with their line, never dropped. */
static void
test_unreadable_reported(void **state)
{
	struct importer_dir *d;
	const struct importer_problem *p;
	size_t i;
	int found = 0, seq = 0;

	(void)state;
	d = parse_rows("1\tА «№ 1»\tМ\t2642695\t\n"
		       "Бұл жол кестеге жатпайды\n"
		       "x\ty\tz\n"
		       "3\tВ «№ 3»\tМ\t2642697\t\n");
	for (i = 0; i < importer_problem_count(d); i++) {
		p = importer_problem_at(d, i);
		if (p->error && p->line == 9)
			found++;
		if (p->error && p->line == 11)
			seq++;
		if (p->error && p->line == 10)
			found++;
	}
	assert_int_equal(found, 2);
	assert_int_equal(seq, 1); /* 3 after 1: row 2 is missing */
	assert_int_equal(importer_list_rows(d, 1, 1, 1), 2);
	importer_free(d);
}

/* Name keys: initials, Kazakh letters, «ь» and legal forms. */
static void
test_rule_name_key(void **state)
{
	char *a, *b;

	(void)state;
	a = imp_name_key("Д. Қонаев атындағы Университет жанындағы колледжі");
	b = imp_name_key("Д.А.Қонаев атындағы Университет жанындағы колледжі");
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = imp_name_key("«Тамос Эдьюкейшин» физика-математикалық мектебі»");
	b = imp_name_key("«Тамос Эдюкейшин» физика-математикалық мектебі»");
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = imp_name_key("«Алматы құрылыс және менеджмент колледжі»");
	b = imp_name_key("«Алматы құрылыс және менеджмент колледжі» "
			 "жауапкершілігі шектеулі серіктестігі");
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* The real seed: loaded once for the tests below. */
struct seedfix {
	char *text;
	size_t len;
	struct importer_dir *d;
	enum importer_err e;
};

static int
seed_setup(void **state)
{
	struct seedfix *f;
	const char *path = getenv("SEED");

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (path == NULL || *path == '\0')
		path = SEED_DEFAULT;
	f->text = slurp(path, &f->len);
	if (f->text != NULL)
		f->e = importer_parse(f->text, f->len, &f->d);
	*state = f;
	return 0;
}

static int
seed_teardown(void **state)
{
	struct seedfix *f = *state;

	importer_free(f->d);
	free(f->text);
	free(f);
	return 0;
}

static struct importer_dir *
seed(void **state)
{
	struct seedfix *f = *state;

	if (f->text == NULL) {
		print_message("seed not found: importer tests against the "
			      "seed skipped\n");
		skip();
	}
	assert_int_equal(f->e, IMPORTER_OK);
	assert_non_null(f->d);
	return f->d;
}

static void
test_seed_counts(void **state)
{
	static const struct {
		int svc, app, list, rows;
	} want[] = {
		{ 1, 1, 1, 9 }, /* special schools */
		{ 6, 1, 1, 9 },
		{ 2, 1, 1, 26 },  /* additional education */
		{ 3, 1, 1, 248 }, /* preschools */
		{ 4, 1, 1, 181 }, /* state schools */
		{ 5, 1, 1, 181 },
		{ 6, 2, 1, 181 },
		{ 10, 1, 1, 181 },
		{ 5, 1, 2, 42 }, /* non-state schools */
		{ 10, 1, 2, 42 },
		{ 7, 1, 1, 12 }, /* external study */
		{ 8, 1, 1, 19 }, /* TVET with dormitories */
		{ 9, 1, 1, 86 }, /* TVET */
		{ 10, 2, 1, 86 },
		{ 11, 1, 1, 177 }, /* free meals */
		{ 1, 2, 1, 8 },	   /* bodies */
		{ 11, 2, 1, 8 },
	};
	struct importer_dir *d = seed(state);
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int n = importer_list_rows(
		    d, want[i].svc, want[i].app, want[i].list);

		if (n != want[i].rows)
			print_error("service %d appendix %d list %d: %d rows, "
				    "want %d\n",
			    want[i].svc, want[i].app, want[i].list, n,
			    want[i].rows);
		assert_int_equal(n, want[i].rows);
	}
	assert_int_equal(importer_error_count(d), 0);
}

static void
test_seed_dedup(void **state)
{
	struct importer_dir *d = seed(state);
	const struct importer_institution *in;
	size_t i, n;

	/* № 14 school: the four state lists and free meals. */
	in = importer_institution_find(d, "school-14");
	assert_non_null(in);
	assert_int_equal(in->services,
	    (1u << 4) | (1u << 5) | (1u << 6) | (1u << 10) | (1u << 11));
	assert_int_equal(in->nseen, 5);
	/* A special school of services 1 and 6. */
	in = importer_institution_find(d, "special-8");
	assert_non_null(in);
	assert_int_equal(in->services, (1u << 1) | (1u << 6));
	/* № 91 is also an external-study school (l. 2115). */
	in = importer_institution_find(d, "school-91");
	assert_non_null(in);
	assert_true(in->services & (1u << 7));
	/* № 17 school and № 17 boarding school are two. */
	assert_non_null(importer_institution_find(d, "school-17"));
	assert_non_null(importer_institution_find(d, "school-17-boarding"));
	/* TVET: the dormitory list folds into the TVET list. */
	in = importer_institution_find(d, "tvet-5-lyceum");
	assert_non_null(in);
	assert_int_equal(in->services, (1u << 8) | (1u << 9) | (1u << 10));

	/* Every non-state school of service 5 is one of service 10. */
	for (i = n = 0; i < importer_institution_count(d); i++) {
		in = importer_institution_at(d, i);
		if ((in->services & (1u << 5)) && !(in->services & (1u << 4)))
			n += (in->services & (1u << 10)) != 0;
	}
	assert_int_equal(n, 42);
	/* 592 institutions and two rows whose number the seed garbled. */
	assert_int_equal(importer_institution_count(d), 594);
}

static void
test_seed_districts(void **state)
{
	struct importer_dir *d = seed(state);
	const struct importer_institution *in;
	const struct importer_body *b;
	size_t i, nd[IMP_NDISTRICTS] = { 0 };
	int k;

	for (i = 0; i < importer_institution_count(d); i++) {
		in = importer_institution_at(d, i);
		if (in->district == NULL) {
			assert_string_equal(in->parent, "almaty-edu");
			continue;
		}
		for (k = 0; k < IMP_NDISTRICTS; k++)
			if (strcmp(in->district, imp_district_code(k)) == 0)
				nd[k]++;
		b = importer_body_find(d, in->parent);
		assert_non_null(b);
		assert_string_equal(b->kind, "district-office");
	}
	for (k = 0; k < IMP_NDISTRICTS; k++)
		assert_true(nd[k] > 10);
	/* «Түркісіб ауданы» (l. 1081) and «Жерісу ауданы» (l. 1453). */
	in = importer_institution_find(d, "school-11");
	assert_string_equal(in->district, "turksib");
	in = importer_institution_find(d, "school-2");
	assert_string_equal(in->district, "zhetysu");
	/* «Алматы ауданының білім бөлімі» is Алмалы's office (l. 180). */
	b = importer_body_find(d, "almaty-almaly");
	assert_non_null(b);
	assert_string_equal(b->parent, "almaty-edu");
	assert_string_equal(
	    b->address, "Алматы қаласы, Бөгенбай батыр көшесі, 260, № 124 ЖБМ");
	b = importer_body_find(d, "almaty-edu");
	assert_string_equal(b->parent, "mes");
	assert_null(importer_body_find(d, "mes")->parent);
}

static void
test_seed_phones(void **state)
{
	struct importer_dir *d = seed(state);
	const struct importer_body *b;
	const struct importer_institution *in;

	b = importer_body_find(d, "almaty-edu");
	assert_int_equal(b->phones.n, 1);
	assert_string_equal(b->phones.v[0], "+7 727 271 65 09");
	b = importer_body_find(d, "almaty-medeu");
	assert_int_equal(b->phones.n, 2);
	assert_string_equal(b->phones.v[1], "+7 727 291 73 01");
	/* Area code in the next column (l. 1560). */
	in = importer_institution_find(d, "school-ef3bd0ef");
	assert_non_null(in);
	assert_string_equal(in->phones.v[0], "+7 727 279 43 38");
}

static void
test_seed_schema(void **state)
{
	struct importer_dir *d = seed(state);
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;
	xmlDocPtr doc;
	char *xml = NULL;
	size_t n;

	assert_int_equal(importer_xml(d, &xml, &n), IMPORTER_OK);
	assert_non_null(pc = xmlSchemaNewParserCtxt(XSD));
	assert_non_null(schema = xmlSchemaParse(pc));
	assert_non_null(vc = xmlSchemaNewValidCtxt(schema));
	doc = xmlReadMemory(xml, (int)n, "directory.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOENT * 0);
	assert_non_null(doc);
	assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
	xmlFreeDoc(doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	free(xml);
}

static void
test_seed_committed(void **state)
{
	struct importer_dir *d = seed(state);
	char *xml = NULL, *committed;
	size_t n, cn;

	assert_int_equal(importer_xml(d, &xml, &n), IMPORTER_OK);
	committed = slurp(COMMITTED, &cn);
	if (committed == NULL)
		fail_msg("%s missing: run build/complaints-import -o %s "
			 "SEED",
		    COMMITTED, COMMITTED);
	if (cn != n || memcmp(committed, xml, n) != 0)
		fail_msg("%s differs from what the importer writes now; "
			 "regenerate it",
		    COMMITTED);
	free(committed);
	free(xml);
}

/* Same seed, same codes. */
static void
test_seed_stable(void **state)
{
	struct seedfix *f = *state;
	struct importer_dir *d = seed(state), *d2 = NULL;
	size_t i;

	assert_int_equal(importer_parse(f->text, f->len, &d2), IMPORTER_OK);
	assert_int_equal(
	    importer_institution_count(d2), importer_institution_count(d));
	for (i = 0; i < importer_institution_count(d); i++)
		assert_string_equal(importer_institution_at(d, i)->code,
		    importer_institution_at(d2, i)->code);
	importer_free(d2);
}

int
main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_rule_collapse_spaced),
		cmocka_unit_test(test_rule_phones),
		cmocka_unit_test(test_rule_district_names),
		cmocka_unit_test(test_rule_heading),
		cmocka_unit_test(test_rule_web),
		cmocka_unit_test(test_rule_area_code),
		cmocka_unit_test(test_rule_overflow_and_extra),
		cmocka_unit_test(test_rule_separator_and_columns),
		cmocka_unit_test(test_rule_continuation),
		cmocka_unit_test(test_rule_prefix_cells),
		cmocka_unit_test(test_rule_number_apart),
		cmocka_unit_test(test_rule_exploded),
		cmocka_unit_test(test_rule_schedule_span),
		cmocka_unit_test(test_unreadable_reported),
		cmocka_unit_test(test_rule_name_key),
	};
	const struct CMUnitTest seeds[] = {
		cmocka_unit_test(test_seed_counts),
		cmocka_unit_test(test_seed_dedup),
		cmocka_unit_test(test_seed_districts),
		cmocka_unit_test(test_seed_phones),
		cmocka_unit_test(test_control_character_refused),
		cmocka_unit_test(test_seed_schema),
		cmocka_unit_test(test_seed_committed),
		cmocka_unit_test(test_seed_stable),
	};
	int rc;

	rc = cmocka_run_group_tests_name("importer rules", rules, NULL, NULL);
	rc += cmocka_run_group_tests_name(
	    "importer seed", seeds, seed_setup, seed_teardown);
	xmlCleanupParser();
	return rc;
}
