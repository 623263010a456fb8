/* SPDX-License-Identifier: BSD-2-Clause */
/* Package set indexed by hardware type, and site matching (pure). */
#include "internal.h"
#include "json_internal.h"
#include "vd_internal.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct pkg {
	const char *path;     /* key in the set's path map */
	const char *version;  /* key in the set's version map */
	const char *min;      /* applies_to's ends (keys in the version map), NULL: open */
	const char *max;
};

/* A type's best package, with its version beside it: what a match reads. */
struct best {
	size_t pkg;           /* package index, or DUPG_NONE */
	uint64_t key;         /* dupg__vercmp_key(version) */
	const char *version;  /* the package's version */
	int ranged;           /* some package of the type has applies_to: see cands */
};

/* Every package of a type, in add order: what a ranged type's match scans. */
struct cands {
	size_t *pkg;
	size_t n, cap;
};

struct dupg_pkgset {
	dupg_strmap *paths;  /* path -> package index (paths are interned in add order) */
	struct pkg *pkgs;
	size_t cap;
	/* versions, interned: the ones a match compares with sit close together */
	dupg_strmap *vers;
	/*
	 * The index: hardware type -> its best package, kept up to date by
	 * every add, so matching never looks at the packages themselves.
	 */
	dupg_strmap *hw;
	struct best *best;   /* by hw id */
	size_t best_cap;
	struct cands *cands; /* by hw id */
	size_t cands_cap;
};

/*
 * A task borrows its paths from the set; pkg[] holds package indexes in
 * package-set order (a string map holds fewer than 2^32 paths), sized for
 * the site's type count at most.
 */
struct dupg_task {
	const dupg_pkgset *set;
	dupg_task_kind kind;
	size_t count;
	uint32_t pkg[];
};

/* Sites with up to this many chosen packages are sorted by ranking, RANK_BLOCK at a time. */
#define RANK_MAX 64
#define RANK_BLOCK 8

int dupg_pkgset_new(dupg_pkgset **out)
{
	dupg_pkgset *set;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pkgset_new: out is NULL");
	*out = NULL;
	set = calloc(1, sizeof(*set));
	if (set == NULL)
		return dupg__error_nomem();
	rc = dupg__strmap_new(&set->paths);
	if (rc == 0)
		rc = dupg__strmap_new(&set->vers);
	if (rc == 0)
		rc = dupg__strmap_new(&set->hw);
	if (rc != 0) {
		dupg_pkgset_free(set);
		return rc;
	}
	*out = set;
	return 0;
}

void dupg_pkgset_free(dupg_pkgset *set)
{
	if (set == NULL)
		return;
	free(set->pkgs);
	if (set->cands != NULL) {
		size_t i, n = dupg__strmap_count(set->hw);

		for (i = 0; i < n; i++)
			free(set->cands[i].pkg);
	}
	free(set->cands);
	free(set->best);
	dupg__strmap_free(set->paths);
	dupg__strmap_free(set->vers);
	dupg__strmap_free(set->hw);
	free(set);
}

/* Intern an applies_to end (NULL stays NULL). */
static int intern_end(const char **out, dupg_pkgset *set, const char *v)
{
	size_t id;
	int rc;

	*out = NULL;
	if (v == NULL)
		return 0;
	rc = dupg__strmap_intern(set->vers, v, &id, NULL);
	if (rc == 0)
		*out = dupg__strmap_key(set->vers, id);
	return rc;
}

int dupg_pkgset_add(dupg_pkgset *set, const char *path, const char *version,
		    const char *const *hw, size_t hw_count)
{
	return dupg_pkgset_add_ranged(set, path, version, hw, hw_count, NULL, NULL);
}

int dupg_pkgset_add_ranged(dupg_pkgset *set, const char *path, const char *version,
			   const char *const *hw, size_t hw_count, const char *min, const char *max)
{
	size_t i, n, id, tid, vid;
	const char *vcopy, *mincopy = NULL, *maxcopy = NULL;
	int rc = 0;

	if (set == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pkgset_add: set is NULL");
	if (path == NULL || *path == '\0')
		return dupg__error(DUPG_EINVAL, "package without a storage path");
	if (version == NULL || *version == '\0')
		return dupg__error(DUPG_EINVAL, "%s: version is missing", path);
	if (hw == NULL || hw_count == 0)
		return dupg__error(DUPG_EINVAL, "%s: hardware list is empty", path);
	for (i = 0; i < hw_count; i++)
		if (hw[i] == NULL || *hw[i] == '\0')
			return dupg__error(DUPG_EINVAL, "%s: hardware type %zu is empty", path, i);
	if (dupg__strmap_find(set->paths, path) != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "%s: already in the package set", path);
	if ((min != NULL && *min == '\0') || (max != NULL && *max == '\0'))
		return dupg__error(DUPG_EINVAL, "%s: an applies_to end is empty (NULL for none)", path);

	n = dupg__strmap_count(set->paths);
	{
		void *p = set->pkgs;
		rc = dupg__grow(&p, &set->cap, n + 1, sizeof(*set->pkgs));
		set->pkgs = p;
	}
	if (rc == 0)
		rc = dupg__strmap_intern(set->vers, version, &vid, NULL);
	if (rc != 0)
		return rc;
	vcopy = dupg__strmap_key(set->vers, vid);
	if ((rc = intern_end(&mincopy, set, min)) != 0 || (rc = intern_end(&maxcopy, set, max)) != 0)
		return rc;
	/*
	 * Types (and the version) interned here before a later failure stay in
	 * the index with no package (-1), which is exactly what an unknown type
	 * means.
	 */
	for (i = 0; rc == 0 && i < hw_count; i++) {
		void *p = set->best;
		int added;

		rc = dupg__grow(&p, &set->best_cap, dupg__strmap_count(set->hw) + 1,
				sizeof(*set->best));
		set->best = p;
		if (rc == 0)
			rc = dupg__strmap_intern(set->hw, hw[i], &tid, &added);
		if (rc == 0) {
			p = set->cands;
			rc = dupg__grow(&p, &set->cands_cap, dupg__strmap_count(set->hw),
					sizeof(*set->cands));
			set->cands = p;
		}
		if (rc == 0 && added) {
			set->best[tid].pkg = DUPG_NONE;
			set->best[tid].key = 0;
			set->best[tid].version = NULL;
			set->best[tid].ranged = 0;
			memset(&set->cands[tid], 0, sizeof(set->cands[tid]));
		}
		/* room for this package, so that nothing below can fail */
		if (rc == 0) {
			struct cands *c = &set->cands[tid];

			p = c->pkg;
			rc = dupg__grow(&p, &c->cap, c->n + 1, sizeof(*c->pkg));
			c->pkg = p;
		}
	}
	if (rc == 0)
		rc = dupg__strmap_intern(set->paths, path, &id, NULL);
	if (rc != 0)
		return rc;
	set->pkgs[id].path = dupg__strmap_key(set->paths, id);
	set->pkgs[id].version = vcopy;
	set->pkgs[id].min = mincopy;
	set->pkgs[id].max = maxcopy;
	for (i = 0; i < hw_count; i++) {
		size_t t = dupg__strmap_find(set->hw, hw[i]);
		struct best *b = &set->best[t];
		struct cands *c = &set->cands[t];

		/* a type listed twice holds the package once */
		if (c->n == 0 || c->pkg[c->n - 1] != id)
			c->pkg[c->n++] = id;
		if (mincopy != NULL || maxcopy != NULL)
			b->ranged = 1;

		/* strictly higher wins: on a tie the package added first stays */
		if (b->pkg == DUPG_NONE || dupg_vercmp(vcopy, b->version) > 0) {
			b->pkg = id;
			b->key = dupg__vercmp_key(vcopy);
			b->version = vcopy;
		}
	}
	return 0;
}

int dupg_pkgset_add_manifest(dupg_pkgset *set, const char *path, const dupg_manifest *m)
{
	const char **hw;
	size_t i, n;
	int rc;

	if (set == NULL || m == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pkgset_add_manifest: NULL argument");
	n = dupg_manifest_hw_count(m);
	if (n == 0)
		return dupg__error(DUPG_EINVAL, "%s: hardware list is empty",
				   path != NULL ? path : "<package>");
	hw = malloc(n * sizeof(*hw));
	if (hw == NULL)
		return dupg__error_nomem();
	for (i = 0; i < n; i++)
		hw[i] = dupg_manifest_hw(m, i);
	rc = dupg_pkgset_add_ranged(set, path, dupg_manifest_version(m), hw, n,
				    dupg_manifest_applies_min(m), dupg_manifest_applies_max(m));
	free(hw);
	return rc;
}

size_t dupg_pkgset_count(const dupg_pkgset *set)
{
	return set == NULL ? 0 : dupg__strmap_count(set->paths);
}

const char *dupg_pkgset_path(const dupg_pkgset *set, size_t i)
{
	return i < dupg_pkgset_count(set) ? set->pkgs[i].path : NULL;
}

const char *dupg_pkgset_version(const dupg_pkgset *set, size_t i)
{
	return i < dupg_pkgset_count(set) ? set->pkgs[i].version : NULL;
}

size_t dupg_pkgset_best(const dupg_pkgset *set, const char *hw)
{
	size_t tid;

	if (set == NULL || hw == NULL)
		return DUPG_NONE;
	tid = dupg__strmap_find(set->hw, hw);
	return tid == DUPG_NONE ? DUPG_NONE : set->best[tid].pkg;
}

static const char *const kind_names[] = { "none", "incremental", "full" };

const char *dupg_task_kind_name(dupg_task_kind kind)
{
	return dupg__name_of(kind_names, DUPG__COUNT(kind_names), (int)kind);
}

int dupg_task_kind_parse(dupg_task_kind *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, kind_names, DUPG__COUNT(kind_names), name, "task kind");
	if (rc == 0 && out != NULL)
		*out = (dupg_task_kind)v;
	return rc;
}

static int cmp_index(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Sort n package indexes into package-set order, without repeats; returns
 * how many are left. A site has a few dozen types: each index is placed by
 * counting the smaller ones, in blocks the compiler can vectorize, with no
 * branch that depends on the data (an insertion sort mispredicts about once
 * per index). Equal indexes land on the same place; the others' places are
 * left at UINT32_MAX, which no package index reaches, and squeezed out.
 */
static size_t sort_distinct(uint32_t *pkg, size_t n)
{
	uint32_t in[RANK_MAX];
	size_t i, j, b, m, nb = (n + RANK_BLOCK - 1) / RANK_BLOCK;

	if (n > RANK_MAX) {
		qsort(pkg, n, sizeof(*pkg), cmp_index);
		for (i = m = 1; i < n; i++) {
			pkg[m] = pkg[i];
			m += pkg[m] != pkg[m - 1];
		}
		return m;
	}
	memcpy(in, pkg, n * sizeof(*pkg));
	for (i = n; i < nb * RANK_BLOCK; i++)
		in[i] = UINT32_MAX;
	for (i = 0; i < n; i++)
		pkg[i] = UINT32_MAX;
	for (i = 0; i < n; i++) {
		uint32_t x = in[i], r = 0;

		for (b = 0; b < nb; b++)
			for (j = 0; j < RANK_BLOCK; j++)
				r += in[b * RANK_BLOCK + j] < x;
		pkg[r] = x;
	}
	for (i = m = 0; i < n; i++) {
		pkg[m] = pkg[i];
		m += pkg[i] != UINT32_MAX;
	}
	return m;
}

/*
 * The best package of a ranged type for a site whose devices of the type
 * run running at the lowest: the highest version whose applies_to holds
 * running (ties: the one added first), or DUPG_NONE.
 */
static size_t best_applicable(const dupg_pkgset *set, size_t tid, const char *running)
{
	const struct cands *c = &set->cands[tid];
	size_t i, best = DUPG_NONE;

	for (i = 0; i < c->n; i++) {
		const struct pkg *p = &set->pkgs[c->pkg[i]];

		if ((p->min != NULL && dupg_vercmp(running, p->min) < 0) ||
		    (p->max != NULL && dupg_vercmp(running, p->max) > 0))
			continue;
		if (best == DUPG_NONE || dupg_vercmp(p->version, set->pkgs[best].version) > 0)
			best = c->pkg[i];
	}
	return best;
}

int dupg_match(dupg_task **out, const dupg_pkgset *set, const dupg_sysvd *site)
{
	size_t ntypes, i, n;
	dupg_task *t;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_match: out is NULL");
	*out = NULL;
	if (set == NULL || site == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_match: NULL package set or site");
	/* the only allocation of a match: the task, sized for the worst case */
	ntypes = dupg__strmap_count(site->hw);
	t = malloc(sizeof(*t) + ntypes * sizeof(t->pkg[0]));
	if (t == NULL)
		return dupg__error_nomem();
	t->set = set;
	n = 0;
#if defined(__GNUC__)
	/* the site's type strings are read below, after branches that stall the fetches */
	for (i = 0; i < ntypes; i++)
		__builtin_prefetch(site->types[i].hw);
#endif
	for (i = 0; i < ntypes; i++) {
		/* the site hashed its type already, with the hash of every map */
		const struct vd_type *st = &site->types[i];
		size_t tid = dupg__strmap_find_hash(set->hw, st->hw, st->hash);
		const struct best *b;

		if (tid == DUPG_NONE || (b = &set->best[tid])->pkg == DUPG_NONE)
			continue;
		if (b->ranged) {
			/* applies_to: the next best package when the best excludes the running version */
			size_t k = best_applicable(set, tid, st->lowest);

			if (k != DUPG_NONE && dupg_vercmp(st->lowest, set->pkgs[k].version) < 0)
				t->pkg[n++] = (uint32_t)k;
			continue;
		}
		/* the strings are compared only when the keys cannot tell */
		if (st->lowest_key != b->key ? st->lowest_key > b->key
					     : dupg_vercmp(st->lowest, b->version) >= 0)
			continue;
		t->pkg[n++] = (uint32_t)b->pkg;
	}
	if (n == 0)
		t->kind = DUPG_TASK_NONE;
	else if (n == ntypes)
		t->kind = DUPG_TASK_FULL;
	else
		t->kind = DUPG_TASK_INCREMENTAL;
	/* sorted in the task itself: the set stays read-only for concurrent callers */
	t->count = sort_distinct(t->pkg, n);
	*out = t;
	return 0;
}

void dupg_task_free(dupg_task *t)
{
	free(t);
}

dupg_task_kind dupg_task_kind_get(const dupg_task *t)
{
	return t == NULL ? DUPG_TASK_NONE : t->kind;
}

size_t dupg_task_count(const dupg_task *t)
{
	return t == NULL ? 0 : t->count;
}

const char *dupg_task_path(const dupg_task *t, size_t i)
{
	return t == NULL || i >= t->count ? NULL : t->set->pkgs[t->pkg[i]].path;
}

size_t dupg_task_package(const dupg_task *t, size_t i)
{
	return t == NULL || i >= t->count ? DUPG_NONE : t->pkg[i];
}

int dupg_task_to_json(char **out, const dupg_task *t)
{
	json_object *obj, *v, *arr;
	size_t i;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || t == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_task_to_json: NULL argument");
	obj = json_object_new_object();
	if (obj == NULL)
		return dupg__error_nomem();
	v = json_object_new_string(dupg_task_kind_name(t->kind));
	if (v == NULL || json_object_object_add(obj, "kind", v) != 0)
		goto fail_v;
	arr = dupg__jarray(t->count);
	if (arr == NULL)
		goto fail;
	for (i = 0; i < t->count; i++) {
		v = json_object_new_string(dupg_task_path(t, i));
		if (v == NULL || json_object_array_add(arr, v) != 0) {
			json_object_put(arr);
			goto fail_v;
		}
	}
	if (json_object_object_add(obj, "task", arr) != 0) {
		json_object_put(arr);
		goto fail;
	}
	return dupg__jobj_finish(out, obj);
fail_v:
	json_object_put(v);
fail:
	json_object_put(obj);
	return dupg__error_nomem();
}
