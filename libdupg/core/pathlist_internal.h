/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libdupg: the layout of a path list, shared by the container
 * (core/pathlist.c), the prune kernel (core/kernel.c), the prune
 * (core/prune.c) and the list file and store (io/listfile.c, io/store.c;
 * their own private functions are in io/listfile_internal.h).
 */
#ifndef DUPG_PATHLIST_INTERNAL_H
#define DUPG_PATHLIST_INTERNAL_H

#include "internal.h"

/* A list file larger than this is refused rather than read into memory. */
#define DUPG__LIST_MAX_BYTES DUPG_LIST_MAX_BYTES

/* "no entry" in uint32_t entry indices; lists hold fewer entries than this */
#define DUPG__NONE UINT32_MAX

/*
 * A list is a sequence of segments, each a block of entries with its own
 * interned strings. Lists share segments by reference count: that is how a
 * prune's second list holds first + downloaded without copying a string, and
 * stays valid after both are freed. A segment referenced more than once is
 * never appended to; a list that wants to grow starts a segment of its own.
 */
struct dupg__plent {
	uint32_t base;             /* id in the segment's bases, or DUPG__NONE */
	const char *res;           /* resolved path, or NULL when it is the written path */
};

struct dupg__plseg {
	size_t refs;               /* atomic */
	size_t count;
	dupg_strmap *paths;        /* path as written -> entry index; owns the strings */
	dupg_strmap *hw;           /* hardware types, ids in order of first appearance */
	dupg_strmap *bases;        /* directories that relative entries are resolved against */
	dupg_strmap *resolved;     /* owns the resolved paths that differ from the written ones */
	uint32_t *hw_off;          /* entry i fits hw_ids[hw_off[i] .. hw_off[i + 1]) */
	uint32_t *hw_ids;          /* ids in hw, all entries in one flat array */
	struct dupg__plent *ent;   /* per entry: where it came from */
	size_t ent_cap, off_cap, ids_cap;
};

struct dupg_pathlist {
	struct dupg__plseg **segs;
	size_t *starts;            /* list index of each segment's first entry */
	size_t nsegs, segs_cap;
	size_t count;
};

/* Per hardware type, what one pass over a list learns. */
typedef struct {
	uint32_t count;            /* entries that fit the type */
	uint32_t first;            /* earliest of them */
	uint32_t last;             /* latest of them */
	uint32_t last_split;       /* latest of them before the split index, or DUPG__NONE */
} dupg__typestat;

/* Hardware types of a list interned to dense ids across its segments. */
typedef struct {
	dupg_strmap *types;        /* global ids, in order of first appearance */
	uint32_t **maps;           /* per segment: local type id -> global id */
	size_t nmaps;
	dupg__typestat *st;        /* per global id */
} dupg__typescan;

/* Locate entry i: the index of its segment in l->segs, and its index inside it. i must be in range. */
DUPG_HIDDEN size_t dupg__pathlist_locate_k(const dupg_pathlist *l, size_t i, size_t *local);

/*
 * Append one entry (strings copied). base is the directory a relative path
 * was resolved against (NULL when none), resolved the result when it differs
 * from path. A failure leaves the list as it was.
 */
DUPG_HIDDEN int dupg__pathlist_add_entry(dupg_pathlist *l, const char *path,
					 const char *const *hw, size_t hw_count, const char *base,
					 const char *resolved);

/*
 * A path a list file can hold: non-empty, on one line (no '\n', '\r'), no
 * white space at either end. fn names the caller in the message.
 */
DUPG_HIDDEN int dupg__pathlist_check_path(const char *path, const char *fn);

/* Locate entry i: its segment and index inside it. i must be in range. */
DUPG_HIDDEN const struct dupg__plseg *dupg__pathlist_locate(const dupg_pathlist *l, size_t i,
							   size_t *local);

/*
 * One pass over l: intern every hardware type and fill sc->st. last_split
 * is each type's latest entry among the first `split` entries.
 */
DUPG_HIDDEN int dupg__pathlist_scan(dupg__typescan *sc, const dupg_pathlist *l, size_t split);
DUPG_HIDDEN void dupg__typescan_free(dupg__typescan *sc);

/*
 * The configuration that sc describes: each type g with key[g] !=
 * DUPG__NONE mapped to its latest entry of l (latest before the split when
 * split is non-zero), types ordered by key (ties by id).
 */
DUPG_HIDDEN int dupg__config_from_scan(dupg_config **out, const dupg__typescan *sc,
				       const dupg_pathlist *l, const uint32_t *key, int split);

/* A new list holding a's entries then b's (b may be NULL), sharing their segments. */
DUPG_HIDDEN int dupg__pathlist_concat(dupg_pathlist **out, const dupg_pathlist *a,
				      const dupg_pathlist *b);

/* Append a copy of entry i of src (hardware types and resolution included). */
DUPG_HIDDEN int dupg__pathlist_append_copy(dupg_pathlist *dst, const dupg_pathlist *src, size_t i);

#endif
