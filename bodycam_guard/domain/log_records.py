"""Stored records as the integrity checks read them: each with the log leaf it is bound to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class LoggedSegment:
    """A stored media file's record: its hash, `file_seq`, chain value and log leaf."""

    id: int
    device_id: str
    bundle: str
    path: str
    sha256: str
    bytes: int
    file_seq: int | None
    chain: str | None
    """Hex chain value after it; None when it is not chained (late, or named by no event)."""
    leaf_index: int | None


@dataclass(frozen=True, slots=True)
class LoggedBundle:
    """A stored bundle's record: manifest and device-log hashes and their log leaves."""

    id: int
    name: str
    device_id: str
    station_id: str
    docked_at: datetime
    manifest_sha256: str
    log_path: str
    log_sha256: str
    log_bytes: int
    log_signature_sha256: str | None
    leaf_index: int | None
    log_leaf_index: int | None


@dataclass(frozen=True, slots=True)
class BlobRecord:
    """A blob some record points at: what it must hash to, and which record names it.

    `key` orders records for the fixity sweep: (kind, row id), kinds 0 media files,
    1 device logs, 2 manifests, 3 log signatures.
    """

    key: tuple[int, int]
    device_id: str
    sha256: str
    bytes: int | None
    label: str


@dataclass(frozen=True, slots=True)
class PublishedCheckpoint:
    """A checkpoint as kept: size, root, the signed note verbatim, when it was published."""

    size: int
    root: bytes
    note: str
    published_at: datetime
