#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Fleets: the ~1,000-site heterogeneous fleet against both baselines, the
# 100,000-site recipe in a small smoke variant, determinism, and a rollout
# that halts.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

N=1000
[ "$SMALL" -eq 1 ] && N=40
F1K=(sim run "$TOPO/fleet-1k.json" --no-fsync --link --quiet)
[ "$SMALL" -eq 1 ] && F1K+=(--sites "$N")
"${F1K[@]}" --report "$W/f1k.json"
pycheck "fleet-1k: every site accounted for, waves of 5%, 25% and the rest" "$W/f1k.json" "
t = d['totals']; n = $N
assert t['sites'] == n == len(d['sites']) and t['not_attempted'] == 0 and d['halted'] is False, t
assert t['upgraded'] + t['rolled_back'] + t['current'] + t['failed'] == n
assert sum(t['kinds'].values()) == n and t['kinds']['none'] == t['current']
if n == 1000:
    assert [w['sites'] for w in d['waves']] == [50, 200, 750], d['waves']
assert d['no_fsync'] is True and t['no_fsync'] is True and d['downloads'] == 'link'"
pycheck "fleet-1k: four or more hardware generations, cascades, mixed versions" "$W/f1k.json" '
hw = {x["hw"] for s in d["sites"] for x in s["devices"]}
assert len({h.split("-")[0] for h in hw}) >= 4, hw
assert max(len(s["devices"]) for s in d["sites"]) >= 10
if len(d["sites"]) == 1000:
    assert len({h.split("-")[0] for h in hw}) == 5
    assert any(len({x["hw"].split("-")[0] for x in s["devices"]}) == 2 for s in d["sites"])
    assert any(len({x["version_before"] for x in s["devices"] if x["role"] == "rru"}) > 1 for s in d["sites"])'
pycheck "fleet-1k: totals against both baselines" "$W/f1k.json" '
t = d["totals"]
assert t["bytes_downloaded"] == sum(s["bytes_downloaded"] for s in d["sites"])
assert t["store_bytes"] == sum(s["store"]["bytes"] for s in d["sites"])
assert t["baseline_store_bytes"] == sum(s["store"]["baseline_bytes"] for s in d["sites"])
served = len([s for s in d["sites"] if s["kind"] != "none"])
assert t["baseline_universal_bytes"] == served * t["universal_package_bytes"], t
assert 0 < t["bytes_downloaded"] < t["baseline_universal_bytes"] / 3, t
assert 0.9 * t["baseline_repack_bytes"] < t["bytes_downloaded"] < 1.1 * t["baseline_repack_bytes"], t
assert t["baseline_repack_cpu_s"] > 0 and 0 < t["baseline_repack_archives"] <= served
assert t["store_bytes"] < t["baseline_store_bytes"] and t["packages_deleted"] > 0, t'
pycheck "fleet-1k: every site ends consistent: upgraded and current, or back on its old versions" "$W/f1k.json" '
for s in d["sites"]:
    assert s["store"]["consistent"] is True, s["site"]
    if s["outcome"] == "upgraded":
        assert s["current_after"] is True, s["site"]
    else:
        assert [x["version_after"] for x in s["devices"]] == [x["version_before"] for x in s["devices"]], s["site"]
t = d["totals"]
assert sum(t["rollbacks_by_cause"].values()) == t["rolled_back"]
assert sum(t["failures_by_cause"].values()) == t["failed"]
if len(d["sites"]) == 1000:
    assert t["rolled_back"] > 0 and t["master_crashes"] > 0, t'

# determinism: the same scenario and seed give the same report, but for the
# two measurements of this machine (CPU and wall time)
norm() {
	"$PY" - "$1" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
del d["measured"], d["totals"]["baseline_repack_cpu_s"]
print(json.dumps(d, sort_keys=True))
PYEOF
}
M=150
[ "$SMALL" -eq 1 ] && M=15
sim run "$TOPO/fleet-1k.json" --sites $M --no-fsync --quiet --seed 9 --report "$W/d1.json"
sim run "$TOPO/fleet-1k.json" --sites $M --no-fsync --quiet --seed 9 --report "$W/d2.json" --workdir "$W/other"
sim run "$TOPO/fleet-1k.json" --sites $M --no-fsync --quiet --seed 10 --report "$W/d3.json"
if [ "$(norm "$W/d1.json")" = "$(norm "$W/d2.json")" ]; then
	ok "determinism: same seed, same report (work directory aside)"
else
	bad "determinism: two runs with seed 9 differ"; diff <(norm "$W/d1.json") <(norm "$W/d2.json") | head -c 2000
fi
if [ "$(norm "$W/d1.json")" != "$(norm "$W/d3.json")" ]; then
	ok "determinism: another seed, another rollout order"
else
	bad "determinism: seed 10 gave the report of seed 9"
fi
pycheck "determinism: the fleet itself comes from the recipe seed, not the run seed" "$W/d3.json" "
import json
other = json.load(open('$W/d1.json'))
a = {s['site']: [x['version_before'] for x in s['devices']] for s in d['sites']}
b = {s['site']: [x['version_before'] for x in s['devices']] for s in other['sites']}
assert a == b"

# the 100,000-site recipe, cut down: same code path, same report shape
K=300
[ "$SMALL" -eq 1 ] && K=12
# small waves are noisy: this smoke run checks the flow, not the halting
sim run "$TOPO/fleet-100k.json" --sites $K --no-fsync --link --quiet --halt-threshold 0.5 --report "$W/k.json"
pycheck "fleet-100k smoke: $K sites in waves of 1%, 10% and the rest" "$W/k.json" "
t = d['totals']
assert t['sites'] + t['not_attempted'] == $K and len(d['sites']) == t['sites']
if $K == 300:
    assert [w['sites'] for w in d['waves']] == [3, 27, 270], d['waves']
assert all(s['store']['consistent'] for s in d['sites'])
assert t['bytes_downloaded'] < t['baseline_universal_bytes']"

# a rollout whose first wave fails too often halts
sim run "$TESTDATA/halt.json" --quiet --report "$W/h.json"
pycheck "halt: the first wave fails above the threshold, the rest is not attempted" "$W/h.json" '
t = d["totals"]; w = d["waves"]
assert d["halted"] is True and len(w) == 1 and w[0]["halted_after"] is True, w
assert w[0]["sites"] == 10 and w[0]["failure_rate"] > 0.1
assert len(d["sites"]) == 10 and t["not_attempted"] == 190 and t["sites"] == 10'
sim run "$TESTDATA/halt.json" --quiet --halt-threshold 1 --report "$W/h2.json"
pycheck "halt: a threshold of 1 never halts" "$W/h2.json" '
assert d["halted"] is False and d["totals"]["sites"] == 200 and len(d["waves"]) == 3'
finish
