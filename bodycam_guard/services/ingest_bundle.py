"""Use case: take one complete dock bundle into the write-once store, then detect.

Order matters for crash safety: every blob is stored (hashed while copied,
renamed into place) before the database records that point at it are
committed; the bundle's folder is left where it is until then. A crash at any
point leaves either nothing recorded (the next run starts again and reuses the
blobs already stored) or a recorded bundle not yet detected (the next run
finishes detection first).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bodycam_guard.adapters.bundle_folder import BundleFolder, open_bundle
from bodycam_guard.adapters.device_keys import check_log_signature
from bodycam_guard.domain.device_log import LogProblemsError, parse_device_log
from bodycam_guard.domain.errors import BundleRejectedError, MediaUnreadableError
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.timeline import ReceivedFile
from bodycam_guard.services.detect import DetectionReport
from bodycam_guard.services.detect_upload import detect_after_upload
from bodycam_guard.services.log_bundle import append_bundle_leaves
from bodycam_guard.services.ports import (
    BlobStore,
    Clock,
    LogSigner,
    MediaProbe,
    UnitOfWorkFactory,
)
from bodycam_guard.services.publish_checkpoint import publish_checkpoint

_logger = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestOutcome:
    """What became of one bundle."""

    bundle: str
    device_id: str
    already_ingested: bool = False
    files: int = 0
    bytes: int = 0
    unreadable: list[str] = field(default_factory=list)
    detection: DetectionReport | None = None


def ingest_bundle(
    folder: Path,
    *,
    uow: UnitOfWorkFactory,
    blobs: BlobStore,
    probe: MediaProbe,
    clock: Clock,
    policy: DetectionPolicy,
    on_bytes: Callable[[int], None] | None = None,
    signer: LogSigner | None = None,
) -> IngestOutcome:
    """Validate, store, record and log one bundle, then detect what it changes; raise BundleRejectedError if invalid.

    With a `signer`, a checkpoint covering the bundle's leaves is published once it is recorded.
    """
    bundle = open_bundle(folder)
    manifest = bundle.manifest
    log_bytes = bundle.path_of(manifest.log.path).read_bytes()
    try:
        log = parse_device_log(log_bytes, file=manifest.log.path)
    except LogProblemsError as exc:
        raise BundleRejectedError(bundle.name, exc.problems) from exc

    manifest_sha256 = hashlib.sha256(bundle.manifest_bytes).hexdigest()
    outcome = IngestOutcome(bundle=bundle.name, device_id=manifest.device_id)
    with uow() as work:
        if work.bundles.is_ingested(manifest_sha256):
            outcome.already_ingested = True
            return outcome

    blobs.put_bytes(bundle.manifest_bytes)
    stored_log = blobs.put_bytes(log_bytes)
    signature_path = bundle.signature_path()
    signature = signature_path.read_bytes() if signature_path else None
    stored_signature = blobs.put_bytes(signature) if signature is not None else None
    received = [
        _store_media(bundle, n, blobs=blobs, probe=probe, on_bytes=on_bytes, outcome=outcome)
        for n in range(len(manifest.files))
    ]

    with uow() as work:
        device_key = work.device_keys.key_of(manifest.device_id)
        work.bundles.add(
            name=bundle.name,
            manifest=manifest,
            manifest_sha256=manifest_sha256,
            log=log,
            log_sha256=stored_log.sha256,
            log_bytes=stored_log.bytes,
            log_signature_sha256=stored_signature.sha256 if stored_signature else None,
            signature_status=check_log_signature(device_key, log_bytes, signature).value,
            files=received,
            at=clock(),
        )
        append_bundle_leaves(
            work,
            bundle=bundle.name,
            manifest=manifest,
            manifest_sha256=manifest_sha256,
            log=log,
            log_sha256=stored_log.sha256,
            log_bytes=stored_log.bytes,
            files=received,
            at=clock(),
        )
        work.commit()
    if signer is not None:
        publish_checkpoint(uow=uow, signer=signer, clock=clock)
    _logger.info(
        "stored bundle %s of %s: %d files, %d bytes",
        bundle.name,
        manifest.device_id,
        outcome.files,
        outcome.bytes,
    )
    # Incremental: only what this bundle can change (full detection when it cannot be bounded).
    outcome.detection = detect_after_upload(manifest.device_id, uow=uow, policy=policy, clock=clock)
    return outcome


def _store_media(
    bundle: BundleFolder,
    index: int,
    *,
    blobs: BlobStore,
    probe: MediaProbe,
    on_bytes: Callable[[int], None] | None,
    outcome: IngestOutcome,
) -> ReceivedFile:
    listed = bundle.manifest.files[index]
    stored = blobs.put_file(bundle.path_of(listed.path), progress=on_bytes)
    outcome.files += 1
    outcome.bytes += stored.bytes
    media, error = None, None
    try:
        media = probe(blobs.path_of(stored.sha256))
    except MediaUnreadableError as exc:
        # Still evidence: stored and recorded, and the detector flags it.
        error = str(exc)
        outcome.unreadable.append(listed.path)
        _logger.warning("bundle %s: %s is not readable media: %s", bundle.name, listed.path, exc)
    return ReceivedFile(
        bundle=bundle.name,
        path=listed.path,
        sha256=stored.sha256,
        bytes=stored.bytes,
        listed_sha256=listed.sha256,
        media=media,
        media_error=error,
    )
