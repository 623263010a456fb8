/* SPDX-License-Identifier: BSD-2-Clause */
/* Topology (dupg/topology.h): a site's device tree. */

%rename(_Topology_check) dupg_topology_check;
%rename(_Topology_count) dupg_topology_count;
%rename(_Topology_merge) dupg_topology_merge;
%rename(_Topology_from_json) dupg_topology_from_json;
%rename(_Topology_to_json) dupg_topology_to_json;
%typemap(doctype) int dupg_topology_merge "SystemDescription"
%typemap(doctype) int dupg_topology_from_json "Topology"
%typemap(doctype) int dupg_topology_to_json "str"
DUPG_PY_NOGIL_IF(dupg_topology_from_json, arg3 >= DUPG_PY_NOGIL_JSON)
%include "dupg/topology.h"

/**
 * A site's device tree: one master (no parent), controlled devices below it.
 * Structure (one master, parents exist, no cycles) is checked before use.
 */
typedef struct {} Topology;

%newobject Topology::_plan_upgrade;

%extend Topology {
	/**
	 * A site topology.
	 * @param devices a list of {"id", "hw", "version", "parent"} mappings
	 *        ("parent" missing or None for the master; optional "duration_s"
	 *        in seconds, the old "duration" refused)
	 * @exception BadInputError (a missing field), DuplicateError (an id twice)
	 */
	Topology(PyObject *devices = NULL) { return dupg_py_topology_new(devices); }

	~Topology() { dupg_py_destroy_Topology($self); }

	/**
	 * Release the topology now (plans made from it keep it alive); any later
	 * use raises BadInputError. Closing while another call uses it raises
	 * BusyError.
	 */
	void close() { dupg_py_close_Topology($self); }
	DUPG_PY_CONTEXT

	/**
	 * Add a device. Parents may be added after their children.
	 * @param parent id of the parent device, None for the master
	 * @param duration_s expected upgrade duration in seconds, 0 when unknown
	 * @exception BadInputError (missing field), DuplicateError (duplicate id)
	 */
	void add(const char *id, const char *hw, const char *version, const char *parent = NULL,
		 uint32_t duration_s = 0)
	{
		dupg_py_topology_add($self, id, hw, version, parent, duration_s);
	}

	/** @return True when a device has this id */
	bool __contains__(const char *id) { return dupg_topology_find($self->h->t, id) != DUPG_NONE; }

	/**
	 * The devices in the order added: {"id", "hw", "version", "duration_s",
	 * "parent", "depth"} dicts (parent None and depth 0 for the master).
	 */
	PyObject *devices() { return dupg_py_topology_devices($self->h); }

	/**
	 * One device, as in devices().
	 * @exception NotFoundError (a KeyError) for an unknown id
	 */
	PyObject *__getitem__(const char *id) { return dupg_py_topology_device($self->h, id); }

	/** The master's id. */
	PyObject *_master() { return dupg_py_topology_master($self->h); }

	/**
	 * Update a device's running version.
	 * @exception NotFoundError for an unknown id, BadInputError for an empty version
	 */
	void set_version(const char *id, const char *version)
	{
		dupg_py_topology_set_version($self, id, version);
	}

	/** See plan_upgrade(). */
	Plan *_plan_upgrade(const dupg_config *current, const dupg_config *wanted)
	{
		return dupg_py_plan_upgrade($self->h, current, wanted);
	}

	%pythoncode %{
    check = _Topology_check
    __len__ = _Topology_count
    merge = _Topology_merge
    from_json = staticmethod(_Topology_from_json)
    to_json = _Topology_to_json

    @classmethod
    def from_dict(cls, data, origin="dict"):
        """Build from the dict shape to_dict() returns (a scenario's site, too).

        Not checked: call check() before planning.
        """
        return cls.from_json(_json.dumps(data), origin)

    def to_dict(self):
        """{"devices": [{"id", "hw", "version", "parent", "duration_s"}, ...]}"""
        return _json.loads(self.to_json())
    master = property(_master)

    def plan_upgrade(self, current, wanted):
        """Plan an upgrade from one configuration to another.

        A device is in the plan when its hardware type maps to a package in
        `wanted` that differs from its package in `current` (a type missing
        from `current` counts as a change).

        :param current: the configuration now (usually the rollback
            configuration): a Configuration or a {hw: path} dict
        :param wanted: the configuration wanted (usually the latest one)
        :return: a Plan; its rollback() is the matching rollback plan
        """
        def config(c, name):
            if isinstance(c, Configuration):
                return c
            if c is None:
                raise _ArgumentError("%s: expected a Configuration or a dict, not None" % name)
            return Configuration(c)
        return self._plan_upgrade(config(current, "current"), config(wanted, "wanted"))

    def __iter__(self):
        return iter(self.devices())

    def __repr__(self):
        if not self._alive():
            return "<dupg.Topology (closed)>"
        return "<dupg.Topology %d devices>" % len(self)
	%}
}
