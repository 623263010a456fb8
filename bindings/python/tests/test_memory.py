# SPDX-License-Identifier: BSD-2-Clause
"""Memory: the main functions called 100,000 times keep resident memory flat,
and the C side of every object goes with its Python object.

DUPG_LEAK_ITERATIONS changes the count (valgrind runs use a few hundred);
for short runs and under the sanitizers (DUPG_SANITIZERS=yes) resident
memory says nothing and only the handle counts are checked.
"""

import gc
import itertools
import os
import weakref

import pytest

import dupg
from conftest import WORKED_DEVICES, WORKED_STORE, make_pkg, write_list

SANITIZED = os.environ.get("DUPG_SANITIZERS") == "yes"
ITERATIONS = int(os.environ.get("DUPG_LEAK_ITERATIONS", "10000" if SANITIZED else "100000"))
# Resident memory only means something for a long run of an uninstrumented build.
CHECK_RSS = ITERATIONS >= 10000 and not SANITIZED
# Allowed growth of resident memory after warm-up: a leak of even 24 bytes a
# call shows above it over 100,000 calls.
SLACK = 2 * 1024 * 1024


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def flat(body, iterations):
    """Run body iterations times; resident memory growth after a warm-up."""
    warm = max(iterations // 50, 10)
    for i in range(warm):
        body(i)
    gc.collect()
    start = rss()
    for i in range(iterations):
        body(i)
    gc.collect()
    return rss() - start


@pytest.fixture
def setting(tmp_path):
    server = tmp_path / "server"
    server.mkdir()
    pkgs = [make_pkg(server, "A5", "5", ["A"]), make_pkg(server, "BC6", "6", ["B", "C"])]
    for i, (name, hw) in enumerate(WORKED_STORE.items(), start=1):
        make_pkg(tmp_path, name, str(i), hw)
    write_list(tmp_path / "list", ["pkg%d.tar.gz" % i for i in range(1, 5)])
    devices = [{k: d[k] for k in ("id", "hw", "version")} for d in WORKED_DEVICES]
    site = dupg.merge(devices)
    return tmp_path, pkgs, devices, site


def test_main_functions_keep_memory_flat(setting):
    d, pkgs, devices, site = setting
    first = ["pkg1", "pkg2", "pkg3", "pkg4"]
    new = ["pkg5", "pkg6"]
    gc.collect()  # what earlier tests left in cycles goes first, not during the count
    handles = dupg.core._live_handles()

    def body(i):
        assert dupg.vercmp("1.%d" % i, "1.9") != 0 or i == 9
        assert dupg.merge(devices) == site
        assert dupg.match(site, pkgs)["kind"] == "incremental"
        assert dupg.prune(first, new, WORKED_STORE)["deletable"] == ["pkg1"]
        assert dupg.read_manifest(pkgs[i % 2])["version"] in ("5", "6")
        with dupg.verify(pkgs[i % 2]) as m:
            assert m.version in ("5", "6")

    growth = flat(body, ITERATIONS)
    assert dupg.core._live_handles() == handles
    if CHECK_RSS:
        assert growth < SLACK, "resident memory grew by %d bytes" % growth


def test_objects_and_errors_keep_memory_flat(setting):
    d, pkgs, devices, site = setting
    gc.collect()  # what earlier tests left in cycles goes first, not during the count
    handles = dupg.core._live_handles()
    iterations = max(ITERATIONS // 5, 100)

    def body(i):
        with dupg.Store(d / "list") as store:
            assert store.prune(["pkg5.tar.gz", "pkg6.tar.gz"])["deletable"] == ["pkg1.tar.gz"]
            assert len(store.config()) == 5
        topo = dupg.Topology(WORKED_DEVICES)
        plan = topo.plan_upgrade({"A": "a1", "B": "b1"}, {"A": "a2", "B": "b2"})
        del topo  # the plan keeps the topology alive
        assert len(plan.rollback().steps()) == 3
        m = dupg.Manifest("n", "1", ["A", "B"])
        m.add_file("bin/x", 5, "00" * 16)
        assert dupg.Manifest.parse(m.to_json()) == m
        for call, cls in ((lambda: dupg.Manifest.parse("{", "x.json"), dupg.FormatError),
                          (lambda: dupg.read_manifest(d / "missing.tar.gz"), dupg.NotFoundError),
                          (lambda: dupg.merge([{"id": 1}]), dupg.ArgumentError),
                          (lambda: dupg.PathList([("p", ["A"]), ("p", ["B"])]), dupg.DuplicateError),
                          (lambda: plan[99], dupg.OutOfRangeError),
                          (lambda: m.fits(None), dupg.ArgumentError)):
            try:
                call()
            except cls:
                pass
            else:
                raise AssertionError("no %s" % cls.__name__)
        m.close()
        try:
            m.name
        except dupg.BadInputError:
            pass

    growth = flat(body, iterations)
    gc.collect()
    assert dupg.core._live_handles() == handles
    if CHECK_RSS:
        assert growth < SLACK, "resident memory grew by %d bytes" % growth


def test_rollouts_keep_memory_flat():
    gc.collect()  # what earlier tests left in cycles goes first, not during the count
    handles = dupg.core._live_handles()
    r = dupg.Rollout([0.1, 0.5], 0.2)
    settled = [dupg.WaveTally(sites=1, finished=1)] * 3

    def body(i):
        with dupg.Rollout("0.01,0.1,1", 0.05) as plan:
            assert plan.waves_text == "0.01,0.1,1" and plan.wave_of(i, 1000) <= 2
        t = dupg.WaveTally()
        t.add("upgraded", i)
        assert r.step(dupg.RolloutStatus(), settled).state == "done"
        status = dupg.RolloutStatus("halted", 1, 0)
        for call in (status.pause, lambda: t.add("nope"), lambda: r.step(status, settled[:1]),
                     lambda: dupg.Rollout([2], 0)):
            try:
                call()
            except dupg.BadInputError:
                pass
            else:
                raise AssertionError("no BadInputError")

    growth = flat(body, ITERATIONS)
    r.close()
    assert dupg.core._live_handles() == handles
    if CHECK_RSS:
        assert growth < SLACK, "resident memory grew by %d bytes" % growth


def test_regions_keep_memory_flat():
    handles = dupg.core._live_handles()
    kept = dupg.Region(1)
    pool = ["239.0.0.%d" % i for i in range(1, 5)]
    periods = itertools.count()

    def body(i):
        i = next(periods)  # the warm-up and the run share one clock: periods only go forward
        with dupg.Partition(16, 4, pool) as p:
            for k in range(16):
                p.join((i * 7919 + k * 104729) % dupg.SCORE_MAX)
            assert p.online == 16 and p.best_node(3) is not None
        msg = dupg.encode_announcement("site-%d" % (i % 50), 1, kept.epoch, i, i % 1000,
                                       i % 3 == 0, {"bbu": "1.%d" % (i % 9), "rru": "2"},
                                       "http://n%d/" % i if i % 2 else None)
        assert dupg.decode_announcement(msg)["period"] == i
        kept.receive(msg, i)
        kept.elect(i)
        assert kept.needs("bbu", "1.9", "1.0", None) >= 0
        with dupg.Region(1) as r:
            r.receive(msg, i)
            assert r.members == ["site-%d" % (i % 50)]
        for call in (lambda: kept.receive(msg, i),  # a replay
                     lambda: kept.receive(msg[:-1], i),
                     lambda: dupg.decode_announcement(b"DUPA\x01"),
                     lambda: dupg.Partition(4, 0, pool)):
            try:
                call()
            except dupg.Error:
                pass
            else:
                raise AssertionError("no dupg.Error")

    growth = flat(body, ITERATIONS // 10)
    kept.close()
    assert dupg.core._live_handles() == handles
    if CHECK_RSS:
        assert growth < SLACK, "resident memory grew by %d bytes" % growth


@pytest.mark.parametrize("make", [
    lambda t: dupg.Manifest("a", "1", ["A"]),
    lambda t: dupg.PackageSet(),
    lambda t: dupg.SystemDescription([{"id": "x", "hw": "A", "version": "1"}]),
    lambda t: dupg.Configuration({"A": "p"}),
    lambda t: dupg.PathList({"p": ["A"]}),
    lambda t: dupg.PathList({"p": ["A"]}).prune(dupg.PathList({"q": ["A"]})),
    lambda t: dupg.Store(t),
    lambda t: dupg.Topology([{"id": "x", "hw": "A", "version": "1"}]),
    lambda t: dupg.Topology([{"id": "x", "hw": "A", "version": "1"}]).plan_upgrade({}, {"A": "p"}),
    lambda t: dupg.Rollout([0.1, 0.5], 0.2),
    lambda t: dupg.Partition(10, 4, ["239.0.0.1", "239.0.0.2", "239.0.0.3"]),
    lambda t: dupg.Region(3),
])
def test_c_side_goes_with_the_object(tmp_path, make):
    make_pkg(tmp_path, "p", "1", ["A"])
    write_list(tmp_path / "list", ["p.tar.gz"])
    gc.collect()
    before = dupg.core._live_handles()
    obj = make(tmp_path / "list")
    ref = weakref.ref(obj)
    assert dupg.core._live_handles() > before
    del obj
    gc.collect()
    assert ref() is None
    assert dupg.core._live_handles() == before
    # close() frees it at once, and the object then goes cleanly.
    obj = make(tmp_path / "list")
    obj.close()
    assert dupg.core._live_handles() == before
    del obj
    assert dupg.core._live_handles() == before


def test_failed_constructors_leak_nothing(tmp_path):
    before = dupg.core._live_handles()
    for _ in range(1000):
        for call in (lambda: dupg.Topology([{"id": "x", "hw": "A", "version": "1"},
                                            {"id": "x", "hw": "A", "version": "1"}]),
                     lambda: dupg.PathList([("p", ["A"]), ("p", ["A"])]),
                     lambda: dupg.Configuration([("A", 1)]),
                     lambda: dupg.Store(tmp_path / "none"),
                     lambda: dupg.Rollout([0.5, 0.2], 0.1),
                     lambda: dupg.Rollout("0.1,x", 0.1),
                     lambda: dupg.Partition(10, 4, ["239.0.0.1", "239.0.0.1", "239.0.0.3"]),
                     lambda: dupg.Partition(10, 4, ["239.0.0.1", "10.0.0.1", "239.0.0.3"]),
                     lambda: dupg.Region(3, dead_after=0)):
            with pytest.raises(dupg.Error):
                call()
    assert dupg.core._live_handles() == before
