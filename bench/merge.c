/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * merge: one large site of N devices of 50 hardware types, each type running
 * 1..5 versions.
 *   optimized: dupg_merge;
 *   naive:     the seed's grouping written plainly: for every device, find
 *              its type, then its version, by scanning what was found so far;
 *              versions sorted at the end;
 *   limit:     one lookup per device of its type in a plain hash table.
 */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dupg.h"

#define MERGE_TYPES 50
#define MERGE_VERSIONS 5

struct site {
	size_t n;
	char *types[MERGE_TYPES];
	char *versions[MERGE_TYPES][MERGE_VERSIONS];
	char **ids;
	dupg_device_vd *devs;
};

struct nversion {
	char *version;
	char **ids;
	size_t n, cap;
};

struct ngroup {
	char *hw;
	struct nversion vers[MERGE_VERSIONS];
	size_t nver;
};

struct merge_run {
	const struct site *s;
	dupg_sysvd *result;
	int rc;
	struct ngroup *groups;  /* naive result */
	size_t ngroups;
	int nomem;
	struct strtab tab;
	long sink;
};

static void site_free(struct site *s)
{
	size_t i, j;

	for (i = 0; i < MERGE_TYPES; i++) {
		free(s->types[i]);
		for (j = 0; j < MERGE_VERSIONS; j++)
			free(s->versions[i][j]);
	}
	for (i = 0; s->ids != NULL && i < s->n; i++)
		free(s->ids[i]);
	free(s->ids);
	free(s->devs);
}

static int site_init(struct site *s, size_t n)
{
	uint64_t rng = BENCH_SEED;
	char buf[64];
	size_t i, j;

	memset(s, 0, sizeof(*s));
	s->n = n;
	for (i = 0; i < MERGE_TYPES; i++) {
		snprintf(buf, sizeof(buf), "HUB-%02u-rev%c", (unsigned)i, 'A' + (unsigned)i % 4);
		s->types[i] = strdup(buf);
		for (j = 0; j < MERGE_VERSIONS; j++) {
			snprintf(buf, sizeof(buf), "%u.%u.%u", 2 + rng_below(&rng, 3), rng_below(&rng, 12),
				 rng_below(&rng, 40));
			s->versions[i][j] = strdup(buf);
		}
	}
	s->ids = calloc(n, sizeof(*s->ids));
	s->devs = calloc(n, sizeof(*s->devs));
	if (s->ids == NULL || s->devs == NULL)
		return bench_fail("out of memory");
	for (i = 0; i < n; i++) {
		uint32_t t = rng_below(&rng, MERGE_TYPES);
		/* Type t runs 1 + t % 5 versions. */
		uint32_t v = rng_below(&rng, 1 + t % MERGE_VERSIONS);

		snprintf(buf, sizeof(buf), "site7/dev%07u", (unsigned)i);
		s->ids[i] = strdup(buf);
		s->devs[i].id = s->ids[i];
		s->devs[i].hw = s->types[t];
		s->devs[i].version = s->versions[t][v];
		s->devs[i].duration_s = 60;
	}
	return 0;
}

static void run_lib(void *arg)
{
	struct merge_run *r = arg;
	int rc = dupg_merge(&r->result, r->s->devs, r->s->n);

	if (rc != 0)
		r->rc = rc;
}

static void after_lib(void *arg)
{
	struct merge_run *r = arg;

	dupg_sysvd_free(r->result);
	r->result = NULL;
}

static void naive_free(struct merge_run *r)
{
	size_t i, j, k;

	for (i = 0; i < r->ngroups; i++) {
		struct ngroup *g = &r->groups[i];

		for (j = 0; j < g->nver; j++) {
			for (k = 0; k < g->vers[j].n; k++)
				free(g->vers[j].ids[k]);
			free(g->vers[j].ids);
			free(g->vers[j].version);
		}
		free(g->hw);
	}
	memset(r->groups, 0, MERGE_TYPES * sizeof(*r->groups));
	r->ngroups = 0;
}

/* The plain grouping, copying strings as the library does. */
static void run_naive(void *arg)
{
	struct merge_run *r = arg;
	size_t i, j;

	for (i = 0; i < r->s->n; i++) {
		const dupg_device_vd *d = &r->s->devs[i];
		struct ngroup *g = NULL;
		struct nversion *v = NULL;

		for (j = 0; j < r->ngroups; j++) {
			if (strcmp(r->groups[j].hw, d->hw) == 0)
				g = &r->groups[j];
		}
		if (g == NULL) {
			if (r->ngroups == MERGE_TYPES)
				goto nomem;
			g = &r->groups[r->ngroups++];
			if ((g->hw = strdup(d->hw)) == NULL)
				goto nomem;
		}
		for (j = 0; j < g->nver; j++) {
			if (strcmp(g->vers[j].version, d->version) == 0)
				v = &g->vers[j];
		}
		if (v == NULL) {
			if (g->nver == MERGE_VERSIONS)
				goto nomem;
			v = &g->vers[g->nver++];
			if ((v->version = strdup(d->version)) == NULL)
				goto nomem;
		}
		if (v->n == v->cap) {
			size_t cap = v->cap ? 2 * v->cap : 8;
			char **ids = realloc(v->ids, cap * sizeof(*ids));

			if (ids == NULL)
				goto nomem;
			v->ids = ids;
			v->cap = cap;
		}
		if ((v->ids[v->n] = strdup(d->id)) == NULL)
			goto nomem;
		v->n++;
	}
	/* Versions ascending. */
	for (i = 0; i < r->ngroups; i++) {
		struct ngroup *g = &r->groups[i];

		for (j = 1; j < g->nver; j++) {
			struct nversion x = g->vers[j];
			size_t k;

			for (k = j; k > 0 && dupg_vercmp(g->vers[k - 1].version, x.version) > 0; k--)
				g->vers[k] = g->vers[k - 1];
			g->vers[k] = x;
		}
	}
	return;
nomem:
	r->nomem = 1;
}

static void run_limit(void *arg)
{
	struct merge_run *r = arg;
	long sink = 0;
	size_t i;

	for (i = 0; i < r->s->n; i++)
		sink += strtab_get(&r->tab, r->s->devs[i].hw);
	r->sink += sink;
}

/* The library's system description against the naive groups, field by field. */
static size_t compare(const struct merge_run *r, const dupg_sysvd *s)
{
	size_t bad = 0, i, j, k;

	if (dupg_sysvd_hw_count(s) != r->ngroups)
		return 1;
	for (i = 0; i < r->ngroups; i++) {
		const struct ngroup *g = &r->groups[i];

		if (strcmp(dupg_sysvd_hw(s, i), g->hw) != 0 || dupg_sysvd_version_count(s, i) != g->nver ||
		    strcmp(dupg_sysvd_lowest_version(s, i), g->vers[0].version) != 0) {
			bad++;
			continue;
		}
		for (j = 0; j < g->nver; j++) {
			if (strcmp(dupg_sysvd_version(s, i, j), g->vers[j].version) != 0 ||
			    dupg_sysvd_device_count(s, i, j) != g->vers[j].n) {
				bad++;
				continue;
			}
			for (k = 0; k < g->vers[j].n; k++) {
				if (strcmp(dupg_sysvd_device(s, i, j, k), g->vers[j].ids[k]) != 0)
					bad++;
			}
		}
	}
	return bad;
}

static void after_naive(void *arg)
{
	naive_free(arg);
}

static int merge_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const uint64_t *size = arg;
	struct site s;
	struct merge_run r;
	static const struct bench_fn fns[] = {
		{ run_lib, after_lib }, { run_naive, after_naive }, { run_limit, NULL },
	};
	struct ngroup groups[MERGE_TYPES];
	double lib_ns, naive_ns, limit_ns, best[3];
	size_t i, bad;
	int rc = 2;

	memset(&r, 0, sizeof(r));
	memset(groups, 0, sizeof(groups));
	r.groups = groups;
	r.s = &s;
	if (site_init(&s, (size_t)*size) != 0 || strtab_init(&r.tab, MERGE_TYPES) != 0)
		goto out;
	for (i = 0; i < MERGE_TYPES; i++)
		strtab_put(&r.tab, s.types[i], (long)i);

	bench_turns(o, fns, 3, &r, 3, 10, best);
	if (r.rc != 0 || r.nomem) {
		if (r.rc != 0)
			bench_lib_fail("dupg_merge", r.rc);
		else
			bench_fail("out of memory");
		goto out;
	}
	lib_ns = best[0];
	naive_ns = best[1];
	limit_ns = best[2];

	run_lib(&r);
	run_naive(&r);
	if (r.rc != 0 || r.nomem) {
		if (r.rc != 0)
			bench_lib_fail("dupg_merge", r.rc);
		else
			bench_fail("out of memory");
		after_lib(&r);
		naive_free(&r);
		goto out;
	}
	bad = compare(&r, r.result);
	if (bad != 0)
		bench_fail("merge: dupg_merge and the naive grouping differ (%zu fields)", bad);
	after_lib(&r);
	naive_free(&r);

	bench_head(line, "merge", NULL, s.n);
	jput_int(line, "types", MERGE_TYPES);
	bench_put_figures(line, s.n, lib_ns, naive_ns, limit_ns);
	jput_bool(line, "naive_sampled", 0);
	jput_bool(line, "identical", bad == 0);
	jput_null(line, "target");
	jput_null(line, "target_met");
	rc = bad == 0 ? 0 : 1;
out:
	strtab_free(&r.tab);
	site_free(&s);
	return rc;
}

int bench_merge(const struct bench_opts *o)
{
	static const uint64_t sizes[] = { 1000, 10000, 100000, 1000000 };
	static const uint64_t smoke[] = { 500 };
	const uint64_t *list = o->check ? smoke : sizes;
	size_t n = o->check ? 1 : 4, i;
	int fail = 0;

	if (o->variant != NULL)
		return bench_fail("merge has no variants");
	if (o->have_size) {
		list = &o->size;
		n = 1;
	}
	for (i = 0; i < n; i++)
		fail |= bench_in_child(o, merge_one, &list[i]);
	return fail;
}
