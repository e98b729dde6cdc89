"""Helpers shared by the test layers: where the sample bundles are, and what they should give."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_media" / "bundles"
EXPECTED = ROOT / "sample_media" / "expected_incidents.json"
FIXED_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def sample_bundle(scenario_device: str) -> Path:
    """The checked-in sample bundle of a device, e.g. 'KZ-AST-0002'."""
    (found,) = [p for p in SAMPLES.iterdir() if p.name.startswith(f"{scenario_device}_")]
    return found


def expected_incidents() -> dict[str, list[dict[str, Any]]]:
    """Per bundle name, the incidents its scenario calls for (sample_media/README.md explains each)."""
    expected: dict[str, list[dict[str, Any]]] = json.loads(EXPECTED.read_text())
    return expected
