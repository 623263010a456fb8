#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A listed fleet of three sites (tests/sim/listed.json): an upgrade with a
# master crash from the scenario's own events, a site already current, a site
# with an empty store; waves; the reserved cluster and region keys.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

sim run "$TESTDATA/listed.json" --report "$W/l.json" 2>/dev/null
pycheck "listed: outcomes, kinds and waves" "$W/l.json" '
got = {s["site"]: (s["outcome"], s["kind"], s["wave"]) for s in d["sites"]}
assert {k: v[:2] for k, v in got.items()} == {"a": ("upgraded", "incremental"), "b": ("current", "none"), "c": ("upgraded", "incremental")}, got
assert [w["sites"] for w in d["waves"]] == [2, 1] and d["halted"] is False, d["waves"]
t = d["totals"]
assert (t["sites"], t["upgraded"], t["current"], t["kinds"]) == (3, 2, 1, {"none": 1, "incremental": 2, "full": 0}), t'
pycheck "listed: the scenario event crashes site a after the commit; recovery finishes the apply" "$W/l.json" '
s = site("a")
assert s["recovery"]["action"] == "finished" and s["faults"][0]["origin"] == "scenario", s
assert s["store"]["list"] == ["pkg2", "pkg3", "pkg4", "pkg5", "pkg6"] and s["store"]["consistent"]'
pycheck "listed: a current site downloads nothing and keeps its store" "$W/l.json" '
s = site("b")
assert s["task"] == [] and s["bytes_downloaded"] == 0 and s["downloaded"] == []
assert s["store"]["list"] == ["pkg2", "pkg3", "pkg5", "pkg6"] and versions(s) == before(s)
assert s["store"]["bytes"] == s["store"]["baseline_bytes"]'
pycheck "listed: an empty store gets its first package; timing defaults from the scenario" "$W/l.json" '
s = site("c")
assert s["downloaded"] == ["pkg5"] and s["store"]["list"] == ["pkg5"] and s["store"]["rollback"] == []
assert versions(s) == {"BBU1": "5", "RRU1": "2"}
assert abs(dev(s, "BBU1")["switched_s"] - s["timeline"]["staged_s"] - 90) < 1e-6'
sim run "$TESTDATA/listed.json" --fail c/BBU1:health --fail a/HUB1:stage --halt-threshold 1 --quiet --report "$W/f.json"
pycheck "listed: SITE/DEVICE faults hit only their site; a BBU with no rollback package goes back to its old slot" "$W/f.json" '
assert site("c")["outcome"] == "rolled_back" and versions(site("c"))["BBU1"] == "3"
assert site("a")["outcome"] == "rolled_back" and site("a")["cause"]["device"] == "HUB1"
assert site("b")["outcome"] == "current"'
pycheck "listed: each rolled-back store is back on its rollback list, the download deleted" "$W/f.json" '
a, c = site("a"), site("c")
assert a["recovery"]["action"] == "finished" and a["store"]["consistent"] is True, a
assert a["store"]["list"] == a["store"]["rollback"] == ["pkg2", "pkg3", "pkg4"], a["store"]
assert a["deleted"] == ["pkg1", "pkg5", "pkg6"], a["deleted"]
assert c["store"]["list"] == c["store"]["rollback"] == [] and c["store"]["consistent"] is True, c["store"]
assert c["deleted"] == ["pkg5"] and c["store"]["bytes"] == 0, c'
sim run "$TESTDATA/listed.json" --fail BBU1:switch --halt-threshold 1 --quiet --report "$W/all.json"
pycheck "listed: DEVICE:kind without a site hits every site that has the device" "$W/all.json" '
assert [site(x)["outcome"] for x in "abc"] == ["rolled_back", "current", "rolled_back"]
assert d["totals"]["rollbacks_by_cause"]["switch"] == 2'
sim run "$TESTDATA/listed.json" --trust --quiet --report "$W/t.json" --workdir "$W/tw" --keep
pycheck "listed: --trust signs the catalogue and the run goes as without it" "$W/t.json" '
got = {s["site"]: (s["outcome"], s["kind"], s["store"]["list"]) for s in d["sites"]}
want = {s["site"]: (s["outcome"], s["kind"], s["store"]["list"]) for s in json.load(open(sys.argv[1].replace("t.json", "l.json")))["sites"]}
assert got == want, (got, want)'
if tar -tzf "$W/tw/server/pkg5.tar.gz" | sed -n 2p | grep -qx manifest.sig; then
	ok "listed: --trust: a server package carries manifest.sig after manifest.json"
else
	bad "listed: --trust: no manifest.sig in the server's pkg5"
fi
sim run "$TESTDATA/listed.json" --trust --corrupt pkg5 --quiet --report "$W/tc.json"
pycheck "listed: --trust with a corrupt package: refused at download, the store untouched" "$W/tc.json" '
for x in "ac":
    s = site(x)
    assert s["outcome"] == "failed" and s["cause"]["kind"] == "corrupt", s
    assert "pkg5" in s["cause"]["detail"] and s["store"]["consistent"], s'
finish
