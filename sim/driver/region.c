/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regions that elect one downloader, on the virtual clock: the partition, the
 * scores and every election are the library's (dupg/region.h); this file
 * keeps what the simulator needs around them (who is down, what the virtual
 * server holds, the bytes).
 *
 * Time: sites run one after another, each on its own clock from 0, as if the
 * whole fleet ran at once. A region keeps one clock of periods: the latest
 * period any of its members reached. A downloader_down fault kills the
 * virtual server as a member fetches from it; the member waits the K periods
 * after which the others see it dead, and the election of that period
 * (dupg_region_elect(), a higher epoch) names the next one, whose store holds
 * nothing of the region's yet. A killed node stays down for the rest of the
 * run (its own site still upgrades, as a member).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/region.h"
#include "util.h"

struct member {
	char *id;
	double uplink_mbps, latency_ms;
	uint32_t score;
	int down;
};

struct region {
	const struct sim_region_spec *spec;
	char *id;
	dupg_region *r;
	const char **ids;       /* the members' ids, for the report */
	struct member *m;
	size_t n, cap;
	uint64_t period;        /* the latest period elected */
	uint64_t reelections;   /* elections that replaced a virtual server */
	uint64_t server_bytes, lan_bytes;
	unsigned char *have;    /* by catalogue package: the current virtual server holds it */
	size_t npkg;
};

struct sim_regions {
	struct region *reg;
	size_t n;
	size_t npkg;
	uint64_t nsites;
	long *site_region;      /* by site index: its elect region, -1 none */
	size_t *site_member;    /* by site index: its index among the region's members */
	const char **source;    /* by site index: where its last fetch came from, NULL "server" */
	const struct sim_catalog *cat;
	struct sim_region_figure *fig;
};

void sim_regions_free(struct sim_regions *g)
{
	size_t i, k;

	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		struct region *x = &g->reg[i];

		for (k = 0; k < x->n; k++)
			free(x->m[k].id);
		free(x->m);
		free(x->ids);
		free(x->id);
		free(x->have);
		dupg_region_free(x->r);
	}
	free(g->reg);
	free(g->site_region);
	free(g->site_member);
	free(g->source);
	free(g->fig);
	free(g);
}

/* The score of a site as its master would measure it: its uplink, its latency, seeded load. */
static int site_score(uint32_t *out, const struct sim_site *s, uint64_t seed)
{
	uint64_t rng = sim_rng_derive(seed ^ UINT64_C(0x2E610), s->index);
	dupg_node_resources res;

	res.cpu = 0.2 + 0.8 * sim_rng_unit(&rng);
	res.memory = 0.2 + 0.8 * sim_rng_unit(&rng);
	res.storage = 0.2 + 0.8 * sim_rng_unit(&rng);
	res.bandwidth_mbps = s->uplink_mbps;
	res.latency_ms = s->ndev > 0 ? s->devs[0].latency_ms : 0;
	res.loss = 0.02 * sim_rng_unit(&rng);
	if (dupg_score(out, &res, NULL) != 0)
		return sim_error(dupg_error_last_code(), "site %s: score: %s", s->id, dupg_error_last());
	return 0;
}

static int add_member(struct sim_regions *g, size_t k, const struct sim_site *s, uint32_t score)
{
	struct region *x = &g->reg[k];

	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 8;
		void *p = realloc(x->m, cap * sizeof(*x->m));

		if (p == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		x->m = p;
		x->cap = cap;
	}
	memset(&x->m[x->n], 0, sizeof(x->m[x->n]));
	if ((x->m[x->n].id = sim_strdup(s->id)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	x->m[x->n].uplink_mbps = s->uplink_mbps;
	x->m[x->n].latency_ms = s->ndev > 0 ? s->devs[0].latency_ms : 0;
	x->m[x->n].score = score;
	g->site_region[s->index] = (long)k;
	g->site_member[s->index] = x->n++;
	return 0;
}

static int region_init(struct region *x, const struct sim_region_spec *spec, const char *id,
		       uint32_t number, size_t npkg)
{
	dupg_region_options o = DUPG_REGION_OPTIONS_INIT;

	x->spec = spec;
	o.dead_after = spec->dead_after;
	x->npkg = npkg;
	if ((x->id = sim_strdup(id)) == NULL || (x->have = calloc(npkg ? npkg : 1, 1)) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	if (dupg_region_new(&x->r, number, &o) != 0)
		return sim_error(dupg_error_last_code(), "region %s: %s", id, dupg_error_last());
	return 0;
}

/* Every member that is up is heard in period p, then the region elects. */
static int elect(struct region *x, uint64_t p)
{
	dupg_elect_result res;
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!x->m[i].down && dupg_region_heard(x->r, x->m[i].id, x->m[i].score, p) != 0)
			return sim_error(dupg_error_last_code(), "region %s: %s", x->id, dupg_error_last());
	if (dupg_region_elect(&res, x->r, p) != 0)
		return sim_error(dupg_error_last_code(), "region %s: %s", x->id, dupg_error_last());
	if (res == DUPG_ELECT_FAILOVER || res == DUPG_ELECT_BETTER || res == DUPG_ELECT_NONE) {
		if (res != DUPG_ELECT_NONE)
			x->reelections++;
		/* the new virtual server holds nothing of the region's yet */
		memset(x->have, 0, x->npkg);
	}
	x->period = p;
	return 0;
}

/* Elections of every period after the region's last, up to p (bounded: p - period <= K + 1). */
static int advance(struct region *x, uint64_t p)
{
	int rc = 0;

	while (rc == 0 && x->period < p)
		rc = elect(x, x->period + 1);
	return rc;
}

static int leader_of(const struct region *x, size_t *out)
{
	const char *id = dupg_region_leader(x->r);

	*out = id == NULL ? DUPG_NONE : dupg_region_find(x->r, id);
	return *out != DUPG_NONE;
}

/* The fleet partitioned as its sites come online (site index order): dupg_partition. */
static int partition_fleet(struct sim_regions *g, const struct sim_scenario *sc)
{
	const struct sim_region_spec *spec = sc->fleet_regions;
	uint64_t m = spec->max_per_region, i;
	size_t n = (size_t)((g->nsites + m - 1) / m), k;
	char (*pool)[16] = NULL;
	const char **addr = NULL;
	dupg_partition *part = NULL;
	int rc = 0;

	if (n == 0 || n > 65536)
		return sim_error(DUPG_EINVAL, "%s: fleet: regions: %zu regions (of at most %llu sites) "
				 "is not between 1 and 65536", sc->file, n, (unsigned long long)m);
	pool = calloc(n, sizeof(*pool));
	addr = calloc(n, sizeof(*addr));
	g->reg = calloc(n, sizeof(*g->reg));
	if (pool == NULL || addr == NULL || g->reg == NULL) {
		free(pool);
		free(addr);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	g->n = n;
	/* one administratively scoped group per region: 239.192.0.0/16 */
	for (k = 0; k < n; k++) {
		snprintf(pool[k], sizeof(pool[k]), "239.192.%zu.%zu", k / 256, k % 256);
		addr[k] = pool[k];
	}
	if (dupg_partition_new(&part, (size_t)g->nsites, (size_t)m, addr, n) != 0)
		rc = sim_error(dupg_error_last_code(), "%s: fleet: regions: %s", sc->file,
			       dupg_error_last());
	for (k = 0; rc == 0 && k < n; k++) {
		char id[32];

		snprintf(id, sizeof(id), "region-%02zu", k + 1);
		rc = region_init(&g->reg[k], spec, id, (uint32_t)k, g->npkg);
	}
	for (i = 0; rc == 0 && i < g->nsites; i++) {
		struct sim_site site;
		uint32_t score = 0;
		size_t r = 0;

		if ((rc = sim_scenario_site(&site, sc, i)) == 0 && (rc = site_score(&score, &site, sc->seed)) == 0) {
			if (dupg_partition_join(&r, part, score) != 0)
				rc = sim_error(dupg_error_last_code(), "%s: fleet: regions: %s", sc->file,
					       dupg_error_last());
			else
				rc = add_member(g, r, &site, score);
		}
		sim_site_clear(&site);
	}
	dupg_partition_free(part);
	free(pool);
	free(addr);
	return rc;
}

/* Listed sites, each in the elect region it names. */
static int listed_members(struct sim_regions *g, const struct sim_scenario *sc)
{
	size_t i, k, n = 0;
	uint64_t s;
	int rc = 0;

	for (i = 0; i < sc->regions; i++)
		n += sc->region_specs[i].elect;
	if ((g->reg = calloc(n ? n : 1, sizeof(*g->reg))) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0, k = 0; rc == 0 && i < sc->regions; i++)
		if (sc->region_specs[i].elect) {
			g->n = k + 1;
			rc = region_init(&g->reg[k], &sc->region_specs[i], sc->region_specs[i].id,
					 (uint32_t)k, g->npkg);
			k++;
		}
	for (s = 0; rc == 0 && s < g->nsites; s++) {
		struct sim_site site;
		uint32_t score = 0;

		if ((rc = sim_scenario_site(&site, sc, s)) == 0 && site.region != NULL) {
			for (k = 0; k < g->n; k++)
				if (strcmp(g->reg[k].id, site.region) == 0)
					break;
			if (k < g->n && (rc = site_score(&score, &site, sc->seed)) == 0)
				rc = add_member(g, k, &site, score);
		}
		sim_site_clear(&site);
	}
	return rc;
}

int sim_regions_new(struct sim_regions **out, const struct sim_scenario *sc)
{
	struct sim_regions *g;
	size_t i, nelect = 0;
	uint64_t s;
	int rc;

	*out = NULL;
	for (i = 0; i < sc->regions; i++)
		nelect += sc->region_specs[i].elect;
	if (sc->fleet_regions != NULL && !sc->fleet_regions->elect)
		return 0;
	if (sc->fleet_regions == NULL && nelect == 0)
		return 0;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	g->cat = &sc->cat;
	g->npkg = sc->cat.npkg;
	g->nsites = sim_scenario_site_count(sc);
	g->site_region = malloc((g->nsites ? g->nsites : 1) * sizeof(*g->site_region));
	g->site_member = calloc(g->nsites ? g->nsites : 1, sizeof(*g->site_member));
	g->source = calloc(g->nsites ? g->nsites : 1, sizeof(*g->source));
	if (g->site_region == NULL || g->site_member == NULL || g->source == NULL) {
		sim_regions_free(g);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	for (s = 0; s < g->nsites; s++)
		g->site_region[s] = -1;
	rc = sc->fleet_regions != NULL ? partition_fleet(g, sc) : listed_members(g, sc);
	/* period 0: every member comes online and is heard; the first election */
	for (i = 0; rc == 0 && i < g->n; i++)
		rc = elect(&g->reg[i], 0);
	if (rc == 0 && (g->fig = calloc(g->n ? g->n : 1, sizeof(*g->fig))) == NULL)
		rc = sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; rc == 0 && i < g->n; i++) {
		struct region *x = &g->reg[i];
		size_t k;

		if ((x->ids = calloc(x->n ? x->n : 1, sizeof(*x->ids))) == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		for (k = 0; rc == 0 && k < x->n; k++)
			x->ids[k] = x->m[k].id;
	}
	if (rc != 0) {
		sim_regions_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

int sim_region_fetch(struct sim_regions *g, struct site_run *r, size_t pkg)
{
	const struct sim_pkg *p = &r->cat->pkgs[pkg];
	const struct sim_fault *down;
	struct region *x;
	size_t me, lead, fi = 0;
	uint64_t idx = r->site->index;

	if (g == NULL || idx >= g->nsites || g->site_region[idx] < 0)
		return 0;
	x = &g->reg[g->site_region[idx]];
	me = g->site_member[idx];
	if (!leader_of(x, &lead)) {
		g->source[idx] = NULL;
		return 0;
	}
	down = site_find_fault(r, SIM_FAULT_DOWNLOADER_DOWN, &fi);
	if (down != NULL && lead != me && !(fi < 64 && r->fault_fired[fi])) {
		/* the virtual server dies after fraction of the package (0: idle, before it starts) */
		uint64_t part = (uint64_t)((double)p->size * down->fraction);

		x->lan_bytes += part;
		r->bytes_downloaded += part;
		r->t += site_transfer_s(part, x->spec->lan_mbps, x->spec->lan_latency_ms);
		x->m[lead].down = 1;
		site_fired(r, fi);
		/* the others see it dead after K missed periods, and elect again */
		if (advance(x, x->period + x->spec->dead_after) != 0)
			return -1;
		r->t += (double)x->spec->dead_after * x->spec->period_s;
		if (!leader_of(x, &lead)) {
			g->source[idx] = NULL;
			return 0;
		}
	}
	if (!x->have[pkg]) {
		/* the virtual server downloads it once, over its own uplink */
		x->server_bytes += p->size;
		x->have[pkg] = 1;
		r->t += site_transfer_s(p->size, x->m[lead].uplink_mbps, x->m[lead].latency_ms);
	}
	if (lead == me) {
		g->source[idx] = NULL; /* the virtual server's own site: from the server */
		return 1;
	}
	x->lan_bytes += p->size;
	r->t += site_transfer_s(p->size, x->spec->lan_mbps, x->spec->lan_latency_ms);
	g->source[idx] = x->m[lead].id;
	return 1;
}

const char *sim_region_source(const struct sim_regions *g, const struct site_run *r)
{
	uint64_t idx = r->site->index;

	if (g == NULL || idx >= g->nsites || g->source[idx] == NULL)
		return "server";
	return g->source[idx];
}

void sim_regions_figures(struct sim_figures *f, const struct sim_regions *g)
{
	size_t i;

	f->regions = NULL;
	f->nregions = 0;
	if (g == NULL)
		return;
	for (i = 0; i < g->n; i++) {
		const struct region *x = &g->reg[i];
		struct sim_region_figure *o = &g->fig[i];

		o->id = x->id;
		o->members = x->ids;
		o->nmembers = x->n;
		o->elected = dupg_region_leader(x->r);
		o->epoch = dupg_region_epoch(x->r);
		o->reelections = x->reelections;
		o->server_bytes = x->server_bytes;
		o->lan_bytes = x->lan_bytes;
	}
	f->regions = g->fig;
	f->nregions = g->n;
}
