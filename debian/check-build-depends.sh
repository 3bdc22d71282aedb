#!/bin/sh
# Every pkg-config module the build links (PKGS) comes from a package that
# debian/control names in Build-Depends: a package that builds here only
# because a library happens to be installed is a broken source package.
# Usage: check-build-depends.sh CONTROL MODULE...
set -eu
control=$1
shift
deps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$control" | sed 's/^Build-Depends://' |
	tr ',' '\n' | sed 's/(.*//; s/^[[:space:]]*//; s/[[:space:]]*$//' |
	grep -v '^$' | grep -v ':$' || true)
bad=0
for m in "$@"; do
	dir=$(pkg-config --variable=pcfiledir "$m") || {
		echo "check-build-depends: pkg-config knows no $m" >&2
		bad=1
		continue
	}
	pkg=$(dpkg -S "$dir/$m.pc" 2>/dev/null | head -n 1 | cut -d: -f1) || true
	if [ -z "$pkg" ]; then
		echo "check-build-depends: no package owns $dir/$m.pc" >&2
		bad=1
	elif ! printf '%s\n' "$deps" | grep -qx "$pkg"; then
		echo "check-build-depends: $m comes from $pkg," \
			"which debian/control does not build-depend on" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "check-build-depends: $# modules, each from a" \
	"build dependency"
exit "$bad"
