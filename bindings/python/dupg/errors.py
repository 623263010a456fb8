# SPDX-License-Identifier: BSD-2-Clause
"""The exceptions of the dupg package.

Every exception the package raises derives from :class:`Error`. A failing
library call raises the subclass chosen by its error code, carrying the
library's message (which names the file and the problem) and the code.
Each subclass also derives from the built-in exception a Python programmer
would expect, so ``except KeyError`` or ``except ValueError`` work too.
"""

# Library error codes (dupg/common.h). Their values never change once released.
OK = 0
ERROR = -1
ENOMEM = -2
EINVAL = -3
EFORMAT = -4
ENOTFOUND = -5
EIO = -6
EARCHIVE = -7
EINTEGRITY = -8
EEXISTS = -9
EUNSUPPORTED = -10
EABORTED = -11
EBUSY = -12
ENOSPC = -13
EACCES = -14
EPENDING = -15
ECOMMITTED = -16
ENETWORK = -17
ETIMEDOUT = -18
EUNSIGNED = -19
EBADSIG = -20
EUNKNOWNKEY = -21
EREVOKED = -22
ETHRESHOLD = -23
EEXPIRED = -24
EROLLBACK = -25
ESIGFORMAT = -26
EMODE = -27


class Error(Exception):
    """Base class of every exception the dupg package raises.

    :ivar message: what went wrong, e.g.
        ``"pkg5.tar.gz: manifest.json: hardware list is empty"``
    :ivar code: the library's error code (a negative int, see dupg.strerror())
    :ivar code_name: the code's identifier in the library, e.g. ``"DUPG_EFORMAT"``
    """

    default_code = ERROR

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code

    def __str__(self):
        return self.message

    @property
    def code_name(self):
        """The identifier of code, as dupg_error_name() spells it ("unknown" for an unknown code)."""
        from . import core  # core imports this module first
        return core.error_name(self.code)

    def __reduce__(self):
        return (type(self), (self.message, self.code))


class NotFoundError(Error, KeyError, FileNotFoundError):
    """A named file, path, device or hardware type does not exist (DUPG_ENOTFOUND)."""

    default_code = ENOTFOUND


class OutOfRangeError(Error, IndexError):
    """An index past the end of a list."""

    default_code = ENOTFOUND


class BadInputError(Error, ValueError):
    """Invalid input (DUPG_EINVAL); base of the other bad-input errors."""

    default_code = EINVAL


class FormatError(BadInputError):
    """Malformed input: manifest, list, JSON, topology (DUPG_EFORMAT)."""

    default_code = EFORMAT


class UnsupportedError(BadInputError):
    """A format or option this version does not know (DUPG_EUNSUPPORTED)."""

    default_code = EUNSUPPORTED


class DuplicateError(BadInputError):
    """The same path, device id or entry twice (DUPG_EEXISTS)."""

    default_code = EEXISTS


class ArgumentError(BadInputError, TypeError):
    """A Python argument of the wrong type or shape for the binding."""

    default_code = EINVAL


class PendingError(BadInputError):
    """An interrupted store change is pending: run dupg.recover() first (DUPG_EPENDING)."""

    default_code = EPENDING


class BusyError(Error, RuntimeError):
    """A handle or a store is in use by another call (DUPG_EBUSY).

    Raised instead of closing or changing a handle while another call uses
    it, and instead of any call on a handle while another call changes it
    without the GIL (Store.prune(apply=True), PathList.add_file()); and when
    another process or thread holds the store's lock beyond the wait asked.
    """

    default_code = EBUSY


class IntegrityError(Error):
    """Package content does not match its manifest: size, digest, file set (DUPG_EINTEGRITY)."""

    default_code = EINTEGRITY


class ModeError(IntegrityError):
    """An archive entry's mode is one the package policy refuses: a special bit the manifest
    does not list, or not the mode it lists (DUPG_EMODE)."""

    default_code = EMODE


class ArchiveError(Error):
    """The archive itself is unreadable or truncated (DUPG_EARCHIVE)."""

    default_code = EARCHIVE


class IOError(Error, OSError):  # noqa: A001 - dupg.IOError, deliberately
    """A system call on a file or directory failed (DUPG_EIO)."""

    default_code = EIO


class NoSpaceError(IOError):
    """No space left on the device, or over a quota (DUPG_ENOSPC)."""

    default_code = ENOSPC


class AccessError(IOError, PermissionError):
    """Permission denied, or a read-only file system (DUPG_EACCES)."""

    default_code = EACCES


class CommittedError(Error):
    """The store change is committed, but leftovers remain that recover() finishes (DUPG_ECOMMITTED)."""

    default_code = ECOMMITTED


class TrustError(Error, ValueError):
    """A package does not pass a trust policy (dupg.Trust); base of the signature errors."""

    default_code = EBADSIG


class UnsignedError(TrustError):
    """The policy requires a signature the package lacks, or a file is not covered by a SHA-256 (DUPG_EUNSIGNED)."""

    default_code = EUNSIGNED


class SignatureError(TrustError):
    """A signature by a trusted key does not match manifest.json (DUPG_EBADSIG)."""

    default_code = EBADSIG


class UnknownKeyError(TrustError):
    """Signed only by keys the trust store does not hold (DUPG_EUNKNOWNKEY)."""

    default_code = EUNKNOWNKEY


class RevokedKeyError(TrustError):
    """Signed by a revoked key, and too few others (DUPG_EREVOKED)."""

    default_code = EREVOKED


class ThresholdError(TrustError):
    """Fewer valid signatures than the trust store's threshold (DUPG_ETHRESHOLD)."""

    default_code = ETHRESHOLD


class SignatureFormatError(TrustError):
    """manifest.sig is malformed, truncated or oversized (DUPG_ESIGFORMAT)."""

    default_code = ESIGFORMAT


class ExpiredError(TrustError):
    """The manifest's expires time has passed (DUPG_EEXPIRED)."""

    default_code = EEXPIRED


class RollbackError(BadInputError):
    """A package's security_version is below the store's anti-rollback floor (DUPG_EROLLBACK)."""

    default_code = EROLLBACK


class OutOfMemoryError(Error, MemoryError):
    """Out of memory (DUPG_ENOMEM)."""

    default_code = ENOMEM


class AbortedError(Error):
    """A callback asked the library to stop, e.g. an injected crash (DUPG_EABORTED)."""

    default_code = EABORTED


class NetworkError(Error, ConnectionError):
    """A transfer failed: connection, protocol, HTTP status, stall, a refused response (DUPG_ENETWORK)."""

    default_code = ENETWORK


class TimedOutError(Error, TimeoutError):
    """A deadline the caller set passed, e.g. Fetch(timeout=...) (DUPG_ETIMEDOUT)."""

    default_code = ETIMEDOUT


class SimulatorError(Error):
    """dupg-sim exited with an error.

    :ivar returncode: its exit status
    :ivar stderr: what it wrote on stderr
    """

    def __init__(self, message, code=None, returncode=None, stderr=""):
        super().__init__(message, code)
        self.returncode = returncode
        self.stderr = stderr

    def __reduce__(self):
        return (type(self), (self.message, self.code, self.returncode, self.stderr))


_BY_CODE = {
    ENOMEM: OutOfMemoryError,
    EINVAL: BadInputError,
    EFORMAT: FormatError,
    ENOTFOUND: NotFoundError,
    EIO: IOError,
    EARCHIVE: ArchiveError,
    EINTEGRITY: IntegrityError,
    EEXISTS: DuplicateError,
    EUNSUPPORTED: UnsupportedError,
    EABORTED: AbortedError,
    EBUSY: BusyError,
    ENOSPC: NoSpaceError,
    EACCES: AccessError,
    EPENDING: PendingError,
    ECOMMITTED: CommittedError,
    ENETWORK: NetworkError,
    ETIMEDOUT: TimedOutError,
    EUNSIGNED: UnsignedError,
    EBADSIG: SignatureError,
    EUNKNOWNKEY: UnknownKeyError,
    EREVOKED: RevokedKeyError,
    ETHRESHOLD: ThresholdError,
    EEXPIRED: ExpiredError,
    EROLLBACK: RollbackError,
    ESIGFORMAT: SignatureFormatError,
    EMODE: ModeError,
}


def error_class(code):
    """The exception class raised for a library error code."""
    return _BY_CODE.get(code, Error)


def _make(name, code, message):
    """Called by the extension: the exception to raise (class by name, else by code)."""
    cls = globals()[name] if name else error_class(code)
    return cls(message, code)
