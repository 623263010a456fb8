/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to libdupg: what the manifest concept shares with the rest of the library. */
#ifndef DUPG_MANIFEST_INTERNAL_H
#define DUPG_MANIFEST_INTERNAL_H

#include "internal.h"

/*
 * Seconds since 1970-01-01T00:00:00Z of an RFC 3339 date-time
 * ("2027-01-31T12:00:00Z", "2027-01-31T14:00:00.5+02:00"; fractions are
 * dropped). @return 0, or -1 when s is not one.
 */
DUPG_HIDDEN int dupg__rfc3339_parse(int64_t *out, const char *s);

#endif
