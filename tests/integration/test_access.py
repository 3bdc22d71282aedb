"""Who may do what: every route for every kind of caller.

The table ROUTES names every route of daemon/routes.c with the status each
caller must get; test_every_route_has_a_rule reads the routes table from
the source, so a route added without a rule here fails.  Callers: no
session, a registrar and a head of the complaint's body (almaty-alatau),
a registrar and a head of another district (almaty-medeu), the head of
the city department above both (almaty-edu), the ministry's escalation
desk, and the administrator.  Then: another body's complaint through
every identifier the API takes, session expiry and idle timeout, token
revocation, disabled accounts, sign-in brute force, and TLS.
"""

import os
import re
import ssl
import subprocess
import threading
import time
import unittest
import urllib.parse
import http.client

from harness import (REPO, Daemon, DaemonTestCase, PASSWORD, complaint_xml,
                     text_of)

CALLERS = ["none", "reg", "head", "reg_other", "head_other", "city",
           "desk", "admin", "monitor"]
ACCOUNTS = {
    "reg": ("registrar", "almaty-alatau"),
    "head": ("head", "almaty-alatau"),
    "reg_other": ("registrar", "almaty-medeu"),
    "head_other": ("head", "almaty-medeu"),
    "city": ("head", "almaty-edu"),
    "desk": ("desk", "mop"),
    "admin": ("admin", "mop"),
    "monitor": ("monitor", "mop"),
}


def signed_in_doc():
    """A complaint as a signed-in registrar sends it: no body, no
    registrar (the session gives both)."""
    doc = complaint_xml()
    doc = re.sub(r"\s*<body>[^<]*</body>", "", doc)
    return re.sub(r"\s*<registrar>.*?</registrar>", "", doc, flags=re.S)


def every(status, **but):
    """The same status for every caller but no session (401) and those
    named.  The monitor is always named: it may call nearly nothing, and
    a row that forgets it fails test_every_rule_names_every_caller."""
    d = {c: status for c in CALLERS if c != "monitor"}
    d["none"] = 401
    d.update(but)
    return d


NOTE = "<note><text>Access check.</text></note>"
ASSIGN = "<assign><assignee>Иванова</assignee></assign>"

# (method, path, body, {caller: status}).  {A} is the complaint's id,
# {T} its talon, {Y} the year, {TOK} an API token of the caller's own,
# {U} a login to act on, {SVG} the file name of a chart.
ROUTES = [
    ("GET", "/healthz", None, {c: 200 for c in CALLERS}),
    # From loopback, whoever asks (test_metrics: from elsewhere only a
    # monitor's token).
    ("GET", "/metrics", None, {c: 200 for c in CALLERS}),
    ("POST", "/api/v1/complaints", "REGISTER",
     every(201, admin=403, monitor=403)),
    ("GET", "/api/v1/complaints?body=almaty-alatau", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("GET", "/api/v1/workload?body=almaty-alatau", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("GET", "/api/v1/complaints/{A}", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("POST", "/api/v1/complaints/{A}/actions", NOTE,
     every(200, reg_other=403, head_other=403, city=403, desk=403,
           admin=403, monitor=403)),
    ("POST", "/api/v1/complaints/{A}/actions", ASSIGN,
     every(200, reg=403, reg_other=403, head_other=403, city=403, desk=403,
           admin=403, monitor=403)),
    ("GET", "/api/v1/talons/{T}", None, {c: 200 for c in CALLERS}),
    ("GET", "/api/v1/talons/{T}/talon", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("GET", "/api/v1/journal?body=almaty-alatau&year={Y}", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("GET", "/api/v1/verify", None,
     every(403, desk=200, admin=200, monitor=403)),
    ("GET", "/api/v1/backup", None, every(403, admin=200, monitor=403)),
    # Reports: a registrar or head sees their own body and those below it
    # (the city department each district office), the escalation desk
    # and the administrator any.
    ("GET", "/api/v1/reports/summary?body=almaty-alatau", None,
     every(200, reg_other=403, head_other=403, monitor=403)),
    ("GET", "/api/v1/reports/complaints?figure=received&body=almaty-alatau",
     None, every(200, reg_other=403, head_other=403, monitor=403)),
    ("GET", "/api/v1/reports/chart/{SVG}?body=almaty-alatau", None,
     every(200, reg_other=403, head_other=403, monitor=403)),
    ("GET", "/api/v1/directory?q=%D1%88%D0%BA%D0%BE%D0%BB%D0%B0", None,
     {c: 200 for c in CALLERS}),
    ("GET", "/api/v1/directory/{D}", None, {c: 200 for c in CALLERS}),
    ("POST", "/api/v1/session", "SIGNIN", {c: 401 for c in CALLERS}),
    ("GET", "/api/v1/session", None, every(200, monitor=200)),
    ("DELETE", "/api/v1/session", None, every(204, monitor=204)),
    ("POST", "/api/v1/tokens",
     "<token-request><label>script</label></token-request>",
     every(201, monitor=201)),
    ("GET", "/api/v1/tokens", None, every(200, monitor=200)),
    ("DELETE", "/api/v1/tokens/{TOK}", None, every(204, monitor=204)),
    ("GET", "/api/v1/users", None, every(403, admin=200, monitor=403)),
    ("POST", "/api/v1/users", "ACCOUNT", every(403, admin=201, monitor=403)),
    ("POST", "/api/v1/users/{U}/disable", None, every(403, admin=204,
                                                      monitor=403)),
    ("POST", "/api/v1/users/{U}/password",
     "<password-change><password>another-password-2</password>"
     "</password-change>", every(403, admin=204, monitor=403)),
    ("GET", "/api/v1/notifications?body=almaty-alatau", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("POST", "/api/v1/notifications/{N}/resend", None,
     every(409, reg_other=403, head_other=403, city=403, desk=403,
           admin=403, monitor=403)),
    ("POST", "/api/v1/notifications/{N}/to-post", None,
     every(204, reg_other=403, head_other=403, city=403, desk=403,
           admin=403, monitor=403)),
    ("GET", "/api/v1/notifications/{N}/letter", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("POST", "/api/v1/notifications/{N}/posted", None,
     every(409, reg_other=403, head_other=403, city=403, desk=403,
           admin=403, monitor=403)),
    ("GET", "/api/v1/post/register?body=almaty-alatau&date={D0}&format=csv",
     None, every(200, reg_other=403, head_other=403, desk=403, admin=403,
                 monitor=403)),
    ("GET", "/api/v1/talons/{T}/slip", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    ("GET", "/status", None, {c: 200 for c in CALLERS}),
    ("GET", "/status/{T}", None, {c: 200 for c in CALLERS}),
    ("POST", "/status", "FORM", {c: 200 for c in CALLERS}),
    ("GET", "/status.css", None, {c: 200 for c in CALLERS}),
    # The desk: the session is a cookie; without one a page sends the
    # browser to the sign-in (303); its forms carry the CSRF token and
    # come from the server's own Origin (test_desk.py refuses the rest).
    ("GET", "/desk/login", None, {c: 200 for c in CALLERS}),
    # A monitor may not use the desk: its sign-in there is refused once
    # the password is right, and a session of the API is refused on every
    # page, even to sign out (its form's token comes from a page it may
    # not see).
    ("POST", "/desk/logout", "DESK:", every(303, none=303, monitor=403)),
    # Each caller signs in with its own account (no session: a wrong
    # one); after the rows that sign in again, as failures delay those.
    ("POST", "/desk/login", "DESK:SIGNIN", every(303, none=401, monitor=403)),
    ("GET", "/desk/", None, every(200, none=303, desk=303, admin=303,
                                 monitor=403)),
    ("GET", "/desk/escalation", None, every(403, none=303, desk=200, monitor=403)),
    # The post of the user's own body: every body (the ministry's too)
    # sees its own letters; the administrator none.
    ("GET", "/desk/post", None,
     every(200, none=303, admin=403, monitor=403)),
    ("GET", "/desk/post/letters/{N}", None,
     every(200, none=303, reg_other=403, head_other=403, desk=403,
           admin=403, monitor=403)),
    ("POST", "/desk/post/letters/{N}/posted", "DESK:tracking=RR123",
     every(409, none=303, reg_other=403, head_other=403, city=403,
           desk=403, admin=403, monitor=403)),
    ("GET", "/desk/post/register?date={D0}&format=csv", None,
     every(200, none=303, admin=403, monitor=403)),
    ("GET", "/desk/complaints/{A}", None,
     every(200, none=303, reg_other=403, head_other=403, desk=403,
           admin=403, monitor=403)),
    ("POST", "/desk/complaints/{A}/{NOTE}", "DESK:text=Access+check.",
     every(303, none=303, reg_other=403, head_other=403, city=403,
           desk=403, admin=403, monitor=403)),
    ("GET", "/desk/register", None, every(200, none=303, monitor=403)),
    ("POST", "/desk/register", "DESK:REGISTER",
     every(201, none=303, admin=403, monitor=403)),
    ("POST", "/desk/talons/{T}/slip", "DESK:",
     every(200, none=303, reg_other=403, head_other=403, desk=403,
           admin=403, monitor=403)),
    ("POST", "/desk/talons/{T}/receipt", "DESK:",
     every(200, none=303, reg_other=403, head_other=403, desk=403,
           admin=403, monitor=403)),
    ("GET", "/desk/admin", None, every(403, none=303, admin=200, monitor=403)),
    ("POST", "/desk/admin/users", "DESK:ACCOUNT",
     every(403, none=303, admin=303, monitor=403)),
    ("POST", "/desk/admin/users/{U}/{DISABLE}", "DESK:",
     every(403, none=303, admin=303, monitor=403)),
    # The reports on the desk: the API's scope, as pages and files.
    *[("GET", "/desk/reports%s%sbody=almaty-alatau" % (path, sep), None,
       every(200, none=303, reg_other=403, head_other=403, monitor=403))
      for path, sep in (("", "?"), ("/complaints?figure=received", "&"),
                        ("/chart/{SVG}", "?"),
                        ("/download?format=xlsx", "&"))],
    ("GET", "/desk.css", None, {c: 200 for c in CALLERS}),
    # Public, limited per address; filing needs mail, which this
    # daemon has not (test_filing.py files with it).
    ("POST", "/api/v1/drafts", "<draft/>", {c: 503 for c in CALLERS}),
    ("POST", "/api/v1/drafts/confirm", "<confirm><token>%s</token>"
     "</confirm>" % ("0" * 64), {c: 503 for c in CALLERS}),
    # The filing form: open to all; its POST comes from its own page
    # (Origin) or is refused before its body is read.
    ("GET", "/file", None, {c: 200 for c in CALLERS}),
    ("POST", "/file", "FORM", {c: 403 for c in CALLERS}),
    ("GET", "/file/confirm?token=%s" % ("0" * 64), None,
     {c: 200 for c in CALLERS}),
    ("POST", "/file/confirm", "FORM", {c: 503 for c in CALLERS}),
    # The form's number without an access code: no slip for anyone.
    ("POST", "/file/slip", "FORM", {c: 400 for c in CALLERS}),
    # Open311: public, limited per address; a partner's key is a POST
    # parameter (test_open311.py), never the Authorization header, so
    # a form without the fields is 400 for everyone.
    ("GET", "/open311/v2/{SERVICES}", None, {c: 200 for c in CALLERS}),
    ("GET", "/open311/v2/{SERVICE}/{ELEVEN}", None,
     {c: 200 for c in CALLERS}),
    ("POST", "/open311/v2/{REQUESTS}", "FORM", {c: 400 for c in CALLERS}),
    # complaints-mailgate's door: the loopback (these callers all are)
    # takes the mail; a delivery again is stored once, answered 201.
    ("POST", "/api/v1/mail", "<mail><body>almaty-alatau</body>"
     "<message-id>access-1@example.kz</message-id><from>a@example.kz"
     "</from><text>Access check.</text></mail>",
     {c: 201 for c in CALLERS}),
    ("GET", "/api/v1/mail?body=almaty-alatau", None,
     every(200, reg_other=403, head_other=403, desk=403, admin=403,
           monitor=403)),
    # No such mail: 404 for staff, 401 without a session.
    ("POST", "/api/v1/mail/{M}/register", "<complete><service>11"
     "</service><institution>school-10</institution><surname>A</surname>"
     "<name>B</name></complete>", every(404, monitor=403)),
]

# The register form's fields, as a registrar fills them in.
DESK_REGISTER = {
    "service": "5", "subject": "№ 143 мектеп-гимназия", "channel": "post",
    "surname": "Әбілқасымова", "name": "Әйгерім",
    "address": "Алматы қ., Әл-Фараби даңғылы, 71", "signed": "1",
    "reasons": "Баламды қабылдамады.", "demands": "Қабылдауды сұраймын.",
    "confirm": "1",
}

ROUTE_RE = re.compile(r'\{\s*"([A-Z]+)",\s*"([^"]+)",\s*'
                      r'(PUBLIC|LIMITED|STAFF|DESK),\s*route_\w+,')


def pattern_of(path):
    """/api/v1/complaints/{A}/actions -> /api/v1/complaints/*/actions"""
    bare = path.split("?")[0]
    return re.sub(r"\{[A-Z]+\}", "*", bare)


class AccessTableTest(DaemonTestCase):
    # No delivery worker: notifications stay pending, as the table says.
    CONF = {"lookup_burst": "100000", "notify_interval": "0"}

    def setUp(self):
        d = self.daemon
        self.tok = {c: d.account(*ACCOUNTS[c]) for c in ACCOUNTS}
        r = d.post_xml("/api/v1/complaints", signed_in_doc(),
                       headers=self.auth("reg"), auth=False)
        self.assertEqual(r.status, 201, r)
        self.talon = text_of(r.xml(), "number")
        self.year = text_of(r.xml(), "accepted-at")[:4]
        self.cid = d.complaint_id(self.talon)
        self.n = getattr(type(self), "n", 0)
        # A notification of the body: an extension of a second one.
        r = d.post_xml("/api/v1/complaints", signed_in_doc(),
                       headers=self.auth("reg"), auth=False)
        other = text_of(r.xml(), "number")
        for act in [ASSIGN, "<extend><reason>Тексеру</reason></extend>"]:
            r = d.post_xml("/api/v1/complaints/%s/actions" % other, act,
                           headers=self.auth("head"), auth=False)
            self.assertEqual(r.status, 200, r)
        self.nid = d.query("SELECT max(id) FROM notification")[0][0]
        self.today = d.query("SELECT date('now', '+5 hours')")[0][0]

    def auth(self, caller):
        if caller == "none":
            return {}
        return {"Authorization": "Bearer " + self.tok[caller]}

    def fresh(self, caller):
        """A session of its own, for the rows that end it."""
        role, body = ACCOUNTS[caller]
        login = "admin" if role == "admin" else "%s.%s" % (role, body)
        return self.daemon.sign_in(login)

    def test_every_rule_names_every_caller(self):
        for method, path, _, want in ROUTES:
            self.assertEqual(set(want), set(CALLERS), "%s %s: a rule for "
                             "every kind of caller" % (method, path))

    def test_every_route_has_a_rule(self):
        with open(os.path.join(REPO, "daemon", "routes.c"),
                  encoding="utf-8") as f:
            served = set((m, p) for m, p, _ in ROUTE_RE.findall(f.read()))
        self.assertTrue(served, "no routes found in daemon/routes.c")
        ruled = set((m, pattern_of(p)) for m, p, _, _ in ROUTES)
        missing = served - ruled
        self.assertEqual(missing, set(), "routes without an access rule "
                         "in tests/integration/test_access.py")
        self.assertEqual(ruled - served, set(), "rules for routes that "
                         "are not served")

    def expand(self, caller, method, path, body):
        d = self.daemon
        headers = self.auth(caller)
        ctype = "application/xml; charset=utf-8"
        type(self).n = getattr(type(self), "n", 0) + 1
        n = type(self).n
        if "{TOK}" in path:
            tok = self.tok.get(caller)
            if tok is None:
                path = path.replace("{TOK}", "1")
            else:
                r = d.post_xml("/api/v1/tokens", "<token-request><label>x"
                               "</label></token-request>",
                               headers={"Authorization": "Bearer " + tok})
                path = path.replace("{TOK}", text_of(r.xml(), "id"))
        if "{U}" in path:
            login = "victim%d" % n
            d.post_xml("/api/v1/users", self.account_doc(login), headers={
                "Authorization": "Bearer " + self.tok["admin"]})
            path = path.replace("{U}", login)
        if method == "DELETE" and path == "/api/v1/session" and \
                caller != "none":
            headers = {"Authorization": "Bearer " + self.fresh(caller)}
        path = (path.replace("{A}", str(self.cid))
                .replace("{T}", self.talon).replace("{Y}", self.year)
                .replace("{D}", "school-14").replace("{M}", "999999")
                .replace("{N}", str(self.nid))
                .replace("{D0}", self.today).replace("{NOTE}", "note")
                .replace("{SVG}", "monthly.svg")
                .replace("{SERVICES}", "services.xml")
                .replace("{SERVICE}", "services")
                .replace("{ELEVEN}", "11.json")
                .replace("{REQUESTS}", "requests.xml")
                .replace("{DISABLE}", "disable"))
        if path.startswith("/desk"):
            path, body, headers = self.desk(caller, method, path, body, n)
            return path, body and body.encode("utf-8"), headers
        if body == "REGISTER":
            body = signed_in_doc()
        elif body == "SIGNIN":
            body = ("<sign-in><login>nobody%d</login><password>wrong-"
                    "password</password></sign-in>" % n)
        elif body == "ACCOUNT":
            body = self.account_doc("new%d" % n)
        elif body == "FORM":
            body = "number=%s&lang=en" % self.talon
            ctype = "application/x-www-form-urlencoded"
        if body is not None:
            headers["Content-Type"] = ctype
            body = body.encode("utf-8")
        return path, body, headers

    def desk(self, caller, method, path, body, n):
        """A desk request as the caller's browser sends it: the session
        cookie, and for a form its CSRF token and the Origin."""
        d = self.daemon
        tok = self.tok.get(caller)
        if path == "/desk/logout" and tok is not None:
            tok = self.fresh(caller)
        headers = {"Cookie": "desk=" + tok} if tok else {}
        if body is None:
            return path, None, headers
        fields = {}
        if path == "/desk/login" or tok is None:
            r = d.request("GET", "/desk/login", auth=False)
            cookie = r.header("Set-Cookie").split(";")[0]
            headers["Cookie"] = "; ".join(
                [c for c in [headers.get("Cookie"), cookie] if c])
        else:
            r = d.request("GET", "/desk/register", headers=headers,
                          auth=False)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text)
        fields["csrf"] = m.group(1) if m else ""
        spec = body[len("DESK:"):].replace("{n}", str(n))
        if spec == "REGISTER":
            fields.update(DESK_REGISTER)
        elif spec == "ACCOUNT":
            fields.update(login="desknew%d" % n, surname="Тест",
                          given="Тест", position="тест",
                          body="almaty-turksib", role="registrar",
                          password=PASSWORD)
        elif spec == "SIGNIN":
            role, body = ACCOUNTS.get(caller, ("nobody", "x"))
            fields["login"] = "admin" if role == "admin" else \
                "%s.%s" % (role, body)
            fields["password"] = PASSWORD
        elif spec:
            fields.update(urllib.parse.parse_qsl(spec))
        if "/slip" in path:
            fields["code"] = ""
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = d.url()
        return path, urllib.parse.urlencode(fields), headers

    @staticmethod
    def account_doc(login):
        return ("<account><login>%s</login><name>Тест</name><position>тест"
                "</position><body>almaty-turksib</body><role>registrar"
                "</role><password>%s</password></account>"
                % (login, PASSWORD))

    def test_table(self):
        for method, path, body, want in ROUTES:
            for caller in CALLERS:
                with self.subTest(route="%s %s" % (method, path),
                                  caller=caller):
                    p, b, h = self.expand(caller, method, path, body)
                    r = self.daemon.request(method, p, b, h, auth=False)
                    self.assertEqual(r.status, want[caller], r)
                    if r.status >= 400 and p.startswith("/api/"):
                        self.assertValid(r.body, "error")

    def test_other_body_through_every_identifier(self):
        """A district may not reach another district's complaint by id,
        by talon, by journal, by list or through a case link."""
        d = self.daemon
        h = self.auth("reg_other")
        for path in ["/api/v1/complaints/%d" % self.cid,
                     "/api/v1/complaints/%s" % self.talon,
                     "/api/v1/complaints/%s" % self.talon.replace("-", ""),
                     "/api/v1/talons/%s/talon" % self.talon,
                     "/api/v1/journal?body=almaty-alatau&year=%s" % self.year,
                     "/api/v1/complaints?body=almaty-alatau"]:
            with self.subTest(path=path):
                r = d.request("GET", path, headers=h, auth=False)
                self.assertEqual(r.status, 403, r)
                self.assertNotIn(b"\xd0\x90\xd0\xb9", r.body)
        for ref in [str(self.cid), self.talon]:
            r = d.post_xml("/api/v1/complaints/%s/actions" % ref, NOTE,
                           headers=h, auth=False)
            self.assertEqual(r.status, 403, r)
        # Forwarded to medeu: medeu sees its own entry, not alatau's.
        r = d.post_xml("/api/v1/complaints/%d/actions" % self.cid,
                       "<forward><to>almaty-medeu</to><reason>Ол "
                       "Медеуге қатысты</reason></forward>",
                       headers=self.auth("head"), auth=False)
        self.assertEqual(r.status, 200, r)
        new = text_of(r.xml(), "new-talon/number")
        r = d.request("GET", "/api/v1/complaints/%s" % new, headers=h,
                      auth=False)
        self.assertEqual(r.status, 200, r)
        r = d.request("GET", "/api/v1/complaints/%d" % self.cid, headers=h,
                      auth=False)
        self.assertEqual(r.status, 403, r)


class SessionTest(unittest.TestCase):
    """Expiry, idle timeout, revocation, disabled accounts, brute force."""

    def setUp(self):
        self.d = Daemon({"session_idle": "5", "session_hours": "1"},
                        name="SessionTest")
        self.d.start()

    def tearDown(self):
        self.d.cleanup()

    def me(self, token):
        return self.d.request("GET", "/api/v1/session", headers={
            "Authorization": "Bearer " + token}, auth=False).status

    def test_idle_and_expiry(self):
        tok = self.d.account("head", "almaty-alatau")
        self.assertEqual(self.me(tok), 200)
        api = self.d.post_xml("/api/v1/tokens", "<token-request><label>"
                              "cron</label><days>30</days></token-request>",
                              headers={"Authorization": "Bearer " + tok},
                              auth=False)
        self.assertEqual(api.status, 201, api)
        api = text_of(api.xml(), "token")
        # Four minutes without use: still in; six: the session has ended.
        self.d.stop()
        self.d.extra["test_clock_offset"] = 4 * 60
        self.d.start()
        self.assertEqual(self.me(tok), 200)
        self.d.stop()
        self.d.extra["test_clock_offset"] = 4 * 60 + 6 * 60
        self.d.start()
        self.assertEqual(self.me(tok), 401)
        # An API token has no idle timeout, but it has an expiry.
        self.assertEqual(self.me(api), 200)
        self.d.stop()
        self.d.extra["test_clock_offset"] = 31 * 86400
        self.d.start()
        self.assertEqual(self.me(api), 401)

    def test_session_lasts_at_most_session_hours(self):
        tok = self.d.account("head", "almaty-alatau")
        for minutes in range(4, 64, 4):     # used every four minutes
            self.d.stop()
            self.d.extra["test_clock_offset"] = minutes * 60
            self.d.start()
            r = self.me(tok)
            if minutes < 60:
                self.assertEqual(r, 200, minutes)
        self.assertEqual(r, 401)

    def test_revocation_and_disable(self):
        d = self.d
        tok = d.account("registrar", "almaty-medeu")
        r = d.post_xml("/api/v1/tokens", "<token-request><label>x</label>"
                       "</token-request>", headers={
                           "Authorization": "Bearer " + tok}, auth=False)
        api, api_id = text_of(r.xml(), "token"), text_of(r.xml(), "id")
        self.assertEqual(self.me(api), 200)
        r = d.request("DELETE", "/api/v1/tokens/%s" % api, headers={
            "Authorization": "Bearer " + tok}, auth=False)
        self.assertEqual(r.status, 404)     # by id, not by the token
        r = d.request("DELETE", "/api/v1/tokens/%s" % api_id, headers={
            "Authorization": "Bearer " + tok}, auth=False)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.me(api), 401)
        self.assertEqual(self.me(tok), 200)
        # Disabling the account ends its sessions and tokens.
        r = d.request("POST", "/api/v1/users/registrar.almaty-medeu/disable",
                      headers={"Authorization": "Bearer " +
                               d.account("admin", "mop")}, auth=False)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.me(tok), 401)
        r = d.post_xml("/api/v1/session", "<sign-in><login>registrar."
                       "almaty-medeu</login><password>%s</password>"
                       "</sign-in>" % PASSWORD, auth=False)
        self.assertEqual(r.status, 401, r)
        # The administrator's acts are recorded.
        rows = d.query("SELECT actor, action, target FROM staff_event "
                       "WHERE action = 'disable'")
        self.assertEqual(rows, [("admin", "disable",
                                 "registrar.almaty-medeu")])

    def test_brute_force_delay_grows(self):
        d = self.d
        d.account("head", "almaty-alatau")

        def attempt(pw, login="head.almaty-alatau"):
            return d.post_xml("/api/v1/session", "<sign-in><login>%s</login>"
                              "<password>%s</password></sign-in>"
                              % (login, pw), auth=False)

        r = attempt("wrong-1")
        self.assertEqual(r.status, 401)
        r = attempt("wrong-2")
        self.assertEqual(r.status, 429, r)
        first = int(r.header("Retry-After"))
        self.assertGreaterEqual(first, 1)
        time.sleep(first + 0.1)
        self.assertEqual(attempt("wrong-3").status, 401)
        r = attempt(PASSWORD)       # even the right one waits now
        self.assertEqual(r.status, 429, r)
        second = int(r.header("Retry-After"))
        self.assertGreater(second, first - 1)   # it grows
        time.sleep(second + 0.1)
        self.assertEqual(attempt(PASSWORD).status, 201)
        # Guessing across logins: the address waits only after ten
        # failures (two above, eight here), so one mistyped password does
        # not lock a whole office out; the eleventh starts the wait.
        for i in range(8):
            self.assertEqual(attempt("x", login="nobody%d" % i).status, 401)
        self.assertEqual(attempt("x", login="nobody-else").status, 401)
        r = attempt("x", login="nobody-more")
        self.assertEqual(r.status, 429, r)
        # No password reaches the log.
        self.assertNotIn("wrong-1", d.log())
        self.assertNotIn(PASSWORD, d.log())

    def sign_in_from(self, address, login, pw):
        """A sign-in sent from a loopback address of our choice."""
        conn = http.client.HTTPConnection("127.0.0.1", self.d.port,
                                          timeout=30,
                                          source_address=(address, 0))
        try:
            return self.d.post_xml("/api/v1/session", "<sign-in><login>%s"
                                   "</login><password>%s</password>"
                                   "</sign-in>" % (login, pw), auth=False,
                                   conn=conn)
        finally:
            conn.close()

    def test_lockout_from_one_address_spares_the_owner(self):
        """A guesser at 127.0.0.2 keeps the login waiting there; its owner
        at 127.0.0.3 signs in with the right password at once."""
        login = "head.almaty-alatau"
        self.d.account("head", "almaty-alatau")
        self.assertEqual(self.sign_in_from("127.0.0.2", login, "x1").status,
                         401)
        for i in range(5):
            r = self.sign_in_from("127.0.0.2", login, "x%d" % i)
            self.assertEqual(r.status, 429, r)
        r = self.sign_in_from("127.0.0.3", login, PASSWORD)
        self.assertEqual(r.status, 201, r)
        # Still waiting at the guesser's address, right password or not.
        r = self.sign_in_from("127.0.0.2", login, PASSWORD)
        self.assertEqual(r.status, 429, r)

    def test_guesses_sent_at_once_meet_one_check(self):
        """Eight guesses at once from one address for a fresh login: the
        check and the count are one step, so one reaches the password
        check (401) and the rest wait (429)."""
        login = "registrar.almaty-alatau"
        self.d.account("registrar", "almaty-alatau")
        barrier = threading.Barrier(8)
        out = []

        def guess(i):
            conn = http.client.HTTPConnection("127.0.0.1", self.d.port,
                                              timeout=30,
                                              source_address=("127.0.0.4",
                                                              0))
            conn.connect()
            barrier.wait()
            r = self.d.post_xml("/api/v1/session", "<sign-in><login>%s"
                                "</login><password>guess-%d</password>"
                                "</sign-in>" % (login, i), auth=False,
                                conn=conn)
            conn.close()
            out.append(r.status)

        ts = [threading.Thread(target=guess, args=(i,)) for i in range(8)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(sorted(out), [401] + [429] * 7)


class TlsTest(unittest.TestCase):
    """The daemon serves HTTPS itself with a certificate and key."""

    def setUp(self):
        self.d = Daemon(name="TlsTest")
        tmp = self.d.tmp
        self.cert = os.path.join(tmp, "cert.pem")
        key = os.path.join(tmp, "key.pem")
        p = subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", key, "-out", self.cert, "-days", "2", "-subj",
             "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            capture_output=True, timeout=60)
        if p.returncode != 0:
            self.skipTest("openssl cannot make a certificate: %s" % p.stderr)
        self.d.extra.update({"tls_cert": self.cert, "tls_key": key})
        self.d.tls_context = ssl.create_default_context(cafile=self.cert)

    def tearDown(self):
        self.d.cleanup()

    def test_https(self):
        self.d.start()
        ctx = ssl.create_default_context(cafile=self.cert)
        con = http.client.HTTPSConnection("127.0.0.1", self.d.port,
                                          context=ctx, timeout=10)
        con.request("GET", "/healthz")
        r = con.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.read(), b"ok\n")
        self.assertIn(con.sock.version(), ("TLSv1.2", "TLSv1.3"))
        con.close()
        # Plain HTTP on the TLS port gets no answer.
        plain = http.client.HTTPConnection("127.0.0.1", self.d.port,
                                           timeout=5)
        with self.assertRaises((OSError, http.client.HTTPException)):
            plain.request("GET", "/healthz")
            plain.getresponse().read()
        # A client that does not trust the certificate refuses it.
        con = http.client.HTTPSConnection(
            "127.0.0.1", self.d.port, timeout=10,
            context=ssl.create_default_context())
        with self.assertRaises(ssl.SSLError):
            con.request("GET", "/healthz")
        con.close()

    def test_desk_cookies_under_tls(self):
        """Under TLS the desk's cookies are Secure with the __Host-
        prefix, and a form must come from the https origin."""
        self.d.start()
        self.d.account("registrar", "almaty-alatau")
        r = self.d.request("GET", "/desk/login", auth=False)
        self.assertEqual(r.status, 200, r)
        login_cookie = r.header("Set-Cookie")
        self.assertRegex(login_cookie, r"^__Host-desk-login=[0-9a-f]{32}; "
                         r"Path=/; HttpOnly; SameSite=Strict; Secure$")
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text).group(1)
        form = urllib.parse.urlencode({
            "csrf": csrf, "login": "registrar.almaty-alatau",
            "password": PASSWORD})
        h = {"Content-Type": "application/x-www-form-urlencoded",
             "Cookie": login_cookie.split(";")[0]}
        # The http origin of the same host and port is another origin.
        r = self.d.request("POST", "/desk/login", form, dict(
            h, Origin="http://127.0.0.1:%d" % self.d.port), auth=False)
        self.assertEqual(r.status, 403, r)
        r = self.d.request("POST", "/desk/login", form, dict(
            h, Origin="https://127.0.0.1:%d" % self.d.port), auth=False)
        self.assertEqual(r.status, 303, r)
        self.assertRegex(r.header("Set-Cookie"), r"^__Host-desk=[^;]+; "
                         r"Path=/; HttpOnly; SameSite=Strict; Secure$")
        # The cookie without its prefix is not the session.
        token = r.header("Set-Cookie").split(";")[0].split("=", 1)[1]
        r = self.d.request("GET", "/desk/", headers={
            "Cookie": "desk=" + token}, auth=False)
        self.assertEqual(r.status, 303, r)
        r = self.d.request("GET", "/desk/", headers={
            "Cookie": "__Host-desk=" + token}, auth=False)
        self.assertEqual(r.status, 200, r)

    def test_bad_key_stops_start(self):
        with open(os.path.join(self.d.tmp, "bad.pem"), "w") as f:
            f.write("not a key\n")
        self.d.extra["tls_key"] = os.path.join(self.d.tmp, "bad.pem")
        with self.assertRaises(Exception):
            self.d.start()
        self.assertIn("not a PEM file", self.d.log())
