/*
 * gen: writes a journal of N complaints for the benchmarks, through db/
 * (db_open with DB_OPEN_WRITE, so the schema is the real one) and the
 * real insert functions, so the rows, the content hashes, the row hashes
 * and the event chain are what complaintsd itself would have written:
 *
 *   gen -n 1000000 -d bench/data/1000000 [-s seed] [-k samples] [-b body]
 *
 * writes DIR/complaints.db, DIR/secret.key (the key of the access-code
 * hashes), DIR/talons.txt (a random sample of talon numbers, one a line)
 * and DIR/gen.txt (what was made: rows per body and year, and the
 * schema version whose report counters its commits kept as it wrote).
 * With -b, every complaint goes to that one body (a long journal for the
 * tests of exports).  It writes
 * into DIR.tmp and renames at the end, so a half-made journal is never
 * taken for a whole one.
 *
 * The complaints are spread evenly from 1 January of the year two years
 * back to now.  Those registered more than CLOSE_AFTER days ago are
 * decided, answered and closed (one "close" event: the real lifecycle
 * writes three, decide, answer and close; this keeps one to halve the
 * cost, and the row ends exactly as a closed one does).  Open
 * complaints whose due date has passed are marked reminded and overdue
 * as the deadline watch would (without the notification rows it queues).
 * Repeats are not looked for (no db_repeat_find per row).
 *
 * For speed only, the connection runs with synchronous = OFF and a large
 * page cache while generating (a crash loses the DIR.tmp, never a
 * journal in use); the file it leaves is in WAL mode like any other.
 * The lookup index is set aside while the rows go in (SLOW_PARTS) and
 * made again at the end from its own definition, by one sort.  The
 * reports' counters are kept as complaintsd keeps them: each commit
 * counts its own events (db_commit), TXN_ROWS complaints at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench/text.h"
#include "calendar/calendar.h"
#include "complaints/complaints_int.h"
#include "db/db_int.h"
#include "util/util.h"

#define TXN_ROWS    20000
#define CLOSE_AFTER (45 * 86400)
#define TALON_TRIES 8

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
progress(int64_t done, int64_t n, double t0)
{
	double el = now_s() - t0, rate = el > 0 ? done / el : 0;
	int w = 40, fill = n ? (int)(w * done / n) : w;
	char bar[64];

	for (int i = 0; i < w; i++)
		bar[i] = i < fill ? '#' : ' ';
	bar[w] = '\0';
	fprintf(stderr, "\rgen: [%s] %3d%% %lld/%lld %.0f rows/s ETA %.0f s  ",
	    bar, n ? (int)(100 * done / n) : 100, (long long)done, (long long)n,
	    rate, rate > 0 ? (n - done) / rate : 0.0);
}

static void
talon_make(uint64_t *rs, int year, char out[TALON_LEN + 1])
{
	char d[TALON_DIGITS];

	snprintf(d, sizeof(d), "%04d", year);
	for (int i = 4; i < 13; i++)
		d[i] = (char)('0' + bench_below(rs, 10));
	d[13] = (char)('0' + complaints_talon_damm(d, 13));
	snprintf(out, TALON_LEN + 1, "%.4s-%.9s-%c", d, d + 4, d[13]);
}

static void
access_make(uint64_t *rs, char out[ACCESS_CODE_LEN + 1])
{
	static const char a[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

	for (int i = 0; i < ACCESS_CODE_LEN; i++)
		out[i] = a[bench_below(rs, 32)];
	out[ACCESS_CODE_LEN] = '\0';
}

/* What is set aside while the rows go in, and made again after. */
static const char *const slow_parts[] = { "complaint_lookup" };
#define SLOW_PARTS NELEM(slow_parts)

static int
exec(struct db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "gen: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Drops the trigger or index name, keeping its definition in *sql. */
static int
set_aside(struct db *db, const char *name, char **sql)
{
	sqlite3_stmt *st;
	char drop[128];
	int rc;

	*sql = NULL;
	if (sqlite3_prepare_v2(db->h,
		"SELECT type, sql FROM sqlite_master WHERE name = ?1", -1, &st,
		NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(drop, sizeof(drop), "DROP %s %s",
		    (const char *)sqlite3_column_text(st, 0), name);
		*sql = strdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || *sql == NULL) {
		fprintf(stderr, "gen: %s: not in the schema\n", name);
		return -1;
	}
	return exec(db, drop);
}

static int
write_secret(const char *path, uint8_t key[32], uint64_t *rs)
{
	int fd;

	for (int i = 0; i < 32; i += 8) {
		uint64_t v = bench_rand(rs);

		memcpy(key + i, &v, 8);
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	if (write(fd, key, 32) != 32) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen [-CFq] -n rows -d dir [-s seed] [-k samples] "
	    "[-S schema_dir] [-b body]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL, *schema_dir = "schemas", *only = NULL;
	int only_bi = -1;
	char tmp[1024], path[2400], err[512], cal_path[1024], rules_path[1024];
	char talon[TALON_LEN + 1], code[ACCESS_CODE_LEN + 1], due[11];
	char reasons[4096], addr[256], email[128], phone[32], detail[128];
	struct db_body bodies[NELEM(bench_bodies)];
	int64_t per[NELEM(bench_bodies)][4];
	long long n = 0, k = 100000, seed = 1;
	char **sample = NULL, *slow_sql[SLOW_PARTS];
	uint8_t key[32], ahash[32], akey[32], chash[32], rowhash[32];
	uint64_t rs;
	struct cal *cal;
	struct db *db;
	FILE *f;
	time_t now, start;
	double t0;
	int ch, quiet = 0, base_year, rc = DB_OK, fast = 0, noclose = 0;
	int64_t i, id, no, closed = 0, overdue = 0, nsample = 0, retries = 0;
	struct tm tm;
	struct date today;
	struct moment mn;
	char tday[11];

	while ((ch = getopt(argc, argv, "b:Cd:Fk:n:qS:s:")) != -1) {
		switch (ch) {
		case 'b':
			only = optarg;
			break;
		case 'C':
			noclose = 1;
			break;
		case 'F':
			fast = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'k':
			if (parse_ll(optarg, 1, 10000000, &k) == -1)
				usage();
			break;
		case 'n':
			if (parse_ll(optarg, 1, 100000000, &n) == -1)
				usage();
			break;
		case 'q':
			quiet = 1;
			break;
		case 'S':
			schema_dir = optarg;
			break;
		case 's':
			if (parse_ll(optarg, 0, INT64_MAX, &seed) == -1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (dir == NULL || n == 0)
		usage();
	log_init("gen", 1, LOG_LVL_WARN);
	if (sodium_init() < 0 || tz_init("Asia/Almaty") == -1) {
		fprintf(stderr, "gen: libsodium or the time zone\n");
		return 1;
	}
	snprintf(
	    cal_path, sizeof(cal_path), "%s/data/calendar-kz.xml", schema_dir);
	snprintf(
	    rules_path, sizeof(rules_path), "%s/data/rules.xml", schema_dir);
	if ((cal = cal_load(
		 cal_path, rules_path, schema_dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "gen: calendar: %s\n", err);
		return 1;
	}
	rs = (uint64_t)seed;
	if (strlen(dir) > 900)
		usage();
	snprintf(tmp, sizeof(tmp), "%s.tmp", dir);
	snprintf(path, sizeof(path), "rm -rf '%s'", tmp);
	if (system(path) != 0 || mkdir(tmp, 0700) == -1) {
		fprintf(stderr, "gen: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/secret.key", tmp);
	if (write_secret(path, key, &rs) == -1) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/complaints.db", tmp);
	if ((db = db_open(path, DB_OPEN_WRITE, err, sizeof(err))) == NULL) {
		fprintf(stderr, "gen: %s\n", err);
		return 1;
	}
	if (exec(db,
		"PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF;"
		" PRAGMA synchronous = OFF; PRAGMA cache_size = -2000000;"
		" PRAGMA locking_mode = EXCLUSIVE") == -1)
		return 1;
	/* The reports' working days first: the counters use them. */
	if (db_begin(db) != DB_OK ||
	    complaints_report_calendar(db, cal, "Asia/Almaty") != DB_OK ||
	    db_commit(db) != DB_OK) {
		fprintf(stderr, "gen: the working-day table: %s\n",
		    sqlite3_errmsg(db->h));
		return 1;
	}
	for (size_t p = 0; p < SLOW_PARTS; p++)
		if (set_aside(db, slow_parts[p], &slow_sql[p]) == -1)
			return 1;
	for (size_t b = 0; b < NELEM(bench_bodies); b++) {
		if (only != NULL && strcmp(only, bench_bodies[b]) == 0)
			only_bi = (int)b;
		if (db_body_by_code(db, bench_bodies[b], &bodies[b]) != DB_OK) {
			fprintf(stderr, "gen: no body %s\n", bench_bodies[b]);
			return 1;
		}
	}
	if (only != NULL && only_bi < 0) {
		fprintf(
		    stderr, "gen: -b %s: not a body of the benchmark\n", only);
		return 1;
	}
	memset(per, 0, sizeof(per));
	if ((sample = calloc((size_t)k, sizeof(*sample))) == NULL)
		return 1;

	now = time(NULL);
	gmtime_r(&now, &tm);
	base_year = tm.tm_year + 1900 - 2;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = base_year - 1900;
	tm.tm_mday = 1;
	start = timegm(&tm) - 5 * 3600 + 8 * 3600; /* 08:00 in Almaty */
	tz_local("Asia/Almaty", now, &mn);
	today.y = mn.y;
	today.m = mn.m;
	today.d = mn.d;
	date_iso(today, tday);
	t0 = now_s();
	if (db_begin(db) != DB_OK)
		return 1;
	for (i = 0; i < n; i++) {
		struct db_complaint c;
		struct db_event ev;
		struct cal_due_in din;
		struct cal_due_out dout;
		struct db_attachment att[2];
		struct moment m;
		unsigned bi = bench_body_pick(&rs);

		if (only_bi >= 0)
			bi = (unsigned)only_bi;
		const struct db_body *b = &bodies[bi];
		time_t at = start +
		    (time_t)((double)(now - 60 - start) * (double)i /
			(double)n);
		int natt, tries, later;

		if (tz_local("Asia/Almaty", at, &m) == -1)
			return 1;
		memset(&din, 0, sizeof(din));
		din.registered = m;
		din.hours = cal_hours_for(cal, "office");
		if (cal_due(cal, &din, &dout) == -1) {
			fprintf(stderr, "gen: no rule set for %d\n", m.y);
			return 1;
		}
		date_iso(dout.due, due);

		memset(&c, 0, sizeof(c));
		c.channel =
		    bench_channels[bench_below(&rs, NELEM(bench_channels))];
		c.service = 1 + (int)bench_below(&rs, 11);
		c.subject_name =
		    bench_subjects[bench_below(&rs, NELEM(bench_subjects))];
		c.subject_official = bench_below(&rs, 2) ?
		    bench_officials[bench_below(&rs, NELEM(bench_officials))] :
		    NULL;
		c.surname =
		    bench_surnames[bench_below(&rs, NELEM(bench_surnames))];
		c.name = bench_names[bench_below(&rs, NELEM(bench_names))];
		c.patronymic = bench_below(&rs, 4) ?
		    bench_patronymics[bench_below(
			&rs, NELEM(bench_patronymics))] :
		    NULL;
		snprintf(addr, sizeof(addr), "Алматы қ., %s, %s, %u, %u-пәтер",
		    bench_districts[bench_below(&rs, NELEM(bench_districts))],
		    bench_streets[bench_below(&rs, NELEM(bench_streets))],
		    1 + bench_below(&rs, 300), 1 + bench_below(&rs, 200));
		c.address = addr;
		snprintf(email, sizeof(email), "applicant%u@example.kz",
		    bench_below(&rs, 1000000));
		c.email = bench_below(&rs, 2) ? email : NULL;
		snprintf(phone, sizeof(phone), "+7 70%u %03u-%02u-%02u",
		    bench_below(&rs, 10), bench_below(&rs, 1000),
		    bench_below(&rs, 100), bench_below(&rs, 100));
		c.phone = bench_below(&rs, 3) ? phone : NULL;
		c.is_signed = bench_below(&rs, 10) != 0;
		bench_reasons_text(&rs, 1 + (int)bench_below(&rs, 6), reasons,
		    sizeof(reasons));
		c.reasons = reasons;
		c.demands =
		    bench_demands[bench_below(&rs, NELEM(bench_demands))];
		c.registrar_name =
		    bench_registrars[bench_below(&rs, NELEM(bench_registrars))];
		c.registrar_position =
		    bench_positions[bench_below(&rs, NELEM(bench_positions))];
		c.rules = dout.rules;
		c.due = due;
		c.state = "registered";
		c.body_id = b->id;
		c.journal_year = m.y;
		c.accepted_at = at;
		c.received_at = at;
		complaints_applicant_key(
		    c.surname, c.name, c.address, NULL, c.subject_name, akey);
		c.applicant_key = akey;
		access_make(&rs, code);
		complaints_access_code_hash(key, code, ahash);
		c.access_hash = ahash;

		if ((rc = db_journal_next(db, b->id, m.y, &no)) != DB_OK)
			goto dberr;
		c.journal_no = no;
		c.talon = talon;
		for (tries = 0; tries < TALON_TRIES; tries++) {
			talon_make(&rs, m.y, talon);
			rc = db_complaint_insert(db, &c, &id, chash);
			if (rc != DB_CONSTRAINT)
				break;
			retries++;
		}
		if (rc != DB_OK)
			goto dberr;
		c.id = id;
		natt = bench_below(&rs, 10) == 0 ?
		    1 + (int)bench_below(&rs, 2) :
		    0;
		for (int a = 0; a < natt; a++) {
			att[a].name = a ? "анықтама.pdf" : "өтініш.pdf";
			att[a].media_type = "application/pdf";
			att[a].sha256 =
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2"
			    "b0b822cd15d6c15b0f00a08";
			if ((rc = db_attachment_insert(
				 db, id, a + 1, &att[a])) != DB_OK)
				goto dberr;
		}
		memset(&ev, 0, sizeof(ev));
		ev.body_id = b->id;
		ev.complaint_id = id;
		ev.at = at;
		ev.actor = c.registrar_name;
		ev.action = "register";
		ev.state_after = "registered";
		/*
		 * -F: a row that gets a later event (closed, overdue) keeps
		 * the content hash in its register event instead of the row
		 * hash: verify compares a row with its latest event only, so
		 * it still passes; the chain is whole either way.
		 */
		later = !noclose &&
		    (now - at > CLOSE_AFTER || strcmp(due, tday) < 0);
		if (fast && later)
			memcpy(rowhash, chash, 32);
		else if ((rc = db_complaint_row_hash_new(
			      db, &c, id, chash, att, natt, rowhash)) != DB_OK)
			goto dberr;
		if ((rc = db_event_append(db, &ev, rowhash)) != DB_OK)
			goto dberr;

		/* Its life since, so that the journal looks like one. */
		if (now - at > CLOSE_AFTER && !noclose) {
			time_t dec = at + 7 * 86400;

			c.outcome = bench_below(&rs, 3) ? "rejected" : "upheld";
			c.reasoning = "Өтініш қаралды, шешім қабылданды.";
			c.decided_by = "Бөлім басшысы";
			c.decided_at = dec;
			c.answered_at = dec + 86400;
			c.answer_channel = "post";
			c.state = "closed";
			c.open = 0;
			ev.at = dec + 2 * 86400;
			ev.actor = c.decided_by;
			ev.action = "close";
			ev.state_before = "registered";
			ev.state_after = "closed";
			if ((rc = db_complaint_change(db, &c, &ev)) != DB_OK)
				goto dberr;
			closed++;
		} else if (!noclose) {
			if (strcmp(due, tday) < 0) {
				c.open = 1;
				c.reminded_at = at + 86400;
				c.overdue_at = at + 30 * 86400 < now ?
				    at + 30 * 86400 :
				    now - 3600;
				snprintf(detail, sizeof(detail),
				    "was due on "
				    "%s; on the escalation desk",
				    due);
				ev.at = c.overdue_at;
				ev.actor = "deadline watch";
				ev.action = "overdue";
				ev.state_before = "registered";
				ev.state_after = "registered";
				ev.detail = detail;
				if ((rc = db_complaint_change(db, &c, &ev)) !=
				    DB_OK)
					goto dberr;
				overdue++;
			}
		}
		per[bi][m.y - base_year < 0 ? 0 :
			m.y - base_year > 3 ? 3 :
					      m.y - base_year]++;

		/* Reservoir sampling of talon numbers. */
		if (nsample < k) {
			sample[nsample++] = strdup(talon);
		} else {
			uint64_t j = bench_rand(&rs) % (uint64_t)(i + 1);

			if (j < (uint64_t)k) {
				free(sample[j]);
				sample[j] = strdup(talon);
			}
		}
		if ((i + 1) % TXN_ROWS == 0) {
			if (db_commit(db) != DB_OK || db_begin(db) != DB_OK)
				goto dberr;
			if (!quiet)
				progress(i + 1, n, t0);
		}
	}
	if (db_commit(db) != DB_OK)
		goto dberr;
	if (!quiet)
		progress(n, n, t0);
	fprintf(stderr,
	    "\ngen: %lld rows in %.1f s (%lld closed, %lld "
	    "overdue, %lld talon retries); the lookup index\n",
	    n, now_s() - t0, (long long)closed, (long long)overdue,
	    (long long)retries);
	if (db_begin(db) != DB_OK)
		goto dberr;
	for (size_t p = 0; p < SLOW_PARTS; p++) {
		if (exec(db, slow_sql[p]) == -1)
			return 1;
		free(slow_sql[p]);
	}
	if ((rc = db_commit(db)) != DB_OK)
		goto dberr;
	fprintf(stderr, "gen: done in %.1f s; checkpointing\n", now_s() - t0);
	/*
	 * No ANALYZE (nor PRAGMA optimize): complaintsd never runs it, and
	 * with statistics the planner takes other paths (see BENCHMARKS.md).
	 */
	exec(db, "PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL");
	db_close(db);
	cal_free(cal);

	snprintf(path, sizeof(path), "%s/talons.txt", tmp);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	for (int64_t s = 0; s < nsample; s++) {
		fprintf(f, "%s\n", sample[s]);
		free(sample[s]);
	}
	free(sample);
	sample = NULL;
	fclose(f);
	snprintf(path, sizeof(path), "%s/gen.txt", tmp);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "counters %d\n", db_schema_version());
	fprintf(f, "rows %lld\nseed %lld\nclosed %lld\noverdue %lld\n", n, seed,
	    (long long)closed, (long long)overdue);
	for (size_t b = 0; b < NELEM(bench_bodies); b++)
		for (int y = 0; y < 4; y++)
			if (per[b][y])
				fprintf(f, "journal %s %d %lld\n",
				    bench_bodies[b], base_year + y,
				    (long long)per[b][y]);
	fprintf(f, "seconds %.1f\n", now_s() - t0);
	fclose(f);
	snprintf(
	    path, sizeof(path), "rm -rf '%s' && mv '%s' '%s'", dir, tmp, dir);
	if (system(path) != 0)
		return 1;
	return 0;
dberr:
	fprintf(stderr, "\ngen: row %lld: %s: %s\n", (long long)i,
	    db_strerror(rc), sqlite3_errmsg(db->h));
	return 1;
}
