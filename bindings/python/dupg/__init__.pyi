# SPDX-License-Identifier: BSD-2-Clause
# Type hints of the dupg package (libdupg's Python bindings).
import enum
import os
from types import TracebackType
from typing import (Any, Callable, Dict, Iterable, Iterator, List, Literal, Mapping, Optional,
                    Sequence, Tuple, Type, TypeVar, TypedDict, Union)

from . import errors as errors
from . import sim as sim
from .errors import (AbortedError as AbortedError, AccessError as AccessError,
                     ArchiveError as ArchiveError,
                     ArgumentError as ArgumentError, BadInputError as BadInputError,
                     BusyError as BusyError, CommittedError as CommittedError,
                     DuplicateError as DuplicateError, NoSpaceError as NoSpaceError,
                     PendingError as PendingError,
                     Error as Error, FormatError as FormatError,
                     IntegrityError as IntegrityError, IOError as IOError,
                     NotFoundError as NotFoundError, OutOfMemoryError as OutOfMemoryError,
                     OutOfRangeError as OutOfRangeError, SimulatorError as SimulatorError,
                     UnsupportedError as UnsupportedError, NetworkError as NetworkError,
                     TimedOutError as TimedOutError,
                     TrustError as TrustError, UnsignedError as UnsignedError,
                     SignatureError as SignatureError, UnknownKeyError as UnknownKeyError,
                     RevokedKeyError as RevokedKeyError, ThresholdError as ThresholdError,
                     SignatureFormatError as SignatureFormatError, ExpiredError as ExpiredError,
                     ModeError as ModeError,
                     RollbackError as RollbackError)

StrPath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_H = TypeVar("_H", bound="_Handle")

OK: int
ERROR: int
ENOMEM: int
EINVAL: int
EFORMAT: int
ENOTFOUND: int
EIO: int
EARCHIVE: int
EINTEGRITY: int
EEXISTS: int
EUNSUPPORTED: int
EABORTED: int
EBUSY: int
ENOSPC: int
EACCES: int
EPENDING: int
ECOMMITTED: int
ENETWORK: int
ETIMEDOUT: int
EUNSIGNED: int
EBADSIG: int
EUNKNOWNKEY: int
EREVOKED: int
ETHRESHOLD: int
EEXPIRED: int
EROLLBACK: int
ESIGFORMAT: int
EMODE: int
MANIFEST_MAX_BYTES: int
MANIFEST_FORMAT: int
MANIFEST_FORMAT_MIN: int
MANIFEST_MODE_DEFAULT: int
MODE_SPECIAL: int
__version__: str


StepName = Literal["journal_temp", "journal", "rollback_temp", "rollback", "list_temp", "list",
                   "delete", "done"]


class StepEvent(str):
    """What on_step receives: the step's name (a StepName), with the file a delete step removed."""
    path: Optional[str]
    def __new__(cls, name: str, path: Optional[str] = ...) -> StepEvent: ...
    def __repr__(self) -> str: ...


PackFormat = Literal["auto", "tar", "tar.gz", "tar.xz", "tar.zst", "zip"]
TaskKind = Literal["none", "incremental", "full"]
PlanAction = Literal["local", "send"]
RecoverAction = Literal["clean", "finished", "undone"]
PruneListKey = Literal["second", "third", "fourth", "deletable"]
PrunePolicy = Literal["minimal", "keep_latest"]
PruneConfigKind = Literal["latest", "rollback"]
TxnPhase = Literal["prepare", "commit", "abort", "revert", "done"]
TxnOutcome = Literal["running", "committed", "rolled_back", "rollback_incomplete"]
TxnState = Literal["pending", "sending", "staging", "staged", "switching", "switched", "checking",
                   "healthy", "abandoned", "switching_back", "switched_back", "back_failed"]
TxnFailure = Literal["none", "send", "stage", "switch", "fallback", "health", "version",
                     "switch_back", "interrupted", "aborted"]
TxnActionKind = Literal["send", "stage", "switch", "check", "switch_back", "abandon", "query",
                        "done"]
TxnEventKind = Literal["sent", "send_failed", "staged", "stage_failed", "switched",
                       "switch_failed", "healthy", "unhealthy", "switched_back",
                       "switch_back_failed", "report"]
TxnTaken = Literal["taken", "duplicate", "late"]
RolloutStateName = Literal["running", "paused", "halted", "done"]
ElectResultName = Literal["none", "kept", "first", "better", "failover"]
SiteStateName = Literal["pending", "current", "assigned", "downloading", "staged", "upgraded",
                        "rolled_back", "failed"]

# The library's names of its enums' values, in value order (dupg_*_name()).
APPLY_STEPS: Tuple[StepName, ...]
PACK_FORMATS: Tuple[PackFormat, ...]
TASK_KINDS: Tuple[TaskKind, ...]
PLAN_ACTIONS: Tuple[PlanAction, ...]
RECOVER_ACTIONS: Tuple[RecoverAction, ...]
PRUNE_LISTS: Tuple[PruneListKey, ...]
PRUNE_POLICIES: Tuple[PrunePolicy, ...]
PRUNE_CONFIGS: Tuple[PruneConfigKind, ...]
TXN_PHASES: Tuple[TxnPhase, ...]
TXN_OUTCOMES: Tuple[TxnOutcome, ...]
TXN_STATES: Tuple[TxnState, ...]
TXN_FAILURES: Tuple[TxnFailure, ...]
TXN_ACTIONS: Tuple[TxnActionKind, ...]
TXN_EVENTS: Tuple[TxnEventKind, ...]
TXN_TAKEN: Tuple[TxnTaken, ...]
ROLLOUT_STATES: Tuple[RolloutStateName, ...]
SITE_STATES: Tuple[SiteStateName, ...]
Nearness = Literal["slot", "chassis", "cluster", "other"]
NEARNESS: Tuple[Nearness, ...]
ELECT_RESULTS: Tuple[ElectResultName, ...]
SCORE_MAX: int
ANNOUNCE_MAX_BYTES: int
ANNOUNCE_URL_MAX_BYTES: int


# Every dict the package returns has its TypedDict here; the keys a dict may
# lack are those of a total=False class (the required ones come from its
# base). tests/test_typeddicts.py holds real results to these declarations.
class _ManifestFileKeys(TypedDict):
    path: str
    size: int
    xxh128: str


class ManifestFile(_ManifestFileKeys, total=False):
    sha256: str  # format 2
    mode: str    # format 3, when listed: "0755" (Manifest.file_mode() gives the int)


class AppliesTo(TypedDict, total=False):
    min: str
    max: str


class _ManifestKeys(TypedDict):
    format: int
    name: str
    version: str
    hw: List[str]
    files: List[ManifestFile]


class ManifestDict(_ManifestKeys, total=False):
    """read_manifest(), Manifest.to_dict(): the keys of manifest.json (dupg/manifest.h)."""
    build_time: str
    vendor: str
    security_version: int  # format 2 and later
    applies_to: AppliesTo
    summary: str
    expires: str


class PackageEntry(TypedDict):
    """PackageSet.packages(): one package of the set."""
    path: str
    version: str


class VersionEntry(TypedDict):
    version: str
    devices: List[str]


class SystemDict(TypedDict):
    hw: Dict[str, List[VersionEntry]]


class Task(TypedDict):
    kind: TaskKind
    task: List[str]


PruneDict = TypedDict("PruneDict", {
    "second": List[str], "third": List[str], "fourth": List[str], "deletable": List[str],
    "latest": Dict[str, str], "rollback": Dict[str, str],
})


class RollbackDict(TypedDict):
    list: List[str]
    rollback: List[str]
    deleted: List[str]


class RecoverReport(TypedDict):
    action: RecoverAction
    temps_removed: int
    files_deleted: int


class Device(TypedDict, total=False):
    id: str
    hw: str
    version: str
    parent: Optional[str]
    duration_s: int


class TopologyDevice(TypedDict):
    id: str
    hw: str
    version: str
    duration_s: int
    parent: Optional[str]
    depth: int


class Step(TypedDict):
    device: str
    hw: str
    package: Optional[str]
    previous: Optional[str]
    version: Optional[str]
    action: PlanAction
    via: List[str]


class PlanDict(TypedDict):
    """Plan.to_dict()."""
    steps: List[Step]


ConfigLike = Union["Configuration", Mapping[str, str]]


# Every method of a handle raises BusyError when it would free or change the
# handle while another call (another thread, a callback) uses it, and every
# call does while Store.prune(apply=True), Store.rollback() or PathList.add_file()
# changes it.
class _Handle:
    def close(self) -> None: ...
    def __enter__(self: _H) -> _H: ...
    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> bool: ...


class Manifest(_Handle):
    name: str
    version: str
    hw: List[str]
    files: List[ManifestFile]
    total_size: int
    build_time: Optional[str]
    vendor: Optional[str]
    format: int
    security_version: int
    applies_min: Optional[str]
    applies_max: Optional[str]
    summary: Optional[str]
    expires: Optional[str]
    def __init__(self, name: str, version: str, hw: Sequence[str] = ...) -> None: ...
    def set_applies_to(self, min: Optional[str], max: Optional[str]) -> None: ...
    def applies(self, running: str) -> bool: ...
    def expired(self, now: int) -> bool: ...
    @staticmethod
    def parse(json: Union[str, bytes], origin: Optional[str] = ...) -> Manifest: ...
    @staticmethod
    def from_package(path: StrPath, verify: bool = ...) -> Manifest: ...
    def fits(self, hw: str) -> bool: ...
    def add_hw(self, hw: str) -> None: ...
    def add_file(self, path: str, size: int, xxh128: Union[str, bytes]) -> None: ...
    def set_file_mode(self, i: int, mode: int) -> None: ...
    def file_mode(self, i: int) -> int: ...
    def file_mode_listed(self, i: int) -> bool: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> ManifestDict: ...


class SystemDescription(_Handle):
    def __init__(self, devices: Optional[Sequence[Mapping[str, Any]]] = ...) -> None: ...
    @staticmethod
    def from_json(json: Union[str, bytes], origin: Optional[str] = ...) -> SystemDescription: ...
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = ...) -> SystemDescription: ...
    def add(self, id: str, hw: str, version: str, duration_s: int = ...) -> None: ...
    def hw_types(self) -> List[str]: ...
    def lowest_version(self, hw: str) -> str: ...
    def __len__(self) -> int: ...
    def __contains__(self, hw: str) -> bool: ...
    def __getitem__(self, hw: str) -> List[VersionEntry]: ...
    def __iter__(self) -> Iterator[str]: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> SystemDict: ...


class PackageSet(_Handle):
    def __init__(self) -> None: ...
    def add(self, path: str, version: str, hw: Sequence[str]) -> None: ...
    def add_manifest(self, path: str, manifest: Manifest) -> None: ...
    def add_package(self, path: StrPath, verify: bool = ...) -> None: ...
    def packages(self) -> List[PackageEntry]: ...
    def best(self, hw: str) -> Optional[str]: ...
    def match(self, site: Union[SystemDescription, Mapping[str, Any]]) -> Task: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...


class Configuration(_Handle):
    def __init__(self, mapping: Optional[Union[Mapping[str, str], Iterable[Tuple[str, str]]]] = ...) -> None: ...
    def __getitem__(self, hw: str) -> str: ...
    def __setitem__(self, hw: str, path: str) -> None: ...
    def __contains__(self, hw: object) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...
    def keys(self) -> List[str]: ...
    def values(self) -> List[str]: ...
    def items(self) -> List[Tuple[str, str]]: ...
    def get(self, hw: str, default: Optional[str] = ...) -> Optional[str]: ...
    def copy(self) -> Configuration: ...
    def set_version(self, hw: str, version: Optional[str]) -> None: ...
    def version(self, hw: str) -> Optional[str]: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, str]: ...


class PathList(_Handle):
    def __init__(self, entries: Optional[Union[Mapping[str, Sequence[str]], Iterable[Tuple[str, Sequence[str]]]]] = ...) -> None: ...
    @staticmethod
    def load(list_file: StrPath) -> PathList: ...
    def add(self, path: StrPath, hw: Sequence[str]) -> None: ...
    def add_file(self, path: StrPath, base_dir: Optional[StrPath] = ...) -> None: ...
    def save(self, list_file: StrPath, no_fsync: bool = ...) -> None: ...
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> str: ...
    def __contains__(self, path: object) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def index(self, path: str) -> int: ...
    def paths(self) -> List[str]: ...
    def resolved_paths(self) -> List[str]: ...
    def hw(self, i: int) -> List[str]: ...
    def entries(self) -> List[Tuple[str, List[str]]]: ...
    def config(self) -> Configuration: ...
    def prune(self, downloaded: PathList, keep: Optional[int] = ...) -> Prune: ...


# A prune list by its key, or by what it holds (the first three).
ListName = Union[PruneListKey, Literal["merged", "kept", "rollback"]]


class Prune(_Handle):
    second: List[str]
    third: List[str]
    fourth: List[str]
    deletable: List[str]
    latest: Configuration
    rollback: Configuration
    def list(self, which: ListName) -> List[str]: ...
    def indexes(self, which: ListName) -> List[int]: ...
    def pathlist(self, which: ListName) -> PathList: ...
    def config(self, which: PruneConfigKind) -> Configuration: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> PruneDict: ...


class Store(_Handle):
    list_file: str
    def __init__(self, list_file: StrPath, wait: float = ...) -> None: ...
    @staticmethod
    def recover(list_file: StrPath, no_fsync: bool = ..., wait: float = ...) -> RecoverReport: ...
    def paths(self) -> List[str]: ...
    def config(self) -> Configuration: ...
    def prune(self, new_paths: Union[StrPath, Sequence[StrPath]], apply: bool = ...,
              keep: Optional[int] = ..., no_fsync: bool = ...,
              on_step: Optional[Callable[[StepName], Any]] = ...,
              wait: float = ..., trust: Optional[Trust] = ...,
              now: Union[None, bool, int] = ...,
              verified: Optional[Sequence[StrPath]] = ...) -> PruneDict: ...
    def prune_result(self, new_paths: Union[StrPath, Sequence[StrPath]], apply: bool = ...,
                     keep: Optional[int] = ..., no_fsync: bool = ...,
                     on_step: Optional[Callable[[StepName], Any]] = ...,
                     wait: float = ..., trust: Optional[Trust] = ...,
                     now: Union[None, bool, int] = ...,
                     verified: Optional[Sequence[StrPath]] = ...) -> Prune: ...
    def rollback(self, no_fsync: bool = ...,
                 on_step: Optional[Callable[[StepName], Any]] = ...,
                 wait: float = ...) -> RollbackDict: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...


class TopologyJSONDevice(TypedDict, total=False):
    id: str
    hw: str
    version: str
    parent: str
    duration_s: int


class TopologyJSON(TypedDict):
    devices: List[TopologyJSONDevice]


class Topology(_Handle):
    master: str
    def __init__(self, devices: Optional[Sequence[Device]] = ...) -> None: ...
    @staticmethod
    def from_json(json: Union[str, bytes], origin: Optional[str] = ...) -> Topology: ...
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], origin: str = ...) -> Topology: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> TopologyJSON: ...
    def add(self, id: str, hw: str, version: str, parent: Optional[str] = ...,
            duration_s: int = ...) -> None: ...
    def check(self, origin: Optional[str] = ...) -> None: ...
    def devices(self) -> List[TopologyDevice]: ...
    def set_version(self, id: str, version: str) -> None: ...
    def merge(self) -> SystemDescription: ...
    def plan_upgrade(self, current: ConfigLike, wanted: ConfigLike) -> Plan: ...
    def __len__(self) -> int: ...
    def __contains__(self, id: object) -> bool: ...
    def __getitem__(self, id: str) -> TopologyDevice: ...
    def __iter__(self) -> Iterator[TopologyDevice]: ...


class Plan(_Handle):
    def rollback(self) -> Plan: ...
    def steps(self) -> List[Step]: ...
    def switch_order(self) -> List[str]: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> PlanDict: ...
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> Step: ...
    def __iter__(self) -> Iterator[Step]: ...


class TxnAction(TypedDict):
    kind: TxnActionKind
    device: Optional[int]
    member: Optional[int]
    step: Optional[int]
    id: Optional[str]
    package: Optional[str]
    via: List[str]
    deadline_ms: Optional[int]
    outcome: Optional[TxnOutcome]


class TxnEvent(TypedDict, total=False):
    kind: TxnEventKind
    device: Union[int, str]
    member: Union[int, str]
    version: Optional[str]
    slot: Optional[int]
    detail: Optional[str]


class TxnDevice(TypedDict):
    device: int
    member: int
    step: int
    id: str
    state: TxnState
    failure: Optional[TxnFailure]
    timed_out: bool
    detail: str


class TxnCause(TypedDict):
    kind: TxnFailure
    device: Optional[int]
    member: Optional[int]
    id: Optional[str]
    timed_out: bool
    detail: str


class TxnReportCause(TypedDict):
    member: Optional[str]
    device: Optional[str]
    kind: TxnFailure
    timed_out: bool
    detail: str


class TxnReportDevice(TypedDict):
    member: str
    device: str
    state: TxnState
    failure: Optional[TxnFailure]
    timed_out: bool
    detail: str


class TxnReport(TypedDict):
    """Transaction.to_dict(): the report of dupg_txn_to_json()."""
    phase: TxnPhase
    outcome: TxnOutcome
    committed: bool
    journal_writes: int
    cause: Optional[TxnReportCause]
    counts: Dict[TxnState, int]
    devices: List[TxnReportDevice]


TxnMember = Union[Plan, Mapping[str, Any]]


class Transaction(_Handle):
    phase: TxnPhase
    outcome: TxnOutcome
    committed: bool
    cause: Optional[TxnCause]
    journal_writes: int
    failed_count: int
    member_count: int
    def __init__(self, members: Union[TxnMember, Sequence[TxnMember]], *, parallel: int = ...,
                 timeout_factor: float = ..., timeout_floor_ms: int = ...,
                 journal: Optional[StrPath] = ..., no_fsync: bool = ...,
                 replace_only: bool = ...) -> None: ...
    @classmethod
    def resume(cls, members: Union[TxnMember, Sequence[TxnMember]], journal: StrPath,
               **options: Any) -> "Transaction": ...
    def next(self, now_ms: int) -> List[TxnAction]: ...
    def feed(self, event: TxnEvent, now_ms: int) -> TxnTaken: ...
    def wake(self) -> Optional[int]: ...
    def abort(self, detail: Optional[str] = ..., now_ms: int = ...) -> None: ...
    def find(self, id: str, member: Union[int, str] = ...) -> int: ...
    def member_name(self, m: int) -> Optional[str]: ...
    def device(self, d: int) -> TxnDevice: ...
    def state(self, d: int) -> TxnState: ...
    def counts(self) -> Dict[TxnState, int]: ...
    def snapshot(self) -> bytes: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> TxnReport: ...
    def remove_journal(self) -> None: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[TxnDevice]: ...


# str enums: each member equals the library's name of its value.
class RolloutState(str, enum.Enum):
    RUNNING = "running"
    PAUSED = "paused"
    HALTED = "halted"
    DONE = "done"
    @property
    def final(self) -> bool: ...


class SiteState(str, enum.Enum):
    PENDING = "pending"
    CURRENT = "current"
    ASSIGNED = "assigned"
    DOWNLOADING = "downloading"
    STAGED = "staged"
    UPGRADED = "upgraded"
    ROLLED_BACK = "rolled_back"
    FAILED = "failed"
    @property
    def final(self) -> bool: ...


class WaveTally:
    sites: int
    current: int
    finished: int
    failed: int
    settled: bool
    def __init__(self, sites: int = ..., current: int = ..., finished: int = ...,
                 failed: int = ...) -> None: ...
    def add(self, state: Union[SiteState, SiteStateName], n: int = ...) -> None: ...
    def __eq__(self, other: object) -> bool: ...


class RolloutStatus:
    state: RolloutState
    open: int
    halted_wave: Optional[int]
    def __init__(self, state: Union[RolloutState, RolloutStateName] = ..., open: int = ...,
                 halted_wave: Optional[int] = ...) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def wave_open(self, wave: int) -> bool: ...
    def __eq__(self, other: object) -> bool: ...


class Rollout(_Handle):
    waves: Tuple[float, ...]
    threshold: float
    waves_text: str
    def __init__(self, waves: Union[str, Sequence[float], None], threshold: float) -> None: ...
    def wave_end(self, w: int, total: int) -> int: ...
    def wave_size(self, w: int, total: int) -> int: ...
    def wave_of(self, rank: int, total: int) -> int: ...
    def halts(self, t: WaveTally) -> bool: ...
    def step(self, status: RolloutStatus, tallies: Sequence[WaveTally]) -> RolloutStatus: ...
    def __len__(self) -> int: ...


class FetchProgress(TypedDict):
    package: int
    packages: int
    path: str
    url: str
    done: int
    total: int
    all_done: int
    all_total: int


class FetchOutcome(TypedDict):
    path: str
    file: str
    server: int
    url: str
    size: int
    bytes: int
    resumed: bool
    failovers: int
    verified_inline: bool


class FetchServerDict(TypedDict, total=False):
    url: str
    location: Optional[str]


FetchServer = Union[str, Tuple[str, Optional[str]], FetchServerDict]


class Fetch(_Handle):
    outcomes: List[FetchOutcome]
    bytes: int
    def __init__(self, location: Optional[str] = ..., limit_rate: int = ..., stall_seconds: int = ...,
                 connect_timeout: float = ..., timeout: float = ..., ca_file: Optional[StrPath] = ...,
                 pinned_key: Optional[str] = ..., ssh_key: Optional[StrPath] = ...,
                 ssh_known_hosts: Optional[StrPath] = ..., no_fsync: bool = ...,
                 progress: Optional[Callable[[FetchProgress], Any]] = ...,
                 verify: Optional[Callable[[str, str, str], Any]] = ...) -> None: ...
    def run(self, dir: StrPath, paths: Sequence[str], servers: Sequence[FetchServer]) -> List[FetchOutcome]: ...
    def cancel(self) -> None: ...


def location_check(location: Optional[str]) -> None: ...
def nearness(own: Optional[str], server: Optional[str]) -> Nearness: ...
def rank(own: Optional[str], servers: Sequence[Optional[str]]) -> List[int]: ...


class Trust(_Handle):
    threshold: int
    key_ids: List[str]
    def __init__(self) -> None: ...
    @staticmethod
    def load_dir(dir: StrPath) -> Trust: ...
    def add_key_file(self, path: StrPath) -> None: ...
    def add_key_pem(self, pem: Union[str, bytes], origin: Optional[str] = ...) -> None: ...
    def revoke(self, keyid: str) -> None: ...
    def is_revoked(self, keyid: str) -> bool: ...
    def check(self, manifest: Union[str, bytes], sig: Union[str, bytes],
              origin: Optional[str] = ...) -> None: ...
    def __len__(self) -> int: ...


def key_generate(private_path: StrPath, public_path: StrPath) -> str: ...
def key_id(path: StrPath) -> str: ...
def sign_manifest(manifest: Union[str, bytes], key_paths: Sequence[StrPath]) -> str: ...


class Announcement(TypedDict):
    sender: str
    region: int
    epoch: int
    period: int
    score: int
    leader: bool
    versions: Dict[str, str]
    url: Optional[str]


class ElectResult(str, enum.Enum):
    NONE = "none"
    KEPT = "kept"
    FIRST = "first"
    BETTER = "better"
    FAILOVER = "failover"


class Partition(_Handle):
    max_per_region: int
    online: int
    addresses: List[str]
    def __init__(self, planned: int, max_per_region: int, pool: Sequence[str]) -> None: ...
    def join(self, score: int) -> int: ...
    def address(self, r: int) -> str: ...
    def members(self, r: int) -> int: ...
    def region_of(self, i: int) -> int: ...
    def score_of(self, i: int) -> int: ...
    def best(self, r: int) -> int: ...
    def best_node(self, r: int) -> Optional[int]: ...
    def __len__(self) -> int: ...


class Region(_Handle):
    id: int
    epoch: int
    leader: Optional[str]
    members: List[str]
    def __init__(self, id: int, dead_after: int = ...) -> None: ...
    def heard(self, id: str, score: int, period: int) -> None: ...
    def receive(self, data: bytes, now: int) -> None: ...
    def claim(self, id: str, score: int, epoch: int) -> bool: ...
    def elect(self, period: int) -> ElectResult: ...
    def score_of(self, id: str) -> int: ...
    def alive(self, id: str, period: int) -> bool: ...
    def version(self, id: str, hw: str) -> Optional[str]: ...
    def needs(self, hw: str, version: str, min: Optional[str] = ..., max: Optional[str] = ...) -> int: ...
    def __len__(self) -> int: ...


def score(cpu: float, memory: float, storage: float, bandwidth_mbps: float, latency_ms: float,
          loss: float, weights: Optional[Mapping[str, float]] = ...) -> int: ...
def encode_announcement(sender: str, region: int, epoch: int, period: int, score: int,
                        leader: bool = ..., versions: Optional[Mapping[str, str]] = ...,
                        url: Optional[str] = ...) -> bytes: ...
def decode_announcement(data: bytes) -> Announcement: ...
def vercmp(a: Optional[str], b: Optional[str]) -> int: ...
def strerror(code: int) -> str: ...
def version_number() -> int: ...
def version_string() -> str: ...
def file_xxh128(path: StrPath) -> str: ...
# verify() checks the whole package (sizes, digests, the file set); read_manifest()
# reads the manifest only, as dupg_package_read_manifest() does.
ProgressCallback = Callable[[int, int, Optional[str]], Any]
def verify(path: StrPath, trust: Optional[Trust] = ..., *, now: Union[None, bool, int] = ...,
           payload: bool = ..., progress: Optional[ProgressCallback] = ...) -> Manifest: ...
def read_manifest(path: StrPath) -> ManifestDict: ...
def build_package(out_path: StrPath, name: str, version: str, hw: Sequence[str],
                  files: Union[Iterable[Union[StrPath, Tuple[StrPath, str]]], Mapping[str, StrPath]] = ...,
                  *, format: PackFormat = ..., build_time: Optional[str] = ...,
                  vendor: Optional[str] = ..., no_fsync: bool = ...,
                  security_version: int = ...,
                  applies_to: Optional[Tuple[Optional[str], Optional[str]]] = ...,
                  summary: Optional[str] = ..., expires: Optional[str] = ...,
                  sign: Union[StrPath, Sequence[StrPath]] = ...,
                  modes: Optional[Mapping[str, Union[int, str]]] = ...,
                  record_modes: bool = ...,
                  progress: Optional[ProgressCallback] = ...) -> Manifest: ...
def merge(devices: Sequence[Mapping[str, Any]]) -> SystemDict: ...
def match(system: Union[SystemDescription, Mapping[str, Any]], package_paths: Sequence[StrPath]) -> Task: ...
def prune(first: Sequence[str], new: Sequence[str], fits: Mapping[str, Sequence[str]],
          keep: Optional[int] = ...) -> PruneDict: ...
def recover(list_file: StrPath, no_fsync: bool = ..., wait: float = ...) -> RecoverReport: ...
