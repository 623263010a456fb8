/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * site.c: a site as a scenario describes it (devices, the store's packages,
 * the faults aimed at it) and the topology the library builds from it.
 */
#ifndef DUPG_SIM_SITE_H
#define DUPG_SIM_SITE_H

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"
#include "names.h"

/* Timing defaults per role (seconds) and link defaults. */
struct sim_timing {
	double duration_s[SIM_ROLES];
	double switch_s[SIM_ROLES];
	double health_s[SIM_ROLES];
	double link_mbps[SIM_ROLES];
	double latency_ms;
	double uplink_mbps;
};

struct sim_fault {
	enum sim_fault_kind kind;
	char *site;        /* NULL: every site (CLI --fail DEVICE:kind) */
	char *device;      /* stage/switch/health; NULL: a random device of the plan */
	char *package;     /* cut: package name; NULL: a random package of the task */
	double fraction;   /* cut: share of the package transferred before the cut */
	dupg_apply_step step; /* crash: where the master stops */
	uint64_t write;    /* txn_crash: the master stops right after this journal write (from 1) */
	const char *origin;/* "scenario", "--fail", "random" (static) */
	int borrowed;      /* the strings are the scenario event's: a site's run shares them */
};

struct sim_dev {
	char *id;
	char *hw;
	char *version;
	char *parent;        /* NULL for the master */
	enum sim_role role;
	uint32_t duration_s; /* expected upgrade (staging) duration */
	double link_mbps;    /* link to the parent (the master: uplink to the server) */
	double latency_ms;
	double switch_s;     /* time to reboot into the other slot */
	double health_s;     /* time of the health check after switching */
};

struct sim_site {
	char *id;
	char *region;        /* reserved: regions that elect a downloader */
	char *location;      /* labels (dupg/locality.h) the master ranks deployment servers by */
	double uplink_mbps;  /* management server to master */
	struct sim_dev *devs;
	size_t ndev, devcap;
	size_t *store;       /* catalogue indexes of the store's list, in list order */
	size_t nstore, storecap;
	struct sim_fault *faults;
	size_t nfaults, faultcap;
	uint64_t index;      /* position in the fleet */
};

void sim_site_clear(struct sim_site *s);
/* A deep copy of src into dst (cleared by the caller with sim_site_clear() even on error). */
int sim_site_copy(struct sim_site *dst, const struct sim_site *src);
int sim_site_add_fault(struct sim_site *s, const struct sim_fault *f);
/* Add a fault that shares the strings of f, which must outlive the site (a scenario's event). */
int sim_site_share_fault(struct sim_site *s, const struct sim_fault *f);
int sim_site_has_device(const struct sim_site *s, const char *id);
/* Build a checked topology of a site; origin names the file and site in errors. */
int sim_site_topology(dupg_topology **out, const struct sim_site *s, const char *origin);

/* A deep copy of a fault; sim_fault_clear() frees what it owns. */
int sim_fault_copy(struct sim_fault *dst, const struct sim_fault *src);
void sim_fault_clear(struct sim_fault *f);

#endif
