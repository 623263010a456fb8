#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Signed packages on the command line: dupg-sim keygen, pack --sign,
# manifest --trust, prune --apply [--trust] (nothing unverified enters a
# store; anti-rollback), every refusal one line naming the package with
# nothing on disk changed; and interop with the openssl command line both
# ways (a signature made with `openssl pkeyutl -sign -rawin` verifies in
# libdupg, and one made by libdupg verifies with `openssl pkeyutl -verify`).
set -euo pipefail
. "${top_srcdir:-.}/tests/cli/lib.sh"

mkdir -p "$W/keys" "$W/trust" "$W/trust2" "$W/pay" "$W/store" "$W/dl"

# ---- keys
"$SIM" keygen --out "$W/keys/k1" >"$W/k1.json"
"$SIM" keygen --out "$W/keys/k2" >"$W/k2.json"
"$SIM" keygen --out "$W/keys/k3" >"$W/k3.json"
mode=$(stat -c %a "$W/keys/k1")
[ "$mode" = 600 ] && ok "keygen: private key is mode 0600" || bad "keygen: private key mode $mode"
grep -q "BEGIN PUBLIC KEY" "$W/keys/k1.pub" && ok "keygen: KEY.pub is a PEM public key" || bad "keygen: KEY.pub"
id1=$(jget "$W/k1.json" 'd["keyid"]')
want=$(openssl pkey -pubin -in "$W/keys/k1.pub" -outform DER | tail -c 32 | sha256sum | cut -d' ' -f1)
[ "$id1" = "$want" ] && ok "keygen: key id is the SHA-256 of the raw public key" || bad "keygen: key id $id1 != $want"
expect_fail "keygen without --out" "--out KEY is required" "$SIM" keygen
cp "$W/keys/k1.pub" "$W/trust/"
cp "$W/keys/k1.pub" "$W/keys/k2.pub" "$W/trust2/"
echo 2 >"$W/trust2/threshold"

# ---- pack --sign, manifest --trust
printf 'payload one\n' >"$W/pay/app"
pk() { # OUT VERSION SECVER [pack args...]
	local out=$1 v=$2 sv=$3
	shift 3
	"$SIM" pack --out "$out" --name app --version "$v" --hw B --security-version "$sv" \
		"$@" "$W/pay/app=bin/app" >/dev/null
}
pk "$W/s1.tar" 1 1 --sign "$W/keys/k1"
expect_ok "manifest --trust: signed package verifies" "$SIM" manifest "$W/s1.tar" --trust "$W/trust"
[ "$(jget "$W/out" 'd["security_version"]')" = 1 ] && ok "manifest prints security_version" || bad "security_version"
expect_ok "manifest without --trust: unchanged" "$SIM" manifest "$W/s1.tar"
pk "$W/u.tar" 1 1
expect_fail "unsigned under --trust" "u.tar: not signed" "$SIM" manifest "$W/u.tar" --trust "$W/trust"
pk "$W/s2.tar" 1 1 --sign "$W/keys/k2"
expect_fail "unknown key" "does not hold" "$SIM" manifest "$W/s2.tar" --trust "$W/trust"
expect_fail "1 of 2 required" "1 valid signature(s) by trusted keys, 2 required" \
	"$SIM" manifest "$W/s1.tar" --trust "$W/trust2"
pk "$W/s12.tar" 1 1 --sign "$W/keys/k1" --sign "$W/keys/k2"
expect_ok "2 of 2" "$SIM" manifest "$W/s12.tar" --trust "$W/trust2"
cp -r "$W/trust" "$W/trustr"
echo "$id1" >"$W/trustr/revoked"
expect_fail "revoked key" "revoked key" "$SIM" manifest "$W/s1.tar" --trust "$W/trustr"
pk "$W/exp.tar" 1 1 --sign "$W/keys/k1" --expires 2001-01-01T00:00:00Z
expect_fail "expired" "exp.tar: expired at 2001-01-01T00:00:00Z" "$SIM" manifest "$W/exp.tar" --trust "$W/trust"
expect_fail "bad --expires" "RFC 3339" pk "$W/bad.tar" 1 1 --expires tomorrow
expect_fail "bad --security-version" "--security-version" pk "$W/bad.tar" 1 -1
[ ! -e "$W/bad.tar" ] && ok "failed pack leaves nothing" || bad "failed pack left a file"
expect_fail "missing trust dir" "no such trust directory" "$SIM" manifest "$W/s1.tar" --trust "$W/nodir"

# A manifest changed after signing (uncompressed tar: edit the bytes in place).
"$PY" - "$W/s1.tar" "$W/tampered.tar" <<'PYEOF'
import sys
data = open(sys.argv[1], "rb").read()
i = data.index(b'"version":"1"')
data = data[:i] + b'"version":"9"' + data[i + 13:]
open(sys.argv[2], "wb").write(data)
PYEOF
expect_fail "manifest changed after signing" "does not match manifest.json" \
	"$SIM" manifest "$W/tampered.tar" --trust "$W/trust"

# ---- interop: openssl signs, libdupg verifies
mkdir -p "$W/x" "$W/y"
tar -xf "$W/u.tar" -C "$W/x"
openssl pkeyutl -sign -rawin -inkey "$W/keys/k1" -in "$W/x/manifest.json" -out "$W/x/sig.bin"
"$PY" - "$W/x/sig.bin" "$id1" >"$W/x/manifest.sig" <<'PYEOF'
import base64, json, sys
sig = open(sys.argv[1], "rb").read()
print(json.dumps({"format": 1, "signatures": [{"keyid": sys.argv[2], "sig": base64.b64encode(sig).decode()}]}))
PYEOF
(cd "$W/x" && tar --format=pax -cf "$W/ossl.tar" manifest.json manifest.sig bin/app)
expect_ok "interop: openssl pkeyutl's signature verifies in libdupg" \
	"$SIM" manifest "$W/ossl.tar" --trust "$W/trust"
# ---- interop: libdupg signs, openssl verifies
tar -xf "$W/s1.tar" -C "$W/y"
"$PY" - "$W/y/manifest.sig" "$W/y/sig.bin" <<'PYEOF'
import base64, json, sys
d = json.load(open(sys.argv[1]))
open(sys.argv[2], "wb").write(base64.b64decode(d["signatures"][0]["sig"]))
PYEOF
if openssl pkeyutl -verify -rawin -pubin -inkey "$W/keys/k1.pub" -in "$W/y/manifest.json" \
	-sigfile "$W/y/sig.bin" >/dev/null 2>&1; then
	ok "interop: libdupg's signature verifies with openssl pkeyutl"
else
	bad "interop: openssl pkeyutl -verify refused libdupg's signature"
fi
# and openssl tells a wrong one: the check above can fail
if openssl pkeyutl -verify -rawin -pubin -inkey "$W/keys/k2.pub" -in "$W/y/manifest.json" \
	-sigfile "$W/y/sig.bin" >/dev/null 2>&1; then
	bad "interop: openssl accepted the signature under another key"
else
	ok "interop: openssl refuses it under another key"
fi

# ---- prune --apply: nothing unverified enters; anti-rollback
cd "$W/store"
pk "$W/store/a1.tar" 1 1 --sign "$W/keys/k1"
printf 'a1.tar\n' >"$W/store/list"
# the issue's case: a package with a wrong digest in --new
pk "$W/store/a2.tar" 2 2 --sign "$W/keys/k1"
"$PY" - "$W/store/a2.tar" <<'PYEOF'
import sys
p = sys.argv[1]
data = bytearray(open(p, "rb").read())
i = data.index(b"payload one")
data[i] ^= 1
open(p, "wb").write(bytes(data))
PYEOF
printf 'a2.tar\n' >"$W/store/new"
before=$(snap "$W/store")
expect_fail "prune --apply refuses a wrong digest" "a2.tar is not admitted" \
	"$SIM" prune --list "$W/store/list" --new "$W/store/new" --apply
[ "$(snap "$W/store")" = "$before" ] && ok "prune --apply: nothing on disk changed" || bad "prune changed the store"
expect_ok "prune without --apply still computes" "$SIM" prune --list "$W/store/list" --new "$W/store/new"
# unsigned under --trust
pk "$W/store/a2.tar" 2 2
expect_fail "prune --trust refuses an unsigned package" "not signed" \
	"$SIM" prune --list "$W/store/list" --new "$W/store/new" --apply --trust "$W/trust"
[ "$(snap "$W/store")" != "$before" ] || true
pk "$W/store/a2.tar" 2 2 --sign "$W/keys/k1"
expect_ok "prune --apply --trust admits a signed package" \
	"$SIM" prune --list "$W/store/list" --new "$W/store/new" --apply --trust "$W/trust"
grep -q '"B":2' "$W/store/list.floor" && ok "the floor rose to 2" || bad "floor: $(cat "$W/store/list.floor" 2>&1)"
# replay of an older package after a later one committed
pk "$W/store/old.tar" 1.5 1 --sign "$W/keys/k1"
printf 'old.tar\n' >"$W/store/new"
before=$(snap "$W/store")
expect_fail "replay below the floor" "below the store's floor 2" \
	"$SIM" prune --list "$W/store/list" --new "$W/store/new" --apply --trust "$W/trust"
[ "$(snap "$W/store")" = "$before" ] && ok "refused replay: nothing on disk changed" || bad "replay changed the store"
# going back to the rollback configuration stays allowed
expect_ok "rollback stays allowed" "$SIM" rollback --list "$W/store/list"
grep -q '"B":2' "$W/store/list.floor" && ok "rollback leaves the floor" || bad "rollback changed the floor"

# ---- matching honours applies_to: the next best package when the best excludes the running version
mkdir -p "$W/match"
"$SIM" pack --out "$W/match/m2.tar.gz" --name m --version 2 --hw B "$W/pay/app=bin/app" >/dev/null
"$SIM" pack --out "$W/match/m3.tar.gz" --name m --version 3 --hw B --applies-min 2.0 "$W/pay/app=bin/app" >/dev/null
printf '{"hw": {"B": [{"version": "1.0", "devices": ["d1"]}]}}' >"$W/match/old.json"
printf '{"hw": {"B": [{"version": "2.5", "devices": ["d1"]}]}}' >"$W/match/mid.json"
"$SIM" match --site "$W/match/old.json" "$W/match/m2.tar.gz" "$W/match/m3.tar.gz" >"$W/match/old.out"
"$SIM" match --site "$W/match/mid.json" "$W/match/m2.tar.gz" "$W/match/m3.tar.gz" >"$W/match/mid.out"
[ "$(jget "$W/match/old.out" '[p.rsplit("/", 1)[-1] for p in d["task"]]')" = "['m2.tar.gz']" ] &&
	ok "match: running 1.0 is outside m3's applies_to, m2 is taken" ||
	bad "match: running 1.0 got $(cat "$W/match/old.out")"
[ "$(jget "$W/match/mid.out" '[p.rsplit("/", 1)[-1] for p in d["task"]]')" = "['m3.tar.gz']" ] &&
	ok "match: running 2.5 gets m3" || bad "match: running 2.5 got $(cat "$W/match/mid.out")"

# ---- --help texts name the new options
"$SIM" --help | grep -q "keygen --out KEY" && ok "--help lists keygen" || bad "--help lists keygen"
"$SIM" pack --help | grep -q -- "--sign KEY" && ok "pack --help: --sign" || bad "pack --help: --sign"
"$SIM" manifest --help | grep -q -- "--trust DIR" && ok "manifest --help: --trust" || bad "manifest --help"
"$SIM" prune --help | grep -q -- "--trust DIR" && ok "prune --help: --trust" || bad "prune --help"

if [ $fails -ne 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
