/* SPDX-License-Identifier: BSD-2-Clause */
/* The shared helper C of the Python bindings: errors, values in and out, holders and their uses. */
#include "dupg_py.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

_Thread_local int dupg_py_rc;

/* Library handles alive; read by dupg.core._live_handles(). */
static long dupg_py_live;

/* ---- Errors ------------------------------------------------------------ */

void dupg_py_raise(const char *cls, int code, const char *msg)
{
	/* dupg.errors._make builds it, so that the class hierarchy lives in one Python file */
	static PyObject *make;
	PyObject *exc;

	if (make == NULL) {
		PyObject *mod = PyImport_ImportModule("dupg.errors");

		if (mod == NULL)
			return;
		make = PyObject_GetAttrString(mod, "_make");
		Py_DECREF(mod);
		if (make == NULL)
			return;
	}
	exc = PyObject_CallFunction(make, "ziN", cls, code,
				    PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg),
							 "surrogateescape"));
	if (exc == NULL)
		return;
	PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
	Py_DECREF(exc);
}

void dupg_py_errorf(const char *cls, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dupg_py_raise(cls, code, msg);
}

void dupg_py_swig_error(int code, const char *msg)
{
	(void)code;
	dupg_py_argerror("%s", msg);
}

int dupg_py_progress(uint64_t done, uint64_t total, const char *file, void *payload)
{
	struct dupg_py_progress_ctx *c = payload;
	PyObject *res, *name;
	int stop = 1;

	dupg_py_relock(c->ts);
	/* a callback that raised already stops the call: no second one */
	if (!PyErr_Occurred() && (name = dupg_py_str(file)) != NULL) {
		res = PyObject_CallFunction(c->fn, "KKN", (unsigned long long)done,
					    (unsigned long long)total, name);
		if (res != NULL) {
			stop = PyObject_IsTrue(res) != 0;
			Py_DECREF(res);
		}
	}
	c->ts = dupg_py_unlock();
	return stop;
}

int dupg_py_check(void)
{
	const char *msg;

	if (PyErr_Occurred())
		return 1;
	if (dupg_py_rc >= 0)
		return 0;
	msg = dupg_error_last();
	if (msg[0] == '\0')
		msg = dupg_strerror(dupg_py_rc);
	dupg_py_raise(NULL, dupg_py_rc, msg);
	return 1;
}

/* ---- Values in and out ------------------------------------------------- */

PyObject *dupg_py_str(const char *s)
{
	if (s == NULL)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

PyObject *dupg_py_bytes(PyObject *o, const char *what)
{
	PyObject *b = NULL;

	if (o != NULL && PyUnicode_FSConverter(o, &b))
		return b;
	PyErr_Clear();
	dupg_py_argerror("%s: expected str, bytes or os.PathLike without NUL characters, not %s",
			 what, o == NULL ? "nothing" : Py_TYPE(o)->tp_name);
	return NULL;
}

PyObject *dupg_py_set(PyObject *list, size_t i, PyObject *item)
{
	if (item == NULL) {
		Py_DECREF(list);
		return NULL;
	}
	PyList_SET_ITEM(list, (Py_ssize_t)i, item);
	return list;
}

int dupg_py_put(PyObject *dict, const char *key, PyObject *item)
{
	int rc;

	if (item == NULL)
		return -1;
	rc = PyDict_SetItemString(dict, key, item);
	Py_DECREF(item);
	return rc;
}

PyObject *dupg_py_str_list(char *const *v, size_t n)
{
	PyObject *list = PyList_New((Py_ssize_t)n);
	size_t i;

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(v[i]));
	return list;
}

int dupg_py_strv_init(struct dupg_py_strv *sv, PyObject *seq, int allow_none, const char *what)
{
	PyObject *fast;
	Py_ssize_t i, n;

	memset(sv, 0, sizeof(*sv));
	if (seq == NULL || PyUnicode_Check(seq) || PyBytes_Check(seq)) {
		dupg_py_argerror("%s: expected a list of strings, not %s", what,
				 seq == NULL ? "nothing" : Py_TYPE(seq)->tp_name);
		return -1;
	}
	fast = PySequence_Fast(seq, "");
	if (fast == NULL) {
		PyErr_Clear();
		dupg_py_argerror("%s: expected a list of strings, not %s", what,
				 Py_TYPE(seq)->tp_name);
		return -1;
	}
	n = PySequence_Fast_GET_SIZE(fast);
	sv->keep = PyList_New(n);
	sv->v = calloc((size_t)n + 1, sizeof(*sv->v));
	if (sv->keep == NULL || sv->v == NULL) {
		Py_DECREF(fast);
		if (sv->v == NULL && !PyErr_Occurred())
			dupg_py_nomem();
		return -1;
	}
	for (i = 0; i < n; i++) {
		PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
		PyObject *b;

		if (item == Py_None && allow_none) {
			Py_INCREF(Py_None);
			PyList_SET_ITEM(sv->keep, i, Py_None);
			continue;
		}
		b = dupg_py_bytes(item, what);
		if (b == NULL) {
			Py_DECREF(fast);
			return -1;
		}
		PyList_SET_ITEM(sv->keep, i, b);
		sv->v[i] = PyBytes_AS_STRING(b);
	}
	sv->n = (size_t)n;
	Py_DECREF(fast);
	return 0;
}

void dupg_py_strv_clear(struct dupg_py_strv *sv)
{
	free(sv->v);
	Py_XDECREF(sv->keep);
	memset(sv, 0, sizeof(*sv));
}

int dupg_py_each_pair(PyObject *obj, const char *what,
		      int (*fn)(void *ctx, PyObject *key, PyObject *value), void *ctx)
{
	PyObject *items, *fast;
	Py_ssize_t i, n;
	int rc = 0;

	if (PyDict_Check(obj) || (PyMapping_Check(obj) && PyObject_HasAttrString(obj, "items")))
		items = PyMapping_Items(obj);
	else
		items = PySequence_List(obj);
	if (items == NULL) {
		PyErr_Clear();
		dupg_py_argerror("%s: expected a mapping or a list of pairs, not %s", what,
				 Py_TYPE(obj)->tp_name);
		return -1;
	}
	n = PyList_GET_SIZE(items);
	for (i = 0; i < n && rc == 0; i++) {
		PyObject *pair = PyList_GET_ITEM(items, i);

		fast = PySequence_Check(pair) && !PyUnicode_Check(pair) ?
		       PySequence_Fast(pair, "") : NULL;
		if (fast == NULL || PySequence_Fast_GET_SIZE(fast) != 2) {
			PyErr_Clear();
			dupg_py_argerror("%s: item %zd is not a (key, value) pair", what, i);
			Py_XDECREF(fast);
			rc = -1;
			break;
		}
		rc = fn(ctx, PySequence_Fast_GET_ITEM(fast, 0), PySequence_Fast_GET_ITEM(fast, 1));
		Py_DECREF(fast);
	}
	Py_DECREF(items);
	return rc;
}

long dupg_py_index(long i, size_t count, const char *what)
{
	long n = (long)count;

	if (i < 0)
		i += n;
	if (i < 0 || i >= n) {
		dupg_py_errorf("OutOfRangeError", DUPG_ENOTFOUND, "%s index out of range", what);
		return -1;
	}
	return i;
}

/* ---- Uses -------------------------------------------------------------- */

static void dupg_py_busy(const char *type, const struct dupg_py_use *u)
{
	if (u->changing)
		dupg_py_errorf("BusyError", DUPG_EBUSY,
			       "%s is busy: another call is changing it", type);
	else
		dupg_py_errorf("BusyError", DUPG_EBUSY,
			       "%s is busy: another call is using it", type);
}

int dupg_py_enter(struct dupg_py_use *u, bool closed, const char *type)
{
	if (closed) {
		if (u == NULL)
			dupg_py_argerror("expected a %s, not None", type);
		else
			dupg_py_errorf(NULL, DUPG_EINVAL, "%s is closed", type);
		return -1;
	}
	if (u->changing) {
		dupg_py_busy(type, u);
		return -1;
	}
	u->calls++;
	return 0;
}

bool dupg_py_leave(struct dupg_py_use *u)
{
	return --u->calls == 0 && u->doomed;
}

int dupg_py_alone(const struct dupg_py_use *u, unsigned int mine, const char *type)
{
	if (u->calls <= mine && !u->changing)
		return 0;
	dupg_py_busy(type, u);
	return -1;
}

int dupg_py_change_begin(struct dupg_py_use *u, const char *type)
{
	if (dupg_py_alone(u, 1, type) < 0)
		return -1;
	u->changing = true;
	return 0;
}

void dupg_py_change_end(struct dupg_py_use *u)
{
	u->changing = false;
}

/* ---- Holders ----------------------------------------------------------- */

long dupg_py_live_handles(void)
{
	return dupg_py_live;
}

void dupg_py_live_add(long delta)
{
	dupg_py_live += delta;
}

static void dupg_py_topo_unref(struct dupg_py_topo *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	dupg_topology_free(c->t);
	free(c);
	dupg_py_live--;
}

#define DUPG_PY_HOLD(Type, ctype, free_fn) \
Type *dupg_py_hold_##Type(ctype *h) \
{ \
	Type *holder = calloc(1, sizeof(*holder)); \
\
	if (holder == NULL) { \
		free_fn(h); \
		dupg_py_nomem(); \
		return NULL; \
	} \
	holder->h = h; \
	dupg_py_live++; \
	return holder; \
}
DUPG_PY_HOLD(Manifest, dupg_manifest, dupg_manifest_free)
DUPG_PY_HOLD(PackageSet, dupg_pkgset, dupg_pkgset_free)
DUPG_PY_HOLD(SystemDescription, dupg_sysvd, dupg_sysvd_free)
DUPG_PY_HOLD(Configuration, dupg_config, dupg_config_free)
DUPG_PY_HOLD(PathList, dupg_pathlist, dupg_pathlist_free)
DUPG_PY_HOLD(Prune, dupg_prune, dupg_prune_free)
DUPG_PY_HOLD(Store, dupg_store, dupg_store_free)
DUPG_PY_HOLD(Plan, dupg_plan, dupg_plan_free)
DUPG_PY_HOLD(Rollout, dupg_rollout, dupg_rollout_free)
DUPG_PY_HOLD(Trust, dupg_trust, dupg_trust_free)
DUPG_PY_HOLD(Partition, dupg_partition, dupg_partition_free)
DUPG_PY_HOLD(Region, dupg_region, dupg_region_free)

Topology *dupg_py_hold_Topology(dupg_topology *t)
{
	struct dupg_py_topo *c = calloc(1, sizeof(*c));
	Topology *holder = c == NULL ? NULL : calloc(1, sizeof(*holder));

	if (holder == NULL) {
		free(c);
		dupg_topology_free(t);
		dupg_py_nomem();
		return NULL;
	}
	c->t = t;
	c->refs = 1;
	holder->h = c;
	dupg_py_live++;
	return holder;
}

Plan *dupg_py_hold_plan_of(dupg_plan *p, struct dupg_py_topo *c)
{
	Plan *plan = dupg_py_hold_Plan(p);

	if (plan != NULL) {
		plan->topo = c;
		c->refs++;
	}
	return plan;
}

/* dupg_py_release_Manifest() and friends free a holder's C side. */
#define DUPG_PY_RELEASE(Type, free_fn) \
static void dupg_py_release_##Type(Type *holder) \
{ \
	if (holder->h != NULL) \
		dupg_py_live--; \
	free_fn(holder->h); \
	holder->h = NULL; \
}
DUPG_PY_RELEASE(Manifest, dupg_manifest_free)
DUPG_PY_RELEASE(PackageSet, dupg_pkgset_free)
DUPG_PY_RELEASE(SystemDescription, dupg_sysvd_free)
DUPG_PY_RELEASE(Configuration, dupg_config_free)
DUPG_PY_RELEASE(PathList, dupg_pathlist_free)
DUPG_PY_RELEASE(Prune, dupg_prune_free)
DUPG_PY_RELEASE(Store, dupg_store_free)
DUPG_PY_RELEASE(Rollout, dupg_rollout_free)
DUPG_PY_RELEASE(Trust, dupg_trust_free)
DUPG_PY_RELEASE(Partition, dupg_partition_free)
DUPG_PY_RELEASE(Region, dupg_region_free)

static void dupg_py_release_Plan(Plan *holder)
{
	if (holder->h != NULL)
		dupg_py_live--;
	dupg_plan_free(holder->h);
	dupg_py_topo_unref(holder->topo);
	holder->h = NULL;
	holder->topo = NULL;
}

static void dupg_py_release_Topology(Topology *holder)
{
	dupg_py_topo_unref(holder->h);
	holder->h = NULL;
}

#define DUPG_PY_LIFE(Type) \
void dupg_py_close_##Type(Type *holder) \
{ \
	if (dupg_py_alone(&holder->use, 0, #Type) == 0) \
		dupg_py_release_##Type(holder); \
} \
void dupg_py_drop_##Type(Type *holder) \
{ \
	dupg_py_release_##Type(holder); \
	free(holder); \
} \
void dupg_py_destroy_##Type(Type *holder) \
{ \
	if (holder->use.calls > 0) \
		holder->use.doomed = true; \
	else \
		dupg_py_drop_##Type(holder); \
}
DUPG_PY_LIFE(Manifest)
DUPG_PY_LIFE(PackageSet)
DUPG_PY_LIFE(SystemDescription)
DUPG_PY_LIFE(Configuration)
DUPG_PY_LIFE(PathList)
DUPG_PY_LIFE(Prune)
DUPG_PY_LIFE(Store)
DUPG_PY_LIFE(Topology)
DUPG_PY_LIFE(Plan)
DUPG_PY_LIFE(Rollout)
DUPG_PY_LIFE(Trust)
DUPG_PY_LIFE(Partition)
DUPG_PY_LIFE(Region)
