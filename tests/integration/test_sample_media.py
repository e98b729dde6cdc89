"""Ingest every sample bundle and check the exact incidents its scenario calls for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.domain.incidents import IncidentFilter, IncidentKind, incident_record
from bodycam_guard.services.detect import detect_device
from bodycam_guard.services.duty_registry import import_roster
from bodycam_guard.services.intake import take_in
from bodycam_guard.services.list_incidents import list_incidents
from tests.support import (
    ROSTER,
    SAMPLES,
    expected_incidents,
    expected_roster_incidents,
    register_sample_keys,
)


def _take_in(rt: Runtime, folders: list[Path]) -> None:
    summary = take_in(
        folders,
        uow=rt.uow,
        blobs=rt.blobs,
        probe=rt.probe,
        clock=rt.clock,
        policy=rt.policy,
        quarantine_root=rt.settings.quarantine,
    )
    assert summary.ok, (summary.rejected, summary.failed)


def _found(rt: Runtime, device: str) -> list[dict[str, object]]:
    found = list_incidents(IncidentFilter(device_id=device), uow=rt.uow)
    return sorted(
        (
            {"kind": i.kind.value, "start": r["start"], "end": r["end"]}
            for i in found
            if (r := incident_record(i))
        ),
        key=lambda x: (str(x["start"]), str(x["kind"])),
    )


@pytest.mark.parametrize("bundle", sorted(expected_incidents()))
def test_sample_bundle_gives_exactly_the_expected_incidents(runtime: Runtime, bundle: str) -> None:
    register_sample_keys(runtime)
    _take_in(runtime, [SAMPLES / bundle])
    expected = sorted(expected_incidents()[bundle], key=lambda x: (x["start"], x["kind"]))
    assert _found(runtime, bundle.split("_", maxsplit=1)[0]) == expected


def test_every_sample_bundle_has_expectations() -> None:
    on_disk = {p.name for p in SAMPLES.iterdir() if (p / "manifest.json").is_file()}
    assert on_disk == set(expected_incidents())


def test_ingesting_again_or_redetecting_duplicates_nothing(runtime: Runtime) -> None:
    folders = sorted(p for p in SAMPLES.iterdir() if p.is_dir())
    _take_in(runtime, folders)
    first = {i.id: i for i in list_incidents(IncidentFilter(), uow=runtime.uow)}
    assert first, "the samples hold violations; none found"

    _take_in(runtime, folders)
    for device in {i.device_id for i in first.values()}:
        report = detect_device(device, uow=runtime.uow, policy=runtime.policy, clock=runtime.clock)
        assert report.new == 0 and report.retracted == 0
    again = {i.id: i for i in list_incidents(IncidentFilter(), uow=runtime.uow)}
    assert again == first


def test_incidents_carry_their_evidence(runtime: Runtime) -> None:
    _take_in(runtime, [p for p in SAMPLES.iterdir() if p.name.startswith("KZ-AST-0002_")])
    (first, second) = sorted(
        list_incidents(IncidentFilter(), uow=runtime.uow), key=lambda i: i.start or 0
    )
    assert first.officer_id == "OFF-1002"
    assert first.evidence["begins_with"]["event"] == "record_stop"
    assert first.evidence["begins_with"]["trigger"] == "button"
    assert second.evidence["begins_with"]["event"] == "power_off"
    assert second.evidence["begins_with"]["reason"] == "button"


def test_the_sample_roster_flags_the_duty_whose_camera_never_left_its_dock(
    runtime: Runtime,
) -> None:
    _take_in(runtime, sorted(SAMPLES / name for name in expected_incidents()))
    new, reports = import_roster(
        ROSTER, uow=runtime.uow, policy=runtime.policy, clock=runtime.clock
    )
    assert new == 2
    assert sorted(r.device_id for r in reports) == ["KZ-AST-0001", "KZ-AST-0099"]
    found = list_incidents(IncidentFilter(kind=IncidentKind.NO_CAMERA), uow=runtime.uow)
    assert [
        {"kind": i.kind.value, "start": r["start"], "end": r["end"]}
        for i in found
        if (r := incident_record(i))
    ] == expected_roster_incidents()
    assert [i.officer_id for i in found] == ["OFF-1099"]
    again, _ = import_roster(ROSTER, uow=runtime.uow, policy=runtime.policy, clock=runtime.clock)
    assert again == 0


def test_an_unsigned_log_from_a_camera_with_a_registered_key_is_flagged(
    runtime: Runtime, copy_sample: Callable[[str], Path]
) -> None:
    register_sample_keys(runtime)
    bundle = copy_sample("KZ-AST-0015")
    (bundle / "device.log.jsonl.sig").unlink()
    _take_in(runtime, [bundle])
    (incident,) = list_incidents(IncidentFilter(device_id="KZ-AST-0015"), uow=runtime.uow)
    assert incident.kind is IncidentKind.BAD_SIGNATURE
    assert incident.evidence["signature"] == "missing"
