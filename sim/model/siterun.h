/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * siterun.c: the state of one site's run, and its one owner. The per-site
 * flow and the controller (driver/) and the devices on the virtual clock
 * (devices.c) all work on it; the flow turns it into a plain sim_result at
 * the end.
 */
#ifndef DUPG_SIM_SITERUN_H
#define DUPG_SIM_SITERUN_H

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"
#include "model/result.h"
#include "names.h"
#include "scenario/catalog.h"
#include "scenario/site.h"
#include "util.h"

/* A device of the site during the run. */
struct sim_devrun {
	const struct sim_dev *spec;
	size_t parent;           /* topology index, DUPG_NONE for the master */
	size_t depth;
	long step;               /* upgrade plan step, -1 when the device keeps its package */
	const struct sim_pkg *pkg;
	int fault[3];            /* the site's stage, switch and health faults aimed at it, -1 none */
	enum sim_dev_state state;
	/* the device as model/devices.c runs it, on the virtual clock (seconds) */
	double link_free;        /* its link from its parent carries nothing after this */
	double busy_until;       /* the slot work under way (op) ends */
	double staged, sw_end;   /* when it staged; when its switch to the new slot ended */
	uint32_t relay;          /* first package that reached it (devices.c's pool), UINT32_MAX none */
	uint32_t epoch;          /* answers scheduled in an earlier epoch were cancelled */
	uint8_t op, op_fails;    /* the slot work under way, and whether it ends in failure */
	uint8_t slot_full;       /* its inactive slot holds the new package (or is being written) */
	uint8_t has_staged, has_switched, runs_new;
};

struct sim_http;

struct site_run {
	const struct sim_catalog *cat;
	const char *workdir;      /* cause details name paths relative to it */
	struct sim_site *site;
	uint64_t rng;
	char *dir, *store_dir, *list_file, *new_file;
	dupg_topology *topo;
	dupg_sysvd *sysvd;
	dupg_task *task;
	dupg_store *store;
	dupg_prune *prune;
	dupg_pathlist *dl;
	dupg_plan *up, *rb;
	struct sim_devrun *devs;
	size_t ndev;
	size_t *dl_pkgs;          /* packages that entered the store */
	size_t ndl;
	size_t *task_pkgs;        /* catalogue indexes of the task's packages */
	size_t ntask;
	uint64_t bytes_downloaded;
	uint64_t server_bytes;    /* of them, from the management server itself */
	uint64_t each_bytes;      /* what it would have taken from the server without regions */
	size_t *ds_order;         /* deployment servers, nearest first (dupg_locality_rank) */
	dupg_nearness *ds_tier;   /* each server's tier, by scenario index */
	struct sim_served served; /* the download's pieces; moves to the result */
	double t;                 /* the virtual clock, seconds */
	double t_download, t_staged, t_switched, t_done, t_rollback;
	struct sim_txn_result txn; /* reported when a txn_crash fault aims at the site */
	int fault_fired[64];      /* by site fault index; faults past 64 are never marked */
	struct sim_cause cause;
	int crashed;
	dupg_apply_step crash_step;
	dupg_recover_report recovery;
	struct sim_http *http;    /* --serve: the master's HTTP flow (driver/http.c), NULL otherwise */
};

/* A fresh run of site; rng seeds the site's own random stream. */
void site_run_init(struct site_run *r, const struct sim_catalog *cat, const char *workdir,
		   struct sim_site *site, uint64_t rng);
/* The devices of r->topo, which must list the site's devices in order; origin starts errors. */
int site_run_devices(struct site_run *r, const char *origin);
void site_run_free(struct site_run *r);

/* The first of the site's faults of kind, or NULL; *which (if not NULL) receives its index. */
const struct sim_fault *site_find_fault(const struct site_run *r, enum sim_fault_kind kind,
					size_t *which);
/* Index of the site's fault of kind aimed at device, or -1. */
int site_fault_index(const struct site_run *r, enum sim_fault_kind kind, const char *device);
/* Mark site fault i as fired. */
void site_fired(struct site_run *r, size_t i);
/* Record why the site did not upgrade (paths made relative to the work directory). */
void site_set_cause(struct site_run *r, int kind, const char *device, const char *origin,
		    const char *fmt, ...) SIM_PRINTF(5, 6);
/* Seconds to move bytes over a link. */
double site_transfer_s(uint64_t bytes, double mbps, double latency_ms);

#endif
