/*
 * web: rendering the status page from the parts of page.html and the
 * texts of the page's language.  Every value goes through escape(): the
 * number as typed is whatever a stranger sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/web_int.h"

#define PART_CAP	(64 * 1024)	/* a rendered part */
#define TEXT_CAP	2048		/* a text with its values put in */
#define NUMBER_SHOWN	(4 * WEB_FIELD_MAX)	/* of the number as typed */

const char *const web_keys[] = {
	"lang.name", "page.form", "page.status", "page.error",
	"status.heading",
	"state.registered", "state.registered.note",
	"state.in-review", "state.in-review.note",
	"state.extended", "state.extended.note",
	"state.decided", "state.decided.note",
	"state.answered", "state.answered.note",
	"state.closed", "state.closed.note",
	"state.forwarded", "state.forwarded.note",
	"state.left-without-consideration",
	"state.left-without-consideration.note",
	"outcome.upheld", "outcome.partly-upheld", "outcome.rejected",
	"outcome.explained",
	"channel.post", "channel.email", "channel.in-person",
	"link.forwarded-from", "link.appeal-of", "link.root",
	"error.bad-check-digit.title", "error.bad-check-digit.text",
	"error.malformed-talon-number.title",
	"error.malformed-talon-number.text",
	"error.missing-talon-number.title",
	"error.missing-talon-number.text",
	"error.talon-not-found.title", "error.talon-not-found.text",
	"error.wrong-access-code.title", "error.wrong-access-code.text",
	"error.too-many-lookups.title", "error.too-many-lookups.text",
	"error.internal.title", "error.internal.text",
	"month.1", "month.2", "month.3", "month.4", "month.5", "month.6",
	"month.7", "month.8", "month.9", "month.10", "month.11", "month.12",
	"date.format", "datetime.format",
	NULL
};

const char *const web_parts[] = {
	"page", "lang", "lang-current", "error", "status", "overdue",
	"on-time", "handler", "case", "case-item", "decision", "answer",
	"no-decision", "code-hint", NULL
};

/* The error codes the page explains; any other is "internal". */
static const char *const errors[] = {
	"bad-check-digit", "malformed-talon-number", "missing-talon-number",
	"talon-not-found", "wrong-access-code", "too-many-lookups", NULL
};

struct var {
	const char	*name;
	const char	*val;
	int		 raw;	/* an already rendered part */
};

/*
 * Appends s as HTML text or attribute value: & < > " ' escaped, control
 * characters and bytes that are not UTF-8 replaced by U+FFFD.
 */
static int
escape(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	const char *rep;
	size_t n, left = strlen(s);

	while (*p) {
		rep = NULL;
		n = 1;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if (*p == 0x7f || (*p < 0x20 && *p != '\n'))
				rep = "\xef\xbf\xbd";
			else if (*p >= 0x80 &&
			    (n = utf8_dec((const char *)p, left, NULL)) == 0) {
				rep = "\xef\xbf\xbd";
				n = 1;
			}
		}
		if (rep != NULL) {
			if (buf_puts(b, rep) == -1)
				return -1;
		} else if (buf_add(b, p, n) == -1)
			return -1;
		p += n;
		left -= n;
	}
	return 0;
}

static const char *
text(enum web_lang l, const char *key)
{
	const char *t = web_text(l, key, NULL);

	return t ? t : key;
}

/* The text of prefix.name (and suffix), or name itself when unknown. */
static const char *
text_of(enum web_lang l, const char *prefix, const char *name,
    const char *suffix)
{
	char key[128];
	const char *t;

	if ((size_t)snprintf(key, sizeof(key), "%s.%s%s", prefix, name,
	    suffix) >= sizeof(key))
		return name;
	t = web_text(l, key, NULL);
	return t ? t : name;
}

/* Copies a text with its {name} placeholders filled in; not escaped. */
static void
textf(char *out, size_t outlen, const char *tmpl, const struct var *v,
    int nv)
{
	const char *s = tmpl, *c;
	size_t o = 0, n;
	int i;

	while (*s && o + 1 < outlen) {
		if (*s == '{' && (c = strchr(s + 1, '}')) != NULL) {
			n = (size_t)(c - s - 1);
			for (i = 0; i < nv; i++)
				if (strlen(v[i].name) == n &&
				    strncmp(v[i].name, s + 1, n) == 0)
					break;
			if (i < nv) {
				n = strlen(v[i].val);
				if (n > outlen - 1 - o)
					n = outlen - 1 - o;
				memcpy(out + o, v[i].val, n);
				o += n;
				s = c + 1;
				continue;
			}
		}
		out[o++] = *s++;
	}
	out[o] = '\0';
	utf8_trim(out);
}

/* Renders a part of page.html with its values. */
static int
fill(struct buf *b, enum web_lang l, const char *name, const struct var *v,
    int nv)
{
	const struct web_part *p = web_part(name);
	const char *s, *e, *o, *c, *val;
	char key[80];
	size_t n;
	int i, raw;

	if (p == NULL)
		return -1;
	s = p->s;
	e = p->s + p->len;
	while ((o = memmem(s, (size_t)(e - s), "{{", 2)) != NULL) {
		if (buf_add(b, s, (size_t)(o - s)) == -1)
			return -1;
		if ((c = memmem(o + 2, (size_t)(e - o - 2), "}}", 2)) == NULL)
			return -1;
		n = (size_t)(c - o - 2);
		if (n >= sizeof(key))
			return -1;
		memcpy(key, o + 2, n);
		key[n] = '\0';
		raw = 0;
		if (strncmp(key, "t:", 2) == 0) {
			if ((val = web_text(l, key + 2, NULL)) == NULL)
				return -1;
		} else {
			raw = key[0] == '&';
			for (i = 0; i < nv; i++)
				if (strcmp(v[i].name, key + raw) == 0 &&
				    v[i].raw == raw)
					break;
			if (i == nv)
				return -1;	/* unknown: a bug */
			val = v[i].val ? v[i].val : "";
		}
		if ((raw ? buf_puts(b, val) : escape(b, val)) == -1)
			return -1;
		s = c + 2;
	}
	return buf_add(b, s, (size_t)(e - s));
}

/* "2026-12-17" in the words of the language; the ISO date when not one. */
static void
date_words(enum web_lang l, const char *iso, char *out, size_t outlen)
{
	struct date d;
	char day[4], year[8], mkey[12];
	struct var v[3];

	if (iso == NULL || date_parse(iso, &d) == -1) {
		strlcpy_chk(out, iso ? iso : "", outlen);
		return;
	}
	snprintf(day, sizeof(day), "%d", d.d);
	snprintf(year, sizeof(year), "%d", d.y);
	snprintf(mkey, sizeof(mkey), "month.%d", d.m);
	v[0] = (struct var){ "day", day, 0 };
	v[1] = (struct var){ "month", text(l, mkey), 0 };
	v[2] = (struct var){ "year", year, 0 };
	textf(out, outlen, text(l, "date.format"), v, 3);
}

/* The date and the time (hh:mm) of "2026-11-26T14:27:17+05:00". */
static void
datetime_words(enum web_lang l, const char *date_iso, const char *at,
    char *out, size_t outlen)
{
	char date[256], hm[6];
	struct var v[2];

	date_words(l, date_iso, date, sizeof(date));
	if (strlen(at) < 16 || at[10] != 'T') {
		strlcpy_chk(out, date, outlen);
		return;
	}
	memcpy(hm, at + 11, 5);
	hm[5] = '\0';
	v[0] = (struct var){ "date", date, 0 };
	v[1] = (struct var){ "time", hm, 0 };
	textf(out, outlen, text(l, "datetime.format"), v, 2);
}

static const char *
body_name(enum web_lang l, const struct complaints_talon_status *st)
{
	if (l != WEB_KK && st->body_ru[0])
		return st->body_ru;
	if (st->body_kk[0])
		return st->body_kk;
	return st->body_code;
}

/* Whether the answer is still awaited: the due date is worth a word. */
static int
awaited(const char *state)
{
	return strcmp(state, "registered") == 0 ||
	    strcmp(state, "in-review") == 0 ||
	    strcmp(state, "extended") == 0 || strcmp(state, "decided") == 0;
}

static int
render_langs(struct buf *b, const struct web_page *p)
{
	char href[128];

	for (int i = 0; i < WEB_NLANG; i++) {
		enum web_lang l = (enum web_lang)i;
		struct var v[3];

		/* The code is never put in a URL: only the number goes. */
		if (p->st != NULL)
			snprintf(href, sizeof(href), "/status/%s?lang=%s",
			    p->st->number, web_lang_code(l));
		else
			snprintf(href, sizeof(href), "/status?lang=%s",
			    web_lang_code(l));
		v[0] = (struct var){ "href", href, 0 };
		v[1] = (struct var){ "code", web_lang_code(l), 0 };
		v[2] = (struct var){ "name", text(l, "lang.name"), 0 };
		if (fill(b, p->lang, l == p->lang ? "lang-current" : "lang", v,
		    3) == -1)
			return -1;
	}
	return 0;
}

static int
render_error(struct buf *b, const struct web_page *p)
{
	const char *code = "internal";
	char title[TEXT_CAP], msg[TEXT_CAP], minutes[16], number[NUMBER_SHOWN];
	struct var v[2];

	for (int i = 0; errors[i] != NULL; i++)
		if (strcmp(p->error, errors[i]) == 0)
			code = errors[i];
	snprintf(minutes, sizeof(minutes), "%d", p->retry_after > 0 ?
	    (p->retry_after + 59) / 60 : 1);
	strlcpy_chk(number, p->number ? p->number : "", sizeof(number));
	utf8_trim(number);
	v[0] = (struct var){ "number", number, 0 };
	v[1] = (struct var){ "minutes", minutes, 0 };
	textf(msg, sizeof(msg), text_of(p->lang, "error", code, ".text"), v,
	    2);
	textf(title, sizeof(title), text_of(p->lang, "error", code,
	    ".title"), v, 2);
	v[0] = (struct var){ "title", title, 0 };
	v[1] = (struct var){ "text", msg, 0 };
	return fill(b, p->lang, "error", v, 2);
}

static int
render_handler(struct buf *b, enum web_lang l,
    const struct complaints_talon_status *st)
{
	char due[256];
	struct var v[4];

	date_words(l, st->handler_due, due, sizeof(due));
	v[0] = (struct var){ "body", st->handler_kk[0] ? st->handler_kk :
	    st->handler_code, 0 };
	v[1] = (struct var){ "state_text", text_of(l, "state",
	    st->handler_state, ""), 0 };
	v[2] = (struct var){ "due_iso", st->handler_due, 0 };
	v[3] = (struct var){ "due", due, 0 };
	return fill(b, l, "handler", v, 4);
}

static int
render_case(struct buf *b, enum web_lang l,
    const struct complaints_talon_status *st)
{
	struct buf items;
	char href[128];
	struct var v[5];
	int rc = -1;

	buf_init(&items, PART_CAP);
	for (int i = 0; i < st->ncase && i < COMPLAINTS_CASE_MAX; i++) {
		snprintf(href, sizeof(href), "/status/%s?lang=%s",
		    st->cases[i].number, web_lang_code(l));
		v[0] = (struct var){ "link", text_of(l, "link",
		    st->cases[i].link[0] ? st->cases[i].link : "root", ""), 0 };
		v[1] = (struct var){ "href", href, 0 };
		v[2] = (struct var){ "number", st->cases[i].number, 0 };
		v[3] = (struct var){ "body", st->cases[i].body, 0 };
		v[4] = (struct var){ "state_text", text_of(l, "state",
		    st->cases[i].state, ""), 0 };
		if (fill(&items, l, "case-item", v, 5) == -1)
			goto out;
	}
	v[0] = (struct var){ "items", items.data ? items.data : "", 1 };
	rc = fill(b, l, "case", v, 1);
out:
	buf_free(&items);
	return rc;
}

static int
render_decision(struct buf *b, enum web_lang l,
    const struct complaints_talon_status *st)
{
	struct buf answer;
	char decided[256], answered[256];
	struct var v[5];
	int rc = -1;

	buf_init(&answer, PART_CAP);
	if (st->answered_on[0]) {
		date_words(l, st->answered_on, answered, sizeof(answered));
		v[0] = (struct var){ "answered_iso", st->answered_on, 0 };
		v[1] = (struct var){ "answered", answered, 0 };
		v[2] = (struct var){ "channel", text_of(l, "channel",
		    st->answer_channel, ""), 0 };
		if (fill(&answer, l, "answer", v, 3) == -1)
			goto out;
	}
	date_words(l, st->decided_on, decided, sizeof(decided));
	v[0] = (struct var){ "outcome", st->outcome, 0 };
	v[1] = (struct var){ "outcome_text", text_of(l, "outcome",
	    st->outcome, ""), 0 };
	v[2] = (struct var){ "decided_iso", st->decided_on, 0 };
	v[3] = (struct var){ "decided", decided, 0 };
	v[4] = (struct var){ "answer", answer.data ? answer.data : "", 1 };
	rc = fill(b, l, "decision", v, 5);
out:
	buf_free(&answer);
	return rc;
}

static int
render_status(struct buf *b, const struct web_page *p)
{
	const struct complaints_talon_status *st = p->st;
	enum web_lang l = p->lang;
	struct buf deadline, handler, kase, decision;
	char heading[TEXT_CAP], accepted[512], due[256];
	struct var v[13];
	int rc = -1;

	buf_init(&deadline, PART_CAP);
	buf_init(&handler, PART_CAP);
	buf_init(&kase, PART_CAP);
	buf_init(&decision, PART_CAP);
	if (awaited(st->state) && fill(&deadline, l, st->overdue ?
	    "overdue" : "on-time", NULL, 0) == -1)
		goto out;
	if (st->has_handler && render_handler(&handler, l, st) == -1)
		goto out;
	if (st->ncase > 0 && render_case(&kase, l, st) == -1)
		goto out;
	if (!p->code_given) {
		if (fill(&decision, l, "code-hint", NULL, 0) == -1)
			goto out;
	} else if (st->has_decision) {
		if (render_decision(&decision, l, st) == -1)
			goto out;
	} else if (fill(&decision, l, "no-decision", NULL, 0) == -1)
		goto out;
	v[0] = (struct var){ "number", st->number, 0 };
	textf(heading, sizeof(heading), text(l, "status.heading"), v, 1);
	datetime_words(l, st->accepted_on, st->accepted_at, accepted,
	    sizeof(accepted));
	date_words(l, st->due, due, sizeof(due));
	v[0] = (struct var){ "heading", heading, 0 };
	v[1] = (struct var){ "state", st->state, 0 };
	v[2] = (struct var){ "state_text", text_of(l, "state", st->state,
	    ""), 0 };
	v[3] = (struct var){ "state_note", text_of(l, "state", st->state,
	    ".note"), 0 };
	v[4] = (struct var){ "body", body_name(l, st), 0 };
	v[5] = (struct var){ "accepted_iso", st->accepted_at, 0 };
	v[6] = (struct var){ "accepted", accepted, 0 };
	v[7] = (struct var){ "due_iso", st->due, 0 };
	v[8] = (struct var){ "due", due, 0 };
	v[9] = (struct var){ "deadline", deadline.data, 1 };
	v[10] = (struct var){ "handler", handler.data, 1 };
	v[11] = (struct var){ "case", kase.data, 1 };
	v[12] = (struct var){ "decision", decision.data, 1 };
	/* A state without a note: no sentence rather than its key. */
	if (strcmp(v[3].val, st->state) == 0)
		v[3].val = "";
	rc = fill(b, l, "status", v, 13);
out:
	buf_free(&deadline);
	buf_free(&handler);
	buf_free(&kase);
	buf_free(&decision);
	return rc;
}

/* Whether the error is about the number field or the code field. */
static int
error_field(const char *error, const char *field)
{
	if (error == NULL)
		return 0;
	if (strcmp(field, "code") == 0)
		return strcmp(error, "wrong-access-code") == 0;
	return strcmp(error, "bad-check-digit") == 0 ||
	    strcmp(error, "malformed-talon-number") == 0 ||
	    strcmp(error, "missing-talon-number") == 0 ||
	    strcmp(error, "talon-not-found") == 0;
}

int
web_render(const struct web_page *p, struct buf *html)
{
	struct buf langs, message, result;
	char title[TEXT_CAP], number[NUMBER_SHOWN];
	struct var v[10];
	int rc = -1, nerr, cerr;

	if (!web_loaded())
		return -1;
	buf_init(&langs, PART_CAP);
	buf_init(&message, PART_CAP);
	buf_init(&result, 4 * PART_CAP);
	if (render_langs(&langs, p) == -1)
		goto out;
	if (p->error != NULL && render_error(&message, p) == -1)
		goto out;
	if (p->error == NULL && p->st != NULL &&
	    render_status(&result, p) == -1)
		goto out;
	if (p->error == NULL && p->st != NULL) {
		v[0] = (struct var){ "number", p->st->number, 0 };
		textf(title, sizeof(title), text(p->lang, "page.status"), v,
		    1);
		strlcpy_chk(number, p->st->number, sizeof(number));
	} else {
		strlcpy_chk(title, text(p->lang, p->error ? "page.error" :
		    "page.form"), sizeof(title));
		strlcpy_chk(number, p->number ? p->number : "",
		    sizeof(number));
		utf8_trim(number);
	}
	nerr = error_field(p->error, "number");
	cerr = error_field(p->error, "code");
	v[0] = (struct var){ "lang", web_lang_code(p->lang), 0 };
	v[1] = (struct var){ "title", title, 0 };
	v[2] = (struct var){ "langs", langs.data, 1 };
	v[3] = (struct var){ "message", message.data, 1 };
	v[4] = (struct var){ "result", result.data, 1 };
	v[5] = (struct var){ "number", number, 0 };
	v[6] = (struct var){ "number_describedby", nerr ?
	    "error number-hint" : "number-hint", 0 };
	v[7] = (struct var){ "number_invalid", nerr ?
	    " aria-invalid=\"true\"" : "", 1 };
	v[8] = (struct var){ "code_describedby", cerr ?
	    "error code-hint" : "code-hint", 0 };
	v[9] = (struct var){ "code_invalid", cerr ?
	    " aria-invalid=\"true\"" : "", 1 };
	rc = fill(html, p->lang, "page", v, 10);
out:
	buf_free(&langs);
	buf_free(&message);
	buf_free(&result);
	return rc;
}

