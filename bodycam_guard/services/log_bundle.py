"""Use-case step: log one bundle being recorded, in the same transaction that records it.

Appends the bundle leaf, the device-log leaf and one leaf per received file a
`segment` event names (docs/transparency-log.md section 2), extends the device
chain, and binds each record to its leaf. If the transaction rolls back, none
of it happened: the log and the records never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bodycam_guard.domain.bundle_leaves import BundleFacts, NamedFile, plan_bundle_leaves
from bodycam_guard.domain.device_log import DeviceLog
from bodycam_guard.domain.manifest import Manifest
from bodycam_guard.domain.timeline import ReceivedFile
from bodycam_guard.services.ports import UnitOfWork


def named_files(log: DeviceLog, files: Sequence[ReceivedFile]) -> list[NamedFile]:
    """The received files a `segment` event names, with the `file_seq` it gives them."""
    file_seqs: dict[str, int] = {}
    for ev in log.events:
        path, file_seq = ev.str_field("file"), ev.int_field("file_seq")
        if ev.event == "segment" and path is not None and file_seq is not None:
            file_seqs[path] = file_seq
    return [
        NamedFile(file_seq=file_seqs[f.path], path=f.path, sha256=f.sha256, bytes=f.bytes)
        for f in files
        if f.path in file_seqs
    ]


def append_bundle_leaves(
    work: UnitOfWork,
    *,
    bundle: str,
    manifest: Manifest,
    manifest_sha256: str,
    log: DeviceLog,
    log_sha256: str,
    log_bytes: int,
    files: Sequence[ReceivedFile],
    at: datetime,
) -> list[int]:
    """Append the bundle's leaves and link its records to them; returns the leaf indexes."""
    facts = BundleFacts(
        device_id=manifest.device_id,
        bundle=bundle,
        manifest_sha256=manifest_sha256,
        station_id=manifest.station_id,
        docked_at=manifest.docked_at,
        log_sha256=log_sha256,
        log_bytes=log_bytes,
        first_seq=log.first_seq or 0,
        last_seq=log.last_seq or 0,
    )
    head = work.evidence.chain_head(manifest.device_id)
    planned = plan_bundle_leaves(facts, named_files(log, files), head)
    indexes = work.log.append([(leaf.type, leaf.data) for leaf in planned], at)
    work.evidence.link_bundle(
        manifest_sha256,
        leaf_index=indexes[0],
        log_leaf_index=indexes[1],
        files=[
            (leaf.path or "", index, leaf.chain.hex() if leaf.chain else None)
            for leaf, index in zip(planned[2:], indexes[2:], strict=True)
        ],
    )
    return indexes
