/* SPDX-License-Identifier: BSD-2-Clause */
/* How every dupg-sim command speaks: one-line errors on stderr, JSON on stdout. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "dupg.h"

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
