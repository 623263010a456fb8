/* SPDX-License-Identifier: BSD-2-Clause */
/* What a run shares across its sites: the scenario, the options, the server, the baselines. */
#ifndef DUPG_SIM_CONTEXT_H
#define DUPG_SIM_CONTEXT_H

#include "model/baseline.h"
#include "model/server.h"
#include "scenario/scenario.h"

struct sim_options {
	const char *workdir;
	int keep;          /* keep the work directory (and every site's store) */
	int no_fsync;
	int link;          /* downloads hard-link the server's file instead of copying it */
	int trust;         /* the catalogue is signed; every verification requires the signature */
	int serve;         /* real dupg-server processes over HTTP (driver/cluster.c, driver/http.c) */
	const char *server_bin; /* --server-bin, NULL to look beside dupg-sim */
};

struct sim_cluster;

struct sim_ctx {
	const struct sim_scenario *sc;
	const struct sim_options *opt;
	struct sim_server server;
	struct sim_baseline *base;
	char *sites_dir;          /* workdir/sites */
	dupg_trust *trust;        /* with --trust: the run's one key, that signed the catalogue */
	struct sim_regions *regions; /* elect regions (driver/region.c), NULL when none */
	struct sim_cluster *cluster; /* --serve: the dupg-server processes, NULL otherwise */
};

#endif
