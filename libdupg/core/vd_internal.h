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
	} ver;                /* ascending by dupg_vercmp, ties in first-seen order */
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
};

#endif
