"""What the use cases need from the outside world, as protocols the adapters satisfy."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from bodycam_guard.domain import merkle
from bodycam_guard.domain.bundle_leaves import ChainHead
from bodycam_guard.domain.checkpoint import Checkpoint
from bodycam_guard.domain.detection_range import AffectedRange, StoredBundle
from bodycam_guard.domain.device_log import DeviceEvent, DeviceLog
from bodycam_guard.domain.incidents import DetectionPolicy, Finding, Incident, IncidentFilter
from bodycam_guard.domain.log_records import (
    BlobRecord,
    LoggedBundle,
    LoggedSegment,
    PublishedCheckpoint,
)
from bodycam_guard.domain.manifest import Manifest
from bodycam_guard.domain.media import MediaFacts
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.routine_footage import Flags, RegionFacts
from bodycam_guard.domain.slice_runs import StoredRun
from bodycam_guard.domain.timeline import DeviceHistory, ReceivedFile


class Stored(Protocol):
    """A blob now in the store."""

    @property
    def sha256(self) -> str: ...
    @property
    def bytes(self) -> int: ...


class BlobStore(Protocol):
    """Write-once, content-addressed storage of footage and logs."""

    def put_file(
        self, source: Path, *, progress: Callable[[int], None] | None = None
    ) -> Stored: ...
    def put_bytes(self, data: bytes) -> Stored: ...
    def path_of(self, sha256: str) -> Path: ...


MediaProbe = Callable[[Path], MediaFacts]
Clock = Callable[[], datetime]


class Bundles(Protocol):
    """Received bundles."""

    def is_ingested(self, manifest_sha256: str) -> bool: ...
    def add(
        self,
        *,
        name: str,
        manifest: Manifest,
        manifest_sha256: str,
        log: DeviceLog,
        log_sha256: str,
        log_bytes: int,
        log_signature_sha256: str | None,
        signature_status: str,
        files: Sequence[ReceivedFile],
        at: datetime,
    ) -> None: ...
    def devices_pending_detection(self) -> list[str]: ...
    def mark_detected(self, *device_ids: str) -> None: ...


class Histories(Protocol):
    """Everything received from a device, as the detector reads it."""

    def load(self, device_id: str) -> DeviceHistory: ...
    def devices(self) -> list[str]: ...


class RegionReads(Protocol):
    """Many devices' histories at once: routine segments as columns, the rest as objects."""

    def devices(self) -> list[str]: ...
    def build_runs(self, devices: Sequence[str]) -> int: ...
    def segment_facts(self, devices: Sequence[str]) -> RegionFacts: ...
    def expand(self, region: RegionFacts, sound: Flags) -> RegionFacts: ...
    def histories(self, region: RegionFacts, routine: Flags) -> dict[str, DeviceHistory]: ...


class HistorySlices(Protocol):
    """Parts of a device's history, read by indexed ranges (incremental detection)."""

    def bundles(self, device_id: str) -> list[StoredBundle]: ...
    def runs(self, bundle_ids: Collection[int]) -> dict[int, list[StoredRun]]: ...
    def events(
        self, bundle_ids: Collection[int], *, leaving_out: Collection[StoredRun] = ()
    ) -> dict[int, tuple[DeviceEvent, ...]]: ...
    def time_syncs(self, device_id: str) -> list[tuple[int, int, int]]: ...
    def files(
        self,
        bundle_ids: Collection[int],
        names: Mapping[int, str],
        *,
        leaving_out: Collection[int] = (),
        but: Collection[str] = (),
    ) -> list[tuple[int, ReceivedFile]]: ...
    def files_named(
        self, device_id: str, paths: Collection[str], *, excluding: Collection[int] = ()
    ) -> list[tuple[int, int, str]]: ...
    def files_by_id(
        self, segment_ids: Collection[int], names: Mapping[int, str]
    ) -> list[tuple[int, ReceivedFile]]: ...
    def lines_naming(
        self,
        device_id: str,
        files: Collection[str],
        file_seqs: Collection[int],
        *,
        excluding: Collection[int] = (),
    ) -> list[tuple[int, str, str | None, int | None]]: ...
    def file_counter_neighbours(
        self, device_id: str, low: int, high: int
    ) -> tuple[tuple[int, set[int]] | None, tuple[int, set[int]] | None]: ...
    def count_seqs(self, device_id: str, low: int, high: int) -> tuple[int, bool, bool]: ...
    def count_file_seqs(self, device_id: str, low: int, high: int) -> tuple[int, bool, bool]: ...
    def bundles_logging_between(
        self, device_id: str, start: datetime, end: datetime
    ) -> set[int]: ...
    def duties(self, device_id: str, start: datetime, end: datetime) -> list[RosteredDuty]: ...
    def mark_detected(self, bundle_ids: Collection[int]) -> None: ...


class Incidents(Protocol):
    """Flagged incidents."""

    def reconcile(
        self,
        device_id: str,
        findings: Sequence[Finding],
        policy: DetectionPolicy,
        at: datetime,
        *,
        within: AffectedRange | None = None,
    ) -> tuple[int, int]: ...
    def reconcile_devices(
        self, findings: Mapping[str, Sequence[Finding]], policy: DetectionPolicy, at: datetime
    ) -> tuple[int, int]: ...
    def list(self, wanted: IncidentFilter) -> list[Incident]: ...
    def get(self, incident_id: str) -> Incident | None: ...
    def raise_finding(self, finding: Finding, policy: DetectionPolicy, at: datetime) -> bool: ...


class TransparencyLog(Protocol):
    """The append-only Merkle log: leaves and complete-subtree hashes."""

    def size(self) -> int: ...
    def append(self, leaves: Sequence[tuple[str, bytes]], at: datetime) -> list[int]: ...
    def read_nodes(self, addresses: Sequence[merkle.NodeAddress]) -> list[bytes]: ...
    def read_node(self, level: int, index: int) -> bytes: ...
    def evaluate(self, plan: merkle.Plan) -> list[bytes]: ...
    def root(self, size: int) -> bytes: ...
    def inclusion_proof(self, index: int, size: int) -> list[bytes]: ...
    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]: ...
    def leaves(self, start: int, end: int) -> list[bytes]: ...
    def leaf(self, index: int) -> bytes | None: ...
    def node_range(self, level: int, start: int, end: int) -> list[bytes]: ...
    def iter_leaves(self) -> Iterator[tuple[int, str, bytes]]: ...
    def iter_nodes(self) -> Iterator[tuple[int, int, bytes]]: ...


class Checkpoints(Protocol):
    """Every signed checkpoint published, kept."""

    def latest(self) -> PublishedCheckpoint | None: ...
    def add(self, *, size: int, root: bytes, note: str, at: datetime) -> None: ...
    def all(self) -> list[PublishedCheckpoint]: ...


class EvidenceRecords(Protocol):
    """Bundle and segment records as bound to log leaves, and the blobs they name."""

    def chain_head(self, device_id: str) -> ChainHead | None: ...
    def link_bundle(
        self,
        manifest_sha256: str,
        *,
        leaf_index: int,
        log_leaf_index: int,
        files: Sequence[tuple[str, int, str | None]],
    ) -> None: ...
    def segments(self, device_id: str | None = None) -> list[LoggedSegment]: ...
    def bundles(self, device_id: str | None = None) -> list[LoggedBundle]: ...
    def blobs(
        self, after: tuple[int, int] = (0, 0), limit: int | None = None
    ) -> list[BlobRecord]: ...


class LogSigner(Protocol):
    """The log's Ed25519 key: its name is the checkpoint origin."""

    @property
    def name(self) -> str: ...
    @property
    def public_key(self) -> bytes: ...
    def sign_checkpoint(self, tree_head: Checkpoint) -> str: ...
    def verify(self, signature: bytes, msg: bytes) -> bool: ...
    def verifier_key(self) -> str: ...


class ApiTokens(Protocol):
    """Bearer tokens, kept as hashes."""

    def add(self, *, name: str, role: str, token_sha256: str, at: datetime) -> None: ...
    def role_for(self, token_sha256: str) -> str | None: ...


class DeviceKeys(Protocol):
    """Cameras' registered Ed25519 public keys."""

    def register(self, device_id: str, public_key: bytes, at: datetime) -> bool: ...
    def key_of(self, device_id: str) -> bytes | None: ...


class Rosters(Protocol):
    """Rostered duties."""

    def add(self, duties: Sequence[RosteredDuty], at: datetime) -> int: ...
    def devices(self) -> list[str]: ...


class UnitOfWork(Protocol):
    """One use case's transaction: rolled back unless committed."""

    # Read-only in the protocol, so a concrete unit of work may hold narrower repository types.
    @property
    def bundles(self) -> Bundles: ...
    @property
    def histories(self) -> Histories: ...
    @property
    def slices(self) -> HistorySlices: ...
    @property
    def regions(self) -> RegionReads: ...
    @property
    def incidents(self) -> Incidents: ...
    @property
    def tokens(self) -> ApiTokens: ...
    @property
    def log(self) -> TransparencyLog: ...
    @property
    def checkpoints(self) -> Checkpoints: ...
    @property
    def evidence(self) -> EvidenceRecords: ...
    @property
    def device_keys(self) -> DeviceKeys: ...
    @property
    def rosters(self) -> Rosters: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
