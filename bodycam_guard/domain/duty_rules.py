"""Rules about duty itself: cameras kept out too long, and rostered duty with no camera at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bodycam_guard.domain.incidents import Finding, IncidentKind
from bodycam_guard.domain.rfc3339 import format_rfc3339
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.timeline import DutyWindow


def late_uploads(
    device_id: str, windows: Sequence[DutyWindow], *, max_shift_s: float, now: datetime
) -> list[Finding]:
    """Duty windows longer than the maximum shift, or still open past it."""
    findings = []
    limit = timedelta(seconds=max_shift_s)
    for window in windows:
        end = window.dock.ref if window.dock else None
        out_for = (end or now) - window.start
        if out_for <= limit:
            continue
        findings.append(
            Finding(
                kind=IncidentKind.LATE_UPLOAD,
                device_id=device_id,
                officer_id=window.officer_id,
                start=window.start + limit,
                end=end,
                fact=f"late:{window.undock.event.seq}",
                evidence={
                    "undock_event": window.undock.evidence(),
                    "dock_event": window.dock.evidence() if window.dock else None,
                    "undocked_for_s": round(out_for.total_seconds(), 3),
                    "max_shift_s": max_shift_s,
                },
            )
        )
    return findings


def duties_without_camera(
    duties: Sequence[RosteredDuty],
    windows_by_device: dict[str, Sequence[DutyWindow]],
    *,
    grace_s: float,
    now: datetime,
) -> list[Finding]:
    """Rostered duties, over by more than `grace_s`, during which the assigned camera never left its dock.

    The grace leaves the camera time to come back and upload: a duty is judged only
    once a camera that was out would have had to be docked (the maximum shift).
    """
    findings = []
    for duty in duties:
        if now < duty.end + timedelta(seconds=grace_s):
            continue
        windows = windows_by_device.get(duty.device_id, ())
        if any(w.start < duty.end and w.end > duty.start for w in windows):
            continue
        findings.append(
            Finding(
                kind=IncidentKind.NO_CAMERA,
                device_id=duty.device_id,
                officer_id=duty.officer_id,
                start=duty.start,
                end=duty.end,
                fact=f"roster:{duty.officer_id}:{format_rfc3339(duty.start)}",
                evidence={
                    "rostered": {
                        "officer_id": duty.officer_id,
                        "device_id": duty.device_id,
                        "start": format_rfc3339(duty.start),
                        "end": format_rfc3339(duty.end),
                    },
                    # What the rule checked, not a count of the device's whole history:
                    # evidence must not change when an unrelated shift is uploaded.
                    "duty_windows_during_duty": 0,
                },
            )
        )
    return findings
