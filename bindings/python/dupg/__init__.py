"""libdupg for Python: plan the software upgrade of distributed systems.

A site is a master device (a BBU) and the devices it controls (HUBs, RRUs).
The management server matches each site against its package set and sends
the site a download task; the master prunes its package store, keeping what
it needs for running and for rollback, and plans how packages reach devices.

Plain values in and out: paths and versions are str, lists are lists, and
the dict-returning functions return exactly what ``dupg-sim`` prints. The
classes (Manifest, PackageSet, SystemDescription, Configuration, PathList,
Prune, Store, Topology, Plan) own their C side, which goes with the object,
or earlier with close() or a ``with`` block.

Long calls (packages, stores, path list files, big matches) run without the
GIL, so threads run them side by side. Threads may share a handle for
reading; freeing or changing one while another call uses it raises
:class:`dupg.BusyError` instead.

Every exception raised derives from :class:`dupg.Error` and carries the
library's message, code and code name; see dupg.errors.

The names the library gives its enums' values, in value order, are tuples:
APPLY_STEPS (what Store's on_step callbacks receive), PACK_FORMATS,
TASK_KINDS, PLAN_ACTIONS, RECOVER_ACTIONS, PRUNE_LISTS, PRUNE_POLICIES and
PRUNE_CONFIGS.

    >>> import dupg
    >>> dupg.vercmp("1.10", "1.9") > 0
    True
"""

import os as _os

from . import errors
from .errors import (
    AbortedError,
    ArchiveError,
    ArgumentError,
    BadInputError,
    BusyError,
    DuplicateError,
    Error,
    FormatError,
    IntegrityError,
    NotFoundError,
    OutOfMemoryError,
    OutOfRangeError,
    SimulatorError,
    UnsupportedError,
)
from .errors import IOError  # noqa: A004 - dupg.IOError, deliberately
from .errors import (
    EABORTED,
    EARCHIVE,
    EEXISTS,
    EFORMAT,
    EINTEGRITY,
    EINVAL,
    EIO,
    ENOMEM,
    ENOTFOUND,
    ERROR,
    EUNSUPPORTED,
    OK,
)
from .core import (
    APPLY_STEPS,
    MANIFEST_FORMAT,
    MANIFEST_MAX_BYTES,
    PACK_FORMATS,
    PLAN_ACTIONS,
    PRUNE_CONFIGS,
    PRUNE_LISTS,
    PRUNE_POLICIES,
    RECOVER_ACTIONS,
    TASK_KINDS,
    Configuration,
    Manifest,
    PackageSet,
    PathList,
    Plan,
    Prune,
    Store,
    SystemDescription,
    Topology,
    file_xxh128,
    strerror,
    vercmp,
    version_number,
    version_string,
)
from . import core as _core
from . import sim

__version__ = version_string()

__all__ = [
    "AbortedError", "ArchiveError", "ArgumentError", "BadInputError", "BusyError",
    "DuplicateError",
    "Error", "FormatError", "IntegrityError", "NotFoundError", "OutOfMemoryError",
    "OutOfRangeError", "SimulatorError", "UnsupportedError",
    "Configuration", "Manifest", "PackageSet", "PathList", "Plan", "Prune", "Store",
    "SystemDescription", "Topology",
    "build_package", "file_xxh128", "match", "merge", "prune", "read_manifest", "recover",
    "strerror", "vercmp", "verify", "version_number", "version_string", "sim",
]


def verify(path):
    """Verify a package fully and return its Manifest.

    Every file is streamed through XXH3-128 and checked against the manifest
    (size and digest); the archive must hold exactly the listed regular files.

    :raises NotFoundError, ArchiveError, FormatError, UnsupportedError,
        IntegrityError, IOError: naming the package and the problem
    """
    return Manifest.from_package(path, verify=True)


def read_manifest(path):
    """The manifest of a package as a dict (the keys of manifest.json).

    Like dupg_package_read_manifest(), only the manifest is read: the payload
    is not verified (use verify() for that).

    :raises NotFoundError, ArchiveError, FormatError, UnsupportedError, IOError:
        naming the package and the problem
    """
    with Manifest.from_package(path, verify=False) as m:
        return m.to_dict()


def _pack_files(files):
    """Normalise build_package's files to (sources, install paths)."""
    if isinstance(files, (str, bytes, _os.PathLike)):
        raise ArgumentError("files: expected a list of files or a mapping, not a single path")
    if hasattr(files, "items"):
        pairs = [(src, dst) for dst, src in files.items()]
    else:
        pairs = []
        for f in files:
            if isinstance(f, (str, bytes, _os.PathLike)):
                pairs.append((f, _os.path.basename(_os.fsdecode(f))))
            elif isinstance(f, (tuple, list)) and len(f) == 2:
                pairs.append((f[0], f[1]))
            else:
                raise ArgumentError(
                    "files: each file is a path or a (source, install_path) pair, not %r" % (f,))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def build_package(out_path, name, version, hw, files=(), *, format="auto", build_time=None,
                  vendor=None, no_fsync=False):
    """Build an upgrade package and return its Manifest.

    manifest.json goes first, then the files; the archive is written to a
    temporary file beside out_path and renamed over it, so on failure
    nothing is left at out_path.

    :param out_path: the package file to create or replace
    :param name: package name
    :param version: package version
    :param hw: the hardware types the package fits (at least one)
    :param files: the install files: paths (installed under their base
        name), (source, install_path) pairs, or a mapping
        {install_path: source}
    :param format: "auto" (from the file name; tar.gz when it says
        nothing), "tar", "tar.gz", "tar.xz", "tar.zst" or "zip"
    :param build_time: optional manifest build_time
    :param vendor: optional manifest vendor
    :param no_fsync: skip fsync (simulation only)
    :raises BadInputError, NotFoundError, IOError, ArchiveError, DuplicateError
    """
    sources, paths = _pack_files(files)
    return _core._build_package(out_path, name, version, hw, sources, paths, format,
                                build_time, vendor, no_fsync)


def merge(devices):
    """Merge device descriptions by hardware type.

    :param devices: a list of {"id", "hw", "version"} dicts
    :return: the dict ``dupg-sim merge`` prints:
        {"hw": {"TYPE": [{"version": V, "devices": [id, ...]}, ...]}}
    :raises BadInputError: a missing field; DuplicateError: an id twice
    """
    with SystemDescription(devices) as s:
        return s.to_dict()


def match(system, package_paths):
    """A site's download task against a set of package files.

    Reads each package's manifest, indexes the set and matches the site.

    :param system: the site's system description: the dict ``merge()``
        returns, or a SystemDescription
    :param package_paths: the server's package files; the task lists them as given
    :return: {"kind": "full" | "incremental" | "none", "task": [path, ...]}
    """
    if isinstance(package_paths, (str, bytes, _os.PathLike)):
        raise ArgumentError("package_paths: expected a list of paths, not a single path")
    with PackageSet() as packages:
        for p in package_paths:
            packages.add_package(p)
        return packages.match(system)


def _fits(fits, path):
    try:
        return fits[path]
    except KeyError:
        raise NotFoundError("%s: fits names no hardware types for this path" % (path,)) from None


def prune(first, new, fits, keep=None):
    """The pure prune: which stored packages to delete after a download.

    :param first: the stored list of paths, oldest first
    :param new: the downloaded paths, in download order
    :param fits: maps every path to the list of hardware types it fits
    :param keep: None for the minimal rule; N >= 2 keeps the N latest
        packages per hardware type
    :return: the dict ``dupg-sim prune`` prints: {"second", "third",
        "fourth", "deletable": [path, ...], "latest", "rollback": {hw: path}}
    :raises NotFoundError: a path missing from fits; DuplicateError: a
        path twice; BadInputError: a path with no hardware type, a bad keep
    """
    with PathList([(p, _fits(fits, p)) for p in first]) as a, \
            PathList([(p, _fits(fits, p)) for p in new]) as b, \
            a.prune(b, keep=keep) as result:
        return result.to_dict()


def recover(list_file, no_fsync=False):
    """Repair a store after an interrupted apply; see Store.recover()."""
    return Store.recover(list_file, no_fsync=no_fsync)
