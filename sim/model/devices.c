/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Devices on the virtual clock, in the manner of O-RAN software management:
 * two slots each, one running, the other staged with the new package, then
 * switched to (a reboot), checked, or switched back from. They take the
 * transaction's actions and answer them later on the clock. Each device does
 * one piece of slot work at a time; its state is updated as the work is
 * scheduled, so a repeated action sees what the first will have done and
 * answers as it will (the idempotence dupg/txn.h asks of a device).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/devices.h"
#include "model/siterun.h"

#define NONE32 UINT32_MAX
/* A device runs slot 0, stages into slot 1 and runs that after switching. */
#define NEW_SLOT 1

enum { OP_NONE, OP_STAGE, OP_SWITCH, OP_CHECK, OP_BACK };

/* A package that reached a device: a HUB relays it again without fetching it. */
struct relay {
	const struct sim_pkg *pkg;
	double t;      /* when it arrived */
	uint32_t next; /* the device's next, NONE32 */
};

/* An answer on its way to the master. */
struct answer {
	double at;
	uint64_t order;      /* answers due at the same time arrive in the order they were made */
	const char *detail;  /* a failure's words, static */
	uint32_t dev;        /* topology index */
	uint32_t epoch;      /* the device's epoch when it was made */
	int fault;           /* the site fault that made it a failure, -1 */
	uint8_t kind;        /* dupg_txn_event_kind */
	uint8_t runs_new;    /* REPORT: the slot it runs */
};

struct sim_devices {
	struct site_run *r;
	struct relay *relay;
	size_t nrelay, relaycap;
	struct answer *heap;
	size_t nheap, heapcap;
	uint64_t order;
	uint32_t *path;      /* a route walked up from a device, one entry a hop */
};

static const char stage_failed[] = "failed while staging its package";
static const char switch_failed[] = "failed to switch to its new slot";
static const char check_failed[] = "failed its health check after switching";
static const char nothing_staged[] = "has nothing staged to switch to";

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
							       r->devs[d].spec->id);
	}
	return 0;
}

int sim_devices_new(struct sim_devices **out, struct site_run *r)
{
	struct sim_devices *dv = calloc(1, sizeof(*dv));
	int rc;

	*out = NULL;
	if (dv == NULL || (dv->path = malloc((r->ndev ? r->ndev : 1) * sizeof(*dv->path))) == NULL) {
		free(dv);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	dv->r = r;
	if ((rc = aim_faults(r)) != 0) {
		sim_devices_free(dv);
		return rc;
	}
	*out = dv;
	return 0;
}

void sim_devices_free(struct sim_devices *dv)
{
	if (dv == NULL)
		return;
	free(dv->relay);
	free(dv->heap);
	free(dv->path);
	free(dv);
}

/* ---- answers: a min-heap by time, then by order ---------------------------- */

static int before(const struct answer *a, const struct answer *b)
{
	return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static int schedule(struct sim_devices *dv, size_t d, double at, dupg_txn_event_kind kind,
		    int fault, const char *detail)
{
	struct answer a;
	size_t i;

	if (sim_grow(&dv->heap, &dv->heapcap, dv->nheap + 1, sizeof(*dv->heap)) != 0)
		return sim_error(DUPG_ENOMEM, "out of memory");
	a.at = at;
	a.order = dv->order++;
	a.detail = detail;
	a.dev = (uint32_t)d;
	a.epoch = dv->r->devs[d].epoch;
	a.fault = fault;
	a.kind = (uint8_t)kind;
	a.runs_new = dv->r->devs[d].runs_new;
	for (i = dv->nheap++; i > 0 && before(&a, &dv->heap[(i - 1) / 2]); i = (i - 1) / 2)
		dv->heap[i] = dv->heap[(i - 1) / 2];
	dv->heap[i] = a;
	return 0;
}

static void pop(struct sim_devices *dv)
{
	struct answer last = dv->heap[--dv->nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < dv->nheap) {
		if (c + 1 < dv->nheap && before(&dv->heap[c + 1], &dv->heap[c]))
			c++;
		if (!before(&dv->heap[c], &last))
			break;
		dv->heap[i] = dv->heap[c];
		i = c;
	}
	if (dv->nheap > 0)
		dv->heap[i] = last;
}

/* Drop the cancelled answers at the top. */
static void drop_stale(struct sim_devices *dv)
{
	while (dv->nheap > 0 && dv->heap[0].epoch != dv->r->devs[dv->heap[0].dev].epoch)
		pop(dv);
}

double sim_devices_due(struct sim_devices *dv)
{
	drop_stale(dv);
	return dv->nheap > 0 ? dv->heap[0].at : INFINITY;
}

int sim_devices_answer(struct sim_devices *dv, double *at, dupg_txn_event *ev, int *fault)
{
	const struct sim_devrun *x;
	struct answer a;
	dupg_txn_event e = DUPG_TXN_EVENT_INIT;

	drop_stale(dv);
	if (dv->nheap == 0)
		return 0;
	a = dv->heap[0];
	pop(dv);
	x = &dv->r->devs[a.dev];
	e.kind = (dupg_txn_event_kind)a.kind;
	e.device = (size_t)x->step;
	e.detail = a.detail;
	if (e.kind == DUPG_TXN_EV_STAGED)
		e.slot = NEW_SLOT;
	if (e.kind == DUPG_TXN_EV_REPORT) {
		e.version = a.runs_new ? x->pkg->version : x->spec->version;
		e.slot = a.runs_new ? NEW_SLOT : 0;
	}
	*at = a.at;
	*ev = e;
	*fault = a.fault;
	return 1;
}

void sim_devices_lose(struct sim_devices *dv, double until)
{
	while (sim_devices_due(dv) < until)
		pop(dv);
}

/* ---- the actions ------------------------------------------------------------ */

static double later(double a, double b)
{
	return a > b ? a : b;
}

static const struct relay *held(const struct sim_devices *dv, size_t d, const struct sim_pkg *pkg)
{
	uint32_t i;

	for (i = dv->r->devs[d].relay; i != NONE32; i = dv->relay[i].next)
		if (dv->relay[i].pkg == pkg)
			return &dv->relay[i];
	return NULL;
}

static int keep(struct sim_devices *dv, size_t d, const struct sim_pkg *pkg, double t)
{
	struct relay *e;

	if (dv->nrelay >= NONE32 ||
	    sim_grow(&dv->relay, &dv->relaycap, dv->nrelay + 1, sizeof(*dv->relay)) != 0)
		return sim_error(DUPG_ENOMEM, "out of memory");
	e = &dv->relay[dv->nrelay];
	e->pkg = pkg;
	e->t = t;
	e->next = dv->r->devs[d].relay;
	dv->r->devs[d].relay = (uint32_t)dv->nrelay++;
	return 0;
}

/*
 * The package travels master -> HUB -> ... -> device, store and forward,
 * each link carrying one transfer at a time; a HUB it already reached relays
 * it without fetching it again. Only the hops it has not reached are
 * walked, so every send together walks each (device, package) once.
 */
static int send(struct sim_devices *dv, size_t d, size_t via, double now)
{
	struct site_run *r = dv->r;
	const struct sim_pkg *pkg = r->devs[d].pkg;
	size_t master = dupg_topology_master(r->topo), x, n = 0;
	const struct relay *h = NULL;
	double t = now;
	int rc;

	if (r->devs[d].depth != via + 1)
		return sim_error(DUPG_ERROR, "site %s: the route to %s does not follow the tree",
				 r->site->id, r->devs[d].spec->id);
	for (x = d; x != master && (h = held(dv, x, pkg)) == NULL; x = r->devs[x].parent)
		dv->path[n++] = (uint32_t)x;
	if (x != master)
		t = later(h->t, now);
	while (n > 0) {
		struct sim_devrun *to = &r->devs[dv->path[--n]];

		t = later(t, to->link_free) +
		    site_transfer_s(pkg->size, to->spec->link_mbps, to->spec->latency_ms);
		to->link_free = t;
		if ((rc = keep(dv, (size_t)(to - r->devs), pkg, t)) != 0)
			return rc;
	}
	return schedule(dv, d, t, DUPG_TXN_EV_SENT, -1, NULL);
}

/* Write the package into the inactive slot: the device's duration; a fault fails it half-way. */
static int stage(struct sim_devices *dv, size_t d, double now)
{
	struct sim_devrun *x = &dv->r->devs[d];
	double start, dur = (double)x->spec->duration_s;

	if (x->op == OP_STAGE && x->busy_until > now)
		return x->op_fails ? schedule(dv, d, x->busy_until, DUPG_TXN_EV_STAGE_FAILED,
					      x->fault[0], stage_failed)
				   : schedule(dv, d, x->busy_until, DUPG_TXN_EV_STAGED, -1, NULL);
	if (x->slot_full)
		return schedule(dv, d, now, DUPG_TXN_EV_STAGED, -1, NULL);
	start = later(now, x->busy_until);
	x->op = OP_STAGE;
	x->op_fails = x->fault[0] >= 0;
	if (x->op_fails) {
		x->busy_until = start + dur / 2.0;
		return schedule(dv, d, x->busy_until, DUPG_TXN_EV_STAGE_FAILED, x->fault[0],
				stage_failed);
	}
	x->busy_until = start + dur;
	x->slot_full = 1;
	x->has_staged = 1;
	x->staged = x->busy_until;
	return schedule(dv, d, x->busy_until, DUPG_TXN_EV_STAGED, -1, NULL);
}

/* Drop the staged slot, or stop writing it; whatever it was about to answer is not sent. */
static void abandon(struct sim_devices *dv, size_t d, double now)
{
	struct sim_devrun *x = &dv->r->devs[d];

	if (x->op == OP_STAGE && x->busy_until > now) {
		x->busy_until = now;
		x->op = OP_NONE;
		x->has_staged = 0;
	}
	x->slot_full = 0;
	x->epoch++;
}

/* Reboot into the new slot: its switch_s; a fault fails it half-way, on the old slot. */
static int do_switch(struct sim_devices *dv, size_t d, double now)
{
	struct sim_devrun *x = &dv->r->devs[d];
	double start = later(now, x->busy_until), sw = x->spec->switch_s;

	if (x->runs_new)
		return schedule(dv, d, start, DUPG_TXN_EV_SWITCHED, -1, NULL);
	if (x->op == OP_SWITCH && x->busy_until > now)
		return schedule(dv, d, x->busy_until, DUPG_TXN_EV_SWITCH_FAILED, x->fault[1],
				switch_failed);
	if (!x->slot_full)
		return schedule(dv, d, start, DUPG_TXN_EV_SWITCH_FAILED, -1, nothing_staged);
	x->op = OP_SWITCH;
	x->op_fails = x->fault[1] >= 0;
	if (x->op_fails) {
		x->busy_until = start + sw / 2.0;
		return schedule(dv, d, x->busy_until, DUPG_TXN_EV_SWITCH_FAILED, x->fault[1],
				switch_failed);
	}
	x->busy_until = start + sw;
	x->runs_new = 1;
	x->has_switched = 1;
	x->sw_end = x->busy_until;
	return schedule(dv, d, x->busy_until, DUPG_TXN_EV_SWITCHED, -1, NULL);
}

/* The health check on the new version: its health_s; a fault fails it at the end. */
static int check(struct sim_devices *dv, size_t d, double now)
{
	struct sim_devrun *x = &dv->r->devs[d];
	double start = later(now, x->busy_until);

	if (x->op == OP_CHECK && x->busy_until > now)
		return x->op_fails ? schedule(dv, d, x->busy_until, DUPG_TXN_EV_UNHEALTHY,
					      x->fault[2], check_failed)
				   : schedule(dv, d, x->busy_until, DUPG_TXN_EV_HEALTHY, -1, NULL);
	/* it does not run what it was to check: it says what it runs instead */
	if (!x->runs_new)
		return schedule(dv, d, start, DUPG_TXN_EV_REPORT, -1, NULL);
	x->op = OP_CHECK;
	x->op_fails = x->fault[2] >= 0;
	x->busy_until = start + x->spec->health_s;
	return x->op_fails ? schedule(dv, d, x->busy_until, DUPG_TXN_EV_UNHEALTHY, x->fault[2],
				      check_failed)
			   : schedule(dv, d, x->busy_until, DUPG_TXN_EV_HEALTHY, -1, NULL);
}

/* Reboot into the old slot (a check under way is given up); on the old slot already, done. */
static int switch_back(struct sim_devices *dv, size_t d, double now)
{
	struct sim_devrun *x = &dv->r->devs[d];
	double start;

	if (x->op == OP_CHECK && x->busy_until > now) {
		x->busy_until = now;
		x->op = OP_NONE;
		x->epoch++;
	}
	start = later(now, x->busy_until);
	if (!x->runs_new)
		return schedule(dv, d, start, DUPG_TXN_EV_SWITCHED_BACK, -1, NULL);
	x->op = OP_BACK;
	x->op_fails = 0;
	x->busy_until = start + x->spec->switch_s;
	x->runs_new = 0;
	return schedule(dv, d, x->busy_until, DUPG_TXN_EV_SWITCHED_BACK, -1, NULL);
}

int sim_devices_act(struct sim_devices *dv, const dupg_txn_action *a, double now)
{
	struct site_run *r = dv->r;
	size_t d = a->topology_index;

	if (d >= r->ndev || r->devs[d].step < 0 || (size_t)r->devs[d].step != a->step)
		return sim_error(DUPG_ERROR, "site %s: the transaction names device %zu, not one of "
					     "the plan", r->site->id, d);
	switch (a->kind) {
	case DUPG_TXN_ACT_SEND:
		return send(dv, d, a->via_count, now);
	case DUPG_TXN_ACT_STAGE:
		return stage(dv, d, now);
	case DUPG_TXN_ACT_SWITCH:
		return do_switch(dv, d, now);
	case DUPG_TXN_ACT_CHECK:
		return check(dv, d, now);
	case DUPG_TXN_ACT_SWITCH_BACK:
		return switch_back(dv, d, now);
	case DUPG_TXN_ACT_ABANDON:
		abandon(dv, d, now);
		return 0;
	case DUPG_TXN_ACT_QUERY:
		return schedule(dv, d, later(now, r->devs[d].busy_until), DUPG_TXN_EV_REPORT, -1,
				NULL);
	default:
		return sim_error(DUPG_ERROR, "site %s: unexpected action %s", r->site->id,
				 dupg_txn_action_kind_name(a->kind));
	}
}
