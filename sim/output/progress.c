/* SPDX-License-Identifier: BSD-2-Clause */
/* A progress bar on stderr while a fleet runs, with the time left. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output/progress.h"

#define BAR 40

double sim_clock_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void sim_progress_duration(char *buf, size_t n, double s)
{
	unsigned long long t;

	if (n == 0)
		return;
	if (!(s >= 0))
		s = 0;
	if (s < 9.95) {
		snprintf(buf, n, "%.1fs", s);
		return;
	}
	t = (unsigned long long)(s + 0.5);
	if (t < 60)
		snprintf(buf, n, "%llus", t);
	else if (t < 3600)
		snprintf(buf, n, "%llum%02llus", t / 60, t % 60);
	else
		snprintf(buf, n, "%lluh%02llum", t / 3600, t % 3600 / 60);
}

void sim_progress_format(char *buf, size_t n, uint64_t done, uint64_t total, double elapsed_s)
{
	char bar[BAR + 1], spent[32], left[32];
	int i, fill;

	if (n == 0)
		return;
	if (done > total)
		done = total;
	fill = total ? (int)((double)BAR * (double)done / (double)total) : BAR;
	for (i = 0; i < BAR; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR] = '\0';
	sim_progress_duration(spent, sizeof(spent), elapsed_s);
	if (done == total) {
		snprintf(buf, n, "[%s] %llu/%llu sites  done in %s", bar, (unsigned long long)done,
			 (unsigned long long)total, spent);
		return;
	}
	/* a few sites say little of the rate: the first ones also pay for warm caches */
	if (done >= SIM_PROGRESS_ETA_MIN || (done > 0 && done * 20 >= total)) {
		sim_progress_duration(left, sizeof(left),
				      elapsed_s * (double)(total - done) / (double)done);
		snprintf(buf, n, "[%s] %llu/%llu sites  %s  ETA %s", bar, (unsigned long long)done,
			 (unsigned long long)total, spent, left);
		return;
	}
	snprintf(buf, n, "[%s] %llu/%llu sites  %s", bar, (unsigned long long)done,
		 (unsigned long long)total, spent);
}

void sim_progress_show(struct sim_progress *p, uint64_t done, unsigned wave, unsigned nwaves,
		       int force)
{
	char line[160];
	double t;

	if (!p->on)
		return;
	t = sim_clock_s();
	if (!force && t - p->last < 0.2)
		return;
	p->last = t;
	sim_progress_format(line, sizeof(line), done, p->total, t - p->start);
	if (force && done < p->total) {
		/* a halted rollout: what is left will not run, so no time left either */
		char *eta = strstr(line, "  ETA ");
		size_t len = eta != NULL ? (size_t)(eta - line) : strlen(line);
		snprintf(line + len, sizeof(line) - len, "  stopped");
	}
	/* the line shrinks as the ETA goes: clear to its end */
	fprintf(stderr, "\r  wave %u/%u %s\033[K", wave, nwaves, line);
	if (force)
		fputc('\n', stderr);
}
