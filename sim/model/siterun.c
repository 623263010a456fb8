/* SPDX-License-Identifier: BSD-2-Clause */
/* The state of one site's run: set up, the faults it carries, why it failed, freed. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/siterun.h"

void site_run_init(struct site_run *r, const struct sim_catalog *cat, const char *workdir,
		   struct sim_site *site, uint64_t rng)
{
	memset(r, 0, sizeof(*r));
	r->cat = cat;
	r->workdir = workdir;
	r->site = site;
	r->rng = rng;
	r->cause.kind = -1;
	r->txn.resumed = -1;
}

int site_run_devices(struct site_run *r, const char *origin)
{
	size_t i;

	r->ndev = dupg_topology_count(r->topo);
	r->devs = calloc(r->ndev, sizeof(*r->devs));
	if (r->devs == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ndev; i++) {
		r->devs[i].spec = &r->site->devs[i];
		r->devs[i].parent = dupg_topology_parent(r->topo, i);
		r->devs[i].depth = dupg_topology_depth(r->topo, i);
		r->devs[i].step = -1;
		r->devs[i].relay = UINT32_MAX;
		r->devs[i].fault[0] = r->devs[i].fault[1] = r->devs[i].fault[2] = -1;
		if (strcmp(dupg_topology_device(r->topo, i)->id, r->site->devs[i].id) != 0)
			return sim_error(DUPG_ERROR, "%s: topology reordered the devices", origin);
	}
	return 0;
}

void site_run_free(struct site_run *r)
{
	dupg_plan_free(r->up);
	dupg_plan_free(r->rb);
	dupg_prune_free(r->prune);
	dupg_pathlist_free(r->dl);
	dupg_store_free(r->store);
	dupg_task_free(r->task);
	dupg_sysvd_free(r->sysvd);
	dupg_topology_free(r->topo);
	free(r->devs);
	free(r->dl_pkgs);
	free(r->task_pkgs);
	free(r->ds_order);
	free(r->ds_tier);
	free(r->served.v);
	free(r->dir);
	free(r->store_dir);
	free(r->list_file);
	free(r->new_file);
}

const struct sim_fault *site_find_fault(const struct site_run *r, enum sim_fault_kind kind,
					size_t *which)
{
	size_t i;

	for (i = 0; i < r->site->nfaults; i++) {
		if (r->site->faults[i].kind == kind) {
			if (which != NULL)
				*which = i;
			return &r->site->faults[i];
		}
	}
	return NULL;
}

int site_fault_index(const struct site_run *r, enum sim_fault_kind kind, const char *device)
{
	size_t i;

	for (i = 0; i < r->site->nfaults; i++)
		if (r->site->faults[i].kind == kind && r->site->faults[i].device != NULL &&
		    strcmp(r->site->faults[i].device, device) == 0)
			return (int)i;
	return -1;
}

void site_fired(struct site_run *r, size_t i)
{
	if (i < sizeof(r->fault_fired) / sizeof(r->fault_fired[0]))
		r->fault_fired[i] = 1;
}

void site_set_cause(struct site_run *r, int kind, const char *device, const char *origin,
		    const char *fmt, ...)
{
	const char *wd = r->workdir;
	size_t wl = strlen(wd);
	char *hit;
	va_list ap;

	r->cause.kind = kind;
	r->cause.device = device;
	r->cause.origin = origin;
	va_start(ap, fmt);
	vsnprintf(r->cause.detail, sizeof(r->cause.detail), fmt, ap);
	va_end(ap);
	/* paths relative to the work directory: the report must not change with it */
	while (wl > 0 && (hit = strstr(r->cause.detail, wd)) != NULL && hit[wl] == '/')
		memmove(hit, hit + wl + 1, strlen(hit + wl + 1) + 1);
}

double site_transfer_s(uint64_t bytes, double mbps, double latency_ms)
{
	return latency_ms / 1000.0 + (double)bytes * 8.0 / (mbps * 1e6);
}
