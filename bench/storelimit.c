/*
 * storelimit: the limit of the storage.  Writes the rows one registration
 * writes (complaints_entry_insert: the body, the repeat lookup, the journal
 * number, the entry with its law and content hash, the row hash computed
 * from the values inserted, and the chained event), each in a savepoint
 * as the writer runs jobs, batch rows to a
 * transaction, with the schema and pragmas of db_open (WAL,
 * synchronous = FULL: one fsync per commit), for a fixed time per batch
 * size, on a new database in dir:
 *
 *   storelimit -d dir [-b 1,8,64,512] [-t seconds] [-s seed]
 *
 * Prints one line per batch size: "batch B rows N seconds S rate R
 * commits C".  No HTTP, no XML, no calendar: what complaintsd reaches
 * over this is the cost of everything above the storage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bench/text.h"
#include "complaints/complaints.h"
#include "db/db.h"
#include "util/util.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One registration's rows, as complaints_entry_insert writes them. */
static int
one(struct db *db, uint64_t *rs, const uint8_t key[32], int64_t seq)
{
	struct db_complaint c;
	struct db_body b;
	struct db_event ev;
	struct db_law law;
	uint8_t ahash[32], akey[32], chash[32], rowhash[32];
	char talon[TALON_LEN + 1], code[ACCESS_CODE_LEN + 1];
	char reasons[4096], addr[256];
	int64_t no, id, rid, rcase;
	time_t now = time(NULL);
	int rc, tries;

	if ((rc = db_body_by_code(db, bench_bodies[bench_body_pick(rs)], &b)) !=
	    DB_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.channel = bench_channels[bench_below(rs, NELEM(bench_channels))];
	c.service = 1 + (int)bench_below(rs, 11);
	c.subject_name = bench_subjects[bench_below(rs, NELEM(bench_subjects))];
	c.surname = bench_surnames[bench_below(rs, NELEM(bench_surnames))];
	c.name = bench_names[bench_below(rs, NELEM(bench_names))];
	c.patronymic =
	    bench_patronymics[bench_below(rs, NELEM(bench_patronymics))];
	snprintf(addr, sizeof(addr), "Алматы қ., %s, %s, %lld-үй",
	    bench_districts[bench_below(rs, NELEM(bench_districts))],
	    bench_streets[bench_below(rs, NELEM(bench_streets))],
	    (long long)(seq % 300 + 1));
	c.address = addr;
	c.is_signed = 1;
	bench_reasons_text(
	    rs, 1 + (int)bench_below(rs, 6), reasons, sizeof(reasons));
	c.reasons = reasons;
	c.demands = bench_demands[bench_below(rs, NELEM(bench_demands))];
	c.registrar_name = bench_registrars[0];
	c.registrar_position = bench_positions[0];
	c.rules = "appc-2020";
	c.due = "2026-12-17";
	c.state = "registered";
	c.body_id = b.id;
	c.journal_year = 2026;
	c.accepted_at = now;
	c.received_at = now;
	crypto_generichash(
	    akey, 32, (const uint8_t *)addr, strlen(addr), NULL, 0);
	c.applicant_key = akey;
	memset(&law, 0, sizeof(law));
	snprintf(law.clause, sizeof(law.clause), "art. 25 p. 2");
	snprintf(law.basis, sizeof(law.basis),
	    "accepted on or after the rule set's start");
	snprintf(law.count_from, sizeof(law.count_from), "registration");
	snprintf(law.ground, sizeof(law.ground), "decision");
	c.law = &law;
	if (db_repeat_find(db, akey, c.service, now - 365 * 86400, 0, &rid,
		&rcase) == DB_OK)
		c.repeat_of = rid;
	if ((rc = db_journal_next(db, b.id, 2026, &no)) != DB_OK)
		return rc;
	c.journal_no = no;
	complaints_access_code_generate(code);
	complaints_access_code_hash(key, code, ahash);
	c.access_hash = ahash;
	c.talon = talon;
	for (tries = 0; tries < 8; tries++) {
		complaints_talon_generate(2026, talon);
		if ((rc = db_complaint_insert(db, &c, &id, chash)) !=
		    DB_CONSTRAINT)
			break;
	}
	if (rc != DB_OK)
		return rc;
	memset(&ev, 0, sizeof(ev));
	ev.body_id = b.id;
	ev.complaint_id = id;
	ev.at = now;
	ev.actor = c.registrar_name;
	ev.action = "register";
	ev.state_after = "registered";
	if ((rc = db_complaint_row_hash_new(
		 db, &c, id, chash, NULL, 0, rowhash)) != DB_OK)
		return rc;
	return db_event_append(db, &ev, rowhash);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: storelimit -d dir [-b 1,8,64,512] "
	    "[-t seconds] [-s seed]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL, *batches = "512";
	char path[1100], aux[1200], err[512], list[256], *p, *save = NULL;
	long long secs = 5, seed = 1, bsz;
	uint8_t key[32];
	uint64_t rs;
	struct db *db;
	int ch, rc;

	while ((ch = getopt(argc, argv, "b:d:s:t:")) != -1) {
		switch (ch) {
		case 'b':
			batches = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 's':
			if (parse_ll(optarg, 0, INT64_MAX, &seed) == -1)
				usage();
			break;
		case 't':
			if (parse_ll(optarg, 1, 600, &secs) == -1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (dir == NULL || strlen(dir) > 1000)
		usage();
	log_init("storelimit", 1, LOG_LVL_WARN);
	if (sodium_init() < 0)
		return 1;
	rs = (uint64_t)seed;
	memset(key, 7, sizeof(key));
	snprintf(list, sizeof(list), "%s", batches);
	for (p = strtok_r(list, ",", &save); p != NULL;
	     p = strtok_r(NULL, ",", &save)) {
		int64_t rows = 0, commits = 0;
		double t0, el;

		if (parse_ll(p, 1, 100000, &bsz) == -1)
			usage();
		/* A new journal for each size: the same starting point. */
		snprintf(path, sizeof(path), "%s/store-%lld.db", dir, bsz);
		unlink(path);
		snprintf(aux, sizeof(aux), "%s-wal", path);
		unlink(aux);
		snprintf(aux, sizeof(aux), "%s-shm", path);
		unlink(aux);
		if ((db = db_open(path, DB_OPEN_WRITE, err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, "storelimit: %s\n", err);
			return 1;
		}
		t0 = now_s();
		do {
			if ((rc = db_begin(db)) != DB_OK)
				goto fail;
			for (long long i = 0; i < bsz; i++) {
				if ((rc = db_savepoint(db)) != DB_OK ||
				    (rc = one(db, &rs, key, rows)) != DB_OK ||
				    (rc = db_release(db)) != DB_OK)
					goto fail;
				rows++;
			}
			if ((rc = db_commit(db)) != DB_OK)
				goto fail;
			commits++;
		} while ((el = now_s() - t0) < (double)secs);
		printf("batch %lld rows %lld seconds %.3f rate %.1f commits "
		       "%lld\n",
		    bsz, (long long)rows, el, rows / el, (long long)commits);
		fflush(stdout);
		db_close(db);
		unlink(path);
	}
	return 0;
fail:
	fprintf(stderr, "storelimit: %s\n", db_strerror(rc));
	return 1;
}
