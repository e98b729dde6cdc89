"""Queue indexes: (retracted, start, id) after the officer or kind and status, for index-only pages.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_start"))
        batch_op.drop_index(batch_op.f("ix_incidents_status_severity"))
        batch_op.create_index(
            "ix_incidents_kind_status_queue",
            ["kind", "status", "retracted", "start", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_incidents_officer_queue", ["officer_id", "retracted", "start", "id"], unique=False
        )
        batch_op.create_index("ix_incidents_queue", ["retracted", "start", "id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_queue")
        batch_op.drop_index("ix_incidents_officer_queue")
        batch_op.drop_index("ix_incidents_kind_status_queue")
        batch_op.create_index(
            batch_op.f("ix_incidents_status_severity"), ["status", "severity"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incidents_start"), ["start"], unique=False)
