#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The report says what did not happen: a fault asked for that never fired has a
# "why" beside "fired": false and a line in the table; a halted rollout says
# after which wave, at what failed share, against which threshold.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

FIG=$TOPO/fig3a.json
# RRU1 has nothing to install; the transaction makes fewer than 99 writes; pkg1 is
# not downloaded; HUB2 fails staging, so HUB3 never switches; the crash at delete fires
sim run "$FIG" --no-fsync --report "$W/r.json" --fail RRU1:health --crash-txn 99 --cut pkg1 \
	--fail HUB2:stage --fail HUB3:switch --crash delete --fail HUB2:stage 2>"$W/table"
pycheck "why: each fault that did not fire says why" "$W/r.json" '
f = site("fig3a")["faults"]
assert [x["fired"] for x in f] == [False, False, False, True, False, True, False], f
assert f[0]["why"] == "device RRU1 has nothing to install: the plan leaves it on version 2", f[0]
assert f[1]["why"].startswith("the transaction made ") and f[1]["why"].endswith(" journal writes, fewer than 99"), f[1]
assert f[2]["why"] == "package pkg1 is not among what site fig3a downloads", f[2]
assert f[4]["why"] == "the site rolled back (stage on HUB2) before device HUB3 reached its switch", f[4]
assert f[6]["why"] == "only the first stage fault on HUB2 of a site is used: fault 4 came first", f[6]
assert "why" not in f[3] and "why" not in f[5], f'
if grep -q '^faults asked for that did not fire: 5$' "$W/table" &&
   grep -qF 'site fig3a: health on RRU1 (--fail) did not fire: device RRU1 has nothing to install' "$W/table" &&
   grep -qF 'site fig3a: txn_crash after write 99 (--crash-txn) did not fire: the transaction made' "$W/table" &&
   grep -qF 'site fig3a: switch on HUB3 (--fail) did not fire: the site rolled back' "$W/table"; then
	ok "why: the table lists the faults that did not fire"
else bad "why: the table"; cat "$W/table"; fi

# a site that is current: nothing fires; a step the store update never reaches
sim run "$FIG" --no-fsync --report "$W/c.json" --quiet --crash done 2>/dev/null
pycheck "why: a crash at a step that came fires" "$W/c.json" 'assert site("fig3a")["faults"][0]["fired"] is True'
cat >"$W/current.json" <<'JSON'
{"format": 1, "name": "current",
 "packages": [{"name": "p1", "hw": ["B"], "version": "1"}],
 "server": {"packages": ["p1"]},
 "sites": [{"id": "s1", "store": ["p1"],
            "devices": [{"id": "M", "role": "bbu", "hw": "B", "version": "1"}]}]}
JSON
sim run "$W/current.json" --no-fsync --report "$W/cur.json" --fail M:stage --crash journal 2>"$W/table"
pycheck "why: a current site has nothing to fail" "$W/cur.json" '
f = site("s1")["faults"]
assert site("s1")["outcome"] == "current", site("s1")
assert all(x["why"] == "site s1 is current: it has nothing to download or install" for x in f), f'
if grep -q '^faults asked for that did not fire: 2$' "$W/table"; then ok "why: the table counts them"
else bad "why: the table count"; cat "$W/table"; fi
# a fault that fired says nothing more, and a run with none prints no such line
sim run "$FIG" --no-fsync --report "$W/f.json" 2>"$W/table"
if grep -q 'did not fire' "$W/table"; then bad "why: a run without faults speaks of them"; else ok "why: silent without faults"; fi

# a halted rollout: after which wave, the failed share, the threshold
sim run "$TESTDATA/halt.json" --no-fsync --link --report "$W/h.json" 2>"$W/table"
pycheck "halt: the report says after which wave, at what share, against which threshold" "$W/h.json" '
h, w = d["halt"], d["waves"]
assert d["halt_threshold"] == 0.1 and h["threshold"] == 0.1, (d["halt_threshold"], h)
assert h["after_wave"] == 1 == len(w) and h["failures"] == w[0]["failures"] and h["attempted"] == w[0]["attempted"], (h, w)
assert h["failure_rate"] == w[0]["failure_rate"] > 0.1, h
assert h["not_attempted"] == d["totals"]["not_attempted"] == 200 - len(d["sites"]), h'
read -r fails_ attempted_ < <("$PY" -c 'import json,sys; h=json.load(open(sys.argv[1]))["halt"]; print(h["failures"], h["attempted"])' "$W/h.json")
if grep -q "^rollout HALTED after wave 1: $fails_ of its $attempted_ sites that needed the upgrade rolled back or failed ([0-9.]*%), above the halt threshold 10.0%; [0-9]* sites not attempted$" "$W/table"; then
	ok "halt: the table says why"
else bad "halt: the table"; cat "$W/table"; fi
sim run "$TESTDATA/halt.json" --no-fsync --link --halt-threshold 1 --quiet --report "$W/h2.json"
pycheck "halt: none, no halt object; the threshold in the head" "$W/h2.json" '
assert "halt" not in d and d["halted"] is False and d["halt_threshold"] == 1, d.get("halt")'
finish
