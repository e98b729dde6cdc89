"""The fleet gap engine against a naive per-interval reference, device by device.

Times are drawn on a quarter-second grid so keyed times are exact and results can be
compared with `==`; gaps exactly one tolerance long therefore come up often. One test
runs at Unix-epoch scale, where boundaries agree within a microsecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bodycam_guard.domain.gap_engine import (
    FleetDuty,
    FleetGaps,
    FleetSegments,
    FleetStops,
    fleet_gaps,
)

Interval = tuple[float, float]
Gap = tuple[int, int, float, float, int]
"""(device, window row, start, end, stop event row or -1)."""


@dataclass(frozen=True)
class Device:
    """One device's inputs as plain Python lists."""

    code: int
    segments: list[Interval]
    windows: list[Interval]
    stops: list[tuple[float, int]]


# --- The naive reference: one interval, one piece, one event at a time -----------------------------


def _covers(intervals: Sequence[Interval], t: float) -> bool:
    return any(s <= t <= e for s, e in intervals)


def naive_uncovered(window: Interval, intervals: Sequence[Interval]) -> list[Interval]:
    """Maximal stretches of the window covered by no closed interval (a covered point splits)."""
    ws, we = window
    cuts = sorted({ws, we, *(x for s, e in intervals for x in (s, e) if ws < x < we)})
    stretches: list[list[float]] = []
    for a, b in pairwise(cuts):
        if _covers(intervals, (a + b) / 2):
            continue
        if stretches and stretches[-1][1] == a and not _covers(intervals, a):
            stretches[-1][1] = b
        else:
            stretches.append([a, b])
    return [(a, b) for a, b in stretches]


def naive_first_stop(stops: Sequence[tuple[float, int]], gap: Interval, lead_s: float) -> int:
    """Row of the first stop (in time order) within [gap start - lead, gap end], or -1."""
    for row, (t, _kind) in enumerate(stops):
        if gap[0] - lead_s <= t <= gap[1]:
            return row
    return -1


def naive_fleet(devices: Sequence[Device], tolerance_s: float) -> list[Gap]:
    """Every reportable gap of every device, rows numbered across the fleet as the engine does."""
    gaps: list[Gap] = []
    window_row = stop_row = 0
    for device in devices:
        for w, window in enumerate(device.windows):
            for gap in naive_uncovered(window, device.segments):
                if gap[1] - gap[0] > tolerance_s:
                    found = naive_first_stop(device.stops, gap, tolerance_s)
                    event = stop_row + found if found >= 0 else -1
                    gaps.append((device.code, window_row + w, gap[0], gap[1], event))
        window_row += len(device.windows)
        stop_row += len(device.stops)
    return gaps


# --- Building engine input --------------------------------------------------------------------------


def columns(devices: Sequence[Device]) -> tuple[FleetSegments, FleetDuty, FleetStops]:
    """Columnar, (device, time)-sorted engine input from per-device lists."""
    seg = [(d.code, s, e) for d in devices for s, e in sorted(d.segments)]
    win = [(d.code, s, e) for d in devices for s, e in d.windows]
    ev = [(d.code, t, k) for d in devices for t, k in d.stops]
    return (
        FleetSegments(
            device=np.array([r[0] for r in seg], dtype=np.int32),
            start=np.array([r[1] for r in seg], dtype=np.float64),
            end=np.array([r[2] for r in seg], dtype=np.float64),
        ),
        FleetDuty(
            device=np.array([r[0] for r in win], dtype=np.int32),
            start=np.array([r[1] for r in win], dtype=np.float64),
            end=np.array([r[2] for r in win], dtype=np.float64),
        ),
        FleetStops(
            device=np.array([r[0] for r in ev], dtype=np.int32),
            time=np.array([r[1] for r in ev], dtype=np.float64),
            kind=np.array([r[2] for r in ev], dtype=np.int8),
        ),
    )


def as_rows(gaps: FleetGaps) -> list[Gap]:
    """The engine's answer as plain tuples."""
    return list(
        zip(
            gaps.device.tolist(),
            gaps.window.tolist(),
            gaps.start.tolist(),
            gaps.end.tolist(),
            gaps.event.tolist(),
            strict=True,
        )
    )


def run(devices: Sequence[Device], tolerance_s: float) -> FleetGaps:
    """The engine on these devices."""
    return fleet_gaps(*columns(devices), tolerance_s=tolerance_s)


# --- Strategies -------------------------------------------------------------------------------------

grid = st.integers(min_value=0, max_value=160).map(lambda q: q / 4)
tolerances = st.sampled_from([0.0, 0.25, 1.0, 2.0, 3.5])


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    """Overlapping, touching, nested and zero-length intervals all come up on a coarse grid."""
    start = draw(grid)
    length = draw(st.integers(min_value=0, max_value=40)) / 4
    return (start, start + length)


@st.composite
def disjoint_windows(draw: st.DrawFn) -> list[Interval]:
    """Sorted duty windows that may touch or be empty, never overlap."""
    cuts = sorted(draw(st.lists(grid, max_size=8)))
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]


@st.composite
def devices(draw: st.DrawFn, code: int) -> Device:
    """One device: coverage, duty and stop events, any of them possibly empty."""
    return Device(
        code=code,
        segments=draw(st.lists(intervals(), max_size=12)),
        windows=draw(disjoint_windows()),
        stops=sorted(draw(st.lists(st.tuples(grid, st.integers(1, 5)), max_size=6))),
    )


@st.composite
def fleets(draw: st.DrawFn) -> list[Device]:
    """A few devices with sparse, sorted codes."""
    codes = sorted(draw(st.sets(st.integers(min_value=0, max_value=40), max_size=5)))
    return [draw(devices(code)) for code in codes]


# --- Properties -------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(fleet=fleets(), tolerance_s=tolerances)
def test_fleet_matches_the_naive_reference(fleet: list[Device], tolerance_s: float) -> None:
    assert as_rows(run(fleet, tolerance_s)) == naive_fleet(fleet, tolerance_s)


@settings(max_examples=200, deadline=None)
@given(fleet=fleets(), tolerance_s=tolerances)
def test_fleet_equals_each_device_alone(fleet: list[Device], tolerance_s: float) -> None:
    together = as_rows(run(fleet, tolerance_s))
    alone: list[Gap] = []
    window_row = stop_row = 0
    for device in fleet:
        for code, window, start, end, event in as_rows(run([device], tolerance_s)):
            shifted = stop_row + event if event >= 0 else -1
            alone.append((code, window_row + window, start, end, shifted))
        window_row += len(device.windows)
        stop_row += len(device.stops)
    assert together == alone


@settings(max_examples=200, deadline=None)
@given(fleet=fleets(), tolerance_s=tolerances)
def test_kind_is_the_classifying_events_code(fleet: list[Device], tolerance_s: float) -> None:
    _, _, stops = columns(fleet)
    gaps = run(fleet, tolerance_s)
    expected = [int(stops.kind[e]) if e >= 0 else -1 for e in gaps.event.tolist()]
    assert gaps.kind.tolist() == expected


# --- Examples ---------------------------------------------------------------------------------------


def test_a_gap_exactly_one_tolerance_long_is_not_reported() -> None:
    device = Device(0, [(0.0, 10.0), (12.0, 20.0), (23.0, 30.0)], [(0.0, 30.0)], [])
    assert as_rows(run([device], 2.0)) == [(0, 0, 20.0, 23.0, -1)]


def test_a_stop_one_tolerance_before_the_gap_classifies_it() -> None:
    device = Device(3, [(0.0, 10.0), (20.0, 30.0)], [(0.0, 30.0)], [(7.99, 1), (8.0, 2)])
    assert as_rows(run([device], 2.0)) == [(3, 0, 10.0, 20.0, 1)]


def test_a_stop_of_another_device_does_not_classify_the_gap() -> None:
    quiet = Device(1, [(0.0, 10.0), (20.0, 30.0)], [(0.0, 30.0)], [])
    noisy = Device(2, [(0.0, 30.0)], [(0.0, 30.0)], [(12.0, 1)])
    assert as_rows(run([quiet, noisy], 2.0)) == [(1, 0, 10.0, 20.0, -1)]


def test_a_window_with_no_coverage_is_one_gap() -> None:
    covered = Device(0, [(0.0, 100.0)], [(0.0, 100.0)], [])
    bare = Device(5, [], [(10.0, 50.0)], [(9.0, 4)])
    assert as_rows(run([covered, bare], 2.0)) == [(5, 1, 10.0, 50.0, 0)]


def test_nothing_in_nothing_out() -> None:
    gaps = run([], 2.0)
    assert len(gaps) == 0
    assert gaps.kind.dtype == np.int8


def test_at_epoch_scale_boundaries_agree_within_a_microsecond() -> None:
    rng = np.random.default_rng(7)
    base = 1_717_200_000.123
    fleet = []
    for code in range(0, 2_000, 97):
        starts = base + np.sort(rng.uniform(0, 30 * 86_400, 40))
        ends = starts + rng.uniform(0, 40_000, 40)
        window = (base + 1_000.0, base + 30 * 86_400.0)
        stops = sorted((float(t), 1) for t in base + rng.uniform(0, 30 * 86_400, 20))
        fleet.append(Device(code, list(zip(starts, ends, strict=True)), [window], stops))
    got = as_rows(run(fleet, 2.0))
    want = naive_fleet(fleet, 2.0)
    assert [(g[0], g[1], g[4]) for g in got] == [(w[0], w[1], w[4]) for w in want]
    for g, w in zip(got, want, strict=True):
        assert g[2] == pytest.approx(w[2], abs=1e-6)
        assert g[3] == pytest.approx(w[3], abs=1e-6)


@pytest.mark.parametrize(
    ("segments", "duty", "message"),
    [
        (
            FleetSegments(np.zeros(2, np.int32), np.zeros(2), np.zeros(3)),
            FleetDuty(np.zeros(0, np.int32), np.zeros(0), np.zeros(0)),
            "segments: expected columns of one length",
        ),
        (
            FleetSegments(np.zeros(0, np.int32), np.zeros(0), np.zeros(0)),
            FleetDuty(np.array([-1], np.int32), np.zeros(1), np.ones(1)),
            "duty: expected device codes from 0",
        ),
        (
            FleetSegments(np.array([1 << 30], np.int32), np.zeros(1), np.full(1, 3.2e7)),
            FleetDuty(np.zeros(0, np.int32), np.zeros(0), np.zeros(0)),
            "expected keyed times rounded to at most",
        ),
    ],
)
def test_malformed_columns_are_refused(
    segments: FleetSegments, duty: FleetDuty, message: str
) -> None:
    stops = FleetStops(np.zeros(0, np.int32), np.zeros(0), np.zeros(0, np.int8))
    with pytest.raises(ValueError, match=message):
        fleet_gaps(segments, duty, stops, tolerance_s=2.0)
