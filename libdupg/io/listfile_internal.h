/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to libdupg: list files, for the store (io/listfile.c). */
#ifndef DUPG_LISTFILE_INTERNAL_H
#define DUPG_LISTFILE_INTERNAL_H

#include "core/pathlist_internal.h"
#include "pkgcache_internal.h"

/*
 * The text of a list file at list_file holding entries sel[0 .. n) of l, or
 * every entry when sel is NULL, exactly as dupg_pathlist_save() writes it
 * (io/listfile.c: relative entries of another directory are made absolute).
 */
DUPG_HIDDEN int dupg__pathlist_render(char **out, size_t *len, const dupg_pathlist *l,
				      const size_t *sel, size_t n, const char *list_file);

/*
 * Load a list file whose text was read already (io/listfile.c): parse it (in
 * place: text is changed) and read every package's manifest, as
 * dupg_pathlist_load() does, but for the packages cache (may be NULL) knows
 * unchanged; what is read is put in the cache.
 */
DUPG_HIDDEN int dupg__listfile_load_text(dupg_pathlist **out, const char *list_file, char *text,
					 size_t len, dupg__pkgcache *cache);

#endif
