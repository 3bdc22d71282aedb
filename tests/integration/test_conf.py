"""complaintsd -n: the configuration check, and start-up failures."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

from harness import DAEMON_BIN, REPO, SCHEMA_DIR


class ConfCheckTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cx-it-conf-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write(self, text, name="complaintsd.conf"):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def good(self, extra=""):
        return ("# a good file\n"
                "listen = 127.0.0.1\n"
                "port = 0\n"
                "data_dir = %s\n"
                "schema_dir = %s\n" % (os.path.join(self.tmp, "data"),
                                       SCHEMA_DIR)) + extra

    def check(self, path, *flags, timeout=30):
        p = subprocess.run([DAEMON_BIN, "-n"] + list(flags) + ["-f", path],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        p.out = p.stdout.decode("utf-8", "replace")
        p.err = p.stderr.decode("utf-8", "replace")
        return p

    def assertRejected(self, text, line, *words):
        path = self.write(text)
        p = self.check(path)
        self.assertEqual(p.returncode, 1, "%r: exit %d\n%s" %
                         (text, p.returncode, p.err))
        where = "%s:%d" % (path, line) if line else path
        self.assertIn(where, p.err, "the message names no file and line")
        for w in words:
            self.assertIn(w, p.err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "data")),
                         "-n created the data folder")

    def test_good_file(self):
        p = self.check(self.write(self.good(
            "threads = 2\nmax_body = 4096\nlog_level = debug\n"
            "  # indented comment\n\nport_file = %s/port   # trailing\n"
            % self.tmp)))
        self.assertEqual(p.returncode, 0, p.err)
        self.assertIn("configuration OK", p.err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "data")),
                         "-n created the data folder")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "port")),
                         "-n wrote the port file")

    def test_verbose_dump(self):
        p = self.check(self.write(self.good("threads = 7\n")), "-v")
        self.assertEqual(p.returncode, 0, p.err)
        self.assertIn("threads = 7", p.out)
        self.assertIn("port = 0", p.out)
        self.assertIn("max_body = 1048576", p.out)

    def test_user_and_group_names(self):
        # Checked by -n whoever runs it; unknown names are refused.
        for extra, word in [("user = no-such-user-x\n", "no-such-user-x"),
                            ("user = nobody\ngroup = no-such-group-x\n",
                             "no-such-group-x"),
                            ("user = root\n", "root")]:
            with self.subTest(extra):
                p = self.check(self.write(self.good(extra)))
                self.assertEqual(p.returncode, 1, p.err)
                self.assertIn(word, p.err)
        p = self.check(self.write(self.good("user = nobody\n")))
        self.assertEqual(p.returncode, 0, p.err)

    def test_unknown_option(self):
        self.assertRejected(self.good("colour = blue\n"), 6,
                            "unknown option", "colour")

    def test_removed_option_warns(self):
        """An option a release removed (template_dir) is named in a
        warning and the configuration is accepted: an upgrade keeps the
        service up."""
        path = self.write(self.good("template_dir = /usr/share/x\n"))
        p = self.check(path)
        self.assertEqual(p.returncode, 0, p.err)
        self.assertIn("%s:6: option \"template_dir\" is no longer used"
                      % path, p.err)

    def test_out_of_bounds(self):
        for opt, value in [("threads", "0"), ("threads", "65"),
                           ("port", "65536"), ("port", "-1"),
                           ("max_body", "100"), ("readers", "1000"),
                           ("shutdown_grace", "601"),
                           ("test_clock_offset", "99999999999"),
                           ("port", "eighty"), ("port", ""),
                           ("port", "80x"), ("threads", "4.5")]:
            with self.subTest((opt, value)):
                self.assertRejected(self.good("%s = %s\n" % (opt, value)), 6,
                                    opt)

    def test_bounds_named(self):
        self.assertRejected(self.good("threads = 0\n"), 6, "1", "64")

    def test_not_name_value(self):
        self.assertRejected(self.good("port 8080\n"), 6)
        self.assertRejected("\n\nthreads\n", 3)

    def test_line_too_long(self):
        self.assertRejected(self.good("rules = %s\n" % ("x" * 2000)), 6,
                            "too long")

    def test_bad_log_level(self):
        self.assertRejected(self.good("log_level = loud\n"), 6, "log_level")

    def test_missing_file(self):
        p = self.check(os.path.join(self.tmp, "nope.conf"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("nope.conf", p.err)

    def test_bad_schema_dir(self):
        p = self.check(self.write(self.good("schema_dir = %s/none\n"
                                            % self.tmp)))
        self.assertEqual(p.returncode, 1)
        self.assertIn("schema_dir", p.err)

    def test_bad_timezone(self):
        p = self.check(self.write(self.good("timezone = Asia/Nowhere\n")))
        self.assertEqual(p.returncode, 1)
        self.assertIn("Asia/Nowhere", p.err)

    def sample(self):
        with open(os.path.join(REPO, "complaintsd.conf.sample"),
                  encoding="utf-8") as f:
            return f.read()

    def test_sample_uncommented_is_valid(self):
        """Every option in complaintsd.conf.sample, uncommented as it
        stands, is accepted; the paths then point into the test folder."""
        text = re.sub(r"(?m)^#([a-z_]+\b)", r"\1", self.sample())
        text += ("data_dir = %s\nschema_dir = %s\n"
                 % (os.path.join(self.tmp, "data"), SCHEMA_DIR))
        path = self.write(text)
        p = self.check(path)
        self.assertEqual(p.returncode, 0, "the uncommented sample is "
                         "refused: %s" % p.err)

    def test_sample_documents_every_option(self):
        p = self.check(self.write(self.good()), "-v")
        self.assertEqual(p.returncode, 0, p.err)
        names = re.findall(r"(?m)^([a-z_]+) = ", p.out)
        self.assertTrue(names)
        sample = self.sample()
        # The test_ options are for tests only: not in the sample.
        missing = [n for n in names if not n.startswith("test_") and
                   not re.search(r"(?m)^#\s*%s\b" % n, sample)]
        self.assertEqual(missing, [], "options missing from "
                         "complaintsd.conf.sample")


class StartFailureTest(unittest.TestCase):
    """The daemon refuses to start, with a message and exit 1."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cx-it-start-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_daemon(self, extra):
        conf = os.path.join(self.tmp, "c.conf")
        with open(conf, "w") as f:
            f.write("listen = 127.0.0.1\nschema_dir = %s\n" % SCHEMA_DIR)
            f.write("test_keep_root = 1\n")
            f.write(extra)
        return subprocess.run([DAEMON_BIN, "-d", "-f", conf],
                              stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=30)

    def test_port_in_use(self):
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            p = self.run_daemon("port = %d\ndata_dir = %s/data\n"
                                % (port, self.tmp))
        finally:
            s.close()
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(str(port), p.stderr.decode())

    def test_bad_listen_address(self):
        p = self.run_daemon("port = 0\nlisten = localhost\ndata_dir = %s/d\n"
                            % self.tmp)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("listen", p.stderr.decode())

    def test_data_dir_not_creatable(self):
        blocker = os.path.join(self.tmp, "file")
        open(blocker, "w").close()
        p = self.run_daemon("port = 0\ndata_dir = %s/sub\n" % blocker)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("data_dir", p.stderr.decode())

    def test_usage(self):
        p = subprocess.run([DAEMON_BIN, "-q"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr.decode())


if __name__ == "__main__":
    unittest.main()
