/* Path lists: the master's ordered list of stored packages, and list files (I/O). */
#include "pathlist_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A list file larger than this is refused rather than read into memory. */
#define LIST_MAX_BYTES ((size_t)1 << 30)

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
static size_t locate_k(const dupg_pathlist *l, size_t i, size_t *local)
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
	return l->segs[locate_k(l, i, local)];
}

/*
 * Append one entry. base is the directory a relative path was resolved
 * against (NULL when none), resolved the result when it differs from path.
 * The path is interned last: it is what makes the entry exist, so a failure
 * before it leaves the list as it was.
 */
static int add_entry(dupg_pathlist *l, const char *path, const char *const *hw, size_t hw_count,
		     const char *base, const char *resolved)
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
static int check_path(const char *path, const char *fn)
{
	if (path == NULL || *path == '\0')
		return dupg__error(DUPG_EINVAL, "%s: empty path", fn);
	if (strpbrk(path, "\n\r") != NULL)
		return dupg__error(DUPG_EINVAL, "%s: line break in path", path);
	return 0;
}

int dupg_pathlist_add(dupg_pathlist *l, const char *path, const char *const *hw, size_t hw_count)
{
	size_t i;
	int rc;

	if (l == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_add: list is NULL");
	rc = check_path(path, "dupg_pathlist_add");
	if (rc != 0)
		return rc;
	if (hw == NULL || hw_count == 0)
		return dupg__error(DUPG_EINVAL, "%s: no hardware type", path);
	for (i = 0; i < hw_count; i++)
		if (hw[i] == NULL || *hw[i] == '\0')
			return dupg__error(DUPG_EINVAL, "%s: empty hardware type", path);
	return add_entry(l, path, hw, hw_count, NULL, NULL);
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
	size_t local, k = locate_k(l, e, &local);
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
	rc = add_entry(dst, dupg__strmap_key(s->paths, local), hw, n,
		       s->ent[local].base == DUPG__NONE ? NULL
							: dupg__strmap_key(s->bases, s->ent[local].base),
		       s->ent[local].res);
	if (hw != small)
		free(hw);
	return rc;
}

/* Make a relative entry absolute for a list in another directory. */
static int absolute_path(char **out, const char *resolved, const char *base, const char *path)
{
	char *abs = realpath(resolved, NULL);
	int e = errno;

	if (abs == NULL) {
		/* a missing package: its directory still says where it was meant to be */
		char *dir = realpath(base, NULL);
		if (dir == NULL)
			return dupg__error_errno(DUPG_EIO, e, "%s: cannot make the path absolute", resolved);
		abs = dupg__path_join(dir, path);
		free(dir);
		if (abs == NULL)
			return dupg__error_nomem();
	}
	*out = abs;
	return 0;
}

/* Same directory as the target list? Decided once per (segment, base) by inode. */
static int same_dir(signed char *cache, const char *base, const struct stat *target)
{
	struct stat st;

	if (*cache < 0)
		*cache = stat(base, &st) == 0 && st.st_dev == target->st_dev &&
			 st.st_ino == target->st_ino;
	return *cache;
}

static int render_entry(dupg_buf *b, const dupg_pathlist *l, size_t i, signed char **cache,
			const struct stat *target)
{
	size_t local, k = locate_k(l, i, &local);
	const struct dupg__plseg *s = l->segs[k];
	const struct dupg__plent *e = &s->ent[local];
	const char *path = dupg__strmap_key(s->paths, local);
	char *abs = NULL;
	int rc;

	if (path[0] == '/' || e->base == DUPG__NONE) {
		dupg__buf_puts(b, path);
	} else {
		const char *base = dupg__strmap_key(s->bases, e->base);
		if (cache[k] == NULL) {
			size_t nb = dupg__strmap_count(s->bases);
			cache[k] = malloc(nb);
			if (cache[k] == NULL)
				return dupg__error_nomem();
			memset(cache[k], -1, nb);
		}
		if (same_dir(&cache[k][e->base], base, target)) {
			dupg__buf_puts(b, path);
		} else {
			rc = absolute_path(&abs, e->res != NULL ? e->res : path, base, path);
			if (rc != 0)
				return rc;
			dupg__buf_puts(b, abs);
			free(abs);
		}
	}
	dupg__buf_put(b, "\n", 1);
	return 0;
}

int dupg__pathlist_render(char **out, size_t *len, const dupg_pathlist *l, const size_t *sel,
			  size_t n, const char *list_file)
{
	dupg_buf b = { NULL, 0, 0, 0 };
	signed char **cache;
	struct stat target;
	char *dir;
	size_t i, k;
	int rc = 0;

	*out = NULL;
	dir = dupg__dirname(list_file);
	if (dir == NULL)
		return dupg__error_nomem();
	if (stat(dir, &target) != 0) {
		rc = dupg__error_errno(DUPG_EIO, errno, "%s: cannot stat directory %s", list_file, dir);
		free(dir);
		return rc;
	}
	free(dir);
	cache = calloc(l->nsegs + 1, sizeof(*cache));
	if (cache == NULL)
		return dupg__error_nomem();
	if (sel == NULL)
		n = l->count;
	for (i = 0; rc == 0 && i < n; i++)
		rc = render_entry(&b, l, sel != NULL ? sel[i] : i, cache, &target);
	for (k = 0; k < l->nsegs; k++)
		free(cache[k]);
	free(cache);
	if (rc != 0) {
		free(b.data);
		return rc;
	}
	if (len != NULL)
		*len = b.len;
	return dupg__buf_finish(&b, out);
}

int dupg_pathlist_save(const dupg_pathlist *l, const char *list_file,
		       const dupg_apply_options *opts)
{
	static const dupg_apply_options defaults = DUPG_APPLY_OPTIONS_INIT;
	char *text;
	size_t len;
	int rc;

	if (l == NULL || list_file == NULL || *list_file == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_save: list and file name are required");
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != DUPG_APPLY_OPTIONS_VERSION)
		return dupg__error(DUPG_EINVAL, "%s: apply options: unknown version %u", list_file,
				   opts->version);
	rc = dupg__pathlist_render(&text, &len, l, NULL, 0, list_file);
	if (rc != 0)
		return rc;
	rc = dupg__write_atomic(list_file, text, len, opts->no_fsync, NULL, NULL);
	free(text);
	return rc;
}

/* One path of a list file and the line it stands on. */
struct line {
	const char *path;
	size_t lineno;
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

/*
 * Split a list file's text (modified in place) into its paths. One path per
 * line, '\n' separated, final newline optional. Empty lines are skipped. A
 * line with leading or trailing white space, a '\r' (CRLF endings) or a NUL
 * is malformed rather than trimmed: it would name a different file than the
 * one meant. A path twice is a duplicate.
 */
static int parse_list(struct line **out, size_t *count, char *text, size_t len,
		      const char *list_file)
{
	struct line *lines = NULL;
	size_t n = 0, cap = 0, lineno = 0;
	dupg_strmap *seen = NULL;
	char *p = text, *end = text + len;
	int rc;

	*out = NULL;
	*count = 0;
	rc = dupg__strmap_new(&seen);
	while (rc == 0 && p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *lend = nl != NULL ? nl : end;
		size_t llen = (size_t)(lend - p), id;
		int added;
		void *a = lines;

		lineno++;
		*lend = '\0';
		if (memchr(p, '\r', llen) != NULL)
			rc = dupg__error(DUPG_EFORMAT,
					 "%s:%zu: carriage return in line (CRLF line endings are not accepted)",
					 list_file, lineno);
		else if (strlen(p) != llen)
			rc = dupg__error(DUPG_EFORMAT, "%s:%zu: NUL byte in line", list_file, lineno);
		else if (llen > 0 && (is_blank(p[0]) || is_blank(p[llen - 1])))
			rc = dupg__error(DUPG_EFORMAT, "%s:%zu: leading or trailing white space in \"%s\"",
					 list_file, lineno, p);
		if (rc != 0 || llen == 0) {
			p = lend + 1;
			continue;
		}
		/* ids of seen are indices into lines: each path is interned once */
		rc = dupg__strmap_intern(seen, p, &id, &added);
		if (rc == 0 && !added)
			rc = dupg__error(DUPG_EEXISTS, "%s:%zu: %s: listed twice (first on line %zu)",
					 list_file, lineno, p, lines[id].lineno);
		if (rc == 0)
			rc = dupg__grow(&a, &cap, n + 1, sizeof(*lines));
		lines = a;
		if (rc == 0) {
			lines[n].path = p;
			lines[n].lineno = lineno;
			n++;
		}
		p = lend + 1;
	}
	dupg__strmap_free(seen);
	if (rc != 0) {
		free(lines);
		return rc;
	}
	*out = lines;
	*count = n;
	return 0;
}

int dupg_listfile_read(char ***out, size_t *count_out, const char *list_file)
{
	struct line *lines;
	char *text, **arr, *strings;
	size_t len, n, i, total = 0;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (count_out != NULL)
		*count_out = 0;
	if (out == NULL || list_file == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_listfile_read: NULL argument");
	rc = dupg__read_file(&text, &len, list_file, LIST_MAX_BYTES);
	if (rc != 0)
		return rc;
	rc = parse_list(&lines, &n, text, len, list_file);
	if (rc != 0) {
		free(text);
		return rc;
	}
	/* one block, pointers first, so that a single dupg_free() releases it */
	for (i = 0; i < n; i++)
		total += strlen(lines[i].path) + 1;
	arr = malloc((n + 1) * sizeof(*arr) + total);
	if (arr == NULL) {
		free(lines);
		free(text);
		return dupg__error_nomem();
	}
	strings = (char *)(arr + n + 1);
	for (i = 0; i < n; i++) {
		size_t sl = strlen(lines[i].path) + 1;
		memcpy(strings, lines[i].path, sl);
		arr[i] = strings;
		strings += sl;
	}
	arr[n] = NULL;
	free(lines);
	free(text);
	*out = arr;
	if (count_out != NULL)
		*count_out = n;
	return 0;
}

/* Prefix the recorded message with where the failing path was named. */
static int at_line(int rc, const char *list_file, size_t lineno)
{
	return dupg__error_prefix(rc, "%s:%zu", list_file, lineno);
}

/* Read the package at path (resolved against base_dir) and append it. */
static int add_from_disk(dupg_pathlist *l, const char *path, const char *base_dir)
{
	dupg_manifest *m = NULL;
	const char *small[8] = { NULL }, **hw = small;
	char *resolved;
	struct stat st;
	size_t i, n;
	int rc, relative = path[0] != '/';

	if (dupg_pathlist_find(l, path) != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "%s: already in the list", path);
	resolved = relative ? dupg__path_join(base_dir, path) : strdup(path);
	if (resolved == NULL)
		return dupg__error_nomem();
	if (stat(resolved, &st) != 0) {
		int e = errno;
		if ((e == ENOENT || e == ENOTDIR) && strcmp(resolved, path) != 0)
			rc = dupg__error(DUPG_ENOTFOUND, "%s: no such package file (%s)", path, resolved);
		else if (e == ENOENT || e == ENOTDIR)
			rc = dupg__error(DUPG_ENOTFOUND, "%s: no such package file", path);
		else
			rc = dupg__error_errno(DUPG_EIO, e, "%s: cannot stat", resolved);
		free(resolved);
		return rc;
	}
	rc = dupg_package_read_manifest(&m, resolved);
	if (rc != 0) {
		free(resolved);
		return rc;
	}
	n = dupg_manifest_hw_count(m);
	if (n > sizeof(small) / sizeof(small[0])) {
		hw = malloc(n * sizeof(*hw));
		if (hw == NULL) {
			dupg_manifest_free(m);
			free(resolved);
			return dupg__error_nomem();
		}
	}
	for (i = 0; i < n; i++)
		hw[i] = dupg_manifest_hw(m, i);
	if (n == 0)
		rc = dupg__error(DUPG_EFORMAT, "%s: manifest.json: hardware list is empty", resolved);
	else
		rc = add_entry(l, path, hw, n, relative ? base_dir : NULL, resolved);
	if (hw != small)
		free(hw);
	dupg_manifest_free(m);
	free(resolved);
	return rc;
}

int dupg_pathlist_add_file(dupg_pathlist *l, const char *path, const char *base_dir)
{
	int rc;

	if (l == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_add_file: list is NULL");
	rc = check_path(path, "dupg_pathlist_add_file");
	if (rc != 0)
		return rc;
	return add_from_disk(l, path, base_dir != NULL && *base_dir != '\0' ? base_dir : ".");
}

int dupg_pathlist_load(dupg_pathlist **out, const char *list_file)
{
	dupg_pathlist *l = NULL;
	struct line *lines = NULL;
	char *text = NULL, *dir = NULL;
	size_t len, n = 0, i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || list_file == NULL || *list_file == '\0')
		return dupg__error(DUPG_EINVAL, "dupg_pathlist_load: list file is required");
	rc = dupg__read_file(&text, &len, list_file, LIST_MAX_BYTES);
	if (rc == 0)
		rc = parse_list(&lines, &n, text, len, list_file);
	if (rc == 0) {
		dir = dupg__dirname(list_file);
		if (dir == NULL)
			rc = dupg__error_nomem();
	}
	if (rc == 0)
		rc = dupg_pathlist_new(&l);
	for (i = 0; rc == 0 && i < n; i++) {
		rc = add_from_disk(l, lines[i].path, dir);
		if (rc != 0)
			rc = at_line(rc, list_file, lines[i].lineno);
	}
	free(lines);
	free(text);
	free(dir);
	if (rc != 0) {
		dupg_pathlist_free(l);
		return rc;
	}
	*out = l;
	return 0;
}
