/*
 * complaints: the export of a body's incoming-correspondence journal for
 * a year, as XML or CSV, streamed a page of rows at a time, so the export
 * never holds the year in memory.  Each page borrows a reader and gives
 * it back before the page is sent: a client that reads slowly, or not at
 * all, holds no reader while the daemon waits on it.  Journal numbers
 * only grow, so the next page starts after the last number sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaints/complaints_int.h"

#define PAGE_ROWS 64

struct complaints_journal {
	struct complaints *cx;
	struct db_body body;
	int64_t last_no; /* the last one sent */
	int csv, year, started, ended;
	xmlBufferPtr xbuf;
	xmlTextWriterPtr w;
	struct buf pending;
	size_t off;
};

void
complaints_journal_close(struct complaints_journal *j)
{
	if (j == NULL)
		return;
	if (j->w)
		xmlFreeTextWriter(j->w);
	if (j->xbuf)
		xmlBufferFree(j->xbuf);
	buf_free(&j->pending);
	free(j);
}

struct complaints_journal *
complaints_journal_open(struct complaints *cx, const struct complaints_actor *a,
    const char *body, int year, int csv, struct complaints_error *e)
{
	struct complaints_journal *j;
	struct db *db = NULL;

	if (year < 1990 || year > 9999) {
		complaints_error_set(e, COMPLAINTS_EINVAL, "bad-year",
		    "give "
		    "the year, such as 2026");
		return NULL;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
		    "out "
		    "of memory");
		return NULL;
	}
	j->cx = cx;
	j->csv = csv;
	j->year = year;
	buf_init(&j->pending, 1024 * 1024);
	if ((db = complaints_reader(cx, e)) == NULL)
		goto fail;
	if (complaints_body_named(db, body, &j->body, COMPLAINTS_EINVAL, e) !=
	    DB_OK)
		goto fail;
	if (complaints_may_read(db, a, &j->body, 0, e) == -1)
		goto fail;
	db_pool_put(cx->readers, db);
	db = NULL;
	if (!csv) {
		if ((j->xbuf = xmlBufferCreate()) == NULL ||
		    (j->w = xmlNewTextWriterMemory(j->xbuf, 0)) == NULL)
			goto oom;
		xmlTextWriterSetIndent(j->w, 1);
		xmlTextWriterSetIndentString(j->w, BAD_CAST "  ");
	}
	return j;
oom:
	complaints_error_set(e, COMPLAINTS_EINTERNAL, "internal",
	    "out of "
	    "memory");
fail:
	db_pool_put(cx->readers, db);
	complaints_journal_close(j);
	return NULL;
}

static void
local_date(struct complaints_journal *j, int64_t t, char out[32], int with_time)
{
	struct moment m;

	out[0] = '\0';
	if (t == 0 ||
	    tz_local(j->body.tz[0] ? j->body.tz : j->cx->timezone, (time_t)t,
		&m) == -1)
		return;
	if (with_time)
		moment_iso(&m, out);
	else
		snprintf(out, 32, "%04d-%02d-%02d", m.y, m.m, m.d);
}

static int
applicant(const struct db_journal_row *r, char *out, size_t size)
{
	return snprintf(out, size, "%s %s%s%s", r->surname, r->name,
		   r->patronymic ? " " : "",
		   r->patronymic ? r->patronymic : "") < (int)size ?
	    0 :
	    -1;
}

static int
write_elem(xmlTextWriterPtr w, const char *name, const char *v)
{
	return xmlTextWriterWriteElement(
	    w, BAD_CAST name, BAD_CAST(v ? v : ""));
}

/* Formats the rows of one page into pending; -1 on error. */
static int
page(struct complaints_journal *j, struct db_cursor *cur, int *count)
{
	struct db_journal_row r;
	char at[32], ans[32], who[1024], num[24];
	int rc, n = 0;

	while ((rc = db_journal_next_row(cur, &r)) == 1) {
		n++;
		*count = n;
		j->last_no = r.no;
		local_date(j, r.accepted_at, at, 1);
		local_date(j, r.answered_at, ans, 0);
		applicant(&r, who, sizeof(who));
		snprintf(num, sizeof(num), "%lld", (long long)r.no);
		if (j->csv) {
			struct buf *p = &j->pending;
			char svc[8];

			snprintf(svc, sizeof(svc), "%d", r.service);

			if (buf_csv_field(p, num, 0) ||
			    buf_csv_field(p, at, 0) ||
			    buf_csv_field(p, who, 0) ||
			    buf_csv_field(p, r.address, 0) ||
			    buf_csv_field(p, r.subject, 0) ||
			    buf_csv_field(p, r.summary, 0) ||
			    buf_csv_field(p, r.assignee, 0) ||
			    buf_csv_field(p, r.due, 0) ||
			    buf_csv_field(p, r.outcome, 0) ||
			    buf_csv_field(p, ans, 0) ||
			    buf_csv_field(p, r.talon, 0) ||
			    buf_csv_field(p, r.state, 0) ||
			    buf_csv_field(p, svc, 1))
				return -1;
			continue;
		}
#define W(name, v) (write_elem(j->w, name, v) < 0)
		if (xmlTextWriterStartElement(j->w, BAD_CAST "entry") < 0 ||
		    W("number", num) || W("date", at) || W("applicant", who) ||
		    W("address", r.address) || W("subject", r.subject) ||
		    W("summary", r.summary) || W("assigned-to", r.assignee) ||
		    W("due", r.due) || W("outcome", r.outcome) ||
		    W("answered-on", ans) || W("talon", r.talon) ||
		    W("state", r.state) ||
		    xmlTextWriterWriteFormatElement(
			j->w, BAD_CAST "service", "%d", r.service) < 0 ||
		    xmlTextWriterEndElement(j->w) < 0)
			return -1;
#undef W
	}
	return rc == -1 ? -1 : 0;
}

/* Adds the next page of rows to pending; 0 when there are no more. */
static int
fill(struct complaints_journal *j)
{
	struct db_cursor *cur;
	struct db *db;
	char num[24];
	int rc, n = 0;

	if (!j->started) {
		j->started = 1;
		if (j->csv)
			return buf_puts(&j->pending,
				   "number,date,applicant,"
				   "address,subject,summary,assigned_to,due,"
				   "outcome,"
				   "answered_on,talon,state,service\r\n") == 0 ?
			    1 :
			    -1;
		snprintf(num, sizeof(num), "%d", j->year);
		if (xmlTextWriterStartDocument(j->w, "1.0", "UTF-8", NULL) <
			0 ||
		    xmlTextWriterStartElement(j->w, BAD_CAST "journal") < 0 ||
		    xmlTextWriterWriteAttribute(
			j->w, BAD_CAST "body", BAD_CAST j->body.code) < 0 ||
		    xmlTextWriterWriteAttribute(
			j->w, BAD_CAST "year", BAD_CAST num) < 0)
			return -1;
	}
	/*
	 * The reader is held only while this page is formatted; none free
	 * in time ends the stream with an error (the client sees it cut).
	 */
	if ((db = db_pool_get(j->cx->readers)) == NULL) {
		log_warnx("journal: %s: no reader came free; export cut",
		    j->body.code);
		return -1;
	}
	if ((cur = db_journal_open(
		 db, j->body.id, j->year, j->last_no, PAGE_ROWS)) == NULL) {
		db_pool_put(j->cx->readers, db);
		return -1;
	}
	rc = page(j, cur, &n);
	db_journal_close(cur);
	db_pool_put(j->cx->readers, db);
	if (rc == -1)
		return -1;
	rc = n == PAGE_ROWS ? 1 : 0;
	if (rc == 0 && !j->csv && xmlTextWriterEndDocument(j->w) < 0)
		return -1;
	if (!j->csv) {
		xmlTextWriterFlush(j->w);
		if (buf_add(&j->pending, xmlBufferContent(j->xbuf),
			(size_t)xmlBufferLength(j->xbuf)) == -1)
			return -1;
		xmlBufferEmpty(j->xbuf);
	}
	return rc;
}

ssize_t
complaints_journal_read(struct complaints_journal *j, char *dst, size_t max)
{
	size_t n;
	int rc;

	while (j->off == j->pending.len) {
		if (j->ended)
			return 0;
		buf_reset(&j->pending);
		j->off = 0;
		if ((rc = fill(j)) == -1)
			return -1;
		if (rc == 0)
			j->ended = 1;
	}
	n = j->pending.len - j->off;
	if (n > max)
		n = max;
	memcpy(dst, j->pending.data + j->off, n);
	j->off += n;
	return (ssize_t)n;
}
