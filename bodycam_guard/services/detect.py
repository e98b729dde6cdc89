"""Use case: run the detector over a device's whole history and reconcile its incidents.

This is full detection: re-detection of a device, and re-judgement when a roster or
a fixity sweep changes what its history means. After an upload, ingest runs the
incremental `detect_after_upload` instead, which judges only what the new bundles
can change and falls back to this when it cannot bound that.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.routine_footage import routine_mask, sound_runs
from bodycam_guard.domain.timeline import DeviceHistory
from bodycam_guard.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

_logger = logging.getLogger(__name__)


class DetectionScope(StrEnum):
    """How much of a device's history one detection run judged."""

    FULL = "full"
    """The whole history: every incident of the device reconciled."""
    AFTER_UPLOAD = "after_upload"
    """Only the duty windows new bundles can change: incidents elsewhere untouched."""


@dataclass(frozen=True, slots=True)
class DetectionReport:
    """What one detection run over a device found."""

    device_id: str
    findings: int
    new: int
    retracted: int
    scope: DetectionScope = DetectionScope.FULL
    note: str | None = None
    """Why an incremental run fell back to full detection, or what it judged."""


def detect_device(
    device_id: str, *, uow: UnitOfWorkFactory, policy: DetectionPolicy, clock: Clock
) -> DetectionReport:
    """Recompute every incident of one device; idempotent: running it twice changes nothing."""
    with uow() as work:
        report = run_full_detection(work, device_id, policy=policy, now=clock())
        work.commit()
    log_report(report)
    return report


def run_full_detection(
    work: UnitOfWork,
    device_id: str,
    *,
    policy: DetectionPolicy,
    now: datetime,
    note: str | None = None,
) -> DetectionReport:
    """Full detection inside an open unit of work (the caller commits)."""
    (history,) = read_region(work, [device_id], policy=policy).histories.values()
    findings = detect(history, policy, now=now)
    new, retracted = work.incidents.reconcile(device_id, findings, policy, now)
    work.bundles.mark_detected(device_id)
    return DetectionReport(
        device_id=device_id, findings=len(findings), new=new, retracted=retracted, note=note
    )


@dataclass(frozen=True, slots=True)
class RegionRead:
    """Histories of some devices, and how much of their footage was read as columns."""

    histories: dict[str, DeviceHistory]
    segments: int
    routine: int


def read_region(
    work: UnitOfWork, devices: Sequence[str], *, policy: DetectionPolicy, build_runs: bool = True
) -> RegionRead:
    """Whole histories of these devices, routine footage read as columns (`domain.routine_footage`).

    Runs of routine footage are summarised first for bundles stored before runs were kept
    (a write: `build_runs=False` when the caller did that already and must only read).
    """
    if build_runs:
        work.regions.build_runs(devices)
    first = work.regions.segment_facts(devices)
    sound = sound_runs(first.runs, first.facts, tolerance_s=policy.tolerance_s)
    region = work.regions.expand(first, sound)
    routine = routine_mask(
        region.facts, tolerance_s=policy.tolerance_s, runs=region.runs, sound=sound
    )
    runs = region.runs
    in_runs = int((runs.file_seq_hi[sound] - runs.file_seq_lo[sound] + 1).sum())
    return RegionRead(
        histories=work.regions.histories(region, routine),
        segments=in_runs + len(region.line_id),
        routine=in_runs + int(routine.sum()),
    )


def log_report(report: DetectionReport) -> None:
    """Log one detection run."""
    _logger.info(
        "detection (%s) on %s: %d findings, %d new, %d retracted%s",
        report.scope.value,
        report.device_id,
        report.findings,
        report.new,
        report.retracted,
        f" ({report.note})" if report.note else "",
    )


def detect_pending(
    *, uow: UnitOfWorkFactory, policy: DetectionPolicy, clock: Clock
) -> list[DetectionReport]:
    """Finish detection for devices whose bundles were stored but not yet detected (after a crash)."""
    with uow() as work:
        pending = work.bundles.devices_pending_detection()
    return [detect_device(d, uow=uow, policy=policy, clock=clock) for d in pending]
