/* SPDX-License-Identifier: BSD-2-Clause */
/* Lowercase hex of bytes: key ids, digests, tokens (the library, the server, the tests). */
#ifndef DUPG_UTIL_HEX_H
#define DUPG_UTIL_HEX_H

#include "util/common.h"

/* Lowercase hex of n bytes into out, which has room for 2n + 1 (a NUL ends it). */
DUPG_HIDDEN void dupg__hex(char *out, const unsigned char *in, size_t n);

#endif
