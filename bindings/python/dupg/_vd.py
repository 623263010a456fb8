# SPDX-License-Identifier: BSD-2-Clause
"""Device descriptions merged into a system description (vd.i)."""

from .core import SystemDescription

__all__ = ["merge"]


def merge(devices):
    """Merge device descriptions by hardware type.

    :param devices: a list of {"id", "hw", "version"} dicts
    :return: the dict ``dupg-sim merge`` prints:
        {"hw": {"TYPE": [{"version": V, "devices": [id, ...]}, ...]}}
    :raises BadInputError: a missing field; DuplicateError: an id twice
    """
    with SystemDescription(devices) as s:
        return s.to_dict()
