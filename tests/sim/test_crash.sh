#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The master crashes during the store update, at every step of the crash-safe
# apply: it reboots, the library's recovery finishes or undoes the apply, the
# master resumes, and the site ends upgraded with the store the seed wants.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

FIG=$TOPO/fig3a.json
for step in journal_temp journal rollback_temp rollback list_temp list delete done; do
	sim run "$FIG" --crash "$step" --workdir "$W/$step" --keep --quiet --report "$W/$step.json"
	pycheck "crash at $step: recovered, resumed, upgraded, store = third and fourth lists" "$W/$step.json" "
s = site('fig3a'); rec = s['recovery']; st = s['store']
assert rec['crash_step'] == '$step', rec
want = {'journal_temp': 'clean', 'list': 'finished', 'delete': 'finished', 'done': 'clean'}.get('$step', 'undone')
assert rec['action'] == want, rec
assert s['outcome'] == 'upgraded' and s['faults'][0]['fired'] is True, s['faults']
assert st['list'] == ['pkg2', 'pkg3', 'pkg4', 'pkg5', 'pkg6'] and st['rollback'] == ['pkg2', 'pkg3', 'pkg4'], st
assert st['consistent'] is True and s['deleted'] == ['pkg1']
assert versions(s)['BBU1'] == '5' and d['totals']['master_crashes'] == 1"
	left=$(ls -a "$W/$step/sites/fig3a" | grep -v -E '^(\.|\.\.|list|list\.rollback|list\.cache|pkg[2-6]\.tar\.gz)$' || true)
	if [ -z "$left" ]; then ok "crash at $step: no temporary or journal file left"; else bad "crash at $step: left $left"; fi
done
# a crash together with a failed switch: the store is updated, the devices roll back,
# and the store follows them back to the rollback list (before and after the commit point)
for step in list_temp list; do
	sim run "$FIG" --crash "$step" --fail HUB3:switch --quiet --report "$W/both-$step.json"
	pycheck "crash at $step and a failed switch: rolled back on a consistent store" "$W/both-$step.json" "
s = site('fig3a'); st = s['store']
assert s['outcome'] == 'rolled_back' and s['recovery']['action'] == {'list_temp': 'undone', 'list': 'finished'}['$step'], s
assert versions(s) == before(s) and st['consistent'] is True
assert st['list'] == st['rollback'] == ['pkg2', 'pkg3', 'pkg4'], st
assert s['deleted'] == ['pkg1', 'pkg5', 'pkg6'], s['deleted']"
done
finish
