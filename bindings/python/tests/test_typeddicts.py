# SPDX-License-Identifier: BSD-2-Clause
"""Every dict the package returns is what its TypedDict in dupg/__init__.pyi declares.

The stub is executed as a module (annotations postponed, so that it needs no
runtime names beyond its imports), and real results of the library are held
to its declarations: exactly the keys declared (each required key present,
nothing undeclared), and each value of its declared type, nested TypedDicts,
lists, Literals and Optionals included. mypy, when installed, checks the stub
and a small client of it.
"""

import ast
import os
import shutil
import subprocess
import sys
import types
import typing

import pytest

import dupg
from conftest import make_pkg

STUB = os.path.join(os.path.dirname(dupg.__file__), "__init__.pyi")

pytestmark = pytest.mark.skipif(not hasattr(typing, "get_origin"),
                                reason="typing.get_origin needs Python 3.8")


def load_stub():
    with open(STUB, encoding="utf-8") as f:
        text = f.read()
    mod = types.ModuleType("dupg._stub")
    mod.__package__ = "dupg"
    mod.__file__ = STUB
    exec(compile("from __future__ import annotations\n" + text, STUB, "exec"), mod.__dict__)
    return mod


S = load_stub()


def is_typeddict(t):
    return isinstance(t, type) and issubclass(t, dict) and hasattr(t, "__required_keys__")


def conforms(value, hint, where):
    """Raise AssertionError, naming where, unless value is of the declared type hint."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any:
        return
    if is_typeddict(hint):
        assert isinstance(value, dict), "%s: %r is not a dict (%s)" % (where, value, hint.__name__)
        keys, req, opt = set(value), set(hint.__required_keys__), set(hint.__optional_keys__)
        assert req <= keys, "%s: %s lacks %s" % (where, hint.__name__, sorted(req - keys))
        assert keys <= req | opt, "%s: %s has undeclared %s" % (where, hint.__name__,
                                                             sorted(keys - req - opt))
        hints = typing.get_type_hints(hint, globalns=vars(S))
        for k, v in value.items():
            conforms(v, hints[k], "%s[%r]" % (where, k))
    elif origin is typing.Union:
        errors = []
        for a in args:
            try:
                conforms(value, a, where)
                return
            except AssertionError as e:
                errors.append(str(e))
        raise AssertionError("%s: %r matches no member of %s: %s" % (where, value, hint, errors))
    elif origin is typing.Literal:
        assert value in args, "%s: %r is not one of %s" % (where, value, args)
    elif origin is list:
        assert isinstance(value, list), "%s: %r is not a list" % (where, value)
        for i, v in enumerate(value):
            conforms(v, args[0], "%s[%d]" % (where, i))
    elif origin is dict:
        assert isinstance(value, dict), "%s: %r is not a dict" % (where, value)
        for k, v in value.items():
            conforms(k, args[0], "%s key %r" % (where, k))
            conforms(v, args[1], "%s[%r]" % (where, k))
    elif origin is tuple:
        assert isinstance(value, tuple), "%s: %r is not a tuple" % (where, value)
    elif hint is type(None) or hint is None:
        assert value is None, "%s: %r is not None" % (where, value)
    elif hint is int:
        assert isinstance(value, int) and not isinstance(value, bool), "%s: %r is not an int" % (where, value)
    elif hint is float:
        assert isinstance(value, (int, float)) and not isinstance(value, bool), where
    else:
        assert isinstance(value, hint), "%s: %r is not a %s" % (where, value, hint)


def returns(owner, name):
    """The declared return type of function or method name of the stub (owner: a class or None)."""
    target = getattr(S, owner) if owner else S
    fn = getattr(target, name)
    if isinstance(fn, property):
        fn = fn.fget
    return typing.get_type_hints(fn, globalns=vars(S))["return"]


def check(value, owner, name):
    conforms(value, returns(owner, name), "%s.%s()" % (owner or "dupg", name))


def check_attr(value, owner, name):
    conforms(value, typing.get_type_hints(getattr(S, owner), globalns=vars(S))[name],
             "%s.%s" % (owner, name))


def test_the_checker_catches_missing_extra_and_mistyped_keys():
    step = {"device": "D", "hw": "A", "package": None, "previous": "p", "version": None,
            "action": "local", "via": []}
    conforms(step, S.Step, "step")
    with pytest.raises(AssertionError, match="lacks"):
        conforms({k: v for k, v in step.items() if k != "via"}, S.Step, "step")
    with pytest.raises(AssertionError, match="undeclared"):
        conforms(dict(step, extra=1), S.Step, "step")
    with pytest.raises(AssertionError, match="not one of"):
        conforms(dict(step, action="fly"), S.Step, "step")
    with pytest.raises(AssertionError, match="not an int"):
        conforms({"path": "p", "size": True, "xxh128": "x"}, S.ManifestFile, "f")
    conforms({"path": "p", "size": 1, "xxh128": "x", "mode": "0755"}, S.ManifestFile, "f")


def test_no_result_is_an_untyped_dict():
    """Records have TypedDicts; a Dict is left only for mappings keyed by data (hw type, state)."""
    with open(STUB, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    loose = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.returns is not None:
            text = ast.unparse(node.returns) if hasattr(ast, "unparse") else ""
            if "Dict[str, Any]" in text or text in ("dict", "Dict"):
                loose.append(node.name)
    assert loose == []


def test_manifests(tmp_path):
    src = tmp_path / "app"
    src.write_bytes(b"#!/bin/sh\n")
    out = tmp_path / "p.tar"
    m = dupg.build_package(out, "app", "2", ["B", "C"], [(src, "bin/app"), (src, "etc/conf")],
                           build_time="2026-01-01T00:00:00Z", vendor="V",
                           security_version=4, applies_to=("1", None), summary="s",
                           expires="2099-01-01T00:00:00Z", modes={"bin/app": 0o755},
                           no_fsync=True)
    d = dupg.read_manifest(out)
    assert set(d) == set(S.ManifestDict.__required_keys__ | S.ManifestDict.__optional_keys__)
    check(d, None, "read_manifest")
    check(m.to_dict(), "Manifest", "to_dict")
    check_attr(m.files, "Manifest", "files")
    m.close()
    # the least a manifest holds: format 1, no optional key at all
    with dupg.Manifest("n", "1", ["A"]) as small:
        small.add_file("x", 1, "6bba86c7e069f56d5a10b435f1c8e49c")
        assert set(small.to_dict()) == S.ManifestDict.__required_keys__
        check(small.to_dict(), "Manifest", "to_dict")
        check_attr(small.files, "Manifest", "files")


def test_descriptions_package_sets_and_matches(tmp_path):
    devices = [{"id": "BBU1", "hw": "A", "version": "3"}, {"id": "HUB1", "hw": "B", "version": "4"}]
    check(dupg.merge(devices), None, "merge")
    with dupg.SystemDescription(devices) as sd:
        check(sd.to_dict(), "SystemDescription", "to_dict")
        check(sd["A"], "SystemDescription", "__getitem__")
        paths = [make_pkg(tmp_path, "pkg5", "5", ["A"]), make_pkg(tmp_path, "pkg6", "6", ["B"])]
        with dupg.PackageSet() as ps:
            for p in paths:
                ps.add_package(p)
            check(ps.packages(), "PackageSet", "packages")
            check(ps.match(sd), "PackageSet", "match")
        check(dupg.match(sd, paths), None, "match")


def test_prune_store_rollback_recover(worked_store):
    d = worked_store()
    check(dupg.prune(["p1", "p2"], ["p3"], {"p1": ["A"], "p2": ["B"], "p3": ["A"]}), None, "prune")
    with dupg.Store(d / "list") as st:
        with st.prune_result(d / "new", no_fsync=True) as pr:
            check(pr.to_dict(), "Prune", "to_dict")
        check(st.prune(d / "new", apply=True, no_fsync=True), "Store", "prune")
        check(st.rollback(no_fsync=True), "Store", "rollback")
    check(dupg.recover(d / "list", no_fsync=True), None, "recover")
    check(dupg.Store.recover(d / "list", no_fsync=True), "Store", "recover")


DEVICES = [
    {"id": "BBU1", "hw": "A", "version": "3", "duration_s": 300},
    {"id": "HUB1", "hw": "B", "version": "4", "parent": "BBU1", "duration_s": 120},
    {"id": "RRU1", "hw": "D", "version": "2", "parent": "HUB1"},
]


def test_topologies_and_plans():
    with dupg.Topology(DEVICES) as topo:
        check(topo.to_dict(), "Topology", "to_dict")
        check(topo.devices(), "Topology", "devices")
        check(topo["HUB1"], "Topology", "__getitem__")
        with topo.plan_upgrade({"A": "pkg3", "B": "pkg4", "D": "pkg2"},
                               {"A": "pkg5", "B": "pkg6", "D": "pkg2"}) as plan:
            check(plan.steps(), "Plan", "steps")
            check(plan.to_dict(), "Plan", "to_dict")
            check(plan[0], "Plan", "__getitem__")
            with plan.rollback() as back:
                check(back.steps(), "Plan", "steps")


def test_transactions():
    answer = {"send": "sent", "stage": "staged", "switch": "switched", "check": "healthy",
              "switch_back": "switched_back"}
    with dupg.Topology(DEVICES) as topo, \
            topo.plan_upgrade({"A": "pkg3", "B": "pkg4", "D": "pkg2"},
                              {"A": "pkg5", "B": "pkg6", "D": "pkg2"}) as plan, \
            dupg.Transaction({"plan": plan, "name": "site", "versions": {"BBU1": "5", "HUB1": "6"}}) as t:
        check(t.to_dict(), "Transaction", "to_dict")
        assert t.cause is None
        seen = set()
        for _ in range(200):
            acts = t.next(0)
            check(acts, "Transaction", "next")
            if not acts or acts[0]["kind"] == "done":
                break
            for a in acts:
                seen.add(a["kind"])
                if a["kind"] in ("abandon", "query"):
                    continue
                # HUB1 fails its health check: the transaction rolls back with a cause
                ev = "unhealthy" if (a["id"], a["kind"]) == ("HUB1", "check") else answer[a["kind"]]
                t.feed({"kind": ev, "device": a["device"]}, 0)
        assert "check" in seen and t.phase == "done"
        check_attr(t.cause, "Transaction", "cause")
        assert t.cause is not None
        report = t.to_dict()
        assert report["cause"] is not None
        check(report, "Transaction", "to_dict")
        check(t.device(0), "Transaction", "device")
        check(t.counts(), "Transaction", "counts")


def test_announcements():
    data = dupg.encode_announcement("n1", 2, 3, 4, 500, leader=True, versions={"A": "5"})
    check(dupg.decode_announcement(data), None, "decode_announcement")
    data = dupg.encode_announcement("n1", 2, 3, 4, 500, versions={"A": "5"}, url="http://h:1")
    check(dupg.decode_announcement(data), None, "decode_announcement")


def test_fetch_outcomes_and_progress(tmp_path):
    from test_fetch import Server
    root = tmp_path / "srv"
    root.mkdir()
    (tmp_path / "store").mkdir()
    name = os.path.basename(make_pkg(root, "pa", "1", ["A"], payload=b"x" * 3000, fmt="tar"))
    srv = Server(root)
    try:
        seen = []
        with dupg.Fetch(progress=seen.append) as f:
            out = f.run(tmp_path / "store", [name], [srv.url])
            check(out, "Fetch", "run")
            check_attr(f.outcomes, "Fetch", "outcomes")
        assert seen
        hints = typing.get_type_hints(S.Fetch.__init__, globalns=vars(S))
        progress_arg = typing.get_args(typing.get_args(hints["progress"])[0])[0][0]
        for p in seen:
            conforms(p, progress_arg, "Fetch progress")
    finally:
        srv.stop()


@pytest.mark.skipif(shutil.which("mypy") is None, reason="mypy is not installed")
def test_mypy_accepts_the_stub_and_a_client(tmp_path):
    client = tmp_path / "client.py"
    client.write_text(
        "import dupg\n"
        "d: dupg.ManifestDict = dupg.read_manifest('p.tar')\n"
        "size: int = d['files'][0]['size']\n"
        "with dupg.Topology([]) as t:\n"
        "    steps = t.plan_upgrade({}, {}).to_dict()['steps']\n"
        "    action: dupg.PlanAction = steps[0]['action']\n")
    pkg = os.path.dirname(os.path.dirname(dupg.__file__))
    env = dict(os.environ, MYPYPATH=pkg)
    def mypy(*args):
        # silent: the modules behind the stub (SWIG's core.py) are not what is checked
        return subprocess.run([shutil.which("mypy"), "--no-incremental", "--follow-imports=silent",
                               "--cache-dir", str(tmp_path / "cache"),
                               "--python-executable", sys.executable] + list(args),
                              cwd=str(tmp_path), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=300, universal_newlines=True)

    r = mypy(str(client))
    assert r.returncode == 0, r.stdout
    r = mypy(os.path.join(pkg, "dupg", "__init__.pyi"))
    assert r.returncode == 0, r.stdout
    # and it does check: a mistyped use of a TypedDict is an error
    client.write_text("import dupg\nx: str = dupg.read_manifest('p.tar')['files'][0]['size']\n")
    r = mypy(str(client))
    assert r.returncode == 1 and 'expression has type "int", variable has type "str"' in r.stdout, r.stdout
