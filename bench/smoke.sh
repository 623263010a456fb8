#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check: every benchmark runs at tiny sizes (dupg-bench NAME --check), prints
# the contract's fields on every line, and its optimized, naive and reference
# paths give identical results. Timings are not looked at.
set -u
: "${top_builddir:=.}"
prog="$top_builddir/bench/dupg-bench"
# the txn benchmark's simulated runs
DUPG_SIM=${DUPG_SIM:-$top_builddir/sim/dupg-sim}
case $DUPG_SIM in /*) ;; *) DUPG_SIM=$PWD/$DUPG_SIM ;; esac
export DUPG_SIM

run() {
	if [ -n "${DUPG_VALGRIND:-}" ]; then
		# shellcheck disable=SC2086
		"$top_builddir/libtool" --mode=execute $DUPG_VALGRIND "$prog" "$@"
	else
		"$prog" "$@"
	fi
}

fail=0
for name in match prune merge vercmp verify txn; do
	out=$(run "$name" --check)
	rc=$?
	printf '%s\n' "$out"
	if [ $rc -ne 0 ]; then
		echo "FAIL: dupg-bench $name --check exited with $rc"
		fail=1
	fi
	lines=$(printf '%s\n' "$out" | grep -c '^{"bench":"'"$name"'"')
	if [ "$lines" -lt 1 ]; then
		echo "FAIL: dupg-bench $name --check printed no result"
		fail=1
		continue
	fi
	for key in size ns_per_item naive_ns_per_item limit_ns_per_item peak_rss_kb; do
		n=$(printf '%s\n' "$out" | grep -c "\"$key\":")
		if [ "$n" -ne "$lines" ]; then
			echo "FAIL: dupg-bench $name: \"$key\" is missing from some lines"
			fail=1
		fi
	done
	n=$(printf '%s\n' "$out" | grep -c '"identical":true')
	if [ "$n" -ne "$lines" ]; then
		echo "FAIL: dupg-bench $name: optimized and naive results are not identical"
		fail=1
	fi
done
# A bad option is refused without running anything.
if run vercmp --size 0 >/dev/null 2>&1; then
	echo "FAIL: dupg-bench accepted --size 0"
	fail=1
fi
exit $fail
