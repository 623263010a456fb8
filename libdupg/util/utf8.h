/* SPDX-License-Identifier: BSD-2-Clause */
/* UTF-8 text checks (pure). */
#ifndef DUPG_UTIL_UTF8_H
#define DUPG_UTIL_UTF8_H

#include "util/common.h"

/*
 * Offset of the first byte of s[0..len) that does not belong to a
 * well-formed UTF-8 sequence (RFC 3629: no overlong form, no surrogate,
 * nothing above U+10FFFF), or len when the whole text is UTF-8. NUL bytes
 * are well-formed here: callers that refuse them check them apart.
 */
DUPG_HIDDEN size_t dupg__utf8_invalid(const char *s, size_t len);

/*
 * Check a string from outside (a JSON value, an argument) before it is kept:
 * not empty, at most max bytes, no NUL byte, UTF-8. len is its length, or
 * SIZE_MAX for strlen (then a caller's 10 MB string is not walked past the
 * cap). 0 when it may be kept; else -1, with why receiving the problem as
 * a phrase to follow the value's name ("is longer than 256 bytes").
 */
DUPG_HIDDEN int dupg__text_check(const char *s, size_t len, size_t max, char *why, size_t size);

#endif
