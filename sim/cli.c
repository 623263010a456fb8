/* SPDX-License-Identifier: BSD-2-Clause */
/* How every dupg-sim command speaks: one-line errors on stderr, JSON on stdout. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "dupg.h"

int cli_parse_u64(uint64_t *out, const char *arg, uint64_t min, uint64_t max)
{
	char *end = NULL;
	unsigned long long v;

	/* strtoull alone takes "-5" (as a huge number), " 5" and "+5" */
	if (arg == NULL || arg[0] < '0' || arg[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

void cli_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("dupg-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_lib_fail(int rc)
{
	cli_fail("%s (%s)", dupg_error_last(), dupg_strerror(rc));
	return 1;
}

int cli_print_json(const char *json)
{
	if (puts(json) == EOF || fflush(stdout) != 0) {
		cli_fail("cannot write to stdout");
		return 1;
	}
	return 0;
}
