/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/vd.h
 * @brief Device version descriptions and their merge into a system version
 *        description (pure functions).
 */
#ifndef DUPG_VD_H
#define DUPG_VD_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @name Limits of a system description
 * Besides the string limits of common.h (ids, hardware types and versions:
 * non-empty UTF-8 without NUL bytes, at most ::DUPG_ID_MAX_BYTES,
 * ::DUPG_HW_MAX_BYTES and ::DUPG_VERSION_MAX_BYTES bytes), a description
 * holds at most these; one more is ::DUPG_EINVAL from dupg_sysvd_add() and
 * dupg_merge(), ::DUPG_EFORMAT from dupg_sysvd_from_json(), the message
 * naming the device and the limit.
 * @{
 */
/** Most devices in one description. */
#define DUPG_SYSVD_MAX_DEVICES (1u << 22)
/** Most hardware types in one description. */
#define DUPG_SYSVD_MAX_TYPES (1u << 16)
/** Most distinct (hardware type, version) pairs in one description. */
#define DUPG_SYSVD_MAX_VERSIONS (1u << 20)
/** Longest JSON text dupg_sysvd_from_json() reads, in bytes. */
#define DUPG_SYSVD_MAX_BYTES (64u << 20)
/** @} */

/** A device version description. Strings are borrowed from the caller. */
typedef struct {
	const char *id;       /**< device id, unique in its site */
	const char *hw;       /**< hardware type (opaque string) */
	const char *version;  /**< running software version */
	uint32_t duration_s;  /**< expected upgrade duration in seconds, 0 = unknown */
} dupg_device_vd;

/**
 * A system version description: one entry per hardware type, each listing
 * every distinct version run by devices of that type with the ids of the
 * devices that run it. Opaque.
 *
 * Order is deterministic: hardware types in the order they were first seen;
 * versions of a type ascending by dupg_vercmp(), versions that compare
 * equal ("1", "01") in the order first seen; device ids in the order added.
 *
 * Cost: dupg_merge() and dupg_sysvd_from_json() take O(n log n) for n
 * devices, however their versions compare; dupg_sysvd_add() finds a version
 * in O(log v) comparisons (v versions of the type) and inserts a new one in
 * O(v) moves of a few words each.
 */
typedef struct dupg_sysvd dupg_sysvd;

/** Create an empty system description. The caller owns *out (dupg_sysvd_free()). */
DUPG_EXTERN(int) dupg_sysvd_new(dupg_sysvd **out);
/** Free a system description; NULL is fine. */
DUPG_EXTERN(void) dupg_sysvd_free(dupg_sysvd *s);

/**
 * Merge one device's description in (strings copied).
 * @return 0, ::DUPG_EINVAL (missing, too long or malformed id, hw or
 *         version; a limit above reached), ::DUPG_EEXISTS (device id already
 *         merged) or ::DUPG_ENOMEM; on error s is as it was
 */
DUPG_EXTERN(int) dupg_sysvd_add(dupg_sysvd *s, const dupg_device_vd *dev);

/**
 * Merge n device descriptions by hardware type into a new system description.
 * @param out receives the result; the caller owns it.
 * @return as dupg_sysvd_add(); on error *out is NULL
 */
DUPG_EXTERN(int) dupg_merge(dupg_sysvd **out, const dupg_device_vd *devs, size_t n);

/* Getters; strings are borrowed and live as long as s. Out-of-range indexes give 0 or NULL. */
/** Number of hardware types. */
DUPG_EXTERN(size_t) dupg_sysvd_hw_count(const dupg_sysvd *s);
/** @return hardware type i (first-seen order), borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_sysvd_hw(const dupg_sysvd *s, size_t i);
/** @return the index of hardware type hw, or ::DUPG_NONE when absent */
DUPG_EXTERN(size_t) dupg_sysvd_find_hw(const dupg_sysvd *s, const char *hw);
/** Number of distinct versions run by hardware type hw_index. */
DUPG_EXTERN(size_t) dupg_sysvd_version_count(const dupg_sysvd *s, size_t hw_index);
/** @return version v of hardware type hw_index (ascending), borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_sysvd_version(const dupg_sysvd *s, size_t hw_index, size_t v);
/** @return the lowest version run by hardware type i (what decides whether it needs a package) */
DUPG_EXTERN(const char *) dupg_sysvd_lowest_version(const dupg_sysvd *s, size_t hw_index);
/** Number of devices running version v of hardware type hw_index. */
DUPG_EXTERN(size_t) dupg_sysvd_device_count(const dupg_sysvd *s, size_t hw_index, size_t v);
/** @return id of device d running version v of hardware type hw_index, borrowed; NULL when out of range */
DUPG_EXTERN(const char *) dupg_sysvd_device(const dupg_sysvd *s, size_t hw_index, size_t v,
					    size_t d);

/**
 * Serialize as `{"hw": {"TYPE": [{"version": "V", "devices": ["id", ...]}, ...]}}`.
 * @param out receives a NUL-terminated string; the caller frees it with dupg_free().
 */
DUPG_EXTERN(int) dupg_sysvd_to_json(char **out, const dupg_sysvd *s);

/**
 * Parse the shape dupg_sysvd_to_json() writes: at most
 * ::DUPG_SYSVD_MAX_BYTES of JSON, within the limits above; every string is
 * checked (a NUL byte, "1\u0000evil", is refused, never cut).
 * @param origin name used in error messages (e.g. the file); may be NULL
 * @return 0, ::DUPG_EFORMAT (the message names the value at fault),
 *         ::DUPG_EEXISTS or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_sysvd_from_json(dupg_sysvd **out, const char *json, size_t len,
				      const char *origin);

#ifdef __cplusplus
}
#endif
#endif
