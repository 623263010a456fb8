/* SPDX-License-Identifier: BSD-2-Clause */
/* Path lists for Python (pathlist.i). */
#include "dupg_py.h"

static int dupg_py_pathlist_pair(void *ctx, PyObject *key, PyObject *value)
{
	struct dupg_py_strv hw;
	PyObject *p = dupg_py_bytes(key, "path list path");
	int rc = -1;

	if (p == NULL)
		return -1;
	if (dupg_py_strv_init(&hw, value, 0, PyBytes_AS_STRING(p)) == 0 &&
	    !DUPG_PY_FAILED(dupg_pathlist_add(ctx, PyBytes_AS_STRING(p), hw.v, hw.n)))
		rc = 0;
	dupg_py_strv_clear(&hw);
	Py_DECREF(p);
	return rc;
}

PathList *dupg_py_pathlist_new(PyObject *entries)
{
	dupg_pathlist *l = NULL;

	if (DUPG_PY_FAILED(dupg_pathlist_new(&l)))
		return NULL;
	if (entries != NULL && entries != Py_None &&
	    dupg_py_each_pair(entries, "path list", dupg_py_pathlist_pair, l) < 0) {
		dupg_pathlist_free(l);
		return NULL;
	}
	return dupg_py_hold_PathList(l);
}

void dupg_py_pathlist_save(const dupg_pathlist *l, const char *list_file, bool no_fsync)
{
	dupg_apply_options o = DUPG_APPLY_OPTIONS_INIT;
	PyThreadState *ts;
	int rc;

	o.no_fsync = no_fsync;
	ts = dupg_py_unlock();
	rc = dupg_pathlist_save(l, list_file, &o);
	dupg_py_relock(ts);
	DUPG_PY_CALL(rc);
}

PyObject *dupg_py_pathlist_item(const dupg_pathlist *l, long i)
{
	i = dupg_py_index(i, dupg_pathlist_count(l), "path list");
	return i < 0 ? NULL : dupg_py_str(dupg_pathlist_path(l, (size_t)i));
}

long dupg_py_pathlist_index(const dupg_pathlist *l, const char *path)
{
	size_t i = dupg_pathlist_find(l, path);

	if (i == DUPG_NONE) {
		dupg_py_errorf(NULL, DUPG_ENOTFOUND, "%s: not in the path list", path);
		return -1;
	}
	return (long)i;
}

PyObject *dupg_py_pathlist_paths(const dupg_pathlist *l, bool resolved)
{
	size_t i, n = dupg_pathlist_count(l);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(resolved ? dupg_pathlist_resolved(l, i) :
								   dupg_pathlist_path(l, i)));
	return list;
}

/* The hardware types of entry i, which exists. */
static PyObject *dupg_py_entry_hw(const dupg_pathlist *l, size_t i)
{
	size_t j, n = dupg_pathlist_hw_count(l, i);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (j = 0; list != NULL && j < n; j++)
		list = dupg_py_set(list, j, dupg_py_str(dupg_pathlist_hw(l, i, j)));
	return list;
}

PyObject *dupg_py_pathlist_hw(const dupg_pathlist *l, long i)
{
	i = dupg_py_index(i, dupg_pathlist_count(l), "path list");
	return i < 0 ? NULL : dupg_py_entry_hw(l, (size_t)i);
}

PyObject *dupg_py_pathlist_entries(const dupg_pathlist *l)
{
	size_t i, n = dupg_pathlist_count(l);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++) {
		PyObject *p = dupg_py_str(dupg_pathlist_path(l, i));
		PyObject *hw = dupg_py_entry_hw(l, i);

		list = dupg_py_set(list, i, p && hw ? PyTuple_Pack(2, p, hw) : NULL);
		Py_XDECREF(p);
		Py_XDECREF(hw);
	}
	return list;
}

Prune *dupg_py_pathlist_prune(const dupg_pathlist *first, const dupg_pathlist *downloaded,
			      size_t keep)
{
	size_t n = dupg_pathlist_count(first) + dupg_pathlist_count(downloaded);
	dupg_prune_options o;
	dupg_prune *p = NULL;
	PyThreadState *ts;
	int rc;

	dupg_py_prune_options(&o, keep);
	ts = dupg_py_unlock_if(n >= DUPG_PY_NOGIL_ENTRIES);
	rc = dupg_prune_compute(&p, first, downloaded, &o);
	dupg_py_relock_if(ts);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Prune(p);
}
