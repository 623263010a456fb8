/* SPDX-License-Identifier: BSD-2-Clause */
/* cli.c: how every dupg-sim command speaks: one-line errors on stderr, JSON on stdout. */
#ifndef DUPG_SIM_CLI_H
#define DUPG_SIM_CLI_H

/* Print "dupg-sim: <msg>" on stderr; the message must name the offending file. */
void cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the library's last error ("dupg-sim: <detail>") and return 1. */
int cli_lib_fail(int rc);
/* Write a JSON text and a newline to stdout; returns 0 or 1 when stdout fails. */
int cli_print_json(const char *json);

#endif
