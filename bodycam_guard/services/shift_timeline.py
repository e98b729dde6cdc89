"""Use case: one incident's shift, laid out for a supervisor.

The duty window the incident falls in, every recorded segment placed on the
reference clock (covering its real packet span), the device's events, every
incident of that shift, the clips just before and just after the incident, and
the officer's compliance figures. Read-only, over the existing repositories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bodycam_guard.domain.accounts import NotVisibleError, Principal
from bodycam_guard.domain.compliance import ComplianceFigures, compliance
from bodycam_guard.domain.incidents import Incident, IncidentFilter
from bodycam_guard.domain.timeline import (
    DeviceHistory,
    DutyWindow,
    LoggedEvent,
    ReceivedFile,
    duty_windows,
    segment_records,
)
from bodycam_guard.services.incident_queue import IncidentFile, incident_file
from bodycam_guard.services.supervision_ports import SupervisionUnitOfWorkFactory

LEAD_IN = timedelta(seconds=10)
"""How much footage before the incident the 'before' clip starts at."""
# Segments are drawn as footage; routine battery readings would only clutter the strip.
_DRAWN_ELSEWHERE = frozenset({"segment", "battery"})
_DETAIL_FIELDS = ("trigger", "reason", "state", "level", "code", "file", "offset_ms")


@dataclass(frozen=True, slots=True)
class ShiftSegment:
    """A recorded file on the reference clock: where it starts and how far its footage reaches."""

    file: str
    file_seq: int
    start: datetime
    end: datetime
    sha256: str | None
    """The stored file's hash (what the footage route serves); None if it never arrived."""
    playable: bool


@dataclass(frozen=True, slots=True)
class ShiftEvent:
    """A device event on the reference clock, with its telling fields."""

    at: datetime
    event: str
    detail: str


@dataclass(frozen=True, slots=True)
class Clip:
    """A stored file to play, and where in it to start (seconds from its first frame)."""

    sha256: str
    file: str
    seek_s: float
    at: datetime


@dataclass(frozen=True, slots=True)
class ShiftTimeline:
    """Everything the incident page draws."""

    incident: Incident
    device_id: str
    officer_id: str | None
    start: datetime
    end: datetime
    segments: list[ShiftSegment]
    events: list[ShiftEvent]
    incidents: list[Incident]
    before: Clip | None
    after: Clip | None
    shift: ComplianceFigures
    device_shifts: ComplianceFigures
    """The officer's figures over every shift on this device."""


def _window_of(windows: Sequence[DutyWindow], incident: Incident) -> DutyWindow | None:
    moment = incident.start or incident.end
    for window in windows:
        if moment is not None and window.start <= moment <= window.end:
            return window
    same = [w for w in windows if w.officer_id == incident.officer_id]
    return same[0] if same else (windows[0] if windows else None)


def _segments(history: DeviceHistory, window: DutyWindow) -> list[ShiftSegment]:
    stored = {(f.bundle, f.path): f for f in history.files}
    placed = []
    for record in segment_records(history.events):
        if record.start > window.end or record.end < window.start:
            continue
        found: ReceivedFile | None = stored.get((record.logged.bundle, record.file))
        media = found.media if found else None
        end = record.start + timedelta(seconds=media.span_s) if media else record.start
        placed.append(
            ShiftSegment(
                file=record.file,
                file_seq=record.file_seq,
                start=record.start,
                end=end,
                sha256=found.sha256 if found else None,
                playable=media is not None,
            )
        )
    return placed


def _events(events: Sequence[LoggedEvent], window: DutyWindow) -> list[ShiftEvent]:
    last = window.dock.event.seq if window.dock else None
    shown = []
    for logged in events:
        seq = logged.event.seq
        if seq < window.undock.event.seq or (last is not None and seq > last):
            continue
        if logged.event.event in _DRAWN_ELSEWHERE:
            continue
        fields = logged.event.fields
        detail = " ".join(f"{k}={fields[k]}" for k in _DETAIL_FIELDS if k in fields)
        shown.append(ShiftEvent(at=logged.ref, event=logged.event.event, detail=detail))
    return shown


def _clips(segments: Sequence[ShiftSegment], incident: Incident) -> tuple[Clip | None, Clip | None]:
    playable = [s for s in segments if s.playable and s.sha256]
    start, end = incident.start, incident.end or incident.start
    if start is None or end is None:
        return None, None
    earlier = [s for s in playable if s.start < start]
    later = [s for s in playable if s.end > end]
    before = after = None
    if earlier:
        seg = max(earlier, key=lambda s: s.start)
        seek = max(0.0, (min(start, seg.end) - seg.start - LEAD_IN).total_seconds())
        before = Clip(sha256=seg.sha256 or "", file=seg.file, seek_s=seek, at=seg.start)
    if later:
        seg = min(later, key=lambda s: s.end)
        seek = max(0.0, (end - seg.start).total_seconds())
        after = Clip(sha256=seg.sha256 or "", file=seg.file, seek_s=seek, at=seg.start)
    return before, after


def shift_timeline(
    incident_id: str, caller: Principal, *, uow: SupervisionUnitOfWorkFactory
) -> ShiftTimeline:
    """The shift of an incident the caller may see; NotVisibleError otherwise."""
    caller.require_reader()
    units = caller.visible_units()
    with uow() as work:
        incident = work.queue.get(incident_id, units)
        if incident is None:
            raise NotVisibleError(f"expected an incident {incident_id!r}, found none")
        history = work.histories.load(incident.device_id)
        windows = duty_windows(history.events)
        window = _window_of(windows, incident)
        device_incidents = work.queue.matching(IncidentFilter(device_id=incident.device_id), units)
    start = window.start if window else (incident.start or incident.end)
    end = window.end if window else (incident.end or incident.start)
    if window is None or start is None or end is None:
        raise NotVisibleError(f"incident {incident_id!r}: expected a duty window, found none")
    in_shift = [i for i in device_incidents if i.start is not None and start <= i.start <= end] or [
        incident
    ]
    segments = _segments(history, window)
    before, after = _clips(segments, incident)
    officer_windows = [w for w in windows if w.officer_id == window.officer_id]
    return ShiftTimeline(
        incident=incident,
        device_id=incident.device_id,
        officer_id=window.officer_id,
        start=start,
        end=end,
        segments=segments,
        events=_events(history.events, window),
        incidents=in_shift,
        before=before,
        after=after,
        shift=compliance(window.officer_id, [window], in_shift),
        device_shifts=compliance(window.officer_id, officer_windows, device_incidents),
    )


@dataclass(frozen=True, slots=True)
class IncidentView:
    """The incident page: the incident with its reviews, and its shift when one is on record."""

    file: IncidentFile
    timeline: ShiftTimeline | None


def incident_view(
    incident_id: str, caller: Principal, *, uow: SupervisionUnitOfWorkFactory
) -> IncidentView:
    """The incident file and, when the device log shows its duty window, the shift timeline."""
    found = incident_file(incident_id, caller, uow=uow)
    try:
        timeline = shift_timeline(incident_id, caller, uow=uow)
    except NotVisibleError:
        timeline = None  # e.g. an integrity failure with no duty window behind it
    return IncidentView(file=found, timeline=timeline)
