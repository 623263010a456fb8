#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The rule "the thinking is pure, I/O lives at the edge", checked twice
# (libdupg/README.md says which layer is which):
# 1. no source of libdupg/core/ includes a header that does I/O, and
# 2. the built core library calls no I/O function, no clock and nothing of
#    the I/O layer (its undefined symbols, read with nm).
# A pure file that needs one of these belongs in libdupg/io/.
set -eu
: "${top_srcdir:=.}" "${top_builddir:=.}" "${CC:=cc}"

# First show that the check can fail: a pure file that includes unistd.h and
# calls open() and dupg_store_open() must be refused on both counts.
if [ "${1:-}" != --no-self-test ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/libdupg/core/.libs"
	printf '#include <unistd.h>\nint open(const char *, int, ...);\nint dupg_store_open(void);\nint f(void) { return open("x", 0) + dupg_store_open(); }\n' \
		> "$tmp/libdupg/core/bad.c"
	$CC -c "$tmp/libdupg/core/bad.c" -o "$tmp/bad.o"
	ar rc "$tmp/libdupg/core/.libs/libdupgcore.a" "$tmp/bad.o"
	if out=$(top_srcdir=$tmp top_builddir=$tmp sh "$0" --no-self-test 2>&1); then
		echo "FAIL: the purity check passed a file that does I/O"
		exit 1
	fi
	for want in "bad.c:1:#include <unistd.h>" "calls open " "calls dupg_store_open "; do
		case "$out" in *"$want"*) ;; *) echo "FAIL: self-test: no \"$want\" in: $out"; exit 1 ;; esac
	done
fi
fail=0

# 1. includes
bad_includes='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]('
bad_includes="$bad_includes"'unistd\.h|fcntl\.h|sys/stat\.h|sys/types\.h|dirent\.h|ftw\.h|sys/mman\.h|'
bad_includes="$bad_includes"'sys/socket\.h|netinet/|arpa/|netdb\.h|poll\.h|sys/epoll\.h|sys/file\.h|'
bad_includes="$bad_includes"'time\.h|sys/time\.h|'
bad_includes="$bad_includes"'archive\.h|archive_entry\.h|curl/|openssl/|microhttpd\.h|sqlite3\.h|libpq-fe\.h|'
bad_includes="$bad_includes"'util/fs\.h|io/|[a-z_]*package_internal\.h|[.][.]/io/)'
for f in "$top_srcdir"/libdupg/core/*.c "$top_srcdir"/libdupg/core/*.h; do
	[ -f "$f" ] || continue
	if grep -nE "$bad_includes" "$f" >/dev/null; then
		grep -nE "$bad_includes" "$f" | sed "s|^|FAIL: ${f#"$top_srcdir"/}:|; s|$| (an I/O header in a pure file)|"
		fail=1
	fi
done

# 2. symbols
lib="$top_builddir/libdupg/core/.libs/libdupgcore.a"
if [ ! -f "$lib" ]; then
	echo "FAIL: $lib is not built"
	exit 1
fi
# file and directory calls, stdio on files, processes, sockets, clocks and
# randomness, and the I/O layer's own functions
bad_symbols='^(open|openat|open64|creat|read|pread|write|pwrite|close|lseek|fsync|fdatasync|ftruncate|'
bad_symbols="$bad_symbols"'stat|fstat|lstat|stat64|fstat64|lstat64|__x?stat.*|statx|access|mkdir|rmdir|unlink|unlinkat|'
bad_symbols="$bad_symbols"'rename|renameat|link|symlink|readlink|realpath|chmod|fchmod|chown|mkstemp|mkdtemp|'
bad_symbols="$bad_symbols"'opendir|readdir|closedir|nftw|flock|fcntl|mmap|'
bad_symbols="$bad_symbols"'fopen|fopen64|fdopen|freopen|fclose|fread|fwrite|fgets|fputs|fputc|fprintf|vfprintf|'
bad_symbols="$bad_symbols"'printf|vprintf|puts|putchar|getchar|perror|fflush|'
bad_symbols="$bad_symbols"'fork|execv.*|execl.*|system|popen|socket|connect|bind|listen|accept|send|recv|'
bad_symbols="$bad_symbols"'sendto|recvfrom|getaddrinfo|poll|select|epoll_.*|'
bad_symbols="$bad_symbols"'time|clock|clock_gettime|gettimeofday|sleep|usleep|nanosleep|rand|random|getenv|'
bad_symbols="$bad_symbols"'archive_.*|curl_.*|EVP_.*|MHD_.*|sqlite3_.*|PQ.*|'
bad_symbols="$bad_symbols"'dupg__fs_.*|dupg__pkg_.*|dupg_package_.*|dupg_store_.*|dupg_pathlist_load|'
bad_symbols="$bad_symbols"'dupg_pathlist_save|dupg_pathlist_add_file|dupg_listfile_.*|dupg_fetch_.*|dupg_file_.*)$'
found=$(nm -u "$lib" | awk 'NF >= 2 { print $2 }' | sed 's/@.*//' | sort -u | grep -E "$bad_symbols" || true)
if [ -n "$found" ]; then
	for s in $found; do
		who=$(nm -A -u "$lib" | awk -v s="$s" '{ n = $NF; sub(/@.*/, "", n) } n == s { split($1, p, ":"); print p[2] }' | sort -u | tr '\n' ' ')
		echo "FAIL: libdupg/core calls $s (in ${who% })"
	done
	fail=1
fi
n=$(ls "$top_srcdir"/libdupg/core/*.c | wc -l)
[ $fail -eq 0 ] && echo "libdupg/core: $n pure sources, no I/O include, no I/O call"
exit $fail
