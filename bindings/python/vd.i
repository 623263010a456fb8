/* SPDX-License-Identifier: BSD-2-Clause */
/* SystemDescription (dupg/vd.h): device descriptions merged by hardware type. */

%rename(_SystemDescription_from_json) dupg_sysvd_from_json;
%rename(_SystemDescription_to_json) dupg_sysvd_to_json;
%rename(_SystemDescription_hw_count) dupg_sysvd_hw_count;
%typemap(doctype) int dupg_sysvd_from_json "SystemDescription"
%typemap(doctype) int dupg_sysvd_to_json "str"
%typemap(doctype) PyObject *devices "list of dict or None"
DUPG_PY_NOGIL_IF(dupg_sysvd_from_json, arg3 >= DUPG_PY_NOGIL_JSON)
%include "dupg/vd.h"

/**
 * A system version description: the devices' descriptions merged by hardware
 * type. Each hardware type lists every distinct version run by its devices
 * (ascending) with the ids of the devices that run it; types in the order
 * first seen.
 */
typedef struct {} SystemDescription;

%extend SystemDescription {
	/**
	 * Merge device descriptions by hardware type.
	 * @param devices a list of {"id", "hw", "version"} mappings (an optional
	 *        "duration_s" in seconds too; the old "duration" is refused)
	 * @exception BadInputError (a missing field), DuplicateError (an id twice)
	 */
	SystemDescription(PyObject *devices = NULL) { return dupg_py_sysvd_new(devices); }

	~SystemDescription() { dupg_py_destroy_SystemDescription($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_SystemDescription($self); }
	DUPG_PY_CONTEXT

	/**
	 * Merge one more device in.
	 * @param duration_s expected upgrade duration in seconds, 0 when unknown
	 * @exception BadInputError (empty field), DuplicateError (id already merged)
	 */
	void add(const char *id, const char *hw, const char *version, uint32_t duration_s = 0)
	{
		dupg_py_sysvd_add($self, id, hw, version, duration_s);
	}

	/** @return True when some device has hardware type hw */
	bool __contains__(const char *hw) { return dupg_sysvd_find_hw($self->h, hw) != DUPG_NONE; }

	/** The hardware types, in the order first seen. */
	PyObject *hw_types() { return dupg_py_sysvd_hw_types($self->h); }

	/**
	 * The versions run by devices of one hardware type, ascending.
	 * @return a list of {"version": V, "devices": [id, ...]} dicts
	 * @exception NotFoundError when no device has that type
	 */
	PyObject *__getitem__(const char *hw) { return dupg_py_sysvd_versions($self->h, hw); }

	/**
	 * The lowest version run by a hardware type (what decides whether it needs a package).
	 * @exception NotFoundError when no device has that type
	 */
	PyObject *lowest_version(const char *hw) { return dupg_py_sysvd_lowest_version($self->h, hw); }

	%pythoncode %{
    from_json = staticmethod(_SystemDescription_from_json)
    to_json = _SystemDescription_to_json
    __len__ = _SystemDescription_hw_count

    @classmethod
    def from_dict(cls, data, origin="dict"):
        """Build from the dict shape to_dict() returns (and `dupg-sim merge` prints)."""
        return cls.from_json(_json.dumps(data), origin)

    def to_dict(self):
        """{"hw": {"TYPE": [{"version": "V", "devices": ["id", ...]}, ...]}}"""
        return _json.loads(self.to_json())

    def __iter__(self):
        return iter(self.hw_types())

    def __repr__(self):
        if not self._alive():
            return "<dupg.SystemDescription (closed)>"
        return "<dupg.SystemDescription %s>" % ", ".join(
            "%s: %s" % (hw, "/".join(v["version"] for v in self[hw])) for hw in self)
	%}
}
