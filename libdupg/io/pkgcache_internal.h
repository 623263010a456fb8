/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to libdupg: what a store knows of its packages (io/pkgcache.c, LIST.cache). */
#ifndef DUPG_PKGCACHE_INTERNAL_H
#define DUPG_PKGCACHE_INTERNAL_H

#include "internal.h"

#include <sys/stat.h>

typedef struct dupg__pkgcache dupg__pkgcache;

DUPG_HIDDEN int dupg__pkgcache_new(dupg__pkgcache **out);
DUPG_HIDDEN void dupg__pkgcache_free(dupg__pkgcache *c);
/* Read a cache file; a missing, unreadable or malformed one is an empty cache. 0 or DUPG_ENOMEM. */
DUPG_HIDDEN int dupg__pkgcache_load(dupg__pkgcache **out, const char *file);
/*
 * The hardware types recorded for the package at path (resolved) when its
 * file is still the one recorded (st, from stat), else NULL. Borrowed.
 */
DUPG_HIDDEN const char *const *dupg__pkgcache_find(const dupg__pkgcache *c, const char *path,
						   const struct stat *st, size_t *hw_count);
/* Record what was read of the package at path. */
DUPG_HIDDEN int dupg__pkgcache_put(dupg__pkgcache *c, const char *path, const struct stat *st,
				   const char *const *hw, size_t n);
/* Entries put since the cache was loaded: a reason to save it. */
DUPG_HIDDEN size_t dupg__pkgcache_added(const dupg__pkgcache *c);
/* Write the entries of l's packages (what c holds, or what l says of a new one) to file, atomically. */
DUPG_HIDDEN int dupg__pkgcache_save(const dupg__pkgcache *c, const char *file,
				    const dupg_pathlist *l, int no_fsync);

#endif
