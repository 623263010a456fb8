/* SPDX-License-Identifier: BSD-2-Clause */
/* progress.c: a progress bar on stderr while a fleet runs, when stderr is a terminal. */
#ifndef DUPG_SIM_PROGRESS_H
#define DUPG_SIM_PROGRESS_H

#include <stdint.h>

struct sim_progress {
	int on;
	double last;          /* when the bar was last drawn */
	uint64_t total;
};

/* Seconds on the monotonic clock. */
double sim_clock_s(void);
/* Draw at most every 0.2 s; force draws and ends the line. */
void sim_progress_show(struct sim_progress *p, uint64_t done, unsigned wave, unsigned nwaves,
		       int force);

#endif
