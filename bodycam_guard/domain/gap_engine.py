"""The gap engine: uncovered stretches of duty time, in a few vectorised passes.

Times are float64 seconds (reference clock, Unix epoch). Coverage intervals need
not be sorted or disjoint; duty windows must not overlap. Nothing here loops in
Python per segment: the union of coverage is a running maximum, its complement is
intersected with the duty windows through `searchsorted`.

`fleet_gaps` takes a whole precinct of columnar, (device, time)-sorted arrays in one
go, with no Python loop per device either; detection of one device calls it with that
device alone (device code 0, where keyed times are the seconds themselves, exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Seconds = npt.NDArray[np.float64]
Indices = npt.NDArray[np.int64]


# --- Many devices at once -------------------------------------------------------------------------

DeviceCodes = npt.NDArray[np.int32]
KindCodes = npt.NDArray[np.int8]

MAX_KEY_ROUNDING_S = 1e-4
"""Coarsest rounding of keyed times `fleet_gaps` accepts (see `_Slots`): far below any tolerance."""


@dataclass(frozen=True, slots=True)
class FleetSegments:
    """Received recordings of many devices as columns, sorted by (device, start), each end >= start.

    Device codes index the caller's device table, densely from 0: the largest code sets
    how finely times can be keyed (`_Slots`).
    """

    device: DeviceCodes
    start: Seconds
    end: Seconds


@dataclass(frozen=True, slots=True)
class FleetDuty:
    """Duty windows of many devices as columns, sorted by (device, start), disjoint per device."""

    device: DeviceCodes
    start: Seconds
    end: Seconds


@dataclass(frozen=True, slots=True)
class FleetStops:
    """Stop-like device events (power_off, record_stop, sleep on, fault) sorted by (device, time)."""

    device: DeviceCodes
    time: Seconds
    kind: KindCodes
    """The caller's code for what the event says; the engine carries it, coverage_rules names it."""


@dataclass(frozen=True, slots=True)
class FleetGaps:
    """Uncovered stretches of duty in (device, start) order, with the stop event each begins with."""

    device: DeviceCodes
    window: Indices
    """Row of the duty window (in `FleetDuty`) the gap lies in."""
    start: Seconds
    end: Seconds
    event: Indices
    """Row of the stop event (in `FleetStops`) the gap begins with, or -1."""
    kind: KindCodes
    """That event's kind code, or -1."""

    def __len__(self) -> int:
        return int(self.start.shape[0])


def fleet_gaps(
    segments: FleetSegments, duty: FleetDuty, stops: FleetStops, *, tolerance_s: float
) -> FleetGaps:
    """Every stretch of duty longer than `tolerance_s` that no segment of its device covers, classified.

    A gap begins with the first stop event of its device between `tolerance_s` before
    its start and its end. Touching segments merge, a zero-length segment covers its instant.

    All devices share the same few array passes: each device's times move into a slot
    of their own on one line (`_Slots`), so one running maximum and one `searchsorted`
    serve the whole fleet. Keyed times round to `_Slots.resolution` (under 1 µs for
    1,000 devices over a month); a reported gap's boundary is exact where a window or a
    segment's start sets it, and within that rounding where a segment's end does.
    """
    _check_columns(segments, duty, stops)
    slots = _Slots.fit(segments, duty, stops, margin_s=tolerance_s)
    if slots.resolution > MAX_KEY_ROUNDING_S:
        raise ValueError(
            f"expected keyed times rounded to at most {MAX_KEY_ROUNDING_S} s, found "
            f"{slots.resolution} s: number devices densely from 0, or pass fewer days at once"
        )
    holes = _holes(segments, slots, tolerance_s=tolerance_s)
    gaps = _clip_to_duty(holes, duty, slots, tolerance_s=tolerance_s)
    event = _first_stops(gaps, stops, slots, lead_s=tolerance_s)
    kind = np.full(event.shape, -1, dtype=np.int8)
    found = event >= 0
    kind[found] = stops.kind[event[found]]
    return FleetGaps(
        device=gaps.device,
        window=gaps.window,
        start=gaps.start,
        end=gaps.end,
        event=event,
        kind=kind,
    )


def _check_columns(segments: FleetSegments, duty: FleetDuty, stops: FleetStops) -> None:
    # Only O(1) checks here: proving the sort order would cost as much as the engine itself.
    for name, columns in (
        ("segments", (segments.device, segments.start, segments.end)),
        ("duty", (duty.device, duty.start, duty.end)),
        ("stops", (stops.device, stops.time, stops.kind)),
    ):
        lengths = {c.shape[0] for c in columns}
        if len(lengths) != 1:
            raise ValueError(f"{name}: expected columns of one length, found lengths {lengths}")
        device = columns[0]
        if device.size and device[0] < 0:
            raise ValueError(f"{name}: expected device codes from 0, found {device[0]}")


@dataclass(frozen=True, slots=True)
class _Slots:
    """Where each device's times sit on the shared line: `key = seconds + device * width`.

    `width`, a power of two (so `device * width` is exact) wider than all the times'
    span plus a margin either side, keeps every device's keys above all of the previous
    device's, so sorting and running maxima never mix devices.
    """

    width: float
    resolution: float
    """Largest rounding of a key: coarser than the input seconds only by a few binades."""

    @classmethod
    def fit(
        cls, segments: FleetSegments, duty: FleetDuty, stops: FleetStops, *, margin_s: float
    ) -> _Slots:
        """Slots wide enough for every time in the inputs, and `margin_s` either side."""
        firsts = [a.min() for a in (segments.start, duty.start, stops.time) if a.size]
        lasts = [a.max() for a in (segments.end, duty.end, stops.time) if a.size]
        low, high = (float(min(firsts)), float(max(lasts))) if firsts else (0.0, 0.0)
        width = float(2.0 ** np.ceil(np.log2(high - low + 2 * margin_s + 2)))
        codes = [int(d[-1]) for d in (segments.device, duty.device, stops.device) if d.size]
        largest = (max(codes, default=0) + 1) * width + max(abs(low), abs(high))
        return cls(width=width, resolution=float(np.spacing(largest)))

    def key(self, device: DeviceCodes, seconds: Seconds) -> Seconds:
        """Seconds moved into their devices' slots."""
        keyed = np.multiply(device, self.width, dtype=np.float64)
        return np.add(keyed, seconds, out=keyed)

    def seconds(self, device: DeviceCodes, keyed: Seconds) -> Seconds:
        """Keys back to seconds (rounded to `resolution`)."""
        return keyed - np.multiply(device, self.width, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Holes:
    """Holes in coverage that may hold a gap, on the keyed line, sorted and disjoint."""

    start: Seconds
    end: Seconds
    end_s: Seconds
    """Each end in exact seconds (a segment's start), or +inf after the last segment."""


def _holes(segments: FleetSegments, slots: _Slots, *, tolerance_s: float) -> _Holes:
    """The complement of all coverage on the keyed line, less the holes too short to hold a gap."""
    if not segments.start.size:
        return _Holes(start=np.array([-np.inf]), end=np.array([np.inf]), end_s=np.array([np.inf]))
    keyed = np.multiply(segments.device, slots.width, dtype=np.float64)
    reach = np.add(keyed, segments.end)
    # One running maximum for the whole fleet: the slots keep devices from reaching into each other.
    np.maximum.accumulate(reach, out=reach)
    np.add(keyed, segments.start, out=keyed)
    # The hole before each segment, in place: its start minus everything before it reached.
    ahead = np.subtract(keyed[1:], reach[:-1], out=keyed[1:])
    # A hole no longer than the tolerance never holds a gap, however it is clipped; the slack
    # keeps holes whose keyed length rounded down to the tolerance.
    after = np.flatnonzero(ahead > tolerance_s - 2 * slots.resolution) + 1
    after = np.concatenate(([0], after))
    end_s = segments.start[after]
    return _Holes(
        start=np.concatenate(([-np.inf], reach[after[1:] - 1], reach[-1:])),
        end=np.append(slots.key(segments.device[after], end_s), np.inf),
        end_s=np.append(end_s, np.inf),
    )


@dataclass(frozen=True, slots=True)
class _Clipped:
    device: DeviceCodes
    window: Indices
    start: Seconds
    end: Seconds


def _clip_to_duty(holes: _Holes, duty: FleetDuty, slots: _Slots, *, tolerance_s: float) -> _Clipped:
    """Each hole's part inside each duty window, kept when longer than the tolerance."""
    win_start = slots.key(duty.device, duty.start)
    win_end = slots.key(duty.device, duty.end)
    # The holes overlapping a window: from the first ending after its start to the last starting before its end.
    first = np.searchsorted(holes.end, win_start, side="right")
    stop = np.searchsorted(holes.start, win_end, side="left")
    counts = np.maximum(stop - first, 0)
    window = np.repeat(np.arange(win_start.shape[0], dtype=np.int64), counts)
    offsets = np.arange(window.shape[0], dtype=np.int64) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    hole = np.repeat(first, counts) + offsets
    device = duty.device[window]
    # Back to seconds: where the window's bound or a segment's start wins, take it exactly.
    hole_start = holes.start[hole]
    start = np.where(
        hole_start > win_start[window], slots.seconds(device, hole_start), duty.start[window]
    )
    end = np.where(holes.end[hole] < win_end[window], holes.end_s[hole], duty.end[window])
    keep = (end - start) > tolerance_s
    return _Clipped(device=device[keep], window=window[keep], start=start[keep], end=end[keep])


def _first_stops(gaps: _Clipped, stops: FleetStops, slots: _Slots, *, lead_s: float) -> Indices:
    """For each gap, the first stop event of its device in [start - lead_s, end], or -1."""
    if not stops.time.size or not gaps.start.size:
        return np.full(gaps.start.shape, -1, dtype=np.int64)
    earliest = gaps.start - lead_s
    idx = np.searchsorted(
        slots.key(stops.device, stops.time), slots.key(gaps.device, earliest), side="left"
    )
    last = stops.time.shape[0] - 1
    # Keys round, seconds do not: step past events that only rounding let in (rarely any).
    while True:
        safe = np.minimum(idx, last)
        early = (idx <= last) & (stops.device[safe] == gaps.device) & (stops.time[safe] < earliest)
        if not early.any():
            break
        idx += early
    safe = np.minimum(idx, last)
    found = (idx <= last) & (stops.device[safe] == gaps.device) & (stops.time[safe] <= gaps.end)
    return np.where(found, idx, -1).astype(np.int64)
