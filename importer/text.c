/*
 * importer: string rules.  Each rule names the seed lines that need it;
 * line numbers are those of seed/000_89969151b77fa563.txt.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "importer/importer_int.h"

#define TOKMAX 1024

static const struct {
	const char *word;
	int idx;
} district_words[] = {
	{ "Алатау", 0 }, { "Алмалы", 1 },
	{ "Алматы", 1 }, /* «Алматы ауданы» is the old name of Алмалы */
	{ "Әуезов", 2 }, { "Өуезов", 2 }, /* typo, l. 1564, 2645 */
	{ "Бостандық", 3 }, { "Жетісу", 4 },
	{ "Жерісу", 4 }, /* typo, l. 1453, 2723 */
	{ "Жегісу", 4 }, /* typo, l. 2872 */
	{ "Медеу", 5 }, { "Түрксіб", 6 },
	{ "Түркісіб", 6 }, /* both spellings occur, l. 700, 744 */
};

static const char *district_codes[IMP_NDISTRICTS] = { "alatau", "almaly",
	"auezov", "bostandyk", "zhetysu", "medeu", "turksib" };

static const char *district_kk[IMP_NDISTRICTS] = { "Алатау", "Алмалы", "Әуезов",
	"Бостандық", "Жетісу", "Медеу", "Түрксіб" };

/* Lenient: a byte that starts no well-formed sequence is one U+FFFD. */
size_t
imp_utf8_dec(const char *s, size_t n, unsigned *cp)
{
	uint32_t c;
	size_t k;

	if (n == 0) {
		*cp = 0;
		return 0;
	}
	k = utf8_dec(s, n, &c);
	*cp = c;
	return k == 0 ? 1 : k;
}

static size_t
utf8_enc(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int
cp_is_lower(unsigned cp)
{
	if (cp >= 'a' && cp <= 'z')
		return 1;
	if (cp >= 0x430 && cp <= 0x45f)
		return 1;
	if (cp >= 0x460 && cp <= 0x4ff && cp != 0x4c0 &&
	    !(cp >= 0x4c1 && cp <= 0x4ce))
		return (cp & 1) == 1;
	if (cp >= 0x4c1 && cp <= 0x4ce)
		return (cp & 1) == 0;
	return 0;
}

static int
cp_is_letter(unsigned cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 0x400 && cp <= 0x4ff);
}

static unsigned
cp_lower(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if (cp >= 0x460 && cp <= 0x4bf && (cp & 1) == 0)
		return cp + 1;
	if (cp >= 0x4d0 && cp <= 0x4ff && (cp & 1) == 0)
		return cp + 1;
	return cp;
}

/* Kazakh letters folded to their Russian base letter, for keys only. */
static unsigned
cp_fold(unsigned cp)
{
	switch (cp) {
	case 0x4d9:
		return 0x430; /* ә */
	case 0x493:
		return 0x433; /* ғ */
	case 0x49b:
		return 0x43a; /* қ */
	case 0x4a3:
		return 0x43d; /* ң */
	case 0x4e9:
		return 0x43e; /* ө */
	case 0x4b1:
		return 0x443; /* ұ */
	case 0x4af:
		return 0x443; /* ү */
	case 0x4bb:
		return 0x445; /* һ */
	case 0x456:
		return 0x438; /* і */
	case 0x451:
		return 0x435; /* ё */
	default:
		return cp;
	}
}

int
imp_is_lower_start(const char *s)
{
	unsigned cp;
	size_t n = strlen(s), k;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if ((k = imp_utf8_dec(s, n, &cp)) == 0)
		return 0;
	return cp_is_lower(cp);
}

/* «» and “” count; a positive result means a quote is still open. */
int
imp_quote_balance(const char *s)
{
	int bal = 0;

	for (; *s; s++) {
		if (strncmp(s, "«", 2) == 0 || strncmp(s, "“", 3) == 0)
			bal++;
		else if (strncmp(s, "»", 2) == 0 || strncmp(s, "”", 3) == 0)
			bal--;
	}
	return bal;
}

/*
 * A cell that continues text begun elsewhere: it starts with a small
 * letter or closes a quote it never opened («туристер станциясы»...»,
 * l. 336; «Жалпы білім беретін мектеп» ...», l. 1770).
 */
int
imp_is_fragment(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	return imp_is_lower_start(s) || imp_quote_balance(s) < 0;
}

/* A cell that stops in the middle: an open quote, «№», a dash, a comma. */
int
imp_is_open(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return 0;
	if (imp_quote_balance(s) > 0)
		return 1;
	n = strlen(s);
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0)
		return 0;
	if (s[n - 1] == '-' || s[n - 1] == ',')
		return 1;
	if (n >= 3 && strncmp(s + n - 3, "№", 3) == 0)
		return 1;
	return 0;
}

void
imp_trim(struct buf *b)
{
	size_t i = 0, j;

	if (b->data == NULL)
		return;
	while (i < b->len &&
	    (b->data[i] == ' ' || b->data[i] == '\t' || b->data[i] == '\r'))
		i++;
	j = b->len;
	while (j > i &&
	    (b->data[j - 1] == ' ' || b->data[j - 1] == '\t' ||
		b->data[j - 1] == '\r'))
		j--;
	memmove(b->data, b->data + i, j - i);
	b->len = j - i;
	b->data[b->len] = '\0';
}

char *
imp_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if ((p = malloc(n)) != NULL)
		memcpy(p, s, n);
	return p;
}

/* A one-character word that may be part of a spaced-out word. */
static int
tok_is_single(const char *t, size_t n)
{
	unsigned cp;

	if (imp_utf8_dec(t, n, &cp) != n)
		return 0;
	return cp_is_letter(cp) || (cp >= '0' && cp <= '9') || cp == '/' ||
	    cp == '-';
}

/*
 * Rule "spaced letters and digits": letters and digits printed with a
 * space between each («т а л о н», l. 151; «1 9 3», l. 1012; «8 3 0 3 6 5
 * 9 3», l. 2841; «2 6 / 2 7», l. 888).  Three or more one-character
 * words in a row are joined; two are joined when both are digits
 * («2 9», l. 1409).  Runs of spaces become one.  Caller frees.
 */
char *
imp_collapse_spaced(const char *s)
{
	const char *tok[TOKMAX];
	size_t len[TOKMAX];
	size_t ntok = 0, i, j, k;
	struct buf out;
	const char *p = s;

	while (*p && ntok < TOKMAX) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0')
			break;
		tok[ntok] = p;
		while (
		    *p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		len[ntok] = (size_t)(p - tok[ntok]);
		ntok++;
	}
	buf_init(&out, strlen(s) + 1);
	if (buf_add(&out, "", 0) == -1)
		return NULL;
	for (i = 0; i < ntok; i = j) {
		int alldig = 1;

		j = i;
		while (j < ntok && tok_is_single(tok[j], len[j])) {
			if (!(tok[j][0] >= '0' && tok[j][0] <= '9'))
				alldig = 0;
			j++;
		}
		if (j - i >= 3 || (j - i == 2 && alldig)) {
			if (out.len > 0 && buf_add(&out, " ", 1) == -1)
				goto fail;
			for (k = i; k < j; k++)
				if (buf_add(&out, tok[k], len[k]) == -1)
					goto fail;
			continue;
		}
		if (j == i)
			j = i + 1;
		for (k = i; k < j; k++) {
			if (out.len > 0 && buf_add(&out, " ", 1) == -1)
				goto fail;
			if (buf_add(&out, tok[k], len[k]) == -1)
				goto fail;
		}
	}
	/* Words past TOKMAX are kept as they are. */
	if (*p) {
		if (out.len > 0 && buf_add(&out, " ", 1) == -1)
			goto fail;
		if (buf_puts(&out, p) == -1)
			goto fail;
	}
	return buf_release(&out, NULL);
fail:
	buf_free(&out);
	return NULL;
}

int
imp_district_index(const char *word)
{
	size_t i;

	for (i = 0; i < sizeof(district_words) / sizeof(district_words[0]); i++)
		if (strcmp(word, district_words[i].word) == 0)
			return district_words[i].idx;
	return -1;
}

const char *
imp_district_code(int i)
{
	return i >= 0 && i < IMP_NDISTRICTS ? district_codes[i] : NULL;
}

const char *
imp_district_kk(int i)
{
	return i >= 0 && i < IMP_NDISTRICTS ? district_kk[i] : NULL;
}

const char *
importer_district(const char *name)
{
	char word[64];
	size_t n = 0;

	while (*name == ' ')
		name++;
	while (name[n] && name[n] != ' ' && n + 1 < sizeof(word)) {
		word[n] = name[n];
		n++;
	}
	word[n] = '\0';
	return imp_district_code(imp_district_index(word));
}

/*
 * Rule "district heading": «Алатау ауданы» in the first cell (l. 449),
 * in the second («Алматы қаласы Алатау ауданы», l. 1766), bare
 * (l. 882), bold («**Әуезов ауданы**», l. 1825) or one word a line
 * (l. 855-861; the caller joins those).  «Алматы қаласы» alone is the
 * city level: *district = -1.  Returns 1 for a heading.
 */
int
imp_heading_district(const char *text, int *district)
{
	char tmp[256], *c, *sp;
	size_t i, n = 0;
	int d;

	for (i = 0; text[i] && n + 1 < sizeof(tmp); i++)
		if (text[i] != '*')
			tmp[n++] = text[i];
	tmp[n] = '\0';
	if (text[i] != '\0')
		return 0;
	if ((c = imp_collapse_spaced(tmp)) == NULL)
		return 0;
	sp = c;
	if (strcmp(sp, "Алматы қаласы") == 0) {
		free(c);
		*district = -1;
		return 1;
	}
	if (strncmp(sp, "Алматы қаласы ", strlen("Алматы қаласы ")) == 0)
		sp += strlen("Алматы қаласы ");
	if ((i = strcspn(sp, " ")) == 0 || strcmp(sp + i, " ауданы") != 0) {
		free(c);
		return 0;
	}
	sp[i] = '\0';
	d = imp_district_index(sp);
	free(c);
	if (d < 0)
		return 0;
	*district = d;
	return 1;
}

/*
 * A schedule written once on a line of its own (l. 1039, 2457, 3227):
 * «Аптаның 1-5 күндері ...» or «Демалыс және мереке күндерін ...».
 */
int
imp_is_schedule_text(const char *s)
{
	char *c;
	int r;

	if ((c = imp_collapse_spaced(s)) == NULL)
		return 0;
	r = strncmp(c, "Аптаның", strlen("Аптаның")) == 0 ||
	    strncmp(c, "Демалыс", strlen("Демалыс")) == 0 ||
	    (strstr(c, "сағат") != NULL && strstr(c, "дейін") != NULL);
	free(c);
	return r;
}

int
imp_strs_has(const struct importer_strs *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

int
imp_strs_add(struct importer_strs *l, const char *s)
{
	char **nv, *d;

	if (l->n >= IMP_MAXSTRS)
		return -1;
	if ((d = imp_strdup(s)) == NULL)
		return -1;
	if ((nv = realloc(l->v, (l->n + 1) * sizeof(*nv))) == NULL) {
		free(d);
		return -1;
	}
	l->v = nv;
	l->v[l->n++] = d;
	return 0;
}

void
importer_strs_free(struct importer_strs *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Words are glued only across plain spaces, never across «;» or «,». */
static int
spaces_only(const char *a, const char *b)
{
	for (; a < b; a++)
		if (*a != ' ')
			return 0;
	return 1;
}

static int
web_word(const char *w, struct importer_strs *emails,
    struct importer_strs *webs, int *other)
{
	if (strchr(w, '\\') != NULL) {
		(*other)++;
		return 0;
	}
	if (strchr(w, '@') != NULL) {
		if (!imp_strs_has(emails, w) && imp_strs_add(emails, w) == -1)
			return -1;
	} else if (strchr(w, '.') != NULL) {
		if (!imp_strs_has(webs, w) && imp_strs_add(webs, w) == -1)
			return -1;
	} else
		(*other)++;
	return 0;
}

/*
 * Rule "sites and mail": the cell lists addresses split by «;» and
 * spaces; a space inside an address is dropped: after or before «@»
 * («school_139@ edualmaty.kz», l. 950), after a dot or a slash
 * («school117. freenit.kz», l. 1391; «edualmaty.kz/ school-160»,
 * l. 1783), before the mailbox («scoolint 17@mail.ru», l. 1513).
 * Returns the number of words that were neither, or -1 when out of
 * memory.
 */
int
imp_split_web(
    const char *cell, struct importer_strs *emails, struct importer_strs *webs)
{
	const char *w[256];
	size_t wl[256], nw = 0, i, k;
	struct buf b;
	const char *p = cell;
	int other = 0, rc = -1;

	while (*p && nw < 256) {
		while (*p == ' ' || *p == ';' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		w[nw] = p;
		while (*p && *p != ' ' && *p != ';' && *p != ',' && *p != '\t')
			p++;
		wl[nw] = (size_t)(p - w[nw]);
		nw++;
	}
	buf_init(&b, strlen(cell) + 1);
	for (i = 0; i < nw; i = k) {
		buf_reset(&b);
		if (buf_add(&b, w[i], wl[i]) == -1)
			goto out;
		for (k = i + 1; k < nw; k++) {
			char last = b.data[b.len - 1], first = w[k][0];
			int glue = last == '@' || last == '.' || last == '/' ||
			    first == '@' || first == '.' || first == '/' ||
			    (memchr(b.data, '.', b.len) == NULL &&
				memchr(b.data, '@', b.len) == NULL &&
				memchr(b.data, '\\', b.len) == NULL &&
				memchr(w[k], '@', wl[k]) != NULL);

			if (!glue || !spaces_only(w[k - 1] + wl[k - 1], w[k]))
				break;
			if (buf_add(&b, w[k], wl[k]) == -1)
				goto out;
		}
		while (b.len > 0 &&
		    (b.data[b.len - 1] == '.' || b.data[b.len - 1] == ';'))
			b.data[--b.len] = '\0';
		if (b.len == 0)
			continue;
		if (web_word(b.data, emails, webs, &other) == -1)
			goto out;
	}
	rc = other;
out:
	buf_free(&b);
	return rc;
}

/*
 * The legal form at the end of a name is not part of it: «... колледжі»»
 * and «... колледжі» жауапкершілігі шектеулі серіктестігі» (l. 2273,
 * 2447) are one college.  The suffixes are in key form.
 */
static void
strip_legal_form(struct buf *k)
{
	static const char *sfx[] = {
		"жауапкершилигишектеулисериктестиги",
		"жауапкершилигишектеулисериктестик",
		"жшс",
		"мекемеси",
	};
	size_t i, n;
	int again = 1;

	while (again) {
		again = 0;
		for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
			n = strlen(sfx[i]);
			if (k->len > n &&
			    memcmp(k->data + k->len - n, sfx[i], n) == 0) {
				k->len -= n;
				k->data[k->len] = '\0';
				again = 1;
			}
		}
	}
}

/*
 * Key for telling whether two rows name the same institution: the
 * city-department prefix and initials («Д.А.», l. 2486) dropped, Kazakh
 * letters folded to their Russian base, «ь» dropped («Эдьюкейшин» and
 * «Эдюкейшин», l. 1580, 2848), only letters and digits kept, all small.
 * Caller frees.
 */
char *
imp_name_key(const char *name)
{
	static const char pfx[] = "Алматы қаласы Білім басқармасының";
	struct buf out;
	const char *s = name;
	size_t n, k;
	unsigned cp, next, prev = ' ';
	char enc[4];

	while (*s == ' ')
		s++;
	if (strncmp(s, pfx, sizeof(pfx) - 1) == 0)
		s += sizeof(pfx) - 1;
	n = strlen(s);
	buf_init(&out, n + 1);
	if (buf_add(&out, "", 0) == -1)
		return NULL;
	while (n > 0) {
		k = imp_utf8_dec(s, n, &cp);
		if (cp_is_letter(cp) && !cp_is_letter(prev) && k < n &&
		    imp_utf8_dec(s + k, n - k, &next) > 0 && next == '.') {
			/* An initial: the letter and its dot. */
			prev = '.';
			s += k + 1;
			n -= k + 1;
			continue;
		}
		prev = cp;
		s += k;
		n -= k;
		cp = cp_fold(cp_lower(cp));
		if (cp == 0x44c || cp == 0x44a)
			continue;
		if (!cp_is_letter(cp) && !(cp >= '0' && cp <= '9'))
			continue;
		if (buf_add(&out, enc, utf8_enc(cp, enc)) == -1) {
			buf_free(&out);
			return NULL;
		}
	}
	strip_legal_form(&out);
	return buf_release(&out, NULL);
}

static int
phone_fmt(const char *d, size_t n, char *out, size_t outsz)
{
	if (n == 11 && d[0] == '8')
		d++, n--;
	if (n == 10 && d[0] == '7') {
		snprintf(out, outsz, "+7 %.3s %.3s %.2s %.2s", d, d + 3, d + 6,
		    d + 8);
		return 0;
	}
	if (n == 7) {
		snprintf(out, outsz, "+7 727 %.3s %.2s %.2s", d, d + 3, d + 5);
		return 0;
	}
	return -1;
}

static size_t
phone_target(const char *g, size_t n)
{
	if (g[0] == '8' && (n == 1 || n == 4 || n == 11))
		return 11;
	if (n == 3 && g[0] == '7')
		return 10;
	return 7;
}

/*
 * Rule "phone numbers": digit groups are gathered into numbers of 7
 * digits (an Almaty number, area code 727 added), 10 (area code and
 * number) or 11 (with the trunk prefix 8), all written +7 AAA BBB BB BB.
 * A part between «,» or «;» that does not come out whole is kept as
 * written (l. 2409 «279 38 279 33 41 63», l. 307 «38-83-82»).
 */
int
importer_phones(const char *cell, struct importer_strs *out, int *nbad)
{
	char part[512], fmt[32], cur[32], found[8][32];
	const char *p = cell, *e;
	size_t plen, i, curlen, want, nfound;
	int bad;

	*nbad = 0;
	while (*p) {
		e = p + strcspn(p, ",;");
		plen = (size_t)(e - p);
		if (plen >= sizeof(part))
			plen = sizeof(part) - 1;
		memcpy(part, p, plen);
		part[plen] = '\0';
		p = *e ? e + 1 : e;

		curlen = 0;
		want = 0;
		nfound = 0;
		bad = 0;
		for (i = 0; part[i];) {
			char g[32];
			size_t gl = 0;

			if (!(part[i] >= '0' && part[i] <= '9')) {
				i++;
				continue;
			}
			while (part[i] >= '0' && part[i] <= '9') {
				if (gl + 1 < sizeof(g))
					g[gl++] = part[i];
				else
					bad = 1;
				i++;
			}
			g[gl] = '\0';
			if (curlen > 0 &&
			    (curlen + gl > want || (gl == 1 && g[0] == '8'))) {
				/* The number so far ends short. */
				bad = 1;
				curlen = 0;
			}
			if (curlen == 0)
				want = phone_target(g, gl);
			if (curlen + gl >= sizeof(cur)) {
				bad = 1;
				curlen = 0;
				continue;
			}
			memcpy(cur + curlen, g, gl);
			curlen += gl;
			if (curlen == want) {
				if (nfound < 8 &&
				    phone_fmt(cur, curlen, found[nfound],
					sizeof(found[0])) == 0)
					nfound++;
				else
					bad = 1;
				curlen = 0;
			}
		}
		if (curlen > 0)
			bad = 1;
		if (bad) {
			char *c = imp_collapse_spaced(part);

			if (c == NULL)
				return -1;
			if (*c && !imp_strs_has(out, c) &&
			    imp_strs_add(out, c) == -1) {
				free(c);
				return -1;
			}
			if (*c)
				(*nbad)++;
			free(c);
			continue;
		}
		for (i = 0; i < nfound; i++) {
			strlcpy_chk(fmt, found[i], sizeof(fmt));
			if (!imp_strs_has(out, fmt) &&
			    imp_strs_add(out, fmt) == -1)
				return -1;
		}
	}
	return 0;
}
