"""Upgrades: each data folder of tests/upgrade (written by an earlier
version) opened by this daemon, migrated at start without loss: verify is
ok and every talon of its manifest is found as it was left, its access
code still accepted."""

import os
import shutil
import sqlite3
import subprocess

from harness import (CTL_BIN, REPO, PerTestDaemonCase, text_of)

FIXTURES = os.path.join(REPO, "tests", "upgrade")


def fixtures():
    return sorted(d for d in os.listdir(FIXTURES) if os.path.isfile(
        os.path.join(FIXTURES, d, "manifest.txt")))


def manifest(name):
    with open(os.path.join(FIXTURES, name, "manifest.txt"),
              encoding="utf-8") as f:
        return [l.split() for l in f if l.strip() and not l.startswith("#")]


class UpgradeTest(PerTestDaemonCase):

    def test_there_is_a_fixture(self):
        self.assertTrue(fixtures(), "no fixture in %s" % FIXTURES)

    def open_fixture(self, name):
        d = self.new_daemon({"_no_admin": 1}, start=False)
        shutil.copytree(os.path.join(FIXTURES, name), d.data_dir)
        os.chmod(os.path.join(d.data_dir, "secret.key"), 0o600)
        d.db_path = os.path.join(d.data_dir, "complaints.db")
        d.accounts.add("admin")
        d.start()
        return d

    def test_fixtures_migrate_without_loss(self):
        for name in fixtures():
            with self.subTest(fixture=name):
                self.check_fixture(name)

    def check_fixture(self, name):
        rows = manifest(name)
        self.assertTrue(rows)
        before = sqlite3.connect(os.path.join(FIXTURES, name,
                                              "complaints.db"))
        old_version = before.execute("PRAGMA user_version").fetchone()[0]
        staff_sql = ("SELECT id, login, full_name, position, body_id, role, "
                     "active, pw_hash, created_at FROM staff ORDER BY id")
        token_sql = "SELECT * FROM token ORDER BY id"
        staff = before.execute(staff_sql).fetchall()
        tokens = before.execute(token_sql).fetchall()
        before.close()
        d = self.open_fixture(name)
        version = d.query("PRAGMA user_version")[0][0]
        self.assertGreaterEqual(version, old_version)
        # The accounts (their table rebuilt for the monitor role) and
        # their tokens, row for row, and every reference whole.
        self.assertTrue(staff)
        self.assertEqual([tuple(r) for r in d.query(staff_sql)], staff)
        self.assertEqual([tuple(r) for r in d.query(token_sql)], tokens)
        self.assertEqual(d.query("PRAGMA foreign_key_check"), [])
        r = d.get("/api/v1/verify")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(text_of(r.xml(), "result"), "ok", r)
        self.assertEqual(int(text_of(r.xml(), "complaints")), len(rows))
        conn = d.connection()
        for talon, code, body, journal, state, outcome in rows:
            r = d.status(talon, conn=conn)
            self.assertEqual(r.status, 200, "%s: %r" % (talon, r))
            self.assertIn(state.encode(), r.body, r)
            self.assertIn(body.encode(), r.body, r)
            # The access code still checks against the migrated store's
            # key; a wrong one does not.
            r = d.get("/api/v1/talons/%s?code=%s" % (talon, code),
                      conn=conn)
            self.assertEqual(r.status, 200, "%s: %r" % (talon, r))
            if outcome != "-":
                self.assertIn(outcome.encode(), r.body, r)
            wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
            r = d.get("/api/v1/talons/%s?code=%s" % (talon, wrong),
                      conn=conn)
            self.assertNotEqual(r.status, 200, "%s: a wrong code is "
                                "accepted: %r" % (talon, r))
            rec = d.query("SELECT journal_no || '/' || journal_year FROM "
                          "complaint WHERE talon = ?", (talon,))
            self.assertEqual(rec[0][0], journal)
        # And complaintctl verify says so too.
        env = dict(os.environ, COMPLAINTS_TOKEN=d.account("admin", "mop"))
        p = subprocess.run([CTL_BIN, "-u", d.url(), "verify"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
