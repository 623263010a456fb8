# SPDX-License-Identifier: BSD-2-Clause
"""The pure prune, on plain lists (prune.i, pathlist.i)."""

from .core import PathList
from .errors import NotFoundError

__all__ = ["prune"]


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
