/* SPDX-License-Identifier: BSD-2-Clause */
/* Regions for Python (region.i). */
#include "dupg_py.h"

#include <stdlib.h>

/* A Python int for a uint32_t argument, refused past limit with BadInputError. */
static int dupg_py_u32(uint32_t *out, unsigned long long v, unsigned long long limit, const char *what)
{
	if (v > limit) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "%s %llu is above %llu", what, v, limit);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static PyObject *dupg_py_size_or_none(size_t v)
{
	if (v == DUPG_NONE)
		Py_RETURN_NONE;
	return PyLong_FromSize_t(v);
}

/* ---- the score ---------------------------------------------------------- */

static int dupg_py_weight(void *ctx, PyObject *key, PyObject *value)
{
	dupg_score_options *o = ctx;
	static const char *const names[] = { "cpu", "memory", "storage", "bandwidth", "latency", "loss",
					     "bandwidth_ref_mbps", "latency_ref_ms" };
	double *fields[] = { &o->cpu, &o->memory, &o->storage, &o->bandwidth, &o->latency, &o->loss,
			     &o->bandwidth_ref_mbps, &o->latency_ref_ms };
	const char *k = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
	double v;
	size_t i;

	if (k == NULL) {
		PyErr_Clear();
		dupg_py_argerror("weights: a key is not a str but %s", Py_TYPE(key)->tp_name);
		return -1;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(k, names[i]) == 0)
			break;
	if (i == sizeof(names) / sizeof(names[0])) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "weights: unknown \"%s\" (one of: cpu, memory, storage, "
			       "bandwidth, latency, loss, bandwidth_ref_mbps, latency_ref_ms)", k);
		return -1;
	}
	if (PyBool_Check(value) || !PyNumber_Check(value) || PyComplex_Check(value) ||
	    ((v = PyFloat_AsDouble(value)) == -1.0 && PyErr_Occurred())) {
		PyErr_Clear();
		dupg_py_argerror("weights: %s is not a number but %s", k, Py_TYPE(value)->tp_name);
		return -1;
	}
	*fields[i] = v;
	return 0;
}

PyObject *dupg_py_score(double cpu, double memory, double storage, double bandwidth_mbps,
			double latency_ms, double loss, PyObject *weights)
{
	dupg_score_options o = DUPG_SCORE_OPTIONS_INIT;
	dupg_node_resources res = { cpu, memory, storage, bandwidth_mbps, latency_ms, loss };
	uint32_t s = 0;

	if (weights != NULL && weights != Py_None &&
	    dupg_py_each_pair(weights, "weights", dupg_py_weight, &o) < 0)
		return NULL;
	if (DUPG_PY_FAILED(dupg_score(&s, &res, &o)))
		return NULL;
	return PyLong_FromUnsignedLong(s);
}

/* ---- the partition ------------------------------------------------------ */

Partition *dupg_py_partition_new(size_t planned, size_t max_per_region, PyObject *pool)
{
	struct dupg_py_strv sv;
	dupg_partition *p = NULL;
	int rc;

	memset(&sv, 0, sizeof(sv));
	if (dupg_py_strv_init(&sv, pool, 0, "pool") < 0)
		return NULL;
	rc = dupg_partition_new(&p, planned, max_per_region, sv.v, sv.n);
	dupg_py_strv_clear(&sv);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Partition(p);
}

size_t dupg_py_partition_join(dupg_partition *p, unsigned long long score)
{
	size_t r = 0;
	uint32_t s;

	if (dupg_py_u32(&s, score, DUPG_SCORE_MAX, "partition: score") < 0)
		return 0;
	if (DUPG_PY_FAILED(dupg_partition_join(&r, p, s)))
		return 0;
	return r;
}

PyObject *dupg_py_partition_address(const dupg_partition *p, long r)
{
	long i = dupg_py_index(r, dupg_partition_region_count(p), "region");

	return i < 0 ? NULL : dupg_py_str(dupg_partition_address(p, (size_t)i));
}

PyObject *dupg_py_partition_region_of(const dupg_partition *p, long i)
{
	long k = dupg_py_index(i, dupg_partition_online(p), "arrival");

	return k < 0 ? NULL : PyLong_FromSize_t(dupg_partition_region_of(p, (size_t)k));
}

PyObject *dupg_py_partition_best_node(const dupg_partition *p, long r)
{
	long i = dupg_py_index(r, dupg_partition_region_count(p), "region");

	return i < 0 ? NULL : dupg_py_size_or_none(dupg_partition_best_node(p, (size_t)i));
}

/* ---- one region --------------------------------------------------------- */

Region *dupg_py_region_new(unsigned long long id, unsigned long long dead_after)
{
	dupg_region_options o = DUPG_REGION_OPTIONS_INIT;
	dupg_region *r = NULL;
	uint32_t rid;

	if (dupg_py_u32(&rid, id, UINT32_MAX, "region: id") < 0)
		return NULL;
	o.dead_after = dead_after;
	if (DUPG_PY_FAILED(dupg_region_new(&r, rid, &o)))
		return NULL;
	return dupg_py_hold_Region(r);
}

void dupg_py_region_heard(dupg_region *r, const char *id, unsigned long long score,
			  unsigned long long period)
{
	uint32_t s;

	if (dupg_py_u32(&s, score, DUPG_SCORE_MAX, "region heard: score") == 0)
		DUPG_PY_CALL(dupg_region_heard(r, id, s, period));
}

void dupg_py_region_receive(dupg_region *r, PyObject *data, unsigned long long now)
{
	dupg_announce *a = NULL;
	Py_buffer view;

	if (PyUnicode_Check(data) || PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
		PyErr_Clear();
		dupg_py_argerror("receive: expected bytes, not %s", Py_TYPE(data)->tp_name);
		return;
	}
	if (!DUPG_PY_FAILED(dupg_announce_decode(&a, view.buf, (size_t)view.len)))
		DUPG_PY_CALL(dupg_region_receive(r, a, now));
	PyBuffer_Release(&view);
	dupg_announce_free(a);
}

bool dupg_py_region_claim(dupg_region *r, const char *id, unsigned long long score,
			  unsigned long long epoch)
{
	uint32_t s;
	int rc;

	if (dupg_py_u32(&s, score, DUPG_SCORE_MAX, "region claim: score") < 0)
		return false;
	rc = dupg_region_claim(r, id, s, epoch);
	if (DUPG_PY_FAILED(rc))
		return false;
	return rc == 1;
}

const char *dupg_py_region_elect(dupg_region *r, unsigned long long period)
{
	dupg_elect_result res = DUPG_ELECT_NONE;

	if (DUPG_PY_FAILED(dupg_region_elect(&res, r, period)))
		return NULL;
	return dupg_elect_result_name(res);
}

long dupg_py_elect_result_parse(const char *name)
{
	dupg_elect_result e;

	if (DUPG_PY_FAILED(dupg_elect_result_parse(&e, name)))
		return -1;
	return (long)e;
}

PyObject *dupg_py_region_members(const dupg_region *r)
{
	size_t i, n = dupg_region_member_count(r);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(dupg_region_member(r, i)));
	return list;
}

/* The index of member id, or DUPG_NONE with NotFoundError. */
static size_t dupg_py_member(const dupg_region *r, const char *id)
{
	size_t i = dupg_region_find(r, id);

	if (i == DUPG_NONE)
		dupg_py_errorf(NULL, DUPG_ENOTFOUND, "'%s' is not a member of region %u", id,
			       dupg_region_id(r));
	return i;
}

PyObject *dupg_py_region_member_score(const dupg_region *r, const char *id)
{
	size_t i = dupg_py_member(r, id);

	return i == DUPG_NONE ? NULL : PyLong_FromUnsignedLong(dupg_region_member_score(r, i));
}

bool dupg_py_region_alive(const dupg_region *r, const char *id, unsigned long long period)
{
	size_t i = dupg_py_member(r, id);

	return i != DUPG_NONE && dupg_region_member_alive(r, i, period);
}

PyObject *dupg_py_region_version(const dupg_region *r, const char *id, const char *hw)
{
	size_t i = dupg_py_member(r, id);
	const char *v;

	if (i == DUPG_NONE)
		return NULL;
	v = dupg_region_member_version(r, i, hw);
	if (v == NULL)
		Py_RETURN_NONE;
	return dupg_py_str(v);
}

size_t dupg_py_region_needs(const dupg_region *r, const char *hw, const char *version,
			    PyObject *min, PyObject *max)
{
	dupg_region_package pkg = { hw, version, NULL, NULL };
	PyObject *kmin = NULL, *kmax = NULL;
	size_t n = 0;

	if (min != NULL && min != Py_None) {
		if ((kmin = dupg_py_bytes(min, "min")) == NULL)
			return 0;
		pkg.min = PyBytes_AS_STRING(kmin);
	}
	if (max != NULL && max != Py_None) {
		if ((kmax = dupg_py_bytes(max, "max")) == NULL) {
			Py_XDECREF(kmin);
			return 0;
		}
		pkg.max = PyBytes_AS_STRING(kmax);
	}
	DUPG_PY_CALL(dupg_region_needs(&n, r, &pkg));
	Py_XDECREF(kmin);
	Py_XDECREF(kmax);
	return n;
}

/* ---- the announcement --------------------------------------------------- */

static int dupg_py_announce_pair(void *ctx, PyObject *key, PyObject *value)
{
	PyObject *k = dupg_py_bytes(key, "versions: a hardware type"), *v;
	int rc;

	if (k == NULL)
		return -1;
	v = dupg_py_bytes(value, "versions: a version");
	if (v == NULL) {
		Py_DECREF(k);
		return -1;
	}
	rc = dupg_announce_add(ctx, PyBytes_AS_STRING(k), PyBytes_AS_STRING(v));
	Py_DECREF(k);
	Py_DECREF(v);
	return DUPG_PY_FAILED(rc) && dupg_py_check() ? -1 : 0;
}

PyObject *dupg_py_announce_encode(const char *sender, unsigned long long region,
				  unsigned long long epoch, unsigned long long period,
				  unsigned long long score, bool leader, PyObject *versions,
				  const char *url)
{
	dupg_announce *a = NULL;
	unsigned char *buf = NULL;
	size_t len = 0;
	uint32_t rid, s;
	PyObject *out = NULL;

	if (dupg_py_u32(&rid, region, UINT32_MAX, "announcement: region") < 0 ||
	    dupg_py_u32(&s, score, DUPG_SCORE_MAX, "announcement: score") < 0)
		return NULL;
	if (DUPG_PY_FAILED(dupg_announce_new(&a, sender, rid, epoch, period, s, leader)))
		return NULL;
	if ((versions == NULL || versions == Py_None ||
	     dupg_py_each_pair(versions, "versions", dupg_py_announce_pair, a) == 0) &&
	    (url == NULL || !DUPG_PY_FAILED(dupg_announce_set_url(a, url))) &&
	    !DUPG_PY_FAILED(dupg_announce_encode(&buf, &len, a)))
		out = PyBytes_FromStringAndSize((const char *)buf, (Py_ssize_t)len);
	dupg_free(buf);
	dupg_announce_free(a);
	return out;
}

PyObject *dupg_py_announce_decode(PyObject *data)
{
	dupg_announce *a = NULL;
	PyObject *d = NULL, *versions;
	Py_buffer view;
	size_t i;
	int rc;

	if (PyUnicode_Check(data) || PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) < 0) {
		PyErr_Clear();
		dupg_py_argerror("decode_announcement: expected bytes, not %s", Py_TYPE(data)->tp_name);
		return NULL;
	}
	rc = dupg_announce_decode(&a, view.buf, (size_t)view.len);
	PyBuffer_Release(&view);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	if ((versions = PyDict_New()) == NULL || (d = PyDict_New()) == NULL)
		goto fail;
	for (i = 0; i < dupg_announce_hw_count(a); i++) {
		PyObject *v = dupg_py_str(dupg_announce_version(a, i));

		if (v == NULL || PyDict_SetItemString(versions, dupg_announce_hw(a, i), v) < 0) {
			Py_XDECREF(v);
			goto fail;
		}
		Py_DECREF(v);
	}
	if (dupg_py_put(d, "sender", dupg_py_str(dupg_announce_sender(a))) < 0 ||
	    dupg_py_put(d, "region", PyLong_FromUnsignedLong(dupg_announce_region(a))) < 0 ||
	    dupg_py_put(d, "epoch", PyLong_FromUnsignedLongLong(dupg_announce_epoch(a))) < 0 ||
	    dupg_py_put(d, "period", PyLong_FromUnsignedLongLong(dupg_announce_period(a))) < 0 ||
	    dupg_py_put(d, "score", PyLong_FromUnsignedLong(dupg_announce_score(a))) < 0 ||
	    dupg_py_put(d, "leader", PyBool_FromLong(dupg_announce_leader(a))) < 0 ||
	    dupg_py_put(d, "url", dupg_py_str(dupg_announce_url(a))) < 0)
		goto fail;
	if (dupg_py_put(d, "versions", versions) < 0) {
		versions = NULL;
		goto fail;
	}
	dupg_announce_free(a);
	return d;
fail:
	Py_XDECREF(versions);
	Py_XDECREF(d);
	dupg_announce_free(a);
	return NULL;
}
