/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed manifests, the crypto and file side (trust.h): Ed25519 keys in PEM
 * files, signing, checking a signature file against a trust store. Only
 * OpenSSL's libcrypto does crypto here (EVP); the policy is core/trust.c.
 */
#include "package_internal.h"
#include "core/trust_internal.h"
#include "util/hex.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"
#include "util/path.h"

/* Largest key file read. */
#define KEY_MAX_BYTES (64u * 1024u)

/* libcrypto's reason for the last failure, and its error queue emptied. */
static const char *crypto_reason(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "no detail from libcrypto");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* The id of a raw public key: hex SHA-256. */
static int keyid_of(char out[DUPG_KEYID_HEX_LEN + 1], const unsigned char pub[32])
{
	unsigned char d[32];
	int rc = dupg__sha256(d, pub, 32);

	if (rc == 0)
		dupg__hex(out, d, 32);
	return rc;
}

/* The raw public key of an Ed25519 key (public or private). */
static int raw_public(unsigned char pub[32], EVP_PKEY *k, const char *origin)
{
	size_t n = 32;

	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519)
		return dupg__error(DUPG_EFORMAT, "%s: not an Ed25519 key", origin);
	if (EVP_PKEY_get_raw_public_key(k, pub, &n) != 1 || n != 32) {
		char why[256];
		return dupg__error(DUPG_EFORMAT, "%s: cannot read the public key: %s", origin,
				   crypto_reason(why, sizeof(why)));
	}
	return 0;
}

/* Parse PEM text as a public key, or else as a private one. */
static int pem_key(EVP_PKEY **out, const char *pem, size_t len, const char *origin, int want_private)
{
	BIO *bio;
	EVP_PKEY *k = NULL;

	*out = NULL;
	if (len > KEY_MAX_BYTES || len > (size_t)INT32_MAX)
		return dupg__error(DUPG_EFORMAT, "%s: not a key: more than %u bytes", origin, KEY_MAX_BYTES);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL)
		return dupg__error_nomem();
	if (!want_private)
		k = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (k == NULL) {
		ERR_clear_error();
		(void)BIO_reset(bio);
		/* no passphrase: the callback would prompt on a terminal */
		k = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	}
	BIO_free(bio);
	if (k == NULL) {
		char why[256];
		return dupg__error(DUPG_EFORMAT, "%s: not a PEM %s key (%s)", origin,
				   want_private ? "private" : "public or private",
				   crypto_reason(why, sizeof(why)));
	}
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		return dupg__error(DUPG_EFORMAT, "%s: not an Ed25519 key", origin);
	}
	*out = k;
	return 0;
}

static int read_key_file(EVP_PKEY **out, const char *path, int want_private)
{
	char *text = NULL;
	size_t len = 0;
	int rc = dupg__fs_read(&text, &len, path, KEY_MAX_BYTES);

	*out = NULL;
	if (rc == DUPG_EFORMAT)
		return dupg__error(DUPG_EFORMAT, "%s: not a key: more than %u bytes", path, KEY_MAX_BYTES);
	if (rc != 0)
		return rc;
	rc = pem_key(out, text, len, path, want_private);
	free(text);
	return rc;
}

int dupg_trust_add_key_raw(dupg_trust *t, const unsigned char pub[32])
{
	char id[DUPG_KEYID_HEX_LEN + 1];
	int rc;

	if (t == NULL || pub == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_trust_add_key_raw: NULL argument");
	rc = keyid_of(id, pub);
	return rc != 0 ? rc : dupg__trust_add(t, pub, id);
}

static int add_pkey(dupg_trust *t, EVP_PKEY *k, const char *origin)
{
	unsigned char pub[32];
	int rc = raw_public(pub, k, origin);

	return rc != 0 ? rc : dupg_trust_add_key_raw(t, pub);
}

int dupg_trust_add_key_pem(dupg_trust *t, const char *pem, size_t len, const char *origin)
{
	EVP_PKEY *k;
	int rc;

	if (t == NULL || pem == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_trust_add_key_pem: NULL argument");
	if (origin == NULL)
		origin = "key";
	rc = pem_key(&k, pem, len, origin, 0);
	if (rc == 0)
		rc = add_pkey(t, k, origin);
	EVP_PKEY_free(k);
	return rc;
}

int dupg_trust_add_key_file(dupg_trust *t, const char *path)
{
	EVP_PKEY *k;
	int rc;

	if (t == NULL || path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_trust_add_key_file: NULL argument");
	rc = read_key_file(&k, path, 0);
	if (rc == 0)
		rc = add_pkey(t, k, path);
	EVP_PKEY_free(k);
	return rc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls > lx && strcmp(s + ls - lx, suffix) == 0;
}

/* The `threshold` file: one integer. */
static int load_threshold(dupg_trust *t, const char *path)
{
	char *text = NULL, *end;
	size_t len;
	unsigned long k;
	int rc = dupg__fs_read(&text, &len, path, 64);

	if (rc == DUPG_ENOTFOUND) {
		dupg_error_clear();
		return 0;
	}
	if (rc != 0)
		return rc;
	errno = 0;
	k = strtoul(text, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0' || k == 0 ||
	    k > DUPG_SIG_MAX_ENTRIES)
		rc = dupg__error(DUPG_EFORMAT, "%s: not a threshold (an integer from 1 to %u)", path,
				 DUPG_SIG_MAX_ENTRIES);
	else
		rc = dupg_trust_set_threshold(t, (size_t)k);
	free(text);
	return rc;
}

/* The `revoked` file: one key id a line; blank lines and `#` comments. */
static int load_revoked(dupg_trust *t, const char *path)
{
	char *text = NULL, *line, *next;
	size_t len, no = 0;
	int rc = dupg__fs_read(&text, &len, path, 1024 * 1024);

	if (rc == DUPG_ENOTFOUND) {
		dupg_error_clear();
		return 0;
	}
	if (rc != 0)
		return rc;
	for (line = text; rc == 0 && line != NULL && *line != '\0'; line = next) {
		char *hash, *e;

		no++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		e = line + strlen(line);
		while (e > line && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = '\0';
		if (*line == '\0')
			continue;
		rc = dupg_trust_revoke(t, line);
		if (rc == DUPG_EINVAL)
			rc = dupg__error(DUPG_EFORMAT, "%s:%zu: not a key id (64 lowercase hex digits)", path, no);
	}
	free(text);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dupg_trust_load_dir(dupg_trust **out, const char *dir)
{
	dupg_trust *t = NULL;
	DIR *d;
	struct dirent *de;
	char **names = NULL, *p;
	size_t n = 0, cap = 0, i;
	int rc;

	if (out == NULL || dir == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_trust_load_dir: NULL argument");
	*out = NULL;
	d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return dupg__error(DUPG_ENOTFOUND, "%s: no such trust directory", dir);
		return dupg__error_sys(errno, "%s: cannot open the trust directory", dir);
	}
	rc = dupg_trust_new(&t);
	/* sorted, so that the keys come in the same order on every file system */
	while (rc == 0 && (de = readdir(d)) != NULL) {
		void *v = names;

		if (de->d_name[0] == '.' || !(ends_with(de->d_name, ".pub") || ends_with(de->d_name, ".pem")))
			continue;
		rc = dupg__grow(&v, &cap, n + 1, sizeof(*names));
		names = v;
		if (rc == 0 && (names[n] = dupg__path_join(dir, de->d_name)) == NULL)
			rc = dupg__error_nomem();
		if (rc == 0)
			n++;
	}
	closedir(d);
	if (rc == 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; rc == 0 && i < n; i++)
		rc = dupg_trust_add_key_file(t, names[i]);
	if (rc == 0 && (p = dupg__path_join(dir, "threshold")) != NULL) {
		rc = load_threshold(t, p);
		free(p);
	} else if (rc == 0) {
		rc = dupg__error_nomem();
	}
	if (rc == 0 && (p = dupg__path_join(dir, "revoked")) != NULL) {
		rc = load_revoked(t, p);
		free(p);
	} else if (rc == 0) {
		rc = dupg__error_nomem();
	}
	if (rc == 0 && dupg_trust_key_count(t) == 0)
		rc = dupg__error(DUPG_EINVAL, "%s: no public key (*.pub or *.pem) in the trust directory", dir);
	if (rc == 0 && dupg_trust_threshold(t) > dupg_trust_key_count(t))
		rc = dupg__error(DUPG_EINVAL, "%s: threshold %zu is above the %zu key(s) held", dir,
				 dupg_trust_threshold(t), dupg_trust_key_count(t));
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc != 0) {
		dupg_trust_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* Does sig verify over msg under the raw public key pub? 1 yes, 0 no, negative on failure. */
static int ed25519_verify(const unsigned char pub[32], const unsigned char sig[64], const char *msg,
			  size_t len)
{
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = -1;

	if (k != NULL && c != NULL && EVP_DigestVerifyInit(c, NULL, NULL, NULL, k) == 1)
		ok = EVP_DigestVerify(c, sig, 64, (const unsigned char *)msg, len) == 1;
	ERR_clear_error();
	EVP_MD_CTX_free(c);
	EVP_PKEY_free(k);
	return ok;
}

int dupg_trust_check(const dupg_trust *t, const char *manifest, size_t manifest_len,
		     const char *sig, size_t sig_len, const char *origin)
{
	struct dupg__sig *sigs = NULL;
	enum dupg__sig_status *status = NULL;
	size_t i, n = 0;
	int rc;

	if (t == NULL || manifest == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_trust_check: NULL argument");
	if (origin == NULL)
		origin = "package";
	if (sig == NULL)
		return dupg__error(DUPG_EUNSIGNED, "%s: not signed (no manifest.sig), and the trust "
				   "policy requires a signature", origin);
	rc = dupg__sigfile_parse(&sigs, &n, sig, sig_len, origin);
	if (rc != 0)
		return rc;
	status = calloc(n, sizeof(*status));
	if (status == NULL) {
		free(sigs);
		return dupg__error_nomem();
	}
	for (i = 0; rc == 0 && i < n; i++) {
		size_t key = DUPG_NONE;
		int ok;

		status[i] = dupg__trust_classify(t, sigs, i, &key);
		if (status[i] != DUPG__SIG_VALID)
			continue;
		ok = ed25519_verify(dupg__trust_key_raw(t, key), sigs[i].sig, manifest, manifest_len);
		if (ok < 0)
			rc = dupg__error(DUPG_ERROR, "%s: libcrypto cannot check an Ed25519 signature", origin);
		else if (!ok)
			status[i] = DUPG__SIG_BAD;
	}
	if (rc == 0)
		rc = dupg__trust_decide(t, sigs, status, n, origin);
	free(status);
	free(sigs);
	return rc;
}

/* ---- keys and signing ------------------------------------------------------ */

static int key_id_pkey(char out[DUPG_KEYID_HEX_LEN + 1], EVP_PKEY *k, const char *origin)
{
	unsigned char pub[32];
	int rc = raw_public(pub, k, origin);

	return rc != 0 ? rc : keyid_of(out, pub);
}

int dupg_key_id(char out[DUPG_KEYID_HEX_LEN + 1], const char *path)
{
	EVP_PKEY *k;
	int rc;

	if (out == NULL || path == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_key_id: NULL argument");
	rc = read_key_file(&k, path, 0);
	if (rc == 0)
		rc = key_id_pkey(out, k, path);
	EVP_PKEY_free(k);
	return rc;
}

/* Write a PEM rendering of k atomically; mode 0600 when it is the private key. */
static int write_pem(EVP_PKEY *k, const char *path, int private_key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long len;
	dupg__atomic w;
	int rc, ok;

	if (bio == NULL)
		return dupg__error_nomem();
	ok = private_key ? PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL)
			 : PEM_write_bio_PUBKEY(bio, k);
	len = BIO_get_mem_data(bio, &data);
	if (ok != 1 || len <= 0) {
		char why[256];
		BIO_free(bio);
		return dupg__error(DUPG_ERROR, "%s: cannot render the key: %s", path,
				   crypto_reason(why, sizeof(why)));
	}
	rc = dupg__fs_atomic_open(&w, path);
	if (rc == 0) {
		const char *p = data;
		size_t left = (size_t)len;

		if (private_key)
			w.mode = 0600;
		while (rc == 0 && left > 0) {
			ssize_t m = write(w.fd, p, left);

			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0)
				rc = dupg__error_sys(errno, "%s: write failed", w.tmp);
			else {
				p += m;
				left -= (size_t)m;
			}
		}
		if (rc != 0)
			dupg__fs_atomic_abort(&w);
		else
			rc = dupg__fs_atomic_commit(&w, 0, NULL, NULL);
	}
	OPENSSL_cleanse(data, (size_t)len);
	BIO_free(bio);
	return rc;
}

int dupg_key_generate(const char *private_path, const char *public_path,
		      char keyid_out[DUPG_KEYID_HEX_LEN + 1])
{
	EVP_PKEY_CTX *c;
	EVP_PKEY *k = NULL;
	int rc;

	if (private_path == NULL || public_path == NULL || *private_path == '\0' || *public_path == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_key_generate: no key file name");
	if (strcmp(private_path, public_path) == 0)
		return dupg__error(DUPG_EINVAL, "%s: the private and the public key need two files",
				   private_path);
	c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (c == NULL || EVP_PKEY_keygen_init(c) != 1 || EVP_PKEY_keygen(c, &k) != 1) {
		char why[256];
		EVP_PKEY_CTX_free(c);
		return dupg__error(DUPG_ERROR, "%s: cannot generate an Ed25519 key: %s", private_path,
				   crypto_reason(why, sizeof(why)));
	}
	EVP_PKEY_CTX_free(c);
	rc = write_pem(k, private_path, 1);
	if (rc == 0)
		rc = write_pem(k, public_path, 0);
	if (rc != 0)
		unlink(private_path);
	if (rc == 0 && keyid_out != NULL)
		rc = key_id_pkey(keyid_out, k, private_path);
	EVP_PKEY_free(k);
	return rc;
}

int dupg_sign_manifest(char **out, const char *manifest, size_t manifest_len,
		       const char *const *key_paths, size_t key_count)
{
	struct dupg__sig *sigs;
	size_t i;
	int rc = 0;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_sign_manifest: out is NULL");
	*out = NULL;
	if (manifest == NULL || key_paths == NULL || key_count == 0)
		return dupg__error(DUPG_EINVAL, "dupg_sign_manifest: no manifest or no key");
	if (key_count > DUPG_SIG_MAX_ENTRIES)
		return dupg__error(DUPG_EINVAL, "dupg_sign_manifest: %zu keys, at most %u", key_count,
				   DUPG_SIG_MAX_ENTRIES);
	sigs = calloc(key_count, sizeof(*sigs));
	if (sigs == NULL)
		return dupg__error_nomem();
	for (i = 0; rc == 0 && i < key_count; i++) {
		EVP_PKEY *k = NULL;
		EVP_MD_CTX *c = NULL;
		size_t n = 64;

		if (key_paths[i] == NULL) {
			rc = dupg__error(DUPG_EINVAL, "dupg_sign_manifest: key %zu is NULL", i);
			break;
		}
		rc = read_key_file(&k, key_paths[i], 1);
		if (rc == 0)
			rc = key_id_pkey(sigs[i].keyid, k, key_paths[i]);
		if (rc == 0 && ((c = EVP_MD_CTX_new()) == NULL ||
				EVP_DigestSignInit(c, NULL, NULL, NULL, k) != 1 ||
				EVP_DigestSign(c, sigs[i].sig, &n, (const unsigned char *)manifest,
					       manifest_len) != 1 || n != 64)) {
			char why[256];
			rc = dupg__error(DUPG_EFORMAT, "%s: cannot sign with this key: %s", key_paths[i],
					 crypto_reason(why, sizeof(why)));
		}
		EVP_MD_CTX_free(c);
		EVP_PKEY_free(k);
	}
	if (rc == 0)
		rc = dupg__sigfile_render(out, sigs, key_count);
	free(sigs);
	return rc;
}
