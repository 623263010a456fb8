/* SPDX-License-Identifier: BSD-2-Clause */
/* The simulator's enums as scenario files and reports spell them. */
#include "config.h"

#include <string.h>

#include "names.h"

static const char *const role_names[SIM_ROLES] = { "bbu", "hub", "rru" };
static const char *const fault_names[SIM_FAULT_KINDS] = { "stage", "switch", "health", "cut",
							  "master_crash", "txn_crash", "downloader_down", "server_down" };
static const char *const outcome_names[SIM_OUTCOMES] = { "upgraded", "rolled_back", "current",
							 "failed" };
static const char *const dev_state_names[SIM_DEV_STATES] = { "unchanged", "upgraded",
							     "rolled_back", "failed" };

static int lookup(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *sim_role_name(enum sim_role r)
{
	return (unsigned)r < SIM_ROLES ? role_names[r] : "?";
}

int sim_role_parse(const char *s)
{
	return lookup(role_names, SIM_ROLES, s);
}

const char *sim_fault_name(enum sim_fault_kind k)
{
	return (unsigned)k < SIM_FAULT_KINDS ? fault_names[k] : "?";
}

int sim_fault_parse(const char *s)
{
	return lookup(fault_names, SIM_FAULT_KINDS, s);
}

const char *sim_outcome_name(enum sim_outcome o)
{
	return (unsigned)o < SIM_OUTCOMES ? outcome_names[o] : "?";
}

const char *sim_dev_state_name(enum sim_dev_state s)
{
	return (unsigned)s < SIM_DEV_STATES ? dev_state_names[s] : "?";
}

int sim_dev_state_parse(const char *s)
{
	return lookup(dev_state_names, SIM_DEV_STATES, s);
}
