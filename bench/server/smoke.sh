#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check: the server benchmark at tiny sizes (bench/server/run.sh --check)
# prints every figure, with no failed request. Timings are not looked at.
: "${top_builddir:=.}" "${top_srcdir:=.}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
out=$(top_builddir=$top_builddir srcdir=$top_srcdir PYTHON=$PY bash "$top_srcdir/bench/server/run.sh" --check)
rc=$?
[ $rc -eq 77 ] && exit 77
printf '%s\n' "$out"
if [ $rc -ne 0 ]; then
	echo "FAIL: bench/server/run.sh --check exited with $rc"
	exit 1
fi
printf '%s\n' "$out" | "$PY" -c '
import json, sys
rows = {r["variant"]: r for r in map(json.loads, sys.stdin) if r.get("bench") == "server"}
want = {"description": ("description", "limit"), "status": ("status",), "files": ("server",)}
bad = []
for variant, keys in want.items():
    r = rows.get(variant)
    if r is None:
        bad.append("no %s line" % variant)
        continue
    for k in keys:
        f = r.get(k) or {}
        if not f.get("requests") or f.get("errors") or "p99_us" not in f:
            bad.append("%s: %s: %s" % (variant, k, f))
for b in bad:
    print("FAIL: " + b)
failed = len({b.split(":")[0].split()[-1] for b in bad})
print("%d passed, %d failed" % (len(want) - failed, failed))
sys.exit(1 if bad else 0)
'
