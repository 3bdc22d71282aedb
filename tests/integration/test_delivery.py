"""Delivery of notifications by the real daemon: the outbox worker against
a private SMTP server (Debian's python3-aiosmtpd) on loopback.

Every kind of notice arrives whole (headers, both texts, the letter PDF);
letters for the post, the day's batch and register, the posting; talon
slips; a mail outage, a slow server, 4xx and 5xx replies, giving up; a
crash of the daemon with mail waiting; bad input.  Each notification
must arrive exactly once: messages are counted by Message-ID and by
recipient.

    /usr/bin/python3 tests/integration/run.py test_delivery

The SMTP server can be stopped and started again on the same port, made
slow (a sleep in DATA) and made to answer 451 or 550 to every RCPT.
"""

import asyncio
import csv
import datetime
import email
import email.policy
import email.utils
import io
import logging
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import threading
import time
import unittest
import zlib
from xml.sax.saxutils import escape

from harness import (CTL_BIN, REPO, SCHEMA_DIR, PerTestDaemonCase,
                     catalogue, ctl_available, text_of)

try:
    from aiosmtpd.controller import Controller
except ImportError:             # pragma: no cover
    Controller = None

NOTIFICATIONS_XSD = os.path.join(SCHEMA_DIR, "notifications.xsd")
OUTPUT = os.path.join(REPO, "tests", "output")
STATUS_URL = "https://complaints.example.kz/status/"
MAIL_HOST = "complaints.example.kz"
SMTP_FROM = "noreply@complaints.example.kz"
KAZAKH = "ӘҒҚҢӨҰҮҺІ"
ALMATY = datetime.timezone(datetime.timedelta(hours=5))
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# Service 11 answers by email where the applicant gave an address; the
# others only by post.  Institutions that provide the service, with the
# district office above them (schemas/data/directory.xml).
EMAIL_SERVICE = 11
BOSTANDYK_SCHOOL = "school-10"          # almaty-bostandyk, services 4-6,10,11
MEDEU_SCHOOL = "school-7"               # almaty-medeu, services 4-6,10,11

REASONING = ("Шағым негізді: Гауһар Өтегенованың баласы Ұлы Дала "
             "мектебіне Үкіметтің қаулысына сәйкес қабылдансын; Ңұсқаулық "
             "бұзылды; Іс жабылсын. Әкімдікке, Ғылым бөліміне, Қаржы "
             "бөліміне, Һ тізіміне хабарланды.")


def kazakh_subject(kind, talon):
    """The subject as the Kazakh catalogue words it."""
    return catalogue("kk")["notice.%s.subject" % kind].replace(
        "{talon}", talon)


def almaty_today():
    return datetime.datetime.now(ALMATY).date()


def squash(s):
    return " ".join(s.split())


# --- The SMTP server --------------------------------------------------------

class Handler:
    """Keeps every message.  reply: None to accept, or an SMTP reply
    ("451 ...", "550 ...") given to every RCPT; delay: seconds each DATA
    takes before it is accepted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []
        self.refused = []
        self.reply = None
        self.delay = 0

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        reply = self.reply
        if reply is not None:
            with self.lock:
                self.refused.append((address, reply))
            return reply % {"addr": address} if "%(addr)" in reply else reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.messages.append({
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "raw": raw,
                "msg": msg,
                "id": str(msg["Message-ID"]),
                "at": time.monotonic(),
            })
            n = len(self.messages)
        return "250 2.0.0 Ok: queued as %d" % n

    def snapshot(self):
        with self.lock:
            return list(self.messages)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """An aiosmtpd server on a fixed loopback port that can be stopped
    and started again on that port."""

    def __init__(self):
        self.handler = Handler()
        self.port = None
        self.controller = None

    def start(self):
        if self.controller is not None:
            return
        tries = 0
        while True:
            port = self.port or free_port()
            c = Controller(self.handler, hostname="127.0.0.1", port=port)
            try:
                c.start()
            except (OSError, RuntimeError):
                tries += 1
                if tries > 50:
                    raise
                time.sleep(0.1)
                continue
            self.port = port
            self.controller = c
            return

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def messages(self):
        return self.handler.snapshot()


# --- The tests --------------------------------------------------------------

@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class DeliveryTest(PerTestDaemonCase):
    """Each test has its own daemon(s) and SMTP server."""

    def setUp(self):
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)
        self.smtp = SmtpServer()
        self.smtp.start()
        self.tmp = tempfile.mkdtemp(prefix="cx-delivery-")
        self.seq = 0

    def tearDown(self):
        self.smtp.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- The daemon ---------------------------------------------------------

    def conf(self, **extra):
        c = {"smtp_url": self.smtp.url, "smtp_tls": "none",
             "smtp_from": SMTP_FROM, "mail_host": MAIL_HOST,
             "notify_interval": 1, "notify_backoff": 1,
             "status_url": STATUS_URL, "watch_interval": 0}
        c.update(extra)
        return c

    def start_daemon(self, **extra):
        self.d = self.new_daemon(self.conf(**extra))
        return self.d

    # --- Complaints ---------------------------------------------------------

    def register(self, body="almaty-bostandyk", service=EMAIL_SERVICE,
                 institution=BOSTANDYK_SCHOOL, d=None, **fields):
        d = d or self.d
        self.seq += 1
        who = {"surname": "Өтегенова", "name": "Гауһар",
               "patronymic": "Ұзаққызы",
               "address": "Алматы қ., Абай даңғылы, %d үй, 12 пәтер"
               % (100 + self.seq),
               "email": None,
               "subject_name": "№ %d мектеп" % (200 + self.seq)}
        who.update(fields)
        r = d.register(body=body, service=service,
                       subject_institution=institution, **who)
        self.assertEqual(r.status, 201, r)
        x = r.xml()
        number = text_of(x, "number")
        return {"number": number, "code": text_of(x, "access-code"),
                "id": d.complaint_id(number), "due": text_of(x, "due"),
                "body": body, "address": who["address"],
                "email": who["email"],
                "name": "%s %s %s" % (who["surname"], who["name"],
                                      who["patronymic"])}

    def act(self, c, root, fields, body=None, d=None, status=200):
        d = d or self.d
        body = body or c["body"]
        lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<%s>" % root,
                 "  <by>", "    <name>Оспанов Ерлан Маратұлы</name>",
                 "    <position>бөлім басшысы</position>",
                 "    <body>%s</body>" % body, "  </by>"]
        for tag, value in fields:
            lines.append("  <%s>%s</%s>" % (tag, escape(value), tag))
        lines.append("</%s>" % root)
        r = d.post_xml("/api/v1/complaints/%d/actions" % c["id"],
                       "\n".join(lines) + "\n")
        self.assertEqual(r.status, status, r)
        return r.xml()

    def assign(self, c, **kw):
        return self.act(c, "assign", [("assignee", "Нұрланова Айжан")],
                        **kw)

    def decide(self, c, **kw):
        return self.act(c, "decide", [("outcome", "upheld"),
                                      ("reasoning", REASONING)], **kw)

    def decided(self, n, tag, **fields):
        """n complaints with an email address, registered and assigned;
        returns them (decide each to make the notice)."""
        out = []
        for i in range(n):
            c = self.register(email="%s%d.%d@example.kz" % (tag, i,
                                                            self.seq),
                              **fields)
            self.assign(c)
            out.append(c)
        return out

    # --- The outbox (the SQLite file, read-only) ----------------------------

    COLS = ("id", "uid", "kind", "channel", "recipient", "state",
            "attempts", "last_error", "out_no", "out_year", "letter_date",
            "tracking", "complaint_id")

    def notes(self, c=None, kind=None, d=None):
        d = d or self.d
        sql = "SELECT %s FROM notification WHERE 1" % ", ".join(self.COLS)
        args = []
        if c is not None:
            sql += " AND complaint_id = ?"
            args.append(c["id"])
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        return [dict(zip(self.COLS, r)) for r in
                d.query(sql + " ORDER BY id", args)]

    def note(self, c, kind="decision", d=None):
        rows = self.notes(c, kind, d)
        self.assertEqual(len(rows), 1, rows)
        return rows[0]

    def attempts(self, note_id, d=None):
        return (d or self.d).query(
            "SELECT result, detail FROM notification_attempt WHERE "
            "notification_id = ? ORDER BY id", (note_id,))

    def complaint_row(self, c, d=None):
        r = (d or self.d).query(
            "SELECT state, answer_channel FROM complaint WHERE id = ?",
            (c["id"],))
        return r[0]

    def events(self, c, action, d=None):
        return (d or self.d).query(
            "SELECT action, detail FROM event WHERE complaint_id = ? AND "
            "action = ? ORDER BY id", (c["id"], action))

    def staff_get(self, path, body="almaty-bostandyk", d=None):
        """GET as the registrar of the body (the harness would sign
        /api/v1/notifications in as the administrator, who sees no
        body's notifications)."""
        d = d or self.d
        return d.get(path, headers={"Authorization": "Bearer " +
                                    d.account("registrar", body)})

    def failed_list(self, body="almaty-bostandyk", d=None):
        r = self.staff_get("/api/v1/notifications?state=failed&body=%s"
                           % body, body, d)
        self.assertEqual(r.status, 200, r)
        if os.path.exists(NOTIFICATIONS_XSD):
            self.assertValid(r.body, "notifications")
        return r.xml().findall("notification")

    def wait_for(self, what, fn, timeout=15.0, step=0.1):
        deadline = time.monotonic() + timeout
        while True:
            v = fn()
            if v:
                return v
            if time.monotonic() > deadline:
                self.fail("not within %.0f s: %s" % (timeout, what))
            time.sleep(step)

    def wait_states(self, cs, state, kind="decision", timeout=15.0, d=None):
        return self.wait_for(
            "%d notifications %s" % (len(cs), state),
            lambda: all(self.note(c, kind, d)["state"] == state
                        for c in cs), timeout)

    def wait_messages(self, n, timeout=15.0):
        return self.wait_for("%d messages arrive (have %d)" %
                             (n, len(self.smtp.messages())),
                             lambda: len(self.smtp.messages()) >= n,
                             timeout)

    def assertOnce(self, cs, kind="decision", messages=None, d=None):
        """Each complaint's notice arrived exactly once: one message with
        its Message-ID, one to its recipient, none else."""
        msgs = self.smtp.messages() if messages is None else messages
        by_id = {}
        by_rcpt = {}
        for m in msgs:
            by_id[m["id"]] = by_id.get(m["id"], 0) + 1
            for t in m["to"]:
                by_rcpt[t] = by_rcpt.get(t, 0) + 1
        for c in cs:
            n = self.note(c, kind, d)
            mid = "<%s@%s>" % (n["uid"], MAIL_HOST)
            self.assertEqual(by_id.get(mid, 0), 1, "%s (%s) arrived %d "
                             "times" % (mid, c["number"],
                                        by_id.get(mid, 0)))
            self.assertEqual(by_rcpt.get(c["email"], 0), 1, c["email"])
            talons = [m for m in msgs if m["id"] == mid]
            self.assertIn(c["number"], str(talons[0]["msg"]["Subject"]))
            self.assertEqual(n["state"], "sent", n)

    # --- complaintctl -------------------------------------------------------

    def ctl(self, *args, body="almaty-bostandyk", d=None):
        d = d or self.d
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("COMPLAINTS_")}
        env["COMPLAINTS_TOKEN_FILE"] = os.path.join(self.tmp, "no-token")
        env["COMPLAINTS_TOKEN"] = d.account("registrar", body)
        p = subprocess.run([CTL_BIN, "-u", d.url()] + [str(a) for a in args],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=60)
        p.out = p.stdout.decode("utf-8", "replace")
        p.err = p.stderr.decode("utf-8", "replace")
        return p

    def assertExit(self, p, code):
        self.assertEqual(p.returncode, code,
                         "complaintctl %s: exit %d, wanted %d\nstdout: %s\n"
                         "stderr: %s" % (" ".join(map(str, p.args[1:])),
                                         p.returncode, code, p.out, p.err))

    # --- PDFs ----------------------------------------------------------------

    def pdf_text(self, data_or_path):
        path = data_or_path
        if isinstance(data_or_path, bytes):
            self.assertTrue(data_or_path.startswith(b"%PDF-"))
            path = os.path.join(self.tmp, "t-%d.pdf" % time.monotonic_ns())
            with open(path, "wb") as f:
                f.write(data_or_path)
        p = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"],
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.decode("utf-8")

    def check_email(self, m, kind, c, note, talon):
        """One message checked whole against its notification."""
        msg = m["msg"]
        raw = m["raw"]
        self.assertEqual(m["from"], SMTP_FROM)
        self.assertEqual(m["to"], [c["email"]])
        self.assertNotIn(b"\n", raw.replace(b"\r\n", b""), "bare LF")
        self.assertEqual(str(msg["Subject"]), kazakh_subject(kind, talon))
        self.assertRegex(str(msg["Message-ID"]), r"^<%s@%s>$" %
                         (UUID, re.escape(MAIL_HOST)))
        self.assertEqual(str(msg["Message-ID"]),
                         "<%s@%s>" % (note["uid"], MAIL_HOST))
        when = email.utils.parsedate_to_datetime(str(msg["Date"]))
        self.assertIsNotNone(when.tzinfo)
        self.assertLess(abs(when.timestamp() - time.time()), 600)
        self.assertEqual(str(msg["Auto-Submitted"]), "auto-generated")
        self.assertEqual(msg["To"].addresses[0].addr_spec, c["email"])
        self.assertEqual(msg.get_content_type(), "multipart/mixed")
        part = msg.get_body(preferencelist=("plain",))
        self.assertEqual(part.get_content_charset(), "utf-8")
        text = part.get_content()
        self.assertIn(talon, text)
        self.assertIn("Құрметті", text)
        self.assertIn("Уважаемый", text)
        self.assertLess(text.index("Құрметті"), text.index("Уважаемый"),
                        "the Russian text follows the Kazakh")
        self.assertIn(STATUS_URL + talon, text)
        pdfs = [a for a in msg.iter_attachments()
                if a.get_content_type() == "application/pdf"]
        self.assertEqual(len(pdfs), 1)
        t = squash(self.pdf_text(pdfs[0].get_content()))
        self.assertIn(squash(c["address"]), t)
        self.assertIsNotNone(note["out_no"])
        self.assertIn("%d/%d" % (note["out_no"], note["out_year"]), t)
        self.assertIn(talon, t)
        return text

    # === 1. Every kind arrives ===============================================

    def test_dates_read_back(self):
        """Letters and emails are the record the applicant keeps.  Each
        kind of notice is read back, from the email and from its PDF
        (pdftotext), and every date in it must be a date of the journal
        (read from the store, not from the notices); the extension gives
        the term as it was set first, then the new one."""
        if shutil.which("pdftotext") is None:
            self.skipTest("pdftotext is not installed")
        d = self.start_daemon()
        a = self.register(email="dates.read.back@example.kz")
        res = self.act(a, "forward", [("to", "almaty-alatau"),
                                      ("reason", "Мектеп Алатау ауданында")])
        nt = res.find("new-talon")
        a2 = dict(a, number=text_of(nt, "number"), id=int(text_of(nt, "id")),
                  body="almaty-alatau")
        self.assign(a2)
        ext = self.act(a2, "extend", [("reason", "Құжаттар сұратылды")])
        self.decide(a2)
        self.wait_for("three emails", lambda: len(self.smtp.messages()) >= 3)
        self.wait_states([a2], "sent")

        def dmy(iso):
            y, m, dd = iso.split("-")
            return "%s.%s.%s" % (dd, m, y)

        def local(ts):
            return datetime.datetime.fromtimestamp(ts, ALMATY).date()

        # The journal: when each entry was accepted, its due dates (the
        # register event's and the extension's), and the notices' dates.
        journal = set()
        for c in (a, a2):
            acc, = d.query("SELECT accepted_at FROM complaint WHERE id = ?",
                           (c["id"],))[0]
            journal.add(dmy(local(acc).isoformat()))
        first_due = d.query("SELECT due FROM complaint WHERE id = ?",
                            (a["id"],))[0][0]
        journal.add(dmy(first_due))
        ev = d.query("SELECT detail FROM event WHERE complaint_id = ? AND "
                     "action = 'extend'", (a2["id"],))
        self.assertEqual(len(ev), 1, ev)
        new_due = re.search(r"extended to (\d{4}-\d\d-\d\d)",
                            ev[0][0]).group(1)
        self.assertEqual(new_due, text_of(ext, "due"))
        journal.add(dmy(new_due))
        self.assertEqual(text_of(ext, "state"), "extended")
        # a2's due date before the extension: the one on its talon.
        old_due = text_of(nt, "due")
        self.assertNotEqual(old_due, new_due)
        journal.add(dmy(old_due))
        for n in self.notes(a) + self.notes(a2):
            for v in d.query("SELECT due_by, letter_date FROM notification "
                             "WHERE id = ?", (n["id"],))[0]:
                if v:
                    journal.add(dmy(v))

        date_re = re.compile(r"\b\d\d\.\d\d\.\d{4}\b")
        msgs = {m["id"]: m for m in self.smtp.messages()}
        for kind, c in (("forwarded", a), ("extended", a2),
                        ("decision", a2)):
            n = self.note(c, kind)
            m = msgs["<%s@%s>" % (n["uid"], MAIL_HOST)]
            text = m["msg"].get_body(preferencelist=("plain",)).get_content()
            pdf = [p for p in m["msg"].iter_attachments()
                   if p.get_content_type() == "application/pdf"][0]
            for where, t in (("email", text),
                             ("pdf", squash(self.pdf_text(
                                 pdf.get_content())))):
                found = date_re.findall(t)
                self.assertTrue(found, "%s %s: no date" % (kind, where))
                for x in found:
                    self.assertIn(x, journal, "%s %s: %s is no date of the "
                                  "journal %s" % (kind, where, x,
                                                  sorted(journal)))
                if kind == "extended":
                    # The term as set, then the new one, in that order.
                    self.assertIn(dmy(old_due), t, where)
                    self.assertIn(dmy(new_due), t, where)
                    self.assertLess(t.index(dmy(old_due)),
                                    t.index(dmy(new_due)),
                                    "%s: the new due date comes first"
                                    % where)

    def test_every_kind_arrives(self):
        d = self.start_daemon()
        a = self.register(email="gauhar.otegenova@example.kz")
        # Registered at Bostandyk; the school is Alatau's: forwarded.
        res = self.act(a, "forward", [("to", "almaty-alatau"),
                                      ("reason", "Мектеп Алатау ауданында")])
        nt = res.find("new-talon")
        a2 = dict(a, number=text_of(nt, "number"), id=int(text_of(nt, "id")),
                  body="almaty-alatau")
        self.assertEqual(self.note(a, "forwarded")["channel"], "email")
        self.assign(a2)
        self.act(a2, "extend", [("reason", "Мектептен құжаттар сұратылды")])
        self.decide(a2)
        # One complaint for the deadline watch.
        b = self.register(email="watched@example.kz",
                          surname="Іскақова", name="Сәуле")

        self.wait_for("three emails", lambda: len(self.smtp.messages()) >= 3)
        self.wait_states([a2], "sent")
        time.sleep(1.2)         # nothing more comes
        msgs = self.smtp.messages()
        self.assertEqual(len(msgs), 3, [m["id"] for m in msgs])
        texts = []
        want = [("forwarded", a, a["number"]),
                ("extended", a2, a2["number"]),
                ("decision", a2, a2["number"])]
        for kind, c, talon in want:
            n = self.note(c, kind)
            self.assertEqual(n["channel"], "email")
            self.assertEqual(n["state"], "sent", n)
            got = [m for m in msgs if m["id"] == "<%s@%s>" % (n["uid"],
                                                             MAIL_HOST)]
            self.assertEqual(len(got), 1, "%s: %d messages" % (kind,
                                                               len(got)))
            texts.append(self.check_email(got[0], kind, a, n, talon))
            self.assertEqual(n["attempts"], 1)
            self.assertEqual(self.attempts(n["id"])[-1][0], "sent")
        all_text = "\n".join(texts)
        for ch in KAZAKH:
            self.assertTrue(ch in all_text or ch.lower() in all_text,
                            "no %s in the texts" % ch)
        self.assertIn("Шағым негізді", texts[2])
        # Each email took an outgoing number of its body.
        self.assertEqual(self.note(a, "forwarded")["out_no"], 1)
        # The decision went out: answered, by email, with its event.
        self.assertEqual(self.complaint_row(a2), ("answered", "email"))
        ev = self.events(a2, "answer")
        self.assertEqual(len(ev), 1, ev)
        self.assertIn("email", ev[0][1])
        r = d.get("/api/v1/complaints/%d" % a2["id"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(text_of(r.xml(), "state"), "answered")

        # Overdue and the reminder: internal, shown to the body, never
        # emailed.  The clock moves past b's due date.
        due = datetime.date.fromisoformat(b["due"])
        d.stop()
        d.extra.update(watch_interval=1, remind_days=1,
                       test_clock_offset=(due + datetime.timedelta(days=1) -
                                          almaty_today()).days * 86400)
        d.start()
        for kind in ("overdue", "reminder"):
            self.wait_for("%s notice handled" % kind,
                          lambda: self.notes(b, kind) and
                          self.notes(b, kind)[0]["state"] != "pending")
        time.sleep(1.5)
        for kind in ("overdue", "reminder"):
            n = self.note(b, kind)
            self.assertEqual(n["channel"], "internal")
            self.assertEqual(n["recipient"], "almaty-bostandyk")
            self.assertEqual(n["state"], "sent", n)
            self.assertIsNone(n["out_no"], "an internal notice took an "
                              "outgoing number")
            self.assertEqual(self.attempts(n["id"]),
                             [("sent", "shown to almaty-bostandyk")])
        self.assertEqual(len(self.smtp.messages()), 3,
                         "an internal notice was emailed")
        self.assertNotIn("watched@example.kz",
                         [t for m in self.smtp.messages() for t in m["to"]])

    # === 2. Post =============================================================

    def test_post(self):
        d = self.start_daemon()
        body = "almaty-medeu"
        cs = []
        for i in range(3):
            c = self.register(body=body, service=5, institution=MEDEU_SCHOOL,
                              email=None, surname=["Құрманғазиев",
                                                   "Жақсылықов",
                                                   "Нұрғалиев"][i],
                              name="Нұрлан", patronymic="Ерғалиұлы",
                              address="Алматы қ., Медеу ауданы, Достық "
                              "даңғылы, %d үй" % (80 + i))
            self.assign(c)
            self.decide(c)
            cs.append(c)
        # An email applicant of a post-only service goes by post too.
        e = self.register(body=body, service=5, institution=MEDEU_SCHOOL,
                          email="post.only@example.kz",
                          address="Алматы қ., Медеу ауданы, Луганский "
                          "көшесі, 7 үй")
        self.assign(e)
        self.decide(e)
        cs.append(e)
        self.wait_states(cs, "ready")
        today = almaty_today()
        ns = [self.note(c) for c in cs]
        for c, n in zip(cs, ns):
            self.assertEqual(n["channel"], "post")
            self.assertEqual(n["recipient"], c["address"])
            self.assertEqual(n["out_year"], today.year)
            self.assertEqual(n["letter_date"], today.isoformat())
            self.assertIsNone(n["last_error"])
            self.assertEqual(self.complaint_row(c)[0], "decided")
        # The outgoing journal of the body and year: no gap, no repeat.
        nos = sorted(r[0] for r in d.query(
            "SELECT n.out_no FROM notification n JOIN complaint c ON "
            "c.id = n.complaint_id JOIN body b ON b.id = c.body_id WHERE "
            "b.code = ? AND n.out_year = ?", (body, today.year)))
        self.assertEqual(nos, list(range(1, len(cs) + 1)))
        self.assertEqual(self.smtp.messages(), [])

        # The day's batch: a letter each, the register as PDF and CSV.
        out = os.path.join(self.tmp, "post")
        p = self.ctl("post", "batch", "--body", body, "--date",
                     today.isoformat(), "-o", out, body=body)
        self.assertExit(p, 0)
        self.assertIn("%d letters" % len(cs), p.err)
        files = sorted(os.listdir(out))
        letters = ["letter-%d-%d.pdf" % (n["out_no"], n["out_year"])
                   for n in ns]
        reg = "register-%s-%s" % (body, today.isoformat())
        self.assertEqual(files, sorted(letters + [reg + ".csv",
                                                  reg + ".pdf"]))
        for c, n, f in zip(cs, ns, letters):
            t = squash(self.pdf_text(os.path.join(out, f)))
            self.assertIn(squash(c["address"]), t)
            self.assertIn(c["number"], t)
            self.assertIn("%d/%d" % (n["out_no"], n["out_year"]), t)
        with open(os.path.join(out, reg + ".csv"), encoding="utf-8",
                  newline="") as f:
            raw = f.read()
        self.assertFalse(raw.startswith("\ufeff"), "a BOM in the CSV")
        self.assertIn("\r\n", raw)
        rows = list(csv.reader(io.StringIO(raw)))
        self.assertEqual(rows[0], ["out_number", "addressee", "address",
                                   "talon"])
        self.assertEqual(rows[1:], [["%d/%d" % (n["out_no"], n["out_year"]),
                                     c["name"], c["address"], c["number"]]
                                    for c, n in zip(cs, ns)])
        t = squash(self.pdf_text(os.path.join(out, reg + ".pdf")))
        for c, n in zip(cs, ns):
            self.assertIn(c["number"], t)
            self.assertIn("%d/%d" % (n["out_no"], n["out_year"]), t)
        # A page for a person to look at.
        os.makedirs(OUTPUT, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l",
                        "1", os.path.join(out, letters[0]),
                        os.path.join(OUTPUT, "delivery_post_letter")],
                       check=True, timeout=60)
        pngs = [f for f in os.listdir(OUTPUT)
                if f.startswith("delivery_post_letter") and
                f.endswith(".png")]
        self.assertTrue(pngs)

        # Posted: the tracking number, answered by post.
        p = self.ctl("post", "sent", ns[0]["id"], "--tracking",
                     "RR123456789KZ", body=body)
        self.assertExit(p, 0)
        n = self.note(cs[0])
        self.assertEqual(n["state"], "sent")
        self.assertEqual(n["tracking"], "RR123456789KZ")
        self.assertEqual(self.complaint_row(cs[0]), ("answered", "post"))
        ev = self.events(cs[0], "answer")
        self.assertEqual(len(ev), 1, ev)
        self.assertIn("RR123456789KZ", ev[0][1])
        # Only once; the others wait.
        p = self.ctl("post", "sent", ns[0]["id"], "--tracking",
                     "RR123456789KZ", body=body)
        self.assertExit(p, 1)
        self.assertIn("409", p.err)
        self.assertEqual(len(self.events(cs[0], "answer")), 1)
        self.assertEqual(self.complaint_row(cs[1])[0], "decided")
        # Posted letters stay in the day's register.
        r = self.staff_get("/api/v1/post/register?body=%s&date=%s&format="
                           "csv" % (body, today.isoformat()), body)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(list(csv.reader(io.StringIO(r.text)))),
                         len(cs) + 1)

    def test_unprintable_letter_does_not_stop_the_batch(self):
        """A letter whose applicant's name holds DEL (stored before the
        door refused it: written here straight into the file) is refused
        with its reason (409, not 500); the day's batch reports it and
        goes on: the other letters and the register come out."""
        d = self.start_daemon()
        body = "almaty-medeu"
        cs = []
        for i in range(3):
            c = self.register(body=body, service=5, institution=MEDEU_SCHOOL,
                              surname="Сапаров%d" % i)
            self.assign(c)
            self.decide(c)
            cs.append(c)
        self.wait_states(cs, "ready")
        con = sqlite3.connect(d.db_path, timeout=10)
        with con:
            con.execute("UPDATE complaint SET surname = ? WHERE id = ?",
                        ("Сапа\x7fров1", cs[1]["id"]))
        con.close()
        ns = [self.note(c) for c in cs]
        r = self.staff_get("/api/v1/notifications/%d/letter" % ns[1]["id"],
                           body)
        self.assertError(r, 409, "unprintable-text")
        self.assertIn("surname", r.text)
        today = almaty_today().isoformat()
        out = os.path.join(self.tmp, "post")
        p = self.ctl("post", "batch", "--body", body, "--date", today,
                     "-o", out, body=body)
        self.assertExit(p, 3)
        self.assertIn("unprintable-text", p.err)
        self.assertIn("2 letters", p.err)
        self.assertIn("1 documents could not be fetched", p.err)
        reg = "register-%s-%s" % (body, today)
        letters = ["letter-%d-%d.pdf" % (n["out_no"], n["out_year"])
                   for n in (ns[0], ns[2])]
        self.assertEqual(sorted(os.listdir(out)),
                         sorted(letters + [reg + ".csv", reg + ".pdf"]))
        with open(os.path.join(out, reg + ".csv"), encoding="utf-8",
                  newline="") as f:
            rows = list(csv.reader(f))
        self.assertEqual([r[3] for r in rows[1:]],
                         [cs[0]["number"], cs[2]["number"]])

    # === 3. Talon slip =======================================================

    def test_talon_slip(self):
        self.start_daemon()
        c = self.register(email="slip@example.kz")
        url = STATUS_URL + c["number"]
        p = self.ctl("slip", c["number"], "--code", c["code"], "--text")
        self.assertExit(p, 0)
        lines = p.out.split("\n")
        self.assertEqual(lines[-1], "", "the text ends in a newline")
        for line in lines:
            self.assertLessEqual(len(line), 42, repr(line))
        self.assertIn(c["number"], p.out)
        self.assertShowsCode(c["code"], p.out)
        # The address on lines of its own, cut where it must be.
        self.assertIn(url, "".join(ln.strip() for ln in lines))
        url_lines = [ln for ln in lines if ln.strip() and
                     url.startswith(ln.strip())]
        self.assertTrue(url_lines, p.out)
        self.assertTrue(url_lines[0].strip().startswith("https://"))

        pdf = os.path.join(self.tmp, "slip.pdf")
        p = self.ctl("slip", c["number"], "--code", c["code"], "-o", pdf)
        self.assertExit(p, 0)
        with open(pdf, "rb") as f:
            data = f.read()
        t = self.pdf_text(data)
        self.assertIn(c["number"], t)
        self.assertShowsCode(c["code"], t)
        for label in ("ТАЛОН", "Талон нөмірі", "Тіркеу нөмірі",
                      "Қол жеткізу коды"):
            self.assertIn(label, t)
        self.assertIn(url, squash(t).replace(" ", ""))
        self.assertQrCode(pdf, data)

        # A wrong code is refused; no file is left.
        bad = os.path.join(self.tmp, "bad.pdf")
        wrong = "ABCDEFGH" if c["code"] != "ABCDEFGH" else "HGFEDCBA"
        p = self.ctl("slip", c["number"], "--code", wrong, "-o", bad)
        self.assertExit(p, 1)
        self.assertIn("403", p.err)
        self.assertFalse(os.path.exists(bad))
        p = self.ctl("slip", c["number"], "--code", wrong, "--text")
        self.assertExit(p, 1)
        self.assertIn("403", p.err)
        self.assertNotIn(c["number"], p.out)
        r = self.d.get("/api/v1/talons/%s/slip?code=%s&format=text"
                       % (c["number"], wrong))
        self.assertEqual(r.status, 403, r)

    def assertShowsCode(self, code, text):
        """The access code, whole or in groups of four."""
        self.assertTrue(code in text or "%s-%s" % (code[:4], code[4:]) in
                        text, "access code %s not in:\n%s" % (code, text))

    def assertQrCode(self, path, data):
        """The slip shows a QR code: an image in the PDF, or one drawn
        (three finder patterns in the rendered page)."""
        p = subprocess.run(["pdfimages", "-list", path], capture_output=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        images = p.stdout.decode().strip().split("\n")[2:]
        if images:
            return
        # Drawn: many filled rectangles in a content stream ...
        rects = 0
        for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data,
                             re.S):
            try:
                s = zlib.decompress(m.group(1))
            except zlib.error:
                s = m.group(1)
            rects += len(re.findall(rb"(?:-?[\d.]+ ){4}re\b", s))
            # cairo writes a rectangle as a closed path: m, l, l, l, h
            rects += len(re.findall(rb"-?[\d.]+ -?[\d.]+ m (?:-?[\d.]+ "
                                    rb"-?[\d.]+ l ){3}h", s))
        self.assertGreater(rects, 50, "no QR code image, and too few "
                           "rectangles drawn for one")
        # ... that make a QR code: its three finder patterns.
        base = os.path.join(self.tmp, "slip")
        subprocess.run(["pdftoppm", "-gray", "-r", "150", "-f", "1", "-l",
                        "1", path, base], check=True, timeout=60)
        pgm = [f for f in os.listdir(self.tmp) if f.startswith("slip-") and
               f.endswith(".pgm")]
        self.assertTrue(pgm)
        with open(os.path.join(self.tmp, pgm[0]), "rb") as f:
            img = f.read()
        found = finder_patterns(img)
        self.assertTrue(qr_corner(found), "no QR code drawn on the slip "
                        "(finder patterns: %r)" % (found,))

    # === 4. Outage, exactly once =============================================

    def test_outage_exactly_once(self):
        d = self.start_daemon()
        h = self.smtp.handler
        body = "almaty-bostandyk"

        # -- The server is down: kept, retried, then sent once.
        cs = self.decided(10, "outage")
        self.smtp.stop()
        for c in cs:
            self.decide(c)
        self.wait_for("every notice tried twice",
                      lambda: all(self.note(c)["attempts"] >= 2
                                  for c in cs), timeout=10)
        for c in cs:
            n = self.note(c)
            self.assertIn(n["state"], ("pending", "sending"), n)
            self.assertTrue(n["last_error"], n)
            self.assertRegex(n["last_error"], "(?i)connect")
            self.assertEqual(self.complaint_row(c)[0], "decided")
            self.assertEqual({r[0] for r in self.attempts(n["id"])},
                             {"temporary"})
        self.smtp.start()
        self.wait_states(cs, "sent", timeout=20)
        time.sleep(1.5)
        self.assertEqual(len(self.smtp.messages()), 10)
        self.assertOnce(cs)
        for c in cs:
            self.assertEqual(self.complaint_row(c), ("answered", "email"))
            self.assertEqual(len(self.events(c, "answer")), 1)
            n = self.note(c)
            self.assertIsNone(n["last_error"])
            self.assertEqual(self.attempts(n["id"])[-1][0], "sent")
        seen = len(self.smtp.messages())

        # -- A slow server (5 s a message; the daemon waits 120 s).
        slow = self.decided(2, "slow")
        h.delay = 5
        for c in slow:
            self.decide(c)
        self.wait_states(slow, "sent", timeout=25)
        h.delay = 0
        time.sleep(1.2)
        msgs = self.smtp.messages()[seen:]
        self.assertEqual(len(msgs), 2, [m["id"] for m in msgs])
        self.assertOnce(slow, messages=msgs)
        for c in slow:
            self.assertEqual(self.note(c)["attempts"], 1)
        seen += len(msgs)

        # -- 451 for a while, then accepted: once, after retries.
        later = self.decided(3, "later")
        h.reply = "451 4.3.0 Try again later"
        for c in later:
            self.decide(c)
        self.wait_for("each tried twice and refused with 451",
                      lambda: all(self.note(c)["attempts"] >= 2 and
                                  "451" in (self.note(c)["last_error"] or
                                            "") for c in later),
                      timeout=10)
        for c in later:
            self.assertIn(self.note(c)["state"], ("pending", "sending"))
        h.reply = None
        self.wait_states(later, "sent", timeout=20)
        time.sleep(1.2)
        msgs = self.smtp.messages()[seen:]
        self.assertEqual(len(msgs), 3, [m["id"] for m in msgs])
        self.assertOnce(later, messages=msgs)
        seen += len(msgs)

        # -- 550: failed at once, the reply kept, shown to the registrar.
        refused = self.decided(2, "refused")
        h.reply = "550 5.1.1 <%(addr)s>: Recipient address rejected"
        for c in refused:
            self.decide(c)
        self.wait_states(refused, "failed")
        ns = [self.note(c) for c in refused]
        for c, n in zip(refused, ns):
            self.assertEqual(n["attempts"], 1, n)
            self.assertIn("550", n["last_error"])
            self.assertIn("Recipient address rejected", n["last_error"])
            self.assertIn(c["email"], n["last_error"])
            self.assertEqual(self.attempts(n["id"])[-1][0], "permanent")
            self.assertEqual(self.complaint_row(c)[0], "decided")
        self.assertIn("failed", d.log())
        listed = {int(x.get("id")): x for x in self.failed_list(body)}
        self.assertEqual(sorted(listed), sorted(n["id"] for n in ns))
        for n in ns:
            x = listed[n["id"]]
            self.assertEqual(x.get("state"), "failed")
            self.assertEqual(x.get("kind"), "decision")
            self.assertIn("550", text_of(x, "last-error"))
        p = self.ctl("notify", "failed", "--body", body)
        self.assertExit(p, 0)
        out = [ln for ln in p.out.split("\n") if ln.strip()]
        self.assertEqual(len(out), 2, p.out)
        for n in ns:
            line = [ln for ln in out if ln.split()[0] == str(n["id"])]
            self.assertEqual(len(line), 1, p.out)
            self.assertIn("550", line[0])
            self.assertIn(n["recipient"], line[0])
        self.assertEqual(self.smtp.messages()[seen:], [])

        # The server is fixed: resend one, send the other by post.
        h.reply = None
        p = self.ctl("notify", "resend", ns[0]["id"])
        self.assertExit(p, 0)
        p = self.ctl("notify", "to-post", ns[1]["id"])
        self.assertExit(p, 0)
        self.wait_states(refused[:1], "sent")
        self.wait_states(refused[1:], "ready")
        time.sleep(1.2)
        msgs = self.smtp.messages()[seen:]
        self.assertEqual(len(msgs), 1, [m["id"] for m in msgs])
        self.assertOnce(refused[:1], messages=msgs)
        self.assertEqual(self.complaint_row(refused[0]),
                         ("answered", "email"))
        n = self.note(refused[1])
        self.assertEqual(n["channel"], "post")
        self.assertEqual(n["recipient"], refused[1]["address"])
        self.assertIsNone(n["last_error"])
        # The outgoing number given when it was first tried is kept.
        self.assertEqual(n["out_no"], ns[1]["out_no"])
        self.assertEqual(self.complaint_row(refused[1])[0], "decided")
        p = self.ctl("notify", "failed", "--body", body)
        self.assertExit(p, 0)
        self.assertEqual(p.out.strip(), "")
        # A notice that is not failed is not sent again.
        p = self.ctl("notify", "resend", ns[0]["id"])
        self.assertExit(p, 1)
        self.assertIn("409", p.err)
        # Every email of this daemon arrived once; the outgoing journal
        # has no gap.
        self.assertOnce(cs + slow + later + refused[:1])
        nos = sorted(r[0] for r in d.query(
            "SELECT out_no FROM notification WHERE out_no IS NOT NULL"))
        self.assertEqual(nos, list(range(1, len(nos) + 1)))

    def test_give_up(self):
        self.smtp.stop()
        self.start_daemon(notify_attempts=3)
        c = self.decided(1, "giveup")[0]
        self.decide(c)
        self.wait_states([c], "failed", timeout=20)
        n = self.note(c)
        self.assertEqual(n["attempts"], 3, n)
        self.assertIn("gave up", n["last_error"])
        self.assertIn("3 attempts", n["last_error"])
        self.assertEqual([r[0] for r in self.attempts(n["id"])],
                         ["temporary"] * 3)
        self.assertEqual(self.complaint_row(c)[0], "decided")
        x = self.failed_list()
        self.assertEqual([int(e.get("id")) for e in x], [n["id"]])
        self.assertIn("gave up", text_of(x[0], "last-error"))
        # Resent when the server is back: one more try, and it goes.
        self.smtp.start()
        p = self.ctl("notify", "resend", n["id"])
        self.assertExit(p, 0)
        self.wait_states([c], "sent", timeout=10)
        self.assertOnce([c])

    # === 5. Restart ==========================================================

    def test_crash_with_mail_waiting(self):
        d = self.start_daemon()
        cs = self.decided(5, "crash")
        self.smtp.stop()
        for c in cs:
            self.decide(c)
        self.wait_for("every notice tried",
                      lambda: all(self.note(c)["attempts"] >= 1
                                  for c in cs), timeout=10)
        self.assertEqual(d.kill(), -9)
        self.smtp.start()
        time.sleep(0.5)
        self.assertEqual(self.smtp.messages(), [])
        d.start()
        self.wait_states(cs, "sent", timeout=20)
        time.sleep(1.5)
        self.assertEqual(len(self.smtp.messages()), 5)
        self.assertOnce(cs)
        for c in cs:
            self.assertEqual(self.complaint_row(c), ("answered", "email"))
            self.assertEqual(len(self.events(c, "answer")), 1)
        # And again after a clean restart: nothing is sent twice.
        d.restart()
        time.sleep(2.0)
        self.assertEqual(len(self.smtp.messages()), 5)

    # === 6. Bad input ========================================================

    def test_no_address_at_all(self):
        d = self.start_daemon()
        c = self.register(service=5, email=None, address=None)
        self.assign(c)
        self.decide(c)
        self.wait_states([c], "failed")
        n = self.note(c)
        self.assertEqual(n["channel"], "post")
        self.assertIsNone(n["recipient"])
        self.assertIn("no postal address", n["last_error"])
        self.assertIn("no postal address", d.log())
        x = self.failed_list()
        self.assertEqual([int(e.get("id")) for e in x], [n["id"]])
        self.assertIn("no postal address", text_of(x[0], "last-error"))
        self.assertEqual(self.complaint_row(c)[0], "decided")
        # It cannot be switched to the post either.
        p = self.ctl("notify", "to-post", n["id"])
        self.assertExit(p, 1)
        self.assertIn("409", p.err)
        self.assertEqual(self.smtp.messages(), [])

    def register_email(self, addr, d=None):
        return (d or self.d).register(
            body="almaty-bostandyk", service=EMAIL_SERVICE,
            subject_institution=BOSTANDYK_SCHOOL, email=addr,
            surname="Өтегенова", name="Гауһар")

    def test_bad_email_refused_at_registration(self):
        d = self.start_daemon()
        before = d.count_complaints()
        for addr in ["not-an-email", "gauhar@", "@example.kz",
                     "two@@example.kz", "gauhar otegenova@example.kz",
                     "gauhar@example", "gauhar@exa mple.kz",
                     "gauhar@example.kz, other@example.kz"]:
            r = self.register_email(addr)
            self.assertEqual(r.status, 400, "%s: %r" % (addr, r))
            self.assertIn(b"email", r.body, r)
        self.assertEqual(d.count_complaints(), before)
        # A good one still registers.
        self.register(email="gauhar.o-tegenova+1@mail.example.kz")

    def test_email_schema_agrees_with_sender(self):
        """An address the outbox would refuse to send to (notify's
        notify_email_valid()) is refused when the complaint is
        registered, not found out when the decision is sent."""
        self.start_daemon()
        accepted = []
        for addr in ["гауһар@example.kz", "gauhar..o@example.kz",
                     ".gauhar@example.kz", "gauhar.@example.kz",
                     "gauhar@-example.kz", "gauhar@example.123",
                     "gauhar@example..kz", "gauhar@.example.kz"]:
            r = self.register_email(addr)
            if r.status != 400:
                accepted.append((addr, r.status))
        self.assertEqual(accepted, [], "addresses complaint.xsd lets in "
                         "that the outbox refuses to send to")

    def test_notifications_document_has_a_schema(self):
        """GET /api/v1/notifications answers a <notifications> document;
        like every document in and out it has its XSD."""
        self.assertTrue(os.path.exists(NOTIFICATIONS_XSD),
                        "no schemas/notifications.xsd")

    def test_admin_sees_no_body_notifications(self):
        """The administrator may not read a body's notifications (403
        with body=); the list without body= must not show them either."""
        d = self.start_daemon()
        c = self.register(service=5, email=None)
        self.assign(c)
        self.decide(c)
        self.wait_states([c], "ready")
        admin = {"Authorization": "Bearer " + d.account("admin", "mop")}
        r = d.get("/api/v1/notifications?body=almaty-bostandyk",
                  headers=admin)
        self.assertEqual(r.status, 403, r)
        r = d.get("/api/v1/notifications", headers=admin)
        self.assertTrue(r.status == 403 or (
            r.status == 200 and r.xml().findall("notification") == []),
            "the administrator lists every body's notifications: %r" % r)
        # The body's registrar sees its own.
        r = self.staff_get("/api/v1/notifications")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.xml().findall("notification")), 1)

    def test_missing_notice_text(self):
        """A text the catalogues lack stops the notice that needs it: the
        notification fails with the key named, and no mail goes out with
        a blank where the text should be."""
        web = os.path.join(self.tmp, "web")
        shutil.copytree(os.path.join(REPO, "web"), web)
        for lang in ("kk", "ru", "en"):
            path = os.path.join(web, "lang", lang + ".xml")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            text, n = re.subn(r'<text key="notice\.decision\.outcome">'
                              r'[^<]*</text>', "", text)
            self.assertEqual(n, 1)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        d = self.start_daemon(web_dir=web)
        c = self.decided(1, "nokey")[0]
        self.decide(c)
        self.wait_states([c], "failed", timeout=15)
        n = self.note(c)
        self.assertIn("notice.decision.outcome", n["last_error"])
        self.assertEqual(self.smtp.messages(), [])
        self.assertIn("notice.decision.outcome", d.log())

    def test_notice_text_edited_and_reloaded(self):
        """A translator edits a notice's text in the catalogue; after
        SIGHUP the next email says it, with no code changed."""
        web = os.path.join(self.tmp, "web")
        shutil.copytree(os.path.join(REPO, "web"), web)
        d = self.start_daemon(web_dir=web)
        path = os.path.join(web, "lang", "kk.xml")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        old = catalogue("kk")["notice.decision.outcome"]
        new = "Жаңа мәтін: {outcome}!"
        text = text.replace(">%s</text>" % escape(old),
                            ">%s</text>" % escape(new))
        self.assertIn(new, text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        d.proc.send_signal(signal.SIGHUP)
        self.wait_for("the reload", lambda: "pages and texts loaded" in
                      d.log(), timeout=10)
        c = self.decided(1, "hup")[0]
        self.decide(c)
        self.wait_states([c], "sent", timeout=15)
        m = self.smtp.messages()[0]
        body = m["msg"].get_body(preferencelist=("plain",)).get_content()
        outcome = catalogue("kk")["notice.outcome.upheld"]
        self.assertIn(new.replace("{outcome}", outcome), body)
        self.assertNotIn(old.replace("{outcome}", outcome), body)

    # === Found along the way =================================================

    def test_to_post_on_a_later_day(self):
        """A letter is in the register of the day it is made ready, and
        dated as that register says."""
        d = self.start_daemon()
        day0 = almaty_today()
        day1 = day0 + datetime.timedelta(days=1)
        # An email refused for good on day 0; a letter ready on day 0.
        c1 = self.decided(1, "refused")[0]
        c2 = self.register(service=5, email=None)
        self.assign(c2)
        self.smtp.handler.reply = "550 5.1.1 <%(addr)s>: no such mailbox"
        self.decide(c1)
        self.decide(c2)
        self.wait_states([c1], "failed")
        self.wait_states([c2], "ready")
        self.assertEqual(self.note(c2)["letter_date"], day0.isoformat())
        # The next day the registrar sends the first by post, and prints
        # the letters of day 0 that were left.
        d.stop()
        d.extra["test_clock_offset"] = 86400
        d.start()
        d.tokens.clear()
        p = self.ctl("notify", "to-post", self.note(c1)["id"])
        self.assertExit(p, 0)
        self.wait_states([c1], "ready")
        out1 = os.path.join(self.tmp, "day1")
        p = self.ctl("post", "batch", "--body", "almaty-bostandyk",
                     "--date", day1.isoformat(), "-o", out1)
        self.assertExit(p, 0)
        out0 = os.path.join(self.tmp, "day0")
        p = self.ctl("post", "batch", "--body", "almaty-bostandyk",
                     "--date", day0.isoformat(), "-o", out0)
        self.assertExit(p, 0)
        n1 = self.note(c1)
        with self.subTest("switched to post on day 1: in day 1's batch"):
            self.assertEqual(n1["letter_date"], day1.isoformat())
            with open(os.path.join(out1, "register-almaty-bostandyk-%s.csv"
                                   % day1.isoformat()), encoding="utf-8",
                      newline="") as f:
                rows = list(csv.reader(f))
            self.assertEqual([r[3] for r in rows[1:]], [c1["number"]])
        with self.subTest("day 0's letter printed on day 1 bears day 0"):
            f = "letter-%d-%d.pdf" % (self.note(c2)["out_no"],
                                      day0.year)
            self.assertIn(f, os.listdir(out0))
            t = self.pdf_text(os.path.join(out0, f))
            self.assertIn(day0.strftime("%d.%m.%Y"), t)
            self.assertNotIn(day1.strftime("%d.%m.%Y"), t)

    def test_sigterm_with_a_slow_mail_server(self):
        """SIGTERM does not wait for every due email of the batch to go
        to a slow server: the worker stops between messages, and what is
        left goes after the restart, once."""
        d = self.start_daemon(shutdown_grace=2)
        cs = self.decided(5, "term")
        self.smtp.handler.delay = 3
        # While the first goes, four more fall due: the next batch.
        self.decide(cs[0])
        self.wait_for("the first email in DATA",
                      lambda: self.note(cs[0])["state"] == "sending",
                      timeout=10)
        for c in cs[1:]:
            self.decide(c)
        self.wait_for("the batch of four begun",
                      lambda: any(self.note(c)["state"] == "sending"
                                  for c in cs[1:]), timeout=10)
        t0 = time.monotonic()
        self.assertEqual(d.stop(timeout=60), 0)
        took = time.monotonic() - t0
        self.smtp.handler.delay = 0
        with self.subTest("SIGTERM is quick"):
            self.assertLess(took, 2 + 3 + 2, "SIGTERM took %.1f s with a "
                            "3 s mail server and 4 emails due" % took)
        d.start()
        self.wait_states(cs, "sent", timeout=15)
        time.sleep(1.2)
        # The one in flight at SIGTERM may come twice (the same
        # Message-ID, by design); every other once.
        msgs = self.smtp.messages()
        ids = [m["id"] for m in msgs]
        for c in cs:
            mid = "<%s@%s>" % (self.note(c)["uid"], MAIL_HOST)
            self.assertIn(ids.count(mid), (1, 2), mid)
        self.assertLessEqual(len(msgs), len(cs) + 1)


# --- A QR code in a rendered page -------------------------------------------

def finder_patterns(pgm):
    """Centres of QR finder patterns (dark 1:1:3:1:1 across and down) in
    a binary PGM (P5); close hits are merged."""
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    w, h = int(m.group(1)), int(m.group(2))
    px = pgm[m.end():]

    def dark(x, y):
        return px[y * w + x] < 128

    def runs(values):
        out = []
        start = 0
        for i in range(1, len(values) + 1):
            if i == len(values) or values[i] != values[start]:
                out.append((values[start], start, i - start))
                start = i
        return out

    def ratio_ok(lens):
        unit = sum(lens) / 7.0
        if unit < 1.5:
            return False
        want = (1, 1, 3, 1, 1)
        return all(abs(n - k * unit) <= unit * 0.6 for n, k in
                   zip(lens, want))

    def centre_of(rs, i):
        return rs[i + 2][1] + rs[i + 2][2] // 2

    hits = []
    for y in range(h):
        rs = runs([dark(x, y) for x in range(w)])
        for i in range(len(rs) - 4):
            if not rs[i][0] or [r[0] for r in rs[i:i + 5]] != \
                    [True, False, True, False, True]:
                continue
            if not ratio_ok([r[2] for r in rs[i:i + 5]]):
                continue
            x = centre_of(rs, i)
            col = runs([dark(x, yy) for yy in range(h)])
            for j in range(len(col) - 4):
                if [r[0] for r in col[j:j + 5]] != \
                        [True, False, True, False, True]:
                    continue
                if col[j + 2][1] <= y < col[j + 2][1] + col[j + 2][2] and \
                        ratio_ok([r[2] for r in col[j:j + 5]]):
                    hits.append((x, y, sum(r[2] for r in rs[i:i + 5])))
    centres = []
    for x, y, size in hits:
        for c in centres:
            if abs(c[0] - x) < size and abs(c[1] - y) < size:
                break
        else:
            centres.append((x, y, size))
    return centres


def qr_corner(centres):
    """Three finder patterns of one size at three corners of a square:
    top-left, top-right, bottom-left."""
    for a in centres:
        for b in centres:
            for c in centres:
                side = b[0] - a[0]
                if side <= 3 * a[2] or abs(b[1] - a[1]) > a[2] / 7.0 or \
                        abs(c[0] - a[0]) > a[2] / 7.0:
                    continue
                if abs((c[1] - a[1]) - side) > a[2] / 3.5:
                    continue
                if abs(b[2] - a[2]) <= a[2] * 0.15 and \
                        abs(c[2] - a[2]) <= a[2] * 0.15:
                    return (a, b, c)
    return None


if __name__ == "__main__":
    unittest.main()


# --- Mail over TLS -----------------------------------------------------------

def openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   timeout=60)


def make_certificates(folder):
    """A test CA (ca.pem) and two server certificates it signs with the
    openssl command: good.pem for 127.0.0.1, wrong.pem for another name.
    Returns the folder's paths by name."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes"]
    openssl("req", "-x509", *ec, "-days", "2", "-keyout", "ca.key",
            "-out", "ca.pem", "-subj", "/CN=complaints test CA", cwd=folder)
    for name, san in (("good", "IP:127.0.0.1"),
                      ("wrong", "DNS:mail.elsewhere.example")):
        with open(os.path.join(folder, name + ".ext"), "w") as f:
            f.write("subjectAltName=%s\n" % san)
        openssl("req", *ec, "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=%s" % san.split(":", 1)[1], cwd=folder)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", name + ".ext", "-out", name + ".pem", cwd=folder)
    return {n: os.path.join(folder, n) for n in
            ("ca.pem", "good.pem", "good.key", "wrong.pem", "wrong.key")}


class TlsHandler(Handler):
    """Also notes each MAIL FROM and whether the session was under TLS
    by then: nothing may ever be sent in clear."""

    def __init__(self):
        super().__init__()
        self.mails = []

    async def handle_MAIL(self, server, session, envelope, address,
                          mail_options):
        with self.lock:
            self.mails.append(server._tls_protocol is not None or
                              server.transport.get_extra_info("sslcontext")
                              is not None)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Ok"


@unittest.skipIf(Controller is None, "python3-aiosmtpd is not installed")
class TlsDeliveryTest(PerTestDaemonCase):
    """The daemon's mail over STARTTLS (smtp_tls = required, try) and
    SMTPS to aiosmtpd with a certificate made for the test; a server whose
    certificate names another host, or that offers no STARTTLS, gets
    nothing, and the notice waits to be retried."""

    def setUp(self):
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)
        self.tmp = tempfile.mkdtemp(prefix="cx-tls-")
        self.certs = make_certificates(self.tmp)
        self.handler = TlsHandler()
        self.controller = None

    def tearDown(self):
        if self.controller is not None:
            self.controller.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server(self, cert, starttls=True, implicit=False):
        """Starts aiosmtpd on a free port; returns the port."""
        kw = {}
        if cert is not None:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(self.certs[cert + ".pem"],
                                self.certs[cert + ".key"])
            if implicit:
                kw["ssl_context"] = ctx
            elif starttls:
                kw["tls_context"] = ctx
                kw["require_starttls"] = True
        for _ in range(50):
            port = free_port()
            c = Controller(self.handler, hostname="127.0.0.1", port=port,
                           **kw)
            try:
                c.start()
            except (OSError, RuntimeError):
                time.sleep(0.1)
                continue
            self.controller = c
            return port
        self.fail("no port for the SMTP server")

    def decision(self, url, tls):
        """A daemon sending to url with smtp_tls = tls; a complaint with
        an email address decided.  Returns (daemon, notification id)."""
        d = self.new_daemon({
            "smtp_url": url, "smtp_tls": tls,
            "smtp_ca": self.certs["ca.pem"], "smtp_from": SMTP_FROM,
            "mail_host": MAIL_HOST, "notify_interval": 1,
            "notify_backoff": 1, "watch_interval": 0,
            "smtp_timeout": 10})
        r = d.register(body="almaty-bostandyk", service=EMAIL_SERVICE,
                       subject_institution=BOSTANDYK_SCHOOL,
                       email="tls.test@example.kz")
        self.assertEqual(r.status, 201, r)
        cid = d.complaint_id(text_of(r.xml(), "number"))
        for root, fields in (("assign", "<assignee>Нұрланова Айжан"
                              "</assignee>"),
                             ("decide", "<outcome>upheld</outcome>"
                              "<reasoning>%s</reasoning>" % REASONING)):
            r = d.post_xml("/api/v1/complaints/%d/actions" % cid,
                           "<%s><by><name>Оспанов Ерлан</name><position>"
                           "басшы</position><body>almaty-bostandyk</body>"
                           "</by>%s</%s>" % (root, fields, root))
            self.assertEqual(r.status, 200, r)
        rows = d.query("SELECT id FROM notification WHERE complaint_id = ? "
                       "AND kind = 'decision'", (cid,))
        self.assertEqual(len(rows), 1, rows)
        return d, rows[0][0]

    def state(self, d, nid):
        return d.query("SELECT state, attempts, last_error FROM "
                       "notification WHERE id = ?", (nid,))[0]

    def assertArrivesOverTls(self, d, nid):
        deadline = time.monotonic() + 20
        while not self.handler.snapshot():
            if time.monotonic() > deadline:
                self.fail("no message over TLS: %r" % (self.state(d, nid),))
            time.sleep(0.1)
        m = self.handler.snapshot()
        self.assertEqual(len(m), 1)
        self.assertEqual(m[0]["to"], ["tls.test@example.kz"])
        self.assertTrue(all(self.handler.mails), "MAIL FROM in clear")
        deadline = time.monotonic() + 10
        while self.state(d, nid)[0] != "sent":
            if time.monotonic() > deadline:
                self.fail("not marked sent: %r" % (self.state(d, nid),))
            time.sleep(0.1)

    def assertWaitsUnsent(self, d, nid):
        """Tried at least twice, still pending (a temporary failure, to
        retry later), and the server saw no MAIL FROM at all."""
        deadline = time.monotonic() + 20
        while self.state(d, nid)[1] < 2:
            if time.monotonic() > deadline:
                self.fail("not retried: %r" % (self.state(d, nid),))
            time.sleep(0.1)
        state, attempts, err = self.state(d, nid)
        self.assertIn(state, ("pending", "sending"), err)
        self.assertEqual(self.handler.mails, [])
        self.assertEqual(self.handler.snapshot(), [])
        return err

    def case(self, cert, tls, arrives, implicit=False):
        """A server with cert (None: plain, no STARTTLS), the daemon with
        smtp_tls = tls; the decision arrives over TLS or waits unsent."""
        port = self.server(cert, implicit=implicit)
        d, nid = self.decision("%s://127.0.0.1:%d" % (
            "smtps" if implicit else "smtp", port), tls)
        if arrives:
            self.assertArrivesOverTls(d, nid)
        else:
            self.assertWaitsUnsent(d, nid)


# name: (server certificate or None for no TLS, smtp_tls, arrives, SMTPS)
TLS_CASES = {
    "starttls_required": ("good", "required", True, False),
    "starttls_try": ("good", "try", True, False),
    "smtps": ("good", "required", True, True),
    "wrong_certificate_required": ("wrong", "required", False, False),
    "wrong_certificate_try": ("wrong", "try", False, False),
    "wrong_certificate_smtps": ("wrong", "required", False, True),
    "required_but_no_starttls_offered": (None, "required", False, False),
}
for _name, (_cert, _tls, _arrives, _smtps) in TLS_CASES.items():
    setattr(TlsDeliveryTest, "test_" + _name,
            lambda self, c=_cert, t=_tls, a=_arrives, i=_smtps:
            self.case(c, t, a, implicit=i))
