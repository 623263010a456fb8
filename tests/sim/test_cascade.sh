#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The deep-cascade site: a full task, packages relayed hop by hop down eight
# HUBs, switching from the deepest device up with the BBU last, and a rollback
# from the bottom of the chain.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

DC=$TOPO/deep-cascade.json
sim run "$DC" --report "$W/up.json" 2>/dev/null
pycheck "deep cascade: full task, every device on 2.0, release 1.0 pruned" "$W/up.json" '
s = site("deep-cascade")
assert (s["outcome"], s["kind"]) == ("upgraded", "full"), (s["outcome"], s["kind"])
assert set(versions(s).values()) == {"2.0"} and len(s["devices"]) == 20
assert dev(s, "RRU8")["version_before"] == "1.0"
assert s["downloaded"] == ["bbu-2.0", "hub-2.0", "rru-2.0"], s["downloaded"]
assert s["deleted"] == ["bbu-1.0", "hub-1.0", "rru-1.0"], s["deleted"]
st = s["store"]
assert st["list"] == ["bbu-1.1", "hub-1.1", "rru-1.1", "bbu-2.0", "hub-2.0", "rru-2.0"], st["list"]
assert st["rollback"] == ["bbu-1.1", "hub-1.1", "rru-1.1"] and st["consistent"] is True
assert s["current_after"] is True'
pycheck "deep cascade: no device switches while one behind it is busy; the BBU last" "$W/up.json" '
s = site("deep-cascade")
devs = {x["id"]: x for x in s["devices"]}
def ancestors(i):
    p = devs[i]["parent"]
    while p is not None:
        yield p
        p = devs[p]["parent"]
for i, x in devs.items():
    for a in ancestors(i):
        # the ancestor starts only after this device finished switching
        start = devs[a]["switched_s"] - {"bbu": 60, "hub": 30, "rru": 20}[devs[a]["role"]]
        assert start >= x["switched_s"] - 1e-6, (a, i)
assert max(devs, key=lambda i: devs[i]["switched_s"]) == "BBU1"
assert devs["HUB1"]["switched_s"] > devs["HUB8"]["switched_s"] > devs["RRU8"]["switched_s"]'
pycheck "deep cascade: packages travel down the chain, deeper devices receive later" "$W/up.json" '
s = site("deep-cascade")
arr = [dev(s, "HUB%d" % i)["staged_s"] - 120 for i in range(1, 9)]
assert all(a < b for a, b in zip(arr, arr[1:])), arr
assert s["timeline"]["staged_s"] == max(x["staged_s"] for x in s["devices"])'
sim run "$DC" --fail HUB8:switch --quiet --report "$W/rb.json"
pycheck "deep cascade: HUB8 fails to switch, all twenty devices back on their old versions" "$W/rb.json" '
s = site("deep-cascade")
assert s["outcome"] == "rolled_back" and s["cause"]["device"] == "HUB8", s["cause"]
assert versions(s) == before(s)
assert {x["state"] for x in s["devices"]} == {"rolled_back", "failed"}
assert s["store"]["consistent"] is True and s["timeline"]["rollback_s"] > 0
assert s["store"]["list"] == s["store"]["rollback"] == ["bbu-1.1", "hub-1.1", "rru-1.1"], s["store"]
assert s["deleted"] == ["bbu-1.0", "hub-1.0", "rru-1.0", "bbu-2.0", "hub-2.0", "rru-2.0"], s["deleted"]'
sim run "$DC" --fail RRU8:health --quiet --report "$W/h.json"
pycheck "deep cascade: RRU8 fails its health check, the whole site rolls back" "$W/h.json" '
s = site("deep-cascade")
assert s["outcome"] == "rolled_back" and s["cause"]["kind"] == "health", s["cause"]
assert versions(s) == before(s) and dev(s, "RRU8")["version_after"] == "1.0"'
finish
