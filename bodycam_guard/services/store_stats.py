"""Use case: the totals the metrics page exports (read at scrape time, so every process agrees)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bodycam_guard.services.ports import UnitOfWork


class StoreStats(Protocol):
    """Aggregate counts over the stored records."""

    def bundles(self) -> int: ...
    def bytes_hashed(self) -> int: ...
    def incidents_by_kind(self) -> dict[tuple[str, str], int]: ...


class StatsUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with the stats repository."""

    @property
    def stats(self) -> StoreStats: ...


@dataclass(frozen=True, slots=True)
class StoreTotals:
    """What has been taken in, hashed and flagged so far."""

    bundles_ingested: int
    bundles_rejected: int
    bytes_hashed: int
    incidents: dict[tuple[str, str], int]


def store_totals(*, uow: Callable[[], StatsUnitOfWork], quarantine: Path) -> StoreTotals:
    """Totals now; rejected bundles are the folders in quarantine (each one kept whole)."""
    with uow() as work:
        bundles, hashed = work.stats.bundles(), work.stats.bytes_hashed()
        incidents = work.stats.incidents_by_kind()
    rejected = sum(1 for p in quarantine.iterdir() if p.is_dir()) if quarantine.is_dir() else 0
    return StoreTotals(
        bundles_ingested=bundles,
        bundles_rejected=rejected,
        bytes_hashed=hashed,
        incidents=incidents,
    )
