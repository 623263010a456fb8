/**
 * @file dupg/vercmp.h
 * @brief Software version comparison, dpkg style.
 */
#ifndef DUPG_VERCMP_H
#define DUPG_VERCMP_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Compare two version strings the way dpkg compares upstream versions:
 * the strings are split into alternating runs of non-digits and digits;
 * non-digit runs compare character by character where '~' sorts before
 * everything (even the end of the string), letters sort before all other
 * symbols; digit runs compare as numbers of any length (leading zeros are
 * ignored). No epoch or revision is parsed: ':' and '-' are ordinary symbols.
 *
 * A pure function: no allocation, no error state.
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
