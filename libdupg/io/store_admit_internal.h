/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libdupg: what a store admits (io/store_admit.c, used by
 * io/store.c): every new package verified, and the anti-rollback floor.
 */
#ifndef DUPG_STORE_ADMIT_INTERNAL_H
#define DUPG_STORE_ADMIT_INTERNAL_H

#include "internal.h"

/* The floor of one store: the highest security_version committed per hardware type. */
struct dupg__admit {
	char *file;        /* LIST.floor */
	char **hw;
	uint64_t *floor;
	size_t n, cap;
	int changed;       /* a new package raised it: write it once the change commits */
};

/*
 * Load the floor of list_file's store and check every package of downloaded
 * that current does not list: verified in full under o (its payload skipped
 * when o names it as verified), refused below the floor; the floor is
 * raised in memory by what passes. Nothing is written. Clear a with
 * dupg__admit_free() whatever the result.
 */
DUPG_HIDDEN int dupg__admit_check(struct dupg__admit *a, const char *list_file,
				  const dupg_pathlist *current, const dupg_pathlist *downloaded,
				  const dupg_admit_options *o);
/*
 * The raised floor as LIST.floor's text (*out caller-freed), or NULL when
 * it did not change: store.c journals it and writes it after the commit
 * point (recovery writes it again when it finishes the change).
 */
DUPG_HIDDEN int dupg__admit_render(char **out, size_t *len, const struct dupg__admit *a);
DUPG_HIDDEN void dupg__admit_free(struct dupg__admit *a);

#endif
