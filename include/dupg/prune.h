/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/prune.h
 * @brief Master side: decide which stored packages to delete after a
 *        download (pure function).
 *
 * With `first` the stored list and `downloaded` the new packages in download
 * order (the seed calls the lists below the second, third and fourth lists;
 * the JSON keys keep those names):
 * - the merged list (second) is first followed by downloaded;
 * - target types are the hardware types fitted by at least three packages of
 *   the merged list; a target type's candidate is its earliest-added package
 *   in the merged list, unless that package belongs to this download;
 * - a candidate is deletable when it is in neither the configuration of the
 *   merged list (after upgrade) nor that of the first list (after rollback);
 * - the kept list (third) is the merged list minus the deletables: it
 *   replaces the stored list; the rollback list (fourth) is the first list
 *   minus the deletables;
 * - the latest configuration is that of the kept list, the rollback
 *   configuration that of the rollback list.
 *
 * ::DUPG_PRUNE_KEEP_LATEST instead keeps the N latest-added packages per
 * hardware type: a package of the first list is deletable only when, for
 * every type it fits, it is not among that type's N latest-added packages of
 * the second list, and it is in neither configuration.
 *
 * Cost: linear in the total number of (entry, hardware type) pairs.
 */
#ifndef DUPG_PRUNE_H
#define DUPG_PRUNE_H

#include "common.h"
#include "configuration.h"
#include "pathlist.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Pruning policies. */
typedef enum {
	DUPG_PRUNE_MINIMAL = 0,    /**< the seed's rule above */
	DUPG_PRUNE_KEEP_LATEST = 1 /**< keep the `keep` latest packages per hardware type */
} dupg_prune_policy;

/** @return "minimal" or "keep_latest" (static); "unknown" for a value out of range */
DUPG_EXTERN(const char *) dupg_prune_policy_name(dupg_prune_policy policy);
/** The policy dupg_prune_policy_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_prune_policy_parse(dupg_prune_policy *out, const char *name);

#define DUPG_PRUNE_OPTIONS_VERSION 1
/** Options of dupg_prune_compute(). Initialise with ::DUPG_PRUNE_OPTIONS_INIT. */
typedef struct {
	unsigned int version;     /**< ::DUPG_PRUNE_OPTIONS_VERSION */
	dupg_prune_policy policy; /**< which rule */
	size_t keep;              /**< N for ::DUPG_PRUNE_KEEP_LATEST (at least 2) */
} dupg_prune_options;
#define DUPG_PRUNE_OPTIONS_INIT { DUPG_PRUNE_OPTIONS_VERSION, DUPG_PRUNE_MINIMAL, 0 }

/** The lists a prune produces. */
typedef enum {
	DUPG_LIST_MERGED = 0,    /**< first + downloaded (the seed's second list) */
	DUPG_LIST_KEPT = 1,      /**< merged - deletable: the new stored list (third list) */
	DUPG_LIST_ROLLBACK = 2,  /**< first - deletable: the rollback list (fourth list) */
	DUPG_LIST_DELETABLE = 3  /**< packages to remove from storage, in merged-list order */
} dupg_prune_list;

/** The seed's names of the lists, kept as aliases. */
#define DUPG_LIST_SECOND DUPG_LIST_MERGED
#define DUPG_LIST_THIRD DUPG_LIST_KEPT
#define DUPG_LIST_FOURTH DUPG_LIST_ROLLBACK

/**
 * @return the list's key in dupg_prune_to_json(): "second", "third",
 *         "fourth" or "deletable" (static); "unknown" for a value out of range
 */
DUPG_EXTERN(const char *) dupg_prune_list_name(dupg_prune_list which);
/**
 * The list named name: a key of dupg_prune_list_name(), or "merged", "kept"
 * or "rollback". @return 0 or ::DUPG_EINVAL
 */
DUPG_EXTERN(int) dupg_prune_list_parse(dupg_prune_list *out, const char *name);

/** The two configurations a prune produces. */
typedef enum {
	DUPG_CONFIG_LATEST = 0,  /**< configuration of the kept list */
	DUPG_CONFIG_ROLLBACK = 1 /**< configuration of the rollback list */
} dupg_prune_config_kind;

/** @return "latest" or "rollback", the keys of dupg_prune_to_json() (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_prune_config_kind_name(dupg_prune_config_kind which);
/** The configuration dupg_prune_config_kind_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_prune_config_kind_parse(dupg_prune_config_kind *out, const char *name);

/** Result of a prune. Opaque. */
typedef struct dupg_prune dupg_prune;

/**
 * Compute a prune. Pure: no file is touched.
 * @param out receives the result; the caller owns it (dupg_prune_free()).
 * @param first the stored list
 * @param downloaded the newly downloaded packages, in download order
 * @param opts options, or NULL for the seed's minimal rule
 * The result shares the inputs' entries (reference-counted, no string is
 * copied): it stays valid and unchanged after first and downloaded are
 * changed or freed. Its configurations list the hardware types in order of
 * first appearance in the third and fourth lists.
 * @return 0, ::DUPG_EINVAL (bad options), ::DUPG_EEXISTS (a downloaded path
 *         is already in first, compared as written; a list never holds a
 *         path twice) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_prune_compute(dupg_prune **out, const dupg_pathlist *first,
				    const dupg_pathlist *downloaded,
				    const dupg_prune_options *opts);
/** Free a prune result; NULL is fine. */
DUPG_EXTERN(void) dupg_prune_free(dupg_prune *p);

/** Number of entries in one of the lists. */
DUPG_EXTERN(size_t) dupg_prune_count(const dupg_prune *p, dupg_prune_list which);
/** @return path i of a list as written, borrowed (lives as long as p); NULL when out of range */
DUPG_EXTERN(const char *) dupg_prune_path(const dupg_prune *p, dupg_prune_list which, size_t i);
/** @return index into the merged list of entry i of a list; ::DUPG_NONE when out of range */
DUPG_EXTERN(size_t) dupg_prune_index(const dupg_prune *p, dupg_prune_list which, size_t i);
/** @return the merged list itself, borrowed */
DUPG_EXTERN(const dupg_pathlist *) dupg_prune_second(const dupg_prune *p);
/** @return a configuration, borrowed (lives as long as p) */
DUPG_EXTERN(const dupg_config *) dupg_prune_config(const dupg_prune *p,
						   dupg_prune_config_kind which);
/**
 * Build one of the lists as a new path list (entries keep their hardware
 * types and resolution). The caller owns *out.
 */
DUPG_EXTERN(int) dupg_prune_list_dup(dupg_pathlist **out, const dupg_prune *p,
				     dupg_prune_list which);

/**
 * Serialize as `{"second": [...], "third": [...], "fourth": [...],
 * "deletable": [...], "latest": {"TYPE": "path"}, "rollback": {...}}`.
 * @param out receives a NUL-terminated string; the caller frees it with dupg_free().
 */
DUPG_EXTERN(int) dupg_prune_to_json(char **out, const dupg_prune *p);

#ifdef __cplusplus
}
#endif
#endif
