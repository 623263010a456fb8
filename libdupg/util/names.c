/* SPDX-License-Identifier: BSD-2-Clause */
/* Enum names and their parsing, one table per enum (see names.h). */
#include "config.h"

#include "util/names.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"

const char *dupg__name_of(const char *const *names, size_t n, int value)
{
	return value < 0 || (size_t)value >= n ? "unknown" : names[value];
}

int dupg__name_parse(int *out, const char *const *names, size_t n, const char *name,
		     const char *what)
{
	dupg_buf known = { 0 };
	size_t i;
	int rc;

	for (i = 0; name != NULL && i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			if (out != NULL)
				*out = (int)i;
			return 0;
		}
	}
	for (i = 0; i < n; i++)
		dupg__buf_printf(&known, "%s%s", i > 0 ? ", " : "", names[i]);
	if (known.failed) {
		free(known.data);
		return dupg__error_nomem();
	}
	rc = dupg__error(DUPG_EINVAL, "%s: unknown %s%s%s (one of: %s)", what,
			 name == NULL ? "" : "\"", name == NULL ? "NULL" : name,
			 name == NULL ? "" : "\"", known.data != NULL ? known.data : "");
	free(known.data);
	return rc;
}
