"""Use case: sign and keep a checkpoint of the log when it has grown since the last one."""

from __future__ import annotations

import logging

from bodycam_guard.domain.checkpoint import Checkpoint
from bodycam_guard.domain.log_records import PublishedCheckpoint
from bodycam_guard.services.ports import Clock, LogSigner, UnitOfWorkFactory

_logger = logging.getLogger(__name__)


def publish_checkpoint(
    *, uow: UnitOfWorkFactory, signer: LogSigner, clock: Clock
) -> PublishedCheckpoint:
    """The latest checkpoint, signing a new one first if the tree grew (or none exists yet)."""
    with uow() as work:
        size = work.log.size()
        latest = work.checkpoints.latest()
        if latest is not None and latest.size == size:
            return latest
        root = work.log.root(size)
        note = signer.sign_checkpoint(Checkpoint(origin=signer.name, size=size, root=root))
        at = clock()
        work.checkpoints.add(size=size, root=root, note=note, at=at)
        work.commit()
    _logger.info("published checkpoint of %s at size %d", signer.name, size)
    return PublishedCheckpoint(size=size, root=root, note=note, published_at=at)


def latest_checkpoint(*, uow: UnitOfWorkFactory) -> PublishedCheckpoint | None:
    """The newest published checkpoint, or None before the first."""
    with uow() as work:
        return work.checkpoints.latest()
