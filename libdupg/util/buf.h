/* SPDX-License-Identifier: BSD-2-Clause */
/* Memory helpers: growing arrays, a string buffer, strdup of NULL. */
#ifndef DUPG_UTIL_BUF_H
#define DUPG_UTIL_BUF_H

#include <stdarg.h>

#include "util/common.h"

/* strdup that treats NULL as NULL. */
DUPG_HIDDEN char *dupg__strdup(const char *s);
/* A malloc'd formatted string, or NULL when out of memory. */
DUPG_HIDDEN char *dupg__printf(const char *fmt, ...) DUPG_PRINTF(1, 2);
DUPG_HIDDEN char *dupg__vprintf(const char *fmt, va_list ap) DUPG_PRINTF(1, 0);

/* Grow *arr (of elem-sized items, capacity *cap) to hold at least need items. 0 or DUPG_ENOMEM. */
DUPG_HIDDEN int dupg__grow(void **arr, size_t *cap, size_t need, size_t elem);
/* dupg__grow for any pointer type: DUPG__GROW(&items, &cap, n + 1). */
#define DUPG__GROW(arrp, capp, need) \
	dupg__grow_p((void *)(arrp), (capp), (need), sizeof(**(arrp)))
DUPG_HIDDEN int dupg__grow_p(void *arrp, size_t *cap, size_t need, size_t elem);

/*
 * Growable string buffer. On allocation failure the buffer latches `failed`
 * and later appends are no-ops, so callers check once at the end.
 */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
	int failed;
} dupg_buf;

DUPG_HIDDEN void dupg__buf_put(dupg_buf *b, const char *s, size_t n);
DUPG_HIDDEN void dupg__buf_puts(dupg_buf *b, const char *s);
DUPG_HIDDEN void dupg__buf_printf(dupg_buf *b, const char *fmt, ...) DUPG_PRINTF(2, 3);
/* Hand the NUL-terminated contents to *out (0) or free them (DUPG_ENOMEM). */
DUPG_HIDDEN int dupg__buf_finish(dupg_buf *b, char **out);

#endif
