"""The reports on the staff desk (/desk/reports), as a browser without
script uses them, over the journal test_reports.py writes.

Every figure cell of the page is compared with the figures this test
computes from the events the journal holds (test_reports.expected, not
the daemon's code), and followed: its link opens the desk's list of the
complaints behind it, whose rows (all pages of it) number exactly the
cell, each linking to a case page that opens.  Scope as the API's: a
registrar or head sees their own body and gets 403 (page, list, chart
and files) for another; the escalation desk sees every body and the
total.  The form is a GET form and no page changes anything; every
label is in every language; the downloads are the API's files of the
same query."""

import datetime
import html.parser
import io
import os
import re
import subprocess
import unittest
import urllib.parse

from harness import PASSWORD, DaemonTestCase, catalogue
import test_reports as tr
from test_desk import CSP, Browser, Page

T = {lang: catalogue(lang) for lang in ("kk", "ru", "en")}
FIGURES = tr.FIGURES


class Tables(html.parser.HTMLParser):
    """The tables of a page: {id: [(row header, [(cell text, href)])]},
    with the column headers under the key (id, "head")."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.stack = {}, []
        self.cell = None
        self.href = None
        self.img = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.stack.append(a.get("id", "t%d" % len(self.tables)))
            self.tables[self.stack[-1]] = {"head": [], "rows": [],
                                           "caption": ""}
        elif tag == "caption" and self.stack:
            self.cell = ["caption", ""]
        elif tag == "tr" and self.stack:
            self.row = []
        elif tag in ("th", "td") and self.stack:
            self.cell = [tag, "", a.get("scope"), a.get("class"), None]
        elif tag == "a" and self.cell is not None and len(self.cell) > 2:
            self.cell[4] = a.get("href")
        elif tag == "img":
            self.img.append(a)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data

    def handle_endtag(self, tag):
        if not self.stack:
            return
        t = self.tables[self.stack[-1]]
        if tag == "caption" and self.cell:
            t["caption"] = self.cell[1].strip()
            self.cell = None
        elif tag in ("th", "td") and self.cell:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr":
            if all(c[0] == "th" and c[2] == "col" for c in self.row):
                t["head"] = self.row
            else:
                t["rows"].append(self.row)
        elif tag == "table":
            self.stack.pop()


class DeskReportsTest(tr.Journal, DaemonTestCase):
    CONF = dict(tr.Journal.CONF, lookup_burst="100000")

    def browser(self, role, body, lang="en"):
        self.daemon.account(role, body)
        b = Browser(self.daemon, lang)
        b.sign_in({"desk": "desk.mop", "admin": "admin"}.get(
            role, "%s.%s" % (role, body)))
        b.role, b.body = role, body
        return b

    def readable(self, b):
        """The talons b's account may open, from the rows: a registrar
        or head those of its body and the bodies below it,
        the escalation desk those at its own body and the open ones past
        their due date, an administrator none."""
        rows = self.daemon.query(
            "SELECT c.talon, b.code, c.open IS 1 AND c.overdue_at IS NOT "
            "NULL FROM complaint c JOIN body b ON b.id = c.body_id")
        if b.role == "admin":
            return set()
        if b.role == "desk":
            return {t for t, code, od in rows if code == b.body or od}
        parent = dict(self.daemon.query("SELECT code, parent_code FROM body"))

        def within(code):
            while code:
                if code == b.body:
                    return True
                code = parent.get(code)
            return False
        # A figure of the body appealed against counts the appeal too,
        # whose complaint is at the body above: listed, not opened.
        return {t for t, code, _ in rows if within(code)}

    def page(self, b, path, status=200):
        r = b.get(path)
        self.assertEqual(r.status, status, (path, r))
        self.assertEqual(r.header("Content-Type"),
                         "text/html; charset=utf-8")
        self.assertEqual(r.header("Content-Security-Policy"), CSP)
        self.assertNotIn("<script", r.text)
        self.assertNotIn("style=", r.text)
        self.assertNotIn("<style", r.text)
        return r

    def report_path(self, group, body=None, **kw):
        q = {"from": tr.FROM, "to": tr.TO, "group": group}
        if body:
            q["body"] = body
        q.update(kw)
        return "/desk/reports?" + urllib.parse.urlencode(q)

    def trace_rows(self, b, href):
        """Every row of the list behind a cell, following its pages."""
        rows, seen = [], set()
        while href:
            self.assertNotIn(href, seen)
            seen.add(href)
            r = self.page(b, href)
            t = Tables(r.text)
            if "trace" in t.tables:
                rows += t.tables["trace"]["rows"]
            nxt = re.search(r'<a rel="next" href="([^"]+)"', r.text)
            href = nxt and nxt.group(1).replace("&amp;", "&")
        return rows

    def check_cells(self, b, group, body=None, scope=None):
        """The page's table (body asked for, scope the caller's own)
        against the figures computed from the events; every cell
        followed to its complaints."""
        r = self.page(b, self.report_path(group, body))
        t = Tables(r.text).tables["summary"]
        want = tr.expected(self.entries.values(), group, tr.FROM, tr.TO,
                           body or scope)
        zero = {f: "0" for f in FIGURES}
        zero["days-to-decision-average"] = "0.0"
        keys = set()
        names = [T["en"]["report.figure." + f] for f in FIGURES]
        self.assertEqual([c[1].strip() for c in t["head"][1:]], names)
        self.assertTrue(all(c[2] == "col" for c in t["head"]))
        followed = 0
        may = self.readable(b)
        for row in t["rows"]:
            head, cells = row[0], row[1:]
            self.assertEqual((head[0], head[2]), ("th", "row"))
            self.assertEqual(len(cells), len(FIGURES))
            hrefs = {c[4] for c in cells}
            self.assertEqual(len(hrefs), len(FIGURES) - 1)  # days-*: one
            key = None
            if head[1].strip() != T["en"]["desk.reports.total"]:
                key = self.key_of(group, cells[0][4])
            keys.add(key)
            for f, c in zip(FIGURES, cells):
                self.assertEqual(c[3], "num")
                self.assertEqual(c[1].strip(), want.get(key, zero)[f],
                                 (key, f))
                self.assertTrue(c[4].startswith(
                    "/desk/reports/complaints?figure="), c[4])
                if f.startswith("days-"):
                    continue
                listed = self.trace_rows(b, c[4].replace("&amp;", "&"))
                self.assertEqual(len(listed), int(want.get(key, zero)[f]),
                                 (group, key, f))
                for lr in listed:
                    talon = lr[0][1].strip()
                    self.assertIn(talon, self.entries)
                    # A row links its case only when the reader may
                    # open it.
                    self.assertEqual(
                        lr[0][4], "/desk/complaints/" + talon
                        if talon in may else None, (b.role, talon))
                followed += len(listed)
        self.assertEqual(set(want) - keys, set())
        return followed, r

    def key_of(self, group, href):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query,
                                  keep_blank_values=True)
        if group == "body" and group not in q:
            return q["body"][0]
        return q[group][0]

    # --- The figures and their complaints ---------------------------------

    def test_head_sees_own_body_cells_trace_to_complaints(self):
        b = self.browser("head", "almaty-auezov")
        n, r = self.check_cells(b, "body", scope="almaty-auezov")
        self.assertGreater(n, 10)
        p = Page(r.text)
        f = p.form("/desk/reports")
        self.assertEqual(f["method"], "get")
        self.assertEqual(f["fields"]["body"], "almaty-auezov")
        # One body to choose: their own.
        self.assertEqual(r.text.count('<option value="almaty-'), 1)
        # A case from a list opens.
        rows = self.trace_rows(b, "/desk/reports/complaints?figure="
                               "received&from=%s&to=%s" % (tr.FROM, tr.TO))
        self.assertTrue(rows)
        for lr in rows[:3]:
            self.page(b, lr[0][4])
        self.check_cells(b, "service", "almaty-auezov")

    def test_desk_sees_every_body_and_every_grouping(self):
        b = self.browser("desk", "mop")
        n, r = self.check_cells(b, "body")
        self.assertGreater(n, 50)
        for body in tr.BODIES:
            self.assertIn('<option value="%s"' % body, r.text)
        for g in ("month", "channel", "institution"):
            with self.subTest(group=g):
                self.check_cells(b, g)
        self.check_cells(b, "month", "almaty-bostandyk")
        # What the list links opens; what it does not is refused.
        rows = self.trace_rows(b, "/desk/reports/complaints?figure="
                               "received&from=%s&to=%s" % (tr.FROM, tr.TO))
        linked = [lr[0][4] for lr in rows if lr[0][4]]
        plain = [lr[0][1].strip() for lr in rows if not lr[0][4]]
        self.assertTrue(plain)
        for href in linked[:3]:
            self.page(b, href)
        for talon in plain[:3]:
            self.assertEqual(b.get("/desk/complaints/" + talon).status, 403)

    # --- Scope --------------------------------------------------------------

    def test_administrator_sees_every_body(self):
        b = self.browser("admin", "mop")
        n, r = self.check_cells(b, "channel", "almaty-bostandyk")
        self.assertGreater(n, 5)
        self.assertIn('<option value="almaty-auezov"', r.text)
        # The language's links keep the report asked for.
        self.assertIn('href="?from=%s&amp;to=%s&amp;group=channel&amp;'
                      'body=almaty-bostandyk&amp;lang=kk"' % (tr.FROM, tr.TO),
                      r.text)

    def test_other_body_is_403_everywhere(self):
        b = self.browser("registrar", "almaty-bostandyk")
        other = {"from": tr.FROM, "to": tr.TO, "body": "almaty-auezov"}
        qs = urllib.parse.urlencode(other)
        r = self.page(b, "/desk/reports?" + qs, 403)
        self.assertIn(T["en"]["desk.reports.error.other-body"], r.text)
        self.assertNotIn('id="summary"', r.text)
        r = self.page(b, "/desk/reports/complaints?figure=received&" + qs,
                      403)
        self.assertIn(T["en"]["desk.reports.error.other-body"], r.text)
        self.assertNotIn("/desk/complaints/", r.text)
        for path in ("/desk/reports/chart/monthly.svg?" + qs,
                     "/desk/reports/download?format=csv&" + qs,
                     "/desk/reports/download?format=xlsx&" + qs):
            self.assertEqual(b.get(path).status, 403, path)
        # Their own body is what they see by default.
        r = self.page(b, "/desk/reports?from=%s&to=%s" % (tr.FROM, tr.TO))
        t = Tables(r.text).tables["summary"]
        self.assertEqual(len(t["rows"]), 2)  # the body and the total
        # Without a session: to the sign-in.
        r = Browser(self.daemon).get("/desk/reports")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/desk/login")

    def test_city_department_sees_its_districts(self):
        """The head of the city department asks for a district office
        below it (its figures as the desk sees them); a district's head
        asking for the city department gets 403."""
        b = self.browser("head", "almaty-edu")
        n, r = self.check_cells(b, "service", "almaty-auezov")
        self.assertGreater(n, 5)
        # The city department first, then the district offices below it;
        # never the ministry above it.
        sel = re.search(r'<select id="r-body".*?</select>', r.text, re.S)
        opts = re.findall(r'<option value="([a-z-]*)"', sel.group(0))
        self.assertEqual(opts[0], "almaty-edu")
        for body in ("almaty-auezov", "almaty-bostandyk"):
            self.assertIn(body, opts)
        self.assertNotIn("mes", opts)
        self.assertNotIn("mop", opts)
        d = self.browser("head", "almaty-auezov")
        qs = urllib.parse.urlencode({"from": tr.FROM, "to": tr.TO,
                                     "body": "almaty-edu"})
        self.page(d, "/desk/reports?" + qs, 403)

    # --- GET changes nothing ------------------------------------------------

    def test_pages_change_nothing(self):
        d = self.daemon
        counts = "SELECT (SELECT count(*) FROM event), (SELECT count(*) " \
            "FROM complaint), (SELECT count(*) FROM notification), " \
            "(SELECT total(received) FROM report_day)"
        before = d.query(counts)
        b = self.browser("desk", "mop")
        r = self.page(b, self.report_path("body"))
        p = Page(r.text)
        # The page's only POST is signing out; the report form is GET.
        self.assertEqual([f["action"] for f in p.forms
                          if f["method"] == "post"], ["/desk/logout"])
        for link in set(p.links):
            if link.startswith("/desk/reports"):
                self.assertIn(b.get(link.replace("&amp;", "&")).status,
                              (200,), link)
        for img in Tables(r.text).img:
            r2 = b.get(img["src"].replace("&amp;", "&"))
            self.assertEqual(r2.status, 200, img)
            self.assertTrue(r2.header("Content-Type").startswith(
                "image/svg+xml"))
            self.assertTrue(img.get("alt"))
        self.assertEqual(d.query(counts), before)
        for path in ("/desk/reports", "/desk/reports/complaints"):
            r = b.post(path, {"csrf": "x"})
            self.assertEqual(r.status, 405, r)

    # --- The form ----------------------------------------------------------

    def test_default_period_is_this_month_in_almaty(self):
        b = self.browser("head", "almaty-bostandyk")
        r = self.page(b, "/desk/reports")
        p = Page(r.text)
        f = p.form("/desk/reports")["fields"]
        # The daemon's clock is the test's last phase, moved on by the
        # time the test took (minutes at most).
        off = tr.PHASE_C - datetime.datetime.now(tr.ALMATY)
        now = (datetime.datetime.now(tr.ALMATY) + off).date()
        first = now.replace(day=1)
        nxt = (first + datetime.timedelta(days=32)).replace(day=1)
        self.assertEqual(f["from"], first.isoformat())
        self.assertEqual(f["to"], (nxt - datetime.timedelta(days=1))
                         .isoformat())
        self.assertEqual(f["group"], "body")
        # A bad period: the form again with the error, 400.
        r = self.page(b, "/desk/reports?from=2025-02-01&to=2025-01-01", 400)
        self.assertIn(T["en"]["desk.reports.error.bad-period"], r.text)
        self.assertIn('value="2025-02-01"', r.text)
        r = self.page(b, "/desk/reports?service=12", 400)
        r = self.page(b, "/desk/reports?group=year", 400)
        # Empty fields of the form are no filter.
        r = self.page(b, "/desk/reports?from=%s&to=%s&group=service&body="
                      "&service=" % (tr.FROM, tr.TO))

    def test_every_label_in_every_language(self):
        b = self.browser("desk", "mop")
        keys = (["report.figure." + f for f in FIGURES] +
                ["desk.reports.group." + g for g in
                 ("body", "service", "institution", "month", "channel")] +
                ["desk.reports." + k for k in
                 ("title", "form", "from", "to", "group", "body",
                  "body.all", "service", "service.all", "show", "summary",
                  "total", "csv", "xlsx", "charts", "chart.monthly",
                  "chart.timeliness", "chart.overdue", "chart.table",
                  "hint")] + ["desk.nav.reports"])
        for lang in ("kk", "ru", "en"):
            with self.subTest(lang=lang):
                r = self.page(b, self.report_path("month") + "&lang=" + lang)
                self.assertEqual(r.header("Content-Language"), lang)
                text = html.unescape(r.text)
                for k in keys:
                    self.assertIn(T[lang][k], text, (lang, k))
                self.assertNotIn("report.figure.", text)
                self.assertNotIn("desk.reports.", text)
                r = self.page(b, "/desk/reports/complaints?figure=decided"
                              "&from=%s&to=%s&lang=%s" % (tr.FROM, tr.TO,
                                                          lang))
                text = html.unescape(r.text)
                for k in ("desk.trace.back", "desk.trace.caption",
                          "desk.trace.col.day", "desk.trace.col.event",
                          "desk.trace.col.body", "action.decide"):
                    self.assertIn(T[lang][k], text, (lang, k))
                self.assertIn(T[lang]["desk.trace.title"].replace(
                    "{figure}", T[lang]["report.figure.decided"]), text)
                for other in ({"kk", "ru", "en"} - {lang}):
                    self.assertNotIn(T[other]["desk.reports.chart.table"],
                                     text)

    # --- Accessible table and downloads ------------------------------------

    def test_table_is_accessible_and_downloads_are_the_same_query(self):
        b = self.browser("desk", "mop")
        r = self.page(b, self.report_path("service", "almaty-auezov"))
        tables = Tables(r.text).tables
        for tid, t in tables.items():
            self.assertTrue(t["caption"], tid)
            self.assertTrue(t["head"], tid)
        self.assertIn("chart-monthly-month", tables)
        self.assertIn("chart-overdue-service", tables)
        links = re.findall(r'href="(/desk/reports/download\?[^"]+)"',
                           r.text)
        self.assertEqual(len(links), 2)
        api = self.daemon.get(
            "/api/v1/reports/summary?format=csv&group=service&from=%s&to=%s"
            "&body=almaty-auezov" % (tr.FROM, tr.TO), headers={
                "Authorization": "Bearer " + self.daemon.account(
                    "desk", "mop")})
        for link in links:
            got = b.get(link.replace("&amp;", "&"))
            self.assertEqual(got.status, 200, link)
            self.assertIn("attachment", got.header("Content-Disposition"))
            if "format=csv" in link:
                self.assertEqual(got.body, api.body)
            else:
                import openpyxl
                wb = openpyxl.load_workbook(io.BytesIO(got.body))
                ws = wb[wb.sheetnames[1]]
                want = tr.expected(self.entries.values(), "service",
                                   tr.FROM, tr.TO, "almaty-auezov")
                rows = list(ws.iter_rows(min_row=6, values_only=True))
                self.assertEqual(len(rows), len(want))
                self.assertEqual(rows[-1][2], int(want[None]["received"]))


class DeskReportsBrowserTest(tr.Journal, DaemonTestCase):
    """tests/browser/reports.test.mjs over this file's journal: the head
    of a district and the escalation desk in Chromium, axe-core on every
    page, screenshots in tests/output/reports-*.png; skipped (with the
    reason) as the other browser tests are."""

    @classmethod
    def setUpClass(cls):
        from test_status_page import need_browser
        need_browser()
        super().setUpClass()

    def test_reports_in_chromium(self):
        from test_status_page import BROWSER_DIR, CHROMIUM
        d = self.daemon
        d.account("head", "almaty-auezov")
        d.account("desk", "mop")
        p = subprocess.run(
            ["node", os.path.join(BROWSER_DIR, "reports.test.mjs"), d.url(),
             PASSWORD, "head.almaty-auezov", "desk.mop", tr.FROM, tr.TO],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=400,
            env=dict(os.environ, CHROMIUM=CHROMIUM))
        out = p.stdout.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, "the browser test failed:\n" + out)
        self.assertRegex(out, r"\d+ checks passed, 0 failed")


if __name__ == "__main__":
    unittest.main()
