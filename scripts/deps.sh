#!/usr/bin/env bash
# Install the Debian packages libdupg needs to build and test, when missing.
set -euo pipefail
pkgs=(build-essential autoconf automake libtool pkg-config
      libarchive-dev libxxhash-dev libjson-c-dev libcunit1-dev
      swig python3-dev python3-pytest xxhash zstd xz-utils valgrind gnuplot-nox
      clang clang-14 libclang-rt-14-dev llvm-14
      libdpkg-dev libmicrohttpd-dev libsqlite3-dev libpq-dev libgnutls28-dev postgresql curl openssl wrk)
# clang (clang-14 on Debian 12) compiles tests/fuzz (./configure
# --enable-fuzzing); libclang-rt-14-dev holds libFuzzer and the sanitizer
# runtimes, llvm-14 the symbolizer of their reports.
# libdpkg-dev: the test of dupg_vercmp against dpkg's own comparison
# the server benchmark (bench/server/run.sh) installs nginx itself: nothing else needs it
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
