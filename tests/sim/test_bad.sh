#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Bad scenario and topology files, and bad command lines: a one-line error that
# names the file (or option) and the problem, a non-zero exit, no report.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

B=$TESTDATA/bad
while IFS='|' read -r file needle; do
	expect_fail "bad topology: $file" "$file" "$needle" -- sim run "$B/$file" --quiet --report "$W/r.json"
	if [ -e "$W/r.json" ] || [ -e "$W/r.json.tmp" ]; then bad "$file: a report was left behind"; fi
done <<'CASES'
unknown-parent.json|device RRU1: unknown parent HUB9
cycle.json|cycle
two-masters.json|two masters: BBU1 and HUB1
no-master.json|no master
duplicate-id.json|duplicate device id HUB1
no-hw.json|device RRU1: hw is missing
empty-hw.json|device RRU1: hw is empty
rru-parent.json|parent RRU1 is an rru
unknown-store-package.json|store names pkgZ
bad-role.json|role must be bbu, hub or rru
bad-format.json|format 2 is not supported
bad-event-device.json|site s1 has no device HUB7
not-json.json|invalid JSON
device-no-id.json|site s1: device #3 (devices[2]) has no id
unknown-fault-key.json|faults: unknown key "explode" (allowed: stage, switch, health, cut, master_crash)
unknown-device-key.json|site s1: device HUB1: unknown key "verison" (allowed: id, role, hw, version, parent, duration_s, switch_s, health_s, link)
unknown-site-key.json|site s1: unknown key "uplink" (allowed: id, region, location, uplink_mbps, devices, store, events)
unknown-event-key.json|events[0]: unknown key "when_s" (allowed: kind, site, device, package, step, fraction, write)
unknown-rollout-key.json|rollout: unknown key "halt_treshold" (allowed: waves, halt_threshold)
unknown-server-key.json|server: unknown key "pakages" (allowed: packages, deployment_servers)
unknown-timing-role.json|timing: switch_s: unknown key "hubs" (allowed: bbu, hub, rru)
unknown-shape-key.json|fleet: shape one: unknown key "rru_per_hub" (allowed: name, weight, hubs, cascade, rrus_per_hub)
CASES
# every shipped scenario still loads under the key checks (draw loads a scenario whole)
for f in "$TOPO"/*.json "$TESTDATA"/listed.json "$TESTDATA"/halt.json; do
	if sim draw "$f" >/dev/null 2>"$W/err"; then ok "loads: ${f##*/}"; else bad "does not load: ${f##*/}: $(cat "$W/err")"; fi
done
# unknown top-level keys stay ignored, as documented
"$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); d["notes"] = {"anything": 1}; json.dump(d, open(sys.argv[2], "w"))' \
	"$TOPO/fig3a.json" "$W/notes.json"
if sim draw "$W/notes.json" >/dev/null 2>"$W/err"; then ok "an unknown top-level key is ignored"; else bad "top-level key: $(cat "$W/err")"; fi
expect_fail "missing scenario file" "nowhere.json" "cannot open" -- sim run "$W/nowhere.json" --quiet
expect_fail "draw: bad topology" "cycle.json" "cycle" -- sim draw "$B/cycle.json"

FIG=$TOPO/fig3a.json
expect_fail "--fail: unknown device" "--fail HUB9:switch" "no device HUB9" -- sim run "$FIG" --fail HUB9:switch --quiet
expect_fail "--fail: unknown kind" "--fail HUB2:explode" "stage|switch|health" -- sim run "$FIG" --fail HUB2:explode --quiet
expect_fail "--fail: unknown site" "--fail mars/HUB2:switch" "no site mars" -- sim run "$FIG" --fail mars/HUB2:switch --quiet
expect_fail "--cut: unknown package" "--cut pkg9" "no package pkg9" -- sim run "$FIG" --cut pkg9 --quiet
expect_fail "--corrupt: not on the server" "--corrupt pkg1" "server's set" -- sim run "$FIG" --corrupt pkg1 --quiet
expect_fail "--crash: unknown step" "--crash nap" "unknown step" -- sim run "$FIG" --crash nap --quiet
expect_fail "--sites on a listed scenario" "--sites" "fig3a.json" -- sim run "$FIG" --sites 3 --quiet
expect_fail "--seed not a number" "--seed x" -- sim run "$FIG" --seed x --quiet
expect_fail "--seed with a sign" "--seed +1" -- sim run "$FIG" --seed +1 --quiet
expect_fail "--seed beyond 64 bits" "--seed 18446744073709551616" -- sim run "$FIG" --seed 18446744073709551616 --quiet
expect_fail "unknown option" "--bogus" -- sim run "$FIG" --bogus
expect_fail "no scenario" "expected one SCENARIO" -- sim run
mkdir -p "$W/ro"
chmod 500 "$W/ro"
if [ "$(id -u)" -ne 0 ]; then
	expect_fail "report in a read-only directory" "$W/ro/r.json" -- sim run "$FIG" --quiet --report "$W/ro/r.json"
fi
finish
