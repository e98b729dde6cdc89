"""`bodycam-guard serve` for real: a station drops a bundle into the inbox, its incident appears."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.server import serving
from tests.support import sample_bundle

BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Server:
    base: str
    home: Path
    auditor: str
    supervisor: str


def _token(env: dict[str, str], name: str, role: str) -> str:
    done = subprocess.run(
        [str(BIN / "bodycam-guard"), "tokens", "create", name, "--role", role],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(params=[1, 2], ids=["one-process", "two-workers"])
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    home = tmp_path / "home"
    env = {**os.environ, "BODYCAM_GUARD_HOME": str(home), "BODYCAM_GUARD_INBOX_POLL_S": "0.2"}
    auditor = _token(env, "auditor-1", "auditor")
    supervisor = _token(env, "supervisor-1", "supervisor")
    with serving(home, tmp_path / "serve.log", workers=request.param, inbox_poll_s="0.2") as base:
        yield Server(base=base, home=home, auditor=auditor, supervisor=supervisor)


def _drop_into_inbox(server: Server, device: str) -> Path:
    """Write the bundle next to the inbox and rename it in, as a station does."""
    staging = server.home / "staging" / sample_bundle(device).name
    shutil.copytree(sample_bundle(device), staging)
    target = server.home / "inbox" / staging.name
    staging.rename(target)
    return target


def test_bundle_in_inbox_becomes_an_incident_over_http(server: Server) -> None:
    dropped = _drop_into_inbox(server, "KZ-AST-0002")
    headers = {"Authorization": f"Bearer {server.auditor}"}
    deadline = time.monotonic() + 30
    while True:
        found = httpx.get(
            f"{server.base}/api/v1/incidents",
            params={"device": "KZ-AST-0002"},
            headers=headers,
            timeout=5,
        )
        assert found.status_code == 200
        if found.json():
            break
        assert time.monotonic() < deadline, "no incident appeared"
        time.sleep(0.2)
    kinds = sorted(i["kind"] for i in found.json())
    assert kinds == ["camera_off", "camera_off"]
    one = httpx.get(
        f"{server.base}/api/v1/incidents/{found.json()[0]['id']}", headers=headers, timeout=5
    )
    assert one.status_code == 200 and one.json()["evidence"]["begins_with"]["event"]
    deadline = time.monotonic() + 10
    while dropped.exists():
        assert time.monotonic() < deadline, "an ingested bundle is cleared out of the inbox"
        time.sleep(0.1)


def test_routes_refuse_callers_without_a_valid_token(server: Server) -> None:
    assert httpx.get(f"{server.base}/api/v1/incidents", timeout=5).status_code == 401
    wrong = {"Authorization": "Bearer bcg_not-a-token"}
    assert httpx.get(f"{server.base}/api/v1/incidents", headers=wrong, timeout=5).status_code == 401
    supervisor = {"Authorization": f"Bearer {server.supervisor}"}
    assert (
        httpx.get(f"{server.base}/api/v1/incidents", headers=supervisor, timeout=5).status_code
        == 403
    )
    assert (
        httpx.get(
            f"{server.base}/api/v1/incidents/nope",
            headers={"Authorization": f"Bearer {server.auditor}"},
            timeout=5,
        ).status_code
        == 404
    )
    assert httpx.get(f"{server.base}/healthz", timeout=5).json() == {"status": "ok"}
