/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rollout.c: the run loop. Sites in a seeded order, in waves; after a wave
 * that failed too often the rollout halts. Results go to a sink, so the
 * driver knows nothing of how they are reported.
 */
#ifndef DUPG_SIM_ROLLOUT_H
#define DUPG_SIM_ROLLOUT_H

#include <stdint.h>

#include "driver/context.h"
#include "model/result.h"

struct sim_sink {
	/* A site's result, the done-th, in wave res->wave of nwaves. Non-zero stops the rollout. */
	int (*site)(void *payload, const struct sim_result *res, uint64_t done, unsigned nwaves);
	/* A wave is over. */
	void (*wave)(void *payload, const struct sim_wave_result *w);
	void *payload;
};

/* Where the rollout stopped. */
struct sim_rollout_end {
	uint64_t done;        /* sites run */
	uint64_t halted;      /* sites not attempted after a halt */
	unsigned wave, nwaves;
};

int sim_rollout(struct sim_rollout_end *end, const struct sim_ctx *ctx, const struct sim_sink *sink);
/* What the run's server and baselines measured, for the totals. */
void sim_rollout_figures(struct sim_figures *f, const struct sim_ctx *ctx);

#endif
