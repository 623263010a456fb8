# SPDX-License-Identifier: BSD-2-Clause
"""Run the simulator, dupg-sim, from Python.

The simulator upgrades virtual sites (a BBU master, HUBs, RRUs) and fleets
end to end through libdupg: it builds the server's packages, matches every
site, downloads, prunes each master's store crash-safely, stages, switches,
rolls back on failure, and reports. This module runs the dupg-sim program
and hands back its JSON report as a dict.

The program is found, in this order, through the DUPG_SIM environment
variable, the build tree this package was assembled in, the directory
``make install`` put it in, and PATH.

    >>> report = dupg.sim.run("sim/topologies/fig3a.json", seed=1)
    >>> [s["outcome"] for s in report["sites"]]
    ['upgraded']
"""

import json
import os
import shutil
import subprocess
import tempfile
from typing import Any, Iterable, Optional, Sequence, Tuple, Union

from .errors import ArgumentError, NotFoundError, SimulatorError

__all__ = ["locate", "command", "run", "draw"]

_HERE = os.path.dirname(os.path.abspath(__file__))


def locate() -> str:
    """The path of the dupg-sim program.

    :raises NotFoundError: when it is nowhere to be found
    """
    env = os.environ.get("DUPG_SIM")
    if env:
        if not os.access(env, os.X_OK):
            raise NotFoundError("%s: DUPG_SIM names no executable program" % env)
        return env
    # The build tree: <builddir>/bindings/python/pkg/dupg -> <builddir>/sim/dupg-sim.
    built = os.path.normpath(os.path.join(_HERE, "..", "..", "..", "..", "sim", "dupg-sim"))
    candidates = [built]
    try:
        from . import _config
        candidates.append(os.path.join(_config.BINDIR, "dupg-sim"))
    except ImportError:
        pass
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    found = shutil.which("dupg-sim")
    if found:
        return found
    raise NotFoundError("dupg-sim: not found (set DUPG_SIM, build it, or install it)")


def _fail(args, proc):
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    errs = [l for l in lines if l.startswith("dupg-sim:")]
    detail = (errs or lines or ["exit status %d" % proc.returncode])[-1]
    return SimulatorError("dupg-sim %s: %s" % (args[0], detail), returncode=proc.returncode,
                          stderr=proc.stderr)


def _exec(args, timeout):
    argv = [locate()] + [os.fspath(a) for a in args]
    try:
        return subprocess.run(argv, capture_output=True,
                              text=True, errors="surrogateescape", timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as e:
        raise SimulatorError("dupg-sim %s: timed out after %s s" % (args[0], timeout)) from e
    except OSError as e:
        raise SimulatorError("dupg-sim %s: cannot run: %s" % (args[0], e)) from e


def command(*args: Any, timeout: Optional[float] = None) -> Any:
    """Run one dupg-sim subcommand and return the JSON it prints, as Python values.

    ``dupg.sim.command("merge", "devices.json")`` runs ``dupg-sim merge
    devices.json``.

    :raises SimulatorError: non-zero exit (its message is dupg-sim's error
        line, which names the offending file) or output that is not JSON
    """
    if not args:
        raise ArgumentError("command: name a dupg-sim subcommand")
    proc = _exec(list(args), timeout)
    if proc.returncode != 0:
        raise _fail(args, proc)
    try:
        return json.loads(proc.stdout)
    except ValueError as e:
        raise SimulatorError("dupg-sim %s: output is not JSON: %s" % (args[0], e),
                             returncode=0, stderr=proc.stderr) from e


def _fail_arg(f):
    if isinstance(f, str):
        return f
    if isinstance(f, (tuple, list)) and len(f) == 2:
        return "%s:%s" % (f[0], f[1])
    raise ArgumentError("fail: each entry is 'DEVICE:stage|switch|health' or a "
                        "(device, kind) pair, not %r" % (f,))


def run(scenario: Union[str, "os.PathLike[str]", dict], seed: Optional[int] = None,
        fail: Iterable[Union[str, Tuple[str, str]]] = (), report: Optional[str] = None,
        timeout: Optional[float] = None, args: Sequence[str] = (), trust: bool = False) -> dict:
    """Run a scenario (one site or a fleet) and return the report as a dict.

    :param scenario: a scenario file, or a scenario as a dict (written to a
        temporary file; relative paths in it are relative to the current
        directory)
    :param seed: the seed; the same scenario and seed give the same report
    :param fail: faults to inject: "DEVICE:stage|switch|health" strings or
        (device, kind) pairs
    :param report: also keep the JSON report in this file
    :param timeout: seconds before giving up
    :param args: further dupg-sim run options, as strings
    :param trust: sign the catalogue with a key made for the run and require
        the signature wherever a package is verified (dupg-sim run --trust)
    :return: the report: {"sites": [{"site", "outcome", "kind",
        "bytes_downloaded", "downloaded", "deleted", "devices": [...]}, ...],
        "totals": {...}}
    :raises SimulatorError: dupg-sim failed; NotFoundError: it is missing
    """
    if isinstance(fail, str):
        fail = [fail]
    with tempfile.TemporaryDirectory(prefix="dupg-sim-") as tmp:
        if isinstance(scenario, dict):
            path = os.path.join(tmp, "scenario.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(scenario, f)
            scenario = path
        out = report if report is not None else os.path.join(tmp, "report.json")
        argv = ["run", scenario, "--report", out]
        if seed is not None:
            argv += ["--seed", str(int(seed))]
        for f in fail:
            argv += ["--fail", _fail_arg(f)]
        if trust:
            argv.append("--trust")
        argv += list(args)
        proc = _exec(argv, timeout)
        if proc.returncode != 0:
            raise _fail(argv, proc)
        try:
            with open(out, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            raise SimulatorError("dupg-sim run: no readable report in %s: %s" % (out, e),
                                 returncode=0, stderr=proc.stderr) from e


def draw(site: Union[str, "os.PathLike[str]"], timeout: Optional[float] = None,
         args: Sequence[str] = ()) -> str:
    """Graphviz DOT of a site (``dupg-sim draw SITE``), as a str."""
    argv = ["draw", site] + list(args)
    proc = _exec(argv, timeout)
    if proc.returncode != 0:
        raise _fail(argv, proc)
    return proc.stdout
