"""Incident listing under load: 100,000 stored incidents, 200 requests/s on loopback, p99 latency.

A plain script (not part of the test run):

    .venv/bin/python -m benchmarks.incident_listing_load [--rate 200] [--seconds 20]

It fills a fresh home (SQLite, the embedded default) with 100,000 incidents of
1,000 cameras and 200 officers in 10 units (seed-pinned), starts the real
`bodycam-guard serve`, and drives it open-loop: requests leave at a fixed rate
whether or not earlier ones have answered, so a slow server shows as latency,
not as a lower rate. Latency is measured from the scheduled send time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from bodycam_guard.adapters.db.accounts import OfficerUnitRow, UnitRow
from bodycam_guard.adapters.db.tables import Device, IncidentRow
from bodycam_guard.bootstrap import bootstrap
from bodycam_guard.config import Settings
from bodycam_guard.domain.incidents import DEFAULT_SEVERITIES, IncidentKind, incident_id
from bodycam_guard.services.accounts import scope_token
from bodycam_guard.services.tokens import create_token

SEED = 20261124
INCIDENTS, CAMERAS, OFFICERS, UNITS = 100_000, 1_000, 200, 10
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
KINDS = [
    IncidentKind.CAMERA_OFF,
    IncidentKind.UNEXPLAINED_GAP,
    IncidentKind.BATTERY_DEPLETED,
    IncidentKind.AUDIO_MUTED,
    IncidentKind.DEVICE_FAULT,
    IncidentKind.CLOCK_SKEW,
]
STATUSES = ["open"] * 6 + ["acknowledged", "justified", "escalated", "closed"]


def populate(home: Path) -> dict[str, str]:
    """Write the incidents, units and officers; return tokens for an auditor and a supervisor."""
    rng = random.Random(SEED)
    rt = bootstrap(Settings(home=home))
    with rt.uow() as work:
        s = work.session
        s.execute(
            insert(Device), [{"id": f"KZ-{c:05d}", "first_seen_at": EPOCH} for c in range(CAMERAS)]
        )
        s.execute(
            insert(UnitRow),
            [{"id": f"U{u}", "name": f"Unit {u}", "created_at": EPOCH} for u in range(UNITS)],
        )
        s.execute(
            insert(OfficerUnitRow),
            [
                {"officer_id": f"OFF-{o:04d}", "unit_id": f"U{o % UNITS}", "assigned_at": EPOCH}
                for o in range(OFFICERS)
            ],
        )
        rows = []
        for n in range(INCIDENTS):
            device, kind = f"KZ-{rng.randrange(CAMERAS):05d}", rng.choice(KINDS)
            start = EPOCH + timedelta(seconds=rng.randrange(300 * 86_400))
            rows.append(
                {
                    "id": incident_id(device, kind, str(n)),
                    "kind": kind.value,
                    "severity": DEFAULT_SEVERITIES[kind].value,
                    "device_id": device,
                    "officer_id": f"OFF-{rng.randrange(OFFICERS):04d}",
                    "start": start,
                    "end": start + timedelta(seconds=rng.uniform(3, 1800)),
                    "status": rng.choice(STATUSES),
                    "evidence": {"begins_with": {"event": "record_stop", "line": n}},
                    "first_detected_at": EPOCH,
                    "last_detected_at": EPOCH,
                    "retracted": False,
                }
            )
        s.execute(insert(IncidentRow), rows)
        work.commit()
    tokens = {
        "auditor": create_token("bench-auditor", "auditor", uow=rt.uow, clock=rt.clock),
        "supervisor": create_token("bench-supervisor", "supervisor", uow=rt.uow, clock=rt.clock),
    }
    scope_token("bench-supervisor", "U3", uow=rt.uow)
    rt.engine.dispose()
    return tokens


SCENARIOS = {
    "auditor, first page (limit 50)": ("auditor", {"limit": "50"}),
    "auditor, kind+status filter": (
        "auditor",
        {"kind": "camera_off", "status": "open", "limit": "50"},
    ),
    "auditor, page 20 (offset 1000)": ("auditor", {"limit": "50", "offset": "1000"}),
    "supervisor, own unit (limit 50)": ("supervisor", {"limit": "50"}),
}


async def drive(
    base: str, token: str, params: dict[str, str], rate: float, seconds: float
) -> list[float]:
    """Open-loop load: one request every 1/rate s; returns latencies (s) from scheduled send."""
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=httpx.Timeout(10.0, pool=None)
    ) as client:
        loop = asyncio.get_running_loop()
        t0 = loop.time() + 0.2
        latencies: list[float] = []

        async def one(at: float) -> None:
            await asyncio.sleep(max(0.0, at - loop.time()))
            try:
                answer = await client.get("/api/v1/incidents", params=params)
            except (httpx.TimeoutException, httpx.TransportError):
                latencies.append(float("inf"))  # counted, and shown as failed
                return
            assert answer.status_code == 200, answer.text
            latencies.append(loop.time() - at)

        await asyncio.gather(*(one(t0 + i / rate) for i in range(int(rate * seconds))))
        return latencies


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)  # a timeout is +inf, so it ranks above every answer
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> int:
    """Populate, serve, load each scenario, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bcg-bench-") as tmp:
        home = Path(tmp) / "home"
        started = time.perf_counter()
        tokens = populate(home)
        print(f"populated {INCIDENTS:,} incidents in {time.perf_counter() - started:.1f} s")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "BODYCAM_GUARD_HOME": str(home)}
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "bodycam-guard"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            print(
                f"{'scenario':<34} {'requests':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'failed':>8}"
            )
            for name, (who, params) in SCENARIOS.items():
                asyncio.run(drive(base, tokens[who], params, rate=50, seconds=1))  # warm up
                lat = asyncio.run(drive(base, tokens[who], params, args.rate, args.seconds))
                ms = [x * 1000 for x in lat]
                timeouts = sum(1 for x in ms if x == float("inf"))
                print(
                    f"{name:<34} {len(ms):>8} {percentile(ms, 50):>8.1f} {percentile(ms, 90):>8.1f} "
                    f"{percentile(ms, 99):>8.1f} {max(ms):>8.1f} {timeouts:>8}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
