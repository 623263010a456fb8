/* SPDX-License-Identifier: BSD-2-Clause */
/* Locations and the ranking of deployment servers (dupg/locality.h): pure. */
#include "fixture.h"

#include <stdlib.h>
#include <string.h>

static void test_check(void)
{
	CU_ASSERT_EQUAL(dupg_location_check(NULL), 0);
	CU_ASSERT_EQUAL(dupg_location_check(""), 0);
	CU_ASSERT_EQUAL(dupg_location_check("chassis=1"), 0);
	CU_ASSERT_EQUAL(dupg_location_check("cluster=east,chassis=1,slot=3,rack=r7"), 0);
	fx_expect_error(dupg_location_check("chassis"), DUPG_EINVAL, "\"chassis\"", "KEY=VALUE");
	fx_expect_error(dupg_location_check("chassis=1,"), DUPG_EINVAL, "chassis=1,", "KEY=VALUE");
	fx_expect_error(dupg_location_check("=1"), DUPG_EINVAL, "=1", "empty key");
	fx_expect_error(dupg_location_check("slot="), DUPG_EINVAL, "slot=", "empty value");
	fx_expect_error(dupg_location_check("slot=1=2"), DUPG_EINVAL, "slot=1=2", "two '='");
	fx_expect_error(dupg_location_check("slot=1,chassis=2,slot=3"), DUPG_EINVAL, "\"slot\"",
			"appears twice");
	fx_expect_error(dupg_location_check("slot=\xff"), DUPG_EINVAL, "location", "UTF-8");
}

static void test_check_long(void)
{
	char *s = malloc(DUPG_LOCATION_MAX_BYTES + 8);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(s, 'x', DUPG_LOCATION_MAX_BYTES + 1);
	memcpy(s, "k=", 2);
	s[DUPG_LOCATION_MAX_BYTES + 1] = '\0';
	fx_expect_error(dupg_location_check(s), DUPG_EINVAL, "location", "longer");
	s[DUPG_LOCATION_MAX_BYTES] = '\0';
	CU_ASSERT_EQUAL(dupg_location_check(s), 0);
	free(s);
}

static void test_get(void)
{
	const char *v = (const char *)1;
	size_t len = 99;

	CU_ASSERT_EQUAL(dupg_location_get(&v, &len, "cluster=east,chassis=12,slot=3", "chassis"), 0);
	CU_ASSERT_EQUAL(len, 2);
	CU_ASSERT_NSTRING_EQUAL(v, "12", 2);
	CU_ASSERT_EQUAL(dupg_location_get(&v, &len, "cluster=east,chassis=12", "slot"), 0);
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(len, 0);
	/* a key is matched whole, not as a prefix */
	CU_ASSERT_EQUAL(dupg_location_get(&v, &len, "slots=9,slot=4", "slot"), 0);
	CU_ASSERT_NSTRING_EQUAL(v, "4", 1);
	CU_ASSERT_EQUAL(dupg_location_get(&v, &len, NULL, "slot"), 0);
	CU_ASSERT_PTR_NULL(v);
	fx_expect_error(dupg_location_get(&v, &len, "slot=1", "a=b"), DUPG_EINVAL, "a=b", "key");
	fx_expect_error(dupg_location_get(&v, &len, "slot", "slot"), DUPG_EINVAL, "slot", "KEY=VALUE");
}

static dupg_nearness near(const char *own, const char *srv)
{
	dupg_nearness n = (dupg_nearness)99;

	CU_ASSERT_EQUAL(dupg_location_nearness(&n, own, srv), 0);
	return n;
}

static void test_nearness(void)
{
	const char *own = "cluster=x,chassis=1,slot=3";

	CU_ASSERT_EQUAL(near(own, "cluster=x,chassis=1,slot=3"), DUPG_NEAR_SLOT);
	CU_ASSERT_EQUAL(near(own, "slot=3,chassis=1"), DUPG_NEAR_SLOT);            /* no cluster: chassis decides */
	CU_ASSERT_EQUAL(near(own, "cluster=x,chassis=1,slot=4"), DUPG_NEAR_CHASSIS);
	CU_ASSERT_EQUAL(near(own, "cluster=x,chassis=1"), DUPG_NEAR_CHASSIS);
	CU_ASSERT_EQUAL(near(own, "cluster=x,chassis=2,slot=3"), DUPG_NEAR_CLUSTER); /* slot 3 of another chassis */
	CU_ASSERT_EQUAL(near(own, "cluster=x"), DUPG_NEAR_CLUSTER);
	CU_ASSERT_EQUAL(near(own, "cluster=y,chassis=1,slot=3"), DUPG_NEAR_OTHER); /* chassis 1 of another cluster */
	CU_ASSERT_EQUAL(near(own, "slot=3"), DUPG_NEAR_OTHER);                     /* a slot without chassis */
	CU_ASSERT_EQUAL(near(own, NULL), DUPG_NEAR_OTHER);
	CU_ASSERT_EQUAL(near(NULL, own), DUPG_NEAR_OTHER);
	CU_ASSERT_EQUAL(near("", ""), DUPG_NEAR_OTHER);
	CU_ASSERT_EQUAL(near("chassis=1", "chassis=1,rack=9"), DUPG_NEAR_CHASSIS); /* other keys ignored */
	fx_expect_error(dupg_location_nearness(NULL, own, own), DUPG_EINVAL, "out", NULL);
	{
		dupg_nearness n;
		fx_expect_error(dupg_location_nearness(&n, own, "chassis"), DUPG_EINVAL, "chassis", NULL);
	}
}

static void test_rank(void)
{
	const char *servers[] = {
		"cluster=x,chassis=2,slot=1", /* 0: cluster */
		NULL,                         /* 1: other */
		"cluster=x,chassis=1,slot=5", /* 2: chassis */
		"cluster=x,chassis=1,slot=3", /* 3: slot */
		"cluster=y,chassis=1,slot=3", /* 4: other */
		"cluster=x,chassis=1",        /* 5: chassis */
		"cluster=x",                  /* 6: cluster */
		"chassis=1,slot=3",           /* 7: slot */
	};
	const size_t want[] = { 3, 7, 2, 5, 0, 6, 1, 4 };
	const dupg_nearness want_tiers[] = { DUPG_NEAR_CLUSTER, DUPG_NEAR_OTHER, DUPG_NEAR_CHASSIS,
					     DUPG_NEAR_SLOT, DUPG_NEAR_OTHER, DUPG_NEAR_CHASSIS,
					     DUPG_NEAR_CLUSTER, DUPG_NEAR_SLOT };
	size_t order[8], i;
	dupg_nearness tiers[8];

	CU_ASSERT_EQUAL(dupg_locality_rank(order, tiers, "cluster=x,chassis=1,slot=3", servers, 8), 0);
	for (i = 0; i < 8; i++) {
		CU_ASSERT_EQUAL(order[i], want[i]);
		CU_ASSERT_EQUAL(tiers[i], want_tiers[i]);
	}
	/* no own location: the caller's order */
	CU_ASSERT_EQUAL(dupg_locality_rank(order, NULL, NULL, servers, 8), 0);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(order[i], i);
	CU_ASSERT_EQUAL(dupg_locality_rank(NULL, NULL, "slot=1", NULL, 0), 0);
}

/* The ranking against a naive one: sort by tier, stable, over random labels. */
static void test_rank_random(void)
{
	static const char *const parts[] = { "cluster=a", "cluster=b", "chassis=1", "chassis=2",
					     "slot=1", "slot=2", "rack=z" };
	uint64_t rng = 20261203;
	char buf[32][64];
	const char *servers[32];
	size_t order[32], i, j, k, round;
	dupg_nearness tiers[32];

	for (round = 0; round < 200; round++) {
		char own[64] = "";
		size_t n = 1 + fx_rand(&rng, 32);
		for (i = 0; i <= n; i++) {
			char *s = i < n ? buf[i] : own;
			int have_cluster = 0, have_chassis = 0, have_slot = 0, have_rack = 0;
			s[0] = '\0';
			for (k = 0; k < 4; k++) {
				size_t p = fx_rand(&rng, (uint32_t)(sizeof(parts) / sizeof(parts[0])));
				int *have = p < 2 ? &have_cluster : p < 4 ? &have_chassis
					    : p < 6 ? &have_slot : &have_rack;
				if (*have)
					continue;
				*have = 1;
				if (s[0] != '\0')
					strcat(s, ",");
				strcat(s, parts[p]);
			}
			if (i < n)
				servers[i] = s;
		}
		CU_ASSERT_EQUAL_FATAL(dupg_locality_rank(order, tiers, own, servers, n), 0);
		for (i = 0; i < n; i++) {
			CU_ASSERT_EQUAL(tiers[i], near(own, servers[i]));
			/* a permutation */
			for (j = 0; j < i; j++)
				CU_ASSERT_NOT_EQUAL(order[i], order[j]);
		}
		for (i = 1; i < n; i++) {
			size_t a = order[i - 1], b = order[i];
			CU_ASSERT_TRUE(tiers[a] < tiers[b] || (tiers[a] == tiers[b] && a < b));
		}
	}
}

static void test_rank_refuses(void)
{
	const char *servers[] = { "slot=1", "slot" };
	size_t order[2] = { 7, 7 };

	fx_expect_error(dupg_locality_rank(order, NULL, NULL, servers, 2), DUPG_EINVAL, "server 1",
			"KEY=VALUE");
	CU_ASSERT_EQUAL(order[0], 7); /* nothing written */
	fx_expect_error(dupg_locality_rank(order, NULL, "x", servers, 1), DUPG_EINVAL,
			"own location", NULL);
	fx_expect_error(dupg_locality_rank(NULL, NULL, NULL, servers, 1), DUPG_EINVAL, "NULL", NULL);
}

static void test_names(void)
{
	dupg_nearness n;
	int i;

	for (i = DUPG_NEAR_SLOT; i <= DUPG_NEAR_OTHER; i++) {
		CU_ASSERT_EQUAL(dupg_nearness_parse(&n, dupg_nearness_name((dupg_nearness)i)), 0);
		CU_ASSERT_EQUAL((int)n, i);
	}
	CU_ASSERT_STRING_EQUAL(dupg_nearness_name(DUPG_NEAR_CHASSIS), "chassis");
	CU_ASSERT_STRING_EQUAL(dupg_nearness_name((dupg_nearness)9), "unknown");
	fx_expect_error(dupg_nearness_parse(&n, "board"), DUPG_EINVAL, "slot, chassis, cluster, other",
			NULL);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "location syntax", test_check },
		{ "location length", test_check_long },
		{ "one label", test_get },
		{ "nearness tiers", test_nearness },
		{ "rank: nearest first, stable", test_rank },
		{ "rank: a stable sort by tier, random labels", test_rank_random },
		{ "rank: bad locations", test_rank_refuses },
		{ "tier names", test_names },
		CU_TEST_INFO_NULL,
	};
	return fx_run("locality", tests);
}
