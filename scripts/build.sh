#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Configure and build libdupg in _build/ (out of tree). Extra arguments go to configure.
# Quiet unless a step fails: autoreconf, configure and make write to
# _build/build.log, and a step that fails prints its output and the log's path.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
mkdir -p _build
log=$PWD/_build/build.log
: >"$log"
# step NAME CMD...: CMD's output into the log; on failure, on stderr with the log's path
step() {
	local name=$1 out rc=0
	shift
	out=$(mktemp)
	"$@" >"$out" 2>&1 || rc=$?
	{ echo "== $name: $*"; cat "$out"; } >>"$log"
	if [ $rc -ne 0 ]; then
		cat "$out" >&2
		rm -f "$out"
		echo "build: $name failed (exit $rc); the whole log is $log" >&2
		exit 1
	fi
	rm -f "$out"
}
[ -x configure ] && [ configure -nt configure.ac ] || step autoreconf autoreconf -fi
cd _build
# Bindings are built for Debian's interpreter: it is the one that has python3-pytest.
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
	step configure ../configure --enable-werror PYTHON=/usr/bin/python3 "$@"
fi
step make make -j"$(nproc)"
