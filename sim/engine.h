/*
 * Private to the simulator's per-site flow: the state of one site's run,
 * shared by engine.c (the flow, the store), devices.c (the virtual clock) and
 * site_json.c (the site's report entry).
 */
#ifndef DUPG_SIM_ENGINE_H
#define DUPG_SIM_ENGINE_H

#include <json-c/json.h>

#include "sim.h"

struct dev {
	const struct sim_dev *spec;
	size_t parent;           /* topology index, DUPG_NONE for the master */
	size_t depth;
	long step;               /* upgrade plan step, -1 when the device keeps its package */
	const struct sim_pkg *pkg;
	double arrived, staged, sw_start, sw_end;
	int switched;
	int fault[3];            /* stage, switch, health faults aimed at it */
	enum sim_dev_state state;
};

struct site_run {
	struct sim_ctx *ctx;
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
	struct dev *devs;
	size_t ndev;
	size_t *dl_pkgs;          /* packages that entered the store */
	size_t ndl;
	size_t *task_pkgs;        /* scenario indexes of the task's packages */
	size_t ntask;
	double t;                 /* the virtual clock, seconds */
	double t_download, t_staged, t_switched, t_done, t_rollback;
	int fault_fired[64];      /* by site fault index; faults past 64 are never marked */
	struct {
		int kind;         /* enum sim_fault_kind, -1 for none; corrupt reports as "corrupt" */
		int corrupt;
		const char *device;
		const char *origin;
		char detail[512];
	} cause;
	int crashed;
	dupg_apply_step crash_step;
	int staging_reached;
	dupg_recover_report recovery;
	struct sim_site_sum *sum;
};

/* engine.c */
/* Mark site fault i as fired. */
void site_fired(struct site_run *r, size_t i);
/* Record why the site did not upgrade (paths made relative to the work directory). */
void site_set_cause(struct site_run *r, int kind, const char *device, const char *origin,
		    const char *fmt, ...) SIM_PRINTF(5, 6);
/* Seconds to move bytes over a link. */
double site_transfer_s(uint64_t bytes, double mbps, double latency_ms);

/* devices.c: stage, switch, check health, roll back; 0 or a negative error. */
int site_devices_run(struct site_run *r);

/* site_json.c: the site's report entry (the store's part is added by engine.c). */
json_object *site_json(struct site_run *r, unsigned wave);

#endif
