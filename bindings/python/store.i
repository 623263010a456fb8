/* SPDX-License-Identifier: BSD-2-Clause */
/* Store (dupg/store.h, dupg/apply.h): the master's package store on disk, changed crash-safely. */

%rename(_apply_step_name) dupg_apply_step_name;
%typemap(doctype) PyObject *new_paths "list of str, or str"
%include "dupg/apply.h"
%rename(_Store_list_file) dupg_store_list_file;
%rename(_recover_action_name) dupg_recover_action_name;
%include "dupg/store.h"

%pythoncode %{
APPLY_STEPS = _names(_apply_step_name)
RECOVER_ACTIONS = _names(_recover_action_name)
%}

/**
 * The master's package store on disk: a list file, its rollback list
 * (LIST.rollback) and the package files they name. Applying a prune, and
 * rolling back after a failed upgrade, are crash-safe (journal, atomic list
 * replacement, then deletion); recover() repairs a store after a crash at
 * any point of either.
 */
typedef struct {} Store;

%newobject Store::prune_result;
%newobject Store::config;

%extend Store {
	/**
	 * Open a store by its list file: loads the list, under the store's lock
	 * (shared), which another process or thread changing the store holds.
	 * @param wait seconds to wait for that lock; 0 raises BusyError at once
	 * @exception NotFoundError, DuplicateError, FormatError, IOError,
	 *            BusyError (the store's lock is held), PendingError (a
	 *            BadInputError: an interrupted change is pending, its journal
	 *            exists): run Store.recover() first
	 */
	Store(const char *list_file, double wait = 0) { return dupg_py_store_open(list_file, wait); }

	~Store() { dupg_py_destroy_Store($self); }

	/**
	 * Release the handle now (the files stay); any later use raises
	 * BadInputError. Closing while another call uses the store raises BusyError.
	 */
	void close() { dupg_py_close_Store($self); }
	DUPG_PY_CONTEXT

	/**
	 * Bring a store back to a consistent state after a crash at any point of
	 * an apply. Idempotent; safe to run at every start.
	 * @param list_file the store's list file
	 * @param no_fsync skip fsync (simulation only)
	 * @param wait seconds to wait for the store's lock, held while a change
	 *        runs in another process or thread (it is not interrupted: it is
	 *        waited for); 0 raises BusyError at once
	 * @return {"action": one of RECOVER_ACTIONS ("clean", "finished",
	 *         "undone"), "temps_removed": n, "files_deleted": n}
	 * @exception NotFoundError, FormatError (an unreadable journal, or one
	 *            naming what the change would not have deleted), IOError,
	 *            BusyError
	 */
	static PyObject *recover(const char *list_file, bool no_fsync = false, double wait = 0)
	{
		return dupg_py_store_recover(list_file, no_fsync, wait);
	}

	/** The stored list's paths as written (as loaded, or as left by the last apply). */
	PyObject *paths() { return dupg_py_store_paths($self->h); }

	/** Number of stored packages. */
	size_t __len__() { return dupg_py_store_count($self->h); }

	/** The configuration of the stored list. */
	Configuration *config() { return dupg_py_store_config($self->h); }

	/**
	 * Prune the store after a download and return the Prune result. Runs
	 * without the GIL; during an apply every other call on the store (from
	 * another thread, or from on_step) raises BusyError.
	 * @param new_paths the downloaded packages in download order: a list of
	 *        paths (a relative one is relative to the list file's directory,
	 *        and is saved as given), or the path of a list file naming them
	 * @param apply change the store crash-safely: LIST becomes the third
	 *        list, LIST.rollback the fourth, deletable files are removed
	 * @param keep None for the minimal rule; N >= 2 keeps the N latest
	 *        packages per hardware type
	 * @param no_fsync skip fsync (simulation only; not crash-safe)
	 * @param on_step called with the step name (one of APPLY_STEPS:
	 *        "journal_temp", "journal", "rollback_temp", "rollback",
	 *        "list_temp", "list", "delete", "done") after each step of an
	 *        apply, as a StepEvent: that str, whose .path names the file a
	 *        "delete" step removed (None for the others); a true result stops the apply there as a crash would
	 *        (AbortedError), an exception stops it and propagates
	 * @param wait with apply: seconds to wait for the store's lock held by
	 *        another process or thread; 0 raises BusyError at once
	 * @param trust with apply: the trust store every new package must be
	 *        signed under (None: digests only). Whatever it is, each package
	 *        the store does not list yet is verified in full before anything
	 *        is written, and held to the anti-rollback floor (LIST.floor)
	 * @param now with apply: the time `expires` is compared with (None: the
	 *        clock, False: no check, or seconds since the epoch)
	 * @param verified with apply: packages the caller has just verified
	 *        under the same trust (a Fetch does), as new_paths names them:
	 *        their payload is not read again; their manifest, signatures
	 *        and expiry still are
	 * @exception TrustError (a package not signed as trust requires, or
	 *            expired), IntegrityError (a package that does not match its
	 *            manifest), RollbackError (below the floor), DuplicateError, NotFoundError, IOError (NoSpaceError,
	 *            AccessError), AbortedError, BadInputError (an empty
	 *            download), PendingError, BusyError (an apply while another
	 *            call uses the store, or the store's lock is held),
	 *            CommittedError (done, but leftovers remain for recover())
	 */
	Prune *prune_result(PyObject *new_paths, bool apply = false, size_t keep = 0,
			    bool no_fsync = false, PyObject *on_step = NULL, double wait = 0,
			    const dupg_trust *trust = NULL, PyObject *now = NULL,
			    PyObject *verified = NULL)
	{
		return dupg_py_store_prune($self, new_paths, apply, keep, no_fsync, on_step, wait,
					   trust, now, verified);
	}

	/**
	 * After the site rolled back (every device is back on the configuration
	 * of LIST.rollback), make the store say so: LIST becomes the rollback
	 * list (LIST.rollback stays) and the package files the old LIST named
	 * beyond it, those of the failed upgrade, are removed, crash-safely by
	 * the steps of an apply. Afterwards the store's paths are the rollback
	 * list, a prune of the same download (stored again) gives what it gave
	 * the first time, and a second rollback deletes nothing. Runs without
	 * the GIL; meanwhile every other call on the store (from another
	 * thread, or from on_step) raises BusyError. A failure before the first
	 * step changes nothing, on disk or in the handle.
	 * @param no_fsync skip fsync (simulation only; not crash-safe)
	 * @param on_step called with the step name after each step, as in
	 *        prune_result(); a true result stops the rollback there as a
	 *        crash would (AbortedError), an exception stops it and
	 *        propagates; run recover() after either
	 * @return the dict `dupg-sim rollback` prints: {"list": [...],
	 *         "rollback": [...], "deleted": [...]}, paths as written in the
	 *         lists; "deleted" holds the package paths the rollback removed,
	 *         as the old LIST named them
	 * @param wait seconds to wait for the store's lock held by another
	 *        process or thread; 0 raises BusyError at once
	 * @exception NotFoundError (no LIST.rollback: nothing to roll back to;
	 *            or it names a missing package), DuplicateError, FormatError
	 *            (a bad LIST.rollback), IOError, AbortedError, PendingError
	 *            (an interrupted change is pending), BusyError (another call
	 *            uses the store, or its lock is held), CommittedError
	 */
	PyObject *rollback(bool no_fsync = false, PyObject *on_step = NULL, double wait = 0)
	{
		return dupg_py_store_rollback($self, no_fsync, on_step, wait);
	}

	%pythoncode %{
    list_file = property(_Store_list_file)

    def prune(self, new_paths, apply=False, keep=None, no_fsync=False, on_step=None, wait=0,
              trust=None, now=None, verified=None):
        """Prune the store after a download; the dict `dupg-sim prune` prints.

        Same arguments as prune_result(). Without apply nothing on disk
        changes; with apply=True the store is updated crash-safely, after
        every new package passed verification (under trust when given).
        """
        with self.prune_result(new_paths, apply=apply, keep=keep, no_fsync=no_fsync,
                               on_step=on_step, wait=wait, trust=trust, now=now,
                               verified=verified) as p:
            return p.to_dict()

    def __iter__(self):
        return iter(self.paths())

    def __repr__(self):
        if not self._alive():
            return "<dupg.Store (closed)>"
        try:
            return "<dupg.Store %r: %d packages>" % (self.list_file, len(self))
        except _BusyError:  # an apply on another thread
            return "<dupg.Store (busy)>"
	%}
}
