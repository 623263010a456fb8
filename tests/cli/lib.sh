# SPDX-License-Identifier: BSD-2-Clause
# Shared by the command-line tests: where dupg-sim is, a work directory removed
# at exit, and the assertions (ok/bad, a JSON value, a one-line refusal, a
# snapshot of a tree). Sourced, not run; a test that starts processes sets its
# own EXIT trap and removes $W there.
: "${top_builddir:=.}" "${top_srcdir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
SIM=${DUPG_SIM:-$top_builddir/sim/dupg-sim}
case $SIM in /*) ;; *) SIM=$PWD/$SIM ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
# jeq FILE PYEXPR EXPECTED_JSON: the JSON value of PYEXPR over the document d equals EXPECTED_JSON
jeq() {
	"$PY" - "$1" "$2" "$3" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
got = eval(sys.argv[2], {"d": d})
want = json.loads(sys.argv[3])
if got != want:
    print("  got:  %s\n  want: %s" % (json.dumps(got), json.dumps(want)))
    sys.exit(1)
PYEOF
}
check() { # NAME FILE EXPR EXPECTED
	if jeq "$2" "$3" "$4"; then ok "$1"; else bad "$1"; fi
}
# jget FILE PYEXPR: the value of PYEXPR over the document d, printed
jget() { "$PY" -c 'import json,sys; print(eval(sys.argv[2], {"d": json.load(open(sys.argv[1]))}))' "$@"; }
snap() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }
# expect_fail NAME NEEDLE CMD...: non-zero exit, one stderr line containing NEEDLE
expect_fail() {
	local name=$1 needle=$2 rc=0
	shift 2
	"$@" >"$W/out" 2>"$W/err" || rc=$?
	if [ $rc -eq 0 ]; then bad "$name: exit 0"; return; fi
	if [ "$(wc -l <"$W/err")" -ne 1 ]; then bad "$name: stderr is not one line"; cat "$W/err"; return; fi
	if ! grep -qF -- "$needle" "$W/err"; then bad "$name: stderr lacks '$needle'"; cat "$W/err"; return; fi
	ok "$name"
}
# expect_ok NAME CMD...: exit 0, stdout in $W/out
expect_ok() {
	local name=$1
	shift
	if "$@" >"$W/out" 2>"$W/err"; then ok "$name"; else bad "$name"; cat "$W/err"; fi
}
