"""Every role against every route on a real server: the status each must get.

Supervisors see and act on their own unit only, and get 404 (not 403) for
another unit's incidents and footage, so existence does not leak. Auditors and
admins read everything and review nothing; stations read nothing; a supervisor
token without a unit reads nothing. Only /healthz, /metrics and the log are public.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.precinct import Precinct, running_precinct, web_login
from tests.support import sample_bundle

CALLERS = [
    "anonymous",
    "station",
    "supervisor-p2",
    "supervisor-p5",
    "supervisor-nounit",
    "auditor",
    "admin",
]
# route name: expected status per caller, in CALLERS order.
MATRIX: dict[str, list[int]] = {
    "list incidents": [401, 403, 200, 200, 403, 200, 200],
    "get P2 incident": [401, 403, 200, 404, 403, 200, 200],
    "get P5 incident": [401, 403, 404, 200, 403, 200, 200],
    "review P2 incident": [401, 403, 201, 404, 403, 403, 403],
    "P2 footage": [401, 403, 200, 404, 403, 200, 200],
    "P5 footage": [401, 403, 404, 200, 403, 200, 200],
    "web queue": [303, 403, 200, 200, 403, 200, 200],
    "web P2 incident": [303, 403, 200, 404, 403, 200, 200],
    "compliance report": [401, 403, 200, 200, 403, 200, 200],
    "P5 compliance report": [401, 403, 404, 200, 403, 200, 200],
    "healthz": [200] * 7,
    "metrics": [200] * 7,
    "log checkpoint": [200] * 7,
}


def _first_file_sha(device: str) -> str:
    manifest = json.loads((sample_bundle(device) / "manifest.json").read_text())
    return str(manifest["files"][0]["sha256"])


@pytest.fixture(scope="module")
def precinct(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Precinct]:
    with running_precinct(Path(tmp_path_factory.mktemp("matrix"))) as running:
        yield running


def _call(precinct: Precinct, route: str, headers: dict[str, str]) -> httpx.Response:
    p2, p5 = precinct.p2_incidents[0]["id"], precinct.p5_incidents[0]["id"]
    requests = {
        "list incidents": ("GET", "/api/v1/incidents"),
        "get P2 incident": ("GET", f"/api/v1/incidents/{p2}"),
        "get P5 incident": ("GET", f"/api/v1/incidents/{p5}"),
        "review P2 incident": ("POST", f"/api/v1/incidents/{p2}/reviews"),
        "P2 footage": ("GET", f"/api/v1/footage/{_first_file_sha('KZ-AST-0002')}"),
        "P5 footage": ("GET", f"/api/v1/footage/{_first_file_sha('KZ-AST-0005')}"),
        "web queue": ("GET", "/incidents"),
        "web P2 incident": ("GET", f"/incidents/{p2}"),
        "compliance report": ("GET", "/api/v1/reports/compliance"),
        "P5 compliance report": ("GET", "/api/v1/reports/compliance?unit=P5"),
        "healthz": ("GET", "/healthz"),
        "metrics": ("GET", "/metrics"),
        "log checkpoint": ("GET", "/api/v1/log/checkpoint"),
    }
    method, path = requests[route]
    body = {"action": "escalate", "comment": "for the head of the precinct"}
    return httpx.request(
        method,
        precinct.base + path,
        headers=headers,
        json=body if method == "POST" else None,
        timeout=10,
    )


def test_role_matrix(precinct: Precinct) -> None:
    seen: dict[str, list[int]] = {}
    for route in MATRIX:
        row = []
        for caller in CALLERS:
            headers = {} if caller == "anonymous" else precinct.bearer(caller)
            row.append(_call(precinct, route, headers).status_code)
        seen[route] = row
    assert seen == MATRIX


def test_a_supervisor_lists_only_their_units_officers(precinct: Precinct) -> None:
    for token, officer in (("supervisor-p2", "OFF-1002"), ("supervisor-p5", "OFF-1005")):
        found = httpx.get(
            f"{precinct.base}/api/v1/incidents", headers=precinct.bearer(token), timeout=10
        )
        assert found.status_code == 200
        assert {i["officer_id"] for i in found.json()} == {officer}
        assert found.headers["X-Total-Count"] == str(len(found.json()))


def test_a_supervisors_compliance_report_holds_their_unit_only(precinct: Precinct) -> None:
    found = httpx.get(
        f"{precinct.base}/api/v1/reports/compliance",
        headers=precinct.bearer("supervisor-p2"),
        timeout=10,
    )
    assert found.status_code == 200
    report = found.json()
    assert [o["officer_id"] for o in report["officers"]] == ["OFF-1002"]
    assert [u["unit_id"] for u in report["units"]] == ["P2"]
    (shift,) = report["shifts"]
    assert shift["switch_offs"] == 2 and shift["recorded_share"] < 1
    everything = httpx.get(
        f"{precinct.base}/api/v1/reports/compliance", headers=precinct.bearer("auditor"), timeout=10
    ).json()
    assert {u["unit_id"] for u in everything["units"]} >= {"P2", "P5"}


def test_web_session_cookie_is_httponly_lax_and_posts_need_the_csrf_token(
    precinct: Precinct,
) -> None:
    login = httpx.post(
        f"{precinct.base}/login",
        data={"username": "sup-p2", "password": "wrong password!"},
        timeout=10,
    )
    assert login.status_code == 401 and "bcg_session" not in login.headers.get("set-cookie", "")
    client, csrf = web_login(precinct.base, "sup-p2")
    try:
        cookie = httpx.post(
            f"{precinct.base}/login",
            data={"username": "sup-p2", "password": "correct horse battery staple"},
            timeout=10,
        ).headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        incident = precinct.p2_incidents[1]["id"]
        path = f"/api/v1/incidents/{incident}/reviews"
        body = {"action": "acknowledge", "comment": ""}
        assert client.post(path, json=body).status_code == 403  # no CSRF token
        assert client.post(path, json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
        done = client.post(path, json=body, headers={"X-CSRF-Token": csrf})
        assert done.status_code == 201, done.text
        assert done.json()["actor"] == "sup-p2"
        form = client.post(f"/incidents/{incident}/review", data={"action": "escalate"})
        assert form.status_code == 403
        form = client.post(
            f"/incidents/{incident}/review", data={"action": "escalate", "csrf": csrf}
        )
        assert form.status_code == 303
        # Justify without a comment is refused; closing an escalated incident applies.
        refused = client.post(path, json={"action": "justify"}, headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 422
        assert client.post("/logout", data={"csrf": csrf}).status_code == 303
        assert client.get("/incidents").status_code == 303
    finally:
        client.close()


def test_metrics_count_what_was_stored(precinct: Precinct) -> None:
    text = httpx.get(f"{precinct.base}/metrics", timeout=10).text
    assert 'bodycam_guard_bundles_total{outcome="ingested"} 2.0' in text
    assert 'bodycam_guard_incidents{kind="unexplained_gap",status="open"} 1.0' in text
    assert "bodycam_guard_bytes_hashed_total" in text
    assert "bodycam_guard_http_request_duration_seconds_bucket" in text
    assert 'bodycam_guard_job_runs_total{job="inbox"}' in text
