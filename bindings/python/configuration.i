/* SPDX-License-Identifier: BSD-2-Clause */
/* Configuration (dupg/configuration.h): each hardware type mapped to the package it runs. */

%rename(_Configuration_set) dupg_config_set;
%rename(_Configuration_dup) dupg_config_dup;
%rename(_Configuration_set_version) dupg_config_set_version;
%rename(_Configuration_version) dupg_config_version;
%rename(_Configuration_count) dupg_config_count;
%rename(_Configuration_equal) dupg_config_equal;
%rename(_Configuration_to_json) dupg_config_to_json;
%typemap(out) int dupg_config_equal "$result = PyBool_FromLong($1);";
%typemap(doctype) int dupg_config_equal "bool"
%typemap(doctype) int dupg_config_dup "Configuration"
%typemap(doctype) int dupg_config_to_json "str"
%typemap(doctype) PyObject *mapping "dict or list of pairs, or None"
%include "dupg/configuration.h"

/**
 * A configuration: each hardware type mapped to the package path it runs,
 * in hardware-type order of first appearance. Behaves like a read-write
 * mapping (no deletion).
 */
typedef struct {} Configuration;

%extend Configuration {
	/** @param mapping initial entries: a mapping (or pairs) of hardware type to path */
	Configuration(PyObject *mapping = NULL) { return dupg_py_config_new(mapping); }

	~Configuration() { dupg_py_destroy_Configuration($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Configuration($self); }
	DUPG_PY_CONTEXT

	/**
	 * @return the package path of hardware type hw
	 * @exception NotFoundError (a KeyError) when hw is not configured
	 */
	PyObject *__getitem__(const char *hw) { return dupg_py_config_get($self->h, hw); }

	/** @return True when hw is configured */
	bool __contains__(const char *hw) { return dupg_config_get($self->h, hw) != NULL; }

	/** The (hardware type, path) pairs, in order. */
	PyObject *items() { return dupg_py_config_items($self->h); }

	%pythoncode %{
    __setitem__ = _Configuration_set
    set_version = _Configuration_set_version

    def version(self, hw):
        """The version recorded for hw's package (set_version()), or None."""
        return _Configuration_version(self, hw)
    __len__ = _Configuration_count
    copy = _Configuration_dup
    to_json = _Configuration_to_json

    def keys(self):
        """The hardware types, in order."""
        return [hw for hw, _ in self.items()]

    def values(self):
        """The package paths, in hardware-type order."""
        return [p for _, p in self.items()]

    def get(self, hw, default=None):
        """The path of hw, or default."""
        return self[hw] if hw in self else default

    def to_dict(self):
        """{"TYPE": "path", ...}"""
        return dict(self.items())

    def __iter__(self):
        return iter(self.keys())

    def __eq__(self, other):
        if isinstance(other, Configuration):
            return _Configuration_equal(self, other)
        if isinstance(other, dict):
            return self.to_dict() == other
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        if not self._alive():
            return "<dupg.Configuration (closed)>"
        return "<dupg.Configuration %r>" % self.to_dict()
	%}
}
