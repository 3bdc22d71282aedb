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
import sys
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
    args = ap.parse_args()

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


if __name__ == "__main__":
    sys.exit(main())
