"""Applying prunes to a real store, crash injection and recovery."""

import os

import pytest

import dupg
from conftest import read_list, snapshot

STEPS = ["journal_temp", "journal", "rollback_temp", "rollback", "list_temp", "list",
         "delete", "done"]
FIRST = ["pkg%d.tar.gz" % i for i in range(1, 5)]
THIRD = ["pkg%d.tar.gz" % i for i in range(2, 7)]
FOURTH = ["pkg%d.tar.gz" % i for i in range(2, 5)]


def test_steps_are_reported_in_order(worked_store):
    d = worked_store()
    seen = []
    with dupg.Store(d / "list") as store:
        store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, on_step=seen.append)
    assert seen == STEPS  # one deletion: pkg1


def assert_consistent(d):
    """No list names a missing package, and no temporary file is left."""
    for name in ("list", "list.rollback"):
        if (d / name).exists():
            for p in read_list(d / name):
                assert (d / p).exists(), "%s names missing %s" % (name, p)
    assert not [n for n in os.listdir(str(d)) if ".tmp" in n or n.endswith(".journal")]


@pytest.mark.parametrize("step", STEPS)
def test_crash_at_every_step_then_recover(worked_store, step):
    d = worked_store()
    stop = lambda s: s == step  # noqa: E731
    with dupg.Store(d / "list") as store:
        with pytest.raises(dupg.AbortedError) as e:
            store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, on_step=stop)
        assert e.value.code == dupg.EABORTED
    if step not in ("done",):
        # An interrupted apply must be recovered before the store opens again.
        if (d / "list.journal").exists():
            with pytest.raises(dupg.BadInputError, match="list"):
                dupg.Store(d / "list")
    report = dupg.recover(d / "list")
    committed = STEPS.index(step) >= STEPS.index("list")
    if step in ("journal_temp", "done"):
        # Before the journal is in place there is nothing to undo; after it is
        # removed nothing to finish. Only a temporary file may be left.
        assert report["action"] == "clean"
        assert report["temps_removed"] == (1 if step == "journal_temp" else 0)
    else:
        assert report["action"] == ("finished" if committed else "undone")
    assert_consistent(d)
    if committed:
        assert read_list(d / "list") == THIRD
        assert read_list(d / "list.rollback") == FOURTH
        assert not (d / "pkg1.tar.gz").exists()
    else:
        assert read_list(d / "list") == FIRST
        assert (d / "pkg1.tar.gz").exists()
    # Recovery is idempotent and the store opens.
    assert dupg.Store.recover(d / "list")["action"] == "clean"
    with dupg.Store(d / "list") as store:
        assert store.paths() == (THIRD if committed else FIRST)


def test_exception_in_callback_stops_and_propagates(worked_store):
    d = worked_store()

    class Boom(Exception):
        pass

    def explode(step):
        if step == "rollback":
            raise Boom(step)

    with dupg.Store(d / "list") as store:
        with pytest.raises(Boom, match="rollback"):
            store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, on_step=explode)
    assert dupg.recover(d / "list")["action"] == "undone"
    assert read_list(d / "list") == FIRST
    assert_consistent(d)


def test_on_step_must_be_callable(worked_store):
    d = worked_store()
    before = snapshot(d)
    with dupg.Store(d / "list") as store:
        with pytest.raises(dupg.ArgumentError, match="callable"):
            store.prune(["pkg5.tar.gz"], apply=True, on_step=3)
    assert snapshot(d) == before


def test_prune_result_and_configurations(worked_store):
    d = worked_store()
    with dupg.Store(str(d / "list")) as store:
        assert store.list_file == str(d / "list")
        assert store.config() == {"A": "pkg3.tar.gz", "B": "pkg4.tar.gz", "C": "pkg2.tar.gz",
                                  "D": "pkg2.tar.gz", "E": "pkg2.tar.gz"}
        assert list(store) == FIRST
        assert repr(store) == "<dupg.Store %r: 4 packages>" % str(d / "list")
        with store.prune_result([d / "pkg5.tar.gz"], no_fsync=True) as p:
            # Paths are kept as given: absolute here.
            assert p.second == FIRST + [str(d / "pkg5.tar.gz")]
            # A is fitted by pkg1, 3 and 5: its oldest, pkg1, is in neither configuration.
            assert p.deletable == ["pkg1.tar.gz"]
    assert read_list(d / "list") == FIRST


def test_keep_latest_on_a_store(worked_store):
    d = worked_store()
    with dupg.Store(d / "list") as store:
        got = store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, keep=2, no_fsync=True)
    # With two kept per type, pkg1 (A, B) is older than the two latest of both of its types.
    assert "pkg1.tar.gz" in got["deletable"]
    assert read_list(d / "list") == got["third"]
    assert_consistent(d)


def test_relative_new_paths_resolve_against_the_store(worked_store, monkeypatch, tmp_path_factory):
    d = worked_store()
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    with dupg.Store(d / "list") as store:
        assert store.prune(["pkg5.tar.gz"])["second"][-1] == "pkg5.tar.gz"
