/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to libdupg: a plan's layout, for the transaction that runs it. */
#ifndef DUPG_PLAN_INTERNAL_H
#define DUPG_PLAN_INTERNAL_H

#include "internal.h"

/*
 * Device ids and hardware types are borrowed from the topology (they live as
 * long as it does); package paths come from configurations the caller may
 * free at once, so they are copied. Routes are not stored at all: the
 * devices on the way are the device's ancestors, read from the topology's
 * parent links (a copy per step would cost the sum of all depths: 5e9
 * entries for a cascade 100,000 deep).
 */
struct dupg__plan_step {
	size_t dev;        /* topology index */
	const char *id;
	const char *hw;
	char *package;
	char *previous;
	char *version;          /* what the device ends on; NULL: unknown */
	char *previous_version; /* what it runs before the step; NULL: unknown */
	dupg_plan_action action;
	size_t via_count;  /* the device's depth - 1; 0 for the master */
};

struct dupg_plan {
	const dupg_topology *topo;
	struct dupg__plan_step *steps;
	size_t count;
};

#endif
