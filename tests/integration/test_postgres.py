"""The same intake and detection on PostgreSQL, the production database."""

from __future__ import annotations

import pytest

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.domain.incidents import IncidentFilter, incident_record
from bodycam_guard.services.intake import take_in
from bodycam_guard.services.list_incidents import get_incident, list_incidents
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
