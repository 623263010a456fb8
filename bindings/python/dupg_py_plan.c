/* SPDX-License-Identifier: BSD-2-Clause */
/* Plans for Python (plan.i). */
#include "dupg_py.h"

#include <stdlib.h>

Plan *dupg_py_plan_rollback(const Plan *self)
{
	dupg_plan *p = NULL;

	if (DUPG_PY_FAILED(dupg_plan_rollback(&p, self->h)))
		return NULL;
	return dupg_py_hold_plan_of(p, self->topo);
}

/* Step i as steps() lists it. */
static PyObject *dupg_py_step(const dupg_plan *p, size_t i)
{
	size_t j, nv = dupg_plan_via_count(p, i);
	PyObject *via = PyList_New((Py_ssize_t)nv), *e = PyDict_New();

	for (j = 0; via != NULL && j < nv; j++)
		via = dupg_py_set(via, j, dupg_py_str(dupg_plan_via(p, i, j)));
	/* dupg_py_put() takes via only when it is reached */
	if (e == NULL ||
	    dupg_py_put(e, "device", dupg_py_str(dupg_plan_device(p, i))) < 0 ||
	    dupg_py_put(e, "hw", dupg_py_str(dupg_plan_hw(p, i))) < 0 ||
	    dupg_py_put(e, "package", dupg_py_str(dupg_plan_package(p, i))) < 0 ||
	    dupg_py_put(e, "previous", dupg_py_str(dupg_plan_previous(p, i))) < 0 ||
	    dupg_py_put(e, "version", dupg_py_str(dupg_plan_version(p, i))) < 0 ||
	    dupg_py_put(e, "action", dupg_py_str(dupg_plan_action_name(dupg_plan_action_get(p, i)))) < 0) {
		Py_XDECREF(via);
		Py_CLEAR(e);
	} else if (dupg_py_put(e, "via", via) < 0) {
		Py_CLEAR(e);
	}
	return e;
}

PyObject *dupg_py_plan_steps(const dupg_plan *p)
{
	size_t i, n = dupg_plan_count(p);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_step(p, i));
	return list;
}

PyObject *dupg_py_plan_switch_order(const dupg_plan *p)
{
	size_t i, n = dupg_plan_count(p);
	size_t *order = calloc(n + 1, sizeof(*order));
	PyObject *list;

	if (order == NULL) {
		dupg_py_nomem();
		return NULL;
	}
	dupg_plan_switch_order(p, order);
	list = PyList_New((Py_ssize_t)n);
	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(dupg_plan_device(p, order[i])));
	free(order);
	return list;
}
