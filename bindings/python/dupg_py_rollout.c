/* SPDX-License-Identifier: BSD-2-Clause */
/* Staged rollouts for Python (rollout.i). */
#include "dupg_py.h"

#include <stdlib.h>

Rollout *dupg_py_rollout_new(PyObject *waves, double threshold)
{
	dupg_rollout *r = NULL;
	PyObject *fast;
	double *v;
	Py_ssize_t i, n;

	if (waves == NULL || waves == Py_None) {
		if (DUPG_PY_FAILED(dupg_rollout_new(&r, NULL, 0, threshold)))
			return NULL;
		return dupg_py_hold_Rollout(r);
	}
	if (PyUnicode_Check(waves) || PyBytes_Check(waves)) {
		PyObject *b = dupg_py_bytes(waves, "waves");
		int rc;

		if (b == NULL)
			return NULL;
		rc = dupg_rollout_new_text(&r, PyBytes_AS_STRING(b), threshold);
		Py_DECREF(b);
		if (DUPG_PY_FAILED(rc))
			return NULL;
		return dupg_py_hold_Rollout(r);
	}
	fast = PySequence_Fast(waves, "");
	if (fast == NULL) {
		PyErr_Clear();
		dupg_py_argerror("waves: expected a str or a list of fractions, not %s",
				 Py_TYPE(waves)->tp_name);
		return NULL;
	}
	n = PySequence_Fast_GET_SIZE(fast);
	v = calloc((size_t)n + 1, sizeof(*v));
	if (v == NULL) {
		Py_DECREF(fast);
		dupg_py_nomem();
		return NULL;
	}
	for (i = 0; i < n; i++) {
		PyObject *item = PySequence_Fast_GET_ITEM(fast, i);

		if (PyBool_Check(item) || !PyNumber_Check(item) || PyComplex_Check(item) ||
		    ((v[i] = PyFloat_AsDouble(item)) == -1.0 && PyErr_Occurred())) {
			PyErr_Clear();
			dupg_py_argerror("waves: item %zd is not a number but %s", i,
					 Py_TYPE(item)->tp_name);
			break;
		}
	}
	Py_DECREF(fast);
	if (i == n && !DUPG_PY_FAILED(dupg_rollout_new(&r, v, (size_t)n, threshold))) {
		free(v);
		return dupg_py_hold_Rollout(r);
	}
	free(v);
	return NULL;
}

PyObject *dupg_py_rollout_waves(const dupg_rollout *r)
{
	size_t w, n = dupg_rollout_wave_count(r);
	PyObject *t = PyTuple_New((Py_ssize_t)n);

	for (w = 0; t != NULL && w < n; w++) {
		PyObject *f = PyFloat_FromDouble(dupg_rollout_wave_fraction(r, w));

		if (f == NULL)
			Py_CLEAR(t);
		else
			PyTuple_SET_ITEM(t, (Py_ssize_t)w, f);
	}
	return t;
}

long dupg_py_site_state_parse(const char *name)
{
	dupg_site_state s;

	if (DUPG_PY_FAILED(dupg_site_state_parse(&s, name)))
		return -1;
	return (long)s;
}

long dupg_py_rollout_state_parse(const char *name)
{
	dupg_rollout_state s;

	if (DUPG_PY_FAILED(dupg_rollout_state_parse(&s, name)))
		return -1;
	return (long)s;
}

bool dupg_py_site_state_final(const char *name)
{
	long s = dupg_py_site_state_parse(name);

	return s >= 0 && dupg_site_state_final((dupg_site_state)s);
}

WaveTally *dupg_py_tally_new(size_t sites, size_t current, size_t finished, size_t failed)
{
	WaveTally *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		dupg_py_nomem();
		return NULL;
	}
	t->sites = sites;
	t->current = current;
	t->finished = finished;
	t->failed = failed;
	return t;
}

void dupg_py_tally_add(WaveTally *t, const char *state, size_t n)
{
	long s = dupg_py_site_state_parse(state);

	if (s >= 0)
		dupg_wave_tally_add(t, (dupg_site_state)s, n);
}

RolloutStatus *dupg_py_status_new(const char *state, size_t open, bool halted, size_t halted_wave)
{
	long s = dupg_py_rollout_state_parse(state);
	RolloutStatus *st;

	if (s < 0)
		return NULL;
	if (open == 0) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "rollout status: open is %zu, at least wave 0 is open",
			       open);
		return NULL;
	}
	if (halted != (s == DUPG_ROLLOUT_HALTED)) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "rollout status: %s",
			       halted ? "only a halted rollout has a halted wave"
				      : "a halted rollout needs its halted wave");
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		dupg_py_nomem();
		return NULL;
	}
	st->state = (dupg_rollout_state)s;
	st->open = open;
	st->halted_wave = halted ? halted_wave : DUPG_NONE;
	return st;
}

PyObject *dupg_py_status_halted_wave(const RolloutStatus *st)
{
	if (st->halted_wave == DUPG_NONE)
		Py_RETURN_NONE;
	return PyLong_FromSize_t(st->halted_wave);
}

RolloutStatus *dupg_py_rollout_step(const dupg_rollout *r, const RolloutStatus *st,
				    const WaveTally *tallies, size_t ntallies)
{
	RolloutStatus *next;
	size_t n = dupg_rollout_wave_count(r);

	if (st == NULL) {
		dupg_py_argerror("status: expected a RolloutStatus, not None");
		return NULL;
	}
	if (ntallies != n) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "tallies: %zu given for a rollout of %zu wave%s",
			       ntallies, n, n == 1 ? "" : "s");
		return NULL;
	}
	next = malloc(sizeof(*next));
	if (next == NULL) {
		dupg_py_nomem();
		return NULL;
	}
	*next = *st;
	if (DUPG_PY_FAILED(dupg_rollout_step(next, r, tallies))) {
		free(next);
		return NULL;
	}
	return next;
}
