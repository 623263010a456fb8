/* SPDX-License-Identifier: BSD-2-Clause */
/* load.c: read a scenario file (format 1, see sim/README.md) into a scenario. */
#ifndef DUPG_SIM_LOAD_H
#define DUPG_SIM_LOAD_H

#include "scenario/scenario.h"

/* Load and validate a scenario file; errors name the file and the problem. */
int sim_scenario_load(struct sim_scenario **out, const char *file);

#endif
