"""Privilege separation: the renderer process and the drop to a user.

The renderer (complaints-render, notify/render.c) draws every PDF in a process of its
own; when it dies or hangs mid-letter, that letter fails with a 503
naming the renderer, a new renderer is started, and the next letter is
drawn.  Started as root with "user", the daemon and its renderer run as
that user, with a data folder it owns."""

import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
from xml.etree import ElementTree as ET

from harness import DaemonError, PerTestDaemonCase, ctl_available, text_of
import test_delivery
from test_delivery import MEDEU_SCHOOL, STATUS_URL

MARKER = "Ілулы-Тест"   # a surname that makes the renderer hang
STARTED = re.compile(r"renderer: started, pid (\d+)")


def proc_status(pid):
    """The fields of /proc/PID/status that say who a process is."""
    out = {}
    with open("/proc/%d/status" % pid, encoding="ascii") as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


def pdf_text(data):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        p = subprocess.run(["pdftotext", "-enc", "UTF-8", f.name, "-"],
                           capture_output=True, timeout=60)
    return p.stdout.decode("utf-8")


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class RendererTest(PerTestDaemonCase):
    """A letter by post: registered, assigned, decided; its PDF asked
    for over HTTP while the renderer hangs on it."""

    register = test_delivery.DeliveryTest.register
    act = test_delivery.DeliveryTest.act
    assign = test_delivery.DeliveryTest.assign
    decide = test_delivery.DeliveryTest.decide
    notes = test_delivery.DeliveryTest.notes
    note = test_delivery.DeliveryTest.note
    wait_for = test_delivery.DeliveryTest.wait_for
    attempts = test_delivery.DeliveryTest.attempts
    COLS = test_delivery.DeliveryTest.COLS

    def setUp(self):
        self.seq = 0

    def start(self, timeout, **extra):
        conf = {"test_renderer_fault": MARKER, "renderer_timeout": timeout,
                "status_url": STATUS_URL, "notify_interval": 1,
                "watch_interval": 0}
        conf.update(extra)
        self.d = self.new_daemon(conf)
        return self.d

    def renderers(self):
        return [int(p) for p in STARTED.findall(self.d.log())]

    def letter_ready(self, surname):
        c = self.register(body="almaty-medeu", service=5,
                          institution=MEDEU_SCHOOL, surname=surname)
        self.assign(c)
        self.decide(c)
        self.wait_for("the letter is ready",
                      lambda: self.note(c)["state"] == "ready")
        return self.note(c)["id"]

    def letter(self, note_id):
        t0 = time.monotonic()
        r = self.d.get("/api/v1/notifications/%d/letter" % note_id,
                       headers={"Authorization": "Bearer " + self.d.account(
                           "registrar", "almaty-medeu")})
        return r, time.monotonic() - t0

    def assertRendererError(self, r, *words):
        self.assertEqual(r.status, 503, r)
        x = ET.fromstring(r.body)
        self.assertEqual(x.tag, "error")
        self.assertEqual(text_of(x, "code"), "renderer-failed")
        for w in ("renderer",) + words:
            self.assertIn(w, text_of(x, "message"))

    def assertLetterOf(self, note_id, surname):
        r, _ = self.letter(note_id)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("Content-Type"), "application/pdf")
        self.assertIn(surname, pdf_text(r.body))

    def test_confined(self):
        """The renderer is another process, under a seccomp filter,
        unable to gain privileges."""
        self.start(30)
        pid = self.renderers()[-1]
        st = proc_status(pid)
        self.assertEqual(st["PPid"], [str(self.d.proc.pid)])
        self.assertEqual(st["Seccomp"], ["2"])
        self.assertEqual(st["NoNewPrivs"], ["1"])
        # Its only descriptors: stdin, stdout, stderr, its socket.
        fds = sorted(int(f) for f in os.listdir("/proc/%d/fd" % pid))
        self.assertEqual(fds, [0, 1, 2, 3])
        self.assertIn("socket:", os.readlink("/proc/%d/fd/3" % pid))

    def test_own_program(self):
        """The renderer is a program of its own: the PDF libraries are
        mapped in it and nowhere in the daemon."""
        self.start(30)
        pid = self.renderers()[-1]
        self.assertEqual(os.path.basename(os.readlink("/proc/%d/exe" % pid)),
                         "complaints-render")
        pdf_libs = re.compile(r"/lib(cairo|pango[^/]*|qrencode|harfbuzz|"
                              r"freetype|fontconfig|pixman[^/]*)\.so")

        def mapped(p):
            with open("/proc/%d/maps" % p, encoding="utf-8") as f:
                return set(m.group(1) for m in pdf_libs.finditer(f.read()))
        self.assertEqual(mapped(self.d.proc.pid), set())
        self.assertTrue({"cairo", "qrencode"} <= mapped(pid), mapped(pid))

    def test_renderer_program_missing(self):
        """A renderer program that is not there: the daemon refuses to
        start, naming it."""
        missing = os.path.join(tempfile.gettempdir(), "no-such-renderer-%d"
                               % os.getpid())
        with self.assertRaises(DaemonError) as e:
            self.start(30, renderer=missing)
        self.assertIn(missing, str(e.exception))

    def test_killed_mid_letter(self):
        d = self.start(30)
        bad = self.letter_ready(MARKER)
        good = self.letter_ready("Жақсылықова")
        first = self.renderers()[-1]
        out = {}
        t = threading.Thread(target=lambda: out.update(
            zip(("r", "secs"), self.letter(bad))))
        t.start()
        self.wait_for("the renderer is drawing the letter",
                      lambda: "test_renderer_fault: hanging" in d.log())
        os.kill(first, signal.SIGKILL)
        t.join(60)
        self.assertRendererError(out["r"], "died")
        self.assertLess(out["secs"], 30)        # the kill, not the timeout
        self.wait_for("a new renderer", lambda: len(self.renderers()) == 2)
        self.assertNotEqual(self.renderers()[-1], first)
        self.assertLetterOf(good, "Жақсылықова")
        self.assertEqual(d.get("/healthz").status, 200)
        self.assertTrue(d.running())

    def test_hang_times_out(self):
        d = self.start(2)
        bad = self.letter_ready(MARKER)
        good = self.letter_ready("Жақсылықова")
        first = self.renderers()[-1]
        r, secs = self.letter(bad)
        self.assertRendererError(r, "no answer in 2 s")
        self.assertGreaterEqual(secs, 2)
        self.assertLess(secs, 10)
        self.assertNotEqual(self.renderers()[-1], first)
        with self.assertRaises(ProcessLookupError):
            os.kill(first, 0)           # killed and reaped
        self.assertLetterOf(good, "Жақсылықова")
        self.assertTrue(d.running())

    def test_email_retried(self):
        """A notice whose letter the renderer fails is tried again
        later, not failed for good; the others go meanwhile."""
        mail = tempfile.mkdtemp(prefix="cx-it-mail-")
        self.addCleanup(shutil.rmtree, mail, True)
        self.start(1, mail_capture=mail, notify_backoff=1,
                   smtp_from="complaints@example.kz")
        hung = self.register(surname=MARKER, email="hung@example.kz")
        fine = self.register(surname="Жақсылықова",
                             email="fine@example.kz")
        for c in (hung, fine):
            self.assign(c)
            self.decide(c)
        self.wait_for("the other notice is sent",
                      lambda: self.note(fine)["state"] == "sent", 30)
        n = self.wait_for(
            "two attempts at the hung notice",
            lambda: (lambda a: a if len(a) >= 2 else None)(
                self.attempts(self.note(hung)["id"])), 30)
        for result, detail in n:
            self.assertEqual(result, "temporary")
            self.assertIn("renderer", detail)
        self.assertNotIn(self.note(hung)["state"], ("failed", "sent"))
        sent = os.listdir(mail)
        self.assertEqual(len(sent), 1, sent)
        self.assertTrue(self.d.running())


def nobody():
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        return None


@unittest.skipUnless(os.geteuid() == 0 and nobody() is not None,
                     "needs root and a user nobody")
@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class DropTest(PerTestDaemonCase):

    def wait_for_log(self, d, text, count=1, timeout=15):
        deadline = time.monotonic() + timeout
        while d.log().count(text) < count:
            self.assertLess(time.monotonic(), deadline, text)
            time.sleep(0.05)

    def test_refuses_root_without_user(self):
        d = self.new_daemon({"test_keep_root": "0"}, start=False)
        with self.assertRaises(Exception) as cm:
            d.start()
        self.assertIn('started as root without "user"', str(cm.exception))

    def test_runs_as_nobody(self):
        pw = nobody()
        d = self.new_daemon({"test_keep_root": "0", "user": "nobody"},
                            start=False)
        # The user must reach its data folder through the test's own.
        os.chmod(d.tmp, 0o711)
        d.start()
        self.wait_for_log(d, "as uid %d" % pw.pw_uid)
        for pid in (d.proc.pid, int(STARTED.findall(d.log())[-1])):
            st = proc_status(pid)
            self.assertEqual(st["Uid"], [str(pw.pw_uid)] * 4, pid)
            self.assertEqual(st["Gid"], [str(pw.pw_gid)] * 4, pid)
            self.assertEqual(st["Groups"], [str(pw.pw_gid)], pid)
        # Its folder and files are its own, made by root or not.
        for name in ("", "complaints.db", "secret.key"):
            path = os.path.join(d.data_dir, name)
            self.assertEqual(os.stat(path).st_uid, pw.pw_uid, path)
        # It writes, and a restart as root finds its files.
        r = d.register()
        self.assertEqual(r.status, 201, r)
        number = text_of(r.xml(), "number")
        d.stop()
        d.start()
        self.wait_for_log(d, "as uid %d" % pw.pw_uid, 2)
        self.assertEqual(d.get("/api/v1/talons/" + number).status, 200)
        self.assertEqual(proc_status(d.proc.pid)["Uid"],
                         [str(pw.pw_uid)] * 4)

    def test_first_request_as_user(self):
        """The socket is bound as root but served only after the drop: a
        request made as soon as the port is known waits in the backlog
        and is read by the user.  The daemon logs the uid it serves its
        first request with (log_level debug)."""
        pw = nobody()
        d = self.new_daemon({"test_keep_root": "0", "user": "nobody",
                             "log_level": "debug"}, start=False)
        os.chmod(d.tmp, 0o711)
        d.start()       # its first request: the harness's /healthz
        self.wait_for_log(d, "first request, served as uid")
        self.assertIn("http: first request, served as uid %d" % pw.pw_uid,
                      d.log())
        self.assertEqual(d.log().count("first request, served as uid"), 1)
        self.assertEqual(proc_status(d.proc.pid)["Uid"],
                         [str(pw.pw_uid)] * 4)


if __name__ == "__main__":
    unittest.main()
