"""Compliance figures per shift, officer and unit, from real sample shifts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.services.compliance_report import compliance_report
from bodycam_guard.services.intake import take_in
from tests.support import FIXED_NOW, sample_bundle


@pytest.fixture
def two_shifts(runtime: Runtime) -> Runtime:
    rt = runtime
    take_in(
        [sample_bundle("KZ-AST-0001"), sample_bundle("KZ-AST-0002")],
        uow=rt.uow,
        blobs=rt.blobs,
        probe=rt.probe,
        clock=rt.clock,
        policy=rt.policy,
        quarantine_root=rt.settings.quarantine,
    )
    with rt.uow() as work:
        work.accounts.add_unit(unit_id="AST-PATROL-1", name="Patrol 1", at=FIXED_NOW)
        work.accounts.assign_officer(officer_id="OFF-1002", unit_id="AST-PATROL-1", at=FIXED_NOW)
        work.commit()
    return rt


def test_figures_per_officer_follow_the_switch_offs(two_shifts: Runtime) -> None:
    report = compliance_report(uow=two_shifts.uow)
    by_officer = {f.officer_id: (unit, f) for unit, f in report.officers}
    unit, clean = by_officer["OFF-1001"]
    assert unit is None and clean.recorded_share == 1.0 and clean.switch_offs == 0
    unit, switched = by_officer["OFF-1002"]
    assert unit == "AST-PATROL-1"
    # Two switch-offs of 40.5 s and 33.5 s in a 275.1 s duty (sample_media/README.md).
    assert switched.switch_offs == 2
    assert switched.switch_off_s == pytest.approx(74.0, abs=1e-3)
    assert switched.duty_s == pytest.approx(275.1, abs=1e-3)
    assert switched.recorded_share == pytest.approx(201.1 / 275.1, abs=1e-4)


def test_narrowing_to_a_unit_or_a_period(two_shifts: Runtime) -> None:
    report = compliance_report(uow=two_shifts.uow, unit_id="AST-PATROL-1")
    assert [s.device_id for s in report.shifts] == ["KZ-AST-0002"]
    assert [u for u, _ in report.units] == ["AST-PATROL-1"]
    first_start = compliance_report(uow=two_shifts.uow).shifts[0].start
    later = compliance_report(uow=two_shifts.uow, since=first_start + timedelta(microseconds=1))
    assert [s.device_id for s in later.shifts] == ["KZ-AST-0002"]
