"""Use case: take in many bundles (an inbox, or paths on the command line), one failure at a time.

Each bundle is isolated: a rejected bundle goes whole to quarantine with its
reason and the next one goes on; an unexpected error (a bug, a full disk) is
logged and leaves the bundle where it is, to be tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bodycam_guard.adapters.bundle_folder import quarantine
from bodycam_guard.domain.errors import BundleRejectedError
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.services.detect import detect_pending
from bodycam_guard.services.ingest_bundle import IngestOutcome, ingest_bundle
from bodycam_guard.services.ports import (
    BlobStore,
    Clock,
    LogSigner,
    MediaProbe,
    UnitOfWorkFactory,
)

_logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rejection:
    """A bundle that failed validation, and where it now lies."""

    bundle: str
    reason: str
    quarantined_to: Path


@dataclass(frozen=True, slots=True)
class Failure:
    """A bundle that could not be processed for a reason of ours, not the bundle's; left in place."""

    bundle: str
    error: str


@dataclass(slots=True)
class IntakeSummary:
    """What became of each bundle of one intake run."""

    ingested: list[IngestOutcome] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no bundle was rejected or failed."""
        return not self.rejected and not self.failed


Outcome = IngestOutcome | Rejection | Failure


def take_in(
    folders: Sequence[Path],
    *,
    uow: UnitOfWorkFactory,
    blobs: BlobStore,
    probe: MediaProbe,
    clock: Clock,
    policy: DetectionPolicy,
    quarantine_root: Path,
    on_start: Callable[[int, Path], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
    release: Callable[[Path], None] | None = None,
    signer: LogSigner | None = None,
) -> IntakeSummary:
    """Ingest each complete bundle folder in turn; quarantine the rejected ones.

    `release`, when given, is called with each folder once its bundle is safely stored
    (the daemon uses it to clear the inbox; the command line leaves folders alone).
    With a `signer`, a checkpoint is published after each bundle is recorded.
    """
    summary = IntakeSummary()
    # A crash after storing but before detecting leaves devices to finish first.
    detect_pending(uow=uow, policy=policy, clock=clock)
    for n, folder in enumerate(folders):
        if on_start is not None:
            on_start(n, folder)
        outcome: Outcome
        try:
            outcome = ingest_bundle(
                folder,
                uow=uow,
                blobs=blobs,
                probe=probe,
                clock=clock,
                policy=policy,
                on_bytes=on_bytes,
                signer=signer,
            )
            summary.ingested.append(outcome)
            if release is not None:
                release(folder)
        except BundleRejectedError as exc:
            where = quarantine(folder, quarantine_root, exc.diagnostics(), clock())
            outcome = Rejection(bundle=folder.name, reason=exc.diagnostics(), quarantined_to=where)
            summary.rejected.append(outcome)
        except Exception as exc:
            _logger.exception("bundle %s could not be processed; left in place", folder)
            outcome = Failure(bundle=folder.name, error=f"{type(exc).__name__}: {exc}")
            summary.failed.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return summary
