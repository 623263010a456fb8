/* The simulator's private model: scenarios, sites, faults, results (see sim/README.md). */
#ifndef DUPG_SIM_H
#define DUPG_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dupg.h"

#include "names.h"
#include "util.h"

/* ---- scenario.c: the scenario file ------------------------------------ */

/* A package the scenario describes; built into the work directory. */
struct sim_pkg {
	char *name;
	char *version;
	char **hw;
	size_t hw_count;
	uint64_t payload_bytes;  /* total payload, split over `files` files */
	unsigned files;
	int on_server;           /* in the management server's package set */
	int corrupt;             /* the server's copy is damaged: 1 by the scenario, 2 by --corrupt */
	/* filled in by the build */
	char *base;              /* file name in stores: NAME.tar.gz */
	char *file;              /* absolute path of the good copy */
	uint64_t size;           /* archive bytes */
	long set_index;          /* index in the server's dupg_pkgset, -1 when not there */
};

struct sim_fault {
	enum sim_fault_kind kind;
	char *site;        /* NULL: every site (CLI --fail DEVICE:kind) */
	char *device;      /* stage/switch/health; NULL: a random device of the plan */
	char *package;     /* cut: package name; NULL: a random package of the task */
	double fraction;   /* cut: share of the package transferred before the cut */
	dupg_apply_step step; /* crash: where the master stops */
	const char *origin;/* "scenario", "--fail", "random" (static) */
};

struct sim_dev {
	char *id;
	char *hw;
	char *version;
	char *parent;        /* NULL for the master */
	enum sim_role role;
	uint32_t duration_s; /* expected upgrade (staging) duration */
	double link_mbps;    /* link to the parent (the master: uplink to the server) */
	double latency_ms;
	double switch_s;     /* time to reboot into the other slot */
	double health_s;     /* time of the health check after switching */
};

struct sim_site {
	char *id;
	char *region;        /* reserved: regions that elect a downloader */
	double uplink_mbps;  /* management server to master */
	struct sim_dev *devs;
	size_t ndev, devcap;
	size_t *store;       /* package indexes of the store's list, in list order */
	size_t nstore, storecap;
	struct sim_fault *faults;
	size_t nfaults, faultcap;
	uint64_t index;      /* position in the fleet */
};
void sim_site_clear(struct sim_site *s);
int sim_site_add_fault(struct sim_site *s, const struct sim_fault *f);

/* Timing defaults per role (seconds) and link defaults. */
struct sim_timing {
	double duration_s[3];
	double switch_s[3];
	double health_s[3];
	double link_mbps[3];
	double latency_ms;
	double uplink_mbps;
};

/* Per-site probability of each fault kind, drawn with the run seed. */
struct sim_rates {
	double p[SIM_FAULT_KINDS];
};

struct sim_recipe;

struct sim_scenario {
	char *file;           /* as given on the command line */
	char *base;           /* file name without directories: the report names it so */
	char *name;
	uint64_t seed;        /* the run seed (--seed, else the file's "seed", else 1) */
	int has_seed;
	struct sim_pkg *pkgs;
	size_t npkg, pkgcap;
	sim_map *pkg_by_name;
	struct sim_site *sites; /* listed sites */
	size_t nsites, sitecap;
	struct sim_recipe *recipe; /* or a generated fleet */
	struct sim_fault *events; /* scenario and CLI faults not yet tied to a listed site */
	size_t nevents, eventcap;
	struct sim_timing timing;
	struct sim_rates rates;
	double *waves;        /* cumulative fractions, the last is 1 */
	size_t nwaves;
	double halt_threshold;
	size_t regions;       /* reserved keys: counted, validated, not simulated */
	size_t deployment_servers;
};

/* Load and validate a scenario file; errors name the file and the problem. */
int sim_scenario_load(struct sim_scenario **out, const char *file);
void sim_scenario_free(struct sim_scenario *sc);
/* Number of sites of the fleet. */
uint64_t sim_scenario_site_count(const struct sim_scenario *sc);
/*
 * Site i of the fleet, with the events that target it: a copy the caller
 * clears with sim_site_clear(). Listed sites are copied; recipe sites are
 * generated from the recipe seed and i alone.
 */
int sim_scenario_site(struct sim_site *out, const struct sim_scenario *sc, uint64_t i);
/*
 * Add a fault for every site or a named one (CLI --fail); checks names where
 * it can. origin starts error messages ("--fail HUB9:switch").
 */
int sim_scenario_add_event(struct sim_scenario *sc, const struct sim_fault *f, const char *origin);
/* Build a checked topology of a site; origin names the file and site in errors. */
int sim_site_topology(dupg_topology **out, const struct sim_site *s, const char *origin);
/* Register a package description (copies strings); *index receives its index. */
int sim_scenario_add_pkg(struct sim_scenario *sc, const struct sim_pkg *p, size_t *index);
long sim_scenario_find_pkg(const struct sim_scenario *sc, const char *name);
/* Index of a listed site, or -1. */
long sim_scenario_find_site(const struct sim_scenario *sc, const char *id);

/* ---- fleet.c: seeded fleet recipes ------------------------------------ */

/* Parse the "fleet" object of a scenario, generating its package descriptions. */
int sim_recipe_parse(struct sim_scenario *sc, struct json_object *fleet);
void sim_recipe_free(struct sim_recipe *r);
uint64_t sim_recipe_count(const struct sim_recipe *r);
void sim_recipe_set_count(struct sim_recipe *r, uint64_t n);
int sim_recipe_site(struct sim_site *out, const struct sim_scenario *sc, uint64_t i);

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
