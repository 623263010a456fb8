# SPDX-License-Identifier: BSD-2-Clause
"""dupg.Partition, dupg.Region and the announcement: the seed's partition rule, elections with
epochs, liveness, the need decision and the wire format, as dupg/region.h says."""

import random

import pytest

import dupg

POOL = ["239.7.0.%d" % i for i in range(1, 41)]


# ---- the score ------------------------------------------------------------


def test_score_bounds_and_weights():
    assert dupg.score(1, 1, 1, 1000, 0, 0) == dupg.SCORE_MAX
    assert dupg.score(0, 0, 0, 0, 1e300, 1) == 0
    assert dupg.score(0.5, 0.5, 0.5, 500, 50, 0.5) == dupg.SCORE_MAX // 2
    only_cpu = {"memory": 0, "storage": 0, "bandwidth": 0, "latency": 0, "loss": 0}
    assert dupg.score(0.25, 1, 1, 1000, 0, 0, only_cpu) == dupg.SCORE_MAX // 4
    with pytest.raises(dupg.BadInputError, match="cpu 1.5"):
        dupg.score(1.5, 1, 1, 1, 1, 0)
    with pytest.raises(dupg.BadInputError, match="unknown \"gpu\""):
        dupg.score(1, 1, 1, 1, 1, 0, {"gpu": 1})
    with pytest.raises(dupg.ArgumentError, match="not a number"):
        dupg.score(1, 1, 1, 1, 1, 0, {"cpu": "x"})


# ---- the partition --------------------------------------------------------


def rule(planned, most, scores):
    """The header's rule written naively: the first N open a region each; then the lowest entry
    of R the newcomer beats among regions with room, else i mod N or the next with room."""
    n = -(-planned // most)
    best, members, regions = [None] * n, [0] * n, []
    for i, s in enumerate(scores):
        if i < n:
            r = i
            best[r] = s
        else:
            beaten = [k for k in range(n) if members[k] < most and s > best[k]]
            if beaten:
                r = min(beaten, key=lambda k: (best[k], k))
                best[r] = s
            else:
                r = i % n
                while members[r] >= most:
                    r = (r + 1) % n
        members[r] += 1
        regions.append(r)
    return regions, best, members


def test_partition_on_the_worked_numbers():
    scores = [50, 70, 60, 80, 40, 65, 90, 30, 55, 75]
    with dupg.Partition(10, 4, POOL[:3]) as p:
        got = [p.join(s) for s in scores]
        assert got == [0, 1, 2, 0, 1, 2, 2, 1, 2, 1]
        assert [p.best(r) for r in range(3)] == [80, 75, 90]
        assert [p.best_node(r) for r in range(3)] == [3, 9, 6]
        assert [p.members(r) for r in range(3)] == [2, 4, 4]
        assert len(p) == 3 and p.online == 10 and p.max_per_region == 4
        assert p.addresses == POOL[:3]
        assert p.region_of(-1) == 1
        with pytest.raises(dupg.OutOfRangeError):
            p.region_of(10)
        with pytest.raises(dupg.OutOfRangeError):
            p.address(3)


@pytest.mark.parametrize("seed", range(20))
def test_partition_random_arrivals_follow_the_rule(seed):
    rnd = random.Random(seed)
    planned, most = rnd.randint(1, 200), rnd.randint(1, 15)
    n = -(-planned // most)
    joins = rnd.randint(planned, n * most)
    scores = [rnd.randrange(rnd.choice([3, 1000, dupg.SCORE_MAX])) for _ in range(joins)]
    regions, best, members = rule(planned, most, scores)
    with dupg.Partition(planned, most, POOL[:n] if n <= len(POOL) else
                        ["239.8.%d.%d" % (i // 200, i % 200 + 1) for i in range(n)]) as p:
        assert [p.join(s) for s in scores] == regions
        assert [p.best(r) for r in range(n)] == best
        assert [p.members(r) for r in range(n)] == members
        assert all(1 <= m <= most for m in members)
        for r in range(n):
            mine = [s for s, g in zip(scores, regions) if g == r]
            assert p.best(r) == max(mine) == scores[p.best_node(r)]
        if joins == n * most:
            with pytest.raises(dupg.NoSpaceError, match="every region is full"):
                p.join(1)


def test_partition_refuses_bad_plans():
    with pytest.raises(dupg.BadInputError, match="need 4 multicast addresses"):
        dupg.Partition(13, 4, POOL[:3])
    with pytest.raises(dupg.DuplicateError, match="twice"):
        dupg.Partition(4, 2, ["239.0.0.1", "239.0.0.1"])
    with pytest.raises(dupg.BadInputError, match="not an IPv4 multicast"):
        dupg.Partition(1, 1, ["192.168.0.1"])
    with pytest.raises(dupg.BadInputError, match="is 0"):
        dupg.Partition(0, 1, POOL)
    with pytest.raises(dupg.ArgumentError):
        dupg.Partition(1, 1, "239.0.0.1 239.0.0.2")
    with dupg.Partition(2, 2, POOL[:1]) as p:
        with pytest.raises(dupg.BadInputError, match="above"):
            p.join(dupg.SCORE_MAX + 1)
        assert p.online == 0


# ---- elections ------------------------------------------------------------


def test_election_ties_epochs_and_a_dead_leader():
    with dupg.Region(2, dead_after=2) as r:
        assert r.elect(0) == dupg.ElectResult.NONE and r.leader is None
        r.heard("a", 900, 0)
        r.heard("b", 900, 0)
        assert r.elect(0) == "first" and r.leader == "b" and r.epoch == 1  # the higher id
        r.heard("a", 900, 1)
        assert r.elect(1) == "kept" and r.epoch == 1
        r.heard("a", 900, 2)
        assert r.alive("b", 1) and not r.alive("b", 2)
        assert r.elect(2) == "failover" and r.leader == "a" and r.epoch == 2
        assert r.members == ["a", "b"] and len(r) == 2 and r.score_of("a") == 900
        with pytest.raises(dupg.NotFoundError):
            r.score_of("zz")
        with pytest.raises(dupg.BadInputError, match="do not go back"):
            r.elect(1)


def test_split_brain_resolves_the_same_everywhere():
    claims = [("x", 900, 4), ("y", 950, 3), ("z", 900, 4)]
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        with dupg.Region(0) as r:
            for k in order:
                r.claim(*claims[k])
            assert (r.leader, r.epoch) == ("z", 4)


def test_a_node_back_with_an_old_epoch():
    with dupg.Region(5) as r:
        r.receive(dupg.encode_announcement("new", 5, 3, 10, 100, True, {"bbu": "2"}), 10)
        assert r.leader == "new" and r.epoch == 3
        old = dupg.encode_announcement("old", 5, 1, 11, 999, True, {"bbu": "1"})
        with pytest.raises(dupg.DuplicateError, match="older than the region's epoch 3"):
            r.receive(old, 11)
        assert r.members == ["new"] and r.leader == "new"
        assert r.claim("old", 999, 1) is False
        with pytest.raises(dupg.DuplicateError, match="a replay"):
            r.receive(dupg.encode_announcement("new", 5, 3, 10, 100, True), 11)
        with pytest.raises(dupg.BadInputError, match="for region 4"):
            r.receive(dupg.encode_announcement("new", 4, 3, 11, 100, True), 11)


def test_needs():
    with dupg.Region(0) as r:
        for i, v in enumerate(["1.5", "2.0", "0.9", "1.10", "1.9"]):
            r.receive(dupg.encode_announcement("n%d" % i, 0, 0, 0, 1, False, {"bbu": v}), 0)
        assert r.needs("bbu", "2.0", "1.0", "1.9") == 2
        assert r.needs("bbu", "2.0") == 4
        assert r.needs("rru", "9") == 0
        assert r.version("n3", "bbu") == "1.10" and r.version("n3", "rru") is None
        with pytest.raises(dupg.BadInputError, match="min is above max"):
            r.needs("bbu", "2", "3", "1")


# ---- the announcement -----------------------------------------------------


def test_announcement_round_trip():
    msg = dupg.encode_announcement("site-1", 7, 2, 99, 4242, True, {"bbu": "5.1", "rru": "3"})
    assert isinstance(msg, bytes) and msg[:5] == b"DUPA\x01" and len(msg) <= dupg.ANNOUNCE_MAX_BYTES
    assert dupg.decode_announcement(bytearray(msg)) == {
        "sender": "site-1", "region": 7, "epoch": 2, "period": 99, "score": 4242, "leader": True,
        "versions": {"bbu": "5.1", "rru": "3"}, "url": None}


def test_announcement_serving_url():
    plain = dupg.encode_announcement("site-1", 7, 2, 99, 4242, True, {"bbu": "5.1"})
    assert dupg.encode_announcement("site-1", 7, 2, 99, 4242, True, {"bbu": "5.1"},
                                    url=None) == plain
    url = "http://127.0.0.1:8080/v1"
    msg = dupg.encode_announcement("site-1", 7, 2, 99, 4242, True, {"bbu": "5.1"}, url=url)
    # version 2, the URL flag beside the leader's, the URL after the hardware types
    assert msg[:6] == b"DUPA\x02\x03" and msg[6:len(plain)] == plain[6:]
    assert msg[len(plain):] == len(url).to_bytes(2, "big") + url.encode()
    d = dupg.decode_announcement(msg)
    assert d["url"] == url and d["leader"] is True and d["versions"] == {"bbu": "5.1"}
    longest = "u" * dupg.ANNOUNCE_URL_MAX_BYTES
    assert dupg.decode_announcement(
        dupg.encode_announcement("s", 0, 0, 0, 0, url=longest))["url"] == longest
    for bad, why in (("", "empty"), ("http://a b/", "0x20"), ("http://\u00e9/", "printable"),
                     (longest + "u", "over the 256-byte limit")):
        with pytest.raises(dupg.BadInputError, match=why):
            dupg.encode_announcement("s", 0, 0, 0, 0, url=bad)
    with pytest.raises(dupg.BadInputError, match="over the 1400-byte limit"):
        dupg.encode_announcement("s", 0, 0, 0, 0, False, {"hw%03d" % i: "1.0.0" for i in range(85)},
                                 url=longest)
    # the URL's bytes, its flag and the version must agree
    with pytest.raises(dupg.FormatError, match="in a version-1 message"):
        dupg.decode_announcement(msg[:4] + b"\x01" + msg[5:])
    with pytest.raises(dupg.FormatError, match="without flag 0x02"):
        dupg.decode_announcement(msg[:5] + b"\x01" + msg[6:])
    with pytest.raises(dupg.FormatError, match="the serving URL has byte 0x20"):
        dupg.decode_announcement(msg[:-1] + b" ")
    with pytest.raises(dupg.FormatError, match="after the end"):
        dupg.decode_announcement(msg + b"/")
    for i in range(len(plain), len(msg)):
        with pytest.raises(dupg.FormatError, match="truncated"):
            dupg.decode_announcement(msg[:i])


def test_every_truncation_and_flip_is_refused_or_canonical():
    plain = dupg.encode_announcement("s", 1, 2, 3, 4, False, {"bbu": "1.0"})
    with_url = dupg.encode_announcement("s", 1, 2, 3, 4, False, {"bbu": "1.0"}, "http://h/")
    for msg in (plain, with_url):
        for i in range(len(msg)):
            with pytest.raises(dupg.FormatError):
                dupg.decode_announcement(msg[:i])
        for i in range(len(msg)):
            for mask in (0x01, 0x80, 0xff):
                bad = bytearray(msg)
                bad[i] ^= mask
                try:
                    d = dupg.decode_announcement(bytes(bad))
                except (dupg.FormatError, dupg.UnsupportedError):
                    continue
                again = dupg.encode_announcement(d["sender"], d["region"], d["epoch"], d["period"],
                                                 d["score"], d["leader"], d["versions"], d["url"])
                assert again == bytes(bad)
    msg = plain
    with pytest.raises(dupg.FormatError, match="over the 1400-byte limit"):
        dupg.decode_announcement(msg + bytes(dupg.ANNOUNCE_MAX_BYTES))
    with pytest.raises(dupg.UnsupportedError, match="format version 3"):
        dupg.decode_announcement(msg[:4] + b"\x03" + msg[5:])
    with pytest.raises(dupg.ArgumentError):
        dupg.decode_announcement("DUPA")


def test_encode_refuses_bad_fields():
    with pytest.raises(dupg.BadInputError, match="empty"):
        dupg.encode_announcement("", 0, 0, 0, 0)
    with pytest.raises(dupg.BadInputError, match="above"):
        dupg.encode_announcement("s", 0, 0, 0, dupg.SCORE_MAX + 1)
    with pytest.raises(dupg.BadInputError, match="over the 1400-byte limit"):
        dupg.encode_announcement("s", 0, 0, 0, 0, False, {"hw%d" % i: "1.0" for i in range(200)})
    with pytest.raises(dupg.BadInputError, match="region"):
        dupg.encode_announcement("s", 2 ** 32, 0, 0, 0)
