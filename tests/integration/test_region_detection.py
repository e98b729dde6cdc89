"""Re-detecting a region reads routine segments as columns and finds exactly what whole histories show.

The reference is the detector run over each device's whole history read as objects
(`histories.load`: every line and file). Seeded synthetic cameras carry every fault
incremental detection must get right (synthetic_device), so many of their segments are
not routine and the two readings meet on both kinds of segment.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bodycam_guard.adapters.db.engine import make_engine, migrate, session_factory
from bodycam_guard.adapters.db.tables import NameClashRow
from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
from bodycam_guard.bootstrap import judge_in_workers
from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.incidents import DetectionPolicy, Finding, IncidentFilter
from bodycam_guard.services.detect import detect_device, read_region
from bodycam_guard.services.detect_region import JudgedBatch, judge_in_process, redetect_region
from bodycam_guard.services.ports import UnitOfWorkFactory
from tests.integration.synthetic_device import NOW, store_bundle, synthetic_device

POLICY = DetectionPolicy()
DEVICES = [f"KZ-RGN-{seed:03d}" for seed in range(40)]


@pytest.fixture(scope="module")
def region_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder: Path = tmp_path_factory.mktemp("region")
    return f"sqlite:///{folder / 'region.sqlite'}"


@pytest.fixture(scope="module")
def region(region_url: str) -> Iterator[UnitOfWorkFactory]:
    """A store holding forty synthetic cameras' bundles, not yet detected."""
    engine = make_engine(region_url)
    migrate(engine)
    uow = partial(SqlUnitOfWork, session_factory(engine))
    for seed, device in enumerate(DEVICES):
        bundles, _ = synthetic_device(seed, device)
        for bundle in bundles:
            store_bundle(uow, device, bundle)
    yield uow
    engine.dispose()


def _by_id(findings: list[Finding]) -> dict[str, Finding]:
    return {f.incident_id: f for f in findings}


def test_routine_columns_give_the_findings_of_whole_histories(region: UnitOfWorkFactory) -> None:
    with region() as work:
        read = read_region(work, DEVICES, policy=POLICY)
        for device in DEVICES:
            whole = detect(work.histories.load(device), POLICY, now=NOW)
            assert _by_id(detect(read.histories[device], POLICY, now=NOW)) == _by_id(whole), device
            assert whole, device
    # Both readings were exercised: many segments routine, hundreds not.
    assert 0.3 * read.segments < read.routine < 0.7 * read.segments


def test_a_routine_segment_leaves_the_objects_read(region: UnitOfWorkFactory) -> None:
    with region() as work:
        read = read_region(work, DEVICES[:1], policy=POLICY)
        (history,) = read.histories.values()
        whole = work.histories.load(DEVICES[0])
    assert history.routine.segments > 0
    segment_lines = sum(1 for e in history.events if e.event.event == "segment")
    assert segment_lines + history.routine.segments == sum(
        1 for e in whole.events if e.event.event == "segment"
    )
    assert len(history.files) + history.routine.segments == len(whole.files)


def _incidents(uow: UnitOfWorkFactory) -> dict[str, tuple[object, ...]]:
    with uow() as work:
        found = work.incidents.list(IncidentFilter())
    return {i.id: (i.kind, i.severity, i.officer_id, i.start, i.end, i.evidence) for i in found}


def test_redetecting_the_region_matches_full_detection_and_is_idempotent(
    region: UnitOfWorkFactory, tmp_path: Path
) -> None:
    done: list[tuple[str, int, int]] = []
    first = redetect_region(
        uow=region,
        policy=POLICY,
        clock=lambda: NOW,
        batch=16,
        progress=lambda stage, d, t: done.append((stage, d, t)),
    )
    assert done == [
        *(
            (stage, d, 40)
            for stage in ("runs summarised", "devices re-detected")
            for d in (16, 32, 40)
        )
    ]
    assert first.devices == 40
    assert first.new == first.findings > 0
    stored = _incidents(region)
    # Full detection device by device, in a store of its own, finds the same incidents.
    other = make_engine(f"sqlite:///{tmp_path / 'each.sqlite'}")
    migrate(other)
    each = partial(SqlUnitOfWork, session_factory(other))
    for seed, device in enumerate(DEVICES):
        for bundle in synthetic_device(seed, device)[0]:
            store_bundle(each, device, bundle)
        detect_device(device, uow=each, policy=POLICY, clock=lambda: NOW)
    assert _incidents(each) == stored
    other.dispose()
    again = redetect_region(uow=region, policy=POLICY, clock=lambda: NOW)
    assert (again.new, again.retracted, again.findings) == (0, 0, first.findings)
    assert _incidents(region) == stored


def test_a_looser_tolerance_retracts_what_it_no_longer_flags(region: UnitOfWorkFactory) -> None:
    redetect_region(uow=region, policy=POLICY, clock=lambda: NOW)
    before = _incidents(region)
    loose = replace(POLICY, tolerance_s=120.0)
    report = redetect_region(uow=region, policy=loose, clock=lambda: NOW, devices=DEVICES[:10])
    after = _incidents(region)
    assert report.retracted > 0
    assert set(after) < set(before)
    for device in DEVICES[:10]:
        with region() as work:
            expected = detect(work.histories.load(device), loose, now=NOW)
            still_open = work.incidents.list(IncidentFilter(device_id=device))
        assert {i.id for i in still_open} == set(_by_id(expected)), device
    redetect_region(uow=region, policy=POLICY, clock=lambda: NOW)
    assert set(_incidents(region)) == set(before)


def test_worker_processes_judge_as_this_process_does(
    region: UnitOfWorkFactory, region_url: str
) -> None:
    redetect_region(uow=region, policy=POLICY, clock=lambda: NOW)
    before = _incidents(region)
    loose = replace(POLICY, tolerance_s=120.0)
    workers = judge_in_workers(region_url, 2)
    report = redetect_region(uow=region, policy=loose, clock=lambda: NOW, batch=8, judge=workers)
    assert report.devices == 40 and report.retracted > 0
    for device in DEVICES:
        with region() as work:
            expected = detect(work.histories.load(device), loose, now=NOW)
            still_open = work.incidents.list(IncidentFilter(device_id=device))
        assert {i.id for i in still_open} == set(_by_id(expected)), device
    redetect_region(uow=region, policy=POLICY, clock=lambda: NOW, batch=8, judge=workers)
    assert _incidents(region) == before


def test_a_batch_a_new_upload_reached_after_judging_is_judged_again(tmp_path: Path) -> None:
    """An upload stored between judging a batch and writing it must not be overwritten."""
    engine = make_engine(f"sqlite:///{tmp_path / 'racing.sqlite'}")
    migrate(engine)
    uow = partial(SqlUnitOfWork, session_factory(engine))
    cameras = {f"KZ-RACE-{seed}": synthetic_device(seed, f"KZ-RACE-{seed}")[0] for seed in range(3)}
    late_device = "KZ-RACE-1"
    for device, bundles in cameras.items():
        for bundle in bundles[:-1] if device == late_device else bundles:
            store_bundle(uow, device, bundle)
    stale: list[JudgedBatch] = []

    def judge_then_upload(
        batches: Sequence[Sequence[str]], policy: DetectionPolicy, now: datetime
    ) -> Iterator[JudgedBatch]:
        for judged in judge_in_process(uow)(batches, policy, now):
            if late_device in judged.devices:
                store_bundle(uow, late_device, cameras[late_device][-1])  # docked meanwhile
                stale.append(judged)
            yield judged

    redetect_region(uow=uow, policy=POLICY, clock=lambda: NOW, batch=1, judge=judge_then_upload)

    def open_ids() -> set[str]:
        with uow() as work:
            return {i.id for i in work.incidents.list(IncidentFilter(device_id=late_device))}

    written = open_ids()
    report = detect_device(late_device, uow=uow, policy=POLICY, clock=lambda: NOW)
    assert (report.new, report.retracted) == (0, 0)  # full detection finds just what was written
    assert open_ids() == written
    (judged,) = stale
    assert {f.incident_id for f in judged.findings[late_device]} != written  # it was stale
    engine.dispose()


def test_clashing_names_are_recorded_as_bundles_are_stored(region: UnitOfWorkFactory) -> None:
    """What ingest records equals grouping every name of every device, as migration 0010 does."""
    grouped = text(
        "SELECT device_id, file FROM device_events WHERE file IS NOT NULL"
        " GROUP BY device_id, file HAVING count(*) > 1"
        " UNION"
        " SELECT device_id, path FROM segments GROUP BY device_id, path HAVING count(*) > 1"
    )
    with region() as work:
        expected = {(d, p) for d, p in work.session.execute(grouped)}
        recorded = {(r.device_id, r.path) for r in work.session.scalars(select(NameClashRow))}
    assert recorded == expected
    assert len(expected) > 10
