/*
 * One site, end to end, through the library: collect and merge, match on the
 * server, download into the master's store, verify, prune crash-safely, plan,
 * then stage, switch and check health on a virtual clock. Any device failure
 * rolls the whole site back: a linked upgrade is one transaction.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

enum dev_state { DEV_UNCHANGED = 0, DEV_UPGRADED, DEV_ROLLED_BACK, DEV_FAILED };
static const char *const dev_state_names[] = { "unchanged", "upgraded", "rolled_back", "failed" };
static const char *const outcome_names[] = { "upgraded", "rolled_back", "current", "failed" };
static const char *const recover_names[] = { "clean", "finished", "undone" };

const char *sim_outcome_name(enum sim_outcome o)
{
	return outcome_names[o];
}

struct dev {
	const struct sim_dev *spec;
	long parent;             /* topology index, -1 for the master */
	size_t depth;
	long step;               /* upgrade plan step, -1 when the device keeps its package */
	const struct sim_pkg *pkg;
	double arrived, staged, sw_start, sw_end;
	int switched;
	int fault[3];            /* stage, switch, health faults aimed at it */
	enum dev_state state;
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
	int crashed, crash_step;
	int staging_reached;
	dupg_recover_report recovery;
	struct sim_site_sum *sum;
};

static char *pkg_name_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t n = strlen(base);

	if (n > 7 && strcmp(base + n - 7, ".tar.gz") == 0)
		n -= 7;
	return strndup(base, n);
}

/* The scenario package a store or task path names, or NULL. */
static const struct sim_pkg *pkg_of_path(const struct sim_scenario *sc, const char *path)
{
	char *name = pkg_name_of(path);
	long i = name ? sim_scenario_find_pkg(sc, name) : -1;

	free(name);
	return i < 0 ? NULL : &sc->pkgs[i];
}

static void fired(struct site_run *r, size_t i)
{
	if (i < sizeof(r->fault_fired) / sizeof(r->fault_fired[0]))
		r->fault_fired[i] = 1;
}

static double transfer_s(uint64_t bytes, double mbps, double latency_ms)
{
	return latency_ms / 1000.0 + (double)bytes * 8.0 / (mbps * 1e6);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *sim_json_num(double v, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
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
		f.step = (int)sim_rng_below(&r->rng, DUPG_STEP_DONE + 1);
		if ((rc = sim_site_add_fault(r->site, &f)) != 0)
			return rc;
	}
	return 0;
}

static void set_cause(struct site_run *r, int kind, const char *device, const char *origin,
		      const char *fmt, ...) SIM_PRINTF(5, 6);

static void set_cause(struct site_run *r, int kind, const char *device, const char *origin,
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
		const struct sim_pkg *p = &sc->pkgs[r->site->store[i]];
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
	if (rc == 0 && (rc = dupg_pathlist_save(l, r->list_file, r->ctx->opt->no_fsync)) != 0)
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
		char *p = sim_printf("%s/%s", r->store_dir, r->ctx->sc->pkgs[r->dl_pkgs[i]].base);
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
		r->task_pkgs[i] = ctx->set_pkg[dupg_task_package(r->task, i)];
	if (cut != NULL) {
		for (i = 0; i < r->ntask; i++)
			if (cut->package != NULL &&
			    strcmp(ctx->sc->pkgs[r->task_pkgs[i]].name, cut->package) == 0)
				cut_at = i;
		if (cut->package == NULL && r->ntask > 0)
			cut_at = (size_t)sim_rng_below(&r->rng, r->ntask);
	}
	for (i = 0; i < r->ntask; i++) {
		const struct sim_pkg *p = &ctx->sc->pkgs[r->task_pkgs[i]];
		char *src, *dst;
		uint64_t copied = 0;

		/* a package the store already holds (an earlier attempt) is not fetched again */
		if (in_store(r->site, r->task_pkgs[i]))
			continue;
		src = sim_printf("%s/%s", ctx->server_dir, p->base);
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
			r->t += transfer_s(copied, r->site->uplink_mbps, r->site->devs[0].latency_ms);
			fired(r, (size_t)fi);
			set_cause(r, SIM_FAULT_CUT, NULL, cut->origin,
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
		r->t += transfer_s(copied, r->site->uplink_mbps, r->site->devs[0].latency_ms);
		r->dl_pkgs[r->ndl++] = r->task_pkgs[i];
	}
	/* verify before anything touches the store: a corrupt package never enters a list */
	for (i = 0; i < r->ndl; i++) {
		const struct sim_pkg *p = &ctx->sc->pkgs[r->dl_pkgs[i]];
		char *dst = sim_printf("%s/%s", r->store_dir, p->base);

		if (dst == NULL)
			return sim_error(DUPG_ENOMEM, "out of memory");
		rc = dupg_package_verify(NULL, dst);
		free(dst);
		if (rc != 0) {
			set_cause(r, -1, NULL, p->corrupt == 2 ? "--corrupt" : p->corrupt ? "scenario" : "library",
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
	return (int)step == *(int *)payload;
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
	dupg_store_options opts = DUPG_STORE_OPTIONS_INIT;
	const struct sim_fault *crash = find_fault(r, SIM_FAULT_CRASH, NULL);
	size_t fi = 0;
	dupg_pathlist *first = NULL;
	dupg_prune *pure = NULL;
	char *text = NULL;
	size_t i, len = 0;
	int rc;

	for (i = 0; i < r->ndl; i++)
		len += strlen(r->ctx->sc->pkgs[r->dl_pkgs[i]].base) + 1;
	text = calloc(1, len + 1);
	if (text == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ndl; i++) {
		strcat(text, r->ctx->sc->pkgs[r->dl_pkgs[i]].base);
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
	opts.apply = 1;
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
	rc = dupg_store_prune(&r->prune, r->store, r->dl, &opts);
	if (rc == DUPG_EABORTED) {
		char **paths = NULL;
		size_t n = 0;

		/* the master crashed mid-update: it reboots, recovers, and resumes the task */
		r->crashed = 1;
		fired(r, (size_t)fi);
		dupg_prune_free(r->prune);
		r->prune = NULL;
		dupg_store_free(r->store);
		r->store = NULL;
		rc = dupg_store_recover(&r->recovery, r->list_file, r->ctx->opt->no_fsync);
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
			opts.step_cb = NULL;
			rc = dupg_store_open(&r->store, r->list_file);
			if (rc == 0)
				rc = dupg_store_prune(&r->prune, r->store, r->dl, &opts);
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

/* ---- devices on the virtual clock ---------------------------------------- */

static int is_ancestor(const struct site_run *r, size_t a, size_t d)
{
	long p;

	for (p = r->devs[d].parent; p >= 0; p = r->devs[p].parent)
		if ((size_t)p == a)
			return 1;
	return 0;
}

struct relay {
	size_t dev;
	const struct sim_pkg *pkg;
	double t;
};

/*
 * Stage every planned device: its package travels master -> HUB -> ... ->
 * device, each link carrying one transfer at a time, store-and-forward; a
 * HUB that already holds a package relays it without fetching it again.
 * Returns the index of the first device to fail staging, or -1.
 */
static long stage(struct site_run *r, double *fail_t)
{
	size_t nsteps = dupg_plan_count(r->up), s, j, nrelay = 0;
	struct relay *relay = calloc(nsteps * (r->ndev + 1) + 1, sizeof(*relay));
	double *link_free = calloc(r->ndev, sizeof(*link_free));
	long failed = -1;

	*fail_t = INFINITY;
	if (relay == NULL || link_free == NULL) {
		free(relay);
		free(link_free);
		return -2;
	}
	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s), nvia = dupg_plan_via_count(r->up, s);
		const struct sim_pkg *pkg = r->devs[d].pkg;
		double t = r->t_download;
		size_t from = (size_t)dupg_topology_master(r->topo);

		for (j = 0; j <= nvia && dupg_plan_action_get(r->up, s) == DUPG_ACTION_SEND; j++) {
			long to = j < nvia ? dupg_topology_find(r->topo, dupg_plan_via(r->up, s, j))
					   : (long)d;
			size_t k;

			if (to < 0 || r->devs[to].parent != (long)from) {
				free(relay);
				free(link_free);
				return -3;
			}
			for (k = 0; k < nrelay; k++)
				if (relay[k].dev == (size_t)to && relay[k].pkg == pkg)
					break;
			if (k < nrelay) {
				t = relay[k].t;
			} else {
				const struct sim_dev *ds = r->devs[to].spec;
				double start = t > link_free[to] ? t : link_free[to];
				t = start + transfer_s(pkg->size, ds->link_mbps, ds->latency_ms);
				link_free[to] = t;
				relay[nrelay].dev = (size_t)to;
				relay[nrelay].pkg = pkg;
				relay[nrelay++].t = t;
			}
			from = (size_t)to;
		}
		r->devs[d].arrived = t;
		r->devs[d].staged = t + r->devs[d].spec->duration_s;
		if (r->devs[d].fault[0]) {
			double ft = t + r->devs[d].spec->duration_s / 2.0;
			if (ft < *fail_t) {
				*fail_t = ft;
				failed = (long)d;
			}
		}
	}
	free(relay);
	free(link_free);
	return failed;
}

/*
 * Switch the given devices (flag set in want[]) in the library's order,
 * deepest first, master last: a device starts only after every switching
 * device behind it has finished. Returns the time the last one finished.
 */
static double switch_wave(struct site_run *r, const dupg_plan *plan, const int *want, double t0,
			  int set_times)
{
	size_t n = dupg_plan_count(plan), i;
	size_t *order = calloc(n ? n : 1, sizeof(*order));
	double *sub = calloc(r->ndev, sizeof(*sub)), end_all = t0;

	if (order == NULL || sub == NULL) {
		free(order);
		free(sub);
		return NAN;
	}
	dupg_plan_switch_order(plan, order);
	for (i = 0; i < r->ndev; i++)
		sub[i] = t0;
	for (i = 0; i < n; i++) {
		size_t d = dupg_plan_device_index(plan, order[i]);
		double start, end;
		long p;

		if (!want[d])
			continue;
		start = sub[d];
		end = start + r->devs[d].spec->switch_s;
		if (set_times) {
			r->devs[d].sw_start = start;
			r->devs[d].sw_end = end;
		}
		for (p = r->devs[d].parent; p >= 0; p = r->devs[p].parent)
			if (sub[p] < end)
				sub[p] = end;
		if (end > end_all)
			end_all = end;
	}
	free(order);
	free(sub);
	return end_all;
}

/* The library's switch order must never put a device before one behind it. */
static int check_switch_order(struct site_run *r)
{
	size_t n = dupg_plan_count(r->up), i, j;
	size_t *order = calloc(n ? n : 1, sizeof(*order));

	if (order == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	dupg_plan_switch_order(r->up, order);
	for (i = 0; i < n; i++) {
		size_t a = dupg_plan_device_index(r->up, order[i]);
		for (j = i + 1; j < n; j++) {
			size_t d = dupg_plan_device_index(r->up, order[j]);
			if (is_ancestor(r, a, d)) {
				free(order);
				return sim_error(DUPG_ERROR, "site %s: switch order puts %s before %s, "
							     "which is behind it", r->site->id,
						 r->devs[a].spec->id, r->devs[d].spec->id);
			}
		}
	}
	free(order);
	return 0;
}

static int roll_back(struct site_run *r, double t_fail)
{
	int *want = calloc(r->ndev, sizeof(*want));
	double base = t_fail, end;
	size_t i;

	if (want == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (i = 0; i < r->ndev; i++) {
		if (r->devs[i].step < 0)
			continue;
		if (r->devs[i].state != DEV_FAILED)
			r->devs[i].state = DEV_ROLLED_BACK;
		/* a switch already under way finishes before it can be undone */
		if (r->devs[i].switched) {
			want[i] = 1;
			if (r->devs[i].sw_end > base)
				base = r->devs[i].sw_end;
		}
	}
	/* staged slots are simply abandoned; switched devices go back to their old slot */
	end = switch_wave(r, r->rb, want, base, 0);
	free(want);
	if (isnan(end))
		return sim_error(DUPG_ENOMEM, "out of memory");
	r->t_rollback = end - t_fail;
	r->t = end;
	return 0;
}

static int fault_index(struct site_run *r, enum sim_fault_kind kind, const char *device)
{
	size_t i;

	for (i = 0; i < r->site->nfaults; i++)
		if (r->site->faults[i].kind == kind && r->site->faults[i].device != NULL &&
		    strcmp(r->site->faults[i].device, device) == 0)
			return (int)i;
	return -1;
}

static int run_devices(struct site_run *r, const dupg_config *latest)
{
	static const char *const what[3] = { "failed while staging its package",
					     "failed to switch to its new slot",
					     "failed its health check after switching" };
	size_t nsteps = dupg_plan_count(r->up), s, i;
	int *want = NULL, k, rc;
	double t_fail;
	long failed;

	(void)latest;
	/* random device faults aim at a device of the plan */
	for (i = 0; i < r->site->nfaults; i++) {
		struct sim_fault *f = &r->site->faults[i];
		if (f->kind <= SIM_FAULT_HEALTH && f->device == NULL && nsteps > 0) {
			size_t d = dupg_plan_device_index(r->up, (size_t)sim_rng_below(&r->rng, nsteps));
			if ((f->device = sim_strdup(r->devs[d].spec->id)) == NULL)
				return sim_error(DUPG_ENOMEM, "out of memory");
		}
	}
	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		for (k = 0; k < 3; k++)
			r->devs[d].fault[k] = fault_index(r, (enum sim_fault_kind)k, r->devs[d].spec->id) >= 0;
	}
	if ((rc = check_switch_order(r)) != 0)
		return rc;

	r->staging_reached = 1;
	failed = stage(r, &t_fail);
	if (failed < -1)
		return failed == -2 ? sim_error(DUPG_ENOMEM, "out of memory")
				    : sim_error(DUPG_ERROR, "site %s: a plan route does not follow "
							    "the tree", r->site->id);
	r->t_staged = r->t_download;
	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		if (r->devs[d].staged > r->t_staged)
			r->t_staged = r->devs[d].staged;
	}
	if (failed >= 0) {
		const char *id = r->devs[failed].spec->id;
		int fi = fault_index(r, SIM_FAULT_STAGE, id);
		fired(r, (size_t)fi);
		r->devs[failed].state = DEV_FAILED;
		set_cause(r, SIM_FAULT_STAGE, id, r->site->faults[fi].origin, "%s %s", id, what[0]);
		r->t_staged = t_fail;
		return roll_back(r, t_fail);
	}

	/* every device has staged: the site switches, deepest first, the master last */
	want = calloc(r->ndev, sizeof(*want));
	if (want == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (s = 0; s < nsteps; s++)
		want[dupg_plan_device_index(r->up, s)] = 1;
	r->t_switched = switch_wave(r, r->up, want, r->t_staged, 1);
	free(want);
	if (isnan(r->t_switched))
		return sim_error(DUPG_ENOMEM, "out of memory");
	t_fail = INFINITY;
	failed = -1;
	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		double ft = r->devs[d].sw_start + r->devs[d].spec->switch_s / 2.0;
		if (r->devs[d].fault[1] && ft < t_fail) {
			t_fail = ft;
			failed = (long)d;
		}
	}
	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		r->devs[d].switched = (long)d != failed && r->devs[d].sw_start < t_fail;
	}
	if (failed >= 0) {
		const char *id = r->devs[failed].spec->id;
		int fi = fault_index(r, SIM_FAULT_SWITCH, id);
		fired(r, (size_t)fi);
		r->devs[failed].state = DEV_FAILED;
		set_cause(r, SIM_FAULT_SWITCH, id, r->site->faults[fi].origin, "%s %s", id, what[1]);
		r->t_switched = t_fail;
		return roll_back(r, t_fail);
	}

	/* every device runs its new slot: success only once each passes its health check */
	r->t_done = r->t_switched;
	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		double ht = r->t_switched + r->devs[d].spec->health_s;
		if (r->devs[d].fault[2] && ht < t_fail) {
			t_fail = ht;
			failed = (long)d;
		}
		if (ht > r->t_done)
			r->t_done = ht;
	}
	if (failed >= 0) {
		const char *id = r->devs[failed].spec->id;
		int fi = fault_index(r, SIM_FAULT_HEALTH, id);
		fired(r, (size_t)fi);
		r->devs[failed].state = DEV_FAILED;
		set_cause(r, SIM_FAULT_HEALTH, id, r->site->faults[fi].origin, "%s %s", id, what[2]);
		r->t_done = t_fail;
		return roll_back(r, t_fail);
	}
	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		r->devs[d].state = DEV_UPGRADED;
		if ((rc = dupg_topology_set_version(r->topo, d, r->devs[d].pkg->version)) != 0)
			return sim_error_lib(rc, "site %s", r->site->id);
	}
	r->t = r->t_done;
	return 0;
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
		const struct sim_pkg *p = path ? pkg_of_path(r->ctx->sc, path) : NULL;

		if (d >= r->ndev || p == NULL)
			return sim_error(DUPG_ERROR, "site %s: plan step %zu names an unknown "
						     "device or package", r->site->id, s);
		r->devs[d].step = (long)s;
		r->devs[d].pkg = p;
	}
	return run_devices(r, latest);
}

/* ---- the store after the run -------------------------------------------- */

static json_object *names_json(char **paths, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		char *name = pkg_name_of(paths[i]);
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

/* ---- the site's report entry --------------------------------------------- */

static json_object *pkg_names(const struct sim_scenario *sc, const size_t *idx, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		json_object_array_add(a, json_object_new_string(sc->pkgs[idx[i]].name));
	return a;
}

static json_object *devices_json(struct site_run *r)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < r->ndev; i++) {
		const struct dev *d = &r->devs[i];
		const struct sim_dev *s = d->spec;
		json_object *o = json_object_new_object();
		const char *after = d->state == DEV_UPGRADED ? d->pkg->version : s->version;

		json_object_object_add(o, "id", json_object_new_string(s->id));
		json_object_object_add(o, "role", json_object_new_string(sim_role_name(s->role)));
		json_object_object_add(o, "hw", json_object_new_string(s->hw));
		json_object_object_add(o, "parent", jstr(s->parent));
		json_object_object_add(o, "version_before", json_object_new_string(s->version));
		json_object_object_add(o, "version_after", json_object_new_string(after));
		json_object_object_add(o, "state", json_object_new_string(dev_state_names[d->state]));
		json_object_object_add(o, "package", d->pkg ? json_object_new_string(d->pkg->name) : NULL);
		if (d->step >= 0 && r->staging_reached) {
			json_object_object_add(o, "staged_s", sim_json_num(d->staged, 3));
			if (d->switched || d->state == DEV_UPGRADED)
				json_object_object_add(o, "switched_s", sim_json_num(d->sw_end, 3));
		}
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *faults_json(struct site_run *r)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; a != NULL && i < r->site->nfaults; i++) {
		const struct sim_fault *f = &r->site->faults[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "kind", json_object_new_string(sim_fault_name(f->kind)));
		if (f->device != NULL)
			json_object_object_add(o, "device", json_object_new_string(f->device));
		if (f->kind == SIM_FAULT_CUT && f->package != NULL)
			json_object_object_add(o, "package", json_object_new_string(f->package));
		if (f->kind == SIM_FAULT_CRASH)
			json_object_object_add(o, "step", json_object_new_string(sim_step_name(f->step)));
		json_object_object_add(o, "origin", json_object_new_string(f->origin));
		json_object_object_add(o, "fired", json_object_new_boolean(i < 64 && r->fault_fired[i]));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *site_json(struct site_run *r, unsigned wave)
{
	const struct sim_scenario *sc = r->ctx->sc;
	struct sim_site_sum *sum = r->sum;
	json_object *o = json_object_new_object(), *t, *task, *jstore, *deleted;
	size_t i;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "site", json_object_new_string(r->site->id));
	json_object_object_add(o, "wave", json_object_new_int((int)wave));
	json_object_object_add(o, "outcome", json_object_new_string(outcome_names[sum->outcome]));
	json_object_object_add(o, "kind", json_object_new_string(dupg_task_kind_name(sum->kind)));
	task = json_object_new_array();
	for (i = 0; r->task != NULL && i < dupg_task_count(r->task); i++)
		json_object_array_add(task, json_object_new_string(dupg_task_path(r->task, i)));
	json_object_object_add(o, "task", task);
	json_object_object_add(o, "bytes_downloaded", json_object_new_int64((int64_t)sum->bytes_downloaded));
	json_object_object_add(o, "downloaded", pkg_names(sc, r->dl_pkgs, r->ndl));
	deleted = json_object_new_array();
	for (i = 0; r->prune != NULL && i < dupg_prune_count(r->prune, DUPG_LIST_DELETABLE); i++) {
		char *name = pkg_name_of(dupg_prune_path(r->prune, DUPG_LIST_DELETABLE, i));
		json_object_array_add(deleted, name ? json_object_new_string(name) : NULL);
		free(name);
	}
	json_object_object_add(o, "deleted", deleted);
	json_object_object_add(o, "virtual_time_s", sim_json_num(sum->vtime, 3));
	if (r->cause.kind >= 0 || r->cause.corrupt) {
		json_object *c = json_object_new_object();
		json_object_object_add(c, "kind", json_object_new_string(
			r->cause.corrupt ? "corrupt" : sim_fault_name((enum sim_fault_kind)r->cause.kind)));
		json_object_object_add(c, "device", jstr(r->cause.device));
		json_object_object_add(c, "origin", jstr(r->cause.origin));
		json_object_object_add(c, "detail", json_object_new_string(r->cause.detail));
		json_object_object_add(o, "cause", c);
	} else {
		json_object_object_add(o, "cause", NULL);
	}
	t = json_object_new_object();
	json_object_object_add(t, "download_s", sim_json_num(r->t_download, 3));
	json_object_object_add(t, "staged_s", sim_json_num(r->t_staged, 3));
	json_object_object_add(t, "switched_s", sim_json_num(r->t_switched, 3));
	json_object_object_add(t, "done_s", sim_json_num(r->t_done, 3));
	json_object_object_add(t, "rollback_s", sim_json_num(r->t_rollback, 3));
	json_object_object_add(o, "timeline", t);
	if (r->crashed) {
		json_object *rec = json_object_new_object();
		json_object_object_add(rec, "crash_step", json_object_new_string(sim_step_name(r->crash_step)));
		json_object_object_add(rec, "action", json_object_new_string(recover_names[r->recovery.action]));
		json_object_object_add(rec, "temps_removed", json_object_new_int64((int64_t)r->recovery.temps_removed));
		json_object_object_add(rec, "files_deleted", json_object_new_int64((int64_t)r->recovery.files_deleted));
		json_object_object_add(o, "recovery", rec);
	}
	jstore = json_object_new_object();
	json_object_object_add(o, "store", jstore);
	json_object_object_add(o, "faults", faults_json(r));
	json_object_object_add(o, "devices", devices_json(r));
	return o;
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
		bytes += r->ctx->sc->pkgs[r->site->store[i]].size;
	return bytes;
}

/* After an upgrade the site must match as current: the server has nothing newer for it. */
static int check_current(struct site_run *r, int *current)
{
	dupg_sysvd *after = NULL;
	dupg_task *again = NULL;
	int rc;

	if ((rc = dupg_topology_merge(&after, r->topo)) != 0 ||
	    (rc = dupg_match(&again, r->ctx->set, after)) != 0) {
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
	char origin[512];
	size_t i;
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
	if ((rc = dupg_match(&r.task, ctx->set, r.sysvd)) != 0) {
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
				sum->baseline_store_bytes += ctx->sc->pkgs[r.dl_pkgs[i]].size;
			if ((rc = update_store(&r)) != 0 || (rc = plan(&r)) != 0)
				goto out;
			sum->outcome = r.cause.kind >= 0 ? SIM_ROLLED_BACK : SIM_UPGRADED;
			if (sum->outcome == SIM_UPGRADED && (rc = check_current(&r, &current_after)) != 0)
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
	sum->deleted = r.prune ? dupg_prune_count(r.prune, DUPG_LIST_DELETABLE) : 0;
	*json = site_json(&r, wave);
	if (*json == NULL) {
		rc = sim_error(DUPG_ENOMEM, "out of memory");
		goto out;
	}
	{
		json_object *jstore = NULL;
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
	run_free(&r);
	return rc;
}
