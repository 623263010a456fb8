/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/vercmp.h
 * @brief Software version comparison, as dpkg has it: epoch, upstream version, revision.
 */
#ifndef DUPG_VERCMP_H
#define DUPG_VERCMP_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Compare two version strings as dpkg does (dpkg --compare-versions, and
 * libdpkg's dpkg_version_compare), in three parts:
 *
 * - the epoch: when everything before the first ':' is a number (digits,
 *   after an optional '+' or '-' sign as dpkg's strtol takes it), that
 *   number, compared as a number of any length; otherwise the epoch is 0
 *   and the ':' belongs to the upstream version;
 * - the revision: whatever follows the last '-' after the epoch; none
 *   when there is no '-', and none sorts as dpkg sorts it, like "0"
 *   ("1.0" and "1.0-0" are equal);
 * - the upstream version: what is between.
 *
 * Epochs compare first, then upstream versions, then revisions. Upstream
 * versions and revisions are split into alternating runs of non-digits and
 * digits; non-digit runs compare character by character where '~' sorts
 * before everything (even the end of the part), letters before all other
 * characters, the others by their byte value; digit runs compare as
 * numbers of any length (leading zeros are ignored).
 *
 * For every string dpkg accepts, the order is dpkg's (tests/test_vercmp_dpkg
 * checks it against libdpkg on every pair of 3,841 versions of Debian's
 * archive and on random ones). Strings dpkg refuses still get a total
 * order, read leniently: an empty epoch (":1.0") is 0, a negative epoch
 * counts by its digits, an empty revision ("1.0-") is none, nothing after
 * the ':' is an empty version; no whitespace is trimmed (dpkg trims blanks
 * around a version) and every byte counts. Strings with neither ':' nor
 * '-' compare exactly as they did before epochs and revisions were parsed.
 *
 * A pure function: no allocation, no error state; thread-safe.
 *
 * @param a first version (NULL sorts before every string)
 * @param b second version (NULL sorts before every string)
 * @return negative if a < b, 0 if equal, positive if a > b
 */
DUPG_EXTERN(int) dupg_vercmp(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
