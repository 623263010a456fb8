/* SPDX-License-Identifier: BSD-2-Clause */
/* Device descriptions and system descriptions for Python (vd.i). */
#include "dupg_py.h"

#include <stdio.h>
#include <stdlib.h>

/* One optional string field of a device mapping; a missing or None field leaves *out NULL. */
static int dupg_py_field(const char **out, PyObject *dev, const char *key,
			 PyObject *keep, size_t i)
{
	PyObject *val, *b;
	char what[64];

	*out = NULL;
	if (!PyMapping_HasKeyString(dev, key))
		return 0;
	val = PyMapping_GetItemString(dev, key);
	if (val == NULL)
		return -1;
	if (val == Py_None) {
		Py_DECREF(val);
		return 0;
	}
	snprintf(what, sizeof(what), "device %zu: \"%s\"", i, key);
	b = dupg_py_bytes(val, what);
	Py_DECREF(val);
	if (b == NULL || PyList_Append(keep, b) < 0) {
		Py_XDECREF(b);
		return -1;
	}
	*out = PyBytes_AS_STRING(b);
	Py_DECREF(b);
	return 0;
}

/*
 * The expected duration in seconds, under "duration_s" as everywhere else
 * (the C struct, scenarios, reports); the old "duration" is refused by name.
 */
static int dupg_py_duration(uint32_t *out, PyObject *dev, size_t i)
{
	PyObject *val;
	unsigned long d;

	*out = 0;
	if (PyMapping_HasKeyString(dev, "duration")) {
		dupg_py_argerror("device %zu: \"duration\" is not a key: the expected upgrade time is "
				 "\"duration_s\"", i);
		return -1;
	}
	if (!PyMapping_HasKeyString(dev, "duration_s"))
		return 0;
	val = PyMapping_GetItemString(dev, "duration_s");
	if (val == NULL)
		return -1;
	d = PyLong_Check(val) ? PyLong_AsUnsignedLong(val) : (unsigned long)-1;
	Py_DECREF(val);
	if (PyErr_Occurred() || d > UINT32_MAX) {
		PyErr_Clear();
		dupg_py_argerror("device %zu: \"duration_s\" must be an int in 0..%lu seconds", i,
				 (unsigned long)UINT32_MAX);
		return -1;
	}
	*out = (uint32_t)d;
	return 0;
}

void dupg_py_devices_clear(struct dupg_py_devices *d)
{
	free(d->v);
	free(d->parent);
	Py_XDECREF(d->keep);
	memset(d, 0, sizeof(*d));
}

int dupg_py_devices_init(struct dupg_py_devices *d, PyObject *seq)
{
	PyObject *fast;
	Py_ssize_t i, n;

	memset(d, 0, sizeof(*d));
	if (seq == NULL || PyUnicode_Check(seq) || PyBytes_Check(seq) || !PySequence_Check(seq))
		fast = NULL;
	else
		fast = PySequence_Fast(seq, "");
	if (fast == NULL) {
		PyErr_Clear();
		dupg_py_argerror("devices: expected a list of mappings with \"id\", \"hw\" and "
				 "\"version\", not %s", seq == NULL ? "nothing" : Py_TYPE(seq)->tp_name);
		return -1;
	}
	n = PySequence_Fast_GET_SIZE(fast);
	d->keep = PyList_New(0);
	d->v = calloc((size_t)n + 1, sizeof(*d->v));
	d->parent = calloc((size_t)n + 1, sizeof(*d->parent));
	if (d->keep == NULL || d->v == NULL || d->parent == NULL) {
		if (!PyErr_Occurred())
			dupg_py_nomem();
		goto fail;
	}
	for (i = 0; i < n; i++) {
		PyObject *dev = PySequence_Fast_GET_ITEM(fast, i);
		dupg_device_vd *v = &d->v[i];

		if (!PyMapping_Check(dev) || PySequence_Check(dev)) {
			dupg_py_argerror("device %zd: expected a mapping, not %s", i,
					 Py_TYPE(dev)->tp_name);
			goto fail;
		}
		if (dupg_py_field(&v->id, dev, "id", d->keep, (size_t)i) < 0 ||
		    dupg_py_field(&v->hw, dev, "hw", d->keep, (size_t)i) < 0 ||
		    dupg_py_field(&v->version, dev, "version", d->keep, (size_t)i) < 0 ||
		    dupg_py_field(&d->parent[i], dev, "parent", d->keep, (size_t)i) < 0 ||
		    dupg_py_duration(&v->duration_s, dev, (size_t)i) < 0)
			goto fail;
	}
	d->n = (size_t)n;
	Py_DECREF(fast);
	return 0;
fail:
	Py_DECREF(fast);
	dupg_py_devices_clear(d);
	return -1;
}

SystemDescription *dupg_py_sysvd_new(PyObject *devices)
{
	struct dupg_py_devices d;
	dupg_sysvd *s = NULL;
	PyThreadState *ts;
	int rc;

	if (devices == NULL || devices == Py_None)
		rc = dupg_sysvd_new(&s);
	else if (dupg_py_devices_init(&d, devices) < 0)
		return NULL;
	else {
		ts = dupg_py_unlock_if(d.n >= DUPG_PY_NOGIL_DEVICES);
		rc = dupg_merge(&s, d.v, d.n);
		dupg_py_relock_if(ts);
		dupg_py_devices_clear(&d);
	}
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_SystemDescription(s);
}

void dupg_py_sysvd_add(SystemDescription *self, const char *id, const char *hw,
		       const char *version, uint32_t duration_s)
{
	dupg_device_vd dev = { id, hw, version, duration_s };

	if (dupg_py_alone(&self->use, 1, "SystemDescription") == 0)
		DUPG_PY_CALL(dupg_sysvd_add(self->h, &dev));
}

PyObject *dupg_py_sysvd_hw_types(const dupg_sysvd *s)
{
	size_t i, n = dupg_sysvd_hw_count(s);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(dupg_sysvd_hw(s, i)));
	return list;
}

/* The index of hardware type hw, or DUPG_NONE with NotFoundError. */
static size_t dupg_py_sysvd_type(const dupg_sysvd *s, const char *hw)
{
	size_t t = dupg_sysvd_find_hw(s, hw);

	if (t == DUPG_NONE)
		dupg_py_errorf(NULL, DUPG_ENOTFOUND, "hardware type '%s' is not in the system", hw);
	return t;
}

PyObject *dupg_py_sysvd_versions(const dupg_sysvd *s, const char *hw)
{
	size_t t = dupg_py_sysvd_type(s, hw);
	size_t v, d, nv;
	PyObject *list;

	if (t == DUPG_NONE)
		return NULL;
	nv = dupg_sysvd_version_count(s, t);
	list = PyList_New((Py_ssize_t)nv);
	for (v = 0; list != NULL && v < nv; v++) {
		size_t nd = dupg_sysvd_device_count(s, t, v);
		PyObject *e = PyDict_New(), *ids = PyList_New((Py_ssize_t)nd);

		for (d = 0; ids != NULL && d < nd; d++)
			ids = dupg_py_set(ids, d, dupg_py_str(dupg_sysvd_device(s, t, v, d)));
		/* dupg_py_put() takes ids only when it is reached */
		if (e == NULL ||
		    dupg_py_put(e, "version", dupg_py_str(dupg_sysvd_version(s, t, v))) < 0) {
			Py_XDECREF(ids);
			Py_CLEAR(e);
		} else if (dupg_py_put(e, "devices", ids) < 0) {
			Py_CLEAR(e);
		}
		list = dupg_py_set(list, v, e);
	}
	return list;
}

PyObject *dupg_py_sysvd_lowest_version(const dupg_sysvd *s, const char *hw)
{
	size_t t = dupg_py_sysvd_type(s, hw);

	return t == DUPG_NONE ? NULL : dupg_py_str(dupg_sysvd_lowest_version(s, t));
}
