#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The deployment-server cluster (sim/topologies/deploy.json): two chassis,
# four servers, ds1 down at 1 s in the middle of its sites' downloads, the
# others upgraded one at a time from 1.5 s. Every piece of every download
# must come from the nearest server that serves at that time, as a naive
# ranking written here says (same slot, same chassis, the rest, stable);
# the totals add up; the servers' upgrade fails no download. Then every
# server down, and bad files.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

sim run "$TOPO/deploy.json" --quiet --report "$W/d.json"
pycheck "deploy: every site upgraded and current after, none failed" "$W/d.json" '
assert len(d["sites"]) == 24, len(d["sites"])
assert all(s["outcome"] == "upgraded" and s["current_after"] is True for s in d["sites"])
t = d["totals"]
assert (t["upgraded"], t["failed"], t["rolled_back"]) == (24, 0, 0), t
assert "server_down" not in t["failures_by_cause"], t["failures_by_cause"]'
pycheck "deploy: each piece comes from the nearest server that serves then (naive ranking)" "$W/d.json" '
srv = d["deployment_servers"]
assert [x["id"] for x in srv] == ["ds1", "ds2", "ds3", "ds4"], srv
def labels(loc):
    return dict(kv.split("=") for kv in loc.split(",")) if loc else {}
def tier(own, other):
    a, b = labels(own), labels(other)
    if "chassis" in a and a.get("chassis") == b.get("chassis"):
        return 0 if "slot" in a and a.get("slot") == b.get("slot") else 1
    return 3
def up(x, t):
    if x["down_at_s"] is not None and t >= x["down_at_s"] - 1e-9:
        return False
    if x["upgrade_from_s"] is not None and x["upgrade_from_s"] - 1e-9 <= t < x["upgrade_from_s"] + 0.5 - 1e-9:
        return False
    return True
names = {"slot": 0, "chassis": 1, "cluster": 2, "other": 3}
locs = {s["site"]: "chassis=%d,slot=%d" % (int(s["site"][1]), int(s["site"][3:])) for s in d["sites"]}
for s in d["sites"]:
    rank = sorted(range(4), key=lambda i: (tier(locs[s["site"]], srv[i]["location"]), i))
    assert s["servers"], s["site"]
    for p in s["servers"]:
        best = next(srv[i]["id"] for i in rank if up(srv[i], p["from_s"]))
        assert p["server"] == best, (s["site"], p, best)
        i = [x["id"] for x in srv].index(p["server"])
        assert p["rank"] == rank.index(i) and names[p["near"]] == tier(locs[s["site"]], srv[i]["location"]), p'
pycheck "deploy: ds1 goes down mid-transfer; its sites fail over to ds2 in the same chassis and resume" "$W/d.json" '
moved = 0
for s in d["sites"]:
    ps = s["servers"]
    for a, b in zip(ps, ps[1:]):
        if a["server"] == "ds1" and a["ended"] == "down":
            moved += 1
            assert a["to_s"] == 1.0 and 0 < a["bytes"], a
            assert b["server"] == "ds2" and b["near"] in ("slot", "chassis") and b["from_s"] == 1.0, (s["site"], b)
            # resumed: the package is split between them, not fetched again
            assert b["package"] == a["package"], (a, b)
    assert not any(p["server"] == "ds1" and p["from_s"] >= 1.0 for p in ps), s["site"]
assert moved == 11, moved
ds1 = d["deployment_servers"][0]
assert ds1["down_at_s"] == 1.0 and ds1["upgraded_at_s"] is None and ds1["failovers"] == moved, ds1'
pycheck "deploy: per-server totals add up to the bytes downloaded, each package exactly once a site" "$W/d.json" '
srv = d["deployment_servers"]
per = {x["id"]: 0 for x in srv}
sites = {x["id"]: set() for x in srv}
for s in d["sites"]:
    assert sum(p["bytes"] for p in s["servers"]) == s["bytes_downloaded"], s["site"]
    for p in s["servers"]:
        per[p["server"]] += p["bytes"]
        if p["bytes"] > 0:
            sites[p["server"]].add(s["site"])
    got = {}
    for p in s["servers"]:
        got[p["package"]] = got.get(p["package"], 0) + p["bytes"]
    assert sorted(got) == sorted(s["downloaded"]), (got, s["downloaded"])
    assert s["failovers"] == sum(p["ended"] in ("down", "upgrade") for p in s["servers"]), s["site"]
assert all(x["bytes"] == per[x["id"]] and x["sites"] == len(sites[x["id"]]) for x in srv), (srv, per)
assert sum(per.values()) == d["totals"]["bytes_downloaded"] > 0'
pycheck "deploy: the servers upgraded one at a time while sites downloaded, and no download failed for it" "$W/d.json" '
srv = {x["id"]: x for x in d["deployment_servers"]}
assert [(srv[i]["upgrade_from_s"], srv[i]["upgraded_at_s"]) for i in ("ds1", "ds2", "ds3", "ds4")] == \
       [(None, None), (1.5, 2.0), (2.0, 2.5), (2.5, 3.0)], srv
cut = [p for s in d["sites"] for p in s["servers"] if p["ended"] == "upgrade"]
assert len(cut) >= 10 and {p["server"] for p in cut} == {"ds2", "ds3", "ds4"}, cut
assert all(p["bytes"] > 0 or p["to_s"] - p["from_s"] < 0.01 for p in cut)
assert all(s["outcome"] == "upgraded" for s in d["sites"])'
sim run "$TOPO/deploy.json" --report "$W/d2.json" 2>"$W/table"
if grep -Eq '^ds1 +chassis=1,slot=1 +[0-9.]+ MiB +11 +11  1\.0s +-$' "$W/table" &&
	grep -Eq '^ds3 +chassis=2,slot=1 .* 2\.0s-2\.5s$' "$W/table"; then
	ok "deploy: the table shows each server, ds1 down at 1.0 s, ds3's upgrade"
else
	bad "deploy: the table shows each server"; cat "$W/table"
fi
pycheck "deploy: deterministic" "$W/d.json" '
e = json.load(open(sys.argv[1].replace("d.json", "d2.json")))
for x in (d, e):
    x.pop("measured"); x["totals"].pop("baseline_repack_cpu_s")
assert d == e'

sim run "$TOPO/deploy.json" --cut c1s03/pkg6:0.5 --quiet --report "$W/c.json"
pycheck "deploy: a cut download after failovers: its last piece ends cut, the servers counted what they sent" "$W/c.json" '
s = site("c1s03")
assert s["outcome"] == "failed" and s["cause"]["kind"] == "cut" and s["downloaded"] == [], s["cause"]
assert s["servers"][-1]["ended"] == "cut" and s["servers"][-1]["package"] == "pkg6", s["servers"]
assert s["failovers"] >= 2 and sum(p["bytes"] for p in s["servers"]) == s["bytes_downloaded"]
assert sum(p["bytes"] for p in s["servers"] if p["package"] == "pkg6") == int(s["cause"]["detail"].split()[6])
assert sum(x["bytes"] for x in d["deployment_servers"]) == d["totals"]["bytes_downloaded"]'

# every server down for good: the downloads stop, the sites fail, the stores are as before
"$PY" - "$TOPO/deploy.json" "$W/alldown.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["events"] = [{"kind": "server_down", "server": x["id"], "at_s": 0.5} for x in d["server"]["deployment_servers"]]
json.dump(d, open(sys.argv[2], "w"))
PYEOF
sim run "$W/alldown.json" --quiet --report "$W/a.json"
pycheck "deploy: every server down: each site fails with cause server_down, its store as before" "$W/a.json" '
t = d["totals"]
assert t["failed"] == 24 and t["failures_by_cause"]["server_down"] == 24, t
for s in d["sites"]:
    assert s["outcome"] == "failed" and s["cause"]["kind"] == "server_down", s["cause"]
    assert s["downloaded"] == [] and s["store"]["consistent"] and s["store"]["list"] == ["pkg1", "pkg2", "pkg3", "pkg4"]
    assert 0 < s["bytes_downloaded"] == sum(p["bytes"] for p in s["servers"]), s["site"]
assert all(x["down_at_s"] == 0.5 and x["upgraded_at_s"] is None for x in d["deployment_servers"])'

# bad files: each error names the file and the problem
mk() {
	"$PY" - "$TOPO/deploy.json" "$W/$1.json" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PYEOF
}
mk unknown 'd["events"][0]["server"] = "ds9"'
expect_fail "deploy: server_down names an unknown server" unknown.json events[0] '"ds9" names no deployment server' -- sim run "$W/unknown.json" --quiet
mk twice 'd["server"]["deployment_servers"][1]["id"] = "ds1"'
expect_fail "deploy: two servers with one id" twice.json deployment_servers[1] "used by two deployment servers" -- sim run "$W/twice.json" --quiet
mk badloc 'd["server"]["deployment_servers"][2]["location"] = "chassis=1,chassis=2"'
expect_fail "deploy: a server location that is not labels" badloc.json deployment_servers[2] location -- sim run "$W/badloc.json" --quiet
mk sitebad 'd["sites"][3]["location"] = "slot"'
expect_fail "deploy: a site location that is not labels" sitebad.json "site c1s04" location -- sim run "$W/sitebad.json" --quiet
mk noeach 'd["events"][1].pop("each_s")'
expect_fail "deploy: servers_upgrade without each_s" noeach.json events[1] each_s -- sim run "$W/noeach.json" --quiet
mk noat 'd["events"][0].pop("at_s")'
expect_fail "deploy: server_down without at_s" noat.json events[0] at_s -- sim run "$W/noat.json" --quiet
mk insite 'd["sites"][0]["events"] = [{"kind": "server_down", "server": "ds1", "at_s": 1}]'
expect_fail "deploy: server_down in a site's events" insite.json "site c1s01" "scenario's own" -- sim run "$W/insite.json" --quiet
mk noservers 'd["server"].pop("deployment_servers")'
expect_fail "deploy: server_down without deployment servers" noservers.json events[0] "needs server.deployment_servers" -- sim run "$W/noservers.json" --quiet
finish
