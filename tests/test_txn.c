/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transaction: every phase with every kind of failure, timeouts, boot
 * fallbacks, bad events, a linked group of two sites, a crash after every
 * journal write followed by resume (with the store), the journal format, and
 * a seeded property test over random plans, event orders, delays and faults.
 */
#include "fixture.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- plans ---------------------------------------------------------------------- */

/* Device spec: id, hardware type, parent (NULL: the master). */
struct spec {
	const char *id, *hw, *parent;
};

/*
 * The worked example, every type changing. Dispatch order (breadth first):
 * BBU1 HUB1 HUB2 RRU1 RRU2 HUB3 RRU3 RRU4, so these are devices 0 .. 7.
 */
static const struct spec worked[] = {
	{ "BBU1", "A", NULL }, { "HUB1", "B", "BBU1" }, { "HUB2", "C", "BBU1" },
	{ "HUB3", "B", "HUB2" }, { "RRU1", "D", "HUB1" }, { "RRU2", "E", "HUB1" },
	{ "RRU3", "D", "HUB2" }, { "RRU4", "E", "HUB3" }, { NULL, NULL, NULL },
};

/* A second site: a master and a cascade of two HUBs with an RRU each. */
static const struct spec site_b[] = {
	{ "B-BBU", "A", NULL }, { "B-HUB1", "B", "B-BBU" }, { "B-HUB2", "B", "B-HUB1" },
	{ "B-RRU1", "D", "B-HUB1" }, { "B-RRU2", "D", "B-HUB2" }, { NULL, NULL, NULL },
};

/* A topology, a plan changing every type it names, the new versions: one member. */
struct site {
	dupg_topology *topo;
	dupg_plan *plan;
	const char **versions;
};

static void site_from_topology(struct site *s, dupg_topology *t, const char *const *types,
			       size_t ntypes)
{
	dupg_config *from = NULL, *to = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&from), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&to), 0);
	for (i = 0; i < ntypes; i++) {
		char pkg[64];
		snprintf(pkg, sizeof(pkg), "%s-old.tar.gz", types[i]);
		CU_ASSERT_EQUAL_FATAL(dupg_config_set(from, types[i], pkg), 0);
		snprintf(pkg, sizeof(pkg), "%s-new.tar.gz", types[i]);
		CU_ASSERT_EQUAL_FATAL(dupg_config_set(to, types[i], pkg), 0);
	}
	s->topo = t;
	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&s->plan, t, from, to), 0);
	s->versions = calloc(dupg_plan_count(s->plan) + 1, sizeof(*s->versions));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s->versions);
	for (i = 0; i < dupg_plan_count(s->plan); i++)
		s->versions[i] = "2.0";
	dupg_config_free(from);
	dupg_config_free(to);
}

static void site_make(struct site *s, const struct spec *sp, uint32_t duration_s)
{
	static const char *const types[] = { "A", "B", "C", "D", "E" };
	dupg_topology *t = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	for (i = 0; sp[i].id != NULL; i++) {
		dupg_device_vd d = { sp[i].id, sp[i].hw, "1.0", duration_s };
		CU_ASSERT_EQUAL_FATAL(dupg_topology_add(t, &d, sp[i].parent), 0);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, "test site"), 0);
	site_from_topology(s, t, types, 5);
}

static void site_free(struct site *s)
{
	dupg_plan_free(s->plan);
	dupg_topology_free(s->topo);
	free(s->versions);
	memset(s, 0, sizeof(*s));
}

static dupg_txn_member member_of(const struct site *s, const char *name)
{
	dupg_txn_member m;

	m.plan = s->plan;
	m.name = name;
	m.versions = s->versions;
	return m;
}

/* ---- a world of devices on a virtual clock ------------------------------------- */

enum fault {
	F_OK = 0,
	F_SEND,          /* send fails */
	F_STAGE,         /* stage fails */
	F_SWITCH,        /* switch fails (stays on its old slot) */
	F_FALLBACK,      /* switches, falls back to its old slot, reports the old version */
	F_HEALTH,        /* unhealthy on its new version */
	F_BACK,          /* cannot switch back */
	F_MUTE_SEND,     /* never answers a send */
	F_MUTE_STAGE,    /* stages but never answers */
	F_MUTE_SWITCH,   /* switches but never answers */
	F_MUTE_CHECK,    /* never answers a health check */
	F_MUTE_BACK,     /* switches back but never answers */
	F_KINDS
};

struct wdev {
	int runs_new;  /* the slot it runs: its new one */
	int staged;    /* its inactive slot holds the new package */
	int active;    /* its active slot number, 0 or 1 */
	int fault;
	const char *oldv, *newv;
};

struct pending {
	uint64_t at;
	uint64_t order; /* ties: first scheduled first */
	dupg_txn_event ev;
};

struct act {
	dupg_txn_action_kind kind;
	size_t device;
};

struct world {
	const dupg_txn_member *members;
	size_t nmembers;
	dupg_txn_options opts;
	dupg_txn *t;
	size_t n;
	struct wdev *d;
	struct pending *q;
	size_t nq, capq;
	uint64_t now, order;
	uint64_t rng;
	uint32_t delay_max;    /* answers come 1 .. delay_max ms after an action */
	uint32_t dup_permille; /* answers repeated */
	uint32_t report_permille; /* unasked reports, made as they arrive */
	uint32_t stale_permille;  /* unasked reports made now, arriving later (perhaps after a switch) */
	/* what happened */
	struct act *acts;
	size_t nacts, capacts;
	size_t staged_answers;
	int switch_too_early;
	int feed_errors;
	size_t dups, lates;
	/* the journal, in memory */
	char *j;
	size_t jlen, jcap;
	size_t writes, crash_at; /* refuse write crash_at (0: never) */
	size_t crash_again;      /* then write crash_again of the resumed run (0: never) */
	size_t crashes;
	int resume_errors;
	dupg_txn_outcome outcome;
};

static int mem_sink(const char *data, size_t len, int replace, void *payload)
{
	struct world *w = payload;

	if (replace)
		w->jlen = 0;
	if (w->jlen + len + 1 > w->jcap) {
		w->jcap = (w->jlen + len + 1) * 2;
		w->j = realloc(w->j, w->jcap);
		CU_ASSERT_PTR_NOT_NULL_FATAL(w->j);
	}
	memcpy(w->j + w->jlen, data, len);
	w->jlen += len;
	w->j[w->jlen] = '\0';
	w->writes++;
	/* written, then the master dies: the crash right after write N */
	return w->crash_at != 0 && w->writes == w->crash_at ? 1 : 0;
}

static void world_init(struct world *w, const dupg_txn_member *members, size_t nmembers,
		       const dupg_txn_options *opts)
{
	size_t i, m, g = 0;

	memset(w, 0, sizeof(*w));
	w->members = members;
	w->nmembers = nmembers;
	if (opts != NULL) {
		w->opts = *opts;
	} else {
		dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
		w->opts = o;
	}
	w->opts.journal = mem_sink;
	w->opts.journal_payload = w;
	w->delay_max = 1;
	w->rng = 1;
	for (m = 0; m < nmembers; m++)
		w->n += dupg_plan_count(members[m].plan);
	w->d = calloc(w->n + 1, sizeof(*w->d));
	CU_ASSERT_PTR_NOT_NULL_FATAL(w->d);
	for (m = 0; m < nmembers; m++) {
		const dupg_topology *t = dupg_plan_topology(members[m].plan);
		for (i = 0; i < dupg_plan_count(members[m].plan); i++, g++) {
			w->d[g].oldv = dupg_topology_device(t, dupg_plan_device_index(members[m].plan, i))->version;
			w->d[g].newv = members[m].versions[i];
		}
	}
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&w->t, members, nmembers, &w->opts), 0);
}

static void world_free(struct world *w)
{
	dupg_txn_free(w->t);
	free(w->d);
	free(w->q);
	free(w->acts);
	free(w->j);
	memset(w, 0, sizeof(*w));
}

static void schedule(struct world *w, uint64_t at, const dupg_txn_event *ev)
{
	if (w->nq == w->capq) {
		w->capq = w->capq ? 2 * w->capq : 64;
		w->q = realloc(w->q, w->capq * sizeof(*w->q));
		CU_ASSERT_PTR_NOT_NULL_FATAL(w->q);
	}
	w->q[w->nq].at = at;
	w->q[w->nq].order = w->order++;
	w->q[w->nq].ev = *ev;
	w->nq++;
}

static void answer(struct world *w, size_t g, dupg_txn_event_kind kind)
{
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	uint64_t at = w->now + 1 + fx_rand(&w->rng, w->delay_max);

	ev.kind = kind;
	ev.device = g;
	if (kind == DUPG_TXN_EV_STAGED)
		ev.slot = 1 - w->d[g].active;

	if (kind == DUPG_TXN_EV_SEND_FAILED || kind == DUPG_TXN_EV_STAGE_FAILED ||
	    kind == DUPG_TXN_EV_SWITCH_FAILED || kind == DUPG_TXN_EV_UNHEALTHY ||
	    kind == DUPG_TXN_EV_SWITCH_BACK_FAILED)
		ev.detail = "it said no";
	schedule(w, at, &ev);
	if (w->dup_permille > 0 && fx_rand(&w->rng, 1000) < w->dup_permille)
		schedule(w, at + fx_rand(&w->rng, 5 * w->delay_max + 1), &ev);
	if (w->report_permille > 0 && fx_rand(&w->rng, 1000) < w->report_permille) {
		dupg_txn_event r = DUPG_TXN_EVENT_INIT;
		r.kind = DUPG_TXN_EV_REPORT;
		r.device = fx_rand(&w->rng, (uint32_t)w->n);
		schedule(w, w->now + 1 + fx_rand(&w->rng, 3 * w->delay_max), &r);
	}
	if (w->stale_permille > 0 && fx_rand(&w->rng, 1000) < w->stale_permille) {
		dupg_txn_event r = DUPG_TXN_EVENT_INIT;
		struct wdev *d = &w->d[g];
		r.kind = DUPG_TXN_EV_REPORT;
		r.device = g;
		r.version = d->runs_new ? d->newv : d->oldv;
		r.slot = d->runs_new ? 1 - d->active : d->active;
		schedule(w, w->now + 1 + fx_rand(&w->rng, 3 * w->delay_max), &r);
	}
}

/* A device does what it is told, with its fault. */
static void perform(struct world *w, const dupg_txn_action *a)
{
	struct wdev *d;
	size_t g = a->device;

	if (w->nacts == w->capacts) {
		w->capacts = w->capacts ? 2 * w->capacts : 64;
		w->acts = realloc(w->acts, w->capacts * sizeof(*w->acts));
		CU_ASSERT_PTR_NOT_NULL_FATAL(w->acts);
	}
	w->acts[w->nacts].kind = a->kind;
	w->acts[w->nacts++].device = g;
	if (a->kind == DUPG_TXN_ACT_DONE) {
		w->outcome = a->outcome;
		return;
	}
	CU_ASSERT_FATAL(g < w->n);
	d = &w->d[g];
	switch (a->kind) {
	case DUPG_TXN_ACT_SEND:
		if (d->fault == F_MUTE_SEND)
			break;
		answer(w, g, d->fault == F_SEND ? DUPG_TXN_EV_SEND_FAILED : DUPG_TXN_EV_SENT);
		break;
	case DUPG_TXN_ACT_STAGE:
		if (d->fault == F_STAGE) {
			answer(w, g, DUPG_TXN_EV_STAGE_FAILED);
			break;
		}
		d->staged = 1;
		if (d->fault != F_MUTE_STAGE)
			answer(w, g, DUPG_TXN_EV_STAGED);
		break;
	case DUPG_TXN_ACT_SWITCH:
		/* never before every device has staged */
		if (w->staged_answers < w->n)
			w->switch_too_early = 1;
		if (d->runs_new) {
			answer(w, g, DUPG_TXN_EV_SWITCHED);
			break;
		}
		if (!d->staged || d->fault == F_SWITCH) {
			answer(w, g, DUPG_TXN_EV_SWITCH_FAILED);
			break;
		}
		if (d->fault == F_FALLBACK) {
			/* it tried, the new slot did not boot, the bootloader took the old one */
			answer(w, g, DUPG_TXN_EV_REPORT);
			break;
		}
		d->runs_new = 1;
		if (d->fault != F_MUTE_SWITCH)
			answer(w, g, DUPG_TXN_EV_SWITCHED);
		break;
	case DUPG_TXN_ACT_CHECK:
		if (d->fault == F_MUTE_CHECK)
			break;
		answer(w, g, d->runs_new && d->fault != F_HEALTH ? DUPG_TXN_EV_HEALTHY
								 : DUPG_TXN_EV_UNHEALTHY);
		break;
	case DUPG_TXN_ACT_SWITCH_BACK:
		if (d->fault == F_BACK && d->runs_new) {
			answer(w, g, DUPG_TXN_EV_SWITCH_BACK_FAILED);
			break;
		}
		d->runs_new = 0;
		if (d->fault != F_MUTE_BACK)
			answer(w, g, DUPG_TXN_EV_SWITCHED_BACK);
		break;
	case DUPG_TXN_ACT_ABANDON:
		d->staged = 0;
		break;
	case DUPG_TXN_ACT_QUERY:
		answer(w, g, DUPG_TXN_EV_REPORT);
		break;
	default:
		CU_FAIL("unknown action");
	}
}

static size_t earliest(const struct world *w)
{
	size_t i, best = 0;

	for (i = 1; i < w->nq; i++)
		if (w->q[i].at < w->q[best].at ||
		    (w->q[i].at == w->q[best].at && w->q[i].order < w->q[best].order))
			best = i;
	return best;
}

static void feed_one(struct world *w, const dupg_txn_event *in)
{
	dupg_txn_event e = *in, *ev = &e;
	int rc;

	/* a report says what the device runs when it is made: as it arrives, unless made already */
	if (ev->kind == DUPG_TXN_EV_REPORT && ev->version == NULL) {
		struct wdev *d = &w->d[ev->device];
		ev->version = d->runs_new ? d->newv : d->oldv;
		ev->slot = d->runs_new ? 1 - d->active : d->active;
	}
	rc = dupg_txn_feed(w->t, ev, w->now);

	if (ev->kind == DUPG_TXN_EV_STAGED && rc == DUPG_TXN_TAKEN)
		w->staged_answers++;
	if (rc == DUPG_TXN_DUPLICATE)
		w->dups++;
	else if (rc == DUPG_TXN_LATE)
		w->lates++;
	else if (rc != DUPG_TXN_TAKEN) {
		w->feed_errors++;
		fprintf(stderr, "feed %s of %zu: %d %s\n", dupg_txn_event_kind_name(ev->kind),
			ev->device, rc, dupg_error_last());
	}
}

/* The master crashed: it comes back, resumes from the journal, and its devices report. */
static void crash_and_resume(struct world *w)
{
	size_t g;
	int rc;

	w->crashes++;
	dupg_txn_free(w->t);
	w->t = NULL;
	/* what was on its way to the master is lost with it */
	w->nq = 0;
	w->crash_at = w->crash_again;
	w->crash_again = 0;
	rc = dupg_txn_resume(&w->t, w->members, w->nmembers, w->j, w->jlen, &w->opts);
	if (rc != 0) {
		fprintf(stderr, "resume: %s\n", dupg_error_last());
		w->resume_errors++;
		return;
	}
	/* a resumed transaction is never before its commit point again */
	w->staged_answers = dupg_txn_committed(w->t) ? w->n : 0;
	for (g = 0; g < w->n; g++)
		answer(w, g, DUPG_TXN_EV_REPORT);
}

/* Drive the transaction to its end (or a limit); 0 when it ended. */
static int world_run(struct world *w)
{
	dupg_txn_action acts[8];
	size_t n, i, steps = 0;
	int rc, done = 0;

	while (!done && steps++ < 1000000) {
		if (w->t == NULL)
			return -1;
		rc = dupg_txn_next(w->t, w->now, acts, 1 + fx_rand(&w->rng, 8), &n);
		if (rc == DUPG_EABORTED) {
			crash_and_resume(w);
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		for (i = 0; i < n; i++) {
			perform(w, &acts[i]);
			if (acts[i].kind == DUPG_TXN_ACT_DONE)
				done = 1;
		}
		if (done || n > 0)
			continue;
		if (w->nq > 0) {
			size_t k = earliest(w);
			struct pending p = w->q[k];
			w->q[k] = w->q[--w->nq];
			if (p.at > w->now)
				w->now = p.at;
			feed_one(w, &p.ev);
		} else if (dupg_txn_wake(w->t) != UINT64_MAX) {
			w->now = dupg_txn_wake(w->t);
		} else {
			CU_FAIL("the transaction waits for nothing and does not end");
			return -1;
		}
	}
	return done ? 0 : -1;
}

/* After the end: every device on its new version, or every one on its old (stuck ones aside). */
static void expect_consistent(const struct world *w)
{
	size_t g, nnew = 0, stuck = 0;

	CU_ASSERT_EQUAL(w->switch_too_early, 0);
	CU_ASSERT_EQUAL(w->feed_errors, 0);
	CU_ASSERT_EQUAL(w->resume_errors, 0);
	CU_ASSERT_EQUAL(dupg_txn_outcome_get(w->t), w->outcome);
	for (g = 0; g < w->n; g++) {
		dupg_txn_state s = dupg_txn_device_state(w->t, g);
		nnew += w->d[g].runs_new;
		if (s == DUPG_TXN_DEV_BACK_FAILED) {
			stuck++;
			continue;
		}
		if (w->outcome == DUPG_TXN_COMMITTED) {
			CU_ASSERT_EQUAL(s, DUPG_TXN_DEV_HEALTHY);
			CU_ASSERT_EQUAL(w->d[g].runs_new, 1);
		} else {
			CU_ASSERT(s == DUPG_TXN_DEV_PENDING || s == DUPG_TXN_DEV_ABANDONED ||
				  s == DUPG_TXN_DEV_SWITCHED_BACK);
			if (w->d[g].runs_new)
				fprintf(stderr, "device %zu runs new after %s (state %s)\n", g,
					dupg_txn_outcome_name(w->outcome), dupg_txn_state_name(s));
			CU_ASSERT_EQUAL(w->d[g].runs_new, 0);
		}
	}
	/* rolled back before the commit point: no slot is left staged either */
	if (w->outcome == DUPG_TXN_ROLLED_BACK && !dupg_txn_committed(w->t))
		for (g = 0; g < w->n; g++)
			CU_ASSERT_EQUAL(w->d[g].staged, 0);
	if (stuck > 0)
		CU_ASSERT_EQUAL(w->outcome, DUPG_TXN_ROLLBACK_INCOMPLETE);
	if (w->outcome == DUPG_TXN_ROLLBACK_INCOMPLETE)
		CU_ASSERT(stuck > 0);
	CU_ASSERT(w->outcome == DUPG_TXN_COMMITTED || w->outcome == DUPG_TXN_ROLLED_BACK ||
		  w->outcome == DUPG_TXN_ROLLBACK_INCOMPLETE);
	(void)nnew;
}

static size_t count_acts(const struct world *w, dupg_txn_action_kind kind)
{
	size_t i, n = 0;

	for (i = 0; i < w->nacts; i++)
		n += w->acts[i].kind == kind;
	return n;
}

/* ---- the happy path, in exact order ------------------------------------------------ */

static void test_commit_in_order(void)
{
	struct site s;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	struct world w;
	size_t order[8], i, k = 0, n;
	char *json = NULL;

	site_make(&s, worked, 10);
	m = member_of(&s, "site-1");
	o.parallel = 1;
	world_init(&w, &m, 1, &o);
	n = w.n;
	CU_ASSERT_EQUAL_FATAL(n, 8);
	CU_ASSERT_EQUAL(dupg_txn_count(w.t), 8);
	CU_ASSERT_EQUAL(dupg_txn_member_count(w.t), 1);
	CU_ASSERT_STRING_EQUAL(dupg_txn_member_name(w.t, 0), "site-1");
	CU_ASSERT_EQUAL(dupg_txn_find(w.t, 0, "HUB3"), 5);
	CU_ASSERT_EQUAL(dupg_txn_find(w.t, 0, "nope"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_txn_find(w.t, 1, "HUB3"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_txn_phase_get(w.t), DUPG_TXN_PREPARE);
	CU_ASSERT_EQUAL(world_run(&w), 0);
	expect_consistent(&w);
	CU_ASSERT_EQUAL(w.outcome, DUPG_TXN_COMMITTED);
	CU_ASSERT_EQUAL(dupg_txn_phase_get(w.t), DUPG_TXN_DONE);
	CU_ASSERT_EQUAL(dupg_txn_committed(w.t), 1);
	CU_ASSERT_EQUAL(dupg_txn_state_count(w.t, DUPG_TXN_DEV_HEALTHY), 8);
	CU_ASSERT_EQUAL(dupg_txn_failed_count(w.t), 0);
	/* one at a time: stage (the master's own) or send then stage, in dispatch order */
	CU_ASSERT_EQUAL(w.acts[k].kind, DUPG_TXN_ACT_STAGE);
	CU_ASSERT_EQUAL(w.acts[k++].device, 0);
	for (i = 1; i < n; i++) {
		CU_ASSERT_EQUAL(w.acts[k].kind, DUPG_TXN_ACT_SEND);
		CU_ASSERT_EQUAL(w.acts[k++].device, i);
		CU_ASSERT_EQUAL(w.acts[k].kind, DUPG_TXN_ACT_STAGE);
		CU_ASSERT_EQUAL(w.acts[k++].device, i);
	}
	/* then exactly the plan's switch order, deepest first, the master last */
	dupg_plan_switch_order(s.plan, order);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(w.acts[k].kind, DUPG_TXN_ACT_SWITCH);
		CU_ASSERT_EQUAL(w.acts[k++].device, order[i]);
	}
	CU_ASSERT_EQUAL(order[n - 1], 0);
	/* then the health checks in dispatch order, then done */
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(w.acts[k].kind, DUPG_TXN_ACT_CHECK);
		CU_ASSERT_EQUAL(w.acts[k++].device, i);
	}
	CU_ASSERT_EQUAL(w.acts[k++].kind, DUPG_TXN_ACT_DONE);
	CU_ASSERT_EQUAL(k, w.nacts);
	/* the journal was written before each batch, and the outcome last */
	CU_ASSERT(dupg_txn_journal_writes(w.t) > 0);
	CU_ASSERT_EQUAL(dupg_txn_journal_writes(w.t), w.writes);
	CU_ASSERT_EQUAL(dupg_txn_to_json(&json, w.t), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"phase\":\"done\",\"outcome\":\"committed\",\"committed\":true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"cause\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"member\":\"site-1\",\"device\":\"RRU4\",\"state\":\"healthy\","
				      "\"failure\":null,\"timed_out\":false,\"detail\":\"\"}"));
	dupg_free(json);
	world_free(&w);
	site_free(&s);
}

/* Every device is started at once without a limit; a HUB's send still comes before its RRUs'. */
static void test_parallel(void)
{
	struct site s;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_txn *t = NULL;
	dupg_txn_action a[32];
	size_t n, i, limit;

	site_make(&s, worked, 10);
	m = member_of(&s, NULL);
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, NULL), 0);
	CU_ASSERT_STRING_EQUAL(dupg_txn_member_name(t, 0), "member 0");
	CU_ASSERT_EQUAL(dupg_txn_next(t, 0, a, 32, &n), 0);
	CU_ASSERT_EQUAL(n, 8);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(a[i].device, i);
		CU_ASSERT_EQUAL(a[i].kind, i == 0 ? DUPG_TXN_ACT_STAGE : DUPG_TXN_ACT_SEND);
		CU_ASSERT_STRING_EQUAL(a[i].id, dupg_plan_device(s.plan, i));
		CU_ASSERT_EQUAL(a[i].topology_index, dupg_plan_device_index(s.plan, i));
		CU_ASSERT_EQUAL(a[i].member, 0);
		CU_ASSERT_EQUAL(a[i].step, i);
		CU_ASSERT_PTR_NOT_NULL(a[i].package);
		/* the default timeout: 60 s floor + 3 x 10 s */
		CU_ASSERT_EQUAL(a[i].deadline_ms, 90000);
	}
	CU_ASSERT_STRING_EQUAL(a[5].id, "HUB3");
	CU_ASSERT_EQUAL(a[5].via_count, 1); /* behind HUB2 */
	CU_ASSERT_EQUAL(a[5].topology_index, 3);
	CU_ASSERT_EQUAL(dupg_plan_via_index(s.plan, a[7].step, 1), 3);
	CU_ASSERT_EQUAL(dupg_txn_state_count(t, DUPG_TXN_DEV_SENDING), 7);
	CU_ASSERT_EQUAL(dupg_txn_state_count(t, DUPG_TXN_DEV_STAGING), 1);
	dupg_txn_free(t);

	/* with a limit, never more under way than it */
	for (limit = 1; limit <= 4; limit++) {
		struct world w;
		o.parallel = limit;
		world_init(&w, &m, 1, &o);
		w.delay_max = 7;
		w.rng = limit;
		CU_ASSERT_EQUAL(world_run(&w), 0);
		expect_consistent(&w);
		CU_ASSERT_EQUAL(w.outcome, DUPG_TXN_COMMITTED);
		world_free(&w);
	}
	site_free(&s);
}

/* ---- failures ------------------------------------------------------------------------ */

struct fail_case {
	const char *device;
	int fault;
	dupg_txn_outcome outcome;
	dupg_txn_failure cause;
	int timed_out;
	int committed; /* the commit point was passed */
};

static void expect_reverse_back(const struct world *w, const dupg_plan *plan)
{
	size_t order[16], pos[16], i, last = SIZE_MAX, n = dupg_plan_count(plan);

	dupg_plan_switch_order(plan, order);
	for (i = 0; i < n; i++)
		pos[order[i]] = i;
	/* with one at a time, switch backs come in the reverse of the switch order */
	for (i = 0; i < w->nacts; i++) {
		if (w->acts[i].kind != DUPG_TXN_ACT_SWITCH_BACK)
			continue;
		if (last != SIZE_MAX)
			CU_ASSERT(pos[w->acts[i].device] < last);
		last = pos[w->acts[i].device];
	}
}

static void test_failures(void)
{
	static const struct fail_case cases[] = {
		{ "HUB2", F_SEND, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_SEND, 0, 0 },
		{ "RRU4", F_SEND, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_SEND, 0, 0 },
		{ "BBU1", F_STAGE, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_STAGE, 0, 0 },
		{ "RRU4", F_STAGE, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_STAGE, 0, 0 },
		{ "HUB1", F_MUTE_SEND, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_SEND, 1, 0 },
		{ "HUB3", F_MUTE_STAGE, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_STAGE, 1, 0 },
		{ "RRU1", F_SWITCH, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_SWITCH, 0, 1 },
		{ "HUB2", F_SWITCH, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_SWITCH, 0, 1 },
		{ "BBU1", F_SWITCH, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_SWITCH, 0, 1 },
		{ "HUB3", F_MUTE_SWITCH, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_SWITCH, 1, 1 },
		{ "HUB1", F_FALLBACK, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_FALLBACK, 0, 1 },
		{ "BBU1", F_FALLBACK, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_FALLBACK, 0, 1 },
		{ "RRU2", F_HEALTH, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_HEALTH, 0, 1 },
		{ "BBU1", F_HEALTH, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_HEALTH, 0, 1 },
		{ "HUB2", F_MUTE_CHECK, DUPG_TXN_ROLLED_BACK, DUPG_TXN_FAIL_HEALTH, 1, 1 },
	};
	size_t c, g;

	for (c = 0; c < COUNT(cases); c++) {
		const struct fail_case *fc = &cases[c];
		int par;

		for (par = 0; par <= 1; par++) {
			struct site s;
			dupg_txn_member m;
			dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
			dupg_txn_cause cause;
			struct world w;
			size_t bad;

			site_make(&s, worked, 10);
			m = member_of(&s, "site");
			o.parallel = (size_t)par;
			world_init(&w, &m, 1, &o);
			bad = dupg_txn_find(w.t, 0, fc->device);
			CU_ASSERT_FATAL(bad != DUPG_NONE);
			w.d[bad].fault = fc->fault;
			CU_ASSERT_EQUAL(world_run(&w), 0);
			expect_consistent(&w);
			CU_ASSERT_EQUAL(w.outcome, fc->outcome);
			dupg_txn_cause_get(w.t, &cause);
			CU_ASSERT_EQUAL(cause.device, bad);
			CU_ASSERT_EQUAL(cause.kind, fc->cause);
			CU_ASSERT_EQUAL(cause.timed_out, fc->timed_out);
			CU_ASSERT_STRING_EQUAL(cause.detail, fc->timed_out ? "no answer in time" :
					       fc->fault == F_FALLBACK ? "" : "it said no");
			CU_ASSERT_EQUAL(dupg_txn_committed(w.t), fc->committed);
			CU_ASSERT_EQUAL(dupg_txn_failed_count(w.t), 1);
			/* before the commit point nothing switched, and every slot touched is abandoned */
			if (!fc->committed) {
				CU_ASSERT_EQUAL(count_acts(&w, DUPG_TXN_ACT_SWITCH), 0);
				CU_ASSERT_EQUAL(count_acts(&w, DUPG_TXN_ACT_SWITCH_BACK), 0);
				for (g = 0; g < w.n; g++)
					CU_ASSERT_EQUAL(w.d[g].staged, 0);
			} else if (par == 1) {
				expect_reverse_back(&w, s.plan);
			}
			if (par == 1 && fc->fault == F_SWITCH && strcmp(fc->device, "BBU1") == 0) {
				/* the master switches last: every other device switched and came back */
				CU_ASSERT_EQUAL(count_acts(&w, DUPG_TXN_ACT_SWITCH), 8);
				CU_ASSERT_EQUAL(count_acts(&w, DUPG_TXN_ACT_SWITCH_BACK), 7);
			}
			{
				dupg_txn_device_info info;
				CU_ASSERT_EQUAL(dupg_txn_device_get(w.t, bad, &info), 0);
				CU_ASSERT_EQUAL(info.failure, fc->cause);
				CU_ASSERT_EQUAL(info.timed_out, fc->timed_out);
				CU_ASSERT_STRING_EQUAL(info.id, fc->device);
			}
			world_free(&w);
			site_free(&s);
		}
	}
}

/* A device that cannot switch back is reported, never counted as rolled back. */
static void test_back_failed(void)
{
	int fault;

	for (fault = F_BACK; fault <= F_MUTE_BACK; fault += F_MUTE_BACK - F_BACK) {
		struct site s;
		dupg_txn_member m;
		dupg_txn_cause cause;
		dupg_txn_device_info info;
		struct world w;
		size_t hub1, rru4;
		char *json = NULL;

		site_make(&s, worked, 10);
		m = member_of(&s, "site");
		world_init(&w, &m, 1, NULL);
		hub1 = dupg_txn_find(w.t, 0, "HUB1");
		rru4 = dupg_txn_find(w.t, 0, "RRU4");
		w.d[rru4].fault = F_HEALTH;
		w.d[hub1].fault = fault;
		CU_ASSERT_EQUAL(world_run(&w), 0);
		expect_consistent(&w);
		CU_ASSERT_EQUAL(w.outcome, DUPG_TXN_ROLLBACK_INCOMPLETE);
		CU_ASSERT_EQUAL(dupg_txn_device_state(w.t, hub1), DUPG_TXN_DEV_BACK_FAILED);
		CU_ASSERT_EQUAL(dupg_txn_state_count(w.t, DUPG_TXN_DEV_BACK_FAILED), 1);
		CU_ASSERT_EQUAL(dupg_txn_state_count(w.t, DUPG_TXN_DEV_SWITCHED_BACK), 7);
		CU_ASSERT_EQUAL(dupg_txn_failed_count(w.t), 2);
		dupg_txn_cause_get(w.t, &cause);
		CU_ASSERT_EQUAL(cause.device, rru4);
		CU_ASSERT_EQUAL(cause.kind, DUPG_TXN_FAIL_HEALTH);
		dupg_txn_device_get(w.t, hub1, &info);
		CU_ASSERT_EQUAL(info.failure, DUPG_TXN_FAIL_SWITCH_BACK);
		CU_ASSERT_EQUAL(info.timed_out, fault == F_MUTE_BACK);
		/* it still runs its new version, and says so */
		if (fault == F_BACK)
			CU_ASSERT_EQUAL(w.d[hub1].runs_new, 1);
		CU_ASSERT_EQUAL(dupg_txn_to_json(&json, w.t), 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"outcome\":\"rollback_incomplete\""));
		CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"cause\":{\"member\":\"site\",\"device\":\"RRU4\","
					      "\"kind\":\"health\",\"timed_out\":false,\"detail\":\"it said no\"}"));
		CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"device\":\"HUB1\",\"state\":\"back_failed\","
					      "\"failure\":\"switch_back\""));
		dupg_free(json);
		world_free(&w);
		site_free(&s);
	}
}

/* ---- timeouts ----------------------------------------------------------------------- */

static void test_timeouts(void)
{
	struct site s;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_txn *t = NULL;
	dupg_txn_action a[16];
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	dupg_txn_cause cause;
	size_t n, i;

	site_make(&s, worked, 20);
	m = member_of(&s, "site");
	o.timeout_factor = 1.5;
	o.timeout_floor_ms = 500;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, &o), 0);
	CU_ASSERT_EQUAL(dupg_txn_wake(t), UINT64_MAX);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 1000, a, 16, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	/* 500 ms + 1.5 x 20 s after the action */
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(a[i].deadline_ms, 1000 + 500 + 30000);
	CU_ASSERT_EQUAL(dupg_txn_wake(t), 31500);
	/* answers before the deadline are taken; HUB2's never comes */
	for (i = 0; i < n; i++) {
		if (i == 2)
			continue;
		ev.kind = i == 0 ? DUPG_TXN_EV_STAGED : DUPG_TXN_EV_SENT;
		ev.device = i;
		CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 31499), DUPG_TXN_TAKEN);
	}
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_PREPARE);
	/* the device's own deadline still stands; the staged ones have none left */
	CU_ASSERT_EQUAL(dupg_txn_wake(t), 31500);
	/* at the deadline itself it has timed out, and its answer is late */
	ev.kind = DUPG_TXN_EV_SENT;
	ev.device = 2;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 31500), DUPG_TXN_LATE);
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_ABORT);
	dupg_txn_cause_get(t, &cause);
	CU_ASSERT_EQUAL(cause.device, 2);
	CU_ASSERT_EQUAL(cause.kind, DUPG_TXN_FAIL_SEND);
	CU_ASSERT_EQUAL(cause.timed_out, 1);
	/* everything started is abandoned, nothing waited for */
	CU_ASSERT_EQUAL(dupg_txn_wake(t), UINT64_MAX);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 31500, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 8);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(a[i].kind, DUPG_TXN_ACT_ABANDON);
	/* the end comes in a batch of its own, written after the abandons were handed out */
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_ABORT);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 31500, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(a[0].kind, DUPG_TXN_ACT_DONE);
	CU_ASSERT_EQUAL(a[0].outcome, DUPG_TXN_ROLLED_BACK);
	/* after the end: the same DONE again, and late answers are harmless */
	CU_ASSERT_EQUAL(dupg_txn_next(t, 40000, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(a[0].kind, DUPG_TXN_ACT_DONE);
	ev.kind = DUPG_TXN_EV_STAGED;
	ev.device = 0;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 40000), DUPG_TXN_DUPLICATE);
	ev.kind = DUPG_TXN_EV_SENT;
	ev.device = 2;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 40000), DUPG_TXN_LATE);
	dupg_txn_free(t);

	/* a zero factor and floor: due at once */
	o.timeout_factor = 0;
	o.timeout_floor_ms = 0;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, &o), 0);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 5, a, 1, &n), 0);
	CU_ASSERT_EQUAL(a[0].deadline_ms, 5);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 5, a, 1, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(a[0].kind, DUPG_TXN_ACT_ABANDON);
	dupg_txn_free(t);
	site_free(&s);
}

/* Devices of different durations: deadlines out of hand-out order still pass earliest first. */
static void test_mixed_timeouts(void)
{
	static const uint32_t durations[] = { 9, 1, 5, 1, 3, 7, 2, 1 };
	dupg_topology *t = NULL;
	struct site s;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_txn *x = NULL;
	dupg_txn_action a[16];
	dupg_txn_cause cause;
	size_t i, n, first = 0;
	static const char *const types[] = { "A", "B", "C", "D", "E" };

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	for (i = 0; worked[i].id != NULL; i++) {
		dupg_device_vd d = { worked[i].id, worked[i].hw, "1.0", durations[i] };
		CU_ASSERT_EQUAL_FATAL(dupg_topology_add(t, &d, worked[i].parent), 0);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, NULL), 0);
	site_from_topology(&s, t, types, 5);
	m = member_of(&s, "mixed");
	o.timeout_factor = 1;
	o.timeout_floor_ms = 0;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&x, &m, 1, &o), 0);
	CU_ASSERT_EQUAL(dupg_txn_next(x, 100, a, 16, &n), 0);
	CU_ASSERT_EQUAL_FATAL(n, 8);
	/* the first device of the shortest timeout, in dispatch order, is due first */
	for (i = 1; i < n; i++)
		if (a[i].deadline_ms < a[first].deadline_ms)
			first = i;
	CU_ASSERT_EQUAL(a[first].deadline_ms, 1100);
	CU_ASSERT_EQUAL(dupg_txn_wake(x), 1100);
	CU_ASSERT_EQUAL(dupg_txn_next(x, 1099, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(dupg_txn_next(x, 1100, a, 16, &n), 0);
	dupg_txn_cause_get(x, &cause);
	CU_ASSERT_EQUAL(cause.device, first);
	CU_ASSERT_EQUAL(cause.timed_out, 1);
	dupg_txn_free(x);
	site_free(&s);
}

/* ---- boot fallback, reports ---------------------------------------------------------- */

static void test_reports(void)
{
	struct site s;
	dupg_txn_member m;
	dupg_txn *t = NULL;
	dupg_txn_action a[16];
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	dupg_txn_cause cause;
	size_t n, i, k;
	size_t rru1, rru2, rru3;

	site_make(&s, worked, 10);
	m = member_of(&s, "site");
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, NULL), 0);
	rru1 = dupg_txn_find(t, 0, "RRU1");
	rru2 = dupg_txn_find(t, 0, "RRU2");
	rru3 = dupg_txn_find(t, 0, "RRU3");
	CU_ASSERT_EQUAL(dupg_txn_next(t, 0, a, 16, &n), 0);
	/* a report of the old version while preparing: known already */
	ev.kind = DUPG_TXN_EV_REPORT;
	ev.device = rru1;
	ev.version = "1.0";
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 1), DUPG_TXN_DUPLICATE);
	for (i = 1; i < 8; i++) {
		ev = (dupg_txn_event)DUPG_TXN_EVENT_INIT;
		ev.kind = DUPG_TXN_EV_SENT;
		ev.device = i;
		CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 2), DUPG_TXN_TAKEN);
	}
	CU_ASSERT_EQUAL(dupg_txn_next(t, 3, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 7);
	for (i = 0; i < 8; i++) {
		ev = (dupg_txn_event)DUPG_TXN_EVENT_INIT;
		ev.kind = DUPG_TXN_EV_STAGED;
		ev.device = i;
		ev.slot = 1;
		CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 4), DUPG_TXN_TAKEN);
	}
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_COMMIT);
	CU_ASSERT_EQUAL(dupg_txn_committed(t), 1);
	/* the leaves switch first */
	CU_ASSERT_EQUAL(dupg_txn_next(t, 5, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 4);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(a[i].kind, DUPG_TXN_ACT_SWITCH);
		CU_ASSERT_EQUAL(strncmp(a[i].id, "RRU", 3), 0);
	}
	/* RRU1 reports the new slot by number: switched */
	ev = (dupg_txn_event)DUPG_TXN_EVENT_INIT;
	ev.kind = DUPG_TXN_EV_REPORT;
	ev.device = rru1;
	ev.slot = 1;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 6), DUPG_TXN_TAKEN);
	CU_ASSERT_EQUAL(dupg_txn_device_state(t, rru1), DUPG_TXN_DEV_SWITCHED);
	/* and its answer, after: late, the report said it first */
	ev.kind = DUPG_TXN_EV_SWITCHED;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 7), DUPG_TXN_LATE);
	/* RRU2 boots back into its old version: a boot fallback, its failure */
	ev = (dupg_txn_event)DUPG_TXN_EVENT_INIT;
	ev.kind = DUPG_TXN_EV_REPORT;
	ev.device = rru2;
	ev.version = "1.0";
	ev.detail = "watchdog reset in slot 1";
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 8), DUPG_TXN_TAKEN);
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_REVERT);
	dupg_txn_cause_get(t, &cause);
	CU_ASSERT_EQUAL(cause.device, rru2);
	CU_ASSERT_EQUAL(cause.kind, DUPG_TXN_FAIL_FALLBACK);
	/* it may have fallen back, or the report predates its switch: it is switched back too */
	CU_ASSERT_EQUAL(dupg_txn_device_state(t, rru2), DUPG_TXN_DEV_SWITCHED);
	CU_ASSERT_STRING_EQUAL(cause.detail, "watchdog reset in slot 1");
	/* RRU1 and RRU2 go back (their HUB is not switched); RRU3, RRU4 still owe their answers */
	CU_ASSERT_EQUAL(dupg_txn_next(t, 9, a, 16, &n), 0);
	for (i = 0, k = 0; i < n; i++) {
		if (a[i].kind == DUPG_TXN_ACT_SWITCH_BACK) {
			CU_ASSERT(a[i].device == rru1 || a[i].device == rru2);
			k++;
		}
	}
	CU_ASSERT_EQUAL(k, 2);
	/* RRU3 reports a version it should never run: a failure, and it goes back too */
	ev.device = rru3;
	ev.version = "9.9";
	ev.detail = NULL;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 10), DUPG_TXN_TAKEN);
	CU_ASSERT_EQUAL(dupg_txn_device_state(t, rru3), DUPG_TXN_DEV_SWITCHED);
	{
		dupg_txn_device_info info;
		dupg_txn_device_get(t, rru3, &info);
		CU_ASSERT_EQUAL(info.failure, DUPG_TXN_FAIL_VERSION);
	}
	CU_ASSERT_EQUAL(dupg_txn_failed_count(t), 2);
	dupg_txn_free(t);
	site_free(&s);
}

/* ---- bad events: each its code, and nothing changes ----------------------------------- */

static char *state_of(const dupg_txn *t)
{
	char *snap = NULL, *json = NULL, *both;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(dupg_txn_snapshot(&snap, &len, t), 0);
	CU_ASSERT_EQUAL(strlen(snap), len);
	CU_ASSERT_EQUAL_FATAL(dupg_txn_to_json(&json, t), 0);
	both = malloc(strlen(snap) + strlen(json) + 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(both);
	sprintf(both, "%s\n%s\nwake %llu", snap, json, (unsigned long long)dupg_txn_wake(t));
	dupg_free(snap);
	dupg_free(json);
	return both;
}

static void expect_refused(dupg_txn *t, const dupg_txn_event *ev, int code, const char *needle)
{
	char *before = state_of(t), *after;

	fx_expect_error(dupg_txn_feed(t, ev, 100), code, needle, NULL);
	after = state_of(t);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
}

static void expect_harmless(dupg_txn *t, const dupg_txn_event *ev, int result)
{
	char *before = state_of(t), *after;

	CU_ASSERT_EQUAL(dupg_txn_feed(t, ev, 100), result);
	after = state_of(t);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
}

static void test_bad_events(void)
{
	struct site s;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_txn *t = NULL;
	dupg_txn_action a[16];
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	const char *same[8] = { "1.0", "1.0", "1.0", "1.0", "1.0", "1.0", "1.0", "1.0" };
	size_t n;

	site_make(&s, worked, 10);
	m = member_of(&s, "site");
	o.parallel = 2;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, &o), 0);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 0, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 2); /* BBU1 stages, HUB1 sends */

	ev.kind = DUPG_TXN_EV_STAGED;
	ev.device = 8;
	expect_refused(t, &ev, DUPG_ENOTFOUND, "no device 8");
	ev.device = DUPG_NONE;
	expect_refused(t, &ev, DUPG_ENOTFOUND, "no device");
	/* HUB2 was never told to stage */
	ev.device = 2;
	expect_refused(t, &ev, DUPG_EINVAL, "HUB2: \"staged\" answers a stage it was never given");
	/* nor anyone to switch, while preparing */
	ev.kind = DUPG_TXN_EV_SWITCHED;
	ev.device = 0;
	expect_refused(t, &ev, DUPG_EINVAL, "phase prepare");
	ev.kind = DUPG_TXN_EV_SWITCH_BACK_FAILED;
	expect_refused(t, &ev, DUPG_EINVAL, "switch_back it was never given");
	ev.kind = (dupg_txn_event_kind)42;
	expect_refused(t, &ev, DUPG_EINVAL, "unknown event kind 42");
	ev.kind = DUPG_TXN_EV_REPORT;
	expect_refused(t, &ev, DUPG_EINVAL, "neither version nor slot");
	/* a slot, but the slot it staged into is not known yet */
	ev.slot = 0;
	expect_refused(t, &ev, DUPG_EINVAL, "the slot it staged into is not known");
	fx_expect_error(dupg_txn_feed(t, NULL, 0), DUPG_EINVAL, "NULL", NULL);
	fx_expect_error(dupg_txn_feed(NULL, &ev, 0), DUPG_EINVAL, "NULL", NULL);

	/* BBU1 staged; the same answer again is a duplicate, a different one a conflict */
	ev = (dupg_txn_event)DUPG_TXN_EVENT_INIT;
	ev.kind = DUPG_TXN_EV_STAGED;
	ev.device = 0;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 10), DUPG_TXN_TAKEN);
	expect_harmless(t, &ev, DUPG_TXN_DUPLICATE);
	ev.kind = DUPG_TXN_EV_STAGE_FAILED;
	expect_refused(t, &ev, DUPG_EEXISTS, "but it answered \"staged\" to the same stage");
	/* HUB1 sent, then its stage times out; its late answer changes nothing */
	ev.kind = DUPG_TXN_EV_SENT;
	ev.device = 1;
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 11), DUPG_TXN_TAKEN);
	expect_harmless(t, &ev, DUPG_TXN_DUPLICATE);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 12, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 2); /* HUB1 stages, HUB2 sends */
	CU_ASSERT_EQUAL(dupg_txn_next(t, 1000000, a, 16, &n), 0); /* timeouts: the abandons */
	CU_ASSERT_EQUAL(dupg_txn_next(t, 1000000, a, 16, &n), 0); /* the end */
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_DONE);
	ev.kind = DUPG_TXN_EV_STAGED;
	expect_harmless(t, &ev, DUPG_TXN_LATE);
	ev.kind = DUPG_TXN_EV_SENT;
	ev.device = 2;
	expect_harmless(t, &ev, DUPG_TXN_LATE);
	ev.kind = DUPG_TXN_EV_REPORT;
	ev.version = "1.0";
	expect_harmless(t, &ev, DUPG_TXN_LATE);
	/* still: never given is never given, and nobody is device 99 */
	ev = (dupg_txn_event)DUPG_TXN_EVENT_INIT;
	ev.kind = DUPG_TXN_EV_HEALTHY;
	ev.device = 3;
	expect_refused(t, &ev, DUPG_EINVAL, "never given");
	ev.device = 99;
	expect_refused(t, &ev, DUPG_ENOTFOUND, "no device 99");
	dupg_txn_free(t);

	/* old and new the same: the version cannot tell them apart */
	m.versions = same;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, &o), 0);
	ev = (dupg_txn_event)DUPG_TXN_EVENT_INIT;
	ev.kind = DUPG_TXN_EV_REPORT;
	ev.device = 0;
	ev.version = "1.0";
	expect_refused(t, &ev, DUPG_EINVAL, "they are the same; give the slot");
	dupg_txn_free(t);

	/* no new versions given: anything but the old one counts as the new */
	m.versions = NULL;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, &o), 0);
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 0), DUPG_TXN_DUPLICATE);
	ev.version = "7";
	CU_ASSERT_EQUAL(dupg_txn_feed(t, &ev, 0), DUPG_TXN_TAKEN);
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_ABORT);
	dupg_txn_free(t);
	site_free(&s);
}

/* The sink refuses: the actions of that batch are never handed out, and only free is left. */
static void test_sink_refuses(void)
{
	struct site s;
	dupg_txn_member m;
	struct world w;
	dupg_txn_action a[4];
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	size_t n = 77;

	site_make(&s, worked, 10);
	m = member_of(&s, "site");
	world_init(&w, &m, 1, NULL);
	w.crash_at = 1;
	fx_expect_error(dupg_txn_next(w.t, 0, a, 4, &n), DUPG_EABORTED, "write 1", NULL);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(w.writes, 1);
	CU_ASSERT_EQUAL(dupg_txn_journal_writes(w.t), 1);
	fx_expect_error(dupg_txn_next(w.t, 0, a, 4, &n), DUPG_EABORTED, "resume", NULL);
	ev.kind = DUPG_TXN_EV_STAGED;
	ev.device = 0;
	fx_expect_error(dupg_txn_feed(w.t, &ev, 0), DUPG_EABORTED, "resume", NULL);
	fx_expect_error(dupg_txn_abort(w.t, NULL, 0), DUPG_EABORTED, NULL, NULL);
	world_free(&w);
	site_free(&s);
}

static int sink_eio(const char *data, size_t len, int replace, void *payload)
{
	(void)data;
	(void)len;
	(void)replace;
	(void)payload;
	dupg_error_clear();
	return DUPG_EIO;
}

static void test_abort_and_options(void)
{
	struct site s;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_txn *t = (dupg_txn *)&t;
	dupg_txn_action a[16];
	dupg_txn_cause cause;
	size_t n;

	site_make(&s, worked, 10);
	m = member_of(&s, "site");
	o.version = 99;
	fx_expect_error(dupg_txn_new(&t, &m, 1, &o), DUPG_EINVAL, "unknown version 99", NULL);
	CU_ASSERT_PTR_NULL(t);
	o.version = DUPG_TXN_OPTIONS_VERSION;
	o.timeout_factor = -1;
	fx_expect_error(dupg_txn_new(&t, &m, 1, &o), DUPG_EINVAL, "timeout factor", NULL);
	o.timeout_factor = 0.0 / 0.0;
	fx_expect_error(dupg_txn_new(&t, &m, 1, &o), DUPG_EINVAL, "timeout factor", NULL);
	o.timeout_factor = 1;
	fx_expect_error(dupg_txn_new(NULL, &m, 1, &o), DUPG_EINVAL, "out is NULL", NULL);
	fx_expect_error(dupg_txn_new(&t, NULL, 1, &o), DUPG_EINVAL, "members", NULL);
	m.plan = NULL;
	fx_expect_error(dupg_txn_new(&t, &m, 1, &o), DUPG_EINVAL, "member 0: no plan", NULL);
	m = member_of(&s, "site");

	/* a transaction of nothing commits at once */
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, NULL, 0, &o), 0);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 0, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(a[0].kind, DUPG_TXN_ACT_DONE);
	CU_ASSERT_EQUAL(a[0].outcome, DUPG_TXN_COMMITTED);
	CU_ASSERT_EQUAL(a[0].device, DUPG_NONE);
	fx_expect_error(dupg_txn_abort(t, "late", 0), DUPG_EINVAL, "already done", NULL);
	fx_expect_error(dupg_txn_next(t, 0, a, 0, &n), DUPG_EINVAL, "no room", NULL);
	dupg_txn_free(t);

	/* the operator cancels: before the commit point an abort */
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, &o), 0);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 0, a, 16, &n), 0);
	CU_ASSERT_EQUAL(dupg_txn_abort(t, "maintenance window closed", 1), 0);
	dupg_txn_cause_get(t, &cause);
	CU_ASSERT_EQUAL(cause.kind, DUPG_TXN_FAIL_ABORTED);
	CU_ASSERT_EQUAL(cause.device, DUPG_NONE);
	CU_ASSERT_STRING_EQUAL(cause.detail, "maintenance window closed");
	fx_expect_error(dupg_txn_abort(t, NULL, 2), DUPG_EINVAL, "rolling back", NULL);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 2, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 2, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(a[0].outcome, DUPG_TXN_ROLLED_BACK);
	dupg_txn_free(t);

	/* a sink's own error comes back with its code */
	o.journal = sink_eio;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, &m, 1, &o), 0);
	fx_expect_error(dupg_txn_next(t, 0, a, 16, &n), DUPG_EIO, "transaction journal, write 1", NULL);
	dupg_txn_free(t);
	dupg_txn_free(NULL);
	CU_ASSERT_EQUAL(dupg_txn_count(NULL), 0);
	CU_ASSERT_EQUAL(dupg_txn_phase_get(NULL), DUPG_TXN_DONE);
	CU_ASSERT_EQUAL(dupg_txn_device_state(NULL, 0), DUPG_TXN_DEV_PENDING);
	CU_ASSERT_PTR_NULL(dupg_txn_member_name(NULL, 0));
	site_free(&s);
}

/* ---- a linked group of two sites -------------------------------------------------------- */

static void test_linked_group(void)
{
	struct site a, b;
	dupg_txn_member m[2];
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	int round;

	site_make(&a, worked, 10);
	site_make(&b, site_b, 30);
	m[0] = member_of(&a, "site-a");
	m[1] = member_of(&b, "site-b");
	for (round = 0; round < 3; round++) {
		struct world w;
		dupg_txn_cause cause;
		size_t g, bad;

		o.parallel = (size_t)round;
		world_init(&w, m, 2, &o);
		CU_ASSERT_EQUAL(w.n, 13);
		CU_ASSERT_EQUAL(dupg_txn_find(w.t, 1, "B-HUB2"), 8 + 2);
		CU_ASSERT_EQUAL(dupg_txn_find(w.t, 0, "B-HUB2"), DUPG_NONE);
		bad = dupg_txn_find(w.t, 1, round == 1 ? "B-RRU2" : "B-HUB1");
		/* round 0 commits; 1: a site-b device fails its stage; 2: its health */
		if (round > 0)
			w.d[bad].fault = round == 1 ? F_STAGE : F_HEALTH;
		CU_ASSERT_EQUAL(world_run(&w), 0);
		expect_consistent(&w);
		dupg_txn_cause_get(w.t, &cause);
		if (round == 0) {
			CU_ASSERT_EQUAL(w.outcome, DUPG_TXN_COMMITTED);
			for (g = 0; g < w.n; g++)
				CU_ASSERT_EQUAL(w.d[g].runs_new, 1);
		} else {
			/* site-a goes back with site-b */
			CU_ASSERT_EQUAL(w.outcome, DUPG_TXN_ROLLED_BACK);
			CU_ASSERT_EQUAL(cause.device, bad);
			for (g = 0; g < 8; g++)
				CU_ASSERT_EQUAL(w.d[g].runs_new, 0);
			if (round == 2)
				CU_ASSERT_EQUAL(dupg_txn_state_count(w.t, DUPG_TXN_DEV_SWITCHED_BACK), 13);
		}
		world_free(&w);
	}
	site_free(&a);
	site_free(&b);
}

/* ---- crashes: after every journal write of every path, then resume ---------------------------- */

struct path_case {
	const char *device; /* of site-a; NULL: the happy path */
	int fault;
	int replace_only;
	size_t parallel;
	const char *device2; /* of site-b, a second fault; may be NULL */
	int fault2;
};

static const struct path_case paths[] = {
	{ NULL, F_OK, 0, 0, NULL, 0 }, { NULL, F_OK, 1, 1, NULL, 0 }, { NULL, F_OK, 0, 2, NULL, 0 },
	{ "HUB2", F_SEND, 0, 0, NULL, 0 }, { "RRU3", F_STAGE, 0, 1, NULL, 0 },
	{ "HUB1", F_MUTE_STAGE, 1, 0, NULL, 0 }, { "HUB3", F_SWITCH, 0, 0, NULL, 0 },
	{ "BBU1", F_SWITCH, 0, 1, NULL, 0 }, { "RRU2", F_FALLBACK, 0, 0, NULL, 0 },
	{ "HUB2", F_MUTE_SWITCH, 0, 2, NULL, 0 }, { "RRU4", F_HEALTH, 0, 0, NULL, 0 },
	{ "BBU1", F_HEALTH, 1, 1, NULL, 0 }, { "HUB1", F_MUTE_CHECK, 0, 0, NULL, 0 },
	{ "HUB2", F_BACK, 0, 0, "B-RRU1", F_HEALTH }, { "HUB3", F_MUTE_BACK, 0, 1, "B-BBU", F_HEALTH },
};

static void run_path(size_t pi, size_t crash_at, size_t crash_again, size_t *writes,
		     dupg_txn_outcome *outcome, size_t *crashes)
{
	const struct path_case *pc = &paths[pi];
	struct site a, b;
	dupg_txn_member m[2];
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	struct world w;

	site_make(&a, worked, 10);
	site_make(&b, site_b, 10);
	m[0] = member_of(&a, "site-a");
	m[1] = member_of(&b, "site-b");
	o.parallel = pc->parallel;
	o.journal_replace_only = pc->replace_only;
	world_init(&w, m, 2, &o);
	w.delay_max = 3;
	/* the same seed for every crash point: each run is the plain one until its crash */
	w.rng = 7 + pi;
	if (pc->device != NULL)
		w.d[dupg_txn_find(w.t, 0, pc->device)].fault = pc->fault;
	if (pc->device2 != NULL)
		w.d[dupg_txn_find(w.t, 1, pc->device2)].fault = pc->fault2;
	w.crash_at = crash_at;
	w.crash_again = crash_again > 0 ? crash_at + crash_again : 0;
	CU_ASSERT_EQUAL(world_run(&w), 0);
	expect_consistent(&w);
	if (writes != NULL)
		*writes = w.writes;
	if (outcome != NULL)
		*outcome = w.outcome;
	if (crashes != NULL)
		*crashes = w.crashes;
	world_free(&w);
	site_free(&a);
	site_free(&b);
}

static void test_crash_every_write(void)
{
	size_t p, k, cases = 0, healed = 0, cases_single = 0;

	for (p = 0; p < COUNT(paths); p++) {
		size_t writes = 0, crashes = 0;
		dupg_txn_outcome plain, got;

		run_path(p, 0, 0, &writes, &plain, NULL);
		CU_ASSERT(writes > 2);
		for (k = 1; k <= writes; k++) {
			run_path(p, k, 0, NULL, &got, &crashes);
			CU_ASSERT_EQUAL(crashes, 1);
			cases_single++;
			/*
			 * A failure still rolls back, except a switch whose answer was
			 * lost: after a crash the query finds the device switched.
			 */
			if (plain != DUPG_TXN_COMMITTED && paths[p].fault != F_MUTE_SWITCH)
				CU_ASSERT_NOT_EQUAL(got, DUPG_TXN_COMMITTED);
			healed += plain != DUPG_TXN_COMMITTED && got == DUPG_TXN_COMMITTED;
			cases++;
			/* and a second crash, at a few points of the resumed run */
			if (k % 3 == 0) {
				run_path(p, k, 1 + k % 4, NULL, &got, &crashes);
				CU_ASSERT(crashes >= 1);
				cases++;
			}
		}
	}
	printf("\n    %zu paths, %zu crashed runs (%zu after a first crash too), %zu healed by a query\n",
	       COUNT(paths), cases, cases - cases_single, healed);
	CU_ASSERT(cases > 100);
	CU_ASSERT(healed > 0);
}

/* ---- the journal text --------------------------------------------------------------------- */

static void journal_of_run(struct world *w, const struct site *s, dupg_txn_member *m,
			   size_t stop_after_writes)
{
	(void)s;
	world_init(w, m, 1, NULL);
	w->crash_at = stop_after_writes;
	world_run(w);
}

static void test_journal_format(void)
{
	struct site s;
	dupg_txn_member m, other;
	struct world w;
	dupg_txn *t = (dupg_txn *)&t;
	dupg_txn_action a[16];
	char *copy, *snap = NULL;
	size_t n, len;
	const char *p;

	site_make(&s, worked, 10);
	m = member_of(&s, "site");
	/* stop after the fifth write: the text holds a whole journal and appended blocks */
	world_init(&w, &m, 1, NULL);
	w.crash_at = 5;
	w.delay_max = 1;
	while (w.writes < 5) {
		dupg_txn_action acts[2];
		int rc = dupg_txn_next(w.t, w.now, acts, 2, &n);
		size_t i;
		if (rc != 0)
			break;
		for (i = 0; i < n; i++)
			perform(&w, &acts[i]);
		if (n == 0 && w.nq > 0) {
			size_t e = earliest(&w);
			struct pending pe = w.q[e];
			w.q[e] = w.q[--w.nq];
			w.now = pe.at;
			feed_one(&w, &pe.ev);
		}
	}
	CU_ASSERT_EQUAL_FATAL(w.writes, 5);
	CU_ASSERT_EQUAL(strncmp(w.j, "dupg-txn 1\nB 1 ", 15), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.j, "\ntxn 1 8 "));
	CU_ASSERT_PTR_NOT_NULL(strstr(w.j, "\nphase prepare 0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(w.j, "\nB 5 "));
	/* resumed before the commit point: it rolls back, the cause says why */
	CU_ASSERT_EQUAL_FATAL(dupg_txn_resume(&t, &m, 1, w.j, w.jlen, NULL), 0);
	CU_ASSERT_EQUAL(dupg_txn_phase_get(t), DUPG_TXN_ABORT);
	CU_ASSERT_EQUAL(dupg_txn_journal_writes(t), 5);
	{
		dupg_txn_cause cause;
		dupg_txn_cause_get(t, &cause);
		CU_ASSERT_EQUAL(cause.kind, DUPG_TXN_FAIL_INTERRUPTED);
		CU_ASSERT_EQUAL(cause.device, DUPG_NONE);
	}
	/* its first write replaces the journal, numbered on */
	CU_ASSERT_EQUAL(dupg_txn_next(t, 0, a, 16, &n), 0);
	CU_ASSERT(n > 0);
	dupg_txn_free(t);

	/* a last write cut short is ignored, at any length */
	copy = malloc(w.jlen + 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	p = strstr(w.j, "\nB 5 ");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (len = (size_t)(p - w.j) + 1; len < w.jlen; len++) {
		memcpy(copy, w.j, len);
		t = NULL;
		CU_ASSERT_EQUAL(dupg_txn_resume(&t, &m, 1, copy, len, NULL), 0);
		CU_ASSERT_EQUAL(dupg_txn_journal_writes(t), 4);
		dupg_txn_free(t);
	}
	/* zeros where the crash left the file longer than its data */
	memcpy(copy, w.j, w.jlen);
	memset(copy + w.jlen, 0, 40);
	CU_ASSERT_EQUAL(dupg_txn_resume(&t, &m, 1, copy, w.jlen + 40, NULL), 0);
	CU_ASSERT_EQUAL(dupg_txn_journal_writes(t), 5);
	dupg_txn_free(t);
	/* a damaged block with more after it is refused */
	memcpy(copy, w.j, w.jlen);
	copy[(size_t)(p - w.j) - 2] ^= 1;
	fx_expect_error(dupg_txn_resume(&t, &m, 1, copy, w.jlen, NULL), DUPG_EFORMAT, "damaged", NULL);
	CU_ASSERT_PTR_NULL(t);
	/* not a journal; another format; nothing complete */
	fx_expect_error(dupg_txn_resume(&t, &m, 1, "hello", 5, NULL), DUPG_EFORMAT, "not one", NULL);
	fx_expect_error(dupg_txn_resume(&t, &m, 1, "dupg-txn 2\n", 11, NULL), DUPG_EUNSUPPORTED,
			"format 2", NULL);
	fx_expect_error(dupg_txn_resume(&t, &m, 1, "dupg-txn 1\n", 11, NULL), DUPG_EFORMAT,
			"no complete write", NULL);
	fx_expect_error(dupg_txn_resume(&t, &m, 1, NULL, 3, NULL), DUPG_EINVAL, "NULL", NULL);
	/* blocks out of order */
	memcpy(copy, w.j, w.jlen);
	{
		char *b5 = copy + (p - w.j) + 3;
		*b5 = '7';
		fx_expect_error(dupg_txn_resume(&t, &m, 1, copy, w.jlen, NULL), DUPG_EFORMAT,
				"block 7 after block 4", NULL);
	}
	/* another member list: refused by its fingerprint */
	other = m;
	other.name = "another site";
	fx_expect_error(dupg_txn_resume(&t, &other, 1, w.j, w.jlen, NULL), DUPG_EINVAL,
			"belongs to other members", NULL);
	free(copy);

	/* a snapshot is a whole journal resume reads the same */
	CU_ASSERT_EQUAL_FATAL(dupg_txn_resume(&t, &m, 1, w.j, w.jlen, NULL), 0);
	{
		dupg_txn *u = NULL;
		char *snap2 = NULL;
		CU_ASSERT_EQUAL(dupg_txn_snapshot(&snap, &len, t), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_txn_resume(&u, &m, 1, snap, len, NULL), 0);
		CU_ASSERT_EQUAL(dupg_txn_snapshot(&snap2, &len, u), 0);
		CU_ASSERT_STRING_EQUAL(snap, snap2);
		dupg_free(snap2);
		dupg_txn_free(u);
	}
	dupg_free(snap);
	dupg_txn_free(t);
	world_free(&w);
	journal_of_run(&w, &s, &m, 0);
	CU_ASSERT_EQUAL(w.outcome, DUPG_TXN_COMMITTED);
	/* resumed after the end: it ends the same, writing nothing */
	CU_ASSERT_EQUAL_FATAL(dupg_txn_resume(&t, &m, 1, w.j, w.jlen, NULL), 0);
	CU_ASSERT_EQUAL(dupg_txn_outcome_get(t), DUPG_TXN_COMMITTED);
	CU_ASSERT_EQUAL(dupg_txn_next(t, 0, a, 16, &n), 0);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(a[0].outcome, DUPG_TXN_COMMITTED);
	CU_ASSERT_EQUAL(dupg_txn_journal_writes(t), w.writes);
	dupg_txn_free(t);
	world_free(&w);
	site_free(&s);
}

/* Resumed after the commit point: it finishes the switch, and a failing check still rolls back. */
static void test_resume_after_commit(void)
{
	int failing;

	for (failing = 0; failing <= 1; failing++) {
		struct site s;
		dupg_txn_member m;
		struct world w;
		dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
		size_t k;

		site_make(&s, worked, 10);
		m = member_of(&s, "site");
		o.parallel = 1;
		for (k = 1;; k++) {
			world_init(&w, &m, 1, &o);
			if (failing)
				w.d[0].fault = F_HEALTH;
			w.crash_at = k;
			/* run until the crash, without resuming */
			while (w.crashes == 0 && w.writes < k) {
				dupg_txn_action acts[2];
				size_t n, i;
				if (dupg_txn_next(w.t, w.now, acts, 2, &n) != 0)
					break;
				for (i = 0; i < n; i++)
					perform(&w, &acts[i]);
				if (n == 0 && w.nq > 0) {
					size_t e = earliest(&w);
					struct pending pe = w.q[e];
					w.q[e] = w.q[--w.nq];
					w.now = pe.at;
					feed_one(&w, &pe.ev);
				}
			}
			if (strstr(w.j, "phase commit 1") != NULL)
				break;
			world_free(&w);
		}
		/* the first crash past the commit point: resume takes it forward */
		crash_and_resume(&w);
		CU_ASSERT_EQUAL(dupg_txn_phase_get(w.t), DUPG_TXN_COMMIT);
		CU_ASSERT_EQUAL(world_run(&w), 0);
		expect_consistent(&w);
		CU_ASSERT_EQUAL(w.outcome, failing ? DUPG_TXN_ROLLED_BACK : DUPG_TXN_COMMITTED);
		world_free(&w);
		site_free(&s);
	}
}

/* ---- the file journal and the store, crash after every write ------------------------------- */

/* The worked example's lists after its prune (test_store.c holds the same). */
#define KEPT_LIST "pkg2\npkg3\npkg4\npkg5\npkg6\n"
#define ROLLBACK_LIST "pkg2\npkg3\npkg4\n"

struct file_crash {
	dupg_txn_file *file;
	size_t writes, crash_at;
};

static int file_sink(const char *data, size_t len, int replace, void *payload)
{
	struct file_crash *fc = payload;
	int rc = dupg_txn_file_write(data, len, replace, fc->file);

	if (rc != 0)
		return rc;
	return ++fc->writes == fc->crash_at ? 1 : 0;
}

/*
 * The worked example's store pruned for the download, the site upgraded
 * through the transaction with the file journal, the master crashing after
 * write crash_at; at the end the store goes back when the site did.
 */
static void store_path(int fault_health, size_t crash_at, size_t *writes)
{
	char *dir = fx_tmpdir();
	const char *list = fx_path(dir, "list"), *journal = fx_path(dir, "txn.journal");
	dupg_store *st = NULL;
	dupg_pathlist *dl = NULL;
	dupg_prune *pr = NULL;
	dupg_topology *t = NULL;
	dupg_plan *plan = NULL;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	struct file_crash fc = { NULL, 0, crash_at };
	struct world w;
	const char *versions[8];
	size_t i;
	char *text;
	int rc;

	{
		json_object *c = fx_case("worked");
		fx_case_store(dir, c);
		json_object_put(c);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_store_open(&st, list), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_pathlist_load(&dl, fx_path(dir, "new")), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_store_prune(&pr, st, dl, NULL, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	for (i = 0; worked[i].id != NULL; i++)
		fx_device(t, worked[i].id, worked[i].hw, "old", worked[i].parent);
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&plan, t, dupg_prune_config(pr, DUPG_CONFIG_ROLLBACK),
						dupg_prune_config(pr, DUPG_CONFIG_LATEST)), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_count(plan), 4);
	for (i = 0; i < 4; i++)
		versions[i] = "new";
	m.plan = plan;
	m.name = "site1";
	m.versions = versions;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_file_open(&fc.file, journal, NULL), 0);
	o.journal = file_sink;
	o.journal_payload = &fc;
	memset(&w, 0, sizeof(w));
	world_init(&w, &m, 1, NULL);
	/* the world's sink is the file here */
	dupg_txn_free(w.t);
	w.opts = o;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&w.t, &m, 1, &o), 0);
	if (fault_health)
		w.d[2].fault = F_HEALTH;
	for (;;) {
		dupg_txn_action acts[4];
		size_t n, k;
		rc = dupg_txn_next(w.t, w.now, acts, 4, &n);
		if (rc == DUPG_EABORTED) {
			/* the master reboots: the journal file is all it has */
			dupg_txn_free(w.t);
			w.t = NULL;
			w.nq = 0;
			fc.crash_at = 0;
			CU_ASSERT_EQUAL_FATAL(dupg_txn_resume_file(&w.t, &m, 1, journal, &o), 0);
			for (k = 0; k < w.n; k++)
				answer(&w, k, DUPG_TXN_EV_REPORT);
			w.staged_answers = dupg_txn_committed(w.t) ? w.n : 0;
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(rc, 0);
		for (k = 0; k < n; k++)
			perform(&w, &acts[k]);
		if (n > 0 && acts[n - 1].kind == DUPG_TXN_ACT_DONE)
			break;
		if (n == 0) {
			size_t e;
			struct pending pe;
			CU_ASSERT_FATAL(w.nq > 0);
			e = earliest(&w);
			pe = w.q[e];
			w.q[e] = w.q[--w.nq];
			w.now = pe.at;
			feed_one(&w, &pe.ev);
		}
	}
	expect_consistent(&w);
	if (fault_health || crash_at > 0)
		CU_ASSERT(w.outcome == DUPG_TXN_ROLLED_BACK || w.outcome == DUPG_TXN_COMMITTED);
	if (fault_health)
		CU_ASSERT_EQUAL(w.outcome, DUPG_TXN_ROLLED_BACK);
	/* the store follows the devices: back when they went back, as pruned when they did not */
	if (w.outcome == DUPG_TXN_ROLLED_BACK) {
		dupg_store_free(st);
		st = NULL;
		CU_ASSERT_EQUAL_FATAL(dupg_store_open(&st, list), 0);
		CU_ASSERT_EQUAL(dupg_store_rollback(NULL, NULL, st, NULL), 0);
		text = fx_read(list);
		CU_ASSERT_STRING_EQUAL(text, ROLLBACK_LIST);
		free(text);
		CU_ASSERT_EQUAL(fx_exists(fx_path(dir, "pkg5")), 0);
	} else {
		text = fx_read(list);
		CU_ASSERT_STRING_EQUAL(text, KEPT_LIST);
		free(text);
	}
	CU_ASSERT_EQUAL(fx_exists(journal), 1);
	CU_ASSERT_EQUAL(dupg_txn_file_remove(journal, NULL), 0);
	CU_ASSERT_EQUAL(fx_exists(journal), 0);
	CU_ASSERT_EQUAL(dupg_txn_file_remove(journal, NULL), 0);
	{
		dupg_txn *none = NULL;
		fx_expect_error(dupg_txn_resume_file(&none, &m, 1, journal, &o), DUPG_ENOTFOUND,
				"txn.journal", NULL);
	}
	if (writes != NULL)
		*writes = fc.writes;
	world_free(&w);
	dupg_txn_file_free(fc.file);
	dupg_plan_free(plan);
	dupg_topology_free(t);
	dupg_prune_free(pr);
	dupg_pathlist_free(dl);
	dupg_store_free(st);
	fx_rmrf(dir);
	free(dir);
}

static void test_file_journal_and_store(void)
{
	size_t writes = 0, k;
	int health;

	for (health = 0; health <= 1; health++) {
		store_path(health, 0, &writes);
		CU_ASSERT(writes > 3);
		for (k = 1; k <= writes; k++)
			store_path(health, k, NULL);
	}
}

static void test_file_errors(void)
{
	dupg_txn_file *f = (dupg_txn_file *)&f;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	char *dir = fx_tmpdir();
	const char *path = fx_path(dir, "j");
	char *text;

	fx_expect_error(dupg_txn_file_open(&f, NULL, NULL), DUPG_EINVAL, "path", NULL);
	CU_ASSERT_PTR_NULL(f);
	fx_expect_error(dupg_txn_file_open(&f, "", NULL), DUPG_EINVAL, "path", NULL);
	ao.version = 5;
	fx_expect_error(dupg_txn_file_open(&f, path, &ao), DUPG_EINVAL, "version 5", NULL);
	ao.version = DUPG_APPLY_OPTIONS_VERSION;
	ao.no_fsync = 1;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_file_open(&f, path, &ao), 0);
	/* an append before any whole journal: there is no file */
	fx_expect_error(dupg_txn_file_write("x", 1, 0, f), DUPG_EIO, "cannot open the journal", NULL);
	CU_ASSERT_EQUAL(dupg_txn_file_write("ab", 2, 1, f), 0);
	CU_ASSERT_EQUAL(dupg_txn_file_write("cd", 2, 0, f), 0);
	CU_ASSERT_EQUAL(dupg_txn_file_write("ef", 2, 0, f), 0);
	text = fx_read(path);
	CU_ASSERT_STRING_EQUAL(text, "abcdef");
	free(text);
	CU_ASSERT_EQUAL(dupg_txn_file_write("gh", 2, 1, f), 0);
	CU_ASSERT_EQUAL(dupg_txn_file_write("ij", 2, 0, f), 0);
	text = fx_read(path);
	CU_ASSERT_STRING_EQUAL(text, "ghij");
	free(text);
	fx_expect_error(dupg_txn_file_write(NULL, 2, 0, f), DUPG_EINVAL, "NULL", NULL);
	/* stale temporary files of a whole write cut short go with resume and remove */
	fx_write(fx_path(dir, "j.tmp.AbC123"), "partial");
	fx_write(fx_path(dir, "j.tmp.toolong1"), "not ours");
	{
		dupg_txn *t = NULL;
		fx_expect_error(dupg_txn_resume_file(&t, NULL, 0, path, NULL), DUPG_EFORMAT, "not one", NULL);
	}
	CU_ASSERT_EQUAL(fx_exists(fx_path(dir, "j.tmp.AbC123")), 0);
	CU_ASSERT_EQUAL(fx_exists(fx_path(dir, "j.tmp.toolong1")), 1);
	CU_ASSERT_EQUAL(dupg_txn_file_remove(path, &ao), 0);
	CU_ASSERT_EQUAL(fx_exists(path), 0);
	fx_expect_error(dupg_txn_file_remove(NULL, NULL), DUPG_EINVAL, "path", NULL);
	dupg_txn_file_free(f);
	dupg_txn_file_free(NULL);
	fx_rmrf(dir);
	free(dir);
}

/* ---- progress --------------------------------------------------------------------------- */

struct progress {
	size_t counts[DUPG_TXN_DEV_STATES];
	size_t calls, phases;
	dupg_txn_phase last_phase;
	int mismatch;
};

static void on_device(const dupg_txn *t, size_t device, dupg_txn_state from, dupg_txn_state to,
		      void *payload)
{
	struct progress *p = payload;
	size_t s;

	p->calls++;
	p->counts[from]--;
	p->counts[to]++;
	if (dupg_txn_device_state(t, device) != to)
		p->mismatch = 1;
	for (s = 0; s < DUPG_TXN_DEV_STATES; s++)
		if (p->counts[s] != dupg_txn_state_count(t, (dupg_txn_state)s))
			p->mismatch = 1;
}

static void on_phase(const dupg_txn *t, dupg_txn_phase from, dupg_txn_phase to, void *payload)
{
	struct progress *p = payload;

	if (from != p->last_phase || dupg_txn_phase_get(t) != to)
		p->mismatch = 1;
	p->last_phase = to;
	p->phases++;
}

static void test_progress(void)
{
	struct site s;
	dupg_txn_member m;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	struct progress pr;
	struct world w;

	site_make(&s, worked, 10);
	m = member_of(&s, "site");
	memset(&pr, 0, sizeof(pr));
	pr.counts[DUPG_TXN_DEV_PENDING] = 8;
	pr.last_phase = DUPG_TXN_PREPARE;
	o.on_device = on_device;
	o.on_phase = on_phase;
	o.progress_payload = &pr;
	world_init(&w, &m, 1, &o);
	w.d[7].fault = F_HEALTH;
	CU_ASSERT_EQUAL(world_run(&w), 0);
	expect_consistent(&w);
	CU_ASSERT_EQUAL(pr.mismatch, 0);
	/* pending, sending/staging, staged, switching, switched, checking, back... */
	CU_ASSERT(pr.calls >= 8 * 6);
	CU_ASSERT_EQUAL(pr.phases, 3); /* commit, revert, done */
	CU_ASSERT_EQUAL(pr.counts[DUPG_TXN_DEV_SWITCHED_BACK], 8);
	world_free(&w);
	site_free(&s);
}

/* ---- the property test ----------------------------------------------------------------------- */

/* A random site: n devices, each behind a random earlier one, of random types; some types change. */
static void random_site(struct site *s, uint64_t *rng, const char *prefix)
{
	static const char *const types[] = { "A", "B", "C", "D", "E", "F" };
	dupg_topology *t = NULL;
	dupg_config *from = NULL, *to = NULL;
	size_t n = 1 + fx_rand(rng, 24), i;
	char id[32], parent[32];
	int changes = 0;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	for (i = 0; i < n; i++) {
		dupg_device_vd d;
		size_t p = i == 0 ? 0 : (fx_rand(rng, 2) ? i - 1 : fx_rand(rng, (uint32_t)i));
		snprintf(id, sizeof(id), "%s%zu", prefix, i);
		snprintf(parent, sizeof(parent), "%s%zu", prefix, p);
		d.id = id;
		d.hw = types[fx_rand(rng, 6)];
		d.version = "1.0";
		d.duration_s = fx_rand(rng, 5);
		CU_ASSERT_EQUAL_FATAL(dupg_topology_add(t, &d, i == 0 ? NULL : parent), 0);
	}
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&from), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&to), 0);
	for (i = 0; i < 6; i++) {
		int change = fx_rand(rng, 3) != 0 || (i == 5 && !changes);
		char pkg[32];
		snprintf(pkg, sizeof(pkg), "%s-old", types[i]);
		CU_ASSERT_EQUAL_FATAL(dupg_config_set(from, types[i], pkg), 0);
		snprintf(pkg, sizeof(pkg), change ? "%s-new" : "%s-old", types[i]);
		CU_ASSERT_EQUAL_FATAL(dupg_config_set(to, types[i], pkg), 0);
		changes += change;
	}
	s->topo = t;
	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&s->plan, t, from, to), 0);
	s->versions = calloc(dupg_plan_count(s->plan) + 1, sizeof(*s->versions));
	for (i = 0; i < dupg_plan_count(s->plan); i++)
		s->versions[i] = "2.0";
	dupg_config_free(from);
	dupg_config_free(to);
}

/*
 * Seeded: 3,000 runs from a fixed seed. DUPG_TXN_SEED and DUPG_TXN_ROUNDS
 * change both, for longer runs and to reproduce one.
 */
static void test_property(void)
{
	const char *env_seed = getenv("DUPG_TXN_SEED"), *env_rounds = getenv("DUPG_TXN_ROUNDS");
	uint64_t rng = env_seed != NULL ? strtoull(env_seed, NULL, 0) : 0xd0d0cafe;
	size_t rounds = env_rounds != NULL ? strtoul(env_rounds, NULL, 0) : 3000;
	size_t round, committed = 0, rolled = 0, incomplete = 0, crashed = 0, dups = 0, lates = 0;

	for (round = 0; round < rounds; round++) {
		struct site sites[3];
		dupg_txn_member m[3];
		dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
		size_t nm = 1 + fx_rand(&rng, 3), i, g;
		char prefix[8];
		struct world w;

		for (i = 0; i < nm; i++) {
			snprintf(prefix, sizeof(prefix), "%c", (char)('a' + i));
			random_site(&sites[i], &rng, prefix);
			m[i] = member_of(&sites[i], prefix);
		}
		o.parallel = fx_rand(&rng, 4);
		o.timeout_factor = fx_rand(&rng, 3);
		o.timeout_floor_ms = 20 + fx_rand(&rng, 40);
		o.journal_replace_only = fx_rand(&rng, 4) == 0;
		world_init(&w, m, nm, &o);
		w.rng = rng;
		w.delay_max = 1 + fx_rand(&rng, 30);
		w.dup_permille = fx_rand(&rng, 300);
		w.report_permille = fx_rand(&rng, 2) ? fx_rand(&rng, 200) : 0;
		w.stale_permille = fx_rand(&rng, 4) == 0 ? fx_rand(&rng, 100) : 0;
		/* most devices are fine; a run has a few faults of every kind, or none */
		for (g = 0; g < w.n; g++)
			if (fx_rand(&rng, 100) < 4)
				w.d[g].fault = 1 + (int)fx_rand(&rng, F_KINDS - 1);
		/* one run in four crashes at a random write */
		if (fx_rand(&rng, 4) == 0)
			w.crash_at = 1 + fx_rand(&rng, 12);
		CU_ASSERT_EQUAL(world_run(&w), 0);
		expect_consistent(&w);
		if (w.feed_errors || w.switch_too_early || w.resume_errors)
			fprintf(stderr, "property round %zu failed\n", round);
		if (CU_get_number_of_failures() > 0 && round + 1 < rounds) {
			fprintf(stderr, "property: first failure in round %zu\n", round);
			rounds = round + 1;
		}
		committed += w.outcome == DUPG_TXN_COMMITTED;
		rolled += w.outcome == DUPG_TXN_ROLLED_BACK;
		incomplete += w.outcome == DUPG_TXN_ROLLBACK_INCOMPLETE;
		crashed += w.crashes > 0;
		dups += w.dups;
		lates += w.lates;
		rng ^= w.rng;
		world_free(&w);
		for (i = 0; i < nm; i++)
			site_free(&sites[i]);
	}
	printf("\n    %zu runs: %zu committed, %zu rolled back, %zu incomplete; %zu crashed; "
	       "%zu duplicates, %zu late events\n", round, committed, rolled, incomplete, crashed,
	       dups, lates);
	/* every kind of end, crashes, and harmless repeats were all exercised */
	CU_ASSERT(committed > rounds / 30);
	CU_ASSERT(rolled > rounds / 30);
	CU_ASSERT(incomplete > rounds / 300);
	CU_ASSERT(crashed > rounds / 30);
	CU_ASSERT(dups > rounds / 30);
	CU_ASSERT(lates > rounds / 30);
}

/* ---- scale (correctness only) ---------------------------------------------------------------- */

/* Instant devices: each action is answered at once. Checks the switch order in one pass. */
static void run_instant(dupg_txn_member *m)
{
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_txn *t = NULL;
	dupg_txn_action *a = malloc(4096 * sizeof(*a));
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	size_t n, i, count, switched = 0, bad = 0, staged = 0;
	const dupg_topology *topo = dupg_plan_topology(m->plan);
	char *is_switched;
	int done = 0;

	CU_ASSERT_FATAL(a != NULL);
	o.parallel = 1000;
	CU_ASSERT_EQUAL_FATAL(dupg_txn_new(&t, m, 1, &o), 0);
	count = dupg_txn_count(t);
	is_switched = calloc(dupg_topology_count(topo), 1);
	CU_ASSERT_FATAL(is_switched != NULL);
	while (!done) {
		CU_ASSERT_EQUAL_FATAL(dupg_txn_next(t, 0, a, 4096, &n), 0);
		CU_ASSERT_FATAL(n > 0);
		for (i = 0; i < n; i++) {
			size_t d = a[i].topology_index, c;
			ev.device = a[i].device;
			switch (a[i].kind) {
			case DUPG_TXN_ACT_SEND: ev.kind = DUPG_TXN_EV_SENT; break;
			case DUPG_TXN_ACT_STAGE: ev.kind = DUPG_TXN_EV_STAGED; staged++; break;
			case DUPG_TXN_ACT_SWITCH:
				/* its parent has not switched: every device behind a device switches first */
				bad += staged != count;
				c = dupg_topology_parent(topo, d);
				bad += c != DUPG_NONE && is_switched[c];
				is_switched[d] = 1;
				switched++;
				ev.kind = DUPG_TXN_EV_SWITCHED;
				break;
			case DUPG_TXN_ACT_CHECK: ev.kind = DUPG_TXN_EV_HEALTHY; break;
			case DUPG_TXN_ACT_DONE:
				CU_ASSERT_EQUAL(a[i].outcome, DUPG_TXN_COMMITTED);
				done = 1;
				continue;
			default: bad++; continue;
			}
			bad += dupg_txn_feed(t, &ev, 0) != DUPG_TXN_TAKEN;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(switched, count);
	CU_ASSERT_EQUAL(dupg_txn_state_count(t, DUPG_TXN_DEV_HEALTHY), count);
	free(is_switched);
	free(a);
	dupg_txn_free(t);
}

static void test_scale(void)
{
	static const char *const types[] = { "A", "B", "D" };
	struct site wide, deep;
	dupg_txn_member m;

	site_from_topology(&wide, fx_site_wide(100000), types, 3);
	m = member_of(&wide, "wide");
	run_instant(&m);
	site_free(&wide);
	site_from_topology(&deep, fx_site_cascade(100000), types, 3);
	m = member_of(&deep, "cascade");
	run_instant(&m);
	site_free(&deep);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "commit, one at a time, in order", test_commit_in_order },
		{ "parallel starts and limits", test_parallel },
		{ "every failure of every phase", test_failures },
		{ "a device that cannot switch back", test_back_failed },
		{ "timeouts", test_timeouts },
		{ "timeouts of different lengths", test_mixed_timeouts },
		{ "reports and boot fallback", test_reports },
		{ "bad events change nothing", test_bad_events },
		{ "the sink refuses", test_sink_refuses },
		{ "abort and options", test_abort_and_options },
		{ "a linked group of two sites", test_linked_group },
		{ "a crash after every journal write", test_crash_every_write },
		{ "the journal format", test_journal_format },
		{ "resume after the commit point", test_resume_after_commit },
		{ "file journal and store, crash after every write", test_file_journal_and_store },
		{ "file journal errors", test_file_errors },
		{ "progress callbacks", test_progress },
		{ "property: random plans, orders, faults, crashes", test_property },
		{ "100,000 devices and a cascade 100,000 deep", test_scale },
		CU_TEST_INFO_NULL,
	};
	return fx_run("txn", tests);
}
