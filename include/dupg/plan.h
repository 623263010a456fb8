/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/plan.h
 * @brief Upgrade and rollback dispatch plans for a site (pure functions).
 *
 * Given a checked topology and two configurations (what devices run now and
 * what they should run), a plan lists every device whose package changes,
 * the package it gets, whether the master installs it itself or sends it to
 * a controlled device, and the devices the package travels through.
 * Steps come in dispatch order: breadth first from the master, so a package
 * reaches a HUB before the devices behind it. Switching goes the other way
 * (dupg_plan_switch_order()): a device switches only when everything behind
 * it has, and the master switches last.
 */
#ifndef DUPG_PLAN_H
#define DUPG_PLAN_H

#include "common.h"
#include "configuration.h"
#include "topology.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a package reaches its device. */
typedef enum {
	DUPG_ACTION_LOCAL = 0, /**< the master installs it itself */
	DUPG_ACTION_SEND = 1   /**< the master sends it to a controlled device */
} dupg_plan_action;

/** @return "local" or "send" (static); "unknown" for a value out of range */
DUPG_EXTERN(const char *) dupg_plan_action_name(dupg_plan_action action);
/** The action dupg_plan_action_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_plan_action_parse(dupg_plan_action *out, const char *name);

/** A plan. Opaque. */
typedef struct dupg_plan dupg_plan;

/**
 * Plan an upgrade from one configuration to another. A device is in the plan
 * when its hardware type maps to a package in `to` that differs from its
 * package in `from` (a type missing from `from` counts as a change).
 * @param out receives the plan; the caller owns it (dupg_plan_free()).
 * @param t a topology that passed dupg_topology_check()
 * @param from the configuration now (usually the rollback configuration)
 * @param to the configuration wanted (usually the latest configuration)
 * @return 0, ::DUPG_EINVAL (topology not checked) or ::DUPG_ENOMEM
 */
DUPG_EXTERN(int) dupg_plan_upgrade(dupg_plan **out, const dupg_topology *t,
				   const dupg_config *from, const dupg_config *to);

/**
 * The matching rollback plan: the same devices as the upgrade plan, each
 * getting back its package of `from`, in the same dispatch order. A device
 * whose type has no package in `from` gets none (path NULL): it cannot be
 * rolled back by reinstalling and is reported as such.
 * @param out receives the plan; the caller owns it.
 */
DUPG_EXTERN(int) dupg_plan_rollback(dupg_plan **out, const dupg_plan *upgrade);

/** Free a plan; NULL is fine. */
DUPG_EXTERN(void) dupg_plan_free(dupg_plan *p);

/** Number of steps (devices whose package changes). */
DUPG_EXTERN(size_t) dupg_plan_count(const dupg_plan *p);
/**
 * @return device id of step i, borrowed from the topology: a plan must not
 *         outlive its topology; NULL when out of range. Package paths are
 *         copied into the plan, so the configurations may be freed after planning.
 */
DUPG_EXTERN(const char *) dupg_plan_device(const dupg_plan *p, size_t i);
/** @return topology index of step i's device; ::DUPG_NONE when out of range */
DUPG_EXTERN(size_t) dupg_plan_device_index(const dupg_plan *p, size_t i);
/** @return hardware type of step i's device, borrowed */
DUPG_EXTERN(const char *) dupg_plan_hw(const dupg_plan *p, size_t i);
/** @return the package step i installs, borrowed; NULL when there is none (rollback without a package) */
DUPG_EXTERN(const char *) dupg_plan_package(const dupg_plan *p, size_t i);
/**
 * The version step i's device ends on: for an upgrade plan the version `to`
 * records for the device's hardware type, for a rollback plan the one `from`
 * recorded (see dupg_config_set_version()).
 * @return the version, borrowed (copied into the plan when it was made);
 *         NULL when the configuration did not record one (a configuration
 *         from dupg_pathlist_config() records none), for a rollback step
 *         without a package, or when i is out of range
 */
DUPG_EXTERN(const char *) dupg_plan_version(const dupg_plan *p, size_t i);
/** @return the package step i replaces, borrowed; NULL when unknown */
DUPG_EXTERN(const char *) dupg_plan_previous(const dupg_plan *p, size_t i);
/** @return whether the master installs step i itself or sends it (LOCAL when out of range) */
DUPG_EXTERN(dupg_plan_action) dupg_plan_action_get(const dupg_plan *p, size_t i);
/**
 * Number of devices the package of step i travels through between the master
 * and its device: the device's depth - 1 (0 for the master and its children).
 */
DUPG_EXTERN(size_t) dupg_plan_via_count(const dupg_plan *p, size_t i);
/**
 * Topology index of the j-th device on the way of step i (nearest the master
 * first). Routes are not copied into the plan: they are the device's
 * ancestors, read from the topology in O(log depth) per call (see
 * dupg_topology_ancestor()). To walk a whole route from the device back to
 * the master, dupg_topology_parent() costs O(1) per hop.
 * @return the index, or ::DUPG_NONE when i or j is out of range
 */
DUPG_EXTERN(size_t) dupg_plan_via_index(const dupg_plan *p, size_t i, size_t j);
/** @return id of the j-th device on the way (nearest the master first), borrowed from the topology; NULL when out of range */
DUPG_EXTERN(const char *) dupg_plan_via(const dupg_plan *p, size_t i, size_t j);
/**
 * The topology the plan was made from (a rollback plan: its upgrade plan's).
 * The plan reads device ids and routes from it: it must stay alive, and no
 * device may be added to it, while the plan is in use.
 * @return the topology, borrowed; NULL for NULL
 */
DUPG_EXTERN(const dupg_topology *) dupg_plan_topology(const dupg_plan *p);

/**
 * Order in which the plan's devices switch to their new slot: deepest first,
 * the master last. Fills order[0..count) with step indexes.
 * @param order array of dupg_plan_count(p) entries
 */
DUPG_EXTERN(void) dupg_plan_switch_order(const dupg_plan *p, size_t *order);

/**
 * Serialize as `{"steps": [{"device", "hw", "package", "previous",
 * "action": "local|send", "via": [...]}, ...]}`; a step whose version is
 * known (dupg_plan_version()) has a `"version"` key after `"previous"`.
 * @param out receives a NUL-terminated string; the caller frees it with dupg_free().
 */
DUPG_EXTERN(int) dupg_plan_to_json(char **out, const dupg_plan *p);

#ifdef __cplusplus
}
#endif
#endif
