/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to the region concept: what region.c and region_wire.c share. */
#ifndef DUPG_CORE_REGION_INTERNAL_H
#define DUPG_CORE_REGION_INTERNAL_H

#include "util/common.h"

/* 0 when id may be kept (non-empty UTF-8, no NUL, within DUPG_ID_MAX_BYTES); else DUPG_EINVAL naming what. */
DUPG_HIDDEN int dupg__region_id_check(const char *id, const char *what);

#endif
