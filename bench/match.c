/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * match: N sites of 5..50 hardware types against M packages.
 *   optimized: dupg_match on an indexed dupg_pkgset;
 *   naive:     the seed's method, scanning the whole package set for every
 *              site and type (sampled on the first sites of each batch when
 *              the whole run would exceed the naive budget);
 *   limit:     the same number of lookups in a plain open-addressing table of
 *              hardware type -> best package.
 * Sites are generated, matched and freed in batches, as a server streaming
 * sites from its database would: only the matching is timed.
 */
#include "bench.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dupg.h"

#define MATCH_TYPES 2000    /* hardware types of the operator's network */
#define MATCH_VERSIONS 4096 /* distinct version strings */
#define MATCH_BATCH 10000   /* sites alive at once */
#define MATCH_MAX_TYPES 50  /* hardware types per site: 5..50 */
#define MATCH_MAX_DEVS (2 * MATCH_MAX_TYPES)

struct match_size {
	uint64_t sites;
	uint64_t packages;
};

struct pkg {
	uint32_t version;
	uint32_t nhw;
	uint32_t hw[3];
};

struct world {
	char *types[MATCH_TYPES];
	char *versions[MATCH_VERSIONS];
	char *ids[MATCH_MAX_DEVS];
	char **paths;
	struct pkg *pkgs;
	size_t npkgs;
	long best[MATCH_TYPES];  /* per type, computed by the bench itself */
	dupg_pkgset *set;
	struct strtab limit;     /* the limit's index: type -> best package */
	uint64_t seen[MATCH_TYPES];
	uint64_t serial;
};

struct batch {
	dupg_sysvd **sites;
	size_t n;
	const char **keys;  /* every (site, type) hardware type, borrowed from the sites */
	size_t nkeys;
	int rc;
	long sink;
	const struct world *w;
};

static char *xstrdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xstrdup_printf(const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return strdup(buf);
}

static void world_free(struct world *w)
{
	size_t i;

	for (i = 0; i < MATCH_TYPES; i++)
		free(w->types[i]);
	for (i = 0; i < MATCH_VERSIONS; i++)
		free(w->versions[i]);
	for (i = 0; i < MATCH_MAX_DEVS; i++)
		free(w->ids[i]);
	for (i = 0; w->paths != NULL && i < w->npkgs; i++)
		free(w->paths[i]);
	free(w->paths);
	free(w->pkgs);
	dupg_pkgset_free(w->set);
	strtab_free(&w->limit);
}

/* Distinct hardware types for one site or package, marked in w->seen. */
static uint32_t pick_type(struct world *w, uint64_t *rng)
{
	uint32_t t;

	do
		t = rng_below(rng, MATCH_TYPES);
	while (w->seen[t] == w->serial);
	w->seen[t] = w->serial;
	return t;
}

static int world_init(struct world *w, size_t npkgs, uint64_t *rng, double *index_ns)
{
	static const char *const suffix[] = { "", "", "", "", "", "~rc1", "~rc2", "a" };
	const char *hw[3];
	uint64_t t0;
	size_t i, j;
	int rc;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < MATCH_TYPES; i++)
		w->types[i] = xstrdup_printf("RRU-5G-%04u-%c%u", (unsigned)i * 7919 % 10000,
					     'A' + (unsigned)i % 26, (unsigned)i % 3);
	for (i = 0; i < MATCH_VERSIONS; i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%u.%u.%u%s", 1 + rng_below(rng, 9), rng_below(rng, 20),
			 rng_below(rng, 100), suffix[rng_below(rng, 8)]);
		w->versions[i] = strdup(buf);
	}
	for (i = 0; i < MATCH_MAX_DEVS; i++)
		w->ids[i] = xstrdup_printf("dev%u", (unsigned)i);
	w->npkgs = npkgs;
	w->paths = calloc(npkgs, sizeof(*w->paths));
	w->pkgs = calloc(npkgs, sizeof(*w->pkgs));
	if (w->paths == NULL || w->pkgs == NULL || strtab_init(&w->limit, MATCH_TYPES) != 0)
		return bench_fail("out of memory");
	for (i = 0; i < MATCH_TYPES; i++)
		w->best[i] = -1;
	for (i = 0; i < npkgs; i++) {
		struct pkg *p = &w->pkgs[i];

		w->paths[i] = xstrdup_printf("/srv/dupg/packages/pkg-%07u.tar.zst", (unsigned)i);
		p->version = rng_below(rng, MATCH_VERSIONS);
		p->nhw = 1 + rng_below(rng, 3);
		w->serial++;
		for (j = 0; j < p->nhw; j++) {
			uint32_t t = pick_type(w, rng);
			long b = w->best[t];

			p->hw[j] = t;
			/* Highest version wins; on a tie the package added first stays. */
			if (b < 0 || bench_ref_vercmp(w->versions[p->version],
						      w->versions[w->pkgs[b].version]) > 0)
				w->best[t] = (long)i;
		}
	}
	for (i = 0; i < MATCH_TYPES; i++) {
		if (w->best[i] >= 0)
			strtab_put(&w->limit, w->types[i], w->best[i]);
	}

	rc = dupg_pkgset_new(&w->set);
	if (rc != 0)
		return bench_lib_fail("dupg_pkgset_new", rc);
	t0 = bench_now_ns();
	for (i = 0; i < npkgs; i++) {
		const struct pkg *p = &w->pkgs[i];

		for (j = 0; j < p->nhw; j++)
			hw[j] = w->types[p->hw[j]];
		rc = dupg_pkgset_add(w->set, w->paths[i], w->versions[p->version], hw, p->nhw);
		if (rc != 0)
			return bench_lib_fail("dupg_pkgset_add", rc);
	}
	*index_ns = (double)(bench_now_ns() - t0);
	return 0;
}

static void batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		dupg_sysvd_free(b->sites[i]);
	free(b->sites);
	free(b->keys);
	memset(b, 0, sizeof(*b));
}

/* n sites: 5..50 types each, one device per type or (one time in four) two. */
static int batch_init(struct batch *b, struct world *w, size_t n, uint64_t *rng)
{
	dupg_device_vd devs[MATCH_MAX_DEVS];
	size_t i, j, k, d;
	int rc;

	memset(b, 0, sizeof(*b));
	b->w = w;
	b->sites = calloc(n, sizeof(*b->sites));
	b->keys = malloc(n * MATCH_MAX_TYPES * sizeof(*b->keys));
	if (b->sites == NULL || b->keys == NULL)
		return bench_fail("out of memory");
	for (i = 0; i < n; i++) {
		size_t ntypes = 5 + rng_below(rng, MATCH_MAX_TYPES - 4);

		w->serial++;
		for (j = 0, d = 0; j < ntypes; j++) {
			uint32_t t = pick_type(w, rng);
			size_t ndev = rng_below(rng, 4) == 0 ? 2 : 1;

			for (k = 0; k < ndev; k++, d++) {
				devs[d].id = w->ids[d];
				devs[d].hw = w->types[t];
				devs[d].version = w->versions[rng_below(rng, MATCH_VERSIONS)];
				devs[d].duration_s = 0;
			}
		}
		rc = dupg_merge(&b->sites[i], devs, d);
		if (rc != 0)
			return bench_lib_fail("dupg_merge", rc);
		b->n++;
		for (j = 0; j < dupg_sysvd_hw_count(b->sites[i]); j++)
			b->keys[b->nkeys++] = dupg_sysvd_hw(b->sites[i], j);
	}
	return 0;
}

static void run_lib(void *arg)
{
	struct batch *b = arg;
	size_t i;

	for (i = 0; i < b->n; i++) {
		dupg_task *t;
		int rc = dupg_match(&t, b->w->set, b->sites[i]);

		if (rc != 0)
			b->rc = rc;
		else
			dupg_task_free(t);
	}
}

static void run_limit(void *arg)
{
	struct batch *b = arg;
	long sink = 0;
	size_t i;

	for (i = 0; i < b->nkeys; i++)
		sink += strtab_get(&b->w->limit, b->keys[i]);
	b->sink = sink;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
}

/* The seed's method, plainly: for each type of the site, scan every package. */
static uint64_t naive_site(const struct world *w, const dupg_sysvd *site)
{
	size_t ntypes = dupg_sysvd_hw_count(site), got = 0, nneed = 0, i, j, v;
	long need[MATCH_MAX_TYPES];
	uint64_t h;
	int kind;

	for (i = 0; i < ntypes; i++) {
		const char *hw = dupg_sysvd_hw(site, i);
		long best = -1;
		size_t p;
		int needed = 0;

		for (p = 0; p < w->npkgs; p++) {
			const struct pkg *pk = &w->pkgs[p];
			int fits = 0;

			for (j = 0; j < pk->nhw; j++) {
				if (strcmp(w->types[pk->hw[j]], hw) == 0)
					fits = 1;
			}
			if (fits && (best < 0 || dupg_vercmp(w->versions[pk->version],
							     w->versions[w->pkgs[best].version]) > 0))
				best = (long)p;
		}
		if (best < 0)
			continue;
		for (v = 0; v < dupg_sysvd_version_count(site, i); v++) {
			if (dupg_vercmp(dupg_sysvd_version(site, i, v),
					w->versions[w->pkgs[best].version]) < 0)
				needed = 1;
		}
		if (needed) {
			got++;
			need[nneed++] = best;
		}
	}
	kind = got == 0 ? DUPG_TASK_NONE : got == ntypes ? DUPG_TASK_FULL : DUPG_TASK_INCREMENTAL;
	/* The task lists each package once, in package-set order. */
	for (i = 1; i < nneed; i++) {
		long x = need[i];

		for (j = i; j > 0 && need[j - 1] > x; j--)
			need[j] = need[j - 1];
		need[j] = x;
	}
	h = mix(0, (uint64_t)kind);
	for (i = 0; i < nneed; i++) {
		if (i == 0 || need[i] != need[i - 1])
			h = mix(h, (uint64_t)need[i]);
	}
	return h;
}

static int lib_site(uint64_t *out, const struct world *w, const dupg_sysvd *site)
{
	dupg_task *t;
	size_t i;
	int rc = dupg_match(&t, w->set, site);

	if (rc != 0)
		return bench_lib_fail("dupg_match", rc);
	*out = mix(0, (uint64_t)dupg_task_kind_get(t));
	for (i = 0; i < dupg_task_count(t); i++) {
		const char *path = dupg_task_path(t, i);

		*out = mix(*out, dupg_task_package(t, i));
		if (path == NULL || strcmp(path, w->paths[dupg_task_package(t, i)]) != 0)
			*out = mix(*out, 0xbad);
	}
	dupg_task_free(t);
	return 0;
}

static int match_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const struct match_size *sz = arg;
	struct world *w = calloc(1, sizeof(*w));
	uint64_t rng = BENCH_SEED, done = 0, items = 0, naive_items = 0, naive_sites = 0;
	uint64_t nbatches = (sz->sites + MATCH_BATCH - 1) / MATCH_BATCH;
	double index_ns = 0, lib_ns = 0, limit_ns = 0, naive_ns = 0;
	size_t i, mismatches = 0;
	int rc = 2;

	if (w == NULL)
		return bench_fail("out of memory");
	if (world_init(w, sz->packages, &rng, &index_ns) != 0)
		goto out;
	/* The index must agree with the bench's own idea of each type's best package. */
	for (i = 0; i < MATCH_TYPES; i++) {
		size_t got = dupg_pkgset_best(w->set, w->types[i]);
		long want = w->best[i];

		if (want < 0 ? got != DUPG_NONE : got != (size_t)want) {
			if (mismatches++ == 0)
				bench_fail("match: best package of %s: libdupg says %ld, expected %ld",
					   w->types[i], got == DUPG_NONE ? -1L : (long)got, want);
		}
	}
	while (done < sz->sites) {
		static const struct bench_fn fns[] = { { run_lib, NULL }, { run_limit, NULL } };
		double best[2];
		struct batch b;
		double budget = o->naive_budget * 1e9 / (double)nbatches, spent = 0;
		size_t n = sz->sites - done < MATCH_BATCH ? (size_t)(sz->sites - done) : MATCH_BATCH;

		if (batch_init(&b, w, n, &rng) != 0) {
			batch_free(&b);
			goto out;
		}
		bench_turns(o, fns, 2, &b, 3, 3, best);
		lib_ns += best[0];
		limit_ns += best[1];
		if (b.rc != 0) {
			bench_lib_fail("dupg_match", b.rc);
			batch_free(&b);
			goto out;
		}
		items += b.nkeys;
		/* Naive on the first sites of the batch, while its budget lasts. */
		for (i = 0; i < b.n && (o->check || i == 0 || spent < budget); i++) {
			uint64_t t0 = bench_now_ns(), want, got = 0;

			want = naive_site(w, b.sites[i]);
			spent += (double)(bench_now_ns() - t0);
			naive_items += dupg_sysvd_hw_count(b.sites[i]);
			naive_sites++;
			if (lib_site(&got, w, b.sites[i]) != 0) {
				batch_free(&b);
				goto out;
			}
			if (got != want && mismatches++ == 0)
				bench_fail("match: site %llu: dupg_match and the naive scan differ",
					   (unsigned long long)(done + i));
		}
		naive_ns += spent;
		done += b.n;
		batch_free(&b);
	}

	bench_head(line, "match", NULL, sz->sites);
	jput_int(line, "packages", (int64_t)sz->packages);
	jput_int(line, "types", MATCH_TYPES);
	/* Scale the sampled naive time to every (site, type) pair. */
	bench_put_figures(line, items, lib_ns, naive_ns * (double)items / (double)naive_items,
			  limit_ns);
	jput_bool(line, "naive_sampled", naive_sites < sz->sites);
	jput_int(line, "naive_items", (int64_t)naive_items);
	jput_num(line, "index_ms", index_ns / 1e6);
	jput_bool(line, "identical", mismatches == 0);
	if (sz->sites == 100000 && sz->packages == 10000) {
		double per = lib_ns / (double)items;
		double rn = naive_ns / (double)naive_items / per, rl = per / (limit_ns / (double)items);

		bench_put_target(line, "ratio_naive >= 100 and ratio_limit <= 2.5",
				 rn >= 100 && rl <= 2.5);
	} else {
		jput_null(line, "target");
		jput_null(line, "target_met");
	}
	rc = mismatches == 0 ? 0 : 1;
out:
	world_free(w);
	free(w);
	return rc;
}

int bench_match(const struct bench_opts *o)
{
	static const struct match_size defaults[] = {
		{ 1000, 10000 }, { 10000, 10000 }, { 100000, 10000 }, { 1000000, 10000 },
		{ 100000, 100 }, { 100000, 1000 },
	};
	static const struct match_size smoke[] = { { 300, 100 }, { 120, 7 } };
	const struct match_size *list = o->check ? smoke : defaults;
	size_t n = o->check ? 2 : 6, i;
	struct match_size one;
	int fail = 0;

	if (o->variant != NULL)
		return bench_fail("match has no variants");
	if (o->have_size || o->have_packages) {
		one.sites = o->have_size ? o->size : 100000;
		one.packages = o->have_packages ? o->packages : 10000;
		list = &one;
		n = 1;
	}
	for (i = 0; i < n; i++)
		fail |= bench_in_child(o, match_one, &list[i]);
	return fail;
}
