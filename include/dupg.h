/**
 * @file dupg.h
 * @brief libdupg: planning the software upgrade of distributed systems
 *        (a master device and the devices it controls).
 *
 * Include this umbrella header; link with `pkg-config --cflags --libs dupg`.
 */
#ifndef DUPG_H
#define DUPG_H

#include "dupg/version.h"
#include "dupg/common.h"
#include "dupg/apply.h"
#include "dupg/vercmp.h"
#include "dupg/manifest.h"
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
#include "dupg/region.h"

#endif
