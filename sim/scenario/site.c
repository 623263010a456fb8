/* SPDX-License-Identifier: BSD-2-Clause */
/* A site as a scenario describes it, its copies and faults, and its checked topology. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scenario/site.h"
#include "util.h"

void sim_fault_clear(struct sim_fault *f)
{
	if (f->borrowed)
		return;
	free(f->site);
	free(f->device);
	free(f->package);
}

int sim_fault_copy(struct sim_fault *dst, const struct sim_fault *src)
{
	*dst = *src;
	dst->borrowed = 0;
	dst->site = sim_strdup(src->site);
	dst->device = sim_strdup(src->device);
	dst->package = sim_strdup(src->package);
	if ((src->site && !dst->site) || (src->device && !dst->device) ||
	    (src->package && !dst->package)) {
		sim_fault_clear(dst);
		return sim_error(DUPG_ENOMEM, "out of memory");
	}
	return 0;
}

int sim_site_add_fault(struct sim_site *s, const struct sim_fault *f)
{
	int rc = sim_grow(&s->faults, &s->faultcap, s->nfaults + 1, sizeof(*s->faults));

	if (rc == 0)
		rc = sim_fault_copy(&s->faults[s->nfaults], f);
	if (rc == 0)
		s->nfaults++;
	return rc;
}

int sim_site_share_fault(struct sim_site *s, const struct sim_fault *f)
{
	int rc = sim_grow(&s->faults, &s->faultcap, s->nfaults + 1, sizeof(*s->faults));

	if (rc == 0) {
		s->faults[s->nfaults] = *f;
		s->faults[s->nfaults].borrowed = 1;
		s->nfaults++;
	}
	return rc;
}

int sim_site_has_device(const struct sim_site *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->ndev; i++)
		if (strcmp(s->devs[i].id, id) == 0)
			return 1;
	return 0;
}

void sim_site_clear(struct sim_site *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->ndev; i++) {
		free(s->devs[i].id);
		free(s->devs[i].hw);
		free(s->devs[i].version);
		free(s->devs[i].parent);
	}
	for (i = 0; i < s->nfaults; i++)
		sim_fault_clear(&s->faults[i]);
	free(s->devs);
	free(s->store);
	free(s->faults);
	free(s->id);
	free(s->region);
	free(s->location);
	memset(s, 0, sizeof(*s));
}

int sim_site_copy(struct sim_site *dst, const struct sim_site *src)
{
	size_t i;
	int rc = 0;

	memset(dst, 0, sizeof(*dst));
	dst->id = sim_strdup(src->id);
	dst->region = sim_strdup(src->region);
	dst->location = sim_strdup(src->location);
	dst->uplink_mbps = src->uplink_mbps;
	dst->index = src->index;
	if (dst->id == NULL || (src->region && dst->region == NULL) ||
	    (src->location && dst->location == NULL))
		return sim_error(DUPG_ENOMEM, "out of memory");
	if ((rc = sim_grow(&dst->devs, &dst->devcap, src->ndev, sizeof(*dst->devs))) != 0 ||
	    (src->nstore > 0 &&
	     (rc = sim_grow(&dst->store, &dst->storecap, src->nstore, sizeof(*dst->store))) != 0))
		return rc;
	for (i = 0; i < src->ndev; i++) {
		struct sim_dev *d = &dst->devs[dst->ndev++];
		*d = src->devs[i];
		d->id = sim_strdup(src->devs[i].id);
		d->hw = sim_strdup(src->devs[i].hw);
		d->version = sim_strdup(src->devs[i].version);
		d->parent = sim_strdup(src->devs[i].parent);
		if (!d->id || !d->hw || !d->version || (src->devs[i].parent && !d->parent))
			return sim_error(DUPG_ENOMEM, "out of memory");
	}
	if (src->nstore > 0)
		memcpy(dst->store, src->store, src->nstore * sizeof(*src->store));
	dst->nstore = src->nstore;
	for (i = 0; i < src->nfaults; i++)
		if ((rc = sim_site_add_fault(dst, &src->faults[i])) != 0)
			return rc;
	return 0;
}

/* The library knows a master and its tree; the simulator knows BBUs, HUBs and RRUs. */
static int check_roles(const struct sim_site *s, const dupg_topology *t, const char *origin)
{
	size_t i;

	for (i = 0; i < s->ndev; i++) {
		const struct sim_dev *d = &s->devs[i];
		size_t parent = dupg_topology_parent(t, i);

		if (parent == DUPG_NONE && d->role != SIM_ROLE_BBU)
			return sim_error(DUPG_EFORMAT, "%s: device %s: the master must have role bbu",
					 origin, d->id);
		if (parent != DUPG_NONE && d->role == SIM_ROLE_BBU)
			return sim_error(DUPG_EFORMAT, "%s: device %s: a bbu must be the master "
						       "(it has parent %s)", origin, d->id, d->parent);
		if (parent != DUPG_NONE && s->devs[parent].role == SIM_ROLE_RRU)
			return sim_error(DUPG_EFORMAT, "%s: device %s: parent %s is an rru, which has "
						       "no devices behind it", origin, d->id, d->parent);
	}
	return 0;
}

int sim_site_topology(dupg_topology **out, const struct sim_site *s, const char *origin)
{
	dupg_topology *t;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = dupg_topology_new(&t)) != 0)
		return sim_error_lib(rc, "%s", origin);
	for (i = 0; i < s->ndev; i++) {
		const struct sim_dev *d = &s->devs[i];
		dupg_device_vd vd = { d->id, d->hw, d->version, d->duration_s };

		rc = dupg_topology_add(t, &vd, d->parent);
		if (rc == DUPG_EEXISTS) {
			rc = sim_error(DUPG_EFORMAT, "%s: duplicate device id %s", origin, d->id);
			break;
		}
		if (rc != 0) {
			rc = sim_error_lib(rc, "%s: device %s", origin, d->id);
			break;
		}
	}
	if (rc == 0 && (rc = dupg_topology_check(t, origin)) != 0)
		rc = sim_error(rc, "%s", dupg_error_last());
	if (rc == 0)
		rc = check_roles(s, t, origin);
	if (rc != 0) {
		dupg_topology_free(t);
		return rc;
	}
	*out = t;
	return 0;
}
