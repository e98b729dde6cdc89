"""RFC 3161 timestamps of kept checkpoints, in `checkpoint_timestamps` (insert-only).

Each request to the TSA leaves one row: the checked reply, or the error. A
checkpoint is timestamped once one of its rows holds a reply; the first such
row is its timestamp. Checkpoint rows themselves are never touched.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

from bodycam_guard.adapters.db.tables import CheckpointRow, CheckpointTimestampRow
from bodycam_guard.domain.timestamps import PendingCheckpoint, TimestampGrant

_Stamp = CheckpointTimestampRow


def _has_reply() -> Exists:
    """The checkpoint row in the enclosing query has a kept reply."""
    return exists().where(_Stamp.checkpoint_id == CheckpointRow.id, _Stamp.reply.is_not(None))


class SqlCheckpointTimestamps:
    """Timestamp requests and replies per checkpoint."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def pending(self, limit: int) -> list[PendingCheckpoint]:
        """Up to `limit` checkpoints without a timestamp, newest first."""
        stamped = _has_reply()
        rows = self._s.execute(
            select(CheckpointRow.id, CheckpointRow.size, CheckpointRow.note)
            .where(~stamped)
            .order_by(CheckpointRow.id.desc())
            .limit(limit)
        )
        return [PendingCheckpoint(int(i), int(size), str(note)) for i, size, note in rows]

    def count_pending(self) -> int:
        """How many checkpoints have no timestamp."""
        stamped = _has_reply()
        return int(
            self._s.scalar(select(func.count()).select_from(CheckpointRow).where(~stamped)) or 0
        )

    def add_grant(
        self, checkpoint_id: int, grant: TimestampGrant, *, tsa_url: str, at: datetime
    ) -> None:
        """Keep a checked reply for a checkpoint."""
        self._s.add(
            _Stamp(
                checkpoint_id=checkpoint_id,
                tsa_url=tsa_url,
                attempted_at=at,
                reply=grant.reply,
                gen_time=grant.gen_time,
            )
        )
        self._s.flush()

    def add_failure(self, checkpoint_id: int, error: str, *, tsa_url: str, at: datetime) -> None:
        """Record a request that gave no usable reply."""
        self._s.add(
            _Stamp(checkpoint_id=checkpoint_id, tsa_url=tsa_url, attempted_at=at, error=error)
        )
        self._s.flush()

    def failures(self) -> int:
        """How many requests gave no usable reply, ever."""
        query = select(func.count()).select_from(_Stamp).where(_Stamp.reply.is_(None))
        return int(self._s.scalar(query) or 0)

    def reply_for(self, *, size: int | None = None, note: str | None = None) -> bytes | None:
        """The reply timestamping the latest checkpoint (of `size`, or with exactly `note`)."""
        query = select(CheckpointRow.id)
        if size is not None:
            query = query.where(CheckpointRow.size == size)
        if note is not None:
            query = query.where(CheckpointRow.note == note)
        checkpoint_id = self._s.scalar(
            query.order_by(CheckpointRow.size.desc(), CheckpointRow.id.desc()).limit(1)
        )
        if checkpoint_id is None:
            return None
        return self._s.scalar(
            select(_Stamp.reply)
            .where(_Stamp.checkpoint_id == checkpoint_id, _Stamp.reply.is_not(None))
            .order_by(_Stamp.id)
            .limit(1)
        )
