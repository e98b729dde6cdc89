"""The database tables (SQLAlchemy 2 typed mappings); Alembic migrations create them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from bodycam_guard.adapters.db.types import UTCDateTime

UTC = Annotated[datetime, mapped_column(UTCDateTime())]
Sha256Hex = Annotated[str, mapped_column(String(64))]
Json = Annotated[dict[str, Any], mapped_column(JSON)]
# A 64-bit integer that is SQLite's rowid when it is the primary key (fast appends).
LogIndex = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Declarative base with the project's column types."""

    type_annotation_map = {datetime: UTCDateTime()}  # noqa: RUF012


class Device(Base):
    """A body camera, known by the id it writes into its manifests."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen_at: Mapped[UTC]


class Officer(Base):
    """An officer, known from `undock` events (and later from rosters)."""

    __tablename__ = "officers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen_at: Mapped[UTC]


class Station(Base):
    """A dock station in a precinct."""

    __tablename__ = "stations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    first_seen_at: Mapped[UTC]


def ensure_known(
    session: Session, model: type[Device | Officer | Station], key: str, at: datetime
) -> None:
    """Record a device, officer or station the first time it is seen; later sightings change nothing."""
    if session.get(model, key) is None:
        session.add(model(id=key, first_seen_at=at))
        session.flush()


class Bundle(Base):
    """One docking's upload: its manifest and device log, stored write-once."""

    __tablename__ = "bundles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    station_id: Mapped[str] = mapped_column(ForeignKey("stations.id"))
    docked_at: Mapped[UTC]
    manifest_sha256: Mapped[Sha256Hex] = mapped_column(unique=True)
    log_path: Mapped[str] = mapped_column(String(512))
    log_sha256: Mapped[Sha256Hex]
    log_listed_sha256: Mapped[Sha256Hex]
    log_bytes: Mapped[int] = mapped_column(BigInteger)
    log_signature_sha256: Mapped[str | None] = mapped_column(String(64))
    """The stored `<log>.sig` blob, when the station brought one."""
    ingested_at: Mapped[UTC]
    signature_status: Mapped[str] = mapped_column(
        String(16), default="unchecked", server_default="unchecked"
    )
    """The device signature over the log: valid, missing, invalid, or unchecked (no key)."""
    detected: Mapped[bool] = mapped_column(default=False)
    """False until detection has run over this bundle's device after it was stored."""
    leaf_index: Mapped[int | None] = mapped_column(BigInteger)
    """The bundle's `bundle` leaf in the transparency log."""
    runs_built: Mapped[bool] = mapped_column(default=True, server_default=false())
    """Its routine segment runs are summarised (`segment_runs`); False for bundles stored before."""
    log_leaf_index: Mapped[int | None] = mapped_column(BigInteger)
    """The `device_log` leaf of its device log file."""


class Segment(Base):
    """A received media file, stored write-once, with the timing facts its packets show."""

    __tablename__ = "segments"
    __table_args__ = (
        UniqueConstraint("bundle_id", "path"),
        # Incremental detection finds a file by name across bundles (a late file).
        Index("ix_segments_device_path", "device_id", "path"),
        # Re-detection reads the files outside runs of routine footage: few.
        Index(
            "ix_segments_outside_runs",
            "device_id",
            sqlite_where=text("run_id IS NULL"),
            postgresql_where=text("run_id IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    path: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[Sha256Hex] = mapped_column(index=True)
    listed_sha256: Mapped[Sha256Hex]
    bytes: Mapped[int] = mapped_column(BigInteger)
    file_seq: Mapped[int | None]
    container: Mapped[str | None] = mapped_column(String(64))
    creation_time: Mapped[datetime | None]
    span_s: Mapped[float | None]
    declared_duration_s: Mapped[float | None]
    jumps: Mapped[list[list[float]] | None] = mapped_column(JSON)
    video_packets: Mapped[int | None]
    audio_packets: Mapped[int | None]
    media_error: Mapped[str | None] = mapped_column(String(1000))
    chain: Mapped[str | None] = mapped_column(String(64))
    """The device chain value after this segment (hex); None when not chained (late file)."""
    leaf_index: Mapped[int | None] = mapped_column(BigInteger, index=True, unique=True)
    """Its `segment` or `late_segment` leaf; None for a file no `segment` event names."""
    run_id: Mapped[int | None]
    """The run of routine footage it belongs to, if any."""


class NameClashRow(Base):
    """A file name of a device that two lines name, or two stored files carry: never routine footage.

    Written as bundles are stored, so detection reads the few clashes, not every name.
    """

    __tablename__ = "name_clashes"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    path: Mapped[str] = mapped_column(String(512), primary_key=True)


class SegmentRunRow(Base):
    """A run of routine footage in one bundle (`domain.segment_runs`), summarised when stored."""

    __tablename__ = "segment_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), index=True)
    first_line: Mapped[int]
    last_line: Mapped[int]
    seq_lo: Mapped[int] = mapped_column(BigInteger)
    seq_hi: Mapped[int] = mapped_column(BigInteger)
    file_seq_lo: Mapped[int] = mapped_column(BigInteger)
    file_seq_hi: Mapped[int] = mapped_column(BigInteger)
    start_us: Mapped[int] = mapped_column(BigInteger)
    end_us: Mapped[int] = mapped_column(BigInteger)
    max_shortfall_us: Mapped[int] = mapped_column(BigInteger)
    max_hole_us: Mapped[int] = mapped_column(BigInteger)


class DeviceEventRow(Base):
    """One line of a device log, as received (device clock; the detector corrects it)."""

    __tablename__ = "device_events"
    __table_args__ = (
        UniqueConstraint("bundle_id", "line"),
        Index("ix_device_events_device_seq", "device_id", "seq"),
        # Incremental detection reads a device's log by range: time, file counter, file name,
        # and the few time_sync lines whose offsets carry from one bundle to the next.
        Index("ix_device_events_device_ts", "device_id", "ts"),
        Index(
            "ix_device_events_device_file_seq",
            "device_id",
            "file_seq",
            sqlite_where=text("file_seq IS NOT NULL"),
            postgresql_where=text("file_seq IS NOT NULL"),
        ),
        Index(
            "ix_device_events_device_file",
            "device_id",
            "file",
            sqlite_where=text("file IS NOT NULL"),
            postgresql_where=text("file IS NOT NULL"),
        ),
        # Re-detection reads every line but the segment lines: a few per shift.
        Index(
            "ix_device_events_other_lines",
            "device_id",
            "bundle_id",
            "line",
            "seq",
            "event",
            sqlite_where=text("event <> 'segment'"),
            postgresql_where=text("event <> 'segment'"),
        ),
        Index(
            "ix_device_events_segments_outside_runs",
            "device_id",
            sqlite_where=text("event = 'segment' AND run_id IS NULL"),
            postgresql_where=text("event = 'segment' AND run_id IS NULL"),
        ),
        Index(
            "ix_device_events_deletes",
            "device_id",
            "file",
            "file_seq",
            sqlite_where=text("event = 'delete'"),
            postgresql_where=text("event = 'delete'"),
        ),
        Index(
            "ix_device_events_time_sync",
            "device_id",
            sqlite_where=text("event = 'time_sync'"),
            postgresql_where=text("event = 'time_sync'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    line: Mapped[int]
    seq: Mapped[int] = mapped_column(BigInteger)
    ts: Mapped[UTC]
    event: Mapped[str] = mapped_column(String(64))
    fields: Mapped[Json]
    file: Mapped[str | None] = mapped_column(String(512))
    """The file a `segment` or `delete` line names (copied from `fields`, to be indexed)."""
    file_seq: Mapped[int | None] = mapped_column(BigInteger)
    """The file counter a `segment` or `delete` line names (copied from `fields`)."""
    start_us: Mapped[int | None] = mapped_column(BigInteger)
    """A `segment` line's `start`: device clock, microseconds since the Unix epoch."""
    end_us: Mapped[int | None] = mapped_column(BigInteger)
    """A `segment` line's `end`, likewise."""
    run_id: Mapped[int | None]
    """The run of routine footage this `segment` line belongs to, if any."""


class IncidentRow(Base):
    """A flagged fact for a supervisor, with its review status."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_device_kind", "device_id", "kind"),
        # Incremental detection reconciles one device's incidents over a stretch of time.
        Index("ix_incidents_device_start", "device_id", "start"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    officer_id: Mapped[str | None] = mapped_column(String(64), index=True)
    start: Mapped[datetime | None]
    end: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="open")
    evidence: Mapped[Json]
    first_detected_at: Mapped[UTC]
    last_detected_at: Mapped[UTC]
    retracted: Mapped[bool] = mapped_column(default=False)
    """True when newer data shows the fact no longer holds (a late file arrived); kept, not deleted."""


class ApiToken(Base):
    """A bearer token for a station or a script; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_sha256: Mapped[Sha256Hex] = mapped_column(unique=True)
    created_at: Mapped[UTC]


class LogLeaf(Base):
    """One transparency-log leaf: its exact bytes, never updated or deleted."""

    __tablename__ = "log_leaves"
    index: Mapped[int] = mapped_column(LogIndex, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    type: Mapped[str] = mapped_column(String(16))
    appended_at: Mapped[UTC]


class LogNode(Base):
    """The hash of one complete subtree of the log, at `(level, index)`; level 0 = leaf hashes."""

    __tablename__ = "log_nodes"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class CheckpointRow(Base):
    """A signed checkpoint as published; every one is kept, so old ones can be re-checked."""

    __tablename__ = "checkpoints"
    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, index=True)
    root: Mapped[Sha256Hex]
    note: Mapped[str] = mapped_column(Text)
    """The C2SP signed note, verbatim."""
    published_at: Mapped[UTC]


class CheckpointTimestampRow(Base):
    """One request to the time-stamping authority for a checkpoint: its checked reply, or why not.

    Rows are only inserted: a checkpoint is timestamped once a row holds its `reply`.
    """

    __tablename__ = "checkpoint_timestamps"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    tsa_url: Mapped[str] = mapped_column(String(2048))
    attempted_at: Mapped[UTC]
    reply: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The DER TimeStampResp as received (status granted, with its token), once checked."""
    gen_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """The token's genTime."""
    error: Mapped[str | None] = mapped_column(Text)
    """Why there is no reply (unreachable, refused, or a reply that failed a check)."""
