/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * txn: the transaction's coordinator on instant devices (each action is
 * answered at once by a one-line device model, the same for every method),
 * so what is timed is the coordination alone.
 *   variant group:   a linked group of N devices (default 1e4) over 4 sites.
 *                    libdupg: dupg_txn_new, dupg_txn_next and dupg_txn_feed
 *                    to the end, without a journal, and with a journal sink
 *                    that keeps the bytes in memory;
 *                    limit:   a plain loop walking the same plans: dispatch
 *                    order to send and stage, dupg_plan_switch_order to
 *                    switch, dispatch order to check, reading each step as
 *                    an action does (device, package, route length);
 *                    allocations counted after the first tenth of the events.
 *   variant site:    one site of N devices (default 1e5: a BBU, a HUB per 100
 *                    devices in cascades of four, RRUs behind them);
 *   variant cascade: N devices each behind the previous one (default 1e5);
 *                    both built, checked, planned and run through the
 *                    transaction, each phase timed, with the process's peak
 *                    memory; limit: a plain walk of the same tree (parent
 *                    array, breadth-first order, the three walks above) in a
 *                    process of its own.
 *   variant sim-site, sim-cascade: the same two trees through the simulator:
 *                    a one-site recipe run as `dupg-sim run` (DUPG_SIM, by
 *                    default sim/dupg-sim of the build tree) in a process of
 *                    its own, every device upgraded, wall time and peak
 *                    memory against the same plain walk.
 */
#include "bench.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dupg.h"

#define GROUP_SITES 4
#define BATCH 256
#define ID_SIZE 24

enum shape { SHAPE_WIDE, SHAPE_CASCADE };

/* One site's devices: parents as indexes (the first device is the master). */
struct gen {
	size_t n;
	uint32_t *parent;
	char *ids;      /* n ids of ID_SIZE bytes each */
	const char **hw;
};

static int gen_make(struct gen *g, size_t n, enum shape shape, unsigned site)
{
	size_t hubs = n / 100 > 0 ? n / 100 : 1, i;

	g->n = n;
	g->parent = malloc(n * sizeof(*g->parent));
	g->ids = malloc(n * ID_SIZE);
	g->hw = malloc(n * sizeof(*g->hw));
	if (g->parent == NULL || g->ids == NULL || g->hw == NULL)
		return bench_fail("out of memory");
	for (i = 0; i < n; i++) {
		snprintf(g->ids + ID_SIZE * i, ID_SIZE, "s%u-%u", site, (unsigned)i);
		if (shape == SHAPE_CASCADE) {
			g->parent[i] = i == 0 ? UINT32_MAX : (uint32_t)(i - 1);
			g->hw[i] = "B";
		} else if (i == 0) {
			g->parent[i] = UINT32_MAX;
			g->hw[i] = "A";
		} else if (i <= hubs) {
			/* HUB i-1: cascades of four below the BBU */
			g->parent[i] = (i - 1) % 4 == 0 ? 0 : (uint32_t)(i - 1);
			g->hw[i] = "B";
		} else {
			g->parent[i] = (uint32_t)(1 + (i - 1 - hubs) % hubs);
			g->hw[i] = "D";
		}
	}
	return 0;
}

static void gen_free(struct gen *g)
{
	free(g->parent);
	free(g->ids);
	free(g->hw);
	memset(g, 0, sizeof(*g));
}

/* A checked topology and a plan changing every type. */
struct member {
	dupg_topology *topo;
	dupg_plan *plan;
	const char **versions;
};

static int member_make(struct member *m, const struct gen *g)
{
	dupg_config *from = NULL, *to = NULL;
	static const char *const types[] = { "A", "B", "D" };
	size_t i;
	int rc;

	memset(m, 0, sizeof(*m));
	if ((rc = dupg_topology_new(&m->topo)) != 0)
		return bench_lib_fail("dupg_topology_new", rc);
	for (i = 0; i < g->n; i++) {
		dupg_device_vd d = { g->ids + ID_SIZE * i, g->hw[i], "1.0", 60 };
		rc = dupg_topology_add(m->topo, &d, i == 0 ? NULL : g->ids + ID_SIZE * g->parent[i]);
		if (rc != 0)
			return bench_lib_fail("dupg_topology_add", rc);
	}
	if ((rc = dupg_topology_check(m->topo, "bench")) != 0)
		return bench_lib_fail("dupg_topology_check", rc);
	if (dupg_config_new(&from) != 0 || dupg_config_new(&to) != 0)
		return bench_fail("out of memory");
	for (i = 0; i < 3; i++) {
		char pkg[32];
		snprintf(pkg, sizeof(pkg), "%s-old.tar.gz", types[i]);
		dupg_config_set(from, types[i], pkg);
		snprintf(pkg, sizeof(pkg), "%s-new.tar.gz", types[i]);
		dupg_config_set(to, types[i], pkg);
	}
	rc = dupg_plan_upgrade(&m->plan, m->topo, from, to);
	dupg_config_free(from);
	dupg_config_free(to);
	if (rc != 0)
		return bench_lib_fail("dupg_plan_upgrade", rc);
	m->versions = malloc((dupg_plan_count(m->plan) + 1) * sizeof(*m->versions));
	if (m->versions == NULL)
		return bench_fail("out of memory");
	for (i = 0; i < dupg_plan_count(m->plan); i++)
		m->versions[i] = "2.0";
	return 0;
}

static void member_free(struct member *m)
{
	dupg_plan_free(m->plan);
	dupg_topology_free(m->topo);
	free(m->versions);
	memset(m, 0, sizeof(*m));
}

/* The device model: what a device answers, and what it keeps (staged, switched). */
static inline dupg_txn_event_kind device_answer(uint8_t *d, dupg_txn_action_kind k)
{
	switch (k) {
	case DUPG_TXN_ACT_SEND:
		return DUPG_TXN_EV_SENT;
	case DUPG_TXN_ACT_STAGE:
		*d |= 1;
		return DUPG_TXN_EV_STAGED;
	case DUPG_TXN_ACT_SWITCH:
		*d |= 2;
		return DUPG_TXN_EV_SWITCHED;
	case DUPG_TXN_ACT_CHECK:
		return DUPG_TXN_EV_HEALTHY;
	default:
		return DUPG_TXN_EV_REPORT;
	}
}

/* Order-insensitive digest of the actions handed out: (kind, device) pairs. */
static inline uint64_t action_mix(dupg_txn_action_kind k, size_t device)
{
	uint64_t z = ((uint64_t)k << 40 | device) * 0x9e3779b97f4a7c15ULL;

	return z ^ (z >> 29);
}

struct outcome {
	size_t events, by_kind[8];
	uint64_t digest;
	int committed, errors;
	size_t journal_writes, journal_bytes;
};

/* The journal kept in memory: what a real sink would write, without the disk. */
struct mem_journal {
	char *data;
	size_t len, cap, bytes;
};

static int mem_write(const char *data, size_t len, int replace, void *payload)
{
	struct mem_journal *j = payload;

	if (replace)
		j->len = 0;
	if (j->len + len > j->cap) {
		size_t cap = 2 * (j->len + len);
		char *p = realloc(j->data, cap);
		if (p == NULL)
			return DUPG_ENOMEM;
		j->data = p;
		j->cap = cap;
	}
	memcpy(j->data + j->len, data, len);
	j->len += len;
	j->bytes += len;
	return 0;
}

struct group_run {
	struct member *members;
	dupg_txn_member *tm;
	size_t nmembers, n;
	uint8_t *dev;
	int journal;
	struct mem_journal mj;
	size_t count_from;   /* start counting allocations at this event; SIZE_MAX: never */
	size_t allocs;
	struct outcome out;
	size_t **orders;     /* the limit's switch orders, per member */
	double new_ns[2];    /* fastest dupg_txn_new, without and with the journal */
	long sink;
};

/* The coordinator, to the end. */
static void run_txn(void *arg)
{
	struct group_run *r = arg;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_txn_action acts[BATCH];
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	dupg_txn *t = NULL;
	size_t n, i;
	int counting = 0;
	uint64_t t0;
	double dt;

	memset(&r->out, 0, sizeof(r->out));
	memset(r->dev, 0, r->n);
	r->mj.len = r->mj.bytes = 0;
	if (r->journal) {
		o.journal = mem_write;
		o.journal_payload = &r->mj;
	}
	t0 = bench_now_ns();
	if (dupg_txn_new(&t, r->tm, r->nmembers, &o) != 0) {
		r->out.errors++;
		return;
	}
	dt = (double)(bench_now_ns() - t0);
	if (dt < r->new_ns[r->journal != 0])
		r->new_ns[r->journal != 0] = dt;
	for (;;) {
		if (dupg_txn_next(t, 0, acts, BATCH, &n) != 0 || n == 0) {
			r->out.errors++;
			break;
		}
		if (acts[0].kind == DUPG_TXN_ACT_DONE) {
			r->out.committed = acts[0].outcome == DUPG_TXN_COMMITTED;
			break;
		}
		for (i = 0; i < n; i++) {
			const dupg_txn_action *a = &acts[i];
			ev.kind = device_answer(&r->dev[a->device], a->kind);
			ev.device = a->device;
			r->out.by_kind[a->kind]++;
			r->out.digest += action_mix(a->kind, a->device);
			if (dupg_txn_feed(t, &ev, 0) != DUPG_TXN_TAKEN)
				r->out.errors++;
			if (++r->out.events == r->count_from) {
				bench_alloc_start();
				counting = 1;
			}
		}
	}
	if (counting)
		r->allocs = bench_alloc_stop();
	r->out.journal_writes = dupg_txn_journal_writes(t);
	r->out.journal_bytes = r->mj.bytes;
	dupg_txn_free(t);
}

static void run_txn_plain(void *arg)
{
	((struct group_run *)arg)->journal = 0;
	run_txn(arg);
}

static void run_txn_journal(void *arg)
{
	((struct group_run *)arg)->journal = 1;
	run_txn(arg);
}

/* Every step read as an action is, and answered by the same device model. */
static inline void limit_step(struct group_run *r, const dupg_plan *p, size_t step, size_t g,
			      dupg_txn_action_kind k)
{
	long s = (long)dupg_plan_device_index(p, step) + (long)(uintptr_t)dupg_plan_device(p, step);

	if (k == DUPG_TXN_ACT_SEND || k == DUPG_TXN_ACT_STAGE)
		s += (long)(uintptr_t)dupg_plan_package(p, step);
	if (k == DUPG_TXN_ACT_SEND)
		s += (long)dupg_plan_via_count(p, step);
	r->sink += s + device_answer(&r->dev[g], k);
	r->out.by_kind[k]++;
	r->out.digest += action_mix(k, g);
	r->out.events++;
}

static void run_limit(void *arg)
{
	struct group_run *r = arg;
	size_t m, s, first;

	memset(&r->out, 0, sizeof(r->out));
	memset(r->dev, 0, r->n);
	for (m = 0, first = 0; m < r->nmembers; first += dupg_plan_count(r->tm[m].plan), m++) {
		const dupg_plan *p = r->tm[m].plan;
		for (s = 0; s < dupg_plan_count(p); s++) {
			if (dupg_plan_action_get(p, s) == DUPG_ACTION_SEND)
				limit_step(r, p, s, first + s, DUPG_TXN_ACT_SEND);
			limit_step(r, p, s, first + s, DUPG_TXN_ACT_STAGE);
		}
	}
	for (m = 0, first = 0; m < r->nmembers; first += dupg_plan_count(r->tm[m].plan), m++) {
		const dupg_plan *p = r->tm[m].plan;
		dupg_plan_switch_order(p, r->orders[m]);
		for (s = 0; s < dupg_plan_count(p); s++)
			limit_step(r, p, r->orders[m][s], first + r->orders[m][s], DUPG_TXN_ACT_SWITCH);
	}
	for (m = 0, first = 0; m < r->nmembers; first += dupg_plan_count(r->tm[m].plan), m++) {
		const dupg_plan *p = r->tm[m].plan;
		for (s = 0; s < dupg_plan_count(p); s++)
			limit_step(r, p, s, first + s, DUPG_TXN_ACT_CHECK);
	}
	r->out.committed = 1;
}

static int same_actions(const struct outcome *a, const struct outcome *b)
{
	return a->events == b->events && a->digest == b->digest &&
	       memcmp(a->by_kind, b->by_kind, sizeof(a->by_kind)) == 0;
}

static int group_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const uint64_t *size = arg;
	size_t n = (size_t)*size, per = n / GROUP_SITES, m;
	struct gen gens[GROUP_SITES];
	struct member members[GROUP_SITES];
	dupg_txn_member tm[GROUP_SITES];
	size_t *orders[GROUP_SITES];
	struct group_run r;
	struct outcome lib, journal, limit;
	struct bench_fn fns[3] = { { run_txn_plain, NULL }, { run_txn_journal, NULL },
				   { run_limit, NULL } };
	double best[3], per_device;
	size_t plain_allocs;
	int rc = 2, identical, allocs_ok;

	memset(&r, 0, sizeof(r));
	memset(gens, 0, sizeof(gens));
	memset(members, 0, sizeof(members));
	for (m = 0; m < GROUP_SITES; m++) {
		static const char *const names[GROUP_SITES] = { "site-0", "site-1", "site-2", "site-3" };
		size_t sn = m + 1 == GROUP_SITES ? n - per * (GROUP_SITES - 1) : per;
		if (gen_make(&gens[m], sn, SHAPE_WIDE, (unsigned)m) != 0 ||
		    member_make(&members[m], &gens[m]) != 0)
			goto out;
		tm[m].plan = members[m].plan;
		tm[m].name = names[m];
		tm[m].versions = members[m].versions;
		orders[m] = malloc((dupg_plan_count(members[m].plan) + 1) * sizeof(**orders));
		if (orders[m] == NULL)
			goto out;
		r.n += dupg_plan_count(members[m].plan);
	}
	r.members = members;
	r.tm = tm;
	r.nmembers = GROUP_SITES;
	r.orders = orders;
	r.dev = malloc(r.n + 1);
	if (r.dev == NULL)
		goto out;
	r.count_from = SIZE_MAX;
	r.new_ns[0] = r.new_ns[1] = INFINITY;
	bench_turns(o, fns, 3, &r, 3, 50, best);

	/* one more run of each, the results compared, allocations counted after a tenth of the events */
	r.count_from = 1 + r.n * 4 / 10;
	run_txn_plain(&r);
	lib = r.out;
	plain_allocs = r.allocs;
	r.allocs = 0;
	run_txn_journal(&r);
	journal = r.out;
	run_limit(&r);
	limit = r.out;
	identical = lib.committed && journal.committed && lib.errors == 0 && journal.errors == 0 &&
		    same_actions(&lib, &limit) && same_actions(&journal, &limit);
	per_device = best[0] / (double)r.n;

	bench_head(line, "txn", "group", *size);
	jput_int(line, "devices", (int64_t)r.n);
	jput_int(line, "members", GROUP_SITES);
	jput_int(line, "events", (int64_t)lib.events);
	bench_put_figures(line, lib.events, best[0], NAN, best[2]);
	jput_num(line, "ns_per_device", per_device);
	jput_num(line, "new_ns_per_device", r.new_ns[0] / (double)r.n);
	jput_num(line, "loop_ns_per_event", (best[0] - r.new_ns[0]) / (double)lib.events);
	jput_num(line, "journal_new_ns_per_device", r.new_ns[1] / (double)r.n);
	jput_num(line, "limit_ns_per_device", best[2] / (double)r.n);
	jput_num(line, "journal_ns_per_item", best[1] / (double)lib.events);
	jput_num(line, "journal_ratio_limit", best[1] / best[2]);
	jput_int(line, "journal_writes", (int64_t)journal.journal_writes);
	jput_int(line, "journal_bytes", (int64_t)journal.journal_bytes);
	jput_num(line, "journal_bytes_per_event", (double)journal.journal_bytes / (double)lib.events);
	if (bench_alloc_available()) {
		jput_int(line, "steady_events", (int64_t)(journal.events - r.count_from));
		jput_int(line, "steady_allocations", (int64_t)plain_allocs);
		jput_int(line, "journal_steady_allocations", (int64_t)r.allocs);
		allocs_ok = plain_allocs == 0 && r.allocs == 0;
	} else {
		jput_null(line, "steady_events");
		jput_null(line, "steady_allocations");
		jput_null(line, "journal_steady_allocations");
		allocs_ok = 1;
	}
	jput_bool(line, "identical", identical);
	bench_put_target(line, "within 3x of the plain loop, no allocation per event in the steady state",
			 o->check ? -1 : (best[0] <= 3 * best[2] && allocs_ok));
	rc = identical && allocs_ok ? 0 : 1;
out:
	for (m = 0; m < GROUP_SITES; m++) {
		member_free(&members[m]);
		gen_free(&gens[m]);
		if (r.orders != NULL)
			free(orders[m]);
	}
	free(r.dev);
	free(r.mj.data);
	return rc;
}

/* ---- one big site ------------------------------------------------------------------ */

/* The plain walk: parents, breadth-first order, the three walks. Returns ns, or 0. */
static uint64_t plain_walk(const struct gen *g, long *sink)
{
	size_t n = g->n, i, head, tail;
	uint64_t t0 = bench_now_ns();
	uint32_t *first = calloc(n + 2, sizeof(*first)), *kids = malloc(n * sizeof(*kids));
	uint32_t *order = malloc(n * sizeof(*order));
	uint8_t *dev = calloc(n, 1);
	long s = 0;

	if (first == NULL || kids == NULL || order == NULL || dev == NULL)
		return 0;
	for (i = 1; i < n; i++)
		first[g->parent[i] + 2]++;
	for (i = 0; i < n; i++)
		first[i + 2] += first[i + 1];
	for (i = 1; i < n; i++)
		kids[first[g->parent[i] + 1]++] = (uint32_t)i;
	order[0] = 0;
	for (head = 0, tail = 1; head < tail; head++)
		for (i = first[order[head]]; i < first[order[head] + 1]; i++)
			order[tail++] = kids[i];
	for (i = 0; i < n; i++) {
		s += device_answer(&dev[order[i]], i == 0 ? DUPG_TXN_ACT_STAGE : DUPG_TXN_ACT_SEND);
		s += device_answer(&dev[order[i]], DUPG_TXN_ACT_STAGE);
	}
	for (i = n; i > 0; i--)
		s += device_answer(&dev[order[i - 1]], DUPG_TXN_ACT_SWITCH);
	for (i = 0; i < n; i++)
		s += device_answer(&dev[order[i]], DUPG_TXN_ACT_CHECK);
	*sink += s + dev[n / 2];
	free(first);
	free(kids);
	free(order);
	free(dev);
	return bench_now_ns() - t0;
}

/* The walk in a process of its own: its time and its peak memory. */
static int limit_in_child(const struct gen *g, uint64_t *ns, long *rss_kb)
{
	int fds[2];
	pid_t pid;
	struct rusage ru;
	int status;

	if (pipe(fds) != 0)
		return bench_fail("pipe: %s", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return bench_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		long sink = 0;
		uint64_t t = plain_walk(g, &sink);
		close(fds[0]);
		_exit(write(fds[1], &t, sizeof(t)) == (ssize_t)sizeof(t) && t > 0 && sink != 42 ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], ns, sizeof(*ns)) != (ssize_t)sizeof(*ns))
		*ns = 0;
	close(fds[0]);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return bench_fail("wait4: %s", strerror(errno));
	*rss_kb = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && *ns > 0 ? 0 : bench_fail("limit walk failed");
}

static long rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

struct big_arg {
	enum shape shape;
	uint64_t size;
};

static int big_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const struct big_arg *a = arg;
	struct gen g;
	struct member m;
	dupg_txn_member tm;
	struct group_run r;
	uint64_t t0, t1, t2, walk_ns = 0;
	long walk_rss = 0;
	double build_ms, plan_ms, run_ms;
	size_t turn, turns = o->check ? 1 : 3;
	double best_walk = INFINITY, best_build = INFINITY, best_plan = INFINITY, best_run = INFINITY;
	int rc = 2, lrc, ok = 1;
	long rss_start = rss_kb(), rss_built = 0, rss_planned = 0, rss_run = 0;

	memset(&r, 0, sizeof(r));
	memset(&m, 0, sizeof(m));
	if (gen_make(&g, (size_t)a->size, a->shape, 0) != 0)
		return 2;
	/* the walk first, from a small process: its memory is its own */
	for (turn = 0; turn < turns; turn++) {
		if (limit_in_child(&g, &walk_ns, &walk_rss) != 0)
			goto out;
		if ((double)walk_ns < best_walk)
			best_walk = (double)walk_ns;
	}
	for (turn = 0; turn < turns; turn++) {
		dupg_config *from = NULL, *to = NULL;
		size_t i;

		/* built here step by step, to time the topology and the plan apart */
		t0 = bench_now_ns();
		if (dupg_topology_new(&m.topo) != 0)
			goto out;
		for (i = 0; i < g.n; i++) {
			dupg_device_vd d = { g.ids + ID_SIZE * i, g.hw[i], "1.0", 60 };
			if (dupg_topology_add(m.topo, &d, i == 0 ? NULL : g.ids + ID_SIZE * g.parent[i]) != 0)
				goto out;
		}
		if (dupg_topology_check(m.topo, "bench") != 0)
			goto out;
		t1 = bench_now_ns();
		if (turn == 0)
			rss_built = rss_kb();
		dupg_config_new(&from);
		dupg_config_new(&to);
		dupg_config_set(from, "A", "A-old");
		dupg_config_set(from, "B", "B-old");
		dupg_config_set(from, "D", "D-old");
		dupg_config_set(to, "A", "A-new");
		dupg_config_set(to, "B", "B-new");
		dupg_config_set(to, "D", "D-new");
		lrc = dupg_plan_upgrade(&m.plan, m.topo, from, to);
		dupg_config_free(from);
		dupg_config_free(to);
		if (lrc != 0) {
			bench_lib_fail("dupg_plan_upgrade", lrc);
			goto out;
		}
		t2 = bench_now_ns();
		if (turn == 0)
			rss_planned = rss_kb();
		m.versions = malloc((g.n + 1) * sizeof(*m.versions));
		for (i = 0; m.versions != NULL && i < g.n; i++)
			m.versions[i] = "2.0";
		tm.plan = m.plan;
		tm.name = "site";
		tm.versions = m.versions;
		r.tm = &tm;
		r.nmembers = 1;
		r.n = dupg_plan_count(m.plan);
		free(r.dev);
		r.dev = malloc(r.n + 1);
		r.count_from = SIZE_MAX;
		if (m.versions == NULL || r.dev == NULL)
			goto out;
		run_ms = (double)bench_now_ns();
		run_txn_journal(&r);
		run_ms = ((double)bench_now_ns() - run_ms) / 1e6;
		if (turn == 0)
			rss_run = rss_kb();
		build_ms = (double)(t1 - t0) / 1e6;
		plan_ms = (double)(t2 - t1) / 1e6;
		if (build_ms < best_build)
			best_build = build_ms;
		if (plan_ms < best_plan)
			best_plan = plan_ms;
		if (run_ms < best_run)
			best_run = run_ms;
		ok = ok && r.out.committed && r.out.errors == 0 && r.out.events == 4 * g.n - 1 &&
		     r.out.by_kind[DUPG_TXN_ACT_SWITCH] == g.n;
		member_free(&m);
	}
	bench_head(line, "txn", a->shape == SHAPE_WIDE ? "site" : "cascade", a->size);
	jput_int(line, "depth", a->shape == SHAPE_WIDE ? 5 : (int64_t)a->size - 1);
	jput_int(line, "events", (int64_t)r.out.events);
	jput_num(line, "build_ms", best_build);
	jput_num(line, "plan_ms", best_plan);
	jput_num(line, "run_ms", best_run);
	jput_int(line, "journal_writes", (int64_t)r.out.journal_writes);
	jput_int(line, "journal_bytes", (int64_t)r.out.journal_bytes);
	/* per device: planning and the whole transaction against the plain walk */
	bench_put_figures(line, a->size, (best_plan + best_run) * 1e6, NAN, best_walk);
	jput_num(line, "total_ms", best_build + best_plan + best_run);
	jput_int(line, "limit_peak_rss_kb", walk_rss);
	/* the high-water mark as it grew: generated input, topology, plan, transaction */
	jput_int(line, "rss_input_kb", rss_start);
	jput_int(line, "rss_topology_kb", rss_built);
	jput_int(line, "rss_plan_kb", rss_planned);
	jput_int(line, "rss_txn_kb", rss_run);
	jput_bool(line, "identical", ok);
	bench_put_target(line, "linear: planned and run to the end", o->check ? -1 : ok);
	rc = ok ? 0 : 1;
out:
	member_free(&m);
	gen_free(&g);
	free(r.dev);
	free(r.mj.data);
	return rc;
}

/* ---- the same trees through the simulator ------------------------------------------- */

/*
 * A one-site recipe of the gen_make() tree: a BBU and a chain of n - 1 HUBs,
 * or a BBU, (n - 1) / 400 chains of four HUBs and 99 RRUs behind each HUB.
 * Every device runs 1.0 and the server holds 2.0.
 */
static int write_recipe(const char *path, enum shape shape, size_t n)
{
	FILE *f = fopen(path, "w");
	size_t chains = (n - 1) / 400;

	if (f == NULL)
		return bench_fail("%s: %s", path, strerror(errno));
	fprintf(f, "{\"format\": 1, \"name\": \"bench-%s\", \"seed\": 1, \"fleet\": {\"sites\": 1, "
		"\"seed\": 1, \"site_prefix\": \"b\", \"generations\": [{\"name\": \"G\", "
		"\"releases\": [\"1.0\", \"2.0\"], \"bbu_kib\": 64, \"radio_kib\": 32, \"files\": 1}], "
		"\"shapes\": [", shape == SHAPE_CASCADE ? "cascade" : "site");
	if (shape == SHAPE_CASCADE)
		fprintf(f, "{\"name\": \"chain\", \"hubs\": 1, \"cascade\": %zu, \"rrus_per_hub\": 0}", n - 1);
	else
		fprintf(f, "{\"name\": \"wide\", \"hubs\": %zu, \"cascade\": 4, \"rrus_per_hub\": 99}",
			chains);
	fprintf(f, "], \"mixed_rru\": 0, \"version_spread\": [0, 1], \"device_lag\": 0, "
		"\"store_depth\": 1, \"server_releases\": 1, \"uplink_mbps\": 100}}\n");
	return fclose(f) == 0 ? 0 : bench_fail("%s: %s", path, strerror(errno));
}

/* dupg-sim run RECIPE in a process of its own: its wall time and peak memory. */
static int run_sim(const char *sim, const char *dir, uint64_t *ns, long *rss_kb)
{
	char recipe[512], report[512], work[512];

	if (strlen(dir) > 256)
		return bench_fail("%s: too long a directory", dir);
	struct rusage ru;
	uint64_t t0;
	pid_t pid;
	int status;

	snprintf(recipe, sizeof(recipe), "%.256s/recipe.json", dir);
	snprintf(report, sizeof(report), "%.256s/report.json", dir);
	snprintf(work, sizeof(work), "%.256s/work", dir);
	fflush(stdout);
	t0 = bench_now_ns();
	pid = fork();
	if (pid < 0)
		return bench_fail("fork: %s", strerror(errno));
	if (pid == 0) {
		execlp(sim, sim, "run", recipe, "--no-fsync", "--link", "--quiet", "--report", report,
		       "--workdir", work, (char *)NULL);
		fprintf(stderr, "dupg-bench: %s: %s (set DUPG_SIM)\n", sim, strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return bench_fail("wait4: %s", strerror(errno));
	*ns = bench_now_ns() - t0;
	*rss_kb = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return bench_fail("%s run %s failed", sim, recipe);
	return 0;
}

/* Every one of the n devices upgraded, as the report says (one line per device state). */
static int all_upgraded(const char *dir, size_t n)
{
	char path[512], *text = NULL;
	size_t len = 0, count = 0;
	const char *p, *key = "\"state\":\"upgraded\"";
	FILE *f;
	long size;

	snprintf(path, sizeof(path), "%.256s/report.json", dir);
	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = malloc((size_t)size + 1)) != NULL)
		len = fread(text, 1, (size_t)size, f);
	fclose(f);
	if (text == NULL)
		return 0;
	text[len] = '\0';
	for (p = text; (p = strstr(p, key)) != NULL; p += strlen(key))
		count++;
	free(text);
	return count == n;
}

static void remove_tree(const char *dir)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
}

static int sim_one(const struct bench_opts *o, const void *arg, json_object *line)
{
	const struct big_arg *a = arg;
	const char *sim = getenv("DUPG_SIM"), *tmp = getenv("TMPDIR");
	size_t n = a->shape == SHAPE_CASCADE ? (size_t)a->size + 1 : 1 + 400 * ((size_t)a->size / 400);
	size_t turn, turns = o->check ? 1 : 3;
	char dir[256], recipe[512];
	double best_sim = INFINITY, best_walk = INFINITY;
	uint64_t ns = 0, walk_ns = 0;
	long rss = 0, walk_rss = 0;
	struct gen g;
	int rc = 2, ok = 1;

	if (sim == NULL || *sim == '\0')
		sim = "sim/dupg-sim";
	if (n < 401)
		n = a->shape == SHAPE_CASCADE ? n : 401;
	snprintf(dir, sizeof(dir), "%s/dupg-bench-sim.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return bench_fail("%s: %s", dir, strerror(errno));
	snprintf(recipe, sizeof(recipe), "%.240s/recipe.json", dir);
	memset(&g, 0, sizeof(g));
	if (gen_make(&g, n, a->shape, 0) != 0 || write_recipe(recipe, a->shape, n) != 0)
		goto out;
	for (turn = 0; turn < turns; turn++) {
		if (limit_in_child(&g, &walk_ns, &walk_rss) != 0 || run_sim(sim, dir, &ns, &rss) != 0)
			goto out;
		if ((double)walk_ns < best_walk)
			best_walk = (double)walk_ns;
		if ((double)ns < best_sim)
			best_sim = (double)ns;
		ok = ok && all_upgraded(dir, n);
	}
	bench_head(line, "txn", a->shape == SHAPE_WIDE ? "sim-site" : "sim-cascade", n);
	jput_int(line, "depth", a->shape == SHAPE_WIDE ? 5 : (int64_t)n - 1);
	jput_num(line, "sim_ms", best_sim / 1e6);
	/* per device: the whole simulated run against the plain walk */
	bench_put_figures(line, n, best_sim, NAN, best_walk);
	jput_int(line, "sim_peak_rss_kb", rss);
	jput_int(line, "limit_peak_rss_kb", walk_rss);
	jput_bool(line, "identical", ok);
	bench_put_target(line, "linear: every device upgraded through the simulator",
			 o->check ? -1 : ok);
	rc = ok ? 0 : 1;
out:
	gen_free(&g);
	remove_tree(dir);
	return rc;
}

int bench_txn(const struct bench_opts *o)
{
	static const uint64_t check_group = 400, check_big = 2000;
	uint64_t group = o->have_size ? o->size : o->check ? check_group : 10000;
	uint64_t big = o->have_size ? o->size : o->check ? check_big : 100000;
	struct big_arg site = { SHAPE_WIDE, big }, cascade = { SHAPE_CASCADE, big };
	int rc = 0;

	if (group < GROUP_SITES * 2)
		group = GROUP_SITES * 2;
	if (o->variant == NULL || strcmp(o->variant, "group") == 0)
		rc |= bench_in_child(o, group_one, &group);
	if (o->variant == NULL || strcmp(o->variant, "site") == 0)
		rc |= bench_in_child(o, big_one, &site);
	if (o->variant == NULL || strcmp(o->variant, "cascade") == 0)
		rc |= bench_in_child(o, big_one, &cascade);
	if (o->variant == NULL || strcmp(o->variant, "sim-site") == 0)
		rc |= bench_in_child(o, sim_one, &site);
	if (o->variant == NULL || strcmp(o->variant, "sim-cascade") == 0)
		rc |= bench_in_child(o, sim_one, &cascade);
	if (o->variant != NULL && strcmp(o->variant, "group") != 0 && strcmp(o->variant, "site") != 0 &&
	    strcmp(o->variant, "cascade") != 0 && strcmp(o->variant, "sim-site") != 0 &&
	    strcmp(o->variant, "sim-cascade") != 0)
		return bench_fail("txn: unknown variant %s (group, site, cascade, sim-site, sim-cascade)",
				  o->variant);
	return rc;
}
