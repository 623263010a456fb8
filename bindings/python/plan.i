/* SPDX-License-Identifier: BSD-2-Clause */
/* Plan (dupg/plan.h): upgrade and rollback dispatch plans for a site. */

%rename(_Plan_count) dupg_plan_count;
%rename(_Plan_to_json) dupg_plan_to_json;
%rename(_plan_action_name) dupg_plan_action_name;
%typemap(doctype) int dupg_plan_to_json "str"
%include "dupg/plan.h"

%pythoncode %{
PLAN_ACTIONS = _names(_plan_action_name)
%}

%nodefaultctor Plan;
/**
 * A dispatch plan: every device whose package changes, the package it gets,
 * whether the master installs it itself ("local") or sends it ("send"), and
 * the devices it travels through. Steps come in dispatch order, breadth
 * first from the master.
 */
typedef struct {} Plan;

%newobject Plan::rollback;

%extend Plan {
	~Plan() { dupg_py_destroy_Plan($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Plan($self); }
	DUPG_PY_CONTEXT

	/**
	 * The matching rollback plan: the same devices, each getting back its
	 * package of the upgrade's current configuration, in the same dispatch
	 * order. A device whose type had no package gets none (package None).
	 */
	Plan *rollback() { return dupg_py_plan_rollback($self); }

	/**
	 * The steps in dispatch order: {"device", "hw", "package", "previous",
	 * "action": one of PLAN_ACTIONS ("local", "send"), "via": [ids nearest
	 * the master first]} dicts.
	 */
	PyObject *steps() { return dupg_py_plan_steps($self->h); }

	/** Device ids in switching order: deepest first, the master last. */
	PyObject *switch_order() { return dupg_py_plan_switch_order($self->h); }

	%pythoncode %{
    __len__ = _Plan_count
    to_json = _Plan_to_json

    def __init__(self, *args, **kwargs):
        raise _ArgumentError("Plan objects come from Topology.plan_upgrade() and Plan.rollback()")

    def to_dict(self):
        """{"steps": [...]}, as to_json(), each step with its "version" (None when unknown)."""
        d = _json.loads(self.to_json())
        for s in d["steps"]:
            s.setdefault("version", None)
        return d

    def __iter__(self):
        return iter(self.steps())

    def __getitem__(self, i):
        steps = self.steps()
        try:
            return steps[i]
        except IndexError:
            raise OutOfRangeError("plan step index out of range") from None

    def __repr__(self):
        if not self._alive():
            return "<dupg.Plan (closed)>"
        return "<dupg.Plan %s>" % ", ".join(
            "%s<-%s" % (s["device"], s["package"]) for s in self.steps())
	%}
}
