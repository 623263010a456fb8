#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The server benchmark (issue 8): dupg-server under wrk on loopback.
#   bench/server/run.sh [--check]      JSON lines on stdout, one per figure
# 1. 1,000 concurrent site sessions posting random descriptions against a
#    10,000-package set, beside GET /v1/health (the cheapest endpoint) with
#    the same connections in the same run: requests/s, p50, p99.
# 2. 100 MB packages served by dupg-server and by nginx (installed here when
#    missing, for this benchmark only): MB/s.
# 3. Status writes, each acknowledged only once committed and synced (SQLite
#    synchronous=FULL): writes/s.
# --check (make check) runs it all at tiny sizes for a second each, without
# nginx, and only checks that every figure is there.
set -euo pipefail
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
SERVER=$top_builddir/server/dupg-server
SIM=$top_builddir/sim/dupg-sim
PY=${PYTHON:-python3}
check=0
[ "${1:-}" = --check ] && check=1
if [ $check = 1 ]; then
	npkg=200 nsites=50 conns=50 secs=1 bigmb=4 status_conns=8 dl_conns=2
else
	npkg=10000 nsites=1000 conns=1000 secs=10 bigmb=100 status_conns=64 dl_conns=8
fi
for tool in wrk; do
	if ! command -v $tool >/dev/null; then
		echo "bench/server: $tool is missing (scripts/deps.sh installs it)" >&2
		exit 77
	fi
done
ulimit -n "$(ulimit -Hn)"
W=$(mktemp -d)
pids=()
starts=0
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$W"
}
trap cleanup EXIT

# start_server DIR DB [ARGS...]: sets $port
start_server() {
	local dir=$1 db=$2
	shift 2
	# a file of its own: an older server's line must not be read for this one's
	starts=$((starts + 1))
	local out=$W/line.$starts i
	"$SERVER" --packages "$dir" --db "$db" --listen 127.0.0.1:0 "$@" >"$out" 2>"$W/server.err" &
	pids+=($!)
	for i in $(seq 1 600); do
		if grep -q '^listening on ' "$out" 2>/dev/null; then
			port=$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$out")
			return 0
		fi
		sleep 0.1
	done
	echo "bench/server: the server did not start: $(cat "$W/server.err")" >&2
	exit 1
}
stop_server() {
	kill "${pids[-1]}"
	wait "${pids[-1]}" || true
	unset 'pids[-1]'
}
# wrk_json MODE PATH CONNS: wrk's figures as JSON
wrk_json() {
	MODE=$1 REQ_PATH=$2 DATA=$W/data.lua wrk -t2 -c"$3" -d"${secs}s" --timeout 10s \
		-s "$srcdir/bench/server/wrk.lua" "http://127.0.0.1:$port" | grep '^{"requests"'
}
line() { # KEY=VALUE... as one JSON line
	"$PY" - "$@" <<'PYEOF'
import json, sys
row = {"bench": "server"}
for kv in sys.argv[1:]:
    k, _, v = kv.partition("=")
    try:
        row[k] = json.loads(v)
    except ValueError:
        row[k] = v
print(json.dumps(row))
PYEOF
}

# 1. descriptions beside the cheapest endpoint
mkdir -p "$W/pkgs"
"$PY" "$srcdir/bench/server/gen.py" packages "$W/pkgs" $npkg
start_server "$W/pkgs" "$W/state.db"
"$PY" "$srcdir/bench/server/gen.py" sites "http://127.0.0.1:$port" $nsites "$W/data.lua" $npkg
desc=$(wrk_json description / $conns)
vers=$(wrk_json get /v1/health $conns)
line variant=description packages=$npkg sites=$nsites connections=$conns seconds=$secs \
	"description=$desc" "limit=$vers"
# 3. status writes
stat=$(wrk_json status / $status_conns)
line variant=status packages=$npkg sites=$nsites connections=$status_conns seconds=$secs \
	"status=$stat" durability=sqlite-synchronous-full
stop_server

# 2. package files against nginx
mkdir -p "$W/big"
# nginx's workers run as nobody: they must be able to read the files
chmod 755 "$W"
head -c $((bigmb << 20)) /dev/urandom >"$W/blob"
"$SIM" pack --out "$W/big/big.tar" --name big --version 1 --hw Z "$W/blob=blob" >/dev/null
chmod 755 "$W/big"
chmod 644 "$W/big/big.tar"
rm -f "$W/blob"
start_server "$W/big" "$W/big.db"
ours=$(wrk_json get /v1/packages/big.tar $dl_conns)
stop_server
theirs=null
if [ $check = 0 ]; then
	if ! command -v nginx >/dev/null; then
		echo "bench/server: installing nginx for the comparison" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >&2
	fi
	nport=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$W/nginx"
	cat >"$W/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	client_body_temp_path $W/nginx;
	proxy_temp_path $W/nginx;
	fastcgi_temp_path $W/nginx;
	uwsgi_temp_path $W/nginx;
	scgi_temp_path $W/nginx;
	server {
		listen 127.0.0.1:$nport;
		location /v1/packages/ { alias $W/big/; }
	}
}
NGINX
	nginx -c "$W/nginx/nginx.conf" -p "$W/nginx" -g 'daemon off;' &
	pids+=($!)
	sleep 1
	port=$nport
	theirs=$(wrk_json get /v1/packages/big.tar $dl_conns)
	stop_server
fi
line variant=files package_mb=$bigmb connections=$dl_conns seconds=$secs "server=$ours" "nginx=$theirs"
