"""Re-detection of many cameras' whole histories on a 10-million-segment SQLite store.

Run (the first run builds the cached store under /tmp, which takes a while):

    .venv/bin/pytest -o testpaths=benchmarks benchmarks/test_region_redetection.py -s

(`--benchmark-only` would skip the last test, which compares findings and times nothing.)

The store (`synthetic_store`) holds 1,000 cameras x 80 days x 120 segments. What is
timed is `redetect_region` over cameras 1 to K (K from BODYCAM_BENCH_REGION_CAMERAS,
20 unless set; camera 0 is left out, as the incremental benchmark uploads to it): in
batches, it reads each bundle's runs of routine footage (summarised when the bundle
was stored, or on the first run for bundles of the cached store) and the rest of the
cameras' segment lines as numpy columns, and reconciles each camera's incidents. The named peer, in the same run
over the same cameras, is the per-device object path: each camera's history loaded
with `histories.load` (every event and file a Python object), `detect`, then the same
reconciliation and bookkeeping, one transaction per camera. Before timing,
`redetect_region` runs once so the incidents are current, and every timed round
reconciles rather than creates. A last test checks that both paths find the same
incidents, camera by camera, without writing. Timings are reported, not asserted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar, cast

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import func, select

from benchmarks.synthetic_store import (
    CAMERAS,
    DAYS,
    SEGMENTS_PER_SHIFT,
    camera_id,
    ensure_store,
)
from bodycam_guard.adapters.db.engine import make_engine, session_factory
from bodycam_guard.adapters.db.tables import DeviceEventRow
from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.incidents import DetectionPolicy, Finding
from bodycam_guard.domain.rfc3339 import parse_rfc3339
from bodycam_guard.services.detect import read_region
from bodycam_guard.services.detect_region import RegionReport, redetect_region

NOW = datetime(2026, 6, 1, tzinfo=UTC)
POLICY = DetectionPolicy()
K = int(os.environ.get("BODYCAM_BENCH_REGION_CAMERAS", "20"))
DEVICES = [camera_id(n) for n in range(1, K + 1)]
GROUP = f"re-detection of {K} cameras x {DAYS} days (store of {CAMERAS} cameras)"
MEANS: dict[str, float] = {}
"""Mean seconds per round of each timed path, for the ratio printed after the peer."""

T = TypeVar("T")
Uow = partial[SqlUnitOfWork]


@pytest.fixture(scope="module")
def store() -> Iterator[tuple[Uow, int]]:
    """The cached store with the chosen cameras' incidents current; their segment lines."""
    engine = make_engine(f"sqlite:///{ensure_store()}")
    uow = partial(SqlUnitOfWork, session_factory(engine))
    with uow() as work:
        segments = work.session.scalar(
            select(func.count())
            .select_from(DeviceEventRow)
            .where(DeviceEventRow.device_id.in_(DEVICES), DeviceEventRow.event == "segment")
        )
    assert segments == K * DAYS * SEGMENTS_PER_SHIFT, segments
    redetect_region(uow=uow, policy=POLICY, clock=lambda: NOW, devices=DEVICES)
    yield uow, segments
    engine.dispose()


def _fresh() -> None:
    """Forget parsed times before each round, as a fresh process would have."""
    parse_rfc3339.cache_clear()


def _timed(benchmark: BenchmarkFixture, run: Callable[[], T], *, rounds: int) -> T:
    """`benchmark.pedantic` (untyped upstream) with a typed result."""
    pedantic = cast(Callable[..., T], benchmark.pedantic)
    return pedantic(run, setup=_fresh, rounds=rounds, warmup_rounds=0)


def _mean(benchmark: BenchmarkFixture) -> float | None:
    stats = benchmark.stats
    return None if stats is None else float(stats.stats.mean)


def _object_path(uow: Uow) -> int:
    """The peer: each camera loaded as objects, detected and reconciled in its own transaction."""
    findings = 0
    for device_id in DEVICES:
        with uow() as work:
            found = detect(work.histories.load(device_id), POLICY, now=NOW)
            work.incidents.reconcile(device_id, found, POLICY, NOW)
            work.bundles.mark_detected(device_id)
            work.commit()
        findings += len(found)
    return findings


def test_region_redetection(benchmark: BenchmarkFixture, store: tuple[Uow, int]) -> None:
    uow, segments = store
    benchmark.group = GROUP
    report: RegionReport = _timed(
        benchmark,
        lambda: redetect_region(uow=uow, policy=POLICY, clock=lambda: NOW, devices=DEVICES),
        rounds=3,
    )
    assert report.devices == K
    assert report.segments == segments
    assert report.routine > 0.99 * report.segments, (report.routine, report.segments)
    assert report.new == 0, report  # incidents were current before timing
    mean = _mean(benchmark)
    if mean is not None:
        MEANS["region"] = mean
    benchmark.extra_info.update(
        cameras=K,
        segments=report.segments,
        routine=report.routine,
        findings=report.findings,
        segments_per_s=round(report.segments / mean) if mean else None,
    )


def test_object_path_redetection(
    benchmark: BenchmarkFixture, store: tuple[Uow, int], capsys: pytest.CaptureFixture[str]
) -> None:
    uow, segments = store
    benchmark.group = GROUP
    findings = _timed(benchmark, lambda: _object_path(uow), rounds=1)
    mean = _mean(benchmark)
    benchmark.extra_info.update(
        cameras=K,
        segments=segments,
        findings=findings,
        segments_per_s=round(segments / mean) if mean else None,
    )
    if mean is not None and "region" in MEANS:
        with capsys.disabled():
            print(
                f"\n{GROUP}: object path {mean:.2f} s, region {MEANS['region']:.2f} s,"
                f" object path / region = {mean / MEANS['region']:.1f}x"
            )


def _by_id(findings: list[Finding]) -> dict[str, Finding]:
    return {f.incident_id: f for f in findings}


def test_both_paths_find_the_same(store: tuple[Uow, int]) -> None:
    uow, _ = store
    with uow() as work:
        histories = read_region(work, DEVICES, policy=POLICY).histories
        assert sorted(histories) == sorted(DEVICES)
        columns = {d: _by_id(detect(histories[d], POLICY, now=NOW)) for d in DEVICES}
    differing = {}
    for device_id in DEVICES:
        with uow() as work:
            objects = _by_id(detect(work.histories.load(device_id), POLICY, now=NOW))
        if objects != columns[device_id]:
            differing[device_id] = {
                "only_objects": [f for i, f in objects.items() if i not in columns[device_id]],
                "only_columns": [f for i, f in columns[device_id].items() if i not in objects],
                "unequal": [
                    (f, columns[device_id][i])
                    for i, f in objects.items()
                    if i in columns[device_id] and f != columns[device_id][i]
                ],
            }
    assert not differing, differing
