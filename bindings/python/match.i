/* SPDX-License-Identifier: BSD-2-Clause */
/* PackageSet (dupg/match.h): the server's indexed package set, and matching sites against it. */

%rename(_PackageSet_add) dupg_pkgset_add;
%rename(_PackageSet_count) dupg_pkgset_count;
%rename(_task_kind_name) dupg_task_kind_name;
%include "dupg/match.h"

%pythoncode %{
TASK_KINDS = _names(_task_kind_name)
%}

/**
 * The management server's indexed package set: each hardware type maps to
 * its best package (highest version that fits it; ties: the one added first)
 * as packages are added, so matching a site costs one lookup per hardware
 * type.
 */
typedef struct {} PackageSet;

%extend PackageSet {
	/** An empty package set. */
	PackageSet() { return dupg_py_pkgset_new(); }

	~PackageSet() { dupg_py_destroy_PackageSet($self); }

	/**
	 * Free the C side now; any later use raises BadInputError. Closing while
	 * another call uses the object raises BusyError.
	 */
	void close() { dupg_py_close_PackageSet($self); }
	DUPG_PY_CONTEXT

	/** Add a package described by its manifest (version and hardware types). */
	void add_manifest(const char *path, const dupg_manifest *manifest)
	{
		dupg_py_pkgset_add_manifest($self, path, manifest);
	}

	/**
	 * Add a package file by reading its manifest; the path is kept as given.
	 * The file is read without the GIL; other calls may match against the
	 * set meanwhile, but the package is added only when none is left
	 * (BusyError otherwise).
	 * @param verify verify the whole package first (default: read the manifest only)
	 */
	void add_package(const char *path, bool verify = false)
	{
		dupg_py_pkgset_add_package($self, path, verify);
	}

	/** The packages in the order added: a list of {"path", "version"} dicts. */
	PyObject *packages() { return dupg_py_pkgset_packages($self->h); }

	/** @return the path of the best package for hardware type hw, or None when none fits */
	PyObject *best(const char *hw) { return dupg_py_pkgset_best($self->h, hw); }

	/** Match one site (a SystemDescription); see match(). */
	PyObject *_match(const dupg_sysvd *site) { return dupg_py_match($self->h, site); }

	%pythoncode %{
    add = _PackageSet_add
    __len__ = _PackageSet_count

    def match(self, site):
        """Match one site against the set.

        :param site: a SystemDescription, or its dict shape
            ({"hw": {"TYPE": [{"version", "devices"}]}}).
        :return: {"kind": "full" | "incremental" | "none", "task": [path, ...]},
            the distinct needed packages' paths in package-set order.
        """
        if isinstance(site, SystemDescription):
            return self._match(site)
        with SystemDescription.from_dict(site, "site") as s:
            return self._match(s)

    def __iter__(self):
        return iter([p["path"] for p in self.packages()])

    def __repr__(self):
        if not self._alive():
            return "<dupg.PackageSet (closed)>"
        return "<dupg.PackageSet %d packages>" % len(self)
	%}
}
