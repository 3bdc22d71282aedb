"""complaintctl through the life of a complaint, the lists, the journal,
the audit and the directory, against the real daemon: output and exit
statuses (0 done, 1 refused, 2 usage, 3 unreachable)."""

import os
import pty
import re
import shutil
import subprocess
import tempfile
import time
import unittest
from xml.etree import ElementTree as ET

from harness import (CTL_BIN, SCHEMA_DIR, DaemonTestCase, PerTestDaemonCase,
                     complaint_xml, ctl_available, free_closed_port)

NUMBER = re.compile(r"^number: (\d{4}-\d{9}-\d)$", re.M)
NEW_TALON = re.compile(r"^new-talon number: (\d{4}-\d{9}-\d)$", re.M)
TALON_LINE = re.compile(r"^(\d{4}-\d{9}-\d)  ", re.M)

# Who acts, at each body.
AUEZOV = {"COMPLAINTS_NAME": "Серікбаева Айгүл Маратқызы",
          "COMPLAINTS_POSITION": "бас маман",
          "COMPLAINTS_BODY": "almaty-auezov"}
ALATAU = {"COMPLAINTS_NAME": "Досмағамбетов Ерлан",
          "COMPLAINTS_POSITION": "бөлім басшысы",
          "COMPLAINTS_BODY": "almaty-alatau"}

# A text that must arrive exactly as typed.
AWKWARD = ("Мектеп «№ 14» <директоры> & 'орынбасары' \"жауап\" "
           "бермеді ]]> &amp;")


class CtlMixin:
    """Runs complaintctl against the class's (or a given) daemon."""

    def ctl(self, *args, env=None, url=True, daemon=None, stdin=None,
            who=None):
        e = {k: v for k, v in os.environ.items()
             if not k.startswith("COMPLAINTS_")}
        # Never a token of the person running the tests.
        e["COMPLAINTS_TOKEN_FILE"] = os.path.join(tempfile.gettempdir(),
                                                  "cx-it-no-token")
        # Signed in as the harness's account for the acting body, where
        # the daemon has accounts.
        d = daemon or getattr(self, "daemon", None)
        if d is not None and d.running() and hasattr(d, "ctl_token"):
            cmd = [str(a) for a in args]
            while cmd and cmd[0] == "-x":     # the global option
                cmd = cmd[1:]
            w = who or {}
            e["COMPLAINTS_TOKEN"] = d.ctl_token(
                cmd, w.get("COMPLAINTS_BODY"), w.get("COMPLAINTS_NAME"),
                w.get("COMPLAINTS_POSITION"))
        e.update(who or {})
        e.update(env or {})
        argv = [CTL_BIN]
        if url is True:
            argv += ["-u", (daemon or self.daemon).url()]
        elif url:
            argv += ["-u", url]
        argv += [str(a) for a in args]
        p = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=e, timeout=60)
        p.out = p.stdout.decode("utf-8", "replace")
        p.err = p.stderr.decode("utf-8", "replace")
        return p

    def assertExit(self, p, code):
        self.assertEqual(p.returncode, code,
                         "complaintctl %s: exit %d, wanted %d\nstdout: %s\n"
                         "stderr: %s" % (" ".join(map(str, p.args[1:])),
                                         p.returncode, code, p.out, p.err))

    def register(self, daemon=None, **fields):
        d = daemon or self.daemon
        path = os.path.join(d.tmp, "complaint-%d.xml" % time.monotonic_ns())
        with open(path, "w", encoding="utf-8") as f:
            f.write(complaint_xml(**fields))
        p = self.ctl("register", path, daemon=daemon)
        self.assertExit(p, 0)
        return NUMBER.search(p.out).group(1)

    def field(self, out, name):
        m = re.search(r"^%s: (.*)$" % re.escape(name), out, re.M)
        self.assertIsNotNone(m, "no %s in:\n%s" % (name, out))
        return m.group(1)


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class CtlLifecycleTest(CtlMixin, DaemonTestCase):

    def test_walk_forward_assign_extend_decide_appeal(self):
        first = self.register(body="almaty-auezov", service=5,
                              subject_institution="school-14",
                              subject_name="№ 14 мектеп")

        # Registered at the wrong district: forwarded to Alatau.
        p = self.ctl("forward", first, "--to", "almaty-alatau",
                     "--reason", "Мектеп Алатау ауданында", who=AUEZOV)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "action"), "forward")
        self.assertEqual(self.field(p.out, "state-before"), "registered")
        self.assertEqual(self.field(p.out, "state"), "forwarded")
        self.assertIn("(almaty-alatau)", self.field(p.out, "new-talon body"))
        second = NEW_TALON.search(p.out).group(1)

        # Auezov no longer has it; Alatau acts.
        p = self.ctl("assign", second, "--assignee", "Нұрланова Әсем",
                     who=AUEZOV)
        self.assertExit(p, 1)
        self.assertIn("403", p.err)
        p = self.ctl("assign", second, "--assignee", "Нұрланова Әсем",
                     "--note", "Директордан түсініктеме алу", who=ALATAU)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state"), "in-review")
        due = self.field(p.out, "due")

        p = self.ctl("extend", second, "--reason", "Қосымша тексеру қажет",
                     who=ALATAU)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state"), "extended")
        self.assertGreater(self.field(p.out, "due"), due)

        # Only once.
        p = self.ctl("extend", second, "--reason", "Тағы", who=ALATAU)
        self.assertExit(p, 1)
        self.assertIn("409", p.err)

        reasoning = os.path.join(self.daemon.tmp, "reasoning.txt")
        with open(reasoning, "w", encoding="utf-8") as f:
            f.write("Ішінара қанағаттандырылды.\n" + AWKWARD + "\n")
        p = self.ctl("decide", second, "--outcome", "partly-upheld",
                     "--reasoning-file", reasoning, who=ALATAU)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state-before"), "extended")
        self.assertEqual(self.field(p.out, "state"), "decided")

        p = self.ctl("case", second)
        self.assertExit(p, 0)
        self.assertEqual(p.err, "")
        self.assertEqual(self.field(p.out, "number"), second)
        self.assertEqual(self.field(p.out, "state"), "decided")
        self.assertEqual(self.field(p.out, "assignee"), "Нұрланова Әсем")
        self.assertEqual(self.field(p.out, "decision outcome"),
                         "partly-upheld")
        # A text of several lines: the next ones indented.
        self.assertIn("decision reasoning: Ішінара қанағаттандырылды.\n  "
                      + AWKWARD + "\n", p.out)
        case = p.out.split("\ncase:\n", 1)[1].split("\nevents:\n", 1)[0]
        self.assertRegex(case, r"%s\s+almaty-auezov\s+forwarded" % first)
        self.assertRegex(case, r"%s\s+almaty-alatau\s+decided\s+id \d+  "
                               r"forwarded-from" % second)
        self.assertEventLines(p.out, [
            ("register-forwarded", "- \u2192 registered"),
            ("assign", "registered \u2192 in-review"),
            ("extend", "in-review \u2192 extended"),
            ("decide", "extended \u2192 decided")])
        # time  body  actor  action  before -> after  detail
        self.assertRegex(p.out, r"(?m)^  \S+  almaty-alatau  \S.*  assign  "
                                r"registered \u2192 in-review  assigned to "
                                r"Нұрланова Әсем: Директордан түсініктеме "
                                r"алу$")

        # The same record, as XML.
        p = self.ctl("-x", "case", second)
        self.assertExit(p, 0)
        root = ET.fromstring(p.stdout)
        self.assertEqual(root.tag, "complaint-record")
        self.assertEqual(root.findtext("decision/reasoning").strip(),
                         "Ішінара қанағаттандырылды.\n" + AWKWARD)

        # The appeal goes up to the ministry of the day: the Ministry of
        # Enlightenment (mop) since 11 June 2022, not the Ministry of
        # Education and Science (mes) that the regulations name.
        p = self.ctl("appeal", second, "--channel", "electronic",
                     "--reasons", "Шешіммен келіспеймін",
                     "--demands", "Толық қанағаттандыру", who=ALATAU)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "action"), "appeal")
        self.assertEqual(self.field(p.out, "state"), "decided")
        self.assertIn("(mop)", self.field(p.out, "new-talon body"))
        third = NEW_TALON.search(p.out).group(1)
        p = self.ctl("status", third)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state"), "registered")

        p = self.ctl("verify")
        self.assertExit(p, 0)
        self.assertIn("result: ok", p.out)

        # The events that forwarding and appealing write on the case they
        # leave.  (These fail while complaints/lifecycle.c records
        # state_before from a row that was read again meanwhile.)
        p = self.ctl("case", first)
        self.assertExit(p, 0)
        self.assertEqual(p.err, "")
        self.assertEventLines(p.out, [
            ("forward", "registered \u2192 forwarded")])
        p = self.ctl("case", second)
        self.assertExit(p, 0)
        self.assertEqual(p.err, "")
        self.assertEventLines(p.out, [("appeal", "decided \u2192 decided")])
        case = p.out.split("\ncase:\n", 1)[1].split("\nevents:\n", 1)[0]
        self.assertRegex(case, r"%s\s+mop\s+registered\s+id \d+  "
                               r"appeal-of" % third)

    def assertEventLines(self, out, want):
        """Each (action, "before -> after") is on an event line."""
        events = out.split("\nevents:\n", 1)[1].splitlines()
        for action, change in want:
            self.assertTrue(any("  %s  %s" % (action, change) in e
                                for e in events),
                            "no %s event %r in:\n%s" % (action, change,
                                                       "\n".join(events)))

    def test_answer_close_and_the_other_ends(self):
        a = self.register(body="almaty-alatau", service=5)
        for args in (["assign", a, "--assignee", "Оспанов Бауыржан"],
                     ["decide", a, "--outcome", "explained",
                      "--reasoning", "Тәртіп түсіндірілді"],
                     ["answer", a, "--channel", "email", "--note",
                      "Электрондық поштамен жіберілді"],
                     ["close", a, "--reason", "Жауап берілді"]):
            p = self.ctl(*args, who=ALATAU)
            self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state"), "closed")
        p = self.ctl("note", a, "--text", "Кеш", who=ALATAU)
        self.assertExit(p, 1)
        self.assertIn("409", p.err)

        b = self.register(body="almaty-alatau", service=5)
        p = self.ctl("leave", b, "--ground", "repeated", who=ALATAU)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state"),
                         "left-without-consideration")

        c = self.register(body="almaty-alatau", service=5)
        p = self.ctl("note", c, "--text", "Өтініш иесі хабарласты",
                     who=ALATAU)
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state"), "registered")
        # Who acts, given as options rather than the environment.
        p = self.ctl("withdraw", c, "--reason", "Өтініш иесінің сұрауы",
                     "--by-name", ALATAU["COMPLAINTS_NAME"],
                     "--by-position", ALATAU["COMPLAINTS_POSITION"],
                     "--by-body", "almaty-alatau")
        self.assertExit(p, 0)
        self.assertEqual(self.field(p.out, "state"),
                         "left-without-consideration")

    def test_texts_are_escaped(self):
        a = self.register(body="almaty-alatau", service=5)
        p = self.ctl("note", "-n", a, "--text", AWKWARD, who=ALATAU)
        self.assertExit(p, 0)
        root = ET.fromstring(p.stdout)
        self.assertEqual(root.tag, "note")
        self.assertEqual(root.findtext("text"), AWKWARD)
        self.assertEqual(root.findtext("by/body"), "almaty-alatau")

        p = self.ctl("note", a, "--text-file", "-", who=ALATAU,
                     stdin=AWKWARD.encode("utf-8"))
        self.assertExit(p, 0)
        p = self.ctl("case", a)
        self.assertExit(p, 0)
        self.assertIn(AWKWARD, p.out)

    def test_first_admin_at_the_ministry_of_the_day(self):
        """user add --admin without --body: the ministry as it exists
        today (the Ministry of Enlightenment since 11 June 2022), not the
        one the regulations name; over HTTP --body is needed."""
        rows = self.daemon.query(
            "SELECT b.code FROM staff s JOIN body b ON b.id = s.body_id "
            "WHERE s.login = 'admin'")
        self.assertEqual([r[0] for r in rows], ["mop"])
        p = self.ctl("user", "add", "admin2", "--admin", "--name", "Әкімші",
                     "--position", "әкімші", "--password-stdin",
                     stdin=b"x-password-1\n")
        self.assertExit(p, 2)
        self.assertIn("--admin over HTTP needs --body", p.err)

    def test_usage(self):
        a = self.register(body="almaty-alatau", service=5)
        bad = a[:-1] + str((int(a[-1]) + 1) % 10)
        cases = [
            # Neither signed in nor named.
            (["assign", a, "--assignee", "X"], {"COMPLAINTS_TOKEN": ""},
             "who acts"),
            (["decide", a, "--outcome", "maybe", "--reasoning", "r"], ALATAU,
             "upheld partly-upheld rejected explained"),
            (["decide", a, "--outcome", "upheld"], ALATAU,
             "--reasoning is needed"),
            (["decide", a, "--outcome", "upheld", "--reasoning", "r",
              "--reasoning-file", "-"], ALATAU, "not both"),
            (["extend", a, "--reason", "r", "--until", "26.11.2026"], ALATAU,
             "not a date"),
            (["appeal", a, "--channel", "fax", "--reasons", "r"], ALATAU,
             "post in-person electronic phone oral"),
            (["leave", a, "--ground", "rude"], ALATAU, "anonymous repeated"),
            (["answer", a, "--channel", "phone"], ALATAU,
             "post email in-person"),
            (["note", a, "--text", "   "], ALATAU, "empty"),
            (["note", a, "--text", "a\x01b"], ALATAU, "control character"),
            (["assign", a, "--assignee", "two\nlines"], ALATAU, "one line"),
            (["note", a, "--txt", "x"], ALATAU, "unknown option --txt"),
            (["note", a, "--text"], ALATAU, "needs a value"),
            (["note", "--text", "x"], ALATAU, "which complaint"),
            (["note", bad, "--text", "x"], ALATAU, "check digit"),
            (["note", "abc", "--text", "x"], ALATAU, "neither"),
            (["list", "--service", "12"], {}, "1 to 11"),
            (["list", "--from", "yesterday"], {}, "--from"),
            (["overdue", "--state", "registered"], {}, "is for list"),
            (["journal", "--body", "mes"], {}, "--year"),
            (["journal", "--body", "mes", "--year", "26"], {}, "--year"),
            (["directory"], {}, "usage"),
            (["directory", "search"], {}, "what to find"),
            (["case"], {}, "usage"),
        ]
        for args, who, msg in cases:
            with self.subTest(args=args):
                p = self.ctl(*args, who=who)
                self.assertExit(p, 2)
                self.assertIn(msg, p.err)
                self.assertEqual(p.out, "")

    def test_refused(self):
        a = self.register(body="almaty-alatau", service=5)
        p = self.ctl("close", a, who=ALATAU)
        self.assertExit(p, 1)
        self.assertIn("409 transition-not-allowed", p.err)
        p = self.ctl("forward", a, "--to", "no-such-body", "--reason", "r",
                     who=ALATAU)
        self.assertExit(p, 1)
        p = self.ctl("note", "999999", "--text", "x", who=ALATAU)
        self.assertExit(p, 1)
        self.assertIn("404", p.err)
        p = self.ctl("case", "999999")
        self.assertExit(p, 1)
        p = self.ctl("list", "--body", "no-such-body")
        self.assertExit(p, 1)
        p = self.ctl("directory", "show", "no-such-school")
        self.assertExit(p, 1)
        self.assertIn("404", p.err)

    def test_unreachable(self):
        url = "http://127.0.0.1:%d" % free_closed_port()
        for args in (["note", "1", "--text", "x"], ["case", "1"], ["list"],
                     ["overdue"], ["verify"], ["directory", "search", "x"],
                     ["journal", "--body", "mes", "--year", "2026"]):
            with self.subTest(args=args):
                p = self.ctl(*args, url=url, who=ALATAU)
                self.assertExit(p, 3)

    def test_list_pages(self):
        body = "almaty-turksib"
        made = [self.register(body=body, service=2) for _ in range(3)]
        p = self.ctl("list", "--body", body, "--limit", "2")
        self.assertExit(p, 0)
        self.assertEqual(TALON_LINE.findall(p.out), made[:2])
        after = self.field(p.out, "next-after")
        p = self.ctl("list", "--body", body, "--limit", "2", "--after",
                     after)
        self.assertExit(p, 0)
        self.assertEqual(TALON_LINE.findall(p.out), made[2:])
        self.assertNotIn("next-after", p.out)
        for line in p.out.splitlines():
            self.assertRegex(line, r"^\S+  \d+/\d{4}\s+%s\s+registered\s+"
                                   r"\d{4}-\d\d-\d\d$" % body)
        p = self.ctl("list", "--body", body, "--state", "closed")
        self.assertExit(p, 0)
        self.assertEqual(p.out, "")
        p = self.ctl("overdue", "--body", body)
        self.assertExit(p, 0)
        self.assertEqual(p.out, "")

    def test_journal(self):
        body = "almaty-medeu"
        made = [self.register(body=body, service=4) for _ in range(2)]
        year = made[0][:4]
        p = self.ctl("journal", "--body", body, "--year", year, "--csv")
        self.assertExit(p, 0)
        lines = p.out.splitlines()
        self.assertTrue(lines[0].startswith("number,"), lines[0])
        self.assertEqual(len(lines), 3, p.out)
        for n in made:
            self.assertIn(n, p.out)

        out = os.path.join(self.daemon.tmp, "medeu.xml")
        p = self.ctl("journal", "--body", body, "--year", year, "-o", out)
        self.assertExit(p, 0)
        self.assertEqual(p.out, "")
        root = ET.parse(out).getroot()
        self.assertEqual(root.tag, "journal")
        self.assertEqual(len(root.findall("entry")), 2)

        # A refused export leaves the file alone, and no litter.
        p = self.ctl("journal", "--body", "no-such-body", "--year", year,
                     "-o", out)
        self.assertExit(p, 1)
        self.assertEqual(ET.parse(out).getroot().tag, "journal")
        self.assertEqual([f for f in os.listdir(self.daemon.tmp)
                          if f.startswith("medeu.xml.")], [])

    def test_directory(self):
        p = self.ctl("directory", "search", "Усть-Каменогорская")
        self.assertExit(p, 0)
        self.assertRegex(p.out, r"(?m)^school-14  school  .*№ 14")
        self.assertIn("  address: ", p.out)
        self.assertIn("  phones: +7 727", p.out)
        p = self.ctl("directory", "show", "school-14")
        self.assertExit(p, 0)
        self.assertIn("  parent: almaty-alatau\n", p.out)
        self.assertIn("  district: alatau\n", p.out)
        p = self.ctl("directory", "search", "zzqqxxnothing")
        self.assertExit(p, 0)
        self.assertEqual(p.out, "")
        self.assertIn("nothing found", p.err)


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class CtlPerDaemonTest(CtlMixin, PerTestDaemonCase):

    def test_verify_tampered(self):
        d = self.new_daemon()
        self.register(daemon=d, body="almaty-alatau", service=5)
        p = self.ctl("verify", daemon=d)
        self.assertExit(p, 0)
        d.stop()
        import sqlite3
        con = sqlite3.connect(d.db_path)
        con.execute("UPDATE complaint SET reasons = 'өзгертілген' "
                    "WHERE id = 1")
        con.commit()
        con.close()
        d.start()
        p = self.ctl("verify", daemon=d)
        self.assertExit(p, 1)
        self.assertIn("result: tampered", p.out)
        self.assertIn("first-bad: ", p.out)

    def test_overdue(self):
        d = self.new_daemon({"watch_interval": 1})
        late = self.register(daemon=d, body="almaty-zhetysu", service=1)
        d.stop()
        d.extra["test_clock_offset"] = 90 * 86400
        d.start()
        # Three months on, the sessions have ended.
        getattr(d, "tokens", {}).clear()
        deadline = time.monotonic() + 20
        while True:
            p = self.ctl("overdue", "--body", "almaty-zhetysu", daemon=d)
            self.assertExit(p, 0)
            if p.out or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self.assertRegex(p.out, r"^%s  .*  OVERDUE\n$" % late)
        p = self.ctl("list", "--overdue", "--body", "almaty-zhetysu",
                     daemon=d)
        self.assertExit(p, 0)
        self.assertIn(late, p.out)


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class CtlDirectoryLoadTest(CtlMixin, unittest.TestCase):
    """directory load works on the store directly: no daemon."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cx-it-dir-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def load(self, *args, env=None):
        return self.ctl("directory", "load", "--schema-dir", SCHEMA_DIR,
                        *args, url=False, env=env)

    def test_load(self):
        p = self.load("--data-dir", self.tmp)
        self.assertExit(p, 0)
        self.assertRegex(p.out, r"^\d+ entries loaded: 10 bodies, \d+ "
                                r"institutions\n$")
        self.assertNotIn("[", p.err)    # not a terminal: no bar
        self.assertTrue(os.path.exists(os.path.join(self.tmp,
                                                    "complaints.db")))
        p = self.load(env={"COMPLAINTS_DATA_DIR": self.tmp})
        self.assertExit(p, 0)
        self.assertIn("already loaded", p.out)
        p = self.load("--data-dir", self.tmp, "--force")
        self.assertExit(p, 0)
        self.assertIn("entries loaded", p.out)

    def test_progress_bar_on_a_terminal(self):
        master, slave = pty.openpty()
        try:
            p = subprocess.run([CTL_BIN, "directory", "load", "--schema-dir",
                                SCHEMA_DIR, "--data-dir", self.tmp],
                               stdout=subprocess.PIPE, stderr=slave,
                               timeout=120)
            os.close(slave)
            slave = -1
            err = b""
            while True:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                err += chunk
        finally:
            if slave >= 0:
                os.close(slave)
            os.close(master)
        self.assertEqual(p.returncode, 0, err)
        total = int(p.stdout.split()[0])
        err = err.decode("utf-8", "replace")
        self.assertIn("\r[", err)
        self.assertIn("[%s]  %d/%d" % ("#" * 30, total, total), err)

    def test_load_errors(self):
        p = self.load("--data-dir", os.path.join(self.tmp, "nowhere"))
        self.assertExit(p, 2)
        self.assertIn("no such folder", p.err)
        bad = os.path.join(self.tmp, "bad.xml")
        with open(bad, "w") as f:
            f.write("<directory>")
        p = self.load("--data-dir", self.tmp, bad)
        self.assertExit(p, 1)
        p = self.load("--data-dir", self.tmp,
                      os.path.join(self.tmp, "missing.xml"))
        self.assertExit(p, 1)


if __name__ == "__main__":
    unittest.main()
