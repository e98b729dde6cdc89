"""Supervisors' review on SQLite: unit scoping, the workflow, its trail and its log leaf, the shift."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.domain.accounts import AccessDeniedError, NotVisibleError, Principal, Role
from bodycam_guard.domain.incidents import IncidentFilter, IncidentKind, IncidentStatus, Severity
from bodycam_guard.domain.log_leaves import parse_leaf
from bodycam_guard.domain.review import ReviewAction, ReviewCommentError, ReviewRefusedError
from bodycam_guard.services.accounts import add_unit, assign_officer
from bodycam_guard.services.footage import footage
from bodycam_guard.services.incident_queue import incident_file, incident_page
from bodycam_guard.services.intake import take_in
from bodycam_guard.services.review import review_incident
from bodycam_guard.services.shift_timeline import shift_timeline
from tests.support import sample_bundle

SUP_P2 = Principal(name="sup-p2", role=Role.SUPERVISOR, unit_id="P2")
SUP_P5 = Principal(name="sup-p5", role=Role.SUPERVISOR, unit_id="P5")
AUDITOR = Principal(name="aud", role=Role.AUDITOR)


@pytest.fixture
def precinct(runtime: Runtime) -> Iterator[Runtime]:
    """KZ-AST-0002 (OFF-1002, unit P2) and KZ-AST-0005 (OFF-1005, unit P5) ingested."""
    summary = take_in(
        [sample_bundle("KZ-AST-0002"), sample_bundle("KZ-AST-0005")],
        uow=runtime.uow,
        blobs=runtime.blobs,
        probe=runtime.probe,
        clock=runtime.clock,
        policy=runtime.policy,
        quarantine_root=runtime.settings.quarantine,
        signer=runtime.signer,
    )
    assert summary.ok
    for unit, officer in (("P2", "OFF-1002"), ("P5", "OFF-1005")):
        add_unit(unit, unit, uow=runtime.uow, clock=runtime.clock)
        assign_officer(officer, unit, uow=runtime.uow, clock=runtime.clock)
    yield runtime


def _camera_off(rt: Runtime) -> str:
    page = incident_page(IncidentFilter(kind=IncidentKind.CAMERA_OFF), AUDITOR, uow=rt.uow)
    return page.incidents[-1].id


def test_supervisors_see_only_their_units_incidents(precinct: Runtime) -> None:
    rt = precinct
    everything = incident_page(IncidentFilter(), AUDITOR, uow=rt.uow)
    assert {i.officer_id for i in everything.incidents} == {"OFF-1002", "OFF-1005"}
    p2 = incident_page(IncidentFilter(), SUP_P2, uow=rt.uow)
    assert {i.officer_id for i in p2.incidents} == {"OFF-1002"}
    assert p2.total == 2
    by_unit = incident_page(IncidentFilter(unit_id="P5"), AUDITOR, uow=rt.uow)
    assert [i.kind for i in by_unit.incidents] == [IncidentKind.UNEXPLAINED_GAP]
    # Another unit's incident is absent, not forbidden: its existence does not leak.
    with pytest.raises(NotVisibleError):
        incident_file(_camera_off(rt), SUP_P5, uow=rt.uow)
    with pytest.raises(AccessDeniedError):
        incident_page(IncidentFilter(), Principal(name="s", role=Role.STATION), uow=rt.uow)


def test_filters_and_pagination(precinct: Runtime) -> None:
    rt = precinct
    first = incident_page(IncidentFilter(limit=1), AUDITOR, uow=rt.uow)
    second = incident_page(IncidentFilter(limit=1, offset=1), AUDITOR, uow=rt.uow)
    assert first.total == second.total == 3
    assert first.incidents[0].id != second.incidents[0].id
    high = incident_page(
        IncidentFilter(severity=Severity.HIGH, device_id="KZ-AST-0002"), AUDITOR, uow=rt.uow
    )
    assert len(high.incidents) == 2


def test_review_moves_status_keeps_a_trail_and_appends_a_log_leaf(precinct: Runtime) -> None:
    rt = precinct
    incident_id = _camera_off(rt)
    with rt.uow() as work:
        size_before = work.log.size()
    done = review_incident(
        incident_id, ReviewAction.ACKNOWLEDGE, "", SUP_P2, uow=rt.uow, clock=rt.clock
    )
    assert done.status_after is IncidentStatus.ACKNOWLEDGED
    with pytest.raises(ReviewCommentError):
        review_incident(incident_id, ReviewAction.JUSTIFY, " ", SUP_P2, uow=rt.uow, clock=rt.clock)
    review_incident(
        incident_id,
        ReviewAction.JUSTIFY,
        "Camera swapped at the station",
        SUP_P2,
        uow=rt.uow,
        clock=rt.clock,
    )
    review_incident(incident_id, ReviewAction.CLOSE, "", SUP_P2, uow=rt.uow, clock=rt.clock)
    with pytest.raises(ReviewRefusedError, match="found closed"):
        review_incident(incident_id, ReviewAction.ESCALATE, "", SUP_P2, uow=rt.uow, clock=rt.clock)

    file = incident_file(incident_id, AUDITOR, uow=rt.uow)
    assert file.incident.status is IncidentStatus.CLOSED
    assert [(r.action.value, r.actor) for r in file.reviews] == [
        ("acknowledge", "sup-p2"),
        ("justify", "sup-p2"),
        ("close", "sup-p2"),
    ]
    assert file.actions == []  # auditors read; they do not act
    with rt.uow() as work:
        assert work.log.size() == size_before + 3
        leaf = parse_leaf(work.log.leaf(file.reviews[1].leaf_index or 0) or b"")
    assert leaf == {
        "type": "review",
        "v": 1,
        "incident_id": incident_id,
        "action": "justify",
        "actor": "sup-p2",
        "comment": "Camera swapped at the station",
        "at": "2026-11-25T09:00:00Z",
    }


def test_only_a_supervisor_of_the_unit_may_review(precinct: Runtime) -> None:
    rt = precinct
    incident_id = _camera_off(rt)
    with pytest.raises(NotVisibleError):
        review_incident(incident_id, ReviewAction.ESCALATE, "", SUP_P5, uow=rt.uow, clock=rt.clock)
    with pytest.raises(AccessDeniedError):
        review_incident(incident_id, ReviewAction.ESCALATE, "", AUDITOR, uow=rt.uow, clock=rt.clock)
    assert incident_file(incident_id, AUDITOR, uow=rt.uow).reviews == []


def test_shift_timeline_places_footage_gaps_and_clips(precinct: Runtime) -> None:
    rt = precinct
    first_gap = _camera_off(rt)
    shift = shift_timeline(first_gap, SUP_P2, uow=rt.uow)
    assert shift.officer_id == "OFF-1002"
    assert [s.file_seq for s in shift.segments] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all(s.playable for s in shift.segments)
    assert {e.event for e in shift.events} >= {"undock", "record_stop", "power_off", "dock"}
    assert shift.before is not None and shift.before.file.endswith("_000003.mp4")
    assert shift.after is not None and shift.after.file.endswith("_000004.mp4")
    assert shift.after.seek_s == 0.0
    assert shift.shift.switch_offs == 2
    assert round(shift.shift.switch_off_s, 1) == 74.0
    assert 0.7 < shift.shift.recorded_share < 0.75
    # The footage route's check: the clip is P2's to see, not P5's.
    assert (
        footage(shift.before.sha256, SUP_P2, uow=rt.uow, blobs=rt.blobs).media_type == "video/mp4"
    )
    with pytest.raises(NotVisibleError):
        footage(shift.before.sha256, SUP_P5, uow=rt.uow, blobs=rt.blobs)
