#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `dupg-sim run` for a person at a terminal: no JSON on the terminal, the
# report in NAME-report.json (named by its last line), and the scripts'
# contract unchanged (--json, --report FILE, stdout not a terminal).
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

command -v script >/dev/null 2>&1 || { echo "SKIP: script (util-linux) is missing"; exit 77; }
FIG=$TOPO/fig3a.json
# on_tty DIR ARGS...: dupg-sim run with stdout and stderr on a pseudo-terminal, in DIR
on_tty() {
	local dir=$1 cmd
	shift
	cmd=$(printf '%q ' "${VG[@]}" "$SIM" run "$@")
	(cd "$dir" && script -qec "$cmd" /dev/null) </dev/null
}
# the report without what changes from run to run
strip='import json,sys
d=json.load(open(sys.argv[1])); d.pop("measured"); d["totals"].pop("baseline_repack_cpu_s")
print(json.dumps(d, sort_keys=True))'

mkdir "$W/t1"
if on_tty "$W/t1" "$FIG" --no-fsync >"$W/t1.out" 2>&1; then ok "terminal: exit 0"; else bad "terminal: exit"; fi
tr -d '\r' <"$W/t1.out" >"$W/t1.txt"
if grep -q '"format"' "$W/t1.txt" || grep -q '^{' "$W/t1.txt"; then bad "terminal: JSON on the terminal"; cat "$W/t1.txt"; else ok "terminal: no JSON"; fi
if grep -q '^outcomes: 1 upgraded' "$W/t1.txt"; then ok "terminal: the table"; else bad "terminal: no table"; fi
if [ "$(tail -n 1 "$W/t1.txt")" = "report: fig3a-report.json" ]; then ok "terminal: names the report"
else bad "terminal: last line is '$(tail -n 1 "$W/t1.txt")'"; fi
if [ "$(ls "$W/t1")" = "fig3a-report.json" ]; then ok "terminal: one file, no temporary left"
else bad "terminal: files $(ls "$W/t1" | tr '\n' ' ')"; fi
# the file is what a script gets on stdout
sim run "$FIG" --no-fsync >"$W/piped.json" 2>/dev/null
if [ "$("$PY" -c "$strip" "$W/t1/fig3a-report.json")" = "$("$PY" -c "$strip" "$W/piped.json")" ]; then
	ok "terminal: the file is the report a pipe gets"
else bad "terminal: the file differs from the piped report"; fi
if [ "$(stat -c %a "$W/t1/fig3a-report.json")" = 644 ]; then ok "terminal: report mode 0644"; else bad "terminal: report mode"; fi

# --json: the report on the terminal, no file
mkdir "$W/t2"
on_tty "$W/t2" "$FIG" --no-fsync --json --quiet >"$W/t2.out" 2>&1 || bad "--json on a terminal: exit"
tr -d '\r' <"$W/t2.out" >"$W/t2.json"
pycheck "--json on a terminal: the report on stdout" "$W/t2.json" 'assert d["scenario"] == "fig3a"'
if [ -z "$(ls "$W/t2")" ]; then ok "--json: no file"; else bad "--json: wrote $(ls "$W/t2")"; fi

# --report FILE keeps its meaning on a terminal; a scenario name without .json
mkdir "$W/t3"
on_tty "$W/t3" "$FIG" --no-fsync --quiet --report "$W/t3.json" >"$W/t3.out" 2>&1 || bad "--report on a terminal: exit"
if [ -s "$W/t3.out" ] || [ -n "$(ls "$W/t3")" ]; then bad "--report on a terminal: printed or wrote more"; cat "$W/t3.out"
else ok "--report on a terminal: only FILE"; fi
pycheck "--report on a terminal: FILE holds the report" "$W/t3.json" 'assert d["scenario"] == "fig3a"'
cp "$FIG" "$W/mysite"
mkdir "$W/t4"
on_tty "$W/t4" "$W/mysite" --no-fsync --quiet >"$W/t4.out" 2>&1 || bad "no .json: exit"
if [ -f "$W/t4/mysite-report.json" ] && grep -q 'report: mysite-report.json' "$W/t4.out"; then
	ok "a scenario without .json: NAME-report.json"
else bad "a scenario without .json"; cat "$W/t4.out"; fi
# a failed run on a terminal leaves no report and names none
mkdir "$W/t5"
on_tty "$W/t5" "$FIG" --no-fsync --fail HUB9:switch >"$W/t5.out" 2>&1 && bad "failed run: exit 0"
if [ -z "$(ls "$W/t5")" ] && ! grep -q 'report:' "$W/t5.out"; then ok "failed run on a terminal: no report"
else bad "failed run on a terminal: left $(ls "$W/t5")"; fi

# not a terminal: as always, the JSON on stdout and no file
mkdir "$W/t6"
(cd "$W/t6" && sim run "$FIG" --no-fsync --quiet) >"$W/t6.json" </dev/null
pycheck "pipe: the report on stdout" "$W/t6.json" 'assert d["scenario"] == "fig3a"'
if [ -z "$(ls "$W/t6")" ]; then ok "pipe: no file"; else bad "pipe: wrote $(ls "$W/t6")"; fi
expect_fail "--json with --report" "--json and --report" -- sim run "$FIG" --json --report "$W/x.json"
finish
