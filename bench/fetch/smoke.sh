#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check: the fetch benchmark at 4 MB (bench/fetch/run.sh --check) prints
# its figures, every copy compared with the package. Timings are not looked at.
: "${top_builddir:=.}" "${top_srcdir:=.}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
out=$(top_builddir=$top_builddir srcdir=$top_srcdir PYTHON=$PY bash "$top_srcdir/bench/fetch/run.sh" --check)
rc=$?
[ $rc -eq 77 ] && exit 77
printf '%s\n' "$out"
[ $rc -eq 0 ] || { echo "FAIL: bench/fetch/run.sh --check exited with $rc"; exit 1; }
printf '%s\n' "$out" | "$PY" -c '
import json, sys
r = json.loads(sys.stdin.readline())
keys = ("curl_s", "fetch_nofsync_s", "curl_fsync_s", "fetch_s", "ratio", "ratio_durable")
bad = [k for k in keys if not (isinstance(r.get(k), float) and r[k] > 0)]
if r.get("bench") != "fetch" or bad:
    print("FAIL: bench/fetch: missing or bad %s in %s" % (bad, r))
    sys.exit(1)
print("ok - bench/fetch --check: every figure")
'
