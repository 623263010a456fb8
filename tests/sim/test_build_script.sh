#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/build.sh and scripts/run-sim.sh (the README's first command) hide the
# build's output unless a step fails: then they print that step's output and the
# path of _build/build.log. Run in a scratch tree whose autoreconf, configure and
# make are stand-ins (a real build inside `make check` would race the one running).
set -euo pipefail
. "${top_srcdir:-.}/tests/sim/lib.sh"

SRC=$top_srcdir
case $SRC in /*) ;; *) SRC=$PWD/$SRC ;; esac
T=$W/tree
mkdir -p "$T/scripts" "$W/bin"
cp "$SRC/scripts/build.sh" "$SRC/scripts/run-sim.sh" "$T/scripts/"
# deps.sh stand-in: the real one may call apt-get
printf '#!/usr/bin/env bash\nexit 0\n' >"$T/scripts/deps.sh"
echo 'AC_INIT' >"$T/configure.ac"
cat >"$W/bin/autoreconf" <<'EOS'
#!/usr/bin/env bash
echo "configure.ac:1: warning: noise from autoreconf" >&2
[ -z "${FAKE_FAIL_AUTORECONF:-}" ] || { echo "autoreconf: boom-autoreconf" >&2; exit 3; }
cat >configure <<'EOC'
#!/usr/bin/env bash
echo "checking for gcc... gcc (noise from configure)"
[ -z "${FAKE_FAIL_CONFIGURE:-}" ] || { echo "configure: error: boom-configure" >&2; exit 1; }
echo "all: ; @echo built" >Makefile
EOC
chmod +x configure
EOS
cat >"$W/bin/make" <<'EOS'
#!/usr/bin/env bash
echo "  CC       libdupg/noise.lo (noise from make)"
[ -z "${FAKE_FAIL_MAKE:-}" ] || { echo "noise.c:1:1: error: boom-make" >&2; exit 2; }
mkdir -p sim
printf '#!/usr/bin/env bash\necho "sim ran: $*"\n' >sim/dupg-sim
chmod +x sim/dupg-sim
EOS
chmod +x "$W/bin/autoreconf" "$W/bin/make"
P=$W/bin:$PATH

if PATH=$P bash "$T/scripts/build.sh" >"$W/out" 2>&1; then ok "build: exit 0"; else bad "build: exit"; cat "$W/out"; fi
if [ -s "$W/out" ]; then bad "build: printed something"; cat "$W/out"; else ok "build: silent when it works"; fi
if grep -q 'noise from autoreconf' "$T/_build/build.log" && grep -q 'noise from configure' "$T/_build/build.log" &&
   grep -q 'noise from make' "$T/_build/build.log"; then ok "build: every step in _build/build.log"
else bad "build: the log lacks a step"; cat "$T/_build/build.log"; fi

# the README's first command: only what the simulator says
PATH=$P bash "$T/scripts/run-sim.sh" --seed 7 >"$W/out" 2>&1 || bad "run-sim: exit"
if [ "$(cat "$W/out")" = "sim ran: run sim/topologies/fig3a.json --seed 7" ]; then ok "run-sim: only the run's output"
else bad "run-sim: printed '$(cat "$W/out")'"; fi

# each step's failure: its output, the log's path, a non-zero exit, nothing of the other steps
for s in autoreconf configure make; do
	rm -rf "$T/_build" "$T/configure"
	case $s in
	autoreconf) env=(FAKE_FAIL_AUTORECONF=1) ;;
	configure) env=(FAKE_FAIL_CONFIGURE=1) ;;
	make) env=(FAKE_FAIL_MAKE=1) ;;
	esac
	rc=0
	env PATH="$P" "${env[@]}" bash "$T/scripts/run-sim.sh" >"$W/out" 2>"$W/err" || rc=$?
	if [ $rc -eq 0 ]; then bad "$s fails: exit 0"; continue; fi
	if grep -q "boom-$s" "$W/err" && grep -qF "$T/_build/build.log" "$W/err" &&
	   grep -q "build: $s failed" "$W/err" && [ ! -s "$W/out" ] && ! grep -q 'sim ran' "$W/err"; then
		ok "$s fails: its output and the log's path"
	else bad "$s fails: stderr"; cat "$W/err"; fi
	if grep -q "boom-$s" "$T/_build/build.log"; then ok "$s fails: in the log"; else bad "$s fails: not in the log"; fi
done
finish
