# SPDX-License-Identifier: BSD-2-Clause
"""libdupg for Python: plan the software upgrade of distributed systems.

A site is a master device (a BBU) and the devices it controls (HUBs, RRUs).
The management server matches each site against its package set and sends
the site a download task; the master prunes its package store, keeping what
it needs for running and for rollback, and plans how packages reach devices.

Plain values in and out: paths and versions are str, lists are lists, and
the dict-returning functions return exactly what ``dupg-sim`` prints. The
classes (Manifest, PackageSet, SystemDescription, Configuration, PathList,
Prune, Store, Topology, Plan, Transaction, Rollout, Partition, Region) own their C side, which goes with the object,
or earlier with close() or a ``with`` block.

Long calls (packages, stores, path list files, big matches) run without the
GIL, so threads run them side by side. Threads may share a handle for
reading; freeing or changing one while another call uses it raises
:class:`dupg.BusyError` instead.

Every exception raised derives from :class:`dupg.Error` and carries the
library's message, code and code name; see dupg.errors.

The names the library gives its enums' values, in value order, are tuples:
APPLY_STEPS (what Store's on_step callbacks receive), PACK_FORMATS,
TASK_KINDS, PLAN_ACTIONS, RECOVER_ACTIONS, PRUNE_LISTS, PRUNE_POLICIES,
PRUNE_CONFIGS, and the transaction's TXN_PHASES, TXN_OUTCOMES, TXN_STATES,
TXN_FAILURES, TXN_ACTIONS, TXN_EVENTS and TXN_TAKEN, and the rollout's
ROLLOUT_STATES and SITE_STATES (also the str enums RolloutState and SiteState), and the
region's ELECT_RESULTS (also the str enum ElectResult).

    >>> import dupg
    >>> dupg.vercmp("1.10", "1.9") > 0
    True
"""

from . import errors
from .errors import (
    AbortedError,
    AccessError,
    ArchiveError,
    ArgumentError,
    BadInputError,
    BusyError,
    CommittedError,
    DuplicateError,
    Error,
    FormatError,
    IntegrityError,
    NetworkError,
    NoSpaceError,
    NotFoundError,
    OutOfMemoryError,
    OutOfRangeError,
    PendingError,
    SimulatorError,
    TimedOutError,
    UnsupportedError,
    TrustError,
    UnsignedError,
    SignatureError,
    UnknownKeyError,
    RevokedKeyError,
    ThresholdError,
    SignatureFormatError,
    ModeError,
    ExpiredError,
    RollbackError,
)
from .errors import IOError  # noqa: A004 - dupg.IOError, deliberately
from .errors import (
    EABORTED,
    EACCES,
    EARCHIVE,
    EBUSY,
    ECOMMITTED,
    EEXISTS,
    EFORMAT,
    EINTEGRITY,
    EINVAL,
    EIO,
    ENETWORK,
    ENOMEM,
    ENOSPC,
    ENOTFOUND,
    EPENDING,
    ERROR,
    ETIMEDOUT,
    EUNSUPPORTED,
    EUNSIGNED,
    EBADSIG,
    EUNKNOWNKEY,
    EREVOKED,
    ETHRESHOLD,
    EEXPIRED,
    EROLLBACK,
    ESIGFORMAT,
    EMODE,
    OK,
)
from .core import (
    ANNOUNCE_MAX_BYTES,
    ANNOUNCE_URL_MAX_BYTES,
    APPLY_STEPS,
    ELECT_RESULTS,
    MANIFEST_FORMAT,
    MANIFEST_FORMAT_MIN,
    MANIFEST_MODE_DEFAULT,
    MODE_SPECIAL,
    MANIFEST_MAX_BYTES,
    NEARNESS,
    PACK_FORMATS,
    PLAN_ACTIONS,
    PRUNE_CONFIGS,
    PRUNE_LISTS,
    PRUNE_POLICIES,
    RECOVER_ACTIONS,
    ROLLOUT_STATES,
    SCORE_MAX,
    SITE_STATES,
    TASK_KINDS,
    TXN_ACTIONS,
    TXN_EVENTS,
    TXN_FAILURES,
    TXN_OUTCOMES,
    TXN_PHASES,
    TXN_STATES,
    TXN_TAKEN,
    Configuration,
    ElectResult,
    Fetch,
    Manifest,
    PackageSet,
    Partition,
    PathList,
    Plan,
    Prune,
    Region,
    Rollout,
    RolloutState,
    RolloutStatus,
    SiteState,
    Store,
    SystemDescription,
    Topology,
    Transaction,
    Trust,
    WaveTally,
    decode_announcement,
    encode_announcement,
    file_xxh128,
    key_generate,
    key_id,
    location_check,
    nearness,
    rank,
    score,
    sign_manifest,
    strerror,
    vercmp,
    version_number,
    version_string,
)
# The pure-Python parts, one module per concept as the interface files are.
from ._package import build_package, read_manifest, verify
from ._vd import merge
from ._match import match
from ._prune import prune
from ._store import StepEvent, recover
from . import sim

__version__ = version_string()

__all__ = [
    "AbortedError", "AccessError", "ArchiveError", "ArgumentError", "BadInputError", "BusyError",
    "CommittedError", "DuplicateError",
    "Error", "FormatError", "IntegrityError", "NoSpaceError", "NotFoundError", "OutOfMemoryError",
    "OutOfRangeError", "PendingError", "SimulatorError", "UnsupportedError",
    "TrustError", "UnsignedError", "SignatureError", "UnknownKeyError", "RevokedKeyError",
    "ThresholdError", "SignatureFormatError", "ModeError", "ExpiredError", "RollbackError", "Trust",
    "key_generate", "key_id", "sign_manifest",
    "Configuration", "Manifest", "PackageSet", "PathList", "Plan", "Prune", "Store", "StepEvent",
    "SystemDescription", "Topology", "Transaction",
    "Rollout", "RolloutState", "RolloutStatus", "SiteState", "WaveTally",
    "Fetch", "NetworkError", "TimedOutError", "location_check", "nearness", "rank",
    "Partition", "Region", "ElectResult", "score", "encode_announcement", "decode_announcement",
    "build_package", "file_xxh128", "match", "merge", "prune", "read_manifest", "recover",
    "strerror", "vercmp", "verify", "version_number", "version_string", "sim",
]

