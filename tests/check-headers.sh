#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Each public header must compile on its own, as C99 with -pedantic, without
# pulling in libarchive, json-c or xxHash.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}" "${CC:=cc}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for h in "$top_srcdir"/include/dupg.h "$top_srcdir"/include/dupg/*.h; do
	name=$(basename "$h")
	case "$h" in */include/dupg.h) inc="dupg.h" ;; *) inc="dupg/$name" ;; esac
	printf '#include <%s>\nint main(void) { return 0; }\n' "$inc" > "$tmp/t.c"
	if ! $CC -std=c99 -pedantic -Wall -Wextra -Werror -I"$top_srcdir/include" \
		-I"$top_builddir/include" -c "$tmp/t.c" -o "$tmp/t.o"; then
		echo "FAIL: $inc does not compile alone"
		fail=1
	fi
	if grep -E '#include <(archive|json-c|xxhash)' "$h" >/dev/null; then
		echo "FAIL: $inc exposes a dependency's header"
		fail=1
	fi
done
n=$(ls "$top_srcdir"/include/dupg/*.h | wc -l)
echo "checked $((n + 1)) headers"
exit $fail
