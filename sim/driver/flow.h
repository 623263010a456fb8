/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * flow.c: one site, end to end, through the library: collect and merge,
 * match on the server, download and verify (fetch.c), update the store
 * (store.c), plan, run the devices (model/devices.c), roll back or check.
 */
#ifndef DUPG_SIM_FLOW_H
#define DUPG_SIM_FLOW_H

#include "driver/context.h"
#include "model/result.h"
#include "scenario/site.h"

/*
 * Run one site of wave through the whole flow into *res, which borrows
 * strings from site and the scenario: clear it with sim_result_clear()
 * before them. 0 or a negative error (then *res is empty); rollbacks and
 * failures are outcomes, not errors.
 */
int sim_site_run(struct sim_result *res, const struct sim_ctx *ctx, struct sim_site *site,
		 unsigned wave);

#endif
