/* SPDX-License-Identifier: BSD-2-Clause */
/* Site topologies: adding devices, the structure check, depths, merge. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dupg_topology *new_topology(void)
{
	dupg_topology *t = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	return t;
}

/* The worked example, with some children added before their parents. */
static dupg_topology *worked(void)
{
	dupg_topology *t = new_topology();

	fx_device(t, "RRU4", "E", "2", "HUB3");
	fx_device(t, "BBU1", "A", "3", NULL);
	fx_device(t, "HUB1", "B", "4", "BBU1");
	fx_device(t, "HUB2", "C", "2", "BBU1");
	fx_device(t, "HUB3", "B", "4", "HUB2");
	fx_device(t, "RRU1", "D", "2", "HUB1");
	fx_device(t, "RRU2", "E", "2", "HUB1");
	fx_device(t, "RRU3", "D", "2", "HUB2");
	return t;
}

static void test_worked_example(void)
{
	dupg_topology *t = worked();
	const char *ids[] = { "RRU4", "BBU1", "HUB1", "HUB2", "HUB3", "RRU1", "RRU2", "RRU3" };
	const size_t parents[] = { 4, DUPG_NONE, 1, 1, 3, 2, 2, 3 };
	const size_t depths[] = { 3, 0, 1, 1, 2, 2, 2, 2 };
	dupg_sysvd *s = NULL;
	char *json = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, "site1.json"), 0);
	CU_ASSERT_EQUAL(dupg_topology_count(t), 8);
	CU_ASSERT_EQUAL(dupg_topology_master(t), 1);
	for (i = 0; i < 8; i++) {
		CU_ASSERT_STRING_EQUAL(dupg_topology_device(t, i)->id, ids[i]);
		CU_ASSERT_EQUAL(dupg_topology_find(t, ids[i]), i);
		CU_ASSERT_EQUAL(dupg_topology_parent(t, i), parents[i]);
		CU_ASSERT_EQUAL(dupg_topology_depth(t, i), depths[i]);
	}
	CU_ASSERT_STRING_EQUAL(dupg_topology_device(t, 4)->hw, "B");
	CU_ASSERT_STRING_EQUAL(dupg_topology_device(t, 4)->version, "4");

	CU_ASSERT_EQUAL_FATAL(dupg_topology_merge(&s, t), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_to_json(&json, s), 0);
	/* types in order of first appearance in the topology: E (RRU4) first */
	CU_ASSERT_STRING_EQUAL(json, "{\"hw\":{\"E\":[{\"version\":\"2\",\"devices\":[\"RRU4\",\"RRU2\"]}],"
			       "\"A\":[{\"version\":\"3\",\"devices\":[\"BBU1\"]}],"
			       "\"B\":[{\"version\":\"4\",\"devices\":[\"HUB1\",\"HUB3\"]}],"
			       "\"C\":[{\"version\":\"2\",\"devices\":[\"HUB2\"]}],"
			       "\"D\":[{\"version\":\"2\",\"devices\":[\"RRU1\",\"RRU3\"]}]}}");
	dupg_free(json);
	dupg_sysvd_free(s);
	dupg_topology_free(t);
}

static void test_single_master(void)
{
	dupg_topology *t = new_topology();
	dupg_device_vd d = { "BBU", "A", "1", 120 };

	CU_ASSERT_EQUAL(dupg_topology_add(t, &d, NULL), 0);
	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_EQUAL(dupg_topology_master(t), 0);
	CU_ASSERT_EQUAL(dupg_topology_parent(t, 0), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_depth(t, 0), 0);
	CU_ASSERT_EQUAL(dupg_topology_device(t, 0)->duration_s, 120);
	dupg_topology_free(t);
}

/* Strings are copied, and a returned description stays valid as devices are added. */
static void test_copies_and_stability(void)
{
	dupg_topology *t = new_topology();
	char id[8] = "M", hw[8] = "A", ver[8] = "1", parent[8] = "M";
	dupg_device_vd d = { id, hw, ver, 0 };
	const dupg_device_vd *m;
	char buf[16];
	int i;

	CU_ASSERT_EQUAL(dupg_topology_add(t, &d, NULL), 0);
	m = dupg_topology_device(t, 0);
	strcpy(id, "C");
	CU_ASSERT_EQUAL(dupg_topology_add(t, &d, parent), 0);
	strcpy(id, "x");
	strcpy(hw, "x");
	strcpy(ver, "x");
	strcpy(parent, "x");
	for (i = 0; i < 100; i++) {
		snprintf(buf, sizeof(buf), "r%d", i);
		fx_device(t, buf, "R", "1", "C");
	}
	CU_ASSERT_PTR_EQUAL(dupg_topology_device(t, 0), m);
	CU_ASSERT_STRING_EQUAL(m->id, "M");
	CU_ASSERT_STRING_EQUAL(m->hw, "A");
	CU_ASSERT_STRING_EQUAL(m->version, "1");
	CU_ASSERT_EQUAL(dupg_topology_check(t, "t"), 0);
	CU_ASSERT_EQUAL(dupg_topology_parent(t, 1), 0);
	CU_ASSERT_EQUAL(dupg_topology_depth(t, 101), 2);
	dupg_topology_free(t);
}

static void test_add_errors(void)
{
	dupg_topology *t = worked();
	dupg_device_vd d;

	d = (dupg_device_vd){ NULL, "A", "1", 0 };
	fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "without an id", NULL);
	d = (dupg_device_vd){ "", "A", "1", 0 };
	fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "without an id", NULL);
	d = (dupg_device_vd){ "RRU9", NULL, "1", 0 };
	fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "RRU9", "hardware type");
	d = (dupg_device_vd){ "RRU9", "", "1", 0 };
	fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "RRU9", "hardware type");
	d = (dupg_device_vd){ "RRU9", "D", NULL, 0 };
	fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "RRU9", "version");
	d = (dupg_device_vd){ "RRU9", "D", "", 0 };
	fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "RRU9", "version");
	d = (dupg_device_vd){ "RRU9", "D", "1", 0 };
	fx_expect_error(dupg_topology_add(t, &d, ""), DUPG_EINVAL, "RRU9", "parent id is empty");
	d = (dupg_device_vd){ "HUB2", "X", "1", 0 };
	fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EEXISTS, "HUB2", "already");
	fx_expect_error(dupg_topology_add(NULL, &d, NULL), DUPG_EINVAL, "dupg_topology_add", NULL);
	fx_expect_error(dupg_topology_add(t, NULL, NULL), DUPG_EINVAL, "dupg_topology_add", NULL);
	fx_expect_error(dupg_topology_new(NULL), DUPG_EINVAL, "dupg_topology_new", NULL);
	/* the string limits of common.h, the parent's id included */
	{
		char big[DUPG_ID_MAX_BYTES + 2], ver[DUPG_VERSION_MAX_BYTES + 2];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		memset(ver, '1', sizeof(ver) - 1);
		ver[sizeof(ver) - 1] = '\0';
		d = (dupg_device_vd){ big, "D", "1", 0 };
		fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL,
				"device id is longer than 256 bytes", NULL);
		d = (dupg_device_vd){ "RRU9", big, "1", 0 };
		fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "RRU9",
				"hardware type is longer than 256 bytes");
		d = (dupg_device_vd){ "RRU9", "D", ver, 0 };
		fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "RRU9",
				"version is longer than 1024 bytes");
		d = (dupg_device_vd){ "RRU9", "D", "1", 0 };
		fx_expect_error(dupg_topology_add(t, &d, big), DUPG_EINVAL, "RRU9",
				"parent id is longer than 256 bytes");
		fx_expect_error(dupg_topology_add(t, &d, "BBU\xc0\x81"), DUPG_EINVAL, "RRU9",
				"parent id is not valid UTF-8 (byte 3)");
		d = (dupg_device_vd){ "RRU\xed\xa0\x80", "D", "1", 0 };
		fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL,
				"device id is not valid UTF-8 (byte 3)", NULL);
		d = (dupg_device_vd){ "RRU9", "D\xf8", "1", 0 };
		fx_expect_error(dupg_topology_add(t, &d, "BBU1"), DUPG_EINVAL, "RRU9",
				"hardware type is not valid UTF-8 (byte 1)");
	}
	/* nothing was added by the failures */
	CU_ASSERT_EQUAL(dupg_topology_count(t), 8);
	CU_ASSERT_EQUAL(dupg_topology_find(t, "RRU9"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_check(t, "site1.json"), 0);
	dupg_topology_free(t);
}

/* The check fails with the origin and the device(s) at fault; getters say "unchecked". */
static void expect_check_fails(dupg_topology *t, const char *needle, const char *needle2)
{
	fx_expect_error(dupg_topology_check(t, "topo.json"), DUPG_EFORMAT, "topo.json: ", needle);
	if (needle2 != NULL)
		fx_expect_error(DUPG_EFORMAT, DUPG_EFORMAT, needle2, NULL);
	CU_ASSERT_EQUAL(dupg_topology_master(t), SIZE_MAX);
	CU_ASSERT_EQUAL(dupg_topology_parent(t, 0), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_depth(t, 0), 0);
}

static void test_check_errors(void)
{
	dupg_topology *t;
	char id[16], parent[16];
	int i;

	t = new_topology();
	expect_check_fails(t, "no devices", NULL);
	fx_expect_error(dupg_topology_check(t, NULL), DUPG_EFORMAT, "<topology>: no devices", NULL);
	dupg_topology_free(t);

	t = new_topology();
	fx_device(t, "H1", "B", "1", "H2");
	fx_device(t, "H2", "B", "1", "H1");
	expect_check_fails(t, "no master", NULL);
	dupg_topology_free(t);

	t = new_topology();
	fx_device(t, "BBU1", "A", "1", NULL);
	fx_device(t, "HUB1", "B", "1", "BBU1");
	fx_device(t, "BBU2", "A", "1", NULL);
	fx_device(t, "BBU3", "A", "1", NULL);
	expect_check_fails(t, "two masters: BBU1 and BBU2", NULL);
	dupg_topology_free(t);

	t = worked();
	fx_device(t, "RRU5", "D", "2", "HUB7");
	expect_check_fails(t, "device RRU5: unknown parent HUB7", NULL);
	dupg_topology_free(t);

	t = worked();
	fx_device(t, "HUB9", "B", "4", "HUB9");
	expect_check_fails(t, "device HUB9 is its own parent", NULL);
	dupg_topology_free(t);

	/* a two-device cycle beside a good master, and a device hanging off it */
	t = worked();
	fx_device(t, "RRU8", "D", "2", "HUB8");
	fx_device(t, "HUB8", "B", "4", "HUB7");
	fx_device(t, "HUB7", "B", "4", "HUB8");
	expect_check_fails(t, "cycle of parents", "HUB8 -> HUB7 -> HUB8");
	dupg_topology_free(t);

	/* a long cycle is named in part */
	t = new_topology();
	fx_device(t, "M", "A", "1", NULL);
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "c%d", i);
		snprintf(parent, sizeof(parent), "c%d", (i + 1) % 40);
		fx_device(t, id, "B", "1", parent);
	}
	expect_check_fails(t, "device c0: cycle of parents: c0 -> c1 -> ", "-> ... -> c0");
	dupg_topology_free(t);

	fx_expect_error(dupg_topology_check(NULL, "x"), DUPG_EINVAL, "dupg_topology_check", NULL);
}

/* Adding a device after a check undoes the check until the next one. */
static void test_add_after_check(void)
{
	dupg_topology *t = worked();

	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_EQUAL(dupg_topology_master(t), 1);
	fx_device(t, "RRU9", "D", "2", "HUB3");
	CU_ASSERT_EQUAL(dupg_topology_master(t), SIZE_MAX);
	CU_ASSERT_EQUAL(dupg_topology_parent(t, 8), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_EQUAL(dupg_topology_parent(t, 8), 4);
	CU_ASSERT_EQUAL(dupg_topology_depth(t, 8), 3);
	dupg_topology_free(t);
}

static void test_set_version(void)
{
	dupg_topology *t = worked();
	dupg_sysvd *s = NULL;
	char v[8] = "6";

	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_EQUAL(dupg_topology_set_version(t, 2, v), 0);
	strcpy(v, "x");
	CU_ASSERT_STRING_EQUAL(dupg_topology_device(t, 2)->version, "6");
	/* the check still holds: versions are not structure */
	CU_ASSERT_EQUAL(dupg_topology_master(t), 1);
	CU_ASSERT_EQUAL_FATAL(dupg_topology_merge(&s, t), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_version_count(s, dupg_sysvd_find_hw(s, "B")), 2);
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_lowest_version(s, dupg_sysvd_find_hw(s, "B")), "4");
	CU_ASSERT_STRING_EQUAL(dupg_sysvd_version(s, dupg_sysvd_find_hw(s, "B"), 1), "6");
	dupg_sysvd_free(s);

	fx_expect_error(dupg_topology_set_version(t, 8, "1"), DUPG_EINVAL, "no device 8", NULL);
	fx_expect_error(dupg_topology_set_version(NULL, 0, "1"), DUPG_EINVAL, "no device 0", NULL);
	fx_expect_error(dupg_topology_set_version(t, 2, NULL), DUPG_EINVAL, "HUB1", "version");
	fx_expect_error(dupg_topology_set_version(t, 2, ""), DUPG_EINVAL, "HUB1", "version");
	fx_expect_error(dupg_topology_set_version(t, 2, "6\xff"), DUPG_EINVAL, "HUB1",
			"version is not valid UTF-8");
	CU_ASSERT_STRING_EQUAL(dupg_topology_device(t, 2)->version, "6");
	dupg_topology_free(t);
}

/* The ancestor at depth k by walking parents: what the jump pointers must agree with. */
static size_t walk_up(const dupg_topology *t, size_t i, size_t depth)
{
	while (i != DUPG_NONE && dupg_topology_depth(t, i) > depth)
		i = dupg_topology_parent(t, i);
	return i;
}

static void test_ancestor(void)
{
	dupg_topology *t = worked();
	uint64_t rng = 0xa11ce;
	size_t i, k, n, d;
	int round;

	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 0, 0), DUPG_NONE); /* not checked yet */
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, NULL), 0);
	/* RRU4 -> HUB3 -> HUB2 -> BBU1 */
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 0, 3), 0);
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 0, 2), 4);
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 0, 1), 3);
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 0, 0), 1);
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 0, 4), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 8, 0), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_ancestor(NULL, 0, 0), DUPG_NONE);
	dupg_topology_free(t);

	/* random trees, parents added in random order, every (device, depth) pair */
	for (round = 0; round < 50; round++) {
		char id[16], parent[16];

		n = 1 + fx_rand(&rng, 300);
		t = new_topology();
		for (i = 0; i < n; i++) {
			/* mostly deep: a parent among the last few devices */
			size_t par = i == 0 ? 0 : i - 1 - fx_rand(&rng, (uint32_t)(i < 4 ? i : 4));
			snprintf(id, sizeof(id), "d%zu", i);
			snprintf(parent, sizeof(parent), "d%zu", par);
			fx_device(t, id, "A", "1", i == 0 ? NULL : parent);
		}
		CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, NULL), 0);
		for (i = 0; i < n; i++) {
			d = dupg_topology_depth(t, i);
			for (k = 0; k <= d; k++)
				CU_ASSERT_EQUAL(dupg_topology_ancestor(t, i, k), walk_up(t, i, k));
			CU_ASSERT_EQUAL(dupg_topology_ancestor(t, i, d + 1), DUPG_NONE);
		}
		dupg_topology_free(t);
	}
}

/* 100,000 deep: the check needs no recursion and the ancestor query no walk. */
static void test_deep_cascade(void)
{
	dupg_topology *t = fx_site_cascade(100000);
	uint64_t rng = 7;
	size_t i, k;
	int round;

	CU_ASSERT_EQUAL(dupg_topology_depth(t, 99999), 99999);
	CU_ASSERT_EQUAL(dupg_topology_master(t), 0);
	for (round = 0; round < 1000; round++) {
		i = fx_rand(&rng, 100000);
		k = fx_rand(&rng, (uint32_t)i + 1);
		/* in a cascade device k is the ancestor at depth k */
		CU_ASSERT_EQUAL(dupg_topology_ancestor(t, i, k), k);
	}
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 99999, 0), 0);
	CU_ASSERT_EQUAL(dupg_topology_ancestor(t, 99999, 99998), 99998);
	dupg_topology_free(t);
}

static void test_getters_out_of_range(void)
{
	dupg_topology *t = worked();
	dupg_sysvd *s = (dupg_sysvd *)&s;

	/* before the check, structure getters answer "unknown" */
	CU_ASSERT_EQUAL(dupg_topology_master(t), SIZE_MAX);
	CU_ASSERT_EQUAL(dupg_topology_parent(t, 2), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_depth(t, 4), 0);
	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_topology_device(t, 8));
	CU_ASSERT_EQUAL(dupg_topology_find(t, "HUB9"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_find(t, NULL), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_parent(t, 8), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_depth(t, 8), 0);
	CU_ASSERT_EQUAL(dupg_topology_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_topology_device(NULL, 0));
	CU_ASSERT_EQUAL(dupg_topology_find(NULL, "BBU1"), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_parent(NULL, 0), DUPG_NONE);
	CU_ASSERT_EQUAL(dupg_topology_master(NULL), SIZE_MAX);
	CU_ASSERT_EQUAL(dupg_topology_depth(NULL, 0), 0);
	fx_expect_error(dupg_topology_merge(&s, NULL), DUPG_EINVAL, "dupg_topology_merge", NULL);
	CU_ASSERT_PTR_NULL(s);
	fx_expect_error(dupg_topology_merge(NULL, t), DUPG_EINVAL, "dupg_topology_merge", NULL);
	dupg_topology_free(t);
	dupg_topology_free(NULL);
}

/* JSON out and back in: the same devices, parents and durations, in order. */
static void test_json_round_trip(void)
{
	dupg_topology *t = worked(), *back = NULL;
	dupg_device_vd d = { "RRU5", "D", "1.0-1", 90 };
	char *json = NULL, *again = NULL;
	size_t i;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_add(t, &d, "HUB3"), 0);
	/* written before the check too: parents are ids, not indexes */
	CU_ASSERT_EQUAL_FATAL(dupg_topology_to_json(&json, t), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"id\":\"RRU4\",\"hw\":\"E\",\"version\":\"2\","
					    "\"parent\":\"HUB3\",\"duration_s\":0}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"id\":\"BBU1\",\"hw\":\"A\",\"version\":\"3\","
					    "\"duration_s\":0}"));
	CU_ASSERT_EQUAL_FATAL(dupg_topology_from_json(&back, json, strlen(json), "t.json"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_topology_count(back), dupg_topology_count(t));
	for (i = 0; i < dupg_topology_count(t); i++) {
		const dupg_device_vd *a = dupg_topology_device(t, i), *b = dupg_topology_device(back, i);
		CU_ASSERT_STRING_EQUAL(a->id, b->id);
		CU_ASSERT_STRING_EQUAL(a->hw, b->hw);
		CU_ASSERT_STRING_EQUAL(a->version, b->version);
		CU_ASSERT_EQUAL(a->duration_s, b->duration_s);
	}
	CU_ASSERT_EQUAL(dupg_topology_check(back, "t.json"), 0);
	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), 0);
	for (i = 0; i < dupg_topology_count(t); i++)
		CU_ASSERT_EQUAL(dupg_topology_parent(back, i), dupg_topology_parent(t, i));
	CU_ASSERT_EQUAL(dupg_topology_device(back, dupg_topology_find(back, "RRU5"))->duration_s, 90);
	CU_ASSERT_EQUAL_FATAL(dupg_topology_to_json(&again, back), 0);
	CU_ASSERT_STRING_EQUAL(again, json);
	free(json);
	free(again);
	dupg_topology_free(back);
	dupg_topology_free(t);
}

/* A scenario's devices: their other keys are ignored; a flat list merges without a check. */
static void test_json_scenario_shape(void)
{
	static const char flat[] =
		"{\"devices\": [{\"id\": \"BBU1\", \"role\": \"bbu\", \"hw\": \"A\", \"version\": \"3\","
		" \"duration_s\": 300, \"link\": {\"mbps\": 1}},"
		" {\"id\": \"RRU1\", \"hw\": \"D\", \"version\": \"2\", \"parent\": null}]}";
	dupg_topology *t = NULL;
	dupg_sysvd *s = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_from_json(&t, flat, sizeof(flat) - 1, NULL), 0);
	CU_ASSERT_EQUAL(dupg_topology_count(t), 2);
	CU_ASSERT_EQUAL(dupg_topology_device(t, 0)->duration_s, 300);
	CU_ASSERT_EQUAL(dupg_topology_merge(&s, t), 0);
	CU_ASSERT_EQUAL(dupg_sysvd_hw_count(s), 2);
	/* two masters: a list, not a tree */
	CU_ASSERT_EQUAL(dupg_topology_check(t, "flat.json"), DUPG_EFORMAT);
	dupg_sysvd_free(s);
	dupg_topology_free(t);
}

static void json_fails(const char *json, int code, const char *needle)
{
	dupg_topology *t = (dupg_topology *)&t;
	int rc = dupg_topology_from_json(&t, json, strlen(json), "bad.json");

	if (rc != code || strstr(dupg_error_last(), needle) == NULL)
		fprintf(stderr, "\n  %s: %d \"%s\", want %d and \"%s\"\n", json, rc, dupg_error_last(),
			code, needle);
	CU_ASSERT_EQUAL(rc, code);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), needle));
	CU_ASSERT_PTR_NULL(t);
}

static void test_json_errors(void)
{
	dupg_topology *t = NULL;
	char *big;

	json_fails("", DUPG_EFORMAT, "bad.json: invalid JSON");
	json_fails("[]", DUPG_EFORMAT, "bad.json: not a JSON object");
	json_fails("{}", DUPG_EFORMAT, "\"devices\" is missing or not an array");
	json_fails("{\"devices\": {}}", DUPG_EFORMAT, "\"devices\" is missing or not an array");
	json_fails("{\"devices\": [1]}", DUPG_EFORMAT, "devices[0]: not an object");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": \"A\", \"version\": \"1\"}, {\"hw\": \"A\","
		   " \"version\": \"1\"}]}", DUPG_EFORMAT, "devices[1]: \"id\" is missing");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": 7, \"version\": \"1\"}]}", DUPG_EFORMAT,
		   "devices[0]: \"hw\" is not a string");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": \"A\", \"version\": \"\"}]}", DUPG_EFORMAT,
		   "devices[0]: \"version\"");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": \"A\", \"version\": \"1\", \"parent\": \"\"}]}",
		   DUPG_EFORMAT, "devices[0]: \"parent\"");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": \"A\", \"version\": \"1\", \"duration\": 5}]}",
		   DUPG_EFORMAT, "devices[0]: \"duration\" is not a key: the expected upgrade time is "
		   "\"duration_s\"");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": \"A\", \"version\": \"1\", \"duration_s\": -1}]}",
		   DUPG_EFORMAT, "devices[0] (a): \"duration_s\" is not an integer");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": \"A\", \"version\": \"1\", \"duration_s\": 1.5}]}",
		   DUPG_EFORMAT, "\"duration_s\" is not an integer");
	json_fails("{\"devices\": [{\"id\": \"a\", \"hw\": \"A\", \"version\": \"1\"},"
		   " {\"id\": \"a\", \"hw\": \"B\", \"version\": \"1\"}]}", DUPG_EEXISTS,
		   "bad.json: devices[1]: device a: id already in the topology");
	CU_ASSERT_EQUAL(dupg_topology_from_json(NULL, "{}", 2, NULL), DUPG_EINVAL);
	CU_ASSERT_EQUAL(dupg_topology_from_json(&t, NULL, 0, NULL), DUPG_EINVAL);
	CU_ASSERT_EQUAL(dupg_topology_to_json(NULL, NULL), DUPG_EINVAL);
	/* the size limit is told before anything is parsed */
	big = malloc(DUPG_TOPOLOGY_MAX_BYTES + 2);
	CU_ASSERT_FATAL(big != NULL);
	memset(big, ' ', DUPG_TOPOLOGY_MAX_BYTES + 1);
	big[DUPG_TOPOLOGY_MAX_BYTES + 1] = '\0';
	CU_ASSERT_EQUAL(dupg_topology_from_json(&t, big, DUPG_TOPOLOGY_MAX_BYTES + 1, "big.json"),
			DUPG_EFORMAT);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "above the"));
	free(big);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "worked example", test_worked_example },
		{ "single master", test_single_master },
		{ "copies and stable descriptions", test_copies_and_stability },
		{ "add errors", test_add_errors },
		{ "check errors", test_check_errors },
		{ "add after check", test_add_after_check },
		{ "set version", test_set_version },
		{ "ancestor at a depth", test_ancestor },
		{ "cascade 100,000 deep", test_deep_cascade },
		{ "getters out of range", test_getters_out_of_range },
		{ "JSON round trip", test_json_round_trip },
		{ "JSON in a scenario's shape", test_json_scenario_shape },
		{ "JSON errors", test_json_errors },
		CU_TEST_INFO_NULL,
	};
	return fx_run("topology", tests);
}
