#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every fenced block of README.md and sim/README.md is checked against the
# programs and sources as built (tests/check-readme.py says how each is).
set -uo pipefail
: "${top_builddir:=.}" "${top_srcdir:=.}"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$top_srcdir/tests/check-readme.py" "$top_srcdir" "$top_builddir" \
	"$top_srcdir/README.md" "$top_srcdir/sim/README.md"
