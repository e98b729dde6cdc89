"""Device keys, the log signature status of each bundle, and duty rosters.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bodycam_guard.adapters.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "rostered_duties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("start", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("end", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("imported_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("officer_id", "start"),
    )
    with op.batch_alter_table("rostered_duties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rostered_duties_device_id"), ["device_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_rostered_duties_officer_id"), ["officer_id"], unique=False
        )

    op.create_table(
        "device_keys",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("public_key_hex", sa.String(length=64), nullable=False),
        sa.Column("registered_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
        ),
        sa.PrimaryKeyConstraint("device_id"),
    )
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "signature_status", sa.String(length=16), server_default="unchecked", nullable=False
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.drop_column("signature_status")

    op.drop_table("device_keys")
    with op.batch_alter_table("rostered_duties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rostered_duties_officer_id"))
        batch_op.drop_index(batch_op.f("ix_rostered_duties_device_id"))

    op.drop_table("rostered_duties")
