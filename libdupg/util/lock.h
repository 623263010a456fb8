/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Advisory locks (flock) with a bounded wait. The kernel drops a lock when
 * its holder dies, so a crashed holder never blocks the next one. Each take
 * opens the path anew: two threads of one process exclude each other as two
 * processes do. The path may be a directory: nothing is created to lock it.
 */
#ifndef DUPG_UTIL_LOCK_H
#define DUPG_UTIL_LOCK_H

#include "util/common.h"

typedef struct {
	int fd;  /* -1 when not held */
} dupg__lock;

#define DUPG__LOCK_INIT { -1 }

/*
 * Take the lock on path (which must exist), exclusive or shared, waiting up
 * to timeout_ms (0: not at all). Busy: DUPG_EBUSY with the message "WHAT is
 * busy: held by pid N" (the holder as /proc/locks tells it, when it does).
 */
DUPG_HIDDEN int dupg__lock_take(dupg__lock *l, const char *path, int exclusive,
				unsigned int timeout_ms, const char *what);
/* Release the lock (a lock not held is fine). */
DUPG_HIDDEN void dupg__lock_drop(dupg__lock *l);

#endif
