/* SPDX-License-Identifier: BSD-2-Clause */
/* Prune results for Python (prune.i); lists and configurations go by the library's names. */
#include "dupg_py.h"

void dupg_py_prune_options(dupg_prune_options *o, size_t keep)
{
	dupg_prune_options init = DUPG_PRUNE_OPTIONS_INIT;

	*o = init;
	if (keep != 0) {
		o->policy = DUPG_PRUNE_KEEP_LATEST;
		o->keep = keep;
	}
}

PyObject *dupg_py_prune_paths(const dupg_prune *p, const char *which)
{
	dupg_prune_list w;
	size_t i, n;
	PyObject *list;

	if (DUPG_PY_FAILED(dupg_prune_list_parse(&w, which)))
		return NULL;
	n = dupg_prune_count(p, w);
	list = PyList_New((Py_ssize_t)n);
	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(dupg_prune_path(p, w, i)));
	return list;
}

PyObject *dupg_py_prune_indexes(const dupg_prune *p, const char *which)
{
	dupg_prune_list w;
	size_t i, n;
	PyObject *list;

	if (DUPG_PY_FAILED(dupg_prune_list_parse(&w, which)))
		return NULL;
	n = dupg_prune_count(p, w);
	list = PyList_New((Py_ssize_t)n);
	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, PyLong_FromSize_t(dupg_prune_index(p, w, i)));
	return list;
}

PathList *dupg_py_prune_pathlist(const dupg_prune *p, const char *which)
{
	dupg_pathlist *l = NULL;
	dupg_prune_list w;

	if (DUPG_PY_FAILED(dupg_prune_list_parse(&w, which)) ||
	    DUPG_PY_FAILED(dupg_prune_list_dup(&l, p, w)))
		return NULL;
	return dupg_py_hold_PathList(l);
}

Configuration *dupg_py_prune_config(const dupg_prune *p, const char *which)
{
	dupg_prune_config_kind k;

	if (DUPG_PY_FAILED(dupg_prune_config_kind_parse(&k, which)))
		return NULL;
	return dupg_py_config_copy(dupg_prune_config(p, k));
}
