/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/topology.h
 * @brief A site's device tree: one master, controlled devices below it
 *        (pure data structure).
 */
#ifndef DUPG_TOPOLOGY_H
#define DUPG_TOPOLOGY_H

#include "common.h"
#include "vd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A site topology. Opaque. */
typedef struct dupg_topology dupg_topology;

/** Create an empty topology; the caller owns *out (dupg_topology_free()). */
DUPG_EXTERN(int) dupg_topology_new(dupg_topology **out);
/** Free a topology; NULL is fine. */
DUPG_EXTERN(void) dupg_topology_free(dupg_topology *t);

/**
 * Add a device (strings copied). Parents may be added after their children;
 * structure is checked by dupg_topology_check().
 * @param dev id, hardware type, running version, expected duration
 * @param parent id of the parent device, or NULL for the master
 * @return 0, ::DUPG_EINVAL (missing id, hardware type or version, or one
 *         that breaks the string limits of common.h, the parent id too),
 *         ::DUPG_EEXISTS (duplicate id) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_topology_add(dupg_topology *t, const dupg_device_vd *dev,
				   const char *parent);

/**
 * Check the structure: exactly one master, every parent exists, no cycles.
 * Must succeed before planning. Error messages name the device at fault.
 * @param origin name used in error messages (e.g. the topology file); may be NULL
 * @return 0 or ::DUPG_EFORMAT
 */
DUPG_EXTERN(int) dupg_topology_check(dupg_topology *t, const char *origin);

/** Number of devices. */
DUPG_EXTERN(size_t) dupg_topology_count(const dupg_topology *t);
/** @return device i's description (strings borrowed from t); NULL when out of range */
DUPG_EXTERN(const dupg_device_vd *) dupg_topology_device(const dupg_topology *t, size_t i);
/** @return index of device id, or ::DUPG_NONE */
DUPG_EXTERN(size_t) dupg_topology_find(const dupg_topology *t, const char *id);
/** @return index of device i's parent; ::DUPG_NONE for the master, an unknown parent or i out of range */
DUPG_EXTERN(size_t) dupg_topology_parent(const dupg_topology *t, size_t i);
/** @return index of the master; ::DUPG_NONE before a successful check */
DUPG_EXTERN(size_t) dupg_topology_master(const dupg_topology *t);
/** @return depth of device i: 0 for the master (valid after a successful check) */
DUPG_EXTERN(size_t) dupg_topology_depth(const dupg_topology *t, size_t i);
/**
 * The ancestor of device i at a given depth: the master at depth 0, device i
 * itself at its own depth. O(log depth) (one jump pointer per device, set by
 * the check), so a route can be read off the tree at any depth.
 * @return its index; ::DUPG_NONE when i is out of range, depth is beyond
 *         device i's depth or the topology is not checked
 */
DUPG_EXTERN(size_t) dupg_topology_ancestor(const dupg_topology *t, size_t i, size_t depth);
/** Update device i's running version (copied). @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM */
DUPG_EXTERN(int) dupg_topology_set_version(dupg_topology *t, size_t i, const char *version);

/** Longest JSON text dupg_topology_from_json() reads, in bytes. */
#define DUPG_TOPOLOGY_MAX_BYTES (64u << 20)

/**
 * The topology as JSON, the shape scenarios give a site's devices:
 * `{"devices": [{"id": ..., "hw": ..., "version": ..., "parent": ...,
 * "duration_s": ...}, ...]}`, in the order the devices were added; the
 * master has no "parent".
 * @param out receives a malloc'd NUL-terminated string; the caller frees it
 * @return 0, ::DUPG_EINVAL or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_topology_to_json(char **out, const dupg_topology *t);

/**
 * Read the shape dupg_topology_to_json() writes (at most
 * ::DUPG_TOPOLOGY_MAX_BYTES): "id", "hw" and "version" are required strings
 * within the limits of common.h, "parent" (absent or null for the master)
 * and "duration_s" (an integer of seconds, default 0) optional; other keys of
 * a device (a scenario's "role", "link", ...) are ignored, except "duration",
 * refused with a message that names "duration_s". The devices are added in
 * order; the result is not checked, since a flat list of devices (what
 * dupg_topology_merge() needs) is not a tree: call dupg_topology_check()
 * before planning.
 * @param out receives the topology; the caller owns it
 * @param json the text, len bytes (no NUL needed)
 * @param origin name used in error messages (the file); may be NULL
 * @return 0, ::DUPG_EINVAL (NULL argument), ::DUPG_EFORMAT (the message names
 *         the device by position and the key), ::DUPG_EEXISTS (an id twice) or
 *         ::DUPG_ENOMEM; nothing is returned on failure
 */
DUPG_EXTERN(int) dupg_topology_from_json(dupg_topology **out, const char *json, size_t len,
					 const char *origin);

/**
 * Merge the devices' descriptions into a system version description.
 * @param out receives it; the caller owns it.
 */
DUPG_EXTERN(int) dupg_topology_merge(dupg_sysvd **out, const dupg_topology *t);

#ifdef __cplusplus
}
#endif
#endif
