"""The queue index carries the officer, so a supervisor's unit-scoped page reads index entries only.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_queue")
        batch_op.create_index(
            "ix_incidents_queue", ["retracted", "start", "id", "officer_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_queue")
        batch_op.create_index("ix_incidents_queue", ["retracted", "start", "id"], unique=False)
