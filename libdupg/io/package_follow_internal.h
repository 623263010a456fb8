/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libdupg: verifying a package while it is written
 * (io/package_follow.c), for the fetch (io/fetch.c).
 */
#ifndef DUPG_PACKAGE_FOLLOW_INTERNAL_H
#define DUPG_PACKAGE_FOLLOW_INTERNAL_H

#include "internal.h"

/* A thread verifying one file as it grows. Opaque. */
typedef struct dupg__follow dupg__follow;

/*
 * Start verifying the file open as fd (named file in messages), which
 * holds have bytes now and is only appended to until dupg__follow_end();
 * fd stays the caller's. NULL when no thread can be had: the caller
 * verifies afterwards.
 */
DUPG_HIDDEN dupg__follow *dupg__follow_start(int fd, const char *file, uint64_t have);
/* The file holds have bytes now. NULL is fine. */
DUPG_HIDDEN void dupg__follow_grow(dupg__follow *fw, uint64_t have);
/*
 * The file is complete at what dupg__follow_grow() said last, or
 * abandoned (nothing more to read, the result unwanted): wait for the
 * thread and free fw. 1 when it verified
 * the package as dupg_package_verify() would; 0 when the file must be
 * verified from disk (a failure, a zip, a manifest not first, abandoned).
 * NULL gives 0.
 */
DUPG_HIDDEN int dupg__follow_end(dupg__follow *fw, int abandon);

#endif
