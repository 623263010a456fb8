/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * http.c: a site's master against the real dupg-server processes of
 * `dupg-sim run --serve` (driver/cluster.c): it registers with the nearest
 * server that serves, posts its description, gets its task (which must be
 * the task the simulator matched), downloads each package with dupg/fetch.h
 * (the library's ranking by location, failover and resume), and posts its
 * status at the end. The virtual clock decides, as without --serve, which
 * server serves each piece of a download and where it stops; the real
 * transfers follow it: a piece that ends because its server goes down is
 * cancelled at its byte count and that server killed, so the next attempt
 * fails over and resumes for real.
 */
#ifndef DUPG_SIM_HTTP_H
#define DUPG_SIM_HTTP_H

#include "driver/context.h"
#include "model/siterun.h"

/* Register, describe, compare the server's task with r->task. 0 or an error. */
int sim_http_begin(struct site_run *r, const struct sim_ctx *ctx);
/*
 * Download package p of r's task into its store over HTTP, following the
 * pieces r->served holds from first_piece on (none without deployment
 * servers). how is "done" (the whole package), "cut" (the connection drops
 * after cut_bytes; the next attempt resumes it, then the site's download is
 * dropped as the fault says) or "no_server" (every server down: the last
 * attempt fails, nothing stays). 0; 1 when every server served a package
 * that failed verification (the message is kept for sim_http_refusal); or
 * a negative error.
 */
int sim_http_fetch(struct site_run *r, const struct sim_ctx *ctx, const struct sim_pkg *p,
		   size_t first_piece, const char *how, uint64_t cut_bytes);
/* The first verification failure of sim_http_fetch, or NULL. */
const char *sim_http_refusal(const struct site_run *r);
/* Post the site's state ("upgraded", "rolled_back", "failed") and detail. 0 or an error. */
int sim_http_status(struct site_run *r, const struct sim_ctx *ctx, const char *state,
		    const char *detail);
/* The report's "http" object as JSON text (the caller's), and r's HTTP state freed. */
char *sim_http_end(struct site_run *r);

#endif
