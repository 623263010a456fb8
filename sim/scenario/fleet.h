/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fleet.c: seeded fleet recipes. A recipe generates site i from its seed and
 * i alone, and adds the packages of its generations to the catalogue.
 */
#ifndef DUPG_SIM_FLEET_H
#define DUPG_SIM_FLEET_H

#include <json-c/json.h>
#include <stdint.h>

#include "scenario/catalog.h"
#include "scenario/site.h"

struct sim_recipe;

/*
 * Parse a scenario's "fleet" object into *out; its packages go into cat. The
 * devices it generates take their defaults from tm (copied); the recipe's
 * seed defaults to default_seed; file names the scenario in errors.
 */
int sim_recipe_parse(struct sim_recipe **out, struct sim_catalog *cat, const struct sim_timing *tm,
		     const char *file, uint64_t default_seed, json_object *fleet);
void sim_recipe_free(struct sim_recipe *r);
uint64_t sim_recipe_count(const struct sim_recipe *r);
/* Generate only the first n sites (--sites). */
void sim_recipe_set_count(struct sim_recipe *r, uint64_t n);
/* Site i of the fleet, without events; the caller clears it with sim_site_clear(), even on error. */
int sim_recipe_site(struct sim_site *out, const struct sim_recipe *r, uint64_t i);

#endif
