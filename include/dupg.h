/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg.h
 * @brief libdupg: planning the software upgrade of distributed systems
 *        (a master device and the devices it controls).
 *
 * Include this umbrella header; link with `pkg-config --cflags --libs dupg`.
 *
 * **Threads.** The library has no global state that a call changes: the
 * detail of the last error (dupg_error_last()) is kept per thread, and
 * nothing else is shared between handles. So:
 * - different handles may be used from different threads at once, freely;
 * - one handle may be shared by threads for the functions that take it as
 *   `const` (queries, dupg_match() on a package set and a site, reading a
 *   manifest or a plan): those may run together;
 * - a function that takes a handle as non-const (adding to it, freeing it,
 *   applying a change) must not overlap another call on the same handle:
 *   the caller serializes them (the Python binding does it for you and
 *   raises dupg.BusyError instead of waiting);
 * - a transaction (dupg/txn.h) is used from one thread at a time, its
 *   queries included;
 * - a store (dupg/store.h) is locked against other processes and threads
 *   on its directory, through separate handles: give each thread its own.
 * The pure functions (dupg_vercmp(), dupg_merge(), the plan and prune
 * computations on their inputs) are safe anywhere.
 */
#ifndef DUPG_H
#define DUPG_H

#include "dupg/version.h"
#include "dupg/common.h"
#include "dupg/apply.h"
#include "dupg/vercmp.h"
#include "dupg/manifest.h"
#include "dupg/trust.h"
#include "dupg/package.h"
#include "dupg/vd.h"
#include "dupg/match.h"
#include "dupg/configuration.h"
#include "dupg/pathlist.h"
#include "dupg/prune.h"
#include "dupg/store.h"
#include "dupg/topology.h"
#include "dupg/plan.h"
#include "dupg/txn.h"
#include "dupg/rollout.h"
#include "dupg/locality.h"
#include "dupg/fetch.h"
#include "dupg/region.h"

#endif
