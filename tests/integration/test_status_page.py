"""The citizens' status page over HTTP: the form, a talon's status, the
POSTed form with the access code, the error pages, the headers every page
carries, no personal data, the lookup limit; then the same page in a real
browser (tests/browser/status.test.mjs: Debian's chromium driven by
playwright-core), skipped with a message when node or chromium is
missing."""

import fcntl
import html.parser
import os
import re
import shutil
import subprocess
import unittest
import urllib.parse

from harness import (REPO, DaemonTestCase, catalogue, PerTestDaemonCase, complaint_xml,
                     damm, single_digit_typos, talon_format, text_of)

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HTML_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
FORM = "application/x-www-form-urlencoded"

# What the complaint holds that the page must never show.
APPLICANT = {
    "surname": "Сейітжанова", "name": "Гүлмира", "patronymic": "Ерланқызы",
    "address": "Алматы қ., Сайран ш.а., 14 үй, 88 пәтер",
    "email": "gulmira.seitzhanova@example.kz", "phone": "+7 705 111-22-33",
    "reasons": "Қызымды балабақшаға кезекке тұрғызудан бас тартты.",
    "demands": "Кезекке қоюды талап етемін.",
    "official": "Меңгеруші Тоқтарова Р.Н.",
}

BROWSER_DIR = os.path.join(REPO, "tests", "browser")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


T = {lang: catalogue(lang) for lang in ("kk", "ru", "en")}


def attributes(page):
    """Every (element, attribute, value) of a page, as a browser reads
    them."""
    class P(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            self.found += [(tag, k, v) for k, v in attrs]

    p = P()
    p.feed(page)
    return p.found


def act(d, talon, doc):
    r = d.post_xml("/api/v1/complaints/%s/actions" % talon, doc)
    if r.status != 200:
        raise AssertionError("action on %s: %r" % (talon, r))
    return r


def decide_and_answer(d, talon, outcome="partly-upheld", channel="post"):
    act(d, talon, "<assign><assignee>Нұрланова Айжан</assignee></assign>")
    act(d, talon, "<decide><outcome>%s</outcome><reasoning>Шағымның бір "
        "бөлігі расталды.</reasoning></decide>" % outcome)
    act(d, talon, "<answer><channel>%s</channel></answer>" % channel)


def register(d, **fields):
    r = d.register(complaint_xml(**dict(APPLICANT, **fields)))
    if r.status != 201:
        raise AssertionError("register: %r" % r)
    x = r.xml()
    return text_of(x, "number"), text_of(x, "access-code")


def other_talon(number):
    """A well-formed number with a good check digit that is not this."""
    d = number.replace("-", "")
    body = d[:4] + ("%09d" % ((int(d[4:13]) + 1) % 10**9))
    return talon_format(body + str(damm(body)))


class PageCase:
    def assertPage(self, r, status, lang=None):
        self.assertEqual(r.status, status, r)
        for k, v in HTML_HEADERS.items():
            self.assertEqual(r.header(k), v, "%s of %r" % (k, r))
        self.assertTrue(r.text.startswith("<!DOCTYPE html>"), r)
        if lang:
            self.assertIn('<html lang="%s"' % lang, r.text)
        self.assertNotIn("<script", r.text)
        self.assertNotIn("style=", r.text)
        return r.text

    def post_form(self, d, fields, content_type=FORM, headers=None):
        body = urllib.parse.urlencode(fields).encode("utf-8") \
            if isinstance(fields, dict) else fields
        h = {"Content-Type": content_type} if content_type else {}
        h.update(headers or {})
        return d.request("POST", "/status", body, h, auth=False)

    def alert(self, html):
        m = re.search(r'<div class="message error" id="error" '
                      r'role="alert">\s*<h2>([^<]*)</h2>', html)
        self.assertIsNotNone(m, "no alert in %s" % html[:3000])
        return m.group(1)


class StatusPageTest(PageCase, DaemonTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.talon, cls.code = register(cls.daemon)
        cls.decided, cls.decided_code = register(
            cls.daemon, surname="Тоқтарбекова", body="almaty-medeu")
        decide_and_answer(cls.daemon, cls.decided)

    def get(self, path, **headers):
        return self.daemon.request("GET", path, headers=headers, auth=False)

    # --- The form ------------------------------------------------------------

    def test_form(self):
        html = self.assertPage(self.get("/status"), 200, "kk")
        self.assertIn('<form class="lookup" method="post" '
                      'action="/status">', html)
        self.assertIn('<label for="number">%s</label>'
                      % T["kk"]["form.number"], html)
        self.assertIn('<label for="code">', html)
        self.assertRegex(html, r'<input id="number" name="number" '
                         r'type="text" inputmode="numeric" '
                         r'autocomplete="off"[^>]* pattern="[^"]+"')
        self.assertIn('<meta name="viewport" content="width=device-width, '
                      'initial-scale=1">', html)
        self.assertIn('<link rel="stylesheet" href="/status.css">', html)
        for lang in ("kk", "ru", "en"):
            self.assertIn('href="/status?lang=%s"' % lang, html)
        self.assertNotIn('role="alert"', html)

    def test_language(self):
        cases = [("", {}, "kk"),
                 ("?lang=ru", {}, "ru"),
                 ("?lang=en", {"Accept-Language": "ru"}, "en"),
                 ("", {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}, "ru"),
                 ("", {"Accept-Language": "de, en;q=0.5"}, "en"),
                 ("", {"Accept-Language": "kk-KZ, ru;q=0.9"}, "kk"),
                 ("?lang=xx", {"Accept-Language": "fr"}, "kk")]
        for query, headers, lang in cases:
            with self.subTest(query=query, headers=headers):
                r = self.get("/status" + query, **headers)
                html = self.assertPage(r, 200, lang)
                self.assertEqual(r.header("Content-Language"), lang)
                self.assertIn("<h1>%s</h1>" % T[lang]["site.title"], html)
                self.assertIn('<input type="hidden" name="lang" '
                              'value="%s">' % lang, html)

    def test_stylesheet(self):
        r = self.get("/status.css")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.header("Content-Type"), "text/css; charset=utf-8")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        with open(os.path.join(REPO, "web", "status.css"), "rb") as f:
            self.assertEqual(r.body, f.read())

    def test_head_and_methods(self):
        r = self.daemon.request("HEAD", "/status", auth=False)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Security-Policy"), CSP)
        r = self.daemon.request("DELETE", "/status", auth=False)
        self.assertEqual(r.status, 405)
        self.assertIn("POST", r.header("Allow"))

    # --- A talon's status -----------------------------------------------------

    def test_status_by_url(self):
        for lang in ("kk", "ru", "en"):
            with self.subTest(lang=lang):
                html = self.assertPage(self.get(
                    "/status/%s?lang=%s" % (self.talon, lang)), 200, lang)
                self.assertIn('id="state">%s</p>'
                              % T[lang]["state.registered"], html)
                self.assertIn(T[lang]["status.heading"].replace(
                    "{number}", self.talon), html)
                self.assertIn(T[lang]["status.code-hint"], html)
                self.assertNotIn('id="decision"', html)
                # The links keep the number for the other languages.
                self.assertIn('href="/status/%s?lang=ru"' % self.talon,
                              html)
        # Typed without hyphens or with spaces: the same talon.
        for typed in (self.talon.replace("-", ""),
                      self.talon.replace("-", " ")):
            r = self.get("/status/%s?lang=en" % urllib.parse.quote(typed))
            self.assertIn(">Registered</p>", self.assertPage(r, 200, "en"))

    def test_no_personal_data(self):
        pages = [self.get("/status/%s" % self.talon),
                 self.post_form(self.daemon, {"number": self.decided,
                                              "code": self.decided_code,
                                              "lang": "ru"})]
        for r in pages:
            html = self.assertPage(r, 200)
            for v in list(APPLICANT.values()) + [
                    "Тоқтарбекова", "Жұмабекова", self.code, self.decided_code]:
                for part in re.split(r"[ ,.]+", v):
                    if len(part) >= 6 and part != "Алматы":
                        self.assertNotIn(part, html, "the page shows %r"
                                         % part)

    def test_mistyped_number(self):
        for typo in single_digit_typos(self.talon)[:20]:
            with self.subTest(typo=typo):
                r = self.get("/status/%s?lang=en" % typo)
                html = self.assertPage(r, 400, "en")
                self.assertEqual(self.alert(html), "Check the digits")
                self.assertIn('value="%s"' % typo, html)
                self.assertIn('aria-invalid="true"', html)
                self.assertNotIn('id="state"', html)

    def test_malformed_and_unknown(self):
        r = self.get("/status/12345?lang=ru")
        self.assertEqual(self.alert(self.assertPage(r, 400, "ru")),
                         T["ru"]["error.malformed-talon-number.title"])
        unknown = other_talon(self.talon)
        r = self.get("/status/%s?lang=kk" % unknown)
        html = self.assertPage(r, 404, "kk")
        self.assertEqual(self.alert(html),
                         T["kk"]["error.talon-not-found.title"])
        self.assertIn(unknown, html)

    def test_hostile_number(self):
        # ("/" would split the path: such a number is a 404 of the API.)
        for raw in ["<script>alert(1)", "\"><img src=x onerror=alert(1)>",
                    "'onmouseover='x", "&lt;b&gt;"]:
            with self.subTest(raw=raw):
                r = self.get("/status/%s?lang=en" % urllib.parse.quote(
                    raw, safe=""))
                html = self.assertPage(r, 400, "en")
                self.assertNotIn("<img", html)
                self.assertNotIn("<script", html)
                # What was typed is the number field's value and no more:
                # no element gains an attribute from it.
                attrs = attributes(html)
                self.assertIn(("input", "value", raw), attrs)
                self.assertFalse([a for a in attrs
                                  if a[1].startswith("on")], attrs)
        r = self.post_form(self.daemon, {"number": "<script>x</script>"})
        html = self.assertPage(r, 400)
        self.assertIn('value="&lt;script&gt;x&lt;/script&gt;"', html)

    # --- The POSTed form ------------------------------------------------------

    def test_post_number(self):
        r = self.post_form(self.daemon, {"number": self.talon, "code": "",
                                         "lang": "en"})
        html = self.assertPage(r, 200, "en")
        self.assertIn('id="state">Registered</p>', html)
        self.assertIn(T["en"]["status.code-hint"], html)

    def test_post_with_code(self):
        r = self.post_form(self.daemon, {"number": self.talon,
                                         "code": self.code, "lang": "en"})
        html = self.assertPage(r, 200, "en")
        self.assertIn("There is no decision yet.", html)
        self.assertNotIn(self.code, html)
        # Lower case and hyphens, as people type it.
        code = self.decided_code.lower()
        code = code[:4] + "-" + code[4:]
        for lang in ("kk", "ru", "en"):
            with self.subTest(lang=lang):
                r = self.post_form(self.daemon, {"number": self.decided,
                                                 "code": code,
                                                 "lang": lang})
                html = self.assertPage(r, 200, lang)
                self.assertIn('id="state">%s</p>'
                              % T[lang]["state.answered"], html)
                self.assertIn('<dd class="outcome outcome-partly-upheld">'
                              '%s</dd>' % T[lang]["outcome.partly-upheld"],
                              html)
                self.assertIn(T[lang]["status.answered-on"], html)
                self.assertIn(T[lang]["channel.post"], html)
                # Switching language keeps the number, never the code.
                self.assertNotIn("code=", html)
        # The same talon without the code: no outcome.
        r = self.post_form(self.daemon, {"number": self.decided,
                                         "lang": "en"})
        html = self.assertPage(r, 200, "en")
        self.assertNotIn("Partly upheld", html)
        self.assertNotIn('id="decision"', html)

    def test_post_wrong_code(self):
        wrong = ("B" if self.code[0] == "A" else "A") + self.code[1:]
        for code in (wrong, "nonsense"):
            with self.subTest(code=code):
                r = self.post_form(self.daemon, {"number": self.decided,
                                                 "code": code,
                                                 "lang": "en"})
                html = self.assertPage(r, 403, "en")
                self.assertEqual(self.alert(html),
                                 "The access code does not match")
                self.assertNotIn("Partly upheld", html)
                self.assertNotIn('id="state"', html)

    def test_post_errors(self):
        r = self.post_form(self.daemon, {"number": "  ", "lang": "en"})
        self.assertEqual(self.alert(self.assertPage(r, 400, "en")),
                         "Enter the talon number")
        r = self.post_form(self.daemon, {"lang": "ru"})
        self.assertEqual(self.alert(self.assertPage(r, 400, "ru")),
                         T["ru"]["error.missing-talon-number.title"])
        typo = single_digit_typos(self.talon)[5]
        r = self.post_form(self.daemon, {"number": typo, "lang": "kk"})
        self.assertEqual(self.alert(self.assertPage(r, 400, "kk")),
                         T["kk"]["error.bad-check-digit.title"])
        r = self.post_form(self.daemon, {"number": "1" * 200, "lang": "en"})
        self.assertEqual(self.alert(self.assertPage(r, 400, "en")),
                         "This is not a talon number")
        # Fields the form does not have are ignored.
        r = self.post_form(self.daemon, {"number": self.talon,
                                         "evil": "<x>", "lang": "en"})
        self.assertPage(r, 200, "en")
        # The form's lang wins over Accept-Language.
        r = self.post_form(self.daemon, {"number": self.talon, "lang": "ru"},
                           headers={"Accept-Language": "en"})
        self.assertPage(r, 200, "ru")

    def test_post_content_type_and_size(self):
        r = self.post_form(self.daemon, "<status/>",
                           content_type="application/xml")
        self.assertEqual(r.status, 415, r)
        r = self.post_form(self.daemon, b"number=1", content_type=None)
        self.assertEqual(r.status, 415, r)
        r = self.post_form(self.daemon, b"--x\r\n", content_type="multipart/"
                           "form-data; boundary=x")
        self.assertEqual(r.status, 415, r)
        r = self.post_form(self.daemon, {"number": self.talon},
                           content_type=FORM + "; charset=UTF-8")
        self.assertPage(r, 200)
        r = self.post_form(self.daemon, {"number": self.talon,
                                         "pad": "x" * 8000})
        self.assertEqual(r.status, 413, r)

    def test_api_is_unchanged(self):
        r = self.get("/api/v1/talons/%s" % self.talon)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("Content-Type").startswith(
            "application/xml"))


class LookupLimitTest(PageCase, PerTestDaemonCase):
    """A daemon with lookup_burst = 3: the 4th lookup is 429."""

    def test_fourth_lookup_is_429(self):
        d = self.new_daemon({"lookup_burst": "3", "lookup_rate": "1"})
        talon, code = register(d)
        for i in range(3):
            r = d.request("GET", "/status/%s?lang=en" % talon, auth=False)
            self.assertPage(r, 200, "en")
        r = d.request("GET", "/status/%s?lang=en" % talon, auth=False)
        html = self.assertPage(r, 429, "en")
        wait = int(r.header("Retry-After"))
        self.assertGreaterEqual(wait, 1)
        self.assertEqual(self.alert(html), "Too many lookups")
        self.assertIn("come back in %d min" % ((wait + 59) // 60), html)
        self.assertIn('value="%s"' % talon, html)
        # The POSTed form counts too, and its page is in its language.
        r = self.post_form(d, {"number": talon, "code": code},
                           headers={"Accept-Language": "ru"})
        html = self.assertPage(r, 429, "ru")
        self.assertTrue(r.header("Retry-After"))
        self.assertEqual(self.alert(html),
                         T["ru"]["error.too-many-lookups.title"])
        # The form and the style are not lookups.
        self.assertPage(d.request("GET", "/status", auth=False), 200)
        r = d.request("GET", "/status.css", auth=False)
        self.assertEqual(r.status, 200)

    def test_post_counts(self):
        d = self.new_daemon({"lookup_burst": "3", "lookup_rate": "1"})
        talon, _ = register(d)
        for i in range(3):
            self.assertPage(self.post_form(d, {"number": talon}), 200)
        r = d.request("GET", "/status/%s" % talon, auth=False)
        self.assertPage(r, 429, "kk")
        self.assertTrue(r.header("Retry-After"))


# --- The browser --------------------------------------------------------------

def browser_missing():
    """Why the browser test cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not os.access(CHROMIUM, os.X_OK):
        return "%s is not installed (apt-get install chromium)" % CHROMIUM
    return None


def ensure_playwright():
    """Installs playwright-core and @axe-core/playwright into
    tests/browser/node_modules from the committed package-lock.json when
    one is missing; the reason it could not, or None.  Suites run in
    parallel processes (run.py -j) take turns: a lock on the folder."""
    fd = os.open(BROWSER_DIR, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return _ensure_playwright()
    finally:
        os.close(fd)


def _ensure_playwright():
    if all(os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", m))
           for m in ("playwright-core", "@axe-core/playwright")):
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (apt-get install npm)"
    p = subprocess.run([npm, "ci", "--prefix", BROWSER_DIR, "--no-audit",
                        "--no-fund"], cwd=REPO, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=600)
    if p.returncode != 0:
        return "npm ci --prefix tests/browser failed:\n%s" % \
            p.stdout.decode("utf-8", "replace")[-2000:]
    return None


def need_browser():
    """Skips the calling test class when the browser test cannot run
    here; under CI=true fails it instead.  In the sanitizers' pass
    (SANITIZE=1) the journeys are skipped: they run in the first pass,
    and the sanitized daemon is driven by every other test."""
    if os.environ.get("SANITIZE") == "1":
        raise unittest.SkipTest("browser journeys run in the first pass, "
                                "not under the sanitizers")
    why = browser_missing() or ensure_playwright()
    if why and os.environ.get("CI") == "true":
        # CI must not go green without the browser test.
        raise AssertionError("the browser test cannot run under "
                             "CI=true: " + why)
    if why:
        raise unittest.SkipTest("browser test skipped: " + why)


class BrowserTest(DaemonTestCase):
    """tests/browser/status.test.mjs against this daemon, with a talon
    that is decided and answered."""

    @classmethod
    def setUpClass(cls):
        need_browser()
        super().setUpClass()

    def test_in_chromium(self):
        talon, code = register(self.daemon)
        decide_and_answer(self.daemon, talon, "partly-upheld", "post")
        p = subprocess.run(
            ["node", os.path.join(BROWSER_DIR, "status.test.mjs"),
             self.daemon.url(), talon, code, "answered", "partly-upheld"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=400, env=dict(os.environ, CHROMIUM=CHROMIUM))
        out = p.stdout.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, "the browser test failed:\n" + out)
        self.assertRegex(out, r"\d+ checks passed, 0 failed")
