# SPDX-License-Identifier: BSD-2-Clause
"""Packages: building, verifying and reading them (package.i, manifest.i)."""

import os as _os

from .core import Manifest, _build_package, _verify_ext
from .errors import AbortedError, ArgumentError

__all__ = ["build_package", "read_manifest", "verify"]


def _with_progress(call, progress, *args):
    """call(*args, cb): cb runs progress(done, total, file); its true result or
    its exception cancels, and the call raises AbortedError (from the exception)."""
    if progress is None:
        return call(*args, None)
    if not callable(progress):
        raise ArgumentError("progress must be callable")
    raised = []

    def cb(done, total, file):
        try:
            return bool(progress(done, total, file))
        except BaseException as e:  # noqa: B902 - any exception cancels, and is chained below
            raised.append(e)
            return True

    try:
        return call(*args, cb)
    except AbortedError as e:
        if raised:
            raise e from raised[0]
        raise


def verify(path, trust=None, *, now=None, payload=True, progress=None):
    """Verify a package fully and return its Manifest.

    Every file is streamed through XXH3-128 (and SHA-256 in a format-2
    manifest) and checked against the manifest (size and digests); the
    archive must hold exactly the listed regular files.

    With a trust store (dupg.Trust) the package must also be signed under it
    (dupg_package_verify_ext() with a policy that requires a signature), and
    when now is given or trust is, not expired: now is None for the clock,
    False to skip the check, or seconds since the epoch. payload=False checks
    the head of the package only (manifest, signatures, expiry).

    progress, when given, is called as progress(done, total, file) while the
    payload is hashed: bytes read so far, the bytes the manifest declares,
    the install path being read (None in the last call, when done == total);
    when each file starts, then at most once per MiB, then at the end.
    Returning a true value or raising cancels: AbortedError, naming the
    package (from the exception raised). Without trust and now, expiry is
    not checked, as without progress.

    :raises NotFoundError, ArchiveError, FormatError, UnsupportedError,
        IntegrityError, ModeError (an entry's mode refused by the policy of
        dupg/package.h), IOError, and with a trust store UnsignedError,
        SignatureError, UnknownKeyError, RevokedKeyError, ThresholdError,
        SignatureFormatError, ExpiredError: naming the package and the problem;
        AbortedError when progress cancels
    """
    if trust is None and now is None and payload and progress is None:
        return Manifest.from_package(path, verify=True)
    if trust is None and now is None and payload:
        now = False  # with progress, as dupg_package_verify(): no expiry check
    return _with_progress(_verify_ext, progress, path, trust, now, payload)


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


def _pack_modes(modes):
    """Normalise build_package's modes to a list of (install path, int mode) pairs."""
    if modes is None:
        return None
    if not hasattr(modes, "items"):
        raise ArgumentError("modes: expected a mapping {install_path: mode}, not %r" % (modes,))
    out = []
    for path, mode in modes.items():
        if isinstance(mode, str):
            if not 3 <= len(mode) <= 4 or any(c not in "01234567" for c in mode):
                raise ArgumentError("modes: %s: %r is not 3 or 4 octal digits such as \"0755\""
                                    % (path, mode))
            mode = int(mode, 8)
        elif isinstance(mode, bool) or not isinstance(mode, int) or not 0 <= mode <= 0o7777:
            raise ArgumentError("modes: %s: %r is not a mode from 0 to 0o7777" % (path, mode))
        out.append((_os.fsdecode(path), mode))
    return out


def build_package(out_path, name, version, hw, files=(), *, format="auto", build_time=None,
                  vendor=None, no_fsync=False, security_version=0, applies_to=None,
                  summary=None, expires=None, sign=(), modes=None, record_modes=False,
                  progress=None):
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
    :param format: one of PACK_FORMATS: "auto" (from the file name; tar.gz
        when it says nothing), "tar", "tar.gz", "tar.xz", "tar.zst" or "zip"
    :param build_time: optional manifest build_time
    :param vendor: optional manifest vendor
    :param no_fsync: skip fsync (simulation only)
    :param security_version: the manifest's security_version (anti-rollback)
    :param applies_to: (min, max) running versions the package may be
        installed over, either None for an open end; None for any
    :param summary: optional manifest summary
    :param expires: optional RFC 3339 expiry time
    :param sign: private key files (dupg.key_generate()) to sign
        manifest.json with; the package then carries manifest.sig
    :param modes: None, or {install_path: mode} (an int such as 0o755, or an
        octal string such as "0755"): the modes to list in the manifest
        (format 3) and give the files' archive entries; the other files
        install as 0644 (MANIFEST_MODE_DEFAULT)
    :param record_modes: list every other file's mode as its source has it
    :param progress: None, or called as progress(done, total, file) while the
        sources are digested and copied (total: twice their sizes; file: the
        install path, None in the last call); a true result or an exception
        cancels with AbortedError, and nothing is left at out_path
    :raises BadInputError, NotFoundError, IOError, ArchiveError, DuplicateError,
        FormatError (a key that is not an Ed25519 private key), AbortedError
        (progress cancelled)
    """
    sources, paths = _pack_files(files)
    lo, hi = (None, None) if applies_to is None else applies_to
    if isinstance(sign, (str, bytes, _os.PathLike)):
        sign = [sign]
    return _with_progress(_build_package, progress, out_path, name, version, hw, sources, paths,
                          format, build_time, vendor, no_fsync, security_version, lo, hi,
                          summary, expires, [_os.fspath(k) for k in sign],
                          _pack_modes(modes), bool(record_modes))
