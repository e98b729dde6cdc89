"""The shift timeline as shapes for an inline SVG: a pure layout of a `ShiftTimeline`.

Lanes, top to bottom: the duty window; footage (recorded segments) with the
stretches nothing was recorded drawn over it; incidents (spans, or marks for
instants); device events as ticks; a time axis in the caller's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bodycam_guard.domain.compliance import UNRECORDED_KINDS
from bodycam_guard.services.shift_timeline import ShiftTimeline

WIDTH = 1000.0
"""viewBox width; the page scales it to the screen."""
MARGIN = 10.0
_TICK_STEPS_S = (10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)


@dataclass(frozen=True, slots=True)
class Shape:
    """A rectangle (or a mark when `w` is 0) with a CSS class and a tooltip."""

    x: float
    y: float
    w: float
    h: float
    css: str
    title: str
    incident_id: str | None = None


@dataclass(frozen=True, slots=True)
class AxisTick:
    """A labelled time on the axis."""

    x: float
    label: str


@dataclass(frozen=True, slots=True)
class TimelineDrawing:
    """Everything the template draws."""

    width: float
    height: float
    shapes: list[Shape]
    ticks: list[AxisTick]


class _Scale:
    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = start
        self.span_s = max((end - start).total_seconds(), 1.0)

    def x(self, moment: datetime) -> float:
        offset = (moment - self.start).total_seconds() / self.span_s
        return MARGIN + min(max(offset, 0.0), 1.0) * (WIDTH - 2 * MARGIN)


def _ticks(scale: _Scale, zone: str) -> list[AxisTick]:
    step = next((s for s in _TICK_STEPS_S if scale.span_s / s <= 8), _TICK_STEPS_S[-1])
    tz = ZoneInfo(zone)
    local = scale.start.astimezone(tz)
    epoch = int(local.timestamp())
    first = epoch - epoch % step + step
    ticks = []
    for at in range(first, epoch + int(scale.span_s) + 1, step):
        moment = scale.start + timedelta(seconds=at - epoch)
        ticks.append(AxisTick(x=scale.x(moment), label=moment.astimezone(tz).strftime("%H:%M:%S")))
    return ticks


def draw(timeline: ShiftTimeline, zone: str, labels: dict[str, str]) -> TimelineDrawing:
    """Lay the shift out; `labels` maps kind keys and lane names to the caller's language."""
    scale = _Scale(timeline.start, timeline.end)
    x = scale.x
    shapes = [
        Shape(x(timeline.start), 8, x(timeline.end) - x(timeline.start), 10, "duty", labels["duty"])
    ]
    for seg in timeline.segments:
        css = "segment" if seg.playable else "segment unplayable"
        width = max(x(seg.end) - x(seg.start), 0.5)
        shapes.append(Shape(x(seg.start), 26, width, 22, css, f"{seg.file} (#{seg.file_seq})"))
    for incident in timeline.incidents:
        start, end = incident.start, incident.end or incident.start
        if start is None or end is None:
            continue
        focus = " focus" if incident.id == timeline.incident.id else ""
        title = labels.get(f"kind_{incident.kind.value}", incident.kind.value)
        css = f"incident sev-{incident.severity.value}{focus}"
        if incident.kind in UNRECORDED_KINDS:
            shapes.append(Shape(x(start), 26, max(x(end) - x(start), 1.5), 22, "gap", title))
        shapes.append(Shape(x(start), 56, max(x(end) - x(start), 0.0), 12, css, title, incident.id))
    for event in timeline.events:
        title = f"{event.event} {event.detail}".strip()
        shapes.append(Shape(x(event.at), 76, 0.0, 12, f"event ev-{event.event}", title))
    return TimelineDrawing(width=WIDTH, height=112, shapes=shapes, ticks=_ticks(scale, zone))
