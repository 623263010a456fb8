/* SPDX-License-Identifier: BSD-2-Clause */
/* A progress bar on stderr while a fleet runs. */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include "output/progress.h"

double sim_clock_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sim_progress_show(struct sim_progress *p, uint64_t done, unsigned wave, unsigned nwaves,
		       int force)
{
	char bar[41];
	double t;
	int i, fill;

	if (!p->on)
		return;
	t = sim_clock_s();
	if (!force && t - p->last < 0.2)
		return;
	p->last = t;
	fill = p->total ? (int)(40 * done / p->total) : 40;
	for (i = 0; i < 40; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[40] = '\0';
	fprintf(stderr, "\r  wave %u/%u [%s] %llu/%llu sites", wave, nwaves, bar,
		(unsigned long long)done, (unsigned long long)p->total);
	if (force)
		fputc('\n', stderr);
}
