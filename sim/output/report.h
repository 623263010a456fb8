/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * report.c: the run's report. The JSON document is streamed site by site (a
 * 100,000-site run never holds its sites in memory), written beside its file
 * and renamed at the end; the totals close it, and the table goes to stderr.
 */
#ifndef DUPG_SIM_REPORT_H
#define DUPG_SIM_REPORT_H

#include <stdint.h>

#include "model/result.h"

struct sim_report;

/* To file, or stdout when NULL; head is copied (its strings must outlive the report). */
int sim_report_open(struct sim_report **out, const char *file, const struct sim_run_head *head);
int sim_report_site(struct sim_report *r, const struct sim_result *res);
void sim_report_wave(struct sim_report *r, const struct sim_wave_result *w);
/* The totals and measurements, then the file renamed into place; the table unless quiet. */
int sim_report_close(struct sim_report *r, const struct sim_figures *f, uint64_t halted_sites,
		     double wall_s, int quiet);
void sim_report_free(struct sim_report *r);

#endif
