/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The prune kernel: one pass over a path list interns every hardware type and
 * learns what a prune and a configuration need of it (pure).
 */
#include "pathlist_internal.h"

#include <stdlib.h>
#include <string.h>

/* The hot loop of every prune: read type ids, touch one small record per id. */
static void scan_range(dupg__typestat *st, const uint32_t *map, const struct dupg__plseg *s,
		       size_t lo, size_t hi, size_t start)
{
	const uint32_t *off = s->hw_off, *ids = s->hw_ids;
	size_t i;
	uint32_t k;

	for (i = lo; i < hi; i++) {
		uint32_t e = (uint32_t)(start + i);
		for (k = off[i]; k < off[i + 1]; k++) {
			dupg__typestat *t = &st[map[ids[k]]];
			if (t->count++ == 0)
				t->first = e;
			t->last = e;
		}
	}
}

static void snapshot(dupg__typescan *sc)
{
	size_t g, n = dupg__strmap_count(sc->types);

	for (g = 0; g < n; g++)
		sc->st[g].last_split = sc->st[g].last;
}

void dupg__typescan_free(dupg__typescan *sc)
{
	size_t k;

	if (sc->maps != NULL)
		for (k = 0; k < sc->nmaps; k++)
			free(sc->maps[k]);
	free(sc->maps);
	free(sc->st);
	dupg__strmap_free(sc->types);
	memset(sc, 0, sizeof(*sc));
}

int dupg__pathlist_scan(dupg__typescan *sc, const dupg_pathlist *l, size_t split)
{
	size_t k, g, ntypes;
	int rc, snapped = 0;

	memset(sc, 0, sizeof(*sc));
	rc = dupg__strmap_new(&sc->types);
	if (rc != 0)
		return rc;
	sc->maps = calloc(l->nsegs + 1, sizeof(*sc->maps));
	if (sc->maps == NULL)
		goto nomem;
	sc->nmaps = l->nsegs;
	/* segments in list order, local ids in order: global ids follow first appearance */
	for (k = 0; k < l->nsegs; k++) {
		const dupg_strmap *hw = l->segs[k]->hw;
		size_t j, n = dupg__strmap_count(hw);
		sc->maps[k] = malloc((n + 1) * sizeof(**sc->maps));
		if (sc->maps[k] == NULL)
			goto nomem;
		for (j = 0; j < n; j++) {
			rc = dupg__strmap_intern(sc->types, dupg__strmap_key(hw, j), &g, NULL);
			if (rc != 0) {
				dupg__typescan_free(sc);
				return rc;
			}
			sc->maps[k][j] = (uint32_t)g;
		}
	}
	ntypes = dupg__strmap_count(sc->types);
	sc->st = malloc((ntypes + 1) * sizeof(*sc->st));
	if (sc->st == NULL)
		goto nomem;
	for (g = 0; g < ntypes; g++) {
		sc->st[g].count = 0;
		sc->st[g].first = sc->st[g].last = sc->st[g].last_split = DUPG__NONE;
	}
	for (k = 0; k < l->nsegs; k++) {
		const struct dupg__plseg *s = l->segs[k];
		size_t start = l->starts[k];
		if (!snapped && split < start + s->count) {
			size_t mid = split > start ? split - start : 0;
			scan_range(sc->st, sc->maps[k], s, 0, mid, start);
			snapshot(sc);
			snapped = 1;
			scan_range(sc->st, sc->maps[k], s, mid, s->count, start);
		} else {
			scan_range(sc->st, sc->maps[k], s, 0, s->count, start);
		}
	}
	if (!snapped)
		snapshot(sc);
	return 0;
nomem:
	dupg__typescan_free(sc);
	return dupg__error_nomem();
}

/* A type's place in a configuration: where it first appears, and where in that entry. */
struct place {
	uint32_t entry;
	uint32_t pos;
	uint32_t id;
};

static int cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Position of global type id among the types of entry e. */
static uint32_t type_pos(const dupg__typescan *sc, const dupg_pathlist *l, uint32_t e, uint32_t id)
{
	size_t local, k = dupg__pathlist_locate_k(l, e, &local);
	const struct dupg__plseg *s = l->segs[k];
	uint32_t j;

	for (j = s->hw_off[local]; j < s->hw_off[local + 1]; j++)
		if (sc->maps[k][s->hw_ids[j]] == id)
			return j - s->hw_off[local];
	return 0;
}

/*
 * Order the places. Types that first appear in the same entry follow that
 * entry's own order, as they would in a list holding only the kept entries.
 */
static void order_places(struct place *pl, size_t n, const dupg__typescan *sc,
			 const dupg_pathlist *l)
{
	size_t i, j, run;
	int sorted = 1;

	for (i = 1; i < n && sorted; i++)
		sorted = cmp_place(&pl[i - 1], &pl[i]) < 0;
	if (!sorted)
		qsort(pl, n, sizeof(*pl), cmp_place);
	for (i = 0; i < n; i = run) {
		for (run = i + 1; run < n && pl[run].entry == pl[i].entry; run++)
			;
		if (run - i < 2)
			continue;
		for (j = i; j < run; j++)
			pl[j].pos = type_pos(sc, l, pl[j].entry, pl[j].id);
		qsort(pl + i, run - i, sizeof(*pl), cmp_place);
	}
}

int dupg__config_from_scan(dupg_config **out, const dupg__typescan *sc, const dupg_pathlist *l,
			   const uint32_t *key, int split)
{
	size_t g, n = 0, ntypes = dupg__strmap_count(sc->types);
	struct place *pl;
	dupg_config *c;
	int rc;

	*out = NULL;
	pl = malloc((ntypes + 1) * sizeof(*pl));
	if (pl == NULL)
		return dupg__error_nomem();
	for (g = 0; g < ntypes; g++) {
		uint32_t e = split ? sc->st[g].last_split : sc->st[g].last;
		if (key[g] == DUPG__NONE || e == DUPG__NONE)
			continue;
		pl[n].entry = key[g];
		pl[n].pos = 0;
		pl[n].id = (uint32_t)g;
		n++;
	}
	order_places(pl, n, sc, l);
	rc = dupg_config_new(&c);
	for (g = 0; rc == 0 && g < n; g++) {
		uint32_t id = pl[g].id;
		uint32_t e = split ? sc->st[id].last_split : sc->st[id].last;
		rc = dupg_config_set(c, dupg__strmap_key(sc->types, id), dupg_pathlist_path(l, e));
	}
	free(pl);
	if (rc != 0) {
		dupg_config_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int dupg_pathlist_config(dupg_config **out, const dupg_pathlist *l)
{
	dupg__typescan sc;
	uint32_t *key;
	size_t g, ntypes;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || l == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_config: NULL argument");
	rc = dupg__pathlist_scan(&sc, l, l->count);
	if (rc != 0)
		return rc;
	ntypes = dupg__strmap_count(sc.types);
	key = malloc((ntypes + 1) * sizeof(*key));
	if (key == NULL) {
		dupg__typescan_free(&sc);
		return dupg__error_nomem();
	}
	for (g = 0; g < ntypes; g++)
		key[g] = sc.st[g].first;
	rc = dupg__config_from_scan(out, &sc, l, key, 0);
	free(key);
	dupg__typescan_free(&sc);
	return rc;
}

