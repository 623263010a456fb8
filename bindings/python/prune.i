/* SPDX-License-Identifier: BSD-2-Clause */
/* Prune (dupg/prune.h): which stored packages to delete after a download, and the lists that result. */

%rename(_Prune_to_json) dupg_prune_to_json;
%rename(_prune_policy_name) dupg_prune_policy_name;
%rename(_prune_list_name) dupg_prune_list_name;
%rename(_prune_config_kind_name) dupg_prune_config_kind_name;
%typemap(doctype) int dupg_prune_to_json "str"
%include "dupg/prune.h"

%pythoncode %{
PRUNE_POLICIES = _names(_prune_policy_name)
PRUNE_LISTS = _names(_prune_list_name)
PRUNE_CONFIGS = _names(_prune_config_kind_name)
%}

%nodefaultctor Prune;
/**
 * The result of a prune: the second list (first + downloaded), the third
 * (second - deletable: the new stored list), the fourth (first - deletable:
 * the rollback list), the deletable packages, and the latest and rollback
 * configurations.
 */
typedef struct {} Prune;

%newobject Prune::pathlist;
%newobject Prune::config;

%extend Prune {
	~Prune() { dupg_py_destroy_Prune($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_Prune($self); }
	DUPG_PY_CONTEXT

	/**
	 * One of the lists, as written.
	 * @param which one of PRUNE_LISTS ("second", "third", "fourth",
	 *        "deletable"), or "merged", "kept", "rollback" for the first three
	 */
	PyObject *list(const char *which) { return dupg_py_prune_paths($self->h, which); }

	/** The positions in the second list of the entries of one list (named as for list()). */
	PyObject *indexes(const char *which) { return dupg_py_prune_indexes($self->h, which); }

	/** One of the lists (named as for list()) as a new PathList; entries keep their hardware types. */
	PathList *pathlist(const char *which) { return dupg_py_prune_pathlist($self->h, which); }

	/**
	 * A copy of one of the configurations.
	 * @param which one of PRUNE_CONFIGS: "latest" (of the third list) or
	 *        "rollback" (of the fourth)
	 */
	Configuration *config(const char *which) { return dupg_py_prune_config($self->h, which); }

	%pythoncode %{
    to_json = _Prune_to_json

    def __init__(self, *args, **kwargs):
        raise _ArgumentError("Prune objects come from PathList.prune() and Store.prune_result()")

    second = property(lambda self: self.list("second"), doc="First list + downloaded.")
    third = property(lambda self: self.list("third"), doc="Second - deletable: the new stored list.")
    fourth = property(lambda self: self.list("fourth"), doc="First - deletable: the rollback list.")
    deletable = property(lambda self: self.list("deletable"),
                         doc="Packages to remove from storage, in second-list order.")
    latest = property(lambda self: self.config("latest"),
                      doc="Configuration of the third list (after upgrade).")
    rollback = property(lambda self: self.config("rollback"),
                        doc="Configuration of the fourth list (after rollback).")

    def to_dict(self):
        """The dict `dupg-sim prune` prints."""
        return _json.loads(self.to_json())

    def __repr__(self):
        if not self._alive():
            return "<dupg.Prune (closed)>"
        return "<dupg.Prune third=%r deletable=%r>" % (self.third, self.deletable)
	%}
}
