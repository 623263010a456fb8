/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SWIG interface of libdupg for Python: builds the extension dupg._dupg and
 * its proxy module dupg.core, which the package dupg (dupg/__init__.py)
 * re-exports under its pure-Python parts.
 *
 * One file per concept, as the headers are. Each class is written whole in
 * one %extend block of its concept's file. A method that is a library
 * function is that function, wrapped from its header (so its docstring is
 * the header's comment) and bound into the class by the block's
 * %pythoncode; the typemaps turn the class's objects into the library's
 * handles and back. Every other method is one call into the helper C
 * (dupg_py.h): holders, use counting, the GIL, conversions.
 */
%module(package="dupg", docstring="libdupg bindings (low level). Import dupg, not this module.") core

%begin %{
#define PY_SSIZE_T_CLEAN
%}

%pythonbegin %{
import json as _json

from .errors import ArgumentError as _ArgumentError
from .errors import BusyError as _BusyError
from .errors import NotFoundError
from .errors import OutOfRangeError
%}

%{
#include "dupg_py.h"
%}

%feature("kwargs");
%feature("compactdefaultargs");
%feature("autodoc", "0");

/* From the headers, only what a concept file names. */
%rename("$ignore", regextarget=1, %$isfunction) "^dupg_";
%rename("$ignore", regextarget=1, %$isclass) "^dupg_";
%rename("$ignore", regextarget=1, %$isconstant) "^DUPG_";
%rename("$ignore", %$isenumitem) "";

%include "errors.i"
%include "typemaps.i"

%include "common.i"
%include "manifest.i"
%include "package.i"
%include "trust.i"
%include "vd.i"
%include "match.i"
%include "configuration.i"
%include "pathlist.i"
%include "prune.i"
%include "store.i"
%include "topology.i"
%include "plan.i"
%include "txn.i"
%include "rollout.i"
%include "fetch.i"
%include "region.i"
