/* SPDX-License-Identifier: BSD-2-Clause */
/* Packages (dupg/package.h): building them, digesting files, the archive formats. */

%rename(_pack_format_name) dupg_pack_format_name;
%include "dupg/package.h"

%pythoncode %{
PACK_FORMATS = _names(_pack_format_name)
%}

%newobject dupg_py_build_package;
%rename(_build_package) dupg_py_build_package;
%rename(file_xxh128) dupg_py_file_xxh128;

/**
 * Build a package: digests every source file (XXH3-128 and SHA-256), writes a
 * format-2 manifest.json first (format 3 when modes are listed), manifest.sig
 * next when sign_keys are given,
 * and then the files, into a temporary file beside out_path that is fsynced and
 * renamed over out_path. On failure nothing is left at out_path.
 * (Use dupg.build_package(), which accepts the files in friendlier shapes.)
 * @param format one of PACK_FORMATS, or None for "auto"
 * @param modes a list of (install path, mode) pairs to list in the manifest
 * @param record_modes list every other file's mode as its source has it
 */
Manifest *dupg_py_build_package(const char *out_path, const char *name, const char *version,
				const char *const *hw, size_t hw_count,
				const char *const *sources, size_t source_count,
				const char *const *install_paths, size_t install_count,
				const char *format, const char *build_time,
				const char *vendor, bool no_fsync,
				uint64_t security_version, const char *applies_min,
				const char *applies_max, const char *summary,
				const char *expires,
				const char *const *sign_keys, size_t sign_key_count,
				PyObject *modes, bool record_modes,
				PyObject *progress = NULL);

/**
 * XXH3-128 of a file on disk, streamed.
 * @param path the file
 * @return the digest as 32 lowercase hex digits (as `xxhsum -H2` prints it)
 * @exception NotFoundError, IOError
 */
PyObject *dupg_py_file_xxh128(const char *path);
