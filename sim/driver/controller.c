/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The master's controller of one site: the transaction's loop (next, perform,
 * wait for an answer or the wake time, feed) against the simulated devices,
 * the journal in the site's directory, a crash after a chosen journal write
 * and the resume from the journal, then the store and the journal as
 * dupg/txn.h says: dupg_store_rollback() after a rollback, the journal
 * removed last.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "driver/controller.h"
#include "driver/store.h"
#include "model/devices.h"

/* actions taken from the transaction at a time */
#define BATCH 256

struct ctl {
	struct site_run *r;
	struct sim_devices *dv;
	dupg_txn_member m;
	const char **versions;
	char *journal;            /* the journal file */
	dupg_txn_file *jf;
	dupg_apply_options ao;
	dupg_txn_options o;
	dupg_txn *t;
	double now;               /* the master's clock: seconds of virtual time */
	double t_fail;            /* when the rollback began; -1 before */
	uint64_t writes;          /* journal writes that reached the file */
	uint64_t crash_at;        /* the write the master crashes after; 0: none */
	size_t crash_fault;       /* that fault's index in the site's faults */
	int crashing;             /* the sink refused: the master is going down */
	int resumed;
	int staged_seen, checks_seen;
};

static uint64_t to_ms(double s)
{
	return (uint64_t)(s * 1000.0 + 0.5);
}

/* The journal sink: the file journal, and the master's crash right after write crash_at. */
static int journal_write(const char *data, size_t len, int replace, void *payload)
{
	struct ctl *c = payload;
	int rc = dupg_txn_file_write(data, len, replace, c->jf);

	if (rc != 0)
		return rc;
	if (++c->writes == c->crash_at) {
		c->crashing = 1;
		return 1;
	}
	return 0;
}

/* The timeline: the commit point, and where the rollback began. */
static void on_phase(const dupg_txn *t, dupg_txn_phase from, dupg_txn_phase to, void *payload)
{
	struct ctl *c = payload;
	struct site_run *r = c->r;

	(void)t;
	if (to == DUPG_TXN_COMMIT && !c->staged_seen) {
		c->staged_seen = 1;
		r->t_staged = c->now;
	} else if ((to == DUPG_TXN_ABORT || to == DUPG_TXN_REVERT) && c->t_fail < 0) {
		c->t_fail = c->now;
		if (from == DUPG_TXN_PREPARE)
			r->t_staged = c->now;
		else if (!c->checks_seen)
			r->t_switched = c->now;
		else
			r->t_done = c->now;
	} else if (to == DUPG_TXN_DONE && from == DUPG_TXN_COMMIT) {
		r->t_done = c->now;
	}
}

/*
 * The master went down after the journal write: it reboots (its own
 * switch_s), the answers the devices sent meanwhile are lost, and it resumes
 * from the journal. The devices go on with what they were doing.
 */
static int crash_and_resume(struct ctl *c)
{
	struct site_run *r = c->r;
	int rc;

	c->crashing = 0;
	c->resumed = 1;
	site_fired(r, c->crash_fault);
	dupg_txn_free(c->t);
	c->t = NULL;
	dupg_txn_file_free(c->jf);
	c->jf = NULL;
	c->now += r->devs[dupg_topology_master(r->topo)].spec->switch_s;
	sim_devices_lose(c->dv, c->now);
	if ((rc = dupg_txn_file_open(&c->jf, c->journal, &c->ao)) != 0 ||
	    (rc = dupg_txn_resume_file(&c->t, &c->m, 1, c->journal, &c->o)) != 0)
		return sim_error_lib(rc, "site %s: resuming the transaction", r->site->id);
	return 0;
}

/* Wait for the next answer, or the transaction's wake time if that comes first. */
static int wait_answer(struct ctl *c)
{
	uint64_t w = dupg_txn_wake(c->t);
	double due = sim_devices_due(c->dv), wake = w == UINT64_MAX ? INFINITY : (double)w / 1000.0;
	dupg_txn_event ev;
	double at;
	int fault, rc;

	if (isinf(due) && isinf(wake))
		return sim_error(DUPG_ERROR, "site %s: the transaction waits, and no answer is on its way",
				 c->r->site->id);
	if (wake < due) {
		if (wake > c->now)
			c->now = wake;
		return 0;
	}
	sim_devices_answer(c->dv, &at, &ev, &fault);
	if (at > c->now)
		c->now = at;
	rc = dupg_txn_feed(c->t, &ev, to_ms(c->now));
	if (rc < 0)
		return sim_error_lib(rc, "site %s: transaction", c->r->site->id);
	if (rc == DUPG_TXN_TAKEN && fault >= 0)
		site_fired(c->r, (size_t)fault);
	return 0;
}

/* The loop of dupg/txn.h until the transaction ends. */
static int run(struct ctl *c)
{
	dupg_txn_action act[BATCH];
	size_t n, i;
	int rc;

	for (;;) {
		rc = dupg_txn_next(c->t, to_ms(c->now), act, BATCH, &n);
		if (rc != 0 && c->crashing) {
			if ((rc = crash_and_resume(c)) != 0)
				return rc;
			continue;
		}
		if (rc != 0)
			return sim_error_lib(rc, "site %s: transaction", c->r->site->id);
		for (i = 0; i < n; i++) {
			if (act[i].kind == DUPG_TXN_ACT_DONE)
				return 0;
			/* the checks start once every device switched */
			if (act[i].kind == DUPG_TXN_ACT_CHECK && !c->checks_seen) {
				c->checks_seen = 1;
				c->r->t_switched = c->now;
			}
			if ((rc = sim_devices_act(c->dv, &act[i], c->now)) != 0)
				return rc;
		}
		/* a short batch may have more behind it (a rollback ends in a call of its own) */
		if (n == 0 && (rc = wait_answer(c)) != 0)
			return rc;
	}
}

static enum sim_fault_kind kind_of(dupg_txn_failure f)
{
	switch (f) {
	case DUPG_TXN_FAIL_SEND:
	case DUPG_TXN_FAIL_STAGE:
		return SIM_FAULT_STAGE;
	case DUPG_TXN_FAIL_HEALTH:
		return SIM_FAULT_HEALTH;
	case DUPG_TXN_FAIL_INTERRUPTED:
	case DUPG_TXN_FAIL_ABORTED:
		return SIM_FAULT_TXN_CRASH;
	default:
		return SIM_FAULT_SWITCH;
	}
}

/* Why the site rolled back, as the transaction says; the device at fault is the failed one. */
static void cause_of(struct ctl *c)
{
	struct site_run *r = c->r;
	dupg_txn_device_info info;
	dupg_txn_cause cause;
	enum sim_fault_kind k;
	const char *origin = "library", *id;
	size_t d;

	dupg_txn_cause_get(c->t, &cause);
	k = kind_of(cause.kind);
	if (cause.device == DUPG_NONE || dupg_txn_device_get(c->t, cause.device, &info) != 0) {
		if (c->resumed)
			origin = r->site->faults[c->crash_fault].origin;
		site_set_cause(r, (int)k, NULL, origin, "the master crashed after transaction journal "
			       "write %llu, before the commit point", (unsigned long long)c->crash_at);
		return;
	}
	d = info.topology_index;
	id = r->devs[d].spec->id;
	r->devs[d].state = SIM_DEV_FAILED;
	if (k <= SIM_FAULT_HEALTH && r->devs[d].fault[k] >= 0)
		origin = r->site->faults[r->devs[d].fault[k]].origin;
	if (cause.timed_out)
		site_set_cause(r, (int)k, id, origin, "%s did not answer in time (%s)", id,
			       dupg_txn_failure_name(cause.kind));
	else
		site_set_cause(r, (int)k, id, origin, "%s %s", id, cause.detail);
}

/*
 * The transaction ended: each device's state for the report, the cause, the
 * devices checked against the outcome (all on the new version or all on the
 * old, but those that could not switch back), the topology's versions.
 */
static int outcome(struct ctl *c)
{
	struct site_run *r = c->r;
	dupg_txn_outcome o = dupg_txn_outcome_get(c->t);
	size_t n = dupg_plan_count(r->up), s;
	int committed = o == DUPG_TXN_COMMITTED, rc;

	r->t = c->now;
	if (c->t_fail >= 0)
		r->t_rollback = c->now - c->t_fail;
	r->txn.journal_writes = dupg_txn_journal_writes(c->t);
	r->txn.resumed = c->resumed ? (int)o : -1;
	for (s = 0; s < n; s++) {
		size_t d = dupg_plan_device_index(r->up, s);
		int stuck = dupg_txn_device_state(c->t, s) == DUPG_TXN_DEV_BACK_FAILED;

		r->devs[d].state = committed ? SIM_DEV_UPGRADED : stuck ? SIM_DEV_FAILED
									 : SIM_DEV_ROLLED_BACK;
		if (!stuck && r->devs[d].runs_new != committed)
			return sim_error(DUPG_ERROR, "site %s: the transaction ended %s, but %s runs "
						     "its %s version", r->site->id,
					 dupg_txn_outcome_name(o), r->devs[d].spec->id,
					 r->devs[d].runs_new ? "new" : "old");
		if (committed && (rc = dupg_topology_set_version(r->topo, d, r->devs[d].pkg->version)) != 0)
			return sim_error_lib(rc, "site %s", r->site->id);
	}
	if (!committed)
		cause_of(c);
	return 0;
}

static int setup(struct ctl *c, struct site_run *r, const struct sim_ctx *ctx)
{
	size_t n = dupg_plan_count(r->up), s, fi = 0;
	const struct sim_fault *crash = site_find_fault(r, SIM_FAULT_TXN_CRASH, &fi);
	int rc;

	memset(c, 0, sizeof(*c));
	c->r = r;
	c->t_fail = -1;
	c->now = r->t_download;
	c->versions = calloc(n ? n : 1, sizeof(*c->versions));
	c->journal = sim_printf("%s/txn.journal", r->dir);
	if (c->versions == NULL || c->journal == NULL)
		return sim_error(DUPG_ENOMEM, "out of memory");
	for (s = 0; s < n; s++)
		c->versions[s] = r->devs[dupg_plan_device_index(r->up, s)].pkg->version;
	c->m.plan = r->up;
	c->m.name = r->site->id;
	c->m.versions = c->versions;
	if (crash != NULL) {
		c->crash_at = crash->write;
		c->crash_fault = fi;
		r->txn.reported = 1;
		r->txn.crash_at = crash->write;
	}
	c->ao = (dupg_apply_options)DUPG_APPLY_OPTIONS_INIT;
	c->ao.no_fsync = ctx->opt->no_fsync;
	c->o = (dupg_txn_options)DUPG_TXN_OPTIONS_INIT;
	c->o.journal = journal_write;
	c->o.journal_payload = c;
	c->o.on_phase = on_phase;
	c->o.progress_payload = c;
	if ((rc = dupg_txn_file_open(&c->jf, c->journal, &c->ao)) != 0)
		return sim_error_lib(rc, "site %s: journal", r->site->id);
	if ((rc = sim_devices_new(&c->dv, r)) != 0)
		return rc;
	if ((rc = dupg_txn_new(&c->t, &c->m, 1, &c->o)) != 0)
		return sim_error_lib(rc, "site %s: transaction", r->site->id);
	return 0;
}

int site_controller_run(struct site_run *r, const struct sim_ctx *ctx, struct sim_strv *gone)
{
	struct ctl c;
	int rc = setup(&c, r, ctx);

	if (rc == 0)
		rc = run(&c);
	if (rc == 0)
		rc = outcome(&c);
	/* the store follows the devices back, and only then the journal goes */
	if (rc == 0 && r->cause.kind >= 0)
		rc = site_store_rollback(r, ctx, gone);
	if (rc == 0 && (rc = dupg_txn_file_remove(c.journal, &c.ao)) != 0)
		rc = sim_error_lib(rc, "site %s: journal", r->site->id);
	dupg_txn_free(c.t);
	dupg_txn_file_free(c.jf);
	sim_devices_free(c.dv);
	free(c.versions);
	free(c.journal);
	return rc;
}
