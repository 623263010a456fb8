#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The scale figures that README.md and sim/README.md quote, measured on this
# machine: the 100,000-site fleet and the two 100,000-device sites, each with
# `/usr/bin/time -v`, and the outcomes and totals of the fleet's report.
# Not part of the test command (the fleet takes minutes); run it after
# scripts/build.sh:
#   scripts/run-scale.sh [BUILD_DIR]     (default _build)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-_build}
sim=$build/sim/dupg-sim
[ -x "$sim" ] || { echo "run-scale: no $sim (run scripts/build.sh first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "run-scale: /usr/bin/time is missing (Debian: time)" >&2; exit 1; }
py=/usr/bin/python3
[ -x "$py" ] || py=python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# SCENARIO ARGS...: one run, its resources on one line
measure() {
	local scenario=$1
	shift
	/usr/bin/time -v -o "$tmp/time" "$sim" run "sim/topologies/$scenario" --no-fsync --link \
		--workdir "$tmp/work" "$@" --report "$tmp/report.json" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; echo "run-scale: $scenario failed" >&2; exit 1; }
	awk -v s="$scenario" -F': ' '
		/Elapsed \(wall clock\)/ { wall = $2 }
		/User time/ { user = $2 }
		/System time/ { sys = $2 }
		/Maximum resident/ { rss = $2 }
		END { printf "| %s | %s | %.1f s | %.1f s | %.1f MB |\n", s, wall, user, sys, rss / 1024 }
	' "$tmp/time"
	rm -rf "$tmp/work"
}

echo "| scenario | wall | user | system | peak RSS |"
echo "| --- | --- | --- | --- | --- |"
measure site-100k.json
measure cascade-100k.json
measure fleet-100k.json
"$py" - "$tmp/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"]
o = {}
for s in d["sites"]:
    o[s["outcome"]] = o.get(s["outcome"], 0) + 1
print()
print("fleet-100k, seed %d: %s" % (d["seed"], ", ".join("%s %s" % (f"{n:,}", k) for k, n in sorted(o.items()))))
gib = lambda b: "%.1f GiB" % (b / 2**30)
print("downloaded %s against %s for the universal package and %s for repacking;"
      " master storage %s against %s"
      % (gib(t["bytes_downloaded"]), gib(t["baseline_universal_bytes"]),
         gib(t["baseline_repack_bytes"]), gib(t["store_bytes"]), gib(t["baseline_store_bytes"])))
PY
