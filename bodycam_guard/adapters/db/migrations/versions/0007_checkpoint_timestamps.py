"""RFC 3161 timestamps of checkpoints: one row per request to the TSA, with its checked reply.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bodycam_guard.adapters.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "checkpoint_timestamps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("tsa_url", sa.String(length=2048), nullable=False),
        sa.Column("attempted_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("reply", sa.LargeBinary(), nullable=True),
        sa.Column("gen_time", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["checkpoint_id"], ["checkpoints.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checkpoint_timestamps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checkpoint_timestamps_checkpoint_id"), ["checkpoint_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("checkpoint_timestamps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checkpoint_timestamps_checkpoint_id"))
    op.drop_table("checkpoint_timestamps")
