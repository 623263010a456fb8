# SPDX-License-Identifier: BSD-2-Clause
"""dupg.Transaction: the linked upgrade driven from Python against a small device model."""

import pytest

import dupg

# The figure 3a site: BBU1 controls HUB1 and HUB2, HUB3 is behind HUB2, RRUs keep their package.
DEVICES = [
    {"id": "BBU1", "hw": "A", "version": "3", "duration_s": 300},
    {"id": "HUB1", "hw": "B", "version": "4", "parent": "BBU1", "duration_s": 120},
    {"id": "HUB2", "hw": "C", "version": "2", "parent": "BBU1", "duration_s": 120},
    {"id": "HUB3", "hw": "B", "version": "4", "parent": "HUB2", "duration_s": 120},
    {"id": "RRU1", "hw": "D", "version": "2", "parent": "HUB1"},
]
CURRENT = {"A": "pkg3", "B": "pkg4", "C": "pkg2", "D": "pkg2"}
LATEST = {"A": "pkg5", "B": "pkg6", "C": "pkg6", "D": "pkg2"}
NEW = {"BBU1": "5", "HUB1": "6", "HUB2": "6", "HUB3": "6"}
ANSWER = {"send": "sent", "stage": "staged", "switch": "switched", "check": "healthy",
          "switch_back": "switched_back"}


@pytest.fixture
def plan():
    with dupg.Topology(DEVICES) as topo, topo.plan_upgrade(CURRENT, LATEST) as p:
        yield p


def member(plan, name="fig3a"):
    return {"plan": plan, "name": name, "versions": NEW}


class Devices:
    """Devices that answer every action at once, but fail as told; they remember what they run."""

    def __init__(self, fail=None):
        self.fail = fail or {}
        self.runs = {d: "old" for d in NEW}
        self.log = []

    def answer(self, a):
        kind, dev = a["kind"], a["id"]
        self.log.append((kind, dev))
        if kind == "abandon":
            return None
        if kind == "query":
            return {"kind": "report", "device": a["device"],
                    "version": NEW[dev] if self.runs[dev] == "new" else
                    {d["id"]: d["version"] for d in DEVICES}[dev]}
        ev = self.fail.get((dev, kind), ANSWER[kind])
        if ev == "switched":
            self.runs[dev] = "new"
        elif ev == "switched_back":
            self.runs[dev] = "old"
        return {"kind": ev, "device": a["device"], "detail": None if ev == ANSWER[kind] else "told to"}

    def drive(self, t, now=0, stop=None):
        """Run t to its end (or until stop(self) says so): its outcome, or None when stopped."""
        for _ in range(1000):
            acts = t.next(now)
            assert acts, "the transaction waits for nothing"
            if acts[-1]["kind"] == "done":
                return acts[-1]["outcome"]
            for a in acts:
                ev = self.answer(a)
                if ev is not None:
                    assert t.feed(ev, now) in dupg.TXN_TAKEN
                if stop is not None and stop(self):
                    return None
            now += 1000
        raise AssertionError("no end")


def test_the_enum_names_are_the_headers():
    assert dupg.TXN_PHASES == ("prepare", "commit", "abort", "revert", "done")
    assert dupg.TXN_OUTCOMES == ("running", "committed", "rolled_back", "rollback_incomplete")
    assert dupg.TXN_STATES == ("pending", "sending", "staging", "staged", "switching", "switched",
                               "checking", "healthy", "abandoned", "switching_back",
                               "switched_back", "back_failed")
    assert dupg.TXN_FAILURES == ("none", "send", "stage", "switch", "fallback", "health", "version",
                                 "switch_back", "interrupted", "aborted")
    assert dupg.TXN_ACTIONS == ("send", "stage", "switch", "check", "switch_back", "abandon",
                                "query", "done")
    assert dupg.TXN_EVENTS == ("sent", "send_failed", "staged", "stage_failed", "switched",
                               "switch_failed", "healthy", "unhealthy", "switched_back",
                               "switch_back_failed", "report")
    assert dupg.TXN_TAKEN == ("taken", "duplicate", "late")


def test_a_full_commit(plan):
    devs = Devices()
    with dupg.Transaction(member(plan)) as t:
        assert (len(t), t.phase, t.outcome, t.committed) == (4, "prepare", "running", False)
        assert t.member_count == 1 and t.member_name(0) == "fig3a"
        first = t.next(0)
        # the master stages its own package; the others are sent, with their route
        assert [(a["kind"], a["id"]) for a in first] == [("stage", "BBU1"), ("send", "HUB1"),
                                                        ("send", "HUB2"), ("send", "HUB3")]
        assert first[3]["via"] == ["HUB2"] and first[3]["package"] == "pkg6"
        assert all(a["deadline_ms"] > 0 for a in first)
        for a in first:
            t.feed(devs.answer(a), 0)
        assert devs.drive(t, now=1000) == "committed"
        log = devs.log
        switches = [d for k, d in log if k == "switch"]
        last_stage = max(i for i, (k, _) in enumerate(log) if k == "stage")
        assert last_stage < min(i for i, (k, _) in enumerate(log) if k == "switch")
        assert switches.index("HUB3") < switches.index("HUB2") and switches[-1] == "BBU1"
        assert (t.phase, t.outcome, t.committed, t.cause) == ("done", "committed", True, None)
        assert all(d["state"] == "healthy" for d in t) and t.counts()["healthy"] == 4
        r = t.to_dict()
        assert r["outcome"] == "committed" and r["counts"]["healthy"] == 4 and r["cause"] is None
        assert t.next(99000) == [{"kind": "done", "device": None, "member": None, "step": None,
                                  "id": None, "package": None, "via": [], "deadline_ms": None,
                                  "outcome": "committed"}]
        assert t.journal_writes == 0 and "committed" in repr(t)
    assert "closed" in repr(t)
    with pytest.raises(dupg.BadInputError):
        t.next(0)


def test_a_failed_switch_rolls_every_device_back(plan):
    devs = Devices({("HUB2", "switch"): "switch_failed"})
    with dupg.Transaction(member(plan)) as t:
        assert devs.drive(t) == "rolled_back"
        c = t.cause
        assert (c["kind"], c["id"], c["member"], c["timed_out"]) == ("switch", "HUB2", 0, False)
        assert c["detail"] == "told to"
        # HUB3 switched first (it is behind HUB2): it goes back; nothing else had switched
        assert ("switch_back", "HUB3") in devs.log and ("switch", "BBU1") not in devs.log
        assert devs.runs == {d: "old" for d in NEW}
        assert t.state(t.find("HUB3")) == "switched_back"
        assert t.device(t.find("HUB2"))["failure"] == "switch"
        assert t.failed_count == 1 and t.outcome == "rolled_back"


def test_a_failed_stage_abandons_every_slot(plan):
    devs = Devices({("HUB1", "stage"): "stage_failed"})
    with dupg.Transaction(member(plan)) as t:
        assert devs.drive(t) == "rolled_back"
        assert t.cause["kind"] == "stage" and not t.committed
        assert not any(k == "switch" for k, _ in devs.log)
        assert {d["state"] for d in t} <= {"abandoned", "staged", "pending", "sending", "staging"}


@pytest.mark.parametrize("stop_after", ["staged", "switched"])
def test_a_crash_and_resume_through_the_file_journal(plan, tmp_path, stop_after):
    journal = tmp_path / "txn.journal"
    devs = Devices()
    t = dupg.Transaction(member(plan), journal=journal, no_fsync=True)
    if stop_after == "staged":
        stop = lambda d: sum(k == "stage" for k, _ in d.log) == 4  # noqa: E731
    else:
        stop = lambda d: ("switch", "HUB2") in d.log  # noqa: E731
    assert devs.drive(t, stop=stop) is None
    writes = t.journal_writes
    assert writes > 0 and journal.exists()
    t.close()  # the master crashes: nothing more is written
    with dupg.Transaction.resume(member(plan), journal, no_fsync=True) as r:
        outcome = devs.drive(r, now=10 ** 6)
        assert r.journal_writes > writes
        if stop_after == "staged":
            # before the commit point: every device goes back
            assert outcome == "rolled_back" and r.cause["kind"] == "interrupted"
            assert devs.runs == {d: "old" for d in NEW}
        else:
            # after it: the switch that was under way is asked about, and the rest finishes
            assert outcome == "committed" and ("query", "HUB2") in devs.log
            assert devs.runs == {d: "new" for d in NEW}
        r.remove_journal()
    assert not journal.exists()
    with pytest.raises(dupg.NotFoundError):
        dupg.Transaction.resume(member(plan), journal)


def test_a_journal_of_other_members_is_refused(plan, tmp_path):
    journal = tmp_path / "txn.journal"
    with dupg.Transaction(member(plan, "one"), journal=journal, no_fsync=True) as t:
        t.next(0)
    with pytest.raises(dupg.BadInputError):
        dupg.Transaction.resume(member(plan, "another"), journal)
    journal.write_bytes(b"not a journal\n")
    with pytest.raises(dupg.FormatError):
        dupg.Transaction.resume(member(plan, "one"), journal)


def test_bad_events_raise_and_change_nothing(plan):
    with dupg.Transaction(member(plan), timeout_floor_ms=1000, timeout_factor=0) as t:
        acts = t.next(0)
        hub1 = t.find("HUB1")
        before = t.to_dict()
        with pytest.raises(dupg.NotFoundError):
            t.feed({"kind": "sent", "device": "HUB9"}, 0)
        with pytest.raises(dupg.NotFoundError):
            t.feed({"kind": "sent", "device": 99}, 0)
        with pytest.raises(dupg.NotFoundError):
            t.feed({"kind": "sent", "device": "HUB1", "member": "nowhere"}, 0)
        with pytest.raises(dupg.BadInputError):
            t.feed({"kind": "switched", "device": hub1}, 0)  # never told to switch
        with pytest.raises(dupg.BadInputError):
            t.feed({"kind": "exploded", "device": hub1}, 0)
        with pytest.raises(dupg.BadInputError):
            t.feed({"kind": "report", "device": hub1}, 0)  # neither version nor slot
        with pytest.raises(dupg.ArgumentError):
            t.feed({"kind": "sent"}, 0)
        with pytest.raises(dupg.ArgumentError):
            t.feed({"kind": "sent", "device": hub1, "colour": "red"}, 0)
        assert t.to_dict() == before
        assert t.feed({"kind": "sent", "device": hub1}, 0) == "taken"
        assert t.feed({"kind": "sent", "device": hub1}, 0) == "duplicate"
        with pytest.raises(dupg.DuplicateError):
            t.feed({"kind": "send_failed", "device": hub1}, 0)
        # HUB2's send is not answered in time: it fails, and a late answer is harmless
        assert any(a["id"] == "HUB2" for a in acts)
        t.next(t.wake())
        assert t.phase in ("abort", "done") and t.cause["timed_out"] is True
        assert t.feed({"kind": "sent", "device": "HUB2"}, t.wake() or 5000) == "late"
        with pytest.raises(dupg.BadInputError):
            t.abort("too late")


def test_abort_and_the_wake_time(plan):
    with dupg.Transaction(member(plan), parallel=2) as t:
        assert t.wake() is None
        assert len(t.next(0)) == 2  # at most two devices at work
        assert t.wake() > 0
        t.abort("operator", 5)
        assert Devices().drive(t, now=10) == "rolled_back"
        assert (t.cause["kind"], t.cause["detail"], t.cause["id"]) == ("aborted", "operator", None)


def test_a_linked_group_of_two_sites(plan):
    with dupg.Topology(DEVICES) as topo2, topo2.plan_upgrade(CURRENT, LATEST) as plan2:
        with dupg.Transaction([member(plan, "a"), {"plan": plan2, "name": "b"}]) as t:
            assert len(t) == 8 and t.find("HUB3", "b") == 4 + t.find("HUB3", "a")
            devs = Devices({("HUB1", "check"): "unhealthy"})
            assert devs.drive(t) == "rolled_back"
            assert t.cause["kind"] == "health"


def test_plans_and_topologies_are_held_while_it_is_open(plan):
    before = dupg.core._live_handles()
    topo = dupg.Topology(DEVICES)
    p = topo.plan_upgrade(CURRENT, LATEST)
    t = dupg.Transaction(p)
    with pytest.raises(dupg.BusyError):
        p.close()
    with pytest.raises(dupg.BusyError):
        topo.set_version("BBU1", "5")
    with pytest.raises(dupg.BusyError):
        topo.add("RRU9", "D", "2", "HUB1")
    del p, topo  # the transaction keeps their C side
    assert Devices().drive(t) == "committed"
    t.close()
    assert dupg.core._live_handles() == before
    with pytest.raises(dupg.ArgumentError):
        dupg.Transaction([])
    with pytest.raises(dupg.ArgumentError):
        dupg.Transaction(["not a plan"])
    with pytest.raises(dupg.ArgumentError):
        dupg.Transaction({"plan": plan, "versions": ["1"]})  # four steps
    assert dupg.core._live_handles() == before
