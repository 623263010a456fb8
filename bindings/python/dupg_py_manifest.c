/* SPDX-License-Identifier: BSD-2-Clause */
/* Manifests for Python (manifest.i). */
#include "dupg_py.h"

#include <stdio.h>

Manifest *dupg_py_manifest_new(const char *name, const char *version,
			       const char *const *hw, size_t hw_count)
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

Manifest *dupg_py_manifest_from_package(const char *path, bool verify)
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

PyObject *dupg_py_manifest_hw(const dupg_manifest *m)
{
	size_t i, n = dupg_manifest_hw_count(m);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++)
		list = dupg_py_set(list, i, dupg_py_str(dupg_manifest_hw(m, i)));
	return list;
}

/* A listed mode as manifest.json spells it: four octal digits. */
static const char *mode_text(char out[8], unsigned int mode)
{
	snprintf(out, 8, "%04o", mode & DUPG_MODE_MAX);
	return out;
}

PyObject *dupg_py_manifest_files(const dupg_manifest *m)
{
	size_t i, n = dupg_manifest_file_count(m);
	PyObject *list = PyList_New((Py_ssize_t)n);

	for (i = 0; list != NULL && i < n; i++) {
		PyObject *f = PyDict_New();
		char mode[8];

		if (f != NULL &&
		    (dupg_py_put(f, "path", dupg_py_str(dupg_manifest_file_path(m, i))) < 0 ||
		     dupg_py_put(f, "size",
				 PyLong_FromUnsignedLongLong(dupg_manifest_file_size(m, i))) < 0 ||
		     dupg_py_put(f, "xxh128", dupg_py_str(dupg_manifest_file_xxh128_hex(m, i))) < 0 ||
		     (dupg_manifest_file_sha256_hex(m, i) != NULL &&
		      dupg_py_put(f, "sha256", dupg_py_str(dupg_manifest_file_sha256_hex(m, i))) < 0) ||
		     (dupg_manifest_file_mode_listed(m, i) &&
		      dupg_py_put(f, "mode", dupg_py_str(mode_text(mode, dupg_manifest_file_mode(m, i)))) < 0)))
			Py_CLEAR(f);
		list = dupg_py_set(list, i, f);
	}
	return list;
}

/* A digest given as 32 hex digits or the 16 canonical bytes: 0, or -1 with BadInputError. */
static int dupg_py_digest(unsigned char d[16], PyObject *xxh128, const char *path)
{
	const char *hex;
	size_t i;

	if (PyBytes_Check(xxh128) && PyBytes_GET_SIZE(xxh128) == 16) {
		memcpy(d, PyBytes_AS_STRING(xxh128), 16);
		return 0;
	}
	if (!PyUnicode_Check(xxh128) || PyUnicode_GET_LENGTH(xxh128) != 32) {
		dupg_py_errorf(NULL, DUPG_EINVAL, "%s: xxh128 must be 32 hex digits or 16 bytes", path);
		return -1;
	}
	hex = PyUnicode_AsUTF8(xxh128);
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
		return -1;
	}
	return 0;
}

void dupg_py_manifest_add_file(Manifest *self, const char *path, uint64_t size,
			       PyObject *xxh128)
{
	unsigned char d[16];

	if (dupg_py_digest(d, xxh128, path) == 0 && dupg_py_alone(&self->use, 1, "Manifest") == 0)
		DUPG_PY_CALL(dupg_manifest_add_file(self->h, path, size, d));
}
