/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * devices.c: the site's devices on the virtual clock, in the manner of O-RAN
 * software management. They take the actions of the site's transaction
 * (dupg/txn.h) and answer each with an event later on the clock: packages
 * travel over their links, a slot is staged, switched, checked or switched
 * back. Every action may come twice (after a master crash) and does no harm
 * the second time. The faults aimed at a device make it answer with a
 * failure. Nothing here decides what happens next: the transaction does.
 */
#ifndef DUPG_SIM_DEVICES_H
#define DUPG_SIM_DEVICES_H

#include "model/siterun.h"

struct sim_devices;

/*
 * The devices of r for a run of its plan r->up (device i of the transaction
 * is step i of the plan): random device faults are aimed at a device of the
 * plan, and each device learns its faults. 0 or a negative error.
 */
int sim_devices_new(struct sim_devices **out, struct site_run *r);
void sim_devices_free(struct sim_devices *dv);

/* The device of action a (not DONE) takes it at now: its answer comes later. 0 or an error. */
int sim_devices_act(struct sim_devices *dv, const dupg_txn_action *a, double now);

/* When the earliest answer arrives; INFINITY when none is on its way. */
double sim_devices_due(struct sim_devices *dv);

/*
 * Take the earliest answer: *at is when it arrives, *fault the index of the
 * site fault that made it a failure (-1 for none). Strings in *ev are
 * static or the site's. 1, or 0 when no answer is on its way.
 */
int sim_devices_answer(struct sim_devices *dv, double *at, dupg_txn_event *ev, int *fault);

/* The master is down until `until`: the answers that arrive before then are lost. */
void sim_devices_lose(struct sim_devices *dv, double until);

#endif
