"""complaints-mailgate: real messages through the program into the
daemon, the automatic answer caught by aiosmtpd.

Messages are written here with Python's email package: a Kazakh name in
an RFC 2047 encoded word, quoted-printable Russian, a PDF in base64 with
an RFC 2231 Kazakh file name, an HTML-only message, a 20 MB message, a
bounce, an out-of-office reply, list mail, a duplicate delivery.  Exit
codes are sysexits(3).

    /usr/bin/python3 tests/integration/run.py test_mailgate
"""

import email
import email.utils
import email.policy
import hashlib
import os
import subprocess
import threading
import time
import unittest
from email.headerregistry import Address
from email.message import EmailMessage

from harness import BUILD, PerTestDaemonCase, free_closed_port, text_of

try:
    from aiosmtpd.controller import Controller
except ImportError:             # pragma: no cover
    Controller = None

MAILGATE = os.path.join(BUILD, "complaints-mailgate")
BODY = "almaty-bostandyk"
EX_OK, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 0, 65, 67, 75
KAZAKH_NAME = "Әлия Нұрланқызы Жұмабаева"
RUSSIAN = ("Прошу принять меры: школа № 10 отказала в приёме документов "
           "без объяснения причин. Заявление подано 3 ноября.")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + bytes(
    range(256)) * 4


class Sink:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(
                envelope.original_content or envelope.content,
                policy=email.policy.default))
        return "250 OK"


def message(sender="aliya@example.kz", name=KAZAKH_NAME,
            subject="Шағым: № 10 мектеп", text=RUSSIAN, msgid=None,
            cte="quoted-printable", pdf=False, html=None, headers=None):
    m = EmailMessage()
    m["From"] = Address(name, addr_spec=sender) if name else sender
    m["To"] = "complaints@bostandyk.example.kz"
    m["Subject"] = subject
    m["Message-ID"] = msgid or email.utils.make_msgid(domain="example.kz")
    m["Date"] = email.utils.formatdate(localtime=True)
    for k, v in (headers or {}).items():
        m[k] = v
    if html is not None:
        m.set_content(html, subtype="html", charset="utf-8")
    else:
        m.set_content(text, charset="utf-8", cte=cte)
    if pdf:
        m.add_attachment(PDF, maintype="application", subtype="pdf",
                         filename="өтініш көшірмесі.pdf")
    return m.as_bytes(policy=email.policy.SMTP)


@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class MailgateTest(PerTestDaemonCase):

    def setUp(self):
        self.sink = Sink()
        port = free_closed_port()
        self.smtp = Controller(self.sink, hostname="127.0.0.1", port=port)
        self.smtp.start()
        self.addCleanup(self.smtp.stop)
        self.d = self.new_daemon({
            "smtp_url": "smtp://127.0.0.1:%d" % port, "smtp_tls": "none",
            "smtp_from": "complaints@bostandyk.example.kz",
            "mail_host": "complaints.example.kz", "notify_interval": 1,
            "status_url": "https://complaints.example.kz/status/",
            "watch_interval": 0})

    def gate(self, data, body=BODY, sender=None, url=None):
        args = [MAILGATE, "-u", url or self.d.url(""), "-T", "20"]
        if sender is not None:
            args += ["-f", sender]
        p = subprocess.run(args + [body], input=data, capture_output=True,
                           timeout=60)
        return p.returncode, p.stderr.decode("utf-8", "replace")

    def rows(self):
        return self.d.query("SELECT id, message_id, sender, sender_name, "
                            "subject, text, no_reply, replied_at "
                            "FROM mail_intake ORDER BY id")

    def replies(self, n, timeout=15):
        deadline = time.time() + timeout
        while len(self.sink.messages) < n and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)         # nothing more should come
        return list(self.sink.messages)

    def test_kazakh_russian_pdf_and_the_answer(self):
        msgid = "kazakh-1@example.kz"
        rc, err = self.gate(message(msgid="<%s>" % msgid, pdf=True),
                            sender="aliya@example.kz")
        self.assertEqual(rc, EX_OK, err)
        [row] = self.rows()
        self.assertEqual(row[1], msgid)
        self.assertEqual(row[2], "aliya@example.kz")
        self.assertEqual(row[3], KAZAKH_NAME)
        self.assertEqual(row[4], "Шағым: № 10 мектеп")
        self.assertEqual(row[5].strip(), RUSSIAN)
        self.assertIsNone(row[6])
        att = self.d.query("SELECT name, media_type, size, sha256 "
                           "FROM mail_attachment")
        self.assertEqual([tuple(a) for a in att], [(
            "өтініш көшірмесі.pdf", "application/pdf", len(PDF),
            hashlib.sha256(PDF).hexdigest())])
        # One answer, as RFC 3834 asks.
        [reply] = self.replies(1)
        self.assertEqual(reply["To"], "aliya@example.kz")
        self.assertEqual(reply["Auto-Submitted"], "auto-replied")
        self.assertEqual(reply["In-Reply-To"], "<%s>" % msgid)
        # In the body's incomplete list, for its registrar.
        tok = self.d.account("registrar", BODY)
        r = self.d.request("GET", "/api/v1/mail?body=" + BODY, headers={
            "Authorization": "Bearer " + tok}, auth=False)
        self.assertEqual(r.status, 200, r.text)
        self.assertEqual(text_of(r.xml(), "mail/from"), "aliya@example.kz")
        self.assertEqual(text_of(r.xml(), "mail/attachments"), "1")
        other = self.d.account("registrar", "almaty-medeu")
        r = self.d.request("GET", "/api/v1/mail?body=" + BODY, headers={
            "Authorization": "Bearer " + other}, auth=False)
        self.assertEqual(r.status, 403, r.text)

    def test_registrar_completes(self):
        """The registrar names the service and the institution: the mail
        is registered at its body with the channel email and the time it
        was received, leaves the incomplete list, and the talon goes to
        the sender with the slip."""
        rc, err = self.gate(message(msgid="<reg-1@example.kz>", pdf=True),
                            sender="aliya@example.kz")
        self.assertEqual(rc, EX_OK, err)
        [row] = self.rows()
        received = self.d.query("SELECT received_at FROM mail_intake")[0][0]
        tok = self.d.account("registrar", BODY)
        auth = {"Authorization": "Bearer " + tok}
        doc = ("<complete><service>11</service><institution>school-10"
               "</institution><surname>Жұмабаева</surname><name>Әлия"
               "</name><patronymic>Нұрланқызы</patronymic></complete>")
        other = self.d.account("registrar", "almaty-medeu")
        r = self.d.post_xml("/api/v1/mail/%d/register" % row[0], doc,
                            headers={"Authorization": "Bearer " + other},
                            auth=False)
        self.assertEqual(r.status, 403, r.text)
        time.sleep(1.1)         # registered after it was received
        r = self.d.post_xml("/api/v1/mail/%d/register" % row[0], doc,
                            headers=auth, auth=False)
        self.assertEqual(r.status, 201, r.text)
        number = text_of(r.xml(), "number")
        c = self.d.query("SELECT channel, received_at, accepted_at, "
                         "email, surname, reasons, service, body_id "
                         "FROM complaint WHERE talon = ?", (number,))[0]
        self.assertEqual(c[0], "email")
        self.assertEqual(c[1], received)
        self.assertGreater(c[2], received)
        self.assertEqual(c[3], "aliya@example.kz")
        self.assertEqual(c[4], "Жұмабаева")
        self.assertTrue(c[5].startswith("Шағым: № 10 мектеп\n\n"), c[5])
        self.assertIn(RUSSIAN, c[5])
        self.assertEqual(c[6], 11)
        r = self.d.request("GET", "/api/v1/mail?body=" + BODY, headers=auth,
                           auth=False)
        self.assertEqual(r.xml().findall("mail"), [])
        r = self.d.post_xml("/api/v1/mail/%d/register" % row[0], doc,
                            headers=auth, auth=False)
        self.assertEqual(r.status, 409, r.text)
        # The answer on arrival, then the talon with its slip.
        msgs = self.replies(2)
        self.assertEqual(len(msgs), 2)
        talon = msgs[1]
        self.assertIn(number, talon["Subject"])
        pdfs = [p for p in talon.iter_attachments()
                if p.get_content_type() == "application/pdf"]
        self.assertEqual(len(pdfs), 1)

    def test_html_only(self):
        html = ("<html><head><style>p{color:red}</style>"
                "<script>alert(1)</script></head><body><p>Мектеп "
                "&laquo;Болашақ&raquo; баламды қабылдамады.</p>"
                "<p>Second&nbsp;line</p></body></html>")
        rc, err = self.gate(message(html=html), sender="a@example.kz")
        self.assertEqual(rc, EX_OK, err)
        text = self.rows()[0][5]
        self.assertIn("Мектеп «Болашақ» баламды қабылдамады.", text)
        self.assertIn("Second\u00a0line", text)
        self.assertNotIn("alert", text)
        self.assertNotIn("color", text)
        self.assertNotIn("<p>", text)

    def test_base64_text(self):
        rc, err = self.gate(message(cte="base64"), sender="a@example.kz")
        self.assertEqual(rc, EX_OK, err)
        self.assertEqual(self.rows()[0][5].strip(), RUSSIAN)

    def test_too_large_refused(self):
        big = message(text="x" * 100) + b""
        m = email.message_from_bytes(big, policy=email.policy.default)
        m.add_attachment(os.urandom(20 * 1024 * 1024),
                         maintype="application", subtype="pdf",
                         filename="scan.pdf")
        rc, err = self.gate(m.as_bytes(policy=email.policy.SMTP),
                            sender="a@example.kz")
        self.assertEqual(rc, EX_DATAERR)
        self.assertIn("larger than 10 MiB", err)
        self.assertEqual(self.rows(), [])

    def test_no_answer_to_automatic_mail(self):
        cases = [
            ("bounce", message(sender="mailer-daemon@example.kz",
                               name=None), ""),
            ("auto-submitted", message(
                sender="b@example.kz", subject="Out of office",
                headers={"Auto-Submitted": "auto-replied"}),
             "b@example.kz"),
            ("list", message(sender="c@example.kz",
                             headers={"List-Id": "<news.example.kz>"}),
             "c@example.kz"),
            ("list", message(sender="d@example.kz",
                             headers={"Precedence": "bulk"}),
             "d@example.kz"),
        ]
        for why, data, sender in cases:
            rc, err = self.gate(data, sender=sender)
            self.assertEqual(rc, EX_OK, err)
        rows = self.rows()
        self.assertEqual([r[6] for r in rows], [c[0] for c in cases])
        self.assertTrue(all(r[7] is None for r in rows))
        self.assertEqual(self.replies(0, timeout=3), [])

    def test_report_is_a_bounce(self):
        m = EmailMessage()
        m["From"] = "postmaster@example.kz"
        m["To"] = "complaints@bostandyk.example.kz"
        m["Subject"] = "Undelivered Mail Returned to Sender"
        m["Message-ID"] = "<dsn-1@example.kz>"
        m.set_content("The message could not be delivered.")
        m.make_mixed()
        m.replace_header("Content-Type",
                         'multipart/report; report-type=delivery-status; '
                         'boundary="%s"' % m.get_boundary())
        rc, err = self.gate(m.as_bytes(policy=email.policy.SMTP),
                            sender="someone@example.kz")
        self.assertEqual(rc, EX_OK, err)
        self.assertEqual(self.rows()[0][6], "bounce")
        self.assertEqual(self.replies(0, timeout=3), [])

    def test_duplicate_and_the_hour(self):
        data = message(msgid="<dup-1@example.kz>")
        for i in range(2):
            rc, err = self.gate(data, sender="aliya@example.kz")
            self.assertEqual(rc, EX_OK, err)
        self.assertEqual(len(self.rows()), 1)
        # Another message from the same sender within the hour: stored,
        # not answered.
        rc, err = self.gate(message(msgid="<dup-2@example.kz>"),
                            sender="aliya@example.kz")
        self.assertEqual(rc, EX_OK, err)
        rows = self.rows()
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][6], "answered-within-the-hour")
        self.assertEqual(len(self.replies(1)), 1)

    def test_exit_codes(self):
        rc, err = self.gate(b"no headers at all, just text\n",
                            sender="a@example.kz")
        self.assertEqual(rc, EX_DATAERR)
        self.assertIn("unreadable message", err)
        rc, err = self.gate(message(), body="no-such-body",
                            sender="a@example.kz")
        self.assertEqual(rc, EX_NOUSER, err)
        self.assertIn("no-such-body", err)
        rc, err = self.gate(message(), sender="a@example.kz",
                            url="http://127.0.0.1:%d" % free_closed_port())
        self.assertEqual(rc, EX_TEMPFAIL, err)
        self.assertEqual(self.rows(), [])


if __name__ == "__main__":
    unittest.main()
