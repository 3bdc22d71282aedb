#!/usr/bin/python3
"""Runs the crash suite: every tests/crash/test_*.py.

    /usr/bin/python3 tests/crash/run.py             # all
    /usr/bin/python3 tests/crash/run.py test_crash  # some files
    /usr/bin/python3 tests/crash/run.py -k diskfull # by name

The tests kill the daemon (SIGKILL) under load and fill a small tmpfs
(mounting needs root: those tests are skipped otherwise).  CRASH_ROUNDS,
CRASH_SEED, CRASH_CLIENTS: see test_crash.py; CRASH_STRICT=1: see
test_diskfull.py.  Run from the repository root.  BUILD (default "build")
names the folder with complaintsd and complaintctl; the harness is
tests/integration/harness.py.  Exits 0 when every test passed, 1
otherwise.  Standard library only.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))

import run as integration  # noqa: E402  (tests/integration/run.py)

if __name__ == "__main__":
    sys.exit(integration.main("crash", HERE, __doc__))
