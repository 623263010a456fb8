/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cluster.c: `dupg-sim run --serve`: real dupg-server processes on
 * 127.0.0.1, one per deployment server of the scenario (one, "server", when
 * it has none), each with its own port, SQLite database and package
 * directory (hard links to the run's server set). server_down kills a
 * process with SIGKILL; a site whose virtual clock starts before that time
 * finds it started again (same database, a new port). Every process is
 * stopped at the end, and on exit or SIGINT/SIGTERM/SIGHUP as well; each
 * child also dies with dupg-sim (PR_SET_PDEATHSIG).
 */
#ifndef DUPG_SIM_CLUSTER_H
#define DUPG_SIM_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scenario/servers.h"

/* One dupg-server of the run. */
struct sim_srv {
	const char *id;        /* the deployment server's id (borrowed), or "server" */
	const char *location;  /* its labels (borrowed), NULL none */
	char *dir;             /* WORKDIR/serve/ID: packages/, dupg.db, server.log */
	char *url;             /* http://127.0.0.1:PORT of the running process */
	int port;
	pid_t pid;             /* 0 when not running */
	int out_fd;            /* its stdout (the "listening on" line), -1 when closed */
	uint64_t starts, kills;
	uint64_t bytes_served; /* dupg_package_bytes_served_total over every process */
	uint64_t requests;     /* dupg_http_requests_total over every process */
};

struct sim_cluster {
	struct sim_srv *v;
	size_t n;
	char *bin;             /* the dupg-server program */
	char *trust_dir;       /* --trust DIR for every server, NULL none */
};

/*
 * Where dupg-server is: opt (--server-bin), else $DUPG_SERVER, else beside
 * this program (its directory, ../server/ of a build tree, or the parent of
 * libtool's .libs/). *out is the caller's; an error names what was tried.
 */
int sim_cluster_find_bin(char **out, const char *opt);
/*
 * Start the servers: one per deployment server of c (one when c has none),
 * each serving the files of server_dir; with trust_dir, each refuses
 * packages not signed under it. *out is the caller's (sim_cluster_free).
 */
int sim_cluster_start(struct sim_cluster **out, const char *bin, const struct sim_dservers *c,
		      const char *server_dir, const char *workdir, const char *trust_dir);
/*
 * --serve for a run set up in ctx: find the program (ctx->opt->server_bin),
 * start the servers on ctx->server's files (and WORKDIR/trust with --trust)
 * into ctx->cluster.
 */
struct sim_ctx;
int sim_cluster_up(struct sim_ctx *ctx);
/* Whether server i runs. */
int sim_cluster_alive(const struct sim_cluster *cl, size_t i);
/* server_down: SIGKILL server i (its metrics read first). 0 or an error. */
int sim_cluster_kill(struct sim_cluster *cl, size_t i);
/* Start server i again after a kill: the same database and packages, a new port. */
int sim_cluster_restart(struct sim_cluster *cl, size_t i);
/* Read every running server's metrics into its totals, then stop it (before the report's end). */
int sim_cluster_collect(struct sim_cluster *cl);
/* The report's "serve" object as JSON text; the caller frees it. NULL when out of memory. */
char *sim_cluster_json(const struct sim_cluster *cl);
/* Stop every server (SIGTERM, then SIGKILL after 5 s) and free; NULL is fine. */
void sim_cluster_free(struct sim_cluster *cl);

/*
 * A request to server i: METHOD path with an optional bearer token and
 * JSON body; *code receives the HTTP status and *body (the caller's) the
 * answer. 0, or DUPG_ENETWORK when no answer came (message names the URL).
 */
int sim_cluster_request(const struct sim_cluster *cl, size_t i, const char *method,
			const char *path, const char *token, const char *json, long *code,
			char **body);

#endif
