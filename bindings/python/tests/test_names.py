# SPDX-License-Identifier: BSD-2-Clause
"""The library's names of its enums' values, as the package shows them, and each error's code name."""

import ast
import os

import pytest

import dupg
from conftest import make_pkg

# As the headers spell them (dupg/apply.h, package.h, match.h, plan.h, store.h, prune.h, txn.h,
# rollout.h, region.h).
SPELLED = {
    "APPLY_STEPS": ("journal_temp", "journal", "rollback_temp", "rollback", "list_temp", "list",
                    "delete", "done"),
    "PACK_FORMATS": ("auto", "tar", "tar.gz", "tar.xz", "tar.zst", "zip"),
    "TASK_KINDS": ("none", "incremental", "full"),
    "PLAN_ACTIONS": ("local", "send"),
    "RECOVER_ACTIONS": ("clean", "finished", "undone"),
    "PRUNE_LISTS": ("second", "third", "fourth", "deletable"),
    "PRUNE_POLICIES": ("minimal", "keep_latest"),
    "PRUNE_CONFIGS": ("latest", "rollback"),
    "TXN_PHASES": ("prepare", "commit", "abort", "revert", "done"),
    "TXN_OUTCOMES": ("running", "committed", "rolled_back", "rollback_incomplete"),
    "TXN_TAKEN": ("taken", "duplicate", "late"),
    "ROLLOUT_STATES": ("running", "paused", "halted", "done"),
    "SITE_STATES": ("pending", "current", "assigned", "downloading", "staged", "upgraded",
                    "rolled_back", "failed"),
    "ELECT_RESULTS": ("none", "kept", "first", "better", "failover"),
}


@pytest.mark.parametrize("name", sorted(SPELLED))
def test_name_tuples(name):
    names = getattr(dupg, name)
    assert names == SPELLED[name]
    assert isinstance(names, tuple) and getattr(dupg.core, name) is names


def test_the_stub_declares_the_tuples():
    stub = os.path.join(os.path.dirname(dupg.__file__), "__init__.pyi")
    with open(stub) as f:
        tree = ast.parse(f.read())
    declared = {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}
    assert set(SPELLED) <= declared
    aliases = {n.targets[0].id: ast.literal_eval(n.value.slice) for n in tree.body
               if isinstance(n, ast.Assign) and isinstance(n.value, ast.Subscript)
               and getattr(n.value.value, "id", None) == "Literal"}
    for name, alias in (("APPLY_STEPS", "StepName"), ("PACK_FORMATS", "PackFormat"),
                        ("TASK_KINDS", "TaskKind"), ("PLAN_ACTIONS", "PlanAction"),
                        ("RECOVER_ACTIONS", "RecoverAction"), ("PRUNE_LISTS", "PruneListKey"),
                        ("PRUNE_POLICIES", "PrunePolicy"), ("PRUNE_CONFIGS", "PruneConfigKind"),
                        ("TXN_PHASES", "TxnPhase"), ("TXN_OUTCOMES", "TxnOutcome"),
                        ("TXN_STATES", "TxnState"), ("TXN_FAILURES", "TxnFailure"),
                        ("TXN_ACTIONS", "TxnActionKind"), ("TXN_EVENTS", "TxnEventKind"),
                        ("TXN_TAKEN", "TxnTaken"), ("ROLLOUT_STATES", "RolloutStateName"),
                        ("SITE_STATES", "SiteStateName"), ("ELECT_RESULTS", "ElectResultName")):
        assert aliases[alias] == getattr(dupg, name), alias


@pytest.mark.parametrize("names, enum", [("ROLLOUT_STATES", "RolloutState"),
                                         ("SITE_STATES", "SiteState"),
                                         ("ELECT_RESULTS", "ElectResult")])
def test_rollout_enums_are_the_name_tuples(names, enum):
    members = tuple(getattr(dupg, enum))
    assert members == getattr(dupg, names)
    assert [m.name for m in members] == [n.upper() for n in getattr(dupg, names)]
    assert all(getattr(dupg, enum)(str(m)) is m for m in members)


def test_every_step_name_reaches_on_step_in_order(worked_store):
    d = worked_store()
    seen = []
    with dupg.Store(d / "list") as store:
        store.prune(["pkg5.tar.gz", "pkg6.tar.gz"], apply=True, no_fsync=True, on_step=seen.append)
    assert set(seen) == set(dupg.APPLY_STEPS)
    firsts = sorted(set(seen), key=seen.index)
    assert firsts == list(dupg.APPLY_STEPS)


@pytest.mark.parametrize("fmt", dupg.PACK_FORMATS)
def test_every_pack_format_builds(tmp_path, fmt):
    src = tmp_path / "app"
    src.write_bytes(b"app\n")
    out = tmp_path / ("p." + (fmt if fmt != "auto" else "tar.gz"))
    with dupg.build_package(out, "p", "1", ["A"], [src], format=fmt, no_fsync=True) as m:
        assert dupg.verify(out) == m


def test_an_unknown_pack_format_lists_the_known_ones(tmp_path):
    src = tmp_path / "app"
    src.write_bytes(b"app\n")
    with pytest.raises(dupg.UnsupportedError) as e:
        dupg.build_package(tmp_path / "p.rar", "p", "1", ["A"], [src], format="rar")
    assert "p.rar" in str(e.value) and "rar" in str(e.value)
    assert all(f in str(e.value) for f in dupg.PACK_FORMATS)
    assert e.value.code_name == "DUPG_EUNSUPPORTED"
    assert not (tmp_path / "p.rar").exists()


def test_task_kinds_plan_actions_and_recover_actions_are_the_tuples(tmp_path, worked_store):
    pkg = make_pkg(tmp_path, "a", "2", ["A"])
    assert dupg.match({"hw": {"A": [{"version": "1", "devices": ["m"]}]}}, [pkg])["kind"] \
        in dupg.TASK_KINDS
    topo = dupg.Topology([{"id": "m", "hw": "A", "version": "1"},
                          {"id": "r", "hw": "B", "version": "1", "parent": "m"}])
    with topo.plan_upgrade({}, {"A": "a2", "B": "b2"}) as plan:
        assert [s["action"] for s in plan] == list(dupg.PLAN_ACTIONS)
    d = worked_store()
    assert dupg.recover(d / "list")["action"] == dupg.RECOVER_ACTIONS[0]


def test_prune_lists_by_key_and_by_what_they_hold():
    with dupg.PathList([("p1", ["A"]), ("p2", ["A"]), ("p3", ["A"])]) as first, \
            dupg.PathList([("p4", ["A"])]) as new, first.prune(new) as p:
        for key in dupg.PRUNE_LISTS:
            assert p.list(key) == p.to_dict()[key]
        for alias, key in (("merged", "second"), ("kept", "third"), ("rollback", "fourth")):
            assert p.list(alias) == p.list(key)
            assert p.indexes(alias) == p.indexes(key)
            with p.pathlist(alias) as l:
                assert l.paths() == p.list(key)
        for kind in dupg.PRUNE_CONFIGS:
            with p.config(kind) as c:
                assert c.to_dict() == p.to_dict()[kind]
        with pytest.raises(dupg.BadInputError) as e:
            p.list("fifth")
        assert "fifth" in str(e.value) and all(k in str(e.value) for k in dupg.PRUNE_LISTS)
        with pytest.raises(dupg.BadInputError) as e:
            p.config("newest")
        assert "newest" in str(e.value) and all(k in str(e.value) for k in dupg.PRUNE_CONFIGS)
        with pytest.raises(dupg.ArgumentError):
            p.list(None)


CODE_NAMES = [
    (dupg.OK, "DUPG_OK"), (dupg.ERROR, "DUPG_ERROR"), (dupg.ENOMEM, "DUPG_ENOMEM"),
    (dupg.EINVAL, "DUPG_EINVAL"), (dupg.EFORMAT, "DUPG_EFORMAT"),
    (dupg.ENOTFOUND, "DUPG_ENOTFOUND"), (dupg.EIO, "DUPG_EIO"), (dupg.EARCHIVE, "DUPG_EARCHIVE"),
    (dupg.EINTEGRITY, "DUPG_EINTEGRITY"), (dupg.EEXISTS, "DUPG_EEXISTS"),
    (dupg.EUNSUPPORTED, "DUPG_EUNSUPPORTED"), (dupg.EABORTED, "DUPG_EABORTED"),
    (dupg.EUNSIGNED, "DUPG_EUNSIGNED"), (dupg.EBADSIG, "DUPG_EBADSIG"),
    (dupg.EUNKNOWNKEY, "DUPG_EUNKNOWNKEY"), (dupg.EREVOKED, "DUPG_EREVOKED"),
    (dupg.ETHRESHOLD, "DUPG_ETHRESHOLD"), (dupg.EEXPIRED, "DUPG_EEXPIRED"),
    (dupg.EROLLBACK, "DUPG_EROLLBACK"), (dupg.ESIGFORMAT, "DUPG_ESIGFORMAT"),
    (dupg.EMODE, "DUPG_EMODE"),
]


@pytest.mark.parametrize("code, name", CODE_NAMES)
def test_code_names(code, name):
    assert dupg.core.error_name(code) == name
    cls = dupg.errors.error_class(code)
    assert cls("x", code).code_name == name


def test_code_name_of_raised_and_python_made_errors(tmp_path):
    with pytest.raises(dupg.NotFoundError) as e:
        dupg.verify(tmp_path / "missing.tar.gz")
    assert (e.value.code, e.value.code_name) == (dupg.ENOTFOUND, "DUPG_ENOTFOUND")
    with pytest.raises(dupg.FormatError) as e:
        dupg.Manifest.parse("{")
    assert e.value.code_name == "DUPG_EFORMAT"
    with pytest.raises(dupg.ArgumentError) as e:
        dupg.merge(42)
    assert e.value.code_name == "DUPG_EINVAL"
    assert dupg.OutOfRangeError("x").code_name == "DUPG_ENOTFOUND"
    assert dupg.SimulatorError("x").code_name == "DUPG_ERROR"
    assert dupg.Error("x", 7).code_name == "unknown"
    assert dupg.Error("x", -99).code_name == "unknown"
