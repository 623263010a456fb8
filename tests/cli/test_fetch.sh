#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# dupg-sim fetch against servers on 127.0.0.1 (tests/fetch/httpd.py, told to
# misbehave): the output contract and DIR/new.list, locality, failover (down,
# stall, corrupt), resume after the server is killed and after the master is
# killed, a changed file restarting, refused responses (more bytes than
# announced, a redirect to another host), a full disk, bad input. Every
# server is started here on port 0 and stopped here, on failure too.
set -euo pipefail
. "${top_srcdir:-.}/tests/cli/lib.sh"
SHIM=$top_builddir/tests/.libs/faultshim.so
case $SHIM in /*) ;; *) SHIM=$PWD/$SHIM ;; esac
HTTPD=$top_srcdir/tests/fetch/httpd.py
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$W"
}
trap cleanup EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"

# serve VAR ARGS...: start a server, its URL in $VAR and its pid in ${VAR}_PID
serve() {
	local var=$1 out i port=""
	shift
	out=$(mktemp "$W/srv.XXXXXX")
	"$PY" "$HTTPD" "$@" >"$out" 2>&1 &
	PIDS+=($!)
	for i in $(seq 1 100); do
		port=$(sed -n 's/^listening on \(https\{0,1\}:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$out")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { echo "server did not start: $(cat "$out")" >&2; exit 1; }
	printf -v "$var" '%s' "$port"
	printf -v "${var}_PID" '%s' "$!"
}
stop() { kill -9 "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
size() { stat -c %s "$1"; }
# sent LOG...: bytes the servers sent, from their logs (the last count of each request)
sent() {
	"$PY" - "$@" <<'PYEOF'
import sys
total = 0
for f in sys.argv[1:]:
    last = {}
    try:
        for line in open(f):
            rid, name, status, start, n = line.split()
            last[rid] = int(n)
    except FileNotFoundError:
        pass
    total += sum(last.values())
print(total)
PYEOF
}
# wait_size FILE N: until FILE holds at least N bytes (at most 15 s); 0 when it does
wait_size() {
	local i
	for i in $(seq 1 150); do
		[ -f "$1" ] && [ "$(size "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
noleft() { # DIR NAME: nothing under the final name
	[ ! -e "$1/$2" ]
}

# --- packages: a 4 MB one (uncompressed) and a small one -------------------
mkdir -p "$W/pkgs" "$W/pkgs2" "$W/pay"
head -c 4000000 /dev/urandom >"$W/pay/big"
head -c 4000000 /dev/urandom >"$W/pay/big2"
printf 'small\n' >"$W/pay/small"
printf 'other\n' >"$W/pay/other"
"$SIM" pack --out "$W/pkgs/pkgA.tar" --format tar --name A --version 1 --hw A "$W/pay/big=opt/a" >/dev/null
"$SIM" pack --out "$W/pkgs/pkgB.tar.gz" --name B --version 1 --hw B "$W/pay/small=opt/b" >/dev/null
"$SIM" pack --out "$W/pkgC.tar.gz" --name C --version 1 --hw A "$W/pay/other=opt/c" >/dev/null
# the same name with other content: a changed file on the server
"$SIM" pack --out "$W/pkgs2/pkgA.tar" --format tar --name A --version 2 --hw A "$W/pay/big2=opt/a" >/dev/null
cp "$W/pkgs/pkgB.tar.gz" "$W/pkgs2/"
A=$(size "$W/pkgs/pkgA.tar")
B=$(size "$W/pkgs/pkgB.tar.gz")
printf '{"kind": "full", "task": ["pkgA.tar", "pkgB.tar.gz"], "versions": {}}\n' >"$W/task.json"
printf '{"kind": "incremental", "task": ["pkgA.tar"]}\n' >"$W/taskA.json"
fresh() { rm -rf "$W/st"; mkdir -p "$W/st"; }

# --- one server: the contract -----------------------------------------------
serve S1 --root "$W/pkgs" --log "$W/log1"
fresh
"$SIM" fetch --into "$W/st" --task "$W/task.json" --server "$S1" >"$W/o.json"
check "fetch: the outcome per package, in task order" "$W/o.json" \
	'[[x["path"], x["file"], x["server"], x["bytes"], x["resumed"], x["failovers"]] for x in d["downloaded"]]' \
	"[[\"pkgA.tar\", \"$W/st/pkgA.tar\", \"$S1\", $A, false, 0], [\"pkgB.tar.gz\", \"$W/st/pkgB.tar.gz\", \"$S1\", $B, false, 0]]"
check "fetch: total bytes" "$W/o.json" 'd["bytes"]' "$((A + B))"
check "fetch: exactly the documented keys" "$W/o.json" \
	'[sorted(d), sorted(d["downloaded"][0])]' \
	'[["bytes", "downloaded"], ["bytes", "failovers", "file", "path", "resumed", "server", "verified_inline"]]'
check "fetch: a tar and a tar.gz are verified as they come" "$W/o.json" \
	'[x["verified_inline"] for x in d["downloaded"]]' '[true, true]'
cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && cmp -s "$W/st/pkgB.tar.gz" "$W/pkgs/pkgB.tar.gz" \
	&& ok "fetch: the files are the server's" || bad "fetch: the files differ"
[ "$(cat "$W/st/new.list")" = "$(printf 'pkgA.tar\npkgB.tar.gz')" ] \
	&& ok "fetch: DIR/new.list lists the files in task order" || bad "fetch: new.list: $(cat "$W/st/new.list")"
[ -z "$(find "$W/st" -name '*.part*')" ] && ok "fetch: no partial file left" || bad "fetch: partial files left"
cp "$W/pkgC.tar.gz" "$W/st/" && printf 'pkgC.tar.gz\n' >"$W/st/list"
"$SIM" prune --list "$W/st/list" --new "$W/st/new.list" >"$W/prune.json" \
	&& ok "fetch: prune --new takes DIR/new.list" || bad "fetch: prune --new DIR/new.list"
# a base with a path: the task's relative paths go under it
mkdir -p "$W/deep/a/b" && cp "$W/pkgs/pkgB.tar.gz" "$W/deep/a/b/"
printf '{"task": ["b/pkgB.tar.gz"]}\n' >"$W/taskdeep.json"
fresh
"$SIM" fetch --into "$W/st" --task "$W/taskdeep.json" --server "file://$W/deep/a" >"$W/o.json" \
	&& cmp -s "$W/st/pkgB.tar.gz" "$W/pkgs/pkgB.tar.gz" \
	&& ok "fetch: a file:// base, a path below it" || bad "fetch: file:// base: $(cat "$W/o.json")"

# what a stream cannot decide is verified from the file: a zip, a tar with the manifest last
mkdir -p "$W/pkgs3" "$W/x"
"$SIM" pack --out "$W/pkgs3/pkgZ.zip" --format zip --name Z --version 1 --hw A "$W/pay/small=opt/z" >/dev/null
tar -C "$W/x" -xf "$W/pkgs/pkgA.tar"
tar -C "$W/x" -cf "$W/pkgs3/pkgL.tar" opt manifest.json
serve ZS --root "$W/pkgs3"
fresh
"$SIM" fetch --into "$W/st" --task <(printf '{"task": ["pkgZ.zip", "pkgL.tar"]}') --server "$ZS" >"$W/o.json"
check "fetch: a zip and a manifest last are verified after the transfer" "$W/o.json" \
	'[[x["path"], x["verified_inline"]] for x in d["downloaded"]]' '[["pkgZ.zip", false], ["pkgL.tar", false]]'
cmp -s "$W/st/pkgL.tar" "$W/pkgs3/pkgL.tar" && ok "fetch: the manifest-last tar is whole" || bad "fetch: pkgL.tar differs"
stop "$ZS_PID"

# --- locality ---------------------------------------------------------------
serve S2 --root "$W/pkgs"
serve S3 --root "$W/pkgs"
fresh
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --location cluster=x,chassis=1,slot=3 \
	--server "$S1@cluster=x,chassis=2,slot=3" --server "$S2@cluster=x,chassis=1,slot=4" \
	--server "$S3@cluster=x,chassis=1,slot=3" >"$W/o.json"
check "locality: same slot and chassis first" "$W/o.json" '[d["downloaded"][0]["server"], d["downloaded"][0]["failovers"]]' "[\"$S3\", 0]"
fresh
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --location cluster=x,chassis=1,slot=3 \
	--server "$S1@cluster=y" --server "$S2@cluster=x,chassis=2,slot=3" >"$W/o.json"
check "locality: same cluster before another cluster" "$W/o.json" 'd["downloaded"][0]["server"]' "\"$S2\""

# --- failover ---------------------------------------------------------------
serve DOWN --root "$W/pkgs"
stop "$DOWN_PID"
fresh
"$SIM" fetch --into "$W/st" --task "$W/task.json" --server "$DOWN" --server "$S2" >"$W/o.json"
check "failover: the first server is down" "$W/o.json" \
	'[[x["server"], x["failovers"]] for x in d["downloaded"]]' "[[\"$S2\", 1], [\"$S2\", 1]]"
serve STALL --root "$W/pkgs" --stall-after 200000
fresh
t0=$(date +%s)
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --stall 1 --server "$STALL" --server "$S2" >"$W/o.json"
t1=$(date +%s)
check "failover: the first server stalls mid-file" "$W/o.json" \
	'[d["downloaded"][0]["server"], d["downloaded"][0]["failovers"], d["downloaded"][0]["resumed"], d["downloaded"][0]["verified_inline"]]' \
	"[\"$S2\", 1, true, true]"
[ $((t1 - t0)) -le 6 ] && ok "failover: a stall costs about --stall seconds ($((t1 - t0)) s)" || bad "failover: stall took $((t1 - t0)) s"
cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "failover: the stalled part resumed from the second server, file intact" \
	|| bad "failover after a stall: file differs"
serve CORRUPT --root "$W/pkgs"  --corrupt
fresh
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$CORRUPT" --server "$S2" >"$W/o.json"
check "failover: the first server serves a corrupt file" "$W/o.json" \
	'[d["downloaded"][0]["server"], d["downloaded"][0]["failovers"], d["downloaded"][0]["resumed"]]' "[\"$S2\", 1, false]"
cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "failover: the file is the good server's" || bad "failover: corrupt file kept"
fresh
expect_fail "corrupt only: refused, naming the package and the server" "pkgA.tar from $CORRUPT/pkgA.tar: verification failed" \
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$CORRUPT"
noleft "$W/st" pkgA.tar && [ ! -e "$W/st/pkgA.tar.part" ] && [ ! -e "$W/st/new.list" ] \
	&& ok "corrupt only: no final name, partial file removed, no new.list" || bad "corrupt only: files left: $(ls "$W/st")"
fresh
expect_fail "every server down: the error names each URL" "$DOWN/pkgA.tar" \
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$DOWN" --server "$DOWN/other"
grep -qF "$DOWN/other/pkgA.tar" "$W/err" && ok "every server down: the second URL is named too" || bad "every server down: $(cat "$W/err")"
fresh
expect_fail "a missing package (404) is an error naming the URL" "$S1/nothere.tar" \
	"$SIM" fetch --into "$W/st" --task <(printf '{"task": ["nothere.tar"]}') --server "$S1"

# --- refused responses ------------------------------------------------------
serve OVER --root "$W/pkgs" --oversend 1000
fresh
expect_fail "more bytes than announced: refused" "more than the $A bytes it announced" \
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$OVER"
noleft "$W/st" pkgA.tar && ok "more bytes than announced: no file under the final name" || bad "over-send: pkgA.tar exists"
serve AWAY --root "$W/pkgs" --redirect "http://localhost:${S2##*:}"
fresh
expect_fail "a redirect to another host: refused" "redirect to another host refused" \
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$AWAY"
noleft "$W/st" pkgA.tar && ok "a redirect to another host: nothing fetched" || bad "redirect: pkgA.tar exists"
serve SELF --root "$W/pkgs" --redirect self
fresh
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$SELF" >"$W/o.json" \
	&& cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "a redirect on the same host is followed" \
	|| bad "same-host redirect: $(cat "$W/err" 2>/dev/null)"

# --- resume -----------------------------------------------------------------
# the server is killed mid-file; the next run (another server, same file) resumes
serve SLOW --root "$W/pkgs" --rate 1500000 --log "$W/logslow"
fresh
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$SLOW" >/dev/null 2>"$W/err1" &
FPID=$!
PIDS+=($FPID)
if wait_size "$W/st/pkgA.tar.part" 1500000; then
	stop "$SLOW_PID"
	rc=0; wait "$FPID" || rc=$?
	part=$(size "$W/st/pkgA.tar.part")
	[ $rc -ne 0 ] && [ -e "$W/st/pkgA.tar.part.meta" ] && noleft "$W/st" pkgA.tar \
		&& ok "resume: the fetch fails when its server is killed, the partial file ($part bytes) and its metadata stay" \
		|| bad "resume: after the kill: exit $rc, $(ls "$W/st")"
	serve S4 --root "$W/pkgs" --log "$W/log4"
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$S4" >"$W/o.json"
	check "resume: the next run continues the partial file, verified as it comes (its head from disk)" \
		"$W/o.json" '[d["downloaded"][0]["resumed"], d["downloaded"][0]["bytes"] < '"$A"', d["downloaded"][0]["verified_inline"]]' \
		'[true, true, true]'
	cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "resume: the file is whole" || bad "resume: file differs"
	total=$(sent "$W/logslow" "$W/log4")
	[ "$total" -lt $((A * 13 / 10)) ] && ok "resume: $total bytes sent in all, below 1.3x the package ($A)" \
		|| bad "resume: $total bytes sent for a package of $A"
else
	bad "resume: the partial file never reached 1.5 MB"
fi
# the master is killed mid-file (kill -9): the next run resumes
serve SLOW2 --root "$W/pkgs" --rate 1500000
fresh
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$SLOW2" >/dev/null 2>&1 &
FPID=$!
PIDS+=($FPID)
if wait_size "$W/st/pkgA.tar.part" 1500000; then
	stop "$FPID"
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$S2" >"$W/o.json"
	check "crash of the master: the next run resumes" "$W/o.json" \
		'[d["downloaded"][0]["resumed"], d["downloaded"][0]["bytes"] < '"$A"']' '[true, true]'
	cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "crash of the master: the file is whole" || bad "crash: file differs"
else
	bad "crash of the master: the partial file never reached 1.5 MB"
fi
stop "$SLOW2_PID"
# a changed file: the partial one is of the old file; If-Range gets the whole new one
serve CUT --root "$W/pkgs" --cut-after 1000000
fresh
rc=0; "$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$CUT" >/dev/null 2>&1 || rc=$?
[ $rc -ne 0 ] && [ "$(size "$W/st/pkgA.tar.part")" -ge 1000000 ] && ok "changed file: a cut download leaves a partial file" \
	|| bad "changed file: after the cut: exit $rc, $(ls -l "$W/st")"
serve NEW --root "$W/pkgs2"
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$NEW" >"$W/o.json"
check "changed file: restarted from zero, not spliced" "$W/o.json" \
	'[d["downloaded"][0]["resumed"], d["downloaded"][0]["bytes"], d["downloaded"][0]["verified_inline"]]' \
	"[false, $(size "$W/pkgs2/pkgA.tar"), true]"
cmp -s "$W/st/pkgA.tar" "$W/pkgs2/pkgA.tar" && ok "changed file: the file is the new one" || bad "changed file: file differs"

# --- rate limit -------------------------------------------------------------
fresh
t0=$(date +%s%N)
"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$S1" --limit-rate 2000000 >/dev/null
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
[ $ms -ge 1500 ] && ok "--limit-rate 2000000: 4 MB took $ms ms" || bad "--limit-rate: 4 MB in $ms ms"

# --- a full disk ------------------------------------------------------------
if [ -e "$SHIM" ]; then
	for n in 1 3 10; do
		fresh
		rc=0
		DUPG_FAULT=write:$n:ENOSPC LD_PRELOAD=$SHIM "$SIM" fetch --into "$W/st" --task "$W/task.json" \
			--server "$S1" >/dev/null 2>"$W/err" || rc=$?
		if [ $rc -ne 0 ] && grep -q "No space left on device" "$W/err" && noleft "$W/st" pkgA.tar; then
			ok "full disk at write $n: fails naming the cause, nothing under the final name"
		else
			bad "full disk at write $n: exit $rc, $(cat "$W/err"), $(ls "$W/st")"
		fi
	done
	fresh
	rc=0
	DUPG_FAULT=rename:1:ENOSPC LD_PRELOAD=$SHIM "$SIM" fetch --into "$W/st" --task "$W/taskA.json" \
		--server "$S1" >/dev/null 2>"$W/err" || rc=$?
	[ $rc -ne 0 ] && noleft "$W/st" pkgA.tar && ok "a failed rename: nothing under the final name" \
		|| bad "a failed rename: exit $rc, $(ls "$W/st")"
fi
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	if unshare -m bash -euc '
		W=$1 SIM=$2 S1=$3
		mkdir -p "$W/mnt"
		mount -t tmpfs -o size=1m tmpfs "$W/mnt"
		rc=0
		"$SIM" fetch --into "$W/mnt" --task "$W/taskA.json" --server "$S1" >/dev/null 2>"$W/full.err" || rc=$?
		[ $rc -ne 0 ] || { echo "fetch on a full disk succeeded" >&2; exit 1; }
		grep -q "No space left on device" "$W/full.err" || { cat "$W/full.err" >&2; exit 1; }
		[ ! -e "$W/mnt/pkgA.tar" ] || { echo "pkgA.tar exists" >&2; exit 1; }
		umount "$W/mnt"
	' _ "$W" "$SIM" "$S1"; then
		ok "a full tmpfs: the fetch fails with ENOSPC, nothing under the final name"
	else
		bad "a full tmpfs"
	fi
else
	echo "ok - SKIP: a full tmpfs: no mount namespace here"
fi

# --- https: a CA file, a pinned public key ----------------------------------
if command -v openssl >/dev/null; then
	mkcert() { # NAME: a self-signed certificate for 127.0.0.1
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$W/$1.key" -out "$W/$1.pem" -days 2 \
			-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	}
	mkcert tls && mkcert other
	openssl x509 -in "$W/tls.pem" -pubkey -noout >"$W/tls.pub"
	pin=sha256//$(openssl pkey -pubin -in "$W/tls.pub" -outform der | openssl dgst -sha256 -binary | base64)
	serve TLS --root "$W/pkgs" --tls-cert "$W/tls.pem" --tls-key "$W/tls.key"
	case $TLS in https://*) ok "https: the test server speaks TLS" ;; *) bad "https: $TLS" ;; esac
	fresh
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$TLS" --ca-file "$W/tls.pem" >"$W/o.json" \
		&& cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "https with --ca-file" || bad "https with --ca-file"
	fresh
	expect_fail "https: a server the CA file does not vouch for is refused" "$TLS/pkgA.tar" \
		"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$TLS" --ca-file "$W/other.pem"
	grep -qi "certificate" "$W/err" && ok "https: the error says why (certificate)" || bad "https: $(cat "$W/err")"
	noleft "$W/st" pkgA.tar && ok "https refused: nothing fetched" || bad "https refused: pkgA.tar exists"
	fresh
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$TLS" --ca-file "$W/tls.pem" \
		--pinned-key "$pin" >/dev/null && ok "https: the pinned key (sha256) matches" || bad "https: pinned sha256"
	fresh
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$TLS" --ca-file "$W/tls.pem" \
		--pinned-key "$W/tls.pub" >/dev/null && ok "https: the pinned key (PEM file) matches" || bad "https: pinned PEM"
	fresh
	openssl x509 -in "$W/other.pem" -pubkey -noout >"$W/other.pub"
	expect_fail "https: another pinned key is refused" "$TLS/pkgA.tar" \
		"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$TLS" --ca-file "$W/tls.pem" \
		--pinned-key "$W/other.pub"
	fresh
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$TLS" --ca-file "$W/tls.pem" \
		--pinned-key "$W/other.pub" --server "$S1" >"$W/o.json"
	check "https: a pinned-key mismatch fails over to the next server" "$W/o.json" \
		'[d["downloaded"][0]["server"], d["downloaded"][0]["failovers"]]' "[\"$S1\", 1]"
else
	echo "ok - SKIP: https: no openssl"
fi

# --- the real dupg-server: its task paths, its ETag, If-Range ----------------
DSERVER=$top_builddir/server/dupg-server
case $DSERVER in /*) ;; *) DSERVER=$PWD/$DSERVER ;; esac
if [ -x "$DSERVER" ]; then
	out=$(mktemp "$W/dsrv.XXXXXX")
	"$DSERVER" --packages "$W/pkgs" --db "$W/dsrv.db" --listen 127.0.0.1:0 >"$out" 2>"$W/dsrv.err" &
	PIDS+=($!)
	DS=""
	for i in $(seq 1 100); do
		DS=$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$out")
		[ -n "$DS" ] && break
		sleep 0.1
	done
	if [ -n "$DS" ]; then
		printf '{"kind": "full", "task": ["/v1/packages/pkgA.tar", "/v1/packages/pkgB.tar.gz"]}\n' >"$W/dtask.json"
		fresh
		"$SIM" fetch --into "$W/st" --task "$W/dtask.json" --server "$DS" >"$W/o.json"
		check "dupg-server: the task's /v1/packages paths" "$W/o.json" \
			'[[x["path"], x["file"].rsplit("/", 1)[1], x["resumed"]] for x in d["downloaded"]]' \
			'[["/v1/packages/pkgA.tar", "pkgA.tar", false], ["/v1/packages/pkgB.tar.gz", "pkgB.tar.gz", false]]'
		[ "$(cat "$W/st/new.list")" = "$(printf 'pkgA.tar\npkgB.tar.gz')" ] && ok "dupg-server: new.list" || bad "dupg-server: new.list"
		etag=$(curl -sI "$DS/v1/packages/pkgA.tar" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
		# a partial file and its metadata as a crash leaves them, with the server's ETag
		fresh
		head -c 1000000 "$W/pkgs/pkgA.tar" >"$W/st/pkgA.tar.part"
		printf '{"url": "%s/v1/packages/pkgA.tar", "etag": "%s", "length": %s}' "$DS" "${etag//\"/\\\"}" "$A" >"$W/st/pkgA.tar.part.meta"
		"$SIM" fetch --into "$W/st" --task "$W/dtask.json" --server "$DS" >"$W/o.json"
		check "dupg-server: a partial file with its ETag resumes (Range, If-Range)" "$W/o.json" \
			'[d["downloaded"][0]["resumed"], d["downloaded"][0]["bytes"]]' "[true, $((A - 1000000))]"
		cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "dupg-server: the resumed file is whole" || bad "dupg-server: resumed file differs"
		fresh
		head -c 1000000 "$W/pkgs2/pkgA.tar" >"$W/st/pkgA.tar.part"
		printf '{"url": "%s/v1/packages/pkgA.tar", "etag": "\\"0123456789abcdef\\"", "length": %s}' "$DS" "$A" >"$W/st/pkgA.tar.part.meta"
		"$SIM" fetch --into "$W/st" --task "$W/dtask.json" --server "$DS" >"$W/o.json"
		check "dupg-server: a partial file of another ETag starts again from zero" "$W/o.json" \
			'[d["downloaded"][0]["resumed"], d["downloaded"][0]["bytes"]]' "[false, $A]"
		cmp -s "$W/st/pkgA.tar" "$W/pkgs/pkgA.tar" && ok "dupg-server: nothing spliced" || bad "dupg-server: spliced file"
	else
		bad "dupg-server did not start: $(cat "$W/dsrv.err")"
	fi
else
	echo "ok - SKIP: dupg-server is not built"
fi
# a partial file that is a symbolic link is not written through
fresh
ln -s "$W/elsewhere" "$W/st/pkgA.tar.part"
expect_fail "a partial file that is a link is refused" "pkgA.tar.part" \
	"$SIM" fetch --into "$W/st" --task "$W/taskA.json" --server "$S1"
[ ! -e "$W/elsewhere" ] && ok "nothing written through the link" || bad "written through the link"

# --- bad input --------------------------------------------------------------
fresh
expect_fail "no --into" "--into DIR" "$SIM" fetch --task "$W/task.json" --server "$S1"
expect_fail "no --server" "--server URL" "$SIM" fetch --into "$W/st" --task "$W/task.json"
expect_fail "a missing task file" "$W/none.json" "$SIM" fetch --into "$W/st" --task "$W/none.json" --server "$S1"
printf '{"task": "pkgA.tar"}' >"$W/bad1.json"
expect_fail "a task that is no task" "$W/bad1.json" "$SIM" fetch --into "$W/st" --task "$W/bad1.json" --server "$S1"
printf '{"task": ["pkgA.tar", 5]}' >"$W/bad2.json"
expect_fail "a task path that is no string" "task[1]" "$SIM" fetch --into "$W/st" --task "$W/bad2.json" --server "$S1"
printf '{"task": [' >"$W/bad3.json"
expect_fail "a task that is not JSON" "$W/bad3.json" "$SIM" fetch --into "$W/st" --task "$W/bad3.json" --server "$S1"
printf '{"task": ["a/pkgA.tar", "b/pkgA.tar"]}' >"$W/bad4.json"
expect_fail "two paths, one file name" "both name the file pkgA.tar" "$SIM" fetch --into "$W/st" --task "$W/bad4.json" --server "$S1"
printf '{"task": ["pkgs/.."]}' >"$W/bad5.json"
expect_fail "a path that names no file" "no file name" "$SIM" fetch --into "$W/st" --task "$W/bad5.json" --server "$S1"
expect_fail "bad labels" "appears twice" "$SIM" fetch --into "$W/st" --task "$W/task.json" --server "$S1@slot=1,slot=2"
expect_fail "a bad --location" "not KEY=VALUE" "$SIM" fetch --into "$W/st" --task "$W/task.json" --server "$S1" --location chassis
expect_fail "a bad --limit-rate" "--limit-rate" "$SIM" fetch --into "$W/st" --task "$W/task.json" --server "$S1" --limit-rate 2MB
expect_fail "a --limit-rate beyond 64 bits" "--limit-rate \"99999999999999999999\"" \
	"$SIM" fetch --into "$W/st" --task "$W/task.json" --server "$S1" --limit-rate 99999999999999999999
expect_fail "a missing store directory" "$W/nodir" "$SIM" fetch --into "$W/nodir" --task "$W/task.json" --server "$S1"
expect_fail "a scheme libdupg does not fetch from" "gopher://" "$SIM" fetch --into "$W/st" --task "$W/task.json" --server "gopher://127.0.0.1/"
"$SIM" fetch --help | grep -q -- "--limit-rate" && "$SIM" --help | grep -q "dupg-sim fetch" \
	&& ok "--help describes fetch" || bad "--help"

echo "$fails failure(s)"
[ $fails -eq 0 ]
