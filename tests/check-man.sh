#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The manual pages as built: each renders without a warning (groff -ww), and
# says what its source of truth says: dupg-sim(1) every command of
# `dupg-sim --help` and every option of every `dupg-sim COMMAND --help`,
# dupg-server(8) every option of `dupg-server --help`, libdupg(3) every public
# header. A page whose tool is missing is skipped, with the reason.
set -uo pipefail
: "${top_builddir:=.}" "${top_srcdir:=.}"
fails=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
command -v groff >/dev/null 2>&1 || { echo "SKIP: groff is missing (Debian: groff-base)"; exit 77; }
found=0

# PAGE: the text of the page, or nothing (and a FAIL) when it does not render cleanly
render() {
	local warn
	warn=$(groff -man -ww -z "$1" 2>&1)
	if [ -n "$warn" ]; then
		bad "$1 renders with warnings: $warn"
		return 1
	fi
	groff -man -Tutf8 -P-cbou "$1" 2>/dev/null | sed 's/‐/-/g'
}

# every --option in TEXT appears in PAGE_TEXT
options_in() { # NAME TEXT PAGE_TEXT
	local o missing=""
	for o in $(grep -o -- '--[a-z][a-z0-9-]*' <<<"$2" | sort -u); do
		grep -q -- "$o" <<<"$3" || missing="$missing $o"
	done
	if [ -z "$missing" ]; then ok "$1: every option of its --help"; else bad "$1 lacks$missing"; fi
}

page=$top_builddir/man/dupg-sim.1
if [ -f "$page" ]; then
	found=1
	sim=$top_builddir/sim/dupg-sim
	if text=$(render "$page"); then
		help=$("$sim" --help)
		missing=""
		for c in $(sed -n 's/^  dupg-sim \([a-z][a-z-]*\).*/\1/p' <<<"$help" | sort -u); do
			grep -q "dupg-sim $c" <<<"$text" || missing="$missing $c"
			help="$help
$("$sim" "$c" --help)"
		done
		if [ -z "$missing" ]; then ok "dupg-sim.1: every command"; else bad "dupg-sim.1 lacks the commands$missing"; fi
		options_in dupg-sim.1 "$help" "$text"
		grep -q "$("$sim" --version | sed 's/.* //')" <<<"$text" && ok "dupg-sim.1: the version" ||
			bad "dupg-sim.1: not the version of the program"
	fi
else
	echo "# dupg-sim.1 not built (help2man missing)"
fi

page=$top_builddir/man/dupg-server.8
if [ -f "$page" ]; then
	found=1
	if text=$(render "$page"); then
		options_in dupg-server.8 "$("$top_builddir/server/dupg-server" --help)" "$text"
	fi
fi

page=$top_builddir/man/libdupg.3
if [ -f "$page" ]; then
	found=1
	if text=$(render "$page"); then
		missing=""
		for h in "$top_srcdir"/include/dupg/*.h "$top_builddir"/include/dupg/version.h; do
			h=dupg/$(basename "$h")
			grep -qF "$h" <<<"$text" || missing="$missing $h"
		done
		if [ -z "$missing" ]; then ok "libdupg.3: every public header"; else bad "libdupg.3 lacks$missing"; fi
	fi
else
	echo "# libdupg.3 not built (scdoc missing)"
fi

[ $found = 1 ] || { echo "SKIP: no manual page built (help2man, scdoc: scripts/deps.sh)"; exit 77; }
[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }
