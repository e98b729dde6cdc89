"""Stations upload bundles over HTTP: streamed tar in, landed in the inbox whole, ingested."""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.precinct import Precinct, running_precinct
from tests.support import sample_bundle


@pytest.fixture(scope="module")
def precinct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Precinct]:
    with running_precinct(Path(tmp_path_factory.mktemp("upload"))) as running:
        yield running


def _tar(folder: Path, *, top: str | None = None, edit: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(folder).as_posix()
            data = (edit or {}).get(relative, path.read_bytes())
            info = tarfile.TarInfo(f"{top}/{relative}" if top else relative)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _put(precinct: Precinct, name: str, body: bytes, token: str = "station") -> httpx.Response:
    # A generator body makes httpx send it chunked, as a station streaming from disk would.
    chunks = (body[i : i + 65536] for i in range(0, len(body), 65536))
    return httpx.put(
        f"{precinct.base}/api/v1/bundles/{name}",
        content=chunks,
        headers=precinct.bearer(token),
        timeout=30,
    )


def test_an_uploaded_bundle_is_ingested_and_a_repeat_changes_nothing(precinct: Precinct) -> None:
    folder = sample_bundle("KZ-AST-0007")
    body = _tar(folder, top=folder.name)
    first = _put(precinct, folder.name, body)
    assert (first.status_code, first.json()) == (201, {"bundle": folder.name, "status": "queued"})
    deadline = time.monotonic() + 30
    while True:
        found = httpx.get(
            f"{precinct.base}/api/v1/incidents",
            params={"device": "KZ-AST-0007"},
            headers=precinct.bearer("auditor"),
            timeout=10,
        ).json()
        if found:
            break
        assert time.monotonic() < deadline, "the uploaded bundle's incident did not appear"
        time.sleep(0.2)
    assert [i["kind"] for i in found] == ["device_fault"]
    again = _put(precinct, folder.name, _tar(folder))  # no top folder this time: same bundle
    assert (again.status_code, again.json()["status"]) == (200, "already received")


def test_an_invalid_upload_is_refused_with_its_reason_and_quarantined(precinct: Precinct) -> None:
    folder = sample_bundle("KZ-AST-0008")
    refused = _put(precinct, folder.name, _tar(folder, edit={"device.log.jsonl": b"oops\n"}))
    assert refused.status_code == 422
    assert "device.log.jsonl line 1: not valid JSON" in refused.json()["detail"]
    kept = precinct.home / "quarantine" / folder.name
    assert (kept / "REJECTED.txt").is_file() and (kept / "manifest.json").is_file()
    assert not (precinct.home / "inbox" / folder.name).exists()


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../escape.txt", "would land outside the bundle"),
        ("/etc/cron.d/x", "would land outside the bundle"),
    ],
)
def test_tar_members_outside_the_bundle_are_refused(
    precinct: Precinct, member: str, message: str
) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(member)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    refused = _put(precinct, "KZ-AST-0999_20261124T000000Z", buffer.getvalue())
    assert refused.status_code == 422 and message in refused.json()["detail"]


def test_links_garbage_and_bad_names_are_refused(precinct: Precinct) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        link = tarfile.TarInfo("media/x.mp4")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    refused = _put(precinct, "KZ-AST-0998_20261124T000000Z", buffer.getvalue())
    assert refused.status_code == 422 and "is a link" in refused.json()["detail"]
    garbage = _put(precinct, "KZ-AST-0997_20261124T000000Z", b"not a tar at all")
    assert garbage.status_code == 422 and "not a readable tar archive" in garbage.json()["detail"]
    assert _put(precinct, ".hidden", b"").status_code == 422


def test_only_stations_and_admins_upload(precinct: Precinct) -> None:
    folder = sample_bundle("KZ-AST-0009")
    for token in ("supervisor-p2", "auditor"):
        assert _put(precinct, folder.name, _tar(folder), token).status_code == 403
    anonymous = httpx.put(f"{precinct.base}/api/v1/bundles/{folder.name}", content=b"", timeout=10)
    assert anonymous.status_code == 401
    assert not (precinct.home / "inbox" / folder.name).exists()
