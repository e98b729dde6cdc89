"""Use case: date checkpoints with an RFC 3161 time-stamping authority, if the deployment has one.

The TSA is asked for the SHA-256 of each checkpoint's signed note, byte for byte
as served and exported. Network calls happen outside any transaction, after the
checkpoint is committed: a TSA that is down or answers wrongly leaves the
checkpoint without a timestamp (logged, and recorded as a failed request), and
never fails the publication. Every later pass asks again for the checkpoints
still without one, newest first; a pass stops at its first failure rather than
hammer a TSA that is down.
"""

from __future__ import annotations

import logging

from bodycam_guard.domain.log_records import PublishedCheckpoint
from bodycam_guard.domain.timestamps import TimestampError, TimestampRun
from bodycam_guard.services.ports import Clock, LogSigner
from bodycam_guard.services.publish_checkpoint import publish_checkpoint
from bodycam_guard.services.timestamp_ports import TimestampAuthority, TimestampUnitOfWorkFactory

_logger = logging.getLogger(__name__)
BATCH = 20
"""Checkpoints timestamped at most per pass (the newest first)."""


def stamp_checkpoints(
    *,
    uow: TimestampUnitOfWorkFactory,
    tsa: TimestampAuthority,
    clock: Clock,
    limit: int = BATCH,
) -> TimestampRun:
    """Ask the TSA to timestamp the checkpoints that have no timestamp yet, newest first."""
    with uow() as work:
        pending = work.timestamps.pending(limit)
    stamped = failed = 0
    for checkpoint in pending:
        try:
            grant = tsa.stamp(checkpoint.note.encode())
        except TimestampError as exc:
            failed += 1
            _logger.warning(
                "checkpoint of size %d left without a timestamp: %s", checkpoint.size, exc
            )
            with uow() as work:
                work.timestamps.add_failure(
                    checkpoint.checkpoint_id, str(exc), tsa_url=tsa.url, at=clock()
                )
                work.commit()
            break
        with uow() as work:
            work.timestamps.add_grant(checkpoint.checkpoint_id, grant, tsa_url=tsa.url, at=clock())
            work.commit()
        stamped += 1
        _logger.info(
            "checkpoint of size %d timestamped by %s: genTime %s, serial %d",
            checkpoint.size,
            tsa.url,
            grant.gen_time.isoformat(),
            grant.serial,
        )
    with uow() as work:
        left = work.timestamps.count_pending()
    return TimestampRun(stamped=stamped, failed=failed, pending=left)


def publish_timestamped_checkpoint(
    *,
    uow: TimestampUnitOfWorkFactory,
    signer: LogSigner,
    clock: Clock,
    tsa: TimestampAuthority | None,
) -> PublishedCheckpoint:
    """`publish_checkpoint`, then, with a TSA, timestamp what has no timestamp yet (never fails on it)."""
    head = publish_checkpoint(uow=uow, signer=signer, clock=clock)
    if tsa is not None:
        stamp_checkpoints(uow=uow, tsa=tsa, clock=clock)
    return head


def checkpoint_timestamp(
    *, uow: TimestampUnitOfWorkFactory, size: int | None = None, note: str | None = None
) -> bytes | None:
    """The DER TimeStampResp dating the latest checkpoint (of `size`, or with `note`), or None."""
    with uow() as work:
        return work.timestamps.reply_for(size=size, note=note)
