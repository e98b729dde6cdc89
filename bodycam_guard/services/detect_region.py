"""Use case: re-detect a region: every stored device's whole history judged again.

After a change of policy (tolerance, thresholds) or of the detector itself, an admin
re-runs detection over everything the region holds. Devices are taken in batches,
each in its own transaction: its segment facts are read as columns for the whole
batch, routine segments stay columns (`domain.routine_footage`), the rest of each
history is read as objects, and each device's incidents are reconciled as full
detection does. A crash loses at most the batch in progress, and running again
gives the same incidents (reconciliation is idempotent).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.errors import NotFoundError
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.services.detect import read_region
from bodycam_guard.services.ports import Clock, UnitOfWorkFactory

BATCH_DEVICES = 32
"""Devices read and judged together: enough to amortise each query, few enough to bound memory."""

Progress = Callable[[int, int], None]
"""Called after each batch with (devices done, devices in all)."""


@dataclass(frozen=True, slots=True)
class RegionReport:
    """What one re-detection of a region found and changed."""

    devices: int
    segments: int
    routine: int
    """Segments read as columns only."""
    findings: int
    new: int
    retracted: int
    seconds: float


def redetect_region(
    *,
    uow: UnitOfWorkFactory,
    policy: DetectionPolicy,
    clock: Clock,
    devices: Sequence[str] | None = None,
    batch: int = BATCH_DEVICES,
    progress: Progress | None = None,
) -> RegionReport:
    """Re-detect these devices (every stored device when None), reconciling all their incidents."""
    began = time.perf_counter()
    with uow() as work:
        stored = work.regions.devices()
    if devices is None:
        devices = stored
    elif unknown := sorted(set(devices) - set(stored)):
        raise NotFoundError(f"no bundle stored for device {', '.join(unknown)}")
    totals = dict.fromkeys(("segments", "routine", "findings", "new", "retracted"), 0)
    for first in range(0, len(devices), batch):
        chosen = devices[first : first + batch]
        with uow() as work:
            now = clock()
            read = read_region(work, chosen, policy=policy)
            totals["segments"] += read.segments
            totals["routine"] += read.routine
            findings = {d: detect(h, policy, now=now) for d, h in read.histories.items()}
            new, retracted = work.incidents.reconcile_devices(findings, policy, now)
            work.bundles.mark_detected(*findings)
            totals["findings"] += sum(len(f) for f in findings.values())
            totals["new"] += new
            totals["retracted"] += retracted
            work.commit()
        if progress is not None:
            progress(min(first + batch, len(devices)), len(devices))
    return RegionReport(devices=len(devices), seconds=time.perf_counter() - began, **totals)
