#!/usr/bin/python3
"""bench/run.py: `make bench`.  Standard library only.

Runs, in this process tree, on 127.0.0.1 only, each server on a free port
(port = 0 and a port file), wrk as the load generator with a fixed seed:

  1. http-limit    build/bench/httplimit: libmicrohttpd as complaintsd
                   sets it up, answering a constant <status>
  2. store-limit   build/bench/storelimit: the rows of a registration
                   straight into SQLite (db_open: the real schema and
                   pragmas), batched, fsync per commit
  3. register      complaintsd: POST /api/v1/complaints at 1, 8 and 64
                   connections; every talon wrk got back is then looked
                   for in the journal, and the journal numbers must be
                   gap-free per body and year
  4. lookup        complaintsd: GET /api/v1/talons/{n} of random existing
                   talons with journals of 10 thousand, 1 and 10 million
                   complaints (build/bench/gen, cached in bench/data/N)
  5. overdue, report, export   at the largest size: GET /api/v1/
                   complaints?overdue=1 timed; a year's GET /api/v1/reports/
                   summary by body and by month timed against counting
                   that year's events by their index (the limit: the
                   least a report read from the events would cost);
                   GET /api/v1/journal?body=B&year=Y streamed while the
                   daemon's RSS is sampled; the same sampling (VmRSS every
                   20 ms, VmHWM before and after) while a year's report
                   by institution downloads as XLSX and CSV and while
                   the trace of the year's received complaints is read
                   page after page
  6. inbox         at one million complaints (the largest size with
                   --quick): the desk's inbox, GET /api/v1/complaints?
                   body=B&limit=50 (the first page, open ones by due date)
                   and the same with q= a surname prefix of the journal
                   (the full-text search), under wrk at the lookups'
                   connections; its rate against the lookups' at that size
  7. start-up      exec to /healthz answering, largest journal

and prints a table (throughput, p50/p99, peak RSS of complaintsd from
/proc/PID/status VmHWM, the ratio to its limit measured in the same run),
writes it as CSV (bench/results.csv) and ends with PASS/FAIL lines.

    /usr/bin/python3 bench/run.py [--duration 10] [--sizes 10000,1000000,
        10000000] [--conns 1,8,64] [--seed 1] [--quick] [--perf]

Environment: BENCH_AUTH, a header value ("Bearer TOKEN") that wrk sends
with registrations when run.py has made no accounts of its own (see
bench/wrk/common.lua).
"""

import argparse
import calendar
import csv
import http.client
import os
import platform
import random
import re
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(REPO, "bench")
WRK_DIR = os.path.join(BENCH, "wrk")
OUT = os.path.join(BENCH, "out")
DATA = os.path.join(BENCH, "data")
SCHEMAS = os.path.join(REPO, "schemas")
PASSWORD = "bench-password-1234-Әйгерім"

# The bodies registrations go to today: the ministry is the Ministry of
# Enlightenment (no account opens at the Ministry of Education and
# Science, which ended in 2022: its documents were answered 401).
BODIES = ["almaty-alatau", "almaty-almaly", "almaty-auezov",
          "almaty-bostandyk", "almaty-zhetysu", "almaty-medeu",
          "almaty-turksib", "almaty-edu", "mop"]
BODY_WEIGHTS = [14, 13, 16, 15, 12, 11, 11, 6, 2]

START_TIMEOUT = 60.0


def log(msg):
    sys.stderr.write("bench: %s\n" % msg)
    sys.stderr.flush()


# --- Processes ----------------------------------------------------------------

def read_port(path, proc, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        try:
            with open(path) as f:
                t = f.read().strip()
            if t:
                return int(t)
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.002)
    return None


def http_get(port, path, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def http_post(port, path, body, headers=None, timeout=30):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = {"Content-Type": "application/xml; charset=utf-8"}
        h.update(headers or {})
        c.request("POST", path, body=body.encode("utf-8"), headers=h)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def proc_status(pid):
    """VmHWM and VmRSS in KiB."""
    out = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmHWM", "VmRSS"):
                    out[k] = int(v.split()[0])
    except OSError:
        pass
    return out


def thread_cpu(pid):
    """CPU seconds per thread name (comm) of a process."""
    out = {}
    tck = os.sysconf("SC_CLK_TCK")
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                    st = f.read()
            except OSError:
                continue
            comm = st[st.index("(") + 1:st.rindex(")")]
            f = st[st.rindex(")") + 2:].split()
            out[comm] = out.get(comm, 0.0) + (int(f[11]) + int(f[12])) / tck
    except OSError:
        pass
    return out


def cpu_note(before, after, seconds):
    """CPU use per thread name over a run, in % of one core."""
    parts = []
    for k in sorted(after, key=lambda k: -(after[k] - before.get(k, 0))):
        d = after[k] - before.get(k, 0)
        if d / seconds >= 0.01:
            parts.append("%s %.0f%%" % (k, 100 * d / seconds))
    return "CPU " + ", ".join(parts) if parts else ""


class Server:
    """A server process on a free loopback port; stop() is SIGTERM."""

    def __init__(self, argv, port_file, log_path, name):
        self.argv = argv
        self.port_file = port_file
        self.log_path = log_path
        self.name = name
        self.proc = None
        self.port = None
        self.start_s = None

    def start(self, healthz=True, preexec=None):
        try:
            os.unlink(self.port_file)
        except FileNotFoundError:
            pass
        logf = open(self.log_path, "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=logf, stderr=logf, cwd=OUT,
                                     preexec_fn=preexec)
        logf.close()
        self.port = read_port(self.port_file, self.proc, START_TIMEOUT)
        if self.port is None:
            self.kill()
            raise RuntimeError("%s did not start; see %s" %
                               (self.name, self.log_path))
        if healthz:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    st, _ = http_get(self.port, "/healthz", timeout=2)
                    if st == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.kill()
                    raise RuntimeError("%s: /healthz does not answer; see %s"
                                       % (self.name, self.log_path))
                time.sleep(0.002)
        self.start_s = time.monotonic() - t0
        return self

    def pid(self):
        return self.proc.pid

    def hwm_mib(self):
        return proc_status(self.proc.pid).get("VmHWM", 0) / 1024.0

    def stop(self, timeout=30):
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        return rc

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


def complaintsd_options(build):
    """The option names this complaintsd knows (complaintsd -n -v)."""
    conf = os.path.join(OUT, "probe.conf")
    with open(conf, "w") as f:
        f.write("schema_dir = %s\n" % SCHEMAS)
    p = subprocess.run([os.path.join(build, "complaintsd"), "-n", "-v", "-f",
                        conf], capture_output=True, text=True, timeout=30)
    names = {}
    for line in p.stdout.splitlines():
        k, sep, v = line.partition(" = ")
        if sep:
            names[k.strip()] = v.strip()
    return names


def daemon(build, data_dir, name, opts, known):
    os.makedirs(data_dir, exist_ok=True)
    conf = os.path.join(OUT, name + ".conf")
    port_file = os.path.join(OUT, name + ".port")
    settings = {
        "listen": "127.0.0.1", "port": "0", "port_file": port_file,
        "data_dir": data_dir, "schema_dir": SCHEMAS,
        "log_level": "warning", "shutdown_grace": "5",
        # One address sends every lookup: lift the per-address limit.
        "lookup_burst": "10000000", "lookup_rate": "600000000",
        # Benchmarks may run as root (a CI container).
        "test_keep_root": "1",
    }
    settings.update(opts)
    with open(conf, "w") as f:
        f.write("# written by bench/run.py\n")
        for k, v in settings.items():
            if k in known:
                f.write("%s = %s\n" % (k, v))
    return Server([os.path.join(build, "complaintsd"), "-d", "-f", conf],
                  port_file, os.path.join(OUT, name + ".log"), name)


# --- A journal larger than the page cache -----------------------------------

def evict(d):
    """Drops the journal's pages from the page cache (its files only)."""
    for name in ("complaints.db", "complaints.db-wal"):
        try:
            fd = os.open(os.path.join(d, name), os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def mem_cgroup(name, mib):
    """A memory cgroup (v2, else v1) limited to mib MiB, page cache
    included; returns a preexec function that enters it, or None."""
    v2 = os.path.exists("/sys/fs/cgroup/cgroup.controllers")
    root = "/sys/fs/cgroup" if v2 else "/sys/fs/cgroup/memory"
    path = os.path.join(root, name)
    try:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "memory.max" if v2 else
                               "memory.limit_in_bytes"), "w") as f:
            f.write("%d\n" % (mib * 1024 * 1024))
    except OSError as e:
        log("memory limit: cannot make cgroup %s: %s" % (path, e))
        return None
    procs = os.path.join(path, "cgroup.procs")

    def enter():
        with open(procs, "w") as f:
            f.write("%d\n" % os.getpid())
    return enter


def mem_cgroup_peak(name):
    """The cgroup's high-water mark of memory (page cache included), MiB."""
    for p in ("/sys/fs/cgroup/%s/memory.peak" % name,
              "/sys/fs/cgroup/memory/%s/memory.max_usage_in_bytes" % name):
        try:
            with open(p) as f:
                return int(f.read()) / 1048576.0
        except (OSError, ValueError):
            pass
    return None


def lookup_bytes(d):
    """Bytes per complaint of what a lookup reads (the lookup index),
    and of the complaint table, from dbstat."""
    con = sqlite3.connect("file:%s?mode=ro" % os.path.join(
        d, "complaints.db"), uri=True, timeout=30)
    try:
        n = con.execute("SELECT count(*) FROM complaint").fetchone()[0]
        sizes = dict(con.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name IN "
            "('complaint', 'complaint_lookup') GROUP BY name").fetchall())
    except sqlite3.Error:
        return None
    finally:
        con.close()
    if not n or "complaint_lookup" not in sizes:
        return None
    return {"index": sizes["complaint_lookup"] / n,
            "row": sizes.get("complaint", 0) / n,
            "file": os.path.getsize(os.path.join(d, "complaints.db"))}


# --- Staff accounts (when the daemon asks for them) ---------------------------

def auth_supported(build):
    p = subprocess.run([os.path.join(build, "complaintctl"), "user"],
                       capture_output=True, text=True, timeout=30)
    return "user add" in (p.stdout + p.stderr)


def add_accounts(build, data_dir, bodies, desk=True):
    """Registrars of each body and an escalation-desk account, made
    offline with complaintctl on the server's own database."""
    made = []
    todo = [("bench-" + b, b, "registrar") for b in bodies]
    if desk:
        # The ministry of the day: accounts are not opened at a body
        # that has ended (the Ministry of Education and Science).
        todo.append(("bench-desk", "mop", "desk"))
    for login, body, role in todo:
        p = subprocess.run(
            [os.path.join(build, "complaintctl"), "user", "add", login,
             "--name", "Бенчмарк Тіркеуші", "--position", "бас маман",
             "--body", body, "--role", role, "--data-dir", data_dir,
             "--schema-dir", SCHEMAS, "--password-stdin"],
            input=PASSWORD + "\n", capture_output=True, text=True,
            timeout=60)
        if p.returncode != 0 and "exist" not in (p.stderr + p.stdout):
            log("user add %s: %s" % (login, (p.stderr or p.stdout).strip()))
        made.append((login, body, role))
    return made


def sign_in(port, login):
    try:
        st, body = http_post(port, "/api/v1/session",
                             "<sign-in><login>%s</login><password>%s"
                             "</password></sign-in>" % (login, PASSWORD))
    except OSError as e:
        log("sign in %s: %s" % (login, e))
        return None
    text = body.decode("utf-8", "replace")
    if st != 201 or "<token>" not in text:
        log("sign in %s: %d %s" % (login, st, text[:200]))
        return None
    return text.split("<token>", 1)[1].split("</token>", 1)[0]


# --- wrk ----------------------------------------------------------------------

def run_wrk(port, script, conns, duration, env_extra, name, perf_pid=None):
    summary = os.path.join(OUT, name + ".summary")
    try:
        os.unlink(summary)
    except FileNotFoundError:
        pass
    env = dict(os.environ)
    env.update({"BENCH_WRK_DIR": WRK_DIR, "BENCH_SUMMARY": summary})
    env.update(env_extra)
    threads = max(1, min(2, conns))
    argv = ["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % duration,
            "--timeout", "10s", "-s", os.path.join(WRK_DIR, script),
            "http://127.0.0.1:%d/" % port]
    perf = None
    if perf_pid is not None:
        perf = subprocess.Popen(
            ["perf", "record", "-F", "499", "--call-graph", "dwarf,16384",
             "-p", str(perf_pid), "-o",
             os.path.join(OUT, "perf-%s.data" % name)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    idle0 = cpu_idle()
    p = subprocess.run(argv, env=env, capture_output=True, text=True,
                       timeout=duration + 60)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    idle1 = cpu_idle()
    if perf is not None:
        perf.send_signal(signal.SIGINT)
        try:
            perf.wait(30)
        except subprocess.TimeoutExpired:
            perf.kill()
            perf.wait()
    with open(os.path.join(OUT, name + ".wrk"), "w") as f:
        f.write(p.stdout + p.stderr)
    if p.returncode != 0:
        raise RuntimeError("wrk %s: %s" % (name, p.stderr.strip()[:500]))
    res = {}
    with open(summary) as f:
        for line in f:
            k, _, v = line.partition(" ")
            res[k] = int(v)
    res["seconds"] = res["duration_us"] / 1e6
    res["rate"] = res["requests"] / res["seconds"]
    res["statuses"] = {int(k[7:]): v for k, v in res.items()
                       if k.startswith("status_")}
    res["wrk_cpu"] = (ru1.ru_utime + ru1.ru_stime - ru0.ru_utime -
                      ru0.ru_stime) / res["seconds"]
    res["idle"] = (idle1[0] - idle0[0]) / max(1, idle1[1] - idle0[1])
    return res


def cpu_idle():
    """(idle, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return v[3] + v[4], sum(v)


def status_note(res):
    return " ".join("%d:%d" % kv for kv in sorted(res["statuses"].items()))


def load_note(res):
    return "wrk %.0f%%, machine idle %.0f%%" % (100 * res["wrk_cpu"],
                                               100 * res["idle"])


# --- Documents ----------------------------------------------------------------

SURNAMES = ["Әбілқасымова", "Нұрғалиев", "Жақсылықов", "Өтегенова",
            "Құрманғазиев", "Үсенова", "Ғабитов", "Іскақова"]
NAMES = ["Әйгерім", "Нұрлан", "Гүлназ", "Ерғали", "Сәуле", "Қайрат"]
SUBJECTS = ["№ 143 мектеп-гимназия", "№ 12 мектеп-гимназия",
            "«Балбөбек» балабақшасы", "№ 35 жалпы білім беретін мектеп",
            "Балалар шығармашылық үйі"]
SENTENCES = [
    "Баламды бірінші сыныпқа қабылдау туралы өтінішім заңда белгіленген "
    "мерзімде қаралмады.",
    "Құжаттарды қабылдаған қызметкер қолхат бермеді.",
    "Мектепке дейінгі ұйымға жолдама беру кезегі негізсіз өзгертілді.",
    "Білім туралы құжаттың телнұсқасын беру мерзімі бұзылды.",
    "Қызметкер өтінішті қабылдаудан бас тартты және себебін жазбаша "
    "түсіндірмеді.",
    "Мемлекеттік көрсетілетін қызмет стандартында көрсетілмеген қосымша "
    "құжаттар талап етілді.",
]
CHANNELS = ["post", "in-person", "electronic", "phone"]


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def make_doc(rng, body):
    size = rng.choices(["small", "medium", "large"], [5, 4, 1])[0]
    n = {"small": 1, "medium": rng.randint(3, 8),
         "large": rng.randint(30, 80)}[size]
    reasons = " ".join(rng.choice(SENTENCES) for _ in range(n))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<complaint>",
             "  <body>%s</body>" % body,
             "  <service>%d</service>" % rng.randint(1, 11),
             "  <subject>", "    <name>%s</name>" % esc(rng.choice(SUBJECTS))]
    if rng.random() < 0.5:
        lines.append("    <official>Директор Сейітқали Б.Қ.</official>")
    lines += ["  </subject>",
              "  <channel>%s</channel>" % rng.choice(CHANNELS),
              "  <applicant>",
              "    <surname>%s</surname>" % rng.choice(SURNAMES),
              "    <name>%s</name>" % rng.choice(NAMES)]
    if rng.random() < 0.7:
        lines.append("    <patronymic>Серікқызы</patronymic>")
    lines.append("    <address>Алматы қ., Әл-Фараби даңғылы, %d, %d-пәтер"
                 "</address>" % (rng.randint(1, 300), rng.randint(1, 200)))
    if rng.random() < 0.5:
        lines.append("    <email>applicant%d@example.kz</email>"
                     % rng.randint(1, 99999))
    if rng.random() < 0.6:
        lines.append("    <phone>+7 701 %03d-%02d-%02d</phone>"
                     % (rng.randint(0, 999), rng.randint(0, 99),
                        rng.randint(0, 99)))
    lines += ["  </applicant>",
              "  <signed>%s</signed>" % rng.choice(["true", "false"]),
              "  <reasons>%s</reasons>" % esc(reasons),
              "  <demands>Шешімді қайта қарауды сұраймын.</demands>"]
    if rng.random() < 0.2:
        lines.append("  <attachments>")
        for i in range(rng.randint(1, 3)):
            lines.append('    <attachment name="құжат-%d.pdf" media-type='
                         '"application/pdf" sha256="%064x"/>'
                         % (i + 1, rng.getrandbits(256)))
        lines.append("  </attachments>")
    lines += ["  <registrar>", "    <name>Жұмабекова Динара</name>",
              "    <position>бас маман</position>", "  </registrar>",
              "</complaint>"]
    return "\n".join(lines) + "\n"


def write_docs(path, rng, bodies, n=240):
    sizes = []
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(n):
            body = rng.choices(bodies, [BODY_WEIGHTS[BODIES.index(b)]
                                        for b in bodies])[0]
            d = make_doc(rng, body)
            sizes.append(len(d.encode("utf-8")))
            f.write("body %s\n%s\n--8<--\n" % (body, d))
    return sizes


# --- The journal check --------------------------------------------------------

def check_journal(db_path, talon_files):
    """Every talon wrk got back is in the journal; the journal numbers are
    gap-free per body and year.  Returns (ok, message, n_talons)."""
    got = set()
    for p in talon_files:
        with open(p) as f:
            got.update(line.strip() for line in f if line.strip())
    con = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True, timeout=30)
    try:
        missing = 0
        for t in got:
            if con.execute("SELECT 1 FROM complaint WHERE talon = ?",
                           (t,)).fetchone() is None:
                missing += 1
        bad = []
        for body, year, n, lo, hi in con.execute(
                "SELECT body_id, journal_year, count(*), min(journal_no), "
                "max(journal_no) FROM complaint GROUP BY body_id, "
                "journal_year"):
            if lo != 1 or hi != n:
                bad.append("body %d year %d: %d rows, numbers %d..%d"
                           % (body, year, n, lo, hi))
        total = con.execute("SELECT count(*) FROM complaint").fetchone()[0]
    finally:
        con.close()
    ok = missing == 0 and not bad
    msg = ("%d talons returned, all in the journal (%d rows); numbers "
           "gap-free" % (len(got), total)) if ok else \
        ("%d of %d talons missing; %s" % (missing, len(got),
                                          "; ".join(bad[:3]) or "no gaps"))
    return ok, msg, len(got)


# --- Phases -------------------------------------------------------------------

class Results:
    def __init__(self):
        self.rows = []

    def add(self, **kw):
        row = {"phase": "", "size": "", "conns": "", "rate_per_s": "",
               "p50_ms": "", "p99_ms": "", "peak_rss_mib": "",
               "limit": "", "limit_per_s": "", "ratio": "", "note": ""}
        row.update(kw)
        self.rows.append(row)
        return row


def fmt(v, spec):
    if v == "" or v is None:
        return ""
    return spec % v


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True,
                           text=True).stdout.split("\n")[0]
    return ("nproc %d, %s, %.1f GiB RAM, %s, %s" %
            (os.cpu_count(), cpu, mem, platform.platform(), wrk_v.strip()))


def phase_httplimit(a, res, paths_file):
    log("http-limit: httplimit, the same MHD set-up as complaintsd")
    srv = Server([os.path.join(a.build, "bench", "httplimit"), "-t",
                  str(a.threads), "-c", "512", "-p",
                  os.path.join(OUT, "httplimit.port")],
                 os.path.join(OUT, "httplimit.port"),
                 os.path.join(OUT, "httplimit.log"), "httplimit")
    srv.start(healthz=False)
    limits = {}
    try:
        for c in a.conns:
            cpu0 = thread_cpu(srv.pid())
            r = run_wrk(srv.port, "get.lua", c, a.duration,
                        {"BENCH_PATHS": paths_file, "BENCH_SEED":
                         str(a.seed)}, "httplimit-c%d" % c)
            cpu = cpu_note(cpu0, thread_cpu(srv.pid()), r["seconds"])
            limits[c] = r["rate"]
            res.add(phase="http-limit", conns=c, rate_per_s=r["rate"],
                    p50_ms=r["p50_us"] / 1000, p99_ms=r["p99_us"] / 1000,
                    peak_rss_mib=srv.hwm_mib(),
                    note="%s; %s, %s" % (status_note(r), cpu,
                                         load_note(r)))
            log("  c=%d: %.0f req/s" % (c, r["rate"]))
    finally:
        srv.stop()
    return limits


def phase_storelimit(a, res):
    log("store-limit: storelimit, batches of 1, 8, 64 and batch_max")
    d = os.path.join(OUT, "store")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    batches = sorted(set(a.conns + [a.batch_max]))
    t = max(2, a.duration // 2)
    p = subprocess.run([os.path.join(a.build, "bench", "storelimit"), "-d",
                        d, "-b", ",".join(map(str, batches)), "-t", str(t),
                        "-s", str(a.seed)], capture_output=True, text=True,
                       timeout=len(batches) * (t + 60))
    if p.returncode != 0:
        raise RuntimeError("storelimit: %s" % p.stderr.strip())
    limits = {}
    for line in p.stdout.splitlines():
        f = line.split()
        b, rate = int(f[1]), float(f[7])
        limits[b] = rate
        res.add(phase="store-limit", conns="batch %d" % b, rate_per_s=rate,
                note="%s commits in %s s" % (f[9], f[5]))
        log("  batch %d: %.0f rows/s" % (b, rate))
    shutil.rmtree(d, ignore_errors=True)
    return limits


def phase_register(a, res, http_lim, store_lim, known, auth):
    log("register: complaintsd, POST /api/v1/complaints")
    data = os.path.join(OUT, "reg-data")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    rng = random.Random(a.seed)
    docs = os.path.join(OUT, "docs.txt")
    sizes = write_docs(docs, rng, BODIES)
    env = {"BENCH_DOCS": docs, "BENCH_SEED": str(a.seed)}
    if auth:
        add_accounts(a.build, data, BODIES, desk=False)
    srv = daemon(a.build, data, "complaintsd-reg", {"watch_interval": "60"},
                 known).start()
    out = {}
    try:
        if auth:
            tokens = os.path.join(OUT, "tokens.txt")
            with open(tokens, "w") as f:
                for b in BODIES:
                    t = sign_in(srv.port, "bench-" + b)
                    if t:
                        f.write("%s %s\n" % (b, t))
            env["BENCH_TOKENS"] = tokens
        with open(docs, encoding="utf-8") as f:
            first = f.read().split("\n--8<--\n", 1)[0]
        body, doc = first.split("\n", 1)
        hdr = {}
        if auth and "BENCH_TOKENS" in env:
            for line in open(env["BENCH_TOKENS"]):
                b, t = line.split()
                if b == body[5:]:
                    hdr["Authorization"] = "Bearer " + t
        elif os.environ.get("BENCH_AUTH"):
            hdr["Authorization"] = os.environ["BENCH_AUTH"]
        st, text = http_post(srv.port, "/api/v1/complaints", doc, hdr)
        if st != 201:
            log("  a probe registration answered %d: %s"
                % (st, text.decode("utf-8", "replace")[:300]))
        out["probe"] = st
        for c in a.conns:
            tdir = os.path.join(OUT, "talons-c%d" % c)
            shutil.rmtree(tdir, ignore_errors=True)
            os.makedirs(tdir)
            env["BENCH_OUT"] = tdir
            perf = srv.pid() if a.perf and c == max(a.conns) else None
            cpu0 = thread_cpu(srv.pid())
            r = run_wrk(srv.port, "register.lua", c, a.duration, env,
                        "register-c%d" % c, perf_pid=perf)
            cpu = cpu_note(cpu0, thread_cpu(srv.pid()), r["seconds"])
            ok201 = r["statuses"].get(201, 0)
            rate = ok201 / r["seconds"]
            files = [os.path.join(tdir, x) for x in os.listdir(tdir)]
            ok, msg, n = check_journal(os.path.join(data, "complaints.db"),
                                       files)
            lim = http_lim.get(c)
            slim = store_lim.get(c)
            note = "%s; %s; vs storage at batch %d: %s; %s" % (
                status_note(r), msg, c,
                "%.0f%%" % (100 * rate / slim) if slim else "?",
                cpu + ", " + load_note(r))
            res.add(phase="register", conns=c, rate_per_s=rate,
                    p50_ms=r["p50_us"] / 1000, p99_ms=r["p99_us"] / 1000,
                    peak_rss_mib=srv.hwm_mib(), limit="http-limit c=%d" % c,
                    limit_per_s=lim, ratio=rate / lim if lim else "",
                    note=note)
            out[c] = {"rate": rate, "ok": ok, "msg": msg, "res": r}
            log("  c=%d: %.0f registrations/s (201s), p99 %.1f ms; %s"
                % (c, rate, r["p99_us"] / 1000, msg))
    finally:
        srv.stop()
    out["doc_bytes"] = (min(sizes), int(statistics.median(sizes)),
                        max(sizes))
    return out


def ensure_journal(a, n):
    d = os.path.join(DATA, str(n))
    if os.path.exists(os.path.join(d, "gen.txt")):
        if "counters" in gen_info(d):
            return d
        # Made before the reports' counters: the daemon would count the
        # whole journal again at its first start; make it anew instead.
        shutil.rmtree(d)
    os.makedirs(DATA, exist_ok=True)
    log("gen: writing a journal of %d complaints into %s (cached for the "
        "next runs)" % (n, d))
    t0 = time.monotonic()
    p = subprocess.run([os.path.join(a.build, "bench", "gen"), "-F", "-n",
                        str(n), "-d", d, "-s", str(a.seed), "-S", SCHEMAS],
                       timeout=3 * 3600)
    if p.returncode != 0:
        raise RuntimeError("gen -n %d failed" % n)
    log("gen: %d complaints in %.0f s" % (n, time.monotonic() - t0))
    return d


def gen_info(d):
    info = {"journals": []}
    with open(os.path.join(d, "gen.txt")) as f:
        for line in f:
            p = line.split()
            if p[0] == "journal":
                info["journals"].append((p[1], int(p[2]), int(p[3])))
            elif len(p) == 2:
                info[p[0]] = p[1]
    return info


def time_overdue(port, token, query="overdue=1", n=21):
    hdr = {"Authorization": "Bearer " + token} if token else {}
    times, st = [], None
    for _ in range(n):
        t0 = time.monotonic()
        st, body = http_get(port, "/api/v1/complaints?" + query, hdr)
        times.append((time.monotonic() - t0) * 1000)
    rows = body.count(b"<item ")
    return st, times, rows


def time_report(port, token, year, group, n=11):
    """A year's summary: the first (cold) and the median of the rest."""
    hdr = {"Authorization": "Bearer " + token} if token else {}
    times, st, body = [], None, b""
    path = ("/api/v1/reports/summary?from=%d-01-01&to=%d-12-31&group=%s"
            % (year, year, group))
    for _ in range(n):
        t0 = time.monotonic()
        st, body = http_get(port, path, hdr)
        times.append((time.monotonic() - t0) * 1000)
    m = re.search(rb'<total[^>]*>\s*<figure name="received"[^>]*>(\d+)<',
                  body)
    return {"status": st, "cold": times[0],
            "warm": statistics.median(times[1:]), "max": max(times),
            "received": int(m.group(1)) if m else -1}


def time_event_count(db_path, year):
    """The limit: counting the year's events through their index, the
    least any report read from the events themselves would cost."""
    lo = calendar.timegm((year, 1, 1, 0, 0, 0)) - 5 * 3600
    hi = calendar.timegm((year + 1, 1, 1, 0, 0, 0)) - 5 * 3600
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        t0 = time.monotonic()
        n = db.execute("SELECT count(*) FROM event INDEXED BY event_at "
                       "WHERE at >= ? AND at < ?", (lo, hi)).fetchone()[0]
        el = (time.monotonic() - t0) * 1000
        t0 = time.monotonic()
        db.execute("SELECT count(*) FROM event INDEXED BY event_at "
                   "WHERE at >= ? AND at < ?", (lo, hi)).fetchone()
        warm = (time.monotonic() - t0) * 1000
    finally:
        db.close()
    return {"events": n, "cold": el, "warm": warm}


def stream_get(srv, path, token, count=b"\0", tail_len=200):
    """GETs path, reading the answer as it comes while the daemon's RSS is
    sampled every 20 ms: status, seconds, bytes, how many times count
    occurs, the answer's last tail_len bytes, the RSS (MiB) before, at
    least and at most during, and after, and VmHWM before and after."""
    hdr = {"Authorization": "Bearer " + token} if token else {}
    samples = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            s = proc_status(srv.pid())
            if s:
                samples.append(s.get("VmRSS", 0) / 1024.0)
            time.sleep(0.02)

    before = proc_status(srv.pid())
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    t0 = time.monotonic()
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=300)
    nbytes, nrows, tail = 0, 0, b""
    try:
        c.request("GET", path, headers=hdr)
        r = c.getresponse()
        st = r.status
        while True:
            chunk = r.read(65536)
            if not chunk:
                break
            nbytes += len(chunk)
            nrows += (tail[-len(count) + 1:] + chunk).count(count) \
                if len(count) > 1 else chunk.count(count)
            tail = (tail + chunk)[-tail_len:]
    finally:
        c.close()
        el = time.monotonic() - t0
        stop.set()
        th.join()
    after = proc_status(srv.pid())
    return {"status": st, "seconds": el, "bytes": nbytes, "rows": nrows,
            "tail": tail, "rss_before": before.get("VmRSS", 0) / 1024.0,
            "rss_min": min(samples or [0]), "rss_max": max(samples or [0]),
            "rss_after": after.get("VmRSS", 0) / 1024.0,
            "hwm_before": before.get("VmHWM", 0) / 1024.0,
            "hwm_after": after.get("VmHWM", 0) / 1024.0}


def export_journal(srv, token, body, year):
    return stream_get(srv, "/api/v1/journal?body=%s&year=%d" % (body, year),
                      token, b"<entry")


def stream_reports(srv, token, year, pages=40, seconds=60):
    """RSS while a year's report streams: the workbook and the CSV by
    institution (the grouping with the most rows), then the trace of the
    year's received complaints, page after page (at most pages of 500,
    or seconds), each sampled as stream_get does."""
    out = {}
    q = "from=%d-01-01&to=%d-12-31" % (year, year)
    for fmt in ("xlsx", "csv"):
        out[fmt] = stream_get(srv, "/api/v1/reports/summary?%s&group="
                              "institution&format=%s" % (q, fmt), token)
    t = {"pages": 0, "rows": 0, "times": [], "rss_before": None,
         "rss_max": 0, "hwm_before": None, "status": None}
    after, t0 = 0, time.monotonic()
    while t["pages"] < pages and time.monotonic() - t0 < seconds:
        r = stream_get(srv, "/api/v1/reports/complaints?figure=received&%s"
                       "&limit=500&after=%d" % (q, after), token,
                       b"<complaint ")
        t["status"] = r["status"]
        if t["rss_before"] is None:
            t["rss_before"], t["hwm_before"] = r["rss_before"], \
                r["hwm_before"]
        t["rss_max"] = max(t["rss_max"], r["rss_max"])
        t["hwm_after"], t["rss_after"] = r["hwm_after"], r["rss_after"]
        t["pages"] += 1
        t["rows"] += r["rows"]
        t["times"].append(r["seconds"] * 1000)
        m = re.search(rb'<more after="(\d+)"', r["tail"])
        if r["status"] != 200 or not m:
            break
        after = int(m.group(1))
    out["trace"] = t
    return out


def inbox_size(a):
    """One million complaints, or the largest size of a shorter run."""
    return 1000000 if 1000000 in a.sizes else max(a.sizes)


def inbox_paths(db_path, body, n=64, seed=1):
    """The search's paths: surnames of the body's complaints, as a
    registrar would type them (the first five letters: a prefix)."""
    db = sqlite3.connect("file:%s?mode=ro" % db_path, uri=True)
    try:
        rows = db.execute(
            "SELECT c.surname FROM complaint c JOIN body b ON "
            "b.id = c.body_id WHERE b.code = ? LIMIT 5000",
            (body,)).fetchall()
    finally:
        db.close()
    rng = random.Random(seed)
    words = sorted({r[0] for r in rows if r[0]})
    picked = [rng.choice(words)[:5] for _ in range(n)] if words else []
    return ["/api/v1/complaints?body=%s&limit=50&q=%s"
            % (body, "".join("%%%02X" % b for b in w.encode("utf-8")))
            for w in picked]


def phase_inbox(a, res, srv, d, n, conns, lookup_rate, auth):
    """The desk's inbox at n complaints: the first page and a search,
    each as a rate under wrk, against the lookups' rate of this run."""
    info = gen_info(d)
    # The body with the most complaints: the heaviest inbox.
    counts = {}
    for body, _, k in info["journals"]:
        counts[body] = counts.get(body, 0) + k
    body = max(counts, key=counts.get)
    env = {"BENCH_SEED": str(a.seed)}
    if auth:
        add_accounts(a.build, d, [body], desk=False)
        tok = sign_in(srv.port, "bench-" + body)
        if tok:
            env["BENCH_AUTH"] = "Bearer " + tok
    out = {"body": body, "complaints": counts[body]}
    kinds = [("first", ["/api/v1/complaints?body=%s&limit=50" % body]),
             ("search", inbox_paths(os.path.join(d, "complaints.db"), body,
                                    seed=a.seed))]
    for kind, paths in kinds:
        pf = os.path.join(OUT, "paths-inbox-%s-%d.txt" % (kind, n))
        with open(pf, "w") as f:
            f.write("\n".join(paths) + "\n")
        r = run_wrk(srv.port, "get.lua", conns, a.duration,
                    dict(env, BENCH_PATHS=pf), "inbox-%s-%d" % (kind, n))
        ok = r["statuses"].get(200, 0)
        rate = ok / r["seconds"]
        out[kind] = {"rate": rate, "p50": r["p50_us"] / 1000,
                     "p99": r["p99_us"] / 1000}
        res.add(phase="inbox-" + kind, size=n, conns=conns, rate_per_s=rate,
                p50_ms=r["p50_us"] / 1000, p99_ms=r["p99_us"] / 1000,
                peak_rss_mib=srv.hwm_mib(),
                limit="lookup at %d, c=%d" % (n, conns),
                limit_per_s=lookup_rate,
                ratio=rate / lookup_rate if lookup_rate else "",
                note="%s; GET /api/v1/complaints?body=%s&limit=50%s; %d "
                "complaints of the body; %s" % (
                    status_note(r), body,
                    " and q= one of %d surname prefixes" % len(paths)
                    if kind == "search" else " (the first page)",
                    counts[body], load_note(r)))
        log("  inbox %s (%s, %d complaints): %.0f pages/s, p99 %.1f ms, "
            "%.2f of the lookup rate" % (
                kind, body, counts[body], rate, r["p99_us"] / 1000,
                rate / lookup_rate if lookup_rate else 0))
    # Let the daemon close wrk's connections before the next client.
    time.sleep(1)
    return out


def phase_lookups(a, res, http_lim, known, auth):
    log("lookup: complaintsd, GET /api/v1/talons/{number}")
    c = max(a.conns)
    lim = http_lim.get(c)
    out = {"rates": {}, "hwm": {}}
    largest = max(a.sizes)
    for n in a.sizes:
        d = ensure_journal(a, n)
        info = gen_info(d)
        paths = os.path.join(OUT, "paths-%d.txt" % n)
        with open(os.path.join(d, "talons.txt")) as f, open(paths, "w") as g:
            for line in f:
                g.write("/api/v1/talons/%s\n" % line.strip())
        if auth and n == largest:
            add_accounts(a.build, d, [], desk=True)
        # The watch is off: the generator marked the overdue complaints
        # already, and the cached journal must not change under the run.
        srv = daemon(a.build, d, "complaintsd-%d" % n,
                     {"watch_interval": "0"}, known)
        # --mem-limit: the journal's pages out of the page cache and the
        # daemon in a memory cgroup smaller than the file, so that only
        # what fits the limit stays cached.
        cg, lb = None, lookup_bytes(d)
        if a.mem_limit:
            cg = "complaints-bench-%d-%d" % (os.getpid(), n)
            enter = mem_cgroup(cg, a.mem_limit)
            evict(d)
            srv.start(preexec=enter)
        else:
            srv.start()
        out.setdefault("first_start", {})[n] = srv.start_s
        try:
            perf = srv.pid() if a.perf and n == largest else None
            hwm0 = srv.hwm_mib()
            warm = None
            if a.warmup:
                # The same lookups first, untimed in the result: with the
                # journal evicted, they bring the lookup path (and only
                # what they read) into the cache; their rate is the cold
                # start's, reported beside.
                w = run_wrk(srv.port, "get.lua", c, a.warmup,
                            {"BENCH_PATHS": paths,
                             "BENCH_SEED": str(a.seed + 1)},
                            "lookup-warmup-%d" % n)
                warm = w["statuses"].get(200, 0) / w["seconds"]
                log("  %d complaints: warm-up %d s, %.0f lookups/s" % (
                    n, a.warmup, warm))
            cpu0 = thread_cpu(srv.pid())
            r = run_wrk(srv.port, "get.lua", c, a.duration,
                        {"BENCH_PATHS": paths, "BENCH_SEED": str(a.seed)},
                        "lookup-%d" % n, perf_pid=perf)
            cpu = cpu_note(cpu0, thread_cpu(srv.pid()), r["seconds"])
            ok = r["statuses"].get(200, 0)
            rate = ok / r["seconds"]
            out["rates"][n] = rate
            out["hwm"][n] = srv.hwm_mib()
            base = out["rates"].get(min(a.sizes))
            mem = ""
            if lb:
                mem += "; lookup path %.0f bytes a complaint (the lookup " \
                    "index; the table %.0f), file %.0f MiB" % (
                        lb["index"], lb["row"], lb["file"] / 1048576.0)
            if warm is not None:
                mem += "; after a warm-up of %d s at %.0f lookups/s " \
                    "(the same paths from a cold cache)" % (a.warmup, warm)
            if cg:
                pk = mem_cgroup_peak(cg)
                mem += "; memory cgroup limit %d MiB (page cache " \
                    "included), its peak %s MiB, journal evicted from the " \
                    "page cache before the start" % (
                        a.mem_limit, "%.0f" % pk if pk else "?")
            res.add(phase="lookup", size=n, conns=c, rate_per_s=rate,
                    p50_ms=r["p50_us"] / 1000, p99_ms=r["p99_us"] / 1000,
                    peak_rss_mib=out["hwm"][n], limit="http-limit c=%d" % c,
                    limit_per_s=lim, ratio=rate / lim if lim else "",
                    note="%s; %.0f%% of the rate at %d; VmHWM %.1f MiB "
                    "after start-up; %s, %s%s" % (
                        status_note(r), 100 * rate / base, min(a.sizes),
                        hwm0, cpu, load_note(r), mem))
            log("  %d complaints: %.0f lookups/s (200s), p99 %.1f ms, "
                "VmHWM %.1f MiB" % (n, rate, r["p99_us"] / 1000,
                                    out["hwm"][n]))
            if n == inbox_size(a):
                out["inbox"] = phase_inbox(a, res, srv, d, n, c, rate,
                                           auth)
            if n != largest:
                continue
            token = sign_in(srv.port, "bench-desk") if auth else None
            out["hwm_signin"] = srv.hwm_mib()
            full = [j for j in info["journals"]
                    if j[1] < time.gmtime().tm_year] or info["journals"]
            body, year, count = max(full, key=lambda j: j[2])
            for q in ("overdue=1", "overdue=1&body=" + body):
                st, times, rows = time_overdue(srv.port, token, q)
                warm = statistics.median(times[1:])
                if q == "overdue=1":
                    out["overdue"] = {"status": st, "cold": times[0],
                                      "warm": warm, "max": max(times),
                                      "rows": rows}
                res.add(phase="overdue", size=n, conns=1, p50_ms=warm,
                        p99_ms=max(times), peak_rss_mib=srv.hwm_mib(),
                        note="GET /api/v1/complaints?%s: status %d; first "
                        "(cold) %.1f ms, max of 21 %.1f ms; %d rows (one "
                        "page); %s overdue in the journal" % (
                            q, st, times[0], max(times), rows,
                            info.get("overdue", "?")))
                log("  %s: status %d, first %.1f ms, median %.1f ms"
                    % (q, st, times[0], warm))
            rep = {}
            for g in ("body", "month"):
                rep[g] = time_report(srv.port, token, year, g)
            ev = time_event_count(os.path.join(d, "complaints.db"), year)
            out["report"] = {"body": rep["body"], "month": rep["month"],
                             "events": ev, "year": year}
            for g in ("body", "month"):
                r = rep[g]
                res.add(phase="report", size=n, conns=1, p50_ms=r["warm"],
                        p99_ms=r["max"], peak_rss_mib=srv.hwm_mib(),
                        limit="events of %d counted by index %.1f ms" % (
                            year, ev["warm"]),
                        limit_per_s="", ratio=r["warm"] / ev["warm"]
                        if ev["warm"] else "",
                        note="GET /api/v1/reports/summary %d, group=%s: "
                        "status %d; first (cold) %.1f ms, max of 11 %.1f "
                        "ms; %d received in the total; %d events in the "
                        "year (cold count %.0f ms)" % (
                            year, g, r["status"], r["cold"], r["max"],
                            r["received"], ev["events"], ev["cold"]))
                log("  report %d by %s: status %d, first %.1f ms, median "
                    "%.1f ms; counting the year's events by index %.1f ms"
                    % (year, g, r["status"], r["cold"], r["warm"],
                       ev["warm"]))
            tok = token
            e = export_journal(srv, tok, body, year)
            if e["status"] == 403 and auth:
                add_accounts(a.build, d, [body], desk=False)
                tok = sign_in(srv.port, "bench-" + body)
                e = export_journal(srv, tok, body, year)
            out["export"] = e
            res.add(phase="export", size=n, conns=1,
                    rate_per_s=e["rows"] / e["seconds"] if e["seconds"]
                    else "", p50_ms=e["seconds"] * 1000,
                    peak_rss_mib=srv.hwm_mib(),
                    note="status %d; %s %d: %d rows, %.1f MB in %.2f s; RSS "
                    "%.1f MiB before, %.1f..%.1f during, %.1f after" % (
                        e["status"], body, year, e["rows"],
                        e["bytes"] / 1e6, e["seconds"], e["rss_before"],
                        e["rss_min"], e["rss_max"], e["rss_after"]))
            log("  export %s %d: status %d, %d rows in %.2f s, RSS %.1f.."
                "%.1f MiB" % (body, year, e["status"], e["rows"],
                              e["seconds"], e["rss_min"], e["rss_max"]))
            rs = stream_reports(srv, tok, year)
            out["report_stream"] = rs
            for fmt in ("xlsx", "csv"):
                e = rs[fmt]
                res.add(phase="report-" + fmt, size=n, conns=1,
                        p50_ms=e["seconds"] * 1000,
                        peak_rss_mib=e["hwm_after"],
                        note="GET /api/v1/reports/summary %d group="
                        "institution format=%s: status %d, %.1f MB in %.2f "
                        "s; RSS %.1f MiB before, %.1f..%.1f during, %.1f "
                        "after; VmHWM %.1f -> %.1f MiB" % (
                            year, fmt, e["status"], e["bytes"] / 1e6,
                            e["seconds"], e["rss_before"], e["rss_min"],
                            e["rss_max"], e["rss_after"], e["hwm_before"],
                            e["hwm_after"]))
                log("  report %s %d by institution: status %d, %.1f MB in "
                    "%.2f s, RSS %.1f..%.1f MiB, VmHWM %.1f -> %.1f MiB" % (
                        fmt, year, e["status"], e["bytes"] / 1e6,
                        e["seconds"], e["rss_before"], e["rss_max"],
                        e["hwm_before"], e["hwm_after"]))
            t = rs["trace"]
            tm = t["times"] or [0]
            res.add(phase="report-trace", size=n, conns=1,
                    p50_ms=statistics.median(tm), p99_ms=max(tm),
                    peak_rss_mib=t["hwm_after"],
                    note="GET /api/v1/reports/complaints?figure=received "
                    "%d, 500 a page: status %s, %d pages, %d rows; RSS %.1f "
                    "MiB before, at most %.1f during; VmHWM %.1f -> %.1f "
                    "MiB" % (year, t["status"], t["pages"], t["rows"],
                             t["rss_before"] or 0, t["rss_max"],
                             t["hwm_before"] or 0, t["hwm_after"]))
            log("  trace of %d's received: %d pages, %d rows, median %.1f "
                "ms a page, RSS %.1f..%.1f MiB" % (
                    year, t["pages"], t["rows"], statistics.median(tm),
                    t["rss_before"] or 0, t["rss_max"]))
            out["hwm_all"] = srv.hwm_mib()
        finally:
            srv.stop()
            if cg:
                for root in ("/sys/fs/cgroup", "/sys/fs/cgroup/memory"):
                    try:
                        os.rmdir(os.path.join(root, cg))
                    except OSError:
                        pass
    # Start-up: exec to /healthz, with the directory loaded already.
    d = os.path.join(DATA, str(largest))
    times = []
    for i in range(3):
        srv = daemon(a.build, d, "complaintsd-start", {"watch_interval":
                                                       "0"}, known)
        srv.start()
        times.append(srv.start_s)
        srv.stop()
    out["startup"] = statistics.median(times)
    res.add(phase="start-up", size=largest, p50_ms=out["startup"] * 1000,
            p99_ms=max(times) * 1000,
            note="exec to /healthz; median of 3: %s ms; the first start "
            "of this run (page cache as the lookups left it) %.0f ms" % (
                " ".join("%.0f" % (t * 1000) for t in times),
                out["first_start"][largest] * 1000))
    log("  start-up: %s ms" % " ".join("%.0f" % (t * 1000) for t in times))
    return out


# --- Report -------------------------------------------------------------------

def report(a, res, reg, look, mach, elapsed):
    cols = [("phase", "%s", 11), ("size", "%s", 9), ("conns", "%s", 10),
            ("rate_per_s", "%.0f", 9), ("p50_ms", "%.2f", 8),
            ("p99_ms", "%.2f", 8), ("peak_rss_mib", "%.1f", 7),
            ("ratio", "%.2f", 6)]
    heads = ["phase", "size", "conns", "rate/s", "p50 ms", "p99 ms",
             "RSS MiB", "ratio"]
    print()
    print("machine: %s" % mach)
    print("seed %d, %d s per wrk run, wrk -t2 (-t1 at 1 connection); "
          "run took %.0f s" % (a.seed, a.duration, elapsed))
    print()
    print("  ".join(h.rjust(w) if i > 2 else h.ljust(w)
                    for i, (h, (_, _, w)) in enumerate(zip(heads, cols))) +
          "  limit / note")
    for r in res.rows:
        cells = []
        for i, (k, spec, w) in enumerate(cols):
            s = fmt(r[k], spec) if not isinstance(r[k], str) else r[k]
            cells.append(s.rjust(w) if i > 2 else s.ljust(w))
        extra = r["limit"]
        if r["note"]:
            extra = (extra + "; " if extra else "") + r["note"]
        print("  ".join(cells) + "  " + extra)
    with open(a.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(res.rows[0].keys()) if
                           res.rows else ["phase"])
        w.writeheader()
        for r in res.rows:
            out = dict(r)
            for k in ("rate_per_s", "p50_ms", "p99_ms", "peak_rss_mib",
                      "limit_per_s", "ratio"):
                if isinstance(out[k], float):
                    out[k] = "%.4g" % out[k] if k == "ratio" else \
                        "%.2f" % out[k]
            w.writerow(out)
    print()
    verdicts = []

    def verdict(ok, text):
        verdicts.append(ok)
        print("%s %s" % ("PASS" if ok else "FAIL", text))

    c = max(a.conns)
    if reg and c in reg:
        r = reg[c]
        lim = res_lim(res, "http-limit", c)
        verdict(lim and r["rate"] >= 0.40 * lim,
                "durable registrations at %d connections >= 40%% of the "
                "HTTP limit: %.0f/s vs %.0f/s = %.1f%%" %
                (c, r["rate"], lim or 0, 100 * r["rate"] / lim if lim else 0))
        allok = all(reg[k]["ok"] for k in a.conns if k in reg)
        verdict(allok, "every talon returned is in the journal and the "
                "numbers are gap-free: %s" % "; ".join(
                    "c=%d: %s" % (k, reg[k]["msg"]) for k in a.conns
                    if k in reg))
    if look and look["rates"]:
        lim = res_lim(res, "http-limit", c)
        worst = min(look["rates"].values())
        verdict(lim and worst >= 0.70 * lim,
                "status lookups >= 70%% of the HTTP limit at every size: "
                "lowest %.0f/s vs %.0f/s = %.1f%%" %
                (worst, lim or 0, 100 * worst / lim if lim else 0))
        lo, hi = min(a.sizes), max(a.sizes)
        if lo != hi:
            verdict(look["rates"][hi] >= 0.80 * look["rates"][lo],
                    "lookups at %d >= 80%% of the rate at %d: %.0f/s vs "
                    "%.0f/s = %.1f%%" % (hi, lo, look["rates"][hi],
                                         look["rates"][lo],
                                         100 * look["rates"][hi] /
                                         look["rates"][lo]))
        hwm = look["hwm"].get(hi, 0)
        verdict(hwm <= 64, "peak RSS (VmHWM) of complaintsd at %d under "
                "lookups <= 64 MiB: %.1f MiB (after one staff sign-in, "
                "overdue and export: %.1f MiB)" % (
                    hi, hwm, look.get("hwm_all", 0)))
        if "overdue" in look:
            o = look["overdue"]
            verdict(o["status"] == 200 and o["warm"] < 50,
                    "overdue query at %d < 50 ms: median %.1f ms, first "
                    "(cold) %.1f ms, status %d" % (hi, o["warm"], o["cold"],
                                                   o["status"]))
        if "export" in look:
            e = look["export"]
            flat = e["rss_max"] - e["rss_before"] < 16
            verdict(e["status"] == 200 and flat,
                    "journal export streamed with flat RSS: %d rows, RSS "
                    "%.1f MiB before, at most %.1f during (status %d)" %
                    (e["rows"], e["rss_before"], e["rss_max"], e["status"]))
        if "report_stream" in look:
            rs = look["report_stream"]
            for k in ("xlsx", "csv", "trace"):
                e = rs[k]
                grew = e["rss_max"] - (e["rss_before"] or 0)
                verdict(e["status"] == 200 and grew < 16,
                        "RSS stays flat while a report streams (%s, a "
                        "year by institution%s): %.1f MiB before, at most "
                        "%.1f during, VmHWM %.1f -> %.1f MiB" % (
                            k, ", %d pages" % e["pages"] if k == "trace"
                            else "", e["rss_before"] or 0, e["rss_max"],
                            e["hwm_before"] or 0, e["hwm_after"]))
        if "report" in look:
            rp = look["report"]
            for g in ("body", "month"):
                r = rp[g]
                verdict(r["status"] == 200 and r["warm"] < 1000 and
                        r["cold"] < 1000 and r["received"] > 0,
                        "a year's report (%d, by %s) at %d < 1 s: first "
                        "%.1f ms, median %.1f ms = %.2f of counting the "
                        "year's %d events by index (%.1f ms); status %d" % (
                            rp["year"], g, hi, r["cold"], r["warm"],
                            r["warm"] / rp["events"]["warm"]
                            if rp["events"]["warm"] else 0,
                            rp["events"]["events"], rp["events"]["warm"],
                            r["status"]))
        if "inbox" in look:
            ib = look["inbox"]
            n = inbox_size(a)
            for kind, p99 in (("first", 100), ("search", 500)):
                r = ib[kind]
                verdict(r["p99"] < p99 and r["rate"] > 0,
                        "inbox %s at %d (%s, %d complaints) p99 < %d ms: "
                        "%.1f ms; %.0f pages/s = %.2f of the lookup rate "
                        "(%.0f/s)" % (
                            "first page" if kind == "first" else "search",
                            n, ib["body"], ib["complaints"], p99, r["p99"],
                            r["rate"], r["rate"] / look["rates"][n]
                            if look["rates"].get(n) else 0,
                            look["rates"].get(n, 0)))
        verdict(look["startup"] < 1.0, "start-up at %d (exec to /healthz) "
                "< 1 s: %.0f ms" % (hi, look["startup"] * 1000))
    print()
    print("wrote %s" % os.path.relpath(a.csv, REPO))
    return all(verdicts)


def res_lim(res, phase, c):
    for r in res.rows:
        if r["phase"] == phase and r["conns"] == c:
            return r["rate_per_s"]
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--sizes", default="10000,1000000,10000000")
    ap.add_argument("--conns", default="1,8,64")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=4,
                    help="MHD threads of httplimit: complaintsd's threads")
    ap.add_argument("--batch-max", type=int, default=512)
    ap.add_argument("--quick", action="store_true",
                    help="3 s runs, 10 thousand complaints only")
    ap.add_argument("--perf", action="store_true",
                    help="perf record -g the daemon at the heaviest loads")
    ap.add_argument("--mem-limit", type=int, default=0, metavar="MIB",
                    help="run each lookup daemon in a memory cgroup of MIB "
                    "MiB (page cache included), its journal evicted from "
                    "the page cache first")
    ap.add_argument("--warmup", type=int, default=0, metavar="SECONDS",
                    help="lookups for this long before the measured run "
                    "at each size (reported as the cold rate)")
    ap.add_argument("--csv", default=os.path.join(BENCH, "results.csv"))
    ap.add_argument("--only", default="",
                    help="comma list of http,store,register,lookup")
    a = ap.parse_args()
    if not os.path.isabs(a.build):
        a.build = os.path.join(REPO, a.build)
    a.sizes = [int(x) for x in a.sizes.split(",")]
    a.conns = [int(x) for x in a.conns.split(",")]
    if a.quick:
        a.duration, a.sizes = 3, [10000]
    only = set(a.only.split(",")) if a.only else {"http", "store",
                                                  "register", "lookup"}
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (make deps)")
    os.makedirs(OUT, exist_ok=True)
    t0 = time.monotonic()
    mach = machine()
    log(mach)
    known = complaintsd_options(a.build)
    known_opts = set(known)
    a.threads = int(known.get("threads", a.threads))
    a.batch_max = int(known.get("batch_max", a.batch_max))
    auth = auth_supported(a.build) and not os.environ.get("BENCH_AUTH")
    if auth:
        log("complaintctl has staff accounts: making registrar accounts "
            "and signing in")
    res = Results()
    d = ensure_journal(a, min(a.sizes))
    paths = os.path.join(OUT, "paths-limit.txt")
    with open(os.path.join(d, "talons.txt")) as f, open(paths, "w") as g:
        for line in f:
            g.write("/api/v1/talons/%s\n" % line.strip())
    http_lim = phase_httplimit(a, res, paths) if "http" in only else {}
    store_lim = phase_storelimit(a, res) if "store" in only else {}
    reg = phase_register(a, res, http_lim, store_lim, known_opts, auth) \
        if "register" in only else None
    look = phase_lookups(a, res, http_lim, known_opts, auth) \
        if "lookup" in only else None
    ok = report(a, res, reg, look, mach, time.monotonic() - t0)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        sys.exit("bench: %s" % e)
