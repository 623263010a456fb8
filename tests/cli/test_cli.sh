#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# dupg-sim's core subcommands on real files: the worked example (seed tables
# 1-8, tests/data/cases/worked.json, shared with the C and Python tests) end
# to end, and bad input (one-line error naming the file, non-zero exit,
# nothing on disk changed).
set -euo pipefail
. "${top_srcdir:-.}/tests/cli/lib.sh"
# cq CASE EXPR: a value of a shared case (tests/data/cases/CASE.json) as JSON,
# package names turned into the file names used here (tgz) where EXPR asks.
cq() {
	"$PY" - "$top_srcdir/tests/data/cases/$1.json" "$2" <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))
def tgz(v, prefix=""):
    if isinstance(v, list):
        return [tgz(x, prefix) for x in v]
    if isinstance(v, dict):
        return {k: tgz(x, prefix) for k, x in v.items()}
    return prefix + v + ".tar.gz"
def pkg(name):
    return next(p for p in c["packages"] if p["name"] == name)
def listfile(names):
    """A list file's text: bytes, written as they are."""
    return "".join(x + "\n" for x in tgz(names)).encode()
out = eval(sys.argv[2], {"c": c, "tgz": tgz, "pkg": pkg, "listfile": listfile})
if isinstance(out, bytes):
    sys.stdout.buffer.write(out)
else:
    print(out if isinstance(out, str) else json.dumps(out))
PYEOF
}

mkdir -p "$W/server" "$W/store" "$W/payload"
pack() { # DIR NAME VERSION HW
	printf 'payload of package %s\n' "$2" >"$W/payload/$2"
	"$SIM" pack --out "$1/$2.tar.gz" --name "$2" --version "$3" --hw "$4" \
		"$W/payload/$2=bin/$2" >"$W/pack-$2.json"
}
# pack_case CASE DIR LIST: pack the packages a list of the case names into DIR
pack_case() {
	local name version hw
	while read -r name version hw; do
		pack "$2" "$name" "$version" "$hw"
	done < <(cq "$1" "'\\n'.join('%s %s %s' % (n, pkg(n)['version'], ','.join(pkg(n)['hw'])) for n in c['$3'])")
}
pack_case worked "$W/store" store
pack_case worked "$W/server" server
check "pack prints the manifest" "$W/pack-pkg6.json" '[d["format"], d["name"], d["version"], d["hw"], [f["path"] for f in d["files"]]]' '[2, "pkg6", "6", ["B", "C"], ["bin/pkg6"]]'

"$SIM" manifest "$W/server/pkg6.tar.gz" >"$W/m6.json"
check "manifest verifies and prints" "$W/m6.json" '[d["name"], d["hw"], len(d["files"][0]["xxh128"]), d["files"][0]["size"]]' '["pkg6", ["B", "C"], 32, 24]'
if command -v xxhsum >/dev/null; then
	want=$(xxhsum -H2 "$W/payload/pkg6" | cut -d' ' -f1)
	check "digest is xxhsum -H2's" "$W/m6.json" 'd["files"][0]["xxh128"]' "\"$want\""
fi
want=$(sha256sum "$W/payload/pkg6" | cut -d' ' -f1)
check "sha256 is sha256sum's" "$W/m6.json" 'd["files"][0]["sha256"]' "\"$want\""

cq worked '{"devices": [{k: d[k] for k in ("id", "hw", "version")} for d in c["devices"]]}' >"$W/devices.json"
"$SIM" merge "$W/devices.json" >"$W/system.json"
check "merge: worked example" "$W/system.json" 'd' "$(cq worked 'c["expect"]["merge"]')"

(cd "$W" && "$SIM" match --site system.json $(cq worked '" ".join(tgz(c["server"], "server/"))')) >"$W/task.json"
check "match: task is packages 5 and 6, incremental" "$W/task.json" 'd' \
	"$(cq worked '{"kind": c["expect"]["match"]["kind"], "task": tgz(c["expect"]["match"]["task"], "server/")}')"

# The master has downloaded 5 and 6 into its store.
for f in $(cq worked '" ".join(tgz(c["download"]))'); do cp "$W/server/$f" "$W/store/"; done
cq worked 'listfile(c["store"])' >"$W/store/list"
cq worked 'listfile(c["download"])' >"$W/store/new"
expected=$(cq worked 'tgz(c["expect"]["prune"])')
before=$(snap "$W/store")
"$SIM" prune --list "$W/store/list" --new "$W/store/new" >"$W/prune.json"
check "prune: worked example" "$W/prune.json" 'd' "$expected"
[ "$before" = "$(snap "$W/store")" ] && ok "prune without --apply changes nothing" || bad "prune without --apply changed the store"

list_is() { # FILE CASE EXPR: FILE holds the names of the case's EXPR, one per line
	[ "$(cat "$1")" = "$(cq "$2" "'\\n'.join(tgz($3))")" ]
}
"$SIM" prune --list "$W/store/list" --new "$W/store/new" --apply >"$W/applied.json"
check "prune --apply prints the same" "$W/applied.json" 'd' "$expected"
list_is "$W/store/list" worked 'c["expect"]["applied"]["list"]' && ok "list is the third list" || bad "list is not the third list"
list_is "$W/store/list.rollback" worked 'c["expect"]["applied"]["rollback"]' && ok "list.rollback is the fourth list" || bad "list.rollback is not the fourth list"
for f in $(cq worked '" ".join(tgz(c["expect"]["applied"]["deleted"]))'); do
	[ ! -e "$W/store/$f" ] && ok "$f deleted" || bad "$f still stored"
done
for f in $(cq worked '" ".join(tgz(c["expect"]["applied"]["list"]))'); do
	[ -e "$W/store/$f" ] || bad "$f missing after apply"
done
ls "$W/store" | grep -q -e '\.tmp\.' -e journal && bad "temporary files left" || ok "no temporary files left"

"$SIM" recover --list "$W/store/list" >"$W/recover.json"
check "recover on a consistent store does nothing" "$W/recover.json" '[d["action"], d["temps_removed"], d["files_deleted"]]' '["clean", 0, 0]'

# Before a rollback the store still lists 5 and 6: the same download again is refused.
before=$(snap "$W/store")
expect_fail "prune again before a rollback: already listed" "pkg5.tar.gz" "$SIM" prune --list "$W/store/list" --new "$W/store/new" --apply
[ "$before" = "$(snap "$W/store")" ] && ok "refused retry: store unchanged" || bad "refused retry: store changed"

# The site rolled back: the store goes back to its rollback list, the download is deleted.
"$SIM" rollback --list "$W/store/list" >"$W/rolledback.json"
check "rollback: list and rollback list 2, 3, 4; packages 5 and 6 deleted" "$W/rolledback.json" 'd' \
	"$(cq worked 'tgz(c["expect"]["rolled_back"])')"
list_is "$W/store/list" worked 'c["expect"]["rolled_back"]["list"]' && ok "rollback: list is the rollback list" || bad "rollback: list is not the rollback list"
list_is "$W/store/list.rollback" worked 'c["expect"]["rolled_back"]["rollback"]' && ok "rollback: list.rollback stays" || bad "rollback: list.rollback changed"
[ "$(ls "$W/store" | tr '\n' ' ')" = "$(cq worked '" ".join(["list", "list.cache", "list.rollback", "new"] + tgz(c["expect"]["rolled_back"]["list"])) + " "')" ] && ok "rollback: packages 5 and 6 gone, nothing else left" || { bad "rollback: store directory"; ls "$W/store"; }
"$SIM" rollback --list "$W/store/list" --no-fsync >"$W/rolledback2.json"
check "rollback again: same lists, nothing deleted" "$W/rolledback2.json" '[d["list"], d["deleted"]]' "$(cq worked '[tgz(c["expect"]["rolled_back"]["list"]), []]')"

# A retry: the master downloads 5 and 6 again, and the prune gives what it gave the first time.
for f in $(cq worked '" ".join(tgz(c["download"]))'); do cp "$W/server/$f" "$W/store/"; done
"$SIM" prune --list "$W/store/list" --new "$W/store/new" --apply >"$W/retry.json"
first=$("$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); print(json.dumps([d[k] for k in ("third", "fourth", "latest", "rollback")]))' "$W/applied.json")
check "retry after the rollback: third, fourth and both configurations as the first time" "$W/retry.json" '[d[k] for k in ("third", "fourth", "latest", "rollback")]' "$first"
check "retry after the rollback: package 1 went the first time, nothing to delete" "$W/retry.json" 'd["deletable"]' '[]'
list_is "$W/store/list" worked 'c["expect"]["applied"]["list"]' && ok "retry: list is the third list again" || bad "retry: list is not the third list"
ls "$W/store" | grep -q -e '\.tmp\.' -e journal && bad "retry: temporary files left" || ok "retry: no temporary files left"

# Package 1 also fits H: nothing is deletable.
mkdir -p "$W/storeh"
pack_case worked-h "$W/storeh" store
pack_case worked-h "$W/storeh" download
cq worked-h 'listfile(c["store"])' >"$W/storeh/list"
cq worked-h 'listfile(c["download"])' >"$W/storeh/new"
"$SIM" prune --list "$W/storeh/list" --new "$W/storeh/new" --apply >"$W/pruneh.json"
check "prune: package 1 fitting H is kept" "$W/pruneh.json" 'd' "$(cq worked-h 'tgz(c["expect"]["prune"])')"
list_is "$W/storeh/list" worked-h 'c["expect"]["applied"]["list"]' && ok "H: list is the third list" || bad "H: list is not the third list"

# The store's lock: another process holds it (flock on the store's directory).
if command -v flock >/dev/null; then
	mkdir -p "$W/locked"
	cp "$W/storeh/"*.tar.gz "$W/storeh/new" "$W/locked/"
	cq worked-h 'listfile(c["store"])' >"$W/locked/list"
	exec 9<"$W/locked"
	flock -x 9
	before=$(snap "$W/locked")
	expect_fail "prune while another process holds the store: busy, naming the pid" "held by pid" \
		"$SIM" prune --list "$W/locked/list" --new "$W/locked/new" --apply
	expect_fail "recover while another process holds the store: busy" "busy" "$SIM" recover --list "$W/locked/list"
	[ "$before" = "$(snap "$W/locked")" ] && ok "busy: store unchanged" || bad "busy: store changed"
	( sleep 0.3; flock -u 9 ) &
	releaser=$!
	"$SIM" prune --list "$W/locked/list" --new "$W/locked/new" --apply --wait 20 >"$W/waited.json" \
		&& ok "prune --wait waits for the lock, then applies" || bad "prune --wait"
	wait $releaser
	exec 9<&-
	expect_fail "prune --wait: a bad value" "--wait" "$SIM" prune --list "$W/locked/list" --new "$W/locked/new" --wait -1
	printf '' >"$W/locked/empty"
	expect_fail "prune of an empty download is refused" "empty" "$SIM" prune --list "$W/locked/list" --new "$W/locked/empty" --apply
fi

# Bad input: one line naming the file, non-zero exit, nothing changed.
echo "not an archive" >"$W/junk.tar.gz"
expect_fail "manifest: not an archive" "$W/junk.tar.gz" "$SIM" manifest "$W/junk.tar.gz"
expect_fail "manifest: missing package" "$W/none.tar.gz" "$SIM" manifest "$W/none.tar.gz"
head -c 100 "$W/server/pkg6.tar.gz" >"$W/trunc.tar.gz"
expect_fail "manifest: truncated archive" "$W/trunc.tar.gz" "$SIM" manifest "$W/trunc.tar.gz"
echo '{"devices": [{"id": "X", "hw": "A"}]}' >"$W/baddev.json"
expect_fail "merge: device without version" "$W/baddev.json" "$SIM" merge "$W/baddev.json"
echo '{"devices": [{"id": "X", "hw": "A", "version": "1", "duration": 30}]}' >"$W/olddur.json"
expect_fail "merge: the old key names duration_s" '"duration_s"' "$SIM" merge "$W/olddur.json"
# a scenario's site devices merge as they are (roles, links and parents ignored)
"$SIM" merge <("$PY" -c 'import json, sys; print(json.dumps({"devices": json.load(open(sys.argv[1]))["sites"][0]["devices"]}))' \
	"$top_srcdir/sim/topologies/fig3a.json") >"$W/fig3a-system.json"
check "merge: a scenario's devices" "$W/fig3a-system.json" 'sorted(d["hw"])' '["A", "B", "C", "D", "E"]'
echo '{"devices": [' >"$W/broken.json"
expect_fail "merge: invalid JSON" "$W/broken.json" "$SIM" merge "$W/broken.json"
if [ -z "${DUPG_VALGRIND:-}" ]; then
	truncate -s 300M "$W/huge.json"
	expect_fail "merge: a file over 256 MiB is refused, named" "$W/huge.json: larger than 256 MiB" "$SIM" merge "$W/huge.json"
	truncate -s 256M "$W/huge.json"
	if "$SIM" merge "$W/huge.json" >"$W/out" 2>"$W/err"; then
		bad "merge: a 256 MiB file of zeros is not a topology"
	elif grep -q "larger than" "$W/err" || ! grep -qF "$W/huge.json" "$W/err"; then
		bad "merge: a file of exactly 256 MiB is read, not refused for its size: $(cat "$W/err")"
	else
		ok "merge: a file of exactly 256 MiB is read (and refused for what it holds)"
	fi
	rm -f "$W/huge.json"
fi
echo '{"hw": 5}' >"$W/badsys.json"
expect_fail "match: bad system description" "$W/badsys.json" "$SIM" match --site "$W/badsys.json" "$W/server/pkg5.tar.gz"
expect_fail "match: bad package" "$W/junk.tar.gz" "$SIM" match --site "$W/system.json" "$W/junk.tar.gz"

before=$(snap "$W/store")
printf 'pkg2.tar.gz\npkg2.tar.gz\n' >"$W/store/dup"
before=$(snap "$W/store")
expect_fail "prune: list names a path twice" "$W/store/dup" "$SIM" prune --list "$W/store/dup" --new "$W/store/new" --apply
[ "$before" = "$(snap "$W/store")" ] && ok "duplicate list: store unchanged" || bad "duplicate list: store changed"
printf 'pkg2.tar.gz\ngone.tar.gz\n' >"$W/store/missing"
before=$(snap "$W/store")
expect_fail "prune: list names a missing file" "$W/store/missing" "$SIM" prune --list "$W/store/missing" --new "$W/store/new" --apply
[ "$before" = "$(snap "$W/store")" ] && ok "missing file: store unchanged" || bad "missing file: store changed"
expect_fail "prune: missing list" "$W/store/nolist" "$SIM" prune --list "$W/store/nolist" --new "$W/store/new"
# rollback: a store never pruned has no LIST.rollback; a missing list; no --list
mkdir -p "$W/norb"
cp "$W/storeh/pkg2.tar.gz" "$W/norb/"
printf 'pkg2.tar.gz\n' >"$W/norb/list"
before=$(snap "$W/norb")
expect_fail "rollback: no LIST.rollback" "$W/norb/list.rollback" "$SIM" rollback --list "$W/norb/list"
[ "$before" = "$(snap "$W/norb")" ] && ok "no LIST.rollback: store unchanged" || bad "no LIST.rollback: store changed"
expect_fail "rollback: missing list" "$W/store/nolist" "$SIM" rollback --list "$W/store/nolist"
expect_fail "rollback: --list required" "--list" "$SIM" rollback
expect_fail "prune: --keep 1 refused" "--keep" "$SIM" prune --list "$W/store/list" --new "$W/store/new" --keep 1
# strtoul alone would take these: a sign (-5 as a huge number), a space, an overflow
for n in -5 " 3" +3 99999999999999999999; do
	expect_fail "prune: --keep '$n' refused" "--keep needs a whole number" \
		"$SIM" prune --list "$W/store/list" --new "$W/store/new" --keep "$n"
done
expect_fail "pack: --security-version -1 refused" "--security-version '-1'" \
	"$SIM" pack --out "$W/x.tar" --name x --version 1 --hw A --security-version -1
expect_fail "pack: missing --hw" "--hw" "$SIM" pack --out "$W/x.tar" --name x --version 1
expect_fail "pack: missing payload" "$W/nofile" "$SIM" pack --out "$W/x.tar" --name x --version 1 --hw A "$W/nofile"
[ ! -e "$W/x.tar" ] && ok "failed pack leaves nothing" || bad "failed pack left $W/x.tar"
# pack --mode / --record-modes: listed in a format-3 manifest, on the entries, verified
printf 'tool\n' >"$W/payload/tool"
printf 'secret\n' >"$W/payload/secret"
chmod 0600 "$W/payload/secret"
expect_ok "pack --mode" "$SIM" pack --out "$W/modes.tar" --name m --version 1 --hw A \
	--mode bin/tool=4755 --record-modes "$W/payload/tool=bin/tool" "$W/payload/secret=etc/secret"
check "pack --mode: format 3, modes listed" "$W/out" '[d["format"], [f["mode"] for f in d["files"]]]' '[3, ["4755", "0600"]]'
[ "$("$PY" -c 'import sys, tarfile; print(" ".join("%s=%o" % (m.name, m.mode) for m in tarfile.open(sys.argv[1])))' "$W/modes.tar")" = "manifest.json=644 bin/tool=4755 etc/secret=600" ] \
	&& ok "pack --mode: the archive entries carry the modes" || bad "pack --mode: archive entry modes"
expect_ok "manifest: a listed setuid mode verifies" "$SIM" manifest "$W/modes.tar"
expect_fail "pack: bad --mode" "--mode 'bin/tool=9' is not INSTALL_PATH=MODE" "$SIM" pack --out "$W/x.tar" --name x --version 1 --hw A --mode bin/tool=9 "$W/payload/tool=bin/tool"
expect_fail "pack: --mode of a file not packed" "a mode is given for bin/none" "$SIM" pack --out "$W/x.tar" --name x --version 1 --hw A --mode bin/none=0755 "$W/payload/tool=bin/tool"
[ ! -e "$W/x.tar" ] && ok "failed pack --mode leaves nothing" || bad "failed pack --mode left $W/x.tar"
"$PY" - "$W/setuid.tar" "$W/pack-pkg6.json" <<'PYEOF'
import io, json, sys, tarfile
m = json.load(open(sys.argv[2]))
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as t:
    data = json.dumps(m).encode()
    i = tarfile.TarInfo("manifest.json"); i.size = len(data); t.addfile(i, io.BytesIO(data))
    body = b"payload of package pkg6\n"
    i = tarfile.TarInfo("bin/pkg6"); i.size = len(body); i.mode = 0o4755; t.addfile(i, io.BytesIO(body))
PYEOF
expect_fail "manifest: an unlisted setuid entry is refused" "bin/pkg6: mode 4755 (setuid), and the manifest lists no mode" "$SIM" manifest "$W/setuid.tar"
expect_fail "unknown command" "frobnicate" "$SIM" frobnicate
"$SIM" --help >/dev/null && ok "--help" || bad "--help"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
