/* site_json.c: a site's entry in the report, written from its result alone. */
#ifndef DUPG_SIM_SITE_JSON_H
#define DUPG_SIM_SITE_JSON_H

#include <json-c/json.h>

#include "model/result.h"

/* The entry (caller releases it with json_object_put()), or NULL when out of memory. */
json_object *sim_site_json(const struct sim_result *r);

#endif
