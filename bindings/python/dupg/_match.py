# SPDX-License-Identifier: BSD-2-Clause
"""Matching a site against a set of package files (match.i)."""

import os as _os

from .core import PackageSet
from .errors import ArgumentError

__all__ = ["match"]


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
