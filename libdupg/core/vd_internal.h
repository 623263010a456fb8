/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to libdupg: a system version description's layout and version keys, for dupg_match. */
#ifndef DUPG_VD_INTERNAL_H
#define DUPG_VD_INTERNAL_H

#include "internal.h"

/*
 * A version's key (vercmp.c): an integer that orders as dupg_vercmp() does
 * wherever two keys differ. Keys that are equal say nothing: compare the
 * strings then. Most versions (1.2.3, 4.17.63~rc1) differ in their keys.
 */
DUPG_HIDDEN uint64_t dupg__vercmp_key(const char *version);

/* A version of a hardware type and the devices that run it. */
struct vd_version {
	const char *version;  /* interned in the sysvd's version map */
	uint32_t seq;         /* first-seen order among the type's versions: breaks vercmp ties */
	size_t ndevs;
	size_t cap;           /* 0: the one device is dev.one, else dev.many holds cap */
	union {
		size_t one;
		size_t *many;
	} dev;                /* ids in the sysvd's device map, in the order added */
};

/*
 * One hardware type. What dupg_match reads comes first, so that a site's
 * types are one array it walks in order: no pointer chasing but to the
 * strings themselves.
 */
struct vd_type {
	const char *hw;       /* key in the sysvd's type map */
	uint64_t hash;        /* dupg__strmap_hash(hw): finds the type in any other map */
	uint64_t lowest_key;  /* dupg__vercmp_key(lowest) */
	const char *lowest;   /* the first version's string */
	size_t nvers;
	size_t cap;           /* 0: the one version is ver.one, else ver.many holds cap */
	union {
		struct vd_version one;
		struct vd_version *many;
	} ver;                /* ascending by (dupg_vercmp, seq); in seq order while building */
};

/*
 * (type index, version id) -> seq of that version in its type, for the
 * types with more versions than a scan is worth: a device on a version
 * already there finds it in O(1), however many spellings compare equal.
 */
struct vd_pairmap {
	uint64_t *keys;       /* ((type << 32) | version id) + 1; 0 is an empty slot */
	uint32_t *vals;
	size_t cap;           /* a power of two, or 0 */
	size_t n;
};

struct dupg_sysvd {
	dupg_strmap *hw;      /* hardware type -> index into types */
	struct vd_type *types;
	size_t types_cap;
	dupg_strmap *vers;    /* every version string, interned */
	dupg_strmap *ids;     /* device id -> id; keys live in the map's arena */
	/*
	 * merged[id] is 1 once the device is in: an add that fails after
	 * interning the id leaves 0, so the id can be added again.
	 */
	unsigned char *merged;
	size_t merged_cap;
	struct vd_pairmap pairs;
	size_t ndevices;      /* devices merged */
	size_t nversions;     /* distinct (type, version) pairs */
	/*
	 * Set while dupg_merge, dupg_sysvd_from_json or dupg_topology_merge fill
	 * a new description: versions are appended, and sorted once at the end.
	 */
	int building;
};

/*
 * Why a device's id, hardware type or version may not be kept (common.h:
 * missing, too long, a NUL byte, not UTF-8): DUPG_EINVAL naming it, or 0.
 */
DUPG_HIDDEN int dupg__device_check(const dupg_device_vd *dev);

/*
 * Fill a new, empty s with many devices at once in O(n log n): begin, add
 * each device (checked as dupg_sysvd_add does), then end, which sorts every
 * type's versions. Nothing may read s in between; on failure free s.
 */
DUPG_HIDDEN void dupg__sysvd_begin(dupg_sysvd *s);
DUPG_HIDDEN int dupg__sysvd_build_add(dupg_sysvd *s, const dupg_device_vd *dev);
DUPG_HIDDEN int dupg__sysvd_end(dupg_sysvd *s);

#endif
