/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The typemaps every concept shares: plain Python values in and out, and
 * the classes' objects in and out of the library's handles.
 */

%include <stdint.i>

/* Results built as Python objects are handed over as they are. */
%typemap(out) PyObject * "$result = $1;";

/* Strings out: decoded as file names are (dupg_py_str()); NULL is None. */
%typemap(out) const char * "$result = dupg_py_str($1);";

/*
 * Strings in: str (encoded as file names are, so undecodable names survive),
 * bytes or os.PathLike. None is refused unless the parameter is optional
 * (OPTSTR, OPTPATH); PATH and OPTPATH differ only in how they read in the
 * docstrings.
 */
%typemap(in) const char * (PyObject *keep = NULL) {
	keep = dupg_py_bytes($input, "$1_name");
	if (keep == NULL)
		SWIG_fail;
	$1 = PyBytes_AS_STRING(keep);
}
%typemap(freearg) const char * "Py_XDECREF(keep$argnum);";
%typemap(in) const char *OPTSTR (PyObject *keep = NULL) {
	if ($input != Py_None) {
		keep = dupg_py_bytes($input, "$1_name");
		if (keep == NULL)
			SWIG_fail;
		$1 = PyBytes_AS_STRING(keep);
	}
}
%typemap(freearg) const char *OPTSTR "Py_XDECREF(keep$argnum);";
%typemap(in) const char *PATH = const char *;
%typemap(freearg) const char *PATH = const char *;
%typemap(in) const char *OPTPATH = const char *OPTSTR;
%typemap(freearg) const char *OPTPATH = const char *OPTSTR;

/* Lists of strings: any sequence of them (not a str itself). */
%typemap(arginit) (const char *const *STRINGS, size_t COUNT) "memset(&sv$argnum, 0, sizeof(sv$argnum));";
%typemap(in) (const char *const *STRINGS, size_t COUNT) (struct dupg_py_strv sv) {
	if (dupg_py_strv_init(&sv, $input, 0, "$1_name") < 0)
		SWIG_fail;
	$1 = ($1_ltype)sv.v;
	$2 = sv.n;
}
%typemap(freearg) (const char *const *STRINGS, size_t COUNT) "dupg_py_strv_clear(&sv$argnum);";

/* Text: str or bytes, with its length. */
%typemap(in) (const char *TEXT, size_t LENGTH) (PyObject *keep = NULL) {
	if (PyUnicode_Check($input))
		keep = PyUnicode_AsUTF8String($input);
	else if (PyBytes_Check($input)) {
		keep = $input;
		Py_INCREF(keep);
	} else {
		dupg_py_argerror("$1_name: expected str or bytes, not %s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
	if (keep == NULL)
		SWIG_fail;
	$1 = PyBytes_AS_STRING(keep);
	$2 = (size_t)PyBytes_GET_SIZE(keep);
}
%typemap(freearg) (const char *TEXT, size_t LENGTH) "Py_XDECREF(keep$argnum);";

/* A count where None means "not set". */
%typemap(in) size_t OPTCOUNT {
	$1 = 0;
	if ($input != Py_None) {
		size_t v;
		if (!PyLong_Check($input) || (v = PyLong_AsSize_t($input)) == (size_t)-1) {
			PyErr_Clear();
			dupg_py_argerror("$1_name: expected a non-negative int or None");
			SWIG_fail;
		}
		$1 = v;
	}
}

/* A callable or None. */
%typemap(in) PyObject *CALLABLE {
	if ($input != Py_None && !PyCallable_Check($input)) {
		dupg_py_argerror("$1_name: expected a callable or None, not %s", Py_TYPE($input)->tp_name);
		SWIG_fail;
	}
	$1 = $input == Py_None ? NULL : $input;
}

/* A string the library hands over (an out-parameter), freed with dupg_free(). */
%typemap(in, numinputs=0) char **out (char *tmp = NULL) "$1 = &tmp;";
%typemap(argout) char **out {
	PyObject *s = dupg_py_str(*$1);

	if (s == NULL)
		SWIG_fail;
	Py_DECREF($result);
	$result = s;
}
%typemap(freearg) char **out "dupg_free(tmp$argnum);";

/*
 * Each class and the library handle it holds (dupg_py.h). Its objects
 * convert to the handle for the functions wrapped from the headers, through
 * HANDLE(holder); a `const` handle is read by the call, any other is changed
 * by it, so no other call may use it meanwhile. Every handle argument, self
 * included, is used by the call until it ends (struct dupg_py_use); not self
 * in the destructor, close() and _open(), which accept a closed handle. None
 * is refused where a handle is expected, and a closed handle raises
 * BadInputError instead of reaching the library. A handle out-parameter
 * comes back as a new object of the class, which owns it.
 */
%define DUPG_PY_CLASS(Type, ctype, HANDLE)
/* The class's own methods (%extend) and the holders they take. */
%typemap(check) Type * (bool used = false) {
	if (DUPG_PY_ENTER($1, "Type") < 0)
		SWIG_fail;
	used = true;
}
%typemap(freearg) Type * {
	if (used$argnum && dupg_py_leave(&$1->use))
		dupg_py_drop_##Type($1);
}
%typemap(check) Type *self (bool used = false) {
	if (dupg_py_needs_open("$symname")) {
		if (DUPG_PY_ENTER($1, "Type") < 0)
			SWIG_fail;
		used = true;
	}
}
%typemap(freearg) Type *self {
	if (used$argnum && dupg_py_leave(&$1->use))
		dupg_py_drop_##Type($1);
}

/* The library's functions. */
%typemap(in) const ctype * (Type *holder = NULL, bool used = false) {
	int res = SWIG_ConvertPtr($input, (void **)&holder, $descriptor(Type *), 0);

	if (!SWIG_IsOK(res))
		SWIG_exception_fail(SWIG_ArgError(res), "in method '$symname', argument $argnum of type 'Type'");
}
%typemap(check) const ctype * {
	if (DUPG_PY_ENTER(holder$argnum, "Type") < 0)
		SWIG_fail;
	used$argnum = true;
	$1 = HANDLE(holder$argnum);
}
%typemap(freearg) const ctype * {
	if (used$argnum && dupg_py_leave(&holder$argnum->use))
		dupg_py_drop_##Type(holder$argnum);
}
%typemap(in) ctype * = const ctype *;
%typemap(check) ctype * {
	if (DUPG_PY_ENTER(holder$argnum, "Type") < 0)
		SWIG_fail;
	used$argnum = true;
	if (dupg_py_change_begin(&holder$argnum->use, "Type") < 0)
		SWIG_fail;
	$1 = HANDLE(holder$argnum);
}
%typemap(freearg) ctype * {
	if (used$argnum) {
		/* only this call can have set it: no other may have held a use */
		dupg_py_change_end(&holder$argnum->use);
		if (dupg_py_leave(&holder$argnum->use))
			dupg_py_drop_##Type(holder$argnum);
	}
}
%typemap(in, numinputs=0) ctype **out (ctype *tmp = NULL) "$1 = &tmp;";
%typemap(argout) ctype **out {
	Type *holder = dupg_py_hold_##Type(*$1);

	if (holder == NULL)
		SWIG_fail;
	Py_DECREF($result);
	$result = SWIG_NewPointerObj(holder, $descriptor(Type *), SWIG_POINTER_OWN);
}
%typemap(doctype) const ctype *, ctype *, Type * "Type"
%typemap(doctype) ctype **out "Type, returned"
%enddef

DUPG_PY_CLASS(Manifest, dupg_manifest, DUPG_PY_HANDLE)
DUPG_PY_CLASS(PackageSet, dupg_pkgset, DUPG_PY_HANDLE)
DUPG_PY_CLASS(SystemDescription, dupg_sysvd, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Configuration, dupg_config, DUPG_PY_HANDLE)
DUPG_PY_CLASS(PathList, dupg_pathlist, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Prune, dupg_prune, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Store, dupg_store, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Topology, dupg_topology, DUPG_PY_TOPOLOGY)
DUPG_PY_CLASS(Plan, dupg_plan, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Transaction, dupg_txn, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Rollout, dupg_rollout, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Trust, dupg_trust, DUPG_PY_HANDLE)

/* A trust store where None means "no signature required". */
%typemap(in) const dupg_trust *OPTTRUST (Trust *holder = NULL, bool used = false) {
	$1 = NULL;
	if ($input != Py_None) {
		int res = SWIG_ConvertPtr($input, (void **)&holder, $descriptor(Trust *), 0);

		if (!SWIG_IsOK(res))
			SWIG_exception_fail(SWIG_ArgError(res), "in method '$symname', argument $argnum of type 'Trust'");
		if (DUPG_PY_ENTER(holder, "Trust") < 0)
			SWIG_fail;
		used = true;
		$1 = holder->h;
	}
}
/* entered in the in typemap already (the class's check would refuse None) */
%typemap(check) const dupg_trust *OPTTRUST "";
%typemap(freearg) const dupg_trust *OPTTRUST {
	if (used$argnum && dupg_py_leave(&holder$argnum->use))
		dupg_py_drop_Trust(holder$argnum);
}
%typemap(doctype) const dupg_trust *OPTTRUST "Trust or None"
DUPG_PY_CLASS(Partition, dupg_partition, DUPG_PY_HANDLE)
DUPG_PY_CLASS(Region, dupg_region, DUPG_PY_HANDLE)

/* Context manager and the liveness check, shared by every class. */
%define DUPG_PY_CONTEXT
	/** @return True until close() */
	bool _open() { return $self->h != NULL; }
%pythoncode %{
    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def _alive(self):
        try:
            return self._open()
        except _ArgumentError:  # a constructor that failed leaves no C side
            return False
%}
%enddef

/* How the parameters read in the docstrings. */
%typemap(doctype) const char *, const char *PATH "str"
%typemap(doctype) const char *OPTSTR, const char *OPTPATH "str or None"
%typemap(doctype) const char *const * "list of str"
%typemap(doctype) const char *json "str or bytes"
%typemap(doctype) size_t OPTCOUNT "int or None"
%typemap(doctype) PyObject *CALLABLE "callable or None"
%typemap(doctype) PyObject * "object"
%typemap(doctype) char **out "str, returned"

/* The parameters, by name, in the headers and the %extend methods. */
%apply const char *PATH { const char *path, const char *list_file, const char *out_path };
%apply const char *OPTPATH { const char *base_dir };
%apply const char *OPTSTR {
	const char *a, const char *b, const char *origin, const char *parent,
	const char *format, const char *build_time, const char *vendor,
	const char *applies_min, const char *applies_max, const char *summary, const char *expires
};
%apply (const char *const *STRINGS, size_t COUNT) {
	(const char *const *hw, size_t hw_count),
	(const char *const *sources, size_t source_count),
	(const char *const *install_paths, size_t install_count),
	(const char *const *key_paths, size_t key_count),
	(const char *const *sign_keys, size_t sign_key_count),
	(const char *const *verified, size_t verified_count)
};
%apply (const char *TEXT, size_t LENGTH) {
	(const char *json, size_t len), (const char *pem, size_t len),
	(const char *manifest, size_t manifest_len), (const char *sig, size_t sig_len)
};
%apply const dupg_trust *OPTTRUST { const dupg_trust *trust };
%apply const char *PATH { const char *dir, const char *private_path, const char *public_path };
%apply size_t OPTCOUNT { size_t keep };
%apply PyObject *CALLABLE { PyObject *on_step };

/* Optional in the headers' functions too (they may be NULL there). */
%typemap(default) const char *origin, const char *base_dir "$1 = NULL;";
