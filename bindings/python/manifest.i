/* SPDX-License-Identifier: BSD-2-Clause */
/* Manifest (dupg/manifest.h): an upgrade package's manifest. */

%rename(_Manifest_parse) dupg_manifest_parse;
%rename(_Manifest_to_json) dupg_manifest_to_json;
%rename(_Manifest_set_build_time) dupg_manifest_set_build_time;
%rename(_Manifest_set_vendor) dupg_manifest_set_vendor;
%rename(_Manifest_add_hw) dupg_manifest_add_hw;
%rename(_Manifest_name) dupg_manifest_name;
%rename(_Manifest_version) dupg_manifest_version;
%rename(_Manifest_build_time) dupg_manifest_build_time;
%rename(_Manifest_vendor) dupg_manifest_vendor;
%rename(_Manifest_total_size) dupg_manifest_total_size;
%rename(_Manifest_fits) dupg_manifest_fits;
%rename(_Manifest_format) dupg_manifest_format;
%rename(_Manifest_security_version) dupg_manifest_security_version;
%rename(_Manifest_set_security_version) dupg_manifest_set_security_version;
%rename(_Manifest_applies_min) dupg_manifest_applies_min;
%rename(_Manifest_applies_max) dupg_manifest_applies_max;
%rename(_Manifest_set_applies_to) dupg_manifest_set_applies_to;
%rename(_Manifest_applies) dupg_manifest_applies;
%rename(_Manifest_summary) dupg_manifest_summary;
%rename(_Manifest_set_summary) dupg_manifest_set_summary;
%rename(_Manifest_expires) dupg_manifest_expires;
%rename(_Manifest_set_expires) dupg_manifest_set_expires;
%rename(_Manifest_expired) dupg_manifest_expired;
%rename(_Manifest_set_file_mode) dupg_manifest_set_file_mode;
%rename(_Manifest_file_mode) dupg_manifest_file_mode;
%rename(_Manifest_file_mode_listed) dupg_manifest_file_mode_listed;
%typemap(out) int dupg_manifest_file_mode_listed "$result = PyBool_FromLong($1);";
%typemap(doctype) int dupg_manifest_file_mode_listed "bool"
%typemap(out) int dupg_manifest_applies, int dupg_manifest_expired "$result = PyBool_FromLong($1);";
%typemap(doctype) int dupg_manifest_applies, int dupg_manifest_expired "bool"
%typemap(out) int dupg_manifest_format "$result = PyLong_FromLong($1);";
%typemap(doctype) int dupg_manifest_format "int"
%apply const char *OPTSTR { const char *min, const char *max, const char *summary, const char *expires };
%typemap(out) int dupg_manifest_fits "$result = PyBool_FromLong($1);";
%typemap(doctype) int dupg_manifest_fits "bool"
%typemap(doctype) int dupg_manifest_parse "Manifest"
%typemap(doctype) int dupg_manifest_to_json "str"
%typemap(doctype) PyObject *xxh128 "str or bytes"
DUPG_PY_NOGIL_IF(dupg_manifest_parse, arg3 >= DUPG_PY_NOGIL_JSON)
%include "dupg/manifest.h"

/**
 * An upgrade package manifest (format 1 to 3, manifest.h): name, version,
 * the hardware types the package fits, optional build time and vendor, the
 * install files with their sizes, XXH3-128 and (format 2) SHA-256 digests,
 * format 2's security version, applies_to range, summary and expiry, and
 * format 3's file modes.
 * XXH3 detects corruption, not tampering: a signature over the manifest
 * (dupg.Trust) does.
 */
typedef struct {} Manifest;

%newobject Manifest::from_package;

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
		return dupg_py_manifest_new(name, version, hw, hw_count);
	}

	~Manifest() { dupg_py_destroy_Manifest($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing twice
	 * is fine; closing while another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Manifest($self); }
	DUPG_PY_CONTEXT

	/**
	 * Read the manifest of a package archive (tar, tar.gz, tar.xz, tar.zst,
	 * zip). With verify (the default) every file is streamed through
	 * XXH3-128 and checked against the manifest, and the archive must hold
	 * exactly the listed regular files (dupg_package_verify()); without it
	 * only the manifest is read (dupg_package_read_manifest()).
	 * @param path the package file
	 * @param verify check the payload too
	 * @return the manifest
	 * @exception NotFoundError, ArchiveError, FormatError, UnsupportedError,
	 *            IntegrityError (size or digest mismatch, missing, unlisted,
	 *            non-regular or duplicate entry), ModeError (setuid, setgid,
	 *            sticky or world-writable entry the manifest lists no mode
	 *            for, or not the mode it lists), IOError
	 */
	static Manifest *from_package(const char *path, bool verify = true)
	{
		return dupg_py_manifest_from_package(path, verify);
	}

	/** The hardware types the package fits, in manifest order. */
	PyObject *_hw() { return dupg_py_manifest_hw($self->h); }

	/**
	 * The install files: a list of {"path", "size", "xxh128"} dicts, as in
	 * manifest.json: with "sha256" when the manifest has it, "mode" (four
	 * octal digits, "0755") when it lists one. file_mode(i) gives the int
	 * mode each file installs with (MANIFEST_MODE_DEFAULT, 0o644, unless listed).
	 */
	PyObject *_files() { return dupg_py_manifest_files($self->h); }

	/**
	 * List an install file.
	 * @param path relative install path (no leading '/', no `..` component)
	 * @param size size in bytes
	 * @param xxh128 its XXH3-128 digest: 32 hex digits (as `xxhsum -H2`
	 *        prints) or the 16 canonical bytes
	 * @exception BadInputError (bad path, size or digest), DuplicateError
	 */
	void add_file(const char *path, uint64_t size, PyObject *xxh128)
	{
		dupg_py_manifest_add_file($self, path, size, xxh128);
	}

	%pythoncode %{
    parse = staticmethod(_Manifest_parse)
    to_json = _Manifest_to_json
    add_hw = _Manifest_add_hw
    fits = _Manifest_fits
    name = property(_Manifest_name)
    version = property(_Manifest_version)
    hw = property(_hw)
    files = property(_files)
    total_size = property(_Manifest_total_size)
    build_time = property(_Manifest_build_time, _Manifest_set_build_time)
    vendor = property(_Manifest_vendor, _Manifest_set_vendor)
    format = property(_Manifest_format)
    security_version = property(_Manifest_security_version, _Manifest_set_security_version)
    applies_min = property(_Manifest_applies_min)
    applies_max = property(_Manifest_applies_max)
    set_applies_to = _Manifest_set_applies_to
    applies = _Manifest_applies
    summary = property(_Manifest_summary, _Manifest_set_summary)
    expires = property(_Manifest_expires, _Manifest_set_expires)
    expired = _Manifest_expired
    set_file_mode = _Manifest_set_file_mode
    file_mode = _Manifest_file_mode
    file_mode_listed = _Manifest_file_mode_listed

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
