#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Build the libFuzzer harnesses in _build-fuzz (clang, ASan and UBSan,
# ./configure --enable-fuzzing) and run each for SECONDS (default 20) from
# its corpus; fail on any finding. The run's new inputs stay in
# _build-fuzz/fuzz-work/NAME (the tree's corpus is only read); a finding is
# left in _build-fuzz/fuzz-findings/ for you to fix and then to add to
# tests/fuzz/corpus/NAME/ as a regression input (README).
#   tests/fuzz/run.sh [SECONDS] [NAME...]
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-20}
shift || true
build=$src/_build-fuzz
jobs=${JOBS:-2}

mkdir -p "$build"
if [ ! -f "$build/Makefile" ]; then
	[ -x "$src/configure" ] || (cd "$src" && autoreconf -fi >/dev/null 2>&1) || exit 1
	(cd "$build" && "$src/configure" -q --enable-fuzzing --disable-python) || {
		echo "fuzz: configure failed (clang and libFuzzer: scripts/deps.sh)" >&2
		exit 1
	}
fi
make -s -C "$build" -j"$jobs" fuzzers >/dev/null || { echo "fuzz: build failed" >&2; exit 1; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for d in "$src"/tests/fuzz/corpus/*/; do
		names+=("$(basename "$d")")
	done
fi
dict_of() {
	case $1 in
	package) echo "$src/tests/fuzz/tar.dict" ;;
	vercmp | listfile | region) echo "" ;;
	*) echo "$src/tests/fuzz/json.dict" ;;
	esac
}

status=0
findings=$build/fuzz-findings
mkdir -p "$findings"
export TMPDIR=$build/fuzz-tmp
mkdir -p "$TMPDIR"
for name in "${names[@]}"; do
	work=$build/fuzz-work/$name
	mkdir -p "$work"
	dict=$(dict_of "$name")
	args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -max_len=65536
	      -print_final_stats=1 -artifact_prefix="$findings/$name-")
	[ -n "$dict" ] && args+=(-dict="$dict")
	echo "fuzz: $name for ${seconds}s" >&2
	if "$build/tests/fuzz/fuzz-$name" "${args[@]}" "$work" "$src/tests/fuzz/corpus/$name" \
		>"$build/fuzz-$name.log" 2>&1; then
		grep -E '^stat::(number_of_executed_units|new_units_added)' "$build/fuzz-$name.log" |
			sed "s/^/fuzz: $name: /" >&2
	else
		status=1
		echo "fuzz: $name: FINDING (log: $build/fuzz-$name.log)" >&2
		grep -E 'ERROR|property broken|SUMMARY|Test unit written' "$build/fuzz-$name.log" | head -n 8 >&2
	fi
done
rm -rf "$TMPDIR"
if [ $status -ne 0 ]; then
	echo "fuzz: findings in $findings" >&2
	ls -1 "$findings" >&2
fi
exit $status
