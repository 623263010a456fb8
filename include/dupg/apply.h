/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/apply.h
 * @brief How a change reaches the disk: the options every crash-safe write
 *        of libdupg takes (list files, store prunes and rollbacks, recovery).
 *
 * Every file libdupg changes is replaced atomically: a temporary file in the
 * same directory, fsync, rename over the old name, fsync of the directory.
 */
#ifndef DUPG_APPLY_H
#define DUPG_APPLY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Points of a store change (a prune's or a rollback's) at which the step callback is called. */
typedef enum {
	DUPG_STEP_JOURNAL_TEMP = 0,  /**< journal written to its temporary file */
	DUPG_STEP_JOURNAL = 1,       /**< journal in place */
	DUPG_STEP_ROLLBACK_TEMP = 2, /**< new rollback list written to its temporary file */
	DUPG_STEP_ROLLBACK = 3,      /**< LIST.rollback replaced */
	DUPG_STEP_LIST_TEMP = 4,     /**< new list (the kept list) written to its temporary file */
	DUPG_STEP_LIST = 5,          /**< LIST replaced: the commit point */
	DUPG_STEP_DELETE = 6,        /**< one file removed (called per file) */
	DUPG_STEP_DONE = 7           /**< journal removed; the change is complete */
} dupg_apply_step;

/**
 * @return "journal_temp", "journal", "rollback_temp", "rollback",
 *         "list_temp", "list", "delete" or "done" (static); "unknown" out of range
 */
DUPG_EXTERN(const char *) dupg_apply_step_name(dupg_apply_step step);
/** The step dupg_apply_step_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_apply_step_parse(dupg_apply_step *out, const char *name);

/**
 * Called after each step of a store change. Returning non-zero stops the
 * change right there, leaving the disk as a crash at that point would, and
 * the call returns ::DUPG_EABORTED. Meant for tests and simulators that
 * inject crashes, and for callers that log what a change did: inside the
 * callback, dupg_apply_step_path() names the file a ::DUPG_STEP_DELETE step
 * removed.
 */
typedef int (*dupg_apply_step_cb)(dupg_apply_step step, void *payload);

/**
 * The file the step being reported concerns, for a step callback to call
 * while it runs: for ::DUPG_STEP_DELETE the package path removed, as `LIST`
 * named it; NULL for the other steps and outside a step callback. Kept per
 * thread (the callback runs on the thread of the call that changes the store).
 * @return a string borrowed from the change, valid until the callback returns
 */
DUPG_EXTERN(const char *) dupg_apply_step_path(void);

#define DUPG_APPLY_OPTIONS_VERSION 1
/**
 * Options of every call that changes files: dupg_store_open_ext(),
 * dupg_store_prune(), dupg_store_rollback(), dupg_store_recover(),
 * dupg_pathlist_save(). Initialise with ::DUPG_APPLY_OPTIONS_INIT; NULL
 * means the defaults.
 */
typedef struct {
	unsigned int version;        /**< ::DUPG_APPLY_OPTIONS_VERSION */
	int no_fsync;                /**< skip fsync (simulation only; not crash-safe) */
	dupg_apply_step_cb step_cb;  /**< optional step callback (store changes only) */
	void *payload;               /**< passed to step_cb */
	/**
	 * How long a store call waits for the store's lock held by another
	 * process or thread, in milliseconds; 0 (the default) returns
	 * ::DUPG_EBUSY at once (see store.h).
	 */
	unsigned int lock_timeout_ms;
} dupg_apply_options;
#define DUPG_APPLY_OPTIONS_INIT { DUPG_APPLY_OPTIONS_VERSION, 0, NULL, NULL, 0 }

#ifdef __cplusplus
}
#endif
#endif
