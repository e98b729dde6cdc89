"""What the use cases need from the outside world, as protocols the adapters satisfy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from bodycam_guard.domain.device_log import DeviceLog
from bodycam_guard.domain.incidents import DetectionPolicy, Finding, Incident, IncidentFilter
from bodycam_guard.domain.manifest import Manifest
from bodycam_guard.domain.media import MediaFacts
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
        files: Sequence[ReceivedFile],
        at: datetime,
    ) -> None: ...
    def devices_pending_detection(self) -> list[str]: ...
    def mark_detected(self, device_id: str) -> None: ...


class Histories(Protocol):
    """Everything received from a device, as the detector reads it."""

    def load(self, device_id: str) -> DeviceHistory: ...


class Incidents(Protocol):
    """Flagged incidents."""

    def reconcile(
        self, device_id: str, findings: Sequence[Finding], policy: DetectionPolicy, at: datetime
    ) -> tuple[int, int]: ...
    def list(self, wanted: IncidentFilter) -> list[Incident]: ...
    def get(self, incident_id: str) -> Incident | None: ...


class ApiTokens(Protocol):
    """Bearer tokens, kept as hashes."""

    def add(self, *, name: str, role: str, token_sha256: str, at: datetime) -> None: ...
    def role_for(self, token_sha256: str) -> str | None: ...


class UnitOfWork(Protocol):
    """One use case's transaction: rolled back unless committed."""

    # Read-only in the protocol, so a concrete unit of work may hold narrower repository types.
    @property
    def bundles(self) -> Bundles: ...
    @property
    def histories(self) -> Histories: ...
    @property
    def incidents(self) -> Incidents: ...
    @property
    def tokens(self) -> ApiTokens: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
