/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/configuration.h
 * @brief A configuration: each hardware type mapped to the package it runs.
 *
 * The configuration of a path list maps each hardware type to the
 * latest-added package of the list that fits it. The configuration after an
 * upgrade is the "latest system package version information"; the one after
 * a rollback is the "rollback version information".
 */
#ifndef DUPG_CONFIGURATION_H
#define DUPG_CONFIGURATION_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Hardware type to package path. Opaque. Entries are kept in hardware-type order of first appearance. */
typedef struct dupg_config dupg_config;

/** Create an empty configuration; the caller owns *out (dupg_config_free()). */
DUPG_EXTERN(int) dupg_config_new(dupg_config **out);
/** Free a configuration; NULL is fine. */
DUPG_EXTERN(void) dupg_config_free(dupg_config *c);
/** Map hw to path (copied), replacing any earlier mapping. @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM */
DUPG_EXTERN(int) dupg_config_set(dupg_config *c, const char *hw, const char *path);
/**
 * Record the version of the package hw maps to (copied), or forget it with
 * NULL. A configuration knows no versions by itself: dupg_pathlist_config()
 * gives none, and dupg_config_set() forgets the version of the mapping it
 * replaces. The caller that knows them (from the packages' manifests, see
 * dupg_package_read_manifest()) sets them; plans carry them to their steps
 * (dupg_plan_version()). dupg_config_equal() and dupg_config_to_json()
 * ignore versions.
 * @return 0, ::DUPG_EINVAL (a NULL argument, or a version that is empty, not
 *         UTF-8 or longer than ::DUPG_VERSION_MAX_BYTES), ::DUPG_ENOTFOUND
 *         (hw is not configured) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_config_set_version(dupg_config *c, const char *hw, const char *version);
/** @return the version recorded for hw's package, borrowed; NULL when none was set or hw is not configured */
DUPG_EXTERN(const char *) dupg_config_version(const dupg_config *c, const char *hw);
/** Copy a configuration (versions included); the caller owns *out. */
DUPG_EXTERN(int) dupg_config_dup(dupg_config **out, const dupg_config *c);

/** Number of hardware types configured. */
DUPG_EXTERN(size_t) dupg_config_count(const dupg_config *c);
/** @return hardware type of entry i, borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_config_hw(const dupg_config *c, size_t i);
/** @return package path of entry i, borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_config_path(const dupg_config *c, size_t i);
/** @return the package path for hw, borrowed; NULL when hw is not configured */
DUPG_EXTERN(const char *) dupg_config_get(const dupg_config *c, const char *hw);
/** @return 1 when both map the same types to the same paths, else 0 */
DUPG_EXTERN(int) dupg_config_equal(const dupg_config *a, const dupg_config *b);

/** Serialize as `{"TYPE": "path", ...}`; the caller frees *out with dupg_free(). */
DUPG_EXTERN(int) dupg_config_to_json(char **out, const dupg_config *c);

#ifdef __cplusplus
}
#endif
#endif
