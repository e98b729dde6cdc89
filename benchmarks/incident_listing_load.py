"""Incident listing under load: 100,000 stored incidents, fixed request rates on loopback.

A plain script (not part of the test run):

    .venv/bin/python -m benchmarks.incident_listing_load [--rates 100,200,300] [--seconds 20] [--workers 1]

It fills a fresh home (SQLite, the embedded default) with 100,000 incidents of
1,000 cameras and 200 officers in 10 units (seed-pinned), starts the real
`bodycam-guard serve` (with `--workers N` if asked), and drives it open-loop with
`benchmarks.open_loop` (raw asyncio sockets, no HTTP library, so the client takes
little of the CPU the server needs): requests leave at a fixed rate whether or not
earlier ones have answered, so a slow server shows as latency, not as a lower rate.
Latency is measured from the scheduled send time. Each row reports p50/p95/p99/max,
the rate achieved (answers per second), failures, the server's CPU time per request
(from /proc, the whole process tree) and the client's CPU; the 1-minute load average
is printed first, because other work on the machine shows in every figure.
"""

from __future__ import annotations

import argparse
import contextlib
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

from benchmarks.open_loop import Run, http_get, run_open_loop
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


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)  # a timeout is +inf, so it ranks above every answer
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def _cpu_ticks(pid: int) -> int:
    """User + system CPU clock ticks of a process and its children, from /proc."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += _cpu_ticks(int(child))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return total + int(fields[11]) + int(fields[12])


def _wait_until_serving(base: str, log: Path, workers: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            up = httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            up = False
        if up and log.read_text().count("Started server process") >= workers:
            return
        time.sleep(0.1)
    raise RuntimeError(f"the server did not come up; its log:\n{log.read_text()}")


def _wait_until_drained(base: str) -> None:
    """Wait (up to 30 s) until the server answers at once: a backlog must not spill into the next run."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(httpx.TransportError):
            httpx.get(f"{base}/healthz", timeout=5)
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def _row(name: str, rate: float, run: Run, server_cpu_s: float) -> str:
    # A failed request ranks above every answer (+inf), as if it never came back.
    ms = [x * 1000 for x in run.latencies_s] + [float("inf")] * run.failed or [float("nan")]
    answered = max(1, len(run.latencies_s))
    return (
        f"{name:<34} {rate:>6.0f} {run.achieved_rate:>8.1f} {percentile(ms, 50):>7.1f} "
        f"{percentile(ms, 95):>7.1f} {percentile(ms, 99):>7.1f} {max(ms):>8.1f} {run.failed:>6} "
        f"{1000 * server_cpu_s / answered:>7.2f} {100 * run.client_cpu_s / run.elapsed_s:>6.1f}%"
    )


def main() -> int:
    """Populate, serve, load each scenario at each rate, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="100,200,300", help="requests/s, comma-separated")
    parser.add_argument("--seconds", type=float, default=20.0, help="per scenario and rate")
    parser.add_argument("--workers", type=int, default=1, help="serve --workers N")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory(prefix="bcg-bench-") as tmp:
        home = Path(tmp) / "home"
        started = time.perf_counter()
        tokens = populate(home)
        print(f"populated {INCIDENTS:,} incidents in {time.perf_counter() - started:.1f} s")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "BODYCAM_GUARD_HOME": str(home)}
        log = Path(tmp) / "serve.log"
        with log.open("w") as out:
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "bodycam-guard"),
                    "serve",
                    "--port",
                    str(port),
                    "--workers",
                    str(args.workers),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(base, log, args.workers)
            print(
                f"serve --workers {args.workers}; {os.cpu_count()} CPUs; "
                f"load average {os.getloadavg()[0]:.2f} before the runs"
            )
            print(
                f"{'scenario':<34} {'rate':>6} {'achieved':>8} {'p50 ms':>7} {'p95 ms':>7} "
                f"{'p99 ms':>7} {'max ms':>8} {'failed':>6} {'srv ms/req':>7} {'client':>7}"
            )
            for name, (who, params) in SCENARIOS.items():
                headers = {"Authorization": f"Bearer {tokens[who]}"}
                request = http_get("/api/v1/incidents", params, headers, port)
                run_open_loop(request, port, rate=50, seconds=1)  # warm up
                _wait_until_drained(base)
                for rate in rates:
                    before = _cpu_ticks(server.pid)
                    run = run_open_loop(request, port, rate=rate, seconds=args.seconds)
                    cpu_s = (_cpu_ticks(server.pid) - before) / os.sysconf("SC_CLK_TCK")
                    print(_row(name, rate, run, cpu_s), flush=True)
                    _wait_until_drained(base)
            print(f"load average {os.getloadavg()[0]:.2f} after the runs")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
