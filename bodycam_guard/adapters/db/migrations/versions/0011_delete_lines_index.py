"""The few `delete` lines of a device get an index of their own.

Re-detection reads every `delete` line of a batch of devices (what they name makes
footage not routine). Without this partial index the database walks a device's
file-counter index, one entry per file, to find them.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_index(
        "ix_device_events_deletes",
        "device_events",
        ["device_id", "file", "file_seq"],
        unique=False,
        sqlite_where=sa.text("event = 'delete'"),
        postgresql_where=sa.text("event = 'delete'"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_device_events_deletes", table_name="device_events")
