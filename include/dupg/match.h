/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/match.h
 * @brief Management-server side: index a package set once, then match many
 *        sites against it (pure functions).
 *
 * For each hardware type of a site, the best package is the highest-version
 * package of the set that fits that type (ties: the one added first) and,
 * when packages carry an `applies_to` range (dupg_pkgset_add_ranged()), whose
 * range holds the lowest version the site's devices of that type run. The
 * site needs it when some device of that type runs a lower version. The
 * site's download task lists the distinct needed packages' storage paths,
 * never a repacked archive.
 *
 * The index maps each hardware type to its best package as packages are
 * added, so matching a site costs one hash lookup per hardware type.
 */
#ifndef DUPG_MATCH_H
#define DUPG_MATCH_H

#include "common.h"
#include "manifest.h"
#include "vd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An indexed package set. Opaque. */
typedef struct dupg_pkgset dupg_pkgset;

/** Create an empty package set; the caller owns *out (dupg_pkgset_free()). */
DUPG_EXTERN(int) dupg_pkgset_new(dupg_pkgset **out);
/** Free a package set; NULL is fine. */
DUPG_EXTERN(void) dupg_pkgset_free(dupg_pkgset *set);

/**
 * Add a package (strings copied).
 * @param path the package's storage path on the server (what a task lists)
 * @param version its version
 * @param hw the hardware types it fits (at least one)
 * @return 0, ::DUPG_EINVAL, ::DUPG_EEXISTS (path already in the set) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_pkgset_add(dupg_pkgset *set, const char *path, const char *version,
				 const char *const *hw, size_t hw_count);
/**
 * Add a package that applies only over running versions from min to max
 * (both included, by dupg_vercmp(); NULL for an open end), as a manifest's
 * `applies_to` says. For a hardware type with such packages, a site whose
 * lowest running version of the type is outside the best package's range
 * gets the highest-version package whose range holds it (ties: the one
 * added first), or none.
 * @return as dupg_pkgset_add(), or ::DUPG_EINVAL for an empty end
 */
DUPG_EXTERN(int) dupg_pkgset_add_ranged(dupg_pkgset *set, const char *path, const char *version,
					const char *const *hw, size_t hw_count, const char *min,
					const char *max);
/** Add a package described by its manifest (version, hardware types and applies_to). */
DUPG_EXTERN(int) dupg_pkgset_add_manifest(dupg_pkgset *set, const char *path,
					  const dupg_manifest *m);

/** Number of packages in the set. */
DUPG_EXTERN(size_t) dupg_pkgset_count(const dupg_pkgset *set);
/** @return storage path of package i (in order added), borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_pkgset_path(const dupg_pkgset *set, size_t i);
/** @return version of package i, borrowed */
DUPG_EXTERN(const char *) dupg_pkgset_version(const dupg_pkgset *set, size_t i);
/** @return the index of the best package for hardware type hw, or ::DUPG_NONE when none fits */
DUPG_EXTERN(size_t) dupg_pkgset_best(const dupg_pkgset *set, const char *hw);

/** Kind of a download task. */
typedef enum {
	DUPG_TASK_NONE = 0,        /**< no hardware type of the site gets a package */
	DUPG_TASK_INCREMENTAL = 1, /**< some hardware types get a package */
	DUPG_TASK_FULL = 2         /**< every hardware type gets a package */
} dupg_task_kind;

/** @return "none", "incremental" or "full" (static); "unknown" for a value out of range */
DUPG_EXTERN(const char *) dupg_task_kind_name(dupg_task_kind kind);
/**
 * The task kind dupg_task_kind_name() spells as name.
 * @return 0, or ::DUPG_EINVAL for an unknown name (the message lists the known ones)
 */
DUPG_EXTERN(int) dupg_task_kind_parse(dupg_task_kind *out, const char *name);

/** A site's download task. Opaque. */
typedef struct dupg_task dupg_task;

/**
 * Match one site against the set.
 * @param out receives the task; the caller owns it (dupg_task_free()).
 * @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_match(dupg_task **out, const dupg_pkgset *set, const dupg_sysvd *site);
/** Free a task; NULL is fine. */
DUPG_EXTERN(void) dupg_task_free(dupg_task *t);

/** @return the task kind: full, incremental or none */
DUPG_EXTERN(dupg_task_kind) dupg_task_kind_get(const dupg_task *t);
/** Number of distinct packages to download. */
DUPG_EXTERN(size_t) dupg_task_count(const dupg_task *t);
/** @return storage path of download i, borrowed (lives as long as the package set); in package-set order */
DUPG_EXTERN(const char *) dupg_task_path(const dupg_task *t, size_t i);
/** @return package-set index of download i; ::DUPG_NONE when out of range */
DUPG_EXTERN(size_t) dupg_task_package(const dupg_task *t, size_t i);

/**
 * Serialize as `{"kind": "full|incremental|none", "task": ["path", ...]}`.
 * @param out receives a NUL-terminated string; the caller frees it with dupg_free().
 */
DUPG_EXTERN(int) dupg_task_to_json(char **out, const dupg_task *t);

#ifdef __cplusplus
}
#endif
#endif
