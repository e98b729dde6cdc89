"""Trusted time for checkpoints: RFC 3161 timestamps of the exact signed-note bytes.

A time-stamping authority (TSA) signs "this SHA-256 digest existed at this
time". Asked for the digest of a signed checkpoint, its reply dates the whole
log prefix the checkpoint commits to, independently of the server's clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bodycam_guard.domain.errors import BodycamGuardError

TIMESTAMP_REPLY_TYPE = "application/timestamp-reply"
"""Media type of a DER TimeStampResp (RFC 3161 section 3.4)."""


class TimestampError(BodycamGuardError):
    """The time-stamping authority could not be reached, or its reply was refused."""


@dataclass(frozen=True, slots=True)
class TimestampGrant:
    """A checked reply of a TSA: the DER TimeStampResp as received, and what it states."""

    reply: bytes
    """The DER TimeStampResp (status granted, with its TimeStampToken), byte for byte."""
    gen_time: datetime
    """The time the TSA put in the token (genTime), aware UTC."""
    serial: int
    """The token's serial number at that TSA."""


@dataclass(frozen=True, slots=True)
class PendingCheckpoint:
    """A kept checkpoint that has no timestamp yet."""

    checkpoint_id: int
    size: int
    note: str


@dataclass(frozen=True, slots=True)
class TimestampRun:
    """What one pass over untimestamped checkpoints did."""

    stamped: int
    failed: int
    pending: int
    """Checkpoints still without a timestamp after the pass."""
