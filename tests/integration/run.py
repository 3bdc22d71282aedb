#!/usr/bin/python3
"""Runs the integration tests: every tests/integration/test_*.py.

    /usr/bin/python3 tests/integration/run.py            # all
    /usr/bin/python3 tests/integration/run.py test_ctl   # some files
    /usr/bin/python3 tests/integration/run.py -k journal # by name

Run from the repository root.  BUILD (default "build") names the folder
with complaintsd and complaintctl.  Exits 0 when every test passed, 1
otherwise.  Standard library only.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


def main(name="integration", here=HERE, doc=__doc__):
    """Runs the test_*.py of folder here (a suite called name), with the
    harness of tests/integration on the path."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[1])
    ap.add_argument("modules", nargs="*",
                    help="test files to run (test_ctl or test_ctl.py)")
    ap.add_argument("-k", dest="patterns", action="append",
                    help="only tests whose name contains this")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("-f", "--failfast", action="store_true")
    ap.add_argument("-j", "--jobs", type=int,
                    default=int(os.environ.get("TEST_JOBS", "1")),
                    help="run the files in this many processes at once "
                    "(each test has its own daemon, port and folder)")
    args = ap.parse_args()
    if args.jobs > 1 and not args.modules and not args.patterns:
        return parallel(name, here, args)

    sys.path.insert(0, here)
    sys.path.insert(0, HERE)
    import harness  # noqa: E402  (after the path is set)

    if not os.access(harness.DAEMON_BIN, os.X_OK):
        print("%s: %s is not built; run make all" %
              (name, harness.DAEMON_BIN), file=sys.stderr)
        return 1
    if not harness.ctl_available():
        print("%s: %s is not built: its tests are skipped" %
              (name, harness.CTL_BIN), file=sys.stderr)

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = ["*%s*" % p for p in args.patterns]
    if args.modules:
        suite = unittest.TestSuite()
        for m in args.modules:
            module = os.path.basename(m)
            if module.endswith(".py"):
                module = module[:-3]
            suite.addTests(loader.loadTestsFromName(module))
    else:
        suite = loader.discover(here, pattern="test_*.py", top_level_dir=here)

    runner = unittest.TextTestRunner(verbosity=1 if args.quiet else 2,
                                     failfast=args.failfast, stream=sys.stdout)
    t0 = time.monotonic()
    result = runner.run(suite)
    sys.stdout.flush()
    print("%s: %d tests, %d failures, %d errors, %d skipped in "
          "%.1f s" % (name, result.testsRun, len(result.failures),
                      len(result.errors), len(result.skipped),
                      time.monotonic() - t0))
    return 0 if result.wasSuccessful() and result.testsRun > 0 else 1


SUMMARY = re.compile(r"^\S+: (\d+) tests, (\d+) failures, (\d+) errors, "
                     r"(\d+) skipped in", re.M)


def parallel(name, here, args):
    """Runs the suite's files in args.jobs processes at a time, one
    process a file, the largest files first, each next file to the first
    process that ends, and adds up their summaries.  The last lines are
    those of a single run, for tests/run.sh; before them, the time each
    file took."""
    files = sorted((f for f in os.listdir(here)
                    if f.startswith("test_") and f.endswith(".py")),
                   key=lambda f: -os.path.getsize(os.path.join(here, f)))
    t0 = time.monotonic()
    todo, running, done = list(files), [], []
    while todo or running:
        while todo and len(running) < args.jobs:
            f = todo.pop(0)
            out = tempfile.TemporaryFile(mode="w+")
            cmd = [sys.executable, os.path.abspath(sys.argv[0]), f]
            if args.quiet:
                cmd.append("-q")
            running.append((subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT,
                env=dict(os.environ, TEST_JOBS="1")), out, f,
                time.monotonic()))
        time.sleep(0.1)
        for r in list(running):
            if r[0].poll() is not None:
                running.remove(r)
                done.append(r + (time.monotonic() - r[3],))
    ran = failures = errors = skipped = 0
    ok = True
    for p, out, f, _, took in done:
        out.seek(0)
        text = out.read()
        sys.stdout.write(text)
        m = SUMMARY.findall(text)
        if not m:
            print("%s: %s ended without a summary (exit %d)" %
                  (name, f, p.returncode))
            ok = False
            continue
        n, fl, e, sk = (int(x) for x in m[-1])
        ran, failures, errors, skipped = (ran + n, failures + fl,
                                          errors + e, skipped + sk)
        ok = ok and p.returncode == 0
    for *_, f, _, took in sorted(done, key=lambda d: -d[4]):
        print("%s: %-28s %6.1f s" % (name, f, took))
    took = time.monotonic() - t0
    print("Ran %d tests in %.3fs" % (ran, took))
    print("%s (failures=%d, errors=%d, skipped=%d)" %
          ("OK" if ok and failures + errors == 0 else "FAILED",
           failures, errors, skipped))
    print("%s: %d tests, %d failures, %d errors, %d skipped in %.1f s, "
          "%d processes" % (name, ran, failures, errors, skipped, took,
                            args.jobs))
    return 0 if ok and failures + errors == 0 and ran > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
