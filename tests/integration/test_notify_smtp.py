"""notify: letters sent over SMTP to a private server on loopback.

The server is aiosmtpd (Debian's python3-aiosmtpd) on a free loopback
port, saving every message; the client is build/tests/notify_send, which
renders a letter of each kind and sends it with notify's SMTP transport.
Run from the repository root:

    /usr/bin/python3 tests/integration/run.py test_notify_smtp
"""

import email
import email.policy
import email.utils
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import warnings

try:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
except ImportError:             # pragma: no cover
    Controller = None

from harness import catalogue

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(REPO, BUILD)
DRIVER = os.path.join(BUILD, "tests", "notify_send")
OUTPUT = os.path.join(REPO, "tests", "output")

KINDS = ["forwarded", "extended", "decision", "overdue", "reminder"]
TALON = "2026-483920175-4"
HOST = "complaints.almaty.kz"
KAZAKH = "ӘҒҚҢӨҰҮҺІ"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kazakh_subject(kind):
    """The subject as the Kazakh catalogue words it."""
    return catalogue("kk")["notice.%s.subject" % kind].replace(
        "{talon}", TALON)


class Handler:
    """Keeps every message; refuses reject* (550) and later* (451)."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        if address.startswith("later"):
            return "451 4.3.0 <%s>: Try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({
            "peer": session.peer,
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "data": envelope.original_content or envelope.content,
        })
        return "250 2.0.0 Ok: queued as %d" % len(self.messages)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (getattr(auth_data, "login", None) == b"registrar" and
          getattr(auth_data, "password", None) == b"s3cret")
    # handled=False: the server answers 535 itself.
    return AuthResult(success=ok, handled=False)


class ServerCase(unittest.TestCase):
    """A private aiosmtpd server for each test; no tests of its own."""

    server_args = {}

    def setUp(self):
        if not os.access(DRIVER, os.X_OK):
            self.skipTest("%s is not built; run make all" % DRIVER)
        self.handler = Handler()
        self.controller = None
        for _ in range(5):
            c = Controller(self.handler, hostname="127.0.0.1",
                           port=free_port(), **self.server_args)
            try:
                c.start()
            except (OSError, RuntimeError):
                continue
            self.controller = c
            break
        self.assertIsNotNone(self.controller, "no SMTP server started")
        self.tmp = tempfile.mkdtemp(prefix="test_notify_smtp.")

    def tearDown(self):
        if getattr(self, "controller", None) is not None:
            self.controller.stop()
        if getattr(self, "tmp", None):
            shutil.rmtree(self.tmp, ignore_errors=True)

    def run_driver(self, port, *args):
        p = subprocess.run([DRIVER, "-W", os.path.join(REPO, "web"), "-p", str(port)] +
                           list(args), cwd=REPO, capture_output=True,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        lines = p.stdout.decode("utf-8").splitlines()
        return [ln.split(" ", 3) for ln in lines]

    def pdf_text(self, data):
        path = os.path.join(self.tmp, "letter.pdf")
        with open(path, "wb") as f:
            f.write(data)
        p = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0)
        return p.stdout.decode("utf-8")



@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class NotifySmtpTest(ServerCase):

    def test_every_kind_arrives_whole(self):
        before = time.time()
        out = self.run_driver(self.controller.port, "gulnur@example.kz")
        self.assertEqual([o[0] for o in out], KINDS)
        for kind, rcpt, result, detail in out:
            self.assertEqual(result, "sent", detail)
            self.assertIn("250", detail)
        msgs = self.handler.messages
        self.assertEqual(len(msgs), len(KINDS))
        # One connection for all: the transport keeps it open.
        self.assertEqual(len({m["peer"] for m in msgs}), 1)

        for kind, m in zip(KINDS, msgs):
            self.assertEqual(m["from"], "noreply@auezov-edu.almaty.kz")
            self.assertEqual(m["to"], ["gulnur@example.kz"])
            raw = m["data"]
            self.assertNotIn(b"\n", raw.replace(b"\r\n", b""),
                             "bare LF in " + kind)
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            self.assertEqual(str(msg["Subject"]), kazakh_subject(kind))
            self.assertIn("=?UTF-8?B?", raw.split(b"\r\n\r\n")[0].decode())
            self.assertRegex(str(msg["Message-ID"]),
                             r"^<0b5e1c3a-7f24-4d8e-9a61-3c2f8e1d0a0\d@%s>$"
                             % HOST.replace(".", r"\."))
            self.assertEqual(str(msg["Auto-Submitted"]), "auto-generated")
            self.assertEqual(str(msg["MIME-Version"]), "1.0")
            when = email.utils.parsedate_to_datetime(str(msg["Date"]))
            self.assertIsNotNone(when.tzinfo)
            self.assertLess(abs(when.timestamp() - before), 300)
            self.assertEqual(msg["To"].addresses[0].addr_spec,
                             "gulnur@example.kz")
            # Python's address parser keeps the blank between encoded
            # words (RFC 2047 says to drop it); notify cuts words after a
            # blank, so at worst a blank is doubled.
            self.assertEqual(
                " ".join(msg["From"].addresses[0].display_name.split()),
                "Алматы қаласы Әуезов ауданының білім бөлімі")
            self.assertEqual(msg.get_content_type(), "multipart/mixed")

            text = msg.get_body(preferencelist=("plain",)).get_content()
            self.assertIn(TALON, text)
            if kind in ("overdue", "reminder"):
                self.assertIn("басшысына", text)
                self.assertIn("Руководителю", text)
            else:
                self.assertIn("Құрметті Әбілқасымова Гүлнұр Серікқызы!",
                              text)
                self.assertIn("Уважаемый(-ая) Әбілқасымова", text)
            self.assertLess(text.index("2318/2026"), text.index("------"))

            pdfs = [a for a in msg.iter_attachments()
                    if a.get_content_type() == "application/pdf"]
            self.assertEqual(len(pdfs), 1)
            self.assertEqual(pdfs[0].get_filename(), "letter-%s.pdf" % kind)
            data = pdfs[0].get_content()
            self.assertTrue(data.startswith(b"%PDF-"))
            if shutil.which("pdftotext"):
                t = self.pdf_text(data)
                self.assertIn("Жетісу-1 ықшамауданы", t)
                self.assertIn("1042/2026", t)
                self.assertIn(TALON, t)
            if kind == "decision":
                self.assertIn(KAZAKH, text)
                if shutil.which("pdftoppm"):
                    os.makedirs(OUTPUT, exist_ok=True)
                    path = os.path.join(self.tmp, "decision.pdf")
                    with open(path, "wb") as f:
                        f.write(data)
                    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f",
                                    "1", "-l", "1", path,
                                    os.path.join(OUTPUT,
                                                 "notify_decision")],
                                   check=True, timeout=60)

    def test_refused_recipients(self):
        out = self.run_driver(self.controller.port, "-k", "decision",
                              "gulnur@example.kz", "reject@example.kz",
                              "later@example.kz", "again@example.kz")
        got = {o[1]: (o[2], o[3]) for o in out}
        self.assertEqual(got["gulnur@example.kz"][0], "sent")
        self.assertEqual(got["reject@example.kz"][0], "permfail")
        self.assertIn("550", got["reject@example.kz"][1])
        self.assertIn("Recipient address rejected",
                      got["reject@example.kz"][1])
        self.assertEqual(got["later@example.kz"][0], "tempfail")
        self.assertIn("451", got["later@example.kz"][1])
        # The handle still works after the refusals.
        self.assertEqual(got["again@example.kz"][0], "sent")
        self.assertEqual([m["to"] for m in self.handler.messages],
                         [["gulnur@example.kz"], ["again@example.kz"]])

    def test_bad_address_is_permanent(self):
        out = self.run_driver(self.controller.port, "-k", "decision",
                              "not-an-address")
        self.assertEqual(out[0][2], "permfail")
        self.assertEqual(self.handler.messages, [])

    def test_nobody_listening_is_temporary(self):
        port = free_port()      # bound and closed: nothing listens
        t0 = time.monotonic()
        out = self.run_driver(port, "-k", "decision", "gulnur@example.kz")
        self.assertEqual(len(out), 1)
        self.assertEqual(out[0][2], "tempfail", out[0])
        self.assertRegex(out[0][3], "(?i)connect")
        self.assertLess(time.monotonic() - t0, 30)


@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class NotifySmtpAuthTest(ServerCase):
    """A server that wants AUTH (in the clear: loopback only)."""

    server_args = {"auth_required": True, "auth_require_tls": False,
                   "authenticator": authenticator}

    def setUp(self):
        # aiosmtpd warns, rightly, of AUTH without TLS: here it is meant.
        warnings.filterwarnings("ignore", message="Requiring AUTH while")
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        super().setUp()

    def test_login(self):
        out = self.run_driver(self.controller.port, "-u",
                              "registrar:s3cret", "-k", "decision",
                              "gulnur@example.kz")
        self.assertEqual(out[0][2], "sent", out[0])
        self.assertEqual(len(self.handler.messages), 1)

    def test_wrong_password_is_temporary(self):
        # Our configuration is wrong, not the message: keep it.
        out = self.run_driver(self.controller.port, "-u",
                              "registrar:wrong", "-k", "decision",
                              "gulnur@example.kz")
        self.assertEqual(out[0][2], "tempfail", out[0])
        self.assertIn("535", out[0][3])
        self.assertEqual(self.handler.messages, [])


if __name__ == "__main__":
    unittest.main()
