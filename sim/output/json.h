/* SPDX-License-Identifier: BSD-2-Clause */
/* json.c: the small JSON helpers the report's writers share. */
#ifndef DUPG_SIM_JSON_H
#define DUPG_SIM_JSON_H

#include <json-c/json.h>

#include "model/result.h"

/* A double with a fixed number of decimals: readable, and the same text on every run. */
json_object *sim_json_num(double v, int decimals);
/* A string, or JSON null for NULL. */
json_object *sim_json_str(const char *s);
/* An array of the list's strings. */
json_object *sim_json_strv(const struct sim_strv *l);
/* The string member key of o, or NULL when absent or not a string. */
const char *sim_json_get_str(json_object *o, const char *key);
/* o as one line of plain JSON, slashes unescaped; borrowed from o, NULL when out of memory. */
const char *sim_json_text(json_object *o);

#endif
