# SPDX-License-Identifier: BSD-2-Clause
"""Shared fixtures of the Python binding tests.

run-pytest (make check) puts the package assembled in the build tree on
PYTHONPATH and sets DUPG_SIM and DUPG_TOP_SRCDIR.
"""

import hashlib
import os

import pytest

import dupg

HERE = os.path.dirname(os.path.abspath(__file__))
TOP_SRCDIR = os.environ.get("DUPG_TOP_SRCDIR") or os.path.normpath(os.path.join(HERE, "..", "..", ".."))

def _case(name):
    """A shared test case of tests/data/cases (the C and command-line tests read it too)."""
    import json
    with open(os.path.join(TOP_SRCDIR, "tests", "data", "cases", name + ".json"), encoding="utf-8") as f:
        return json.load(f)


# The worked example of the core design (seed tables 1-8).
WORKED = _case("worked")
WORKED_DEVICES = WORKED["devices"]
# Stored packages 1-4, downloaded 5 and 6: name -> hardware types, in list order.
WORKED_STORE = {p["name"]: p["hw"] for n in WORKED["store"] + WORKED["download"]
                for p in WORKED["packages"] if p["name"] == n}


def srcpath(*parts):
    """A path in the source tree."""
    return os.path.join(TOP_SRCDIR, *parts)


def make_pkg(directory, name, version, hw, payload=None, fmt="tar.gz"):
    """Build a real package DIR/NAME.FMT holding one payload file bin/NAME; returns its path."""
    directory = str(directory)
    src = os.path.join(directory, name + ".payload")
    with open(src, "wb") as f:
        f.write(payload if payload is not None else hashlib.sha256(name.encode()).digest() * 3)
    out = os.path.join(directory, "%s.%s" % (name, fmt))
    with dupg.build_package(out, name, version, hw, [(src, "bin/" + name)], no_fsync=True):
        pass
    os.unlink(src)
    return out


def write_list(path, lines):
    with open(str(path), "w") as f:
        f.write("".join(l + "\n" for l in lines))


def read_list(path):
    with open(str(path)) as f:
        return [l for l in f.read().splitlines() if l]


def snapshot(directory):
    """Every file under directory with its contents: equal snapshots mean nothing changed.

    A store's package cache (LIST.cache) is left out: it records inodes and
    times, which differ between two copies of one store.
    """
    snap = {}
    for root, _dirs, files in os.walk(str(directory)):
        for name in files:
            if name.endswith(".cache"):
                continue
            p = os.path.join(root, name)
            with open(p, "rb") as f:
                snap[os.path.relpath(p, str(directory))] = hashlib.sha256(f.read()).hexdigest()
    return snap


@pytest.fixture
def worked_store(tmp_path):
    """The worked example's master store: pkg1..pkg6.tar.gz, list (1-4), new (5, 6)."""
    def build(extra_hw_on_1=None):
        for i, (name, hw) in enumerate(WORKED_STORE.items(), start=1):
            hw = hw + [extra_hw_on_1] if (name == "pkg1" and extra_hw_on_1) else hw
            make_pkg(tmp_path, name, str(i), hw)
        write_list(tmp_path / "list", ["pkg%d.tar.gz" % i for i in range(1, 5)])
        write_list(tmp_path / "new", ["pkg5.tar.gz", "pkg6.tar.gz"])
        return tmp_path
    return build


def dupg_sim_path():
    """dupg-sim, or None when it cannot be found."""
    try:
        return dupg.sim.locate()
    except dupg.NotFoundError:
        return None
