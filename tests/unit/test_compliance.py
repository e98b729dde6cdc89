"""Per-officer compliance figures from duty windows and findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bodycam_guard.domain.compliance import compliance, compliance_by_officer
from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.incidents import IncidentKind
from bodycam_guard.domain.timeline import DutyWindow, LoggedEvent

T0 = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


def _at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def _window(start: float, end: float, officer: str) -> DutyWindow:
    undock = LoggedEvent(
        event=DeviceEvent(seq=1, ts=_at(start), event="undock", fields={"officer_id": officer}),
        bundle="b",
        ref=_at(start),
        offset_ms=0,
    )
    return DutyWindow(start=_at(start), end=_at(end), officer_id=officer, undock=undock, dock=None)


@dataclass(frozen=True)
class Flag:
    kind: IncidentKind
    start: datetime | None
    end: datetime | None


def test_switch_offs_and_other_gaps_reduce_the_recorded_share() -> None:
    window = _window(0, 1000, "OFF-1")
    flagged = [
        Flag(IncidentKind.CAMERA_OFF, _at(100), _at(140)),
        Flag(IncidentKind.CAMERA_OFF, _at(500), _at(530)),
        Flag(IncidentKind.BATTERY_DEPLETED, _at(900), _at(1000)),
        Flag(IncidentKind.AUDIO_MUTED, _at(0), _at(1000)),  # video still recorded
        Flag(IncidentKind.LOG_GAP, _at(300), _at(300)),  # an instant
    ]
    figures = compliance("OFF-1", [window], flagged)
    assert figures.duty_s == 1000
    assert figures.unrecorded_s == 170
    assert figures.recorded_share == 0.83
    assert (figures.switch_offs, figures.switch_off_s) == (2, 70)


def test_overlaps_count_once_and_spans_are_clipped_to_duty() -> None:
    window = _window(0, 100, "OFF-1")
    flagged = [
        Flag(IncidentKind.FOOTAGE_MISSING, _at(-50), _at(20)),
        Flag(IncidentKind.UNEXPLAINED_GAP, _at(10), _at(30)),
        Flag(IncidentKind.FOOTAGE_CUT, _at(90), _at(200)),
    ]
    figures = compliance("OFF-1", [window], flagged)
    assert figures.unrecorded_s == 40
    assert figures.recorded_s == 60


def test_no_duty_is_fully_compliant_and_officers_are_kept_apart() -> None:
    assert compliance("OFF-9", [], []).recorded_share == 1.0
    windows = [_window(0, 100, "OFF-1"), _window(200, 300, "OFF-2")]
    flagged = [Flag(IncidentKind.CAMERA_OFF, _at(250), _at(260))]
    by_officer = {f.officer_id: f for f in compliance_by_officer(windows, flagged)}
    assert by_officer["OFF-1"].switch_offs == 0
    assert by_officer["OFF-2"].switch_offs == 1
    assert by_officer["OFF-2"].recorded_share == 0.9
