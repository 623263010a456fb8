# SPDX-License-Identifier: BSD-2-Clause
"""Building, reading and verifying packages."""

import hashlib
import os
import tarfile
import zipfile

import pytest

import dupg
from conftest import dupg_sim_path


@pytest.fixture
def payload(tmp_path):
    d = tmp_path / "src"
    d.mkdir()
    (d / "app").write_bytes(b"#!/bin/sh\necho app\n")
    (d / "conf").write_bytes(b"level=3\n")
    (d / "blob").write_bytes(os.urandom(100000))
    return d


def names_in(path, fmt):
    if fmt == "zip":
        with zipfile.ZipFile(str(path)) as z:
            return [i.filename for i in z.infolist()]
    with tarfile.open(str(path)) as t:
        return t.getnames()


@pytest.mark.parametrize("fmt, suffix", [("tar", "tar"), ("tar.gz", "tar.gz"),
                                         ("tar.xz", "tar.xz"), ("tar.zst", "tar.zst"),
                                         ("zip", "zip"), ("auto", "tar.xz"), ("auto", "pkg")])
def test_build_every_format(tmp_path, payload, fmt, suffix):
    out = tmp_path / ("p." + suffix)
    m = dupg.build_package(out, "app", "2.1", ["B", "C"],
                           [(payload / "app", "bin/app"), (payload / "conf", "etc/app.conf"),
                            (payload / "blob", "share/blob")], format=fmt, no_fsync=True)
    assert m.name == "app" and m.version == "2.1" and m.hw == ["B", "C"]
    assert [f["path"] for f in m.files] == ["bin/app", "etc/app.conf", "share/blob"]
    assert m.total_size == sum(os.path.getsize(str(payload / n)) for n in ("app", "conf", "blob"))
    for f, src in zip(m.files, ("app", "conf", "blob")):
        assert f["xxh128"] == dupg.file_xxh128(payload / src)
        assert f["size"] == os.path.getsize(str(payload / src))
    assert dupg.read_manifest(out) == m.to_dict()
    assert dupg.verify(out) == m
    if fmt != "tar.zst" and suffix != "pkg" or fmt == "zip":
        kind = "zip" if fmt == "zip" else "tar"
        assert names_in(out, kind)[0] == "manifest.json"  # the manifest comes first
    assert not [n for n in os.listdir(str(tmp_path)) if ".tmp" in n]


def test_build_options_and_file_shapes(tmp_path, payload):
    out = tmp_path / "p.tar.gz"
    m = dupg.build_package(str(out), "app", "1", ("A",), {"bin/app": payload / "app"},
                           build_time="2024-05-01T10:00:00Z", vendor="ACME")
    assert m.to_dict() == {
        "format": 2, "name": "app", "version": "1", "hw": ["A"],
        "build_time": "2024-05-01T10:00:00Z", "vendor": "ACME", "security_version": 0,
        "files": [{"path": "bin/app", "size": os.path.getsize(str(payload / "app")),
                   "xxh128": dupg.file_xxh128(payload / "app"),
                   "sha256": hashlib.sha256((payload / "app").read_bytes()).hexdigest()}],
    }
    assert dupg.read_manifest(out) == m.to_dict()
    # A plain path installs under its base name; no files at all is fine too.
    assert [f["path"] for f in dupg.build_package(out, "app", "2", ["A"], [payload / "conf"]).files] == ["conf"]
    empty = dupg.build_package(tmp_path / "e.tar", "empty", "1", ["A"])
    assert empty.files == [] and dupg.read_manifest(tmp_path / "e.tar")["files"] == []


def test_rebuild_replaces(tmp_path, payload):
    out = tmp_path / "p.tar.gz"
    dupg.build_package(out, "app", "1", ["A"], [payload / "app"])
    dupg.build_package(out, "app", "2", ["A"], [payload / "conf"])
    assert dupg.read_manifest(out)["version"] == "2"


def test_read_manifest_matches_dupg_sim(tmp_path, payload):
    if dupg_sim_path() is None:
        pytest.skip("dupg-sim is not built")
    out = tmp_path / "p.tar.xz"
    dupg.build_package(out, "app", "3", ["A", "B"], [(payload / "blob", "data/blob")],
                       vendor="V")
    assert dupg.sim.command("manifest", out) == dupg.read_manifest(out)


def test_package_built_by_dupg_sim(tmp_path, payload):
    if dupg_sim_path() is None:
        pytest.skip("dupg-sim is not built")
    out = tmp_path / "s.tar.gz"
    dupg.sim.command("pack", "--out", out, "--name", "s", "--version", "9", "--hw", "A,B",
                     str(payload / "app"))
    assert dupg.read_manifest(out)["hw"] == ["A", "B"]


def test_file_xxh128(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"")
    empty = dupg.file_xxh128(p)
    assert len(empty) == 32 and all(c in "0123456789abcdef" for c in empty)
    assert empty == "99aa06d3014798d86001c324468d497f"  # XXH3-128 of nothing, as xxhsum -H2 prints
    p.write_bytes(b"x")
    assert dupg.file_xxh128(str(p)) != empty
    with pytest.raises(dupg.NotFoundError):
        dupg.file_xxh128(tmp_path / "none")
    with pytest.raises(dupg.IOError):
        dupg.file_xxh128(tmp_path)  # a directory is not a regular file


def test_manifest_from_package_without_verification(tmp_path, payload):
    out = tmp_path / "p.tar.gz"
    dupg.build_package(out, "app", "1", ["A"], [payload / "blob"])
    with dupg.Manifest.from_package(out, verify=False) as m:
        assert m.name == "app" and m.files[0]["path"] == "blob"


def test_package_set_reads_packages(tmp_path, payload):
    a = tmp_path / "a.tar.gz"
    b = tmp_path / "b.zip"
    dupg.build_package(a, "a", "1.9", ["A"], [payload / "app"])
    dupg.build_package(b, "b", "1.10", ["A", "B"], [payload / "app"])
    with dupg.PackageSet() as ps:
        ps.add_package(a)
        ps.add_package(str(b), verify=True)
        with dupg.Manifest.from_package(a) as m:
            ps.add_manifest("elsewhere/a.tar.gz", m)
        assert ps.packages() == [{"path": str(a), "version": "1.9"},
                                 {"path": str(b), "version": "1.10"},
                                 {"path": "elsewhere/a.tar.gz", "version": "1.9"}]
        assert ps.best("A") == str(b)  # 1.10 > 1.9
        assert ps.best("B") == str(b)


def test_progress_and_cancel(tmp_path):
    """verify() and build_package() report progress; a true result or an exception cancels."""
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 << 20))
    small = tmp_path / "small.txt"
    small.write_text("hello\n")
    files = [(str(big), "bin/big"), (str(small), "etc/small")]
    out = tmp_path / "p.tar"
    seen = []
    dupg.build_package(out, "p", "1", ["A"], files,
                       progress=lambda d, t, f: seen.append((d, t, f)))
    total = 2 * ((3 << 20) + 6)
    assert seen[-1] == (total, total, None)
    assert {f for _, _, f in seen} == {"bin/big", "etc/small", None}
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    assert 6 <= len(seen) <= 4 + 6 + 1
    seen = []
    m = dupg.verify(out, progress=lambda d, t, f: seen.append((d, t, f)))
    assert m.name == "p"
    assert seen[-1] == ((3 << 20) + 6, (3 << 20) + 6, None)
    assert [f for _, _, f in seen if f is not None][0] == "bin/big"
    # returning True cancels
    with pytest.raises(dupg.AbortedError, match="p.tar: verification cancelled"):
        dupg.verify(out, progress=lambda d, t, f: True)
    # raising cancels, as AbortedError from the exception
    def boom(d, t, f):
        if d > 0:
            raise ZeroDivisionError("stop")
    with pytest.raises(dupg.AbortedError) as err:
        dupg.verify(out, progress=boom)
    assert isinstance(err.value.__cause__, ZeroDivisionError)
    before = out.read_bytes()
    with pytest.raises(dupg.AbortedError, match="build cancelled") as err:
        dupg.build_package(out, "p", "2", ["A"], files, progress=boom)
    assert isinstance(err.value.__cause__, ZeroDivisionError)
    assert out.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["big.bin", "p.tar", "small.txt"]
    with pytest.raises(dupg.AbortedError):
        dupg.build_package(tmp_path / "new.tar", "p", "2", ["A"], files, progress=lambda *a: 1)
    assert not (tmp_path / "new.tar").exists()
    with pytest.raises(dupg.ArgumentError):
        dupg.verify(out, progress=3)
    with pytest.raises(dupg.ArgumentError):
        dupg.build_package(out, "p", "2", ["A"], files, progress="x")


@pytest.mark.parametrize("fmt", ["tar", "tar.gz", "zip"])
def test_build_with_modes(tmp_path, payload, fmt):
    out = tmp_path / ("m." + fmt)
    os.chmod(payload / "conf", 0o600)
    files = [(payload / "app", "bin/app"), (payload / "conf", "etc/app.conf"),
             (payload / "blob", "share/blob")]
    m = dupg.build_package(out, "app", "1", ["B"], files, no_fsync=True,
                           modes={"bin/app": "4755"})
    assert m.format == 3
    assert [f.get("mode") for f in m.files] == ["4755", None, None]
    assert [m.file_mode(i) for i in range(3)] == [0o4755, 0o644, 0o644]
    assert [m.file_mode_listed(i) for i in range(3)] == [True, False, False]
    d = dupg.read_manifest(out)
    assert d["format"] == 3
    assert [f.get("mode") for f in d["files"]] == ["4755", None, None]
    if fmt == "zip":
        with zipfile.ZipFile(str(out)) as z:
            modes = {i.filename: i.external_attr >> 16 & 0o7777 for i in z.infolist()}
    else:
        with tarfile.open(str(out)) as t:
            modes = {i.name: i.mode for i in t.getmembers()}
    assert modes == {"manifest.json": 0o644, "bin/app": 0o4755, "etc/app.conf": 0o644,
                     "share/blob": 0o644}
    with dupg.verify(out) as v:
        assert v.file_mode(0) == 0o4755 and v.file_mode(1) == dupg.MANIFEST_MODE_DEFAULT

    m = dupg.build_package(out, "app", "1", ["B"], files, no_fsync=True,
                           modes={"bin/app": 0o755}, record_modes=True)
    assert [m.file_mode(i) for i in range(3)] == [0o755, 0o600,
                                                  os.stat(payload / "blob").st_mode & 0o7777]
    assert [f["mode"] for f in m.files] == ["0755", "0600",
                                            "%04o" % (os.stat(payload / "blob").st_mode & 0o7777)]
    assert all(m.file_mode_listed(i) for i in range(3))
    dupg.verify(out).close()


def test_build_without_modes_is_format_2(tmp_path, payload):
    m = dupg.build_package(tmp_path / "p.tar", "app", "1", ["B"], [payload / "app"], no_fsync=True)
    assert m.format == 2 and m.file_mode(0) == 0o644 == dupg.MANIFEST_MODE_DEFAULT
    assert "mode" not in m.files[0]
    assert "mode" not in dupg.read_manifest(tmp_path / "p.tar")["files"][0]


@pytest.mark.parametrize("modes, needle", [
    ({"bin/app": "0759"}, "not 3 or 4 octal digits"),
    ({"bin/app": 0o10000}, "not a mode from 0 to 0o7777"),
    ({"bin/app": True}, "not a mode"),
    ([("bin/app", 0o755)], "expected a mapping"),
    ({"bin/other": 0o755}, "a mode is given for bin/other, which is not among the files"),
])
def test_build_bad_modes(tmp_path, payload, modes, needle):
    out = tmp_path / "bad.tar"
    with pytest.raises(dupg.BadInputError, match=needle):
        dupg.build_package(out, "app", "1", ["B"], [(payload / "app", "bin/app")], modes=modes)
    assert not out.exists()


def test_mode_policy(tmp_path, payload):
    m = dupg.build_package(tmp_path / "ok.tar", "app", "1", ["B"],
                           [(payload / "app", "bin/app")], no_fsync=True)
    manifest = dupg.read_manifest(tmp_path / "ok.tar")
    body = (payload / "app").read_bytes()

    def craft(name, manifest, mode):
        import io
        import json
        path = tmp_path / name
        with tarfile.open(str(path), "w", format=tarfile.PAX_FORMAT) as t:
            data = json.dumps(manifest).encode()
            i = tarfile.TarInfo("manifest.json")
            i.size = len(data)
            t.addfile(i, io.BytesIO(data))
            i = tarfile.TarInfo("bin/app")
            i.size, i.mode = len(body), mode
            t.addfile(i, io.BytesIO(body))
        return path

    with pytest.raises(dupg.ModeError, match=r"bin/app: mode 4755 \(setuid\), and the manifest "
                                             r"lists no mode") as e:
        dupg.verify(craft("suid.tar", manifest, 0o4755))
    assert e.value.code == dupg.EMODE and isinstance(e.value, dupg.IntegrityError)
    with pytest.raises(dupg.ModeError, match="world-writable"):
        dupg.verify(craft("ww.tar", manifest, 0o666))
    dupg.verify(craft("x.tar", manifest, 0o755)).close()
    listed = dict(manifest, format=3, files=[dict(manifest["files"][0], mode="4755")])
    with dupg.verify(craft("listed.tar", listed, 0o4755)) as v:
        assert v.files[0]["mode"] == "4755" and v.file_mode(0) == 0o4755
    with pytest.raises(dupg.ModeError, match="mode 0755 in the archive, the manifest says 4755"):
        dupg.verify(craft("differs.tar", listed, 0o755))
    m.close()


def test_manifest_set_file_mode():
    m = dupg.Manifest("p", "1", ["B"])
    m.add_file("bin/app", 6, "6bba86c7e069f56d5a10b435f1c8e49c")
    assert m.format == 1 and m.file_mode(0) == 0o644 and not m.file_mode_listed(0)
    m.set_file_mode(0, 0o750)
    assert m.format == 3 and m.file_mode(0) == 0o750 and m.file_mode_listed(0)
    assert m.to_dict()["files"][0]["mode"] == "0750"
    with pytest.raises(dupg.BadInputError, match="above 7777"):
        m.set_file_mode(0, 0o17777)
    with pytest.raises(dupg.BadInputError, match="no file 3"):
        m.set_file_mode(3, 0o755)
    again = dupg.Manifest.parse(m.to_json())
    assert again.file_mode(0) == 0o750 and again == m


@pytest.mark.parametrize("method, name", [(zipfile.ZIP_LZMA, "lzma"), (zipfile.ZIP_BZIP2, "bzip")])
@pytest.mark.parametrize("member", ["empty", "bin/app"])
def test_zip_methods(tmp_path, method, name, member):
    import json
    body = {"empty": b"", "bin/app": b"#!/bin/sh\necho app\n"}
    files = [{"path": p, "size": len(b), "xxh128": xxh128_of(tmp_path, b)} for p, b in body.items()]
    manifest = json.dumps({"format": 1, "name": "z", "version": "1", "hw": ["B"], "files": files})
    ok = tmp_path / "ok.zip"
    with zipfile.ZipFile(str(ok), "w") as z:
        z.writestr("manifest.json", manifest, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("empty", body["empty"], compress_type=zipfile.ZIP_STORED)
        z.writestr("bin/app", body["bin/app"], compress_type=zipfile.ZIP_DEFLATED)
    dupg.verify(ok).close()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(str(bad), "w") as z:
        z.writestr("manifest.json", manifest, compress_type=zipfile.ZIP_DEFLATED)
        for p, b in body.items():
            z.writestr(p, b, compress_type=method if p == member else zipfile.ZIP_STORED)
    assert dupg.read_manifest(bad)["name"] == "z"
    with pytest.raises(dupg.UnsupportedError,
                       match=r"bad\.zip: %s: zip compression method %s is not supported \(only "
                             r"stored and deflate" % (member, name)):
        dupg.verify(bad)
    whole = tmp_path / "whole.zip"
    with zipfile.ZipFile(str(whole), "w", compression=method) as z:
        z.writestr("manifest.json", manifest)
    with pytest.raises(dupg.UnsupportedError, match="manifest.json: zip compression method " + name):
        dupg.read_manifest(whole)


def xxh128_of(tmp_path, data):
    f = tmp_path / "digest.tmp"
    f.write_bytes(data)
    try:
        return dupg.file_xxh128(f)
    finally:
        f.unlink()
