/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The topology path on JSON input, shaped as the devices of
 * tests/data/cases: {"devices": [{"id", "hw", "version", "parent"}, ...],
 * "from": {"TYPE": "package"}, "to": {...}}. The harness builds the
 * topology with dupg_topology_add, checks it, plans the upgrade and its
 * rollback, orders the switch and merges the site; every result keeps the
 * structure the headers promise.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/utf8.h"

static const char *string_at(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/*
 * Package paths are file names, which need not be UTF-8 (libdupg keeps them
 * as given); the plan's JSON is UTF-8 when they are.
 */
static int paths_utf8 = 1;

static dupg_config *config_of(json_object *root, const char *key)
{
	dupg_config *c = NULL;
	json_object *o;

	FUZZ_CHECK(dupg_config_new(&c) == 0, "config_new");
	if (json_object_object_get_ex(root, key, &o) && json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, hw, path) {
			const char *p = json_object_is_type(path, json_type_string)
					? json_object_get_string(path) : NULL;
			int rc = dupg_config_set(c, hw, p);

			if (p != NULL && dupg__utf8_invalid(p, strlen(p)) != strlen(p))
				paths_utf8 = 0;
			if (rc != 0)
				fuzz_check_error(rc, "dupg_config_set");
		}
	}
	return c;
}

static void check_utf8(const char *json, const char *what)
{
	FUZZ_CHECK(dupg__utf8_invalid(json, strlen(json)) == strlen(json), "%s is not UTF-8", what);
}

static void check_plans(const dupg_topology *t, const dupg_config *from, const dupg_config *to)
{
	dupg_plan *up = NULL, *down = NULL;
	size_t i, n, *order;
	char *json = NULL;
	unsigned char *seen;
	int rc = dupg_plan_upgrade(&up, t, from, to);

	if (rc != 0) {
		fuzz_check_error(rc, "dupg_plan_upgrade");
		return;
	}
	n = dupg_plan_count(up);
	FUZZ_CHECK(n <= dupg_topology_count(t), "%zu steps for %zu devices", n, dupg_topology_count(t));
	for (i = 0; i < n; i++) {
		size_t d = dupg_plan_device_index(up, i), j;
		const dupg_device_vd *dev = dupg_topology_device(t, d);

		FUZZ_CHECK(dev != NULL && strcmp(dev->id, dupg_plan_device(up, i)) == 0, "step %zu", i);
		FUZZ_CHECK(strcmp(dupg_plan_hw(up, i), dev->hw) == 0, "step %zu: type", i);
		FUZZ_CHECK(dupg_plan_package(up, i) != NULL &&
			   strcmp(dupg_plan_package(up, i), dupg_config_get(to, dev->hw)) == 0,
			   "step %zu: package", i);
		for (j = 0; j < dupg_plan_via_count(up, i); j++)
			FUZZ_CHECK(dupg_topology_find(t, dupg_plan_via(up, i, j)) != DUPG_NONE,
				   "step %zu: via an unknown device", i);
		/* breadth first: never deeper than the next step */
		if (i + 1 < n)
			FUZZ_CHECK(dupg_topology_depth(t, d) <= dupg_topology_depth(t, dupg_plan_device_index(up, i + 1)),
				   "step %zu is deeper than the next", i);
	}
	/* deepest first, the master last: a permutation of the steps */
	order = malloc((n + 1) * sizeof(*order));
	seen = calloc(n + 1, 1);
	FUZZ_CHECK(order != NULL && seen != NULL, "out of memory");
	dupg_plan_switch_order(up, order);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(order[i] < n && !seen[order[i]], "switch order is not a permutation");
		seen[order[i]] = 1;
		if (i > 0)
			FUZZ_CHECK(dupg_topology_depth(t, dupg_plan_device_index(up, order[i - 1])) >=
				   dupg_topology_depth(t, dupg_plan_device_index(up, order[i])),
				   "switch %zu is deeper than the one before", i);
	}
	free(order);
	free(seen);
	FUZZ_CHECK(dupg_plan_to_json(&json, up) == 0, "plan_to_json");
	if (paths_utf8)
		check_utf8(json, "the plan");
	dupg_free(json);
	FUZZ_CHECK(dupg_plan_rollback(&down, up) == 0, "rollback: %s", dupg_error_last());
	FUZZ_CHECK(dupg_plan_count(down) == n, "rollback has %zu steps", dupg_plan_count(down));
	for (i = 0; i < n; i++)
		FUZZ_CHECK(dupg_plan_device_index(down, i) == dupg_plan_device_index(up, i),
			   "rollback step %zu", i);
	dupg_plan_free(down);
	dupg_plan_free(up);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_tokener *tok;
	json_object *root, *devs;
	dupg_topology *t = NULL;
	dupg_config *from = NULL, *to = NULL;
	dupg_sysvd *s = NULL, *back = NULL;
	char *json = NULL, *again = NULL;
	size_t i, n, m;
	int rc;

	if (size > (1 << 20))
		return 0;
	tok = json_tokener_new();
	FUZZ_CHECK(tok != NULL, "out of memory");
	root = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	json_tokener_free(tok);
	if (root == NULL || !json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array)) {
		json_object_put(root);
		return 0;
	}
	FUZZ_CHECK(dupg_topology_new(&t) == 0, "topology_new");
	n = json_object_array_length(devs);
	for (i = 0; i < n; i++) {
		json_object *d = json_object_array_get_idx(devs, i), *jd;
		dupg_device_vd dev = { string_at(d, "id"), string_at(d, "hw"), string_at(d, "version"), 0 };

		if (json_object_object_get_ex(d, "duration_s", &jd))
			dev.duration_s = (uint32_t)json_object_get_int(jd);
		rc = dupg_topology_add(t, &dev, string_at(d, "parent"));
		if (rc != 0)
			fuzz_check_error(rc, "dupg_topology_add");
	}
	rc = dupg_topology_check(t, "fuzz.json");
	if (rc != 0) {
		fuzz_check_error(rc, "dupg_topology_check");
		FUZZ_CHECK(dupg_topology_master(t) == DUPG_NONE, "a failed check left a master");
		goto out;
	}
	m = dupg_topology_master(t);
	FUZZ_CHECK(m < dupg_topology_count(t) && dupg_topology_parent(t, m) == DUPG_NONE &&
		   dupg_topology_depth(t, m) == 0, "master");
	for (i = 0; i < dupg_topology_count(t); i++) {
		size_t p = dupg_topology_parent(t, i);

		if (i == m)
			continue;
		FUZZ_CHECK(p < dupg_topology_count(t), "device %zu has no parent", i);
		FUZZ_CHECK(dupg_topology_depth(t, i) == dupg_topology_depth(t, p) + 1, "depth of %zu", i);
	}
	paths_utf8 = 1;
	from = config_of(root, "from");
	to = config_of(root, "to");
	check_plans(t, from, to);
	FUZZ_CHECK(dupg_topology_merge(&s, t) == 0, "merge: %s", dupg_error_last());
	FUZZ_CHECK(dupg_sysvd_to_json(&json, s) == 0, "to_json");
	check_utf8(json, "the merge");
	FUZZ_CHECK(dupg_sysvd_from_json(&back, json, strlen(json), "merge.json") == 0,
		   "the merge does not parse back: %s", dupg_error_last());
	FUZZ_CHECK(dupg_sysvd_to_json(&again, back) == 0 && strcmp(json, again) == 0,
		   "the merge's round trip differs");
out:
	dupg_free(json);
	dupg_free(again);
	dupg_sysvd_free(s);
	dupg_sysvd_free(back);
	dupg_config_free(from);
	dupg_config_free(to);
	dupg_topology_free(t);
	json_object_put(root);
	return 0;
}
