#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Run every benchmark at its default sizes and print the tables: `make bench`.
# Writes bench/results/ in the build tree (results.jsonl, RESULTS.md, cost.svg);
# with --update (`make bench-results`) also copies RESULTS.md and cost.svg into
# the source tree's bench/. Run from the build directory.
set -euo pipefail
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
bench=${DUPG_BENCH:-bench/dupg-bench}
python=${PYTHON:-python3}
out=bench/results
update=0
if [ "${1:-}" = --update ]; then
	update=1
fi

mkdir -p "$out"
: > "$out/results.jsonl"
: > "$out/durations"
status=0
start=$SECONDS
for name in vercmp merge match prune verify txn; do
	t0=$SECONDS
	echo "dupg-bench $name ..." >&2
	"$bench" "$name" >> "$out/results.jsonl" || status=1
	echo "$name $((SECONDS - t0))" >> "$out/durations"
done
# the management server under wrk (bench/server/run.sh), when it is built
if [ -x server/dupg-server ]; then
	t0=$SECONDS
	echo "bench/server/run.sh ..." >&2
	PYTHON="$python" srcdir="$srcdir" top_builddir=. bash "$srcdir/bench/server/run.sh" >> "$out/results.jsonl" || status=1
	echo "server $((SECONDS - t0))" >> "$out/durations"
	# a task's package fetched from it against curl (bench/fetch/run.sh)
	t0=$SECONDS
	echo "bench/fetch/run.sh ..." >&2
	PYTHON="$python" srcdir="$srcdir" top_builddir=. bash "$srcdir/bench/fetch/run.sh" >> "$out/results.jsonl" || status=1
	echo "fetch $((SECONDS - t0))" >> "$out/durations"
fi
echo "total $((SECONDS - start))" >> "$out/durations"

command="make bench"
[ $update = 1 ] && command="make bench-results"
"$python" "$srcdir/bench/report.py" --results "$out/results.jsonl" --durations "$out/durations" \
	--markdown "$out/RESULTS.md" --plot "$out/cost.svg" --plot-server "$out/server.svg" \
	--notes "$srcdir/bench/notes.md" \
	--command "$command"
cat "$out/RESULTS.md"
if [ $update = 1 ]; then
	cp "$out/RESULTS.md" "$out/cost.svg" "$srcdir/bench/"
	[ -f "$out/server.svg" ] && cp "$out/server.svg" "$srcdir/bench/"
	echo "bench/RESULTS.md, bench/cost.svg and bench/server.svg updated in $srcdir" >&2
fi
[ $status = 0 ] || echo "dupg-bench: some benchmark failed or found a mismatch (see above)" >&2
exit $status
