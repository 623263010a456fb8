# SPDX-License-Identifier: BSD-2-Clause
"""Applying prunes to a real store and rolling it back, crash injection and recovery."""

import os
import shutil
import subprocess
import sys
import threading

import pytest

import dupg
from conftest import WORKED_STORE, dupg_sim_path, make_pkg, read_list, snapshot, write_list

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


def test_delete_steps_name_their_file(worked_store, applied):
    """Every delete step says which file it removed; no other step names one."""
    d = worked_store()
    seen = []
    with dupg.Store(d / "list") as store:
        store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, on_step=seen.append)
    assert all(isinstance(s, dupg.StepEvent) and isinstance(s, str) for s in seen)
    assert [(str(s), s.path) for s in seen if s == "delete"] == [("delete", "pkg1.tar.gz")]
    assert all(s.path is None for s in seen if s != "delete")
    assert not (d / "pkg1.tar.gz").exists()
    d = applied()
    seen = []
    with dupg.Store(d / "list") as store:
        got = store.rollback(on_step=seen.append)
    assert [s.path for s in seen if s == "delete"] == got["deleted"]
    assert len(got["deleted"]) == 2
    assert repr(seen[0]) == "StepEvent('journal_temp', path=None)"


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



# ---- Rolling a store back after the site rolled back (Store.rollback) ----

NEW = ["pkg5.tar.gz", "pkg6.tar.gz"]
# A rollback takes the steps of an apply; it deletes pkg5 and pkg6.
ROLLBACK_STEPS = ["journal_temp", "journal", "rollback_temp", "rollback", "list_temp", "list",
                  "delete", "delete", "done"]
ROLLBACK_CONFIG = {"A": "pkg3.tar.gz", "B": "pkg4.tar.gz", "C": "pkg2.tar.gz",
                   "D": "pkg2.tar.gz", "E": "pkg2.tar.gz"}
ROLLED_BACK = {"list": FOURTH, "rollback": FOURTH, "deleted": NEW}


@pytest.fixture
def applied(tmp_path):
    """build(name): the worked example's store in tmp_path/name with its prune
    applied: list 2-6, list.rollback 2-4, pkg1 deleted."""
    def build(name="store"):
        d = tmp_path / name
        d.mkdir()
        for i, (pkg, hw) in enumerate(WORKED_STORE.items(), start=1):
            make_pkg(d, pkg, str(i), hw)
        write_list(d / "list", FIRST)
        with dupg.Store(d / "list") as store:
            assert store.prune(NEW, apply=True, no_fsync=True)["deletable"] == ["pkg1.tar.gz"]
        assert read_list(d / "list") == THIRD
        assert read_list(d / "list.rollback") == FOURTH
        return d
    return build


def stored(d):
    """The worked example's packages present in d."""
    return [p for p in ["pkg%d.tar.gz" % i for i in range(1, 7)] if (d / p).exists()]


def test_worked_example_rolled_back(applied):
    d = applied()
    seen = []
    with dupg.Store(d / "list") as store:
        got = store.rollback(on_step=seen.append)
        assert got == ROLLED_BACK
        assert list(got) == ["list", "rollback", "deleted"]  # as dupg-sim prints it
        assert seen == ROLLBACK_STEPS
        # The handle now says what the devices run: the rollback configuration.
        assert store.paths() == FOURTH and len(store) == 3
        assert store.config() == ROLLBACK_CONFIG
    assert read_list(d / "list") == FOURTH
    assert read_list(d / "list.rollback") == FOURTH
    assert stored(d) == FOURTH  # pkg5 and pkg6 gone, pkg1 gone since the prune
    assert_consistent(d)
    assert dupg.recover(d / "list") == {"action": "clean", "temps_removed": 0, "files_deleted": 0}
    # Again, on a new handle: the same lists, nothing deleted, nothing on disk changed.
    before = snapshot(d)
    seen = []
    with dupg.Store(d / "list") as store:
        assert store.rollback(no_fsync=True, on_step=seen.append) == \
            {"list": FOURTH, "rollback": FOURTH, "deleted": []}
    assert seen == [s for s in ROLLBACK_STEPS if s != "delete"]
    assert snapshot(d) == before


def test_rollback_paths_as_written(applied, tmp_path):
    # A rollback package spelled otherwise in list.rollback is the same file: it stays,
    # and the old spelling, no longer listed but still on disk, is not "deleted".
    d = applied("spelled")
    write_list(d / "list.rollback", ["./pkg2.tar.gz", "pkg3.tar.gz", "pkg4.tar.gz"])
    with dupg.Store(d / "list") as store:
        got = store.rollback(no_fsync=True)
    spelled = ["./pkg2.tar.gz", "pkg3.tar.gz", "pkg4.tar.gz"]
    assert got == {"list": spelled, "rollback": spelled, "deleted": NEW}
    assert stored(d) == FOURTH
    # A download stored elsewhere is listed, and reported, by its absolute path.
    d = tmp_path / "elsewhere"
    d.mkdir()
    for i, (pkg, hw) in enumerate(WORKED_STORE.items(), start=1):
        make_pkg(d, pkg, str(i), hw)
    write_list(d / "list", FIRST)
    (d / "in").mkdir()
    pkg7 = make_pkg(d / "in", "pkg7", "7", ["A"])
    with dupg.Store(d / "list") as store:
        assert store.prune([pkg7], apply=True, no_fsync=True)["third"] == \
            ["pkg2.tar.gz", "pkg3.tar.gz", "pkg4.tar.gz", pkg7]
        assert store.rollback() == {"list": FOURTH, "rollback": FOURTH, "deleted": [pkg7]}
    assert not os.path.exists(pkg7)
    assert (d / "pkg5.tar.gz").exists()  # never listed: not the store's to delete


@pytest.mark.parametrize("rollback_list", [
    FOURTH, ["./pkg2.tar.gz", "pkg3.tar.gz", "pkg4.tar.gz"],
], ids=["worked", "spelled"])
def test_rollback_matches_dupg_sim(applied, rollback_list):
    if dupg_sim_path() is None:
        pytest.skip("dupg-sim is not built")
    ours, theirs = applied("ours"), applied("theirs")
    for d in (ours, theirs):
        write_list(d / "list.rollback", rollback_list)
    with dupg.Store(ours / "list") as store:
        got = store.rollback()
    assert got == {"list": rollback_list, "rollback": rollback_list, "deleted": NEW}
    assert dupg.sim.command("rollback", "--list", theirs / "list") == got
    assert snapshot(ours) == snapshot(theirs)
    # Again, with nothing to delete: both say so alike.
    with dupg.Store(ours / "list") as store:
        got = store.rollback()
    assert got["deleted"] == []
    assert dupg.sim.command("rollback", "--list", theirs / "list") == got


def test_retry_after_rollback(worked_store, tmp_path_factory):
    """After a rollback the same download, stored again, prunes as it did the first time."""
    d = worked_store()
    download = tmp_path_factory.mktemp("download")
    for p in NEW:
        shutil.copy(str(d / p), str(download / p))
    with dupg.Store(d / "list") as store:
        first = store.prune(NEW, apply=True)
        after_first = snapshot(d)
        # Without the rollback the store still lists the download: the retry is refused.
        with pytest.raises(dupg.DuplicateError, match="pkg5.tar.gz"):
            store.prune(NEW, apply=True)
        assert snapshot(d) == after_first
        assert store.rollback() == ROLLED_BACK
        for p in NEW:
            shutil.copy(str(download / p), str(d / p))
        again = store.prune(NEW, apply=True)
        assert store.paths() == THIRD
    assert first["deletable"] == ["pkg1.tar.gz"]
    # The same lists and configurations; pkg1 went the first time, so nothing goes now.
    assert again == dict(first, second=FOURTH + NEW, deletable=[])
    assert snapshot(d) == after_first
    assert_consistent(d)


def test_rollback_without_rollback_list(worked_store):
    d = worked_store()  # never pruned: there is no list.rollback
    before = snapshot(d)
    seen = []
    with dupg.Store(d / "list") as store:
        with pytest.raises(dupg.NotFoundError) as e:
            store.rollback(on_step=seen.append)
        assert e.value.code == dupg.ENOTFOUND
        assert str(d / "list.rollback") in e.value.message
        assert "nothing to roll back to" in e.value.message
        assert isinstance(e.value, KeyError) and isinstance(e.value, FileNotFoundError)
        assert seen == []
        # The handle is unchanged, and free again.
        assert store.paths() == FIRST
        assert store.prune(NEW)["deletable"] == ["pkg1.tar.gz"]
    assert snapshot(d) == before


@pytest.mark.parametrize("text, exc, where", [
    ("pkg2.tar.gz\npkg9.tar.gz\n", dupg.NotFoundError, "list.rollback:2: pkg9.tar.gz"),
    ("pkg2.tar.gz\npkg3.tar.gz\npkg2.tar.gz\n", dupg.DuplicateError,
     "list.rollback:3: pkg2.tar.gz"),
    ("pkg2.tar.gz\n pkg3.tar.gz\n", dupg.FormatError, "list.rollback:2"),
])
def test_rollback_bad_rollback_list(applied, text, exc, where):
    d = applied()
    with open(str(d / "list.rollback"), "w") as f:
        f.write(text)
    before = snapshot(d)
    with dupg.Store(d / "list") as store:
        with pytest.raises(exc) as e:
            store.rollback()
        assert where in e.value.message
        assert store.paths() == THIRD
    assert snapshot(d) == before


def test_rollback_refused_while_an_apply_is_pending(applied):
    d = applied()
    with dupg.Store(d / "list") as store:
        write_list(d / "list.journal", ["{}"])
        before = snapshot(d)
        with pytest.raises(dupg.BadInputError, match="list.journal") as e:
            store.rollback()
        assert e.value.code == dupg.EPENDING
        assert snapshot(d) == before
        with pytest.raises(dupg.ArgumentError, match="callable"):
            store.rollback(on_step="journal")
        with pytest.raises(dupg.ArgumentError):
            store.rollback(NEW)  # no download to give
    assert snapshot(d) == before


@pytest.mark.parametrize("call", range(len(ROLLBACK_STEPS)),
                         ids=["%d-%s" % c for c in enumerate(ROLLBACK_STEPS)])
def test_rollback_crash_at_every_step_then_recover(applied, call):
    d = applied()
    calls = []

    def crash(step):
        calls.append(step)
        return len(calls) == call + 1

    with dupg.Store(d / "list") as store:
        with pytest.raises(dupg.AbortedError) as e:
            store.rollback(on_step=crash)
        assert e.value.code == dupg.EABORTED
    assert calls == ROLLBACK_STEPS[:call + 1]
    step = ROLLBACK_STEPS[call]
    if (d / "list.journal").exists():
        with pytest.raises(dupg.BadInputError, match="list"):
            dupg.Store(d / "list")
    committed = call >= ROLLBACK_STEPS.index("list")
    report = dupg.recover(d / "list")
    if step in ("journal_temp", "done"):
        # No journal yet, or none left: nothing to undo or finish.
        action = "clean"
    else:
        action = "finished" if committed else "undone"
    assert report == {
        "action": action,
        "temps_removed": 1 if step.endswith("_temp") else 0,
        # finishing deletes what the crash left of pkg5 and pkg6
        "files_deleted": ROLLBACK_STEPS[call + 1:].count("delete") if action == "finished" else 0,
    }
    assert_consistent(d)
    assert read_list(d / "list") == (FOURTH if committed else THIRD)
    assert read_list(d / "list.rollback") == FOURTH
    assert stored(d) == (FOURTH if committed else THIRD)
    assert dupg.recover(d / "list")["action"] == "clean"
    # The store opens, and a rollback runs to its end.
    with dupg.Store(d / "list") as store:
        assert store.paths() == (FOURTH if committed else THIRD)
        assert store.rollback() == dict(ROLLED_BACK, deleted=[] if committed else NEW)
    assert stored(d) == FOURTH
    assert_consistent(d)


def test_rollback_callback_exception_stops_and_propagates(applied):
    d = applied()

    class Boom(Exception):
        pass

    def explode(step):
        if step == "list_temp":
            raise Boom(step)

    with dupg.Store(d / "list") as store:
        with pytest.raises(Boom, match="list_temp"):
            store.rollback(on_step=explode)
    assert dupg.recover(d / "list")["action"] == "undone"
    assert read_list(d / "list") == THIRD
    assert stored(d) == THIRD
    assert_consistent(d)


def test_a_store_being_rolled_back_is_busy_for_other_threads(applied):
    """While one thread rolls a store back, every other call on it raises BusyError."""
    d = applied()
    inside, go_on = threading.Event(), threading.Event()
    seen = []

    def on_step(step):
        seen.append(step)
        if step == "journal":
            inside.set()
            assert go_on.wait(60)

    store = dupg.Store(d / "list")
    roller = threading.Thread(target=lambda: seen.append(
        store.rollback(no_fsync=True, on_step=on_step)))
    roller.start()
    try:
        assert inside.wait(60)
        for call in (store.close, store.paths, lambda: len(store), store.config,
                     lambda: store.list_file, lambda: store.prune(NEW),
                     lambda: store.prune(NEW, apply=True), store.rollback):
            with pytest.raises(dupg.BusyError) as e:
                call()
            assert e.value.message == "Store is busy: another call is changing it"
            assert e.value.code == dupg.EBUSY
        assert repr(store) == "<dupg.Store (busy)>"
    finally:
        go_on.set()
        roller.join()
    assert seen[-1] == ROLLED_BACK
    assert seen[:-1] == ROLLBACK_STEPS
    assert store.paths() == read_list(d / "list") == FOURTH
    store.close()
    assert repr(store) == "<dupg.Store (closed)>"


def test_a_store_being_pruned_cannot_be_rolled_back(worked_store):
    d = worked_store()
    inside, go_on = threading.Event(), threading.Event()
    results = []

    def on_step(step):
        if step == "journal":
            inside.set()
            assert go_on.wait(60)

    store = dupg.Store(d / "list")
    pruner = threading.Thread(target=lambda: results.append(
        store.prune(NEW, apply=True, no_fsync=True, on_step=on_step)))
    pruner.start()
    try:
        assert inside.wait(60)
        with pytest.raises(dupg.BusyError, match="changing"):
            store.rollback()
    finally:
        go_on.set()
        pruner.join()
    assert results[0]["deletable"] == ["pkg1.tar.gz"]
    assert read_list(d / "list") == THIRD  # the refused rollback did nothing
    assert store.rollback() == ROLLED_BACK
    store.close()


def test_a_rollback_callback_cannot_use_its_store(applied):
    d = applied()
    errors = []

    def on_step(step):
        if step == "list":
            for call in (store.close, store.paths, store.rollback):
                try:
                    call()
                except dupg.BusyError as e:
                    errors.append(e.message)

    with dupg.Store(d / "list") as store:
        assert store.rollback(on_step=on_step) == ROLLED_BACK
        assert errors == ["Store is busy: another call is changing it"] * 3
        assert len(store) == 3


def test_a_store_dropped_during_its_rollback_goes_when_it_ends(applied):
    d = applied()
    before = dupg.core._live_handles()
    store = dupg.Store(d / "list")

    def on_step(step):
        if step == "rollback":
            del store.this  # the last reference to the C side's owner
            assert dupg.core._live_handles() == before + 1

    assert store.rollback(no_fsync=True, on_step=on_step) == ROLLED_BACK
    assert dupg.core._live_handles() == before
    assert read_list(d / "list") == FOURTH


def test_rollback_leaves_no_handle_behind(worked_store, tmp_path_factory):
    d = worked_store()
    download = tmp_path_factory.mktemp("download")
    for p in NEW:
        shutil.copy(str(d / p), str(download / p))
    before = dupg.core._live_handles()
    with dupg.Store(d / "list") as store:
        for _ in range(50):
            with pytest.raises(dupg.NotFoundError):
                store.rollback()  # no list.rollback before the first prune
        for i in range(50):
            for p in NEW:
                if not (d / p).exists():
                    shutil.copy(str(download / p), str(d / p))
            store.prune(NEW, apply=True, no_fsync=True)
            assert store.rollback(no_fsync=True)["deleted"] == NEW
    assert dupg.core._live_handles() == before


def _hold_store_lock(directory):
    """A child process holding the store's lock (flock on its directory) until told to let go."""
    code = ("import fcntl, os, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n")
    p = subprocess.Popen([sys.executable, "-c", code, str(directory)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_the_store_lock_between_processes(worked_store):
    """Another process changing the store holds its lock: BusyError naming its pid, or a wait."""
    d = worked_store()
    holder = _hold_store_lock(d)
    try:
        before = snapshot(d)
        with pytest.raises(dupg.BusyError, match="held by pid %d" % holder.pid) as e:
            dupg.Store(d / "list")
        assert e.value.code == dupg.EBUSY and e.value.code_name == "DUPG_EBUSY"
        with pytest.raises(dupg.BusyError):
            dupg.recover(d / "list")
        assert snapshot(d) == before
        with pytest.raises(dupg.ArgumentError, match="wait"):
            dupg.Store(d / "list", wait=-1)
        threading.Timer(0.3, holder.stdin.close).start()
        with dupg.Store(d / "list", wait=20) as store:
            assert store.prune(NEW, apply=True, wait=20)["deletable"] == ["pkg1.tar.gz"]
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.wait()


def test_an_empty_download_is_refused(worked_store):
    d = worked_store()
    with dupg.Store(d / "list") as store:
        before = snapshot(d)
        with pytest.raises(dupg.BadInputError, match="empty"):
            store.prune([], apply=True)
        assert snapshot(d) == before


def test_verified_packages_are_not_read_again(tmp_path):
    # A payload changed after the caller's own check goes through when the
    # caller says it verified the package (the second pass was skipped), and
    # is refused when it does not.
    make_pkg(tmp_path, "pkg1", "1", ["A"])
    pkg = make_pkg(tmp_path, "pkg2", "2", ["A"], payload=b"X" * 4096, fmt="tar")
    with open(pkg, "rb") as f:
        data = bytearray(f.read())
    at = data.index(b"X" * 4096)
    data[at + 100] = ord("Y")
    with open(pkg, "wb") as f:
        f.write(data)
    write_list(tmp_path / "list", ["pkg1.tar.gz"])
    with dupg.Store(tmp_path / "list") as store:
        with pytest.raises(dupg.IntegrityError, match="pkg2.tar"):
            store.prune(["pkg2.tar"], apply=True, no_fsync=True)
        assert read_list(tmp_path / "list") == ["pkg1.tar.gz"]
        with pytest.raises(dupg.ArgumentError, match="verified"):
            store.prune(["pkg2.tar"], apply=True, no_fsync=True, verified="pkg2.tar")
        store.prune(["pkg2.tar"], apply=True, no_fsync=True, verified=["pkg2.tar"])
    assert read_list(tmp_path / "list") == ["pkg1.tar.gz", "pkg2.tar"]
