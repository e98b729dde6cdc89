"""Rules about duty time: stretches with no footage, explained from the device's own log.

A coverage gap "begins with" the first stop-like event (power_off, record_stop,
sleep on, fault) between one tolerance before the gap's start and the gap's
end; that event says whether the officer switched the camera off, the battery
ran flat or the device failed. A gap no event explains is flagged as such.
"""

from __future__ import annotations

from collections.abc import Sequence, Sized
from datetime import UTC, datetime

import numpy as np

from bodycam_guard.domain.gap_engine import (
    DeviceCodes,
    FleetDuty,
    FleetSegments,
    FleetStops,
    Seconds,
    fleet_gaps,
)
from bodycam_guard.domain.incidents import Finding, IncidentKind
from bodycam_guard.domain.timeline import DutyWindow, LoggedEvent


def _seconds(moments: Sequence[datetime]) -> Seconds:
    return np.fromiter((m.timestamp() for m in moments), dtype=np.float64, count=len(moments))


def _codes(rows: Sized) -> DeviceCodes:
    return np.zeros(len(rows), dtype=np.int32)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(round(seconds, 6), tz=UTC)


def stop_kind(event: LoggedEvent) -> IncidentKind | None:
    """What a stop-like event says about the gap it begins; None if the event is not stop-like."""
    ev = event.event
    if ev.event == "power_off":
        reason = ev.str_field("reason")
        return {
            "button": IncidentKind.CAMERA_OFF,
            "battery": IncidentKind.BATTERY_DEPLETED,
            "fault": IncidentKind.DEVICE_FAULT,
        }.get(reason or "", IncidentKind.UNEXPLAINED_GAP)
    if ev.event == "record_stop":
        trigger = ev.str_field("trigger")
        return {
            "button": IncidentKind.CAMERA_OFF,
            "battery": IncidentKind.BATTERY_DEPLETED,
            "fault": IncidentKind.DEVICE_FAULT,
            "storage_full": IncidentKind.DEVICE_FAULT,
        }.get(trigger or "", IncidentKind.UNEXPLAINED_GAP)
    if ev.event == "sleep":
        return IncidentKind.CAMERA_OFF if ev.str_field("state") == "on" else None
    if ev.event == "fault":
        return IncidentKind.DEVICE_FAULT
    return None


def coverage_gaps(
    device_id: str,
    windows: Sequence[DutyWindow],
    events: Sequence[LoggedEvent],
    covered: Sequence[tuple[datetime, datetime]],
    *,
    tolerance_s: float,
    routine: tuple[Seconds, Seconds] | None = None,
) -> list[Finding]:
    """Every uncovered stretch of duty longer than the tolerance, classified by the event it begins with.

    `routine` is more coverage, as (start, end) seconds: that of routine segments.
    """
    if not windows:
        return []
    more_start, more_end = routine if routine is not None else (_seconds([]), _seconds([]))
    cover_start = np.concatenate((_seconds([c[0] for c in covered]), more_start))
    cover_end = np.concatenate((_seconds([c[1] for c in covered]), more_end))
    stops = sorted(
        ((e, k) for e in events if (k := stop_kind(e)) is not None), key=lambda pair: pair[0].ref
    )
    # The fleet engine, for one device: device code 0 keys every time exactly (no rounding).
    by_start = np.argsort(cover_start, kind="stable")
    gaps = fleet_gaps(
        FleetSegments(_codes(cover_start), cover_start[by_start], cover_end[by_start]),
        FleetDuty(
            _codes(windows),
            _seconds([w.start for w in windows]),
            _seconds([w.end for w in windows]),
        ),
        FleetStops(
            _codes(stops),
            _seconds([e.ref for e, _ in stops]),
            np.zeros(len(stops), dtype=np.int8),
        ),
        tolerance_s=tolerance_s,
    )
    begins_with = gaps.event
    findings = []
    for start_s, end_s, window_index, stop_index in zip(
        gaps.start.tolist(),
        gaps.end.tolist(),
        gaps.window.tolist(),
        begins_with.tolist(),
        strict=True,
    ):
        window = windows[window_index]
        start, end = _moment(start_s), _moment(end_s)
        evidence: dict[str, object] = {
            "duty": {
                "undock_event": window.undock.evidence(),
                "dock_event": window.dock.evidence() if window.dock else None,
            },
            "length_s": round(end_s - start_s, 3),
        }
        if stop_index >= 0:
            stop, kind = stops[stop_index]
            evidence["begins_with"] = stop.evidence()
            fact = f"gap:{window.undock.event.seq}:after:{stop.event.seq}"
        else:
            kind = IncidentKind.UNEXPLAINED_GAP
            fact = f"gap:{window.undock.event.seq}:at:{round(start_s * 1000)}"
        findings.append(
            Finding(
                kind=kind,
                device_id=device_id,
                officer_id=window.officer_id,
                start=start,
                end=end,
                fact=fact,
                evidence=evidence,
            )
        )
    return findings


def muted_stretches(
    device_id: str,
    windows: Sequence[DutyWindow],
    events: Sequence[LoggedEvent],
    *,
    tolerance_s: float,
) -> list[Finding]:
    """Duty time between `mute on` and `mute off` (or the end of duty) longer than the tolerance."""
    findings = []
    mutes = [e for e in events if e.event.event == "mute"]
    for window in windows:
        muted_since: LoggedEvent | None = None
        for logged in mutes:
            if not window.start <= logged.ref <= window.end:
                continue
            state = logged.event.str_field("state")
            if state == "on" and muted_since is None:
                muted_since = logged
            elif state == "off" and muted_since is not None:
                findings.extend(_mute(device_id, window, muted_since, logged, tolerance_s))
                muted_since = None
        if muted_since is not None:
            findings.extend(_mute(device_id, window, muted_since, None, tolerance_s))
    return findings


def _mute(
    device_id: str, window: DutyWindow, on: LoggedEvent, off: LoggedEvent | None, tolerance_s: float
) -> list[Finding]:
    end = off.ref if off else window.end
    if (end - on.ref).total_seconds() <= tolerance_s:
        return []
    return [
        Finding(
            kind=IncidentKind.AUDIO_MUTED,
            device_id=device_id,
            officer_id=window.officer_id,
            start=on.ref,
            end=end,
            fact=f"mute:{on.event.seq}",
            evidence={
                "mute_on": on.evidence(),
                "mute_off": off.evidence() if off else None,
                "length_s": round((end - on.ref).total_seconds(), 3),
            },
        )
    ]
