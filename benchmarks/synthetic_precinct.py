"""A synthetic precinct for the gap engine benchmark, pinned by seed.

1,000 cameras x 30 days x one 10-hour shift a day, recorded as 5-minute segments
(about 3.6 M segments) with about 1 M device events. Cameras roll files over with
small jitter: the next file may start up to 1.5 s late (a hole under the 2 s
tolerance) or the previous one may run up to 0.5 s long (an overlap). In 2 % of the
shifts the officer switches the camera off for 5 to 30 minutes: a stop-like event
within a tolerance before the gap, then no footage. Everything is built with array
operations, so the precinct is ready in a few seconds.

Event kind codes: 0 is not stop-like (undock, dock, battery, GPS...), the others are
what `coverage_rules.stop_kind` would say of the stop event (see `KIND_NAMES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bodycam_guard.domain.gap_engine import FleetDuty, FleetSegments, FleetStops

SEED = 20240601
EPOCH_S = 1_717_200_000.0
"""2024-06-01 UTC: times are Unix seconds, as on the reference clock."""
CAMERAS, DAYS = 1_000, 30
SHIFT_S, SEGMENT_S = 36_000.0, 300.0
SEGMENTS_PER_SHIFT = int(SHIFT_S // SEGMENT_S)
SWITCH_OFF_SHARE = 0.02
STATUS_EVENTS_PER_SHIFT = 26
TRANSIENT_FAULTS_PER_SHIFT = 3
KIND_NAMES = {1: "camera_off", 2: "battery_depleted", 3: "device_fault", 4: "unexplained_gap"}


@dataclass(frozen=True, slots=True)
class SwitchOffs:
    """The injected switch-offs: what a correct engine must report, and nothing else above tolerance."""

    device: npt.NDArray[np.int32]
    start: npt.NDArray[np.float64]
    end: npt.NDArray[np.float64]
    kind: npt.NDArray[np.int8]


@dataclass(frozen=True, slots=True)
class Precinct:
    """Engine input for the whole precinct, every table sorted by (device, time)."""

    segments: FleetSegments
    duty: FleetDuty
    events: FleetStops
    """All device events; kind 0 marks the ones that are not stop-like."""
    switch_offs: SwitchOffs

    def stops(self) -> tuple[FleetStops, npt.NDArray[np.int64]]:
        """The stop-like events only, and their rows in `events`."""
        rows = np.flatnonzero(self.events.kind > 0)
        e = self.events
        return FleetStops(device=e.device[rows], time=e.time[rows], kind=e.kind[rows]), rows

    def nbytes(self) -> int:
        """Bytes of the engine's input columns (segments, duty windows, stop events)."""
        stops, _ = self.stops()
        tables = (self.segments, self.duty)
        return sum(a.nbytes for t in tables for a in (t.device, t.start, t.end)) + sum(
            a.nbytes for a in (stops.device, stops.time, stops.kind)
        )


def generate(seed: int = SEED, cameras: int = CAMERAS, days: int = DAYS) -> Precinct:
    """The precinct for this seed: same seed, same arrays, byte for byte."""
    rng = np.random.default_rng(seed)
    shifts = cameras * days
    device = np.repeat(np.arange(cameras, dtype=np.int32), days)
    shift_start = _shift_starts(rng, cameras, days)
    shift_end = shift_start + SHIFT_S + rng.uniform(0.0, 1.5, shifts)
    start, end = _rolling_segments(rng, shift_start)
    switch_offs, start, end = _switch_offs(rng, device, shift_start, start, end)
    keep = end > start
    seg_device = np.broadcast_to(device[:, None], start.shape)[keep]
    segments = FleetSegments(device=seg_device, start=start[keep], end=end[keep])
    duty = FleetDuty(device=device, start=shift_start, end=shift_end)
    events = _events(rng, device, shift_start, shift_end, switch_offs)
    return Precinct(segments=segments, duty=duty, events=events, switch_offs=switch_offs)


def _shift_starts(rng: np.random.Generator, cameras: int, days: int) -> npt.NDArray[np.float64]:
    # Each camera works one of three shift patterns; shifts of one camera never overlap.
    hour = rng.choice(np.array([6.0, 14.0, 22.0]), cameras)
    day = np.arange(days, dtype=np.float64) * 86_400.0
    jitter = rng.uniform(-600.0, 600.0, (cameras, days))
    starts = EPOCH_S + day[None, :] + hour[:, None] * 3_600.0 + jitter
    return starts.reshape(-1)


def _rolling_segments(
    rng: np.random.Generator, shift_start: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(shifts x segments) start and end: file k nominally covers [300 k, 300 (k + 1)) of the shift."""
    shape = (shift_start.shape[0], SEGMENTS_PER_SHIFT)
    nominal = shift_start[:, None] + np.arange(SEGMENTS_PER_SHIFT) * SEGMENT_S
    late = np.where(rng.random(shape) < 0.25, rng.uniform(0.0, 1.5, shape), 0.0)
    late[:, 0] = rng.uniform(0.0, 1.5, shape[0])
    long = np.where(rng.random(shape) < 0.3, rng.uniform(0.0, 0.5, shape), 0.0)
    long[:, -1] = 0.0
    return nominal + late, nominal + SEGMENT_S + long


def _switch_offs(
    rng: np.random.Generator,
    device: npt.NDArray[np.int32],
    shift_start: npt.NDArray[np.float64],
    start: npt.NDArray[np.float64],
    end: npt.NDArray[np.float64],
) -> tuple[SwitchOffs, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Cut 5 to 30 minutes out of 2 % of the shifts; files wholly inside become empty (dropped)."""
    shifts = shift_start.shape[0]
    hit = np.flatnonzero(rng.random(shifts) < SWITCH_OFF_SHARE)
    # Starting in file 5..110 and lasting at least one file keeps each cut inside its shift
    # and never inside a single file.
    k = rng.integers(5, 111, hit.shape[0])
    off = shift_start[hit] + k * SEGMENT_S + rng.uniform(10.0, 290.0, hit.shape[0])
    on = off + rng.uniform(300.0, 1_800.0, hit.shape[0])
    start, end = start.copy(), end.copy()
    s, e = start[hit], end[hit]
    lo, hi = off[:, None], on[:, None]
    e = np.where((s < lo) & (e > lo), lo, e)
    s = np.where((s < hi) & (e > hi), hi, s)
    inside = (s >= lo) & (e <= hi)
    s[inside] = e[inside] = lo[np.nonzero(inside)[0], 0]
    start[hit], end[hit] = s, e
    kind = rng.choice(np.array([1, 1, 1, 2, 3, 4], dtype=np.int8), hit.shape[0])
    return SwitchOffs(device=device[hit], start=off, end=on, kind=kind), start, end


def _events(
    rng: np.random.Generator,
    device: npt.NDArray[np.int32],
    shift_start: npt.NDArray[np.float64],
    shift_end: npt.NDArray[np.float64],
    switch_offs: SwitchOffs,
) -> FleetStops:
    """About 33 events a shift: undock, dock, status, transient faults, stop at dock, sleep after."""
    shifts = shift_start.shape[0]
    length = (shift_end - shift_start)[:, None]
    status = shift_start[:, None] + rng.random((shifts, STATUS_EVENTS_PER_SHIFT)) * length
    faults = shift_start[:, None] + rng.random((shifts, TRANSIENT_FAULTS_PER_SHIFT)) * length
    parts = [
        (device, shift_start, 0),
        (device, shift_end, 0),
        (np.repeat(device, STATUS_EVENTS_PER_SHIFT), status.reshape(-1), 0),
        (np.repeat(device, TRANSIENT_FAULTS_PER_SHIFT), faults.reshape(-1), 3),
        # The camera stops recording at the dock and sleeps in it: stop-like, but off duty.
        (device, shift_end - 0.5, 4),
        (device, shift_end + rng.uniform(5.0, 600.0, shifts), 1),
    ]
    dev = np.concatenate([p[0] for p in parts]).astype(np.int32)
    time = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(p[1].shape, p[2], dtype=np.int8) for p in parts])
    # The switch-off's own stop event: up to 1.5 s before the footage stops (inside the tolerance).
    dev = np.concatenate((dev, switch_offs.device))
    time = np.concatenate(
        (time, switch_offs.start - rng.uniform(0.0, 1.5, switch_offs.start.shape))
    )
    kind = np.concatenate((kind, switch_offs.kind))
    order = np.lexsort((time, dev))
    return FleetStops(device=dev[order], time=time[order], kind=kind[order])
