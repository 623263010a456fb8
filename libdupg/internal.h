/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to libdupg: what every source of the library includes. The
 * utility layer (util/) is shared with the programs and tests; the
 * library's own private pieces live beside the files that use them
 * (the _internal.h headers in core/ and io/).
 */
#ifndef DUPG_INTERNAL_H
#define DUPG_INTERNAL_H

#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "dupg.h"
#include "util/buf.h"
#include "util/common.h"
#include "util/error.h"
#include "util/names.h"
#include "util/strmap.h"

#endif
