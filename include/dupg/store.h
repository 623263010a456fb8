/**
 * @file dupg/store.h
 * @brief The master's package store on disk: a list file, its rollback list
 *        (`LIST.rollback`) and the package files they name (I/O).
 *
 * Two operations change a store:
 * - dupg_store_prune() after a download: `LIST` becomes the third list,
 *   `LIST.rollback` the fourth, and the deletable package files are removed;
 * - dupg_store_rollback() after the site rolled back (every device is back on
 *   the configuration of `LIST.rollback`): `LIST` becomes the rollback list,
 *   `LIST.rollback` stays, and the packages the old `LIST` named beyond it
 *   (those of the upgrade that failed) are removed.
 *
 * Both are crash-safe and take the same steps, in order:
 * 1. the intent (new `LIST` text, new `LIST.rollback` text, files to delete,
 *    the texts they replace) is written to `LIST.journal` (temporary file,
 *    fsync, rename, directory fsync);
 * 2. the new rollback list replaces `LIST.rollback` (same atomic write; a
 *    rollback writes it unchanged);
 * 3. the new list replaces `LIST` (same atomic write): the commit point;
 * 4. the files to delete are removed, then the directory is fsynced;
 * 5. the journal is removed.
 * dupg_store_recover() after a crash anywhere finishes the change when step 3
 * was reached (`LIST` holds the journal's new text) and undoes it otherwise;
 * either way no list names a missing package and temporary files are removed.
 * It does not need to know which operation was interrupted.
 */
#ifndef DUPG_STORE_H
#define DUPG_STORE_H

#include "common.h"
#include "pathlist.h"
#include "prune.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Points of an apply (of a prune or a rollback) at which the step callback is called. */
typedef enum {
	DUPG_STEP_JOURNAL_TEMP = 0,  /**< journal written to its temporary file */
	DUPG_STEP_JOURNAL = 1,       /**< journal in place */
	DUPG_STEP_ROLLBACK_TEMP = 2, /**< new rollback list (the fourth list) written to its temporary file */
	DUPG_STEP_ROLLBACK = 3,      /**< LIST.rollback replaced */
	DUPG_STEP_LIST_TEMP = 4,     /**< new list (the third list) written to its temporary file */
	DUPG_STEP_LIST = 5,          /**< LIST replaced: the commit point */
	DUPG_STEP_DELETE = 6,        /**< one file removed (called per file) */
	DUPG_STEP_DONE = 7           /**< journal removed; apply complete */
} dupg_apply_step;

/**
 * Called after each step of an apply (a prune's or a rollback's). Returning non-zero stops the apply
 * right there, leaving the disk as a crash at that point would, and the apply
 * returns ::DUPG_EABORTED. Meant for tests and simulators that inject crashes.
 */
typedef int (*dupg_apply_step_cb)(dupg_apply_step step, void *payload);

#define DUPG_STORE_OPTIONS_VERSION 1
/**
 * Options of dupg_store_prune() and dupg_store_rollback() (which uses only
 * no_fsync, step_cb and payload). Initialise with ::DUPG_STORE_OPTIONS_INIT.
 */
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

/**
 * Make the store describe what the devices run after the site rolled back:
 * every device is back on the rollback configuration, the configuration of
 * `LIST.rollback`. `LIST` becomes the rollback list (`LIST.rollback`'s paths;
 * `LIST.rollback` stays), and every package file the old `LIST` named but the
 * rollback list does not (the packages of the failed upgrade) is removed;
 * a path of the old list that is a rollback package under another spelling
 * ("./pkg3" for "pkg3") is kept. Crash-safe, by the steps above. Afterwards
 * the handle's list is the new `LIST`, and a prune with the same download
 * works as it did the first time (the download is stored again first).
 * Running it again keeps the same lists and deletes nothing.
 * @param deleted receives the package paths removed, as `LIST` named them,
 *        as a NULL-terminated array in one block the caller frees with
 *        dupg_free(); may be NULL. Set to NULL on failure.
 * @param ndeleted receives their number; may be NULL
 * @param s the store; its list is taken as the old `LIST`
 * @param opts options (no_fsync, step_cb, payload; apply and prune are
 *        ignored), or NULL for the defaults
 * After ::DUPG_EABORTED or a failure part-way through, the handle's list no
 * longer says what is on disk: run dupg_store_recover() and open the store
 * again. (On an I/O failure it runs recovery itself.)
 * @return 0; ::DUPG_ENOTFOUND when `LIST.rollback` is missing (the message
 *         names it) or names a missing package; the other codes of
 *         dupg_pathlist_load() for a bad `LIST.rollback`; ::DUPG_EIO,
 *         ::DUPG_EABORTED; ::DUPG_EINVAL when an interrupted apply is pending
 *         or the options' version is unknown. On every failure before the
 *         first step nothing on disk changes.
 */
DUPG_EXTERN(int) dupg_store_rollback(char ***deleted, size_t *ndeleted, dupg_store *s,
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
 * apply (of a prune or a rollback). Idempotent; safe to run at every start.
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
