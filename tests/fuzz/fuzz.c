/* SPDX-License-Identifier: BSD-2-Clause */
/* What the harnesses share (fuzz.h). */
#include "config.h"

#include "fuzz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/error.h"
#include "util/fs.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "\n%s:%d: property broken: %s\n  ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

void fuzz_check_error(int rc, const char *what)
{
	const char *msg = dupg_error_last();

	FUZZ_CHECK(rc < 0, "%s: returned %d", what, rc);
	FUZZ_CHECK(strcmp(dupg_error_name(rc), "unknown") != 0, "%s: unknown code %d", what, rc);
	FUZZ_CHECK(dupg_error_last_code() == rc, "%s: returned %d, recorded %d", what, rc,
		   dupg_error_last_code());
	FUZZ_CHECK(msg != NULL && *msg != '\0', "%s: failed (%d) without a message", what, rc);
}

static char *scratch;

static void remove_scratch(void)
{
	if (scratch != NULL)
		dupg__fs_rmtree(scratch);
	free(scratch);
	scratch = NULL;
}

const char *fuzz_dir(void)
{
	if (scratch == NULL) {
		scratch = dupg__fs_scratch("dupg-fuzz");
		FUZZ_CHECK(scratch != NULL, "cannot create a scratch directory: %s", dupg__error_msg());
		atexit(remove_scratch);
	}
	return scratch;
}

const char *fuzz_path(const char *dir, const char *name)
{
	static char buf[8][4200];
	static unsigned next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir, name);
	return b;
}

void fuzz_write(const char *path, const void *data, size_t len)
{
	FUZZ_CHECK(dupg__fs_write(path, data, len) == 0, "%s", dupg__error_msg());
}

void fuzz_fresh_dir(const char *path)
{
	FUZZ_CHECK(dupg__fs_rmtree(path) == 0, "%s", dupg__error_msg());
	FUZZ_CHECK(mkdir(path, 0755) == 0, "%s: cannot create", path);
}
