#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Replay every corpus file of tests/fuzz/corpus/NAME through harness NAME,
# without libFuzzer (tests/fuzz/replay-NAME): the seeds and every finding
# ever made run in each `make check`, on every compiler. A broken property
# aborts the replay and fails the test.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-.}
corpus=$srcdir/tests/fuzz/corpus
status=0
for dir in "$corpus"/*/; do
	name=$(basename "$dir")
	prog=$builddir/tests/fuzz/replay-$name
	if [ ! -x "$prog" ]; then
		echo "replay: no harness for corpus $name ($prog)" >&2
		status=1
		continue
	fi
	# under scripts/valgrind-wrap.sh every replay runs in memcheck
	if ! ${DUPG_VALGRIND:-} "$prog" "$dir"; then
		echo "replay: $name: a corpus input breaks the harness (see above)" >&2
		status=1
	fi
done
exit $status
