/* SPDX-License-Identifier: BSD-2-Clause */
/* Package sets and matching for Python (match.i). */
#include "dupg_py.h"

PackageSet *dupg_py_pkgset_new(void)
{
	dupg_pkgset *s = NULL;

	if (DUPG_PY_FAILED(dupg_pkgset_new(&s)))
		return NULL;
	return dupg_py_hold_PackageSet(s);
}

void dupg_py_pkgset_add_manifest(PackageSet *self, const char *path, const dupg_manifest *m)
{
	if (dupg_py_alone(&self->use, 1, "PackageSet") == 0)
		DUPG_PY_CALL(dupg_pkgset_add_manifest(self->h, path, m));
}

void dupg_py_pkgset_add_package(PackageSet *self, const char *path, bool verify)
{
	dupg_manifest *m = NULL;
	PyThreadState *ts;
	int rc;

	/* read without the GIL while others may match against the set; added only when none is left */
	ts = dupg_py_unlock();
	rc = verify ? dupg_package_verify(&m, path) : dupg_package_read_manifest(&m, path);
	dupg_py_relock(ts);
	if (!DUPG_PY_FAILED(rc) && dupg_py_alone(&self->use, 1, "PackageSet") == 0)
		DUPG_PY_CALL(dupg_pkgset_add_manifest(self->h, path, m));
	dupg_manifest_free(m);
}

PyObject *dupg_py_pkgset_packages(const dupg_pkgset *set)
{
	size_t i, n = dupg_pkgset_count(set);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++) {
		PyObject *e = PyDict_New();

		if (e != NULL &&
		    (dupg_py_put(e, "path", dupg_py_str(dupg_pkgset_path(set, i))) < 0 ||
		     dupg_py_put(e, "version", dupg_py_str(dupg_pkgset_version(set, i))) < 0))
			Py_CLEAR(e);
		list = dupg_py_set(list, i, e);
	}
	return list;
}

PyObject *dupg_py_pkgset_best(const dupg_pkgset *set, const char *hw)
{
	/* dupg_pkgset_path() gives NULL, so None, for DUPG_NONE */
	return dupg_py_str(dupg_pkgset_path(set, dupg_pkgset_best(set, hw)));
}

PyObject *dupg_py_match(const dupg_pkgset *set, const dupg_sysvd *site)
{
	dupg_task *t = NULL;
	PyObject *res, *paths;
	PyThreadState *ts;
	size_t i, n;
	int rc;

	/* several threads may match against one set: dupg_match() only reads it */
	ts = dupg_py_unlock_if(dupg_sysvd_hw_count(site) >= DUPG_PY_NOGIL_TYPES);
	rc = dupg_match(&t, set, site);
	dupg_py_relock_if(ts);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	n = dupg_task_count(t);
	paths = PyList_New((Py_ssize_t)n);
	for (i = 0; paths != NULL && i < n; i++)
		paths = dupg_py_set(paths, i, dupg_py_str(dupg_task_path(t, i)));
	res = paths == NULL ? NULL : PyDict_New();
	if (res != NULL &&
	    (dupg_py_put(res, "kind", dupg_py_str(dupg_task_kind_name(dupg_task_kind_get(t)))) < 0 ||
	     PyDict_SetItemString(res, "task", paths) < 0))
		Py_CLEAR(res);
	Py_XDECREF(paths);
	dupg_task_free(t);
	return res;
}
