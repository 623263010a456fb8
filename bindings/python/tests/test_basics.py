# SPDX-License-Identifier: BSD-2-Clause
"""Every binding: values in and out, Python protocols, closing, docstrings."""

import glob
import os
import pathlib
import re
import weakref

import pytest

import dupg
from conftest import srcpath

DIGEST = "6bba86c7e069f56d5a10b435f1c8e49c"


@pytest.mark.parametrize("a, b, sign", [
    ("1", "1", 0),
    ("1.10", "1.9", 1),
    ("1.9", "1.10", -1),
    ("01", "1", 0),
    ("1~rc1", "1", -1),
    ("1~", "1~~", 1),
    ("1a", "1+", -1),
    ("1.0a", "1.0", 1),
    ("2.0", "10.0", -1),
    ("", "0", 0),
    ("", "1", -1),
    (None, "", -1),
    (None, None, 0),
    ("99999999999999999999", "99999999999999999998", 1),
    # dpkg's parts: the epoch first, the revision after the last '-'
    ("1:1.0", "9.9", 1),
    ("0:1.0", "1.0", 0),
    ("1.0-1", "1.0a", -1),
    ("1.0", "1.0-0", 0),
    ("1.0-1", "1.0-1.1", -1),
    ("7", "1:1.8.0-2", -1),
    ("12-7", "12+nmu1", -1),
])
def test_vercmp(a, b, sign):
    r = dupg.vercmp(a, b)
    assert isinstance(r, int)
    assert (r > 0) - (r < 0) == sign
    assert (dupg.vercmp(b, a) > 0) - (dupg.vercmp(b, a) < 0) == -sign


def test_version_and_constants():
    assert dupg.__version__ == dupg.version_string()
    major, minor, patch = (int(x) for x in dupg.__version__.split("."))
    assert dupg.version_number() == major * 10000 + minor * 100 + patch
    assert dupg.strerror(dupg.ENOTFOUND) == "not found"
    assert dupg.strerror(12345) == "unknown error code"
    assert dupg.MANIFEST_FORMAT == 3
    assert dupg.MANIFEST_FORMAT_MIN == 1
    assert dupg.MANIFEST_MAX_BYTES == 4 * 1024 * 1024
    # The codes in dupg.errors are the header's.
    assert (dupg.ENOMEM, dupg.EINVAL, dupg.EFORMAT, dupg.ENOTFOUND, dupg.EIO, dupg.EARCHIVE,
            dupg.EINTEGRITY, dupg.EEXISTS, dupg.EUNSUPPORTED, dupg.EABORTED) == \
        (dupg.core.ENOMEM, dupg.core.EINVAL, dupg.core.EFORMAT, dupg.core.ENOTFOUND,
         dupg.core.EIO, dupg.core.EARCHIVE, dupg.core.EINTEGRITY, dupg.core.EEXISTS,
         dupg.core.EUNSUPPORTED, dupg.core.EABORTED)


def test_manifest_object():
    m = dupg.Manifest("app", "1.2", ["B", "C"])
    assert (m.name, m.version, m.hw, m.files) == ("app", "1.2", ["B", "C"], [])
    assert m.build_time is None and m.vendor is None
    m.add_hw("D")
    m.add_hw("B")  # twice: no-op
    m.add_file("bin/app", 6, DIGEST)
    m.add_file("etc/conf", 10, bytes(range(16)))
    m.build_time = "2024-01-01T00:00:00Z"
    m.vendor = "ACME"
    assert m.hw == ["B", "C", "D"]
    assert m.fits("C") and not m.fits("A")
    assert m.files == [
        {"path": "bin/app", "size": 6, "xxh128": DIGEST},
        {"path": "etc/conf", "size": 10, "xxh128": bytes(range(16)).hex()},
    ]
    assert m.total_size == 16
    d = m.to_dict()
    assert d["format"] == 1 and d["build_time"] == "2024-01-01T00:00:00Z" and d["vendor"] == "ACME"
    assert d["hw"] == ["B", "C", "D"] and d["files"] == m.files
    # JSON round trip.
    m2 = dupg.Manifest.parse(m.to_json(), origin="round-trip")
    assert m2 == m and m2.to_dict() == d
    m2.vendor = None
    assert m2.vendor is None and m2 != m
    assert repr(m) == "<dupg.Manifest 'app' '1.2' hw=['B', 'C', 'D'] files=2>"
    with pytest.raises(TypeError):
        hash(m)


def test_manifest_bad_arguments():
    m = dupg.Manifest("app", "1")
    with pytest.raises(dupg.BadInputError, match="32 hex"):
        m.add_file("x", 1, "zz" * 16)
    with pytest.raises(dupg.BadInputError, match="16 bytes"):
        m.add_file("x", 1, b"short")
    with pytest.raises(dupg.BadInputError):
        m.add_file("/abs", 1, DIGEST)
    with pytest.raises(dupg.BadInputError):
        m.add_file("a/../b", 1, DIGEST)
    m.add_file("x", 1, DIGEST)
    with pytest.raises(dupg.DuplicateError):
        m.add_file("x", 2, DIGEST)
    with pytest.raises(dupg.BadInputError):
        m.add_hw("")
    with pytest.raises(dupg.BadInputError):
        m.vendor = ""
    with pytest.raises(dupg.BadInputError):
        dupg.Manifest("", "1")
    with pytest.raises(dupg.ArgumentError):
        m.add_file("y", -1, DIGEST)
    with pytest.raises(dupg.ArgumentError):
        dupg.Manifest("a", "1", "AB")  # a str is not a list of types
    with pytest.raises(dupg.ArgumentError):
        dupg.Manifest("a", "1", [1])
    # The manifest is unchanged by the failures.
    assert m.files == [{"path": "x", "size": 1, "xxh128": DIGEST}] and m.hw == []


def test_manifest_parse_accepts_bytes_and_names_origin():
    text = '{"format": 1, "name": "p", "version": "1", "hw": ["A"], "files": []}'
    assert dupg.Manifest.parse(text.encode()).to_dict()["name"] == "p"
    with pytest.raises(dupg.FormatError, match="^my-origin"):
        dupg.Manifest.parse("{", origin="my-origin")
    with pytest.raises(dupg.ArgumentError):
        dupg.Manifest.parse(42)


def test_configuration_mapping():
    c = dupg.Configuration({"A": "p5", "B": "p6"})
    c["C"] = "p6"
    c["A"] = "p7"  # replaces, keeps its place
    assert len(c) == 3
    assert list(c) == ["A", "B", "C"] == c.keys()
    assert c.values() == ["p7", "p6", "p6"]
    assert c.items() == [("A", "p7"), ("B", "p6"), ("C", "p6")]
    assert c["B"] == "p6" and "B" in c and "Z" not in c
    assert c.get("Z") is None and c.get("Z", "d") == "d"
    with pytest.raises(dupg.NotFoundError, match="'Z'") as e:
        c["Z"]
    assert isinstance(e.value, KeyError)
    assert c == {"A": "p7", "B": "p6", "C": "p6"}
    c2 = c.copy()
    assert c2 == c and c2 is not c
    c2["D"] = "p1"
    assert c2 != c and len(c) == 3
    assert dupg.Configuration([("A", "p7"), ("B", "p6"), ("C", "p6")]) == c
    assert c.to_dict() == {"A": "p7", "B": "p6", "C": "p6"}
    assert repr(c) == "<dupg.Configuration {'A': 'p7', 'B': 'p6', 'C': 'p6'}>"
    with pytest.raises(dupg.ArgumentError, match="pair"):
        dupg.Configuration(["A"])
    with pytest.raises(dupg.BadInputError):
        dupg.Configuration({"": "p"})


def test_pathlist_sequence(tmp_path):
    l = dupg.PathList([("p1", ["A", "B"]), ("p2", ["C"])])
    l.add("p3", ["A"])
    assert len(l) == 3
    assert list(l) == ["p1", "p2", "p3"] == l.paths()
    assert l[0] == "p1" and l[-1] == "p3"
    with pytest.raises(dupg.OutOfRangeError) as e:
        l[3]
    assert isinstance(e.value, IndexError)
    with pytest.raises(dupg.OutOfRangeError):
        l[-4]
    assert l.hw(0) == ["A", "B"] and l.hw(-1) == ["A"]
    assert l.index("p2") == 1
    with pytest.raises(dupg.NotFoundError, match="p9"):
        l.index("p9")
    assert "p2" in l and "p9" not in l
    assert l.entries() == [("p1", ["A", "B"]), ("p2", ["C"]), ("p3", ["A"])]
    assert l.config() == {"A": "p3", "B": "p1", "C": "p2"}
    assert repr(l) == "<dupg.PathList ['p1', 'p2', 'p3']>"
    with pytest.raises(dupg.DuplicateError, match="p1"):
        l.add("p1", ["A"])
    with pytest.raises(dupg.BadInputError):
        l.add("p4", [])
    assert len(l) == 3


def test_pathlist_files(tmp_path):
    from conftest import make_pkg, read_list
    make_pkg(tmp_path, "a", "1", ["A"])
    make_pkg(tmp_path, "b", "2", ["B", "C"])
    l = dupg.PathList()
    l.add_file("a.tar.gz", base_dir=tmp_path)
    l.add_file(tmp_path / "b.tar.gz")  # os.PathLike, absolute
    assert l.paths() == ["a.tar.gz", str(tmp_path / "b.tar.gz")]
    assert l.resolved_paths() == [os.path.join(str(tmp_path), "a.tar.gz"),
                                  str(tmp_path / "b.tar.gz")]
    assert l.hw(1) == ["B", "C"]
    l.save(tmp_path / "list", no_fsync=True)
    assert read_list(tmp_path / "list") == ["a.tar.gz", str(tmp_path / "b.tar.gz")]
    loaded = dupg.PathList.load(str(tmp_path / "list"))
    assert loaded.entries() == [("a.tar.gz", ["A"]), (str(tmp_path / "b.tar.gz"), ["B", "C"])]
    with pytest.raises(dupg.NotFoundError, match="missing.tar.gz"):
        l.add_file("missing.tar.gz", base_dir=str(tmp_path))


def test_prune_keep_latest():
    fits = {"p%d" % i: ["A"] for i in range(1, 6)}
    got = dupg.prune(["p1", "p2", "p3", "p4"], ["p5"], fits)
    assert got["deletable"] == ["p1"]
    got = dupg.prune(["p1", "p2", "p3", "p4"], ["p5"], fits, keep=2)
    assert got["deletable"] == ["p1", "p2", "p3"]
    assert got["third"] == ["p4", "p5"] and got["fourth"] == ["p4"]
    got = dupg.prune(["p1", "p2", "p3", "p4"], ["p5"], fits, keep=4)
    assert got["deletable"] == ["p1"]
    with pytest.raises(dupg.BadInputError):
        dupg.prune(["p1"], ["p2"], fits, keep=1)
    with pytest.raises(dupg.ArgumentError):
        dupg.prune(["p1"], ["p2"], fits, keep=-1)


def test_topology_object():
    t = dupg.Topology()
    t.add("RRU1", "D", "2", parent="HUB1", duration_s=30)
    t.add("HUB1", "B", "4", "BBU1")
    t.add("BBU1", "A", "3")
    assert len(t) == 3 and "HUB1" in t and "X" not in t
    assert t.master == "BBU1"
    assert [d["id"] for d in t] == ["RRU1", "HUB1", "BBU1"]
    assert t["RRU1"] == {"id": "RRU1", "hw": "D", "version": "2", "duration_s": 30,
                         "parent": "HUB1", "depth": 2}
    t.set_version("RRU1", "3")
    assert t["RRU1"]["version"] == "3"
    with pytest.raises(dupg.NotFoundError, match="X"):
        t.set_version("X", "1")
    with pytest.raises(dupg.NotFoundError, match="X"):
        t["X"]
    with pytest.raises(dupg.DuplicateError, match="HUB1"):
        t.add("HUB1", "B", "4", "BBU1")
    with t.merge() as s:
        assert s.to_dict() == dupg.merge([{"id": "RRU1", "hw": "D", "version": "3"},
                                          {"id": "HUB1", "hw": "B", "version": "4"},
                                          {"id": "BBU1", "hw": "A", "version": "3"}])
    assert repr(t) == "<dupg.Topology 3 devices>"
    with t.plan_upgrade({"A": "a1", "B": "b1", "D": "d1"}, {"A": "a1", "B": "b2", "D": "d2"}) as p:
        assert [(s["device"], s["package"], s["action"], s["via"]) for s in p] == [
            ("HUB1", "b2", "send", []), ("RRU1", "d2", "send", ["HUB1"])]
        assert p.switch_order() == ["RRU1", "HUB1"]
        assert repr(p) == "<dupg.Plan HUB1<-b2, RRU1<-d2>"
        with p.rollback() as rb:
            assert [(s["device"], s["package"]) for s in rb] == [("HUB1", "b1"), ("RRU1", "d1")]
    # A type with no package before cannot be rolled back by reinstalling.
    with t.plan_upgrade({}, {"A": "a2"}) as p, p.rollback() as rb:
        assert rb.steps()[0]["device"] == "BBU1" and rb.steps()[0]["package"] is None
        with pytest.raises(dupg.OutOfRangeError):
            rb[1]


def test_topology_json_round_trip():
    t = dupg.Topology()
    t.add("RRU1", "D", "2", parent="HUB1", duration_s=30)
    t.add("HUB1", "B", "4", "BBU1")
    t.add("BBU1", "A", "3", duration_s=300)
    d = t.to_dict()
    assert d == {"devices": [
        {"id": "RRU1", "hw": "D", "version": "2", "parent": "HUB1", "duration_s": 30},
        {"id": "HUB1", "hw": "B", "version": "4", "parent": "BBU1", "duration_s": 0},
        {"id": "BBU1", "hw": "A", "version": "3", "duration_s": 300}]}
    back = dupg.Topology.from_json(t.to_json(), "t.json")
    assert isinstance(back, dupg.Topology)
    assert back.to_json() == t.to_json()
    back.check()
    assert back.master == "BBU1" and back["RRU1"]["depth"] == 2
    # bytes, a dict, and a scenario's devices with keys of their own
    assert len(dupg.Topology.from_json(t.to_json().encode())) == 3
    site = {"devices": [{"id": "B", "role": "bbu", "hw": "A", "version": "1:2.0-1",
                         "link": {"mbps": 10}}]}
    one = dupg.Topology.from_dict(site)
    one.check()
    assert one["B"]["version"] == "1:2.0-1"


def test_topology_json_errors():
    with pytest.raises(dupg.BadInputError, match=r'bad\.json: devices\[0\]: "duration" is not a key.*"duration_s"'):
        dupg.Topology.from_json('{"devices": [{"id": "a", "hw": "A", "version": "1", "duration": 3}]}',
                                "bad.json")
    with pytest.raises(dupg.BadInputError, match=r'devices\[1\]: "id" is missing'):
        dupg.Topology.from_dict({"devices": [{"id": "a", "hw": "A", "version": "1"},
                                             {"hw": "A", "version": "1"}]})
    with pytest.raises(dupg.DuplicateError, match="id already in the topology"):
        dupg.Topology.from_dict({"devices": [{"id": "a", "hw": "A", "version": "1"},
                                             {"id": "a", "hw": "B", "version": "1"}]})
    with pytest.raises(dupg.BadInputError, match="invalid JSON"):
        dupg.Topology.from_json("{")
    # a flat list is read, but it is not a tree
    flat = dupg.Topology.from_dict({"devices": [{"id": "a", "hw": "A", "version": "1"},
                                                {"id": "b", "hw": "A", "version": "2"}]})
    assert flat.merge()["A"] == [{"version": "1", "devices": ["a"]}, {"version": "2", "devices": ["b"]}]
    with pytest.raises(dupg.BadInputError):
        flat.check()


def test_topology_bad_structure():
    for devices, culprit in [
        ([{"id": "a", "hw": "A", "version": "1"}, {"id": "b", "hw": "B", "version": "1"}], "b"),
        ([{"id": "a", "hw": "A", "version": "1"},
          {"id": "b", "hw": "B", "version": "1", "parent": "zz"}], "zz"),
        ([{"id": "a", "hw": "A", "version": "1"},
          {"id": "b", "hw": "B", "version": "1", "parent": "c"},
          {"id": "c", "hw": "B", "version": "1", "parent": "b"}], "b"),
    ]:
        t = dupg.Topology(devices)
        with pytest.raises(dupg.FormatError, match=culprit):
            t.check(origin="site.json")
        with pytest.raises(dupg.FormatError, match=culprit):
            t.master
        with pytest.raises(dupg.FormatError):
            t.plan_upgrade({}, {"A": "x"})
    with pytest.raises(dupg.FormatError, match="^site.json"):
        dupg.Topology([{"id": "a", "hw": "A", "version": "1", "parent": "a"}]).check("site.json")
    with pytest.raises(dupg.BadInputError, match="hardware type"):
        dupg.Topology([{"id": "a", "version": "1"}])
    with pytest.raises(dupg.ArgumentError, match="device 0"):
        dupg.Topology([{"id": "a", "hw": 5, "version": "1"}])
    with pytest.raises(dupg.ArgumentError, match="duration_s"):
        dupg.Topology([{"id": "a", "hw": "A", "version": "1", "duration_s": -2}])
    # one key everywhere: the old one says which
    for make in (dupg.Topology, dupg.merge):
        with pytest.raises(dupg.ArgumentError, match=r'device 0: "duration" is not a key.*"duration_s"'):
            make([{"id": "a", "hw": "A", "version": "1", "duration": 5}])


def test_strings_and_paths_in():
    # Paths accept str, bytes and os.PathLike; lists accept any sequence.
    l = dupg.PathList()
    l.add(pathlib.PurePosixPath("dir/p1"), ("A",))
    l.add(b"dir/p2", ["A"])
    assert l.paths() == ["dir/p1", "dir/p2"]
    with pytest.raises(dupg.ArgumentError, match="NUL"):
        l.add("bad\0path", ["A"])
    with pytest.raises(dupg.ArgumentError):
        l.add(3, ["A"])
    with pytest.raises(dupg.ArgumentError):
        l.add("p3", None)
    # Non-ASCII and undecodable names survive the round trip.
    l.add("caf\u00e9", ["\u00c5"])
    l.add(b"raw\xff", ["A"])
    assert l.paths()[-2:] == ["caf\u00e9", os.fsdecode(b"raw\xff")]
    assert l.hw(-2) == ["\u00c5"]


def test_keyword_arguments():
    m = dupg.Manifest(name="n", version="1", hw=["A"])
    assert m.fits(hw="A")
    with pytest.raises(TypeError):
        dupg.Manifest(name="n", version="1", colour="red")


@pytest.mark.parametrize("make", [
    lambda: dupg.Manifest("a", "1"),
    lambda: dupg.PackageSet(),
    lambda: dupg.SystemDescription([]),
    lambda: dupg.Configuration(),
    lambda: dupg.PathList(),
    lambda: dupg.Topology(),
])
def test_close_and_context_manager(make):
    obj = make()
    name = type(obj).__name__
    with obj as same:
        assert same is obj
        len(obj) if hasattr(obj, "__len__") else obj.to_json()
    assert repr(obj) == "<dupg.%s (closed)>" % name
    with pytest.raises(dupg.BadInputError, match="%s is closed" % name):
        obj.to_json() if hasattr(obj, "to_json") else len(obj)
    obj.close()  # twice is fine


def test_closed_handle_as_argument():
    ps = dupg.PackageSet()
    m = dupg.Manifest("a", "1", ["A"])
    m.close()
    with pytest.raises(dupg.BadInputError, match="Manifest is closed"):
        ps.add_manifest("p", m)
    with pytest.raises(dupg.ArgumentError, match="not None"):
        ps.add_manifest("p", None)
    with pytest.raises(dupg.ArgumentError):
        ps.add_manifest("p", dupg.PathList())
    assert len(ps) == 0


def test_objects_go_with_their_python_object():
    before = dupg.core._live_handles()
    m = dupg.Manifest("a", "1", ["A"])
    ref = weakref.ref(m)
    assert dupg.core._live_handles() == before + 1
    del m
    assert ref() is None
    assert dupg.core._live_handles() == before


def test_plan_keeps_its_topology_alive():
    before = dupg.core._live_handles()
    t = dupg.Topology([{"id": "m", "hw": "A", "version": "1"},
                       {"id": "r", "hw": "B", "version": "1", "parent": "m"}])
    p = t.plan_upgrade({"B": "b1"}, {"B": "b2"})
    t.close()
    del t
    assert p.steps()[0]["device"] == "r"  # still readable: the plan holds the topology
    rb = p.rollback()
    del p
    assert rb.steps()[0]["device"] == "r"
    del rb
    assert dupg.core._live_handles() == before


def test_docstrings_come_from_the_headers():
    assert "dpkg" in dupg.vercmp.__doc__
    assert "XXH3-128" in dupg.Manifest.from_package.__doc__
    assert "crash" in dupg.core.Store.prune_result.__doc__
    assert "configuration" in dupg.Configuration.__doc__
    for name in dupg.__all__:
        obj = getattr(dupg, name)
        assert obj.__doc__, name


# Methods that are library functions, wrapped from their headers.
FROM_HEADERS = {
    "Manifest.parse": "dupg_manifest_parse", "Manifest.to_json": "dupg_manifest_to_json",
    "Manifest.add_hw": "dupg_manifest_add_hw", "Manifest.fits": "dupg_manifest_fits",
    "SystemDescription.from_json": "dupg_sysvd_from_json",
    "SystemDescription.to_json": "dupg_sysvd_to_json",
    "PackageSet.add": "dupg_pkgset_add", "Configuration.copy": "dupg_config_dup",
    "Configuration.to_json": "dupg_config_to_json", "PathList.load": "dupg_pathlist_load",
    "PathList.add": "dupg_pathlist_add", "PathList.add_file": "dupg_pathlist_add_file",
    "PathList.config": "dupg_pathlist_config", "Prune.to_json": "dupg_prune_to_json",
    "Topology.check": "dupg_topology_check", "Topology.merge": "dupg_topology_merge",
    "Plan.to_json": "dupg_plan_to_json", "Transaction.to_json": "dupg_txn_to_json",
}


def words(text, drop):
    """text's words without the markup words matching drop."""
    return " ".join(w for w in text.replace("*", " ").split() if not re.fullmatch(drop, w))


def header_comment(function):
    """The first words of the doxygen comment right before a function's declaration."""
    for header in glob.glob(srcpath("include", "dupg", "*.h")):
        with open(header) as f:
            text = f.read()
        m = re.search(r"/\*\*((?:(?!\*/).)*)\*/\s*DUPG_EXTERN\([^)]*\)\s*%s\(" % function,
                      text, re.S)
        if m:
            # the description before the first command, or the first command's text
            brief = words(m.group(1).split(" @")[0], r"@\w+") or words(m.group(1), r"@\w+")
            assert brief, function
            return brief[:40]
    raise AssertionError("no comment before %s" % function)


@pytest.mark.parametrize("method", sorted(FROM_HEADERS))
def test_methods_that_are_library_functions_carry_the_header_comment(method):
    cls, name = method.split(".")
    doc = words(getattr(getattr(dupg, cls), name).__doc__, r":\w+:")
    assert header_comment(FROM_HEADERS[method]) in doc


def test_type_stub_matches_the_package():
    import ast
    stub = os.path.join(os.path.dirname(dupg.__file__), "__init__.pyi")
    with open(stub) as f:
        tree = ast.parse(f.read())
    names, classes, handles, enums = set(), {}, set(), {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            classes[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)} | \
                {t.target.id for t in node.body if isinstance(t, ast.AnnAssign)}
            bases = {ast.unparse(b) for b in node.bases}
            if "_Handle" in bases:
                handles.add(node.name)
            if "enum.Enum" in bases:
                enums[node.name] = {t.targets[0].id for t in node.body if isinstance(t, ast.Assign)}
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            names.update(a.asname or a.name for a in node.names)
    for name in dupg.__all__:
        assert name in names or name in classes, "%s missing from the stub" % name
    for name in names:
        assert hasattr(dupg, name), "the stub declares %s" % name
    handle_members = classes.pop("_Handle")
    for name, members in classes.items():
        runtime = getattr(dupg, name, None)
        if runtime is None:
            continue  # TypedDicts of the stub
        if name not in enums and isinstance(runtime, type) and issubclass(runtime, str):
            for m in members:  # a str subclass (StepEvent): what it adds to str
                assert hasattr(runtime, m), "%s.%s is in the stub only" % (name, m)
            assert set(vars(runtime)) - set(vars(str)) - {"__module__", "__dict__", "__weakref__"} <= \
                members | {"__doc__"}, name
            continue
        if name in enums:  # str enums: their members, and what they add to str
            assert enums[name] == set(runtime.__members__), name
            for m in members:
                assert hasattr(runtime, m), "%s.%s is in the stub only" % (name, m)
            continue
        handle = handle_members if name in handles else set()
        for m in members | handle:
            assert hasattr(runtime, m), "%s.%s is in the stub only" % (name, m)
        public = {m for m in dir(runtime) if not m.startswith("_") and m != "thisown"}
        assert public <= members | handle, "%s: %s missing from the stub" % (
            name, sorted(public - members - handle))
