# SPDX-License-Identifier: BSD-2-Clause
"""The READMEs' Python examples (top level and bindings) work as written: each block runs in a fresh
interpreter and prints what its comments say."""

import os
import re
import subprocess
import sys

import pytest

from conftest import srcpath


def blocks():
    found = []
    for readme in (srcpath("README.md"), srcpath("bindings", "python", "README.md")):
        with open(readme, encoding="utf-8") as f:
            found += re.findall(r"```python\n(.*?)```", f.read(), re.S)
    return found


def expected_output(code):
    """The comment after each print(...) line is what it prints."""
    return [m.group(1) for m in re.finditer(r"^\s*print\(.*\)\s+# (.*)$", code, re.M)]


def test_readme_has_examples():
    assert len(blocks()) >= 2
    assert all(expected_output(b) for b in blocks())


@pytest.mark.parametrize("index", range(len(blocks())))
def test_readme_example(index, tmp_path):
    code = blocks()[index]
    # Examples that name files of the source tree run from its top.
    cwd = srcpath() if "sim/topologies" in code else str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True,
                          env=dict(os.environ), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == expected_output(code)
