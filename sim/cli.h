/* dupg-sim subcommands. Each takes (argc, argv) with argv[0] the subcommand name
 * and returns the process exit status. */
#ifndef DUPG_SIM_CLI_H
#define DUPG_SIM_CLI_H

/* cli_core.c: one subcommand per library function (issue 2's contract). */
int cli_pack(int argc, char **argv);
int cli_manifest(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_match(int argc, char **argv);
int cli_prune(int argc, char **argv);
int cli_recover(int argc, char **argv);
int cli_rollback(int argc, char **argv);

/* The simulator proper (issue 3). */
int sim_run_main(int argc, char **argv);
int sim_draw_main(int argc, char **argv);

/* Print "dupg-sim: <msg>" on stderr; the message must name the offending file. */
void cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the library's last error ("dupg-sim: <detail>") and return 1. */
int cli_lib_fail(int rc);
/* Write a JSON text and a newline to stdout; returns 0 or 1 when stdout fails. */
int cli_print_json(const char *json);

#endif
