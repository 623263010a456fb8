/* SPDX-License-Identifier: BSD-2-Clause */
/* Stores for Python (store.i): opening, pruning, rolling back and recovering, crash-safely. */
#include "dupg_py.h"

#include <stdio.h>
#include <stdlib.h>

/* A wait in seconds as the store's lock timeout; -1 (an ArgumentError set) when it is not one. */
static int wait_ms(unsigned int *ms, double wait)
{
	if (!(wait >= 0) || wait > 86400) {
		dupg_py_argerror("wait: a number of seconds from 0 to 86400");
		return -1;
	}
	*ms = (unsigned int)(wait * 1000.0 + 0.5);
	return 0;
}

Store *dupg_py_store_open(const char *list_file, double wait)
{
	dupg_apply_options o = DUPG_APPLY_OPTIONS_INIT;
	dupg_store *s = NULL;
	PyThreadState *ts;
	int rc;

	if (wait_ms(&o.lock_timeout_ms, wait) < 0)
		return NULL;
	ts = dupg_py_unlock();
	rc = dupg_store_open_ext(&s, list_file, &o);
	dupg_py_relock(ts);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Store(s);
}

PyObject *dupg_py_store_recover(const char *list_file, bool no_fsync, double wait)
{
	dupg_apply_options o = DUPG_APPLY_OPTIONS_INIT;
	dupg_recover_report r;
	PyObject *res;
	PyThreadState *ts;
	int rc;

	memset(&r, 0, sizeof(r));
	o.no_fsync = no_fsync;
	if (wait_ms(&o.lock_timeout_ms, wait) < 0)
		return NULL;
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

PyObject *dupg_py_store_paths(const dupg_store *s)
{
	return dupg_py_pathlist_paths(dupg_store_list(s), false);
}

size_t dupg_py_store_count(const dupg_store *s)
{
	return dupg_pathlist_count(dupg_store_list(s));
}

Configuration *dupg_py_store_config(const dupg_store *s)
{
	dupg_config *c = NULL;

	if (DUPG_PY_FAILED(dupg_pathlist_config(&c, dupg_store_list(s))))
		return NULL;
	return dupg_py_hold_Configuration(c);
}

/*
 * Step callback of a change running without the GIL: the Python callable
 * runs with the GIL taken back; a true result or an exception from it stops
 * the change.
 */
struct dupg_py_step_ctx {
	PyObject *fn;
	PyThreadState *ts;  /* the changing thread's state while it runs without the GIL */
};

/*
 * What on_step receives: a dupg.StepEvent, the step's name (a str, as
 * before) that carries the file a delete step removed as .path.
 */
static PyObject *dupg_py_step_event(dupg_apply_step step)
{
	static PyObject *cls;
	PyObject *name, *path, *ev;

	if (cls == NULL) {
		PyObject *mod = PyImport_ImportModule("dupg._store");

		if (mod == NULL)
			return NULL;
		cls = PyObject_GetAttrString(mod, "StepEvent");
		Py_DECREF(mod);
		if (cls == NULL)
			return NULL;
	}
	name = dupg_py_str(dupg_apply_step_name(step));
	path = dupg_py_str(dupg_apply_step_path());
	ev = name != NULL && path != NULL ? PyObject_CallFunctionObjArgs(cls, name, path, NULL) : NULL;
	Py_XDECREF(name);
	Py_XDECREF(path);
	return ev;
}

static int dupg_py_step(dupg_apply_step step, void *payload)
{
	struct dupg_py_step_ctx *c = payload;
	PyObject *ev, *res = NULL;
	int stop = 1;

	dupg_py_relock(c->ts);
	ev = dupg_py_step_event(step);
	if (ev != NULL)
		res = PyObject_CallFunctionObjArgs(c->fn, ev, NULL);
	Py_XDECREF(ev);
	if (res != NULL) {
		stop = PyObject_IsTrue(res) != 0;
		Py_DECREF(res);
	}
	c->ts = dupg_py_unlock();
	return stop;
}

/* The apply options of a store change: no_fsync, and on_step (NULL or a callable) through ctx. */
static void dupg_py_apply_options(dupg_apply_options *o, bool no_fsync, PyObject *on_step,
				  struct dupg_py_step_ctx *ctx)
{
	dupg_apply_options init = DUPG_APPLY_OPTIONS_INIT;

	*o = init;
	o->no_fsync = no_fsync;
	ctx->fn = on_step;
	ctx->ts = NULL;
	if (on_step != NULL) {
		o->step_cb = dupg_py_step;
		o->payload = ctx;
	}
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
		dupg_py_nomem();
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

Prune *dupg_py_store_prune(Store *self, PyObject *new_paths, bool apply, size_t keep,
			   bool no_fsync, PyObject *on_step, double wait, const dupg_trust *trust,
			   PyObject *now, PyObject *verified)
{
	struct dupg_py_strv ver = { 0 };
	dupg_prune_options po;
	dupg_apply_options o;
	struct dupg_py_step_ctx step;
	struct dupg_py_new dl;
	dupg_prune *p = NULL;
	unsigned int ms;
	int rc;

	dupg_admit_options ad = DUPG_ADMIT_OPTIONS_INIT;

	if (dupg_py_verify_now(&ad.verify.now, now) < 0)
		return NULL;
	ad.verify.policy = trust != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
	ad.verify.trust = trust;
	if (verified != NULL && verified != Py_None) {
		if (dupg_py_strv_init(&ver, verified, 0, "verified") < 0)
			return NULL;
		ad.verified = (const char *const *)ver.v;
		ad.verified_count = ver.n;
	}
	if (wait_ms(&ms, wait) < 0 || dupg_py_new_init(&dl, self->h, new_paths) < 0) {
		dupg_py_strv_clear(&ver);
		return NULL;
	}
	/* a dry run only reads the store; an apply changes it */
	if (apply && dupg_py_change_begin(&self->use, "Store") < 0) {
		dupg_py_new_clear(&dl);
		dupg_py_strv_clear(&ver);
		return NULL;
	}
	dupg_py_prune_options(&po, keep);
	dupg_py_apply_options(&o, no_fsync, on_step, &step);
	o.lock_timeout_ms = ms;
	step.ts = dupg_py_unlock();
	rc = dupg_py_new_load(&dl);
	if (rc == 0 && apply)
		rc = dupg_store_prune_ext(&p, self->h, dl.list, &po, &o, &ad);
	else if (rc == 0)
		rc = dupg_prune_compute(&p, dupg_store_list(self->h), dl.list, &po);
	dupg_py_relock(step.ts);
	if (apply)
		dupg_py_change_end(&self->use);
	dupg_py_new_clear(&dl);
	dupg_py_strv_clear(&ver);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Prune(p);
}

/* With the GIL: the dict `dupg-sim rollback` prints. */
static PyObject *dupg_py_rollback_dict(const dupg_pathlist *now, char *const *rb, size_t nrb,
				       char *const *deleted, size_t ndeleted)
{
	PyObject *res = PyDict_New();

	if (res != NULL &&
	    (dupg_py_put(res, "list", dupg_py_pathlist_paths(now, false)) < 0 ||
	     dupg_py_put(res, "rollback", dupg_py_str_list(rb, nrb)) < 0 ||
	     dupg_py_put(res, "deleted", dupg_py_str_list(deleted, ndeleted)) < 0))
		Py_CLEAR(res);
	return res;
}

PyObject *dupg_py_store_rollback(Store *self, bool no_fsync, PyObject *on_step, double wait)
{
	const char *list_file = dupg_store_list_file(self->h);
	struct dupg_py_step_ctx step;
	dupg_apply_options o;
	char **rb = NULL, **deleted = NULL, *rb_file;
	size_t nrb = 0, ndeleted = 0;
	PyObject *res = NULL;
	unsigned int ms;
	int rc;

	if (wait_ms(&ms, wait) < 0)
		return NULL;
	rb_file = malloc(strlen(list_file) + sizeof(".rollback"));
	if (rb_file == NULL) {
		dupg_py_nomem();
		return NULL;
	}
	sprintf(rb_file, "%s.rollback", list_file);
	/* a rollback always changes the store */
	if (dupg_py_change_begin(&self->use, "Store") < 0) {
		free(rb_file);
		return NULL;
	}
	dupg_py_apply_options(&o, no_fsync, on_step, &step);
	o.lock_timeout_ms = ms;
	step.ts = dupg_py_unlock();
	rc = dupg_store_rollback(&deleted, &ndeleted, self->h, &o);
	if (rc == 0)
		rc = dupg_listfile_read(&rb, &nrb, rb_file);
	dupg_py_relock(step.ts);
	dupg_py_change_end(&self->use);
	if (!DUPG_PY_FAILED(rc))
		res = dupg_py_rollback_dict(dupg_store_list(self->h), rb, nrb, deleted, ndeleted);
	dupg_free(rb);
	dupg_free(deleted);
	free(rb_file);
	return res;
}
