/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names of an enum's values, indexed by value: one table per enum, beside it
 * (RAUC keeps a to-string and a from-string next to every state enum).
 */
#ifndef DUPG_UTIL_NAMES_H
#define DUPG_UTIL_NAMES_H

#include "util/common.h"

/* names[value], or "unknown" when value is out of range: a name is usually printed. */
DUPG_HIDDEN const char *dupg__name_of(const char *const *names, size_t n, int value);
/*
 * *out = the index of name in names; else DUPG_EINVAL with the message
 * "WHAT: unknown \"NAME\" (one of: a, b, c)".
 */
DUPG_HIDDEN int dupg__name_parse(int *out, const char *const *names, size_t n, const char *name,
				 const char *what);

#endif
