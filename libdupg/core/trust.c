/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed manifests, the pure side: the trust store's contents, the
 * signature file's JSON and base64, and the policy's verdict (trust.h).
 * The crypto and the files are in io/trust_io.c.
 */
#include "internal.h"
#include "json_internal.h"
#include "trust_internal.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key {
	unsigned char pub[32];
	char id[DUPG_KEYID_HEX_LEN + 1];
};

struct dupg_trust {
	struct key *keys;
	size_t count, cap;
	dupg_strmap *revoked;  /* key ids */
	size_t threshold;
};

int dupg_trust_new(dupg_trust **out)
{
	dupg_trust *t;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_trust_new: out is NULL");
	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL || dupg__strmap_new(&t->revoked) != 0) {
		free(t);
		return dupg__error_nomem();
	}
	t->threshold = 1;
	*out = t;
	return 0;
}

void dupg_trust_free(dupg_trust *t)
{
	if (t == NULL)
		return;
	free(t->keys);
	dupg__strmap_free(t->revoked);
	free(t);
}

/* 64 lowercase hex digits (ids are compared as text). */
static int keyid_ok(const char *s, size_t len)
{
	size_t i;

	if (len != DUPG_KEYID_HEX_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int dupg__trust_add(dupg_trust *t, const unsigned char pub[32], const char *keyid)
{
	void *p;
	int rc;

	if (dupg__trust_find(t, keyid) != DUPG_NONE)
		return 0;
	if (t->count >= DUPG_TRUST_MAX_KEYS)
		return dupg__error(DUPG_EINVAL, "trust store: more than %u keys", DUPG_TRUST_MAX_KEYS);
	p = t->keys;
	rc = dupg__grow(&p, &t->cap, t->count + 1, sizeof(*t->keys));
	t->keys = p;
	if (rc != 0)
		return rc;
	memcpy(t->keys[t->count].pub, pub, 32);
	memcpy(t->keys[t->count].id, keyid, DUPG_KEYID_HEX_LEN + 1);
	t->count++;
	return 0;
}

size_t dupg__trust_find(const dupg_trust *t, const char *keyid)
{
	size_t i;

	/* a store holds a handful of keys: a scan is the fastest lookup */
	for (i = 0; t != NULL && i < t->count; i++)
		if (strcmp(t->keys[i].id, keyid) == 0)
			return i;
	return DUPG_NONE;
}

const unsigned char *dupg__trust_key_raw(const dupg_trust *t, size_t i)
{
	return t->keys[i].pub;
}

int dupg_trust_revoke(dupg_trust *t, const char *keyid)
{
	size_t id;
	int added;

	if (t == NULL || keyid == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_trust_revoke: NULL argument");
	if (!keyid_ok(keyid, strlen(keyid)))
		return dupg__error(DUPG_EINVAL, "dupg_trust_revoke: \"%.80s\" is not a key id "
				   "(64 lowercase hex digits)", keyid);
	return dupg__strmap_intern(t->revoked, keyid, &id, &added);
}

int dupg_trust_is_revoked(const dupg_trust *t, const char *keyid)
{
	return t != NULL && keyid != NULL && dupg__strmap_find(t->revoked, keyid) != DUPG_NONE;
}

int dupg_trust_set_threshold(dupg_trust *t, size_t k)
{
	if (t == NULL || k == 0)
		return dupg__error(DUPG_EINVAL, "dupg_trust_set_threshold: the threshold must be at least 1");
	if (k > DUPG_SIG_MAX_ENTRIES)
		return dupg__error(DUPG_EINVAL, "dupg_trust_set_threshold: %zu is above the %u signatures "
				   "a manifest may carry", k, DUPG_SIG_MAX_ENTRIES);
	t->threshold = k;
	return 0;
}

size_t dupg_trust_threshold(const dupg_trust *t)
{
	return t == NULL ? 0 : t->threshold;
}

size_t dupg_trust_key_count(const dupg_trust *t)
{
	return t == NULL ? 0 : t->count;
}

const char *dupg_trust_key_id(const dupg_trust *t, size_t i)
{
	return i >= dupg_trust_key_count(t) ? NULL : t->keys[i].id;
}

/* ---- base64 (RFC 4648, standard alphabet, padded) --------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_encode(char *out, const unsigned char *in, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		*out++ = b64[in[i] >> 2];
		*out++ = b64[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*out++ = b64[(in[i + 1] & 15) << 2 | in[i + 2] >> 6];
		*out++ = b64[in[i + 2] & 63];
	}
	if (n - i == 1) {
		*out++ = b64[in[i] >> 2];
		*out++ = b64[(in[i] & 3) << 4];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		*out++ = b64[in[i] >> 2];
		*out++ = b64[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*out++ = b64[(in[i + 1] & 15) << 2];
		*out++ = '=';
	}
	*out = '\0';
}

static int b64_val(char c)
{
	const char *p = c == '\0' ? NULL : strchr(b64, c);

	return p == NULL ? -1 : (int)(p - b64);
}

/* Decode exactly 64 bytes from 88 characters ("...==" at the end); -1 otherwise. */
static int b64_decode64(unsigned char out[64], const char *s, size_t len)
{
	size_t i, o = 0;

	if (len != 88 || s[86] != '=' || s[87] != '=')
		return -1;
	for (i = 0; i < 84; i += 4) {
		int a = b64_val(s[i]), b = b64_val(s[i + 1]), c = b64_val(s[i + 2]), d = b64_val(s[i + 3]);

		if (a < 0 || b < 0 || c < 0 || d < 0)
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		out[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	{
		int a = b64_val(s[84]), b = b64_val(s[85]);

		/* the last character carries 2 bits of data: the others must be 0 */
		if (a < 0 || b < 0 || (b & 15) != 0)
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
	}
	return o == 64 ? 0 : -1;
}

/* ---- the signature file --------------------------------------------------- */

static int sig_entry(struct dupg__sig *out, json_object *e, size_t i, const char *origin)
{
	json_object *v;
	const char *s;
	size_t len;

	if (!json_object_is_type(e, json_type_object))
		return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: \"signatures[%zu]\" must be an object",
				   origin, i);
	if (!json_object_object_get_ex(e, "keyid", &v) || !json_object_is_type(v, json_type_string))
		return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: \"signatures[%zu].keyid\" must be "
				   "a string", origin, i);
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (!keyid_ok(s, len))
		return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: \"signatures[%zu].keyid\" is not "
				   "64 lowercase hex digits", origin, i);
	memcpy(out->keyid, s, DUPG_KEYID_HEX_LEN + 1);
	if (!json_object_object_get_ex(e, "sig", &v) || !json_object_is_type(v, json_type_string))
		return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: \"signatures[%zu].sig\" must be "
				   "a string", origin, i);
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (b64_decode64(out->sig, s, len) != 0)
		return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: \"signatures[%zu].sig\" is not a "
				   "64-byte signature in base64 (%zu characters, 88 expected)", origin, i, len);
	return 0;
}

int dupg__sigfile_parse(struct dupg__sig **out, size_t *n_out, const char *text, size_t len,
			const char *origin)
{
	json_object *root = NULL, *arr, *v;
	struct dupg__sig *sigs = NULL;
	size_t i, n = 0;
	int rc;

	*out = NULL;
	*n_out = 0;
	if (origin == NULL)
		origin = "package";
	if (len > DUPG_SIG_MAX_BYTES)
		return dupg__error(DUPG_ESIGFORMAT, "%s: manifest.sig: %zu bytes, above the %u-byte limit",
				   origin, len, DUPG_SIG_MAX_BYTES);
	{
		char where[1024];

		snprintf(where, sizeof(where), "%s: manifest.sig", origin);
		rc = dupg__json_parse(&root, text, len, where);
	}
	if (rc != 0 && rc != DUPG_ENOMEM) {
		char msg[1024];

		/* the same message, under the signature file's own code */
		snprintf(msg, sizeof(msg), "%s", dupg__error_msg());
		return dupg__error(DUPG_ESIGFORMAT, "%s", msg);
	}
	if (rc != 0)
		return rc;
	rc = DUPG_ESIGFORMAT;
	if (!json_object_is_type(root, json_type_object)) {
		dupg__error(rc, "%s: manifest.sig: must be a JSON object", origin);
		goto out;
	}
	if (!json_object_object_get_ex(root, "format", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != 1) {
		dupg__error(rc, "%s: manifest.sig: \"format\" must be 1", origin);
		goto out;
	}
	if (!json_object_object_get_ex(root, "signatures", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		dupg__error(rc, "%s: manifest.sig: \"signatures\" must be an array", origin);
		goto out;
	}
	n = json_object_array_length(arr);
	if (n == 0 || n > DUPG_SIG_MAX_ENTRIES) {
		dupg__error(rc, "%s: manifest.sig: %zu signatures (1 to %u allowed)", origin, n,
			    DUPG_SIG_MAX_ENTRIES);
		goto out;
	}
	sigs = calloc(n, sizeof(*sigs));
	if (sigs == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	for (i = 0; i < n; i++) {
		rc = sig_entry(&sigs[i], json_object_array_get_idx(arr, i), i, origin);
		if (rc != 0)
			goto out;
	}
	rc = 0;
out:
	json_object_put(root);
	if (rc != 0) {
		free(sigs);
		return rc;
	}
	*out = sigs;
	*n_out = n;
	return 0;
}

int dupg__sigfile_render(char **out, const struct dupg__sig *sigs, size_t n)
{
	json_object *obj, *arr = dupg__jarray(n);
	size_t i;

	*out = NULL;
	for (i = 0; arr != NULL && i < n; i++) {
		char b[89];
		json_object *e = json_object_new_object();

		b64_encode(b, sigs[i].sig, 64);
		e = dupg__jadd(e, "keyid", json_object_new_string(sigs[i].keyid));
		e = dupg__jadd(e, "sig", json_object_new_string(b));
		if (e == NULL || json_object_array_add(arr, e) != 0) {
			json_object_put(e);
			json_object_put(arr);
			arr = NULL;
		}
	}
	obj = dupg__jadd(json_object_new_object(), "format", json_object_new_int(1));
	obj = dupg__jadd(obj, "signatures", arr);
	return dupg__jobj_finish(out, obj);
}

/* ---- the policy ------------------------------------------------------------ */

enum dupg__sig_status dupg__trust_classify(const dupg_trust *t, const struct dupg__sig *sigs,
					   size_t i, size_t *key)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (strcmp(sigs[j].keyid, sigs[i].keyid) == 0)
			return DUPG__SIG_DUPLICATE;
	if (dupg_trust_is_revoked(t, sigs[i].keyid))
		return DUPG__SIG_REVOKED;
	*key = dupg__trust_find(t, sigs[i].keyid);
	return *key == DUPG_NONE ? DUPG__SIG_UNKNOWN : DUPG__SIG_VALID;
}

int dupg__trust_decide(const dupg_trust *t, const struct dupg__sig *sigs,
		       const enum dupg__sig_status *status, size_t n, const char *origin)
{
	size_t i, valid = 0, revoked = 0, unknown = 0;
	const char *first_revoked = NULL, *first_unknown = NULL;

	if (origin == NULL)
		origin = "package";
	for (i = 0; i < n; i++) {
		switch (status[i]) {
		case DUPG__SIG_BAD:
			/* a trusted key's signature over other bytes: the manifest is not what was signed */
			return dupg__error(DUPG_EBADSIG, "%s: manifest.sig: the signature by key %.16s... "
					   "does not match manifest.json (changed after signing, or "
					   "the signature of another manifest)", origin, sigs[i].keyid);
		case DUPG__SIG_VALID:
			valid++;
			break;
		case DUPG__SIG_REVOKED:
			if (revoked++ == 0)
				first_revoked = sigs[i].keyid;
			break;
		case DUPG__SIG_UNKNOWN:
			if (unknown++ == 0)
				first_unknown = sigs[i].keyid;
			break;
		case DUPG__SIG_DUPLICATE:
			break;
		}
	}
	if (valid >= t->threshold)
		return 0;
	if (revoked > 0)
		return dupg__error(DUPG_EREVOKED, "%s: signed by revoked key %.16s...: %zu valid "
				   "signature(s) of the %zu required", origin, first_revoked, valid,
				   t->threshold);
	if (valid == 0 && unknown > 0)
		return dupg__error(DUPG_EUNKNOWNKEY, "%s: signed only by key(s) the trust store does not "
				   "hold (%.16s...)", origin, first_unknown);
	return dupg__error(DUPG_ETHRESHOLD, "%s: %zu valid signature(s) by trusted keys, %zu required",
			   origin, valid, t->threshold);
}
