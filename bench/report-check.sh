#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check: bench/report.py's plots. Every colour is one of the Okabe-Ito
# palette (no yellow on white), the same role keeps its colour in every panel,
# and every axis is fitted to its panel's data: a log axis starts and ends
# within a quarter step of the points, a bar axis starts at zero and ends just
# above the tallest bar. With gnuplot, the SVGs are drawn and hold no other colour.
set -u
: "${top_srcdir:=.}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" - "$top_srcdir/bench" <<'PYEOF'
import math, os, re, shutil, subprocess, sys, tempfile
sys.path.insert(0, sys.argv[1])
import report

fails = []
def check(ok, what):
    print(("ok - " if ok else "FAIL - ") + what)
    if not ok:
        fails.append(what)

palette = set(report.OKABE_ITO.values())
check("#F0E442" not in palette, "no Okabe-Ito yellow on white")

# rows in the shape dupg-bench prints: data far from any decade, so an
# autoscaled log axis would start far below it
rows = []
for n, ns in ((3000, 41.0), (30000, 44.0), (300000, 52.0)):
    rows.append({"bench": "match", "packages": 10000, "size": n, "ns_per_item": ns,
                 "naive_ns_per_item": ns * 80, "limit_ns_per_item": ns / 2})
    rows.append({"bench": "prune", "variant": "compute", "size": n, "ns_per_item": ns,
                 "naive_ns_per_item": ns * 300, "limit_ns_per_item": ns / 3})
    rows.append({"bench": "prune", "variant": "store", "size": n, "ns_per_item": ns * 9,
                 "limit_ns_per_item": ns * 7})
    rows.append({"bench": "merge", "size": n, "ns_per_item": ns, "naive_ns_per_item": ns * 2,
                 "limit_ns_per_item": ns / 2})
    rows.append({"bench": "vercmp", "size": n, "ns_per_item": 31.0, "limit_ns_per_item": 29.0})
    for fmt, k in (("tar", 0.3), ("tar.gz", 3.1), ("tar.zst", 1.2)):
        rows.append({"bench": "verify", "op": "verify", "format": fmt, "size": n * 1000,
                     "ns_per_item": k, "limit_ns_per_item": k * 0.9})
rows.append({"bench": "server", "variant": "description",
             "description": {"requests": 410000, "duration_us": 10000000},
             "limit": {"requests": 520000, "duration_us": 10000000}})

tmp = tempfile.mkdtemp(prefix="report-check-")
try:
    panels = report.cost_panels(rows)
    roles = {}
    for title, _x, ss in panels:
        for name, pts, colour, limit in ss:
            check(colour in palette, "%s: %s in the palette (%s)" % (title, name, colour))
            role = name.split(":")[0].split(" (")[0] if not name.startswith("verify") else name
            roles.setdefault(role, set()).add(colour)
    check(all(len(c) == 1 for r, c in roles.items() if r in ("libdupg", "naive")),
          "libdupg and naive keep one colour each: %r" % roles)
    script = report.cost_script(rows, os.path.join(tmp, "cost.svg"), tmp)
    text = "\n".join(script)
    check(not re.search(r"\blc \d", text), "no colour by gnuplot's index")
    check(set(re.findall(r'lc rgb "(#[0-9A-Fa-f]{6})"', text)) <= palette, "every line colour from the palette")
    # each panel's ranges against its data
    ranges = [l for l in script if re.match(r"set [xy]range \[", l)]
    check(len(ranges) == 2 * len(panels), "a fixed x and y range per panel")
    for i, (title, _x, ss) in enumerate(panels):
        xs = [x for _n, pts, _c, _l in ss for x, _ in pts]
        ys = [y for _n, pts, _c, _l in ss for _, y in pts]
        for axis, vals, line in (("x", xs, ranges[2 * i]), ("y", ys, ranges[2 * i + 1])):
            lo, hi = map(float, re.match(r"set .range \[([^:]+):([^\]]+)\]", line).groups())
            fits = lo <= min(vals) and hi >= max(vals) and min(vals) / lo <= 1.3 and hi / max(vals) <= 1.3
            check(fits, "%s: %s axis [%g, %g] fitted to the data [%g, %g]" % (title, axis, lo, hi,
                                                                            min(vals), max(vals)))
    # tics: at least two inside every fitted range
    for lo, hi in ((29 / 1.25, 31 * 1.25), (3000 / 1.25, 300000 * 1.25), (0.27, 3.9), (5, 5000)):
        t = report.log_tics(lo, hi)
        check(len(t) >= 2 and all(lo <= v <= hi for v in t), "tics in [%g, %g]: %s" % (lo, hi, t))
    check(report.fit_log([]) is None and report.fit_log([7, 7]) == (3.5, 14), "fit_log edge cases")
    srv = report.server_script(rows, os.path.join(tmp, "server.svg"), tmp)
    stext = "\n".join(srv)
    check("set yrange [0:%g]" % (52000 * 1.1) in stext, "bars: from zero to just above the tallest")
    check(set(re.findall(r'lc rgb "(#[0-9A-Fa-f]{6})"', stext)) <= palette and "lc rgb" in stext,
          "bar colours from the palette")
    if shutil.which("gnuplot"):
        svgs = []
        for name, s in (("cost.svg", script), ("server.svg", srv)):
            subprocess.run(["gnuplot"], input="\n".join(s) + "\n", text=True, check=True)
            with open(os.path.join(tmp, name)) as f:
                svgs.append(f.read())
        seen = set()
        for svg in svgs:
            for r, g, b in re.findall(r"rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\)", svg):
                seen.add("#%02X%02X%02X" % (int(r), int(g), int(b)))
        check(seen and seen <= palette, "the SVGs draw only palette colours: %s" % sorted(seen))
    else:
        print("ok - # SKIP gnuplot is missing: the SVGs are not drawn")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print("%d failure(s)" % len(fails))
sys.exit(1 if fails else 0)
PYEOF
