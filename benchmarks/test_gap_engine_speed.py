"""The fleet gap engine on a synthetic precinct, next to DuckDB and a plain Python sweep.

Run (about a minute; not part of the default test run):

    .venv/bin/pytest benchmarks/test_gap_engine_speed.py --benchmark-only -o testpaths=benchmarks

All three contestants get the same columns, sorted by (device, start), and do the
same whole job: pick the stop-like events, find the holes in each device's coverage,
clip them to duty windows, keep those longer than the tolerance, and classify each by
the first stop event from one tolerance before it to its end. DuckDB scans the NumPy
arrays directly (a dict of arrays; neither pandas nor pyarrow is needed) and runs on
one thread, like the engine, and again on all of them. The tests assert that all
three find the same gaps; timings are only reported (table, then a summary with
ratios, segments/s and the engine's peak memory next to its input's size).
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.synthetic_precinct import Precinct, generate
from bodycam_guard.domain.gap_engine import fleet_gaps

TOLERANCE_S = 2.0


@dataclass(frozen=True)
class Found:
    """Gaps as (device, window row, start, end, event row in all events or -1), sorted."""

    device: npt.NDArray[np.int64]
    window: npt.NDArray[np.int64]
    start: npt.NDArray[np.float64]
    end: npt.NDArray[np.float64]
    event: npt.NDArray[np.int64]

    @classmethod
    def of(cls, device: Any, window: Any, start: Any, end: Any, event: Any) -> Found:
        """Normalised columns, in (device, start) order."""
        cols = [np.asarray(c) for c in (device, window, start, end, event)]
        order = np.lexsort((cols[2], cols[0]))
        return cls(*(c[order] for c in cols))


# --- Contestants ------------------------------------------------------------------------------------


def run_engine(precinct: Precinct) -> Found:
    """The NumPy engine, stop-event selection included."""
    stops, rows = precinct.stops()
    gaps = fleet_gaps(precinct.segments, precinct.duty, stops, tolerance_s=TOLERANCE_S)
    event = np.where(gaps.event >= 0, rows[np.maximum(gaps.event, 0)], -1)
    return Found.of(gaps.device, gaps.window, gaps.start, gaps.end, event)


GAPS_SQL = """
WITH ordered AS (
    SELECT device, start, "end",
           max("end") OVER (
               PARTITION BY device ORDER BY start
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS reach
    FROM seg
),
holes AS (
    SELECT device, coalesce(reach, '-inf'::DOUBLE) AS hole_start, start AS hole_end
    FROM ordered WHERE reach IS NULL OR start > reach
    UNION ALL
    SELECT device, max("end"), 'inf'::DOUBLE FROM seg GROUP BY device
),
long_holes AS (SELECT * FROM holes WHERE hole_end - hole_start > $tol),
clipped AS (
    SELECT w.device, w.row AS window,
           greatest(h.hole_start, w.start) AS gap_start, least(h.hole_end, w."end") AS gap_end
    FROM win w JOIN long_holes h
      ON h.device = w.device AND h.hole_start < w."end" AND h.hole_end > w.start
    UNION ALL
    SELECT w.device, w.row, w.start, w."end"
    FROM win w ANTI JOIN (SELECT DISTINCT device FROM seg) s ON s.device = w.device
),
reported AS (
    SELECT *, gap_start - $tol AS earliest FROM clipped WHERE gap_end - gap_start > $tol
)
SELECT r.device, r.window, r.gap_start, r.gap_end,
       CASE WHEN e.time <= r.gap_end THEN e.row ELSE -1 END AS event
FROM reported r
ASOF LEFT JOIN (SELECT device, time, row FROM ev WHERE kind > 0) e
  ON e.device = r.device AND r.earliest <= e.time
"""


@dataclass(frozen=True)
class DuckDBTables:
    """The precinct's arrays as DuckDB sees them: NumPy columns scanned in place."""

    seg: dict[str, npt.NDArray[Any]]
    win: dict[str, npt.NDArray[Any]]
    ev: dict[str, npt.NDArray[Any]]

    @classmethod
    def of(cls, p: Precinct) -> DuckDBTables:
        """Dicts of the same arrays, plus row numbers (DuckDB scans carry no row index)."""
        return cls(
            seg={"device": p.segments.device, "start": p.segments.start, "end": p.segments.end},
            win={
                "device": p.duty.device,
                "start": p.duty.start,
                "end": p.duty.end,
                "row": np.arange(p.duty.start.shape[0]),
            },
            ev={
                "device": p.events.device,
                "time": p.events.time,
                "kind": p.events.kind,
                "row": np.arange(p.events.time.shape[0]),
            },
        )


def duckdb_connection(tables: DuckDBTables, threads: int | None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the three tables registered (no copy made)."""
    con = duckdb.connect()
    if threads is not None:
        con.execute(f"SET threads = {threads}")
    con.register("seg", tables.seg)
    con.register("win", tables.win)
    con.register("ev", tables.ev)
    return con


def run_duckdb(con: duckdb.DuckDBPyConnection) -> Found:
    """The window query, clipping and ASOF classification, fetched as NumPy columns."""
    cols = con.execute(GAPS_SQL, {"tol": TOLERANCE_S}).fetchnumpy()
    event = np.asarray(cols["event"], dtype=np.int64)
    return Found.of(cols["device"], cols["window"], cols["gap_start"], cols["gap_end"], event)


def run_python(p: Precinct) -> Found:
    """A plain Python sweep: one loop over segments, then windows, then gaps."""
    holes = _python_holes(
        p.segments.device.tolist(), p.segments.start.tolist(), p.segments.end.tolist()
    )
    gaps = _python_clip(holes, p.duty.device.tolist(), p.duty.start.tolist(), p.duty.end.tolist())
    events = _python_classify(
        gaps, p.events.device.tolist(), p.events.time.tolist(), p.events.kind.tolist()
    )
    return Found.of(
        [g[0] for g in gaps],
        [g[1] for g in gaps],
        [g[2] for g in gaps],
        [g[3] for g in gaps],
        events,
    )


def _python_holes(
    device: list[int], start: list[float], end: list[float]
) -> dict[int, list[tuple[float, float]]]:
    holes: dict[int, list[tuple[float, float]]] = {}
    current, reach = -1, 0.0
    for d, s, e in zip(device, start, end, strict=True):
        if d != current:
            if current >= 0:
                holes[current].append((reach, float("inf")))
            holes[d] = [(float("-inf"), s)]
            current, reach = d, e
            continue
        if s > reach:
            holes[d].append((reach, s))
        reach = max(reach, e)
    if current >= 0:
        holes[current].append((reach, float("inf")))
    return holes


def _python_clip(
    holes: dict[int, list[tuple[float, float]]],
    device: list[int],
    start: list[float],
    end: list[float],
) -> list[tuple[int, int, float, float]]:
    gaps, cursor, current = [], 0, -1
    for row, (d, ws, we) in enumerate(zip(device, start, end, strict=True)):
        if d != current:
            cursor, current = 0, d
        own = holes.get(d, [(float("-inf"), float("inf"))])
        while cursor < len(own) and own[cursor][1] <= ws:
            cursor += 1
        i = cursor
        while i < len(own) and own[i][0] < we:
            gs, ge = max(own[i][0], ws), min(own[i][1], we)
            if ge - gs > TOLERANCE_S:
                gaps.append((d, row, gs, ge))
            i += 1
    return gaps


def _python_classify(
    gaps: list[tuple[int, int, float, float]],
    device: list[int],
    time: list[float],
    kind: list[int],
) -> list[int]:
    stops = [(d, t, row) for row, (d, t, k) in enumerate(zip(device, time, kind, strict=True)) if k]
    found, i = [], 0
    for d, _, gs, ge in gaps:
        earliest = gs - TOLERANCE_S
        while i < len(stops) and (stops[i][0], stops[i][1]) < (d, earliest):
            i += 1
        hit = i < len(stops) and stops[i][0] == d and stops[i][1] <= ge
        found.append(stops[i][2] if hit else -1)
    return found


# --- Benchmarks -------------------------------------------------------------------------------------


@dataclass
class Report:
    """What the summary prints: (min, median) seconds per contestant, and the engine's memory."""

    precinct: Precinct
    timings: dict[str, tuple[float, float]]
    peak_bytes: int = 0


@pytest.fixture(scope="module")
def precinct() -> Precinct:
    """The seeded precinct, generated once for the module."""
    return generate()


@pytest.fixture(scope="module")
def expected(precinct: Precinct) -> Found:
    """The engine's answer, which every contestant must match."""
    return run_engine(precinct)


@pytest.fixture(scope="module")
def report(precinct: Precinct, request: pytest.FixtureRequest) -> Iterator[Report]:
    """Collects the figures; prints the summary after the last benchmark of the module."""
    collected = Report(precinct=precinct, timings={})
    yield collected
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if terminal is None or capture is None or not collected.timings:
        return
    # Teardown output is captured like a test's; the summary is the point of the run.
    with capture.global_and_fixture_disabled():
        for line in _summary(collected):
            terminal.write_line(line)


def _summary(r: Report) -> list[str]:
    n = r.precinct.segments.start.shape[0]
    _, engine = r.timings.get("engine", (0.0, 0.0))
    lines = ["", f"gap engine summary: {n:,} segments, tolerance {TOLERANCE_S} s"]
    lines.append(
        f"  {'':<20} {'min ms':>9} {'median ms':>10} {'M seg/s (median)':>17} {'median / engine':>16}"
    )
    for name, (low, mid) in r.timings.items():
        ratio = f"{mid / engine:15.1f}x" if engine else ""
        lines.append(
            f"  {name:<20} {low * 1e3:9.1f} {mid * 1e3:10.1f} {n / mid / 1e6:17.1f} {ratio}"
        )
    if r.peak_bytes:
        inputs = r.precinct.nbytes()
        lines.append(
            f"  engine peak memory (tracemalloc) {r.peak_bytes / 2**20:.1f} MiB"
            f" for {inputs / 2**20:.1f} MiB of input columns: {r.peak_bytes / inputs:.2f}x"
        )
    return lines


def assert_same_gaps(got: Found, want: Found) -> None:
    """Same gaps, devices, windows and classifying events; boundaries within 1 ms."""
    assert got.device.shape == want.device.shape
    assert np.array_equal(got.device, want.device)
    assert np.array_equal(got.window, want.window)
    assert np.array_equal(got.event, want.event)
    assert np.allclose(got.start, want.start, rtol=0, atol=1e-3)
    assert np.allclose(got.end, want.end, rtol=0, atol=1e-3)


def _timing(benchmark: BenchmarkFixture) -> tuple[float, float]:
    stats = benchmark.stats
    assert stats is not None
    return float(stats.stats.min), float(stats.stats.median)


def test_engine(benchmark: BenchmarkFixture, precinct: Precinct, report: Report) -> None:
    found = benchmark.pedantic(run_engine, args=(precinct,), rounds=30, warmup_rounds=3)
    report.timings["engine"] = _timing(benchmark)
    # The injected switch-offs are exactly what stands out above the tolerance; a gap may
    # run on past the switch-on into the next file's late start (under 1.5 s).
    offs = precinct.switch_offs
    assert np.array_equal(found.device, offs.device)
    assert np.allclose(found.start, offs.start, rtol=0, atol=1e-6)
    assert np.all((found.end >= offs.end) & (found.end - offs.end < 1.5))


@pytest.mark.parametrize("threads", [1, None], ids=["duckdb-1-thread", "duckdb-all-threads"])
def test_duckdb(
    benchmark: BenchmarkFixture,
    precinct: Precinct,
    expected: Found,
    report: Report,
    threads: int | None,
) -> None:
    con = duckdb_connection(DuckDBTables.of(precinct), threads)
    found = benchmark.pedantic(run_duckdb, args=(con,), rounds=3, warmup_rounds=1)
    report.timings["duckdb-1-thread" if threads else "duckdb-all-threads"] = _timing(benchmark)
    assert_same_gaps(found, expected)


def test_python_sweep(
    benchmark: BenchmarkFixture, precinct: Precinct, expected: Found, report: Report
) -> None:
    found = benchmark.pedantic(run_python, args=(precinct,), rounds=1)
    report.timings["python"] = _timing(benchmark)
    assert_same_gaps(found, expected)


def test_engine_peak_memory(
    benchmark: BenchmarkFixture, precinct: Precinct, report: Report
) -> None:
    def measure() -> int:
        stops, _ = precinct.stops()
        tracemalloc.start()
        try:
            fleet_gaps(precinct.segments, precinct.duty, stops, tolerance_s=TOLERANCE_S)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    report.peak_bytes = benchmark.pedantic(measure, rounds=1)
