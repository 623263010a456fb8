/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The package set the server serves: every package file of DIR read once
 * (its manifest, size, identity on disk and XXH3-128, the ETag), indexed
 * with dupg_pkgset for matching. An index never changes once built; a
 * reload builds a new one and swaps it in (srv_index_current), so no request
 * sees half a set. Views are the set less some packages (those rollouts
 * withhold from a site), built once each and kept with the index.
 */
#ifndef DUPG_SERVER_INDEX_H
#define DUPG_SERVER_INDEX_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "dupg.h"

struct srv_pkg {
	char *name;      /* the file's name in DIR: GET /v1/packages/NAME */
	char *path;      /* what a task lists: /v1/packages/NAME, or --package-base's URL + NAME */
	char etag[40];   /* "\"<32 hex>\"": the archive's XXH3-128 */
	uint64_t size;
	dev_t dev;
	ino_t ino;
	int64_t mtime_ns;
	dupg_manifest *manifest;
};

struct srv_index;

/*
 * Read every package of dir. Files that are not regular (symlinks, ...),
 * names starting with '.', and packages that fail to read (or to verify,
 * with verify set) are left out, each reported on log; *bad counts them.
 * With trust (borrowed, read during the call only), a package not signed
 * under it, or expired, is left out too. base, when not NULL, prefixes task
 * paths instead of /v1/packages/.
 */
int srv_index_load(struct srv_index **out, const char *dir, const char *base, int verify,
		   const dupg_trust *trust, FILE *log, size_t *bad);
void srv_index_unref(struct srv_index *idx);
struct srv_index *srv_index_ref(struct srv_index *idx);

size_t srv_index_count(const struct srv_index *idx);
const struct srv_pkg *srv_index_pkg(const struct srv_index *idx, size_t i);
/* The package named name, or DUPG_NONE. */
size_t srv_index_find(const struct srv_index *idx, const char *name);
/* DIR, opened: packages are opened relative to it. */
int srv_index_dirfd(const struct srv_index *idx);
/* {"versions": {"TYPE": "VERSION", ...}}: the latest version of each hardware type. */
const char *srv_index_versions(const struct srv_index *idx);

/* The set less some packages; view index i is package pkg[i] of the index. */
struct srv_view {
	dupg_pkgset *set;
	size_t *pkg;
};
/*
 * The view without the packages marked in withheld (one flag per package
 * of the index), named key (the same key, the same packages); built on
 * first use and kept with the index. NULL withheld is the whole set.
 */
int srv_index_view(const struct srv_view **out, struct srv_index *idx, const char *key,
		   const unsigned char *withheld);

/* The index requests use now, referenced (srv_index_unref it); NULL before the first swap. */
struct srv_index *srv_index_current(void);
/* Make idx current (the caller's reference moves in); the old one goes when its last request ends. */
void srv_index_swap(struct srv_index *idx);

#endif
