"""The detector on hand-built device histories: each rule and the one-fact-one-incident rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bodycam_guard.domain.detector import detect
from bodycam_guard.domain.device_log import DeviceEvent
from bodycam_guard.domain.incidents import DetectionPolicy, Finding, IncidentKind
from bodycam_guard.domain.media import MediaFacts, TimestampJump
from bodycam_guard.domain.timeline import DeviceHistory, ReceivedFile, place_events

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
POLICY = DetectionPolicy()
NOW = T0 + timedelta(days=1)
K = IncidentKind


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def iso(seconds: float) -> str:
    return at(seconds).isoformat()


class Shift:
    """Builds one device's log and files, second by second from T0."""

    def __init__(self, device: str = "CAM-1") -> None:
        self.device = device
        self.events: list[DeviceEvent] = []
        self.files: list[ReceivedFile] = []
        self.file_seq = 0

    def log(self, t: float, event: str, **fields: Any) -> Shift:
        self.events.append(
            DeviceEvent(
                seq=len(self.events) + 1,
                ts=at(t),
                event=event,
                fields=fields,
                line=len(self.events) + 1,
            )
        )
        return self

    def segment(
        self,
        start: float,
        end: float,
        *,
        received: bool = True,
        span: float | None = None,
        jumps: tuple[TimestampJump, ...] = (),
        sha: str | None = None,
    ) -> Shift:
        self.file_seq += 1
        name = f"media/{self.device}_{self.file_seq:06d}.mp4"
        digest = sha or f"{self.file_seq:064x}"
        self.log(
            end,
            "segment",
            file=name,
            file_seq=self.file_seq,
            start=iso(start),
            end=iso(end),
            bytes=100,
            sha256=digest,
        )
        if received:
            media = MediaFacts(
                container="mp4",
                creation_time=None,
                span_s=span if span is not None else end - start,
                declared_duration_s=None,
                jumps=jumps,
                video_packets=1,
                audio_packets=1,
            )
            self.files.append(
                ReceivedFile(
                    bundle="b1",
                    path=name,
                    sha256=f"{self.file_seq:064x}",
                    bytes=100,
                    listed_sha256=f"{self.file_seq:064x}",
                    media=media,
                )
            )
        return self

    def history(self) -> DeviceHistory:
        events = place_events([("b1", e) for e in sorted(self.events, key=lambda e: e.seq)])
        return DeviceHistory(device_id=self.device, events=events, files=tuple(self.files))


def found(shift: Shift) -> list[tuple[IncidentKind, float | None, float | None]]:
    def secs(moment: datetime | None) -> float | None:
        return None if moment is None else round((moment - T0).total_seconds(), 3)

    return [(f.kind, secs(f.start), secs(f.end)) for f in detect(shift.history(), POLICY, now=NOW)]


def duty(*middle: tuple[str, float, dict[str, Any]], end: float = 300) -> Shift:
    shift = Shift().log(0, "undock", station_id="S", officer_id="OFF-1")
    for event, t, fields in middle:
        shift.log(t, event, **fields)
    return shift


def _with_dock(shift: Shift, t: float = 300) -> Shift:
    return shift.log(t, "dock", station_id="S")


def test_full_coverage_gives_nothing() -> None:
    shift = duty().segment(0.5, 100).segment(100, 200).segment(200, 299.5)
    assert found(_with_dock(shift)) == []


@pytest.mark.parametrize(
    ("event", "fields", "kind"),
    [
        ("record_stop", {"trigger": "button"}, K.CAMERA_OFF),
        ("power_off", {"reason": "button"}, K.CAMERA_OFF),
        ("sleep", {"state": "on"}, K.CAMERA_OFF),
        ("power_off", {"reason": "battery"}, K.BATTERY_DEPLETED),
        ("record_stop", {"trigger": "battery"}, K.BATTERY_DEPLETED),
        ("fault", {"code": "E1"}, K.DEVICE_FAULT),
        ("record_stop", {"trigger": "storage_full"}, K.DEVICE_FAULT),
        ("power_off", {"reason": "fault"}, K.DEVICE_FAULT),
        ("power_off", {"reason": "shutdown"}, K.UNEXPLAINED_GAP),
    ],
)
def test_a_gap_is_explained_by_the_stop_event_it_begins_with(
    event: str, fields: dict[str, Any], kind: IncidentKind
) -> None:
    shift = duty().segment(0, 100).log(100.2, event, **fields).segment(160, 300)
    assert found(_with_dock(shift)) == [(kind, 100, 160)]


def test_the_first_stop_like_event_decides() -> None:
    shift = (
        duty()
        .segment(0, 100)
        .log(100.5, "record_stop", trigger="battery")
        .log(101, "power_off", reason="button")
        .segment(160, 300)
    )
    assert found(_with_dock(shift)) == [(K.BATTERY_DEPLETED, 100, 160)]


def test_a_stop_event_long_before_the_gap_does_not_explain_it() -> None:
    # The tolerance (2 s) before the gap's start is the only lead allowed.
    shift = (
        duty()
        .segment(0, 50)
        .log(50.5, "record_stop", trigger="button")
        .log(51, "record_start", trigger="button")
        .segment(51, 100)
        .segment(160, 300)
    )
    assert found(_with_dock(shift)) == [(K.UNEXPLAINED_GAP, 100, 160)]


def test_gaps_up_to_the_tolerance_are_not_flagged() -> None:
    shift = duty().segment(0, 100).segment(102, 300)
    assert found(_with_dock(shift)) == []
    shift = duty().segment(0, 100).segment(102.01, 300)
    assert found(_with_dock(shift)) == [(K.UNEXPLAINED_GAP, 100, 102.01)]


def test_no_recording_at_all_during_duty_is_one_unexplained_gap() -> None:
    assert found(_with_dock(duty())) == [(K.UNEXPLAINED_GAP, 0, 300)]


def test_missing_footage_is_reported_once_not_again_as_a_gap() -> None:
    shift = duty().segment(0, 100).segment(100, 200, received=False).segment(200, 300)
    assert found(_with_dock(shift)) == [(K.FOOTAGE_MISSING, 100, 200)]


def test_deleted_footage_is_reported_once() -> None:
    shift = (
        duty()
        .segment(0, 100)
        .segment(100, 200, received=False)
        .log(250, "delete", file="media/CAM-1_000002.mp4", file_seq=2)
        .segment(200, 300)
    )
    assert found(_with_dock(shift)) == [(K.FOOTAGE_DELETED, 100, 200)]


def test_erasing_a_file_already_received_is_no_incident() -> None:
    shift = (
        duty()
        .segment(0, 150)
        .log(200, "delete", file="media/CAM-1_000001.mp4", file_seq=1)
        .segment(150, 300)
    )
    assert found(_with_dock(shift)) == []


def test_a_hole_inside_a_file_is_a_cut_not_a_gap() -> None:
    shift = duty().segment(0, 150, jumps=(TimestampJump(40, 55),)).segment(150, 300)
    assert found(_with_dock(shift)) == [(K.FOOTAGE_CUT, 40, 55)]


def test_a_file_shorter_than_its_segment_event_is_a_cut_at_its_tail() -> None:
    shift = duty().segment(0, 150, span=140).segment(150, 300)
    assert found(_with_dock(shift)) == [(K.FOOTAGE_CUT, 140, 150)]


def test_skipped_file_counter_is_reported_once() -> None:
    shift = duty().segment(0, 100)
    shift.file_seq += 1  # the device skipped a file number
    shift.segment(130, 300)
    assert found(_with_dock(shift)) == [(K.FILE_COUNTER_GAP, 100, 130)]


def test_device_times_are_corrected_by_time_sync() -> None:
    # Device clock 60 s ahead from the first time_sync on: its segment times move back 60 s.
    shift = duty().log(1, "time_sync", offset_ms=60_000).segment(61, 360)
    assert found(_with_dock(shift, 360)) == [(K.CLOCK_SKEW, -59, -59)]
    incidents = detect(_with_dock(shift, 360).history(), POLICY, now=NOW)
    assert incidents[0].officer_id == "OFF-1", "attributed by log position, not corrected time"


def test_muted_until_end_of_duty() -> None:
    shift = duty().segment(0, 300).log(200, "mute", state="on")
    assert found(_with_dock(shift)) == [(K.AUDIO_MUTED, 200, 300)]


def test_removed_log_lines_are_a_log_gap() -> None:
    shift = duty().segment(0, 300)
    shift.events.append(
        DeviceEvent(seq=10, ts=at(300), event="dock", fields={"station_id": "S"}, line=3)
    )
    assert found(shift) == [(K.LOG_GAP, 300, 300)]


def test_manifest_and_device_hash_disagreements_are_flagged() -> None:
    shift = _with_dock(duty().segment(0, 300, sha="f" * 64))
    (finding,) = detect(shift.history(), POLICY, now=NOW)
    assert finding.kind is K.HASH_MISMATCH
    assert finding.evidence["claimed_by"] == "segment_event"


def test_identity_is_stable_and_distinct() -> None:
    shift = _with_dock(
        duty()
        .segment(0, 100)
        .log(100.2, "record_stop", trigger="button")
        .segment(160, 200)
        .log(200.1, "power_off", reason="button")
        .segment(260, 300)
    )
    first: list[Finding] = detect(shift.history(), POLICY, now=NOW)
    again = detect(shift.history(), POLICY, now=NOW)
    assert [f.incident_id for f in first] == [f.incident_id for f in again]
    assert len({f.incident_id for f in first}) == 2


def test_a_shift_longer_than_the_maximum_is_a_late_upload() -> None:
    policy = DetectionPolicy(max_shift_s=200)
    shift = _with_dock(duty().segment(0, 300))
    (finding,) = detect(shift.history(), policy, now=NOW)
    assert (finding.kind, finding.start, finding.end) == (K.LATE_UPLOAD, at(200), at(300))


def test_a_camera_still_out_past_the_maximum_shift_is_a_late_upload() -> None:
    policy = DetectionPolicy(max_shift_s=200)
    shift = duty().segment(0, 100)
    assert detect(shift.history(), policy, now=at(150)) == []
    (finding,) = detect(shift.history(), policy, now=at(250))
    assert (finding.kind, finding.start, finding.end) == (K.LATE_UPLOAD, at(200), None)
