/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One site, end to end, through the library: collect and merge, match on the
 * server, download into the master's store, verify, prune crash-safely, plan;
 * the controller then runs the plan as a transaction against the devices on
 * the virtual clock.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver/controller.h"
#include "driver/fetch.h"
#include "driver/flow.h"
#include "driver/http.h"
#include "driver/region.h"
#include "driver/store.h"
#include "model/siterun.h"

/* Draw the recipe's random faults for this site from the run seed. */
static int draw_faults(struct site_run *r, const struct sim_rates *rates)
{
	int k, rc;

	for (k = 0; k < SIM_FAULT_RATED; k++) {
		struct sim_fault f;
		double x = sim_rng_unit(&r->rng);

		if (rates->p[k] <= 0 || x >= rates->p[k])
			continue;
		memset(&f, 0, sizeof(f));
		f.kind = (enum sim_fault_kind)k;
		f.origin = "random";
		f.fraction = 0.05 + 0.9 * sim_rng_unit(&r->rng);
		f.step = (dupg_apply_step)sim_rng_below(&r->rng, DUPG_STEP_DONE + 1);
		if ((rc = sim_site_add_fault(r->site, &f)) != 0)
			return rc;
	}
	return 0;
}

/* The way up and the way back, and each device's package. */
static int plan(struct site_run *r)
{
	const dupg_config *latest = dupg_prune_config(r->prune, DUPG_CONFIG_LATEST);
	const dupg_config *rollback = dupg_prune_config(r->prune, DUPG_CONFIG_ROLLBACK);
	size_t n, s;
	int rc;

	if ((rc = dupg_plan_upgrade(&r->up, r->topo, rollback, latest)) != 0 ||
	    (rc = dupg_plan_rollback(&r->rb, r->up)) != 0)
		return sim_error_lib(rc, "site %s: plan", r->site->id);
	n = dupg_plan_count(r->up);
	for (s = 0; s < n; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		const char *path = dupg_plan_package(r->up, s);
		const struct sim_pkg *p = path ? sim_catalog_by_path(r->cat, path) : NULL;

		if (d >= r->ndev || p == NULL)
			return sim_error(DUPG_ERROR, "site %s: plan step %zu names an unknown "
						     "device or package", r->site->id, s);
		r->devs[d].step = (long)s;
		r->devs[d].pkg = p;
	}
	return 0;
}

/* After an upgrade the site must match as current: the server has nothing newer for it. */
static int check_current(struct site_run *r, const struct sim_ctx *ctx, int *current)
{
	dupg_sysvd *after = NULL;
	dupg_task *again = NULL;
	int rc;

	if ((rc = dupg_topology_merge(&after, r->topo)) != 0 ||
	    (rc = dupg_match(&again, ctx->server.set, after)) != 0) {
		dupg_sysvd_free(after);
		return sim_error_lib(rc, "site %s: after the upgrade", r->site->id);
	}
	*current = dupg_task_kind_get(again) == DUPG_TASK_NONE;
	dupg_task_free(again);
	dupg_sysvd_free(after);
	return 0;
}

static uint64_t first_list_bytes(const struct site_run *r)
{
	uint64_t bytes = 0;
	size_t i;

	for (i = 0; i < r->site->nstore; i++)
		bytes += r->cat->pkgs[r->site->store[i]].size;
	return bytes;
}

/* Collect, merge, match: the task of the site, or DUPG_TASK_NONE. */
static int collect(struct site_run *r, const struct sim_ctx *ctx, const char *origin,
		   struct sim_result *res)
{
	int rc;

	if ((rc = sim_site_topology(&r->topo, r->site, origin)) != 0 ||
	    (rc = site_store_setup(r, ctx)) != 0 || (rc = site_run_devices(r, origin)) != 0)
		return rc;
	res->store.baseline_bytes = first_list_bytes(r);
	/* the master collects every device's description and merges them */
	if ((rc = dupg_topology_merge(&r->sysvd, r->topo)) != 0)
		return sim_error_lib(rc, "%s: merge", origin);
	/* the server matches the site against its package set: paths only, never a repack */
	if ((rc = dupg_match(&r->task, ctx->server.set, r->sysvd)) != 0)
		return sim_error_lib(rc, "%s: match", origin);
	res->kind = dupg_task_kind_get(r->task);
	/* --serve: the real server is asked too, and must answer the same task */
	return ctx->cluster != NULL ? sim_http_begin(r, ctx) : 0;
}

/* --serve: the site's outcome to the server it talks to. */
static int post_status(struct site_run *r, const struct sim_ctx *ctx, const struct sim_result *res)
{
	const char *state = res->outcome == SIM_UPGRADED ? "upgraded" :
			    res->outcome == SIM_ROLLED_BACK ? "rolled_back" : "failed";

	return sim_http_status(r, ctx, state, r->cause.kind >= 0 || r->cause.corrupt ?
					      r->cause.detail : "");
}

/* A site with a task: download, update the store, plan, run the transaction, check. */
static int upgrade(struct site_run *r, const struct sim_ctx *ctx, struct sim_result *res,
		   struct sim_strv *gone)
{
	size_t i;
	int rc = site_fetch(r, ctx);

	if (rc < 0)
		return rc;
	/* the baselines serve the same need: what the task names */
	res->universal_bytes = sim_baseline_universal(ctx->base);
	if ((rc = sim_baseline_repack(&res->repack_bytes, ctx->base, r->task_pkgs, r->ntask)) != 0)
		return rc;
	if (r->cause.kind >= 0 || r->cause.corrupt) {
		res->outcome = SIM_FAILED;
		return 0;
	}
	for (i = 0; i < r->ndl; i++)
		res->store.baseline_bytes += r->cat->pkgs[r->dl_pkgs[i]].size;
	if ((rc = site_store_update(r, ctx)) != 0 || (rc = plan(r)) != 0 ||
	    (rc = site_controller_run(r, ctx, gone)) != 0)
		return rc;
	res->outcome = r->cause.kind >= 0 ? SIM_ROLLED_BACK : SIM_UPGRADED;
	if (res->outcome == SIM_UPGRADED)
		return check_current(r, ctx, &res->current_after);
	return 0;
}

/* Every device as the report shows it. */
static int devices_result(struct sim_result *res, const struct site_run *r)
{
	size_t i;

	res->devs = calloc(r->ndev ? r->ndev : 1, sizeof(*res->devs));
	if (res->devs == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	res->ndev = r->ndev;
	for (i = 0; i < r->ndev; i++) {
		const struct sim_devrun *d = &r->devs[i];
		struct sim_dev_result *o = &res->devs[i];

		o->id = d->spec->id;
		o->role = d->spec->role;
		o->hw = d->spec->hw;
		o->parent = d->spec->parent;
		o->version_before = d->spec->version;
		/* what the device runs at the end, as the device model has it */
		o->version_after = d->runs_new ? d->pkg->version : d->spec->version;
		o->state = d->state;
		o->package = d->pkg ? d->pkg->name : NULL;
		o->has_staged = d->has_staged;
		o->staged_s = d->staged;
		o->has_switched = d->has_switched;
		o->switched_s = d->sw_end;
	}
	return 0;
}

/* Every fault the site carried, and whether it fired. */
static int faults_result(struct sim_result *res, const struct site_run *r)
{
	size_t i, n = r->site->nfaults;

	res->faults = calloc(n ? n : 1, sizeof(*res->faults));
	if (res->faults == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	res->nfaults = n;
	for (i = 0; i < n; i++) {
		const struct sim_fault *f = &r->site->faults[i];
		struct sim_fault_result *o = &res->faults[i];

		o->kind = f->kind;
		o->device = f->device;
		o->package = f->kind == SIM_FAULT_CUT ? f->package : NULL;
		o->step = f->step;
		o->write = f->write;
		o->origin = f->origin;
		o->fired = i < 64 && r->fault_fired[i];
	}
	return 0;
}

/* What the run produced, as plain data; the store's lists are read back after this. */
static int result_of(struct sim_result *res, struct site_run *r, const struct sim_strv *gone,
		     const struct sim_ctx *ctx)
{
	size_t i, n;
	int rc = 0;

	for (i = 0; r->task != NULL && rc == 0 && i < dupg_task_count(r->task); i++)
		rc = sim_strv_push(&res->task, dupg_task_path(r->task, i));
	res->bytes_downloaded = r->bytes_downloaded;
	res->server_bytes = r->server_bytes;
	res->each_bytes = r->each_bytes;
	if (ctx->regions != NULL)
		res->source = sim_region_source(ctx->regions, r);
	res->served = r->served;
	memset(&r->served, 0, sizeof(r->served));
	res->served.on = ctx->sc->dservers.n > 0;
	for (i = 0; rc == 0 && i < r->ndl; i++)
		rc = sim_strv_push(&res->downloaded, r->cat->pkgs[r->dl_pkgs[i]].name);
	/* after the prune's deletions, the rollback's: the download that left the store */
	n = r->prune ? dupg_prune_count(r->prune, DUPG_LIST_DELETABLE) : 0;
	for (i = 0; rc == 0 && i < n; i++)
		rc = sim_strv_take(&res->deleted,
				   sim_pkg_name(dupg_prune_path(r->prune, DUPG_LIST_DELETABLE, i)));
	for (i = 0; rc == 0 && i < gone->n; i++)
		rc = sim_strv_push(&res->deleted, gone->v[i]);
	if (rc != 0)
		return rc;
	res->virtual_time_s = r->t;
	res->cause = r->cause;
	res->timeline.download_s = r->t_download;
	res->timeline.staged_s = r->t_staged;
	res->timeline.switched_s = r->t_switched;
	res->timeline.done_s = r->t_done;
	res->timeline.rollback_s = r->t_rollback;
	res->txn = r->txn;
	res->crashed = r->crashed;
	res->crash_step = r->crash_step;
	res->recovery = r->recovery;
	if ((rc = faults_result(res, r)) != 0)
		return rc;
	return devices_result(res, r);
}

int sim_site_run(struct sim_result *res, const struct sim_ctx *ctx, struct sim_site *site,
		 unsigned wave)
{
	struct site_run r;
	struct sim_strv gone = { NULL, 0, 0 };
	char origin[512];
	int rc;

	sim_result_init(res);
	res->site = site->id;
	res->wave = wave;
	site_run_init(&r, &ctx->sc->cat, ctx->opt->workdir, site,
		      sim_rng_derive(ctx->sc->seed ^ UINT64_C(0x51AB), site->index));
	snprintf(origin, sizeof(origin), "%s: site %s", ctx->sc->file, site->id);
	if ((rc = draw_faults(&r, &ctx->sc->rates)) == 0 && (rc = collect(&r, ctx, origin, res)) == 0) {
		if (res->kind == DUPG_TASK_NONE)
			res->outcome = SIM_CURRENT;
		else
			rc = upgrade(&r, ctx, res, &gone);
		if (rc == 0 && ctx->cluster != NULL && res->kind != DUPG_TASK_NONE)
			rc = post_status(&r, ctx, res);
	}
	if (rc == 0)
		rc = result_of(res, &r, &gone, ctx);
	if (rc == 0)
		rc = site_store_check(&r, res);
	if (rc == 0 && !ctx->opt->keep)
		rc = sim_rmtree(r.dir);
	res->http = sim_http_end(&r);
	if (rc != 0)
		sim_result_clear(res);
	sim_strv_clear(&gone);
	site_run_free(&r);
	return rc;
}
