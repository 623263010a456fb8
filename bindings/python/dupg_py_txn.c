/* SPDX-License-Identifier: BSD-2-Clause */
/* Transactions for Python (txn.i). */
#include "dupg_py.h"

#include <stdlib.h>

/* actions taken from dupg_txn_next() at a time */
#define DUPG_PY_TXN_BATCH 64

/* ---- The holder --------------------------------------------------------- */

static void dupg_py_txn_release(Transaction *x)
{
	size_t i;

	if (x->h != NULL)
		dupg_py_live_add(-1);
	dupg_txn_free(x->h);
	x->h = NULL;
	dupg_txn_file_free(x->jf);
	x->jf = NULL;
	for (i = 0; i < x->nplans; i++) {
		Plan *p = x->plans[i];

		if (p->topo != NULL)
			p->topo->txns--;
		if (dupg_py_leave(&p->use))
			dupg_py_drop_Plan(p);
	}
	free(x->plans);
	x->plans = NULL;
	x->nplans = 0;
	free(x->journal);
	x->journal = NULL;
}

void dupg_py_close_Transaction(Transaction *x)
{
	if (dupg_py_alone(&x->use, 0, "Transaction") == 0)
		dupg_py_txn_release(x);
}

void dupg_py_drop_Transaction(Transaction *x)
{
	dupg_py_txn_release(x);
	free(x);
}

void dupg_py_destroy_Transaction(Transaction *x)
{
	if (x->use.calls > 0)
		x->use.doomed = true;
	else
		dupg_py_drop_Transaction(x);
}

/* ---- Building one ------------------------------------------------------- */

/* What the members' strings point into, until the library has copied them. */
struct dupg_py_txn_args {
	dupg_txn_member *m;
	struct dupg_py_strv *versions;
	PyObject *keep;
	size_t n;
};

static void dupg_py_txn_args_clear(struct dupg_py_txn_args *a)
{
	size_t i;

	for (i = 0; a->versions != NULL && i < a->n; i++)
		dupg_py_strv_clear(&a->versions[i]);
	free(a->versions);
	free(a->m);
	Py_XDECREF(a->keep);
}

/* Member i: plan, name (None or str), versions (None or one per step, each None or str). */
static int dupg_py_txn_member(struct dupg_py_txn_args *a, size_t i, Plan *plan, PyObject *name,
			      PyObject *versions)
{
	a->m[i].plan = plan->h;
	if (name != Py_None) {
		PyObject *b = dupg_py_bytes(name, "name");

		if (b == NULL || PyList_Append(a->keep, b) < 0) {
			Py_XDECREF(b);
			return -1;
		}
		a->m[i].name = PyBytes_AS_STRING(b);
		Py_DECREF(b);
	}
	if (versions != Py_None) {
		if (dupg_py_strv_init(&a->versions[i], versions, 1, "versions") < 0)
			return -1;
		if (a->versions[i].n != dupg_plan_count(plan->h)) {
			dupg_py_argerror("versions of member %zu: %zu given for a plan of %zu steps", i,
					 a->versions[i].n, dupg_plan_count(plan->h));
			return -1;
		}
		a->m[i].versions = a->versions[i].v;
	}
	return 0;
}

static int dupg_py_txn_members(struct dupg_py_txn_args *a, Transaction *x, Plan **plans,
			       size_t nplans, PyObject *names, PyObject *versions)
{
	size_t i;

	if (nplans == 0) {
		dupg_py_argerror("members: a transaction needs at least one plan");
		return -1;
	}
	if (!PySequence_Check(names) || !PySequence_Check(versions) ||
	    PySequence_Size(names) != (Py_ssize_t)nplans ||
	    PySequence_Size(versions) != (Py_ssize_t)nplans) {
		PyErr_Clear();
		dupg_py_argerror("names and versions: one entry per plan");
		return -1;
	}
	a->n = nplans;
	a->m = calloc(nplans, sizeof(*a->m));
	a->versions = calloc(nplans, sizeof(*a->versions));
	a->keep = PyList_New(0);
	x->plans = calloc(nplans, sizeof(*x->plans));
	if (a->m == NULL || a->versions == NULL || x->plans == NULL) {
		dupg_py_nomem();
		return -1;
	}
	if (a->keep == NULL)
		return -1;
	for (i = 0; i < nplans; i++) {
		PyObject *name, *ver;
		int rc;

		if (DUPG_PY_ENTER(plans[i], "Plan") < 0)
			return -1;
		x->plans[x->nplans++] = plans[i];
		if (plans[i]->topo != NULL)
			plans[i]->topo->txns++;
		name = PySequence_GetItem(names, (Py_ssize_t)i);
		ver = PySequence_GetItem(versions, (Py_ssize_t)i);
		rc = name == NULL || ver == NULL ? -1 :
		     dupg_py_txn_member(a, i, plans[i], name, ver);
		Py_XDECREF(name);
		Py_XDECREF(ver);
		if (rc < 0)
			return -1;
	}
	return 0;
}

Transaction *dupg_py_txn_new(Plan **plans, size_t nplans, PyObject *names, PyObject *versions,
			     size_t parallel, double timeout_factor, uint64_t timeout_floor_ms,
			     const char *journal, bool no_fsync, bool replace_only, bool resume)
{
	Transaction *x = calloc(1, sizeof(*x));
	struct dupg_py_txn_args a;
	dupg_txn_options o = DUPG_TXN_OPTIONS_INIT;
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	if (x == NULL) {
		dupg_py_nomem();
		return NULL;
	}
	if (dupg_py_txn_members(&a, x, plans, nplans, names, versions) < 0)
		goto out;
	o.parallel = parallel;
	o.timeout_factor = timeout_factor;
	o.timeout_floor_ms = timeout_floor_ms;
	o.journal_replace_only = replace_only;
	if (journal != NULL) {
		ao.no_fsync = no_fsync;
		if (DUPG_PY_FAILED(dupg_txn_file_open(&x->jf, journal, &ao)))
			goto out;
		if ((x->journal = strdup(journal)) == NULL) {
			dupg_py_nomem();
			goto out;
		}
		x->no_fsync = no_fsync;
		o.journal = dupg_txn_file_write;
		o.journal_payload = x->jf;
	} else if (resume) {
		dupg_py_argerror("resume: a journal file is needed");
		goto out;
	}
	if (resume)
		rc = dupg_txn_resume_file(&x->h, a.m, nplans, journal, &o);
	else
		rc = dupg_txn_new(&x->h, a.m, nplans, &o);
	if (!DUPG_PY_FAILED(rc))
		dupg_py_live_add(1);
out:
	dupg_py_txn_args_clear(&a);
	if (x->h == NULL) {
		dupg_py_drop_Transaction(x);
		return NULL;
	}
	return x;
}

/* ---- Actions and events ------------------------------------------------- */

/* The route of a send: the ids of the devices on the way, nearest the master first. */
static PyObject *dupg_py_txn_via(const Transaction *x, const dupg_txn_action *a)
{
	const dupg_plan *p = a->member < x->nplans ? x->plans[a->member]->h : NULL;
	size_t j;
	PyObject *via = PyList_New((Py_ssize_t)a->via_count);

	for (j = 0; via != NULL && p != NULL && j < a->via_count; j++)
		via = dupg_py_set(via, j, dupg_py_str(dupg_plan_via(p, a->step, j)));
	return via;
}

static PyObject *dupg_py_index_or_none(size_t v)
{
	if (v == DUPG_NONE)
		Py_RETURN_NONE;
	return PyLong_FromSize_t(v);
}

static PyObject *dupg_py_txn_action(const Transaction *x, const dupg_txn_action *a)
{
	PyObject *e = PyDict_New();
	int done = a->kind == DUPG_TXN_ACT_DONE;

	if (e != NULL &&
	    (dupg_py_put(e, "kind", dupg_py_str(dupg_txn_action_kind_name(a->kind))) < 0 ||
	     dupg_py_put(e, "device", dupg_py_index_or_none(a->device)) < 0 ||
	     dupg_py_put(e, "member", dupg_py_index_or_none(a->member)) < 0 ||
	     dupg_py_put(e, "step", dupg_py_index_or_none(a->step)) < 0 ||
	     dupg_py_put(e, "id", dupg_py_str(a->id)) < 0 ||
	     dupg_py_put(e, "package", dupg_py_str(a->package)) < 0 ||
	     dupg_py_put(e, "via", dupg_py_txn_via(x, a)) < 0 ||
	     dupg_py_put(e, "deadline_ms", a->deadline_ms == 0 ? (Py_INCREF(Py_None), Py_None)
							    : PyLong_FromUnsignedLongLong(a->deadline_ms)) < 0 ||
	     dupg_py_put(e, "outcome", done ? dupg_py_str(dupg_txn_outcome_name(a->outcome))
					    : (Py_INCREF(Py_None), Py_None)) < 0))
		Py_CLEAR(e);
	return e;
}

PyObject *dupg_py_txn_next(Transaction *self, uint64_t now_ms)
{
	dupg_txn_action act[DUPG_PY_TXN_BATCH];
	PyObject *list = PyList_New(0);
	size_t n, i;

	/* a short batch may have more behind it: until a call gives none, or the end */
	while (list != NULL) {
		if (DUPG_PY_FAILED(dupg_txn_next(self->h, now_ms, act, DUPG_PY_TXN_BATCH, &n))) {
			Py_CLEAR(list);
			break;
		}
		for (i = 0; list != NULL && i < n; i++) {
			PyObject *e = dupg_py_txn_action(self, &act[i]);

			if (e == NULL || PyList_Append(list, e) < 0)
				Py_CLEAR(list);
			Py_XDECREF(e);
		}
		if (n == 0 || (n > 0 && act[n - 1].kind == DUPG_TXN_ACT_DONE))
			break;
	}
	return list;
}

PyObject *dupg_py_txn_feed(Transaction *self, const char *kind, size_t device, const char *version,
			   int slot, const char *detail, uint64_t now_ms)
{
	dupg_txn_event ev = DUPG_TXN_EVENT_INIT;
	dupg_txn_event_kind k;
	int rc;

	if (DUPG_PY_FAILED(dupg_txn_event_kind_parse(&k, kind)))
		return NULL;
	ev.kind = k;
	ev.device = device;
	ev.version = version;
	ev.slot = slot;
	ev.detail = detail;
	rc = dupg_txn_feed(self->h, &ev, now_ms);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_str(dupg_txn_taken_name((dupg_txn_taken)rc));
}

void dupg_py_txn_abort(Transaction *self, const char *detail, uint64_t now_ms)
{
	DUPG_PY_CALL(dupg_txn_abort(self->h, detail, now_ms));
}

/* ---- What it knows -------------------------------------------------------- */

static PyObject *dupg_py_bool(int v)
{
	return PyBool_FromLong(v);
}

PyObject *dupg_py_txn_device(const dupg_txn *t, long d)
{
	dupg_txn_device_info info;
	PyObject *e;
	long i = dupg_py_index(d, dupg_txn_count(t), "device");

	if (i < 0 || DUPG_PY_FAILED(dupg_txn_device_get(t, (size_t)i, &info)))
		return NULL;
	e = PyDict_New();
	if (e != NULL &&
	    (dupg_py_put(e, "device", PyLong_FromLong(i)) < 0 ||
	     dupg_py_put(e, "member", PyLong_FromSize_t(info.member)) < 0 ||
	     dupg_py_put(e, "step", PyLong_FromSize_t(info.step)) < 0 ||
	     dupg_py_put(e, "id", dupg_py_str(info.id)) < 0 ||
	     dupg_py_put(e, "state", dupg_py_str(dupg_txn_state_name(info.state))) < 0 ||
	     dupg_py_put(e, "failure", info.failure == DUPG_TXN_FAIL_NONE ? (Py_INCREF(Py_None), Py_None)
				     : dupg_py_str(dupg_txn_failure_name(info.failure))) < 0 ||
	     dupg_py_put(e, "timed_out", dupg_py_bool(info.timed_out)) < 0 ||
	     dupg_py_put(e, "detail", dupg_py_str(info.detail)) < 0))
		Py_CLEAR(e);
	return e;
}

PyObject *dupg_py_txn_cause(const dupg_txn *t)
{
	dupg_txn_cause c;
	dupg_txn_device_info info;
	int known;
	PyObject *e;

	dupg_txn_cause_get(t, &c);
	if (c.kind == DUPG_TXN_FAIL_NONE)
		Py_RETURN_NONE;
	known = c.device != DUPG_NONE && dupg_txn_device_get(t, c.device, &info) == 0;
	e = PyDict_New();
	if (e != NULL &&
	    (dupg_py_put(e, "kind", dupg_py_str(dupg_txn_failure_name(c.kind))) < 0 ||
	     dupg_py_put(e, "device", dupg_py_index_or_none(c.device)) < 0 ||
	     dupg_py_put(e, "member", known ? PyLong_FromSize_t(info.member) : (Py_INCREF(Py_None), Py_None)) < 0 ||
	     dupg_py_put(e, "id", dupg_py_str(known ? info.id : NULL)) < 0 ||
	     dupg_py_put(e, "timed_out", dupg_py_bool(c.timed_out)) < 0 ||
	     dupg_py_put(e, "detail", dupg_py_str(c.detail)) < 0))
		Py_CLEAR(e);
	return e;
}

PyObject *dupg_py_txn_counts(const dupg_txn *t)
{
	PyObject *e = PyDict_New();
	int s;

	for (s = 0; e != NULL && s < DUPG_TXN_DEV_STATES; s++)
		if (dupg_py_put(e, dupg_txn_state_name((dupg_txn_state)s),
				PyLong_FromSize_t(dupg_txn_state_count(t, (dupg_txn_state)s))) < 0)
			Py_CLEAR(e);
	return e;
}

PyObject *dupg_py_txn_snapshot(const dupg_txn *t)
{
	char *text = NULL;
	size_t len = 0;
	PyObject *b;

	if (DUPG_PY_FAILED(dupg_txn_snapshot(&text, &len, t)))
		return NULL;
	b = PyBytes_FromStringAndSize(text, (Py_ssize_t)len);
	dupg_free(text);
	return b;
}

PyObject *dupg_py_txn_find(const dupg_txn *t, size_t member, const char *id)
{
	size_t d = dupg_txn_find(t, member, id);

	if (d == DUPG_NONE) {
		dupg_py_errorf(NULL, DUPG_ENOTFOUND, "no device '%s' in member %zu of the transaction",
			       id, member);
		return NULL;
	}
	return PyLong_FromSize_t(d);
}

void dupg_py_txn_remove_journal(Transaction *self)
{
	dupg_apply_options ao = DUPG_APPLY_OPTIONS_INIT;

	if (self->journal == NULL) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "the transaction has no journal file");
		return;
	}
	ao.no_fsync = self->no_fsync;
	DUPG_PY_CALL(dupg_txn_file_remove(self->journal, &ao));
}
