/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * names.c: the simulator's own enums and how scenario files and reports spell
 * them. The library's enums (task kinds, apply steps, recovery actions, pack
 * formats) are spelled by the library's dupg_*_name() and dupg_*_parse().
 */
#ifndef DUPG_SIM_NAMES_H
#define DUPG_SIM_NAMES_H

/* What a device is on a site: "bbu", "hub", "rru". */
enum sim_role { SIM_ROLE_BBU = 0, SIM_ROLE_HUB = 1, SIM_ROLE_RRU = 2, SIM_ROLES };

/*
 * Faults a run can inject into a site: "stage", "switch", "health", "cut",
 * "master_crash", "txn_crash", "downloader_down", "server_down".
 */
enum sim_fault_kind {
	SIM_FAULT_STAGE = 0,   /* a device fails while staging its package */
	SIM_FAULT_SWITCH,      /* a device fails to switch to its new slot */
	SIM_FAULT_HEALTH,      /* a device fails its health check after switching */
	SIM_FAULT_CUT,         /* a download is cut off */
	SIM_FAULT_CRASH,       /* the master crashes during the store update */
	SIM_FAULT_TXN_CRASH,   /* the master crashes after a journal write of the transaction */
	SIM_FAULT_DOWNLOADER_DOWN, /* the virtual server of the site's region dies as the site fetches */
	SIM_FAULT_SERVER_DOWN, /* a deployment server goes down (a scenario event, not a site's) */
	SIM_FAULT_KINDS
};

/* The kinds a scenario's "faults" rates draw (each costs a draw per site, so none is added). */
enum { SIM_FAULT_RATED = SIM_FAULT_TXN_CRASH };

/* How a site's run ended: "upgraded", "rolled_back", "current", "failed". */
enum sim_outcome { SIM_UPGRADED = 0, SIM_ROLLED_BACK, SIM_CURRENT, SIM_FAILED, SIM_OUTCOMES };

/* Where a device ended: "unchanged", "upgraded", "rolled_back", "failed". */
enum sim_dev_state {
	SIM_DEV_UNCHANGED = 0,
	SIM_DEV_UPGRADED,
	SIM_DEV_ROLLED_BACK,
	SIM_DEV_FAILED,        /* the device that caused the rollback, back on its old version too */
	SIM_DEV_STATES
};

/* Names are static; "?" for a value out of range. Parsers return -1 for an unknown name. */
const char *sim_role_name(enum sim_role r);
int sim_role_parse(const char *s);
const char *sim_fault_name(enum sim_fault_kind k);
int sim_fault_parse(const char *s);
const char *sim_outcome_name(enum sim_outcome o);
const char *sim_dev_state_name(enum sim_dev_state s);
int sim_dev_state_parse(const char *s);

#endif
