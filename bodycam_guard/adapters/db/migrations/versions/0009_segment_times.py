"""Segment lines carry their start and end as integers, so a region is re-judged column-wise.

A `segment` line's `start` and `end` (device clock, RFC 3339 in `fields`) are copied
out as microseconds since the Unix epoch (backfilled here with the same parser ingest
uses), so re-detection of a whole region reads them as numbers, not as text to parse.
The lines that are not `segment` lines (a few per shift) get a covering index of their
own: re-detection reads them all, and would otherwise scan every segment line too.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from bodycam_guard.domain.device_log import epoch_us
from bodycam_guard.domain.rfc3339 import parse_rfc3339

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_BATCH = 10_000


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_us", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("end_us", sa.BigInteger(), nullable=True))
    _backfill_times()
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_device_events_other_lines",
            ["device_id", "bundle_id", "line", "seq", "event"],
            unique=False,
            sqlite_where=sa.text("event <> 'segment'"),
            postgresql_where=sa.text("event <> 'segment'"),
        )


def _backfill_times() -> None:
    events = sa.table(
        "device_events",
        sa.column("id", sa.Integer()),
        sa.column("event", sa.String()),
        sa.column("fields", sa.JSON()),
        sa.column("start_us", sa.BigInteger()),
        sa.column("end_us", sa.BigInteger()),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.fields)
            .where(events.c.event == "segment", events.c.id > last)
            .order_by(events.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            events.update()
            .where(events.c.id == sa.bindparam("row_id"))
            .values(start_us=sa.bindparam("new_start"), end_us=sa.bindparam("new_end")),
            [_times(row_id, fields) for row_id, fields in rows],
        )
        last = rows[-1][0]


def _times(row_id: int, fields: Any) -> dict[str, Any]:
    # Same reading as DeviceEvent.time_field: a value that is not text is absent.
    values = json.loads(fields) if isinstance(fields, str) else fields
    start, end = values.get("start"), values.get("end")
    return {
        "row_id": row_id,
        "new_start": epoch_us(parse_rfc3339(start)) if isinstance(start, str) else None,
        "new_end": epoch_us(parse_rfc3339(end)) if isinstance(end, str) else None,
    }


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.drop_index("ix_device_events_other_lines")
        batch_op.drop_column("end_us")
        batch_op.drop_column("start_us")
