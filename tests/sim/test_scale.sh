#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The scale recipes (sim/topologies/site-100k.json, cascade-100k.json) cut
# down to 2,000 devices: every device changes, the transaction stages all
# before the first switch, switches each HUB only after everything behind
# it, and a failure or a master crash deep in the chain still ends all new
# or all old. `dupg-bench txn --variant sim-site|sim-cascade` times the full
# sizes against a plain walk of the same trees.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

N=2000
[ "$SMALL" -eq 1 ] && N=200
"$PY" - "$TOPO/cascade-100k.json" "$W/cascade.json" "$N" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["fleet"]["shapes"][0]["cascade"] = int(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PYEOF
"$PY" - "$TOPO/site-100k.json" "$W/site.json" "$N" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["fleet"]["shapes"][0]["hubs"] = max(1, int(sys.argv[3]) // 400)
json.dump(d, open(sys.argv[2], "w"))
PYEOF

sim run "$W/cascade.json" --no-fsync --link --quiet --report "$W/c.json"
pycheck "cascade of $N HUBs: every device upgraded, the store and the match agree" "$W/c.json" '
s = d["sites"][0]; n = '"$N"'
assert s["outcome"] == "upgraded" and s["current_after"] is True, s["outcome"]
assert len(s["devices"]) == n + 1 and all(x["state"] == "upgraded" for x in s["devices"])
assert all(x["version_before"] == "1.0" and x["version_after"] == "2.0" for x in s["devices"])
assert s["store"]["consistent"] is True and s["store"]["list"] == ["G-bbu-1.0", "G-radio-1.0", "G-bbu-2.0", "G-radio-2.0"], s["store"]'
pycheck "cascade of $N HUBs: all staged before the first switch, then from the bottom up, the BBU last" "$W/c.json" '
s = d["sites"][0]; dv = s["devices"]
chain = [x for x in dv if x["role"] == "hub"]
assert [x["parent"] for x in chain[1:]] == [x["id"] for x in chain[:-1]]
sw = [x["switched_s"] for x in chain]
assert all(a > b for a, b in zip(sw, sw[1:])), "a HUB switched before the one behind it"
bbu = dv[0]
assert bbu["switched_s"] > sw[0]
assert max(x["staged_s"] for x in dv) <= s["timeline"]["staged_s"] <= min(sw) - 30 + 1e-6
assert abs(s["timeline"]["switched_s"] - bbu["switched_s"]) < 1e-6'

mid=$((N / 2))
sim run "$W/cascade.json" --fail "HUB$mid:switch" --no-fsync --link --quiet --report "$W/cf.json"
pycheck "cascade: HUB$mid fails to switch, all $((N + 1)) devices end on their old version" "$W/cf.json" '
s = d["sites"][0]
assert s["outcome"] == "rolled_back" and s["cause"]["device"] == "HUB'"$mid"'", s["cause"]
assert all(x["version_after"] == x["version_before"] for x in s["devices"])
assert s["store"]["consistent"] is True and s["store"]["list"] == s["store"]["rollback"], s["store"]
switched = [x for x in s["devices"] if "switched_s" in x]
assert len(switched) == '"$((N - mid))"', len(switched)'

for n in 3 40; do
	sim run "$W/cascade.json" --crash-txn "$n" --no-fsync --link --quiet --report "$W/cc$n.json"
	pycheck "cascade: the master crashes after journal write $n, resumes, ends consistent" "$W/cc$n.json" '
s = d["sites"][0]; v = {x["version_after"] for x in s["devices"]}
assert s["txn"]["crash_at"] == '"$n"' and s["txn"]["resumed"] in ("committed", "rolled_back"), s["txn"]
assert v == ({"2.0"} if s["outcome"] == "upgraded" else {"1.0"}), (s["outcome"], v)
assert s["store"]["consistent"] is True'
done

sim run "$W/site.json" --no-fsync --link --quiet --report "$W/s.json"
pycheck "wide site of $N RRUs behind HUB chains: every device upgraded, HUBs after their RRUs" "$W/s.json" '
s = d["sites"][0]; dv = {x["id"]: x for x in s["devices"]}
assert s["outcome"] == "upgraded" and all(x["state"] == "upgraded" for x in dv.values())
assert len(dv) == 1 + 400 * max(1, '"$N"' // 400)
for x in dv.values():
    p = x["parent"]
    if p is not None:
        start = dv[p]["switched_s"] - {"bbu": 60, "hub": 30}[dv[p]["role"]]
        assert start >= x["switched_s"] - 1e-6, (p, x["id"])'
finish
