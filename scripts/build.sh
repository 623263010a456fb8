#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Configure and build libdupg in _build/ (out of tree). Extra arguments go to configure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
mkdir -p _build
cd _build
# Bindings are built for Debian's interpreter: it is the one that has python3-pytest.
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
	../configure --enable-werror PYTHON=/usr/bin/python3 "$@" >/dev/null
fi
make -j"$(nproc)" >/dev/null
