"""Helpers shared by the test layers: where the sample bundles are, and what they should give."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bodycam_guard.bootstrap import Runtime
from bodycam_guard.services.duty_registry import register_device_key

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_media" / "bundles"
EXPECTED = ROOT / "sample_media" / "expected_incidents.json"
FIXED_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def sample_bundle(scenario_device: str) -> Path:
    """The checked-in sample bundle of a device, e.g. 'KZ-AST-0002'."""
    (found,) = [p for p in SAMPLES.iterdir() if p.name.startswith(f"{scenario_device}_")]
    return found


KEYS = ROOT / "sample_media" / "keys"
ROSTER = ROOT / "sample_media" / "roster.csv"


def expected_incidents() -> dict[str, list[dict[str, Any]]]:
    """Per bundle name, the incidents its scenario calls for (sample_media/README.md explains each)."""
    expected: dict[str, list[dict[str, Any]]] = json.loads(EXPECTED.read_text())
    return {name: items for name, items in expected.items() if name != ROSTER.name}


def expected_roster_incidents() -> list[dict[str, Any]]:
    """The incidents the sample roster calls for, once every sample bundle is in."""
    roster: list[dict[str, Any]] = json.loads(EXPECTED.read_text())[ROSTER.name]
    return roster


def register_sample_keys(rt: Runtime) -> None:
    """Register the signing sample cameras' keys, as an admin would before they dock."""
    for key in sorted(KEYS.glob("*.pub")):
        register_device_key(key.stem, key, uow=rt.uow, clock=rt.clock)
