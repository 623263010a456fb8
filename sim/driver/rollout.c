/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The run loop: every site of the scenario through the flow, in waves, halting on
 * failures. Which sites a wave holds and when a rollout halts are the
 * library's rollout functions (dupg/rollout.h), the same the management server runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "driver/flow.h"
#include "driver/region.h"
#include "driver/rollout.h"
#include "util.h"

/* Visit sites in a seeded order: canary waves are a random sample, as operators pick them. */
static uint64_t *site_order(uint64_t n, uint64_t seed)
{
	uint64_t *order = malloc((n ? n : 1) * sizeof(*order)), i, rng = sim_rng_derive(seed, 0x3A7E);

	if (order == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		uint64_t j = sim_rng_below(&rng, i), x = order[i - 1];
		order[i - 1] = order[j];
		order[j] = x;
	}
	return order;
}

/* Sites order[*pos] up to end of wave w; tallies into *wr. */
static int run_wave(const struct sim_ctx *ctx, const struct sim_sink *sink, const uint64_t *order,
		    uint64_t *pos, uint64_t end, unsigned nwaves,
		    struct sim_wave_result *wr)
{
	int rc = 0;

	for (; *pos < end && rc == 0; (*pos)++) {
		struct sim_site site;
		struct sim_result res;

		if ((rc = sim_scenario_site(&site, ctx->sc, order[*pos])) != 0)
			break;
		rc = sim_site_run(&res, ctx, &site, wr->wave);
		if (rc == 0) {
			wr->sites++;
			wr->attempted += res.outcome != SIM_CURRENT;
			wr->failures += res.outcome == SIM_ROLLED_BACK || res.outcome == SIM_FAILED;
			rc = sink->site(sink->payload, &res, *pos + 1, nwaves);
		}
		sim_result_clear(&res);
		sim_site_clear(&site);
	}
	return rc;
}

/* The wave's tally for the library's rule: every site of it run, pending sites in later waves. */
static void wave_tallies(dupg_wave_tally *t, const dupg_rollout *plan, size_t w,
			 const struct sim_wave_result *wr, uint64_t n)
{
	size_t i, k = dupg_rollout_wave_count(plan);

	memset(t, 0, k * sizeof(*t));
	dupg_wave_tally_add(&t[w], DUPG_SITE_CURRENT, (size_t)(wr->sites - wr->attempted));
	dupg_wave_tally_add(&t[w], DUPG_SITE_UPGRADED, (size_t)(wr->attempted - wr->failures));
	dupg_wave_tally_add(&t[w], DUPG_SITE_FAILED, (size_t)wr->failures);
	for (i = w + 1; i < k; i++)
		dupg_wave_tally_add(&t[i], DUPG_SITE_PENDING, dupg_rollout_wave_size(plan, i, (size_t)n));
}

int sim_rollout(struct sim_rollout_end *end, const struct sim_ctx *ctx, const struct sim_sink *sink)
{
	const struct sim_scenario *sc = ctx->sc;
	static const double default_waves[] = { 0.01, 0.1, 1 };
	const double *waves = sc->waves;
	uint64_t n = sim_scenario_site_count(sc), *order, pos = 0;
	size_t nwaves = sc->nwaves, w = 0;
	dupg_rollout *plan = NULL;
	dupg_rollout_status st = DUPG_ROLLOUT_STATUS_INIT;
	dupg_wave_tally *tallies = NULL;
	int rc = 0;

	if (waves == NULL) {
		/* one site is one wave */
		waves = default_waves;
		nwaves = n > 1 ? 3 : 0;
	}
	/* the waves and the halting rule are the library's, as the management server's are */
	if (dupg_rollout_new(&plan, waves, nwaves, sc->halt_threshold) != 0)
		return sim_error(dupg_error_last_code(), "rollout: %s", dupg_error_last());
	nwaves = dupg_rollout_wave_count(plan);
	order = site_order(n, sc->seed);
	tallies = calloc(nwaves, sizeof(*tallies));
	if (order == NULL || tallies == NULL) {
		free(order);
		free(tallies);
		dupg_rollout_free(plan);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	end->halted = 0;
	for (w = 0; w < nwaves && rc == 0; w++) {
		uint64_t stop = dupg_rollout_wave_end(plan, w, (size_t)n);
		struct sim_wave_result wr = { (unsigned)w + 1, 0, 0, 0, 0 };

		if ((rc = run_wave(ctx, sink, order, &pos, stop, (unsigned)nwaves, &wr)) != 0)
			break;
		wave_tallies(tallies, plan, w, &wr, n);
		dupg_rollout_step(&st, plan, tallies);
		/* the last wave has no after: nobody is left to hold back */
		wr.halted_after = st.state == DUPG_ROLLOUT_HALTED && w + 1 < nwaves;
		sink->wave(sink->payload, &wr);
		if (wr.halted_after) {
			end->halted = n - pos;
			break;
		}
	}
	end->done = pos;
	end->wave = (unsigned)(w < nwaves ? w + 1 : nwaves);
	end->nwaves = (unsigned)nwaves;
	free(tallies);
	free(order);
	dupg_rollout_free(plan);
	return rc;
}

void sim_rollout_figures(struct sim_figures *f, const struct sim_ctx *ctx)
{
	memset(f, 0, sizeof(*f));
	f->server_store_bytes = sim_server_bytes(&ctx->sc->cat);
	f->universal_bytes = sim_baseline_universal(ctx->base);
	f->repack_server_bytes = sim_baseline_server_bytes(ctx->base);
	f->repack_archives = sim_baseline_archives(ctx->base);
	f->repack_cpu_s = sim_baseline_cpu_s(ctx->base);
	f->repack_cpu_uncached_s = sim_baseline_cpu_uncached_s(ctx->base);
	sim_regions_figures(f, ctx->regions);
}
