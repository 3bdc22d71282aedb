#!/bin/sh
# make check-package: installs the package into a fresh Debian 12 root
# (debootstrap, minbase; the first run caches it as a tar in the build
# folder) with apt, then, in a network namespace of its own (so the
# packaged port 8080 is free), starts complaintsd as _complaints with the
# unit's own ExecStartPre and ExecStart lines and waits for its READY=1 as
# systemd would, makes the first administrator as the README says,
# registers a complaint with complaintctl, takes a backup with the
# timer's script, stops the daemon, restores the backup and finds the
# complaint again; /metrics counts the registration.  Needs root.  Not part of make check.
#
# usage: check-package.sh complaintsd_VERSION_amd64.deb BUILD_DIR
set -eu
if [ "${1:-}" = "--inside" ]; then
	root=$2
	# As systemd runs the unit: the same lines, as _complaints, READY
	# and the journal's stream (a file here) told by the environment.
	unit=$root/lib/systemd/system/complaintsd.service
	pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
	start=$(sed -n 's/^ExecStart=//p' "$unit")
	log=$root/var/log/complaintsd.log
	: >"$log"
	as_daemon() {
		chroot "$root" setpriv --reuid=_complaints --regid=_complaints \
		    --init-groups "$@"
	}
	in_root() {
		chroot "$root" env HOME=/root "$@"
	}
	daemon=
	trap '[ -z "$daemon" ] || kill $daemon 2>/dev/null' EXIT
	ip link set lo up
	echo "check-package: $pre"
	# shellcheck disable=SC2086
	as_daemon $pre
	start_daemon() {
		rm -f "$root/run/notify"
		python3 - "$root/run/notify" >"$root/run/notify.out" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)    # as systemd's: the daemon's user sends
s.settimeout(60)
while True:
    m = s.recv(4096).decode()
    print(m.replace("\n", " "), flush=True)
    if "READY=1" in m.split("\n"):
        break
PY
		listener=$!
		while [ ! -S "$root/run/notify" ]; do sleep 0.05; done
		echo "check-package: $start"
		# chroot, setpriv and env exec: $! is the daemon.
		# shellcheck disable=SC2086
		chroot "$root" setpriv --reuid=_complaints \
		    --regid=_complaints --init-groups env \
		    NOTIFY_SOCKET=/run/notify \
		    JOURNAL_STREAM="$(stat -c %d:%i "$log")" $start \
		    2>>"$log" &
		daemon=$!
		if ! wait $listener; then
			cat "$log"; echo "check-package: no READY=1" >&2
			exit 1
		fi
		echo "check-package: complaintsd (pid $daemon) told:" \
		    "$(cat "$root/run/notify.out")"
	}
	stop_daemon() {
		kill -TERM $daemon
		rc=0
		wait $daemon || rc=$?
		daemon=
		echo "check-package: complaintsd stopped (exit $rc)"
		[ $rc -eq 0 ] || { cat "$log"; exit 1; }
	}
	start_daemon
	echo "check-package: the first administrator"
	echo "first-admin-password" | as_daemon complaintctl user add admin \
	    --admin --name "Әкімші" --position "әкімші" \
	    --data-dir /var/lib/complaints --password-stdin
	echo "first-admin-password" | in_root complaintctl login admin \
	    --password-stdin
	echo "registrar-password" | in_root complaintctl user add aigul \
	    --name "Серікбаева Айгүл" --position "бас маман" \
	    --body almaty-auezov --role registrar --password-stdin
	echo "registrar-password" | in_root complaintctl login aigul \
	    --password-stdin
	cat >"$root/tmp/complaint.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<complaint>
  <service>5</service>
  <subject><institution>school-14</institution><name>№ 14 мектеп</name></subject>
  <channel>post</channel>
  <applicant>
    <surname>Әбдіхалықова</surname>
    <name>Гүлнұр</name>
    <address>Алматы қ., Әуезов ауданы, 5 ш.а., 12 үй</address>
  </applicant>
  <signed>true</signed>
  <reasons>Баламды мектепке қабылдаудан негізсіз бас тартты.</reasons>
  <demands>Шешімді қайта қарауды сұраймын.</demands>
</complaint>
XML
	in_root complaintctl register /tmp/complaint.xml | tee "$root/tmp/talon"
	number=$(sed -n 's/^number: //p' "$root/tmp/talon")
	[ -n "$number" ] || { echo "check-package: no talon" >&2; exit 1; }
	# The metrics, from the loopback address (the host's curl, in the
	# same network namespace).
	curl -sf http://127.0.0.1:8080/metrics >"$root/tmp/metrics"
	grep '^complaintsd_registrations_total 1$' "$root/tmp/metrics" ||
	    { echo "check-package: /metrics does not count it" >&2; exit 1; }
	echo "check-package: the timer's backup script"
	# Three, a second apart (their names carry the second): two kept.
	for i in 1 2 3; do
		[ $i -eq 1 ] || sleep 1.1
		as_daemon env BACKUP_KEEP=2 \
		    /usr/libexec/complaints/complaints-backup >/dev/null
	done
	ls -l "$root/var/backups/complaints"
	n=$(ls "$root/var/backups/complaints" | wc -l)
	[ "$n" -eq 2 ] || { echo "check-package: $n backups kept, not 2" >&2
		exit 1; }
	backup=/var/backups/complaints/$(ls "$root/var/backups/complaints" |
	    sort | tail -1)
	stop_daemon
	echo "check-package: restore $backup"
	as_daemon complaintctl restore --data-dir /var/lib/complaints --force \
	    "$backup"
	start_daemon
	in_root complaintctl status "$number"
	in_root complaintctl login admin --password-stdin <<EOP
first-admin-password
EOP
	in_root complaintctl verify
	stop_daemon
	echo "--- the daemon's log (as the journal would keep it) ---"
	cat "$log"
	exit 0
fi

deb=$1
build=$2
cache=$build/debian12-minbase.tar
if [ "$(id -u)" != 0 ]; then
	echo "check-package: needs root (debootstrap, chroot)" >&2
	exit 1
fi
if [ ! -f "$cache" ]; then
	echo "check-package: debootstrap bookworm (once; cached in $cache)"
	tmp=$(mktemp -d)
	debootstrap --variant=minbase bookworm "$tmp/root" \
	    "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$tmp/log" 2>&1 ||
	    { tail -20 "$tmp/log"; rm -rf "$tmp"; exit 1; }
	tar -C "$tmp/root" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
	rm -rf "$tmp"
fi
root=$(mktemp -d /var/tmp/complaints-check-package.XXXXXX)
cleanup() {
	umount "$root/proc" 2>/dev/null || true
	umount "$root/dev" 2>/dev/null || true
	rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$cache"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
echo "check-package: apt install ./$(basename "$deb") in a fresh Debian $(cat "$root/etc/debian_version")"
chroot "$root" apt-get update -qq
chroot "$root" sh -c "cd /tmp && DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q ./$(basename "$deb")" >"$root/tmp/apt.log" ||
    { cat "$root/tmp/apt.log"; exit 1; }
grep -E '^[0-9]+ upgraded, [0-9]+ newly installed' "$root/tmp/apt.log"
grep -E '^Setting up complaintsd' "$root/tmp/apt.log"
chroot "$root" dpkg -s complaintsd | grep -E '^(Status|Version)'
chroot "$root" getent passwd _complaints
chroot "$root" stat -c 'check-package: %n %U:%G %a' /var/lib/complaints
[ "$(chroot "$root" stat -c %U:%a /var/lib/complaints)" = \
    "_complaints:750" ] ||
    { echo "check-package: /var/lib/complaints is not _complaints 0750" >&2
	exit 1; }
for b in usr/sbin/complaintsd usr/bin/complaintctl \
    usr/libexec/complaints/complaints-render; do
	if chroot "$root" ldd "/$b" | grep -q 'not found'; then
		chroot "$root" ldd "/$b" >&2
		echo "check-package: $b misses libraries" >&2
		exit 1
	fi
done
unshare -n sh "$0" --inside "$root"
echo "check-package: ok"
