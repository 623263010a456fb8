/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * load_site.c: the entries of a scenario file that load.c hands on: a site
 * (devices, store, its own events) and an event. Errors name file, place, key.
 */
#ifndef DUPG_SIM_LOAD_SITE_H
#define DUPG_SIM_LOAD_SITE_H

#include <json-c/json.h>
#include <stddef.h>

#include "scenario/fields.h"
#include "scenario/scenario.h"
#include "util.h"

/* Site entry index (ids: the site ids seen so far); p->where is rewritten. */
int sim_load_site(struct sim_scenario *sc, struct sim_pctx *p, json_object *o, size_t index,
		  sim_map *ids);
/* An event entry; site_id when it sits in a site's own "events", else NULL. */
int sim_load_event(struct sim_scenario *sc, struct sim_pctx *p, json_object *o,
		   const char *site_id);

#endif
