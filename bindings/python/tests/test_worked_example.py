# SPDX-License-Identifier: BSD-2-Clause
"""The core issue's worked example (seed tables 1-8), through the Python bindings."""

import json
import os
import subprocess

import pytest

import dupg
from conftest import (WORKED, WORKED_DEVICES, WORKED_STORE, dupg_sim_path, make_pkg, read_list,
                      snapshot, write_list)

MERGED = WORKED["expect"]["merge"]
FIRST = WORKED["store"]
NEW = WORKED["download"]
PRUNED = WORKED["expect"]["prune"]


def with_suffix(result, suffix=".tar.gz"):
    """PRUNED with package file names."""
    def f(v):
        if isinstance(v, list):
            return [x + suffix for x in v]
        return {k: x + suffix for k, x in v.items()}
    return {k: f(v) for k, v in result.items()}


def devices_only(devs):
    return [{k: d[k] for k in ("id", "hw", "version")} for d in devs]


def test_merge():
    assert dupg.merge(devices_only(WORKED_DEVICES)) == MERGED
    # Dict key order is the order types were first seen.
    assert list(dupg.merge(devices_only(WORKED_DEVICES))["hw"]) == ["A", "B", "C", "D", "E"]


def test_merge_keeps_two_versions_of_one_type():
    devs = devices_only(WORKED_DEVICES)
    devs[3]["version"] = "5"  # HUB3
    assert dupg.merge(devs)["hw"]["B"] == [
        {"version": "4", "devices": ["HUB1"]},
        {"version": "5", "devices": ["HUB3"]},
    ]


def test_system_description_object():
    with dupg.SystemDescription(devices_only(WORKED_DEVICES)) as s:
        assert len(s) == 5
        assert list(s) == ["A", "B", "C", "D", "E"]
        assert "D" in s and "H" not in s
        assert s["B"] == [{"version": "4", "devices": ["HUB1", "HUB3"]}]
        assert s.lowest_version("C") == "2"
        assert s.to_dict() == MERGED
        assert repr(s) == "<dupg.SystemDescription A: 3, B: 4, C: 2, D: 2, E: 2>"
        with pytest.raises(dupg.NotFoundError, match="'H'") as e:
            s["H"]
        assert isinstance(e.value, KeyError)
    # The dict shape parses back.
    with dupg.SystemDescription.from_dict(MERGED) as s2:
        assert s2.to_dict() == MERGED


def test_match(tmp_path):
    server = tmp_path / "server"
    server.mkdir()
    pkgs = [
        make_pkg(server, "A5", "5", ["A"]),
        make_pkg(server, "BC6", "6", ["B", "C"]),
        make_pkg(server, "F3", "3", ["F"]),
        make_pkg(server, "G7", "7", ["G"]),
    ]
    assert dupg.match(MERGED, pkgs) == {"kind": "incremental", "task": [pkgs[0], pkgs[1]]}
    # A SystemDescription works as well as its dict.
    with dupg.SystemDescription(devices_only(WORKED_DEVICES)) as s:
        assert dupg.match(s, pkgs)["task"] == [pkgs[0], pkgs[1]]
    # Every type served: full; nothing newer: none.
    site = {"hw": {"A": [{"version": "3", "devices": ["x"]}],
                   "B": [{"version": "1", "devices": ["y"]}]}}
    assert dupg.match(site, pkgs) == {"kind": "full", "task": [pkgs[0], pkgs[1]]}
    current = {"hw": {"A": [{"version": "5", "devices": ["x"]}]}}
    assert dupg.match(current, pkgs) == {"kind": "none", "task": []}


def test_package_set_object(tmp_path):
    with dupg.PackageSet() as ps:
        ps.add("srv/A5", "5", ["A"])
        ps.add("srv/BC6", "6", ["B", "C"])
        ps.add("srv/F3", "3", ["F"])
        ps.add("srv/A4", "4", ["A"])
        ps.add("srv/G7", "7", ["G"])
        assert len(ps) == 5
        assert list(ps) == ["srv/A5", "srv/BC6", "srv/F3", "srv/A4", "srv/G7"]
        assert ps.packages()[1] == {"path": "srv/BC6", "version": "6"}
        assert ps.best("A") == "srv/A5"
        assert ps.best("C") == "srv/BC6"
        assert ps.best("H") is None
        assert ps.match(MERGED) == {"kind": "incremental", "task": ["srv/A5", "srv/BC6"]}
        assert repr(ps) == "<dupg.PackageSet 5 packages>"
        with pytest.raises(dupg.DuplicateError, match="srv/F3"):
            ps.add("srv/F3", "9", ["F"])


@pytest.mark.parametrize("extra, deletable", [(None, ["pkg1"]), ("H", [])])
def test_pure_prune(extra, deletable):
    fits = dict(WORKED_STORE)
    if extra:
        fits["pkg1"] = fits["pkg1"] + [extra]
    got = dupg.prune(FIRST, NEW, fits)
    if extra is None:
        assert got == PRUNED
    else:
        assert got["deletable"] == []
        assert got["third"] == got["second"] == FIRST + NEW
        assert got["fourth"] == FIRST
        assert got["latest"] == dict(PRUNED["latest"], H="pkg1")
        assert got["rollback"] == dict(PRUNED["rollback"], H="pkg1")
    assert list(got) == ["second", "third", "fourth", "deletable", "latest", "rollback"]
    assert got["deletable"] == deletable


def test_prune_objects():
    with dupg.PathList([(p, WORKED_STORE[p]) for p in FIRST]) as first, \
            dupg.PathList({p: WORKED_STORE[p] for p in NEW}) as new:
        assert len(first) == 4 and list(first) == FIRST
        assert first.config() == {"A": "pkg3", "B": "pkg4", "C": "pkg2", "D": "pkg2", "E": "pkg2"}
        with first.prune(new) as p:
            assert p.second == PRUNED["second"]
            assert p.third == PRUNED["third"]
            assert p.fourth == PRUNED["fourth"]
            assert p.deletable == ["pkg1"]
            assert p.indexes("deletable") == [0]
            assert p.indexes("fourth") == [1, 2, 3]
            assert p.latest == PRUNED["latest"]
            assert p.rollback == PRUNED["rollback"]
            assert p.to_dict() == PRUNED
            # The configurations hold: third list's equals second's, fourth's equals first's.
            with p.pathlist("third") as third, p.pathlist("second") as second:
                assert third.config() == second.config()
                assert third.entries()[0] == ("pkg2", ["C", "D", "E"])
            with p.pathlist("fourth") as fourth:
                assert fourth.config() == first.config()
            assert repr(p) == "<dupg.Prune third=%r deletable=['pkg1']>" % PRUNED["third"]


def test_store_prune(worked_store):
    d = worked_store()
    before = snapshot(d)
    with dupg.Store(d / "list") as store:
        assert store.paths() == [p + ".tar.gz" for p in FIRST]
        assert len(store) == 4
        # Without apply nothing on disk changes.
        assert store.prune(["pkg5.tar.gz", "pkg6.tar.gz"]) == with_suffix(PRUNED)
        assert snapshot(d) == before
        # A list file of new paths works the same.
        assert store.prune(str(d / "new")) == with_suffix(PRUNED)
        assert snapshot(d) == before
        # Apply: LIST is the third list, LIST.rollback the fourth, pkg1 is gone.
        got = store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True)
        assert got == with_suffix(PRUNED)
        assert store.paths() == with_suffix(PRUNED)["third"]
    assert read_list(d / "list") == with_suffix(PRUNED)["third"]
    assert read_list(d / "list.rollback") == with_suffix(PRUNED)["fourth"]
    assert not (d / "pkg1.tar.gz").exists()
    for i in range(2, 7):
        assert (d / ("pkg%d.tar.gz" % i)).exists()
    assert dupg.recover(d / "list") == {"action": "clean", "temps_removed": 0, "files_deleted": 0}


def test_store_prune_nothing_deletable(worked_store):
    d = worked_store("H")
    with dupg.Store(d / "list") as store:
        got = store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True)
    assert got["deletable"] == []
    assert read_list(d / "list") == [p + ".tar.gz" for p in FIRST + NEW]
    assert (d / "pkg1.tar.gz").exists()


def test_store_prune_matches_dupg_sim(worked_store):
    sim = dupg_sim_path()
    if sim is None:
        pytest.skip("dupg-sim is not built")
    d = worked_store()
    out = subprocess.run([sim, "prune", "--list", str(d / "list"), "--new", str(d / "new")],
                         capture_output=True, text=True, check=True).stdout
    with dupg.Store(d / "list") as store:
        assert store.prune(str(d / "new")) == json.loads(out)
    assert dupg.sim.command("prune", "--list", d / "list", "--new", d / "new") == json.loads(out)


def test_plans():
    with dupg.Topology(WORKED_DEVICES) as topo:
        assert len(topo) == 8
        assert topo.master == "BBU1"
        assert topo["HUB3"] == {"id": "HUB3", "hw": "B", "version": "4", "duration_s": 0,
                                "parent": "HUB2", "depth": 2}
        with topo.merge() as s:
            assert s.to_dict() == MERGED
        upgrade = topo.plan_upgrade(PRUNED["rollback"], PRUNED["latest"])
    # The plan keeps what it needs of its topology after the topology is closed.
    with upgrade:
        steps = upgrade.steps()
        assert [(s["device"], s["package"], s["previous"], s["action"], s["via"]) for s in steps] == [
            ("BBU1", "pkg5", "pkg3", "local", []),
            ("HUB1", "pkg6", "pkg4", "send", []),
            ("HUB2", "pkg6", "pkg2", "send", []),
            ("HUB3", "pkg6", "pkg4", "send", ["HUB2"]),
        ]
        assert len(upgrade) == 4
        assert upgrade[-1]["device"] == "HUB3"
        assert upgrade.switch_order()[-1] == "BBU1"
        assert upgrade.switch_order().index("HUB3") < upgrade.switch_order().index("HUB2")
        assert upgrade.to_dict() == {"steps": steps}
        with upgrade.rollback() as rb:
            assert [(s["device"], s["package"], s["previous"]) for s in rb] == [
                ("BBU1", "pkg3", "pkg5"),
                ("HUB1", "pkg4", "pkg6"),
                ("HUB2", "pkg2", "pkg6"),
                ("HUB3", "pkg4", "pkg6"),
            ]
