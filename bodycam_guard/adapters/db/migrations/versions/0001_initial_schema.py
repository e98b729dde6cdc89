"""Initial schema: devices, officers, stations, bundles, segments, device events, incidents, API tokens.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bodycam_guard.adapters.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "officers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "stations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "bundles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("docked_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("log_path", sa.String(length=512), nullable=False),
        sa.Column("log_sha256", sa.String(length=64), nullable=False),
        sa.Column("log_listed_sha256", sa.String(length=64), nullable=False),
        sa.Column("log_bytes", sa.BigInteger(), nullable=False),
        sa.Column("log_signature_sha256", sa.String(length=64), nullable=True),
        sa.Column("ingested_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("detected", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("manifest_sha256"),
    )
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bundles_device_id"), ["device_id"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.String(length=64), nullable=True),
        sa.Column("start", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=True),
        sa.Column("end", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column(
            "first_detected_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False
        ),
        sa.Column(
            "last_detected_at", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False
        ),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index("ix_incidents_device_kind", ["device_id", "kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_officer_id"), ["officer_id"], unique=False)

    op.create_table(
        "device_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("ts", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bundle_id"],
            ["bundles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id", "line"),
    )
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.create_index("ix_device_events_device_seq", ["device_id", "seq"], unique=False)

    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bundle_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("listed_sha256", sa.String(length=64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("file_seq", sa.Integer(), nullable=True),
        sa.Column("container", sa.String(length=64), nullable=True),
        sa.Column("creation_time", bodycam_guard.adapters.db.types.UTCDateTime(), nullable=True),
        sa.Column("span_s", sa.Double(), nullable=True),
        sa.Column("declared_duration_s", sa.Double(), nullable=True),
        sa.Column("jumps", sa.JSON(), nullable=True),
        sa.Column("video_packets", sa.Integer(), nullable=True),
        sa.Column("audio_packets", sa.Integer(), nullable=True),
        sa.Column("media_error", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["bundle_id"],
            ["bundles.id"],
        ),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bundle_id", "path"),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_segments_bundle_id"), ["bundle_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_segments_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_segments_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segments_sha256"))
        batch_op.drop_index(batch_op.f("ix_segments_device_id"))
        batch_op.drop_index(batch_op.f("ix_segments_bundle_id"))

    op.drop_table("segments")
    with op.batch_alter_table("device_events", schema=None) as batch_op:
        batch_op.drop_index("ix_device_events_device_seq")

    op.drop_table("device_events")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_officer_id"))
        batch_op.drop_index("ix_incidents_device_kind")

    op.drop_table("incidents")
    with op.batch_alter_table("bundles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bundles_device_id"))

    op.drop_table("bundles")
    op.drop_table("stations")
    op.drop_table("officers")
    op.drop_table("devices")
    op.drop_table("api_tokens")
