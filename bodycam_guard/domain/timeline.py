"""A device's duty timeline: events on the reference clock, duty windows, segments placed in time.

Device times are corrected by the latest `time_sync` at or before each event, in
log order (`reference = device - offset_ms`); before any `time_sync` the offset
is 0. Duty runs from `undock` to the next `dock`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.media import MediaFacts
from bodycam_guard.domain.roster import RosteredDuty
from bodycam_guard.domain.routine_footage import RoutineSegments


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """A device event, the bundle it arrived in, and its time on the reference clock."""

    event: DeviceEvent
    bundle: str
    ref: datetime
    offset_ms: int
    """The clock correction applied to this event (device minus reference)."""

    def to_reference(self, device_time: datetime) -> datetime:
        """Correct another device time logged with this event (a segment's start or end)."""
        return device_time - timedelta(milliseconds=self.offset_ms)

    def evidence(self) -> dict[str, object]:
        """The event as it stands in the log, with where it was found, for an incident's evidence."""
        return {
            "bundle": self.bundle,
            "line": self.event.line,
            "seq": self.event.seq,
            "event": self.event.event,
            "ts": self.event.ts.isoformat(),
            **self.event.fields,
        }


@dataclass(frozen=True, slots=True)
class ReceivedFile:
    """A media file that arrived in a bundle and was stored, with what the probe made of it."""

    bundle: str
    path: str
    sha256: str
    bytes: int
    listed_sha256: str
    """The hash the station wrote in the manifest."""
    media: MediaFacts | None
    media_error: str | None = None


@dataclass(frozen=True, slots=True)
class ReceivedLog:
    """A device log file that arrived in a bundle, with the station's and our hashes."""

    bundle: str
    path: str
    sha256: str
    listed_sha256: str
    signature: str = "unchecked"
    """The device's signature over it: valid, missing, invalid, or unchecked (no key registered)."""


@dataclass(frozen=True, slots=True)
class DutyWindow:
    """From undock to dock: the time the rule asks to be recorded."""

    start: datetime
    end: datetime
    officer_id: str | None
    undock: LoggedEvent
    dock: LoggedEvent | None
    last: LoggedEvent | None = None
    """Its last line: the dock, or for a window never docked the line before the next undock."""


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    """A `segment` event: a file the device says it closed, placed on the reference clock."""

    file: str
    file_seq: int
    start: datetime
    end: datetime
    sha256: str | None
    logged: LoggedEvent


@dataclass(frozen=True, slots=True)
class DeviceHistory:
    """Everything received from one device, in log order (bundles by docking time, then line)."""

    device_id: str
    events: tuple[LoggedEvent, ...]
    files: tuple[ReceivedFile, ...]
    logs: tuple[ReceivedLog, ...] = ()
    roster: tuple[RosteredDuty, ...] = ()
    """Rostered duties with this camera."""
    routine: RoutineSegments = field(default_factory=RoutineSegments.none)
    """Routine segments read as columns: their lines are not in `events`, their files not in `files`."""


def place_events(
    bundled: Sequence[tuple[str, DeviceEvent]], *, offset_ms: int = 0
) -> tuple[LoggedEvent, ...]:
    """Put events, given in log order with their bundle, on the reference clock.

    `offset_ms` is the correction in effect before the first of them: that of the latest
    `time_sync` earlier in the log, when only a stretch of a device's log is placed.
    """
    placed: list[LoggedEvent] = []
    for bundle, event in bundled:
        if event.event == "time_sync":
            synced = event.int_field("offset_ms")
            offset_ms = synced if synced is not None else offset_ms
        ref = event.ts - timedelta(milliseconds=offset_ms)
        placed.append(LoggedEvent(event=event, bundle=bundle, ref=ref, offset_ms=offset_ms))
    return tuple(placed)


def duty_windows(events: Sequence[LoggedEvent]) -> list[DutyWindow]:
    """Duty windows from undock to the next dock; an undock never docked ends at the last event."""
    windows: list[DutyWindow] = []
    current: LoggedEvent | None = None
    last: LoggedEvent | None = None
    for logged in events:
        kind = logged.event.event
        if kind == "undock":
            if current is not None and last is not None:
                windows.append(_window(current, last, None))
            current = logged
        elif kind == "dock" and current is not None:
            windows.append(_window(current, logged, logged))
            current = None
        last = logged
    if current is not None and last is not None:
        windows.append(_window(current, last, None))
    return windows


def _window(undock: LoggedEvent, until: LoggedEvent, dock: LoggedEvent | None) -> DutyWindow:
    return DutyWindow(
        start=undock.ref,
        end=max(until.ref, undock.ref),
        officer_id=undock.event.str_field("officer_id"),
        undock=undock,
        dock=dock,
        last=until,
    )


_last_records: list[tuple[tuple[LoggedEvent, ...], list[SegmentRecord]]] = []
"""The latest tuple of events read and its records: detection reads one history's in several passes."""


def segment_records(events: Sequence[LoggedEvent]) -> list[SegmentRecord]:
    """Every `segment` event, its start and end corrected to the reference clock.

    Passes over the same tuple of events (it cannot change) share one reading.
    """
    last = _last_records[0] if _last_records else None  # one read: threads may replace it
    if last is not None and last[0] is events:
        return list(last[1])
    records = _read_segments(events)
    if isinstance(events, tuple):
        _last_records[:] = [(events, records)]
    return list(records)


def _read_segments(events: Sequence[LoggedEvent]) -> list[SegmentRecord]:
    records = []
    for logged in events:
        if logged.event.event != "segment":
            continue
        ev = logged.event
        file, seq = ev.str_field("file"), ev.int_field("file_seq")
        start, end = ev.time_field("start"), ev.time_field("end")
        if file is None or seq is None or start is None or end is None:
            continue  # parse_device_log guarantees these; kept total for hand-built histories
        records.append(
            SegmentRecord(
                file=file,
                file_seq=seq,
                start=logged.to_reference(start),
                end=logged.to_reference(end),
                sha256=ev.str_field("sha256"),
                logged=logged,
            )
        )
    return records


def officer_at(windows: Sequence[DutyWindow], moment: datetime | None) -> str | None:
    """The officer on duty with this device at a moment, if any."""
    if moment is None:
        return None
    for window in windows:
        if window.start <= moment <= window.end:
            return window.officer_id
    return None


def officer_by_log(windows: Sequence[DutyWindow], logged: LoggedEvent) -> str | None:
    """The officer whose duty an event falls in by log position (immune to clock corrections)."""
    seq = logged.event.seq
    for window in windows:
        # A window never docked ends at its last line, not at the end of the device's log.
        end = window.last or window.dock
        last = end.event.seq if end else None
        if window.undock.event.seq <= seq and (last is None or seq <= last):
            return window.officer_id
    return None
