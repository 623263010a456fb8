/* SPDX-License-Identifier: BSD-2-Clause */
/* Upgrade and rollback dispatch plans, switch order, plan JSON. */
#include "fixture.h"

#include <json-c/json.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dupg_topology *worked_topology(void)
{
	dupg_topology *t = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	fx_device(t, "BBU1", "A", "3", NULL);
	fx_device(t, "HUB1", "B", "4", "BBU1");
	fx_device(t, "HUB2", "C", "2", "BBU1");
	fx_device(t, "HUB3", "B", "4", "HUB2");
	fx_device(t, "RRU1", "D", "2", "HUB1");
	fx_device(t, "RRU2", "E", "2", "HUB1");
	fx_device(t, "RRU3", "D", "2", "HUB2");
	fx_device(t, "RRU4", "E", "2", "HUB3");
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, "worked"), 0);
	return t;
}

static dupg_config *empty_config(void)
{
	dupg_config *c = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_config_new(&c), 0);
	return c;
}

/* A configuration from TYPE, path pairs, NULL-terminated. */
static dupg_config *config_of(const char *const *pairs)
{
	dupg_config *c = empty_config();
	size_t i;

	for (i = 0; pairs[i] != NULL; i += 2)
		CU_ASSERT_EQUAL_FATAL(dupg_config_set(c, pairs[i], pairs[i + 1]), 0);
	return c;
}

static const char *const rollback_cfg[] = { "A", "pkg3.tar.gz", "B", "pkg4.tar.gz",
					    "C", "pkg2.tar.gz", "D", "pkg2.tar.gz",
					    "E", "pkg2.tar.gz", NULL };
static const char *const latest_cfg[] = { "A", "pkg5.tar.gz", "B", "pkg6.tar.gz",
					  "C", "pkg6.tar.gz", "D", "pkg2.tar.gz",
					  "E", "pkg2.tar.gz", NULL };

struct want_step {
	const char *device;
	const char *hw;
	const char *package;
	const char *previous;
	dupg_plan_action action;
	const char *via[3];
};

static void expect_steps(const dupg_plan *p, const dupg_topology *t, const struct want_step *w,
			 size_t n)
{
	size_t i, j;

	CU_ASSERT_EQUAL_FATAL(dupg_plan_count(p), n);
	for (i = 0; i < n; i++) {
		size_t nvia = 0;

		CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, i), w[i].device);
		CU_ASSERT_EQUAL(dupg_plan_device_index(p, i), dupg_topology_find(t, w[i].device));
		CU_ASSERT_STRING_EQUAL(dupg_plan_hw(p, i), w[i].hw);
		if (w[i].package == NULL) {
			CU_ASSERT_PTR_NULL(dupg_plan_package(p, i));
		} else {
			CU_ASSERT_STRING_EQUAL(dupg_plan_package(p, i), w[i].package);
		}
		if (w[i].previous == NULL) {
			CU_ASSERT_PTR_NULL(dupg_plan_previous(p, i));
		} else {
			CU_ASSERT_STRING_EQUAL(dupg_plan_previous(p, i), w[i].previous);
		}
		CU_ASSERT_EQUAL(dupg_plan_action_get(p, i), w[i].action);
		while (nvia < 3 && w[i].via[nvia] != NULL)
			nvia++;
		CU_ASSERT_EQUAL(dupg_plan_via_count(p, i), nvia);
		for (j = 0; j < nvia; j++)
			CU_ASSERT_STRING_EQUAL(dupg_plan_via(p, i, j), w[i].via[j]);
		CU_ASSERT_PTR_NULL(dupg_plan_via(p, i, nvia));
	}
}

static void expect_switch(const dupg_plan *p, const char *const *ids, size_t n)
{
	size_t order[16], i;

	CU_ASSERT_FATAL(n <= 16);
	dupg_plan_switch_order(p, order);
	for (i = 0; i < n; i++)
		CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, order[i]), ids[i]);
}

/* The shared case: the plan from the rollback configuration to the latest, and its switch order. */
static void test_worked_case(void)
{
	json_object *c = fx_case("worked"), *got, *steps;
	dupg_topology *t = fx_case_topology(c);
	dupg_config *from = fx_case_config(c, "expect.prune.rollback");
	dupg_config *to = fx_case_config(c, "expect.prune.latest");
	json_object *want_switch = fx_case_get(c, "expect.plan.switch");
	dupg_plan *p = NULL;
	size_t order[16], i;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, p), 0);
	got = json_tokener_parse(json);
	CU_ASSERT_FATAL(json_object_object_get_ex(got, "steps", &steps));
	fx_case_expect(c, "expect.plan.upgrade",
		       json_object_to_json_string_ext(steps, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	CU_ASSERT_EQUAL_FATAL(dupg_plan_count(p), json_object_array_length(want_switch));
	dupg_plan_switch_order(p, order);
	for (i = 0; i < dupg_plan_count(p); i++)
		CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, order[i]),
				       json_object_get_string(json_object_array_get_idx(want_switch, i)));
	json_object_put(got);
	dupg_free(json);
	dupg_plan_free(p);
	dupg_config_free(from);
	dupg_config_free(to);
	dupg_topology_free(t);
	json_object_put(c);
}

static void test_worked_example(void)
{
	const struct want_step up[] = {
		{ "BBU1", "A", "pkg5.tar.gz", "pkg3.tar.gz", DUPG_ACTION_LOCAL, { NULL } },
		{ "HUB1", "B", "pkg6.tar.gz", "pkg4.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB2", "C", "pkg6.tar.gz", "pkg2.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB3", "B", "pkg6.tar.gz", "pkg4.tar.gz", DUPG_ACTION_SEND, { "HUB2", NULL } },
	};
	const struct want_step back[] = {
		{ "BBU1", "A", "pkg3.tar.gz", "pkg5.tar.gz", DUPG_ACTION_LOCAL, { NULL } },
		{ "HUB1", "B", "pkg4.tar.gz", "pkg6.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB2", "C", "pkg2.tar.gz", "pkg6.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB3", "B", "pkg4.tar.gz", "pkg6.tar.gz", DUPG_ACTION_SEND, { "HUB2", NULL } },
	};
	const char *const switch_ids[] = { "HUB3", "HUB2", "HUB1", "BBU1" };
	dupg_topology *t = worked_topology();
	dupg_config *from = config_of(rollback_cfg), *to = config_of(latest_cfg);
	dupg_plan *p = NULL, *r = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	expect_steps(p, t, up, 4);
	expect_switch(p, switch_ids, 4);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, p), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"steps\":["
		"{\"device\":\"BBU1\",\"hw\":\"A\",\"package\":\"pkg5.tar.gz\",\"previous\":\"pkg3.tar.gz\",\"action\":\"local\",\"via\":[]},"
		"{\"device\":\"HUB1\",\"hw\":\"B\",\"package\":\"pkg6.tar.gz\",\"previous\":\"pkg4.tar.gz\",\"action\":\"send\",\"via\":[]},"
		"{\"device\":\"HUB2\",\"hw\":\"C\",\"package\":\"pkg6.tar.gz\",\"previous\":\"pkg2.tar.gz\",\"action\":\"send\",\"via\":[]},"
		"{\"device\":\"HUB3\",\"hw\":\"B\",\"package\":\"pkg6.tar.gz\",\"previous\":\"pkg4.tar.gz\",\"action\":\"send\",\"via\":[\"HUB2\"]}]}");
	dupg_free(json);

	CU_ASSERT_EQUAL_FATAL(dupg_plan_rollback(&r, p), 0);
	/* the rollback plan stands alone once made */
	dupg_plan_free(p);
	expect_steps(r, t, back, 4);
	expect_switch(r, switch_ids, 4);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, r), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"steps\":["
		"{\"device\":\"BBU1\",\"hw\":\"A\",\"package\":\"pkg3.tar.gz\",\"previous\":\"pkg5.tar.gz\",\"action\":\"local\",\"via\":[]},"
		"{\"device\":\"HUB1\",\"hw\":\"B\",\"package\":\"pkg4.tar.gz\",\"previous\":\"pkg6.tar.gz\",\"action\":\"send\",\"via\":[]},"
		"{\"device\":\"HUB2\",\"hw\":\"C\",\"package\":\"pkg2.tar.gz\",\"previous\":\"pkg6.tar.gz\",\"action\":\"send\",\"via\":[]},"
		"{\"device\":\"HUB3\",\"hw\":\"B\",\"package\":\"pkg4.tar.gz\",\"previous\":\"pkg6.tar.gz\",\"action\":\"send\",\"via\":[\"HUB2\"]}]}");
	dupg_free(json);
	dupg_plan_free(r);
	dupg_config_free(from);
	dupg_config_free(to);
	dupg_topology_free(t);
}

/* Every level changes: breadth-first dispatch, deepest-first switch, via lists in full. */
static void test_deep(void)
{
	const char *const latest_e[] = { "A", "pkg5.tar.gz", "B", "pkg6.tar.gz",
					 "C", "pkg6.tar.gz", "D", "pkg2.tar.gz",
					 "E", "pkg7.tar.gz", NULL };
	const struct want_step up[] = {
		{ "BBU1", "A", "pkg5.tar.gz", "pkg3.tar.gz", DUPG_ACTION_LOCAL, { NULL } },
		{ "HUB1", "B", "pkg6.tar.gz", "pkg4.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB2", "C", "pkg6.tar.gz", "pkg2.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "RRU2", "E", "pkg7.tar.gz", "pkg2.tar.gz", DUPG_ACTION_SEND, { "HUB1", NULL } },
		{ "HUB3", "B", "pkg6.tar.gz", "pkg4.tar.gz", DUPG_ACTION_SEND, { "HUB2", NULL } },
		{ "RRU4", "E", "pkg7.tar.gz", "pkg2.tar.gz", DUPG_ACTION_SEND, { "HUB2", "HUB3", NULL } },
	};
	const char *const switch_ids[] = { "RRU4", "HUB3", "RRU2", "HUB2", "HUB1", "BBU1" };
	dupg_topology *t = worked_topology();
	dupg_config *from = config_of(rollback_cfg), *to = config_of(latest_e);
	dupg_plan *p = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	expect_steps(p, t, up, 6);
	expect_switch(p, switch_ids, 6);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, p), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"device\":\"RRU4\",\"hw\":\"E\",\"package\":\"pkg7.tar.gz\","
				      "\"previous\":\"pkg2.tar.gz\",\"action\":\"send\","
				      "\"via\":[\"HUB2\",\"HUB3\"]}]}"));
	dupg_free(json);
	dupg_plan_free(p);
	dupg_config_free(from);
	dupg_config_free(to);
	dupg_topology_free(t);
}

/* Children are dispatched in topology insertion order, not by name. */
static void test_children_order(void)
{
	const char *const from_pairs[] = { "H", "h1", "R", "r1", NULL };
	const char *const to_pairs[] = { "H", "h2", "R", "r2", NULL };
	const char *const switch_ids[] = { "R-b", "R-a", "H-a", "H-z" };
	dupg_topology *t = NULL;
	dupg_config *from = config_of(from_pairs), *to = config_of(to_pairs);
	dupg_plan *p = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	fx_device(t, "R-b", "R", "1", "H-a");
	fx_device(t, "H-z", "H", "1", "M");
	fx_device(t, "R-a", "R", "1", "H-z");
	fx_device(t, "M", "M", "1", NULL);
	fx_device(t, "H-a", "H", "1", "M");
	CU_ASSERT_EQUAL_FATAL(dupg_topology_check(t, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_count(p), 4);
	CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, 0), "H-z");
	CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, 1), "H-a");
	CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, 2), "R-a");
	CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, 3), "R-b");
	CU_ASSERT_STRING_EQUAL(dupg_plan_via(p, 3, 0), "H-a");
	/* the master does not change: no local step; switching ends with the HUBs */
	expect_switch(p, switch_ids, 4);
	dupg_plan_free(p);
	dupg_config_free(from);
	dupg_config_free(to);
	dupg_topology_free(t);
}

/* Missing from `from`: a change with no previous; missing from `to`: no change. */
static void test_missing_types(void)
{
	const char *const from_pairs[] = { "A", "pkg3.tar.gz", "B", "pkg4.tar.gz", NULL };
	const char *const to_pairs[] = { "B", "pkg6.tar.gz", "C", "pkg6.tar.gz", NULL };
	const struct want_step up[] = {
		{ "HUB1", "B", "pkg6.tar.gz", "pkg4.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB2", "C", "pkg6.tar.gz", NULL, DUPG_ACTION_SEND, { NULL } },
		{ "HUB3", "B", "pkg6.tar.gz", "pkg4.tar.gz", DUPG_ACTION_SEND, { "HUB2", NULL } },
	};
	const struct want_step back[] = {
		{ "HUB1", "B", "pkg4.tar.gz", "pkg6.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB2", "C", NULL, "pkg6.tar.gz", DUPG_ACTION_SEND, { NULL } },
		{ "HUB3", "B", "pkg4.tar.gz", "pkg6.tar.gz", DUPG_ACTION_SEND, { "HUB2", NULL } },
	};
	dupg_topology *t = worked_topology();
	dupg_config *from = config_of(from_pairs), *to = config_of(to_pairs);
	dupg_plan *p = NULL, *r = NULL;
	char *json = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	/* configurations may go away: the plan copied its package paths */
	dupg_config_free(from);
	dupg_config_free(to);
	expect_steps(p, t, up, 3);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, p), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"device\":\"HUB2\",\"hw\":\"C\",\"package\":\"pkg6.tar.gz\","
				      "\"previous\":null,\"action\":\"send\",\"via\":[]}"));
	dupg_free(json);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_rollback(&r, p), 0);
	expect_steps(r, t, back, 3);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, r), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"device\":\"HUB2\",\"hw\":\"C\",\"package\":null,"
				      "\"previous\":\"pkg6.tar.gz\",\"action\":\"send\",\"via\":[]}"));
	dupg_free(json);
	/* device ids are borrowed from the topology */
	CU_ASSERT_PTR_EQUAL(dupg_plan_device(r, 1), dupg_topology_device(t, 2)->id);
	dupg_plan_free(r);
	dupg_plan_free(p);
	dupg_topology_free(t);
}

static void test_no_change(void)
{
	dupg_topology *t = worked_topology();
	dupg_config *c = config_of(latest_cfg), *empty = empty_config();
	dupg_plan *p = NULL, *r = NULL;
	char *json = NULL;
	size_t order[1] = { 77 };

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, c, c), 0);
	CU_ASSERT_EQUAL(dupg_plan_count(p), 0);
	dupg_plan_switch_order(p, order);
	CU_ASSERT_EQUAL(order[0], 77);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, p), 0);
	CU_ASSERT_STRING_EQUAL(json, "{\"steps\":[]}");
	dupg_free(json);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_rollback(&r, p), 0);
	CU_ASSERT_EQUAL(dupg_plan_count(r), 0);
	dupg_plan_free(r);
	dupg_plan_free(p);
	/* nothing wanted: nothing to do */
	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, c, empty), 0);
	CU_ASSERT_EQUAL(dupg_plan_count(p), 0);
	dupg_plan_free(p);
	/* nothing known now: every device is a change */
	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, empty, c), 0);
	CU_ASSERT_EQUAL(dupg_plan_count(p), 8);
	CU_ASSERT_STRING_EQUAL(dupg_plan_device(p, 7), "RRU4");
	CU_ASSERT_EQUAL(dupg_plan_via_count(p, 7), 2);
	dupg_plan_free(p);
	dupg_config_free(c);
	dupg_config_free(empty);
	dupg_topology_free(t);
}

static void test_errors(void)
{
	dupg_topology *t = NULL;
	dupg_config *c = config_of(latest_cfg);
	dupg_plan *p = (dupg_plan *)&p;
	char *json = (char *)&p;

	CU_ASSERT_EQUAL_FATAL(dupg_topology_new(&t), 0);
	fx_device(t, "BBU1", "A", "3", NULL);
	/* never checked */
	fx_expect_error(dupg_plan_upgrade(&p, t, c, c), DUPG_EINVAL, "dupg_topology_check", NULL);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), 0);
	/* changed since its check */
	fx_device(t, "HUB1", "B", "4", "BBU1");
	p = (dupg_plan *)&p;
	fx_expect_error(dupg_plan_upgrade(&p, t, c, c), DUPG_EINVAL, "dupg_topology_check", NULL);
	CU_ASSERT_PTR_NULL(p);
	/* a failed check leaves it unchecked */
	fx_device(t, "HUB2", "C", "2", "NOPE");
	CU_ASSERT_EQUAL(dupg_topology_check(t, NULL), DUPG_EFORMAT);
	fx_expect_error(dupg_plan_upgrade(&p, t, c, c), DUPG_EINVAL, "dupg_topology_check", NULL);

	fx_expect_error(dupg_plan_upgrade(&p, NULL, c, c), DUPG_EINVAL, "dupg_plan_upgrade", NULL);
	fx_expect_error(dupg_plan_upgrade(&p, t, NULL, c), DUPG_EINVAL, "dupg_plan_upgrade", NULL);
	fx_expect_error(dupg_plan_upgrade(&p, t, c, NULL), DUPG_EINVAL, "dupg_plan_upgrade", NULL);
	fx_expect_error(dupg_plan_upgrade(NULL, t, c, c), DUPG_EINVAL, "dupg_plan_upgrade", NULL);
	p = (dupg_plan *)&p;
	fx_expect_error(dupg_plan_rollback(&p, NULL), DUPG_EINVAL, "dupg_plan_rollback", NULL);
	CU_ASSERT_PTR_NULL(p);
	fx_expect_error(dupg_plan_rollback(NULL, NULL), DUPG_EINVAL, "dupg_plan_rollback", NULL);
	fx_expect_error(dupg_plan_to_json(&json, NULL), DUPG_EINVAL, "dupg_plan_to_json", NULL);
	CU_ASSERT_PTR_NULL(json);
	fx_expect_error(dupg_plan_to_json(NULL, NULL), DUPG_EINVAL, "dupg_plan_to_json", NULL);
	dupg_config_free(c);
	dupg_topology_free(t);
}

static void test_getters_out_of_range(void)
{
	dupg_topology *t = worked_topology();
	dupg_config *from = config_of(rollback_cfg), *to = config_of(latest_cfg);
	dupg_plan *p = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	CU_ASSERT_PTR_NULL(dupg_plan_device(p, 4));
	CU_ASSERT_EQUAL(dupg_plan_device_index(p, 4), SIZE_MAX);
	CU_ASSERT_PTR_NULL(dupg_plan_hw(p, 4));
	CU_ASSERT_PTR_NULL(dupg_plan_package(p, 4));
	CU_ASSERT_PTR_NULL(dupg_plan_previous(p, 4));
	CU_ASSERT_EQUAL(dupg_plan_action_get(p, 4), DUPG_ACTION_LOCAL);
	CU_ASSERT_EQUAL(dupg_plan_via_count(p, 4), 0);
	CU_ASSERT_PTR_NULL(dupg_plan_via(p, 4, 0));
	CU_ASSERT_PTR_NULL(dupg_plan_via(p, 3, 1));
	CU_ASSERT_PTR_NULL(dupg_plan_via(p, 0, 0));
	CU_ASSERT_EQUAL(dupg_plan_count(NULL), 0);
	CU_ASSERT_PTR_NULL(dupg_plan_device(NULL, 0));
	CU_ASSERT_EQUAL(dupg_plan_device_index(NULL, 0), SIZE_MAX);
	CU_ASSERT_PTR_NULL(dupg_plan_hw(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_plan_package(NULL, 0));
	CU_ASSERT_PTR_NULL(dupg_plan_previous(NULL, 0));
	CU_ASSERT_EQUAL(dupg_plan_action_get(NULL, 0), DUPG_ACTION_LOCAL);
	CU_ASSERT_EQUAL(dupg_plan_via_count(NULL, 0), 0);
	CU_ASSERT_PTR_NULL(dupg_plan_via(NULL, 0, 0));
	/* NULL plan or order: nothing happens */
	dupg_plan_switch_order(p, NULL);
	dupg_plan_switch_order(NULL, NULL);
	dupg_plan_free(p);
	dupg_plan_free(NULL);
	dupg_config_free(from);
	dupg_config_free(to);
	dupg_topology_free(t);
}

/*
 * A big plan, checked in linear time against the topology: dispatch order
 * breadth first (a parent's step before its child's), each route the
 * device's ancestors, every device switching before its parent.
 */
static void expect_big_plan(const dupg_plan *p, const dupg_topology *t, size_t every)
{
	size_t n = dupg_topology_count(t), count = dupg_plan_count(p), i, j;
	size_t *step_of = malloc(n * sizeof(*step_of)), *order = malloc(count * sizeof(*order));
	size_t *pos = malloc(count * sizeof(*pos));
	size_t prev_depth = 0, bad = 0;

	CU_ASSERT_FATAL(step_of != NULL && order != NULL && pos != NULL);
	CU_ASSERT_PTR_EQUAL(dupg_plan_topology(p), t);
	for (i = 0; i < n; i++)
		step_of[i] = DUPG_NONE;
	for (i = 0; i < count; i++) {
		size_t d = dupg_plan_device_index(p, i), depth = dupg_topology_depth(t, d);
		size_t par = dupg_topology_parent(t, d);

		step_of[d] = i;
		bad += depth < prev_depth;
		bad += par != DUPG_NONE && step_of[par] == DUPG_NONE;
		bad += dupg_plan_via_count(p, i) != (depth > 0 ? depth - 1 : 0);
		bad += dupg_plan_action_get(p, i) != (par == DUPG_NONE ? DUPG_ACTION_LOCAL : DUPG_ACTION_SEND);
		prev_depth = depth;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* routes of a spread of steps and of the last (deepest), hop by hop */
	for (i = 0; i < count; i += (i + 1 < count && i + every >= count) ? count - 1 - i : every) {
		size_t nvia = dupg_plan_via_count(p, i);
		size_t cur = dupg_topology_parent(t, dupg_plan_device_index(p, i));

		for (j = nvia; j > 0; j--) {
			bad += dupg_plan_via_index(p, i, j - 1) != cur;
			bad += strcmp(dupg_plan_via(p, i, j - 1), dupg_topology_device(t, cur)->id) != 0;
			cur = dupg_topology_parent(t, cur);
		}
		bad += dupg_plan_via_index(p, i, nvia) != DUPG_NONE;
		if (i + 1 == count)
			break;
	}
	CU_ASSERT_EQUAL(bad, 0);
	dupg_plan_switch_order(p, order);
	for (i = 0; i < count; i++)
		pos[order[i]] = i;
	for (i = 0; i < count; i++) {
		size_t par = dupg_topology_parent(t, dupg_plan_device_index(p, i));
		bad += par != DUPG_NONE && pos[step_of[par]] < pos[i];
	}
	CU_ASSERT_EQUAL(bad, 0);
	free(step_of);
	free(order);
	free(pos);
}

static void big_plan(dupg_topology *t, size_t every)
{
	const char *const from_pairs[] = { "A", "a1", "B", "b1", "D", "d1", NULL };
	const char *const to_pairs[] = { "A", "a2", "B", "b2", "D", "d2", NULL };
	dupg_config *from = config_of(from_pairs), *to = config_of(to_pairs);
	dupg_plan *p = NULL, *r = NULL;

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	CU_ASSERT_EQUAL(dupg_plan_count(p), dupg_topology_count(t));
	expect_big_plan(p, t, every);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_rollback(&r, p), 0);
	dupg_plan_free(p);
	expect_big_plan(r, t, every);
	/* each step gets back its type's package of `from` */
	CU_ASSERT_STRING_EQUAL(dupg_plan_package(r, 0), strcmp(dupg_plan_hw(r, 0), "A") == 0 ? "a1" : "b1");
	dupg_plan_free(r);
	dupg_config_free(from);
	dupg_config_free(to);
}

/* Every one of 100,000 devices changes. */
static void test_wide_100k(void)
{
	dupg_topology *t = fx_site_wide(100000);
	dupg_plan *p = NULL;
	dupg_config *c = empty_config(), *e = empty_config();
	char *json = NULL;

	big_plan(t, 97);
	/* the JSON still lists every route in full; the last step is the last RRU of the deepest HUB */
	CU_ASSERT_EQUAL_FATAL(dupg_config_set(c, "D", "d2"), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, e, c), 0);
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, p), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "{\"device\":\"RRU97999\",\"hw\":\"D\",\"package\":\"d2\","
				      "\"previous\":null,\"action\":\"send\",\"via\":[\"HUB996\",\"HUB997\",\"HUB998\",\"HUB999\"]}]}"));
	dupg_free(json);
	dupg_plan_free(p);
	dupg_config_free(c);
	dupg_config_free(e);
	dupg_topology_free(t);
}

/* A cascade 100,000 deep: its routes alone would hold 5e9 entries if copied. */
static void test_cascade_100k(void)
{
	dupg_topology *t = fx_site_cascade(100000);

	big_plan(t, 9973);
	dupg_topology_free(t);
}

/*
 * Versions beside the steps: from the configurations when they record them,
 * NULL where they do not; a rollback ends on the versions of `from`.
 */
static void test_versions(void)
{
	dupg_topology *t = worked_topology();
	dupg_config *from = config_of(rollback_cfg), *to = config_of(latest_cfg), *d = NULL;
	dupg_plan *p = NULL, *r = NULL;
	char *json = NULL;
	size_t i;

	/* A and B known on both sides, C known only in `to` */
	CU_ASSERT_EQUAL(dupg_config_set_version(to, "A", "5.0"), 0);
	CU_ASSERT_EQUAL(dupg_config_set_version(to, "B", "6.0"), 0);
	CU_ASSERT_EQUAL(dupg_config_set_version(to, "C", "6.1"), 0);
	CU_ASSERT_EQUAL(dupg_config_set_version(from, "A", "3.0"), 0);
	CU_ASSERT_EQUAL(dupg_config_set_version(from, "B", "4.0"), 0);
	CU_ASSERT_STRING_EQUAL(dupg_config_version(to, "A"), "5.0");
	CU_ASSERT_PTR_NULL(dupg_config_version(to, "D"));
	CU_ASSERT_PTR_NULL(dupg_config_version(to, "Z"));
	/* errors name the problem */
	CU_ASSERT_EQUAL(dupg_config_set_version(to, "Z", "1"), DUPG_ENOTFOUND);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "\"Z\""));
	CU_ASSERT_EQUAL(dupg_config_set_version(to, "A", ""), DUPG_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(dupg_error_last(), "A: version"));
	CU_ASSERT_EQUAL(dupg_config_set_version(to, "A", "\xff"), DUPG_EINVAL);
	CU_ASSERT_EQUAL(dupg_config_set_version(NULL, "A", "1"), DUPG_EINVAL);
	CU_ASSERT_STRING_EQUAL(dupg_config_version(to, "A"), "5.0");
	/* a copy keeps them, equality ignores them */
	CU_ASSERT_EQUAL_FATAL(dupg_config_dup(&d, to), 0);
	CU_ASSERT_STRING_EQUAL(dupg_config_version(d, "C"), "6.1");
	CU_ASSERT(dupg_config_equal(d, to));
	/* another package for a type forgets its version */
	CU_ASSERT_EQUAL(dupg_config_set(d, "C", "pkg7.tar.gz"), 0);
	CU_ASSERT_PTR_NULL(dupg_config_version(d, "C"));
	CU_ASSERT_EQUAL(dupg_config_set_version(d, "C", NULL), 0);
	dupg_config_free(d);

	CU_ASSERT_EQUAL_FATAL(dupg_plan_upgrade(&p, t, from, to), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_rollback(&r, p), 0);
	CU_ASSERT_EQUAL_FATAL(dupg_plan_count(p), 4);
	for (i = 0; i < dupg_plan_count(p); i++) {
		const char *hw = dupg_plan_hw(p, i);

		if (strcmp(hw, "A") == 0) {
			CU_ASSERT_STRING_EQUAL(dupg_plan_version(p, i), "5.0");
			CU_ASSERT_STRING_EQUAL(dupg_plan_version(r, i), "3.0");
		} else if (strcmp(hw, "B") == 0) {
			CU_ASSERT_STRING_EQUAL(dupg_plan_version(p, i), "6.0");
			CU_ASSERT_STRING_EQUAL(dupg_plan_version(r, i), "4.0");
		} else {
			CU_ASSERT_STRING_EQUAL(hw, "C");
			CU_ASSERT_STRING_EQUAL(dupg_plan_version(p, i), "6.1");
			CU_ASSERT_PTR_NULL(dupg_plan_version(r, i));
		}
	}
	CU_ASSERT_PTR_NULL(dupg_plan_version(p, 4));
	CU_ASSERT_PTR_NULL(dupg_plan_version(NULL, 0));
	/* the plan holds copies: the configurations may go */
	dupg_config_free(from);
	dupg_config_free(to);
	CU_ASSERT_STRING_EQUAL(dupg_plan_version(p, 0), "5.0");
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, p), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"previous\":\"pkg3.tar.gz\",\"version\":\"5.0\""));
	dupg_free(json);
	json = NULL;
	CU_ASSERT_EQUAL(dupg_plan_to_json(&json, r), 0);
	/* the rollback of C has no known version: no key */
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"version\":\"3.0\""));
	CU_ASSERT_EQUAL(strstr(json, "6.1"), NULL);
	dupg_free(json);
	dupg_plan_free(r);
	dupg_plan_free(p);
	dupg_topology_free(t);
}

int main(void)
{
	CU_TestInfo tests[] = {
		{ "worked example", test_worked_example },
		{ "worked example, as its case file says", test_worked_case },
		{ "deep changes", test_deep },
		{ "children in insertion order", test_children_order },
		{ "types missing from a configuration", test_missing_types },
		{ "no change", test_no_change },
		{ "errors", test_errors },
		{ "getters out of range", test_getters_out_of_range },
		{ "target versions beside the steps", test_versions },
		{ "100,000 devices", test_wide_100k },
		{ "cascade 100,000 deep", test_cascade_100k },
		CU_TEST_INFO_NULL,
	};
	return fx_run("plan", tests);
}
