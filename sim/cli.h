/* SPDX-License-Identifier: BSD-2-Clause */
/* cli.c: how every dupg-sim command speaks: one-line errors on stderr, JSON on stdout. */
#ifndef DUPG_SIM_CLI_H
#define DUPG_SIM_CLI_H

#include <stdint.h>

/* Print "dupg-sim: <msg>" on stderr; the message must name the offending file. */
void cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the library's last error ("dupg-sim: <detail>") and return 1. */
int cli_lib_fail(int rc);
/*
 * A whole number from min to max, in decimal digits only (no sign, space or
 * suffix, no overflow): 0, or -1 with nothing printed (the caller names the option).
 */
int cli_parse_u64(uint64_t *out, const char *arg, uint64_t min, uint64_t max);
/* Write a JSON text and a newline to stdout; returns 0 or 1 when stdout fails. */
int cli_print_json(const char *json);

#endif
