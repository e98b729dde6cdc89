"""Range reads for incremental detection: file and file counter of log lines, and their indexes.

`segment` and `delete` lines get their `file` and `file_seq` copied out of `fields`
(backfilled here) so a late file, a delete or a file-counter neighbour in another
bundle is found by an index, not by scanning the device's log. Device events are
also indexed by (device, time), time_sync lines on their own, segments by (device,
path) and incidents by (device, start).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 10_000


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file", sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column("file_seq", sa.BigInteger(), nullable=True))
    _backfill_files()
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.create_index("ix_device_events_device_ts", ["device_id", "ts"], unique=False)
        batch_op.create_index(
            "ix_device_events_device_file_seq",
            ["device_id", "file_seq"],
            unique=False,
            sqlite_where=sa.text("file_seq IS NOT NULL"),
            postgresql_where=sa.text("file_seq IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_device_events_device_file",
            ["device_id", "file"],
            unique=False,
            sqlite_where=sa.text("file IS NOT NULL"),
            postgresql_where=sa.text("file IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_device_events_time_sync",
            ["device_id"],
            unique=False,
            sqlite_where=sa.text("event = 'time_sync'"),
            postgresql_where=sa.text("event = 'time_sync'"),
        )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index("ix_segments_device_path", ["device_id", "path"], unique=False)
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_device_start", ["device_id", "start"], unique=False)


def _backfill_files() -> None:
    """Copy `file` and `file_seq` out of the fields of every stored segment and delete line."""
    events = sa.table(
        "device_events",
        sa.column("id", sa.Integer()),
        sa.column("event", sa.String()),
        sa.column("fields", sa.JSON()),
        sa.column("file", sa.String()),
        sa.column("file_seq", sa.BigInteger()),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(events.c.id, events.c.fields)
            .where(events.c.event.in_(("segment", "delete")), events.c.id > last)
            .order_by(events.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(
            events.update()
            .where(events.c.id == sa.bindparam("row_id"))
            .values(file=sa.bindparam("new_file"), file_seq=sa.bindparam("new_file_seq")),
            [_named(row_id, fields) for row_id, fields in rows],
        )
        last = rows[-1][0]


def _named(row_id: int, fields: Any) -> dict[str, Any]:
    # Same reading as DeviceEvent.str_field / int_field: anything of another type is absent.
    values = json.loads(fields) if isinstance(fields, str) else fields
    file, seq = values.get("file"), values.get("file_seq")
    return {
        "row_id": row_id,
        "new_file": file if isinstance(file, str) else None,
        "new_file_seq": seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
    }


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_device_start")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("ix_segments_device_path")
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.drop_index("ix_device_events_time_sync")
        batch_op.drop_index("ix_device_events_device_file")
        batch_op.drop_index("ix_device_events_device_file_seq")
        batch_op.drop_index("ix_device_events_device_ts")
        batch_op.drop_column("file_seq")
        batch_op.drop_column("file")
