/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The internal utility layer: pieces the library, its programs (dupg-sim,
 * dupg-bench, dupg-server) and its tests all use, in one copy. Linked into
 * libdupg with hidden visibility and into each program on its own, so a
 * program's copy (its error buffer included) is its own, never the library's.
 * Nothing here knows a libdupg concept; everything may use this.
 */
#ifndef DUPG_UTIL_COMMON_H
#define DUPG_UTIL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "dupg/common.h"

#if defined(__GNUC__)
#define DUPG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define DUPG_HIDDEN __attribute__((visibility("hidden")))
#else
#define DUPG_PRINTF(f, a)
#define DUPG_HIDDEN
#endif

/* Number of elements of an array. */
#define DUPG__COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
