/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file dupg/store.h
 * @brief The master's package store on disk: a list file, its rollback list
 *        (`LIST.rollback`) and the package files they name (I/O).
 *
 * Two operations change a store:
 * - dupg_store_prune() after a download: `LIST` becomes the kept list,
 *   `LIST.rollback` the rollback list (the seed's third and fourth lists),
 *   and the deletable package files are removed;
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
 * It does not need to know which operation was interrupted. It deletes only
 * what the change itself would have: a journal that names anything else (a
 * path with "..", one of the store's own files, a file the old `LIST` did not
 * name, a file outside the store's directory that is not a package) is
 * refused with ::DUPG_EFORMAT before anything is removed.
 *
 * **I/O errors.** Every failed write, fsync, close, rename, unlink or
 * directory fsync fails the call with the code errno stands for
 * (::DUPG_ENOSPC, ::DUPG_EACCES, ::DUPG_EIO, ...) and a message naming the
 * file and the cause. A failure before the commit point is undone at once:
 * the store is as it was. A failure after it (a deletion, the directory
 * fsync, removing the journal) returns ::DUPG_ECOMMITTED: the change is made
 * and the handle holds the new list; what is left over (files to delete, the
 * journal) is finished by the call's own recovery when it can be, else by
 * the next dupg_store_recover(). A caller treats ::DUPG_ECOMMITTED as done.
 *
 * **The lock.** Every call that reads the lists to change them, or repairs
 * them, holds the store's lock: an advisory lock (flock) on the store's
 * directory, which the kernel drops when its holder dies, so a crashed
 * holder never blocks the next one and recovery can tell a live change (the
 * lock is held) from a dead one (a journal and no holder). Prune, rollback
 * and recover take it exclusive; dupg_store_open() takes it shared while it
 * reads. A call that finds it held waits up to the options'
 * `lock_timeout_ms`, then returns ::DUPG_EBUSY with a message naming the
 * store and the holder's pid when the system says it (Linux /proc/locks).
 * Computing a prune without applying it (dupg_prune_compute() on
 * dupg_store_list()) takes no lock: it reads only the handle's list. Every
 * change reads `LIST` again under the lock, so a handle opened before another
 * process changed the store acts on what `LIST` holds now.
 *
 * **Two processes, two threads.** Any number of processes and threads may
 * open and change one store: the lock serialises the changes, each on its
 * own open of the directory, so two threads of one process exclude each
 * other as two processes do. One handle (dupg_store) must not be used by two
 * threads at once; give each thread its own handle.
 *
 * **Files.** `LIST` and `LIST.rollback` must be regular files: a symbolic
 * link is refused with ::DUPG_EUNSUPPORTED (the lists are replaced by
 * rename, which would replace the link and leave its target stale). A file
 * that is replaced keeps its mode and owner. A path the list format cannot
 * hold (a line break, white space at either end) is refused before anything
 * is written. A lock on a directory on NFS works only as far as NFS carries
 * flock.
 */
#ifndef DUPG_STORE_H
#define DUPG_STORE_H

#include "apply.h"
#include "common.h"
#include "package.h"
#include "pathlist.h"
#include "prune.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An open store. Opaque. */
typedef struct dupg_store dupg_store;

/**
 * Open a store by its list file: loads the list (see dupg_pathlist_load())
 * under the store's lock, shared; returns ::DUPG_EBUSY at once when another
 * process or thread is changing the store (dupg_store_open_ext() waits).
 * @param out receives the store; the caller owns it (dupg_store_free()).
 * @return 0, the codes of dupg_pathlist_load(), ::DUPG_EBUSY,
 *         ::DUPG_EUNSUPPORTED (a symlinked `LIST`), or ::DUPG_EPENDING when
 *         an interrupted change is pending (its journal exists and nobody
 *         holds the lock): recover first
 */
DUPG_EXTERN(int) dupg_store_open(dupg_store **out, const char *list_file);
/**
 * dupg_store_open() with options: opts->lock_timeout_ms is how long it waits
 * for a change under way in another process or thread (the other fields do
 * not apply). NULL: the defaults.
 */
DUPG_EXTERN(int) dupg_store_open_ext(dupg_store **out, const char *list_file,
				     const dupg_apply_options *opts);
/** Free a store handle (the files stay); NULL is fine. */
DUPG_EXTERN(void) dupg_store_free(dupg_store *s);
/** @return the list file path, borrowed */
DUPG_EXTERN(const char *) dupg_store_list_file(const dupg_store *s);
/** @return the stored list as loaded (or as left by the last apply), borrowed */
DUPG_EXTERN(const dupg_pathlist *) dupg_store_list(const dupg_store *s);

/**
 * Prune the store after a download and apply the result crash-safely (see
 * the steps above), under the store's lock, on the list `LIST` holds then;
 * the handle's list becomes the new `LIST`. Every downloaded package new to
 * the store is verified first, and held to the anti-rollback floor (below). An empty download is refused
 * (::DUPG_EINVAL, nothing changes): `LIST.rollback` would become `LIST` and
 * the rollback list before it be lost. To compute a prune without changing
 * anything, call dupg_prune_compute() on dupg_store_list().
 * @param out receives the prune result (caller owns it); may be NULL
 * @param downloaded the downloaded packages, in download order (usually
 *        loaded with dupg_pathlist_load() from a list of new paths)
 * @param prune the pruning policy, or NULL for the seed's minimal rule
 * @param opts how the change reaches the disk, or NULL for the defaults
 * After ::DUPG_EABORTED (a simulated crash) the handle's list no longer says
 * what is on disk: run dupg_store_recover() and open the store again.
 * @return 0, ::DUPG_ECOMMITTED (done; see I/O errors above), the codes of
 *         dupg_prune_compute(), ::DUPG_EINVAL (an empty download),
 *         ::DUPG_EBUSY, ::DUPG_EPENDING, ::DUPG_EUNSUPPORTED, the I/O codes,
 *         ::DUPG_EABORTED. On every failure but ::DUPG_ECOMMITTED the store
 *         on disk is as it was.
 */
DUPG_EXTERN(int) dupg_store_prune(dupg_prune **out, dupg_store *s,
				  const dupg_pathlist *downloaded,
				  const dupg_prune_options *prune,
				  const dupg_apply_options *opts);

/**
 * @name What a store admits
 * Nothing unverified enters a store: a prune verifies, before its journal is
 * written, every downloaded package that `LIST` does not already name
 * (those were verified when they came in), in full (dupg_package_verify_ext()
 * under the options' trust policy: digests, signatures, expiry). A failure
 * changes nothing on disk and names the package.
 *
 * **Anti-rollback.** `LIST.floor` records the highest `security_version`
 * (manifest.h) an upgrade committed per hardware type, as JSON
 * `{"format": 1, "floor": {"B": 3}}`, replaced atomically. A new package
 * whose security version is below the floor of any of its hardware types is
 * refused with ::DUPG_EROLLBACK; packages `LIST` names already (the
 * rollback configuration) are not held to it, and dupg_store_rollback()
 * leaves the floor alone. The floor rises to the highest security version
 * of the packages a prune admitted with that prune: the new floor is in its
 * journal and `LIST.floor` is replaced right after the commit point, so a
 * crash before it leaves the old floor and one after it is finished by
 * dupg_store_recover() (no file is written while every security version is
 * 0; a failure to write it after the commit point is ::DUPG_ECOMMITTED).
 * @{
 */
#define DUPG_ADMIT_OPTIONS_VERSION 2
/**
 * Options of dupg_store_prune_ext(). Initialise with ::DUPG_ADMIT_OPTIONS_INIT.
 * Version 1 held a version-1 `verify` (which ends at `now`); a caller built
 * against it keeps working.
 */
typedef struct {
	unsigned int version;        /**< ::DUPG_ADMIT_OPTIONS_VERSION (or 1) */
	/**
	 * How each new package is verified (policy, trust store, time; a
	 * progress callback that cancels makes the prune return ::DUPG_EABORTED
	 * before anything on disk changed).
	 */
	dupg_verify_options verify;
	/**
	 * Packages the caller has just verified itself under the same policy
	 * (e.g. while downloading them), as the download names them or resolved:
	 * their payload is not read a second time (their manifest, signatures
	 * and expiry still are, from the head of the archive).
	 */
	const char *const *verified;
	size_t verified_count;       /**< entries in verified */
} dupg_admit_options;
#define DUPG_ADMIT_OPTIONS_INIT { DUPG_ADMIT_OPTIONS_VERSION, DUPG_VERIFY_OPTIONS_INIT, NULL, 0 }

/**
 * dupg_store_prune() with admission options (NULL: the defaults, as
 * dupg_store_prune() takes them: digests verified, no signature required,
 * expiry checked against the clock).
 * @return the codes of dupg_store_prune(), those of dupg_package_verify_ext()
 *         for a package that does not pass, ::DUPG_EROLLBACK
 */
DUPG_EXTERN(int) dupg_store_prune_ext(dupg_prune **out, dupg_store *s,
				      const dupg_pathlist *downloaded,
				      const dupg_prune_options *prune,
				      const dupg_apply_options *opts,
				      const dupg_admit_options *admit);

/**
 * The anti-rollback floor of a store for hardware type hw (0 when none was
 * recorded).
 * @return 0, ::DUPG_EFORMAT (a bad `LIST.floor`), the I/O codes
 */
DUPG_EXTERN(int) dupg_store_floor(uint64_t *out, const char *list_file, const char *hw);
/** @} */

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
 * @param opts how the change reaches the disk, or NULL for the defaults
 * After ::DUPG_EABORTED (a simulated crash) the handle's list no longer says
 * what is on disk: run dupg_store_recover() and open the store again.
 * @return 0; ::DUPG_ECOMMITTED (done; see I/O errors above);
 *         ::DUPG_ENOTFOUND when `LIST.rollback` is missing (the message names
 *         it) or names a missing package; the other codes of
 *         dupg_pathlist_load() for a bad `LIST.rollback`; ::DUPG_EBUSY,
 *         ::DUPG_EPENDING, ::DUPG_EUNSUPPORTED, the I/O codes,
 *         ::DUPG_EABORTED; ::DUPG_EINVAL when the options' version is
 *         unknown. On every failure but ::DUPG_ECOMMITTED the store on disk
 *         is as it was.
 */
DUPG_EXTERN(int) dupg_store_rollback(char ***deleted, size_t *ndeleted, dupg_store *s,
				     const dupg_apply_options *opts);

/** What dupg_store_recover() did. */
typedef enum {
	DUPG_RECOVER_CLEAN = 0,     /**< no interrupted apply was found */
	DUPG_RECOVER_FINISHED = 1,  /**< the interrupted apply was past its commit point and was finished */
	DUPG_RECOVER_UNDONE = 2     /**< the interrupted apply was before its commit point and was undone */
} dupg_recover_action;

/** @return "clean", "finished" or "undone" (static); "unknown" for a value out of range */
DUPG_EXTERN(const char *) dupg_recover_action_name(dupg_recover_action action);
/** The action dupg_recover_action_name() spells as name. @return 0 or ::DUPG_EINVAL */
DUPG_EXTERN(int) dupg_recover_action_parse(dupg_recover_action *out, const char *name);

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
 * @param opts how the repair reaches the disk (no_fsync, lock_timeout_ms; the
 *        step callback is not called), or NULL for the defaults
 * @return 0, ::DUPG_ENOTFOUND, ::DUPG_EFORMAT (an unreadable journal, or one
 *         naming what the change would not have deleted), ::DUPG_EBUSY (a
 *         change is under way: it is not interrupted), ::DUPG_EUNSUPPORTED,
 *         the I/O codes, or ::DUPG_EINVAL (unknown options version)
 */
DUPG_EXTERN(int) dupg_store_recover(dupg_recover_report *report, const char *list_file,
				    const dupg_apply_options *opts);

#ifdef __cplusplus
}
#endif
#endif
