"""Settings: every one documented in the README, and a bad one named with its variable."""

from __future__ import annotations

import pytest

from bodycam_guard.config import Settings, load_settings
from bodycam_guard.domain.errors import ConfigurationError
from bodycam_guard.domain.incidents import IncidentKind, Severity
from tests.support import ROOT


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"`BODYCAM_GUARD_{name.upper()}`" in (ROOT / "README.md").read_text()


def test_a_bad_setting_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BODYCAM_GUARD_TOLERANCE_S", "two seconds")
    with pytest.raises(ConfigurationError, match=r"BODYCAM_GUARD_TOLERANCE_S: .*'two seconds'"):
        load_settings()


def test_severities_can_be_changed_per_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BODYCAM_GUARD_SEVERITIES", '{"clock_skew": "high"}')
    policy = load_settings().policy()
    assert policy.severity_of(IncidentKind.CLOCK_SKEW) is Severity.HIGH
    assert policy.severity_of(IncidentKind.BATTERY_DEPLETED) is Severity.LOW
