/* SPDX-License-Identifier: BSD-2-Clause */
/* dot.c: Graphviz DOT of one site on stdout. */
#ifndef DUPG_SIM_DOT_H
#define DUPG_SIM_DOT_H

#include <json-c/json.h>

#include "scenario/site.h"

/* A site entry of a report, devices coloured by state; file names the report in errors. */
int sim_dot_report_site(json_object *site, const char *file);
/*
 * One elect region of a report (its "regions" entry and the document's
 * "sites"): the management server, the virtual server elected at the end
 * (double octagon, green), earlier ones that went down (grey), and an edge
 * from where each member fetched, labelled with the site's bytes.
 */
int sim_dot_report_region(json_object *report, const char *region, const char *file);
/* A site as a scenario describes it, links labelled with their bandwidth. */
void sim_dot_site(const struct sim_site *s);

#endif
