"""The station manifest: fields checked, paths kept inside the bundle."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bodycam_guard.domain.errors import InputError
from bodycam_guard.domain.manifest import parse_manifest

H = "a" * 64


def _manifest(**changes: object) -> bytes:
    base: dict[str, object] = {
        "format": "bodycam-bundle/1",
        "device_id": "KZ-AST-0042",
        "station_id": "AST-DOCK-03",
        "docked_at": "2026-11-24T18:05:12Z",
        "files": [{"path": "media/KZ-AST-0042_000412.mp4", "bytes": 7, "sha256": H}],
        "log": {"path": "device.log.jsonl", "sha256": H},
    }
    base.update(changes)
    return json.dumps(base).encode()


def test_a_good_manifest_parses() -> None:
    m = parse_manifest(_manifest())
    assert m.device_id == "KZ-AST-0042" and m.docked_at.tzinfo is not None
    assert [f.path for f in m.files] == ["media/KZ-AST-0042_000412.mp4"]
    assert m.log.bytes is None


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("../x.mp4", "leaves the bundle"),
        ("media/../../x.mp4", "leaves the bundle"),
        ("/etc/passwd", "absolute path"),
        ("media\\x.mp4", "must be '/'-separated"),
        ("", "expected a relative path"),
        ("manifest.json", "names the manifest itself"),
    ],
)
def test_unsafe_paths_are_refused(path: str, message: str) -> None:
    files = [{"path": path, "sha256": H}]
    with pytest.raises(InputError, match=message) as caught:
        parse_manifest(_manifest(files=files))
    assert caught.value.field == "files[0].path"


def test_the_same_path_twice_is_refused() -> None:
    files = [{"path": "media/a.mp4", "sha256": H}, {"path": "media/a.mp4", "sha256": H}]
    with pytest.raises(InputError, match="listed twice"):
        parse_manifest(_manifest(files=files))


def test_a_bad_hash_names_its_field() -> None:
    with pytest.raises(InputError) as caught:
        parse_manifest(_manifest(log={"path": "device.log.jsonl", "sha256": "xyz"}))
    assert caught.value.field == "log.sha256"


@given(
    st.dictionaries(
        st.sampled_from(
            ["format", "device_id", "station_id", "docked_at", "files", "log", "other"]
        ),
        st.one_of(
            st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2)
        ),
    )
)
def test_any_json_object_parses_or_fails_naming_manifest_json(obj: dict[str, object]) -> None:
    try:
        parse_manifest(json.dumps(obj).encode())
    except InputError as exc:
        assert exc.file == "manifest.json"
