"""What timestamping checkpoints needs beyond the core ports: a TSA and where its replies are kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bodycam_guard.domain.timestamps import PendingCheckpoint, TimestampGrant
from bodycam_guard.services.ports import UnitOfWork


class TimestampAuthority(Protocol):
    """An RFC 3161 time-stamping authority; `stamp` raises TimestampError when there is no grant."""

    @property
    def url(self) -> str: ...
    def stamp(self, data: bytes) -> TimestampGrant: ...


class CheckpointTimestamps(Protocol):
    """Requests to the TSA per checkpoint, and the checked replies."""

    def pending(self, limit: int) -> list[PendingCheckpoint]: ...
    def count_pending(self) -> int: ...
    def add_grant(
        self, checkpoint_id: int, grant: TimestampGrant, *, tsa_url: str, at: datetime
    ) -> None: ...
    def add_failure(
        self, checkpoint_id: int, error: str, *, tsa_url: str, at: datetime
    ) -> None: ...
    def failures(self) -> int: ...
    def reply_for(self, *, size: int | None = None, note: str | None = None) -> bytes | None: ...


class TimestampUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also holds checkpoint timestamps."""

    @property
    def timestamps(self) -> CheckpointTimestamps: ...


TimestampUnitOfWorkFactory = Callable[[], TimestampUnitOfWork]
