/* The simulator's private model: scenarios, sites, faults, results (see sim/README.md). */
#ifndef DUPG_SIM_H
#define DUPG_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dupg.h"

#include "model/baseline.h"
#include "model/server.h"
#include "names.h"
#include "scenario/load.h"
#include "scenario/scenario.h"
#include "util.h"

/* ---- engine.c: one site, end to end ----------------------------------- */

struct sim_options {
	const char *workdir;
	int keep;          /* keep the work directory (and every site's store) */
	int no_fsync;
	int link;          /* downloads hard-link the server's file instead of copying it */
};

/* What the run shares across sites. */
struct sim_ctx {
	struct sim_scenario *sc;
	const struct sim_options *opt;
	struct sim_server server;
	struct sim_baseline *base;
	char *sites_dir;          /* workdir/sites */
};

/* Per-site totals the report adds up. */
struct sim_site_sum {
	enum sim_outcome outcome;
	dupg_task_kind kind;
	uint64_t bytes_downloaded;
	uint64_t universal_bytes;
	uint64_t repack_bytes;
	uint64_t store_bytes;
	uint64_t baseline_store_bytes;
	size_t deleted;
	double vtime;
	int cause;                /* enum sim_fault_kind, or -1 */
	int corrupt;              /* failed on a corrupt server package */
	int crashed;
	int recovery;             /* dupg_recover_action when crashed */
};

/*
 * Run one site through the whole flow. *json receives the site's report
 * object (caller releases it with json_object_put()).
 */
int sim_site_run(struct json_object **json, struct sim_site_sum *sum, struct sim_ctx *ctx,
		 struct sim_site *site, unsigned wave);

/* ---- report.c: totals, table, JSON stream ----------------------------- */

struct sim_report;
int sim_report_open(struct sim_report **out, const char *file, const struct sim_scenario *sc,
		    const struct sim_options *opt);
int sim_report_site(struct sim_report *r, struct json_object *site, const struct sim_site_sum *sum,
		    const char *site_id);
/* One wave done: its sites, those that tried to upgrade, those that rolled back or failed. */
void sim_report_wave(struct sim_report *r, unsigned wave, uint64_t sites, uint64_t attempted,
		     uint64_t failures, int halted);
int sim_report_close(struct sim_report *r, struct sim_ctx *ctx, uint64_t halted_sites,
		     double wall_s, int quiet);
void sim_report_free(struct sim_report *r);

/* Format a double with a fixed number of decimals as a JSON number object. */
struct json_object *sim_json_num(double v, int decimals);

#endif
