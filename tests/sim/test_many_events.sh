#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Events that name no site are kept once, not copied into every site: the
# simulator's memory grows with the events and one site at a time, not with
# sites times events (3,000 sites x 3,000 events took 0.9 GB, 20,000 x 20,000
# ran out of 24 GB). Bound asserted loosely: four times the sites, the same
# events, at most half again the peak (copies per site would quadruple it).
. "$(dirname "$0")/lib.sh"
[ "$SMALL" -eq 1 ] && { echo "ok - SKIP: memory is not measured under valgrind"; exit 0; }

# scenario N EVENTS: N listed sites like site "a" of listed.json, EVENTS site-less events
scenario() {
	"$PY" - "$TESTDATA/listed.json" "$1" "$2" >"$W/many-$1.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
site = d["sites"][0]
site.pop("events", None)
d["sites"] = [dict(site, id="s%d" % i) for i in range(int(sys.argv[2]))]
d["events"] = [{"kind": "health", "device": "HUB%d" % (1 + i % 3)} for i in range(int(sys.argv[3]))]
d["rollout"] = {"waves": [1.0], "halt_threshold": 1.0}
json.dump(d, sys.stdout)
PYEOF
}
# peak N: peak RSS (KiB) of a run of many-N.json
peak() {
	"$PY" -c '
import resource, subprocess, sys
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc == 0 else -1)' \
		"$SIM" run "$W/many-$1.json" --no-fsync --quiet --report "$W/r-$1.json" --workdir "$W/wd-$1"
}
scenario 150 600
scenario 600 600
small=$(peak 150)
large=$(peak 600)
echo "# peak RSS: 150 sites $small KiB, 600 sites $large KiB (600 events each)"
if [ "$small" -gt 0 ] && [ "$large" -gt 0 ] && [ "$large" -le $((small * 3 / 2 + 4096)) ]; then
	ok "site-less events are not copied into every site: memory stays flat as sites grow"
else
	bad "memory grows with sites x events: $small KiB for 150 sites, $large KiB for 600"
fi
pycheck "every site still has every event, and it fired where it could" "$W/r-600.json" '
ss = d["sites"]
assert len(ss) == 600
assert all(len(s["faults"]) == 600 for s in ss), {len(s["faults"]) for s in ss}
assert all(s["outcome"] == "rolled_back" and s["cause"]["kind"] == "health" for s in ss), ss[0]["outcome"]'

[ "$fails" -eq 0 ]
