# SPDX-License-Identifier: BSD-2-Clause
# Shared by the simulator's shell tests: how to run dupg-sim and assert on its
# JSON report with Debian's python3 json module. Sourced, not run.
: "${top_builddir:=.}" "${top_srcdir:=.}"
SIM=${DUPG_SIM:-$top_builddir/sim/dupg-sim}
case $SIM in /*) ;; *) SIM=$PWD/$SIM ;; esac
TOPO=$top_srcdir/sim/topologies
case $TOPO in /*) ;; *) TOPO=$PWD/$TOPO ;; esac
TESTDATA=$top_srcdir/tests/sim
case $TESTDATA in /*) ;; *) TESTDATA=$PWD/$TESTDATA ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0
# Under scripts/valgrind-wrap.sh every dupg-sim run goes through valgrind, and
# fleets shrink so the suite still ends.
VG=()
SMALL=0
if [ -n "${DUPG_VALGRIND:-}" ]; then
	read -r -a VG <<<"$DUPG_VALGRIND"
	# an absolute libtool: some tests run dupg-sim from another directory
	[ -x "$top_builddir/libtool" ] && VG=("$(cd "$top_builddir" && pwd)/libtool" --mode=execute "${VG[@]}")
	SMALL=1
fi
sim() { "${VG[@]}" "$SIM" "$@"; }

ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
# pycheck NAME REPORT PYTHON: run PYTHON with the report as `d` (and helpers);
# it fails the check by raising (assert) or printing to stderr.
pycheck() {
	local name=$1 report=$2 code=$3
	if "$PY" - "$report" "$code" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
def site(name):
    return next(s for s in d["sites"] if s["site"] == name)
def dev(s, i):
    return next(x for x in s["devices"] if x["id"] == i)
def versions(s):
    return {x["id"]: x["version_after"] for x in s["devices"]}
def before(s):
    return {x["id"]: x["version_before"] for x in s["devices"]}
exec(sys.argv[2])
PYEOF
	then ok "$name"; else bad "$name"; fi
}
# expect_fail NAME NEEDLE... -- CMD...: non-zero exit, nothing on stdout, one
# stderr line holding every NEEDLE
expect_fail() {
	local name=$1 rc=0 needles=() n
	shift
	while [ "$1" != "--" ]; do needles+=("$1"); shift; done
	shift
	"$@" >"$W/out" 2>"$W/err" || rc=$?
	if [ $rc -eq 0 ]; then bad "$name: exit 0"; return; fi
	if [ -s "$W/out" ]; then bad "$name: wrote to stdout"; return; fi
	# valgrind (-q) speaks only of errors, and its exit status would pass for the expected failure
	if grep -q '^==[0-9]*==' "$W/err"; then bad "$name: valgrind"; cat "$W/err"; return; fi
	if [ "$(wc -l <"$W/err")" -ne 1 ]; then bad "$name: stderr is not one line"; cat "$W/err"; return; fi
	for n in "${needles[@]}"; do
		if ! grep -qF -- "$n" "$W/err"; then bad "$name: stderr lacks '$n'"; cat "$W/err"; return; fi
	done
	ok "$name"
}
finish() {
	if [ $fails -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
	exit 0
}
