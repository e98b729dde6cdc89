"""Use case: fixity, re-hashing stored blobs against the records that name them.

`check_blob` is shared by `bodycam-guard verify` (every blob) and the daemon's
sweep (`sweep_fixity_slice`: the next slice of blobs at each turn, wrapping
around at the end), which raises an `integrity_failure` incident per failure.

NOTE (threat model): the hash is recomputed from the bytes on disk, never read
from anywhere the store could have been updated alongside; a blob replaced
together with its record is caught by the log checks, not by fixity.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.log_records import BlobRecord
from bodycam_guard.services.integrity_incidents import raise_integrity_failure
from bodycam_guard.services.ports import BlobStore, Clock, UnitOfWorkFactory
from bodycam_guard.services.verify_log import Failure

START = (0, 0)
"""The fixity cursor before the first blob."""


def check_blob(blobs: BlobStore, record: BlobRecord) -> Failure | None:
    """None when the stored blob hashes (and measures) as its record says."""
    path = blobs.path_of(record.sha256)
    try:
        with path.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        size = path.stat().st_size
    except FileNotFoundError:
        return Failure(f"blob {record.label}", f"stored as {record.sha256}", "missing")
    except OSError as exc:
        return Failure(f"blob {record.label}", "readable", repr(exc))
    if digest != record.sha256:
        return Failure(f"blob {record.label} sha256", record.sha256, digest)
    if record.bytes is not None and size != record.bytes:
        return Failure(f"blob {record.label} size", record.bytes, size)
    return None


@dataclass(slots=True)
class FixitySlice:
    """One sweep turn: how many blobs were re-hashed, what failed, where the next turn starts."""

    checked: int
    next_after: tuple[int, int]
    failures: list[Failure] = field(default_factory=list)
    new_incidents: int = 0


def sweep_fixity_slice(
    *,
    uow: UnitOfWorkFactory,
    blobs: BlobStore,
    clock: Clock,
    policy: DetectionPolicy,
    after: tuple[int, int] = START,
    limit: int,
) -> FixitySlice:
    """Re-hash up to `limit` blobs after cursor `after`; raise an incident per failure."""
    with uow() as work:
        records = work.evidence.blobs(after, limit)
    found = [(record, failure) for record in records if (failure := check_blob(blobs, record))]
    # A short slice means the end was reached: the next turn starts over.
    next_after = records[-1].key if len(records) == limit else START
    result = FixitySlice(checked=len(records), next_after=next_after)
    if found:
        at = clock()
        with uow() as work:
            for record, failure in found:
                result.failures.append(failure)
                result.new_incidents += raise_integrity_failure(
                    work,
                    device_id=record.device_id,
                    check="fixity",
                    subject=failure.subject,
                    expected=failure.expected,
                    found=failure.found,
                    policy=policy,
                    at=at,
                )
            work.commit()
    return result
