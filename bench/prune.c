/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * prune: path lists of N entries, each package fitting 1..3 of up to 5,000
 * hardware types, followed by a download of 10 packages.
 *
 * Variant compute (pure):
 *   optimized: dupg_prune_compute;
 *   naive:     the seed's method: for every hardware type, rescan the list to
 *              count its packages and find its earliest and latest ones; then
 *              check each candidate against both configurations by scanning
 *              them (sampled over types when it would exceed the budget);
 *   limit:     one pass that only reads every entry's type ids.
 * Variant store (I/O): dupg_store_prune applied to a store of real (tiny)
 * packages with fsync; the limit is the file-system work alone: two list files
 * replaced crash-safely and the deletable files removed.
 */
#include "bench.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dupg.h"
#include "util/prune_model.h"

#define PRUNE_MAX_TYPES 5000
#define PRUNE_DOWNLOAD 10
/* Strides through the types so that a sample of them is spread out (prime > PRUNE_MAX_TYPES). */
#define PRUNE_STRIDE 7919

struct entry {
	uint32_t nhw;
	uint32_t hw[3];
};

/* The second list: entries [0, nfirst) are stored, [nfirst, n) are the download. */
struct plist {
	size_t n;
	size_t nfirst;
	uint32_t ntypes;
	char **types;
	char **paths;
	struct entry *e;
	/* the same list as the naive model reads it (libdupg/util/prune_model.h) */
	uint32_t *off, *ids;
	dupg__pm_list pm;
};

/* What the seed's method finds for one type. */
typedef dupg__pm_type per_type;

/* The expected outcome, from the naive method. */
struct outcome {
	per_type *t;
	unsigned char *del;  /* per entry: deletable */
	size_t ndel;
};

static void plist_free(struct plist *l)
{
	size_t i;

	for (i = 0; l->types != NULL && i < l->ntypes; i++)
		free(l->types[i]);
	for (i = 0; l->paths != NULL && i < l->n; i++)
		free(l->paths[i]);
	free(l->types);
	free(l->paths);
	free(l->e);
	free(l->off);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

static int plist_init(struct plist *l, size_t n)
{
	uint64_t rng = BENCH_SEED;
	char buf[64];
	size_t i, j;

	memset(l, 0, sizeof(*l));
	l->n = n;
	l->nfirst = n > 4 * PRUNE_DOWNLOAD ? n - PRUNE_DOWNLOAD : n - n / 4;
	l->ntypes = n / 10 > PRUNE_MAX_TYPES ? PRUNE_MAX_TYPES : n / 10 < 8 ? 8 : (uint32_t)(n / 10);
	l->types = calloc(l->ntypes, sizeof(*l->types));
	l->paths = calloc(n, sizeof(*l->paths));
	l->e = calloc(n, sizeof(*l->e));
	l->off = calloc(n + 1, sizeof(*l->off));
	l->ids = calloc(3 * n, sizeof(*l->ids));
	if (l->types == NULL || l->paths == NULL || l->e == NULL || l->off == NULL || l->ids == NULL)
		return bench_fail("out of memory");
	for (i = 0; i < l->ntypes; i++) {
		snprintf(buf, sizeof(buf), "BBU-%05u", (unsigned)i);
		if ((l->types[i] = strdup(buf)) == NULL)
			return bench_fail("out of memory");
	}
	for (i = 0; i < n; i++) {
		struct entry *e = &l->e[i];

		snprintf(buf, sizeof(buf), "p%07u.tar.gz", (unsigned)i);
		if ((l->paths[i] = strdup(buf)) == NULL)
			return bench_fail("out of memory");
		e->nhw = 1 + rng_below(&rng, 3);
		for (j = 0; j < e->nhw; j++) {
			size_t k;
			uint32_t t;
again:
			t = rng_below(&rng, l->ntypes);
			for (k = 0; k < j; k++) {
				if (e->hw[k] == t)
					goto again;
			}
			e->hw[j] = t;
		}
	}
	for (i = 0; i < n; i++) {
		l->off[i + 1] = l->off[i] + l->e[i].nhw;
		memcpy(&l->ids[l->off[i]], l->e[i].hw, l->e[i].nhw * sizeof(*l->ids));
	}
	l->pm = (dupg__pm_list){ n, l->nfirst, l->ntypes, l->off, l->ids,
				 (const char *const *)l->types };
	return 0;
}

static int add_entry(dupg_pathlist *pl, const struct plist *l, size_t i)
{
	const char *hw[3];
	size_t j;

	for (j = 0; j < l->e[i].nhw; j++)
		hw[j] = l->types[l->e[i].hw[j]];
	return dupg_pathlist_add(pl, l->paths[i], hw, l->e[i].nhw);
}

/*
 * The naive method within its budget: per-type scans (spread over the types,
 * extrapolated to all of them when sampled), then the decision. Returns the
 * estimated time; *scanned receives how many types were scanned.
 */
static double naive_run(const struct bench_opts *o, const struct plist *l, struct outcome *out,
			uint32_t *scanned, size_t *mismatches)
{
	per_type *ref = calloc(l->ntypes, sizeof(*ref));
	double scan_ns = 0, decide_ns;
	uint64_t t0;
	uint32_t k;

	if (ref == NULL) {
		bench_fail("out of memory");
		(*mismatches)++;
		return NAN;
	}
	/* the one-pass figures fill the types the naive sample skips */
	dupg__pm_scan_all(&l->pm, ref);
	memcpy(out->t, ref, l->ntypes * sizeof(*ref));
	for (k = 0; k < l->ntypes && (o->check || k == 0 || scan_ns < o->naive_budget * 1e9); k++) {
		uint32_t t = (uint32_t)(((uint64_t)k * PRUNE_STRIDE) % l->ntypes);
		per_type r;

		t0 = bench_now_ns();
		dupg__pm_scan(&l->pm, t, &r);
		scan_ns += (double)(bench_now_ns() - t0);
		if (memcmp(&r, &ref[t], sizeof(r)) != 0 && (*mismatches)++ == 0)
			bench_fail("prune: the naive scan and the one-pass reference differ on %s",
				   l->types[t]);
		out->t[t] = r;
	}
	*scanned = k;
	free(ref);
	t0 = bench_now_ns();
	out->ndel = dupg__pm_deletable(&l->pm, out->t, 0, out->del);
	decide_ns = (double)(bench_now_ns() - t0);
	return scan_ns * l->ntypes / k + decide_ns;
}

/* Compare a prune result with the expected outcome; returns the number of differences. */
static size_t compare(const struct plist *l, const struct outcome *want, const dupg_prune *p)
{
	const dupg_config *latest = dupg_prune_config(p, DUPG_CONFIG_LATEST);
	const dupg_config *rollback = dupg_prune_config(p, DUPG_CONFIG_ROLLBACK);
	size_t bad = 0, i, k, in_first = 0, in_second = 0;
	uint32_t t;

	if (dupg_prune_count(p, DUPG_LIST_SECOND) != l->n)
		bad++;
	if (dupg_prune_count(p, DUPG_LIST_DELETABLE) != want->ndel)
		bad++;
	for (i = 0, k = 0; bad == 0 && i < l->n; i++) {
		if (!want->del[i])
			continue;
		if (dupg_prune_index(p, DUPG_LIST_DELETABLE, k) != i ||
		    strcmp(dupg_prune_path(p, DUPG_LIST_DELETABLE, k), l->paths[i]) != 0)
			bad++;
		k++;
	}
	if (dupg_prune_count(p, DUPG_LIST_THIRD) != l->n - want->ndel ||
	    dupg_prune_count(p, DUPG_LIST_FOURTH) != l->nfirst - want->ndel)
		bad++;
	for (i = 0, k = 0; bad == 0 && i < l->n; i++) {
		if (want->del[i])
			continue;
		if (dupg_prune_index(p, DUPG_LIST_THIRD, k) != i)
			bad++;
		if (i < l->nfirst && dupg_prune_index(p, DUPG_LIST_FOURTH, k) != i)
			bad++;
		k++;
	}
	for (t = 0; t < l->ntypes; t++) {
		const per_type *r = &want->t[t];
		const char *a = dupg_config_get(latest, l->types[t]);
		const char *b = dupg_config_get(rollback, l->types[t]);

		in_second += r->latest_merged >= 0;
		in_first += r->latest_first >= 0;
		if ((r->latest_merged < 0) != (a == NULL) || (a != NULL && strcmp(a, l->paths[r->latest_merged])))
			bad++;
		if ((r->latest_first < 0) != (b == NULL) || (b != NULL && strcmp(b, l->paths[r->latest_first])))
			bad++;
	}
	if (dupg_config_count(latest) != in_second || dupg_config_count(rollback) != in_first)
		bad++;
	return bad;
}

/* --- variant compute --------------------------------------------------------- */

struct compute_run {
	const dupg_pathlist *first;
	const dupg_pathlist *downloaded;
	dupg_prune *result;
	int rc;
	const struct plist *l;
	uint32_t *count;
	uint64_t sink;
};

static void run_lib(void *arg)
{
	struct compute_run *r = arg;
	int rc = dupg_prune_compute(&r->result, r->first, r->downloaded, NULL);

	if (rc != 0)
		r->rc = rc;
}

static void after_lib(void *arg)
{
	struct compute_run *r = arg;

	dupg_prune_free(r->result);
	r->result = NULL;
}

static void run_limit(void *arg)
{
	struct compute_run *r = arg;
	const struct entry *e = r->l->e;
	uint32_t *count = r->count;
	size_t i, n = r->l->n;

	for (i = 0; i < n; i++) {
		if (e[i].nhw > 0)
			count[e[i].hw[0]]++;
		if (e[i].nhw > 1)
			count[e[i].hw[1]]++;
		if (e[i].nhw > 2)
			count[e[i].hw[2]]++;
	}
}

static void after_limit(void *arg)
{
	struct compute_run *r = arg;

	r->sink += r->count[0];
	memset(r->count, 0, r->l->ntypes * sizeof(*r->count));
}

static int compute_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const uint64_t *size = arg;
	struct plist l;
	struct outcome want = { NULL, NULL, 0 };
	static const struct bench_fn fns[] = { { run_lib, after_lib }, { run_limit, after_limit } };
	struct compute_run r;
	dupg_pathlist *first = NULL, *dl = NULL;
	double lib_ns, limit_ns, naive_ns, setup_ns, best[2];
	size_t mismatches = 0, i;
	uint32_t scanned = 0;
	uint64_t t0;
	int rc = 2, lrc = 0;

	memset(&r, 0, sizeof(r));
	if (plist_init(&l, (size_t)*size) != 0)
		goto out;
	want.t = calloc(l.ntypes, sizeof(*want.t));
	want.del = calloc(l.n, 1);
	r.count = calloc(l.ntypes, sizeof(*r.count));
	if (want.t == NULL || want.del == NULL || r.count == NULL) {
		bench_fail("out of memory");
		goto out;
	}
	t0 = bench_now_ns();
	if ((lrc = dupg_pathlist_new(&first)) != 0 || (lrc = dupg_pathlist_new(&dl)) != 0)
		goto lib_failed;
	for (i = 0; i < l.nfirst; i++) {
		if ((lrc = add_entry(first, &l, i)) != 0)
			goto lib_failed;
	}
	for (; i < l.n; i++) {
		if ((lrc = add_entry(dl, &l, i)) != 0)
			goto lib_failed;
	}
	setup_ns = (double)(bench_now_ns() - t0);

	r.first = first;
	r.downloaded = dl;
	r.l = &l;
	bench_turns(o, fns, 2, &r, 3, 10, best);
	if (r.rc != 0) {
		lrc = r.rc;
		goto lib_failed;
	}
	lib_ns = best[0];
	limit_ns = best[1];
	naive_ns = naive_run(o, &l, &want, &scanned, &mismatches);

	/* One more, untimed, to compare with the naive outcome. */
	if ((lrc = dupg_prune_compute(&r.result, first, dl, NULL)) != 0)
		goto lib_failed;
	if (compare(&l, &want, r.result) != 0 && mismatches++ == 0)
		bench_fail("prune: dupg_prune_compute and the naive method differ at %zu entries", l.n);
	after_lib(&r);

	bench_head(line, "prune", "compute", l.n);
	jput_int(line, "types", l.ntypes);
	jput_int(line, "downloaded", (int64_t)(l.n - l.nfirst));
	bench_put_figures(line, l.n, lib_ns, naive_ns, limit_ns);
	jput_bool(line, "naive_sampled", scanned < l.ntypes);
	jput_int(line, "naive_types_scanned", scanned);
	jput_int(line, "deletable", (int64_t)want.ndel);
	jput_num(line, "list_build_ms", setup_ns / 1e6);
	jput_bool(line, "identical", mismatches == 0);
	if (l.n == 1000000)
		bench_put_target(line, "total_ms < 100 and ratio_limit <= 3",
				 lib_ns < 100e6 && lib_ns / limit_ns <= 3);
	else
		bench_put_target(line, "ratio_limit <= 3 (set for 1e6 entries)", -1);
	rc = mismatches == 0 ? 0 : 1;
	goto out;
lib_failed:
	bench_lib_fail("prune", lrc);
out:
	dupg_pathlist_free(first);
	dupg_pathlist_free(dl);
	free(want.t);
	free(want.del);
	free(r.count);
	plist_free(&l);
	return rc;
}

/* --- variant store ------------------------------------------------------------- */

#define STORE_CACHE_VERSION 2

/* Build every package of the list once into dir (kept between runs). */
static int store_cache(const struct plist *l, const char *dir)
{
	char path[4096], payload[4096], stamp[4096], name[64], version[64];
	dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
	const char *hw[3];
	size_t i, j;
	int rc;

	if (bench_pathf(stamp, sizeof(stamp), "%s/.complete", dir) != 0 ||
	    bench_pathf(payload, sizeof(payload), "%s/.payload", dir) != 0)
		return 1;
	if (bench_exists(stamp))
		return 0;
	if (bench_mkdirs(dir) != 0)
		return 1;
	if (bench_write(payload, "#!/bin/sh\necho a tiny upgrade\n", 30) != 0)
		return 1;
	opts.format = DUPG_PACK_TAR_GZ;
	opts.no_fsync = 1;
	for (i = 0; i < l->n; i++) {
		dupg_pack_file f = { payload, "bin/upgrade.sh" };

		if (bench_pathf(path, sizeof(path), "%s/%s", dir, l->paths[i]) != 0)
			return 1;
		snprintf(name, sizeof(name), "pkg%zu", i);
		snprintf(version, sizeof(version), "1.%zu", i);
		for (j = 0; j < l->e[i].nhw; j++)
			hw[j] = l->types[l->e[i].hw[j]];
		rc = dupg_package_build(NULL, path, name, version, hw, l->e[i].nhw, &f, 1, &opts);
		if (rc != 0)
			return bench_lib_fail("dupg_package_build", rc);
	}
	return bench_write(stamp, "", 0);
}

/* A fresh store in a scratch directory: copies of the packages, "list" and "new". */
static char *store_make(const struct plist *l, const char *cache)
{
	char from[4096], to[4096];
	char *dir = bench_scratch(), *text = NULL;
	size_t len = 0, i;
	FILE *f;

	if (dir == NULL)
		return NULL;
	for (i = 0; i < l->n; i++) {
		if (bench_pathf(from, sizeof(from), "%s/%s", cache, l->paths[i]) != 0 ||
		    bench_pathf(to, sizeof(to), "%s/%s", dir, l->paths[i]) != 0 ||
		    bench_copy(from, to) != 0)
			goto fail;
	}
	f = open_memstream(&text, &len);
	if (f == NULL)
		goto fail;
	for (i = 0; i < l->nfirst; i++)
		fprintf(f, "%s\n", l->paths[i]);
	fclose(f);
	if (bench_pathf(to, sizeof(to), "%s/list", dir) != 0 || bench_write(to, text, len) != 0)
		goto fail;
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	if (f == NULL)
		goto fail;
	for (; i < l->n; i++)
		fprintf(f, "%s\n", l->paths[i]);
	fclose(f);
	if (bench_pathf(to, sizeof(to), "%s/new", dir) != 0 || bench_write(to, text, len) != 0)
		goto fail;
	free(text);
	return dir;
fail:
	free(text);
	bench_rmrf(dir);
	free(dir);
	return NULL;
}

/* The list file's lines joined, as the limit writes them and as the apply must leave them. */
static char *joined(const dupg_prune *p, dupg_prune_list which, size_t *len)
{
	char *text = NULL;
	size_t i;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		return NULL;
	for (i = 0; i < dupg_prune_count(p, which); i++)
		fprintf(f, "%s\n", dupg_prune_path(p, which, i));
	fclose(f);
	return text;
}

/* After an apply: the two list files and the store's contents are what the prune says. */
static size_t check_store(const char *dir, const struct plist *l, const dupg_prune *p)
{
	char path[4096];
	char *want, *got;
	size_t bad = 0, len, i;
	dupg_prune_list lists[2] = { DUPG_LIST_THIRD, DUPG_LIST_FOURTH };
	const char *files[2] = { "list", "list.rollback" };

	for (i = 0; i < 2; i++) {
		FILE *f;
		long n;

		if (bench_pathf(path, sizeof(path), "%s/%s", dir, files[i]) != 0)
			return bad + 1;
		want = joined(p, lists[i], &len);
		got = NULL;
		f = fopen(path, "rb");
		if (f != NULL && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
		    (got = calloc(1, (size_t)n + 1)) != NULL) {
			rewind(f);
			if (fread(got, 1, (size_t)n, f) != (size_t)n)
				got[0] = '\0';
		}
		if (f != NULL)
			fclose(f);
		if (want == NULL || got == NULL || strcmp(want, got) != 0) {
			bench_fail("prune/store: %s does not hold the expected list", path);
			bad++;
		}
		free(want);
		free(got);
	}
	for (i = 0; i < l->n; i++) {
		int deleted = 0;
		size_t k;

		for (k = 0; k < dupg_prune_count(p, DUPG_LIST_DELETABLE); k++) {
			if (dupg_prune_index(p, DUPG_LIST_DELETABLE, k) == i)
				deleted = 1;
		}
		if (bench_pathf(path, sizeof(path), "%s/%s", dir, l->paths[i]) != 0)
			return bad + 1;
		if (bench_exists(path) == deleted) {
			bench_fail("prune/store: %s %s", path, deleted ? "was not deleted" : "is gone");
			bad++;
		}
	}
	return bad;
}

/* The file-system work alone: both lists replaced crash-safely, the deletables removed. */
static int store_limit(const char *dir, const dupg_prune *p, double *ns)
{
	char path[4096];
	char *third, *fourth;
	size_t len3, len4, i;
	uint64_t t0;
	int rc = 0;

	third = joined(p, DUPG_LIST_THIRD, &len3);
	fourth = joined(p, DUPG_LIST_FOURTH, &len4);
	if (third == NULL || fourth == NULL) {
		free(third);
		free(fourth);
		return bench_fail("out of memory");
	}
	t0 = bench_now_ns();
	rc = bench_pathf(path, sizeof(path), "%s/list.rollback", dir);
	if (rc == 0)
		rc = bench_write_atomic(path, fourth, len4);
	if (rc == 0)
		rc = bench_pathf(path, sizeof(path), "%s/list", dir);
	if (rc == 0)
		rc = bench_write_atomic(path, third, len3);
	for (i = 0; rc == 0 && i < dupg_prune_count(p, DUPG_LIST_DELETABLE); i++) {
		rc = bench_pathf(path, sizeof(path), "%s/%s", dir,
				 dupg_prune_path(p, DUPG_LIST_DELETABLE, i));
		if (rc == 0 && unlink(path) != 0)
			rc = bench_fail("%s: %s", path, strerror(errno));
	}
	if (rc == 0)
		rc = bench_fsync_dir(dir);
	*ns = (double)(bench_now_ns() - t0);
	free(third);
	free(fourth);
	return rc;
}

struct store_size {
	uint64_t n;
	const char *cache;
};

static int store_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const struct store_size *sz = arg;
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	struct plist l;
	struct outcome want = { NULL, NULL, 0 };
	char cache[4096], list[4096], news[4096];
	double open_ns = INFINITY, apply_ns = INFINITY, limit_ns = INFINITY;
	size_t mismatches = 0, ndel = 0;
	uint32_t scanned;
	int rep, reps = o->check ? 1 : 3, rc = 2;

	if (plist_init(&l, (size_t)sz->n) != 0)
		goto out;
	if (bench_pathf(cache, sizeof(cache), "%s/prune-store-v%d-%zu", sz->cache,
			STORE_CACHE_VERSION, l.n) != 0 || store_cache(&l, cache) != 0)
		goto out;
	want.t = calloc(l.ntypes, sizeof(*want.t));
	want.del = calloc(l.n, 1);
	if (want.t == NULL || want.del == NULL) {
		bench_fail("out of memory");
		goto out;
	}
	naive_run(o, &l, &want, &scanned, &mismatches);
	for (rep = 0; rep < reps; rep++) {
		dupg_store *s = NULL;
		dupg_pathlist *dl = NULL;
		dupg_prune *p = NULL;
		char *dir = store_make(&l, cache), *dir2 = store_make(&l, cache);
		double ns;
		uint64_t t0, t1;
		int lrc;

		if (dir == NULL || dir2 == NULL) {
			free(dir);
			free(dir2);
			goto out;
		}
		/* dir comes from bench_scratch(): short. */
		bench_pathf(list, sizeof(list), "%s/list", dir);
		bench_pathf(news, sizeof(news), "%s/new", dir);
		t0 = bench_now_ns();
		lrc = dupg_store_open(&s, list);
		t1 = bench_now_ns();
		if (lrc == 0)
			lrc = dupg_pathlist_load(&dl, news);
		if (lrc == 0) {
			uint64_t t2 = bench_now_ns();

			lrc = dupg_store_prune(&p, s, dl, NULL, &opts);
			ns = (double)(bench_now_ns() - t2);
			if (ns < apply_ns)
				apply_ns = ns;
		}
		if (lrc == 0 && (double)(t1 - t0) < open_ns)
			open_ns = (double)(t1 - t0);
		if (lrc != 0) {
			bench_lib_fail("prune/store", lrc);
		} else {
			ndel = dupg_prune_count(p, DUPG_LIST_DELETABLE);
			if (rep == 0 && (compare(&l, &want, p) != 0 || check_store(dir, &l, p) != 0) &&
			    mismatches++ == 0)
				bench_fail("prune/store: the applied prune differs from the naive method");
			if (store_limit(dir2, p, &ns) != 0)
				lrc = 1;
			else if (ns < limit_ns)
				limit_ns = ns;
		}
		dupg_prune_free(p);
		dupg_pathlist_free(dl);
		dupg_store_free(s);
		bench_rmrf(dir);
		bench_rmrf(dir2);
		free(dir);
		free(dir2);
		if (lrc != 0)
			goto out;
	}

	bench_head(line, "prune", "store", l.n);
	jput_int(line, "types", l.ntypes);
	jput_int(line, "downloaded", (int64_t)(l.n - l.nfirst));
	bench_put_figures(line, l.n, apply_ns, NAN, limit_ns);
	jput_num(line, "open_ms", open_ns / 1e6);
	jput_int(line, "deletable", (int64_t)ndel);
	jput_bool(line, "fsync", 1);
	jput_bool(line, "identical", mismatches == 0);
	jput_null(line, "target");
	jput_null(line, "target_met");
	rc = mismatches == 0 ? 0 : 1;
out:
	free(want.t);
	free(want.del);
	plist_free(&l);
	return rc;
}

/*
 * Variant open: a store of n listed packages (hard links to a few built
 * ones, so that a million cost no disk) opened without its package cache
 * (every manifest read: what each prune cost before the cache) and with it
 * (written by the first change; a package is read again only when its file
 * changed). The limit is reading the list and a stat of every package.
 */
#define OPEN_DISTINCT 64

static int open_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const struct store_size *sz = arg;
	char *dir = bench_scratch(), path[4096], target[4096], list[4096], *text = NULL;
	dupg_pathlist *dl = NULL;
	dupg_store *s = NULL;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_prune_options keep = DUPG_PRUNE_OPTIONS_INIT;
	double cold_ns = INFINITY, warm_ns = INFINITY, limit_ns = INFINITY;
	size_t i, len = 0, n = (size_t)sz->n, same = 1;
	int rep, reps = o->check ? 1 : 3, rc = 2;
	FILE *f;

	if (dir == NULL || bench_pathf(list, sizeof(list), "%s/list", dir) != 0)
		return 2;
	ao.no_fsync = 1;
	for (i = 0; i <= OPEN_DISTINCT; i++) {
		dupg_pack_options po = DUPG_PACK_OPTIONS_INIT;
		char payload[4096], name[32], ver[32], types[2][16];
		const char *t[2] = { types[0], types[1] };
		dupg_pack_file pf = { payload, "bin/x" };

		snprintf(payload, sizeof(payload), "%s/payload", dir);
		if (bench_write(payload, "x\n", 2) != 0 ||
		    bench_pathf(path, sizeof(path), "%s/d%zu.tar.gz", dir, i) != 0)
			goto out;
		snprintf(name, sizeof(name), "d%zu", i);
		snprintf(ver, sizeof(ver), "1.%zu", i);
		snprintf(types[0], sizeof(types[0]), "T%zu", i % 16);
		snprintf(types[1], sizeof(types[1]), "U%zu", i % 7);
		po.no_fsync = 1;
		if (dupg_package_build(NULL, path, name, ver, t, 2, &pf, 1, &po) != 0) {
			bench_lib_fail("dupg_package_build", -1);
			goto out;
		}
	}
	f = open_memstream(&text, &len);
	if (f == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		snprintf(target, sizeof(target), "%s/d%zu.tar.gz", dir, i % OPEN_DISTINCT);
		if (bench_pathf(path, sizeof(path), "%s/p%07zu.tar.gz", dir, i) != 0 ||
		    link(target, path) != 0) {
			bench_fail("%s: %s", path, strerror(errno));
			fclose(f);
			goto out;
		}
		fprintf(f, "p%07zu.tar.gz\n", i);
	}
	fclose(f);
	if (bench_write(list, text, len) != 0 ||
	    bench_pathf(path, sizeof(path), "%s/new", dir) != 0 ||
	    bench_write(path, "d64.tar.gz\n", 11) != 0)
		goto out;
	for (rep = 0; rep < reps; rep++) {
		uint64_t t0 = bench_now_ns();
		int lrc = dupg_store_open(&s, list);

		if (lrc != 0) {
			bench_lib_fail("dupg_store_open", lrc);
			goto out;
		}
		if ((double)(bench_now_ns() - t0) < cold_ns)
			cold_ns = (double)(bench_now_ns() - t0);
		dupg_store_free(s);
		s = NULL;
	}
	/* the limit: read the list and stat every package */
	for (rep = 0; rep < reps; rep++) {
		char **paths = NULL;
		size_t np = 0;
		struct stat st;
		uint64_t t0 = bench_now_ns();

		if (dupg_listfile_read(&paths, &np, list) != 0)
			goto out;
		for (i = 0; i < np; i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, paths[i]);
			if (stat(path, &st) != 0)
				same = 0;
		}
		if ((double)(bench_now_ns() - t0) < limit_ns)
			limit_ns = (double)(bench_now_ns() - t0);
		dupg_free(paths);
	}
	/* one change writes the cache; keeping every package, so the list stays as it is */
	keep.policy = DUPG_PRUNE_KEEP_LATEST;
	keep.keep = n + 2;
	if (dupg_store_open(&s, list) != 0 ||
	    bench_pathf(path, sizeof(path), "%s/new", dir) != 0 ||
	    dupg_pathlist_load(&dl, path) != 0 || dupg_store_prune(NULL, s, dl, &keep, &ao) != 0) {
		bench_lib_fail("the first prune", -1);
		goto out;
	}
	dupg_store_free(s);
	s = NULL;
	for (rep = 0; rep < reps; rep++) {
		uint64_t t0 = bench_now_ns();

		if (dupg_store_open(&s, list) != 0) {
			bench_lib_fail("dupg_store_open", -1);
			goto out;
		}
		if ((double)(bench_now_ns() - t0) < warm_ns)
			warm_ns = (double)(bench_now_ns() - t0);
		/* what the cache said is what the packages say */
		if (rep == 0) {
			const dupg_pathlist *l = dupg_store_list(s);
			for (i = 0; i < n && same; i++) {
				char want[16];
				snprintf(want, sizeof(want), "T%zu", (i % OPEN_DISTINCT) % 16);
				same = dupg_pathlist_hw_count(l, i) == 2 &&
				       strcmp(dupg_pathlist_hw(l, i, 0), want) == 0;
			}
			same = same && dupg_pathlist_count(l) == n + 1;
		}
		dupg_store_free(s);
		s = NULL;
	}
	/* optimized: the warm open; naive: the cold one, every manifest read (the open before the cache) */
	bench_head(line, "prune", "open", n);
	bench_put_figures(line, n, warm_ns, cold_ns, limit_ns);
	jput_num(line, "open_cold_ms", cold_ns / 1e6);
	jput_num(line, "open_warm_ms", warm_ns / 1e6);
	jput_bool(line, "identical", (int)same);
	jput_null(line, "target");
	jput_null(line, "target_met");
	rc = same ? 0 : 1;
out:
	dupg_pathlist_free(dl);
	dupg_store_free(s);
	free(text);
	bench_rmrf(dir);
	free(dir);
	return rc;
}

int bench_prune(const struct bench_opts *o)
{
	static const uint64_t compute_sizes[] = { 1000, 10000, 100000, 1000000 };
	static const uint64_t store_sizes[] = { 100, 1000, 10000 };
	static const uint64_t smoke_compute[] = { 1000, 50 };
	static const uint64_t smoke_store[] = { 60 };
	int do_compute = o->variant == NULL || strcmp(o->variant, "compute") == 0;
	int do_store = o->variant == NULL || strcmp(o->variant, "store") == 0;
	int do_open = o->variant == NULL || strcmp(o->variant, "open") == 0;
	static const uint64_t open_sizes[] = { 1000, 10000, 100000, 1000000 };
	static const uint64_t smoke_open[] = { 200 };
	char *scratch_cache = NULL;
	struct store_size st;
	size_t i;
	int fail = 0;

	if (!do_compute && !do_store && !do_open)
		return bench_fail("prune variants: compute, store, open");
	if (do_compute) {
		const uint64_t *sizes = o->check ? smoke_compute : compute_sizes;
		size_t n = o->check ? 2 : 4;

		if (o->have_size) {
			sizes = &o->size;
			n = 1;
		}
		for (i = 0; i < n; i++)
			fail |= bench_in_child(o, compute_one, &sizes[i]);
	}
	if (do_store) {
		const uint64_t *sizes = o->check ? smoke_store : store_sizes;
		size_t n = o->check ? 1 : 3;

		if (o->have_size && o->size > 100000 && o->variant == NULL)
			return fail; /* a million real packages is not what this variant is for */
		if (o->have_size) {
			sizes = &o->size;
			n = 1;
		}
		st.cache = o->cache;
		/* The smoke run leaves nothing behind. */
		if (o->check && (st.cache = scratch_cache = bench_scratch()) == NULL)
			return 1;
		for (i = 0; i < n; i++) {
			st.n = sizes[i];
			fail |= bench_in_child(o, store_one, &st);
		}
		if (scratch_cache != NULL) {
			bench_rmrf(scratch_cache);
			free(scratch_cache);
		}
	}
	if (do_open) {
		const uint64_t *sizes = o->check ? smoke_open : open_sizes;
		size_t n = o->check ? 1 : 4;

		if (o->have_size) {
			sizes = &o->size;
			n = 1;
		}
		for (i = 0; i < n; i++) {
			st.n = sizes[i];
			fail |= bench_in_child(o, open_one, &st);
		}
	}
	return fail;
}
