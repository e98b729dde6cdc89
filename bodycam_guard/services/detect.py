"""Use case: run the detector over a device's history and reconcile its incidents."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.services.ports import Clock, UnitOfWorkFactory

_logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DetectionReport:
    """What one detection run over a device found."""

    device_id: str
    findings: int
    new: int
    retracted: int


def detect_device(
    device_id: str, *, uow: UnitOfWorkFactory, policy: DetectionPolicy, clock: Clock
) -> DetectionReport:
    """Recompute every incident of one device; idempotent: running it twice changes nothing."""
    with uow() as work:
        history = work.histories.load(device_id)
        now = clock()
        findings = detect(history, policy, now=now)
        new, retracted = work.incidents.reconcile(device_id, findings, policy, now)
        work.bundles.mark_detected(device_id)
        work.commit()
    _logger.info(
        "detection on %s: %d findings, %d new, %d retracted",
        device_id,
        len(findings),
        new,
        retracted,
    )
    return DetectionReport(
        device_id=device_id, findings=len(findings), new=new, retracted=retracted
    )


def detect_pending(
    *, uow: UnitOfWorkFactory, policy: DetectionPolicy, clock: Clock
) -> list[DetectionReport]:
    """Finish detection for devices whose bundles were stored but not yet detected (after a crash)."""
    with uow() as work:
        pending = work.bundles.devices_pending_detection()
    return [detect_device(d, uow=uow, policy=policy, clock=clock) for d in pending]
