#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The Debian packages: built from this tree's committed state with
# dpkg-buildpackage (nocheck: the test command runs the tests apart), checked by
# lintian (no error, no warning), installed, and used as a vendor would: the
# README's C examples compiled against the installed libdupg-dev and run,
# `dupg-sim --version`, `man dupg-sim`, and `import dupg` with Debian's python3;
# then purged. Run as root on a machine that may change (CI).
#   scripts/check-deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
tmp=$(mktemp -d)
pkgs=(libdupg1 libdupg-dev python3-dupg dupg-tools)
cleanup() {
	dpkg --purge "${pkgs[@]}" >/dev/null 2>&1 || :
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "check-deb: $*" >&2
	exit 1
}
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
mkdir -p "$tmp/libdupg-$version"
git -C "$src" archive HEAD | tar -x -C "$tmp/libdupg-$version"
(cd "$tmp/libdupg-$version" &&
	DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b >"$tmp/build.log" 2>&1) ||
	{ tail -n 40 "$tmp/build.log"; fail "dpkg-buildpackage failed"; }
changes=$(ls "$tmp"/*.changes)
# lintian's own complaint about running as root is not about the packages
lint=$(lintian --tag-display-limit 0 "$changes" 2>&1 | grep -v '^running with root privileges' || :)
if grep -q '^[EW]:' <<<"$lint"; then
	echo "$lint" >&2
	fail "lintian has errors or warnings"
fi
for p in "${pkgs[@]}"; do
	debs+=("$(ls "$tmp/${p}_${version}_"*.deb)")
done
dpkg -i "${debs[@]}" >/dev/null || fail "dpkg -i failed"

cd "$tmp"
python3 - "$src/README.md" task.c loop.c <<'PY'
import re, sys
blocks = re.findall(r"```c\n(.*?)```", open(sys.argv[1]).read(), re.S)
open(sys.argv[2], "w").write(blocks[0])
open(sys.argv[3], "w").write(blocks[1])
PY
for f in task loop; do
	# shellcheck disable=SC2046
	cc -std=c99 -Wall -Wextra -Werror "$f.c" $(pkg-config --cflags --libs dupg) -o "$f" ||
		fail "$f.c does not build against libdupg-dev"
done
echo payload >app
dupg-sim pack --out pkg5.tar.gz --name pkg5 --version 5 --hw A app >/dev/null
dupg-sim pack --out pkg6.tar.gz --name pkg6 --version 6 --hw B,C app >/dev/null
dupg-sim pack --out pkgF.tar.gz --name pkgF --version 3 --hw F app >/dev/null
[ "$(./task pkg5.tar.gz pkg6.tar.gz pkgF.tar.gz)" = "full: pkg5.tar.gz pkg6.tar.gz" ] ||
	fail "the README's task example gives another answer"
[ "$(./loop)" = committed ] || fail "the README's controller loop did not commit"
dupg-sim --version | grep -q "$version" || fail "dupg-sim --version is not $version"
dupg-server --version | grep -q "$version" || fail "dupg-server --version is not $version"
man -w dupg-sim >/dev/null && man -w 3 libdupg >/dev/null && man -w 8 dupg-server >/dev/null ||
	fail "a manual page is missing"
/usr/bin/python3 -c '
import dupg, sys
t = dupg.match(dupg.merge([{"id": "BBU1", "hw": "A", "version": "3"}]), sys.argv[1:])
assert t == {"kind": "full", "task": [sys.argv[1]]}, t
' pkg5.tar.gz || fail "import dupg with Debian's python3"
echo "Debian packages: built, lintian-clean, installed, examples run"
