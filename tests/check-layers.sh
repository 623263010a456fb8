#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The library, the simulator and the server keep to their layers
# (libdupg/LAYERS, sim/LAYERS, server/LAYERS): no file includes a header of a higher layer and no units
# include each other in a circle; ARCHITECTURE.md draws the layers as the
# layer files say. Then the checker itself: a tiny tree with an upward
# include, cycles and a stray file must be refused, naming each, and pass once
# they are gone.
set -euo pipefail
: "${top_srcdir:=.}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CHECK=$top_srcdir/scripts/layers.py
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
# has NAME FILE TEXT: FILE holds TEXT (fixed string)
has() { if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1: no '$3'"; cat "$2"; fi; }

for layers in libdupg/LAYERS sim/LAYERS server/LAYERS; do
	if "$PY" "$CHECK" "$top_srcdir/$layers" >"$W/out" 2>"$W/err"; then
		ok "$layers: no upward include, no cycle"
	else
		bad "$layers"
		cat "$W/err"
	fi
	has "$layers: the verdict names the layer file" "$W/out" "none goes up, no cycle"
	# the picture in ARCHITECTURE.md is the one the layer file gives today
	"$PY" "$CHECK" --layers-dot "$top_srcdir/$layers" >"$W/want.dot"
	"$PY" - "$top_srcdir/ARCHITECTURE.md" "$(head -n1 "$W/want.dot")" >"$W/got.dot" <<'PYEOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read().split("\n")
start = text.index(sys.argv[2])
end = text.index("}", start)
print("\n".join(text[start:end + 1]))
PYEOF
	if cmp -s "$W/want.dot" "$W/got.dot"; then
		ok "ARCHITECTURE.md draws $layers as it is"
	else
		bad "ARCHITECTURE.md's picture of $layers is stale: put in the output of scripts/layers.py --layers-dot $layers"
		diff "$W/want.dot" "$W/got.dot" || true
	fi
done
"$PY" "$CHECK" --dot "$top_srcdir/sim/LAYERS" >"$W/dot" 2>"$W/err" || bad "--dot on sim/LAYERS"
if [ "$(grep -c 'subgraph cluster_' "$W/dot")" -eq 7 ]; then ok "--dot: one cluster per layer"; else bad "--dot: clusters"; fi
has "--dot: the controller drives the devices" "$W/dot" '"driver/controller" -> "model/devices";'

# The negative self-test: two layers, an upward include, two cycles, a stray file.
T=$W/tree
mkdir -p "$T/low" "$T/high"
cat >"$T/LAYERS" <<'LAYERS'
# a test tree
low: low/*.[ch]
high: high/*.[ch]
LAYERS
printf '/* a */\n' >"$T/low/a.h"
printf '#include "low/a.h"\n#include "high/b.h"\n#include <stdio.h>\n#include "config.h"\n' >"$T/low/a.c"
printf '/* b */\n' >"$T/high/b.h"
printf '#include "high/b.h"\n#include "low/a.h"\n' >"$T/high/b.c"
printf '#include "d.h"\n' >"$T/high/c.h"
printf '#include "c.h"\n' >"$T/high/d.h"
rc=0
"$PY" "$CHECK" -q "$T/LAYERS" >"$W/out" 2>"$W/err" || rc=$?
if [ $rc -eq 1 ]; then ok "bad tree refused"; else bad "bad tree: exit $rc"; cat "$W/err"; fi
has "names the upward include" "$W/err" "low/a.c:2: includes \"high/b.h\" of layer high from layer low (upward)"
has "names the cycle across layers" "$W/err" "cycle: high/b -> low/a -> high/b"
has "names the cycle in one layer" "$W/err" "cycle: high/c -> high/d -> high/c"
if grep -q 'stdio\|config' "$W/err"; then bad "headers outside the layers are not ignored"; else ok "headers outside the layers ignored"; fi
printf 'int stray;\n' >"$T/stray.c"
"$PY" "$CHECK" -q "$T/LAYERS" >"$W/out" 2>"$W/err" || true
has "names a file in no layer" "$W/err" "stray.c is in no layer"

# Fixed: the include goes down, the circles are broken, the stray file has a layer.
printf '#include "low/a.h"\n' >"$T/low/a.c"
printf '/* d */\n' >"$T/high/d.h"
printf 'low: low/*.[ch] stray.c\nhigh: high/*.[ch]\n' >"$T/LAYERS"
if "$PY" "$CHECK" -q "$T/LAYERS" 2>"$W/err"; then ok "fixed tree passes"; else bad "fixed tree"; cat "$W/err"; fi
"$PY" "$CHECK" --dot "$T/LAYERS" >"$W/dot"
has "--dot draws the edges" "$W/dot" '"high/b" -> "low/a";'

if [ $fails -ne 0 ]; then echo "$fails check(s) failed"; exit 1; fi
