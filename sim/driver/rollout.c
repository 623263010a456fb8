/* The run loop: every site of the scenario through the flow, in waves, halting on failures. */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "driver/flow.h"
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

int sim_rollout(struct sim_rollout_end *end, const struct sim_ctx *ctx, const struct sim_sink *sink)
{
	const struct sim_scenario *sc = ctx->sc;
	static const double default_waves[] = { 0.01, 0.1, 1 };
	static const double one[] = { 1 };
	const double *waves = sc->waves;
	uint64_t n = sim_scenario_site_count(sc), *order, pos = 0;
	size_t nwaves = sc->nwaves, w;
	int rc = 0;

	if (waves == NULL) {
		waves = n > 1 ? default_waves : one;
		nwaves = n > 1 ? 3 : 1;
	}
	order = site_order(n, sc->seed);
	if (order == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	end->halted = 0;
	for (w = 0; w < nwaves && rc == 0; w++) {
		uint64_t stop = (uint64_t)ceil(waves[w] * (double)n);
		struct sim_wave_result wr = { (unsigned)w + 1, 0, 0, 0, 0 };

		if (w + 1 == nwaves || stop > n)
			stop = n;
		if ((rc = run_wave(ctx, sink, order, &pos, stop, (unsigned)nwaves, &wr)) != 0)
			break;
		/* an operator stops a rollout whose wave fails too often; the last wave has no after */
		wr.halted_after = w + 1 < nwaves && wr.attempted > 0 &&
				  (double)wr.failures / (double)wr.attempted > sc->halt_threshold;
		sink->wave(sink->payload, &wr);
		if (wr.halted_after) {
			end->halted = n - pos;
			break;
		}
	}
	end->done = pos;
	end->wave = (unsigned)(w < nwaves ? w + 1 : nwaves);
	end->nwaves = (unsigned)nwaves;
	free(order);
	return rc;
}

void sim_rollout_figures(struct sim_figures *f, const struct sim_ctx *ctx)
{
	f->server_store_bytes = sim_server_bytes(&ctx->sc->cat);
	f->universal_bytes = sim_baseline_universal(ctx->base);
	f->repack_server_bytes = sim_baseline_server_bytes(ctx->base);
	f->repack_archives = sim_baseline_archives(ctx->base);
	f->repack_cpu_s = sim_baseline_cpu_s(ctx->base);
	f->repack_cpu_uncached_s = sim_baseline_cpu_uncached_s(ctx->base);
}
