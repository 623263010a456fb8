# SPDX-License-Identifier: BSD-2-Clause
"""dupg.Rollout and its values: waves and the wave of a ranked site, tallies, the halting rule,
progress through pause, resume, halt and done, as dupg/rollout.h says."""

import gc
import math

import pytest

import dupg

PLANS = [[0.01, 0.1, 1], [0.5], [], [0.07, 0.3, 0.31, 0.9], [1 / 3, 2 / 3], [0.999, 1]]
TOTALS = [0, 1, 7, 100, 1000]


def rule_ends(waves, total):
    """The header's rule: wave_end(w) = ceil(fraction[w] * total), at most total; the last wave ends at total."""
    ends = [min(math.ceil(f * total), total) for f in waves[:-1]]
    return ends + [total]


def rule_wave_of(ends, rank):
    """The first wave whose end is past rank; a rank at or past total is in the last wave."""
    return next((w for w, e in enumerate(ends) if rank < e), len(ends) - 1)


def tallies_of(rollout, states):
    """One WaveTally per wave from the sites' states, the site ranked i being states[i]."""
    tallies = [dupg.WaveTally() for _ in range(len(rollout))]
    for rank, state in enumerate(states):
        tallies[rollout.wave_of(rank, len(states))].add(state)
    return tallies


# ---- Names ----------------------------------------------------------------


def test_state_names_are_the_library_names_and_round_trip():
    assert dupg.ROLLOUT_STATES == ("running", "paused", "halted", "done")
    assert dupg.SITE_STATES == ("pending", "current", "assigned", "downloading", "staged",
                                "upgraded", "rolled_back", "failed")
    for enum, names in ((dupg.RolloutState, dupg.ROLLOUT_STATES),
                        (dupg.SiteState, dupg.SITE_STATES)):
        assert tuple(m.value for m in enum) == names
        for name in names:
            member = enum(name)
            assert member is enum[name.upper()]
            assert member == name and str(member) == name and isinstance(member, str)
            assert enum(str(member)) is member


def test_final_states():
    assert {s for s in dupg.SiteState if s.final} == {"upgraded", "rolled_back", "failed"}
    assert {s for s in dupg.RolloutState if s.final} == {"halted", "done"}


@pytest.mark.parametrize("enum, what", [(dupg.RolloutState, "rollout state"),
                                        (dupg.SiteState, "site state")])
def test_an_unknown_state_name_lists_the_known_ones(enum, what):
    with pytest.raises(dupg.BadInputError) as e:
        enum("RUNNING-ish")
    assert what in str(e.value) and "RUNNING-ish" in str(e.value)
    assert all(m.value in str(e.value) for m in enum)
    assert e.value.code_name == "DUPG_EINVAL"
    with pytest.raises(dupg.ArgumentError):
        enum(2)


# ---- Plans ----------------------------------------------------------------


def test_waves_from_a_list_and_from_text_are_the_same():
    with dupg.Rollout([0.01, 0.1, 1], 0.05) as a, dupg.Rollout(" 0.01, 0.1 ,1", 0.05) as b:
        for r in (a, b):
            assert r.waves == (0.01, 0.1, 1.0)
            assert len(r) == 3
            assert r.threshold == 0.05
            assert r.waves_text == "0.01,0.1,1"


def test_the_last_wave_takes_the_rest():
    assert dupg.Rollout([0.1, 0.5], 0).waves == (0.1, 0.5, 1.0)
    assert dupg.Rollout([], 1).waves == (1.0,)
    assert dupg.Rollout(None, 1).waves == (1.0,)
    assert len(dupg.Rollout([0.2, 1], 0.5)) == 2


def test_waves_text_reads_back_the_same_doubles():
    r = dupg.Rollout([0.1 + 0.2, 2 / 3], 0.1)
    assert r.waves_text == "0.30000000000000004,0.6666666666666666,1"
    assert dupg.Rollout(r.waves_text, 0.1).waves == r.waves


@pytest.mark.parametrize("waves, threshold, words", [
    ([0.5, 0.2], 0.1, "wave 2: 0.2 does not grow past the wave before (0.5)"),
    ([0.5, 0.5], 0.1, "does not grow"),
    ("0.1,0.05,1", 0.1, "wave 2: 0.05 does not grow"),
    ([0, 1], 0.1, "wave 1: 0 is not a fraction in (0, 1]"),
    ([1.5], 0.1, "1.5 is not a fraction"),
    ([-0.1, 1], 0.1, "-0.1 is not a fraction"),
    ([float("nan")], 0.1, "is not a fraction"),
    ([0.1, 1], -0.1, "the threshold -0.1 is not in [0, 1]"),
    ([0.1, 1], 1.01, "the threshold 1.01 is not in [0, 1]"),
    ([0.1, 1], float("nan"), "is not in [0, 1]"),
    ("0.1;0.5", 0.1, "expected numbers separated by commas"),
    ("", 0.1, "expected numbers separated by commas"),
    ("0.1,,1", 0.1, "expected numbers separated by commas"),
])
def test_bad_plans_raise_with_the_library_message(waves, threshold, words):
    before = dupg.core._live_handles()
    with pytest.raises(dupg.BadInputError) as e:
        dupg.Rollout(waves, threshold)
    assert words in str(e.value)
    assert e.value.code == dupg.EINVAL
    assert dupg.core._live_handles() == before


@pytest.mark.parametrize("waves", [42, ["0.5"], [True], [None]])
def test_waves_of_the_wrong_type(waves):
    with pytest.raises(dupg.ArgumentError):
        dupg.Rollout(waves, 0.1)


# ---- Which wave a site is in --------------------------------------------------------------


@pytest.mark.parametrize("waves", PLANS)
@pytest.mark.parametrize("total", TOTALS)
def test_wave_assignment_follows_the_header(waves, total):
    r = dupg.Rollout(waves, 0.1)
    ends = rule_ends(list(r.waves), total)
    assert [r.wave_end(w, total) for w in range(len(r))] == ends
    sizes = [r.wave_size(w, total) for w in range(len(r))]
    assert sizes == [e - (ends[w - 1] if w else 0) for w, e in enumerate(ends)]
    assert sum(sizes) == total
    # past the last wave: it ends at total and holds nobody
    assert r.wave_end(len(r) + 5, total) == total and r.wave_size(len(r), total) == 0
    # late joiners (rank at or past total) are in the last wave
    for rank in range(total + 3):
        assert r.wave_of(rank, total) == rule_wave_of(ends, rank), rank
    counted = [0] * len(r)
    for rank in range(total):
        counted[r.wave_of(rank, total)] += 1
    assert counted == sizes


def test_wave_assignment_on_concrete_numbers():
    r = dupg.Rollout("0.01,0.1,1", 0.05)
    assert [r.wave_size(w, 1000) for w in range(3)] == [10, 90, 900]
    assert [r.wave_size(w, 100) for w in range(3)] == [1, 9, 90]
    assert [r.wave_size(w, 7) for w in range(3)] == [1, 0, 6]
    assert [r.wave_size(w, 1) for w in range(3)] == [1, 0, 0]
    assert [r.wave_of(rank, 1000) for rank in (0, 9, 10, 99, 100, 999, 1000, 5000)] == \
        [0, 0, 1, 1, 2, 2, 2, 2]
    assert r.wave_of(0, 0) == 2  # nobody counted yet: everybody is a late joiner
    with pytest.raises(dupg.ArgumentError):
        r.wave_of(-1, 10)


# ---- Tallies and the halting rule -----------------------------------------------------------


def test_tally_counts_each_state_as_the_header_says():
    expect = {  # (sites, current, finished, failed)
        "pending": (1, 0, 0, 0), "current": (1, 1, 0, 0), "assigned": (1, 0, 0, 0),
        "downloading": (1, 0, 0, 0), "staged": (1, 0, 0, 0), "upgraded": (1, 0, 1, 0),
        "rolled_back": (1, 0, 1, 1), "failed": (1, 0, 1, 1),
    }
    for state in dupg.SiteState:
        t = dupg.WaveTally()
        t.add(state)
        assert (t.sites, t.current, t.finished, t.failed) == expect[state.value]
    t = dupg.WaveTally()
    t.add("upgraded", 5)
    t.add(dupg.SiteState.CURRENT, 3)
    t.add("failed", 0)
    assert t == dupg.WaveTally(sites=8, current=3, finished=5)
    assert t.settled
    t.add("staged")
    assert not t.settled
    assert dupg.WaveTally().settled  # an empty wave is settled


def test_tally_bad_inputs():
    t = dupg.WaveTally()
    with pytest.raises(dupg.BadInputError) as e:
        t.add("exploded")
    assert "exploded" in str(e.value) and "rolled_back" in str(e.value)
    assert t == dupg.WaveTally()
    with pytest.raises(dupg.ArgumentError):
        t.add("failed", -1)
    with pytest.raises(dupg.ArgumentError):
        dupg.WaveTally(sites=-1)
    t.sites = 4
    assert t.sites == 4 and repr(t) == "WaveTally(sites=4, current=0, finished=0, failed=0)"


def test_halting_at_the_threshold():
    r = dupg.Rollout([0.1, 1], 0.1)
    # 10 sites needed it: 1 failed is 0.1, not past the threshold; 2 are
    assert not r.halts(dupg.WaveTally(sites=10, finished=10, failed=1))
    assert r.halts(dupg.WaveTally(sites=10, finished=10, failed=2))
    # sites found current do not count: 1 failed of the 5 that needed it
    assert r.halts(dupg.WaveTally(sites=10, current=5, finished=1, failed=1))
    # nobody needed it
    assert not r.halts(dupg.WaveTally(sites=10, current=10))
    assert not r.halts(dupg.WaveTally())
    # early: the share is over every site that may still need it
    assert not r.halts(dupg.WaveTally(sites=100, finished=5, failed=1))
    assert dupg.Rollout([1], 0).halts(dupg.WaveTally(sites=100, finished=1, failed=1))
    assert not dupg.Rollout([1], 1).halts(dupg.WaveTally(sites=3, finished=3, failed=3))
    with pytest.raises(dupg.ArgumentError):
        r.halts(None)


# ---- Progress -------------------------------------------------------------


def test_a_fleet_rolls_out_wave_by_wave_to_done():
    r = dupg.Rollout([0.1, 0.5], 0.2)
    total = 100
    states = ["pending"] * total
    status = dupg.RolloutStatus()
    assert status == dupg.RolloutStatus("running", 1, None)
    seen = [status.open]
    for _ in range(10):
        # every site of an open wave upgrades, one in twenty rolls back
        for rank in range(total):
            if states[rank] == "pending" and status.wave_open(r.wave_of(rank, total)):
                states[rank] = "rolled_back" if rank % 20 == 7 else "upgraded"
        new = r.step(status, tallies_of(r, states))
        assert new is not status
        if new == status:
            break
        status = new
        seen.append(status.open)
    assert status.state is dupg.RolloutState.DONE and status.state.final
    assert seen == [1, 2, 3, 3]
    assert status.halted_wave is None
    assert all(status.wave_open(w) for w in range(5))
    assert states.count("rolled_back") == 5 and "pending" not in states
    # done is final
    assert r.step(status, [dupg.WaveTally(sites=1, finished=1, failed=1)] * 3) == status
    with pytest.raises(dupg.BadInputError) as e:
        status.pause()
    assert str(e.value) == "a done rollout cannot be paused"


def test_step_leaves_the_status_it_was_given():
    r = dupg.Rollout([0.5], 0.5)
    status = dupg.RolloutStatus()
    new = r.step(status, [dupg.WaveTally(), dupg.WaveTally(sites=1)])
    assert new == dupg.RolloutStatus(open=2)
    assert status == dupg.RolloutStatus()


def test_a_failing_wave_halts_the_rollout():
    r = dupg.Rollout([0.1, 0.5], 0.2)
    status = r.step(dupg.RolloutStatus(), [dupg.WaveTally(sites=10, finished=10, failed=2),
                                           dupg.WaveTally(sites=40), dupg.WaveTally(sites=50)])
    assert status.open == 2  # 2 of 10 is not past 0.2
    status = r.step(status, [dupg.WaveTally(sites=10, finished=10, failed=2),
                             dupg.WaveTally(sites=40, finished=9, failed=9),
                             dupg.WaveTally(sites=50)])
    assert (status.state, status.open, status.halted_wave) == ("halted", 2, 1)
    assert status.state.final
    assert not any(status.wave_open(w) for w in range(3))
    # a halt is final
    assert r.step(status, [dupg.WaveTally()] * 3) == status
    for method, verb in ((status.pause, "paused"), (status.resume, "resumed")):
        with pytest.raises(dupg.BadInputError) as e:
            method()
        assert str(e.value) == "a halted rollout cannot be %s" % verb
    assert repr(status) == "RolloutStatus(state='halted', open=2, halted_wave=1)"


def test_pause_and_resume():
    r = dupg.Rollout([0.5], 0.1)
    settled = [dupg.WaveTally(sites=2, finished=2), dupg.WaveTally(sites=2)]
    status = dupg.RolloutStatus()
    status.pause()
    status.pause()  # a no-op
    assert status.state is dupg.RolloutState.PAUSED and not status.state.final
    assert not status.wave_open(0)
    # paused: nothing opens, though wave 0 settled
    assert r.step(status, settled) == status
    # but it can still halt
    halted = r.step(status, [dupg.WaveTally(sites=2, finished=1, failed=1), dupg.WaveTally()])
    assert (halted.state, halted.halted_wave) == ("halted", 0)
    status.resume()
    status.resume()  # a no-op
    assert status == dupg.RolloutStatus() and status.wave_open(0) and not status.wave_open(1)
    status = r.step(status, settled)
    assert (status.state, status.open) == ("running", 2)


def test_step_bad_inputs():
    r = dupg.Rollout([0.5], 0.1)
    status = dupg.RolloutStatus()
    with pytest.raises(dupg.BadInputError) as e:
        r.step(status, [dupg.WaveTally()])
    assert str(e.value) == "tallies: 1 given for a rollout of 2 waves"
    with pytest.raises(dupg.ArgumentError) as e:
        r.step(status, [dupg.WaveTally(), (1, 0, 0, 0)])
    assert "item 1 is not a WaveTally" in str(e.value)
    with pytest.raises(dupg.ArgumentError):
        r.step(status, 3)
    with pytest.raises(dupg.ArgumentError):
        r.step(None, [dupg.WaveTally()] * 2)
    assert status == dupg.RolloutStatus()


def test_a_status_from_stored_values():
    s = dupg.RolloutStatus(dupg.RolloutState.HALTED, 3, 2)
    assert dupg.RolloutStatus(s.state.value, s.open, s.halted_wave) == s
    assert dupg.RolloutStatus("done", 4).state is dupg.RolloutState.DONE
    for args, words in ((("stopped", 1), 'unknown "stopped"'),
                        (("running", 0), "at least wave 0 is open"),
                        (("halted", 1), "a halted rollout needs its halted wave"),
                        (("running", 1, 0), "only a halted rollout has a halted wave")):
        with pytest.raises(dupg.BadInputError) as e:
            dupg.RolloutStatus(*args)
        assert words in str(e.value)


# ---- The handle -------------------------------------------------------------


def test_a_closed_rollout_raises_and_the_c_side_goes_with_the_object():
    gc.collect()
    before = dupg.core._live_handles()
    r = dupg.Rollout([0.25], 0.1)
    assert dupg.core._live_handles() == before + 1
    assert repr(r) == "<dupg.Rollout waves 0.25,1, threshold 0.1>"
    r.close()
    assert dupg.core._live_handles() == before
    assert repr(r) == "<dupg.Rollout (closed)>"
    with pytest.raises(dupg.BadInputError) as e:
        r.wave_of(0, 10)
    assert "Rollout is closed" in str(e.value)
    r = dupg.Rollout([0.25], 0.1)
    del r
    gc.collect()
    assert dupg.core._live_handles() == before
