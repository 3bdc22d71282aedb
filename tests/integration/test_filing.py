"""Filing online: drafts confirmed by email become journal entries.

A citizen's <draft> is stored without a journal number and a mail with a
one-time link goes to the address given (captured to a folder here);
the link's token registers the complaint at the body the routing rules
choose (service 11 goes to the district office above the school, read
here from directory.xml), and the talon goes to the same address with
the slip attached.  Tokens work once, are stored only hashed, and
expire after 24 hours; limits per address and on writes in flight.

    /usr/bin/python3 tests/integration/run.py test_filing
"""

import hashlib
import os
import re
import time
import unittest
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

from harness import captured_mails, REPO, SCHEMA_DIR, PerTestDaemonCase, text_of

STATUS_URL = "https://complaints.example.kz/status/"
SCHOOL = "school-10"
EMAIL = "gauhar.otegenova@example.kz"
KAZAKH = "Өтегенова Гауһар Әбілқызы"


def parent_of(code):
    """The parent body of an institution, from the directory data."""
    root = ET.parse(os.path.join(SCHEMA_DIR, "data",
                                 "directory.xml")).getroot()
    for el in root.iter():
        if el.get("code") == code:
            return el.get("parent")
    raise KeyError(code)


def draft_xml(service=11, institution=SCHOOL, email_addr=EMAIL,
              surname="Өтегенова", reasons="Мектепке қабылдамады.",
              lang="kk"):
    return ("<draft lang='%s'><service>%d</service>"
            "<institution>%s</institution>"
            "<applicant><surname>%s</surname><name>Гауһар</name>"
            "<patronymic>Әбілқызы</patronymic>"
            "<address>Алматы, Абай даңғылы 10, 5</address>"
            "<email>%s</email></applicant>"
            "<reasons>%s</reasons><demands>Қабылдасын.</demands>"
            "</draft>" % (lang, service, escape(institution),
                          escape(surname), escape(email_addr),
                          escape(reasons)))


class FilingTest(PerTestDaemonCase):

    def start(self, **conf):
        self.mail = os.path.join(self.tmpdir(), "mail")
        os.makedirs(self.mail, exist_ok=True)
        opts = {"mail_capture": self.mail, "status_url": STATUS_URL,
                "notify_interval": 1, "mail_host": "complaints.example.kz"}
        opts.update(conf)
        self.d = self.new_daemon(opts)
        return self.d

    def tmpdir(self):
        import tempfile
        t = tempfile.mkdtemp(prefix="cx-filing-")
        self.addCleanup(lambda: __import__("shutil").rmtree(t, True))
        return t

    def draft(self, doc=None, **kw):
        return self.d.post_xml("/api/v1/drafts", doc or draft_xml(**kw),
                               auth=False)

    def confirm(self, token):
        return self.d.post_xml("/api/v1/drafts/confirm",
                               "<confirm><token>%s</token></confirm>" %
                               token, auth=False)

    def mails(self, n, timeout=20):
        out = captured_mails(self.mail, n, timeout)
        self.assertGreaterEqual(len(out), n, "mails captured")
        return out

    def token_of(self, msg):
        text = msg.get_body(("plain",)).get_content()
        m = re.search(r"https://complaints\.example\.kz/file/confirm"
                      r"\?token=([0-9a-f]{64})", text)
        self.assertIsNotNone(m, text)
        return m.group(1)

    def test_draft_confirm_register(self):
        d = self.start()
        r = self.draft()
        self.assertEqual(r.status, 202, r.text)
        self.assertEqual(text_of(r.xml(), "email"), EMAIL)
        # A draft holds no journal number.
        self.assertEqual(d.count_complaints(), 0)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 1)
        [msg] = self.mails(1)
        self.assertEqual(msg["To"], EMAIL)
        self.assertEqual(msg["Auto-Submitted"], "auto-generated")
        token = self.token_of(msg)
        # Only the hash is stored: BLAKE2b-256 of the 32 bytes.
        stored = d.query("SELECT token_hash FROM draft")[0][0]
        self.assertEqual(bytes(stored), hashlib.blake2b(
            bytes.fromhex(token), digest_size=32).digest())
        with open(d.db_path, "rb") as f:
            self.assertNotIn(token.encode(), f.read())
        r = self.confirm(token)
        self.assertEqual(r.status, 201, r.text)
        t = r.xml()
        number = text_of(t, "number")
        self.assertTrue(text_of(t, "access-code"))
        self.assertEqual(t.find("body").get("code"), parent_of(SCHOOL))
        self.assertEqual(d.count_complaints(), 1)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 0)
        row = d.query("SELECT channel, email, surname, service, journal_no "
                      "FROM complaint WHERE talon = ?", (number,))[0]
        self.assertEqual(tuple(row), ("electronic", EMAIL, "Өтегенова", 11,
                                      1))
        # Once only.
        r = self.confirm(token)
        self.assertEqual(r.status, 404, r.text)
        self.assertEqual(text_of(r.xml(), "code"), "draft-not-found")
        # The talon by mail, with the slip.
        msgs = self.mails(2)
        talon = msgs[1]
        self.assertIn(number, talon["Subject"])
        pdfs = [p for p in talon.iter_attachments()
                if p.get_content_type() == "application/pdf"]
        self.assertEqual(len(pdfs), 1)
        self.assertTrue(pdfs[0].get_content().startswith(b"%PDF-"))
        self.assertEqual(pdfs[0].get_filename(), "talon.pdf")
        # The status page knows it.
        self.assertEqual(d.status(number).status, 200)

    def test_pages_of_the_link(self):
        """The mailed link opens a page with one button; pressing it
        registers and shows the talon, its access code and Download
        slip; the link then says it has been used."""
        d = self.start()
        self.assertEqual(self.draft().status, 202)
        token = self.token_of(self.mails(1)[0])
        r = d.get("/file/confirm?token=" + token + "&lang=en", auth=False)
        self.assertEqual(r.status, 200, r.text)
        self.assertIn("default-src 'none'",
                      r.header("Content-Security-Policy"))
        self.assertIn('action="/file/confirm"', r.text)
        self.assertIn('value="%s"' % token, r.text)
        self.assertNotIn("<script", r.text)
        # Opening the page registers nothing.
        self.assertEqual(d.count_complaints(), 0)
        form = {"Content-Type": "application/x-www-form-urlencoded",
                "Accept-Language": "en"}
        r = d.request("POST", "/file/confirm",
                      ("token=%s&lang=en" % token).encode(), form,
                      auth=False)
        self.assertEqual(r.status, 201, r.text)
        number, = d.query("SELECT talon FROM complaint")[0]
        self.assertIn(number, r.text)
        code = re.search(r'id="access-code">([0-9A-Z]{8})<', r.text)
        self.assertIsNotNone(code, r.text)
        self.assertIn("Download slip", r.text)
        r = d.request("POST", "/file/slip", ("number=%s&code=%s" % (
            number, code.group(1))).encode(), form, auth=False)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(r.header("Content-Type"), "application/pdf")
        self.assertTrue(r.body.startswith(b"%PDF-"))
        # Download slip saves a file named by the talon.
        self.assertEqual(r.header("Content-Disposition"),
                         'attachment; filename="%s.pdf"' % number)
        wrong = "ZZZZZZZZ" if code.group(1) != "ZZZZZZZZ" else "YYYYYYYY"
        r = d.request("POST", "/file/slip", ("number=%s&code=%s" % (
            number, wrong)).encode(), form, auth=False)
        self.assertEqual(r.status, 403, r.text)
        r = d.request("POST", "/file/confirm",
                      ("token=%s" % token).encode(), form, auth=False)
        self.assertEqual(r.status, 404, r.text)
        self.assertIn("has been used already", r.text)
        r = d.get("/file/confirm?token=xyz", auth=False)
        self.assertEqual(r.status, 400, r.text)

    def test_not_electronic_and_bad_input(self):
        self.start()
        # Service 3 takes complaints only in person (routing.xml).
        r = self.draft(service=3)
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(text_of(r.xml(), "code"), "not-electronic")
        r = self.draft(institution="no-such-school")
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(text_of(r.xml(), "code"), "unknown-institution")
        r = self.draft(email_addr="not an address@x")
        self.assertEqual(r.status, 400, r.text)
        r = self.confirm("0" * 64)
        self.assertEqual(r.status, 404, r.text)
        r = self.d.post_xml("/api/v1/drafts/confirm",
                            "<confirm><token>abc</token></confirm>",
                            auth=False)
        self.assertEqual(r.status, 400, r.text)
        self.assertEqual(self.d.query("SELECT count(*) FROM draft")[0][0],
                         0)

    def test_limits(self):
        d = self.start()
        for i in range(3):
            self.assertEqual(self.draft().status, 202)
        r = self.draft()
        self.assertEqual(r.status, 429, r.text)
        self.assertEqual(text_of(r.xml(), "code"), "too-many-drafts")
        self.assertTrue(r.header("Retry-After"))
        # Another address is not held back ...
        self.assertEqual(self.draft(email_addr="b@example.kz").status, 202)
        # ... but one client makes at most ten drafts an hour.
        for i in range(6):
            self.assertEqual(self.draft(
                email_addr="c%d@example.kz" % i).status, 202)
        r = self.draft(email_addr="z@example.kz")
        self.assertEqual(r.status, 429, r.text)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 10)

    def test_expiry(self):
        d = self.start()
        self.assertEqual(self.draft().status, 202)
        token = self.token_of(self.mails(1)[0])
        d.stop()
        d.extra["test_clock_offset"] = 24 * 3600 + 60
        d.start()
        r = self.confirm(token)
        self.assertEqual(r.status, 404, r.text)
        # Deleted by the purge that runs at start, holding no number.
        deadline = time.time() + 10
        while d.query("SELECT count(*) FROM draft")[0][0] and \
                time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(d.query("SELECT count(*) FROM draft")[0][0], 0)
        self.assertEqual(d.count_complaints(), 0)

    def test_flood_leaves_desk_registrations(self):
        """Drafts in the writer's queue are capped: a held writer shows
        the fifth one refused while a desk registration still queues."""
        hold = os.path.join(self.tmpdir(), "hold")
        d = self.start(test_write_hold=hold)
        tok = d.account("registrar", "almaty-bostandyk")
        open(hold, "w").close()
        conns = []
        try:
            for i in range(4):
                c = d.connection()
                body = draft_xml(email_addr="f%d@example.kz" % i).encode()
                c.request("POST", "/api/v1/drafts", body,
                          {"Content-Type": "application/xml"})
                conns.append(c)
            time.sleep(0.5)
            r = self.draft(email_addr="g@example.kz")
            self.assertEqual(r.status, 503, r.text)
            self.assertEqual(text_of(r.xml(), "code"), "busy")
            desk = d.connection()
            from harness import complaint_xml
            desk.request("POST", "/api/v1/complaints",
                         complaint_xml().encode(),
                         {"Content-Type": "application/xml",
                          "Authorization": "Bearer " + tok})
        finally:
            os.unlink(hold)
        self.assertEqual(desk.getresponse().status, 201)
        for c in conns:
            self.assertEqual(c.getresponse().status, 202)

    def test_mails_survive_a_restart_and_are_tried_again(self):
        """With the mail server down, the link waits in the store (sealed:
        the token is not on disk in clear), is tried again, and goes out
        after a restart once a server answers; the talon's mail too."""
        from harness import free_closed_port
        dead = "smtp://127.0.0.1:%d" % free_closed_port()
        self.mail = os.path.join(self.tmpdir(), "mail")
        os.makedirs(self.mail)
        d = self.d = self.new_daemon({"smtp_url": dead, "smtp_tls": "none",
                                      "status_url": STATUS_URL,
                                      "notify_interval": 1,
                                      "mail_host": "complaints.example.kz"})
        self.assertEqual(self.draft().status, 202)
        self.assertEqual(d.query("SELECT kind FROM filing_mail"),
                         [("confirm",)])
        deadline = time.time() + 20
        while d.query("SELECT attempts FROM filing_mail")[0][0] < 1 and \
                time.time() < deadline:
            time.sleep(0.1)
        row = d.query("SELECT attempts, last_error, next_at, created_at "
                      "FROM filing_mail")[0]
        self.assertEqual(row[0], 1)
        self.assertTrue(row[1])
        self.assertGreater(row[2], row[3])     # put off
        d.stop()
        d.extra.pop("smtp_url")
        d.extra["mail_capture"] = self.mail
        d.extra["test_clock_offset"] = 600     # past the back-off
        d.start()
        [msg] = self.mails(1)
        token = self.token_of(msg)
        with open(d.db_path, "rb") as f:
            self.assertNotIn(token.encode(), f.read())
        r = self.confirm(token)
        self.assertEqual(r.status, 201, r.text)
        number = text_of(r.xml(), "number")
        msgs = self.mails(2)
        self.assertIn(number, msgs[1]["Subject"])
        deadline = time.time() + 10
        while d.query("SELECT count(*) FROM filing_mail")[0][0] and \
                time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(d.query("SELECT count(*) FROM filing_mail")[0][0],
                         0)

    def test_without_mail_no_filing(self):
        self.d = self.new_daemon({"status_url": STATUS_URL})
        r = self.draft()
        self.assertEqual(r.status, 503, r.text)
        self.assertEqual(text_of(r.xml(), "code"), "filing-unavailable")


if __name__ == "__main__":
    unittest.main()
