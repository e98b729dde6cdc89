"""Fixtures shared by every test layer: a runtime over a fresh home, a fixed clock, sample copies."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bodycam_guard.bootstrap import Runtime, bootstrap
from bodycam_guard.config import Settings
from tests.support import FIXED_NOW, sample_bundle


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over a fresh home in the test's temporary folder."""
    return Settings(home=tmp_path / "home")


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    """A runtime on SQLite and a local blob store, with a fixed clock."""
    rt = bootstrap(settings, clock=lambda: FIXED_NOW)
    yield rt
    rt.engine.dispose()


@pytest.fixture
def copy_sample(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a sample bundle into a scratch inbox, so a test may alter it."""

    def copy(device: str) -> Path:
        target = tmp_path / "scratch" / sample_bundle(device).name
        shutil.copytree(sample_bundle(device), target)
        return target

    return copy
