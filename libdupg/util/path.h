/* SPDX-License-Identifier: BSD-2-Clause */
/* Path strings (pure: the file system is not asked). */
#ifndef DUPG_UTIL_PATH_H
#define DUPG_UTIL_PATH_H

#include "util/common.h"

/* Directory part of path ("." when none); caller frees. NULL on ENOMEM. */
DUPG_HIDDEN char *dupg__path_dirname(const char *path);
/* dir + "/" + rel, or rel itself when it is absolute or dir is "."; caller frees. NULL on ENOMEM. */
DUPG_HIDDEN char *dupg__path_join(const char *dir, const char *rel);

#endif
