/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Path lists: the master's ordered list of stored packages, as segments of
 * interned entries shared between lists (pure; the list file is
 * io/listfile.c, the prune kernel core/kernel.c).
 */
#include "pathlist_internal.h"

#include <stdlib.h>
#include <string.h>

static void seg_unref(struct dupg__plseg *s)
{
	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	dupg__strmap_free(s->paths);
	dupg__strmap_free(s->hw);
	dupg__strmap_free(s->bases);
	dupg__strmap_free(s->resolved);
	free(s->hw_off);
	free(s->hw_ids);
	free(s->ent);
	free(s);
}

static int seg_new(struct dupg__plseg **out)
{
	struct dupg__plseg *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s == NULL)
		return dupg__error_nomem();
	s->refs = 1;
	s->off_cap = 8;
	s->hw_off = malloc(s->off_cap * sizeof(*s->hw_off));
	if (s->hw_off == NULL || dupg__strmap_new(&s->paths) != 0 || dupg__strmap_new(&s->hw) != 0 ||
	    dupg__strmap_new(&s->bases) != 0 || dupg__strmap_new(&s->resolved) != 0) {
		seg_unref(s);
		return dupg__error_nomem();
	}
	s->hw_off[0] = 0;
	*out = s;
	return 0;
}

int dupg_pathlist_new(dupg_pathlist **out)
{
	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_new: out is NULL");
	*out = calloc(1, sizeof(**out));
	return *out == NULL ? dupg__error_nomem() : 0;
}

void dupg_pathlist_free(dupg_pathlist *l)
{
	size_t k;

	if (l == NULL)
		return;
	for (k = 0; k < l->nsegs; k++)
		seg_unref(l->segs[k]);
	free(l->segs);
	free(l->starts);
	free(l);
}

/* Append segment s to l, taking over one reference (dropped on failure). */
static int push_seg(dupg_pathlist *l, struct dupg__plseg *s)
{
	void *segs = l->segs, *starts = l->starts;
	size_t cap = l->segs_cap;
	int rc;

	rc = dupg__grow(&segs, &cap, l->nsegs + 1, sizeof(*l->segs));
	l->segs = segs;
	if (rc == 0) {
		cap = l->segs_cap;
		rc = dupg__grow(&starts, &cap, l->nsegs + 1, sizeof(*l->starts));
		l->starts = starts;
	}
	if (rc != 0) {
		seg_unref(s);
		return rc;
	}
	l->segs_cap = cap;
	l->segs[l->nsegs] = s;
	l->starts[l->nsegs] = l->count;
	l->nsegs++;
	l->count += s->count;
	return 0;
}

/* The segment new entries go to: the last one unless another list shares it. */
static int writable_seg(dupg_pathlist *l, struct dupg__plseg **out)
{
	struct dupg__plseg *s;
	int rc;

	if (l->nsegs > 0) {
		s = l->segs[l->nsegs - 1];
		if (__atomic_load_n(&s->refs, __ATOMIC_ACQUIRE) == 1) {
			*out = s;
			return 0;
		}
	}
	rc = seg_new(&s);
	if (rc == 0)
		rc = push_seg(l, s);
	*out = rc == 0 ? s : NULL;
	return rc;
}

/* The last segment starting at or before i holds it: empty segments never do. */
size_t dupg__pathlist_locate_k(const dupg_pathlist *l, size_t i, size_t *local)
{
	size_t lo = 0, hi = l->nsegs - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		if (l->starts[mid] <= i)
			lo = mid;
		else
			hi = mid - 1;
	}
	*local = i - l->starts[lo];
	return lo;
}

const struct dupg__plseg *dupg__pathlist_locate(const dupg_pathlist *l, size_t i, size_t *local)
{
	return l->segs[dupg__pathlist_locate_k(l, i, local)];
}

/*
 * Append one entry. base is the directory a relative path was resolved
 * against (NULL when none), resolved the result when it differs from path.
 * The path is interned last: it is what makes the entry exist, so a failure
 * before it leaves the list as it was.
 */
int dupg__pathlist_add_entry(dupg_pathlist *l, const char *path, const char *const *hw,
			     size_t hw_count, const char *base, const char *resolved)
{
	struct dupg__plseg *s;
	struct dupg__plent ent = { DUPG__NONE, NULL };
	size_t i, nids, n, id;
	int rc;

	if (dupg_pathlist_find(l, path) != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "%s: already in the list", path);
	if (l->count >= DUPG__NONE - 1)
		return dupg__error(DUPG_EINVAL, "%s: the list is full", path);
	rc = writable_seg(l, &s);
	if (rc != 0)
		return rc;
	nids = s->hw_off[s->count];
	if (hw_count > DUPG__NONE - 1 - nids)
		return dupg__error(DUPG_EINVAL, "%s: too many hardware types in one list", path);
	{
		void *off = s->hw_off, *ids = s->hw_ids, *ents = s->ent;
		rc = dupg__grow(&off, &s->off_cap, s->count + 2, sizeof(*s->hw_off));
		s->hw_off = off;
		if (rc == 0)
			rc = dupg__grow(&ids, &s->ids_cap, nids + hw_count, sizeof(*s->hw_ids));
		s->hw_ids = ids;
		if (rc == 0)
			rc = dupg__grow(&ents, &s->ent_cap, s->count + 1, sizeof(*s->ent));
		s->ent = ents;
		if (rc != 0)
			return rc;
	}
	n = nids;
	for (i = 0; i < hw_count; i++) {
		size_t k;
		rc = dupg__strmap_intern(s->hw, hw[i], &id, NULL);
		if (rc != 0)
			return rc;
		/* a type named twice by one package counts once */
		for (k = nids; k < n && s->hw_ids[k] != id; k++)
			;
		if (k == n)
			s->hw_ids[n++] = (uint32_t)id;
	}
	if (base != NULL) {
		rc = dupg__strmap_intern(s->bases, base, &id, NULL);
		if (rc != 0)
			return rc;
		ent.base = (uint32_t)id;
	}
	if (resolved != NULL && strcmp(resolved, path) != 0) {
		rc = dupg__strmap_intern(s->resolved, resolved, &id, NULL);
		if (rc != 0)
			return rc;
		ent.res = dupg__strmap_key(s->resolved, id);
	}
	rc = dupg__strmap_intern(s->paths, path, &id, NULL);
	if (rc != 0)
		return rc;
	s->hw_off[s->count + 1] = (uint32_t)n;
	s->ent[s->count] = ent;
	s->count++;
	l->count++;
	return 0;
}

/* A path must fit on one line of a list file. */
int dupg__pathlist_check_path(const char *path, const char *fn)
{
	size_t n;

	if (path == NULL || *path == '\0')
		return dupg__error(DUPG_EINVAL, "%s: empty path", fn);
	if (strpbrk(path, "\n\r") != NULL)
		return dupg__error(DUPG_EINVAL, "%s: line break in path: a list file cannot hold it", path);
	n = strlen(path);
	if (strchr(" \t\v\f", path[0]) != NULL || strchr(" \t\v\f", path[n - 1]) != NULL)
		return dupg__error(DUPG_EINVAL,
				   "\"%s\": leading or trailing white space in path: a list file cannot hold it",
				   path);
	return 0;
}

int dupg_pathlist_add(dupg_pathlist *l, const char *path, const char *const *hw, size_t hw_count)
{
	size_t i;
	int rc;

	if (l == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_add: list is NULL");
	rc = dupg__pathlist_check_path(path, "dupg_pathlist_add");
	if (rc != 0)
		return rc;
	if (hw == NULL || hw_count == 0)
		return dupg__error(DUPG_EINVAL, "%s: no hardware type", path);
	for (i = 0; i < hw_count; i++)
		if (hw[i] == NULL || *hw[i] == '\0')
			return dupg__error(DUPG_EINVAL, "%s: empty hardware type", path);
	return dupg__pathlist_add_entry(l, path, hw, hw_count, NULL, NULL);
}

size_t dupg_pathlist_count(const dupg_pathlist *l)
{
	return l == NULL ? 0 : l->count;
}

const char *dupg_pathlist_path(const dupg_pathlist *l, size_t i)
{
	const struct dupg__plseg *s;
	size_t local;

	if (l == NULL || i >= l->count)
		return NULL;
	s = dupg__pathlist_locate(l, i, &local);
	return dupg__strmap_key(s->paths, local);
}

const char *dupg_pathlist_resolved(const dupg_pathlist *l, size_t i)
{
	const struct dupg__plseg *s;
	size_t local;

	if (l == NULL || i >= l->count)
		return NULL;
	s = dupg__pathlist_locate(l, i, &local);
	return s->ent[local].res != NULL ? s->ent[local].res : dupg__strmap_key(s->paths, local);
}

size_t dupg_pathlist_hw_count(const dupg_pathlist *l, size_t i)
{
	const struct dupg__plseg *s;
	size_t local;

	if (l == NULL || i >= l->count)
		return 0;
	s = dupg__pathlist_locate(l, i, &local);
	return s->hw_off[local + 1] - s->hw_off[local];
}

const char *dupg_pathlist_hw(const dupg_pathlist *l, size_t i, size_t j)
{
	const struct dupg__plseg *s;
	size_t local;

	if (l == NULL || i >= l->count)
		return NULL;
	s = dupg__pathlist_locate(l, i, &local);
	if (j >= s->hw_off[local + 1] - s->hw_off[local])
		return NULL;
	return dupg__strmap_key(s->hw, s->hw_ids[s->hw_off[local] + j]);
}

size_t dupg_pathlist_find(const dupg_pathlist *l, const char *path)
{
	size_t k;

	if (l == NULL || path == NULL)
		return DUPG_NONE;
	for (k = 0; k < l->nsegs; k++) {
		size_t id = dupg__strmap_find(l->segs[k]->paths, path);
		if (id != DUPG_NONE)
			return l->starts[k] + id;
	}
	return DUPG_NONE;
}


int dupg__pathlist_concat(dupg_pathlist **out, const dupg_pathlist *a, const dupg_pathlist *b)
{
	const dupg_pathlist *both[2] = { a, b };
	dupg_pathlist *l;
	size_t i, k;
	int rc;

	rc = dupg_pathlist_new(&l);
	for (i = 0; rc == 0 && i < 2; i++) {
		for (k = 0; rc == 0 && both[i] != NULL && k < both[i]->nsegs; k++) {
			struct dupg__plseg *s = both[i]->segs[k];
			__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
			rc = push_seg(l, s);
		}
	}
	if (rc != 0) {
		dupg_pathlist_free(l);
		l = NULL;
	}
	*out = l;
	return rc;
}

int dupg__pathlist_append_copy(dupg_pathlist *dst, const dupg_pathlist *src, size_t i)
{
	const struct dupg__plseg *s;
	const char *small[8] = { NULL }, **hw = small;
	size_t local, j, n;
	int rc;

	s = dupg__pathlist_locate(src, i, &local);
	n = s->hw_off[local + 1] - s->hw_off[local];
	if (n > sizeof(small) / sizeof(small[0])) {
		hw = malloc(n * sizeof(*hw));
		if (hw == NULL)
			return dupg__error_nomem();
	}
	for (j = 0; j < n; j++)
		hw[j] = dupg__strmap_key(s->hw, s->hw_ids[s->hw_off[local] + j]);
	rc = dupg__pathlist_add_entry(dst, dupg__strmap_key(s->paths, local), hw, n,
		       s->ent[local].base == DUPG__NONE ? NULL
							: dupg__strmap_key(s->bases, s->ent[local].base),
		       s->ent[local].res);
	if (hw != small)
		free(hw);
	return rc;
}

