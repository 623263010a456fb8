/* SPDX-License-Identifier: BSD-2-Clause */
/* Regions: the score, the partition, one region's election and liveness, the need decision (pure). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/region_internal.h"
#include "util/utf8.h"

/* ---- the score ---------------------------------------------------------- */

static int share_ok(double v)
{
	return v >= 0 && v <= 1; /* false for NaN */
}

int dupg_score(uint32_t *out, const dupg_node_resources *res, const dupg_score_options *opts)
{
	static const dupg_score_options defaults = DUPG_SCORE_OPTIONS_INIT;
	double wsum, sum, s;

	if (out == NULL || res == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_score: %s is NULL", out == NULL ? "out" : "res");
	*out = 0;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != DUPG_SCORE_OPTIONS_VERSION)
		return dupg__error(DUPG_EUNSUPPORTED, "score options: version %u is not %d",
				   opts->version, DUPG_SCORE_OPTIONS_VERSION);
	if (!share_ok(res->cpu))
		return dupg__error(DUPG_EINVAL, "score: cpu %g is not a share in [0, 1]", res->cpu);
	if (!share_ok(res->memory))
		return dupg__error(DUPG_EINVAL, "score: memory %g is not a share in [0, 1]", res->memory);
	if (!share_ok(res->storage))
		return dupg__error(DUPG_EINVAL, "score: storage %g is not a share in [0, 1]", res->storage);
	if (!share_ok(res->loss))
		return dupg__error(DUPG_EINVAL, "score: loss %g is not a share in [0, 1]", res->loss);
	if (!(res->bandwidth_mbps >= 0) || isinf(res->bandwidth_mbps))
		return dupg__error(DUPG_EINVAL, "score: bandwidth %g Mbit/s is not a finite number >= 0",
				   res->bandwidth_mbps);
	if (!(res->latency_ms >= 0) || isinf(res->latency_ms))
		return dupg__error(DUPG_EINVAL, "score: latency %g ms is not a finite number >= 0",
				   res->latency_ms);
	if (!(opts->cpu >= 0 && opts->memory >= 0 && opts->storage >= 0 && opts->bandwidth >= 0 &&
	      opts->latency >= 0 && opts->loss >= 0))
		return dupg__error(DUPG_EINVAL, "score options: a weight is negative or NaN");
	wsum = opts->cpu + opts->memory + opts->storage + opts->bandwidth + opts->latency + opts->loss;
	if (!(wsum > 0) || isinf(wsum))
		return dupg__error(DUPG_EINVAL, "score options: the weights are all 0 (or too large)");
	if (!(opts->bandwidth_ref_mbps > 0) || isinf(opts->bandwidth_ref_mbps))
		return dupg__error(DUPG_EINVAL, "score options: bandwidth_ref_mbps %g is not > 0",
				   opts->bandwidth_ref_mbps);
	if (!(opts->latency_ref_ms > 0) || isinf(opts->latency_ref_ms))
		return dupg__error(DUPG_EINVAL, "score options: latency_ref_ms %g is not > 0",
				   opts->latency_ref_ms);
	sum = opts->cpu * res->cpu + opts->memory * res->memory + opts->storage * res->storage +
	      opts->bandwidth * fmin(res->bandwidth_mbps / opts->bandwidth_ref_mbps, 1) +
	      opts->latency * (opts->latency_ref_ms / (opts->latency_ref_ms + res->latency_ms)) +
	      opts->loss * (1 - res->loss);
	s = floor(sum / wsum * DUPG_SCORE_MAX + 0.5);
	*out = s >= DUPG_SCORE_MAX ? DUPG_SCORE_MAX : s <= 0 ? 0 : (uint32_t)s;
	return 0;
}

/* ---- the partition ------------------------------------------------------ */

struct dupg_partition {
	size_t planned, max, n; /* T, M, N */
	char **addr;            /* n addresses */
	size_t *members;        /* n counts */
	uint32_t *best;         /* R: n scores */
	size_t *best_node;      /* R: n arrivals */
	size_t *region_of;      /* per arrival */
	uint32_t *score_of;     /* per arrival */
	size_t online, cap;
};

/* Dotted-decimal IPv4 in 224.0.0.0/4, exactly four numbers of 1 to 3 digits, no leading zero. */
static int mcast_ok(const char *s)
{
	unsigned int part[4];
	size_t i, len = strlen(s);
	const char *p = s;

	if (len == 0 || len > DUPG_MCAST_MAX_BYTES)
		return 0;
	for (i = 0; i < 4; i++) {
		size_t digits = 0;

		part[i] = 0;
		while (*p >= '0' && *p <= '9' && digits < 4) {
			part[i] = part[i] * 10 + (unsigned int)(*p - '0');
			p++;
			digits++;
		}
		if (digits == 0 || digits > 3 || part[i] > 255 || (digits > 1 && p[-(long)digits] == '0'))
			return 0;
		if (i < 3 && *p++ != '.')
			return 0;
	}
	return *p == '\0' && part[0] >= 224 && part[0] <= 239;
}

void dupg_partition_free(dupg_partition *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; p->addr != NULL && i < p->n; i++)
		free(p->addr[i]);
	free(p->addr);
	free(p->members);
	free(p->best);
	free(p->best_node);
	free(p->region_of);
	free(p->score_of);
	free(p);
}

int dupg_partition_new(dupg_partition **out, size_t planned, size_t max_per_region,
		       const char *const *pool, size_t pool_count)
{
	dupg_partition *p;
	size_t n, i, j;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_partition_new: out is NULL");
	*out = NULL;
	if (planned == 0 || max_per_region == 0)
		return dupg__error(DUPG_EINVAL, "partition: %s is 0",
				   planned == 0 ? "the number of nodes planned (T)"
						: "the most nodes per region (M)");
	n = planned / max_per_region + (planned % max_per_region != 0);
	if (n > SIZE_MAX / max_per_region)
		return dupg__error(DUPG_EINVAL, "partition: %zu regions of %zu nodes is too many",
				   n, max_per_region);
	if (pool == NULL || pool_count < n)
		return dupg__error(DUPG_EINVAL,
				   "partition: %zu nodes at most %zu per region need %zu multicast "
				   "addresses; the pool has %zu", planned, max_per_region, n,
				   pool == NULL ? (size_t)0 : pool_count);
	for (i = 0; i < n; i++) {
		if (pool[i] == NULL || !mcast_ok(pool[i]))
			return dupg__error(DUPG_EINVAL,
					   "partition: pool entry %zu \"%.*s\" is not an IPv4 multicast "
					   "address (224.0.0.0 to 239.255.255.255)", i,
					   pool[i] == NULL ? 6 : 64, pool[i] == NULL ? "(null)" : pool[i]);
		for (j = 0; j < i; j++)
			if (strcmp(pool[i], pool[j]) == 0)
				return dupg__error(DUPG_EEXISTS,
						   "partition: multicast address %s is in the pool twice "
						   "(entries %zu and %zu)", pool[i], j, i);
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return dupg__error_nomem();
	p->planned = planned;
	p->max = max_per_region;
	p->n = n;
	p->addr = calloc(n, sizeof(*p->addr));
	p->members = calloc(n, sizeof(*p->members));
	p->best = calloc(n, sizeof(*p->best));
	p->best_node = malloc(n * sizeof(*p->best_node));
	if (p->addr == NULL || p->members == NULL || p->best == NULL || p->best_node == NULL) {
		dupg_partition_free(p);
		return dupg__error_nomem();
	}
	for (i = 0; i < n; i++) {
		p->best_node[i] = DUPG_NONE;
		if ((p->addr[i] = dupg__strdup(pool[i])) == NULL) {
			dupg_partition_free(p);
			return dupg__error_nomem();
		}
	}
	*out = p;
	return 0;
}

int dupg_partition_join(size_t *region_out, dupg_partition *p, uint32_t score)
{
	size_t i, a, r, pick = DUPG_NONE, k;

	if (region_out != NULL)
		*region_out = DUPG_NONE;
	if (p == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_partition_join: p is NULL");
	if (score > DUPG_SCORE_MAX)
		return dupg__error(DUPG_EINVAL, "partition: score %u is above %u", score, DUPG_SCORE_MAX);
	i = p->online;
	if (i >= p->n * p->max) /* cannot overflow: dupg_partition_new() checked */
		return dupg__error(DUPG_ENOSPC,
				   "partition: every region is full (%zu regions of %zu nodes)", p->n,
				   p->max);
	if (i >= p->cap) {
		size_t cap = p->cap, cap2 = p->cap;

		if (DUPG__GROW(&p->region_of, &cap, i + 1) != 0 ||
		    DUPG__GROW(&p->score_of, &cap2, i + 1) != 0)
			return dupg__error_nomem();
		p->cap = cap < cap2 ? cap : cap2;
	}
	if (i < p->n) {
		/* the first N open one region each and enter R */
		r = i;
		p->best[r] = score;
		p->best_node[r] = i;
	} else {
		a = i % p->n;
		/* the lowest entry of R that the newcomer beats, among regions with room */
		for (k = 0; k < p->n; k++)
			if (p->members[k] < p->max && score > p->best[k] &&
			    (pick == DUPG_NONE || p->best[k] < p->best[pick]))
				pick = k;
		if (pick != DUPG_NONE) {
			r = pick;
			p->best[r] = score;
			p->best_node[r] = i;
		} else {
			/* region a, or the next one with room (there is one: i < N * M) */
			for (k = 0, r = a; k < p->n && p->members[r] >= p->max; k++)
				r = (r + 1) % p->n;
		}
	}
	p->members[r]++;
	p->region_of[i] = r;
	p->score_of[i] = score;
	p->online = i + 1;
	if (region_out != NULL)
		*region_out = r;
	return 0;
}

size_t dupg_partition_region_count(const dupg_partition *p)
{
	return p == NULL ? 0 : p->n;
}

size_t dupg_partition_max_per_region(const dupg_partition *p)
{
	return p == NULL ? 0 : p->max;
}

size_t dupg_partition_online(const dupg_partition *p)
{
	return p == NULL ? 0 : p->online;
}

const char *dupg_partition_address(const dupg_partition *p, size_t r)
{
	return p == NULL || r >= p->n ? NULL : p->addr[r];
}

size_t dupg_partition_members(const dupg_partition *p, size_t r)
{
	return p == NULL || r >= p->n ? 0 : p->members[r];
}

size_t dupg_partition_region_of(const dupg_partition *p, size_t i)
{
	return p == NULL || i >= p->online ? DUPG_NONE : p->region_of[i];
}

uint32_t dupg_partition_score_of(const dupg_partition *p, size_t i)
{
	return p == NULL || i >= p->online ? 0 : p->score_of[i];
}

uint32_t dupg_partition_best(const dupg_partition *p, size_t r)
{
	return p == NULL || r >= p->n ? 0 : p->best[r];
}

size_t dupg_partition_best_node(const dupg_partition *p, size_t r)
{
	return p == NULL || r >= p->n ? DUPG_NONE : p->best_node[r];
}

/* ---- one region --------------------------------------------------------- */

static const char *const elect_names[] = { "none", "kept", "first", "better", "failover" };

const char *dupg_elect_result_name(dupg_elect_result result)
{
	return dupg__name_of(elect_names, DUPG__COUNT(elect_names), (int)result);
}

int dupg_elect_result_parse(dupg_elect_result *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, elect_names, DUPG__COUNT(elect_names), name,
					 "election result");

	if (rc == 0 && out != NULL)
		*out = (dupg_elect_result)v;
	return rc;
}

typedef struct {
	char *id;
	uint32_t score;
	int heard;          /* 0 until heard in some period */
	uint64_t last_seen; /* the period last heard in */
	int has_msg;        /* an announcement accepted: msg_epoch, msg_period hold */
	uint64_t msg_epoch, msg_period;
	char **hw, **ver;   /* the latest announced versions */
	size_t nhw;
} member;

struct dupg_region {
	uint32_t id;
	uint64_t dead_after;
	member *m;
	size_t count, cap;
	size_t leader;      /* index into m, DUPG_NONE */
	uint64_t epoch;
	int elected_once;
	uint64_t last_elect;
};

static void versions_free(char **hw, char **ver, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(hw != NULL ? hw[i] : NULL);
		free(ver != NULL ? ver[i] : NULL);
	}
	free(hw);
	free(ver);
}

void dupg_region_free(dupg_region *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->count; i++) {
		free(r->m[i].id);
		versions_free(r->m[i].hw, r->m[i].ver, r->m[i].nhw);
	}
	free(r->m);
	free(r);
}

int dupg_region_new(dupg_region **out, uint32_t id, const dupg_region_options *opts)
{
	static const dupg_region_options defaults = DUPG_REGION_OPTIONS_INIT;
	dupg_region *r;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_region_new: out is NULL");
	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	if (opts->version != DUPG_REGION_OPTIONS_VERSION)
		return dupg__error(DUPG_EUNSUPPORTED, "region options: version %u is not %d",
				   opts->version, DUPG_REGION_OPTIONS_VERSION);
	if (opts->dead_after == 0)
		return dupg__error(DUPG_EINVAL, "region options: dead_after is 0 (a member would "
				   "be dead in the period it is heard)");
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return dupg__error_nomem();
	r->id = id;
	r->dead_after = opts->dead_after;
	r->leader = DUPG_NONE;
	*out = r;
	return 0;
}

int dupg__region_id_check(const char *id, const char *what)
{
	char why[128];

	if (id == NULL)
		return dupg__error(DUPG_EINVAL, "%s: the id is NULL", what);
	if (dupg__text_check(id, SIZE_MAX, DUPG_ID_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "%s: id \"%.64s\" %s", what, id, why);
	return 0;
}

size_t dupg_region_find(const dupg_region *r, const char *id)
{
	size_t i;

	if (r == NULL || id == NULL)
		return DUPG_NONE;
	for (i = 0; i < r->count; i++)
		if (strcmp(r->m[i].id, id) == 0)
			return i;
	return DUPG_NONE;
}

/* The index of id, added (never heard) when new; DUPG_NONE when out of memory. */
static size_t member_get(dupg_region *r, const char *id)
{
	size_t i = dupg_region_find(r, id);
	char *copy;

	if (i != DUPG_NONE)
		return i;
	if (DUPG__GROW(&r->m, &r->cap, r->count + 1) != 0 || (copy = dupg__strdup(id)) == NULL) {
		dupg__error_nomem();
		return DUPG_NONE;
	}
	memset(&r->m[r->count], 0, sizeof(r->m[r->count]));
	r->m[r->count].id = copy;
	return r->count++;
}

static int heard_check(const dupg_region *r, const char *id, uint32_t score, uint64_t period,
		       const char *what)
{
	size_t i;
	int rc = dupg__region_id_check(id, what);

	if (rc != 0)
		return rc;
	if (score > DUPG_SCORE_MAX)
		return dupg__error(DUPG_EINVAL, "%s: %s: score %u is above %u", what, id, score,
				   DUPG_SCORE_MAX);
	i = dupg_region_find(r, id);
	if (i != DUPG_NONE && r->m[i].heard && period < r->m[i].last_seen)
		return dupg__error(DUPG_EINVAL, "%s: %s: period %llu is before the period it was "
				   "last heard in (%llu)", what, id, (unsigned long long)period,
				   (unsigned long long)r->m[i].last_seen);
	return 0;
}

int dupg_region_heard(dupg_region *r, const char *id, uint32_t score, uint64_t period)
{
	size_t i;
	int rc;

	if (r == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_region_heard: r is NULL");
	if ((rc = heard_check(r, id, score, period, "region heard")) != 0)
		return rc;
	if ((i = member_get(r, id)) == DUPG_NONE)
		return DUPG_ENOMEM;
	r->m[i].score = score;
	r->m[i].heard = 1;
	r->m[i].last_seen = period;
	return 0;
}

/* 1 when (e1, s1, id1) is higher than (e2, s2, id2). */
static int claim_higher(uint64_t e1, uint32_t s1, const char *id1, uint64_t e2, uint32_t s2,
			const char *id2)
{
	if (e1 != e2)
		return e1 > e2;
	if (s1 != s2)
		return s1 > s2;
	return strcmp(id1, id2) > 0;
}

/* Would the claim be adopted? */
static int claim_wins(const dupg_region *r, const char *id, uint32_t score, uint64_t epoch)
{
	const member *l;

	if (r->leader == DUPG_NONE)
		return epoch >= r->epoch;
	l = &r->m[r->leader];
	if (strcmp(l->id, id) == 0)
		return epoch > r->epoch; /* the same leader in a newer term */
	return claim_higher(epoch, score, id, r->epoch, l->score, l->id);
}

int dupg_region_claim(dupg_region *r, const char *id, uint32_t score, uint64_t epoch)
{
	size_t i;
	int rc;

	if (r == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_region_claim: r is NULL");
	if ((rc = dupg__region_id_check(id, "region claim")) != 0)
		return rc;
	if (score > DUPG_SCORE_MAX)
		return dupg__error(DUPG_EINVAL, "region claim: %s: score %u is above %u", id, score,
				   DUPG_SCORE_MAX);
	if (!claim_wins(r, id, score, epoch))
		return 0;
	if ((i = member_get(r, id)) == DUPG_NONE)
		return DUPG_ENOMEM;
	r->m[i].score = score;
	r->leader = i;
	r->epoch = epoch;
	return 1;
}

int dupg_region_receive(dupg_region *r, const dupg_announce *a, uint64_t now)
{
	const char *id;
	size_t i, k, n;
	char **hw = NULL, **ver = NULL;
	int rc;

	if (r == NULL || a == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_region_receive: %s is NULL", r == NULL ? "r" : "a");
	id = dupg_announce_sender(a);
	if (dupg_announce_region(a) != r->id)
		return dupg__error(DUPG_EINVAL, "announcement from %s: it is for region %u, this is "
				   "region %u", id, dupg_announce_region(a), r->id);
	if (dupg_announce_period(a) > now)
		return dupg__error(DUPG_EINVAL, "announcement from %s: period %llu is after this "
				   "node's period %llu", id, (unsigned long long)dupg_announce_period(a),
				   (unsigned long long)now);
	if (dupg_announce_epoch(a) < r->epoch)
		return dupg__error(DUPG_EEXISTS, "announcement from %s: a replay: epoch %llu is older "
				   "than the region's epoch %llu", id,
				   (unsigned long long)dupg_announce_epoch(a), (unsigned long long)r->epoch);
	i = dupg_region_find(r, id);
	if (i != DUPG_NONE && r->m[i].has_msg &&
	    (dupg_announce_epoch(a) < r->m[i].msg_epoch ||
	     (dupg_announce_epoch(a) == r->m[i].msg_epoch &&
	      dupg_announce_period(a) <= r->m[i].msg_period)))
		return dupg__error(DUPG_EEXISTS, "announcement from %s: a replay: (epoch %llu, period "
				   "%llu) is not newer than its last accepted (epoch %llu, period %llu)",
				   id, (unsigned long long)dupg_announce_epoch(a),
				   (unsigned long long)dupg_announce_period(a),
				   (unsigned long long)r->m[i].msg_epoch,
				   (unsigned long long)r->m[i].msg_period);
	if ((rc = heard_check(r, id, dupg_announce_score(a), now, "announcement")) != 0)
		return rc;
	/* copy the versions first, so that running out of memory changes nothing */
	n = dupg_announce_hw_count(a);
	if (n > 0) {
		hw = calloc(n, sizeof(*hw));
		ver = calloc(n, sizeof(*ver));
		if (hw == NULL || ver == NULL) {
			versions_free(hw, ver, 0);
			return dupg__error_nomem();
		}
		for (k = 0; k < n; k++)
			if ((hw[k] = dupg__strdup(dupg_announce_hw(a, k))) == NULL ||
			    (ver[k] = dupg__strdup(dupg_announce_version(a, k))) == NULL) {
				versions_free(hw, ver, n);
				return dupg__error_nomem();
			}
	}
	if ((i = member_get(r, id)) == DUPG_NONE) {
		versions_free(hw, ver, n);
		return DUPG_ENOMEM;
	}
	versions_free(r->m[i].hw, r->m[i].ver, r->m[i].nhw);
	r->m[i].hw = hw;
	r->m[i].ver = ver;
	r->m[i].nhw = n;
	r->m[i].score = dupg_announce_score(a);
	r->m[i].heard = 1;
	r->m[i].last_seen = now;
	r->m[i].has_msg = 1;
	r->m[i].msg_epoch = dupg_announce_epoch(a);
	r->m[i].msg_period = dupg_announce_period(a);
	if (dupg_announce_leader(a) && claim_wins(r, id, r->m[i].score, dupg_announce_epoch(a))) {
		r->leader = i;
		r->epoch = dupg_announce_epoch(a);
	}
	return 0;
}

static int alive(const dupg_region *r, const member *m, uint64_t period)
{
	return m->heard && (period < m->last_seen || period - m->last_seen < r->dead_after);
}

int dupg_region_elect(dupg_elect_result *result, dupg_region *r, uint64_t period)
{
	size_t i, best = DUPG_NONE;
	dupg_elect_result res;

	if (result != NULL)
		*result = DUPG_ELECT_NONE;
	if (r == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_region_elect: r is NULL");
	if (r->elected_once && period < r->last_elect)
		return dupg__error(DUPG_EINVAL, "region %u: election of period %llu after the one of "
				   "period %llu: periods do not go back", r->id,
				   (unsigned long long)period, (unsigned long long)r->last_elect);
	for (i = 0; i < r->count; i++) {
		const member *m = &r->m[i];

		if (!alive(r, m, period))
			continue;
		if (best == DUPG_NONE ||
		    claim_higher(0, m->score, m->id, 0, r->m[best].score, r->m[best].id))
			best = i;
	}
	r->elected_once = 1;
	r->last_elect = period;
	if (best == DUPG_NONE) {
		/* nobody alive: the old leader (if any) is gone; the next elected opens a new term */
		r->leader = DUPG_NONE;
		res = DUPG_ELECT_NONE;
	} else if (best == r->leader) {
		res = DUPG_ELECT_KEPT;
	} else {
		if (r->leader == DUPG_NONE)
			res = DUPG_ELECT_FIRST;
		else if (alive(r, &r->m[r->leader], period))
			res = DUPG_ELECT_BETTER;
		else
			res = DUPG_ELECT_FAILOVER;
		r->leader = best;
		r->epoch++;
	}
	if (result != NULL)
		*result = res;
	return 0;
}

uint32_t dupg_region_id(const dupg_region *r)
{
	return r == NULL ? 0 : r->id;
}

uint64_t dupg_region_epoch(const dupg_region *r)
{
	return r == NULL ? 0 : r->epoch;
}

const char *dupg_region_leader(const dupg_region *r)
{
	return r == NULL || r->leader == DUPG_NONE ? NULL : r->m[r->leader].id;
}

size_t dupg_region_member_count(const dupg_region *r)
{
	return r == NULL ? 0 : r->count;
}

const char *dupg_region_member(const dupg_region *r, size_t i)
{
	return r == NULL || i >= r->count ? NULL : r->m[i].id;
}

uint32_t dupg_region_member_score(const dupg_region *r, size_t i)
{
	return r == NULL || i >= r->count ? 0 : r->m[i].score;
}

int dupg_region_member_alive(const dupg_region *r, size_t i, uint64_t period)
{
	return r != NULL && i < r->count && alive(r, &r->m[i], period);
}

const char *dupg_region_member_version(const dupg_region *r, size_t i, const char *hw)
{
	size_t k;

	if (r == NULL || i >= r->count || hw == NULL)
		return NULL;
	for (k = 0; k < r->m[i].nhw; k++)
		if (strcmp(r->m[i].hw[k], hw) == 0)
			return r->m[i].ver[k];
	return NULL;
}

int dupg_region_needs(size_t *out, const dupg_region *r, const dupg_region_package *pkg)
{
	size_t i, n = 0;

	if (out != NULL)
		*out = 0;
	if (out == NULL || r == NULL || pkg == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_region_needs: %s is NULL",
				   out == NULL ? "out" : r == NULL ? "r" : "pkg");
	if (pkg->hw == NULL || pkg->version == NULL)
		return dupg__error(DUPG_EINVAL, "region needs: the package's %s is NULL",
				   pkg->hw == NULL ? "hardware type" : "version");
	if (pkg->min != NULL && pkg->max != NULL && dupg_vercmp(pkg->min, pkg->max) > 0)
		return dupg__error(DUPG_EINVAL, "region needs: the range [%.64s, %.64s] is empty: "
				   "min is above max", pkg->min, pkg->max);
	for (i = 0; i < r->count; i++) {
		const char *v = dupg_region_member_version(r, i, pkg->hw);

		if (v == NULL)
			continue;
		if (pkg->min != NULL && dupg_vercmp(v, pkg->min) < 0)
			continue;
		if (pkg->max != NULL && dupg_vercmp(v, pkg->max) > 0)
			continue;
		if (dupg_vercmp(v, pkg->version) < 0)
			n++;
	}
	*out = n;
	return 0;
}
