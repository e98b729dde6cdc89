"""Rosters: parsed with located errors; a rostered duty without the camera out is no_camera."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.duty_rules import duties_without_camera
from bodycam_guard.domain.errors import InputError
from bodycam_guard.domain.incidents import IncidentKind
from bodycam_guard.domain.roster import RosteredDuty, parse_roster_csv
from bodycam_guard.domain.timeline import duty_windows, place_events

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
HEADER = "officer_id,device_id,start,end\n"


def test_roster_rows_parse() -> None:
    (duty,) = parse_roster_csv(HEADER + "OFF-1,CAM-1,2026-11-24T08:00:00Z,2026-11-24T18:00:00Z\n")
    assert duty == RosteredDuty("OFF-1", "CAM-1", T0, T0 + timedelta(hours=10))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "officer,device\n",
            "roster.csv line 1: header must name officer_id, device_id, start, end",
        ),
        (
            HEADER + "OFF-1,,2026-11-24T08:00:00Z,2026-11-24T18:00:00Z\n",
            "roster.csv line 2, field 'device_id': must not be empty",
        ),
        (
            HEADER + "OFF-1,CAM-1,2026-11-24T08:00:00Z,2026-11-24T18:00:00Z\n"
            "OFF-2,CAM-2,tomorrow,2026-11-24T18:00:00Z\n",
            "roster.csv line 3, field 'start': expected an RFC 3339 time",
        ),
        (
            HEADER + "OFF-1,CAM-1,2026-11-24T18:00:00Z,2026-11-24T08:00:00Z\n",
            "roster.csv line 2, field 'end': expected an end after the start",
        ),
    ],
)
def test_bad_rosters_name_line_and_column(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_roster_csv(text)
    assert str(caught.value).startswith(message)


def _windows(start_h: float, end_h: float) -> list:  # type: ignore[type-arg]
    events = place_events(
        [
            (
                "b",
                DeviceEvent(
                    seq=1,
                    ts=T0 + timedelta(hours=start_h),
                    event="undock",
                    fields={"station_id": "S", "officer_id": "OFF-1"},
                    line=1,
                ),
            ),
            (
                "b",
                DeviceEvent(
                    seq=2,
                    ts=T0 + timedelta(hours=end_h),
                    event="dock",
                    fields={"station_id": "S"},
                    line=2,
                ),
            ),
        ]
    )
    return duty_windows(events)


def test_a_duty_with_the_camera_out_is_fine_and_one_without_is_flagged() -> None:
    duty = RosteredDuty("OFF-1", "CAM-1", T0, T0 + timedelta(hours=10))
    later = T0 + timedelta(days=2)
    assert duties_without_camera([duty], {"CAM-1": _windows(0.5, 9)}, grace_s=3600, now=later) == []
    (finding,) = duties_without_camera([duty], {"CAM-1": _windows(20, 21)}, grace_s=3600, now=later)
    assert (finding.kind, finding.officer_id, finding.start) == (
        IncidentKind.NO_CAMERA,
        "OFF-1",
        T0,
    )


def test_a_duty_is_not_judged_before_the_camera_could_have_come_back() -> None:
    duty = RosteredDuty("OFF-1", "CAM-1", T0, T0 + timedelta(hours=10))
    soon = T0 + timedelta(hours=11)
    assert duties_without_camera([duty], {}, grace_s=14 * 3600, now=soon) == []
