"""The `bodycam-guard` command as stations, admins and scripts run it (interfaces-v1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import ROOT, SAMPLES, sample_bundle

BIN = Path(sys.executable).parent
SHARED = ROOT.parent / "shared"


def _run(home: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BODYCAM_GUARD_HOME": str(home)}
    return subprocess.run(
        [str(BIN / "bodycam-guard"), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ingest_then_list_incidents_as_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = _run(home, "ingest", SAMPLES)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "17 bundles: 17 ingested, 0 already ingested, 0 rejected, 0 failed" in done.stdout
    listed = _run(home, "incidents", "--json", "--kind", "camera_off")
    assert listed.returncode == 0
    incidents = json.loads(listed.stdout)
    assert sorted(i["device_id"] for i in incidents) == [
        "KZ-AST-0002",
        "KZ-AST-0002",
        "KZ-AST-0017",
    ]
    assert {i["status"] for i in incidents} == {"open"}

    again = _run(home, "ingest", SAMPLES)
    assert again.returncode == 0
    assert "0 ingested, 17 already ingested" in again.stdout


def test_rejected_bundle_exits_1_and_says_where_it_went(tmp_path: Path) -> None:
    bundle = tmp_path / "in" / sample_bundle("KZ-AST-0001").name
    shutil.copytree(sample_bundle("KZ-AST-0001"), bundle)
    (bundle / "device.log.jsonl").write_text("garbage\n")
    done = _run(tmp_path / "home", "ingest", bundle)
    assert done.returncode == 1
    assert (
        f"REJECTED {bundle.name} (moved to {tmp_path / 'home' / 'quarantine' / bundle.name})"
        in done.stdout
    )
    assert "device.log.jsonl line 1: not valid JSON" in done.stdout


def test_a_folder_without_bundles_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    done = _run(tmp_path / "home", "ingest", empty)
    assert done.returncode == 1
    assert f"FAILED   {empty}: no complete bundle here" in done.stdout


def test_help_lists_every_command(tmp_path: Path) -> None:
    done = _run(tmp_path / "home", "--help")
    assert done.returncode == 0
    for command in ("ingest", "detect", "incidents", "tokens", "serve", "ingest-daemon"):
        assert command in done.stdout


def test_acceptance_check_of_the_stable_interfaces(tmp_path: Path) -> None:
    """The shared acceptance script, run as other programs run us: from outside, on PATH."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [str(SHARED / "acceptance" / "check-interfaces"), "sample_media"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout


def test_detect_re_judges_the_stored_region_and_changes_nothing_when_nothing_changed(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    assert _run(home, "ingest", SAMPLES).returncode == 0
    before = json.loads(_run(home, "incidents", "--json").stdout)
    done = _run(home, "detect")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("17 devices, ")
    assert " 0 new, 0 retracted, in " in done.stdout
    assert json.loads(_run(home, "incidents", "--json").stdout) == before
    one = _run(home, "detect", "--device", "KZ-AST-0002")
    assert one.returncode == 0
    assert one.stdout.startswith("1 device, ")
    typo = _run(home, "detect", "--device", "KZ-AST-002")
    assert typo.returncode != 0
    assert "no bundle stored for device KZ-AST-002" in typo.stderr
    workers = _run(home, "detect", "--workers", "0")
    assert workers.returncode == 2
    assert "--workers: expected 1 or more, found 0" in workers.stderr
    two = _run(home, "detect", "--workers", "2")  # one batch of 17: judged in this process
    assert two.returncode == 0 and " 0 new, 0 retracted, in " in two.stdout
