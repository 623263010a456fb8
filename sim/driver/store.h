/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * store.c: the master's store during a site's run: set up as the site
 * describes it, updated by the crash-safe prune (with a master crash and its
 * recovery when a fault says so), rolled back with the devices, checked.
 */
#ifndef DUPG_SIM_STORE_H
#define DUPG_SIM_STORE_H

#include "driver/context.h"
#include "model/result.h"
#include "model/siterun.h"

/* The site's directory with its store as before the upgrade: packages and `list`. */
int site_store_setup(struct site_run *r, const struct sim_ctx *ctx);
/* The downloaded packages into the store: dupg_store_prune, a crash and recovery if due. */
int site_store_update(struct site_run *r, const struct sim_ctx *ctx);
/*
 * The site rolled back: the store goes back to its rollback list and the
 * task's packages leave it; their names are appended to gone.
 */
int site_store_rollback(struct site_run *r, const struct sim_ctx *ctx, struct sim_strv *gone);
/* Read both lists back and check the directory against them, into res->store. */
int site_store_check(struct site_run *r, struct sim_result *res);

#endif
