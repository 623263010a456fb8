#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The seed's figure 3a site (the core issue's worked example) through
# `dupg-sim run`: the upgrade, a failed switch on HUB2 and the other device
# faults, a cut-off download, a corrupt server package, and `draw`.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

FIG=$TOPO/fig3a.json
sim run "$FIG" --workdir "$W/wd" --keep --report "$W/up.json" 2>"$W/table"
pycheck "fig3a: one site, upgraded by an incremental task" "$W/up.json" '
s = site("fig3a")
assert len(d["sites"]) == 1, d["sites"]
assert (s["outcome"], s["kind"]) == ("upgraded", "incremental"), (s["outcome"], s["kind"])
assert s["cause"] is None and s["current_after"] is True'
pycheck "fig3a: A on 5, B and C on 6, D and E unchanged" "$W/up.json" '
s = site("fig3a")
want = {"BBU1": "5", "HUB1": "6", "HUB2": "6", "HUB3": "6", "RRU1": "2", "RRU2": "2", "RRU3": "2", "RRU4": "2"}
assert versions(s) == want, versions(s)
assert before(s) == {"BBU1": "3", "HUB1": "4", "HUB2": "2", "HUB3": "4", "RRU1": "2", "RRU2": "2", "RRU3": "2", "RRU4": "2"}
assert [x["hw"] for x in s["devices"]] == ["A", "B", "C", "B", "D", "E", "D", "E"]
assert {x["id"]: x["state"] for x in s["devices"] if x["state"] != "unchanged"} == {"BBU1": "upgraded", "HUB1": "upgraded", "HUB2": "upgraded", "HUB3": "upgraded"}'
pycheck "fig3a: only packages 5 and 6 downloaded, package 1 deleted" "$W/up.json" '
s = site("fig3a")
assert s["task"] == ["server/pkg5.tar.gz", "server/pkg6.tar.gz"], s["task"]
assert s["downloaded"] == ["pkg5", "pkg6"], s["downloaded"]
assert s["deleted"] == ["pkg1"], s["deleted"]'
pycheck "fig3a: the store lists are the third and fourth lists" "$W/up.json" '
st = site("fig3a")["store"]
assert st["list"] == ["pkg2", "pkg3", "pkg4", "pkg5", "pkg6"], st["list"]
assert st["rollback"] == ["pkg2", "pkg3", "pkg4"], st["rollback"]
assert st["consistent"] is True'
# the report matches the disk: list files, package files, byte counts
printf 'pkg2.tar.gz\npkg3.tar.gz\npkg4.tar.gz\npkg5.tar.gz\npkg6.tar.gz\n' >"$W/third"
printf 'pkg2.tar.gz\npkg3.tar.gz\npkg4.tar.gz\n' >"$W/fourth"
store=$W/wd/sites/fig3a
if cmp -s "$W/third" "$store/list" && cmp -s "$W/fourth" "$store/list.rollback"; then
	ok "fig3a: list and list.rollback on disk hold the third and fourth lists"
else
	bad "fig3a: list files on disk"; cat "$store/list" "$store/list.rollback"
fi
if [ ! -e "$store/pkg1.tar.gz" ] && [ "$(ls "$store" | sort | tr '\n' ' ')" = "list list.cache list.rollback pkg2.tar.gz pkg3.tar.gz pkg4.tar.gz pkg5.tar.gz pkg6.tar.gz " ]; then
	ok "fig3a: package 1 is gone from the store, nothing else is there"
else
	bad "fig3a: store directory"; ls -la "$store"
fi
s5=$(stat -c %s "$W/wd/server/pkg5.tar.gz")
s6=$(stat -c %s "$W/wd/server/pkg6.tar.gz")
pycheck "fig3a: bytes downloaded are the sizes of packages 5 and 6" "$W/up.json" "
s = site('fig3a'); t = d['totals']
assert s['bytes_downloaded'] == $s5 + $s6, s['bytes_downloaded']
assert t['bytes_downloaded'] == $s5 + $s6
assert t['baseline_universal_bytes'] > t['bytes_downloaded'], t
assert t['baseline_repack_bytes'] > 0 and t['baseline_repack_archives'] == 1, t
assert t['store_bytes'] < t['baseline_store_bytes'], t
assert (t['upgraded'], t['rolled_back'], t['current'], t['failed']) == (1, 0, 0, 0)"
if "${VG[@]}" "$SIM" manifest "$store/pkg6.tar.gz" >/dev/null; then
	ok "fig3a: the downloaded package 6 verifies in the store"
else
	bad "fig3a: package 6 in the store does not verify"
fi
if grep -q "fig3a.*upgraded.*incremental.*pkg5,pkg6.*pkg1" "$W/table" && grep -q "universal" "$W/table"; then
	ok "fig3a: the table on stderr shows the site and the baselines"
else
	bad "fig3a: table"; cat "$W/table"
fi
pycheck "fig3a: switching goes deepest first, the master last, after every device staged" "$W/up.json" '
s = site("fig3a"); sw = {x["id"]: x["switched_s"] for x in s["devices"] if "switched_s" in x}
st = {x["id"]: x["staged_s"] for x in s["devices"] if "staged_s" in x}
assert sorted(sw) == ["BBU1", "HUB1", "HUB2", "HUB3"], sw
assert sw["HUB3"] < sw["HUB2"] < sw["BBU1"] and sw["HUB1"] < sw["BBU1"], sw
assert min(sw[i] - dev(s, i)["switched_s"] for i in sw) == 0
assert all(v <= s["timeline"]["staged_s"] for v in st.values())
assert s["timeline"]["staged_s"] < min(sw.values()), s["timeline"]'

# a failed switch on HUB2: the whole site rolls back
sim run "$FIG" --fail HUB2:switch --workdir "$W/wd2" --keep --report "$W/sw.json" 2>/dev/null
pycheck "HUB2:switch: rolled back, every device on its old version" "$W/sw.json" '
s = site("fig3a")
assert s["outcome"] == "rolled_back", s["outcome"]
assert versions(s) == before(s), versions(s)
assert dev(s, "HUB2")["state"] == "failed"
assert {x["id"] for x in s["devices"] if x["state"] == "rolled_back"} == {"BBU1", "HUB1", "HUB3"}'
pycheck "HUB2:switch: the report says why" "$W/sw.json" '
c = site("fig3a")["cause"]
assert (c["kind"], c["device"], c["origin"]) == ("switch", "HUB2", "--fail"), c
assert "HUB2" in c["detail"] and "switch" in c["detail"], c
t = d["totals"]
assert t["rollbacks_by_cause"] == {"stage": 0, "switch": 1, "health": 0}, t["rollbacks_by_cause"]
assert (t["upgraded"], t["rolled_back"]) == (0, 1)'
pycheck "HUB2:switch: the store is consistent and back on the rollback list, the download deleted" "$W/sw.json" '
s = site("fig3a"); st = s["store"]
assert st["consistent"] is True
assert st["list"] == ["pkg2", "pkg3", "pkg4"] and st["rollback"] == ["pkg2", "pkg3", "pkg4"], st
assert s["downloaded"] == ["pkg5", "pkg6"] and s["deleted"] == ["pkg1", "pkg5", "pkg6"], s["deleted"]
assert d["totals"]["packages_deleted"] == 3 and d["totals"]["store_bytes"] == st["bytes"]
assert s["timeline"]["rollback_s"] > 0'
if cmp -s "$W/fourth" "$W/wd2/sites/fig3a/list" && cmp -s "$W/fourth" "$W/wd2/sites/fig3a/list.rollback"; then
	ok "HUB2:switch: list and list.rollback on disk both hold the rollback list"
else
	bad "HUB2:switch: list files on disk"; cat "$W/wd2/sites/fig3a/list" "$W/wd2/sites/fig3a/list.rollback"
fi
if [ "$(ls "$W/wd2/sites/fig3a" | sort | tr '\n' ' ')" = "list list.cache list.rollback pkg2.tar.gz pkg3.tar.gz pkg4.tar.gz " ]; then
	ok "HUB2:switch: packages 1, 5 and 6 are gone from the store, nothing else is there"
else
	bad "HUB2:switch: store directory"; ls -la "$W/wd2/sites/fig3a"
fi

# the other device faults: stage and health roll back; a fault on a device the plan leaves alone never fires
for f in BBU1:stage RRU4:stage HUB3:health BBU1:health; do
	sim run "$FIG" --fail "$f" --quiet --report "$W/f.json"
	pycheck "$f: rolled back with every device on its old version" "$W/f.json" "
s = site('fig3a'); dv, kind = '$f'.split(':')
if dv == 'RRU4':
    assert s['outcome'] == 'upgraded' and s['faults'][0]['fired'] is False, s['faults']
else:
    assert s['outcome'] == 'rolled_back', s['outcome']
    assert versions(s) == before(s)
    assert (s['cause']['kind'], s['cause']['device']) == (kind, dv), s['cause']
    assert s['faults'][0]['fired'] is True and s['store']['consistent'] is True
    assert s['store']['list'] == s['store']['rollback'] == ['pkg2', 'pkg3', 'pkg4'], s['store']
    assert s['deleted'] == ['pkg1', 'pkg5', 'pkg6'], s['deleted']"
done
sim run "$FIG" --fail HUB1:stage --fail HUB3:switch --quiet --report "$W/f2.json"
pycheck "two faults: the first one in time decides" "$W/f2.json" '
s = site("fig3a")
assert (s["cause"]["kind"], s["cause"]["device"]) == ("stage", "HUB1"), s["cause"]
assert [f["fired"] for f in s["faults"]] == [True, False], s["faults"]'

# a cut-off download and a corrupt server package: the site fails before touching its store
sim run "$FIG" --cut pkg6:0.25 --workdir "$W/wd3" --keep --quiet --report "$W/cut.json"
pycheck "cut: failed, nothing new listed, the store as before" "$W/cut.json" "
s = site('fig3a')
assert s['outcome'] == 'failed' and s['cause']['kind'] == 'cut', s
assert s['downloaded'] == [] and s['deleted'] == []
assert $s5 < s['bytes_downloaded'] < $s5 + $s6, s['bytes_downloaded']
assert s['store']['list'] == ['pkg1', 'pkg2', 'pkg3', 'pkg4'] and s['store']['consistent'] is True
assert versions(s) == before(s) and d['totals']['failures_by_cause']['cut'] == 1"
if [ "$(ls "$W/wd3/sites/fig3a" | tr '\n' ' ')" = "list pkg1.tar.gz pkg2.tar.gz pkg3.tar.gz pkg4.tar.gz " ]; then
	ok "cut: no partial file, no unlisted package in the store"
else
	bad "cut: store directory"; ls -la "$W/wd3/sites/fig3a"
fi
sim run "$FIG" --corrupt pkg6 --quiet --report "$W/bad.json"
pycheck "corrupt: verification fails, the store is untouched, the report names the package" "$W/bad.json" '
s = site("fig3a"); c = s["cause"]
assert s["outcome"] == "failed" and c["kind"] == "corrupt" and c["origin"] == "--corrupt", c
assert "pkg6.tar.gz" in c["detail"] and "/tmp" not in c["detail"], c["detail"]
assert s["downloaded"] == [] and s["store"]["list"] == ["pkg1", "pkg2", "pkg3", "pkg4"]
assert s["store"]["consistent"] is True and d["totals"]["failures_by_cause"]["corrupt"] == 1'

# draw: DOT of the site after the run, devices coloured by state
sim draw fig3a --report "$W/sw.json" >"$W/sw.dot"
# Okabe-Ito: vermillion (and a double border) the failed device, orange rolled back
if grep -q '^digraph "fig3a"' "$W/sw.dot" && grep -q '^	"HUB2" \[.*fillcolor="#D55E00", peripheries=2' "$W/sw.dot" &&
	grep -q '^	"HUB1" \[.*fillcolor="#E69F00"' "$W/sw.dot" && grep -q '^	"RRU1" \[.*fillcolor=white' "$W/sw.dot" &&
	grep -q '"HUB2" -> "HUB3"' "$W/sw.dot" && [ "$(grep -c -- '^	"[^"]*" -> ' "$W/sw.dot")" -eq 7 ]; then
	ok "draw: the rolled-back site, HUB2 failed, the others rolled back"
else
	bad "draw after a rollback"; cat "$W/sw.dot"
fi
sim draw fig3a --report "$W/up.json" >"$W/up.dot"
if grep -q '"BBU1" \[label="BBU1\\nA 3 -> 5".*fillcolor="#009E73"' "$W/up.dot"; then
	ok "draw: the upgraded site"
else
	bad "draw after an upgrade"; cat "$W/up.dot"
fi
sim draw "$FIG" >"$W/before.dot"
if grep -q '"HUB2" -> "HUB3" \[label="1000 Mb/s"\]' "$W/before.dot"; then
	ok "draw: a scenario's site before any run"
else
	bad "draw of a scenario"; cat "$W/before.dot"
fi
expect_fail "draw: unknown site" "up.json" "no site nowhere" -- sim draw nowhere --report "$W/up.json"
expect_fail "draw: a site without its report" "no file fig3a" "dupg-sim draw fig3a --report FILE" -- sim draw fig3a
# every picture has its legend: a cluster of its own, each state and shape it uses
for f in sw up before; do
	if grep -q '^	subgraph "cluster_legend" {' "$W/$f.dot" && grep -q '"legend:bbu" \[label="BBU (the master)", shape=box3d' "$W/$f.dot" &&
	   grep -q '"legend:rru" \[label="RRU", shape=ellipse' "$W/$f.dot"; then ok "draw: $f has a legend of the shapes"
	else bad "draw: $f has no legend"; cat "$W/$f.dot"; fi
done
if grep -q '"legend:failed" .*fillcolor="#D55E00", peripheries=2' "$W/sw.dot" && grep -q '"legend:upgraded" .*fillcolor="#009E73"' "$W/sw.dot" &&
   grep -q '"legend:rolled_back" .*fillcolor="#E69F00"' "$W/sw.dot" && grep -q '"legend:link_a" -> "legend:link_b" \[label="link bandwidth"\]' "$W/before.dot"; then
	ok "draw: the legend says what each colour means"
else bad "draw: the legend's colours"; fi
# no colour outside Okabe and Ito's palette (and white)
if grep -ho 'fillcolor=[^],]*' "$W/sw.dot" "$W/up.dot" "$W/before.dot" | sort -u |
   grep -vqE '^fillcolor=(white|"#(009E73|E69F00|D55E00|56B4E9|0072B2|BBBBBB)")$'; then
	bad "draw: a colour outside the palette"
else ok "draw: every colour from the palette"; fi
if command -v dot >/dev/null 2>&1; then
	if dot -Tsvg "$W/sw.dot" >"$W/sw.svg" 2>"$W/dot.err" && [ ! -s "$W/dot.err" ]; then ok "draw: Graphviz renders it"
	else bad "draw: Graphviz: $(cat "$W/dot.err")"; fi
fi
finish
