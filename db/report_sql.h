/*
 * db: the SQL of the reports (db/report.c), in one place.
 *
 * Every figure is defined once, in the view report_event: one row per
 * journal event (two for the decision of an appeal, whose outcome also
 * counts for the body appealed against), with a 0/1 column per figure.
 * The events a write transaction added are counted once, just before it
 * commits (db_commit): the view's rows above the mark of the last
 * counted event (report_counted), grouped by day and key, are added to
 * the per-day counters (report_day, report_wd) by one statement for each
 * table, and the mark moves up, all in the transaction of the events.
 * The summary sums the counters, and the trace lists the events of the
 * view itself: so a figure and the complaints behind it never disagree.
 */
#ifndef DB_REPORT_SQL_H
/* SQL reads as SQL, one clause a line: the formatter leaves it. */
/* clang-format off */
#define DB_REPORT_SQL_H

/* The local day of a moment: the working-day table, else UTC+5. */
#define REPORT_DAY_START(t) \
	"(SELECT start FROM report_workday WHERE start <= " t " " \
	"ORDER BY start DESC LIMIT 1)"

/* The figures, as the columns of report_day, in their order. */
#define REPORT_FIGURE_COLS \
	"received, registered_on_time, forwarded_in, appeals_in, " \
	"forwarded_out, decided, upheld, partly_upheld, rejected, " \
	"explained, lwc_anonymous, lwc_repeated, withdrawn, extended, " \
	"answered_on_time, answered_late, became_overdue, repeated, " \
	"appealed, appeal_decided, appeal_upheld, appeal_partly_upheld, " \
	"appeal_rejected, appeal_explained, wd_sum, wd_n"

/* Whether a row of report_event counts for any figure. */
#define REPORT_COUNTED \
	"(received OR forwarded_out OR decided OR lwc_anonymous " \
	"OR lwc_repeated OR withdrawn OR extended OR answered_on_time " \
	"OR answered_late OR became_overdue OR appealed OR appeal_decided)"

/*
 * The counters emptied and the mark set back, for counting the whole
 * journal again (the calendar changed): db_report_recount, then the
 * statements below from the first event.
 */
#define REPORT_CLEAR \
	"DELETE FROM report_day; DELETE FROM report_wd;" \
	"DELETE FROM report_month; DELETE FROM report_wd_month;" \
	"UPDATE report_counted SET event_id = 0;"

#define REPORT_MIGRATION \
	"CREATE TABLE report_workday (" \
	"  day TEXT PRIMARY KEY," \
	"  start INTEGER NOT NULL UNIQUE," \
	"  cum INTEGER NOT NULL," \
	"  wd INTEGER NOT NULL) WITHOUT ROWID;" \
	"CREATE TABLE report_day (" \
	"  day TEXT NOT NULL, body_id INTEGER NOT NULL," \
	"  service INTEGER NOT NULL, channel TEXT NOT NULL," \
	"  institution TEXT NOT NULL," \
	"  received INTEGER NOT NULL, registered_on_time INTEGER NOT NULL," \
	"  forwarded_in INTEGER NOT NULL, appeals_in INTEGER NOT NULL," \
	"  forwarded_out INTEGER NOT NULL, decided INTEGER NOT NULL," \
	"  upheld INTEGER NOT NULL, partly_upheld INTEGER NOT NULL," \
	"  rejected INTEGER NOT NULL, explained INTEGER NOT NULL," \
	"  lwc_anonymous INTEGER NOT NULL, lwc_repeated INTEGER NOT NULL," \
	"  withdrawn INTEGER NOT NULL, extended INTEGER NOT NULL," \
	"  answered_on_time INTEGER NOT NULL," \
	"  answered_late INTEGER NOT NULL," \
	"  became_overdue INTEGER NOT NULL, repeated INTEGER NOT NULL," \
	"  appealed INTEGER NOT NULL, appeal_decided INTEGER NOT NULL," \
	"  appeal_upheld INTEGER NOT NULL," \
	"  appeal_partly_upheld INTEGER NOT NULL," \
	"  appeal_rejected INTEGER NOT NULL," \
	"  appeal_explained INTEGER NOT NULL," \
	"  wd_sum INTEGER NOT NULL, wd_n INTEGER NOT NULL," \
	"  PRIMARY KEY (day, body_id, service, channel, institution))" \
	"  WITHOUT ROWID;" \
	"CREATE TABLE report_wd (" \
	"  day TEXT NOT NULL, body_id INTEGER NOT NULL," \
	"  service INTEGER NOT NULL, channel TEXT NOT NULL," \
	"  institution TEXT NOT NULL, wd INTEGER NOT NULL," \
	"  n INTEGER NOT NULL," \
	"  PRIMARY KEY (day, body_id, service, channel, institution, wd))" \
	"  WITHOUT ROWID;" \
	"CREATE INDEX event_at ON event(at);" \
	/* Each event with the days it needs. */ \
	"CREATE VIEW report_base AS SELECT e.id AS event_id," \
	"  e.complaint_id AS complaint_id, e.at AS at, e.action AS action," \
	"  e.body_id AS body_id, c.service AS service," \
	"  c.channel AS channel," \
	"  coalesce(c.subject_institution, '') AS institution," \
	"  c.outcome AS outcome, c.lwc_reason AS lwc_reason, c.due AS due," \
	"  c.repeat_of AS repeat_of, c.link AS link," \
	"  c.parent_id AS parent_id," \
	"  coalesce(we.day, date(e.at + 18000, 'unixepoch')) AS day," \
	"  we.cum AS cum_event, wa.cum AS cum_accepted," \
	"  wr.cum AS cum_received, wr.wd AS wd_received," \
	"  c.received_at - wr.start AS received_secs" \
	"  FROM event e JOIN complaint c ON c.id = e.complaint_id" \
	"  LEFT JOIN report_workday we ON we.start = " \
	    REPORT_DAY_START("e.at") \
	"  LEFT JOIN report_workday wa ON wa.start = " \
	    REPORT_DAY_START("c.accepted_at") \
	"  LEFT JOIN report_workday wr ON wr.start = " \
	    REPORT_DAY_START("c.received_at") ";" \
	/* The one definition of every figure. */ \
	"CREATE VIEW report_event AS SELECT event_id, complaint_id, at," \
	"  action, day, body_id, service, channel, institution," \
	"  action IN ('register', 'register-forwarded', 'register-appeal')" \
	"    AS received," \
	"  action IN ('register', 'register-forwarded', 'register-appeal')" \
	"    AND coalesce(cum_accepted <= cum_received +" \
	"    (wd_received = 0 OR received_secs >= 64800), 0)" \
	"    AS registered_on_time," \
	"  action = 'register-forwarded' AS forwarded_in," \
	"  action = 'register-appeal' AS appeals_in," \
	"  action = 'forward' AS forwarded_out," \
	"  action = 'decide' AS decided," \
	"  action = 'decide' AND outcome IS 'upheld' AS upheld," \
	"  action = 'decide' AND outcome IS 'partly-upheld'" \
	"    AS partly_upheld," \
	"  action = 'decide' AND outcome IS 'rejected' AS rejected," \
	"  action = 'decide' AND outcome IS 'explained' AS explained," \
	"  action = 'leave-without-consideration' AND" \
	"    lwc_reason IS 'anonymous' AS lwc_anonymous," \
	"  action = 'leave-without-consideration' AND" \
	"    lwc_reason IS 'repeated' AS lwc_repeated," \
	"  action = 'withdraw' AS withdrawn," \
	"  action = 'extend' AS extended," \
	"  action = 'answer' AND day <= due AS answered_on_time," \
	"  action = 'answer' AND day > due AS answered_late," \
	"  action = 'overdue' AS became_overdue," \
	"  action IN ('register', 'register-forwarded', 'register-appeal')" \
	"    AND repeat_of IS NOT NULL AS repeated," \
	"  action = 'appeal' AS appealed," \
	"  0 AS appeal_decided, 0 AS appeal_upheld," \
	"  0 AS appeal_partly_upheld, 0 AS appeal_rejected," \
	"  0 AS appeal_explained," \
	"  CASE WHEN action = 'decide' THEN max(0, coalesce(cum_event -" \
	"    cum_accepted, 0)) END AS wd" \
	"  FROM report_base " \
	/* The decision on an appeal, for the body appealed against. */ \
	"UNION ALL SELECT r.event_id, r.complaint_id, r.at, r.action, r.day," \
	"  p.body_id, p.service, p.channel," \
	"  coalesce(p.subject_institution, ''), 0, 0, 0, 0, 0, 0, 0, 0, 0," \
	"  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1," \
	"  r.outcome IS 'upheld', r.outcome IS 'partly-upheld'," \
	"  r.outcome IS 'rejected', r.outcome IS 'explained', NULL" \
	"  FROM report_base r JOIN complaint p ON p.id = r.parent_id" \
	"  WHERE r.action = 'decide' AND r.link IS 'appeal-of';" \
	"CREATE TRIGGER report_count AFTER INSERT ON event BEGIN" \
	"  INSERT INTO report_day(day, body_id, service, channel," \
	"    institution, " REPORT_FIGURE_COLS ")" \
	"  SELECT day, body_id, service, channel, institution, received," \
	"    registered_on_time, forwarded_in, appeals_in, forwarded_out," \
	"    decided, upheld, partly_upheld, rejected, explained," \
	"    lwc_anonymous, lwc_repeated, withdrawn, extended," \
	"    answered_on_time, answered_late, became_overdue, repeated," \
	"    appealed, appeal_decided, appeal_upheld, appeal_partly_upheld," \
	"    appeal_rejected, appeal_explained, coalesce(wd, 0)," \
	"    wd IS NOT NULL FROM report_event WHERE event_id = new.id" \
	"    AND " REPORT_COUNTED \
	"  ON CONFLICT DO UPDATE SET" \
	"    received = received + excluded.received," \
	"    registered_on_time = registered_on_time +" \
	"      excluded.registered_on_time," \
	"    forwarded_in = forwarded_in + excluded.forwarded_in," \
	"    appeals_in = appeals_in + excluded.appeals_in," \
	"    forwarded_out = forwarded_out + excluded.forwarded_out," \
	"    decided = decided + excluded.decided," \
	"    upheld = upheld + excluded.upheld," \
	"    partly_upheld = partly_upheld + excluded.partly_upheld," \
	"    rejected = rejected + excluded.rejected," \
	"    explained = explained + excluded.explained," \
	"    lwc_anonymous = lwc_anonymous + excluded.lwc_anonymous," \
	"    lwc_repeated = lwc_repeated + excluded.lwc_repeated," \
	"    withdrawn = withdrawn + excluded.withdrawn," \
	"    extended = extended + excluded.extended," \
	"    answered_on_time = answered_on_time +" \
	"      excluded.answered_on_time," \
	"    answered_late = answered_late + excluded.answered_late," \
	"    became_overdue = became_overdue + excluded.became_overdue," \
	"    repeated = repeated + excluded.repeated," \
	"    appealed = appealed + excluded.appealed," \
	"    appeal_decided = appeal_decided + excluded.appeal_decided," \
	"    appeal_upheld = appeal_upheld + excluded.appeal_upheld," \
	"    appeal_partly_upheld = appeal_partly_upheld +" \
	"      excluded.appeal_partly_upheld," \
	"    appeal_rejected = appeal_rejected + excluded.appeal_rejected," \
	"    appeal_explained = appeal_explained +" \
	"      excluded.appeal_explained," \
	"    wd_sum = wd_sum + excluded.wd_sum," \
	"    wd_n = wd_n + excluded.wd_n;" \
	"  INSERT INTO report_wd(day, body_id, service, channel," \
	"    institution, wd, n)" \
	"  SELECT day, body_id, service, channel, institution, wd, 1" \
	"    FROM report_event WHERE event_id = new.id AND wd IS NOT NULL" \
	"  ON CONFLICT DO UPDATE SET n = n + 1;" \
	"END;"

/*
 * The per-month counters (migration 8): report_month and report_wd_month
 * follow report_day and report_wd through their own triggers, so that a
 * long period reads whole months there and only its first and last
 * partial months day by day.
 */
#define REPORT_FIGS(X) \
	X(received) X(registered_on_time) X(forwarded_in) X(appeals_in) \
	X(forwarded_out) X(decided) X(upheld) X(partly_upheld) X(rejected) \
	X(explained) X(lwc_anonymous) X(lwc_repeated) X(withdrawn) \
	X(extended) X(answered_on_time) X(answered_late) X(became_overdue) \
	X(repeated) X(appealed) X(appeal_decided) X(appeal_upheld) \
	X(appeal_partly_upheld) X(appeal_rejected) X(appeal_explained) \
	X(wd_sum)
#define RF_COL_(c)	" " #c " INTEGER NOT NULL,"
#define RF_NEW_(c)	" new." #c ","
#define RF_DELTA_(c)	" new." #c " - old." #c ","
#define RF_SET_(c)	" " #c " = " #c " + excluded." #c ","
#define RF_SUM_(c)	" sum(" #c "),"
#define REPORT_KEYS	"body_id, service, channel, institution"
#define REPORT_MONTH_UPSERT(vals) \
	"INSERT INTO report_month(month, " REPORT_KEYS ", " \
	REPORT_FIGURE_COLS ") VALUES (substr(new.day, 1, 7), new.body_id, " \
	"new.service, new.channel, new.institution," vals ") ON CONFLICT " \
	"DO UPDATE SET" REPORT_FIGS(RF_SET_) " wd_n = wd_n + excluded.wd_n;"
#define REPORT_WD_MONTH_UPSERT(n) \
	"INSERT INTO report_wd_month(month, " REPORT_KEYS ", wd, n) VALUES " \
	"(substr(new.day, 1, 7), new.body_id, new.service, new.channel, " \
	"new.institution, new.wd, " n ") ON CONFLICT DO UPDATE SET " \
	"n = n + excluded.n;"
#define REPORT_MIGRATION_MONTHS \
	"CREATE TABLE report_month (month TEXT NOT NULL," \
	"  body_id INTEGER NOT NULL, service INTEGER NOT NULL," \
	"  channel TEXT NOT NULL, institution TEXT NOT NULL," \
	REPORT_FIGS(RF_COL_) " wd_n INTEGER NOT NULL," \
	"  PRIMARY KEY (month, " REPORT_KEYS ")) WITHOUT ROWID;" \
	"CREATE TABLE report_wd_month (month TEXT NOT NULL," \
	"  body_id INTEGER NOT NULL, service INTEGER NOT NULL," \
	"  channel TEXT NOT NULL, institution TEXT NOT NULL," \
	"  wd INTEGER NOT NULL, n INTEGER NOT NULL," \
	"  PRIMARY KEY (month, " REPORT_KEYS ", wd)) WITHOUT ROWID;" \
	"INSERT INTO report_month(month, " REPORT_KEYS ", " \
	REPORT_FIGURE_COLS ") SELECT substr(day, 1, 7), " REPORT_KEYS "," \
	REPORT_FIGS(RF_SUM_) " sum(wd_n) FROM report_day GROUP BY " \
	"substr(day, 1, 7), " REPORT_KEYS ";" \
	"INSERT INTO report_wd_month(month, " REPORT_KEYS ", wd, n) " \
	"SELECT substr(day, 1, 7), " REPORT_KEYS ", wd, sum(n) FROM " \
	"report_wd GROUP BY substr(day, 1, 7), " REPORT_KEYS ", wd;" \
	"CREATE TRIGGER report_month_ins AFTER INSERT ON report_day BEGIN " \
	REPORT_MONTH_UPSERT(REPORT_FIGS(RF_NEW_) " new.wd_n") " END;" \
	"CREATE TRIGGER report_month_upd AFTER UPDATE ON report_day BEGIN " \
	REPORT_MONTH_UPSERT(REPORT_FIGS(RF_DELTA_) " new.wd_n - old.wd_n") \
	" END;" \
	"CREATE TRIGGER report_wd_month_ins AFTER INSERT ON report_wd BEGIN " \
	REPORT_WD_MONTH_UPSERT("new.n") " END;" \
	"CREATE TRIGGER report_wd_month_upd AFTER UPDATE ON report_wd BEGIN " \
	REPORT_WD_MONTH_UPSERT("new.n - old.n") " END;"

/*
 * The events not counted yet: ?1 the mark, ?2 the last event.  Read
 * before every commit of a writing connection; nothing to do when they
 * are equal.
 */
#define REPORT_SQL_PENDING \
	"SELECT event_id, (SELECT coalesce(max(id), 0) FROM event) " \
	"FROM report_counted"

/*
 * The events above the mark ?1 up to ?2 added to the counters: grouped,
 * so that a batch of registrations at one body on one day is one upsert
 * of one row of report_day (and one of report_month by its trigger).
 * The view's rows are read by a range of event ids (the events' primary
 * key), pushed into both parts of the view.
 */
#define REPORT_SQL_COUNT_DAY \
	"INSERT INTO report_day(day, body_id, service, channel," \
	"  institution, " REPORT_FIGURE_COLS ")" \
	"SELECT day, body_id, service, channel, institution," \
	"  sum(received), sum(registered_on_time), sum(forwarded_in)," \
	"  sum(appeals_in), sum(forwarded_out), sum(decided), sum(upheld)," \
	"  sum(partly_upheld), sum(rejected), sum(explained)," \
	"  sum(lwc_anonymous), sum(lwc_repeated), sum(withdrawn)," \
	"  sum(extended), sum(answered_on_time), sum(answered_late)," \
	"  sum(became_overdue), sum(repeated), sum(appealed)," \
	"  sum(appeal_decided), sum(appeal_upheld)," \
	"  sum(appeal_partly_upheld), sum(appeal_rejected)," \
	"  sum(appeal_explained), coalesce(sum(wd), 0), count(wd)" \
	"  FROM report_event WHERE event_id > ?1 AND event_id <= ?2" \
	"  AND " REPORT_COUNTED \
	"  GROUP BY day, body_id, service, channel, institution" \
	"  ON CONFLICT DO UPDATE SET" REPORT_FIGS(RF_SET_) \
	"  wd_n = wd_n + excluded.wd_n"
/*
 * Only a decision has working days (wd): the action reaches into the
 * view, so that the other events are not joined with their complaints
 * again for nothing.
 */
#define REPORT_SQL_COUNT_WD \
	"INSERT INTO report_wd(day, body_id, service, channel," \
	"  institution, wd, n)" \
	"SELECT day, body_id, service, channel, institution, wd, count(*)" \
	"  FROM report_event WHERE event_id > ?1 AND event_id <= ?2" \
	"  AND action = 'decide' AND wd IS NOT NULL" \
	"  GROUP BY day, body_id, service, channel, institution, wd" \
	"  ON CONFLICT DO UPDATE SET n = n + excluded.n"
#define REPORT_SQL_COUNTED_SET \
	"UPDATE report_counted SET event_id = ?1"

/*
 * Migration 18: no trigger per event; the mark of the last event
 * counted, which the trigger had counted every event up to.
 */
#define REPORT_MIGRATION_COUNTED \
	"DROP TRIGGER IF EXISTS report_count;" \
	"CREATE TABLE report_counted (" \
	"  id INTEGER PRIMARY KEY CHECK (id = 1)," \
	"  event_id INTEGER NOT NULL);" \
	"INSERT INTO report_counted(id, event_id)" \
	"  SELECT 1, coalesce(max(id), 0) FROM event;"

/* The key of a group: ?1 names the grouping. */
#define REPORT_KEY(day) \
	"CASE ?1 WHEN 'body' THEN (SELECT code FROM body WHERE id = " \
	"r.body_id) WHEN 'service' THEN printf('%02d', r.service) " \
	"WHEN 'institution' THEN r.institution WHEN 'month' THEN " \
	"substr(" day ", 1, 7) WHEN 'channel' THEN r.channel END"
/*
 * ?2, ?3 the first and last day of the period's head (the days before
 * its first whole month), ?6, ?7 of its tail (after its last whole
 * month), ?8, ?9 its whole months; ?4 the body's id, ?5 the service.
 */
#define REPORT_FILTER \
	"AND (?4 IS NULL OR r.body_id = ?4) AND (?5 IS NULL OR r.service = ?5)"
#define REPORT_PARTS(cols, day_table, month_table) \
	"SELECT " REPORT_KEY("r.day") " AS k, " cols " FROM " day_table \
	" r WHERE r.day >= ?2 AND r.day <= ?3 " REPORT_FILTER " UNION ALL " \
	"SELECT " REPORT_KEY("r.day") " AS k, " cols " FROM " day_table \
	" r WHERE r.day >= ?6 AND r.day <= ?7 " REPORT_FILTER " UNION ALL " \
	"SELECT " REPORT_KEY("r.month") " AS k, " cols " FROM " month_table \
	" r WHERE r.month >= ?8 AND r.month <= ?9 " REPORT_FILTER
/* The first moment of day d, and of the day after day d. */
#define REPORT_START_OF(d) \
	"coalesce((SELECT start FROM report_workday WHERE day = " d "), " \
	"CAST(strftime('%s', " d ") AS INTEGER) - 18000)"
#define REPORT_END_OF(d) \
	"coalesce((SELECT start FROM report_workday WHERE day = " \
	"date(" d ", '+1 day')), CAST(strftime('%s', " d ", '+1 day') " \
	"AS INTEGER) - 18000)"

#define REPORT_SQL_SUM \
	"SELECT k," REPORT_FIGS(RF_SUM_) " sum(wd_n) FROM (" \
	REPORT_PARTS(REPORT_FIGURE_COLS, "report_day", "report_month") \
	") GROUP BY k ORDER BY k"

#define REPORT_SQL_WD \
	"SELECT k, wd, sum(n) FROM (" REPORT_PARTS("r.wd, r.n", "report_wd", \
	"report_wd_month") ") GROUP BY k, wd ORDER BY k, wd"

/*
 * The complaints received in the period (?2, ?3), open and marked
 * overdue: the one definition of "overdue now", for the count and the
 * trace.
 */
#define REPORT_OVERDUE_NOW \
	"SELECT c.*, coalesce(c.subject_institution, '') AS institution, " \
	"coalesce((SELECT day FROM report_workday WHERE start <= " \
	"c.accepted_at ORDER BY start DESC LIMIT 1), date(c.accepted_at + " \
	"18000, 'unixepoch')) AS day FROM complaint c WHERE c.open = 1 " \
	"AND c.overdue_at IS NOT NULL AND c.accepted_at >= " \
	REPORT_START_OF("?2") " AND c.accepted_at < " REPORT_END_OF("?3") " "
#define REPORT_SQL_OVERDUE \
	"SELECT k, count(*) FROM (SELECT " REPORT_KEY("r.day") " AS k " \
	"FROM (" REPORT_OVERDUE_NOW "AND (?4 IS NULL OR c.body_id = ?4) AND " \
	"(?5 IS NULL OR c.service = ?5)) r) GROUP BY k ORDER BY k"

/* The local day of an event, as the view has it: where the page after
 * it begins. */
#define REPORT_SQL_EVENT_DAY \
	"SELECT coalesce((SELECT day FROM report_workday WHERE start <= " \
	"e.at ORDER BY start DESC LIMIT 1), date(e.at + 18000, 'unixepoch')) " \
	"FROM event e WHERE e.id = ?1"

/* The first moment of the day ?1 and of the day after ?2. */
#define REPORT_SQL_BOUNDS \
	"SELECT " REPORT_START_OF("?1") ", " REPORT_END_OF("?2")

/*
 * The days from ?2 to ?3 whose counters hold the figure ?1 (with the
 * trace's filters ?4 to ?8), in order, read along the primary key as
 * they are asked for: the trace reads the events of those days only,
 * so a figure that is rare in a long period costs the days it happened
 * on.
 */
#define REPORT_SQL_TRACE_DAYS \
	"SELECT day FROM report_day " \
	"WHERE day >= ?2 AND day <= ?3 " \
	"AND (?4 IS NULL OR body_id = ?4) AND (?5 IS NULL OR service = ?5) " \
	"AND (?6 IS NULL OR channel = ?6) " \
	"AND (?7 IS NULL OR institution = ?7) " \
	"AND (?8 IS NULL OR substr(day, 1, 7) = ?8) " \
	"AND CASE ?1 " \
	"WHEN 'received' THEN received " \
	"WHEN 'registered-on-time' THEN registered_on_time " \
	"WHEN 'forwarded-in' THEN forwarded_in " \
	"WHEN 'appeals-in' THEN appeals_in " \
	"WHEN 'forwarded-out' THEN forwarded_out " \
	"WHEN 'decided' THEN decided " \
	"WHEN 'upheld' THEN upheld " \
	"WHEN 'partly-upheld' THEN partly_upheld " \
	"WHEN 'rejected' THEN rejected " \
	"WHEN 'explained' THEN explained " \
	"WHEN 'lwc-anonymous' THEN lwc_anonymous " \
	"WHEN 'lwc-repeated' THEN lwc_repeated " \
	"WHEN 'withdrawn' THEN withdrawn " \
	"WHEN 'extended' THEN extended " \
	"WHEN 'answered-on-time' THEN answered_on_time " \
	"WHEN 'answered-late' THEN answered_late " \
	"WHEN 'became-overdue' THEN became_overdue " \
	"WHEN 'repeated' THEN repeated " \
	"WHEN 'appealed' THEN appealed " \
	"WHEN 'appeal-decided' THEN appeal_decided " \
	"WHEN 'appeal-upheld' THEN appeal_upheld " \
	"WHEN 'appeal-partly-upheld' THEN appeal_partly_upheld " \
	"WHEN 'appeal-rejected' THEN appeal_rejected " \
	"WHEN 'appeal-explained' THEN appeal_explained " \
	"WHEN 'days-to-decision' THEN wd_n " \
	"ELSE 0 END > 0 " \
	"GROUP BY day ORDER BY day"

/*
 * The events behind a figure: ?1 the figure, ?2 ?3 the days, ?4 body,
 * ?5 service, ?6 channel, ?7 institution, ?8 month, ?9 after this
 * event, ?10 at most this many; ?11 ?12 the moments of a day of the
 * period (db_report_trace reads it a day at a time, the days
 * REPORT_SQL_TRACE_DAYS gives), plain values, so that they reach into
 * the view and only the day's events are read, through event_at, and
 * sorted.
 */
#define REPORT_TRACE_FILTER \
	"AND (?4 IS NULL OR r.body_id = ?4) AND (?5 IS NULL OR " \
	"r.service = ?5) AND (?6 IS NULL OR r.channel = ?6) AND " \
	"(?7 IS NULL OR r.institution = ?7) AND (?8 IS NULL OR " \
	"substr(r.day, 1, 7) = ?8) "
/*
 * The action a figure counts, as a LIKE pattern: it reaches into the
 * view, so that only those events are joined with their complaints.
 */
#define REPORT_TRACE_ACTION \
	"CASE WHEN ?1 IN ('received', 'registered-on-time', 'repeated') " \
	"THEN 'register%' WHEN ?1 = 'forwarded-in' THEN 'register-forwarded' " \
	"WHEN ?1 = 'appeals-in' THEN 'register-appeal' " \
	"WHEN ?1 = 'forwarded-out' THEN 'forward' " \
	"WHEN ?1 LIKE 'lwc-%' THEN 'leave-without-consideration' " \
	"WHEN ?1 = 'withdrawn' THEN 'withdraw' WHEN ?1 = 'extended' " \
	"THEN 'extend' WHEN ?1 LIKE 'answered-%' THEN 'answer' " \
	"WHEN ?1 = 'became-overdue' THEN 'overdue' " \
	"WHEN ?1 = 'appealed' THEN 'appeal' ELSE 'decide' END"
#define REPORT_SQL_TRACE \
	"SELECT r.event_id, c.talon, b.code, c.service, r.at, r.action, " \
	"c.state, r.day, c.open IS 1 AND c.overdue_at IS NOT NULL " \
	"FROM report_event r JOIN complaint c ON c.id = " \
	"r.complaint_id JOIN body b ON b.id = c.body_id WHERE r.at >= ?11 " \
	"AND r.at < ?12 AND r.action LIKE " REPORT_TRACE_ACTION \
	" AND r.event_id > ?9 AND CASE ?1 " \
	"WHEN 'received' THEN r.received " \
	"WHEN 'registered-on-time' THEN r.registered_on_time " \
	"WHEN 'forwarded-in' THEN r.forwarded_in " \
	"WHEN 'appeals-in' THEN r.appeals_in " \
	"WHEN 'forwarded-out' THEN r.forwarded_out " \
	"WHEN 'decided' THEN r.decided " \
	"WHEN 'upheld' THEN r.upheld " \
	"WHEN 'partly-upheld' THEN r.partly_upheld " \
	"WHEN 'rejected' THEN r.rejected " \
	"WHEN 'explained' THEN r.explained " \
	"WHEN 'lwc-anonymous' THEN r.lwc_anonymous " \
	"WHEN 'lwc-repeated' THEN r.lwc_repeated " \
	"WHEN 'withdrawn' THEN r.withdrawn " \
	"WHEN 'extended' THEN r.extended " \
	"WHEN 'answered-on-time' THEN r.answered_on_time " \
	"WHEN 'answered-late' THEN r.answered_late " \
	"WHEN 'became-overdue' THEN r.became_overdue " \
	"WHEN 'repeated' THEN r.repeated " \
	"WHEN 'appealed' THEN r.appealed " \
	"WHEN 'appeal-decided' THEN r.appeal_decided " \
	"WHEN 'appeal-upheld' THEN r.appeal_upheld " \
	"WHEN 'appeal-partly-upheld' THEN r.appeal_partly_upheld " \
	"WHEN 'appeal-rejected' THEN r.appeal_rejected " \
	"WHEN 'appeal-explained' THEN r.appeal_explained " \
	"WHEN 'days-to-decision' THEN r.wd IS NOT NULL " \
	"ELSE 0 END " REPORT_TRACE_FILTER \
	"ORDER BY r.event_id LIMIT ?10"

/* The open overdue complaints behind "overdue now", as trace rows. */
#define REPORT_SQL_TRACE_OVERDUE \
	"SELECT r.id, r.talon, b.code, r.service, r.overdue_at, 'overdue', " \
	"r.state, r.day, 1 FROM (" REPORT_OVERDUE_NOW "AND c.id > ?9 AND " \
	"?1 = 'overdue-now') r JOIN body b ON b.id = " \
	"r.body_id WHERE 1 " REPORT_TRACE_FILTER "ORDER BY r.id LIMIT ?10"

#define REPORT_SQL_WORKDAY_PUT \
	"INSERT INTO report_workday(day, start, cum, wd) VALUES (?1, ?2, " \
	"?3, ?4) ON CONFLICT(day) DO UPDATE SET start = ?2, cum = ?3, wd = ?4"

/* clang-format on */

#endif /* DB_REPORT_SQL_H */
