# SPDX-License-Identifier: BSD-2-Clause
"""Dispatch and rollback plans on a deep cascade."""

import json

import pytest

import dupg


def cascade(depth):
    """BBU, then HUB1..HUBdepth each under the previous one, an RRU under each HUB."""
    devs = [{"id": "BBU", "hw": "A", "version": "1"}]
    parent = "BBU"
    for i in range(1, depth + 1):
        devs.append({"id": "HUB%d" % i, "hw": "B", "version": "1", "parent": parent})
        devs.append({"id": "RRU%d" % i, "hw": "R", "version": "1", "parent": "HUB%d" % i})
        parent = "HUB%d" % i
    return devs


def test_deep_cascade_plan():
    with dupg.Topology(cascade(5)) as topo:
        assert topo["RRU5"]["depth"] == 6 and topo["HUB5"]["parent"] == "HUB4"
        with topo.plan_upgrade({"A": "a1", "B": "b1", "R": "r1"},
                               {"A": "a1", "B": "b2", "R": "r2"}) as plan:
            steps = plan.steps()
            assert len(plan) == 10  # every HUB and RRU; the BBU keeps a1
            # Dispatch is breadth first: a HUB before the devices behind it.
            order = [s["device"] for s in steps]
            for i in range(1, 6):
                assert order.index("HUB%d" % i) < order.index("RRU%d" % i)
                if i > 1:
                    assert order.index("HUB%d" % (i - 1)) < order.index("HUB%d" % i)
            by_dev = {s["device"]: s for s in steps}
            assert by_dev["RRU5"]["via"] == ["HUB1", "HUB2", "HUB3", "HUB4", "HUB5"]
            assert by_dev["HUB1"]["via"] == []
            assert all(s["action"] == "send" for s in steps)
            assert by_dev["RRU3"]["package"] == "r2" and by_dev["RRU3"]["previous"] == "r1"
            # Switching goes the other way: nothing switches before what is behind it.
            sw = plan.switch_order()
            assert sorted(sw) == sorted(order)
            for i in range(1, 6):
                assert sw.index("RRU%d" % i) < sw.index("HUB%d" % i)
                if i > 1:
                    assert sw.index("HUB%d" % i) < sw.index("HUB%d" % (i - 1))
            # the JSON has "version" only when it is known; the dicts always, None here
            assert all(s["version"] is None for s in steps)
            assert json.loads(plan.to_json()) == {"steps": [{k: v for k, v in s.items() if k != "version"}
                                                            for s in steps]}
            with plan.rollback() as rb:
                assert [s["device"] for s in rb] == order
                assert all(s["package"] == {"B": "b1", "R": "r1"}[s["hw"]] for s in rb)


def test_master_installs_locally():
    with dupg.Topology(cascade(1)) as topo, topo.plan_upgrade({"A": "a1"}, {"A": "a2"}) as plan:
        assert plan.steps() == [{"device": "BBU", "hw": "A", "package": "a2", "previous": "a1",
                                 "version": None, "action": "local", "via": []}]
        assert plan.switch_order() == ["BBU"]


def test_step_versions():
    """The version each device ends on, from configurations that record it."""
    with dupg.Topology(cascade(2)) as topo:
        now = dupg.Configuration({"A": "a1", "B": "b1", "R": "r1"})
        want = dupg.Configuration({"A": "a2", "B": "b2", "R": "r2"})
        want.set_version("A", "2.0")
        want.set_version("B", "2.1")
        now.set_version("A", "1.0")
        assert want.version("A") == "2.0" and want.version("R") is None
        with pytest.raises(dupg.NotFoundError):
            want.set_version("Z", "1")
        with pytest.raises(dupg.BadInputError, match="A: version is empty"):
            want.set_version("A", "")
        with topo.plan_upgrade(now, want) as plan:
            by_hw = {}
            for s in plan:
                by_hw.setdefault(s["hw"], set()).add(s["version"])
            assert by_hw == {"A": {"2.0"}, "B": {"2.1"}, "R": {None}}
            assert all(s.get("version") == "2.0" for s in json.loads(plan.to_json())["steps"]
                       if s["hw"] == "A")
            with plan.rollback() as rb:
                assert {s["hw"]: s["version"] for s in rb} == {"A": "1.0", "B": None, "R": None}


def test_no_change_no_steps():
    with dupg.Topology(cascade(2)) as topo:
        same = {"A": "a1", "B": "b1", "R": "r1"}
        with topo.plan_upgrade(same, dupg.Configuration(same)) as plan:
            assert len(plan) == 0 and plan.steps() == [] and plan.switch_order() == []
            assert repr(plan) == "<dupg.Plan >"


def test_plan_arguments():
    with dupg.Topology(cascade(1)) as topo:
        with pytest.raises(dupg.ArgumentError):
            topo.plan_upgrade({"A": 1}, {})
        with pytest.raises(dupg.ArgumentError):
            topo.plan_upgrade(None, {})
        with pytest.raises(dupg.ArgumentError):
            dupg.Plan()
