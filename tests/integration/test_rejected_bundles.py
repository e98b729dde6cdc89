"""Bad bundles: each is rejected with an error naming file, line and field, and quarantined whole.

Bad footage is different: a wrong hash or unreadable media is still evidence, so
the bundle is ingested and the fact flagged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bodycam_guard.adapters.bundle_folder import REJECTED_NAME
from bodycam_guard.bootstrap import Runtime
from bodycam_guard.domain.incidents import IncidentFilter, IncidentKind
from bodycam_guard.services.intake import IntakeSummary, take_in
from bodycam_guard.services.list_incidents import list_incidents

CopySample = Callable[[str], Path]


def _take_in(rt: Runtime, *folders: Path) -> IntakeSummary:
    return take_in(
        list(folders),
        uow=rt.uow,
        blobs=rt.blobs,
        probe=rt.probe,
        clock=rt.clock,
        policy=rt.policy,
        quarantine_root=rt.settings.quarantine,
    )


def _edit_manifest(bundle: Path, edit: Callable[[dict[str, object]], None]) -> None:
    path = bundle / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def _rewrite_log_line(bundle: Path, number: int, text: str) -> None:
    log = bundle / "device.log.jsonl"
    lines = log.read_text().splitlines()
    lines[number - 1] = text
    log.write_text("\n".join(lines) + "\n")
    _edit_manifest(
        bundle,
        lambda m: m["log"].update(  # type: ignore[union-attr]
            sha256=hashlib.sha256(log.read_bytes()).hexdigest()
        ),
    )


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() or p.is_symlink()}


def _assert_quarantined(
    rt: Runtime, summary: IntakeSummary, original: Path, files_before: set[str], message: str
) -> None:
    assert not summary.ingested
    (rejection,) = summary.rejected
    assert message in rejection.reason
    where = rejection.quarantined_to
    assert where.parent == rt.settings.quarantine and where.name == original.name
    assert not original.exists(), "the bundle is moved, not copied"
    assert _files(where) - {REJECTED_NAME} == files_before, "nothing of the bundle is lost"
    assert message in (where / REJECTED_NAME).read_text()


LOG_CASES = [
    (
        "malformed_json",
        2,
        '{"seq": 2, "ts": NOT JSON',
        "device.log.jsonl line 2: not valid JSON (Expecting value at column 18)",
    ),
    (
        "missing_ts",
        3,
        '{"seq": 3, "event": "battery", "level": 90}',
        "device.log.jsonl line 3, field 'ts': required field is missing",
    ),
    (
        "seq_as_text",
        2,
        '{"seq": "2", "ts": "2026-11-24T06:33:03.000Z", "event": "power_on"}',
        "device.log.jsonl line 2, field 'seq': expected an integer, found \"2\"",
    ),
    (
        "bad_time",
        2,
        '{"seq": 2, "ts": "24/11/2026 06:33", "event": "power_on"}',
        "device.log.jsonl line 2, field 'ts': expected an RFC 3339 time",
    ),
    (
        "segment_without_file_seq",
        4,
        '{"seq": 4, "ts": "2026-11-24T06:33:30.000Z", "event": "segment", "file": "media/x.mp4",'
        ' "start": "2026-11-24T06:33:00.000Z", "end": "2026-11-24T06:33:29.800Z", "bytes": 10}',
        "device.log.jsonl line 4, field 'file_seq': required for a 'segment' event, but missing",
    ),
    (
        "not_an_object",
        2,
        "[1, 2, 3]",
        "device.log.jsonl line 2: expected a JSON object, found [1, 2, 3]",
    ),
]


@pytest.mark.parametrize(
    ("case", "line", "text", "message"), LOG_CASES, ids=[c[0] for c in LOG_CASES]
)
def test_bad_log_line_is_rejected_naming_line_and_field(
    runtime: Runtime, copy_sample: CopySample, case: str, line: int, text: str, message: str
) -> None:
    bundle = copy_sample("KZ-AST-0001")
    _rewrite_log_line(bundle, line, text)
    before = _files(bundle)
    _assert_quarantined(runtime, _take_in(runtime, bundle), bundle, before, message)


def test_path_with_dotdot_is_rejected(runtime: Runtime, copy_sample: CopySample) -> None:
    bundle = copy_sample("KZ-AST-0001")
    _edit_manifest(bundle, lambda m: m["files"][0].update(path="media/../../etc/passwd"))  # type: ignore[index]
    before = _files(bundle)
    _assert_quarantined(
        runtime,
        _take_in(runtime, bundle),
        bundle,
        before,
        "manifest.json, field 'files[0].path': path 'media/../../etc/passwd' "
        "leaves the bundle ('..')",
    )


def test_absolute_path_is_rejected(runtime: Runtime, copy_sample: CopySample) -> None:
    bundle = copy_sample("KZ-AST-0001")
    _edit_manifest(bundle, lambda m: m["log"].update(path="/etc/passwd"))  # type: ignore[union-attr]
    before = _files(bundle)
    _assert_quarantined(
        runtime,
        _take_in(runtime, bundle),
        bundle,
        before,
        "manifest.json, field 'log.path': absolute path '/etc/passwd' is not allowed",
    )


def test_symlink_leaving_the_bundle_is_rejected(
    runtime: Runtime, copy_sample: CopySample, tmp_path: Path
) -> None:
    bundle = copy_sample("KZ-AST-0001")
    outside = tmp_path / "outside.mp4"
    outside.write_bytes(b"not the camera's")
    listed = json.loads((bundle / "manifest.json").read_text())["files"][1]["path"]
    (bundle / listed).unlink()
    (bundle / listed).symlink_to(outside)
    before = _files(bundle)
    _assert_quarantined(
        runtime,
        _take_in(runtime, bundle),
        bundle,
        before,
        f"manifest.json, field 'files[1].path': '{listed}' is a symbolic link "
        f"leading outside the bundle (to {outside})",
    )


def test_listed_file_absent_is_rejected(runtime: Runtime, copy_sample: CopySample) -> None:
    bundle = copy_sample("KZ-AST-0001")
    listed = json.loads((bundle / "manifest.json").read_text())["files"][2]["path"]
    (bundle / listed).unlink()
    before = _files(bundle)
    _assert_quarantined(
        runtime,
        _take_in(runtime, bundle),
        bundle,
        before,
        f"manifest.json, field 'files[2].path': '{listed}' is listed but not in the bundle",
    )


def test_empty_bundle_is_rejected(runtime: Runtime, tmp_path: Path) -> None:
    bundle = tmp_path / "KZ-AST-0099_20261124T000000Z"
    bundle.mkdir()
    (bundle / "device.log.jsonl").write_bytes(b"")
    (bundle / "manifest.json").write_text(
        json.dumps(
            {
                "format": "bodycam-bundle/1",
                "device_id": "KZ-AST-0099",
                "station_id": "AST-DOCK-01",
                "docked_at": "2026-11-24T00:00:00Z",
                "files": [],
                "log": {"path": "device.log.jsonl", "sha256": hashlib.sha256(b"").hexdigest()},
            }
        )
    )
    before = _files(bundle)
    _assert_quarantined(
        runtime,
        _take_in(runtime, bundle),
        bundle,
        before,
        "device.log.jsonl: the log is empty; a docking always logs at least one event",
    )


def test_empty_manifest_is_rejected(runtime: Runtime, copy_sample: CopySample) -> None:
    bundle = copy_sample("KZ-AST-0001")
    (bundle / "manifest.json").write_bytes(b"")
    before = _files(bundle)
    _assert_quarantined(
        runtime,
        _take_in(runtime, bundle),
        bundle,
        before,
        "manifest.json line 1: not valid JSON (Expecting value)",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "format",
            "bodycam-bundle/9",
            "field 'format': expected 'bodycam-bundle/1', found 'bodycam-bundle/9'",
        ),
        ("device_id", 42, "field 'device_id': expected str, found 42"),
        ("docked_at", "yesterday", "field 'docked_at': expected an RFC 3339 time"),
    ],
)
def test_bad_manifest_field_is_rejected(
    runtime: Runtime, copy_sample: CopySample, field: str, value: object, message: str
) -> None:
    bundle = copy_sample("KZ-AST-0001")
    _edit_manifest(bundle, lambda m: m.update({field: value}))
    before = _files(bundle)
    _assert_quarantined(
        runtime, _take_in(runtime, bundle), bundle, before, f"manifest.json, {message}"
    )


def test_a_rejected_bundle_does_not_stop_the_next(
    runtime: Runtime, copy_sample: CopySample
) -> None:
    bad = copy_sample("KZ-AST-0001")
    _rewrite_log_line(bad, 2, "not json")
    good = copy_sample("KZ-AST-0002")
    summary = _take_in(runtime, bad, good)
    assert [r.bundle for r in summary.rejected] == [bad.name]
    assert [o.bundle for o in summary.ingested] == [good.name]
    kinds = {i.kind for i in list_incidents(IncidentFilter(), uow=runtime.uow)}
    assert kinds == {IncidentKind.CAMERA_OFF}


def test_wrong_manifest_hash_is_ingested_and_flagged(
    runtime: Runtime, copy_sample: CopySample
) -> None:
    bundle = copy_sample("KZ-AST-0001")
    wrong = "0" * 64
    _edit_manifest(bundle, lambda m: m["files"][0].update(sha256=wrong))  # type: ignore[index]
    summary = _take_in(runtime, bundle)
    assert summary.ok
    (incident,) = list_incidents(IncidentFilter(device_id="KZ-AST-0001"), uow=runtime.uow)
    assert incident.kind is IncidentKind.HASH_MISMATCH
    assert incident.evidence["claimed_sha256"] == wrong
    stored = runtime.blobs.path_of(incident.evidence["computed_sha256"])
    assert stored.is_file(), "the footage is kept as evidence"


def test_unreadable_media_is_kept_and_flagged(runtime: Runtime, copy_sample: CopySample) -> None:
    bundle = copy_sample("KZ-AST-0014")
    summary = _take_in(runtime, bundle)
    assert summary.ok
    (outcome,) = summary.ingested
    assert len(outcome.unreadable) == 1
    (incident,) = list_incidents(IncidentFilter(device_id="KZ-AST-0014"), uow=runtime.uow)
    assert incident.kind is IncidentKind.FOOTAGE_CUT and incident.evidence["unreadable"] is True
    assert runtime.blobs.path_of(incident.evidence["received"]["sha256"]).is_file()
