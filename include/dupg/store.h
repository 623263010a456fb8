/**
 * @file dupg/store.h
 * @brief The master's package store on disk: a list file, its rollback list
 *        (`LIST.rollback`) and the package files they name (I/O).
 *
 * Applying a prune is crash-safe. The steps, in order:
 * 1. the intent (third list, fourth list, deletable files, the previous
 *    rollback list) is written to `LIST.journal` (temporary file, fsync,
 *    rename, directory fsync);
 * 2. the fourth list replaces `LIST.rollback` (same atomic write);
 * 3. the third list replaces `LIST` (same atomic write): the commit point;
 * 4. the deletable package files are removed, then the directory is fsynced;
 * 5. the journal is removed.
 * dupg_store_recover() after a crash anywhere finishes the apply when step 3
 * was reached and undoes it otherwise; either way no list names a missing
 * package and temporary files are removed.
 */
#ifndef DUPG_STORE_H
#define DUPG_STORE_H

#include "common.h"
#include "pathlist.h"
#include "prune.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Points of an apply at which the step callback is called. */
typedef enum {
	DUPG_STEP_JOURNAL_TEMP = 0,  /**< journal written to its temporary file */
	DUPG_STEP_JOURNAL = 1,       /**< journal in place */
	DUPG_STEP_ROLLBACK_TEMP = 2, /**< fourth list written to its temporary file */
	DUPG_STEP_ROLLBACK = 3,      /**< LIST.rollback replaced */
	DUPG_STEP_LIST_TEMP = 4,     /**< third list written to its temporary file */
	DUPG_STEP_LIST = 5,          /**< LIST replaced: the commit point */
	DUPG_STEP_DELETE = 6,        /**< one deletable file removed (called per file) */
	DUPG_STEP_DONE = 7           /**< journal removed; apply complete */
} dupg_apply_step;

/**
 * Called after each step of an apply. Returning non-zero stops the apply
 * right there, leaving the disk as a crash at that point would, and the apply
 * returns ::DUPG_EABORTED. Meant for tests and simulators that inject crashes.
 */
typedef int (*dupg_apply_step_cb)(dupg_apply_step step, void *payload);

#define DUPG_STORE_OPTIONS_VERSION 1
/** Options of dupg_store_prune(). Initialise with ::DUPG_STORE_OPTIONS_INIT. */
typedef struct {
	unsigned int version;        /**< ::DUPG_STORE_OPTIONS_VERSION */
	dupg_prune_options prune;    /**< the pruning policy */
	int apply;                   /**< non-zero: change the store; zero: only compute */
	int no_fsync;                /**< skip fsync (simulation only; not crash-safe) */
	dupg_apply_step_cb step_cb;  /**< optional step callback */
	void *payload;               /**< passed to step_cb */
} dupg_store_options;
#define DUPG_STORE_OPTIONS_INIT \
	{ DUPG_STORE_OPTIONS_VERSION, DUPG_PRUNE_OPTIONS_INIT, 0, 0, NULL, NULL }

/** An open store. Opaque. */
typedef struct dupg_store dupg_store;

/**
 * Open a store by its list file: loads the list (see dupg_pathlist_load()).
 * @param out receives the store; the caller owns it (dupg_store_free()).
 * @return 0, the codes of dupg_pathlist_load(), or ::DUPG_EINVAL when an
 *         interrupted apply is pending (its journal exists): recover first
 */
DUPG_EXTERN(int) dupg_store_open(dupg_store **out, const char *list_file);
/** Free a store handle (the files stay); NULL is fine. */
DUPG_EXTERN(void) dupg_store_free(dupg_store *s);
/** @return the list file path, borrowed */
DUPG_EXTERN(const char *) dupg_store_list_file(const dupg_store *s);
/** @return the stored list as loaded (or as left by the last apply), borrowed */
DUPG_EXTERN(const dupg_pathlist *) dupg_store_list(const dupg_store *s);

/**
 * Prune the store after a download; with opts->apply, apply the result
 * crash-safely (see the steps above) and update the handle's list.
 * @param out receives the prune result (caller owns it); may be NULL
 * @param downloaded the downloaded packages, in download order (usually
 *        loaded with dupg_pathlist_load() from a list of new paths)
 * @param opts options, or NULL to compute only with the minimal rule
 * After ::DUPG_EABORTED or a failure part-way through an apply, the handle's
 * list no longer says what is on disk: run dupg_store_recover() and open the
 * store again. (On an I/O failure the apply runs recovery itself.)
 * @return 0, the codes of dupg_prune_compute(), ::DUPG_EIO, ::DUPG_EABORTED,
 *         or ::DUPG_EINVAL when an interrupted apply is pending
 */
DUPG_EXTERN(int) dupg_store_prune(dupg_prune **out, dupg_store *s,
				  const dupg_pathlist *downloaded,
				  const dupg_store_options *opts);

/** What dupg_store_recover() did. */
typedef enum {
	DUPG_RECOVER_CLEAN = 0,     /**< no interrupted apply was found */
	DUPG_RECOVER_FINISHED = 1,  /**< the interrupted apply was past its commit point and was finished */
	DUPG_RECOVER_UNDONE = 2     /**< the interrupted apply was before its commit point and was undone */
} dupg_recover_action;

/** Report of dupg_store_recover(). */
typedef struct {
	dupg_recover_action action; /**< what was done */
	size_t temps_removed;       /**< temporary files removed */
	size_t files_deleted;       /**< package files deleted while finishing */
} dupg_recover_report;

/**
 * Bring a store back to a consistent state after a crash at any point of an
 * apply. Idempotent; safe to run at every start.
 * @param report receives what was done; may be NULL
 * @param list_file the store's list file
 * @param no_fsync non-zero skips fsync (simulation only)
 * @return 0, ::DUPG_ENOTFOUND, ::DUPG_EFORMAT (unreadable journal) or ::DUPG_EIO
 */
DUPG_EXTERN(int) dupg_store_recover(dupg_recover_report *report, const char *list_file,
				    int no_fsync);

#ifdef __cplusplus
}
#endif
#endif
