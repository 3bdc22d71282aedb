#!/bin/sh
# Runs the unit test programs given as arguments, then the integration
# suite and the crash suite (tests/crash), and ends with one line:
# "N passed, N failed, N skipped", followed by the reason of each skip.
#   --unit-only   only the unit tests
# Environment: BUILD (the build folder), PYTHON (default /usr/bin/python3),
# CI (true: a test that cannot run, such as the browser test, fails).
unit_only=0
if [ "$1" = "--unit-only" ]; then
	unit_only=1
	shift
fi
: "${BUILD:=build}"
: "${PYTHON:=/usr/bin/python3}"
export BUILD
out=$(mktemp)
why=$(mktemp)
trap 'rm -f "$out" "$why"' EXIT
passed=0 failed=0 skipped=0 broken=""
# The suites keep their own record of the last run, for README's table.
mkdir -p tests/output
summary=tests/output/suites-$(basename "$BUILD").md
printf '| suite | passed | failed | skipped |\n| --- | ---: | ---: | ---: |\n' \
    >"$summary"
upassed=0 ufailed=0

for t in "$@"; do
	echo "== $t"
	"$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	# A program may run several groups: add up every summary.
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" |
	    awk '{ s += $1 } END { print s + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" |
	    awk '{ s += $1 } END { if (NR) print s }')
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" |
	    awk '{ s += $1 } END { print s + 0 }')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	skipped=$((skipped + ${s:-0}))
	upassed=$((upassed + ${p:-0}))
	ufailed=$((ufailed + ${f:-0}))
	if [ $rc -ne 0 ] && [ -z "$f" ]; then
		failed=$((failed + 1))	# crashed before its summary
		ufailed=$((ufailed + 1))
		broken="$broken $t"
	fi
done
printf '| unit (%d programs) | %d | %d | 0 |\n' $# $upassed $ufailed \
    >>"$summary"

for suite in integration crash; do
	[ $unit_only -eq 0 ] && [ -f tests/$suite/run.py ] || continue
	echo "== $suite"
	jobs=1
	[ $suite = integration ] && jobs=${TEST_JOBS:-2}
	"$PYTHON" tests/$suite/run.py --jobs "$jobs" >"$out" 2>&1
	rc=$?
	cat "$out"
	n=$(sed -n 's/^Ran \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	fl=$(sed -n 's/.*failures=\([0-9]*\).*/\1/p' "$out" | tail -1)
	er=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' "$out" | tail -1)
	sk=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' "$out" | tail -1)
	bad=$(( ${fl:-0} + ${er:-0} ))
	if [ $rc -ne 0 ] && [ $bad -eq 0 ]; then
		bad=1
		broken="$broken $suite"
	fi
	passed=$((passed + ${n:-0} - ${fl:-0} - ${er:-0} - ${sk:-0}))
	failed=$((failed + bad))
	skipped=$((skipped + ${sk:-0}))
	# Each reason once, first line only ("... skipped 'reason'").
	sed -n "s/.* skipped '\(.*\)'\$/\1/p" "$out" | sort -u >>"$why"
	printf '| %s | %d | %d | %d |\n' $suite \
	    $(( ${n:-0} - ${fl:-0} - ${er:-0} - ${sk:-0} )) $bad ${sk:-0} \
	    >>"$summary"
done

[ -n "$broken" ] && echo "crashed or failed without a summary:$broken"
if [ -s "$why" ]; then
	echo "$passed passed, $failed failed, $skipped skipped:" \
	    "$(sort -u "$why" | paste -sd ';' - | sed 's/;/; /g')"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
[ $failed -eq 0 ]
