#!/bin/sh
# Verifies the package's systemd units where the package puts them:
# systemd-analyze verify, and the exposure systemd-analyze security gives
# complaintsd.service (at most 2.0: SECURITY.md keeps the number).
# usage: verify-units.sh complaintsd_VERSION_amd64.deb
set -eu
deb=$1
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
units=$root/usr/lib/systemd/system
[ -d "$units" ] || units=$root/lib/systemd/system
for u in complaintsd.service complaints-backup.service \
    complaints-backup.timer; do
	[ -f "$units/$u" ] || { echo "verify-units: $u is not in $deb" >&2
		exit 1; }
done
# The units name /usr/sbin/complaintsd and friends: verify them against
# the unpacked package, with the system's own units (the targets they
# need) and kill(1) beside it.  The manual pages they name are checked by
# make lint.
cp -an /lib/systemd/system/. "$units/"
mkdir -p "$root/bin"
cp -a /bin/kill "$root/bin/"
out=$(systemd-analyze verify --man=no --root="$root" \
    "$units/complaintsd.service" "$units/complaints-backup.service" \
    "$units/complaints-backup.timer" 2>&1) || {
	echo "$out" >&2; exit 1; }
if [ -n "$out" ]; then
	echo "$out" >&2
	echo "verify-units: systemd-analyze verify is not clean" >&2
	exit 1
fi
echo "verify-units: systemd-analyze verify: clean"
sec=$(systemd-analyze security --offline=yes --root="$root" \
    --threshold=20 "$units/complaintsd.service" 2>&1) || {
	echo "$sec" >&2; exit 1; }
echo "$sec" | tail -1
