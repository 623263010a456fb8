/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed manifests and the trust store (trust.h), verification under a
 * trust policy (package.h), format-2 manifests (manifest.h) and matching
 * by applies_to (match.h). Every refusal has its own code, and verifying
 * changes nothing on disk.
 */
#include "fixture.h"

#include <archive.h>
#include <archive_entry.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *dir;
static char k1[512], k2[512], k3[512];      /* private keys */
static char id1[65], id2[65], id3[65];

struct ent {
	const char *name;
	const char *data;
	size_t len;  /* 0: strlen(data) */
};

/* An uncompressed tar of the entries, in order. */
static void make_tar(const char *path, const struct ent *e, size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *h = archive_entry_new();
	size_t i;

	CU_ASSERT_FATAL(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK);
	CU_ASSERT_FATAL(archive_write_open_filename(a, path) == ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		size_t len = e[i].len ? e[i].len : strlen(e[i].data);

		archive_entry_clear(h);
		archive_entry_set_pathname(h, e[i].name);
		archive_entry_set_filetype(h, AE_IFREG);
		archive_entry_set_perm(h, 0644);
		archive_entry_set_size(h, (la_int64_t)len);
		CU_ASSERT_FATAL(archive_write_header(a, h) == ARCHIVE_OK);
		CU_ASSERT_FATAL(archive_write_data(a, e[i].data, len) == (la_ssize_t)len);
	}
	archive_write_close(a);
	archive_write_free(a);
	archive_entry_free(h);
}

static const char payload[] = "hello, small cell\n";

/*
 * A format-2 manifest of one file "bin/app" holding data, as JSON (caller
 * frees): the digests computed by building a throwaway package.
 */
static char *manifest_json(const char *name, const char *version, const char *hw,
			   const char *data, uint64_t secver, const char *expires)
{
	const char *src = fx_path(dir, "src.bin");
	dupg_pack_file f = { NULL, "bin/app" };
	dupg_pack_options o = DUPG_PACK_OPTIONS_INIT;
	const char *hws[] = { hw };
	dupg_manifest *m = NULL;
	char *json = NULL;

	fx_write(src, data);
	f.source = src;
	o.security_version = secver;
	o.expires = expires;
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(&m, fx_path(dir, "tmp.tar"), name, version, hws, 1,
						 &f, 1, &o), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_to_json(&json, m), 0);
	dupg_manifest_free(m);
	return json;
}

static char *sign(const char *json, const char *const *keys, size_t n)
{
	char *sig = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_sign_manifest(&sig, json, strlen(json), keys, n), 0);
	return sig;
}

/* A package: manifest.json, manifest.sig when sig is not NULL, bin/app. */
static const char *pkg(const char *name, const char *json, const char *sig, const char *data)
{
	const char *path = fx_path(dir, name);
	struct ent e[3];
	size_t n = 0;

	e[n++] = (struct ent){ "manifest.json", json, 0 };
	if (sig != NULL)
		e[n++] = (struct ent){ "manifest.sig", sig, 0 };
	e[n++] = (struct ent){ "bin/app", data, 0 };
	make_tar(path, e, n);
	return path;
}

static dupg_trust *trust_of(const char *const *keys, size_t n, size_t k)
{
	dupg_trust *t = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_trust_new(&t), 0);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL_FATAL(dupg_trust_add_key_file(t, keys[i]), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_trust_set_threshold(t, k), 0);
	return t;
}

/* Verify path under t (NULL: no policy) at time now; nothing under dir may change. */
static int verify_at(const char *path, const dupg_trust *t, int64_t now)
{
	dupg_verify_options o = DUPG_VERIFY_OPTIONS_INIT;
	dupg_manifest *m = (dupg_manifest *)1;
	char *before = fx_snapshot(dir), *after;
	int rc, rc2;

	o.policy = t != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
	o.trust = t;
	o.now = now;
	rc = dupg_package_verify_ext(&m, path, &o);
	CU_ASSERT_EQUAL(rc == 0, m != NULL);
	dupg_manifest_free(m);
	/* the head checks give the same verdict without the payload, unless the payload is the problem */
	rc2 = dupg_package_read_manifest_ext(&m, path, &o);
	if (rc != DUPG_EINTEGRITY)
		CU_ASSERT_EQUAL(rc2, rc);
	dupg_manifest_free(m);
	after = fx_snapshot(dir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	/* the last error is the full verification's */
	{
		dupg_verify_options o2 = o;
		rc = dupg_package_verify_ext(NULL, path, &o2);
	}
	return rc;
}

static int verify(const char *path, const dupg_trust *t)
{
	return verify_at(path, t, DUPG_VERIFY_NOW_CLOCK);
}

/* The keys every later test uses: made by the first test (CUnit asserts need a suite). */
static void setup(void)
{
	dir = fx_tmpdir();
	snprintf(k1, sizeof(k1), "%s", fx_path(dir, "k1"));
	snprintf(k2, sizeof(k2), "%s", fx_path(dir, "k2"));
	snprintf(k3, sizeof(k3), "%s", fx_path(dir, "k3"));
	CU_ASSERT_EQUAL_FATAL(dupg_key_generate(k1, fx_path(dir, "k1.pub"), id1), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_key_generate(k2, fx_path(dir, "k2.pub"), id2), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_key_generate(k3, fx_path(dir, "k3.pub"), id3), 0);
}

static void test_keys(void)
{
	struct stat st;
	char again[65];

	setup();
	CU_ASSERT_EQUAL(stat(k1, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(strlen(id1), 64);
	CU_ASSERT_STRING_NOT_EQUAL(id1, id2);
	/* the id of the private and of the public key file is the one keygen gave */
	CU_ASSERT_EQUAL(dupg_key_id(again, k1), 0);
	CU_ASSERT_STRING_EQUAL(again, id1);
	CU_ASSERT_EQUAL(dupg_key_id(again, fx_path(dir, "k1.pub")), 0);
	CU_ASSERT_STRING_EQUAL(again, id1);
	fx_write(fx_path(dir, "junk.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
	fx_expect_error(dupg_key_id(again, fx_path(dir, "junk.pem")), DUPG_EFORMAT, "junk.pem",
			"not a PEM");
	fx_expect_error(dupg_key_id(again, fx_path(dir, "none.pem")), DUPG_ENOTFOUND, "none.pem", NULL);
	fx_expect_error(dupg_key_generate(k1, k1, NULL), DUPG_EINVAL, "two files", NULL);
}

static void test_good(void)
{
	const char *keys[] = { k1 };
	char *json = manifest_json("app", "2.0", "B", payload, 3, NULL);
	char *sig = sign(json, keys, 1);
	dupg_trust *t = trust_of(keys, 1, 1);
	const char *p = pkg("good.tar", json, sig, payload);
	dupg_manifest *m = NULL;

	CU_ASSERT_EQUAL(verify(p, t), 0);
	CU_ASSERT_EQUAL(verify(p, NULL), 0);
	/* the plain verification takes a signed package too */
	CU_ASSERT_EQUAL(dupg_package_verify(&m, p), 0);
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 2);
	CU_ASSERT_EQUAL(dupg_manifest_security_version(m), 3);
	CU_ASSERT_PTR_NOT_NULL(dupg_manifest_file_sha256(m, 0));
	dupg_manifest_free(m);
	dupg_trust_free(t);
	free(json);
	free(sig);
}

static void test_payload_flipped(void)
{
	const char *keys[] = { k1 };
	char *json = manifest_json("app", "2.0", "B", payload, 0, NULL);
	char *sig = sign(json, keys, 1);
	dupg_trust *t = trust_of(keys, 1, 1);
	char bad[sizeof(payload)];
	const char *p;

	memcpy(bad, payload, sizeof(payload));
	bad[3] ^= 1;
	p = pkg("flip.tar", json, sig, bad);
	CU_ASSERT_EQUAL(verify(p, t), DUPG_EINTEGRITY);
	fx_expect_error(dupg_package_verify_ext(NULL, p, NULL), DUPG_EINTEGRITY, "flip.tar",
			"bin/app: digest mismatch");
	dupg_trust_free(t);
	free(json);
	free(sig);
}

/* Replace the first `from` in s by `to` (same length). */
static char *edit(const char *s, const char *from, const char *to)
{
	char *c = strdup(s), *at = strstr(c, from);

	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	CU_ASSERT_EQUAL_FATAL(strlen(from), strlen(to));
	memcpy(at, to, strlen(to));
	return c;
}

static void test_manifest_changed(void)
{
	const char *keys[] = { k1 };
	char *json = manifest_json("app", "2.0", "B", payload, 0, NULL);
	char *sig = sign(json, keys, 1);
	dupg_trust *t = trust_of(keys, 1, 1);
	char *hw = edit(json, "\"B\"", "\"C\""), *ver = edit(json, "\"2.0\"", "\"9.0\"");
	char *dig = strdup(json), *x = strstr(dig, "\"sha256\":\"");
	const char *p;

	CU_ASSERT_PTR_NOT_NULL_FATAL(x);
	x += strlen("\"sha256\":\"");
	*x = *x == '0' ? '1' : '0';
	p = pkg("hw.tar", hw, sig, payload);
	CU_ASSERT_EQUAL(verify(p, t), DUPG_EBADSIG);
	fx_expect_error(verify(p, t), DUPG_EBADSIG, "hw.tar", "does not match manifest.json");
	p = pkg("ver.tar", ver, sig, payload);
	CU_ASSERT_EQUAL(verify(p, t), DUPG_EBADSIG);
	p = pkg("dig.tar", dig, sig, payload);
	CU_ASSERT_EQUAL(verify(p, t), DUPG_EBADSIG);
	/* without a policy the changed digest is still caught, by the payload */
	CU_ASSERT_EQUAL(verify(p, NULL), DUPG_EINTEGRITY);
	dupg_trust_free(t);
	free(json);
	free(sig);
	free(hw);
	free(ver);
	free(dig);
}

static void test_other_signature(void)
{
	const char *keys[] = { k1 };
	char *a = manifest_json("app", "2.0", "B", payload, 0, NULL);
	char *b = manifest_json("other", "2.0", "B", payload, 0, NULL);
	char *sig_b = sign(b, keys, 1);
	dupg_trust *t = trust_of(keys, 1, 1);

	CU_ASSERT_EQUAL(verify(pkg("other.tar", a, sig_b, payload), t), DUPG_EBADSIG);
	dupg_trust_free(t);
	free(a);
	free(b);
	free(sig_b);
}

static void test_bad_sigfile(void)
{
	const char *keys[] = { k1 };
	char *json = manifest_json("app", "2.0", "B", payload, 0, NULL);
	char *sig = sign(json, keys, 1);
	dupg_trust *t = trust_of(keys, 1, 1);
	char *trunc = strdup(sig), *q = strstr(trunc, "==\"");
	char *big = malloc(DUPG_SIG_MAX_BYTES + 2);
	size_t n = strlen(sig);

	/* a signature cut short by 4 base64 characters */
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	memmove(q - 4, q, strlen(q) + 1);
	fx_expect_error(verify(pkg("trunc.tar", json, trunc, payload), t), DUPG_ESIGFORMAT,
			"trunc.tar: manifest.sig", "not a 64-byte signature");
	/* a valid file padded beyond the limit */
	memcpy(big, sig, n);
	memset(big + n, ' ', DUPG_SIG_MAX_BYTES + 1 - n);
	big[DUPG_SIG_MAX_BYTES + 1] = '\0';
	fx_expect_error(verify(pkg("big.tar", json, big, payload), t), DUPG_ESIGFORMAT,
			"big.tar: manifest.sig", "65536-byte limit");
	fx_expect_error(verify(pkg("notjson.tar", json, "{\"format\": 1, \"signatures\": [", payload), t),
			DUPG_ESIGFORMAT, "notjson.tar: manifest.sig", NULL);
	fx_expect_error(verify(pkg("empty.tar", json, "{\"format\": 1, \"signatures\": []}", payload), t),
			DUPG_ESIGFORMAT, "empty.tar: manifest.sig", "0 signatures");
	dupg_trust_free(t);
	free(json);
	free(sig);
	free(trunc);
	free(big);
}

static void test_unsigned_and_keys(void)
{
	const char *one[] = { k1 }, *two[] = { k2 }, *both[] = { k1, k2 }, *dup[] = { k1, k1 };
	char *json = manifest_json("app", "2.0", "B", payload, 0, NULL);
	char *s1 = sign(json, one, 1), *s2 = sign(json, two, 1), *s12 = sign(json, both, 2);
	char *s11 = sign(json, dup, 2);
	dupg_trust *t1 = trust_of(one, 1, 1), *t12 = trust_of(both, 2, 2);
	const char *p;

	p = pkg("unsigned.tar", json, NULL, payload);
	fx_expect_error(verify(p, t1), DUPG_EUNSIGNED, "unsigned.tar", "not signed");
	CU_ASSERT_EQUAL(verify(p, NULL), 0);
	fx_expect_error(verify(pkg("unknown.tar", json, s2, payload), t1), DUPG_EUNKNOWNKEY,
			"unknown.tar", "does not hold");
	/* 1 of 2 required; the same key twice counts once; both pass */
	fx_expect_error(verify(pkg("one.tar", json, s1, payload), t12), DUPG_ETHRESHOLD, "one.tar",
			"1 valid signature(s) by trusted keys, 2 required");
	fx_expect_error(verify(pkg("dup.tar", json, s11, payload), t12), DUPG_ETHRESHOLD, "dup.tar", NULL);
	CU_ASSERT_EQUAL(verify(pkg("both.tar", json, s12, payload), t12), 0);
	/* an extra signature by an unknown key does not hurt */
	CU_ASSERT_EQUAL(verify(pkg("extra.tar", json, s12, payload), t1), 0);
	/* revoked */
	CU_ASSERT_EQUAL(dupg_trust_revoke(t1, id1), 0);
	CU_ASSERT_EQUAL(dupg_trust_is_revoked(t1, id1), 1);
	fx_expect_error(verify(pkg("revoked.tar", json, s1, payload), t1), DUPG_EREVOKED, "revoked.tar",
			"revoked key");
	fx_expect_error(dupg_trust_revoke(t1, "abc"), DUPG_EINVAL, "not a key id", NULL);
	dupg_trust_free(t1);
	dupg_trust_free(t12);
	free(json);
	free(s1);
	free(s2);
	free(s12);
	free(s11);
}

static void test_expired(void)
{
	const char *keys[] = { k1 };
	char *json = manifest_json("app", "2.0", "B", payload, 0, "2020-01-01T00:00:00Z");
	char *sig = sign(json, keys, 1);
	dupg_trust *t = trust_of(keys, 1, 1);
	const char *p = pkg("expired.tar", json, sig, payload);

	fx_expect_error(verify(p, t), DUPG_EEXPIRED, "expired.tar", "2020-01-01T00:00:00Z");
	fx_expect_error(verify(p, NULL), DUPG_EEXPIRED, "expired.tar", NULL);
	/* one second before, it was fine; the check can be turned off */
	CU_ASSERT_EQUAL(verify_at(p, t, 1577836799), 0);
	CU_ASSERT_EQUAL(verify_at(p, t, 1577836800), DUPG_EEXPIRED);
	CU_ASSERT_EQUAL(verify_at(p, t, DUPG_VERIFY_NO_EXPIRY), 0);
	/* the plain verification never looked at expiry */
	CU_ASSERT_EQUAL(dupg_package_verify(NULL, p), 0);
	dupg_trust_free(t);
	free(json);
	free(sig);
}

static void test_format1_required(void)
{
	const char *keys[] = { k1 };
	dupg_manifest *m = NULL;
	char *json = NULL, *sig;
	dupg_trust *t = trust_of(keys, 1, 1);
	unsigned char d[16];

	CU_ASSERT_EQUAL(dupg_file_xxh128(d, NULL, fx_path(dir, "src.bin")), 0);
	fx_write(fx_path(dir, "src.bin"), payload);
	CU_ASSERT_EQUAL(dupg_file_xxh128(d, NULL, fx_path(dir, "src.bin")), 0);
	CU_ASSERT_EQUAL(dupg_manifest_new(&m, "old", "1.0"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_hw(m, "B"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_add_file(m, "bin/app", strlen(payload), d), 0);
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 1);
	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"format\":1"));
	sig = sign(json, keys, 1);
	fx_expect_error(verify(pkg("v1.tar", json, sig, payload), t), DUPG_EUNSIGNED, "v1.tar",
			"manifest format 1");
	CU_ASSERT_EQUAL(verify(pkg("v1.tar", json, NULL, payload), NULL), 0);
	dupg_manifest_free(m);
	dupg_trust_free(t);
	free(json);
	free(sig);
}

static void test_sig_position(void)
{
	const char *keys[] = { k1 };
	char *json = manifest_json("app", "2.0", "B", payload, 0, NULL);
	char *sig = sign(json, keys, 1);
	dupg_trust *t = trust_of(keys, 1, 1);
	struct ent late[] = { { "manifest.json", json, 0 }, { "bin/app", payload, 0 },
			      { "manifest.sig", sig, 0 } };
	struct ent second[] = { { "bin/app", payload, 0 }, { "manifest.json", json, 0 },
				{ "manifest.sig", sig, 0 } };
	const char *p = fx_path(dir, "late.tar");

	make_tar(p, late, 3);
	/* not right after the manifest: not read as its signature, and refused where it is */
	CU_ASSERT_EQUAL(verify(p, t), DUPG_EUNSIGNED);
	fx_expect_error(dupg_package_verify(NULL, p), DUPG_ESIGFORMAT, "late.tar",
			"not right after manifest.json");
	/* a manifest that is not the first entry, its signature behind it: two passes, still fine */
	p = fx_path(dir, "second.tar");
	make_tar(p, second, 3);
	CU_ASSERT_EQUAL(verify(p, t), 0);
	dupg_trust_free(t);
	free(json);
	free(sig);
}

static void test_build_signed(void)
{
	const char *keys[] = { k1, k2 }, *both[] = { k1, k2 };
	const char *hws[] = { "B" };
	dupg_pack_file f = { NULL, "bin/app" };
	dupg_pack_options o = DUPG_PACK_OPTIONS_INIT;
	dupg_manifest *m = NULL;
	dupg_trust *t = trust_of(both, 2, 2);
	const char *out = fx_path(dir, "built.tar.gz");

	f.source = fx_path(dir, "src.bin");
	fx_write(f.source, payload);
	o.sign_keys = keys;
	o.sign_key_count = 2;
	o.security_version = 5;
	o.applies_min = "1.0";
	o.applies_max = "1.9";
	o.summary = "fixes";
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, out, "app", "2.0", hws, 1, &f, 1, &o), 0);
	CU_ASSERT_EQUAL(verify(out, t), 0);
	CU_ASSERT_EQUAL(dupg_package_read_manifest(&m, out), 0);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_applies_min(m), "1.0");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_applies_max(m), "1.9");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_summary(m), "fixes");
	CU_ASSERT_EQUAL(dupg_manifest_security_version(m), 5);
	dupg_manifest_free(m);
	/* a bad key leaves nothing behind */
	keys[1] = fx_path(dir, "k2.pub");
	fx_expect_error(dupg_package_build(NULL, fx_path(dir, "nokey.tar"), "app", "2.0", hws, 1, &f, 1,
					   &o), DUPG_EFORMAT, "nokey.tar", "k2.pub");
	CU_ASSERT_FALSE(fx_exists(fx_path(dir, "nokey.tar")));
	/* a version-1 options struct still builds */
	o.version = 1;
	CU_ASSERT_EQUAL(dupg_package_build(NULL, fx_path(dir, "v1opts.tar"), "app", "2.0", hws, 1, &f, 1,
					   &o), 0);
	dupg_trust_free(t);
}

static void test_load_dir(void)
{
	char *td = fx_tmpdir();
	char line[200];
	dupg_trust *t = NULL;
	char *pub;

	pub = fx_read(fx_path(dir, "k1.pub"));
	fx_write(fx_path(td, "a.pub"), pub);
	free(pub);
	pub = fx_read(fx_path(dir, "k2.pub"));
	fx_write(fx_path(td, "b.pem"), pub);
	free(pub);
	fx_write(fx_path(td, "README"), "not a key, not read");
	CU_ASSERT_EQUAL(dupg_trust_load_dir(&t, td), 0);
	CU_ASSERT_EQUAL(dupg_trust_key_count(t), 2);
	CU_ASSERT_EQUAL(dupg_trust_threshold(t), 1);
	dupg_trust_free(t);
	fx_write(fx_path(td, "threshold"), "2\n");
	snprintf(line, sizeof(line), "# old key\n%s\n\n", id3);
	fx_write(fx_path(td, "revoked"), line);
	CU_ASSERT_EQUAL(dupg_trust_load_dir(&t, td), 0);
	CU_ASSERT_EQUAL(dupg_trust_threshold(t), 2);
	CU_ASSERT_EQUAL(dupg_trust_is_revoked(t, id3), 1);
	CU_ASSERT_EQUAL(dupg_trust_is_revoked(t, id1), 0);
	dupg_trust_free(t);
	fx_write(fx_path(td, "threshold"), "3\n");
	fx_expect_error(dupg_trust_load_dir(&t, td), DUPG_EINVAL, "threshold 3", "2 key(s)");
	fx_write(fx_path(td, "threshold"), "two\n");
	fx_expect_error(dupg_trust_load_dir(&t, td), DUPG_EFORMAT, "threshold", "not a threshold");
	fx_write(fx_path(td, "threshold"), "1\n");
	fx_write(fx_path(td, "revoked"), "xyz\n");
	fx_expect_error(dupg_trust_load_dir(&t, td), DUPG_EFORMAT, "revoked:1", "not a key id");
	fx_write(fx_path(td, "revoked"), "");
	fx_write(fx_path(td, "c.pub"), "garbage");
	fx_expect_error(dupg_trust_load_dir(&t, td), DUPG_EFORMAT, "c.pub", NULL);
	CU_ASSERT_PTR_NULL(t);
	fx_expect_error(dupg_trust_load_dir(&t, fx_path(td, "nodir")), DUPG_ENOTFOUND, "nodir", NULL);
	fx_rmrf(td);
	free(td);
}

static void test_manifest_v2(void)
{
	static const char text[] =
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"],"
		" \"security_version\": 4, \"applies_to\": {\"min\": \"1.5\"}, \"summary\": \"s\","
		" \"expires\": \"2030-06-01T12:00:00+02:00\", \"files\": [{\"path\": \"x\", \"size\": 1,"
		" \"xxh128\": \"00000000000000000000000000000000\", \"sha256\":"
		" \"00000000000000000000000000000000000000000000000000000000000000ff\"}]}";
	dupg_manifest *m = NULL, *m2 = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&m, text, strlen(text), "t"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_format(m), 2);
	CU_ASSERT_EQUAL(dupg_manifest_security_version(m), 4);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_applies_min(m), "1.5");
	CU_ASSERT_PTR_NULL(dupg_manifest_applies_max(m));
	CU_ASSERT_EQUAL(dupg_manifest_applies(m, "1.4"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_applies(m, "1.5"), 1);
	CU_ASSERT_EQUAL(dupg_manifest_applies(m, "10"), 1);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_summary(m), "s");
	/* 2030-06-01T10:00:00Z is 1906538400 */
	CU_ASSERT_EQUAL(dupg_manifest_expired(m, 1906538399), 0);
	CU_ASSERT_EQUAL(dupg_manifest_expired(m, 1906538400), 1);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_sha256_hex(m, 0),
			       "00000000000000000000000000000000000000000000000000000000000000ff");
	CU_ASSERT_EQUAL(dupg_manifest_file_sha256(m, 0)[31], 0xff);
	CU_ASSERT_EQUAL(dupg_manifest_to_json(&json, m), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_manifest_parse(&m2, json, strlen(json), "again"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_security_version(m2), 4);
	CU_ASSERT_STRING_EQUAL(dupg_manifest_expires(m2), "2030-06-01T12:00:00+02:00");
	CU_ASSERT_STRING_EQUAL(dupg_manifest_file_sha256_hex(m2, 0), dupg_manifest_file_sha256_hex(m, 0));
	free(json);
	dupg_manifest_free(m2);
	/* setters */
	fx_expect_error(dupg_manifest_set_expires(m, "tomorrow"), DUPG_EINVAL, "RFC 3339", NULL);
	fx_expect_error(dupg_manifest_set_expires(m, "2030-02-30T00:00:00Z"), DUPG_EINVAL, "RFC 3339", NULL);
	fx_expect_error(dupg_manifest_set_applies_to(m, "2", "1"), DUPG_EINVAL, "above", NULL);
	CU_ASSERT_EQUAL(dupg_manifest_set_applies_to(m, NULL, "3"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_applies(m, "3.1"), 0);
	CU_ASSERT_EQUAL(dupg_manifest_applies(m, "0.1"), 1);
	dupg_manifest_free(m);
}

static void test_manifest_v2_bad(void)
{
	static const char *const bad[] = {
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"security_version\": -1, \"files\": []}",
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"security_version\": \"1\", \"files\": []}",
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"applies_to\": [\"1\"], \"files\": []}",
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"applies_to\": {\"min\": 1}, \"files\": []}",
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"applies_to\": {\"min\": \"3\", \"max\": \"2\"}, \"files\": []}",
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"expires\": \"2030-13-01T00:00:00Z\", \"files\": []}",
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"expires\": \"2030-01-01 00:00:00\", \"files\": []}",
		"{\"format\": 2, \"name\": \"n\", \"version\": \"2\", \"hw\": [\"A\"], \"files\": [{\"path\": \"x\", \"size\": 1, \"xxh128\": \"00000000000000000000000000000000\", \"sha256\": \"00\"}]}",
	};
	static const char *const why[] = { "security_version", "security_version", "applies_to",
					   "applies_to.min", "above max", "expires", "expires",
					   "files[0].sha256" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dupg_manifest *m = NULL;

		fx_expect_error(dupg_manifest_parse(&m, bad[i], strlen(bad[i]), "case"), DUPG_EFORMAT,
				"case", why[i]);
		CU_ASSERT_PTR_NULL(m);
	}
}

static void test_match_applies(void)
{
	dupg_pkgset *set = NULL;
	dupg_sysvd *old = NULL, *mid = NULL;
	dupg_task *t = NULL;
	const char *hw[] = { "B" };
	static const char old_json[] = "{\"hw\": {\"B\": [{\"version\": \"1.0\", \"devices\": [\"d1\"]}]}}";
	static const char mid_json[] = "{\"hw\": {\"B\": [{\"version\": \"2.5\", \"devices\": [\"d1\"]}]}}";

	CU_ASSERT_EQUAL_FATAL(dupg_pkgset_new(&set), 0);
	CU_ASSERT_EQUAL(dupg_pkgset_add(set, "p2", "2.0", hw, 1), 0);
	/* the best package applies only over 2.0 and up */
	CU_ASSERT_EQUAL(dupg_pkgset_add_ranged(set, "p3", "3.0", hw, 1, "2.0", NULL), 0);
	CU_ASSERT_EQUAL(dupg_pkgset_add_ranged(set, "p4", "4.0", hw, 1, NULL, "0.5"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&old, old_json, strlen(old_json), "old"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_sysvd_from_json(&mid, mid_json, strlen(mid_json), "mid"), 0);
	CU_ASSERT_EQUAL(dupg_match(&t, set, old), 0);
	CU_ASSERT_EQUAL(dupg_task_count(t), 1);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 0), "p2");
	dupg_task_free(t);
	CU_ASSERT_EQUAL(dupg_match(&t, set, mid), 0);
	CU_ASSERT_EQUAL(dupg_task_count(t), 1);
	CU_ASSERT_STRING_EQUAL(dupg_task_path(t, 0), "p3");
	dupg_task_free(t);
	fx_expect_error(dupg_pkgset_add_ranged(set, "p5", "5", hw, 1, "", NULL), DUPG_EINVAL, "p5", NULL);
	dupg_sysvd_free(old);
	dupg_sysvd_free(mid);
	dupg_pkgset_free(set);
}

/* A signed (k1) package dir/name.tar of version v, security version sv, for hardware B. */
static const char *store_pkg(const char *sdir, const char *name, const char *v, uint64_t sv, int sign,
			     int flip)
{
	const char *keys[] = { k1 };
	const char *hws[] = { "B" };
	dupg_pack_file f = { NULL, "bin/app" };
	dupg_pack_options o = DUPG_PACK_OPTIONS_INIT;
	char out[1024];

	f.source = fx_path(sdir, "src.bin");
	fx_write(f.source, payload);
	o.format = DUPG_PACK_TAR;
	o.security_version = sv;
	o.sign_keys = sign ? keys : NULL;
	o.sign_key_count = sign ? 1 : 0;
	snprintf(out, sizeof(out), "%s/%s", sdir, name);
	CU_ASSERT_EQUAL_FATAL(dupg_package_build(NULL, out, "app", v, hws, 1, &f, 1, &o), 0);
	if (flip) {
		FILE *fp = fopen(out, "r+b");
		char buf[8192];
		size_t n = fread(buf, 1, sizeof(buf), fp);
		char *at = NULL;
		size_t i;

		for (i = 0; at == NULL && i + 12 <= n; i++)
			if (memcmp(buf + i, "hello, small", 12) == 0)
				at = buf + i;

		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		fseek(fp, (long)(at - buf), SEEK_SET);
		fputc('j', fp);
		fclose(fp);
	}
	return fx_path(sdir, name);
}

/* Prune the store sdir/list with the one new package name under the policy. */
static int prune_one(const char *sdir, const char *name, const dupg_trust *t, const char *verified)
{
	dupg_admit_options ad = DUPG_ADMIT_OPTIONS_INIT;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *st = NULL;
	dupg_pathlist *d = NULL;
	char line[256];
	const char *v[1];
	int rc;

	snprintf(line, sizeof(line), "%s\n", name);
	fx_write(fx_path(sdir, "new"), line);
	ad.verify.policy = t != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
	ad.verify.trust = t;
	if (verified != NULL) {
		v[0] = verified;
		ad.verified = v;
		ad.verified_count = 1;
	}
	ao.no_fsync = 1;
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&st, fx_path(sdir, "list")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&d, fx_path(sdir, "new")), 0);
	rc = dupg_store_prune_ext(NULL, st, d, NULL, &ao, &ad);
	dupg_pathlist_free(d);
	dupg_store_free(st);
	return rc;
}

/* A refused prune changes nothing in the store (the download list aside, written first). */
static int prune_refused(const char *sdir, const char *name, const dupg_trust *t)
{
	char *before, *after;
	int rc;

	prune_one(sdir, name, t, NULL);
	before = fx_snapshot(sdir);
	rc = prune_one(sdir, name, t, NULL);
	after = fx_snapshot(sdir);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	return rc;
}

static void test_store_admits(void)
{
	const char *keys[] = { k1 };
	dupg_trust *t = trust_of(keys, 1, 1);
	char *sdir = fx_tmpdir();
	const char *list = fx_path(sdir, "list");
	char listfile[1024];
	dupg_store *st = NULL;
	uint64_t fl = 99;

	snprintf(listfile, sizeof(listfile), "%s", list);
	store_pkg(sdir, "p1.tar", "1", 1, 1, 0);
	fx_write(listfile, "p1.tar\n");
	CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "B"), 0);
	CU_ASSERT_EQUAL(fl, 0);
	/* a wrong digest in the download: refused, named, nothing changed */
	store_pkg(sdir, "bad.tar", "2", 2, 1, 1);
	fx_expect_error(prune_refused(sdir, "bad.tar", t), DUPG_EINTEGRITY, "bad.tar is not admitted",
			"digest mismatch");
	fx_expect_error(prune_refused(sdir, "bad.tar", NULL), DUPG_EINTEGRITY, "bad.tar", NULL);
	/* unsigned under a policy */
	store_pkg(sdir, "u.tar", "2", 2, 0, 0);
	fx_expect_error(prune_refused(sdir, "u.tar", t), DUPG_EUNSIGNED, "u.tar", "not signed");
	/* a good one raises the floor */
	store_pkg(sdir, "p3.tar", "3", 3, 1, 0);
	CU_ASSERT_EQUAL(prune_one(sdir, "p3.tar", t, NULL), 0);
	CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "B"), 0);
	CU_ASSERT_EQUAL(fl, 3);
	CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "Z"), 0);
	CU_ASSERT_EQUAL(fl, 0);
	/* below the floor, replayed: refused */
	store_pkg(sdir, "p2.tar", "2.5", 2, 1, 0);
	fx_expect_error(prune_refused(sdir, "p2.tar", t), DUPG_EROLLBACK, "p2.tar",
			"below the store's floor 3");
	/*
	 * Already in LIST: verified when it came in, not again (its file is
	 * damaged meanwhile, and the prune's own rule is what refuses it).
	 */
	store_pkg(sdir, "p3.tar", "3", 3, 1, 1);
	fx_expect_error(prune_refused(sdir, "p3.tar", t), DUPG_EEXISTS, "p3.tar", "already in the stored list");
	store_pkg(sdir, "p3.tar", "3", 3, 1, 0);
	CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "B"), 0);
	CU_ASSERT_EQUAL(fl, 3);
	/* rollback leaves the floor */
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&st, listfile), 0);
	CU_ASSERT_EQUAL(dupg_store_rollback(NULL, NULL, st, NULL), 0);
	dupg_store_free(st);
	CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "B"), 0);
	CU_ASSERT_EQUAL(fl, 3);
	/*
	 * What the caller verified is not read again: a payload flipped after
	 * that check goes through (which shows the second pass was skipped),
	 * while the head (its signature) is still checked.
	 */
	store_pkg(sdir, "v4.tar", "4", 4, 1, 1);
	CU_ASSERT_EQUAL(prune_one(sdir, "v4.tar", t, fx_path(sdir, "v4.tar")), 0);
	store_pkg(sdir, "v5.tar", "5", 5, 0, 0);
	fx_expect_error(prune_one(sdir, "v5.tar", t, "v5.tar"), DUPG_EUNSIGNED, "v5.tar", NULL);
	/* a broken floor file is named */
	fx_write(fx_path(sdir, "list.floor"), "{\"format\": 1, \"floor\": {\"B\": -1}}");
	fx_expect_error(dupg_store_floor(&fl, listfile, "B"), DUPG_EFORMAT, "list.floor", NULL);
	dupg_trust_free(t);
	fx_rmrf(sdir);
	free(sdir);
}

static int stop_at(dupg_apply_step step, void *arg)
{
	return step == *(const dupg_apply_step *)arg;
}

/* A crash anywhere in a prune that raises the floor: the floor rises with the upgrade, or not at all. */
static void test_floor_crash(void)
{
	static const dupg_apply_step steps[] = { DUPG_STEP_JOURNAL, DUPG_STEP_ROLLBACK, DUPG_STEP_LIST,
						 DUPG_STEP_DONE };
	const char *keys[] = { k1 };
	dupg_trust *t = trust_of(keys, 1, 1);
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		char *sdir = fx_tmpdir(), listfile[1024];
		dupg_admit_options ad = DUPG_ADMIT_OPTIONS_INIT;
		dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
		dupg_recover_report r;
		dupg_store *st = NULL;
		dupg_pathlist *d = NULL;
		dupg_apply_step at = steps[i];
		uint64_t fl = 99;
		int rc;

		snprintf(listfile, sizeof(listfile), "%s", fx_path(sdir, "list"));
		store_pkg(sdir, "p1.tar", "1", 1, 1, 0);
		store_pkg(sdir, "p4.tar", "4", 4, 1, 0);
		fx_write(listfile, "p1.tar\n");
		fx_write(fx_path(sdir, "new"), "p4.tar\n");
		ad.verify.policy = DUPG_TRUST_REQUIRED;
		ad.verify.trust = t;
		ao.step_cb = stop_at;
		ao.payload = &at;
		CU_ASSERT_EQUAL_FATAL(dupg_store_open(&st, listfile), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&d, fx_path(sdir, "new")), 0);
		rc = dupg_store_prune_ext(NULL, st, d, NULL, &ao, &ad);
		CU_ASSERT_EQUAL(rc, DUPG_EABORTED);
		dupg_pathlist_free(d);
		dupg_store_free(st);
		CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "B"), 0);
		/* the floor is written right after LIST: a crash at the step "list" comes before it */
		CU_ASSERT_EQUAL(fl, at == DUPG_STEP_DONE ? 4 : 0);
		CU_ASSERT_EQUAL(dupg_store_recover(&r, listfile, NULL), 0);
		CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "B"), 0);
		if (at == DUPG_STEP_JOURNAL || at == DUPG_STEP_ROLLBACK) {
			CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_UNDONE);
			CU_ASSERT_EQUAL(fl, 0);
		} else {
			CU_ASSERT_EQUAL(fl, 4);
		}
		/* a floor lost after the commit point is written again by recovery */
		if (at == DUPG_STEP_LIST) {
			CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_FINISHED);
		}
		fx_rmrf(sdir);
		free(sdir);
	}
	dupg_trust_free(t);
}

/* Recovery writes the journalled floor when a crash came between LIST and LIST.floor. */
static void test_floor_recovered(void)
{
	const char *keys[] = { k1 };
	dupg_trust *t = trust_of(keys, 1, 1);
	char *sdir = fx_tmpdir(), listfile[1024];
	dupg_admit_options ad = DUPG_ADMIT_OPTIONS_INIT;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_apply_step at = DUPG_STEP_LIST;
	dupg_recover_report r;
	dupg_store *st = NULL;
	dupg_pathlist *d = NULL;
	uint64_t fl = 99;

	snprintf(listfile, sizeof(listfile), "%s", fx_path(sdir, "list"));
	store_pkg(sdir, "p1.tar", "1", 1, 1, 0);
	store_pkg(sdir, "p4.tar", "4", 4, 1, 0);
	fx_write(listfile, "p1.tar\n");
	fx_write(fx_path(sdir, "new"), "p4.tar\n");
	ad.verify.policy = DUPG_TRUST_REQUIRED;
	ad.verify.trust = t;
	ao.step_cb = stop_at;
	ao.payload = &at;
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&st, listfile), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&d, fx_path(sdir, "new")), 0);
	CU_ASSERT_EQUAL(dupg_store_prune_ext(NULL, st, d, NULL, &ao, &ad), DUPG_EABORTED);
	/* the crash came after LIST, before LIST.floor was replaced */
	CU_ASSERT_FALSE(fx_exists(fx_path(sdir, "list.floor")));
	{
		char *j = fx_read(fx_path(sdir, "list.journal"));

		CU_ASSERT_PTR_NOT_NULL(j != NULL ? strstr(j, "\"floor\"") : NULL);
		free(j);
	}
	CU_ASSERT_EQUAL(dupg_store_recover(&r, listfile, NULL), 0);
	CU_ASSERT_EQUAL(r.action, DUPG_RECOVER_FINISHED);
	CU_ASSERT_EQUAL(dupg_store_floor(&fl, listfile, "B"), 0);
	CU_ASSERT_EQUAL(fl, 4);
	dupg_pathlist_free(d);
	dupg_store_free(st);
	dupg_trust_free(t);
	fx_rmrf(sdir);
	free(sdir);
}

/* A progress callback that counts its calls and cancels when asked. */
static int count_progress(uint64_t done, uint64_t total, const char *file, void *counts)
{
	int *calls = counts;

	(void)done;
	(void)total;
	(void)file;
	return ++calls[0] == calls[1];
}

/*
 * Admission options of version 1 (whose verify options ended at `now`) are
 * read as they were laid out; version 2 carries a progress callback into
 * every verification, and one that cancels changes nothing on disk.
 */
static void test_admit_versions(void)
{
	const char *keys[] = { k1 };
	dupg_trust *t = trust_of(keys, 1, 1);
	char *sdir = fx_tmpdir(), listfile[1024], *before;
	struct {
		unsigned int version;
		struct {
			unsigned int version;
			dupg_trust_policy policy;
			const dupg_trust *trust;
			int64_t now;
		} verify;
		const char *const *verified;
		size_t verified_count;
	} v1 = { 1, { 1, DUPG_TRUST_REQUIRED, NULL, DUPG_VERIFY_NO_EXPIRY }, NULL, 0 };
	dupg_admit_options ad = DUPG_ADMIT_OPTIONS_INIT;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *st = NULL;
	dupg_pathlist *d = NULL;
	int calls[2] = { 0, 0 };

	snprintf(listfile, sizeof(listfile), "%s", fx_path(sdir, "list"));
	store_pkg(sdir, "p1.tar", "1", 0, 1, 0);
	store_pkg(sdir, "p2.tar", "2", 0, 0, 0);
	store_pkg(sdir, "p3.tar", "3", 0, 1, 0);
	fx_write(listfile, "p1.tar\n");
	ao.no_fsync = 1;
	/* version 1 with a policy that requires signatures: the unsigned p2 is refused */
	v1.verify.trust = t;
	fx_write(fx_path(sdir, "new"), "p2.tar\n");
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&st, listfile), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&d, fx_path(sdir, "new")), 0);
	CU_ASSERT_EQUAL(dupg_store_prune_ext(NULL, st, d, NULL, &ao, (const dupg_admit_options *)(void *)&v1),
			DUPG_EUNSIGNED);
	dupg_pathlist_free(d);
	d = NULL;
	/* version 2: the progress callback runs; cancelling refuses the prune, nothing changes */
	fx_write(fx_path(sdir, "new"), "p3.tar\n");
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&d, fx_path(sdir, "new")), 0);
	ad.verify.policy = DUPG_TRUST_REQUIRED;
	ad.verify.trust = t;
	ad.verify.progress = count_progress;
	ad.verify.payload = calls;
	calls[1] = 1;
	before = fx_snapshot(sdir);
	CU_ASSERT_EQUAL(dupg_store_prune_ext(NULL, st, d, NULL, &ao, &ad), DUPG_EABORTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "p3.tar"));
	CU_ASSERT_EQUAL(calls[0], 1);
	{
		char *after = fx_snapshot(sdir);

		CU_ASSERT_STRING_EQUAL(before, after);
		free(after);
	}
	free(before);
	calls[0] = 0;
	calls[1] = 0;
	CU_ASSERT_EQUAL(dupg_store_prune_ext(NULL, st, d, NULL, &ao, &ad), 0);
	CU_ASSERT(calls[0] >= 2); /* the file, the end */
	dupg_pathlist_free(d);
	dupg_store_free(st);
	dupg_trust_free(t);
	fx_rmrf(sdir);
	free(sdir);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "keys: generate (0600), ids, bad key files", test_keys },
		{ "a signed package verifies", test_good },
		{ "a payload byte flipped", test_payload_flipped },
		{ "the manifest changed after signing", test_manifest_changed },
		{ "the signature of another package's manifest", test_other_signature },
		{ "truncated, oversized, malformed manifest.sig", test_bad_sigfile },
		{ "unsigned, unknown key, threshold, revoked", test_unsigned_and_keys },
		{ "expired", test_expired },
		{ "format 1 under a required policy", test_format1_required },
		{ "manifest.sig only right after manifest.json", test_sig_position },
		{ "dupg_package_build signs and writes format 2", test_build_signed },
		{ "trust directories", test_load_dir },
		{ "format-2 manifests", test_manifest_v2 },
		{ "bad format-2 manifests", test_manifest_v2_bad },
		{ "matching honours applies_to", test_match_applies },
		{ "a store admits only verified packages, above its floor", test_store_admits },
		{ "a crash in a prune: the floor rises with the upgrade or not at all", test_floor_crash },
		{ "recovery writes the journalled floor", test_floor_recovered },
		{ "admission options of version 1, progress in version 2", test_admit_versions },
		CU_TEST_INFO_NULL,
	};
	int rc;

	rc = fx_run("trust", tests);
	if (dir != NULL) {
		fx_rmrf(dir);
		free(dir);
	}
	return rc;
}
