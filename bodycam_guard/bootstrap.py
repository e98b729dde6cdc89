"""The composition root: builds the engine, stores, probe, clock and log key from settings."""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from bodycam_guard.adapters.blob_store import LocalBlobStore
from bodycam_guard.adapters.db.engine import make_engine, migrate, session_factory
from bodycam_guard.adapters.db.unit_of_work import SqlUnitOfWork
from bodycam_guard.adapters.log_signer import LogSigner, load_or_create
from bodycam_guard.config import Settings
from bodycam_guard.domain.incidents import DetectionPolicy
from bodycam_guard.domain.media import MediaFacts
from bodycam_guard.services.detect_region import Judge, JudgedBatch, judge_batch
from bodycam_guard.services.timestamp_ports import TimestampAuthority

_logger = logging.getLogger(__name__)


def probe_media(path: Path, *, min_jump_s: float) -> MediaFacts:
    """Probe a stored file with PyAV, loaded on first use so commands that never probe start fast."""
    from bodycam_guard.adapters.media_probe import probe_media as probe

    return probe(path, min_jump_s=min_jump_s)


def utc_now() -> datetime:
    """The wall clock, aware UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything the use cases take as arguments, built once per process."""

    settings: Settings
    engine: Engine
    uow: Callable[[], SqlUnitOfWork]
    blobs: LocalBlobStore
    probe: Callable[[Path], MediaFacts]
    clock: Callable[[], datetime]
    policy: DetectionPolicy
    signer: LogSigner
    tsa: TimestampAuthority | None = None
    """The RFC 3161 time-stamping authority of BODYCAM_GUARD_TSA_URL, if the deployment has one."""


def time_stamping_authority(settings: Settings) -> TimestampAuthority | None:
    """The TSA the settings name (nothing is contacted here), or None."""
    if settings.tsa_url is None:
        return None
    # Loaded only when configured, like PyAV: deployments without a TSA never import it.
    from bodycam_guard.adapters.timestamp_authority import Rfc3161Authority, load_roots

    roots = load_roots(settings.tsa_ca_file) if settings.tsa_ca_file else None
    return Rfc3161Authority(settings.tsa_url, timeout_s=settings.tsa_timeout_s, roots=roots)


def judge_in_workers(database_url: str, workers: int) -> Judge:
    """A judge for region re-detection that reads and judges batches in worker processes.

    Each worker is a fresh (spawned) process with its own engine; judging only reads,
    so workers read while this process writes the batches before. At most two batches
    per worker wait to be written, which bounds memory.
    """

    def judge(
        batches: Sequence[Sequence[str]], policy: DetectionPolicy, now: datetime
    ) -> Iterator[JudgedBatch]:
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(database_url,)
        )
        try:
            waiting: deque[Future[JudgedBatch]] = deque()
            for devices in batches:
                waiting.append(pool.submit(_judge, tuple(devices), policy, now))
                if len(waiting) >= 2 * workers:
                    yield waiting.popleft().result()
            while waiting:
                yield waiting.popleft().result()
        finally:  # stopped early (an error, an interrupt): batches not yet begun are dropped
            pool.shutdown(wait=True, cancel_futures=True)

    return judge


_WORKER: dict[str, Callable[[], SqlUnitOfWork]] = {}
"""In a worker process: its unit of work, on an engine of its own."""


def _start_worker(database_url: str) -> None:
    _WORKER["uow"] = partial(SqlUnitOfWork, session_factory(make_engine(database_url)))


def _judge(devices: tuple[str, ...], policy: DetectionPolicy, now: datetime) -> JudgedBatch:
    with _WORKER["uow"]() as work:
        return judge_batch(work, devices, policy=policy, now=now)


def bootstrap(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now, sweep_incoming: bool = True
) -> Runtime:
    """Create the home's folders, migrate the database, load (or create) the log key, wire it up.

    `sweep_incoming=False` leaves half-written blobs alone: an API worker must not remove the
    one the ingesting process is writing right now.
    """
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.inbox.mkdir(exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    sessions = session_factory(engine)
    blobs = LocalBlobStore(settings.blob_root())
    if sweep_incoming:
        blobs.sweep_incoming()
    policy = settings.policy()
    signer = load_or_create(settings.log_key_path, settings.log_origin)
    return Runtime(
        settings=settings,
        engine=engine,
        uow=partial(SqlUnitOfWork, sessions),
        blobs=blobs,
        probe=partial(probe_media, min_jump_s=min(0.5, policy.tolerance_s)),
        clock=clock,
        policy=policy,
        signer=signer,
        tsa=time_stamping_authority(settings),
    )
