/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vercmp: N comparisons of version pairs drawn from a pool of 4,096 versions
 * in 256 families (same major.minor): half of the pairs within a family, one
 * in eight equal (distinct copies of the same text), the rest at random.
 *   optimized: dupg_vercmp;
 *   naive:     none (the seed has no comparison method of its own);
 *   limit:     strcmp of the same pairs.
 * Every result is checked against an independent plain dpkg-style comparison.
 */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dupg.h"

#define POOL 4096
#define FAMILY 16

/* Pairs are timed a chunk at a time: the sum of each chunk's best run resists the machine's noise. */
#define CHUNK 65536

struct vercmp_run {
	char *a[POOL];  /* the pool */
	char *b[POOL];  /* copies of it: equal pairs are not the same pointer */
	uint16_t *ia, *ib;
	size_t n;
	size_t lo, hi;  /* the chunk being timed */
	long sink;
};

static void run_lib(void *arg)
{
	struct vercmp_run *r = arg;
	long sink = 0;
	size_t i;

	for (i = r->lo; i < r->hi; i++)
		sink += dupg_vercmp(r->a[r->ia[i]], r->b[r->ib[i]]) > 0;
	r->sink += sink;
}

static void run_limit(void *arg)
{
	struct vercmp_run *r = arg;
	long sink = 0;
	size_t i;

	for (i = r->lo; i < r->hi; i++)
		sink += strcmp(r->a[r->ia[i]], r->b[r->ib[i]]) > 0;
	r->sink += sink;
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static int vercmp_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	static const char *const suffix[] = { "", "", "", "", "", "", "~rc1", "~rc2", "~beta3",
					      "a", "b", "-1", "-2", "+git20240105", ".1", ".10" };
	const uint64_t *size = arg;
	struct vercmp_run r;
	uint64_t rng = BENCH_SEED;
	double lib_ns, limit_ns, per;
	size_t i, checked, bad = 0;
	int rc = 2;

	memset(&r, 0, sizeof(r));
	r.n = (size_t)*size;
	for (i = 0; i < POOL; i++) {
		char buf[64];
		uint64_t fam = BENCH_SEED + i / FAMILY;
		unsigned major = 1 + rng_below(&fam, 12), minor = rng_below(&fam, 31);

		snprintf(buf, sizeof(buf), "%u.%s%u.%u%s", major, rng_below(&rng, 16) ? "" : "0",
			 minor, rng_below(&rng, 200), suffix[rng_below(&rng, 16)]);
		r.a[i] = strdup(buf);
		r.b[i] = strdup(buf);
		if (r.a[i] == NULL || r.b[i] == NULL) {
			bench_fail("out of memory");
			goto out;
		}
	}
	r.ia = malloc(r.n * sizeof(*r.ia));
	r.ib = malloc(r.n * sizeof(*r.ib));
	if (r.ia == NULL || r.ib == NULL) {
		bench_fail("out of memory");
		goto out;
	}
	for (i = 0; i < r.n; i++) {
		uint32_t x = rng_below(&rng, POOL), kind = rng_below(&rng, 8);

		r.ia[i] = (uint16_t)x;
		if (kind == 0)
			r.ib[i] = (uint16_t)x;
		else if (kind < 5)
			r.ib[i] = (uint16_t)(x / FAMILY * FAMILY + rng_below(&rng, FAMILY));
		else
			r.ib[i] = (uint16_t)rng_below(&rng, POOL);
	}

	lib_ns = limit_ns = 0;
	for (r.lo = 0; r.lo < r.n; r.lo = r.hi) {
		static const struct bench_fn fns[] = { { run_lib, NULL }, { run_limit, NULL } };
		double best[2];

		r.hi = r.n - r.lo < CHUNK ? r.n : r.lo + CHUNK;
		bench_turns(o, fns, 2, &r, r.n < CHUNK ? 20 : 5, r.n < CHUNK ? 20 : 5, best);
		lib_ns += best[0];
		limit_ns += best[1];
	}
	checked = r.n < 1000000 ? r.n : 1000000;
	for (i = 0; i < checked; i++) {
		const char *a = r.a[r.ia[i]], *b = r.b[r.ib[i]];

		if (sign(dupg_vercmp(a, b)) != sign(bench_ref_vercmp(a, b)) && bad++ == 0)
			bench_fail("vercmp: dupg_vercmp(\"%s\", \"%s\") = %d, expected %d", a, b,
				   sign(dupg_vercmp(a, b)), sign(bench_ref_vercmp(a, b)));
	}

	per = lib_ns / (double)r.n;
	bench_head(line, "vercmp", NULL, r.n);
	bench_put_figures(line, r.n, lib_ns, NAN, limit_ns);
	jput_int(line, "checked", (int64_t)checked);
	jput_bool(line, "identical", bad == 0);
	bench_put_target(line, "items_per_s > 2e7", 1e9 / per > 2e7);
	rc = bad == 0 ? 0 : 1;
out:
	for (i = 0; i < POOL; i++) {
		free(r.a[i]);
		free(r.b[i]);
	}
	free(r.ia);
	free(r.ib);
	return rc;
}

int bench_vercmp(const struct bench_opts *o)
{
	static const uint64_t sizes[] = { 10000, 100000, 1000000, 10000000 };
	static const uint64_t smoke[] = { 20000 };
	const uint64_t *list = o->check ? smoke : sizes;
	size_t n = o->check ? 1 : 4, i;
	int fail = 0;

	if (o->variant != NULL)
		return bench_fail("vercmp has no variants");
	if (o->have_size) {
		list = &o->size;
		n = 1;
	}
	for (i = 0; i < n; i++)
		fail |= bench_in_child(o, vercmp_one, &list[i]);
	return fail;
}
