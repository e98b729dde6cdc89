"""The checked-in sample bundles are well-formed dock bundles (dock-bundle-v1), within budget.

Only the deliberate faults are allowed: the manifest hash in the hash_mismatch
bundle, and the seq skip in the log_gap bundle.
"""

from __future__ import annotations

import hashlib
import json
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "sample_media"
BUNDLES = sorted(p.parent for p in (SAMPLES / "bundles").glob("*/manifest.json"))
EXPECTED: dict[str, list[dict[str, str]]] = json.loads(
    (SAMPLES / "expected_incidents.json").read_text(encoding="utf-8")
)
BUDGET_BYTES = 4 * 1024 * 1024
RFC3339_MS_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
KINDS = {
    "camera_off", "audio_muted", "battery_depleted", "device_fault", "unexplained_gap",
    "footage_missing", "footage_deleted", "file_counter_gap", "log_gap", "footage_cut",
    "hash_mismatch", "bad_signature", "clock_skew", "late_upload", "no_camera",
    "integrity_failure",
}  # fmt: skip


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _kinds(bundle: Path) -> set[str]:
    return {incident["kind"] for incident in EXPECTED[bundle.name]}


def _log(bundle: Path) -> list[dict[str, Any]]:
    lines = (bundle / "device.log.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_there_is_one_bundle_per_scenario_and_expectations_for_each() -> None:
    assert len(BUNDLES) == 17
    assert sorted(EXPECTED) == [*(b.name for b in BUNDLES), "roster.csv"]


def test_sample_bundles_stay_within_the_size_budget() -> None:
    total = sum(f.stat().st_size for f in (SAMPLES / "bundles").rglob("*") if f.is_file())
    assert total < BUDGET_BYTES, f"sample bundles take {total} bytes, budget {BUDGET_BYTES}"


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda b: b.name)
def test_manifest_hashes_match_the_files(bundle: Path) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "bodycam-bundle/1"
    assert (
        bundle.name
        == f"{manifest['device_id']}_{manifest['docked_at'].replace('-', '').replace(':', '')}"
    )
    assert _sha256(bundle / manifest["log"]["path"]) == manifest["log"]["sha256"]

    listed = {entry["path"] for entry in manifest["files"]}
    on_disk = {p.relative_to(bundle).as_posix() for p in (bundle / "media").iterdir()}
    assert listed == on_disk
    wrong = []
    for entry in manifest["files"]:
        path = bundle / entry["path"]
        assert path.stat().st_size == entry["bytes"], entry["path"]
        if _sha256(path) != entry["sha256"]:
            wrong.append(entry["path"])
    assert len(wrong) == (1 if "hash_mismatch" in _kinds(bundle) else 0), wrong


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda b: b.name)
def test_every_log_line_has_seq_ts_and_event(bundle: Path) -> None:
    events = _log(bundle)
    for number, event in enumerate(events, start=1):
        assert isinstance(event["seq"], int), f"line {number}"
        assert isinstance(event["ts"], str), f"line {number}"
        assert RFC3339_MS_UTC.fullmatch(event["ts"]), f"line {number}: {event['ts']}"
        assert isinstance(event["event"], str), f"line {number}"
    assert events[0]["event"] == "undock"
    assert events[-1]["event"] == "dock"
    steps = [b["seq"] - a["seq"] for a, b in pairwise(events)]
    expected_skips = [4] if "log_gap" in _kinds(bundle) else []
    assert [s for s in steps if s != 1] == expected_skips


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda b: b.name)
def test_segment_events_describe_the_files_that_arrived(bundle: Path) -> None:
    segments = [e for e in _log(bundle) if e["event"] == "segment"]
    assert segments
    for segment in segments:
        for field in ("start", "end"):
            assert RFC3339_MS_UTC.fullmatch(str(segment[field]))
        path = bundle / str(segment["file"])
        if path.exists():
            assert path.stat().st_size == segment["bytes"]
            assert _sha256(path) == segment["sha256"]


def test_expected_incidents_are_spec_kinds_sorted_by_start() -> None:
    for bundle, incidents in EXPECTED.items():
        for incident in incidents:
            assert set(incident) == {"kind", "start", "end"}, bundle
            assert incident["kind"] in KINDS, bundle
            assert RFC3339_MS_UTC.fullmatch(incident["start"]), bundle
            assert incident["start"] <= incident["end"], bundle
        starts = [i["start"] for i in incidents]
        assert starts == sorted(starts), bundle
