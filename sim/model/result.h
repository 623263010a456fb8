/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * result.c: what a site's run produced, as plain data. The report is written
 * from it, never from the run's state; strings it does not own borrow from
 * the site description and the scenario, which outlive it. Also a wave's
 * tally and the run's figures that the totals set beside the baselines.
 */
#ifndef DUPG_SIM_RESULT_H
#define DUPG_SIM_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"
#include "names.h"
#include "scenario/servers.h"

/* A list of strings it owns. */
struct sim_strv {
	char **v;
	size_t n, cap;
};

/* Append a copy of s; 0 or DUPG_ENOMEM. */
int sim_strv_push(struct sim_strv *l, const char *s);
/* Append s itself (NULL: out of memory); 0 or DUPG_ENOMEM, s freed on failure. */
int sim_strv_take(struct sim_strv *l, char *s);
void sim_strv_clear(struct sim_strv *l);

/* Why a site did not upgrade. */
struct sim_cause {
	int kind;             /* enum sim_fault_kind, -1 for none */
	int corrupt;          /* a package failed verification (reported as "corrupt") */
	const char *device;   /* NULL when no device caused it */
	const char *origin;   /* "scenario", "--fail", "random", "library", ... */
	char detail[512];     /* paths relative to the work directory */
};

struct sim_dev_result {
	const char *id, *hw, *parent, *version_before, *version_after;
	const char *package;  /* its package in the plan; NULL when the plan leaves it alone */
	enum sim_role role;
	enum sim_dev_state state;
	int has_staged;       /* in the plan and staging began: staged_s is set */
	int has_switched;     /* it switched (or upgraded): switched_s is set */
	double staged_s, switched_s;
};

struct sim_fault_result {
	enum sim_fault_kind kind;
	const char *device;   /* NULL: none named or drawn */
	const char *package;  /* cut only; NULL: none named */
	dupg_apply_step step; /* crash only */
	uint64_t write;       /* txn_crash only */
	const char *origin;
	int fired;
};

/*
 * A piece of a download from the deployment servers: bytes of one package
 * from one server, until the package was complete or the server stopped
 * serving (the next piece resumes where it stopped).
 */
struct sim_piece {
	size_t server;        /* index in the scenario's deployment servers */
	const char *server_id; /* borrowed from the scenario */
	size_t rank;          /* the server's place in the site's ranking, 0 the nearest */
	int near;             /* its dupg_nearness to the site */
	const char *package;  /* borrowed from the catalogue */
	uint64_t bytes;
	double from_s, to_s;
	const char *ended;    /* "done", "down", "upgrade", "cut", "no_server" (static) */
};

/* The pieces of a site's download and how often it failed over. */
struct sim_served {
	int on;               /* the scenario has deployment servers: the report shows them */
	struct sim_piece *v;
	size_t n, cap;
	uint64_t failovers;   /* pieces that ended because their server stopped serving */
};

/* The site's transaction, reported when a txn_crash fault aimed at it. */
struct sim_txn_result {
	int reported;
	uint64_t journal_writes;   /* over the run, the resumed instance's included */
	uint64_t crash_at;         /* the write the master crashed after */
	int resumed;               /* how the resumed transaction ended (dupg_txn_outcome), -1 no crash */
};

struct sim_result {
	const char *site;
	unsigned wave;
	enum sim_outcome outcome;
	dupg_task_kind kind;
	struct sim_strv task;        /* server paths of the task */
	uint64_t bytes_downloaded;   /* over the uplink, a cut download's partial bytes included */
	struct sim_strv downloaded;  /* packages that entered the store */
	struct sim_strv deleted;     /* that left it: the prune's, then the rollback's */
	double virtual_time_s;
	struct sim_cause cause;
	struct {
		double download_s, staged_s, switched_s, done_s, rollback_s;
	} timeline;
	struct sim_txn_result txn;
	int crashed;                 /* the master crashed during the store update */
	dupg_apply_step crash_step;
	dupg_recover_report recovery;
	struct {
		struct sim_strv list, rollback;  /* package names, as the lists say after the run */
		int consistent;
		char problem[512];               /* when not consistent */
		uint64_t bytes;                  /* what the lists keep */
		uint64_t baseline_bytes;         /* keeping every task's package */
	} store;
	struct sim_fault_result *faults;
	size_t nfaults;
	struct sim_dev_result *devs;
	size_t ndev;
	int current_after;           /* matched again after an upgrade: 1 current, 0 not, -1 not asked */
	const char *source;          /* elect regions only: "server" or the node it fetched from */
	uint64_t server_bytes;       /* what it took from the management server itself */
	uint64_t each_bytes;         /* what it would have taken had it downloaded its own task */
	struct sim_served served;    /* with deployment servers: who served what */
	uint64_t universal_bytes;    /* what the baselines move for the same need */
	uint64_t repack_bytes;
	char *http;                  /* --serve: the master's HTTP flow as JSON text (owned), NULL otherwise */
};

void sim_result_init(struct sim_result *r);
void sim_result_clear(struct sim_result *r);

/* The run the results belong to, as the report's head and the table name it. */
struct sim_run_head {
	const char *name;     /* the scenario's name */
	const char *file;     /* its file name, without directories */
	uint64_t seed;        /* the run seed */
	uint64_t sites;       /* sites of the fleet (a halted rollout reports fewer) */
	int no_fsync;
	int link;             /* downloads hard-linked */
	const struct sim_dservers *dservers; /* the deployment servers (borrowed); none: n is 0 */
	double halt_threshold; /* a wave's failed share past which the rollout halts */
	int serve;            /* downloads over HTTP from real dupg-server processes */
};

/* One rollout wave: its sites, those that tried to upgrade, those that rolled back or failed. */
struct sim_wave_result {
	unsigned wave;
	uint64_t sites, attempted, failures;
	int halted_after;
};

/* Storage and CPU of the designs compared, measured once per run. */
/* One elect region at the end of the run (the report's "regions" list). */
struct sim_region_figure {
	const char *id;
	const char *const *members; /* the member ids, in the order they came online */
	size_t nmembers;
	const char *elected;     /* the virtual server at the end, NULL when nobody is alive */
	uint64_t epoch, reelections;
	uint64_t server_bytes;   /* its virtual servers' downloads from the management server */
	uint64_t lan_bytes;      /* what members fetched from them over the region's LAN */
};

struct sim_figures {
	uint64_t server_store_bytes;    /* this design: the server's set */
	uint64_t universal_bytes;       /* the universal package */
	uint64_t repack_server_bytes;   /* every distinct need's archive */
	size_t repack_archives;
	double repack_cpu_s;
	double repack_cpu_uncached_s;   /* had every site's archive been built for it */
	/* elect regions (none: the report has no "regions" and no region totals) */
	const struct sim_region_figure *regions;
	size_t nregions;
	const char *serve;    /* --serve: the servers as JSON text (the report's "serve"), NULL otherwise */
};

#endif
