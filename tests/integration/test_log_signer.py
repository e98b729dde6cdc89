"""The log key file: created once with mode 0600, reloaded, never overwritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from bodycam_guard.adapters.log_signer import load_or_create
from bodycam_guard.domain.errors import ConfigurationError
from verifier.note import parse_verifier_key

NAME = "bodycam-guard.example/log"


def test_created_with_mode_0600_and_reloaded(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "log.key"
    first = load_or_create(path, NAME)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_text().startswith(f"PRIVATE+KEY+{NAME}+{first.key_id.hex()}+")
    again = load_or_create(path, NAME)
    assert again.verifier_key() == first.verifier_key()
    assert again.verify(first.sign(b"msg"), b"msg")
    assert parse_verifier_key(first.verifier_key()).public_key == first.public_key
    assert [p.name for p in path.parent.iterdir()] == ["log.key"]


def test_never_overwritten_and_name_checked(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    load_or_create(path, NAME)
    before = path.read_bytes()
    with pytest.raises(ConfigurationError, match="expected a key named"):
        load_or_create(path, "other.example/log")
    assert path.read_bytes() == before


def test_loose_permissions_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    load_or_create(path, NAME)
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="mode 0600"):
        load_or_create(path, NAME)


def test_corrupt_key_file_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    path.write_text("garbage\n")
    path.chmod(0o600)
    with pytest.raises(ConfigurationError):
        load_or_create(path, NAME)
    assert path.read_text() == "garbage\n"
