/* The simulator's private model: scenarios, sites, faults, results (see sim/README.md). */
#ifndef DUPG_SIM_H
#define DUPG_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dupg.h"

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

struct sim_baseline;

/* What the run shares across sites. */
struct sim_ctx {
	struct sim_scenario *sc;
	const struct sim_options *opt;
	dupg_pkgset *set;
	size_t *set_pkg;          /* pkgset index -> scenario package index */
	struct sim_baseline *base;
	char *server_dir;         /* workdir/server */
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

/* ---- build.c: packages of the scenario -------------------------------- */

/* Build every package into workdir/catalog and workdir/server; index the server set. */
int sim_build_packages(struct sim_ctx *ctx);

/* ---- baseline.c: the seed's two baselines ----------------------------- */

int sim_baseline_new(struct sim_baseline **out, const char *dir, const struct sim_scenario *sc);
void sim_baseline_free(struct sim_baseline *b);
/* Size of the universal package (every server package in one archive). */
uint64_t sim_baseline_universal(const struct sim_baseline *b);
/*
 * Size of the repacked archive for one need (scenario package indexes,
 * any order); built on first use and cached by need.
 */
int sim_baseline_repack(uint64_t *bytes, struct sim_baseline *b, const size_t *pkgs, size_t n);
/* CPU seconds spent repacking the distinct needs. */
double sim_baseline_cpu_s(const struct sim_baseline *b);
/* The same, had every site's archive been built for it (each need's CPU times its sites). */
double sim_baseline_cpu_uncached_s(const struct sim_baseline *b);
size_t sim_baseline_archives(const struct sim_baseline *b);
uint64_t sim_baseline_server_bytes(const struct sim_baseline *b);

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
