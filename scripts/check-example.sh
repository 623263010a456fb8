#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The README's C examples, compiled against an installed libdupg through
# pkg-config, must build with -Werror and give the documented answers: the
# task of a site, and a controller's loop running a transaction to its end.
#   scripts/check-example.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(cd "$1" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$(sed -n 's/^prefix = //p' "$build/Makefile")
make -s -C "$build" install DESTDIR="$tmp/dest" >/dev/null 2>&1 ||
	{ make -s -C "$build" install DESTDIR="$tmp/dest"; exit 1; }
ln -s "$tmp/dest$prefix" "$tmp/prefix"
python3 - README.md "$tmp/task.c" "$tmp/loop.c" "$tmp/fetch.c" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"```c\n(.*?)```", text, re.S)
open(sys.argv[2], "w").write(blocks[0])
open(sys.argv[3], "w").write(blocks[1])
open(sys.argv[4], "w").write(blocks[2])
PY
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror "$tmp/task.c" \
	$(pkg-config --define-variable=prefix="$tmp/prefix" --cflags --libs dupg) -o "$tmp/task"
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror "$tmp/loop.c" \
	$(pkg-config --define-variable=prefix="$tmp/prefix" --cflags --libs dupg) -o "$tmp/loop"
# the fetch example names servers of a real site: compiled, not run
# shellcheck disable=SC2046
cc -std=c99 -Wall -Wextra -Werror "$tmp/fetch.c" \
	$(pkg-config --define-variable=prefix="$tmp/prefix" --cflags --libs dupg) -o "$tmp/fetch"
cd "$tmp"
echo payload >app
sim="$tmp/prefix/bin/dupg-sim"
export LD_LIBRARY_PATH="$tmp/prefix/lib"
"$sim" pack --out pkg5.tar.gz --name pkg5 --version 5 --hw A app >/dev/null
"$sim" pack --out pkg6.tar.gz --name pkg6 --version 6 --hw B,C app >/dev/null
"$sim" pack --out pkgF.tar.gz --name pkgF --version 3 --hw F app >/dev/null
got=$(./task pkg5.tar.gz pkg6.tar.gz pkgF.tar.gz)
if [ "$got" != "full: pkg5.tar.gz pkg6.tar.gz" ]; then
	echo "README example printed '$got'" >&2
	exit 1
fi
got=$(./loop)
if [ "$got" != "committed" ] || [ -e txn.journal ]; then
	echo "README controller loop printed '$got'$( [ -e txn.journal ] && echo ', left its journal')" >&2
	exit 1
fi
# only the public API is exported
if nm -D --defined-only "$tmp/prefix/lib/libdupg.so" | awk '{print $3}' | grep -v '^dupg_' | grep -q .; then
	echo "libdupg.so exports symbols outside the dupg_ prefix" >&2
	exit 1
fi
echo "README C examples: ok"
