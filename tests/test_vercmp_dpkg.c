/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dupg_vercmp against libdpkg's own comparison: every pair of the real
 * versions in tests/data/debian-versions.txt (Debian 12's archive, every
 * version with an epoch and a sample of the rest), random versions made of
 * the characters that matter, and one-character mutations of real ones.
 * Strings that dpkg refuses (its parse reports an error, not a warning) are
 * left out: for them libdupg's lenient reading (vercmp.h) has no referee.
 * Zero disagreements is the only pass.
 */
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/version.h>

#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ver {
	char *text;
	struct dpkg_version dv;
};

static size_t shown;

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

/* 1 when dpkg takes s (a warning is taken: dpkg --compare-versions goes on with it). */
static int dpkg_parse(struct dpkg_version *dv, const char *s)
{
	struct dpkg_error err = DPKG_ERROR_INIT;
	int ok = parseversion(dv, s, &err) == 0 || err.type == DPKG_MSG_WARN;

	dpkg_error_destroy(&err);
	/* dpkg trims blanks around a version; libdupg compares what it is given */
	return ok && strpbrk(s, " \t\n\r\f\v") == NULL;
}

/* 1 when both agree on a and b, in both directions. */
static int agree(const char *a, const struct dpkg_version *da, const char *b,
		 const struct dpkg_version *db)
{
	int want = sign(dpkg_version_compare(da, db));
	int got = sign(dupg_vercmp(a, b)), back = sign(dupg_vercmp(b, a));

	if (got == want && back == -want)
		return 1;
	if (shown++ < 20)
		fprintf(stderr, "disagree: \"%s\" vs \"%s\": dpkg %d, libdupg %d (reverse %d)\n", a, b,
			want, got, back);
	return 0;
}

static struct ver *load(size_t *count)
{
	const char *top = getenv("top_srcdir");
	char path[4096], line[512];
	struct ver *v = NULL;
	size_t n = 0, cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/debian-versions.txt", top != NULL ? top : ".");
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		CU_FAIL_FATAL("no version list");
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
			CU_ASSERT_FATAL(v != NULL);
		}
		v[n].text = strdup(line);
		CU_ASSERT_FATAL(v[n].text != NULL);
		if (!dpkg_parse(&v[n].dv, v[n].text)) {
			fprintf(stderr, "%s: dpkg refuses \"%s\"\n", path, line);
			CU_FAIL("a version of the list is not dpkg's");
			free(v[n].text);
			continue;
		}
		n++;
	}
	fclose(f);
	*count = n;
	return v;
}

static void release(struct ver *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

static void test_real_pairs(void)
{
	size_t n, i, j, bad = 0, epochs = 0, revisions = 0;
	struct ver *v = load(&n);

	CU_ASSERT(n > 3000);
	for (i = 0; i < n; i++) {
		epochs += strchr(v[i].text, ':') != NULL;
		revisions += strchr(v[i].text, '-') != NULL;
		for (j = i; j < n; j++)
			bad += !agree(v[i].text, &v[i].dv, v[j].text, &v[j].dv);
	}
	fprintf(stderr, "real: %zu versions (%zu with an epoch, %zu with a revision), %zu pairs, "
		"%zu disagreements\n", n, epochs, revisions, n * (n + 1) / 2, bad);
	CU_ASSERT(epochs > 500);
	CU_ASSERT(revisions > 1000);
	CU_ASSERT_EQUAL(bad, 0);
	release(v, n);
}

/* A random version from the characters that decide dpkg's order. */
static void random_version(char *out, size_t cap, uint64_t *rng)
{
	static const char alphabet[] = "0123456789000111~~..--::++aAzZbx";
	size_t len = 1 + fx_rand(rng, 12), i;

	for (i = 0; i < len && i + 1 < cap; i++)
		out[i] = alphabet[fx_rand(rng, sizeof(alphabet) - 1)];
	out[i] = '\0';
}

static void test_random_pairs(void)
{
	uint64_t rng = 0x5eed2026;
	size_t i, bad = 0, taken = 0, epochs = 0;
	char a[32], b[32];

	for (i = 0; i < 400000; i++) {
		struct dpkg_version da, db;
		random_version(a, sizeof(a), &rng);
		/* half of the pairs share a prefix, where the parts are told apart */
		if (fx_rand(&rng, 2)) {
			size_t keep = fx_rand(&rng, strlen(a) + 1);
			memcpy(b, a, keep);
			random_version(b + keep, sizeof(b) - keep, &rng);
		} else {
			random_version(b, sizeof(b), &rng);
		}
		if (!dpkg_parse(&da, a) || !dpkg_parse(&db, b))
			continue;
		taken++;
		epochs += da.epoch != 0 || db.epoch != 0;
		bad += !agree(a, &da, b, &db);
	}
	fprintf(stderr, "random: %zu pairs dpkg takes (%zu with an epoch), %zu disagreements\n",
		taken, epochs, bad);
	CU_ASSERT(taken > 50000);
	CU_ASSERT(epochs > 5000);
	CU_ASSERT_EQUAL(bad, 0);
}

/* Real versions with one character changed, inserted or removed, against the original. */
static void test_mutations(void)
{
	static const char alphabet[] = "0123456789~.-:+a";
	uint64_t rng = 0xd1ff;
	size_t n, i, k, bad = 0, taken = 0;
	struct ver *v = load(&n);

	for (i = 0; i < n; i++)
		for (k = 0; k < 8; k++) {
			char m[600];
			size_t len = strlen(v[i].text), at = fx_rand(&rng, len + 1);
			char c = alphabet[fx_rand(&rng, sizeof(alphabet) - 1)];
			struct dpkg_version dm;

			if (len + 2 > sizeof(m))
				continue;
			memcpy(m, v[i].text, len + 1);
			switch (fx_rand(&rng, 3)) {
			case 0:
				if (at < len)
					m[at] = c;
				break;
			case 1:
				memmove(m + at + 1, m + at, len - at + 1);
				m[at] = c;
				break;
			default:
				if (at < len)
					memmove(m + at, m + at + 1, len - at);
				break;
			}
			if (!dpkg_parse(&dm, m))
				continue;
			taken++;
			bad += !agree(v[i].text, &v[i].dv, m, &dm);
		}
	fprintf(stderr, "mutations: %zu pairs, %zu disagreements\n", taken, bad);
	CU_ASSERT(taken > 10000);
	CU_ASSERT_EQUAL(bad, 0);
	release(v, n);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "every pair of real versions", test_real_pairs },
		{ "random versions", test_random_pairs },
		{ "one-character mutations", test_mutations },
		CU_TEST_INFO_NULL,
	};
	return fx_run("vercmp against libdpkg", tests);
}
