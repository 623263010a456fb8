/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/locality.h
 * @brief Where a deployment server is, and which servers a master tries
 *        first (pure functions, no I/O).
 *
 * A location is a string of labels, `KEY=VALUE` pairs separated by commas:
 * `"cluster=east,chassis=1,slot=3"`. Keys and values are non-empty, hold no
 * `,` or `=`, and a key appears once. Three keys have a meaning here:
 * `cluster`, `chassis` and `slot` (a slot number is only unique within its
 * chassis, a chassis number within its cluster); other keys are kept for the
 * caller and ignored by the ranking. NULL or `""` is a location with no label.
 *
 * Seed 001: a board asks every deployment server where it is and picks the
 * nearest, same board first, then same chassis. The tiers, nearest first:
 * - ::DUPG_NEAR_SLOT: same slot of the same chassis (both labelled on both
 *   sides) and not in another cluster;
 * - ::DUPG_NEAR_CHASSIS: same chassis (labelled on both sides), not in
 *   another cluster;
 * - ::DUPG_NEAR_CLUSTER: same cluster (labelled on both sides);
 * - ::DUPG_NEAR_OTHER: anything else, unlabelled servers included.
 * "Not in another cluster": when both sides name a cluster, they name the
 * same one; when either side names none, the chassis alone decides.
 */
#ifndef DUPG_LOCALITY_H
#define DUPG_LOCALITY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most bytes of a location string. */
#define DUPG_LOCATION_MAX_BYTES 1024u

/** How near a server is to the master, nearest first. */
typedef enum {
	DUPG_NEAR_SLOT = 0,    /**< same slot of the same chassis */
	DUPG_NEAR_CHASSIS = 1, /**< same chassis */
	DUPG_NEAR_CLUSTER = 2, /**< same cluster */
	DUPG_NEAR_OTHER = 3    /**< anything else */
} dupg_nearness;

/** @return "slot", "chassis", "cluster" or "other" (static); "unknown" out of range */
DUPG_EXTERN(const char *) dupg_nearness_name(dupg_nearness n);
/**
 * The tier dupg_nearness_name() spells as name.
 * @return 0, or ::DUPG_EINVAL for an unknown name (the message lists the known ones)
 */
DUPG_EXTERN(int) dupg_nearness_parse(dupg_nearness *out, const char *name);

/**
 * Check a location string: the syntax above, UTF-8, at most
 * ::DUPG_LOCATION_MAX_BYTES.
 * @param location the labels; NULL or "" is valid (no label)
 * @return 0, or ::DUPG_EINVAL with a message naming the location and what is wrong
 */
DUPG_EXTERN(int) dupg_location_check(const char *location);

/**
 * The value of one label of a location.
 * @param out receives a pointer into location (borrowed, not NUL-terminated
 *        at the value's end: its length goes to *len); NULL when absent
 * @param len receives the value's length in bytes (0 when absent)
 * @param location a valid location (dupg_location_check())
 * @param key the key to look up
 * @return 0 (found or not), or ::DUPG_EINVAL for an invalid location or key
 */
DUPG_EXTERN(int) dupg_location_get(const char **out, size_t *len, const char *location,
				   const char *key);

/**
 * How near one server is to the master.
 * @param out receives the tier
 * @param own the master's location
 * @param server the server's location
 * @return 0, or ::DUPG_EINVAL for an invalid location (the message names it)
 */
DUPG_EXTERN(int) dupg_location_nearness(dupg_nearness *out, const char *own, const char *server);

/**
 * Rank servers against the master's own location: nearest tier first, the
 * caller's order kept within a tier (a stable sort).
 * @param order receives count indexes into servers, nearest first (caller's array)
 * @param tiers receives each server's tier, by the caller's index; may be NULL
 * @param own the master's location (NULL or "" for none: the caller's order is kept)
 * @param servers the servers' locations (entries may be NULL)
 * @param count number of servers
 * @return 0, or ::DUPG_EINVAL (NULL array with count > 0, an invalid location,
 *         naming it and its index)
 */
DUPG_EXTERN(int) dupg_locality_rank(size_t *order, dupg_nearness *tiers, const char *own,
				    const char *const *servers, size_t count);

#ifdef __cplusplus
}
#endif
#endif
