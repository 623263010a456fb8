/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenario.c: a scenario as the simulator holds it after load.c read its file:
 * the catalogue, listed sites or a fleet recipe, events, timing, fault rates,
 * rollout. Site i comes out with the faults that target it.
 */
#ifndef DUPG_SIM_SCENARIO_H
#define DUPG_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "scenario/catalog.h"
#include "scenario/fleet.h"
#include "scenario/servers.h"
#include "scenario/site.h"

/* Per-site probability of each fault kind, drawn with the run seed. */
struct sim_rates {
	double p[SIM_FAULT_KINDS];
};

/*
 * A region of the scenario (top-level "regions", or the fleet recipe's
 * "regions" partition): whether it elects a downloader, its LAN, its period.
 */
struct sim_region_spec {
	char *id;             /* NULL for the fleet's partition: ids are made per region */
	int elect;            /* "downloader": "elect" (else "each": every site downloads) */
	double lan_mbps;      /* members fetch from the virtual server at this rate */
	double lan_latency_ms;
	double period_s;      /* one election per period */
	uint64_t dead_after;  /* K: the virtual server is dead after K missed periods */
	uint64_t max_per_region; /* the fleet's partition only: M */
};

struct sim_scenario {
	char *file;           /* as given on the command line */
	char *base;           /* file name without directories: the report names it so */
	char *name;
	uint64_t seed;        /* the run seed (--seed, else the file's "seed", else 1) */
	struct sim_catalog cat;
	struct sim_site *sites; /* listed sites */
	size_t nsites, sitecap;
	struct sim_recipe *recipe; /* or a generated fleet */
	struct sim_fault *events; /* scenario and CLI faults not yet tied to a listed site */
	size_t nevents, eventcap;
	struct sim_timing timing;
	struct sim_rates rates;
	double *waves;        /* cumulative fractions, the last is 1 */
	size_t nwaves;
	double halt_threshold;
	size_t regions;       /* entries of "regions" */
	struct sim_region_spec *region_specs; /* the "regions" entries, in order */
	struct sim_region_spec *fleet_regions; /* the recipe's partition into regions, or NULL */
	size_t deployment_servers;
	struct sim_dservers dservers; /* server.deployment_servers, with their events */
};

/* An empty scenario of file: seed 1, halt threshold 0.05, an empty catalogue. */
int sim_scenario_new(struct sim_scenario **out, const char *file);
void sim_scenario_free(struct sim_scenario *sc);
/* Number of sites of the fleet. */
uint64_t sim_scenario_site_count(const struct sim_scenario *sc);
/*
 * Site i of the fleet, with the events that target it: a copy the caller
 * clears with sim_site_clear(). Listed sites are copied; recipe sites are
 * generated from the recipe seed and i alone.
 */
int sim_scenario_site(struct sim_site *out, const struct sim_scenario *sc, uint64_t i);
/*
 * Tie a fault to the listed sites it names, checking what can be checked:
 * the site exists, the device exists there. A recipe fleet keeps it and
 * matches it when a site is generated. origin starts error messages.
 */
int sim_scenario_place(struct sim_scenario *sc, const struct sim_fault *f, const char *origin);
/*
 * Add a fault for every site or a named one (CLI --fail); checks names where
 * it can. origin starts error messages ("--fail HUB9:switch").
 */
int sim_scenario_add_event(struct sim_scenario *sc, const struct sim_fault *f, const char *origin);

#endif
