/* SPDX-License-Identifier: BSD-2-Clause */
/* draw.c: `dupg-sim draw`, Graphviz DOT of one site. Exit status. */
#ifndef DUPG_SIM_DRAW_H
#define DUPG_SIM_DRAW_H

int sim_draw_main(int argc, char **argv);

#endif
