"""The staff desk over HTTP, as a browser without script uses it: sign
in (the cookie), the inbox, registering a complaint (the institution
found with the search step, the talon page with its access code once, the
slip), a case and its actions as forms, a domain error shown beside its
field with everything typed kept, sign out.  Then what protects it: the
cookie's attributes, the CSRF token of every form and the Origin of
every POST (403 and nothing changed), the page headers (no script, no
inline style), and every page in Kazakh, Russian and English with no
text missing."""

import html.parser
import os
import re
import subprocess
import time
import unittest
import urllib.parse

from harness import (DaemonTestCase, PASSWORD, REPO, catalogue,
                     complaint_xml, text_of)

FORM = "application/x-www-form-urlencoded"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
T = {lang: catalogue(lang) for lang in ("kk", "ru", "en")}


class Page(html.parser.HTMLParser):
    """What a page has: its forms with their fields, links, texts."""

    def __init__(self, text):
        super().__init__()
        self.forms, self.links, self.ids = [], [], {}
        self.attrs = []
        self.select = self.textarea = None
        self.feed(text)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.forms:
            f = self.forms[-1]["fields"]
            f[self.textarea] = f.get(self.textarea, "") + data

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if "id" in a:
            self.ids[a["id"]] = (tag, a)
        if tag == "form":
            self.forms.append({"action": a.get("action"),
                               "method": a.get("method", "get"),
                               "fields": {}})
        elif tag == "option" and self.select and self.forms:
            f = self.forms[-1]["fields"]
            if "selected" in a or self.select not in f:
                f[self.select] = a.get("value", "")
        elif tag in ("input", "textarea", "select") and self.forms and \
                a.get("name"):
            f = self.forms[-1]["fields"]
            if tag == "select":
                self.select = a["name"]
                return
            if tag == "textarea":
                self.textarea = a["name"]
                f[a["name"]] = ""
                return
            if a.get("type") in ("radio", "checkbox") and \
                    "checked" not in a:
                return
            if a.get("type") != "submit":
                f.setdefault(a["name"], a.get("value", ""))
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def form(self, action):
        for f in self.forms:
            if f["action"] == action:
                return f
        raise AssertionError("no form posting to %s in %r"
                             % (action, [f["action"] for f in self.forms]))


class Browser:
    """Cookies and an Origin, as a browser sends them."""

    def __init__(self, daemon, lang="en"):
        self.d = daemon
        self.cookies = {}
        self.lang = lang

    def send(self, method, path, fields=None, origin=True, headers=None):
        h = {"Accept-Language": self.lang}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode("utf-8")
            h["Content-Type"] = FORM
            if origin:
                h["Origin"] = origin if isinstance(origin, str) else \
                    self.d.url()
        h.update(headers or {})
        r = self.d.request(method, path, body, h, auth=False)
        for v in r.headers.get_all("Set-Cookie") or []:
            if v:
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in v:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return r

    def get(self, path):
        return self.send("GET", path)

    def post(self, path, fields, **kw):
        return self.send("POST", path, fields, **kw)

    def sign_in(self, login):
        p = Page(self.get("/desk/login").text)
        f = p.form("/desk/login")
        f["fields"].update(login=login, password=PASSWORD)
        r = self.post("/desk/login", f["fields"])
        assert r.status == 303, r
        return r


class DeskTest(DaemonTestCase):
    CONF = {"lookup_burst": "100000"}

    def browser(self, role, body, lang="en"):
        self.daemon.account(role, body)
        b = Browser(self.daemon, lang)
        b.sign_in("%s.%s" % (role, body))
        return b

    def assertPage(self, r, status=200):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.header("Content-Type"),
                         "text/html; charset=utf-8")
        self.assertEqual(r.header("Content-Security-Policy"), CSP)
        self.assertEqual(r.header("X-Frame-Options"), "DENY")
        self.assertEqual(r.header("Referrer-Policy"), "same-origin")
        self.assertTrue(r.text.startswith("<!DOCTYPE html>\n<html lang="))
        self.assertNotIn("<script", r.text)
        self.assertNotIn("style=", r.text)
        self.assertNotIn("<style", r.text)
        return Page(r.text)

    def register_api(self, **fields):
        fields.setdefault("body", "almaty-alatau")
        r = self.daemon.register(complaint_xml(**fields))
        self.assertEqual(r.status, 201, r)
        return text_of(r.xml(), "number")

    # --- Signing in ---------------------------------------------------------

    def test_pages_need_a_session(self):
        b = Browser(self.daemon)
        for path in ("/desk/", "/desk/register", "/desk/complaints/1"):
            r = b.get(path)
            self.assertEqual(r.status, 303, r)
            self.assertEqual(r.header("Location"), "/desk/login")
        r = b.get("/desk/login")
        p = self.assertPage(r)
        self.assertIn("password", p.form("/desk/login")["fields"])
        cookie = r.header("Set-Cookie")
        self.assertRegex(cookie, r"^desk-login=[0-9a-f]{32}; Path=/; "
                         r"HttpOnly; SameSite=Strict$")

    def test_sign_in_cookie_and_out(self):
        self.daemon.account("registrar", "almaty-alatau")
        b = Browser(self.daemon)
        p = Page(b.get("/desk/login").text)
        f = p.form("/desk/login")["fields"]
        # A wrong password: the page again, the login kept, 401 (another
        # login: a failure delays the next try of the same one).
        r = b.post("/desk/login", dict(f, login="nobody.almaty-alatau",
                                       password="Xq9-not-it"))
        p = self.assertPage(r, 401)
        self.assertIn(T["en"]["desk.error.bad-credentials"], r.text)
        self.assertEqual(p.ids["login"][1]["value"], "nobody.almaty-alatau")
        self.assertNotIn("Xq9-not-it", r.text)
        r = b.post("/desk/login", dict(f, login="registrar.almaty-alatau",
                                       password=PASSWORD))
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/desk/")
        self.assertRegex(r.header("Set-Cookie"), r"^desk=[^;]+; Path=/; "
                         r"HttpOnly; SameSite=Strict$")
        p = self.assertPage(b.get("/desk/"))
        self.assertIn(T["en"]["desk.logout"], b.get("/desk/").text)
        # Sign out: the cookie goes and the session ends.
        token = b.cookies["desk"]
        r = b.post("/desk/logout", p.form("/desk/logout")["fields"])
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/desk/login")
        self.assertNotIn("desk", b.cookies)
        r = self.daemon.request("GET", "/api/v1/session", headers={
            "Authorization": "Bearer " + token}, auth=False)
        self.assertEqual(r.status, 401)

    # --- Forgery --------------------------------------------------------------

    def test_csrf_and_origin(self):
        talon = self.register_api()
        cid = self.daemon.complaint_id(talon)
        b = self.browser("head", "almaty-alatau")
        path = "/desk/complaints/%d" % cid
        p = Page(b.get(path).text)
        f = dict(p.form(path + "/note")["fields"], text="Forged note")
        events = lambda: self.daemon.query(
            "SELECT count(*) FROM event WHERE complaint_id = ?", (cid,))[0][0]
        before = events()
        for what, fields, origin in [
                ("no token", {k: v for k, v in f.items() if k != "csrf"},
                 True),
                ("another token", dict(f, csrf="0" * 32), True),
                ("another site", f, "http://evil.example"),
                ("no Origin", f, False)]:
            with self.subTest(what=what):
                r = b.post(path + "/note", fields, origin=origin)
                self.assertEqual(r.status, 403, r)
        self.assertEqual(events(), before)
        # Sign-in too: its form's token is its own cookie's.
        nb = Browser(self.daemon)
        nb.get("/desk/login")
        r = nb.post("/desk/login", {"login": "head.almaty-alatau",
                                    "password": PASSWORD, "csrf": "1" * 32})
        self.assertEqual(r.status, 403, r)
        # With all of it, the note is taken.
        r = b.post(path + "/note", f)
        self.assertEqual(r.status, 303, r)
        self.assertEqual(events(), before + 1)

    # --- The work -------------------------------------------------------------

    def test_register_ground_and_intake(self):
        """The register form gives the ground and what the registrar
        checked of the service's intake requirements.  Service 3, clause
        22 asks for an identity document: not checked, the complaint is
        registered and the talon page warns; checked, no warning."""
        b = self.browser("registrar", "almaty-alatau")
        p = self.assertPage(b.get("/desk/register"))
        f = p.form("/desk/register")["fields"]
        self.assertNotIn("intake-identity-document", f)
        f.update({"service": "3", "surname": "Омарова", "name": "Дана",
                  "address": "Алматы, Абай даңғылы 1",
                  "subject": "Балабақша", "reasons": "Кезек жүрмеді.",
                  "demands": "Кезекке қоюды сұраймын.",
                  "channel": "in-person", "ground": "quality",
                  "confirm": "1"})
        r = b.post("/desk/register", f)
        p = self.assertPage(r, 201)
        self.assertIn("intake-missing", p.ids)
        self.assertIn("identity-document", r.text)
        talon = re.search(r'id="talon-number">([0-9-]{16})<',
                          r.text).group(1)
        row = self.daemon.query("SELECT ground, intake FROM complaint "
                                "WHERE talon = ?", (talon,))[0]
        self.assertEqual(row[0], "quality")
        self.assertIn("identity-document: not checked", row[1])
        f["intake-identity-document"] = "1"
        r = b.post("/desk/register", f)
        p = self.assertPage(r, 201)
        self.assertNotIn("intake-missing", p.ids)
        talon = re.search(r'id="talon-number">([0-9-]{16})<',
                          r.text).group(1)
        row = self.daemon.query("SELECT intake FROM complaint WHERE "
                                "talon = ?", (talon,))[0]
        self.assertEqual(row[0], "identity-document: yes "
                         "(Регламент 3, 22-тармақ)")

    def test_register_preview(self):
        """Before confirming, the registrar sees the body, whether it is
        competent or to whom the complaint goes, the rule set and the
        due date: the ones the talon then carries.  The preview writes
        nothing; Change gives the form back as typed; Confirm
        registers."""
        b = self.browser("registrar", "almaty-alatau")
        p = self.assertPage(b.get("/desk/register"))
        f = p.form("/desk/register")["fields"]
        # A school of another district, found with the search step.
        other = self.daemon.query(
            "SELECT code FROM body WHERE kind NOT IN ('ministry', "
            "'city-department', 'district-office') AND parent_code "
            "LIKE 'almaty-%' AND parent_code != 'almaty-alatau' "
            "ORDER BY code LIMIT 1")[0][0]
        f.update({"service": "3", "institution": other,
                  "surname": "Омарова", "name": "Дана",
                  "address": "Алматы, Абай даңғылы 1 & <2>",
                  "subject": "Мектеп", "reasons": "Баланы қабылдамады.\n"
                  "Екінші жол.", "demands": "Қабылдауды талап етемін.",
                  "channel": "in-person", "ground": "quality"})
        count = "SELECT count(*) FROM complaint"
        evs = "SELECT count(*) FROM event"
        before = (self.daemon.query(count)[0][0],
                  self.daemon.query(evs)[0][0])
        r = b.post("/desk/register", f)
        p = self.assertPage(r)
        self.assertIn(T["en"]["desk.preview.title"], r.text)
        self.assertNotIn("talon-number", p.ids)
        self.assertEqual((self.daemon.query(count)[0][0],
                          self.daemon.query(evs)[0][0]), before)
        self.assertIn("almaty-alatau", text_of_id(r.text, "preview-body"))
        due = p.ids["preview-due"][1]["datetime"]
        self.assertRegex(due, r"^\d{4}-\d\d-\d\d$")
        self.assertGreaterEqual(due, time.strftime("%Y-%m-%d"))
        parent = self.daemon.query("SELECT parent_code FROM body WHERE "
                                   "code = ?", (other,))[0][0]
        self.assertIn("(%s)" % parent, text_of_id(r.text,
                                                  "preview-forward"))
        self.assertIn("intake-missing", p.ids)
        # Every typed value is carried, the token too, no button value.
        pf = p.form("/desk/register")["fields"]
        for k, v in f.items():
            if k not in ("q", "find"):
                self.assertEqual(pf.get(k), v, k)
        self.assertNotIn("confirm", pf)
        # Without the token: 403, nothing written.
        r = b.post("/desk/register", dict(pf, csrf="0" * 32, confirm="1"))
        self.assertEqual(r.status, 403, r)
        # Change: the form, filled.
        r = b.post("/desk/register", dict(pf, change="1"))
        p = self.assertPage(r)
        back = p.form("/desk/register")["fields"]
        for k in ("surname", "address", "reasons", "institution",
                  "service", "ground"):
            self.assertEqual(back[k], f[k], k)
        self.assertEqual((self.daemon.query(count)[0][0],
                          self.daemon.query(evs)[0][0]), before)
        # Confirm: registered, with the preview's due date and body.
        r = b.post("/desk/register", dict(pf, confirm="1"))
        p = self.assertPage(r, 201)
        talon = re.search(r'id="talon-number">([0-9-]{16})<',
                          r.text).group(1)
        self.assertEqual(self.daemon.query(count)[0][0], before[0] + 1)
        row = self.daemon.query(
            "SELECT c.due, b.code, c.reasons, c.address FROM complaint c "
            "JOIN body b ON b.id = c.body_id WHERE c.talon = ?",
            (talon,))[0]
        self.assertEqual(row, (due, "almaty-alatau", f["reasons"],
                               f["address"]))
        self.assertIn('datetime="%s"' % due, r.text)
        self.assertIn(parent, r.text)

    def test_register_forward_assign_decide(self):
        b = self.browser("registrar", "almaty-alatau")
        p = self.assertPage(b.get("/desk/register"))
        f = p.form("/desk/register")["fields"]
        self.assertRegex(f["received-at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d$")
        # The search step, without script: the form comes back with what
        # was typed and the institutions found.
        f.update({"service": "5", "q": "мектеп", "surname": "Омарова",
                  "name": "Дана", "address": "Алматы, Абай даңғылы 1",
                  "subject": "Мектеп", "reasons": "Баланы қабылдамады.",
                  "demands": "Қабылдауды талап етемін.",
                  "channel": "in-person", "find": "1"})
        r = b.post("/desk/register", f)
        p = self.assertPage(r)
        f2 = p.form("/desk/register")["fields"]
        self.assertEqual(f2["surname"], "Омарова")
        self.assertEqual(f2["q"], "мектеп")
        self.assertIn("institution", f2, "no institution found for мектеп")
        # The preview, then Confirm: the talon.
        del f2["q"]
        p = self.assertPage(b.post("/desk/register", f2))
        r = b.post("/desk/register",
                   dict(p.form("/desk/register")["fields"], confirm="1"))
        p = self.assertPage(r, 201)
        number = p.ids["talon-number"]
        code = re.search(r'id="access-code">([A-Z0-9]{8})<', r.text)
        self.assertIsNotNone(code, r.text[:4000])
        talon = re.search(r'id="talon-number">([0-9-]{16})<', r.text).group(1)
        slip = p.form("/desk/talons/%s/slip" % talon)["fields"]
        r = b.post("/desk/talons/%s/slip" % talon, slip)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        self.assertTrue(r.body.startswith(b"%PDF-"))
        # The receipt for a 42-column printer: text, the code in two
        # groups, no line longer than 42 characters, the page's language.
        form = p.form("/desk/talons/%s/receipt" % talon)["fields"]
        r = b.post("/desk/talons/%s/receipt" % talon, form)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"),
                         "text/plain; charset=utf-8")
        self.assertTrue(r.text.endswith("\n"))
        self.assertEqual([ln for ln in r.text.split("\n") if len(ln) > 42],
                         [])
        self.assertIn(talon, r.text)
        self.assertIn("%s-%s" % (code.group(1)[:4], code.group(1)[4:]),
                      r.text)
        self.assertIn(T["en"]["talon.title"], r.text)
        # A wrong code is refused, and nothing is printed.
        r = b.post("/desk/talons/%s/receipt" % talon,
                   dict(form, code="AAAAAAAA"))
        self.assertEqual(r.status, 403, r)
        self.assertNotIn(talon, r.text)
        cid = self.daemon.complaint_id(talon)
        # The inbox has it, with its state and due date.
        p = self.assertPage(b.get("/desk/"))
        self.assertIn("/desk/complaints/%d" % cid, p.links)
        # The talon page opens the case with the routing's proposal, if
        # any, and the forward form starts with it.
        path = "/desk/complaints/%d" % cid
        for proposed, shown in [("almaty-medeu", "almaty-medeu"),
                                ("x\"><b>", "")]:
            p = self.assertPage(b.get(path + "?forward=" +
                                      urllib.parse.quote(proposed)))
            self.assertEqual(p.ids["forward-to"][1]["value"], shown)
        # The case: the registrar may not assign (a head's action).
        r = b.get(path)
        p = self.assertPage(r)
        actions = [f["action"] for f in p.forms]
        self.assertIn(path + "/note", actions)
        self.assertNotIn(path + "/assign", actions)
        # The head assigns, extends with a bad date (the error beside
        # the field, the text kept), extends, decides.
        h = self.browser("head", "almaty-alatau")
        p = self.assertPage(h.get(path))
        f = dict(p.form(path + "/assign")["fields"], assignee="Нұрланова А.")
        self.assertEqual(h.post(path + "/assign", f).status, 303)
        p = self.assertPage(h.get(path))
        self.assertIn("Нұрланова А.", h.get(path).text)
        # The new due date is shown before confirming: the form starts
        # with the latest the law allows, the date extend sets.
        shown = p.ids["extend-until"][1].get("value")
        self.assertRegex(shown or "", r"^\d{4}-\d{2}-\d{2}$")
        due_before = text_of(self.daemon.get(
            "/api/v1/complaints/%d" % cid).xml(), "due")
        self.assertGreater(shown, due_before)
        f = dict(p.form(path + "/extend")["fields"],
                 reason="Қосымша тексеру қажет.", until="2001-01-01")
        r = h.post(path + "/extend", f)
        self.assertGreaterEqual(r.status, 400, r)
        p = self.assertPage(r, r.status)
        self.assertIn('role="alert"', r.text)
        self.assertEqual(p.ids["extend-reason"][0], "textarea")
        self.assertIn("Қосымша тексеру қажет.", r.text)
        r = h.post(path + "/extend", dict(f, until=""))
        self.assertEqual(r.status, 303, r)
        self.assertEqual(text_of(self.daemon.get(
            "/api/v1/complaints/%d" % cid).xml(), "due"), shown)
        p = self.assertPage(h.get(path))
        f = dict(p.form(path + "/decide")["fields"], outcome="rejected",
                 reasoning="Негізсіз.")
        self.assertEqual(h.post(path + "/decide", f).status, 303)
        r = self.daemon.get("/api/v1/complaints/%d" % cid)
        self.assertEqual(text_of(r.xml(), "state"), "decided")

    def test_every_page_in_every_language(self):
        talon = self.register_api()
        cid = self.daemon.complaint_id(talon)
        for lang in ("kk", "ru", "en"):
            b = self.browser("head", "almaty-alatau", lang)
            for path, title in [("/desk/", "desk.inbox.title"),
                                ("/desk/register", "desk.register.title"),
                                ("/desk/complaints/%d" % cid,
                                 "desk.case.timeline")]:
                with self.subTest(lang=lang, path=path):
                    r = b.get(path)
                    self.assertPage(r)
                    self.assertIn('<html lang="%s"' % lang, r.text)
                    self.assertIn(T[lang][title], r.text)
            # ?lang= wins and stays for the next page.
            other = "ru" if lang != "ru" else "kk"
            r = b.get("/desk/?lang=" + other)
            self.assertIn('<html lang="%s"' % other, r.text)
            self.assertIn('<html lang="%s"' % other, b.get("/desk/").text)

    def test_escalation_desk(self):
        talon = self.register_api(body="mop")
        cid = self.daemon.complaint_id(talon)
        b = self.browser("desk", "mop")
        r = b.get("/desk/")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/desk/escalation")
        r = b.get("/desk/escalation")
        p = self.assertPage(r)
        self.assertIn(T["en"]["desk.esc.overdue"], r.text)
        self.assertIn(T["en"]["desk.esc.ministry"], r.text)
        self.assertIn("/desk/complaints/%d" % cid, p.links)
        self.assertPage(b.get("/desk/complaints/%d" % cid))
        # Another role is refused the page.
        h = self.browser("head", "almaty-alatau")
        self.assertPage(h.get("/desk/escalation"), 403)

    def test_post(self):
        """A decision answered by post leaves a letter for the day's post:
        its PDF, then marked posted with its tracking number."""
        d = self.daemon
        talon = self.register_api(email=None)
        for act in ["<assign><assignee>Нұрланова А.</assignee></assign>",
                    "<decide><outcome>rejected</outcome><reasoning>Негізсіз."
                    "</reasoning></decide>",
                    "<answer><channel>post</channel></answer>"]:
            r = d.post_xml("/api/v1/complaints/%s/actions" % talon, act,
                           headers={"Authorization": "Bearer " + d.account(
                               "head", "almaty-alatau")}, auth=False)
            self.assertEqual(r.status, 200, r)
        b = self.browser("registrar", "almaty-alatau")
        for _ in range(100):
            p = self.assertPage(b.get("/desk/post"))
            letters = [l for l in p.links if l.startswith("/desk/post/letters/")]
            if letters:
                break
            time.sleep(0.1)
        self.assertTrue(letters, "no letter waits for the post")
        r = b.get(letters[0])
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body.startswith(b"%PDF-"))
        action = letters[0] + "/posted"
        f = p.form(action)["fields"]
        r = b.post(action, dict(f, tracking="x" * 65))
        self.assertPage(r, 400)
        self.assertIn("x" * 64, r.text)
        r = b.post(action, dict(f, tracking="RR123456785KZ"))
        self.assertEqual(r.status, 303, r)
        p = self.assertPage(b.get("/desk/post"))
        self.assertNotIn(letters[0], p.links)
        r = b.get("/desk/post/register?date=%s&format=csv"
                  % d.query("SELECT date('now', '+5 hours')")[0][0])
        self.assertEqual(r.status, 200, r)
        self.assertIn(talon, r.text)

    def test_administrator(self):
        d = self.daemon
        d.account("registrar", "almaty-alatau")
        a = Browser(d)
        d.account("admin", "mop")
        a.sign_in("admin")
        r = a.get("/desk/")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/desk/admin")
        p = self.assertPage(a.get("/desk/admin"))
        self.assertIn("/desk/admin/users/registrar.almaty-alatau/disable",
                      [f["action"] for f in p.forms])
        # Verify, on demand.
        r = a.get("/desk/admin?verify=1")
        self.assertPage(r)
        self.assertIn(T["en"]["desk.admin.verify.ok"].split(":")[0], r.text)
        # Open an account; a bad one comes back with what was typed.
        f = p.form("/desk/admin/users")["fields"]
        bad = dict(f, login="zhanar", surname="Ахметова", given="Жанар",
                   position="маман", body="no-such-body", role="registrar",
                   password=PASSWORD)
        r = a.post("/desk/admin/users", bad)
        p2 = self.assertPage(r, r.status)
        self.assertGreaterEqual(r.status, 400)
        self.assertEqual(p2.ids["surname"][1]["value"], "Ахметова")
        self.assertNotIn(PASSWORD, r.text)
        # A body that has ended (the Ministry of Education and Science,
        # whose schools went to the Ministry of Enlightenment in 2022)
        # takes no new account: the reason in the page's language.
        r = a.post("/desk/admin/users", dict(bad, body="mes"))
        p2 = self.assertPage(r, 400)
        self.assertIn(T["en"]["desk.error.body-ended"], r.text)
        self.assertEqual(p2.ids["surname"][1]["value"], "Ахметова")
        self.assertEqual(d.query("SELECT count(*) FROM staff WHERE "
                                 "login = 'zhanar'")[0][0], 0)
        r = a.post("/desk/admin/users", dict(bad, body="almaty-medeu"))
        self.assertEqual(r.status, 303, r)
        z = Browser(d)
        z.sign_in("zhanar")
        self.assertPage(z.get("/desk/"))
        # Reset her password, then disable her: her session ends.
        r = a.post("/desk/admin/users/zhanar/password",
                   dict(f, password="another-password-2"))
        self.assertEqual(r.status, 303, r)
        r = a.post("/desk/admin/users/zhanar/disable", f)
        self.assertEqual(r.status, 303, r)
        r = z.get("/desk/")
        self.assertEqual(r.status, 303)
        self.assertEqual(r.header("Location"), "/desk/login")
        # A registrar is refused the page.
        b = self.browser("registrar", "almaty-alatau")
        self.assertPage(b.get("/desk/admin"), 403)

    def test_hostile_values_are_escaped(self):
        talon = self.register_api(surname="<script>alert(1)</script>",
                                  reasons="\"><img src=x onerror=alert(1)>")
        cid = self.daemon.complaint_id(talon)
        b = self.browser("registrar", "almaty-alatau")
        r = b.get("/desk/complaints/%d" % cid)
        p = self.assertPage(r)
        self.assertNotIn("<img", r.text)
        self.assertIn("&lt;script&gt;", r.text)
        self.assertFalse([a for a in p.attrs if a[1].startswith("on")])


class DeskBrowserTest(DaemonTestCase):
    """tests/browser/desk.test.mjs: the journeys in Chromium, with
    axe-core on every page; skipped (with the reason) as the status
    page's browser test is."""

    @classmethod
    def setUpClass(cls):
        from test_status_page import need_browser
        need_browser()
        super().setUpClass()

    def test_journeys_in_chromium(self):
        from test_status_page import BROWSER_DIR, CHROMIUM
        d = self.daemon
        d.account("registrar", "almaty-alatau")
        d.account("head", "almaty-almaly")
        d.account("admin", "mop")
        d.account("desk", "mop")
        p = subprocess.run(
            ["node", os.path.join(BROWSER_DIR, "desk.test.mjs"), d.url(),
             PASSWORD, "registrar.almaty-alatau", "head.almaty-almaly",
             "almaty-almaly"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=400,
            env=dict(os.environ, CHROMIUM=CHROMIUM))
        out = p.stdout.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, "the browser test failed:\n" + out)
        self.assertRegex(out, r"\d+ checks passed, 0 failed")


def text_of_id(text, ident):
    """The text inside the element with the id ident (no nesting of the
    same tag)."""
    m = re.search(r'id="%s"[^>]*>(.*?)</' % re.escape(ident), text, re.S)
    assert m, ident
    return re.sub(r"<[^>]+>", "", m.group(1))


# The codes a desk page never shows: what only the API, the filing pages
# (their own file.error texts) or the plumbing answers, each with why.
API_ONLY_CODES = {
    "bad-year": "the journal export's parameter (API, complaintctl)",
    "forbidden-xml": "an XML body with a DTD (API)",
    "malformed-xml": "an XML body that does not parse (API)",
    "wrong-document": "an XML body of another kind (API)",
    "method-not-allowed": "the plumbing, before any page",
    "unauthenticated": "the desk sends the sign-in page instead",
    "invalid-token": "an API token (Authorization header)",
    "invalid-api-key": "Open311's api_key",
    "no-such-chart": "the charts' own URL, an image",
    "draft-not-found": "the filing pages (file.error texts)",
    "draft-taken": "the filing pages (file.error texts)",
    "filing-unavailable": "the filing pages (file.error texts)",
    "not-electronic": "the filing pages and Open311",
    "mail-queue-full": "the filing pages and Open311",
}


class ErrorTextsTest(unittest.TestCase):
    def test_every_code_has_its_words(self):
        """Every error code the domain or the daemon raises has a text
        desk.error.CODE in every language (read from the C sources and
        the catalogues), or is named above as one no desk page shows:
        nobody at the desk reads the English message."""
        codes = set()
        pat = re.compile(r'(?:complaints_error_set|refuse)\(\s*[^,]+,'
                         r'\s*COMPLAINTS_E[A-Z]+,\s*"([a-z0-9-]+)"', re.S)
        for d in ("complaints", "daemon"):
            for name in os.listdir(os.path.join(REPO, d)):
                if name.endswith(".c"):
                    with open(os.path.join(REPO, d, name),
                              encoding="utf-8") as f:
                        codes |= set(pat.findall(f.read()))
        self.assertGreater(len(codes), 40)
        for lang in ("kk", "ru", "en"):
            t = catalogue(lang)
            missing = sorted(c for c in codes - set(API_ONLY_CODES)
                             if "desk.error." + c not in t)
            self.assertEqual(missing, [], lang)
        self.assertEqual(sorted(set(API_ONLY_CODES) - codes), [],
                         "codes no longer raised")
