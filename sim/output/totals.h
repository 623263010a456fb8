/* SPDX-License-Identifier: BSD-2-Clause */
/* totals.c: the run's totals, added up site by site, and their JSON beside the baselines. */
#ifndef DUPG_SIM_TOTALS_H
#define DUPG_SIM_TOTALS_H

#include <json-c/json.h>
#include <stdint.h>

#include "model/result.h"

struct sim_totals {
	uint64_t nsites;
	uint64_t outcome[SIM_OUTCOMES];
	uint64_t kinds[3];      /* by dupg_task_kind */
	uint64_t bytes, universal, repack, store, baseline_store;
	uint64_t rollbacks[3];  /* stage, switch, health */
	uint64_t txn_crash_rollbacks; /* rolled back by a master crash before the commit point */
	uint64_t server_down;   /* failed: every deployment server down for good */
	uint64_t cut, corrupt, crashes, recoveries[3], deleted;
	uint64_t server_bytes, each_bytes; /* the sites' own, for runs with elect regions */
	double vtime_max, vtime_sum;
};

void sim_totals_add(struct sim_totals *t, const struct sim_result *r);
/* The report's "totals"; not_attempted: sites a halt left out. */
json_object *sim_totals_json(const struct sim_totals *t, const struct sim_figures *f,
			     uint64_t not_attempted, int no_fsync);

#endif
