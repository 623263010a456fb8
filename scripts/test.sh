#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The test command: install what is missing, build with -Werror, run every test
# (CUnit suites, CLI and simulator tests, pytest, benchmark smoke), the install
# and the Debian packages (scripts/check-install.sh, check-deb.sh), then the same
# suite under AddressSanitizer/UBSan, every fuzz harness for 20 s (DUPG_FUZZ_SECONDS),
# then `make distcheck`.
#   scripts/test.sh              everything
#   scripts/test.sh --quick      the plain build's `make check` only
#   scripts/test.sh --valgrind   the plain build's suite with every program under valgrind
#   scripts/test.sh --fuzz [S]   every libFuzzer harness for S seconds (default 30), clang
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
jobs=$(nproc)

bash scripts/deps.sh
autoreconf -fi >/dev/null 2>&1

passed=0
failed=0
count() { # add the totals of an automake test-suite.log
	local log=$1 p f
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -n1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -n1)
	x=$(sed -n 's/^# ERROR: *//p' "$log" | head -n1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${x:-0}))
}
check_in() { # DIR [configure args...]: configure, build and check out of tree
	local dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && ../configure -q --enable-werror PYTHON=/usr/bin/python3 "$@" &&
		make -s -j"$jobs" >/dev/null) || { echo "build failed in $dir" >&2; exit 1; }
	local rc=0
	(cd "$dir" && make -s -j"$jobs" check ${CHECK_ENV:-}) || rc=$?
	if [ -f "$dir/test-suite.log" ]; then
		count "$dir/test-suite.log"
		[ $rc -eq 0 ] || cat "$dir/test-suite.log"
	fi
	return $rc
}

status=0
case "$mode" in
--quick)
	check_in _build-ci || status=1
	;;
--valgrind)
	CHECK_ENV="LOG_COMPILER=$PWD/scripts/valgrind-wrap.sh" check_in _build-vg || status=1
	;;
--fuzz)
	# tests/fuzz/README; fails on any finding
	if bash tests/fuzz/run.sh "${2:-30}"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
	;;
all)
	check_in _build-ci || status=1
	if bash scripts/check-example.sh _build-ci; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
	if bash scripts/check-install.sh _build-ci; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
	if bash scripts/check-deb.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
	# Sanitizer builds cannot load into an unsanitized python: the bindings are
	# checked under valgrind instead (scripts/test.sh --valgrind).
	ASAN_OPTIONS=detect_leaks=1 check_in _build-asan --enable-sanitizers --disable-python || status=1
	# every parser of outside input under libFuzzer for a short fixed time; a finding fails
	if bash tests/fuzz/run.sh "${DUPG_FUZZ_SECONDS:-20}" >_build-fuzz.log 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1)); status=1; tail -n 40 _build-fuzz.log
	fi
	if [ $status -eq 0 ]; then
		(cd _build-ci && make -s -j"$jobs" distcheck >/dev/null) || { echo "make distcheck failed" >&2; status=1; }
		[ $status -eq 0 ] && echo "make distcheck: passed"
	fi
	;;
*)
	echo "usage: scripts/test.sh [--quick|--valgrind|--fuzz [SECONDS]]" >&2
	exit 2
	;;
esac
echo "tests: $passed passed, $failed failed"
exit $status
