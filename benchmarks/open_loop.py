"""A lean open-loop HTTP/1.1 load generator for loopback: raw asyncio sockets, no HTTP library.

Requests leave on a fixed schedule (one every 1/rate s) whether or not earlier
ones have answered; each takes an idle keep-alive connection or opens a new one,
so a slow server shows as latency, never as a lower sending rate. Latency is
measured from the scheduled send time, so time spent queued behind a slow answer
counts (no coordinated omission).

It is deliberately small: a pre-built request, a parser that reads only the status
line and Content-Length, and uvloop when installed. On this two-core machine it
costs a few percent of one core at 200 requests/s, which `Run.client_cpu_s` shows.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlencode

LOOPBACK = "127.0.0.1"
TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Run:
    """What one open-loop run measured."""

    scheduled: int
    latencies_s: list[float]
    """One per answered request (200), from scheduled send time to the last byte."""
    failed: int
    """Timeouts, dropped connections and answers other than 200."""
    send_lag_s: float
    """How late the generator sent its last request (should stay near 0)."""
    elapsed_s: float
    """From the first scheduled send to the last answer."""
    client_cpu_s: float
    connections: int

    @property
    def achieved_rate(self) -> float:
        """Answered requests per second over the run."""
        return len(self.latencies_s) / self.elapsed_s if self.elapsed_s > 0 else 0.0


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request in flight at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._buffer = bytearray()
        self._answer: asyncio.Future[int] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(ConnectionError("connection closed"))

    def request(self, data: bytes) -> asyncio.Future[int]:
        """Send `data`; the future resolves to the status once the whole answer is read."""
        assert self.transport is not None
        self._answer = asyncio.get_running_loop().create_future()
        self._buffer.clear()
        self.transport.write(data)
        return self._answer

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0 or self._answer is None:
            return
        head = bytes(self._buffer[:head_end]).lower()
        length = 0
        marker = head.find(b"\r\ncontent-length:")
        if marker >= 0:
            end = head.find(b"\r\n", marker + 2)
            length = int(head[marker + 17 : end if end >= 0 else None])
        if len(self._buffer) - head_end - 4 >= length:
            status = int(head[9:12])
            self._buffer.clear()
            answer, self._answer = self._answer, None
            if not answer.done():
                answer.set_result(status)


def http_get(path: str, params: dict[str, str], headers: dict[str, str], port: int) -> bytes:
    """The bytes of one HTTP/1.1 keep-alive GET."""
    target = f"{path}?{urlencode(params)}" if params else path
    lines = [f"GET {target} HTTP/1.1", f"Host: {LOOPBACK}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def open_loop(request: bytes, port: int, *, rate: float, seconds: float) -> Run:
    """Send `request` to 127.0.0.1:`port` `rate` times a second for `seconds`, open loop."""
    loop = asyncio.get_running_loop()
    idle: list[_Connection] = []
    opened: list[_Connection] = []
    latencies: list[float] = []
    failures = 0
    last_done = 0.0

    async def connection() -> _Connection:
        while idle:
            conn = idle.pop()
            if not conn.closed:
                return conn
        _, conn = await loop.create_connection(_Connection, LOOPBACK, port)
        opened.append(conn)
        return conn

    async def one(at: float) -> None:
        nonlocal failures, last_done
        conn: _Connection | None = None
        try:
            async with asyncio.timeout(TIMEOUT_S):
                conn = await connection()
                status = await conn.request(request)
        except (TimeoutError, OSError):
            failures += 1
            if conn is not None and conn.transport is not None:
                conn.transport.abort()
            return
        done = time.perf_counter()
        last_done = max(last_done, done)
        idle.append(conn)
        if status == 200:
            latencies.append(done - at)
        else:
            failures += 1

    total = int(rate * seconds)
    cpu_before = time.process_time()
    # perf_counter, not loop.time(): uvloop's clock ticks in whole milliseconds.
    t0 = time.perf_counter() + 0.05
    tasks: set[asyncio.Task[None]] = set()
    lag = 0.0
    for i in range(total):
        at = t0 + i / rate
        delay = at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        lag = time.perf_counter() - at
        task = loop.create_task(one(at))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    while tasks:
        await asyncio.gather(*tasks)
    cpu = time.process_time() - cpu_before
    for conn in opened:
        if conn.transport is not None:
            conn.transport.close()
    return Run(
        scheduled=total,
        latencies_s=latencies,
        failed=failures,
        send_lag_s=lag,
        elapsed_s=max(0.0, last_done - t0),
        client_cpu_s=cpu,
        connections=len(opened),
    )


def run_open_loop(request: bytes, port: int, *, rate: float, seconds: float) -> Run:
    """`open_loop` on a fresh event loop (uvloop when installed)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(open_loop(request, port, rate=rate, seconds=seconds))
    with contextlib.closing(uvloop.new_event_loop()) as loop:
        return loop.run_until_complete(open_loop(request, port, rate=rate, seconds=seconds))
