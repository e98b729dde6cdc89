"""Totals over what is stored, for the metrics page: bundles, bytes hashed, incidents by kind."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bodycam_guard.adapters.db.tables import Bundle, IncidentRow, Segment


class SqlStoreStats:
    """Aggregate counts; cheap enough to run at every scrape (indexed or small tables)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def bundles(self) -> int:
        """Bundles ingested."""
        return int(self._s.scalar(select(func.count(Bundle.id))) or 0)

    def bytes_hashed(self) -> int:
        """Bytes of every stored media file and device log (each hashed once, while stored)."""
        media = self._s.scalar(select(func.coalesce(func.sum(Segment.bytes), 0))) or 0
        logs = self._s.scalar(select(func.coalesce(func.sum(Bundle.log_bytes), 0))) or 0
        return int(media) + int(logs)

    def incidents_by_kind(self) -> dict[tuple[str, str], int]:
        """Open (not retracted) incidents per (kind, status)."""
        rows = self._s.execute(
            select(IncidentRow.kind, IncidentRow.status, func.count())
            .where(IncidentRow.retracted.is_(False))
            .group_by(IncidentRow.kind, IncidentRow.status)
        )
        return {(kind, status): int(n) for kind, status, n in rows}
