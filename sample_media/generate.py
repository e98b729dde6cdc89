"""Regenerate the sample dock bundles and the incidents each one must raise.

    python -m sample_media.generate [--out DIR] [--expected FILE]

One camera per scenario (KZ-AST-0001 …), all docked at AST-DOCK-01 on
2026-11-24: a clean shift, then one per violation of incident-kinds-v1. The
expected incidents are written from each scenario's design (the times it was
built with), never by running a detector; sample_media/README.md gives the
reasoning. Times below are on the reference clock; tolerance is 2 s.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sample_media.clips import (
    DutyLog,
    Recording,
    Scenario,
    device_public_key,
    rfc3339_ms,
    write_bundle,
)

STATION = "AST-DOCK-01"
_HERE = Path(__file__).resolve().parent
_FIRST_UNDOCK = datetime(2026, 11, 24, 6, 30, tzinfo=UTC)

Expected = dict[str, str]


def _incident(kind: str, start: datetime, end: datetime) -> Expected:
    return {"kind": kind, "start": rfc3339_ms(start), "end": rfc3339_ms(end)}


def _claimed(kind: str, rec: Recording, fps: int = 5) -> Expected:
    """An incident over what a segment event claims: its first frame to its last."""
    return _incident(kind, rec.start, rec.last_frame(fps))


def _open_duty(
    d: DutyLog, officer_id: str, *, battery: int = 100, clock_offset_ms: int | None = None
) -> datetime | None:
    """Undock and start recording; the first frame comes under 1 s after undock."""
    d.log("undock", station_id=STATION, officer_id=officer_id)
    synced = None
    if clock_offset_ms is not None:
        synced = d.log("time_sync", after_s=0.2, offset_ms=clock_offset_ms)
    d.log("battery", after_s=0.1, level=battery)
    d.log("record_start", after_s=0.2, trigger="undock")
    d.wait(0.3)
    return synced


def _segments(d: DutyLog, lengths: Sequence[float]) -> list[Recording]:
    """Back-to-back segments: each starts where the previous one's footage ends."""
    return [d.record(length) for length in lengths]


def _close_duty(d: DutyLog, last_length: float) -> None:
    """The last segment ends as the camera goes into the dock."""
    d.record(last_length, during=[(last_length, "record_stop", {"trigger": "dock"})])
    d.log("dock", after_s=0.5, station_id=STATION)


def clean(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """A whole shift recorded back to back: nothing to flag."""
    _open_duty(d, officer)
    _segments(d, [25, 30, 25, 20, 30, 25])
    _close_duty(d, 25)
    return d.scenario(), []


def camera_off(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """Switched off by hand twice: recording stopped by button, then powered off by button."""
    _open_duty(d, officer)
    _segments(d, [25, 30])
    d.record(20, during=[(20, "record_stop", {"trigger": "button"})])
    off1 = d.now
    d.log("record_start", after_s=40, trigger="button")
    on1 = d.wait(0.5)
    _segments(d, [25, 30])
    d.record(20, during=[(20, "power_off", {"reason": "button"})])
    off2 = d.now
    d.log("power_on", after_s=30)
    d.log("record_start", after_s=3, trigger="button")
    on2 = d.wait(0.5)
    _segments(d, [25])
    _close_duty(d, 25)
    return d.scenario(), [_incident("camera_off", off1, on1), _incident("camera_off", off2, on2)]


def footage_missing(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """The log announces file_seq 3, but the file never reached the dock."""
    _open_duty(d, officer)
    _segments(d, [25, 30])
    missing = d.record(25, in_bundle=False)
    _segments(d, [30, 25])
    _close_duty(d, 20)
    return d.scenario(), [_claimed("footage_missing", missing)]


def footage_cut(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """15 s cut out of one file (pts jump), and another file 10 s shorter than its event says."""
    _open_duty(d, officer)
    _segments(d, [25])
    cut = d.record(30, cut=(8.0, 23.0))
    _segments(d, [25])
    short = d.record(30, truncate_to_s=20.0)
    _segments(d, [25])
    _close_duty(d, 20)
    return d.scenario(), [
        _incident(
            "footage_cut", cut.start + timedelta(seconds=8), cut.start + timedelta(seconds=23)
        ),
        _incident("footage_cut", short.start + timedelta(seconds=20), short.last_frame(5)),
    ]


def unexplained_gap(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """30 s with no footage and not one device event."""
    _open_duty(d, officer)
    _segments(d, [25, 30, 25])
    stop = d.now
    resume = d.wait(30)
    _segments(d, [30, 25])
    _close_duty(d, 20)
    return d.scenario(), [_incident("unexplained_gap", stop, resume)]


def battery_depleted(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """The battery runs flat: recording stops, the camera powers off, nothing until the dock."""
    _open_duty(d, officer, battery=41)
    for length, level in [(25, 33), (30, 24), (25, 16), (30, 8), (20, 3)]:
        d.record(length, during=[(length / 2, "battery", {"level": level})])
    d.record(
        20, during=[(12, "battery", {"level": 1}), (20, "record_stop", {"trigger": "battery"})]
    )
    stop = d.now
    d.log("power_off", after_s=0.2, reason="battery")
    dock = d.log("dock", after_s=40, station_id=STATION)
    return d.scenario(), [_incident("battery_depleted", stop, dock)]


def device_fault(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """Fault E42 stops recording; the camera restarts itself about 30 s later."""
    _open_duty(d, officer)
    _segments(d, [25, 30])
    fault = {"code": "E42", "detail": "image sensor not responding"}
    d.record(25, during=[(25, "fault", fault), (25, "record_stop", {"trigger": "fault"})])
    stop = d.now
    d.log("power_off", after_s=0.1, reason="fault")
    d.log("power_on", after_s=29.9)
    d.log("record_start", after_s=2, trigger="auto")
    resume = d.wait(0.5)
    _segments(d, [30, 25])
    _close_duty(d, 20)
    return d.scenario(), [_incident("device_fault", stop, resume)]


def footage_deleted(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """File_seq 2 is recorded, then erased on the camera; the log says so."""
    _open_duty(d, officer)
    _segments(d, [25])
    gone = d.record(30, in_bundle=False)
    _segments(d, [25])
    d.record(25, during=[(10, "delete", {"file": gone.file, "file_seq": gone.file_seq})])
    _segments(d, [30])
    _close_duty(d, 25)
    return d.scenario(), [_claimed("footage_deleted", gone)]


def audio_muted(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """Audio muted for 40 s while video goes on."""
    _open_duty(d, officer)
    _segments(d, [25])
    muted = d.record(30, during=[(17, "mute", {"state": "on"})])
    _segments(d, [25])
    unmuted = d.record(30, during=[(2, "mute", {"state": "off"})])
    _segments(d, [25])
    _close_duty(d, 20)
    on, off = muted.start + timedelta(seconds=17), unmuted.start + timedelta(seconds=2)
    return d.scenario(), [_incident("audio_muted", on, off)]


def file_counter_gap(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """File_seq goes 2 → 4: no file, no event for 3, and 30 s without footage."""
    _open_duty(d, officer)
    _segments(d, [25, 30])
    stop = d.now
    d.skip_file_seq(1)
    resume = d.wait(30)
    _segments(d, [25, 30])
    _close_duty(d, 20)
    return d.scenario(), [_incident("file_counter_gap", stop, resume)]


def log_gap(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """Three log lines removed: event seq skips 3 values; footage is whole."""
    _open_duty(d, officer)
    *_, third = _segments(d, [25, 30, 25])
    # The removed lines lay between the last event before the skip (file 3's segment
    # event, logged as its footage ends) and the first event after it.
    last_before = third.start + timedelta(seconds=third.duration_s)
    d.skip_seq(3)
    after_skip = d.record(30, during=[(10, "battery", {"level": 93})])
    _segments(d, [25])
    _close_duty(d, 20)
    first_after = after_skip.start + timedelta(seconds=10)
    return d.scenario(), [_incident("log_gap", last_before, first_after)]


def clock_skew(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """The device clock runs 45 s ahead; the dock measures it right after undock."""
    synced = _open_duty(d, officer, clock_offset_ms=45_000)
    assert synced is not None
    _segments(d, [25, 30, 25, 20, 30])
    _close_duty(d, 25)
    return d.scenario(clock_ahead_s=45.0), [_incident("clock_skew", synced, synced)]


def hash_mismatch(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """The station's manifest hash of file_seq 3 is wrong; the file itself is fine."""
    _open_duty(d, officer)
    _segments(d, [25, 30])
    damaged = d.record(25)
    _segments(d, [30, 25])
    _close_duty(d, 20)
    scenario = d.scenario(wrong_manifest_sha256=[damaged.file])
    return scenario, [_claimed("hash_mismatch", damaged)]


def corrupt_media(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """File_seq 4 is garbage bytes (hashes consistent): no footage for its whole segment."""
    _open_duty(d, officer)
    _segments(d, [25, 30, 25])
    garbage = d.record(30, garbage=True)
    _segments(d, [25])
    _close_duty(d, 20)
    return d.scenario(), [_claimed("footage_cut", garbage)]


def signed_clean(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """A clean shift whose log the camera signed with its registered key: nothing to flag."""
    _open_duty(d, officer)
    _segments(d, [25, 30, 25])
    _close_duty(d, 25)
    return d.scenario(signature="valid"), []


def bad_signature(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """The log was edited after the camera signed it: the signature no longer matches."""
    undock = d.now
    _open_duty(d, officer)
    _segments(d, [25, 30, 25])
    _close_duty(d, 25)
    return d.scenario(signature="wrong"), [_incident("bad_signature", undock, d.now)]


def late_upload(d: DutyLog, officer: str) -> tuple[Scenario, list[Expected]]:
    """The camera went home with the officer: switched off after 50 s, docked 15 hours later."""
    undock = d.now
    _open_duty(d, officer)
    _segments(d, [25])
    last = d.record(25, during=[(25, "record_stop", {"trigger": "button"})])
    stopped = last.start + timedelta(seconds=last.duration_s)
    d.log("power_off", after_s=1, reason="button")
    docked = d.log("dock", after_s=15 * 3600, station_id=STATION)
    return d.scenario(), [
        _incident("camera_off", stopped, docked),
        _incident("late_upload", undock + timedelta(hours=14), docked),
    ]


SCENARIOS: tuple[Callable[[DutyLog, str], tuple[Scenario, list[Expected]]], ...] = (
    clean,
    camera_off,
    footage_missing,
    footage_cut,
    unexplained_gap,
    battery_depleted,
    device_fault,
    footage_deleted,
    audio_muted,
    file_counter_gap,
    log_gap,
    clock_skew,
    hash_mismatch,
    corrupt_media,
    signed_clean,
    bad_signature,
    late_upload,
)


def build_scenarios() -> list[tuple[Scenario, list[Expected]]]:
    """Every scenario with its expected incidents, sorted by start; one camera and officer each."""
    built = []
    for number, design in enumerate(SCENARIOS, start=1):
        duty = DutyLog(
            design.__name__,
            device_id=f"KZ-AST-{number:04d}",
            station_id=STATION,
            undock_at=_FIRST_UNDOCK + (number - 1) * timedelta(minutes=7, seconds=3.25),
        )
        scenario, expected = design(duty, f"OFF-{1000 + number}")
        built.append((scenario, sorted(expected, key=lambda i: i["start"])))
    return built


def _roster(built: Sequence[tuple[Scenario, list[Expected]]]) -> tuple[str, list[Expected]]:
    """A duty roster: the clean shift's officer, on duty around it with their camera (fine), and
    an officer whose camera never left its dock that day (`no_camera`)."""
    clean_shift = built[0][0]
    on_duty = clean_shift.events[0].ts - timedelta(minutes=5)
    off_duty = clean_shift.events[-1].ts + timedelta(minutes=5)
    absent_start = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    absent_end = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    rows = [
        "officer_id,device_id,start,end",
        f"OFF-1001,{clean_shift.device_id},{rfc3339_ms(on_duty)},{rfc3339_ms(off_duty)}",
        f"OFF-1099,KZ-AST-0099,{rfc3339_ms(absent_start)},{rfc3339_ms(absent_end)}",
    ]
    return "\n".join(rows) + "\n", [_incident("no_camera", absent_start, absent_end)]


def main(argv: Sequence[str] | None = None) -> int:
    """Write every bundle under --out and the expected incidents to --expected."""
    parser = argparse.ArgumentParser(prog="python -m sample_media.generate", description=__doc__)
    parser.add_argument("--out", type=Path, default=_HERE / "bundles")
    parser.add_argument("--expected", type=Path, default=_HERE / "expected_incidents.json")
    parser.add_argument(
        "--keys",
        type=Path,
        default=_HERE / "keys",
        help="where the signing cameras' public keys go (one <device_id>.pub each)",
    )
    parser.add_argument("--roster", type=Path, default=_HERE / "roster.csv")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    expected: dict[str, list[Expected]] = {}
    built = build_scenarios()
    for scenario, incidents in built:
        bundle = write_bundle(args.out, scenario)
        if scenario.signature is not None:
            args.keys.mkdir(parents=True, exist_ok=True)
            (args.keys / f"{scenario.device_id}.pub").write_bytes(
                device_public_key(scenario.device_id)
            )
        size = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file())
        kinds = ", ".join(i["kind"] for i in incidents) or "no incident"
        print(f"{scenario.name:<17} {bundle}  {size / 1024:6.1f} KiB  expects: {kinds}")
        expected[scenario.bundle_name] = incidents
    roster, on_roster = _roster(built)
    args.roster.write_text(roster, encoding="utf-8")
    expected["roster.csv"] = on_roster
    args.expected.write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.expected} and {args.roster}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
