"""complaintctl against the running daemon: output and exit statuses
(0 done, 1 refused, 2 usage, 3 unreachable)."""

import os
import random
import re
import subprocess
import tempfile
import unittest

from harness import (CTL_BIN, REPO, DaemonTestCase, adjacent_swaps,
                     complaint_xml, ctl_available, free_closed_port,
                     make_talon, single_digit_typos, text_of,
                     xmllint_validate)

NUMBER_LINE = re.compile(r"^number: (\d{4}-\d{9}-\d)$", re.M)


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class CtlTest(DaemonTestCase):

    def ctl(self, *args, url=True, env=None, stdin=None):
        e = dict(os.environ)
        e.pop("COMPLAINTS_URL", None)
        if self.daemon.running():
            e["COMPLAINTS_TOKEN"] = self.daemon.ctl_token(args)
        e.update(env or {})
        argv = [CTL_BIN]
        if url is True:
            argv += ["-u", self.daemon.url()]
        elif url:
            argv += ["-u", url]
        argv += list(args)
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

    def write_doc(self, doc, name="complaint.xml"):
        path = os.path.join(self.daemon.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(doc)
        return path

    def registered(self, **fields):
        r = self.daemon.register(**fields)
        self.assertEqual(r.status, 201, r)
        return text_of(r.xml(), "number")

    # --- Done: exit 0 -------------------------------------------------------

    def test_help(self):
        for opt in ("--help", "-h"):
            p = self.ctl(opt, url=False)
            self.assertExit(p, 0)
            self.assertIn("usage: complaintctl", p.out)
            for cmd in ("register", "status", "talon"):
                self.assertIn(cmd, p.out)

    def test_register(self):
        before = self.daemon.count_complaints()
        p = self.ctl("register", self.write_doc(complaint_xml()))
        self.assertExit(p, 0)
        m = NUMBER_LINE.search(p.out)
        self.assertIsNotNone(m, p.out)
        self.assertIn("access-code: ", p.out)
        self.assertIn("Жұмабекова Динара Асқарқызы", p.out)
        self.assertEqual(self.daemon.count_complaints(), before + 1)
        self.assertEqual(self.daemon.status(m.group(1)).status, 200)

    def test_register_raw(self):
        p = self.ctl("-x", "register", self.write_doc(complaint_xml(
            body="almaty-medeu", surname="Өтегенова")))
        self.assertExit(p, 0)
        ok, msg = xmllint_validate(p.stdout, "talon")
        self.assertTrue(ok, msg + p.out)

    def test_register_from_stdin(self):
        p = self.ctl("-x", "register", "-",
                     stdin=complaint_xml().encode("utf-8"))
        self.assertExit(p, 0)
        self.assertTrue(xmllint_validate(p.stdout, "talon")[0], p.out)

    def test_status(self):
        n = self.registered(body="almaty-auezov")
        p = self.ctl("status", n)
        self.assertExit(p, 0)
        self.assertIn(n, p.out)
        self.assertIn("registered", p.out)
        p = self.ctl("-x", "status", n)
        self.assertExit(p, 0)
        ok, msg = xmllint_validate(p.stdout, "status")
        self.assertTrue(ok, msg + p.out)

    def test_status_as_typed(self):
        n = self.registered()
        p = self.ctl("-x", "status", n.replace("-", ""))
        self.assertExit(p, 0)
        self.assertIn(n, p.out)

    def test_talon(self):
        n = self.registered(body="almaty-almaly")
        p = self.ctl("talon", n)
        self.assertExit(p, 0)
        self.assertIn(n, p.out)
        self.assertNotIn("access-code", p.out)
        p = self.ctl("-x", "talon", n)
        self.assertExit(p, 0)
        ok, msg = xmllint_validate(p.stdout, "talon")
        self.assertTrue(ok, msg + p.out)
        self.assertNotIn("access-code", p.out)

    def test_url_from_environment(self):
        n = self.registered()
        p = self.ctl("-x", "status", n, url=False,
                     env={"COMPLAINTS_URL": self.daemon.url()})
        self.assertExit(p, 0)
        self.assertIn(n, p.out)

    # --- Refused by the server: exit 1 --------------------------------------

    def test_register_refused(self):
        before = self.daemon.count_complaints()
        p = self.ctl("register", self.write_doc(complaint_xml(surname="")))
        self.assertExit(p, 1)
        self.assertIn("400", p.err)
        self.assertIn("invalid-document", p.err)
        self.assertIn("surname", p.err)
        p = self.ctl("register", self.write_doc(complaint_xml(
            subject_institution="no-such-school")))
        self.assertExit(p, 1)
        self.assertIn("unknown-institution", p.err)
        p = self.ctl("register", self.write_doc("<complaint>"))
        self.assertExit(p, 1)
        self.assertIn("malformed-xml", p.err)
        self.assertEqual(self.daemon.count_complaints(), before)

    def test_unknown_number_refused(self):
        n = make_talon(2026, random.Random(11))
        for cmd in ("status", "talon"):
            p = self.ctl(cmd, n)
            self.assertExit(p, 1)
            self.assertIn("404", p.err)
            self.assertIn("talon-not-found", p.err)

    # --- Usage: exit 2 -------------------------------------------------------

    def test_usage(self):
        for args in [[], ["frobnicate"], ["register"],
                     ["register", "a.xml", "b.xml"], ["status"],
                     ["status", "1", "2"], ["talon"], ["--no-such-option"],
                     ["register", os.path.join(self.daemon.tmp, "nope.xml")]]:
            with self.subTest(args):
                p = self.ctl(*args)
                self.assertExit(p, 2)
                self.assertTrue(p.err.strip(), "no message on stderr")

    def test_mistyped_number_caught_locally(self):
        """A typo is named without asking the daemon: exit 2 even with
        no daemon to ask."""
        n = self.registered()
        closed = "http://127.0.0.1:%d" % free_closed_port()
        typos = single_digit_typos(n)
        rng = random.Random(5)
        cases = rng.sample(typos, 6) + adjacent_swaps(n)[:4]
        for bad in cases:
            for cmd in ("status", "talon"):
                for url in (True, closed):
                    with self.subTest((cmd, bad, url)):
                        p = self.ctl(cmd, bad, url=url)
                        self.assertExit(p, 2)
                        self.assertIn("check digit does not match", p.err)

    def test_malformed_number_caught_locally(self):
        closed = "http://127.0.0.1:%d" % free_closed_port()
        for bad in ("2026-12345678-9", "abc", "2026-1234567890-12", ""):
            with self.subTest(bad):
                p = self.ctl("status", bad, url=closed)
                self.assertExit(p, 2)
                self.assertIn("14", p.err)

    # --- Unreachable: exit 3 -------------------------------------------------

    def test_unreachable(self):
        closed = "http://127.0.0.1:%d" % free_closed_port()
        n = make_talon(2026, random.Random(3))
        doc = self.write_doc(complaint_xml())
        for args in (["register", doc], ["status", n], ["talon", n]):
            with self.subTest(args):
                p = self.ctl(*args, url=closed)
                self.assertExit(p, 3)
                self.assertIn("127.0.0.1", p.err)


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class EnvironmentNamesTest(unittest.TestCase):
    """COMPLAINTS_SHARE_DIR names the installed files; its old name,
    COMPLAINTS_DATADIR, still works and says so."""

    def deadline(self, env):
        e = {k: v for k, v in os.environ.items()
             if k not in ("COMPLAINTS_SHARE_DIR", "COMPLAINTS_DATADIR")}
        e.update(env)
        # Run elsewhere than the source tree, so that ./schemas is not
        # what is found.
        with tempfile.TemporaryDirectory() as cwd:
            return subprocess.run(
                [CTL_BIN, "deadline", "--rules", "law-221", "--from",
                 "2024-03-01"], cwd=cwd, env=e, capture_output=True,
                text=True, timeout=60)

    def test_share_dir(self):
        # Law 221: 15 calendar days from 1 March is Saturday 16 March
        # 2024, a day off; the next working day is Monday 18 March.
        p = self.deadline({"COMPLAINTS_SHARE_DIR": REPO})
        self.assertEqual((p.returncode, p.stdout.split("\n")[0], p.stderr),
                         (0, "2024-03-18", ""))

    def test_old_name_warns(self):
        p = self.deadline({"COMPLAINTS_DATADIR": REPO})
        self.assertEqual((p.returncode, p.stdout.split("\n")[0]),
                         (0, "2024-03-18"))
        self.assertIn("COMPLAINTS_SHARE_DIR", p.stderr)

    def test_new_name_wins(self):
        p = self.deadline({"COMPLAINTS_SHARE_DIR": REPO,
                           "COMPLAINTS_DATADIR": "/nonexistent"})
        self.assertEqual((p.returncode, p.stdout.split("\n")[0], p.stderr),
                         (0, "2024-03-18", ""))

    def test_missing_folder_named(self):
        p = self.deadline({"COMPLAINTS_SHARE_DIR": "/nonexistent/share"})
        self.assertEqual(p.returncode, 1)
        self.assertIn("/nonexistent/share", p.stderr)


if __name__ == "__main__":
    unittest.main()
