"""Reports for heads and the ministry, over a journal this test writes.

The daemon's clock is moved (test_clock_offset) to three Mondays of early
2025 and complaints are registered, decided, answered, extended, left
without consideration, withdrawn, forwarded and appealed on them; the
deadline watch runs on the last.  The expected figures are computed here,
from the complaints' records and the events they list (what the journal
wrote), with this file's own calendar arithmetic; they are compared with
the summary in every grouping, with its CSV, with the workbook read by
openpyxl (another reader than the writer), with complaintctl report, and
every cell's trace must list exactly the complaints behind it.  The
charts are checked as XML and for their labels; a registrar asking for
another body's report gets 403.

The window, 13 January to 28 February 2025, holds no public holiday of
Kazakhstan (7 January and 8 March fall outside it), so a working day is
Monday to Friday here.
"""

import csv
import datetime
import io
import math
import os
import random
import subprocess
import sys
import time
import unittest
import urllib.parse

from harness import (CTL_BIN, Daemon, DaemonTestCase, PASSWORD, XMLLINT,
                     complaint_xml, text_of)
import test_lifecycle as tl

ALMATY = datetime.timezone(datetime.timedelta(hours=5))
PHASE_A = datetime.datetime(2025, 1, 13, 11, 0, tzinfo=ALMATY)
PHASE_B = datetime.datetime(2025, 1, 20, 11, 0, tzinfo=ALMATY)
PHASE_C = datetime.datetime(2025, 2, 17, 11, 0, tzinfo=ALMATY)
FROM, TO = "2025-01-01", "2025-02-28"
BODIES = ["almaty-auezov", "almaty-bostandyk"]
SERVICES = [3, 4, 5, 6, 7, 11]
REG = ("register", "register-forwarded", "register-appeal")
OPEN = ("registered", "in-review", "extended")

FIGURES = ["received", "registered-on-time", "forwarded-in", "appeals-in",
           "forwarded-out", "decided", "upheld", "partly-upheld",
           "rejected", "explained", "lwc-anonymous", "lwc-repeated",
           "withdrawn", "answered-on-time", "answered-late", "overdue-now",
           "became-overdue", "extended", "days-to-decision-average",
           "days-to-decision-p90", "appealed", "appeal-decided",
           "appeal-upheld", "appeal-partly-upheld", "appeal-rejected",
           "appeal-explained", "repeated"]


def working(d):
    return d.weekday() < 5


def cum(d):
    """Working days from 2025-01-01 up to and including d."""
    n, x = 0, datetime.date(2025, 1, 1)
    while x <= d:
        n += working(x)
        x += datetime.timedelta(days=1)
    return n


def next_working(d):
    d += datetime.timedelta(days=1)
    while not working(d):
        d += datetime.timedelta(days=1)
    return d


def local(iso):
    return datetime.datetime.fromisoformat(iso).astimezone(ALMATY)


def on_time(received, accepted):
    """Registered the day it came, or the next working day when it came
    after hours (18:00) or on a day off."""
    r = local(received)
    allowed = r.date()
    if not working(allowed) or r.hour >= 18:
        allowed = next_working(allowed)
    return local(accepted).date() <= allowed


def p90(values):
    v = sorted(values)
    return v[math.ceil(0.9 * len(v)) - 1]


class Entry:
    """A journal entry as its record shows it."""

    def __init__(self, xml):
        self.id = int(text_of(xml, "id"))
        self.talon = text_of(xml, "number")
        self.body = xml.find("body").get("code")
        self.service = int(text_of(xml, "service"))
        self.channel = text_of(xml, "channel")
        self.institution = text_of(xml, "subject/institution") or ""
        self.received = text_of(xml, "received-at")
        self.accepted = text_of(xml, "accepted-at")
        self.due = datetime.date.fromisoformat(text_of(xml, "due"))
        self.state = text_of(xml, "state")
        self.outcome = text_of(xml, "decision/outcome")
        self.lwc = text_of(xml, "left-without-consideration")
        self.repeat = xml.find("repeat-of") is not None
        self.overdue = xml.find("overdue-since") is not None
        self.events = [(local(text_of(e, "at")).date(), text_of(e, "action"))
                       for e in xml.find("events")]
        self.parent = None      # the entry an appeal is of


def key_of(group, e, day):
    return {"body": e.body, "service": str(e.service),
            "institution": e.institution, "month": day.isoformat()[:7],
            "channel": e.channel}[group]


def expected(entries, group, frm, to, body=None):
    """{key: {figure: value}} and the total, from the events."""
    frm = datetime.date.fromisoformat(frm)
    to = datetime.date.fromisoformat(to)
    out, days = {}, {}

    def fig(key):
        return out.setdefault(key, {f: 0 for f in FIGURES})

    def add(key, name, n=1):
        fig(key)[name] += n
        fig(None)[name] += n

    fig(None)
    for e in entries:
        for day, action in e.events:
            if not frm <= day <= to:
                continue
            k = key_of(group, e, day)
            if e.parent is not None and action == "decide" and (
                    body is None or e.parent.body == body):
                pk = key_of(group, e.parent, day)
                add(pk, "appeal-decided")
                add(pk, "appeal-" + e.outcome)
            if body is not None and e.body != body:
                continue
            if action in REG:
                add(k, "received")
                add(k, "registered-on-time",
                    on_time(e.received, e.accepted))
                add(k, "forwarded-in", action == "register-forwarded")
                add(k, "appeals-in", action == "register-appeal")
                add(k, "repeated", e.repeat)
            elif action == "forward":
                add(k, "forwarded-out")
            elif action == "decide":
                add(k, "decided")
                add(k, e.outcome)
                wd = cum(day) - cum(local(e.accepted).date())
                days.setdefault(k, []).append(wd)
                days.setdefault(None, []).append(wd)
            elif action == "leave-without-consideration":
                add(k, "lwc-" + e.lwc)
            elif action == "withdraw":
                add(k, "withdrawn")
            elif action == "extend":
                add(k, "extended")
            elif action == "answer":
                add(k, "answered-on-time" if day <= e.due else
                    "answered-late")
            elif action == "overdue":
                add(k, "became-overdue")
            elif action == "appeal":
                add(k, "appealed")
        acc = local(e.accepted).date()
        if e.overdue and e.state in OPEN and frm <= acc <= to and (
                body is None or e.body == body):
            add(key_of(group, e, acc), "overdue-now")
    for k, v in days.items():
        fig(k)["days-to-decision-average"] = "%.1f" % (sum(v) / len(v))
        fig(k)["days-to-decision-p90"] = p90(v)
    for k in out:
        out[k] = {f: str(v) if f != "days-to-decision-average" or
                  isinstance(v, str) else "%.1f" % v
                  for f, v in out[k].items()}
    return out


def figures_of(node):
    return {f.get("name"): f.text for f in node.findall("figure")}


class Journal:
    """The journal of this file, written once per test class that mixes
    it in (test_reports_desk.py reads it through the desk)."""
    CONF = {"notify_interval": 0, "watch_interval": 0}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.build_journal()
        except Exception:
            sys.stderr.write(cls.daemon.log())
            cls.daemon.cleanup()
            raise

    @classmethod
    def at(cls, moment, **conf):
        d = cls.daemon
        d.stop()
        d.extra["test_clock_offset"] = int(moment.timestamp() - time.time())
        d.extra.update(conf)
        d.start()

    @classmethod
    def act(cls, ref, root, body, fields=None):
        if fields is None:
            fields = tl.REASONS.get(root, [])
        r = cls.daemon.post_xml("/api/v1/complaints/%s/actions" % ref,
                                tl.action_xml(root, body, fields))
        if r.status != 200:
            raise AssertionError("%s %s: %r" % (root, ref, r))
        return r.xml()

    @classmethod
    def build_journal(cls):
        d = cls.daemon
        rng = random.Random(13)
        cls.talons = []
        made = {}

        def register(body, service, label, **kw):
            inst = None
            if any(v["parent"] == body and service in v["services"]
                   for v in tl.DIRECTORY.values()):
                inst = tl.institution_for(service, parent=body)
            chans = [c for c in ("post", "in-person")
                     if c in tl.ROUTING[service]["channels"]]
            who = tl.applicant()
            who.update(kw)
            r = d.register(complaint_xml(
                body=body, service=service, subject_institution=inst,
                channel=rng.choice(chans), **who))
            if r.status != 201:
                raise AssertionError("register: %r" % r)
            made[label] = text_of(r.xml(), "number")
            cls.talons.append(made[label])
            return made[label]

        cls.at(PHASE_A)
        for b in BODIES:
            for i, s in enumerate(SERVICES):
                register(b, s, "%s-%d" % (b, s))
        register("almaty-auezov", 4, "late",
                 received_at="2025-01-09T10:00:00+05:00")
        register("almaty-bostandyk", 6, "after-hours",
                 received_at="2025-01-10T19:00:00+05:00")
        register("almaty-auezov", 3, "anonymous", signed="false")
        same = tl.applicant()
        register("almaty-bostandyk", 7, "first", **same)
        register("almaty-bostandyk", 7, "repeat", **same)

        cls.at(PHASE_B)
        au, bo = "almaty-auezov", "almaty-bostandyk"
        for name, body, outcome, answer in [
                (au + "-3", au, "upheld", True),
                (bo + "-3", bo, "upheld", True),
                (au + "-4", au, "partly-upheld", False),
                (au + "-5", au, "rejected", True)]:
            cls.act(made[name], "assign", body)
            cls.act(made[name], "decide", body,
                    [("outcome", outcome), ("reasoning", "Қаралды.")])
            if answer:
                cls.act(made[name], "answer", body)
        cls.act(made[bo + "-4"], "assign", bo)
        cls.act(made[bo + "-4"], "extend", bo,
                [("reason", "Қосымша тексеру қажет.")])
        cls.act(made["anonymous"], "leave-without-consideration", au,
                [("ground", "anonymous")])
        cls.act(made["repeat"], "leave-without-consideration", bo,
                [("ground", "repeated")])
        cls.act(made[bo + "-5"], "withdraw", bo,
                [("reason", "Өтініш беруші қайтарып алды.")])
        res = cls.act(made[au + "-6"], "forward", au,
                      [("to", "almaty-medeu"),
                       ("reason", "Мекеме Медеу ауданында.")])
        cls.talons.append(text_of(res, "new-talon/number"))
        cls.act(made[au + "-7"], "assign", au)

        # The watch marks the open complaints overdue as it starts.
        cls.at(PHASE_C, watch_interval=3600)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not d.query(
                "SELECT 1 FROM event WHERE action = 'overdue'"):
            time.sleep(0.1)
        cls.act(made[au + "-4"], "answer", au)
        cls.act(made[bo + "-4"], "decide", bo,
                [("outcome", "explained"), ("reasoning", "Түсіндірілді.")])
        cls.act(made[bo + "-4"], "answer", bo)
        cls.act(made[au + "-7"], "decide", au,
                [("outcome", "rejected"), ("reasoning", "Расталмады.")])
        res = cls.act(made[au + "-5"], "appeal", au)
        appeal = text_of(res, "new-talon/number")
        cls.talons.append(appeal)
        cls.act(appeal, "assign", "mop")
        cls.act(appeal, "decide", "mop",
                [("outcome", "upheld"), ("reasoning", "Шағым негізді.")])
        cls.made = made
        cls.appeal = appeal

        cls.entries = {}
        for t in cls.talons:
            r = d.get("/api/v1/complaints/%s" % t)
            if r.status != 200:
                raise AssertionError("record %s: %r" % (t, r))
            cls.entries[t] = Entry(r.xml())
        cls.entries[appeal].parent = cls.entries[made[au + "-5"]]


class ReportsTest(Journal, DaemonTestCase):

    def summary(self, group, frm=FROM, to=TO, body=None, token=None,
                fmt=None):
        q = {"group": group, "from": frm, "to": to}
        if body:
            q["body"] = body
        if fmt:
            q["format"] = fmt
        headers = {"Authorization": "Bearer " + (
            token or self.daemon.account("desk", "mop"))}
        return self.daemon.get("/api/v1/reports/summary?" +
                               urllib.parse.urlencode(q), headers=headers)

    def check(self, group, frm=FROM, to=TO, body=None, token=None):
        want = expected(self.entries.values(), group, frm, to, body)
        r = self.summary(group, frm, to, body, token)
        self.assertEqual(r.status, 200, r)
        self.assertValid(r.body, "report")
        x = r.xml()
        got = {g.get("key"): figures_of(g) for g in x.findall("group")}
        got[None] = figures_of(x.find("total"))
        # A group whose figures are all zero may or may not be listed.
        zero = {f: "0" for f in FIGURES}
        zero["days-to-decision-average"] = "0.0"
        for k in set(got) | set(want):
            with self.subTest(group=group, key=k, frm=frm, to=to):
                self.assertEqual(got.get(k, zero), want.get(k, zero))
        return x

    def test_figures_in_every_grouping(self):
        # Sanity of the journal the test meant to write.
        acts = [a for e in self.entries.values() for _, a in e.events]
        self.assertEqual(acts.count("overdue"), sum(
            1 for e in self.entries.values() if e.overdue))
        self.assertGreater(acts.count("overdue"), 3)
        self.assertEqual(acts.count("register-appeal"), 1)
        for g in ("body", "service", "institution", "month", "channel"):
            self.check(g)
        x = self.check("body")
        total = figures_of(x.find("total"))
        self.assertEqual(total["received"], str(len(self.entries)))
        self.assertEqual(total["appeal-upheld"], "1")
        self.assertEqual(total["registered-on-time"],
                         str(len(self.entries) - 1))

    def test_periods_agree(self):
        """Two reports over the same days agree, and days add up."""
        self.check("body", "2025-01-20", "2025-01-20")
        self.check("month", "2025-02-01", "2025-02-28")
        whole = figures_of(self.check("body").find("total"))
        parts = [figures_of(self.check("body", f, t).find("total"))
                 for f, t in ((FROM, "2025-01-19"), ("2025-01-20", TO))]
        for f in FIGURES:
            if f.startswith("days-") or f == "overdue-now":
                continue
            self.assertEqual(int(whole[f]), sum(int(p[f]) for p in parts),
                             f)

    def test_own_body_only(self):
        d = self.daemon
        reg = d.account("registrar", "almaty-bostandyk")
        r = self.summary("body", body="almaty-auezov", token=reg)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(text_of(r.xml(), "code"), "other-body")
        head = d.account("head", "almaty-auezov")
        r = d.get("/api/v1/reports/complaints?figure=received&body="
                  "almaty-bostandyk", headers={"Authorization": "Bearer " +
                                               head})
        self.assertEqual(r.status, 403, r)
        r = d.get("/api/v1/reports/chart/overdue.svg?body=almaty-bostandyk",
                  headers={"Authorization": "Bearer " + head})
        self.assertEqual(r.status, 403, r)
        # Without a body: their own.
        x = self.check("service", body="almaty-bostandyk", token=reg)
        self.assertEqual(x.get("body"), "almaty-bostandyk")
        x = self.check("body", token=head, body="almaty-auezov")
        self.assertEqual([g.get("key") for g in x.findall("group")],
                         ["almaty-auezov"])

    def test_every_cell_traces_to_its_complaints(self):
        d = self.daemon
        x = self.summary("body").xml()
        checked = 0
        for g in list(x.findall("group")) + [x.find("total")]:
            for f in g.findall("figure"):
                name = f.get("name")
                if name.startswith("days-"):
                    continue
                r = d.get(f.get("href") + "&limit=500", headers={
                    "Authorization": "Bearer " + d.account("desk", "mop")})
                self.assertEqual(r.status, 200, r)
                self.assertValid(r.body, "report")
                rows = r.xml().findall("complaint")
                self.assertEqual(len(rows), int(f.text),
                                 (g.get("key"), name))
                for row in rows:
                    self.assertIn(row.get("talon"), self.entries)
                    if g.get("key") and not name.startswith("appeal-"):
                        self.assertEqual(row.get("body"), g.get("key"))
                checked += int(f.text)
        self.assertGreater(checked, 50)
        # The decisions behind days-to-decision, the answers late.
        r = d.get("/api/v1/reports/complaints?figure=answered-late&from=%s"
                  "&to=%s" % (FROM, TO), headers={
                      "Authorization": "Bearer " + d.account("desk", "mop")})
        late = {c.get("talon") for c in r.xml().findall("complaint")}
        want = {e.talon for e in self.entries.values() for day, a in
                e.events if a == "answer" and day > e.due}
        self.assertIn(self.made["almaty-auezov-4"], want)
        self.assertEqual(late, want)
        r = d.get("/api/v1/reports/complaints?figure=nonsense",
                  headers={"Authorization": "Bearer " +
                           d.account("desk", "mop")})
        self.assertEqual(r.status, 400, r)

    def test_trace_pages_add_up(self):
        """Paged by one, two and three, a list is the whole list: the
        pages follow each other across the days of the period."""
        d = self.daemon
        auth = {"Authorization": "Bearer " + d.account("desk", "mop")}
        for figure in ("received", "decided", "became-overdue",
                       "answered-on-time", "days-to-decision"):
            path = ("/api/v1/reports/complaints?figure=%s&from=%s&to=%s"
                    % (figure, FROM, TO))
            whole = [(c.get("talon"), c.get("event"), c.get("day"))
                     for c in d.get(path, headers=auth).xml().findall(
                         "complaint")]
            self.assertEqual(whole, sorted(whole, key=lambda c: c[2]))
            if figure in ("received", "decided"):
                self.assertGreater(len({c[2] for c in whole}), 1, figure)
            for n in (1, 2, 3):
                got, after = [], None
                while True:
                    r = d.get(path + "&limit=%d" % n + (
                        "&after=%s" % after if after else ""),
                        headers=auth)
                    self.assertEqual(r.status, 200, r)
                    x = r.xml()
                    rows = x.findall("complaint")
                    self.assertLessEqual(len(rows), n)
                    got += [(c.get("talon"), c.get("event"), c.get("day"))
                            for c in rows]
                    more = x.find("more")
                    if more is None:
                        break
                    after = more.get("after")
                    self.assertLessEqual(len(got), len(whole))
                self.assertEqual(got, whole, (figure, n))

    def test_csv_matches(self):
        want = expected(self.entries.values(), "service", FROM, TO)
        r = self.summary("service", fmt="csv")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.header("Content-Type").startswith("text/csv"))
        rows = list(csv.DictReader(io.StringIO(r.text)))
        self.assertEqual(rows[-1]["key"], "total")
        for row in rows:
            k = None if row["key"] == "total" else row["key"]
            for f in FIGURES:
                self.assertEqual(row[f], want[k][f], (k, f))

    def test_workbook_read_by_openpyxl(self):
        try:
            import openpyxl
        except ImportError:
            self.fail("python3-openpyxl is missing (make deps)")
        r = self.summary("body", fmt="xlsx", body=None)
        self.assertEqual(r.status, 200, r)
        self.assertIn("attachment", r.header("Content-Disposition"))
        wb = openpyxl.load_workbook(io.BytesIO(r.body))
        self.assertEqual(len(wb.sheetnames), 5)
        groups = ["body", "service", "institution", "month", "channel"]
        for sheet, group in zip(wb.sheetnames, groups):
            ws = wb[sheet]
            want = expected(self.entries.values(), group, FROM, TO)
            self.assertEqual(ws.freeze_panes, "C6")
            self.assertGreater(ws.column_dimensions["B"].width, 30)
            self.assertEqual(ws["B2"].value, datetime.datetime(2025, 1, 1))
            self.assertEqual(ws["C2"].value, datetime.datetime(2025, 2, 28))
            self.assertEqual(ws["C4"].value, "Түскені")
            self.assertEqual(ws["C5"].value, "Поступило")
            rows = list(ws.iter_rows(min_row=6, values_only=True))
            self.assertEqual(len(rows), len(want))
            for row in rows:
                k = row[0]
                if isinstance(k, datetime.datetime):
                    k = k.strftime("%Y-%m")
                elif isinstance(k, (int, float)):
                    k = str(int(k))
                elif k is None and row[1].startswith("Барлығы"):
                    k = None
                elif k is None:
                    k = ""
                for i, f in enumerate(FIGURES):
                    v = row[2 + i]
                    self.assertIsInstance(v, (int, float), (sheet, k, f))
                    w = want[k][f]
                    # The workbook keeps the mean unrounded.
                    self.assertAlmostEqual(float(v), float(w), delta=0.0501,
                                           msg=(sheet, k, f))

    def test_ctl_report(self):
        d = self.daemon
        tok = d.account("desk", "mop")
        env = dict(os.environ, COMPLAINTS_URL=d.url(), COMPLAINTS_TOKEN=tok)
        p = subprocess.run([CTL_BIN, "report", "--from", FROM, "--to", TO,
                            "--group", "channel"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        want = expected(self.entries.values(), "channel", FROM, TO)
        self.assertIn("period: %s .. %s" % (FROM, TO), p.stdout)
        blocks = p.stdout.split("\n\n")[1:]
        self.assertEqual(len(blocks), len(want))
        for b in blocks:
            lines = b.strip().split("\n")
            k = lines[0].split()[0]
            k = None if k == "total" else k
            got = dict(ln.split() for ln in lines[1:])
            self.assertEqual(got, want[k])
        out = os.path.join(d.tmp, "r.xlsx")
        p = subprocess.run([CTL_BIN, "report", "--from", FROM, "--to", TO,
                            "--format", "xlsx", "-o", out], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out, "rb") as f:
            self.assertEqual(f.read(2), b"PK")

    def test_charts(self):
        d = self.daemon
        tok = d.account("desk", "mop")
        for name, labels in [
                ("monthly", ["2025-01", "2025-02", "Удовлетворено",
                             "Поступило"]),
                ("timeliness", ["Отдел образования Ауэзовского района",
                                "В срок", "С нарушением срока"]),
                ("overdue", ["Отдел образования Бостандыкского района",
                             "Услуга 3", "Просрочено сейчас"])]:
            with self.subTest(chart=name):
                r = d.get("/api/v1/reports/chart/%s.svg?from=%s&to=%s"
                          % (name, FROM, TO),
                          headers={"Authorization": "Bearer " + tok})
                self.assertEqual(r.status, 200, r)
                self.assertTrue(r.header("Content-Type").startswith(
                    "image/svg+xml"))
                p = subprocess.run([XMLLINT, "--noout", "-"], input=r.body,
                                   capture_output=True, timeout=30)
                self.assertEqual(p.returncode, 0, p.stderr)
                x = r.xml()
                self.assertEqual(x.tag, "{http://www.w3.org/2000/svg}svg")
                self.assertNotIn(b"<script", r.body)
                texts = [t.text for t in x.iter(
                    "{http://www.w3.org/2000/svg}text")]
                for want in labels:
                    self.assertTrue(any(want in (t or "") for t in texts),
                                    (name, want))
                pats = x.findall(".//{http://www.w3.org/2000/svg}pattern")
                self.assertGreaterEqual(len(pats), 4)
        # The numbers of a chart are the report's.
        r = d.get("/api/v1/reports/chart/timeliness.svg?from=%s&to=%s"
                  % (FROM, TO), headers={"Authorization": "Bearer " + tok})
        want = expected(self.entries.values(), "body", FROM, TO)
        titles = [t.text for t in r.xml().iter(
            "{http://www.w3.org/2000/svg}title")]
        self.assertIn("Отдел образования Ауэзовского района: Мерзімінде / "
                      "В срок: %s" % want["almaty-auezov"]["answered-on-time"],
                      titles)
        r = d.get("/api/v1/reports/chart/pie.svg",
                  headers={"Authorization": "Bearer " + tok})
        self.assertEqual(r.status, 404, r)

    def test_bad_queries(self):
        for q, code in [("group=year", "bad-parameter"),
                        ("from=2025-13-01", "bad-parameter"),
                        ("from=2025-02-01&to=2025-01-01", "bad-period"),
                        ("service=12", "bad-parameter"),
                        ("format=pdf", "bad-parameter"),
                        ("body=nowhere", "unknown-body")]:
            with self.subTest(q=q):
                r = self.daemon.get("/api/v1/reports/summary?" + q,
                                    headers={"Authorization": "Bearer " +
                                             self.daemon.account("desk",
                                                                 "mop")})
                self.assertEqual(r.status, 400, r)
                self.assertEqual(text_of(r.xml(), "code"), code)


class FormulaCellsTest(DaemonTestCase):
    """A cell a spreadsheet would take for a formula is written as text
    in the journal's CSV export."""

    def test_journal_csv(self):
        d = self.daemon
        r = d.register(complaint_xml(body="almaty-bostandyk",
                                     subject_name="=HYPERLINK(\"x\")",
                                     surname="+Ахметов",
                                     address="@Алматы қ., 1 үй"))
        self.assertEqual(r.status, 201, r)
        year = text_of(r.xml(), "journal-number") and \
            r.xml().find("journal-number").get("year")
        r = d.get("/api/v1/journal?body=almaty-bostandyk&year=%s&format=csv"
                  % year)
        self.assertEqual(r.status, 200, r)
        rows = list(csv.reader(io.StringIO(r.text)))
        row = rows[1]
        self.assertEqual(row[4], "'=HYPERLINK(\"x\")")
        self.assertTrue(row[2].startswith("'+Ахметов"), row[2])
        self.assertEqual(row[3], "'@Алматы қ., 1 үй")
        for cell in row:
            self.assertNotIn(cell[:1], ("=", "+", "-", "@"), row)


if __name__ == "__main__":
    unittest.main()
