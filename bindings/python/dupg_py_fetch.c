/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Locality and fetching for Python (fetch.i): the ranking of servers, and a
 * Fetch handle whose run() goes without the GIL, taking it back only to call
 * the progress and verify callbacks; cancel() may come from any thread.
 */
#include "dupg_py.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- locality -------------------------------------------------------------- */

PyObject *dupg_py_nearness(const char *own, const char *server)
{
	dupg_nearness n;

	if (DUPG_PY_FAILED(dupg_location_nearness(&n, own, server)))
		return NULL;
	return PyUnicode_FromString(dupg_nearness_name(n));
}

/* A server's location from Python: None or str. */
static int location_of(PyObject *o, PyObject **keep, const char **out, const char *what)
{
	*keep = NULL;
	*out = NULL;
	if (o == Py_None)
		return 0;
	*keep = dupg_py_bytes(o, what);
	if (*keep == NULL)
		return -1;
	*out = PyBytes_AS_STRING(*keep);
	return 0;
}

PyObject *dupg_py_rank(const char *own, PyObject *servers)
{
	struct dupg_py_strv sv = { NULL, 0, NULL };
	PyObject *list = NULL;
	size_t *order = NULL, i;

	if (dupg_py_strv_init(&sv, servers, 1, "servers") < 0)
		return NULL;
	order = calloc(sv.n > 0 ? sv.n : 1, sizeof(*order));
	if (order == NULL) {
		dupg_py_nomem();
		goto done;
	}
	if (DUPG_PY_FAILED(dupg_locality_rank(order, NULL, own, sv.v, sv.n)))
		goto done;
	list = PyList_New((Py_ssize_t)sv.n);
	for (i = 0; list != NULL && i < sv.n; i++)
		list = dupg_py_set(list, i, PyLong_FromSize_t(order[i]));
done:
	free(order);
	dupg_py_strv_clear(&sv);
	return list;
}

/* ---- the Fetch holder ------------------------------------------------------ */

/* The Python callbacks of a run, called without the GIL held: they take it. */
static int on_progress(const dupg_fetch_progress *p, void *payload)
{
	Fetch *self = payload;
	PyGILState_STATE g;
	PyObject *d, *r;
	int stop = 0;

	if (self->progress == NULL || self->failed)
		return self->failed;
	g = PyGILState_Ensure();
	d = PyDict_New();
	if (d != NULL &&
	    (dupg_py_put(d, "package", PyLong_FromSize_t(p->package)) < 0 ||
	     dupg_py_put(d, "packages", PyLong_FromSize_t(p->packages)) < 0 ||
	     dupg_py_put(d, "path", dupg_py_str(p->path)) < 0 ||
	     dupg_py_put(d, "url", dupg_py_str(p->url)) < 0 ||
	     dupg_py_put(d, "done", PyLong_FromUnsignedLongLong(p->done)) < 0 ||
	     dupg_py_put(d, "total", PyLong_FromUnsignedLongLong(p->total)) < 0 ||
	     dupg_py_put(d, "all_done", PyLong_FromUnsignedLongLong(p->all_done)) < 0 ||
	     dupg_py_put(d, "all_total", PyLong_FromUnsignedLongLong(p->all_total)) < 0)) {
		Py_CLEAR(d);
	}
	r = d == NULL ? NULL : PyObject_CallFunctionObjArgs(self->progress, d, NULL);
	Py_XDECREF(d);
	if (r == NULL) {
		/* the exception is raised when run() returns; the fetch stops */
		self->failed = 1;
		PyErr_Fetch(&self->exc[0], &self->exc[1], &self->exc[2]);
		stop = 1;
	} else {
		stop = PyObject_IsTrue(r) == 1;
		Py_DECREF(r);
	}
	PyGILState_Release(g);
	return stop;
}

/*
 * The verify hook: the default verification first, then the caller's
 * callable (file, path, url); an exception from it refuses the package and
 * the next server is tried. Its text is kept for the error run() raises.
 */
static int on_verify(const char *file, const char *path, const char *url, void *payload)
{
	Fetch *self = payload;
	PyGILState_STATE g;
	PyObject *r;
	int rc = dupg_package_verify(NULL, file);

	if (rc != 0)
		return rc;
	g = PyGILState_Ensure();
	r = PyObject_CallFunction(self->verify, "sss", file, path, url);
	if (r == NULL) {
		PyObject *t, *v, *tb, *s;
		const char *text = NULL;

		PyErr_Fetch(&t, &v, &tb);
		PyErr_NormalizeException(&t, &v, &tb);
		s = v != NULL ? PyObject_Str(v) : NULL;
		if (s != NULL)
			text = PyUnicode_AsUTF8(s);
		if (text == NULL) {
			PyErr_Clear();
			text = t != NULL ? ((PyTypeObject *)t)->tp_name : "an exception";
		}
		snprintf(self->refused, sizeof(self->refused), "%s from %s: %s", path, url, text);
		Py_XDECREF(s);
		Py_XDECREF(t);
		Py_XDECREF(v);
		Py_XDECREF(tb);
		rc = DUPG_EINTEGRITY;
	} else {
		Py_DECREF(r);
	}
	PyGILState_Release(g);
	return rc;
}

static const char *opt_str(PyObject *opts, const char *key, PyObject **keep, int *bad)
{
	PyObject *v = PyDict_GetItemString(opts, key);

	*keep = NULL;
	if (v == NULL || v == Py_None)
		return NULL;
	*keep = dupg_py_bytes(v, key);
	if (*keep == NULL) {
		*bad = 1;
		return NULL;
	}
	return PyBytes_AS_STRING(*keep);
}

static uint64_t opt_u64(PyObject *opts, const char *key, int *bad)
{
	PyObject *v = PyDict_GetItemString(opts, key);
	unsigned long long n;

	if (v == NULL || v == Py_None)
		return 0;
	n = PyLong_AsUnsignedLongLong(v);
	if (PyErr_Occurred()) {
		PyErr_Clear();
		dupg_py_argerror("%s: expected an int >= 0", key);
		*bad = 1;
		return 0;
	}
	return n;
}

static PyObject *opt_callable(PyObject *opts, const char *key, int *bad)
{
	PyObject *v = PyDict_GetItemString(opts, key);

	if (v == NULL || v == Py_None)
		return NULL;
	if (!PyCallable_Check(v)) {
		dupg_py_argerror("%s: expected a callable, not %s", key, Py_TYPE(v)->tp_name);
		*bad = 1;
		return NULL;
	}
	Py_INCREF(v);
	return v;
}

static void release(Fetch *self)
{
	if (self->h != NULL)
		dupg_py_live_add(-1);
	dupg_fetch_free(self->h);
	self->h = NULL;
	Py_CLEAR(self->progress);
	Py_CLEAR(self->verify);
	Py_CLEAR(self->outcomes);
	Py_CLEAR(self->exc[0]);
	Py_CLEAR(self->exc[1]);
	Py_CLEAR(self->exc[2]);
}

Fetch *dupg_py_fetch_new(PyObject *opts)
{
	dupg_fetch_options o = DUPG_FETCH_OPTIONS_INIT;
	PyObject *keep[5] = { NULL, NULL, NULL, NULL, NULL };
	Fetch *self;
	int bad = 0, i;

	if (!PyDict_Check(opts)) {
		dupg_py_argerror("options: expected a dict");
		return NULL;
	}
	self = calloc(1, sizeof(*self));
	if (self == NULL) {
		dupg_py_nomem();
		return NULL;
	}
	o.location = opt_str(opts, "location", &keep[0], &bad);
	o.ca_file = opt_str(opts, "ca_file", &keep[1], &bad);
	o.pinned_key = opt_str(opts, "pinned_key", &keep[2], &bad);
	o.ssh_key = opt_str(opts, "ssh_key", &keep[3], &bad);
	o.ssh_known_hosts = opt_str(opts, "ssh_known_hosts", &keep[4], &bad);
	o.limit_rate = opt_u64(opts, "limit_rate", &bad);
	o.stall_seconds = (unsigned long)opt_u64(opts, "stall_seconds", &bad);
	o.connect_timeout_ms = (unsigned long)opt_u64(opts, "connect_timeout_ms", &bad);
	o.timeout_ms = (unsigned long)opt_u64(opts, "timeout_ms", &bad);
	o.no_fsync = PyObject_IsTrue(PyDict_GetItemString(opts, "no_fsync") != NULL
				     ? PyDict_GetItemString(opts, "no_fsync") : Py_False) == 1;
	self->progress = opt_callable(opts, "progress", &bad);
	self->verify = opt_callable(opts, "verify", &bad);
	o.progress = on_progress;
	o.progress_payload = self;
	/* without a callable the library's own verification runs, as the bytes come */
	if (self->verify != NULL) {
		o.verify = on_verify;
		o.verify_payload = self;
	}
	if (!bad && !DUPG_PY_FAILED(dupg_fetch_new(&self->h, &o)))
		dupg_py_live_add(1);
	for (i = 0; i < 5; i++)
		Py_XDECREF(keep[i]);
	if (bad || self->h == NULL) {
		if (!bad)
			dupg_py_check();
		release(self);
		free(self);
		return NULL;
	}
	return self;
}

void dupg_py_close_Fetch(Fetch *self)
{
	if (dupg_py_alone(&self->use, 0, "Fetch") == 0)
		release(self);
}

void dupg_py_drop_Fetch(Fetch *self)
{
	release(self);
	free(self);
}

void dupg_py_destroy_Fetch(Fetch *self)
{
	if (self->use.calls > 0)
		self->use.doomed = true;
	else
		dupg_py_drop_Fetch(self);
}

/* A server from Python: "URL", ("URL", "LABELS"), or {"url": ..., "location": ...}. */
static int server_of(PyObject *item, dupg_fetch_server *s, PyObject **kurl, PyObject **kloc,
		     size_t i)
{
	PyObject *url = NULL, *loc = Py_None;

	*kurl = *kloc = NULL;
	if (PyUnicode_Check(item) || PyBytes_Check(item)) {
		url = item;
	} else if (PyDict_Check(item)) {
		url = PyDict_GetItemString(item, "url");
		loc = PyDict_GetItemString(item, "location");
		if (loc == NULL)
			loc = Py_None;
	} else if (PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 2) {
		url = PyTuple_GET_ITEM(item, 0);
		loc = PyTuple_GET_ITEM(item, 1);
	}
	if (url == NULL) {
		dupg_py_argerror("servers[%zu]: expected a URL, a (url, location) pair or a dict "
				 "with \"url\", not %s", i, Py_TYPE(item)->tp_name);
		return -1;
	}
	*kurl = dupg_py_bytes(url, "server URL");
	if (*kurl == NULL || location_of(loc, kloc, &s->location, "server location") < 0)
		return -1;
	s->url = PyBytes_AS_STRING(*kurl);
	return 0;
}

static PyObject *outcome_dict(const dupg_fetch_outcome *x)
{
	PyObject *d = PyDict_New();

	if (d == NULL)
		return NULL;
	if (dupg_py_put(d, "path", dupg_py_str(x->path)) < 0 ||
	    dupg_py_put(d, "file", dupg_py_str(x->file)) < 0 ||
	    dupg_py_put(d, "server", PyLong_FromSize_t(x->server)) < 0 ||
	    dupg_py_put(d, "url", dupg_py_str(x->url)) < 0 ||
	    dupg_py_put(d, "size", PyLong_FromUnsignedLongLong(x->size)) < 0 ||
	    dupg_py_put(d, "bytes", PyLong_FromUnsignedLongLong(x->bytes)) < 0 ||
	    dupg_py_put(d, "resumed", PyBool_FromLong(x->resumed)) < 0 ||
	    dupg_py_put(d, "failovers", PyLong_FromSize_t(x->failovers)) < 0 ||
	    dupg_py_put(d, "verified_inline", PyBool_FromLong(x->verified_inline)) < 0) {
		Py_DECREF(d);
		return NULL;
	}
	return d;
}

/* The outcomes of the last run, as a list of dicts (kept on the holder). */
static int keep_outcomes(Fetch *self)
{
	size_t i, n = dupg_fetch_count(self->h);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, outcome_dict(dupg_fetch_get(self->h, i)));
	if (list == NULL)
		return -1;
	Py_XSETREF(self->outcomes, list);
	return 0;
}

PyObject *dupg_py_fetch_run(Fetch *self, PyObject *dir, PyObject *paths, PyObject *servers)
{
	struct dupg_py_strv pv = { NULL, 0, NULL };
	dupg_fetch_server *sv = NULL;
	PyObject **keep = NULL, *kdir = NULL, *fast = NULL, *result = NULL;
	PyThreadState *ts;
	Py_ssize_t i, ns = 0;
	int rc;

	if (DUPG_PY_ENTER(self, "Fetch") < 0)
		return NULL;
	if (self->running) {
		dupg_py_errorf("BusyError", DUPG_EBUSY, "Fetch: run() is already running in another thread");
		goto leave;
	}
	kdir = dupg_py_bytes(dir, "dir");
	if (kdir == NULL || dupg_py_strv_init(&pv, paths, 0, "paths") < 0)
		goto done;
	fast = PySequence_Fast(servers, "servers: expected a list");
	if (fast == NULL) {
		PyErr_Clear();
		dupg_py_argerror("servers: expected a list, not %s", Py_TYPE(servers)->tp_name);
		goto done;
	}
	ns = PySequence_Fast_GET_SIZE(fast);
	sv = calloc((size_t)ns + 1, sizeof(*sv));
	keep = calloc(2 * (size_t)ns + 1, sizeof(*keep));
	if (sv == NULL || keep == NULL) {
		dupg_py_nomem();
		goto done;
	}
	for (i = 0; i < ns; i++)
		if (server_of(PySequence_Fast_GET_ITEM(fast, i), &sv[i], &keep[2 * i], &keep[2 * i + 1],
			      (size_t)i) < 0)
			goto done;
	self->running = true;
	self->failed = 0;
	self->refused[0] = '\0';
	ts = dupg_py_unlock();
	rc = dupg_fetch_run(self->h, PyBytes_AS_STRING(kdir), pv.v, pv.n, sv, (size_t)ns);
	dupg_py_relock(ts);
	self->running = false;
	if (keep_outcomes(self) < 0)
		goto done;
	if (self->failed) {
		/* the progress callback raised: that exception, not the cancel */
		PyErr_Restore(self->exc[0], self->exc[1], self->exc[2]);
		self->exc[0] = self->exc[1] = self->exc[2] = NULL;
		goto done;
	}
	if (rc != 0) {
		dupg_py_rc = rc;
		if (self->refused[0] != '\0')
			dupg_py_errorf(NULL, rc, "%s (the verify callback: %s)", dupg_error_last(),
				       self->refused);
		else
			dupg_py_check();
		goto done;
	}
	Py_INCREF(self->outcomes);
	result = self->outcomes;
done:
	Py_XDECREF(kdir);
	Py_XDECREF(fast);
	for (i = 0; keep != NULL && i < 2 * ns; i++)
		Py_XDECREF(keep[i]);
	free(keep);
	free(sv);
	dupg_py_strv_clear(&pv);
leave:
	if (dupg_py_leave(&self->use))
		dupg_py_drop_Fetch(self);
	return result;
}

void dupg_py_fetch_cancel(Fetch *self)
{
	/* no use taken: cancel() must get through while run() holds one */
	if (self->h != NULL)
		dupg_fetch_cancel(self->h);
}

PyObject *dupg_py_fetch_outcomes(Fetch *self)
{
	if (self->h == NULL) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "Fetch is closed");
		return NULL;
	}
	if (self->outcomes == NULL)
		return PyList_New(0);
	Py_INCREF(self->outcomes);
	return self->outcomes;
}

PyObject *dupg_py_fetch_bytes(Fetch *self)
{
	if (self->h == NULL) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "Fetch is closed");
		return NULL;
	}
	return PyLong_FromUnsignedLongLong(dupg_fetch_bytes(self->h));
}
