/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * servers.c: the deployment-server cluster a scenario describes (seed 001:
 * main-control boards, each running a deployment server, all serving at
 * once), and when each server serves: a server_down event takes one out for
 * the rest of the run, the servers' own upgrade takes each out in turn for
 * its upgrade's length. Pure: the virtual clock is the caller's.
 */
#ifndef DUPG_SIM_SERVERS_H
#define DUPG_SIM_SERVERS_H

#include <stddef.h>

struct sim_dserver {
	char *id;
	char *location;      /* labels as dupg/locality.h reads them; NULL none */
	double down_at_s;    /* server_down: out from then on; < 0 never */
	double upgrade_from_s, upgrade_to_s; /* its upgrade: out in [from, to); from < 0 never */
};

struct sim_dservers {
	struct sim_dserver *v;
	size_t n, cap;
	double upgrade_at_s;   /* servers_upgrade: the first starts then; < 0 no upgrade */
	double upgrade_each_s; /* each server is out that long, one after the other */
};

void sim_dservers_clear(struct sim_dservers *c);
/* Index of the server id, or -1. */
long sim_dservers_find(const struct sim_dservers *c, const char *id);
/*
 * Lay out the servers' upgrade: in the scenario's order, one at a time from
 * upgrade_at_s, each for upgrade_each_s; a server already down when its turn
 * comes is skipped. Call once every event is known.
 */
void sim_dservers_schedule(struct sim_dservers *c);
/* Whether server i serves at time t. */
int sim_dservers_up(const struct sim_dservers *c, size_t i, double t);
/* The first time after t when server i, serving at t, stops serving; INFINITY when never. */
double sim_dservers_next_out(const struct sim_dservers *c, size_t i, double t);
/* The first time from t on when any server serves; INFINITY when none ever will again. */
double sim_dservers_next_up(const struct sim_dservers *c, double t);
/* Whether server i went through its upgrade (it was not down before its end). */
int sim_dservers_upgraded(const struct sim_dservers *c, size_t i);

#endif
