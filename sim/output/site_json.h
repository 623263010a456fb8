/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * site_json.c: a site's entry in the report, written from its result alone,
 * its devices one at a time.
 */
#ifndef DUPG_SIM_SITE_JSON_H
#define DUPG_SIM_SITE_JSON_H

#include <stdio.h>

#include "model/result.h"

/* Write the entry, one line without its newline; *failed set when a write failed. 0 or DUPG_ENOMEM. */
int sim_site_json_write(FILE *out, const struct sim_result *r, int *failed);

#endif
