/* SPDX-License-Identifier: BSD-2-Clause */
/* Building packages and digesting files for Python (package.i). */
#include "dupg_py.h"

#include <stdio.h>
#include <stdlib.h>

Manifest *dupg_py_build_package(const char *out_path, const char *name, const char *version,
				const char *const *hw, size_t hw_count,
				const char *const *sources, size_t source_count,
				const char *const *install_paths, size_t install_count,
				const char *format, const char *build_time,
				const char *vendor, bool no_fsync, uint64_t security_version,
				const char *applies_min, const char *applies_max,
				const char *summary, const char *expires,
				const char *const *sign_keys, size_t sign_key_count,
				PyObject *modes, bool record_modes, PyObject *progress)
{
	dupg_pack_mode *pm = NULL;
	Py_ssize_t nmodes = 0;
	dupg_pack_options opts = DUPG_PACK_OPTIONS_INIT;
	struct dupg_py_progress_ctx pc = { NULL, NULL };
	dupg_pack_file *files;
	dupg_manifest *m = NULL;
	PyThreadState *ts;
	size_t i;
	int rc;

	if (source_count != install_count) {
		dupg_py_argerror("sources and install paths differ in length");
		return NULL;
	}
	/* an unknown name is a format this version does not know, as in the C API's EUNSUPPORTED */
	if (format != NULL && dupg_pack_format_parse(&opts.format, format) < 0) {
		dupg_py_errorf(NULL, DUPG_EUNSUPPORTED, "%s: %s", out_path, dupg_error_last());
		return NULL;
	}
	opts.build_time = build_time;
	opts.vendor = vendor;
	opts.no_fsync = no_fsync;
	opts.security_version = security_version;
	opts.applies_min = applies_min;
	opts.applies_max = applies_max;
	opts.summary = summary;
	opts.expires = expires;
	opts.sign_keys = sign_key_count > 0 ? sign_keys : NULL;
	opts.sign_key_count = sign_key_count;
	if (progress != NULL && progress != Py_None) {
		if (!PyCallable_Check(progress)) {
			dupg_py_argerror("progress must be callable");
			return NULL;
		}
		pc.fn = progress;
		opts.progress = dupg_py_progress;
		opts.payload = &pc;
	}
	/* a list of (str, int) tuples, built by dupg.build_package(): the strings live as long as it */
	if (modes != NULL && modes != Py_None) {
		if (!PyList_Check(modes)) {
			dupg_py_argerror("modes must be a list of (install path, mode) pairs");
			return NULL;
		}
		nmodes = PyList_GET_SIZE(modes);
		pm = calloc((size_t)nmodes + 1, sizeof(*pm));
		if (pm == NULL) {
			dupg_py_nomem();
			return NULL;
		}
		for (i = 0; i < (size_t)nmodes; i++) {
			if (!PyArg_ParseTuple(PyList_GET_ITEM(modes, (Py_ssize_t)i), "sI;modes: each is an "
					      "(install path, mode) pair", &pm[i].path, &pm[i].mode)) {
				free(pm);
				return NULL;
			}
		}
		opts.modes = pm;
		opts.mode_count = (size_t)nmodes;
	}
	opts.record_modes = record_modes;
	files = calloc(source_count + 1, sizeof(*files));
	if (files == NULL) {
		free(pm);
		dupg_py_nomem();
		return NULL;
	}
	for (i = 0; i < source_count; i++) {
		files[i].source = sources[i];
		files[i].path = install_paths[i];
	}
	ts = dupg_py_unlock();
	pc.ts = ts;
	rc = dupg_package_build(&m, out_path, name, version, hw, hw_count, files, source_count,
				&opts);
	ts = pc.fn != NULL ? pc.ts : ts;
	dupg_py_relock(ts);
	free(files);
	free(pm);
	if (DUPG_PY_FAILED(rc))
		return NULL;
	return dupg_py_hold_Manifest(m);
}

PyObject *dupg_py_file_xxh128(const char *path)
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
