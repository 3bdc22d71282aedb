"""GET /metrics: the Prometheus text format, parsed with Debian's
python3-prometheus-client; every count checked against what the test
itself did; from loopback, or elsewhere with a monitor account's token."""

import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import time

from harness import (CTL_BIN, PASSWORD, PerTestDaemonCase, make_talon,
                     request, text_of)

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:             # python3-prometheus-client (make deps)
    text_string_to_metric_families = None


def scrape(d):
    r = d.get("/metrics", auth=False)
    return r, {f.name: f for f in text_string_to_metric_families(
        r.body.decode("utf-8"))}


def value(families, family, sample, **labels):
    for s in families[family].samples:
        if s.name == sample and all(s.labels.get(k) == v
                                    for k, v in labels.items()):
            return s.value
    return None


def local_address():
    """An address of this host that is not loopback, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))     # no packet is sent
            a = s.getsockname()[0]
        return None if a.startswith("127.") else a
    except OSError:
        return None


class MetricsTest(PerTestDaemonCase):

    def setUp(self):
        if text_string_to_metric_families is None:
            self.skipTest("python3-prometheus-client is not installed")

    def test_counts_what_was_done(self):
        d = self.new_daemon()
        talons = []
        for body in ("almaty-bostandyk", "almaty-bostandyk",
                     "almaty-auezov"):
            r = d.register(body=body)
            self.assertEqual(r.status, 201, r)
            talons.append(text_of(r.xml(), "number"))
        self.assertEqual(d.status(talons[0]).status, 200)
        self.assertEqual(d.status(make_talon(2026)).status, 404)
        r, m = scrape(d)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"),
                         "text/plain; version=0.0.4; charset=utf-8")
        # The family names the parser gives drop _total for counters.
        self.assertEqual(value(m, "complaintsd_registrations",
                               "complaintsd_registrations_total"), 3)
        self.assertEqual(value(m, "complaintsd_requests",
                               "complaintsd_requests_total", method="POST",
                               route="/api/v1/complaints", status="201"), 3)
        self.assertEqual(value(m, "complaintsd_requests",
                               "complaintsd_requests_total", method="GET",
                               route="/api/v1/talons/*", status="404"), 1)
        self.assertEqual(value(m, "complaintsd_lookups",
                               "complaintsd_lookups_total"), 2)
        for h, n in (("complaintsd_registration_seconds", 3),
                     ("complaintsd_lookup_seconds", 2)):
            self.assertEqual(m[h].type, "histogram")
            self.assertEqual(value(m, h, h + "_count"), n)
            self.assertEqual(value(m, h, h + "_bucket", le="+Inf"), n)
            self.assertGreater(value(m, h, h + "_sum"), 0)
        # Every registration went through a writer batch and a commit.
        batches = value(m, "complaintsd_writer_batch_size",
                        "complaintsd_writer_batch_size_count")
        jobs = value(m, "complaintsd_writer_batch_size",
                     "complaintsd_writer_batch_size_sum")
        self.assertGreaterEqual(jobs, 3)
        self.assertGreaterEqual(jobs, batches)
        self.assertEqual(value(m, "complaintsd_writer_commit_seconds",
                               "complaintsd_writer_commit_seconds_count"),
                         batches)
        size = value(m, "complaintsd_database_bytes",
                     "complaintsd_database_bytes")
        on_disk = os.path.getsize(d.db_path)
        wal = d.db_path + "-wal"
        wal_size = os.path.getsize(wal) if os.path.exists(wal) else 0
        self.assertGreater(size, 0)
        self.assertLessEqual(size, on_disk + wal_size)
        self.assertEqual(m["complaintsd_overdue_complaints"].type, "gauge")
        self.assertEqual(m["complaintsd_outbox_messages"].type, "gauge")
        self.assertEqual(value(m, "complaintsd_rate_limited",
                               "complaintsd_rate_limited_total"), 0)
        # The scrape counts itself from the next one on.
        r, m = scrape(d)
        self.assertEqual(value(m, "complaintsd_requests",
                               "complaintsd_requests_total", method="GET",
                               route="/metrics", status="200"), 1)

    def test_overdue_per_body_and_outbox(self):
        d = self.new_daemon({"watch_interval": 1})
        expected = {"almaty-bostandyk": 2, "almaty-auezov": 1}
        for body, n in expected.items():
            for _ in range(n):
                self.assertEqual(d.register(body=body).status, 201)
        # Sixty days on, every one of them is past its due date.
        d.extra["test_clock_offset"] = 60 * 86400
        d.restart()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r, m = scrape(d)
            got = {s.labels["body"]: s.value for s in
                   m["complaintsd_overdue_complaints"].samples}
            if got == expected:
                break
            time.sleep(0.2)
        self.assertEqual(got, expected)
        # Overdue notices went into the outbox: its gauges name them.  The
        # outbox worker may move a message between the scrape and the
        # query, so the two are compared again until they agree.
        deadline = time.monotonic() + 10
        while True:
            r, m = scrape(d)
            states = {s.labels["state"]: s.value for s in
                      m["complaintsd_outbox_messages"].samples}
            in_db = {k: float(v) for k, v in d.query(
                "SELECT state, count(*) FROM notification GROUP BY state")}
            if states == in_db or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(states, in_db)
        self.assertGreater(sum(in_db.values()), 0)
        for s in m["complaintsd_outbox_oldest_age_seconds"].samples:
            self.assertGreaterEqual(s.value, 0)

    def test_rate_limited(self):
        d = self.new_daemon({"lookup_burst": 2, "lookup_rate": 1})
        statuses = [d.status(make_talon(2026)).status for _ in range(5)]
        self.assertIn(429, statuses)
        r, m = scrape(d)
        self.assertEqual(value(m, "complaintsd_rate_limited",
                               "complaintsd_rate_limited_total"),
                         statuses.count(429))

    def test_loopback_only(self):
        addr = local_address()
        if addr is None:
            self.skipTest("this host has no address but loopback")
        d = self.new_daemon({"listen": "0.0.0.0"})
        import http.client
        conn = http.client.HTTPConnection(addr, d.port, timeout=10)
        r = request(conn, "GET", "/metrics")
        self.assertEqual(r.status, 403, r)
        self.assertIn(b"metrics-loopback-only", r.body)
        conn = http.client.HTTPConnection(addr, d.port, timeout=10)
        self.assertEqual(request(conn, "GET", "/healthz").status, 200)

    def test_monitor_token_from_elsewhere(self):
        """Away from loopback, /metrics answers a monitor account's API
        token (the account opened with complaintctl user add --role
        monitor, its token made with complaintctl token new), and no
        other role's; the monitor's token opens no other route."""
        addr = local_address()
        if addr is None:
            self.skipTest("this host has no address but loopback")
        d = self.new_daemon({"listen": "0.0.0.0"})
        # As README says: the administrator opens the account.
        p = subprocess.run(
            [CTL_BIN, "-u", d.url(), "user", "add", "prometheus", "--name",
             "Prometheus", "--position", "monitoring", "--body", "mop",
             "--role", "monitor", "--password-stdin"],
            input=PASSWORD + "\n", capture_output=True, text=True,
            timeout=60, env=dict(os.environ,
                                 COMPLAINTS_TOKEN=d.account_token("admin")))
        self.assertEqual(p.returncode, 0, p.stderr)
        tmp = tempfile.mkdtemp(prefix="cx-it-monitor-")
        self.addCleanup(shutil.rmtree, tmp, True)
        env = dict(os.environ, COMPLAINTS_TOKEN_FILE=os.path.join(
            tmp, "token"))
        env.pop("COMPLAINTS_TOKEN", None)
        for args, stdin in ((["login", "prometheus", "--password-stdin"],
                             PASSWORD + "\n"),
                            (["token", "new", "scraper", "30"], None)):
            p = subprocess.run([CTL_BIN, "-u", d.url()] + args, env=env,
                               input=stdin, capture_output=True, text=True,
                               timeout=60)
            self.assertEqual(p.returncode, 0, p.stderr)
        token = p.stdout.splitlines()[0]
        self.assertRegex(token, r"^[A-Za-z0-9_-]{20,}$")

        def get(path, tok=None):
            conn = http.client.HTTPConnection(addr, d.port, timeout=10)
            h = {"Authorization": "Bearer " + tok} if tok else {}
            return request(conn, "GET", path, headers=h)

        r = get("/metrics", token)
        self.assertEqual(r.status, 200, r)
        families = {f.name for f in text_string_to_metric_families(
            r.body.decode("utf-8"))}
        self.assertIn("complaintsd_overdue_complaints", families)
        for role, body in (("admin", "mop"), ("registrar", "almaty-medeu"),
                           ("desk", "mop")):
            r = get("/metrics", d.account(role, body))
            self.assertEqual(r.status, 403, (role, r))
        self.assertEqual(get("/metrics", "0" * 43).status, 401)
        self.assertEqual(get("/metrics").status, 403)
        # Nothing else: not the journal, not the accounts, not a list.
        for path in ("/api/v1/users", "/api/v1/verify",
                     "/api/v1/complaints?body=mop",
                     "/api/v1/notifications?body=mop"):
            r = get(path, token)
            self.assertEqual(r.status, 403, (path, r))
        self.assertEqual(get("/api/v1/session", token).status, 200)
