"""The ingest daemon: watches the inbox and runs the scheduled jobs (APScheduler 3).

New complete bundles are picked up within `BODYCAM_GUARD_INBOX_POLL_S` (1 s by
default); a bundle still being written (no manifest yet) is left alone. Each
job is isolated: it logs its own failure and runs again at its next turn.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bodycam_guard.adapters.bundle_folder import find_bundles, open_bundle, release_ingested
from bodycam_guard.bootstrap import Runtime
from bodycam_guard.services.intake import IntakeSummary, take_in

_logger = logging.getLogger(__name__)


class InboxWatcher:
    """Takes in whatever complete bundles the inbox holds, one poll at a time."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        self._unlisted = runtime.settings.home / "unlisted"

    def _release(self, folder: Path) -> None:
        release_ingested(open_bundle(folder), self._unlisted)

    def poll_once(self) -> IntakeSummary:
        """Ingest every complete bundle now in the inbox; clear the ingested ones out of it."""
        rt = self._rt
        folders = find_bundles(rt.settings.inbox)
        summary = take_in(
            folders,
            uow=rt.uow,
            blobs=rt.blobs,
            probe=rt.probe,
            clock=rt.clock,
            policy=rt.policy,
            quarantine_root=rt.settings.quarantine,
            release=self._release,
        )
        if folders:
            _logger.info(
                "inbox: %d ingested, %d rejected, %d failed",
                len(summary.ingested),
                len(summary.rejected),
                len(summary.failed),
            )
        return summary


def _isolated(name: str, job: Any) -> Any:
    def run() -> None:
        try:
            job()
        except Exception:
            # One job's failure must not stop the others: log it, try again next turn.
            _logger.exception("scheduled job %s failed", name)

    return run


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    """Start the background jobs: the inbox watcher."""
    scheduler = BackgroundScheduler(timezone="UTC")
    watcher = InboxWatcher(runtime)
    scheduler.add_job(
        _isolated("inbox", watcher.poll_once),
        "interval",
        id="inbox",
        seconds=runtime.settings.inbox_poll_s,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=30,
    )
    scheduler.start()
    return scheduler
