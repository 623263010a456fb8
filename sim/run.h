/* SPDX-License-Identifier: BSD-2-Clause */
/* run.c: `dupg-sim run`, every site of a scenario through the whole flow. Exit status. */
#ifndef DUPG_SIM_RUN_H
#define DUPG_SIM_RUN_H

int sim_run_main(int argc, char **argv);

#endif
