/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one error mapping. A library call that fails leaves its negative code
 * in dupg_py_rc: through DUPG_PY_FAILED() in the helper C, or through the
 * int typemap below for the functions wrapped straight from the headers.
 * dupg_py_check() then raises the dupg.Error subclass the code chooses
 * (dupg/errors.py), with the message from dupg_error_last().
 */

/* SWIG's own argument conversion failures raise dupg.ArgumentError, as the typemaps do. */
%header %{
#undef SWIG_Error
#define SWIG_Error(code, msg) dupg_py_swig_error((code), (msg))
%}

%exception {
	dupg_py_rc = 0;
	$action
	if (dupg_py_check())
		SWIG_fail;
}

/*
 * The int a library function returns is its error code: 0 gives None (or
 * what its out-parameter holds, whose type the concept's file gives as the
 * doctype of the function), a negative code raises. The functions whose int
 * means something else (dupg_vercmp(), the predicates) have their own
 * typemap in their concept's file.
 */
%typemap(out) int {
	if (DUPG_PY_FAILED($1) && dupg_py_check())
		SWIG_fail;
	$result = SWIG_Py_Void();
}
%typemap(doctype) int "None (a failure raises dupg.Error)"
%typemap(doctype) int code "int"

/*
 * DUPG_PY_NOGIL(fn): the header function fn runs without the GIL (it does
 * I/O); nothing Python is touched meanwhile and the library's error state
 * is per thread. DUPG_PY_NOGIL_IF(fn, worth): only when worth, an
 * expression of the wrapper's converted arguments (arg1, arg2, ...), says
 * the input is big enough to be worth handing the GIL over.
 */
%define DUPG_PY_NOGIL_IF(fn, worth)
%exception fn {
	PyThreadState *dupg_py_ts;

	dupg_py_rc = 0;
	dupg_py_ts = dupg_py_unlock_if(worth);
	$action
	dupg_py_relock_if(dupg_py_ts);
	if (dupg_py_check())
		SWIG_fail;
}
%enddef
%define DUPG_PY_NOGIL(fn)
DUPG_PY_NOGIL_IF(fn, true)
%enddef
