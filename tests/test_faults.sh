#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# I/O errors are errors: the Nth write, fsync, close, rename, unlink or open of
# a prune and of a rollback fails (an LD_PRELOAD shim, tests/faultshim.c) with
# EIO and with ENOSPC, for every N the operation makes. Each run must exit
# non-zero with one line naming a file and the real cause, or succeed; then
# `recover` must leave a consistent store that is the old or the new one.
# Last, a real full disk on a small tmpfs, where the machine lets us mount one.
set -euo pipefail
: "${top_builddir:=.}" "${top_srcdir:=.}"
SIM=${DUPG_SIM:-$top_builddir/sim/dupg-sim}
case $SIM in /*) ;; *) SIM=$PWD/$SIM ;; esac
SHIM=$top_builddir/tests/.libs/faultshim.so
case $SHIM in /*) ;; *) SHIM=$PWD/$SHIM ;; esac
W=$(mktemp -d)
cleanup() { [ -n "${MNT:-}" ] && umount "$MNT" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
fails=0 runs=0
ok() { echo "ok - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
# a sanitizer runtime must come first otherwise; the shim only wraps libc calls
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"

mkdir -p "$W/proto" "$W/payload"
pack() { # NAME VERSION HW
	printf 'payload of %s\n' "$1" >"$W/payload/$1"
	"$SIM" pack --out "$W/proto/$1.tar.gz" --name "$1" --version "$2" --hw "$3" \
		"$W/payload/$1=bin/$1" >/dev/null
}
pack pkg1 1 A,B; pack pkg2 2 C,D,E; pack pkg3 3 A; pack pkg4 4 B; pack pkg5 5 A; pack pkg6 6 B,C
printf 'pkg1.tar.gz\npkg2.tar.gz\npkg3.tar.gz\npkg4.tar.gz\n' >"$W/proto/list"
printf 'pkg5.tar.gz\npkg6.tar.gz\n' >"$W/proto/new"
# the state a rollback starts from: the worked example pruned
cp -a "$W/proto" "$W/pruned"
"$SIM" prune --list "$W/pruned/list" --new "$W/pruned/new" --apply >/dev/null

# state DIR: the lists and which packages are there
state() {
	local d=$1 f
	printf 'list:%s|' "$(tr '\n' ' ' <"$d/list")"
	printf 'rollback:%s|' "$( [ -e "$d/list.rollback" ] && tr '\n' ' ' <"$d/list.rollback")"
	for f in 1 2 3 4 5 6; do [ -e "$d/pkg$f.tar.gz" ] && printf 'p%s' $f; done
	echo
}
# consistent DIR: every list names packages that exist, and nothing is left over
consistent() {
	local d=$1 l p
	for l in list list.rollback; do
		[ -e "$d/$l" ] || continue
		while read -r p; do [ -e "$d/$p" ] || return 1; done <"$d/$l"
	done
	! ls "$d" | grep -q -e '\.tmp\.' -e 'journal'
}

# op NAME DIR: the operation under test
op() {
	case $1 in
	prune) "$SIM" prune --list "$2/list" --new "$2/new" --apply ;;
	rollback) "$SIM" rollback --list "$2/list" ;;
	esac
}

for name in prune rollback; do
	case $name in prune) from=$W/proto ;; rollback) from=$W/pruned ;; esac
	rm -rf "$W/s"; cp -a "$from" "$W/s"
	old=$(state "$W/s")
	op $name "$W/s" >/dev/null
	new=$(state "$W/s")
	[ "$old" != "$new" ] || bad "$name changes the store"
	rm -rf "$W/s"; cp -a "$from" "$W/s"
	rm -f "$W/counts"
	DUPG_FAULT_COUNT=$W/counts LD_PRELOAD=$SHIM op $name "$W/s" >/dev/null
	for call in write fsync close rename unlink open; do
		n=$(awk -v c=$call '$1 == c { print $2 }' "$W/counts")
		[ "${n:-0}" -gt 0 ] || { [ $call = unlink ] && [ $name = rollback ] || bad "$name makes no $call call"; }
		for ((i = 1; i <= ${n:-0}; i++)); do
			for err in EIO ENOSPC; do
				rm -rf "$W/s"; cp -a "$from" "$W/s"
				rc=0
				DUPG_FAULT=$call:$i:$err LD_PRELOAD=$SHIM op $name "$W/s" >"$W/out" 2>"$W/err" || rc=$?
				runs=$((runs + 1))
				what="$name, $call #$i fails with $err"
				if [ $rc -ne 0 ]; then
					if [ "$(wc -l <"$W/err")" -ne 1 ]; then
						bad "$what: not one line on stderr"; cat "$W/err"; continue
					fi
					case $err in
					ENOSPC) cause="No space left on device" ;;
					EIO) cause="Input/output error" ;;
					esac
					if ! grep -qF -- "$cause" "$W/err" || ! grep -q "$W/s" "$W/err"; then
						bad "$what: the message names no file or not the cause"; cat "$W/err"; continue
					fi
				fi
				"$SIM" recover --list "$W/s/list" >/dev/null 2>"$W/rerr" || { bad "$what: recover failed"; cat "$W/rerr"; continue; }
				got=$(state "$W/s")
				if ! consistent "$W/s"; then
					bad "$what: inconsistent store after recover: $got"
				elif [ "$got" != "$old" ] && [ "$got" != "$new" ]; then
					bad "$what: neither the old nor the new store: $got"
				elif [ $rc -eq 0 ] && [ "$got" != "$new" ]; then
					bad "$what: success, but the store is not the new one"
				fi
			done
		done
	done
	ok "$name: every single fault of every call, then recover: old or new, consistent"
done
echo "# $runs faulted runs"

# A real full disk: a 256 KiB tmpfs in a mount namespace of our own.
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	cp -a "$W/proto" "$W/small-proto"
	if unshare -m bash -euc '
		W=$1 SIM=$2
		mkdir -p "$W/mnt"
		mount -t tmpfs -o size=256k tmpfs "$W/mnt"
		cp -a "$W/small-proto/." "$W/mnt/"
		# fill what is left, so that the next list write hits ENOSPC
		dd if=/dev/zero of="$W/mnt/filler" bs=4k 2>/dev/null || true
		rc=0
		"$SIM" prune --list "$W/mnt/list" --new "$W/mnt/new" --apply >/dev/null 2>"$W/full.err" || rc=$?
		[ $rc -ne 0 ] || { echo "prune on a full disk succeeded" >&2; exit 1; }
		grep -q "No space left on device" "$W/full.err" || { cat "$W/full.err" >&2; exit 1; }
		grep -q "no space left on device" "$W/full.err" || { cat "$W/full.err" >&2; exit 1; }
		rm -f "$W/mnt/filler"
		"$SIM" recover --list "$W/mnt/list" >/dev/null
		cp -a "$W/mnt" "$W/after-full"
		umount "$W/mnt"
	' _ "$W" "$SIM"; then
		if consistent "$W/after-full" && [ "$(state "$W/after-full")" = "$(state "$W/proto")" ]; then
			ok "a full tmpfs: the prune fails with ENOSPC naming the cause, recover leaves the old store"
		else
			bad "a full tmpfs: store after recover: $(state "$W/after-full")"
		fi
	else
		bad "a full tmpfs"
	fi
else
	echo "ok - SKIP: a full tmpfs: this machine does not let us make a mount namespace (unshare -m)"
fi

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
