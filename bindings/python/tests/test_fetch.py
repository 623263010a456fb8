# SPDX-License-Identifier: BSD-2-Clause
"""dupg.Fetch, dupg.rank and dupg.nearness (dupg/fetch.h, dupg/locality.h).

Servers are tests/fetch/httpd.py on 127.0.0.1, port 0, each started by a
fixture and stopped by it (also when the test fails); every wait is bounded.
"""

import os
import subprocess
import sys
import threading
import time

import pytest

import dupg
from conftest import make_pkg, srcpath

HTTPD = srcpath("tests", "fetch", "httpd.py")


class Server:
    def __init__(self, root, *args):
        self.proc = subprocess.Popen([sys.executable, HTTPD, "--root", str(root)] + list(args),
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        line = b""
        deadline = time.monotonic() + 10
        while not line.endswith(b"\n") and time.monotonic() < deadline:
            c = self.proc.stdout.read(1)
            if not c:
                break
            line += c
        if not line.startswith(b"listening on http://127.0.0.1:"):
            self.stop()
            raise RuntimeError("the test server did not start: %r" % line)
        self.url = line.decode().strip()[len("listening on "):]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


OPEN = []


def closing(f):
    """A Fetch closed at the end of the test: a traceback kept by pytest.raises holds the
    test's frame, which would keep the handle alive past the test (test_memory counts them)."""
    OPEN.append(f)
    return f


@pytest.fixture(autouse=True)
def close_fetches():
    yield
    while OPEN:
        OPEN.pop().close()


@pytest.fixture
def serve():
    started = []

    def start(root, *args):
        s = Server(root, *args)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture
def pkgs(tmp_path):
    d = tmp_path / "srv"
    d.mkdir()
    (tmp_path / "store").mkdir()
    a = make_pkg(d, "pa", "1", ["A"], payload=os.urandom(600000), fmt="tar")
    b = make_pkg(d, "pb", "1", ["B"])
    return d, [os.path.basename(a), os.path.basename(b)]


def test_nearness_and_rank():
    own = "cluster=x,chassis=1,slot=3"
    assert dupg.NEARNESS == ("slot", "chassis", "cluster", "other")
    assert dupg.nearness(own, "chassis=1,slot=3") == "slot"
    assert dupg.nearness(own, "cluster=x,chassis=1,slot=4") == "chassis"
    assert dupg.nearness(own, "cluster=x,chassis=2,slot=3") == "cluster"
    assert dupg.nearness(own, "cluster=y,chassis=1") == "other"
    assert dupg.nearness(own, None) == "other"
    servers = ["cluster=y", None, "cluster=x,chassis=1", "cluster=x", "chassis=1,slot=3", "cluster=x,chassis=1,slot=9"]
    assert dupg.rank(own, servers) == [4, 2, 5, 3, 0, 1]
    assert dupg.rank(None, servers) == list(range(6))
    assert dupg.rank(own, []) == []
    dupg.location_check("a=b,c=d")
    dupg.location_check(None)


def test_bad_locations():
    with pytest.raises(dupg.BadInputError, match="appears twice"):
        dupg.location_check("slot=1,slot=2")
    with pytest.raises(dupg.BadInputError, match="server 1"):
        dupg.rank("chassis=1", ["slot=1", "slot"])
    with pytest.raises(dupg.BadInputError, match="KEY=VALUE"):
        dupg.nearness("chassis", None)
    with pytest.raises(dupg.ArgumentError):
        dupg.rank("chassis=1", "slot=1")
    with pytest.raises(dupg.BadInputError, match="fetch options"):
        dupg.Fetch(location="chassis")
    with pytest.raises(dupg.ArgumentError, match="progress"):
        dupg.Fetch(progress=5)


def test_fetch_outcomes_and_progress(tmp_path, pkgs, serve):
    root, names = pkgs
    far, near = serve(root), serve(root)
    seen = []
    with dupg.Fetch(location="chassis=1,slot=1", progress=lambda p: seen.append(p)) as f:
        out = f.run(tmp_path / "store", names,
                    [(far.url, "chassis=2"), {"url": near.url, "location": "chassis=1,slot=1"}])
        assert f.outcomes == out
        assert f.bytes == sum(o["bytes"] for o in out)
    assert [o["path"] for o in out] == names
    for o, n in zip(out, names):
        assert o["file"] == str(tmp_path / "store" / n)
        assert o["server"] == 1 and o["url"] == near.url + "/" + n
        assert o["size"] == o["bytes"] == os.path.getsize(root / n)
        assert o["resumed"] is False and o["failovers"] == 0
        assert o["verified_inline"] is True  # a tar, its manifest first: checked as it came
        with open(o["file"], "rb") as a, open(root / n, "rb") as b:
            assert a.read() == b.read()
    assert seen and seen[-1]["all_done"] == sum(o["size"] for o in out)
    assert seen[-1]["package"] == 1 and seen[-1]["packages"] == 2
    assert all(x["all_done"] <= y["all_done"] for x, y in zip(seen, seen[1:]))
    assert not [p for p in os.listdir(tmp_path / "store") if ".part" in p]


def test_failover_on_a_corrupt_server_and_the_error_when_all_fail(tmp_path, pkgs, serve):
    root, names = pkgs
    bad, good = serve(root, "--corrupt"), serve(root)
    f = closing(dupg.Fetch())
    out = f.run(tmp_path / "store", names[:1], [bad.url, good.url])
    assert out[0]["server"] == 1 and out[0]["failovers"] == 1
    os.unlink(out[0]["file"])
    with pytest.raises(dupg.IntegrityError, match="verification failed") as e:
        f.run(tmp_path / "store", names[:1], [bad.url])
    assert bad.url in str(e.value)
    assert not os.path.exists(tmp_path / "store" / names[0])
    assert f.outcomes == []
    down = serve(root)
    down.stop()
    with pytest.raises(dupg.NetworkError, match="every server failed") as e:
        f.run(tmp_path / "store", names[:1], [down.url])
    assert isinstance(e.value, ConnectionError) and down.url in str(e.value)
    f.close()


def test_verify_callback_refuses_then_next_server(tmp_path, pkgs, serve):
    root, names = pkgs
    a, b = serve(root), serve(root)
    calls = []

    def trust(file, path, url):
        calls.append((path, url))
        if url.startswith(a.url + "/"):
            raise ValueError("not signed by a trusted key")

    f = closing(dupg.Fetch(verify=trust))
    out = f.run(tmp_path / "store", names[:1], [a.url, b.url])
    assert [c[0] for c in calls] == [names[0], names[0]]
    assert out[0]["server"] == 1 and out[0]["failovers"] == 1
    assert out[0]["verified_inline"] is False  # the hook decides, after the transfer
    with pytest.raises(dupg.IntegrityError, match="not signed by a trusted key"):
        f.run(tmp_path / "store", names[:1], [a.url])


def test_cancel_from_the_progress_callback_then_resume(tmp_path, pkgs, serve):
    root, names = pkgs
    s = serve(root, "--rate", "2000000")
    f = closing(dupg.Fetch(progress=lambda p: p["done"] > 100000))
    with pytest.raises(dupg.AbortedError, match="progress callback"):
        f.run(tmp_path / "store", names[:1], [s.url])
    part = tmp_path / "store" / (names[0] + ".part")
    assert os.path.getsize(part) > 100000
    assert not os.path.exists(tmp_path / "store" / names[0])
    out = closing(dupg.Fetch()).run(tmp_path / "store", names[:1], [s.url])
    assert out[0]["resumed"] is True and out[0]["bytes"] < out[0]["size"] - 100000
    assert out[0]["verified_inline"] is True


def test_an_exception_in_the_progress_callback_comes_out(tmp_path, pkgs, serve):
    root, names = pkgs
    s = serve(root)

    def boom(p):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        closing(dupg.Fetch(progress=boom)).run(tmp_path / "store", names, [s.url])


def test_cancel_from_another_thread(tmp_path, pkgs, serve):
    root, names = pkgs
    s = serve(root, "--rate", "100000")  # 600 kB: 6 s unless cancelled
    f = closing(dupg.Fetch())
    t = threading.Timer(0.3, f.cancel)
    t.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(dupg.AbortedError, match="cancelled"):
            f.run(tmp_path / "store", names[:1], [s.url])
    finally:
        t.cancel()
        t.join()
    assert time.monotonic() - t0 < 5
    assert not os.path.exists(tmp_path / "store" / names[0])


def test_close_while_running_is_busy(tmp_path, pkgs, serve):
    root, names = pkgs
    s = serve(root, "--rate", "200000")
    f = closing(dupg.Fetch())
    errors = []

    def later():
        time.sleep(0.3)
        try:
            f.close()
        except dupg.BusyError as e:
            errors.append(e)
        f.cancel()

    t = threading.Thread(target=later)
    t.start()
    try:
        with pytest.raises(dupg.AbortedError):
            f.run(tmp_path / "store", names[:1], [s.url])
    finally:
        t.join(10)
    assert len(errors) == 1
    f.close()
    with pytest.raises(dupg.BadInputError, match="closed"):
        f.run(tmp_path / "store", names[:1], [s.url])


def test_timeout(tmp_path, pkgs, serve):
    root, names = pkgs
    s = serve(root, "--stall-after", "1000")
    with pytest.raises(dupg.TimedOutError) as e:
        closing(dupg.Fetch(timeout=0.5, stall_seconds=30)).run(tmp_path / "store", names[:1], [s.url])
    assert isinstance(e.value, TimeoutError)


def test_bad_run_arguments(tmp_path, pkgs):
    f = closing(dupg.Fetch())
    with pytest.raises(dupg.BadInputError, match="no server"):
        f.run(tmp_path / "store", ["p.tar"], [])
    with pytest.raises(dupg.ArgumentError, match="servers"):
        f.run(tmp_path / "store", ["p.tar"], [5])
    with pytest.raises(dupg.ArgumentError, match="paths"):
        f.run(tmp_path / "store", "p.tar", ["http://127.0.0.1:9"])
    with pytest.raises(dupg.NotFoundError, match="store directory"):
        f.run(tmp_path / "none", ["p.tar"], ["http://127.0.0.1:9"])
    with pytest.raises(dupg.DuplicateError, match="both name"):
        f.run(tmp_path / "store", ["a/p.tar", "b/p.tar"], ["http://127.0.0.1:9"])


def test_handles_go_with_close(tmp_path, pkgs, serve):
    root, names = pkgs
    s = serve(root)
    before = dupg.core._live_handles()
    f = dupg.Fetch()
    assert dupg.core._live_handles() == before + 1
    f.run(tmp_path / "store", names, [s.url])
    assert repr(f) == "<dupg.Fetch, 2 package(s) in the last run>"
    f.close()
    assert repr(f) == "<dupg.Fetch (closed)>"
    assert dupg.core._live_handles() == before
    f.cancel()  # a closed fetch: nothing to stop
