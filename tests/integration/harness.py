"""Integration-test harness: the real complaintsd on a private loopback port.

Standard library only (run with Debian's /usr/bin/python3).  Tools used:
xmllint (libxml2-utils) to check answers against schemas/*.xsd.

    d = Daemon()            # a private temp folder with data/ and the config
    d.start()               # port = 0, port_file: race-free free port
    r = d.post_xml("/api/v1/complaints", complaint_xml())
    d.stop()                # SIGTERM and wait; d.kill() is SIGKILL
    d.start()               # again, on the same data folder
    d.cleanup()             # stop and remove the temp folder

The daemon runs with "-d -f CONF" and logs to d.log_path; on a failed
test, TestCase classes here print the log.

Staff endpoints need a signed-in account.  Before its first start a
Daemon makes an administrator on its database with "complaintctl user
add --admin --data-dir" (as an operator would), and request() signs
requests by itself: it opens (through the administrator) and signs in
the account a real user of that request would have — the registrar of
the body a complaint is registered at, the head of the body whose
complaint is acted on or read, the ministry's escalation desk for the
overdue list, the administrator for verify.  A test that checks access
itself passes its own Authorization header, or auth=False.
"""

import ctypes
import ctypes.util
import re
import http.client
import os
import random
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", "build")
if not os.path.isabs(BUILD):
    BUILD = os.path.join(REPO, BUILD)
DAEMON_BIN = os.path.join(BUILD, "complaintsd")
CTL_BIN = os.path.join(BUILD, "complaintctl")
SCHEMA_DIR = os.path.join(REPO, "schemas")
XMLLINT = shutil.which("xmllint") or "/usr/bin/xmllint"

START_TIMEOUT = 15.0
STOP_TIMEOUT = 20.0
HTTP_TIMEOUT = 30.0

PASSWORD = "test-password-1"
REGISTRAR_NAME = "Жұмабекова Динара Асқарқызы"
REGISTRAR_POSITION = "кіріс хат-хабарлар жөніндегі маман"

# Bodies that take complaints today: those the daemon's first migration
# creates, with the Ministry of Enlightenment (migration 11) for the
# Ministry of Education and Science, which ended in 2022 and takes no
# new accounts.
BODIES = ["mop", "almaty-edu", "almaty-alatau", "almaty-almaly",
          "almaty-auezov", "almaty-bostandyk", "almaty-zhetysu",
          "almaty-medeu", "almaty-turksib"]


def ctl_available():
    return os.access(CTL_BIN, os.X_OK)


# --- The daemon -------------------------------------------------------------

class DaemonError(Exception):
    pass


class Daemon:
    """One complaintsd process with a private temp folder.

    conf: extra options (name -> value) written to the config file.
    """

    def __init__(self, conf=None, name="complaintsd"):
        self.tmp = tempfile.mkdtemp(prefix="cx-it-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.conf_path = os.path.join(self.tmp, "complaintsd.conf")
        self.port_file = os.path.join(self.tmp, "port")
        self.log_path = os.path.join(self.tmp, "complaintsd.log")
        self.db_path = os.path.join(self.data_dir, "complaints.db")
        self.name = name
        self.extra = dict(conf or {})
        self.proc = None
        self.port = None
        self.starts = 0
        self._log = None
        self.tokens = {}        # login -> session token
        self._account_lock = threading.RLock()
        self.accounts = set()

    # The configuration is rewritten at each start, so a test may change
    # self.extra (such as test_clock_offset) between restarts.
    def write_conf(self):
        opts = {
            "listen": "127.0.0.1",
            "port": "0",
            "port_file": self.port_file,
            "data_dir": self.data_dir,
            "schema_dir": SCHEMA_DIR,
            "web_dir": os.path.join(REPO, "web"),
            "shutdown_grace": "5",
            # Tests look up many talons from one address; the lookup
            # limit has a test of its own.
            "lookup_burst": "100000",
            # The suites run as root in CI containers; one test
            # (test_privsep.py) drops to a user of its own.
            "test_keep_root": "1",
        }
        opts.update({k: str(v) for k, v in self.extra.items()
                     if not k.startswith("_")})
        with open(self.conf_path, "w", encoding="utf-8") as f:
            f.write("# written by tests/integration/harness.py\n")
            for k, v in opts.items():
                f.write("%s = %s\n" % (k, v))

    def start(self):
        if self.proc is not None:
            raise DaemonError("already running")
        if not os.access(DAEMON_BIN, os.X_OK):
            raise DaemonError("%s: not built (make all)" % DAEMON_BIN)
        self.write_conf()
        if self.starts == 0 and not self.extra.get("_no_admin"):
            self.make_admin()
        try:
            os.unlink(self.port_file)
        except FileNotFoundError:
            pass
        self.starts += 1
        self._log = open(self.log_path, "ab")
        self._log.write(("--- start %d ---\n" % self.starts).encode())
        self._log.flush()
        self.proc = subprocess.Popen(
            [DAEMON_BIN, "-d", "-f", self.conf_path],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            cwd=self.tmp)
        deadline = time.monotonic() + START_TIMEOUT
        port = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self._reap()
                raise DaemonError("complaintsd exited with %s at start:\n%s"
                                  % (rc, self.log()))
            try:
                with open(self.port_file, encoding="ascii") as f:
                    text = f.read().strip()
                if text:
                    port = int(text)
                    break
            except (FileNotFoundError, ValueError):
                pass
            time.sleep(0.02)
        if port is None:
            self.kill()
            raise DaemonError("no port file after %.0f s:\n%s"
                              % (START_TIMEOUT, self.log()))
        self.port = port
        while time.monotonic() < deadline:
            try:
                r = self.request("GET", "/healthz", timeout=2)
                if r.status == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        self.kill()
        raise DaemonError("/healthz does not answer:\n%s" % self.log())

    # --- Accounts -----------------------------------------------------------

    def make_admin(self):
        """The first administrator, made on the server's own database."""
        if not os.access(CTL_BIN, os.X_OK):
            raise DaemonError("%s: not built (make all)" % CTL_BIN)
        p = subprocess.run(
            [CTL_BIN, "user", "add", "admin", "--admin", "--name",
             "Әкімші Әлия", "--position", "әкімші", "--data-dir",
             self.data_dir, "--schema-dir", SCHEMA_DIR,
             "--password-stdin"], input=PASSWORD + "\n",
            capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise DaemonError("user add --admin: %s" % p.stderr)
        self.accounts.add("admin")

    def sign_in(self, login, password=PASSWORD):
        r = self.post_xml("/api/v1/session",
                          "<sign-in><login>%s</login><password>%s"
                          "</password></sign-in>" % (escape(login),
                                                    escape(password)),
                          auth=False)
        if r.status != 201:
            raise DaemonError("sign-in %s: %r" % (login, r))
        return text_of(r.xml(), "token")

    def account(self, role, body, name=None, position=None):
        """The token of an account of that role at that body (with that
        name, when given), made and signed in on first use.  One thread
        at a time: the daemon lets one sign-in of a login from one
        address be checked at a time (others get 429)."""
        with self._account_lock:
            return self._account(role, body, name, position)

    def _account(self, role, body, name=None, position=None):
        login = "admin" if role == "admin" else "%s.%s" % (role, body)
        if name is not None:
            self.names = getattr(self, "names", {})
            login += ".%d" % self.names.setdefault(name, len(self.names))
        if login not in self.accounts:
            if name is None:
                name, position = ((REGISTRAR_NAME, REGISTRAR_POSITION)
                                  if role == "registrar" else
                                  ("Басшы %s" % body, "басшы"))
            doc = ("<account><login>%s</login><name>%s</name><position>%s"
                   "</position><body>%s</body><role>%s</role><password>%s"
                   "</password></account>" % (login, escape(name),
                                              escape(position), body, role,
                                              PASSWORD))
            r = self.post_xml("/api/v1/users", doc, headers={
                "Authorization": "Bearer " + self.account_token("admin")})
            if r.status == 401:
                self.tokens.clear()
                r = self.post_xml("/api/v1/users", doc, headers={
                    "Authorization": "Bearer " + self.account_token(
                        "admin")})
            if r.status == 400 and b"unknown-body" in r.body:
                # No such body: a user of another body is asking.
                return self.account(role, "almaty-bostandyk")
            m = re.search(rb"; ([a-z0-9-]+) took its place", r.body)
            if r.status == 400 and b"body-ended" in r.body and m:
                # A body that has ended takes no accounts: its successor
                # does (the Ministry of Enlightenment for the Ministry of
                # Education and Science).
                return self.account(role, m.group(1).decode())
            if r.status not in (201, 409):
                raise DaemonError("user add %s: %r" % (login, r))
            self.accounts.add(login)
        return self.account_token(login)

    def account_token(self, login):
        if login not in self.tokens:
            self.tokens[login] = self.sign_in(login)
        return self.tokens[login]

    def complaint_id(self, talon):
        rows = self.query("SELECT id FROM complaint WHERE talon = ?",
                          (talon,))
        return rows[0][0] if rows else None

    def complaint_body(self, ref):
        col = "id" if re.fullmatch(r"[0-9]{1,13}", ref) else "talon"
        if col == "talon":
            d = re.sub(r"[^0-9]", "", ref)
            if len(d) == 14:
                ref = "%s-%s-%s" % (d[:4], d[4:13], d[13])
        try:
            rows = self.query("SELECT b.code FROM complaint c JOIN body b "
                              "ON b.id = c.body_id WHERE c.%s = ?" % col,
                              (ref,))
        except sqlite3.Error:
            rows = []
        return rows[0][0] if rows else None

    def auto_auth(self, method, path, body):
        """(role, body) of the account a real user of this request would
        have, or None for a public request."""
        bare, _, query = path.partition("?")
        seg = [s for s in bare.split("/") if s]
        args = dict(a.partition("=")[::2] for a in query.split("&") if a)
        if seg[:2] != ["api", "v1"] or len(seg) < 3:
            return None
        what = seg[2]
        text = body.decode("utf-8", "replace") if isinstance(
            body, bytes) else (body or "")
        if what == "talons" and len(seg) == 4 and method == "GET":
            return None
        if what in ("directory",) or (what == "session" and
                                      method == "POST"):
            return None
        if what == "complaints" and len(seg) == 3 and method == "POST":
            m = re.search(r"<body>\s*([a-z0-9-]+)\s*</body>", text)
            return ("registrar", m.group(1) if m else "almaty-bostandyk")
        if what in ("complaints", "talons") and len(seg) >= 4:
            m = re.search(r"<by>.*?<body>\s*([a-z0-9-]+)\s*</body>", text,
                          re.S)
            if m:
                return ("head", m.group(1))
            b = self.complaint_body(seg[3])
            return ("head", b) if b else ("head", "almaty-bostandyk")
        if what == "complaints":
            if "body" in args:
                return ("head", args["body"])
            return ("desk", "mop")
        if what == "journal":
            return ("head", args.get("body", "almaty-bostandyk"))
        return ("admin", "mop")

    def _reap(self):
        self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then wait; returns the exit status."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self._reap()
            raise DaemonError("complaintsd ignored SIGTERM for %.0f s:\n%s"
                              % (timeout, self.log()))
        self._reap()
        return rc

    def kill(self):
        """SIGKILL: a crash; returns the exit status (-9)."""
        if self.proc is None:
            return None
        self.proc.kill()
        rc = self.proc.wait()
        self._reap()
        return rc

    def restart(self, hard=False):
        if hard:
            self.kill()
        else:
            rc = self.stop()
            if rc != 0:
                raise DaemonError("complaintsd exited %s on SIGTERM:\n%s"
                                  % (rc, self.log()))
        return self.start()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def cleanup(self):
        try:
            if self.proc is not None:
                try:
                    self.stop(timeout=10)
                except DaemonError:
                    pass
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return "(no log)"

    def url(self, path=""):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    # --- HTTP ---------------------------------------------------------------

    def connection(self, timeout=HTTP_TIMEOUT):
        ctx = getattr(self, "tls_context", None)
        if ctx is not None:
            return http.client.HTTPSConnection("127.0.0.1", self.port,
                                               timeout=timeout, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port,
                                          timeout=timeout)

    def request(self, method, path, body=None, headers=None,
                timeout=HTTP_TIMEOUT, conn=None, auth=True):
        headers = dict(headers or {})
        who = None
        if auth and "Authorization" not in headers:
            who = self.auto_auth(method, path, body)
            if who is not None:
                headers["Authorization"] = "Bearer " + self.account(*who)
        r = request(conn or self.connection(timeout), method, path, body,
                    headers, close=conn is None)
        if r.status == 401 and who is not None and conn is None:
            # The session ended (a test moved the clock): sign in again.
            self.tokens.clear()
            headers["Authorization"] = "Bearer " + self.account(*who)
            r = request(self.connection(timeout), method, path, body,
                        headers)
        return r

    def ctl_token(self, args, body=None, name=None, position=None):
        """The token complaintctl would hold for these arguments."""
        args = [str(a) for a in args]
        while args and args[0] in ("-x",):
            args = args[1:]
        if args and args[0] == "register" and len(args) > 1:
            try:
                with open(args[-1], encoding="utf-8") as f:
                    m = re.search(r"<body>\s*([a-z0-9-]+)\s*</body>",
                                  f.read())
                if m:
                    return self.account("registrar", m.group(1))
            except OSError:
                pass
        if body:
            return self.account("head", body, name, position)
        if len(args) > 1 and args[0] not in ("register", "list",
                                             "overdue", "journal",
                                             "verify"):
            b = self.complaint_body(args[1])
            if b:
                return self.account("head", b)
        if args and args[0] == "verify":
            return self.account("admin", "mop")
        if args and args[0] in ("list", "journal") and "--body" in args:
            return self.account("head", args[args.index("--body") + 1])
        if args and args[0] == "overdue":
            return self.account("desk", "mop")
        return self.account("head", "almaty-bostandyk")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_xml(self, path, body, content_type="application/xml; "
                 "charset=utf-8", headers=None, **kw):
        if isinstance(body, str):
            body = body.encode("utf-8")
        h = {"Content-Type": content_type} if content_type else {}
        h.update(headers or {})
        return self.request("POST", path, body, h, **kw)

    def register(self, doc=None, conn=None, **fields):
        """POSTs a complaint; returns the Response."""
        if doc is None:
            doc = complaint_xml(**fields)
        return self.post_xml("/api/v1/complaints", doc, conn=conn)

    def status(self, number, conn=None):
        return self.get("/api/v1/talons/%s" % number, conn=conn)

    def talon(self, number, conn=None):
        return self.get("/api/v1/talons/%s/talon" % number, conn=conn)

    # --- Storage ------------------------------------------------------------

    def query(self, sql, args=()):
        return db_query(self.db_path, sql, args)

    def count_complaints(self):
        return self.query("SELECT count(*) FROM complaint")[0][0]


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers          # http.client.HTTPMessage
        self.body = body                # bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)

    def xml(self):
        return ET.fromstring(self.body)

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.body[:300])


def request(conn, method, path, body=None, headers=None, close=True):
    """One exchange on an http.client connection; returns a Response."""
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.reason, r.headers, data)
    finally:
        if close:
            conn.close()


def raw_exchange(port, data, timeout=HTTP_TIMEOUT, shut_wr=False):
    """Sends raw bytes (headers and body) and reads the answer until the
    server closes or one complete response is in.  Send errors after the
    server has answered early (413 before the body) are ignored.
    Returns a Response."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(data)
            if shut_wr:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        buf = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
            r = _parse_response(buf)
            if r is not None:
                return r
        r = _parse_response(buf, eof=True)
        if r is None:
            raise OSError("no complete HTTP response: %r" % buf[:500])
        return r
    finally:
        s.close()


def _parse_response(buf, eof=False):
    head, sep, rest = buf.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("iso-8859-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    status = int(parts[1])
    reason = parts[2] if len(parts) > 2 else ""
    msg = http.client.HTTPMessage()
    for line in lines[1:]:
        k, _, v = line.partition(":")
        msg[k.strip()] = v.strip()
    cl = msg.get("Content-Length")
    if cl is not None:
        if len(rest) < int(cl):
            return None
        return Response(status, reason, msg, rest[:int(cl)])
    if not eof:
        return None
    return Response(status, reason, msg, rest)


def free_closed_port():
    """A loopback port with nothing listening on it (bound, then closed)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- Documents ----------------------------------------------------------------

KK_SURNAMES = ["Әбілқасымова", "Нұрғалиев", "Жақсылықов", "Өтегенова",
               "Құрманғазиев", "Үсенова", "Ғабитов", "Іскақова"]
KK_NAMES = ["Әйгерім", "Нұрлан", "Гүлназ", "Ерғали", "Сәуле", "Қайрат"]


def complaint_xml(body="almaty-bostandyk", service=3,
                  subject_name="№ 143 мектеп-гимназия",
                  subject_institution=None,
                  official="Директор Сейітқали Б.Қ.",
                  channel="in-person", received_at=None,
                  surname="Әбілқасымова", name="Әйгерім",
                  patronymic="Серікқызы",
                  address="Алматы қ., Бостандық ауданы, Әл-Фараби даңғылы, "
                          "71, 12-пәтер",
                  email="aigerim.abilkasymova@example.kz",
                  phone="+7 701 234-56-78",
                  signed="true",
                  reasons="Баламды бірінші сыныпқа қабылдау туралы өтінішім "
                          "заңда белгіленген мерзімде қаралмады; құжаттарды "
                          "қабылдаған қызметкер қолхат бермеді.",
                  demands="Өтінішімді қарап, баламды мектепке қабылдауды "
                          "және жауапты қызметкерге шара қолдануды сұраймын.",
                  attachments=(), ground=None, intake=None,
                  registrar_name="Жұмабекова Динара Асқарқызы",
                  registrar_position="кіріс хат-хабарлар жөніндегі маман",
                  root="complaint", declaration=True):
    """A complaint document with Kazakh text; each element on its own
    line.  A field given as None is left out; intake is a dict of
    requirement: present."""
    def el(indent, tag, value):
        if value is None:
            return []
        return ["%s<%s>%s</%s>" % ("  " * indent, tag, escape(str(value)),
                                    tag)]

    lines = []
    if declaration:
        lines.append('<?xml version="1.0" encoding="UTF-8"?>')
    lines.append("<%s>" % root)
    lines += el(1, "body", body)
    lines += el(1, "service", service)
    lines.append("  <subject>")
    lines += el(2, "institution", subject_institution)
    lines += el(2, "name", subject_name)
    lines += el(2, "official", official)
    lines.append("  </subject>")
    lines += el(1, "ground", ground)
    lines += el(1, "channel", channel)
    lines += el(1, "received-at", received_at)
    lines.append("  <applicant>")
    lines += el(2, "surname", surname)
    lines += el(2, "name", name)
    lines += el(2, "patronymic", patronymic)
    lines += el(2, "address", address)
    lines += el(2, "email", email)
    lines += el(2, "phone", phone)
    lines.append("  </applicant>")
    lines += el(1, "signed", signed)
    lines += el(1, "reasons", reasons)
    lines += el(1, "demands", demands)
    if attachments:
        lines.append("  <attachments>")
        for a_name, a_type, a_sha in attachments:
            lines.append("    <attachment name=%s media-type=%s sha256=%s/>"
                         % (quoteattr(a_name), quoteattr(a_type),
                            quoteattr(a_sha)))
        lines.append("  </attachments>")
    if intake:
        lines.append("  <intake>")
        for what, present in intake.items():
            lines.append('    <checked what="%s" present="%s"/>'
                         % (what, "true" if present else "false"))
        lines.append("  </intake>")
    lines.append("  <registrar>")
    lines += el(2, "name", registrar_name)
    lines += el(2, "position", registrar_position)
    lines.append("  </registrar>")
    lines.append("</%s>" % root)
    return "\n".join(lines) + "\n"


def line_of(doc, needle):
    """The 1-based line of the first line of doc containing needle."""
    for i, line in enumerate(doc.split("\n"), 1):
        if needle in line:
            return i
    raise ValueError(needle)


def random_complaint(rng, body):
    return complaint_xml(
        body=body, service=rng.randint(1, 11),
        surname=rng.choice(KK_SURNAMES), name=rng.choice(KK_NAMES),
        channel=rng.choice(["post", "in-person", "electronic", "phone"]))


# --- Talon numbers ------------------------------------------------------------

_DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]


def damm(digits):
    interim = 0
    for c in digits:
        interim = _DAMM[interim][int(c)]
    return interim


def talon_digits(number):
    return number.replace("-", "")


def talon_format(digits):
    return "%s-%s-%s" % (digits[:4], digits[4:13], digits[13])


def talon_valid(number):
    d = talon_digits(number)
    return len(d) == 14 and d.isdigit() and damm(d[:13]) == int(d[13])


def make_talon(year, rng=random):
    d = "%04d" % year + "".join(rng.choice("0123456789") for _ in range(9))
    return talon_format(d + str(damm(d)))


def single_digit_typos(number):
    """Every number that differs from number in exactly one digit."""
    d = talon_digits(number)
    out = []
    for i in range(len(d)):
        for c in "0123456789":
            if c != d[i]:
                out.append(talon_format(d[:i] + c + d[i + 1:]))
    return out


def adjacent_swaps(number):
    """Every number made by swapping two adjacent, different digits."""
    d = talon_digits(number)
    out = []
    for i in range(len(d) - 1):
        if d[i] != d[i + 1]:
            out.append(talon_format(d[:i] + d[i + 1] + d[i] + d[i + 2:]))
    return out


# --- Validation and storage ---------------------------------------------------

def xmllint_validate(data, schema):
    """Validates bytes against schemas/<schema>.xsd with xmllint.
    Returns (ok, messages)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    xsd = os.path.join(SCHEMA_DIR, schema + ".xsd")
    p = subprocess.run([XMLLINT, "--noout", "--nonet", "--schema", xsd, "-"],
                       input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    return p.returncode == 0, p.stderr.decode("utf-8", "replace")


def db_query(path, sql, args=()):
    """Runs one query on the SQLite file, read-only."""
    uri = "file:%s?mode=ro" % path
    con = sqlite3.connect(uri, uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def text_of(root, path):
    e = root.find(path)
    return None if e is None else (e.text or "")


# --- Watching a file for reads (inotify through ctypes) -----------------------

IN_ACCESS = 0x001
IN_OPEN = 0x020


class FileWatch:
    """Reports whether anyone opened or read a file since watch() began.
    available is False where inotify cannot be used."""

    def __init__(self, path):
        self.path = path
        self.fd = -1
        self.available = False
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6",
                               use_errno=True)
            self._libc = libc
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if fd < 0:
                return
            wd = libc.inotify_add_watch(fd, path.encode(),
                                        IN_ACCESS | IN_OPEN)
            if wd < 0:
                os.close(fd)
                return
            self.fd = fd
            self.available = True
        except (OSError, AttributeError):
            pass

    def events(self):
        if not self.available:
            return []
        out = []
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not data:
                break
            off = 0
            while off + 16 <= len(data):
                wd, mask, cookie, n = struct.unpack_from("iIII", data, off)
                out.append(mask)
                off += 16 + n
        return out

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


# --- Test cases ---------------------------------------------------------------

class DaemonTestCase(unittest.TestCase):
    """Shares one daemon per class (setUpClass); prints its log when a
    test fails.  Subclasses set CONF for extra options."""

    CONF = {}
    daemon = None

    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon(cls.CONF, name=cls.__name__)
        try:
            cls.before_start(cls.daemon)
            cls.daemon.start()
        except Exception:
            sys.stderr.write(cls.daemon.log())
            cls.daemon.cleanup()
            raise

    @classmethod
    def before_start(cls, daemon):
        """What a class prepares in the daemon's folder before it starts
        (a journal made by bench/gen, say)."""

    @classmethod
    def tearDownClass(cls):
        if cls.daemon is not None:
            cls.daemon.cleanup()
            cls.daemon = None

    def run(self, result=None):
        result = result if result is not None else self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        out = super().run(result)
        after = len(result.failures) + len(result.errors)
        if after > before:
            for d in self.daemons_to_print():
                sys.stderr.write("\n--- log of %s (%s) ---\n%s--- end of log "
                                 "---\n" % (d.name, self.id(), d.log()))
        return out

    def daemons_to_print(self):
        return [d for d in [type(self).daemon] if d is not None]

    # --- Assertions ---------------------------------------------------------

    def token(self, role="registrar", body="almaty-bostandyk"):
        """A token of the class's daemon, for requests made by hand."""
        return self.daemon.account(role, body)

    def assertValid(self, data, schema):
        ok, msg = xmllint_validate(data, schema)
        if not ok:
            self.fail("not valid against %s.xsd: %s\n%s" %
                      (schema, msg, data.decode("utf-8", "replace")
                       if isinstance(data, bytes) else data))

    def assertXmlResponse(self, r):
        ct = r.header("Content-Type") or ""
        self.assertTrue(ct.startswith("application/xml"),
                        "Content-Type %r: %r" % (ct, r))

    def assertError(self, r, status, codes=None, schema_valid=True):
        """An <error> answer with the status and one of the codes."""
        if isinstance(codes, str):
            codes = [codes]
        self.assertEqual(r.status, status, r)
        self.assertXmlResponse(r)
        if schema_valid:
            self.assertValid(r.body, "error")
        root = r.xml()
        self.assertEqual(root.tag, "error")
        code = text_of(root, "code")
        msg = text_of(root, "message")
        if codes:
            self.assertIn(code, codes, r)
        self.assertTrue(msg and msg.strip(), "empty message: %r" % r)
        return code, msg

    def assertTalon(self, r, status=201):
        self.assertEqual(r.status, status, r)
        self.assertXmlResponse(r)
        self.assertValid(r.body, "talon")
        return r.xml()


class PerTestDaemonCase(DaemonTestCase):
    """Daemons made inside a test with new_daemon(); each is stopped and
    its folder removed after the test, its log printed first when the
    test failed."""

    @classmethod
    def setUpClass(cls):
        pass

    @classmethod
    def tearDownClass(cls):
        pass

    def new_daemon(self, conf=None, start=True):
        d = Daemon(conf, name="%s.%s" % (type(self).__name__,
                                         self._testMethodName))
        self._daemons.append(d)
        if start:
            d.start()
        return d

    def daemons_to_print(self):
        return list(self._daemons)

    def run(self, result=None):
        self._daemons = []
        try:
            return super().run(result)
        finally:
            for d in self._daemons:
                d.cleanup()


def captured_mails(folder, n, timeout=20):
    """The messages the capture transport wrote to folder (mail_capture),
    oldest first, once there are at least n or timeout has passed."""
    import email
    import email.policy
    import glob
    deadline = time.time() + timeout
    while True:
        files = sorted(glob.glob(os.path.join(folder, "*.eml")))
        if len(files) >= n or time.time() > deadline:
            break
        time.sleep(0.1)
    out = []
    for f in files:
        with open(f, "rb") as fh:
            out.append(email.message_from_binary_file(
                fh, policy=email.policy.default))
    return out


def catalogue(lang):
    """The texts of a language (web/lang/<lang>.xml) as a dict."""
    import xml.etree.ElementTree as ET
    root = ET.parse(os.path.join(REPO, "web", "lang", lang + ".xml")).getroot()
    return {t.get("key"): (t.text or "") for t in root.iter("text")}
