/*
 * SWIG interface of libdupg for Python: builds the extension dupg._dupg and
 * its proxy module dupg.core. The package dupg (__init__.py) re-exports what
 * is here and adds the pure-Python parts (errors, simulator runs).
 *
 * Shape of the bindings:
 * - every opaque library handle is held by a small struct (Manifest,
 *   PackageSet, ...) that becomes a Python class; the struct lets close()
 *   free the C side early and makes later calls raise instead of crash;
 * - getters hand back plain Python values (str, int, list, dict), copied
 *   while the C object is alive, so nothing borrowed outlives its parent;
 * - a failing library call sets dupg_py_rc; the one %exception below turns
 *   it into the dupg.Error subclass chosen by the code (dupg/errors.py),
 *   carrying dupg_error_last().
 * - long library calls (packages, stores, path list files, big matches)
 *   run without the GIL, touching no Python object meanwhile; every call on
 *   a handle holds a use of it (dupg_py_enter() and friends, below), so
 *   another thread can neither free nor change a handle under it.
 * Everything else, the handle counter and the uses included, only changes
 * with the GIL held.
 */
%module(package="dupg", docstring="libdupg bindings (low level). Import dupg, not this module.") core

%begin %{
#define PY_SSIZE_T_CLEAN
%}

%pythonbegin %{
import json as _json

from .errors import ArgumentError as _ArgumentError
from .errors import BusyError as _BusyError
from .errors import OutOfRangeError
%}

%feature("kwargs");
%feature("compactdefaultargs");
%feature("autodoc", "0");

%include <stdint.i>

%{
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dupg.h"

/* Negative after a failed library call; checked by %exception. Per thread,
 * like the library's own error state, since a step callback runs Python code
 * that may let another thread call in. */
static _Thread_local int dupg_py_rc;
/* Library handles alive; lets the tests see the C side go with the object. */
static long dupg_py_live;

#define DUPG_PY_FAILED(expr) ((dupg_py_rc = (expr)) < 0)
/* The same as a statement, when nothing follows the call. */
#define DUPG_PY_CALL(expr) ((void)(dupg_py_rc = (expr)))

/*
 * Raise the dupg.Error subclass named cls (NULL: chosen by code), built by
 * dupg.errors._make so the class hierarchy lives in one Python file.
 */
static void dupg_py_raise(const char *cls, int code, const char *msg)
{
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

static void dupg_py_errorf(const char *cls, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void dupg_py_errorf(const char *cls, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dupg_py_raise(cls, code, msg);
}

/* A Python value of the wrong type or shape: dupg.ArgumentError (also a TypeError). */
#define dupg_py_argerror(...) dupg_py_errorf("ArgumentError", DUPG_EINVAL, __VA_ARGS__)

/* Called by %exception after every wrapped call: 1 when an exception is set. */
static int dupg_py_check(void)
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

/* Strings out: paths are bytes on disk, so undecodable bytes survive a round trip. */
static PyObject *dupg_py_str(const char *s)
{
	if (s == NULL)
		Py_RETURN_NONE;
	return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "surrogateescape");
}

/* Strings in: str, bytes or os.PathLike to a bytes object (new reference). */
static PyObject *dupg_py_bytes(PyObject *o, const char *what)
{
	PyObject *b = NULL;

	if (o != NULL && PyUnicode_FSConverter(o, &b))
		return b;
	PyErr_Clear();
	dupg_py_argerror("%s: expected str, bytes or os.PathLike without NUL characters, not %s",
			 what, o == NULL ? "nothing" : Py_TYPE(o)->tp_name);
	return NULL;
}

/* Take ownership of a new list item; NULL item: drop the list. */
static PyObject *dupg_py_set(PyObject *list, size_t i, PyObject *item)
{
	if (item == NULL) {
		Py_DECREF(list);
		return NULL;
	}
	PyList_SET_ITEM(list, (Py_ssize_t)i, item);
	return list;
}

/* Store item in dict under key, consuming the reference; 0 or -1. */
static int dupg_py_put(PyObject *dict, const char *key, PyObject *item)
{
	int rc;

	if (item == NULL)
		return -1;
	rc = PyDict_SetItemString(dict, key, item);
	Py_DECREF(item);
	return rc;
}

/* A sequence of strings as a C array; the bytes objects are kept alive in keep. */
struct dupg_py_strv {
	const char **v;
	size_t n;
	PyObject *keep;
};

static int dupg_py_strv_init(struct dupg_py_strv *sv, PyObject *seq, int allow_none,
			     const char *what)
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
			dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
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

static void dupg_py_strv_clear(struct dupg_py_strv *sv)
{
	free(sv->v);
	Py_XDECREF(sv->keep);
	memset(sv, 0, sizeof(*sv));
}

/*
 * Call fn for each (key, value) of a mapping, or of an iterable of
 * two-item sequences. 0 or -1 with an exception set.
 */
static int dupg_py_each_pair(PyObject *obj, const char *what,
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

/* Device descriptions from a sequence of mappings {"id", "hw", "version", "parent", "duration"}. */
struct dupg_py_devices {
	dupg_device_vd *v;
	const char **parent;
	size_t n;
	PyObject *keep;
};

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

static int dupg_py_duration(uint32_t *out, PyObject *dev, size_t i)
{
	static const char *const keys[] = { "duration", "duration_s" };
	size_t k;

	*out = 0;
	for (k = 0; k < 2; k++) {
		PyObject *val;
		unsigned long d;

		if (!PyMapping_HasKeyString(dev, keys[k]))
			continue;
		val = PyMapping_GetItemString(dev, keys[k]);
		if (val == NULL)
			return -1;
		d = PyLong_Check(val) ? PyLong_AsUnsignedLong(val) : (unsigned long)-1;
		Py_DECREF(val);
		if (PyErr_Occurred() || d > UINT32_MAX) {
			PyErr_Clear();
			dupg_py_argerror("device %zu: \"%s\" must be an int in 0..%lu seconds",
					 i, keys[k], (unsigned long)UINT32_MAX);
			return -1;
		}
		*out = (uint32_t)d;
		return 0;
	}
	return 0;
}

static void dupg_py_devices_clear(struct dupg_py_devices *d)
{
	free(d->v);
	free(d->parent);
	Py_XDECREF(d->keep);
	memset(d, 0, sizeof(*d));
}

static int dupg_py_devices_init(struct dupg_py_devices *d, PyObject *seq)
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
			dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
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

/*
 * How calls use a handle, so that no call frees or changes a handle another
 * call is working on: one running without the GIL, or one running Python
 * code meanwhile (a callback, or a finalizer run by the garbage collector)
 * that lets another thread in. Every call on a handle holds a use of it from
 * its argument checks to its end (the check and freearg typemaps). While a
 * use is held, close() and the calls that change the handle raise
 * BusyError; while a call changes a handle without the GIL, so does every
 * other call on it. A handle whose Python object goes while in use is freed
 * when its last use ends. Read and written with the GIL held only.
 */
struct dupg_py_use {
	unsigned int calls;  /* calls using the handle */
	bool changing;       /* one of them changes it without the GIL */
	bool doomed;         /* its Python object went: free at the last use's end */
};

/* Holders. h is NULL once closed. */
typedef struct { dupg_manifest *h; struct dupg_py_use use; } Manifest;
typedef struct { dupg_pkgset *h; struct dupg_py_use use; } PackageSet;
typedef struct { dupg_sysvd *h; struct dupg_py_use use; } SystemDescription;
typedef struct { dupg_config *h; struct dupg_py_use use; } Configuration;
typedef struct { dupg_pathlist *h; struct dupg_py_use use; } PathList;
typedef struct { dupg_prune *h; struct dupg_py_use use; } Prune;
typedef struct { dupg_store *h; struct dupg_py_use use; } Store;

/* A topology is shared by its Python object and by every plan made from it
 * (plans borrow its device ids), so it goes when the last of them does. */
struct dupg_py_topo {
	dupg_topology *t;
	unsigned int refs;
	bool checked;
};
typedef struct { struct dupg_py_topo *h; struct dupg_py_use use; } Topology;
typedef struct { dupg_plan *h; struct dupg_py_topo *topo; struct dupg_py_use use; } Plan;

static void dupg_py_topo_unref(struct dupg_py_topo *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	dupg_topology_free(c->t);
	free(c);
	dupg_py_live--;
}

static void dupg_py_busy(const char *type, const struct dupg_py_use *u)
{
	if (u->changing)
		dupg_py_errorf("BusyError", DUPG_EBUSY,
			       "%s is busy: another call is changing it", type);
	else
		dupg_py_errorf("BusyError", DUPG_EBUSY,
			       "%s is busy: another call is using it", type);
}

static void dupg_py_closed(const char *type, int is_none)
{
	if (is_none)
		dupg_py_argerror("expected a %s, not None", type);
	else
		dupg_py_errorf(NULL, DUPG_EINVAL, "%s is closed", type);
}

/* A call starts using a handle: 0, or -1 with an exception (None, closed, busy). */
#define DUPG_PY_ENTER(holder, type) \
	dupg_py_enter((holder) == NULL ? NULL : &(holder)->use, \
		      (holder) == NULL || (holder)->h == NULL, (type))
static int dupg_py_enter(struct dupg_py_use *u, bool closed, const char *type)
{
	if (closed) {
		dupg_py_closed(type, u == NULL);
		return -1;
	}
	if (u->changing) {
		dupg_py_busy(type, u);
		return -1;
	}
	u->calls++;
	return 0;
}

/* The call ends: true when the handle must be freed now (its object went). */
static bool dupg_py_leave(struct dupg_py_use *u)
{
	return --u->calls == 0 && u->doomed;
}

/*
 * 0 when at most `mine` calls (the caller's own uses) use the handle and
 * none changes it, else -1 with BusyError.
 */
static int dupg_py_alone(const struct dupg_py_use *u, unsigned int mine, const char *type)
{
	if (u->calls <= mine && !u->changing)
		return 0;
	dupg_py_busy(type, u);
	return -1;
}

/* A call that uses a handle is about to change it without the GIL: 0 or -1 (BusyError). */
static int dupg_py_change_begin(struct dupg_py_use *u, const char *type)
{
	if (dupg_py_alone(u, 1, type) < 0)
		return -1;
	u->changing = true;
	return 0;
}

static void dupg_py_change_end(struct dupg_py_use *u)
{
	u->changing = false;
}

/*
 * Long library calls run without the GIL: other Python threads go on
 * meanwhile. Nothing Python is touched between the two; the library's error
 * state is per thread, so %exception still reads this call's message.
 */
static PyThreadState *dupg_py_unlock(void)
{
	return PyEval_SaveThread();
}

static void dupg_py_relock(PyThreadState *ts)
{
	PyEval_RestoreThread(ts);
}

/*
 * Computations (no file is read) run without the GIL only from these sizes
 * on: below them a call takes a few microseconds, less than handing the GIL
 * over and taking it back costs when other threads want it.
 */
#define DUPG_PY_NOGIL_TYPES 256          /* hardware types of a matched site */
#define DUPG_PY_NOGIL_DEVICES 256        /* devices merged */
#define DUPG_PY_NOGIL_ENTRIES 4096       /* path list entries pruned */
#define DUPG_PY_NOGIL_JSON (16 * 1024)   /* bytes of JSON parsed */

/* The same, for a call that may or may not be worth it (NULL: the GIL is kept). */
static PyThreadState *dupg_py_unlock_if(bool worth)
{
	return worth ? PyEval_SaveThread() : NULL;
}

static void dupg_py_relock_if(PyThreadState *ts)
{
	if (ts != NULL)
		PyEval_RestoreThread(ts);
}

/*
 * dupg_py_hold_Manifest(h) and friends: a new holder around handle h, which
 * it owns from now on; NULL (h freed, exception set) when out of memory.
 */
#define DUPG_PY_HOLDER(Type, ctype, free_fn) \
static Type *dupg_py_hold_##Type(ctype *h) \
{ \
	Type *holder = calloc(1, sizeof(*holder)); \
\
	if (holder == NULL) { \
		free_fn(h); \
		dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory"); \
		return NULL; \
	} \
	holder->h = h; \
	dupg_py_live++; \
	return holder; \
}
DUPG_PY_HOLDER(Manifest, dupg_manifest, dupg_manifest_free)
DUPG_PY_HOLDER(PackageSet, dupg_pkgset, dupg_pkgset_free)
DUPG_PY_HOLDER(SystemDescription, dupg_sysvd, dupg_sysvd_free)
DUPG_PY_HOLDER(Configuration, dupg_config, dupg_config_free)
DUPG_PY_HOLDER(PathList, dupg_pathlist, dupg_pathlist_free)
DUPG_PY_HOLDER(Prune, dupg_prune, dupg_prune_free)
DUPG_PY_HOLDER(Store, dupg_store, dupg_store_free)
DUPG_PY_HOLDER(Plan, dupg_plan, dupg_plan_free)

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

/*
 * The end of a holder: dupg_py_close_Manifest() is close() (BusyError while
 * in use), dupg_py_drop_Manifest() frees everything, and
 * dupg_py_destroy_Manifest() is the destructor, which leaves the freeing to
 * the last use when there is one.
 */
#define DUPG_PY_LIFE(Type) \
static void dupg_py_close_##Type(Type *holder) \
{ \
	if (dupg_py_alone(&holder->use, 0, #Type) == 0) \
		dupg_py_release_##Type(holder); \
} \
static void dupg_py_drop_##Type(Type *holder) \
{ \
	dupg_py_release_##Type(holder); \
	free(holder); \
} \
static void dupg_py_destroy_##Type(Type *holder) \
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


/* Python index (negative counts from the end) to a C index, or -1 with OutOfRangeError. */
static long dupg_py_index(long i, size_t count, const char *what)
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

/* dupg._build_package(), declared to SWIG with its defaults in the Packages section. */
static Manifest *_build_package(const char *out_path, const char *name, const char *version,
			 const char *const *hw, size_t hw_count,
			 const char *const *sources, size_t source_count,
			 const char *const *install_paths, size_t install_count,
			 const char *format, const char *build_time,
			 const char *vendor, bool no_fsync)
{
	static const struct { const char *name; dupg_pack_format f; } formats[] = {
		{ "auto", DUPG_PACK_AUTO }, { "tar", DUPG_PACK_TAR },
		{ "tar.gz", DUPG_PACK_TAR_GZ }, { "tar.xz", DUPG_PACK_TAR_XZ },
		{ "tar.zst", DUPG_PACK_TAR_ZST }, { "zip", DUPG_PACK_ZIP },
	};
	dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
	dupg_pack_file *files;
	dupg_manifest *m = NULL;
	PyThreadState *ts;
	size_t i;
	int rc;

	if (source_count != install_count) {
		dupg_py_argerror("sources and install paths differ in length");
		return NULL;
	}
	if (format != NULL) {
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(format, formats[i].name) == 0)
				break;
		if (i == sizeof(formats) / sizeof(formats[0])) {
			dupg_py_errorf("UnsupportedError", DUPG_EUNSUPPORTED,
				       "%s: unknown package format '%s' (auto, tar, tar.gz, "
				       "tar.xz, tar.zst, zip)", out_path, format);
			return NULL;
		}
		opts.format = formats[i].f;
	}
	opts.build_time = build_time;
	opts.vendor = vendor;
	opts.no_fsync = no_fsync;
	files = calloc(source_count + 1, sizeof(*files));
	if (files == NULL) {
		dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < source_count; i++) {
		files[i].source = sources[i];
		files[i].path = install_paths[i];
	}
	ts = dupg_py_unlock();
	rc = dupg_package_build(&m, out_path, name, version, hw, hw_count, files, source_count,
				&opts);
	dupg_py_relock(ts);
	free(files);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Manifest(m);
}

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

static int dupg_py_prune_list(dupg_prune_list *out, const char *which)
{
	static const char *const names[] = { "second", "third", "fourth", "deletable" };
	int i;

	for (i = 0; i < 4; i++) {
		if (strcmp(which, names[i]) == 0) {
			*out = (dupg_prune_list)i;
			return 0;
		}
	}
	dupg_py_errorf(NULL, DUPG_EINVAL,
		       "unknown prune list '%s' (second, third, fourth, deletable)", which);
	return -1;
}

static PyObject *dupg_py_pathlist_paths(const dupg_pathlist *l, bool resolved)
{
	size_t i, n = dupg_pathlist_count(l);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(resolved ? dupg_pathlist_resolved(l, i) :
								   dupg_pathlist_path(l, i)));
	return list;
}

static PyObject *dupg_py_pathlist_hw(const dupg_pathlist *l, size_t i)
{
	size_t j, n = dupg_pathlist_hw_count(l, i);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (j = 0; list != NULL && j < n; j++)
		list = dupg_py_set(list, j, dupg_py_str(dupg_pathlist_hw(l, i, j)));
	return list;
}

static void dupg_py_prune_opts(dupg_prune_options *o, size_t keep)
{
	dupg_prune_options init = DUPG_PRUNE_OPTIONS_INIT;

	*o = init;
	if (keep != 0) {
		o->policy = DUPG_PRUNE_KEEP_LATEST;
		o->keep = keep;
	}
}

static const char *const dupg_py_step_names[] = {
	"journal_temp", "journal", "rollback_temp", "rollback",
	"list_temp", "list", "delete", "done",
};

/*
 * Step callback of an apply running without the GIL: the Python callable
 * runs with the GIL taken back; a true result or an exception from it stops
 * the apply.
 */
struct dupg_py_step_ctx {
	PyObject *fn;
	PyThreadState *ts;  /* the applying thread's state while it runs without the GIL */
};

static int dupg_py_step(dupg_apply_step step, void *payload)
{
	struct dupg_py_step_ctx *c = payload;
	PyObject *res;
	int stop = 1;

	if ((unsigned int)step >= sizeof(dupg_py_step_names) / sizeof(dupg_py_step_names[0]))
		return 0;
	dupg_py_relock(c->ts);
	res = PyObject_CallFunction(c->fn, "s", dupg_py_step_names[step]);
	if (res != NULL) {
		stop = PyObject_IsTrue(res) != 0;
		Py_DECREF(res);
	}
	c->ts = dupg_py_unlock();
	return stop;
}

/*
 * The downloaded packages given to Store.prune_result(): a list file, or
 * paths resolved against the store's directory. Converted with the GIL,
 * loaded without it.
 */
struct dupg_py_new {
	PyObject *keep;            /* the list file's bytes, or NULL */
	const char *list_file;
	struct dupg_py_strv paths;
	char *dir;                 /* the store's directory, for paths */
	dupg_pathlist *list;       /* the result of dupg_py_new_load() */
};

static void dupg_py_new_clear(struct dupg_py_new *n)
{
	Py_XDECREF(n->keep);
	dupg_py_strv_clear(&n->paths);
	free(n->dir);
	dupg_pathlist_free(n->list);
	memset(n, 0, sizeof(*n));
}

static int dupg_py_new_init(struct dupg_py_new *n, const dupg_store *s, PyObject *new_paths)
{
	const char *list_file, *slash;

	memset(n, 0, sizeof(*n));
	if (PyUnicode_Check(new_paths) || PyBytes_Check(new_paths) ||
	    PyObject_HasAttrString(new_paths, "__fspath__")) {
		n->keep = dupg_py_bytes(new_paths, "new list file");
		if (n->keep == NULL)
			return -1;
		n->list_file = PyBytes_AS_STRING(n->keep);
		return 0;
	}
	if (dupg_py_strv_init(&n->paths, new_paths, 0, "new_paths") < 0) {
		dupg_py_new_clear(n);
		return -1;
	}
	list_file = dupg_store_list_file(s);
	slash = strrchr(list_file, '/');
	if (slash == NULL)
		n->dir = strdup(".");
	else
		n->dir = strndup(list_file, slash == list_file ? 1 : (size_t)(slash - list_file));
	if (n->dir == NULL) {
		dupg_py_new_clear(n);
		dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
		return -1;
	}
	return 0;
}

/* Without the GIL: build n->list; 0 or a library error code. */
static int dupg_py_new_load(struct dupg_py_new *n)
{
	size_t i;
	int rc;

	if (n->list_file != NULL)
		return dupg_pathlist_load(&n->list, n->list_file);
	rc = dupg_pathlist_new(&n->list);
	for (i = 0; rc == 0 && i < n->paths.n; i++)
		rc = dupg_pathlist_add_file(n->list, n->paths.v[i], n->dir);
	return rc;
}

/* With the GIL: the dict `dupg-sim rollback` prints. */
static PyObject *dupg_py_rollback_dict(const dupg_pathlist *now, char *const *rb, size_t nrb,
				       char *const *deleted, size_t ndeleted)
{
	PyObject *res = PyDict_New(), *list;
	size_t i;

	if (res == NULL)
		return NULL;
	if (dupg_py_put(res, "list", dupg_py_pathlist_paths(now, false)) < 0)
		goto fail;
	list = PyList_New((Py_ssize_t)nrb);
	for (i = 0; list != NULL && i < nrb; i++)
		list = dupg_py_set(list, i, dupg_py_str(rb[i]));
	if (dupg_py_put(res, "rollback", list) < 0)
		goto fail;
	list = PyList_New((Py_ssize_t)ndeleted);
	for (i = 0; list != NULL && i < ndeleted; i++)
		list = dupg_py_set(list, i, dupg_py_str(deleted[i]));
	if (dupg_py_put(res, "deleted", list) < 0)
		goto fail;
	return res;
fail:
	Py_DECREF(res);
	return NULL;
}

/* Check the structure once after every change: planning and parent queries need it. */
static int dupg_py_topo_ready(struct dupg_py_topo *c)
{
	if (c->checked)
		return 0;
	if (DUPG_PY_FAILED(dupg_topology_check(c->t, NULL)))
		return -1;
	c->checked = true;
	return 0;
}

static PyObject *dupg_py_device(struct dupg_py_topo *c, size_t i)
{
	const dupg_device_vd *d = dupg_topology_device(c->t, i);
	size_t parent = dupg_topology_parent(c->t, i);
	PyObject *e = PyDict_New();

	if (e != NULL &&
	    (dupg_py_put(e, "id", dupg_py_str(d->id)) < 0 ||
	     dupg_py_put(e, "hw", dupg_py_str(d->hw)) < 0 ||
	     dupg_py_put(e, "version", dupg_py_str(d->version)) < 0 ||
	     dupg_py_put(e, "duration", PyLong_FromUnsignedLong(d->duration_s)) < 0 ||
	     dupg_py_put(e, "parent", dupg_py_str(parent == DUPG_NONE ? NULL :
			 dupg_topology_device(c->t, (size_t)parent)->id)) < 0 ||
	     dupg_py_put(e, "depth", PyLong_FromSize_t(dupg_topology_depth(c->t, i))) < 0))
		Py_CLEAR(e);
	return e;
}

static Plan *dupg_py_plan(dupg_plan *p, struct dupg_py_topo *c)
{
	Plan *plan = dupg_py_hold_Plan(p);

	if (plan != NULL) {
		plan->topo = c;
		c->refs++;
	}
	return plan;
}
%}

/* ------------------------------------------------------------------------ */
/* Errors: argument conversion failures in SWIG's own code raise the binding's
 * ArgumentError (a dupg.Error and a TypeError) like the typemaps below. */
%header %{
static void dupg_py_swig_error(int code, const char *msg)
{
	(void)code;
	dupg_py_argerror("%s", msg);
}
#undef SWIG_Error
#define SWIG_Error(code, msg) dupg_py_swig_error((code), (msg))
%}

%exception {
	dupg_py_rc = 0;
	$action
	if (dupg_py_check())
		SWIG_fail;
}

/* ------------------------------------------------------------------------ */
/* Typemaps. */

/* Results built as Python objects are handed over as they are. */
%typemap(out) PyObject * "$result = $1;";

/* Strings the library hands over are freed with dupg_free(). */
%typemap(newfree) char * "dupg_free($1);";

/*
 * Strings in: str (encoded as file names are, so undecodable names survive),
 * bytes or os.PathLike. None is refused unless the parameter is optional.
 */
%typemap(in) const char * (PyObject *keep = NULL) {
	keep = dupg_py_bytes($input, "$1_name");
	if (keep == NULL)
		SWIG_fail;
	$1 = PyBytes_AS_STRING(keep);
}
%typemap(freearg) const char * "Py_XDECREF(keep$argnum);";
%typemap(in) const char *OPTSTR (PyObject *keep = NULL) {
	if ($input != Py_None) {
		keep = dupg_py_bytes($input, "$1_name");
		if (keep == NULL)
			SWIG_fail;
		$1 = PyBytes_AS_STRING(keep);
	}
}
%typemap(freearg) const char *OPTSTR "Py_XDECREF(keep$argnum);";

/* Paths: the same. */
%typemap(in) const char *PATH (PyObject *keep = NULL) {
	keep = dupg_py_bytes($input, "$1_name");
	if (keep == NULL)
		SWIG_fail;
	$1 = PyBytes_AS_STRING(keep);
}
%typemap(freearg) const char *PATH "Py_XDECREF(keep$argnum);";
%typemap(in) const char *OPTPATH (PyObject *keep = NULL) {
	if ($input != Py_None) {
		keep = dupg_py_bytes($input, "$1_name");
		if (keep == NULL)
			SWIG_fail;
		$1 = PyBytes_AS_STRING(keep);
	}
}
%typemap(freearg) const char *OPTPATH "Py_XDECREF(keep$argnum);";

/* Lists of strings. */
%typemap(in) (const char *const *STRINGS, size_t COUNT) (struct dupg_py_strv sv) {
	if (dupg_py_strv_init(&sv, $input, 0, "$1_name") < 0)
		SWIG_fail;
	$1 = ($1_ltype)sv.v;
	$2 = sv.n;
}
%typemap(arginit) (const char *const *STRINGS, size_t COUNT) "memset(&sv$argnum, 0, sizeof(sv$argnum));";
%typemap(freearg) (const char *const *STRINGS, size_t COUNT) "dupg_py_strv_clear(&sv$argnum);";

/* Text: str or bytes, with its length. */
%typemap(in) (const char *TEXT, size_t LENGTH) (PyObject *keep = NULL) {
	if (PyUnicode_Check($input))
		keep = PyUnicode_AsUTF8String($input);
	else if (PyBytes_Check($input)) {
		keep = $input;
		Py_INCREF(keep);
	} else {
		dupg_py_argerror("$1_name: expected str or bytes, not %s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
	if (keep == NULL)
		SWIG_fail;
	$1 = PyBytes_AS_STRING(keep);
	$2 = (size_t)PyBytes_GET_SIZE(keep);
}
%typemap(freearg) (const char *TEXT, size_t LENGTH) "Py_XDECREF(keep$argnum);";

/* A count where None means "not set". */
%typemap(in) size_t OPTCOUNT {
	$1 = 0;
	if ($input != Py_None) {
		size_t v;
		if (!PyLong_Check($input) || (v = PyLong_AsSize_t($input)) == (size_t)-1) {
			PyErr_Clear();
			dupg_py_argerror("$1_name: expected a non-negative int or None");
			SWIG_fail;
		}
		$1 = v;
	}
}

/* A callable or None. */
%typemap(in) PyObject *CALLABLE {
	if ($input != Py_None && !PyCallable_Check($input)) {
		dupg_py_argerror("$1_name: expected a callable or None, not %s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
	$1 = $input == Py_None ? NULL : $input;
}

/*
 * Every handle class: None is refused where a handle is expected, and a
 * closed handle raises BadInputError instead of reaching the library. Each
 * handle argument, self included, is used by the call until it ends (see
 * struct dupg_py_use); not self in the destructor, close() and _open(),
 * which accept a closed handle.
 */
%{
/* Inlined so that the compiler answers it for each wrapper's constant name. */
static inline __attribute__((always_inline)) int dupg_py_needs_open(const char *symname)
{
	size_t n = strlen(symname);

	return strncmp(symname, "delete_", 7) != 0 &&
	       !(n > 6 && strcmp(symname + n - 6, "_close") == 0) &&
	       !(n > 6 && strcmp(symname + n - 6, "__open") == 0);
}
%}
%define DUPG_PY_CHECK_OPEN(TYPE)
%typemap(check) TYPE * (bool used = false) {
	if (DUPG_PY_ENTER($1, "TYPE") < 0)
		SWIG_fail;
	used = true;
}
%typemap(freearg) TYPE * {
	if (used$argnum && dupg_py_leave(&$1->use))
		dupg_py_drop_##TYPE($1);
}
%typemap(check) TYPE *self (bool used = false) {
	if (dupg_py_needs_open("$symname")) {
		if (DUPG_PY_ENTER($1, "TYPE") < 0)
			SWIG_fail;
		used = true;
	}
}
%typemap(freearg) TYPE *self {
	if (used$argnum && dupg_py_leave(&$1->use))
		dupg_py_drop_##TYPE($1);
}
%enddef
DUPG_PY_CHECK_OPEN(Manifest)
DUPG_PY_CHECK_OPEN(PackageSet)
DUPG_PY_CHECK_OPEN(SystemDescription)
DUPG_PY_CHECK_OPEN(Configuration)
DUPG_PY_CHECK_OPEN(PathList)
DUPG_PY_CHECK_OPEN(Prune)
DUPG_PY_CHECK_OPEN(Store)
DUPG_PY_CHECK_OPEN(Topology)
DUPG_PY_CHECK_OPEN(Plan)

/* Context manager and the close() docs, shared by every handle class. */
%define DUPG_PY_CONTEXT
	/** @return True until close() */
	bool _open() { return $self->h != NULL; }
%pythoncode %{
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def _alive(self):
        try:
            return self._open()
        except _ArgumentError:  # a constructor that failed leaves no C side
            return False
%}
%enddef

/* How the parameters read in the docstrings. */
%typemap(doctype) const char *, const char *PATH "str"
%typemap(doctype) const char *OPTSTR, const char *OPTPATH "str or None"
%typemap(doctype) const char *const * "list of str"
%typemap(doctype) const char *json "str or bytes"
%typemap(doctype) size_t OPTCOUNT "int or None"
%typemap(doctype) PyObject *CALLABLE "callable or None"
%typemap(doctype) PyObject * "object"

%apply const char *PATH { const char *path, const char *list_file, const char *out_path };
%apply const char *OPTPATH { const char *base_dir };
%apply const char *OPTSTR {
	const char *a, const char *b, const char *origin, const char *parent,
	const char *format, const char *build_time, const char *vendor
};
%apply (const char *const *STRINGS, size_t COUNT) {
	(const char *const *hw, size_t hw_count),
	(const char *const *sources, size_t source_count),
	(const char *const *install_paths, size_t install_count)
};
%apply (const char *TEXT, size_t LENGTH) { (const char *json, size_t len) };
%apply size_t OPTCOUNT { size_t keep };
%apply PyObject *CALLABLE { PyObject *on_step };

/* ------------------------------------------------------------------------ */
/* Functions whose C signature is already Pythonic come straight from the
 * headers, with their doxygen comments as docstrings. */
%rename("%(strip:[DUPG_])s", %$isenumitem) "";
%ignore dupg_error_last;
%ignore dupg_error_last_code;
%ignore dupg_error_clear;
%ignore dupg_free;
%rename(strerror) dupg_strerror;
%rename(version_number) dupg_version_number;
%rename(version_string) dupg_version_string;
%rename(vercmp) dupg_vercmp;
%include "dupg/common.h"
%include "dupg/vercmp.h"

/** Largest manifest.json accepted, in bytes; larger ones are refused. */
%constant unsigned int MANIFEST_MAX_BYTES = DUPG_MANIFEST_MAX_BYTES;
/** The manifest schema version this library reads and writes. */
%constant int MANIFEST_FORMAT = DUPG_MANIFEST_FORMAT;

%inline %{
/** Number of library handles currently held by Python objects (for leak tests). */
long _live_handles(void)
{
	return dupg_py_live;
}
%}

/* ------------------------------------------------------------------------ */
/* Manifest */

%newobject Manifest::from_package;
%newobject Manifest::parse;
%newobject Manifest::to_json;

/**
 * An upgrade package manifest (schema v1): name, version, the hardware types
 * the package fits, optional build time and vendor, and the install files
 * with their sizes and XXH3-128 digests. XXH3 detects corruption, not
 * tampering.
 */
typedef struct {} Manifest;

%extend Manifest {
	/**
	 * Create a manifest with no files.
	 * @param name package name (non-empty)
	 * @param version package version (non-empty)
	 * @param hw hardware types the package fits
	 */
	Manifest(const char *name, const char *version, const char *const *hw = NULL,
		 size_t hw_count = 0)
	{
		dupg_manifest *m = NULL;
		size_t i;

		if (DUPG_PY_FAILED(dupg_manifest_new(&m, name, version)))
			return NULL;
		for (i = 0; i < hw_count; i++) {
			if (DUPG_PY_FAILED(dupg_manifest_add_hw(m, hw[i]))) {
				dupg_manifest_free(m);
				return NULL;
			}
		}
		return dupg_py_hold_Manifest(m);
	}

	~Manifest() { dupg_py_destroy_Manifest($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing twice
	 * is fine; closing while another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Manifest($self); }
	DUPG_PY_CONTEXT
}


%extend Manifest {
	/**
	 * Parse manifest JSON text and validate it fully (required keys and
	 * types, non-empty hardware list, relative install paths without `..`,
	 * sizes within bounds, 32-hex digests, no duplicate paths).
	 * @param json the text (str or bytes)
	 * @param origin name used in error messages (e.g. the package path)
	 * @return the manifest
	 * @exception FormatError, UnsupportedError (unknown format), DuplicateError
	 */
	static Manifest *parse(const char *json, size_t len, const char *origin = NULL)
	{
		dupg_manifest *m = NULL;
		PyThreadState *ts;
		int rc;

		ts = dupg_py_unlock_if(len >= DUPG_PY_NOGIL_JSON);
		rc = dupg_manifest_parse(&m, json, len, origin);
		dupg_py_relock_if(ts);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_Manifest(m);
	}

	/**
	 * Read the manifest of a package archive (tar, tar.gz, tar.xz, tar.zst,
	 * zip). With verify (the default) every file is streamed through
	 * XXH3-128 and checked against the manifest, and the archive must hold
	 * exactly the listed regular files; without it only the manifest is read.
	 * @param path the package file
	 * @param verify check the payload too
	 * @return the manifest
	 * @exception NotFoundError, ArchiveError, FormatError, UnsupportedError,
	 *            IntegrityError (size or digest mismatch, missing, unlisted,
	 *            non-regular or duplicate entry), IOError
	 */
	static Manifest *from_package(const char *path, bool verify = true)
	{
		dupg_manifest *m = NULL;
		PyThreadState *ts;
		int rc;

		ts = dupg_py_unlock();
		rc = verify ? dupg_package_verify(&m, path) : dupg_package_read_manifest(&m, path);
		dupg_py_relock(ts);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_Manifest(m);
	}

	/** The package name. */
	PyObject *_name() { return dupg_py_str(dupg_manifest_name($self->h)); }
	/** The package version. */
	PyObject *_version() { return dupg_py_str(dupg_manifest_version($self->h)); }
	/** The build time, or None. */
	PyObject *_build_time() { return dupg_py_str(dupg_manifest_build_time($self->h)); }
	/** The vendor, or None. */
	PyObject *_vendor() { return dupg_py_str(dupg_manifest_vendor($self->h)); }
	/** Sum of the declared sizes of every file, in bytes. */
	uint64_t _total_size() { return dupg_manifest_total_size($self->h); }

	/** The hardware types the package fits, in manifest order. */
	PyObject *_hw()
	{
		size_t i, n = dupg_manifest_hw_count($self->h);
		PyObject *list = PyList_New((Py_ssize_t)n);

		for (i = 0; list != NULL && i < n; i++)
			list = dupg_py_set(list, i, dupg_py_str(dupg_manifest_hw($self->h, i)));
		return list;
	}

	/** The install files: a list of {"path", "size", "xxh128"} dicts. */
	PyObject *_files()
	{
		size_t i, n = dupg_manifest_file_count($self->h);
		PyObject *list = PyList_New((Py_ssize_t)n);

		for (i = 0; list != NULL && i < n; i++) {
			PyObject *f = PyDict_New();

			if (f != NULL &&
			    (dupg_py_put(f, "path", dupg_py_str(dupg_manifest_file_path($self->h, i))) < 0 ||
			     dupg_py_put(f, "size", PyLong_FromUnsignedLongLong(
						 dupg_manifest_file_size($self->h, i))) < 0 ||
			     dupg_py_put(f, "xxh128",
					 dupg_py_str(dupg_manifest_file_xxh128_hex($self->h, i))) < 0))
				Py_CLEAR(f);
			list = dupg_py_set(list, i, f);
		}
		return list;
	}

	/** @return True when the package fits hardware type hw */
	bool fits(const char *hw) { return dupg_manifest_fits($self->h, hw) != 0; }

	/** Add a hardware type the package fits; adding a type twice is a no-op. */
	void add_hw(const char *hw)
	{
		if (dupg_py_alone(&$self->use, 1, "Manifest") == 0)
			DUPG_PY_CALL(dupg_manifest_add_hw($self->h, hw));
	}

	/**
	 * List an install file.
	 * @param path relative install path (no leading '/', no `..` component)
	 * @param size size in bytes
	 * @param xxh128 its XXH3-128 digest: 32 hex digits (as `xxhsum -H2`
	 *        prints) or the 16 canonical bytes
	 */
	void add_file(const char *path, uint64_t size, PyObject *xxh128)
	{
		unsigned char d[16];

		if (PyBytes_Check(xxh128) && PyBytes_GET_SIZE(xxh128) == 16) {
			memcpy(d, PyBytes_AS_STRING(xxh128), 16);
		} else if (PyUnicode_Check(xxh128) && PyUnicode_GET_LENGTH(xxh128) == 32) {
			const char *hex = PyUnicode_AsUTF8(xxh128);
			size_t i;

			for (i = 0; hex != NULL && i < 16; i++) {
				unsigned int byte;

				if (sscanf(hex + 2 * i, "%2x", &byte) != 1 ||
				    strspn(hex + 2 * i, "0123456789abcdefABCDEF") < 2)
					break;
				d[i] = (unsigned char)byte;
			}
			if (hex == NULL || i < 16) {
				PyErr_Clear();
				dupg_py_errorf(NULL, DUPG_EINVAL, "%s: xxh128 is not 32 hex digits", path);
				return;
			}
		} else {
			dupg_py_errorf(NULL, DUPG_EINVAL,
				       "%s: xxh128 must be 32 hex digits or 16 bytes", path);
			return;
		}
		if (dupg_py_alone(&$self->use, 1, "Manifest") == 0)
			DUPG_PY_CALL(dupg_manifest_add_file($self->h, path, size, d));
	}

	/** Set the build time (None clears it). */
	void _set_build_time(const char *build_time)
	{
		if (dupg_py_alone(&$self->use, 1, "Manifest") == 0)
			DUPG_PY_CALL(dupg_manifest_set_build_time($self->h, build_time));
	}
	/** Set the vendor (None clears it). */
	void _set_vendor(const char *vendor)
	{
		if (dupg_py_alone(&$self->use, 1, "Manifest") == 0)
			DUPG_PY_CALL(dupg_manifest_set_vendor($self->h, vendor));
	}

	/** The manifest as JSON text (schema v1). */
	char *to_json()
	{
		char *out = NULL;

		DUPG_PY_CALL(dupg_manifest_to_json(&out, $self->h));
		return out;
	}

	%pythoncode %{
    name = property(_name, doc="The package name.")
    version = property(_version, doc="The package version.")
    hw = property(_hw, doc="The hardware types the package fits, in manifest order.")
    files = property(_files, doc='The install files: a list of {"path", "size", "xxh128"} dicts.')
    total_size = property(_total_size, doc="Sum of the declared sizes of every file, in bytes.")
    build_time = property(_build_time, _set_build_time, doc="The build time, or None.")
    vendor = property(_vendor, _set_vendor, doc="The vendor, or None.")

    def to_dict(self):
        """The manifest as a dict with the keys of manifest.json."""
        return _json.loads(self.to_json())

    def __eq__(self, other):
        if not isinstance(other, Manifest):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None

    def __repr__(self):
        if not self._alive():
            return "<dupg.Manifest (closed)>"
        return "<dupg.Manifest %r %r hw=%r files=%d>" % (
            self.name, self.version, self.hw, len(self.files))
	%}
}

/* ------------------------------------------------------------------------ */
/* Packages */

%newobject _build_package;


/**
 * Build a package: digests every source file, writes manifest.json first and
 * then the files, into a temporary file beside out_path that is fsynced and
 * renamed over out_path. On failure nothing is left at out_path.
 * (Use dupg.build_package(), which accepts the files in friendlier shapes.)
 */
Manifest *_build_package(const char *out_path, const char *name, const char *version,
			 const char *const *hw, size_t hw_count,
			 const char *const *sources, size_t source_count,
			 const char *const *install_paths, size_t install_count,
			 const char *format = NULL, const char *build_time = NULL,
			 const char *vendor = NULL, bool no_fsync = false);

%inline %{
/**
 * XXH3-128 of a file on disk, streamed.
 * @param path the file
 * @return the digest as 32 lowercase hex digits (as `xxhsum -H2` prints it)
 * @exception NotFoundError, IOError
 */
PyObject *file_xxh128(const char *path)
{
	unsigned char d[16];
	char hex[33];
	PyThreadState *ts;
	size_t i;
	int rc;

	ts = dupg_py_unlock();
	rc = dupg_file_xxh128(d, NULL, path);
	dupg_py_relock(ts);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	for (i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return dupg_py_str(hex);
}
%}

/* ------------------------------------------------------------------------ */
/* System descriptions */

%newobject SystemDescription::from_json;
%newobject SystemDescription::to_json;

/**
 * A system version description: the devices' descriptions merged by hardware
 * type. Each hardware type lists every distinct version run by its devices
 * (ascending) with the ids of the devices that run it; types in the order
 * first seen.
 */
typedef struct {} SystemDescription;

%extend SystemDescription {
	/**
	 * Merge device descriptions by hardware type.
	 * @param devices a list of {"id", "hw", "version"} mappings (an optional
	 *        "duration" in seconds is accepted too)
	 * @exception BadInputError (a missing field), DuplicateError (an id twice)
	 */
	SystemDescription(PyObject *devices = NULL)
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

	~SystemDescription() { dupg_py_destroy_SystemDescription($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_SystemDescription($self); }
	DUPG_PY_CONTEXT
}


%extend SystemDescription {
	/**
	 * Parse the JSON shape to_json() writes,
	 * `{"hw": {"TYPE": [{"version": "V", "devices": ["id", ...]}, ...]}}`.
	 * @param origin name used in error messages (e.g. the file)
	 * @exception FormatError, DuplicateError
	 */
	static SystemDescription *from_json(const char *json, size_t len, const char *origin = NULL)
	{
		dupg_sysvd *s = NULL;
		PyThreadState *ts;
		int rc;

		ts = dupg_py_unlock_if(len >= DUPG_PY_NOGIL_JSON);
		rc = dupg_sysvd_from_json(&s, json, len, origin);
		dupg_py_relock_if(ts);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_SystemDescription(s);
	}

	/**
	 * Merge one more device in.
	 * @param duration expected upgrade duration in seconds, 0 when unknown
	 * @exception BadInputError (empty field), DuplicateError (id already merged)
	 */
	void add(const char *id, const char *hw, const char *version, uint32_t duration = 0)
	{
		dupg_device_vd dev = { id, hw, version, duration };

		if (dupg_py_alone(&$self->use, 1, "SystemDescription") == 0)
			DUPG_PY_CALL(dupg_sysvd_add($self->h, &dev));
	}

	/** Number of hardware types. */
	size_t __len__() { return dupg_sysvd_hw_count($self->h); }

	/** @return True when some device has hardware type hw */
	bool __contains__(const char *hw) { return dupg_sysvd_find_hw($self->h, hw) != DUPG_NONE; }

	/** The hardware types, in the order first seen. */
	PyObject *hw_types()
	{
		size_t i, n = dupg_sysvd_hw_count($self->h);
		PyObject *list = PyList_New((Py_ssize_t)n);

		for (i = 0; list != NULL && i < n; i++)
			list = dupg_py_set(list, i, dupg_py_str(dupg_sysvd_hw($self->h, i)));
		return list;
	}

	/**
	 * The versions run by devices of one hardware type, ascending.
	 * @return a list of {"version": V, "devices": [id, ...]} dicts
	 * @exception NotFoundError when no device has that type
	 */
	PyObject *__getitem__(const char *hw)
	{
		size_t t = dupg_sysvd_find_hw($self->h, hw);
		size_t v, d, nv;
		PyObject *list;

		if (t == DUPG_NONE) {
			dupg_py_errorf(NULL, DUPG_ENOTFOUND, "hardware type '%s' is not in the system", hw);
			return NULL;
		}
		nv = dupg_sysvd_version_count($self->h, t);
		list = PyList_New((Py_ssize_t)nv);
		for (v = 0; list != NULL && v < nv; v++) {
			size_t nd = dupg_sysvd_device_count($self->h, t, v);
			PyObject *e = PyDict_New(), *ids = PyList_New((Py_ssize_t)nd);

			for (d = 0; ids != NULL && d < nd; d++)
				ids = dupg_py_set(ids, d, dupg_py_str(dupg_sysvd_device($self->h, t, v, d)));
			if (e != NULL &&
			    (dupg_py_put(e, "version", dupg_py_str(dupg_sysvd_version($self->h, t, v))) < 0 ||
			     dupg_py_put(e, "devices", ids) < 0))
				Py_CLEAR(e);
			else if (e == NULL)
				Py_XDECREF(ids);
			list = dupg_py_set(list, v, e);
		}
		return list;
	}

	/**
	 * The lowest version run by a hardware type (what decides whether it needs a package).
	 * @exception NotFoundError when no device has that type
	 */
	PyObject *lowest_version(const char *hw)
	{
		size_t t = dupg_sysvd_find_hw($self->h, hw);

		if (t == DUPG_NONE) {
			dupg_py_errorf(NULL, DUPG_ENOTFOUND, "hardware type '%s' is not in the system", hw);
			return NULL;
		}
		return dupg_py_str(dupg_sysvd_lowest_version($self->h, t));
	}

	/** As JSON: `{"hw": {"TYPE": [{"version": "V", "devices": ["id", ...]}, ...]}}`. */
	char *to_json()
	{
		char *out = NULL;

		DUPG_PY_CALL(dupg_sysvd_to_json(&out, $self->h));
		return out;
	}

	%pythoncode %{
    @classmethod
    def from_dict(cls, data, origin="dict"):
        """Build from the dict shape to_dict() returns (and `dupg-sim merge` prints)."""
        return cls.from_json(_json.dumps(data), origin)

    def to_dict(self):
        """{"hw": {"TYPE": [{"version": "V", "devices": ["id", ...]}, ...]}}"""
        return _json.loads(self.to_json())

    def __iter__(self):
        return iter(self.hw_types())

    def __repr__(self):
        if not self._alive():
            return "<dupg.SystemDescription (closed)>"
        return "<dupg.SystemDescription %s>" % ", ".join(
            "%s: %s" % (hw, "/".join(v["version"] for v in self[hw])) for hw in self)
	%}
}

/* ------------------------------------------------------------------------ */
/* Package sets and matching */

/**
 * The management server's indexed package set: each hardware type maps to
 * its best package (highest version that fits it; ties: the one added first)
 * as packages are added, so matching a site costs one lookup per hardware
 * type.
 */
typedef struct {} PackageSet;

%extend PackageSet {
	/** An empty package set. */
	PackageSet()
	{
		dupg_pkgset *s = NULL;

		if (DUPG_PY_FAILED(dupg_pkgset_new(&s)))
			return NULL;
		return dupg_py_hold_PackageSet(s);
	}

	~PackageSet() { dupg_py_destroy_PackageSet($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_PackageSet($self); }
	DUPG_PY_CONTEXT
}


%extend PackageSet {
	/**
	 * Add a package.
	 * @param path its storage path on the server (what a task lists)
	 * @param version its version
	 * @param hw the hardware types it fits (at least one)
	 * @exception BadInputError, DuplicateError (path already in the set)
	 */
	void add(const char *path, const char *version, const char *const *hw, size_t hw_count)
	{
		if (dupg_py_alone(&$self->use, 1, "PackageSet") == 0)
			DUPG_PY_CALL(dupg_pkgset_add($self->h, path, version, hw, hw_count));
	}

	/** Add a package described by its manifest (version and hardware types). */
	void add_manifest(const char *path, Manifest *manifest)
	{
		if (dupg_py_alone(&$self->use, 1, "PackageSet") == 0)
			DUPG_PY_CALL(dupg_pkgset_add_manifest($self->h, path, manifest->h));
	}

	/**
	 * Add a package file by reading its manifest; the path is kept as given.
	 * The file is read without the GIL; other calls may match against the
	 * set meanwhile, but the package is added only when none is left
	 * (BusyError otherwise).
	 * @param verify verify the whole package first (default: read the manifest only)
	 */
	void add_package(const char *path, bool verify = false)
	{
		dupg_manifest *m = NULL;
		PyThreadState *ts;
		int rc;

		ts = dupg_py_unlock();
		rc = verify ? dupg_package_verify(&m, path) : dupg_package_read_manifest(&m, path);
		dupg_py_relock(ts);
		if (!DUPG_PY_FAILED(rc) && dupg_py_alone(&$self->use, 1, "PackageSet") == 0)
			DUPG_PY_CALL(dupg_pkgset_add_manifest($self->h, path, m));
		dupg_manifest_free(m);
	}

	/** Number of packages. */
	size_t __len__() { return dupg_pkgset_count($self->h); }

	/** The packages in the order added: a list of {"path", "version"} dicts. */
	PyObject *packages()
	{
		size_t i, n = dupg_pkgset_count($self->h);
		PyObject *list = PyList_New((Py_ssize_t)n);

		for (i = 0; list != NULL && i < n; i++) {
			PyObject *e = PyDict_New();

			if (e != NULL &&
			    (dupg_py_put(e, "path", dupg_py_str(dupg_pkgset_path($self->h, i))) < 0 ||
			     dupg_py_put(e, "version", dupg_py_str(dupg_pkgset_version($self->h, i))) < 0))
				Py_CLEAR(e);
			list = dupg_py_set(list, i, e);
		}
		return list;
	}

	/** @return the path of the best package for hardware type hw, or None when none fits */
	PyObject *best(const char *hw)
	{
		return dupg_py_str(dupg_pkgset_path($self->h, dupg_pkgset_best($self->h, hw)));
	}

	/** Match one site (a SystemDescription); see match(). */
	PyObject *_match(SystemDescription *site)
	{
		dupg_task *t = NULL;
		PyObject *res, *paths;
		PyThreadState *ts;
		size_t i, n;
		int rc;

		/* several threads may match against one set: dupg_match() only reads it */
		ts = dupg_py_unlock_if(dupg_sysvd_hw_count(site->h) >= DUPG_PY_NOGIL_TYPES);
		rc = dupg_match(&t, $self->h, site->h);
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

	%pythoncode %{
    def match(self, site):
        """Match one site against the set.

        :param site: a SystemDescription, or its dict shape
            ({"hw": {"TYPE": [{"version", "devices"}]}}).
        :return: {"kind": "full" | "incremental" | "none", "task": [path, ...]},
            the distinct needed packages' paths in package-set order.
        """
        if isinstance(site, SystemDescription):
            return self._match(site)
        with SystemDescription.from_dict(site, "site") as s:
            return self._match(s)

    def __iter__(self):
        return iter([p["path"] for p in self.packages()])

    def __repr__(self):
        if not self._alive():
            return "<dupg.PackageSet (closed)>"
        return "<dupg.PackageSet %d packages>" % len(self)
	%}
}

/* ------------------------------------------------------------------------ */
/* Configurations */

%newobject Configuration::copy;
%newobject Configuration::to_json;

/**
 * A configuration: each hardware type mapped to the package path it runs,
 * in hardware-type order of first appearance. Behaves like a read-write
 * mapping (no deletion).
 */
typedef struct {} Configuration;


%extend Configuration {
	/** @param mapping initial entries: a mapping (or pairs) of hardware type to path */
	Configuration(PyObject *mapping = NULL)
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

	~Configuration() { dupg_py_destroy_Configuration($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Configuration($self); }
	DUPG_PY_CONTEXT
}


%extend Configuration {
	/** Map hw to path, replacing any earlier mapping. */
	void __setitem__(const char *hw, const char *path)
	{
		if (dupg_py_alone(&$self->use, 1, "Configuration") == 0)
			DUPG_PY_CALL(dupg_config_set($self->h, hw, path));
	}

	/**
	 * @return the package path of hardware type hw
	 * @exception NotFoundError (a KeyError) when hw is not configured
	 */
	PyObject *__getitem__(const char *hw)
	{
		const char *p = dupg_config_get($self->h, hw);

		if (p == NULL) {
			dupg_py_errorf(NULL, DUPG_ENOTFOUND, "hardware type '%s' is not configured", hw);
			return NULL;
		}
		return dupg_py_str(p);
	}

	/** Number of hardware types. */
	size_t __len__() { return dupg_config_count($self->h); }

	/** @return True when hw is configured */
	bool __contains__(const char *hw) { return dupg_config_get($self->h, hw) != NULL; }

	/** The (hardware type, path) pairs, in order. */
	PyObject *items()
	{
		size_t i, n = dupg_config_count($self->h);
		PyObject *list = PyList_New((Py_ssize_t)n);

		for (i = 0; list != NULL && i < n; i++) {
			PyObject *hw = dupg_py_str(dupg_config_hw($self->h, i));
			PyObject *p = dupg_py_str(dupg_config_path($self->h, i));

			list = dupg_py_set(list, i, hw && p ? PyTuple_Pack(2, hw, p) : NULL);
			Py_XDECREF(hw);
			Py_XDECREF(p);
		}
		return list;
	}

	/** @return True when both map the same types to the same paths */
	bool _equal(Configuration *other) { return dupg_config_equal($self->h, other->h) != 0; }

	/** A copy. */
	Configuration *copy()
	{
		dupg_config *c = NULL;

		if (DUPG_PY_FAILED(dupg_config_dup(&c, $self->h)))
			return NULL;
		return dupg_py_hold_Configuration(c);
	}

	/** As JSON: `{"TYPE": "path", ...}`. */
	char *to_json()
	{
		char *out = NULL;

		DUPG_PY_CALL(dupg_config_to_json(&out, $self->h));
		return out;
	}

	%pythoncode %{
    def keys(self):
        """The hardware types, in order."""
        return [hw for hw, _ in self.items()]

    def values(self):
        """The package paths, in hardware-type order."""
        return [p for _, p in self.items()]

    def get(self, hw, default=None):
        """The path of hw, or default."""
        return self[hw] if hw in self else default

    def to_dict(self):
        """{"TYPE": "path", ...}"""
        return dict(self.items())

    def __iter__(self):
        return iter(self.keys())

    def __eq__(self, other):
        if isinstance(other, Configuration):
            return self._equal(other)
        if isinstance(other, dict):
            return self.to_dict() == other
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        if not self._alive():
            return "<dupg.Configuration (closed)>"
        return "<dupg.Configuration %r>" % self.to_dict()
	%}
}

/* ------------------------------------------------------------------------ */
/* Path lists and pruning */

%newobject PathList::load;
%newobject PathList::config;
%newobject PathList::prune;
%newobject Prune::pathlist;
%newobject Prune::config;
%newobject Prune::to_json;

/**
 * The master's ordered list of stored packages: later entries were added
 * later; each entry is a storage path plus the hardware types the package
 * fits. A path appears only once.
 */
typedef struct {} PathList;

%nodefaultctor Prune;
/**
 * The result of a prune: the second list (first + downloaded), the third
 * (second - deletable: the new stored list), the fourth (first - deletable:
 * the rollback list), the deletable packages, and the latest and rollback
 * configurations.
 */
typedef struct {} Prune;


%extend PathList {
	/**
	 * A path list, optionally with entries.
	 * @param entries a mapping (or pairs) of storage path to the list of
	 *        hardware types the package fits, in list order
	 */
	PathList(PyObject *entries = NULL)
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

	~PathList() { dupg_py_destroy_PathList($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_PathList($self); }
	DUPG_PY_CONTEXT
}

%extend Prune {
	~Prune() { dupg_py_destroy_Prune($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Prune($self); }
	DUPG_PY_CONTEXT
}


%extend PathList {
	/**
	 * Load a list file: read the paths (a relative path is relative to the
	 * list file's directory), check that none appears twice and that every
	 * named package exists, and read each package's manifest for the
	 * hardware types it fits.
	 * @exception NotFoundError (the list or a package it names is missing),
	 *            DuplicateError (a path twice), FormatError, IOError, ArchiveError
	 */
	static PathList *load(const char *list_file)
	{
		dupg_pathlist *l = NULL;
		PyThreadState *ts;
		int rc;

		ts = dupg_py_unlock();
		rc = dupg_pathlist_load(&l, list_file);
		dupg_py_relock(ts);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_PathList(l);
	}

	/**
	 * Append a package (the file is not looked at).
	 * @param path storage path, as it should be printed and saved
	 * @param hw hardware types it fits (at least one)
	 * @exception BadInputError, DuplicateError (path already listed)
	 */
	void add(const char *path, const char *const *hw, size_t hw_count)
	{
		if (dupg_py_alone(&$self->use, 1, "PathList") == 0)
			DUPG_PY_CALL(dupg_pathlist_add($self->h, path, hw, hw_count));
	}

	/**
	 * Append a stored package by reading its manifest (payload not verified).
	 * Runs without the GIL; meanwhile other calls on the list raise BusyError.
	 * @param path the path as it should be printed and saved
	 * @param base_dir directory a relative path is resolved against (None: the current directory)
	 * @exception DuplicateError, NotFoundError, ArchiveError, FormatError,
	 *            BusyError (another call uses the list)
	 */
	void add_file(const char *path, const char *base_dir = NULL)
	{
		PyThreadState *ts;
		int rc;

		if (dupg_py_change_begin(&$self->use, "PathList") < 0)
			return;
		ts = dupg_py_unlock();
		rc = dupg_pathlist_add_file($self->h, path, base_dir);
		dupg_py_relock(ts);
		dupg_py_change_end(&$self->use);
		DUPG_PY_CALL(rc);
	}

	/**
	 * Write the list to a file atomically (temporary file in the same
	 * directory, fsync, rename, fsync of the directory).
	 * @param no_fsync skip the fsyncs (simulation only)
	 */
	void save(const char *list_file, bool no_fsync = false)
	{
		PyThreadState *ts;
		int rc;

		dupg_apply_options o = DUPG_APPLY_OPTIONS_INIT;

		o.no_fsync = no_fsync;
		ts = dupg_py_unlock();
		rc = dupg_pathlist_save($self->h, list_file, &o);
		dupg_py_relock(ts);
		DUPG_PY_CALL(rc);
	}

	/** Number of entries. */
	size_t __len__() { return dupg_pathlist_count($self->h); }

	/** @return True when path (as written) is listed */
	bool __contains__(const char *path) { return dupg_pathlist_find($self->h, path) != DUPG_NONE; }

	/** @return the path of entry i as written (negative i counts from the end) */
	PyObject *__getitem__(long i)
	{
		i = dupg_py_index(i, dupg_pathlist_count($self->h), "path list");
		return i < 0 ? NULL : dupg_py_str(dupg_pathlist_path($self->h, (size_t)i));
	}

	/**
	 * @return the position of path (as written) in the list
	 * @exception NotFoundError when it is not listed
	 */
	long index(const char *path)
	{
		size_t i = dupg_pathlist_find($self->h, path);

		if (i == DUPG_NONE) {
			dupg_py_errorf(NULL, DUPG_ENOTFOUND, "%s: not in the path list", path);
			return -1;
		}
		return (long)i;
	}

	/** The paths as written, in order. */
	PyObject *paths() { return dupg_py_pathlist_paths($self->h, false); }

	/** The paths resolved against the list file's directory, in order. */
	PyObject *resolved_paths() { return dupg_py_pathlist_paths($self->h, true); }

	/** The hardware types entry i fits (negative i counts from the end). */
	PyObject *hw(long i)
	{
		i = dupg_py_index(i, dupg_pathlist_count($self->h), "path list");
		return i < 0 ? NULL : dupg_py_pathlist_hw($self->h, (size_t)i);
	}

	/** The entries as (path, [hardware types]) pairs, in order. */
	PyObject *entries()
	{
		size_t i, n = dupg_pathlist_count($self->h);
		PyObject *list = PyList_New((Py_ssize_t)n);

		for (i = 0; list != NULL && i < n; i++) {
			PyObject *p = dupg_py_str(dupg_pathlist_path($self->h, i));
			PyObject *hw = dupg_py_pathlist_hw($self->h, i);

			list = dupg_py_set(list, i, p && hw ? PyTuple_Pack(2, p, hw) : NULL);
			Py_XDECREF(p);
			Py_XDECREF(hw);
		}
		return list;
	}

	/** The configuration: each hardware type mapped to the latest-added package that fits it. */
	Configuration *config()
	{
		dupg_config *c = NULL;

		if (DUPG_PY_FAILED(dupg_pathlist_config(&c, $self->h)))
			return NULL;
		return dupg_py_hold_Configuration(c);
	}

	/**
	 * Compute a prune with this list as the stored (first) list. Pure: no
	 * file is touched.
	 * @param downloaded the newly downloaded packages, in download order
	 * @param keep None for the minimal rule; N >= 2 keeps the N latest
	 *        packages per hardware type
	 * @exception BadInputError (bad keep), DuplicateError (a downloaded path
	 *            is already stored, or downloaded twice)
	 */
	Prune *prune(PathList *downloaded, size_t keep = 0)
	{
		dupg_prune_options o;
		dupg_prune *p = NULL;
		PyThreadState *ts;
		size_t n = dupg_pathlist_count($self->h) + dupg_pathlist_count(downloaded->h);
		int rc;

		dupg_py_prune_opts(&o, keep);
		ts = dupg_py_unlock_if(n >= DUPG_PY_NOGIL_ENTRIES);
		rc = dupg_prune_compute(&p, $self->h, downloaded->h, &o);
		dupg_py_relock_if(ts);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_Prune(p);
	}

	%pythoncode %{
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

%extend Prune {
	/**
	 * One of the lists, as written.
	 * @param which "second", "third", "fourth" or "deletable"
	 */
	PyObject *list(const char *which)
	{
		dupg_prune_list w;
		size_t i, n;
		PyObject *list;

		if (dupg_py_prune_list(&w, which) < 0)
			return NULL;
		n = dupg_prune_count($self->h, w);
		list = PyList_New((Py_ssize_t)n);
		for (i = 0; list != NULL && i < n; i++)
			list = dupg_py_set(list, i, dupg_py_str(dupg_prune_path($self->h, w, i)));
		return list;
	}

	/** The positions in the second list of the entries of one list. */
	PyObject *indexes(const char *which)
	{
		dupg_prune_list w;
		size_t i, n;
		PyObject *list;

		if (dupg_py_prune_list(&w, which) < 0)
			return NULL;
		n = dupg_prune_count($self->h, w);
		list = PyList_New((Py_ssize_t)n);
		for (i = 0; list != NULL && i < n; i++)
			list = dupg_py_set(list, i, PyLong_FromSize_t(dupg_prune_index($self->h, w, i)));
		return list;
	}

	/** One of the lists as a new PathList (entries keep their hardware types). */
	PathList *pathlist(const char *which)
	{
		dupg_prune_list w;
		dupg_pathlist *l = NULL;

		if (dupg_py_prune_list(&w, which) < 0 ||
		    DUPG_PY_FAILED(dupg_prune_list_dup(&l, $self->h, w)))
			return NULL;
		return dupg_py_hold_PathList(l);
	}

	/**
	 * A copy of one of the configurations.
	 * @param which "latest" (of the third list) or "rollback" (of the fourth)
	 */
	Configuration *config(const char *which)
	{
		dupg_config *c = NULL;
		dupg_prune_config_kind k;

		if (strcmp(which, "latest") == 0)
			k = DUPG_CONFIG_LATEST;
		else if (strcmp(which, "rollback") == 0)
			k = DUPG_CONFIG_ROLLBACK;
		else {
			dupg_py_errorf(NULL, DUPG_EINVAL,
				       "unknown configuration '%s' (latest, rollback)", which);
			return NULL;
		}
		if (DUPG_PY_FAILED(dupg_config_dup(&c, dupg_prune_config($self->h, k))))
			return NULL;
		return dupg_py_hold_Configuration(c);
	}

	/**
	 * As JSON, exactly as `dupg-sim prune` prints it: `{"second": [...],
	 * "third": [...], "fourth": [...], "deletable": [...], "latest":
	 * {"TYPE": "path"}, "rollback": {...}}`.
	 */
	char *to_json()
	{
		char *out = NULL;

		DUPG_PY_CALL(dupg_prune_to_json(&out, $self->h));
		return out;
	}

	%pythoncode %{
    def __init__(self, *args, **kwargs):
        raise _ArgumentError("Prune objects come from PathList.prune() and Store.prune_result()")

    second = property(lambda self: self.list("second"), doc="First list + downloaded.")
    third = property(lambda self: self.list("third"), doc="Second - deletable: the new stored list.")
    fourth = property(lambda self: self.list("fourth"), doc="First - deletable: the rollback list.")
    deletable = property(lambda self: self.list("deletable"),
                         doc="Packages to remove from storage, in second-list order.")
    latest = property(lambda self: self.config("latest"),
                      doc="Configuration of the third list (after upgrade).")
    rollback = property(lambda self: self.config("rollback"),
                        doc="Configuration of the fourth list (after rollback).")

    def to_dict(self):
        """The dict `dupg-sim prune` prints."""
        return _json.loads(self.to_json())

    def __repr__(self):
        if not self._alive():
            return "<dupg.Prune (closed)>"
        return "<dupg.Prune third=%r deletable=%r>" % (self.third, self.deletable)
	%}
}

/* ------------------------------------------------------------------------ */
/* Stores */

%newobject Store::prune_result;
%newobject Store::config;

/**
 * The master's package store on disk: a list file, its rollback list
 * (LIST.rollback) and the package files they name. Applying a prune, and
 * rolling back after a failed upgrade, are crash-safe (journal, atomic list
 * replacement, then deletion); recover() repairs a store after a crash at
 * any point of either.
 */
typedef struct {} Store;


%extend Store {
	/**
	 * Open a store by its list file: loads the list.
	 * @exception NotFoundError, DuplicateError, FormatError, IOError,
	 *            BadInputError when an interrupted apply is pending (its
	 *            journal exists): run Store.recover() first
	 */
	Store(const char *list_file)
	{
		dupg_store *s = NULL;
		PyThreadState *ts;
		int rc;

		ts = dupg_py_unlock();
		rc = dupg_store_open(&s, list_file);
		dupg_py_relock(ts);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_Store(s);
	}

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
	 * @return {"action": "clean" | "finished" | "undone", "temps_removed": n,
	 *         "files_deleted": n}
	 * @exception NotFoundError, FormatError (unreadable journal), IOError
	 */
	static PyObject *recover(const char *list_file, bool no_fsync = false)
	{
		dupg_apply_options o = DUPG_APPLY_OPTIONS_INIT;
		dupg_recover_report r;
		PyObject *res;
		PyThreadState *ts;
		int rc;

		memset(&r, 0, sizeof(r));
		o.no_fsync = no_fsync;
		ts = dupg_py_unlock();
		rc = dupg_store_recover(&r, list_file, &o);
		dupg_py_relock(ts);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		res = PyDict_New();
		if (res != NULL &&
		    (dupg_py_put(res, "action", dupg_py_str(dupg_recover_action_name(r.action))) < 0 ||
		     dupg_py_put(res, "temps_removed", PyLong_FromSize_t(r.temps_removed)) < 0 ||
		     dupg_py_put(res, "files_deleted", PyLong_FromSize_t(r.files_deleted)) < 0))
			Py_CLEAR(res);
		return res;
	}
}


%extend Store {
	/** The list file path. */
	PyObject *_list_file() { return dupg_py_str(dupg_store_list_file($self->h)); }

	/** The stored list's paths as written (as loaded, or as left by the last apply). */
	PyObject *paths() { return dupg_py_pathlist_paths(dupg_store_list($self->h), false); }

	/** Number of stored packages. */
	size_t __len__() { return dupg_pathlist_count(dupg_store_list($self->h)); }

	/** The configuration of the stored list. */
	Configuration *config()
	{
		dupg_config *c = NULL;

		if (DUPG_PY_FAILED(dupg_pathlist_config(&c, dupg_store_list($self->h))))
			return NULL;
		return dupg_py_hold_Configuration(c);
	}

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
	 * @param on_step called with the step name ("journal_temp", "journal",
	 *        "rollback_temp", "rollback", "list_temp", "list", "delete",
	 *        "done") after each step of an apply; a true result stops the
	 *        apply there as a crash would (AbortedError), an exception stops
	 *        it and propagates
	 * @exception DuplicateError, NotFoundError, IOError, AbortedError,
	 *            BusyError (an apply while another call uses the store)
	 */
	Prune *prune_result(PyObject *new_paths, bool apply = false, size_t keep = 0,
			    bool no_fsync = false, PyObject *on_step = NULL)
	{
		dupg_prune_options po = DUPG_PRUNE_OPTIONS_INIT;
		dupg_apply_options o = DUPG_APPLY_OPTIONS_INIT;
		struct dupg_py_step_ctx step = { on_step, NULL };
		struct dupg_py_new dl;
		dupg_prune *p = NULL;
		int rc;

		if (dupg_py_new_init(&dl, $self->h, new_paths) < 0)
			return NULL;
		/* a dry run only reads the store; an apply changes it */
		if (apply && dupg_py_change_begin(&$self->use, "Store") < 0) {
			dupg_py_new_clear(&dl);
			return NULL;
		}
		dupg_py_prune_opts(&po, keep);
		o.no_fsync = no_fsync;
		if (on_step != NULL) {
			o.step_cb = dupg_py_step;
			o.payload = &step;
		}
		step.ts = dupg_py_unlock();
		rc = dupg_py_new_load(&dl);
		if (rc == 0 && apply)
			rc = dupg_store_prune(&p, $self->h, dl.list, &po, &o);
		else if (rc == 0)
			rc = dupg_prune_compute(&p, dupg_store_list($self->h), dl.list, &po);
		dupg_py_relock(step.ts);
		if (apply)
			dupg_py_change_end(&$self->use);
		dupg_py_new_clear(&dl);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_Prune(p);
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
	 * @exception NotFoundError (no LIST.rollback: nothing to roll back to;
	 *            or it names a missing package), DuplicateError, FormatError
	 *            (a bad LIST.rollback), IOError, AbortedError, BadInputError
	 *            (an interrupted apply is pending), BusyError (another call
	 *            uses the store)
	 */
	PyObject *rollback(bool no_fsync = false, PyObject *on_step = NULL)
	{
		dupg_apply_options o = DUPG_APPLY_OPTIONS_INIT;
		struct dupg_py_step_ctx step = { on_step, NULL };
		const char *list_file = dupg_store_list_file($self->h);
		char **rb = NULL, **deleted = NULL, *rb_file;
		size_t nrb = 0, ndeleted = 0;
		PyObject *res = NULL;
		int rc;

		rb_file = malloc(strlen(list_file) + sizeof(".rollback"));
		if (rb_file == NULL) {
			dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
			return NULL;
		}
		sprintf(rb_file, "%s.rollback", list_file);
		/* a rollback always changes the store */
		if (dupg_py_change_begin(&$self->use, "Store") < 0) {
			free(rb_file);
			return NULL;
		}
		o.no_fsync = no_fsync;
		if (on_step != NULL) {
			o.step_cb = dupg_py_step;
			o.payload = &step;
		}
		step.ts = dupg_py_unlock();
		rc = dupg_store_rollback(&deleted, &ndeleted, $self->h, &o);
		if (rc == 0)
			rc = dupg_listfile_read(&rb, &nrb, rb_file);
		dupg_py_relock(step.ts);
		dupg_py_change_end(&$self->use);
		if (!DUPG_PY_FAILED(rc))
			res = dupg_py_rollback_dict(dupg_store_list($self->h), rb, nrb, deleted, ndeleted);
		dupg_free(rb);
		dupg_free(deleted);
		free(rb_file);
		return res;
	}

	%pythoncode %{
    list_file = property(_list_file, doc="The list file path.")

    def prune(self, new_paths, apply=False, keep=None, no_fsync=False, on_step=None):
        """Prune the store after a download; the dict `dupg-sim prune` prints.

        Same arguments as prune_result(). Without apply nothing on disk
        changes; with apply=True the store is updated crash-safely.
        """
        with self.prune_result(new_paths, apply=apply, keep=keep, no_fsync=no_fsync,
                               on_step=on_step) as p:
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

/* ------------------------------------------------------------------------ */
/* Topologies and plans */

%newobject Topology::merge;
%newobject Topology::_plan_upgrade;
%newobject Plan::rollback;
%newobject Plan::to_json;

/**
 * A site's device tree: one master (no parent), controlled devices below it.
 * Structure (one master, parents exist, no cycles) is checked before use.
 */
typedef struct {} Topology;

%nodefaultctor Plan;
/**
 * A dispatch plan: every device whose package changes, the package it gets,
 * whether the master installs it itself ("local") or sends it ("send"), and
 * the devices it travels through. Steps come in dispatch order, breadth
 * first from the master.
 */
typedef struct {} Plan;


%extend Topology {
	/**
	 * A site topology.
	 * @param devices a list of {"id", "hw", "version", "parent"} mappings
	 *        ("parent" missing or None for the master; optional "duration"
	 *        in seconds)
	 * @exception BadInputError (a missing field), DuplicateError (an id twice)
	 */
	Topology(PyObject *devices = NULL)
	{
		struct dupg_py_topo *c = calloc(1, sizeof(*c));
		struct dupg_py_devices d;
		Topology *t;
		size_t i;

		if (c == NULL) {
			dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
			return NULL;
		}
		c->refs = 1;
		if (DUPG_PY_FAILED(dupg_topology_new(&c->t))) {
			free(c);
			return NULL;
		}
		dupg_py_live++;
		if (devices != NULL && devices != Py_None) {
			if (dupg_py_devices_init(&d, devices) < 0) {
				dupg_py_topo_unref(c);
				return NULL;
			}
			for (i = 0; i < d.n; i++)
				if (DUPG_PY_FAILED(dupg_topology_add(c->t, &d.v[i], d.parent[i])))
					break;
			dupg_py_devices_clear(&d);
			if (dupg_py_rc < 0) {
				dupg_py_topo_unref(c);
				return NULL;
			}
		}
		t = calloc(1, sizeof(*t));
		if (t == NULL) {
			dupg_py_topo_unref(c);
			dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
			return NULL;
		}
		t->h = c;
		return t;
	}

	~Topology() { dupg_py_destroy_Topology($self); }

	/**
	 * Release the topology now (plans made from it keep it alive); any later
	 * use raises BadInputError. Closing while another call uses it raises
	 * BusyError.
	 */
	void close() { dupg_py_close_Topology($self); }
	DUPG_PY_CONTEXT
}

%extend Plan {
	~Plan() { dupg_py_destroy_Plan($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Plan($self); }
	DUPG_PY_CONTEXT
}



%extend Topology {
	/**
	 * Add a device. Parents may be added after their children.
	 * @param parent id of the parent device, None for the master
	 * @param duration expected upgrade duration in seconds, 0 when unknown
	 * @exception BadInputError (missing field), DuplicateError (duplicate id)
	 */
	void add(const char *id, const char *hw, const char *version, const char *parent = NULL,
		 uint32_t duration = 0)
	{
		dupg_device_vd dev = { id, hw, version, duration };

		if (dupg_py_alone(&$self->use, 1, "Topology") == 0 &&
		    !DUPG_PY_FAILED(dupg_topology_add($self->h->t, &dev, parent)))
			$self->h->checked = false;
	}

	/**
	 * Check the structure: exactly one master, every parent exists, no
	 * cycles. Done implicitly before anything that needs it.
	 * @param origin name used in error messages (e.g. the topology file)
	 * @exception FormatError naming the device at fault
	 */
	void check(const char *origin = NULL)
	{
		if (dupg_py_alone(&$self->use, 1, "Topology") == 0 &&
		    !DUPG_PY_FAILED(dupg_topology_check($self->h->t, origin)))
			$self->h->checked = true;
	}

	/** Number of devices. */
	size_t __len__() { return dupg_topology_count($self->h->t); }

	/** @return True when a device has this id */
	bool __contains__(const char *id) { return dupg_topology_find($self->h->t, id) != DUPG_NONE; }

	/**
	 * The devices in the order added: {"id", "hw", "version", "duration",
	 * "parent", "depth"} dicts (parent None and depth 0 for the master).
	 */
	PyObject *devices()
	{
		size_t i, n = dupg_topology_count($self->h->t);
		PyObject *list;

		if (dupg_py_topo_ready($self->h) < 0)
			return NULL;
		list = PyList_New((Py_ssize_t)n);
		for (i = 0; list != NULL && i < n; i++)
			list = dupg_py_set(list, i, dupg_py_device($self->h, i));
		return list;
	}

	/**
	 * One device, as in devices().
	 * @exception NotFoundError (a KeyError) for an unknown id
	 */
	PyObject *__getitem__(const char *id)
	{
		size_t i = dupg_topology_find($self->h->t, id);

		if (i == DUPG_NONE) {
			dupg_py_errorf(NULL, DUPG_ENOTFOUND, "device '%s' is not in the topology", id);
			return NULL;
		}
		if (dupg_py_topo_ready($self->h) < 0)
			return NULL;
		return dupg_py_device($self->h, (size_t)i);
	}

	/** The master's id. */
	PyObject *_master()
	{
		if (dupg_py_topo_ready($self->h) < 0)
			return NULL;
		return dupg_py_str(dupg_topology_device($self->h->t,
							dupg_topology_master($self->h->t))->id);
	}

	/**
	 * Update a device's running version.
	 * @exception NotFoundError for an unknown id, BadInputError for an empty version
	 */
	void set_version(const char *id, const char *version)
	{
		size_t i = dupg_topology_find($self->h->t, id);

		if (i == DUPG_NONE) {
			dupg_py_errorf(NULL, DUPG_ENOTFOUND, "device '%s' is not in the topology", id);
			return;
		}
		if (dupg_py_alone(&$self->use, 1, "Topology") == 0)
			DUPG_PY_CALL(dupg_topology_set_version($self->h->t, (size_t)i, version));
	}

	/** Merge the devices' descriptions into a SystemDescription. */
	SystemDescription *merge()
	{
		dupg_sysvd *s = NULL;

		if (DUPG_PY_FAILED(dupg_topology_merge(&s, $self->h->t)))
			return NULL;
		return dupg_py_hold_SystemDescription(s);
	}

	/** See plan_upgrade(). */
	Plan *_plan_upgrade(Configuration *current, Configuration *wanted)
	{
		dupg_plan *p = NULL;

		if (dupg_py_topo_ready($self->h) < 0 ||
		    DUPG_PY_FAILED(dupg_plan_upgrade(&p, $self->h->t, current->h, wanted->h)))
			return NULL;
		return dupg_py_plan(p, $self->h);
	}

	%pythoncode %{
    master = property(_master, doc="The master's id.")

    def plan_upgrade(self, current, wanted):
        """Plan an upgrade from one configuration to another.

        A device is in the plan when its hardware type maps to a package in
        `wanted` that differs from its package in `current` (a type missing
        from `current` counts as a change).

        :param current: the configuration now (usually the rollback
            configuration): a Configuration or a {hw: path} dict
        :param wanted: the configuration wanted (usually the latest one)
        :return: a Plan; its rollback() is the matching rollback plan
        """
        def config(c, name):
            if isinstance(c, Configuration):
                return c
            if c is None:
                raise _ArgumentError("%s: expected a Configuration or a dict, not None" % name)
            return Configuration(c)
        return self._plan_upgrade(config(current, "current"), config(wanted, "wanted"))

    def __iter__(self):
        return iter(self.devices())

    def __repr__(self):
        if not self._alive():
            return "<dupg.Topology (closed)>"
        return "<dupg.Topology %d devices>" % len(self)
	%}
}

%extend Plan {
	/**
	 * The matching rollback plan: the same devices, each getting back its
	 * package of the upgrade's current configuration, in the same dispatch
	 * order. A device whose type had no package gets none (package None).
	 */
	Plan *rollback()
	{
		dupg_plan *p = NULL;

		if (DUPG_PY_FAILED(dupg_plan_rollback(&p, $self->h)))
			return NULL;
		return dupg_py_plan(p, $self->topo);
	}

	/** Number of steps (devices whose package changes). */
	size_t __len__() { return dupg_plan_count($self->h); }

	/**
	 * The steps in dispatch order: {"device", "hw", "package", "previous",
	 * "action": "local" | "send", "via": [ids nearest the master first]} dicts.
	 */
	PyObject *steps()
	{
		size_t i, j, n = dupg_plan_count($self->h);
		PyObject *list = PyList_New((Py_ssize_t)n);

		for (i = 0; list != NULL && i < n; i++) {
			size_t nv = dupg_plan_via_count($self->h, i);
			PyObject *via = PyList_New((Py_ssize_t)nv), *e = PyDict_New();

			for (j = 0; via != NULL && j < nv; j++)
				via = dupg_py_set(via, j, dupg_py_str(dupg_plan_via($self->h, i, j)));
			if (e != NULL &&
			    (dupg_py_put(e, "device", dupg_py_str(dupg_plan_device($self->h, i))) < 0 ||
			     dupg_py_put(e, "hw", dupg_py_str(dupg_plan_hw($self->h, i))) < 0 ||
			     dupg_py_put(e, "package", dupg_py_str(dupg_plan_package($self->h, i))) < 0 ||
			     dupg_py_put(e, "previous", dupg_py_str(dupg_plan_previous($self->h, i))) < 0 ||
			     dupg_py_put(e, "action", dupg_py_str(
				     dupg_plan_action_get($self->h, i) == DUPG_ACTION_LOCAL ?
				     "local" : "send")) < 0 ||
			     dupg_py_put(e, "via", via) < 0)) {
				Py_CLEAR(e);
			} else if (e == NULL) {
				Py_XDECREF(via);
			}
			list = dupg_py_set(list, i, e);
		}
		return list;
	}

	/** Device ids in switching order: deepest first, the master last. */
	PyObject *switch_order()
	{
		size_t i, n = dupg_plan_count($self->h);
		size_t *order = calloc(n + 1, sizeof(*order));
		PyObject *list;

		if (order == NULL) {
			dupg_py_errorf(NULL, DUPG_ENOMEM, "out of memory");
			return NULL;
		}
		dupg_plan_switch_order($self->h, order);
		list = PyList_New((Py_ssize_t)n);
		for (i = 0; list != NULL && i < n; i++)
			list = dupg_py_set(list, i, dupg_py_str(dupg_plan_device($self->h, order[i])));
		free(order);
		return list;
	}

	/** As JSON: `{"steps": [{"device", "hw", "package", "previous", "action", "via"}, ...]}`. */
	char *to_json()
	{
		char *out = NULL;

		DUPG_PY_CALL(dupg_plan_to_json(&out, $self->h));
		return out;
	}

	%pythoncode %{
    def __init__(self, *args, **kwargs):
        raise _ArgumentError("Plan objects come from Topology.plan_upgrade() and Plan.rollback()")

    def to_dict(self):
        """{"steps": [...]}, as to_json()."""
        return _json.loads(self.to_json())

    def __iter__(self):
        return iter(self.steps())

    def __getitem__(self, i):
        steps = self.steps()
        try:
            return steps[i]
        except IndexError:
            raise OutOfRangeError("plan step index out of range") from None

    def __repr__(self):
        if not self._alive():
            return "<dupg.Plan (closed)>"
        return "<dupg.Plan %s>" % ", ".join(
            "%s<-%s" % (s["device"], s["package"]) for s in self.steps())
	%}
}

