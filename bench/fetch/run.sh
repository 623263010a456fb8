#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The fetch benchmark (issue 10): a package of --size bytes (default 100 MB,
# an uncompressed tar of random bytes) served by one dupg-server on loopback
# (sendfile), downloaded by `dupg-sim fetch` (libcurl, then full
# verification and the rename) against `curl -o FILE` of the same URL (the
# limit: the same transfer to disk, not verified). Two pairs, alternating in
# one run, --reps times each, the best time of each kept:
#   ratio          curl / fetch --no-fsync: neither side fsyncs (target >= 0.9)
#   ratio_durable  (curl; sync FILE) / fetch: both sides fsync the file
#   ratio_fetch_vs_curl  curl / fetch: what durability costs on this disk
# One JSON line on stdout.
#   bench/fetch/run.sh [--size BYTES] [--reps N] [--check]
# --check: 4 MB, one repetition, no target (the smoke run of make check).
set -euo pipefail
: "${top_builddir:=.}" "${srcdir:=.}"
SERVER=$top_builddir/server/dupg-server
SIM=${DUPG_SIM:-$top_builddir/sim/dupg-sim}
# the program itself, not libtool's wrapper script (30 ms a start here): curl is no script either
if [ -z "${DUPG_SIM:-}" ] && [ -x "$top_builddir/sim/.libs/dupg-sim" ]; then
	SIM=$top_builddir/sim/.libs/dupg-sim
	export LD_LIBRARY_PATH=$top_builddir/libdupg/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
PY=${PYTHON:-/usr/bin/python3}
size=100000000 reps=5 check=0
while [ $# -gt 0 ]; do
	case $1 in
	--size) size=$2; shift 2 ;;
	--reps) reps=$2; shift 2 ;;
	--check) check=1 size=4000000 reps=1; shift ;;
	*) echo "usage: bench/fetch/run.sh [--size BYTES] [--reps N] [--check]" >&2; exit 2 ;;
	esac
done
if [ ! -x "$SERVER" ] || ! command -v curl >/dev/null; then
	echo "bench/fetch: needs server/dupg-server (configure found its libraries?) and curl" >&2
	exit 77
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/dupg-bench-fetch.XXXXXX")
pid=""
cleanup() {
	[ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
	rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$W/pkgs" "$W/curl" "$W/store"
head -c "$size" /dev/urandom >"$W/payload"
"$SIM" pack --out "$W/pkgs/big.tar" --format tar --name big --version 1 --hw A "$W/payload=opt/big" >/dev/null
rm -f "$W/payload"
bytes=$(stat -c %s "$W/pkgs/big.tar")
"$SERVER" --packages "$W/pkgs" --db "$W/db.sqlite" --listen 127.0.0.1:0 >"$W/line" 2>"$W/server.err" &
pid=$!
port=""
for i in $(seq 1 600); do
	port=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$W/line" 2>/dev/null)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "bench/fetch: the server did not start: $(cat "$W/server.err")" >&2; exit 1; }
url=http://127.0.0.1:$port
printf '{"task": ["/v1/packages/big.tar"]}\n' >"$W/task.json"

now() { date +%s.%N; }
# timed VAR CMD...: run CMD, keep the best time in VAR
timed() {
	local var=$1 t0 t1 best
	shift
	t0=$(now)
	"$@"
	t1=$(now)
	best=${!var}
	printf -v "$var" '%s' "$("$PY" -c 'import sys; v=[float(x) for x in sys.argv[1:] if x]; print(min(v))' "$best" "$("$PY" -c "print($t1 - $t0)")")"
}
curl_dl() { curl -sS -o "$W/curl/big.tar" "$url/v1/packages/big.tar"; }
curl_durable() { curl_dl && sync "$W/curl/big.tar"; }
fetch_dl() { "$SIM" fetch --into "$W/store" --task "$W/task.json" --server "$url" "$@" >"$W/out.json"; }
same() { cmp -s "$1" "$W/pkgs/big.tar" || { echo "bench/fetch: $1 differs from the package" >&2; exit 1; }; }
# the four alternate within each repetition, each from an empty file and a synced disk
curl_s="" curl_sync_s="" fetch_s="" nofsync_s=""
for r in $(seq 1 "$reps"); do
	rm -f "$W/curl/big.tar"; sync; timed curl_s curl_dl; same "$W/curl/big.tar"
	rm -f "$W/store/big.tar"; sync; timed nofsync_s fetch_dl --no-fsync; same "$W/store/big.tar"
	rm -f "$W/curl/big.tar"; sync; timed curl_sync_s curl_durable
	rm -f "$W/store/big.tar"; sync; timed fetch_s fetch_dl; same "$W/store/big.tar"
done
"$PY" - "$bytes" "$reps" "$curl_s" "$nofsync_s" "$curl_sync_s" "$fetch_s" "$check" <<'PYEOF'
import json, sys
size, reps = int(sys.argv[1]), int(sys.argv[2])
c, n, cs, f = map(float, sys.argv[3:7])
check = sys.argv[7] == "1"
mb = lambda t: round(size / t / 1e6, 1)
r = {"bench": "fetch", "size": size, "reps": reps,
     "curl_s": round(c, 4), "fetch_nofsync_s": round(n, 4),
     "curl_fsync_s": round(cs, 4), "fetch_s": round(f, 4),
     "curl_mb_s": mb(c), "fetch_nofsync_mb_s": mb(n), "curl_fsync_mb_s": mb(cs), "fetch_mb_s": mb(f),
     # verification included on the fetch side of both
     "ratio": round(c / n, 3), "ratio_durable": round(cs / f, 3), "ratio_fetch_vs_curl": round(c / f, 3)}
if not check:
    r["target"] = "ratio >= 0.9"
    r["met"] = r["ratio"] >= 0.9
print(json.dumps(r))
PYEOF
