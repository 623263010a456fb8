/* SPDX-License-Identifier: BSD-2-Clause */
/* Regions: the score, the partition, elections, liveness, the need decision, the announcement. */
#include "fixture.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/rng.h"

static void expect_error(int rc, int code, const char *needle)
{
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_EQUAL(dupg_error_last_code(), code);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), needle));
	if (strstr(dupg_error_last(), needle) == NULL)
		fprintf(stderr, "expected \"%s\" in \"%s\"\n", needle, dupg_error_last());
}

static const char *const pool[] = {
	"239.1.0.1", "239.1.0.2", "239.1.0.3", "239.1.0.4", "239.1.0.5", "239.1.0.6", "239.1.0.7",
	"239.1.0.8", "239.1.0.9", "239.1.0.10", "239.1.0.11", "239.1.0.12", "239.1.0.13",
	"239.1.0.14", "239.1.0.15", "239.1.0.16", "239.1.0.17", "239.1.0.18", "239.1.0.19",
	"239.1.0.20", "239.1.0.21", "239.1.0.22", "239.1.0.23", "239.1.0.24", "239.1.0.25",
};

/* ---- the score ---------------------------------------------------------- */

static void test_score(void)
{
	dupg_node_resources best = { 1, 1, 1, 1000, 0, 0 }, worst = { 0, 0, 0, 0, 1e300, 1 };
	dupg_node_resources mid = { 0.5, 0.5, 0.5, 500, 50, 0.5 }, bad;
	dupg_score_options o = DUPG_SCORE_OPTIONS_INIT;
	uint32_t s = 7, s2;

	CU_ASSERT_EQUAL(dupg_score(&s, &best, NULL), 0);
	CU_ASSERT_EQUAL(s, DUPG_SCORE_MAX);
	CU_ASSERT_EQUAL(dupg_score(&s, &worst, NULL), 0);
	CU_ASSERT_EQUAL(s, 0);
	/* every term is a half: half marks */
	CU_ASSERT_EQUAL(dupg_score(&s, &mid, NULL), 0);
	CU_ASSERT_EQUAL(s, DUPG_SCORE_MAX / 2);
	/* bandwidth past the reference scores no more */
	best.bandwidth_mbps = 1e6;
	CU_ASSERT_EQUAL(dupg_score(&s, &best, NULL), 0);
	CU_ASSERT_EQUAL(s, DUPG_SCORE_MAX);
	/* only the CPU counts: the score is the CPU share */
	o.memory = o.storage = o.bandwidth = o.latency = o.loss = 0;
	mid.cpu = 0.25;
	CU_ASSERT_EQUAL(dupg_score(&s, &mid, &o), 0);
	CU_ASSERT_EQUAL(s, DUPG_SCORE_MAX / 4);
	/* weights move the score toward the heavy term */
	o = (dupg_score_options)DUPG_SCORE_OPTIONS_INIT;
	o.loss = 10;
	mid.loss = 0;
	CU_ASSERT_EQUAL(dupg_score(&s2, &mid, &o), 0);
	CU_ASSERT_EQUAL(dupg_score(&s, &mid, NULL), 0);
	CU_ASSERT_TRUE(s2 > s);

	bad = mid;
	bad.cpu = 1.5;
	expect_error(dupg_score(&s, &bad, NULL), DUPG_EINVAL, "cpu 1.5");
	bad = mid;
	bad.memory = nan("");
	expect_error(dupg_score(&s, &bad, NULL), DUPG_EINVAL, "memory");
	bad = mid;
	bad.storage = -0.1;
	expect_error(dupg_score(&s, &bad, NULL), DUPG_EINVAL, "storage");
	bad = mid;
	bad.loss = 2;
	expect_error(dupg_score(&s, &bad, NULL), DUPG_EINVAL, "loss");
	bad = mid;
	bad.bandwidth_mbps = -1;
	expect_error(dupg_score(&s, &bad, NULL), DUPG_EINVAL, "bandwidth");
	bad = mid;
	bad.latency_ms = INFINITY;
	expect_error(dupg_score(&s, &bad, NULL), DUPG_EINVAL, "latency");
	o = (dupg_score_options)DUPG_SCORE_OPTIONS_INIT;
	o.cpu = o.memory = o.storage = o.bandwidth = o.latency = o.loss = 0;
	expect_error(dupg_score(&s, &mid, &o), DUPG_EINVAL, "all 0");
	o = (dupg_score_options)DUPG_SCORE_OPTIONS_INIT;
	o.latency = -1;
	expect_error(dupg_score(&s, &mid, &o), DUPG_EINVAL, "negative");
	o = (dupg_score_options)DUPG_SCORE_OPTIONS_INIT;
	o.bandwidth_ref_mbps = 0;
	expect_error(dupg_score(&s, &mid, &o), DUPG_EINVAL, "bandwidth_ref_mbps");
	o = (dupg_score_options)DUPG_SCORE_OPTIONS_INIT;
	o.version = 99;
	expect_error(dupg_score(&s, &mid, &o), DUPG_EUNSUPPORTED, "version 99");
	expect_error(dupg_score(NULL, &mid, NULL), DUPG_EINVAL, "out is NULL");
}

/* ---- the partition ------------------------------------------------------ */

static void test_partition_new(void)
{
	const char *const badpool[] = { "239.1.0.1", "10.0.0.1" };
	const char *const dup[] = { "239.1.0.1", "239.1.0.1" };
	const char *const lead0[] = { "239.01.0.1" };
	const char *const v6[] = { "ff02::1" };
	const char *const low[] = { "223.255.255.255" };
	const char *const hi[] = { "240.0.0.1" };
	const char *const shortq[] = { "239.1.1" };
	dupg_partition *p = (dupg_partition *)&p;

	CU_ASSERT_EQUAL_FATAL(dupg_partition_new(&p, 10, 4, pool, 3), 0);
	CU_ASSERT_EQUAL(dupg_partition_region_count(p), 3);
	CU_ASSERT_EQUAL(dupg_partition_max_per_region(p), 4);
	CU_ASSERT_EQUAL(dupg_partition_online(p), 0);
	CU_ASSERT_STRING_EQUAL(dupg_partition_address(p, 2), "239.1.0.3");
	CU_ASSERT_PTR_NULL(dupg_partition_address(p, 3));
	CU_ASSERT_EQUAL(dupg_partition_best_node(p, 0), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_partition_region_of(p, 0), DUPG_NONE);
	dupg_partition_free(p);
	/* exact division: T = 12, M = 4 is 3 regions, T = 13 is 4 */
	CU_ASSERT_EQUAL_FATAL(dupg_partition_new(&p, 12, 4, pool, 3), 0);
	CU_ASSERT_EQUAL(dupg_partition_region_count(p), 3);
	dupg_partition_free(p);
	expect_error(dupg_partition_new(&p, 13, 4, pool, 3), DUPG_EINVAL, "need 4 multicast addresses");
	CU_ASSERT_PTR_NULL(p);
	expect_error(dupg_partition_new(&p, 0, 4, pool, 3), DUPG_EINVAL, "(T) is 0");
	expect_error(dupg_partition_new(&p, 4, 0, pool, 3), DUPG_EINVAL, "(M) is 0");
	expect_error(dupg_partition_new(&p, 4, 2, badpool, 2), DUPG_EINVAL, "\"10.0.0.1\" is not an IPv4 multicast");
	expect_error(dupg_partition_new(&p, 4, 2, dup, 2), DUPG_EEXISTS, "twice");
	expect_error(dupg_partition_new(&p, 1, 1, lead0, 1), DUPG_EINVAL, "239.01.0.1");
	expect_error(dupg_partition_new(&p, 1, 1, v6, 1), DUPG_EINVAL, "ff02::1");
	expect_error(dupg_partition_new(&p, 1, 1, low, 1), DUPG_EINVAL, "223.255.255.255");
	expect_error(dupg_partition_new(&p, 1, 1, hi, 1), DUPG_EINVAL, "240.0.0.1");
	expect_error(dupg_partition_new(&p, 1, 1, shortq, 1), DUPG_EINVAL, "239.1.1");
	expect_error(dupg_partition_new(&p, 1, 1, NULL, 0), DUPG_EINVAL, "the pool has 0");
	expect_error(dupg_partition_new(NULL, 1, 1, pool, 1), DUPG_EINVAL, "out is NULL");
	dupg_partition_free(NULL);
}

/*
 * The seed gives the rule in symbols only (T, M, N, S, R, a), no worked
 * numbers. This is its rule on T = 10, M = 4 (N = 3), worked by hand:
 *
 *  i  score  a  beats (R before)        region  R after          members
 *  0  50     -  opens region 0          0       [50, -, -]       1 0 0
 *  1  70     -  opens region 1          1       [50, 70, -]      1 1 0
 *  2  60     -  opens region 2          2       [50, 70, 60]     1 1 1
 *  3  80     0  50 70 60: lowest 50     0       [80, 70, 60]     2 1 1
 *  4  40     1  none                    1       same             2 2 1
 *  5  65     2  60                      2       [80, 70, 65]     2 2 2
 *  6  90     0  80 70 65: lowest 65     2       [80, 70, 90]     2 2 3
 *  7  30     1  none                    1       same             2 3 3
 *  8  55     2  none                    2       same             2 3 4
 *  9  75     0  70                      1       [80, 75, 90]     2 4 4
 * then past T (N * M = 12 may join):
 * 10  100    1  80 75 90, room only in 0 0     [100, 75, 90]    3 4 4
 * 11  10     2  none; 2 full, 0 next    0       same             4 4 4
 * 12  -      full: ENOSPC
 */
static void test_partition_seed(void)
{
	const uint32_t scores[] = { 50, 70, 60, 80, 40, 65, 90, 30, 55, 75, 100, 10 };
	const size_t regions[] = { 0, 1, 2, 0, 1, 2, 2, 1, 2, 1, 0, 0 };
	const uint32_t best_after9[] = { 80, 75, 90 }, best_after11[] = { 100, 75, 90 };
	const size_t best_node_after9[] = { 3, 9, 6 };
	dupg_partition *p = NULL;
	size_t i, r;

	CU_ASSERT_EQUAL_FATAL(dupg_partition_new(&p, 10, 4, pool, 5), 0);
	for (i = 0; i < 12; i++) {
		CU_ASSERT_EQUAL(dupg_partition_join(&r, p, scores[i] * 10000), 0);
		CU_ASSERT_EQUAL(r, regions[i]);
		CU_ASSERT_EQUAL(dupg_partition_region_of(p, i), regions[i]);
		CU_ASSERT_EQUAL(dupg_partition_score_of(p, i), scores[i] * 10000);
		if (i == 9) {
			for (r = 0; r < 3; r++) {
				CU_ASSERT_EQUAL(dupg_partition_best(p, r), best_after9[r] * 10000);
				CU_ASSERT_EQUAL(dupg_partition_best_node(p, r), best_node_after9[r]);
			}
			CU_ASSERT_EQUAL(dupg_partition_members(p, 0), 2);
			CU_ASSERT_EQUAL(dupg_partition_members(p, 1), 4);
			CU_ASSERT_EQUAL(dupg_partition_members(p, 2), 4);
		}
	}
	for (r = 0; r < 3; r++) {
		CU_ASSERT_EQUAL(dupg_partition_best(p, r), best_after11[r] * 10000);
		CU_ASSERT_EQUAL(dupg_partition_members(p, r), 4);
	}
	expect_error(dupg_partition_join(&r, p, 5), DUPG_ENOSPC, "every region is full");
	CU_ASSERT_EQUAL(r, DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_partition_online(p), 12);
	expect_error(dupg_partition_join(&r, p, DUPG_SCORE_MAX + 1), DUPG_EINVAL, "above");
	dupg_partition_free(p);
}

/* Equal scores beat nothing: the placement is the rotation a = i mod N. */
static void test_partition_equal_scores(void)
{
	dupg_partition *p = NULL;
	size_t i, r;

	CU_ASSERT_EQUAL_FATAL(dupg_partition_new(&p, 20, 3, pool, 7), 0);
	CU_ASSERT_EQUAL(dupg_partition_region_count(p), 7);
	for (i = 0; i < 20; i++) {
		CU_ASSERT_EQUAL(dupg_partition_join(&r, p, 500), 0);
		CU_ASSERT_EQUAL(r, i % 7);
	}
	dupg_partition_free(p);
}

/* The invariants of the file comment, after every join. */
static int partition_holds(const dupg_partition *p)
{
	size_t n = dupg_partition_region_count(p), s = dupg_partition_online(p), r, i, total = 0;
	int ok = 1;

	for (r = 0; r < n; r++) {
		uint32_t max = 0;
		size_t count = 0, bn = dupg_partition_best_node(p, r);

		for (i = 0; i < s; i++)
			if (dupg_partition_region_of(p, i) == r) {
				count++;
				if (dupg_partition_score_of(p, i) > max)
					max = dupg_partition_score_of(p, i);
			}
		ok &= count == dupg_partition_members(p, r);
		ok &= count <= dupg_partition_max_per_region(p);
		total += count;
		if (s >= n || r < s) {
			ok &= count >= 1;
			ok &= max == dupg_partition_best(p, r);
			ok &= bn < s && dupg_partition_region_of(p, bn) == r &&
			      dupg_partition_score_of(p, bn) == max;
		} else {
			ok &= count == 0 && bn == DUPG_NONE;
		}
	}
	return ok && total == s;
}

static void test_partition_random(void)
{
	uint64_t rng = 0x5eed0002u;
	int round;

	for (round = 0; round < 200; round++) {
		size_t t = 1 + (size_t)dupg__rng_below(&rng, 120);
		size_t m = 1 + (size_t)dupg__rng_below(&rng, 12), n = (t + m - 1) / m;
		size_t joins = t + (size_t)dupg__rng_below(&rng, n * m - t + 1), i, r, r2;
		uint32_t range = 1 + (uint32_t)dupg__rng_below(&rng, DUPG_SCORE_MAX);
		dupg_partition *p = NULL, *q = NULL;
		const char **addr;
		char (*text)[16];
		int ok = 1;

		addr = calloc(n, sizeof(*addr));
		text = calloc(n, sizeof(*text));
		CU_ASSERT_FATAL(addr != NULL && text != NULL);
		for (i = 0; i < n; i++) {
			snprintf(text[i], sizeof(text[i]), "239.2.%u.%u", (unsigned)(i / 250),
				 (unsigned)(i % 250 + 1));
			addr[i] = text[i];
		}
		CU_ASSERT_EQUAL_FATAL(dupg_partition_new(&p, t, m, addr, n), 0);
		CU_ASSERT_EQUAL_FATAL(dupg_partition_new(&q, t, m, addr, n), 0);
		for (i = 0; i < joins; i++) {
			uint32_t s = (uint32_t)dupg__rng_below(&rng, range);

			ok &= dupg_partition_join(&r, p, s) == 0;
			ok &= dupg_partition_join(&r2, q, s) == 0;
			ok &= r == r2; /* deterministic */
			ok &= partition_holds(p);
		}
		CU_ASSERT_TRUE(ok);
		if (!ok)
			fprintf(stderr, "round %d: T=%zu M=%zu joins=%zu\n", round, t, m, joins);
		if (joins == n * m)
			CU_ASSERT_EQUAL(dupg_partition_join(&r, p, 1), DUPG_ENOSPC);
		dupg_partition_free(p);
		dupg_partition_free(q);
		free(addr);
		free(text);
	}
}

/* ---- elections ---------------------------------------------------------- */

static dupg_region *region(uint32_t id, uint64_t k)
{
	dupg_region_options o = DUPG_REGION_OPTIONS_INIT;
	dupg_region *r = NULL;

	o.dead_after = k;
	CU_ASSERT_EQUAL_FATAL(dupg_region_new(&r, id, &o), 0);
	return r;
}

static void test_region_new(void)
{
	dupg_region_options o = DUPG_REGION_OPTIONS_INIT;
	dupg_region *r = (dupg_region *)&r;

	CU_ASSERT_EQUAL_FATAL(dupg_region_new(&r, 4, NULL), 0);
	CU_ASSERT_EQUAL(dupg_region_id(r), 4);
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 0);
	CU_ASSERT_PTR_NULL(dupg_region_leader(r));
	CU_ASSERT_EQUAL(dupg_region_member_count(r), 0);
	dupg_region_free(r);
	o.dead_after = 0;
	expect_error(dupg_region_new(&r, 1, &o), DUPG_EINVAL, "dead_after is 0");
	CU_ASSERT_PTR_NULL(r);
	o = (dupg_region_options)DUPG_REGION_OPTIONS_INIT;
	o.version = 2;
	expect_error(dupg_region_new(&r, 1, &o), DUPG_EUNSUPPORTED, "version 2");
	dupg_region_free(NULL);
}

static void test_elect_ties_and_epochs(void)
{
	dupg_region *r = region(0, 3);
	dupg_elect_result res;

	/* nobody: no virtual server */
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 0), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_NONE);
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 0);
	CU_ASSERT_EQUAL(dupg_region_heard(r, "site-a", 700, 1), 0);
	CU_ASSERT_EQUAL(dupg_region_heard(r, "site-c", 900, 1), 0);
	CU_ASSERT_EQUAL(dupg_region_heard(r, "site-b", 900, 1), 0);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 1), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_FIRST);
	/* equal scores: the higher id */
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "site-c");
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 1);
	/* the same again: kept, same epoch */
	CU_ASSERT_EQUAL(dupg_region_heard(r, "site-c", 900, 2), 0);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 2), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_KEPT);
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 1);
	/* a better member: it takes over in a new term */
	CU_ASSERT_EQUAL(dupg_region_heard(r, "site-a", 950, 3), 0);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 3), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_BETTER);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "site-a");
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 2);
	/* periods do not go back */
	expect_error(dupg_region_elect(&res, r, 2), DUPG_EINVAL, "do not go back");
	expect_error(dupg_region_heard(r, "site-a", 950, 2), DUPG_EINVAL, "before the period");
	expect_error(dupg_region_heard(r, "", 950, 4), DUPG_EINVAL, "empty");
	expect_error(dupg_region_heard(r, "x", DUPG_SCORE_MAX + 1, 4), DUPG_EINVAL, "above");
	CU_ASSERT_EQUAL(dupg_region_member_count(r), 3);
	CU_ASSERT_EQUAL(dupg_region_find(r, "site-b"), 2);
	CU_ASSERT_EQUAL(dupg_region_find(r, "site-z"), DUPG_NONE);
	dupg_region_free(r);
}

/* Dead after K missed periods, not one before; the dead leader's region elects again. */
static void test_dead_leader(void)
{
	dupg_region *r = region(0, 3);
	dupg_elect_result res;
	uint64_t p;

	CU_ASSERT_EQUAL(dupg_region_heard(r, "lead", 900, 0), 0);
	CU_ASSERT_EQUAL(dupg_region_heard(r, "next", 800, 0), 0);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 0), 0);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "lead");
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 1);
	/* lead goes silent after period 0; next keeps talking */
	for (p = 1; p <= 2; p++) {
		CU_ASSERT_EQUAL(dupg_region_heard(r, "next", 800, p), 0);
		CU_ASSERT_EQUAL(dupg_region_elect(&res, r, p), 0);
		CU_ASSERT_EQUAL(res, DUPG_ELECT_KEPT);
		CU_ASSERT_TRUE(dupg_region_member_alive(r, 0, p));
	}
	/* period 3: lead missed periods 1, 2 and 3 */
	CU_ASSERT_EQUAL(dupg_region_heard(r, "next", 800, 3), 0);
	CU_ASSERT_FALSE(dupg_region_member_alive(r, 0, 3));
	CU_ASSERT_TRUE(dupg_region_member_alive(r, 1, 3));
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 3), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_FAILOVER);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "next");
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 2);
	/* lead comes back: heard again, it is alive and better, so it takes over in a newer term */
	CU_ASSERT_EQUAL(dupg_region_heard(r, "lead", 900, 4), 0);
	CU_ASSERT_EQUAL(dupg_region_heard(r, "next", 800, 4), 0);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 4), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_BETTER);
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 3);
	/* everybody silent: nobody leads; the next election opens a new term */
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 7), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_NONE);
	CU_ASSERT_PTR_NULL(dupg_region_leader(r));
	CU_ASSERT_EQUAL(dupg_region_heard(r, "next", 800, 8), 0);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 8), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_FIRST);
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 4);
	dupg_region_free(r);

	/* K = 1: dead in the first period it is not heard in */
	r = region(0, 1);
	CU_ASSERT_EQUAL(dupg_region_heard(r, "a", 1, 5), 0);
	CU_ASSERT_TRUE(dupg_region_member_alive(r, 0, 5));
	CU_ASSERT_FALSE(dupg_region_member_alive(r, 0, 6));
	dupg_region_free(r);
}

/*
 * Split brain: two nodes each think they lead (a partition healed). Every
 * view that hears both claims, in either order, ends with the same leader:
 * the higher (epoch, score, id).
 */
static void test_split_brain(void)
{
	struct claim { const char *id; uint32_t score; uint64_t epoch; } c[] = {
		{ "x", 900, 4 }, { "y", 950, 3 }, { "z", 900, 4 }, { "w", 100, 5 },
	};
	size_t perm[4][4] = { { 0, 1, 2, 3 }, { 3, 2, 1, 0 }, { 1, 3, 0, 2 }, { 2, 0, 3, 1 } };
	size_t i, k;

	for (k = 0; k < 4; k++) {
		dupg_region *r = region(0, 3);

		for (i = 0; i < 4; i++)
			CU_ASSERT(dupg_region_claim(r, c[perm[k][i]].id, c[perm[k][i]].score,
						    c[perm[k][i]].epoch) >= 0);
		/* the highest epoch wins even with the lowest score */
		CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "w");
		CU_ASSERT_EQUAL(dupg_region_epoch(r), 5);
		dupg_region_free(r);
	}
	/* same epoch: the score, then the id */
	for (k = 0; k < 2; k++) {
		dupg_region *r = region(0, 3);

		CU_ASSERT_EQUAL(dupg_region_claim(r, k ? "z" : "x", 900, 4), 1);
		CU_ASSERT_EQUAL(dupg_region_claim(r, k ? "x" : "z", 900, 4), k ? 0 : 1);
		CU_ASSERT_EQUAL(dupg_region_claim(r, "y", 950, 3), 0);
		CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "z");
		CU_ASSERT_EQUAL(dupg_region_claim(r, "y", 950, 4), 1);
		CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "y");
		/* the same leader again is no change; in a newer term it is */
		CU_ASSERT_EQUAL(dupg_region_claim(r, "y", 950, 4), 0);
		CU_ASSERT_EQUAL(dupg_region_claim(r, "y", 950, 6), 1);
		CU_ASSERT_EQUAL(dupg_region_epoch(r), 6);
		expect_error(dupg_region_claim(r, NULL, 1, 9), DUPG_EINVAL, "NULL");
		CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "y");
		dupg_region_free(r);
	}
}

/* The observable state of a region, to check that a refused message changes nothing. */
static char *region_state(const dupg_region *r, uint64_t period)
{
	char *s = malloc(8192);
	size_t i, n = 0;

	CU_ASSERT_FATAL(s != NULL);
	n += (size_t)snprintf(s + n, 8192 - n, "e%llu l%s |", (unsigned long long)dupg_region_epoch(r),
			      dupg_region_leader(r) ? dupg_region_leader(r) : "-");
	for (i = 0; i < dupg_region_member_count(r) && n < 8000; i++) {
		const char *v = dupg_region_member_version(r, i, "bbu");

		n += (size_t)snprintf(s + n, 8192 - n, " %s:%u:%d:%s", dupg_region_member(r, i),
				      dupg_region_member_score(r, i),
				      dupg_region_member_alive(r, i, period), v ? v : "-");
	}
	return s;
}

static dupg_announce *ann(const char *sender, uint32_t region, uint64_t epoch, uint64_t period,
			  uint32_t score, int leader, const char *bbu)
{
	dupg_announce *a = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_announce_new(&a, sender, region, epoch, period, score, leader), 0);
	if (bbu != NULL)
		CU_ASSERT_EQUAL_FATAL(dupg_announce_add(a, "bbu", bbu), 0);
	return a;
}

static void receive_refused(dupg_region *r, dupg_announce *a, uint64_t now, int code,
			    const char *needle)
{
	char *before = region_state(r, now), *after;

	expect_error(dupg_region_receive(r, a, now), code, needle);
	after = region_state(r, now);
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	dupg_announce_free(a);
}

static void receive_ok(dupg_region *r, dupg_announce *a, uint64_t now)
{
	CU_ASSERT_EQUAL(dupg_region_receive(r, a, now), 0);
	dupg_announce_free(a);
}

/* A node that comes back with an old epoch: its claim loses and its old messages are replays. */
static void test_old_epoch_and_replays(void)
{
	dupg_region *r = region(7, 3);
	dupg_elect_result res;

	receive_ok(r, ann("old", 7, 0, 1, 990, 0, "1.0"), 1);
	receive_ok(r, ann("mid", 7, 0, 1, 500, 0, "1.1"), 1);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 1), 0);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "old");
	/* old dies; mid takes over, twice (epoch 3 by period 8) */
	receive_ok(r, ann("mid", 7, 1, 4, 500, 0, "1.1"), 4);
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 4), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_FAILOVER);
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 2);
	receive_ok(r, ann("mid", 7, 2, 5, 500, 1, "1.1"), 5);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "mid");
	/* old is back, still in epoch 1, saying it leads with its better score: a replay of its term */
	receive_refused(r, ann("old", 7, 1, 6, 990, 1, "1.0"), 6, DUPG_EEXISTS,
			"epoch 1 is older than the region's epoch 2");
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "mid");
	/* its claim weighed directly loses too: it must step down */
	CU_ASSERT_EQUAL(dupg_region_claim(r, "old", 990, 1), 0);
	/* mid's message again, and an older one: replays */
	receive_refused(r, ann("mid", 7, 2, 5, 500, 1, "9.9"), 6, DUPG_EEXISTS, "not newer");
	receive_refused(r, ann("mid", 7, 2, 4, 500, 1, "9.9"), 6, DUPG_EEXISTS, "not newer");
	/* another region's, and one from the future */
	receive_refused(r, ann("mid", 6, 2, 6, 500, 1, "9.9"), 6, DUPG_EINVAL, "for region 6");
	receive_refused(r, ann("mid", 7, 2, 7, 500, 1, "9.9"), 6, DUPG_EINVAL, "after this");
	/* old learns the epoch and heartbeats as a member: accepted, and the election makes it lead */
	receive_ok(r, ann("old", 7, 2, 6, 990, 0, "1.0"), 6);
	receive_ok(r, ann("mid", 7, 2, 6, 500, 1, "1.2"), 6);
	CU_ASSERT_STRING_EQUAL(dupg_region_member_version(r, dupg_region_find(r, "mid"), "bbu"), "1.2");
	CU_ASSERT_EQUAL(dupg_region_elect(&res, r, 6), 0);
	CU_ASSERT_EQUAL(res, DUPG_ELECT_BETTER);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "old");
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 3);
	/* a claim of a higher epoch is adopted from a message */
	receive_ok(r, ann("mid", 7, 5, 7, 500, 1, "1.2"), 7);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "mid");
	CU_ASSERT_EQUAL(dupg_region_epoch(r), 5);
	dupg_region_free(r);
}

static void test_needs(void)
{
	dupg_region *r = region(0, 3);
	dupg_region_package pkg = { "bbu", "2.0", "1.0", "1.9" };
	dupg_announce *a;
	size_t n = 99;

	CU_ASSERT_EQUAL(dupg_region_needs(&n, r, &pkg), 0);
	CU_ASSERT_EQUAL(n, 0);
	receive_ok(r, ann("a", 0, 0, 0, 1, 0, "1.5"), 0);   /* in range, older: needs */
	receive_ok(r, ann("b", 0, 0, 0, 1, 0, "2.0"), 0);   /* current (and past max) */
	receive_ok(r, ann("c", 0, 0, 0, 1, 0, "0.9"), 0);   /* below min: does not apply */
	receive_ok(r, ann("d", 0, 0, 0, 1, 0, "1.10"), 0);  /* 1.10 > 1.9 by vercmp: past max */
	receive_ok(r, ann("e", 0, 0, 0, 1, 0, "1.9"), 0);   /* max itself: needs */
	receive_ok(r, ann("f", 0, 0, 0, 1, 0, NULL), 0);    /* no bbu */
	a = ann("g", 0, 0, 0, 1, 0, NULL);
	CU_ASSERT_EQUAL(dupg_announce_add(a, "rru", "1.0"), 0);
	receive_ok(r, a, 0);                                /* another hardware type */
	CU_ASSERT_EQUAL(dupg_region_needs(&n, r, &pkg), 0);
	CU_ASSERT_EQUAL(n, 2);
	pkg.min = pkg.max = NULL;                           /* unbounded: c, d too */
	CU_ASSERT_EQUAL(dupg_region_needs(&n, r, &pkg), 0);
	CU_ASSERT_EQUAL(n, 4);
	pkg.version = "0.1";                                /* everyone is past it */
	CU_ASSERT_EQUAL(dupg_region_needs(&n, r, &pkg), 0);
	CU_ASSERT_EQUAL(n, 0);
	pkg.hw = "rru";
	pkg.version = "1.1";
	CU_ASSERT_EQUAL(dupg_region_needs(&n, r, &pkg), 0);
	CU_ASSERT_EQUAL(n, 1);
	/* a newer announcement replaces the versions: a is current now */
	receive_ok(r, ann("a", 0, 0, 1, 1, 0, "2.0"), 1);
	pkg = (dupg_region_package){ "bbu", "2.0", "1.0", "1.9" };
	CU_ASSERT_EQUAL(dupg_region_needs(&n, r, &pkg), 0);
	CU_ASSERT_EQUAL(n, 1);
	pkg.min = "3";
	expect_error(dupg_region_needs(&n, r, &pkg), DUPG_EINVAL, "min is above max");
	pkg.hw = NULL;
	expect_error(dupg_region_needs(&n, r, &pkg), DUPG_EINVAL, "hardware type");
	dupg_region_free(r);
}

/* ---- the announcement --------------------------------------------------- */

static void test_announce_round_trip(void)
{
	dupg_announce *a = ann("site-0042", 19, 7, 123456789012ull, 654321, 1, "5.2.1");
	dupg_announce *b = NULL;
	unsigned char *buf = NULL, *buf2 = NULL;
	size_t len = 0, len2 = 0;

	CU_ASSERT_EQUAL(dupg_announce_add(a, "rru", "3.0"), 0);
	expect_error(dupg_announce_add(a, "rru", "3.1"), DUPG_EEXISTS, "rru twice");
	expect_error(dupg_announce_add(a, "", "3.1"), DUPG_EINVAL, "hardware type");
	expect_error(dupg_announce_add(a, "x", "a\xff"), DUPG_EINVAL, "version");
	CU_ASSERT_EQUAL_FATAL(dupg_announce_encode(&buf, &len, a), 0);
	/* 30 header + 2 + 9 sender + 2 count + (2 + 3 + 2 + 5) + (2 + 3 + 2 + 3) */
	CU_ASSERT_EQUAL(len, 30 + 11 + 2 + 12 + 10);
	CU_ASSERT_EQUAL(memcmp(buf, "DUPA\x01\x01", 6), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, buf, len), 0);
	CU_ASSERT_STRING_EQUAL(dupg_announce_sender(b), "site-0042");
	CU_ASSERT_EQUAL(dupg_announce_region(b), 19);
	CU_ASSERT_EQUAL(dupg_announce_epoch(b), 7);
	CU_ASSERT_EQUAL(dupg_announce_period(b), 123456789012ull);
	CU_ASSERT_EQUAL(dupg_announce_score(b), 654321);
	CU_ASSERT_EQUAL(dupg_announce_leader(b), 1);
	CU_ASSERT_EQUAL(dupg_announce_hw_count(b), 2);
	CU_ASSERT_STRING_EQUAL(dupg_announce_hw(b, 1), "rru");
	CU_ASSERT_STRING_EQUAL(dupg_announce_version(b, 0), "5.2.1");
	CU_ASSERT_STRING_EQUAL(dupg_announce_find(b, "rru"), "3.0");
	CU_ASSERT_PTR_NULL(dupg_announce_find(b, "xyz"));
	CU_ASSERT_PTR_NULL(dupg_announce_hw(b, 2));
	CU_ASSERT_EQUAL_FATAL(dupg_announce_encode(&buf2, &len2, b), 0);
	CU_ASSERT_EQUAL(len2, len);
	CU_ASSERT_EQUAL(memcmp(buf, buf2, len), 0);
	dupg_free(buf);
	dupg_free(buf2);
	dupg_announce_free(a);
	dupg_announce_free(b);
	expect_error(dupg_announce_new(&a, "", 0, 0, 0, 0, 0), DUPG_EINVAL, "empty");
	CU_ASSERT_PTR_NULL(a);
	expect_error(dupg_announce_new(&a, "x", 0, 0, 0, DUPG_SCORE_MAX + 1, 0), DUPG_EINVAL, "above");
	dupg_announce_free(NULL);
}

/* An announcement filled with hardware types up to the size limit: one more is refused. */
static void test_announce_size_limit(void)
{
	dupg_announce *a = ann("s", 0, 0, 0, 0, 0, NULL), *b = NULL;
	unsigned char *buf = NULL, big[DUPG_ANNOUNCE_MAX_BYTES + 1];
	char hw[32];
	size_t len, i, n = 0;
	int rc = 0;

	for (i = 0; i < 1000 && rc == 0; i++) {
		snprintf(hw, sizeof(hw), "hw%03zu", i);
		rc = dupg_announce_add(a, hw, "1.0.0");
		n += rc == 0;
	}
	CU_ASSERT_EQUAL(rc, DUPG_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "over the 1400-byte limit"));
	CU_ASSERT_EQUAL(dupg_announce_hw_count(a), n);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_encode(&buf, &len, a), 0);
	CU_ASSERT(len <= DUPG_ANNOUNCE_MAX_BYTES);
	CU_ASSERT(len > DUPG_ANNOUNCE_MAX_BYTES - 14);
	CU_ASSERT_EQUAL(dupg_announce_decode(&b, buf, len), 0);
	CU_ASSERT_EQUAL(dupg_announce_hw_count(b), n);
	dupg_announce_free(b);
	/* oversized: refused before it is read */
	memset(big, 0, sizeof(big));
	memcpy(big, buf, len);
	expect_error(dupg_announce_decode(&b, big, sizeof(big)), DUPG_EFORMAT, "1401 bytes, over");
	CU_ASSERT_PTR_NULL(b);
	dupg_free(buf);
	dupg_announce_free(a);
}

/* Hand-made malformed messages, each with the problem it names. */
static void test_announce_malformed(void)
{
	unsigned char *good = NULL, m[128];
	dupg_announce *a = ann("n1", 3, 2, 9, 500, 0, "1.0"), *b = (dupg_announce *)&b;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(dupg_announce_encode(&good, &len, a), 0);
	dupg_announce_free(a);
	CU_ASSERT_FATAL(len < sizeof(m));
#define REDO memcpy(m, good, len)
	REDO; m[0] = 'X';
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "bad magic");
	CU_ASSERT_PTR_NULL(b);
	REDO; m[4] = 3;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EUNSUPPORTED, "format version 3");
	REDO; m[4] = 0;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EUNSUPPORTED, "format version 0");
	REDO; m[5] = 4;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "unknown flags 0x04");
	REDO; m[5] = 2; /* a URL flag in version 1 */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "in a version-1 message");
	REDO; m[26] = 0xff;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "score");
	REDO; m[30] = 0; m[31] = 0; /* empty sender */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "sender id is empty");
	REDO; m[32] = 0; /* NUL in the sender */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "sender id");
	REDO; m[33] = 0xc0; /* not UTF-8 */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "sender id");
	REDO; m[31] = 200; /* sender longer than the message */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "truncated");
	REDO; m[35] = 2; /* two hardware types, one there */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "truncated");
	REDO; m[35] = 0; /* zero hardware types: the pair is trailing bytes */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "after the end");
	REDO; m[len] = 0;
	expect_error(dupg_announce_decode(&b, m, len + 1), DUPG_EFORMAT, "1 bytes after the end");
	expect_error(dupg_announce_decode(&b, NULL, 0), DUPG_EFORMAT, "truncated at byte 0");
	expect_error(dupg_announce_decode(&b, NULL, 5), DUPG_EINVAL, "buf is NULL");
	/* the same hardware type twice */
	{
		static const unsigned char twice[] = "DUPA\x01\x00" "\0\0\0\0" "\0\0\0\0\0\0\0\0"
			"\0\0\0\0\0\0\0\0" "\0\0\0\0" "\0\x01" "n" "\0\x02"
			"\0\x01" "h" "\0\x01" "1" "\0\x01" "h" "\0\x01" "2";

		expect_error(dupg_announce_decode(&b, twice, sizeof(twice) - 1), DUPG_EFORMAT,
			     "hardware type h twice");
		CU_ASSERT_EQUAL(dupg_announce_decode(&b, twice, sizeof(twice) - 9), DUPG_EFORMAT);
	}
#undef REDO
	dupg_free(good);
}

/*
 * Every truncation fails; every byte flipped with a few masks either fails
 * with a format error or decodes to a message that encodes back to the same
 * bytes (the format has one encoding per message); random bytes never
 * crash. Bounded: a message of ~60 bytes, 8 masks, 2,000 random buffers.
 */
static void fuzz_one(const dupg_announce *a)
{
	static const unsigned char masks[] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x40, 0x80, 0xff };
	dupg_announce *b;
	unsigned char *good = NULL, m[DUPG_ANNOUNCE_MAX_BYTES];
	uint64_t rng = 42;
	size_t len, i, k, decoded = 0, refused = 0;
	int rc;

	CU_ASSERT_EQUAL_FATAL(dupg_announce_encode(&good, &len, a), 0);
	for (i = 0; i < len; i++) {
		b = NULL;
		CU_ASSERT_EQUAL(dupg_announce_decode(&b, good, i), DUPG_EFORMAT);
		CU_ASSERT_PTR_NULL(b);
	}
	for (i = 0; i < len; i++)
		for (k = 0; k < sizeof(masks); k++) {
			memcpy(m, good, len);
			m[i] ^= masks[k];
			b = NULL;
			rc = dupg_announce_decode(&b, m, len);
			if (rc == 0) {
				unsigned char *again = NULL;
				size_t alen = 0;

				decoded++;
				CU_ASSERT_EQUAL(dupg_announce_encode(&again, &alen, b), 0);
				CU_ASSERT(alen == len && memcmp(again, m, len) == 0);
				dupg_free(again);
				dupg_announce_free(b);
			} else {
				refused++;
				CU_ASSERT(rc == DUPG_EFORMAT || rc == DUPG_EUNSUPPORTED);
				CU_ASSERT_PTR_NULL(b);
				CU_ASSERT(dupg_error_last()[0] != '\0');
			}
		}
	/* both happen: a flipped epoch byte decodes, a flipped magic does not */
	CU_ASSERT(decoded > 0 && refused > 0);
	for (i = 0; i < 2000; i++) {
		size_t n = (size_t)dupg__rng_below(&rng, 80);

		for (k = 0; k < n; k++)
			m[k] = (unsigned char)dupg__rng_next(&rng);
		if (i % 2 == 0 && n >= 5)
			memcpy(m, "DUPA\x01", 5); /* get past the magic half the time */
		if (i % 4 == 2 && n >= 6) {
			m[4] = 2; /* and a quarter of the time as version 2 with a URL */
			m[5] = (unsigned char)(m[5] | 2);
		}
		b = NULL;
		rc = dupg_announce_decode(&b, m, n);
		CU_ASSERT(rc == 0 || rc == DUPG_EFORMAT || rc == DUPG_EUNSUPPORTED);
		dupg_announce_free(b);
	}
	dupg_free(good);
}

static void test_announce_fuzz(void)
{
	dupg_announce *a = ann("site-7", 1, 3, 4, 777, 1, "1.2.3");

	CU_ASSERT_EQUAL(dupg_announce_add(a, "rru", "9"), 0);
	fuzz_one(a); /* version 1 */
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, "http://127.0.0.9:41234"), 0);
	fuzz_one(a); /* version 2 */
	dupg_announce_free(a);
}

/* ---- the serving URL (format version 2) ---------------------------------- */

/* ann("n1", 3, 2, 9, 500, 0, "1.0") as version 1: 46 bytes, what libdupg always wrote. */
static const unsigned char v1_n1[] = "DUPA\x01\x00" "\0\0\0\x03" "\0\0\0\0\0\0\0\x02"
	"\0\0\0\0\0\0\0\x09" "\0\0\x01\xf4" "\0\x02" "n1" "\0\x01" "\0\x03" "bbu"
	"\0\x03" "1.0";
#define V1_N1_LEN (sizeof(v1_n1) - 1)

static unsigned char *encoded(size_t *len, const dupg_announce *a)
{
	unsigned char *buf = NULL;

	*len = 0;
	CU_ASSERT_EQUAL_FATAL(dupg_announce_encode(&buf, len, a), 0);
	return buf;
}

static void test_announce_url_round_trip(void)
{
	static const char url[] = "http://127.0.0.1:8080/";
	dupg_announce *a = ann("n1", 3, 2, 9, 500, 0, "1.0"), *b = NULL;
	unsigned char *buf, *again;
	size_t len, alen;

	/* without a URL: version 1, byte for byte */
	CU_ASSERT_PTR_NULL(dupg_announce_url(a));
	buf = encoded(&len, a);
	CU_ASSERT_EQUAL(len, V1_N1_LEN);
	CU_ASSERT(len == V1_N1_LEN && memcmp(buf, v1_n1, len) == 0);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, buf, len), 0);
	CU_ASSERT_PTR_NULL(dupg_announce_url(b));
	dupg_announce_free(b);
	dupg_free(buf);

	/* with one: version 2, flag 0x02, the URL after the hardware types */
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, url), 0);
	CU_ASSERT_STRING_EQUAL(dupg_announce_url(a), url);
	buf = encoded(&len, a);
	CU_ASSERT_EQUAL_FATAL(len, V1_N1_LEN + 2 + strlen(url));
	CU_ASSERT_EQUAL(memcmp(buf, "DUPA\x02\x02", 6), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 6, v1_n1 + 6, V1_N1_LEN - 6), 0);
	CU_ASSERT_EQUAL(buf[V1_N1_LEN], 0);
	CU_ASSERT_EQUAL(buf[V1_N1_LEN + 1], strlen(url));
	CU_ASSERT_EQUAL(memcmp(buf + V1_N1_LEN + 2, url, strlen(url)), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, buf, len), 0);
	CU_ASSERT_STRING_EQUAL(dupg_announce_url(b), url);
	CU_ASSERT_STRING_EQUAL(dupg_announce_sender(b), "n1");
	CU_ASSERT_EQUAL(dupg_announce_leader(b), 0);
	CU_ASSERT_STRING_EQUAL(dupg_announce_find(b, "bbu"), "1.0");
	again = encoded(&alen, b);
	CU_ASSERT(alen == len && memcmp(again, buf, len) == 0);
	dupg_free(again);
	dupg_announce_free(b);
	dupg_free(buf);

	/* a leader with a URL: both flags */
	dupg_announce_free(a);
	a = ann("n1", 3, 2, 9, 500, 1, "1.0");
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, "x"), 0);
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, url), 0); /* replaced, not added */
	buf = encoded(&len, a);
	CU_ASSERT_EQUAL(len, V1_N1_LEN + 2 + strlen(url));
	CU_ASSERT_EQUAL(buf[5], 3);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, buf, len), 0);
	CU_ASSERT_EQUAL(dupg_announce_leader(b), 1);
	CU_ASSERT_STRING_EQUAL(dupg_announce_url(b), url);
	dupg_announce_free(b);
	dupg_free(buf);

	/* removed again: version 1 again, the same bytes as never set (but the leader flag) */
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_announce_url(a));
	buf = encoded(&len, a);
	CU_ASSERT_EQUAL(len, V1_N1_LEN);
	CU_ASSERT_EQUAL(memcmp(buf, "DUPA\x01\x01", 6), 0);
	CU_ASSERT(len == V1_N1_LEN && memcmp(buf + 6, v1_n1 + 6, len - 6) == 0);
	dupg_free(buf);
	dupg_announce_free(a);
	CU_ASSERT_PTR_NULL(dupg_announce_url(NULL));
}

/* Bad URLs are refused, and leave the one set before. */
static void test_announce_url_refused(void)
{
	dupg_announce *a = ann("n1", 3, 2, 9, 500, 0, "1.0");
	char big[DUPG_ANNOUNCE_URL_MAX_BYTES + 2];

	CU_ASSERT_EQUAL(dupg_announce_set_url(a, "http://keep/"), 0);
	expect_error(dupg_announce_set_url(a, ""), DUPG_EINVAL, "serving URL \"\" is empty");
	expect_error(dupg_announce_set_url(a, "http://a b/"), DUPG_EINVAL, "byte 0x20 at 8");
	expect_error(dupg_announce_set_url(a, "http://\x7f/"), DUPG_EINVAL, "byte 0x7f at 7");
	expect_error(dupg_announce_set_url(a, "http://h\xc3\xa9/"), DUPG_EINVAL, "not printable ASCII");
	expect_error(dupg_announce_set_url(a, "http://h/\t"), DUPG_EINVAL, "byte 0x09 at 9");
	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_error(dupg_announce_set_url(a, big), DUPG_EINVAL, "over the 256-byte limit");
	big[DUPG_ANNOUNCE_URL_MAX_BYTES] = '\0'; /* 256 bytes: the most */
	CU_ASSERT_STRING_EQUAL(dupg_announce_url(a), "http://keep/");
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, big), 0);
	CU_ASSERT_EQUAL(strlen(dupg_announce_url(a)), DUPG_ANNOUNCE_URL_MAX_BYTES);
	expect_error(dupg_announce_set_url(NULL, "http://h/"), DUPG_EINVAL, "a is NULL");
	dupg_announce_free(a);
}

/* The URL counts toward DUPG_ANNOUNCE_MAX_BYTES, whichever comes first. */
static void test_announce_url_size_limit(void)
{
	dupg_announce *a = ann("s", 0, 0, 0, 0, 0, NULL), *b = NULL;
	char hw[32], url[DUPG_ANNOUNCE_URL_MAX_BYTES + 1];
	unsigned char *buf;
	size_t len, i, n = 0, n_url = 0;
	int rc = 0;

	memset(url, 'u', DUPG_ANNOUNCE_URL_MAX_BYTES);
	url[DUPG_ANNOUNCE_URL_MAX_BYTES] = '\0';
	/* types up to the limit, then no room for a URL */
	for (i = 0; i < 1000 && rc == 0; i++) {
		snprintf(hw, sizeof(hw), "hw%03zu", i);
		rc = dupg_announce_add(a, hw, "1.0.0");
		n += rc == 0;
	}
	expect_error(dupg_announce_set_url(a, url), DUPG_EINVAL, "over the 1400-byte limit");
	CU_ASSERT_PTR_NULL(dupg_announce_url(a));
	buf = encoded(&len, a);
	CU_ASSERT_EQUAL(buf[4], 1);
	dupg_free(buf);
	dupg_announce_free(a);
	/* the URL first: fewer types fit, and the message stays within the limit */
	a = ann("s", 0, 0, 0, 0, 0, NULL);
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, url), 0);
	for (i = 0, rc = 0; i < 1000 && rc == 0; i++) {
		snprintf(hw, sizeof(hw), "hw%03zu", i);
		rc = dupg_announce_add(a, hw, "1.0.0");
		n_url += rc == 0;
	}
	expect_error(rc, DUPG_EINVAL, "over the 1400-byte limit");
	CU_ASSERT(n_url < n);
	buf = encoded(&len, a);
	CU_ASSERT(len <= DUPG_ANNOUNCE_MAX_BYTES && len > DUPG_ANNOUNCE_MAX_BYTES - 14);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, buf, len), 0);
	CU_ASSERT_EQUAL(dupg_announce_hw_count(b), n_url);
	CU_ASSERT_STRING_EQUAL(dupg_announce_url(b), url);
	/* a shorter URL in place of the longest one frees room; removing it frees more */
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, "http://h/"), 0);
	CU_ASSERT_EQUAL(dupg_announce_add(a, "hwX", "1.0.0"), 0);
	CU_ASSERT_EQUAL(dupg_announce_set_url(a, NULL), 0);
	dupg_free(buf);
	buf = encoded(&len, a);
	CU_ASSERT_EQUAL(buf[4], 1);
	CU_ASSERT(len <= DUPG_ANNOUNCE_MAX_BYTES);
	dupg_free(buf);
	dupg_announce_free(b);
	dupg_announce_free(a);
}

/* Every way the URL field can be wrong, each refused with what it names. */
static void test_announce_url_malformed(void)
{
	unsigned char m[V1_N1_LEN + 2 + 2 * DUPG_ANNOUNCE_URL_MAX_BYTES];
	dupg_announce *b = (dupg_announce *)&b;
	const size_t len = V1_N1_LEN + 2 + 9; /* "http://h/" at V1_N1_LEN + 2 */
	size_t i;

#define REDO2 do { memcpy(m, v1_n1, V1_N1_LEN); m[4] = 2; m[5] = 2; \
		m[V1_N1_LEN] = 0; m[V1_N1_LEN + 1] = 9; memcpy(m + V1_N1_LEN + 2, "http://h/", 9); } while (0)
	REDO2;
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, m, len), 0);
	CU_ASSERT_STRING_EQUAL(dupg_announce_url(b), "http://h/");
	dupg_announce_free(b);
	b = (dupg_announce *)&b;
	/* the flags and the version disagree */
	REDO2; m[4] = 1;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "flag 0x02 (a serving URL) in a version-1");
	CU_ASSERT_PTR_NULL(b);
	REDO2; m[5] = 0;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "version-2 message without flag 0x02");
	REDO2; m[5] = 1; /* a leader, still no URL flag */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "version-2 message without flag 0x02");
	REDO2; m[5] = 6;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "unknown flags 0x06");
	REDO2; m[4] = 3;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EUNSUPPORTED, "reads 1 and 2");
	/* version 1 with a URL after it but no flag: trailing bytes */
	REDO2; m[4] = 1; m[5] = 0;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "11 bytes after the end");
	/* truncated: in the length, in the bytes; every cut */
	for (i = 0; i < len; i++) {
		REDO2;
		b = (dupg_announce *)&b;
		CU_ASSERT_EQUAL(dupg_announce_decode(&b, m, i), DUPG_EFORMAT);
		CU_ASSERT_PTR_NULL(b);
	}
	REDO2;
	expect_error(dupg_announce_decode(&b, m, V1_N1_LEN), DUPG_EFORMAT, "the serving URL needs 2 more bytes");
	expect_error(dupg_announce_decode(&b, m, V1_N1_LEN + 1), DUPG_EFORMAT, "the serving URL needs 1 more");
	expect_error(dupg_announce_decode(&b, m, len - 1), DUPG_EFORMAT, "the serving URL needs 1 more");
	REDO2; m[V1_N1_LEN + 1] = 200;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "the serving URL needs 191 more");
	/* trailing bytes after the URL */
	REDO2; m[len] = 'x';
	expect_error(dupg_announce_decode(&b, m, len + 1), DUPG_EFORMAT, "1 bytes after the end of the message (at byte 57)");
	REDO2; m[V1_N1_LEN + 1] = 8; /* the URL one byte shorter: its last byte trails */
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "1 bytes after the end");
	/* empty, bad bytes */
	REDO2; m[V1_N1_LEN + 1] = 0;
	expect_error(dupg_announce_decode(&b, m, V1_N1_LEN + 2), DUPG_EFORMAT, "byte 46: the serving URL is empty");
	REDO2; m[V1_N1_LEN + 2 + 4] = ' ';
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "serving URL has byte 0x20 at 4");
	REDO2; m[V1_N1_LEN + 2 + 7] = 0;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "byte 0x00 at 7");
	REDO2; m[V1_N1_LEN + 2] = 0x80;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "byte 0x80 at 0");
	REDO2; m[len - 1] = 0x7f;
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "byte 0x7f at 8");
	REDO2; m[len - 1] = '\n';
	expect_error(dupg_announce_decode(&b, m, len), DUPG_EFORMAT, "byte 0x0a at 8");
	/* the longest URL decodes; one byte more is refused */
	REDO2;
	m[V1_N1_LEN] = DUPG_ANNOUNCE_URL_MAX_BYTES >> 8;
	m[V1_N1_LEN + 1] = DUPG_ANNOUNCE_URL_MAX_BYTES & 0xff;
	memset(m + V1_N1_LEN + 2, 'u', DUPG_ANNOUNCE_URL_MAX_BYTES + 1);
	b = NULL;
	CU_ASSERT_EQUAL(dupg_announce_decode(&b, m, V1_N1_LEN + 2 + DUPG_ANNOUNCE_URL_MAX_BYTES), 0);
	CU_ASSERT_EQUAL(strlen(dupg_announce_url(b)), DUPG_ANNOUNCE_URL_MAX_BYTES);
	dupg_announce_free(b);
	m[V1_N1_LEN + 1]++;
	expect_error(dupg_announce_decode(&b, m, V1_N1_LEN + 2 + DUPG_ANNOUNCE_URL_MAX_BYTES + 1),
		     DUPG_EFORMAT, "the serving URL is 257 bytes, over the 256-byte limit");
	CU_ASSERT_PTR_NULL(b);
#undef REDO2
}

/* A decoded message goes into a region; a flipped one is refused before it can change anything. */
static void test_announce_into_region(void)
{
	dupg_region *r = region(1, 3);
	dupg_announce *a = ann("site-7", 1, 0, 4, 777, 1, "1.2.3"), *b = NULL;
	unsigned char *buf = NULL;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(dupg_announce_encode(&buf, &len, a), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, buf, len), 0);
	CU_ASSERT_EQUAL(dupg_region_receive(r, b, 4), 0);
	CU_ASSERT_STRING_EQUAL(dupg_region_leader(r), "site-7");
	CU_ASSERT_STRING_EQUAL(dupg_region_member_version(r, 0, "bbu"), "1.2.3");
	/* the same bytes again: a replay */
	dupg_announce_free(b);
	CU_ASSERT_EQUAL_FATAL(dupg_announce_decode(&b, buf, len), 0);
	receive_refused(r, b, 5, DUPG_EEXISTS, "a replay");
	dupg_free(buf);
	dupg_announce_free(a);
	dupg_region_free(r);
}

static void test_names(void)
{
	dupg_elect_result e;
	int i;

	for (i = 0; i <= DUPG_ELECT_FAILOVER; i++) {
		CU_ASSERT_EQUAL(dupg_elect_result_parse(&e, dupg_elect_result_name((dupg_elect_result)i)), 0);
		CU_ASSERT_EQUAL((int)e, i);
	}
	CU_ASSERT_STRING_EQUAL(dupg_elect_result_name(DUPG_ELECT_FAILOVER), "failover");
	CU_ASSERT_STRING_EQUAL(dupg_elect_result_name((dupg_elect_result)9), "unknown");
	expect_error(dupg_elect_result_parse(&e, "won"), DUPG_EINVAL, "none, kept, first, better, failover");
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "score", test_score },
		{ "partition: new refuses bad plans and pools", test_partition_new },
		{ "partition: the seed's rule worked by hand", test_partition_seed },
		{ "partition: equal scores rotate", test_partition_equal_scores },
		{ "partition: random arrivals keep the invariants", test_partition_random },
		{ "region: new", test_region_new },
		{ "election: ties and epochs", test_elect_ties_and_epochs },
		{ "election: a dead leader", test_dead_leader },
		{ "election: split brain", test_split_brain },
		{ "election: an old epoch, replays", test_old_epoch_and_replays },
		{ "does the region need the package", test_needs },
		{ "announcement: round trip", test_announce_round_trip },
		{ "announcement: the size limit", test_announce_size_limit },
		{ "announcement: malformed messages", test_announce_malformed },
		{ "announcement: truncations, byte flips, random bytes", test_announce_fuzz },
		{ "announcement: into a region", test_announce_into_region },
		{ "announcement: the serving URL, round trip, version 1 kept", test_announce_url_round_trip },
		{ "announcement: bad serving URLs refused", test_announce_url_refused },
		{ "announcement: the serving URL and the size limit", test_announce_url_size_limit },
		{ "announcement: malformed serving URLs", test_announce_url_malformed },
		{ "election result names", test_names },
		CU_TEST_INFO_NULL,
	};
	return fx_run("region", tests);
}
