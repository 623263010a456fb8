/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fields.c: typed getters over a scenario file's JSON; every error names the
 * file, the place and the key ("f.json: site fig3a: device HUB1: hw is missing").
 */
#ifndef DUPG_SIM_FIELDS_H
#define DUPG_SIM_FIELDS_H

#include <json-c/json.h>

#include "names.h"

struct sim_pctx {
	const char *file;
	char where[256];   /* "site fig3a: device HUB1", or empty at the top */
};

/* DUPG_EFORMAT with "FILE: WHERE: KEY WHAT". */
int sim_bad(const struct sim_pctx *p, const char *key, const char *what);
/* 0 and *out NULL when absent (or null) and not required; json_type_double accepts integers. */
int sim_get(json_object **out, const struct sim_pctx *p, json_object *o, const char *key,
	    json_type type, int required);
/* A non-empty string; *out NULL when absent and not required. */
int sim_get_str(const char **out, const struct sim_pctx *p, json_object *o, const char *key,
		int required);
/* A number in [lo, hi]; *out keeps its default when absent. */
int sim_get_num(double *out, const struct sim_pctx *p, json_object *o, const char *key, double lo,
		double hi);
/* {"bbu": N, "hub": N, "rru": N} or one number for every role. */
int sim_get_per_role(double out[SIM_ROLES], const struct sim_pctx *p, json_object *o,
		     const char *key, double lo, double hi);
/*
 * Typos are errors: a key of o (an object the scenario format knows) that is
 * not in allowed (NULL-terminated) is DUPG_EFORMAT with "FILE: WHERE: unknown
 * key "K" (allowed: a, b, c)". Top-level keys are not checked: they may stay
 * for later formats and for notes ("description").
 */
int sim_keys_check(const struct sim_pctx *p, json_object *o, const char *const *allowed);
/* Names that become file names (packages in stores, site directories): a safe alphabet. */
int sim_name_ok(const char *s);

#endif
