#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Install the Debian packages libdupg needs to build and test, when missing.
set -euo pipefail
pkgs=(build-essential autoconf automake libtool pkg-config
      libarchive-dev libxxhash-dev libjson-c-dev libcunit1-dev libssl-dev
      swig python3-dev python3-pytest xxhash zstd xz-utils valgrind gnuplot-nox
      clang clang-14 libclang-rt-14-dev llvm-14
      help2man scdoc groff-base man-db debhelper dh-python lintian fakeroot dpkg-dev libdpkg-dev
      libmicrohttpd-dev libsqlite3-dev libpq-dev libgnutls28-dev postgresql curl openssl wrk
      libcurl4-openssl-dev graphviz)
# clang (clang-14 on Debian 12) compiles tests/fuzz (./configure
# --enable-fuzzing); libclang-rt-14-dev holds libFuzzer and the sanitizer
# runtimes, llvm-14 the symbolizer of their reports.
# help2man, scdoc, groff-base, man-db: the manual pages (man/local.mk) and their check
# debhelper, dh-python, lintian, fakeroot, dpkg-dev: the Debian packages (scripts/check-deb.sh)
# libdpkg-dev: the test of dupg_vercmp against dpkg's own comparison
# graphviz: the README's `dupg-sim draw ... | dot -Tsvg`, run by tests/check-readme.sh
# the server benchmark (bench/server/run.sh) installs nginx itself: nothing else needs it
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	# apt speaks only when it fails: its output is kept in a log, shown then
	log=$(mktemp "${TMPDIR:-/tmp}/dupg-deps.XXXXXX")
	if ! { $SUDO apt-get update -qq &&
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
		>"$log" 2>&1; then
		cat "$log" >&2
		echo "deps: apt-get failed (log: $log)" >&2
		exit 1
	fi
	rm -f "$log"
fi
