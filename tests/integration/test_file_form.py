"""The citizens' filing form: GET and POST /file, without JavaScript.

The page offers the services whose channels in routing.xml include
"electronic" (read here from the data file) and, for the others, where
to write or go; finds the institution through the directory's search;
takes the applicant's fields, the reasons and demands and up to five
PDF, JPEG or PNG files (multipart/form-data), each checked by its first
bytes; and stores a draft through the same call as POST /api/v1/drafts.
Every error is shown beside its field in the page's language with
everything typed kept; the form carries a token matching its cookie and
is refused from another Origin.  The mailed link registers the
complaint, whose attachments carry the SHA-256 of the bytes sent.

    /usr/bin/python3 tests/integration/run.py test_file_form
"""

import hashlib
import email
import email.policy
import html.parser
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

from harness import (REPO, SCHEMA_DIR, PerTestDaemonCase, captured_mails,
                     catalogue, free_closed_port, raw_exchange)

try:
    from aiosmtpd.controller import Controller
except ImportError:             # pragma: no cover
    Controller = None

STATUS_URL = "https://complaints.example.kz/status/"
SCHOOL = "school-10"
EMAIL = "aigerim.nurlanova@example.kz"
LANGS = ("kk", "ru", "en")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00"
       b"\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc"
       b"\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND"
       b"\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"


def routing_services():
    """Service number -> set of channel types, from routing.xml."""
    root = ET.parse(os.path.join(SCHEMA_DIR, "data",
                                 "routing.xml")).getroot()
    out = {}
    for s in root.iter("service"):
        if s.get("number"):
            out[int(s.get("number"))] = {
                c.get("type") for c in s.iter("channel")}
    return out


def directory():
    """code -> element of directory.xml."""
    root = ET.parse(os.path.join(SCHEMA_DIR, "data",
                                 "directory.xml")).getroot()
    return {el.get("code"): el for el in root.iter() if el.get("code")}


class Page(html.parser.HTMLParser):
    """What a test reads of a page: elements by id, inputs, links."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.ids = {}
        self.inputs = {}
        self.radios = []
        self.links = []
        self.forms = []
        self.title = ""
        self._stack = []
        self._textarea = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._stack.append((tag, a.get("id")))
        if a.get("id"):
            self.ids.setdefault(a["id"], "")
        if tag == "input":
            if a.get("type") == "radio":
                self.radios.append(a)
            elif a.get("name"):
                self.inputs[a["name"]] = a
        if tag == "textarea":
            self.inputs[a["name"]] = dict(a, value="")
            self._textarea = a["name"]
        if tag == "a":
            self.links.append(a.get("href", ""))
        if tag == "form":
            self.forms.append(a)
        if tag in ("meta", "link", "input", "br"):
            self._stack.pop()

    def handle_endtag(self, tag):
        while self._stack:
            t, _ = self._stack.pop()
            if t == tag:
                break
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.inputs[self._textarea]["value"] += data
        for t, i in self._stack:
            if i:
                self.ids[i] += data
            if t == "title":
                self.title += data


def multipart(fields, files=()):
    """A multipart/form-data body: (content type, bytes)."""
    b = "----cx%s" % uuid.uuid4().hex
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n" % (b, k)).encode() + v.encode() + b"\r\n")
    for name, fname, ctype, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                    "filename=\"%s\"\r\nContent-Type: %s\r\n\r\n" %
                    (b, name, fname, ctype)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return "multipart/form-data; boundary=%s" % b, b"".join(out)


class FileFormTest(PerTestDaemonCase):

    def start(self, **conf):
        self.mail = tempfile.mkdtemp(prefix="cx-file-mail-")
        self.addCleanup(shutil.rmtree, self.mail, True)
        opts = {"mail_capture": self.mail, "status_url": STATUS_URL,
                "notify_interval": 1, "mail_host": "complaints.example.kz"}
        opts.update(conf)
        self.d = self.new_daemon(opts)
        return self.d

    def get(self, path, cookie=None):
        h = {"Cookie": cookie} if cookie else {}
        return self.d.request("GET", path, headers=h, auth=False)

    def form(self, lang="en", service=11, institution=SCHOOL):
        """The form page: (page, cookie)."""
        r = self.get("/file?lang=%s&service=%d&institution=%s" %
                     (lang, service, institution))
        self.assertEqual(r.status, 200, r.text)
        cookie = r.header("Set-Cookie").split(";")[0]
        return Page(r.text), cookie

    def fields(self, **over):
        f = {"surname": "Нұрланова", "name": "Әйгерім",
             "patronymic": "Серікқызы",
             "address": "Алматы, Бұхар Жырау көшесі, 12, 4",
             "email": EMAIL, "phone": "+7 701 555 12 34",
             "reasons": "Тегін тамақ берілмеді.\nМектеп жауап бермеді.",
             "demands": "Тегін тамақ берілсін."}
        f.update(over)
        return {k: v for k, v in f.items() if v is not None}

    def post(self, fields, files=(), cookie=None, csrf=None, lang="en",
             origin=True, service=11, institution=SCHOOL, urlencoded=False):
        if cookie is None:
            page, cookie = self.form(lang, service, institution)
            csrf = page.inputs["csrf"]["value"]
        body = dict(fields)
        body.update({"service": str(service), "institution": institution})
        if csrf is not None:
            body["csrf"] = csrf
        if urlencoded:
            ctype = "application/x-www-form-urlencoded"
            data = urllib.parse.urlencode(body).encode()
        else:
            ctype, data = multipart(body, files)
        h = {"Content-Type": ctype, "Cookie": cookie}
        if origin is True:
            h["Origin"] = "http://127.0.0.1:%d" % self.d.port
        elif origin:
            h["Origin"] = origin
        return self.d.request("POST", "/file?lang=%s" % lang, data,
                              headers=h, auth=False)

    def mails(self, n, timeout=20):
        out = captured_mails(self.mail, n, timeout)
        self.assertGreaterEqual(len(out), n, "mails captured")
        return out

    # --- The steps ---------------------------------------------------------

    def test_services_in_every_language(self):
        self.start()
        services = routing_services()
        electronic = sorted(s for s, ch in services.items()
                            if "electronic" in ch)
        self.assertTrue(electronic)
        for lang in LANGS:
            t = catalogue(lang)
            r = self.get("/file?lang=%s" % lang)
            self.assertEqual(r.status, 200, r.text)
            self.assertEqual(r.header("Content-Language"), lang)
            csp = r.header("Content-Security-Policy")
            self.assertIn("default-src 'none'", csp)
            self.assertNotIn("unsafe-inline", csp)
            self.assertNotIn("<script", r.text)
            self.assertNotIn("style=", r.text)
            p = Page(r.text)
            self.assertEqual(p.title, t["filing.service.title"])
            self.assertEqual(sorted(int(a["value"]) for a in p.radios),
                             electronic)
            for s, ch in services.items():
                link = "/file?lang=%s&service=%d" % (lang, s)
                self.assertEqual(link in p.links, s not in electronic, s)
                if s not in electronic:
                    self.assertIn(t["service.%d" % s], r.text)

    def test_search_finds_the_institution(self):
        self.start()
        dirx = directory()
        r = self.get("/file?lang=ru&service=11&q=%s" %
                     urllib.parse.quote("Бұхар Жырау 50б"))
        self.assertEqual(r.status, 200, r.text)
        p = Page(r.text)
        found = [re.search(r"institution=([a-z0-9-]+)", l).group(1)
                 for l in p.links if "institution=" in l]
        self.assertIn(SCHOOL, found)
        for code in found:
            self.assertIn(code, dirx)
        # The search field keeps what was typed.
        self.assertEqual(p.inputs["q"]["value"], "Бұхар Жырау 50б")
        # The example every language's hint gives finds the school.
        for lang in LANGS:
            self.assertIn("мектеп 10", catalogue(lang)["filing.h.q"])
        r = self.get("/file?lang=en&service=11&q=" +
                     urllib.parse.quote("мектеп 10"))
        self.assertIn('institution=%s"' % SCHOOL, r.text)
        # Nothing found, and a query of punctuation alone.
        r = self.get("/file?lang=en&service=11&q=zzzqqqxxx")
        self.assertEqual(Page(r.text).ids["found"].strip(),
                         catalogue("en")["filing.found.none"])
        r = self.get("/file?lang=kk&service=11&q=%2A%2A%2A")
        p = Page(r.text)
        self.assertEqual(p.ids["q-error"].strip(),
                         catalogue("kk")["filing.err.bad-query"])
        self.assertEqual(p.inputs["q"].get("aria-invalid"), "true")
        # An institution the directory lacks sends back to the search.
        r = self.get("/file?lang=en&service=11&institution=school-99999")
        p = Page(r.text)
        self.assertIn("q-error", p.ids)
        self.assertNotIn("surname", p.inputs)

    def test_paper_service_says_where(self):
        self.start()
        services = routing_services()
        paper = min(s for s, ch in services.items()
                    if "electronic" not in ch)
        dirx = directory()
        r = self.get("/file?lang=ru&service=%d&institution=%s" %
                     (paper, SCHOOL))
        self.assertEqual(r.status, 200, r.text)
        p = Page(r.text)
        self.assertNotIn("surname", p.inputs)  # no form
        # The body shown is the school or its parent, with its address.
        shown = p.ids["where-address"].strip()
        addresses = {dirx[c].findtext("address") for c in
                     (SCHOOL, dirx[SCHOOL].get("parent"))}
        self.assertIn(shown, addresses)
        # A POST for such a service is refused by the domain.
        page, cookie = self.form()
        r = self.post(self.fields(), service=paper, cookie=cookie,
                      csrf=page.inputs["csrf"]["value"])
        self.assertEqual(r.status, 400, r.text)
        self.assertIn(catalogue("en")["filing.error.not-electronic"],
                      Page(r.text).ids["error"])

    # --- Filing ------------------------------------------------------------

    def test_file_with_attachments_and_confirm(self):
        d = self.start()
        files = [("files", "заявление.pdf", "application/pdf", PDF),
                 ("files", "photo.png", "image/png", PNG),
                 ("files", "scan.jpg", "image/jpeg", JPEG)]
        r = self.post(self.fields(), files, lang="kk")
        self.assertEqual(r.status, 202, r.text)
        p = Page(r.text)
        self.assertIn(EMAIL, p.ids["sent"])
        self.assertEqual(p.title, catalogue("kk")["filing.sent.title"])
        self.assertEqual(d.count_complaints(), 0)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 1)
        [msg] = self.mails(1)
        self.assertEqual(msg["To"], EMAIL)
        m = re.search(r"https://complaints\.example\.kz(/file/confirm"
                      r"\?token=[0-9a-f]{64})",
                      msg.get_body(("plain",)).get_content())
        self.assertIsNotNone(m)
        # The link's page asks for one press; the press registers.
        r = self.get(m.group(1))
        self.assertEqual(r.status, 200, r.text)
        token = Page(r.text).inputs["token"]["value"]
        r = d.request("POST", "/file/confirm",
                      "token=%s&lang=kk" % token,
                      {"Content-Type": "application/x-www-form-urlencoded"},
                      auth=False)
        self.assertEqual(r.status, 201, r.text)
        number = Page(r.text).ids["talon-number"].strip()
        row = d.query("SELECT id, channel, surname, email, reasons, phone "
                      "FROM complaint WHERE talon = ?", (number,))[0]
        self.assertEqual(tuple(row[1:]), (
            "electronic", "Нұрланова", EMAIL,
            "Тегін тамақ берілмеді.\nМектеп жауап бермеді.",
            "+7 701 555 12 34"))
        att = d.query("SELECT name, media_type, sha256 FROM attachment "
                      "WHERE complaint_id = ? ORDER BY seq", (row[0],))
        self.assertEqual([tuple(a) for a in att], [
            ("заявление.pdf", "application/pdf",
             hashlib.sha256(PDF).hexdigest()),
            ("photo.png", "image/png", hashlib.sha256(PNG).hexdigest()),
            ("scan.jpg", "image/jpeg", hashlib.sha256(JPEG).hexdigest())])
        # The talon by mail with the slip.
        msgs = self.mails(2)
        self.assertIn(number, msgs[1]["Subject"])
        pdfs = [a for a in msgs[1].iter_attachments()
                if a.get_content_type() == "application/pdf"]
        self.assertTrue(pdfs[0].get_content().startswith(b"%PDF-"))

    def test_urlencoded_without_files(self):
        d = self.start()
        r = self.post(self.fields(patronymic=None, phone=None),
                      urlencoded=True, lang="ru")
        self.assertEqual(r.status, 202, r.text)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 1)

    def test_every_field_error_in_every_language(self):
        self.start()
        cases = [
            ("surname", "", "required"),
            ("name", "   ", "required"),
            ("address", None, "required"),
            ("email", "not-an-address", "email"),
            ("email", "a@b", "email"),
            ("phone", "call me", "phone"),
            ("reasons", "", "required"),
            ("demands", "x" * 20001, "too-long"),
            ("surname", "Нұр" * 200, "too-long"),
            ("official", "a\x01b", "bad-characters"),
        ]
        for lang in LANGS:
            t = catalogue(lang)
            for name, value, code in cases:
                with self.subTest(lang=lang, field=name, code=code):
                    typed = self.fields(**{name: value})
                    r = self.post(typed, lang=lang)
                    self.assertEqual(r.status, 400, r.text[:500])
                    p = Page(r.text)
                    self.assertEqual(p.ids["%s-error" % name].strip(),
                                     t["filing.err.%s" % code])
                    self.assertEqual(p.inputs[name].get("aria-invalid"),
                                     "true")
                    self.assertIn("%s-error" % name,
                                  p.inputs[name]["aria-describedby"])
                    # The summary links to the field.
                    self.assertIn("#" + name, p.links)
                    # Nothing typed is lost (the other fields as sent).
                    for k, v in typed.items():
                        if k == name:
                            continue
                        shown = p.inputs[k]["value"]
                        self.assertEqual(shown.replace("\r", ""), v, k)
        self.assertEqual(self.d.query("SELECT count(*) FROM draft")[0][0],
                         0)

    def test_files_checked_by_their_bytes(self):
        self.start()
        t = catalogue("en")
        cases = [
            ([("files", "a.pdf", "application/pdf", b"MZ\x90\x00 not pdf")],
             "file-type"),
            ([("files", "a.pdf", "application/pdf", PNG)], "file-type"),
            ([("files", "a.exe", "application/x-msdownload", b"MZ\x90")],
             "file-type"),
            ([("files", "a.pdf", "application/pdf", b"")], "file-type"),
            ([("files", "f%d.pdf" % i, "application/pdf", PDF)
              for i in range(6)], "too-many"),
            ([("files", "big.pdf", "application/pdf",
               PDF + b"0" * (2 * 1024 * 1024))], "too-big"),
        ]
        for files, code in cases:
            with self.subTest(code=code, n=len(files)):
                r = self.post(self.fields(), files)
                self.assertEqual(r.status, 400, r.text[:300])
                p = Page(r.text)
                self.assertEqual(p.ids["files-error"].strip(),
                                 t["filing.err.%s" % code])
                self.assertEqual(p.inputs["surname"]["value"], "Нұрланова")
        # Five files of 2 MB less a little are taken.
        r = self.post(self.fields(), [
            ("files", "f%d.pdf" % i, "application/pdf",
             PDF + b"0" * (2 * 1024 * 1024 - len(PDF)))
            for i in range(3)])
        self.assertEqual(r.status, 202, r.text[:300])

    def test_token_and_origin(self):
        d = self.start()
        page, cookie = self.form()
        csrf = page.inputs["csrf"]["value"]
        # Another site's page, or none named: refused before the body.
        for origin in ("http://evil.example", None, "null"):
            r = self.post(self.fields(), cookie=cookie, csrf=csrf,
                          origin=origin or False)
            self.assertEqual(r.status, 403, origin)
        # A token that is not the cookie's: the form again, kept.
        r = self.post(self.fields(), cookie=cookie, csrf="0" * 32)
        self.assertEqual(r.status, 403)
        p = Page(r.text)
        self.assertIn(catalogue("en")["filing.error.bad-csrf-token"],
                      p.ids["error"])
        self.assertEqual(p.inputs["reasons"]["value"].replace("\r", ""),
                         self.fields()["reasons"])
        r = self.post(self.fields(), cookie="file=" + "1" * 32, csrf=csrf)
        self.assertEqual(r.status, 403)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 0)

    def test_limits_per_email(self):
        d = self.start()
        for i in range(3):
            r = self.post(self.fields())
            self.assertEqual(r.status, 202, r.text[:300])
        for lang in LANGS:
            r = self.post(self.fields(), lang=lang)
            self.assertEqual(r.status, 429, r.text[:300])
            p = Page(r.text)
            self.assertIn(catalogue(lang)["filing.error.too-many-drafts"],
                          p.ids["error"])
            self.assertEqual(p.inputs["email"]["value"], EMAIL)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 3)

    def test_body_caps_and_types(self):
        self.start()
        page, cookie = self.form()
        h = {"Origin": "http://127.0.0.1:%d" % self.d.port,
             "Cookie": cookie}
        r = self.d.request("POST", "/file", "<draft/>",
                           dict(h, **{"Content-Type": "application/xml"}),
                           auth=False)
        self.assertEqual(r.status, 415)
        ctype, data = multipart(
            {"csrf": page.inputs["csrf"]["value"]},
            [("files", "x.pdf", "application/pdf",
              PDF + b"0" * (8 * 1024 * 1024))])
        head = "".join("%s: %s\r\n" % kv for kv in dict(
            h, **{"Content-Type": ctype,
                  "Content-Length": str(len(data))}).items())
        r = raw_exchange(self.d.port, (
            "POST /file HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s\r\n" %
            (self.d.port, head)).encode() + data)
        self.assertEqual(r.status, 413)
        # A multipart body that ends before its boundary.
        r = self.d.request("POST", "/file", data[:2000],
                           dict(h, **{"Content-Type": ctype}), auth=False)
        self.assertIn(r.status, (400, 403))

    def test_without_mail_says_unavailable(self):
        self.mail = None
        self.d = self.new_daemon({})
        r = self.post(self.fields())
        self.assertEqual(r.status, 503, r.text[:300])
        self.assertIn(catalogue("en")["filing.error.filing-unavailable"],
                      Page(r.text).ids["error"])


class TextSink:
    """The test SMTP server's handler: the text of each message into a
    folder (NNN.txt) for the browser, the messages kept for the test."""

    def __init__(self, folder):
        self.folder = folder
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content or
                                       envelope.content,
                                       policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
            n = len(self.messages)
        body = msg.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        tmp = os.path.join(self.folder, ".%03d.tmp" % n)
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.rename(tmp, os.path.join(self.folder, "%03d.txt" % n))
        return "250 OK"


@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class BrowserFileTest(PerTestDaemonCase):
    """tests/browser/file.test.mjs: the whole journey in chromium, the
    link followed from the mail the test SMTP server received."""

    @classmethod
    def setUpClass(cls):
        from test_status_page import need_browser
        need_browser()
        super().setUpClass()

    def test_in_chromium(self):
        from test_status_page import BROWSER_DIR, CHROMIUM
        folder = tempfile.mkdtemp(prefix="cx-file-smtp-")
        self.addCleanup(shutil.rmtree, folder, True)
        sink = TextSink(folder)
        smtp_port = free_closed_port()
        smtp = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        smtp.start()
        self.addCleanup(smtp.stop)
        port = free_closed_port()
        d = self.new_daemon({
            "port": port, "status_url": "http://127.0.0.1:%d/status/" % port,
            "smtp_url": "smtp://127.0.0.1:%d" % smtp_port,
            "smtp_tls": "none", "smtp_from": "complaints@example.kz",
            "mail_host": "complaints.example.kz", "notify_interval": 1})
        p = subprocess.run(
            ["node", os.path.join(BROWSER_DIR, "file.test.mjs"), d.url(),
             folder, EMAIL],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=400, env=dict(os.environ, CHROMIUM=CHROMIUM))
        out = p.stdout.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, "the browser test failed:\n" + out)
        self.assertRegex(out, r"\d+ checks passed, 0 failed")
        number = re.search(r"^talon (\S+)$", out, re.M).group(1)
        # The talon by mail, with the slip, to the address typed.
        deadline = time.time() + 20
        while len(sink.messages) < 2 and time.time() < deadline:
            time.sleep(0.1)
        talon = sink.messages[1]
        self.assertEqual(talon["To"], EMAIL)
        self.assertIn(number, talon["Subject"])
        pdfs = [a for a in talon.iter_attachments()
                if a.get_content_type() == "application/pdf"]
        self.assertTrue(pdfs[0].get_content().startswith(b"%PDF-"))
        att = d.query("SELECT a.name, a.media_type FROM attachment a JOIN "
                      "complaint c ON c.id = a.complaint_id WHERE "
                      "c.talon = ?", (number,))
        self.assertEqual([tuple(a) for a in att],
                         [("өтініш.pdf", "application/pdf")])


if __name__ == "__main__":
    unittest.main()
