#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# dupg-server: the pg scenario of tests/server/srvtest.py (its docstring says what it checks).
: "${top_srcdir:=.}" "${top_builddir:=.}"
export top_srcdir top_builddir
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" "$top_srcdir/tests/server/srvtest.py" pg
