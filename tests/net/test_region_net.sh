#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Regions on a real network (issue 11, part 2): `dupg-sim node` processes in a
# private network namespace (loopback with multicast, addresses on 127/8,
# 239.1.0.x groups) and one dupg-server as the management server.
#  A. two regions of eight nodes: every node ends with the package, verified,
#     in a pruned store; the server sends the package once per region; junk
#     and replayed datagrams are rejected and counted.
#  B. the virtual server of a region killed mid-download: a new election
#     within three periods, every other node still converges.
#  C. a rogue that claims the highest score and serves a corrupted package:
#     no node installs it.
# Bounded in time; the trap stops every process. SKIP (77) where network
# namespaces are not permitted.
set -euo pipefail
: "${top_builddir:=.}" "${top_srcdir:=.}"
SIM=$top_builddir/sim/dupg-sim
SRV=$top_builddir/server/dupg-server
case $SIM in /*) ;; *) SIM=$PWD/$SIM ;; esac
case $SRV in /*) ;; *) SRV=$PWD/$SRV ;; esac
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

[ -x "$SRV" ] || { echo "SKIP: dupg-server is not built (configure found no libmicrohttpd/sqlite3)"; exit 77; }
if [ -z "${DUPG_NETNS:-}" ]; then
	command -v unshare >/dev/null || { echo "SKIP: no unshare(1)"; exit 77; }
	command -v ip >/dev/null || { echo "SKIP: no ip(8)"; exit 77; }
	NS=(unshare -n)
	[ "$(id -u)" -eq 0 ] || NS=(unshare -rn)
	if ! err=$("${NS[@]}" true 2>&1); then
		echo "SKIP: network namespaces are not permitted here: ${err:-unshare failed}"
		exit 77
	fi
	DUPG_NETNS=1 exec "${NS[@]}" "$BASH" "$0" "$@"
fi
# inside the namespace: only lo, brought up with multicast
ip link set lo up
ip link set lo multicast on
ip route add 239.0.0.0/8 dev lo

W=$(mktemp -d)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -n "${KEEP:-}" ] && echo "# kept $W" || rm -rf "$W"
}
trap cleanup EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }

# Under scripts/valgrind-wrap.sh each node runs under memcheck: fewer nodes,
# longer periods, and the kill (phase B) left out.
VG=()
NODES=8
PERIOD=200
RATE=500000
if [ -n "${DUPG_VALGRIND:-}" ]; then
	read -r -a VG <<<"$DUPG_VALGRIND"
	[ -x "$top_builddir/libtool" ] && VG=("$top_builddir/libtool" --mode=execute "${VG[@]}")
	NODES=3
	PERIOD=1000
fi

# The packages: versions 1 and 2 in every store, 3 and 4 on the management
# server. Version 4 (phase B) is large, so that a download killed mid-way has
# more left than the sockets' buffers hold.
for v in 1 2 3 4; do
	size=2000000
	[ "$v" -eq 4 ] && size=16000000
	head -c "$size" /dev/urandom >"$W/payload$v"
	"$SIM" pack --out "$W/pkg-v$v.tar" --name app --version "$v" --hw BBU --format tar \
		"$W/payload$v=opt/app.bin" >/dev/null
done
mkdir "$W/srv"
cp "$W/pkg-v3.tar" "$W/pkg-v4.tar" "$W/srv/"
SIZE=$(stat -c %s "$W/pkg-v3.tar")

"$SRV" --packages "$W/srv" --db "$W/srv.db" --listen 127.0.0.1:0 >"$W/srv.out" 2>"$W/srv.err" &
PIDS+=($!)
URL=
for _ in $(seq 100); do
	URL=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$W/srv.out")
	[ -n "$URL" ] && break
	sleep 0.1
done
[ -n "$URL" ] || { echo "FAIL - dupg-server did not start: $(cat "$W/srv.err")"; exit 1; }

# store DIR: versions 1 and 2 installed, DIR/.list naming them
store() {
	mkdir -p "$1"
	cp "$W/pkg-v1.tar" "$W/pkg-v2.tar" "$1/"
	printf 'pkg-v1.tar\npkg-v2.tar\n' >"$1/.list"
}
# node PHASE ID REGION K [OPTION...]: start one node; node K scores higher than K-1
NODE_PIDS=()
node() {
	local phase=$1 id=$2 region=$3 k=$4
	shift 4
	[ -d "$W/$phase/$id" ] || store "$W/$phase/$id"
	"${VG[@]}" "$SIM" node --id "$id" --region "$region" --group "239.1.0.$((region + 1)):$((5001 + region))" \
		--iface "127.0.$((region + 1)).$((k + 2))" --resources "0.$((k + 1)),0.5,0.5,100,10,0" \
		--period "$PERIOD" --server "$URL" --store "$W/$phase/$id" --package "/v1/packages/$PKG" \
		--server-bin "$SRV" --limit-rate "$RATE" --no-fsync --max-periods 200 "$@" \
		>"$W/$phase/$id.json" 2>"$W/$phase/$id.err" &
	PIDS+=($!)
	NODE_PIDS+=($!)
}
# wait_nodes SECONDS: wait for the nodes started since the last wait (bounded)
wait_nodes() {
	local deadline=$((SECONDS + $1)) p
	for p in "${NODE_PIDS[@]}"; do
		while kill -0 "$p" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	NODE_PIDS=()
}
metric() { "$PY" -c '
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1] + "/metrics", timeout=5).read().decode()
for line in text.splitlines():
    if line.startswith(sys.argv[2] + " "):
        print(line.split()[1].split(".")[0])
        break
else:
    print(0)' "$URL" "$1"; }
# check NAME PHASE PYTHON: run PYTHON with r = {id: report} of the phase's nodes
check() {
	if "$PY" - "$W/$2" "$3" <<'PYEOF'
import glob, json, os, sys
d = sys.argv[1]
r = {}
for f in sorted(glob.glob(d + "/*.json")):
    text = open(f).read().strip()
    r[os.path.basename(f)[:-5]] = json.loads(text) if text else None
def lst(i):
    return open(os.path.join(d, i, ".list")).read().split()
exec(sys.argv[2])
PYEOF
	then ok "$1"; else bad "$1"; for f in "$W/$2"/*.err; do echo "# $f:"; tail -n 5 "$f"; done; fi
}
# verified PHASE ID...: each node's package passes full verification and is the server's
verified() {
	local phase=$1 id
	shift
	for id in "$@"; do
		"$SIM" manifest "$W/$phase/$id/$PKG" >/dev/null 2>&1 && cmp -s "$W/$phase/$id/$PKG" "$W/$PKG" \
			|| { echo "# $phase/$id: $PKG missing or not verified"; return 1; }
	done
}

# bad input: one line naming the option or the file, nothing on stdout
# bad_node NAME NEEDLE OPTION...: the node refuses these options
bad_node() {
	local name=$1 needle=$2 out err
	shift 2
	out=$("$SIM" node --id x --region 0 --group 239.1.0.9:5009 --iface 127.0.9.2 \
		--resources 0.5,0.5,0.5,100,10,0 --period 100 --server "$URL" --store "$W/none" \
		--package /v1/packages/pkg-v3.tar "$@" 2>"$W/bad.err") && { bad "$name: accepted"; return; }
	err=$(cat "$W/bad.err")
	if [ -z "$out" ] && [ "$(wc -l <"$W/bad.err")" -eq 1 ] && grep -qF -- "$needle" <<<"$err"; then
		ok "$name"
	else
		bad "$name: $err"
	fi
}
bad_node "bad input: a group that is not multicast" 'not an IPv4 multicast address' --group 10.0.0.1:5000
bad_node "bad input: a group without a port" 'ADDRESS:PORT' --group 239.1.0.9
bad_node "bad input: an interface that is no address" '--iface "eth0"' --iface eth0
bad_node "bad input: five resources" 'six numbers' --resources 0.5,0.5,0.5,100,10
bad_node "bad input: a loss share over 1" 'loss 1.5' --resources 0.5,0.5,0.5,100,10,1.5
bad_node "bad input: a period under 10 ms" '--period "5"' --period 5
bad_node "bad input: a store without its list names the list" "$W/none/.list"
bad_node "bad input: an empty id" '--id ""' --id ''
bad_node "bad input: a package path without a file name" '--package "/v1/packages/"' --package /v1/packages/

LAST=$((NODES - 1))
ids() { local r=$1 k; for k in $(seq 0 "$LAST"); do printf 'r%sn%s ' "$r" "$k"; done; }

# ---- A: two regions, once per region ----
PKG=pkg-v3.tar
mkdir -p "$W/A"
# Ten quiet periods (2 s) before anyone downloads: on a loaded machine the
# sixteen processes can take longer than the default three to come up, and a
# node that led before the best one was heard would download too.
for r in 0 1; do for k in $(seq 0 "$LAST"); do node A "r${r}n$k" "$r" "$k" --settle 10; done; done
# junk and replays on region 0's group: a short datagram, bad magic, an
# oversized one, an empty one, and a real announcement sent again
"$PY" - "$((PERIOD * 12))" <<'PYEOF' >"$W/inject.out" 2>&1 &
import socket, struct, sys, time
group, port = "239.1.0.1", 5001
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
rx.bind((group, port))
rx.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
              socket.inet_aton(group) + socket.inet_aton("127.0.1.100"))
rx.settimeout(60)
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.1.100"))
tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
heard, _ = rx.recvfrom(2048)
time.sleep(int(sys.argv[1]) / 1000 / 4)
for junk in (b"DUP", b"XXXX" + heard[4:], b"\0" * 1500, b"", heard[:-1], heard, heard):
    tx.sendto(junk, (group, port))
n = struct.unpack(">H", heard[30:32])[0]
print("sent", heard[32:32 + n].decode())
PYEOF
INJ=$!
PIDS+=("$INJ")
wait_nodes 90
wait "$INJ" 2>/dev/null || true
check "A: every node of both regions ends done with version 3, electing its best node" A "
for reg in (0, 1):
    ids = ['r%dn%d' % (reg, k) for k in range($NODES)]
    best = ids[-1]
    for i in ids:
        x = r[i]
        assert x and x['done'] and x['have'] and x['version'] == '3', (i, x)
        assert x['leader'] == best and x['region'] == reg, (i, x['leader'])
"
check "A: the virtual server fetched from the server, every member from it" A "
for reg in (0, 1):
    ids = ['r%dn%d' % (reg, k) for k in range($NODES)]
    best = ids[-1]
    assert r[best]['source'] == 'server' and r[best]['served'], r[best]
    for i in ids[:-1]:
        assert r[i]['source'] == best and r[i]['bytes'] == $SIZE, (i, r[i]['source'], r[i]['bytes'])
"
check "A: every store is pruned by the crash-safe apply: version 3 listed, version 1 deleted" A "
for i in r:
    assert 'pkg-v3.tar' in lst(i) and 'pkg-v1.tar' not in lst(i), (i, lst(i))
    assert not os.path.exists(os.path.join(d, i, 'pkg-v1.tar')), i
    assert r[i]['prune'] is not None, i
"
if verified A $(ids 0) $(ids 1); then ok "A: every node's package verifies and is the server's"; else bad "A: packages"; fi
served=$(metric dupg_package_bytes_served_total)
[ "$served" -eq $((2 * SIZE)) ] && ok "A: the management server sent the package once per region ($served bytes)" \
	|| bad "A: the management server sent $served bytes, not 2 x $SIZE"
requests=$(metric 'dupg_http_requests_total{endpoint="package",code="200"}')
[ "$requests" -eq 2 ] && ok "A: two package requests answered by the management server, one per region" \
	|| bad "A: the management server answered $requests package requests, not 2"
REPLAYED=$(sed -n 's/^sent //p' "$W/inject.out")
[ -n "$REPLAYED" ] || bad "A: the injector: $(cat "$W/inject.out")"
check "A: junk and replays are rejected and counted, never fatal" A "
for k in range($NODES):
    x = r['r0n%d' % k]
    # the replayed announcement's own sender skips it as its own
    replays = 0 if x['id'] == '$REPLAYED' else 1
    assert x['rejected_malformed'] >= 5 and x['rejected_replay'] >= replays, ('r0n%d' % k, x)
    assert x['rejected'] == x['rejected_malformed'] + x['rejected_replay'] + x['rejected_other']
assert all(r['r1n%d' % k]['rejected_malformed'] == 0 for k in range($NODES))
"

# ---- B: the virtual server killed mid-download ----
if [ -z "${DUPG_VALGRIND:-}" ]; then
	PKG=pkg-v4.tar
	RATE=4000000
	mkdir -p "$W/B"
	for k in $(seq 0 "$LAST"); do node B "r1n$k" 1 "$k"; done
	LEADER_PID=${NODE_PIDS[$LAST]}
	started=0
	for _ in $(seq 300); do
		if grep -q "fetching.*from http://127.0.2.$((LAST + 2))" "$W"/B/r1n*.err 2>/dev/null; then started=1; break; fi
		sleep 0.05
	done
	sleep 1
	KILLED=$("$PY" -c "import time; print(int(time.time() * 1000) // $PERIOD)")
	kill -9 "$LEADER_PID"
	wait "$LEADER_PID" 2>/dev/null || true
	[ "$started" -eq 1 ] || bad "B: no member started fetching from the virtual server"
	wait_nodes 90
	check "B: a new virtual server elected within three periods of the kill, every other node converges" B "
dead = 'r1n$LAST'
for k in range($LAST):
    x = r['r1n%d' % k]
    assert x and x['done'] and x['version'] == '4', ('r1n%d' % k, x)
    assert x['leader'] == 'r1n$((LAST - 1))', x['leader']
    new = [e for e in x['elections'] if e['leader'] != dead and e['wall_period'] >= $KILLED]
    assert new and new[0]['wall_period'] - $KILLED <= 3 and new[0]['epoch'] > 1, ('r1n%d' % k, x['elections'])
    assert 'pkg-v4.tar' in lst('r1n%d' % k)
assert any(r['r1n%d' % k]['failovers'] >= 1 for k in range($LAST)), 'nobody failed over'
"
	ids_b=""
	for k in $(seq 0 $((LAST - 1))); do ids_b="$ids_b r1n$k"; done
	# shellcheck disable=SC2086
	if verified B $ids_b; then ok "B: every surviving node's package verifies"; else bad "B: packages"; fi
fi

# ---- C: a rogue with the highest score serving a corrupted package ----
PKG=pkg-v3.tar
RATE=500000
mkdir -p "$W/C/rogue"
"$PY" - "$W/pkg-v3.tar" "$W/payload3" "$W/C/rogue/pkg-v3.tar" <<'PYEOF'
import sys
pkg = bytearray(open(sys.argv[1], "rb").read())
payload = open(sys.argv[2], "rb").read()
at = pkg.find(payload[:4096])
assert at > 0
pkg[at + 1000] ^= 0xFF  # the manifest still reads; the payload's digest fails
open(sys.argv[3], "wb").write(pkg)
PYEOF
printf 'pkg-v3.tar\n' >"$W/C/rogue/.list"
node C rogue 0 $((NODES + 1)) --rogue
ROGUE_PID=${NODE_PIDS[0]}
NODE_PIDS=()
for k in $(seq 0 "$LAST"); do node C "r0n$k" 0 "$k"; done
wait_nodes 90
kill -TERM "$ROGUE_PID" 2>/dev/null || true
for _ in $(seq 50); do kill -0 "$ROGUE_PID" 2>/dev/null || break; sleep 0.1; done
wait "$ROGUE_PID" 2>/dev/null || true
check "C: the rogue is elected, yet every node installs the server's package" C "
assert r['rogue'] is not None and r['rogue']['served'], r['rogue']
for k in range($NODES):
    x = r['r0n%d' % k]
    assert x and x['done'] and x['version'] == '3' and x['leader'] == 'rogue', ('r0n%d' % k, x)
    assert x['source'] == 'server' and x['failovers'] >= 1, ('r0n%d' % k, x['source'], x['failovers'])
"
if verified C $(ids 0); then ok "C: no node holds the corrupted package"; else bad "C: packages"; fi

[ "$fails" -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
