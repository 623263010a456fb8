# SPDX-License-Identifier: BSD-2-Clause
"""Threads: long calls run without the GIL, errors stay in their thread, and a
handle used from two threads at once raises BusyError instead of crashing.

Timing is never compared with a bound. The overlap test raises the GIL
switch interval so that only a call releasing the GIL lets another thread
run: two calls that held it could not overlap at all.
"""

import os
import sys
import threading
import time

import pytest

import dupg
from conftest import WORKED_STORE, make_pkg, read_list, snapshot, write_list

THREADS = 4
ROUNDS = 12 if os.environ.get("DUPG_SANITIZERS") == "yes" else 40


def run_threads(target, count=THREADS):
    """Run target(i) on count threads started together; their results, or re-raise."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def body(i):
        barrier.wait()
        try:
            results[i] = target(i)
        except BaseException as e:  # noqa: B036 - handed to the main thread
            errors.append(e)

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def outcome(call, *args):
    """What a call gives: ("ok", value) or (exception class, message, code)."""
    try:
        value = call(*args)
    except dupg.Error as e:
        return (type(e), e.message, e.code)
    return ("ok", value)


@pytest.fixture
def packages(tmp_path):
    """Good and bad packages, each bad one failing with a message of its own."""
    good = [make_pkg(tmp_path, "good%d" % i, str(i), ["A", "B"][: 1 + i % 2], fmt=fmt)
            for i, fmt in enumerate(("tar.gz", "tar", "zip", "tar.xz"))]
    corrupt = []
    for i in range(2):
        payload = b"payload of corrupt%d\n" % i * 50
        p = make_pkg(tmp_path, "corrupt%d" % i, "1", ["A"], payload=payload, fmt="tar")
        with open(p, "r+b") as f:
            f.seek(f.read().index(payload) + 7)
            f.write(b"X")
        corrupt.append(p)
    junk = str(tmp_path / "junk.tar.gz")
    with open(junk, "wb") as f:
        f.write(b"not an archive\n" * 40)
    missing = [str(tmp_path / ("missing%d.tar.gz" % i)) for i in range(2)]
    return good + corrupt + [junk] + missing


def verified(path):
    """The manifest of a fully verified package, as a dict."""
    with dupg.verify(path) as m:
        return m.to_dict()


def test_verify_on_threads_gives_the_serial_results(packages):
    serial = {p: outcome(verified, p) for p in packages}
    # Every failure names its own package, with the class of its fault.
    kinds = {os.path.basename(p): r[0] for p, r in serial.items()}
    assert [kinds["good%d.%s" % (i, f)] for i, f in enumerate(("tar.gz", "tar", "zip", "tar.xz"))] \
        == ["ok"] * 4
    assert kinds["corrupt0.tar"] is kinds["corrupt1.tar"] is dupg.IntegrityError
    assert kinds["junk.tar.gz"] is dupg.ArchiveError
    assert kinds["missing0.tar.gz"] is kinds["missing1.tar.gz"] is dupg.NotFoundError
    for p, r in serial.items():
        if r[0] != "ok":
            assert os.path.basename(p) in r[1], r

    def verify_all(i):
        got = []
        for n in range(ROUNDS):
            # Each thread its own order, so that different failures interleave.
            order = packages[(i + n) % len(packages):] + packages[:(i + n) % len(packages)]
            if i % 2:
                order.reverse()
            got.extend((p, outcome(verified, p)) for p in order)
        return got

    before = dupg.core._live_handles()
    for got in run_threads(verify_all):
        assert len(got) == ROUNDS * len(packages)
        for p, r in got:
            assert r == serial[p], p
    assert dupg.core._live_handles() == before


def test_read_manifest_on_threads_gives_the_serial_results(packages):
    """read_manifest() reads the manifest only: a corrupt payload still gives its manifest."""
    serial = {p: outcome(dupg.read_manifest, p) for p in packages}
    kinds = {os.path.basename(p): r[0] for p, r in serial.items()}
    assert kinds["corrupt0.tar"] == kinds["corrupt1.tar"] == "ok"
    assert serial[[p for p in packages if "corrupt0" in p][0]][1]["name"] == "corrupt0"
    assert kinds["junk.tar.gz"] is dupg.ArchiveError
    assert kinds["missing0.tar.gz"] is dupg.NotFoundError

    def read_all(i):
        order = packages[i % len(packages):] + packages[:i % len(packages)]
        return [(p, outcome(dupg.read_manifest, p)) for _ in range(ROUNDS) for p in order]

    for got in run_threads(read_all):
        for p, r in got:
            assert r == serial[p], p


def test_error_stays_in_its_thread(packages):
    """A thread's failure never shows another thread's message, even right after it."""
    bad = [p for p in packages if "corrupt" in p or "missing" in p]

    def fail_own(i):
        mine = bad[i % len(bad)]
        for _ in range(ROUNDS * 5):
            try:
                dupg.verify(mine)
            except dupg.Error as e:
                assert os.path.basename(mine) in e.message, (mine, e.message)
            else:
                raise AssertionError("%s verified" % mine)
        return True

    assert run_threads(fail_own) == [True] * THREADS


def make_store(d):
    """The worked example's store in directory d: pkg1..pkg6.tar.gz, list (1-4)."""
    d.mkdir()
    for i, (name, hw) in enumerate(WORKED_STORE.items(), start=1):
        make_pkg(d, name, str(i), hw)
    write_list(d / "list", ["pkg%d.tar.gz" % i for i in range(1, 5)])
    return d


def test_pruning_separate_stores_on_threads(tmp_path):
    serial_dir = make_store(tmp_path / "serial")
    with dupg.Store(serial_dir / "list") as store:
        dry = store.prune(["pkg5.tar.gz", "pkg6.tar.gz"])
        applied = store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, no_fsync=True)
    assert dry == applied and applied["deletable"] == ["pkg1.tar.gz"]
    serial_after = snapshot(serial_dir)
    dirs = [make_store(tmp_path / ("site%d" % i)) for i in range(THREADS)]

    def prune(i):
        d = dirs[i]
        with dupg.Store(d / "list") as store:
            for n in range(ROUNDS):
                assert store.prune(["pkg5.tar.gz", "pkg6.tar.gz"]) == dry
                # A download that is not there: this thread's own file in the message.
                with pytest.raises(dupg.NotFoundError) as e:
                    store.prune(["pkg5.tar.gz", "lost-%d-%d.tar.gz" % (i, n)])
                assert "lost-%d-%d.tar.gz" % (i, n) in e.value.message
                with pytest.raises(dupg.NotFoundError, match="site%d" % i):
                    dupg.Store(d / "no-such-list")
            return store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, no_fsync=True)

    assert run_threads(prune) == [applied] * THREADS
    for d in dirs:
        assert snapshot(d) == serial_after
        assert read_list(d / "list") == ["pkg%d.tar.gz" % i for i in range(2, 7)]
        assert dupg.recover(d / "list")["action"] == "clean"


def big_site(types):
    return [{"id": "d%d" % i, "hw": "T%d" % i, "version": str(1 + i % 3)} for i in range(types)]


def test_matching_one_set_on_threads():
    # Big enough for the match to run without the GIL.
    devices = big_site(1024)
    with dupg.PackageSet() as packages:
        for i in range(0, 1024, 2):
            packages.add("p%d" % i, "2", ["T%d" % i, "T%d" % (i + 1)])
        with dupg.SystemDescription(devices) as site:
            serial = packages.match(site)
            # Version "2" is news to the types running "1": every third.
            needed = sorted({i - i % 2 for i in range(0, 1024, 3)})
            assert serial == {"kind": "incremental", "task": ["p%d" % i for i in needed]}
            results = run_threads(lambda i: [packages.match(site) for _ in range(ROUNDS)])
    for got in results:
        assert got == [serial] * ROUNDS


def test_changing_a_set_while_others_match_raises_busy():
    devices = big_site(4096)
    stop = threading.Event()
    busy = []
    with dupg.PackageSet() as packages, dupg.SystemDescription(devices) as site:
        packages.add("p", "9", ["T1"])
        serial = packages.match(site)

        def match(i):
            n = 0
            while not stop.is_set():
                assert packages.match(site) == serial
                n += 1
            return n

        def change():
            # Packages for types the site lacks: every match stays the same.
            deadline = time.monotonic() + 60
            n = 0
            while not busy and time.monotonic() < deadline:
                try:
                    packages.add("q%d" % n, "1", ["Other%d" % n])
                    n += 1
                except dupg.BusyError as e:
                    busy.append(e)
            stop.set()
            return n

        results = run_threads(lambda i: change() if i == 0 else match(i), count=3)
        added = results[0]
        assert busy, "no add ran while a match used the set"
        e = busy[0]
        assert e.message == "PackageSet is busy: another call is using it"
        assert e.code == dupg.EBUSY and isinstance(e, RuntimeError)
        assert len(packages) == 1 + added
        packages.add("last", "1", ["Last"])  # nobody matches now
        assert packages.match(site) == serial


def overlap(a, b):
    return max(a[0], b[0]) < min(a[1], b[1])


def test_two_verifies_overlap(tmp_path):
    """Two threads verifying a big package at once are both inside the library."""
    src = tmp_path / "blob"
    src.write_bytes(os.urandom(16 << 20))
    big = str(tmp_path / "big.tar")
    dupg.build_package(big, "big", "1", ["A"], [(src, "share/blob")], no_fsync=True)
    barrier = threading.Barrier(2)
    spans = [[], []]

    def verify(i):
        # Round after round until the two overlap: on a loaded machine the
        # second thread may be scheduled only after the first is done.
        for _ in range(200):
            barrier.wait()
            if any(overlap(a, b) for a, b in zip(*spans)):
                return
            t0 = time.perf_counter()
            with dupg.verify(big) as m:
                assert m.total_size == 16 << 20
            spans[i].append((t0, time.perf_counter()))

    old = sys.getswitchinterval()
    # No forced hand-over of the GIL: a thread that held it through its
    # verify would keep the other out from t0 to its end.
    sys.setswitchinterval(100)
    try:
        threads = [threading.Thread(target=verify, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert len(spans[0]) == len(spans[1])
    assert any(overlap(a, b) for a, b in zip(*spans)), spans


def test_a_gil_holding_call_does_not_overlap():
    """The control of the test above: a call that keeps the GIL never overlaps."""
    barrier = threading.Barrier(2)
    spans = [[], []]

    def hold(i):
        for _ in range(4):
            barrier.wait()
            t0 = time.perf_counter()
            sum(range(1000000))  # C code that never lets the GIL go
            spans[i].append((t0, time.perf_counter()))

    old = sys.getswitchinterval()
    sys.setswitchinterval(100)
    try:
        threads = [threading.Thread(target=hold, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    assert len(spans[0]) == len(spans[1]) == 4
    assert not any(overlap(a, b) for a, b in zip(*spans)), spans


@pytest.fixture
def store_dir(tmp_path):
    return make_store(tmp_path / "store")


def test_a_store_being_applied_is_busy_for_other_threads(store_dir):
    """While one thread applies a prune, every other call on the store raises BusyError."""
    inside, go_on = threading.Event(), threading.Event()
    seen = []

    def on_step(step):
        seen.append(step)
        if step == "journal":
            inside.set()
            assert go_on.wait(60)

    store = dupg.Store(store_dir / "list")
    applier = threading.Thread(target=lambda: seen.append(
        store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, no_fsync=True, on_step=on_step)))
    applier.start()
    try:
        assert inside.wait(60)
        for call in (store.close, store.paths, lambda: len(store), store.config,
                     lambda: store.list_file, lambda: store.prune(["pkg5.tar.gz"]),
                     lambda: store.prune(["pkg5.tar.gz"], apply=True)):
            with pytest.raises(dupg.BusyError) as e:
                call()
            assert e.value.message == "Store is busy: another call is changing it"
            assert e.value.code == dupg.EBUSY
        assert repr(store) == "<dupg.Store (busy)>"
    finally:
        go_on.set()
        applier.join()
    assert seen[-1]["deletable"] == ["pkg1.tar.gz"]
    assert seen[:-1] == ["journal_temp", "journal", "rollback_temp", "rollback", "list_temp",
                         "list", "delete", "done"]
    assert store.paths() == read_list(store_dir / "list") == \
        ["pkg%d.tar.gz" % i for i in range(2, 7)]
    store.close()
    assert repr(store) == "<dupg.Store (closed)>"


def test_a_callback_cannot_close_its_store(store_dir):
    """The on_step callback runs in the middle of the apply: the store is busy there too."""
    errors = []

    def on_step(step):
        if step == "list":
            for call in (store.close, store.paths):
                try:
                    call()
                except dupg.BusyError as e:
                    errors.append(e.message)

    with dupg.Store(store_dir / "list") as store:
        store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, no_fsync=True, on_step=on_step)
        assert errors == ["Store is busy: another call is changing it"] * 2
        assert len(store) == 5


def test_a_store_dropped_during_its_apply_goes_when_the_apply_ends(store_dir):
    """Its Python object may go mid-apply: the C side is freed when the apply ends."""
    before = dupg.core._live_handles()
    store = dupg.Store(store_dir / "list")

    def on_step(step):
        if step == "rollback":
            del store.this  # the last reference to the C side's owner
            assert dupg.core._live_handles() == before + 1

    result = store.prune_result(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, no_fsync=True,
                                on_step=on_step)
    assert result.deletable == ["pkg1.tar.gz"]
    result.close()
    assert dupg.core._live_handles() == before
    assert read_list(store_dir / "list") == ["pkg%d.tar.gz" % i for i in range(2, 7)]


def test_a_callback_exception_still_propagates_from_a_thread(store_dir):
    def explode(step):
        if step == "rollback":
            raise KeyError("from the callback")

    def apply(i):
        with dupg.Store(store_dir / "list") as store:
            with pytest.raises(KeyError, match="from the callback"):
                store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, no_fsync=True,
                            on_step=explode)
        return dupg.recover(store_dir / "list")["action"]

    assert run_threads(apply, count=1) == ["undone"]
    assert read_list(store_dir / "list") == ["pkg%d.tar.gz" % i for i in range(1, 5)]


def test_closing_a_set_under_matching_threads_never_crashes():
    devices = big_site(2048)
    packages = dupg.PackageSet()
    packages.add("p", "9", ["T1"])
    site = dupg.SystemDescription(devices)
    serial = packages.match(site)
    closed = threading.Event()

    def match(i):
        outcomes = set()
        while True:
            try:
                assert packages.match(site) == serial
                outcomes.add("ok")
            except dupg.BadInputError as e:  # closed under it: the next call says so
                assert e.message == "PackageSet is closed"
                outcomes.add("closed")
                return outcomes
            time.sleep(0)  # the GIL goes to the closer while this thread is not matching

    def close():
        while True:
            try:
                packages.close()
                closed.set()
                return {"closed it"}
            except dupg.BusyError as e:
                assert e.message == "PackageSet is busy: another call is using it"
            time.sleep(0)

    results = run_threads(lambda i: close() if i == 0 else match(i), count=3)
    assert results[0] == {"closed it"} and closed.is_set()
    for r in results[1:]:
        assert "closed" in r
    site.close()
