"""A real `bodycam-guard serve` for end-to-end tests: started on a free loopback port, stopped after."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(home: Path, log_path: Path, *, workers: int = 1, **settings: str) -> Iterator[str]:
    """Serve `home` (with extra BODYCAM_GUARD_* settings) until the block ends; yields the base URL.

    With several API workers, waits until every one has started.
    """
    env = {**os.environ, "BODYCAM_GUARD_HOME": str(home)}
    env.update({f"BODYCAM_GUARD_{name.upper()}": value for name, value in settings.items()})
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [str(BIN / "bodycam-guard"), "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "server did not come up"
                time.sleep(0.1)
            while log_path.read_text().count("Started server process") < workers:
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.1)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)
