"""complaintctl backup and restore: a verified copy made while the daemon
registers under load, restored into a new data folder, served by a new
daemon with every talon acknowledged before the backup began."""

import os
import sqlite3
import stat
import subprocess
import threading
import time

from harness import (CTL_BIN, PerTestDaemonCase, complaint_xml, text_of)


def ctl(*args, timeout=120, env=None):
    return subprocess.run([CTL_BIN] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=timeout,
                          env=env)


def fields(out):
    """complaintctl's "name: value" lines as a dict."""
    return dict(l.split(": ", 1) for l in out.splitlines() if ": " in l)


class BackupTest(PerTestDaemonCase):

    def test_backup_under_load_and_restore(self):
        self.backup_under_load_and_restore(api=False)

    def test_backup_through_the_api_under_load_and_restore(self):
        """The same through the API as the administrator: the daemon
        makes and checks the copy, complaintctl writes it 0600 and
        checks it again."""
        self.backup_under_load_and_restore(api=True)

    def backup_under_load_and_restore(self, api):
        d = self.new_daemon()
        bodies = ["almaty-bostandyk", "almaty-auezov", "almaty-medeu"]
        for b in bodies:
            d.account("registrar", b)
        acked = []              # (monotonic time of the answer, talon)
        lock = threading.Lock()
        stop = threading.Event()
        errors = []

        def load(body):
            conn = None
            while not stop.is_set():
                try:
                    r = d.register(complaint_xml(body=body))
                except OSError as e:
                    errors.append(repr(e))
                    return
                if r.status != 201:
                    errors.append(repr(r))
                    return
                talon = text_of(r.xml(), "number")
                with lock:
                    acked.append((time.monotonic(), talon))

        threads = [threading.Thread(target=load, args=(b,))
                   for b in bodies]
        for t in threads:
            t.start()
        try:
            while len(acked) < 60 and not errors:
                time.sleep(0.02)
            before = time.monotonic()
            with lock:
                n_before = len(acked)
            backup = os.path.join(d.tmp, "backup.db")
            if api:
                p = ctl("-u", d.url(), "backup", "--with-keys", backup,
                        env=dict(os.environ,
                                 COMPLAINTS_TOKEN=d.account_token("admin")))
            else:
                p = ctl("backup", "--data-dir", d.data_dir, "--with-keys",
                        backup)
            after_backup = time.monotonic()
            with lock:
                n_after = len(acked)
            time.sleep(0.3)     # and the load goes on after it
        finally:
            stop.set()
            for t in threads:
                t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines()[-1], "ok")
        info = fields(p.stdout)
        self.assertEqual(info["access-code key"], "included")
        # The daemon went on registering while the copy was made.
        self.assertGreater(n_after, n_before, "no registration during "
                           "the backup (%.2f s)" % (after_backup - before))
        self.assertEqual(stat.S_IMODE(os.stat(backup).st_mode), 0o600)
        self.assertGreater(int(info["complaints"]), 0)

        new_dir = os.path.join(d.tmp, "restored")
        p = ctl("restore", "--data-dir", new_dir, backup)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines()[-1], "ok")
        with open(os.path.join(d.data_dir, "secret.key"), "rb") as a, \
                open(os.path.join(new_dir, "secret.key"), "rb") as b:
            self.assertEqual(a.read(), b.read())

        d2 = self.new_daemon({"_no_admin": 1}, start=False)
        d2.data_dir = new_dir
        d2.db_path = os.path.join(new_dir, "complaints.db")
        d2.accounts.add("admin")    # restored with the rest
        d2.start()
        must = [t for (at, t) in acked if at < before]
        self.assertEqual(len(must), n_before)
        conn = d2.connection()
        for talon in must:
            r = d2.status(talon, conn=conn)
            self.assertEqual(r.status, 200, "%s: %r" % (talon, r))
        # What the copy holds is a prefix of what was acknowledged: no
        # talon that was never handed out, nothing counted twice.
        got = {row[0] for row in d2.query("SELECT talon FROM complaint")}
        self.assertEqual(len(got), int(info["complaints"]))
        self.assertTrue(set(must) <= got)
        self.assertTrue(got <= {t for (_, t) in acked})
        r = d2.get("/api/v1/verify")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(text_of(r.xml(), "result"), "ok", r)
        if api:
            # The daemon's copy under its data folder is gone.
            self.assertEqual([f for f in os.listdir(d.data_dir)
                              if f.startswith("backup.")], [])

    def test_restore_refuses_what_fails_verify(self):
        d = self.new_daemon()
        for _ in range(3):
            self.assertEqual(d.register().status, 201)
        backup = os.path.join(d.tmp, "backup.db")
        p = ctl("backup", "--data-dir", d.data_dir, backup)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(fields(p.stdout)["access-code key"],
                         "not included")
        self.assertEqual(stat.S_IMODE(os.stat(backup).st_mode), 0o600)
        # An entry changed behind the journal's back.
        db = sqlite3.connect(backup)
        db.execute("UPDATE complaint SET reasons = 'changed' WHERE id = "
                   "(SELECT min(id) FROM complaint)")
        db.commit()
        db.close()
        new_dir = os.path.join(d.tmp, "restored")
        p = ctl("restore", "--data-dir", new_dir, backup)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("verify", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(new_dir,
                                                     "complaints.db")))
        self.assertEqual([f for f in os.listdir(new_dir)
                          if f != "complaintsd.lock"], [])
        # Not a database at all.
        junk = os.path.join(d.tmp, "junk.db")
        with open(junk, "wb") as f:
            f.write(b"not a database\n" * 100)
        p = ctl("restore", "--data-dir", new_dir, junk)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not an SQLite database", p.stderr)

    def test_restore_needs_a_stopped_daemon_and_force(self):
        d = self.new_daemon()
        self.assertEqual(d.register().status, 201)
        backup = os.path.join(d.tmp, "backup.db")
        self.assertEqual(ctl("backup", "--data-dir", d.data_dir,
                             backup).returncode, 0)
        p = ctl("restore", "--data-dir", d.data_dir, "--force", backup)
        self.assertEqual(p.returncode, 1)
        self.assertIn("stop it first", p.stderr)
        self.assertEqual(d.stop(), 0)
        p = ctl("restore", "--data-dir", d.data_dir, backup)
        self.assertEqual(p.returncode, 1)
        self.assertIn("--force", p.stderr)
        p = ctl("restore", "--data-dir", d.data_dir, "--force", backup)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(d.data_dir,
                                                    "complaints.db.old")))
        d.start()
        self.assertEqual(d.count_complaints(), 1)

    def test_backup_of_a_store_the_daemon_made(self):
        # The daemon made and migrated the store itself and still runs:
        # what the migrations wrote may be in the write-ahead log only.
        d = self.new_daemon({"_no_admin": 1})
        backup = os.path.join(d.tmp, "backup.db")
        p = ctl("backup", "--data-dir", d.data_dir, backup)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.splitlines()[-1], "ok")


class BackupApiTest(PerTestDaemonCase):

    def test_only_the_administrator_and_no_key_unasked(self):
        d = self.new_daemon()
        for _ in range(3):
            self.assertEqual(d.register().status, 201)
        backup = os.path.join(d.tmp, "api.db")
        for role, body in (("registrar", "almaty-alatau"), ("desk", "mop")):
            p = ctl("-u", d.url(), "backup", backup, env=dict(
                os.environ, COMPLAINTS_TOKEN=d.account(role, body)))
            self.assertNotEqual(p.returncode, 0, (role, p.stdout))
            self.assertIn("forbidden", p.stderr)
            self.assertFalse(os.path.exists(backup))
        r = d.get("/api/v1/backup?keys=yes")
        self.assertEqual(r.status, 400, r)
        p = ctl("-u", d.url(), "backup", backup, env=dict(
            os.environ, COMPLAINTS_TOKEN=d.account_token("admin")))
        self.assertEqual(p.returncode, 0, p.stderr)
        info = fields(p.stdout)
        self.assertEqual(info["access-code key"], "not included")
        self.assertEqual(int(info["complaints"]), 3)
        self.assertEqual(stat.S_IMODE(os.stat(backup).st_mode), 0o600)
        db = sqlite3.connect(backup)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone(),
                         ("ok",))
        self.assertEqual(db.execute("SELECT count(*) FROM complaint")
                         .fetchone(), (3,))
        db.close()
