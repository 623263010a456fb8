/*
 * Devices on the virtual clock, in the manner of O-RAN software management:
 * each device stages its package into its inactive slot, the site switches
 * only when all have staged (deepest first, the master last), then every
 * changed device checks its health. Any failure rolls the whole site back.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/devices.h"
#include "model/siterun.h"

static int is_ancestor(const struct site_run *r, size_t a, size_t d)
{
	size_t p;

	for (p = r->devs[d].parent; p != DUPG_NONE; p = r->devs[p].parent)
		if (p == a)
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
		size_t from = dupg_topology_master(r->topo);

		for (j = 0; j <= nvia && dupg_plan_action_get(r->up, s) == DUPG_ACTION_SEND; j++) {
			size_t to = j < nvia ? dupg_topology_find(r->topo, dupg_plan_via(r->up, s, j)) : d;
			size_t k;

			if (to == DUPG_NONE || r->devs[to].parent != from) {
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
				t = start + site_transfer_s(pkg->size, ds->link_mbps, ds->latency_ms);
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
		size_t p;

		if (!want[d])
			continue;
		start = sub[d];
		end = start + r->devs[d].spec->switch_s;
		if (set_times) {
			r->devs[d].sw_start = start;
			r->devs[d].sw_end = end;
		}
		for (p = r->devs[d].parent; p != DUPG_NONE; p = r->devs[p].parent)
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
		if (r->devs[i].state != SIM_DEV_FAILED)
			r->devs[i].state = SIM_DEV_ROLLED_BACK;
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

/* Device d failed at t_fail with a fault of kind: say why, then roll the whole site back. */
static int device_failed(struct site_run *r, enum sim_fault_kind kind, long d, double t_fail)
{
	static const char *const what[3] = { "failed while staging its package",
					     "failed to switch to its new slot",
					     "failed its health check after switching" };
	const char *id = r->devs[d].spec->id;
	int fi = site_fault_index(r, kind, id);

	site_fired(r, (size_t)fi);
	r->devs[d].state = SIM_DEV_FAILED;
	site_set_cause(r, kind, id, r->site->faults[fi].origin, "%s %s", id, what[kind]);
	return roll_back(r, t_fail);
}

/* Random device faults aim at a device of the plan; each planned device learns its faults. */
static int aim_faults(struct site_run *r)
{
	size_t nsteps = dupg_plan_count(r->up), s, i;
	int k;

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
			r->devs[d].fault[k] = site_fault_index(r, (enum sim_fault_kind)k,
							       r->devs[d].spec->id) >= 0;
	}
	return 0;
}

/*
 * The phases below return 0 when every device got through, 1 when one failed
 * and the site has rolled back, or a negative error.
 */
static int failed_phase(struct site_run *r, enum sim_fault_kind kind, long d, double t_fail)
{
	int rc = device_failed(r, kind, d, t_fail);

	return rc != 0 ? rc : 1;
}

/* Every planned device writes its package into its inactive slot. */
static int stage_phase(struct site_run *r)
{
	size_t nsteps = dupg_plan_count(r->up), s;
	double t_fail;
	long failed;

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
		r->t_staged = t_fail;
		return failed_phase(r, SIM_FAULT_STAGE, failed, t_fail);
	}
	return 0;
}

/* Every device has staged: the site switches, deepest first, the master last. */
static int switch_phase(struct site_run *r)
{
	size_t nsteps = dupg_plan_count(r->up), s;
	double t_fail = INFINITY;
	long failed = -1;
	int *want = calloc(r->ndev, sizeof(*want));

	if (want == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (s = 0; s < nsteps; s++)
		want[dupg_plan_device_index(r->up, s)] = 1;
	r->t_switched = switch_wave(r, r->up, want, r->t_staged, 1);
	free(want);
	if (isnan(r->t_switched))
		return sim_error(DUPG_ENOMEM, "out of memory");
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
		r->t_switched = t_fail;
		return failed_phase(r, SIM_FAULT_SWITCH, failed, t_fail);
	}
	return 0;
}

/* Every device runs its new slot: success only once each passes its health check. */
static int health_phase(struct site_run *r)
{
	size_t nsteps = dupg_plan_count(r->up), s;
	double t_fail = INFINITY;
	long failed = -1;

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
		r->t_done = t_fail;
		return failed_phase(r, SIM_FAULT_HEALTH, failed, t_fail);
	}
	return 0;
}

/* The upgrade held: the topology now describes the new versions. */
static int commit(struct site_run *r)
{
	size_t nsteps = dupg_plan_count(r->up), s;
	int rc;

	for (s = 0; s < nsteps; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		r->devs[d].state = SIM_DEV_UPGRADED;
		if ((rc = dupg_topology_set_version(r->topo, d, r->devs[d].pkg->version)) != 0)
			return sim_error_lib(rc, "site %s", r->site->id);
	}
	r->t = r->t_done;
	return 0;
}

int site_devices_run(struct site_run *r)
{
	int rc;

	if ((rc = aim_faults(r)) != 0 || (rc = check_switch_order(r)) != 0)
		return rc;
	if ((rc = stage_phase(r)) != 0 || (rc = switch_phase(r)) != 0 ||
	    (rc = health_phase(r)) != 0)
		return rc < 0 ? rc : 0;
	return commit(r);
}
