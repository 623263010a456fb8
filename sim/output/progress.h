/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * progress.c: a progress bar on stderr while a fleet runs, when stderr is a
 * terminal, with the time spent and, once enough sites are done, the time left.
 */
#ifndef DUPG_SIM_PROGRESS_H
#define DUPG_SIM_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

struct sim_progress {
	int on;
	double start;         /* when the run began (sim_clock_s) */
	double last;          /* when the bar was last drawn */
	uint64_t total;
};

/* Sites done before the time left is estimated: SIM_PROGRESS_ETA_MIN, or 5% of the run. */
#define SIM_PROGRESS_ETA_MIN 20

/* Seconds on the monotonic clock. */
double sim_clock_s(void);
/*
 * The bar's text for done of total sites after elapsed_s seconds, into buf
 * (n bytes, always NUL-terminated, cut to fit):
 * "[####....] 120/1000 sites  12s  ETA 1m28s"; the ETA once enough sites are
 * done (above) and the run is not over, "done in 1m40s" when it is. Pure.
 */
void sim_progress_format(char *buf, size_t n, uint64_t done, uint64_t total, double elapsed_s);
/* A duration as the bar says it: "8.5s", "42s", "3m07s", "2h05m". Pure. */
void sim_progress_duration(char *buf, size_t n, double s);
/* Draw at most every 0.2 s; force draws and ends the line. */
void sim_progress_show(struct sim_progress *p, uint64_t done, unsigned wave, unsigned nwaves,
		       int force);

#endif
