#!/usr/bin/python3
"""Writes an upgrade fixture: a small data folder made by this version's
complaintsd and complaintctl, for test_upgrade to open with later ones.

    BUILD=build python3 tests/upgrade/make_fixture.py tests/upgrade/NAME

NAME/complaints.db and NAME/secret.key are the data folder;
NAME/manifest.txt holds what was handed out and done, one talon a line
("talon access-code body journal-number state outcome"), as complaintctl
printed it.  The administrator's password is the harness's.
"""

import os
import shutil
import sqlite3
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from harness import CTL_BIN, PASSWORD, Daemon, complaint_xml  # noqa: E402


def ctl(d, token, *args):
    env = dict(os.environ, COMPLAINTS_TOKEN=token)
    env.pop("COMPLAINTS_URL", None)
    p = subprocess.run([CTL_BIN, "-u", d.url()] + [str(a) for a in args],
                       capture_output=True, text=True, env=env, timeout=60)
    if p.returncode != 0:
        sys.exit("complaintctl %s: %s" % (" ".join(map(str, args)), p.stderr))
    return dict(l.split(": ", 1) for l in p.stdout.splitlines()
                if ": " in l)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    d = Daemon(name="fixture")
    d.start()
    rows = []
    try:
        for body, n in (("almaty-bostandyk", 3), ("almaty-auezov", 2)):
            reg = d.account("registrar", body)
            for i in range(n):
                path = os.path.join(d.tmp, "c.xml")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(complaint_xml(body=body, service=3 + i,
                                          surname="Тестова%d" % i))
                t = ctl(d, reg, "register", path)
                rows.append([t["number"], t["access-code"], body,
                             t["journal-number"]])
        head = d.account("head", "almaty-bostandyk")
        first = d.complaint_id(rows[0][0])
        ctl(d, head, "assign", first, "--assignee", "Нұрланова Әсем")
        ctl(d, head, "decide", first, "--outcome", "upheld",
            "--reasoning", "Бала мектепке қабылданды.")
        second = d.complaint_id(rows[1][0])
        ctl(d, head, "assign", second, "--assignee", "Нұрланова Әсем")
        ctl(d, head, "extend", second, "--reason", "Қосымша тексеру қажет")
        for r in rows:
            s = ctl(d, head, "status", r[0])
            r.append(s.get("state", "?"))
            c = d.query("SELECT outcome FROM complaint WHERE talon = ?",
                        (r[0],))[0][0]
            r.append(c or "-")
    finally:
        rc = d.stop()
    if rc != 0:
        sys.exit("complaintsd exited %s" % rc)
    for f in ("complaints.db", "secret.key"):
        shutil.copy(os.path.join(d.data_dir, f), os.path.join(out, f))
    if os.path.exists(os.path.join(d.data_dir, "complaints.db-wal")):
        sys.exit("the store was not checkpointed at stop")
    version = sqlite3.connect(os.path.join(out, "complaints.db")).execute(
        "PRAGMA user_version").fetchone()[0]
    with open(os.path.join(out, "manifest.txt"), "w",
              encoding="utf-8") as f:
        f.write("# schema %d; administrator \"admin\", password %s\n"
                % (version, PASSWORD))
        for r in rows:
            f.write(" ".join(r) + "\n")
    d.cleanup()
    print("%s: schema %d, %d talons" % (out, version, len(rows)))


if __name__ == "__main__":
    main()
