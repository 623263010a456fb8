/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The naive prune model: the seed's rule written straight from its words,
 * with no index, for the tests and the benchmarks to hold dupg_prune_compute
 * against. Quadratic on purpose; never used by the library.
 */
#ifndef DUPG_UTIL_PRUNE_MODEL_H
#define DUPG_UTIL_PRUNE_MODEL_H

#include "util/common.h"

/*
 * A merged list: entries [0, nfirst) are the stored list, [nfirst, n) the
 * download. Entry i fits the types ids[off[i] .. off[i + 1]) (off has n + 1
 * items), type ids below ntypes. With names non-NULL, types are compared by
 * name (names[id]) as the seed compares them.
 */
typedef struct {
	size_t n, nfirst;
	uint32_t ntypes;
	const uint32_t *off;
	const uint32_t *ids;
	const char *const *names;
} dupg__pm_list;

/* What the seed's method finds for one type; -1 for "no such entry". */
typedef struct {
	size_t count;        /* entries of the merged list that fit the type */
	long earliest;       /* its earliest entry */
	long latest_merged;  /* its latest entry: the configuration after the upgrade */
	long latest_first;   /* its latest entry of the stored list: after a rollback */
} dupg__pm_type;

/* The seed's method for type t: rescan the whole merged list. */
DUPG_HIDDEN void dupg__pm_scan(const dupg__pm_list *l, uint32_t t, dupg__pm_type *r);
/* Every type's figures in one pass over the list: the same as dupg__pm_scan for each. */
DUPG_HIDDEN void dupg__pm_scan_all(const dupg__pm_list *l, dupg__pm_type *types);
/* Whether entry e is in either configuration, by scanning every type's figures. */
DUPG_HIDDEN int dupg__pm_configured(const dupg__pm_list *l, const dupg__pm_type *types, long e);
/*
 * The deletable entries from every type's figures: keep 0 is the seed's
 * minimal rule (a type fitted by 3 or more packages gives its earliest,
 * unless downloaded, when neither configuration holds it); keep N >= 2 keeps
 * each type's N latest. del[i] is set to 1 for each deletable entry (n
 * items); returns how many there are.
 */
DUPG_HIDDEN size_t dupg__pm_deletable(const dupg__pm_list *l, const dupg__pm_type *types,
				      size_t keep, unsigned char *del);

#endif
