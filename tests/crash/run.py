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

import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.join(os.path.dirname(HERE), "integration")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("modules", nargs="*",
                    help="test files to run (test_crash or test_crash.py)")
    ap.add_argument("-k", dest="patterns", action="append",
                    help="only tests whose name contains this")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("-f", "--failfast", action="store_true")
    args = ap.parse_args()

    sys.path.insert(0, HERE)
    sys.path.insert(0, INTEGRATION)
    import harness  # noqa: E402  (after the path is set)

    if not os.access(harness.DAEMON_BIN, os.X_OK):
        print("crash: %s is not built; run make all" %
              harness.DAEMON_BIN, file=sys.stderr)
        return 1
    if not harness.ctl_available():
        print("crash: %s is not built: its tests are skipped" %
              harness.CTL_BIN, file=sys.stderr)

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = ["*%s*" % p for p in args.patterns]
    if args.modules:
        suite = unittest.TestSuite()
        for m in args.modules:
            name = os.path.basename(m)
            if name.endswith(".py"):
                name = name[:-3]
            suite.addTests(loader.loadTestsFromName(name))
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)

    runner = unittest.TextTestRunner(verbosity=1 if args.quiet else 2,
                                     failfast=args.failfast, stream=sys.stdout)
    t0 = time.monotonic()
    result = runner.run(suite)
    sys.stdout.flush()
    print("crash: %d tests, %d failures, %d errors, %d skipped in "
          "%.1f s" % (result.testsRun, len(result.failures),
                      len(result.errors), len(result.skipped),
                      time.monotonic() - t0))
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
