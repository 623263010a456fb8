#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Regions that elect one downloader (seed 002, dupg/region.h): 1,000 sites in
# 20 regions, where the management server sends about one task per region
# and the members fetch over their LAN; the same fleet with downloader_down
# events, which kill virtual servers mid-transfer or idle, still upgrades
# every site; bad region keys are refused.
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

N=1000
[ "$SMALL" -eq 1 ] && N=100
R1K=(sim run "$TOPO/regions-1k.json" --no-fsync --link --quiet)
[ "$SMALL" -eq 1 ] && R1K+=(--sites "$N")
"${R1K[@]}" --report "$W/r.json"

# what every check below shares: the regions' members as the sources tell them
cat >"$W/common.py" <<'PYEOF'
n = N
regions = d["regions"]
sites = d["sites"]
t = d["totals"]
elected = {r["elected"]: r for r in regions}
region_of = {m: r["id"] for r in regions for m in r["members"]}
def members(r):
    return [s for s in sites if s["site"] in set(r["members"])]
PYEOF
common() { printf 'N = %s\n%s\n' "$N" "$(cat "$W/common.py")"; }

pycheck "regions-1k: ceil(T/M) regions of at most M, every site in one, every site upgraded" "$W/r.json" "
$(common)
assert len(regions) == -(-n // 50) and all(1 <= len(r['members']) <= 50 for r in regions), regions
assert sorted(region_of) == sorted(s['site'] for s in sites) and len(region_of) == n == len(sites)
assert all(r['elected'] in r['members'] for r in regions)
assert [r['id'] for r in regions] == ['region-%02d' % (i + 1) for i in range(len(regions))]
assert t['upgraded'] == n and all(s['store']['consistent'] and s['current_after'] for s in sites)
assert all(r['epoch'] == 1 and r['reelections'] == 0 and r['elected'] is not None for r in regions)"

pycheck "regions-1k: each member fetched from its region's virtual server, which fetched from the server" "$W/r.json" "
$(common)
assert all('source' in s for s in sites)
for s in sites:
    assert s['source'] in elected or (s['source'] == 'server' and s['site'] in elected), s['site']
    assert s['source'] == 'server' or region_of[s['source']] == region_of[s['site']], s['site']
for r in regions:
    m = members(r)
    assert len(m) == len(r['members']), (r, len(m))
    assert all(s['source'] == r['elected'] for s in m if s['site'] != r['elected'])
    assert r['lan_bytes'] == sum(s['bytes_downloaded'] for s in m if s['site'] != r['elected']), r"

pycheck "regions-1k: the management server sends one task per region, the baseline one per site" "$W/r.json" "
$(common)
for r in regions:
    task = max(s['bytes_downloaded'] for s in members(r))
    assert r['server_bytes'] == task > 0, r
assert t['server_bytes'] == sum(r['server_bytes'] for r in regions)
assert t['baseline_each_bytes'] == t['bytes_downloaded'] == sum(s['bytes_downloaded'] for s in sites)
assert t['baseline_each_bytes'] >= 0.9 * 50 * t['server_bytes'] if n == 1000 else True, t
assert t['server_bytes'] * 10 < t['baseline_each_bytes'], t"

# the same fleet with downloader_down events: two mid-transfer, one idle, each
# in a region of its own (the first member that is not the virtual server of
# regions 1, 2 and 3 of the run above; the small fleet under valgrind has two
# regions, so one mid-transfer and the idle one)
read -r MID IDLE MID2 < <("$PY" - "$W/r.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
print(*[next(m for m in r["members"] if m != r["elected"]) for r in d["regions"][:3]])
PYEOF
)
"$PY" - "$TOPO/regions-1k.json" "$W/down.json" "$MID" "$IDLE" "${MID2:-}" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["events"] = [{"kind": "downloader_down", "site": sys.argv[3], "fraction": 0.5},
               {"kind": "downloader_down", "site": sys.argv[4], "fraction": 0}]
if sys.argv[5]:  # the small fleet has two regions only
    d["events"].append({"kind": "downloader_down", "site": sys.argv[5]})
json.dump(d, open(sys.argv[2], "w"))
PYEOF
"${R1K[@]/$TOPO\/regions-1k.json/$W/down.json}" --report "$W/d.json"
pycheck "downloader_down: every site still upgraded, every store consistent" "$W/d.json" "
$(common)
assert t['upgraded'] == n == len(sites), t
assert all(s['store']['consistent'] and s['current_after'] for s in sites)"
pycheck "downloader_down: each kill is one re-election in a higher epoch and one more download" "$W/d.json" "
$(common)
import json
base = json.load(open('$W/r.json'))
fired = [s for s in sites if any(f['kind'] == 'downloader_down' and f['fired'] for f in s['faults'])]
assert len(fired) >= 2, [s['faults'] for s in sites if s['faults']]
assert sum(r['reelections'] for r in regions) == len(fired), regions
for r in regions:
    assert r['epoch'] == 1 + r['reelections'], r
    task = max(s['bytes_downloaded'] for s in base['sites'])
    assert r['server_bytes'] == (1 + r['reelections']) * task, r
assert t['server_bytes'] == base['totals']['server_bytes'] + len(fired) * task
assert t['baseline_each_bytes'] == base['totals']['baseline_each_bytes']
for s in fired:
    # it fetched from the new virtual server; mid-transfer it took part of a package twice
    assert s['source'] != 'server' and s['source'] in elected, s['site']
    assert s['source'] in next(r for r in regions if s['site'] in r['members'])['members']
    f = next(f for f in s['faults'] if f['kind'] == 'downloader_down')
    assert s['bytes_downloaded'] >= task and s['virtual_time_s'] >= 30, s['site']
idle = [s for s in fired if s['site'] == '$IDLE']
assert all(s['bytes_downloaded'] == task for s in idle)
mid = [s for s in fired if s['site'] == '$MID']
assert all(s['bytes_downloaded'] > task for s in mid), [s['bytes_downloaded'] for s in mid]"

# a picture of a region that re-elected: who is elected, who fetched from whom
REG=$("$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(next(r['id'] for r in d['regions'] if r['reelections']))" "$W/d.json")
sim draw --region "$REG" --report "$W/d.json" >"$W/region.dot"
pycheck "draw --region $REG: every member once, an edge from where it fetched, the elected and the earlier" "$W/d.json" "
import re
dot = open('$W/region.dot').read()
r = next(r for r in d['regions'] if r['id'] == '$REG')
assert dot.startswith('digraph \"$REG\" {') and dot.rstrip().endswith('}')
edges = re.findall(r'^\t\"([^\"]+)\" -> \"([^\"]+)\"', dot, re.M)
assert sorted(b for a, b in edges) == sorted(r['members']), edges
src = {s['site']: s['source'] for s in d['sites']}
assert all(src[b] == a for a, b in edges)
assert re.search(r'\"%s\" \[label=[^]]*doubleoctagon' % r['elected'], dot)
assert 'an earlier virtual server' in dot and 'epoch %d' % r['epoch'] in dot
legend = dot[dot.index('subgraph \"cluster_legend\"'):]
for key in ('server', 'elected', 'member', 'not_upgraded', 'earlier'):
    assert '\"legend:%s\" [label=' % key in legend, key
assert re.search(r'\"legend:elected\" \[[^]]*doubleoctagon, fillcolor=\"#009E73\"', legend)"
expect_fail "draw --region: an unknown region refused" "no region nope" -- sim draw --region nope --report "$W/d.json"

# scenarios without elect regions keep their report: no regions, no source, no region totals
sim run "$TOPO/fig3a.json" --quiet --no-fsync --report "$W/f.json"
pycheck "no elect region: the report is as before" "$W/f.json" "
assert 'regions' not in d and 'server_bytes' not in d['totals'] and 'baseline_each_bytes' not in d['totals']
assert all('source' not in s for s in d['sites'])"
expect_fail "draw --region: a run without elect regions" "no \"regions\" list" -- sim draw --region x --report "$W/f.json"

# bad region keys
"$PY" - "$TOPO/regions-1k.json" "$W" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for name, change in (("m0", lambda d: d["fleet"]["regions"].update(max_per_region=0)),
                     ("dl", lambda d: d["fleet"]["regions"].update(downloader="some")),
                     ("k", lambda d: d["fleet"]["regions"].update(dead_after=1.5)),
                     ("lan", lambda d: d["fleet"]["regions"].update(lan_mbps=-1)),
                     ("nosite", lambda d: d.update(events=[{"kind": "downloader_down"}]))):
    e = json.loads(json.dumps(d))
    change(e)
    json.dump(e, open("%s/bad-%s.json" % (sys.argv[2], name), "w"))
PYEOF
expect_fail "fleet regions: max_per_region 0 refused" "max_per_region" -- sim run "$W/bad-m0.json" --quiet
expect_fail "fleet regions: an unknown downloader refused" "downloader" "each or elect" -- sim run "$W/bad-dl.json" --quiet
expect_fail "fleet regions: dead_after not whole refused" "dead_after" -- sim run "$W/bad-k.json" --quiet
expect_fail "fleet regions: a negative LAN refused" "lan_mbps" -- sim run "$W/bad-lan.json" --quiet
expect_fail "downloader_down without a site refused" "downloader_down event" "needs a site" -- sim run "$W/bad-nosite.json" --quiet
finish
