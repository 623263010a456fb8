/* SPDX-License-Identifier: BSD-2-Clause */
/* Upgrade and rollback dispatch plans over a checked topology (pure). */
#include "internal.h"
#include "json_internal.h"
#include "plan_internal.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *const action_names[] = { "local", "send" };

const char *dupg_plan_action_name(dupg_plan_action action)
{
	return dupg__name_of(action_names, DUPG__COUNT(action_names), (int)action);
}

int dupg_plan_action_parse(dupg_plan_action *out, const char *name)
{
	int v = 0, rc = dupg__name_parse(&v, action_names, DUPG__COUNT(action_names), name,
					 "plan action");
	if (rc == 0 && out != NULL)
		*out = (dupg_plan_action)v;
	return rc;
}

void dupg_plan_free(dupg_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->count; i++) {
		free(p->steps[i].package);
		free(p->steps[i].previous);
		free(p->steps[i].version);
		free(p->steps[i].previous_version);
	}
	free(p->steps);
	free(p);
}

/*
 * Breadth-first order of the devices from the master, children in
 * insertion order, into order[0..n). Children lists are built in one
 * counting pass (first[] and kids[] are CSR-style).
 */
static int dispatch_order(size_t *order, const dupg_topology *t, size_t n, size_t master)
{
	size_t *first = calloc(n + 1, sizeof(*first));
	size_t *kids = malloc(n * sizeof(*kids));
	size_t *fill = malloc((n + 1) * sizeof(*fill));
	size_t i, head, tail;

	if (first == NULL || kids == NULL || fill == NULL) {
		free(first);
		free(kids);
		free(fill);
		return dupg__error_nomem();
	}
	for (i = 0; i < n; i++) {
		size_t par = dupg_topology_parent(t, i);
		if (par != DUPG_NONE)
			first[par + 1]++;
	}
	for (i = 0; i < n; i++)
		first[i + 1] += first[i];
	memcpy(fill, first, (n + 1) * sizeof(*fill));
	for (i = 0; i < n; i++) {
		size_t par = dupg_topology_parent(t, i);
		if (par != DUPG_NONE)
			kids[fill[par]++] = i;
	}
	order[0] = master;
	for (head = 0, tail = 1; head < tail; head++) {
		size_t d = order[head], k;
		for (k = first[d]; k < first[d + 1]; k++)
			order[tail++] = kids[k];
	}
	free(first);
	free(kids);
	free(fill);
	return 0;
}

int dupg_plan_upgrade(dupg_plan **out, const dupg_topology *t, const dupg_config *from,
		      const dupg_config *to)
{
	dupg_plan *p = NULL;
	size_t *order = NULL, n, master, i;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_plan_upgrade: out is NULL");
	*out = NULL;
	if (t == NULL || from == NULL || to == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_plan_upgrade: NULL topology or configuration");
	master = dupg_topology_master(t);
	if (master == DUPG_NONE)
		return dupg__error(DUPG_EINVAL, "dupg_plan_upgrade: topology not checked "
				   "(dupg_topology_check must succeed first)");
	n = dupg_topology_count(t);
	order = malloc(n * sizeof(*order));
	p = calloc(1, sizeof(*p));
	if (order == NULL || p == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	p->topo = t;
	rc = dispatch_order(order, t, n, master);
	if (rc != 0)
		goto out;
	/* sized for every device; the plan is small and short-lived */
	p->steps = calloc(n, sizeof(*p->steps));
	if (p->steps == NULL) {
		rc = dupg__error_nomem();
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t d = order[i], depth = dupg_topology_depth(t, d);
		const dupg_device_vd *dev = dupg_topology_device(t, d);
		const char *want = dupg_config_get(to, dev->hw);
		const char *now = dupg_config_get(from, dev->hw);
		const char *v, *pv;
		struct dupg__plan_step *s;

		if (want == NULL || (now != NULL && strcmp(now, want) == 0))
			continue;
		s = &p->steps[p->count];
		s->dev = d;
		s->id = dev->id;
		s->hw = dev->hw;
		s->package = strdup(want);
		s->previous = dupg__strdup(now);
		v = dupg_config_version(to, dev->hw);
		pv = now != NULL ? dupg_config_version(from, dev->hw) : NULL;
		s->version = dupg__strdup(v);
		s->previous_version = dupg__strdup(pv);
		p->count++;
		if (s->package == NULL || (now != NULL && s->previous == NULL) ||
		    (v != NULL && s->version == NULL) || (pv != NULL && s->previous_version == NULL)) {
			rc = dupg__error_nomem();
			goto out;
		}
		s->action = d == master ? DUPG_ACTION_LOCAL : DUPG_ACTION_SEND;
		s->via_count = depth > 0 ? depth - 1 : 0;
	}
out:
	free(order);
	if (rc != 0) {
		dupg_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int dupg_plan_rollback(dupg_plan **out, const dupg_plan *upgrade)
{
	dupg_plan *p;
	size_t i;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_plan_rollback: out is NULL");
	*out = NULL;
	if (upgrade == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_plan_rollback: upgrade plan is NULL");
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return dupg__error_nomem();
	p->topo = upgrade->topo;
	if (upgrade->count > 0 && (p->steps = calloc(upgrade->count, sizeof(*p->steps))) == NULL) {
		dupg_plan_free(p);
		return dupg__error_nomem();
	}
	for (i = 0; i < upgrade->count; i++) {
		const struct dupg__plan_step *u = &upgrade->steps[i];
		struct dupg__plan_step *s = &p->steps[i];

		*s = *u;
		s->package = dupg__strdup(u->previous);
		s->previous = dupg__strdup(u->package);
		s->version = dupg__strdup(u->previous_version);
		s->previous_version = dupg__strdup(u->version);
		p->count++;
		if ((u->previous != NULL && s->package == NULL) || s->previous == NULL ||
		    (u->previous_version != NULL && s->version == NULL) ||
		    (u->version != NULL && s->previous_version == NULL)) {
			dupg_plan_free(p);
			return dupg__error_nomem();
		}
	}
	*out = p;
	return 0;
}

static const struct dupg__plan_step *step_at(const dupg_plan *p, size_t i)
{
	return p == NULL || i >= p->count ? NULL : &p->steps[i];
}

size_t dupg_plan_count(const dupg_plan *p)
{
	return p == NULL ? 0 : p->count;
}

const char *dupg_plan_device(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? NULL : s->id;
}

size_t dupg_plan_device_index(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? DUPG_NONE : s->dev;
}

const char *dupg_plan_hw(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? NULL : s->hw;
}

const char *dupg_plan_package(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? NULL : s->package;
}

const char *dupg_plan_version(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? NULL : s->version;
}

const char *dupg_plan_previous(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? NULL : s->previous;
}

dupg_plan_action dupg_plan_action_get(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? DUPG_ACTION_LOCAL : s->action;
}

size_t dupg_plan_via_count(const dupg_plan *p, size_t i)
{
	const struct dupg__plan_step *s = step_at(p, i);

	return s == NULL ? 0 : s->via_count;
}

size_t dupg_plan_via_index(const dupg_plan *p, size_t i, size_t j)
{
	const struct dupg__plan_step *s = step_at(p, i);

	/* the j-th device from the master is the ancestor at depth j + 1 */
	return s == NULL || j >= s->via_count ? DUPG_NONE : dupg_topology_ancestor(p->topo, s->dev, j + 1);
}

const char *dupg_plan_via(const dupg_plan *p, size_t i, size_t j)
{
	const dupg_device_vd *d = dupg_topology_device(p == NULL ? NULL : p->topo,
						       dupg_plan_via_index(p, i, j));

	return d == NULL ? NULL : d->id;
}

const dupg_topology *dupg_plan_topology(const dupg_plan *p)
{
	return p == NULL ? NULL : p->topo;
}

void dupg_plan_switch_order(const dupg_plan *p, size_t *order)
{
	size_t i, n = dupg_plan_count(p);

	if (order == NULL)
		return;
	/*
	 * Dispatch order is breadth first, so depths never decrease along it
	 * and the master (depth 0) is first. Its reverse is therefore deepest
	 * first, ties in reverse dispatch order, the master last.
	 */
	for (i = 0; i < n; i++)
		order[i] = n - 1 - i;
}

/* ids: room for the longest route; filled from the device's parent upward, so backwards */
static json_object *step_to_jobj(const dupg_plan *p, const struct dupg__plan_step *s, const char **ids)
{
	json_object *obj = json_object_new_object();
	size_t cur = dupg_topology_parent(p->topo, s->dev), j;

	for (j = s->via_count; j > 0; j--) {
		ids[j - 1] = dupg_topology_device(p->topo, cur)->id;
		cur = dupg_topology_parent(p->topo, cur);
	}
	obj = dupg__jadd_str(obj, "device", s->id, SIZE_MAX);
	obj = dupg__jadd_str(obj, "hw", s->hw, SIZE_MAX);
	obj = dupg__jadd_str(obj, "package", s->package, SIZE_MAX);
	obj = dupg__jadd_str(obj, "previous", s->previous, SIZE_MAX);
	/* only when known: a plan of configurations without versions reads as before */
	if (s->version != NULL)
		obj = dupg__jadd_str(obj, "version", s->version, SIZE_MAX);
	obj = dupg__jadd_str(obj, "action", dupg_plan_action_name(s->action), SIZE_MAX);
	return dupg__jadd(obj, "via", dupg__jstr_array(s->via_count > 0 ? ids : NULL, s->via_count));
}

int dupg_plan_to_json(char **out, const dupg_plan *p)
{
	json_object *root, *steps, *st = NULL;
	const char **ids;
	size_t i, longest = 1;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || p == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_plan_to_json: NULL argument");
	for (i = 0; i < p->count; i++)
		if (p->steps[i].via_count > longest)
			longest = p->steps[i].via_count;
	ids = malloc((longest + 1) * sizeof(*ids));
	steps = ids == NULL ? NULL : dupg__jarray(p->count);
	if (steps == NULL) {
		free(ids);
		return dupg__error_nomem();
	}
	for (i = 0; i < p->count; i++) {
		st = step_to_jobj(p, &p->steps[i], ids);
		if (st == NULL || json_object_array_add(steps, st) != 0) {
			json_object_put(st);
			json_object_put(steps);
			free(ids);
			return dupg__error_nomem();
		}
	}
	free(ids);
	root = json_object_new_object();
	if (root == NULL || json_object_object_add(root, "steps", steps) != 0) {
		json_object_put(steps);
		json_object_put(root);
		return dupg__error_nomem();
	}
	return dupg__jobj_finish(out, root);
}
