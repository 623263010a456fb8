#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# dupg-sim run --serve: the same scenarios against real dupg-server processes
# on 127.0.0.1 give the same sites as without it (fig3a, fleet-1k, deploy);
# every master's HTTP flow is in the report; a --cut drops the connection and
# the next attempt resumes; server_down SIGKILLs a server and its sites fail
# over for real; no server is left running, after a normal end, SIGINT,
# SIGTERM, or SIGKILL of dupg-sim. Servers run from the build tree.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

SERVER=$top_builddir/server/dupg-server
case $SERVER in /*) ;; *) SERVER=$PWD/$SERVER ;; esac
if [ ! -x "$SERVER" ]; then
	echo "SKIP: no dupg-server in the build tree"
	exit 77
fi
export DUPG_SERVER=$SERVER

# Every server of this test has a path under $W on its command line: only
# those are looked for, and stopped by pid should one outlive a check.
ours() { pgrep -f -- "--packages $W/" || true; }
stop_ours() {
	local p
	for p in $(ours); do kill -KILL "$p" 2>/dev/null || true; done
}
trap 'stop_ours; rm -rf "$W"' EXIT
no_servers_left() {
	local i
	for i in $(seq 1 50); do
		[ -z "$(ours)" ] && { ok "$1"; return; }
		sleep 0.1
	done
	bad "$1: dupg-server still running: $(ours | tr '\n' ' ')"
}

# same REPORT_A REPORT_B: the reports agree but for the HTTP parts and the measurements
same() {
	"$PY" - "$1" "$2" <<'PYEOF'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert a["downloads"] in ("copy", "link") and b["downloads"] == "serve", (a["downloads"], b["downloads"])
assert "serve" not in a and "serve" in b
for x in (a, b):
    for k in ("measured", "serve", "downloads"):
        x.pop(k, None)
    x["totals"].pop("baseline_repack_cpu_s")
    for s in x["sites"]:
        s.pop("http", None)
for x, y in zip(a["sites"], b["sites"]):
    assert x == y, (x["site"], {k: (x[k], y.get(k)) for k in x if x[k] != y.get(k)})
assert a == b
PYEOF
}

# --- fig3a: the seed's site, the same with and without --serve -------------------------
sim run "$TOPO/fig3a.json" --quiet --report "$W/a.json"
sim run "$TOPO/fig3a.json" --serve --workdir "$W/wd" --quiet --report "$W/b.json"
if same "$W/a.json" "$W/b.json"; then ok "fig3a: --serve gives the same report"; else bad "fig3a: --serve gives the same report"; fi
pycheck "fig3a: the master registered, described itself, fetched 5 and 6 over HTTP, posted upgraded" "$W/b.json" '
s = site("fig3a")
h = s["http"]
assert s["outcome"] == "upgraded" and h["server"] == "server" and h["control"] == ["server"], h
assert h["task"] == "incremental" and h["status"]["state"] == "upgraded" and h["status"]["seq"] == 1, h
f = h["fetches"]
assert [x["package"] for x in f] == ["pkg5", "pkg6"] and all(x["ended"] == "done" for x in f), f
assert all(x["server"] == "server" and not x["resumed"] and x["failovers"] == 0 for x in f), f
assert all(x["url"].startswith("http://127.0.0.1:") and x["url"].endswith("/v1/packages/%s.tar.gz" % x["package"]) for x in f)
srv = d["serve"]["servers"]
assert len(srv) == 1 and srv[0]["id"] == "server" and srv[0]["starts"] == 1 and srv[0]["kills"] == 0, srv
assert srv[0]["port"] > 0 and srv[0]["url"] == "http://127.0.0.1:%d" % srv[0]["port"]
# the metrics counted what the master received; register, description, 2 packages, status
assert srv[0]["bytes_served"] == sum(x["bytes"] for x in f) > 0, (srv, f)
assert srv[0]["requests"] >= 5, srv'
no_servers_left "fig3a: no dupg-server left after the run"
[ ! -d "$W/wd/serve" ] && ok "fig3a: the servers' directories are removed" || bad "fig3a: WORKDIR/serve left"

# --- a cut: the connection drops at half of pkg6, the next attempt resumes -------------
sim run "$TOPO/fig3a.json" --cut pkg6:0.5 --quiet --report "$W/c1.json"
sim run "$TOPO/fig3a.json" --cut pkg6:0.5 --serve --workdir "$W/wd" --quiet --report "$W/c2.json"
if same "$W/c1.json" "$W/c2.json"; then ok "cut: --serve gives the same report"; else bad "cut: --serve gives the same report"; fi
pycheck "cut: a real drop past the cut byte, then a resumed attempt that takes only the rest" "$W/c2.json" '
full = json.load(open(sys.argv[1].replace("c2.json", "b.json")))
size = {x["package"]: x["bytes"] for x in full["sites"][0]["http"]["fetches"]}
s = site("fig3a")
assert s["outcome"] == "failed" and s["cause"]["kind"] == "cut", s["cause"]
cut_at = int(s["cause"]["detail"].split()[6])
f = s["http"]["fetches"]
assert [(x["package"], x["ended"]) for x in f] == [("pkg5", "done"), ("pkg6", "cut"), ("pkg6", "done")], f
assert cut_at <= f[1]["bytes"] < size["pkg6"], (cut_at, f[1], size)
assert f[2]["resumed"] is True and f[2]["bytes"] == size["pkg6"] - f[1]["bytes"], f
assert "cancelled" in f[1]["error"]
assert s["http"]["status"]["state"] == "failed"
# the failed site keeps nothing of the task, the partial file included
assert s["downloaded"] == [] and s["store"]["consistent"]'
no_servers_left "cut: no dupg-server left"

# --- deploy: four servers, ds1 killed at 1 s, the others upgraded in turn -------------
sim run "$TOPO/deploy.json" --quiet --report "$W/d1.json"
sim run "$TOPO/deploy.json" --serve --workdir "$W/wd" --keep --quiet --report "$W/d2.json"
if same "$W/d1.json" "$W/d2.json"; then ok "deploy: --serve gives the same report"; else bad "deploy: --serve gives the same report"; fi
pycheck "deploy: every site upgraded; each package from the server the virtual clock says; ds1 killed, its sites failed over and resumed" "$W/d2.json" '
assert all(s["outcome"] == "upgraded" for s in d["sites"]) and len(d["sites"]) == 24
srv = {x["id"]: x for x in d["serve"]["servers"]}
assert sorted(srv) == ["ds1", "ds2", "ds3", "ds4"], srv
assert srv["ds1"]["kills"] >= 1 and all(srv[i]["kills"] == 0 for i in ("ds2", "ds3", "ds4")), srv
assert all(x["bytes_served"] > 0 for x in srv.values()), srv
moved = real = 0
for s in d["sites"]:
    h = s["http"]
    assert h["status"]["state"] == "upgraded", (s["site"], h["status"])
    pieces = s["servers"]
    for pkg in s["downloaded"]:
        att = [x for x in h["fetches"] if x["package"] == pkg]
        ps = [p for p in pieces if p["package"] == pkg]
        assert att and att[-1]["ended"] == "done", (s["site"], att)
        # one attempt a piece, each ending as its piece; but an attempt held off the CPU past
        # its stop byte may find the package whole, and then it is the last
        assert len(att) == len(ps) or (len(att) < len(ps) and att[-1]["ended"] == "done"), (s["site"], att, ps)
        for a, p in zip(att, ps):
            assert a["ended"] == p["ended"] or a is att[-1], (s["site"], a, p)
            assert a["server"] == p["server"] or a.get("from_disk"), (s["site"], a, p)
        for a, b in zip(att, att[1:]):
            if a["server"] == "ds1" and a["ended"] == "down":
                moved += 1
                assert b["server"] != "ds1", (s["site"], b)
                # resumed from another server, past dead ds1; or, when the drop came after
                # the last byte (a slow run), verified from the partial file on disk
                if b["ended"] == "done" and not b.get("from_disk"):
                    assert b["resumed"] is True and b["failovers"] >= 1, (s["site"], b)
                    real += 1
                assert "cancelled" in a["error"], a
assert moved >= 5 and real >= 1, (moved, real)
assert sum(x["failovers"] for x in d["deployment_servers"]) == sum(s["failovers"] for s in d["sites"]) > 0
# a site of ds1 that ended after its death told ds2, registering there first
again = [s for s in d["sites"] if s["http"]["control"] == ["ds1", "ds2"]]
assert len(again) >= 5 and all(s["http"]["status"]["server"] == "ds2" for s in again), again'
no_servers_left "deploy: no dupg-server left"
pycheck "deploy: each server's database holds the sites that registered there and the statuses they posted, ds1's after its kills" "$W/d2.json" '
import sqlite3
wd = sys.argv[1].replace("d2.json", "wd")
for x in d["serve"]["servers"]:
    db = sqlite3.connect("file:%s/serve/%s/dupg.db?mode=ro" % (wd, x["id"]), uri=True)
    assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok", x["id"]
    sites = {r[0] for r in db.execute("SELECT id FROM sites")}
    want = {s["site"] for s in d["sites"] if x["id"] in s["http"]["control"]}
    assert sites == want, (x["id"], sites ^ want)
    st = {(r[0], r[1]) for r in db.execute("SELECT site, state FROM statuses")}
    told = {(s["site"], s["http"]["status"]["state"]) for s in d["sites"] if s["http"]["status"]["server"] == x["id"]}
    assert st == told, (x["id"], st ^ told)
    db.close()'
rm -rf "$W/wd"

# every server down for good: the last attempt fails on each, as the clock says
"$PY" - "$TOPO/deploy.json" "$W/alldown.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["events"] = [{"kind": "server_down", "server": x["id"], "at_s": 0.5} for x in d["server"]["deployment_servers"]]
json.dump(d, open(sys.argv[2], "w"))
PYEOF
sim run "$W/alldown.json" --quiet --report "$W/x1.json"
sim run "$W/alldown.json" --serve --workdir "$W/wd" --quiet --report "$W/x2.json"
if same "$W/x1.json" "$W/x2.json"; then ok "all down: --serve gives the same report"; else bad "all down: --serve gives the same report"; fi
pycheck "all down: the last attempt of each site finds no server; nobody hears its status" "$W/x2.json" '
for s in d["sites"]:
    f = s["http"]["fetches"]
    assert s["outcome"] == "failed" and f[-1]["ended"] == "no_server", (s["site"], f)
    assert "every server failed (4)" in f[-1]["error"] and f[-1]["error"].count("connect") >= 4, f[-1]
    assert s["http"]["status"] is None
assert all(x["kills"] >= 1 for x in d["serve"]["servers"])'

# --- fleet-1k: a thousand sites against one server (skipped under valgrind) ----------
if [ "$SMALL" -eq 0 ]; then
	sim run "$TOPO/fleet-1k.json" --quiet --report "$W/f1.json"
	sim run "$TOPO/fleet-1k.json" --serve --workdir "$W/wd" --quiet --report "$W/f2.json"
	if same "$W/f1.json" "$W/f2.json"; then ok "fleet-1k: --serve gives the same report"; else bad "fleet-1k: --serve gives the same report"; fi
	pycheck "fleet-1k: one server served every byte the sites took, in one process" "$W/f2.json" '
srv = d["serve"]["servers"]
assert len(srv) == 1 and srv[0]["starts"] == 1 and srv[0]["kills"] == 0
got = sum(x["bytes"] for s in d["sites"] if "http" in s for x in s["http"]["fetches"])
assert srv[0]["bytes_served"] >= got > 0, (srv, got)
assert sum(1 for s in d["sites"] if s["http"].get("status")) == d["sites"].__len__() - d["totals"]["current"]'
else
	echo "skip - fleet-1k under valgrind"
fi

# --- signals: no server outlives dupg-sim ---------------------------------------------
for sig in INT TERM KILL; do
	"$SIM" run "$TOPO/deploy.json" --serve --workdir "$W/sig" --quiet --report "$W/sig.json" &
	pid=$!
	for i in $(seq 1 100); do [ -n "$(ours)" ] && break; sleep 0.1; done
	[ -n "$(ours)" ] || bad "signal $sig: no server came up"
	kill -"$sig" "$pid" 2>/dev/null || true
	rc=0
	wait "$pid" || rc=$?
	[ $rc -ne 0 ] && ok "signal $sig: dupg-sim stopped ($rc)" || bad "signal $sig: dupg-sim exited 0"
	no_servers_left "signal $sig: no dupg-server left"
	rm -rf "$W/sig"
done

# --- bad input ----------------------------------------------------------------------------
expect_fail "--server-bin that is not a program" "--server-bin" "$W/none" "not an executable file" -- \
	sim run "$TOPO/fig3a.json" --serve --server-bin "$W/none" --quiet
printf '#!/bin/sh\necho not a server\n' >"$W/fake"
chmod +x "$W/fake"
expect_fail "a server that never says where it listens" "did not start" "server.log" -- \
	sim run "$TOPO/fig3a.json" --serve --server-bin "$W/fake" --workdir "$W/wd" --quiet
no_servers_left "bad input: nothing left running"
finish
