/*
 * One site, end to end, through the library: collect and merge, match on the
 * server, download into the master's store, verify, prune crash-safely, plan;
 * devices.c then stages, switches and checks health on the virtual clock.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

void site_fired(struct site_run *r, size_t i)
{
	if (i < sizeof(r->fault_fired) / sizeof(r->fault_fired[0]))
		r->fault_fired[i] = 1;
}

double site_transfer_s(uint64_t bytes, double mbps, double latency_ms)
{
	return latency_ms / 1000.0 + (double)bytes * 8.0 / (mbps * 1e6);
}

/* ---- faults ----------------------------------------------------------------- */

/* Draw the recipe's random faults for this site from the run seed. */
static int draw_faults(struct site_run *r)
{
	const struct sim_rates *rates = &r->ctx->sc->rates;
	int k, rc;

	for (k = 0; k < SIM_FAULT_KINDS; k++) {
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

void site_set_cause(struct site_run *r, int kind, const char *device, const char *origin,
		    const char *fmt, ...)
{
	va_list ap;

	r->cause.kind = kind;
	r->cause.device = device;
	r->cause.origin = origin;
	va_start(ap, fmt);
	vsnprintf(r->cause.detail, sizeof(r->cause.detail), fmt, ap);
	va_end(ap);
	/* paths relative to the work directory: the report must not change with it */
	{
		const char *wd = r->ctx->opt->workdir;
		size_t wl = strlen(wd);
		char *hit;

		while (wl > 0 && (hit = strstr(r->cause.detail, wd)) != NULL && hit[wl] == '/')
			memmove(hit, hit + wl + 1, strlen(hit + wl + 1) + 1);
	}
}

/* ---- set-up: the master's store before this upgrade --------------------- */

static int setup_store(struct site_run *r)
{
	const struct sim_scenario *sc = r->ctx->sc;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	dupg_pathlist *l = NULL;
	size_t i;
	int rc;

	/* the site's directory is its master's store: one directory per site is cheaper at scale */
	r->dir = sim_printf("%s/%s", r->ctx->sites_dir, r->site->id);
	r->store_dir = sim_strdup(r->dir);
	r->list_file = sim_printf("%s/list", r->store_dir);
	r->new_file = sim_printf("%s/new", r->store_dir);
	if (!r->dir || !r->store_dir || !r->list_file || !r->new_file)
		return sim_error(DUPG_ENOMEM, "out of memory");
	/* a stale directory from an earlier --keep run would make the store lie */
	if ((rc = sim_rmtree(r->dir)) != 0 || (rc = sim_mkdirs(r->store_dir)) != 0)
		return rc;
	if ((rc = dupg_pathlist_new(&l)) != 0)
		return sim_error_lib(rc, "site %s", r->site->id);
	for (i = 0; i < r->site->nstore && rc == 0; i++) {
		const struct sim_pkg *p = &sc->cat.pkgs[r->site->store[i]];
		char *dst = sim_printf("%s/%s", r->store_dir, p->base);

		if (dst == NULL)
			rc = sim_error(DUPG_ENOMEM, "out of memory");
		else
			rc = sim_link_file(p->file, dst, r->ctx->opt->no_fsync);
		free(dst);
		if (rc == 0 && (rc = dupg_pathlist_add(l, p->base, (const char *const *)p->hw,
						       p->hw_count)) != 0)
			rc = sim_error_lib(rc, "site %s: store", r->site->id);
	}
	ao.no_fsync = r->ctx->opt->no_fsync;
	if (rc == 0 && (rc = dupg_pathlist_save(l, r->list_file, &ao)) != 0)
		rc = sim_error_lib(rc, "site %s", r->site->id);
	dupg_pathlist_free(l);
	return rc;
}

/* ---- download, verify ---------------------------------------------------- */

static const struct sim_fault *find_fault(struct site_run *r, enum sim_fault_kind kind,
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

static void unlink_downloads(struct site_run *r)
{
	size_t i;

	for (i = 0; i < r->ndl; i++) {
		char *p = sim_printf("%s/%s", r->store_dir, r->ctx->sc->cat.pkgs[r->dl_pkgs[i]].base);
		if (p != NULL)
			unlink(p);
		free(p);
	}
	r->ndl = 0;
}

static int in_store(const struct sim_site *s, size_t pkg)
{
	size_t i;

	for (i = 0; i < s->nstore; i++)
		if (s->store[i] == pkg)
			return 1;
	return 0;
}

/* 1 when the download failed (the site is done), 0 to go on, <0 on error. */
static int download(struct site_run *r)
{
	struct sim_ctx *ctx = r->ctx;
	size_t cut_at = (size_t)-1, fi = 0, i;
	const struct sim_fault *cut = find_fault(r, SIM_FAULT_CUT, &fi);
	int rc = 0;

	r->ntask = dupg_task_count(r->task);
	r->task_pkgs = calloc(r->ntask ? r->ntask : 1, sizeof(*r->task_pkgs));
	r->dl_pkgs = calloc(r->ntask ? r->ntask : 1, sizeof(*r->dl_pkgs));
	if (r->task_pkgs == NULL || r->dl_pkgs == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ntask; i++)
		r->task_pkgs[i] = ctx->server.set_pkg[dupg_task_package(r->task, i)];
	if (cut != NULL) {
		for (i = 0; i < r->ntask; i++)
			if (cut->package != NULL &&
			    strcmp(ctx->sc->cat.pkgs[r->task_pkgs[i]].name, cut->package) == 0)
				cut_at = i;
		if (cut->package == NULL && r->ntask > 0)
			cut_at = (size_t)sim_rng_below(&r->rng, r->ntask);
	}
	for (i = 0; i < r->ntask; i++) {
		const struct sim_pkg *p = &ctx->sc->cat.pkgs[r->task_pkgs[i]];
		char *src, *dst;
		uint64_t copied = 0;

		/* a package the store already holds (an earlier attempt) is not fetched again */
		if (in_store(r->site, r->task_pkgs[i]))
			continue;
		src = sim_printf("%s/%s", ctx->server.dir, p->base);
		dst = sim_printf("%s/%s", r->store_dir, p->base);
		if (src == NULL || dst == NULL) {
			free(src);
			free(dst);
			return sim_error(DUPG_ENOMEM, "out of memory");
		}
		if (i == cut_at) {
			uint64_t limit = (uint64_t)((double)p->size * cut->fraction);
			rc = sim_copy_file(src, dst, limit, 1, &copied);
			/* the partial file never enters the store, nor do the packages before it */
			unlink(dst);
			unlink_downloads(r);
			r->sum->bytes_downloaded += copied;
			r->t += site_transfer_s(copied, r->site->uplink_mbps, r->site->devs[0].latency_ms);
			site_fired(r, (size_t)fi);
			site_set_cause(r, SIM_FAULT_CUT, NULL, cut->origin,
				  "download of %s cut off after %llu of %llu bytes", p->name,
				  (unsigned long long)copied, (unsigned long long)p->size);
			free(src);
			free(dst);
			return rc != 0 ? rc : 1;
		}
		if (ctx->opt->link) {
			rc = sim_link_file(src, dst, ctx->opt->no_fsync);
			copied = p->size;
		} else {
			rc = sim_copy_file(src, dst, UINT64_MAX, ctx->opt->no_fsync, &copied);
		}
		free(src);
		free(dst);
		if (rc != 0)
			return rc;
		r->sum->bytes_downloaded += copied;
		r->t += site_transfer_s(copied, r->site->uplink_mbps, r->site->devs[0].latency_ms);
		r->dl_pkgs[r->ndl++] = r->task_pkgs[i];
	}
	/* verify before anything touches the store: a corrupt package never enters a list */
	for (i = 0; i < r->ndl; i++) {
		const struct sim_pkg *p = &ctx->sc->cat.pkgs[r->dl_pkgs[i]];
		char *dst = sim_printf("%s/%s", r->store_dir, p->base);

		if (dst == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		rc = dupg_package_verify(NULL, dst);
		free(dst);
		if (rc != 0) {
			site_set_cause(r, -1, NULL, p->corrupt == 2 ? "--corrupt" : p->corrupt ? "scenario" : "library",
				  "%s failed verification: %s", p->name, dupg_error_last());
			r->cause.corrupt = 1;
			unlink_downloads(r);
			return 1;
		}
	}
	r->t_download = r->t;
	return 0;
}

/* ---- the store update ---------------------------------------------------- */

static int stop_at(dupg_apply_step step, void *payload)
{
	return step == *(const dupg_apply_step *)payload;
}

static int same_list(char **paths, size_t n, const dupg_prune *p, dupg_prune_list which)
{
	size_t i;

	if (n != dupg_prune_count(p, which))
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(paths[i], dupg_prune_path(p, which, i)) != 0)
			return 0;
	return 1;
}

static int update_store(struct site_run *r)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	const struct sim_fault *crash = find_fault(r, SIM_FAULT_CRASH, NULL);
	size_t fi = 0;
	dupg_pathlist *first = NULL;
	dupg_prune *pure = NULL;
	char *text = NULL;
	size_t i, len = 0;
	int rc;

	for (i = 0; i < r->ndl; i++)
		len += strlen(r->ctx->sc->cat.pkgs[r->dl_pkgs[i]].base) + 1;
	text = calloc(1, len + 1);
	if (text == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ndl; i++) {
		strcat(text, r->ctx->sc->cat.pkgs[r->dl_pkgs[i]].base);
		strcat(text, "\n");
	}
	rc = sim_write_file(r->new_file, text, len);
	free(text);
	if (rc != 0)
		return rc;
	if ((rc = dupg_pathlist_load(&r->dl, r->new_file)) != 0)
		return sim_error_lib(rc, "site %s: downloaded list", r->site->id);
	if ((rc = dupg_store_open(&r->store, r->list_file)) != 0)
		return sim_error_lib(rc, "site %s: store", r->site->id);
	opts.no_fsync = r->ctx->opt->no_fsync;
	if (crash != NULL) {
		find_fault(r, SIM_FAULT_CRASH, &fi);
		r->crash_step = crash->step;
		opts.step_cb = stop_at;
		opts.payload = &r->crash_step;
		/* what the apply is about to do, to tell afterwards how far the crash let it get */
		if ((rc = dupg_pathlist_load(&first, r->list_file)) != 0 ||
		    (rc = dupg_prune_compute(&pure, first, r->dl, NULL)) != 0) {
			dupg_pathlist_free(first);
			return sim_error_lib(rc, "site %s: store", r->site->id);
		}
		dupg_pathlist_free(first);
	}
	rc = dupg_store_prune(&r->prune, r->store, r->dl, NULL, &opts);
	if (rc == DUPG_EABORTED) {
		char **paths = NULL;
		size_t n = 0;

		/* the master crashed mid-update: it reboots, recovers, and resumes the task */
		r->crashed = 1;
		site_fired(r, (size_t)fi);
		dupg_prune_free(r->prune);
		r->prune = NULL;
		dupg_store_free(r->store);
		r->store = NULL;
		opts.step_cb = NULL;
		rc = dupg_store_recover(&r->recovery, r->list_file, &opts);
		if (rc != 0) {
			dupg_prune_free(pure);
			return sim_error_lib(rc, "site %s: recovery", r->site->id);
		}
		if ((rc = dupg_listfile_read(&paths, &n, r->list_file)) != 0) {
			dupg_prune_free(pure);
			return sim_error_lib(rc, "site %s: store after recovery", r->site->id);
		}
		if (same_list(paths, n, pure, DUPG_LIST_THIRD)) {
			r->prune = pure;
			pure = NULL;
		} else {
			rc = dupg_store_open(&r->store, r->list_file);
			if (rc == 0)
				rc = dupg_store_prune(&r->prune, r->store, r->dl, NULL, &opts);
			if (rc != 0)
				rc = sim_error_lib(rc, "site %s: store update after recovery",
						   r->site->id);
		}
		dupg_free(paths);
	} else if (rc != 0) {
		rc = sim_error_lib(rc, "site %s: store update", r->site->id);
	}
	dupg_prune_free(pure);
	if (rc == 0 && unlink(r->new_file) != 0)
		rc = sim_error(DUPG_EIO, "%s: cannot remove: %s", r->new_file, strerror(errno));
	return rc;
}

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
		const struct sim_pkg *p = path ? sim_catalog_by_path(&r->ctx->sc->cat, path) : NULL;

		if (d >= r->ndev || p == NULL)
			return sim_error(DUPG_ERROR, "site %s: plan step %zu names an unknown "
						     "device or package", r->site->id, s);
		r->devs[d].step = (long)s;
		r->devs[d].pkg = p;
	}
	return site_devices_run(r);
}

/*
 * The site rolled back: every device runs what the rollback list describes,
 * so the store goes back to that list and the download leaves it. *gone
 * receives the names of the packages removed (caller frees each and the array).
 */
static int rollback_store(struct site_run *r, char ***gone, size_t *ngone)
{
	dupg_apply_options opts = DUPG_APPLY_OPTIONS_INIT;
	char **deleted = NULL;
	size_t n = 0, i;
	int rc;

	/* a crash recovered past its commit point left no handle */
	if (r->store == NULL && (rc = dupg_store_open(&r->store, r->list_file)) != 0)
		return sim_error_lib(rc, "site %s: store", r->site->id);
	opts.no_fsync = r->ctx->opt->no_fsync;
	if ((rc = dupg_store_rollback(&deleted, &n, r->store, &opts)) != 0)
		return sim_error_lib(rc, "site %s: store rollback", r->site->id);
	*gone = calloc(n + 1, sizeof(**gone));
	for (i = 0; *gone != NULL && i < n; i++) {
		if (((*gone)[*ngone] = sim_pkg_name(deleted[i])) == NULL)
			break;
		(*ngone)++;
	}
	dupg_free(deleted);
	if (*gone == NULL || i < n)
		return sim_error(DUPG_ENOMEM, "out of memory");
	return 0;
}

/* ---- the store after the run -------------------------------------------- */

static json_object *names_json(char **paths, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		char *name = sim_pkg_name(paths[i]);
		json_object_array_add(a, name ? json_object_new_string(name) : NULL);
		free(name);
	}
	return a;
}

static int listed(char **a, size_t na, char **b, size_t nb, const char *name)
{
	size_t i;

	for (i = 0; i < na; i++)
		if (strcmp(a[i], name) == 0)
			return 1;
	for (i = 0; i < nb; i++)
		if (strcmp(b[i], name) == 0)
			return 1;
	return 0;
}

/*
 * A consistent store: both lists readable, every listed package present, and
 * nothing else in the directory (no partial download, no temporary file, no
 * unlisted package). Store bytes count what the lists keep.
 */
static int check_store(struct site_run *r, json_object *jstore)
{
	char **list = NULL, **rb = NULL;
	size_t nl = 0, nr = 0, i;
	char *rb_file = sim_printf("%s.rollback", r->list_file);
	int consistent = 1, rc;
	char problem[512] = "";
	DIR *dir;
	struct dirent *e;

	if (rb_file == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	rc = dupg_listfile_read(&list, &nl, r->list_file);
	if (rc != 0) {
		consistent = 0;
		snprintf(problem, sizeof(problem), "%s", dupg_error_last());
	}
	if (access(rb_file, F_OK) == 0 && (rc = dupg_listfile_read(&rb, &nr, rb_file)) != 0) {
		consistent = 0;
		snprintf(problem, sizeof(problem), "%s", dupg_error_last());
	}
	r->sum->store_bytes = 0;
	for (i = 0; consistent && i < nl + nr; i++) {
		const char *name = i < nl ? list[i] : rb[i - nl];
		char *p = sim_printf("%s/%s", r->store_dir, name);
		int64_t size = p ? sim_file_size(p) : -1;

		if (size < 0) {
			consistent = 0;
			snprintf(problem, sizeof(problem), "%s names missing %s",
				 i < nl ? "list" : "list.rollback", name);
		} else if (i < nl || !listed(list, nl, NULL, 0, name)) {
			r->sum->store_bytes += (uint64_t)size;
		}
		free(p);
	}
	dir = opendir(r->store_dir);
	while (consistent && dir != NULL && (e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "list") == 0 || strcmp(e->d_name, "list.rollback") == 0)
			continue;
		if (!listed(list, nl, rb, nr, e->d_name)) {
			consistent = 0;
			snprintf(problem, sizeof(problem), "stray file %s", e->d_name);
		}
	}
	if (dir != NULL)
		closedir(dir);
	else
		consistent = 0;
	json_object_object_add(jstore, "list", names_json(list, nl));
	json_object_object_add(jstore, "rollback", rb ? names_json(rb, nr) : json_object_new_array());
	json_object_object_add(jstore, "consistent", json_object_new_boolean(consistent));
	if (!consistent)
		json_object_object_add(jstore, "problem", json_object_new_string(problem));
	dupg_free(list);
	dupg_free(rb);
	free(rb_file);
	return 0;
}

/* ---- the flow ------------------------------------------------------------- */

static void run_free(struct site_run *r)
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
	free(r->dir);
	free(r->store_dir);
	free(r->list_file);
	free(r->new_file);
}

static uint64_t first_list_bytes(const struct site_run *r)
{
	uint64_t bytes = 0;
	size_t i;

	for (i = 0; i < r->site->nstore; i++)
		bytes += r->ctx->sc->cat.pkgs[r->site->store[i]].size;
	return bytes;
}

/* After an upgrade the site must match as current: the server has nothing newer for it. */
static int check_current(struct site_run *r, int *current)
{
	dupg_sysvd *after = NULL;
	dupg_task *again = NULL;
	int rc;

	if ((rc = dupg_topology_merge(&after, r->topo)) != 0 ||
	    (rc = dupg_match(&again, r->ctx->server.set, after)) != 0) {
		dupg_sysvd_free(after);
		return sim_error_lib(rc, "site %s: after the upgrade", r->site->id);
	}
	*current = dupg_task_kind_get(again) == DUPG_TASK_NONE;
	dupg_task_free(again);
	dupg_sysvd_free(after);
	return 0;
}

int sim_site_run(json_object **json, struct sim_site_sum *sum, struct sim_ctx *ctx,
		 struct sim_site *site, unsigned wave)
{
	struct site_run r;
	char origin[512], **gone = NULL;
	size_t i, ngone = 0;
	int rc, done = 0, current_after = -1;

	*json = NULL;
	memset(&r, 0, sizeof(r));
	memset(sum, 0, sizeof(*sum));
	r.ctx = ctx;
	r.site = site;
	r.sum = sum;
	r.cause.kind = -1;
	sum->cause = -1;
	r.rng = sim_rng_derive(ctx->sc->seed ^ UINT64_C(0x51AB), site->index);
	if ((rc = draw_faults(&r)) != 0)
		goto out;
	snprintf(origin, sizeof(origin), "%s: site %s", ctx->sc->file, site->id);
	if ((rc = sim_site_topology(&r.topo, site, origin)) != 0 || (rc = setup_store(&r)) != 0)
		goto out;
	r.ndev = dupg_topology_count(r.topo);
	r.devs = calloc(r.ndev, sizeof(*r.devs));
	if (r.devs == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < r.ndev; i++) {
		r.devs[i].spec = &site->devs[i];
		r.devs[i].parent = dupg_topology_parent(r.topo, i);
		r.devs[i].depth = dupg_topology_depth(r.topo, i);
		r.devs[i].step = -1;
		if (strcmp(dupg_topology_device(r.topo, i)->id, site->devs[i].id) != 0) {
			rc = sim_error(DUPG_ERROR, "%s: topology reordered the devices", origin);
			goto out;
		}
	}
	sum->baseline_store_bytes = first_list_bytes(&r);

	/* the master collects every device's description and merges them */
	if ((rc = dupg_topology_merge(&r.sysvd, r.topo)) != 0) {
		rc = sim_error_lib(rc, "%s: merge", origin);
		goto out;
	}
	/* the server matches the site against its package set: paths only, never a repack */
	if ((rc = dupg_match(&r.task, ctx->server.set, r.sysvd)) != 0) {
		rc = sim_error_lib(rc, "%s: match", origin);
		goto out;
	}
	sum->kind = dupg_task_kind_get(r.task);
	if (sum->kind == DUPG_TASK_NONE) {
		sum->outcome = SIM_CURRENT;
		done = 1;
	}
	if (!done) {
		rc = download(&r);
		if (rc < 0)
			goto out;
		/* the baselines serve the same need: what the task names */
		sum->universal_bytes = sim_baseline_universal(ctx->base);
		if ((rc = sim_baseline_repack(&sum->repack_bytes, ctx->base, r.task_pkgs, r.ntask)) != 0)
			goto out;
		if (rc == 0 && r.cause.kind < 0 && !r.cause.corrupt) {
			for (i = 0; i < r.ndl; i++)
				sum->baseline_store_bytes += ctx->sc->cat.pkgs[r.dl_pkgs[i]].size;
			if ((rc = update_store(&r)) != 0 || (rc = plan(&r)) != 0)
				goto out;
			sum->outcome = r.cause.kind >= 0 ? SIM_ROLLED_BACK : SIM_UPGRADED;
			if (sum->outcome == SIM_UPGRADED && (rc = check_current(&r, &current_after)) != 0)
				goto out;
			if (sum->outcome == SIM_ROLLED_BACK && (rc = rollback_store(&r, &gone, &ngone)) != 0)
				goto out;
		} else {
			sum->outcome = SIM_FAILED;
		}
	}
	sum->vtime = r.t;
	sum->cause = r.cause.kind;
	sum->corrupt = r.cause.corrupt;
	sum->crashed = r.crashed;
	sum->recovery = (int)r.recovery.action;
	sum->deleted = (r.prune ? dupg_prune_count(r.prune, DUPG_LIST_DELETABLE) : 0) + ngone;
	*json = site_json(&r, wave);
	if (*json == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto out;
	}
	{
		json_object *jstore = NULL, *jdeleted = NULL;
		/* after the prune's deletions, the rollback's: the download that left the store */
		json_object_object_get_ex(*json, "deleted", &jdeleted);
		for (i = 0; i < ngone; i++)
			json_object_array_add(jdeleted, json_object_new_string(gone[i]));
		json_object_object_get_ex(*json, "store", &jstore);
		if ((rc = check_store(&r, jstore)) != 0)
			goto out;
		json_object_object_add(jstore, "bytes", json_object_new_int64((int64_t)sum->store_bytes));
		json_object_object_add(jstore, "baseline_bytes",
				       json_object_new_int64((int64_t)sum->baseline_store_bytes));
		if (current_after >= 0)
			json_object_object_add(*json, "current_after", json_object_new_boolean(current_after));
	}
	if (!ctx->opt->keep)
		rc = sim_rmtree(r.dir);
out:
	if (rc != 0) {
		json_object_put(*json);
		*json = NULL;
	}
	for (i = 0; i < ngone; i++)
		free(gone[i]);
	free(gone);
	run_free(&r);
	return rc;
}
