/* SPDX-License-Identifier: BSD-2-Clause */
/* Pruning the master's store after a download (pure). */
#include "pathlist_internal.h"
#include "json_internal.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

/*
 * The second list shares the segments of first and downloaded (see
 * pathlist_internal.h), so the result owns its strings without copying
 * them and outlives both inputs. The third and fourth lists are not stored:
 * they are the second minus the sorted deletables, and entry i of either is
 * found by a binary search over those.
 */
struct dupg_prune {
	dupg_pathlist *second;
	size_t n_first;
	uint32_t *del;   /* deletable entries of the second list, ascending */
	size_t ndel;
	dupg_config *latest;
	dupg_config *rollback;
};

#define BIT_SET(map, i) ((map)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))
#define BIT_GET(map, i) (((map)[(i) >> 3] >> ((i) & 7)) & 1u)

void dupg_prune_free(dupg_prune *p)
{
	if (p == NULL)
		return;
	dupg_pathlist_free(p->second);
	free(p->del);
	dupg_config_free(p->latest);
	dupg_config_free(p->rollback);
	free(p);
}

static const char *const policy_names[] = { "minimal", "keep_latest" };
static const char *const list_names[] = { "second", "third", "fourth", "deletable" };
static const char *const list_aliases[] = { "merged", "kept", "rollback", "deletable" };
static const char *const config_names[] = { "latest", "rollback" };

const char *dupg_prune_policy_name(dupg_prune_policy policy)
{
	return dupg__name_of(policy_names, DUPG__COUNT(policy_names), (int)policy);
}

int dupg_prune_policy_parse(dupg_prune_policy *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, policy_names, DUPG__COUNT(policy_names), name,
					 "prune policy");
	if (rc == 0 && out != NULL)
		*out = (dupg_prune_policy)v;
	return rc;
}

const char *dupg_prune_list_name(dupg_prune_list which)
{
	return dupg__name_of(list_names, DUPG__COUNT(list_names), (int)which);
}

int dupg_prune_list_parse(dupg_prune_list *out, const char *name)
{
	int v = 0, rc;
	size_t i;

	for (i = 0; name != NULL && i < DUPG__COUNT(list_aliases); i++) {
		if (strcmp(name, list_aliases[i]) == 0) {
			if (out != NULL)
				*out = (dupg_prune_list)i;
			return 0;
		}
	}
	rc = dupg__name_parse(&v, list_names, DUPG__COUNT(list_names), name, "prune list");
	if (rc == 0 && out != NULL)
		*out = (dupg_prune_list)v;
	return rc;
}

const char *dupg_prune_config_kind_name(dupg_prune_config_kind which)
{
	return dupg__name_of(config_names, DUPG__COUNT(config_names), (int)which);
}

int dupg_prune_config_kind_parse(dupg_prune_config_kind *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, config_names, DUPG__COUNT(config_names), name,
					 "prune configuration");
	if (rc == 0 && out != NULL)
		*out = (dupg_prune_config_kind)v;
	return rc;
}

static int check_options(const dupg_prune_options *o)
{
	if (o->version != DUPG_PRUNE_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "prune options: unknown version %u", o->version);
	if (o->policy == DUPG_PRUNE_MINIMAL)
		return 0;
	if (o->policy != DUPG_PRUNE_KEEP_LATEST)
		return dupg__error(DUPG_EINVAL, "prune options: unknown policy %d", (int)o->policy);
	if (o->keep < 2)
		return dupg__error(DUPG_EINVAL,
				   "prune options: keep-latest must keep at least 2 packages per hardware type (got %zu)",
				   o->keep);
	return 0;
}

/*
 * A pathlist never holds a path twice, so only first can clash with the
 * download. Paths are compared as written.
 */
static int check_download(const dupg_pathlist *first, const dupg_pathlist *downloaded)
{
	size_t k, j;

	for (k = 0; k < downloaded->nsegs; k++) {
		const struct dupg__plseg *s = downloaded->segs[k];
		for (j = 0; j < s->count; j++) {
			const char *path = dupg__strmap_key(s->paths, j);
			size_t at = dupg_pathlist_find(first, path);
			if (at != DUPG_NONE)
				return dupg__error(DUPG_EEXISTS,
						   "%s: downloaded package is already in the stored list (entry %zu)",
						   path, at + 1);
		}
	}
	return 0;
}

static int push_del(dupg_prune *p, size_t *cap, uint32_t e)
{
	void *d = p->del;
	int rc = dupg__grow(&d, cap, p->ndel + 1, sizeof(*p->del));

	p->del = d;
	if (rc == 0)
		p->del[p->ndel++] = e;
	return rc;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The seed's rule: each target type's earliest package, unless downloaded or configured. */
static int deletable_minimal(dupg_prune *p, const dupg__typescan *sc, const uint8_t *inconf,
			     uint8_t *deleted)
{
	size_t g, cap = 0, ntypes = dupg__strmap_count(sc->types);
	int rc;

	for (g = 0; g < ntypes; g++) {
		uint32_t c = sc->st[g].first;
		if (sc->st[g].count < 3 || c >= p->n_first || BIT_GET(inconf, c) || BIT_GET(deleted, c))
			continue;
		BIT_SET(deleted, c);
		rc = push_del(p, &cap, c);
		if (rc != 0)
			return rc;
	}
	if (p->ndel > 1)
		qsort(p->del, p->ndel, sizeof(*p->del), cmp_u32);
	return 0;
}

/*
 * Keep the `keep` latest per type: walk the first list counting each type's
 * occurrences; an entry's rank r for type g makes it one of the latest when
 * count - r <= keep.
 */
static int deletable_keep(dupg_prune *p, const dupg__typescan *sc, const uint8_t *inconf,
			  uint8_t *deleted, size_t keep)
{
	const dupg_pathlist *l = p->second;
	size_t k, cap = 0, ntypes = dupg__strmap_count(sc->types);
	uint32_t *seen = calloc(ntypes + 1, sizeof(*seen));
	int rc = 0;

	if (seen == NULL)
		return dupg__error_nomem();
	for (k = 0; rc == 0 && k < l->nsegs && l->starts[k] < p->n_first; k++) {
		const struct dupg__plseg *s = l->segs[k];
		const uint32_t *map = sc->maps[k];
		size_t i, n = p->n_first - l->starts[k];

		if (n > s->count)
			n = s->count;
		for (i = 0; rc == 0 && i < n; i++) {
			uint32_t e = (uint32_t)(l->starts[k] + i), j;
			int del = !BIT_GET(inconf, e);
			for (j = s->hw_off[i]; j < s->hw_off[i + 1]; j++) {
				uint32_t g = map[s->hw_ids[j]];
				if (sc->st[g].count - seen[g]++ <= keep)
					del = 0;
			}
			if (del) {
				BIT_SET(deleted, e);
				rc = push_del(p, &cap, e);
			}
		}
	}
	free(seen);
	return rc;
}

/*
 * Where each type first appears in the third list: its earliest entry,
 * unless that was deleted; then the first kept entry fitting it, found by
 * one forward walk from the first deletable that stops once all are found.
 */
static int first_kept(uint32_t **out, const dupg_prune *p, const dupg__typescan *sc,
		      const uint8_t *deleted)
{
	const dupg_pathlist *l = p->second;
	size_t g, k, missing = 0, ntypes = dupg__strmap_count(sc->types);
	uint32_t *key = malloc((ntypes + 1) * sizeof(*key));

	*out = NULL;
	if (key == NULL)
		return dupg__error_nomem();
	for (g = 0; g < ntypes; g++) {
		key[g] = sc->st[g].first;
		if (key[g] != DUPG__NONE && BIT_GET(deleted, key[g])) {
			key[g] = DUPG__NONE;
			missing++;
		}
	}
	for (k = 0; missing > 0 && k < l->nsegs; k++) {
		const struct dupg__plseg *s = l->segs[k];
		size_t i = 0;

		if (l->starts[k] + s->count <= p->del[0])
			continue;
		if (l->starts[k] < p->del[0])
			i = p->del[0] - l->starts[k];
		for (; missing > 0 && i < s->count; i++) {
			uint32_t e = (uint32_t)(l->starts[k] + i), j;
			if (BIT_GET(deleted, e))
				continue;
			for (j = s->hw_off[i]; j < s->hw_off[i + 1]; j++) {
				uint32_t t = sc->maps[k][s->hw_ids[j]];
				if (key[t] == DUPG__NONE) {
					key[t] = e;
					missing--;
				}
			}
		}
	}
	*out = key;
	return 0;
}

static int compute(dupg_prune *p, const dupg_prune_options *opts)
{
	dupg__typescan sc;
	uint8_t *inconf = NULL, *deleted = NULL;
	uint32_t *key = NULL;
	size_t g, ntypes, n2 = p->second->count;
	int rc;

	rc = dupg__pathlist_scan(&sc, p->second, p->n_first);
	if (rc != 0)
		return rc;
	ntypes = dupg__strmap_count(sc.types);
	inconf = calloc(n2 / 8 + 1, 1);
	deleted = calloc(n2 / 8 + 1, 1);
	if (inconf == NULL || deleted == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	/* the packages of both configurations: never deletable */
	for (g = 0; g < ntypes; g++) {
		if (sc.st[g].last != DUPG__NONE)
			BIT_SET(inconf, sc.st[g].last);
		if (sc.st[g].last_split != DUPG__NONE)
			BIT_SET(inconf, sc.st[g].last_split);
	}
	if (opts->policy == DUPG_PRUNE_KEEP_LATEST)
		rc = deletable_keep(p, &sc, inconf, deleted, opts->keep);
	else
		rc = deletable_minimal(p, &sc, inconf, deleted);
	if (rc == 0)
		rc = first_kept(&key, p, &sc, deleted);
	/*
	 * No deletable is any type's latest, in either list: the configuration
	 * of the third list is the second's, the fourth's is the first's.
	 */
	if (rc == 0)
		rc = dupg__config_from_scan(&p->latest, &sc, p->second, key, 0);
	if (rc == 0)
		rc = dupg__config_from_scan(&p->rollback, &sc, p->second, key, 1);
out:
	free(key);
	free(inconf);
	free(deleted);
	dupg__typescan_free(&sc);
	return rc;
}

int dupg_prune_compute(dupg_prune **out, const dupg_pathlist *first,
		       const dupg_pathlist *downloaded, const dupg_prune_options *opts)
{
	static const dupg_prune_options defaults = DUPG_PRUNE_OPTIONS_INIT;
	dupg_prune *p;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || first == NULL || downloaded == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_prune_compute: NULL argument");
	if (opts == NULL)
		opts = &defaults;
	rc = check_options(opts);
	if (rc != 0)
		return rc;
	if (first->count + downloaded->count >= DUPG__NONE)
		return dupg__error(DUPG_EINVAL, "dupg_prune_compute: too many entries (%zu)",
				   first->count + downloaded->count);
	rc = check_download(first, downloaded);
	if (rc != 0)
		return rc;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return dupg__error_nomem();
	p->n_first = first->count;
	rc = dupg__pathlist_concat(&p->second, first, downloaded);
	if (rc == 0)
		rc = compute(p, opts);
	if (rc != 0) {
		dupg_prune_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

size_t dupg_prune_count(const dupg_prune *p, dupg_prune_list which)
{
	if (p == NULL)
		return 0;
	switch (which) {
	case DUPG_LIST_SECOND: return p->second->count;
	case DUPG_LIST_THIRD: return p->second->count - p->ndel;
	case DUPG_LIST_FOURTH: return p->n_first - p->ndel;
	case DUPG_LIST_DELETABLE: return p->ndel;
	}
	return 0;
}

/* Entry i of second minus the deletables: i plus the deletables that precede it. */
static size_t kept_index(const dupg_prune *p, size_t i)
{
	size_t lo = 0, hi = p->ndel;

	/* del[m] - m is the number of kept entries before del[m]: non-decreasing */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->del[mid] - mid <= i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return i + lo;
}

size_t dupg_prune_index(const dupg_prune *p, dupg_prune_list which, size_t i)
{
	if (p == NULL || i >= dupg_prune_count(p, which))
		return DUPG_NONE;
	switch (which) {
	case DUPG_LIST_SECOND: return i;
	case DUPG_LIST_DELETABLE: return p->del[i];
	case DUPG_LIST_THIRD:
	case DUPG_LIST_FOURTH: return kept_index(p, i);
	}
	return DUPG_NONE;
}

const char *dupg_prune_path(const dupg_prune *p, dupg_prune_list which, size_t i)
{
	size_t at = dupg_prune_index(p, which, i);

	return at == DUPG_NONE ? NULL : dupg_pathlist_path(p->second, at);
}

const dupg_pathlist *dupg_prune_second(const dupg_prune *p)
{
	return p == NULL ? NULL : p->second;
}

const dupg_config *dupg_prune_config(const dupg_prune *p, dupg_prune_config_kind which)
{
	if (p == NULL)
		return NULL;
	switch (which) {
	case DUPG_CONFIG_LATEST: return p->latest;
	case DUPG_CONFIG_ROLLBACK: return p->rollback;
	}
	return NULL;
}

int dupg_prune_list_dup(dupg_pathlist **out, const dupg_prune *p, dupg_prune_list which)
{
	dupg_pathlist *l;
	size_t i, n;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || p == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_prune_list_dup: NULL argument");
	if (which < DUPG_LIST_SECOND || which > DUPG_LIST_DELETABLE)
		return dupg__error(DUPG_EINVAL, "dupg_prune_list_dup: unknown list %d", (int)which);
	if (which == DUPG_LIST_SECOND)
		return dupg__pathlist_concat(out, p->second, NULL);
	rc = dupg_pathlist_new(&l);
	n = dupg_prune_count(p, which);
	for (i = 0; rc == 0 && i < n; i++)
		rc = dupg__pathlist_append_copy(l, p->second, dupg_prune_index(p, which, i));
	if (rc != 0) {
		dupg_pathlist_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

static json_object *list_to_jobj(const dupg_prune *p, dupg_prune_list which)
{
	size_t i, n = dupg_prune_count(p, which);
	json_object *arr = dupg__jarray(n);

	if (arr == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		json_object *s = json_object_new_string(dupg_prune_path(p, which, i));
		if (s == NULL || json_object_array_add(arr, s) != 0) {
			json_object_put(s);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

int dupg_prune_to_json(char **out, const dupg_prune *p)
{
	json_object *obj;
	size_t i;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || p == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_prune_to_json: NULL argument");
	obj = json_object_new_object();
	for (i = 0; i < DUPG__COUNT(list_names); i++)
		obj = dupg__jadd(obj, list_names[i], list_to_jobj(p, (dupg_prune_list)i));
	obj = dupg__jadd(obj, config_names[DUPG_CONFIG_LATEST], dupg__config_to_jobj(p->latest));
	obj = dupg__jadd(obj, config_names[DUPG_CONFIG_ROLLBACK], dupg__config_to_jobj(p->rollback));
	return dupg__jobj_finish(out, obj);
}
