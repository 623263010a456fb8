/* SPDX-License-Identifier: BSD-2-Clause */
/* Topologies for Python (topology.i). */
#include "dupg_py.h"

/* A topology with the given devices (NULL or None: none); parents may come after their children. */
Topology *dupg_py_topology_new(PyObject *devices)
{
	struct dupg_py_devices d;
	dupg_topology *t = NULL;
	size_t i;

	if (DUPG_PY_FAILED(dupg_topology_new(&t)))
		return NULL;
	if (devices != NULL && devices != Py_None) {
		if (dupg_py_devices_init(&d, devices) < 0) {
			dupg_topology_free(t);
			return NULL;
		}
		for (i = 0; i < d.n; i++)
			if (DUPG_PY_FAILED(dupg_topology_add(t, &d.v[i], d.parent[i])))
				break;
		dupg_py_devices_clear(&d);
		if (dupg_py_rc < 0) {
			dupg_topology_free(t);
			return NULL;
		}
	}
	return dupg_py_hold_Topology(t);
}

/* 0, or -1 with BusyError while a transaction runs a plan of the topology. */
static int dupg_py_topo_unfrozen(const struct dupg_py_topo *c)
{
	if (c->txns == 0)
		return 0;
	dupg_py_errorf("BusyError", DUPG_EBUSY, "Topology is used by %u open transaction%s: close "
		       "it first", c->txns, c->txns == 1 ? "" : "s");
	return -1;
}

void dupg_py_topology_add(Topology *self, const char *id, const char *hw, const char *version,
			  const char *parent, uint32_t duration_s)
{
	dupg_device_vd dev = { id, hw, version, duration_s };

	if (dupg_py_topo_unfrozen(self->h) == 0 && dupg_py_alone(&self->use, 1, "Topology") == 0 &&
	    !DUPG_PY_FAILED(dupg_topology_add(self->h->t, &dev, parent)))
		self->h->checked = false;
}

/* Check the structure once after every change: parents, depths and the master need it. */
static int dupg_py_topo_ready(struct dupg_py_topo *c)
{
	if (c->checked)
		return 0;
	if (DUPG_PY_FAILED(dupg_topology_check(c->t, NULL)))
		return -1;
	c->checked = true;
	return 0;
}

/* Device i as devices() lists it; the topology is checked. */
static PyObject *dupg_py_device(const dupg_topology *t, size_t i)
{
	const dupg_device_vd *d = dupg_topology_device(t, i);
	size_t parent = dupg_topology_parent(t, i);
	PyObject *e = PyDict_New();

	if (e != NULL &&
	    (dupg_py_put(e, "id", dupg_py_str(d->id)) < 0 ||
	     dupg_py_put(e, "hw", dupg_py_str(d->hw)) < 0 ||
	     dupg_py_put(e, "version", dupg_py_str(d->version)) < 0 ||
	     dupg_py_put(e, "duration_s", PyLong_FromUnsignedLong(d->duration_s)) < 0 ||
	     dupg_py_put(e, "parent", dupg_py_str(parent == DUPG_NONE ? NULL :
			 dupg_topology_device(t, parent)->id)) < 0 ||
	     dupg_py_put(e, "depth", PyLong_FromSize_t(dupg_topology_depth(t, i))) < 0))
		Py_CLEAR(e);
	return e;
}

PyObject *dupg_py_topology_devices(struct dupg_py_topo *c)
{
	size_t i, n = dupg_topology_count(c->t);
	PyObject *list;

	if (dupg_py_topo_ready(c) < 0)
		return NULL;
	list = PyList_New((Py_ssize_t)n);
	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_device(c->t, i));
	return list;
}

/* The index of device id, or DUPG_NONE with NotFoundError. */
static size_t dupg_py_find(const dupg_topology *t, const char *id)
{
	size_t i = dupg_topology_find(t, id);

	if (i == DUPG_NONE)
		dupg_py_errorf(NULL, DUPG_ENOTFOUND, "device '%s' is not in the topology", id);
	return i;
}

PyObject *dupg_py_topology_device(struct dupg_py_topo *c, const char *id)
{
	size_t i = dupg_py_find(c->t, id);

	if (i == DUPG_NONE || dupg_py_topo_ready(c) < 0)
		return NULL;
	return dupg_py_device(c->t, i);
}

PyObject *dupg_py_topology_master(struct dupg_py_topo *c)
{
	if (dupg_py_topo_ready(c) < 0)
		return NULL;
	return dupg_py_str(dupg_topology_device(c->t, dupg_topology_master(c->t))->id);
}

void dupg_py_topology_set_version(Topology *self, const char *id, const char *version)
{
	size_t i = dupg_py_find(self->h->t, id);

	if (i != DUPG_NONE && dupg_py_topo_unfrozen(self->h) == 0 &&
	    dupg_py_alone(&self->use, 1, "Topology") == 0)
		DUPG_PY_CALL(dupg_topology_set_version(self->h->t, i, version));
}

Plan *dupg_py_plan_upgrade(struct dupg_py_topo *c, const dupg_config *current,
			   const dupg_config *wanted)
{
	dupg_plan *p = NULL;

	if (dupg_py_topo_ready(c) < 0 ||
	    DUPG_PY_FAILED(dupg_plan_upgrade(&p, c->t, current, wanted)))
		return NULL;
	return dupg_py_hold_plan_of(p, c);
}
