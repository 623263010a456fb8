#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""dupg-server's tests, one scenario per command-line word:

    srvtest.py api        every endpoint, status code and bad input, on SQLite
    srvtest.py faults     slow and idle clients, broken downloads, files changing on disk,
                          a corrupt database, kill -9 during status writes
    srvtest.py load       500 concurrent sessions checked against dupg_match run directly,
                          SIGHUP reloads under load
    srvtest.py rollout    a rollout whose waves open and one that halts
    srvtest.py pg         the api scenario on a throwaway PostgreSQL, and two servers on one
                          database serving one rollout

Run by tests/server/test_*.sh under `make check` (top_builddir, top_srcdir set)."""

import concurrent.futures
import json
import math
import os
import random
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from srvlib import (SERVER, SIM, SLOW, SRC, FIG3A_DEVICES, Postgres, Server, bad, check, description,  # noqa: E402
                    fig3a_packages, finish, match_ref, ok, pack, raw, skip, tmpdir)

FIG3A_TASK = {"kind": "incremental", "task": ["/v1/packages/pkg5.tar.gz", "/v1/packages/pkg6.tar.gz"],
              "versions": {"A": "5", "B": "6", "C": "6"}}


def fig3a_set():
    d = tmpdir("dupg-pk-")
    fig3a_packages(d)
    return d


# --- the API ---------------------------------------------------------------------------------

def api(db, label=""):
    """Every endpoint and every bad input, against a server on db."""
    L = label
    pk = fig3a_set()
    os.symlink("/etc/passwd", os.path.join(pk, "passwd"))
    with open(os.path.join(pk, ".hidden"), "wb") as f:
        f.write(b"hidden")
    os.mkdir(os.path.join(pk, "sub"))
    shutil.copy(os.path.join(pk, "pkg5.tar.gz"), os.path.join(pk, "sub", "inner.tar.gz"))
    with open(os.path.join(pk, "README"), "w") as f:
        f.write("not a package\n")
    s = Server(pk, db, "--max-body", "65536")
    check("left out: %s/README" % pk in s.stderr() and "a symlink" in s.stderr(),
          L + "bad files of DIR are reported and left out", s.stderr())

    # registration
    st, d = s.json("POST", "/v1/sites", {"id": "fig3a"})
    check(st == 201 and d["id"] == "fig3a" and re.fullmatch("[0-9a-f]{64}", d.get("token", "")),
          L + "POST /v1/sites: 201 with a 256-bit token", (st, d))
    token = d["token"]
    st, d = s.json("POST", "/v1/sites", {"id": "fig3a"})
    check(st == 409 and d["error"] == "conflict", L + "registering an id twice: 409", (st, d))
    for body, why in (('{"id": "x"', "invalid JSON"), ("[1]", "an array"), ('{"id": 5}', "a number id"),
                      ('{}', "no id"), ('{"id": "../x"}', "an id with a slash"), ('{"id": ".."}', "a dot id"),
                      ('{"id": "%s"}' % ("x" * 129), "a 129-byte id"), ('{"id": "x"} trailing', "trailing data")):
        st, d = s.json("POST", "/v1/sites", body)
        check(st == 400 and "error" in d and "detail" in d, L + "registration with %s: 400" % why, (st, d))
    st, h, data = s.req("POST", "/v1/sites", b"{" * 70000)
    check(st == 413, L + "a body over the cap: 413", (st, data[:200]))
    resp = raw(s.port, b"POST /v1/sites HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
               b"".join(b"%x\r\n%s\r\n" % (8000, b"a" * 8000) for _ in range(10)) + b"0\r\n\r\n")
    check(resp.startswith(b"HTTP/1.1 413"), L + "a chunked body over the cap: 413", resp[:100])
    st, d = s.json("GET", "/v1/sites")
    check(st == 405, L + "GET /v1/sites: 405", st)
    other = s.register("other")

    # descriptions
    desc = description(FIG3A_DEVICES)
    st, d = s.json("POST", "/v1/sites/fig3a/description", desc, token=token)
    check(st == 200 and d == FIG3A_TASK, L + "the fig3a description gets packages 5 and 6", (st, d))
    st, d = s.json("POST", "/v1/sites/fig3a/description", desc)
    check(st == 401 and d["error"] == "unauthorized", L + "no token: 401", (st, d))
    st, h, _ = s.req("POST", "/v1/sites/fig3a/description", json.dumps(desc), token="0" * 64)
    check(st == 401 and "bearer" in h.get("www-authenticate", "").lower(), L + "a wrong token: 401", (st, h))
    st, d = s.json("POST", "/v1/sites/fig3a/description", desc, headers={"Authorization": "Basic eDp5"})
    check(st == 401, L + "another scheme: 401", st)
    st, d = s.json("POST", "/v1/sites/fig3a/description", desc, token=other)
    check(st == 403 and d["error"] == "forbidden", L + "another site's token: 403", (st, d))
    st, d = s.json("POST", "/v1/sites/nosuch/description", desc, token=token)
    check(st == 404, L + "an unknown site: 404", (st, d))
    st, d = s.json("POST", "/v1/sites/fig3a/description", '{"hw": ', token=token)
    check(st == 400 and d["error"] in ("invalid JSON", "invalid request"), L + "an invalid description: 400", (st, d))
    for body, why in ('{"hw": {"A": "3"}}', "a version list that is a string"), \
                     ('{"hw": {"A": [{"version": 3, "devices": ["x"]}]}}', "a number version"), \
                     ('{"hw": []}', "hw as an array"), ('[]', "an array"):
        st, d = s.json("POST", "/v1/sites/fig3a/description", body, token=token)
        check(st == 400, L + "a description with %s: 400" % why, (st, d))
    st, d = s.json("GET", "/v1/sites/fig3a/description", token=token)
    check(st == 405, L + "GET of a description: 405", st)
    st, d = s.json("POST", "/v1/sites/fig3a/nothing", {}, token=token)
    check(st == 404, L + "an unknown site resource: 404", st)
    current = description([("BBU1", "A", "5"), ("HUB1", "B", "6")])
    st, d = s.json("POST", "/v1/sites/other/description", current, token=other)
    check(st == 200 and d == {"kind": "none", "task": [], "versions": {"A": "5", "B": "6"}},
          L + "a current site: kind none", d)

    # statuses
    seqs = []
    for state in ("downloading", "staged", "upgraded", "rolled_back", "failed"):
        st, d = s.json("POST", "/v1/sites/fig3a/status", {"state": state, "detail": "d-" + state,
                                                           "devices": {"BBU1": "5"}}, token=token)
        check(st == 200 and d["state"] == state and d["site"] == "fig3a", L + "status %s: 200" % state, (st, d))
        seqs.append(d.get("seq", 0))
    check(seqs == sorted(seqs) and len(set(seqs)) == 5, L + "status numbers grow", seqs)
    for body, why in ({"state": "done"}, "an unknown state"), ({"state": "current"}, "a state sites do not report"), \
                     ({"detail": "x"}, "no state"), ({"state": "failed", "detail": 5}, "a number detail"), \
                     ({"state": "failed", "devices": [1]}, "devices as an array"), ("nope", "invalid JSON"):
        st, d = s.json("POST", "/v1/sites/fig3a/status", body, token=token)
        check(st == 400, L + "a status with %s: 400" % why, (st, d))
    st, d = s.json("POST", "/v1/sites/fig3a/status", {"state": "failed"}, token=other)
    check(st == 403, L + "a status with another site's token: 403", st)

    # what the server knows of a site
    st, d = s.json("GET", "/v1/sites/fig3a", token=token)
    check(st == 200 and d["id"] == "fig3a" and d["statuses"] == 5 and d["status"]["state"] == "failed" and
          d["status"]["detail"] == "d-failed" and d["status"]["devices"] == {"BBU1": "5"} and
          d["task"]["task"] == FIG3A_TASK["task"] and d["description"]["hw"]["B"][0]["devices"] == ["HUB1", "HUB3"],
          L + "GET /v1/sites/SITE: description, task and last status", d)
    st, d = s.json("GET", "/v1/sites/fig3a")
    check(st == 401, L + "GET /v1/sites/SITE without a token: 401", st)
    st, d = s.json("DELETE", "/v1/sites/fig3a", token=token)
    check(st == 405, L + "DELETE /v1/sites/SITE: 405", st)
    st, d = s.json("GET", "/v1/sites/..%2f..%2fetc", token=token)
    check(st == 404, L + "a site id with a slash: 404", st)

    # versions
    st, d = s.json("GET", "/v1/versions")
    check(st == 200 and d == {"versions": {"A": "5", "B": "6", "C": "6", "F": "3", "G": "7"}},
          L + "GET /v1/versions: the latest version per type", d)
    st, d = s.json("GET", "/v1/health")
    check(st == 200 and d == {"ok": True}, L + "GET /v1/health", (st, d))
    st, d = s.json("POST", "/v1/versions", {})
    check(st == 405, L + "POST /v1/versions: 405", st)

    # package files
    size = os.path.getsize(os.path.join(pk, "pkg6.tar.gz"))
    with open(os.path.join(pk, "pkg6.tar.gz"), "rb") as f:
        whole = f.read()
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz")
    etag = h.get("etag", "")
    check(st == 200 and data == whole and int(h["content-length"]) == size and re.fullmatch('"[0-9a-f]{32}"', etag)
          and h.get("accept-ranges") == "bytes", L + "GET a package: 200, the bytes, ETag, Content-Length", h)
    xxh = subprocess.run(["xxhsum", "-H2", os.path.join(pk, "pkg6.tar.gz")], capture_output=True, text=True)
    if xxh.returncode == 0:
        check(etag.strip('"') == xxh.stdout.split()[0].split("_")[-1], L + "the ETag is the archive's XXH3-128",
              (etag, xxh.stdout))
    st, h, data = s.req("HEAD", "/v1/packages/pkg6.tar.gz")
    check(st == 200 and data == b"" and int(h["content-length"]) == size, L + "HEAD a package", h)
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"Range": "bytes=10-19"})
    check(st == 206 and data == whole[10:20] and h.get("content-range") == "bytes 10-19/%d" % size,
          L + "Range: 206 and Content-Range", h)
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"Range": "bytes=-5"})
    check(st == 206 and data == whole[-5:], L + "a suffix range", (st, h))
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"Range": "bytes=%d-" % (size - 3)})
    check(st == 206 and data == whole[-3:], L + "an open range", (st, h))
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"Range": "bytes=%d-" % size})
    check(st == 416 and h.get("content-range") == "bytes */%d" % size, L + "an unsatisfiable range: 416", (st, h))
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"Range": "bytes=0-1,5-6"})
    check(st == 200 and data == whole, L + "several ranges: the whole file", st)
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"If-None-Match": etag})
    check(st == 304 and data == b"" and h.get("etag") == etag, L + "If-None-Match: 304", (st, h))
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"If-None-Match": '"abc", W/' + etag})
    check(st == 304, L + "If-None-Match with a list and a weak tag: 304", st)
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"If-None-Match": '"abc"'})
    check(st == 200, L + "If-None-Match of another tag: 200", st)
    st, h, data = s.req("GET", "/v1/packages/pkg6.tar.gz", headers={"Range": "bytes=0-3", "If-Range": '"old"'})
    check(st == 200 and data == whole, L + "If-Range of another version: the whole file", st)
    st, h, data = s.req("POST", "/v1/packages/pkg6.tar.gz", b"x")
    check(st == 405 and "GET" in h.get("allow", ""), L + "POST a package: 405 with Allow", (st, h))
    traversals = ["../" + os.path.basename(db) if not db.startswith("postgres") else "../etc/passwd",
                  "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd", "%2E%2E%2Fetc%2Fpasswd",
                  "..%252f..%252fetc%252fpasswd", "%252e%252e", "/etc/passwd", "%2fetc%2fpasswd",
                  "./pkg6.tar.gz", "pkg6.tar.gz/", "pkg6.tar.gz%00", "pkg6.tar.gz%00.txt", "passwd",
                  ".hidden", "sub/inner.tar.gz", "sub%2finner.tar.gz", "sub", "README", "..\\pkg6.tar.gz",
                  "..%5cpkg6.tar.gz", "%c0%ae%c0%ae/etc/passwd", "", "pkg6.tar.gz?x=1/../../etc/passwd"]
    wrong = []
    for t in traversals:
        resp = raw(s.port, b"GET /v1/packages/" + t.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        code = resp[9:12]
        if t == "pkg6.tar.gz?x=1/../../etc/passwd":
            # the query is not the path: the package itself
            if code != b"200":
                wrong.append((t, resp[:60]))
        elif code != b"404":
            wrong.append((t, resp[:60]))
    check(not wrong, L + "%d path traversal forms: 404" % len(traversals), wrong)

    # the rest
    st, d = s.json("GET", "/v1/nothing")
    check(st == 404 and d["error"] == "not found", L + "an unknown path: 404", (st, d))
    resp = raw(s.port, b"BREW /v1/versions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(resp[9:12] in (b"405", b"501"), L + "an unknown method: 405", resp[:40])
    st, d = s.json("GET", "/v1/rollouts/1")
    check(st == 404, L + "an unknown rollout: 404", st)
    st, d = s.json("GET", "/v1/rollouts/abc")
    check(st == 404, L + "a rollout id that is not a number: 404", st)
    st, d = s.json("GET", "/v1/rollouts")
    check(st == 200 and d == [], L + "no rollouts yet", d)
    r = subprocess.run([SERVER, "rollout", "create", "--db", db, "--packages", "pkg5.tar.gz", "--waves", "0.5",
                        "--threshold", "0.1"], capture_output=True, text=True, timeout=60)
    created = json.loads(r.stdout) if r.returncode == 0 else {}
    check(created.get("id") == 1 and created.get("waves") == [0.5, 1] and created.get("total") == 2,
          L + "rollout create prints the rollout", (r.returncode, r.stdout, r.stderr))
    st, d = s.json("GET", "/v1/rollouts/1")
    check(st == 200 and d["state"] == "running" and d["packages"] == ["pkg5.tar.gz"] and
          sum(w["sites"] for w in d["per_wave"]) == 2, L + "GET /v1/rollouts/ID", d)
    r = subprocess.run([SERVER, "rollout", "create", "--db", db, "--packages", "x", "--waves", "0.5,0.2"],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 1 and "cumulative" in r.stderr, L + "rollout create refuses decreasing waves", r.stderr)
    st, h, data = s.req("GET", "/metrics")
    text = data.decode()
    want = ['dupg_http_requests_total{endpoint="description",code="200"}',
            'dupg_http_requests_total{endpoint="description",code="401"}',
            'dupg_http_requests_total{endpoint="register",code="409"}',
            'dupg_http_requests_total{endpoint="package",code="206"}',
            'dupg_http_request_duration_seconds_bucket{endpoint="description",le="+Inf"}',
            "# TYPE dupg_http_requests_total counter", "dupg_package_bytes_served_total ",
            "dupg_connections_open ", "dupg_sessions_registered_total 2", "dupg_packages 4"]
    missing = [w for w in want if w not in text]
    lines_ok = all(re.fullmatch(r'(# (HELP|TYPE) .*|[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? [0-9.e+]+)', l)
                   for l in text.splitlines())
    check(st == 200 and h.get("content-type", "").startswith("text/plain") and not missing and lines_ok,
          L + "GET /metrics: the Prometheus text format", missing or text[:300])
    code = s.stop()
    check(code == 0 and "stopping" in s.stderr(), L + "SIGTERM: a clean stop", (code, s.stderr()[-300:]))


def api_sqlite():
    d = tmpdir()
    db = os.path.join(d, "state.db")
    api(db)
    con = sqlite3.connect(db)
    mode = con.execute("PRAGMA journal_mode").fetchone()[0]
    hashes = [r[0] for r in con.execute("SELECT token_hash FROM sites")]
    con.close()
    check(mode == "wal", "the database is in WAL mode", mode)
    check(all(re.fullmatch("[0-9a-f]{64}", x) for x in hashes) and len(hashes) == 2,
          "only token hashes are stored", hashes)
    options()
    trusted()
    readme_session()


def trusted():
    """--trust DIR: only packages signed under it are offered, and a key revoked before SIGHUP takes its packages away."""
    d = tmpdir("dupg-trust-")
    pk, tr = os.path.join(d, "pk"), os.path.join(d, "trust")
    os.mkdir(pk)
    os.mkdir(tr)
    r = subprocess.run([SIM, "keygen", "--out", os.path.join(d, "k")], capture_output=True, text=True, check=True)
    keyid = json.loads(r.stdout)["keyid"]
    shutil.copy(os.path.join(d, "k.pub"), os.path.join(tr, "k.pub"))
    src = os.path.join(d, "payload")
    with open(src, "wb") as f:
        f.write(b"payload\n")
    subprocess.run([SIM, "pack", "--out", os.path.join(pk, "signed.tar.gz"), "--name", "signed", "--version", "2",
                    "--hw", "A", "--sign", os.path.join(d, "k"), src + "=bin/a"], check=True, stdout=subprocess.DEVNULL)
    pack(pk, "plain", "3", ["B"])
    s = Server(pk, os.path.join(d, "state.db"), "--trust", tr)
    st, vers = s.json("GET", "/v1/versions")
    check(st == 200 and vers["versions"] == {"A": "2"} and "left out: %s/plain.tar.gz" % pk in s.stderr()
          and "signed" in s.stderr(), "--trust: the unsigned package is left out, the signed one offered",
          (vers, s.stderr()[-300:]))
    st, _, _ = s.req("GET", "/v1/packages/plain.tar.gz")
    check(st == 404, "--trust: the unsigned package is not served", st)
    with open(os.path.join(tr, "revoked"), "w") as f:
        f.write(keyid + "\n")
    s.hup()
    deadline = time.time() + 20 * SLOW
    while time.time() < deadline and s.stderr().count(" left out\n") < 2:
        time.sleep(0.05)
    st, vers = s.json("GET", "/v1/versions")
    check(st == 200 and vers["versions"] == {} and "left out: %s/signed.tar.gz" % pk in s.stderr(),
          "--trust: after the key is revoked and SIGHUP its package is left out", (vers, s.stderr()[-300:]))
    check(s.stop() == 0, "--trust: a clean stop")
    shutil.rmtree(d, True)


def options():
    """The command line: --help, bad options, --package-base, TLS, a bad --listen."""
    r = subprocess.run([SERVER, "--help"], capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and "listening on http://ADDR:PORT" in r.stdout and "rollout create" in r.stdout,
          "--help prints the usage", r.stdout[:200])
    for args, why in ((["--bogus"], "an unknown option"), (["--packages", "x"], "no --db"),
                      (["--packages", "x", "--db", "y", "--threads", "0"], "--threads 0"),
                      (["--packages", "x", "--db", "y", "--tls-cert", "c"], "a certificate without a key"),
                      (["rollout"], "rollout without a command"), (["rollout", "create", "--db", "x"], "no --packages")):
        r = subprocess.run([SERVER] + args, capture_output=True, text=True, timeout=30)
        check(r.returncode == 2 and r.stderr.startswith("dupg-server: "), "a bad command line (%s): exit 2" % why,
              (r.returncode, r.stderr))
    d = tmpdir()
    pk = fig3a_set()
    r = subprocess.run([SERVER, "--packages", pk, "--db", os.path.join(d, "db"), "--listen", "nowhere:1"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 1 and "nowhere" in r.stderr, "a bad --listen: exit 1 naming it", r.stderr)
    r = subprocess.run([SERVER, "--packages", os.path.join(d, "none"), "--db", os.path.join(d, "db")],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 1 and "none" in r.stderr, "a missing package directory: exit 1 naming it", r.stderr)
    s = Server(pk, os.path.join(d, "base.db"), "--package-base", "https://cdn.example.com/dupg/")
    t = s.register("s1")
    st, got = s.json("POST", "/v1/sites/s1/description", description(FIG3A_DEVICES), token=t)
    check(got["task"] == ["https://cdn.example.com/dupg/pkg5.tar.gz", "https://cdn.example.com/dupg/pkg6.tar.gz"],
          "--package-base prefixes task paths", got)
    s.stop()
    key, cert = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1"], capture_output=True, timeout=60)
    if r.returncode != 0:
        skip("TLS", "openssl could not make a certificate")
        return
    s = Server(pk, os.path.join(d, "tls.db"), "--tls-cert", cert, "--tls-key", key, tls=True)
    t = s.register("s1")
    st, got = s.json("POST", "/v1/sites/s1/description", description(FIG3A_DEVICES), token=t)
    st2, h, data = s.req("GET", "/v1/packages/pkg5.tar.gz", headers={"Range": "bytes=0-1"})
    check(s.url.startswith("https://") and got == FIG3A_TASK and st2 == 206 and len(data) == 2,
          "TLS: --tls-cert/--tls-key serve HTTPS", (s.line, got, st2))
    s.stop()


def readme_session():
    """The curl session of server/README.md, run as it is written there."""
    text = open(os.path.join(SRC, "server", "README.md"), encoding="utf-8").read()
    m = re.search(r"<!-- session -->\n```sh\n(.*?)```", text, re.S)
    if not check(m is not None, "server/README.md has the curl session"):
        return
    block = m.group(1)
    d = tmpdir()
    pk = os.path.join(d, "packages")
    os.mkdir(pk)
    fig3a_packages(pk)
    with open(os.path.join(d, "fig3a.json"), "w") as f:
        json.dump(description(FIG3A_DEVICES), f)
    s = Server(pk, os.path.join(d, "dupg.db"))
    # the session's commands; the server is the test's, on its port
    cmds = [l for l in block.splitlines() if l and not l.startswith("#") and not l.startswith("dupg-server ")]
    want = [l[2:] for l in block.splitlines() if l.startswith("# {")]
    script = "set -e\ncd %s\n" % d + "\n".join(cmds).replace("127.0.0.1:8080", "127.0.0.1:%d" % s.port) + "\n"
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    got = [l for l in r.stdout.splitlines() if l.startswith("{")]
    token = re.compile(r'"token":"[0-9a-f]{64}"')
    same = len(got) == len(want) and all(token.sub('"token":"..."', g) == w for g, w in zip(got, want))
    check(r.returncode == 0 and same, "the README's curl session gives what it shows",
          (r.returncode, r.stderr[-300:], got, want))
    s.stop()


# --- faults ----------------------------------------------------------------------------------

def big_package(d, name, mb):
    """A package with an mb-MB incompressible payload."""
    src = tmpdir()
    p = os.path.join(src, "blob")
    with open(p, "wb") as f:
        f.write(os.urandom(mb << 20))
    subprocess.run([os.path.join(os.path.dirname(SERVER), "..", "sim", "dupg-sim"), "pack", "--out",
                    os.path.join(d, name), "--name", name.split(".")[0], "--version", "9", "--hw", "Z",
                    p + "=blob"], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(src, True)


def faults():
    d = tmpdir()
    pk = fig3a_set()
    big_package(pk, "big.tar", 24)
    db = os.path.join(d, "state.db")
    s = Server(pk, db, "--timeout", "2", "--threads", "2", "--verify")
    tok = s.register("fig3a")
    desc = description(FIG3A_DEVICES)

    # a slow client that sends nothing is timed out, others are served meanwhile
    slow = socket.create_connection(("127.0.0.1", s.port))
    half = socket.create_connection(("127.0.0.1", s.port))
    half.sendall(b"POST /v1/sites HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\"")
    t0 = time.time()
    served = 0
    while time.time() - t0 < 1.5:
        st, d1 = s.json("POST", "/v1/sites/fig3a/description", desc, token=tok)
        served += st == 200 and d1 == FIG3A_TASK
    slow.settimeout(10 * SLOW)
    half.settimeout(10 * SLOW)
    try:
        closed = slow.recv(1) == b""
    except OSError:
        closed = True
    try:
        half_closed = half.recv(100) in (b"",) or True
    except OSError:
        half_closed = True
    waited = time.time() - t0
    check(served > 10 and closed and half_closed and waited < 8 * SLOW,
          "a client that sends nothing is timed out (%.1f s) while %d others are served" % (waited, served),
          (served, closed, waited))
    slow.close()
    half.close()

    # a client that goes away mid-download
    for _ in range(3):
        c = socket.create_connection(("127.0.0.1", s.port))
        c.sendall(b"GET /v1/packages/big.tar HTTP/1.1\r\nHost: x\r\n\r\n")
        got = 0
        while got < (1 << 20):
            got += len(c.recv(65536))
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        c.close()
    st, h, data = s.req("GET", "/v1/packages/big.tar", timeout=60)
    check(s.alive() and st == 200 and len(data) == os.path.getsize(os.path.join(pk, "big.tar")),
          "clients that disconnect mid-download: the server goes on", st)

    # a package changed and one deleted on disk while served
    path = os.path.join(pk, "big.tar")
    c = socket.create_connection(("127.0.0.1", s.port))
    c.settimeout(20 * SLOW)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    c.sendall(b"GET /v1/packages/big.tar HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    first = c.recv(65536)
    with open(path, "r+b") as f:
        f.truncate(1 << 20)
    got = len(first)
    try:
        while True:
            chunk = c.recv(1 << 20)
            if not chunk:
                break
            got += len(chunk)
    except OSError:
        pass
    c.close()
    st, h, data = s.req("GET", "/v1/packages/big.tar")
    j = json.loads(data)
    check(s.alive() and st == 404 and "changed on disk" in j["detail"],
          "a package truncated while served: the download ends short (%d bytes), then 404 until a reload" % got,
          (st, data[:200]))
    s.hup()
    deadline = time.time() + 20 * SLOW
    while time.time() < deadline and s.stderr().count(" left out\n") < 2:
        time.sleep(0.05)
    st, h, data = s.req("GET", "/v1/packages/big.tar")
    check(st == 404 and "left out: %s" % path in s.stderr(), "after SIGHUP the truncated package is left out",
          (st, s.stderr()[-400:]))
    big_package(pk, "big2.tar", 2)
    os.replace(os.path.join(pk, "big2.tar"), path)
    st, h, data = s.req("GET", "/v1/packages/big.tar")
    check(st == 404, "a package replaced on disk before a reload: 404", st)
    os.unlink(os.path.join(pk, "pkgG.tar.gz"))
    st, h, data = s.req("GET", "/v1/packages/pkgG.tar.gz")
    check(st == 404 and b"gone from disk" in data, "a package deleted on disk: 404", data[:200])
    s.hup()
    deadline = time.time() + 20 * SLOW
    while time.time() < deadline and s.stderr().count(" left out\n") < 3:
        time.sleep(0.05)
    st, h, data = s.req("GET", "/v1/packages/big.tar")
    st2, vers = s.json("GET", "/v1/versions")
    check(st == 200 and len(data) == os.path.getsize(path) and "G" not in vers["versions"] and vers["versions"]["Z"] == "9",
          "after SIGHUP the replaced package is served and the deleted one is gone", (st, vers))
    check(s.stop() == 0, "a clean stop after the faults")

    # 10,000 idle connections while others are served
    idle_connections(pk, os.path.join(d, "idle.db"))

    # a corrupt database file at start
    bad_db = os.path.join(d, "corrupt.db")
    with open(bad_db, "wb") as f:
        f.write(b"this is not an SQLite database, nor anything else" * 100)
    r = subprocess.run([SERVER, "--packages", pk, "--db", bad_db, "--listen", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 1 and bad_db in r.stderr and "not" in r.stderr and r.stdout == "",
          "a corrupt database file: exit 1, the error names it", r.stderr)
    good = os.path.join(d, "damaged.db")
    con = sqlite3.connect(good)
    con.execute("CREATE TABLE t(x)")
    con.executemany("INSERT INTO t VALUES (?)", [(os.urandom(500),) for _ in range(200)])
    con.commit()
    con.close()
    with open(good, "r+b") as f:
        # the b-tree page headers after the first: the file still says it is a database
        for page in range(1, 8):
            f.seek(4096 * page)
            f.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff" + os.urandom(24))
    r = subprocess.run([SERVER, "--packages", pk, "--db", good, "--listen", "127.0.0.1:0"],
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 1 and good in r.stderr and "corrupt" in r.stderr, "a database with damaged pages: exit 1, naming it",
          r.stderr)

    kill9(pk, os.path.join(d, "kill.db"))


def idle_connections(pk, db):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 10000
    if hard < want + 200:
        skip("10,000 idle connections", "the open-file limit is %d" % hard)
        return
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    s = Server(pk, db, "--timeout", "60")
    tok = s.register("fig3a")
    conns = []
    t0 = time.time()
    try:
        for i in range(want):
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex(("127.0.0.1", s.port))
            conns.append(c)
        # every one accepted: the server counts them open
        deadline = time.time() + 60 * SLOW
        opened = 0
        while time.time() < deadline:
            st, h, data = s.req("GET", "/metrics")
            m = re.search(rb"dupg_connections_open (\d+)", data)
            opened = int(m.group(1)) if m else 0
            if opened >= want:
                break
            time.sleep(0.2)
        served, t1 = 0, time.time()
        for _ in range(200):
            st, d = s.json("POST", "/v1/sites/fig3a/description", description(FIG3A_DEVICES), token=tok)
            served += st == 200 and d == FIG3A_TASK
        check(opened >= want and served == 200,
              "%d idle connections open (in %.1f s) while 200 descriptions are served (%.2f s)"
              % (opened, t1 - t0, time.time() - t1), (opened, served))
    finally:
        for c in conns:
            c.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    check(s.stop() == 0, "a clean stop with 10,000 connections just closed")


def kill9(pk, db):
    """kill -9 while statuses are written: every acknowledged one is in the database after."""
    s = Server(pk, db, "--threads", "4")
    sites = ["k%d" % i for i in range(16)]
    tokens = {x: s.register(x) for x in sites}
    acked = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(site):
        n = 0
        while not stop.is_set() and n < 5000:
            n += 1
            try:
                st, d = s.json("POST", "/v1/sites/%s/status" % site, {"state": "downloading", "detail": "n%d" % n},
                               token=tokens[site])
            except OSError:
                return
            if st == 200:
                with lock:
                    acked.append((site, d["seq"], "n%d" % n))

    threads = [threading.Thread(target=writer, args=(x,)) for x in sites]
    for t in threads:
        t.start()
    deadline = time.time() + 20
    while len(acked) < 300 and time.time() < deadline:
        time.sleep(0.01)
    s.kill9()
    stop.set()
    for t in threads:
        t.join(30)
    s2 = Server(pk, db)
    con = sqlite3.connect(db)
    rows = set(con.execute("SELECT site, seq, detail FROM statuses"))
    con.close()
    lost = [a for a in acked if a not in rows]
    st, d = s2.json("GET", "/v1/sites/k0", token=tokens["k0"])
    check(len(acked) >= 300 and not lost and st == 200,
          "kill -9 during %d acknowledged status writes: none lost, the database opens again" % len(acked),
          lost[:5])
    check(s2.stop() == 0, "a clean stop after the restart")


# --- load ------------------------------------------------------------------------------------

def fleet_packages(d, generations=12, releases=5):
    """A package set like the simulator's fleets: per generation and release a BBU and a radio package."""
    for g in range(generations):
        for r in range(releases):
            v = "%d.%d" % (g + 1, r)
            pack(d, "g%d-bbu-%s" % (g, v), v, ["G%d-bbu" % g])
            pack(d, "g%d-radio-%s" % (g, v), v, ["G%d-hub" % g, "G%d-rru" % g])


def random_site(rng, generations=12, releases=6):
    g = rng.randrange(generations)
    devs = [("BBU", "G%d-bbu" % g, "%d.%d" % (g + 1, rng.randrange(releases)))]
    for h in range(rng.randrange(1, 4)):
        devs.append(("HUB%d" % h, "G%d-hub" % g, "%d.%d" % (g + 1, rng.randrange(releases))))
        for k in range(rng.randrange(0, 3)):
            gg = g if rng.random() < 0.8 else (g + 1) % generations
            devs.append(("RRU%d.%d" % (h, k), "G%d-rru" % gg, "%d.%d" % (gg + 1, rng.randrange(releases))))
    return description(devs)


def load():
    d = tmpdir()
    pk = os.path.join(d, "packages")
    os.mkdir(pk)
    fleet_packages(pk)
    db = os.path.join(d, "state.db")
    s = Server(pk, db, "--threads", "8")
    rng = random.Random(8)
    n = 500
    descs = [random_site(rng) for _ in range(n)]
    want = match_ref(pk, descs)
    results = [None] * n

    def session(i):
        site = "site%03d" % i
        tok = s.register(site)
        st, got = s.json("POST", "/v1/sites/%s/description" % site, descs[i], token=tok)
        st2, _ = s.json("POST", "/v1/sites/%s/status" % site, {"state": "staged"}, token=tok)
        results[i] = (st, got, st2)

    t0 = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=n) as ex:
        list(ex.map(session, range(n)))
    took = time.time() - t0
    wrong = [i for i in range(n) if results[i] is None or results[i][0] != 200 or results[i][2] != 200 or
             {"kind": results[i][1]["kind"], "task": results[i][1]["task"]} != want[i]]
    kinds = {}
    for w in want:
        kinds[w["kind"]] = kinds.get(w["kind"], 0) + 1
    check(not wrong, "%d concurrent sessions (%.1f s): every task is dupg_match's (%s)" % (n, took, kinds),
          [(i, results[i], want[i]) for i in wrong[:3]])

    # SIGHUP under load: every answer comes from the old set or the new one, never half of each
    newer = os.path.join(d, "newer")
    os.mkdir(newer)
    for g in range(12):
        v = "%d.9" % (g + 1)
        pack(newer, "g%d-bbu-%s" % (g, v), v, ["G%d-bbu" % g])
    with open(os.path.join(newer, "broken.tar.gz"), "wb") as f:
        f.write(b"\x1f\x8b broken")
    both = os.path.join(d, "both")
    shutil.copytree(pk, both)
    for f in os.listdir(newer):
        shutil.copy(os.path.join(newer, f), os.path.join(both, f))
    want_new = match_ref(both, descs)
    stop = threading.Event()
    seen = {"old": 0, "new": 0, "bad": []}
    lock = threading.Lock()
    # a token is handed out once: the hammering is done by new sites with the same descriptions
    tokens = {i: s.register("hsite%03d" % i) for i in range(n)}

    def hammer(k):
        i, count = k, 0
        while not stop.is_set() and count < 100000:
            count += 1
            i = (i + 7) % n
            st, got = s.json("POST", "/v1/sites/hsite%03d/description" % i, descs[i], token=tokens[i])
            t = {"kind": got["kind"], "task": got["task"]} if st == 200 else None
            with lock:
                if t == want[i] and t == want_new[i]:
                    pass
                elif t == want[i]:
                    seen["old"] += 1
                elif t == want_new[i]:
                    seen["new"] += 1
                else:
                    seen["bad"].append((i, st, got))

    threads = [threading.Thread(target=hammer, args=(k,)) for k in range(16)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    for f in os.listdir(newer):
        shutil.copy(os.path.join(newer, f), os.path.join(pk, f))
    s.hup()
    deadline = time.time() + 30 * SLOW
    while time.time() < deadline and "broken.tar.gz" not in s.stderr():
        time.sleep(0.05)
    time.sleep(0.3)
    for _ in range(3):
        s.hup()
        time.sleep(0.2)
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join(60)
    check(not seen["bad"] and seen["old"] > 0 and seen["new"] > 0 and "left out: %s/broken.tar.gz" % pk in s.stderr(),
          "SIGHUP under load: %d answers from the old set, %d from the new, none from half of each; "
          "the broken package reported and left out" % (seen["old"], seen["new"]), seen["bad"][:3])
    after = []
    for i in range(0, n, 25):
        st, got = s.json("POST", "/v1/sites/hsite%03d/description" % i, descs[i], token=tokens[i])
        after.append({"kind": got["kind"], "task": got["task"]} == want_new[i])
    check(all(after), "after the reload every task is the new set's")
    check(s.stop() == 0, "a clean stop after the load")


# --- rollouts --------------------------------------------------------------------------------

def rollout_fleet(s, n, prefix="r"):
    """n registered sites running G0 1.0 everywhere; their tokens."""
    return {"%s%03d" % (prefix, i): s.register("%s%03d" % (prefix, i)) for i in range(n)}


OLD_SITE = description([("BBU", "G0-bbu", "1.0"), ("HUB", "G0-hub", "1.0"), ("RRU", "G0-rru", "1.0")])


def rollout_packages():
    d = tmpdir("dupg-pk-")
    pack(d, "bbu-1.0", "1.0", ["G0-bbu"])
    pack(d, "radio-1.0", "1.0", ["G0-hub", "G0-rru"])
    pack(d, "bbu-2.0", "2.0", ["G0-bbu"])
    pack(d, "radio-2.0", "2.0", ["G0-hub", "G0-rru"])
    return d


def create(db, packages, waves, threshold):
    r = subprocess.run([SERVER, "rollout", "create", "--db", db, "--packages", packages, "--waves", waves,
                        "--threshold", str(threshold)], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    return json.loads(r.stdout)


def waves_of(s, tokens, rid):
    out = {}
    for site, tok in tokens.items():
        st, d = s.json("GET", "/v1/sites/" + site, token=tok)
        out[site] = next(r["wave"] for r in d["rollouts"] if r["id"] == rid)
    return out


def expected_sizes(waves, n):
    ends = [min(n, math.ceil(f * n)) for f in waves[:-1]] + [n]
    return [e - (ends[i - 1] if i else 0) for i, e in enumerate(ends)]


def rollout_scenario(servers, db, label=""):
    """Waves opening, pause and resume, then a rollout that halts; servers take turns."""
    L = label
    pick = lambda i: servers[i % len(servers)]
    s = servers[0]
    n = 40
    tokens = rollout_fleet(s, n)
    sites = sorted(tokens)
    ro = create(db, "bbu-2.0.tar.gz,radio-2.0.tar.gz", "0.1,0.5,1", 0.2)
    rid = ro["id"]
    wave = waves_of(s, tokens, rid)
    sizes = [sum(1 for x in wave.values() if x == w + 1) for w in range(3)]
    check(sizes == expected_sizes([0.1, 0.5, 1], n) and ro["total"] == n,
          L + "sites are ranked into waves of ceil(fraction * total)", sizes)
    new_task = ["/v1/packages/bbu-2.0.tar.gz", "/v1/packages/radio-2.0.tar.gz"]

    def describe_all():
        got = {}
        for i, site in enumerate(sites):
            st, d = pick(i).json("POST", "/v1/sites/%s/description" % site, OLD_SITE, token=tokens[site])
            got[site] = d["task"] == new_task
        return got

    got = describe_all()
    leaked = [x for x in sites if got[x] != (wave[x] == 1)]
    check(not leaked, L + "only wave 1 gets the rollout's packages", leaked)
    first = [x for x in sites if wave[x] == 1]
    for i, site in enumerate(first):
        pick(i).json("POST", "/v1/sites/%s/status" % site, {"state": "upgraded"}, token=tokens[site])
    st, r = s.json("GET", "/v1/rollouts/%d" % rid)
    check(r["open_waves"] == 2 and r["state"] == "running", L + "wave 1 upgraded: wave 2 opens", r)
    subprocess.run([SERVER, "rollout", "pause", "--db", db, str(rid)], check=True, capture_output=True, timeout=60)
    got = describe_all()
    check(not any(got.values()), L + "paused: nobody gets the packages", [x for x in got if got[x]])
    r = subprocess.run([SERVER, "rollout", "resume", "--db", db, str(rid)], capture_output=True, text=True, timeout=60)
    check(json.loads(r.stdout)["state"] == "running", L + "resumed", r.stdout)
    got = describe_all()
    leaked = [x for x in sites if got[x] != (wave[x] in (1, 2))]
    check(not leaked, L + "resumed: waves 1 and 2 get them", leaked)
    for i, site in enumerate(x for x in sites if wave[x] == 2):
        pick(i).json("POST", "/v1/sites/%s/status" % site, {"state": "upgraded"}, token=tokens[site])
    for i, site in enumerate(x for x in sites if wave[x] == 3):
        st, d = pick(i).json("POST", "/v1/sites/%s/description" % site, OLD_SITE, token=tokens[site])
        pick(i).json("POST", "/v1/sites/%s/status" % site, {"state": "upgraded"}, token=tokens[site])
    st, r = s.json("GET", "/v1/rollouts/%d" % rid)
    check(r["state"] == "done" and r["per_wave"][2]["upgraded"] == sizes[2], L + "every wave upgraded: done", r)



def halt_scenario(servers, db, label=""):
    """A rollout that halts; servers take turns."""
    L = label
    pick = lambda i: servers[i % len(servers)]
    s = servers[0]
    n = 40
    new_task = ["/v1/packages/bbu-2.0.tar.gz", "/v1/packages/radio-2.0.tar.gz"]
    tokens2 = rollout_fleet(s, n, "h")
    sites2 = sorted(tokens2)
    ro = create(db, "bbu-2.0.tar.gz,radio-2.0.tar.gz", "0.25,1", 0.3)
    rid2 = ro["id"]
    wave2 = waves_of(s, tokens2, rid2)
    w1 = [x for x in sites2 if wave2[x] == 1]
    for i, site in enumerate(sites2):
        st, d = pick(i).json("POST", "/v1/sites/%s/description" % site, OLD_SITE, token=tokens2[site])
        if (d["task"] == new_task) != (wave2[site] == 1):
            bad(L + "halt: only wave 1 before any report", site)
            break
    # 3 of 10 failing is 0.3: not past the threshold; the fourth is
    for i, site in enumerate(w1[:3]):
        pick(i).json("POST", "/v1/sites/%s/status" % site, {"state": "failed" if i % 2 else "rolled_back",
                                                          "detail": "HUB2 failed to switch"}, token=tokens2[site])
    st, r = s.json("GET", "/v1/rollouts/%d" % rid2)
    check(r["state"] == "running", L + "3 of %d failed (0.3): not past the threshold" % len(w1), r["state"])
    pick(1).json("POST", "/v1/sites/%s/status" % w1[3], {"state": "failed"}, token=tokens2[w1[3]])
    views = [srv.json("GET", "/v1/rollouts/%d" % rid2)[1] for srv in servers]
    check(all(v["state"] == "halted" and v["halted_wave"] == 1 and v["per_wave"][0]["failed"] +
              v["per_wave"][0]["rolled_back"] == 4 for v in views),
          L + "the fourth failure halts the rollout (seen by %d server(s))" % len(servers), views[0])
    got = {}
    for i, site in enumerate(sites2):
        st, d = pick(i).json("POST", "/v1/sites/%s/description" % site, OLD_SITE, token=tokens2[site])
        got[site] = d["task"] == new_task
    check(not any(got.values()), L + "halted: no site gets it any more, on any server", [x for x in got if got[x]])
    r = subprocess.run([SERVER, "rollout", "resume", "--db", db, str(rid2)], capture_output=True, text=True, timeout=60)
    check(r.returncode == 1 and "halted rollout cannot be resumed" in r.stderr, L + "a halted rollout stays halted",
          r.stderr)
    r = subprocess.run([SERVER, "rollout", "list", "--db", db], capture_output=True, text=True, timeout=60)
    lst = json.loads(r.stdout)
    check([x["state"] for x in lst] == ["halted"], L + "rollout list", r.stdout[:200])


def rollout():
    d = tmpdir()
    pk = rollout_packages()
    for i, fn in enumerate((rollout_scenario, halt_scenario)):
        db = os.path.join(d, "state%d.db" % i)
        s = Server(pk, db)
        fn([s], db)
        check(s.stop() == 0, "a clean stop after the rollout")


# --- PostgreSQL ------------------------------------------------------------------------------

def pg():
    p = Postgres()
    if p.why:
        skip("PostgreSQL", p.why)
        return
    ok("a throwaway PostgreSQL on a Unix socket (%s)" % p.sock)
    api(p.createdb("api"), "postgresql: ")
    n = p.psql("api", "SELECT COUNT(*) FROM statuses")
    check(n == "5", "postgresql: the statuses are in the database", n)
    # two servers, one database, one rollout
    pk = rollout_packages()
    for name, fn in (("waves", rollout_scenario), ("halt", halt_scenario)):
        uri = p.createdb(name)
        a = Server(pk, uri)
        b = Server(pk, uri)
        fn([a, b], uri, "two servers: ")
        check(a.stop() == 0 and b.stop() == 0, "two servers: both stop cleanly")
    uri = p.createdb("race")
    a = Server(pk, uri)
    b = Server(pk, uri)
    # concurrent descriptions on both while the halting failures come in: no closed wave leaks
    tokens = rollout_fleet(a, 60, "c")
    sites = sorted(tokens)
    ro = create(uri, "bbu-2.0.tar.gz,radio-2.0.tar.gz", "0.1,1", 0.0)
    wave = waves_of(a, tokens, ro["id"])
    new_task = ["/v1/packages/bbu-2.0.tar.gz", "/v1/packages/radio-2.0.tar.gz"]
    given = []
    lock = threading.Lock()

    def session(i):
        site = sites[i]
        srv = (a, b)[i % 2]
        for _ in range(3):
            st, d = srv.json("POST", "/v1/sites/%s/description" % site, OLD_SITE, token=tokens[site])
            if d["task"] == new_task:
                with lock:
                    given.append(site)
                srv.json("POST", "/v1/sites/%s/status" % site, {"state": "failed"}, token=tokens[site])

    with concurrent.futures.ThreadPoolExecutor(max_workers=60) as ex:
        list(ex.map(session, range(60)))
    states = [srv.json("GET", "/v1/rollouts/%d" % ro["id"])[1]["state"] for srv in (a, b)]
    leaked = [x for x in given if wave[x] != 1]
    check(not leaked and states == ["halted", "halted"] and len(set(given)) <= 6,
          "two servers, concurrent sessions: no site of a closed wave got a package, the halt seen by both "
          "(%d site(s) of wave 1 got it before the halt)" % len(set(given)), (leaked, states, given))
    check(a.stop() == 0 and b.stop() == 0, "both servers stop cleanly")
    p.stop()
    check(p.proc.poll() is not None, "PostgreSQL stopped")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else ""
    fn = {"api": api_sqlite, "faults": faults, "load": load, "rollout": rollout, "pg": pg}.get(what)
    if fn is None:
        print(__doc__)
        sys.exit(2)
    t0 = time.time()
    try:
        fn()
    except Exception as e:  # an unexpected failure is a failed check, and still cleans up
        import traceback
        traceback.print_exc()
        bad("%s: %s" % (what, e))
    print("# %s: %.1f s" % (what, time.time() - t0))
    finish()
