# SPDX-License-Identifier: BSD-2-Clause
"""Signed packages from Python: keys, dupg.Trust, verify() under a trust
policy, format-2 manifests, and a store that admits only verified packages
above its anti-rollback floor. Every refusal raises its own class with a
message naming the package, and leaves the disk unchanged."""

import json
import os
import tarfile

import pytest

import dupg
from conftest import snapshot, write_list


@pytest.fixture
def keys(tmp_path):
    d = tmp_path / "keys"
    d.mkdir()
    ids = {}
    for k in ("k1", "k2"):
        ids[k] = dupg.key_generate(d / k, d / (k + ".pub"))
    return d, ids


def build(tmp_path, name, *, sign=(), security_version=0, payload=b"payload\n", **kw):
    src = tmp_path / (name + ".src")
    src.write_bytes(payload)
    out = tmp_path / name
    dupg.build_package(out, "app", kw.pop("version", "1"), ["B"], [(src, "bin/app")],
                       format="tar", sign=sign, security_version=security_version,
                       no_fsync=True, **kw).close()
    return out


def trust_of(keydir, *names, threshold=1):
    t = dupg.Trust()
    for n in names:
        t.add_key_file(keydir / (n + ".pub"))
    t.threshold = threshold
    return t


def test_keys(keys):
    d, ids = keys
    assert oct(os.stat(d / "k1").st_mode & 0o777) == "0o600"
    assert dupg.key_id(d / "k1") == dupg.key_id(d / "k1.pub") == ids["k1"] and len(ids["k1"]) == 64
    with pytest.raises(dupg.NotFoundError):
        dupg.key_id(d / "nothing.pub")
    (d / "junk.pem").write_text("not a key")
    with pytest.raises(dupg.FormatError, match="junk.pem"):
        dupg.key_id(d / "junk.pem")


def test_trust_store(keys, tmp_path):
    d, ids = keys
    t = dupg.Trust.load_dir(d)
    assert len(t) == 2 and sorted(t.key_ids) == sorted(ids.values()) and t.threshold == 1
    t.threshold = 2
    assert t.threshold == 2
    with pytest.raises(dupg.BadInputError):
        t.threshold = 0
    t.revoke(ids["k2"])
    assert t.is_revoked(ids["k2"]) and not t.is_revoked(ids["k1"])
    with pytest.raises(dupg.BadInputError, match="not a key id"):
        t.revoke("abc")
    t.add_key_pem((d / "k1.pub").read_bytes())  # held already: nothing added
    assert len(t) == 2 and "threshold=2" in repr(t)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(dupg.BadInputError, match="no public key"):
        dupg.Trust.load_dir(empty)


def test_verify_under_policy(keys, tmp_path):
    d, ids = keys
    t1 = trust_of(d, "k1")
    good = build(tmp_path, "good.tar", sign=[d / "k1"], security_version=4)
    m = dupg.verify(good, t1)
    assert (m.format, m.security_version) == (2, 4) and len(m.files[0]["sha256"]) == 64
    assert dupg.verify(good).name == "app"
    cases = [
        (build(tmp_path, "unsigned.tar"), t1, dupg.UnsignedError, "not signed"),
        (build(tmp_path, "unknown.tar", sign=[d / "k2"]), t1, dupg.UnknownKeyError, "does not hold"),
        (good, trust_of(d, "k1", "k2", threshold=2), dupg.ThresholdError, "2 required"),
        (build(tmp_path, "expired.tar", sign=[d / "k1"], expires="2001-02-03T04:05:06Z"), t1,
         dupg.ExpiredError, "expired at 2001-02-03T04:05:06Z"),
    ]
    revoked = trust_of(d, "k1")
    revoked.revoke(ids["k1"])
    cases.append((good, revoked, dupg.RevokedKeyError, "revoked key"))
    for path, trust, cls, needle in cases:
        before = snapshot(tmp_path)
        with pytest.raises(cls, match=needle) as e:
            dupg.verify(path, trust)
        assert str(path) in str(e.value) and isinstance(e.value, dupg.TrustError)
        # the same from the head alone
        with pytest.raises(cls):
            dupg.verify(path, trust, payload=False)
        assert snapshot(tmp_path) == before
    both = build(tmp_path, "both.tar", sign=[d / "k1", d / "k2"])
    assert dupg.verify(both, trust_of(d, "k1", "k2", threshold=2)).name == "app"
    expired = tmp_path / "expired.tar"
    assert dupg.verify(expired, t1, now=981173105).name == "app"  # a second before
    assert dupg.verify(expired, t1, now=False).name == "app"
    with pytest.raises(dupg.ArgumentError):
        dupg.verify(expired, t1, now="soon")


def test_tampering(keys, tmp_path):
    d, _ = keys
    t1 = trust_of(d, "k1")
    good = build(tmp_path, "good.tar", sign=[d / "k1"])
    data = good.read_bytes()
    # the manifest's version changed after signing (same length: the tar stays valid)
    i = data.index(b'"version":"1"')
    bad = tmp_path / "bad.tar"
    bad.write_bytes(data[:i] + b'"version":"9"' + data[i + 13:])
    with pytest.raises(dupg.SignatureError, match="does not match manifest.json"):
        dupg.verify(bad, t1)
    # a payload byte flipped
    i = data.index(b"payload\n")
    flip = tmp_path / "flip.tar"
    flip.write_bytes(data[:i] + b"P" + data[i + 1:])
    with pytest.raises(dupg.IntegrityError, match="digest mismatch"):
        dupg.verify(flip, t1)
    # a signature file cut short
    with tarfile.open(good) as tf:
        sig = tf.extractfile("manifest.sig").read()
        manifest = tf.extractfile("manifest.json").read()
    t1.check(manifest, sig, "x")
    doc = json.loads(sig)
    doc["signatures"][0]["sig"] = doc["signatures"][0]["sig"][:40]
    with pytest.raises(dupg.SignatureFormatError, match="not a 64-byte signature"):
        t1.check(manifest, json.dumps(doc), "x")
    with pytest.raises(dupg.SignatureError):
        t1.check(manifest.replace(b'"B"', b'"C"'), sig, "x")
    # sign_manifest and check agree
    t1.check(manifest, dupg.sign_manifest(manifest, [d / "k1"]), "again")


def test_manifest_v2():
    m = dupg.Manifest("n", "2", ["A"])
    assert m.format == 1 and m.security_version == 0 and m.applies_min is None
    m.security_version = 7
    m.set_applies_to("1.0", None)
    m.summary = "fixes"
    m.expires = "2030-01-01T00:00:00Z"
    assert m.format == 2 and m.applies("1.5") and not m.applies("0.9")
    assert m.expired(1893456000) and not m.expired(1893455999)
    with pytest.raises(dupg.BadInputError, match="RFC 3339"):
        m.expires = "tomorrow"
    d = m.to_dict()
    assert (d["format"], d["security_version"], d["applies_to"], d["summary"]) == \
        (2, 7, {"min": "1.0"}, "fixes")
    again = dupg.Manifest.parse(m.to_json())
    assert again == m


def test_store_admits(keys, tmp_path):
    d, _ = keys
    t1 = trust_of(d, "k1")
    build(tmp_path, "p1.tar", sign=[d / "k1"], security_version=1)
    build(tmp_path, "p3.tar", version="3", sign=[d / "k1"], security_version=3)
    build(tmp_path, "p2.tar", version="2", sign=[d / "k1"], security_version=2)
    build(tmp_path, "u.tar", version="4")
    data = (tmp_path / "p3.tar").read_bytes()
    i = data.index(b"payload\n")
    (tmp_path / "bad.tar").write_bytes(data[:i] + b"P" + data[i + 1:])
    write_list(tmp_path / "list", ["p1.tar"])
    with dupg.Store(tmp_path / "list") as s:
        for name, trust, cls in [("bad.tar", None, dupg.IntegrityError),
                                 ("u.tar", t1, dupg.UnsignedError)]:
            before = snapshot(tmp_path)
            with pytest.raises(cls, match=name):
                s.prune([name], apply=True, trust=trust, no_fsync=True)
            assert snapshot(tmp_path) == before
        s.prune(["p3.tar"], apply=True, trust=t1, no_fsync=True)
        assert json.loads((tmp_path / "list.floor").read_text())["floor"] == {"B": 3}
        before = snapshot(tmp_path)
        with pytest.raises(dupg.RollbackError, match="below the store's floor 3"):
            s.prune(["p2.tar"], apply=True, trust=t1, no_fsync=True)
        assert snapshot(tmp_path) == before
        # computing without applying changes nothing (the floor is an apply's business)
        assert s.prune(["p2.tar"])["latest"] == {"B": "p2.tar"}
        assert snapshot(tmp_path) == before


def test_sim_run_with_trust():
    from conftest import srcpath
    scenario = srcpath("sim", "topologies", "fig3a.json")
    plain = dupg.sim.run(scenario, seed=1)
    signed = dupg.sim.run(scenario, seed=1, trust=True)
    outcome = lambda r: [(s["site"], s["outcome"], s["downloaded"]) for s in r["sites"]]
    assert outcome(signed) == outcome(plain) and signed["sites"][0]["outcome"] == "upgraded"
