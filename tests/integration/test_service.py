"""complaintsd as a service: systemd's notification protocol (READY,
RELOADING, STOPPING, watchdog pings), journal priorities on stderr, one
daemon per data folder and per port."""

import os
import signal
import socket
import subprocess
import threading
import time

from harness import (DAEMON_BIN, DaemonError, PerTestDaemonCase,
                     complaint_xml, request)


class Notifications:
    """A NOTIFY_SOCKET of our own: the datagrams the daemon sends."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.seen = []

    def wait_for(self, line, timeout=15.0):
        """The first message holding line; fails after timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                msg = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            self.seen.append(msg)
            if line in msg.split("\n"):
                return msg
        raise AssertionError("no %r within %.0f s; seen %r"
                             % (line, timeout, self.seen))

    def drain(self):
        """Forgets what was sent so far."""
        self.sock.settimeout(0)
        try:
            while True:
                self.sock.recv(4096)
        except (BlockingIOError, socket.timeout):
            pass
        self.seen = []

    def close(self):
        self.sock.close()


class ServiceTest(PerTestDaemonCase):

    def start_supervised(self, d, watchdog_usec):
        """Starts d as systemd would: no -d, NOTIFY_SOCKET, WATCHDOG_USEC,
        stderr the journal's stream (JOURNAL_STREAM names it)."""
        d.write_conf()
        n = Notifications(os.path.join(d.tmp, "notify"))
        self.addCleanup(n.close)
        log = open(d.log_path, "ab")
        self.addCleanup(log.close)
        st = os.fstat(log.fileno())
        env = dict(os.environ, NOTIFY_SOCKET=n.path,
                   WATCHDOG_USEC=str(watchdog_usec),
                   JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
        proc = subprocess.Popen([DAEMON_BIN, "-f", d.conf_path], env=env,
                                stdin=subprocess.DEVNULL, stdout=log,
                                stderr=log, cwd=d.tmp)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc, n

    def test_notify_protocol(self):
        d = self.new_daemon({"_no_admin": 1}, start=False)
        proc, n = self.start_supervised(d, 200000)
        # A new database is migrated first: the start timeout is
        # extended while it is (a large journal's index takes minutes).
        ext = n.wait_for("EXTEND_TIMEOUT_USEC=120000000")
        self.assertIn("STATUS=migrating the database", ext.split("\n"))
        ready = n.wait_for("READY=1")
        self.assertIn("STATUS=listening on 127.0.0.1:", ready)
        # READY comes after the port is bound and the store is open.
        with open(d.port_file, encoding="ascii") as f:
            d.port = int(f.read())
        self.assertEqual(request(d.connection(), "GET", "/healthz").status,
                         200)
        self.assertIsNone(proc.poll(), "a supervised daemon forked")
        # WatchdogSec=0.2 s: a ping every 0.1 s.
        t0 = time.monotonic()
        for _ in range(3):
            n.wait_for("WATCHDOG=1", timeout=2)
        self.assertLess(time.monotonic() - t0, 1.5)
        proc.send_signal(signal.SIGHUP)
        reload_msg = n.wait_for("RELOADING=1")
        self.assertRegex(reload_msg, r"MONOTONIC_USEC=\d+")
        n.wait_for("READY=1")
        proc.send_signal(signal.SIGTERM)
        n.wait_for("STOPPING=1")
        self.assertEqual(proc.wait(20), 0)
        lines = [l for l in d.log().splitlines() if l and
                 not l.startswith("---")]
        self.assertTrue(lines)
        for l in lines:
            self.assertRegex(l, r"^<[3-7]>", "no priority prefix: %r" % l)
        self.assertTrue(any(l.startswith("<6>complaintsd: listening on")
                            for l in lines), lines)

    def test_without_watchdog_no_pings(self):
        d = self.new_daemon({"_no_admin": 1}, start=False)
        proc, n = self.start_supervised(d, 0)
        n.wait_for("READY=1")
        with self.assertRaises(AssertionError):
            n.wait_for("WATCHDOG=1", timeout=0.5)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(20), 0)

    def test_watchdog_stops_when_the_writer_stalls(self):
        hold = None
        d = self.new_daemon(start=False)
        hold = os.path.join(d.tmp, "hold")
        d.extra["test_write_hold"] = hold
        d.make_admin()
        d.extra["_no_admin"] = 1
        proc, n = self.start_supervised(d, 400000)
        n.wait_for("READY=1")
        with open(d.port_file, encoding="ascii") as f:
            d.port = int(f.read())
        d.accounts.add("admin")
        token = d.account("registrar", "almaty-bostandyk")
        n.wait_for("WATCHDOG=1", timeout=2)
        # Writes wait while the file exists: a registration stalls.
        open(hold, "w").close()
        result = []
        t = threading.Thread(target=lambda: result.append(d.post_xml(
            "/api/v1/complaints", complaint_xml(),
            headers={"Authorization": "Bearer " + token})))
        t.start()
        time.sleep(1.0)         # more than the interval (0.4 s)
        n.drain()
        with self.assertRaises(AssertionError):
            n.wait_for("WATCHDOG=1", timeout=1.0)
        os.unlink(hold)
        t.join(30)
        self.assertEqual(result[0].status, 201, result)
        n.wait_for("WATCHDOG=1", timeout=2)
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(20), 0)
        log = d.log()
        self.assertIn("none finished", log)
        self.assertIn("moving again", log)

    def test_one_daemon_per_data_dir(self):
        d1 = self.new_daemon()
        d2 = self.new_daemon({"_no_admin": 1}, start=False)
        d2.data_dir = d1.data_dir
        d2.db_path = d1.db_path
        with self.assertRaises(DaemonError) as cm:
            d2.start()
        self.assertIn("is in use by another complaintsd", str(cm.exception))
        self.assertIn("complaintsd.lock", str(cm.exception))
        self.assertEqual(request(d1.connection(), "GET", "/healthz").status,
                         200)
        # Once the first has stopped, the folder is free again.
        self.assertEqual(d1.stop(), 0)
        d2.start()
        self.assertEqual(request(d2.connection(), "GET", "/healthz").status,
                         200)

    def test_in_use_told_on_the_terminal(self):
        """Started by hand, without -d and outside systemd, a second
        daemon on the data folder says why on its standard error (before
        it would go to the background) and exits non-zero."""
        d1 = self.new_daemon()
        d2 = self.new_daemon({"_no_admin": 1}, start=False)
        d2.data_dir = d1.data_dir
        d2.write_conf()
        env = {k: v for k, v in os.environ.items()
               if k not in ("NOTIFY_SOCKET", "JOURNAL_STREAM")}
        p = subprocess.run([DAEMON_BIN, "-f", d2.conf_path], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"is in use by another complaintsd", p.stderr)
        self.assertFalse(os.path.exists(d2.port_file))
        self.assertEqual(request(d1.connection(), "GET", "/healthz").status,
                         200)

    def test_one_daemon_per_port(self):
        d1 = self.new_daemon()
        d2 = self.new_daemon({"_no_admin": 1, "port": d1.port},
                             start=False)
        with self.assertRaises(DaemonError) as cm:
            d2.start()
        self.assertIn("cannot listen on 127.0.0.1:%d" % d1.port,
                      str(cm.exception))
        # Every connection still reaches the first daemon.
        for _ in range(20):
            self.assertEqual(
                request(d1.connection(), "GET", "/healthz").status, 200)
