/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fetch.c: a site's download from the management server into the master's
 * store, on the virtual clock, and the verification of what came down. With
 * deployment servers, the bytes come from the nearest one that serves
 * (dupg_locality_rank on the locations), failing over and resuming.
 */
#ifndef DUPG_SIM_FETCH_H
#define DUPG_SIM_FETCH_H

#include "driver/context.h"
#include "model/siterun.h"

/*
 * Download r->task's packages the store lacks, then verify them. 0 to go on,
 * 1 when the site failed (cut off or corrupt: r->cause says which, nothing
 * of the task stays in the store), or a negative error.
 */
int site_fetch(struct site_run *r, const struct sim_ctx *ctx);

#endif
