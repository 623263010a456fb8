/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/trust.h
 * @brief Signed manifests: Ed25519 keys, the signature file, and the trust
 *        store a package's signatures are checked against.
 *
 * A package may carry `manifest.sig` as the archive entry right after
 * `manifest.json`: one or more Ed25519 signatures (RFC 8032, pure Ed25519,
 * no pre-hash) over the exact bytes of `manifest.json`:
 *
 *     {"format": 1, "signatures": [{"keyid": "<64 hex>", "sig": "<base64>"}]}
 *
 * `keyid` is the SHA-256 of the raw 32-byte public key in lowercase hex;
 * `sig` the 64-byte signature in standard base64 (RFC 4648, with padding).
 * A signature made with `openssl pkeyutl -sign -rawin -inkey KEY -in
 * manifest.json` is one. The file is at most ::DUPG_SIG_MAX_BYTES and holds
 * 1 to ::DUPG_SIG_MAX_ENTRIES signatures; anything else (not JSON, a
 * signature that is not 64 bytes, an id that is not 64 hex digits) is
 * ::DUPG_ESIGFORMAT. Since the manifest holds the SHA-256 of every file
 * (manifest.h, format 2), a valid signature covers the whole payload.
 *
 * Keys are PEM files as OpenSSL writes them: the private key PKCS#8
 * (`-----BEGIN PRIVATE KEY-----`), the public key SubjectPublicKeyInfo
 * (`-----BEGIN PUBLIC KEY-----`), e.g. `openssl genpkey -algorithm ed25519`.
 *
 * A trust store holds public keys, revoked key ids and a threshold k
 * (default 1). A package passes when at least k distinct keys of the store,
 * none revoked, signed its manifest validly; signatures by keys the store
 * does not hold are ignored when the threshold is met. Otherwise it is
 * refused with the first that applies:
 * - ::DUPG_ESIGFORMAT: manifest.sig is malformed;
 * - ::DUPG_EUNSIGNED: no manifest.sig (or a manifest whose files are not
 *   all covered by a SHA-256, as in format 1);
 * - ::DUPG_EBADSIG: a signature by a trusted key does not verify (the
 *   manifest was changed after signing, or the signature is another's);
 * - ::DUPG_EREVOKED: too few valid signatures, and a revoked key signed;
 * - ::DUPG_EUNKNOWNKEY: no signature by a key of the store at all;
 * - ::DUPG_ETHRESHOLD: fewer than k valid signatures.
 *
 * The crypto is OpenSSL's libcrypto (EVP). Trust stores are not changed by
 * checking: one store may be used by several threads at once once built.
 */
#ifndef DUPG_TRUST_H
#define DUPG_TRUST_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest manifest.sig accepted, in bytes. */
#define DUPG_SIG_MAX_BYTES (64u * 1024u)
/** Most signatures one manifest.sig may hold. */
#define DUPG_SIG_MAX_ENTRIES 64u
/** Most keys a trust store may hold. */
#define DUPG_TRUST_MAX_KEYS 1024u
/** Length of a key id: hex SHA-256 of the raw public key (without the NUL). */
#define DUPG_KEYID_HEX_LEN 64

/** A set of trusted public keys with a threshold and revoked ids. Opaque. */
typedef struct dupg_trust dupg_trust;

/** Create an empty trust store (no keys, threshold 1); the caller owns *out (dupg_trust_free()). */
DUPG_EXTERN(int) dupg_trust_new(dupg_trust **out);
/** Free a trust store; NULL is fine. */
DUPG_EXTERN(void) dupg_trust_free(dupg_trust *t);

/**
 * Load a trust store from a directory: every `*.pub` and `*.pem` file is a
 * public key (PEM); an optional file `threshold` holds k; an optional file
 * `revoked` lists revoked key ids, one per line (`#` starts a comment).
 * Nothing else in the directory is read.
 * @param out receives the store; the caller owns it.
 * @return 0, ::DUPG_ENOTFOUND, ::DUPG_EIO, ::DUPG_EFORMAT (a bad key,
 *         threshold or id, naming the file), ::DUPG_EINVAL (no key, or a
 *         threshold above the key count) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_trust_load_dir(dupg_trust **out, const char *dir);

/**
 * Add a public key given as PEM text (a key already held adds nothing).
 * @param origin names the key in messages; may be NULL
 * @return 0, ::DUPG_EFORMAT (not an Ed25519 public key) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_trust_add_key_pem(dupg_trust *t, const char *pem, size_t len,
					const char *origin);
/** Add the public key of a PEM file (public or private key). @return as above, or ::DUPG_ENOTFOUND, ::DUPG_EIO */
DUPG_EXTERN(int) dupg_trust_add_key_file(dupg_trust *t, const char *path);
/** Add a raw 32-byte Ed25519 public key. @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM */
DUPG_EXTERN(int) dupg_trust_add_key_raw(dupg_trust *t, const unsigned char pub[32]);

/**
 * Revoke a key id (64 hex digits; need not be a key of the store): its
 * signatures no longer count.
 * @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_trust_revoke(dupg_trust *t, const char *keyid);
/** @return 1 when keyid is revoked, else 0 */
DUPG_EXTERN(int) dupg_trust_is_revoked(const dupg_trust *t, const char *keyid);
/** Set the threshold k (at least 1). @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_trust_set_threshold(dupg_trust *t, size_t k);
/** @return the threshold k */
DUPG_EXTERN(size_t) dupg_trust_threshold(const dupg_trust *t);
/** Number of keys held (revoked ones included). */
DUPG_EXTERN(size_t) dupg_trust_key_count(const dupg_trust *t);
/** @return the id of key i (64 hex digits), borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_trust_key_id(const dupg_trust *t, size_t i);

/**
 * Check signature-file bytes sig against manifest bytes under the store
 * (the rules above).
 * @param origin names the package in messages; may be NULL
 * @return 0, or one of the codes above, the message naming origin and why
 */
DUPG_EXTERN(int) dupg_trust_check(const dupg_trust *t, const char *manifest, size_t manifest_len,
				  const char *sig, size_t sig_len, const char *origin);

/* ---- keys and signing ---- */

/**
 * Generate an Ed25519 key pair: the private key goes to private_path
 * (created with mode 0600, atomically), the public key to public_path.
 * Existing files are replaced.
 * @param keyid_out receives the key id and a NUL; may be NULL
 * @return 0, ::DUPG_EINVAL, ::DUPG_EIO, ::DUPG_EACCES or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_key_generate(const char *private_path, const char *public_path,
				   char keyid_out[DUPG_KEYID_HEX_LEN + 1]);

/**
 * The key id of a PEM key file (public or private).
 * @return 0, ::DUPG_ENOTFOUND, ::DUPG_EIO or ::DUPG_EFORMAT
 */
DUPG_EXTERN(int) dupg_key_id(char out[DUPG_KEYID_HEX_LEN + 1], const char *path);

/**
 * Sign manifest bytes with each private key and render the signature file.
 * @param out receives the NUL-terminated manifest.sig text; the caller frees it with dupg_free().
 * @param key_paths private key PEM files (at least one, at most ::DUPG_SIG_MAX_ENTRIES)
 * @return 0, ::DUPG_EINVAL, ::DUPG_ENOTFOUND, ::DUPG_EIO, ::DUPG_EFORMAT (not an
 *         Ed25519 private key) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_sign_manifest(char **out, const char *manifest, size_t manifest_len,
				    const char *const *key_paths, size_t key_count);

#ifdef __cplusplus
}
#endif
#endif
