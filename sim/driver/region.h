/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * region.c: regions that elect one downloader (seed 002, dupg/region.h). Set
 * up once per run: each elect region's members (listed sites naming it, or a
 * fleet partitioned by the library's rule as its sites come online), their
 * scores, the first election. A member's fetch then goes through its region:
 * the virtual server downloads each package once over its uplink, members
 * fetch it over the region's LAN; a downloader_down fault kills the virtual
 * server and the region elects again with a higher epoch.
 */
#ifndef DUPG_SIM_REGION_H
#define DUPG_SIM_REGION_H

#include <stddef.h>
#include <stdint.h>

#include "model/result.h"
#include "model/siterun.h"
#include "scenario/scenario.h"

struct sim_regions;

/*
 * The regions of sc that elect (NULL in *out when none does: the run is as
 * without regions). Every site of the scenario is generated once to score it.
 */
int sim_regions_new(struct sim_regions **out, const struct sim_scenario *sc);
void sim_regions_free(struct sim_regions *g);

/*
 * Site r fetches package pkg (catalogue index) through its elect region: 1,
 * with r->t advanced by the time it takes (the virtual server downloads the
 * package first when it does not hold it; a downloader_down fault of the site
 * fires here, and the wait for the re-election counts); 0 when the site
 * fetches from the management server itself (no elect region, or nobody
 * alive in it): r->t is then as the caller's uplink makes it, plus any wait.
 * g may be NULL.
 */
int sim_region_fetch(struct sim_regions *g, struct site_run *r, size_t pkg);
/* "server", or the id of the node site r fetched from last (borrowed: lives as long as g). */
const char *sim_region_source(const struct sim_regions *g, const struct site_run *r);

/* The regions for the report's "regions" list, and the bytes their virtual servers downloaded. */
void sim_regions_figures(struct sim_figures *f, const struct sim_regions *g);

#endif
