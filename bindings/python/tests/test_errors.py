# SPDX-License-Identifier: BSD-2-Clause
"""Errors: the class hierarchy, and every bad input raising the right exception
with a message that names the file, leaving the disk unchanged."""

import glob
import io
import json
import os
import pickle
import tarfile
import zipfile

import pytest

import dupg
from conftest import make_pkg, snapshot, srcpath, write_list

CODE_NAMES = {
    "DUPG_EFORMAT": (dupg.FormatError, dupg.EFORMAT),
    "DUPG_EUNSUPPORTED": (dupg.UnsupportedError, dupg.EUNSUPPORTED),
    "DUPG_EEXISTS": (dupg.DuplicateError, dupg.EEXISTS),
    "DUPG_EINVAL": (dupg.BadInputError, dupg.EINVAL),
}


@pytest.mark.parametrize("cls, builtin, code", [
    (dupg.NotFoundError, KeyError, dupg.ENOTFOUND),
    (dupg.NotFoundError, FileNotFoundError, dupg.ENOTFOUND),
    (dupg.OutOfRangeError, IndexError, dupg.ENOTFOUND),
    (dupg.BadInputError, ValueError, dupg.EINVAL),
    (dupg.FormatError, ValueError, dupg.EFORMAT),
    (dupg.UnsupportedError, ValueError, dupg.EUNSUPPORTED),
    (dupg.DuplicateError, ValueError, dupg.EEXISTS),
    (dupg.ArgumentError, TypeError, dupg.EINVAL),
    (dupg.IOError, OSError, dupg.EIO),
    (dupg.OutOfMemoryError, MemoryError, dupg.ENOMEM),
    (dupg.IntegrityError, Exception, dupg.EINTEGRITY),
    (dupg.ArchiveError, Exception, dupg.EARCHIVE),
    (dupg.AbortedError, Exception, dupg.EABORTED),
    (dupg.BusyError, RuntimeError, dupg.EBUSY),
    (dupg.PendingError, ValueError, dupg.EPENDING),
    (dupg.NoSpaceError, OSError, dupg.ENOSPC),
    (dupg.AccessError, PermissionError, dupg.EACCES),
    (dupg.CommittedError, dupg.Error, dupg.ECOMMITTED),
    (dupg.SimulatorError, Exception, dupg.ERROR),
    (dupg.UnsignedError, ValueError, dupg.EUNSIGNED),
    (dupg.SignatureError, ValueError, dupg.EBADSIG),
    (dupg.UnknownKeyError, ValueError, dupg.EUNKNOWNKEY),
    (dupg.RevokedKeyError, ValueError, dupg.EREVOKED),
    (dupg.ThresholdError, ValueError, dupg.ETHRESHOLD),
    (dupg.ExpiredError, ValueError, dupg.EEXPIRED),
    (dupg.SignatureFormatError, ValueError, dupg.ESIGFORMAT),
    (dupg.RollbackError, ValueError, dupg.EROLLBACK),
    (dupg.ModeError, dupg.IntegrityError, dupg.EMODE),
])
def test_hierarchy(cls, builtin, code):
    assert issubclass(cls, dupg.Error) and issubclass(cls, builtin)
    e = cls("pkg5.tar.gz: something is wrong")
    assert e.code == code and e.message == str(e) == "pkg5.tar.gz: something is wrong"
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is cls and again.code == code and str(again) == str(e)
    if code != dupg.ERROR:
        assert dupg.errors.error_class(code) in (cls, dupg.NotFoundError, dupg.BadInputError)


def test_every_code_has_its_class():
    for code, cls in [(dupg.ENOMEM, dupg.OutOfMemoryError), (dupg.EINVAL, dupg.BadInputError),
                      (dupg.EFORMAT, dupg.FormatError), (dupg.ENOTFOUND, dupg.NotFoundError),
                      (dupg.EIO, dupg.IOError), (dupg.EARCHIVE, dupg.ArchiveError),
                      (dupg.EINTEGRITY, dupg.IntegrityError), (dupg.EEXISTS, dupg.DuplicateError),
                      (dupg.EUNSUPPORTED, dupg.UnsupportedError),
                      (dupg.EABORTED, dupg.AbortedError), (dupg.ERROR, dupg.Error),
                      (dupg.EUNSIGNED, dupg.UnsignedError), (dupg.EBADSIG, dupg.SignatureError),
                      (dupg.EUNKNOWNKEY, dupg.UnknownKeyError),
                      (dupg.EREVOKED, dupg.RevokedKeyError),
                      (dupg.ETHRESHOLD, dupg.ThresholdError), (dupg.EEXPIRED, dupg.ExpiredError),
                      (dupg.EROLLBACK, dupg.RollbackError),
                      (dupg.ESIGFORMAT, dupg.SignatureFormatError),
                      (dupg.EMODE, dupg.ModeError),
                      (-999, dupg.Error)]:
        assert dupg.errors.error_class(code) is cls


# ---------------------------------------------------------------------------
# Bad manifests: the shared cases of tests/data/manifests.

MANIFEST_CASES = sorted(os.path.basename(p)[:-len(".json")]
                        for p in glob.glob(srcpath("tests", "data", "manifests", "*.json")))


def expectation(case):
    with open(srcpath("tests", "data", "manifests", case + ".expect")) as f:
        code_name, substring = f.read().splitlines()[:2]
    return CODE_NAMES[code_name] + (substring,)


def manifest_text(case):
    with open(srcpath("tests", "data", "manifests", case + ".json"), "rb") as f:
        return f.read()


def test_manifest_cases_are_there():
    assert len(MANIFEST_CASES) >= 40, "tests/data/manifests is missing"


@pytest.mark.parametrize("case", MANIFEST_CASES)
def test_bad_manifest_parse(case):
    cls, code, substring = expectation(case)
    with pytest.raises(cls) as e:
        dupg.Manifest.parse(manifest_text(case), origin=case + ".json")
    assert e.value.code == code
    assert substring in str(e.value)
    assert str(e.value).startswith(case + ".json")


def tar_package(path, entries, mode="w:gz"):
    """A tar archive of (name, bytes) entries, or TarInfo-building callables."""
    with tarfile.open(str(path), mode) as t:
        for name, data in entries:
            if callable(data):
                t.addfile(data(name))
                continue
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return str(path)


@pytest.mark.parametrize("case", MANIFEST_CASES)
def test_bad_manifest_in_package(tmp_path, case):
    cls, code, substring = expectation(case)
    pkg = tar_package(tmp_path / "pkg.tar.gz",
                      [("manifest.json", manifest_text(case)), ("bin/app", b"hello\n")])
    before = snapshot(tmp_path)
    for reader in (dupg.read_manifest, dupg.verify,
                   lambda p: dupg.Manifest.from_package(p, verify=False)):
        with pytest.raises(cls) as e:
            reader(pkg)
        assert e.value.code == code
        assert substring in str(e.value)
        assert "pkg.tar.gz: manifest.json" in str(e.value)
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------------------
# Bad packages.

PAYLOAD = b"hello\n"


def good_manifest(**files):
    files = files or {"bin/app": PAYLOAD}
    return json.dumps({"format": 1, "name": "pkg", "version": "1.0", "hw": ["B"], "files": [
        {"path": p, "size": len(d), "xxh128": digest_of(d)} for p, d in files.items()]}).encode()


def digest_of(data, _cache={}):
    if data not in _cache:
        import tempfile
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            _cache[data] = dupg.file_xxh128(f.name)
    return _cache[data]


def symlink(name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    return info


def chardev(name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.CHRTYPE
    info.devmajor, info.devminor = 1, 3
    return info


BAD_PACKAGES = {
    "unlisted file": ([("manifest.json", good_manifest()), ("bin/app", PAYLOAD),
                       ("bin/extra", b"x")], dupg.IntegrityError, "bin/extra"),
    "listed file missing": ([("manifest.json", good_manifest(**{"bin/app": PAYLOAD,
                                                                 "etc/conf": b"c"})),
                             ("bin/app", PAYLOAD)], dupg.IntegrityError, "etc/conf"),
    "digest mismatch": ([("manifest.json", good_manifest()), ("bin/app", b"HELLO\n")],
                        dupg.IntegrityError, "bin/app"),
    "size mismatch": ([("manifest.json", good_manifest()), ("bin/app", PAYLOAD + b"!")],
                      dupg.IntegrityError, "bin/app"),
    "symlink": ([("manifest.json", good_manifest()), ("bin/app", PAYLOAD),
                 ("bin/link", symlink)], dupg.IntegrityError, "bin/link"),
    "device": ([("manifest.json", good_manifest()), ("bin/app", PAYLOAD),
                ("dev/null", chardev)], dupg.IntegrityError, "dev/null"),
    "duplicate entry": ([("manifest.json", good_manifest()), ("bin/app", PAYLOAD),
                         ("bin/app", PAYLOAD)], dupg.IntegrityError, "bin/app"),
    "missing manifest": ([("bin/app", PAYLOAD)], dupg.FormatError, "manifest.json"),
    "empty manifest": ([("manifest.json", b""), ("bin/app", PAYLOAD)], dupg.FormatError,
                       "manifest.json"),
    "oversized manifest": ([("manifest.json", b" " * (4 * 1024 * 1024 + 1) + good_manifest()),
                            ("bin/app", PAYLOAD)], dupg.FormatError, "manifest.json"),
}


@pytest.mark.parametrize("case", sorted(BAD_PACKAGES))
def test_bad_package(tmp_path, case):
    entries, cls, names = BAD_PACKAGES[case]
    pkg = tar_package(tmp_path / "bad.tar.gz", entries)
    before = snapshot(tmp_path)
    with pytest.raises(cls) as e:
        dupg.verify(pkg)
    assert "bad.tar.gz" in str(e.value) and names in str(e.value)
    assert e.value.code == cls.default_code
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("case", sorted(BAD_PACKAGES))
def test_read_manifest_reads_the_manifest_only(tmp_path, case):
    """As dupg_package_read_manifest(): payload faults pass, manifest faults do not."""
    entries, cls, names = BAD_PACKAGES[case]
    pkg = tar_package(tmp_path / "bad.tar.gz", entries)
    before = snapshot(tmp_path)
    if cls is dupg.IntegrityError:
        with dupg.Manifest.from_package(pkg, verify=False) as m:
            assert dupg.read_manifest(pkg) == m.to_dict()
        assert dupg.read_manifest(pkg)["files"][0]["path"] == "bin/app"
    else:
        with pytest.raises(cls) as e:
            dupg.read_manifest(pkg)
        assert "bad.tar.gz" in str(e.value) and names in str(e.value)
    assert snapshot(tmp_path) == before


def test_manifest_only_read_skips_payload_checks(tmp_path):
    pkg = tar_package(tmp_path / "p.tar.gz", BAD_PACKAGES["digest mismatch"][0])
    assert dupg.Manifest.from_package(pkg, verify=False).name == "pkg"
    assert dupg.read_manifest(pkg)["name"] == "pkg"
    with pytest.raises(dupg.IntegrityError):
        dupg.verify(pkg)


def test_not_an_archive(tmp_path):
    p = tmp_path / "junk.tar.gz"
    p.write_bytes(b"this is not an archive at all\n" * 10)
    with pytest.raises(dupg.ArchiveError, match="junk.tar.gz") as e:
        dupg.read_manifest(p)
    assert e.value.code == dupg.EARCHIVE


@pytest.mark.parametrize("fmt", ["tar.gz", "zip"])
def test_truncated_archive(tmp_path, fmt):
    pkg = make_pkg(tmp_path, "big", "1", ["A"], payload=os.urandom(300000), fmt=fmt)
    data = open(pkg, "rb").read()
    cut = tmp_path / ("cut." + fmt)
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises((dupg.ArchiveError, dupg.IntegrityError), match="cut." + fmt):
        dupg.verify(cut)


def test_zip_with_unlisted_file(tmp_path):
    p = tmp_path / "bad.zip"
    with zipfile.ZipFile(str(p), "w") as z:
        z.writestr("manifest.json", good_manifest())
        z.writestr("bin/app", PAYLOAD)
        z.writestr("bin/other", b"x")
    with pytest.raises(dupg.IntegrityError, match="bin/other"):
        dupg.verify(p)


def test_missing_package(tmp_path):
    with pytest.raises(dupg.NotFoundError, match="nope.tar.gz") as e:
        dupg.read_manifest(tmp_path / "nope.tar.gz")
    assert isinstance(e.value, FileNotFoundError)


def test_build_failures_leave_nothing(tmp_path):
    out = tmp_path / "out.tar.gz"
    src = tmp_path / "app"
    src.write_bytes(PAYLOAD)
    before = snapshot(tmp_path)
    with pytest.raises(dupg.NotFoundError, match="missing-source"):
        dupg.build_package(out, "p", "1", ["A"], [tmp_path / "missing-source"])
    with pytest.raises(dupg.BadInputError):
        dupg.build_package(out, "p", "1", [], [src])
    with pytest.raises(dupg.BadInputError):
        dupg.build_package(out, "p", "1", ["A"], [(src, "/abs/app")])
    with pytest.raises(dupg.BadInputError):
        dupg.build_package(out, "p", "1", ["A"], [(src, "../app")])
    with pytest.raises(dupg.DuplicateError):
        dupg.build_package(out, "p", "1", ["A"], [(src, "app"), (src, "app")])
    with pytest.raises(dupg.UnsupportedError, match="rar"):
        dupg.build_package(out, "p", "1", ["A"], [src], format="rar")
    with pytest.raises(dupg.ArgumentError):
        dupg.build_package(out, "p", "1", ["A"], src)
    with pytest.raises(dupg.ArgumentError):
        dupg.build_package(out, "p", "1", ["A"], [42])
    with pytest.raises((dupg.NotFoundError, dupg.IOError)):
        dupg.build_package(tmp_path / "no-such-dir" / "out.tar.gz", "p", "1", ["A"], [src])
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------------------
# Bad path lists and stores.

def test_list_naming_a_path_twice(tmp_path):
    make_pkg(tmp_path, "a", "1", ["A"])
    write_list(tmp_path / "list", ["a.tar.gz", "a.tar.gz"])
    before = snapshot(tmp_path)
    with pytest.raises(dupg.DuplicateError, match="list") as e:
        dupg.Store(tmp_path / "list")
    assert "a.tar.gz" in str(e.value)
    with pytest.raises(dupg.DuplicateError):
        dupg.PathList.load(tmp_path / "list")
    assert snapshot(tmp_path) == before


def test_list_naming_a_missing_file(tmp_path):
    make_pkg(tmp_path, "a", "1", ["A"])
    write_list(tmp_path / "list", ["a.tar.gz", "gone.tar.gz"])
    before = snapshot(tmp_path)
    with pytest.raises(dupg.NotFoundError, match="gone.tar.gz"):
        dupg.Store(tmp_path / "list")
    with pytest.raises(dupg.NotFoundError, match="gone.tar.gz"):
        dupg.PathList.load(tmp_path / "list")
    assert snapshot(tmp_path) == before


def test_missing_list(tmp_path):
    with pytest.raises(dupg.NotFoundError, match="nolist"):
        dupg.Store(tmp_path / "nolist")


def test_list_naming_a_bad_package(tmp_path):
    (tmp_path / "junk.tar.gz").write_bytes(b"junk" * 100)
    write_list(tmp_path / "list", ["junk.tar.gz"])
    with pytest.raises(dupg.ArchiveError, match="junk.tar.gz"):
        dupg.Store(tmp_path / "list")


def test_store_prune_bad_downloads(worked_store):
    d = worked_store()
    before = snapshot(d)
    with dupg.Store(d / "list") as store:
        with pytest.raises(dupg.DuplicateError, match="pkg4.tar.gz"):
            store.prune(["pkg5.tar.gz", "pkg4.tar.gz"], apply=True)
        with pytest.raises(dupg.DuplicateError, match="pkg5.tar.gz"):
            store.prune(["pkg5.tar.gz", "pkg5.tar.gz"], apply=True)
        with pytest.raises(dupg.NotFoundError, match="pkg9.tar.gz"):
            store.prune(["pkg9.tar.gz"], apply=True)
        with pytest.raises(dupg.BadInputError):
            store.prune(["pkg5.tar.gz"], apply=True, keep=1)
        with pytest.raises(dupg.ArgumentError):
            store.prune(42)
        assert store.paths() == ["pkg%d.tar.gz" % i for i in range(1, 5)]
    assert snapshot(d) == before


def test_pure_prune_bad_input():
    fits = {"a": ["A"], "b": ["A"]}
    with pytest.raises(dupg.NotFoundError, match="zz"):
        dupg.prune(["a"], ["zz"], fits)
    with pytest.raises(dupg.DuplicateError, match="a"):
        dupg.prune(["a"], ["a"], fits)
    with pytest.raises(dupg.DuplicateError):
        dupg.prune(["a", "a"], [], fits)
    with pytest.raises(dupg.BadInputError):
        dupg.prune(["a"], ["b"], {"a": ["A"], "b": []})


def test_merge_bad_input():
    with pytest.raises(dupg.DuplicateError, match="x"):
        dupg.merge([{"id": "x", "hw": "A", "version": "1"}, {"id": "x", "hw": "B", "version": "2"}])
    for missing in ("id", "hw", "version"):
        dev = {"id": "x", "hw": "A", "version": "1"}
        del dev[missing]
        with pytest.raises(dupg.BadInputError):
            dupg.merge([dev])
    with pytest.raises(dupg.ArgumentError):
        dupg.merge({"id": "x"})
    with pytest.raises(dupg.ArgumentError):
        dupg.merge(["not a dict"])
    with pytest.raises(dupg.ArgumentError):
        dupg.merge([{"id": 1, "hw": "A", "version": "1"}])
    assert dupg.merge([]) == {"hw": {}}


def test_match_bad_input(tmp_path):
    pkg = make_pkg(tmp_path, "a", "1", ["A"])
    with pytest.raises(dupg.FormatError, match="site"):
        dupg.match({"hw": {"A": "not a list"}}, [pkg])
    with pytest.raises(dupg.NotFoundError, match="missing.tar.gz"):
        dupg.match({"hw": {}}, [pkg, str(tmp_path / "missing.tar.gz")])
    with pytest.raises(dupg.DuplicateError):
        dupg.match({"hw": {}}, [pkg, pkg])
    with pytest.raises(dupg.ArgumentError):
        dupg.match({"hw": {}}, pkg)


def test_system_description_bad_json():
    with pytest.raises(dupg.FormatError, match="^sys.json"):
        dupg.SystemDescription.from_json("[]", origin="sys.json")
    with pytest.raises(dupg.FormatError):
        dupg.SystemDescription.from_json("{", origin="sys.json")


def test_errors_are_never_none(tmp_path):
    # Every failing call raises; none hands back None instead.
    calls = [
        lambda: dupg.Manifest.from_package(tmp_path / "x"),
        lambda: dupg.PathList.load(tmp_path / "x"),
        lambda: dupg.Store(tmp_path / "x"),
        lambda: dupg.Store.recover(tmp_path / "x"),
        lambda: dupg.file_xxh128(tmp_path / "x"),
        lambda: dupg.Configuration()["x"],
        lambda: dupg.SystemDescription().lowest_version("x"),
        lambda: dupg.Prune(),
        lambda: dupg.Plan(),
    ]
    for call in calls:
        with pytest.raises(dupg.Error):
            call()
