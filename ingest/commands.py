"""`bodycam-guard ingest-daemon`: the inbox watcher and scheduled jobs, without the API.

Kept light: the scheduler is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import signal
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bodycam_guard.bootstrap import Runtime


def _run_daemon(runtime: Runtime, _args: argparse.Namespace) -> int:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    from ingest.daemon import start_scheduler

    scheduler = start_scheduler(runtime)
    print(f"bodycam-guard ingest daemon watching {runtime.settings.inbox}", flush=True)
    stop.wait()
    scheduler.shutdown(wait=True)
    return 0


def add_daemon_command(commands: Any) -> None:
    """Contribute `bodycam-guard ingest-daemon` (watcher and jobs, without the API)."""
    parser = commands.add_parser("ingest-daemon", help="watch the inbox and run scheduled jobs")
    parser.set_defaults(handler=_run_daemon)
