/* SPDX-License-Identifier: BSD-2-Clause */
/* Configurations for Python (configuration.i). */
#include "dupg_py.h"

static int dupg_py_config_pair(void *ctx, PyObject *key, PyObject *value)
{
	PyObject *k = dupg_py_bytes(key, "configuration hardware type");
	PyObject *v = k == NULL ? NULL : dupg_py_bytes(value, "configuration path");
	int rc = -1;

	if (v != NULL && !DUPG_PY_FAILED(dupg_config_set(ctx, PyBytes_AS_STRING(k),
							  PyBytes_AS_STRING(v))))
		rc = 0;
	Py_XDECREF(k);
	Py_XDECREF(v);
	return rc;
}

Configuration *dupg_py_config_new(PyObject *mapping)
{
	dupg_config *c = NULL;

	if (DUPG_PY_FAILED(dupg_config_new(&c)))
		return NULL;
	if (mapping != NULL && mapping != Py_None &&
	    dupg_py_each_pair(mapping, "configuration", dupg_py_config_pair, c) < 0) {
		dupg_config_free(c);
		return NULL;
	}
	return dupg_py_hold_Configuration(c);
}

Configuration *dupg_py_config_copy(const dupg_config *c)
{
	dupg_config *copy = NULL;

	if (DUPG_PY_FAILED(dupg_config_dup(&copy, c)))
		return NULL;
	return dupg_py_hold_Configuration(copy);
}

PyObject *dupg_py_config_get(const dupg_config *c, const char *hw)
{
	const char *p = dupg_config_get(c, hw);

	if (p == NULL) {
		dupg_py_errorf(NULL, DUPG_ENOTFOUND, "hardware type '%s' is not configured", hw);
		return NULL;
	}
	return dupg_py_str(p);
}

PyObject *dupg_py_config_items(const dupg_config *c)
{
	size_t i, n = dupg_config_count(c);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++) {
		PyObject *hw = dupg_py_str(dupg_config_hw(c, i));
		PyObject *p = dupg_py_str(dupg_config_path(c, i));

		list = dupg_py_set(list, i, hw && p ? PyTuple_Pack(2, hw, p) : NULL);
		Py_XDECREF(hw);
		Py_XDECREF(p);
	}
	return list;
}
