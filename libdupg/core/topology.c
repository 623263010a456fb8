/* SPDX-License-Identifier: BSD-2-Clause */
/* A site's device tree: devices, their parents, the master (pure). */
#include "internal.h"
#include "topology_internal.h"
#include "vd_internal.h"
#include "util/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dupg_topology_new(dupg_topology **out)
{
	dupg_topology *t;
	int rc;

	if (out == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_topology_new: out is NULL");
	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return dupg__error_nomem();
	rc = dupg__strmap_new(&t->ids);
	if (rc != 0) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

static void device_free(struct device *d)
{
	if (d == NULL)
		return;
	free((char *)d->vd.hw);
	free((char *)d->vd.version);
	free(d->parent_id);
	free(d);
}

void dupg_topology_free(dupg_topology *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < dupg__strmap_count(t->ids); i++)
		device_free(t->devs[i]);
	free(t->devs);
	dupg__strmap_free(t->ids);
	free(t);
}

int dupg_topology_add(dupg_topology *t, const dupg_device_vd *dev, const char *parent)
{
	struct device *d;
	size_t n, id;
	char why[64];
	int rc;

	if (t == NULL || dev == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_topology_add: NULL argument");
	rc = dupg__device_check(dev);
	if (rc != 0)
		return rc;
	if (parent != NULL && *parent == '\0')
		return dupg__error(DUPG_EINVAL, "device %s: parent id is empty (NULL means master)",
				   dev->id);
	if (parent != NULL && dupg__text_check(parent, SIZE_MAX, DUPG_ID_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "device %s: parent id %s", dev->id, why);
	if (dupg__strmap_find(t->ids, dev->id) != DUPG_NONE)
		return dupg__error(DUPG_EEXISTS, "device %s: id already in the topology", dev->id);

	n = dupg__strmap_count(t->ids);
	{
		void *p = t->devs;
		rc = dupg__grow(&p, &t->cap, n + 1, sizeof(*t->devs));
		t->devs = p;
	}
	if (rc != 0)
		return rc;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return dupg__error_nomem();
	d->vd.hw = strdup(dev->hw);
	d->vd.version = strdup(dev->version);
	d->parent_id = dupg__strdup(parent);
	d->vd.duration_s = dev->duration_s;
	d->parent = DUPG_NONE;
	if (d->vd.hw == NULL || d->vd.version == NULL || (parent != NULL && d->parent_id == NULL))
		rc = dupg__error_nomem();
	if (rc == 0)
		rc = dupg__strmap_intern(t->ids, dev->id, &id, NULL);
	if (rc != 0) {
		device_free(d);
		return rc;
	}
	d->vd.id = dupg__strmap_key(t->ids, id);
	t->devs[id] = d;
	t->checked = 0;
	return 0;
}

/* Append " -> id" pieces naming the cycle that starts and ends at device c. */
static void name_cycle(const dupg_topology *t, size_t c, char *buf, size_t size)
{
	size_t cur = c, used, steps = 0;

	snprintf(buf, size, "%s", t->devs[c]->vd.id);
	do {
		cur = t->devs[cur]->parent;
		used = strlen(buf);
		if (++steps > 16 && cur != c) {
			snprintf(buf + used, size - used, " -> ...");
			cur = c;
			used = strlen(buf);
		}
		snprintf(buf + used, size - used, " -> %s", t->devs[cur]->vd.id);
	} while (cur != c);
}

int dupg_topology_check(dupg_topology *t, const char *origin)
{
	size_t n, i, masters = 0, m = 0, m2 = 0;

	if (t == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_topology_check: topology is NULL");
	if (origin == NULL)
		origin = "<topology>";
	t->checked = 0;
	n = dupg__strmap_count(t->ids);
	if (n == 0)
		return dupg__error(DUPG_EFORMAT, "%s: no devices, so no master", origin);
	for (i = 0; i < n; i++) {
		if (t->devs[i]->parent_id != NULL)
			continue;
		if (masters == 0)
			m = i;
		else if (masters == 1)
			m2 = i;
		masters++;
	}
	if (masters == 0)
		return dupg__error(DUPG_EFORMAT, "%s: no master: every device has a parent", origin);
	if (masters > 1)
		return dupg__error(DUPG_EFORMAT, "%s: two masters: %s and %s", origin,
				   t->devs[m]->vd.id, t->devs[m2]->vd.id);
	for (i = 0; i < n; i++) {
		struct device *d = t->devs[i];

		d->state = 0;
		d->parent = DUPG_NONE;
		if (i == m)
			continue;
		d->parent = dupg__strmap_find(t->ids, d->parent_id);
		if (d->parent == DUPG_NONE)
			return dupg__error(DUPG_EFORMAT, "%s: device %s: unknown parent %s", origin,
					   d->vd.id, d->parent_id);
		if (d->parent == i)
			return dupg__error(DUPG_EFORMAT, "%s: device %s is its own parent", origin,
					   d->vd.id);
	}

	/*
	 * Walk up from each device until a device whose depth is known. With
	 * one master and every parent known, the only other way a walk ends is
	 * by meeting a device of the same walk: a cycle. On the way up each
	 * device's jump field holds the device below it, so the walk comes back
	 * down without a stack, filling in depths and jump pointers top-down.
	 *
	 * Jump pointers are the skew-binary ones (Myers, 1983): a device jumps
	 * to its parent's jump's jump when the parent's two jumps span equal
	 * distances, else to its parent. One pointer per device, and any
	 * ancestor is found in O(log depth) hops (dupg_topology_ancestor), so a
	 * route is read from the tree instead of being copied per device.
	 */
	t->devs[m]->state = 2;
	t->devs[m]->depth = 0;
	t->devs[m]->jump = m;
	for (i = 0; i < n; i++) {
		size_t cur = i, below = DUPG_NONE;

		while (t->devs[cur]->state == 0) {
			t->devs[cur]->state = 1;
			t->devs[cur]->jump = below;
			below = cur;
			cur = t->devs[cur]->parent;
		}
		if (t->devs[cur]->state == 1) {
			char names[512];
			name_cycle(t, cur, names, sizeof(names));
			return dupg__error(DUPG_EFORMAT, "%s: device %s: cycle of parents: %s", origin,
					   t->devs[cur]->vd.id, names);
		}
		/* cur is the parent of below, all the way down */
		while (below != DUPG_NONE) {
			struct device *d = t->devs[below];
			const struct device *p = t->devs[cur];
			const struct device *pj = t->devs[p->jump];
			size_t next = d->jump;

			d->depth = p->depth + 1;
			d->jump = p->depth - pj->depth == pj->depth - t->devs[pj->jump]->depth ?
				  pj->jump : cur;
			d->state = 2;
			cur = below;
			below = next;
		}
	}
	t->master = m;
	t->checked = 1;
	return 0;
}

size_t dupg_topology_count(const dupg_topology *t)
{
	return t == NULL ? 0 : dupg__strmap_count(t->ids);
}

const dupg_device_vd *dupg_topology_device(const dupg_topology *t, size_t i)
{
	return i < dupg_topology_count(t) ? &t->devs[i]->vd : NULL;
}

size_t dupg_topology_find(const dupg_topology *t, const char *id)
{
	return t == NULL || id == NULL ? DUPG_NONE : dupg__strmap_find(t->ids, id);
}

size_t dupg_topology_parent(const dupg_topology *t, size_t i)
{
	return i < dupg_topology_count(t) && t->checked ? t->devs[i]->parent : DUPG_NONE;
}

size_t dupg_topology_master(const dupg_topology *t)
{
	return t != NULL && t->checked ? t->master : DUPG_NONE;
}

size_t dupg_topology_depth(const dupg_topology *t, size_t i)
{
	return i < dupg_topology_count(t) && t->checked ? t->devs[i]->depth : 0;
}

size_t dupg_topology_ancestor(const dupg_topology *t, size_t i, size_t depth)
{
	const struct device *d;

	if (i >= dupg_topology_count(t) || !t->checked || depth > t->devs[i]->depth)
		return DUPG_NONE;
	for (d = t->devs[i]; d->depth > depth; d = t->devs[i])
		i = t->devs[d->jump]->depth >= depth ? d->jump : d->parent;
	return i;
}

int dupg_topology_set_version(dupg_topology *t, size_t i, const char *version)
{
	char *copy, why[64];

	if (t == NULL || i >= dupg__strmap_count(t->ids))
		return dupg__error(DUPG_EINVAL, "dupg_topology_set_version: no device %zu", i);
	if (version == NULL || *version == '\0')
		return dupg__error(DUPG_EINVAL, "device %s: version is missing", t->devs[i]->vd.id);
	if (dupg__text_check(version, SIZE_MAX, DUPG_VERSION_MAX_BYTES, why, sizeof(why)) != 0)
		return dupg__error(DUPG_EINVAL, "device %s: version %s", t->devs[i]->vd.id, why);
	copy = strdup(version);
	if (copy == NULL)
		return dupg__error_nomem();
	free((char *)t->devs[i]->vd.version);
	t->devs[i]->vd.version = copy;
	return 0;
}

int dupg_topology_merge(dupg_sysvd **out, const dupg_topology *t)
{
	dupg_sysvd *s;
	size_t i;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || t == NULL)
		return dupg__error(DUPG_EINVAL, "dupg_topology_merge: NULL argument");
	rc = dupg_sysvd_new(&s);
	if (rc == 0)
		dupg__sysvd_begin(s);
	for (i = 0; rc == 0 && i < dupg__strmap_count(t->ids); i++)
		rc = dupg__sysvd_build_add(s, &t->devs[i]->vd);
	if (rc == 0)
		rc = dupg__sysvd_end(s);
	if (rc != 0) {
		dupg_sysvd_free(s);
		return rc;
	}
	*out = s;
	return 0;
}
