"""Which log leaves one ingested dock bundle adds, and how it extends its device's chain.

Order: the bundle leaf, the device-log leaf, then one leaf per received file
that a `segment` event names, in `file_seq` order. A file whose `file_seq` is
above the device's chain head extends the chain (`segment` leaf). A *late* file
(its `file_seq` at or below the head: it arrived after later footage was
already chained, or repeats a number) cannot be placed without rewriting every
later chain value, which is never done; it is logged as a `late_segment` leaf
that names the chain value it arrived after, and the chain goes on unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bodycam_guard.domain import hash_chain, log_leaves


@dataclass(frozen=True, slots=True)
class ChainHead:
    """A device chain's newest value and the `file_seq` it was computed for."""

    file_seq: int
    chain: bytes


@dataclass(frozen=True, slots=True)
class NamedFile:
    """A stored file of the bundle that a `segment` event names, with its `file_seq`."""

    file_seq: int
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True, slots=True)
class PlannedLeaf:
    """A leaf to append: its type and bytes; for files, the path and (if chained) chain value."""

    type: str
    data: bytes
    path: str | None = None
    chain: bytes | None = None


@dataclass(frozen=True, slots=True)
class BundleFacts:
    """What the bundle and device-log leaves record."""

    device_id: str
    bundle: str
    manifest_sha256: str
    station_id: str
    docked_at: datetime
    log_sha256: str
    log_bytes: int
    first_seq: int
    last_seq: int


def plan_bundle_leaves(
    facts: BundleFacts, files: Sequence[NamedFile], head: ChainHead | None
) -> list[PlannedLeaf]:
    """The leaves for one bundle, in append order; late files stay out of the chain."""
    planned = [
        PlannedLeaf(
            "bundle",
            log_leaves.bundle_leaf(
                device_id=facts.device_id,
                bundle=facts.bundle,
                manifest_sha256_hex=facts.manifest_sha256,
                station_id=facts.station_id,
                docked_at=facts.docked_at,
            ),
        ),
        PlannedLeaf(
            "device_log",
            log_leaves.device_log_leaf(
                device_id=facts.device_id,
                bundle=facts.bundle,
                sha256_hex=facts.log_sha256,
                bytes=facts.log_bytes,
                first_seq=facts.first_seq,
                last_seq=facts.last_seq,
            ),
        ),
    ]
    chain = head.chain if head else hash_chain.CHAIN_START
    last_seq = head.file_seq if head else -1
    for f in sorted(files, key=lambda f: (f.file_seq, f.path)):
        if f.file_seq > last_seq:
            chain = hash_chain.extend(chain, facts.device_id, f.file_seq, bytes.fromhex(f.sha256))
            last_seq = f.file_seq
            leaf = log_leaves.segment_leaf(
                device_id=facts.device_id,
                file_seq=f.file_seq,
                path=f.path,
                sha256_hex=f.sha256,
                bytes=f.bytes,
                chain_hex=chain.hex(),
                bundle=facts.bundle,
            )
            planned.append(PlannedLeaf("segment", leaf, f.path, chain))
        else:
            leaf = log_leaves.late_segment_leaf(
                device_id=facts.device_id,
                file_seq=f.file_seq,
                path=f.path,
                sha256_hex=f.sha256,
                bytes=f.bytes,
                after_chain_hex=chain.hex(),
                bundle=facts.bundle,
            )
            planned.append(PlannedLeaf("late_segment", leaf, f.path, None))
    return planned
