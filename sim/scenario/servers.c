/* SPDX-License-Identifier: BSD-2-Clause */
/* The deployment-server cluster of a scenario: when each server serves. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/servers.h"

void sim_dservers_clear(struct sim_dservers *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].location);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
	c->upgrade_at_s = -1;
}

long sim_dservers_find(const struct sim_dservers *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].id, id) == 0)
			return (long)i;
	return -1;
}

void sim_dservers_schedule(struct sim_dservers *c)
{
	double t = c->upgrade_at_s;
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct sim_dserver *s = &c->v[i];

		s->upgrade_from_s = s->upgrade_to_s = -1;
		if (c->upgrade_at_s < 0 || (s->down_at_s >= 0 && s->down_at_s <= t))
			continue;
		s->upgrade_from_s = t;
		s->upgrade_to_s = t + c->upgrade_each_s;
		t = s->upgrade_to_s;
	}
}

int sim_dservers_up(const struct sim_dservers *c, size_t i, double t)
{
	const struct sim_dserver *s = &c->v[i];

	if (s->down_at_s >= 0 && t >= s->down_at_s)
		return 0;
	return !(s->upgrade_from_s >= 0 && t >= s->upgrade_from_s && t < s->upgrade_to_s);
}

double sim_dservers_next_out(const struct sim_dservers *c, size_t i, double t)
{
	const struct sim_dserver *s = &c->v[i];
	double out = INFINITY;

	if (s->down_at_s > t)
		out = s->down_at_s;
	if (s->upgrade_from_s > t && s->upgrade_from_s < out)
		out = s->upgrade_from_s;
	return out;
}

double sim_dservers_next_up(const struct sim_dservers *c, double t)
{
	double best = INFINITY;
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct sim_dserver *s = &c->v[i];

		if (sim_dservers_up(c, i, t))
			return t;
		/* out for its upgrade: back at its end, unless it goes down before */
		if (s->upgrade_from_s >= 0 && t < s->upgrade_to_s && sim_dservers_up(c, i, s->upgrade_to_s) &&
		    s->upgrade_to_s < best)
			best = s->upgrade_to_s;
	}
	return best;
}

int sim_dservers_upgraded(const struct sim_dservers *c, size_t i)
{
	const struct sim_dserver *s = &c->v[i];

	return s->upgrade_from_s >= 0 && (s->down_at_s < 0 || s->down_at_s >= s->upgrade_to_s);
}
