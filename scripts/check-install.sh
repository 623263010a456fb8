#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make install` as a packager and as a user do it, and `make uninstall`:
# with DESTDIR=X and with prefix=X (given only to make install), the tree has
# the library, the programs and the Python package where the configured
# interpreter looks under that prefix, they run from there (`dupg-sim
# --version`, `import dupg`), no libtool .la sits beside the Python module,
# `pkg-config --cflags dupg` gives the include directory alone, and `make
# uninstall` leaves nothing behind.
#   scripts/check-install.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
var() { sed -n "s/^$1 = //p" "$build/Makefile"; }
prefix=$(var prefix)
python=$(var PYTHON)
fail() {
	echo "check-install: $*" >&2
	exit 1
}

# DIR ROOT: what an install whose prefix is ROOT left in DIR works
check_tree() {
	local dir=$1 root=$2 pydir cflags
	[ -x "$dir/bin/dupg-sim" ] || fail "$dir: no bin/dupg-sim"
	[ -e "$dir/lib/libdupg.so" ] || fail "$dir: no lib/libdupg.so"
	[ -e "$dir/include/dupg.h" ] || fail "$dir: no include/dupg.h"
	LD_LIBRARY_PATH="$dir/lib" "$dir/bin/dupg-sim" --version | grep -q libdupg ||
		fail "$dir: dupg-sim --version"
	if [ -f "$build/man/dupg-sim.1" ]; then
		[ -f "$dir/share/man/man1/dupg-sim.1" ] || fail "$dir: no share/man/man1/dupg-sim.1"
		MANPATH="$dir/share/man" man -w dupg-sim >/dev/null 2>&1 || fail "$dir: man cannot find dupg-sim"
	fi
	[ ! -f "$build/man/libdupg.3" ] || [ -f "$dir/share/man/man3/libdupg.3" ] ||
		fail "$dir: no share/man/man3/libdupg.3"
	# users are handed only what the public headers need
	cflags=$(PKG_CONFIG_PATH="$dir/lib/pkgconfig" pkg-config --define-variable=prefix="$dir" --cflags dupg | xargs)
	[ "$cflags" = "-I$dir/include" ] || fail "pkg-config --cflags dupg gives '$cflags'"
	[ -n "$(var pydupgdir)" ] || return 0 # built without the bindings
	pydir=$(var pyexecdir | sed -e "s|\${exec_prefix}|$root|" -e "s|\${PYTHON_EXEC_PREFIX}|$root|")
	pydir=$dir${pydir#"$root"}
	[ -f "$pydir/dupg/__init__.py" ] || fail "$dir: no Python package in $pydir"
	if ls "$pydir"/dupg/*.la >/dev/null 2>&1; then fail "$pydir/dupg: a libtool .la"; fi
	# installed for real (no DESTDIR), the interpreter would look there by itself
	case $root in /usr | /usr/local)
		"$python" -c 'import sys; sys.exit(sys.argv[1] not in sys.path)' "$root${pydir#"$dir"}" ||
			fail "$root${pydir#"$dir"} is not on the sys.path of $python"
		;;
	esac
	(cd "$tmp" && PYTHONPATH="$pydir" "$python" -c 'import dupg, sys; sys.exit(dupg.vercmp("1:1", "2") <= 0)') ||
		fail "$pydir: import dupg"
}

empty_or_gone() {
	if [ -d "$1" ] && [ -n "$(find "$1" -mindepth 1 -print -quit)" ]; then
		find "$1" -mindepth 1 | head >&2
		fail "make uninstall $2 left the files above"
	fi
}

make -s -C "$build" install DESTDIR="$tmp/dest" >/dev/null 2>&1 ||
	{ make -s -C "$build" install DESTDIR="$tmp/dest"; exit 1; }
check_tree "$tmp/dest$prefix" "$prefix"
make -s -C "$build" uninstall DESTDIR="$tmp/dest" >/dev/null 2>&1 || fail "make uninstall DESTDIR"
empty_or_gone "$tmp/dest" "DESTDIR=$tmp/dest"

make -s -C "$build" install prefix="$tmp/own" >/dev/null 2>&1 ||
	{ make -s -C "$build" install prefix="$tmp/own"; exit 1; }
check_tree "$tmp/own" "$tmp/own"
make -s -C "$build" uninstall prefix="$tmp/own" >/dev/null 2>&1 || fail "make uninstall prefix"
empty_or_gone "$tmp/own" "prefix=$tmp/own"
echo "make install (DESTDIR and prefix) and make uninstall: ok"
