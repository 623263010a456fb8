/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to libdupg: a topology's layout, for the linear passes of the plan and the transaction. */
#ifndef DUPG_TOPOLOGY_INTERNAL_H
#define DUPG_TOPOLOGY_INTERNAL_H

#include "internal.h"

struct device {
	dupg_device_vd vd;  /* id points into the id map; hw and version are owned */
	char *parent_id;    /* owned; NULL for the master */
	size_t parent;      /* index, resolved by the check; DUPG_NONE for the master */
	size_t depth;       /* set by the check */
	size_t jump;        /* an ancestor, set by the check: the master's is itself (see below) */
	int state;          /* walk state during the check */
};

struct dupg_topology {
	dupg_strmap *ids;      /* device id -> index */
	struct device **devs;  /* pointers, so a returned description stays put */
	size_t cap;
	int checked;
	size_t master;
};

/*
 * Device i's parent and description, for an index known to be in range of a
 * checked topology: the public accessors test both on every call, which a
 * pass over 100,000 devices pays 100,000 times.
 */
static inline size_t dupg__topology_parent_at(const dupg_topology *t, size_t i)
{
	return t->devs[i]->parent;
}

static inline const dupg_device_vd *dupg__topology_device_at(const dupg_topology *t, size_t i)
{
	return &t->devs[i]->vd;
}

#endif
