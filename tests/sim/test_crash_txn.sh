#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The master crashes right after the Nth journal write of the site's
# transaction (--crash-txn [SITE/]N), for every N the transaction makes: it
# reboots, resumes from the journal, and the site ends upgraded or rolled
# back, every device consistent with it and the store agreeing. A failed
# switch still rolls the whole site back, crash or not.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

FIG=$TOPO/fig3a.json
# consistent NAME REPORT: all devices new and the third list, or all old and the rollback list
consistent() {
	pycheck "$1" "$2" '
s = site("fig3a"); st = s["store"]; planned = [x for x in s["devices"] if x["package"]]
assert st["consistent"] is True, st
if s["outcome"] == "upgraded":
    assert all(x["version_after"] != x["version_before"] for x in planned), versions(s)
    assert all(x["state"] == "upgraded" for x in planned)
    assert st["list"] == ["pkg2", "pkg3", "pkg4", "pkg5", "pkg6"] and s["current_after"] is True, st
else:
    assert s["outcome"] == "rolled_back", s["outcome"]
    assert versions(s) == before(s), versions(s)
    assert st["list"] == st["rollback"] == ["pkg2", "pkg3", "pkg4"], st
    assert s["deleted"] == ["pkg1", "pkg5", "pkg6"], s["deleted"]'
}

# how many journal writes the transaction makes: a crash point it never reaches
sim run "$FIG" --crash-txn 1000000 --no-fsync --quiet --report "$W/k.json"
K=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["sites"][0]["txn"]["journal_writes"])' "$W/k.json")
pycheck "crash-txn past the last write: never fires, the report says so" "$W/k.json" '
s = site("fig3a")
assert s["txn"] == {"journal_writes": '"$K"', "crash_at": 1000000, "resumed": None}, s["txn"]
assert s["outcome"] == "upgraded" and s["faults"] == [{"kind": "txn_crash", "write": 1000000, "origin": "--crash-txn", "fired": False,
                                                "why": "the transaction made '"$K"' journal writes, fewer than 1000000"}], s["faults"]'
if [ "$K" -ge 4 ]; then ok "fig3a: the transaction makes $K journal writes"; else bad "fig3a: only $K journal writes"; fi

seen=""
for n in $(seq 1 "$K"); do
	sim run "$FIG" --crash-txn "$n" --no-fsync --quiet --workdir "$W/c$n" --keep --report "$W/c$n.json"
	pycheck "crash after journal write $n of $K: resumed, and the report's txn says so" "$W/c$n.json" "
s = site('fig3a'); t = s['txn']
assert t['crash_at'] == $n and t['journal_writes'] >= $n, t
assert t['resumed'] == {'upgraded': 'committed', 'rolled_back': 'rolled_back'}[s['outcome']], (t, s['outcome'])
assert s['faults'][0]['fired'] is True, s['faults']
if s['outcome'] == 'rolled_back':
    c = s['cause']
    assert (c['kind'], c['device'], c['origin']) == ('txn_crash', None, '--crash-txn'), c
    assert 'write $n' in c['detail'] and all(x['state'] in ('rolled_back', 'unchanged') for x in s['devices'])
    assert d['totals']['rollbacks_by_cause'] == {'stage': 0, 'switch': 0, 'health': 0, 'txn_crash': 1}
else:
    assert d['totals']['rollbacks_by_cause'] == {'stage': 0, 'switch': 0, 'health': 0}"
	consistent "crash after journal write $n of $K: every device consistent, the store agreeing" "$W/c$n.json"
	if [ -e "$W/c$n/sites/fig3a/txn.journal" ]; then bad "crash after write $n: the journal is left"; fi
	seen="$seen $("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["sites"][0]["outcome"])' "$W/c$n.json")"
done
case $seen in
*rolled_back*upgraded*) ok "crashes before the commit point roll back, crashes after it finish:$seen" ;;
*) bad "crash outcomes by write:$seen" ;;
esac

# a failed switch rolls back whole, and so it does with a crash at any write
sim run "$FIG" --fail HUB2:switch --no-fsync --quiet --report "$W/sw.json"
consistent "HUB2:switch: consistent" "$W/sw.json"
pycheck "HUB2:switch: rolled back whole, HUB2 failed, every other device rolled back" "$W/sw.json" '
s = site("fig3a")
assert s["outcome"] == "rolled_back" and s["cause"]["device"] == "HUB2", s["cause"]
assert {x["id"]: x["state"] for x in s["devices"] if x["package"]} == {"BBU1": "rolled_back", "HUB1": "rolled_back", "HUB2": "failed", "HUB3": "rolled_back"}
assert "txn" not in s'
sim run "$FIG" --fail HUB2:switch --crash-txn 1000000 --no-fsync --quiet --report "$W/swk.json"
KS=$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["sites"][0]["txn"]["journal_writes"])' "$W/swk.json")
for n in $(seq 1 "$KS"); do
	sim run "$FIG" --fail HUB2:switch --crash-txn "$n" --no-fsync --quiet --report "$W/s$n.json"
	pycheck "HUB2:switch and a crash after write $n of $KS: rolled back" "$W/s$n.json" '
s = site("fig3a")
assert s["outcome"] == "rolled_back" and s["txn"]["resumed"] == "rolled_back", s["txn"]'
	consistent "HUB2:switch and a crash after write $n: consistent" "$W/s$n.json"
done

# SITE/N: only the site named; a scenario event does the same
sim run "$TESTDATA/listed.json" --crash-txn a/2 --quiet --no-fsync --report "$W/l.json"
pycheck "--crash-txn a/2: site a crashes and resumes, the others carry no txn" "$W/l.json" '
a = site("a")
assert a["txn"]["crash_at"] == 2 and a["txn"]["resumed"] is not None, a["txn"]
assert "txn" not in site("b") and "txn" not in site("c")
assert all(s["store"]["consistent"] for s in d["sites"])'
"$PY" - "$FIG" "$W/ev.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["events"] = [{"kind": "txn_crash", "write": 5}]
json.dump(d, open(sys.argv[2], "w"))
PYEOF
sim run "$W/ev.json" --quiet --no-fsync --report "$W/ev-r.json"
pycheck "a txn_crash event in the scenario" "$W/ev-r.json" '
s = site("fig3a")
assert s["txn"]["crash_at"] == 5 and s["faults"][0]["origin"] == "scenario" and s["faults"][0]["fired"] is True, s'
consistent "a txn_crash event: consistent" "$W/ev-r.json"

expect_fail "--crash-txn 0 refused" "--crash-txn 0" "N a journal write from 1" -- sim run "$FIG" --crash-txn 0
expect_fail "--crash-txn x refused" "--crash-txn fig3a/x" -- sim run "$FIG" --crash-txn fig3a/x
finish
