/* SPDX-License-Identifier: BSD-2-Clause */
/* PathList (dupg/pathlist.h): the master's ordered list of stored packages. */

%rename(_PathList_load) dupg_pathlist_load;
%rename(_PathList_add) dupg_pathlist_add;
%rename(_PathList_add_file) dupg_pathlist_add_file;
%rename(_PathList_count) dupg_pathlist_count;
%rename(_PathList_config) dupg_pathlist_config;
%typemap(doctype) int dupg_pathlist_load "PathList"
%typemap(doctype) int dupg_pathlist_config "Configuration"
%typemap(doctype) PyObject *entries "dict or list of pairs, or None"
DUPG_PY_NOGIL(dupg_pathlist_load)
/* the list has it to itself meanwhile: its typemap makes other calls on it busy */
DUPG_PY_NOGIL(dupg_pathlist_add_file)
%include "dupg/pathlist.h"

/**
 * The master's ordered list of stored packages: later entries were added
 * later; each entry is a storage path plus the hardware types the package
 * fits. A path appears only once.
 */
typedef struct {} PathList;

%newobject PathList::prune;

%extend PathList {
	/**
	 * A path list, optionally with entries.
	 * @param entries a mapping (or pairs) of storage path to the list of
	 *        hardware types the package fits, in list order
	 */
	PathList(PyObject *entries = NULL) { return dupg_py_pathlist_new(entries); }

	~PathList() { dupg_py_destroy_PathList($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_PathList($self); }
	DUPG_PY_CONTEXT

	/**
	 * Write the list to a file atomically (temporary file in the same
	 * directory, fsync, rename, fsync of the directory).
	 * @param no_fsync skip the fsyncs (simulation only)
	 */
	void save(const char *list_file, bool no_fsync = false)
	{
		dupg_py_pathlist_save($self->h, list_file, no_fsync);
	}

	/** @return True when path (as written) is listed */
	bool __contains__(const char *path) { return dupg_pathlist_find($self->h, path) != DUPG_NONE; }

	/** @return the path of entry i as written (negative i counts from the end) */
	PyObject *__getitem__(long i) { return dupg_py_pathlist_item($self->h, i); }

	/**
	 * @return the position of path (as written) in the list
	 * @exception NotFoundError when it is not listed
	 */
	long index(const char *path) { return dupg_py_pathlist_index($self->h, path); }

	/** The paths as written, in order. */
	PyObject *paths() { return dupg_py_pathlist_paths($self->h, false); }

	/** The paths resolved against the list file's directory, in order. */
	PyObject *resolved_paths() { return dupg_py_pathlist_paths($self->h, true); }

	/** The hardware types entry i fits (negative i counts from the end). */
	PyObject *hw(long i) { return dupg_py_pathlist_hw($self->h, i); }

	/** The entries as (path, [hardware types]) pairs, in order. */
	PyObject *entries() { return dupg_py_pathlist_entries($self->h); }

	/**
	 * Compute a prune with this list as the stored (first) list. Pure: no
	 * file is touched.
	 * @param downloaded the newly downloaded packages, in download order
	 * @param keep None for the minimal rule; N >= 2 keeps the N latest
	 *        packages per hardware type
	 * @exception BadInputError (bad keep), DuplicateError (a downloaded path
	 *            is already stored, or downloaded twice)
	 */
	Prune *prune(const dupg_pathlist *downloaded, size_t keep = 0)
	{
		return dupg_py_pathlist_prune($self->h, downloaded, keep);
	}

	%pythoncode %{
    load = staticmethod(_PathList_load)
    add = _PathList_add
    add_file = _PathList_add_file
    __len__ = _PathList_count
    config = _PathList_config

    def __iter__(self):
        return iter(self.paths())

    def __repr__(self):
        if not self._alive():
            return "<dupg.PathList (closed)>"
        try:
            return "<dupg.PathList %r>" % self.paths()
        except _BusyError:  # add_file() on another thread
            return "<dupg.PathList (busy)>"
	%}
}
