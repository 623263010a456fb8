/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * controller.c: the master's controller of one site. It runs the site's
 * upgrade plan as a transaction (dupg/txn.h) against the site's devices
 * (model/devices.c) on the virtual clock, journaled beside the store; a
 * master crash after a journal write (txn_crash) stops it, and the master
 * resumes it from the journal. When it ends, the store follows the outcome.
 */
#ifndef DUPG_SIM_CONTROLLER_H
#define DUPG_SIM_CONTROLLER_H

#include "driver/context.h"
#include "model/result.h"
#include "model/siterun.h"

/*
 * Run r->up to its end: upgraded, or rolled back with r->cause set and the
 * store rolled back (the names of the packages that left it appended to
 * gone). 0 or a negative error.
 */
int site_controller_run(struct site_run *r, const struct sim_ctx *ctx, struct sim_strv *gone);

#endif
