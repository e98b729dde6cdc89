"""The ingest daemon: watches the inbox and runs the scheduled jobs (APScheduler 3).

New complete bundles are picked up within `BODYCAM_GUARD_INBOX_POLL_S` (1 s by
default); a bundle still being written (no manifest yet) is left alone. Each
job is isolated: it logs its own failure and runs again at its next turn.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from bodycam_guard.adapters.bundle_folder import find_bundles, open_bundle, release_ingested
from bodycam_guard.bootstrap import Runtime
from bodycam_guard.services.duty_registry import judge_rostered_cameras
from bodycam_guard.services.fixity import START, FixitySlice, sweep_fixity_slice
from bodycam_guard.services.intake import IntakeSummary, take_in
from bodycam_guard.services.publish_checkpoint import publish_checkpoint
from bodycam_guard.services.timestamp_checkpoints import stamp_checkpoints
from ingest.metrics import JOB_FAILURES, JOB_RUNS, TIMESTAMP_FAILURES

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
            signer=rt.signer,
        )
        if folders:
            _logger.info(
                "inbox: %d ingested, %d rejected, %d failed",
                len(summary.ingested),
                len(summary.rejected),
                len(summary.failed),
            )
        return summary


class FixitySweep:
    """Re-hashes the next slice of stored blobs at each turn, wrapping around at the end."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime
        self._after = START

    def run_once(self) -> FixitySlice:
        """Check one slice; failures become integrity_failure incidents."""
        rt = self._rt
        done = sweep_fixity_slice(
            uow=rt.uow,
            blobs=rt.blobs,
            clock=rt.clock,
            policy=rt.policy,
            after=self._after,
            limit=rt.settings.fixity_slice_files,
        )
        self._after = done.next_after
        if done.failures:
            _logger.error("fixity: %d of %d blobs failed", len(done.failures), done.checked)
        return done


def publish_if_grown(runtime: Runtime) -> None:
    """Sign a checkpoint when the log grew; with a TSA, timestamp those that have no timestamp yet.

    Ingest signs a checkpoint after each bundle without waiting on the TSA: this job
    timestamps it within one interval, and retries after a TSA failure (counted).
    """
    publish_checkpoint(uow=runtime.uow, signer=runtime.signer, clock=runtime.clock)
    if runtime.tsa is not None:
        run = stamp_checkpoints(uow=runtime.uow, tsa=runtime.tsa, clock=runtime.clock)
        TIMESTAMP_FAILURES.inc(run.failed)


def _isolated(name: str, job: Any) -> Any:
    def run() -> None:
        JOB_RUNS.labels(name).inc()
        try:
            job()
        except Exception:
            # One job's failure must not stop the others: log it, try again next turn.
            JOB_FAILURES.labels(name).inc()
            _logger.exception("scheduled job %s failed", name)

    return run


def start_scheduler(runtime: Runtime) -> BackgroundScheduler:
    """Start the background jobs: inbox watcher, checkpoint publisher, fixity sweep, duty check."""
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
    settings = runtime.settings
    scheduler.add_job(
        _isolated("checkpoint", lambda: publish_if_grown(runtime)),
        "interval",
        id="checkpoint",
        seconds=settings.checkpoint_interval_s,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        _isolated("fixity", FixitySweep(runtime).run_once),
        "interval",
        id="fixity",
        seconds=settings.fixity_interval_s,
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        _isolated(
            "duty",
            lambda: judge_rostered_cameras(
                uow=runtime.uow, policy=runtime.policy, clock=runtime.clock
            ),
        ),
        "interval",
        id="duty",
        seconds=settings.duty_check_interval_s,
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return scheduler
