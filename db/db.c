/*
 * db: connections, migrations, the statement table and the queries.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "db/db_int.h"
#include "util/util.h"

/*
 * The columns db_complaint_insert writes, in the order of its parameters
 * (complaint_values), forward_due last: one list for the statement, the
 * values bound and the row hash computed from them.
 */
/* clang-format off */
#define COMPLAINT_INSERT_COLS(X) \
	X(talon) X(access_hash) X(body_id) X(journal_year) X(journal_no) \
	X(accepted_at) X(received_at) X(channel) X(service) \
	X(subject_institution) X(subject_name) X(subject_official) \
	X(surname) X(name) X(patronymic) X(address) X(email) X(phone) \
	X(representative_of) X(signed) X(reasons) X(demands) \
	X(registrar_name) X(registrar_position) X(rules) X(due) X(state) \
	X(hash) X(case_id) X(parent_id) X(link) X(level) X(repeat_of) \
	X(applicant_key) X(open) X(due_clause) X(due_basis) X(count_from) \
	X(ground) X(intake)
#define CI_NAME(c)  #c ", "
#define CI_PARAM(c) "?, "
#define CI_STR(c)   #c,
static const char *const insert_cols[] = {
	COMPLAINT_INSERT_COLS(CI_STR) "forward_due"
};
/* clang-format on */
#define N_INSERT_COLS ((int)(sizeof(insert_cols) / sizeof(insert_cols[0])))

/* Every statement, prepared once per connection, referred to by index. */
static const char *const stmt_sql[ST__MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	/*
	 * The full-text index of the complaints registered since the last
	 * commit, once a transaction, just before it commits (db_commit):
	 * FTS5 writes its pending terms out at every statement savepoint of
	 * a transaction that touched it, so indexed row by row it wrote a
	 * new segment per registration and merged them again.
	 */
	[ST_FTS_CATCH_UP] =
	    "INSERT INTO complaint_fts(rowid, applicant, reasons) "
	    "SELECT id, surname || ' ' || name || ' ' || "
	    "coalesce(patronymic, ''), reasons FROM complaint "
	    "WHERE id > (SELECT id FROM complaint_fts_mark) ORDER BY id",
	[ST_FTS_MARK] = "UPDATE complaint_fts_mark SET id = (SELECT max(id) "
			"FROM complaint) WHERE id < (SELECT max(id) FROM "
			"complaint)",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT job",
	[ST_RELEASE] = "RELEASE job",
	[ST_ROLLBACK_TO] = "ROLLBACK TO job",
	[ST_BODY_BY_CODE] =
	    "SELECT id, code, kind, name_kk, name_ru, tz, parent_code, hours "
	    "FROM body WHERE code = ?1",
	[ST_BODY_BY_ID] =
	    "SELECT id, code, kind, name_kk, name_ru, tz, parent_code, hours "
	    "FROM body WHERE id = ?1",
	[ST_JOURNAL_NEXT] = "INSERT INTO journal_counter(body_id, year, last) "
			    "VALUES (?1, ?2, 1) ON CONFLICT(body_id, year) "
			    "DO UPDATE SET last = last + 1 RETURNING last",
	/* clang-format off */
	[ST_COMPLAINT_INSERT] = "INSERT INTO complaint("
	    COMPLAINT_INSERT_COLS(CI_NAME) "forward_due) VALUES ("
	    COMPLAINT_INSERT_COLS(CI_PARAM) "?)",
	/* clang-format on */
	[ST_ATTACHMENT_INSERT] =
	    "INSERT INTO attachment(complaint_id, seq, name, media_type, "
	    "sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_EVENT_LAST_HASH] = "SELECT hash FROM event WHERE body_id = ?1 "
			       "ORDER BY id DESC LIMIT 1",
	[ST_EVENT_INSERT] =
	    "INSERT INTO event(body_id, complaint_id, at, actor, action, "
	    "state_before, state_after, detail, content_hash, prev_hash, "
	    "hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_STATUS_BY_TALON] =
	    "SELECT c.id, c.talon, c.state, b.code, b.name_kk, b.name_ru, "
	    "b.tz, c.accepted_at, c.due, c.journal_year, c.journal_no, "
	    "c.service, c.registrar_name, c.registrar_position, "
	    "c.access_hash, c.rules FROM complaint c "
	    "JOIN body b ON b.id = c.body_id "
	    "WHERE c.talon = ?1",
	/*
	 * Covered by complaint_lookup: no read of the complaint's row.  The
	 * planner would take the talon's UNIQUE index (one row) and then
	 * the row; INDEXED BY keeps it on the covering one.
	 */
	[ST_LOOKUP] =
	    "SELECT c.id, c.case_id, c.talon, c.state, b.code, b.name_kk, "
	    "b.name_ru, b.tz, c.accepted_at, c.due, c.overdue_at, c.open, "
	    "c.link, c.parent_id, c.level, c.outcome, c.decided_at, "
	    "c.answered_at, c.answer_channel, c.access_hash, EXISTS (SELECT 1 "
	    "FROM complaint m WHERE m.case_id = c.id) FROM complaint c "
	    "INDEXED BY complaint_lookup JOIN body b ON b.id = c.body_id "
	    "WHERE c.talon = ?1",
	[ST_COUNT_COMPLAINTS] = "SELECT count(*) FROM complaint",
#define COMPLAINT_COLS \
	"c.id, c.talon, c.body_id, c.journal_year, c.journal_no, " \
	"c.accepted_at, c.received_at, c.channel, c.service, " \
	"c.subject_institution, c.subject_name, c.subject_official, " \
	"c.surname, c.name, c.patronymic, c.address, c.email, c.phone, " \
	"c.representative_of, c.signed, c.reasons, c.demands, " \
	"c.registrar_name, c.registrar_position, c.rules, c.due, c.state, " \
	"c.case_id, c.parent_id, c.link, c.level, c.repeat_of, " \
	"c.assignee, c.extended_reason, c.outcome, c.reasoning, " \
	"c.decided_by, c.decided_at, c.answered_at, c.answer_channel, " \
	"c.overdue_at, c.reminded_at, c.lwc_reason, c.court_told, c.open, " \
	"b.code, b.kind, b.name_kk, b.name_ru, b.tz "
	[ST_COMPLAINT_GET] =
	    "SELECT " COMPLAINT_COLS
	    "FROM complaint c JOIN body b ON b.id = c.body_id WHERE c.id = ?1",
	[ST_COMPLAINT_ID_BY_TALON] =
	    "SELECT id FROM complaint WHERE talon = ?1",
	[ST_COMPLAINT_UPDATE] =
	    "UPDATE complaint SET state = ?2, due = ?3, assignee = ?4, "
	    "extended_reason = ?5, outcome = ?6, reasoning = ?7, "
	    "decided_by = ?8, decided_at = ?9, answered_at = ?10, "
	    "answer_channel = ?11, overdue_at = ?12, reminded_at = ?13, "
	    "lwc_reason = ?14, court_told = ?15, open = ?16, case_id = ?17 "
	    "WHERE id = ?1",
	[ST_ROW_COMPLAINT] = "SELECT * FROM complaint WHERE id = ?1",
	[ST_ROW_ATTACHMENTS] =
	    "SELECT * FROM attachment WHERE complaint_id = ?1 ORDER BY seq",
	[ST_EVENTS_OF] =
	    "SELECT e.id, b.code, e.at, e.actor, e.action, e.state_before, "
	    "e.state_after, e.detail FROM event e "
	    "JOIN body b ON b.id = e.body_id WHERE e.complaint_id = ?1 "
	    "ORDER BY e.id LIMIT 1000",
	[ST_CASE_OF] =
	    "SELECT c.id, c.talon, c.state, b.code, b.name_kk, c.link, "
	    "c.parent_id, c.due, c.level, c.accepted_at FROM complaint c "
	    "JOIN body b ON b.id = c.body_id WHERE c.id IN (SELECT ?1 "
	    "UNION ALL SELECT id FROM complaint WHERE case_id = ?1) "
	    "ORDER BY c.id LIMIT 64",
	[ST_CASE_MEMBERS] =
	    "SELECT c.id, c.talon, c.state, b.code, b.name_kk, c.link, "
	    "c.parent_id, c.due, c.level, c.accepted_at FROM complaint c "
	    "JOIN body b ON b.id = c.body_id WHERE c.case_id = ?1 "
	    "ORDER BY c.id LIMIT 64",
	[ST_REPEAT_FIND] =
	    "SELECT id, case_id FROM complaint WHERE applicant_key = ?1 "
	    "AND service = ?2 AND accepted_at >= ?3 AND id <> ?4 "
	    "ORDER BY accepted_at DESC LIMIT 1",
	[ST_WATCH_OVERDUE] =
	    "SELECT id FROM complaint WHERE open = 1 AND overdue_at IS NULL "
	    "AND due < ?1 ORDER BY due LIMIT ?2",
	[ST_WATCH_REMIND] =
	    "SELECT id FROM complaint WHERE open = 1 AND reminded_at IS NULL "
	    "AND due <= ?1 ORDER BY due LIMIT ?2",
	[ST_NOTIFY_INSERT] =
	    "INSERT INTO notification(uid, complaint_id, kind, channel, "
	    "recipient, lang, created_at, due_by, next_attempt_at, body_id, "
	    "prev_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, "
	    "(SELECT body_id FROM complaint WHERE id = ?2), ?9)",
#define OUTBOX_COLS \
	"n.id, n.uid, n.complaint_id, n.kind, n.channel, n.recipient, " \
	"n.lang, n.state, n.created_at, n.due_by, n.attempts, " \
	"n.next_attempt_at, n.last_error, n.sent_at, n.out_year, n.out_no, " \
	"n.tracking, n.letter_date, n.posted_at, b.code, n.body_id, " \
	"n.prev_due "
	[ST_OUTBOX_DUE] =
	    "SELECT " OUTBOX_COLS "FROM notification n "
	    "JOIN body b ON b.id = n.body_id WHERE n.state IN ('pending', "
	    "'sending') AND n.next_attempt_at <= ?1 "
	    "ORDER BY n.next_attempt_at LIMIT ?2",
	[ST_OUTBOX_GET] = "SELECT " OUTBOX_COLS "FROM notification n "
			  "JOIN body b ON b.id = n.body_id WHERE n.id = ?1",
	[ST_OUTBOX_CLAIM] =
	    "UPDATE notification SET state = 'sending', "
	    "attempts = attempts + 1, out_year = coalesce(out_year, ?2), "
	    "out_no = coalesce(out_no, ?3), letter_date = coalesce("
	    "letter_date, ?4) WHERE id = ?1 AND state IN ('pending', "
	    "'sending')",
	[ST_OUTBOX_SET] =
	    "UPDATE notification SET state = ?2, next_attempt_at = ?3, "
	    "last_error = ?4, sent_at = coalesce(?5, sent_at), "
	    "posted_at = coalesce(?6, posted_at), "
	    "tracking = coalesce(?7, tracking) WHERE id = ?1",
	[ST_OUTBOX_ATTEMPT] =
	    "INSERT INTO notification_attempt(notification_id, at, result, "
	    "detail) VALUES (?1, ?2, ?3, ?4)",
	[ST_OUTGOING_NEXT] =
	    "INSERT INTO outgoing_counter(body_id, year, last) "
	    "VALUES (?1, ?2, 1) ON CONFLICT(body_id, year) "
	    "DO UPDATE SET last = last + 1 RETURNING last",
	[ST_OUTBOX_LIST] =
	    "SELECT " OUTBOX_COLS "FROM notification n "
	    "JOIN body b ON b.id = n.body_id WHERE (?1 IS NULL OR "
	    "n.state = ?1) AND (?2 IS NULL OR n.body_id = ?2) AND n.id > ?3 "
	    "ORDER BY n.id LIMIT ?4",
	[ST_OUTBOX_POST_READY] =
	    "SELECT " OUTBOX_COLS "FROM notification n "
	    "JOIN body b ON b.id = n.body_id WHERE n.body_id = ?1 AND "
	    "n.channel = 'post' AND n.letter_date = ?2 AND n.state IN "
	    "('ready', 'sent') ORDER BY n.out_no",
	[ST_OUTBOX_RESET] =
	    "UPDATE notification SET state = 'pending', next_attempt_at = ?2, "
	    "channel = ?3, recipient = ?4, last_error = NULL, attempts = 0, "
	    "letter_date = NULL WHERE id = ?1",
#define STAFF_COLS \
	"s.id, s.login, s.full_name, s.position, b.code, s.role, s.active, " \
	"s.pw_hash, s.created_at, b.id "
	[ST_STAFF_INSERT] =
	    "INSERT INTO staff(login, full_name, position, body_id, role, "
	    "pw_hash, created_at, surname, given_name, patronymic) VALUES "
	    "(?1, ?2, ?3, (SELECT id FROM body WHERE code = ?4), ?5, ?6, ?7, "
	    "?8, ?9, ?10)",
	[ST_STAFF_BY_LOGIN] =
	    "SELECT " STAFF_COLS "FROM staff s "
	    "JOIN body b ON b.id = s.body_id WHERE s.login = ?1",
	[ST_STAFF_BY_ID] = "SELECT " STAFF_COLS "FROM staff s "
			   "JOIN body b ON b.id = s.body_id WHERE s.id = ?1",
	[ST_STAFF_REHASH] = "UPDATE staff SET pw_hash = ?2 WHERE login = ?1 "
			    "AND pw_hash = ?3",
	[ST_STAFF_UPDATE] = "UPDATE staff SET active = coalesce(?2, active), "
			    "pw_hash = coalesce(?3, pw_hash) WHERE login = ?1",
	[ST_STAFF_LIST] =
	    "SELECT " STAFF_COLS "FROM staff s "
	    "JOIN body b ON b.id = s.body_id ORDER BY s.login LIMIT 10000",
	[ST_TOKEN_INSERT] =
	    "INSERT INTO token(hash, staff_id, kind, label, created_at, "
	    "expires_at, last_used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
	[ST_TOKEN_BY_HASH] =
	    "SELECT t.id, t.kind, t.expires_at, t.last_used, "
	    "t.revoked_at, " STAFF_COLS
	    "FROM token t JOIN staff s ON s.id = t.staff_id "
	    "JOIN body b ON b.id = s.body_id WHERE t.hash = ?1",
	[ST_TOKEN_TOUCH] = "UPDATE token SET last_used = ?2 WHERE id = ?1",
	[ST_TOKEN_REVOKE] =
	    "UPDATE token SET revoked_at = ?2 WHERE id = ?1 AND "
	    "(?3 IS NULL OR staff_id = ?3) AND revoked_at IS NULL",
	[ST_TOKEN_REVOKE_STAFF] =
	    "UPDATE token SET revoked_at = ?2 WHERE staff_id = (SELECT id "
	    "FROM staff WHERE login = ?1) AND revoked_at IS NULL",
	[ST_TOKEN_LIST] =
	    "SELECT t.id, t.kind, t.label, t.created_at, t.expires_at, "
	    "t.last_used, t.revoked_at FROM token t WHERE t.staff_id = ?1 "
	    "ORDER BY t.id DESC LIMIT 200",
	[ST_STAFF_EVENT] =
	    "INSERT INTO staff_event(at, actor, action, target, detail) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_LAW_GET] =
	    "SELECT due_clause, due_basis, count_from, ground, intake, "
	    "forward_due, forward_reminded_at, forward_overdue_at, "
	    "received_at, accepted_at FROM complaint WHERE id = ?1",
	/* Not yet acted on: a complaint taken up is its body's now. */
	[ST_FORWARD_OVERDUE] =
	    "SELECT id FROM complaint WHERE open = 1 AND state = 'registered' "
	    "AND forward_due IS NOT NULL AND forward_overdue_at IS NULL "
	    "AND forward_due < ?1 ORDER BY forward_due LIMIT ?2",
	[ST_FORWARD_REMIND] =
	    "SELECT id FROM complaint WHERE open = 1 AND state = 'registered' "
	    "AND forward_due IS NOT NULL AND forward_reminded_at IS NULL "
	    "AND forward_overdue_at IS NULL AND forward_due <= ?1 "
	    "ORDER BY forward_due LIMIT ?2",
	[ST_FORWARD_MARK_OVERDUE] =
	    "UPDATE complaint SET forward_overdue_at = ?2 WHERE id = ?1",
	[ST_FORWARD_MARK_REMIND] =
	    "UPDATE complaint SET forward_reminded_at = ?2 WHERE id = ?1",
	[ST_OUTBOX_COUNT_STATE] =
	    "SELECT count(*) FROM notification WHERE state = ?1",
	[ST_DRAFT_INSERT] = "INSERT INTO draft(token_hash, email_key, "
			    "client_key, doc, created_at, expires_at) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_DRAFT_GET] = "SELECT doc FROM draft WHERE token_hash = ?1 "
			 "AND expires_at > ?2",
	[ST_DRAFT_TAKE] = "DELETE FROM draft WHERE token_hash = ?1 "
			  "AND expires_at > ?2",
	[ST_DRAFT_COUNT] =
	    "SELECT (SELECT count(*) FROM draft "
	    "WHERE email_key = ?1 AND expires_at > ?2), (SELECT count(*) "
	    "FROM draft WHERE client_key = ?3 AND created_at > ?2 - 3600 "
	    "AND expires_at > ?2), (SELECT count(*) FROM draft)",
	[ST_DRAFT_PURGE] = "DELETE FROM draft WHERE expires_at <= ?1",
	[ST_FMAIL_INSERT] = "INSERT INTO filing_mail(kind, created_at, "
			    "next_at, sealed) VALUES (?1, ?2, ?2, ?3)",
	[ST_FMAIL_DUE] = "SELECT id, kind, attempts, sealed FROM filing_mail "
			 "WHERE next_at <= ?1 ORDER BY next_at, id LIMIT ?2",
	[ST_FMAIL_DONE] = "DELETE FROM filing_mail WHERE id = ?1",
	[ST_FMAIL_RETRY] = "UPDATE filing_mail SET attempts = attempts + 1, "
			   "next_at = ?2, last_error = ?3 WHERE id = ?1",
	[ST_FMAIL_COUNT] = "SELECT count(*) FROM filing_mail",
	[ST_MAIL_INSERT] =
	    "INSERT INTO mail_intake(body_id, message_id, "
	    "sender, sender_name, subject, text, received_at, no_reply, "
	    "replied_at, left_out) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
	    "?9, ?10) ON CONFLICT(message_id) DO NOTHING",
	[ST_MAIL_ATT_INSERT] =
	    "INSERT INTO mail_attachment(mail_id, seq, "
	    "name, media_type, size, sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_MAIL_REPLIED] =
	    "SELECT count(*) FROM mail_intake "
	    "WHERE sender = ?1 COLLATE NOCASE AND replied_at > ?2",
	[ST_MAIL_GET] =
	    "SELECT m.body_id, m.message_id, m.sender, "
	    "m.sender_name, m.subject, m.text, m.received_at, m.no_reply, "
	    "m.complaint_id FROM mail_intake m WHERE m.id = ?1",
	/* In the registration's savepoint: its row is the newest. */
	[ST_MAIL_REGISTERED] = "UPDATE mail_intake SET complaint_id = "
			       "(SELECT max(id) FROM complaint) WHERE id = ?1 "
			       "AND complaint_id IS NULL",
	[ST_MAIL_LIST] =
	    "SELECT m.id, m.message_id, m.sender, "
	    "m.sender_name, m.subject, m.received_at, m.no_reply, "
	    "(SELECT count(*) FROM mail_attachment a WHERE a.mail_id = m.id), "
	    "substr(m.text, 1, 300) FROM mail_intake m "
	    "WHERE m.body_id = ?1 AND m.complaint_id IS NULL AND m.id > ?2 "
	    "ORDER BY m.id LIMIT ?3",
#define LIST_COLS \
	"c.id, c.talon, c.state, b.code, c.service, c.accepted_at, c.due, " \
	"c.overdue_at, c.journal_year, c.journal_no, c.assignee, " \
	"c.forward_due, c.forward_overdue_at, c.surname, c.name, " \
	"c.patronymic, c.subject_institution "
#define LIST_FILTER \
	"AND (?2 IS NULL OR c.state = ?2) AND (?3 IS NULL OR c.service = ?3) " \
	"AND (?4 IS NULL OR c.accepted_at >= ?4) " \
	"AND (?5 IS NULL OR c.accepted_at < ?5) " \
	"AND (?8 IS NULL OR (c.overdue_at IS NOT NULL) = ?8) " \
	"AND (?10 IS NULL OR c.subject_institution = ?10) "
#define LIST_SELECT \
	"SELECT " LIST_COLS "FROM complaint c JOIN body b ON b.id = " \
	"c.body_id "
	/*
	 * The inbox (db/inbox.c): open entries first by due date, then the
	 * others, the latest due first; paged by the key (due, id) of the
	 * last row seen, each part a range of an index: complaint_inbox for
	 * a body, complaint_overdue_due for the overdue of every body (the
	 * escalation desk); tests/unit/test_db.c holds their plans.  A list
	 * of every body beyond the overdue is the server's own (complaintctl
	 * --data-dir) and reads the table.  A search is another order, the
	 * newest registration first: the words' matches in complaint_fts by
	 * rowid descending from the last row seen, each joined to its row
	 * for the filters, so that a page reads the index's matches once and
	 * stops at its last row (kept to the inbox's order, a common name's
	 * tens of thousands of matches were gathered and sorted every page).
	 */
	[ST_LIST_KEY] = "SELECT open, due FROM complaint WHERE id = ?1",
	[ST_LIST_OPEN_BODY] = LIST_SELECT
	"WHERE c.body_id = ?1 AND c.open = 1 "
	"AND (c.due, c.id) > (?6, ?7) " LIST_FILTER
	"ORDER BY c.due, c.id LIMIT ?9",
	[ST_LIST_DONE_BODY] = LIST_SELECT
	"WHERE c.body_id = ?1 AND "
	"c.open IS NULL AND (c.due, c.id) < "
	"(?6, ?7) " LIST_FILTER "ORDER BY c.due DESC, c.id DESC LIMIT ?9",
	[ST_LIST_OVERDUE] = LIST_SELECT
	"WHERE c.open = 1 AND c.overdue_at IS NOT NULL "
	"AND (c.due, c.id) > (?6, ?7) " LIST_FILTER
	"ORDER BY c.due, c.id LIMIT ?9",
	[ST_LIST_OPEN_ALL] = LIST_SELECT "WHERE c.open = 1 AND (c.due, c.id) > "
					 "(?6, ?7) " LIST_FILTER
					 "ORDER BY c.due, c.id LIMIT ?9",
	[ST_LIST_DONE_ALL] = LIST_SELECT
	"WHERE c.open IS NULL AND "
	"(c.due, c.id) < (?6, ?7) " LIST_FILTER
	"ORDER BY c.due DESC, c.id DESC LIMIT ?9",
	[ST_LIST_SEARCH] =
	    "SELECT " LIST_COLS
	    "FROM complaint_fts f JOIN complaint c ON c.id = f.rowid "
	    "JOIN body b ON b.id = c.body_id "
	    "WHERE complaint_fts MATCH ?11 AND f.rowid < ?7 "
	    "AND (?1 IS NULL OR c.body_id = ?1) "
	    "AND (?8 IS NOT 1 OR c.open = 1) " LIST_FILTER
	    "ORDER BY f.rowid DESC LIMIT ?9",
	/* The open entries of a body per assignee, and its officials
	 * with none. */
	[ST_WORKLOAD] =
	    "WITH w AS (SELECT assignee AS a, count(*) AS n, "
	    "count(overdue_at) AS o FROM complaint WHERE body_id = ?1 "
	    "AND open = 1 GROUP BY assignee) "
	    "SELECT a, n, o FROM (SELECT a, n, o FROM w UNION ALL "
	    "SELECT s.full_name AS a, 0 AS n, 0 AS o FROM staff s "
	    "WHERE s.body_id = ?1 AND s.active = 1 "
	    "AND s.role IN ('registrar', 'head') "
	    "AND NOT EXISTS (SELECT 1 FROM w WHERE w.a IN (s.full_name, "
	    "s.login))) ORDER BY o DESC, n DESC, a IS NULL, a",
	[ST_JOURNAL_EXPORT] =
	    "SELECT c.journal_no, c.accepted_at, c.surname, c.name, "
	    "c.patronymic, c.address, c.subject_name, substr(c.reasons, 1, "
	    "200), c.assignee, c.due, c.outcome, c.answered_at, c.talon, "
	    "c.state, c.service FROM complaint c WHERE c.body_id = ?1 AND "
	    "c.journal_year = ?2 AND c.journal_no > ?3 ORDER BY c.journal_no "
	    "LIMIT ?4",
	[ST_VERIFY_NEXT_COMPLAINT] =
	    "SELECT id, talon FROM complaint WHERE id > ?1 ORDER BY id LIMIT 1",
	[ST_VERIFY_LAST_EVENT] =
	    "SELECT id, content_hash FROM event WHERE complaint_id = ?1 "
	    "ORDER BY id DESC LIMIT 1",
	[ST_VERIFY_EVENTS] =
	    "SELECT e.id, e.body_id, e.complaint_id, e.at, e.actor, e.action, "
	    "e.state_before, e.state_after, e.detail, e.content_hash, "
	    "e.prev_hash, e.hash, b.code FROM event e "
	    "JOIN body b ON b.id = e.body_id ORDER BY e.body_id, e.id",
	[ST_VERIFY_GAPS] =
	    "SELECT b.code, c.journal_year, count(*), min(c.journal_no), "
	    "max(c.journal_no) FROM complaint c JOIN body b "
	    "ON b.id = c.body_id GROUP BY c.body_id, c.journal_year",
	[ST_BODY_UPSERT] =
	    "INSERT INTO body(code, kind, name_kk, name_ru, parent_code, tz, "
	    "district, address, phones, emails, sites, schedule, hours, "
	    "services, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	    "?10, ?11, ?12, ?13, ?14, 1) ON CONFLICT(code) DO UPDATE SET "
	    "kind = ?2, name_kk = ?3, name_ru = ?4, parent_code = ?5, tz = ?6, "
	    "district = ?7, address = ?8, phones = ?9, emails = ?10, "
	    "sites = ?11, schedule = ?12, hours = ?13, services = ?14, "
	    "active = 1",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
			"ON CONFLICT(key) DO UPDATE SET value = ?2",
	[ST_BODY_DETAIL] =
	    "SELECT b.id, b.code, b.kind, b.name_kk, b.name_ru, b.address, "
	    "b.phones, b.district, b.services, b.parent_code, b.emails, "
	    "b.sites, b.schedule FROM body b WHERE b.code = ?1",
	/* A body and the offices below it, by the parent chain. */
	[ST_BODY_SUBTREE] =
	    "WITH RECURSIVE sub(code, depth) AS (SELECT ?1, 0 UNION "
	    "SELECT b.code, s.depth + 1 FROM body b JOIN sub s "
	    "ON b.parent_code = s.code WHERE s.depth < 6) "
	    "SELECT b.id, b.code, b.kind, b.name_kk, b.name_ru, b.address, "
	    "b.phones, b.district, b.services, b.parent_code, b.emails, "
	    "b.sites, b.schedule FROM sub JOIN body b ON b.code = sub.code "
	    "WHERE sub.depth = 0 OR b.kind IN ('city-department', "
	    "'district-office') ORDER BY sub.depth, b.code",
	[ST_BODY_SEARCH] =
	    "SELECT b.id, b.code, b.kind, b.name_kk, b.name_ru, b.address, "
	    "b.phones, b.district, b.services, b.parent_code, b.emails, "
	    "b.sites, b.schedule FROM body_fts f "
	    "JOIN body b ON b.id = f.rowid WHERE body_fts MATCH ?1 "
	    "ORDER BY b.id IN (SELECT rowid FROM body_fts WHERE body_fts "
	    "MATCH ?3) DESC, bm25(body_fts, 10.0, 10.0, 1.0) LIMIT ?2",
	[ST_REPORT_SUM] = REPORT_SQL_SUM,
	[ST_REPORT_WD] = REPORT_SQL_WD,
	[ST_REPORT_OVERDUE] = REPORT_SQL_OVERDUE,
	[ST_REPORT_TRACE] = REPORT_SQL_TRACE,
	[ST_REPORT_TRACE_OVERDUE] = REPORT_SQL_TRACE_OVERDUE,
	[ST_REPORT_WORKDAY_PUT] = REPORT_SQL_WORKDAY_PUT,
	[ST_REPORT_BOUNDS] = REPORT_SQL_BOUNDS,
	[ST_REPORT_EVENT_DAY] = REPORT_SQL_EVENT_DAY,
	[ST_REPORT_TRACE_DAYS] = REPORT_SQL_TRACE_DAYS,
	[ST_REPORT_PENDING] = REPORT_SQL_PENDING,
	[ST_REPORT_COUNT_DAY] = REPORT_SQL_COUNT_DAY,
	[ST_REPORT_COUNT_WD] = REPORT_SQL_COUNT_WD,
	[ST_REPORT_COUNTED_SET] = REPORT_SQL_COUNTED_SET,
	[ST_REPORT_WORKDAY_GET] =
	    "SELECT start, cum, wd FROM report_workday WHERE day = ?1",
};

/*
 * The migrations, in order; migration i brings user_version from i to
 * i + 1.  Never edit one that has shipped: add the next.
 */
/* The staff table, as made at schema 4 and rebuilt at schema 10. */
#define STAFF_TABLE(name, roles, more) \
	"CREATE TABLE " name " (" \
	"  id INTEGER PRIMARY KEY," \
	"  login TEXT NOT NULL UNIQUE," \
	"  full_name TEXT NOT NULL," \
	"  position TEXT NOT NULL," \
	"  body_id INTEGER NOT NULL REFERENCES body(id)," \
	"  role TEXT NOT NULL CHECK (role IN (" roles "))," \
	"  active INTEGER NOT NULL DEFAULT 1," \
	"  pw_hash TEXT NOT NULL," \
	"  created_at INTEGER NOT NULL" more ");"

/*
 * The staff table rebuilt with another list of roles (SQLite cannot
 * change a CHECK in place): every row copied with its id.
 */
#define STAFF_REBUILD(roles) \
	STAFF_TABLE("staff_new", roles, \
	    ", surname TEXT, given_name TEXT, patronymic TEXT") \
	"INSERT INTO staff_new(id, login, full_name, position, body_id, role," \
	"  active, pw_hash, created_at, surname, given_name, patronymic)" \
	"  SELECT id, login, full_name, position, body_id, role, active," \
	"  pw_hash, created_at, surname, given_name, patronymic FROM staff;" \
	"DROP TABLE staff;" \
	"ALTER TABLE staff_new RENAME TO staff;"

/* The body of complaint_fts_upd (migrations 16 and 17): the entry of
 * the row as it was out, as it is in. */
#define COMPLAINT_FTS_REPLACE \
	"  INSERT INTO complaint_fts(complaint_fts, rowid, applicant, " \
	"reasons)" \
	"  VALUES ('delete', old.id, old.surname || ' ' || old.name || ' ' ||" \
	"  coalesce(old.patronymic, ''), old.reasons);" \
	"  INSERT INTO complaint_fts(rowid, applicant, reasons)" \
	"  VALUES (new.id, new.surname || ' ' || new.name || ' ' ||" \
	"  coalesce(new.patronymic, ''), new.reasons);" \
	"  END;"

static const char *const migrations[] = {
	/* 1: bodies, journal, attachments, the event chain. */
	"CREATE TABLE body ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  kind TEXT NOT NULL,"
	"  name_kk TEXT NOT NULL,"
	"  name_ru TEXT NOT NULL DEFAULT '',"
	"  parent_code TEXT,"
	"  tz TEXT NOT NULL DEFAULT 'Asia/Almaty');"
	"INSERT INTO body(code, kind, name_kk, name_ru, parent_code) VALUES"
	" ('mes', 'ministry',"
	"  'Қазақстан Республикасы Білім және ғылым министрлігі',"
	"  'Министерство образования и науки Республики Казахстан', NULL),"
	" ('almaty-edu', 'city-department', 'Алматы қаласы Білім басқармасы',"
	"  'Управление образования города Алматы', 'mes'),"
	" ('almaty-alatau', 'district-office',"
	"  'Алатау ауданының білім бөлімі',"
	"  'Отдел образования Алатауского района', 'almaty-edu'),"
	" ('almaty-almaly', 'district-office',"
	"  'Алмалы ауданының білім бөлімі',"
	"  'Отдел образования Алмалинского района', 'almaty-edu'),"
	" ('almaty-auezov', 'district-office',"
	"  'Әуезов ауданының білім бөлімі',"
	"  'Отдел образования Ауэзовского района', 'almaty-edu'),"
	" ('almaty-bostandyk', 'district-office',"
	"  'Бостандық ауданының білім бөлімі',"
	"  'Отдел образования Бостандыкского района', 'almaty-edu'),"
	" ('almaty-zhetysu', 'district-office',"
	"  'Жетісу ауданының білім бөлімі',"
	"  'Отдел образования Жетысуского района', 'almaty-edu'),"
	" ('almaty-medeu', 'district-office',"
	"  'Медеу ауданының білім бөлімі',"
	"  'Отдел образования Медеуского района', 'almaty-edu'),"
	" ('almaty-turksib', 'district-office',"
	"  'Түрксіб ауданының білім бөлімі',"
	"  'Отдел образования Турксибского района', 'almaty-edu');"
	"CREATE TABLE journal_counter ("
	"  body_id INTEGER NOT NULL REFERENCES body(id),"
	"  year INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  PRIMARY KEY (body_id, year)) WITHOUT ROWID;"
	"CREATE TABLE complaint ("
	"  id INTEGER PRIMARY KEY,"
	"  talon TEXT NOT NULL UNIQUE,"
	"  access_hash BLOB NOT NULL,"
	"  body_id INTEGER NOT NULL REFERENCES body(id),"
	"  journal_year INTEGER NOT NULL,"
	"  journal_no INTEGER NOT NULL,"
	"  accepted_at INTEGER NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  service INTEGER NOT NULL CHECK (service BETWEEN 1 AND 11),"
	"  subject_institution TEXT,"
	"  subject_name TEXT NOT NULL,"
	"  subject_official TEXT,"
	"  surname TEXT NOT NULL CHECK (surname <> ''),"
	"  name TEXT NOT NULL,"
	"  patronymic TEXT,"
	"  address TEXT,"
	"  email TEXT,"
	"  phone TEXT,"
	"  representative_of TEXT,"
	"  signed INTEGER NOT NULL,"
	"  reasons TEXT NOT NULL,"
	"  demands TEXT NOT NULL,"
	"  registrar_name TEXT NOT NULL,"
	"  registrar_position TEXT NOT NULL,"
	"  rules TEXT NOT NULL,"
	"  due TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  hash BLOB NOT NULL,"
	"  UNIQUE (body_id, journal_year, journal_no));"
	"CREATE INDEX complaint_due ON complaint(due);"
	"CREATE TABLE attachment ("
	"  complaint_id INTEGER NOT NULL REFERENCES complaint(id),"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  media_type TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  PRIMARY KEY (complaint_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY,"
	"  body_id INTEGER NOT NULL REFERENCES body(id),"
	"  complaint_id INTEGER NOT NULL REFERENCES complaint(id),"
	"  at INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  state_before TEXT,"
	"  state_after TEXT NOT NULL,"
	"  detail TEXT,"
	"  content_hash BLOB NOT NULL,"
	"  prev_hash BLOB NOT NULL,"
	"  hash BLOB NOT NULL);"
	"CREATE INDEX event_body ON event(body_id, id);"
	"CREATE INDEX event_complaint ON event(complaint_id, id);"
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event BEGIN"
	"  SELECT RAISE(ABORT, 'the event trail is append-only'); END;"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event BEGIN"
	"  SELECT RAISE(ABORT, 'the event trail is append-only'); END;"
	"CREATE TRIGGER complaint_no_delete BEFORE DELETE ON complaint BEGIN"
	"  SELECT RAISE(ABORT, 'the journal is append-only'); END;"
	"CREATE TRIGGER attachment_no_change BEFORE UPDATE ON attachment BEGIN"
	"  SELECT RAISE(ABORT, 'the journal is append-only'); END;",

	/*
	 * 2: the directory in the body table with full-text search; the
	 * life of a complaint (cases, decisions, deadlines watched); the
	 * outbox of notifications.  New columns of complaint stay nullable:
	 * the audit hash of a row covers its non-NULL columns only, so a
	 * migration never changes the hash of an existing row.
	 */
	"ALTER TABLE body ADD COLUMN district TEXT;"
	"ALTER TABLE body ADD COLUMN address TEXT;"
	"ALTER TABLE body ADD COLUMN phones TEXT;"
	"ALTER TABLE body ADD COLUMN emails TEXT;"
	"ALTER TABLE body ADD COLUMN sites TEXT;"
	"ALTER TABLE body ADD COLUMN schedule TEXT;"
	"ALTER TABLE body ADD COLUMN hours TEXT;"
	"ALTER TABLE body ADD COLUMN services TEXT;"
	"ALTER TABLE body ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
	"CREATE VIRTUAL TABLE body_fts USING fts5(name_kk, name_ru, address,"
	"  content='body', content_rowid='id',"
	"  tokenize='unicode61 remove_diacritics 0');"
	"INSERT INTO body_fts(rowid, name_kk, name_ru, address)"
	"  SELECT id, name_kk, name_ru, coalesce(address, '') FROM body;"
	"CREATE TRIGGER body_fts_ins AFTER INSERT ON body BEGIN"
	"  INSERT INTO body_fts(rowid, name_kk, name_ru, address)"
	"  VALUES (new.id, new.name_kk, new.name_ru, coalesce(new.address, "
	"''));"
	"  END;"
	"CREATE TRIGGER body_fts_upd AFTER UPDATE ON body BEGIN"
	"  INSERT INTO body_fts(body_fts, rowid, name_kk, name_ru, address)"
	"  VALUES ('delete', old.id, old.name_kk, old.name_ru,"
	"  coalesce(old.address, ''));"
	"  INSERT INTO body_fts(rowid, name_kk, name_ru, address)"
	"  VALUES (new.id, new.name_kk, new.name_ru, coalesce(new.address, "
	"''));"
	"  END;"
	"ALTER TABLE complaint ADD COLUMN case_id INTEGER;"
	"ALTER TABLE complaint ADD COLUMN parent_id INTEGER;"
	"ALTER TABLE complaint ADD COLUMN link TEXT;"
	"ALTER TABLE complaint ADD COLUMN level INTEGER;"
	"ALTER TABLE complaint ADD COLUMN repeat_of INTEGER;"
	"ALTER TABLE complaint ADD COLUMN applicant_key BLOB;"
	"ALTER TABLE complaint ADD COLUMN assignee TEXT;"
	"ALTER TABLE complaint ADD COLUMN extended_reason TEXT;"
	"ALTER TABLE complaint ADD COLUMN outcome TEXT;"
	"ALTER TABLE complaint ADD COLUMN reasoning TEXT;"
	"ALTER TABLE complaint ADD COLUMN decided_by TEXT;"
	"ALTER TABLE complaint ADD COLUMN decided_at INTEGER;"
	"ALTER TABLE complaint ADD COLUMN answered_at INTEGER;"
	"ALTER TABLE complaint ADD COLUMN answer_channel TEXT;"
	"ALTER TABLE complaint ADD COLUMN overdue_at INTEGER;"
	"ALTER TABLE complaint ADD COLUMN reminded_at INTEGER;"
	"ALTER TABLE complaint ADD COLUMN lwc_reason TEXT;"
	"ALTER TABLE complaint ADD COLUMN court_told INTEGER;"
	"ALTER TABLE complaint ADD COLUMN open INTEGER;"
	"CREATE INDEX complaint_watch_overdue ON complaint(due)"
	"  WHERE open = 1 AND overdue_at IS NULL;"
	"CREATE INDEX complaint_watch_remind ON complaint(due)"
	"  WHERE open = 1 AND reminded_at IS NULL;"
	"CREATE INDEX complaint_overdue ON complaint(id)"
	"  WHERE open = 1 AND overdue_at IS NOT NULL;"
	"CREATE INDEX complaint_case ON complaint(case_id, id);"
	"CREATE INDEX complaint_body ON complaint(body_id, id);"
	"CREATE INDEX complaint_applicant ON complaint(applicant_key, service,"
	"  accepted_at);"
	"DROP INDEX complaint_due;"
	"CREATE TABLE notification ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  complaint_id INTEGER NOT NULL REFERENCES complaint(id),"
	"  kind TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  recipient TEXT,"
	"  lang TEXT NOT NULL DEFAULT 'kk',"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  created_at INTEGER NOT NULL,"
	"  due_by TEXT,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at INTEGER,"
	"  last_error TEXT,"
	"  sent_at INTEGER,"
	"  out_year INTEGER,"
	"  out_no INTEGER,"
	"  tracking TEXT);"
	"CREATE INDEX notification_pending ON notification(next_attempt_at)"
	"  WHERE state = 'pending';"
	"CREATE INDEX notification_complaint ON notification(complaint_id);"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",

	/*
	 * 3: delivery of notifications: every attempt with its result, the
	 * outgoing-correspondence journal (gap-free per body and year like
	 * the incoming one), and the post.
	 */
	"CREATE TABLE notification_attempt ("
	"  id INTEGER PRIMARY KEY,"
	"  notification_id INTEGER NOT NULL REFERENCES notification(id),"
	"  at INTEGER NOT NULL,"
	"  result TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE INDEX notification_attempt_of ON"
	"  notification_attempt(notification_id, id);"
	"CREATE TABLE outgoing_counter ("
	"  body_id INTEGER NOT NULL REFERENCES body(id),"
	"  year INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  PRIMARY KEY (body_id, year)) WITHOUT ROWID;"
	"ALTER TABLE notification ADD COLUMN body_id INTEGER;"
	"ALTER TABLE notification ADD COLUMN letter_date TEXT;"
	"ALTER TABLE notification ADD COLUMN posted_at INTEGER;"
	"UPDATE notification SET body_id = (SELECT body_id FROM complaint"
	"  WHERE complaint.id = notification.complaint_id);"
	"DROP INDEX notification_pending;"
	"CREATE INDEX notification_due ON notification(next_attempt_at)"
	"  WHERE state IN ('pending', 'sending');"
	"CREATE INDEX notification_state ON notification(state, body_id, id);"
	"CREATE INDEX notification_post ON notification(body_id, letter_date)"
	"  WHERE channel = 'post';",

	/*
	 * 4: staff accounts and their tokens (sessions and API tokens,
	 * stored as SHA-256 hashes), and the record of what administrators
	 * do with them.
	 */
	STAFF_TABLE("staff", "'registrar', 'head', 'desk', 'admin'",
	    "") "CREATE TABLE token ("
		"  id INTEGER PRIMARY KEY,"
		"  hash BLOB NOT NULL UNIQUE,"
		"  staff_id INTEGER NOT NULL REFERENCES staff(id),"
		"  kind TEXT NOT NULL CHECK (kind IN ('session', 'api')),"
		"  label TEXT,"
		"  created_at INTEGER NOT NULL,"
		"  expires_at INTEGER NOT NULL,"
		"  last_used INTEGER NOT NULL,"
		"  revoked_at INTEGER);"
		"CREATE INDEX token_staff ON token(staff_id, id);"
		"CREATE TABLE staff_event ("
		"  id INTEGER PRIMARY KEY,"
		"  at INTEGER NOT NULL,"
		"  actor TEXT NOT NULL,"
		"  action TEXT NOT NULL,"
		"  target TEXT,"
		"  detail TEXT);",

	/*
	 * 5: the law as it applies.  The clause, basis and start event of
	 * the due date; the ground; the intake the registrar checked; the
	 * forwarding deadline and its watch; the due date an extension
	 * notice replaces; the parts of a staff member's name.  Nullable,
	 * so that no older row's audit hash changes.
	 */
	"ALTER TABLE complaint ADD COLUMN due_clause TEXT;"
	"ALTER TABLE complaint ADD COLUMN due_basis TEXT;"
	"ALTER TABLE complaint ADD COLUMN count_from TEXT;"
	"ALTER TABLE complaint ADD COLUMN ground TEXT;"
	"ALTER TABLE complaint ADD COLUMN intake TEXT;"
	"ALTER TABLE complaint ADD COLUMN forward_due TEXT;"
	"ALTER TABLE complaint ADD COLUMN forward_reminded_at INTEGER;"
	"ALTER TABLE complaint ADD COLUMN forward_overdue_at INTEGER;"
	"CREATE INDEX complaint_watch_forward ON complaint(forward_due)"
	"  WHERE open = 1 AND forward_due IS NOT NULL"
	"  AND forward_overdue_at IS NULL;"
	"ALTER TABLE notification ADD COLUMN prev_due TEXT;"
	"ALTER TABLE staff ADD COLUMN surname TEXT;"
	"ALTER TABLE staff ADD COLUMN given_name TEXT;"
	"ALTER TABLE staff ADD COLUMN patronymic TEXT;",

	/*
	 * 6: drafts of complaints filed online, waiting for the applicant
	 * to confirm by email.  Only the hash of the confirmation token is
	 * kept; a draft holds no journal number and is deleted once it
	 * expires.
	 */
	"CREATE TABLE draft ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  email_key TEXT NOT NULL,"
	"  client_key TEXT,"
	"  doc TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL);"
	"CREATE INDEX draft_expiry ON draft(expires_at);"
	"CREATE INDEX draft_email ON draft(email_key, expires_at);"
	"CREATE INDEX draft_client ON draft(client_key, created_at);",

	/*
	 * 7: the reports: the working-day table, the per-day counters and
	 * the view that defines each figure (db/report_sql.h).
	 */
	REPORT_MIGRATION,

	/*
	 * 8: complaints that arrived by email (complaints-mailgate), each
	 * once per Message-ID, waiting for the registrar to name the service
	 * and the institution (complaint_id NULL: incomplete); their
	 * attachments by name, type, size and hash.
	 */
	"CREATE TABLE mail_intake ("
	"  id INTEGER PRIMARY KEY,"
	"  body_id INTEGER NOT NULL REFERENCES body(id),"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  sender TEXT NOT NULL,"
	"  sender_name TEXT,"
	"  subject TEXT,"
	"  text TEXT NOT NULL,"
	"  received_at INTEGER NOT NULL,"
	"  no_reply TEXT,"
	"  replied_at INTEGER,"
	"  left_out INTEGER NOT NULL DEFAULT 0,"
	"  complaint_id INTEGER REFERENCES complaint(id));"
	"CREATE INDEX mail_intake_open ON mail_intake(body_id, id)"
	"  WHERE complaint_id IS NULL;"
	"CREATE INDEX mail_intake_sender ON mail_intake(sender COLLATE NOCASE,"
	"  replied_at);"
	"CREATE TABLE mail_attachment ("
	"  mail_id INTEGER NOT NULL REFERENCES mail_intake(id),"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  media_type TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  PRIMARY KEY (mail_id, seq));",

	/*
	 * 9: the reports' per-month counters, kept from the per-day ones by
	 * triggers, so that a long period reads whole months.
	 */
	REPORT_MIGRATION_MONTHS,

	/*
	 * 10: the monitor role (reads /metrics).  SQLite cannot change a
	 * CHECK in place, so the staff table is rebuilt: every row copied
	 * with its id, while foreign keys are off (migrate()), so the
	 * tokens keep pointing at their accounts.  No hash covers these
	 * rows; the journal's chain is not touched.
	 */
	STAFF_REBUILD("'registrar', 'head', 'desk', 'admin', 'monitor'"),

	/*
	 * 11: the Ministry of Enlightenment, which took over school and
	 * preschool education from the Ministry of Education and Science
	 * on 11 June 2022: appeals routed since then reach it.
	 */
	"INSERT OR IGNORE INTO body(code, kind, name_kk, name_ru, parent_code)"
	" VALUES ('mop', 'ministry',"
	"  'Қазақстан Республикасы Оқу-ағарту министрлігі',"
	"  'Министерство просвещения Республики Казахстан', NULL);",

	/*
	 * 12: the case index holds only the entries of a case (forwarded,
	 * appealed): the first complaint of a case has no case_id, nor has
	 * nearly every entry, and a registration no longer writes an index
	 * entry for NULL.  ST_CASE_OF's "case_id = ?1" implies the index's
	 * condition, so it still uses it (tests/unit/test_db.c).
	 */
	"DROP INDEX complaint_case;"
	"CREATE INDEX complaint_case ON complaint(case_id, id)"
	"  WHERE case_id IS NOT NULL;",

	/*
	 * 13: a status lookup reads only the lookup index: the talon and
	 * every field the public status shows (ST_LOOKUP), a hundred-odd
	 * bytes an entry, apart from the wide rows with the applicant's
	 * texts.  The talon's UNIQUE index stays: it is the constraint.
	 */
	"CREATE INDEX complaint_lookup ON complaint(talon, state, body_id,"
	"  accepted_at, due, overdue_at, open, case_id, link, parent_id,"
	"  level, outcome, decided_at, answered_at, answer_channel,"
	"  access_hash);",

	/*
	 * 14: the partner role (an Open311 client registering citizens'
	 * complaints with an API key), the staff table rebuilt as in 10.
	 */
	STAFF_REBUILD(
	    "'registrar', 'head', 'desk', 'admin', 'monitor', 'partner'"),

	/*
	 * 15: the mails of filing online (the confirmation link, the
	 * talon, the automatic answer to a complaint by email), written in
	 * the transaction of the draft, the registration or the mail, and
	 * deleted once sent: each sealed with a key of secret.key, as it
	 * carries a one-time token or an access code.
	 */
	"CREATE TABLE filing_mail ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  next_at INTEGER NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  sealed BLOB NOT NULL);"
	"CREATE INDEX filing_mail_due ON filing_mail(next_at);",

	/*
	 * 16: the inbox.  Its order (open entries by due date, then the
	 * others) as ranges of indexes (the overdue of every body by due
	 * date too, for the escalation desk; complaint_inbox begins with the
	 * body, so complaint_body goes), and the full-text index of the
	 * applicant and the reasons, kept by triggers in the transaction of
	 * the write (contentless: the text stays in complaint alone).
	 * unicode61 folds the case of Kazakh and Russian letters and keeps
	 * their marks (й is not и, ү is not у).
	 */
	"CREATE INDEX complaint_inbox ON complaint(body_id, open, due, id);"
	"DROP INDEX complaint_body;"
	"CREATE INDEX complaint_overdue_due ON complaint(due, id)"
	"  WHERE open = 1 AND overdue_at IS NOT NULL;"
	"CREATE VIRTUAL TABLE complaint_fts USING fts5(applicant, reasons,"
	"  content='', tokenize='unicode61 remove_diacritics 0');"
	"INSERT INTO complaint_fts(rowid, applicant, reasons)"
	"  SELECT id, surname || ' ' || name || ' ' ||"
	"  coalesce(patronymic, ''), reasons FROM complaint;"
	"CREATE TRIGGER complaint_fts_ins AFTER INSERT ON complaint BEGIN"
	"  INSERT INTO complaint_fts(rowid, applicant, reasons)"
	"  VALUES (new.id, new.surname || ' ' || new.name || ' ' ||"
	"  coalesce(new.patronymic, ''), new.reasons);"
	"  END;"
	"CREATE TRIGGER complaint_fts_upd AFTER UPDATE OF surname, name,"
	"  patronymic, reasons ON complaint BEGIN" COMPLAINT_FTS_REPLACE,
	/*
	 * 17: the full-text index is brought up to date once a transaction,
	 * before it commits (ST_FTS_CATCH_UP, db_commit), from the complaints
	 * above its mark, instead of by a trigger per row; a correction of
	 * a name or the reasons still replaces the entry at once, when the
	 * complaint was indexed already.
	 */
	"CREATE TABLE complaint_fts_mark (id INTEGER NOT NULL);"
	"INSERT INTO complaint_fts_mark SELECT coalesce(max(id), 0)"
	"  FROM complaint;"
	"DROP TRIGGER complaint_fts_ins;"
	"DROP TRIGGER complaint_fts_upd;"
	"CREATE TRIGGER complaint_fts_upd AFTER UPDATE OF surname, name,"
	"  patronymic, reasons ON complaint"
	"  WHEN old.id <= (SELECT id FROM complaint_fts_mark) "
	"BEGIN" COMPLAINT_FTS_REPLACE,

	/*
	 * 18: the reports' counters brought up to date once per write
	 * transaction, before it commits, from the events above a mark,
	 * instead of by a trigger per event (db/report_sql.h).
	 */
	REPORT_MIGRATION_COUNTED,
};
#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

const char *
db_strerror(int rc)
{
	switch (rc) {
	case DB_OK:
		return "ok";
	case DB_ERROR:
		return "database error";
	case DB_NOTFOUND:
		return "not found";
	case DB_CONSTRAINT:
		return "constraint violated";
	case DB_FULL:
		return "the disk is full";
	case DB_READONLY:
		return "the database is read-only";
	case DB_BUSY:
		return "the database is busy";
	case DB_QUEUE_FULL:
		return "too many requests are waiting";
	case DB_SHUTDOWN:
		return "the server is stopping";
	}
	return "unknown error";
}

static void (*migrate_tick)(void);

void
db_set_migrate_tick(void (*fn)(void))
{
	migrate_tick = fn;
}

static int
migrate_progress(void *arg)
{
	(void)arg;
	migrate_tick();
	return 0; /* go on */
}

int
db_schema_version(void)
{
	return N_MIGRATIONS;
}

int
db_rc_from_sqlite(struct db *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return DB_OK;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	case SQLITE_FULL:
		return DB_FULL;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
		return DB_READONLY;
	case SQLITE_IOERR:
		if (rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC ||
		    rc == SQLITE_IOERR_TRUNCATE)
			return DB_FULL;
		return DB_ERROR;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_BUSY;
	}
	(void)db;
	return DB_ERROR;
}

/*
 * The one place where BUSY and LOCKED are handled: retry with a growing
 * sleep for about five seconds, on top of SQLite's own busy timeout.
 * Returns the SQLite code of the last step.
 */
int
db_step(struct db *db, sqlite3_stmt *st)
{
	struct timespec ts;
	int rc, tries = 0;

	for (;;) {
		rc = sqlite3_step(st);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (++tries > 20)
			break;
		sqlite3_reset(st);
		ts.tv_sec = 0;
		ts.tv_nsec = 1000000L * (tries * 10);
		nanosleep(&ts, NULL);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE &&
	    (rc & 0xff) != SQLITE_CONSTRAINT)
		log_warnx("db: step: %s", sqlite3_errmsg(db->h));
	return rc;
}

int
db_plan(struct db *db, enum db_stmt i, char *out, size_t len)
{
	sqlite3_stmt *st;
	char *sql;
	size_t n = 0;
	int rc;

	out[0] = '\0';
	if ((sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", stmt_sql[i])) ==
	    NULL)
		return DB_ERROR;
	rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return db_rc_from_sqlite(db, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < len)
		n += (size_t)snprintf(out + n, len - n, "%s; ",
		    (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ?
	    DB_OK :
	    db_rc_from_sqlite(db, rc);
}

/*
 * The writer prepares every statement when it opens, so that a wrong one
 * stops the start; a reader prepares each at its first use (a reader
 * that only looks talons up uses a handful of the hundred, and each
 * prepared statement holds its program: about a megabyte a connection).
 */
static int
prepare(struct db *db, int i)
{
	return sqlite3_prepare_v3(db->h, stmt_sql[i], -1,
	    SQLITE_PREPARE_PERSISTENT, &db->st[i], NULL);
}

sqlite3_stmt *
db_stmt(struct db *db, enum db_stmt i)
{
	if (db->st[i] == NULL && prepare(db, i) != SQLITE_OK) {
		log_warnx("db: prepare %d: %s", (int)i, sqlite3_errmsg(db->h));
		return NULL; /* sqlite3_bind and _step answer MISUSE */
	}
	sqlite3_reset(db->st[i]);
	sqlite3_clear_bindings(db->st[i]);
	return db->st[i];
}

static int
exec_simple(struct db *db, enum db_stmt i)
{
	int rc = db_step(db, db_stmt(db, i));

	sqlite3_reset(db->st[i]);
	return db_rc_from_sqlite(db, rc);
}

int
db_begin(struct db *db)
{
	return exec_simple(db, ST_BEGIN);
}

/*
 * SQLite's own checkpoint runs inside COMMIT, once the WAL holds this
 * many frames, and its error is returned as COMMIT's although the
 * transaction is committed: the writer would answer 503 for jobs that
 * are in the journal.  A writing connection records the WAL's frames
 * after each commit instead (wal_frames) and db_commit checkpoints after
 * the COMMIT.  At 4000 frames (a WAL of 16 MB, still one segment of its
 * index for the readers) rather than SQLite's 1000: the pages a batch
 * rewrites (the indexes' upper pages, the counters, the marks) go into
 * the database file once every sixteen commits of 64 registrations
 * instead of every four, 5-7% of a registration's store CPU
 * (BENCHMARKS.md, issue 18).
 */
#define WAL_CHECKPOINT_FRAMES 4000

static int
wal_frames(void *arg, sqlite3 *h, const char *name, int frames)
{
	struct db *db = arg;

	(void)h;
	(void)name;
	db->wal_frames = frames;
	return SQLITE_OK;
}

/*
 * Commits the transaction, the reports' counters and the full-text index
 * brought up to date first in it: a reader never sees an event committed
 * and not counted, nor a complaint committed and not searchable; a commit
 * that cannot count or index does not commit (the caller rolls back).
 */
int
db_commit(struct db *db)
{
	int rc;

	if ((db->flags & DB_OPEN_WRITE) &&
	    ((rc = db_report_count_new(db)) != DB_OK ||
		(rc = exec_simple(db, ST_FTS_CATCH_UP)) != DB_OK ||
		(rc = exec_simple(db, ST_FTS_MARK)) != DB_OK))
		return rc;
	if ((rc = exec_simple(db, ST_COMMIT)) != DB_OK ||
	    db->wal_frames < WAL_CHECKPOINT_FRAMES)
		return rc;
	/*
	 * Committed.  The checkpoint's error (the file cannot grow: the disk
	 * is full) is not the commit's: logged, and tried again after the
	 * next commit.
	 */
	db->wal_frames = 0;
	if (sqlite3_wal_checkpoint_v2(db->h, NULL, SQLITE_CHECKPOINT_PASSIVE,
		NULL, NULL) != SQLITE_OK)
		log_warnx("db: checkpoint: %s", sqlite3_errmsg(db->h));
	return DB_OK;
}

int
db_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return DB_OK;
	return exec_simple(db, ST_ROLLBACK);
}

int
db_savepoint(struct db *db)
{
	return exec_simple(db, ST_SAVEPOINT);
}

int
db_release(struct db *db)
{
	return exec_simple(db, ST_RELEASE);
}

int
db_rollback_savepoint(struct db *db)
{
	int rc = exec_simple(db, ST_ROLLBACK_TO);

	if (rc == DB_OK)
		rc = exec_simple(db, ST_RELEASE);
	return rc;
}

/*
 * The tables a migration writes, as SQLite's authorizer names them while
 * it compiles the migration's statements (and the triggers they fire):
 * only their references, and those to them, can have been broken.  More
 * than MIGRATE_TABLES: every table is checked.
 */
#define MIGRATE_TABLES 32
struct written {
	char name[MIGRATE_TABLES][64];
	int n, all;
};

static int
written_add(void *arg, int action, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	struct written *w = arg;
	const char *t = NULL;

	(void)a3;
	(void)a4;
	switch (action) {
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
	case SQLITE_CREATE_TABLE:
	case SQLITE_DROP_TABLE:
		t = a1;
		break;
	case SQLITE_ALTER_TABLE:
		t = a2;
		break;
	default:
		return SQLITE_OK;
	}
	if (t == NULL || strncmp(t, "sqlite_", 7) == 0)
		return SQLITE_OK;
	for (int i = 0; i < w->n; i++)
		if (strcmp(w->name[i], t) == 0)
			return SQLITE_OK;
	if (w->n == MIGRATE_TABLES || strlen(t) >= sizeof(w->name[0]))
		w->all = 1;
	else
		strlcpy_chk(w->name[w->n++], t, sizeof(w->name[0]));
	return SQLITE_OK;
}

/*
 * SQLITE_OK when every foreign key of the tables w wrote, and every one
 * that refers to them, finds its row; else *msg says where.  A migration
 * that only adds a table or a trigger checks that table alone, instead of
 * every reference of a journal of millions (minutes at ten million).
 */
static int
fk_check(struct db *db, const struct written *w, char **msg)
{
	static const char tables[] =
	    "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' "
	    "AND m.sql NOT LIKE 'CREATE VIRTUAL%' AND (?1 OR m.name IN "
	    "(SELECT value FROM json_each(?2)) OR EXISTS (SELECT 1 FROM "
	    "pragma_foreign_key_list(m.name) f WHERE f.\"table\" IN "
	    "(SELECT value FROM json_each(?2))))";
	sqlite3_stmt *ts, *st;
	char json[MIGRATE_TABLES * 70 + 4], sql[96];
	size_t n = 0;
	int rc;

	json[n++] = '[';
	for (int i = 0; i < w->n; i++)
		n += (size_t)snprintf(json + n, sizeof(json) - n, "%s\"%s\"",
		    i ? "," : "", w->name[i]);
	snprintf(json + n, sizeof(json) - n, "]");
	if ((rc = sqlite3_prepare_v2(db->h, tables, -1, &ts, NULL)) !=
	    SQLITE_OK)
		return rc;
	sqlite3_bind_int(ts, 1, w->all);
	sqlite3_bind_text(ts, 2, json, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(ts)) == SQLITE_ROW) {
		snprintf(sql, sizeof(sql), "PRAGMA foreign_key_check(\"%s\")",
		    (const char *)sqlite3_column_text(ts, 0));
		if ((rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL)) !=
		    SQLITE_OK)
			break;
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			*msg = sqlite3_mprintf("a row of %s refers to a "
					       "missing row of %s",
			    sqlite3_column_text(st, 0),
			    sqlite3_column_text(st, 2));
			rc = SQLITE_CONSTRAINT_FOREIGNKEY;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			break;
	}
	sqlite3_finalize(ts);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
db_migrate_sql(struct db *db, const char *sql, char **msg)
{
	struct written w;
	int rc;

	memset(&w, 0, sizeof(w));
	sqlite3_set_authorizer(db->h, written_add, &w);
	rc = sqlite3_exec(db->h, sql, NULL, NULL, msg);
	sqlite3_set_authorizer(db->h, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = fk_check(db, &w, msg);
	return rc;
}

static int
migrate(struct db *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char *msg = NULL, sql[64];
	int version = 0, rc;

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > N_MIGRATIONS) {
		snprintf(err, errlen,
		    "database schema %d is newer than this "
		    "program's %d",
		    version, N_MIGRATIONS);
		return -1;
	}
	/*
	 * Foreign keys off while a migration runs (a pragma that cannot
	 * change inside a transaction), so a table others refer to can be
	 * rebuilt; foreign_key_check proves every reference whole before
	 * the commit.
	 */
	if (version < N_MIGRATIONS &&
	    sqlite3_exec(db->h, "PRAGMA foreign_keys = OFF", NULL, NULL,
		&msg) != SQLITE_OK)
		goto fail_msg;
	if (version < N_MIGRATIONS && migrate_tick != NULL) {
		migrate_tick();
		sqlite3_progress_handler(db->h, 1000, migrate_progress, NULL);
	}
	for (; version < N_MIGRATIONS; version++) {
		if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, &msg) !=
		    SQLITE_OK)
			goto fail_msg;
		rc = db_migrate_sql(db, migrations[version], &msg);
		if (rc == SQLITE_OK) {
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			    version + 1);
			rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			goto fail_msg;
		}
		log_info("db: migrated to schema %d", version + 1);
	}
	sqlite3_progress_handler(db->h, 0, NULL, NULL);
	if (sqlite3_exec(db->h, "PRAGMA foreign_keys = ON", NULL, NULL, &msg) !=
	    SQLITE_OK)
		goto fail_msg;
	return 0;
fail_msg:
	sqlite3_progress_handler(db->h, 0, NULL, NULL);
	snprintf(err, errlen, "migration %d: %s", version + 1,
	    msg ? msg : sqlite3_errmsg(db->h));
	sqlite3_free(msg);
	return -1;
fail:
	snprintf(err, errlen, "%s", sqlite3_errmsg(db->h));
	return -1;
}

/* A transaction of its own for events left uncounted, if there are. */
static int
count_left(struct db *db)
{
	int64_t mark, last;
	int rc;

	if ((rc = db_report_pending(db, &mark, &last)) != DB_OK || last <= mark)
		return rc;
	if ((rc = db_begin(db)) == DB_OK && (rc = db_commit(db)) != DB_OK)
		db_rollback(db);
	return rc;
}

/*
 * Before SQLite's first use: no memory statistics (nothing here reads
 * them, and keeping them takes one mutex for the whole process on every
 * allocation of every connection: the readers' lookups queued on it).
 * Each connection is used by one thread at a time (SQLITE_OPEN_NOMUTEX).
 */
static void
db_configure(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct db *
db_open(const char *path, int flags, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct db *db;
	char *msg = NULL;
	int oflags, i;

	(void)pthread_once(&once, db_configure);
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	db->flags = flags;
	oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (flags & DB_OPEN_WRITE)
		oflags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s%s%s", path,
		    db->h ? sqlite3_errmsg(db->h) : "cannot open",
		    db->h && sqlite3_system_errno(db->h) ? ": " : "",
		    db->h && sqlite3_system_errno(db->h) ?
			strerror(sqlite3_system_errno(db->h)) :
			"");
		goto fail;
	}
	/*
	 * SQLite falls back to read-only when it may not write the file; a
	 * writer that cannot write would answer 503 forever.  Refuse now,
	 * with the reason, so the operator fixes it and restarts.
	 */
	if ((flags & DB_OPEN_WRITE) &&
	    sqlite3_db_readonly(db->h, "main") == 1) {
		snprintf(err, errlen,
		    "%s: the database file or its folder is "
		    "read-only",
		    path);
		goto fail;
	}
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_extended_result_codes(db->h, 1);
	if (sqlite3_exec(db->h,
		"PRAGMA journal_mode = WAL;"
		"PRAGMA synchronous = FULL;"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA cache_size = -2048;"
		"PRAGMA temp_store = MEMORY;",
		NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, msg);
		sqlite3_free(msg);
		goto fail;
	}
	if ((flags & DB_OPEN_WRITE) && migrate(db, err, errlen) == -1)
		goto fail;
	if (flags & DB_OPEN_WRITE)
		sqlite3_wal_hook(db->h, wal_frames, db);
	/*
	 * A reader's page cache: 1 MiB, not the writer's 2.  Measured under
	 * lookups at 10 000 complaints (BENCHMARKS.md, issue 18, "Memory"):
	 * 2.6 MiB less RSS for four readers and no more CPU a lookup; the
	 * lookup path's pages are shared in the OS's page cache anyway.
	 */
	if (!(flags & DB_OPEN_WRITE))
		sqlite3_exec(db->h,
		    "PRAGMA query_only = ON; PRAGMA cache_size = -1024", NULL,
		    NULL, NULL);
	for (i = 0; (flags & DB_OPEN_WRITE) && i < ST__MAX; i++) {
		if (prepare(db, i) != SQLITE_OK) {
			snprintf(err, errlen, "prepare %d: %s", i,
			    sqlite3_errmsg(db->h));
			goto fail;
		}
	}
	/*
	 * Events that a program other than this one committed without
	 * counting them (db_commit counts a transaction's own) are counted
	 * now, not at the next write.
	 */
	if ((flags & DB_OPEN_WRITE) && count_left(db) != DB_OK) {
		snprintf(err, errlen, "%s: counting the reports: %s", path,
		    sqlite3_errmsg(db->h));
		goto fail;
	}
	return db;
fail:
	db_close(db);
	return NULL;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < ST__MAX; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db);
}

int
db_rows_end(struct db *db, sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ?
	    DB_OK :
	    db_rc_from_sqlite(db, rc);
}

const char *
db_col_opt(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int64_t
db_col_i64_opt(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ?
	    0 :
	    sqlite3_column_int64(st, i);
}

void
db_row_read(sqlite3_stmt *st, const struct db_col *cols, size_t ncols,
    void *row, size_t size)
{
	char *base = row;

	memset(row, 0, size);
	for (size_t i = 0; i < ncols; i++) {
		void *at = base + cols[i].off;

		switch (cols[i].kind) {
		case DB_COL_TEXT:
			*(const char **)at = db_col_opt(st, (int)i);
			break;
		case DB_COL_I64:
			*(int64_t *)at = db_col_i64_opt(st, (int)i);
			break;
		case DB_COL_INT:
			*(int *)at = (int)db_col_i64_opt(st, (int)i);
			break;
		}
	}
}

void
db_col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	strlcpy_chk(dst, s ? (const char *)s : "", size);
}

static int
body_row(struct db *db, sqlite3_stmt *st, struct db_body *b)
{
	int rc = db_step(db, st);

	if (rc == SQLITE_DONE)
		rc = DB_NOTFOUND;
	else if (rc == SQLITE_ROW) {
		b->id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, b->code, sizeof(b->code));
		db_col_text(st, 2, b->kind, sizeof(b->kind));
		db_col_text(st, 3, b->name_kk, sizeof(b->name_kk));
		db_col_text(st, 4, b->name_ru, sizeof(b->name_ru));
		db_col_text(st, 5, b->tz, sizeof(b->tz));
		db_col_text(st, 6, b->parent_code, sizeof(b->parent_code));
		db_col_text(st, 7, b->hours, sizeof(b->hours));
		rc = DB_OK;
	} else
		rc = db_rc_from_sqlite(db, rc);
	sqlite3_reset(st);
	return rc;
}

int
db_body_by_code(struct db *db, const char *code, struct db_body *b)
{
	sqlite3_stmt *st = db_stmt(db, ST_BODY_BY_CODE);

	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	return body_row(db, st, b);
}

int
db_body_by_id(struct db *db, int64_t id, struct db_body *b)
{
	sqlite3_stmt *st = db_stmt(db, ST_BODY_BY_ID);

	sqlite3_bind_int64(st, 1, id);
	return body_row(db, st, b);
}

int
db_journal_next(struct db *db, int64_t body_id, int year, int64_t *no)
{
	sqlite3_stmt *st = db_stmt(db, ST_JOURNAL_NEXT);
	int rc;

	sqlite3_bind_int64(st, 1, body_id);
	sqlite3_bind_int(st, 2, year);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		*no = sqlite3_column_int64(st, 0);
		rc = db_step(db, st); /* finish the upsert */
	}
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

/* Hashes a field with its length so that no two field lists collide. */
void
db_hash_field(crypto_generichash_state *hs, const void *p, size_t n)
{
	uint8_t len[8];

	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)((uint64_t)n >> (8 * i));
	crypto_generichash_update(hs, len, sizeof(len));
	if (n)
		crypto_generichash_update(hs, p, n);
}

void
db_hash_str(crypto_generichash_state *hs, const char *s)
{
	db_hash_field(hs, s ? s : "", s ? strlen(s) : 0);
}

void
db_hash_i64(crypto_generichash_state *hs, int64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (8 * i));
	db_hash_field(hs, b, sizeof(b));
}

void
db_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/*
 * The content hash of a journal entry: every field fixed at registration,
 * each with its length.  verify recomputes it from the stored row.
 */
static void
complaint_hash(const struct db_complaint *c, uint8_t out[32])
{
	crypto_generichash_state hs;

	crypto_generichash_init(&hs, NULL, 0, 32);
	db_hash_str(&hs, c->talon);
	db_hash_field(&hs, c->access_hash, 32);
	db_hash_i64(&hs, c->body_id);
	db_hash_i64(&hs, c->journal_year);
	db_hash_i64(&hs, c->journal_no);
	db_hash_i64(&hs, c->accepted_at);
	db_hash_i64(&hs, c->received_at);
	db_hash_str(&hs, c->channel);
	db_hash_i64(&hs, c->service);
	db_hash_str(&hs, c->subject_institution);
	db_hash_str(&hs, c->subject_name);
	db_hash_str(&hs, c->subject_official);
	db_hash_str(&hs, c->surname);
	db_hash_str(&hs, c->name);
	db_hash_str(&hs, c->patronymic);
	db_hash_str(&hs, c->address);
	db_hash_str(&hs, c->email);
	db_hash_str(&hs, c->phone);
	db_hash_str(&hs, c->representative_of);
	db_hash_i64(&hs, c->is_signed);
	db_hash_str(&hs, c->reasons);
	db_hash_str(&hs, c->demands);
	db_hash_str(&hs, c->registrar_name);
	db_hash_str(&hs, c->registrar_position);
	db_hash_str(&hs, c->rules);
	crypto_generichash_final(&hs, out, 32);
}

/* A column's value as it is bound and as hash_rows hashes it. */
struct db_val {
	int type; /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_TEXT, SQLITE_BLOB */
	int64_t i;
	const void *p;
	size_t n;
};

static void
val_i64(struct db_val *v, int64_t i)
{
	v->type = SQLITE_INTEGER;
	v->i = i;
}

/* 0 is NULL. */
static void
val_i64_opt(struct db_val *v, int64_t i)
{
	v->type = i ? SQLITE_INTEGER : SQLITE_NULL;
	v->i = i;
}

static void
val_text(struct db_val *v, const char *s)
{
	v->type = s ? SQLITE_TEXT : SQLITE_NULL;
	v->p = s;
	v->n = s ? strlen(s) : 0;
}

/* NULL or "" is NULL, as db_bind_opt binds it. */
static void
val_opt(struct db_val *v, const char *s)
{
	val_text(v, s && *s ? s : NULL);
}

static void
val_blob32(struct db_val *v, const uint8_t *p)
{
	v->type = p ? SQLITE_BLOB : SQLITE_NULL;
	v->p = p;
	v->n = 32;
}

/* The values of db_complaint_insert's parameters, in insert_cols order. */
static void
complaint_values(const struct db_complaint *c, const uint8_t hash[32],
    struct db_val v[N_INSERT_COLS])
{
	const struct db_law *l = c->law;
	int k = 0;

	memset(v, 0, sizeof(*v) * N_INSERT_COLS);
	val_text(&v[k++], c->talon);
	val_blob32(&v[k++], c->access_hash);
	val_i64(&v[k++], c->body_id);
	val_i64(&v[k++], c->journal_year);
	val_i64(&v[k++], c->journal_no);
	val_i64(&v[k++], c->accepted_at);
	val_i64(&v[k++], c->received_at);
	val_text(&v[k++], c->channel);
	val_i64(&v[k++], c->service);
	val_opt(&v[k++], c->subject_institution);
	val_text(&v[k++], c->subject_name);
	val_opt(&v[k++], c->subject_official);
	val_text(&v[k++], c->surname);
	val_text(&v[k++], c->name);
	val_opt(&v[k++], c->patronymic);
	val_opt(&v[k++], c->address);
	val_opt(&v[k++], c->email);
	val_opt(&v[k++], c->phone);
	val_opt(&v[k++], c->representative_of);
	val_i64(&v[k++], c->is_signed);
	val_text(&v[k++], c->reasons);
	val_text(&v[k++], c->demands);
	val_text(&v[k++], c->registrar_name);
	val_text(&v[k++], c->registrar_position);
	val_text(&v[k++], c->rules);
	val_text(&v[k++], c->due);
	val_text(&v[k++], c->state);
	val_blob32(&v[k++], hash);
	val_i64_opt(&v[k++], c->case_id);
	val_i64_opt(&v[k++], c->parent_id);
	val_opt(&v[k++], c->link);
	val_i64(&v[k++], c->level);
	val_i64_opt(&v[k++], c->repeat_of);
	val_blob32(&v[k++], c->applicant_key);
	val_i64(&v[k++], 1); /* open */
	val_opt(&v[k++], l ? l->clause : NULL);
	val_opt(&v[k++], l ? l->basis : NULL);
	val_opt(&v[k++], l ? l->count_from : NULL);
	val_opt(&v[k++], l ? l->ground : NULL);
	val_opt(&v[k++], l ? l->intake : NULL);
	val_opt(&v[k++], l ? l->forward_due : NULL);
}

int
db_complaint_insert(
    struct db *db, const struct db_complaint *c, int64_t *id, uint8_t hash[32])
{
	sqlite3_stmt *st = db_stmt(db, ST_COMPLAINT_INSERT);
	struct db_val v[N_INSERT_COLS];
	int rc;

	complaint_hash(c, hash);
	complaint_values(c, hash, v);
	for (int k = 0; k < N_INSERT_COLS; k++) {
		switch (v[k].type) {
		case SQLITE_INTEGER:
			sqlite3_bind_int64(st, k + 1, v[k].i);
			break;
		case SQLITE_TEXT:
			sqlite3_bind_text(
			    st, k + 1, v[k].p, (int)v[k].n, SQLITE_STATIC);
			break;
		case SQLITE_BLOB:
			sqlite3_bind_blob(
			    st, k + 1, v[k].p, (int)v[k].n, SQLITE_STATIC);
			break;
		}
	}
	rc = db_step(db, st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		*id = sqlite3_last_insert_rowid(db->h);
	return db_rc_from_sqlite(db, rc);
}

/*
 * Maps each column of the complaint table (in the order SELECT * gives
 * them, which hash_rows hashes) to the insert's parameter, -2 for the id;
 * a column the insert does not write is NULL in a new row unless it has a
 * default, and then the hash must be read back (rowmap_n -1).  Once per
 * connection.
 */
static void
rowmap_load(struct db *db)
{
	static const char *const att_cols[] = { "complaint_id", "seq", "name",
		"media_type", "sha256" };
	sqlite3_stmt *st;
	int n = 0, ok = 1, m;

	if (sqlite3_prepare_v2(db->h, "PRAGMA table_info(complaint)", -1, &st,
		NULL) != SQLITE_OK) {
		db->rowmap_n = -1;
		return;
	}
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		int k = -1;

		if (n == DB_ROWMAP_MAX || name == NULL) {
			ok = 0;
			break;
		}
		if (strcmp(name, "id") == 0)
			k = -2;
		for (int j = 0; k == -1 && j < N_INSERT_COLS; j++)
			if (strcmp(name, insert_cols[j]) == 0)
				k = j;
		if (k == -1 && sqlite3_column_type(st, 4) != SQLITE_NULL)
			ok = 0; /* a default: not NULL in a new row */
		db->rowmap[n++] = (short)k;
	}
	sqlite3_finalize(st);
	/* The attachments' columns, as the hash reads them. */
	m = 0;
	if (ok &&
	    sqlite3_prepare_v2(db->h, "PRAGMA table_info(attachment)", -1, &st,
		NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(
			    st, 1);

			if (m >=
				(int)(sizeof(att_cols) / sizeof(att_cols[0])) ||
			    name == NULL || strcmp(name, att_cols[m]) != 0)
				ok = 0;
			m++;
		}
		sqlite3_finalize(st);
	}
	db->rowmap_n = ok &&
		m == (int)(sizeof(att_cols) / sizeof(att_cols[0])) ?
	    n :
	    -1;
}

static void
hash_val(crypto_generichash_state *hs, const char *name, const struct db_val *v)
{
	if (v->type == SQLITE_NULL)
		return;
	db_hash_str(hs, name);
	if (v->type == SQLITE_INTEGER)
		db_hash_i64(hs, v->i);
	else
		db_hash_field(hs, v->p, v->n);
}

int
db_complaint_row_hash_new(struct db *db, const struct db_complaint *c,
    int64_t id, const uint8_t chash[32], const struct db_attachment *att,
    int natt, uint8_t out[32])
{
	crypto_generichash_state hs;
	struct db_val v[N_INSERT_COLS], a;

	if (db->rowmap_n == 0)
		rowmap_load(db);
	if (db->rowmap_n < 0)
		return db_complaint_row_hash(db, id, out);
	complaint_values(c, chash, v);
	crypto_generichash_init(&hs, NULL, 0, 32);
	for (int i = 0; i < db->rowmap_n; i++) {
		int k = db->rowmap[i];

		if (k == -2) {
			db_hash_str(&hs, "id");
			db_hash_i64(&hs, id);
		} else if (k >= 0)
			hash_val(&hs, insert_cols[k], &v[k]);
	}
	db_hash_str(&hs, "attachments");
	for (int i = 0; i < natt; i++) {
		memset(&a, 0, sizeof(a));
		val_i64(&a, id);
		hash_val(&hs, "complaint_id", &a);
		val_i64(&a, i + 1);
		hash_val(&hs, "seq", &a);
		val_text(&a, att[i].name);
		hash_val(&hs, "name", &a);
		val_text(&a, att[i].media_type);
		hash_val(&hs, "media_type", &a);
		val_text(&a, att[i].sha256);
		hash_val(&hs, "sha256", &a);
	}
	crypto_generichash_final(&hs, out, 32);
	return DB_OK;
}

int
db_attachment_insert(
    struct db *db, int64_t complaint_id, int seq, const struct db_attachment *a)
{
	sqlite3_stmt *st = db_stmt(db, ST_ATTACHMENT_INSERT);
	int rc;

	sqlite3_bind_int64(st, 1, complaint_id);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_text(st, 3, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->media_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->sha256, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

void
db_event_hash(const uint8_t prev[32], const struct db_event *e,
    const uint8_t content_hash[32], uint8_t out[32])
{
	crypto_generichash_state hs;

	crypto_generichash_init(&hs, NULL, 0, 32);
	db_hash_field(&hs, prev, 32);
	db_hash_i64(&hs, e->body_id);
	db_hash_i64(&hs, e->complaint_id);
	db_hash_i64(&hs, e->at);
	db_hash_str(&hs, e->actor);
	db_hash_str(&hs, e->action);
	db_hash_str(&hs, e->state_before);
	db_hash_str(&hs, e->state_after);
	db_hash_str(&hs, e->detail);
	db_hash_field(&hs, content_hash, 32);
	crypto_generichash_final(&hs, out, 32);
}

int
db_event_append(
    struct db *db, const struct db_event *e, const uint8_t content_hash[32])
{
	uint8_t prev[32], hash[32];
	sqlite3_stmt *st;
	int rc;

	memset(prev, 0, sizeof(prev));
	st = db_stmt(db, ST_EVENT_LAST_HASH);
	sqlite3_bind_int64(st, 1, e->body_id);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
		memcpy(prev, sqlite3_column_blob(st, 0), 32);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_rc_from_sqlite(db, rc);
	db_event_hash(prev, e, content_hash, hash);

	st = db_stmt(db, ST_EVENT_INSERT);
	sqlite3_bind_int64(st, 1, e->body_id);
	sqlite3_bind_int64(st, 2, e->complaint_id);
	sqlite3_bind_int64(st, 3, e->at);
	sqlite3_bind_text(st, 4, e->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->action, -1, SQLITE_STATIC);
	db_bind_opt(st, 6, e->state_before);
	sqlite3_bind_text(st, 7, e->state_after, -1, SQLITE_STATIC);
	db_bind_opt(st, 8, e->detail);
	sqlite3_bind_blob(st, 9, content_hash, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, hash, 32, SQLITE_STATIC);
	rc = db_step(db, st);
	sqlite3_reset(st);
	return db_rc_from_sqlite(db, rc);
}

int
db_status_by_talon(struct db *db, const char *talon, struct db_status *s)
{
	sqlite3_stmt *st = db_stmt(db, ST_STATUS_BY_TALON);
	int rc;

	sqlite3_bind_text(st, 1, talon, -1, SQLITE_STATIC);
	rc = db_step(db, st);
	if (rc == SQLITE_ROW) {
		s->id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, s->talon, sizeof(s->talon));
		db_col_text(st, 2, s->state, sizeof(s->state));
		db_col_text(st, 3, s->body_code, sizeof(s->body_code));
		db_col_text(st, 4, s->body_name_kk, sizeof(s->body_name_kk));
		db_col_text(st, 5, s->body_name_ru, sizeof(s->body_name_ru));
		db_col_text(st, 6, s->body_tz, sizeof(s->body_tz));
		s->accepted_at = sqlite3_column_int64(st, 7);
		db_col_text(st, 8, s->due, sizeof(s->due));
		s->journal_year = sqlite3_column_int(st, 9);
		s->journal_no = sqlite3_column_int64(st, 10);
		s->service = sqlite3_column_int(st, 11);
		db_col_text(
		    st, 12, s->registrar_name, sizeof(s->registrar_name));
		db_col_text(st, 13, s->registrar_position,
		    sizeof(s->registrar_position));
		memset(s->access_hash, 0, 32);
		if (sqlite3_column_bytes(st, 14) == 32)
			memcpy(s->access_hash, sqlite3_column_blob(st, 14), 32);
		db_col_text(st, 15, s->rules, sizeof(s->rules));
		rc = DB_OK;
	} else if (rc == SQLITE_DONE)
		rc = DB_NOTFOUND;
	else
		rc = db_rc_from_sqlite(db, rc);
	sqlite3_reset(st);
	return rc;
}

static const struct db_col lookup_cols[] = {
	DB_COL(I64, struct db_lookup, id),
	DB_COL(I64, struct db_lookup, case_id),
	DB_COL(TEXT, struct db_lookup, talon),
	DB_COL(TEXT, struct db_lookup, state),
	DB_COL(TEXT, struct db_lookup, body_code),
	DB_COL(TEXT, struct db_lookup, body_name_kk),
	DB_COL(TEXT, struct db_lookup, body_name_ru),
	DB_COL(TEXT, struct db_lookup, body_tz),
	DB_COL(I64, struct db_lookup, accepted_at),
	DB_COL(TEXT, struct db_lookup, due),
	DB_COL(I64, struct db_lookup, overdue_at),
	DB_COL(INT, struct db_lookup, open),
	DB_COL(TEXT, struct db_lookup, link),
	DB_COL(I64, struct db_lookup, parent_id),
	DB_COL(INT, struct db_lookup, level),
	DB_COL(TEXT, struct db_lookup, outcome),
	DB_COL(I64, struct db_lookup, decided_at),
	DB_COL(I64, struct db_lookup, answered_at),
	DB_COL(TEXT, struct db_lookup, answer_channel),
};

int
db_lookup_talon(struct db *db, const char *talon, struct db_lookup *l)
{
	sqlite3_stmt *st = db_stmt(db, ST_LOOKUP);
	int n = (int)DB_NCOLS(lookup_cols), rc;

	sqlite3_bind_text(st, 1, talon, -1, SQLITE_STATIC);
	if ((rc = db_step(db, st)) == SQLITE_DONE)
		return DB_NOTFOUND;
	if (rc != SQLITE_ROW)
		return db_rc_from_sqlite(db, rc);
	/* Read in place: the statement stays on its row until reused. */
	db_row_read(st, lookup_cols, DB_NCOLS(lookup_cols), l, sizeof(*l));
	if (sqlite3_column_bytes(st, n) == 32)
		l->access_hash = sqlite3_column_blob(st, n);
	l->has_members = sqlite3_column_int(st, n + 1);
	return DB_OK;
}

int
db_count_complaints(struct db *db, int64_t *n)
{
	sqlite3_stmt *st = db_stmt(db, ST_COUNT_COMPLAINTS);
	int rc = db_step(db, st);

	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? DB_OK : db_rc_from_sqlite(db, rc);
}
