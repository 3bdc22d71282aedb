"""One write path: a write waits in the writer, never in a request thread.

Every write (registration, actions, sign-in, accounts, tokens,
notifications) suspends its connection until the writer has committed.
The daemon runs with two request threads and test_write_hold, a file
that stalls the writer while it exists: with more writes held than
there are threads, status lookups and the health check still answer at
once, and every held write answers once the file is gone.
"""

import os
import threading
import time
import unittest

from harness import (BODIES, DaemonTestCase, PASSWORD, complaint_xml,
                     request, text_of)

THREADS = 2
HELD = 3 * THREADS      # more writes in flight than request threads


class WritePathTest(DaemonTestCase):
    CONF = {"threads": str(THREADS), "watch_interval": "0",
            "notify_interval": "0", "shutdown_grace": "1"}

    @classmethod
    def setUpClass(cls):
        cls.CONF = dict(cls.CONF)
        super().setUpClass()

    def setUp(self):
        d = self.daemon
        self.hold = os.path.join(d.tmp, "hold")
        # The daemon reads the option at start: restart with it.
        if d.extra.get("test_write_hold") != self.hold:
            d.extra["test_write_hold"] = self.hold
            d.restart()
        self.addCleanup(self.release)

    def release(self):
        try:
            os.unlink(self.hold)
        except FileNotFoundError:
            pass

    def held_writes(self, make):
        """Starts HELD writes (make(i) -> (method, path, body, headers))
        while the writer is held; returns (threads, results)."""
        results = [None] * HELD

        def run(i):
            method, path, body, headers = make(i)
            conn = self.daemon.connection(timeout=60)
            try:
                results[i] = request(conn, method, path, body, headers)
            except OSError as e:
                results[i] = e

        threads = [threading.Thread(target=run, args=(i,))
                   for i in range(HELD)]
        for t in threads:
            t.start()
        return threads, results

    def assert_reads_answer(self, talon, results):
        """Lookups answer quickly while the writes are still held."""
        time.sleep(0.3)     # the writes are in and waiting
        for _ in range(2 * HELD):
            t0 = time.monotonic()
            r = request(self.daemon.connection(timeout=5), "GET",
                        "/api/v1/talons/%s" % talon)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(text_of(r.xml(), "number"), talon)
            self.assertLess(time.monotonic() - t0, 2.0)
        r = request(self.daemon.connection(timeout=5), "GET", "/healthz")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(results, [None] * HELD,
                         "a write answered while the writer was held")

    def finish(self, threads, results, status):
        self.release()
        for t in threads:
            t.join(60)
            self.assertFalse(t.is_alive(), "a held write never answered")
        for r in results:
            self.assertNotIsInstance(r, Exception)
            self.assertEqual(r.status, status, r)
        return results

    def test_held_actions_leave_lookups_answering(self):
        d = self.daemon
        r = d.register()
        self.assertEqual(r.status, 201, r)
        talon = text_of(r.xml(), "number")
        auth = {"Authorization": "Bearer " + d.account(
                    "head", d.complaint_body(talon)),
                "Content-Type": "application/xml; charset=utf-8"}
        before = d.query("SELECT count(*) FROM event")[0][0]
        open(self.hold, "w").close()
        threads, results = self.held_writes(lambda i: (
            "POST", "/api/v1/complaints/%s/actions" % talon,
            ("<note><text>Жазба %d</text></note>" % i).encode("utf-8"),
            auth))
        self.assert_reads_answer(talon, results)
        self.assertEqual(d.query("SELECT count(*) FROM event")[0][0], before)
        self.finish(threads, results, 200)
        self.assertEqual(d.query("SELECT count(*) FROM event")[0][0],
                         before + HELD)

    def test_held_registrations_and_sign_ins(self):
        d = self.daemon
        r = d.register()
        self.assertEqual(r.status, 201, r)
        talon = text_of(r.xml(), "number")
        reg = {"Authorization": "Bearer " + d.account(
                   "registrar", "almaty-bostandyk"),
               "Content-Type": "application/xml; charset=utf-8"}
        # A login of its own for each sign-in: one sign-in of a login
        # from one address is checked at a time (the others get 429).
        logins = ["registrar.%s" % b for b in BODIES[1:1 + HELD]]
        for login in logins:
            d.account("registrar", login.split(".", 1)[1])
        sign_in = ("<sign-in><login>%s</login><password>" + PASSWORD +
                   "</password></sign-in>")
        xml = {"Content-Type": "application/xml; charset=utf-8"}
        count = d.count_complaints()
        open(self.hold, "w").close()
        threads, results = self.held_writes(lambda i: (
            ("POST", "/api/v1/complaints",
             complaint_xml().encode("utf-8"), reg) if i % 2 == 0 else
            ("POST", "/api/v1/session",
             (sign_in % logins[i]).encode("utf-8"), xml)))
        self.assert_reads_answer(talon, results)
        self.assertEqual(d.count_complaints(), count)
        self.finish(threads, results, 201)
        self.assertEqual(d.count_complaints(), count + (HELD + 1) // 2)

    def test_stop_with_writes_held(self):
        """SIGTERM while writes wait in the writer: the daemon still ends
        as a stop (status 0, no abort) within shutdown_grace and a
        second, and what it answered is on disk after a restart."""
        d = self.daemon
        r = d.register()
        self.assertEqual(r.status, 201, r)
        talon = text_of(r.xml(), "number")
        auth = {"Authorization": "Bearer " + d.account(
                    "head", d.complaint_body(talon)),
                "Content-Type": "application/xml; charset=utf-8"}
        open(self.hold, "w").close()
        threads, results = self.held_writes(lambda i: (
            "POST", "/api/v1/complaints/%s/actions" % talon,
            ("<note><text>Тоқтау %d</text></note>" % i).encode("utf-8"),
            auth))
        time.sleep(0.3)
        t0 = time.monotonic()
        rc = d.stop()
        self.assertEqual(rc, 0, d.log())
        self.assertLess(time.monotonic() - t0, 5.0)
        self.assertNotIn("PANIC", d.log())
        for t in threads:
            t.join(10)
        self.release()
        d.start()
        # A note that was answered 200 is on disk; none is there twice.
        notes = d.query("SELECT detail FROM event WHERE action = 'note' "
                        "AND detail LIKE 'Тоқтау%'")
        answered = [r for r in results
                    if not isinstance(r, Exception) and r is not None and
                    r.status == 200]
        self.assertGreaterEqual(len(notes), len(answered))
        self.assertEqual(len(notes), len(set(n[0] for n in notes)))


if __name__ == "__main__":
    unittest.main()
