"""Every command README.md shows, read from README.md itself.

The fenced blocks of README.md hold the commands: in a block with
prompts ("$ " or "# "), the prompted lines (with their "\\"
continuations) are commands and the other lines what they print; in a
block without prompts every line is a command.  The prose holds more,
in backticks: a span whose first word is a program a reader would run
(COMMAND_WORDS) with an argument, or `make` alone, is a command too;
those in RUN_INLINE run (test_inline_commands), the rest must be
ALLOWED.  The commands of the
sections in RUN_SECTIONS run in README's order, through the shell,
against a real daemon on a free loopback port with a private data
folder; a command that fails fails the test.  Every other command must
be in ALLOWED with the reason it cannot run in a test; a command README
shows that is neither run nor allowed fails the test, so README cannot
drift from what the programs do.
"""

import os
import re
import ssl
import subprocess
import tempfile
import unittest

from harness import (BUILD, CTL_BIN, PASSWORD, REPO, SCHEMA_DIR, Daemon,
                     ctl_available, text_of)

README = os.path.join(REPO, "README.md")

# The sections whose commands run, in order: the first two on one daemon
# (test_first_day), HTTPS on another (test_https).
RUN_SECTIONS = ("A first day, step by step", "Reports", "HTTPS")

# Commands that cannot run in a test: (pattern matched at the start of the
# command, reason).
ALLOWED = [
    # starts a foreground daemon on the fixed port 8080 (the test starts
    # its own through the harness)
    (r"make run\b", "foreground daemon on a fixed port"),
    # is the suite that runs this test
    (r"make check\b", "runs this very test"),
    # installs a package on the machine
    (r"apt install ", "installs the package system-wide"),
    # needs systemd and the package's units
    (r"systemctl ", "needs systemd and the installed units"),
    # needs the package's system user _complaints and /var/lib/complaints;
    # backup and restore without runuser run in test_backup.py, user add
    # --data-dir in the harness (every Daemon's first administrator)
    (r"runuser -u _complaints ", "needs the installed package's user"),
    # an administrator's machine talking to a production server
    (r"complaintctl -u https://complaints\.example\.kz ",
     "a remote production server"),
    # verify after an upgrade of the installed package
    (r"complaintctl verify$", "the installed package after an upgrade"),
]

# Commands in the prose (backticks) that cannot run in a test.
ALLOWED += [
    (r"sudo ", "needs root and installs packages"),
    (r"make( |$)", "builds, tests or installs the tree itself: the suite "
     "and CI run these targets (make check runs this test)"),
    (r"dpkg-buildpackage ", "make deb runs it, in make check's package "
     "step"),
    (r"systemd-analyze ", "debian/verify-units.sh runs it in make check"),
    (r"journalctl ", "needs systemd's journal and the installed unit"),
    (r"mandoc -Tlint$", "names the tool make lint runs on every page"),
    (r"complaintctl restore --force$", "the restore shown above, named "
     "again in prose; restores run in test_backup.py"),
]

# Programs a reader runs: a backticked span in the prose starting with
# one of these, with an argument, is a command.
COMMAND_WORDS = ("make", "sudo", "dpkg-buildpackage", "systemd-analyze",
                 "journalctl", "systemctl", "curl", "complaintctl",
                 "./build/complaintctl", "man", "mandoc", "apt", "runuser",
                 "openssl")

# The commands of the prose that test_inline_commands runs.
RUN_INLINE = (
    "curl -s http://127.0.0.1:8080/metrics",
    "complaintctl user add prometheus --name Prometheus --position "
    "monitoring --body mop --role monitor",
    "complaintctl login prometheus",
    "complaintctl token new scraper 365",
    "complaintctl login admin",
    "man -l man/complaintsd.8",
)

PROMPT = re.compile(r"^([$#]) (.*)$")


def readme_commands(path=README):
    """[(section, command, lines printed after it)] in README's order."""
    out = []
    section = "(top)"
    block = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        if block is None:
            if line.startswith("## "):
                section = line[3:].strip()
            elif line.startswith("```"):
                block = []
            continue
        if not line.startswith("```"):
            block.append(line)
            continue
        prompted = any(PROMPT.match(l) for l in block)
        cmd = None
        for l in block:
            m = PROMPT.match(l) if prompted else None
            if cmd is not None and cmd[1].endswith("\\"):
                cmd[1] = cmd[1][:-1].rstrip() + " " + l.strip()
            elif m or (not prompted and l.strip()):
                cmd = [section, m.group(2) if m else l.strip(), []]
                out.append(cmd)
            elif cmd is not None:
                cmd[2].append(l)
        block = None
    return [(s, re.sub(r"\s+#\s.*$", "", c).strip(), o)
            for s, c, o in out]


def readme_inline_commands(path=README):
    """[(section, command)] of the backticked spans of the prose that are
    commands, in README's order."""
    out = []
    section = "(top)"
    fenced = False
    with open(path, encoding="utf-8") as f:
        text = f.read()
    prose = []
    for line in text.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        if line.startswith("## "):
            section = line[3:].strip()
        prose.append((section, line))
    # A span may run over a line end: join each paragraph first.
    para, sec = [], None
    for section, line in prose + [("(end)", "")]:
        if line.strip() and section == sec:
            para.append(line)
            continue
        for span in re.findall(r"`([^`]+)`", " ".join(para)):
            cmd = " ".join(span.split())
            words = cmd.split(" ")
            if words[0] in COMMAND_WORDS and (len(words) > 1 or
                                              cmd == "make"):
                out.append((sec, cmd))
        para, sec = ([line], section) if line.strip() else ([], section)
    return out


def allowed(cmd):
    return any(re.match(p, cmd) for p, _ in ALLOWED)


@unittest.skipUnless(ctl_available(), "complaintctl is not built")
class ReadmeTest(unittest.TestCase):

    def test_commands_are_run_or_allowed(self):
        cmds = readme_commands()
        self.assertTrue(any(s == "A first day, step by step"
                            for s, _, _ in cmds), "README has no first day")
        for s, c, _ in cmds:
            if s not in RUN_SECTIONS:
                self.assertTrue(allowed(c), "README.md, %s: %r is neither "
                                "run by this test nor in ALLOWED" % (s, c))
        inline = readme_inline_commands()
        self.assertIn(("Installing on Debian 12", "make deb"), inline)
        for s, c in inline:
            self.assertTrue(c in RUN_INLINE or allowed(c),
                            "README.md, %s: `%s` is neither run by this "
                            "test nor in ALLOWED" % (s, c))
        # What RUN_INLINE names is in README still.
        for c in RUN_INLINE:
            self.assertIn(c, [c2 for _, c2 in inline])

    def test_first_day(self):
        # The administrator is made by README's own command.
        d = Daemon(conf={"_no_admin": "1"})
        self.addCleanup(d.cleanup)
        d.start()
        work = tempfile.mkdtemp(prefix="readme-", dir=d.tmp)
        # What must be substituted, and nothing else: README's programs
        # are in ./build and its daemon keeps its data in ./run, with the
        # schemas in ./schemas, at 127.0.0.1:8080; here they are the
        # build being tested, the daemon's private folder and port.
        subst = [
            ("./build/complaintctl", CTL_BIN),
            ("--data-dir run ", "--data-dir %s " % d.data_dir),
            ("--schema-dir schemas", "--schema-dir %s" % SCHEMA_DIR),
        ]
        env = dict(os.environ)
        env.update({
            "COMPLAINTS_URL": d.url(),
            "COMPLAINTS_TOKEN_FILE": os.path.join(work, "token"),
            "PATH": BUILD + os.pathsep + env.get("PATH", ""),
        })
        env.pop("COMPLAINTS_TOKEN", None)
        ran = self.run_sections(d, work, subst, env,
                                ("A first day, step by step", "Reports"))
        self.assertGreaterEqual(ran, 10)

    def test_inline_commands(self):
        """The commands of the prose, in README's order, on a daemon of
        their own: the monitor's account, its sign-in and token, the
        metrics read with curl and with that token, the administrator's
        sign-in, the man page."""
        d = Daemon()
        self.addCleanup(d.cleanup)
        d.start()
        work = tempfile.mkdtemp(prefix="readme-", dir=d.tmp)
        env = dict(os.environ)
        env.update({
            "COMPLAINTS_URL": d.url(),
            "COMPLAINTS_TOKEN_FILE": os.path.join(work, "token"),
            "PATH": BUILD + os.pathsep + env.get("PATH", ""),
            "MANPAGER": "cat", "MANWIDTH": "80",
        })
        env.pop("COMPLAINTS_TOKEN", None)
        # The administrator is signed in, as README's first day leaves it.
        p = subprocess.run([CTL_BIN, "login", "admin", "--password-stdin"],
                           input=PASSWORD + "\n", env=env, text=True,
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        outputs = {}
        for s, c in readme_inline_commands():
            if c not in RUN_INLINE:
                continue
            run = c.replace("http://127.0.0.1:8080", d.url())
            asks = c.startswith(("complaintctl user add",
                                 "complaintctl login"))
            p = subprocess.run(["/bin/sh", "-c", run], cwd=REPO, env=env,
                               input=(PASSWORD + "\n") if asks else "",
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0,
                             "README.md, %s: `%s` exited %d\nstdout: %s\n"
                             "stderr: %s" % (s, c, p.returncode, p.stdout,
                                             p.stderr))
            outputs[c] = p.stdout
        self.assertEqual(sorted(outputs), sorted(RUN_INLINE))
        self.assertIn("complaintsd_requests_total",
                      outputs[RUN_INLINE[0]])
        self.assertIn("COMPLAINTSD", outputs["man -l man/complaintsd.8"])
        # The token made as the monitor reads /metrics, and nothing else.
        tok = re.search(r"cs_[A-Za-z0-9_-]+",
                        outputs["complaintctl token new scraper 365"])
        self.assertIsNotNone(tok, outputs)
        h = {"Authorization": "Bearer " + tok.group(0)}
        self.assertEqual(d.request("GET", "/metrics", headers=h).status, 200)
        self.assertEqual(d.request("GET", "/api/v1/complaints?body=mop",
                                   headers=h).status, 403)

    def test_https(self):
        d = Daemon()
        self.addCleanup(d.cleanup)
        d.start()
        r = d.register()
        self.assertEqual(r.status, 201, r)
        talon = text_of(r.xml(), "number")
        work = tempfile.mkdtemp(prefix="readme-", dir=d.tmp)
        env = dict(os.environ)
        env["PATH"] = BUILD + os.pathsep + env.get("PATH", "")
        for k in ("COMPLAINTS_URL", "COMPLAINTS_TOKEN", "COMPLAINTS_CACERT"):
            env.pop(k, None)
        https = [c for s, c, _ in readme_commands() if s == "HTTPS"]
        self.assertEqual(len(https), 3, https)
        # Makes the certificate, then appends tls_cert and tls_key to the
        # configuration (README's make run folder, here the daemon's).
        self.run_sections(d, work, [("run/complaintsd.conf",
                                     d.conf_path)], env, ("HTTPS",),
                          commands=https[:2])
        # The harness writes the configuration at each start from
        # d.extra: carry the two lines README appended over, restart.
        with open(d.conf_path, encoding="utf-8") as f:
            for line in f.read().split("\n")[-3:]:
                m = re.match(r"(tls_cert|tls_key) = (.*)$", line)
                if m:
                    d.extra[m.group(1)] = m.group(2)
        self.assertEqual(sorted(k for k in d.extra if k.startswith("tls")),
                         ["tls_cert", "tls_key"])
        # The harness checks the daemon's start over HTTPS with it.
        d.tls_context = ssl.create_default_context(cafile=d.extra["tls_cert"])
        d.stop()
        d.start()
        # README's port is make run's 8080 and its talon one of its own.
        self.run_sections(d, work, [
            ("https://127.0.0.1:8080", "https://127.0.0.1:%d" % d.port),
            ("2026-306816159-1", talon)], env, ("HTTPS",),
            commands=https[2:])

    def run_sections(self, d, work, subst, env, sections, commands=None):
        """Runs README's commands of those sections (or those commands),
        in order, after the substitutions; returns how many ran."""
        ran = 0
        for s, c, printed in readme_commands():
            if s not in sections or allowed(c) or (
                    commands is not None and c not in commands):
                continue
            run = c
            for a, b in subst:
                run = run.replace(a, b)
            # A password is typed where README shows the prompt.
            asks = any(l.strip() in ("New password:", "Password:")
                       for l in printed)
            p = subprocess.run(["/bin/sh", "-c", run], cwd=work, env=env,
                               input=(PASSWORD + "\n") if asks else "",
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(p.returncode, 0,
                             "README.md, %s: %r (run as %r) exited %d\n"
                             "stdout: %s\nstderr: %s\nlog: %s"
                             % (s, c, run, p.returncode, p.stdout,
                                p.stderr, d.log()[-2000:]))
            ran += 1
        return ran

if __name__ == "__main__":
    unittest.main()
