#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# LOG_COMPILER for `make check` under valgrind: compiled test programs (libtool
# wrappers) run under memcheck; scripts get DUPG_VALGRIND set so they can wrap
# the programs they start.
set -u
vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99 --track-fds=no)
prog=$1
if head -c 2 "$prog" | grep -q '#!'; then
	if grep -q 'libtool' "$prog" 2>/dev/null && [ -x ./libtool ]; then
		exec ./libtool --mode=execute "${vg[@]}" "$@"
	fi
	DUPG_VALGRIND="${vg[*]}" exec "$@"
fi
exec "${vg[@]}" "$@"
