/* SPDX-License-Identifier: BSD-2-Clause */
/* Keys, signatures and trust stores for Python (trust.i). */
#include "dupg_py.h"

Trust *dupg_py_trust_new(void)
{
	dupg_trust *t = NULL;

	if (DUPG_PY_FAILED(dupg_trust_new(&t)))
		return NULL;
	return dupg_py_hold_Trust(t);
}

Trust *dupg_py_trust_load_dir(const char *dir)
{
	dupg_trust *t = NULL;
	PyThreadState *ts;
	int rc;

	ts = dupg_py_unlock();
	rc = dupg_trust_load_dir(&t, dir);
	dupg_py_relock(ts);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Trust(t);
}

PyObject *dupg_py_trust_key_ids(const dupg_trust *t)
{
	size_t i, n = dupg_trust_key_count(t);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(dupg_trust_key_id(t, i)));
	return list;
}

PyObject *dupg_py_key_generate(const char *private_path, const char *public_path)
{
	char id[DUPG_KEYID_HEX_LEN + 1];
	PyThreadState *ts;
	int rc;

	ts = dupg_py_unlock();
	rc = dupg_key_generate(private_path, public_path, id);
	dupg_py_relock(ts);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_str(id);
}

PyObject *dupg_py_key_id(const char *path)
{
	char id[DUPG_KEYID_HEX_LEN + 1];

	if (DUPG_PY_FAILED(dupg_key_id(id, path)))
		return NULL;
	return dupg_py_str(id);
}

int dupg_py_verify_now(int64_t *out, PyObject *now)
{
	long long v;

	if (now == NULL || now == Py_None) {
		*out = DUPG_VERIFY_NOW_CLOCK;
		return 0;
	}
	if (now == Py_False) {
		*out = DUPG_VERIFY_NO_EXPIRY;
		return 0;
	}
	if (!PyLong_Check(now) || PyBool_Check(now)) {
		dupg_py_argerror("now: expected None, False or seconds since the epoch, not %s",
				 Py_TYPE(now)->tp_name);
		return -1;
	}
	v = PyLong_AsLongLong(now);
	if (v == -1 && PyErr_Occurred())
		return -1;
	if (v <= 0) {
		dupg_py_argerror("now: %lld is not a time after the epoch", v);
		return -1;
	}
	*out = (int64_t)v;
	return 0;
}

Manifest *dupg_py_verify_ext(const char *path, const dupg_trust *trust, PyObject *now, bool payload,
			     PyObject *progress)
{
	dupg_verify_options o = DUPG_VERIFY_OPTIONS_INIT;
	struct dupg_py_progress_ctx pc = { NULL, NULL };
	dupg_manifest *m = NULL;
	PyThreadState *ts;
	int rc;

	if (dupg_py_verify_now(&o.now, now) < 0)
		return NULL;
	o.policy = trust != NULL ? DUPG_TRUST_REQUIRED : DUPG_TRUST_NONE;
	o.trust = trust;
	if (progress != NULL && progress != Py_None) {
		if (!PyCallable_Check(progress)) {
			dupg_py_argerror("progress must be callable");
			return NULL;
		}
		pc.fn = progress;
		o.progress = dupg_py_progress;
		o.payload = &pc;
	}
	ts = dupg_py_unlock();
	pc.ts = ts;
	rc = payload ? dupg_package_verify_ext(&m, path, &o) : dupg_package_read_manifest_ext(&m, path, &o);
	ts = pc.fn != NULL ? pc.ts : ts;
	dupg_py_relock(ts);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Manifest(m);
}
