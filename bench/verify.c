/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verify: a package of N payload bytes (semi-compressible, deterministic) as
 * tar, tar.gz and tar.zst, built once with dupg_package_build into the cache,
 * format 2 (every file with its SHA-256) and signed with a key kept there.
 *   op manifest: dupg_package_read_manifest_ext under a trust store (the
 *                manifest-first read and the signature check); limit:
 *                libarchive reading the first entry alone;
 *   op sigcheck: dupg_trust_check on the manifest's bytes and signature file
 *                alone; limit: one EVP_DigestVerify of an Ed25519 signature;
 *   op verify:   dupg_package_verify_ext under the trust store (signature,
 *                sizes, XXH3-128 and SHA-256 of every file); limit:
 *                libarchive decompressing the whole archive and libcrypto's
 *                SHA-256 over every entry, nothing else.
 * No naive method applies. The verify run also checks, with libarchive and
 * XXH3-128 called here, that every entry's size and digest are those of the
 * manifest, and (smoke mode) that a flipped byte fails verification.
 * The packages sit in the page cache: the figures are CPU costs.
 */
#include "bench.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <xxhash.h>

#include "dupg.h"

#define VERIFY_CACHE_VERSION 3
#define VERIFY_BLOCK 4096
#define VERIFY_SMALL_FILES 8
#define VERIFY_SMALL_SIZE 1000
#define VERIFY_CHUNK (1024 * 1024)

struct verify_case {
	uint64_t size;
	const char *format;  /* "tar", "tar.gz", "tar.zst" */
	const char *op;      /* "manifest", "verify" */
	const char *cache;
};

static dupg_pack_format format_of(const char *name)
{
	if (strcmp(name, "tar") == 0)
		return DUPG_PACK_TAR;
	if (strcmp(name, "tar.gz") == 0)
		return DUPG_PACK_TAR_GZ;
	return DUPG_PACK_TAR_ZST;
}

/*
 * 4 KiB blocks, one of: text over a 32-letter alphabet (half of them), a
 * mutated copy of a recent block (a quarter), random bytes (a quarter): gzip
 * gets it to a bit over half its size.
 */
static void fill(unsigned char *buf, size_t len, uint64_t *rng, unsigned char *hist, size_t *nhist)
{
	static const char alphabet[32] = "etaoinshrdlucmfwypvbgkqjxz .,\n01";
	size_t off, i;

	for (off = 0; off < len; off += VERIFY_BLOCK) {
		unsigned char *b = buf + off;
		size_t n = len - off < VERIFY_BLOCK ? len - off : VERIFY_BLOCK;
		uint32_t kind = rng_below(rng, 4);

		if (kind == 2 && *nhist > 0) {
			memcpy(b, hist + rng_below(rng, (uint32_t)*nhist) * VERIFY_BLOCK, n);
			for (i = 0; i < 16; i++)
				b[rng_below(rng, (uint32_t)n)] = (unsigned char)rng_next(rng);
		} else if (kind == 3) {
			for (i = 0; i < n; i++)
				b[i] = (unsigned char)(rng_next(rng) >> 56);
		} else {
			for (i = 0; i + 12 <= n; i += 12) {
				uint64_t x = rng_next(rng);
				size_t k;

				for (k = 0; k < 12; k++, x >>= 5)
					b[i + k] = (unsigned char)alphabet[x & 31];
			}
			for (; i < n; i++)
				b[i] = (unsigned char)alphabet[rng_below(rng, 32)];
		}
		if (n == VERIFY_BLOCK) {
			/* Keep the last 7 blocks: copies stay within gzip's 32 KiB window. */
			memmove(hist + VERIFY_BLOCK, hist, 6 * VERIFY_BLOCK);
			memcpy(hist, b, VERIFY_BLOCK);
			if (*nhist < 7)
				(*nhist)++;
		}
	}
}

struct payload {
	char src[64][4096];
	char dst[64][128];
	dupg_pack_file files[64];
	size_t n;
};

/* The payload's file list: a root file system image, a kernel, data chunks, small configs. */
static int payload_plan(struct payload *p, const char *dir, uint64_t size, uint64_t *sizes)
{
	uint64_t small = size > 100000 ? VERIFY_SMALL_FILES * VERIFY_SMALL_SIZE : 0;
	uint64_t rest = size - small, kernel = rest / 5, rootfs = rest * 3 / 5;
	uint64_t data = rest - kernel - rootfs;
	size_t i;

	p->n = 0;
#define ADD(name, bytes) do { \
		snprintf(p->dst[p->n], sizeof(p->dst[0]), "%s", name); \
		sizes[p->n++] = (bytes); \
	} while (0)
	ADD("rootfs.img", rootfs);
	ADD("boot/kernel.bin", kernel);
	for (i = 0; data > 0 && p->n < 56; i++) {
		uint64_t n = data < VERIFY_CHUNK ? data : VERIFY_CHUNK;
		char name[64];

		if (p->n == 55)
			n = data;
		snprintf(name, sizeof(name), "data/blob%03zu.bin", i);
		ADD(name, n);
		data -= n;
	}
	for (i = 0; small > 0 && i < VERIFY_SMALL_FILES; i++) {
		char name[64];

		snprintf(name, sizeof(name), "etc/conf%zu.cfg", i);
		ADD(name, VERIFY_SMALL_SIZE);
	}
#undef ADD
	for (i = 0; i < p->n; i++) {
		if (bench_pathf(p->src[i], sizeof(p->src[0]), "%s/payload/f%02zu.bin", dir, i) != 0)
			return 1;
		p->files[i].source = p->src[i];
		p->files[i].path = p->dst[i];
	}
	return 0;
}

/* Build the payload and the three packages once. */
static int verify_cache(const char *dir, uint64_t size)
{
	static const char *const formats[] = { "tar", "tar.gz", "tar.zst" };
	struct payload *p = calloc(1, sizeof(*p));
	uint64_t sizes[64], rng = BENCH_SEED;
	unsigned char *buf = malloc(VERIFY_CHUNK), *hist = malloc(7 * VERIFY_BLOCK);
	char path[4096];
	size_t nhist = 0, i;
	int rc = 1;

	if (p == NULL || buf == NULL || hist == NULL) {
		bench_fail("out of memory");
		goto out;
	}
	if (payload_plan(p, dir, size, sizes) != 0 ||
	    bench_pathf(path, sizeof(path), "%s/payload/.complete", dir) != 0)
		goto out;
	if (!bench_exists(path)) {
		if (bench_pathf(path, sizeof(path), "%s/payload", dir) != 0 || bench_mkdirs(path) != 0)
			goto out;
		for (i = 0; i < p->n; i++) {
			FILE *f = fopen(p->src[i], "wb");
			uint64_t left = sizes[i];

			if (f == NULL) {
				bench_fail("%s: %s", p->src[i], strerror(errno));
				goto out;
			}
			while (left > 0) {
				size_t n = left < VERIFY_CHUNK ? (size_t)left : VERIFY_CHUNK;

				fill(buf, n, &rng, hist, &nhist);
				if (fwrite(buf, 1, n, f) != n)
					break;
				left -= n;
			}
			if (fclose(f) != 0 || left > 0) {
				bench_fail("%s: write failed", p->src[i]);
				goto out;
			}
		}
		if (bench_pathf(path, sizeof(path), "%s/payload/.complete", dir) != 0 ||
		    bench_write(path, "", 0) != 0)
			goto out;
	}
	{
		char key[4096], pub[4096];
		int lrc;

		if (bench_pathf(key, sizeof(key), "%s/signing.key", dir) != 0 ||
		    bench_pathf(pub, sizeof(pub), "%s/signing.pub", dir) != 0)
			goto out;
		if (!bench_exists(pub) && (lrc = dupg_key_generate(key, pub, NULL)) != 0) {
			bench_lib_fail("dupg_key_generate", lrc);
			goto out;
		}
	}
	for (i = 0; i < 3; i++) {
		dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
		const char *hw[] = { "BBU-5216", "BBU-5216-B" };
		char key[4096];
		const char *keys[1];
		int lrc;

		if (bench_pathf(path, sizeof(path), "%s/package.%s", dir, formats[i]) != 0)
			goto out;
		if (bench_exists(path))
			continue;
		opts.format = format_of(formats[i]);
		opts.no_fsync = 1;
		opts.build_time = "2024-01-05T00:00:00Z";
		opts.vendor = "libdupg bench";
		opts.security_version = 1;
		if (bench_pathf(key, sizeof(key), "%s/signing.key", dir) != 0)
			goto out;
		keys[0] = key;
		opts.sign_keys = keys;
		opts.sign_key_count = 1;
		lrc = dupg_package_build(NULL, path, "bench-payload", "1.0.0", hw, 2, p->files, p->n,
					 &opts);
		if (lrc != 0) {
			bench_lib_fail("dupg_package_build", lrc);
			goto out;
		}
	}
	rc = 0;
out:
	free(p);
	free(buf);
	free(hist);
	return rc;
}

struct verify_run {
	const char *path;
	int rc;
	int arc;       /* libarchive failure in a limit run */
	uint64_t bytes;
	dupg_manifest *m;
	dupg_verify_options vo;  /* under the package's trust store */
	char *json, *sig;        /* manifest.json and manifest.sig, for sigcheck */
	size_t json_len, sig_len;
	EVP_PKEY *pub;           /* the signing key, for the sigcheck limit */
	unsigned char raw_sig[64];
};

static void run_manifest(void *arg)
{
	struct verify_run *r = arg;
	int rc = dupg_package_read_manifest_ext(&r->m, r->path, &r->vo);

	if (rc != 0)
		r->rc = rc;
}

static void run_verify(void *arg)
{
	struct verify_run *r = arg;
	int rc = dupg_package_verify_ext(NULL, r->path, &r->vo);

	if (rc != 0)
		r->rc = rc;
}

static void run_sigcheck(void *arg)
{
	struct verify_run *r = arg;
	int rc = dupg_trust_check(r->vo.trust, r->json, r->json_len, r->sig, r->sig_len, r->path);

	if (rc != 0)
		r->rc = rc;
}

/* The limit of a signature check: one Ed25519 verification by libcrypto. */
static void run_ed25519(void *arg)
{
	struct verify_run *r = arg;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL || EVP_DigestVerifyInit(c, NULL, NULL, NULL, r->pub) != 1 ||
	    EVP_DigestVerify(c, r->raw_sig, 64, (const unsigned char *)r->json, r->json_len) != 1)
		r->arc = 1;
	EVP_MD_CTX_free(c);
}

static void after_lib(void *arg)
{
	struct verify_run *r = arg;

	dupg_manifest_free(r->m);
	r->m = NULL;
}

static struct archive *open_archive(const char *path)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		bench_fail("%s: %s", path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* The limit of a manifest read: the first entry alone. */
static void run_first_entry(void *arg)
{
	struct verify_run *r = arg;
	struct archive *a = open_archive(r->path);
	struct archive_entry *e;
	char buf[65536];
	la_ssize_t n;

	if (a == NULL || archive_read_next_header(a, &e) != ARCHIVE_OK) {
		r->arc = 1;
	} else {
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			r->bytes += (uint64_t)n;
		if (n < 0)
			r->arc = 1;
	}
	if (a != NULL)
		archive_read_free(a);
}

/* The limit of a verification: every entry decompressed and through SHA-256, nothing else. */
static void run_decompress(void *arg)
{
	struct verify_run *r = arg;
	struct archive *a = open_archive(r->path);
	struct archive_entry *e;
	EVP_MD_CTX *sha = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl;
	const void *buf;
	size_t len;
	la_int64_t off;
	int rc;

	if (a == NULL || sha == NULL) {
		r->arc = 1;
		EVP_MD_CTX_free(sha);
		if (a != NULL)
			archive_read_free(a);
		return;
	}
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		EVP_DigestInit_ex(sha, EVP_sha256(), NULL);
		while ((rc = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
			EVP_DigestUpdate(sha, buf, len);
			r->bytes += len;
		}
		EVP_DigestFinal_ex(sha, d, &dl);
		if (rc != ARCHIVE_EOF)
			break;
	}
	if (rc != ARCHIVE_EOF)
		r->arc = 1;
	EVP_MD_CTX_free(sha);
	archive_read_free(a);
}

/* manifest.json and manifest.sig of a package (the first two entries), and the raw signature. */
static int read_head(struct verify_run *r, const char *pub_path)
{
	struct archive *a = open_archive(r->path);
	struct archive_entry *e;
	char **bufs[2] = { &r->json, &r->sig };
	size_t *lens[2] = { &r->json_len, &r->sig_len };
	FILE *f;
	size_t i;

	if (a == NULL)
		return 1;
	for (i = 0; i < 2; i++) {
		la_int64_t n;

		if (archive_read_next_header(a, &e) != ARCHIVE_OK || (n = archive_entry_size(e)) <= 0 ||
		    (*bufs[i] = malloc((size_t)n + 1)) == NULL ||
		    archive_read_data(a, *bufs[i], (size_t)n) != (la_ssize_t)n) {
			archive_read_free(a);
			return bench_fail("verify: %s: cannot read its first two entries", r->path);
		}
		(*bufs[i])[n] = '\0';
		*lens[i] = (size_t)n;
	}
	archive_read_free(a);
	{
		/* {"format":1,"signatures":[{"keyid":"...","sig":"BASE64"}]}: decode the one signature */
		const char *s = strstr(r->sig, "\"sig\":\"");
		unsigned char out[66];

		if (s == NULL || EVP_DecodeBlock(out, (const unsigned char *)s + 7, 88) != 66)
			return bench_fail("verify: %s: manifest.sig holds no signature", r->path);
		memcpy(r->raw_sig, out, 64);
	}
	f = fopen(pub_path, "rb");
	if (f == NULL)
		return bench_fail("%s: %s", pub_path, strerror(errno));
	r->pub = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	return r->pub == NULL ? bench_fail("%s: not a public key", pub_path) : 0;
}

/* Every entry's size and XXH3-128, computed here, against the manifest. */
static size_t cross_check(const char *path, const dupg_manifest *m)
{
	struct archive *a = open_archive(path);
	struct archive_entry *e;
	size_t bad = 0, seen = 0, i;
	int rc;

	if (a == NULL)
		return 1;
	while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		XXH3_state_t *st;
		XXH128_canonical_t canon;
		const void *buf;
		size_t len;
		la_int64_t off;
		uint64_t total = 0;

		if (archive_entry_filetype(e) != AE_IFREG || strcmp(name, "manifest.json") == 0 ||
		    strcmp(name, "manifest.sig") == 0)
			continue;
		st = XXH3_createState();
		if (st == NULL)
			return bench_fail("out of memory");
		XXH3_128bits_reset(st);
		while (archive_read_data_block(a, &buf, &len, &off) == ARCHIVE_OK) {
			XXH3_128bits_update(st, buf, len);
			total += len;
		}
		XXH128_canonicalFromHash(&canon, XXH3_128bits_digest(st));
		XXH3_freeState(st);
		for (i = 0; i < dupg_manifest_file_count(m); i++) {
			if (strcmp(dupg_manifest_file_path(m, i), name) == 0)
				break;
		}
		if (i == dupg_manifest_file_count(m) || dupg_manifest_file_size(m, i) != total ||
		    memcmp(dupg_manifest_file_xxh128(m, i), canon.digest, 16) != 0) {
			bench_fail("verify: %s: entry %s does not match its manifest", path, name);
			bad++;
		}
		seen++;
	}
	if (rc != ARCHIVE_EOF || seen != dupg_manifest_file_count(m)) {
		bench_fail("verify: %s: %zu entries read, %zu listed", path, seen,
			   dupg_manifest_file_count(m));
		bad++;
	}
	archive_read_free(a);
	return bad;
}

/* A copy with one byte flipped in the middle of the payload must fail verification. */
static size_t corrupt_check(const char *path)
{
	char *dir = bench_scratch(), copy[4096];
	size_t bad = 0;
	FILE *f;
	long size;
	int c, rc;

	if (dir == NULL)
		return 1;
	if (bench_pathf(copy, sizeof(copy), "%s/bad.tar", dir) != 0 || bench_copy(path, copy) != 0 || (f = fopen(copy, "r+b")) == NULL) {
		bench_rmrf(dir);
		free(dir);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, size / 2, SEEK_SET);
	c = fgetc(f);
	fseek(f, size / 2, SEEK_SET);
	fputc(c ^ 0x20, f);
	fclose(f);
	rc = dupg_package_verify(NULL, copy);
	if (rc != DUPG_EINTEGRITY) {
		bench_fail("verify: a flipped byte gave %s, expected DUPG_EINTEGRITY",
			   dupg_strerror(rc));
		bad++;
	}
	bench_rmrf(dir);
	free(dir);
	return bad;
}

static int verify_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const struct verify_case *c = arg;
	struct verify_run r;
	char dir[4096], path[4096], variant[64], pub[4096];
	double lib_ns, limit_ns, best[2];
	size_t bad = 0;
	int manifest = strcmp(c->op, "manifest") == 0, sigcheck = strcmp(c->op, "sigcheck") == 0;
	dupg_trust *trust = NULL;
	int trc;
	FILE *f;
	long archive_bytes = -1;

	memset(&r, 0, sizeof(r));
	if (bench_pathf(dir, sizeof(dir), "%s/verify-v%d-%llu", c->cache, VERIFY_CACHE_VERSION,
			(unsigned long long)c->size) != 0 ||
	    bench_pathf(path, sizeof(path), "%s/package.%s", dir, c->format) != 0 ||
	    verify_cache(dir, c->size) != 0)
		return 2;
	r.path = path;
	r.vo = (dupg_verify_options)DUPG_VERIFY_OPTIONS_INIT;
	if (bench_pathf(pub, sizeof(pub), "%s/signing.pub", dir) != 0)
		return 2;
	if ((trc = dupg_trust_new(&trust)) != 0 || (trc = dupg_trust_add_key_file(trust, pub)) != 0)
		return bench_lib_fail(pub, trc) + 1;
	r.vo.policy = DUPG_TRUST_REQUIRED;
	r.vo.trust = trust;
	if (sigcheck && read_head(&r, pub) != 0)
		return 2;
	f = fopen(path, "rb");
	if (f != NULL) {
		fseek(f, 0, SEEK_END);
		archive_bytes = ftell(f);
		fclose(f);
	}

	if (manifest) {
		static const struct bench_fn fns[] = { { run_manifest, after_lib }, { run_first_entry, NULL } };

		bench_turns(o, fns, 2, &r, 5, 1000, best);
	} else if (sigcheck) {
		static const struct bench_fn fns[] = { { run_sigcheck, NULL }, { run_ed25519, NULL } };

		bench_turns(o, fns, 2, &r, 5, 1000, best);
	} else {
		static const struct bench_fn fns[] = { { run_verify, NULL }, { run_decompress, NULL } };

		bench_turns(o, fns, 2, &r, 3, 6, best);
	}
	lib_ns = best[0];
	limit_ns = best[1];
	if (r.rc != 0)
		return bench_lib_fail(path, r.rc) + 1;
	if (r.arc)
		return bench_fail("verify: %s: libarchive could not read it", path) + 1;

	if (!manifest && !sigcheck) {
		dupg_manifest *m = NULL, *m2 = NULL;
		char *j1 = NULL, *j2 = NULL;
		int rc = dupg_package_verify(&m, path);

		if (rc == 0)
			rc = dupg_package_read_manifest(&m2, path);
		if (rc == 0 && (rc = dupg_manifest_to_json(&j1, m)) == 0)
			rc = dupg_manifest_to_json(&j2, m2);
		if (rc != 0) {
			bad++;
			bench_lib_fail(path, rc);
		} else {
			if (strcmp(j1, j2) != 0 || dupg_manifest_total_size(m) != c->size) {
				bench_fail("verify: %s: the manifest read alone differs from the verified one",
					   path);
				bad++;
			}
			bad += cross_check(path, m);
		}
		dupg_free(j1);
		dupg_free(j2);
		dupg_manifest_free(m);
		dupg_manifest_free(m2);
		if (o->check && strcmp(c->format, "tar") == 0)
			bad += corrupt_check(path);
	}

	snprintf(variant, sizeof(variant), "%s %s", c->op, c->format);
	bench_head(line, "verify", variant, c->size);
	jput_str(line, "op", c->op);
	jput_str(line, "format", c->format);
	jput_int(line, "archive_bytes", archive_bytes);
	if (manifest || sigcheck) {
		bench_put_figures(line, 1, lib_ns, NAN, limit_ns);
		bench_put_target(line, "ns_per_item < 1e6 (1 ms)", lib_ns < 1e6);
	} else {
		bench_put_figures(line, c->size, lib_ns, NAN, limit_ns);
		jput_num(line, "mb_per_s", (double)c->size / (lib_ns / 1e9) / 1e6);
		jput_num(line, "limit_mb_per_s", (double)c->size / (limit_ns / 1e9) / 1e6);
		bench_put_target(line, "ratio_limit <= 1.3", lib_ns / limit_ns <= 1.3);
	}
	jput_bool(line, "identical", bad == 0);
	dupg_trust_free(trust);
	free(r.json);
	free(r.sig);
	EVP_PKEY_free(r.pub);
	return bad == 0 ? 0 : 1;
}

int bench_verify(const struct bench_opts *o)
{
	static const uint64_t sizes[] = { 1000000, 10000000, 100000000 };
	static const uint64_t smoke[] = { 200000 };
	static const char *const formats[] = { "tar", "tar.gz", "tar.zst" };
	static const char *const ops[] = { "manifest", "sigcheck", "verify" };
	const uint64_t *list = o->check ? smoke : sizes;
	size_t n = o->check ? 1 : 3, i, j, k;
	char *scratch_cache = NULL;
	struct verify_case c;
	int fail = 0, any = 0;

	if (o->have_size) {
		list = &o->size;
		n = 1;
	}
	c.cache = o->cache;
	/* The smoke run leaves nothing behind. */
	if (o->check && (c.cache = scratch_cache = bench_scratch()) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		for (j = 0; j < 3; j++) {
			if (o->variant != NULL && strcmp(o->variant, formats[j]) != 0)
				continue;
			any = 1;
			for (k = 0; k < 3; k++) {
				c.size = list[i];
				c.format = formats[j];
				c.op = ops[k];
				fail |= bench_in_child(o, verify_one, &c);
			}
		}
	}
	if (scratch_cache != NULL) {
		bench_rmrf(scratch_cache);
		free(scratch_cache);
	}
	if (!any)
		return bench_fail("verify variants: tar, tar.gz, tar.zst");
	return fail;
}
