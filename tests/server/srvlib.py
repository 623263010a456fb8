# SPDX-License-Identifier: BSD-2-Clause
"""Shared by the server's tests: start dupg-server on 127.0.0.1 port 0 and read
its port from its first stdout line, talk HTTP to it, build packages, start a
throwaway PostgreSQL, and count checks. Every wait is bounded; every process
started here is stopped at exit (atexit and on SIGTERM/SIGINT), by its pid."""

import atexit
import http.client
import json
import os
import pwd
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(os.environ.get("top_builddir", "."))
SRC = os.path.abspath(os.environ.get("top_srcdir", "."))
SERVER = os.path.join(BUILD, "server", "dupg-server")
SIM = os.path.join(BUILD, "sim", "dupg-sim")
MATCH_REF = os.path.join(BUILD, "tests", "server", "match_ref")
PG_BIN = "/usr/lib/postgresql/15/bin"
# Under scripts/valgrind-wrap.sh the server runs under valgrind (slower: waits grow).
VALGRIND = os.environ.get("DUPG_VALGRIND", "").split()
SLOW = 4 if VALGRIND else 1

_children = []
_passed = 0
_failed = 0
_skipped = 0


def _cleanup(*_):
    for p in list(_children):
        if p.poll() is None:
            try:
                p.kill()
                p.wait(timeout=10)
            except Exception:
                pass


atexit.register(_cleanup)


def _on_signal(signum, frame):
    _cleanup()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)


def ok(name):
    global _passed
    _passed += 1
    print("ok - " + name, flush=True)


def bad(name, detail=""):
    global _failed
    _failed += 1
    print("FAIL - %s%s" % (name, (": " + str(detail)) if detail else ""), flush=True)


def check(cond, name, detail=""):
    if cond:
        ok(name)
    else:
        bad(name, detail)
    return cond


def skip(name, why):
    global _skipped
    _skipped += 1
    print("skip - %s: %s" % (name, why), flush=True)


def finish():
    print("%d passed, %d failed%s" % (_passed, _failed, ", %d skipped" % _skipped if _skipped else ""))
    _cleanup()
    if _failed:
        sys.exit(1)
    if _passed == 0 and _skipped:
        sys.exit(77)
    sys.exit(0)


def tmpdir(prefix="dupg-srv-"):
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, True)
    return d


def spawn(args, **kw):
    p = subprocess.Popen(args, **kw)
    _children.append(p)
    return p


class Server:
    """dupg-server on 127.0.0.1:0; .port, .url, .stop(), .kill9(), .hup()."""

    def __init__(self, packages, db, *extra, wait=20, tls=False):
        self.dir = tmpdir("dupg-srv-log-")
        self.errpath = os.path.join(self.dir, "stderr")
        self.err = open(self.errpath, "wb")
        args = VALGRIND + [SERVER, "--packages", packages, "--db", db, "--listen", "127.0.0.1:0"] + list(extra)
        self.proc = spawn(args, stdout=subprocess.PIPE, stderr=self.err, stdin=subprocess.DEVNULL)
        self.line = self._first_line(wait * SLOW)
        scheme = "https" if tls else "http"
        prefix = "listening on %s://127.0.0.1:" % scheme
        if not self.line.startswith(prefix):
            raise RuntimeError("dupg-server said %r, stderr: %s" % (self.line, self.stderr()))
        self.port = int(self.line[len(prefix):])
        self.url = "%s://127.0.0.1:%d" % (scheme, self.port)
        self.tls = tls

    def _first_line(self, wait):
        deadline = time.time() + wait
        buf = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in buf:
            left = deadline - time.time()
            if left <= 0 or self.proc.poll() is not None:
                break
            r, _, _ = select.select([fd], [], [], min(left, 0.2))
            if r:
                chunk = os.read(fd, 256)
                if not chunk:
                    break
                buf += chunk
        return buf.split(b"\n")[0].decode("utf-8", "replace")

    def stderr(self):
        self.err.flush()
        with open(self.errpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def alive(self):
        return self.proc.poll() is None

    def hup(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self, wait=20):
        """SIGTERM; the exit status, or None when it had to be killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=wait * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None

    def kill9(self):
        self.proc.kill()
        self.proc.wait(timeout=10)

    def conn(self, timeout=10):
        if self.tls:
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout * SLOW, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout * SLOW)

    def req(self, method, path, body=None, headers=None, token=None, timeout=10):
        """(status, headers as a dict with lower-case names, body bytes)."""
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = "Bearer " + token
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode()
        c = self.conn(timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()

    def json(self, method, path, body=None, token=None, headers=None):
        st, h, data = self.req(method, path, body, headers, token)
        try:
            return st, json.loads(data) if data else None
        except ValueError:
            return st, data

    def register(self, site):
        st, d = self.json("POST", "/v1/sites", {"id": site})
        if st != 201:
            raise RuntimeError("register %s: %s %s" % (site, st, d))
        return d["token"]


def raw(port, data, read=True, timeout=5):
    """Send bytes on a new connection; what came back (until close or timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        if read:
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    out += chunk
                    if b"\r\n\r\n" in out and not out.startswith(b"HTTP/1.1 100"):
                        head, _, rest = out.partition(b"\r\n\r\n")
                        for line in head.split(b"\r\n"):
                            if line.lower().startswith(b"content-length:"):
                                if len(rest) >= int(line.split(b":")[1]):
                                    return out
            except socket.timeout:
                pass
        return out
    finally:
        s.close()


def pack(outdir, name, version, hw, payload=b"payload\n", files=1):
    """A package built by dupg-sim pack; its path."""
    src = tmpdir("dupg-pack-")
    args = [SIM, "pack", "--out", os.path.join(outdir, name + ".tar.gz"), "--name", name,
            "--version", version, "--hw", ",".join(hw)]
    for i in range(files):
        p = os.path.join(src, "part%d" % i)
        with open(p, "wb") as f:
            f.write(payload)
        args.append("%s=opt/%s/part%d" % (p, name, i))
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(src, True)
    return os.path.join(outdir, name + ".tar.gz")


# The seed's figure 3a: its devices, and the server's set (packages 5 and 6 are its task).
FIG3A_DEVICES = [("BBU1", "A", "3"), ("HUB1", "B", "4"), ("HUB2", "C", "2"), ("HUB3", "B", "4"),
                 ("RRU1", "D", "2"), ("RRU2", "E", "2"), ("RRU3", "D", "2"), ("RRU4", "E", "2")]


def fig3a_packages(d):
    pack(d, "pkg5", "5", ["A"])
    pack(d, "pkg6", "6", ["B", "C"])
    pack(d, "pkgF", "3", ["F"])
    pack(d, "pkgG", "7", ["G"])


def description(devices):
    """The system version description dupg-sim merge prints, for (id, hw, version) devices."""
    hw = {}
    for i, t, v in devices:
        hw.setdefault(t, {}).setdefault(v, []).append(i)
    return {"hw": {t: [{"version": v, "devices": ids} for v, ids in vs.items()] for t, vs in hw.items()}}


def match_ref(pkgdir, descriptions):
    """dupg_match run directly (tests/server/match_ref) on each description."""
    text = "".join(json.dumps(d, separators=(",", ":")) + "\n" for d in descriptions)
    out = subprocess.run([MATCH_REF, pkgdir], input=text, capture_output=True, text=True, check=True,
                         timeout=120)
    return [json.loads(l) for l in out.stdout.splitlines()]


class Postgres:
    """A throwaway PostgreSQL: initdb into a temporary directory as an unprivileged user, a Unix
    socket only, stopped at exit. .uri(db) gives the libpq URI; .available says why not."""

    def __init__(self):
        self.why = None
        self.proc = None
        if not os.path.exists(os.path.join(PG_BIN, "initdb")):
            self.why = "PostgreSQL 15 is not installed (%s)" % PG_BIN
            return
        self.dir = tempfile.mkdtemp(prefix="dupg-pg-")
        atexit.register(shutil.rmtree, self.dir, True)
        self.data = os.path.join(self.dir, "data")
        self.sock = self.dir
        user = None
        self.wrap = []
        if os.getuid() == 0:
            # postgres refuses to run as root: run it as nobody, in a directory nobody owns
            user = pwd.getpwnam("nobody")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            os.chmod(self.dir, 0o755)
            self.wrap = ["setpriv", "--reuid=%d" % user.pw_uid, "--regid=%d" % user.pw_gid, "--clear-groups"]
            if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
                # a sandbox whose /dev/null is a plain file root owns: initdb writes to it, so give
                # postgres a writable one in a mount namespace of its own (the machine's is untouched)
                null = os.path.join(self.dir, "null")
                open(null, "w").close()
                os.chmod(null, 0o666)
                self.wrap = ["unshare", "-m", "sh", "-c", 'mount --bind "$0" /dev/null && exec "$@"',
                             null] + self.wrap
        self.user = user.pw_name if user else pwd.getpwuid(os.getuid()).pw_name
        env = dict(os.environ, LC_ALL="C", HOME=self.dir)
        self.env = env
        r = subprocess.run(self.wrap + [os.path.join(PG_BIN, "initdb"), "-D", self.data, "-U", self.user,
                                        "-A", "trust", "--no-sync", "-E", "UTF8"],
                           env=env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            self.why = "initdb failed: " + (r.stderr.strip() or r.stdout.strip())[-300:]
            return
        log = open(os.path.join(self.dir, "postgres.log"), "wb")
        self.proc = spawn(self.wrap + [os.path.join(PG_BIN, "postgres"), "-D", self.data, "-k", self.sock,
                                       "-c", "listen_addresses=", "-c", "fsync=on", "-c", "max_connections=200",
                                       "-c", "shared_buffers=64MB"],
                          env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        atexit.register(self.stop)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            r = subprocess.run([os.path.join(PG_BIN, "pg_isready"), "-h", self.sock, "-U", self.user],
                               capture_output=True, env=env)
            if r.returncode == 0:
                return
            time.sleep(0.2)
        self.why = "postgres did not start: " + open(os.path.join(self.dir, "postgres.log")).read()[-300:]

    def createdb(self, name):
        subprocess.run([os.path.join(PG_BIN, "createdb"), "-h", self.sock, "-U", self.user, name],
                       check=True, env=self.env, timeout=60)
        return self.uri(name)

    def uri(self, name):
        return "postgresql://%s@/%s?host=%s" % (self.user, name, self.sock)

    def psql(self, name, sql):
        r = subprocess.run([os.path.join(PG_BIN, "psql"), "-h", self.sock, "-U", self.user, "-d", name,
                            "-At", "-c", sql], capture_output=True, text=True, env=self.env, timeout=60)
        return r.stdout.strip()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            # SIGINT: the fast shutdown
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
