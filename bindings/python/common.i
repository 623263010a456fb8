/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every concept shares (dupg/common.h, dupg/vercmp.h): the error codes
 * and their names, the library's version, version comparison, and the
 * counter of live handles the tests read.
 */

%rename("%(strip:[DUPG_])s", regextarget=1, %$isenumitem) "^DUPG_(OK|ERROR|E[A-Z]+)$";
%rename(strerror) dupg_strerror;
%rename(error_name) dupg_error_name;
%rename(version_number) dupg_version_number;
%rename(version_string) dupg_version_string;
%rename(vercmp) dupg_vercmp;
/* Not error codes: a comparison and a number. */
%typemap(out) int dupg_vercmp, int dupg_version_number "$result = PyLong_FromLong($1);";
%typemap(doctype) int dupg_vercmp, int dupg_version_number "int"
%include "dupg/common.h"
%include "dupg/vercmp.h"

/** Largest manifest.json accepted, in bytes; larger ones are refused. */
%constant unsigned int MANIFEST_MAX_BYTES = DUPG_MANIFEST_MAX_BYTES;
/** The manifest schema version this library reads and writes. */
%constant int MANIFEST_FORMAT = DUPG_MANIFEST_FORMAT;
%constant int MANIFEST_FORMAT_MIN = DUPG_MANIFEST_FORMAT_MIN;
%constant int MANIFEST_MODE_DEFAULT = DUPG_MANIFEST_MODE_DEFAULT;
%constant int MODE_SPECIAL = DUPG_MODE_SPECIAL;

%inline %{
/** Number of library handles currently held by Python objects (for leak tests). */
long _live_handles(void)
{
	return dupg_py_live_handles();
}
%}

%pythoncode %{
def _names(name):
    """The names the library's name function gives an enum's values 0, 1, ...: a tuple."""
    names = []
    while len(names) < 64 and name(len(names)) != "unknown":
        names.append(name(len(names)))
    return tuple(names)
%}
