#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every source file of the tree carries the licence's SPDX line in its first
# three lines (LICENSE: BSD-2-Clause), and the dist tarball has LICENSE.
# Source files: C and SWIG (.c .h .i .h.in), shell, Python, make and autoconf
# files, the layer files, the scdoc page; data (JSON, corpora, expected
# outputs) and prose (Markdown) are not.
set -uo pipefail
: "${top_srcdir:=.}"
cd "$top_srcdir" || exit 1
tag='SPDX-License-Identifier: BSD-2-Clause'
[ -f LICENSE ] && grep -q 'BSD 2-Clause' LICENSE || { echo "FAIL - LICENSE is not the BSD 2-Clause licence"; exit 1; }
# a clone (or worktree) lists its files; a dist tarball (distcheck) has no .git
if [ -e .git ]; then
	files=$(git ls-files)
else
	files=$(find . -type f | sed 's|^\./||')
fi
missing=0 seen=0
while IFS= read -r f; do
	case $f in
	*.c | *.h | *.i | *.h.in | *.sh | *.py | *.pyi | *.mk | *.am | *.ac | *.pc.in | *.scd | *.lua | \
		*/LAYERS | .ci/run | debian/rules | bindings/python/run-pytest.in) ;;
	*) continue ;;
	esac
	case $f in _build*/* | build-aux/* | m4/* | */Makefile.in | Makefile.in | configure | config.h.in) continue ;; esac
	[ -f "$f" ] || continue
	seen=$((seen + 1))
	if ! head -n 3 "$f" | grep -q "$tag"; then
		echo "no SPDX line: $f"
		missing=$((missing + 1))
	fi
done <<<"$files"
echo "$seen source files, $missing without the SPDX line"
[ "$seen" -gt 100 ] || { echo "FAIL - found only $seen source files"; exit 1; }
[ $missing -eq 0 ] || exit 1
