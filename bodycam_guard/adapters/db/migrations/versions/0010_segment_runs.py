"""Runs of routine footage: each bundle's consecutive routine segments summarised in one row.

Re-detection reads a run instead of its lines and files (`domain.segment_runs`).
`name_clashes` keeps the file names of a device that two lines name or two stored
files carry (backfilled here), so detection need not group every name to find them.
Bundles stored before this revision are marked `runs_built = false`; detection
summarises them the first time it reads them (nothing is lost meanwhile: a bundle
without runs is read line by line).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "segment_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("first_line", sa.Integer(), nullable=False),
        sa.Column("last_line", sa.Integer(), nullable=False),
        sa.Column("seq_lo", sa.BigInteger(), nullable=False),
        sa.Column("seq_hi", sa.BigInteger(), nullable=False),
        sa.Column("file_seq_lo", sa.BigInteger(), nullable=False),
        sa.Column("file_seq_hi", sa.BigInteger(), nullable=False),
        sa.Column("start_us", sa.BigInteger(), nullable=False),
        sa.Column("end_us", sa.BigInteger(), nullable=False),
        sa.Column("max_shortfall_us", sa.BigInteger(), nullable=False),
        sa.Column("max_hole_us", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["bundle_id"], ["bundles.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("segment_runs", schema=None) as batch_op:
        batch_op.create_index("ix_segment_runs_bundle_id", ["bundle_id"], unique=False)
        batch_op.create_index("ix_segment_runs_device_id", ["device_id"], unique=False)
    op.create_table(
        "name_clashes",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint("device_id", "path"),
    )
    # The clashes already stored: names two lines give, or two stored files carry.
    op.execute(
        "INSERT INTO name_clashes (device_id, path)"
        " SELECT device_id, file FROM device_events WHERE file IS NOT NULL"
        " GROUP BY device_id, file HAVING count(*) > 1"
        " UNION"
        " SELECT device_id, path FROM segments GROUP BY device_id, path HAVING count(*) > 1"
    )
    # Plain ALTER TABLE ADD COLUMN: no table copy on SQLite, whose copy would drop a table
    # other tables' foreign keys point at.
    op.add_column(
        "bundles", sa.Column("runs_built", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("device_events", sa.Column("run_id", sa.Integer(), nullable=True))
    op.add_column("segments", sa.Column("run_id", sa.Integer(), nullable=True))
    # Only the rows outside runs are indexed by it: an index on run_id itself would tempt the
    # planner into reading every row of a store whose older bundles have no runs yet.
    op.create_index(
        "ix_device_events_segments_outside_runs",
        "device_events",
        ["device_id"],
        unique=False,
        sqlite_where=sa.text("event = 'segment' AND run_id IS NULL"),
        postgresql_where=sa.text("event = 'segment' AND run_id IS NULL"),
    )
    op.create_index(
        "ix_segments_outside_runs",
        "segments",
        ["device_id"],
        unique=False,
        sqlite_where=sa.text("run_id IS NULL"),
        postgresql_where=sa.text("run_id IS NULL"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_segments_outside_runs", table_name="segments")
    op.drop_index("ix_device_events_segments_outside_runs", table_name="device_events")
    # ALTER TABLE DROP COLUMN (SQLite 3.35+): no table copy, as in upgrade.
    op.drop_column("segments", "run_id")
    op.drop_column("device_events", "run_id")
    op.drop_column("bundles", "runs_built")
    op.drop_table("segment_runs")
    op.drop_table("name_clashes")
