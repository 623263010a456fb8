/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * site_json.c: a site's entry in the report, written from its result alone,
 * its devices one at a time.
 */
#ifndef DUPG_SIM_SITE_JSON_H
#define DUPG_SIM_SITE_JSON_H

#include <stdio.h>

#include "model/result.h"

/*
 * Why fault i of r did not fire, into buf (n bytes, cut to fit): "device RRU1
 * has nothing to install ...". NULL when it fired (buf untouched).
 */
const char *sim_fault_why(char *buf, size_t n, const struct sim_result *r, size_t i);
/* Fault i of r in a few words: "health on RRU1 (--fail)", "master_crash at delete (--crash)". */
void sim_fault_describe(char *buf, size_t n, const struct sim_result *r, size_t i);

/* Write the entry, one line without its newline; *failed set when a write failed. 0 or DUPG_ENOMEM. */
int sim_site_json_write(FILE *out, const struct sim_result *r, int *failed);

#endif
