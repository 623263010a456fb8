/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * String map: string -> dense id (0, 1, 2... in insertion order), open
 * addressing, hashed with XXH3-64. Keys are copied into an arena owned by the
 * map, so a returned key lives as long as the map. Interns hardware types,
 * paths and device ids in the library; maps names in the programs.
 */
#ifndef DUPG_UTIL_STRMAP_H
#define DUPG_UTIL_STRMAP_H

#include "util/common.h"

typedef struct dupg_strmap dupg_strmap;

DUPG_HIDDEN int dupg__strmap_new(dupg_strmap **out);
DUPG_HIDDEN void dupg__strmap_free(dupg_strmap *m);
/* id of key, or DUPG_NONE when absent */
DUPG_HIDDEN size_t dupg__strmap_find(const dupg_strmap *m, const char *key);
/* Insert key if absent. *id receives its id; *added (may be NULL) is 1 when it was new. 0 or DUPG_ENOMEM. */
DUPG_HIDDEN int dupg__strmap_intern(dupg_strmap *m, const char *key, size_t *id, int *added);
/*
 * The hash every string map uses. A caller that keeps it beside a key can
 * look the key up in any map (or intern it) without hashing it again.
 */
DUPG_HIDDEN uint64_t dupg__strmap_hash(const char *key);
/* dupg__strmap_find and dupg__strmap_intern, hash being dupg__strmap_hash(key) */
DUPG_HIDDEN size_t dupg__strmap_find_hash(const dupg_strmap *m, const char *key, uint64_t hash);
DUPG_HIDDEN int dupg__strmap_intern_hash(dupg_strmap *m, const char *key, uint64_t hash,
					 size_t *id, int *added);
/* Start fetching where a key of that hash would be looked up: a hint, for large maps. */
DUPG_HIDDEN void dupg__strmap_prefetch(const dupg_strmap *m, uint64_t hash);
DUPG_HIDDEN size_t dupg__strmap_count(const dupg_strmap *m);
/* the key of id, owned by the map */
DUPG_HIDDEN const char *dupg__strmap_key(const dupg_strmap *m, size_t id);

#endif
