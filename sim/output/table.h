/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * table.c: the readable table on stderr: one row per site of a small run (the
 * first sites that rolled back or failed of a big one), then the totals beside
 * the baselines.
 */
#ifndef DUPG_SIM_TABLE_H
#define DUPG_SIM_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "model/result.h"
#include "output/totals.h"

#define SIM_TABLE_ROWS 20

struct sim_table {
	char *rows[SIM_TABLE_ROWS];
	size_t nrows;
	char *unfired[SIM_TABLE_ROWS];   /* the first faults asked for that did not fire, and why */
	size_t nunfired;
	uint64_t unfired_asked;          /* faults asked for (scenario, options) that did not fire */
	uint64_t unfired_random;         /* random faults (the scenario's rates) that did not fire */
};

/* Keep r's row when the run shows it and there is room; its faults that did not fire. */
void sim_table_add(struct sim_table *t, const struct sim_run_head *h, const struct sim_result *r);
void sim_table_print(const struct sim_table *t, const struct sim_run_head *h,
		     const struct sim_totals *tot, const struct sim_figures *f, uint64_t halted,
		     const struct sim_wave_result *halt, double wall_s);
/* One line per deployment server (h->dservers): bytes and sites it served, failovers, down, upgrade. */
void sim_table_servers(const struct sim_run_head *h, const uint64_t *bytes, const uint64_t *sites,
		       const uint64_t *failovers);
void sim_table_clear(struct sim_table *t);

#endif
