"""Use case: export a device's footage over a stretch of time as a BagIt evidence bag.

The bag's layout is docs/transparency-log.md section 7. A checkpoint is published
first (if the log grew, and timestamped with a TSA if the deployment has one: the
reply goes in as `checkpoint.tsr`), so the bag's tree head covers every exported leaf; all
inclusion proofs, and the consistency proofs from every earlier published
checkpoint, are folded from one read of the stored hashes.

Footage is chosen by the reference-clock interval its `segment` event claims
(device time corrected by `time_sync`, as incidents are timed), so exporting the
window of an incident gives exactly the footage around it.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from bodycam_guard.adapters.bag_writer import write_bag
from bodycam_guard.domain import checkpoint, merkle
from bodycam_guard.domain.errors import InputError
from bodycam_guard.domain.log_records import LoggedSegment
from bodycam_guard.domain.rfc3339 import format_rfc3339
from bodycam_guard.domain.timeline import DeviceHistory
from bodycam_guard.services.ports import BlobStore, Clock, LogSigner, UnitOfWork
from bodycam_guard.services.timestamp_checkpoints import publish_timestamped_checkpoint
from bodycam_guard.services.timestamp_ports import TimestampAuthority, TimestampUnitOfWorkFactory

_logger = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class ExportedBag:
    """Where the bag was written and what it holds."""

    bag: Path
    segments: int
    device_logs: int
    leaves: int
    checkpoint_size: int


def _safe(name: str) -> str:
    # BagIt percent-encodes some characters and validators disagree on them: keep names plain.
    return _UNSAFE.sub("_", PurePosixPath(name).name) or "file"


def _claimed_intervals(history: DeviceHistory) -> dict[tuple[str, str], tuple[datetime, datetime]]:
    """(bundle, file) -> reference-clock [start, end] that its `segment` event claims."""
    claimed = {}
    for logged in history.events:
        ev = logged.event
        path, start, end = ev.str_field("file"), ev.time_field("start"), ev.time_field("end")
        if ev.event == "segment" and path and start and end:
            claimed[(logged.bundle, path)] = (logged.to_reference(start), logged.to_reference(end))
    return claimed


def export_case(
    *,
    device_id: str,
    start: datetime,
    end: datetime,
    out: Path,
    uow: TimestampUnitOfWorkFactory,
    blobs: BlobStore,
    signer: LogSigner,
    clock: Clock,
    tsa: TimestampAuthority | None = None,
) -> ExportedBag:
    """Write the evidence bag of `device_id`'s footage overlapping [start, end] at `out`."""
    if start.tzinfo is None or end.tzinfo is None or end < start:
        raise InputError(
            f"expected aware times with from <= to, found {start!r} .. {end!r}", file="export"
        )
    head = publish_timestamped_checkpoint(uow=uow, signer=signer, clock=clock, tsa=tsa)
    with uow() as work:
        claimed = _claimed_intervals(work.histories.load(device_id))
        segments = work.evidence.segments(device_id)
        chosen = [
            s
            for s in segments
            if s.leaf_index is not None
            and s.leaf_index < head.size
            and (s.bundle, s.path) in claimed
            and claimed[(s.bundle, s.path)][0] <= end
            and claimed[(s.bundle, s.path)][1] >= start
        ]
        if not chosen:
            raise InputError(
                f"expected logged footage of {device_id} between {format_rfc3339(start)} and "
                f"{format_rfc3339(end)}, found none",
                file="export",
            )
        payload, leaf_indexes, log_count = _payload(work, device_id, chosen, blobs)
        tags = _tags(work, head.note, head.size, leaf_indexes)
        tags[f"chain/{device_id}.json"] = _chain(segments, chosen, head.size)
        stamp = work.timestamps.reply_for(size=head.size, note=head.note)
        if stamp is not None:  # RFC 3161 reply over the checkpoint's exact bytes
            tags["checkpoint.tsr"] = stamp
    info = {
        "Source-Organization": signer.name,
        "External-Identifier": f"{device_id} {format_rfc3339(start)}/{format_rfc3339(end)}",
        "External-Description": f"Footage of {device_id} with its transparency-log proofs",
        "Bag-Software-Agent": "bodycam-guard",
    }
    bag = write_bag(out, payload, tags, info, bagging_date=clock().date())
    _logger.info("exported %d segments of %s to %s", len(chosen), device_id, bag)
    return ExportedBag(bag, len(chosen), log_count, len(leaf_indexes), head.size)


def _payload(
    work: UnitOfWork, device_id: str, chosen: list[LoggedSegment], blobs: BlobStore
) -> tuple[list[tuple[str, Path]], list[int], int]:
    """Footage and the device logs of its bundles as payload; the leaves to prove."""
    payload = [
        (f"{device_id}/{s.leaf_index}-{_safe(s.path)}", blobs.path_of(s.sha256)) for s in chosen
    ]
    indexes = {s.leaf_index for s in chosen if s.leaf_index is not None}
    names = {s.bundle for s in chosen}
    logs = 0
    for b in work.evidence.bundles(device_id):
        if b.name not in names or b.log_leaf_index is None or b.leaf_index is None:
            continue
        payload.append(
            (f"{device_id}/{b.log_leaf_index}-{_safe(b.log_path)}", blobs.path_of(b.log_sha256))
        )
        indexes |= {b.log_leaf_index, b.leaf_index}  # the bundle leaf comes along for context
        logs += 1
    return payload, sorted(indexes), logs


def _tags(work: UnitOfWork, note: str, size: int, indexes: list[int]) -> dict[str, bytes]:
    """Checkpoint, leaves, inclusion proofs and consistency proofs, from one read of hashes."""
    olds = sorted({c.size for c in work.checkpoints.all() if 0 < c.size < size})
    inclusion = [merkle.inclusion_plan(index, size) for index in indexes]
    consistency = [merkle.consistency_plan(old, size) for old in olds]
    flat = [entry for plan in [*inclusion, *consistency] for entry in plan]
    hashes = iter(work.log.evaluate(flat))
    tags: dict[str, bytes] = {"checkpoint": note.encode()}
    for index, plan in zip(indexes, inclusion, strict=True):
        proof = [next(hashes) for _ in plan]
        leaf = work.log.leaf(index)
        if leaf is None:
            raise InputError(f"expected log leaf {index}, found none", file="export")
        tags[f"leaves/{index}.json"] = leaf
        tags[f"proofs/{index}.tlog-proof"] = checkpoint.format_tlog_proof(
            index, proof, note
        ).encode()
    for old, plan in zip(olds, consistency, strict=True):
        lines = "".join(base64.b64encode(next(hashes)).decode() + "\n" for _ in plan)
        tags[f"consistency/{old}-{size}.txt"] = lines.encode()
    return tags


def _chain(segments: list[LoggedSegment], chosen: list[LoggedSegment], size: int) -> bytes:
    """The device chain from its first segment up to the last exported one (in the bag's tree)."""
    chained = [s for s in segments if s.chain and s.leaf_index is not None and s.leaf_index < size]
    last = max((s.file_seq or 0 for s in chosen if s.chain), default=-1)
    entries = [
        {"file_seq": s.file_seq, "sha256": s.sha256, "chain": s.chain}
        for s in sorted(chained, key=lambda s: s.file_seq or 0)
        if (s.file_seq or 0) <= last
    ]
    return json.dumps(entries, indent=1).encode()
