# SPDX-License-Identifier: BSD-2-Clause
"""Stores on disk (store.i)."""

from .core import Store

__all__ = ["StepEvent", "recover"]


class StepEvent(str):
    """What a store change's on_step callback receives: the step's name (one
    of APPLY_STEPS; it is that str, so it compares equal to it) with ``path``,
    the file a "delete" step removed as LIST named it (None for the other
    steps)."""

    path = None

    def __new__(cls, name, path=None):
        self = super().__new__(cls, name)
        self.path = path
        return self

    def __repr__(self):
        return "StepEvent(%s, path=%r)" % (str.__repr__(self), self.path)


def recover(list_file, no_fsync=False, wait=0):
    """Repair a store after an interrupted apply; see Store.recover()."""
    return Store.recover(list_file, no_fsync=no_fsync, wait=wait)
