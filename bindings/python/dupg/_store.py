# SPDX-License-Identifier: BSD-2-Clause
"""Stores on disk (store.i)."""

from .core import Store

__all__ = ["recover"]


def recover(list_file, no_fsync=False, wait=0):
    """Repair a store after an interrupted apply; see Store.recover()."""
    return Store.recover(list_file, no_fsync=no_fsync, wait=wait)
