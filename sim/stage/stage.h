/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stage commands: each drives one stage of the upgrade through the library
 * on real files (issue 2's contract), apart from the simulator proper (run,
 * draw). Each takes (argc, argv) with argv[0] the command's name and returns
 * the exit status. One file each: pack.c, manifest.c, merge.c, match.c,
 * prune.c, recover.c, rollback.c, fetch.c.
 */
#ifndef DUPG_SIM_STAGE_H
#define DUPG_SIM_STAGE_H

int cli_pack(int argc, char **argv);
int cli_manifest(int argc, char **argv);
int cli_keygen(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_match(int argc, char **argv);
int cli_prune(int argc, char **argv);
int cli_recover(int argc, char **argv);
int cli_rollback(int argc, char **argv);
int cli_fetch(int argc, char **argv);

#endif
