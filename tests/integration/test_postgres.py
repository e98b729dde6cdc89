"""The same intake and detection on PostgreSQL, the production database."""

from __future__ import annotations

import random

import pytest

from bodycam_guard.bootstrap import Runtime, judge_in_workers
from bodycam_guard.domain.incidents import IncidentFilter, incident_record
from bodycam_guard.services.detect_region import redetect_region
from bodycam_guard.services.detect_upload import detect_after_upload
from bodycam_guard.services.detection_slice import HistorySlice, plan_slice
from bodycam_guard.services.intake import take_in
from bodycam_guard.services.list_incidents import get_incident, list_incidents
from tests.integration.quiet_camera import SCENARIOS, scenario_bundles
from tests.integration.synthetic_device import NOW, open_incidents, store_bundle, synthetic_device
from tests.support import SAMPLES, expected_incidents, register_sample_keys

pytestmark = pytest.mark.postgres


def test_samples_on_postgres_give_the_expected_incidents_once(pg_runtime: Runtime) -> None:
    rt = pg_runtime
    assert rt.engine.dialect.name == "postgresql"
    folders = sorted(SAMPLES / name for name in expected_incidents())
    register_sample_keys(rt)
    for _ in range(2):  # the second pass must change nothing
        summary = take_in(
            folders,
            uow=rt.uow,
            blobs=rt.blobs,
            probe=rt.probe,
            clock=rt.clock,
            policy=rt.policy,
            quarantine_root=rt.settings.quarantine,
        )
        assert summary.ok
    found = list_incidents(IncidentFilter(), uow=rt.uow)
    got = sorted(
        (i.device_id, r["kind"], r["start"], r["end"]) for i in found if (r := incident_record(i))
    )
    want = sorted(
        (name.split("_")[0], x["kind"], x["start"], x["end"])
        for name, items in expected_incidents().items()
        for x in items
    )
    assert got == want


def test_times_come_back_aware_utc_from_postgres(pg_runtime: Runtime) -> None:
    rt = pg_runtime
    take_in(
        [next(p for p in SAMPLES.iterdir() if p.name.startswith("KZ-AST-0002_"))],
        uow=rt.uow,
        blobs=rt.blobs,
        probe=rt.probe,
        clock=rt.clock,
        policy=rt.policy,
        quarantine_root=rt.settings.quarantine,
    )
    (first, *_) = list_incidents(IncidentFilter(), uow=rt.uow)
    again = get_incident(first.id, uow=rt.uow)
    assert again is not None and again.start is not None
    assert again.start.utcoffset() is not None and again.start.utcoffset().total_seconds() == 0


def test_incremental_and_region_detection_agree_on_postgres(pg_runtime: Runtime) -> None:
    """Slices with unread runs after each upload, then the region re-judged in worker processes.

    Cameras with long runs of routine footage and cameras with every fault arrive in
    shuffled order; after the last upload, re-detecting every device's whole history
    (two worker processes, one device per batch) changes nothing.
    """
    rt = pg_runtime
    cameras = {f"PG-QUIET-{name}": scenario_bundles(name, f"PG-QUIET-{name}") for name in SCENARIOS}
    cameras |= {f"PG-SYN-{seed}": synthetic_device(seed, f"PG-SYN-{seed}")[0] for seed in range(4)}
    arrivals = [(device, bundle) for device, bundles in cameras.items() for bundle in bundles]
    random.Random(7).shuffle(arrivals)
    unread = 0
    for device, bundle in arrivals:
        store_bundle(rt.uow, device, bundle)
        with rt.uow() as work:
            plan = plan_slice(work.slices, device, policy=rt.policy, now=NOW)
        unread += plan.history.routine.segments if isinstance(plan, HistorySlice) else 0
        detect_after_upload(device, uow=rt.uow, policy=rt.policy, clock=lambda: NOW)
    assert unread > 0
    before = {d: open_incidents(rt.uow, d) for d in cameras}
    report = redetect_region(
        uow=rt.uow,
        policy=rt.policy,
        clock=lambda: NOW,
        batch=1,
        judge=judge_in_workers(rt.settings.resolved_database_url(), 2),
    )
    assert (report.devices, report.new, report.retracted) == (len(cameras), 0, 0)
    assert {d: open_incidents(rt.uow, d) for d in cameras} == before
