/* SPDX-License-Identifier: BSD-2-Clause */
/* A loaded scenario: its sites one by one, with the faults aimed at them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"
#include "util.h"

int sim_scenario_new(struct sim_scenario **out, const char *file)
{
	struct sim_scenario *sc = calloc(1, sizeof(*sc));
	const char *slash = strrchr(file, '/');

	*out = NULL;
	if (sc == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	sc->file = sim_strdup(file);
	sc->base = sim_strdup(slash ? slash + 1 : file);
	sc->seed = 1;
	sc->halt_threshold = 0.05;
	sc->dservers.upgrade_at_s = -1;
	if (sc->file == NULL || sc->base == NULL || sim_catalog_init(&sc->cat) != 0) {
		sim_scenario_free(sc);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	*out = sc;
	return 0;
}

static int add_event(struct sim_scenario *sc, const struct sim_fault *f)
{
	int rc = sim_grow(&sc->events, &sc->eventcap, sc->nevents + 1, sizeof(*sc->events));

	if (rc == 0)
		rc = sim_fault_copy(&sc->events[sc->nevents], f);
	if (rc == 0)
		sc->nevents++;
	return rc;
}

/* The event applies to the site: it names it or none, and the device it names is there. */
static int applies(const struct sim_fault *f, const struct sim_site *s)
{
	return (f->site == NULL || strcmp(f->site, s->id) == 0) &&
	       (f->device == NULL || sim_site_has_device(s, f->device));
}

/*
 * Events are kept once, in the scenario, and tied to a site when the site is
 * copied for its run (sim_scenario_site): an event that names no site is
 * not copied into thousands of sites. Listed sites are checked here, so that
 * an event naming what no site has is an error of the file.
 */
int sim_scenario_place(struct sim_scenario *sc, const struct sim_fault *f, const char *origin)
{
	size_t i, hits = 0;

	if (sc->recipe != NULL)
		return add_event(sc, f);
	for (i = 0; i < sc->nsites; i++) {
		const struct sim_site *s = &sc->sites[i];

		if (f->site != NULL && strcmp(f->site, s->id) != 0)
			continue;
		if (f->device != NULL && !sim_site_has_device(s, f->device)) {
			if (f->site != NULL)
				return sim_error(DUPG_ENOTFOUND, "%s: site %s has no device %s",
						 origin, s->id, f->device);
			continue;
		}
		hits++;
	}
	if (hits == 0 && f->site != NULL)
		return sim_error(DUPG_ENOTFOUND, "%s: no site %s in %s", origin, f->site, sc->file);
	if (hits == 0)
		return sim_error(DUPG_ENOTFOUND, "%s: no device %s in %s", origin,
				 f->device ? f->device : "?", sc->file);
	return add_event(sc, f);
}

int sim_scenario_add_event(struct sim_scenario *sc, const struct sim_fault *f, const char *origin)
{
	if (f->kind == SIM_FAULT_CUT && f->package != NULL && sim_catalog_find(&sc->cat, f->package) < 0)
		return sim_error(DUPG_ENOTFOUND, "%s: no package %s in %s", origin, f->package,
				 sc->file);
	return sim_scenario_place(sc, f, origin);
}

void sim_scenario_free(struct sim_scenario *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	sim_catalog_clear(&sc->cat);
	for (i = 0; i < sc->nsites; i++)
		sim_site_clear(&sc->sites[i]);
	for (i = 0; i < sc->nevents; i++)
		sim_fault_clear(&sc->events[i]);
	for (i = 0; sc->region_specs != NULL && i < sc->regions; i++)
		free(sc->region_specs[i].id);
	free(sc->region_specs);
	free(sc->fleet_regions);
	sim_recipe_free(sc->recipe);
	sim_dservers_clear(&sc->dservers);
	free(sc->events);
	free(sc->sites);
	free(sc->waves);
	free(sc->name);
	free(sc->base);
	free(sc->file);
	free(sc);
}

uint64_t sim_scenario_site_count(const struct sim_scenario *sc)
{
	return sc->recipe != NULL ? sim_recipe_count(sc->recipe) : sc->nsites;
}

int sim_scenario_site(struct sim_site *out, const struct sim_scenario *sc, uint64_t i)
{
	size_t k;
	int rc;

	if (sc->recipe != NULL)
		rc = sim_recipe_site(out, sc->recipe, i);
	else
		rc = sim_site_copy(out, &sc->sites[i]);
	if (rc != 0) {
		sim_site_clear(out);
		return rc;
	}
	/* the site picks up the scenario's and the command line's events here, sharing them */
	for (k = 0; k < sc->nevents; k++) {
		if (!applies(&sc->events[k], out))
			continue;
		if ((rc = sim_site_share_fault(out, &sc->events[k])) != 0) {
			sim_site_clear(out);
			return rc;
		}
	}
	return 0;
}
